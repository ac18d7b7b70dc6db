"""The firms' hourly heat plan and hydrogen of one year (the ``heat_plan`` stage of
kernel/carriers.py) from their heat by segment (kernel/firm_heat.py): firms sharing a shift shape
and segment share one profile row, the plan is one matrix product of the groups' coefficients and
their profile rows, and each firm burning hydrogen gets one hourly row.

What depends only on a year's groups and coefficients is kept for the process (runs at other seeds,
warm re-runs and replicates whose firms do the same see the same plan): the plan's sums by supply
and band, and the firms' hydrogen by hour with its sums (not their rows); and the groups' profile
rows, which do not depend on the coefficients at all (a run's years, ~10 MB for 25 years, shared by
replicates of a park). Each entry is keyed by the year, the groups, the profiles' identities (and
the exact bytes of the coefficients, or the hydrogen segments) and holds those profiles, so a profile
served anew (a measured shape registered again) is a new key. The plan itself is a fresh matrix
product each year: the heat dispatch works in its arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.loads import profile
from parktwin.kernel.carrier_hours import group_sums
from parktwin.kernel.firm_heat import FirmsHeat

PROFILE_ROWS_MAX = 40  # years' profile rows kept (a run's: one entry a year of 4-8 groups × 70 kB)
PLAN_KEPT_MAX = 64  # years' plan sums and hydrogen kept (small: a (4, 3) array, one hourly row)
_PROFILE_ROWS: dict[tuple, tuple] = {}  # (year, groups, profile ids) → (profiles, (rows, all >= 0))
_PLAN_SUMS: dict[tuple, tuple] = {}  # (year, groups, profile ids, coefficients' bytes) → (profiles, sums)
_HYDROGEN: dict[tuple, tuple] = {}  # (year, groups, profile ids, burning segments) → (profiles, FirmsHydrogen)


class FirmsHydrogen(NamedTuple):
    """The firms' hydrogen (LHV) by hour of one year, read-only."""

    firms: list[int]  # the firms burning hydrogen, in firm order (indices into the year's firms)
    hours: np.ndarray  # (8760,) all of it by hour, the firms' rows added in firm order [kWh]
    row_kwh: list[float]  # each firm's sum over the year [kWh]
    peaks_kw: list[float]  # each firm's highest hour [kWh]
    total_kwh: float  # the sum of ``hours`` over the year [kWh]


class HourlyPlan(NamedTuple):
    """The firms' plan and hydrogen by hour of one year."""

    plan_kw: np.ndarray  # (4, 3, 8760) heat by plan supply (energy.heat.PLAN_SUPPLIES), band and hour [kW_th]
    live: np.ndarray  # (4, 3) bool: the plan's rows with any heat coefficient (the others are zeros)
    sums_kwh: np.ndarray  # (4, 3) read-only: plan_kw's sums over the hours (0 for a row not live) [kWh_th]
    hydrogen: FirmsHydrogen
    nonnegative: bool  # every hour of plan_kw is >= 0: sums of products of the groups' coefficients and profile rows, all >= 0


def hourly_plan(fh: FirmsHeat, shapes: list[str], year: int) -> HourlyPlan:
    """The year's plan: Σ over groups of coefficient × profile row (one matrix product), its sums,
    and the firms' hydrogen (``shapes``: each firm's shift shape)."""
    groups, group_of, group_index = steady_groups(shapes) if fh.steady else segment_groups(fh, shapes)
    coefs = group_sums(group_index, fh.coefs.reshape(-1, 12), len(groups))  # each group's segments added in firm order
    sources = [profile(shape, year) for shape, _, _ in groups]
    key = (year, tuple(groups), tuple(map(id, sources)))
    profiles, rows_nonnegative = profile_rows(key, sources)
    plan_kw = (coefs.T @ profiles).reshape(4, 3, HOURS_PER_YEAR)
    live = coefs.any(axis=0).reshape(4, 3)
    return HourlyPlan(plan_kw, live, plan_sums(key, sources, coefs, plan_kw, live), firms_hydrogen(key, sources, fh, profiles, group_of),
                      rows_nonnegative and not (coefs < 0.0).any())


def segment_groups(fh: FirmsHeat, shapes: list[str]) -> tuple[dict, list[int], np.ndarray]:
    """The year's groups, firms sharing a shift shape and segment: {(shape, first hour, hour after
    the last): group}, in order of first appearance, and each segment's group (a list and an array)."""
    groups: dict[tuple[str, int, int], int] = {}
    group_of = [groups.setdefault((shapes[i], a, b), len(groups)) for i, a, b in zip(fh.firm, fh.start, fh.end)]
    return groups, group_of, np.asarray(group_of, dtype=np.int64)


_STEADY_GROUPS: list = []  # [(shapes, its groups)]: the last run's roster of shapes, held (so its identity stays its own)


def steady_groups(shapes: list[str]) -> tuple[dict, list[int], np.ndarray]:
    """``segment_groups`` of a year where every firm has one segment, the whole year: they depend on
    the firms' shapes only, so they are kept for the last ``shapes`` list seen (the run's one list,
    ``kernel.firm_heat.run_heat_inputs``, compared by identity and held with them) and read again in
    its other steady years. One entry: it never grows."""
    if _STEADY_GROUPS and _STEADY_GROUPS[0][0] is shapes:
        return _STEADY_GROUPS[0][1]
    groups: dict[tuple[str, int, int], int] = {}
    group_of = [groups.setdefault((shape, 0, HOURS_PER_YEAR), len(groups)) for shape in shapes]
    out = (groups, group_of, np.asarray(group_of, dtype=np.int64))
    _STEADY_GROUPS[:] = [(shapes, out)]
    return out


def profile_rows(key: tuple, sources: list[np.ndarray]) -> tuple[np.ndarray, bool]:
    """(groups, 8760) read-only: row g is the profile ``sources[g]`` of the year's group g =
    (shift shape, first hour, hour after the last) within its segment, zeros outside; and whether
    every value is >= 0. Kept for the process by ``key`` (year, groups, profile identities), at most
    ``PROFILE_ROWS_MAX`` years' worth: they do not depend on the firms' coefficients, so replicates
    of a park share them."""

    def build():
        rows = np.zeros((len(sources), HOURS_PER_YEAR))
        for row, ((_, start, end), source) in enumerate(zip(key[1], sources)):
            rows[row, start:end] = source[start:end]
        rows.setflags(write=False)
        return rows, not (rows < 0.0).any()

    return _kept(_PROFILE_ROWS, key, sources, build, PROFILE_ROWS_MAX)


def _kept(cache: dict, key: tuple, sources: list, build, most: int):
    """``cache[key]``'s value, built by ``build()`` when absent (a cache of ``most`` entries is
    emptied first); the entry holds ``sources`` (the profiles whose identities are in the key, so
    no other array can take one of them)."""
    entry = cache.get(key)
    if entry is None:
        if len(cache) >= most:
            cache.clear()
        entry = cache[key] = (sources, build())
    return entry[1]


def plan_sums(key: tuple, sources: list, coefs: np.ndarray, plan_kw: np.ndarray, live: np.ndarray) -> np.ndarray:
    """The plan's heat by supply and band over the year (4, 3) [kWh_th], read-only: each live row's
    sum (numpy's), 0 for the others (zeros all year); kept for the process by year, groups,
    profiles and coefficients (the plan is their product)."""

    def build():
        out = np.zeros(live.shape)
        for i, b in zip(*np.nonzero(live)):
            out[i, b] = plan_kw[i, b].sum()
        out.setflags(write=False)
        return out

    return _kept(_PLAN_SUMS, (*key, coefs.tobytes()), sources, build, PLAN_KEPT_MAX)


def firms_hydrogen(key: tuple, sources: list, fh: FirmsHeat, profiles: np.ndarray, group_of: list[int]) -> FirmsHydrogen:
    """The firms burning hydrogen and their hydrogen by hour: each burning segment's profile row ×
    its full-year hydrogen, over its hours, one row a firm; kept for the process (without the rows)
    by year, groups, profiles and burning segments (group, firm, hours, hydrogen)."""
    burning = tuple((group_of[s], fh.firm[s], fh.start[s], fh.end[s], h) for s, h in enumerate(fh.h2) if h > 0.0)

    def build():
        firms = sorted({firm for _, firm, _, _, _ in burning})
        row_of = {i: row for row, i in enumerate(firms)}
        kw = np.zeros((len(firms), HOURS_PER_YEAR))
        for group, firm, start, end, h2 in burning:
            np.multiply(profiles[group, start:end], h2, out=kw[row_of[firm], start:end])  # written in place, no temporary
        hours = kw.sum(axis=0) if len(kw) else np.zeros(HOURS_PER_YEAR)  # firm after firm, as the rows are in order
        hours.setflags(write=False)
        return FirmsHydrogen(firms, hours, kw.sum(axis=1).tolist(), kw.max(axis=1).tolist() if len(kw) else [], float(hours.sum()))

    return _kept(_HYDROGEN, (*key, burning), sources, build, PLAN_KEPT_MAX)

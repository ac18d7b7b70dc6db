"""The firms' hourly heat plan and hydrogen of one year (the ``heat_plan`` stage of
kernel/carriers.py) from their heat by segment (kernel/firm_heat.py): firms sharing a shift shape
and segment share one profile row, the plan is one matrix product of the groups' coefficients and
their profile rows, and each firm burning hydrogen gets one hourly row.

What depends only on a year's groups and coefficients is kept for the process (runs at other seeds,
warm re-runs and replicates whose firms do the same see the same plan): the groups' profile rows,
the plan's sums by supply and band, and the firms' hydrogen by hour with its sums. Each entry is
keyed by the year, the groups and the exact bytes of the coefficients (or of the hydrogen
segments), and holds the profile rows it was built from, so a profile served anew (a measured
shape registered again) is a new key. So is the plan's electricity at fixed COPs (the dispatch's
first pass). The plan itself is a fresh matrix product each year: the heat dispatch works in its arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.heat import HeatPlan, plan_electricity
from parktwin.energy.loads import profile
from parktwin.kernel.carrier_hours import group_sums
from parktwin.kernel.firm_heat import FirmsHeat

CACHE_MAX = 256  # entries kept per cache: a run visits ~26-40 (year, groups); a full cache is emptied
_PROFILE_ROWS: dict[tuple, tuple] = {}  # (year, groups) → (profile rows, the profiles they copy)
_PLAN_SUMS: dict[tuple, tuple] = {}  # (id of profile rows, coefficients' bytes) → (profile rows, sums)
_HYDROGEN: dict[tuple, tuple] = {}  # (id of profile rows, burning segments) → (profile rows, FirmsHydrogen)
_ELECTRICITY: dict[tuple, tuple] = {}  # (id of profile rows, coefficients' bytes, COPs, efficiency) → (profile rows, electricity)


class FirmsHydrogen(NamedTuple):
    """The firms' hydrogen (LHV) by hour of one year, read-only."""

    firms: list[int]  # the firms burning hydrogen, in firm order (indices into the year's firms)
    kw: np.ndarray  # (len(firms), 8760) their hydrogen by hour [kWh]
    hours: np.ndarray  # (8760,) all of it by hour, the rows added in firm order [kWh]
    row_kwh: list[float]  # each row's sum over the year [kWh]
    peaks_kw: list[float]  # each row's highest hour [kWh]
    total_kwh: float  # the sum of ``hours`` over the year [kWh]


class HourlyPlan(NamedTuple):
    """The firms' plan and hydrogen by hour of one year."""

    plan_kw: np.ndarray  # (4, 3, 8760) heat by plan supply (energy.heat.PLAN_SUPPLIES), band and hour [kW_th]
    live: np.ndarray  # (4, 3) bool: the plan's rows with any heat coefficient (the others are zeros)
    sums_kwh: np.ndarray  # (4, 3) read-only: plan_kw's sums over the hours (0 for a row not live) [kWh_th]
    hydrogen: FirmsHydrogen
    key: tuple  # (profile rows, coefficients' bytes): what the plan is the product of


def hourly_plan(fh: FirmsHeat, shapes: list[str], year: int) -> HourlyPlan:
    """The year's plan: Σ over groups of coefficient × profile row (one matrix product), its sums,
    and the hydrogen rows (``shapes``: each firm's shift shape)."""
    groups: dict[tuple[str, int, int], int] = {}  # firms sharing a shift shape and segment: one profile row
    group_of = [groups.setdefault((shapes[i], a, b), len(groups)) for i, a, b in zip(fh.firm, fh.start, fh.end)]
    coefs = group_sums(np.asarray(group_of, dtype=np.int64), fh.coefs.reshape(-1, 12), len(groups))  # each group's segments added in firm order
    profiles = profile_rows(year, tuple(groups))
    plan_kw = (coefs.T @ profiles).reshape(4, 3, HOURS_PER_YEAR)
    live = coefs.any(axis=0).reshape(4, 3)
    return HourlyPlan(plan_kw, live, plan_sums(profiles, coefs, plan_kw, live), firms_hydrogen(fh, profiles, group_of), (profiles, coefs.tobytes()))


def _kept(cache: dict, key: tuple, build):
    """``cache[key]``'s value, built by ``build()`` (→ (profile rows it pins, value)) when absent."""
    entry = cache.get(key)
    if entry is None:
        if len(cache) >= CACHE_MAX:
            cache.clear()
        entry = cache[key] = build()
    return entry[1]


def profile_rows(year: int, groups: tuple) -> np.ndarray:
    """(groups, 8760) read-only: row g is the profile of ``groups[g]`` = (shift shape, first hour,
    hour after the last) within its segment, zeros outside; kept for the process by year and groups
    while the profiles it was built from are the ones ``energy.loads.profile`` serves."""
    sources = [profile(shape, year) for shape, _, _ in groups]
    kept = _PROFILE_ROWS.get((year, groups))
    if kept is not None and all(map(lambda a, b: a is b, kept[1], sources)):
        return kept[0]
    rows = np.zeros((len(groups), HOURS_PER_YEAR))
    for row, ((_, start, end), source) in enumerate(zip(groups, sources)):
        rows[row, start:end] = source[start:end]
    rows.setflags(write=False)
    if len(_PROFILE_ROWS) >= CACHE_MAX:
        _PROFILE_ROWS.clear()
    _PROFILE_ROWS[(year, groups)] = (rows, sources)
    return rows


def plan_sums(profiles: np.ndarray, coefs: np.ndarray, plan_kw: np.ndarray, live: np.ndarray) -> np.ndarray:
    """The plan's heat by supply and band over the year (4, 3) [kWh_th], read-only: each live row's
    sum (numpy's), 0 for the others (zeros all year); kept for the process by profile rows and
    coefficients (the plan is their product)."""

    def build():
        out = np.zeros(live.shape)
        for i, b in zip(*np.nonzero(live)):
            out[i, b] = plan_kw[i, b].sum()
        out.setflags(write=False)
        return profiles, out

    return _kept(_PLAN_SUMS, (id(profiles), coefs.tobytes()), build)


def kept_plan_electricity(hp: HourlyPlan, plan: HeatPlan, cops: tuple[float, ...]) -> tuple:
    """``energy.heat.plan_electricity`` of the year's plan ``plan`` (``hp``'s, before the dispatch)
    whose heat pumps run at the fixed COPs ``cops`` by band: kept for the process by profile rows,
    coefficients, COPs and the electric boilers' efficiency."""
    profiles, coefs_key = hp.key
    key = (id(profiles), coefs_key, cops, plan.electric_boiler_efficiency)
    return _kept(_ELECTRICITY, key, lambda: (profiles, plan_electricity(plan, hp.live)))


def firms_hydrogen(fh: FirmsHeat, profiles: np.ndarray, group_of: list[int]) -> FirmsHydrogen:
    """The firms burning hydrogen and their hydrogen by hour, one row each: each burning segment's
    profile row × its full-year hydrogen, over its hours; kept for the process by profile rows and
    burning segments (group, firm, hours, hydrogen)."""
    burning = tuple((group_of[s], fh.firm[s], fh.start[s], fh.end[s], h) for s, h in enumerate(fh.h2) if h > 0.0)

    def build():
        firms = sorted({firm for _, firm, _, _, _ in burning})
        row_of = {i: row for row, i in enumerate(firms)}
        kw = np.zeros((len(firms), HOURS_PER_YEAR))
        for group, firm, start, end, h2 in burning:
            np.multiply(profiles[group, start:end], h2, out=kw[row_of[firm], start:end])  # written in place, no temporary
        hours = kw.sum(axis=0) if len(kw) else np.zeros(HOURS_PER_YEAR)  # firm after firm, as the rows are in order
        kw.setflags(write=False)
        hours.setflags(write=False)
        return profiles, FirmsHydrogen(firms, kw, hours, kw.sum(axis=1).tolist(), kw.max(axis=1).tolist() if len(kw) else [], float(hours.sum()))

    return _kept(_HYDROGEN, (id(profiles), burning), build)

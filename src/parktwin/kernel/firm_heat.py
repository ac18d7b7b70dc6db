"""The firms' heat of one year, all firms at once, from their commissioned states: the heat
plan's coefficients by segment (the parts of a firm's year between its commissioning hours) and
each firm's heat and hydrogen of the year (kernel/carriers.py builds the hourly plan from them).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from parktwin.agents.base import same_agents, segment_weights
from parktwin.agents.enterprise import NO_MEASURES, FirmState, fold_firm_state
from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.energy.calendar import HOURS_PER_YEAR

if TYPE_CHECKING:
    from parktwin.kernel.carriers import CarrierState


@dataclass
class FirmsHeat:
    """The firms' heat of one year, all firms at once: by segment (the parts of a firm's year
    between its commissioning hours, a firm's segments in order) and by firm."""

    firm: list[int]  # (segments,) each segment's firm, an index into the year's firms
    start: list[int]  # (segments,) its first hour
    end: list[int]  # (segments,) the hour after its last
    coefs: np.ndarray  # (segments, 4, 3) full-year heat by plan supply and band, before the shift profile [kWh_th/yr]
    h2: list[float]  # (segments,) full-year hydrogen (LHV) the firm's hydrogen measure burns [kWh/yr]
    annual: np.ndarray  # (firms, 4, 3) each firm's heat of the year: its segments weighted by their share of its profile [kWh_th]
    annual_h2: list[float]  # (firms,) each firm's hydrogen of the year [kWh]


def firms_heat(firms: list, year: int, year_start: int, state: CarrierState) -> FirmsHeat:
    """The firms' heat of the year from their commissioned states: each segment's scale (activity ×
    intensity × its efficiency factor) times its heat coefficients at scale 1, as one array product
    over all segments, and each firm's year as its segments' sum weighted by their share of its
    profile (one weight 1.0 for a firm with one segment), added in segment order. A firm's
    coefficients at scale 1 are kept while its states are the same (``state.unit_coefs``). In a year
    where every firm keeps, all year, the state it ended last year in, the year is one array product
    over the firms (``steady_year``)."""
    all_segs = [firm.year_segments(year_start, NO_MEASURES, fold_firm_state) for firm in firms]  # the firms' cached folds (year_energy ran first)
    steady = steady_year(firms, all_segs, state)
    if steady is not None:
        return steady
    rows = []  # per segment: (firm index, start, end, scale, unit coefficients (4, 3), hydrogen [kWh/yr], weight)
    ends_in = []  # per firm: (its last state, that state's unit coefficients, its base hydrogen [kWh/yr])
    for i, (firm, segs) in enumerate(zip(firms, all_segs)):
        own_kwh, bought_kwh, h2_kwh = firm.once("heat_base", lambda f=firm: _heat_base(f))  # constant within a run
        scale = firm.activity * firm.intensity
        last = state.unit_coefs.get(firm, ())
        if len(segs) == 1 and len(last) == 1 and last[0][0] is segs[0][1]:  # one state all year, the same as last year's
            st, unit = last[0]
            k = scale * st.efficiency_factor
            rows.append((i, 0, HOURS_PER_YEAR, k, unit, k * h2_kwh * st.hydrogen_share, 1.0))
            ends_in.append((st, unit, h2_kwh))
            continue
        shares = segment_weights(firm.spec.shift_pattern, year, [s for s, _ in segs]) if len(segs) > 1 else (1.0,)  # of its profile
        mine = []
        for j, (start, st) in enumerate(segs):
            unit = _kept_unit(last, st)
            if unit is None:
                unit = _unit_coefs(own_kwh, bought_kwh, firm.heat_bands, st)
            mine.append((st, unit))
            k = scale * st.efficiency_factor
            rows.append((i, start, segs[j + 1][0] if j + 1 < len(segs) else HOURS_PER_YEAR, k, unit, k * h2_kwh * st.hydrogen_share, shares[j]))
        state.unit_coefs[firm] = mine
        ends_in.append((*mine[-1], h2_kwh))
    seg_firm, starts, ends, scales, units, h2, weights = (list(x) for x in zip(*rows)) if rows else ([], [], [], [], [], [], [])
    stack = np.array(units)
    coefs = np.array(scales)[:, None, None] * stack if units else np.zeros((0, 4, 3))
    keep_last_states(firms, ends_in, state, stack if len(rows) == len(firms) else None)
    if len(rows) == len(firms):  # one segment a firm: its year is its segment
        return FirmsHeat(seg_firm, starts, ends, coefs, h2, coefs, h2)
    w = np.array(weights)
    annual = np.zeros((len(firms), 4, 3))
    np.add.at(annual, seg_firm, w[:, None, None] * coefs)  # unbuffered: each firm's segments added in order
    annual_h2 = np.zeros(len(firms))
    np.add.at(annual_h2, seg_firm, w * np.array(h2))
    return FirmsHeat(seg_firm, starts, ends, coefs, h2, annual, annual_h2.tolist())


def steady_year(firms: list, all_segs: list, state: CarrierState) -> FirmsHeat | None:
    """The year's heat when every firm has one state all year and it is the state it ended last
    year in (``state.last_states``), else None: each firm's coefficients at scale 1, efficiency
    factor, hydrogen share and base hydrogen are last year's, so the year is their arrays times the
    firms' activity × intensity: the same products as segment by segment, in the same order."""
    kept = state.last_states
    if not kept or not same_agents(kept[0], firms):
        return None
    if not all(len(segs) == 1 and segs[0][1] is st for segs, st in zip(all_segs, kept[1])):
        return None
    stack, efficiency, h2_kwh, h2_share = kept[2]
    k = np.array([f.activity for f in firms]) * np.array([f.intensity for f in firms]) * efficiency
    coefs = k[:, None, None] * stack
    h2 = (k * h2_kwh * h2_share).tolist()
    n = len(firms)
    return FirmsHeat(list(range(n)), [0] * n, [HOURS_PER_YEAR] * n, coefs, h2, coefs, h2)


def keep_last_states(firms: list, ends_in: list, state: CarrierState, stack: np.ndarray | None) -> None:
    """Keep each firm's last state of the year ``ends_in`` [(state, unit coefficients, base hydrogen)]
    as arrays over the firms for ``steady_year`` next year; ``stack``: the coefficients already
    stacked (every firm had one segment)."""
    states = [st for st, _, _ in ends_in]
    arrays = (np.array([unit for _, unit, _ in ends_in]) if stack is None else stack, np.array([st.efficiency_factor for st in states]),
              np.array([h2 for _, _, h2 in ends_in]), np.array([st.hydrogen_share for st in states]))
    state.last_states = (list(firms), states, arrays)


def _heat_base(firm) -> tuple[float, float, float]:
    """The firm's base-year own boiler heat, bought heat and process fuel (NCV) [kWh/yr]."""
    return firm.boiler_heat_kwh(), firm.spec.energy.purchased_heat_gj * KWH_PER_GJ, firm.process_fuel_kwh()


def _kept_unit(last: tuple | list, st: FirmState) -> np.ndarray | None:
    """The unit coefficients kept in ``last`` [(state, coefficients)] for the state ``st`` (the same
    object), or None. An equal state of another object (a change inside last year folded again)
    finds its coefficients in ``_unit_coefs``' cache, keyed by equality: the same numbers."""
    for old, unit in last:
        if old is st:
            return unit
    return None


def _unit_coefs(own_kwh: float, bought_kwh: float, bands: tuple, st: FirmState) -> np.ndarray:
    """Heat by plan supply and band (4, 3) [kWh_th/yr] of a firm in state ``st`` at scale 1: it
    depends on the state's electrified shares only, which key the cache (``_shares_coefs``; hashing
    the four tuples, not the whole state through its generated ``__hash__``)."""
    return _shares_coefs(own_kwh, bought_kwh, bands, st.own_eb, st.own_hp, st.bought_eb, st.bought_hp)


@lru_cache(maxsize=4096)
def _shares_coefs(own_kwh: float, bought_kwh: float, bands: tuple, own_eb: tuple, own_hp: tuple, bought_eb: tuple,
                  bought_hp: tuple) -> np.ndarray:
    own = [own_kwh * w for w in bands]
    buy = [bought_kwh * w for w in bands]
    out = np.array([
        [o * max(1.0 - e_ - h_, 0.0) for o, e_, h_ in zip(own, own_eb, own_hp)],
        [b * max(1.0 - e_ - h_, 0.0) for b, e_, h_ in zip(buy, bought_eb, bought_hp)],
        [o * e1 + b * e2 for o, b, e1, e2 in zip(own, buy, own_eb, bought_eb)],
        [o * h1 + b * h2 for o, b, h1, h2 in zip(own, buy, own_hp, bought_hp)],
    ])
    out.setflags(write=False)
    return out

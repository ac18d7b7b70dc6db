"""The firms' heat of one year, all firms at once, from their commissioned states: the heat
plan's coefficients by segment (the parts of a firm's year between its commissioning hours) and
each firm's heat and hydrogen of the year (kernel/carriers.py builds the hourly plan from them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from parktwin.agents.base import same_agents, segment_weights, state_cache
from parktwin.agents.enterprise import NO_MEASURES, FirmState, fold_firm_state
from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.kernel.carrier_hours import group_sums

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
    steady: bool = False  # every firm has one segment, the whole year (segment i is firm i's)


def firms_heat(firms: list, year: int, year_start: int, state: CarrierState) -> FirmsHeat:
    """The firms' heat of the year from their commissioned states: each segment's scale (activity ×
    intensity × its efficiency factor) times its heat coefficients at scale 1, as one array product
    over all segments, and each firm's year as its segments' sum weighted by their share of its
    profile (one weight 1.0 for a firm with one segment), added in segment order. What depends on a
    firm's spec and the run's constants is read once per run (``run_heat_inputs``), and a state's
    coefficients at scale 1 are computed once per distinct state (``heat_inputs``). In a year where
    every firm has one state all year, the year is one array product over the firms, from last
    year's arrays (``steady_year``)."""
    counts = [len(firm.changes) for firm in firms]
    steady = steady_year(firms, counts, year_start, state)
    if steady is not None:
        return steady
    all_segs = [firm.year_segments(year_start, NO_MEASURES, fold_firm_state) for firm in firms]  # the firms' cached folds (year_energy ran first)
    # per segment: its firm (an index), first hour, end hour, scale, unit coefficients (4, 3), hydrogen [kWh/yr], weight
    seg_firm, starts, ends, scales, units, h2, weights = [], [], [], [], [], [], []
    last, efficiency, h2_base, h2_share = [], [], [], []  # per firm: its last segment (an index), that state's factors, its base hydrogen [kWh/yr]
    shares_of: dict[tuple, tuple] = {}  # (shape, segment starts) → the segments' shares of the profile (firms share them)
    for i, (firm, segs, (h2_kwh, shape, inputs, known)) in enumerate(zip(firms, all_segs, run_heat_inputs(firms, state).inputs)):
        scale = firm.activity * firm.intensity
        n = len(segs)
        if n == 1:
            shares = (1.0,)
        else:
            key = (shape, tuple(s for s, _ in segs))
            shares = shares_of.get(key)
            if shares is None:
                shares = shares_of[key] = segment_weights(shape, year, key[1])  # of its profile
        for j, (start, st) in enumerate(segs):
            unit = known.get(st)
            if unit is None:
                unit = kept_unit(inputs, known, st)
            k = scale * st.efficiency_factor
            seg_firm.append(i)
            starts.append(start)
            ends.append(segs[j + 1][0] if j + 1 < n else HOURS_PER_YEAR)
            scales.append(k)
            units.append(unit)
            h2.append(k * h2_kwh * st.hydrogen_share)
            weights.append(shares[j])
        last.append(len(units) - 1)
        efficiency.append(st.efficiency_factor)
        h2_base.append(h2_kwh)
        h2_share.append(st.hydrogen_share)
    stack = np.concatenate(units).reshape(-1, 4, 3) if units else np.zeros((0, 4, 3))
    coefs = np.array(scales)[:, None, None] * stack
    one_each = len(units) == len(firms)  # one segment a firm: its year is its segment
    state.last_states = (list(firms), counts, (stack if one_each else stack[last], np.array(efficiency), np.array(h2_base), np.array(h2_share)))
    if one_each:
        return FirmsHeat(seg_firm, starts, ends, coefs, h2, coefs, h2)
    w = np.array(weights)
    group = np.array(seg_firm, dtype=np.int64)
    annual = group_sums(group, (w[:, None, None] * coefs).reshape(-1, 12), len(firms)).reshape(-1, 4, 3)  # each firm's segments added in order
    annual_h2 = group_sums(group, (w * np.array(h2))[:, None], len(firms))[:, 0]
    return FirmsHeat(seg_firm, starts, ends, coefs, h2, annual, annual_h2.tolist())


def steady_year(firms: list, counts: list[int], year_start: int, state: CarrierState) -> FirmsHeat | None:
    """The year's heat when every firm has one state all year, else None. A firm without a change
    since last year's heat (``counts``: each firm's number of changes, as kept in
    ``state.last_states``; changes are only appended, and last year's segments folded them all) is
    all year in the state it ended last year in, so its coefficients at scale 1, efficiency factor,
    hydrogen share and base hydrogen are last year's; a firm with a change whose year is still one
    state takes its new state's (``changed_arrays``). The year is those arrays times the firms'
    activity × intensity: the same products as segment by segment, in the same order."""
    kept = state.last_states
    if not kept or not same_agents(kept[0], firms):
        return None
    arrays = kept[2]
    if kept[1] != counts:
        arrays = changed_arrays(firms, counts, kept, year_start)
        if arrays is None:
            return None
        state.last_states = (list(firms), counts, arrays)
    stack, efficiency, h2_kwh, h2_share = arrays
    k = np.array([f.activity for f in firms]) * np.array([f.intensity for f in firms]) * efficiency
    coefs = k[:, None, None] * stack
    h2 = (k * h2_kwh * h2_share).tolist()
    n = len(firms)
    return FirmsHeat(list(range(n)), [0] * n, [HOURS_PER_YEAR] * n, coefs, h2, coefs, h2, steady=True)


def changed_arrays(firms: list, counts: list[int], kept: tuple, year_start: int) -> tuple | None:
    """Last year's arrays ``kept`` with the rows of the firms that had a change since replaced by
    their state of this year, when each of them has one state all year; else None. Only these firms'
    segments are folded."""
    changed = [i for i, (n, old) in enumerate(zip(counts, kept[1])) if n != old]
    states = []
    for i in changed:
        segs = firms[i].year_segments(year_start, NO_MEASURES, fold_firm_state)
        if len(segs) > 1:
            return None
        states.append(segs[0][1])
    stack, efficiency, h2_kwh, h2_share = (a.copy() for a in kept[2])
    for i, st in zip(changed, states):
        stack[i] = state_unit(firms[i], st)
        efficiency[i] = st.efficiency_factor
        h2_share[i] = st.hydrogen_share
    return stack, efficiency, h2_kwh, h2_share


class RunHeatInputs(NamedTuple):
    """What the firms' heat reads of each firm once per run (``run_heat_inputs``)."""

    firms: list  # the roster they belong to
    inputs: list[tuple]  # each firm's ``heat_inputs``
    shapes: list[str]  # each firm's shift shape (one list object for the run: kernel.heat_plan keys on it)


def run_heat_inputs(firms: list, state: CarrierState) -> RunHeatInputs:
    """Each firm's ``heat_inputs`` and shift shape (constant within a run), kept in
    ``state.heat_inputs`` and read from there while the firms are the same objects in the same order."""
    kept = state.heat_inputs
    if kept is not None and same_agents(kept.firms, firms):
        return kept
    inputs = [firm.once("heat_inputs", lambda f=firm: heat_inputs(f)) for firm in firms]
    state.heat_inputs = RunHeatInputs(list(firms), inputs, [shape for _, shape, _, _ in inputs])
    return state.heat_inputs


def heat_inputs(firm) -> tuple[float, str, tuple, dict]:
    """What a firm's heat reads besides its state, once per run: its base-year process fuel (NCV),
    the hydrogen a full switch burns [kWh/yr]; its shift pattern; its own boiler heat and bought heat
    [kWh/yr] and heat band weights; and its coefficients at scale 1 by state, state → (4, 3)
    [kWh_th/yr], each computed once per distinct state (a state hashes its fields once, when made:
    ``FirmState.__post_init__``) and shared by the runs of a process (``agents.base.state_cache``)."""
    inputs = (firm.boiler_heat_kwh(), firm.spec.energy.purchased_heat_gj * KWH_PER_GJ, firm.heat_bands)
    return firm.process_fuel_kwh(), firm.spec.shift_pattern, inputs, state_cache("firm_heat_units", inputs)


def state_unit(firm, st: FirmState) -> np.ndarray:
    """The firm's heat coefficients at scale 1 in state ``st`` (4, 3) [kWh_th/yr], from its kept
    coefficients by state (``heat_inputs``)."""
    _, _, inputs, known = firm.once("heat_inputs", lambda: heat_inputs(firm))
    return kept_unit(inputs, known, st)


def kept_unit(inputs: tuple, known: dict, st: FirmState) -> np.ndarray:
    """``known[st]`` (the coefficients at scale 1 by state, ``heat_inputs``), computed from
    ``inputs`` and kept there when absent (4, 3) [kWh_th/yr]."""
    unit = known.get(st)
    if unit is None:
        unit = known[st] = _unit_coefs(inputs, st)
    return unit


def _unit_coefs(inputs: tuple, st: FirmState) -> np.ndarray:
    """Heat by plan supply and band (4, 3) [kWh_th/yr] of a firm in state ``st`` at scale 1, from
    its own boiler heat, bought heat [kWh/yr] and band weights ``inputs``: it depends on the state's
    electrified shares only."""
    own_kwh, bought_kwh, bands = inputs
    own = [own_kwh * w for w in bands]
    buy = [bought_kwh * w for w in bands]
    out = np.array([
        [o * max(1.0 - e_ - h_, 0.0) for o, e_, h_ in zip(own, st.own_eb, st.own_hp)],
        [b * max(1.0 - e_ - h_, 0.0) for b, e_, h_ in zip(buy, st.bought_eb, st.bought_hp)],
        [o * e1 + b * e2 for o, b, e1, e2 in zip(own, buy, st.own_eb, st.bought_eb)],
        [o * h1 + b * h2 for o, b, h1, h2 in zip(own, buy, st.own_hp, st.bought_hp)],
    ])
    out.setflags(write=False)
    return out

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


class FirmRows(NamedTuple):
    """Each firm's last state of the year by firm (arrays over the year's firms, in their order)."""

    unit: np.ndarray  # (firms, 4, 3) its heat coefficients at scale 1 [kWh_th/yr]
    efficiency: np.ndarray  # (firms,) its efficiency factor [-]
    h2_kwh: np.ndarray  # (firms,) its base hydrogen [kWh/yr]
    h2_share: np.ndarray  # (firms,) its hydrogen share [-]


class LastStates(NamedTuple):
    """What the firms' heat keeps of a year for the next (``CarrierState.last_states``)."""

    firms: list  # the year's firms, in order
    counts: list[int]  # each one's number of changes folded
    rows: FirmRows  # each one's last state's rows
    states: list  # each one's last state (None where not known)


def firms_heat(firms: list, year: int, year_start: int, state: CarrierState) -> FirmsHeat:
    """The firms' heat of the year from their commissioned states: each segment's scale (activity ×
    intensity × its efficiency factor) times its heat coefficients at scale 1, as one array product
    over all segments, and each firm's year as its segments' sum weighted by their share of its
    profile, added in segment order (``with_segments``). Each firm's last state of the year (its
    coefficients at scale 1, efficiency factor, hydrogen share) is kept by firm in
    ``state.last_states`` (``last_states``): only the firms with a change since last year's heat are
    folded; the others are all year in the state they ended last year in. In a year where every firm
    has one state all year, the year is one array product over the firms (``steady``). What depends
    on a firm's spec and the run's constants is read once per run (``run_heat_inputs``), and a
    state's coefficients at scale 1 are computed once per distinct state (``heat_inputs``)."""
    counts = [len(firm.changes) for firm in firms]
    folded = folded_firms(firms, counts, year_start, state)
    before = state.last_states  # last year's (or nothing): each firm's state at this year's start, unless a change came at that hour
    stack, efficiency, h2_kwh, h2_share = last_states(firms, counts, folded, state)
    scale = np.array([f.activity for f in firms]) * np.array([f.intensity for f in firms])
    several = {i: segs for i, segs in folded.items() if len(segs) > 1}
    if not several:
        k = scale * efficiency
        coefs = k[:, None, None] * stack
        h2 = (k * h2_kwh * h2_share).tolist()
        n = len(firms)
        return FirmsHeat(list(range(n)), [0] * n, [HOURS_PER_YEAR] * n, coefs, h2, coefs, h2, steady=True)
    return with_segments(firms, year, several, before if before and same_agents(before.firms, firms) else None, scale, state)


def folded_firms(firms: list, counts: list[int], year_start: int, state: CarrierState) -> dict[int, list]:
    """{firm index: its segments of the year} of the firms with a change since last year's heat
    (``counts``: each firm's number of changes, compared with those kept in ``state.last_states``;
    changes are only appended, and last year's segments folded them all), all firms in a run's first
    year or when the roster changed. The folds are the firms' cached ones (year_energy ran first)."""
    kept = state.last_states
    if kept and same_agents(kept.firms, firms):
        if kept.counts == counts:
            return {}
        changed = [i for i, (n, old) in enumerate(zip(counts, kept.counts)) if n != old]
    else:
        changed = range(len(firms))
    return {i: firms[i].year_segments(year_start, NO_MEASURES, fold_firm_state) for i in changed}


def last_states(firms: list, counts: list[int], folded: dict[int, list], state: CarrierState) -> FirmRows:
    """Each firm's last state of the year, by firm: its coefficients at scale 1 (firms, 4, 3)
    [kWh_th/yr], efficiency factor, base hydrogen [kWh/yr] and hydrogen share: last year's arrays
    (``state.last_states``) with the rows of the ``folded`` firms replaced by their last segment's
    state; kept in ``state.last_states`` for next year, with the states themselves."""
    if not folded and len(firms):
        return state.last_states.rows
    inputs = run_heat_inputs(firms, state).inputs
    if len(folded) == len(firms):  # every firm (or none in the park): nothing of last year is read
        n = len(firms)
        stack, efficiency, h2_share = np.empty((n, 4, 3)), np.empty(n), np.empty(n)
        h2_kwh = np.array([h2 for h2, _, _, _ in inputs])
        states = [None] * n
    else:
        stack, efficiency, h2_kwh, h2_share = (a.copy() for a in state.last_states.rows)
        states = list(state.last_states.states)
    for i, segs in folded.items():
        st = states[i] = segs[-1][1]
        stack[i] = kept_unit(inputs[i][2], inputs[i][3], st)
        efficiency[i] = st.efficiency_factor
        h2_share[i] = st.hydrogen_share
    rows = FirmRows(stack, efficiency, h2_kwh, h2_share)
    state.last_states = LastStates(list(firms), counts, rows, states)
    return rows


def with_segments(firms: list, year: int, several: dict[int, list], before: tuple | None, scale: np.ndarray, state: CarrierState) -> FirmsHeat:
    """The year's heat when the firms ``several`` {index: segments} have more than one segment: each
    firm's segments in firm order (one a firm, in its last state, but for those), each segment's
    coefficients its scale (its firm's activity × intensity ``scale`` × its efficiency factor) times
    its coefficients at scale 1, and each firm's year its segments' sum weighted by their share of its
    profile, added in segment order from zeros. A firm's last segment takes its last state's row
    (``state.last_states``); its first, when its state is the one it ended last year in, last year's
    row (``before``: last year's ``state.last_states``); the others are looked up."""
    stack, efficiency, h2_kwh, h2_share = state.last_states.rows
    counts = [1] * len(firms)
    for i, segs in several.items():
        counts[i] = len(segs)
    firm_of = np.repeat(np.arange(len(firms)), counts)
    seg_stack, seg_efficiency, seg_share = stack[firm_of], efficiency[firm_of], h2_share[firm_of]  # every segment in its firm's last state
    starts, ends, weights = [0] * len(firm_of), [HOURS_PER_YEAR] * len(firm_of), [1.0] * len(firm_of)
    first = np.cumsum([0, *counts[:-1]]).tolist()  # each firm's first segment
    run = run_heat_inputs(firms, state)
    last_year = [], []  # (segments, firms) whose state is the one the firm ended last year in
    for i, segs in several.items():
        _, shape, inputs, known = run.inputs[i]
        p = first[i]
        starts[p:p + len(segs)] = [h for h, _ in segs]
        weights[p:p + len(segs)] = segment_weights(shape, year, starts[p:p + len(segs)])  # of its profile
        for j in range(len(segs) - 1):  # the last segment's state is the firm's row already
            st = segs[j][1]
            ends[p + j] = segs[j + 1][0]
            if j == 0 and before is not None and st is before.states[i]:
                last_year[0].append(p)
                last_year[1].append(i)
            else:
                seg_stack[p + j] = kept_unit(inputs, known, st)
                seg_efficiency[p + j] = st.efficiency_factor
                seg_share[p + j] = st.hydrogen_share
    if last_year[0]:
        segments, rows = last_year
        kept = before.rows
        seg_stack[segments], seg_efficiency[segments], seg_share[segments] = kept.unit[rows], kept.efficiency[rows], kept.h2_share[rows]
    k = scale[firm_of] * seg_efficiency
    coefs = k[:, None, None] * seg_stack
    h2 = k * h2_kwh[firm_of] * seg_share
    w = np.array(weights)
    annual = group_sums(firm_of, (w[:, None, None] * coefs).reshape(-1, 12), len(firms)).reshape(-1, 4, 3)  # each firm's segments added in order
    annual_h2 = group_sums(firm_of, (w * h2)[:, None], len(firms))[:, 0]
    return FirmsHeat(firm_of.tolist(), starts, ends, coefs, h2.tolist(), annual, annual_h2.tolist())


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

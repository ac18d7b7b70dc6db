"""The firms' heat of one year, all firms at once, from their commissioned states: the heat
plan's coefficients by segment (the parts of a firm's year between its commissioning hours) and
each firm's heat and hydrogen of the year (kernel/carriers.py builds the hourly plan from them).

A firm's state enters as one row of numbers (``state_row``: its coefficients at scale 1, efficiency
factor and hydrogen share), looked up per (firm, state) and shared by the runs of a process; only
the firms with a change since last year's heat are folded again (``changed_firms``), and the year's
segments are laid out and scaled in one compiled pass (``steady_heat``, ``segment_heat``: the same
float64 products and the same left-to-right sums as firm by firm).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numba
import numpy as np

from parktwin.agents.base import same_agents, segment_weights, state_cache
from parktwin.agents.enterprise import NO_MEASURES, FirmState, fold_firm_state
from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.energy.calendar import HOURS_PER_YEAR

if TYPE_CHECKING:
    from parktwin.kernel.carriers import CarrierState

ROW_NUMBERS = 14  # a (firm, state) row: its coefficients at scale 1 (4 × 3, row by row), efficiency factor, hydrogen share


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


class LastStates(NamedTuple):
    """What the firms' heat keeps of a year for the next (``CarrierState.last_states``)."""

    firms: list  # the year's firms, in order (the run's ``RunHeatInputs.firms`` list)
    counts: list[int]  # each one's number of changes folded
    numbers: np.ndarray  # (firms, ROW_NUMBERS) each one's last state's (firm, state) row (``state_row``)


class SegmentRows(NamedTuple):
    """The segments of the year of the firms with a change since last year's heat, in firm order
    and a firm's segments in order (``segment_rows``)."""

    changed: np.ndarray  # (changed firms,) their indices among the year's firms, in order
    lengths: np.ndarray  # (changed firms,) each one's number of segments
    starts: np.ndarray  # (segments,) each segment's first hour
    numbers: np.ndarray  # (segments, ROW_NUMBERS) its (firm, state) row (``state_row``)


class RunHeatInputs(NamedTuple):
    """What the firms' heat reads of each firm once per run (``run_heat_inputs``)."""

    firms: list  # the roster they belong to
    shapes: list[str]  # each firm's shift shape (one list object for the run: kernel.heat_plan keys on it)
    inputs: list[tuple]  # each firm's own boiler heat and bought heat of the base year [kWh_th/yr] and heat band weights
    known: list[dict]  # each firm's rows by state (``state_row``), shared by the runs of a process with the same inputs
    h2_kwh: np.ndarray  # (firms,) its base-year process fuel (NCV), the hydrogen a full switch burns [kWh/yr]
    steady: tuple[list[int], list[int], list[int]]  # a steady year's (firm, start, end) of its segments (read only)


def run_heat_inputs(firms: list, state: CarrierState) -> RunHeatInputs:
    """Each firm's heat inputs and shift shape (constant within a run, from its spec and the run's
    constants), kept in ``state.heat_inputs`` and read from there while the firms are the same
    objects in the same order. A firm's rows by state are a dictionary keyed by the state (immutable,
    hashed once when made: ``FirmState.__post_init__``) shared by the runs of a process with the
    same inputs (``agents.base.state_cache``): a row depends on the inputs and the state alone."""
    kept = state.heat_inputs
    if kept is not None and same_agents(kept.firms, firms):
        return kept
    n = len(firms)
    inputs = [(firm.boiler_heat_kwh(), firm.spec.energy.purchased_heat_gj * KWH_PER_GJ, firm.heat_bands) for firm in firms]
    state.heat_inputs = RunHeatInputs(list(firms), [firm.spec.shift_pattern for firm in firms], inputs,
                                      [state_cache("firm_heat_rows", i) for i in inputs],
                                      np.array([firm.process_fuel_kwh() for firm in firms], dtype=float),
                                      (list(range(n)), [0] * n, [HOURS_PER_YEAR] * n))
    return state.heat_inputs


def firms_heat(firms: list, year: int, year_start: int, state: CarrierState) -> FirmsHeat:
    """The firms' heat of the year from their commissioned states: each segment's scale (activity ×
    intensity × its efficiency factor) times its heat coefficients at scale 1, and each firm's year
    as its segments' sum weighted by their share of its profile, added in segment order. Each firm's
    last state of the year is kept by firm as its (firm, state) row in ``state.last_states``
    (``last_states``): only the firms with a change since last year's heat are folded
    (``changed_firms``, ``segment_rows``); the others are all year in the state they ended last year
    in. In a year where every firm has one state all year, the year is one compiled pass over the
    firms (``steady_heat``, ``steady``), else over the segments (``with_segments``)."""
    run = run_heat_inputs(firms, state)
    counts = [len(firm.changes) for firm in firms]
    changed = changed_firms(run, counts, state)
    scale = np.array([f.activity * f.intensity for f in firms], dtype=float)  # (the same products as elementwise)
    if not changed and state.last_states:
        numbers = state.last_states.numbers
    else:
        segments = [firms[i].year_segments(year_start, NO_MEASURES, fold_firm_state) for i in changed]
        seg = segment_rows(run, changed, segments)
        numbers = last_states(firms, counts, seg, run, state)
        if len(seg.starts) > len(changed):
            return with_segments(year, seg, numbers, scale, run)
    coefs, h2 = steady_heat(scale, numbers, run.h2_kwh)
    h2 = h2.tolist()
    firm, start, end = run.steady
    return FirmsHeat(firm, start, end, coefs, h2, coefs, h2, steady=True)


def changed_firms(run: RunHeatInputs, counts: list[int], state: CarrierState) -> list[int]:
    """The indices of the firms with a change since last year's heat (``counts``: each firm's
    number of changes, compared with those kept in ``state.last_states``; changes are only appended,
    and last year's segments folded them all), all firms in a run's first year or when the roster
    changed (last year's roster is the run's ``run.firms`` list itself while the firms are the same
    objects in the same order: ``run_heat_inputs`` makes a new list for a new roster)."""
    kept = state.last_states
    firms = run.firms
    if kept and kept.firms is firms:
        if kept.counts == counts:
            return []
        return [i for i, (n, old) in enumerate(zip(counts, kept.counts)) if n != old]
    return list(range(len(firms)))


def segment_rows(run: RunHeatInputs, changed: list[int], segments: list[list]) -> SegmentRows:
    """The ``segments`` [(start hour, state)] of the ``changed`` firms (their folds are the firms'
    cached ones: year_energy ran first) as arrays over their segments: each one's (firm, state) row
    looked up (``state_row`` when absent), all of them one array."""
    rows, starts = [], []
    for i, segs in zip(changed, segments):
        known = run.known[i]
        for h, st in segs:
            row = known.get(st)
            if row is None:
                row = known[st] = state_row(run.inputs[i], st)
            rows.append(row)
            starts.append(h)
    return SegmentRows(np.array(changed, dtype=np.int64), np.array([len(segs) for segs in segments], dtype=np.int64),
                       np.array(starts, dtype=np.int64), np.array(rows).reshape(-1, ROW_NUMBERS))


def state_row(inputs: tuple, st: FirmState) -> np.ndarray:
    """The (firm, state) row (ROW_NUMBERS,), read-only, of a firm in state ``st``: its heat by plan
    supply and band at scale 1 (4 × 3, row by row) [kWh_th/yr] from its own boiler heat, bought heat
    [kWh/yr] and band weights ``inputs`` (it depends on the state's electrified shares only), then
    the state's efficiency factor and hydrogen share. Supplies: the boilers' heat left, the bought
    heat left, electric boilers', heat pumps'."""
    own_kwh, bought_kwh, bands = inputs
    own = [own_kwh * w for w in bands]
    buy = [bought_kwh * w for w in bands]
    row = np.array([*[o * max(1.0 - e_ - h_, 0.0) for o, e_, h_ in zip(own, st.own_eb, st.own_hp)],
                    *[b * max(1.0 - e_ - h_, 0.0) for b, e_, h_ in zip(buy, st.bought_eb, st.bought_hp)],
                    *[o * e1 + b * e2 for o, b, e1, e2 in zip(own, buy, st.own_eb, st.bought_eb)],
                    *[o * h1 + b * h2 for o, b, h1, h2 in zip(own, buy, st.own_hp, st.bought_hp)],
                    st.efficiency_factor, st.hydrogen_share], dtype=float)
    row.setflags(write=False)
    return row


def last_states(firms: list, counts: list[int], seg: SegmentRows, run: RunHeatInputs, state: CarrierState) -> np.ndarray:
    """Each firm's last state of the year, by firm: its (firm, state) row (firms, ROW_NUMBERS): last
    year's (``state.last_states``) with those of the changed firms replaced by their last segment's
    (``seg``); kept in ``state.last_states`` for next year."""
    kept = state.last_states.numbers if len(seg.changed) < len(firms) else np.empty((0, ROW_NUMBERS))  # (every firm changed: none read)
    numbers = last_rows(kept, len(firms), seg.changed, seg.lengths, seg.numbers)
    state.last_states = LastStates(run.firms, counts, numbers)
    return numbers


@numba.njit(cache=True)
def last_rows(kept, n_firms, changed, lengths, seg_numbers):
    """(n_firms, ROW_NUMBERS): ``kept`` (last year's rows; not read when every firm changed) with
    each ``changed`` firm's row its last segment's in ``seg_numbers`` (``lengths`` segments each)."""
    out = np.empty((n_firms, seg_numbers.shape[1]))
    if changed.shape[0] < n_firms:
        out[:] = kept
    s = -1
    for c in range(changed.shape[0]):
        s += lengths[c]
        out[changed[c]] = seg_numbers[s]
    return out


@numba.njit(cache=True)
def steady_heat(scale, numbers, h2_kwh):
    """A year where every firm has one segment, all year: each firm's coefficients (firms, 4, 3)
    [kWh_th/yr], k = ``scale`` × efficiency factor times its coefficients at scale 1 (its row
    ``numbers``), and its hydrogen k × ``h2_kwh`` × hydrogen share [kWh/yr]."""
    n = scale.shape[0]
    coefs = np.empty((n, 4, 3))
    h2 = np.empty(n)
    for i in range(n):
        k = scale[i] * numbers[i, 12]
        for a in range(4):
            for b in range(3):
                coefs[i, a, b] = k * numbers[i, 3 * a + b]
        h2[i] = k * h2_kwh[i] * numbers[i, 13]
    return coefs, h2


def with_segments(year: int, seg: SegmentRows, numbers: np.ndarray, scale: np.ndarray, run: RunHeatInputs) -> FirmsHeat:
    """The year's heat when some changed firms have more than one segment: each firm's segments in
    firm order (one a firm, its last state's row in ``numbers``, but for those, which take theirs
    from ``seg``), laid out and scaled in one compiled pass (``segment_heat``)."""
    weights = np.array(split_weights(run.shapes, year, seg))
    firm_of, starts, ends, coefs, h2, annual, annual_h2 = segment_heat(seg.changed, seg.lengths, numbers, seg.numbers, seg.starts,
                                                                       weights, scale, run.h2_kwh, HOURS_PER_YEAR)
    return FirmsHeat(firm_of.tolist(), starts.tolist(), ends.tolist(), coefs, h2.tolist(), annual, annual_h2.tolist())


@numba.njit(cache=True)
def segment_heat(changed, lengths, firm_numbers, seg_numbers, seg_starts, weights, scale, h2_kwh, hours):
    """The year's segments, firm after firm: a firm is all year in its last state (its row
    ``firm_numbers[i]``, ROW_NUMBERS) but for the ``changed`` firms with more than one segment
    (``lengths``), whose rows ``seg_numbers`` and first hours ``seg_starts`` follow in order,
    weighted by ``weights`` (their shares of the firm's profile, split firm after split firm). Each
    segment's coefficients (4, 3) [kWh_th/yr] are its scale k = ``scale[i]`` × efficiency factor
    times its coefficients at scale 1, its hydrogen k × ``h2_kwh[i]`` × hydrogen share [kWh/yr];
    each firm's year its segments' weighted sums, added in segment order from zeros. Returns
    (firm_of, starts, ends, coefs, h2, annual (firms, 4, 3), annual_h2)."""
    n_firms = scale.shape[0]
    count = np.ones(n_firms, dtype=np.int64)
    first = np.full(n_firms, -1, dtype=np.int64)  # each split firm's first segment in ``seg_numbers``
    p = 0
    for c in range(changed.shape[0]):
        if lengths[c] > 1:
            count[changed[c]] = lengths[c]
            first[changed[c]] = p
        p += lengths[c]
    n = count.sum()
    firm_of = np.empty(n, dtype=np.int64)
    starts = np.zeros(n, dtype=np.int64)
    ends = np.full(n, hours, dtype=np.int64)
    coefs = np.empty((n, 4, 3))
    h2 = np.empty(n)
    annual = np.zeros((n_firms, 4, 3))
    annual_h2 = np.zeros(n_firms)
    s = 0
    w_at = 0
    for i in range(n_firms):
        for j in range(count[i]):
            if first[i] < 0:
                row = firm_numbers[i]
                w = 1.0
            else:
                row = seg_numbers[first[i] + j]
                starts[s] = seg_starts[first[i] + j]
                if j + 1 < count[i]:
                    ends[s] = seg_starts[first[i] + j + 1]
                w = weights[w_at]
                w_at += 1
            firm_of[s] = i
            k = scale[i] * row[12]
            for a in range(4):
                for b in range(3):
                    c = k * row[3 * a + b]
                    coefs[s, a, b] = c
                    annual[i, a, b] += w * c
            h2[s] = k * h2_kwh[i] * row[13]
            annual_h2[i] += w * h2[s]
            s += 1
    return firm_of, starts, ends, coefs, h2, annual, annual_h2


def split_weights(shapes: list[str], year: int, seg: SegmentRows) -> list[float]:
    """Each segment's share of its firm's profile of the year (``agents.base.segment_weights``), of
    the changed firms with more than one segment, in order."""
    out: list[float] = []
    starts = seg.starts.tolist()
    p = 0
    for i, n in zip(seg.changed.tolist(), seg.lengths.tolist()):
        if n > 1:
            out.extend(segment_weights(shapes[i], year, starts[p:p + n]))
        p += n
    return out

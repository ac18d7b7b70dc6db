"""Resource measures of the firms (roadmap kind ``resource_measure``): water reuse, reclaimed
water, solid-waste utilisation and waste-heat use.

A measure is a dated change on each firm it names (kept apart from the firm's energy changes,
``EnterpriseAgent.resource_changes``); from its commissioning hour it raises the firm's account
towards its target (``accounting.resources.with_measures``). A year split by a commissioning
counts each part by the share of the firm's load profile it covers, as the firm's energy does.
The electricity the measures need (reverse osmosis, tertiary treatment, crushing and drying,
heat-exchanger pumps; data/resource_measures.csv) is a load of the firm on its own profile from
the commissioning hour. Waste heat recovered displaces boiler fuel by band as the exchanges'
physics do (heat ÷ boiler efficiency ÷ NCV, symbiosis/exchanges.py), then bought heat 1:1
(agents/waste_heat.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from parktwin.accounting.resources import (FirmFlows, FirmResources, MeasureFlows, MeasureTargets, base_inputs, scaled_resources,
                                           target_added, with_measures)
from parktwin.agents.base import Change, EnergyRow, Investment, fold_shared, fold_since, present_agents, same_agents, segment_shares
from parktwin.agents.decisions import Option
from parktwin.agents.firm_energy import YEAR_ROWS, year_shares
from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.agents.resource_kernels import displacement_kernel, measure_year_kernel, piecewise_changes, weighted_segments
from parktwin.agents.waste_heat import FUELS, displace_heat, displacement_factors, factor
from parktwin.data import constant
from parktwin.economics.catalogue import available, capex_cny, fixed_om_cny_per_yr, lifetime_yr, price_cny
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.symbiosis.exchanges import factor as symbiosis_factor

KIND = "resource_measure"
TARGET_FIELD = {  # measure → MeasureTargets field
    "water_reuse": "water_reuse_share", "reclaimed_water": "reclaimed_share_of_fresh",
    "solid_waste_utilisation": "solid_waste_use_share", "waste_heat_use": "waste_heat_use_share",
}
TECHNOLOGY = {  # measure → data/technologies.csv id, the capacity's unit and who owns it
    "water_reuse": ("water_reuse_plant", "firm"), "reclaimed_water": ("reclaimed_water_plant", "operator"),
    "solid_waste_utilisation": ("solid_waste_processing", "firm"), "waste_heat_use": ("waste_heat_use_exchanger", "firm"),
}
INPUT = {"water_reuse": "water", "reclaimed_water": "water", "solid_waste_utilisation": "solid_waste", "waste_heat_use": "waste_heat"}
DAYS_PER_YEAR = 365.0
NO_TARGETS = MeasureTargets()
WEIGHTED = [0, 1, 2, 5, 7]  # rows of ``FirmFlows.flows`` a measure changes (fresh, reused, reclaimed water; waste used; heat recovered)
TARGET_POSITION = {measure: MeasureTargets._fields.index(key) for measure, key in TARGET_FIELD.items()}  # its field's position


def _fold(t: MeasureTargets, ch: Change) -> MeasureTargets:
    """The targets after a measure's change: its field raised to the change's share, never lowered
    (a new tuple built from the values: ``_replace`` with a keyword dict cost ~3 µs a fold)."""
    measure, share = ch.value
    values = list(t)
    at = TARGET_POSITION[measure]
    values[at] = max(values[at], share)
    return MeasureTargets._make(values)


class MeasureLedger(list):
    """A firm's resource-measure changes in clock order, with the state folded up to a year kept
    (like ``ParkAgent.year_segments``), so each year folds only the changes new since the last."""

    folded: tuple[int, MeasureTargets] = (0, MeasureTargets())
    appended: int = 0  # changes appended to any ledger of the process so far (``FirmRoster.year_targets``: did one grow?)

    def append(self, change: Change) -> None:
        """Keep the clock order the yearly fold relies on (``agents.base.fold_since``), as ``ParkAgent.commission`` does."""
        if self and change.hour < self[-1].hour:
            raise ValueError(f"a resource measure at hour {change.hour} arrived after one at {self[-1].hour}")
        super().append(change)
        MeasureLedger.appended += 1

    def extend(self, changes) -> None:
        """``append`` of each change: the order checked and each counted (``appended`` keys the roster's year)."""
        for change in changes:
            self.append(change)

    def __iadd__(self, changes):
        self.extend(changes)
        return self

    def insert(self, index, change) -> None:
        raise TypeError("a resource-measure ledger grows only at its end (append, extend): the yearly fold relies on its clock order")

    def year_segments(self, year_start: int, shared: dict | None = None) -> list[tuple[int, MeasureTargets]]:
        """The targets' segments of the year beginning at ``year_start`` (``agents.base.fold_since``), folding
        the changes new since the last year; ``shared``: the year's folds shared by ledgers in the same state
        with the same changes (``agents.base.fold_shared``)."""
        if shared is None:
            self.folded, out = fold_since(self, self.folded, year_start, _fold)
        else:
            self.folded, out = fold_shared(self, self.folded, year_start, _fold, shared)
        return out


def base_flows(firm) -> FirmResources:
    """The firm's flows this year without measures (its inputs × activity)."""
    return scaled_resources(firm.spec.id, firm.value_added_mcny, firm.activity, _inputs(firm))


def _inputs(firm) -> tuple[float | None, ...]:
    """The firm's base-year resource inputs (``accounting.resources.base_inputs``), read once per firm."""
    s = firm.spec
    return firm.once("resource_inputs", lambda: base_inputs(s.water, s.solid_waste, s.waste_heat))


@lru_cache(maxsize=None)
def electricity_factors() -> tuple[float, float, float, float]:
    """The measures' electricity per m³ reused, m³ reclaimed, t of waste processed and GJ of heat recovered [kWh], read once."""
    return (factor("water_reuse_kwh_per_m3"), factor("reclaimed_water_kwh_per_m3"), factor("solid_waste_processing_kwh_per_t"),
            factor("waste_heat_use_kwh_per_gj"))


@lru_cache(maxsize=1)
def electricity_factor_array() -> np.ndarray:
    """``electricity_factors`` as an array (read-only, once per process), as ``measure_year_kernel`` reads them."""
    out = np.array(electricity_factors())
    out.setflags(write=False)
    return out


def electricity_kwh(m: MeasureFlows) -> float:
    """Electricity of a firm's measures for its added flows [kWh]."""
    reuse, reclaimed, waste, heat = electricity_factors()  # data/resource_measures.csv, read once
    return m.reused_added_m3 * reuse + m.reclaimed_added_m3 * reclaimed + m.waste_added_t * waste + m.heat_added_gj * heat


# -- the roadmap item ---------------------------------------------------------------------------
def apply_resource_measure(op, item, hour: float, year: int):
    """Commission ``item`` on each firm it names that reports the account; the capacity bought is
    what the measure adds at the firm's output now (m³/d of water, t/yr of waste, GJ/yr of heat).
    Each firm is sized (on the measure's own account: ``target_added``, ``measure_flows``' operations
    with its targets before the item and the measure's raised, as ``resource_option`` sizes it), then
    its change recorded, in one pass."""
    measure, share = item.measure, item.target_share
    value = (measure, share)
    account = INPUT[measure]
    firms = [f for f in present_agents(item.enterprises, op.model.enterprises) if getattr(f.spec, account) is not None]
    tech, owner = TECHNOLOGY[measure]
    source = item.id or KIND
    at, per = TARGET_POSITION[measure], DAYS_PER_YEAR if account == "water" else 1.0  # water: m³/d; waste t/yr, heat GJ/yr
    out = []
    for firm in firms:
        ledger = firm.resource_changes
        added = target_added(_inputs(firm), firm.activity, _targets_now(ledger), at, share) / per
        ledger.append(Change(hour, KIND, value, source))
        if added > 0:
            out.append(Investment(firm.entity_id if owner == "firm" else "operator", tech, added))
    what = measure.replace("_", " ")
    return f"{what}: target {item.target_share:.0%} in {len(firms)} firms", out


def _targets_now(ledger: MeasureLedger) -> MeasureTargets:
    """The targets of every measure in ``ledger`` (all commissioned by now: the clock only moves on),
    folded on from the state the ledger carries between years."""
    done, state = ledger.folded
    for ch in ledger[done:]:
        state = _fold(state, ch)
    return state


def _added(after: MeasureFlows, before: MeasureFlows, measure: str) -> float:
    """What a measure adds to one firm (``MeasureFlows`` with it and without it): m³/d of water, t/yr of waste, GJ/yr of heat."""
    if measure == "water_reuse":
        return (after.reused_added_m3 - before.reused_added_m3) / DAYS_PER_YEAR
    if measure == "reclaimed_water":
        return (after.reclaimed_added_m3 - before.reclaimed_added_m3) / DAYS_PER_YEAR
    if measure == "solid_waste_utilisation":
        return after.waste_added_t - before.waste_added_t
    return after.heat_added_gj - before.heat_added_gj


# -- the year ------------------------------------------------------------------------------------
@dataclass
class YearOfMeasures:
    """What the firms' resource measures did in one year."""

    rows: list  # the energy rows with the measures' electricity and the fuel the recovered heat saves
    firms: FirmFlows | None = None  # every firm's flows of the year (with its measures, if any), park order
    electricity_mwh: float = 0.0  # the measures' own use, net of what recovered heat saves in electric boilers and heat pumps
    heat_used_gj: float = 0.0  # recovered heat that displaced boiler fuel or bought heat
    scope1_avoided_tco2: float = 0.0


@dataclass
class FirmRoster:
    """The park's firms with their base-year resource inputs and current measure targets as arrays,
    built once per run and again when firms enter or leave (``of``): what ``apply_resource_measures``
    scales each year."""

    firms: tuple = ()  # the agents, park order
    ids: tuple[str, ...] = ()
    shapes: tuple[str, ...] = ()  # each firm's load shape (its measures' electricity follows it)
    kinds: tuple[str, ...] = ()  # each firm's entity kind (of its energy rows)
    value_added_mcny: np.ndarray = field(default_factory=lambda: np.zeros(0))  # base-year value added [M CNY]
    inputs: np.ndarray = field(default_factory=lambda: np.zeros((8, 0)))  # 8 × firms, ``base_inputs`` order, 0 where not reported
    reported: np.ndarray = field(default_factory=lambda: np.zeros((8, 0), dtype=bool))  # 8 × firms: the input is reported (not None)
    targets: np.ndarray = field(default_factory=lambda: np.zeros((4, 0)))  # 4 × firms: ``states`` by column
    states: list = field(default_factory=list)  # each firm's ``MeasureTargets`` of the year (the object, compared by identity)
    activity: np.ndarray = field(default_factory=lambda: np.zeros(0))  # each firm's activity this year (``year_flows``)
    seen: int | None = None  # ``MeasureLedger.appended`` when ``year_targets`` last looked
    active: list = field(default_factory=list)  # positions of the firms with measures then
    pending: bool = False  # a firm then held changes not folded yet (inside that year, or after it)
    energy_changes: list = field(default_factory=list)  # each firm's energy changes (the list object: it only grows)
    layout: tuple = ()  # ``active_layout``'s (active firms, their positions, shapes and load-book parts from hour 0)
    displacing: tuple = ()  # ``displacement``'s (key, factors, each firm's factors by position), kept while its key stays
    fuels: np.ndarray | None = None  # ``fuel_constants`` of the run (its constants: the scenario's overrides are fixed for a run)

    def of(self, firms: list) -> FirmRoster:
        """This roster, rebuilt first if ``firms`` (compared by identity) are not the ones it holds."""
        if not same_agents(self.firms, firms):
            inputs = [_inputs(f) for f in firms]
            self.firms, self.ids = tuple(firms), tuple(f.spec.id for f in firms)
            self.shapes, self.kinds = tuple(f.load_shape for f in firms), tuple(f.kind for f in firms)
            self.value_added_mcny = np.array([f.spec.value_added_mcny for f in firms], dtype=float)
            self.reported = np.array([[v is not None for v in row] for row in inputs], dtype=bool).reshape(-1, 8).T
            self.inputs = np.array([[v or 0.0 for v in row] for row in inputs], dtype=float).reshape(-1, 8).T
            self.targets, self.states = np.zeros((4, len(firms))), [NO_TARGETS] * len(firms)
            self.seen, self.active, self.pending = None, [], False
            self.energy_changes, self.layout, self.displacing = [f.changes for f in firms], (), ()
        return self

    def active_layout(self, active: list[int]) -> tuple[np.ndarray, tuple[str, ...], tuple[list, list]]:
        """The ``active`` firms' positions (an array), load shapes and load-book parts from hour 0 (each
        once, and each twice in a row: a firm's measures, then its cut), kept while the same firms are active."""
        if not self.layout or self.layout[0] != active:
            shapes = tuple(self.shapes[at] for at in active)
            keys = [(shape, 0) for shape in shapes]
            self.layout = (list(active), np.array(active, dtype=np.int64), shapes, (keys, [key for key in keys for _ in range(2)]))
        return self.layout[1:]

    def displacement(self, active: list[int], recovers: tuple[bool, ...]) -> tuple[np.ndarray, ...]:
        """What ``displacement_kernel`` reads of the active firms' states (at the year's end: every change
        commissioned so far), for those that ``recovers`` heat (0 and no terms for the others): the share
        of their coal and gas rows burnt in boilers of reachable bands and of their bought-heat row in
        reachable bands (``_room_shares``), their efficiency factor and active flag (lists), and their
        ``_electric_heat_terms`` end to end (offsets, terms × 4). A firm's state is the fold of its energy
        changes, so these are kept while no firm's changes grew and the same firms recover heat, and each
        firm's while its own changes did not grow."""
        key = (list(map(len, self.energy_changes)), active, recovers)
        if self.displacing and self.displacing[0] == key:
            return self.displacing[1]
        kept = self.displacing[2] if self.displacing else {}  # position → (its changes, (own, bought, efficiency, on, terms))
        n = len(active)
        own, bought, efficiency, on, offsets, terms = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n, [0], []
        for j, (at, recovering, count) in enumerate(zip(active, recovers, [key[0][at] for at in active])):
            if recovering:
                firm_kept = kept.get(at)
                if firm_kept is None or firm_kept[0] != count:  # (a firm's state is the fold of its changes)
                    firm = self.firms[at]
                    firm_kept = kept[at] = (count, displacement_factors(firm, firm.current_state()))
                own[j], bought[j], efficiency[j], on[j], firm_terms = firm_kept[1]
                terms += firm_terms
            offsets.append(len(terms) // 4)
        factors = (np.array(own, dtype=float), np.array(bought, dtype=float), efficiency, on,
                   np.array(offsets, dtype=np.int64), np.array(terms, dtype=float).reshape(-1, 4))
        self.displacing = (key, factors, kept)
        return factors

    def year_targets(self, year_start: int) -> tuple[list[int], dict[int, list]]:
        """Bring ``targets`` to the year that begins at ``year_start`` (each firm's state at its start;
        none for a firm without a measure commissioned before the year's end); returns the positions
        of the firms with measures, and the segments of those whose targets change within the year.
        A year in which no firm's ledger grew and none held changes still to fold keeps last year's."""
        seen = MeasureLedger.appended  # (no ledger of the process grew since: none of these firms' did)
        if seen == self.seen and not self.pending:
            return self.active, {}
        active, split, pending, moved = [], {}, False, []
        folds = {}  # the year's folds, shared by firms with the same targets and the same measures to fold (``fold_shared``)
        year_end = year_start + HOURS_PER_YEAR
        for i, f in enumerate(self.firms):
            changes, state = f.resource_changes, NO_TARGETS
            if changes and changes[0].hour < year_end:
                active.append(i)
                done, state = changes.folded
                if done < len(changes):  # changes not folded yet (else the whole year in the state after them)
                    segs = changes.year_segments(year_start, folds)
                    if len(segs) > 1:
                        split[i] = segs
                    state = segs[0][1]
                    pending = pending or changes.folded[0] < len(changes)  # some inside the year: folded next year
            elif changes:
                pending = True  # (a change dated after the year: looked at again next year)
            if state is not self.states[i]:
                self.states[i] = state
                moved.append(i)
        if moved:  # (one assignment for the firms whose targets moved)
            self.targets[:, moved] = targets_table([self.states[i] for i in moved]).T
        self.seen, self.active, self.pending = seen, active, pending
        return active, split

    def year_flows(self, any_measure: bool = True) -> tuple[FirmFlows, np.ndarray, np.ndarray]:
        """The firms' flows this year with their ``targets`` (``with_measures`` of ``base_flows``, all
        firms at once), the measures' electricity per firm (``electricity_kwh``) [kWh] and the waste
        heat they recover [GJ]. Without ``any_measure`` (every target 0), the flows are the inputs ×
        activity, which is what the measures' arithmetic gives them then, and nothing is added."""
        self.activity = np.array([f.activity for f in self.firms], dtype=float)
        value_added = (self.value_added_mcny * self.activity).tolist()  # as EnterpriseAgent.value_added_mcny
        if not any_measure:
            return FirmFlows(self.ids, value_added, self.inputs * self.activity, self.reported), np.zeros(0), np.zeros(0)
        flows, kwh, heat_added = measure_year_kernel(self.inputs, self.activity, self.targets, electricity_factor_array())
        return FirmFlows(self.ids, value_added, flows, self.reported), kwh, heat_added

    def split_years(self, split: dict[int, list], year: int, flows: FirmFlows) -> dict[int, tuple[list[int], list[float], float, float]]:
        """The years of the firms whose targets change inside it (``split``: position → segments, after
        ``year_flows``), all at once: each segment's full-year flows (``measure_year_kernel`` of its
        targets) weighted by the share of the firm's shape it covers (Σ weight × flows, segment after
        segment; the flows no measure changes are the first segment's: ``weighted_segments``), written
        into ``flows``. Returns per firm its segments' starts, the change of the measures' full-year
        electricity at each start [kWh/yr] (the parts to book on its shape), the year's kWh of it and the
        waste heat recovered [GJ] (``piecewise_changes``: the numbers ``LoadBook.add_piecewise`` gives)."""
        firms = list(split)
        columns, targets, weights, tails, offsets, starts = [], [], [], [], [0], []
        layouts = {}  # (shape, id of a segments list, shared by firms: ``year_targets``) → its starts, weights, shares and targets
        for at in firms:
            segments, shape = split[at], self.shapes[at]
            layout = layouts.get((shape, id(segments)))  # (the lists are held by ``split``: their ids are not reused meanwhile)
            if layout is None:
                firm_starts = tuple([h for h, _ in segments])
                layout = layouts[(shape, id(segments))] = (firm_starts, *segment_shares(shape, year, firm_starts),
                                                            targets_table([t for _, t in segments]))
            starts.append(layout[0])
            weights += layout[1]
            tails += layout[2]
            targets.append(layout[3])
            columns += [at] * len(segments)
            offsets.append(len(columns))
        seg_flows, seg_kwh, seg_heat = measure_year_kernel(self.inputs[:, columns], self.activity[columns],
                                                           np.concatenate(targets).T.copy(), electricity_factor_array())
        firm_offsets = np.array(offsets, dtype=np.int64)
        year_flows, heat_added = weighted_segments(seg_flows, seg_heat, np.array(weights, dtype=float), firm_offsets,
                                                   np.array(WEIGHTED, dtype=np.int64))
        changes, totals = piecewise_changes(seg_kwh, np.array(tails, dtype=float), firm_offsets)
        flows.flows[:, firms] = year_flows
        changes, kwh, heat = changes.tolist(), totals.tolist(), heat_added.tolist()
        return {at: (firm_starts, changes[offsets[j]:offsets[j + 1]], kwh[j], heat[j]) for j, (at, firm_starts) in enumerate(zip(firms, starts))}


def targets_table(states: list[MeasureTargets]) -> np.ndarray:
    """``states`` as rows of an array (states × 4), each distinct state converted once (a conversion of a
    named tuple costs ~0.4 µs, and the firms of a park share a few states: ``agents.base.fold_shared``)."""
    distinct: dict[MeasureTargets, int] = {}
    which = [distinct.setdefault(st, len(distinct)) for st in states]
    return np.array(list(distinct), dtype=float).reshape(len(distinct), len(MeasureTargets._fields))[which]


def apply_resource_measures(firms, year: int, year_start: int, rows: list, book, roster: FirmRoster,
                            firm_rows: np.ndarray) -> YearOfMeasures:
    """Apply the commissioned resource measures of ``firms`` to the year's energy rows and load book;
    every firm's flows of the year (``YearOfMeasures.firms``: its inputs × activity, with its measures).
    ``roster``: the run's ``FirmRoster`` (kept between years, rebuilt when the firms change);
    ``firm_rows``: ``YEAR_ROWS`` × ``firms``, the position of each firm's rows in ``rows`` (-1: none;
    ``FirmEnergy.row_at`` of the year's firm rows, which lead ``rows``)."""
    out = YearOfMeasures(rows)
    roster = roster.of(list(firms))
    active, split = roster.year_targets(year_start)
    out.firms, measures_kwh, heat_added = roster.year_flows(any_measure=bool(active))
    if not active:
        return out
    split = roster.split_years(split, year, out.firms) if split else {}
    at, shapes, full_year_keys = roster.active_layout(active)
    shares = year_shares(shapes, year)
    measures = measures_kwh[at]
    kwh, heat = np.where(measures != 0.0, measures * shares, 0.0), heat_added[at]
    if split:
        for j, firm_at in enumerate(active):
            if firm_at in split:  # targets changing within the year: each segment weighted by the share of the load profile it covers
                _, _, kwh[j], heat[j] = split[firm_at]
    rows = list(rows)
    positions = _row_positions(roster, at, kwh, rows, firm_rows)
    heat_gj = heat.tolist()
    own, bought, efficiency, on, offsets, terms = roster.displacement(active, tuple([h > 0.0 for h in heat_gj]))
    activity, firms = roster.activity.tolist(), roster.firms
    scale = np.array([activity[firm_at] * firms[firm_at].intensity * e * o for firm_at, e, o in zip(active, efficiency, on)],
                     dtype=float)  # (``_electric_heat_room``'s, state at the year's end)
    quantities = np.array([r[3] for r in rows], dtype=float)
    if roster.fuels is None:
        roster.fuels = fuel_constants()
    out.electricity_mwh, out.heat_used_gj, out.scope1_avoided_tco2, cuts = displacement_kernel(
        quantities, positions, kwh, heat, own, bought, scale, shares, offsets, terms, roster.fuels, KWH_PER_GJ)
    _book_measures(book, active, shapes, full_year_keys, measures, cuts, split)
    out.rows = _changed_rows(rows, quantities.tolist())
    return out


def _changed_rows(rows: list, quantities: list[float]) -> list:
    """``rows`` with the ``quantities`` the measures left them (a row only rebuilt where its quantity
    changed), those above 0."""
    new_row, out = tuple.__new__, []  # (an EnergyRow without its Python-level __new__)
    for r, q in zip(rows, quantities):
        if q != r[3]:
            r = new_row(EnergyRow, (r[0], r[1], r[2], q, r[4]))  # (entity, kind, carrier, quantity, unit)
        if q > 0.0:
            out.append(r)
    return out


ROW_CARRIERS = ("electricity", "coal", "natural_gas", "purchased_heat")  # the rows a measure changes, ``displacement_kernel``'s order
ROW_POSITIONS = np.array([[carrier for carrier, _ in YEAR_ROWS].index(c) for c in ROW_CARRIERS])  # their ``YEAR_ROWS`` positions


def _row_positions(roster: FirmRoster, at: np.ndarray, kwh: np.ndarray, rows: list, firm_rows: np.ndarray) -> np.ndarray:
    """Each active firm's (positions ``at``) rows of ``ROW_CARRIERS`` in ``rows`` (-1: none), firms × 4,
    read from ``firm_rows`` (``YEAR_ROWS`` × firms) at once. A firm whose measures use electricity
    (``kwh``) and that has no electricity row gets one (0 MWh, appended in park order, as a change to a
    missing row makes it)."""
    out = firm_rows[ROW_POSITIONS[:, None], at].T.copy()
    for j in np.flatnonzero(out[:, 0] == -1).tolist():  # (usually none)
        if kwh[j] > 0:
            firm_at = int(at[j])
            out[j, 0] = len(rows)
            rows.append(EnergyRow(roster.ids[firm_at], roster.kinds[firm_at], "electricity", 0.0, "MWh"))
    return out


def _book_measures(book, active: list[int], shapes: tuple[str, ...], full_year_keys: tuple[list, list], measures: np.ndarray,
                   cuts: np.ndarray, split: dict) -> None:
    """Book the active firms' measures into the load book, firm after firm: the measures' full-year
    electricity [kWh/yr] from hour 0 (for a firm whose targets change inside the year, the change at each
    segment's start: ``FirmRoster.split_years``), then the electricity the recovered heat cuts (``cuts``, 0:
    none); the parts and sums of ``add_full_year`` and ``add_piecewise`` called in that order, in one
    ``add_parts``. ``full_year_keys``: each firm's part from hour 0, and the same list with each part twice
    (``FirmRoster.active_layout``)."""
    if not split:
        kwh = np.empty(2 * len(measures))
        kwh[0::2], kwh[1::2] = measures, cuts  # (each firm's measures, then its cut)
        book.add_parts(full_year_keys[1], kwh.tolist())
        return
    keys, kwh = [], []
    for shape, firm_at, key, measure, cut in zip(shapes, active, full_year_keys[0], measures.tolist(), cuts.tolist()):
        if firm_at in split:
            starts, changes = split[firm_at][:2]
            keys += [(shape, h) for h in starts]
            kwh += changes
        else:
            keys.append(key)
            kwh.append(measure)
        keys.append(key)
        kwh.append(cut)
    book.add_parts(keys, kwh)


def fuel_constants() -> np.ndarray:
    """NCV, boiler efficiency and kgCO₂ per unit of coal [t] and gas [1000 m³] (``FUELS``, data/constants.csv), 2 × 3."""
    return np.array([[constant(ncv), constant(eff), constant(co2)] for _, ncv, eff, co2 in FUELS], dtype=float)


# -- firms' own decisions (decisions.resource_targets) --------------------------------------------
DECIDED = ("water_reuse", "solid_waste_utilisation", "waste_heat_use")  # a firm's own plant; reclaimed water is the park's


def resource_option(firm, measure: str, target: float, year: int, electricity_price_cny_per_kwh: float,
                    carbon_price_cny_per_tco2: float):
    """The measure as ``firm`` sees it this year (``agents.decisions.Option``), or None when it adds
    nothing or the firm lacks the account. Saving per year: water — fresh water bought and effluent
    discharged (data/symbiosis_factors.csv prices); solid waste — the landfill fee; waste heat — the
    fuel, bought heat and boiler electricity it displaces at last year's use, and the carbon price on
    the fuel's CO₂; less the measure's O&M and electricity."""

    if getattr(firm.spec, INPUT[measure]) is None:
        return None
    tech, _ = TECHNOLOGY[measure]
    if not available(tech, year):
        return None
    now, flows = _targets_now(firm.resource_changes), base_flows(firm)
    before = with_measures(flows, now)
    after = with_measures(flows, _fold(now, Change(0.0, KIND, (measure, target))))
    capacity = _added(after, before, measure)
    if capacity <= 0:
        return None
    gained = MeasureFlows(after.firm, after.reused_added_m3 - before.reused_added_m3, 0.0,
                          after.waste_added_t - before.waste_added_t, after.heat_added_gj - before.heat_added_gj)
    saving = co2 = 0.0
    if measure == "water_reuse":
        saving = gained.reused_added_m3 * (symbiosis_factor("water_price_cny_per_m3") + symbiosis_factor("wastewater_discharge_cny_per_m3"))
    elif measure == "solid_waste_utilisation":
        saving = gained.waste_added_t * symbiosis_factor("solid_waste_disposal_cny_per_t")
    else:
        rows = firm.last_quantities()
        saved = displace_heat(firm, gained.heat_added_gj, rows)
        co2 = sum(saved.get(c, 0.0) * constant(f) for c, _, _, f in FUELS) / 1000.0
        saving = (saved.get("coal", 0.0) * price_cny("coal", year) + saved.get("natural_gas", 0.0) * 1000.0 * price_cny("natural_gas", year)
                  + saved.get("purchased_heat", 0.0) * price_cny("purchased_heat", year)
                  + saved.get("electricity_kwh", 0.0) * electricity_price_cny_per_kwh + co2 * carbon_price_cny_per_tco2)
    saving -= capacity * fixed_om_cny_per_yr(tech, year) + electricity_kwh(gained) * electricity_price_cny_per_kwh
    return Option(measure, target, capacity * capex_cny(tech, year), saving, co2, lifetime_yr(tech))

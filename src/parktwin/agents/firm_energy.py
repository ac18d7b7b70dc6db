"""The park's firms' energy of a year, computed for all firms at once.

A firm's energy rows are its base-year inputs (``EnterpriseAgent.year_inputs``) scaled by its
activity and intensity and by the factors of its commissioned state (``EnterpriseAgent.state_terms``),
one segment per state within the year, each weighted by the share of the firm's load shape it
covers; its electricity is booked into the year's ``LoadBook`` on that shape. Here the firms'
segments are laid end to end and one compiled pass (``firm_year_kernel``) makes every firm's
quantities with the same products and sums, in the same order, as one firm at a time did — so
the same numbers.

Kept between years (``FirmEnergy``, one per run): the firms' inputs, load shapes and possible rows
(rebuilt when the park's firms change), and each firm's state when it was *settled* — every change
of its list dated inside last year or before it, so that its state at last year's end (the last
segment's) holds from this year's start. A settled firm that received no change since is in that
state all this year: its segments are not folded again, nor its state's factors looked up.
"""

from __future__ import annotations

from functools import lru_cache

import numba
import numpy as np

from parktwin.agents.base import EnergyRow, same_agents, segment_shares
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.loads import LoadBook, share_of_year

YEAR_ROWS = (  # (carrier, unit) of an enterprise's energy rows, in the order of its year's quantities
    ("electricity", "MWh"), ("coal", "t"), ("natural_gas", "km3"), ("diesel", "t"), ("purchased_heat", "GJ"),
    ("process_co2", "tCO2"),
    ("captured_co2", "tCO2"),  # captured and sent to permanent storage
    ("captured_co2_used", "tCO2"),  # captured and sold into short-lived products
)
# The columns of a state's factors a firm's year reads (``EnterpriseAgent.state_column``, ``firm_year_kernel``):
STATE_ELECTRICITY_KWH = 0  # electricity at scale 1 before hydrogen and capture [kWh/yr]
STATE_COAL_LEFT, STATE_GAS_LEFT, STATE_DIESEL_LEFT, STATE_BOUGHT_HEAT_LEFT = 1, 2, 3, 4  # factors of ``year_inputs``' rows 0..3
STATE_EFFICIENCY = 5  # efficiency factor
STATE_ACTIVE = 6  # 1.0 while the firm runs, else 0.0
STATE_HYDROGEN_SHARE = 7  # share of process fuel made by electrolysis
STATE_CAPTURE_SHARE = 8  # share of process CO₂ captured
STATE_CAPTURE_STORED = 9  # 1.0 when captured CO₂ is stored, else 0.0 (used)
STATE_COLUMNS = 10
# The rows of a firm's ``year_inputs`` (``EnterpriseAgent.year_inputs``): coal [t], gas [1000 m³], diesel [t],
# bought heat [GJ] (rows 0..3, each times its state's factor), then:
INPUT_PROCESS_T = 4  # process CO₂ [t]
INPUT_ELECTROLYSIS_KWH = 5  # electricity of direct electrolysis for all process fuel [kWh/yr]
INPUT_CAPTURE_KWH_PER_T = 6  # capture electricity [kWh/tCO₂]
INPUT_ROWS = 7


@lru_cache(maxsize=256)
def year_shares(shapes: tuple[str, ...], year: int) -> np.ndarray:
    """``share_of_year`` of each shape in ``year`` (read-only): the weight of a segment that covers the
    whole year. Depends on the names and the year alone (a profile never changes within a process)."""
    out = np.array([share_of_year(shape, year) for shape in shapes], dtype=float)
    out.setflags(write=False)
    return out


class FirmEnergy:
    """The firms' energy rows of each year (park order), and each firm's quantities of the last year."""

    def __init__(self):
        self.firms: tuple = ()  # the agents, park order
        self.position: dict = {}  # agent → its position in ``firms``
        self.change_lists: list = []  # each firm's list of changes (the list object: it only grows)
        self.shapes: tuple[str, ...] = ()  # each firm's load shape
        self.full_year_keys: list[tuple[str, int]] = []  # each firm's load-book part from hour 0
        self.inputs = np.zeros((INPUT_ROWS, 0))  # INPUT_ROWS × firms: ``year_inputs`` by column
        self.layout: list[tuple[int, str, str, str, str]] = []  # (flat position in the quantities, entity, kind, carrier, unit) of each possible row
        self.layout_flat = np.zeros(0, dtype=np.int64)  # the flat positions of ``layout``
        self.row_at = np.zeros((len(YEAR_ROWS), 0), dtype=np.int64)  # ``YEAR_ROWS`` × firms: each row's position in the last ``year_rows`` (-1: none)
        self.settled: list = []  # per firm: (its changes then, its state at last year's end, ``EnterpriseAgent.state_column``) when settled, else None
        self.lengths: list[int] | None = None  # each firm's number of changes when every firm was settled, else None
        self.steady_terms: np.ndarray | None = np.zeros((0, STATE_COLUMNS))  # firms × STATE_COLUMNS of the settled states (when ``lengths``; None: not made yet)
        self.steady_offsets = np.zeros(1, dtype=np.int64)  # 0, 1, …, firms: one segment each
        self.flat: list[float] = []  # the last year's ``YEAR_ROWS`` × firms quantities, row by row
        self.departed: dict = {}  # agent → its last quantities, for firms no longer held

    def of(self, firms: list) -> None:
        """Hold ``firms`` (compared by identity): their inputs, shapes and possible rows, rebuilt when they change."""
        if same_agents(self.firms, firms):
            return
        for f in self.firms:
            if f not in firms:
                self.departed[f] = self.quantities_of(f)
        n = len(firms)
        self.firms = tuple(firms)
        self.position = {f: i for i, f in enumerate(firms)}
        self.change_lists = [f.changes for f in firms]
        self.shapes = tuple(f.load_shape for f in firms)
        self.full_year_keys = [(shape, 0) for shape in self.shapes]
        self.inputs = np.array([f.year_inputs() for f in firms], dtype=float).reshape(n, INPUT_ROWS).T.copy()
        self.layout = [(r * n + i, f.entity_id, f.kind, carrier, unit)
                       for i, f in enumerate(firms) for r, carrier, unit in f.possible_rows()]
        self.layout_flat = np.array([at for at, *_ in self.layout], dtype=np.int64)
        self.settled, self.lengths, self.flat = [None] * n, None, []
        self.steady_offsets = np.arange(n + 1, dtype=np.int64)

    def quantities_of(self, firm) -> list[float] | None:
        """``YEAR_ROWS``' quantities of ``firm`` in the last year computed (None before one)."""
        at = self.position.get(firm)
        if at is None:
            return self.departed.get(firm)
        if not self.flat:
            return None
        n = len(self.firms)
        return self.flat[at::n]

    def year_rows(self, firms, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
        """Every firm's energy rows of ``year`` (``YEAR_ROWS``, those above 0, park order) with its
        electricity booked into ``book`` (``LoadBook.add_parts``: the parts and sums, in the order,
        of booking one firm after another)."""
        self.of(list(firms))
        firms = self.firms
        activity = np.array([f.activity for f in firms], dtype=float)
        intensity = np.array([f.intensity for f in firms], dtype=float)
        lengths = list(map(len, self.change_lists))
        if lengths == self.lengths:  # every firm settled, none with a change since: last year's states, all year
            if self.steady_terms is None:
                self.steady_terms = np.array([kept[2] for kept in self.settled], dtype=float)
            weights = year_shares(self.shapes, year)
            offsets, tails, terms, keys = self.steady_offsets, weights, self.steady_terms, self.full_year_keys
        else:
            offsets, weights, tails, terms, keys = self._segments(year, year_start, lengths)
        quantities, deltas, self.row_at = firm_year_kernel(activity, intensity, self.inputs, offsets, weights, tails, terms, self.layout_flat)
        book.add_parts(keys, deltas.tolist())
        self.flat = flat = quantities.ravel().tolist()
        row = tuple.__new__  # (an EnergyRow without its Python-level __new__)
        return [row(EnergyRow, (entity, kind, carrier, q, unit)) for at, entity, kind, carrier, unit in self.layout if (q := flat[at]) > 0.0]

    def _segments(self, year: int, year_start: int, lengths: list[int]) -> tuple:
        """The firms' segments of the year laid end to end: where each firm's begin (offsets, firms + 1),
        each segment's weight and its shape's share from its start (``segment_shares``)
        and its state's factors (segments × STATE_COLUMNS), and each segment's load-book part. A firm
        settled last year with no change since keeps its state; the others are folded
        (``EnterpriseAgent.segments``), firms in the same state with the same changes sharing one fold
        and one list of segments, whose weights, shares and parts are then made once per load shape."""
        offsets, weights, tails, terms, keys = [0], [], [], [], []
        settled, full_year_keys = self.settled, self.full_year_keys
        folds, layouts = {}, {}  # the year's shared folds (``fold_shared``); (shape, id of a segments list) → its weights, shares and parts
        for i, (f, shape, count) in enumerate(zip(self.firms, self.shapes, lengths)):
            kept = settled[i]
            if kept is None or kept[0] != count:
                segs = f.segments(year_start, folds)
                changes = self.change_lists[i]
                if len(segs) > 1:
                    layout = layouts.get((shape, id(segs)))  # (the list is held by ``folds`` all year: its id is not reused)
                    if layout is None:
                        starts = tuple([h for h, _ in segs])
                        layout = layouts[(shape, id(segs))] = (*segment_shares(shape, year, starts), [(shape, h) for h in starts])
                    weights += layout[0]
                    tails += layout[1]
                    keys += layout[2]
                    for _, st in segs:
                        column = kept[2] if kept is not None and kept[1] is st else f.state_column(st)  # (the first: often last year's)
                        terms += column
                    offsets.append(len(weights))
                    # every change inside this year (none after it): next year is the last segment's state, all year
                    settled[i] = (count, st, column) if changes[-1].hour < year_start + HOURS_PER_YEAR else None
                    continue
                state = segs[0][1]
                column = kept[2] if kept is not None and kept[1] is state else f.state_column(state)
                done = not changes or changes[-1].hour <= year_start  # every change folded (none later in the list)
                settled[i] = (count, state, column) if done else None
            else:
                column = kept[2]
            share = share_of_year(shape, year)
            weights.append(share)
            tails.append(share)
            terms += column
            keys.append(full_year_keys[i])
            offsets.append(len(weights))
        terms = np.array(terms, dtype=float).reshape(len(weights), STATE_COLUMNS)
        if None not in settled:  # every firm settled: next year may skip all this, each firm in its settled state
            self.lengths = lengths
            self.steady_terms = terms if len(weights) == len(settled) else None  # (None: made from ``settled`` when a year reads it)
        else:
            self.lengths = None
        return (np.array(offsets, dtype=np.int64), np.array(weights, dtype=float), np.array(tails, dtype=float), terms, keys)


@numba.njit(cache=True)
def firm_year_kernel(activity, intensity, inputs, offsets, weights, tails, terms, layout_flat):  # pragma: no cover - compiled; exercised through FirmEnergy.year_rows
    """``YEAR_ROWS``' quantities × firms of a year, each segment's electricity to book [kWh/yr, the
    change from the firm's segment before], and ``YEAR_ROWS`` × firms the position of each row among
    the rows ``year_rows`` keeps (the possible rows, flat positions ``layout_flat`` in their order, above
    0), -1 for one it leaves out. Firm ``i``'s segments are ``offsets[i]`` to ``offsets[i+1]``,
    each with its weight, its load shape's share from its start and its state's factors (``EnterpriseAgent.state_column``);
    ``inputs``: ``year_inputs`` × firms. Per segment, as one firm's year was computed: the scale k =
    activity × intensity × efficiency × active; the full-year electricity k × electricity + k ×
    electrolysis × hydrogen share + process CO₂ × capture share × capture electricity × active, booked as
    its change from the segment before (a change 0 books and adds nothing: ``LoadBook.add_piecewise``),
    the year's electricity the Σ change × share from the start; the fuels Σ weight × k × input × factor;
    the captured CO₂ Σ weight × process CO₂ × capture share × active, stored or used; the process CO₂
    all of it while active all year, else × Σ weight × active. Sums from 0.0, segment after segment."""
    n = activity.shape[0]
    out = np.zeros((8, n))
    deltas = np.zeros(weights.shape[0])
    for i in range(n):
        scale = activity[i] * intensity[i]
        process_t = inputs[INPUT_PROCESS_T, i] * activity[i]
        elec_kwh = coal = gas = diesel = heat = stored_t = used_t = active_share = previous = 0.0
        all_active = True
        for s in range(offsets[i], offsets[i + 1]):
            active = terms[s, STATE_ACTIVE]
            if active == 0.0:
                all_active = False
            k = scale * terms[s, STATE_EFFICIENCY] * active
            value = (k * terms[s, STATE_ELECTRICITY_KWH] + k * inputs[INPUT_ELECTROLYSIS_KWH, i] * terms[s, STATE_HYDROGEN_SHARE]
                     + process_t * terms[s, STATE_CAPTURE_SHARE] * inputs[INPUT_CAPTURE_KWH_PER_T, i] * active)
            delta = value - previous
            previous = value
            deltas[s] = delta
            if delta != 0.0:
                elec_kwh += delta * tails[s]
            w = weights[s]
            coal += w * k * inputs[0, i] * terms[s, STATE_COAL_LEFT]
            gas += w * k * inputs[1, i] * terms[s, STATE_GAS_LEFT]
            diesel += w * k * inputs[2, i] * terms[s, STATE_DIESEL_LEFT]
            heat += w * k * inputs[3, i] * terms[s, STATE_BOUGHT_HEAT_LEFT]
            captured = w * process_t * terms[s, STATE_CAPTURE_SHARE] * active
            if terms[s, STATE_CAPTURE_STORED] != 0.0:
                stored_t += captured
            else:
                used_t += captured
            active_share += w * active
        out[0, i] = elec_kwh / 1000.0
        out[1, i], out[2, i], out[3, i], out[4, i] = coal, gas, diesel, heat
        out[5, i] = process_t if all_active else process_t * active_share
        out[6, i], out[7, i] = stored_t, used_t
    flat = out.ravel()
    row_at = np.full(flat.shape[0], -1, dtype=np.int64)
    kept = 0
    for at in layout_flat:
        if flat[at] > 0.0:
            row_at[at] = kept
            kept += 1
    return out, deltas, row_at.reshape(out.shape)

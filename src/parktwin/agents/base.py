"""What every park agent shares: dated changes of state that split a year into segments.

A measure commissions at a global hour (hours since 1 January of the base year). Within one
simulated year an agent's state is piecewise constant between commissioning hours; the year's
energy is the sum over those segments, each weighted by the share of the year's load profile
it covers (see ``energy.loads.share_after``).
"""

from __future__ import annotations

import operator
from functools import lru_cache
from typing import Any, Callable, NamedTuple

import mesa

from parktwin.accounting.inventory import EnergyRow
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.loads import LoadBook, share_after


class Change(NamedTuple):
    """A change of an agent's state, effective from ``hour`` (global, hours since base-year start).
    A named tuple (hundreds are made a run; a frozen dataclass costs twice as much to build): a
    change is found in its agent's list by identity, never by value."""

    hour: float
    kind: str
    value: Any
    source: str = ""


class Investment(NamedTuple):
    """Capacity a measure adds, in the technology catalogue's unit (data/technologies.csv).

    A negative capacity is a purchase avoided (the diesel truck not bought for a battery one).
    """

    entity: str
    technology: str
    capacity: float


def present_agents(ids, pool: dict) -> list:
    """The agents of ``pool`` (id → agent) that ``ids`` names (``"all"``: every one) and that are in
    the park now (not yet entered or already left: skipped)."""
    agents = list(pool.values()) if ids == "all" else [pool[i] for i in ids if i in pool]
    return [a for a in agents if not getattr(a, "left", False)]


def same_agents(kept, agents) -> bool:
    """``kept`` holds exactly ``agents``: the same objects in the same order (compared by identity,
    never by value). The one test of the run's per-firm rosters that are rebuilt when firms enter or leave."""
    return len(kept) == len(agents) and all(map(operator.is_, kept, agents))


def fold_since(changes: list[Change], folded: tuple[int, Any], year_start: int,
               fold: Callable[[Any, Change], Any]) -> tuple[tuple[int, Any], list[tuple[int, Any]]]:
    """[(start hour within the year, state)] of ``changes`` (in clock order) for the year beginning at
    ``year_start``: changes at or before it fold into the state, those inside it open segments (a later
    change at the same hour replaces the segment's state). Folds only the changes not yet in ``folded`` = (changes folded, state after them); returns the new ``folded``
    and the year's segments. The changes before a year are a prefix of the list, so the state after
    that prefix carries to the next year."""
    done, state = folded
    while done < len(changes) and changes[done].hour <= year_start:
        state = fold(state, changes[done])
        done += 1
    return (done, state), (_segments_after(changes, done, year_start, state, fold) if done < len(changes) else [(0, state)])


def fold_shared(changes: list[Change], folded: tuple[int, Any], year_start: int, fold: Callable[[Any, Change], Any],
                shared: dict) -> tuple[tuple[int, Any], list[tuple[int, Any]]]:
    """``fold_since``, done once for the agents of a year that hold the same state and the same changes
    still to fold. ``shared`` (a dict of the year, made by the caller) maps (``fold``, state, year start,
    the changes not yet folded) to what ``fold_since`` made of them: how many it folded, the state after
    them and the year's segments (one list, read by all those agents). The key is complete: the fold is
    a pure function of the state and the changes (compared by value: hour, kind, value and source),
    and the segments of the changes and the year's start."""
    done, state = folded
    key = (fold, state, year_start, tuple(changes[done:]))
    kept = shared.get(key)
    if kept is None:
        (now_done, now_state), segments = fold_since(changes, folded, year_start, fold)
        kept = shared[key] = (now_done - done, now_state, segments)
    return (done + kept[0], kept[1]), kept[2]


def _segments_after(changes: list[Change], done: int, year_start: int, state: Any, fold: Callable[[Any, Change], Any]) -> list[tuple[int, Any]]:
    """The year's segments from ``state`` for ``changes[done:]`` (in clock order, all after
    ``year_start``): those inside the year open segments in list order (the order a stable sort by
    hour keeps), the first one at or after the year's end stops the walk."""
    out = [(0, state)]
    year_end = year_start + HOURS_PER_YEAR
    for ch in changes[done:]:
        if ch.hour >= year_end:
            break
        state = fold(state, ch)
        h = int(ch.hour - year_start)
        if out[-1][0] == h:
            out[-1] = (h, state)
        else:
            out.append((h, state))
    return out


def segment_weights(shape: str, year: int, starts: list[int]) -> tuple[float, ...]:
    """Share of the year's ``shape`` profile inside each segment (profiles do not change within a
    process, so each (shape, year, starts) is computed once)."""
    return segment_shares(shape, year, tuple(starts))[0]


@lru_cache(maxsize=4096)
def segment_shares(shape: str, year: int, starts: tuple[int, ...]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(``segment_weights``, the share of the year's ``shape`` from each start on: ``share_after``) of
    the segments beginning at ``starts``, once per (shape, year, starts) and process."""
    tails = [share_after(shape, year, h) for h in starts] + [0.0]
    return tuple(tails[i] - tails[i + 1] for i in range(len(starts))), tuple(tails[:-1])


_STATE_CACHES: dict[tuple, dict] = {}  # (what, inputs) → {state: value}, shared by the runs of a process
STATE_CACHES_MAX = 1024  # dicts kept (one per firm and quantity; a batch of different parks clears them)
STATE_CACHE_MAX = 256  # states kept per dict (a run visits ~10-70; replicates whose firms decide differently add
# more: at 1024 a process running 150 replicates of net_zero_2050_uncertain peaked 22 MiB higher, as fast)


def state_cache(what: str, inputs: tuple) -> dict:
    """A dict state → value for a quantity ``what`` that depends on the state and on ``inputs``
    alone (numbers, not objects of a run): runs of a process with the same inputs share it, so a
    warm run or a replicate does not recompute what an earlier one did. Bounded: a full dict is
    emptied, and all of them when too many."""
    key = (what, inputs)
    cache = _STATE_CACHES.get(key)
    if cache is None:
        if len(_STATE_CACHES) >= STATE_CACHES_MAX:
            _STATE_CACHES.clear()
        cache = _STATE_CACHES[key] = {}
    elif len(cache) >= STATE_CACHE_MAX:
        cache.clear()
    return cache


def energy_rows(entity: str, kind: str, quantities) -> list[EnergyRow]:
    """``EnergyRow``s of ``entity`` for its (carrier, quantity, unit) ``quantities`` above 0, in their
    order; built without the named tuple's Python-level ``__new__`` (thousands a run)."""
    row = tuple.__new__
    return [row(EnergyRow, (entity, kind, c, q, u)) for c, q, u in quantities if q > 0.0]


class ParkAgent(mesa.Agent):
    """An agent that owns dated changes and reports its annual energy."""

    kind = "agent"

    def __init__(self, model: mesa.Model, entity_id: str):
        super().__init__(model)
        self.entity_id = entity_id
        self.changes: list[Change] = []
        self._folded: tuple[int, Any] | None = None  # (changes folded, state after them)
        self._year_segments: tuple[tuple, list] | None = None  # ((year start, changes, fold), segments) of the last call

    def year_segments(self, year_start: int, initial: Any, fold: Callable[[Any, Change], Any],
                      shared: dict | None = None) -> list[tuple[int, Any]]:
        """``segments`` of this agent's changes, folding only the changes new since last year.

        Changes arrive in clock order (``commission`` checks it), so the changes before a year
        are a prefix of the list, and the state after that prefix carries to the next year. The
        year's segments are kept until a change arrives (the kernel asks for them several times a
        year: the energy, the heat plan, the chillers); callers must not modify the list. With
        ``shared`` (a dict of the year, for agents folded with the same ``fold``), agents in the same
        state with the same changes to fold share one fold (``fold_shared``).
        """
        n = len(self.changes)
        kept = self._year_segments
        if kept is not None:
            kept_start, kept_n, kept_fold = kept[0]
            if kept_n == n and kept_fold is fold:
                if kept_start == year_start:
                    return kept[1]
                if self._folded[0] == n and kept_start < year_start and len(kept[1]) == 1:
                    # every change folded before an earlier year and none since: the same one state all year
                    self._year_segments = ((year_start, n, fold), kept[1])
                    return kept[1]
        folded = self._folded if self._folded is not None else (0, initial)
        if shared is None:
            self._folded, out = fold_since(self.changes, folded, year_start, fold)
        else:
            self._folded, out = fold_shared(self.changes, folded, year_start, fold, shared)
        self._year_segments = ((year_start, n, fold), out)
        return out

    def commission(self, hour: float, kind: str, value: Any, source: str = "") -> Change:
        if self.changes and hour < self.changes[-1].hour:
            raise ValueError(f"{self.entity_id}: a change at hour {hour} arrived after one at {self.changes[-1].hour}")
        change = Change(hour, kind, value, source)
        self.changes.append(change)
        return change

    def state_before(self, change: Change, initial: Any, fold: Callable[[Any, Change], Any], carried: bool = False) -> Any:
        """The state just before ``change`` (all earlier changes folded in). ``carried``: ``initial``
        and ``fold`` are those ``year_segments`` folds with, so the fold goes on from the state it
        carries between years when that lies before ``change`` (changes are kept in clock order, so
        the same changes are folded in the same order)."""
        last = len(self.changes) - 1  # (usually the change just commissioned: the last one)
        index = last if last >= 0 and self.changes[last] is change else next(
            (i for i in range(last - 1, -1, -1) if self.changes[i] is change), None)
        if index is None:
            raise ValueError("change is not one of this agent's")
        kept = self._folded if carried else None
        done, state = kept if kept is not None and kept[0] <= index else (0, initial)
        for ch in self.changes[done:index]:
            state = fold(state, ch)
        return state

    def year_energy(self, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
        raise NotImplementedError

"""Stage 2b, polish: a local descent from the search's best plan, each move a run of the simulator.

The sampler (search.py) finds a good region on a coarse grid; it rarely lands on the least-cost
point of it. Each round of the polish runs every move below at once; of those that lower the system
cost NPV with every target still held, the best move of each item is combined and run once more:
the round takes the combination when it holds the targets and costs less than the best single
move, else that move. Rounds go on until no move lowers the cost (or ``MAX_ROUNDS``):

- **lower** an item by one grid step (5 % of its bound), or **delay** it by one or three years (later
  is cheaper in present value when the targets allow it);
- **resize the removals** (``screen.RESIDUAL_KINDS``) to what is left: a tonne of direct air capture
  removes a tonne of net emissions, so a plan with removals of capacity x and largest net
  emissions N from the net-zero year needs x + N (plus ``RESIZE_MARGIN``); one run checks it;
- **swap in** a kept candidate the plan leaves out, at its bound, with the removals resized to what
  is then left — the reduction the park's own measures make replaces removals bought for the
  residual (the report's 减排优先原则 where it also costs less). Two runs: the swap, then the resize.

Determinism: the moves and their order depend only on the plan and the runs' results, and every run
goes through the runner (cached), so a resumed plan polishes the same way.
"""

from __future__ import annotations

import math
from dataclasses import replace

from parktwin.planning.candidates import Candidate, Choice
from parktwin.planning.evaluate import plan_job
from parktwin.planning.screen import (
    RESIDUAL_KINDS,
    removal_index,
    removal_tco2,
    residual_tco2,
)
from parktwin.planning.search import LEVELS

MAX_ROUNDS = 20
DELAYS_YR = (1, 3)
"""A delay move postpones an item by one year or by three (fewer rounds to a late decision)."""


def _resized(choices: list[Choice], result: dict, from_year: int) -> list[Choice] | None:
    """The choices with their removal sized to the residual of ``result`` (None: no removal in the plan,
    a failed run, or a size outside 0..its bound)."""
    i = removal_index(choices)
    if i is None or choices[i].level <= 0 or result.get("error"):
        return None
    ch = choices[i]
    need = removal_tco2(ch.value + residual_tco2(result, from_year))
    if not math.isfinite(need) or need > ch.candidate.max_value or abs(need - ch.value) < 10.0:
        return None
    return choices[:i] + [replace(ch, level=need / ch.candidate.max_value)] + choices[i + 1:]


def _local_moves(choices: list[Choice], last_year: int) -> list[tuple[str, list[Choice]]]:
    """Each item one grid step lower (removals excepted: they are resized) and ``DELAYS_YR`` later."""
    out = []
    for i, ch in enumerate(choices):
        c = ch.candidate
        if ch.level <= 0:
            continue
        if c.kind not in RESIDUAL_KINDS and ch.level > 1.0 / LEVELS + 1e-9:
            level = math.ceil(ch.level * LEVELS - 1e-9) / LEVELS - 1.0 / LEVELS
            out.append((f"lower {c.id} to {level:.0%} of its bound", choices[:i] + [replace(ch, level=level)] + choices[i + 1:]))
        for years in DELAYS_YR:
            if ch.year + years <= last_year:
                out.append((f"delay {c.id} to {ch.year + years}", choices[:i] + [replace(ch, year=ch.year + years)] + choices[i + 1:]))
    return out


def _swaps(choices: list[Choice], kept: list[Candidate], first_year_of) -> list[tuple[str, list[Choice]]]:
    """Each kept candidate the plan leaves out, added at its bound (first steps only), when the plan has removals."""
    if not any(ch.candidate.kind in RESIDUAL_KINDS and ch.level > 0 for ch in choices):
        return []
    active = {ch.candidate.id for ch in choices if ch.level > 0}
    return [(f"swap in {c.id} for removals", [ch for ch in choices if ch.candidate.id != c.id] + [Choice(c, 1.0, first_year_of(c))])
            for c in kept if c.id not in active and c.kind not in RESIDUAL_KINDS and c.step == 1]


def polish(runner, base_doc: dict, chosen: list[Choice], best: dict, kept: list[Candidate], seed: int, last_year: int,
           residual_from: int, first_year_of) -> tuple[list[Choice], dict, list[dict]]:
    """Descend from ``chosen`` (whose run is ``best``); returns the plan, its run and the moves taken."""
    history = []
    current = [ch for ch in chosen if ch.level > 0]
    for rounds in range(1, MAX_ROUNDS + 1):
        moves = _local_moves(current, last_year)
        resize = _resized(current, best, residual_from)
        if resize is not None:
            moves.append(("resize the removals to what is left", resize))
        swaps = _swaps(current, kept, first_year_of)
        results = runner.evaluate([plan_job(base_doc, chs, seed) for _, chs in moves + swaps], "polish",
                                  f"polish round {rounds}: {len(moves)} moves, {len(swaps)} swaps")
        scored = [(r["npv_cny"], label, chs, r) for (label, chs), r in zip(moves, results[:len(moves)]) if r.get("feasible")]
        swapped = [(label, _resized(chs, r, residual_from)) for (label, chs), r in zip(swaps, results[len(moves):])]
        swapped = [(label, chs) for label, chs in swapped if chs is not None]
        if swapped:
            second = runner.evaluate([plan_job(base_doc, chs, seed) for _, chs in swapped], "polish", f"polish round {rounds}: swaps resized")
            scored += [(r["npv_cny"], label, chs, r) for (label, chs), r in zip(swapped, second) if r.get("feasible")]
        scored = sorted((s for s in scored if s[0] < best["npv_cny"] - 1.0), key=lambda s: (s[0], s[1]))
        if not scored:
            break
        npv, label, chs, run = scored[0]
        combined = combine_moves(current, [(label, chs) for _, label, chs, _ in scored])
        if combined is not None:
            r = runner.evaluate([plan_job(base_doc, combined[1], seed)], "polish", f"polish round {rounds}: the best moves together")[0]
            if r.get("feasible") and r["npv_cny"] < npv:
                npv, label, chs, run = r["npv_cny"], combined[0], combined[1], r
        current, best = chs, run
        history.append({"move": label, "npv_cny": npv})
    return current, best, history


def combine_moves(current: list[Choice], moves: list[tuple[str, list[Choice]]]) -> tuple[str, list[Choice]] | None:
    """The moves that each change one measure of ``current`` (the same measures, in the same order; a
    swap, which adds one, is not such a move), best first, the first of each measure applied together;
    None when fewer than two measures move."""
    ids = [ch.candidate.id for ch in current]
    out, labels, moved = list(current), [], set()
    for label, chs in moves:
        if [ch.candidate.id for ch in chs] != ids:
            continue
        changed = [k for k, (a, b) in enumerate(zip(current, chs)) if a != b]
        if len(changed) != 1 or changed[0] in moved:
            continue
        out[changed[0]] = chs[changed[0]]
        moved.add(changed[0])
        labels.append(label)
    return (" + ".join(labels), out) if len(moved) > 1 else None

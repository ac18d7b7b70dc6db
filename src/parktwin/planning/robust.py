"""Stage 3, robustness: the plan must meet its targets with a stated probability over the world's
uncertain inputs.

The uncertainty block (the scenario's own, or another file's) names the world's inputs: growth,
grid factors, prices, costs — applied as they are — and delivery of measures (delays, lead times,
shortfalls) written against some roadmap's item ids. Those are mapped onto the plan's items **by
kind**: each goes to the plan's item of the same kind (and technology or measure) nearest in year,
as a shift (years, lead times) or a ratio to the nominal value (shares, sizes) of the item it was
written for. The planner's decisions are never sampled.

Common random numbers: one Latin-hypercube sample of the block (seeded) and its replicate run
seeds serve every plan compared, so two plans differ only by their decisions.

Margins: while the share of replicates meeting every target is below the confidence, each move
(raise one measure's level by a quarter of its bound, bring it two years forward, or — for a
net-zero target — size the removals to the aimed quantile of what each replicate leaves: a tonne
of direct air capture removes a tonne, so removals x with N_i left in replicate i need x + N_i) is
tried on the failing replicates nearest to passing and in the deterministic run; the best move of
each measure that cuts their violation is combined into one more move; the move that cuts the
violation most per CNY of system cost (and keeps the deterministic targets) is taken — the
combination when it cuts more than that move alone; then the whole sample is evaluated again.
When no move helps the nearest failing replicates, the next ones are probed. The deterministic
plan's cost against the robust one's is the price of robustness.

Margin for sampling error: a share measured on ``n`` replicates is itself uncertain (one standard
error is sqrt(c(1-c)/n): 3.9 points at c = 0.9, n = 60), and a search that stops as soon as the
share crosses the confidence overstates it. So the rounds go on until the share reaches the
confidence plus ``MARGIN_SE`` standard errors, and a fresh check (``check_plan``: the written plan's
own block sampled afresh with another seed, exactly the batch ``parktwin mc <plan> -n N --seed S``
runs) says how often the plan meets its targets out of sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from parktwin import api
from parktwin.experiments.design import make_design
from parktwin.planning.candidates import Choice, apply_choices, earliest_year
from parktwin.planning.discover import failure_boxes
from parktwin.planning.evaluate import changes_json, plan_job
from parktwin.planning.polish import combine_moves
from parktwin.planning.screen import removal_index, removal_tco2, residual_tco2
from parktwin.planning.search import LEVELS
from parktwin.spec.errors import InputError, Problem
from parktwin.spec.uncertainty import Uncertainty

QUARTER = 0.25
ADVANCE_YR = 2
PROBE_REPLICATES = 4
PROBE_GROUPS = 3
"""When no move helps the nearest failing replicates, the next groups of them are probed (at most this many groups)."""
MAX_ROUNDS = 15
MARGIN_SE = 1.0
"""Standard errors of the sample share the robust rounds add to the confidence before they stop."""
CHECK_SEED_OFFSET = 1000
"""The fresh check's sample seed is the search seed plus this (the robust sample's is the search seed plus 1)."""
SHIFT_FIELDS = ("year", "lead_time_days")
FIELD_MAX = {"share": 1.0, "capture_share": 1.0, "target_share": 1.0, "roof_share": 1.0, "floor_share": 1.0}


@dataclass(frozen=True)
class Mapping:
    """An uncertain input on a roadmap item of another roadmap, carried to items of the same kind."""

    name: str
    kind: str
    option: str
    field: str
    source_year: int
    nominal: float


def source_block(loaded, uncertainty: str | Path | None):
    """The uncertainty block and the roadmap it was written against (the scenario's or another file's)."""
    if uncertainty is None:
        return loaded.scenario.uncertainty, loaded.document.get("roadmap", [])

    other = api.load(uncertainty)
    return other.scenario.uncertainty, other.document.get("roadmap", [])


def mappings(block, roadmap: list[dict]) -> tuple[list[Mapping], list[str]]:
    """Roadmap inputs of the block as kind mappings; the names of the world's inputs (applied as they are)."""
    out, world = [], []
    by_id = {it.get("id"): it for it in roadmap}
    for name, inp in block.items():
        parts = inp.path.split(".")
        if parts[0] != "roadmap":
            world.append(name)
            continue
        src = by_id.get(parts[1])
        if src is None or len(parts) != 3:
            continue
        option = src.get("technology") or src.get("measure") or ""
        nominal = float(src.get(parts[2], 0.0) or 0.0)
        out.append(Mapping(name, src["kind"], option, parts[2], int(src["year"]), nominal))
    return out, world


def target_item(m: Mapping, plan_roadmap: list[dict]) -> dict | None:
    """The plan's item the input lands on: same kind (same option when the plan has one), nearest in year."""
    same = [it for it in plan_roadmap if it["kind"] == m.kind]
    exact = [it for it in same if (it.get("technology") or it.get("measure") or "") == m.option]
    pool = exact or same
    if not pool:
        return None
    order = {id(it): k for k, it in enumerate(plan_roadmap)}
    # nearest in year; of items in the same year the last in the roadmap (the one whose value holds)
    return min(pool, key=lambda it: (abs(int(it["year"]) - m.source_year), -order[id(it)]))


def carried(m: Mapping, value: float, target: dict, last_year: int) -> float:
    """The sampled value carried onto the plan's item (a shift for years and lead times, else a ratio)."""
    if m.field == "year":
        return int(min(max(int(target["year"]) + int(round(value - m.nominal)), int(target["year"])), last_year))
    if m.field == "lead_time_days":
        return float(min(max(float(target.get("lead_time_days", 0.0)) + value - m.nominal, 0.0), 3650.0))
    base = float(target.get(m.field, 0.0))
    ratio = value / m.nominal if m.nominal else 1.0
    v = base * ratio
    top = FIELD_MAX.get(m.field)
    if target["kind"] == "efficiency":
        top = 0.99
    return float(min(v, top) if top is not None else v)


def replicate_pairs(design, index: int, maps: list[Mapping], world: list[str], plan_roadmap: list[dict], last_year: int) -> tuple:
    values = dict(design.inputs(index))
    pairs = [(design.paths[name], values[name]) for name in world]
    for m in maps:
        target = target_item(m, plan_roadmap)
        if target is not None:
            pairs.append((f"roadmap.{target['id']}.{m.field}", carried(m, float(values[m.name]), target, last_year)))
    return tuple(pairs)


def mapped_block(block, maps: list[Mapping], plan_roadmap: list[dict], last_year: int) -> dict:
    """The block with its roadmap inputs rewritten onto the plan's items (for the written scenario)."""
    out = {}
    by_name = {m.name: m for m in maps}
    for name, inp in block.items():
        d = inp.model_dump(exclude_none=True)
        m = by_name.get(name)
        if m is None:
            if not inp.path.startswith("roadmap."):
                out[name] = d
            continue
        target = target_item(m, plan_roadmap)
        if target is None:
            continue
        d["path"] = f"roadmap.{target['id']}.{m.field}"
        for key in ("low", "mode", "high", "mean", "median"):
            if key in d:
                d[key] = carried(m, float(d[key]), target, last_year) if m.field not in SHIFT_FIELDS or key != "median" else d[key]
        if "std" in d and m.field not in SHIFT_FIELDS and m.nominal:
            d["std"] = d["std"] * float(target.get(m.field, 0.0)) / m.nominal
        if d.get("low") is not None and d.get("high") is not None and d["low"] >= d["high"]:
            continue  # collapsed onto a bound (a ratio above 1 of a share already at 1): no uncertainty left
        if "mode" in d:
            d["mode"] = min(max(d["mode"], d["low"]), d["high"])
        d["note"] = (d.get("note", "") + f" [carried by kind from {inp.path} onto {target['id']}]").strip()
        out[name] = d
    names = set(out)
    for d in out.values():
        if "rank_correlation" in d:
            d["rank_correlation"] = {k: v for k, v in d["rank_correlation"].items() if k in names}
            if not d["rank_correlation"]:
                del d["rank_correlation"]
    return out


def _score(runner, base_doc: dict, moves: list, probe: list[int], results: list[dict], jobs_for, run_seed: int, current: dict,
           label: str, combine: tuple | None = None) -> list[tuple]:
    """Each move run deterministically and on the probed replicates: (violation cut per CNY, label,
    choices, its deterministic run, the cut) for the moves that keep the deterministic targets and
    cut the probed replicates' violation; a combination only when it cuts more than ``combine`` (the
    best single move), scored just above it."""
    before = sum(results[i].get("violation", 1e6) for i in probe)
    jobs = []
    for _, chs in moves:
        jobs.append(plan_job(base_doc, chs, run_seed))
        jobs += jobs_for(chs, probe)
    out = runner.evaluate(jobs, "robust", label)
    step = 1 + len(probe)
    scored = []
    for k, (name, chs) in enumerate(moves):
        det, reps = out[k * step], out[k * step + 1:(k + 1) * step]
        if not det.get("feasible"):
            continue
        gain = before - sum(r.get("violation", 1e6) for r in reps)
        if gain <= 1e-12:
            continue
        cost = det["npv_cny"] - current["npv_cny"]
        if combine is not None:
            if gain <= combine[4] + 1e-12:
                continue
            scored.append((combine[0] * (1 + 1e-9), name, chs, det, gain))
        else:
            scored.append((gain / max(cost, 1e5), name, chs, det, gain))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return scored


def _met_share(results: list[dict]) -> float:
    return sum(bool(r.get("feasible")) for r in results) / max(len(results), 1)


def required_share(confidence: float, n: int) -> float:
    """The in-sample share the robust rounds aim at: the confidence plus ``MARGIN_SE`` standard
    errors of a share measured on ``n`` replicates (capped at 1)."""
    return min(1.0, confidence + MARGIN_SE * math.sqrt(confidence * (1.0 - confidence) / max(n, 1)))


def failures_by_target(results: list[dict], names) -> dict[str, int]:
    """Replicates that miss each target."""
    return {name: sum(1 for r in results if not (r.get("targets") or {}).get(name, {}).get("met", False)) for name in names}


def check_plan(runner, plan_doc: dict, block: Uncertainty, n: int, seed: int, names) -> dict:
    """The out-of-sample check of a robust plan: its carried uncertainty block (as written into the
    plan's scenario file; ``experiments.design.truncated_to_ranges`` of it, as a batch samples it)
    sampled afresh, ``n`` replicates of batch seed ``seed`` — the same sample and run seeds
    ``parktwin mc <plan> -n n --seed seed`` draws — and the share meeting every target."""
    design = make_design(block, "lhs", n, seed)
    changes = changes_json(plan_doc)
    jobs = [(changes, design.run_seed(i), tuple(design.pairs(i))) for i in range(design.runs)]
    results = runner.evaluate(jobs, "check", f"check: the plan on {design.runs} fresh replicates (seed {seed})")
    return {"n": design.runs, "seed": seed, "probability": _met_share(results), "failures": failures_by_target(results, names)}


def _moves(choices: list[Choice], first_year: int) -> list[tuple[str, list[Choice]]]:
    out = []
    for i, ch in enumerate(choices):
        c = ch.candidate
        if ch.level < 1.0 - 1e-9:
            level = min(1.0, round((ch.level + QUARTER) * LEVELS) / LEVELS)
            out.append((f"raise {c.id} to {level:.0%} of its bound", choices[:i] + [Choice(c, level, ch.year)] + choices[i + 1:]))
        lo = earliest_year(c, first_year)
        if ch.level > 0 and ch.year > lo:
            year = max(lo, ch.year - ADVANCE_YR)
            out.append((f"bring {c.id} forward to {year}", choices[:i] + [Choice(c, ch.level, year)] + choices[i + 1:]))
    return out


def removal_resize(choices: list[Choice], results: list[dict], share: float, from_year: int) -> tuple[str, list[Choice]] | None:
    """The removals sized to the ``share`` quantile of what the sample's replicates leave from
    ``from_year`` (x + N_i), up to the candidate's cap; None when the plan has no removals or they suffice."""
    i = removal_index(choices)
    if i is None:
        return None
    ch = choices[i]
    need = np.array([ch.value + residual_tco2(r, from_year) for r in results])
    need = need[np.isfinite(need)]
    if not len(need):
        return None
    c = ch.candidate
    size = min(removal_tco2(float(np.quantile(need, share, method="higher"))), c.cap if c.cap is not None else c.max_value)
    if size <= ch.value + 10.0:
        return None
    grown = replace(c, max_value=max(c.max_value, size))
    moved = Choice(grown, size / grown.max_value, ch.year)
    return f"size {c.id} to {size:,.0f} t/yr (the {share:.0%} quantile of what the sample leaves)", choices[:i] + [moved] + choices[i + 1:]


def make_robust(runner, loaded, base_doc: dict, kept, chosen: list[Choice], best: dict, targets, uncertainty, n: int, seed: int,
                run_seed: int, first_year: int, last_year: int) -> dict:
    """Raise margins until the targets are met in ``targets.confidence`` of ``n`` replicates (or no move helps)."""
    block, source_roadmap = source_block(loaded, uncertainty)
    if not block:
        raise InputError([Problem(str(uncertainty or loaded.scenario_path), "uncertainty",
                                  "--confidence needs an uncertainty block: the scenario has none (give --uncertainty FILE)")])
    design = make_design(block, "lhs", n, seed + 1)  # one sample for every plan compared (common random numbers)
    maps, world = mappings(block, source_roadmap)
    horizon_end = loaded.scenario.years[-1]
    chosen_ids = {ch.candidate.id: ch for ch in chosen}
    # every kept candidate is a possible margin: those the plan left out enter at level 0
    choices = [chosen_ids.get(c.id, Choice(c, 0.0, earliest_year(c, first_year))) for c in kept]

    def jobs_for(chs: list[Choice], indices) -> list[tuple]:
        doc = apply_choices(base_doc, chs)
        changes = changes_json(doc)
        return [(changes, design.run_seed(i), replicate_pairs(design, i, maps, world, doc["roadmap"], horizon_end)) for i in indices]

    history = []
    results = runner.evaluate(jobs_for(choices, range(design.runs)), "robust", "robust: the plan over the sample")
    p = _met_share(results)
    history.append({"move": "deterministic plan", "probability": p, "npv_cny": best["npv_cny"]})
    current = best
    rounds = 0
    aim = required_share(targets.confidence, design.runs)
    net_zero_year = targets.net_zero
    while p < aim and rounds < MAX_ROUNDS:
        rounds += 1
        # probe the failing replicates nearest to passing: the margin that saves them is the cheapest to buy
        failing = sorted((i for i, r in enumerate(results) if not r.get("feasible")), key=lambda i: (results[i].get("violation", 1e6), i))
        moves = _moves(choices, first_year)
        resize = removal_resize(choices, results, aim, net_zero_year) if net_zero_year else None
        if resize is not None:
            moves.append(resize)
        scored = []
        for group in range(PROBE_GROUPS):
            probe = failing[group * PROBE_REPLICATES:(group + 1) * PROBE_REPLICATES]
            if not probe:
                break
            scored = _score(runner, base_doc, moves, probe, results, jobs_for, run_seed, current,
                            f"robust round {rounds}: {len(moves)} moves on {len(probe)} failing replicates")
            if scored:
                combined = combine_moves(choices, [(s[1], s[2]) for s in scored])  # best first: the best move of each measure
                if combined is not None:
                    scored += _score(runner, base_doc, [combined], probe, results, jobs_for, run_seed, current,
                                     f"robust round {rounds}: the best moves together", combine=scored[0])
                    scored.sort(key=lambda s: (-s[0], s[1]))
                break
        if not scored:
            history.append({"move": "no move brings the failing replicates closer", "probability": p, "npv_cny": current["npv_cny"]})
            break
        _, label, choices, current, _ = scored[0]
        results = runner.evaluate(jobs_for(choices, range(design.runs)), "robust", f"robust round {rounds}: {label}")
        p = _met_share(results)
        history.append({"move": label, "probability": p, "npv_cny": current["npv_cny"]})
    doc = apply_choices(base_doc, choices)

    prim, prim_note = failure_boxes(design, results, maps, world)
    return {
        "choices": choices, "deterministic_run": current, "probability": p, "n": design.runs, "sample_seed": seed + 1,
        "price_cny": current["npv_cny"] - best["npv_cny"], "history": history, "prim": prim, "prim_note": prim_note,
        "block": mapped_block(block, maps, doc["roadmap"], horizon_end),
        "inputs": {"world": world, "by_kind": [m.__dict__ for m in maps]},
        "met": [bool(r.get("feasible")) for r in results],
        "failures": failures_by_target(results, targets.names()), "aim": aim,
        "reached": p >= targets.confidence,
    }

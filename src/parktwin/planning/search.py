"""Stage 2, search: the level (0..1 of its bound, in steps of 0.05; 0 = left out) and the decision
year of every kept candidate, by optuna's TPE sampler with constraints (Tree-structured Parzen
Estimator; constrained TPE after Hutter/Bergstra and Watanabe & Hutter 2022), each trial a run of
the simulator.

Objective: the pathway's system cost NPV (``Results.pathway_cost_npv_cny``). Constraints: each
target's violation (``targets.assess_targets``), ≤ 0 when met.

Determinism: trials are asked in batches of a fixed size (independent of the number of workers);
the sampler of trial ``n`` is seeded from ``(seed, n)`` and sees the trials of earlier batches
only, so the same seed gives the same trials whatever the executor, and a plan interrupted and
resumed (the runner's cache answers the trials already run) asks exactly the same trials as one
run straight through. A few starting points are enqueued first: every candidate at its bound
and earliest year (the screen's maximum), and "just in time" variants where measures that cost
money wait until just before the first target year while those that save money start at once.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from parktwin.planning.candidates import Candidate, Choice, earliest_year
from parktwin.planning.evaluate import plan_job

LEVELS = 20  # level index 0..LEVELS → level = index / LEVELS
BATCH = 4


@dataclass
class SearchResult:
    best: dict | None  # the best feasible trial's evaluation (None: none feasible)
    best_params: dict | None
    trials: list[dict]  # number, params, npv, violation, feasible
    n_trials: int


def space(kept: list[Candidate], first_year: int, last_year: int) -> dict:
    # import here: optuna costs 0.2 s at import (measured with python -X importtime); only the plan's search needs it
    from optuna.distributions import IntDistribution

    out = {}
    for c in kept:
        lo = earliest_year(c, first_year)
        out[f"{c.id}.level"] = IntDistribution(0, LEVELS)
        out[f"{c.id}.year"] = IntDistribution(lo, max(lo, last_year))
    return out


def choices_of(params: dict, kept: list[Candidate]) -> list[Choice]:
    return [Choice(c, params[f"{c.id}.level"] / LEVELS, int(params[f"{c.id}.year"])) for c in kept]


def starting_points(kept: list[Candidate], first_year: int, target_year: int, macc: list[dict]) -> list[dict]:
    """Every candidate at its bound and earliest year; then measures that cost money decided just
    in time for ``target_year`` (its lead time before it) and those that save money at once, at
    full and at 80 % levels, with green contracts ramping."""
    saving = {r["id"].rsplit("_", 1)[0] if r["kind"] in ("efficiency", "green_power") else r["id"]
              for r in macc if r.get("delta_npv_cny") is not None and r["delta_npv_cny"] < 0}
    maximum = {}
    for c in kept:
        maximum[f"{c.id}.level"] = LEVELS
        maximum[f"{c.id}.year"] = earliest_year(c, first_year)
    points = [maximum]
    for scale in (1.0, 0.8):
        p = {}
        for c in kept:
            lo = earliest_year(c, first_year)
            base_id = c.id.rsplit("_", 1)[0] if c.kind in ("efficiency", "green_power") else c.id
            if base_id in saving or c.id in saving:
                year, level = lo, LEVELS
            else:
                year = max(lo, target_year - math.ceil(c.lead_time_days / 365.0))
                level = int(round(LEVELS * scale))
            if c.kind == "green_power" and c.step > 0:
                steps = max(s.step for s in kept if s.kind == "green_power")
                year = int(round(lo + (target_year - lo) * c.step / steps))
                level = int(round(LEVELS * c.step / steps))
            if c.kind == "offsets":
                year = max(lo, target_year)
            p[f"{c.id}.level"], p[f"{c.id}.year"] = level, year
        points.append(p)
    return points


def trial_seed(seed: int, number: int) -> int:
    return int(np.random.SeedSequence([int(seed), int(number)]).generate_state(1)[0])


def run_search(runner, base_doc: dict, kept: list[Candidate], first_year: int, last_year: int, target_year: int,
               macc: list[dict], seed: int, n_trials: int, target_names: list[str], run_seed: int = 0,
               batch: int = BATCH) -> SearchResult:
    """Search levels and years; every evaluation through ``runner`` (cached, resumable)."""
    # import here: optuna costs 0.2 s at import (measured with python -X importtime); only the plan's search needs it
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dist = space(kept, first_year, last_year)
    study = optuna.create_study(direction="minimize")
    for p in starting_points(kept, first_year, target_year, macc):
        study.enqueue_trial(p, skip_if_exists=True)
    trials: list[dict] = []
    best, best_params = None, None
    penalty = None
    n = 0
    while n < n_trials:
        k = min(batch, n_trials - n)
        asked = []
        for j in range(k):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                study.sampler = optuna.samplers.TPESampler(seed=trial_seed(seed, n + j), n_startup_trials=10)
            asked.append(study.ask(dist))
        jobs = [plan_job(base_doc, choices_of(t.params, kept), run_seed) for t in asked]
        results = runner.evaluate(jobs, "search", f"search trials {n + 1}-{n + k} of {n_trials}")
        for t, r in zip(asked, results):
            verdicts = r.get("targets") or {}
            violations = {name: (verdicts[name]["violation"] if name in verdicts else 1e6) for name in target_names}
            npv = r["npv_cny"] if math.isfinite(r.get("npv_cny", math.inf)) else math.nan
            if penalty is None and math.isfinite(npv):
                penalty = abs(npv) * 10
            for name, v in violations.items():
                t.set_constraint(name, v)  # ≤ 0: met (constrained TPE)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                study.tell(t, npv if math.isfinite(npv) else (penalty or 1e15))
            row = {"number": t.number, "params": dict(t.params), "npv_cny": r.get("npv_cny"), "violation": r.get("violation"),
                   "feasible": bool(r.get("feasible"))}
            trials.append(row)
            if row["feasible"] and (best is None or r["npv_cny"] < best["npv_cny"]):
                best, best_params = r, dict(t.params)
        n += k
    return SearchResult(best, best_params, trials, n_trials)

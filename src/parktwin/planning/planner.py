"""``plan``: from a park's scenario and targets to a written roadmap that meets them at least cost.

Stages (docs/planning.md): (1) screen the candidates the park admits (base run, each alone, all
at once — the last decides feasibility; an infeasible target is diagnosed here); (2) search the
levels and years with the simulator (optuna TPE with constraints); (3) with a confidence level,
make the plan robust over a sample of the world's uncertain inputs (planning.robust); then a run
of the plan without each of its items says why each is there, the scenario is written and run
afresh, and its outcomes are the plan's claims.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from parktwin import api
from parktwin.atomic import write_bytes
from parktwin.experiments.design import truncated_to_ranges
from parktwin.planning.candidates import Choice, apply_choices, earliest_year, survey
from parktwin.planning.evaluate import (
    plan_job,
    residual_sources,
    summarise,
)
from parktwin.planning.polish import polish
from parktwin.planning.robust import (
    CHECK_SEED_OFFSET,
    check_plan,
    make_robust,
    source_block,
)
from parktwin.planning.runner import Runner
from parktwin.planning.screen import maximal_choices, screen
from parktwin.planning.search import choices_of, run_search
from parktwin.planning.targets import Targets, check_years, parse_targets
from parktwin.planning.write import scenario_text, write_scenario
from parktwin.spec.errors import InputError, Problem
from parktwin.spec.load import apply_override
from parktwin.spec.uncertainty import Uncertainty


class PlanInfeasible(Exception):
    """A target cannot be met even with every candidate at its bound and earliest year."""

    def __init__(self, lines: list[str], diagnosis: list[dict]):
        self.lines = lines
        self.diagnosis = diagnosis
        super().__init__("\n".join(lines))


@dataclass
class PlanResult:
    scenario_file: str
    targets: Targets
    out: Path | None
    roadmap: list[dict]
    offsets: dict | None
    claims: dict  # the fresh run of the written file (summarise)
    base: dict  # the input as it is (bau, or the user's roadmap)
    maximum: dict
    macc: list[dict]
    whys: dict[str, dict]
    runs: dict[str, int]
    cache_hits: int
    n_candidates: int
    n_kept: int
    wall_time_s: float
    seed: int
    robust: dict | None = None
    deterministic: dict | None = None  # the deterministic plan's outcome when the result is robust
    against: dict[str, dict] = field(default_factory=dict)  # other scenarios compared (name → summary)
    trials: list[dict] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)
    not_planned: list[dict] = field(default_factory=list)  # registered kinds (or options) not searched, with the reason
    polish: dict = field(default_factory=dict)  # the local descent after the search: moves taken, the search's best NPV

    def note(self) -> str:
        """The closing note: targets and how each is met, costs, and the runs each stage took."""
        c = self.claims

        def verdicts(run: dict) -> str:
            return ", ".join(f"{n} {'met' if v['met'] else 'not met'}" for n, v in run["targets"].items())

        lines = [f"plan of {self.scenario_file}: targets {'met' if c['feasible'] else 'NOT met'} ({verdicts(c)})"]
        for name, v in c["targets"].items():
            lines.append(f"  {name}: {v['slack']}" + (f" (holds from {v['achieved']})" if v.get("achieved") else ""))
        lines.append(f"system cost NPV {c['npv_cny'] / 1e6:,.0f} M CNY; private view {c['private_npv_cny'] / 1e6:,.0f} M CNY; "
                     f"the input as it is {self.base['npv_cny'] / 1e6:,.0f} M CNY")
        for name, other in self.against.items():
            lines.append(f"  against {name}: {other['npv_cny'] / 1e6:,.0f} M CNY (plan "
                         f"{(c['npv_cny'] - other['npv_cny']) / 1e6:+,.0f} M CNY); its targets: {verdicts(other)}")
        if self.robust:
            r = self.robust
            lines.append(f"robust: targets met in {r['probability']:.1%} of {r['n']} replicates (confidence {self.targets.confidence:.0%}, "
                         f"aimed at {r['aim']:.1%} for the sample's own error"
                         f"{'' if r['reached'] else ': NOT reached'}); price of robustness {r['price_cny'] / 1e6:+,.0f} M CNY over the "
                         f"deterministic plan ({self.deterministic['npv_cny'] / 1e6:,.0f} M CNY)")
            if r.get("check"):
                k = r["check"]
                lines.append(f"  fresh check: targets met in {k['probability']:.1%} of {k['n']} replicates of another sample (seed {k['seed']}; "
                             f"`parktwin mc <plan> -n {k['n']} --seed {k['seed']}` draws the same); failing: "
                             + ", ".join(f"{n} {v}/{k['n']}" for n, v in k["failures"].items()))
            lines.append("  replicates failing each target: " + ", ".join(f"{n} {k}/{r['n']}" for n, k in r["failures"].items())
                         + "; moves: " + " → ".join(f"{h['move']} ({h['probability']:.0%})" for h in r["history"]))
            lines.append(f"  what still fails: {r['prim_note']}" + "".join(
                f"; box {i + 1} (coverage {b['coverage']:.0%}, density {b['density']:.0%}): "
                + ", ".join(f"{k} in [{lo:.4g}, {hi:.4g}]" for k, (lo, hi) in b["limits"].items()) for i, b in enumerate(r["prim"])))
        if self.polish.get("moves"):
            moves = self.polish["moves"]
            lines.append(f"polish: {len(moves)} rounds of local moves after the search ({self.polish['searched_npv_cny'] / 1e6:,.0f} → "
                         f"{moves[-1]['npv_cny'] / 1e6:,.0f} M CNY; each round's moves: polish in the .plan.json)")
        lines.append(f"{len(self.roadmap)} roadmap items from {self.n_kept} of {self.n_candidates} candidates; model runs by stage: "
                     + ", ".join(f"{k} {v}" for k, v in self.runs.items()) + f" ({self.cache_hits} answered from the cache); "
                     f"{self.wall_time_s:,.0f} s")
        if self.not_planned:
            lines.append("not planned: " + "; ".join(f"{n['kind']}{':' + n['option'] if n['option'] else ''} ({n['reason']})"
                                                     for n in self.not_planned))
        return "\n".join(lines)

    @property
    def confidence_reached(self) -> bool:
        """True unless a confidence was asked and the robust stage could not reach it, in its sample
        or in the fresh check."""
        if self.robust is None:
            return True
        check = self.robust.get("check")
        return bool(self.robust["reached"]) and (check is None or check["probability"] >= self.targets.confidence)

    def to_json(self) -> dict:
        return {
            "scenario_file": self.scenario_file, "out": str(self.out) if self.out else None, "seed": self.seed,
            "targets": json.loads(self.targets.model_dump_json()), "roadmap": self.roadmap, "offsets": self.offsets,
            "claims": self.claims, "base": self.base, "runs": self.runs, "cache_hits": self.cache_hits,
            "n_candidates": self.n_candidates, "n_kept": self.n_kept, "wall_time_s": self.wall_time_s, "macc": self.macc,
            "whys": self.whys, "robust": self.robust, "deterministic": self.deterministic, "against": self.against,
            "candidates": self.candidates, "not_planned": self.not_planned, "polish": self.polish,
        }


def _diagnose(targets: Targets, maximum: dict, base_year: int) -> tuple[list[str], list[dict]]:
    lines, rows = [], []
    for name, v in maximum["targets"].items():
        if v["met"]:
            continue
        row = {"target": name, "earliest_year": v["achieved"], "left": v["slack"]}
        years = maximum["years"]
        if v["kind"] == "stage":
            i = years.index(v["year"])
            what = (f"{v['slack']}; in {v['year']} the core indicator is "
                    f"{maximum['core_indicator_tco2_per_tce'][i]:.3f} tCO₂/tce and the clean-energy share {maximum['clean_energy_share'][i]:.1%}")
        elif v["kind"] == "net_zero":
            i = years.index(v["year"])
            what = f"net emissions left: {maximum['net_tco2'][i]:,.0f} tCO₂ in {v['year']} (largest from then on {v['value']:,.0f} t)"
        else:
            what = v["slack"]
        row["why"] = what
        earliest = f"the earliest year that works is {v['achieved']}" if v["achieved"] else "no year of the horizon works"
        lines.append(f"target {name} cannot be met: even with every candidate at its bound from its earliest year it is {what}; {earliest}.")
        rows.append(row)
    return lines, rows


def _prune(runner, base_doc: dict, chosen: list[Choice], best: dict, seed: int) -> tuple[list[Choice], dict]:
    """Drop the items the plan does not need: those whose removal keeps every target and does not
    raise the system cost (all at once when that still holds, else the one that saves most)."""
    for _ in range(3):
        active = [ch for ch in chosen if ch.level > 0]
        jobs = [plan_job(base_doc, [c for c in active if c is not ch], seed) for ch in active]
        results = runner.evaluate(jobs, "prune", "prune: the plan without each item")
        spare = [(r["npv_cny"], ch) for ch, r in zip(active, results) if r.get("feasible") and r["npv_cny"] <= best["npv_cny"]]
        if not spare:
            break
        drop = {id(ch) for _, ch in spare}
        trial = [ch for ch in active if id(ch) not in drop]
        r = runner.evaluate([plan_job(base_doc, trial, seed)], "prune", "prune: without all spare items")[0]
        if not (r.get("feasible") and r["npv_cny"] <= best["npv_cny"]):
            npv, one = min(spare, key=lambda s: s[0])
            trial = [ch for ch in active if ch is not one]
            r = results[active.index(one)]
        chosen, best = trial, r
    return chosen, best


def _whys(runner, base_doc: dict, chosen: list[Choice], best: dict, seed: int, targets: Targets) -> dict[str, dict]:
    """Leave-one-out: the plan without each chosen item; the difference is the item's tonnes and cost."""
    active = [ch for ch in chosen if ch.level > 0]
    jobs = [plan_job(base_doc, [c for c in active if c is not ch], seed) for ch in active]
    results = runner.evaluate(jobs, "why", "why each item (plan without it)")
    out = {}
    for ch, r in zip(active, results):
        key = "offsets" if ch.candidate.kind == "offsets" else f"plan_{ch.candidate.id}"
        if r.get("error"):
            out[key] = {"needed_for": [], "abated_tco2": None, "cny_per_tco2": None}
            continue
        abated = r["cumulative_net_tco2"] - best["cumulative_net_tco2"]
        cost = best["npv_cny"] - r["npv_cny"]
        needed = [n for n, v in r["targets"].items() if not v["met"]]
        out[key] = {"needed_for": needed, "abated_tco2": abated, "delta_npv_cny": cost,
                    "cny_per_tco2": cost / abated if abated > 1.0 else None, "kind": ch.candidate.kind, "option": ch.candidate.option}
    return out


def plan(scenario: str | Path, targets: str | Targets, out: str | Path | None = None, *, n_trials: int = 120, seed: int = 0,
         run_seed: int = 0, executor: str = "serial", workers: int | None = None, scheduler: str | None = None,
         progress: bool = False, confidence: float | None = None, uncertainty: str | Path | None = None,
         robust_n: int = 60, check_n: int = 200, against: list[str | Path] = (), stop_after: int | None = None,
         park: str | Path | None = None) -> PlanResult:
    """Design the least-cost roadmap of ``scenario``'s park that meets ``targets``; write it to ``out``.

    ``n_trials``: simulator runs of the search; ``seed``: the search's; ``run_seed``: the runs'.
    ``confidence`` (or the targets' own): make the plan meet them with that probability over
    ``robust_n`` replicates of the uncertainty block (the scenario's or ``uncertainty``'s file), then
    check it on ``check_n`` fresh replicates of another seed (``robust.check_plan``; 0: no check).
    ``stop_after``: stop after that many search trials (tests of resuming). ``park``: a park file in
    place of the one the scenario names (as ``--park`` of run/mc/compare); the written plan names it,
    and the ``against`` scenarios run on it too. Raises
    ``PlanInfeasible`` when a target cannot be met; ``InputError`` on bad input.
    """
    t0 = time.perf_counter()
    loaded = api.load(scenario, park=park)
    sc = loaded.scenario
    tg = targets if isinstance(targets, Targets) else parse_targets(targets, sc)
    if confidence is not None:
        tg = tg.model_copy(update={"confidence": confidence})
    check_years(tg, sc)
    if tg.confidence is not None:
        if not source_block(loaded, uncertainty)[0]:
            raise InputError([Problem(str(uncertainty or scenario), "uncertainty",
                                      "a confidence needs an uncertainty block: this file has none (give --uncertainty FILE)")])
    base_doc = copy.deepcopy(loaded.document)
    apply_override(base_doc, "outputs.hourly_years", [])
    out = Path(out) if out else None
    cache = out.with_name(out.stem + ".plan-cache.jsonl") if out else None
    deterministic_targets = tg.model_copy(update={"confidence": None})
    runner = Runner(base_doc, loaded.digest(), deterministic_targets.model_dump_json(), cache, executor, workers, scheduler, progress)
    try:
        return _stages(runner, scenario, loaded, tg, base_doc, out, deterministic_targets, n_trials, seed, run_seed, uncertainty,
                       robust_n, against, stop_after, t0, park, check_n)
    finally:
        runner.close()


def _stages(runner, scenario, loaded, tg, base_doc, out, deterministic_targets, n_trials, seed, run_seed, uncertainty, robust_n,
            against, stop_after, t0, park=None, check_n: int = 0) -> PlanResult:
    """The stages of ``plan`` in order (screen, search, prune, robust, why, write and verify)."""
    sc = loaded.scenario
    first_year = sc.base_year + 2  # phase 2 (foundation) opens two years after the base year
    last_year = min(tg.latest_year() or sc.years[-1], sc.years[-1])
    admitted, skipped = survey(sc)
    cands = [c for c in admitted if c.available_from <= last_year]  # a technology not available in time is no candidate
    not_planned = [asdict(n) for n in skipped] + [
        {"kind": c.kind, "option": c.option, "reason": f"its technologies are available from {c.available_from}, after {last_year}"}
        for c in admitted if c.available_from > last_year]
    residual_from = tg.net_zero or last_year  # removals balance what is left from the net-zero year (or the last year judged)
    scr = screen(runner, base_doc, cands, first_year, run_seed, residual_from)
    cands = scr.candidates
    not_planned += [asdict(n) for n in scr.dropped]
    if not scr.maximum.get("feasible"):
        if scr.maximum.get("error"):
            raise PlanInfeasible([f"the run with every candidate at its bound failed: {scr.maximum['error']}"], [])
        lines, rows = _diagnose(tg, scr.maximum, sc.base_year)
        for row in rows:
            verdict = scr.maximum["targets"][row["target"]]
            if verdict["kind"] == "net_zero":
                year = int(verdict["year"])  # the year of the largest net emissions from the target year on
                left = residual_sources(apply_choices(base_doc, maximal_choices(cands, first_year)), year, run_seed)
                row["left_by_source"] = left
                lines.append(f"what is left in {year} in that run: " + "; ".join(
                    f"{r['source']} {r['tco2']:,.0f} t" + (" (" + ", ".join(f"{e} {v:,.0f} t" for e, v in r["entities"]) + ")" if r["entities"] else "")
                    for r in left))
        if not_planned:
            lines.append("not planned (no candidates of these kinds): " + ", ".join(
                sorted({n['kind'] + (':' + n['option'] if n['option'] else '') for n in not_planned})) + " (the reasons: docs/planning.md)")
        raise PlanInfeasible(lines, rows)
    first_target = min([*tg.stages.values(), *([tg.net_zero] if tg.net_zero else []), last_year])
    trials = n_trials if stop_after is None else min(n_trials, stop_after)
    res = run_search(runner, base_doc, scr.kept, first_year, last_year, first_target, scr.macc, seed, trials, tg.names(), run_seed)
    if stop_after is not None and stop_after < n_trials:
        raise KeyboardInterrupt(f"stopped after {stop_after} trials")
    chosen, best = _prune(runner, base_doc, choices_of(res.best_params, scr.kept), res.best, run_seed)
    polished = {"searched_npv_cny": best["npv_cny"]}
    chosen, best, polished["moves"] = polish(runner, base_doc, chosen, best, scr.kept, run_seed, last_year, residual_from,
                                             lambda c: earliest_year(c, first_year))
    if polished["moves"]:
        chosen, best = _prune(runner, base_doc, chosen, best, run_seed)  # a swap can leave an item spare
    deterministic = None
    robust = None
    if tg.confidence is not None:
        robust = make_robust(runner, loaded, base_doc, scr.kept, chosen, best, tg, uncertainty, robust_n, seed, run_seed, first_year, last_year)
        deterministic = {"npv_cny": best["npv_cny"], "private_npv_cny": best["private_npv_cny"], "roadmap": apply_choices(base_doc, chosen)["roadmap"],
                         "run": best}
        chosen, best = robust["choices"], robust["deterministic_run"]
        robust = {k: v for k, v in robust.items() if k not in ("choices", "deterministic_run")}
    whys = _whys(runner, base_doc, chosen, best, run_seed, tg)
    plan_doc = apply_choices(base_doc, chosen)
    offsets = next(({"start_year": ch.year, "max_share_of_gross": ch.value} for ch in chosen if ch.candidate.kind == "offsets" and ch.level > 0), None)
    claims = best
    if out is not None:
        names = ", ".join(tg.names())
        header = [f"Written by `parktwin plan {Path(scenario).name} --targets ...` (seed {seed}, run seed {run_seed}): targets {names}.",
                  f"System cost NPV {best['npv_cny'] / 1e6:,.0f} M CNY (the input as it is: {scr.base['npv_cny'] / 1e6:,.0f} M CNY); "
                  f"{res.n_trials} search trials (the runs each stage took: {out.stem}.plan.json)."]
        if robust:
            header.append(f"Robust at confidence {tg.confidence:.0%}: targets met in {robust['probability']:.0%} of "
                          f"{robust['n']} replicates of the uncertainty block.")
        block = None
        if robust:
            block = robust["block"]
            header.append("The uncertainty block below is the one the plan was made robust under, carried onto the plan's items by kind: "
                          f"`parktwin mc {out.name} -n 200 --seed 7` checks it with other seeds.")
        text = scenario_text(Path(scenario), out, out.stem, plan_doc["roadmap"], offsets, sc.base_year, whys, header, block,
                             park=Path(park) if park else None)
        write_scenario(out, text)
        fresh = api.run(api.load(out), seed=run_seed)
        claims = summarise(fresh, deterministic_targets)
    if robust and check_n > 0:
        block = truncated_to_ranges(api.load(out)) if out is not None else Uncertainty.model_validate(robust["block"])
        robust["check"] = check_plan(runner, plan_doc, block, check_n, seed + CHECK_SEED_OFFSET, tg.names())
    compared = {}
    for path in against:
        r = api.run(api.load(path, park=park), seed=run_seed)
        compared[Path(path).stem] = summarise(r, deterministic_targets)
    result = PlanResult(
        scenario_file=str(scenario), targets=tg, out=out, roadmap=plan_doc["roadmap"], offsets=offsets, claims=claims,
        base=scr.base, maximum=scr.maximum, macc=scr.macc, whys=whys, runs=dict(runner.stage_runs), cache_hits=runner.hits,
        n_candidates=len(cands), n_kept=len(scr.kept), wall_time_s=time.perf_counter() - t0, seed=seed, robust=robust,
        deterministic=deterministic, against=compared, trials=res.trials, polish=polished,
        candidates=[{"id": c.id, "kind": c.kind, "option": c.option, "max_value": c.max_value, "bound": c.bound_note,
                     "kept": c in scr.kept, "available_from": c.available_from} for c in cands],
        not_planned=not_planned,
    )
    if out is not None:
        write_bytes(json.dumps(result.to_json(), indent=1, default=float).encode(), out.with_name(out.stem + ".plan.json"))
    return result

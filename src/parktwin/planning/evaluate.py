"""One evaluation of a candidate roadmap: build its scenario, run it, judge the targets.

Module-level and importable (process pools and Dask need it). A task carries the resolved base
document (shared, pickled once per worker), the plan's roadmap and offsets as JSON, the run seed,
any sampled uncertain inputs (path, value) and the targets; the result is a small dict: the
pathway's system and private NPV, each target's verdict and the yearly series the report draws.
Results are cached on disk by a digest of all of that (``key``), so an interrupted plan resumes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from parktwin.accounting.stages import assess_with_stages
from parktwin.economics.costs import pathway_npv_cny, residual_value_cny
from parktwin.experiments.design import (
    scenario_from_document,
    scenario_from_own_document,
)
from parktwin.experiments.worker import ForkedDocument, SharedDocument
from parktwin.kernel.model import RunRecord, simulate
from parktwin.planning.candidates import Choice, apply_choices
from parktwin.planning.targets import Targets, assess_targets
from parktwin.results.tables import annual_table, build_results
from parktwin.spec.errors import InputError

SERIES = ("net_tco2", "gross_tco2", "capex_cny", "system_cost_cny", "core_indicator_tco2_per_tce", "clean_energy_share")


@dataclass(frozen=True)
class PlanTask:
    index: int
    document: SharedDocument | ForkedDocument
    changes: str  # JSON: {"roadmap": [...], "offsets": {...} | null}
    seed: int
    pairs: tuple[tuple[str, Any], ...]
    targets: str  # Targets as JSON

    @property
    def key(self) -> str:
        text = json.dumps([self.document.digest, self.changes, int(self.seed), [list(p) for p in self.pairs], self.targets],
                          sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def changes_json(document: dict) -> str:
    """The parts of a plan's document that differ from the base: roadmap and offsets."""
    return json.dumps({"roadmap": document.get("roadmap", []), "offsets": document.get("offsets")}, sort_keys=True)


def plan_job(base_doc: dict, choices: list[Choice], seed: int) -> tuple[str, int, tuple]:
    """The runner's job for ``choices`` on the base document: one deterministic run of seed ``seed``
    (no sampled inputs)."""
    return changes_json(apply_choices(base_doc, choices)), seed, ()


def with_changes(document: dict, changes: str) -> dict:
    """``document`` (the caller's own copy of the base) with a plan's roadmap and offsets, changed in place."""
    ch = json.loads(changes)
    document["roadmap"] = ch["roadmap"]
    if ch.get("offsets") is not None:
        document["offsets"] = ch["offsets"]
    return document


def summarise(results, targets) -> dict:
    """What the planner keeps of a run (its ``Results``): costs, target verdicts and a few yearly series."""
    return summary(results.annual, results.assessment(), results.stage_table(), results.pathway_cost_npv_cny(),
                   results.private_npv_cny(), targets)


def summary_of_record(record: RunRecord, social_discount_rate: float, targets) -> dict:
    """``summarise`` of a run's record without building its ``Results``: the ``annual`` table, its
    indicators and stages, the system cost NPV (``Results.pathway_cost_npv_cny``: the yearly system cost
    discounted, less the residual value of the run's purchases) and the private NPV (Σ of the cash
    flows' present values, ``Results.private_npv_cny``) — the same numbers, tested."""
    annual = annual_table(record)
    assessment, stages = assess_with_stages(annual)
    residual = residual_value_cny(record.purchases, int(annual["year"].max()))
    npv = pathway_npv_cny(annual["system_cost_cny"].to_numpy(), residual, social_discount_rate)
    cashflows = record.money.get("cashflows")
    private = float(cashflows["pv_cny"].sum()) if cashflows is not None and len(cashflows) else 0.0
    return summary(annual, assessment, stages, npv, private, targets)


def summary(annual, assessment, stages, npv_cny: float, private_npv_cny: float, targets) -> dict:
    """Costs [CNY], target verdicts and the yearly series the report draws, from a run's ``annual``
    table, its ``indicators`` and ``stages`` tables and its system and private NPV."""
    verdicts = assess_targets(targets, annual, assessment, stages)
    return {
        "npv_cny": float(npv_cny),
        "private_npv_cny": float(private_npv_cny),
        "targets": verdicts,
        "violation": float(sum(v["violation"] for v in verdicts.values())),
        "feasible": bool(all(v["met"] for v in verdicts.values())),
        "years": annual["year"].astype(int).tolist(),
        "stage": stages["stage_reached"].tolist(),
        **{c: annual[c].astype(float).round(6).tolist() for c in SERIES},
        "cumulative_net_tco2": float(annual["net_tco2"].sum()),
        "error": None,
    }


def evaluate(task: PlanTask) -> dict:
    """Run the task's scenario; a scenario that does not validate or a run that fails is
    returned as infeasible with the error text (the search goes on)."""
    targets = Targets.model_validate_json(task.targets)
    doc = with_changes(task.document.fresh(), task.changes)
    try:
        scenario = scenario_from_own_document(doc, task.pairs, file="plan", source="plan", park=task.document.park())
        record = simulate(scenario, seed=task.seed, annual_only=True)  # what summarise reads is the same (tested), in less time
    except InputError as exc:
        return {"error": exc.describe(), "feasible": False, "violation": 1e6, "npv_cny": float("inf"), "targets": {}}
    return summary_of_record(record, scenario.finance.social_discount_rate, targets)


def residual_sources(document: dict, year: int, seed: int) -> list[dict]:
    """What is left of net emissions in ``year`` of a run of ``document`` (a resolved scenario
    document): one row per emission source [tCO₂] (negative: capture, removals, offsets), with the
    entities that emit most of a positive source — why a net-zero target cannot be met."""
    scenario = scenario_from_document(document, (), file="plan", source="plan")
    results = build_results(simulate(scenario, seed=seed), {"social_discount_rate": scenario.finance.social_discount_rate})
    rows = results.emissions[(results.emissions["year"] == year) & (results.emissions["method"] != "location")]  # net counts scope 2 market-based
    out = []
    for source, group in rows.groupby("source", sort=False):
        total = float(group["emissions_tco2"].sum())
        by_entity = group.groupby("entity")["emissions_tco2"].sum().sort_values(ascending=False)
        top = [(str(e), float(v)) for e, v in by_entity.items() if v > 0][:3] if total > 0 else []
        if abs(total) > 0.5:
            out.append({"source": str(source), "tco2": total, "entities": top})
    return sorted(out, key=lambda r: -r["tco2"])

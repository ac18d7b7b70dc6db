"""What one run reached: the targets an annual table is checked against, the first years of each
stage, net zero and the core indicator, and the operator's phase checks.

Pure functions over a run's tables (``Results``), shared by the comparison (experiments.compare),
the Monte Carlo summaries (experiments.summary), the pages (viz.compare, viz.batch, viz.summary)
and the reference results (tests/reference).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from parktwin.accounting.stages import STAGES
from parktwin.data import indicator_table


@dataclass(frozen=True)
class Target:
    """A threshold on an annual column: met when ``column op threshold``."""

    key: str
    column: str
    op: str  # "<=" or ">="
    threshold: float
    label_en: str
    label_zh: str

    def met(self, values: pd.Series) -> pd.Series:
        v = values.astype(float)
        return v <= self.threshold if self.op == "<=" else v >= self.threshold

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang == "zh" else self.label_en


def default_targets() -> tuple[Target, ...]:
    """Net zero, the zero-carbon park core indicator (``core_met``, threshold by park size) and
    the indicators with a threshold in data/indicators.csv."""
    out = [
        Target("net_zero", "net_tco2", "<=", 0.0, "Net emissions ≤ 0", "净排放 ≤ 0"),
        Target("core_met", "core_met", ">=", 1.0, "Core indicator met (单位能耗碳排放)", "单位能耗碳排放达标"),
    ]
    columns = {"clean_energy_share": "clean_energy_share", "energy_per_value_added": "energy_per_value_added_tce_per_10k_cny",
               "renewable_share": "renewable_share"}
    for row in indicator_table().itertuples():
        if row.id not in columns or pd.isna(row.threshold):
            continue
        op = "<=" if row.direction == "max" else ">="
        shown = f"{row.threshold:.0%}" if "share" in row.id else f"{row.threshold:g}"
        out.append(Target(f"{row.id}", columns[row.id], op, float(row.threshold), f"{row.name_en} {op.replace('<=', '≤').replace('>=', '≥')} {shown}",
                          f"{row.name_zh} {op.replace('<=', '≤').replace('>=', '≥')} {shown}"))
    return tuple(out)


def first_year(annual: pd.DataFrame, mask: pd.Series) -> float:
    """The first ``year`` of ``annual`` where ``mask`` holds (NaN: never)."""
    hit = annual.loc[mask.to_numpy(bool), "year"]
    return float(hit.iloc[0]) if len(hit) else float("nan")


MILESTONE_STAGES = ("green", "eco_industrial", "zero_carbon")


def review_checks(reviews: pd.DataFrame) -> pd.DataFrame:
    """The operator's checks, one row per (year, indicator): the ``reviews`` table repeats a check
    on each PDCA action row it led to (``action`` set), which is not another target."""
    if reviews is None or reviews.empty:
        return reviews
    return reviews.drop_duplicates(["year", "indicator"], keep="first").reset_index(drop=True)


def milestones(results) -> dict[str, float]:
    """First years (NaN: never) of each stage, net zero and the core indicator; the roadmap's phase
    targets met and set (the ``reviews`` table); the capex of all years [CNY]."""
    a = results.annual
    st = results.stage_table()
    out: dict[str, float] = {}
    for stage in MILESTONE_STAGES:
        reached = st["stage_reached"].isin(STAGES[STAGES.index(stage):])
        out[f"first year {stage}"] = first_year(st, reached)
    out["first year net ≤ 0"] = first_year(a, a["net_tco2"] <= 0)
    out["first year core met"] = first_year(a, a["core_met"].astype(bool))
    reviews = review_checks(results.reviews)
    out["phase targets met"] = float(reviews["met"].astype(bool).sum()) if len(reviews) else 0.0
    out["phase targets"] = float(len(reviews))
    out["capex_cny"] = float(a["capex_cny"].sum())
    return out


def run_label(results, taken: set[str] | None = None) -> str:
    """The scenario's name; with its seed and overrides when another run already has that name."""
    m = results.manifest
    name = str(m.get("scenario_name", "run"))
    if taken is None or name not in taken:
        return name
    extra = ", ".join(f"{k}={v}" for k, v in m.get("overrides", []))
    label = f"{name} (seed {m.get('seed', 0)}{', ' + extra if extra else ''})"
    n = 2
    while label in taken:
        label, n = f"{name} #{n}", n + 1
    return label


PHASE_YEARS = (2025, 2030, 2035, 2040, 2045, 2050)  # the years the roadmap's phases are read at


def headline(results) -> dict[str, float]:
    """A run's headline figures (the reference results, tests/reference/headline.csv): net
    emissions [tCO₂] and the core indicator [tCO₂/tce] in each phase year the run covers, the
    first year (NaN: never) of each stage, of net ≤ 0 and of the core indicator met, and the
    system and private NPV [CNY] (``Results.pathway_cost_npv_cny``, ``Results.private_npv_cny``)."""
    a = results.annual.set_index("year")
    out: dict[str, float] = {}
    for year in PHASE_YEARS:
        if year in a.index:
            out[f"net_tco2 {year}"] = float(a.at[year, "net_tco2"])
            out[f"core_indicator_tco2_per_tce {year}"] = float(a.at[year, "core_indicator_tco2_per_tce"])
    m = milestones(results)
    for key in (*(f"first year {s}" for s in MILESTONE_STAGES), "first year net ≤ 0", "first year core met"):
        out[key] = m[key]
    out["system_npv_cny"] = float(results.pathway_cost_npv_cny())
    out["private_npv_cny"] = float(results.private_npv_cny())
    return out

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


DELTA = "Δ "  # the prefix of a difference column


def with_differences(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (``compare_runs``) with, after the runs, one column per other run: its figures minus the
    first (baseline) column's, named "Δ <run> − <baseline>" (NaN where either is NaN, e.g. "never")."""
    if table.shape[1] < 2:
        return table
    base = table.columns[0]
    diffs = {f"{DELTA}{c} − {base}": table[c] - table[base] for c in table.columns[1:]}
    return pd.concat([table, pd.DataFrame(diffs, index=table.index)], axis=1)


def opposite_moves(table: pd.DataFrame, structured: bool = False) -> list:
    """Sentences for runs whose core indicator moved against their net emissions, relative to the first column.

    The core indicator is a ratio, CO₂ per unit of energy use (tCO₂/tce): a measure that cuts energy more
    than the CO₂ it removes (efficiency, heat pumps replacing gas boilers, electricity counted at 当量)
    raises it while emissions fall, and one that cuts CO₂ without energy (green power) lowers it alone.
    ``structured``: dicts (run, base, year, d_net, d_core, co2_change, energy_change) instead of sentences.
    """
    runs = [c for c in table.columns if not str(c).startswith(DELTA)]
    rows = {str(i).rsplit(" ", 1)[0]: i for i in table.index if str(i).rsplit(" ", 1)[-1].isdigit()}
    need = ("net_tco2", "core_indicator_tco2_per_tce", "energy_tce")
    if len(runs) < 2 or not all(k in rows for k in need):
        return []
    base = runs[0]
    net, core, energy = (table.loc[rows[k]] for k in need)
    year = str(rows["net_tco2"]).rsplit(" ", 1)[-1]
    out = []
    for other in runs[1:]:
        d_net, d_core = net[other] - net[base], core[other] - core[base]
        if d_net * d_core >= 0 or not (abs(d_core) > 1e-9 and abs(d_net) > 1e-6):
            continue
        co2 = core[other] * energy[other] / (core[base] * energy[base]) - 1.0 if core[base] * energy[base] > 0 else float("nan")
        tce = energy[other] / energy[base] - 1.0 if energy[base] > 0 else float("nan")
        if structured:
            out.append({"run": other, "base": base, "year": year, "d_net": d_net, "d_core": d_core, "co2_change": co2,
                        "energy_change": tce})
            continue
        out.append(
            f"{other}: in {year} net emissions {'fall' if d_net < 0 else 'rise'} ({d_net:+,.0f} tCO2) against {base} while the core "
            f"indicator {'rises' if d_core > 0 else 'falls'} ({d_core:+.3f} tCO2/tce): it is a ratio, CO2 per unit of energy use, "
            f"and its CO2 changes by {co2:+.1%} while energy use changes by {tce:+.1%}."
        )
    return out

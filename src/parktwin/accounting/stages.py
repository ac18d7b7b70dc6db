"""Park stages (green → eco-industrial → zero-carbon) judged from indicators kept as data.

The indicators, their thresholds, directions, stage, the annual column (or formula) each reads,
and whether the threshold is published, the seed report's, or unverified are rows of
``data/stage_indicators.csv``. Rules (docs/stages-and-symbiosis.md):

- an indicator is **not assessed** when the run cannot compute it (its column is absent or NaN
  and no ``extra`` series gives it) or when its threshold is unverified (empty) — never a guess;
- a stage is **reached** in a year when every *assessed mandatory* indicator of it and of the
  stages below is met, and every *core* indicator of it and of the stages below is assessed;
- ``blocking`` lists the indicators of the first stage not reached that stop it (not met, or a
  core indicator not assessed).

Every stage is also judged on its own indicators alone (``stage_status``): how many it has, how
many the run could assess, how many are met, and which block it — so a park that meets the
zero-carbon core indicator but misses an eco-industrial water indicator reads as "zero-carbon
indicators met on their own; the ladder stops at the eco-industrial stage's water reuse", not as
a contradiction. The zero-carbon park of 发改环资〔2025〕910号 is an intensity threshold
(单位能耗碳排放 ≤ 0.2 / 0.3 tCO₂/tce), not net zero: net emissions are reported, not a criterion.

The green stage: MIIT's 绿色园区评价要求 (工信厅节函〔2016〕586号) scores a park's indicators against
their 引领值 (a green index over the indicators, each value ÷ its 引领值; the form records an
evaluation score) on top of basic requirements. The 引领值 and the score needed were not found
(docs/stages-and-symbiosis.md §2), so only the basic requirement 碳排放强度持续下降 is assessed and
the stage's status says the scored part is unassessed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from parktwin.accounting.resources import NOT_ASSESSED
from parktwin.data import table

STAGES = ("green", "eco_industrial", "zero_carbon")
NONE = "none"
ASSESSMENT_COLUMNS = (
    "year", "stage", "indicator", "name_zh", "name_en", "unit", "value", "threshold", "direction",
    "met", "status", "mandatory", "core", "threshold_status", "reason",
)


def indicators() -> pd.DataFrame:
    """The stage indicators (data/stage_indicators.csv), in stage order (a copy: the caller's to change)."""
    return checked_indicators().copy()


@lru_cache(maxsize=1)
def checked_indicators() -> pd.DataFrame:
    """The stage indicators, checked and in stage order, read once per process (treat as read-only)."""
    df = table("stage_indicators").copy()
    unknown = set(df["stage"]) - set(STAGES)
    if unknown:
        raise ValueError(f"data/stage_indicators.csv: unknown stage(s) {sorted(unknown)}")
    if not set(df["direction"]) <= {"min", "max"}:
        raise ValueError("data/stage_indicators.csv: direction must be min or max")
    if not set(df["threshold_status"]) <= {"published", "seed_report", "unverified"}:
        raise ValueError("data/stage_indicators.csv: threshold_status must be published, seed_report or unverified")
    bad = df[(df["threshold_status"] == "unverified") != df["threshold"].isna()]
    if len(bad):
        raise ValueError(f"data/stage_indicators.csv: unverified rows must have no threshold and others one: {list(bad['id'])}")
    df["order"] = df["stage"].map(STAGES.index)
    return df.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)


def core_indicators() -> dict[str, list[str]]:
    """Per stage, the indicators that must be assessed for the stage to be reached."""
    df = indicators()
    return {s: list(df.loc[(df["stage"] == s) & df["core"], "id"]) for s in STAGES}


# -- formulas ---------------------------------------------------------------------------------------
def _energy_productivity(annual: pd.DataFrame) -> pd.Series:
    """能源产出率 [万元/tce] = value added (million CNY × 100 = 万元) ÷ energy (tce)."""
    if not {"value_added_mcny", "energy_tce"} <= set(annual.columns):
        return pd.Series(np.nan, index=annual.index)
    energy = annual["energy_tce"].to_numpy(dtype=float)
    energy = np.where(energy > 0, energy, np.nan)
    return pd.Series(annual["value_added_mcny"].to_numpy(dtype=float) * 100.0 / energy, index=annual.index)


def _carbon_intensity_change(annual: pd.DataFrame) -> pd.Series:
    """Change of gross tCO₂ (scope 1 + scope 2 market-based) per 万元 from the previous year [tCO₂/万元].

    NaN in the first year of the table (no previous year) and after a gap in the years.
    """
    if not {"gross_tco2", "value_added_mcny"} <= set(annual.columns):
        return pd.Series(np.nan, index=annual.index)
    years = annual["year"].to_numpy()
    order = np.argsort(years)  # the years in order (pandas' sort_values: the same quicksort)
    va = annual["value_added_mcny"].to_numpy(dtype=float)[order]
    intensity = annual["gross_tco2"].to_numpy(dtype=float)[order] / (np.where(va > 0, va, np.nan) * 100.0)
    change = np.full(len(years), np.nan)
    change[1:] = np.where(np.diff(years[order]) == 1, intensity[1:] - intensity[:-1], np.nan)
    out = np.empty(len(years))
    out[order] = change
    return pd.Series(out, index=annual.index)


FORMULAS = {
    "energy_productivity": _energy_productivity,
    "carbon_intensity_change": _carbon_intensity_change,
}


def _values(annual: pd.DataFrame, column: str, extra: Mapping[str, pd.Series]) -> tuple[np.ndarray, str]:
    """The indicator's values aligned with ``annual`` rows [float array], and where they came from."""
    name = column.split(":", 1)[1] if column.startswith("formula:") else column
    if name in extra:
        s = pd.Series(extra[name])
        s.index = s.index.astype(int)
        return annual["year"].astype(int).map(s).astype(float).to_numpy(), f"extra:{name}"
    if column.startswith("formula:"):
        if name not in FORMULAS:
            raise KeyError(f"data/stage_indicators.csv names an unknown formula {name!r}; known: {sorted(FORMULAS)}")
        return FORMULAS[name](annual).astype(float).to_numpy(), column
    if column in annual.columns:
        values = annual[column]
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":  # numeric already: what to_numeric would return, without its checks
            return values.to_numpy(dtype=float), f"annual:{column}"
        return pd.to_numeric(values, errors="coerce").astype(float).to_numpy(), f"annual:{column}"
    return np.full(len(annual), np.nan), f"absent:{column}"


@lru_cache(maxsize=1)
def _indicator_rows() -> tuple:
    """``checked_indicators()`` as plain tuples (read by position each assessment, not through pandas)."""
    return tuple(checked_indicators().itertuples(index=False))


def _not_assessed_reason(origin: str) -> str:
    """Why an indicator with a threshold has no value in a year."""
    if origin == "formula:carbon_intensity_change":
        return "no previous year"
    column = origin.removeprefix("annual:")
    return f"not assessed: {NOT_ASSESSED[column]}" if column in NOT_ASSESSED else f"no data ({origin})"


def assess(
    annual: pd.DataFrame,
    extra: Mapping[str, pd.Series] | None = None,
    *,
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Every stage indicator in every year of ``annual``: value, threshold, met and status.

    ``annual`` needs a ``year`` column and whatever columns the indicators read (Results.annual).
    ``extra`` maps a column or formula name to a Series indexed by year; it supplies indicators
    the run does not compute (water reuse, solid-waste use, symbiosis chains …) and overrides
    the annual column of the same name. ``thresholds`` overrides thresholds by indicator id
    (e.g. ``{"eco_reclaimed_water": 0.3}`` in 京津冀). The core indicator's threshold comes from
    ``core_threshold_tco2_per_tce`` (by park size) when that column exists.

    Returns a long table (columns ``ASSESSMENT_COLUMNS``): ``met`` is True/False/None and
    ``status`` met / not_met / not_assessed, with the ``reason`` when not assessed.
    """
    if "year" not in annual.columns:
        raise KeyError("annual needs a 'year' column")
    extra = dict(extra or {})
    thresholds = dict(thresholds or {})
    table_ = checked_indicators()
    unknown = set(thresholds) - set(table_["id"])
    if unknown:
        raise KeyError(f"thresholds for unknown indicators {sorted(unknown)}")
    annual = annual.reset_index(drop=True)
    years = annual["year"].astype(int).tolist()
    core_limits = (annual["core_threshold_tco2_per_tce"].astype(float) if "core_threshold_tco2_per_tce" in annual.columns else None)
    rows = []
    for ind in _indicator_rows():
        value_array, origin = _values(annual, str(ind.column), extra)
        if ind.id == "zc_core_indicator" and core_limits is not None and ind.id not in thresholds:
            limits = core_limits.fillna(float(ind.threshold)).to_numpy(dtype=float).tolist()
        else:
            limits = [float(thresholds.get(ind.id, ind.threshold))] * len(years)
        unverified = ind.threshold_status == "unverified" and ind.id not in thresholds
        head = (ind.stage, ind.id, ind.name_zh, ind.name_en, ind.unit)
        tail = (bool(ind.mandatory), bool(ind.core), ind.threshold_status)
        at_most = ind.direction == "max"
        for year, value, limit in zip(years, value_array.tolist(), limits):  # Python floats, read by position
            if unverified or math.isnan(limit):
                met, status, reason = None, "not_assessed", "threshold unverified"
            elif math.isnan(value):
                met, status, reason = None, "not_assessed", _not_assessed_reason(origin)
            else:
                met = value <= limit if at_most else value >= limit
                status, reason = ("met" if met else "not_met"), ""
            rows.append((year, *head, value, None if (unverified or math.isnan(limit)) else limit, ind.direction,
                         met, status, *tail, reason))
    out = pd.DataFrame(rows, columns=list(ASSESSMENT_COLUMNS))
    out["met"] = out["met"].astype(object).where(out["status"] != "not_assessed", None)
    return out


def _stage_blockers(rows: list[tuple]) -> list[str]:
    """Indicators of one stage in one year that stop it: mandatory not met, or core not assessed.
    ``rows``: (indicator, status, mandatory, core) in the assessment's order."""
    failing = [f"{i} (not_met)" for i, status, mandatory, _ in rows if mandatory and status == "not_met"]
    missing = [f"{i} (core not_assessed)" for i, status, _, core in rows if core and status == "not_assessed"]
    return failing + missing


STATUS_COLUMNS = ("year", "stage", "indicators", "assessed", "met", "own_met", "blocking")


def _status_rows(assessment: pd.DataFrame) -> list[tuple]:
    """``stage_status`` as tuples in ``STATUS_COLUMNS`` order (years, then stages in order)."""
    out = []
    columns = ("year", "stage", "indicator", "status", "mandatory", "core")
    groups: dict[tuple[int, str], list[tuple]] = {}
    for year, stage, indicator, status, mandatory, core in zip(*(assessment[c].tolist() for c in columns)):
        groups.setdefault((int(year), stage), []).append((indicator, status, bool(mandatory), bool(core)))
    for (year, stage), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], STAGES.index(kv[0][1]))):
        blockers = _stage_blockers(rows)
        out.append((year, stage, len(rows), sum(r[1] != "not_assessed" for r in rows), sum(r[1] == "met" for r in rows),
                    not blockers, blockers))
    return out


def stage_status(assessment: pd.DataFrame) -> pd.DataFrame:
    """Each stage in each year judged on its own indicators (the stages below ignored).

    Columns ``STATUS_COLUMNS``: ``indicators`` (how many the stage has), ``assessed`` (not
    "not assessed"), ``met``, ``own_met`` (every assessed mandatory indicator met and every core one
    assessed) and ``blocking`` (list of "indicator (reason)", as in ``stage_reached``).
    """
    return pd.DataFrame(_status_rows(assessment), columns=list(STATUS_COLUMNS))


def stage_reached(assessment: pd.DataFrame) -> pd.DataFrame:
    """Highest stage reached each year, and what blocks the next one.

    Columns: ``year``, ``stage_reached`` (none / green / eco_industrial / zero_carbon),
    ``next_stage`` (None at the top) and ``blocking`` (list of "indicator (reason)"), then for each
    stage ``<stage>_assessed``, ``<stage>_met``, ``<stage>_indicators`` (counts of its own indicators)
    and ``<stage>_own_met`` (its own indicators pass, the stages below aside: ``stage_status``).
    """
    by_year: dict[int, dict[str, list[tuple]]] = {}
    columns = ("year", "stage", "indicator", "status", "mandatory", "core")
    for year, stage, indicator, status, mandatory, core in zip(*(assessment[c].tolist() for c in columns)):
        by_year.setdefault(int(year), {}).setdefault(stage, []).append((indicator, status, bool(mandatory), bool(core)))
    out = []
    for year in sorted(by_year):
        reached, blocking, next_stage = NONE, [], None
        for stage in STAGES:
            blockers = _stage_blockers(by_year[year].get(stage, []))
            if blockers:
                next_stage, blocking = stage, blockers
                break
            reached = stage
        out.append((year, reached, next_stage, blocking))
    index = pd.RangeIndex(len(out))
    columns = {"year": pd.Series([o[0] for o in out], index=index, dtype="int64"),
               "stage_reached": pd.Series([o[1] for o in out], index=index, dtype="str"),
               "next_stage": pd.Series([o[2] for o in out], index=index, dtype=object),  # None at the top
               "blocking": pd.Series([o[3] for o in out], index=index, dtype=object)}
    by = {(y, st): (assessed, met, n, own) for y, st, n, assessed, met, own, _ in _status_rows(assessment)}
    for stage in STAGES:
        for i, column in enumerate(("assessed", "met", "indicators", "own_met")):
            default = False if column == "own_met" else 0
            values = [by[(y, stage)][i] if (y, stage) in by else default for y, *_ in out]
            columns[f"{stage}_{column}"] = pd.Series(values, index=index, dtype=bool if column == "own_met" else int)
    return pd.DataFrame(columns)  # built at once (one column at a time cost ~0.3 ms each)

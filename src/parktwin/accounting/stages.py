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

from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from parktwin.accounting.resources import NOT_ASSESSED
from parktwin.data import table
from parktwin.frames import coded_arrow, coded_strings, column, frame_of_arrays, string_array

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
def has_columns(table: pd.DataFrame, names: tuple[str, ...]) -> bool:
    """Whether ``table`` has every column of ``names`` (looked up in its index, not listed)."""
    return all(name in table.columns for name in names)


def _energy_productivity(annual: pd.DataFrame) -> np.ndarray:
    """能源产出率 [万元/tce] = value added (million CNY × 100 = 万元) ÷ energy (tce), per row of ``annual``."""
    if not has_columns(annual, ("value_added_mcny", "energy_tce")):
        return np.full(len(annual), np.nan)
    energy = annual["energy_tce"].to_numpy(dtype=float)
    energy = np.where(energy > 0, energy, np.nan)
    return annual["value_added_mcny"].to_numpy(dtype=float) * 100.0 / energy


def _carbon_intensity_change(annual: pd.DataFrame) -> np.ndarray:
    """Change of gross tCO₂ (scope 1 + scope 2 market-based) per 万元 from the previous year
    [tCO₂/万元], per row of ``annual``.

    NaN in the first year of the table (no previous year) and after a gap in the years.
    """
    if not has_columns(annual, ("gross_tco2", "value_added_mcny")):
        return np.full(len(annual), np.nan)
    years = annual["year"].to_numpy()
    order = np.argsort(years)  # the years in order (pandas' sort_values: the same quicksort)
    va = annual["value_added_mcny"].to_numpy(dtype=float)[order]
    intensity = annual["gross_tco2"].to_numpy(dtype=float)[order] / (np.where(va > 0, va, np.nan) * 100.0)
    change = np.full(len(years), np.nan)
    change[1:] = np.where(np.diff(years[order]) == 1, intensity[1:] - intensity[:-1], np.nan)
    out = np.empty(len(years))
    out[order] = change
    return out


FORMULAS = {  # name → the indicator's values computed from the annual table [float array aligned with its rows]
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
        return np.asarray(FORMULAS[name](annual), dtype=float), column
    if column in annual.columns:
        values = annual[column]
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":  # numeric already: what to_numeric would return, without its checks
            return values.to_numpy(dtype=float), f"annual:{column}"
        return pd.to_numeric(values, errors="coerce").astype(float).to_numpy(), f"annual:{column}"
    return np.full(len(annual), np.nan), f"absent:{column}"


def _default_rows(annual: pd.DataFrame) -> pd.DataFrame:
    """``annual`` on a default index (0, 1, … n−1): as it is when it has one already (a run's
    table), else ``reset_index(drop=True)``."""
    index = annual.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return annual
    return annual.reset_index(drop=True)


def _year_list(annual: pd.DataFrame) -> list[int]:
    """The ``year`` column as Python ints (``astype(int)``; an int64 column read as it is)."""
    years = annual["year"]
    return years.to_numpy().tolist() if years.dtype == np.int64 else years.astype(int).tolist()


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
    unknown = set(thresholds) - set(checked_indicators()["id"]) if thresholds else set()
    if unknown:
        raise KeyError(f"thresholds for unknown indicators {sorted(unknown)}")
    annual = _default_rows(annual)
    years = _year_list(annual)
    if not years:
        out = pd.DataFrame([], columns=list(ASSESSMENT_COLUMNS))
        out["met"] = out["met"].astype(object).where(out["status"] != "not_assessed", None)
        return out
    inds = _indicator_rows()
    grid = _indicator_grid(inds, tuple(years))
    return _assessment_frame(inds, _indicator_arrays(inds, annual, extra, thresholds, _core_limits(annual), grid), grid)


def _core_limits(annual: pd.DataFrame) -> np.ndarray | None:
    """The core indicator's threshold each year [float array; NaN where the column has none]
    (``core_threshold_tco2_per_tce``), None without the column."""
    if "core_threshold_tco2_per_tce" not in annual.columns:
        return None
    limits = annual["core_threshold_tco2_per_tce"]
    return limits.to_numpy(dtype=float) if limits.dtype == np.float64 else limits.astype(float).to_numpy()


def assess_with_stages(annual: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``assess(annual)`` and ``stage_reached`` of it, the stages counted from the indicators' arrays
    as ``assess`` computes them (the same rows in the same order), not read back from its table."""
    years = _year_list(annual) if "year" in annual.columns else []
    if not years:
        assessment = assess(annual)
        return assessment, stage_reached(assessment)
    annual = _default_rows(annual)
    inds = _indicator_rows()
    grid = _indicator_grid(inds, tuple(years))
    arrays = _indicator_arrays(inds, annual, {}, {}, _core_limits(annual), grid)
    status = arrays[3].ravel()  # indicator-major, as the assessment's rows: 0 met, 1 not met, 2 not assessed
    groups = _groups(grid.stage, grid.year, status == 0, status == 2, status == 1, grid.mandatory, grid.core, grid.indicator)
    return _assessment_frame(inds, arrays, grid), _reached_frame(*groups)


class IndicatorGrid(NamedTuple):
    """The indicators' own fields repeated over the years, one row per indicator and year
    (indicator-major, as the assessment's rows), and two per indicator; read-only arrays."""

    which: np.ndarray  # the indicator of each row (its position)
    year: np.ndarray  # each row's year [int64]
    stage: np.ndarray  # each row's stage, as its position in STAGES
    indicator: np.ndarray  # each row's indicator id (objects)
    mandatory: np.ndarray  # bool, each row
    core: np.ndarray  # bool, each row
    unverified: np.ndarray  # bool, each indicator: its threshold unverified (before any override)
    at_most: np.ndarray  # bool, each indicator: its direction is "max"


@lru_cache(maxsize=8)
def _indicator_grid(inds: tuple, years: tuple[int, ...]) -> IndicatorGrid:
    """``IndicatorGrid`` of the indicator rows ``inds`` over ``years``: a function of those two
    alone (the rows are read once per process, the years are the run's), so kept for the last few
    (an assessment a replicate or a workshop move makes again with the same years)."""
    n = len(years)

    def repeated(values: list, dtype) -> np.ndarray:
        return np.repeat(np.array(values, dtype=dtype), n)

    grid = IndicatorGrid(
        which=np.repeat(np.arange(len(inds)), n),
        year=np.tile(np.asarray(years, dtype=np.int64), len(inds)),
        stage=repeated([STAGES.index(ind.stage) for ind in inds], np.intp),
        indicator=repeated([ind.id for ind in inds], object),
        mandatory=repeated([bool(ind.mandatory) for ind in inds], bool),
        core=repeated([bool(ind.core) for ind in inds], bool),
        unverified=np.array([ind.threshold_status == "unverified" for ind in inds], dtype=bool),
        at_most=np.array([ind.direction == "max" for ind in inds], dtype=bool),
    )
    for array in grid:
        array.flags.writeable = False
    return grid


def _indicator_arrays(inds: tuple, annual: pd.DataFrame, extra: Mapping[str, pd.Series], thresholds: Mapping[str, float],
                      core_limits: np.ndarray | None, grid: IndicatorGrid) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Every indicator over the years of ``annual``, one row per indicator and one column per year:
    (value, threshold or NaN where it has none, met, status code — 0 met, 1 not met, 2 not
    assessed —, and per indicator the reason a missing value gives). Each annual column is read
    once, however many indicators read it; the comparisons are made for all indicators at once."""
    read: dict[str, tuple[np.ndarray, str]] = {}
    for ind in inds:
        if str(ind.column) not in read:
            read[str(ind.column)] = _values(annual, str(ind.column), extra)
    value = np.vstack([read[str(ind.column)][0] for ind in inds]) if inds else np.empty((0, len(annual)))
    limit = np.empty(value.shape)
    for i, ind in enumerate(inds):
        if ind.id == "zc_core_indicator" and core_limits is not None and ind.id not in thresholds:
            limit[i] = np.where(np.isnan(core_limits), float(ind.threshold), core_limits)  # the CSV's threshold where the column has none
        else:
            limit[i] = float(thresholds.get(ind.id, ind.threshold))
    unverified, at_most = grid.unverified, grid.at_most
    if thresholds:  # an overridden threshold counts as verified
        unverified = unverified & np.array([ind.id not in thresholds for ind in inds], dtype=bool)
    no_limit = np.isnan(limit) | unverified[:, None]
    no_value = ~no_limit & np.isnan(value)
    met = np.where(at_most[:, None], value <= limit, value >= limit)
    status = np.where(no_limit | no_value, 2, np.where(met, 0, 1))
    reasons = [_not_assessed_reason(read[str(ind.column)][1]) for ind in inds]
    return value, np.where(no_limit, np.nan, limit), met, status, reasons


STATUS_LABELS = ("met", "not_met", "not_assessed")


def _assessment_frame(inds: tuple, arrays: tuple, grid: IndicatorGrid) -> pd.DataFrame:
    """The ``assess`` table from the indicators' arrays (``_indicator_arrays``): indicators one after
    the other, each over the years; the indicator's own fields repeated (``grid``), the strings
    converted once per indicator."""
    n = len(grid.which) // len(inds) if inds else 0
    which = grid.which  # the indicator of each row
    value, threshold, met, status = (matrix.ravel() for matrix in arrays[:4])
    # the reason: none when assessed, "threshold unverified" without a threshold, else the indicator's own
    reasons = ["", "threshold unverified", *arrays[4]]
    no_limit = np.isnan(threshold)
    reason = np.where(status < 2, 0, np.where(no_limit, 1, 2 + which))
    met_obj = met.astype(object)  # True/False as Python bools; None when not assessed
    met_obj[status == 2] = None
    columns = {"year": grid.year}
    fields = _indicator_strings(inds, n)
    for name in ("stage", "indicator", "name_zh", "name_en", "unit"):
        columns[name] = fields[name]
    columns["value"] = value
    columns["threshold"] = threshold if not no_limit.all() else column("threshold", [None] * len(threshold))
    columns["direction"] = fields["direction"]
    columns["met"] = met_obj
    columns["status"] = coded_strings("status", list(STATUS_LABELS), status)
    columns["mandatory"] = grid.mandatory
    columns["core"] = grid.core
    columns["threshold_status"] = fields["threshold_status"]
    columns["reason"] = coded_strings("reason", reasons, reason)
    return frame_of_arrays(columns, objects=("met",))  # (the arrays copied into the frame's blocks)


INDICATOR_FIELDS = {"stage": "stage", "indicator": "id", "name_zh": "name_zh", "name_en": "name_en", "unit": "unit",
                    "direction": "direction", "threshold_status": "threshold_status"}  # column → the indicator's field


def _indicator_strings(inds: tuple, n_years: int) -> dict:
    """The assessment's string columns that repeat each indicator's own fields (``INDICATOR_FIELDS``)
    over its ``n_years`` rows: converted to Arrow once per process and number of years and kept
    (pyarrow arrays are immutable), each table given its own pandas array over them."""
    kept = _indicator_arrow(inds, n_years)
    which = None
    out = {}
    for name, field in INDICATOR_FIELDS.items():
        if kept[name] is not None:
            out[name] = string_array(kept[name])
        else:  # labels pandas keeps otherwise (not all strings): typed as coded_strings types them
            which = np.repeat(np.arange(len(inds)), n_years) if which is None else which
            out[name] = coded_strings(name, [getattr(ind, field) for ind in inds], which)
    return out


@lru_cache(maxsize=8)
def _indicator_arrow(inds: tuple, n_years: int) -> dict:
    """``INDICATOR_FIELDS`` as repeated pyarrow string arrays (None where the labels are not all
    strings), for ``_indicator_strings``."""
    which = np.repeat(np.arange(len(inds)), n_years)
    return {name: coded_arrow([getattr(ind, field) for ind in inds], which) for name, field in INDICATOR_FIELDS.items()}


STATUS_COLUMNS = ("year", "stage", "indicators", "assessed", "met", "own_met", "blocking")


def _stage_groups(assessment: pd.DataFrame) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], dict]:
    """Each stage's own indicators each year, read as arrays: (the years in order; per stage in
    ``STAGES``, the number of its indicators, of those assessed and of those met each year [counts];
    (year index, stage) → its blockers). A stage's blockers in a year are its mandatory
    indicators not met, then its core indicators not assessed, each in the assessment's order, as
    "indicator (not_met)" / "indicator (core not_assessed)"."""
    stage = assessment["stage"].to_numpy(dtype=object)  # plain objects: compared as numpy arrays, no pandas alignment
    unknown = set(stage.tolist()) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(map(str, unknown))} in the assessment; known: {list(STAGES)}")
    status = assessment["status"].to_numpy(dtype=object)
    position = {name: at for at, name in enumerate(STAGES)}
    stage = np.fromiter(map(position.__getitem__, stage.tolist()), dtype=np.intp, count=len(stage))
    return _groups(stage, assessment["year"].to_numpy().astype(int), status == "met", status == "not_assessed", status == "not_met",
                   assessment["mandatory"].to_numpy(dtype=bool), assessment["core"].to_numpy(dtype=bool),
                   assessment["indicator"].to_numpy(dtype=object))


def _groups(stage: np.ndarray, year: np.ndarray, met: np.ndarray, not_assessed: np.ndarray, not_met: np.ndarray,
            mandatory: np.ndarray, core: np.ndarray, indicator: np.ndarray) -> tuple:
    """``_stage_groups`` from the assessment's rows as arrays (stage as its position in ``STAGES``,
    indicator as objects, year as int, the status as three masks, mandatory and core as bools)."""
    years = np.unique(year)
    at = np.searchsorted(years, year)
    failing = mandatory & not_met
    missing = core & not_assessed
    of_stage = {st: stage == at_stage for at_stage, st in enumerate(STAGES)}
    counts = {st: tuple(np.bincount(at[mask & keep], minlength=len(years)) for keep in (True, ~not_assessed, met))
              for st, mask in of_stage.items()}
    blockers: dict[tuple[int, str], list[str]] = {}
    for rows, why in ((np.flatnonzero(failing), "not_met"), (np.flatnonzero(missing), "core not_assessed")):
        for k in rows.tolist():
            blockers.setdefault((int(at[k]), STAGES[stage[k]]), []).append(f"{indicator[k]} ({why})")
    return years, counts, blockers


def _status_rows(assessment: pd.DataFrame) -> list[tuple]:
    """``stage_status`` as tuples in ``STATUS_COLUMNS`` order (years, then stages in order)."""
    years, counts, blockers = _stage_groups(assessment)
    out = []
    for i, year in enumerate(years.tolist()):
        for st in STAGES:
            n, assessed, met = (int(c[i]) for c in counts[st])
            if n:
                stops = blockers.get((i, st), [])
                out.append((year, st, n, assessed, met, not stops, stops))
    return out


def stage_status(assessment: pd.DataFrame) -> pd.DataFrame:
    """Each stage in each year judged on its own indicators (the stages below ignored).

    Columns ``STATUS_COLUMNS``: ``indicators`` (how many the stage has), ``assessed`` (not
    "not assessed"), ``met``, ``own_met`` (every assessed mandatory indicator met and every core one
    assessed) and ``blocking`` (list of "indicator (reason)", as in ``stage_reached``).
    """
    return pd.DataFrame(_status_rows(assessment), columns=list(STATUS_COLUMNS))


def _object_array(values: list) -> np.ndarray:
    """``values`` as an object array (lists stay list elements), for a column kept as objects."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def stage_reached(assessment: pd.DataFrame) -> pd.DataFrame:
    """Highest stage reached each year, and what blocks the next one.

    Columns: ``year``, ``stage_reached`` (none / green / eco_industrial / zero_carbon),
    ``next_stage`` (None at the top) and ``blocking`` (list of "indicator (reason)"), then for each
    stage ``<stage>_assessed``, ``<stage>_met``, ``<stage>_indicators`` (counts of its own indicators)
    and ``<stage>_own_met`` (its own indicators pass, the stages below aside: ``stage_status``).
    """
    return _reached_frame(*_stage_groups(assessment))


def _reached_frame(years: np.ndarray, counts: dict, blockers: dict) -> pd.DataFrame:
    """``stage_reached``'s table from the stage groups (``_stage_groups``)."""
    out = []
    for i, year in enumerate(years.tolist()):
        reached, blocking, next_stage = NONE, [], None
        for stage in STAGES:
            stops = blockers.get((i, stage), [])
            if stops:
                next_stage, blocking = stage, stops
                break
            reached = stage
        out.append((year, reached, next_stage, blocking))
    columns = {"year": np.array([o[0] for o in out], dtype=np.int64),
               "stage_reached": column("stage_reached", [o[1] for o in out]),  # stage names: pandas' str
               "next_stage": _object_array([o[2] for o in out]),  # None at the top
               "blocking": _object_array([o[3] for o in out])}
    for stage in STAGES:
        n, assessed, met = counts[stage]
        own_met = (n > 0) & np.array([(i, stage) not in blockers for i in range(len(years))], dtype=bool)
        for count, values in (("assessed", assessed), ("met", met), ("indicators", n), ("own_met", own_met)):
            columns[f"{stage}_{count}"] = values.astype(bool if count == "own_met" else np.int64)
    return frame_of_arrays(columns, objects=("next_stage", "blocking"))  # built at once from its blocks, the two kept as objects

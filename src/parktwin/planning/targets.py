"""What a plan must achieve: the stage to reach by a year, net emissions ≤ 0 by a year, review
targets of the roadmap's phases, capex ceilings per phase or year, and a confidence level.

Targets come from the command line (``zero_carbon_park=2040,net_zero=2050``) or a YAML file
with a ``targets:`` block (the ``Targets`` model). ``assess_targets`` judges one run's tables
against them: for each target whether it is met, a violation ≥ 0 (0 = met; the search's
constraint, relative so targets of different units weigh alike), the slack and the first year
from which it holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from parktwin.accounting.phases import PHASES, phase_of
from parktwin.accounting.stages import STAGES
from parktwin.spec.errors import InputError, Problem
from parktwin.spec.load import problems_from, read_yaml
from parktwin.spec.park import Strict
from parktwin.spec.scenario import ReviewTarget

StageName = Literal["green", "eco_industrial", "zero_carbon"]
REVIEW_COLUMNS = {  # ReviewTarget field → (annual column, direction)
    "net_emissions_max_tco2": ("net_tco2", "max"),
    "core_indicator_max_tco2_per_tce": ("core_indicator_tco2_per_tce", "max"),
    "clean_energy_min_share": ("clean_energy_share", "min"),
    "renewable_min_share": ("renewable_share", "min"),
}
PHASE_KEYS = tuple(p.key for p in PHASES if p.number >= 1)


class Targets(Strict):
    """A plan's targets (all optional; at least one is needed)."""

    stages: dict[StageName, int] = Field(default_factory=dict, description="stage → the year from which it is reached every year")
    net_zero: int | None = Field(None, description="net emissions ≤ 0 from this year on")
    review: dict[int, ReviewTarget] = Field(default_factory=dict, description="the phases' review targets by year")
    capex_max_cny: dict[str, float] = Field(
        default_factory=dict, description="capex ceiling [CNY] per roadmap phase (diagnosis, foundation, deep_decarbonisation, "
        "optimise_neutralise) or per calendar year"
    )
    confidence: float | None = Field(None, gt=0, lt=1, description="probability the targets are met under the scenario's uncertainty")

    def names(self) -> list[str]:
        out = [f"{s}_park_{y}" for s, y in self.stages.items()]
        if self.net_zero is not None:
            out.append(f"net_zero_{self.net_zero}")
        out += [f"review_{y}_{f}" for y, t in sorted(self.review.items()) for f in REVIEW_COLUMNS if getattr(t, f) is not None]
        out += [f"capex_{k}" for k in self.capex_max_cny]
        return out

    def latest_year(self) -> int | None:
        years = list(self.stages.values()) + ([self.net_zero] if self.net_zero else []) + list(self.review)
        return max(years) if years else None


def parse_targets(text: str, scenario=None, file: str = "--targets") -> Targets:
    """``zero_carbon_park=2040,net_zero=2050,eco_industrial_park=2030,capex_foundation=2e9,confidence=0.9,review=scenario``
    or the path of a YAML file with a ``targets:`` block. ``review=scenario`` takes the scenario's review_targets."""
    text = text.strip()
    if text.endswith((".yaml", ".yml")):
        path = Path(text)
        if not path.exists():
            raise InputError([Problem(text, "", "targets file not found")])
        doc = read_yaml(path)
        raw = doc.get("targets", doc) if isinstance(doc, dict) else doc
        return _validate(raw, str(path), ["targets"] if isinstance(doc, dict) and "targets" in doc else [])
    raw: dict = {"stages": {}, "review": {}, "capex_max_cny": {}}
    problems = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep:
            problems.append(Problem(file, key, "expected key=value (e.g. zero_carbon_park=2040)"))
            continue
        stage = key.removesuffix("_park")
        try:
            if stage in STAGES:
                raw["stages"][stage] = int(value)
            elif key == "net_zero":
                raw["net_zero"] = int(value)
            elif key == "confidence":
                raw["confidence"] = float(value)
            elif key.startswith("capex_"):
                raw["capex_max_cny"][key.removeprefix("capex_")] = float(value)
            elif key == "review" and value.strip() == "scenario":
                if scenario is None or not scenario.review_targets:
                    problems.append(Problem(file, key, "review=scenario, but the scenario has no review_targets"))
                else:
                    raw["review"] = {y: t.model_dump(exclude_none=True) for y, t in scenario.review_targets.items()}
            else:
                problems.append(Problem(file, key, "unknown target: use green_park, eco_industrial_park, zero_carbon_park, net_zero, "
                                        "capex_<phase or year>, confidence or review=scenario"))
        except ValueError:
            problems.append(Problem(file, key, f"{value!r} is not a number"))
    if problems:
        raise InputError(problems)
    return _validate(raw, file, [])


def _validate(raw, file: str, prefix: list[str]) -> Targets:
    try:
        targets = Targets.model_validate(raw)
    except ValidationError as exc:
        raise InputError(problems_from(exc, lambda loc: (file, prefix + list(loc)))) from None
    if not targets.names():
        raise InputError([Problem(file, ".".join(prefix), "no targets given (e.g. zero_carbon_park=2040,net_zero=2050)")])
    bad = [k for k in targets.capex_max_cny if k not in PHASE_KEYS and not k.isdigit()]
    if bad:
        raise InputError([Problem(file, ".".join(prefix + ["capex_max_cny", k]), f"a phase ({', '.join(PHASE_KEYS)}) or a year") for k in bad])
    return targets


def check_years(targets: Targets, scenario, file: str = "--targets") -> None:
    """Every target year must lie in the scenario's simulated years."""
    years = scenario.years
    problems = [Problem(file, name, f"year {y} is outside the simulated years {years[0]}..{years[-1]}")
                for name, y in [*((s, y) for s, y in targets.stages.items()), *((("net_zero", targets.net_zero),) if targets.net_zero else ()),
                                *((f"review.{y}", y) for y in targets.review)] if not years[0] < y <= years[-1]]
    if problems:
        raise InputError(problems)


def _relative_gap(value: float, limit: float, direction: str, scale: float) -> float:
    gap = value - limit if direction == "max" else limit - value
    return max(gap, 0.0) / max(abs(limit), scale)


def _held_from(years: np.ndarray, ok: np.ndarray) -> int | None:
    """First year from which ``ok`` holds in every later year."""
    if not ok[-1]:
        return None
    bad = np.flatnonzero(~ok)
    return int(years[bad[-1] + 1]) if len(bad) else int(years[0])


def _against(r) -> str:
    """An assessment row as 'indicator value against ≤ threshold in year'."""
    return f"{r['indicator']} {r['value']:.3g} against {'≤' if r['direction'] == 'max' else '≥'} {r['threshold']:.3g} in {int(r['year'])}"


def _failing_text(failing: pd.DataFrame, missing: pd.DataFrame) -> str:
    """Each failing indicator in its first failing year: its value against its threshold; each core
    indicator not assessed, named."""
    parts = []
    for _, rows in failing.sort_values("year").groupby("indicator", sort=False):
        parts.append(_against(rows.iloc[0]) + (f" (and {len(rows) - 1} later years)" if len(rows) > 1 else ""))
    parts += [f"{indicator} not assessed (no data)" for indicator in sorted(set(missing["indicator"]))]
    return "; ".join(parts)


RANK = {s: i + 1 for i, s in enumerate(STAGES)}
"""Each stage's rank (green 1, eco-industrial 2, zero-carbon 3; a year below every stage 0)."""


@dataclass(frozen=True)
class _AssessmentRows:
    """The columns of an ``indicators`` table a stage target reads, once per run: masks as numpy
    arrays (to select a target's rows), values as Python lists (the numbers a row's ``itertuples``
    gives, so the sums keep their order and values)."""

    year: np.ndarray
    rank: np.ndarray  # the rank of each row's stage (RANK)
    mandatory: np.ndarray
    core: np.ndarray
    not_met: np.ndarray
    not_assessed: np.ndarray
    indicator: list
    value: list
    threshold: list
    direction: list

    @classmethod
    def of(cls, assessment: pd.DataFrame) -> _AssessmentRows:
        status = assessment["status"]
        return cls(assessment["year"].to_numpy(int), np.array([RANK[s] for s in assessment["stage"].tolist()], dtype=int),
                   assessment["mandatory"].to_numpy(bool), assessment["core"].to_numpy(bool), (status == "not_met").to_numpy(bool),
                   (status == "not_assessed").to_numpy(bool), assessment["indicator"].tolist(), assessment["value"].tolist(),
                   assessment["threshold"].tolist(), assessment["direction"].tolist())

    def tightest(self, picked: np.ndarray) -> dict | None:
        """The row among ``picked`` nearest its threshold (relative margin, the first of equals; NaN
        margins skipped), as ``_against`` reads it; None when there is none."""
        best, best_margin = None, None
        for i in picked:
            v, t = self.value[i], self.threshold[i]
            margin = (t - v if self.direction[i] == "max" else v - t) / max(abs(t), 0.05)
            if not math.isnan(margin) and (best_margin is None or margin < best_margin):
                best, best_margin = i, margin
        if best is None:
            return None
        return {"indicator": self.indicator[best], "value": self.value[best], "direction": self.direction[best],
                "threshold": self.threshold[best], "year": int(self.year[best])}


def assess_targets(targets: Targets, annual: pd.DataFrame, assessment: pd.DataFrame, stages: pd.DataFrame) -> dict[str, dict]:
    """Each target against one run: ``met``, ``violation`` (≥ 0, relative), ``slack`` (text),
    ``achieved`` (first year from which it holds, or None) and ``value`` (the number it judged)."""
    out: dict[str, dict] = {}
    years = annual["year"].to_numpy(int)
    base_gross = max(float(annual["gross_tco2"].iloc[0]), 1.0)
    if targets.stages:
        rows = _AssessmentRows.of(assessment)
        reached = np.array([RANK.get(s, 0) for s in stages["stage_reached"].tolist()], dtype=int)
        blocking_by_year = stages["blocking"].tolist()
    for stage, year in targets.stages.items():
        ok = reached >= RANK[stage]
        late = years >= year
        in_scope = (rows.year >= year) & (rows.rank <= RANK[stage])
        failing = np.flatnonzero(in_scope & rows.mandatory & rows.not_met)
        missing = np.flatnonzero(in_scope & rows.core & rows.not_assessed)
        gap = sum(_relative_gap(rows.value[i], rows.threshold[i], rows.direction[i], 0.05) for i in failing) + len(missing)
        n = max(int(late.sum()), 1)
        met = bool(ok[late].all())
        if not met:
            gap = max(gap, 1e-6)
        tight = ""
        if met:
            tightest = rows.tightest(np.flatnonzero(in_scope & rows.mandatory & ~rows.not_assessed))
            tight = "tightest " + _against(tightest) if tightest is not None else ""
        blocking = sorted({b for bl, blocked in zip(blocking_by_year, late & ~ok) if blocked for b in bl})
        out[f"{stage}_park_{year}"] = {
            "met": met, "violation": gap / n, "achieved": _held_from(years, ok), "value": None,
            "slack": tight if met else "blocked by " + ", ".join(blocking) + (
                f": {_failing_text(assessment.iloc[failing], assessment.iloc[missing])}" if len(failing) or len(missing) else ""),
            "blocking": blocking,
            "failing": sorted({rows.indicator[i] for i in failing} | {rows.indicator[i] for i in missing}), "kind": "stage", "year": year,
        }
    if targets.net_zero is not None:
        y = targets.net_zero
        net = annual["net_tco2"].to_numpy(float)
        worst = float(net[years >= y].max())
        out[f"net_zero_{y}"] = {
            "met": worst <= 1e-6, "violation": max(worst, 0.0) / base_gross, "achieved": _held_from(years, net <= 1e-6),
            "value": worst, "slack": f"largest net emissions from {y}: {worst:,.0f} tCO₂", "blocking": [], "kind": "net_zero", "year": y,
        }
    row_of = {int(y): i for i, y in enumerate(years)}
    for y, target in sorted(targets.review.items()):
        for field, (column, direction) in REVIEW_COLUMNS.items():
            limit = getattr(target, field)
            if limit is None:
                continue
            value = float(annual[column].iloc[row_of[y]])
            scale = base_gross if column == "net_tco2" else 0.05
            gap = _relative_gap(value, limit, direction, scale)
            out[f"review_{y}_{field}"] = {
                "met": gap <= 0, "violation": gap, "achieved": None, "value": value, "year": y,
                "slack": f"{column} {value:.4g} against {'≤' if direction == 'max' else '≥'} {limit:.4g} in {y}", "blocking": [], "kind": "review",
            }
    capex = annual["capex_cny"].to_numpy(float)
    for key, ceiling in targets.capex_max_cny.items():
        mask = years == int(key) if key.isdigit() else np.array([phase_of(int(i)).key == key for i in years - years[0]])
        spent = float(capex[mask].sum())
        out[f"capex_{key}"] = {
            "met": spent <= ceiling, "violation": max(spent - ceiling, 0.0) / max(ceiling, 1.0), "achieved": None, "value": spent,
            "slack": f"capex {spent / 1e6:,.0f} M CNY against ≤ {ceiling / 1e6:,.0f} M CNY", "blocking": [], "kind": "capex", "year": None,
        }
    return out

"""The reference results (tests/reference/headline.csv) and the figures docs/ quote from them
(tests/reference/doc_quotes.csv): reading, tolerances, and the quotes rendered and rewritten.

A quote row names a doc, a scenario and a template: literal text with ``{figure:format}`` fields,
e.g. ``to {system_npv_cny:mcny} M CNY``. The doc must contain the template rendered from the
fixture; ``apply_quotes`` (benchmarks/refresh_reference.py) rewrites the numbers in place."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "reference" / "headline.csv"
QUOTES = ROOT / "tests" / "reference" / "doc_quotes.csv"
FIELD = re.compile(r"\{([^{}:]+):([a-z0-9]+)\}")
NUMBER = r"(?:—|[-−]?[\d,]+(?:\.\d+)?)"


def tolerances(figure: str) -> tuple[float, float]:
    """(absolute, relative) tolerance of a headline figure: years exact; tCO₂ 1 t or 1e-6;
    the core indicator 1e-6 tCO₂/tce; money 1e-6 of the value. They absorb floating-point noise
    across machines (BLAS, compiled kernels), not changes of the model."""
    if figure.startswith("first year"):
        return 0.0, 0.0
    if figure.startswith("net_tco2"):
        return 1.0, 1e-6
    if figure.startswith("core_indicator"):
        return 1e-6, 0.0
    return 0.0, 1e-6


def within(value: float, reference: float, abs_tol: float, rel_tol: float) -> bool:
    if math.isnan(reference) or math.isnan(value):
        return math.isnan(reference) and math.isnan(value)
    return abs(value - reference) <= abs_tol + rel_tol * abs(reference)


def read_fixture() -> pd.DataFrame:
    return pd.read_csv(FIXTURE, keep_default_na=True)


def render(value: float, fmt: str) -> str:
    """A figure as the docs write it: ``year`` (— for never), ``t`` (12,345), ``mcny`` (M CNY,
    12,345), ``bn2`` / ``bn3`` (bn CNY to 2 or 3 decimals), ``d1`` / ``d3`` (1 or 3 decimals)."""
    if fmt == "year":
        return "—" if math.isnan(value) else f"{value:.0f}"
    scaled = {"mcny": value / 1e6, "bn2": value / 1e9, "bn3": value / 1e9}.get(fmt, value)
    spec = {"t": ",.0f", "mcny": ",.0f", "bn2": ".2f", "bn3": ".3f", "d1": ".1f", "d2": ".2f", "d3": ".3f"}[fmt]
    return f"{scaled + 0.0:{spec}}"


def quotes() -> pd.DataFrame:
    return pd.read_csv(QUOTES, dtype=str, keep_default_na=False)


def rendered(template: str, figures: dict[str, float]) -> str:
    return FIELD.sub(lambda m: render(figures[m.group(1)], m.group(2)), template)


def pattern(template: str) -> re.Pattern:
    """The template with each field as any number (to find the old text)."""
    parts = FIELD.split(template)
    literal = parts[0::3]
    return re.compile(NUMBER.join(re.escape(p) for p in literal))


def figures_of(fixture: pd.DataFrame, scenario: str) -> dict[str, float]:
    rows = fixture[fixture["scenario"] == scenario]
    return dict(zip(rows["figure"], rows["value"].astype(float)))


def apply_quotes(fixture: pd.DataFrame) -> list[Path]:
    """Rewrite every quoted figure in docs/ from ``fixture``; returns the files changed."""
    changed = []
    for doc, rows in quotes().groupby("doc"):
        path = ROOT / doc
        text = path.read_text(encoding="utf-8")
        new = text
        for q in rows.itertuples():
            found = pattern(q.template).findall(new)
            if len(found) != 1:
                raise SystemExit(f"{doc}: the quote {q.template!r} matches {len(found)} places, expected 1")
            new = pattern(q.template).sub(lambda _: rendered(q.template, figures_of(fixture, q.scenario)), new)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed

"""The one place figures are registered. A later subsystem adds its figure with ``@figure``
in its own module and lists that module in ``FIGURE_MODULES``; reports pick figures up from here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

import plotly.graph_objects as go

from parktwin.results.tables import Results

FigureBuilder = Callable[[Results, str], "go.Figure | None"]
FIGURE_MODULES = ("parktwin.viz.figures", "parktwin.viz.flows")


@dataclass(frozen=True)
class FigureSpec:
    key: str
    order: int
    title: dict[str, str]  # by language
    build: FigureBuilder  # returns None when the run has nothing to show


FIGURES: dict[str, FigureSpec] = {}


def figure(key: str, order: int, title_en: str, title_zh: str) -> Callable[[FigureBuilder], FigureBuilder]:
    """Register ``build(results, lang) -> go.Figure`` under ``key``."""

    def register(build: FigureBuilder) -> FigureBuilder:
        if key in FIGURES:
            raise ValueError(f"figure {key!r} registered twice")
        FIGURES[key] = FigureSpec(key, order, {"en": title_en, "zh": title_zh}, build)
        return build

    return register


def registered() -> list[FigureSpec]:
    """Every registered figure, in report order."""
    for module in FIGURE_MODULES:
        importlib.import_module(module)
    return sorted(FIGURES.values(), key=lambda f: f.order)

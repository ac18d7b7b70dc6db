"""The one place figures are registered. A later subsystem adds its figure with ``@figure``
in its own module and lists that module in ``FIGURE_MODULES``; reports pick figures up from here.
The Monte Carlo batch report keeps its own ``Registry`` of the same kind (viz/batch.py).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

import plotly.graph_objects as go

from parktwin.results.tables import Results

FigureBuilder = Callable[[Results, str], "go.Figure | None"]
FIGURE_MODULES = ("parktwin.viz.figures", "parktwin.viz.flows", "parktwin.viz.carriers", "parktwin.viz.money",
                  "parktwin.viz.pdca", "parktwin.viz.resources", "parktwin.viz.measured", "parktwin.viz.products")


@dataclass(frozen=True)
class FigureSpec:
    key: str
    order: int
    title: dict[str, str]  # by language
    build: Callable  # returns None when there is nothing to show


@dataclass
class Registry:
    """Figures by key, each with its report order and titles; ``modules`` are imported so that
    their ``@figure`` decorators run before the list is read."""

    modules: tuple[str, ...] = ()
    specs: dict[str, FigureSpec] = field(default_factory=dict)

    def figure(self, key: str, order: int, title_en: str, title_zh: str) -> Callable[[Callable], Callable]:
        """Register ``build(...) -> go.Figure | None`` under ``key``."""

        def register(build: Callable) -> Callable:
            if key in self.specs:
                raise ValueError(f"figure {key!r} registered twice")
            self.specs[key] = FigureSpec(key, order, {"en": title_en, "zh": title_zh}, build)
            return build

        return register

    def registered(self) -> list[FigureSpec]:
        """Every registered figure, in report order."""
        for module in self.modules:
            importlib.import_module(module)
        return sorted(self.specs.values(), key=lambda f: f.order)


RUN_FIGURES = Registry(FIGURE_MODULES)
FIGURES = RUN_FIGURES.specs
figure = RUN_FIGURES.figure  # build(results: Results, lang) -> go.Figure | None
registered = RUN_FIGURES.registered

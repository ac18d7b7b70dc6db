"""Static figures for slides: the registered figures as PNG, SVG or PDF files.

Kaleido draws them in a headless Chrome or Chromium, all in one browser session (one start-up
of ~2 s, then a fraction of a second per image). It uses the plotly.js of the installed plotly
package and no MathJax, so the export needs no network. Kaleido is the optional extra
``export`` (``pip install 'parktwin[export]'``); the browser is the system's.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from parktwin.results.tables import Results
from parktwin.viz.registry import FigureSpec, registered
from parktwin.viz.report import dress

FORMATS = ("png", "svg", "pdf", "jpeg", "webp")
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_HINT = (
    "install one (Debian/Ubuntu: `apt-get install chromium`; or Google Chrome), "
    "or point PARKTWIN_CHROMIUM at its executable"
)


class ExportError(RuntimeError):
    """The static export cannot run here (no kaleido, no browser) or a figure failed to render."""


@dataclass(frozen=True)
class Exported:
    """The files written and the time the one browser session took."""

    paths: list[Path]
    seconds: float

    @property
    def seconds_per_image(self) -> float:
        return self.seconds / max(1, len(self.paths))


def find_chromium() -> str | None:
    """A Chrome or Chromium executable: ``$PARKTWIN_CHROMIUM`` (as the browser tests use), else
    what kaleido's browser finder sees (``$BROWSER_PATH``, ``PATH``, the usual install places)."""
    given = os.environ.get("PARKTWIN_CHROMIUM")
    if given:
        return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
    try:
        # import here: choreographer costs 0.035 s after import parktwin (measured); only static figure export needs it
        from choreographer.browsers.chromium import Chromium

        found = Chromium.find_browser(skip_local=False)
    except (ImportError, AttributeError, TypeError):  # kaleido missing or its finder moved: look on PATH
        found = None
    if found:
        return str(found)
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def static_figure(spec: FigureSpec, results: Results, lang: str) -> go.Figure | None:
    """A registered figure dressed for a slide: the report's look, its title on the figure
    (the report prints it above instead), no interactive menus."""
    fig = spec.build(results, lang)
    if fig is None:
        return None
    if not fig.layout.title.text:
        fig.update_layout(title=dict(text=spec.title[lang], x=0.5, xanchor="center"))
    dress(fig, top_margin=80).update_layout(template="plotly_white")
    fig.layout.updatemenus = ()  # (update_layout(updatemenus=[]) keeps them)
    return fig


def export_figures(results: Results, folder: str | Path, formats: tuple[str, ...] | list[str] = ("png", "svg", "pdf"),
                   keys: list[str] | None = None, lang: str = "en", width: int = 1200, height: int = 600,
                   scale: float = 1.0) -> Exported:
    """Write every registered figure (or those in ``keys``) in each of ``formats`` to ``folder``
    as ``<key>-<lang>.<format>``, in one browser session.

    ``width`` and ``height`` are layout pixels; ``scale`` multiplies the PNG's pixels (2 for sharp
    slides). Raises ``ExportError`` when kaleido or a browser is missing, ``ValueError`` for an
    unknown format, key or language.
    """
    formats = [f.lower().lstrip(".") for f in formats]
    formats = ["jpeg" if f == "jpg" else f for f in formats]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"formats must be some of {list(FORMATS)} (got {unknown or formats})")
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh' (got {lang!r})")
    specs = registered()
    known = [s.key for s in specs]
    if keys is not None:
        missing = sorted(set(keys) - set(known))
        if missing:
            raise ValueError(f"no registered figure {missing}; known: {known}")
        specs = [s for s in specs if s.key in keys]
    try:
        # import here: kaleido costs 0.064 s after import parktwin (measured); only static figure export needs it
        import kaleido
    except ImportError:
        raise ExportError("the static export needs kaleido: pip install 'parktwin[export]'") from None
    browser = find_chromium()
    if browser is None:
        raise ExportError(f"the static export draws figures in a Chrome or Chromium and found none: {INSTALL_HINT}")

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    jobs, paths = [], []
    for spec in specs:
        fig = static_figure(spec, results, lang)
        if fig is None:
            continue
        for fmt in formats:
            path = folder / f"{spec.key}-{lang}.{'jpg' if fmt == 'jpeg' else fmt}"
            jobs.append({"fig": fig, "path": path, "opts": {"format": fmt, "width": width, "height": height, "scale": scale}})
            paths.append(path)
    start = time.perf_counter()
    try:
        kaleido.write_fig_from_object_sync(jobs, kopts={"path": browser, "mathjax": False}, cancel_on_error=True)
    except Exception as exc:  # kaleido raises its own types, and the browser's
        raise ExportError(f"the browser at {browser} could not draw the figures: {type(exc).__name__}: {exc}") from exc
    seconds = time.perf_counter() - start
    empty = [p for p in paths if not p.is_file() or p.stat().st_size == 0]
    if empty:
        raise ExportError(f"no image written for {[p.name for p in empty]}")
    return Exported(paths, seconds)

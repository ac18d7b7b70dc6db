"""Helpers for the headless-Chromium browser tests.

Importable as ``tests.browser.helpers`` (when the project root is on
``sys.path``, e.g. ``python -m pytest`` from the root) or relatively as
``from .helpers import ...`` from inside ``tests/browser``.

All helpers take a Selenium WebDriver (the ``browser`` fixture from
``tests/browser/conftest.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = PROJECT_ROOT / "runs" / "screenshots"

# JavaScript predicate: the document is loaded and every Plotly graph div has
# finished its (possibly asynchronous) first render.
#  * a div produced by plotly (class ``plotly-graph-div``) only gets the class
#    ``js-plotly-plot`` once ``Plotly.newPlot`` has started on it;
#  * a plot is "rendered" once plotly.js has built ``_fullLayout``/``_fullData``,
#    drawn its ``svg.main-svg`` layers and drained its queue of pending render
#    promises (``gd._promises``, emptied when newPlot/react/relayout resolve).
_RENDERED_JS = """
const minPlots = arguments[0];
if (document.readyState !== 'complete') return false;
const pending = document.querySelectorAll('.plotly-graph-div:not(.js-plotly-plot)');
if (pending.length) return false;
const plots = document.querySelectorAll('.js-plotly-plot');
if (plots.length < minPlots) return false;
for (const el of plots) {
  if (!el._fullLayout || !el._fullData) return false;
  if (!el.querySelector('svg.main-svg')) return false;
  if (el._promises && el._promises.length) return false;
  if (el._transitioning) return false;
}
return true;
"""

_SUMMARY_JS = """
function len(v) {
  if (v === undefined || v === null) return null;
  if (typeof v.length === 'number' && typeof v !== 'string') return v.length;
  return null;
}
function tracePoints(full, raw) {
  for (const t of [full, raw]) {
    if (!t) continue;
    if (t.link && len(t.link.value) !== null) return len(t.link.value);  // a Sankey: its links
    if (t.cells && t.cells.values && len(t.cells.values[0]) !== null) return len(t.cells.values[0]);  // a table: its rows
    for (const key of ['x', 'values', 'y']) {
      const n = len(t[key]);
      if (n !== null) return n;
    }
  }
  return 0;
}
function titleText(el) {
  // _fullLayout.title.text also covers titles set via a template; plotly.js
  // fills it with a placeholder ("Click to enter Plot title") when unset.
  const fl = el._fullLayout || {};
  let t = fl.title;
  if (t === undefined || t === null) t = (el.layout || {}).title;
  if (t && typeof t === 'object') t = t.text;
  if (t === undefined || t === null) return '';
  if (fl._dfltTitle && t === fl._dfltTitle.plot) return '';
  return String(t);
}
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
  const data = el.data || [];
  const full = el._fullData || [];
  const perTrace = data.map((tr, i) => tracePoints(full[i], tr));
  return {
    id: el.id || '',
    traces: data.length,
    visible: full.map(tr => tr.visible !== false),
    drawn: el.querySelectorAll('.cartesianlayer g.trace path, .cartesianlayer g.hm image, .sankey-link, .table .cell-text').length,
    points: perTrace.reduce((a, b) => a + b, 0),
    title: titleText(el),
    trace_points: perTrace,
    trace_types: data.map((tr, i) => (full[i] && full[i].type) || tr.type || 'scatter'),
  };
});
"""

_NETWORK_JS = """
return performance.getEntriesByType('resource')
  .map(e => e.name)
  .filter(n => /^https?:/i.test(n));
"""


def _wait_rendered(driver: Any, timeout: float, min_plots: int, what: str) -> None:
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.1).until(
            lambda d: d.execute_script(_RENDERED_JS, min_plots)
        )
    except TimeoutException:
        state = driver.execute_script(
            "return {ready: document.readyState,"
            " plots: document.querySelectorAll('.js-plotly-plot').length,"
            " divs: document.querySelectorAll('.plotly-graph-div').length}"
        )
        raise TimeoutException(
            f"{what}: plots not rendered within {timeout:.0f}s "
            f"(min_plots={min_plots}, state={state}, "
            f"console errors={severe_console_errors(driver)})"
        ) from None


def open_file(driver: Any, path: str | os.PathLike[str], timeout: float = 30.0,
              min_plots: int = 0) -> None:
    """Load a local HTML file via ``file://`` and wait until it is rendered.

    Waits until ``document.readyState == 'complete'`` and every Plotly div
    (``.plotly-graph-div`` / ``.js-plotly-plot``) has finished rendering;
    with ``min_plots`` also waits for at least that many plots to appear
    (useful for pages that create plots asynchronously, e.g. Dash).
    Raises ``TimeoutException`` (with the console errors) after ``timeout`` s.

    The browser console log is drained first, so ``severe_console_errors``
    afterwards only reports what this page logged.
    """
    p = Path(path).resolve()
    if not p.is_file():
        raise FileNotFoundError(p)
    driver.get_log("browser")  # drain: discard messages from earlier pages
    driver.get(p.as_uri())
    _wait_rendered(driver, timeout, min_plots, str(p))


def wait_plots_rendered(driver: Any, timeout: float = 30.0, min_plots: int = 0) -> None:
    """Wait (after an interaction) until all Plotly plots are rendered again."""
    _wait_rendered(driver, timeout, min_plots, driver.current_url)


def severe_console_errors(driver: Any) -> list[str]:
    """SEVERE browser-console messages logged since the last call / page load.

    Reading the log drains it (a second call returns only newer messages).
    Favicon fetch failures are ignored as noise.
    """
    return [
        entry.get("message", "")
        for entry in driver.get_log("browser")
        if entry.get("level") == "SEVERE" and "favicon" not in entry.get("message", "").lower()
    ]


def plot_summaries(driver: Any) -> list[dict[str, Any]]:
    """One dict per ``.js-plotly-plot`` element, in document order.

    Keys: ``id`` (str), ``traces`` (``el.data.length``), ``points`` (sum over
    traces of the length of x, else values, else y — read from the decoded
    ``el._fullData`` so base64 typed arrays count correctly), ``title``
    (layout title text, '' if none), plus ``trace_points`` (per-trace list; a Sankey
    counts its links), ``trace_types`` (per-trace plotly type), ``visible`` (per trace,
    as plotly resolved it) and ``drawn`` (SVG marks drawn in the plot area: paths and
    images of cartesian traces, Sankey links, table cells).
    """
    return driver.execute_script(_SUMMARY_JS)


def network_requests(driver: Any) -> list[str]:
    """URLs of http(s) resources the current page loaded (Resource Timing API).

    A self-contained (offline) report must return ``[]``. Note: only resources
    the browser fetched (scripts, styles, images, fonts, fetch/XHR, iframes)
    are listed; the page's own file:// URL and data: URIs are not.
    """
    return driver.execute_script(_NETWORK_JS)


def screenshot(driver: Any, name: str) -> Path:
    """Save a PNG of the viewport to ``runs/screenshots/<name>.png``; return its path.

    The folder can be overridden with ``$PARKTWIN_SCREENSHOT_DIR``.
    """
    folder = Path(os.environ.get("PARKTWIN_SCREENSHOT_DIR", SCREENSHOT_DIR))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if not driver.save_screenshot(str(path)):
        raise RuntimeError(f"screenshot {path} could not be written")
    return path


def _item_label(item: Any) -> tuple[str, str]:
    text = item.find_element(By.CSS_SELECTOR, "text.updatemenu-item-text")
    return (
        (text.get_attribute("data-unformatted") or "").strip(),
        (text.get_attribute("textContent") or "").strip(),
    )


def click_updatemenu_item(driver: Any, plot_id: str, label: str, menu_index: int = 0,
                          timeout: float = 10.0) -> None:
    """Really click (Selenium mouse click in the SVG) an item of a Plotly
    ``layout.updatemenus`` menu, then wait for the plot to re-render.

    ``menu_index`` counts the *visible* menus of plot ``plot_id``. ``label``
    is matched against the button label (raw or as rendered text).

    plotly.js 3 DOM: every menu is a ``g.updatemenu-header-group``.
      * ``type="buttons"``: the buttons are ``g.updatemenu-button`` inside it;
      * ``type="dropdown"``: it holds the ``g.updatemenu-header`` (click to
        open); the open list is drawn as ``g.updatemenu-dropdown-button``
        items in the shared ``g.updatemenu-dropdown-button-group``.
    """
    plot = driver.find_element(By.ID, plot_id)
    menus = plot.find_elements(By.CSS_SELECTOR, "g.updatemenu-container g.updatemenu-header-group")
    if len(menus) <= menu_index:
        raise LookupError(f"{plot_id}: no updatemenu #{menu_index} (found {len(menus)})")
    menu = menus[menu_index]

    buttons = menu.find_elements(By.CSS_SELECTOR, "g.updatemenu-button")
    if buttons:  # type="buttons": all buttons are always drawn
        candidates = lambda: buttons  # noqa: E731
    else:  # type="dropdown": open it first
        menu.find_element(By.CSS_SELECTOR, "g.updatemenu-header").click()
        candidates = lambda: plot.find_elements(  # noqa: E731
            By.CSS_SELECTOR, "g.updatemenu-dropdown-button-group g.updatemenu-dropdown-button"
        )

    seen: list[tuple[str, str]] = []

    def _find(_d: Any) -> Any:
        seen.clear()
        for item in candidates():
            labels = _item_label(item)
            seen.append(labels)
            if label in labels and item.is_displayed():
                return item
        return False

    try:
        item = WebDriverWait(driver, timeout, poll_frequency=0.1).until(_find)
    except TimeoutException:
        raise LookupError(
            f"{plot_id}: updatemenu #{menu_index} item {label!r} not found; items: {seen}"
        ) from None
    item.click()
    wait_plots_rendered(driver, timeout)


def axis_range(driver: Any, plot_id: str, axis: str = "xaxis") -> list[Any]:
    """The current rendered range of ``axis`` (``el._fullLayout[axis].range``)."""
    return driver.execute_script(
        "const el = document.getElementById(arguments[0]);"
        "return el._fullLayout[arguments[1]].range.slice();",
        plot_id,
        axis,
    )

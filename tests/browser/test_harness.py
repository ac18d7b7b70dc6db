"""Self-tests of the headless-Chromium harness (tests/browser/helpers.py).

Every page is generated here in tmp_path with plotly's own HTML writer
(include_plotlyjs=True: plotly.js is inlined, so the pages are offline).
"""

from __future__ import annotations

import struct
from pathlib import Path

import plotly.graph_objects as go
import pytest

from .helpers import (
    axis_range,
    click_updatemenu_item,
    network_requests,
    open_file,
    plot_summaries,
    screenshot,
    severe_console_errors,
)

pytestmark = pytest.mark.browser


def _two_figure_page(path: Path) -> Path:
    line = go.Figure(
        [
            go.Scatter(x=list(range(10)), y=[i * i for i in range(10)], name="a"),
            go.Scatter(x=list(range(10)), y=list(range(10)), name="b"),
        ],
        layout={"title": {"text": "Lines"}},
    )
    pie = go.Figure(go.Pie(labels=["pv", "wind", "grid"], values=[3, 2, 5]),
                    layout={"title": {"text": "Mix"}})
    body = (
        line.to_html(full_html=False, include_plotlyjs=True, div_id="fig-lines")
        + pie.to_html(full_html=False, include_plotlyjs=False, div_id="fig-mix")
    )
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>two</title>"
                    f"</head><body>{body}</body></html>", encoding="utf-8")
    return path


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def test_two_figures_render_offline(browser, tmp_path):
    page = _two_figure_page(tmp_path / "two.html")
    open_file(browser, page, min_plots=2)

    summaries = plot_summaries(browser)
    assert [s["id"] for s in summaries] == ["fig-lines", "fig-mix"]
    lines, mix = summaries
    assert (lines["traces"], lines["points"], lines["title"]) == (2, 20, "Lines")
    assert lines["trace_points"] == [10, 10]
    assert (mix["traces"], mix["points"], mix["title"]) == (1, 3, "Mix")
    assert mix["trace_types"] == ["pie"]

    assert severe_console_errors(browser) == []
    assert network_requests(browser) == []


def test_write_html_typed_arrays_counted(browser, tmp_path):
    # plotly>=6 serialises numpy arrays as base64 typed arrays; points must
    # still be counted from the decoded data.
    np = pytest.importorskip("numpy")
    fig = go.Figure(go.Scatter(x=np.arange(500), y=np.random.default_rng(0).random(500)))
    page = tmp_path / "typed.html"
    fig.write_html(page, include_plotlyjs=True)
    open_file(browser, page, min_plots=1)
    (summary,) = plot_summaries(browser)
    assert (summary["traces"], summary["points"], summary["title"]) == (1, 500, "")
    assert severe_console_errors(browser) == []
    assert network_requests(browser) == []


def test_broken_javascript_is_reported(browser, tmp_path):
    page = _two_figure_page(tmp_path / "broken.html")
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", "<script>throw new Error('boom')</script></body>"),
                    encoding="utf-8")
    open_file(browser, page, min_plots=2)
    errors = severe_console_errors(browser)
    assert any("boom" in e for e in errors), errors
    # the log is drained by reading it, and by the next open_file
    assert severe_console_errors(browser) == []


def test_network_request_is_detected(browser, tmp_path):
    # The offline check must be able to fail: a page referencing an http
    # resource shows up (the fetch fails here -- no network -- but a
    # resource-timing entry is still recorded).
    page = tmp_path / "online.html"
    page.write_text("<!doctype html><html><body>"
                    "<img src='http://127.0.0.1:9/pixel.png'></body></html>",
                    encoding="utf-8")
    open_file(browser, page)
    assert network_requests(browser) == ["http://127.0.0.1:9/pixel.png"]
    severe_console_errors(browser)  # drain the expected load failure


def test_updatemenu_dropdown_click_changes_xaxis_range(browser, tmp_path):
    weeks = [("Week 1", [0, 7]), ("Week 2", [7, 14]), ("Week 3", [14, 21])]
    fig = go.Figure(go.Scatter(x=list(range(21)), y=[(i * 7) % 5 for i in range(21)]))
    fig.update_layout(
        title={"text": "Week selector"},
        xaxis={"range": weeks[0][1]},
        updatemenus=[{
            "type": "dropdown",
            "active": 0,
            "x": 1.0, "y": 1.15,
            "buttons": [
                {"label": label, "method": "relayout", "args": [{"xaxis.range": rng}]}
                for label, rng in weeks
            ],
        }],
    )
    page = tmp_path / "menu.html"
    fig.write_html(page, include_plotlyjs=True, div_id="fig-week")
    open_file(browser, page, min_plots=1)
    assert axis_range(browser, "fig-week") == pytest.approx([0, 7])

    click_updatemenu_item(browser, "fig-week", "Week 2")  # a real Selenium click in the SVG
    assert axis_range(browser, "fig-week") == pytest.approx([7, 14])
    assert browser.execute_script(
        "return document.getElementById('fig-week')._fullLayout.updatemenus[0].active") == 1

    click_updatemenu_item(browser, "fig-week", "Week 3")
    assert axis_range(browser, "fig-week") == pytest.approx([14, 21])
    assert severe_console_errors(browser) == []
    assert network_requests(browser) == []


def test_screenshot_is_a_real_png(browser, tmp_path):
    open_file(browser, _two_figure_page(tmp_path / "shot.html"), min_plots=2)
    path = screenshot(browser, "harness_two_figures")
    assert path == Path(path).resolve()
    assert path.parent.parts[-2:] == ("runs", "screenshots")
    assert path.is_file() and path.stat().st_size > 5 * 1024
    width, height = _png_size(path)
    assert width >= 1000 and height >= 600, (width, height)


def test_updatemenu_buttons_click(browser, tmp_path):
    # type="buttons" menus are drawn differently from dropdowns; same helper.
    fig = go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 2, 3]))
    fig.update_layout(updatemenus=[{
        "type": "buttons",
        "buttons": [
            {"label": "All", "method": "relayout", "args": [{"yaxis.range": [0, 3]}]},
            {"label": "Zoom", "method": "relayout", "args": [{"yaxis.range": [1, 2]}]},
        ],
    }])
    page = tmp_path / "buttons.html"
    fig.write_html(page, include_plotlyjs=True, div_id="fig-buttons")
    open_file(browser, page, min_plots=1)
    click_updatemenu_item(browser, "fig-buttons", "Zoom")
    assert axis_range(browser, "fig-buttons", "yaxis") == pytest.approx([1, 2])
    with pytest.raises(LookupError, match="'Nope' not found"):
        click_updatemenu_item(browser, "fig-buttons", "Nope", timeout=1)
    assert severe_console_errors(browser) == []


def test_cdn_report_is_not_offline(browser, tmp_path):
    # The regression the offline check exists for: a report written with
    # include_plotlyjs="cdn". Without network plotly.js never loads, so the
    # plot cannot render (TimeoutException); with network it renders but the
    # CDN request is listed. Either way network_requests() is non-empty.
    from selenium.common.exceptions import TimeoutException

    page = tmp_path / "cdn.html"
    go.Figure(go.Scatter(x=[1, 2], y=[3, 4])).write_html(page, include_plotlyjs="cdn")
    try:
        open_file(browser, page, timeout=5)
    except TimeoutException as exc:
        assert "plots not rendered" in str(exc)
    requests = network_requests(browser)
    assert requests and all("cdn.plot.ly" in url for url in requests), requests
    severe_console_errors(browser)  # drain the expected load failure

"""The run report (parktwin.viz.report) opened in headless Chromium.

A small run (2025–2031, hourly output for 2025 and 2030, PV from 2027, a battery from 2028)
is stored with ``parktwin.save`` and its report.html opened from disk: it must render every
figure with the run's data, offline, without console errors, and its week selector must move
the dispatch figure's date axis.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import parktwin
from builders import write_tiny_scenario
from parktwin.results.tables import Results
from parktwin.viz.registry import registered
from parktwin.viz.report import write_report

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



def expected_figures(results: Results, lang: str) -> tuple[str, ...]:
    """The div ids of every registered figure whose builder draws something for this run."""
    return tuple(f"fig-{spec.key}" for spec in registered() if spec.build(results, lang) is not None)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Results:
    return parktwin.run(write_tiny_scenario(tmp_path_factory.mktemp("tiny")), seed=0)


@pytest.fixture(scope="module")
def run_dir(results, tmp_path_factory) -> Path:
    return parktwin.save(results, tmp_path_factory.mktemp("runs"))


def _summaries(browser) -> dict[str, dict]:
    return {s["id"]: s for s in plot_summaries(browser)}


def _days(rng: list) -> tuple[pd.Timestamp, pd.Timestamp]:
    first, end = (pd.Timestamp(v) for v in rng)
    return first, end


def _check_rendered(browser, results: Results, lang: str = "en") -> dict[str, dict]:
    assert severe_console_errors(browser) == []
    assert network_requests(browser) == []
    plots = _summaries(browser)
    expected = expected_figures(results, lang)
    assert set(expected) == set(plots), sorted(plots)
    for key in expected:
        assert plots[key]["traces"] > 0 and plots[key]["points"] > 0 and plots[key]["drawn"] > 0, plots[key]
    n_years = len(results.annual)
    emissions = plots["fig-emissions"]
    assert emissions["traces"] == 6
    assert emissions["trace_points"] == [n_years] * 6
    mix = plots["fig-energy_mix"]
    assert mix["trace_points"] == [n_years] * mix["traces"]
    assert plots["fig-indicators"]["trace_points"] == [n_years] * plots["fig-indicators"]["traces"]
    dispatch = plots["fig-dispatch_week"]
    assert dispatch["traces"] == 8
    assert dispatch["trace_points"] == [8760] * 8
    assert "2030" in dispatch["title"]
    return plots


def _show_dispatch(browser) -> None:
    """Scroll the dispatch figure into view and wait until its week list is folded away."""
    browser.execute_script("document.getElementById('fig-dispatch_week').scrollIntoView({block: 'center'})")
    WebDriverWait(browser, 10, poll_frequency=0.1).until(lambda d: d.execute_script(
        "return document.querySelectorAll('#fig-dispatch_week g.updatemenu-dropdown-button').length === 0"))


def test_report_renders_offline(browser, results, run_dir):
    report = run_dir / "report.html"
    assert report.is_file()
    open_file(browser, report, min_plots=len(expected_figures(results, "en")))
    _check_rendered(browser, results)
    # the page's own text: the key figures and the section titles
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Net emissions 2031" in body
    assert "A week of hourly dispatch" in body
    # the written summary sits above the figures and says the run is short of net zero
    summary = browser.find_element(By.ID, "summary")
    assert summary.location["y"] < browser.find_element(By.ID, "sec-stages").location["y"]
    assert "does not reach net zero by 2031" in summary.text
    # the key figures carry the private cost beside the system cost
    assert "Pathway system cost (NPV)" in body and "Private cost, parties’ own rates (NPV)" in body
    # the contents: a click on a group jumps there (the page scrolls its heading to the top)
    browser.execute_script("window.scrollTo(0, 0)")
    browser.find_element(By.CSS_SELECTOR, '#toc a[href="#grp-money"]').click()
    WebDriverWait(browser, 10, poll_frequency=0.1).until(lambda d: d.execute_script(
        "return Math.abs(document.getElementById('grp-money').getBoundingClientRect().top) < 2"))
    assert browser.current_url.endswith("#grp-money")
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "report_top")
    _show_dispatch(browser)
    screenshot(browser, "report_dispatch")
    assert severe_console_errors(browser) == []


def test_dispatch_week_selector_moves_the_date_axis(browser, results, run_dir):
    open_file(browser, run_dir / "report.html", min_plots=len(expected_figures(results, "en")))
    first, end = _days(axis_range(browser, "fig-dispatch_week"))
    # default: the week holding 15 July 2030 (week 28, from Tuesday 9 July)
    assert (first, end) == (pd.Timestamp("2030-07-09"), pd.Timestamp("2030-07-16"))
    # the rendered axis shows dates: one tick a day, weekday and month
    ticks = browser.execute_script(
        "return Array.from(document.querySelectorAll('#fig-dispatch_week .xtick text'))"
        ".map(t => t.textContent)")
    assert "Tue 9 Jul" in ticks and "Mon 15 Jul" in ticks, ticks

    _show_dispatch(browser)
    # (plotly scrolls the open list to the active week: pick weeks after it, they are on screen)
    for label, weeks in (("Week 30 (07-23)", 2), ("Week 33 (08-13)", 5)):
        click_updatemenu_item(browser, "fig-dispatch_week", label)
        moved = _days(axis_range(browser, "fig-dispatch_week"))
        assert moved == (first + pd.Timedelta(weeks=weeks), end + pd.Timedelta(weeks=weeks)), label
        header = browser.find_element(By.CSS_SELECTOR, "#fig-dispatch_week g.updatemenu-header text").text
        assert header == label
    assert severe_console_errors(browser) == []


def test_report_zh_renders(browser, results, tmp_path):
    page = write_report(results, tmp_path / "report_zh.html", "zh")
    open_file(browser, page, min_plots=len(expected_figures(results, "zh")))
    plots = _check_rendered(browser, results, "zh")
    assert "2030年" in plots["fig-dispatch_week"]["title"]
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "单位能耗碳排放" in body and "一周逐时调度" in body
    assert "仍未实现净零排放" in browser.find_element(By.ID, "summary").text
    _show_dispatch(browser)
    click_updatemenu_item(browser, "fig-dispatch_week", "第30周 (07-23)")
    first, end = _days(axis_range(browser, "fig-dispatch_week"))
    assert (first, end) == (pd.Timestamp("2030-07-23"), pd.Timestamp("2030-07-30"))
    assert severe_console_errors(browser) == []
    _show_dispatch(browser)
    screenshot(browser, "report_dispatch_zh")

"""The scenario comparison page (parktwin.viz.compare) opened in headless Chromium.

Two small pathways on the tiny park (tests/test_compare_page.py): every chart must be drawn with
one trace per pathway and a point per year, offline and without console errors, and the
milestone table must show the years the runs' tables give.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

import parktwin
from builders import write_tiny_scenario
from parktwin.viz.compare import write_comparison
from test_compare_page import OFFSET_YAML

from .helpers import network_requests, open_file, plot_summaries, screenshot, severe_console_errors

pytestmark = pytest.mark.browser

EXPECTED = ("fig-net", "fig-core", "fig-clean", "fig-capex", "fig-npv")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cmp")
    offset = folder / "offset.yaml"
    tiny = write_tiny_scenario(folder)
    offset.write_text(OFFSET_YAML, encoding="utf-8")
    return [parktwin.run(tiny, seed=0), parktwin.run(offset, seed=0)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_comparison_page_renders_offline(browser, runs, lang, tmp_path):
    page = write_comparison(runs, tmp_path / f"compare_{lang}.html", lang)
    open_file(browser, page, min_plots=len(EXPECTED))
    assert severe_console_errors(browser) == []
    assert network_requests(browser) == []
    plots = {p["id"]: p for p in plot_summaries(browser)}
    assert set(EXPECTED) <= set(plots), sorted(plots)
    years = len(runs[0].annual)  # 2025–2031
    for key in ("fig-net", "fig-capex", "fig-clean"):
        assert plots[key]["trace_points"][:2] == [years, years], (key, plots[key])
    core = plots["fig-core"]
    assert core["trace_points"] == [years, years, years]  # two pathways and the one threshold they share
    npv = plots["fig-npv"]
    # a bar per pathway for the system cost and one for the private cost (both runs have cash flows)
    assert npv["trace_types"] == ["bar", "bar"] and npv["points"] == 4
    drawn = browser.execute_script("return document.querySelectorAll('#fig-npv g.trace.bars path').length")
    assert drawn == 4
    # the milestone table: a row per pathway; net zero in 2028 for the offset pathway only
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in browser.find_elements(By.CSS_SELECTOR, "#milestones tbody tr")]
    assert [r[0] for r in rows[:2]] == ["tiny", "tiny_offset"]
    assert len(rows) == 3 and "tiny_offset" in rows[2][0] and "tiny" in rows[2][0]  # the difference against the first
    never = "not reached" if lang == "en" else "未达到"
    assert rows[0][4] == never and rows[1][4] == "2028"
    body = browser.find_element(By.TAG_NAME, "body").text
    assert ("Pathways compared" if lang == "en" else "转型路径比较") in body
    screenshot(browser, f"compare_{lang}")
    assert severe_console_errors(browser) == []


# --------------------------------------------------------------------------- Monte Carlo batches side by side

BATCH_EXPECTED = ("fig-fan_net", "fig-p_net_zero", "fig-p_core", "fig-cost")


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    from test_compare_page import make_batches

    return make_batches(tmp_path_factory.mktemp("mc_cmp"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_batch_comparison_page_renders_offline(browser, batches, lang, tmp_path):
    from parktwin.viz.batch_compare import write_batch_comparison

    page = write_batch_comparison(batches, tmp_path / f"compare_mc_{lang}.html", lang)
    open_file(browser, page, min_plots=len(BATCH_EXPECTED))
    assert severe_console_errors(browser) == []
    assert network_requests(browser) == []
    plots = {p["id"]: p for p in plot_summaries(browser)}
    assert set(plots) == set(BATCH_EXPECTED), sorted(plots)
    years, runs = 4, batches[0].runs  # 2025–2028; replicates per batch
    # a band (P90 there, P10 back) and a median per pathway
    assert plots["fig-fan_net"]["trace_points"] == [2 * years, years] * 2
    for key in ("fig-p_net_zero", "fig-p_core"):
        assert plots[key]["trace_points"] == [years, years], key
    cost = plots["fig-cost"]
    assert set(cost["trace_types"]) == {"box"} and cost["trace_points"] == [runs] * 4  # 2 pathways × system, private
    for key in BATCH_EXPECTED:
        assert plots[key]["drawn"] > 0, key
    rows = [[td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")]
            for tr in browser.find_elements(By.CSS_SELECTOR, "#glance tbody tr")]
    assert [r[0] for r in rows] == ["plan_a", "plan_b"]
    body = browser.find_element(By.TAG_NAME, "body").text
    assert ("Pathways compared under uncertainty" if lang == "en" else "不确定性下的转型路径比较") in body
    screenshot(browser, f"compare_mc_{lang}")
    assert severe_console_errors(browser) == []

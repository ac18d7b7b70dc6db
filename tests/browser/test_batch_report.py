"""The batch report (parktwin.viz.batch) opened in headless Chromium.

A small batch (the small park, 2025–2028, 48 LHS replicates, run serially) is stored with
``run_batch``; its batch_report.html must render the fan charts, probability curves,
sensitivity bars and cost histogram with the batch's data, offline and without console errors.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import SMALL_PARK, SMALL_SCENARIO, write_yaml
from selenium.webdriver.common.by import By

from parktwin.experiments import run_batch

from .helpers import network_requests, open_file, plot_summaries, screenshot, severe_console_errors

pytestmark = pytest.mark.browser

EXPECTED = ("fig-fan_net", "fig-fan_core", "fig-probabilities", "fig-sensitivity", "fig-cost")
UNCERTAINTY = {
    "growth": {"path": "growth.default_share_per_yr", "dist": "triangular", "low": 0.0, "mode": 0.03, "high": 0.06,
               "note": "flat to fast"},
    "green": {"path": "roadmap.gp.share", "dist": "uniform", "low": 0.2, "high": 0.8, "note": "contracts available"},
    "pv_roof": {"path": "roadmap.pv1.roof_share", "dist": "uniform", "low": 0.3, "high": 0.9, "rank_correlation": {"growth": 0.4}},
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    scenario = copy.deepcopy(SMALL_SCENARIO)
    scenario["uncertainty"] = copy.deepcopy(UNCERTAINTY)
    write_yaml(folder / "park.yaml", SMALL_PARK)
    path = write_yaml(folder / "scenario.yaml", scenario)
    return run_batch(path, n=48, seed=2, executor="serial", out=folder / "runs")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_batch_report_renders_offline(browser, batch, lang, tmp_path):
    page = batch.report_path if lang == "en" else batch.report(tmp_path / "batch_report_zh.html", lang="zh")
    assert Path(page).is_file()
    open_file(browser, page, min_plots=len(EXPECTED))
    assert severe_console_errors(browser) == []
    assert network_requests(browser) == []
    plots = {p["id"]: p for p in plot_summaries(browser)}
    assert set(EXPECTED) <= set(plots), sorted(plots)
    years = 4
    fan = plots["fig-fan_net"]
    assert fan["trace_points"][:2] == [2 * years, years]  # band (there and back), median
    core = plots["fig-fan_core"]
    assert core["traces"] == 3 and core["trace_points"] == [2 * years, years, years]  # band, median, threshold
    probs = plots["fig-probabilities"]
    assert probs["traces"] >= 6 and set(probs["trace_points"]) == {years}
    sens = plots["fig-sensitivity"]
    # a panel per summary output: last-year net emissions, system cost and private cost (experiments.summary.outputs)
    assert list(batch.summary().outputs.columns) == ["net_tco2_2028", "pathway_cost_cny", "private_cost_cny"]
    assert sens["traces"] == 3 and sens["trace_points"] == [len(UNCERTAINTY)] * 3
    assert set(sens["trace_types"]) == {"bar"}
    # the bars are drawn with the batch's indices
    drawn = browser.execute_script(
        "return document.querySelectorAll('#fig-sensitivity g.trace.bars path').length")
    assert drawn >= 3 * len(UNCERTAINTY) - 1  # a zero-length bar may draw no path
    cost = plots["fig-cost"]
    assert cost["trace_types"] == ["histogram"] and cost["points"] == 48
    body = browser.find_element(By.TAG_NAME, "body").text
    if lang == "en":
        assert "Net emissions: P10–P90 band and median" in body and "Uncertain inputs" in body
        assert "contracts available" in body  # the notes of the inputs
        assert "Net emissions 2028" in body and "Private cost (NPV)" in body  # the sensitivity panels, named for people
    else:
        assert "净排放" in body and "不确定输入" in body
        assert "2028年净排放" in body and "主体自身成本现值" in body
    screenshot(browser, f"batch_report_{lang}")
    assert severe_console_errors(browser) == []

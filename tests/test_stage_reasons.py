"""Stages say how many of their indicators were assessed, met and which one blocks them.

A one-firm park that runs on green electricity only from 2026 (the base year is the diagnosis) (core indicator 0 tCO₂/tce, 发改环资〔2025〕910号
threshold ≤ 0.2) but reuses 70 % of its water (zero-carbon guiding value ≥ 80 %, eco-industrial
≥ 75 %, data/stage_indicators.csv): the summary must name the water indicator as what blocks it.
"""

from __future__ import annotations

import re

import pytest

from builders import scenario
from parktwin import run
from parktwin.accounting.stages import stage_status
from parktwin.viz.report import key_figures
from parktwin.viz.summary import summary_paragraphs

FIRM = {
    "id": "works", "name": "Works", "sector": "electronics", "value_added_mcny": 100.0,
    "energy": {"electricity_mwh": 10000.0}, "roof_area_m2": 10000.0, "shift_pattern": "continuous",
    # water reuse 70 % = 7,000 / (7,000 + 3,000); solid waste and waste heat well above their thresholds
    "water": {"fresh_water_m3": 3000.0, "reused_water_m3": 7000.0},
    "solid_waste": {"generated_t": 100.0, "utilised_t": 95.0},
    "waste_heat": {"available_gj": 100.0, "recovered_gj": 90.0},
}


@pytest.fixture(scope="module")
def water_short():
    sc = scenario(park={"enterprises": [FIRM], "fleets": []},
                  roadmap=[{"id": "green", "kind": "green_power", "year": 2026, "share": 1.0}])
    return run(sc, seed=0)


def test_core_met_water_short(water_short):
    a = water_short.annual.set_index("year")
    assert a.loc[2027, "core_indicator_tco2_per_tce"] == pytest.approx(0.0, abs=1e-9)
    assert a.loc[2027, "core_met"]
    assert a.loc[2027, "industrial_water_reuse_share"] == pytest.approx(0.7, rel=1e-9)
    status = stage_status(water_short.assessment()).set_index(["year", "stage"]).loc[(2027, "zero_carbon")]
    assert not status["own_met"]
    assert status["blocking"] == ["zc_water_reuse (not_met)"]
    # the stages table carries the counts
    # (7 zero-carbon indicators; the product-energy one has no data; of the 6 assessed all but water reuse
    # pass; the eco-industrial stage's water reuse ≥ 75 % fails too, so the ladder stops at green)
    st = water_short.stage_table().set_index("year").loc[2027]
    assert (st["zero_carbon_indicators"], st["zero_carbon_assessed"], st["zero_carbon_met"]) == (7, 6, 5)
    assert st["stage_reached"] == "green" and st["blocking"] == ["eco_water_reuse (not_met)"]


@pytest.mark.parametrize("lang,name", [("en", "industrial water reuse rate"), ("zh", "工业用水重复利用率")])
def test_summary_names_the_water_indicator(water_short, lang, name):
    text = re.sub("<[^>]+>", "", " ".join(summary_paragraphs(water_short, lang)))
    zero = "Zero-carbon park" if lang == "en" else "零碳园区"
    own = re.search(re.escape(zero) + r"[^;；]*", text.split("Each stage on its own" if lang == "en" else "各阶段自身指标")[1]).group(0)
    assert name in own, own
    assert ("blocked by" in own) if lang == "en" else ("受制于" in own)
    # and the summary says the zero-carbon park is an intensity threshold, not net zero
    assert ("not net zero" in text) if lang == "en" else ("并非净零" in text)


def test_key_figure_card_gives_the_reason(water_short):
    value, label = key_figures(water_short, "en")[5]
    assert value == "not reached"
    assert label == ("First year as a zero-carbon park — 2027: blocked by industrial water reuse rate "
                     "(1 of the eco-industrial park's 8 indicators not passed)")
    value, label = key_figures(water_short, "zh")[5]
    assert value == "未达到" and "工业用水重复利用率" in label

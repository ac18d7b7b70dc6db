"""Stage indicators (data/stage_indicators.csv) and stage judgement against hand computations.

The hand-built annual table below is a park of 300,000 tce/yr (so the core threshold is 0.2,
发改环资〔2025〕910号: ≤0.2 tCO₂/tce for 20–100万 tce/yr). Thresholds are the rows of
stage_indicators.csv: HJ 274-2015 values are the seed report's (≤0.5 tce/万元, ≥6 chains, ≥70 %
solid waste, ≥20 % reclaimed water, ≥75 % water reuse); the 910号 guiding indicators are ≥90 %
clean energy, ≥80 % solid waste, ≥50 % waste heat, ≥80 % water reuse, products at grade 2.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from parktwin.accounting.stages import (
    STAGES,
    assess,
    core_indicators,
    indicators,
    stage_reached,
)
from parktwin.data import TABLES, table


def annual(**over) -> pd.DataFrame:
    base = {
        "year": [2025, 2026],
        "energy_tce": [300_000.0, 280_000.0],
        "value_added_mcny": [10_000.0, 11_000.0],     # 1,000,000 and 1,100,000 万元
        "gross_tco2": [600_000.0, 40_000.0],
        "net_tco2": [590_000.0, -1_000.0],
        "core_indicator_tco2_per_tce": [2.0, 0.15],
        "core_threshold_tco2_per_tce": [0.2, 0.2],
        "clean_energy_share": [0.30, 0.95],
        "renewable_share": [0.20, 0.85],
        "energy_per_value_added_tce_per_10k_cny": [0.30, 280_000.0 / 1_100_000.0],
    }
    base.update(over)
    return pd.DataFrame(base)


ALL_DATA = {  # what a run does not compute, given for 2026 only (2025 missing → not assessed)
    "new_eco_chain_projects": pd.Series({2026: 8}),
    "industrial_solid_waste_use_share": pd.Series({2026: 0.85}),
    "reclaimed_water_reuse_share": pd.Series({2026: 0.35}),
    "industrial_water_reuse_share": pd.Series({2026: 0.90}),
    "waste_heat_cold_pressure_use_share": pd.Series({2026: 0.60}),
    "products_at_grade2_share": pd.Series({2026: 1.0}),
}


def row(a: pd.DataFrame, year: int, indicator: str) -> pd.Series:
    hit = a[(a["year"] == year) & (a["indicator"] == indicator)]
    assert len(hit) == 1, indicator
    return hit.iloc[0]


def test_table_is_registered_and_well_formed():
    assert "stage_indicators" in TABLES and "symbiosis_factors" in TABLES
    df = indicators()
    assert df["id"].is_unique
    assert set(df["stage"]) == set(STAGES)
    # unverified ⇔ no threshold; HJ 274 values are marked as the seed report's
    assert (df["threshold_status"].eq("unverified") == df["threshold"].isna()).all()
    assert set(df.loc[df["stage"] == "eco_industrial", "threshold_status"]) <= {"seed_report", "unverified"}
    assert set(df.loc[df["stage"] == "green", "threshold_status"]) - {"published"} == {"unverified"}
    assert core_indicators() == {"green": ["green_carbon_intensity_change"],
                                 "eco_industrial": ["eco_energy_per_value_added"],
                                 "zero_carbon": ["zc_core_indicator"]}
    zc = df[df["stage"] == "zero_carbon"].set_index("id")
    assert zc.loc["zc_core_indicator", "threshold"] == 0.2 and zc.loc["zc_clean_energy_share", "threshold"] == 0.9
    assert zc.loc["zc_solid_waste_use", "threshold"] == 0.8 and zc.loc["zc_waste_heat_use", "threshold"] == 0.5
    assert zc.loc["zc_water_reuse", "threshold"] == 0.8


def test_values_equal_hand_computation_and_classification():
    a = assess(annual(), ALL_DATA)
    # energy productivity 2025: 10,000 Mcny × 100 = 1,000,000 万元 / 300,000 tce = 3.333 万元/tce (no threshold)
    r = row(a, 2025, "green_energy_productivity")
    assert r["value"] == pytest.approx(1_000_000 / 300_000) and r["status"] == "not_assessed" and r["met"] is None
    assert r["reason"] == "threshold unverified"
    # carbon intensity: 2025 600,000/1,000,000 = 0.6; 2026 40,000/1,100,000 = 0.03636 → change −0.56364 ≤ 0: met
    r = row(a, 2026, "green_carbon_intensity_change")
    assert r["value"] == pytest.approx(40_000 / 1_100_000 - 0.6) and r["status"] == "met" and r["met"] is True
    assert row(a, 2025, "green_carbon_intensity_change")["status"] == "not_assessed"
    # energy per value added: 2025 0.30 ≤ 0.5 met; 2026 280,000/1,100,000 = 0.2545 met
    assert row(a, 2026, "eco_energy_per_value_added")["value"] == pytest.approx(0.254545, rel=1e-5)
    assert row(a, 2025, "eco_energy_per_value_added")["status"] == "met"
    # core 2025: 2.0 > 0.2 not met; 2026: 0.15 ≤ 0.2 met
    r = row(a, 2025, "zc_core_indicator")
    assert r["value"] == 2.0 and r["threshold"] == 0.2 and r["status"] == "not_met" and r["met"] is False
    assert row(a, 2026, "zc_core_indicator")["status"] == "met"
    # clean energy 0.30 < 0.9 not met; 0.95 met
    assert row(a, 2025, "zc_clean_energy_share")["status"] == "not_met"
    assert row(a, 2026, "zc_clean_energy_share")["status"] == "met"
    # extra data: 8 ≥ 6, 0.85 ≥ 0.7 and ≥ 0.8, 0.35 ≥ 0.2, 0.90 ≥ 0.75 and ≥ 0.8, 0.60 ≥ 0.5, 1.0 ≥ 1.0
    for ind in ("eco_new_symbiosis_chains", "eco_solid_waste_use", "eco_reclaimed_water", "eco_water_reuse",
                "zc_solid_waste_use", "zc_waste_heat_use", "zc_water_reuse", "zc_product_energy_grade2"):
        assert row(a, 2026, ind)["status"] == "met", ind
        assert row(a, 2025, ind)["status"] == "not_assessed", ind   # no data for 2025: never a guess
        assert row(a, 2025, ind)["met"] is None
    # unverified thresholds stay not assessed even when the value exists
    r = row(a, 2026, "eco_renewable_share")
    assert r["value"] == 0.85 and r["status"] == "not_assessed"
    # net emissions −1,000 ≤ 0: met, but not mandatory
    r = row(a, 2026, "zc_net_emissions")
    assert r["status"] == "met" and not r["mandatory"]


def test_not_assessed_when_the_run_cannot_compute_it():
    a = assess(annual(clean_energy_share=[float("nan"), 0.95]).drop(columns=["energy_per_value_added_tce_per_10k_cny"]))
    r = row(a, 2025, "zc_clean_energy_share")
    assert r["status"] == "not_assessed" and r["met"] is None and math.isnan(r["value"])
    r = row(a, 2026, "eco_energy_per_value_added")
    assert r["status"] == "not_assessed" and "absent" in r["reason"]
    # eco-industrial's core indicator missing → eco-industrial is not reached, and it is named as blocking
    s = stage_reached(a).set_index("year")
    assert s.loc[2026, "stage_reached"] == "green"
    assert "eco_energy_per_value_added (core not_assessed)" in s.loc[2026, "blocking"]


def test_zero_carbon_pass_and_core_only_failure():
    s = stage_reached(assess(annual(), ALL_DATA)).set_index("year")
    assert s.loc[2026, "stage_reached"] == "zero_carbon" and s.loc[2026, "blocking"] == []
    assert s.loc[2026, "next_stage"] is None
    # base year: no previous year → green's core not assessed → no stage
    assert s.loc[2025, "stage_reached"] == "none"
    # the same park failing only the core indicator (0.25 > 0.2) is eco-industrial, blocked by the core
    s = stage_reached(assess(annual(core_indicator_tco2_per_tce=[2.0, 0.25]), ALL_DATA)).set_index("year")
    assert s.loc[2026, "stage_reached"] == "eco_industrial"
    assert s.loc[2026, "next_stage"] == "zero_carbon"
    assert s.loc[2026, "blocking"] == ["zc_core_indicator (not_met)"]


def test_guiding_indicators_block_when_assessed_and_big_parks_use_their_threshold():
    data = dict(ALL_DATA, industrial_water_reuse_share=pd.Series({2026: 0.78}))  # ≥0.75 eco, <0.8 zero-carbon
    s = stage_reached(assess(annual(), data)).set_index("year")
    assert s.loc[2026, "stage_reached"] == "eco_industrial"
    assert s.loc[2026, "blocking"] == ["zc_water_reuse (not_met)"]
    # a park of ≥100万 tce/yr is judged against 0.3 (the run's core_threshold column)
    a = assess(annual(core_indicator_tco2_per_tce=[2.0, 0.25], core_threshold_tco2_per_tce=[0.3, 0.3]), ALL_DATA)
    assert row(a, 2026, "zc_core_indicator")["threshold"] == 0.3
    assert stage_reached(a).set_index("year").loc[2026, "stage_reached"] == "zero_carbon"


def test_failing_a_lower_stage_stops_the_higher_ones():
    # energy per value added 0.6 > 0.5: not eco-industrial, so not zero-carbon either
    s = stage_reached(assess(annual(energy_per_value_added_tce_per_10k_cny=[0.3, 0.6]), ALL_DATA)).set_index("year")
    assert s.loc[2026, "stage_reached"] == "green"
    assert s.loc[2026, "blocking"] == ["eco_energy_per_value_added (not_met)"]
    # rising carbon intensity fails green
    s = stage_reached(assess(annual(gross_tco2=[600_000.0, 700_000.0]), ALL_DATA)).set_index("year")
    assert s.loc[2026, "stage_reached"] == "none"


def test_threshold_override_for_jingjinji():
    data = dict(ALL_DATA, reclaimed_water_reuse_share=pd.Series({2026: 0.25}))
    assert row(assess(annual(), data), 2026, "eco_reclaimed_water")["status"] == "met"
    a = assess(annual(), data, thresholds={"eco_reclaimed_water": 0.3})
    assert row(a, 2026, "eco_reclaimed_water")["status"] == "not_met"
    with pytest.raises(KeyError):
        assess(annual(), thresholds={"no_such": 1.0})


def test_extra_series_override_and_works_on_a_real_results_shape():
    a = assess(annual(), {"clean_energy_share": pd.Series({2025: 0.95, 2026: 0.5})})
    assert row(a, 2025, "zc_clean_energy_share")["status"] == "met"
    assert row(a, 2026, "zc_clean_energy_share")["status"] == "not_met"
    assert len(a) == 2 * len(table("stage_indicators"))


def test_assess_a_run():
    from builders import scenario

    from parktwin import run

    res = run(scenario(), seed=0)
    a = assess(res.annual)
    years = sorted(res.annual["year"].astype(int))
    assert sorted(a["year"].unique()) == years
    y0 = res.year(years[0])
    r = row(a, years[0], "zc_core_indicator")
    assert r["value"] == pytest.approx(y0["core_indicator_tco2_per_tce"]) and r["threshold"] == y0["core_threshold_tco2_per_tce"]
    assert row(a, years[0], "eco_energy_per_value_added")["value"] == pytest.approx(y0["energy_per_value_added_tce_per_10k_cny"])
    assert row(a, years[0], "zc_water_reuse")["status"] == "not_assessed"   # a run has no water data
    s = stage_reached(a)
    assert list(s["year"]) == years and set(s["stage_reached"]) <= {"none", *STAGES}


def test_an_assessment_changed_by_its_reader_leaves_the_next_ones_alone():
    """The indicators' own strings are converted once per process and shared (read-only Arrow)
    between assessments: writing into one assessment's table changes no other."""
    first = assess(annual())
    first.loc[0, "stage"] = "changed"
    first.loc[1, "name_en"] = "changed"
    second = assess(annual())
    assert "changed" not in set(second["stage"]) | set(second["name_en"])
    pd.testing.assert_frame_equal(second, assess(annual()))


def test_the_stages_counted_from_the_assessments_arrays_are_stage_reached_of_its_table():
    """``assess_with_stages`` (what a run's results use) gives ``assess`` and ``stage_reached`` of it,
    exactly: on annual tables that reach each stage, fail a lower one, miss core data, and an empty one."""
    from parktwin.accounting.stages import assess_with_stages

    cases = [annual(), annual(energy_per_value_added_tce_per_10k_cny=[0.3, 0.6]), annual(gross_tco2=[600_000.0, 700_000.0]),
             annual(core_indicator_tco2_per_tce=[2.0, math.nan]), annual(year=[2026, 2025]), annual().iloc[:0]]
    for frame in cases:
        expected = assess(frame)
        got, stages = assess_with_stages(frame)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        pd.testing.assert_frame_equal(stages, stage_reached(expected), check_exact=True)


def test_an_overridden_unverified_threshold_is_assessed_and_any_index_reads_as_a_default_one():
    """green_renewable_share has no verified threshold (not assessed); given one it is assessed against it
    (renewable share 0.20 in 2025, 0.85 in 2026: ≥ 0.5 not met, then met). A table on another index (rows
    reversed; labels 10, 11) is assessed as the same table on a default index."""
    assert row(assess(annual()), 2025, "green_renewable_share")["reason"] == "threshold unverified"
    a = assess(annual(), thresholds={"green_renewable_share": 0.5})
    for year, status in ((2025, "not_met"), (2026, "met")):
        r = row(a, year, "green_renewable_share")
        assert (r["status"], r["threshold"], r["reason"]) == (status, 0.5, "")
    assert row(a, 2025, "green_water_reuse")["reason"] == "threshold unverified"  # the others stay unverified
    for frame in (annual().iloc[::-1], annual().set_axis([10, 11])):
        pd.testing.assert_frame_equal(assess(frame), assess(frame.reset_index(drop=True)), check_exact=True)

"""Levers that cannot change what they appear to say so (spec/levers.py), and compare's differences
against the first column with the note on a core indicator moving against emissions (experiments/compare.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import parktwin
from parktwin.results.milestones import opposite_moves, with_differences
from parktwin.spec.levers import changed_levers, lever_warning, lever_warnings


@pytest.fixture(scope="module")
def bau():
    return parktwin.load("scenarios/bau.yaml")


def test_carbon_price_on_bau_warns_and_indeed_changes_nothing_physical(bau):
    warning = lever_warning(bau.scenario, "carbon_price_cny_per_tco2.2050")
    assert warning and "decisions.enabled is false" in warning
    # the claim holds on bau: twice the 2050 price, the same emissions and energy every year
    doubled = parktwin.load("scenarios/bau.yaml", ["carbon_price_cny_per_tco2.2050=400"])
    a = parktwin.run(bau, seed=0).annual
    b = parktwin.run(doubled, seed=0).annual
    for column in ("net_tco2", "energy_tce", "core_indicator_tco2_per_tce", "capex_cny"):
        assert a[column].tolist() == b[column].tolist(), column
    assert b["carbon_cost_cny"].iloc[-1] > a["carbon_cost_cny"].iloc[-1]  # only what is reported as paid moves


def test_no_warning_where_firms_decide():
    high = parktwin.load("scenarios/carbon_price_high.yaml").scenario
    assert lever_warning(high, "carbon_price_cny_per_tco2.2050") is None
    assert lever_warning(high, "decisions.hurdle_rate.mean") is None


def test_decision_inputs_without_deciding_firms(bau):
    sc = bau.scenario
    assert "decisions.enabled is false" in lever_warning(sc, "decisions.hurdle_rate.mean")
    assert lever_warning(sc, "decisions.enabled") is None
    assert "fleets.turnover is false" in lever_warning(sc, "fleets.powertrains")
    assert lever_warning(sc, "park.grid.import_limit_kw") is None
    assert len(lever_warnings(sc, ["decisions.openness.mean", "decisions.openness.mean"])) == 1


def test_changed_levers_between_scenarios(bau):
    high = parktwin.load("scenarios/carbon_price_high.yaml").scenario
    changed = changed_levers(bau.scenario, high)
    assert "carbon_price_cny_per_tco2" in changed and "decisions.enabled" in changed
    assert changed_levers(bau.scenario, bau.scenario) == []


def test_differences_against_the_first_column_and_the_ratio_note():
    # by hand: B cuts energy 21.5 % and CO₂ 19.6 %; its ratio rises although its net emissions fall
    table = pd.DataFrame({"A": [1000.0, 5.0, 200.0, math.nan], "B": [800.0, 5.0 * 0.804 / 0.785, 157.0, 2030.0]},
                         index=["net_tco2 2050", "core_indicator_tco2_per_tce 2050", "energy_tce 2050", "first year green"])
    out = with_differences(table)
    assert list(out.columns) == ["A", "B", "Δ B − A"]
    assert out.loc["net_tco2 2050", "Δ B − A"] == pytest.approx(-200.0)
    assert math.isnan(out.loc["first year green", "Δ B − A"])
    (note,) = opposite_moves(out)
    assert note.startswith("B: in 2050 net emissions fall (-200 tCO2) against A while the core indicator rises")
    assert "-21.5%" in note and "CO2 changes by -19.6%" in note
    same = table.assign(B=table["A"] * 0.5)  # both fall together: no note
    assert opposite_moves(with_differences(same)) == []

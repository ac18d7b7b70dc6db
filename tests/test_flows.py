"""Tests of the emissions waterfall (LMDI-I) and the energy and carbon Sankeys (parktwin.viz.flows)."""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

import parktwin
from parktwin.results.tables import Results
from parktwin.viz import flows
from parktwin.viz.registry import registered
from parktwin.viz.report import render_report

from builders import write_tiny_scenario

FLOW_FIGURES = ("waterfall", "sankey_energy", "sankey_carbon")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Results:
    return parktwin.run(write_tiny_scenario(tmp_path_factory.mktemp("tiny")), seed=0)


# --------------------------------------------------------------------------- hand-built two-year runs

# carrier → (tce, tCO₂) in the base year; fuels' CO₂ rows name their factor like the inventory does
BASE = {"coal": (1000.0, 2600.0), "natural_gas": (500.0, 800.0), "diesel": (100.0, 216.0),
        "purchased_heat": (50.0, 120.0), "electricity": (2000.0, 4000.0)}
SOURCE = {"coal": "stationary_combustion", "natural_gas": "stationary_combustion", "diesel": "mobile_combustion",
          "purchased_heat": "purchased_heat"}
FACTOR = {"coal": "coal_kgco2_per_t", "natural_gas": "natural_gas_kgco2_per_km3", "diesel": "diesel_kgco2_per_t",
          "purchased_heat": "purchased_heat_kgco2_per_gj"}


def hand_results(years: dict[int, dict], process: tuple[float, float] = (300.0, 300.0),
                 removals: tuple[float, float] = (0.0, 0.0), offsets: tuple[float, float] = (0.0, 0.0)) -> Results:
    """Two years: ``years[y] = {"va": value added, carrier: (tce, tCO₂), …}``."""
    annual, energy, emissions = [], [], []
    for i, (year, spec) in enumerate(years.items()):
        s1 = process[i]
        s2 = 0.0
        for carrier, (tce, co2) in ((c, v) for c, v in spec.items() if c != "va"):
            if tce > 0:
                energy.append((year, "works", "enterprise", carrier, tce, "x", tce))
            if carrier == "electricity":
                emissions.append((year, "works", "enterprise", "2", "CO2", "market", "purchased_electricity", "", co2))
                emissions.append((year, "works", "enterprise", "2", "CO2", "location", "purchased_electricity", "", 9e9))
                s2 += co2
            elif tce > 0:
                scope = "2" if carrier == "purchased_heat" else "1"
                emissions.append((year, "works", "enterprise", scope, "CO2", "all", SOURCE[carrier],
                                  f"constants.csv:{FACTOR[carrier]}", co2))
                s1, s2 = (s1 + co2, s2) if scope == "1" else (s1, s2 + co2)
        emissions.append((year, "works", "enterprise", "1", "CO2", "all", "industrial_process", "park file", process[i]))
        annual.append(dict(year=year, value_added_mcny=spec["va"], scope1_tco2=s1, scope2_market_tco2=s2,
                           removals_tco2=removals[i], offsets_tco2=offsets[i],
                           net_tco2=s1 + s2 - removals[i] - offsets[i]))
    empty = pd.DataFrame()
    return Results(
        annual=pd.DataFrame(annual),
        energy=pd.DataFrame(energy, columns=["year", "entity", "entity_kind", "carrier", "quantity", "unit", "energy_tce"]),
        emissions=pd.DataFrame(emissions, columns=["year", "entity", "entity_kind", "scope", "gas", "method", "source",
                                                   "factor_ref", "emissions_tco2"]),
        events=empty, reviews=empty, hourly=empty, investments=empty,
    )


def scaled(by_energy: float, by_co2: float | None = None, va: float = 100.0, **changes) -> dict:
    out = {"va": va}
    for carrier, (tce, co2) in BASE.items():
        out[carrier] = changes.get(carrier, (tce * by_energy, co2 * (by_energy if by_co2 is None else by_co2)))
    return out


def assert_exact(net0: float, steps: dict, net1: float) -> None:
    assert sum(steps.values()) == pytest.approx(net1 - net0, rel=1e-9, abs=1e-9 * abs(net0))


def test_pure_activity_change_is_all_activity():
    r = hand_results({2025: scaled(1.0), 2050: scaled(1.5, va=150.0)}, process=(300.0, 300.0))
    net0, steps, net1 = flows.waterfall_steps(r)
    energy_change = 0.5 * sum(co2 for _, co2 in BASE.values())
    assert steps["activity"] == pytest.approx(energy_change, rel=1e-12)
    for key in ("intensity", "structure", "factor", "process", "capture", "removals", "offsets"):
        assert steps[key] == pytest.approx(0.0, abs=1e-9)
    assert_exact(net0, steps, net1)


def test_pure_intensity_change_is_all_efficiency():
    r = hand_results({2025: scaled(1.0), 2050: scaled(0.8)})
    net0, steps, net1 = flows.waterfall_steps(r)
    assert steps["intensity"] == pytest.approx(-0.2 * sum(co2 for _, co2 in BASE.values()), rel=1e-12)
    for key in ("activity", "structure", "factor", "process"):
        assert steps[key] == pytest.approx(0.0, abs=1e-9)
    assert_exact(net0, steps, net1)


def test_cleaner_electricity_is_the_factor_effect():
    r = hand_results({2025: scaled(1.0), 2050: scaled(1.0, electricity=(2000.0, 1000.0))})
    _, steps, _ = flows.waterfall_steps(r)
    assert steps["factor"] == pytest.approx(-3000.0, rel=1e-12)
    for key in ("activity", "intensity", "structure"):
        assert steps[key] == pytest.approx(0.0, abs=1e-9)


def test_fuel_switch_at_constant_energy_is_structure_and_factor_only():
    """Coal replaced by electricity of the same tce: no activity or efficiency effect."""
    after = scaled(1.0, coal=(0.0, 0.0), electricity=(3000.0, 6000.0))
    r = hand_results({2025: scaled(1.0), 2050: after})
    net0, steps, net1 = flows.waterfall_steps(r)
    assert steps["activity"] == pytest.approx(0.0, abs=1e-9)
    assert steps["intensity"] == pytest.approx(0.0, abs=1e-9)
    assert steps["structure"] == pytest.approx(6000.0 - 4000.0 - 2600.0, rel=1e-12)  # coal gone, electricity share up
    assert_exact(net0, steps, net1)


def test_zero_values_keep_the_sum_exact():
    """Coal disappears, diesel appears, electricity becomes all green; removals and offsets start."""
    before = scaled(1.0, diesel=(0.0, 0.0))
    after = scaled(0.9, va=130.0, coal=(0.0, 0.0), diesel=(80.0, 170.0), electricity=(2600.0, 0.0))
    r = hand_results({2025: before, 2050: after}, process=(300.0, 120.0), removals=(10.0, 400.0), offsets=(0.0, 900.0))
    net0, steps, net1 = flows.waterfall_steps(r)
    assert all(math.isfinite(v) for v in steps.values())
    assert steps["process"] == pytest.approx(-180.0, rel=1e-9)
    assert steps["removals"] == pytest.approx(-390.0)
    assert steps["offsets"] == pytest.approx(-900.0)
    assert_exact(net0, steps, net1)
    assert net1 == pytest.approx(r.annual["net_tco2"].iloc[-1])


def test_log_mean():
    assert flows.log_mean(2.0, 2.0) == 2.0
    assert flows.log_mean(math.e, 1.0) == pytest.approx(math.e - 1.0)


# --------------------------------------------------------------------------- the tiny run

def test_waterfall_sums_exactly_on_a_run(results):
    a = results.annual
    net0, steps, net1 = flows.waterfall_steps(results)
    assert net0 == pytest.approx(a["net_tco2"].iloc[0], rel=1e-9)
    assert net1 == pytest.approx(a["net_tco2"].iloc[-1], rel=1e-9)
    assert abs(sum(steps.values()) - (net1 - net0)) <= 1e-6 * abs(net1 - net0)
    assert steps["process"] == pytest.approx(a["process_tco2"].iloc[-1] - a["process_tco2"].iloc[0], rel=1e-6)
    assert steps["activity"] > 0  # the tiny park grows
    assert steps["factor"] < 0  # PV and a cleaner grid


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_waterfall_figure(results, lang):
    fig = flows.waterfall_figure(results, lang)
    (trace,) = fig.data
    assert isinstance(trace, go.Waterfall)
    assert list(trace.measure) == ["absolute"] + ["relative"] * 8 + ["total"]
    y = list(trace.y)
    assert y[0] + sum(y[1:-1]) == pytest.approx(y[-1], rel=1e-9)
    x = list(fig.layout.xaxis.ticktext)
    assert list(trace.x) == list(fig.layout.xaxis.tickvals) == list(range(10))
    if lang == "zh":
        assert "活动水平" in x and "能效" in x and "电气化与燃料替代" in x and "电力清洁化" in x
        assert "工业过程" in x and "碳汇（绿地、直接空气捕集）" in x and "碳捕集并封存（未排放）" in x and "碳抵消" in x and "2025年净排放" in x
    else:
        assert x[1] == "Activity growth" and x[-1] == "Net 2031"


def test_sankey_years(results):
    assert flows.sankey_years(results) == [2025, 2030, 2031]


@pytest.mark.parametrize("year", [2025, 2030, 2031])
def test_energy_flows_balance_and_total(results, year):
    f = flows.energy_flows(results, year)
    nodes = {n for k in f for n in k}
    for node in nodes:
        inflow = sum(v for (s, d), v in f.items() if d == node)
        outflow = sum(v for (s, d), v in f.items() if s == node)
        if inflow > 0 and outflow > 0:
            assert inflow == pytest.approx(outflow, rel=1e-9), node
    used = sum(v for (s, d), v in f.items() if not any(s2 == d for s2, _ in f) and d != "flow_exported")
    assert used == pytest.approx(results.year(year)["energy_tce"], rel=1e-9)
    assert all(v > 0 for v in f.values())


@pytest.mark.parametrize("year", [2025, 2031])
def test_carbon_flows_balance(results, year):
    f = flows.carbon_flows(results, year)
    row = results.year(year)
    gross_in = sum(v for (s, d), v in f.items() if d == "flow_gross")
    assert gross_in == pytest.approx(row["scope1_tco2"] + row["scope2_market_tco2"], rel=1e-9)
    assert f[("flow_gross", "flow_net")] == pytest.approx(row["net_tco2"], rel=1e-9)
    assert f[("flow_gross", "flow_green_space")] == pytest.approx(row["removals_tco2"], rel=1e-9)  # green space only


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sankey_figures(results, lang):
    energy = flows.sankey_energy_figure(results, lang)
    assert [tr.name for tr in energy.data] == ["2025", "2030", "2031"]
    assert [tr.visible for tr in energy.data] == [False, False, True]
    (menu,) = energy.layout.updatemenus
    assert len(menu.buttons) == 3
    for trace in energy.data:
        balance = flows.node_balance(trace)
        assert balance and all(abs(v) < 1e-6 for v in balance.values())
    labels = set(energy.data[-1].node.label)
    carbon = flows.sankey_carbon_figure(results, lang)
    carbon_labels = set(carbon.data[-1].node.label)
    if lang == "zh":
        assert {"电力", "煤炭", "园区光伏", "化工", "储能损耗"} <= labels
        assert {"总排放", "净排放", "工业过程", "绿地碳汇"} <= carbon_labels
    else:
        assert {"Electricity", "Coal", "On-site PV", "Chemicals", "Battery losses"} <= labels


def test_registered_and_in_the_report(results):
    keys = [spec.key for spec in registered()]
    assert set(FLOW_FIGURES) <= set(keys)
    for lang in ("en", "zh"):
        page = render_report(results, lang)
        for key in FLOW_FIGURES:
            assert f'id="fig-{key}"' in page
    page = render_report(results, "zh")
    assert "电气化与燃料替代" in page or json.dumps("电气化与燃料替代")[1:-1] in page

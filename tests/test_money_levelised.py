"""Levelised costs of electricity, heat and storage (economics/levelised.py), checked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from builders import scenario

from parktwin import run
from parktwin.economics.levelised import (
    HeatInputs,
    full_year_mean,
    heat_columns,
    levelised_costs,
    levelised_row,
)
from parktwin.viz.money import levelised_figure

HEAT = HeatInputs(full_load_hours=6000.0, cop_low=3.0, cop_medium=2.0, electric_boiler_efficiency=0.99,
                  gas_boiler_efficiency=0.925, gas_ncv_gj_per_km3=38.931)


def test_rooftop_pv_lcoe_by_hand():
    # rooftop PV bought in 2025: capex 3,862 CNY/kWp (544.5 USD/kW of 2023, docs/economics.md), fixed
    # O&M 1.5 %/yr of capex = 57.93 CNY/kWp/yr, 25 years, no variable O&M (data/technologies.csv);
    # 1,100 kWh/kWp a year at 8 %: CRF = 0.08 × 1.08^25 / (1.08^25 − 1) = 0.08 × 6.848475 / 5.848475
    # = 0.0936788; (3,861.76 × 0.0936788 + 57.926) / 1,100 = (361.765 + 57.926) / 1,100 = 0.381538 CNY/kWh
    row = levelised_row(2025, "rooftop_pv", "electricity", 1100.0, 0.0, 0.08)
    assert row["capex_cny_per_unit"] == pytest.approx(3862.0, abs=1.0)
    assert row["fixed_om_cny_per_unit_yr"] == pytest.approx(0.015 * row["capex_cny_per_unit"])
    assert row["lifetime_yr"] == 25.0
    assert row["levelised_cny_per_kwh"] == pytest.approx(0.381538, rel=1e-4)


def test_gas_boiler_heat_cost_by_hand():
    # gas at 3.6 CNY/m³ (data/prices.csv): 38.931 GJ/1000 m³ = 10.814 kWh/m³ (÷ 3.6 MJ/kWh), at 92.5 %
    # boiler efficiency 10.003 kWh heat per m³ → 0.35989 CNY/kWh of heat; plus capex and O&M per kW_th
    # over 6,000 h/yr: (capex × CRF(8 %, 25) + O&M) / 6,000, + variable O&M per MWh ÷ 1,000
    table = levelised_costs({"year": [2025]}, [], 0.08, lambda y: 0.6, lambda y: 3.6, HEAT, 0.85)
    gas = table.loc[table["technology"] == "gas_boiler"].iloc[0]
    fuel = 3.6 / (38.931 / 1000.0 * 1e6 / 3600.0 * 0.925)
    assert gas["energy_cost_cny_per_kwh"] == pytest.approx(0.359888, rel=1e-5) == fuel
    expected = (gas["capex_cny_per_unit"] * 0.0936788 + gas["fixed_om_cny_per_unit_yr"]) / 6000.0 + gas["var_om_cny_per_kwh"] + fuel
    assert gas["levelised_cny_per_kwh"] == pytest.approx(expected, rel=1e-5)
    # a heat pump's electricity per kWh of heat is the price over its COP (0.6 / 3 = 0.2)
    hp = table.loc[table["technology"] == "heat_pump_low"].iloc[0]
    assert hp["energy_cost_cny_per_kwh"] == pytest.approx(0.2)


def test_the_heat_rows_computed_for_all_years_at_once_are_levelised_row_s():
    """``heat_columns`` (each supply's years at once, over arrays) gives, row by row and bit for bit,
    the rows ``levelised_row`` computes one year and supply at a time (the reference), with
    prices that change every year; no years give empty columns."""
    years = list(range(2025, 2051))
    elec, gas = (lambda y: 0.6 + 0.013 * (y - 2025)), (lambda y: 3.6 - 0.041 * (y - 2025))
    got = heat_columns(years, 0.08, elec, gas, HEAT)
    gas_kwh_per_m3 = HEAT.gas_ncv_gj_per_km3 / 1000.0 * 1e6 / 3600.0  # kWh per m³: 1 GJ = 10⁶/3,600 kWh
    expected = [levelised_row(y, tech, "heat", HEAT.full_load_hours, cost, 0.08)
                for y in years
                for tech, cost in (("heat_pump_low", elec(y) / HEAT.cop_low), ("heat_pump_medium", elec(y) / HEAT.cop_medium),
                                   ("electric_boiler", elec(y) / HEAT.electric_boiler_efficiency),
                                   ("gas_boiler", gas(y) / (gas_kwh_per_m3 * HEAT.gas_boiler_efficiency)))]
    rows = [dict(zip(got, values)) for values in zip(*got.values())]
    assert len(rows) == 4 * len(years)
    for row, reference in zip(rows, expected):
        assert row == reference and list(map(type, row.values())) == list(map(type, reference.values()))
    assert heat_columns([], 0.08, elec, gas, HEAT) == {name: [] for name in got}


def test_yield_is_the_mean_over_full_years_at_one_capacity():
    # capacity 0, 100, 100, 200, 200 kWp: full years are the 3rd (100 kWp, 120 MWh) and 5th (200 kWp,
    # 230 MWh) → (1,200 + 1,150) / 2 = 1,175 kWh/kWp; the years capacity changed are left out
    annual = {"pv_kwp": [0, 100, 100, 200, 200]}
    gen_kwh = np.array([0.0, 60.0, 120.0, 150.0, 230.0]) * 1000.0
    assert full_year_mean(annual, gen_kwh, "pv_kwp") == pytest.approx(1175.0)
    assert np.isnan(full_year_mean({"pv_kwp": [0, 0]}, [0.0, 0.0], "pv_kwp"))


def test_battery_levelised_cost_of_stored_electricity_by_hand():
    # one 1,000 kWh / 500 kW battery bought in 2026; full years 2027-2028 discharge 300 cycles of a
    # usable capacity of 950 kWh: 300 × 950 / 1,000 = 285 kWh per nameplate kWh a year
    purchases = [SimpleNamespace(year=2026, technology="battery_energy", capacity=1000.0, renewal=False),
                 SimpleNamespace(year=2026, technology="battery_power", capacity=500.0, renewal=False)]
    annual = {"year": [2026, 2027, 2028], "battery_kwh": [1000.0, 1000.0, 1000.0], "battery_usable_kwh": [950.0] * 3,
              "battery_cycles": [150.0, 300.0, 300.0]}
    table = levelised_costs(annual, purchases, 0.08, lambda y: 0.6, lambda y: 3.6, HEAT, 0.85)
    b = table.loc[table["technology"] == "battery_energy"].iloc[0]
    assert b["output_kwh_per_unit_yr"] == pytest.approx(285.0)
    assert b["energy_cost_cny_per_kwh"] == pytest.approx(0.6 / 0.85)  # charging at 0.6 CNY/kWh, 85 % round trip
    from parktwin.economics.catalogue import technology
    from parktwin.economics.finance import annuity_factor

    e, p = technology("battery_energy"), technology("battery_power")
    # the power part (0.5 kW per kWh) annualised over its own life, the energy part over its life
    annual_cost = (e.capex_cny(2026) * annuity_factor(0.08, e.lifetime_yr) + e.fixed_om_cny_per_yr(2026)
                   + 0.5 * (p.capex_cny(2026) * annuity_factor(0.08, p.lifetime_yr) + p.fixed_om_cny_per_yr(2026)))
    assert b["levelised_cny_per_kwh"] == pytest.approx(annual_cost / 285.0 + 0.6 / 0.85, rel=1e-9)


@pytest.fixture(scope="module")
def results():
    sc = scenario(roadmap=[{"id": "pv", "kind": "rooftop_pv", "year": 2026, "roof_share": 0.5}], horizon_years=4)
    return run(sc, seed=0)


def test_the_run_reports_pv_at_its_own_yield(results):
    pv = results.lcoe("electricity")
    assert list(pv["year"]) == [2026]
    a = results.annual
    full = a["pv_kwp"].gt(0) & a["pv_kwp"].eq(a["pv_kwp"].shift())
    yield_kwh = (a.loc[full, "pv_generation_mwh"] * 1000.0 / a.loc[full, "pv_kwp"]).mean()
    assert pv["output_kwh_per_unit_yr"].iloc[0] == pytest.approx(yield_kwh)
    row = levelised_row(2026, "rooftop_pv", "electricity", yield_kwh, 0.0, results.manifest["social_discount_rate"])
    assert pv["levelised_cny_per_kwh"].iloc[0] == pytest.approx(row["levelised_cny_per_kwh"])
    assert set(results.lcoe("heat")["year"]) == set(a["year"])  # heat costs every year
    assert "levelised_costs" in results.tables()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_levelised_figure_plots_the_table(results, lang):
    fig = levelised_figure(results, lang)
    plotted = sorted(float(y) for tr in fig.data for y in tr.y)
    assert plotted == pytest.approx(sorted(results.lcoe()["levelised_cny_per_kwh"]))
    assert "kWh" in fig.layout.yaxis.title.text


def _buy(year, project, technology, capacity, capex, om=0.0, life=25.0, entity="operator"):
    return SimpleNamespace(year=year, project=project, entity=entity, technology=technology, capacity=capacity,
                           capex_cny=capex, fixed_om_cny_per_yr=om, lifetime_yr=life, renewal=False)


CONSTANTS = {"gas_boiler_efficiency": 0.925, "natural_gas_ncv_gj_per_km3": 38.931, "natural_gas_kgco2_per_km3": 2162.2,
             "electric_boiler_efficiency": 0.99, "ccus_electricity_mwh_per_tco2": 0.125, "ccus_heat_mwh_per_tco2": 0.83}


def test_operator_assets_on_the_macc_by_hand():
    from parktwin.economics.abatement import measure_abatement_cost
    from parktwin.economics.asset_abatement import operator_measures

    # 1,000 kWp of PV bought in 2026, 1,100 kWh/kWp in the full year 2027, grid 0.5 kgCO₂/kWh in 2026
    annual = {"year": [2026, 2027], "grid_factor_kgco2_per_kwh": [0.5, 0.48], "pv_generation_mwh": [500.0, 1100.0],
              "pv_kwp": [1000.0, 1000.0], "heat_low_waste_heat_mwh": [0.0, 4000.0], "captured_tco2": [0.0, 10000.0], "captured_stored_tco2": [0.0, 10000.0],
              "green_power_mwh": [0.0, 2000.0], "certificate_cost_cny": [0.0, 10000.0]}
    purchases = [_buy(2026, "pv", "rooftop_pv", 1000.0, 3.6e6, 54000.0),
                 _buy(2026, "whr", "waste_heat_recovery", 1000.0, 2.0e6, 0.0, 20.0),
                 _buy(2026, "bat", "battery_energy", 2000.0, 0.9e6, 0.0, 16.0),
                 _buy(2026, "ccus_1", "ccus_capture", 12000.0, 3.0e7, 9.0e5, 25.0, entity="works")]
    rows = {r[2]: r for r in operator_measures(annual, purchases, lambda y: 0.6, lambda y: 3.6, CONSTANTS)}
    # PV: 1.1 GWh a year (2027 is the full year) × 0.5 kg/kWh = 550 tCO₂; saves 1.1 GWh × 0.6 = 660,000 CNY
    pv = rows["pv"]
    assert pv[8] == pytest.approx(550.0) and pv[7] == pytest.approx(-660000.0)
    # (3.6 M × CRF(8 %, 25) + 54,000 − 660,000) / 550 = (337,243.6 + 54,000 − 660,000) / 550 = −488.65 CNY/t
    assert measure_abatement_cost(pv[4], pv[10], pv[6], pv[7], pv[8], 0.08) == pytest.approx(-488.648, rel=1e-4)
    # waste heat: 4,000 MWh recovered above the base year displaces gas-boiler heat: 4e6 kWh ÷ (10.814 kWh/m³
    # × 0.925) = 399,886 m³; × 2.1622 kg/m³ = 864.6 tCO₂; × 3.6 CNY/m³ = 1.4396 M CNY saved
    whr = rows["whr"]
    gas_m3 = 4.0e6 / (38.931 * 1e6 / 3600 / 1000 * 0.925)
    assert whr[8] == pytest.approx(gas_m3 * 2.1622 / 1000) and whr[8] == pytest.approx(864.6, abs=0.1)
    assert whr[7] == pytest.approx(-3.6 * gas_m3)
    # capture: the 10,000 t the run captured in its last year; 0.125 MWh + 0.83 MWh_th ÷ 0.99 per tonne at 0.6 CNY/kWh
    ccus = rows["ccus_1_works"]
    assert (ccus[1], ccus[3], ccus[8], ccus[9]) == ("works", "ccus", 10000.0, 10000.0)
    assert ccus[7] == pytest.approx(10000 * (0.125 + 0.83 / 0.99) * 1000 * 0.6)
    # the battery enables, it abates nothing of its own: listed, not on the curve
    assert rows["bat"][8] == 0.0
    # green contracts of the last year: 2,000 MWh × 0.48 kg/kWh = 960 t at the certificates' 10,000 CNY
    green = rows["green_power_2027"]
    assert green[8] == pytest.approx(960.0) and green[7] == 10000.0 and green[4] == 0.0


def test_the_run_macc_shows_the_operators_pv(results):
    m = results.measures
    pv = m.loc[(m["origin"] == "operator") & (m["measure"] == "rooftop_pv")].iloc[0]
    # the park's yield over its full years × the kWp bought × the grid factor of the year bought
    a = results.annual.set_index("year")
    kwp = results.investments.loc[results.investments["technology"] == "rooftop_pv", "capacity"].sum()
    kwh = kwp * results.lcoe("electricity")["output_kwh_per_unit_yr"].iloc[0]
    assert pv["abated_tco2_per_yr"] == pytest.approx(kwh * a.loc[2026, "grid_factor_kgco2_per_kwh"] / 1000)
    assert "pv" in set(results.macc()["id"])

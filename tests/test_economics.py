"""Economics against hand computations: catalogue, currency, learning, prices, finance, abatement, MACC.

Numbers used by hand (src/parktwin/data/): money.csv EUR 2019 7.73, EUR 2020 7.87, USD 2023 7.08,
USD 2024 7.19 CNY per unit; CPI 2019 108.9, 2020 111.6, 2023 115.1, 2024 = 2025 = 115.3.
"""

from __future__ import annotations

import pandas as pd
import pytest

from parktwin.data import CONFIDENCE_LEVELS, table
from parktwin.economics import abatement, catalogue as cat, finance
from parktwin.economics.abatement import MeasureCost, macc, measure_abatement_cost
from parktwin.economics.catalogue import (
    MEASURE_TECHNOLOGIES, available, capex_cny, catalogue, fixed_om_cny_per_yr, lifetime_yr, price_cny,
    price_unit, technology, var_om_cny,
)
from parktwin.economics.finance import annuity_factor, cost_of_capital, instrument, lcoe_cny_per_kwh, loan_schedule, npv

EUR2020 = 7.87 * 115.3 / 111.6  # CNY of 2025 per EUR of 2020
EUR2019 = 7.73 * 115.3 / 108.9


# -- finance -------------------------------------------------------------------------------------
def test_capital_recovery_factor_matches_the_tables():
    # standard CRF tables: 8 %, 20 yr → 0.101852; 5 %, 25 yr → 0.070952; 0 % → 1/n
    assert annuity_factor(0.08, 20) == pytest.approx(0.101852, abs=1e-6)
    assert annuity_factor(0.05, 25) == pytest.approx(0.070952, abs=1e-6)
    assert annuity_factor(0.0, 4) == 0.25
    with pytest.raises(ValueError):
        annuity_factor(0.05, 0)


def test_npv_of_a_known_stream():
    # −100 now, +50 at the end of years 1–3, 10 %: −100 + 45.4545 + 41.3223 + 37.5657 = 24.3426
    assert npv([-100, 50, 50, 50], 0.10) == pytest.approx(24.3426, abs=1e-4)
    # the same stream starting a year later is worth 1/1.1 as much
    assert npv([-100, 50, 50, 50], 0.10, start_year_index=1) == pytest.approx(24.3426 / 1.1, abs=1e-4)
    assert npv([1, 2, 3], 0.0) == 6.0


def test_lcoe_of_a_hand_worked_pv_case():
    # 1 kWp rooftop PV: 4,000 CNY capex, 60 CNY/yr fixed O&M, 1,000 kWh/yr, 5 %, 20 yr
    # CRF(5 %, 20) = 0.0802426; (4,000 × 0.0802426 + 60) / 1,000 = 0.380970 CNY/kWh
    assert lcoe_cny_per_kwh(4000, 60, 0.0, 0.0, 1000, 0.05, 20) == pytest.approx(0.380970, abs=1e-6)
    # variable O&M and fuel add per kWh
    assert lcoe_cny_per_kwh(4000, 60, 0.01, 0.2, 1000, 0.05, 20) == pytest.approx(0.590970, abs=1e-6)
    # equals discounted cost / discounted energy with capex now and level end-of-year flows
    costs = [4000] + [60] * 20
    energy = [0] + [1000] * 20
    assert lcoe_cny_per_kwh(4000, 60, 0, 0, 1000, 0.05, 20) == pytest.approx(npv(costs, 0.05) / npv(energy, 0.05))


def test_loan_schedule_repays_principal_plus_interest():
    # 1,000,000 CNY at 5 % over 10 yr: payment 1e6 × CRF(5 %, 10) = 129,504.57; interest total 295,045.75
    s = loan_schedule(1_000_000, 0.05, 10)
    assert len(s) == 10 and list(s["year"]) == list(range(1, 11))
    assert s["payment_cny"].to_numpy() == pytest.approx([129_504.575] * 10, abs=0.01)
    assert s["principal_cny"].sum() == pytest.approx(1_000_000)
    assert s["interest_cny"].sum() == pytest.approx(295_045.75, abs=0.01)
    assert s["payment_cny"].sum() == pytest.approx(1_000_000 + s["interest_cny"].sum())
    assert s["interest_cny"].iloc[0] == pytest.approx(50_000)  # 5 % of the opening balance
    assert s["closing_cny"].iloc[-1] == pytest.approx(0.0, abs=1e-6)


def test_cost_of_capital_weights_equity_and_debt():
    # 30 % equity at 10 %, 70 % debt at 4 %: 0.3 × 0.10 + 0.7 × 0.04 = 0.058; after 25 % tax on debt: 0.051
    assert cost_of_capital(0.3, 0.10, 0.04) == pytest.approx(0.058)
    assert cost_of_capital(0.3, 0.10, 0.04, tax_rate=0.25) == pytest.approx(0.051)


def test_instruments_are_data_with_eligibility():
    from parktwin.spec.scenario import INTERVENTION_KINDS

    loan = instrument("commercial_loan")
    assert loan.rate == pytest.approx(0.04) and loan.tenor_yr == 10 and loan.eligible_for("ccus")
    assert instrument("transition_bond").eligible_for("ccus")
    assert not instrument("transition_bond").eligible_for("rooftop_pv")
    for inst in finance.instruments().values():
        assert inst.eligible is None or inst.eligible <= INTERVENTION_KINDS, inst.id
        assert 0 < inst.rate < 0.2 and inst.tenor_yr > 0
    assert finance.eligible_instruments("rooftop_pv")[0].rate == min(
        i.rate for i in finance.instruments().values() if i.eligible_for("rooftop_pv"))
    assert loan.annual_payment(1e6) == pytest.approx(loan.schedule(1e6)["payment_cny"].iloc[0])
    with pytest.raises(KeyError, match=r"no instrument 'mezzanine' in data/finance_instruments\.csv"):
        instrument("mezzanine")


# -- catalogue -----------------------------------------------------------------------------------
def test_dea_row_converts_eur_2020_to_cny_2025():
    # DEA commercial rooftop PV 904 EUR/kW (cy2020) → 904 × 7.87 × 115.3/111.6 = 7,350.4 CNY/kWp (data/money.csv)
    assert capex_cny("rooftop_pv", 2025, region="europe") == pytest.approx(904 * EUR2020)
    assert capex_cny("rooftop_pv", 2025, region="europe") == pytest.approx(7350.4, abs=0.1)
    # DEA heat pump ≤125 °C 1,045 EUR/kW_th (cy2019) → 1,045 × 7.73 × 115.3/108.9
    assert capex_cny("heat_pump_low", 2025) == pytest.approx(1045 * EUR2019)


def test_china_rows_win_and_dea_rows_fill_the_gaps():
    china, europe = catalogue("china"), catalogue("europe")
    assert china["rooftop_pv"].region == "china" and europe["rooftop_pv"].region == "europe"
    assert china["battery_energy"].region == "china"
    assert china["heat_pump_low"].region == "europe"  # no Chinese source: falls back to the DEA
    assert europe["bev_forklift"].region == "china"  # the DEA has no forklifts: falls back to China
    assert set(china) == set(europe)
    # China battery: the Feb-2025 tender, 0.456 CNY/Wh, already CNY of 2025
    assert capex_cny("battery_energy", 2025) == pytest.approx(456.0)
    # China PV: 544.5 USD/kW of 2023 (IRENA LCOE back-calculated) → × 7.08 × 115.3/115.1
    assert capex_cny("rooftop_pv", 2025) == pytest.approx(544.5 * 7.08 * 115.3 / 115.1)
    # European costs overstate Chinese ones for PV and batteries
    for tech in ("rooftop_pv", "battery_energy", "battery_power", "grid_connection"):
        assert capex_cny(tech, 2025) < capex_cny(tech, 2025, region="europe"), tech


def test_capex_is_linear_between_year_points_and_flat_outside():
    # China battery: 456 (2025) → 456 × 190/250 = 346.56 (2030); 2027 is 2/5 of the way
    assert capex_cny("battery_energy", 2030) == pytest.approx(346.56)
    assert capex_cny("battery_energy", 2027) == pytest.approx(456 + 0.4 * (346.56 - 456))
    assert capex_cny("battery_energy", 2020) == pytest.approx(456.0)
    assert capex_cny("battery_energy", 2060) == pytest.approx(182.4)
    # DEA BEV tractor: 311.7k (2025) → 190.1k EUR (2030), flat after (cy2022: 7.08 × 115.3/114.9)
    eur2022 = 7.08 * 115.3 / 114.9
    assert capex_cny("bev_heavy_truck", 2045, region="europe") == pytest.approx(190_100 * eur2022)
    # fixed O&M is the share of the year's capex: DEA rooftop PV 1.3559 %/yr of 711 EUR in 2030
    assert fixed_om_cny_per_yr("rooftop_pv", 2030, region="europe") == pytest.approx(0.013559 * 711 * EUR2020)
    assert var_om_cny("heat_pump_low", 2030) == pytest.approx(3.2526 * EUR2019)


def test_costs_decline_where_the_sources_say_they_do():
    declining = ("rooftop_pv", "battery_energy", "battery_power", "heat_pump_low", "heat_pump_medium",
                 "electric_boiler", "electrolyser", "ccus_capture", "bev_heavy_truck", "bev_bus",
                 "bev_light_truck", "bev_forklift", "bev_car")
    years = range(2025, 2051)
    for region in ("china", "europe"):
        for tech in declining:
            path = [capex_cny(tech, y, region=region) for y in years]
            assert all(b <= a + 1e-9 for a, b in zip(path, path[1:])), (region, tech)
            assert path[-1] < path[0], (region, tech)


def test_battery_path_is_consistent_with_the_li_ion_learning_rate():
    # 2050/2025 = 100/250 = 0.4 → log(0.4)/log(0.8) = 4.106 doublings at 20 %/doubling (Ziegler & Trancik 2021)
    ratio = capex_cny("battery_energy", 2050) / capex_cny("battery_energy", 2025)
    assert ratio == pytest.approx(0.4)
    n = cat.implied_doublings(ratio, 0.20)
    assert n == pytest.approx(4.106, abs=1e-3)
    assert cat.experience_factor(n, 0.20) == pytest.approx(0.4)
    assert cat.experience_factor(1, 0.20) == pytest.approx(0.8)


def test_availability_year_is_respected():
    assert not available("ccus_capture", 2029) and available("ccus_capture", 2030)
    assert not available("electrolyser", 2027) and available("electrolyser", 2028)
    assert available("rooftop_pv", 2025) and available("battery_energy", 2025)


def test_unknown_ids_raise_key_errors_naming_the_file():
    with pytest.raises(KeyError, match=r"no technology 'fusion_reactor' in data/technologies\.csv"):
        capex_cny("fusion_reactor", 2030)
    with pytest.raises(KeyError, match=r"data/technologies\.csv"):
        lifetime_yr("fusion_reactor")
    with pytest.raises(KeyError, match=r"no region 'mars' in data/technologies\.csv"):
        catalogue("mars")
    with pytest.raises(KeyError, match=r"no carrier 'unobtainium' in data/prices\.csv"):
        price_cny("unobtainium", 2025)


def test_every_measure_and_vehicle_has_catalogue_entries():
    from parktwin.spec.scenario import INTERVENTION_KINDS

    assert set(MEASURE_TECHNOLOGIES) == set(INTERVENTION_KINDS)
    for kind, techs in MEASURE_TECHNOLOGIES.items():
        for tech in techs:
            assert technology(tech).lifetime_yr > 0, (kind, tech)
    for vehicle in ("heavy_truck", "light_truck", "bus", "car", "forklift"):
        for powertrain in ("diesel", "bev"):
            technology(cat.vehicle_technology(vehicle, powertrain))
    assert cat.heat_pump_technology("medium") == "heat_pump_medium"
    with pytest.raises(KeyError):
        cat.heat_pump_technology("high")


def test_technology_table_is_well_formed():
    df = table("technologies")
    assert set(df["region"]) <= set(cat.REGIONS)
    assert set(df["om_confidence"]) <= set(CONFIDENCE_LEVELS)
    assert df["om_source"].notna().all() and (df["om_source"].str.strip() != "").all()
    assert ((df["fixed_om_share_per_yr"] >= 0) & (df["fixed_om_share_per_yr"] < 0.2)).all()
    assert not df.duplicated(["technology", "region", "year"]).any()
    for region in cat.REGIONS:  # per-technology fields agree across year points (else catalogue() raises)
        assert catalogue(region)
    assert lifetime_yr("battery_energy") == 16  # the age at which the model replaces batteries


def test_capex_table_lists_every_technology():
    t = cat.capex_table("china")
    assert set(t["technology"]) == set(catalogue("china"))
    row = t.set_index("technology").loc["battery_energy"]
    assert row["capex_cny_2025"] == pytest.approx(456.0) and row["capex_cny_2050"] == pytest.approx(182.4)


# -- prices --------------------------------------------------------------------------------------
def test_prices_in_cny_of_2025():
    assert price_cny("green_certificate", 2025) == pytest.approx(5.0)  # ~5 CNY per certificate = per MWh
    assert price_unit("green_certificate") == "CNY/MWh"
    assert price_cny("ccer", 2040) == pytest.approx(70.0)  # flat after its only point
    assert price_unit("natural_gas") == "CNY/m3"
    # 0.088 USD/kWh (2024) × 7.19 CNY/USD × CPI 115.3/115.3
    assert price_cny("electricity_industrial_average", 2025) == pytest.approx(0.088 * 7.19)
    assert price_unit("electricity_industrial_average") == "CNY/kWh"


# -- abatement -----------------------------------------------------------------------------------
def test_abatement_cost_of_a_heat_pump_replacing_a_gas_boiler():
    """1 MW_th heat pump for 90 °C hot water, 6,000 full-load hours, instead of a gas steam boiler.

    COP = 0.535 × 363.15 / (90 − 40) = 3.88571 (methods.md, DEA-calibrated Carnot share)
    electricity = 6,000 MWh_th / 3.88571 = 1,544.12 MWh
    gas = 6,000 MWh_th / 0.925 (DEA boiler) × 3.6 GJ/MWh / 38.931 GJ per 1,000 m3 = 599,814 m3
    energy cost change = 1,544,121 kWh × 0.63272 CNY/kWh − 599,814 m3 × 3.6 CNY/m3 = −1,182,333 CNY/yr
    abated = 599.814 km3 × 2.1622 t/km3 − 1,544.12 MWh × 0.5306 t/MWh (national grid 2023) = 477.61 t/yr
    capex = 1,000 kW × 1,045 EUR (DEA ≤125 °C, cy2019) × 7.73 × 115.3/108.9 = 8,552,581 CNY
    fixed O&M = 0.1115 % of capex = 9,536 CNY/yr; CRF(8 %, 20 yr) = 0.1018522
    cost = (8,552,581 × 0.1018522 + 9,536 − 1,182,333) / 477.61 = −631.7 CNY/tCO2 (it pays)
    """
    from parktwin.data import constant

    heat_mwh = 6000.0
    cop = constant("heat_pump_carnot_share") * (90.0 + 273.15) / (90.0 - constant("heat_pump_source_c"))
    assert cop == pytest.approx(3.885705)
    elec_kwh = heat_mwh / cop * 1000.0
    gas_m3 = heat_mwh / constant("gas_boiler_efficiency") * 3.6 / constant("natural_gas_ncv_gj_per_km3") * 1000.0
    assert gas_m3 == pytest.approx(599_814, abs=1)
    d_energy = elec_kwh * price_cny("electricity_industrial_average", 2025) - gas_m3 * price_cny("natural_gas", 2025)
    assert d_energy == pytest.approx(-1_182_333, abs=1)
    abated = gas_m3 / 1000 * constant("natural_gas_kgco2_per_km3") / 1000 - elec_kwh / 1000 * 0.5306
    assert abated == pytest.approx(477.61, abs=0.01)
    capex = 1000 * capex_cny("heat_pump_low", 2025)
    assert capex == pytest.approx(8_552_581, abs=1)
    fom = 1000 * fixed_om_cny_per_yr("heat_pump_low", 2025)
    assert fom == pytest.approx(9_536.1, abs=0.1)
    cost = measure_abatement_cost(capex, lifetime_yr("heat_pump_low"), fom, d_energy, abated, 0.08)
    assert cost == pytest.approx(-631.69, abs=0.01)
    assert cost == pytest.approx((8_552_581.3 * 0.1018522 + 9_536.13 - 1_182_333.3) / 477.6066, abs=0.05)
    with pytest.raises(ValueError):
        measure_abatement_cost(capex, 20, fom, d_energy, 0.0, 0.08)


def test_macc_sorts_by_cost_and_accumulates_abatement():
    # zero-rate, 1-yr measures so cost per tonne = (capex + O&M + Δenergy) / tonnes, by hand
    ms = [
        MeasureCost("ccus", 3000.0, 1, 0.0, 0.0, 10.0, 0.0, kind="ccus"),  # 300 CNY/t
        MeasureCost("efficiency", 0.0, 1, 100.0, -600.0, 5.0, 0.0, kind="efficiency"),  # −100 CNY/t
        MeasureCost("pv", 500.0, 1, 0.0, 0.0, 20.0, 0.0, kind="rooftop_pv"),  # 25 CNY/t
        MeasureCost("boilers", 2500.0, 1, 0.0, -1500.0, 10.0, 0.0, kind="electrify_boilers"),  # 100 CNY/t
    ]
    curve = macc(ms)
    assert list(curve["id"]) == ["efficiency", "pv", "boilers", "ccus"]
    assert curve["cost_cny_per_tco2"].tolist() == pytest.approx([-100.0, 25.0, 100.0, 300.0])
    assert curve["cumulative_tco2_per_yr"].tolist() == pytest.approx([5.0, 25.0, 35.0, 45.0])
    assert curve["start_tco2_per_yr"].tolist() == pytest.approx([0.0, 5.0, 25.0, 35.0])
    assert curve["cumulative_annual_cost_cny"].tolist() == pytest.approx([-500.0, 0.0, 1000.0, 4000.0])
    assert abatement.abatement_below(curve, 100.0) == pytest.approx(35.0)
    assert abatement.abatement_below(curve, 0.0) == pytest.approx(5.0)
    # ties broken by id, so the order never depends on input order
    tie = macc([MeasureCost("b", 100, 1, 0, 0, 1, 0), MeasureCost("a", 100, 1, 0, 0, 1, 0)])
    assert list(tie["id"]) == ["a", "b"]
    assert isinstance(macc([]), pd.DataFrame) and macc([]).empty
    with pytest.raises(ValueError):
        macc([ms[0], ms[0]])


def test_measure_cost_uses_the_annuity_of_its_capex():
    m = MeasureCost("hp", 1_000_000, 20, 5_000, -50_000, 100, 0.08)
    assert m.annual_cost_cny == pytest.approx(1_000_000 * 0.1018522 + 5_000 - 50_000, abs=0.1)
    assert m.cost_cny_per_tco2 == pytest.approx(m.annual_cost_cny / 100)

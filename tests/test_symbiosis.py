"""Symbiosis exchanges: physics against hand computations, and a Kalundborg-like case.

Factors used by hand (data/symbiosis_factors.csv, data/constants.csv):
- saturated steam h_g = 2,777.1 kJ/kg at 1.0 MPa, 2,791.0 at 1.5 MPa, 2,798.3 at 2.0 MPa; feed water at
  20 °C h_f = 83.9 kJ/kg (IAPWS steam tables as printed in Çengel & Boles, Tables A-4/A-5);
- raw coal NCV 20.908 GJ/t, 1.9003 tCO₂/t; natural gas 38.931 GJ/1000 m³, 2.1622 tCO₂/1000 m³; diesel
  42.652 GJ/t, 3.0959 tCO₂/t (GB/T 2589 + provincial inventory guideline compilation, constants.csv);
- boiler efficiencies: coal 0.80 (assumption), gas 0.925 (DEA), oil 0.85 (assumption);
- heat-pump COP = 0.535 × T_sink / (T_sink − T_source) in kelvin (docs/methods.md);
- mined gypsum 20 kgCO₂/t, clinker 830 kgCO₂/t, fresh-water supply 0.35 kWh/m³, pipe pumping
  0.02 kWh/(m³ km), polishing 0.3 kWh/m³ (assumptions / derived, symbiosis_factors.csv).
"""

from __future__ import annotations

import pandas as pd
import pytest

from parktwin.data import table
from parktwin.economics.catalogue import price_cny
from parktwin.symbiosis.exchanges import (
    Exchange,
    both_gain,
    effects,
    effects_table,
    exchange_npv,
    heat_pump_cop,
    steam_enthalpy_kj_per_kg,
    steam_useful_heat_gj_per_t,
)


def test_steam_to_a_coal_boiler_equals_hand_physics():
    x = Exchange("S", "power plant", "dyehouse", "steam", 10_000, "t/yr", receiver_fuel="coal", pressure_mpa=1.0)
    e = effects(x)
    # (2,777.1 − 83.9) kJ/kg = 2,693.2 kJ/kg → 10,000 t × 2.6932 GJ/t = 26,932 GJ of useful heat
    heat = 10_000 * (2777.1 - 83.9) / 1000
    assert steam_useful_heat_gj_per_t(1.0) == pytest.approx(2.6932)
    assert e.heat_delivered_gj == pytest.approx(heat) == pytest.approx(26_932)
    # coal not burnt: 26,932 GJ / 0.80 / 20.908 GJ/t = 1,610.15 t → × 1.9003 tCO₂/t = 3,059.8 tCO₂
    coal = heat / 0.80 / 20.908
    assert e.fuel_saved == {"coal": pytest.approx(coal)}
    assert coal == pytest.approx(1610.149, rel=1e-6)
    assert e.co2_avoided_tco2 == pytest.approx(coal * 1.9003) == pytest.approx(3059.77, rel=1e-5)
    assert e.fuel_saved_tce == pytest.approx(coal * 0.7143)
    assert e.net_avoided_tco2 == pytest.approx(e.co2_avoided_tco2)


def test_steam_to_a_gas_boiler_interpolates_the_table():
    # 1.6 MPa: h_g = 2,791.0 + 0.2 × (2,798.3 − 2,791.0) = 2,792.46 kJ/kg
    assert steam_enthalpy_kj_per_kg(1.6) == pytest.approx(2792.46)
    x = Exchange("S", "CHP", "pharma", "steam", 1_000, "t/yr", receiver_fuel="natural_gas", pressure_mpa=1.6)
    heat = 1_000 * (2792.46 - 83.9) / 1000                       # 2,708.56 GJ
    gas_km3 = heat / 0.925 / 38.931                               # 75.21 thousand m³
    e = effects(x)
    assert e.fuel_saved["natural_gas"] == pytest.approx(gas_km3 * 1000)
    assert e.co2_avoided_tco2 == pytest.approx(gas_km3 * 2.1622)  # 162.6 tCO₂ → 0.163 tCO₂ per t steam
    # superheat to 250 °C at 1.0 MPa: 2,777.1 + 2.29 × (250 − 179.88)
    assert steam_enthalpy_kj_per_kg(1.0, 250) == pytest.approx(2777.1 + 2.29 * 70.12)
    with pytest.raises(ValueError):
        steam_enthalpy_kj_per_kg(10.0)


def test_supplier_extra_fuel_is_charged():
    x = Exchange("S", "boiler house", "plant", "steam", 10_000, "t/yr", receiver_fuel="coal", pressure_mpa=1.0,
                 supplier_extra_fuel_share=0.5, supplier_fuel="natural_gas")
    e = effects(x)
    assert e.supplier_co2_added_tco2 == pytest.approx(26_932 * 0.5 / 0.925 / 38.931 * 2.1622)
    assert e.net_scope12_avoided_tco2 == pytest.approx(e.co2_avoided_tco2 - e.supplier_co2_added_tco2)


def test_waste_heat_with_a_heat_pump_and_pumping():
    x = Exchange("H", "enzymes", "district heating", "waste_heat", 10_000, "GJ/yr", distance_km=2,
                 temperature_c=35, use_temperature_c=75, receiver_fuel="natural_gas")
    e = effects(x)
    cop = 0.535 * (75 + 273.15) / 40                              # 4.656
    assert heat_pump_cop(35, 75) == pytest.approx(cop)
    kwh = 10_000 / cop / 0.0036 + 10_000 * 2 * 0.25               # heat pump + pipe pumping
    assert e.electricity_added_kwh == pytest.approx(kwh)
    assert e.co2_avoided_tco2 == pytest.approx(10_000 / 0.925 / 38.931 * 2.1622)
    assert e.scope2_added_tco2 == pytest.approx(kwh * 0.5306 / 1000)
    assert effects(x, grid_kgco2_per_kwh=0.0).scope2_added_tco2 == 0.0


def test_gypsum_fly_ash_and_water():
    g = effects(Exchange("G", "power plant", "plasterboard", "gypsum", 100_000, "t/yr", distance_km=10, transport="truck"))
    assert g.avoided_material == "mined gypsum" and g.avoided_material_t == 100_000
    assert g.scope3_avoided_tco2 == pytest.approx(100_000 * 20 / 1000)              # 2,000 t
    assert g.supplier_co2_added_tco2 == pytest.approx(100_000 * 10 * 0.025 / 1000 * 3.0959)  # trucking diesel
    f = effects(Exchange("F", "power plant", "cement", "fly_ash", 1_000, "t/yr"))
    assert f.scope3_avoided_tco2 == pytest.approx(830)                             # 520 calcination + 310 fuel
    w = effects(Exchange("W", "refinery", "power plant", "treated_water", 100_000, "m3/yr", distance_km=3))
    assert w.water_saved_m3 == 100_000
    assert w.electricity_saved_kwh == pytest.approx(100_000 * 0.35)
    assert w.electricity_added_kwh == pytest.approx(100_000 * (0.3 + 3 * 0.02))
    with pytest.raises(ValueError):
        Exchange("bad", "a", "b", "steam", 1, "GJ/yr")


def test_both_gain_uses_prices_and_a_shared_transfer_price():
    x = Exchange("S", "CHP", "dyehouse", "steam", 10_000, "t/yr", receiver_fuel="coal", capex_cny=2_000_000, lifetime_yr=20)
    # receiver saves 1,610.15 t coal × 750 CNY/t = 1.2076 M CNY/yr; the supplier has no cost (surplus steam)
    r = exchange_npv(x, discount_rate=0.08)
    pv = (1 - 1.08 ** -20) / 0.08
    total = 1610.149 * price_cny("coal", 2025) * pv - 2_000_000
    assert r["total_npv_cny"] == pytest.approx(total, rel=1e-5)
    assert r["receiver_npv_cny"] == pytest.approx(r["supplier_npv_cny"]) == pytest.approx(total / 2, rel=1e-5)
    assert both_gain(x, discount_rate=0.08)
    # a transfer price above the receiver's saving per t (≈121 CNY/t) leaves it worse off
    assert not both_gain(Exchange(**{**x.__dict__, "transfer_price_cny_per_unit": 200.0}), discount_rate=0.08)
    # a pipeline far too expensive for the fuel saved: nobody gains
    assert not both_gain(Exchange(**{**x.__dict__, "capex_cny": 50_000_000}), discount_rate=0.08)
    # cheap coal makes the saving smaller: prices override data/prices.csv
    low = exchange_npv(x, prices={"coal": 100.0}, discount_rate=0.08)
    assert low["total_npv_cny"] == pytest.approx(1610.149 * 100 * pv - 2_000_000, rel=1e-5)


def test_factors_have_sources():
    df = table("symbiosis_factors")
    assert df["name"].is_unique and df["source"].str.len().min() > 10


# -- a Kalundborg-like case -----------------------------------------------------------------------
# The quantities below are ASSUMPTIONS for the case, chosen to be plausible for the partners
# (a coal CHP, a refinery, an insulin and an enzyme plant, a plasterboard works, the utility and
# town); they are not Kalundborg's metered flows. Counterfactuals: the pharma/enzyme sites would
# run gas boilers, the refinery and the town oil boilers (light oil counted with diesel factors),
# the CHP would burn coal in place of the refinery's surplus gas. The CHP's extraction steam is
# counted as surplus (no supplier fuel), as separate-production comparisons usually do.
A, R, NN, NZ, G, KF, T = "Asnæs power station", "refinery", "Novo Nordisk", "Novozymes", "Gyproc", "Kalundborg Forsyning", "Kalundborg town"
KALUNDBORG_LIKE = [
    # steam (t/yr, saturated)
    Exchange("S1", A, NN, "steam", 700_000, "t/yr", distance_km=3, pressure_mpa=1.6, receiver_fuel="natural_gas"),
    Exchange("S2", A, NZ, "steam", 600_000, "t/yr", distance_km=3, pressure_mpa=1.6, receiver_fuel="natural_gas"),
    Exchange("S3", A, R, "steam", 150_000, "t/yr", distance_km=2, pressure_mpa=1.6, receiver_fuel="diesel"),
    Exchange("S4", R, NN, "steam", 50_000, "t/yr", distance_km=1, pressure_mpa=1.0, receiver_fuel="natural_gas"),
    # heat (GJ/yr)
    Exchange("H1", A, T, "waste_heat", 400_000, "GJ/yr", distance_km=5, temperature_c=95, use_temperature_c=90, receiver_fuel="diesel"),
    Exchange("H2", A, "fish farm", "waste_heat", 150_000, "GJ/yr", distance_km=1, temperature_c=30, use_temperature_c=25, receiver_fuel=None),
    Exchange("H3", NZ, KF, "waste_heat", 80_000, "GJ/yr", distance_km=2, temperature_c=35, use_temperature_c=75, receiver_fuel="natural_gas"),
    Exchange("H4", R, KF, "waste_heat", 150_000, "GJ/yr", distance_km=3, temperature_c=95, use_temperature_c=80, receiver_fuel="natural_gas"),
    Exchange("H5", NN, KF, "waste_heat", 50_000, "GJ/yr", distance_km=2, temperature_c=40, use_temperature_c=75, receiver_fuel="natural_gas"),
    # surplus refinery gas (GJ/yr), otherwise flared
    Exchange("G1", R, A, "fuel_gas", 1_500_000, "GJ/yr", distance_km=2, receiver_fuel="coal"),
    Exchange("G2", R, G, "fuel_gas", 600_000, "GJ/yr", distance_km=1, receiver_fuel="diesel"),
    # fermentation residues to biogas (t/yr); the biogas replaces natural gas
    Exchange("B1", f"{NN} and {NZ}", "biogas plant", "organic_residue", 300_000, "t/yr"),
    # water (m³/yr)
    Exchange("W1", R, A, "cooling_water", 700_000, "m3/yr", distance_km=2),
    Exchange("W2", R, A, "treated_water", 250_000, "m3/yr", distance_km=2),
    Exchange("W3", KF, A, "treated_water", 400_000, "m3/yr", distance_km=3),
    Exchange("W4", NZ, A, "treated_water", 300_000, "m3/yr", distance_km=3),
    Exchange("W5", NN, A, "treated_water", 250_000, "m3/yr", distance_km=3),
    Exchange("W6", R, A, "cooling_water", 150_000, "m3/yr", distance_km=2),
    Exchange("W7", A, R, "treated_water", 200_000, "m3/yr", distance_km=2),
    Exchange("W8", KF, NN, "treated_water", 300_000, "m3/yr", distance_km=2),
    # materials (t/yr, by truck)
    Exchange("M1", A, G, "gypsum", 130_000, "t/yr", distance_km=1, transport="truck"),
    Exchange("M2", "plasterboard recycling", G, "gypsum", 10_000, "t/yr", distance_km=30, transport="truck"),
    Exchange("M3", A, "cement works", "fly_ash", 30_000, "t/yr", distance_km=150, transport="truck"),
    Exchange("M4", A, "road building", "slag", 20_000, "t/yr", distance_km=20, transport="truck"),
    Exchange("M5", R, "acid plant", "spent_acid", 8_000, "t/yr", distance_km=5, transport="truck"),
    Exchange("M6", NN, "farmers", "residue", 10_000, "t/yr", distance_km=30, transport="truck", note="yeast slurry to feed"),
    Exchange("M7", NZ, "farmers", "residue", 15_000, "t/yr", distance_km=30, transport="truck", note="biomass to fertiliser"),
    Exchange("M8", KF, "soil remediation", "residue", 5_000, "t/yr", distance_km=10, transport="truck", note="sludge"),
    Exchange("M9", A, "metal recovery", "residue", 1_000, "t/yr", distance_km=200, transport="truck", note="fly-ash metals"),
    Exchange("M10", "fish farm", "farmers", "residue", 1_000, "t/yr", distance_km=20, transport="truck", note="fish sludge"),
]

# docs/reference-facts.md §6 (secondary): CO₂ 635,000 t (EMF, c.2020) and 586,000 t (later report);
# water 3 Mm³ (2008, 2010), 3.6 Mm³ (EMF), 4 Mm³ groundwater (later); FGD gypsum 100,000 t (2008) –
# 150,000 t (2010); materials 62,000 t residues (later) – 87,000 t (EMF); oil 20,000 t (2008).
PUBLISHED = {
    "co2_t": (586_000, 635_000),
    "water_m3": (3_000_000, 4_000_000),
    "gypsum_t": (100_000, 150_000),
    "other_materials_t": (62_000, 87_000),
    "oil_t": (20_000, 20_000),
}


def kalundborg_comparison() -> pd.DataFrame:
    t = effects_table(KALUNDBORG_LIKE)
    modelled = {
        "co2_t": t["net_avoided_tco2"].sum(),
        "water_m3": t["water_saved_m3"].sum(),
        "gypsum_t": t.loc[t["kind"] == "gypsum", "material_reused_t"].sum(),
        "other_materials_t": t.loc[t["kind"].isin(["fly_ash", "slag", "spent_acid", "residue"]), "material_reused_t"].sum(),
        "oil_t": t["fuel_saved_diesel"].sum(),
    }
    rows = [(k, v, *PUBLISHED[k], v / PUBLISHED[k][1], v / PUBLISHED[k][0]) for k, v in modelled.items()]
    return pd.DataFrame(rows, columns=["quantity", "modelled", "published_low", "published_high", "ratio_to_high", "ratio_to_low"])


def test_kalundborg_like_totals_within_a_factor_of_two_of_published():
    assert 25 <= len(KALUNDBORG_LIKE) <= 35
    assert len({x.id for x in KALUNDBORG_LIKE}) == len(KALUNDBORG_LIKE)
    cmp = kalundborg_comparison()
    print("\n" + cmp.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    for r in cmp.itertuples():
        # within a factor of two of the published range: modelled ∈ [low / 2, high × 2]
        assert r.published_low / 2 <= r.modelled <= r.published_high * 2, r.quantity
    co2 = cmp.set_index("quantity").loc["co2_t", "modelled"]
    assert co2 == pytest.approx(519_315, rel=1e-3)  # regression of the case's arithmetic


def test_kalundborg_like_steam_dominates_and_exchanges_mostly_pay():
    t = effects_table(KALUNDBORG_LIKE)
    by_kind = t.groupby("kind")["net_avoided_tco2"].sum()
    assert by_kind["steam"] + by_kind["fuel_gas"] > 0.8 * t["net_avoided_tco2"].sum()
    # surplus steam over a 3 km pipe paid for by both sides at a shared price (capex assumed 5 M CNY/km)
    s1 = Exchange(**{**KALUNDBORG_LIKE[0].__dict__, "capex_cny": 15_000_000})
    assert both_gain(s1, discount_rate=0.08)

"""Symbiosis exchanges in the run (agents/exchange.py, kernel wiring): decided when both sides gain,
commissioned as SimPy projects, their CO₂ and resource effects equal the hand-computed physics.

Hand factors (data/symbiosis_factors.csv, data/constants.csv): saturated steam at 1.0 MPa
h_g = 2,777.1 kJ/kg, feed water 83.9 kJ/kg (Çengel & Boles Tables A-4/A-5) → 2.6932 GJ/t;
coal boiler efficiency 0.80 (assumption), raw coal 20.908 GJ/t and 1.9003 tCO₂/t (GB/T 2589
compilation, reference-facts §2).
"""

from __future__ import annotations

import pandas as pd
import pytest
from builders import PARK, scenario

from parktwin import run
from parktwin.spec.park import Park

SUPPLIER = {"id": "chp", "name": "CHP", "sector": "chemicals", "value_added_mcny": 50.0,
            "energy": {"electricity_mwh": 1000.0}, "shift_pattern": "continuous"}
STEAM = {"id": "steam_1", "supplier": "chp", "receiver": "works", "kind": "steam", "quantity": 2000.0,
         "pressure_mpa": 1.0, "receiver_fuel": "coal", "capex_cny": 100_000.0, "lead_time_days": 0}


def park(*exchanges, enterprises=None) -> dict:
    return {"enterprises": enterprises or [PARK["enterprises"][0], SUPPLIER], "exchanges": list(exchanges)}


def scope1(res, year: int) -> float:
    e = res.emissions
    return float(e[(e["year"] == year) & (e["scope"] == "1") & (e["method"] == "all")]["emissions_tco2"].sum())


def test_steam_exchange_cuts_the_receivers_coal_by_the_hand_physics():
    base = run(scenario(park()), seed=0)
    res = run(scenario(park(STEAM)), seed=0)
    # 2,000 t × 2.6932 GJ/t = 5,386.4 GJ; / 0.80 / 20.908 GJ/t = 322.03 t coal; × 1.9003 = 611.95 tCO₂
    coal_t = 2000 * (2777.1 - 83.9) / 1000 / 0.80 / 20.908
    assert coal_t == pytest.approx(322.03, rel=1e-4)
    # decided at the start of 2026 with no lead time: runs the whole of 2026 and 2027
    for year in (2026, 2027):
        assert scope1(base, year) - scope1(res, year) == pytest.approx(coal_t * 1.9003, rel=1e-9)
        x = res.exchanges[(res.exchanges["year"] == year)].iloc[0]
        assert x["status"] == "running" and x["running_share"] == 1.0
        assert x["receiver_co2_avoided_tco2"] == pytest.approx(coal_t * 1.9003, rel=1e-9)
    assert scope1(base, 2025) == scope1(res, 2025)  # the base year is before any decision
    en = res.energy
    coal = en[(en["entity"] == "works") & (en["carrier"] == "coal")].set_index("year")["quantity"]
    assert coal[2025] - coal[2026] == pytest.approx(coal_t, rel=1e-9)
    ev = res.events[res.events["origin"] == "symbiosis"]
    assert list(ev["id"]) == ["steam_1"] and list(ev["year"]) == [2026] and ev["kind"].iloc[0] == "symbiosis_exchange"
    inv = res.investments[res.investments["project"] == "steam_1"]
    assert list(inv["capex_cny"]) == [100_000.0] and inv["technology"].iloc[0] == "symbiosis_exchange"
    assert res.year(2026)["new_eco_chain_projects"] == 1 and res.year(2025)["new_eco_chain_projects"] == 0


def test_a_lead_time_counts_the_part_of_the_year_it_runs():
    res = run(scenario(park({**STEAM, "lead_time_days": 73})), seed=0)   # 73 days = 1,752 h = 0.2 of 8,760 h
    x = res.exchanges.set_index("year")
    assert x.loc[2026, "running_share"] == pytest.approx(0.8)
    coal_t = 2000 * (2777.1 - 83.9) / 1000 / 0.80 / 20.908
    assert x.loc[2026, "receiver_co2_avoided_tco2"] == pytest.approx(0.8 * coal_t * 1.9003, rel=1e-9)
    # SimPy time: decided at the first hour of 2026 (global hour 8,760), delivering 1,752 h later
    ev = res.events[res.events["origin"] == "symbiosis"].iloc[0]
    assert (ev["decided_hour"], ev["hour"], ev["year"]) == (8760.0, 1752.0, 2026)
    # its capex is in that year's system cost, its opex (none here) in the fixed O&M
    assert res.year(2026)["capex_cny"] == pytest.approx(100_000.0)


def test_an_exchange_where_one_side_loses_never_commissions():
    # a transfer price of 500 CNY/t steam is above the receiver's saving (0.161 t coal × coal price per t)
    for losing in ({**STEAM, "transfer_price_cny_per_unit": 500.0}, {**STEAM, "capex_cny": 5.0e8}):
        base = run(scenario(park()), seed=0)
        res = run(scenario(park(losing)), seed=0)
        assert (res.exchanges["status"] == "candidate").all()
        assert (res.exchanges["running_share"] == 0).all()
        assert res.events[res.events["origin"] == "symbiosis"].empty
        assert "steam_1" not in set(res.investments["project"])
        for year in (2025, 2026, 2027):
            assert scope1(res, year) == scope1(base, year)
        npv = res.exchanges.iloc[-1]
        assert min(npv["receiver_npv_cny"], npv["supplier_npv_cny"]) <= 0


def test_water_and_material_exchanges_feed_the_resource_accounts():
    water = {"fresh_water_m3": 100_000, "reused_water_m3": 300_000, "wastewater_m3": 80_000}
    works = {**PARK["enterprises"][0], "water": water, "solid_waste": {"generated_t": 1_000, "utilised_t": 500}}
    chp = {**SUPPLIER, "water": water, "solid_waste": {"generated_t": 20_000, "utilised_t": 5_000}}
    xs = [
        {"id": "w", "supplier": "chp", "receiver": "works", "kind": "treated_water", "quantity": 40_000, "lead_time_days": 0},
        {"id": "g", "supplier": "chp", "receiver": "external:plasterboard", "kind": "gypsum", "quantity": 10_000,
         "lead_time_days": 0},
    ]
    res = run(scenario(park(*xs, enterprises=[works, chp])), seed=0)
    r = res.resources.set_index("year")
    # works' fresh water 100,000 − 40,000; reclaimed 40,000; reuse = 600,000 / (600,000 + 160,000 + 40,000) = 0.75
    assert r.loc[2026, "fresh_water_m3"] == pytest.approx(160_000)
    assert r.loc[2026, "industrial_water_reuse_share"] == pytest.approx(0.75)
    assert r.loc[2026, "reclaimed_water_reuse_share"] == pytest.approx(40_000 / 160_000)
    # solid waste (500 + 5,000 + 10,000) / 21,000
    assert r.loc[2026, "industrial_solid_waste_use_share"] == pytest.approx(15_500 / 21_000)
    assert r.loc[2025, "industrial_solid_waste_use_share"] == pytest.approx(5_500 / 21_000)
    # gypsum to an outside plasterboard works: scope 3 only, 10,000 t × 20 kgCO₂/t mined gypsum
    assert res.year(2026)["symbiosis_scope3_avoided_tco2"] == pytest.approx(200.0)


def test_same_seed_same_numbers_with_exchanges():
    sc = scenario(park(STEAM, {**STEAM, "id": "steam_2", "quantity": 500.0, "lead_time_days": 100}),
                  decisions={"enabled": True})
    a, b = run(sc, seed=3), run(sc, seed=3)
    for name in ("annual", "emissions", "exchanges", "resources", "events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_exchange_references_are_checked():
    from parktwin.spec.load import park_cross_problems

    doc = park({**STEAM, "receiver": "nobody"})
    problems = park_cross_problems(doc, "park.yaml")
    assert [(p.field, "nobody" in p.message) for p in problems] == [("exchanges.0.receiver", True)]
    # a by-product exchange may not send more than its supplier says it generates of that kind
    chp = {**SUPPLIER, "solid_waste": {"generated_t": 20_000, "kinds_t": {"gypsum": 8_000}}}
    gypsum = {"id": "g", "supplier": "chp", "receiver": "works", "kind": "gypsum", "quantity": 10_000}
    problems = park_cross_problems(park(gypsum, enterprises=[PARK["enterprises"][0], chp]), "park.yaml")
    assert [p.field for p in problems] == ["exchanges.0.quantity"] and "8000" in problems[0].message
    with pytest.raises(ValueError, match="at least one side"):
        Park.model_validate({**PARK, "exchanges": [{**STEAM, "supplier": "external:a", "receiver": "external:b"}]})


def test_the_decision_values_only_the_fuel_the_receiver_burns():
    from parktwin.symbiosis.exchanges import Exchange, exchange_npv

    # the builder firm burns 1,000 t coal; 10,000 t of steam would replace 1,610.15 t (tests/test_symbiosis.py):
    # valued as 1,000 / 1,610.15 of the steam, 6,210.6 t, with the full capex
    big = {**STEAM, "quantity": 10_000.0, "capex_cny": 3_000_000.0}
    res = run(scenario(park(big)), seed=0)
    x = res.exchanges.set_index("year").loc[2026]
    share = 1000.0 / (10_000 * (2777.1 - 83.9) / 1000 / 0.80 / 20.908)
    hand = exchange_npv(Exchange("steam_1", "chp", "works", "steam", 10_000 * share, "t/yr", capex_cny=3_000_000.0,
                                 pressure_mpa=1.0), discount_rate=0.08, year=2026,
                        carbon_price_cny_per_tco2=res.year(2026)["carbon_price_cny_per_tco2"])
    assert x["receiver_npv_cny"] == pytest.approx(hand["receiver_npv_cny"], rel=1e-9)
    # in the run it can only save the 1,000 t the firm burns
    assert x["receiver_co2_avoided_tco2"] == pytest.approx(1000 * 1.9003, rel=1e-9)
    # a receiver that burns no coal gains nothing: the exchange never commissions
    reverse = {**STEAM, "supplier": "works", "receiver": "chp"}
    res = run(scenario(park(reverse)), seed=0)
    assert (res.exchanges["status"] == "candidate").all()


def test_an_exchange_follows_its_suppliers_output_unless_it_is_a_fixed_contract():
    # the supplier grows 10 %/yr (activity 1.1 in 2026, 1.21 in 2027), the receiver not at all
    growth = {"default_share_per_yr": 0.0, "intensity_decline_share_per_yr": 0.0, "by_firm_share_per_yr": {"chp": 0.1}}
    coal_t = 2000 * (2777.1 - 83.9) / 1000 / 0.80 / 20.908  # 322.03 t for the stated 2,000 t of steam
    scaled = run(scenario(park(STEAM), growth=growth), seed=0)
    fixed = run(scenario(park({**STEAM, "scales_with_supplier": False}), growth=growth), seed=0)
    base = run(scenario(park(), growth=growth), seed=0)
    for year, activity in ((2026, 1.1), (2027, 1.21)):
        assert scope1(base, year) - scope1(scaled, year) == pytest.approx(coal_t * activity * 1.9003, rel=1e-9)
        assert scope1(base, year) - scope1(fixed, year) == pytest.approx(coal_t * 1.9003, rel=1e-9)
        x = scaled.exchanges.set_index("year").loc[year]
        assert (x["running_share"], x["delivered"]) == pytest.approx((1.0, 2000 * activity))


def test_a_growing_supplier_never_gives_more_than_the_receiver_can_take():
    # 5,000 t of steam = 805.1 t coal; the supplier grows 50 %/yr: 1.5 × 805.1 = 1,207.6 t in 2026,
    # more than the 1,000 t of coal the receiver burns: it saves exactly its 1,000 t
    growth = {"default_share_per_yr": 0.0, "intensity_decline_share_per_yr": 0.0, "by_firm_share_per_yr": {"chp": 0.5}}
    res = run(scenario(park({**STEAM, "quantity": 5000.0, "capex_cny": 1_000_000.0}), growth=growth), seed=0)
    x = res.exchanges.set_index("year").loc[2026]
    assert x["status"] == "running"
    assert x["receiver_co2_avoided_tco2"] == pytest.approx(1000 * 1.9003, rel=1e-9)
    en = res.energy
    assert en[(en["entity"] == "works") & (en["carrier"] == "coal") & (en["year"] == 2026)]["quantity"].sum() == 0.0  # none left

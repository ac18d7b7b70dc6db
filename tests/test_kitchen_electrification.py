"""Kitchen electrification (building retrofit ``kitchen_electrification``), by hand.

A canteen's per-m² gas (``natural_gas_m3_per_m2``) is its kitchen gas. Electrifying a share s of
a canteen of A m² burning g m³/m² a year removes s·A·g m³ of gas and adds the electricity that
cooks the same food: s·A·g × NCV × η_gas / η_electric. The numbers written out below are the
rows they come from, so a change of a data row shows up as a failing hand sum:

- NCV of natural gas 38.931 GJ/1000 m³ (data/constants.csv natural_gas_ncv_gj_per_km3);
- gas cooking 0.32 and induction 0.85 of the energy into the food (data/constants.csv
  kitchen_gas_cooking_efficiency, kitchen_electric_cooking_efficiency; ENERGY STAR via CalMTA);
- 2.1622 kgCO₂/m³ of gas (data/constants.csv natural_gas_kgco2_per_km3);
- 300 CNY per m² retrofitted, 2025 CNY (data/technologies.csv retrofit_kitchen_electrification);
- kitchen electrification covers canteens only (data/building_retrofits.csv).
"""

from __future__ import annotations

import pytest
from builders import scenario

from parktwin.api import run
from parktwin.planning.candidates import survey
from parktwin.spec.scenario import BuildingPolicy

A_M2, G_M3_PER_M2, SHARE = 9_000.0, 45.0, 0.5  # the demo park's central canteen, half its kitchen
NCV_GJ_PER_KM3, ETA_GAS, ETA_ELECTRIC = 38.931, 0.32, 0.85
KWH_PER_GJ = 1e6 / 3600.0

CANTEEN = {"id": "canteen", "kind": "canteen", "floor_area_m2": A_M2, "electricity_kwh_per_m2": 160,
           "natural_gas_m3_per_m2": G_M3_PER_M2}
OFFICE = {"id": "hq", "kind": "office", "floor_area_m2": 10_000, "electricity_kwh_per_m2": 100, "natural_gas_m3_per_m2": 5}


def _park(*buildings):
    return {"fleets": [], "buildings": list(buildings)}


def _item(share=SHARE, year=2026, id_="kitchen"):
    return {"id": id_, "kind": "building_retrofit", "year": year, "measure": "kitchen_electrification", "floor_share": share}


def _by_year(res, entity: str, carrier: str) -> dict[int, float]:
    e = res.energy
    rows = e[(e["entity"] == entity) & (e["carrier"] == carrier)]
    return dict(zip(rows["year"], rows["quantity"]))


def test_gas_falls_by_s_a_g_and_electricity_rises_by_the_cooking_efficiency_ratio():
    base = run(scenario(park=_park(CANTEEN, OFFICE)), seed=0)
    res = run(scenario(park=_park(CANTEEN, OFFICE), roadmap=[_item()]), seed=0)  # commissions 1 Jan 2026
    gas_km3 = SHARE * A_M2 * G_M3_PER_M2 / 1000.0  # 202.5 thousand m³
    kwh = gas_km3 * NCV_GJ_PER_KM3 * KWH_PER_GJ * ETA_GAS / ETA_ELECTRIC  # ≈ 824,421 kWh
    gas0, gas1 = _by_year(base, "canteen", "natural_gas"), _by_year(res, "canteen", "natural_gas")
    el0, el1 = _by_year(base, "canteen", "electricity"), _by_year(res, "canteen", "electricity")
    assert gas0[2026] - gas1[2026] == pytest.approx(gas_km3, rel=1e-12)
    assert el1[2026] - el0[2026] == pytest.approx(kwh / 1000.0, rel=1e-9)
    assert el1[2026] - el0[2026] == pytest.approx(824.421, abs=1e-3)
    assert gas1[2025] == gas0[2025] and el1[2025] == el0[2025]  # before it: unchanged
    # the office's per-m² gas is not kitchen gas: untouched, nothing bought for it
    assert _by_year(res, "hq", "natural_gas") == _by_year(base, "hq", "natural_gas")
    inv = res.investments[res.investments["technology"] == "retrofit_kitchen_electrification"]
    assert list(inv["entity"]) == ["canteen"]
    assert inv["capacity"].sum() == pytest.approx(SHARE * A_M2, rel=1e-12)
    assert inv["capex_cny"].sum() == pytest.approx(SHARE * A_M2 * 300.0, rel=1e-9)  # 1.35 million CNY
    # the inventory follows: the canteen's scope-1 gas CO₂ falls by the gas removed × 2.1622 t/1000 m³
    em0, em1 = base.emissions, res.emissions
    scope1 = {n: em[(em["entity"] == "canteen") & (em["year"] == 2026) & (em["scope"].astype(str) == "1")]["emissions_tco2"].sum()
              for n, em in (("base", em0), ("res", em1))}
    assert scope1["base"] - scope1["res"] == pytest.approx(gas_km3 * 2.1622, rel=1e-9)


def test_a_second_item_covers_the_rest_of_the_kitchen_and_the_gas_is_gone():
    res = run(scenario(park=_park(CANTEEN), roadmap=[_item(0.6, 2026, "k1"), _item(1.0, 2027, "k2")]), seed=0)
    gas = _by_year(res, "canteen", "natural_gas")
    assert gas[2026] == pytest.approx(0.4 * A_M2 * G_M3_PER_M2 / 1000.0, rel=1e-12)
    assert 2027 not in gas  # floor shares add up: 60 % then the remaining 40 %, no gas left
    el = _by_year(res, "canteen", "electricity")
    kitchen_mwh = A_M2 * G_M3_PER_M2 / 1000.0 * NCV_GJ_PER_KM3 * KWH_PER_GJ * ETA_GAS / ETA_ELECTRIC / 1000.0
    assert el[2027] == pytest.approx(A_M2 * 160 / 1000.0 + kitchen_mwh, rel=1e-9)
    inv = res.investments[res.investments["technology"] == "retrofit_kitchen_electrification"]
    assert inv["capacity"].sum() == pytest.approx(A_M2, rel=1e-12)  # 60 % + 40 % of the floor, bought once each


def test_the_planner_admits_it_only_where_a_canteen_burns_gas():
    def kitchen(park):
        cands, skipped = survey(scenario(park=park))
        return ([c for c in cands if c.option == "kitchen_electrification"],
                [s for s in skipped if s.option == "kitchen_electrification"])

    admitted, _ = kitchen(_park(CANTEEN, OFFICE))
    assert len(admitted) == 1 and admitted[0].max_value == 1.0
    electric_canteen = {**CANTEEN, "natural_gas_m3_per_m2": 0.0}
    admitted, skipped = kitchen(_park(electric_canteen, OFFICE))  # the office's gas is not kitchen gas
    assert admitted == [] and len(skipped) == 1 and "no building it acts on" in skipped[0].reason


def test_it_is_not_one_of_the_owners_default_measures():
    # buildings.retrofit_measures defaults stay as before, so scenarios written before the measure keep their results
    assert "kitchen_electrification" not in BuildingPolicy().retrofit_measures
    assert "kitchen_electrification" in BuildingPolicy(retrofit_measures=["kitchen_electrification"]).retrofit_measures


def test_the_owner_weighs_the_gas_and_carbon_saved_against_the_electricity_bought():
    from parktwin.kernel.model import ParkModel

    policy = {"retrofit_measures": ["lighting", "kitchen_electrification"]}
    model = ParkModel(scenario(park=_park(CANTEEN, OFFICE), buildings=policy), seed=0)
    options = {o.measure: o for o in model.buildings["canteen"].retrofit_options(2026, 0.6, 3_000.0, 100.0)}
    gas_km3 = A_M2 * G_M3_PER_M2 / 1000.0  # all 405 thousand m³ of the canteen's kitchen gas
    kwh = gas_km3 * NCV_GJ_PER_KM3 * KWH_PER_GJ * ETA_GAS / ETA_ELECTRIC
    co2_t = gas_km3 * 2.1622
    om_cny = A_M2 * 300.0 * 0.02  # technologies.csv: fixed O&M 2 %/yr of 300 CNY/m²
    k = options["kitchen_electrification"]
    assert k.capex_cny == pytest.approx(A_M2 * 300.0, rel=1e-9)
    assert k.co2_saved_tco2_per_yr == pytest.approx(co2_t, rel=1e-9)
    assert k.saving_cny_per_yr == pytest.approx(gas_km3 * 3_000.0 + co2_t * 100.0 - kwh * 0.6 - om_cny, rel=1e-9)
    assert k.lifetime_yr == 12
    # the office has no kitchen to electrify: only lighting is weighed there
    assert [o.measure for o in model.buildings["hq"].retrofit_options(2026, 0.6, 3_000.0, 100.0)] == ["lighting"]


def test_a_canteen_already_cooking_with_electricity_buys_nothing():
    electric = {**CANTEEN, "id": "electric_canteen", "natural_gas_m3_per_m2": 0.0}
    res = run(scenario(park=_park(CANTEEN, electric), roadmap=[_item(1.0)]), seed=0)
    inv = res.investments[res.investments["technology"] == "retrofit_kitchen_electrification"]
    assert list(inv["entity"]) == ["canteen"]  # the roadmap item names all buildings; only the gas kitchen is refitted
    assert _by_year(res, "electric_canteen", "electricity")[2026] == pytest.approx(A_M2 * 160 / 1000.0, rel=1e-12)

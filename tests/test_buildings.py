"""Building stock by kind and vintage, retrofits and new floor area under a standard, by hand.

Expected values are floor area × intensity × the shares in data/building_stock.csv,
data/building_retrofits.csv and data/building_standards.csv (all assumptions, cited there),
written out here so a change of a data row shows up as a failing hand sum.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import scenario

from parktwin.api import run
from parktwin.kernel.model import ParkModel

NO_FLEET = {"fleets": []}


def _elec_mwh(res, entity: str) -> dict[int, float]:
    e = res.energy
    rows = e[(e["entity"] == entity) & (e["carrier"] == "electricity")]
    return dict(zip(rows["year"], rows["quantity"]))


def _park(*buildings):
    return {**NO_FLEET, "buildings": list(buildings)}


def test_an_unstated_intensity_comes_from_the_kind_and_vintage():
    # building_stock.csv: office built 1900-2004 130 kWh/m², 2005-2015 115, 2016+ 100
    old = {"id": "old", "kind": "office", "floor_area_m2": 10_000, "vintage_year": 1998}
    mid = {"id": "mid", "kind": "office", "floor_area_m2": 10_000, "vintage_year": 2010}
    new = {"id": "new", "kind": "office", "floor_area_m2": 10_000, "vintage_year": 2020}
    stated = {"id": "stated", "kind": "office", "floor_area_m2": 10_000, "vintage_year": 1998, "electricity_kwh_per_m2": 90}
    res = run(scenario(park={**NO_FLEET, "buildings": [old, mid, new, stated]}), seed=0)
    assert _elec_mwh(res, "old")[2025] == pytest.approx(10_000 * 130 / 1000, rel=1e-12)
    assert _elec_mwh(res, "mid")[2025] == pytest.approx(10_000 * 115 / 1000, rel=1e-12)
    assert _elec_mwh(res, "new")[2025] == pytest.approx(10_000 * 100 / 1000, rel=1e-12)
    assert _elec_mwh(res, "stated")[2025] == pytest.approx(10_000 * 90 / 1000, rel=1e-12)  # the file wins


def test_a_lighting_retrofit_saves_intensity_times_area_times_the_share():
    office = {"id": "hq", "kind": "office", "floor_area_m2": 20_000, "electricity_kwh_per_m2": 120}
    shed = {"id": "shed", "kind": "warehouse", "floor_area_m2": 50_000, "electricity_kwh_per_m2": 25}
    item = {"id": "led", "kind": "building_retrofit", "year": 2026, "measure": "lighting"}  # commissions 1 Jan 2026
    base = run(scenario(park=_park(office, shed)), seed=0)
    res = run(scenario(park=_park(office, shed), roadmap=[item]), seed=0)
    # building_retrofits.csv: lighting saves 15 % of non-HVAC electricity (35 % in warehouses)
    assert base.year(2026) is not None
    assert _elec_mwh(base, "hq")[2026] - _elec_mwh(res, "hq")[2026] == pytest.approx(120 * 20_000 * 0.15 / 1000, rel=1e-9)
    assert _elec_mwh(base, "shed")[2026] - _elec_mwh(res, "shed")[2026] == pytest.approx(25 * 50_000 * 0.35 / 1000, rel=1e-9)
    assert _elec_mwh(res, "hq")[2025] == pytest.approx(_elec_mwh(base, "hq")[2025], rel=1e-12)  # before it: unchanged
    # priced per m² retrofitted (technologies.csv: retrofit_lighting 40 CNY/m², 2025 CNY)
    inv = res.investments[res.investments["technology"] == "retrofit_lighting"]
    assert inv["capacity"].sum() == pytest.approx(70_000, rel=1e-12)
    assert inv["capex_cny"].sum() == pytest.approx(70_000 * 40, rel=1e-9)


def test_a_retrofit_of_half_a_year_saves_the_share_after_it():
    # the lighting load follows the office profile; a retrofit from 1 July saves the office
    # profile's share after that hour (energy.loads.share_after) × intensity × area × 15 %
    from parktwin.energy.loads import share_after

    office = {"id": "hq", "kind": "office", "floor_area_m2": 20_000, "electricity_kwh_per_m2": 120}
    item = {"id": "led", "kind": "building_retrofit", "year": 2026, "lead_time_days": 181, "measure": "lighting"}
    base = run(scenario(park=_park(office)), seed=0)
    res = run(scenario(park=_park(office), roadmap=[item]), seed=0)
    tail = share_after("office", 2026, 181 * 24)
    saved = _elec_mwh(base, "hq")[2026] - _elec_mwh(res, "hq")[2026]
    assert saved == pytest.approx(120 * 20_000 * 0.15 * tail / 1000, rel=1e-9)
    assert _elec_mwh(base, "hq")[2027] - _elec_mwh(res, "hq")[2027] == pytest.approx(120 * 20_000 * 0.15 / 1000, rel=1e-9)


def test_evaporative_cooling_cuts_a_warehouses_cooling_electricity_by_its_share():
    shed = {"id": "shed", "kind": "warehouse", "floor_area_m2": 50_000, "electricity_kwh_per_m2": 20, "cooling_kwh_per_m2_yr": 30}
    office = {"id": "hq", "kind": "office", "floor_area_m2": 10_000, "electricity_kwh_per_m2": 100, "cooling_kwh_per_m2_yr": 40}
    item = {"id": "evap", "kind": "building_retrofit", "year": 2026, "measure": "evaporative_cooling"}
    base = run(scenario(park=_park(shed, office)), seed=0)
    res = run(scenario(park=_park(shed, office), roadmap=[item]), seed=0)
    lights = 20 * 50_000 / 1000
    # building_retrofits.csv: evaporative cooling keeps 25 % of the cooling electricity (saves 75 %)
    assert _elec_mwh(res, "shed")[2026] - lights == pytest.approx(0.25 * (_elec_mwh(base, "shed")[2026] - lights), rel=1e-9)
    # it is a warehouse measure: the office is untouched and nothing is bought for it
    assert _elec_mwh(res, "hq")[2026] == pytest.approx(_elec_mwh(base, "hq")[2026], rel=1e-12)
    inv = res.investments[res.investments["technology"] == "retrofit_evaporative_cooling"]
    assert list(inv["entity"]) == ["shed"] and inv["capacity"].sum() == pytest.approx(50_000)


def test_envelope_on_a_gas_heated_building_cuts_its_boiler_gas_by_the_heating_share():
    office = {"id": "hq", "kind": "office", "floor_area_m2": 10_000, "electricity_kwh_per_m2": 100,
              "heating_kwh_per_m2_yr": 80, "heating_system": "gas_boiler"}
    item = {"id": "env", "kind": "building_retrofit", "year": 2026, "measure": "envelope"}
    gas = {}
    for name, roadmap in (("base", []), ("retrofit", [item])):
        e = run(scenario(park=_park(office), roadmap=roadmap), seed=0).energy
        gas[name] = e[(e["entity"] == "hq") & (e["carrier"] == "natural_gas")].set_index("year")["quantity"]
    # building_retrofits.csv: envelope saves 40 % of space heating
    assert gas["retrofit"][2026] == pytest.approx(0.6 * gas["base"][2026], rel=1e-9)
    assert gas["retrofit"][2025] == pytest.approx(gas["base"][2025], rel=1e-12)


def test_a_second_retrofit_of_the_same_measure_only_covers_the_rest_of_the_floor():
    office = {"id": "hq", "kind": "office", "floor_area_m2": 20_000, "electricity_kwh_per_m2": 120}
    first = {"id": "led_a", "kind": "building_retrofit", "year": 2026, "measure": "lighting", "floor_share": 0.6}
    second = {"id": "led_b", "kind": "building_retrofit", "year": 2027, "measure": "lighting"}
    res = run(scenario(park=_park(office), roadmap=[first, second]), seed=0)
    # 60 % then the remaining 40 %: factor (1 - 0.15 × 0.6)(1 - 0.15 × 0.4)
    assert _elec_mwh(res, "hq")[2027] == pytest.approx(120 * 20_000 * (1 - 0.09) * (1 - 0.06) / 1000, rel=1e-9)
    inv = res.investments[res.investments["technology"] == "retrofit_lighting"]
    assert inv["capacity"].sum() == pytest.approx(20_000, rel=1e-12)


def test_new_floor_area_follows_the_standard_in_force():
    # 10 %/yr growth; current code until 2026, ultra-low-energy from 2027
    office = {"id": "hq", "kind": "office", "floor_area_m2": 10_000, "vintage_year": 2000, "electricity_kwh_per_m2": 130}
    policy = {"floor_area_growth_share_per_yr": 0.1, "new_standard": "ultra_low_energy", "new_standard_from_year": 2027}
    res = run(scenario(park=_park(office), buildings=policy, horizon_years=3), seed=0)
    e = _elec_mwh(res, "hq")
    a1 = 0.1 * 10_000           # built 2026 at the current code: office 2016+ 100 kWh/m² (building_stock.csv)
    a2 = 0.1 * (10_000 + a1)    # built 2027 ultra-low-energy: 100 × 0.85 kWh/m² (building_standards.csv)
    assert e[2025] == pytest.approx(10_000 * 130 / 1000, rel=1e-12)
    assert e[2026] == pytest.approx((10_000 * 130 + a1 * 100) / 1000, rel=1e-9)
    assert e[2027] == pytest.approx((10_000 * 130 + a1 * 100 + a2 * 85) / 1000, rel=1e-9)
    annual = res.annual.set_index("year")
    assert annual.loc[2027, "building_floor_area_m2"] == pytest.approx(10_000 + a1 + a2, rel=1e-12)
    # only the ultra-low-energy floor counts as green (building_standards.csv, green = true)
    assert annual.loc[2026, "green_building_share"] == 0.0
    assert annual.loc[2027, "green_building_share"] == pytest.approx(a2 / (10_000 + a1 + a2), rel=1e-12)


def test_new_floor_heating_is_the_buildings_own_brought_to_code_times_the_standard():
    # gas-heated dormitory built 2000 (thermal factor 1.6): new ultra-low-energy floor heats at
    # 60 / 1.6 × 0.5 kWh/m²·yr; heat demand per unit follows the same degree-hours as the stock
    dorm = {"id": "dorm", "kind": "dormitory", "floor_area_m2": 10_000, "vintage_year": 2000, "electricity_kwh_per_m2": 50,
            "heating_kwh_per_m2_yr": 60, "heating_system": "gas_boiler"}
    policy = {"floor_area_growth_share_per_yr": 0.1, "new_standard": "ultra_low_energy"}
    sc = scenario(park=_park(dorm), buildings=policy)
    e = run(sc, seed=0).energy
    gas = e[(e["entity"] == "dorm") & (e["carrier"] == "natural_gas")].set_index("year")["quantity"]
    stock_intensity, new_intensity = 60.0, 60.0 / 1.6 * 0.5
    expected = gas[2025] * (10_000 * stock_intensity + 1_000 * new_intensity) / (10_000 * stock_intensity)
    # the same weather year would give exactly this; 2026's weather differs, so compare per heat unit
    model = ParkModel(sc, seed=0)
    from parktwin.agents.building import unit_hvac

    unit = unit_hvac("gas_boiler", model.temp_air_c)
    ratio = unit.heat_kwh[1].sum() / unit.heat_kwh[0].sum()
    assert gas[2026] == pytest.approx(expected * ratio, rel=1e-9)


def test_green_certified_and_deeply_retrofitted_floor_count_as_green():
    a = {"id": "a", "kind": "office", "floor_area_m2": 30_000, "electricity_kwh_per_m2": 100, "green_certified": True}
    b = {"id": "b", "kind": "office", "floor_area_m2": 10_000, "electricity_kwh_per_m2": 100}
    roadmap = [{"id": "env", "kind": "building_retrofit", "year": 2026, "buildings": ["b"], "measure": "envelope"},
               {"id": "hvac", "kind": "building_retrofit", "year": 2027, "buildings": ["b"], "measure": "hvac"}]
    annual = run(scenario(park=_park(a, b), roadmap=roadmap), seed=0).annual.set_index("year")
    assert annual.loc[2025, "green_building_share"] == pytest.approx(30_000 / 40_000)
    assert annual.loc[2026, "green_building_share"] == pytest.approx(30_000 / 40_000)  # envelope alone is not deep
    assert annual.loc[2027, "green_building_share"] == pytest.approx(1.0)


def test_a_retrofit_naming_an_unknown_building_is_refused():
    from parktwin.spec.load import scenario_cross_problems

    doc = {"park": {"buildings": [{"id": "hq"}]}, "roadmap": [
        {"id": "x", "kind": "building_retrofit", "year": 2026, "buildings": ["nope"], "measure": "lighting"}]}
    problems = scenario_cross_problems(doc, "s.yaml")
    assert any(p.field == "roadmap.0.buildings" and "nope" in p.message for p in problems)


def test_retrofit_savings_shares_are_shares():
    from parktwin.data import table

    df = table("building_retrofits")
    cols = ["electricity_saving_share", "heating_saving_share", "cooling_saving_share"]
    assert ((df[cols] >= 0) & (df[cols] < 1)).all().all()
    assert np.isin(df["kind"], ["all", "office", "dormitory", "canteen", "warehouse", "lab"]).all()


def test_the_owner_retrofits_when_the_npv_is_positive():
    from parktwin.energy.loads import profile
    from parktwin.energy.tariff import hourly_tariff

    office = {"id": "hq", "kind": "office", "floor_area_m2": 20_000, "electricity_kwh_per_m2": 120}
    policy = {"retrofit_decisions": True, "hurdle_rate": 0.08, "payback_limit_yr": 10}
    sc = scenario(park=_park(office), buildings=policy)
    res = run(sc, seed=0)
    # lighting: capex 20,000 m² × 40 CNY/m² = 800,000; saves 120 × 20,000 × 0.15 = 360,000 kWh/yr at the
    # tariff averaged over the office profile; envelope and HVAC save nothing in a building without HVAC
    price = float(hourly_tariff(sc.park.grid.tariff, 2026)[1] @ profile("office", 2026))
    saving = 360_000 * price
    crf = 0.08 * 1.08**12 / (1.08**12 - 1)  # lighting life 12 yr (technologies.csv)
    assert saving - 800_000 * crf > 0 and 800_000 / saving < 10  # so the owner takes it
    ev = res.events[res.events["kind"] == "building_retrofit"]
    assert list(ev["id"]) == ["hq_lighting_2026"]
    assert f"payback {800_000 / saving:.1f} yr" in ev["detail"].iloc[0]
    assert _elec_mwh(res, "hq")[2026] == pytest.approx(120 * 20_000 * 0.85 / 1000, rel=1e-9)  # from its first hour
    inv = res.investments[res.investments["technology"] == "retrofit_lighting"]
    assert inv["capex_cny"].sum() == pytest.approx(800_000, rel=1e-9)
    # an owner who wants its money back within a year does nothing
    strict = run(scenario(park=_park(office), buildings={**policy, "payback_limit_yr": 1}), seed=0)
    assert not (strict.events["kind"] == "building_retrofit").any()


def test_kept_building_indicators_follow_every_change_and_addition():
    """The annual table's building columns are computed again only when a building commissions a
    change or adds floor area (``agents.building.KeptBuildingIndicators``); in between they are the
    kept numbers, and after any change those ``building_indicators`` gives."""
    from parktwin.agents.building import KeptBuildingIndicators, building_indicators

    class Stub:  # what the indicators read of a building
        def __init__(self, area, green):
            self.changes, self.additions, self.area, self.green = [], [], area, green

        def floor_area_m2(self):
            return self.area + sum(a for _, a, _ in self.additions)

        def green_floor_area_m2(self):
            return self.green * (1 + len(self.changes)) + sum(a for _, a, s in self.additions if s == "green")

    a, b = Stub(1000.0, 100.0), Stub(500.0, 0.0)
    kept = KeptBuildingIndicators()
    first = kept.of([a, b])
    assert first == building_indicators([a, b]) and kept.of([a, b]) is first  # nothing changed: the kept dict
    a.changes.append("retrofit")
    assert kept.of([a, b]) == building_indicators([a, b]) != first
    b.additions.append((2031, 250.0, "green"))
    assert kept.of([a, b]) == building_indicators([a, b]) == {"building_floor_area_m2": 1750.0, "green_building_share": 450.0 / 1750.0}
    assert kept.of([a]) == building_indicators([a])  # another set of buildings


def test_the_parks_buildings_book_a_kept_stock_year_as_year_energy_does():
    """``buildings_year_energy`` books a stock-only year again from the building's kept plan: the
    rows and load-book parts are, bit for bit, those of each building's ``year_energy`` (the oracle),
    before and after a lighting retrofit and a kitchen electrification commissioned mid-run."""
    from parktwin.agents.building import buildings_year_energy
    from parktwin.energy.calendar import HOURS_PER_YEAR
    from parktwin.energy.loads import LoadBook

    canteen = {"id": "canteen", "kind": "canteen", "floor_area_m2": 9_000, "electricity_kwh_per_m2": 160, "natural_gas_m3_per_m2": 45}
    office = {"id": "hq", "kind": "office", "floor_area_m2": 20_000, "electricity_kwh_per_m2": 120}
    model = ParkModel(scenario(park=_park(canteen, office)), seed=0)
    agents = list(model.buildings.values())
    base = model.scenario.base_year
    for index in range(6):
        year, start = base + index, index * HOURS_PER_YEAR
        if index == 2:
            agents[0].retrofit(start + 1000.0, "kitchen_electrification", 0.5, "k")
            agents[1].retrofit(float(start), "lighting", 1.0, "led")
        batch, oracle = LoadBook(year), LoadBook(year)
        rows = buildings_year_energy(agents, year, start, batch)
        assert rows == [r for a in agents for r in a.year_energy(year, start, oracle)]
        assert np.array_equal(batch.hourly_kw(), oracle.hourly_kw())
    assert all(a.stock_plan is not None for a in agents)  # the last years came from the plans

"""Fleet turnover: retirements by age, the owner's total cost of ownership, mandates, fuel-cell
vehicles and the hydrogen station's dispensers as a SimPy resource.

Hand values use data/technologies.csv (china rows: diesel_heavy_truck 400,000 CNY, 4 %/yr O&M;
bev_heavy_truck 713,622 CNY, 3 %/yr; fcev_heavy_truck 933,000 CNY, 3 %/yr; all 10-yr life),
data/prices.csv (diesel 8,690 CNY/t), data/constants.csv (0.84 kg/L, 3,095.9 kgCO₂/t diesel,
electrolyser 0.622 kWh_H2/kWh) and data/vehicle_turnover.csv (LHV 33.33 kWh/kg, fuel-cell
energy 1.81 × the battery model's, 12 CNY/kg station cost, 2 kg/min, 5 min per fill).
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import scenario

from parktwin.api import run
from parktwin.mobility.h2_station import daily_fills, simulate_station
from parktwin.mobility.turnover import VehicleCost, base_retirements, choose_powertrain, vehicle_cost
from parktwin.spec.park import Fleet

TRUCK = Fleet(id="t", vehicle="heavy_truck", count=10, km_per_vehicle_yr=50_000, diesel_l_per_100km=30.0, bev_kwh_per_km=1.5)


def crf(rate: float, years: float) -> float:
    return rate * (1 + rate) ** years / ((1 + rate) ** years - 1)


def test_total_cost_of_ownership_by_hand():
    rate, elec, carbon = 0.08, 0.40, 100.0
    diesel_t = 50_000 * 30 / 100 * 0.84 / 1000  # 12.6 t/yr
    hand = {
        "diesel": 400_000 * crf(rate, 10) + 0.04 * 400_000 + diesel_t * 8_690 + diesel_t * 3.0959 * carbon,
        "bev": 713_622 * crf(rate, 10) + 0.03 * 713_622 + 50_000 * 1.5 * elec,
    }
    for pt, expected in hand.items():
        cost = vehicle_cost(TRUCK, pt, 2025, elec, carbon)
        assert cost.tco_cny_per_yr(rate) == pytest.approx(expected, rel=1e-9), pt
    # fuel-cell trucks need the park's electrolysers, in the catalogue from 2028; 2030 price 648,404 CNY
    assert vehicle_cost(TRUCK, "fcev", 2025, elec, carbon) is None
    fcev = 648_404 * crf(rate, 10) + 0.03 * 648_404 + 50_000 * 1.5 * 1.81 / 33.33 * (33.33 / 0.622 * elec + 12.0)
    assert vehicle_cost(TRUCK, "fcev", 2030, elec, carbon).tco_cny_per_yr(rate) == pytest.approx(fcev, rel=1e-9)
    assert vehicle_cost(TRUCK, "diesel", 2025, elec, carbon).co2_tco2_per_yr == pytest.approx(diesel_t * 3.0959, rel=1e-12)
    # no fuel-cell car in the catalogue: not an option
    car = TRUCK.model_copy(update={"vehicle": "car"})
    assert vehicle_cost(car, "fcev", 2025, elec, carbon) is None


def test_the_owner_takes_the_lowest_cost_weighed_by_preference_and_mandate():
    def cost(pt, tco):  # capex 0, so the TCO is the running cost
        return VehicleCost(pt, 0.0, tco, 0.0, 0.0, 0.0, 10.0)

    costs = [cost("diesel", 100.0), cost("bev", 110.0), cost("fcev", 150.0)]
    assert choose_powertrain(costs, 0.1, 0.0, nev_only=False) == "diesel"
    assert choose_powertrain(costs, 0.1, 0.1, nev_only=False) == "bev"  # 110 × 0.9 = 99 < 100
    assert choose_powertrain(costs, 0.1, -0.5, nev_only=True) == "bev"  # a mandate: never diesel, even when averse
    assert choose_powertrain([cost("diesel", 1.0)], 0.1, 0.0, nev_only=True) is None


def test_base_stock_retires_evenly_over_its_ages():
    # ages uniform on [0, 2 × mean age]; life 10 yr
    assert base_retirements(5.0, 10.0, 12) == pytest.approx([0.1] * 10 + [0.0, 0.0])
    older = base_retirements(7.0, 10.0, 12)  # ages 0-14: those of 9-14 go in year 1
    assert older[0] == pytest.approx(5 / 14) and older[1:10] == pytest.approx([1 / 14] * 9) and sum(older) == pytest.approx(1.0)


def _turnover_run(policy: dict, seed: int = 0, horizon: int = 6, fleet: dict | None = None):
    park = {"fleets": [{"id": "trucks", "owner": "works", "vehicle": "heavy_truck", "count": 10, "km_per_vehicle_yr": 50000,
                        "diesel_l_per_100km": 30.0, "bev_kwh_per_km": 1.5, **(fleet or {})}]}
    fields = {"fleets": {"turnover": True, **policy}, "horizon_years": horizon,
              "outputs": {"hourly_years": [2025]}, "mobility": {"charging": "depot_night"}}
    return run(scenario(park=park, **fields), seed=seed)


def test_a_mandate_forces_no_new_diesel_after_its_year():
    # owners averse to new-energy vehicles (their cost counted × 1.5) buy diesel until the mandate
    res = _turnover_run({"nev_mandate_from_year": 2028, "nev_preference": {"mean": -0.5, "low": -0.5, "high": 0.5}})
    ev = res.events[res.events["kind"] == "fleet_turnover"].set_index("year")
    assert all("replaced by diesel" in d for d in ev.loc[[2026, 2027], "detail"])
    assert not any("replaced by diesel" in d for d in ev.loc[2028:, "detail"])
    inv = res.investments
    diesel_bought = inv[(inv["technology"] == "diesel_heavy_truck") & (inv["capacity"] > 0)]
    assert diesel_bought["year"].max() == 2027
    # mean age 5 of a 10-yr life: 10 % of the 10 trucks retire each year; from 2028 they are battery-electric
    share = res.annual.set_index("year")["nev_vehicle_share"]
    assert share.loc[2027] == 0.0 and share.loc[2031] == pytest.approx(0.4)


def test_fuel_cell_trucks_use_hydrogen_made_in_the_park():
    # electrolysers are in the catalogue from 2028 (technologies.csv): before, a fuel-cell-only
    # owner keeps buying the old model; mean age 6 of a 10-yr life: ages 0-12, a twelfth a year
    res = _turnover_run({"powertrains": ["fcev"], "hydrogen_dispensers": 3}, horizon=3, fleet={"mean_age_yr": 6.0})
    a = res.annual.set_index("year")
    assert a.loc[2027, "fcev_vehicles"] == 0.0 and a.loc[2027, "fcev_hydrogen_kg"] == 0.0
    # 2028: 10 trucks / 12 replaced by fuel-cell models at 1.5 × 1.81 kWh_H2/km
    kg = 10 / 12 * 50_000 * 1.5 * 1.81 / 33.33
    assert a.loc[2028, "fcev_hydrogen_kg"] == pytest.approx(kg, rel=1e-9)
    e = res.energy[(res.energy["entity"] == "trucks")].set_index(["year", "carrier"])["quantity"]
    assert e.loc[(2028, "electricity")] == pytest.approx(kg * 33.33 / 0.622 / 1000, rel=1e-9)  # electrolysis [MWh]
    assert e.loc[(2028, "diesel")] == pytest.approx((1 - 1 / 12) * 10 * 50_000 * 0.3 * 0.84 / 1000, rel=1e-9)
    inv = res.investments[res.investments["year"] == 2028].set_index("technology")
    assert inv.loc["fcev_heavy_truck", "capacity"] == pytest.approx(10 / 12)
    assert inv.loc["hydrogen_dispenser", "capacity"] == 3  # the station, bought with the first fuel-cell truck
    # electrolysers sized to the steady hourly power of that hydrogen: kWh/yr × the flat profile's peak share
    from parktwin.energy.loads import profile

    assert inv.loc["electrolyser", "capacity"] == pytest.approx(kg * 33.33 / 0.622 * profile("continuous", 2028).max(), rel=1e-9)
    assert a.loc[2028, "hydrogen_service_level"] == 1.0  # one truck, three dispensers
    assert (res.investments["technology"] == "hydrogen_dispenser").sum() == 1  # bought once


def test_turnover_is_deterministic_and_traits_follow_the_seed():
    policy = {"hurdle_rate": {"mean": 0.1, "sd": 0.05, "low": 0.0, "high": 0.5}, "nev_preference": {"mean": 0.0, "sd": 0.3, "low": -0.5, "high": 0.5}}
    a = _turnover_run(policy, seed=3).annual
    b = _turnover_run(policy, seed=3).annual
    assert a.equals(b)
    details = {s: tuple(_turnover_run(policy, seed=s).events.query("kind == 'fleet_turnover'")["detail"]) for s in (1, 2, 3, 4)}
    assert len(set(details.values())) > 1  # the owner's rate enters the TCO shown


def test_without_turnover_a_run_is_unchanged():
    # the fleet stream is spawned after the others: weather, traits and outages keep their numbers
    base = run(scenario(), seed=5).annual
    on = run(scenario(fleets={"turnover": False, "hydrogen_dispensers": 3}), seed=5).annual
    assert base.equals(on)


def test_a_second_fill_waits_for_the_first_at_one_dispenser():
    # two 20 kg fills at 08:00: each takes 5 min + 20 kg / 2 kg/min = 15 min
    res = simulate_station([8.0, 8.0], [20.0, 20.0], dispensers=1)
    assert res.start_h.tolist() == pytest.approx([8.0, 8.25]) and res.end_h.tolist() == pytest.approx([8.25, 8.5])
    assert res.service_level(max_wait_h=0.25) == 1.0 and res.service_level(max_wait_h=0.2) == 0.5
    assert simulate_station([8.0, 8.0], [20.0, 20.0], dispensers=2).wait_h.tolist() == [0.0, 0.0]


def test_more_dispensers_never_lower_the_service_level():
    rng = np.random.default_rng(7)
    arrival = np.sort(rng.uniform(16, 22, 60))  # 60 fills of 10-40 kg in six evening hours
    kg = rng.uniform(10, 40, 60)
    levels, waits = [], []
    for n in range(1, 11):
        res = simulate_station(arrival, kg, dispensers=n)
        levels.append(res.service_level())
        waits.append(res.wait_h)
    assert all(b >= a for a, b in zip(levels, levels[1:]))
    # FIFO with the same arrivals and fills: no fill waits longer with one more dispenser
    assert all((w2 <= w1 + 1e-9).all() for w1, w2 in zip(waits, waits[1:]))
    assert levels[0] < 1.0 and levels[-1] == 1.0


def test_daily_fills_take_the_days_hydrogen():
    fills_at, kg = daily_fills(TRUCK, 4)
    # the heavy-truck duty cycle: two trips on workdays, one on rest days; a fill per vehicle and day
    assert len(kg) == 4 * 7
    per_week_km = TRUCK.km_per_vehicle_yr * 4 * 7 / 365  # about a week of the yearly km (workday mix aside)
    assert kg.sum() == pytest.approx(per_week_km * 1.5 * 1.81 / 33.33, rel=0.05)
    assert (np.diff(fills_at) >= 0).all()

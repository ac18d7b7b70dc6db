"""A hot-water store in the sizing LP (energy/sizing.py): known answers on a one-day case."""

from __future__ import annotations

import numpy as np
import pytest
from builders import TARIFF

from parktwin.energy.sizing import as_roadmap_items, size_system
from parktwin.spec.scenario import ThermalStorage

# One day (24 h: capacity costs count 1/365 of a year); the hand tariff (tests/builders.py):
# valley 0-7 at 0.3, flat 11-16 and 22-23 at 0.6, peak 8-10 and 17-21 at 1.2 CNY/kWh.
# No electric load, no PV, battery prohibitive: only the heat's electricity is bought.
PRICE = np.zeros(24)
for period, hours in (("valley", TARIFF["valley_hours"]), ("flat", TARIFF["flat_hours"]), ("peak", TARIFF["peak_hours"])):
    PRICE[hours] = TARIFF["price_cny_per_kwh"][period]
HEAT = np.full(24, 100.0)  # low-band heat served electrically [kW_th]
BASE = {"pv_cny_per_kwp_yr": 1e9, "battery_cny_per_kwh_yr": 1e9, "battery_cny_per_kw_yr": 1e9}


def size(store_cny_per_kwh_yr: float, heater_cny_per_kw_yr: float, heat_cop: float = 1.0):
    cost = {**BASE, "thermal_store_cny_per_kwh_yr": store_cny_per_kwh_yr, "store_heater_cny_per_kw_yr": heater_cny_per_kw_yr}
    return size_system(np.zeros(24), np.zeros(24), PRICE, cost, max_pv_kwp=0.0, import_limit_kw=1e4,
                       heat_demand_kw=HEAT, heat_cop=heat_cop, store_heater_efficiency=1.0)


def test_a_store_dearer_than_the_price_gap_is_not_built():
    # A kWh_th of store can cycle twice a day: valley (0.3) → morning peak 8-10 (1.2), then flat
    # 11-16 (0.6) → evening peak 17-21 (1.2): at most 0.9 + 0.6 = 1.5 CNY a day. At 1.6 CNY per
    # kWh_th and day (1.6 × 365 a year) no store pays (at 0.95, below 1.5, the LP builds 300 kWh_th:
    # the morning peak's 3 h × 100 kW). The day's heat is then bought hour by hour:
    # 100 × (8 × 0.3 + 8 × 0.6 + 8 × 1.2) = 1,680 CNY.
    r = size(1.6 * 365, 0.0)
    assert r.store_kwh == pytest.approx(0.0, abs=1e-6)
    assert r.annual_cost_cny == pytest.approx(1680.0 * 365, rel=1e-6)
    assert as_roadmap_items(r, 2030, roof_kwp_total=1.0) == []
    assert size(0.95 * 365, 0.0).store_kwh == pytest.approx(300.0, rel=1e-6)


def test_a_nearly_free_store_carries_every_non_valley_hour():
    # Store and heater at 0.001 CNY/unit·yr: every non-valley hour (flat 0.6, peak 1.2) is dearer
    # than the valley (0.3), so the store covers all 16 of them: 16 × 100 = 1,600 kWh_th, charged
    # in the 8 valley hours beside the direct 100 kW: a 1,600 / 8 = 200 kW_th heater. Bounded by
    # the day's non-valley heat. Cost: 2,400 kWh_e at 0.3 = 720 CNY a day (+ the tiny capacities).
    r = size(0.001, 0.001)
    assert r.store_kwh == pytest.approx(1600.0, rel=1e-6)
    assert r.store_heater_kw == pytest.approx(200.0, rel=1e-6)
    assert r.store_kwh <= HEAT[PRICE > 0.3].sum() + 1e-6
    assert r.operating_cost_cny_per_yr["energy_charge_cny"] == pytest.approx(720.0 * 365, rel=1e-6)
    # the heat balances every hour and all of the day's electricity is bought in the valley
    assert np.allclose(r.dispatch.load_kw[PRICE > 0.3], 0.0, atol=1e-6)
    assert r.dispatch.load_kw.sum() == pytest.approx(2400.0, rel=1e-9)
    assert np.allclose(r.store_out_kw[PRICE > 0.3], 100.0, atol=1e-6)
    # written back as a thermal_storage roadmap item that the scenario schema accepts
    items = as_roadmap_items(r, 2030, roof_kwp_total=1.0)
    assert [i["kind"] for i in items] == ["thermal_storage"]
    item = ThermalStorage.model_validate(items[0])
    assert item.capacity_kwh == pytest.approx(1600.0, rel=1e-6) and item.discharge_kw == pytest.approx(100.0, rel=1e-6)


def test_with_heat_pumps_the_store_only_pays_at_peak():
    # Direct heat from heat pumps at COP 3, the store's heater resistive (1.0): a stored kWh_th
    # costs 0.3 CNY, a direct one 0.6/3 = 0.2 in flat hours (no gain) and 1.2/3 = 0.4 at peak
    # (gain 0.1). So the store covers the 8 peak hours only: 800 kWh_th; the 3 morning peak hours
    # follow the valley directly, the 5 evening ones come after 6 flat hours in which it keeps its
    # heat (no loss), so the heater needs 800 / 8 = 100 kW_th.
    r = size(0.001, 0.001, heat_cop=3.0)
    assert r.store_kwh == pytest.approx(800.0, rel=1e-6)
    assert r.store_heater_kw == pytest.approx(100.0, rel=1e-6)
    peak = PRICE == 1.2
    assert np.allclose(r.store_out_kw[peak], 100.0, atol=1e-6) and np.allclose(r.store_out_kw[~peak], 0.0, atol=1e-6)


def test_heat_needs_its_costs():
    with pytest.raises(ValueError, match="thermal_store_cny_per_kwh_yr"):
        size_system(np.zeros(24), np.zeros(24), PRICE, BASE, max_pv_kwp=0.0, import_limit_kw=1e4, heat_demand_kw=HEAT)


def test_size_command_writes_a_sized_store_back(tmp_path, monkeypatch, capsys):
    # The tiny park (tests/builders.py) with all its boiler heat on electric boilers (efficiency
    # 0.99) from 2026. The command hands the LP the low band's electric heat of the year, at a COP
    # of heat / electricity = 0.99 every hour, and the load without that electricity; the LP is
    # solved here on the year's first week (a full year with the store takes minutes), which moves
    # heat from peak (1.12-1.34 CNY/kWh) to valley (0.28) hours at ~0.84 CNY per kWh_th against a
    # store of 3.8 EUR/kWh_th over 40 years: a store is built and written back as an item.
    from builders import write_tiny_scenario

    import parktwin
    from parktwin.cli import main
    from parktwin.energy import sizing

    real, seen = sizing.size_system, {}
    week = slice(0, 168)

    def first_week(load, yield_, price, costs, **kw):
        seen.update(load=load, costs=costs, **kw)
        kw = {k: v[week] if isinstance(v, np.ndarray) and v.shape == (8760,) else v for k, v in kw.items()}
        return real(load[week], yield_[week], price[week], costs, **kw)

    monkeypatch.setattr(sizing, "size_system", first_week)
    write_tiny_scenario(tmp_path)
    (tmp_path / "electric.yaml").write_text(
        "extends: scenario.yaml\nname: tiny_electric\nhorizon_years: 3\noutputs: {hourly_years: [2027]}\nroadmap:\n"
        "  - {id: eb, kind: electrify_boilers, year: 2026, share: 1.0, technology: electric_boiler}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["size", "electric.yaml", "--year", "2027", "--thermal-store", "--out", "sized.yaml"]) == 0
    assert "hot-water store" in capsys.readouterr().out
    h = parktwin.run(parktwin.load("electric.yaml"), seed=0).hourly
    h = h[h.year == 2027].reset_index(drop=True)
    on = h["heat_low_electric_kw"] > 0
    assert np.allclose(seen["heat_demand_kw"], h["heat_low_electric_kw"])
    assert np.allclose(seen["heat_cop"][on], 0.99) and seen["store_heater_efficiency"] == 0.99
    assert np.allclose(seen["load"], np.maximum(h["load_kw"] - h["heat_low_electricity_kw"], 0.0))  # the roadmap replaces the base one: no PV
    assert seen["costs"]["thermal_store_cny_per_kwh_yr"] > 0 and seen["costs"]["store_heater_cny_per_kw_yr"] > 0
    sized = parktwin.load("sized.yaml")
    stores = [i for i in sized.scenario.roadmap if i.kind == "thermal_storage"]
    assert len(stores) == 1 and stores[0].year == 2027 and stores[0].capacity_kwh > 0
    assert stores[0].discharge_kw <= h["heat_low_electric_kw"].max() * (1 + 1e-6)

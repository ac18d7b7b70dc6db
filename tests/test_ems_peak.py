"""The rule-based EMS respects the month's peak import (the demand charge is billed on it): valley
charging of the battery and the hot-water store stays under the month's highest net load
(energy.tariff.month_peak_ceiling_kw), the mechanism the cold store already used."""

from __future__ import annotations

import numpy as np
import pytest
from builders import scenario

from parktwin import run
from parktwin.energy.calendar import year_calendar
from parktwin.energy.dispatch import BatteryParams, dispatch_rule_based
from parktwin.energy.tariff import month_peak_ceiling_kw
from parktwin.energy.tou import PERIOD_PEAK, PERIOD_VALLEY


def test_month_peak_ceiling_by_hand():
    net = np.array([10.0, 40.0, 20.0, 5.0, 70.0, 30.0])
    month = np.array([1, 1, 1, 2, 2, 2])
    assert month_peak_ceiling_kw(net, month).tolist() == [40.0, 40.0, 40.0, 70.0, 70.0, 70.0]
    assert month_peak_ceiling_kw(net, month, 50.0).tolist() == [40.0, 40.0, 40.0, 50.0, 50.0, 50.0]


def test_valley_charging_stays_under_the_ceiling():
    # four valley hours, load 10 / 50 / 10 / 10 kW, then one peak hour of 50 kW; a 100 kWh / 100 kW battery,
    # lossless. Without a ceiling it charges 90 kW in hour 0 (import limit 100): the month's peak becomes 100.
    # With the ceiling of 50 kW (the highest net load) it charges 40, 0, 40, 20 → peak import stays 50.
    params = BatteryParams(charge_efficiency=1.0, discharge_efficiency=1.0, soc_min_share=0.0, soc_max_share=1.0,
                           grid_charging=True, reserve_share=0.0)
    load = np.array([10.0, 50.0, 10.0, 10.0, 50.0])
    period = np.array([PERIOD_VALLEY] * 4 + [PERIOD_PEAK], dtype=np.int8)
    cap, power = np.full(5, 100.0), np.full(5, 100.0)
    free = dispatch_rule_based(load, np.zeros(5), period, cap, power, params, 100.0, 0.0)
    assert free.grid_to_battery_kw[0] == pytest.approx(90.0) and free.grid_import_kw.max() == pytest.approx(100.0)
    capped = dispatch_rule_based(load, np.zeros(5), period, cap, power, params, 100.0, 0.0,
                                 charge_ceiling_kw=month_peak_ceiling_kw(load, np.ones(5, dtype=int)))
    assert capped.grid_to_battery_kw.tolist() == pytest.approx([40.0, 0.0, 40.0, 20.0, 0.0])
    assert capped.grid_import_kw.max() == pytest.approx(50.0)
    assert capped.battery_to_load_kw[4] == pytest.approx(50.0)  # and it still covers the peak hour


def test_a_battery_never_raises_a_months_peak_import():
    # the hand park with a two-shift firm, a 20 MWh / 5 MW battery from 2026: every month's peak import with the
    # battery is at most the one without it (valley charging below the month's highest net load)
    park = {"enterprises": [{**_works(), "shift_pattern": "two_shift_2x8"}], "fleets": []}
    battery = {"kind": "battery", "year": 2026, "energy_kwh": 20000.0, "power_kw": 5000.0}
    with_b = run(scenario(park=park, horizon_years=1, roadmap=[battery]), seed=0)
    without = run(scenario(park=park, horizon_years=1), seed=0)
    month = year_calendar(2026).month
    grid = [r.hourly[r.hourly.year == 2026] for r in (with_b, without)]
    imports = [(h["grid_to_load_kw"] + h["grid_to_battery_kw"]).to_numpy() for h in grid]
    assert grid[0]["grid_to_battery_kw"].sum() > 0
    for m in range(1, 13):
        assert imports[0][month == m].max() <= imports[1][month == m].max() + 1e-6, m
    assert with_b.year(2026)["demand_charge_cny"] <= without.year(2026)["demand_charge_cny"] + 1e-6


def _works() -> dict:
    from builders import PARK

    return dict(PARK["enterprises"][0])

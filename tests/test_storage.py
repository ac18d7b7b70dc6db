"""Battery ageing: linear fade with equivalent full cycles, replacement at end of life or calendar life.

Constants (data/constants.csv): 6,000 cycles to 80 % health (assumption, LFP datasheets);
calendar life 16 years (PNNL, Viswanathan et al. 2022).
"""

from __future__ import annotations

import numpy as np
import pytest

from builders import scenario
from parktwin import run
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.dispatch_inputs import constant_hours, is_shared_zeros
from parktwin.energy.storage import BatteryUnit, age_units, capacity_arrays


def test_fade_follows_equivalent_full_cycles():
    unit = BatteryUnit("b", energy_kwh=1000.0, power_kw=500.0, start_hour=0.0)
    (aged,), replaced = age_units([unit], discharged_kwh=600_000.0, year_start=0)
    assert aged.efc == pytest.approx(600.0)  # 600 MWh out of a 1 MWh battery
    assert aged.health == pytest.approx(1 - 0.2 / 6000 * 600)  # = 0.98
    assert replaced == []


def test_replacement_at_end_of_life_restores_full_health_next_year():
    unit = BatteryUnit("b", 1000.0, 500.0, 0.0, health=0.81, efc=5700.0)
    (after,), (old,) = age_units([unit], discharged_kwh=0.81 * 1000 * 400, year_start=5 * HOURS_PER_YEAR)
    assert old.health == pytest.approx(0.81 - 0.2 / 6000 * 400)  # 0.797: below 0.8 after 400 more cycles
    assert (after.health, after.efc, after.start_hour) == (1.0, 0.0, 6 * HOURS_PER_YEAR)


def test_calendar_life_replaces_an_idle_battery_after_16_years():
    unit = BatteryUnit("b", 1000.0, 500.0, 0.0)
    (after,), replaced = age_units([unit], 1.0, year_start=15 * HOURS_PER_YEAR)
    assert len(replaced) == 1 and after.start_hour == 16 * HOURS_PER_YEAR


def test_capacity_arrays_start_at_commissioning_and_scale_with_health():
    units = [BatteryUnit("a", 1000.0, 400.0, 0.0, health=0.9), BatteryUnit("b", 500.0, 100.0, HOURS_PER_YEAR + 100.5)]
    energy, power = capacity_arrays(units, HOURS_PER_YEAR)
    assert energy[100] == pytest.approx(900.0) and energy[101] == pytest.approx(1400.0)
    assert power[0] == 400.0 and power[-1] == 500.0


def test_a_cycled_battery_loses_usable_capacity_year_by_year():
    pv = {"kind": "rooftop_pv", "year": 2026, "roof_share": 1.0}
    battery = {"kind": "battery", "year": 2026, "energy_kwh": 2000, "power_kw": 1000}
    res = run(scenario(roadmap=[pv, battery], horizon_years=4), seed=0)
    usable = res.annual.set_index("year")["battery_usable_kwh"]
    assert usable[2026] == pytest.approx(2000.0)
    assert usable[2026] > usable[2027] > usable[2028] > usable[2029] > 0.8 * 2000


def test_units_at_work_all_year_give_each_hour_the_same_sum_as_per_unit_passes():
    # every unit from the year's first hour (one future unit left out): one filled array of each sum, bit for bit
    # what adding each unit's value hour by hour gives (0.1 + 0.2 + 0.7 rounds differently from 0.7 + 0.2 + 0.1)
    units = [BatteryUnit("a", 0.1, 3.0, 0.0), BatteryUnit("b", 0.2, 5.0, 10.0), BatteryUnit("c", 0.7, 7.0, HOURS_PER_YEAR),
             BatteryUnit("later", 9.0, 9.0, 3 * HOURS_PER_YEAR)]
    energy, power = capacity_arrays(units, HOURS_PER_YEAR)
    expected = np.zeros(HOURS_PER_YEAR)
    for value in (0.1, 0.2, 0.7):
        expected += value
    assert np.array_equal(energy, expected) and (energy == 0.1 + 0.2 + 0.7).all()
    assert (power == 15.0).all() and energy.flags.writeable
    assert power is constant_hours(HOURS_PER_YEAR, 15.0)  # 3 + 5 + 7 kW: the shared array of that value
    assert all(map(is_shared_zeros, capacity_arrays(units[3:], HOURS_PER_YEAR)))  # no unit at work: the shared zeros

"""Battery ageing: throughput-based capacity fade, calendar life, replacement.

A unit's health (remaining share of nameplate energy) falls linearly with equivalent full
cycles (EFC): ``(1 − end_of_life_health) / cycle_life_efc`` per cycle, so it reaches its end of
life after ``cycle_life_efc`` cycles; it is replaced when health reaches end of life or its age
reaches the calendar life. Constants: data/constants.csv.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.dispatch_inputs import constant_hours, zeros_read_only


class BatteryUnit(NamedTuple):
    """One battery unit's nameplate and wear (a named tuple: every unit is made anew each year it works)."""

    id: str
    energy_kwh: float  # nameplate
    power_kw: float
    start_hour: float  # global hour it (or its latest replacement) began to work
    health: float = 1.0  # remaining share of nameplate energy
    efc: float = 0.0  # equivalent full cycles since (re)installation


def capacity_arrays(units: list[BatteryUnit], year_start: int) -> tuple[np.ndarray, np.ndarray]:
    """Hourly usable energy [kWh] (nameplate × health) and power [kW] for the year; a year with no
    unit at work: the shared read-only zeros (``energy.dispatch_inputs.zeros_read_only``), no new arrays;
    a year whose units all work from its first hour: one array of each sum (no pass per unit), the
    power's the shared read-only array of its value (``constant_hours``)."""
    energy_kwh = power_kw = 0.0  # each hour's sum: the same additions, in unit order, as the passes of ``unit_arrays``
    working = False
    for u in units:
        first = math.ceil(u.start_hour - year_start)  # (start hours are finite)
        if first > HOURS_PER_YEAR - 1:  # not yet at work
            continue
        if first > 0:  # a unit starts within the year
            return unit_arrays(units, year_start)
        working = True
        energy_kwh += u.energy_kwh * u.health
        power_kw += u.power_kw
    if not working:
        return zeros_read_only((HOURS_PER_YEAR,)), zeros_read_only((HOURS_PER_YEAR,))
    # the power changes only when a unit starts or leaves: the shared read-only array of its value
    return np.full(HOURS_PER_YEAR, energy_kwh), constant_hours(HOURS_PER_YEAR, power_kw)


def unit_arrays(units: list[BatteryUnit], year_start: int) -> tuple[np.ndarray, np.ndarray]:
    """``capacity_arrays`` unit by unit: each unit's usable energy and power added from its first hour on."""
    energy = np.zeros(HOURS_PER_YEAR)
    power = np.zeros(HOURS_PER_YEAR)
    for u in units:
        first = max(0, math.ceil(u.start_hour - year_start))
        if first < HOURS_PER_YEAR:
            energy[first:] += u.energy_kwh * u.health
            power[first:] += u.power_kw
    return energy, power


def age_units(units: list[BatteryUnit], discharged_kwh: float, year_start: int) -> tuple[list[BatteryUnit], list[BatteryUnit]]:
    """Units after a year that delivered ``discharged_kwh`` (AC); returns (all units, replaced ones).

    Cycles are shared out by each unit's energy-capacity-hours in the year. A replaced unit
    starts anew, full health, at the next year's first hour.
    """
    end_of_life = constant("battery_end_of_life_health")
    fade = (1.0 - end_of_life) / constant("battery_cycle_life_efc")
    life_h = constant("battery_calendar_life_yr") * HOURS_PER_YEAR
    next_year = year_start + HOURS_PER_YEAR
    weights = [u.energy_kwh * u.health * max(0.0, next_year - max(u.start_hour, year_start)) for u in units]
    total = sum(weights)
    out, replaced = [], []
    for u, w in zip(units, weights):
        if w <= 0:
            out.append(u)
            continue
        cycles = discharged_kwh * (w / total) / (u.energy_kwh * u.health)
        aged = BatteryUnit(u.id, u.energy_kwh, u.power_kw, u.start_hour, max(0.0, u.health - fade * cycles), u.efc + cycles)
        if aged.health <= end_of_life + 1e-12 or next_year - u.start_hour >= life_h:
            replaced.append(aged)
            aged = BatteryUnit(u.id, u.energy_kwh, u.power_kw, float(next_year), 1.0, 0.0)
        out.append(aged)
    return out, replaced

"""The park's hydrogen station as a SimPy model: fuel-cell vehicles queue for dispensers.

Each fuel-cell vehicle refuels once a day, when it returns from the day's last trip (duty
cycles of data/duty_cycles.csv, the same staggered schedule as the charging model), taking the
hydrogen of that day's km. Dispensers are a ``simpy.Resource`` (FIFO); a fill takes the
connection time plus kg ÷ fill rate (data/vehicle_turnover.csv, assumptions). The service
level is the share of fills that waited no longer than the target wait.

Pure module: SimPy inside, no Mesa, nothing from ``kernel``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from parktwin.mobility.fleet_sim import WEEK, fleet_schedule
from parktwin.mobility.turnover import hydrogen_kg_per_km, turnover_constant
from parktwin.spec.park import Fleet


@dataclass(frozen=True)
class StationResult:
    """Fills over the period: arrival, start and end [h from the period's start], kg, wait [h]."""

    dispensers: int
    arrival_h: np.ndarray
    start_h: np.ndarray
    end_h: np.ndarray
    kg: np.ndarray

    @property
    def wait_h(self) -> np.ndarray:
        return self.start_h - self.arrival_h

    def service_level(self, max_wait_h: float | None = None) -> float:
        """Share of fills that waited at most ``max_wait_h`` [h] (default: data target) [-]; 1 with no fills."""
        if len(self.kg) == 0:
            return 1.0
        limit = turnover_constant("refuel_max_wait_h") if max_wait_h is None else max_wait_h
        return float((self.wait_h <= limit + 1e-9).mean())


def daily_fills(fleet: Fleet, vehicles: int, day_types: tuple[str, ...] = WEEK, year: int = 2025) -> tuple[np.ndarray, np.ndarray]:
    """(arrival hour at the station [h], kg) of each vehicle's daily fill over the period, in time order."""
    if vehicles <= 0:
        return np.zeros(0), np.zeros(0)
    s = fleet_schedule(fleet, day_types, year=year, count=vehicles)
    day = (s.depart_h // 24).astype(int)
    key = s.vehicle * len(day_types) + day
    back = s.depart_h + s.duration_h
    n = vehicles * len(day_types)
    arrival = np.full(n, -np.inf)
    np.maximum.at(arrival, key, back)
    km = np.bincount(key, weights=s.km, minlength=n)
    used = np.isfinite(arrival)
    arrival, kg = arrival[used], km[used] * hydrogen_kg_per_km(fleet)
    order = np.argsort(arrival, kind="stable")
    return arrival[order], kg[order]


def simulate_station(arrival_h, kg, dispensers: int, rate_kg_per_min: float | None = None,
                     connect_min: float | None = None) -> StationResult:
    """Fills served first come, first served by ``dispensers`` dispensers (a ``simpy.Resource``)."""
    if dispensers < 1:
        raise ValueError("a station needs at least one dispenser")
    rate = turnover_constant("dispenser_rate_kg_per_min") if rate_kg_per_min is None else rate_kg_per_min
    connect = turnover_constant("dispenser_connect_min") if connect_min is None else connect_min
    arrival = np.asarray(arrival_h, float)
    amount = np.asarray(kg, float)
    order = np.argsort(arrival, kind="stable")
    arrival, amount = arrival[order], amount[order]
    service_h = (connect + amount / rate) / 60.0
    env = simpy.Environment()
    station = simpy.Resource(env, capacity=int(dispensers))
    start = [0.0] * len(arrival)
    end = [0.0] * len(arrival)

    def fill(i: int, at: float, dur: float):
        yield env.timeout(at)
        with station.request() as req:
            yield req
            start[i] = env.now
            yield env.timeout(dur)
            end[i] = env.now

    for i, (at, dur) in enumerate(zip(arrival.tolist(), service_h.tolist())):
        env.process(fill(i, at, dur))
    env.run()
    return StationResult(int(dispensers), arrival, np.array(start), np.array(end), amount)


def station_week(fleets_and_counts: list[tuple[Fleet, int]], dispensers: int, year: int = 2025) -> StationResult:
    """All fuel-cell vehicles of the park at one station over a representative week."""
    parts = [daily_fills(f, n, year=year) for f, n in fleets_and_counts if n > 0]
    arrival = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0)
    kg = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0)
    return simulate_station(arrival, kg, dispensers)

"""Battery-electric vehicle fleets at a depot as a SimPy model over a representative period.

Vehicles follow duty schedules drawn from a duty-cycle archetype per vehicle kind
(``data/duty_cycles.csv``, assumptions) scaled to the fleet's yearly km; they return to the
depot, queue for a charger (a ``simpy.Resource``), charge at the charger's power until full or
until their next departure, and release it. A vehicle never drives with a state of charge
(SOC) below zero: if it lacks the energy for its next trip it keeps charging and the trip
leaves late. The hourly charging load is integrated exactly from the session log with
arrays; ``charging_profile_for_year`` tiles the period's workday and rest-day shapes over a
year, normalised to sum 1 (like ``energy.loads.profile``).

Time is in hours from the start of the period (hour 0 = 00:00 of its first day). The period
is treated as cyclic: charging that runs past its end is folded onto its start.

Pure module: SimPy inside, no Mesa, nothing from ``kernel``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import simpy

from parktwin.energy.calendar import HOURS_PER_YEAR, YearCalendar, year_calendar
from parktwin.spec.park import Fleet

WEEK = ("work",) * 5 + ("rest",) * 2
"""Default representative period: Monday to Sunday, five workdays then two rest days."""

POLICIES = ("immediate", "smart")
_EPS = 1e-9


# ---------------------------------------------------------------- duty-cycle archetypes


@dataclass(frozen=True)
class Archetype:
    """Duty cycle of one vehicle kind (``data/duty_cycles.csv``).

    ``trips[day_type]`` is an (n, 4) array of departure hour [h of day], duration [h],
    distance weight [-] and spread [h] (departures of a fleet's vehicles are staggered evenly
    over ``spread`` around the departure hour).
    """

    kind: str
    battery_kwh: float
    charger_kw: float
    trips: dict[str, np.ndarray]

    def weight_per_day(self, day_type: str) -> float:
        t = self.trips.get(day_type)
        return 0.0 if t is None else float(t[:, 2].sum())


@cache
def _duty_table() -> pd.DataFrame:
    with resources.files("parktwin.data").joinpath("duty_cycles.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh)


@cache
def archetype(kind: str) -> Archetype:
    """The duty-cycle archetype of vehicle ``kind`` (heavy_truck, light_truck, bus, forklift, car)."""
    df = _duty_table()
    rows = df[df["kind"] == kind]
    if rows.empty:
        raise KeyError(f"no duty cycle for vehicle kind {kind!r} in data/duty_cycles.csv")
    trips = {}
    for day_type, g in rows.groupby("day_type"):
        g = g.sort_values("depart_h")
        arr = g[["depart_h", "duration_h", "distance_weight", "spread_h"]].to_numpy(float)
        arr.setflags(write=False)
        trips[str(day_type)] = arr
    return Archetype(kind, float(rows["battery_kwh"].iloc[0]), float(rows["charger_kw"].iloc[0]), trips)


# ---------------------------------------------------------------- schedules


@dataclass(frozen=True)
class Schedule:
    """Trips of the vehicles of one depot over a representative period.

    Trip arrays are sorted by (vehicle, departure). Hours count from the period's start.

    Attributes
    ----------
    battery_kwh, kwh_per_km : (n_vehicles,) usable battery [kWh] and consumption [kWh/km].
    vehicle, depart_h, duration_h, km : (n_trips,) vehicle index, scheduled departure [h],
        time away from the depot [h], distance [km].
    day_types : the period's days, each ``"work"`` or ``"rest"``.
    initial_soc_kwh : (n_vehicles,) SOC at the period's start [kWh]; default full.
    available_h : (n_vehicles,) hour the vehicle is first at the depot; default 0.
    """

    battery_kwh: np.ndarray
    kwh_per_km: np.ndarray
    vehicle: np.ndarray
    depart_h: np.ndarray
    duration_h: np.ndarray
    km: np.ndarray
    day_types: tuple[str, ...] = WEEK
    initial_soc_kwh: np.ndarray | None = None
    available_h: np.ndarray | None = None

    @property
    def n_vehicles(self) -> int:
        return len(self.battery_kwh)

    @property
    def period_h(self) -> int:
        return 24 * len(self.day_types)

    @property
    def trip_kwh(self) -> np.ndarray:
        """Energy each trip takes [kWh]."""
        return self.km * self.kwh_per_km[self.vehicle]


def make_schedule(
    battery_kwh,
    kwh_per_km,
    trips: list[tuple[int, float, float, float]],
    day_types: tuple[str, ...] = WEEK,
    initial_soc_kwh=None,
    available_h=None,
) -> Schedule:
    """A schedule from explicit trips ``(vehicle, depart_h, duration_h, km)`` (for tests and studies).

    ``battery_kwh`` and ``kwh_per_km`` are per vehicle (sequences) [kWh], [kWh/km].
    """
    battery = np.asarray(battery_kwh, float)
    n = len(battery)
    t = np.asarray(trips, float).reshape(-1, 4)
    order = np.lexsort((t[:, 1], t[:, 0]))
    t = t[order]
    return Schedule(
        battery_kwh=battery,
        kwh_per_km=np.broadcast_to(np.asarray(kwh_per_km, float), (n,)).copy(),
        vehicle=t[:, 0].astype(int),
        depart_h=t[:, 1],
        duration_h=t[:, 2],
        km=t[:, 3],
        day_types=tuple(day_types),
        initial_soc_kwh=None if initial_soc_kwh is None else np.asarray(initial_soc_kwh, float),
        available_h=None if available_h is None else np.asarray(available_h, float),
    )


def fleet_schedule(
    fleet: Fleet,
    day_types: tuple[str, ...] = WEEK,
    rng: np.random.Generator | None = None,
    jitter_h: float = 0.25,
    jitter_km_share: float = 0.1,
    year: int = 2025,
    count: int | None = None,
    battery_kwh: float | None = None,
) -> Schedule:
    """Trips of all vehicles of ``fleet`` over the period, from its kind's archetype.

    Distances are scaled so that a vehicle's yearly km (archetype weights summed over the
    workdays and rest days of ``year``'s calendar) equals ``fleet.km_per_vehicle_yr``.
    Departures of the fleet's vehicles are staggered evenly over each trip's spread.
    With ``rng``, departures get a uniform jitter of ±``jitter_h`` [h] and distances a
    uniform factor 1 ± ``jitter_km_share``; without it the schedule is deterministic.

    Parameters
    ----------
    fleet : the fleet (kind, count, km_per_vehicle_yr [km], bev_kwh_per_km [kWh/km]).
    count : number of vehicles to simulate (default ``fleet.count``).
    battery_kwh : usable battery per vehicle [kWh] (default: the archetype's).
    """
    arch = archetype(fleet.vehicle)
    n = fleet.count if count is None else int(count)
    work_days = int(year_calendar(year).workday_of_day.sum())
    yearly_weight = work_days * arch.weight_per_day("work") + (365 - work_days) * arch.weight_per_day("rest")
    if yearly_weight <= 0:
        raise ValueError(f"duty cycle of {fleet.vehicle!r} has no trips")
    km_per_weight = fleet.km_per_vehicle_yr / yearly_weight
    offsets = (np.arange(n) + 0.5) / max(n, 1) - 0.5  # stagger in (-0.5, 0.5)
    parts = []
    for day, day_type in enumerate(day_types):
        t = arch.trips.get(day_type)
        if t is None or n == 0:
            continue
        depart = 24.0 * day + t[None, :, 0] + offsets[:, None] * t[None, :, 3]
        parts.append((np.repeat(np.arange(n), len(t)), depart.ravel(),
                      np.tile(t[:, 1], n), np.tile(t[:, 2] * km_per_weight, n)))
    if parts:
        veh, dep, dur, km = (np.concatenate(p) for p in zip(*parts))
    else:
        veh, dep, dur, km = np.zeros(0, int), np.zeros(0), np.zeros(0), np.zeros(0)
    if rng is not None and len(dep):
        dep = dep + rng.uniform(-jitter_h, jitter_h, len(dep))
        km = km * (1.0 + rng.uniform(-jitter_km_share, jitter_km_share, len(km)))
    dep = np.maximum(dep, 0.0)
    order = np.lexsort((dep, veh))
    battery = np.full(n, arch.battery_kwh if battery_kwh is None else float(battery_kwh))
    return Schedule(battery, np.full(n, fleet.bev_kwh_per_km), veh[order], dep[order], dur[order], km[order],
                    tuple(day_types))


# ---------------------------------------------------------------- preferences


def valley_preference(day_types: tuple[str, ...] = WEEK, hours=range(8)) -> np.ndarray:
    """Hourly preference over the period [-]: 1 in ``hours`` of every day, 0 elsewhere."""
    day = np.zeros(24)
    day[list(hours)] = 1.0
    return np.tile(day, len(day_types))


def _cumulative(pref: np.ndarray, horizon_h: float) -> list[float]:
    """Integral of the (cyclic, hourly piecewise-constant) preference at integer hours 0..N."""
    reps = math.ceil(horizon_h / len(pref)) + 1
    return np.concatenate([[0.0], np.cumsum(np.tile(pref, reps))]).tolist()


def _best_start(cum: list[float], earliest: float, latest: float, duration: float) -> float:
    """Start in [earliest, latest] that maximises the preference integrated over ``duration`` [h].

    ``cum`` is the preference's integral at whole hours. The integral over [s, s + duration]
    is piecewise linear in s, so its maximum lies at an end or where the start or the end
    crosses a whole hour; ties go to the earliest start. Pure Python: called once per session.
    """

    def integral(x: float) -> float:
        i = int(x)
        return cum[i] + (x - i) * (cum[i + 1] - cum[i])

    cand = [earliest, latest]
    cand.extend(float(h) for h in range(math.ceil(earliest), math.floor(latest) + 1))
    cand.extend(h - duration for h in range(math.ceil(earliest + duration), math.floor(latest + duration) + 1))
    best_s, best = earliest, -math.inf
    for x in sorted(min(max(c, earliest), latest) for c in cand):
        gain = integral(x + duration) - integral(x)
        if gain > best + 1e-12:
            best_s, best = x, gain
    return best_s


# ---------------------------------------------------------------- result


@dataclass
class FleetSimResult:
    """What one simulated period gives.

    Attributes
    ----------
    period_h : length of the period [h]; day_types : its days.
    chargers : number of chargers; charger_kw : power per charger [kW]; policy : charging policy.
    sessions : dict of (n_sessions,) arrays: vehicle, request_h, start_h, end_h [h], kw [kW],
        kwh [kWh], wait_h (queue waiting, start − request) [h].
    trips : dict of (n_trips,) arrays: vehicle, scheduled_h, depart_h (NaN if missed) [h],
        delay_h [h] (0 if missed), km [km], kwh [kWh], soc_depart_kwh, soc_return_kwh [kWh],
        missed (bool: the trip needs more than the full battery).
    initial_soc_kwh, final_soc_kwh : (n_vehicles,) [kWh].
    log : list of (time [h], vehicle, event), events ``arrive request plug unplug depart
        missed``, in the order SimPy processed them.
    hourly_kw : (period_h,) charging load [kW] = energy per hour bin [kWh], folded cyclically.
    """

    period_h: int
    day_types: tuple[str, ...]
    chargers: int
    charger_kw: float
    policy: str
    sessions: dict[str, np.ndarray]
    trips: dict[str, np.ndarray]
    initial_soc_kwh: np.ndarray
    final_soc_kwh: np.ndarray
    log: list[tuple[float, int, str]] = field(repr=False)
    hourly_kw: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        s = self.sessions
        self.hourly_kw = hourly_energy(s["start_h"], s["end_h"], s["kw"], self.period_h)

    @property
    def n_trips(self) -> int:
        return len(self.trips["vehicle"])

    @property
    def trips_missed(self) -> int:
        return int(self.trips["missed"].sum())

    @property
    def trips_delayed(self) -> int:
        """Trips that left later than scheduled (by more than 1e-9 h)."""
        return int((self.trips["delay_h"] > _EPS).sum())

    @property
    def delay_h_total(self) -> float:
        return float(self.trips["delay_h"].sum())

    @property
    def service_level(self) -> float:
        """Share of trips that departed on time [-] (1 if there are no trips)."""
        if self.n_trips == 0:
            return 1.0
        return 1.0 - (self.trips_delayed + self.trips_missed) / self.n_trips

    @property
    def charged_kwh(self) -> float:
        return float(self.sessions["kwh"].sum())

    @property
    def driven_kwh(self) -> float:
        return float(self.trips["kwh"][~self.trips["missed"]].sum())

    def day_shapes(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean 24-hour charging load [kW] of the period's workdays and of its rest days.

        A day type absent from the period takes the other's shape.
        """
        days = self.hourly_kw.reshape(len(self.day_types), 24)
        kinds = np.array(self.day_types)
        work = days[kinds == "work"].mean(axis=0) if (kinds == "work").any() else None
        rest = days[kinds == "rest"].mean(axis=0) if (kinds == "rest").any() else None
        return (work if work is not None else rest), (rest if rest is not None else work)


def hourly_energy(start_h: np.ndarray, end_h: np.ndarray, kw: np.ndarray, period_h: int) -> np.ndarray:
    """Energy of constant-power sessions in hour bins [kWh per h = kW], folded onto the period.

    Exact: each session adds ``kw × overlap`` to the bins it touches (partial first and last
    bins, whole hours between through a difference array); no time-step loop.
    """
    start_h, end_h, kw = (np.asarray(a, float) for a in (start_h, end_h, kw))
    if len(start_h) == 0:
        return np.zeros(period_h)
    h0 = np.floor(start_h).astype(int)
    h1 = np.floor(end_h).astype(int)
    n = int(h1.max()) + 2
    out = np.zeros(n)
    same = h0 == h1
    np.add.at(out, h0[same], kw[same] * (end_h[same] - start_h[same]))
    d = ~same
    np.add.at(out, h0[d], kw[d] * (h0[d] + 1 - start_h[d]))
    np.add.at(out, h1[d], kw[d] * (end_h[d] - h1[d]))
    diff = np.zeros(n + 1)
    np.add.at(diff, h0[d] + 1, kw[d])
    np.add.at(diff, h1[d], -kw[d])
    out += np.cumsum(diff)[:n]
    folded = np.zeros(period_h)
    np.add.at(folded, np.arange(n) % period_h, out)
    return folded


# ---------------------------------------------------------------- the SimPy model


def simulate_depot(
    schedule: Schedule,
    chargers: int,
    charger_kw: float,
    policy: str = "immediate",
    preference: np.ndarray | None = None,
) -> FleetSimResult:
    """Simulate one depot over the schedule's period.

    Parameters
    ----------
    schedule : the vehicles and their trips.
    chargers : number of chargers (capacity of the ``simpy.Resource``), ≥ 1.
    charger_kw : power of each charger [kW] (a vehicle charges at this constant power).
    policy : ``"immediate"`` charges on arrival; ``"smart"`` plugs in at the start, within the
        time left before the next departure, that maximises ``preference`` integrated over the
        charging needed to fill the battery (charges on arrival when the dwell is too short).
    preference : (period_h,) or (24,) hourly preference [-], higher is better (e.g.
        ``valley_preference()``, a PV shape, minus the price); required for ``"smart"``.

    Rules: a vehicle arriving at the depot with a battery not full requests a charger (FIFO);
    it charges until full, or until its next scheduled departure if it then has the trip's
    energy, otherwise until it has it (the trip leaves late). If the trip's energy is there
    it leaves the queue at its departure time. A trip needing more than the full battery is
    missed (the vehicle stays). After its last trip a vehicle charges until full or until its
    first departure of the next period.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    if chargers < 1 or charger_kw <= 0:
        raise ValueError("need at least one charger with a positive power")
    s = schedule
    period_h = s.period_h
    cum = None
    if policy == "smart":
        if preference is None:
            raise ValueError("the smart policy needs an hourly preference array")
        pref = np.asarray(preference, float)
        if len(pref) not in (24, period_h):
            raise ValueError(f"preference must have 24 or {period_h} hours, got {len(pref)}")
        horizon = float(s.depart_h.max() + s.duration_h.max()) if len(s.depart_h) else 0.0
        cum = _cumulative(np.tile(pref, period_h // len(pref)), 2 * period_h + horizon)

    env = simpy.Environment()
    res = simpy.Resource(env, capacity=int(chargers))
    log: list[tuple[float, int, str]] = []
    sess: list[tuple[int, float, float, float, float]] = []  # vehicle, request, start, end, kw
    trip_kwh = s.trip_kwh
    n_trips = len(s.vehicle)
    # plain Python lists inside the processes: numpy scalar access is slow in this loop
    actual = [math.nan] * n_trips
    soc_dep = [math.nan] * n_trips
    soc_ret = [math.nan] * n_trips
    missed = [False] * n_trips
    initial = s.battery_kwh.copy() if s.initial_soc_kwh is None else s.initial_soc_kwh.astype(float).copy()
    soc = initial.tolist()
    battery = s.battery_kwh.tolist()
    avail = [0.0] * s.n_vehicles if s.available_h is None else s.available_h.tolist()
    bounds = np.searchsorted(s.vehicle, np.arange(s.n_vehicles + 1)).tolist()
    depart, duration, need_kwh = s.depart_h.tolist(), s.duration_h.tolist(), trip_kwh.tolist()
    P = float(charger_kw)
    smart = policy == "smart"

    def charge(v: int, next_dep: float, need: float):
        """Charge vehicle v at the depot before a departure at next_dep needing ``need`` kWh."""
        cap = battery[v]
        now = env.now
        if soc[v] >= cap - _EPS or (soc[v] >= need - _EPS and now >= next_dep):
            return
        if smart and next_dep != math.inf:
            dur = (cap - soc[v]) / P
            latest = next_dep - dur
            if latest > now + _EPS:
                start = _best_start(cum, now, latest, dur)
                if start > now:
                    yield env.timeout(start - now)
        t_req = env.now
        log.append((float(t_req), v, "request"))
        with res.request() as req:
            if soc[v] >= need - _EPS and next_dep != math.inf:
                got = yield req | env.timeout(max(next_dep - t_req, 0.0))
                if req not in got:
                    return  # leaves the queue on time with enough energy
            else:
                yield req
            t0 = env.now
            log.append((float(t0), v, "plug"))
            t_full = t0 + (cap - soc[v]) / P
            t_need = t0 + max(need - soc[v], 0.0) / P
            t_end = max(min(t_full, next_dep), t_need)
            if t_end > t0:
                yield env.timeout(t_end - t0)
                soc[v] = min(cap, soc[v] + P * (t_end - t0))
                sess.append((v, t_req, t0, env.now, P))  # released at env.now (t0 + (t_end − t0) may differ from t_end in the last bit)
            log.append((float(env.now), v, "unplug"))

    def vehicle(v: int):
        lo, hi = bounds[v], bounds[v + 1]
        if avail[v] > 0:
            yield env.timeout(avail[v])
        log.append((float(env.now), v, "arrive"))
        first = depart[lo] + period_h if hi > lo else math.inf
        for i in range(lo, hi):
            need = need_kwh[i]
            if need > battery[v] + _EPS:
                missed[i] = True
                log.append((float(max(env.now, depart[i])), v, "missed"))
                continue
            yield from charge(v, depart[i], need)
            if env.now < depart[i]:
                yield env.timeout(depart[i] - env.now)
            actual[i] = env.now
            soc_dep[i] = soc[v]
            log.append((float(env.now), v, "depart"))
            yield env.timeout(duration[i])
            soc[v] = soc[v] - need
            soc_ret[i] = soc[v]
            log.append((float(env.now), v, "arrive"))
        yield from charge(v, first, 0.0)

    for v in range(s.n_vehicles):
        env.process(vehicle(v))
    env.run()
    actual, soc_dep, soc_ret, missed = (np.array(a) for a in (actual, soc_dep, soc_ret, missed))
    missed = missed.astype(bool)

    arr = np.array(sess, float).reshape(-1, 5)
    sessions = {
        "vehicle": arr[:, 0].astype(int), "request_h": arr[:, 1], "start_h": arr[:, 2], "end_h": arr[:, 3],
        "kw": arr[:, 4], "kwh": arr[:, 4] * (arr[:, 3] - arr[:, 2]), "wait_h": arr[:, 2] - arr[:, 1],
    }
    delay = np.where(missed, 0.0, np.nan_to_num(actual - s.depart_h, nan=0.0))
    trips = {
        "vehicle": s.vehicle.copy(), "scheduled_h": s.depart_h.copy(), "depart_h": actual, "delay_h": delay,
        "km": s.km.copy(), "kwh": trip_kwh, "soc_depart_kwh": soc_dep, "soc_return_kwh": soc_ret, "missed": missed,
    }
    return FleetSimResult(period_h, s.day_types, int(chargers), P, policy, sessions, trips, initial, np.array(soc), log)


def simulate_fleet(
    fleet: Fleet,
    chargers: int | None = None,
    charger_kw: float | None = None,
    policy: str = "immediate",
    preference: np.ndarray | None = None,
    day_types: tuple[str, ...] = WEEK,
    rng: np.random.Generator | None = None,
    **schedule_kw,
) -> FleetSimResult:
    """Simulate ``fleet`` alone at its depot for the period (see ``simulate_depot``).

    ``chargers`` defaults to one per vehicle, ``charger_kw`` [kW] to the archetype's;
    ``schedule_kw`` go to ``fleet_schedule`` (jitter_h, jitter_km_share, year, count, battery_kwh).
    """
    sched = fleet_schedule(fleet, day_types, rng=rng, **schedule_kw)
    n = chargers if chargers is not None else max(sched.n_vehicles, 1)
    kw = charger_kw if charger_kw is not None else archetype(fleet.vehicle).charger_kw
    return simulate_depot(sched, n, kw, policy, preference)


# ---------------------------------------------------------------- the year


def charging_profile_for_year(result: FleetSimResult, calendar: YearCalendar | int) -> np.ndarray:
    """Hourly charging profile of a year (8760,), summing to 1.

    Each workday of ``calendar`` (a ``YearCalendar`` or a year) takes the period's mean
    workday shape, each rest day its mean rest-day shape (``FleetSimResult.day_shapes``).
    Multiply by the year's charging energy [kWh] to get the hourly load [kW].
    """
    cal = year_calendar(calendar) if isinstance(calendar, (int, np.integer)) else calendar
    work, rest = result.day_shapes()
    weights = np.where(cal.is_workday, work[cal.hour_of_day], rest[cal.hour_of_day])
    total = weights.sum()
    if total <= 0:
        raise ValueError("the simulated period has no charging load")
    out = weights / total
    assert len(out) == HOURS_PER_YEAR
    return out

"""Vehicle fleets: diesel use, and charging load once (part of) the fleet is battery-electric.

The charging profile is the depot-night shape until the SimPy fleet model (mobility/) replaces it.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from parktwin.agents.base import EnergyRow, Investment, ParkAgent, energy_rows, segment_weights
from parktwin.data import constant
from parktwin.economics.catalogue import lifetime_yr, vehicle_technology
from parktwin.economics.costs import purchase
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.calendar import year_calendar
from parktwin.energy.loads import LoadBook, is_registered, profile, register_profile, share_of_year
from parktwin.energy.tariff import hourly_tariff, shape_price_cny_per_kwh
from parktwin.mobility.fleet_sim import charging_profile_for_year, simulate_fleet, valley_preference
from parktwin.mobility.h2_station import station_week
from parktwin.mobility.turnover import (
    VehicleCost,
    base_retirements,
    choose_powertrain,
    electrolysis_kwh_per_kg,
    hydrogen_kg_per_km,
    vehicle_cost,
)
from parktwin.spec.park import Fleet

CHARGING_SHAPE = "depot_night"  # the fixed shape when charging is not simulated


@lru_cache(maxsize=256)
def simulated_charging_shape(fleet_json: str, year: int, policy: str, vehicles_per_charger: float) -> str:
    """Name of the charging profile of a fleet simulated at its depot (SimPy, a representative
    week, no jitter), registered for ``year``. Cached: the same fleet, policy and charger ratio
    give the same shape in every run of a process."""

    name = _charging_shape_name(fleet_json, policy, vehicles_per_charger)
    if not is_registered(name, year):
        work_days = int(year_calendar(year).workday_of_day.sum())
        result = _depot_week(fleet_json, work_days, year, policy, vehicles_per_charger)
        register_profile(name, year, charging_profile_for_year(result, year))
    return name


@lru_cache(maxsize=256)
def _charging_shape_name(fleet_json: str, policy: str, vehicles_per_charger: float) -> str:
    """The registered name of a simulated fleet's charging shape (the fleet read once per process, not every year)."""
    fleet = Fleet.model_validate_json(fleet_json)
    return f"fleet_sim:{fleet.id}:{policy}:{vehicles_per_charger}:{abs(hash(fleet_json))}"


_DEPOT_WEEKS: dict[tuple, object] = {}
_DEPOT_WEEKS_MAX = 64


def _depot_week(fleet_json: str, work_days: int, year: int, policy: str, vehicles_per_charger: float):
    """The simulated week of a fleet. A year enters the schedule only through its number of
    workdays (the km of a trip: ``fleet_schedule``), so years with the same count share one
    simulation: ``year`` is the first such year asked for and is not part of the cache key."""

    key = (fleet_json, work_days, policy, vehicles_per_charger)
    if key not in _DEPOT_WEEKS:
        fleet = Fleet.model_validate_json(fleet_json)
        chargers = max(1, math.ceil(fleet.count / vehicles_per_charger))
        preference = valley_preference() if policy == "smart" else None
        if len(_DEPOT_WEEKS) >= _DEPOT_WEEKS_MAX:
            _DEPOT_WEEKS.pop(next(iter(_DEPOT_WEEKS)))
        _DEPOT_WEEKS[key] = simulate_fleet(fleet, chargers=chargers, policy=policy, preference=preference, year=year)
    return _DEPOT_WEEKS[key]


Mix = tuple[float, float, float]  # shares of the fleet's vehicles: diesel, battery-electric, fuel-cell
POWERTRAIN_INDEX = {"diesel": 0, "bev": 1, "fcev": 2}
ELECTROLYSIS_SHAPE = "continuous"  # the station's electrolysers run steadily; its storage buffers the fills


def initial_mix(powertrain: str) -> Mix:
    out = [0.0, 0.0, 0.0]
    out[POWERTRAIN_INDEX[powertrain]] = 1.0
    return tuple(out)


def _fold(mix: Mix, change) -> Mix:
    d, b, f = mix
    if change.kind == "electrify_fleet":
        moved = min(change.value, d)
        return (d - moved, b + moved, f)
    if change.kind == "turnover":
        retired, new = change.value
        out = [m - r for m, r in zip(mix, retired)]
        out[new] += sum(retired)
        return tuple(max(x, 0.0) for x in out)
    raise ValueError(f"fleet cannot take a change of kind {change.kind!r}")


class FleetAgent(ParkAgent):
    kind = "fleet"

    def __init__(self, model, spec: Fleet, growth_share_per_yr: float, charging=None, policy=None):
        super().__init__(model, spec.id)
        self.spec = spec
        self.growth_share_per_yr = growth_share_per_yr
        self.charging = charging  # scenario.mobility, or None for the fixed depot-night shape
        self.policy = policy  # scenario.fleets, or None: no turnover
        self.activity = 1.0  # vehicle-km relative to the base year
        self._fleet_json = spec.model_dump_json()
        self.initial = initial_mix(spec.powertrain)
        self.hydrogen_kg = 0.0  # hydrogen used in the last operated year [kg]
        self.last_mix: Mix = self.initial
        self.steady_changes = -1  # changes held when all were folded and the year was in one mix (``fleets_year_energy``)
        self.measured_shape: str | None = None  # a registered measured charging shape (use_measured)
        self.kwh_per_km = spec.bev_kwh_per_km  # calibrated by a measured series
        # retirement year → shares (diesel, bev, fcev) of the fleet, [0] of base-year vehicles, [1] of vehicles
        # bought in the run (the cost account renews those at the end of their life: economics.costs)
        self.cohorts: dict[int, np.ndarray] | None = None
        self.hurdle_rate = self.nev_preference = 0.0
        scenario = getattr(model, "scenario", None)
        self.year = scenario.base_year if scenario is not None else 0
        if policy is not None and policy.turnover:
            life = _vehicle_life(spec.vehicle, spec.powertrain)
            mean_age = spec.mean_age_yr if spec.mean_age_yr is not None else life / 2.0
            shares = base_retirements(mean_age, life, scenario.horizon_years)
            self.cohorts = {self.year + t + 1: np.array([self.initial, (0.0, 0.0, 0.0)]) * s for t, s in enumerate(shares) if s > 0}

    def draw_traits(self, rng) -> None:
        """The owner's hurdle rate and new-energy preference, drawn from the run's seed."""

        def draw(s) -> float:
            return float(np.clip(rng.normal(s.mean, s.sd), s.low, s.high))

        self.hurdle_rate, self.nev_preference = draw(self.policy.hurdle_rate), draw(self.policy.nev_preference)

    def use_measured(self, shape: str, kwh: float) -> None:
        """Take a measured charging series of the (battery-electric) fleet: its sum [kWh] over the
        base year's vehicle-km sets the consumption per km, its ``shape`` the charging profile."""
        self.measured_shape = shape
        self.kwh_per_km = kwh / (self.spec.count * self.spec.km_per_vehicle_yr)

    def charging_shape(self, year: int) -> str:
        c = self.charging
        if self.measured_shape is not None:
            return self.measured_shape
        if c is None or c.charging == "depot_night" or self.spec.count == 0:
            return CHARGING_SHAPE
        return simulated_charging_shape(self._fleet_json, year, c.policy, c.vehicles_per_charger)

    def step(self) -> None:
        self.activity *= 1.0 + self.growth_share_per_yr
        self.year += 1
        if self.cohorts is not None:
            self.turn_over(self.year)

    # -- turnover ----------------------------------------------------------------------------
    def replacement_costs(self, year: int) -> list[VehicleCost]:
        """What each allowed powertrain would cost this owner over a year (mobility/turnover.py)."""
        model = self.model
        index = year - model.scenario.base_year
        elec = depot_electricity_price(model.scenario.park.grid.tariff, year)
        carbon = float(model.carbon_price_cny_per_tco2[index])
        costs = [vehicle_cost(self.spec, pt, year, elec, carbon) for pt in self.policy.powertrains]
        return [c for c in costs if c is not None]

    def turn_over(self, year: int) -> str | None:
        """Retire this year's cohort and replace it with the owner's choice; returns that choice."""
        cohort = self.cohorts.pop(year, None)
        if cohort is None or cohort.sum() <= 0:
            return None
        retiring = cohort.sum(axis=0)
        p = self.policy
        nev_only = p.nev_mandate_from_year is not None and year >= p.nev_mandate_from_year
        costs = self.replacement_costs(year)
        choice = choose_powertrain(costs, self.hurdle_rate, self.nev_preference, nev_only)
        if choice is None:  # nothing allowed is in the catalogue: keep the old models
            choice = self.spec.powertrain
        model = self.model
        hour = float((year - model.scenario.base_year) * HOURS_PER_YEAR)
        self.commission(hour, "turnover", (tuple(float(x) for x in retiring), POWERTRAIN_INDEX[choice]), f"{self.entity_id}_turnover_{year}")
        life = _vehicle_life(self.spec.vehicle, choice)
        new = np.zeros((2, 3))
        new[1, POWERTRAIN_INDEX[choice]] = retiring.sum()
        key = year + int(round(life))
        self.cohorts[key] = self.cohorts.get(key, np.zeros((2, 3))) + new
        vehicles = float(retiring.sum()) * self.spec.count
        record = getattr(model, "record", None)
        if record is not None:
            name, vehicle = f"{self.entity_id}_turnover_{year}", self.spec.vehicle
            # base-year vehicles are bought new; vehicles bought in the run are renewed by the cost
            # account as the same model, so only a change of model is bought (and the old not bought)
            bought = {vehicle_technology(vehicle, choice): float(cohort[0].sum()) * self.spec.count}
            for pt, i in POWERTRAIN_INDEX.items():
                if pt != choice and cohort[1, i] > 0:
                    n = float(cohort[1, i]) * self.spec.count
                    bought[vehicle_technology(vehicle, choice)] += n
                    bought[vehicle_technology(vehicle, pt)] = bought.get(vehicle_technology(vehicle, pt), 0.0) - n
            record.purchases.extend(purchase(year, 0.0, name, self.entity_id, tech, n, terms=model.unit_terms)
                                    for tech, n in bought.items() if n != 0.0)
            if choice == "fcev":
                record.purchases.extend(self._hydrogen_supply(year, vehicles))
            tco = {c.powertrain: round(c.tco_cny_per_yr(self.hurdle_rate)) for c in costs}
            record.events.append({
                "year": year, "hour": 0.0, "time": f"{year}-01-01T00:00", "kind": "fleet_turnover",
                "id": f"{self.entity_id}_turnover_{year}", "decided_hour": hour,
                "detail": f"{vehicles:.1f} vehicles retired, replaced by {choice} (TCO CNY/yr per vehicle: {tco})",
                "origin": self.entity_id,
            })
        return choice

    def _hydrogen_supply(self, year: int, vehicles: float) -> list:
        """The park's hydrogen station when the first fuel-cell vehicle arrives, and electrolysers
        [kW_e] for the new vehicles' hydrogen, run steadily (energy per year / 8,760 h × the
        steady profile's peak share)."""
        model = self.model
        out = []
        if not getattr(model, "hydrogen_station_built", False):
            model.hydrogen_station_built = True
            out.append(purchase(year, 0.0, "hydrogen_station", "operator", "hydrogen_dispenser", self.policy.hydrogen_dispensers,
                                terms=model.unit_terms))
        kwh = vehicles * self.spec.km_per_vehicle_yr * self.activity * hydrogen_kg_per_km(self.spec) * electrolysis_kwh_per_kg()
        peak = float(profile(ELECTROLYSIS_SHAPE, year).max())
        out.append(purchase(year, 0.0, f"{self.entity_id}_electrolysis_{year}", "operator", "electrolyser", kwh * peak,
                            terms=model.unit_terms))
        return out

    def commission(self, hour: float, kind: str, value, source: str = ""):
        change = super().commission(hour, kind, value, source)
        if kind == "electrify_fleet" and self.cohorts is not None:  # early replacement: diesel cohorts shrink
            diesel = sum(c[:, 0].sum() for c in self.cohorts.values())
            before = self.state_before(change, self.initial, _fold)
            moved = _fold(before, change)[1] - before[1]
            if diesel > 0 and moved > 0:
                keep = max(0.0, 1.0 - moved / diesel)
                for c in self.cohorts.values():
                    c[:, 0] *= keep
                year = self.model.scenario.base_year + int(hour // HOURS_PER_YEAR)
                key = year + int(round(lifetime_yr(vehicle_technology(self.spec.vehicle, "bev"))))
                self.cohorts[key] = self.cohorts.get(key, np.zeros((2, 3))) + np.array([[0.0, 0.0, 0.0], [0.0, moved, 0.0]])
        return change

    def investments(self, change, year: int) -> list[Investment]:
        """Battery-electric vehicles bought, and the diesel ones not bought (negative)."""
        before = self.state_before(change, self.initial, _fold)
        vehicles = (_fold(before, change)[1] - before[1]) * self.spec.count
        if vehicles <= 0:
            return []
        kind = self.spec.vehicle
        return [Investment(self.entity_id, vehicle_technology(kind, "bev"), vehicles),
                Investment(self.entity_id, vehicle_technology(kind, "diesel"), -vehicles)]

    def fcev_count(self) -> float:
        """Fuel-cell vehicles in the last operated year (end of year)."""
        return self.last_mix[2] * self.spec.count

    # -- energy ------------------------------------------------------------------------------
    def year_energy(self, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
        """The fleet's electricity [MWh] and diesel [t] rows of the year (``fleets_year_energy``)."""
        return fleets_year_energy((self,), year, year_start, book)

    def _segmented_year(self, year: int, km: float, segs, shape: str, book: LoadBook) -> list[EnergyRow]:
        """``year_energy`` of a year whose mix changes within it: each segment weighted by its share
        of the charging (``shape``), diesel and electrolysis profiles, loads booked piecewise."""
        f = self.spec
        starts = [h for h, _ in segs]
        weights = segment_weights(shape, year, starts)
        diesel_t_full = km * f.diesel_l_per_100km / 100.0 * constant("diesel_density_kg_per_l") / 1000.0
        diesel_t = sum(w * diesel_t_full * mix[0] for (_, mix), w in zip(segs, weights))
        elec_kwh = book.add_piecewise(shape, starts, [km * self.kwh_per_km * mix[1] for _, mix in segs])
        self.hydrogen_kg = 0.0
        if any(mix[2] > 0 for _, mix in segs):
            kg_full = km * hydrogen_kg_per_km(f)
            h2_weights = segment_weights(ELECTROLYSIS_SHAPE, year, starts)
            self.hydrogen_kg = sum(w * kg_full * mix[2] for (_, mix), w in zip(segs, h2_weights))
            elec_kwh += book.add_piecewise(ELECTROLYSIS_SHAPE, starts, [kg_full * mix[2] * electrolysis_kwh_per_kg() for _, mix in segs])
        return energy_rows(self.entity_id, self.kind, (("electricity", elec_kwh / 1000.0, "MWh"), ("diesel", diesel_t, "t")))


def fleets_year_energy(fleets, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
    """The electricity [MWh] and diesel [t] rows of ``fleets`` in order, booked in order on ``book``.

    A fleet in one mix all year (diesel, battery-electric, fuel-cell shares; most fleet-years) is
    done here in one pass: the one segment's weight is its shape's share of the year
    (``share_of_year``) and its electricity is booked from hour 0 — the products and parts of the
    segmented year (``FleetAgent._segmented_year``) with one segment, whose sums from 0 add one term.
    The run's constants (diesel density, electrolysis kWh per kg) are read once per call. A fleet that
    took no change since a year in one mix with all its changes folded (they come in clock order, so
    none lies in a later year) is in that mix (``last_mix``) all year, known without asking for the
    year's segments (a later ``year_segments`` of the year finds the same list on its fast path)."""
    out: list[EnergyRow] = []
    density = constant("diesel_density_kg_per_l")
    h2_kwh_per_kg = None
    for a in fleets:
        f = a.spec
        km = f.count * f.km_per_vehicle_yr * a.activity
        changes = a.changes
        if a.steady_changes == len(changes):
            mix = a.last_mix
        else:
            segs = a.year_segments(year_start, a.initial, _fold)
            mix = a.last_mix = segs[-1][1]
            if len(segs) != 1:
                shape = CHARGING_SHAPE if mix[1] <= 0.0 else a.charging_shape(year)
                out.extend(a._segmented_year(year, km, segs, shape, book))
                continue
            a.steady_changes = len(changes) if not changes or changes[-1].hour <= year_start else -1
        shape = CHARGING_SHAPE if mix[1] <= 0.0 else a.charging_shape(year)  # no battery-electric vehicle: no charging profile
        w = share_of_year(shape, year)
        diesel_t = w * (km * f.diesel_l_per_100km / 100.0 * density / 1000.0) * mix[0]
        elec_kwh = book.add_full_year(shape, km * a.kwh_per_km * mix[1], w)
        a.hydrogen_kg = 0.0
        if mix[2] > 0:
            if h2_kwh_per_kg is None:
                h2_kwh_per_kg = electrolysis_kwh_per_kg()
            kg_full = km * hydrogen_kg_per_km(f)
            h2_share = share_of_year(ELECTROLYSIS_SHAPE, year)
            a.hydrogen_kg = h2_share * kg_full * mix[2]
            elec_kwh += book.add_full_year(ELECTROLYSIS_SHAPE, kg_full * mix[2] * h2_kwh_per_kg, h2_share)
        out.extend(energy_rows(a.entity_id, FleetAgent.kind, (("electricity", elec_kwh / 1000.0, "MWh"), ("diesel", diesel_t, "t"))))
    return out


def _vehicle_life(vehicle: str, powertrain: str) -> float:
    """Catalogue life of the model [yr]; a base-year model the catalogue lacks (a fuel-cell car)
    takes the diesel model's."""
    try:
        return lifetime_yr(vehicle_technology(vehicle, powertrain))
    except KeyError:
        return lifetime_yr(vehicle_technology(vehicle, "diesel"))


def depot_electricity_price(tariff, year: int) -> float:
    """The tariff averaged over the depot-night charging shape of ``year`` [CNY/kWh]
    (``energy.tariff.shape_price_cny_per_kwh``: once per process and pair of arrays)."""
    return shape_price_cny_per_kwh(hourly_tariff(tariff, year)[1], CHARGING_SHAPE, year)


def fleet_indicators(fleets, policy, year: int) -> dict[str, float]:
    """Vehicles, the new-energy share of them, hydrogen used [kg] and the hydrogen station's service level."""

    fleets = list(fleets)
    total = sum(a.spec.count for a in fleets)
    nev = sum((a.last_mix[1] + a.last_mix[2]) * a.spec.count for a in fleets)
    fcev = [(a.spec, int(round(a.fcev_count()))) for a in fleets if a.fcev_count() > 0]
    service = 1.0
    if fcev:
        key = (tuple((s.model_dump_json(), n) for s, n in fcev), policy.hydrogen_dispensers, year)
        if key not in _STATION:
            if len(_STATION) > 256:
                _STATION.clear()
            _STATION[key] = station_week(fcev, policy.hydrogen_dispensers, year=year).service_level()
        service = _STATION[key]
    return {"vehicles": float(total), "nev_vehicle_share": nev / total if total else 0.0,
            "fcev_vehicles": float(sum(n for _, n in fcev)), "fcev_hydrogen_kg": sum(a.hydrogen_kg for a in fleets),
            "hydrogen_service_level": service}


_STATION: dict[tuple, float] = {}

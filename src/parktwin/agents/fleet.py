"""Vehicle fleets: diesel use, and charging load once (part of) the fleet is battery-electric.

The charging profile is the depot-night shape until the SimPy fleet model (mobility/) replaces it.
"""

from __future__ import annotations

import math
from functools import lru_cache

from parktwin.agents.base import EnergyRow, Investment, ParkAgent, book_piecewise, segment_weights
from parktwin.data import constant
from parktwin.economics.catalogue import vehicle_technology
from parktwin.energy.loads import LoadBook, is_registered, register_profile
from parktwin.spec.park import Fleet

CHARGING_SHAPE = "depot_night"  # the fixed shape when charging is not simulated


@lru_cache(maxsize=256)
def simulated_charging_shape(fleet_json: str, year: int, policy: str, vehicles_per_charger: float) -> str:
    """Name of the charging profile of a fleet simulated at its depot (SimPy, a representative
    week, no jitter), registered for ``year``. Cached: the same fleet, policy and charger ratio
    give the same shape in every run of a process."""
    from parktwin.mobility.fleet_sim import charging_profile_for_year, simulate_fleet, valley_preference

    fleet = Fleet.model_validate_json(fleet_json)
    name = f"fleet_sim:{fleet.id}:{policy}:{vehicles_per_charger}:{abs(hash(fleet_json))}"
    if not is_registered(name, year):
        chargers = max(1, math.ceil(fleet.count / vehicles_per_charger))
        preference = valley_preference() if policy == "smart" else None
        result = simulate_fleet(fleet, chargers=chargers, policy=policy, preference=preference, year=year)
        register_profile(name, year, charging_profile_for_year(result, year))
    return name


def _fold(bev_share: float, change) -> float:
    if change.kind != "electrify_fleet":
        raise ValueError(f"fleet cannot take a change of kind {change.kind!r}")
    return min(1.0, bev_share + change.value)


class FleetAgent(ParkAgent):
    kind = "fleet"

    def __init__(self, model, spec: Fleet, growth_share_per_yr: float, charging=None):
        super().__init__(model, spec.id)
        self.spec = spec
        self.growth_share_per_yr = growth_share_per_yr
        self.charging = charging  # scenario.mobility, or None for the fixed depot-night shape
        self.activity = 1.0  # vehicle-km relative to the base year
        self._fleet_json = spec.model_dump_json()
        self.measured_shape: str | None = None  # a registered measured charging shape (use_measured)
        self.kwh_per_km = spec.bev_kwh_per_km  # calibrated by a measured series

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

    def investments(self, change, year: int) -> list[Investment]:
        """Battery-electric vehicles bought, and the diesel ones not bought (negative)."""
        initial = 1.0 if self.spec.powertrain == "bev" else 0.0
        before = self.state_before(change, initial, _fold)
        vehicles = (_fold(before, change) - before) * self.spec.count
        if vehicles <= 0:
            return []
        kind = self.spec.vehicle
        return [Investment(self.entity_id, vehicle_technology(kind, "bev"), vehicles),
                Investment(self.entity_id, vehicle_technology(kind, "diesel"), -vehicles)]

    def year_energy(self, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
        f = self.spec
        km = f.count * f.km_per_vehicle_yr * self.activity
        initial = 1.0 if f.powertrain == "bev" else 0.0
        segs = self.year_segments(year_start, initial, _fold)
        if segs[-1][1] <= 0.0:  # all diesel all year: no charging profile needed
            shape = CHARGING_SHAPE
        else:
            shape = self.charging_shape(year)
        starts = [h for h, _ in segs]
        weights = segment_weights(shape, year, starts)
        diesel_t_full = km * f.diesel_l_per_100km / 100.0 * constant("diesel_density_kg_per_l") / 1000.0
        diesel_t = sum(w * diesel_t_full * (1.0 - bev) for (_, bev), w in zip(segs, weights))
        elec_kwh = book_piecewise(book, shape, starts, [km * self.kwh_per_km * bev for _, bev in segs])
        rows = [("electricity", elec_kwh / 1000.0, "MWh"), ("diesel", diesel_t, "t")]
        return [EnergyRow(self.entity_id, self.kind, c, q, u) for c, q, u in rows if q > 0.0]

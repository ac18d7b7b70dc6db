"""Vehicle turnover: cohorts that retire at the end of their life, and the total cost of
ownership (TCO) by which an owner picks the replacement (diesel, battery-electric, fuel-cell).

Pure functions over the catalogue (data/technologies.csv: price, fixed O&M, life), the prices
(data/prices.csv: diesel) and data/vehicle_turnover.csv (hydrogen LHV, fuel-cell/battery energy
ratio, the station's cost per kg). No Mesa, no SimPy.

TCO per vehicle and year [CNY/yr] = capex × annuity factor(rate, life) + fixed O&M
+ energy (diesel; electricity at the depot tariff; hydrogen made by the park's electrolysers:
electricity × LHV / efficiency + the station's cost per kg) + carbon price × scope-1 CO₂.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from parktwin.data import constant, table
from parktwin.economics.catalogue import available, capex_cny, fixed_om_cny_per_yr, lifetime_yr, price_cny, technology
from parktwin.economics.finance import annuity_factor
from parktwin.spec.park import Fleet

POWERTRAINS = ("diesel", "bev", "fcev")
NEW_ENERGY = frozenset({"bev", "fcev"})


@lru_cache(maxsize=None)
def turnover_constant(name: str) -> float:
    """A value of data/vehicle_turnover.csv (its unit in the table)."""
    df = table("vehicle_turnover")
    rows = df[df["name"] == name]
    if rows.empty:
        raise KeyError(f"no {name!r} in data/vehicle_turnover.csv")
    return float(rows["value"].iloc[0])


def fcev_kwh_h2_per_km(fleet: Fleet) -> float:
    """Hydrogen use of the fleet's fuel-cell model [kWh LHV/km]: stated, or the battery model's × the ratio."""
    if fleet.fcev_kwh_h2_per_km is not None:
        return fleet.fcev_kwh_h2_per_km
    return fleet.bev_kwh_per_km * turnover_constant("fcev_to_bev_energy_ratio")


def hydrogen_kg_per_km(fleet: Fleet) -> float:
    return fcev_kwh_h2_per_km(fleet) / turnover_constant("hydrogen_lhv_kwh_per_kg")


def electrolysis_kwh_per_kg() -> float:
    """Electricity per kg of hydrogen made in the park [kWh/kg] = LHV / electrolyser efficiency."""
    return turnover_constant("hydrogen_lhv_kwh_per_kg") / constant("electrolyser_efficiency_lhv")


def model_exists(vehicle: str, powertrain: str, year: int) -> bool:
    try:
        technology(f"{powertrain}_{vehicle}")
    except KeyError:
        return False
    return available(f"{powertrain}_{vehicle}", year)


@dataclass(frozen=True)
class VehicleCost:
    """One vehicle's costs over a year of use [CNY, CNY/yr, tCO₂/yr]."""

    powertrain: str
    capex_cny: float
    fixed_om_cny_per_yr: float
    energy_cny_per_yr: float
    carbon_cny_per_yr: float
    co2_tco2_per_yr: float
    lifetime_yr: float

    @property
    def running_cny_per_yr(self) -> float:
        return self.fixed_om_cny_per_yr + self.energy_cny_per_yr + self.carbon_cny_per_yr

    def tco_cny_per_yr(self, rate: float) -> float:
        """Capex as an annuity over the life at ``rate`` plus the yearly running cost."""
        return self.capex_cny * annuity_factor(rate, self.lifetime_yr) + self.running_cny_per_yr


def vehicle_cost(fleet: Fleet, powertrain: str, year: int, electricity_cny_per_kwh: float,
                 carbon_cny_per_tco2: float) -> VehicleCost | None:
    """Costs of one new ``powertrain`` vehicle of the fleet bought in ``year``, at the fleet's
    km per vehicle; None when the catalogue has no such model (or not yet) or a diesel model has
    no stated consumption."""
    if not model_exists(fleet.vehicle, powertrain, year):
        return None
    if powertrain == "fcev" and not available("electrolyser", year):  # the park makes its own hydrogen
        return None
    km = fleet.km_per_vehicle_yr
    co2 = 0.0
    if powertrain == "diesel":
        if fleet.diesel_l_per_100km <= 0:
            return None
        diesel_t = km * fleet.diesel_l_per_100km / 100.0 * constant("diesel_density_kg_per_l") / 1000.0
        energy = diesel_t * price_cny("diesel", year)
        co2 = diesel_t * constant("diesel_kgco2_per_t") / 1000.0
    elif powertrain == "bev":
        energy = km * fleet.bev_kwh_per_km * electricity_cny_per_kwh
    else:
        kg = km * hydrogen_kg_per_km(fleet)
        energy = kg * (electrolysis_kwh_per_kg() * electricity_cny_per_kwh + turnover_constant("hydrogen_station_cny_per_kg"))
    tech = f"{powertrain}_{fleet.vehicle}"
    return VehicleCost(powertrain, capex_cny(tech, year), fixed_om_cny_per_yr(tech, year), energy,
                       co2 * carbon_cny_per_tco2, co2, lifetime_yr(tech))


def choose_powertrain(costs: list[VehicleCost], rate: float, nev_preference: float, nev_only: bool) -> str | None:
    """The replacement an owner buys: the lowest TCO, a new-energy vehicle's counted × (1 − preference);
    with ``nev_only`` (a mandate) diesel is not an option. Ties go to the earlier in ``costs``.

    Every option has the same life here, so the lowest TCO is the highest NPV against any one of
    them at the owner's rate (NPV = annuity present value × TCO difference; agents/decisions.py).
    """
    best, best_score = None, math.inf
    for c in costs:
        if nev_only and c.powertrain not in NEW_ENERGY:
            continue
        score = c.tco_cny_per_yr(rate) * ((1.0 - nev_preference) if c.powertrain in NEW_ENERGY else 1.0)
        if score < best_score - 1e-9:
            best, best_score = c.powertrain, score
    return best


def base_retirements(mean_age_yr: float, life_yr: float, horizon_yr: int) -> list[float]:
    """Share of the base-year stock retiring in each year 1..horizon, ages uniform on [0, 2 × mean age].

    A vehicle of age a retires when a + t reaches the life: in year t those with a in
    (life − t, life − t + 1] retire, a share 1/(2 × mean age) of the stock per full year.
    """
    span = 2.0 * mean_age_yr
    out = []
    for t in range(1, horizon_yr + 1):
        lo, hi = max(life_yr - t, 0.0), max(life_yr - t + 1, 0.0)
        if t == 1:
            hi = max(hi, span)  # vehicles already past their life go at the first turnover
        out.append((min(hi, span) - min(lo, span)) / span if span > 0 else (1.0 if t == math.ceil(life_yr) else 0.0))
    return out

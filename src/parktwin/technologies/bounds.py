"""The park quantity that bounds each technology (the ``bound`` column of data/technology_kinds.csv),
for a planner: from the park file where it states it, else from a run's ``annual`` row (e.g. the
business-as-usual run's base year).

From the park file: roofs and floor area [m²], fleet vehicles, process CO₂ and direct CO₂ (fuels
stated in the park file and processes) [t/yr], the firms'
boiler heat and the energy of the coal and gas they burn outside boilers [kWh/yr] (the same
formulas as ``agents.enterprise.EnterpriseAgent.boiler_heat_kwh`` / ``process_fuel_kwh``, NCV and
efficiencies from data/constants.csv), their recoverable waste heat [kWh/yr]. From a run's year:
grid import [MWh], peak import [kW], final energy [tce], heat by band [kWh_th], cooling [kWh_th],
hydrogen [kg]. ``none`` bounds nothing; the resource accounts bound each measure by its own
account (agents/resources.py), not one number.
"""

from __future__ import annotations

from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.data import constant
from parktwin.energy.heat import BANDS, SUPPLIES
from parktwin.technologies.registry import technology


def _boiler_heat_kwh(park) -> float:
    coal_k = constant("coal_ncv_gj_per_t") * constant("coal_boiler_efficiency")
    gas_k = constant("natural_gas_ncv_gj_per_km3") * constant("gas_boiler_efficiency")
    return sum((e.energy.coal_t * coal_k + e.energy.natural_gas_km3 * gas_k) * e.fuel_heat_share for e in park.enterprises) * KWH_PER_GJ


def _direct_emissions_tco2(park) -> float:
    """CO₂ of the fuels the park file states (the firms' coal, gas and diesel, the buildings' gas) and the
    firms' process CO₂, at base-year activity [tCO₂/yr]; the fleets' diesel (from duty cycles) is left out."""
    coal, gas, diesel = (constant(k) / 1000.0 for k in ("coal_kgco2_per_t", "natural_gas_kgco2_per_km3", "diesel_kgco2_per_t"))
    firms = sum(e.energy.coal_t * coal + e.energy.natural_gas_km3 * gas + e.energy.diesel_t * diesel + e.process_emissions_tco2
                for e in park.enterprises)
    return firms + sum(b.floor_area_m2 * b.natural_gas_m3_per_m2 / 1000.0 for b in park.buildings) * gas


def _process_fuel_kwh(park) -> float:
    ncv = constant("coal_ncv_gj_per_t"), constant("natural_gas_ncv_gj_per_km3")
    return sum((1.0 - e.fuel_heat_share) * (e.energy.coal_t * ncv[0] + e.energy.natural_gas_km3 * ncv[1]) for e in park.enterprises) * KWH_PER_GJ


PARK_BOUNDS = {  # bound → f(spec.park.Park)
    "roof_area_m2": lambda park: sum(x.roof_area_m2 for x in (*park.enterprises, *park.buildings)),
    "floor_area_m2": lambda park: sum(b.floor_area_m2 for b in park.buildings),
    "fleet_vehicles": lambda park: float(sum(f.count for f in park.fleets)),
    "process_emissions_tco2": lambda park: sum(e.process_emissions_tco2 for e in park.enterprises),
    "direct_emissions_tco2": _direct_emissions_tco2,
    "boiler_heat_kwh": _boiler_heat_kwh,
    "process_fuel_kwh": _process_fuel_kwh,
    "waste_heat_kwh": lambda park: sum(e.waste_heat.available_gj for e in park.enterprises if e.waste_heat is not None) * KWH_PER_GJ,
}


def _band_kwh(*bands: str):
    return lambda row: 1000.0 * sum(row[f"heat_{b}_{s}_mwh"] for b in bands for s in SUPPLIES)


RUN_BOUNDS = {  # bound → f(a row of the annual table)
    "grid_import_mwh": lambda row: row["grid_import_mwh"],
    "peak_import_kw": lambda row: row["peak_import_kw"],
    "final_energy_tce": lambda row: row["energy_tce"],
    "cooling_demand_kwh": lambda row: 1000.0 * row["cooling_demand_mwh"],
    "hydrogen_demand_kg": lambda row: 1000.0 * row["hydrogen_demand_t"],
    "heat_low_medium_kwh": _band_kwh("low", "medium"),
    **{f"heat_{b}_kwh": _band_kwh(b) for b in BANDS},
}


def bound_of(kind: str, park=None, annual_row: dict | None = None) -> float | None:
    """The quantity bounding ``kind`` (its unit in the bound's name): from ``park`` (spec.park.Park)
    or from ``annual_row`` (a row of a run's annual table); None when it has no single bound or
    the source it needs was not given."""
    bound = technology(kind).bound
    if bound in PARK_BOUNDS:
        return None if park is None else float(PARK_BOUNDS[bound](park))
    if bound in RUN_BOUNDS:
        return None if annual_row is None else float(RUN_BOUNDS[bound](annual_row))
    return None

"""Small parks and scenarios built in code, for tests that need exact, hand-checkable inputs."""

from __future__ import annotations

import copy
from pathlib import Path

from parktwin.spec.load import deep_merge
from parktwin.spec.scenario import Scenario

TARIFF = {
    "valley_hours": [0, 1, 2, 3, 4, 5, 6, 7],
    "flat_hours": [11, 12, 13, 14, 15, 16, 22, 23],
    "peak_hours": [8, 9, 10, 17, 18, 19, 20, 21],
    "price_cny_per_kwh": {"valley": 0.3, "flat": 0.6, "peak": 1.2},
}

PARK = {
    "name": "Hand park",
    "location": {"latitude_deg": 31.3, "longitude_deg": 120.6, "altitude_m": 5, "annual_ghi_kwh_per_m2": 1300},
    "grid": {"import_limit_kw": 1.0e6, "tariff": TARIFF},
    "enterprises": [
        {
            "id": "works",
            "name": "Works",
            "sector": "chemicals",
            "value_added_mcny": 100.0,
            "energy": {
                "electricity_mwh": 10000.0,
                "coal_t": 1000.0,
                "natural_gas_km3": 100.0,
                "purchased_heat_gj": 5000.0,
            },
            "process_emissions_tco2": 500.0,
            "fuel_heat_share": 1.0,
            "roof_area_m2": 10000.0,
            "shift_pattern": "continuous",
        }
    ],
    "fleets": [
        {"id": "trucks", "owner": "works", "vehicle": "heavy_truck", "count": 10, "km_per_vehicle_yr": 50000,
         "diesel_l_per_100km": 30.0, "bev_kwh_per_km": 1.5}
    ],
}


def scenario(park: dict | None = None, **fields) -> Scenario:
    """A validated Scenario around ``PARK`` (deep-merged with ``park``), no growth by default."""
    doc = {
        "name": "hand",
        "park": deep_merge(PARK, park or {}),
        "horizon_years": 2,
        "growth": {"default_share_per_yr": 0.0, "intensity_decline_share_per_yr": 0.0},
        "outputs": {"hourly_years": [2025, 2026, 2027]},
    }
    doc = deep_merge(doc, copy.deepcopy(fields))
    return Scenario.model_validate(doc)


PARK_YAML = """\
name: Tiny park
location: {latitude_deg: 31.3, longitude_deg: 120.6, altitude_m: 5, annual_ghi_kwh_per_m2: 1300}
grid:
  import_limit_kw: 20000
  tariff:
    valley_hours: [0,1,2,3,4,5,6,7]
    flat_hours: [11,12,13,14,15,16,22,23]
    peak_hours: [8,9,10,17,18,19,20,21]
    critical_hours: [20,21]
    price_cny_per_kwh: {valley: 0.28, flat: 0.65, peak: 1.12, critical: 1.34}
    demand_charge_cny_per_kw_month: 40
enterprises:
  - {id: chem, name: Chem, sector: chemicals, value_added_mcny: 500, energy: {electricity_mwh: 40000, coal_t: 20000, natural_gas_km3: 2000}, process_emissions_tco2: 10000, fuel_heat_share: 0.8, roof_area_m2: 20000, shift_pattern: continuous}
  - {id: elec, name: Elec, sector: electronics, value_added_mcny: 800, energy: {electricity_mwh: 60000}, roof_area_m2: 40000, shift_pattern: three_shift_3x8}
buildings:
  - {id: office, kind: office, floor_area_m2: 20000, electricity_kwh_per_m2: 110, roof_area_m2: 4000}
fleets:
  - {id: trucks, owner: chem, vehicle: heavy_truck, count: 20, km_per_vehicle_yr: 60000, diesel_l_per_100km: 32, bev_kwh_per_km: 1.47}
green_space: {area_ha: 10}
"""

SCENARIO_YAML = """\
name: tiny
park: park.yaml
horizon_years: 6
outputs: {hourly_years: [2025, 2030]}
carbon_price_cny_per_tco2: {2025: 96, 2050: 300}
roadmap:
  - {id: pv1, kind: rooftop_pv, year: 2027, lead_time_days: 120, roof_share: 0.6}
  - {id: bat1, kind: battery, year: 2028, lead_time_days: 90, energy_kwh: 20000, power_kw: 5000}
"""


def write_tiny_scenario(folder: Path) -> Path:
    """A 2025–2031 scenario with hourly output for 2025 and 2030, PV in 2027, a battery in 2028."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "park.yaml").write_text(PARK_YAML, encoding="utf-8")
    path = folder / "scenario.yaml"
    path.write_text(SCENARIO_YAML, encoding="utf-8")
    return path

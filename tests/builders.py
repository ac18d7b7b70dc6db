"""Small parks and scenarios built in code, for tests that need exact, hand-checkable inputs."""

from __future__ import annotations

import copy

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

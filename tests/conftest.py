"""Shared test fixtures: a small valid park and scenario built in memory.

Nothing here reads ``models/`` or ``scenarios/``: tests write what they need into ``tmp_path``.

    from conftest import write_yaml

    def test_x(tmp_path, small_park_dict, small_scenario_dict):
        write_yaml(tmp_path / "park.yaml", small_park_dict)
        path = write_yaml(tmp_path / "scenario.yaml", small_scenario_dict)  # park: park.yaml
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

SMALL_PARK: dict[str, Any] = {
    "name": "Small park",
    "location": {"latitude_deg": 31.3, "longitude_deg": 120.6, "altitude_m": 5, "annual_ghi_kwh_per_m2": 1300},
    "grid": {
        "import_limit_kw": 20000,
        "tariff": {
            "valley_hours": [0, 1, 2, 3, 4, 5, 6, 7],
            "flat_hours": [11, 12, 13, 14, 15, 16, 22, 23],
            "peak_hours": [8, 9, 10, 17, 18, 19, 20, 21],
            "critical_hours": [20, 21],
            "price_cny_per_kwh": {"valley": 0.28, "flat": 0.65, "peak": 1.12, "critical": 1.34},
            "demand_charge_cny_per_kw_month": 40,
        },
    },
    "enterprises": [
        {
            "id": "chem",
            "name": "Chem",
            "sector": "chemicals",
            "value_added_mcny": 500,
            "energy": {"electricity_mwh": 40000, "coal_t": 20000, "natural_gas_km3": 2000},
            "process_emissions_tco2": 10000,
            "fuel_heat_share": 0.8,
            "roof_area_m2": 20000,
            "shift_pattern": "continuous",
        },
        {
            "id": "elec",
            "name": "Elec",
            "sector": "electronics",
            "value_added_mcny": 800,
            "energy": {"electricity_mwh": 60000},
            "roof_area_m2": 40000,
            "shift_pattern": "three_shift_3x8",
        },
    ],
    "buildings": [
        {"id": "office", "kind": "office", "floor_area_m2": 20000, "electricity_kwh_per_m2": 110, "roof_area_m2": 4000},
    ],
    "fleets": [
        {
            "id": "trucks",
            "owner": "chem",
            "vehicle": "heavy_truck",
            "count": 20,
            "km_per_vehicle_yr": 60000,
            "diesel_l_per_100km": 32,
            "bev_kwh_per_km": 1.47,
        },
    ],
    "green_space": {"area_ha": 10},
}
"""Base year 2025 (the default): enterprises chem, elec; building office; fleet trucks."""

SMALL_SCENARIO: dict[str, Any] = {
    "name": "small",
    "park": "park.yaml",
    "horizon_years": 3,
    "outputs": {"hourly_years": [2025]},
    "carbon_price_cny_per_tco2": {2025: 96, 2030: 150, 2050: 300},
    "roadmap": [
        {"id": "pv1", "kind": "rooftop_pv", "year": 2026, "lead_time_days": 120, "roof_share": 0.6},
        {"id": "bat1", "kind": "battery", "year": 2027, "lead_time_days": 90, "energy_kwh": 20000, "power_kw": 5000},
        {"id": "gp", "kind": "green_power", "year": 2027, "share": 0.5},
        {"id": "eb", "kind": "electrify_boilers", "year": 2028, "enterprises": ["chem"], "share": 0.6},
        {"id": "ev", "kind": "electrify_fleet", "year": 2028, "fleets": ["trucks"], "share": 1.0},
    ],
}
"""Years 2025..2028 (fast to run), park read from ``park.yaml`` next to the scenario file."""


def write_yaml(path: str | Path, obj: Any) -> Path:
    """Write ``obj`` as YAML to ``path`` (parent folders created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(obj, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def small_park_dict() -> dict[str, Any]:
    """A fresh copy of a small valid park (safe to mutate)."""
    return copy.deepcopy(SMALL_PARK)


@pytest.fixture
def small_scenario_dict() -> dict[str, Any]:
    """A fresh copy of a small valid scenario whose ``park`` is ``park.yaml`` (safe to mutate)."""
    return copy.deepcopy(SMALL_SCENARIO)


@pytest.fixture
def small_scenario_path(tmp_path: Path, small_park_dict: dict, small_scenario_dict: dict) -> Path:
    """``tmp_path/scenario.yaml`` and its ``tmp_path/park.yaml``, both valid; returns the scenario path."""
    write_yaml(tmp_path / "park.yaml", small_park_dict)
    return write_yaml(tmp_path / "scenario.yaml", small_scenario_dict)

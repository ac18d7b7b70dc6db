"""The operator's battery: energy and power, aged by its cycles (energy/storage.py)."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.technologies.base import Applied


def commission(op, item, hour: float, year: int) -> Applied:
    op.add_battery(hour, item.energy_kwh, item.power_kw, item.id or item.kind)
    return f"battery +{item.energy_kwh:,.0f} kWh / {item.power_kw:,.0f} kW", [
        Investment("operator", "battery_energy", item.energy_kwh),
        Investment("operator", "battery_power", item.power_kw),
    ]

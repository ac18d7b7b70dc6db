"""Recovered process heat of the named firms into a band, shaped by their shift profiles (energy/heat.py)."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.agents.carrier_assets import WASTE_HEAT, commission_carrier
from parktwin.technologies.base import Applied


def commission(op, item, hour: float, year: int) -> Applied:
    commission_carrier(op, hour, WASTE_HEAT, (tuple(item.enterprises), item.band, item.capacity_kw), item.id or item.kind)
    return f"waste-heat recovery +{item.capacity_kw:,.0f} kW_th ({item.band} band) from {len(item.enterprises)} firms", [
        Investment("operator", "waste_heat_recovery", item.capacity_kw)]

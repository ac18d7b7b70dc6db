"""A heat-led biomethane CHP serving the low and medium bands (energy/heat.py)."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.agents.carrier_assets import ADD, commission_carrier
from parktwin.technologies.base import Applied


def commission(op, item, hour: float, year: int) -> Applied:
    commission_carrier(op, hour, ADD, (("chp_electric_kw", item.electric_kw),), item.id or item.kind)
    return f"biomethane CHP +{item.electric_kw:,.0f} kW_e", [Investment("operator", "biomethane_chp", item.electric_kw)]

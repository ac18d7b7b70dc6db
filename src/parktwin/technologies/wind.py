"""Wind turbines on the park's own land, behind its meter."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.technologies.base import Applied


def commission(op, item, hour: float, year: int) -> Applied:
    op.commission(hour, "wind", item.capacity_kw, item.id or item.kind)
    return f"wind turbines +{item.capacity_kw:,.0f} kW", [Investment("operator", "wind_onshore", item.capacity_kw)]

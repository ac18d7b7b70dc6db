"""An off-site PV or wind PPA, matched to the park's imports hour by hour or by annual volume."""

from __future__ import annotations

from parktwin.technologies.base import Applied


def commission(op, item, hour: float, year: int) -> Applied:
    op.commission(hour, "green_ppa", (item.technology, item.capacity_kw, item.matching == "hourly"), item.id or item.kind)
    return f"green PPA: {item.capacity_kw:,.0f} kW of off-site {item.technology}, {item.matching} matching", []

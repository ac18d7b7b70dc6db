"""Rooftop PV: the operator covers ``roof_share`` of each named roof (firms', and buildings' if asked)."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.technologies.base import Applied, firms


def commission(op, item, hour: float, year: int) -> Applied:
    names = [e.entity_id for e in firms(op, item)]
    if item.include_buildings:
        names += list(op.model.buildings)
    kwp = 0.0
    for name in names:
        room = max(0.0, item.roof_share - op.roof_used_share[name])
        kwp += room * op.roof_area_m2[name] * op.park.pv_design.kwp_per_roof_m2
        op.roof_used_share[name] = max(op.roof_used_share[name], item.roof_share)
    if kwp > 0:
        op.commission(hour, "pv", kwp, item.id or item.kind)
    return f"rooftop PV +{kwp:,.0f} kWp on {len(names)} roofs", [Investment("operator", "rooftop_pv", kwp)]

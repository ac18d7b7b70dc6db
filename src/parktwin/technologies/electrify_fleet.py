"""A share of each named fleet's vehicles replaced by battery-electric ones."""

from __future__ import annotations

from parktwin.technologies.base import Applied, in_park, on_agents


def commission(op, item, hour: float, year: int) -> Applied:
    fleets = in_park(item.fleets, op.model.fleets)
    inv = on_agents(fleets, "electrify_fleet", item.share, item, hour, year)
    return f"{item.share:.0%} of {len(fleets)} fleets to battery-electric", inv

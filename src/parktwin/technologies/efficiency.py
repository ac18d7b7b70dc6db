"""An efficiency programme: a cut in all final energy of the firms named."""

from __future__ import annotations

from parktwin.technologies.base import Applied, firms, on_agents


def commission(op, item, hour: float, year: int) -> Applied:
    named = firms(op, item)
    return f"efficiency: -{item.share:.0%} energy in {len(named)} firms", on_agents(named, "efficiency", item.share, item, hour, year)

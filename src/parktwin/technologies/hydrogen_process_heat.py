"""Kiln and furnace fuel to on-site green hydrogen (the firms' own electrolysers)."""

from __future__ import annotations

from parktwin.technologies.base import Applied, firms, on_agents


def commission(op, item, hour: float, year: int) -> Applied:
    named = firms(op, item)
    inv = on_agents(named, "hydrogen_process_heat", item.share, item, hour, year)
    return f"{item.share:.0%} of kiln and furnace fuel to on-site green hydrogen in {len(named)} firms", inv

"""The firms' boiler heat (and bought heat, if asked) to electric boilers or heat pumps."""

from __future__ import annotations

from parktwin.technologies.base import Applied, firms, on_agents


def commission(op, item, hour: float, year: int) -> Applied:
    named = firms(op, item)
    inv = on_agents(named, item.technology, (item.share, item.include_purchased_heat), item, hour, year)
    bought = " and purchased heat" if item.include_purchased_heat else ""
    return f"{item.share:.0%} of boiler heat{bought} to {item.technology.replace('_', ' ')} in {len(named)} firms", inv

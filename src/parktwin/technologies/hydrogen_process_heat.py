"""Kiln and furnace fuel to on-site green hydrogen (the firms' own electrolysers)."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.data import constant
from parktwin.technologies.base import Applied, firms, on_agents


def size(firm, change, year: int) -> list[Investment]:
    """Electrolysers sized to the peak hour of the fuel they replace [kW_e] (none for a firm without
    process fuel: it replaces 0 kWh)."""
    if firm.process_fuel_kwh() == 0.0:
        return []
    before, after, scale, peak = firm.sizing_basis(change, year)
    added = (after.hydrogen_share - before.hydrogen_share) * firm.process_fuel_kwh() * scale
    kw = added / constant("electrolyser_efficiency_lhv") * peak
    return [Investment(firm.entity_id, "electrolyser", kw)] if kw > 0 else []


def commission(op, item, hour: float, year: int) -> Applied:
    named = firms(op, item)
    inv = on_agents(named, item.kind, item.share, item, hour, year, size)
    return f"{item.share:.0%} of kiln and furnace fuel to on-site green hydrogen in {len(named)} firms", inv

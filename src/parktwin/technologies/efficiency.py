"""An efficiency programme: a cut in all final energy of the firms named."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.technologies.base import Applied, firms, on_agents


def size(firm, change, year: int) -> list[Investment]:
    """An efficiency programme sized to the tce it saves a year."""
    _, _, scale, _ = firm.sizing_basis(change, year)
    saved_tce = change.value * firm.base_energy_tce() * scale
    return [Investment(firm.entity_id, "efficiency_programme", saved_tce)] if saved_tce > 0 else []


def commission(op, item, hour: float, year: int) -> Applied:
    named = firms(op, item)
    return f"efficiency: -{item.share:.0%} energy in {len(named)} firms", on_agents(named, item.kind, item.share, item, hour, year, size)

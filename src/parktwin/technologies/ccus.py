"""Capture and storage of the firms' process CO2 (firms without process CO2 are skipped)."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.technologies.base import Applied, firms, on_agents


def size(firm, change, year: int) -> list[Investment]:
    """Capture capacity: the tonnes it captures a year at the peak hour of the firm's profile
    (the catalogue prices tCO₂/yr at full load)."""
    before, after, _, peak = firm.sizing_basis(change, year)
    captured = (after.capture_share - before.capture_share) * firm.spec.process_emissions_tco2 * firm.activity
    capacity_tco2_per_yr = captured * peak * HOURS_PER_YEAR
    return [Investment(firm.entity_id, "ccus_capture", capacity_tco2_per_yr)] if capacity_tco2_per_yr > 0 else []


def commission(op, item, hour: float, year: int) -> Applied:
    named = [f for f in firms(op, item) if f.spec.process_emissions_tco2 > 0]
    inv = on_agents(named, item.kind, (item.capture_share, item.destination), item, hour, year, size)
    where = "to permanent storage" if item.destination == "storage" else "into short-lived products (still emitted)"
    return f"CCUS captures {item.capture_share:.0%} of process CO₂ in {len(named)} firms, {where}", inv

"""Capture and storage of the firms' process CO2 (firms without process CO2 are skipped)."""

from __future__ import annotations

from parktwin.technologies.base import Applied, firms, on_agents


def commission(op, item, hour: float, year: int) -> Applied:
    named = [f for f in firms(op, item) if f.spec.process_emissions_tco2 > 0]
    inv = on_agents(named, "ccus", item.capture_share, item, hour, year)
    return f"CCUS captures {item.capture_share:.0%} of process CO₂ in {len(named)} firms", inv

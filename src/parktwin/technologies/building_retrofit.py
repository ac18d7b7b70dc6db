"""A building retrofit by end use (data/building_retrofits.csv); the buildings carry it out (agents/building.py)."""

from __future__ import annotations

from parktwin.agents.building import apply_retrofit

commission = apply_retrofit  # (operator, item, hour, year) -> (description, investments)

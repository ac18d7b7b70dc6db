"""Water reuse, reclaimed water, solid-waste utilisation and waste-heat use on the firms' accounts (agents/resources.py)."""

from __future__ import annotations

from parktwin.agents.resources import apply_resource_measure

commission = apply_resource_measure  # (operator, item, hour, year) -> (description, investments)

"""A larger grid connection: the import limit rises to ``import_limit_kw``; the catalogue prices the kW added."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.technologies.base import Applied


def commission(op, item, hour: float, year: int) -> Applied:
    added = op.upgrade_grid(hour, item.import_limit_kw, item.id or item.kind)
    return f"grid connection import limit {item.import_limit_kw:,.0f} kW", [Investment("operator", "grid_connection", added)]

"""Green power contracts or certificates on a share of every hour's grid import (no equipment)."""

from __future__ import annotations

from parktwin.technologies.base import Applied


def commission(op, item, hour: float, year: int) -> Applied:
    op.commission(hour, "green_power", item.share, item.id or item.kind)
    return f"green power contracts cover {item.share:.0%} of grid electricity", []

"""Runs of the shipped scenarios, each made once per test process and shared by the tests that
read them (the output schema, the reference results)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import parktwin

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@lru_cache(maxsize=4)  # a few runs held at once (an hourly table is ~15 MB)
def shipped_run(name: str, seed: int = 0) -> parktwin.Results:
    """``scenarios/<name>.yaml`` run at ``seed`` (treat the result as read-only)."""
    return parktwin.run(parktwin.load(SCENARIOS / f"{name}.yaml"), seed=seed)

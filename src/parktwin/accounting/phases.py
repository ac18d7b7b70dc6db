"""The four roadmap phases of the seed report's Table 2, by year index (0 = base year)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    number: int
    key: str
    name_en: str
    name_zh: str
    first_index: int
    last_index: int | None  # None: open-ended


PHASES: tuple[Phase, ...] = (
    Phase(0, "base_year", "base year", "基准年", 0, 0),
    Phase(1, "diagnosis", "diagnosis and planning", "诊断与规划", 1, 1),
    Phase(2, "foundation", "foundation building", "基础能力建设", 2, 5),
    Phase(3, "deep_decarbonisation", "deep decarbonisation", "深度脱碳攻坚", 6, 15),
    Phase(4, "optimise_neutralise", "optimisation and neutralisation", "优化与中和", 16, None),
)


def phase_of(year_index: int) -> Phase:
    """The roadmap phase of year ``year_index`` (years after 25 stay in phase 4)."""
    if year_index < 0:
        raise ValueError("year_index must be >= 0")
    for phase in PHASES:
        if phase.last_index is None or year_index <= phase.last_index:
            return phase
    raise AssertionError("unreachable")

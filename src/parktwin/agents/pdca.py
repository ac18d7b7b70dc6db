"""The operator's PDCA loop: check the year's indicators against the review targets, act when off track.

Check: with escalation rules in the scenario, every year is checked against a **glide path** per
indicator — the base year's own value, then the dated review targets, linear between points and
flat after the last (so in a target year the check is against the target itself).
Act: each rule watching an off-track indicator orders its action for the next year — more green
power contracts (up to a cap), money into a park subsidy fund (firms' capex, spent until empty),
or rooftop PV ahead of the roadmap (up to a roof share). Actions are events with origin ``pdca``
and rows of the reviews table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parktwin.data import interpolate_path

# indicator → (field of ReviewTarget, direction)
CHECKS: dict[str, tuple[str, str]] = {
    "net_tco2": ("net_emissions_max_tco2", "max"),
    "core_indicator_tco2_per_tce": ("core_indicator_max_tco2_per_tce", "max"),
    "clean_energy_share": ("clean_energy_min_share", "min"),
    "renewable_share": ("renewable_min_share", "min"),
}
MET_TOLERANCE = 1e-12  # numerical slack of a comparison, not a policy tolerance


@dataclass(frozen=True)
class PdcaItem:
    """An operator project ordered by a PDCA rule (``kind`` routes it in ``operator.apply``)."""

    kind: str  # "pdca_green_power" | "pdca_pv"
    id: str
    year: int
    lead_time_days: float
    value: float  # green share to reach, or kWp to add
    max_roof_share: float = 1.0


def glide_target(targets: dict, indicator: str, year: int, base_year: int, base_value: float) -> float | None:
    """The target of ``indicator`` in ``year`` on the glide path (None when no target names it)."""
    key, _ = CHECKS[indicator]
    points = {y: getattr(t, key) for y, t in targets.items() if getattr(t, key) is not None}
    if not points:
        return None
    points.setdefault(base_year, base_value)
    return float(interpolate_path(points, [year])[0])


def check_row(year: int, indicator: str, value: float, target: float) -> dict:
    """One reviews-table row: the indicator, its target, whether it is met and the gap (> 0: off by)."""
    direction = CHECKS[indicator][1]
    gap = value - target if direction == "max" else target - value
    return {"year": year, "indicator": indicator, "value": float(value), "target": float(target), "direction": direction,
            "met": bool(gap <= MET_TOLERANCE), "gap": float(max(gap, 0.0)), "action": "", "detail": "", "committed_cny": 0.0}


@dataclass
class SubsidyFund:
    """The park subsidy fund: money in after off-track years, paid out to firms' capex until empty [CNY]."""

    capex_share: float
    measures: tuple[str, ...]
    balance_cny: float = 0.0
    paid_in_cny: float = 0.0
    grants: list[tuple[int, str, str, str, float]] = field(default_factory=list)  # (year, firm, project, measure, CNY)

    def deposit(self, amount_cny: float) -> None:
        self.balance_cny += amount_cny
        self.paid_in_cny += amount_cny

    def share_for(self, measure: str) -> float:
        """The capex share a firm may count on now for ``measure`` (0 once the fund is empty)."""
        return self.capex_share if self.balance_cny > 0 and measure in self.measures else 0.0

    def claim(self, year: int, firm: str, project: str, measure: str, gross_capex_cny: float) -> float:
        """Pay the fund's share of ``gross_capex_cny``, at most what is left; returns the payment [CNY]."""
        pay = min(self.balance_cny, self.share_for(measure) * gross_capex_cny)
        if pay > 0:
            self.balance_cny -= pay
            self.grants.append((year, firm, project, measure, pay))
        return pay

    def paid_in_year(self, year: int) -> float:
        return sum(g[4] for g in self.grants if g[0] == year)

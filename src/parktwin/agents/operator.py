"""The park operator: executes the roadmap, owns shared assets, reviews KPIs (PDCA).

Shared assets (rooftop PV, the battery, green power contracts) change at commissioning
hours; ``year_assets`` turns them into hourly arrays for the year's dispatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from parktwin.agents.base import Change, ParkAgent, segments
from parktwin.energy.calendar import HOURS_PER_YEAR


@dataclass(frozen=True)
class Assets:
    pv_kwp: float = 0.0
    battery_kwh: float = 0.0
    battery_kw: float = 0.0
    green_share: float = 0.0


def _fold(a: Assets, ch: Change) -> Assets:
    if ch.kind == "pv":
        return Assets(a.pv_kwp + ch.value, a.battery_kwh, a.battery_kw, a.green_share)
    if ch.kind == "battery":
        kwh, kw = ch.value
        return Assets(a.pv_kwp, a.battery_kwh + kwh, a.battery_kw + kw, a.green_share)
    if ch.kind == "green_power":
        return Assets(a.pv_kwp, a.battery_kwh, a.battery_kw, ch.value)
    raise ValueError(f"operator cannot take a change of kind {ch.kind!r}")


@dataclass(frozen=True)
class YearAssets:
    """Hourly capacity arrays for one year, shape (8760,)."""

    pv_kwp: np.ndarray
    battery_kwh: np.ndarray
    battery_kw: np.ndarray
    green_share: np.ndarray
    end: Assets  # state at the end of the year


class OperatorAgent(ParkAgent):
    kind = "operator"

    def __init__(self, model, park):
        super().__init__(model, "operator")
        self.park = park
        roofs = {e.id: e.roof_area_m2 for e in park.enterprises} | {b.id: b.roof_area_m2 for b in park.buildings}
        self.roof_area_m2 = roofs
        total_roof_kwp = sum(roofs.values()) * park.pv_design.kwp_per_roof_m2
        used = min(1.0, park.assets.pv_kwp / total_roof_kwp) if total_roof_kwp > 0 else 0.0
        self.roof_used_share = {k: used for k in roofs}
        a = park.assets
        if a.pv_kwp > 0:
            self.commission(0, "pv", a.pv_kwp, "existing")
        if a.battery_kwh > 0:
            self.commission(0, "battery", (a.battery_kwh, a.battery_kw), "existing")

    def step(self) -> None:
        """The operator's yearly decisions are its roadmap (``apply``) and its review."""

    # -- the roadmap ---------------------------------------------------------------------
    def apply(self, item, hour: float) -> str:
        """Carry out a roadmap intervention at ``hour``; returns a one-line description."""
        return APPLY[item.kind](self, item, hour)

    def year_assets(self, year_start: int) -> YearAssets:
        segs = segments(self.changes, year_start, Assets(), _fold)
        starts = [h for h, _ in segs] + [HOURS_PER_YEAR]
        lengths = np.diff(starts)

        def hourly(attr: str) -> np.ndarray:
            return np.repeat([getattr(s, attr) for _, s in segs], lengths).astype(float)

        return YearAssets(hourly("pv_kwp"), hourly("battery_kwh"), hourly("battery_kw"), hourly("green_share"), segs[-1][1])

    # -- PDCA review -------------------------------------------------------------------------
    def review(self, year: int, indicators: dict[str, float], target) -> list[dict]:
        """Compare the year's indicators with the scenario's review target; one row per check."""
        if target is None:
            return []
        checks = [
            ("net_tco2", target.net_emissions_max_tco2, "max"),
            ("core_indicator_tco2_per_tce", target.core_indicator_max_tco2_per_tce, "max"),
            ("clean_energy_share", target.clean_energy_min_share, "min"),
            ("renewable_share", target.renewable_min_share, "min"),
        ]
        rows = []
        for key, limit, direction in checks:
            if limit is None:
                continue
            value = indicators[key]
            met = value <= limit + 1e-12 if direction == "max" else value >= limit - 1e-12
            rows.append({"year": year, "indicator": key, "value": value, "target": limit, "direction": direction, "met": bool(met)})
        return rows


def _targets(model, ids, pool: dict) -> list:
    return list(pool.values()) if ids == "all" else [pool[i] for i in ids]


def _rooftop_pv(op: OperatorAgent, item, hour: float) -> str:
    model = op.model
    names = [e.entity_id for e in _targets(model, item.enterprises, model.enterprises)]
    if item.include_buildings:
        names += list(model.buildings)
    kwp = 0.0
    for name in names:
        room = max(0.0, item.roof_share - op.roof_used_share[name])
        kwp += room * op.roof_area_m2[name] * op.park.pv_design.kwp_per_roof_m2
        op.roof_used_share[name] = max(op.roof_used_share[name], item.roof_share)
    if kwp > 0:
        op.commission(hour, "pv", kwp, item.id or "rooftop_pv")
    return f"rooftop PV +{kwp:,.0f} kWp on {len(names)} roofs"


def _battery(op: OperatorAgent, item, hour: float) -> str:
    op.commission(hour, "battery", (item.energy_kwh, item.power_kw), item.id or "battery")
    return f"battery +{item.energy_kwh:,.0f} kWh / {item.power_kw:,.0f} kW"


def _green_power(op: OperatorAgent, item, hour: float) -> str:
    op.commission(hour, "green_power", item.share, item.id or "green_power")
    return f"green power contracts cover {item.share:.0%} of grid electricity"


def _electrify_boilers(op: OperatorAgent, item, hour: float) -> str:
    firms = _targets(op.model, item.enterprises, op.model.enterprises)
    for firm in firms:
        firm.commission(hour, item.technology, item.share, item.id or "electrify_boilers")
    return f"{item.share:.0%} of boiler heat to {item.technology.replace('_', ' ')} in {len(firms)} firms"


def _electrify_fleet(op: OperatorAgent, item, hour: float) -> str:
    fleets = _targets(op.model, item.fleets, op.model.fleets)
    for fleet in fleets:
        fleet.commission(hour, "electrify_fleet", item.share, item.id or "electrify_fleet")
    return f"{item.share:.0%} of {len(fleets)} fleets to battery-electric"


def _efficiency(op: OperatorAgent, item, hour: float) -> str:
    firms = _targets(op.model, item.enterprises, op.model.enterprises)
    for firm in firms:
        firm.commission(hour, "efficiency", item.share, item.id or "efficiency")
    return f"efficiency: -{item.share:.0%} energy in {len(firms)} firms"


APPLY: dict[str, Callable[[OperatorAgent, object, float], str]] = {
    "rooftop_pv": _rooftop_pv,
    "battery": _battery,
    "green_power": _green_power,
    "electrify_boilers": _electrify_boilers,
    "electrify_fleet": _electrify_fleet,
    "efficiency": _efficiency,
}

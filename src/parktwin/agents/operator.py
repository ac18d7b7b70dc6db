"""The park operator: executes the roadmap, owns shared assets, reviews KPIs (PDCA).

Shared assets (rooftop PV, the battery, green power contracts) change at commissioning
hours; ``year_assets`` turns them into hourly arrays for the year's dispatch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from parktwin.agents.base import Change, Investment, ParkAgent, segments
from parktwin.agents.carrier_assets import CARRIER_ASSETS
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.storage import BatteryUnit, age_units, capacity_arrays


@dataclass(frozen=True)
class Assets:
    import_limit_kw: float
    pv_kwp: float = 0.0
    wind_kw: float = 0.0
    battery_kwh: float = 0.0
    battery_kw: float = 0.0
    green_share: float = 0.0
    ppa_pv_kw: float = 0.0
    ppa_wind_kw: float = 0.0
    ppa_hourly: bool = True  # hourly matching (False: annual volume)


def _fold(a: Assets, ch: Change) -> Assets:
    if ch.kind == "green_ppa":
        technology, kw, hourly = ch.value
        add = {"ppa_pv_kw": a.ppa_pv_kw + kw} if technology == "pv" else {"ppa_wind_kw": a.ppa_wind_kw + kw}
        return replace(a, ppa_hourly=hourly, **add)
    if ch.kind == "pv":
        return replace(a, pv_kwp=a.pv_kwp + ch.value)
    if ch.kind == "wind":
        return replace(a, wind_kw=a.wind_kw + ch.value)
    if ch.kind == "battery":
        kwh, kw = ch.value
        return replace(a, battery_kwh=a.battery_kwh + kwh, battery_kw=a.battery_kw + kw)  # nameplate
    if ch.kind == "green_power":
        return replace(a, green_share=ch.value)
    if ch.kind == "grid":
        return replace(a, import_limit_kw=ch.value)
    raise ValueError(f"operator cannot take a change of kind {ch.kind!r}")


@dataclass(frozen=True)
class YearAssets:
    """Hourly capacity arrays for one year, shape (8760,)."""

    import_limit_kw: np.ndarray
    pv_kwp: np.ndarray
    wind_kw: np.ndarray
    battery_kwh: np.ndarray
    battery_kw: np.ndarray
    green_share: np.ndarray
    ppa_pv_kw: np.ndarray
    ppa_wind_kw: np.ndarray
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
        if a.wind_kw > 0:
            self.commission(0, "wind", a.wind_kw, "existing")
        self.batteries: list[BatteryUnit] = []
        if a.battery_kwh > 0:
            self.add_battery(0, a.battery_kwh, a.battery_kw, "existing")

    def add_battery(self, hour: float, energy_kwh: float, power_kw: float, name: str) -> None:
        self.commission(hour, "battery", (energy_kwh, power_kw), name)
        self.batteries.append(BatteryUnit(f"{name}@{hour:.0f}", energy_kwh, power_kw, hour))

    def age_batteries(self, discharged_kwh: float, year_start: int) -> list[BatteryUnit]:
        """Wear the batteries by the year's throughput; returns the units replaced at year end."""
        self.batteries, replaced = age_units(self.batteries, discharged_kwh, year_start)
        return replaced

    def step(self) -> None:
        """The operator's yearly decisions are its roadmap (``apply``), its rules and its review."""

    def decide(self, year: int, rules, last_year: dict | None, pending: bool) -> list:
        """Projects the operator's own rules order at the start of ``year`` (roadmap aside).

        Grid expansion: when last year's peak import reached ``trigger_share`` of the limit
        and no expansion is under way, order one (energy unserved in an outage is no reason).
        """
        from parktwin.spec.scenario import GridUpgrade

        rule = rules.grid_expansion
        if rule is None or last_year is None or pending:
            return []
        limit = last_year["import_limit_kw"]
        if last_year["peak_import_kw"] < rule.trigger_share * limit:
            return []
        new_limit = limit * (1.0 + rule.step_share)
        return [GridUpgrade(kind="grid_upgrade", id=f"grid_expansion_{year}", year=year,
                            lead_time_days=rule.lead_time_days, import_limit_kw=new_limit)]

    # -- the roadmap ---------------------------------------------------------------------
    def apply(self, item, hour: float, year: int) -> tuple[str, list[Investment]]:
        """Carry out a roadmap intervention at ``hour`` of ``year``: a description and the capacity added."""
        if item.kind in OPERATOR_ASSETS:
            return OPERATOR_ASSETS[item.kind](self, item, hour)
        return AGENT_MEASURES[item.kind](self, item, hour, year)

    def year_assets(self, year_start: int) -> YearAssets:
        segs = segments(self.changes, year_start, Assets(self.park.grid.import_limit_kw), _fold)
        starts = [h for h, _ in segs] + [HOURS_PER_YEAR]
        lengths = np.diff(starts)

        def hourly(attr: str) -> np.ndarray:
            return np.repeat([getattr(s, attr) for _, s in segs], lengths).astype(float)

        battery_kwh, battery_kw = capacity_arrays(self.batteries, year_start)  # usable: nameplate × health
        return YearAssets(hourly("import_limit_kw"), hourly("pv_kwp"), hourly("wind_kw"), battery_kwh, battery_kw,
                          hourly("green_share"), hourly("ppa_pv_kw"), hourly("ppa_wind_kw"), segs[-1][1])

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


Applied = tuple[str, list[Investment]]  # a one-line description, the capacity it adds


def _rooftop_pv(op: OperatorAgent, item, hour: float) -> Applied:
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
    return f"rooftop PV +{kwp:,.0f} kWp on {len(names)} roofs", [Investment("operator", "rooftop_pv", kwp)]


def _wind(op: OperatorAgent, item, hour: float) -> Applied:
    op.commission(hour, "wind", item.capacity_kw, item.id or "wind")
    return f"wind turbines +{item.capacity_kw:,.0f} kW", [Investment("operator", "wind_onshore", item.capacity_kw)]


def _battery(op: OperatorAgent, item, hour: float) -> Applied:
    op.add_battery(hour, item.energy_kwh, item.power_kw, item.id or "battery")
    return f"battery +{item.energy_kwh:,.0f} kWh / {item.power_kw:,.0f} kW", [
        Investment("operator", "battery_energy", item.energy_kwh),
        Investment("operator", "battery_power", item.power_kw),
    ]


def _green_power(op: OperatorAgent, item, hour: float) -> Applied:
    op.commission(hour, "green_power", item.share, item.id or "green_power")
    return f"green power contracts cover {item.share:.0%} of grid electricity", []


def _green_ppa(op: OperatorAgent, item, hour: float) -> Applied:
    op.commission(hour, "green_ppa", (item.technology, item.capacity_kw, item.matching == "hourly"), item.id or "green_ppa")
    return f"green PPA: {item.capacity_kw:,.0f} kW of off-site {item.technology}, {item.matching} matching", []


def _on_agents(agents: list, kind: str, value, item, hour: float, year: int) -> list[Investment]:
    """Commission the same change on each agent; collect the capacity each one adds."""
    out: list[Investment] = []
    for agent in agents:
        change = agent.commission(hour, kind, value, item.id or item.kind)
        out += agent.investments(change, year)
    return out


def _firms(op: OperatorAgent, item) -> list:
    return _targets(op.model, item.enterprises, op.model.enterprises)


def _electrify_boilers(op: OperatorAgent, item, hour: float, year: int) -> Applied:
    firms = _firms(op, item)
    inv = _on_agents(firms, item.technology, (item.share, item.include_purchased_heat), item, hour, year)
    bought = " and purchased heat" if item.include_purchased_heat else ""
    return f"{item.share:.0%} of boiler heat{bought} to {item.technology.replace('_', ' ')} in {len(firms)} firms", inv


def _electrify_fleet(op: OperatorAgent, item, hour: float, year: int) -> Applied:
    fleets = _targets(op.model, item.fleets, op.model.fleets)
    inv = _on_agents(fleets, "electrify_fleet", item.share, item, hour, year)
    return f"{item.share:.0%} of {len(fleets)} fleets to battery-electric", inv


def _efficiency(op: OperatorAgent, item, hour: float, year: int) -> Applied:
    firms = _firms(op, item)
    return f"efficiency: -{item.share:.0%} energy in {len(firms)} firms", _on_agents(firms, "efficiency", item.share, item, hour, year)


def _hydrogen_process_heat(op: OperatorAgent, item, hour: float, year: int) -> Applied:
    firms = _firms(op, item)
    inv = _on_agents(firms, "hydrogen_process_heat", item.share, item, hour, year)
    return f"{item.share:.0%} of kiln and furnace fuel to on-site green hydrogen in {len(firms)} firms", inv


def _ccus(op: OperatorAgent, item, hour: float, year: int) -> Applied:
    firms = [f for f in _firms(op, item) if f.spec.process_emissions_tco2 > 0]
    inv = _on_agents(firms, "ccus", item.capture_share, item, hour, year)
    return f"CCUS captures {item.capture_share:.0%} of process CO₂ in {len(firms)} firms", inv


def _grid_upgrade(op: OperatorAgent, item, hour: float) -> Applied:
    before = op.state_before(op.commission(hour, "grid", item.import_limit_kw, item.id or "grid_upgrade"),
                             Assets(op.park.grid.import_limit_kw), _fold)
    added = max(0.0, item.import_limit_kw - before.import_limit_kw)
    return f"grid connection import limit {item.import_limit_kw:,.0f} kW", [Investment("operator", "grid_connection", added)]


OPERATOR_ASSETS: dict[str, Callable[[OperatorAgent, object, float], Applied]] = {
    "rooftop_pv": _rooftop_pv,
    "wind": _wind,
    "battery": _battery,
    "green_power": _green_power,
    "green_ppa": _green_ppa,
    "grid_upgrade": _grid_upgrade,
}
AGENT_MEASURES: dict[str, Callable[[OperatorAgent, object, float, int], Applied]] = {
    "electrify_boilers": _electrify_boilers,
    "electrify_fleet": _electrify_fleet,
    "efficiency": _efficiency,
    "hydrogen_process_heat": _hydrogen_process_heat,
    "ccus": _ccus,
}
OPERATOR_ASSETS.update(CARRIER_ASSETS)  # heat and hydrogen assets (agents/carrier_assets.py)

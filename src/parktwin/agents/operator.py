"""The park operator: executes the roadmap, owns shared assets, reviews KPIs (PDCA).

Shared assets (rooftop PV, the battery, green power contracts, direct air capture) change at commissioning
hours; ``year_assets`` turns them into hourly arrays for the year's dispatch.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from parktwin.agents.base import Change, Investment, ParkAgent, present_agents
from parktwin.agents.carrier_assets import CarrierAssets
from parktwin.agents.pdca import CHECKS, MET_TOLERANCE, PdcaItem, SubsidyFund, check_row, glide_target
from parktwin.economics.catalogue import capex_cny, price_cny
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.dispatch_inputs import constant_hours, is_constant_hours
from parktwin.energy.storage import BatteryUnit, age_units, capacity_arrays
from parktwin.spec.scenario import GridUpgrade


# the assets' attributes read hour by hour (``_hourly_arrays``; the green floor folded into the green share)
_HOURLY_ATTRS = ("import_limit_kw", "pv_kwp", "wind_kw", "green_share", "green_floor_share", "ppa_pv_kw", "ppa_wind_kw",
                 "dac_tco2_per_yr")
DAC_CHANGE = "dac"  # the operator's change kind of direct air capture capacity (technologies/direct_air_capture.py)


class Assets(NamedTuple):
    """The operator's electricity assets after the changes folded so far (a named tuple: ``_fold`` makes
    one per change, and ``_replace`` costs a fraction of a frozen dataclass's ``replace``)."""

    import_limit_kw: float
    pv_kwp: float = 0.0
    wind_kw: float = 0.0
    battery_kwh: float = 0.0
    battery_kw: float = 0.0
    green_share: float = 0.0
    ppa_pv_kw: float = 0.0
    ppa_wind_kw: float = 0.0
    ppa_hourly: bool = True  # hourly matching (False: annual volume)
    green_floor_share: float = 0.0  # green share the PDCA contracts guarantee (the roadmap's may be higher)
    dac_tco2_per_yr: float = 0.0  # direct air capture at full load [tCO₂/yr] (technologies/direct_air_capture.py)

    @property
    def effective_green_share(self) -> float:
        return max(self.green_share, self.green_floor_share)


def _fold(a: Assets, ch: Change) -> Assets:
    if ch.kind == "green_ppa":
        technology, kw, hourly = ch.value
        add = {"ppa_pv_kw": a.ppa_pv_kw + kw} if technology == "pv" else {"ppa_wind_kw": a.ppa_wind_kw + kw}
        return a._replace(ppa_hourly=hourly, **add)
    if ch.kind == "pv":
        return a._replace(pv_kwp=a.pv_kwp + ch.value)
    if ch.kind == "wind":
        return a._replace(wind_kw=a.wind_kw + ch.value)
    if ch.kind == "battery":
        kwh, kw = ch.value
        return a._replace(battery_kwh=a.battery_kwh + kwh, battery_kw=a.battery_kw + kw)  # nameplate
    if ch.kind == "green_power":
        return a._replace(green_share=ch.value)
    if ch.kind == "grid":
        return a._replace(import_limit_kw=ch.value)
    if ch.kind == "green_floor":
        return a._replace(green_floor_share=max(a.green_floor_share, ch.value))
    if ch.kind == DAC_CHANGE:
        return a._replace(dac_tco2_per_yr=a.dac_tco2_per_yr + ch.value)
    raise ValueError(f"operator cannot take a change of kind {ch.kind!r}")


class YearAssets(NamedTuple):
    """Hourly capacity arrays for one year, shape (8760,) (a named tuple: one is made every year, and a
    frozen dataclass costs several times more to build)."""

    import_limit_kw: np.ndarray
    pv_kwp: np.ndarray
    wind_kw: np.ndarray
    battery_kwh: np.ndarray
    battery_kw: np.ndarray
    green_share: np.ndarray
    ppa_pv_kw: np.ndarray
    ppa_wind_kw: np.ndarray
    dac_tco2_per_yr: np.ndarray  # direct air capture in service, at full load [tCO₂/yr]
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
        self.initial_assets = Assets(park.grid.import_limit_kw)  # the state before any change: the park's connection
        a = park.assets
        if a.pv_kwp > 0:
            self.commission(0, "pv", a.pv_kwp, "existing")
        if a.wind_kw > 0:
            self.commission(0, "wind", a.wind_kw, "existing")
        self.batteries: list[BatteryUnit] = []
        self.funds: dict[str, SubsidyFund] = {}  # PDCA subsidy funds by rule id
        self.advanced: set[int] = set()  # positions of roadmap items the PDCA brought forward
        self.carrier_changes: list[Change] = []  # heat, cold and hydrogen assets (agents/carrier_assets.py), in clock order
        self.carrier_fold: tuple = (0, CarrierAssets())  # carrier changes folded so far, and the state after them
        self.carrier_year: tuple | None = None  # (state, YearCarrierAssets) of the last year with no change inside it
        self._steady: tuple | None = None  # (state, hourly arrays) of the last year with no change inside it (year_assets)
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

        rule = rules.grid_expansion
        if rule is None or last_year is None or pending:
            return []
        limit = last_year["import_limit_kw"]
        if last_year["peak_import_kw"] < rule.trigger_share * limit:
            return []
        new_limit = limit * (1.0 + rule.step_share)
        # built from the validated rule and the run's own numbers: not validated again (``model_construct``: a
        # validation touches much code, and after the year's hourly work it runs from cold caches, ~0.1 ms)
        return [GridUpgrade.model_construct(kind="grid_upgrade", id=f"grid_expansion_{year}", year=year,
                                            lead_time_days=rule.lead_time_days, import_limit_kw=new_limit)]

    # -- the roadmap ---------------------------------------------------------------------
    def apply(self, item, hour: float, year: int) -> tuple[str, list[Investment]]:
        """Carry out a PDCA project at ``hour`` of ``year``: a description and the capacity added
        (roadmap kinds are carried out by their technology module, technologies/)."""
        return OPERATOR_ASSETS[item.kind](self, item, hour)

    def upgrade_grid(self, hour: float, import_limit_kw: float, source: str) -> float:
        """Raise the connection's import limit at ``hour``; returns the kW added (0 if it was already higher)."""
        change = self.commission(hour, "grid", import_limit_kw, source)
        before = self.state_before(change, self.initial_assets, _fold, carried=True)  # as year_assets folds
        return max(0.0, import_limit_kw - before.import_limit_kw)

    def year_assets(self, year_start: int) -> YearAssets:
        segs = self.year_segments(year_start, self.initial_assets, _fold)  # changes are in clock order
        battery_kwh, battery_kw = capacity_arrays(self.batteries, year_start)  # usable: nameplate × health
        h = self._hourly_arrays(segs)
        return YearAssets(h["import_limit_kw"], h["pv_kwp"], h["wind_kw"], battery_kwh, battery_kw, h["green_share"],
                          h["ppa_pv_kw"], h["ppa_wind_kw"], h["dac_tco2_per_yr"], segs[-1][1])

    def _hourly_arrays(self, segs: list) -> dict[str, np.ndarray]:
        """The assets' hourly arrays (the green share the higher of the contracts' and the floor's);
        a year with one state all through, the same as the last year's, shares its (read-only) arrays,
        and an attribute with one value all year is the shared array of that value (``_hourly``)."""
        steady = len(segs) == 1
        if steady and self._steady is not None and self._steady[0] is segs[0][1]:
            return self._steady[1]
        if steady:  # one state all year: each attribute the shared array of its value (``_hourly`` of one value)
            state = segs[0][1]
            arrays = {attr: constant_hours(HOURS_PER_YEAR, float(getattr(state, attr))) for attr in _HOURLY_ATTRS}
        else:
            bounds = [h for h, _ in segs] + [HOURS_PER_YEAR]
            arrays = {attr: _hourly([float(getattr(s, attr)) for _, s in segs], bounds) for attr in _HOURLY_ATTRS}
        arrays["green_share"] = _higher(arrays["green_share"], arrays.pop("green_floor_share"))  # (each array read-only)
        self._steady = (segs[0][1], arrays) if steady else None
        return arrays

    # -- PDCA review -------------------------------------------------------------------------
    def review(self, year: int, indicators: dict[str, float], target) -> list[dict]:
        """Compare the year's indicators with the scenario's review target; one row per check."""
        if target is None:
            return []
        return [check_row(year, key, indicators[key], getattr(target, field))
                for key, (field, _) in CHECKS.items() if getattr(target, field) is not None]

    def pdca(self, year: int, indicators: dict, base: dict, scenario, act: bool = True) -> tuple[list[dict], list[PdcaItem], list[dict]]:
        """Check ``indicators`` of ``year`` against the glide path to the review targets and, where a
        rule's watched indicator is off track, order its action for next year.

        Returns the check rows, the projects to start (green contracts, PV) and the action rows.
        ``base``: the base year's indicators (the start of each glide path).
        """

        checks = {}
        for indicator in CHECKS:
            target = glide_target(scenario.review_targets, indicator, year, scenario.base_year, base[indicator])
            if target is not None:
                checks[indicator] = check_row(year, indicator, indicators[indicator], target)
        items: list[PdcaItem] = []
        actions: list[dict] = []
        next_year = year + 1
        for rule in scenario.operator.escalation if act else ():
            if rule.from_year is not None and year < rule.from_year:
                continue
            off = [checks[k] for k in rule.watch if k in checks and not checks[k]["met"]]
            if not off:
                continue
            worst = max(off, key=lambda r: r["gap"] / max(abs(r["target"]), 1.0))
            row = dict(worst, action=rule.action, rule=rule.id)
            name = f"{rule.id}_{next_year}"
            if rule.action == "more_green_contracts":
                now = indicators["green_power_share"]
                new = min(rule.max_share, now + rule.step_share_per_yr)
                if new > now + MET_TOLERANCE:
                    items.append(PdcaItem("pdca_green_power", name, next_year, rule.lead_time_days, new))
                    mwh = (new - now) * indicators["grid_import_mwh"]
                    row.update(detail=f"green power share {now:.0%} → {new:.0%} from {next_year}",
                               committed_cny=mwh * price_cny("green_certificate", next_year))
                else:
                    row.update(detail=f"green power share already at the cap {rule.max_share:.0%}")
            elif rule.action == "faster_pv":
                kwp = min(rule.kwp_per_yr, self.roof_room_kwp(rule.max_roof_share))
                ahead = [(pos, it) for pos, it in enumerate(scenario.roadmap)
                         if it.kind == "rooftop_pv" and it.year > next_year and pos not in self.advanced] if rule.advance_roadmap else []
                if ahead:
                    pos, item = min(ahead, key=lambda p: (p[1].year, p[0]))
                    self.advanced.add(pos)
                    items.append(item.model_copy(update={"year": next_year}))
                    kwp = self.roadmap_pv_room_kwp(item)
                    row.update(detail=f"roadmap rooftop PV {item.id or 'item ' + str(pos)} brought forward from {item.year} to {next_year}"
                                      f" (≈{kwp:,.0f} kWp)", committed_cny=kwp * capex_cny("rooftop_pv", next_year))
                elif kwp > 0:
                    items.append(PdcaItem("pdca_pv", name, next_year, rule.lead_time_days, kwp, rule.max_roof_share))
                    row.update(detail=f"rooftop PV +{kwp:,.0f} kWp ordered for {next_year}",
                               committed_cny=kwp * capex_cny("rooftop_pv", next_year))
                else:
                    row.update(detail=f"no roof room left below {rule.max_roof_share:.0%} of each roof")
            elif rule.action == "park_subsidy_fund":
                fund = self.funds.setdefault(rule.id, SubsidyFund(rule.capex_share, tuple(rule.measures)))
                fund.deposit(rule.budget_cny_per_yr)
                row.update(detail=f"subsidy fund {rule.id}: +{rule.budget_cny_per_yr:,.0f} CNY, pays {rule.capex_share:.0%} of "
                                  f"{', '.join(rule.measures)} capex in {next_year} while money lasts", committed_cny=rule.budget_cny_per_yr)
            actions.append(row)
        return list(checks.values()), items, actions

    def roadmap_pv_room_kwp(self, item) -> float:
        """PV a roadmap ``rooftop_pv`` item would add on today's roofs [kWp]."""
        names = [f.entity_id for f in present_agents(item.enterprises, self.model.enterprises)]
        names += list(self.model.buildings) if item.include_buildings else []
        k = self.park.pv_design.kwp_per_roof_m2
        return sum(max(0.0, item.roof_share - self.roof_used_share[n]) * self.roof_area_m2[n] * k for n in names)

    def roof_room_kwp(self, max_roof_share: float) -> float:
        """PV that still fits on the park's roofs below ``max_roof_share`` of each [kWp]."""
        k = self.park.pv_design.kwp_per_roof_m2
        return sum(max(0.0, max_roof_share - self.roof_used_share[n]) * a * k for n, a in self.roof_area_m2.items())


PV_TECHNOLOGY = "rooftop_pv"  # the catalogue id of the operator's rooftop PV (data/technologies.csv)
Applied = tuple[str, list[Investment]]  # a one-line description, the capacity it adds


def _pdca_green_power(op: OperatorAgent, item, hour: float) -> Applied:
    op.commission(hour, "green_floor", item.value, item.id)
    return f"PDCA: green power contracts raised to {item.value:.0%} of grid electricity", []


def _pdca_pv(op: OperatorAgent, item, hour: float) -> Applied:
    """Add ``item.value`` kWp over the roofs with room, in proportion to each roof's room."""
    k = op.park.pv_design.kwp_per_roof_m2
    room = {n: max(0.0, item.max_roof_share - op.roof_used_share[n]) for n in op.roof_area_m2}
    total = sum(r * op.roof_area_m2[n] * k for n, r in room.items())
    kwp = min(item.value, total)
    if kwp <= 0:
        return "PDCA: no roof room left for PV", []
    fill = kwp / total
    for n, r in room.items():
        op.roof_used_share[n] += fill * r
    op.commission(hour, "pv", kwp, item.id)
    return f"PDCA: rooftop PV +{kwp:,.0f} kWp ahead of the roadmap", [Investment("operator", PV_TECHNOLOGY, kwp)]


OPERATOR_ASSETS: dict[str, Callable[[OperatorAgent, object, float], Applied]] = {  # the PDCA's own items (agents/pdca.py)
    "pdca_green_power": _pdca_green_power,
    "pdca_pv": _pdca_pv,
}


def _higher(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.maximum(a, b)`` hour by hour (read-only); two shared arrays of one value each (``constant_hours``,
    most years) give the shared array of numpy's maximum of the two values, with no pass over the hours."""
    if a.shape == b.shape == (HOURS_PER_YEAR,) and is_constant_hours(a) and is_constant_hours(b):
        return constant_hours(HOURS_PER_YEAR, float(np.maximum(a[0], b[0])))
    out = np.maximum(a, b)
    out.setflags(write=False)
    return out


def _hourly(values: list[float], bounds: list[int]) -> np.ndarray:
    """``values[i]`` from hour ``bounds[i]`` of the year to ``bounds[i + 1]``, hour by hour (read-only): one value
    all year (bit for bit) is the shared array of it (``energy.dispatch_inputs.constant_hours``), no new array."""
    if len({v.hex() for v in values}) == 1:
        return constant_hours(HOURS_PER_YEAR, values[0])
    out = np.empty(HOURS_PER_YEAR)
    for value, start, end in zip(values, bounds, bounds[1:]):
        out[start:end] = value
    out.setflags(write=False)
    return out

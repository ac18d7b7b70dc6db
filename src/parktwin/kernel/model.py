"""The simulation kernel: a SimPy clock driving a Mesa model through the annual cycle.

Time is in hours since 1 January of the base year (8760-hour years). A yearly SimPy process
runs, for each year: policy and prices, agents' steps, the roadmap's projects (SimPy
processes whose lead time is SimPy time, so a project commissions at an hour inside the
year), and — when the year's clock has run — operations (hourly dispatch, vectorised, with
each asset from its commissioning hour), accounting and the operator's review.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import mesa
import numpy as np
import simpy

from parktwin.accounting.inventory import (
    ElectricitySupply,
    account_year,
    core_threshold_tco2_per_tce,
    green_space_removals_tco2,
    grid_nonfossil_share,
)
from parktwin.accounting.phases import phase_of
from parktwin.agents.building import BuildingAgent
from parktwin.agents.enterprise import EnterpriseAgent
from parktwin.agents.fleet import FleetAgent
from parktwin.agents.operator import OperatorAgent
from parktwin.agents.decisions import DECISION_CONSTANTS
from parktwin.data import constant, grid_factor_path, interpolate_path, overriding
from parktwin.economics.carbon import benchmark_tco2_per_mcny, carbon_positions, marginal_price_cny_per_tco2
from parktwin.economics.cashflows import Party, money_tables
from parktwin.economics.catalogue import price_cny
from parktwin.economics.costs import Purchase, fixed_om_in_year, fuel_cost_cny, purchase, renewals_in_year, residual_value_cny
from parktwin.energy.calendar import HOURS_PER_YEAR, hour_timestamp, year_calendar
from parktwin.energy.dispatch import BatteryParams, DispatchResult, dispatch_rule_based
from parktwin.energy.optimal import dispatch_cost_cny, dispatch_optimal
from parktwin.energy.loads import LoadBook, profile
from parktwin.energy.solar import PvSystem, Site, Weather, pv_output_kw_per_kwp, weather_years
from parktwin.energy.weather_files import read_weather_file, site_from_location, weather_from_file
from parktwin.energy.wind import load_power_curve, wind_output_kw_per_kw, wind_speed_years
from parktwin.energy.tariff import electricity_bill_cny, hourly_tariff
from parktwin.spec.scenario import Scenario

FIRM_MEASURE_KINDS = ("electrify_boilers", "efficiency")  # roadmap kinds costed on firms for the MACC
HOURLY_FIELDS = {  # dispatch result field → hourly table column; the dispatch's "pv" is all on-site generation
    "load_kw": "load_kw", "pv_kw": "renewable_kw", "pv_to_load_kw": "renewable_to_load_kw",
    "pv_to_battery_kw": "renewable_to_battery_kw", "grid_to_load_kw": "grid_to_load_kw",
    "grid_to_battery_kw": "grid_to_battery_kw", "battery_to_load_kw": "battery_to_load_kw", "export_kw": "export_kw",
    "curtailed_kw": "curtailed_kw", "unserved_kw": "unserved_kw", "soc_kwh": "soc_kwh",
}


@dataclass
class RunRecord:
    """What a run collects; ``results.Results`` turns it into tables."""

    annual: list[dict] = field(default_factory=list)
    emissions: list[tuple] = field(default_factory=list)
    energy: list[tuple] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)
    hourly: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    purchases: list[Purchase] = field(default_factory=list)
    carbon: list[tuple] = field(default_factory=list)  # (year, entity, sector, covered, scope1, allocation, value added, payment)
    measures: list[tuple] = field(default_factory=list)  # firms' own measures as decided (results.tables.MEASURE_COLUMNS)
    money: dict = field(default_factory=dict)  # economics.cashflows.MoneyTables fields, built at the run's end
    wall_time_s: float = 0.0


def site_of(scenario: Scenario) -> tuple[Site, PvSystem]:
    design = scenario.park.pv_design
    site = site_from_location(scenario.park.location)
    system = PvSystem(tilt_deg=design.tilt_deg, azimuth_deg=design.azimuth_deg, system_losses_share=design.system_losses_share)
    return site, system


def park_weather(scenario: Scenario, site: Site, n_years: int, rng: np.random.Generator) -> Weather:
    """All years' weather: from the park's measured weather file if it names one, else synthetic."""
    loc = scenario.park.location
    if loc.weather_file is None:
        return weather_years(site, n_years, rng)
    measured = read_weather_file(loc.weather_file)
    return weather_from_file(site, measured, n_years, rng=rng, mode=loc.weather_file_mode)


def park_wind(scenario: Scenario, n_years: int, rng: np.random.Generator, force: bool = False) -> np.ndarray | None:
    """Wind output per kW for all years, or None when the park never has turbines (unless ``force``)."""
    park = scenario.park
    if not force and park.assets.wind_kw <= 0 and not any(item.kind == "wind" for item in scenario.roadmap):
        return None
    loc, design = park.location, park.wind_design
    speeds = wind_speed_years(loc.wind_mean_m_per_s, loc.wind_weibull_k, n_years, rng, hub_height_m=design.hub_height_m)
    return wind_output_kw_per_kw(speeds, load_power_curve(), losses_share=design.losses_share)


def simulate(scenario: Scenario, seed: int = 0) -> RunRecord:
    """Build, run and release one model, with the scenario's data overrides in force throughout."""
    with overriding(scenario.data.constants, scenario.data.prices_cny):
        model = ParkModel(scenario, seed=seed)
        record = model.run()
        model.release()  # the record holds everything the tables need
    return record


@dataclass
class DecisionContext:
    """What firms see when they decide at the start of ``year``."""

    year: int
    policy: object
    decisions: object
    tariff: object
    carbon_path: dict  # year → CNY/tCO₂ (the scenario's path, interpolated)
    sector_adoption: dict  # sector → share of its firms with some electric heat
    carbon_kind: str = "tax"  # the scenario's carbon policy (economics/carbon.py)
    covered: frozenset = frozenset()  # firms the ETS covered last year
    grid_factor_kgco2_per_kwh: float = 0.0  # the year's location-based grid factor (for the MACC's tonnes)
    _prices: dict = field(default_factory=dict)

    def electricity_price(self, shape: str) -> float:
        """The tariff averaged over the hours a shift pattern uses [CNY/kWh]."""
        if shape not in self._prices:
            self._prices[shape] = float(hourly_tariff(self.tariff, self.year)[1] @ profile(shape, self.year))
        return self._prices[shape]

    def carbon_price(self, year: int, life_yr: int) -> float:
        """The carbon price a firm expects: this year's (myopic) or the path's mean over a life (foresight)."""
        key = (year, life_yr)
        if key not in self._prices:
            years = [year] if self.decisions.expectation == "myopic" else list(range(year, year + life_yr))
            self._prices[key] = float(interpolate_path(self.carbon_path, years).mean())
        return self._prices[key]

    def price(self, carrier: str) -> float:
        """``economics.catalogue.price_cny(carrier, year)``, looked up once a year."""
        key = ("price", carrier)
        if key not in self._prices:
            self._prices[key] = price_cny(carrier, self.year)
        return self._prices[key]

    def peak_share(self, shape: str) -> float:
        """A shift pattern's peak hour as a share of its year [kW per kWh/yr] (once per year and shape)."""
        key = ("peak", shape)
        if key not in self._prices:
            self._prices[key] = float(profile(shape, self.year).max())
        return self._prices[key]

    @property
    def constants(self) -> dict:
        """The constants firms' decisions read (agents.decisions.DECISION_CONSTANTS), looked up once a year."""
        if "constants" not in self._prices:
            self._prices["constants"] = {name: constant(name) for name in DECISION_CONSTANTS}
        return self._prices["constants"]

    def firm_carbon_price(self, entity: str, year: int, life_yr: int) -> float:
        """The carbon price a firm weighs on a tonne abated: the expected price if the policy charges
        it (tax: every firm; ETS: a firm covered last year), else 0 [CNY/tCO₂]."""
        return marginal_price_cny_per_tco2(self.carbon_kind, entity in self.covered, self.carbon_price(year, life_yr))


class ParkModel(mesa.Model):
    """One park, one scenario, one seed."""

    def __init__(self, scenario: Scenario, seed: int = 0):
        seeds = np.random.SeedSequence(seed)
        # children by position: adding a stream later keeps the earlier streams' numbers
        weather_seed, agent_seed, outage_seed, wind_seed = seeds.spawn(4)
        super().__init__(rng=np.random.default_rng(agent_seed))
        self.scenario = scenario
        self.seed_value = seed
        self.env = simpy.Environment()
        park = scenario.park
        self.years = scenario.years
        self.record = RunRecord()

        growth = scenario.growth
        self.enterprises = {
            e.id: EnterpriseAgent(
                self,
                e,
                growth.by_sector_share_per_yr.get(e.sector, growth.default_share_per_yr),
                growth.intensity_decline_share_per_yr,
            )
            for e in park.enterprises
        }
        self.buildings = {}  # built once the weather is known (their HVAC follows the temperature)
        self.fleets = {f.id: FleetAgent(self, f, growth.default_share_per_yr, scenario.mobility) for f in park.fleets}
        self.operator = OperatorAgent(self, park)
        self.decision_context: DecisionContext | None = None
        self._decisions_on = scenario.decisions.enabled or bool(scenario.policy.mandates)
        if self._decisions_on:
            for firm in self.enterprises.values():  # in park order: traits depend on the seed only
                firm.draw_traits(self.rng, scenario.decisions)

        site, system = site_of(scenario)
        weather = park_weather(scenario, site, len(self.years), np.random.default_rng(weather_seed))
        self.pv_kw_per_kwp = pv_output_kw_per_kwp(site, system, weather)
        self.temp_air_c = weather.temp_air_c
        self.buildings = {b.id: BuildingAgent(self, b, self.temp_air_c) for b in park.buildings}
        self._wind_seed = wind_seed
        self.wind_kw_per_kw = park_wind(scenario, len(self.years), np.random.default_rng(wind_seed))

        series = scenario.grid_factor.series or park.location.grid_region
        self.grid_series = series
        self.grid_factor_kgco2_per_kwh = grid_factor_path(series, self.years, scenario.grid_factor.override_kgco2_per_kwh)
        self.fossil_factor_kgco2_per_kwh = grid_factor_path("national_fossil", self.years)
        self.carbon_price_cny_per_tco2 = interpolate_path(scenario.carbon_price_cny_per_tco2, self.years)
        carbon = scenario.policy.carbon
        self.carbon_charge_path = dict(carbon.tax_cny_per_tco2 if carbon.kind == "tax" and carbon.tax_cny_per_tco2
                                       else scenario.carbon_price_cny_per_tco2)  # what firms pay per tonne
        self.carbon_charge_cny_per_tco2 = interpolate_path(self.carbon_charge_path, self.years)
        self.allocation_scale = interpolate_path(carbon.allocation_scale, self.years) if carbon.allocation_scale else np.ones(len(self.years))
        firms = list(park.enterprises)
        self._firm_ids = [e.id for e in firms]
        self._firm_position = {fid: i for i, fid in enumerate(self._firm_ids)}
        self._firm_benchmarks = np.array([benchmark_tco2_per_mcny(e.sector) for e in firms])
        self._firm_in_ets = np.array([carbon.ets_sectors == "all" or e.sector in carbon.ets_sectors for e in firms], dtype=bool)
        self._covered: frozenset = frozenset()
        self.removals_tco2 = green_space_removals_tco2(park.green_space.area_ha, park.green_space.crown_cover_share)
        self.battery_params = BatteryParams(**scenario.ems.battery.model_dump())  # the same fields
        self._soc_kwh = 0.0
        self._grid_projects: list[simpy.Process] = []
        self._outage_rng = np.random.default_rng(outage_seed)
        self._outages: list[tuple[float, float]] = []  # (start, end) global hours

    def release(self) -> None:
        """Let a finished model be freed at once. mesa 3.3 keeps every model alive in the class
        attribute ``Agent._ids`` (mesa issue #3179, fixed in mesa ≥ 3.4, which needs Python 3.12),
        and the SimPy processes and agents form cycles only a full garbage collection would break:
        without this, a process running many models grows by ≈5 MB per run."""
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)
        self.__dict__.clear()

    # -- the clock ---------------------------------------------------------------------------
    def run(self) -> RunRecord:
        start = time.perf_counter()
        if self.scenario.outages.rate_per_yr > 0:
            self.env.process(self._grid_outages())
        self.env.process(self._annual_cycle())
        self.env.run()
        self.record.money = money_tables(self.record.purchases, self.record.energy, self.record.annual, self.record.carbon,
                                         self._parties(), self.scenario.policy.capex_subsidy_share)
        private = self.record.money["cashflows"].groupby("year")[["net_cost_cny", "pv_cny"]].sum()
        for row in self.record.annual:  # the private view beside the system cost, so batches see both
            row["private_cost_cny"] = float(private["net_cost_cny"].get(row["year"], 0.0))
            row["private_pv_cny"] = float(private["pv_cny"].get(row["year"], 0.0))
        self.record.wall_time_s = time.perf_counter() - start
        return self.record

    def _annual_cycle(self):
        for index, year in enumerate(self.years):
            year_start = index * HOURS_PER_YEAR
            if index > 0:
                if self._decisions_on:
                    self.decision_context = self._decision_context(year)
                self.agents.shuffle_do("step")
                for firm in self.enterprises.values():
                    for item in firm.decided:
                        self.env.process(self._project(item, origin=firm.entity_id))
                last = self.record.annual[-1]
                pending = any(not p.triggered for p in self._grid_projects)
                for item in self.operator.decide(year, self.scenario.operator, last, pending):
                    self._grid_projects.append(self.env.process(self._project(item, origin="operator")))
                for item in self.scenario.roadmap:
                    if item.year == year:
                        if item.kind in FIRM_MEASURE_KINDS:
                            self._cost_roadmap_measure(item, year)
                        self.env.process(self._project(item))
            yield self.env.timeout(HOURS_PER_YEAR)
            self._operate(index, year, year_start)

    def _grid_outages(self):
        """Grid outages: exponential gaps (Poisson arrivals) and exponential durations, seeded."""
        spec = self.scenario.outages
        end_of_run = len(self.years) * HOURS_PER_YEAR
        while True:
            yield self.env.timeout(self._outage_rng.exponential(HOURS_PER_YEAR / spec.rate_per_yr))
            start = self.env.now
            if start >= end_of_run:
                return
            duration = self._outage_rng.exponential(spec.mean_duration_h)
            self._outages.append((start, start + duration))
            index = int(start // HOURS_PER_YEAR)
            year = self.scenario.base_year + index
            self.record.events.append({
                "year": year, "hour": float(start - index * HOURS_PER_YEAR),
                "time": hour_timestamp(year, start - index * HOURS_PER_YEAR), "kind": "grid_outage",
                "id": f"outage_{len(self._outages)}", "decided_hour": float(start),
                "detail": f"grid down for {duration:.1f} h", "origin": "grid",
            })
            yield self.env.timeout(duration)

    def _green_kwh(self, grid_kw: np.ndarray, assets, index: int) -> float:
        """Grid electricity that counts as green: certificates on a share of every hour's import,
        plus off-site PPA output matched hour by hour (or by annual volume), never above the import."""
        certified = grid_kw * assets.green_share
        ppa = assets.ppa_pv_kw * self.pv_kw_per_kwp[index]
        if assets.ppa_wind_kw.any():
            if self.wind_kw_per_kw is None:
                self.wind_kw_per_kw = park_wind(self.scenario, len(self.years), np.random.default_rng(self._wind_seed), force=True)
            ppa = ppa + assets.ppa_wind_kw * self.wind_kw_per_kw[index]
        if assets.end.ppa_hourly:
            return float(np.minimum(grid_kw, certified + ppa).sum())
        return float(min(grid_kw.sum(), certified.sum() + ppa.sum()))

    def _outage_mask(self, year_start: int) -> np.ndarray:
        """Hours of the year touched by an outage (a partly affected hour counts as down)."""
        mask = np.zeros(HOURS_PER_YEAR, dtype=bool)
        for start, end in self._outages:
            lo, hi = int(np.floor(start - year_start)), int(np.ceil(end - year_start))
            if hi > 0 and lo < HOURS_PER_YEAR:
                mask[max(lo, 0):min(hi, HOURS_PER_YEAR)] = True
        return mask

    def _decision_context(self, year: int) -> DecisionContext:
        sc = self.scenario
        by_sector: dict[str, list[float]] = {}
        if sc.decisions.peer_effect > 0:  # only the peer effect reads the sectors' adoption
            for firm in self.enterprises.values():
                by_sector.setdefault(firm.spec.sector, []).append(float(firm.electrified_heat_share() > 0))
        return DecisionContext(year, sc.policy, sc.decisions, sc.park.grid.tariff, self.carbon_charge_path,
                               {s: float(np.mean(v)) for s, v in by_sector.items()}, sc.policy.carbon.kind, self._covered,
                               float(self.grid_factor_kgco2_per_kwh[year - sc.base_year]))

    def _cost_roadmap_measure(self, item, year: int) -> None:
        """Record what a roadmap item on firms costs each of them, for the run's MACC (no effect on the run)."""
        ctx = self.decision_context if self.decision_context is not None and self.decision_context.year == year \
            else self._decision_context(year)
        firms = self.enterprises.values() if item.enterprises == "all" else [self.enterprises[i] for i in item.enterprises]
        for firm in firms:
            firm.record_roadmap_measure(ctx, item)

    def _parties(self) -> dict[str, Party]:
        """Who pays for what in the private view: each firm at its hurdle rate (the scenario's mean
        when firms do not decide), buildings and fleets at that mean, the operator at its own rate."""
        sc = self.scenario
        default = sc.decisions.hurdle_rate.mean
        parties = {"operator": Party("operator", "operator", None, sc.finance.operator_cost_of_equity)}
        for firm in self.enterprises.values():
            parties[firm.entity_id] = Party(firm.entity_id, "firm", firm.spec.sector, getattr(firm, "hurdle_rate", default))
        for agent in (*self.buildings.values(), *self.fleets.values()):
            parties[agent.entity_id] = Party(agent.entity_id, "firm", None, default)
        return parties

    def _carbon_year(self, index: int, year: int, emissions: list[tuple]) -> float:
        """Each firm's carbon position this year under the policy (record.carbon); the total paid [CNY]."""
        carbon = self.scenario.policy.carbon
        position = self._firm_position
        scope1 = np.zeros(len(self._firm_ids))
        for row in emissions:  # (year, entity, kind, scope, method, source, ..., emissions_tco2)
            if row[2] == "enterprise" and (row[3] == "1" or (row[3] == "removal" and row[5] == "ccus")):
                scope1[position[row[1]]] += row[11]
        value_added = np.array([self.enterprises[fid].value_added_mcny for fid in self._firm_ids])
        price = float(self.carbon_charge_cny_per_tco2[index])
        pos = carbon_positions(carbon.kind, scope1, value_added, self._firm_benchmarks, price, carbon.ets_threshold_tco2_per_yr,
                               self._firm_in_ets, float(self.allocation_scale[index]))
        self.record.carbon.extend(zip([year] * len(scope1), self._firm_ids, [self.enterprises[f].spec.sector for f in self._firm_ids],
                                      pos.covered.tolist(), scope1.tolist(), pos.allocation_tco2.tolist(), value_added.tolist(),
                                      pos.payment_cny.tolist()))
        self._covered = frozenset(f for f, c in zip(self._firm_ids, pos.covered) if c)
        return float(pos.payment_cny.sum())

    def _project(self, item, origin: str = "roadmap"):
        """Approval and construction take SimPy time; the asset works from its commissioning hour.
        ``origin``: who started it — the scenario's roadmap, the operator's own rule, or a firm's id."""
        decided = self.env.now
        yield self.env.timeout(item.lead_time_days * 24.0)
        index = int(self.env.now // HOURS_PER_YEAR)
        year = self.scenario.base_year + index
        hour = float(self.env.now - index * HOURS_PER_YEAR)
        detail, added = self.operator.apply(item, self.env.now, year)
        if origin in self.enterprises:  # a firm's own project: no longer pending
            self.enterprises[origin].pending.pop(item.id, None)
        name = item.id or item.kind
        self.record.purchases.extend(purchase(year, hour, name, inv.entity, inv.technology, inv.capacity) for inv in added)
        self.record.events.append(
            {
                "year": year,
                "hour": float(self.env.now - index * HOURS_PER_YEAR),
                "time": hour_timestamp(year, self.env.now - index * HOURS_PER_YEAR) if index < len(self.years) else "",
                "kind": item.kind,
                "id": item.id or item.kind,
                "decided_hour": float(decided),
                "detail": detail,
                "origin": origin,
            }
        )

    # -- one year's operations and accounting ---------------------------------------------------
    def _operate(self, index: int, year: int, year_start: int) -> None:
        sc = self.scenario
        park = sc.park
        book = LoadBook(year)
        rows = []
        for agent in (*self.enterprises.values(), *self.buildings.values(), *self.fleets.values()):
            rows.extend(agent.year_energy(year, year_start, book))
        demand_kw = book.hourly_kw()
        assets = self.operator.year_assets(year_start)
        pv_kw = assets.pv_kwp * self.pv_kw_per_kwp[index]
        wind_kw = assets.wind_kw * self.wind_kw_per_kw[index] if self.wind_kw_per_kw is not None else np.zeros(HOURS_PER_YEAR)
        period, price = hourly_tariff(park.grid.tariff, year)
        down = self._outage_mask(year_start)
        # in an outage the grid neither imports nor exports; non-critical load is shed
        shed_kw = np.where(down, demand_kw * (1.0 - sc.outages.critical_load_share), 0.0)
        load_kw = demand_kw - shed_kw
        import_limit = np.where(down, 0.0, assets.import_limit_kw)
        export_limit = np.where(down, 0.0, park.grid.export_limit_kw)
        result = dispatch_rule_based(
            load_kw, pv_kw + wind_kw, period, assets.battery_kwh, assets.battery_kw, self.battery_params,
            import_limit_kw=import_limit, export_limit_kw=export_limit, soc_start_kwh=self._soc_kwh,
        )
        ems_saving = 0.0
        if sc.ems.strategy == "optimal":
            tariff = park.grid.tariff
            month = year_calendar(year).month
            costing = dict(feed_in_price_cny_per_kwh=park.grid.feed_in_price_cny_per_kwh, month_of_hour=month,
                           demand_charge_cny_per_kw_month=tariff.demand_charge_cny_per_kw_month)
            rules = result
            result = dispatch_optimal(
                load_kw, pv_kw + wind_kw, price, assets.battery_kwh, assets.battery_kw, self.battery_params,
                import_limit, export_limit, soc_start_kwh=self._soc_kwh, soc_end_kwh=rules.final_soc_kwh,
                horizon_h=sc.ems.horizon_h, overlap_h=sc.ems.overlap_h if sc.ems.horizon_h else 0, **costing,
            )
            # the same cost function for both; the LP ends with at least the rules' final charge
            ems_saving = dispatch_cost_cny(rules, price, **costing)["objective_cny"] - dispatch_cost_cny(result, price, **costing)["objective_cny"]
        self._soc_kwh = result.final_soc_kwh
        for unit in self.operator.age_batteries(float(result.battery_to_load_kw.sum()), year_start):
            if index + 1 < len(self.years):  # its new cells are bought at next year's price
                self.record.purchases.append(purchase(year + 1, 0.0, unit.id, "operator", "battery_energy", unit.energy_kwh, renewal=True))
            self.record.events.append({
                "year": year, "hour": float(HOURS_PER_YEAR), "time": f"{year + 1}-01-01T00:00", "kind": "battery_replacement",
                "id": unit.id, "decided_hour": float(year_start + HOURS_PER_YEAR),
                "detail": f"battery replaced at {unit.health:.0%} health after {unit.efc:,.0f} full cycles",
                "origin": "operator",
            })
        grid_kw = result.grid_import_kw
        supply = ElectricitySupply(
            demand_kwh=float(demand_kw.sum()),
            grid_import_kwh=float(grid_kw.sum()),
            onsite_generation_kwh=float(result.pv_kw.sum()),
            onsite_used_kwh=float(result.pv_to_load_kw.sum() + result.pv_to_battery_kw.sum()),
            export_kwh=float(result.export_kw.sum()),
            curtailed_kwh=float(result.curtailed_kw.sum()),
            unserved_kwh=float(result.unserved_kw.sum()),
            green_kwh=self._green_kwh(grid_kw, assets, index),
        )
        factor = float(self.grid_factor_kgco2_per_kwh[index])
        offsets = sc.offsets
        cap = offsets.max_share_of_gross if offsets.start_year is not None and year >= offsets.start_year else None
        emissions, energy, summary = account_year(
            year,
            rows,
            supply,
            grid_factor_kgco2_per_kwh=factor,
            grid_series=self.grid_series,
            grid_nonfossil_share=grid_nonfossil_share(factor, float(self.fossil_factor_kgco2_per_kwh[index])),
            electricity_method=sc.accounting.electricity_tce_method,
            removals_tco2=self.removals_tco2,
            offset_cap_share=cap,
        )
        bill = electricity_bill_cny(grid_kw, result.export_kw, price, park.grid.tariff, park.grid.feed_in_price_cny_per_kwh, year)
        self.record.purchases.extend(renewals_in_year(self.record.purchases, year))
        costs = {
            "capex_cny": sum(p.capex_cny for p in self.record.purchases if p.year == year),
            "fixed_om_cny": fixed_om_in_year(self.record.purchases, year),
            "fuel_cost_cny": fuel_cost_cny(energy, year),
            "certificate_cost_cny": supply.green_kwh / 1000.0 * price_cny("green_certificate", year),
        }
        phase = phase_of(index)
        value_added = sum(a.value_added_mcny for a in self.enterprises.values())
        annual = {
            "year": year,
            "year_index": index,
            "phase": phase.number,
            "phase_key": phase.key,
            **summary,
            "core_threshold_tco2_per_tce": core_threshold_tco2_per_tce(summary["energy_tce"]),
            "value_added_mcny": value_added,
            "energy_per_value_added_tce_per_10k_cny": summary["energy_tce"] / (value_added * 100.0),
            "electricity_demand_mwh": supply.demand_kwh / 1000.0,
            "electricity_consumed_mwh": supply.consumed_kwh / 1000.0,
            "grid_import_mwh": supply.grid_import_kwh / 1000.0,
            "green_power_mwh": supply.green_kwh / 1000.0,
            "pv_generation_mwh": float(pv_kw.sum()) / 1000.0,
            "wind_generation_mwh": float(wind_kw.sum()) / 1000.0,
            "renewable_used_mwh": supply.onsite_used_kwh / 1000.0,
            "export_mwh": supply.export_kwh / 1000.0,
            "curtailed_mwh": supply.curtailed_kwh / 1000.0,
            "unserved_mwh": supply.unserved_kwh / 1000.0,
            "shed_mwh": float(shed_kw.sum()) / 1000.0,
            "outage_hours": int(down.sum()),
            "peak_import_kw": float(grid_kw.max()),
            "import_limit_kw": assets.end.import_limit_kw,
            "pv_kwp": assets.end.pv_kwp,
            "wind_kw": assets.end.wind_kw,
            "battery_kwh": assets.end.battery_kwh,
            "battery_usable_kwh": float(assets.battery_kwh[-1]),
            "battery_cycles": float(result.battery_to_load_kw.sum() / assets.battery_kwh[-1]) if assets.battery_kwh[-1] > 0 else 0.0,
            "green_power_share": assets.end.green_share,
            "grid_factor_kgco2_per_kwh": factor,
            "carbon_price_cny_per_tco2": float(self.carbon_price_cny_per_tco2[index]),
            **bill,
            "offsets_cost_cny": summary["offsets_tco2"] * offsets.price_cny_per_tco2,
            "ems_saving_cny": ems_saving,
            **costs,
            "carbon_cost_cny": summary["scope1_tco2"] * float(self.carbon_price_cny_per_tco2[index]),
            "carbon_payment_cny": self._carbon_year(index, year, emissions),
        }
        rate = sc.finance.social_discount_rate
        annual["discount_factor"] = (1.0 + rate) ** -index
        last = index == len(self.years) - 1
        annual["residual_value_cny"] = residual_value_cny(self.record.purchases, year) if last else 0.0
        annual["system_cost_cny"] = (
            costs["capex_cny"] + costs["fixed_om_cny"] + bill["electricity_cost_cny"] + costs["fuel_cost_cny"]
            + costs["certificate_cost_cny"] + annual["offsets_cost_cny"]
        )
        annual["core_met"] = bool(annual["core_indicator_tco2_per_tce"] <= annual["core_threshold_tco2_per_tce"])
        self.record.annual.append(annual)
        self.record.emissions.extend(emissions)
        self.record.energy.extend(energy)
        if index > 0:
            self.record.reviews.extend(self.operator.review(year, annual, sc.review_targets.get(year)))
        if year in sc.outputs.hourly_years:
            self.record.hourly[year] = self._hourly_arrays(result, price, period)
            self.record.hourly[year]["import_limit_kw"] = np.where(down, 0.0, assets.import_limit_kw)
            self.record.hourly[year]["shed_kw"] = shed_kw
            self.record.hourly[year]["pv_kw"] = pv_kw
            self.record.hourly[year]["wind_kw"] = wind_kw

    @staticmethod
    def _hourly_arrays(result: DispatchResult, price: np.ndarray, period: np.ndarray) -> dict[str, np.ndarray]:
        out = {column: np.asarray(getattr(result, name), dtype=float) for name, column in HOURLY_FIELDS.items()}
        out["price_cny_per_kwh"] = np.asarray(price, dtype=float)
        out["period"] = np.asarray(period, dtype=np.int8)
        return out

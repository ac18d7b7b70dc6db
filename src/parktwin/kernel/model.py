"""The simulation kernel: a SimPy clock driving a Mesa model through the annual cycle.

Time is in hours since 1 January of the base year (8760-hour years). A yearly SimPy process
runs, for each year: policy and prices, agents' steps, the roadmap's projects (SimPy
processes whose lead time is SimPy time, so a project commissions at an hour inside the
year), and — when the year's clock has run — operations (hourly dispatch, vectorised, with
each asset from its commissioning hour), accounting and the operator's review.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import mesa
import numpy as np
import simpy

from parktwin.accounting.inventory import green_space_removals_tco2
from parktwin.accounting.resources import min_coverage_share
from parktwin.agents.building import BuildingAgent, KeptBuildingIndicators
from parktwin.agents.enterprise import EnterpriseAgent, cost_roadmap_item
from parktwin.agents.exchange import ExchangeAgent, ExchangeContext
from parktwin.agents.firm_energy import FirmEnergy
from parktwin.agents.fleet import FleetAgent
from parktwin.agents.operator import OperatorAgent
from parktwin.agents.population import growth_rate
from parktwin.agents.resources import FirmRoster
from parktwin.data import grid_factor_path, interpolate_path, overriding
from parktwin.economics.costs import Purchase, PurchaseLedger, RenewalSchedule, UnitTerms, project_purchases, stated_purchase
from parktwin.energy.calendar import HOURS_PER_YEAR, hour_timestamp
from parktwin.energy.dispatch import BatteryParams
from parktwin.energy.loads import register_measured
from parktwin.energy.measured import measured_pv_kw_per_kwp
from parktwin.energy.solar import PvSystem, Site, pv_output_kw_per_kwp, synthetic_pv_kw_per_kwp
from parktwin.energy.weather import daily_weather
from parktwin.energy.weather_files import read_weather_file, site_from_location, weather_from_file
from parktwin.energy.wind import load_power_curve, wind_output_kw_per_kw, wind_speed_years
from parktwin.frames import YearsBlock
from parktwin.kernel.carriers import CarrierState
from parktwin.kernel.context import DecisionContext
from parktwin.kernel.failure import year_stage
from parktwin.kernel.closing import close_run
from parktwin.kernel.products import ProductRoster, eu_price_path
from parktwin.kernel.population import entrants, exit_park, leavers
from parktwin.kernel.year import YEAR_STAGES, EtsState, Stage, run_year
from parktwin.spec.scenario import Scenario
from parktwin.technologies.registry import technologies, technology
from parktwin.spec.series import entries as series_entries
from parktwin.spec.series import quality_row
from parktwin.spec.series import read as read_series

WIND_TECHNOLOGY = "wind_onshore"  # the catalogue id of on-site turbines (data/technologies.csv)
FIRM_MEASURE = "firm_measure"  # data/technology_kinds.csv abatement: costed on the firms when the roadmap item is decided

__all__ = ["DecisionContext", "ParkModel", "RunRecord", "Stage", "simulate"]

@dataclass
class RunRecord:
    """What a run collects; ``results.Results`` turns it into tables."""

    annual: list[dict] = field(default_factory=list)
    emissions: list[tuple] = field(default_factory=list)
    energy: list[tuple] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)
    hourly: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)  # year → its arrays (float64 ones views of ``hourly_block``)
    hourly_block: YearsBlock | None = None  # the hourly years' float64 arrays as the hourly table's float block (frames.YearsBlock)
    purchases: list[Purchase] = field(default_factory=list)
    resources: list[dict] = field(default_factory=list)  # accounting.resources.RESOURCE_COLUMNS per year
    exchanges: list[tuple] = field(default_factory=list)  # agents.exchange.EXCHANGE_COLUMNS per exchange and year
    carbon: list = field(default_factory=list)  # economics.cashflows.CarbonYear per year: the firms' carbon positions as columns
    products: list[tuple] = field(default_factory=list)  # kernel.products.PRODUCT_TABLE_COLUMNS per product line and year
    measures: list[tuple] = field(default_factory=list)  # firms' own measures as decided (results.tables.MEASURE_COLUMNS)
    money: dict = field(default_factory=dict)  # the run's end tables (kernel.closing: economics.cashflows.money_tables, or run_cashflows for the annual table alone)
    wall_time_s: float = 0.0
    data_quality: list[dict] = field(default_factory=list)  # one row per measured series (spec.series)
    measured: object = None  # the park's measured base-year totals (spec.calibration.Measured), reconciled in the results
    base_firm_totals: dict = field(default_factory=dict)  # entity → accounting.resource_firms.FirmTotals of the base year


def site_of(scenario: Scenario) -> tuple[Site, PvSystem]:
    design = scenario.park.pv_design
    site = site_from_location(scenario.park.location)
    system = PvSystem(tilt_deg=design.tilt_deg, azimuth_deg=design.azimuth_deg, system_losses_share=design.system_losses_share)
    return site, system


@dataclass(frozen=True)
class SolarYears:
    """What a run takes from its weather: PV output per kWp [kW/kWp] and air temperature [°C],
    each (n_years, 8760), read-only."""

    pv_kw_per_kwp: np.ndarray
    temp_air_c: np.ndarray


_LAST_SOLAR: dict[tuple, SolarYears] = {}  # the last synthetic weather's PV and temperature (at most one entry)


def solar_years(scenario: Scenario, site: Site, system: PvSystem, n_years: int, seed: np.random.SeedSequence) -> SolarYears:
    """PV output and air temperature of all years from the park's weather: synthetic, drawn from ``seed``,
    or from the park's measured weather file (``weather_files.weather_from_file``: its year repeated, or its
    days resampled with ``seed``).

    Synthetic weather depends only on the site, the number of years and the seed, and the PV
    output on those and the PV design, so the last result is kept for the process under exactly
    that key: a planner or a dashboard re-runs one park at one seed many times, while a Monte Carlo
    replicate brings a new seed and replaces it (the old arrays are dropped before the new ones are
    drawn, so a process never holds two). A measured weather file is read each time."""
    synthetic = scenario.park.location.weather_file is None
    key = (site, system, n_years, seed.entropy, seed.spawn_key)
    kept = _LAST_SOLAR.get(key) if synthetic else None
    if kept is not None:
        return kept
    _LAST_SOLAR.clear()
    rng = np.random.default_rng(seed)
    if synthetic:  # the PV output straight from the daily clearness, without the hourly irradiance (the same numbers)
        daily = daily_weather(site, n_years, rng)
        out = _LAST_SOLAR[key] = SolarYears(_read_only(synthetic_pv_kw_per_kwp(site, system, daily)), _read_only(daily.temp_air_c))
        return out
    loc = scenario.park.location
    weather = weather_from_file(site, read_weather_file(loc.weather_file), n_years, rng=rng, mode=loc.weather_file_mode)
    return SolarYears(_read_only(pv_output_kw_per_kwp(site, system, weather)), _read_only(weather.temp_air_c))


def _read_only(values: np.ndarray) -> np.ndarray:
    values.setflags(write=False)
    return values


def park_wind(scenario: Scenario, n_years: int, rng: np.random.Generator, force: bool = False) -> np.ndarray | None:
    """Wind output per kW for all years, or None when the park never has turbines (unless ``force``)."""
    park = scenario.park
    if not force and park.assets.wind_kw <= 0 and not any(WIND_TECHNOLOGY in technology(item.kind).catalogue for item in scenario.roadmap):
        return None
    loc, design = park.location, park.wind_design
    speeds = wind_speed_years(loc.wind_mean_m_per_s, loc.wind_weibull_k, n_years, rng, hub_height_m=design.hub_height_m)
    return wind_output_kw_per_kw(speeds, load_power_curve(), losses_share=design.losses_share)


def roadmap_by_year(roadmap: list) -> dict[int, list[tuple[int, object]]]:
    """The roadmap's items by the year they are decided, each with its position in the roadmap (how
    the PDCA names an item it brings forward), in roadmap order: a year reads only its own items."""
    out: dict[int, list[tuple[int, object]]] = {}
    for position, item in enumerate(roadmap):
        out.setdefault(item.year, []).append((position, item))
    return out


RUN_GC_THRESHOLD = 50_000
"""Container allocations between two young-generation collections of Python's garbage collector
while a run is simulated (the interpreter's default is 700)."""
_gc_lock = threading.Lock()
_gc_depth = [0, None]  # runs in progress in the process, the threshold they replaced


@contextlib.contextmanager
def young_collections_spaced():
    """Python's young-generation collection threshold raised to ``RUN_GC_THRESHOLD`` for the block,
    the previous thresholds restored after it (also on error; nested or concurrent runs restore once,
    when the last one ends). A run allocates tens of thousands of records that all live to its end:
    at the default threshold the collector walks them again and again (and every ~100 young
    collections the whole heap), which is time and no freed memory; the model breaks its own
    cycles in ``ParkModel.release``. Process-global while a run is in progress: the garbage a
    collection would free meanwhile is at most ~``RUN_GC_THRESHOLD`` objects."""
    with _gc_lock:
        if _gc_depth[0] == 0:
            _gc_depth[1] = gc.get_threshold()
            gc.set_threshold(RUN_GC_THRESHOLD, *_gc_depth[1][1:])
        _gc_depth[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth[0] -= 1
            if _gc_depth[0] == 0:
                gc.set_threshold(*_gc_depth[1])


def simulate(scenario: Scenario, seed: int = 0, annual_only: bool = False) -> RunRecord:
    """Build, run and release one model, with the scenario's data overrides in force throughout.

    ``annual_only`` (a Monte Carlo replicate, which keeps only the ``annual`` table): the same
    ``annual`` rows, without the records that feed only the other tables — the roadmap items'
    costing on each firm for the MACC, and at the run's end the financing, cost-of-capital and
    levelised-cost tables and the operator's MACC rows."""
    with overriding(scenario.data.constants, scenario.data.prices_cny, scenario.data.capex_factor), young_collections_spaced():
        with year_stage(lambda: (None, "while setting the run up (weather, loads, agents)")):
            model = ParkModel(scenario, seed=seed)
            model.annual_only = annual_only
        record = model.run()
        model.release()  # the record holds everything the tables need
    return record


class ParkModel(mesa.Model):
    """One park, one scenario, one seed."""

    def __init__(self, scenario: Scenario, seed: int = 0):
        seeds = np.random.SeedSequence(seed)
        # children by position: adding a stream later keeps the earlier streams' numbers
        weather_seed, agent_seed, outage_seed, wind_seed, population_seed, fleet_seed = seeds.spawn(6)
        super().__init__(rng=np.random.default_rng(agent_seed))
        self.scenario = scenario
        self.seed_value = seed
        self.annual_only = False  # simulate(annual_only=True): only what the annual table needs (a replicate)
        self.env = simpy.Environment()
        park = scenario.park
        self.years = scenario.years
        hourly_years = sum(year in scenario.outputs.hourly_years for year in self.years)
        self.record = RunRecord(measured=park.measured, hourly_block=YearsBlock(hourly_years))
        self.unit_terms = UnitTerms()  # the catalogue's cost terms the run's purchases read, looked up once each
        self.renewals = RenewalSchedule(terms=self.unit_terms)  # which purchases renew in which year (economics.costs)
        self.ledger = PurchaseLedger()  # the year's capex and fixed O&M over the purchases (economics.costs)

        growth = scenario.growth
        self.enterprises = {
            e.id: EnterpriseAgent(self, e, growth_rate(growth, e), growth.intensity_decline_share_per_yr)
            for e in park.enterprises
        }
        self.buildings = {}  # built once the weather is known (their HVAC follows the temperature)
        self.fleets = {f.id: FleetAgent(self, f, growth.default_share_per_yr, scenario.mobility, scenario.fleets) for f in park.fleets}
        if scenario.fleets.turnover:  # owners' traits from their own stream, in park order
            fleet_rng = np.random.default_rng(fleet_seed)
            for fleet in self.fleets.values():
                fleet.draw_traits(fleet_rng)
        self.operator = OperatorAgent(self, park)
        self.decision_context: DecisionContext | None = None
        self._costing_context: DecisionContext | None = None  # the year's context for costing roadmap items when firms do not decide
        self.decisions_on = scenario.decisions.enabled or bool(scenario.policy.mandates)
        if self.decisions_on:
            for firm in self.enterprises.values():  # in park order: traits depend on the seed only
                firm.draw_traits(self.rng, scenario.decisions)

        site, system = site_of(scenario)
        solar = solar_years(scenario, site, system, len(self.years), weather_seed)
        self.pv_kw_per_kwp, self.temp_air_c = solar.pv_kw_per_kwp, solar.temp_air_c
        self.buildings = {b.id: BuildingAgent(self, b, self.temp_air_c, scenario.buildings) for b in park.buildings}
        self._wind_seed = wind_seed
        self.wind_kw_per_kw = park_wind(scenario, len(self.years), np.random.default_rng(wind_seed))
        self._use_measured_series()

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
        self.ets = EtsState()
        self.fuel_terms: dict[tuple, tuple] = {}  # the inventory's terms of each fuel row kind (accounting.inventory.account_year), read once a run
        self.firm_energy = FirmEnergy()  # the firms' energy of a year as arrays (agents.firm_energy), kept between years
        self.firm_roster = FirmRoster()  # the firms' resource inputs as arrays (agents.resources), kept between years
        self.product_roster = ProductRoster()  # who lists product lines (kernel.products), kept between years
        self.removals_tco2 = green_space_removals_tco2(park.green_space.area_ha, park.green_space.crown_cover_share)
        self.battery_params = BatteryParams(**scenario.ems.battery.model_dump())  # the same fields
        self.carrier_state = CarrierState()  # heat, cold and hydrogen stores' charge carried between years
        self.kept_building_indicators = KeptBuildingIndicators()  # the annual table's building columns while no building changes
        self.stages: list[Stage] = list(YEAR_STAGES)  # the year's operation (kernel/year.py); a modeller may insert
        self.roadmap_by_year = roadmap_by_year(scenario.roadmap)
        self.battery_soc_kwh = 0.0  # the batteries' charge carried between years [kWh]
        self._grid_projects: list[simpy.Process] = []
        self._outage_rng = np.random.default_rng(outage_seed)
        self.outages: list[tuple[float, float]] = []  # (start, end) global hours
        pop = scenario.population
        self.population_on = bool(pop.entrants or pop.exits or pop.entry is not None or pop.exit_hazard_per_yr > 0)
        self.population_rng = np.random.default_rng(population_seed)
        self.exit_value_cny: dict[int, float] = {}  # exit year → value left in the leavers' capacity
        # symbiosis: one agent per candidate exchange of the park file (none: the agent set is unchanged)
        self.exchange_agents = [ExchangeAgent(self, x) for x in park.exchanges]
        self.exchange_context: ExchangeContext | None = None
        self.min_coverage_share = min_coverage_share()  # data/resources.csv, read once
        self.eu_price_eur_per_tco2 = eu_price_path(scenario.policy.cbam.eu_carbon_price_eur_per_tco2, self.years)  # CBAM

    def _use_measured_series(self) -> None:
        """Measured series replace the base year's hourly shapes (and the PV output) of the
        entities that name one; each series and every fill it needed are reported (data_quality
        table, data_fill events). See docs/own-data.md §5."""
        park = self.scenario.park
        agents = {"enterprise": self.enterprises, "building": self.buildings, "fleet": self.fleets}
        self.measured_shapes: dict[str, str] = {}  # entity → its registered shape (hourly output)
        for entry in series_entries(park):
            series = read_series(entry.spec, park)
            self.record.data_quality.append(quality_row(entry, series, park))
            for gap in series.fills:
                self.record.events.append({
                    "year": park.base_year, "hour": gap.start_hour, "time": gap.start.replace(" ", "T"), "kind": "data_fill",
                    "id": f"{entry.entity}_fill_{gap.start_hour:g}", "decided_hour": 0.0,
                    "detail": f"{Path(series.path).name}: {gap.hours:g} h filled ({gap.method}), {gap.start} to {gap.end}",
                    "origin": "data",
                })
            if entry.kind == "pv":
                self.pv_kw_per_kwp = measured_pv_kw_per_kwp(self.pv_kw_per_kwp, series.kw, park.assets.pv_kwp)
            else:
                shape = register_measured(f"measured:{entry.entity}:{series.digest()}", self.years, series.kw)
                agents[entry.kind][entry.entity].use_measured(shape, series.kwh)
                self.measured_shapes[entry.entity] = shape

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
        self.in_progress = (self.years[0], "while the year's decisions were taken")
        with year_stage(lambda: self.in_progress):  # a failure names the year and stage (kernel.failure)
            self.env.run()
            self.in_progress = (None, "at the end of the run (financing, cash flows, levelised costs)")
            close_run(self)  # money, levelised costs, the operator's MACC rows (kernel/closing.py)
        self.record.wall_time_s = time.perf_counter() - start
        return self.record

    def _annual_cycle(self):
        for index, year in enumerate(self.years):
            year_start = index * HOURS_PER_YEAR
            self.in_progress = (year, "while the year's decisions were taken and its projects commissioned")
            if index > 0:
                if self.decisions_on:
                    self.decision_context = self._decision_context(year)
                leaving = leavers(self, year) if self.population_on else []
                self.exchange_context = self._exchange_context(index, year)
                self._step_agents()
                self._start_exchanges(year)
                for firm in self.enterprises.values():
                    for item in firm.decided:
                        self.env.process(self._project(item, origin=firm.entity_id))
                last = self.record.annual[-1]
                pending = any(not p.triggered for p in self._grid_projects)
                for item in self.operator.decide(year, self.scenario.operator, last, pending):
                    self._grid_projects.append(self.env.process(self._project(item, origin="operator")))
                for position, item in self.roadmap_by_year.get(year, ()):
                    if position not in self.operator.advanced:  # not brought forward by the PDCA
                        if technology(item.kind).abatement == FIRM_MEASURE and not self.annual_only:  # costed on the firms for the MACC
                            self._cost_roadmap_measure(item, year)
                        self.env.process(self._project(item))
                if self.population_on:
                    entrants(self, year, year_start)
                    leaving += [(e.id, e.day) for e in self.scenario.population.exits
                                if e.year == year and e.id in self.enterprises and (e.id, e.day) not in leaving]
                    for firm_id, day in leaving:
                        self.env.process(exit_park(self, self.enterprises[firm_id], year_start + day * 24.0))
            yield self.env.timeout(HOURS_PER_YEAR)
            run_year(self, self.stages, index, year, year_start)

    def _step_agents(self) -> None:
        """Every agent's yearly step, in a random order (mesa's ``shuffle_do``, drawn from ``model.random``)
        when the order can show in the run: firms that decide draw from the model's generator, claim the
        park fund and record their measures in turn; building owners who retrofit and fleet owners who
        renew their vehicles book purchases and events in turn. Without any of these a step changes only
        its own agent (growth, a year older, an exchange's own decision on last year's numbers), so every
        order gives the same run: the agents step in the order they joined, and the shuffle, the only
        reader of ``model.random``, is not drawn."""
        sc = self.scenario
        if self.decisions_on or sc.fleets.turnover or (sc.buildings is not None and sc.buildings.retrofit_decisions):
            self.agents.shuffle_do("step")
        else:
            self.agents.do("step")

    # -- firms enter and leave (agents.population) --------------------------------------------------
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
            self.outages.append((start, start + duration))
            index = int(start // HOURS_PER_YEAR)
            year = self.scenario.base_year + index
            self.record.events.append({
                "year": year, "hour": float(start - index * HOURS_PER_YEAR),
                "time": hour_timestamp(year, start - index * HOURS_PER_YEAR), "kind": "grid_outage",
                "id": f"outage_{len(self.outages)}", "decided_hour": float(start),
                "detail": f"grid down for {duration:.1f} h", "origin": "grid",
            })
            yield self.env.timeout(duration)

    def ppa_wind_kw_per_kw(self) -> np.ndarray:
        """Wind output per kW for all years, drawn on first use by a wind PPA when the park has no turbines."""
        if self.wind_kw_per_kw is None:
            self.wind_kw_per_kw = park_wind(self.scenario, len(self.years), np.random.default_rng(self._wind_seed), force=True)
        return self.wind_kw_per_kw

    def _decision_context(self, year: int) -> DecisionContext:
        sc = self.scenario
        by_sector: dict[str, list[float]] = {}
        if sc.decisions.peer_effect > 0:  # only the peer effect reads the sectors' adoption
            for firm in self.enterprises.values():
                by_sector.setdefault(firm.spec.sector, []).append(float(firm.electrified_heat_share() > 0))
        return DecisionContext(year, sc.policy, sc.decisions, sc.park.grid.tariff, self.carbon_charge_path,
                               {s: float(np.mean(v)) for s, v in by_sector.items()},
                               fund=next(iter(self.operator.funds.values()), None), carbon_kind=sc.policy.carbon.kind,
                               covered=self.ets.covered, grid_factor_kgco2_per_kwh=float(self.grid_factor_kgco2_per_kwh[year - sc.base_year]),
                               unit_terms=self.unit_terms)

    def _cost_roadmap_measure(self, item, year: int) -> None:
        """Record what a roadmap item on firms costs each of them, for the run's MACC (no effect on the run).
        The firms' view is the year's decision context: the one they decided in, else one built for the
        year's costing and kept for its other items (its tariff, prices and catalogue looked up once)."""
        ctx = self.decision_context
        if ctx is None or ctx.year != year:
            ctx = self._costing_context
            if ctx is None or ctx.year != year:
                ctx = self._costing_context = self._decision_context(year)
        firms = self.enterprises.values() if item.enterprises == "all" else [self.enterprises[i] for i in item.enterprises]
        cost_roadmap_item(ctx, item, firms)

    def _project(self, item, origin: str = "roadmap"):
        """Approval and construction take SimPy time; the asset works from its commissioning hour.
        ``origin``: who started it — the scenario's roadmap, the operator's own rule, or a firm's id."""
        decided = self.env.now
        yield self.env.timeout(item.lead_time_days * 24.0)
        now = self.env.now
        index = int(now // HOURS_PER_YEAR)
        year = self.scenario.base_year + index
        hour = float(now - index * HOURS_PER_YEAR)
        known = technologies().get(item.kind)  # a roadmap kind (technologies/), else a PDCA project of the operator
        detail, added = known.commission(self.operator, item, now, year) if known else self.operator.apply(item, now, year)
        if origin in self.enterprises:  # a firm's own project: no longer pending
            self.enterprises[origin].pending.pop(item.id, None)
        name = item.id or item.kind
        self.record.purchases.extend(project_purchases(year, hour, name, added, self.unit_terms))
        self.record.events.append(
            {
                "year": year,
                "hour": hour,
                "time": hour_timestamp(year, now - index * HOURS_PER_YEAR) if index < len(self.years) else "",
                "kind": item.kind,
                "id": name,
                "decided_hour": float(decided),
                "detail": detail,
                "origin": origin,
            }
        )

    # -- symbiosis exchanges and resource accounts -------------------------------------------------
    def _exchange_context(self, index: int, year: int) -> ExchangeContext | None:
        """What the exchanges decide on this year: the carbon price and last year's fuel of the receivers
        of the exchanges not decided yet (only those read it, ``ExchangeAgent.usable``); None without exchanges."""
        if not self.exchange_agents:
            return None
        carbon = float(self.carbon_price_cny_per_tco2[index]) if self.scenario.policy.carbon_price_in_decisions else 0.0
        undecided = dict.fromkeys(agent.spec.receiver for agent in self.exchange_agents if agent.decided_year is None)  # in park-file order
        fuel = {receiver: firm.last_quantities()
                for receiver in undecided if (firm := self.enterprises.get(receiver)) is not None}
        return ExchangeContext(year, carbon, fuel)

    def _start_exchanges(self, year: int) -> None:
        """Exchanges decided this year (both sides gain) become SimPy projects, in park-file order."""
        for agent in self.exchange_agents:
            if agent.decided_year == year and agent.commissioned_hour is None:
                self.env.process(self._exchange_project(agent))

    def _exchange_project(self, agent: ExchangeAgent):
        """Pipes, pumps or handling take the exchange's lead time; it delivers from commissioning."""
        decided = self.env.now
        spec = agent.spec
        yield self.env.timeout(spec.lead_time_days * 24.0)
        agent.commissioned_hour = float(self.env.now)
        index = int(self.env.now // HOURS_PER_YEAR)
        year = self.scenario.base_year + index
        hour = float(self.env.now - index * HOURS_PER_YEAR)
        if spec.capex_cny > 0 or spec.opex_cny_per_yr > 0:
            owner = spec.supplier if agent.in_park("supplier") else spec.receiver
            self.record.purchases.append(stated_purchase(year, hour, spec.id, owner, "symbiosis_exchange", spec.quantity,
                                                         agent.exchange.unit, spec.capex_cny, spec.opex_cny_per_yr, spec.lifetime_yr))
        npv = agent.last_npv
        self.record.events.append({
            "year": year, "hour": hour,
            "time": hour_timestamp(year, hour) if index < len(self.years) else "",
            "kind": "symbiosis_exchange", "id": spec.id, "decided_hour": float(decided),
            "detail": (f"{spec.kind} {spec.quantity:,.0f} {agent.exchange.unit} {spec.supplier} → {spec.receiver}; "
                       f"NPV receiver {npv['receiver_npv_cny'] / 1e6:,.2f} M CNY, supplier {npv['supplier_npv_cny'] / 1e6:,.2f} M CNY"),
            "origin": "symbiosis",
        })

    def pdca(self, index: int, year: int, annual: dict) -> None:
        """Check the year on the glide path; act for next year where a rule says so (events with origin pdca)."""
        act = index + 1 < len(self.years)
        checks, items, actions = self.operator.pdca(year, annual, self.record.annual[0], self.scenario, act=act)
        self.record.reviews.extend(checks + actions)
        for item in items:
            self.env.process(self._project(item, origin="pdca"))
        for row in actions:
            if row["action"] == "park_subsidy_fund":
                self.record.events.append({
                    "year": year + 1, "hour": 0.0, "time": f"{year + 1}-01-01T00:00", "kind": "park_subsidy_fund",
                    "id": f"{row['rule']}_{year + 1}", "decided_hour": float(self.env.now), "detail": row["detail"],
                    "origin": "pdca",
                })

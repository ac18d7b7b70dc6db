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
from pathlib import Path

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
from parktwin.accounting.resource_firms import firm_totals
from parktwin.accounting.resources import INDICATOR_COLUMNS as RESOURCE_ANNUAL_COLUMNS, ExchangeFlows, firm_resources, min_coverage_share, year_resources
from parktwin.agents.building import BuildingAgent, building_indicators
from parktwin.agents.enterprise import EnterpriseAgent, _band_cops
from parktwin.agents.exchange import ExchangeAgent, ExchangeContext, YearOfExchanges, apply_exchanges
from parktwin.agents.fleet import FleetAgent, fleet_indicators
from parktwin.agents.operator import OperatorAgent
from parktwin.agents.decisions import DECISION_CONSTANTS
from parktwin.agents.resources import YearOfMeasures, apply_resource_measures
from parktwin.agents.population import active_share, built_to_standard, draw_entrants, draw_exits, growth_rate
from parktwin.data import constant, grid_factor_path, interpolate_path, overriding
from parktwin.economics.carbon import bank_allowances, benchmark_tco2_per_mcny, carbon_positions, marginal_price_cny_per_tco2
from parktwin.economics.cashflows import Party, money_tables
from parktwin.economics.catalogue import price_cny
from parktwin.economics.asset_abatement import operator_measures
from parktwin.economics.levelised import HeatInputs, levelised_costs
from parktwin.economics.costs import (
    Purchase, fixed_om_in_year, fuel_cost_cny, purchase, renewals_in_year, residual_value_cny, retire, stated_purchase,
    value_left_cny,
)
from parktwin.kernel.carriers import carrier_year
from parktwin.kernel.failure import year_stage
from parktwin.energy.calendar import HOURS_PER_YEAR, hour_timestamp, year_calendar
from parktwin.energy.dispatch import BatteryParams, DispatchResult, dispatch_rule_based
from parktwin.energy.optimal import dispatch_cost_cny, dispatch_optimal
from parktwin.energy.loads import LoadBook, profile, register_measured
from parktwin.energy.measured import measured_pv_kw_per_kwp
from parktwin.energy.solar import PvSystem, Site, Weather, pv_output_kw_per_kwp, weather_years
from parktwin.energy.weather_files import read_weather_file, site_from_location, weather_from_file
from parktwin.energy.wind import load_power_curve, wind_output_kw_per_kw, wind_speed_years
from parktwin.energy.tariff import electricity_bill_cny, hourly_tariff
from parktwin.spec.scenario import Scenario
from parktwin.spec.series import entries as series_entries
from parktwin.spec.series import quality_row
from parktwin.spec.series import read as read_series

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
    resources: list[dict] = field(default_factory=list)  # accounting.resources.RESOURCE_COLUMNS per year
    exchanges: list[tuple] = field(default_factory=list)  # agents.exchange.EXCHANGE_COLUMNS per exchange and year
    carbon: list[tuple] = field(default_factory=list)  # (year, entity, sector, covered, scope1, allocation, value added, payment)
    measures: list[tuple] = field(default_factory=list)  # firms' own measures as decided (results.tables.MEASURE_COLUMNS)
    money: dict = field(default_factory=dict)  # economics.cashflows.MoneyTables fields, built at the run's end
    wall_time_s: float = 0.0
    data_quality: list[dict] = field(default_factory=list)  # one row per measured series (spec.series)
    measured: object = None  # the park's measured base-year totals (spec.calibration.Measured), reconciled in the results
    base_firm_totals: dict = field(default_factory=dict)  # entity → accounting.resource_firms.FirmTotals of the base year


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
        with year_stage(lambda: (None, "while setting the run up (weather, loads, agents)")):
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
    fund: object = None  # the PDCA park subsidy fund (agents.pdca.SubsidyFund), if one has been opened
    carbon_kind: str = "tax"  # the scenario's carbon policy (economics/carbon.py)
    covered: frozenset = frozenset()  # firms the ETS covered last year
    grid_factor_kgco2_per_kwh: float = 0.0  # the year's location-based grid factor (for the MACC's tonnes)
    _prices: dict = field(default_factory=dict)

    def subsidy_share(self) -> dict:
        """Capex share paid by others per measure: the policy's, then the fund's on the rest while it has money."""
        shares = dict(self.policy.capex_subsidy_share)
        if self.fund is not None:
            for measure in self.fund.measures:
                f = self.fund.share_for(measure)
                if f > 0:
                    shares[measure] = 1.0 - (1.0 - shares.get(measure, 0.0)) * (1.0 - f)
        return shares

    def claim(self, firm: str, project: str, option) -> float:
        """The fund pays its share of an adopted option's capex (``option.capex_cny`` is the firm's part) [CNY]."""
        f = self.fund.share_for(option.measure) if self.fund is not None else 0.0
        if f <= 0:
            return 0.0
        return self.fund.claim(self.year, firm, project, option.measure, option.capex_cny / (1.0 - f))

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
        weather_seed, agent_seed, outage_seed, wind_seed, population_seed, fleet_seed = seeds.spawn(6)
        super().__init__(rng=np.random.default_rng(agent_seed))
        self.scenario = scenario
        self.seed_value = seed
        self.env = simpy.Environment()
        park = scenario.park
        self.years = scenario.years
        self.record = RunRecord(measured=park.measured)

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
        self._decisions_on = scenario.decisions.enabled or bool(scenario.policy.mandates)
        if self._decisions_on:
            for firm in self.enterprises.values():  # in park order: traits depend on the seed only
                firm.draw_traits(self.rng, scenario.decisions)

        site, system = site_of(scenario)
        weather = park_weather(scenario, site, len(self.years), np.random.default_rng(weather_seed))
        self.pv_kw_per_kwp = pv_output_kw_per_kwp(site, system, weather)
        self.temp_air_c = weather.temp_air_c
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
        self._sector_benchmarks: dict[str, float] = {}  # sector → ETS benchmark [tCO₂/M CNY], read once
        self._ets_bank: dict[str, float] = {}  # firm → ETS allowances banked for later years [tCO₂] (policy.carbon.banking)
        self._covered: frozenset = frozenset()
        self.removals_tco2 = green_space_removals_tco2(park.green_space.area_ha, park.green_space.crown_cover_share)
        self.battery_params = BatteryParams(**scenario.ems.battery.model_dump())  # the same fields
        self._soc_kwh = 0.0
        self._grid_projects: list[simpy.Process] = []
        self._outage_rng = np.random.default_rng(outage_seed)
        self._outages: list[tuple[float, float]] = []  # (start, end) global hours
        pop = scenario.population
        self._population_on = bool(pop.entrants or pop.exits or pop.entry is not None or pop.exit_hazard_per_yr > 0)
        self._population_rng = np.random.default_rng(population_seed)
        self._exit_value_cny: dict[int, float] = {}  # exit year → value left in the leavers' capacity
        # symbiosis: one agent per candidate exchange of the park file (none: the agent set is unchanged)
        self.exchange_agents = [ExchangeAgent(self, x) for x in park.exchanges]
        self.exchange_context: ExchangeContext | None = None
        self._min_coverage_share = min_coverage_share()  # data/resources.csv, read once

    def _use_measured_series(self) -> None:
        """Measured series replace the base year's hourly shapes (and the PV output) of the
        entities that name one; each series and every fill it needed are reported (data_quality
        table, data_fill events). See docs/own-data.md §5."""
        park = self.scenario.park
        agents = {"enterprise": self.enterprises, "building": self.buildings, "fleet": self.fleets}
        self._measured_shapes: dict[str, str] = {}  # entity → its registered shape (hourly output)
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
                self._measured_shapes[entry.entity] = shape

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
            self._finish_money()
        self.record.wall_time_s = time.perf_counter() - start
        return self.record

    def _finish_money(self) -> None:
        self.record.money = money_tables(self.record.purchases, self.record.energy, self.record.annual, self.record.carbon,
                                         self._parties(), self.scenario.policy.capex_subsidy_share)
        self.record.money["levelised"] = self._levelised()
        self.record.measures.extend(self._operator_measures())
        private = self.record.money["cashflows"].groupby("year")[["net_cost_cny", "pv_cny"]].sum()
        for row in self.record.annual:  # the private view beside the system cost, so batches see both
            row["private_cost_cny"] = float(private["net_cost_cny"].get(row["year"], 0.0))
            row["private_pv_cny"] = float(private["pv_cny"].get(row["year"], 0.0))

    def _levelised(self):
        """The run's levelised costs of electricity, heat and storage (economics.levelised)."""
        sc = self.scenario
        a = self.record.annual
        columns = ("year", "pv_generation_mwh", "pv_kwp", "wind_generation_mwh", "wind_kw", "battery_cycles", "battery_usable_kwh",
                   "battery_kwh", "thermal_store_in_mwh", "thermal_store_loss_mwh", "thermal_store_kwh")
        annual = {c: [row.get(c, 0.0) for row in a] for c in columns}
        heat = HeatInputs(constant("heat_full_load_hours"), _band_cops()[0], _band_cops()[1], constant("electric_boiler_efficiency"),
                          constant("gas_boiler_efficiency"), constant("natural_gas_ncv_gj_per_km3"))
        battery = sc.ems.battery
        return levelised_costs(annual, self.record.purchases, sc.finance.social_discount_rate,
                               lambda y: price_cny("electricity_industrial_average", y),  # CNY/kWh, the screening price
                               lambda y: price_cny("natural_gas", y), heat,  # CNY/m³
                               battery.charge_efficiency * battery.discharge_efficiency)

    def _operator_measures(self) -> list[tuple]:
        """The operator's projects (and the roadmap's capture) as rows of ``measures`` for the MACC
        (economics.asset_abatement); no effect on the run."""
        columns = ("year", "grid_factor_kgco2_per_kwh", "pv_generation_mwh", "pv_kwp", "wind_generation_mwh", "wind_kw",
                   "heat_low_waste_heat_mwh", "heat_medium_waste_heat_mwh", "heat_high_waste_heat_mwh", "captured_tco2",
                   "green_power_mwh", "certificate_cost_cny")
        annual = {c: [row.get(c, 0.0) for row in self.record.annual] for c in columns}
        names = ("gas_boiler_efficiency", "natural_gas_ncv_gj_per_km3", "natural_gas_kgco2_per_km3", "electric_boiler_efficiency",
                 "ccus_electricity_mwh_per_tco2", "ccus_heat_mwh_per_tco2")
        return operator_measures(annual, self.record.purchases, lambda y: price_cny("electricity_industrial_average", y),
                                 lambda y: price_cny("natural_gas", y), {n: constant(n) for n in names})

    def _annual_cycle(self):
        for index, year in enumerate(self.years):
            year_start = index * HOURS_PER_YEAR
            self.in_progress = (year, "while the year's decisions were taken and its projects commissioned")
            if index > 0:
                if self._decisions_on:
                    self.decision_context = self._decision_context(year)
                leaving = self._leavers(year) if self._population_on else []
                self.exchange_context = self._exchange_context(index, year)
                self.agents.shuffle_do("step")
                self._start_exchanges(year)
                for firm in self.enterprises.values():
                    for item in firm.decided:
                        self.env.process(self._project(item, origin=firm.entity_id))
                last = self.record.annual[-1]
                pending = any(not p.triggered for p in self._grid_projects)
                for item in self.operator.decide(year, self.scenario.operator, last, pending):
                    self._grid_projects.append(self.env.process(self._project(item, origin="operator")))
                for position, item in enumerate(self.scenario.roadmap):
                    if item.year == year and position not in self.operator.advanced:  # not brought forward by the PDCA
                        if item.kind in FIRM_MEASURE_KINDS:
                            self._cost_roadmap_measure(item, year)
                        self.env.process(self._project(item))
                if self._population_on:
                    self._entrants(year, year_start)
                    leaving += [(e.id, e.day) for e in self.scenario.population.exits
                                if e.year == year and e.id in self.enterprises and (e.id, e.day) not in leaving]
                    for firm_id, day in leaving:
                        self.env.process(self._exit(self.enterprises[firm_id], year_start + day * 24.0))
            yield self.env.timeout(HOURS_PER_YEAR)
            self.in_progress = (year, "in the year's operations (loads, heat, dispatch, accounting, review)")
            self._operate(index, year, year_start)

    # -- firms enter and leave (agents.population) --------------------------------------------------
    def _leavers(self, year: int) -> list[tuple[str, float]]:
        """Drop the firms that left before this year; pick this year's leavers among those still here
        (listed or by the seeded hazard) and take them out of the deciding agents at once."""
        for firm_id in [i for i, f in self.enterprises.items() if getattr(f, "left", False)]:
            if not getattr(self.enterprises[firm_id], "removed", False):
                self.enterprises[firm_id].remove()
            del self.enterprises[firm_id]
        pop = self.scenario.population
        here = list(self.enterprises)
        listed = [(e.id, e.day) for e in pop.exits if e.year == year and e.id in here]
        drawn = draw_exits(self._population_rng, here, pop.exit_hazard_per_yr) if pop.exit_hazard_per_yr > 0 else []
        leaving = listed + [(i, d) for i, d in drawn if i not in {x for x, _ in listed}]
        for firm_id, _ in leaving:
            self.enterprises[firm_id].remove()  # a firm that leaves this year starts nothing more
            self.enterprises[firm_id].removed = True
        return leaving

    def _entrants(self, year: int, year_start: int) -> None:
        """This year's entrants (listed, then drawn), built to the new-firm standards, in the park from their entry hour."""
        sc = self.scenario
        pop = sc.population
        arrivals = [(e.day, e.enterprise) for e in pop.entrants if e.year == year]
        if pop.entry is not None and year >= (pop.entry.from_year or self.years[1]):
            arrivals += draw_entrants(self._population_rng, year, pop.entry, list(sc.park.enterprises))
        growth = sc.growth
        for day, spec in arrivals:
            spec, electric, notes = built_to_standard(spec, year, sc.policy)
            firm = EnterpriseAgent(self, spec, growth_rate(growth, spec), growth.intensity_decline_share_per_yr)
            if self._decisions_on:
                firm.draw_traits(self._population_rng, sc.decisions)
            hour = year_start + day * 24.0
            if hour > year_start:
                firm.commission(year_start, "leave", None, "not yet in the park")
            self.enterprises[spec.id] = firm
            self.operator.roof_area_m2[spec.id] = spec.roof_area_m2
            self.operator.roof_used_share[spec.id] = 0.0
            self.env.process(self._entry(firm, hour, electric, notes))

    def _entry(self, firm, hour: float, electric_share: float, notes: list[str]):
        yield self.env.timeout(hour - self.env.now)
        now = self.env.now
        index = int(now // HOURS_PER_YEAR)
        year, in_year = self.scenario.base_year + index, float(now - index * HOURS_PER_YEAR)
        firm.commission(now, "enter", None, "entry")
        if electric_share > 0:
            firm.commission(now, "electric_boiler", (electric_share, False), "mandate in force at entry")
        std, spec = self.scenario.policy.new_firms, firm.spec
        if std.rooftop_pv_roof_share > 0 and spec.roof_area_m2 > 0 and (std.from_year is None or year >= std.from_year):
            kwp = std.rooftop_pv_roof_share * spec.roof_area_m2 * self.scenario.park.pv_design.kwp_per_roof_m2
            self.operator.roof_used_share[spec.id] = std.rooftop_pv_roof_share
            self.operator.commission(now, "pv", kwp, f"{spec.id}_pv")
            self.record.purchases.append(purchase(year, in_year, f"{spec.id}_pv", "operator", "rooftop_pv", kwp))
            notes = notes + [f"rooftop PV {kwp:,.0f} kWp on its roof"]
        self.record.events.append({
            "year": year, "hour": in_year, "time": hour_timestamp(year, in_year), "kind": "firm_entry", "id": spec.id,
            "decided_hour": float(index * HOURS_PER_YEAR), "origin": "population",
            "detail": f"{spec.name} ({spec.sector}, {spec.value_added_mcny:,.0f} M CNY value added) enters"
                      + (f"; {'; '.join(notes)}" if notes else ""),
        })

    def _exit(self, firm, hour: float):
        """The firm's loads and emissions stop at ``hour``; its capacity leaves with it at its value left."""
        yield self.env.timeout(max(0.0, hour - self.env.now))
        now = self.env.now
        index = int(now // HOURS_PER_YEAR)
        year, in_year = self.scenario.base_year + index, float(now - index * HOURS_PER_YEAR)
        firm.commission(now, "leave", None, "exit")
        firm.left = True
        at = year + in_year / HOURS_PER_YEAR
        value = 0.0
        for i, p in enumerate(self.record.purchases):
            if p.entity == firm.entity_id and p.retired_at is None:
                value += value_left_cny(p, at)
                self.record.purchases[i] = retire(p, at)
        self._exit_value_cny[year] = self._exit_value_cny.get(year, 0.0) + value
        self.record.events.append({
            "year": year, "hour": in_year, "time": hour_timestamp(year, in_year), "kind": "firm_exit", "id": firm.entity_id,
            "decided_hour": float(index * HOURS_PER_YEAR), "origin": "population",
            "detail": f"{firm.spec.name} leaves the park; its capacity leaves with {value:,.0f} CNY of value left",
        })

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
                               {s: float(np.mean(v)) for s, v in by_sector.items()},
                               fund=next(iter(self.operator.funds.values()), None), carbon_kind=sc.policy.carbon.kind,
                               covered=self._covered, grid_factor_kgco2_per_kwh=float(self.grid_factor_kgco2_per_kwh[year - sc.base_year]))

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
        firms = list(self.enterprises.values())  # the firms in the park this year (entrants in, earlier leavers out)
        ids = [f.entity_id for f in firms]
        sectors = [f.spec.sector for f in firms]
        position = {fid: i for i, fid in enumerate(ids)}
        scope1 = np.zeros(len(ids))
        for row in emissions:  # (year, entity, kind, scope, method, source, ..., emissions_tco2)
            if row[2] == "enterprise" and (row[3] == "1" or (row[3] == "removal" and row[5] == "ccus")) and row[1] in position:
                scope1[position[row[1]]] += row[11]
        for sector in set(sectors) - set(self._sector_benchmarks):
            self._sector_benchmarks[sector] = benchmark_tco2_per_mcny(sector)
        benchmarks = np.array([self._sector_benchmarks[x] for x in sectors])
        in_ets = np.array([carbon.ets_sectors == "all" or x in carbon.ets_sectors for x in sectors], dtype=bool)
        value_added = np.array([f.value_added_mcny for f in firms])
        price = float(self.carbon_charge_cny_per_tco2[index])
        pos = carbon_positions(carbon.kind, scope1, value_added, benchmarks, price, carbon.ets_threshold_tco2_per_yr,
                               in_ets, float(self.allocation_scale[index]))
        payment, bank = pos.payment_cny, np.zeros(len(ids))
        if carbon.kind == "ets" and carbon.banking:  # unused allowances carried to later years (leavers' banks lapse)
            banked = bank_allowances(pos.covered, scope1, pos.allocation_tco2, price,
                                     [self._ets_bank.get(f, 0.0) for f in ids], carbon.banking_cap_share)
            payment, bank = banked.payment_cny, banked.bank_tco2
            self._ets_bank = dict(zip(ids, bank.tolist()))
        self.record.carbon.extend(zip([year] * len(scope1), ids, sectors, pos.covered.tolist(), scope1.tolist(),
                                      pos.allocation_tco2.tolist(), value_added.tolist(), bank.tolist(), payment.tolist()))
        self._covered = frozenset(f for f, c in zip(ids, pos.covered) if c)
        return float(payment.sum())

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

    # -- symbiosis exchanges and resource accounts -------------------------------------------------
    def _exchange_context(self, index: int, year: int) -> ExchangeContext | None:
        if not self.exchange_agents:
            return None
        carbon = float(self.carbon_price_cny_per_tco2[index]) if self.scenario.policy.carbon_price_in_decisions else 0.0
        fuel = {firm.entity_id: {r.carrier: r.quantity for r in firm.last_rows} for firm in self.enterprises.values()}
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

    def _exchanges_year(self, year: int, year_start: int, rows: list, book: LoadBook) -> YearOfExchanges:
        if not self.exchange_agents:
            return YearOfExchanges(rows, ExchangeFlows(), [])
        kinds = {firm_id: "enterprise" for firm_id in self.enterprises}
        activity = {firm_id: firm.activity for firm_id, firm in self.enterprises.items()}
        done = apply_exchanges(self.exchange_agents, year, year_start, rows, book, kinds, activity)
        self.record.exchanges.extend(done.table)
        return done

    def _resources_year(self, year: int, done: YearOfExchanges, measures: YearOfMeasures) -> dict[str, float]:
        """The year's water, solid-waste and waste-heat accounts; returns the indicator columns for ``annual``."""
        park = self.scenario.park
        firms = [measures.firms.get(a.spec.id) or firm_resources(a.spec.id, a.value_added_mcny, a.activity, a.spec.water,
                                                                 a.spec.solid_waste, a.spec.waste_heat)
                 for a in self.enterprises.values()]  # the firms in the park this year: entrants in, earlier leavers out
        values = year_resources(year, firms, done.flows, min_coverage_share=self._min_coverage_share,
                                exchanges_listed=bool(park.exchanges))
        self.record.resources.append(values)
        if year == self.years[0]:  # each firm's water and waste, for the reconciliation with measured totals
            self.record.base_firm_totals = firm_totals(firms, done.flows)
        return {k: values[k] for k in RESOURCE_ANNUAL_COLUMNS} | {
            "symbiosis_scope1_avoided_tco2": done.scope1_avoided_tco2,
            "symbiosis_scope3_avoided_tco2": done.scope3_avoided_tco2,
            "exchanges_running": done.running,
            "resource_measures_electricity_mwh": measures.electricity_mwh,
            "resource_measures_scope1_avoided_tco2": measures.scope1_avoided_tco2,
        }

    # -- one year's operations and accounting ---------------------------------------------------
    def _operate(self, index: int, year: int, year_start: int) -> None:
        sc = self.scenario
        park = sc.park
        book = LoadBook(year)
        rows = []
        for agent in (*self.enterprises.values(), *self.buildings.values(), *self.fleets.values()):
            rows.extend(agent.year_energy(year, year_start, book))
        measures = apply_resource_measures(self.enterprises.values(), year, year_start, rows, book)
        exchanged = self._exchanges_year(year, year_start, measures.rows, book)
        rows = exchanged.rows
        demand_kw = book.hourly_kw()
        assets = self.operator.year_assets(year_start)
        pv_kw = assets.pv_kwp * self.pv_kw_per_kwp[index]
        wind_kw = assets.wind_kw * self.wind_kw_per_kw[index] if self.wind_kw_per_kw is not None else np.zeros(HOURS_PER_YEAR)
        period, price = hourly_tariff(park.grid.tariff, year)
        down = self._outage_mask(year_start)
        carriers = carrier_year(self, year, year_start, rows, demand_kw, pv_kw + wind_kw, period,  # heat and hydrogen first
                                np.where(down, 0.0, assets.import_limit_kw))
        rows = carriers.rows
        if carriers.demand_delta_kw.any():
            demand_kw = np.maximum(demand_kw + carriers.demand_delta_kw, 0.0)
        onsite_kw = pv_kw + wind_kw + carriers.generation_kw  # with CHP and fuel-cell output
        # in an outage the grid neither imports nor exports; non-critical load is shed
        shed_kw = np.where(down, demand_kw * (1.0 - sc.outages.critical_load_share), 0.0)
        load_kw = demand_kw - shed_kw
        import_limit = np.where(down, 0.0, assets.import_limit_kw)
        export_limit = np.where(down, 0.0, park.grid.export_limit_kw)
        result = dispatch_rule_based(
            load_kw, onsite_kw, period, assets.battery_kwh, assets.battery_kw, self.battery_params,
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
                load_kw, onsite_kw, price, assets.battery_kwh, assets.battery_kw, self.battery_params,
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
        in_park = (lambda a: active_share(a.changes, year_start)) if self._population_on else (lambda a: 1.0)
        value_added = sum(a.value_added_mcny * in_park(a) for a in self.enterprises.values())
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
            "green_power_share": assets.end.effective_green_share,
            **building_indicators(self.buildings.values()),
            **fleet_indicators(self.fleets.values(), sc.fleets, year),
            "grid_factor_kgco2_per_kwh": factor,
            "carbon_price_cny_per_tco2": float(self.carbon_price_cny_per_tco2[index]),
            **bill,
            "offsets_cost_cny": summary["offsets_tco2"] * (
                offsets.price_cny_per_tco2 if offsets.price_cny_per_tco2 is not None else price_cny("ccer", year)),
            "exit_residual_value_cny": self._exit_value_cny.get(year, 0.0),  # credited: capacity that left with its firm
            "subsidy_fund_paid_cny": sum(f.paid_in_year(year) for f in self.operator.funds.values()),  # a transfer
            "ems_saving_cny": ems_saving,
            **costs,
            **carriers.annual,
            "carbon_cost_cny": summary["scope1_tco2"] * float(self.carbon_price_cny_per_tco2[index]),
            "carbon_payment_cny": self._carbon_year(index, year, emissions),
        }
        rate = sc.finance.social_discount_rate
        annual["discount_factor"] = (1.0 + rate) ** -index
        last = index == len(self.years) - 1
        annual["residual_value_cny"] = residual_value_cny(self.record.purchases, year) if last else 0.0
        annual["system_cost_cny"] = (
            costs["capex_cny"] + costs["fixed_om_cny"] + bill["electricity_cost_cny"] + costs["fuel_cost_cny"]
            + costs["certificate_cost_cny"] + annual["offsets_cost_cny"] - annual["exit_residual_value_cny"]
        )
        annual["core_met"] = bool(annual["core_indicator_tco2_per_tce"] <= annual["core_threshold_tco2_per_tce"])
        annual.update(self._resources_year(year, exchanged, measures))
        self.record.annual.append(annual)
        self.record.emissions.extend(emissions)
        self.record.energy.extend(energy)
        if index > 0 and sc.operator.escalation:
            self._pdca(index, year, annual)
        elif index > 0:
            self.record.reviews.extend(self.operator.review(year, annual, sc.review_targets.get(year)))
        if year in sc.outputs.hourly_years:
            self.record.hourly[year] = self._hourly_arrays(result, price, period)
            self.record.hourly[year]["import_limit_kw"] = np.where(down, 0.0, assets.import_limit_kw)
            self.record.hourly[year]["shed_kw"] = shed_kw
            self.record.hourly[year]["pv_kw"] = pv_kw
            self.record.hourly[year]["wind_kw"] = wind_kw
            for entity, shape in self._measured_shapes.items():  # a metered entity's own demand
                self.record.hourly[year][f"measured_{entity}_kw"] = book.shape_kw(shape)
            self.record.hourly[year].update(carriers.hourly)

    def _pdca(self, index: int, year: int, annual: dict) -> None:
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

    @staticmethod
    def _hourly_arrays(result: DispatchResult, price: np.ndarray, period: np.ndarray) -> dict[str, np.ndarray]:
        out = {column: np.asarray(getattr(result, name), dtype=float) for name, column in HOURLY_FIELDS.items()}
        out["price_cny_per_kwh"] = np.asarray(price, dtype=float)
        out["period"] = np.asarray(period, dtype=np.int8)
        return out

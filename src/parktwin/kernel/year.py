"""A year's operation as a pipeline of named stages.

When the SimPy clock has run a year, ``run_year`` calls each stage of ``YEAR_STAGES`` in order
with the model and the year's ``YearState``; what a stage returns is stored on the state under
the stage's name (a field below, or ``extra`` for a stage a modeller inserts), so later stages
read earlier ones' outputs by name:

    loads → resource_measures → exchanges → site → heat_plan → heat → cold → hydrogen → carriers
          → electricity → accounting → money → resources → annual → review

- ``loads``: every agent's energy rows and hourly load (``LoadBook``) from its commissioned state;
- ``resource_measures``, ``exchanges``: the firms' water/waste/waste-heat measures and the park's
  symbiosis exchanges change the rows and the load;
- ``site``: the year's on-site renewables, tariff, grid assets and outage hours, and the operator's
  direct air capture (its tonnes removed; its electricity joins the demand);
- ``heat_plan``: the firms' heat by band and hour from their commissioned states, and the year's
  heat, cold and hydrogen assets (kernel/carriers.py);
- ``heat``: waste heat, CHP and the heat stores (each in its band) take over part of the plan;
- ``cold``: the cold store moves the buildings' chiller electricity out of peak hours;
- ``hydrogen``: electrolysers, the tank and the fuel cell make the firms' hydrogen;
- ``carriers``: the rows, load and generation the three changed, with their annual and hourly
  columns — all before the electricity;
- ``electricity``: the EMS dispatch (rules, or the LP) and the batteries' ageing;
- ``accounting``: the electricity supply and the year's emissions and energy inventory;
- ``money``: the electricity bill, renewals, capex, O&M, fuel, certificates, offsets, carbon payments;
- ``resources``: the year's water, solid-waste and waste-heat accounts;
- ``annual``: the year's row of the ``annual`` table, assembled from the stages' outputs;
- ``review``: the operator's review (or PDCA) and the hourly output.

A stage is a function ``(model, state) -> output``; to add one, insert ``Stage(name, function)``
into ``model.stages`` (docs/extending.md). The numbers of a year depend only on the stages' order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress
from typing import Callable

import numpy as np

from parktwin.accounting.inventory import ElectricitySupply, InventoryReads, account_year, certified_kwh, core_threshold_tco2_per_tce, grid_nonfossil_share
from parktwin.accounting.phases import phase_of
from parktwin.accounting.resource_firms import firm_totals
from parktwin.accounting.resources import INDICATOR_COLUMNS as RESOURCE_ANNUAL_COLUMNS, ExchangeFlows, year_resources
from parktwin.agents.base import same_agents
from parktwin.agents.building import buildings_year_energy
from parktwin.agents.exchange import YearOfExchanges, apply_exchanges
from parktwin.agents.fleet import fleet_indicators, fleets_year_energy
from parktwin.agents.population import active_share
from parktwin.agents.resources import YearOfMeasures, apply_resource_measures
from parktwin.economics.carbon import bank_allowances, benchmark_tco2_per_mcny, carbon_positions
from parktwin.economics.cashflows import CarbonYear
from parktwin.economics.catalogue import price_cny
from parktwin.economics.costs import fuel_cost_cny, purchase, residual_value_cny
from parktwin.energy.calendar import HOURS_PER_YEAR, year_calendar
from parktwin.energy.dispatch import DispatchResult, dispatch_rule_based, flow_total_kwh, pv_to_load_kwh, total_kwh
from parktwin.energy.dispatch_inputs import (changed_kw, holds_only_zeros, is_constant_hours, no_outage_hours, outage_mask, output_kw,
                                             zeros_read_only)
from parktwin.energy.loads import LoadBook
from parktwin.energy.optimal import dispatch_cost_cny, dispatch_optimal
from parktwin.energy.tariff import electricity_bill_cny, hourly_tariff, monthly_peak_kw, net_load_ceiling_kw
from parktwin.energy.cold import ColdResult
from parktwin.energy.heat import HeatResult
from parktwin.energy.hydrogen import HydrogenResult
from parktwin.kernel.products import firm_product_allocations, products_year
from parktwin.kernel.carriers import UNITS, CarrierWork, CarrierYear, add_to_rows, close_year, cold_year, heat_plan_year, heat_year, hydrogen_year
from parktwin.technologies.direct_air_capture import DacYear, dac_year

HOURLY_FIELDS = {  # dispatch result field → hourly table column; the dispatch's "pv" is all on-site generation
    "load_kw": "load_kw", "pv_kw": "renewable_kw", "pv_to_load_kw": "renewable_to_load_kw",
    "pv_to_battery_kw": "renewable_to_battery_kw", "grid_to_load_kw": "grid_to_load_kw",
    "grid_to_battery_kw": "grid_to_battery_kw", "battery_to_load_kw": "battery_to_load_kw", "export_kw": "export_kw",
    "curtailed_kw": "curtailed_kw", "unserved_kw": "unserved_kw", "soc_kwh": "soc_kwh",
}


@dataclass
class Loads:
    """The agents' energy rows and hourly electricity load of the year, before any measure or exchange."""

    rows: list
    book: LoadBook


@dataclass
class Site:
    """The year's electricity side before the dispatch."""

    demand_kw: np.ndarray  # the load book's hourly electricity demand after measures and exchanges, with direct air capture [kW]
    assets: object  # agents.operator.YearAssets: hourly capacities of the operator's electricity assets
    pv_kw_per_kwp: np.ndarray  # the year's PV output per kWp [kW/kWp]
    wind_kw: np.ndarray  # on-site wind output [kW]
    renewable_kw: np.ndarray  # on-site PV and wind, pv_kw + wind_kw (read by the heat plan and the dispatch) [kW]
    period: np.ndarray  # tariff period of each hour
    price: np.ndarray  # tariff [CNY/kWh]
    down: np.ndarray  # hours touched by a grid outage (bool)
    import_limit_kw: np.ndarray  # the connection's import limit, 0 in outages [kW]
    dac: DacYear  # the operator's direct air capture: tonnes removed and its electricity (in demand_kw)
    outage_hours: int = 0  # hours touched by a grid outage (Σ down)

    @cached_property
    def pv_kw(self) -> np.ndarray:
        """On-site PV output [kW]; without wind made only when read (the hourly output, a PV sum not the dispatch's)."""
        return output_kw(self.assets.pv_kwp, self.pv_kw_per_kwp)


@dataclass
class Electricity:
    """The EMS dispatch of the year."""

    demand_kw: np.ndarray  # demand after heat, cold and hydrogen [kW]
    shed_kw: np.ndarray  # non-critical load shed in outages [kW]
    result: DispatchResult
    ems_saving_cny: float  # optimal EMS: the rules' cost less the LP's
    discharged_kwh: float  # Σ result.battery_to_load_kw: the batteries' AC output of the year [kWh]
    outage_hours: int  # hours touched by a grid outage


@dataclass
class Accounts:
    """The year's electricity supply, emissions and energy inventory."""

    supply: ElectricitySupply
    emissions: list[tuple]
    energy: list[tuple]
    summary: dict
    grid_factor_kgco2_per_kwh: float
    reads: InventoryReads  # what later stages read: each firm's scope 1, the product firms' totals, the fuels' energy rows


@dataclass
class Money:
    """The year's money columns of ``annual`` (CNY)."""

    bill: dict
    costs: dict  # capex, fixed O&M, fuel, certificates
    offsets_cost_cny: float
    carbon_payment_cny: float
    peak_import_kw: float  # the year's highest hourly grid import: the highest of the bill's monthly peaks [kW]


@dataclass
class YearState:
    """One year's clock and the outputs of the stages run so far (by stage name)."""

    index: int
    year: int
    year_start: int  # global hour of 1 January
    loads: Loads | None = None
    resource_measures: YearOfMeasures | None = None
    exchanges: YearOfExchanges | None = None
    site: Site | None = None
    heat_plan: CarrierWork | None = None
    heat: HeatResult | None = None  # None in a year with nothing to dispatch and no hourly output
    cold: ColdResult | None = None
    hydrogen: HydrogenResult | None = None
    carriers: CarrierYear | None = None
    electricity: Electricity | None = None
    accounting: Accounts | None = None
    money: Money | None = None
    resources: dict | None = None  # indicator columns of the resource accounts
    products: dict | None = None  # product-energy indicator and CBAM columns (kernel.products)
    annual: dict | None = None
    review: None = None
    extra: dict = field(default_factory=dict)  # outputs of inserted stages, by name

    def put(self, name: str, output) -> None:
        if name in self.__dataclass_fields__ and name not in ("index", "year", "year_start", "extra"):
            setattr(self, name, output)
        else:
            self.extra[name] = output


@dataclass
class EtsState:
    """The carbon market's state carried between years."""

    benchmarks: dict = field(default_factory=dict)  # sector → ETS benchmark [tCO₂/M CNY], read once
    bank: dict = field(default_factory=dict)  # firm → allowances banked for later years [tCO₂] (policy.carbon.banking)
    covered: frozenset = frozenset()  # firms the ETS covered last year
    payments: dict = field(default_factory=dict)  # firm → carbon payment of the year [CNY] (the CBAM deduction reads it)
    roster: tuple = ()  # (the firms, their ids, sectors, ETS benchmarks, in the ETS's sectors) while they stay the same

    def roster_of(self, firms, ets_sectors) -> tuple:
        """``roster`` for ``firms`` (agents, park order; a view of them is read, not kept): rebuilt when the park's firms change."""
        if not (self.roster and same_agents(self.roster[0], firms)):
            firms = tuple(firms)
            ids = [f.entity_id for f in firms]
            sectors = [f.spec.sector for f in firms]
            for sector in set(sectors) - set(self.benchmarks):
                self.benchmarks[sector] = benchmark_tco2_per_mcny(sector)
            self.roster = (firms, ids, sectors, np.array([self.benchmarks[x] for x in sectors]),
                           np.array([ets_sectors == "all" or x in ets_sectors for x in sectors], dtype=bool))
        return self.roster


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable  # (model, YearState) -> output


# -- the stages ----------------------------------------------------------------------------------
def loads(model, y: YearState) -> Loads:
    book = LoadBook(y.year)
    rows = model.firm_energy.year_rows(model.enterprises.values(), y.year, y.year_start, book)  # the firms at once (agents.firm_energy)
    rows.extend(buildings_year_energy(model.buildings.values(), y.year, y.year_start, book))
    rows.extend(fleets_year_energy(model.fleets.values(), y.year, y.year_start, book))
    return Loads(rows, book)


def resource_measures(model, y: YearState) -> YearOfMeasures:
    return apply_resource_measures(model.enterprises.values(), y.year, y.year_start, y.loads.rows, y.loads.book, model.firm_roster,
                                   model.firm_energy.row_at)  # (the loads' rows begin with the firms')


def exchanges(model, y: YearState) -> YearOfExchanges:
    rows = y.resource_measures.rows
    if not model.exchange_agents:
        return YearOfExchanges(rows, ExchangeFlows(), [])
    firms = model.enterprises  # a new row's entity is a firm (``apply_exchanges``' default kind); only suppliers' activity is read
    activity = {s: firms[s].activity for s in {x.spec.supplier for x in model.exchange_agents} if s in firms}
    done = apply_exchanges(model.exchange_agents, y.year, y.year_start, rows, y.loads.book, {}, activity)
    model.record.exchanges.extend(done.table)
    return done


def site(model, y: YearState) -> Site:
    assets, no_kw = model.operator.year_assets(y.year_start), zeros_read_only((HOURS_PER_YEAR,))
    dac, demand_kw = DacYear(0.0, no_kw), y.loads.book.hourly_kw()  # (no direct air capture: no electricity)
    if not holds_only_zeros(assets.dac_tco2_per_yr):  # the operator's (technologies/direct_air_capture.py): its electricity in the demand
        dac, demand_kw = dac_year(assets.dac_tco2_per_yr, model.temp_air_c[y.index], demand_kw)
    per_kwp = model.pv_kw_per_kwp[y.index]
    pv_kw = output_kw(assets.pv_kwp, per_kwp)
    wind_kw = output_kw(assets.wind_kw, model.wind_kw_per_kw[y.index]) if model.wind_kw_per_kw is not None else no_kw
    # no wind: the PV + the shared +0.0 zeros, added in place (a −0.0 becomes +0.0, no other value changes; ``Site.pv_kw`` made if read)
    renewable_kw = np.add(pv_kw, 0.0, out=pv_kw) if wind_kw is no_kw else pv_kw + wind_kw
    period, price = hourly_tariff(model.scenario.park.grid.tariff, y.year)
    down = outage_mask(model.outages, y.year_start)
    outage_hours = 0 if down is no_outage_hours() else int(np.count_nonzero(down))
    import_limit_kw = np.where(down, 0.0, assets.import_limit_kw) if outage_hours else assets.import_limit_kw  # (read-only)
    site = Site(demand_kw, assets, per_kwp, wind_kw, renewable_kw, period, price, down, import_limit_kw, dac, outage_hours)
    if wind_kw is not no_kw:
        site.pv_kw = pv_kw  # the PV output made for the wind's sum is the cached property's value
    return site


def heat_plan(model, y: YearState) -> CarrierWork:
    s = y.site
    return heat_plan_year(model, model.carrier_state, y.year, y.year_start, y.exchanges.rows, s.demand_kw, s.renewable_kw, s.period,
                          s.import_limit_kw)


def heat(model, y: YearState) -> HeatResult | None:
    return None if y.heat_plan.quiet is not None else heat_year(model, model.carrier_state, y.heat_plan)


def cold(model, y: YearState) -> ColdResult | None:
    return None if y.heat_plan.quiet is not None else cold_year(model, model.carrier_state, y.heat_plan)


def hydrogen(model, y: YearState) -> HydrogenResult | None:
    return None if y.heat_plan.quiet is not None else hydrogen_year(model, model.carrier_state, y.heat_plan)


def carriers(model, y: YearState) -> CarrierYear:
    w = y.heat_plan
    return w.quiet if w.quiet is not None else close_year(model, w, y.heat, y.cold, y.hydrogen)


def electricity(model, y: YearState) -> Electricity:
    sc, s, carriers = model.scenario, y.site, y.carriers
    park, assets = sc.park, s.assets
    demand_kw = changed_kw(s.demand_kw, carriers.demand_delta_kw)  # (with the carriers' change, at least 0 every hour)
    no_kw = zeros_read_only((HOURS_PER_YEAR,))
    if s.wind_kw is no_kw and holds_only_zeros(carriers.generation_kw):  # no wind, no CHP or fuel-cell output: the renewables
        onsite_kw = s.renewable_kw  # (PV + the shared +0.0: no −0.0 in it, so adding ±0.0 would change no value)
    else:
        onsite_kw = s.renewable_kw + carriers.generation_kw  # with CHP and fuel-cell output
    # in an outage the grid neither imports nor exports; non-critical load is shed
    outage_hours = s.outage_hours
    if outage_hours:
        shed_kw = np.where(s.down, demand_kw * (1.0 - sc.outages.critical_load_share), 0.0)
        load_kw = demand_kw - shed_kw
        export_limit = np.where(s.down, 0.0, park.grid.export_limit_kw)
    else:  # no outage: nothing shed (demand − 0 is the demand), the export limit every hour
        shed_kw, load_kw, export_limit = zeros_read_only((HOURS_PER_YEAR,)), demand_kw, park.grid.export_limit_kw  # (read-only)
    import_limit = s.import_limit_kw
    month = year_calendar(y.year).month
    load_kw.setflags(write=False)  # read from here on: the dispatch echoes them, no copies
    onsite_kw.setflags(write=False)
    # valley charging stays under the month's highest net load: it never sets the month's peak (demand charge);
    # no battery, no charging: no ceiling to find
    ceiling_kw = net_load_ceiling_kw(load_kw, onsite_kw, month) if not holds_only_zeros(assets.battery_kwh) else np.inf
    result = dispatch_rule_based(
        load_kw, onsite_kw, s.period, assets.battery_kwh, assets.battery_kw, model.battery_params,
        import_limit_kw=import_limit, export_limit_kw=export_limit, soc_start_kwh=model.battery_soc_kwh,
        charge_ceiling_kw=ceiling_kw,
    )
    ems_saving = 0.0
    if sc.ems.strategy == "optimal":
        tariff = park.grid.tariff
        costing = dict(feed_in_price_cny_per_kwh=park.grid.feed_in_price_cny_per_kwh, month_of_hour=month,
                       demand_charge_cny_per_kw_month=tariff.demand_charge_cny_per_kw_month)
        rules = result
        result = dispatch_optimal(
            load_kw, onsite_kw, s.price, assets.battery_kwh, assets.battery_kw, model.battery_params,
            import_limit, export_limit, soc_start_kwh=model.battery_soc_kwh, soc_end_kwh=rules.final_soc_kwh,
            horizon_h=sc.ems.horizon_h, overlap_h=sc.ems.overlap_h if sc.ems.horizon_h else 0, **costing,
        )
        # the same cost function for both; the LP ends with at least the rules' final charge
        ems_saving = dispatch_cost_cny(rules, s.price, **costing)["objective_cny"] - dispatch_cost_cny(result, s.price, **costing)["objective_cny"]
    model.battery_soc_kwh = result.final_soc_kwh
    discharged_kwh = total_kwh(result.battery_to_load_kw)
    for unit in model.operator.age_batteries(discharged_kwh, y.year_start):
        if y.index + 1 < len(model.years):  # its new cells are bought at next year's price
            model.record.purchases.append(purchase(y.year + 1, 0.0, unit.id, "operator", "battery_energy", unit.energy_kwh,
                                                      renewal=True, terms=model.unit_terms))
        model.record.events.append({
            "year": y.year, "hour": float(HOURS_PER_YEAR), "time": f"{y.year + 1}-01-01T00:00", "kind": "battery_replacement",
            "id": unit.id, "decided_hour": float(y.year_start + HOURS_PER_YEAR),
            "detail": f"battery replaced at {unit.health:.0%} health after {unit.efc:,.0f} full cycles",
            "origin": "operator",
        })
    return Electricity(demand_kw, shed_kw, result, ems_saving, discharged_kwh, outage_hours)


def accounting(model, y: YearState) -> Accounts:
    sc, e = model.scenario, y.electricity
    result, demand_kw = e.result, e.demand_kw
    grid_kw = result.grid_import_kw
    grid_kwh, onsite_kwh = float(grid_kw.sum()), float(result.pv_kw.sum())
    supply = ElectricitySupply(
        demand_kwh=float(demand_kw.sum()),
        grid_import_kwh=grid_kwh,
        onsite_generation_kwh=onsite_kwh,
        onsite_used_kwh=pv_to_load_kwh(result, onsite_kwh) + flow_total_kwh(result, "pv_to_battery_kw"),
        export_kwh=flow_total_kwh(result, "export_kw"),  # (no pass over a flow the dispatch saw all zeros)
        curtailed_kwh=flow_total_kwh(result, "curtailed_kw"),
        unserved_kwh=flow_total_kwh(result, "unserved_kw"),
        green_kwh=green_kwh(model, grid_kw, y.site.assets, y.index, grid_kwh, result.import_in_range),
    )
    factor = float(model.grid_factor_kgco2_per_kwh[y.index])
    offsets = sc.offsets
    cap = offsets.max_share_of_gross if offsets.start_year is not None and y.year >= offsets.start_year else None
    dac = y.site.dac
    reads = InventoryReads(model.product_roster.of(list(model.enterprises.values())).ids_with_lines)
    emissions, energy, summary = account_year(
        y.year,
        with_operator_electricity(y.carriers.rows, dac.electricity_mwh),
        supply,
        grid_factor_kgco2_per_kwh=factor,
        grid_series=model.grid_series,
        grid_nonfossil_share=grid_nonfossil_share(factor, float(model.fossil_factor_kgco2_per_kwh[y.index])),
        electricity_method=sc.accounting.electricity_tce_method,
        removals_tco2=model.removals_tco2,
        offset_cap_share=cap,
        dac_removed_tco2=dac.removed_tco2,
        reads=reads,
        fuel_terms_kept=model.fuel_terms,
    )
    return Accounts(supply, emissions, energy, summary, factor, reads)


def money(model, y: YearState) -> Money:
    park, year, a = model.scenario.park, y.year, y.accounting
    purchases = model.record.purchases
    peaks_kw = monthly_peak_kw(y.electricity.result.grid_import_kw, year)  # (their highest is the year's: months are blocks of hours)
    bill = electricity_bill_cny(y.electricity.result.grid_import_kw, y.electricity.result.export_kw, y.site.price, park.grid.tariff,
                                park.grid.feed_in_price_cny_per_kwh, year, export_kwh=a.supply.export_kwh, peaks_kw=peaks_kw)
    purchases.extend(model.renewals.due(purchases, year))  # economics.costs.renewals_in_year, filed once per purchase
    costs = {
        "capex_cny": model.ledger.capex_cny(purchases, year),  # Σ capex of the year's purchases
        "fixed_om_cny": model.ledger.fixed_om_cny(purchases, year),  # economics.costs.fixed_om_in_year
        "fuel_cost_cny": fuel_cost_cny(a.reads.fuel_energy, year),  # (the energy rows of fuels: the others cost nothing here)
        "certificate_cost_cny": a.supply.green_kwh / 1000.0 * price_cny("green_certificate", year),
    }
    offsets = model.scenario.offsets
    offsets_cost = a.summary["offsets_tco2"] * (offsets.price_cny_per_tco2 if offsets.price_cny_per_tco2 is not None else price_cny("ccer", year))
    return Money(bill, costs, offsets_cost, carbon_year(model, y.index, year, a.reads.scope1_tco2, y.resource_measures.firms.value_added_mcny),
                 float(peaks_kw.max()))


def resources(model, y: YearState) -> dict[str, float]:
    """The year's water, solid-waste and waste-heat accounts; returns the indicator columns for ``annual``."""
    park, year, done, measures = model.scenario.park, y.year, y.exchanges, y.resource_measures
    firms = measures.firms  # the firms in the park this year (entrants in, earlier leavers out), as arrays
    values = year_resources(year, firms, done.flows, min_coverage_share=model.min_coverage_share,
                            exchanges_listed=bool(park.exchanges))
    model.record.resources.append(values)
    if year == model.years[0]:  # each firm's water and waste, for the reconciliation with measured totals
        model.record.base_firm_totals = firm_totals(firms.records(), done.flows)
    return {k: values[k] for k in RESOURCE_ANNUAL_COLUMNS} | {
        "symbiosis_scope1_avoided_tco2": done.scope1_avoided_tco2,
        "symbiosis_scope3_avoided_tco2": done.scope3_avoided_tco2,
        "exchanges_running": done.running,
        "resource_measures_electricity_mwh": measures.electricity_mwh,
        "resource_measures_scope1_avoided_tco2": measures.scope1_avoided_tco2,
    }


def products(model, y: YearState) -> dict[str, float]:
    """The year's product lines: unit energy against the limit grades, the grade-2 indicator and CBAM
    (kernel.products); returns their ``annual`` columns."""
    return products_year(model.enterprises.values(), model.record.products, y.year, y.year_start,
                         y.accounting.reads.totals, model.ets.payments, y.resource_measures.firms.value_added_mcny,
                         population_on=model.population_on,
                         min_coverage_share=model.min_coverage_share,
                         eu_price_eur_per_tco2=float(model.eu_price_eur_per_tco2[y.index]), base_year=model.scenario.base_year,
                         roster=model.product_roster)


def annual(model, y: YearState) -> dict:
    """The year's row of the ``annual`` table (results/tables.py), recorded with its emissions and energy rows."""
    sc, index, year = model.scenario, y.index, y.year
    s, e, a, m = y.site, y.electricity, y.accounting, y.money
    summary, supply, assets = a.summary, a.supply, s.assets
    phase = phase_of(index)
    value_added = park_value_added_mcny(model, y)
    row = {
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
        "pv_generation_mwh": pv_generation_kwh(s, e.result, supply) / 1000.0,
        "wind_generation_mwh": total_kwh(s.wind_kw) / 1000.0,
        "renewable_used_mwh": supply.onsite_used_kwh / 1000.0,
        "export_mwh": supply.export_kwh / 1000.0,
        "curtailed_mwh": supply.curtailed_kwh / 1000.0,
        "unserved_mwh": supply.unserved_kwh / 1000.0,
        "shed_mwh": total_kwh(e.shed_kw) / 1000.0,
        "dac_electricity_mwh": s.dac.electricity_mwh,
        "dac_tco2_per_yr": assets.end.dac_tco2_per_yr,
        "outage_hours": e.outage_hours,
        "peak_import_kw": m.peak_import_kw,
        "import_limit_kw": assets.end.import_limit_kw,
        "pv_kwp": assets.end.pv_kwp,
        "wind_kw": assets.end.wind_kw,
        "battery_kwh": assets.end.battery_kwh,
        "battery_usable_kwh": float(assets.battery_kwh[-1]),
        "battery_cycles": e.discharged_kwh / float(assets.battery_kwh[-1]) if assets.battery_kwh[-1] > 0 else 0.0,
        "green_power_share": assets.end.effective_green_share,
        **model.kept_building_indicators.of(model.buildings.values()),  # agents.building.building_indicators
        **fleet_indicators(model.fleets.values(), sc.fleets, year),
        "grid_factor_kgco2_per_kwh": a.grid_factor_kgco2_per_kwh,
        "carbon_price_cny_per_tco2": float(model.carbon_price_cny_per_tco2[index]),
        **m.bill,
        "offsets_cost_cny": m.offsets_cost_cny,
        "exit_residual_value_cny": model.exit_value_cny.get(year, 0.0),  # credited: capacity that left with its firm
        "subsidy_fund_paid_cny": sum(f.paid_in_year(year) for f in model.operator.funds.values()),  # a transfer
        "ems_saving_cny": e.ems_saving_cny,
        **m.costs,
        **y.carriers.annual,
        "carbon_cost_cny": summary["scope1_tco2"] * float(model.carbon_price_cny_per_tco2[index]),
        "carbon_payment_cny": m.carbon_payment_cny,
    }
    rate = sc.finance.social_discount_rate
    row["discount_factor"] = (1.0 + rate) ** -index
    last = index == len(model.years) - 1
    row["residual_value_cny"] = residual_value_cny(model.record.purchases, year) if last else 0.0
    costs = m.costs
    row["system_cost_cny"] = (
        costs["capex_cny"] + costs["fixed_om_cny"] + m.bill["electricity_cost_cny"] + costs["fuel_cost_cny"]
        + costs["certificate_cost_cny"] + row["offsets_cost_cny"] - row["exit_residual_value_cny"]
    )
    row["core_met"] = bool(row["core_indicator_tco2_per_tce"] <= row["core_threshold_tco2_per_tce"])
    row.update(y.resources)
    row.update(y.products)
    for name, output in y.extra.items():  # inserted stages' indicator columns (a dict of column → value)
        if isinstance(output, dict):
            row.update(output)
    model.record.annual.append(row)
    model.record.emissions.extend(a.emissions)
    model.record.energy.extend(a.energy)
    return row


def review(model, y: YearState) -> None:
    """The operator's review of the year (or the PDCA loop), then the year's hourly output."""
    sc, index, year = model.scenario, y.index, y.year
    if index > 0 and sc.operator.escalation:
        model.pdca(index, year, y.annual)
    elif index > 0:
        model.record.reviews.extend(model.operator.review(year, y.annual, sc.review_targets.get(year)))
    if year in sc.outputs.hourly_years:
        s, e = y.site, y.electricity
        hourly = hourly_arrays(e.result, s.price, s.period)
        hourly["import_limit_kw"] = s.import_limit_kw
        hourly["shed_kw"] = e.shed_kw
        hourly["pv_kw"] = s.pv_kw
        hourly["wind_kw"] = s.wind_kw
        for entity, shape in model.measured_shapes.items():  # a metered entity's own demand
            hourly[f"measured_{entity}_kw"] = y.loads.book.shape_kw(shape)
        hourly.update(y.carriers.hourly)
        model.record.hourly[year] = model.record.hourly_block.add(year, hourly)  # copied into the hourly table's block


YEAR_STAGES = (
    Stage("loads", loads), Stage("resource_measures", resource_measures), Stage("exchanges", exchanges), Stage("site", site),
    Stage("heat_plan", heat_plan), Stage("heat", heat), Stage("cold", cold), Stage("hydrogen", hydrogen), Stage("carriers", carriers),
    Stage("electricity", electricity), Stage("accounting", accounting), Stage("money", money),
    Stage("resources", resources), Stage("products", products), Stage("annual", annual), Stage("review", review),
)


def run_year(model, stages, index: int, year: int, year_start: int) -> YearState:
    """Run one year's stages in order; returns the year's state with every stage's output."""
    y = YearState(index, year, year_start)
    for stage in stages:
        model.in_progress = (year, f"in the year's '{stage.name}' stage")  # named if it fails (kernel.failure)
        y.put(stage.name, stage.run(model, y))
    return y


# -- helpers of the stages -----------------------------------------------------------------------
def with_operator_electricity(rows: list, mwh: float) -> list:
    """``rows`` with ``mwh`` added to the operator's electricity row (a new row if it has none)."""
    if mwh <= 0:
        return rows
    return add_to_rows(rows, {("operator", "electricity"): mwh}, lambda: {"operator": "operator"}, UNITS)


def green_kwh(model, grid_kw: np.ndarray, assets, index: int, grid_kwh: float, import_in_range: bool = False) -> float:
    """Grid electricity that counts as green: certificates on a share of every hour's import, plus off-site PPA output
    matched hour by hour (or by annual volume), never above the import (Σ ``grid_kw``: ``grid_kwh``; ``certified_kwh``)."""
    ppa = None  # no PPA: certificates only (adding its zeros would change no number)
    no_wind = holds_only_zeros(assets.ppa_wind_kw)
    if not (no_wind and holds_only_zeros(assets.ppa_pv_kw)):
        ppa = assets.ppa_pv_kw * model.pv_kw_per_kwp[index]
        if not no_wind:
            ppa = ppa + assets.ppa_wind_kw * model.ppa_wind_kw_per_kw()[index]
    elif assets.end.ppa_hourly and is_constant_hours(assets.green_share):  # one share all year, no PPA (most years)
        return certified_kwh(grid_kw, float(assets.green_share[0]), grid_kwh, import_in_range)
    certified = grid_kw * assets.green_share
    if assets.end.ppa_hourly:
        return float(np.minimum(grid_kw, certified if ppa is None else certified + ppa).sum())
    return float(min(grid_kw.sum(), certified.sum() if ppa is None else certified.sum() + ppa.sum()))


def carbon_year(model, index: int, year: int, scope1_by_enterprise: dict[str, float], value_added_mcny: list[float]) -> float:
    """Each firm's carbon position this year under the policy (record.carbon); the total paid [CNY]. ``scope1_by_enterprise``:
    each enterprise's scope-1 tCO₂ (``account_year``); ``value_added_mcny``: each firm's value added this year, park order."""
    carbon = model.scenario.policy.carbon
    ets = model.ets
    # the firms in the park this year (entrants in, earlier leavers out)
    firms, ids, sectors, benchmarks, in_ets = ets.roster_of(model.enterprises.values(), carbon.ets_sectors)
    scope1 = np.array([scope1_by_enterprise.get(fid, 0.0) for fid in ids], dtype=float)  # scope 1 emitted (stored CO₂ already out)
    price = float(model.carbon_charge_cny_per_tco2[index])
    by_products, bases = None, ()  # the allocation from products: only the ETS allocates (tax and none read none)
    if carbon.kind == "ets":
        by_products, bases = firm_product_allocations(firms, year, scope1, float(model.allocation_scale[index]), model.product_roster)
    pos = carbon_positions(carbon.kind, scope1, value_added_mcny, benchmarks, price, carbon.ets_threshold_tco2_per_yr,
                           in_ets, float(model.allocation_scale[index]), by_products)  # (value added: read as floats under an ETS)
    payment, bank = pos.payment_cny, np.zeros(len(ids))
    if carbon.kind == "ets" and carbon.banking:  # unused allowances carried to later years (leavers' banks lapse)
        banked = bank_allowances(pos.covered, scope1, pos.allocation_tco2, price,
                                 [ets.bank.get(f, 0.0) for f in ids], carbon.banking_cap_share)
        payment, bank = banked.payment_cny, banked.bank_tco2
        ets.bank = dict(zip(ids, bank.tolist()))
    covered, paid = pos.covered.tolist(), payment.tolist()
    is_ets = carbon.kind == "ets"
    model.record.carbon.append(CarbonYear(year, list(ids), list(sectors), pos.covered, scope1, pos.allocation_tco2, list(value_added_mcny),
                                          bank, [b if c else "" for b, c in zip(bases, covered)] if is_ets else [""] * len(ids), payment))
    ets.payments = dict(zip(ids, paid))  # read by the year's products (CBAM deduction)
    ets.covered = frozenset(compress(ids, covered))
    return float(payment.sum())


def pv_generation_kwh(site: Site, result: DispatchResult, supply: ElectricitySupply) -> float:
    """``float(site.pv_kw.sum())`` [kWh]; the on-site generation's sum when that is PV + zeros (no wind, CHP or fuel
    cell: the same values but −0.0, so the same sum unless all are zeros) and not zero, without a pass."""
    if result.pv_kw is site.renewable_kw and holds_only_zeros(site.wind_kw) and supply.onsite_generation_kwh != 0.0:
        return supply.onsite_generation_kwh
    return float(site.pv_kw.sum())


def park_value_added_mcny(model, y: YearState) -> float:
    """The park's value added this year [M CNY]: each firm's (the resource measures stage's
    ``FirmFlows``, park order) × the share of the year it was in the park, summed in park order."""
    value_added = y.resource_measures.firms.value_added_mcny
    if not model.population_on:  # every firm all year (× 1.0 changes no number)
        return sum(value_added)
    return sum(v * active_share(f.changes, y.year_start) for v, f in zip(value_added, model.enterprises.values()))


def hourly_arrays(result: DispatchResult, price: np.ndarray, period: np.ndarray) -> dict[str, np.ndarray]:
    out = {column: np.asarray(getattr(result, name), dtype=float) for name, column in HOURLY_FIELDS.items()}
    out["price_cny_per_kwh"] = np.asarray(price, dtype=float)
    out["period"] = np.asarray(period, dtype=np.int8)
    return out

"""One year's heat, cold and hydrogen, dispatched before the electricity (the kernel's wiring of
energy/heat.py, energy/cold.py and energy/hydrogen.py): the stages heat_plan (``heat_plan_year``),
heat (``heat_year``), cold (``cold_year``), hydrogen (``hydrogen_year``) and carriers
(``close_year``) of kernel/year.py, sharing one ``CarrierWork``.

Order within a year's operations (documented in docs/methods.md):

1. the firms' measures give each band's heat by supply, hour by hour: each firm's annual heat
   of a band and supply, per segment between commissioning hours, spread over its shift
   profile (the same weights the firm's annual fuel rows use, so the hourly sums equal them);
2. the heat dispatch (waste heat, CHP, hot-water store) changes that plan; the electricity
   its heat pumps, electric boilers and store heater draw beyond the plan changes the load;
2b. the cold store (ice or chilled water, energy/cold.py) shifts the buildings' chiller
   electricity out of peak hours: their hourly cooling demand is their chiller electricity
   (agents/building.py) times the chillers' hourly COP; what the store covers leaves each
   building's electricity in proportion to its chillers' share of each hour, and the ice-making
   chiller's electricity is the operator's;
3. the hydrogen chain (when the park has a tank, extra electrolysers or a fuel cell) makes
   the firms' hydrogen: the electricity the firms' direct electrolysis booked leaves their
   load and the chain's electrolysers' electricity enters it;
4. the electricity EMS dispatches the resulting load with CHP and fuel-cell output added to
   on-site generation.

Fuels follow the heat: heat displaced from a band's fossil boilers (or purchased steam, or
electric heat) is taken from each firm pro rata to its share of that band's supply over the
year, and turned back into coal and gas with the firm's own coal/gas heat split and the
boilers' efficiencies. A park with none of these assets keeps its rows and load unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress

import numpy as np

from parktwin.agents.base import EnergyRow
from parktwin.agents.carrier_assets import year_carrier_assets
from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR, year_calendar
from parktwin.energy.cold import ColdResult, ColdStore, dispatch_cold
from parktwin.energy.dispatch_inputs import constant_hours, zeros_read_only
from parktwin.energy.heat import BANDS, SUPPLIES, HeatPlan, HeatResult, dispatch_heat
from parktwin.energy.hydrogen import HydrogenResult, dispatch_park_hydrogen
from parktwin.energy.loads import profile
from parktwin.energy.thermal import cop_carnot, heating_cooling_kwh
from parktwin.kernel.carrier_hours import firm_cuts, grid_room_kw
from parktwin.kernel.carrier_inputs import FirmRowKeys, RunConstants, YearStores, firm_row_keys, run_constants, year_stores
from parktwin.kernel.firm_heat import FirmsHeat, LastStates, RunHeatInputs, firms_heat, run_heat_inputs
from parktwin.kernel.heat_plan import FirmsHydrogen, hourly_plan

NO_CHILLER_COP = np.ones(HOURS_PER_YEAR)  # a year's chiller COP when the park has no chillers (it multiplies zeros only)
NO_CHILLER_COP.setflags(write=False)
ZERO_KW = zeros_read_only((HOURS_PER_YEAR,))  # a year of nothing [kW]: no chillers, or a quiet year's load change and generation


@dataclass
class CarrierYear:
    """What the heat and hydrogen dispatch hands the electricity dispatch and the accounts."""

    demand_delta_kw: np.ndarray  # added to the electricity load [kW]
    generation_kw: np.ndarray  # CHP and fuel-cell electricity, added to on-site generation [kW]
    rows: list[EnergyRow]
    annual: dict
    hourly: dict
    heat: HeatResult | None  # None in a year with no heat or hydrogen assets and no hourly output
    hydrogen: HydrogenResult | None
    cold: ColdResult | None = None  # None in a year with no cold store


@dataclass
class CarrierState:
    """What the heat, cold and hydrogen dispatch carries from one year to the next, and the
    run-constant arrays it computes once; owned by the model, passed in explicitly."""

    heat_soc_kwh: dict = field(default_factory=dict)  # store kind → its charge at the end of last year [kWh_th]
    cold_soc_kwh: float = 0.0  # the cold store's [kWh_th]
    h2_soc_kg: float = 0.0  # the hydrogen tank's [kg]
    space_heat: dict = field(default_factory=dict)  # buildings' hourly space heat by system, all years ("arrays"), and its sums by year ("mwh")
    air_source_cops: dict = field(default_factory=dict)  # year → (3, 8760) COP
    constants: RunConstants | None = None  # the heat stages' constants of the run (kernel.carrier_inputs.run_constants)
    stores: YearStores | None = None  # the year's stores, kept while the carrier assets are unchanged (kernel.carrier_inputs.year_stores)
    chiller_cops: dict = field(default_factory=dict)  # (year, evaporator constant) → (8760,) COP
    last_states: LastStates | tuple = ()  # each firm's last state of last year's heat (kernel.firm_heat.LastStates; () before the first year)
    heat_inputs: RunHeatInputs | None = None  # what the firms' heat reads of each firm once per run (kernel.firm_heat)
    firm_keys: FirmRowKeys | None = None  # each firm's row keys and coal share of its boiler heat (kernel.carrier_inputs)


def add_to_rows(rows: list[EnergyRow], changes: dict[tuple[str, str], float], kinds, units: dict[str, str]) -> list[EnergyRow]:
    """Add ``changes`` {(entity, carrier): quantity} to the rows (new rows where none exist);
    ``kinds()``: entity → its kind, asked only when a new row is needed."""
    out, seen = [], set()
    append, change_of, row = out.append, changes.get, tuple.__new__  # rows made without the named tuple's Python-level __new__
    for r in rows:  # (entity, entity_kind, carrier, quantity, unit) read by position: no attribute look-ups per row
        change = change_of((r[0], r[2]))
        if change is None:
            append(r)
            continue
        seen.add((r[0], r[2]))
        q = max(r[3] + change, 0.0)
        if q > 0.0:
            append(row(EnergyRow, (r[0], r[1], r[2], q, r[4])))
    new = [(key, q) for key, q in changes.items() if key not in seen and q > 0.0]
    if new:
        kind = kinds()
        out.extend(row(EnergyRow, (entity, kind[entity], carrier, q, units[carrier])) for (entity, carrier), q in new)
    return out


class EntityKinds:
    """Entity id → kind of a firm, building or the operator, looked up one entity at a time when
    ``add_to_rows`` needs a new row (a building's kind first, then the operator's, then a firm's):
    a year adds a row or two, for the operator mostly, so no mapping of every entity is built."""

    def __init__(self, model):
        self.model = model

    def __getitem__(self, entity: str) -> str:
        building = self.model.buildings.get(entity)
        if building is not None:
            return building.kind
        if entity == "operator":
            return "operator"
        return self.model.enterprises[entity].kind


UNITS = {"electricity": "MWh", "coal": "t", "natural_gas": "km3", "purchased_heat": "GJ", "biomethane": "km3", "purchased_hydrogen": "t"}


HEAT_COLUMNS = [f"heat_{band}_{s}_mwh" for band in BANDS for s in SUPPLIES]  # band by band, supplies in SUPPLIES order


def _annual_columns(heat_mwh: np.ndarray, extra: dict, space_mwh: tuple[float, float]) -> dict:
    """``heat_mwh``: (7, 3) by supply (SUPPLIES order) and band [MWh_th]; ``space_mwh``: buildings'
    space heat of the year from heat pumps and gas boilers [MWh_th]."""
    out = dict(zip(HEAT_COLUMNS, heat_mwh.T.ravel().tolist()))
    out["heat_demand_mwh"] = float(heat_mwh.sum())
    out["heat_space_heat_pump_mwh"], out["heat_space_fossil_mwh"] = space_mwh
    out.update(extra)
    return out


def space_heat_mwh(model, year: int, cache: dict) -> tuple[float, float]:
    """Buildings' space heat in ``year`` from heat pumps and from gas boilers [MWh_th]: the sums of
    ``space_heat_kw``'s hours, taken once per run and year (``cache``, with its arrays)."""
    sums = cache.setdefault("mwh", {})
    if year not in sums:
        hp, gas = space_heat_kw(model, year, cache)
        zero = cache["arrays"][2]  # no building with that system: zeros (+0.0) every hour, whose sum is 0.0
        sums[year] = tuple(0.0 if x is zero else float(x.sum()) / 1000.0 for x in (hp, gas))
    return sums[year]


def space_heat_kw(model, year: int, cache: dict) -> tuple[np.ndarray, np.ndarray]:
    """Buildings' hourly space heat in ``year`` from heat pumps and from gas boilers [kW_th]: the
    degree-hour demand their HVAC electricity and heating gas are computed from (agents/building.py).
    Reported beside the process bands, not dispatched."""
    if "arrays" not in cache:
        zero = np.zeros(model.temp_air_c.shape[-1])
        by_system = {"heat_pump": None, "gas_boiler": None}
        for b in model.buildings.values():
            spec = b.spec
            if spec.heating_kwh_per_m2_yr > 0:
                heat = heating_cooling_kwh(model.temp_air_c, spec.floor_area_m2, spec.heating_kwh_per_m2_yr, 0.0,
                                           base_heating_c=constant("heating_base_c"), base_cooling_c=constant("cooling_base_c")).heat_kwh
                old = by_system[spec.heating_system]
                by_system[spec.heating_system] = heat if old is None else old + heat
        cache["arrays"] = (by_system["heat_pump"], by_system["gas_boiler"], zero)
    hp, gas, zero = cache["arrays"]
    index = year - model.scenario.base_year
    return (zero if hp is None else hp[index]), (zero if gas is None else gas[index])


@dataclass
class CarrierWork:
    """The year's heat plan (stage ``heat_plan``) and what the heat, cold and hydrogen stages add to
    the electricity load, on-site generation and the entities' rows, in that order."""

    year: int
    rows: list[EnergyRow]
    demand_kw: np.ndarray  # electricity demand before the carriers [kW]
    renewable_kw: np.ndarray  # on-site PV and wind [kW]
    period: np.ndarray
    import_limit_kw: np.ndarray | None
    firms: list
    assets: object  # agents.carrier_assets.YearCarrierAssets
    heat_stores: list  # [(StoreSpec, StoreYear)] in data/stores.csv order
    cold_store: tuple | None
    any_heat: bool
    space: tuple
    chiller_kw: np.ndarray
    cop_chiller: np.ndarray
    quiet: CarrierYear | None = None  # the whole year when nothing is dispatched and no hourly output is asked
    firm_heat: FirmsHeat | None = None
    cops: np.ndarray | None = None
    eb_eff: float = 1.0
    lhv: float = 1.0
    eff: float = 1.0
    chillers: dict | None = None
    hourly_cop: bool = False
    plan_arr: np.ndarray | None = None
    plan_live: np.ndarray | None = None  # (4, 3) bool: the plan's rows with any heat coefficient
    plan_nonnegative: bool = False  # every hour of the plan is >= 0 (kernel.heat_plan.HourlyPlan)
    plan: HeatPlan | None = None
    plan_sums_kwh: np.ndarray | None = None  # (4, 3) the plan's heat by supply and band over the year, read-only [kWh_th]
    hydrogen: FirmsHydrogen | None = None  # the firms' hydrogen by hour (kernel.heat_plan)
    supply_sums_kwh: np.ndarray | None = None  # (4, 3) the dispatched fossil, purchased, electric-boiler and heat-pump heat by band [kWh_th]
    delta: np.ndarray | None = None  # added to the electricity load [kW]
    generation: np.ndarray | None = None  # CHP and fuel-cell electricity [kW]
    changes: dict | None = None  # (entity, carrier) → quantity added to its row
    h2_hours: np.ndarray | None = None  # the firms' hydrogen (LHV) by hour [kWh]
    heater_kwh: float | None = None  # the heat stores' heaters' electricity of the year [kWh_e]
    stores_run: tuple = ()  # the heat stores dispatched (energy.heat.ThermalStore)
    h2_bought_kg: float = 0.0  # the hydrogen chain's bought hydrogen of the year [kg]

    def add(self, entity: str, carrier: str, q: float) -> None:
        self.changes[(entity, carrier)] = self.changes.get((entity, carrier), 0.0) + q


def heat_plan_year(model, state: CarrierState, year: int, year_start: int, rows: list[EnergyRow], demand_kw: np.ndarray,
                   renewable_kw: np.ndarray, period: np.ndarray, import_limit_kw: np.ndarray | None = None) -> CarrierWork:
    """The firms' heat plan by band and hour from their commissioned states, the year's carrier
    assets, and (air-source heat pumps) the hourly COP's change to the load."""
    firms = list(model.enterprises.values())
    fh = firms_heat(firms, year, year_start, state)
    k = run_constants(state)
    cops, fixed_cops, eb_eff, lhv, eff = k.cops, k.fixed_cops, k.eb_eff, k.lhv, k.eff
    assets = year_carrier_assets(model.operator, year_start)
    state.stores = year_stores(assets, state.stores)
    heat_stores, cold_store = state.stores.heat, state.stores.cold
    any_heat = bool(heat_stores) or assets.chp_or_waste_heat
    h2_kwh = sum(fh.annual_h2)
    space = space_heat_kw(model, year, state.space_heat)
    chillers = {b.entity_id: kw for b in model.buildings.values() if (kw := b.chiller_kw(year, year_start)) is not None}
    chiller_kw = sum(chillers.values(), np.zeros(HOURS_PER_YEAR)) if chillers else ZERO_KW
    # without chillers and a cold store the COP only multiplies zeros: any finite one gives the same columns
    cop_chiller = _chiller_cops(model, year, state.chiller_cops, "chilled_water_c") if chillers or cold_store is not None else NO_CHILLER_COP
    hourly_cop = model.scenario.ems.industrial_heat_pump_cop == "air_source_hourly" and bool(fh.annual[:, 3].any())
    quiet = not (any_heat or assets.any_hydrogen or cold_store is not None or hourly_cop or year in model.scenario.outputs.hourly_years)
    if quiet:
        # nothing to dispatch and no hourly output: the firms' plan, from annual quantities only
        plan_kwh = fh.annual.sum(axis=0)  # firm after firm
        heat_mwh = np.zeros((len(SUPPLIES), 3))
        heat_mwh[2:6] = plan_kwh / 1000.0
        elec = (plan_kwh[2].sum() / eb_eff + (plan_kwh[3] / cops).sum()) / 1000.0
        annual = (_annual_columns(heat_mwh, _quiet_columns(elec, h2_kwh / lhv / 1000.0), space_heat_mwh(model, year, state.space_heat))
                  | _cold_columns(chiller_kw, cop_chiller, None, 0.0))
        return CarrierWork(year, rows, demand_kw, renewable_kw, period, import_limit_kw, firms, assets, heat_stores, cold_store, any_heat,
                           space, chiller_kw, cop_chiller, quiet=CarrierYear(ZERO_KW, ZERO_KW, rows, annual, {}, None, None))

    hp = hourly_plan(fh, run_heat_inputs(firms, state).shapes, year)
    plan_arr = hp.plan_kw
    plan = HeatPlan(plan_arr[0], plan_arr[1], plan_arr[2], plan_arr[3], air_source_cops(model, year, state.air_source_cops) if hourly_cop else fixed_cops, eb_eff)
    delta = np.zeros(HOURS_PER_YEAR)
    generation = np.zeros(HOURS_PER_YEAR)
    changes: dict[tuple[str, str], float] = {}

    w = CarrierWork(year, rows, demand_kw, renewable_kw, period, import_limit_kw, firms, assets, heat_stores, cold_store, any_heat, space,
                    chiller_kw, cop_chiller, firm_heat=fh, cops=cops, eb_eff=eb_eff, lhv=lhv, eff=eff,
                    chillers=chillers, hourly_cop=hourly_cop, plan_arr=plan_arr, plan_live=hp.live, plan_nonnegative=hp.nonnegative, plan_sums_kwh=hp.sums_kwh, plan=plan,
                    hydrogen=hp.hydrogen, h2_hours=hp.hydrogen.hours,
                    delta=delta, generation=generation, changes=changes)
    add = w.add

    if hourly_cop:
        # the firms booked their heat pumps' electricity at the fixed COP per band; with air-source
        # heat pumps each hour's heat / COP[h] replaces it, in the load and in each firm's row
        inv_diff = 1.0 / plan.heat_pump_cop - 1.0 / fixed_cops  # (3, n) [kWh_e/kWh_th]
        delta += (plan.heat_pump_kw * inv_diff).sum(axis=0)
        for i, firm in enumerate(firms):
            prof = profile(firm.spec.shift_pattern, year)
            segs = [s for s, f in enumerate(fh.firm) if f == i]
            kwh = sum(float(c[3] @ (inv_diff[:, a:b] @ prof[a:b])) for a, b, c in
                      ((fh.start[s], fh.end[s], fh.coefs[s]) for s in segs) if c[3].any())
            if kwh:
                add(firm.entity_id, "electricity", kwh / 1000.0)

    return w


def heat_year(model, state: CarrierState, w: CarrierWork) -> HeatResult:
    """Waste heat, CHP and the heat stores take over part of the plan (energy/heat.py); the fuel,
    bought heat and electricity they displace leave the firms' rows."""
    year, period, demand_kw, renewable_kw, import_limit_kw = w.year, w.period, w.demand_kw, w.renewable_kw, w.import_limit_kw
    heat_stores, assets, any_heat, add = w.heat_stores, w.assets, w.any_heat, w.add
    plan, cops, hourly_cop, delta, generation = w.plan, w.cops, w.hourly_cop, w.delta, w.generation
    if any_heat:
        waste = chp_heat_kw = None  # no recovery unit and no CHP: nothing to displace
        k = run_constants(state)
        eta_e, eta_th = k.chp_eta_e, k.chp_eta_th
        if assets.chp_or_waste_heat:
            waste = np.zeros((3, HOURS_PER_YEAR))
            for sources, band, kw in assets.waste_heat:
                shape = sum(profile(model.enterprises[s].spec.shift_pattern, year) for s in sources)
                waste[BANDS.index(band)] += kw * shape / shape.max()
            chp_heat_kw = assets.chp_electric_kw * eta_th / eta_e
        stores = state.stores.thermal  # this year's (heat_plan_year kept them)
        # the heaters charge from the grid below the month's highest net load without them (and the limit):
        # a store never raises the month's peak import, which the demand charge bills
        surplus, headroom = grid_room_kw(demand_kw, renewable_kw, year_calendar(year).month, import_limit_kw)
        live = w.plan_live  # a row no segment has heat in is zeros all year: its sum is 0
        before = w.plan_sums_kwh  # the plan's heat by supply and band [kWh_th], summed before the dispatch works in its arrays
        heat = dispatch_heat(plan, period, surplus, waste, chp_heat_kw,
                             eta_e / eta_th, eta_th, stores or None, tuple(state.heat_soc_kwh.get(spec.kind, 0.0) for spec, _ in heat_stores), headroom,
                             overwrite_plan=not hourly_cop,  # the hourly COP's cut below still reads the plan's heat pumps
                             live=w.plan_live,  # a row no segment has heat in is zeros all year
                             with_demand=year in model.scenario.outputs.hourly_years,  # read by the hourly output only
                             plan_checked=w.plan_nonnegative)
        state.heat_soc_kwh = {spec.kind: soc for (spec, _), soc in zip(heat_stores, heat.final_soc_by_store)}
        delta += heat.electricity_delta_kw
        if assets.chp_or_waste_heat:  # else no CHP ran: its electricity is zeros
            generation += heat.chp_electricity_kw
        touched = None if assets.chp_or_waste_heat else sorted({st.band for st in stores})  # without displacement only the stores' bands change
        after = w.supply_sums_kwh = plan_supply_sums(heat, before, touched, live)
        cut_cops = cops
        if hourly_cop:  # heat-pump heat taken over, at the COP of the hours it was taken
            gone = plan.heat_pump_kw - heat.heat_pump_kw
            gone_el = (gone / plan.heat_pump_cop).sum(axis=1)
            cut_cops = np.divide(gone.sum(axis=1), gone_el, out=cops.copy(), where=gone_el > 0)
        cut_firms_heat(w, before, after, cut_cops, k, firm_row_keys(w.firms, state, k))
        w.heater_kwh = heat.heater_kw.sum()
        w.stores_run = stores
        add("operator", "electricity", float(w.heater_kwh) / 1000.0)
        # no CHP ran without displacement: its fuel is zeros, whose sum is 0.0
        add("operator", "biomethane", float(heat.chp_fuel_kw.sum()) / k.biomethane_kwh_per_km3 if assets.chp_or_waste_heat else 0.0)
    else:
        heat = dispatch_heat(plan, period, overwrite_plan=True, live=w.plan_live,  # the firms' plan as it is: reported, nothing changes
                             with_demand=year in model.scenario.outputs.hourly_years, plan_checked=w.plan_nonnegative)
        w.supply_sums_kwh = w.plan_sums_kwh  # the plan's heat, unchanged

    return heat


def cut_firms_heat(w: CarrierWork, before: np.ndarray, after: np.ndarray, cut_cops: np.ndarray, k: RunConstants, rows: FirmRowKeys) -> None:
    """Take the heat the dispatch took over out of each firm's rows, pro rata to its share of each
    band's supply (the share of each plan supply and band's heat the dispatch took, from its sums
    ``before`` and ``after`` (4, 3) [kWh_th]): fossil heat as coal and gas by the firm's own coal/gas heat
    split, bought heat, and the electricity of its electric boilers and heat pumps (at ``cut_cops``).
    The arithmetic is one compiled pass over all firms (``carrier_hours.firm_cuts``); the rows change
    in firm order, as one firm at a time (``rows``: the firms' row keys and coal shares)."""
    coal_k, gas_k = k.coal_kwh_th_per_t, k.gas_kwh_th_per_km3
    *quantities, cut = firm_cuts(before, after, w.firm_heat.annual, np.asarray(cut_cops, dtype=float), w.eb_eff, KWH_PER_GJ)
    changes = w.changes
    change_of = changes.get  # ``CarrierWork.add`` written out: one dict look-up and store per change
    for (coal, gas, bought, elec), c, fossil_kwh, bought_gj, elec_kwh, elec_mwh in compress(zip(rows.keys, rows.coal_share, *(q.tolist() for q in quantities)),
                                                                                         cut.tolist()):
        if fossil_kwh > 0:
            if c is None:  # fossil heat but neither coal nor gas: the split divides by zero
                raise ZeroDivisionError(f"{coal[0]}: fossil heat displaced but the firm burns neither coal nor gas")
            changes[coal] = change_of(coal, 0.0) + -fossil_kwh * c / coal_k
            changes[gas] = change_of(gas, 0.0) + -fossil_kwh * (1.0 - c) / gas_k
        if bought_gj < 0:  # bought heat > 0
            changes[bought] = change_of(bought, 0.0) + bought_gj
        if elec_kwh > 0:
            changes[elec] = change_of(elec, 0.0) + elec_mwh


def plan_supply_sums(heat: HeatResult, before: np.ndarray | None = None, touched: list[int] | None = None,
                     live: np.ndarray | None = None) -> np.ndarray:
    """The year's fossil, purchased, electric-boiler and heat-pump heat by band after the dispatch,
    (4, 3) [kWh_th], summed for the bands in ``touched`` (all when None); a band the dispatch did
    not touch keeps the plan's heat, so its sums are the plan's sums ``before`` (the same numbers
    added in the same order), and a row that was zeros in the plan (``live`` False) stays zeros."""
    arrays = (heat.fossil_kw, heat.purchased_kw, heat.electric_boiler_kw, heat.heat_pump_kw)
    if touched is None:
        return np.array([x.sum(axis=1) for x in arrays])
    out = before.copy()
    for b in touched:
        for i, x in enumerate(arrays):
            if live[i, b]:
                out[i, b] = x[b].sum()
    return out


def cold_year(model, state: CarrierState, w: CarrierWork) -> ColdResult | None:
    """The cold store shifts the buildings' chiller electricity out of peak hours (energy/cold.py)."""
    year, period, demand_kw, renewable_kw, import_limit_kw = w.year, w.period, w.demand_kw, w.renewable_kw, w.import_limit_kw
    cold_store, chiller_kw, cop_chiller, chillers, add, delta, generation = w.cold_store, w.chiller_kw, w.cop_chiller, w.chillers, w.add, w.delta, w.generation
    cold = None
    if cold_store is not None:
        load = demand_kw + delta
        onsite = renewable_kw + generation
        # grid charging stays within the import limit and below the month's highest net load
        # without the store, so neither the month's peak (its demand charge) nor the limit rises
        surplus, headroom = grid_room_kw(load, onsite, year_calendar(year).month, import_limit_kw)
        spec, st = cold_store
        store = ColdStore(st.capacity_kwh, st.charge_kw, st.discharge_kw, *spec.params())
        cold = dispatch_cold(chiller_kw * cop_chiller, cop_chiller, _chiller_cops(model, year, state.chiller_cops, "ice_charge_evaporator_c"), period, store,
                             surplus, headroom, state.cold_soc_kwh)
        state.cold_soc_kwh = cold.final_soc_kwh
        delta += cold.electricity_delta_kw
        avoided = cold.store_out_kw / cop_chiller  # chiller electricity the store replaced [kW]
        share = np.divide(avoided, chiller_kw, out=np.zeros(HOURS_PER_YEAR), where=chiller_kw > 0)
        for entity, kw in chillers.items():
            add(entity, "electricity", -float(kw @ share) / 1000.0)
        add("operator", "electricity", float(cold.charge_electricity_kw.sum()) / 1000.0)

    return cold


def hydrogen_year(model, state: CarrierState, w: CarrierWork) -> HydrogenResult | None:
    """The hydrogen chain (electrolysers → tank → burners, fuel cell; energy/hydrogen.py) makes the firms' hydrogen."""
    period, demand_kw, renewable_kw, import_limit_kw = w.period, w.demand_kw, w.renewable_kw, w.import_limit_kw
    firms, hydrogen, assets, eff, add, delta, generation = w.firms, w.hydrogen, w.assets, w.eff, w.add, w.delta, w.generation
    h2 = None
    h2_hours = hydrogen.hours
    if assets.any_hydrogen:
        own_kw = sum(hydrogen.peaks_kw) / eff  # their electrolysers, sized to their peak
        params = run_constants(state).hydrogen
        # the firms' direct electrolysis (booked) leaves the load; the tank's extra valley production is kept within
        # the import limit only: capped at the month's peak like the stores, the demo's tank no longer pays for itself
        # (docs/methods.md, rule-based EMS)
        # one compiled pass: each hour's deficit, surplus and headroom from the load, the chain, and its change to the load
        # (``delta``) and, with a fuel cell, to on-site generation, written in place (no fuel cell (looked up with the year's
        # stores, once per set of assets), no output: adding its zeros would change nothing)
        limit = constant_hours(HOURS_PER_YEAR, np.inf) if import_limit_kw is None else import_limit_kw
        h2 = dispatch_park_hydrogen(h2_hours, period, params, eff, demand_kw, delta, renewable_kw, generation, limit, own_kw,
                                    assets.electrolyser_kw, assets.h2_tank_kg, assets.fuel_cell_kw, state.h2_soc_kg,
                                    add_fuel_cell=state.stores.fuel_cell)
        state.h2_soc_kg = h2.final_soc_kg
        changes, change_of = w.changes, w.changes.get  # ``CarrierWork.add`` written out
        keys = firm_row_keys(firms, state, run_constants(state)).keys
        for i, kwh in zip(hydrogen.firms, hydrogen.row_kwh):
            key = keys[i][3]  # the firm's electricity
            changes[key] = change_of(key, 0.0) + -kwh / eff / 1000.0
        w.h2_bought_kg = float(h2.bought_kg.sum())
        add("operator", "electricity", float(h2.electrolyser_kw.sum()) / 1000.0)
        add("operator", "purchased_hydrogen", w.h2_bought_kg / 1000.0)

    return h2


def close_year(model, w: CarrierWork, heat: HeatResult, cold: ColdResult | None, h2: HydrogenResult | None) -> CarrierYear:
    """The rows the carriers changed, and their annual and hourly columns."""
    year, rows, changes, heat_stores, cold_store, assets = w.year, w.rows, w.changes, w.heat_stores, w.cold_store, w.assets
    space, chiller_kw, cop_chiller, h2_hours, lhv, eff, delta, generation = w.space, w.chiller_kw, w.cop_chiller, w.h2_hours, w.lhv, w.eff, w.delta, w.generation
    new_rows = add_to_rows(rows, changes, lambda: EntityKinds(model), UNITS) if changes else rows
    plan_sums = w.supply_sums_kwh if w.supply_sums_kwh is not None else plan_supply_sums(heat)
    heat_kwh = np.zeros((len(SUPPLIES), 3))  # by supply (SUPPLIES order) and band [kWh_th]: none from a supply that did not run
    if assets.chp_or_waste_heat:
        heat_kwh[0], heat_kwh[1] = heat.waste_heat_kw.sum(axis=1), heat.chp_kw.sum(axis=1)
    heat_kwh[2:6] = plan_sums
    for b in {store.band for store in w.stores_run}:
        heat_kwh[6, b] = heat.store_heat_kwh(b)
    heat_mwh = heat_kwh / 1000.0
    stores_ran = bool(heat.final_soc_by_store)  # else their flows are the shared zeros (+0.0), whose sums are 0.0
    heater_kwh = w.heater_kwh if w.heater_kwh is not None else heat.heater_kw.sum() if stores_ran else 0.0
    elec = float(heat.heat_pump_electricity_kw.sum() + heat.electric_boiler_electricity_kw.sum() + heater_kwh) / 1000.0
    annual = _annual_columns(heat_mwh, _quiet_columns(elec, w.hydrogen.total_kwh / lhv / 1000.0), space_heat_mwh(model, year, model.carrier_state.space_heat))
    annual |= {
        "thermal_store_in_mwh": float(heat.store_in_kw.sum()) / 1000.0 if stores_ran else 0.0,
        "thermal_store_loss_mwh": float(heat.store_loss_kw.sum()) / 1000.0 if stores_ran else 0.0,
        "chp_generation_mwh": float(heat.chp_electricity_kw.sum()) / 1000.0 if assets.chp_or_waste_heat else 0.0,  # else no CHP ran
        "thermal_store_kwh": float(sum(st.capacity_kwh[-1] for _, st in heat_stores)),  # all heat stores
        "hydrogen_tank_kg": float(assets.h2_tank_kg[-1]),
    }
    annual |= _cold_columns(chiller_kw, cop_chiller, cold, float(cold_store[1].capacity_kwh[-1]) if cold_store else 0.0)
    if h2 is not None:
        fuel_cell = model.carrier_state.stores.fuel_cell  # the year's stores (``heat_plan_year``): the park had fuel-cell capacity in some hour
        annual |= {
            "hydrogen_produced_t": float(h2.produced_kg.sum()) / 1000.0,
            "hydrogen_bought_t": w.h2_bought_kg / 1000.0,
            # without a fuel cell its hydrogen and output are zeros (+0.0) every hour: their sums are 0.0
            "hydrogen_to_fuel_cell_t": float(h2.fuel_cell_h2_kg.sum()) / 1000.0 if fuel_cell else 0.0,
            "fuel_cell_generation_mwh": float(h2.fuel_cell_kw.sum()) / 1000.0 if fuel_cell else 0.0,
        }
    hourly = {}
    if year in model.scenario.outputs.hourly_years:
        hourly = {f"heat_{band}_demand_kw": heat.demand_kw[b] for b, band in enumerate(BANDS)}
        idle = {"waste_heat", "chp"} if not assets.chp_or_waste_heat else set()  # supplies that did not run: zeros every hour
        idle |= set() if heat_stores else {"store"}
        hourly |= {f"heat_{s}_kw": ZERO_KW if s in idle else heat.supply_kw(s).sum(axis=0) for s in SUPPLIES}
        hourly |= {"heat_space_heat_pump_kw": space[0], "heat_space_fossil_kw": space[1]}
        hourly |= {"thermal_store_in_kw": heat.store_in_kw, "thermal_store_soc_kwh": heat.store_soc_kwh,
                   "heat_electricity_kw": heat.heat_pump_electricity_kw.sum(axis=0) + heat.electric_boiler_electricity_kw.sum(axis=0) + heat.heater_kw,
                   "chp_electricity_kw": heat.chp_electricity_kw,
                   "heat_low_electric_kw": heat.electric_boiler_kw[0] + heat.heat_pump_kw[0],  # what a store could shift
                   "heat_low_electricity_kw": heat.electric_boiler_electricity_kw[0] + heat.heat_pump_electricity_kw[0]}
        zeros = ZERO_KW
        h2_demand_kg = h2_hours / lhv
        hourly |= {
            "h2_demand_kg": h2_demand_kg,
            "h2_produced_kg": h2.produced_kg if h2 else h2_demand_kg,
            "h2_bought_kg": h2.bought_kg if h2 else zeros,
            "h2_soc_kg": h2.soc_kg if h2 else zeros,
            "electrolyser_kw": h2.electrolyser_kw if h2 else h2_hours / eff,
            "fuel_cell_kw": h2.fuel_cell_kw if h2 else zeros,
        }
        cooling = chiller_kw * cop_chiller
        hourly |= {
            "cooling_demand_kw": cooling,
            "cold_store_in_kw": cold.store_in_kw if cold else zeros,
            "cold_store_out_kw": cold.store_out_kw if cold else zeros,
            "cold_store_soc_kwh": cold.store_soc_kwh if cold else zeros,
            "cooling_electricity_kw": cold.chiller_electricity_kw + cold.charge_electricity_kw if cold else chiller_kw,
        }
    # nothing generated (no CHP ran, no fuel cell): the year's generation is zeros (+0.0) every hour, handed on as
    # the shared zeros, which the electricity stage knows without a pass (``dispatch_inputs.holds_only_zeros``)
    generated = assets.chp_or_waste_heat or (h2 is not None and model.carrier_state.stores.fuel_cell)
    return CarrierYear(delta, generation if generated else ZERO_KW, new_rows, annual, hourly, heat, h2, cold)



def air_source_cops(model, year: int, cache: dict) -> np.ndarray:
    """Hourly COP of air-source industrial heat pumps per band, shape (3, 8760) [-]: the Carnot
    share calibrated to DEA (heat_pump_carnot_share) between each band's supply temperature and
    the outdoor air less the evaporator approach (energy.thermal.cop_carnot); 1.0 for the high band."""
    if year not in cache:
        cache[year] = np.stack([air_source_band_cop(model, year, "heat_low_sink_c"), air_source_band_cop(model, year, "heat_medium_sink_c"),
                                np.ones(HOURS_PER_YEAR)])
    return cache[year]


def air_source_band_cop(model, year: int, sink: str) -> np.ndarray:
    """One band's row of ``air_source_cops``: the hourly COP of air-source heat pumps supplying at the
    constant ``sink`` (its name in data/constants.csv) [-]."""
    source = model.temp_air_c[year - model.scenario.base_year] - constant("air_source_evaporator_approach_k")
    return cop_carnot(constant(sink), source, constant("heat_pump_carnot_share"))


def _chiller_cops(model, year: int, cache: dict, evaporator: str) -> np.ndarray:
    """Hourly COP of air-cooled chillers with the evaporator at constant ``evaporator`` [°C]
    (chilled water, or ice making), condensing a fixed approach above the outdoor air [-]."""
    key = (year, evaporator)
    if key not in cache:
        temp = model.temp_air_c[year - model.scenario.base_year] if model.temp_air_c is not None else np.full(HOURS_PER_YEAR, constant("cooling_base_c"))
        cache[key] = cop_carnot(temp + constant("chiller_condensing_approach_k"), constant(evaporator), constant("hvac_carnot_share"), mode="cooling")
    return cache[key]


def _cold_columns(chiller_kw: np.ndarray, cop_chiller: np.ndarray, cold: ColdResult | None, store_kwh: float) -> dict:
    """The year's cold balance [MWh_th] and cooling electricity [MWh_e]:
    ``cooling_demand = cooling_chiller + cold_store_out``; ``cold_store_in = cold_store_out + loss + Δ charge``."""
    if cold is None:
        demand = elec = 0.0  # no chiller runs
        if chiller_kw is not ZERO_KW and chiller_kw.any():  # (the shared zeros: no chillers)
            demand = float((chiller_kw * cop_chiller).sum()) / 1000.0
            elec = float(chiller_kw.sum()) / 1000.0
        return {"cooling_demand_mwh": demand, "cooling_chiller_mwh": demand, "cold_store_out_mwh": 0.0, "cold_store_in_mwh": 0.0,
                "cold_store_loss_mwh": 0.0, "cooling_electricity_mwh": elec, "cold_store_charge_electricity_mwh": 0.0, "cold_store_kwh": store_kwh}
    return {
        "cooling_demand_mwh": float(cold.demand_kw.sum()) / 1000.0,
        "cooling_chiller_mwh": float(cold.chiller_kw.sum()) / 1000.0,
        "cold_store_out_mwh": float(cold.store_out_kw.sum()) / 1000.0,
        "cold_store_in_mwh": float(cold.store_in_kw.sum()) / 1000.0,
        "cold_store_loss_mwh": float(cold.store_loss_kw.sum()) / 1000.0,
        "cooling_electricity_mwh": float(cold.chiller_electricity_kw.sum() + cold.charge_electricity_kw.sum()) / 1000.0,
        "cold_store_charge_electricity_mwh": float(cold.charge_electricity_kw.sum()) / 1000.0,
        "cold_store_kwh": store_kwh,
    }


def _quiet_columns(heat_electricity_mwh: float, hydrogen_t: float) -> dict:
    """Annual columns of a year without heat or hydrogen assets (no store, no CHP, direct electrolysis)."""
    return {
        "heat_electricity_mwh": heat_electricity_mwh,
        "thermal_store_in_mwh": 0.0, "thermal_store_loss_mwh": 0.0, "chp_generation_mwh": 0.0,
        "hydrogen_demand_t": hydrogen_t, "hydrogen_produced_t": hydrogen_t, "hydrogen_bought_t": 0.0,
        "hydrogen_to_fuel_cell_t": 0.0, "fuel_cell_generation_mwh": 0.0, "thermal_store_kwh": 0.0, "hydrogen_tank_kg": 0.0,
    }

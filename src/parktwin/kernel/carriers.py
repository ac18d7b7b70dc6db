"""One year's heat and hydrogen, dispatched before the electricity (the kernel's wiring of
energy/heat.py and energy/hydrogen.py).

Order within a year's operations (documented in docs/methods.md):

1. the firms' measures give each band's heat by supply, hour by hour: each firm's annual heat
   of a band and supply, per segment between commissioning hours, spread over its shift
   profile (the same weights the firm's annual fuel rows use, so the hourly sums equal them);
2. the heat dispatch (waste heat, CHP, hot-water store) changes that plan; the electricity
   its heat pumps, electric boilers and store heater draw beyond the plan changes the load;
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

from dataclasses import dataclass, replace

import numpy as np

from parktwin.agents.base import EnergyRow, segments
from parktwin.agents.carrier_assets import year_carrier_assets
from parktwin.agents.enterprise import KWH_PER_GJ, FirmState, _band_cops
from parktwin.agents.enterprise import _fold as _fold_firm
from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.heat import BANDS, SUPPLIES, HeatPlan, HeatResult, ThermalStore, dispatch_heat
from parktwin.energy.hydrogen import HydrogenParams, HydrogenResult, dispatch_hydrogen
from parktwin.energy.loads import profile

PLAN_SUPPLIES = ("fossil", "purchased", "electric_boiler", "heat_pump")


@dataclass
class CarrierYear:
    """What the heat and hydrogen dispatch hands the electricity dispatch and the accounts."""

    demand_delta_kw: np.ndarray  # added to the electricity load [kW]
    generation_kw: np.ndarray  # CHP and fuel-cell electricity, added to on-site generation [kW]
    rows: list[EnergyRow]
    annual: dict
    hourly: dict
    heat: HeatResult
    hydrogen: HydrogenResult | None


def firm_heat_kw(firm, year: int, year_start: int) -> tuple[np.ndarray, np.ndarray]:
    """A firm's heat by plan supply and band, (4, 3, 8760) [kW_th], and the hydrogen (LHV) its
    hydrogen_process_heat measure burns, (8760,) [kW]."""
    e = firm.spec.energy
    segs = segments(firm.changes, year_start, FirmState(), _fold_firm)
    ends = [h for h, _ in segs][1:] + [HOURS_PER_YEAR]
    prof = profile(firm.spec.shift_pattern, year)
    own_kwh, bought_kwh = firm.boiler_heat_kwh(), e.purchased_heat_gj * KWH_PER_GJ
    h2_kwh = firm.process_fuel_kwh()
    scale = firm.activity * firm.intensity
    out = np.zeros((4, 3, HOURS_PER_YEAR))
    h2 = np.zeros(HOURS_PER_YEAR)
    for (start, st), end in zip(segs, ends):
        k = scale * st.efficiency_factor
        p = prof[start:end]
        for b in range(3):
            own, buy = own_kwh * firm.heat_bands[b] * k, bought_kwh * firm.heat_bands[b] * k
            coefs = (own * max(1.0 - st.own_eb[b] - st.own_hp[b], 0.0), buy * max(1.0 - st.bought_eb[b] - st.bought_hp[b], 0.0),
                     own * st.own_eb[b] + buy * st.bought_eb[b], own * st.own_hp[b] + buy * st.bought_hp[b])
            for i, c in enumerate(coefs):
                if c > 0.0:
                    out[i, b, start:end] = c * p
        if st.hydrogen_share > 0.0:
            h2[start:end] = k * h2_kwh * st.hydrogen_share * p
    return out, h2


def _scale_rows(rows: list[EnergyRow], changes: dict[tuple[str, str], float], kinds: dict[str, str], units: dict[str, str]) -> list[EnergyRow]:
    """Add ``changes`` {(entity, carrier): quantity} to the rows (new rows where none exist)."""
    out, seen = [], set()
    for r in rows:
        key = (r.entity, r.carrier)
        if key in changes:
            seen.add(key)
            q = max(r.quantity + changes[key], 0.0)
            if q > 0.0:
                out.append(replace(r, quantity=q))
        else:
            out.append(r)
    for key, q in changes.items():
        if key not in seen and q > 0.0:
            out.append(EnergyRow(key[0], kinds[key[0]], key[1], q, units[key[1]]))
    return out


UNITS = {"electricity": "MWh", "coal": "t", "natural_gas": "km3", "purchased_heat": "GJ", "biomethane": "km3", "purchased_hydrogen": "t"}


def carrier_year(model, year: int, year_start: int, rows: list[EnergyRow], demand_kw: np.ndarray,
                 renewable_kw: np.ndarray, period: np.ndarray) -> CarrierYear:
    """Heat and hydrogen of one year (module docstring for the order and the allocation)."""
    firms = list(model.enterprises.values())
    per_firm = [firm_heat_kw(f, year, year_start) for f in firms]
    plan_arr = sum((h for h, _ in per_firm), np.zeros((4, 3, HOURS_PER_YEAR)))
    cops = np.array(_band_cops())
    eb_eff = constant("electric_boiler_efficiency")
    plan = HeatPlan(plan_arr[0], plan_arr[1], plan_arr[2], plan_arr[3], np.broadcast_to(cops[:, None], (3, HOURS_PER_YEAR)), eb_eff)
    assets = year_carrier_assets(model.operator, year_start)
    delta = np.zeros(HOURS_PER_YEAR)
    generation = np.zeros(HOURS_PER_YEAR)
    changes: dict[tuple[str, str], float] = {}
    kinds = {f.entity_id: f.kind for f in firms} | {"operator": "operator"}

    def add(entity: str, carrier: str, q: float) -> None:
        changes[(entity, carrier)] = changes.get((entity, carrier), 0.0) + q

    if assets.any_heat:
        waste = np.zeros((3, HOURS_PER_YEAR))
        for sources, band, kw in assets.waste_heat:
            shape = sum(profile(model.enterprises[s].spec.shift_pattern, year) for s in sources)
            waste[BANDS.index(band)] += kw * shape / shape.max()
        eta_e, eta_th = constant("chp_electric_efficiency"), constant("chp_heat_efficiency")
        store = None
        if assets.store_kwh.any():
            store = ThermalStore(assets.store_kwh, assets.store_charge_kw, assets.store_discharge_kw, constant("thermal_store_loss_share_per_h"),
                                 constant("thermal_store_soc_min_share"), constant("thermal_store_soc_max_share"), eb_eff)
        heat = dispatch_heat(plan, period, np.maximum(renewable_kw - demand_kw, 0.0), waste, assets.chp_electric_kw * eta_th / eta_e,
                             eta_e / eta_th, eta_th, store, model.__dict__.get("_heat_soc_kwh", 0.0))
        model._heat_soc_kwh = heat.final_soc_kwh
        delta += heat.electricity_delta_kw
        generation += heat.chp_electricity_kw
        after = np.stack([heat.fossil_kw, heat.purchased_kw, heat.electric_boiler_kw, heat.heat_pump_kw]).sum(axis=2)  # (4, 3)
        before = plan_arr.sum(axis=2)
        share = np.divide(before - after, before, out=np.zeros_like(before), where=before > 0)
        coal_k = constant("coal_ncv_gj_per_t") * constant("coal_boiler_efficiency") * KWH_PER_GJ  # kWh_th per t
        gas_k = constant("natural_gas_ncv_gj_per_km3") * constant("gas_boiler_efficiency") * KWH_PER_GJ
        for firm, (arr, _) in zip(firms, per_firm):
            cut = (share * arr.sum(axis=2))  # (4, 3) heat taken over [kWh_th]
            fossil = cut[0].sum()
            if fossil > 0:
                e = firm.spec.energy
                coal_heat, gas_heat = e.coal_t * coal_k, e.natural_gas_km3 * gas_k
                c = coal_heat / (coal_heat + gas_heat)
                add(firm.entity_id, "coal", -fossil * c / coal_k)
                add(firm.entity_id, "natural_gas", -fossil * (1.0 - c) / gas_k)
            if cut[1].sum() > 0:
                add(firm.entity_id, "purchased_heat", -cut[1].sum() / KWH_PER_GJ)
            elec = cut[2].sum() / eb_eff + (cut[3] / cops).sum()
            if elec > 0:
                add(firm.entity_id, "electricity", -elec / 1000.0)
        add("operator", "electricity", float(heat.heater_kw.sum()) / 1000.0)
        add("operator", "biomethane", float(heat.chp_fuel_kw.sum()) / (constant("biomethane_ncv_gj_per_km3") * KWH_PER_GJ))
    else:
        heat = dispatch_heat(plan, period)  # the firms' plan as it is: reported, nothing changes

    h2 = None
    h2_hours = sum((x for _, x in per_firm), np.zeros(HOURS_PER_YEAR))
    lhv = constant("hydrogen_lhv_kwh_per_kg")
    if assets.any_hydrogen:
        eff = constant("electrolyser_efficiency_lhv")
        booked = h2_hours / eff  # the firms' direct electrolysis, in their load
        own_kw = sum(float(x.max()) for _, x in per_firm) / eff  # their electrolysers, sized to their peak
        load = demand_kw + delta - booked
        onsite = renewable_kw + generation
        params = HydrogenParams(lhv / eff, lhv, constant("fuel_cell_efficiency"), constant("hydrogen_tank_soc_min_share"), 1.0,
                                constant("hydrogen_fuel_cell_reserve_share"))
        h2 = dispatch_hydrogen(h2_hours / lhv, period, params, own_kw + assets.electrolyser_kw, assets.h2_tank_kg, assets.fuel_cell_kw,
                               np.maximum(onsite - load, 0.0), np.maximum(load - onsite, 0.0), model.__dict__.get("_h2_soc_kg", 0.0))
        model._h2_soc_kg = h2.final_soc_kg
        delta += h2.electrolyser_kw - booked
        generation += h2.fuel_cell_kw
        for firm, (_, x) in zip(firms, per_firm):
            if x.any():
                add(firm.entity_id, "electricity", -float(x.sum()) / eff / 1000.0)
        add("operator", "electricity", float(h2.electrolyser_kw.sum()) / 1000.0)
        add("operator", "purchased_hydrogen", float(h2.bought_kg.sum()) / 1000.0)

    new_rows = _scale_rows(rows, changes, kinds, UNITS) if changes else rows
    annual = {f"heat_{band}_{s}_mwh": float(heat.supply_kw(s)[b].sum()) / 1000.0 for b, band in enumerate(BANDS) for s in SUPPLIES}
    annual |= {
        "heat_demand_mwh": float(heat.demand_kw.sum()) / 1000.0,
        "heat_electricity_mwh": float((heat.heat_pump_electricity_kw.sum() + heat.electric_boiler_electricity_kw.sum() + heat.heater_kw.sum())) / 1000.0,
        "thermal_store_in_mwh": float(heat.store_in_kw.sum()) / 1000.0,
        "thermal_store_loss_mwh": float(heat.store_loss_kw.sum()) / 1000.0,
        "chp_generation_mwh": float(heat.chp_electricity_kw.sum()) / 1000.0,
        "hydrogen_demand_t": float(h2_hours.sum()) / lhv / 1000.0,
        "hydrogen_produced_t": float(h2.produced_kg.sum()) / 1000.0 if h2 else float(h2_hours.sum()) / lhv / 1000.0,
        "hydrogen_bought_t": float(h2.bought_kg.sum()) / 1000.0 if h2 else 0.0,
        "hydrogen_to_fuel_cell_t": float(h2.fuel_cell_h2_kg.sum()) / 1000.0 if h2 else 0.0,
        "fuel_cell_generation_mwh": float(h2.fuel_cell_kw.sum()) / 1000.0 if h2 else 0.0,
        "thermal_store_kwh": float(assets.store_kwh[-1]),
        "hydrogen_tank_kg": float(assets.h2_tank_kg[-1]),
    }
    hourly = {f"heat_{band}_demand_kw": heat.demand_kw[b] for b, band in enumerate(BANDS)}
    hourly |= {f"heat_{s}_kw": heat.supply_kw(s).sum(axis=0) for s in SUPPLIES}
    hourly |= {"thermal_store_in_kw": heat.store_in_kw, "thermal_store_soc_kwh": heat.store_soc_kwh,
               "heat_electricity_kw": heat.heat_pump_electricity_kw.sum(axis=0) + heat.electric_boiler_electricity_kw.sum(axis=0) + heat.heater_kw,
               "chp_electricity_kw": heat.chp_electricity_kw}
    zeros = np.zeros(HOURS_PER_YEAR)
    hourly |= {
        "h2_demand_kg": h2.demand_kg if h2 else h2_hours / lhv,
        "h2_produced_kg": h2.produced_kg if h2 else h2_hours / lhv,
        "h2_bought_kg": h2.bought_kg if h2 else zeros,
        "h2_soc_kg": h2.soc_kg if h2 else zeros,
        "electrolyser_kw": h2.electrolyser_kw if h2 else h2_hours / constant("electrolyser_efficiency_lhv"),
        "fuel_cell_kw": h2.fuel_cell_kw if h2 else zeros,
    }
    return CarrierYear(delta, generation, new_rows, annual, hourly, heat, h2)

"""What the carrier stages (kernel/carriers.py) read once per run or keep while it is unchanged: the
heat stages' constants (``run_constants``) and the year's stores (``year_stores``). Both live in the
run's ``CarrierState``: a run's data overrides hold all through it, and a new run starts empty."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from parktwin.agents.base import same_agents
from parktwin.agents.heat_bands import KWH_PER_GJ, band_cops
from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.heat import BANDS, ThermalStore
from parktwin.energy.hydrogen import HydrogenParams
from parktwin.technologies.store import stores_of

if TYPE_CHECKING:
    from parktwin.kernel.carriers import CarrierState


class RunConstants(NamedTuple):
    """The heat stages' constants of a run (data/constants.csv or the run's overrides)."""

    cops: np.ndarray  # (3,) the bands' fixed heat-pump COPs (agents.heat_bands.band_cops), read-only [-]
    fixed_cops: np.ndarray  # (3, 8760) the same hour by hour, read-only [-]
    eb_eff: float  # electric boilers [kWh_th/kWh_e]
    lhv: float  # hydrogen's lower heating value [kWh/kg]
    eff: float  # electrolysers' efficiency (LHV) [-]
    chp_eta_e: float  # CHP electricity per fuel (LHV) [-]
    chp_eta_th: float  # CHP heat per fuel (LHV) [-]
    coal_kwh_th_per_t: float  # a coal boiler's heat per tonne of coal
    gas_kwh_th_per_km3: float  # a gas boiler's heat per thousand m³ of gas
    biomethane_kwh_per_km3: float  # biomethane's energy (NCV) per thousand m³
    hydrogen: HydrogenParams  # the hydrogen chain's (energy/hydrogen.py)


def run_constants(state: CarrierState) -> RunConstants:
    """The heat stages' constants, read on the run's first call and kept in ``state.constants``."""
    if state.constants is None:
        cops = np.array(band_cops())
        array = np.repeat(cops[:, None], HOURS_PER_YEAR, axis=1)
        cops.setflags(write=False)
        array.setflags(write=False)
        lhv, eff = constant("hydrogen_lhv_kwh_per_kg"), constant("electrolyser_efficiency_lhv")
        state.constants = RunConstants(
            cops, array, constant("electric_boiler_efficiency"), lhv, eff,
            constant("chp_electric_efficiency"), constant("chp_heat_efficiency"),
            constant("coal_ncv_gj_per_t") * constant("coal_boiler_efficiency") * KWH_PER_GJ,
            constant("natural_gas_ncv_gj_per_km3") * constant("gas_boiler_efficiency") * KWH_PER_GJ,
            constant("biomethane_ncv_gj_per_km3") * KWH_PER_GJ,
            HydrogenParams(lhv / eff, lhv, constant("fuel_cell_efficiency"), constant("hydrogen_tank_soc_min_share"), 1.0,
                           constant("hydrogen_fuel_cell_reserve_share")))
    return state.constants


class YearStores(NamedTuple):
    """A year's stores, looked up from its carrier assets (``agents.carrier_assets``), and whether
    they hold a fuel cell."""

    assets: object  # the year's carrier assets they come from
    heat: list  # [(StoreSpec, StoreYear)] of the heat stores, in data/stores.csv order
    cold: tuple | None  # (StoreSpec, StoreYear) of the cold store, or None
    thermal: tuple  # the heat stores as ``energy.heat.ThermalStore``s, in the same order
    fuel_cell: bool  # the assets have fuel-cell capacity in some hour of the year


def year_stores(assets, kept: YearStores | None) -> YearStores:
    """The stores of the year's ``assets``: ``kept`` (last year's) while the assets are the same
    object (the operator's assets did not change), else looked up again."""
    if kept is not None and kept.assets is assets:
        return kept
    heat = [(spec, assets.stores[spec.kind]) for spec in stores_of("heat") if spec.kind in assets.stores]
    cold = next(((spec, assets.stores[spec.kind]) for spec in stores_of("cold") if spec.kind in assets.stores), None)
    thermal = tuple(ThermalStore(st.capacity_kwh, st.charge_kw, st.discharge_kw, *spec.params(), constant(spec.charger_efficiency),
                                 band=BANDS.index(spec.band)) for spec, st in heat)
    return YearStores(assets, heat, cold, thermal, bool(assets.fuel_cell_kw.any()))


class FirmRowKeys(NamedTuple):
    """What the carrier stages write into each firm's rows with, read once per roster of firms
    (``firm_row_keys``)."""

    firms: list  # the roster
    keys: list[tuple]  # per firm: its (entity, carrier) keys of coal, natural gas, purchased heat and electricity
    coal_share: list[float | None]  # per firm: the coal share of its own coal and gas boiler heat (None: it has neither)


def firm_row_keys(firms: list, state: CarrierState, k: RunConstants) -> FirmRowKeys:
    """Each firm's row keys and coal share of its boiler heat ``coal_t × coal_k / (coal_t × coal_k +
    gas_km3 × gas_k)`` (k: the run's boiler heat per tonne of coal and per thousand m³ of gas), from
    its spec: kept in ``state.firm_keys`` while the firms are the same objects in the same order."""
    kept = state.firm_keys
    if kept is not None and same_agents(kept.firms, firms):
        return kept
    keys, shares = [], []
    for firm in firms:
        entity, e = firm.entity_id, firm.spec.energy
        keys.append(((entity, "coal"), (entity, "natural_gas"), (entity, "purchased_heat"), (entity, "electricity")))
        coal_heat, gas_heat = e.coal_t * k.coal_kwh_th_per_t, e.natural_gas_km3 * k.gas_kwh_th_per_km3
        shares.append(coal_heat / (coal_heat + gas_heat) if coal_heat + gas_heat != 0 else None)
    state.firm_keys = FirmRowKeys(list(firms), keys, shares)
    return state.firm_keys

"""What the carrier stages (kernel/carriers.py) read once per run or keep while it is unchanged: the
heat stages' constants (``run_constants``) and the year's stores (``year_stores``). Both live in the
run's ``CarrierState``: a run's data overrides hold all through it, and a new run starts empty."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

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

"""Cold storage (ice or chilled water) shifting the buildings' chiller electricity.

One call dispatches one year (1-hour steps, so [kW_th] held for a step = [kWh_th]). The
buildings' hourly cooling demand [kW_th of cold] is met by their chillers at the hourly COP
``cop_chiller`` (air-cooled, chilled water at 7 °C, energy/thermal.py) unless a cold store
covers it. The store:

* loses ``loss_share_per_h`` of its cold every hour (standing loss, applied before the hour's
  flows);
* in **peak and critical** hours discharges into the cooling demand, up to its discharge rate
  and the cold above its floor; the chillers make the rest (no charging: the peak-hour
  electricity never rises);
* charges only up to the cold the next ``LOOKAHEAD_H`` hours' peak and critical hours will
  draw from it (their cooling demand within the discharge rate: a day-ahead forecast, as ice
  storage controllers use), so it does not make ice for the winter's standing loss;
* in **valley** hours charges (its chiller making ice or cold water at ``cop_charge``, lower
  than ``cop_chiller`` because the evaporator runs colder) from the grid within the import the
  load leaves free, and from on-site renewable surplus;
* in **flat** hours charges from renewable surplus only.

Balance every hour (exactly, to rounding)::

    cooling_demand = chiller + store_out
    soc[h] = soc[h-1] * (1 - loss) + store_in[h] - store_out[h]

Electricity: ``chiller / cop_chiller + store_in / cop_charge``; ``electricity_delta_kw`` is that
minus ``cooling_demand / cop_chiller`` (the chillers alone), so ``store_in / cop_charge -
store_out / cop_chiller``. The sequential store is a ``numba.njit`` kernel (one pass).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from parktwin.energy.heat import charge_kw, settle_store
from parktwin.energy.store import Store
from parktwin.energy.tou import PERIOD_CRITICAL, PERIOD_PEAK

__all__ = ["LOOKAHEAD_H", "ColdResult", "ColdStore", "dispatch_cold", "peak_need_kwh"]

LOOKAHEAD_H = 24
"""Hours ahead whose peak-hour cooling the store charges for [h] (a day-ahead forecast)."""


ColdStore = Store  # an ice or chilled-water store: energy/store.py (its chiller's COP is hourly, given to dispatch_cold)


@dataclass(frozen=True)
class ColdResult:
    """Hourly cold [kW_th], the store's charge [kWh_th] and the electricity [kW_e], shape (n_hours,)."""

    demand_kw: np.ndarray
    chiller_kw: np.ndarray  # cold the chillers make directly
    store_out_kw: np.ndarray
    store_in_kw: np.ndarray
    store_loss_kw: np.ndarray
    store_soc_kwh: np.ndarray  # at the end of each hour
    chiller_electricity_kw: np.ndarray  # direct cooling
    charge_electricity_kw: np.ndarray  # making ice / cold water for the store
    electricity_delta_kw: np.ndarray  # cooling electricity minus that of the chillers alone
    final_soc_kwh: float

    def balance_error_kw(self) -> np.ndarray:
        """demand - chiller - store_out per hour [kW_th]; zero to rounding."""
        return self.demand_kw - self.chiller_kw - self.store_out_kw


def peak_need_kwh(cooling_kw: np.ndarray, discharge_kw: np.ndarray, period: np.ndarray, lookahead_h: int = LOOKAHEAD_H) -> np.ndarray:
    """Cold the peak and critical hours in (h, h + lookahead_h] can take from a store [kWh_th],
    per hour h: their cooling within the discharge rate, summed (a running sum, vectorised)."""
    peak = (period == PERIOD_PEAK) | (period == PERIOD_CRITICAL)
    c = np.concatenate(([0.0], np.cumsum(np.where(peak, np.minimum(cooling_kw, discharge_kw), 0.0))))
    n = cooling_kw.shape[0]
    h = np.arange(n)
    return c[np.minimum(h + 1 + lookahead_h, n)] - c[h + 1]


@numba.njit(cache=True)
def _cold_kernel(period, need, demand, surplus_kw, headroom_kw, cop_charge, capacity, charge_max, discharge_max, loss, smin, smax, soc0):
    """Sequential cold store. Returns (store_in, store_out, loss_kw, soc) [kW_th, kWh_th]."""
    n = period.shape[0]
    store_in = np.zeros(n)
    store_out = np.zeros(n)
    loss_kw = np.zeros(n)
    soc_out = np.zeros(n)
    soc = soc0
    for h in range(n):
        soc, loss_kw[h], lo, hi = settle_store(soc, capacity[h], loss, smin, smax)
        p = period[h]
        if p == PERIOD_PEAK or p == PERIOD_CRITICAL:
            out = min(demand[h], discharge_max[h], max(soc - lo, 0.0))
            store_out[h] = out
            soc -= out
        else:
            q = charge_kw(p, charge_max[h], max(min(hi, need[h]) - soc, 0.0), headroom_kw[h], surplus_kw[h], cop_charge[h])
            store_in[h] = q
            soc += q
        soc_out[h] = soc
    return store_in, store_out, loss_kw, soc_out


def dispatch_cold(cooling_kw: np.ndarray, cop_chiller: np.ndarray, cop_charge: np.ndarray, period: np.ndarray, store: ColdStore,
                  surplus_kw: np.ndarray | None = None, headroom_kw: np.ndarray | None = None, soc_start_kwh: float = 0.0) -> ColdResult:
    """Dispatch one year's cold store against the buildings' cooling (module docstring for the rules).

    Parameters
    ----------
    cooling_kw : array (n_hours,)
        Cooling demand [kW_th of cold].
    cop_chiller : array (n_hours,)
        COP of the chillers making chilled water for direct cooling [kWh_th/kWh_e].
    cop_charge : array (n_hours,)
        COP of making the store's ice or cold water [kWh_th/kWh_e].
    period : array (n_hours,)
        TOU period codes (energy.dispatch PERIOD_*).
    store : ColdStore
    surplus_kw : array (n_hours,), optional
        On-site renewable generation above the electricity load [kW_e]; the store charges from it.
    headroom_kw : array (n_hours,), optional
        Grid import the load leaves free [kW_e] (0 in an outage); valley charging from the grid
        stays within it. Default: unlimited.
    soc_start_kwh : float
        Cold in the store at the start [kWh_th], at most the first hour's ceiling.
    """
    demand = np.ascontiguousarray(cooling_kw, dtype=float)
    n = demand.shape[0]
    period = np.asarray(period, dtype=np.int64)
    if period.shape != (n,) or demand.ndim != 1:
        raise ValueError(f"period and cooling_kw: expected {n} hours each, got {period.shape} and {demand.shape}")
    if (demand < 0).any():
        raise ValueError("cooling_kw: expected non-negative values")
    cop_c = np.ascontiguousarray(np.broadcast_to(np.asarray(cop_chiller, dtype=float), (n,)))
    cop_i = np.ascontiguousarray(np.broadcast_to(np.asarray(cop_charge, dtype=float), (n,)))
    if (cop_c <= 0).any() or (cop_i <= 0).any():
        raise ValueError("cop_chiller and cop_charge must be > 0")

    def hourly(x) -> np.ndarray:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=float), (n,)))

    capacity = hourly(store.capacity_kwh)
    soc0 = min(max(soc_start_kwh, 0.0), store.soc_max_share * capacity[0]) if n else 0.0  # a new store starts empty
    surplus = np.zeros(n) if surplus_kw is None else hourly(surplus_kw)
    headroom = np.full(n, np.inf) if headroom_kw is None else hourly(headroom_kw)
    discharge = hourly(store.discharge_kw)
    need = peak_need_kwh(demand, discharge, period)
    store_in, store_out, loss, soc = _cold_kernel(period, need, demand, surplus, headroom, cop_i, capacity, hourly(store.charge_kw),
                                                  discharge, store.loss_share_per_h, store.soc_min_share,
                                                  store.soc_max_share, soc0)
    chiller = np.maximum(demand - store_out, 0.0)
    chiller_el = chiller / cop_c
    charge_el = store_in / cop_i
    return ColdResult(
        demand_kw=demand, chiller_kw=chiller, store_out_kw=store_out, store_in_kw=store_in, store_loss_kw=loss, store_soc_kwh=soc,
        chiller_electricity_kw=chiller_el, charge_electricity_kw=charge_el,
        electricity_delta_kw=charge_el - store_out / cop_c, final_soc_kwh=float(soc[-1]) if n else soc0,
    )

"""Hourly hydrogen chain of the park: electrolyser → tank → process burners and a fuel cell.

One call dispatches one year with 1-hour steps ([kW] held for a step = [kWh]; hydrogen in
[kg/h] = [kg] per step). Rules each hour ``h`` (a ``numba.njit`` kernel, the tank is sequential):

1. The tank serves the hour's process demand ``demand_kg`` from the hydrogen above its floor.
2. The electrolyser runs (up to ``electrolyser_kw[h]``) to cover what the tank cannot — so the
   tank never leaves a burner short while the electrolyser has power — and then, in valley
   hours at full power (within the grid import ``headroom_kw[h]`` the load leaves) and in other
   hours on the renewable surplus ``surplus_kw[h]``, to fill the tank up to its ceiling.
3. In peak and critical hours the fuel cell turns hydrogen above ``fuel_cell_reserve_share`` of
   the tank into electricity, up to ``fuel_cell_kw[h]`` and the hour's residual electricity
   load ``deficit_kw[h]``.
4. Demand the tank and electrolyser cannot meet is bought (``bought_kg``).

Balance each hour, exactly::

    produced + bought + soc[h-1] - soc[h] = demand + fuel_cell_h2
    electrolyser_kw = produced * kwh_per_kg;  fuel_cell_kw = fuel_cell_h2 * lhv_kwh_per_kg * eta_fc

The tank loses nothing (compressed gas; boil-off matters for liquid hydrogen only).

``dispatch_hydrogen`` takes the hourly inputs as arrays; ``dispatch_park_hydrogen`` (the park's
year, kernel/carriers.py) makes them hour by hour from the park's load in the same pass and writes
the chain's change to the load back, the same hour's rules (``_h2_hour``) in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from parktwin.energy.store import as_float_array, integer_periods
from parktwin.energy.tou import PERIOD_CRITICAL, PERIOD_PEAK, PERIOD_VALLEY

__all__ = ["HydrogenParams", "HydrogenResult", "dispatch_hydrogen", "dispatch_park_hydrogen"]


@dataclass(frozen=True)
class HydrogenParams:
    """Parameters of the chain.

    electrolyser_kwh_per_kg : electricity per kg of hydrogen [kWh/kg]
    lhv_kwh_per_kg : lower heating value of hydrogen [kWh/kg]
    fuel_cell_efficiency : electricity per hydrogen LHV [-]
    soc_min_share, soc_max_share : tank window as shares of its capacity [-]
    fuel_cell_reserve_share : the fuel cell draws only hydrogen above this share of the tank [-]
    """

    electrolyser_kwh_per_kg: float
    lhv_kwh_per_kg: float
    fuel_cell_efficiency: float
    soc_min_share: float = 0.0
    soc_max_share: float = 1.0
    fuel_cell_reserve_share: float = 0.5


@dataclass(frozen=True)
class HydrogenResult:
    """Hourly flows, shape (n_hours,): hydrogen [kg/h], electricity [kW], tank [kg]."""

    demand_kg: np.ndarray
    produced_kg: np.ndarray
    bought_kg: np.ndarray
    served_kg: np.ndarray  # to the process burners (tank and electrolyser)
    fuel_cell_h2_kg: np.ndarray
    soc_kg: np.ndarray  # at the end of each hour
    electrolyser_kw: np.ndarray
    fuel_cell_kw: np.ndarray
    final_soc_kg: float

    def balance_error_kg(self, soc_start_kg: float) -> np.ndarray:
        """produced + bought + Δ(stock) − demand − fuel-cell use per hour [kg]; zero to rounding."""
        before = np.concatenate([[soc_start_kg], self.soc_kg[:-1]])
        return self.produced_kg + self.bought_kg + before - self.soc_kg - self.demand_kg - self.fuel_cell_h2_kg


@numba.njit(cache=True)
def _h2_hour(p, demand, surplus, deficit, headroom, elec_kw, tank_kg, fc_kw, kwh_per_kg, fc_kwh_per_kg, smin, smax, reserve, soc):
    """One hour of the rules (module docstring), the tank at ``soc`` [kg] before it: (produced, bought,
    fuel-cell hydrogen [kg], the tank after the hour [kg])."""
    lo = smin * tank_kg
    hi = smax * tank_kg
    cap_kg = elec_kw / kwh_per_kg
    from_tank = min(demand, max(soc - lo, 0.0))
    short = demand - from_tank
    make = min(cap_kg, short)
    soc -= from_tank
    unmet = short - make
    room = max(hi - soc, 0.0)
    if p == PERIOD_VALLEY:  # within the import headroom left after the burners' hydrogen
        extra = min(cap_kg - make, room, (max(headroom - make * kwh_per_kg, 0.0) + max(surplus, 0.0)) / kwh_per_kg)
    else:
        extra = min(cap_kg - make, room, max(surplus, 0.0) / kwh_per_kg)
    extra = max(extra, 0.0)
    soc += extra
    fc_h2 = 0.0
    if (p == PERIOD_PEAK or p == PERIOD_CRITICAL) and fc_kw > 0:
        floor = max(reserve * tank_kg, lo)
        kw = min(fc_kw, max(deficit, 0.0), max(soc - floor, 0.0) * fc_kwh_per_kg)
        fc_h2 = kw / fc_kwh_per_kg
        soc -= fc_h2
    return make + extra, unmet, fc_h2, soc


@numba.njit(cache=True)
def _h2_kernel(period, demand, surplus, deficit, headroom, elec_kw, tank_kg, fc_kw, kwh_per_kg, fc_kwh_per_kg, smin, smax, reserve, soc0):
    """The tank hour by hour. Returns (produced, bought, fuel-cell hydrogen, tank [kg]; served [kg];
    electrolyser and fuel-cell electricity [kW]), each (n,)."""
    n = period.shape[0]
    outputs = _hour_outputs(n)
    soc = soc0
    for h in range(n):
        made, unmet, fc, soc = _h2_hour(period[h], demand[h], surplus[h], deficit[h], headroom[h], elec_kw[h], tank_kg[h], fc_kw[h],
                                        kwh_per_kg, fc_kwh_per_kg, smin, smax, reserve, soc)
        _record_hour(outputs, h, demand[h], made, unmet, fc, soc, kwh_per_kg, fc_kwh_per_kg)
    return outputs


@numba.njit(cache=True)
def _hour_outputs(n):
    """The hourly outputs of the rules, each (n,) and written hour by hour (no pass of zeros first):
    (produced, bought, fuel-cell hydrogen, tank, served [kg]; electrolyser and fuel-cell electricity [kW])."""
    return np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)


@numba.njit(cache=True)
def _record_hour(outputs, h, demand, made, unmet, fc, soc, kwh_per_kg, fc_kwh_per_kg):
    """Write hour ``h`` of the rules (``_h2_hour``'s made, bought, fuel-cell hydrogen and tank [kg])
    into ``outputs``: (produced, bought, fuel-cell hydrogen, tank, served [kg]; electrolyser and
    fuel-cell electricity [kW]), each (n,)."""
    produced, bought, fc_h2, soc_out, served, electrolyser, fuel_cell = outputs
    produced[h] = made
    bought[h] = unmet
    fc_h2[h] = fc
    soc_out[h] = soc
    served[h] = demand - unmet
    electrolyser[h] = made * kwh_per_kg
    fuel_cell[h] = fc * fc_kwh_per_kg


@numba.njit(cache=True)
def _park_h2_kernel(period, h2_kwh, lhv_kwh_per_kg, electrolyser_efficiency, demand_kw, delta_kw, renewable_kw, generation_kw, limit_kw,
                    own_kw, extra_kw, tank_kg, fc_kw, kwh_per_kg, fc_kwh_per_kg, smin, smax, reserve, soc0, add_fuel_cell):
    """``dispatch_park_hydrogen``'s hours: each hour's grid inputs from the park's load, the rules
    (``_h2_hour``), and the load change written into ``delta_kw`` (and the fuel cell's output into
    ``generation_kw``) after the hour has read them. Returns (demand, produced, bought, fuel-cell
    hydrogen, tank, served [kg]; electrolyser and fuel-cell electricity [kW]; whether a demand < 0)."""
    n = period.shape[0]
    demand_kg = np.empty(n)
    outputs = _hour_outputs(n)
    electrolyser, fuel_cell = outputs[5], outputs[6]
    negative = False
    soc = soc0
    for h in range(n):
        demand = h2_kwh[h] / lhv_kwh_per_kg
        negative |= demand < 0.0
        booked = h2_kwh[h] / electrolyser_efficiency  # the firms' direct electrolysis, which leaves the load
        load = demand_kw[h] + delta_kw[h] - booked
        onsite = renewable_kw[h] + generation_kw[h]
        deficit = max(load - onsite, 0.0)
        made, unmet, fc, soc = _h2_hour(period[h], demand, max(onsite - load, 0.0), deficit, max(limit_kw[h] - deficit, 0.0),
                                        own_kw + extra_kw[h], tank_kg[h], fc_kw[h], kwh_per_kg, fc_kwh_per_kg, smin, smax, reserve, soc)
        demand_kg[h] = demand
        _record_hour(outputs, h, demand, made, unmet, fc, soc, kwh_per_kg, fc_kwh_per_kg)
        delta_kw[h] += electrolyser[h] - booked  # the chain's electrolysers in, the firms' booked electrolysis out
        if add_fuel_cell:
            generation_kw[h] += fuel_cell[h]
    return (demand_kg, *outputs, negative)


def dispatch_hydrogen(demand_kg, period, params: HydrogenParams, electrolyser_kw, tank_kg, fuel_cell_kw=0.0,
                      surplus_kw=None, deficit_kw=None, soc_start_kg: float = 0.0, headroom_kw=None) -> HydrogenResult:
    """Dispatch one year of the hydrogen chain (module docstring for the rules).

    Parameters
    ----------
    demand_kg : array (n,) — process hydrogen demand [kg/h]
    period : array (n,) — TOU period codes (energy.dispatch PERIOD_*)
    params : HydrogenParams
    electrolyser_kw, tank_kg, fuel_cell_kw : scalar or array (n,) — capacities [kW_e], [kg], [kW_e]
    surplus_kw : array (n,), optional — renewable generation above the electricity load [kW]
    deficit_kw : array (n,), optional — electricity load above renewable generation [kW]
    soc_start_kg : float — hydrogen in the tank at the start [kg], at most the first hour's ceiling;
        hydrogen below the floor (a tank filling up) is not drawn
    headroom_kw : array (n,), optional — grid import the load leaves free [kW] (0 in an outage);
        valley filling from the grid stays within it; default unlimited
    """
    demand = np.asarray(demand_kg, dtype=float)
    n = demand.shape[0]
    if (demand < 0).any():
        raise ValueError("hydrogen demand must be >= 0")
    if not 0.0 <= params.soc_min_share < params.soc_max_share <= 1.0:
        raise ValueError("hydrogen tank: need 0 <= soc_min_share < soc_max_share <= 1")

    def arr(x) -> np.ndarray:
        return as_float_array(0.0 if x is None else x, (n,))

    tank = arr(tank_kg)
    soc0 = min(max(soc_start_kg, 0.0), params.soc_max_share * float(tank[0])) if n else 0.0  # a new tank starts empty
    fc_kwh_per_kg = params.lhv_kwh_per_kg * params.fuel_cell_efficiency
    produced, bought, fc_h2, soc, served, electrolyser, fuel_cell = _h2_kernel(
        integer_periods(period), arr(demand), arr(surplus_kw), arr(deficit_kw),
        arr(np.inf if headroom_kw is None else headroom_kw), arr(electrolyser_kw),
        tank, arr(fuel_cell_kw), params.electrolyser_kwh_per_kg, fc_kwh_per_kg, params.soc_min_share, params.soc_max_share,
        params.fuel_cell_reserve_share, soc0,
    )
    return HydrogenResult(
        demand_kg=demand, produced_kg=produced, bought_kg=bought, served_kg=served, fuel_cell_h2_kg=fc_h2,
        soc_kg=soc, electrolyser_kw=electrolyser, fuel_cell_kw=fuel_cell, final_soc_kg=float(soc[-1]) if n else soc0,
    )


def dispatch_park_hydrogen(h2_kwh: np.ndarray, period: np.ndarray, params: HydrogenParams, electrolyser_efficiency: float,
                           demand_kw: np.ndarray, delta_kw: np.ndarray, renewable_kw: np.ndarray, generation_kw: np.ndarray,
                           import_limit_kw: np.ndarray, own_electrolyser_kw: float, electrolyser_kw: np.ndarray, tank_kg: np.ndarray,
                           fuel_cell_kw: np.ndarray, soc_start_kg: float = 0.0, add_fuel_cell: bool = True) -> HydrogenResult:
    """``dispatch_hydrogen`` of the park's year in one compiled pass with the hourly inputs it reads
    made hour by hour (the same numbers as numpy's arrays of them, tests/test_hydrogen.py): the
    firms' hydrogen ``h2_kwh`` (LHV) [kWh] is the demand ``h2 / lhv`` [kg], their direct electrolysis
    ``h2 / electrolyser_efficiency`` [kW] leaves the load ``demand + delta``, and with on-site
    generation ``renewable + generation`` the chain sees the deficit ``max(load − onsite, 0)``, the
    surplus ``max(onsite − load, 0)`` and the headroom ``max(limit − deficit, 0)`` [kW]; its
    electrolysers are the firms' own ``own_electrolyser_kw`` plus the park's ``electrolyser_kw``.
    ``delta_kw`` gains the chain's electrolysers less the booked electrolysis and, with
    ``add_fuel_cell``, ``generation_kw`` the fuel cell's output (both changed in place, each hour
    after it was read; they must be distinct arrays). All arrays of one length; ``period``: integer codes."""
    if not 0.0 <= params.soc_min_share < params.soc_max_share <= 1.0:
        raise ValueError("hydrogen tank: need 0 <= soc_min_share < soc_max_share <= 1")
    n = h2_kwh.shape[0]
    soc0 = min(max(soc_start_kg, 0.0), params.soc_max_share * float(tank_kg[0])) if n else 0.0  # a new tank starts empty
    demand, produced, bought, fc_h2, soc, served, electrolyser, fuel_cell, negative = _park_h2_kernel(
        integer_periods(period), h2_kwh, params.lhv_kwh_per_kg, electrolyser_efficiency, demand_kw, delta_kw, renewable_kw,
        generation_kw, import_limit_kw, own_electrolyser_kw, electrolyser_kw, tank_kg, fuel_cell_kw, params.electrolyser_kwh_per_kg,
        params.lhv_kwh_per_kg * params.fuel_cell_efficiency, params.soc_min_share, params.soc_max_share,
        params.fuel_cell_reserve_share, soc0, add_fuel_cell)
    if negative:
        raise ValueError("hydrogen demand must be >= 0")
    return HydrogenResult(
        demand_kg=demand, produced_kg=produced, bought_kg=bought, served_kg=served, fuel_cell_h2_kg=fc_h2,
        soc_kg=soc, electrolyser_kw=electrolyser, fuel_cell_kw=fuel_cell, final_soc_kg=float(soc[-1]) if n else soc0,
    )

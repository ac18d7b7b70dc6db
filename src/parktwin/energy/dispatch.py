"""Rule-based hourly electricity dispatch of the park: load, PV, one battery, grid.

One call simulates one year (or any number of hours) with 1-hour steps, so a
power in [kW] held for a step equals an energy in [kWh]. The hourly loop is a
``numba.njit(cache=True)`` kernel over float64 arrays; :func:`dispatch_rule_based`
validates the inputs and wraps the kernel's output in a :class:`DispatchResult`.

Rules, applied in this order each hour ``h``:

1. PV serves the load first: ``pv_to_load = min(pv, load)``.
2. Surplus PV charges the battery (power and SOC-headroom limits), is then
   exported up to ``export_limit_kw``, and the rest is curtailed.
3. Remaining load: in flat/peak/critical hours the battery discharges first
   (power and SOC-floor limits), then the grid imports up to
   ``import_limit_kw``; if the import limit binds the battery discharges further,
   in valley hours too; whatever still remains is ``unserved_kw``.
4. Valley hours, if ``BatteryParams.grid_charging`` and the battery did not
   discharge this hour: the battery charges from the grid with the import
   headroom left after the load, its remaining power and its SOC headroom;
   with ``charge_ceiling_kw`` the grid import (load + charging) stays under that
   hour's ceiling too — the month's highest net load (energy.tariff
   ``month_peak_ceiling_kw``), so valley charging never raises the month's peak
   import that the demand charge bills — except to refill the emergency reserve
   (``reserve_share``), which charges up to the import limit: security first.

A battery never charges and discharges in the same hour (surplus PV and unmet
load cannot coexist, and grid charging is skipped in any hour with discharge).

State of charge and capacity changes
------------------------------------
The usable window in hour ``h`` is ``soc_min_share*E[h] .. soc_max_share*E[h]``.
At the start of each hour the stored energy is clipped into that hour's window:

* capacity steps up (a battery commissions): stored energy is kept; only if it
  lies below the new floor is it raised to the floor. The new capacity thus
  brings no *usable* energy (it starts at its floor reserve).
* capacity steps down (or is 0): energy above the new ceiling is removed; with
  ``E[h] == 0`` nothing is stored.
* ``soc_start_kwh`` is clipped into the first hour's window the same way.

Every clip is recorded in ``DispatchResult.soc_adjustment_kwh`` [kWh] (positive
= energy added to the store, negative = removed), so that exactly::

    final_soc - soc_start = sum(charge*eta_c) - sum(battery_to_load/eta_d)
                            + sum(soc_adjustment)
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

import numba
import numpy as np

from parktwin.energy.dispatch_inputs import (check_battery_params, float_array, holds_only_zeros, hourly_limit, is_constant_hours, is_shared_zeros,
                                             limit_input, limit_value)
from parktwin.energy.no_battery import grid_only, signed_zero
from parktwin.energy.tou import N_PERIODS

__all__ = [
    "BatteryParams",
    "DispatchResult",
    "dispatch_rule_based",
    "annual_flows_kwh",
    "total_kwh",
    "flow_total_kwh",
    "pv_to_load_kwh",
]

WATCHED_FLOWS = ("pv_to_battery_kw", "export_kw", "curtailed_kw", "unserved_kw")  # flows the hourly loop reports holding only zeros
SURPLUS_FLOWS = frozenset(WATCHED_FLOWS[:3])  # where an hour's on-site generation goes when the load does not take it


@dataclass(frozen=True)
class BatteryParams:
    """Technical parameters of the aggregated lithium-ion battery.

    Parameters
    ----------
    charge_efficiency : float
        One-way AC->stored efficiency [-], in (0, 1]. Round trip is
        ``charge_efficiency * discharge_efficiency`` (~0.845 AC-AC for LFP,
        PNNL 2022 cost and performance assessment).
    discharge_efficiency : float
        One-way stored->AC efficiency [-], in (0, 1].
    soc_min_share : float
        SOC floor as a share of the energy capacity [-].
    soc_max_share : float
        SOC ceiling as a share of the energy capacity [-]; ``0 <= min < max <= 1``.
    grid_charging : bool
        Allow charging from the grid (valley hours only).
    reserve_share : float
        Energy kept for emergencies, as a share of capacity [-]: ordinary discharge
        stops at ``max(soc_min_share, reserve_share) * E``; only when the import
        limit binds (or the grid is down, limit 0) may the battery go down to
        ``soc_min_share``. 0 = no reserve.
    """

    charge_efficiency: float = 0.92
    discharge_efficiency: float = 0.92
    soc_min_share: float = 0.05
    soc_max_share: float = 0.95
    grid_charging: bool = True
    reserve_share: float = 0.0

    def __post_init__(self) -> None:
        check_battery_params(self)


@dataclass(frozen=True, eq=False)
class DispatchResult:
    """Hourly flows of one dispatch run.

    Every array is read-only float64 with the length of the input [kW == kWh
    per hour step]. ``soc_kwh[h]`` is the stored energy at the END of hour ``h``.

    Attributes
    ----------
    load_kw, pv_kw : np.ndarray
        Inputs, echoed [kW].
    pv_to_load_kw, pv_to_battery_kw, grid_to_load_kw, grid_to_battery_kw,
    battery_to_load_kw, export_kw, curtailed_kw, unserved_kw : np.ndarray
        AC-side flows [kW]; ``battery_to_load_kw`` is the AC output of the battery.
    soc_kwh : np.ndarray
        Stored energy at the end of each hour [kWh].
    final_soc_kwh : float
        ``soc_kwh[-1]`` [kWh]; pass as ``soc_start_kwh`` of the next year.
    soc_adjustment_kwh : np.ndarray
        Change of stored energy from clipping into the hour's SOC window at the
        start of each hour (capacity steps, start clip) [kWh].
    soc_start_kwh : float
        The ``soc_start_kwh`` passed in, before clipping [kWh].
    zero_flows : frozenset of str
        Names of flows the dispatch saw holding only zeros (of either sign) as it made them; others may
        too (a flow not named was not watched, or had a nonzero hour).
    import_in_range : bool
        Every hour's grid import is finite and >= 0 (no NaN): the rule-based dispatch's rules make it so
        from the inputs it checked (False: not known, e.g. an LP's solution, which may hold −1e-12).
    """

    load_kw: np.ndarray
    pv_kw: np.ndarray
    pv_to_load_kw: np.ndarray
    pv_to_battery_kw: np.ndarray
    grid_to_load_kw: np.ndarray
    grid_to_battery_kw: np.ndarray
    battery_to_load_kw: np.ndarray
    export_kw: np.ndarray
    curtailed_kw: np.ndarray
    unserved_kw: np.ndarray
    soc_kwh: np.ndarray
    final_soc_kwh: float
    soc_adjustment_kwh: np.ndarray
    soc_start_kwh: float
    zero_flows: frozenset[str] = frozenset()  # flows found holding only zeros (of either sign): ``flow_total_kwh``
    import_in_range: bool = False  # the grid import known finite and >= 0 every hour (``certified_kwh`` needs no pass to check)

    @cached_property
    def grid_import_kw(self) -> np.ndarray:
        """Total grid import ``grid_to_load + grid_to_battery`` [kW] (read-only, computed once; the rule-based
        dispatch sets it from its hourly loop, which adds the two flows as it makes them)."""
        total = self.grid_to_load_kw + self.grid_to_battery_kw
        total.flags.writeable = False
        return total

    @property
    def battery_charge_kw(self) -> np.ndarray:
        """AC-side battery charging ``pv_to_battery + grid_to_battery`` [kW]."""
        return self.pv_to_battery_kw + self.grid_to_battery_kw


# --------------------------------------------------------------------------- kernel


@numba.njit(cache=True)
def _dispatch_kernel(
    load,
    pv,
    period,
    cap,
    pmax,
    eta_c,
    eta_d,
    smin,
    smax,
    grid_charging,
    reserve,
    imp_lim,
    exp_lim,
    soc_start,
    charge_ceiling,
    limits_known,
):  # pragma: no cover - compiled; exercised through dispatch_rule_based
    # ``limits_known``: the battery power and the grid limits are known to lie in their ranges (the caller
    # checked their one value each: ``limits_in_range``), so the hourly check leaves them out
    n = load.shape[0]
    pv_to_load = np.empty(n)
    pv_to_bat = np.empty(n)
    grid_to_load = np.empty(n)
    grid_to_bat = np.empty(n)
    bat_to_load = np.empty(n)
    export = np.empty(n)
    curtailed = np.empty(n)
    unserved = np.empty(n)
    soc = np.empty(n)
    adj = np.empty(n)
    grid_import = np.empty(n)

    s = soc_start
    # the watched flows' running totals (each flow is >= 0 by the rules: its total is 0 only if every hour is a zero)
    charged_pv = exported = curtailing = unserving = 0.0
    valid = True  # every hour's inputs in their ranges (flows and capacities finite and >= 0, limits >= 0, codes 0..3)
    for h in range(n):
        e = cap[h]
        if not (0.0 <= load[h] < np.inf and 0.0 <= pv[h] < np.inf and 0.0 <= e < np.inf and charge_ceiling[h] >= 0.0
                and 0 <= period[h] < 4 and (limits_known or (0.0 <= pmax[h] < np.inf and imp_lim[h] >= 0.0 and exp_lim[h] >= 0.0))):
            valid = False
        lo = smin * e
        hi = smax * e
        lo_normal = reserve * e if reserve > smin else lo
        # clip the carried state into this hour's window (capacity steps)
        s_in = s
        if s > hi:
            s = hi
        if s < lo:
            s = lo
        adj[h] = s - s_in
        p = pmax[h] if e > 0.0 else 0.0
        il = imp_lim[h]
        el = exp_lim[h]

        # 1. PV serves load first
        ld = load[h]
        pvh = pv[h]
        ptl = pvh if pvh < ld else ld
        surplus = pvh - ptl
        deficit = ld - ptl

        # 2. surplus PV -> battery -> export -> curtailment (no surplus: the charge is the surplus, a zero,
        #    whatever the power and the headroom, so neither is looked at)
        c_pv = surplus
        if surplus > 0.0:
            head = (hi - s) / eta_c
            if head < 0.0:
                head = 0.0
            if p < c_pv:
                c_pv = p
            if head < c_pv:
                c_pv = head
        s += c_pv * eta_c
        if s > hi:
            s = hi
        surplus -= c_pv
        ex = surplus if surplus < el else el
        cut = surplus - ex
        curtailed[h] = cut

        # 3. deficit: battery (non-valley) -> grid -> battery (import binds) -> unserved
        p_left = p - c_pv
        d = 0.0
        g = 0.0
        if deficit > 0.0:
            if period[h] != 0:
                avail = (s - lo_normal) * eta_d
                if avail < 0.0:
                    avail = 0.0
                d = deficit
                if p_left < d:
                    d = p_left
                if avail < d:
                    d = avail
                deficit -= d
            g = deficit if deficit < il else il
            deficit -= g
            if deficit > 0.0:
                avail = (s - lo) * eta_d - d
                if avail < 0.0:
                    avail = 0.0
                d2 = deficit
                if p_left - d < d2:
                    d2 = p_left - d
                if avail < d2:
                    d2 = avail
                if d2 < 0.0:
                    d2 = 0.0
                d += d2
                deficit -= d2
            if d != 0.0 or s == 0.0:  # (s − ±0 is s unless s is a zero, whose sign it may change)
                s -= d / eta_d
            if s < lo:
                s = lo

        # 4. valley grid charging
        c_g = 0.0
        if grid_charging and period[h] == 0 and d == 0.0:
            # under the month's ceiling; up to the emergency reserve, under the import limit only
            c_g = (il if il < charge_ceiling[h] else charge_ceiling[h]) - g
            # (the steps below skip only what changes no value: a store above its reserve has a
            # negative refill, which could only turn a negative c_g into another negative one, clipped
            # to 0 at the end; the headroom, ≥ 0, can only lower a c_g above 0. Checked against the
            # rules computed in full: tests/test_dispatch.py)
            below_reserve = lo_normal - s
            if below_reserve >= 0.0:
                to_reserve = below_reserve / eta_c
                if to_reserve > il - g:
                    to_reserve = il - g
                if to_reserve > c_g:
                    c_g = to_reserve
            if p_left < c_g:
                c_g = p_left
            if c_g > 0.0:
                head = (hi - s) / eta_c
                if head < c_g:
                    c_g = head
            if c_g < 0.0:
                c_g = 0.0
            s += c_g * eta_c
            if s > hi:
                s = hi

        charged_pv += c_pv
        exported += ex
        curtailing += cut
        unserving += deficit
        pv_to_load[h] = ptl
        pv_to_bat[h] = c_pv
        grid_to_load[h] = g
        grid_to_bat[h] = c_g
        grid_import[h] = g + c_g
        bat_to_load[h] = d
        export[h] = ex
        unserved[h] = deficit
        soc[h] = s

    return (
        pv_to_load,
        pv_to_bat,
        grid_to_load,
        grid_to_bat,
        bat_to_load,
        export,
        curtailed,
        unserved,
        soc,
        adj,
        s,
        valid,
        grid_import,
        (charged_pv != 0.0, exported != 0.0, curtailing != 0.0, unserving != 0.0),  # (a NaN is not 0)
    )


# --------------------------------------------------------------------------- wrapper


def dispatch_rule_based(
    load_kw: np.ndarray,
    pv_kw: np.ndarray,
    period: np.ndarray,
    battery_energy_kwh: np.ndarray,
    battery_power_kw: np.ndarray,
    params: BatteryParams,
    import_limit_kw: float | np.ndarray,
    export_limit_kw: float | np.ndarray,
    soc_start_kwh: float = 0.0,
    charge_ceiling_kw: float | np.ndarray = np.inf,
) -> DispatchResult:
    """Run the rule-based hourly dispatch (see the module docstring for the rules).

    Parameters
    ----------
    load_kw : np.ndarray
        Hourly load, shape (n,) [kW]; n >= 1 (8760 for a year).
    pv_kw : np.ndarray
        Hourly on-site PV generation (AC), shape (n,) [kW].
    period : np.ndarray
        Integer TOU period code per hour, ``PERIOD_VALLEY..PERIOD_CRITICAL`` (0..3).
    battery_energy_kwh : np.ndarray
        Installed battery energy capacity per hour, shape (n,) [kWh]; 0 before
        commissioning.
    battery_power_kw : np.ndarray
        Battery AC power limit per hour (charge and discharge), shape (n,) [kW].
    params : BatteryParams
        Efficiencies, SOC window shares and grid-charging switch.
    import_limit_kw : float or np.ndarray
        Grid import limit [kW], >= 0 (``inf`` = unlimited); one number, or per
        hour with shape (n,) when the connection is upgraded during the year.
    export_limit_kw : float or np.ndarray
        Grid export limit [kW], >= 0; 0 forbids export (``inf`` = unlimited); one
        number or per hour (0 while the grid is down).
    soc_start_kwh : float
        Stored energy before the first hour [kWh]; clipped into the first hour's
        window (recorded in ``soc_adjustment_kwh[0]``).
    charge_ceiling_kw : float or np.ndarray
        Grid import [kW] that valley charging keeps the hour under (load + charging), one number or
        per hour; ``inf`` (default) = only the import limit. The park passes the month's highest net
        load (energy.tariff.month_peak_ceiling_kw), so charging never sets a new monthly peak.

    Returns
    -------
    DispatchResult
        Hourly flows [kW], end-of-hour SOC [kWh] and ``final_soc_kwh``.

    Raises
    ------
    ValueError
        If an argument has the wrong shape, sign or range; the message names it.
    """
    given = (load_kw, pv_kw, period, battery_energy_kwh, battery_power_kw, params, import_limit_kw, export_limit_kw,
             soc_start_kwh, charge_ceiling_kw)
    try:  # shapes, types and numbers here; the arrays' values in the hourly loop, which reads them all anyway
        load, pv, per, cap, pmax, imp, exp, soc0, ceiling = checked_inputs(*given, values=False)
    except ValueError:
        checked_inputs(*given, values=True)  # the first failure in the arguments' order, values included
        raise
    n = load.shape[0]
    if is_shared_zeros(cap):  # the shared zeros (a park year without battery): no capacity, no −0.0, no pass to find it
        no_battery = not signed_zero(soc0, ceiling)
    else:  # (a capacity in the first or last hour: no pass, ``holds_only_zeros``)
        no_battery = holds_only_zeros(cap) and not signed_zero(soc0, cap, ceiling)
    if no_battery:  # no battery all year: no hourly loop
        if not is_shared_zeros(pmax) or not isinstance(ceiling, float):  # inputs the grid-only pass does not read: checked here
            checked_inputs(*given, values=True)
        out, valid, signed, nonzero = grid_only(load, pv, per, imp, exp, soc0)
        if not valid:
            checked_inputs(*given, values=True)
            raise ValueError("dispatch inputs outside their ranges")  # (the checks above name every case the pass finds)
        no_battery = not signed  # a −0.0 in the load, PV or limits: the hourly loop gives the zeros' signs
    if not no_battery:
        out = _dispatch_kernel(
            load,
            pv,
            per,
            cap,
            pmax,
            float(params.charge_efficiency),
            float(params.discharge_efficiency),
            float(params.soc_min_share),
            float(params.soc_max_share),
            bool(params.grid_charging),
            float(params.reserve_share),
            hourly_limit(imp, n),
            hourly_limit(exp, n),
            soc0,
            hourly_limit(ceiling, n),
            limits_in_range(pmax, imp, exp),
        )
        nonzero = out[13]
        if not out[11]:  # an hour's input outside its range: the check that names it
            checked_inputs(*given, values=True)
            raise ValueError("dispatch inputs outside their ranges")  # (the checks above name every case the loop finds)
    arrays = (echoed(load, load_kw), echoed(pv, pv_kw)) + out[:10]
    # inputs in range (checked above): every hour's import is a grid flow between 0 and a finite deficit or power limit
    result = frozen_result(arrays, float(out[10]), soc0, frozenset(name for name, seen in zip(WATCHED_FLOWS, nonzero) if not seen),
                           import_in_range=True)
    if no_battery:  # the import is the grid's flow to the load: + 0.0 from the battery changes no value (it holds no −0.0)
        result.__dict__["grid_import_kw"] = result.grid_to_load_kw  # (the cached property, set: no pass to add zeros)
    else:  # the hourly loop's sum of the two grid flows, the same additions numpy makes (the cached property, set: no pass)
        out[12].setflags(write=False)
        result.__dict__["grid_import_kw"] = out[12]
    return result


def checked_inputs(load_kw, pv_kw, period, battery_energy_kwh, battery_power_kw, params, import_limit_kw, export_limit_kw,
                   soc_start_kwh, charge_ceiling_kw, values: bool) -> tuple:
    """``dispatch_rule_based``'s arguments checked in their order and converted (float64 arrays, int8
    period codes, limits as numbers or arrays): (load, pv, period, energy, power, import limit, export
    limit, start charge, ceiling). ``values=False`` skips the passes over the arrays' values that the
    hourly loop repeats (it reports whether every hour's inputs lie in their ranges: ``_dispatch_kernel``);
    an integer period of another type than int8 is checked here all the same (the conversion would wrap it)."""
    load = float_array("load_kw", load_kw, None, values)
    n = load.shape[0]
    pv = float_array("pv_kw", pv_kw, n, values)
    cap = float_array("battery_energy_kwh", battery_energy_kwh, n, values)
    pmax = float_array("battery_power_kw", battery_power_kw, n, values)

    per = np.asarray(period)
    if per.ndim != 1 or per.shape[0] != n:
        raise ValueError(f"period must have shape ({n},) like load_kw, got {per.shape}")
    if per.dtype.kind not in "iu":
        raise ValueError(f"period must be an integer array of codes 0..3, got dtype {per.dtype}")
    if (values or per.dtype != np.int8) and n and (per.min() < 0 or per.max() >= N_PERIODS):
        raise ValueError(f"period codes must be in 0..3, got {np.unique(per)!r}")
    per = np.ascontiguousarray(per, dtype=np.int8)

    if not isinstance(params, BatteryParams):
        raise ValueError(f"params must be a BatteryParams, got {type(params).__name__}")
    check_battery_params(params)
    # each limit a number or per hour: the hourly loop takes arrays, the year without a battery either
    imp = limit_input("import_limit_kw", import_limit_kw, n, values)
    exp = limit_input("export_limit_kw", export_limit_kw, n, values)
    soc0 = limit_value("soc_start_kwh", soc_start_kwh, allow_inf=False)
    ceiling = limit_input("charge_ceiling_kw", charge_ceiling_kw, n, values)
    return load, pv, per, cap, pmax, imp, exp, soc0, ceiling


def limits_in_range(power_kw: np.ndarray, import_limit: float | np.ndarray, export_limit: float | np.ndarray) -> bool:
    """Whether the battery power (finite, >= 0) and the grid limits (>= 0) are known to lie in their ranges
    without reading their hours: each a checked number (``limit_input``) or a shared array of one value
    (``constant_hours``, the operator's assets in most years) whose value is in range."""
    return (is_constant_hours(power_kw) and 0.0 <= power_kw[0] < np.inf
            and all(isinstance(x, float) or (is_constant_hours(x) and x[0] >= 0.0) for x in (import_limit, export_limit)))


def echoed(checked: np.ndarray, given) -> np.ndarray:
    """An input as the result echoes it (read-only): the caller's own array only when it is read-only
    already (nobody changes it through the result), else a copy, so a writable input stays writable."""
    return checked.copy() if checked is given and checked.flags.writeable else checked


def total_kwh(flow_kw: np.ndarray) -> float:
    """Σ of an hourly flow [kWh]: no pass over the shared array of zeros (``zeros_read_only``, its sum is +0.0)."""
    return 0.0 if is_shared_zeros(flow_kw) else float(flow_kw.sum())


def flow_total_kwh(result: DispatchResult, name: str) -> float:
    """Σ of the result's hourly flow ``name`` [kWh] (``total_kwh``); a flow the dispatch saw holding only
    zeros (``DispatchResult.zero_flows``) is +0.0 without a pass: numpy adds a sum's values to +0.0, and
    zeros of either sign added to +0.0 give +0.0."""
    return 0.0 if name in result.zero_flows else total_kwh(getattr(result, name))


def pv_to_load_kwh(result: DispatchResult, pv_kwh: float) -> float:
    """Σ ``result.pv_to_load_kw`` [kWh], given ``pv_kwh`` = ``float(result.pv_kw.sum())``. The rule-based dispatch (which
    alone fills ``zero_flows``) splits each hour's on-site generation into PV to the load and a surplus (PV to the
    battery + export + curtailment); when it saw these three hold only zeros, PV to the load holds the generation's
    values (a zero's sign aside), whose sum is the same unless all are zeros: ``pv_kwh``, no pass."""
    if SURPLUS_FLOWS <= result.zero_flows and pv_kwh != 0.0:
        return pv_kwh
    return total_kwh(result.pv_to_load_kw)


def frozen_result(arrays, final_soc_kwh: float, soc_start_kwh: float, zero_flows: frozenset[str] = frozenset(),
                  import_in_range: bool = False) -> DispatchResult:
    """Wrap the 12 hourly arrays (load, pv, the nine flows in ``DispatchResult`` order, the SOC
    adjustments) into a read-only ``DispatchResult``; shared by the rule-based and optimal EMS."""
    for a in arrays:
        a.setflags(write=False)  # (the method: no flags object built per array, as ``a.flags.writeable = False`` builds)
    (ld, pvv, ptl, ptb, gtl, gtb, btl, ex, cur, uns, soc, adj) = arrays
    return DispatchResult(
        load_kw=ld, pv_kw=pvv, pv_to_load_kw=ptl, pv_to_battery_kw=ptb, grid_to_load_kw=gtl, grid_to_battery_kw=gtb,
        battery_to_load_kw=btl, export_kw=ex, curtailed_kw=cur, unserved_kw=uns, soc_kwh=soc,
        final_soc_kwh=final_soc_kwh, soc_adjustment_kwh=adj, soc_start_kwh=soc_start_kwh, zero_flows=zero_flows,
        import_in_range=import_in_range,
    )


# --------------------------------------------------------------------------- helpers

_FLOW_FIELDS = tuple(
    f.name for f in fields(DispatchResult) if f.name.endswith("_kw")
)


def annual_flows_kwh(result: DispatchResult) -> dict[str, float]:
    """Sum each hourly flow of a dispatch run over the run (a year).

    Parameters
    ----------
    result : DispatchResult
        Output of :func:`dispatch_rule_based`.

    Returns
    -------
    dict[str, float]
        Energies [kWh]: ``load_kwh, pv_kwh, pv_to_load_kwh, pv_to_battery_kwh,
        grid_to_load_kwh, grid_to_battery_kwh, battery_to_load_kwh, export_kwh,
        curtailed_kwh, unserved_kwh, grid_import_kwh, battery_charge_kwh,
        soc_adjustment_kwh`` and ``battery_loss_kwh`` (charging + discharging
        losses = charge - discharge - change of stored energy from flows).
    """
    out = {name[:-3] + "_kwh": float(getattr(result, name).sum()) for name in _FLOW_FIELDS}
    out["grid_import_kwh"] = out["grid_to_load_kwh"] + out["grid_to_battery_kwh"]
    out["battery_charge_kwh"] = out["pv_to_battery_kwh"] + out["grid_to_battery_kwh"]
    out["soc_adjustment_kwh"] = float(result.soc_adjustment_kwh.sum())
    delta_from_flows = result.final_soc_kwh - result.soc_start_kwh - out["soc_adjustment_kwh"]
    out["battery_loss_kwh"] = (
        out["battery_charge_kwh"] - out["battery_to_load_kwh"] - delta_from_flows
    )
    return out

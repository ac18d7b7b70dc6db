"""Hourly heat balance of the park by temperature band, with recovered waste heat, a biomethane
CHP and a hot-water store.

One call dispatches one year (1-hour steps, so [kW_th] held for a step = [kWh_th]). The firms'
measures fix, for every band and hour, how much heat their own plant would make
(:class:`HeatPlan`: fossil boilers, purchased steam, electric boilers, heat pumps); the park's
shared heat assets then take over part of it, in this order each hour:

1. **Recovered waste heat** (free, an hourly availability per band) displaces fossil boiler
   heat, then purchased steam, then electric-boiler heat, then heat-pump heat.
2. **Biomethane CHP**, heat-led, up to its heat capacity shared by the low and then the medium
   band (an engine's jacket and exhaust heat do not reach the high band), displaces the fossil
   and purchased heat that is left; it makes ``electric_per_heat`` kWh_e per kWh_th.
3. **Heat stores**, each serving one band (a hot-water tank the low band at ~90 °C, a molten-salt
   tank the high band at ~400 °C; data/stores.csv), one after another: charged by an electric heater in valley-tariff
   hours (within the grid import the load leaves free) and in hours of renewable surplus, discharged in peak and critical hours into its
   band's remaining electric heat (moving that electricity to valley hours), then fossil, then
   purchased heat. Stored energy loses ``loss_share_per_h`` of itself every hour (standing loss,
   applied before the hour's flows). Copying the plan, the displacement, the sequential store and
   the electricity are ``numba.njit`` kernels (one pass over the hours each, few temporaries); with
   one store and no waste heat or CHP (the common year) the plan's pass and the store's are one
   compiled call (``_plan_store_kernel``).

Balance each band, each hour (exactly, to rounding)::

    demand = waste + chp + fossil + purchased + electric_boiler + heat_pump (+ store_out, in each store's band)
    soc[h] = soc[h-1] * (1 - loss) + store_in[h] - store_out[h]

Electricity: ``electric_boiler / eta_eb + heat_pump / COP[h]`` per band and hour (COP given
hourly, so an air-source heat pump can follow the outdoor temperature), plus the heater's
``store_in / eta_heater``. ``electricity_delta_kw`` is that minus the firms' own plan, so the
electricity EMS sees the heat dispatch's effect on the load (the heat runs first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from parktwin.energy.dispatch_inputs import zeros_read_only
from parktwin.energy.store import Store, as_float_array, integer_periods
from parktwin.energy.tou import PERIOD_CRITICAL, PERIOD_PEAK, PERIOD_VALLEY

__all__ = ["BANDS", "HeatPlan", "HeatResult", "ThermalStore", "dispatch_heat", "empty_plan"]

BANDS = ("low", "medium", "high")
"""Process-heat temperature bands: <100 °C, 100-200 °C, >200 °C (data/heat_bands.csv)."""
SUPPLIES = ("waste_heat", "chp", "fossil", "purchased", "electric_boiler", "heat_pump", "store")
PLAN_SUPPLIES = ("fossil", "purchased", "electric_boiler", "heat_pump")  # a HeatPlan's, in its order


@dataclass(frozen=True)
class HeatPlan:
    """What the firms' own plant would supply, per band and hour [kW_th], shape (3, n_hours).

    ``heat_pump_cop`` [-] is the heat pumps' hourly COP per band (same shape; ignored where no
    heat pump runs); ``electric_boiler_efficiency`` [kWh_th/kWh_e]."""

    fossil_kw: np.ndarray
    purchased_kw: np.ndarray
    electric_boiler_kw: np.ndarray
    heat_pump_kw: np.ndarray
    heat_pump_cop: np.ndarray
    electric_boiler_efficiency: float

    @property
    def demand_kw(self) -> np.ndarray:
        return self.fossil_kw + self.purchased_kw + self.electric_boiler_kw + self.heat_pump_kw

    def electricity_kw(self) -> np.ndarray:
        """Electricity the plan draws, summed over bands [kW_e], shape (n_hours,)."""
        return (self.electric_boiler_kw / self.electric_boiler_efficiency + self.heat_pump_kw / self.heat_pump_cop).sum(axis=0)


def empty_plan(n_hours: int, cop: np.ndarray | None = None, electric_boiler_efficiency: float = 1.0) -> HeatPlan:
    z = np.zeros((3, n_hours))
    return HeatPlan(z, z.copy(), z.copy(), z.copy(), np.ones((3, n_hours)) if cop is None else cop, electric_boiler_efficiency)


ThermalStore = Store  # a heat store: energy/store.py (its charger an electric heater, its band the one it serves)


@dataclass(frozen=True)
class HeatResult:
    """Hourly heat by band and supply [kW_th] (shape (3, n_hours)), the store [kWh_th, kW_th] and
    the electricity and fuel flows [kW] (shape (n_hours,))."""

    demand_kw: np.ndarray | None  # None when the dispatch was asked not to compute it (with_demand=False)
    waste_heat_kw: np.ndarray
    chp_kw: np.ndarray
    fossil_kw: np.ndarray
    purchased_kw: np.ndarray
    electric_boiler_kw: np.ndarray
    heat_pump_kw: np.ndarray
    store_out_kw: np.ndarray  # (n_hours,), all stores
    store_in_kw: np.ndarray  # heat into the store
    store_loss_kw: np.ndarray
    store_soc_kwh: np.ndarray  # at the end of each hour
    heater_kw: np.ndarray  # electricity of the store's heater
    heat_pump_electricity_kw: np.ndarray  # (3, n_hours)
    electric_boiler_electricity_kw: np.ndarray  # (3, n_hours)
    chp_electricity_kw: np.ndarray
    chp_fuel_kw: np.ndarray  # biomethane, LHV
    electricity_delta_kw: np.ndarray  # heat electricity minus the plan's
    final_soc_kwh: float  # all stores
    store_band_kw: np.ndarray | None = None  # (3, n_hours): what the stores deliver into each band (None: ``store_out_kw`` in ``store_band``)
    final_soc_by_store: tuple = ()  # each store's charge at the end, in the order given [kWh_th]
    store_band: int = 0  # the band of ``store_out_kw`` when ``store_band_kw`` is None (at most one store ran)

    def supply_kw(self, supply: str) -> np.ndarray:
        """Heat of one supply by band [kW_th], shape (3, n_hours) (each store in its band)."""
        if supply == "store":
            if self.store_band_kw is not None:
                return self.store_band_kw
            out = np.zeros_like(self.fossil_kw)
            out[self.store_band] += self.store_out_kw
            return out
        return getattr(self, f"{supply}_kw")

    def store_heat_kwh(self, band: int) -> float:
        """What the stores delivered into ``band`` over the year [kWh_th]: ``supply_kw("store")[band]``'s
        sum. With one store it is its own sum + 0.0, the same number (the row is ``0.0 + store_out``,
        which differs from ``store_out`` only where that holds −0.0, and so its sum only when all of it
        does: then ``−0.0 + 0.0`` is the row's +0.0) without building the bands' array."""
        if self.store_band_kw is not None:
            return float(self.store_band_kw[band].sum())
        return float(self.store_out_kw.sum()) + 0.0 if band == self.store_band else 0.0

    def balance_error_kw(self) -> np.ndarray:
        """demand - Σ supplies per band and hour [kW_th]; zero to rounding."""
        return self.demand_kw - sum(self.supply_kw(s) for s in SUPPLIES)


@numba.njit(cache=True)
def _displace_kernel(fossil, purchased, eb, hp, waste_avail, chp_cap):
    """Waste heat, then CHP, take over the plan in place, hour by hour (one pass, no temporaries).
    Returns (waste (3, n), chp (3, n))."""
    n = fossil.shape[1]
    waste = np.zeros((3, n))
    chp = np.zeros((3, n))
    for h in range(n):
        for b in range(3):
            left = waste_avail[b, h]
            if left > 0.0:
                t = min(fossil[b, h], left)
                fossil[b, h] -= t
                left -= t
                u = min(purchased[b, h], left)
                purchased[b, h] -= u
                left -= u
                v = min(eb[b, h], left)
                eb[b, h] -= v
                left -= v
                w = min(hp[b, h], left)
                hp[b, h] -= w
                waste[b, h] = t + u + v + w
        cap = chp_cap[h]
        for b in range(2):  # an engine's heat reaches the low and medium bands
            if cap <= 0.0:
                break
            t = min(fossil[b, h], cap)
            fossil[b, h] -= t
            cap -= t
            u = min(purchased[b, h], cap)
            purchased[b, h] -= u
            cap -= u
            chp[b, h] = t + u
    return waste, chp


@numba.njit(cache=True)
def settle_store(soc, capacity, loss, smin, smax):
    """A thermal store's hour begins: standing loss, then any content above a capacity that fell
    leaves as loss too. Returns (soc, lost, lo, hi) [kWh_th]: its level, the loss, its window."""
    lo = smin * capacity
    hi = smax * capacity
    lost = soc * loss
    soc -= lost
    if soc > hi:
        lost += soc - hi
        soc = hi
    return soc, lost, lo, hi


@numba.njit(cache=True)
def charge_kw(period, charge_max, room, headroom, surplus, factor):
    """What a store may take in an off-peak hour [kWh_th]: in valley hours from the grid within
    its import headroom or from renewable surplus, in flat hours from surplus only; electricity
    × ``factor`` (heater efficiency or chiller COP) within the heater and the room left."""
    if period == PERIOD_VALLEY:
        return min(charge_max, room, (max(headroom, 0.0) + max(surplus, 0.0)) * factor)
    return min(charge_max, room, max(surplus, 0.0) * factor)


@numba.njit(cache=True)
def _plan_kernel(f, p, e, q, cop, eb_efficiency, live, with_demand, check):
    """The plan, band after band (each band's rows read while they are in cache): the electricity of
    its electric boilers ``eb/η`` and heat pumps ``hp/COP`` by band (3, n) [kW_e]; their sum over
    bands ``Σ_b (eb/η + hp/COP)`` (n,) [kW_e] (bands added in order); with ``with_demand`` the sum of
    its fossil, purchased, electric-boiler and heat-pump heat (3, n) [kW_th] (else (3, 0)); and
    whether any value is negative. ``live`` (4, 3) marks the rows that may hold heat: the others
    are zeros, so their electricity is 0 without dividing (and, without the demand, they are not read);
    without the demand, the values are looked for negatives only with ``check`` (else: False).
    Returns (demand, plan electricity, electric-boiler electricity, heat-pump electricity, negative)."""
    bands, n = e.shape
    demand = np.empty((bands, n if with_demand else 0))
    eb_el = np.empty((bands, n))
    hp_el = np.empty((bands, n))
    plan_el = np.empty(n)
    negative = False
    for b in range(bands):
        fb, pb, eb, qb = f[b], p[b], e[b], q[b]
        if with_demand:
            db = demand[b]
            for h in range(n):
                db[h] = 0.0 + fb[h] + pb[h] + eb[h] + qb[h]
                negative |= (fb[h] < 0.0) | (pb[h] < 0.0) | (eb[h] < 0.0) | (qb[h] < 0.0)
        elif check:
            rows = (fb, pb, eb, qb)
            for k in range(4):
                if live[k, b]:
                    row = rows[k]
                    for h in range(n):
                        negative |= row[h] < 0.0
        _band_electricity(eb, qb, cop[b], eb_efficiency, live[2, b], live[3, b], eb_el[b], hp_el[b])
        e_b, q_b = eb_el[b], hp_el[b]
        if b == 0:
            for h in range(n):
                plan_el[h] = e_b[h] + q_b[h]
        else:
            for h in range(n):
                plan_el[h] += e_b[h] + q_b[h]
    return demand, plan_el, eb_el, hp_el, negative


@numba.njit(cache=True)
def _band_electricity(eb, hp, cop, eb_efficiency, eb_live, hp_live, eb_el, hp_el):
    """One band's electric-boiler and heat-pump electricity ``eb/η``, ``hp/COP`` (n,) [kW_e] into
    ``eb_el``, ``hp_el``; zeros for a row that holds no heat (0/x is 0)."""
    if eb_live:
        for h in range(eb.shape[0]):
            eb_el[h] = eb[h] / eb_efficiency
    else:
        eb_el[:] = 0.0
    if hp_live:
        for h in range(hp.shape[0]):
            hp_el[h] = hp[h] / cop[h]
    else:
        hp_el[:] = 0.0


@numba.njit(cache=True)
def _store_kernel(period, surplus_kw, headroom_kw, band, eb, hp, fossil, purchased, capacity, charge_max, discharge_max, loss, smin,
                  smax, eta, soc0, eb_el, hp_el, cop, eb_efficiency, live, band_out, plan_el, delta):
    """Sequential store discharging into ``band``: it may displace, in this order, the band's
    electric-boiler, heat-pump, fossil and purchased heat, which it takes out of those (3, n) arrays
    in place (electric-boiler heat kept >= 0 against rounding). In the hours it discharges it also
    sets the band's electric-boiler and heat-pump electricity ``eb/η``, ``hp/COP`` in ``eb_el``,
    ``hp_el`` (3, n) [kW_e] from what is left (rows ``live`` (4, 3) marks as zeros stay zeros); the
    other hours' heat, and so their electricity, are unchanged. Its heat out is added to its band's
    row of ``band_out`` (3, n) [kW_th], hour by hour (unless it has no hours: the only store). When
    ``delta`` has hours (the only store, and no waste heat or CHP: every band's electricity is final
    once this store has passed an hour), it also writes each hour's change of electricity from the
    plan's ``plan_el``, as ``_electricity_kernel`` would (the same sums in the same order), so no
    pass follows. Returns
    (store_in, store_out, loss_kw, soc, the heater's electricity ``store_in / eta``)."""
    n = period.shape[0]
    store_in = np.empty(n)  # every hour written below (no pass of zeros first)
    store_out = np.empty(n)
    loss_kw = np.empty(n)
    soc_out = np.empty(n)
    heater = np.empty(n)
    eb_b, hp_b, fossil_b, bought_b = eb[band], hp[band], fossil[band], purchased[band]  # the band's rows, in the order they are displaced
    eb_el_b, hp_el_b, cop_b, eb_live, hp_live = eb_el[band], hp_el[band], cop[band], live[2, band], live[3, band]
    out_b = band_out[band]
    fused = delta.shape[0] > 0
    shared = band_out.shape[1] > 0
    soc = soc0
    for h in range(n):
        soc, loss_kw[h], lo, hi = settle_store(soc, capacity[h], loss, smin, smax)
        p = period[h]
        if p == PERIOD_PEAK or p == PERIOD_CRITICAL:
            want = 0.0 + eb_b[h] + hp_b[h] + fossil_b[h] + bought_b[h]
            out = min(want, discharge_max[h], max(soc - lo, 0.0))
            store_out[h] = out
            store_in[h] = 0.0
            soc -= out
            left = out
            t = min(left, eb_b[h])
            eb_b[h] -= t
            left -= t
            t = min(left, hp_b[h])
            hp_b[h] -= t
            left -= t
            t = min(left, fossil_b[h])
            fossil_b[h] -= t
            left -= t
            t = min(left, bought_b[h])
            bought_b[h] -= t
            if eb_b[h] < 0.0:
                eb_b[h] = 0.0
            if out > 0.0:
                if eb_live:
                    eb_el_b[h] = eb_b[h] / eb_efficiency
                if hp_live:
                    hp_el_b[h] = hp_b[h] / cop_b[h]
        else:
            q = charge_kw(p, charge_max[h], max(hi - soc, 0.0), headroom_kw[h], surplus_kw[h], eta)
            store_in[h] = q
            store_out[h] = 0.0
            soc += q
        soc_out[h] = soc
        heater[h] = store_in[h] / eta
        if shared:
            out_b[h] += store_out[h]
        if fused:
            delta[h] = _hour_delta(eb_el, hp_el, heater[h], plan_el[h], h)
    return store_in, store_out, loss_kw, soc_out, heater


@numba.njit(cache=True)
def _plan_store_kernel(f, p, e, q, cop, eb_efficiency, live, with_demand, check, period, surplus_kw, headroom_kw, band, capacity,
                       charge_max, discharge_max, loss, smin, smax, eta, soc0):
    """``_plan_kernel`` then, unless the plan has a negative value, the only store's ``_store_kernel``
    writing the electricity's change (no waste heat or CHP: the plan's arrays go straight to the
    store), in one compiled call. Returns (demand, electric-boiler electricity, heat-pump
    electricity, negative, the change of electricity (n,) [kW_e], and ``_store_kernel``'s five
    arrays (empty when negative))."""
    n = period.shape[0]
    demand, plan_el, eb_el, hp_el, negative = _plan_kernel(f, p, e, q, cop, eb_efficiency, live, with_demand, check)
    delta = np.empty(n)
    if negative:
        none = np.empty(0)
        return demand, eb_el, hp_el, negative, delta, none, none, none, none, none
    store_in, store_out, loss_kw, soc, heater = _store_kernel(
        period, surplus_kw, headroom_kw, band, e, q, f, p, capacity, charge_max, discharge_max, loss, smin, smax, eta, soc0,
        eb_el, hp_el, cop, eb_efficiency, live, np.empty((e.shape[0], 0)), plan_el, delta)
    return demand, eb_el, hp_el, negative, delta, store_in, store_out, loss_kw, soc, heater


@numba.njit(cache=True)
def _hour_delta(eb_el, hp_el, heater, plan_el, h):
    """Hour ``h``'s change of electricity from the plan's ``plan_el`` [kW_e]: ``Σ_b eb/η + Σ_b hp/COP
    + heater − plan_el`` (``eb_el``, ``hp_el`` (3, n): by band, added in band order)."""
    e_sum = eb_el[0, h]
    p_sum = hp_el[0, h]
    for b in range(1, eb_el.shape[0]):
        e_sum += eb_el[b, h]
        p_sum += hp_el[b, h]
    return e_sum + p_sum + heater - plan_el


@numba.njit(cache=True)
def _electricity_kernel(eb, hp, cop, eb_efficiency, heater, chp, plan_el, eb_el, hp_el, live, displaced):
    """Electricity of the dispatched heat: the electric boilers' and heat pumps' by band (3, n)
    [kW_e], recomputed in ``eb_el``, ``hp_el`` (the plan's, from ``_plan_kernel``, with the hours a
    store changed already set by ``_store_kernel``) for all bands when waste heat or CHP
    ``displaced`` heat (else each band's is the plan's, but in the hours a store changed); its change from the plan's ``plan_el``, ``Σ_b eb/η + Σ_b hp/COP + heater −
    plan_el`` (bands added in order) [kW_e]; and, when waste heat or CHP ``displaced`` heat, the
    CHP's heat summed over bands (n,) [kW_th] (else (0,): it is zeros). Returns (delta, chp heat)."""
    bands, n = eb.shape
    for b in range(bands):
        if displaced:
            _band_electricity(eb[b], hp[b], cop[b], eb_efficiency, live[2, b], live[3, b], eb_el[b], hp_el[b])
    delta = np.empty(n)
    for h in range(n):
        delta[h] = _hour_delta(eb_el, hp_el, heater[h], plan_el[h], h)
    chp_heat = np.empty(n if displaced else 0)
    if displaced:
        for h in range(n):
            c = chp[0, h]
            for b in range(1, bands):
                c += chp[b, h]
            chp_heat[h] = c
    return delta, chp_heat


def dispatch_heat(plan: HeatPlan, period: np.ndarray, surplus_kw: np.ndarray | None = None,
                  waste_heat_kw: np.ndarray | None = None, chp_heat_max_kw: np.ndarray | None = None,
                  chp_electric_per_heat: float = 0.0, chp_heat_efficiency: float = 1.0,
                  store: ThermalStore | tuple | None = None, soc_start_kwh: float | tuple = 0.0,
                  headroom_kw: np.ndarray | None = None, overwrite_plan: bool = False, live: np.ndarray | None = None,
                  with_demand: bool = True, plan_checked: bool = False) -> HeatResult:
    """Dispatch one year's heat over the park's supplies (module docstring for the rules).

    Parameters
    ----------
    plan : HeatPlan
        The firms' own supply per band and hour [kW_th].
    period : array (n_hours,)
        TOU period codes (energy.dispatch PERIOD_*).
    surplus_kw : array (n_hours,), optional
        On-site renewable generation above the electricity load [kW_e]; the store charges from it.
    waste_heat_kw : array (3, n_hours), optional
        Recovered waste heat available per band [kW_th].
    chp_heat_max_kw : array (n_hours,), optional
        Heat capacity of the biomethane CHP [kW_th].
    chp_electric_per_heat : float
        Electricity per heat of the CHP [kWh_e/kWh_th].
    chp_heat_efficiency : float
        Heat per fuel (LHV) of the CHP [kWh_th/kWh_fuel].
    store : ThermalStore or a tuple of them, optional
        Stores run one after another, each in its own band; a later store charges from the
        surplus and grid headroom an earlier store's heater left.
    soc_start_kwh : float, or a tuple (one per store)
        Heat in the store at the start [kWh_th], at most the first hour's ceiling; heat below the
        floor (a store filling up) is not drawn.
    headroom_kw : array (n_hours,), optional
        Grid import the load leaves free [kW_e] (0 in an outage); valley charging from the grid
        stays within it. Default: unlimited.
    overwrite_plan : bool
        The caller no longer needs the plan's arrays: the dispatch works in them (C-ordered float
        arrays) instead of copies, and the result's fossil, purchased, electric-boiler and heat-pump
        heat are those arrays.
    live : array (4, 3) of bool, optional
        The plan's rows (supplies in ``PLAN_SUPPLIES`` order, by band) that may hold heat; a row
        marked False must be zeros all year (its electricity is then 0 without dividing).
        Default: all rows.
    with_demand : bool
        Compute the demand by band and hour (``demand_kw``); False: it is None, a pass over the
        plan saved when no one reads it.
    plan_checked : bool
        The caller knows every value of the plan is >= 0 (e.g. it is made of non-negative
        coefficients and profiles): the plan is not searched for negatives (but along the demand).
    """
    shape = plan.fossil_kw.shape
    n = shape[1]
    period = integer_periods(period)
    if period.shape != (n,):
        raise ValueError(f"period: expected {n} hours, got {period.shape}")
    plan_kw = [np.asarray(a, dtype=float) for a in (plan.fossil_kw, plan.purchased_kw, plan.electric_boiler_kw, plan.heat_pump_kw)]
    work = [a if overwrite_plan and a.flags.c_contiguous and a.flags.writeable else np.array(a, order="C") for a in plan_kw]
    for a, name in zip(plan_kw, PLAN_SUPPLIES):
        if a.shape != shape:
            raise ValueError(f"heat plan {name}: expected non-negative values of shape {shape}")
    cop = as_float_array(plan.heat_pump_cop, shape)
    live = np.ones((4, shape[0]), dtype=np.bool_) if live is None else np.asarray(live, dtype=np.bool_)
    displaced = waste_heat_kw is not None or chp_heat_max_kw is not None
    stores = () if store is None else (store,) if isinstance(store, ThermalStore) else tuple(store)
    surplus = np.zeros(n) if surplus_kw is None else np.asarray(surplus_kw, dtype=float)
    headroom = np.full(n, np.inf) if headroom_kw is None else np.asarray(headroom_kw, dtype=float)
    if len(stores) == 1 and not displaced:  # the plan goes straight to the only store: one compiled call
        return _plan_to_store(plan, work, cop, live, period, surplus, headroom, stores[0],
                              soc_start_kwh[0] if isinstance(soc_start_kwh, tuple) else soc_start_kwh, with_demand, plan_checked)
    demand, plan_el, eb_el, hp_el, negative = _plan_kernel(*work, cop, plan.electric_boiler_efficiency, live, with_demand, not plan_checked)
    fossil, purchased, eb, hp = work
    if negative:
        _refuse_negative(work)

    if displaced:
        avail = np.zeros(shape) if waste_heat_kw is None else as_float_array(np.maximum(np.asarray(waste_heat_kw, dtype=float), 0.0), shape)
        cap = np.zeros(n) if chp_heat_max_kw is None else as_float_array(np.maximum(np.asarray(chp_heat_max_kw, dtype=float), 0.0), (n,))
        waste, chp = _displace_kernel(fossil, purchased, eb, hp, avail, cap)
    else:  # nothing displaced: no waste heat or CHP heat (shared read-only zeros)
        waste = chp = zeros_read_only(shape)

    starts = soc_start_kwh if isinstance(soc_start_kwh, tuple) else (soc_start_kwh,) * len(stores)
    store_in = store_out = loss = soc = heater = zeros_read_only((n,))  # no store: nothing in, out or lost
    band_out = np.zeros(shape) if len(stores) > 1 else np.empty((shape[0], 0))  # one store: its heat is ``store_out`` in its band
    finals = []
    delta = np.empty(0)  # several stores, or none, or heat displaced: the change of electricity is a pass after the stores
    for i, (st, start) in enumerate(zip(stores, starts)):
        b = st.band  # its band's electricity follows it hour by hour (no pass over the band after it)
        capacity = as_float_array(st.capacity_kwh, (n,))
        soc0 = min(max(start, 0.0), st.soc_max_share * float(capacity[0]))  # a new store starts empty
        s_in, s_out, s_loss, s_soc, s_heater = _store_kernel(
            period, surplus, headroom, b, eb, hp, fossil, purchased, capacity, as_float_array(st.charge_kw, (n,)),
            as_float_array(st.discharge_kw, (n,)), st.loss_share_per_h, st.soc_min_share, st.soc_max_share, st.charger_efficiency, soc0,
            eb_el, hp_el, cop, plan.electric_boiler_efficiency, live, band_out, plan_el, delta,
        )
        if i == 0:
            store_in, store_out, loss, soc, heater = s_in, s_out, s_loss, s_soc, s_heater
        else:
            store_in, store_out, loss, soc, heater = store_in + s_in, store_out + s_out, loss + s_loss, soc + s_soc, heater + s_heater
        finals.append(float(s_soc[-1]) if n else soc0)
        if i + 1 < len(stores):  # the next store charges from what this one's heater left
            headroom = headroom - np.maximum(s_heater - surplus, 0.0)
            surplus = np.maximum(surplus - s_heater, 0.0)
    final = float(sum(finals))
    delta, chp_heat = _electricity_kernel(eb, hp, cop, plan.electric_boiler_efficiency, as_float_array(heater, (n,)), chp,
                                          plan_el, eb_el, hp_el, live, displaced)
    if displaced:
        chp_electricity, chp_fuel = chp_heat * chp_electric_per_heat, chp_heat / chp_heat_efficiency
    else:  # no CHP ran: its heat is zeros, and so are its electricity and fuel
        chp_electricity = chp_fuel = zeros_read_only((n,))
    return HeatResult(
        demand_kw=demand if with_demand else None, waste_heat_kw=waste, chp_kw=chp, fossil_kw=fossil, purchased_kw=purchased,
        electric_boiler_kw=eb, heat_pump_kw=hp, store_out_kw=store_out, store_in_kw=store_in, store_loss_kw=loss,
        store_soc_kwh=soc, heater_kw=heater, heat_pump_electricity_kw=hp_el, electric_boiler_electricity_kw=eb_el,
        chp_electricity_kw=chp_electricity, chp_fuel_kw=chp_fuel,
        electricity_delta_kw=delta, final_soc_kwh=final, store_band_kw=band_out if len(stores) > 1 else None, final_soc_by_store=tuple(finals),
        store_band=stores[0].band if len(stores) == 1 else 0,
    )


def _plan_to_store(plan: HeatPlan, work: list, cop: np.ndarray, live: np.ndarray, period: np.ndarray, surplus: np.ndarray,
                   headroom: np.ndarray, st: ThermalStore, start: float, with_demand: bool, plan_checked: bool) -> HeatResult:
    """``dispatch_heat`` with one store and no waste heat or CHP: the plan's electricity, the store and
    the electricity's change in one compiled call (``_plan_store_kernel``), working in ``work`` (the
    plan's fossil, purchased, electric-boiler and heat-pump heat, C-ordered)."""
    n = period.shape[0]
    capacity = as_float_array(st.capacity_kwh, (n,))
    soc0 = min(max(start, 0.0), st.soc_max_share * float(capacity[0]))  # a new store starts empty
    demand, eb_el, hp_el, negative, delta, store_in, store_out, loss, soc, heater = _plan_store_kernel(
        *work, cop, plan.electric_boiler_efficiency, live, with_demand, not plan_checked, period, surplus, headroom, st.band, capacity,
        as_float_array(st.charge_kw, (n,)), as_float_array(st.discharge_kw, (n,)), st.loss_share_per_h, st.soc_min_share,
        st.soc_max_share, st.charger_efficiency, soc0)
    if negative:
        _refuse_negative(work)
    fossil, purchased, eb, hp = work
    final = float(soc[-1]) if n else soc0
    none = zeros_read_only((n,))  # no waste heat or CHP ran: their heat, electricity and fuel are zeros
    waste = zeros_read_only(fossil.shape)
    return HeatResult(
        demand_kw=demand if with_demand else None, waste_heat_kw=waste, chp_kw=waste, fossil_kw=fossil, purchased_kw=purchased,
        electric_boiler_kw=eb, heat_pump_kw=hp, store_out_kw=store_out, store_in_kw=store_in, store_loss_kw=loss,
        store_soc_kwh=soc, heater_kw=heater, heat_pump_electricity_kw=hp_el, electric_boiler_electricity_kw=eb_el,
        chp_electricity_kw=none, chp_fuel_kw=none, electricity_delta_kw=delta, final_soc_kwh=float(sum([final])),
        final_soc_by_store=(final,), store_band=st.band,
    )


def _refuse_negative(work: list) -> None:
    """Raise the error naming the plan's first supply with a negative value (``work``: its four arrays)."""
    name = next(name for a, name in zip(work, PLAN_SUPPLIES) if (a < 0).any())
    raise ValueError(f"heat plan {name}: expected non-negative values of shape {work[0].shape}")

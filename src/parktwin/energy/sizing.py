"""Least-cost sizing of PV, battery, an electrolyser with its hydrogen tank and a hot-water store (one LP).

The dispatch LP of :mod:`parktwin.energy.optimal` with the capacities as variables, as in
REopt: the hourly limits are linked to the capacity variables and the objective adds the
annualised capacity costs, so one HiGHS solve gives the capacities and their dispatch.

Variables: ``pv_kwp, battery_kwh, battery_kw, electrolyser_kw, tank_kg`` (>= 0, bounded by
the ``max_*`` limits) and per hour ``pv_to_load, pv_to_battery, export, curtailed,
grid_to_load, grid_to_battery, battery_to_load, unserved, soc``, plus, with a hydrogen demand,
the electrolyser's electric load ``el`` [kW] and the tank level [kg]. Constraints per hour::

    pv_to_load + pv_to_battery + export + curtailed = pv_kw_per_kwp[h] * pv_kwp
    pv_to_load + grid_to_load + battery_to_load + unserved = load[h] + el[h]
    soc[h] = soc[h-1] + eta_c*(pv_to_battery + grid_to_battery) - battery_to_load/eta_d
    soc_min_share*battery_kwh <= soc[h] <= soc_max_share*battery_kwh
    pv_to_battery + grid_to_battery + battery_to_load <= battery_kw
    grid_to_load + grid_to_battery <= import_limit[h];  export <= export_limit
    el[h] <= electrolyser_kw;   unserved <= load[h]  (the electrolyser is always served)
    tank[h] = tank[h-1] + el[h]/electrolyser_kwh_per_kg - hydrogen_demand[h];  0 <= tank <= tank_kg

With a low-band heat demand served electrically (``heat_demand_kw``, like REopt's thermal
storage sizing), the store's capacity ``store_kwh`` [kWh_th] and heater ``store_heater_kw``
[kW_th] are variables too, with per hour the store's charge ``hin``, discharge
``hout <= heat_demand[h]`` and level ``hs`` [kWh_th]; the rest of the demand is heated directly
(no column of its own: its electricity is a constant plus a term in ``hout``)::

    hs[h] = hs[h-1] * (1 - loss) + hin - hout;   0 <= hs <= store_kwh;   hin <= store_heater_kw
    load balance: + (heat_demand[h] - hout) / heat_cop[h] + hin / store_heater_efficiency

The store, like the battery, must end at least as full as it started.

Each capacity appears in the hourly rows through an hourly copy chained by
``copy[0] = capacity, copy[h] = copy[h-1]``: a capacity column with one entry per hour is
dense, and the simplex basis factorisation then fills in (a year with a hydrogen demand took
2.2 GB and 40 s CPU with dense columns, 0.66 GB and 27 s with the copies).

The battery's and the tank's start levels are variables, and both must end at least as full
as they started (cyclic year), so no stored energy or hydrogen comes for free.

Objective [CNY over the n hours]: the dispatch objective of :mod:`parktwin.energy.optimal`
(energy charge, demand charge, - export revenue, unserved penalty, the tiny throughput and
curtailment costs) + annualised capacity costs × ``n / hours_per_year`` (a shorter series
stands for the same share of a year). ``SizingResult.annual_cost_cny`` scales it back to a
year (every term, the demand charge too: a series shorter than a year should then cover
whole billing months). Unlike the EMS, PV does not have to serve the load first here (``min(pv, load)`` is not
linear in ``pv_kwp``); export is not allowed in hours where the feed-in price exceeds the
import price (an LP cannot forbid simultaneous import and export).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from parktwin.energy.dispatch import BatteryParams, DispatchResult
from parktwin.energy.dispatch_inputs import float_array, limit_value
from parktwin.energy.optimal import (
    CURTAILMENT_COST_CNY_PER_KWH,
    THROUGHPUT_COST_CNY_PER_KWH,
    month_index,
    grid_inputs,
    dispatch_cost_cny,
    finalise_flows,
    solve_lp,
)

__all__ = [
    "COST_KEYS",
    "SizingResult",
    "annualised_cost_cny_per_yr",
    "capital_recovery_factor",
    "size_system",
    "as_roadmap_items",
]

COST_KEYS = (
    "pv_cny_per_kwp_yr",
    "battery_cny_per_kwh_yr",
    "battery_cny_per_kw_yr",
    "electrolyser_cny_per_kw_yr",
    "h2_tank_cny_per_kg_yr",
    "thermal_store_cny_per_kwh_yr",
    "store_heater_cny_per_kw_yr",
)
"""Keys of ``annualised_cost``; the hydrogen pair is needed only with a hydrogen demand, the
thermal pair only with a heat demand."""
H2_KEYS = COST_KEYS[3:5]
HEAT_KEYS = COST_KEYS[5:7]


def capital_recovery_factor(lifetime_yr: float, discount_rate: float) -> float:
    """Capital recovery factor ``r(1+r)^n / ((1+r)^n - 1)`` [1/yr]; ``1/n`` at ``r = 0``.

    Parameters
    ----------
    lifetime_yr : float
        Economic lifetime ``n`` [yr], > 0.
    discount_rate : float
        Real discount rate ``r`` [1/yr], > -1.
    """
    n = float(lifetime_yr)
    r = float(discount_rate)
    if not (n > 0 and math.isfinite(n)):
        raise ValueError(f"lifetime_yr must be finite and > 0, got {lifetime_yr!r}")
    if not (r > -1 and math.isfinite(r)):
        raise ValueError(f"discount_rate must be finite and > -1, got {discount_rate!r}")
    if r == 0.0:
        return 1.0 / n
    g = (1.0 + r) ** n
    return r * g / (g - 1.0)


def annualised_cost_cny_per_yr(
    capex: float, lifetime_yr: float, discount_rate: float, fixed_om_share: float
) -> float:
    """Equivalent annual cost of an investment: annuity of the capex + fixed O&M.

    Parameters
    ----------
    capex : float
        Investment per unit (e.g. CNY/kWp) [CNY].
    lifetime_yr : float
        Economic lifetime [yr].
    discount_rate : float
        Real discount rate [1/yr].
    fixed_om_share : float
        Fixed operation and maintenance per year as a share of capex [1/yr].

    Returns
    -------
    float
        ``capex * (CRF(lifetime, rate) + fixed_om_share)`` [CNY/yr per unit].
    """
    if not (capex >= 0 and math.isfinite(capex)):
        raise ValueError(f"capex must be finite and >= 0, got {capex!r}")
    if not (fixed_om_share >= 0 and math.isfinite(fixed_om_share)):
        raise ValueError(f"fixed_om_share must be finite and >= 0, got {fixed_om_share!r}")
    return float(capex) * (capital_recovery_factor(lifetime_yr, discount_rate) + fixed_om_share)


@dataclass(frozen=True, eq=False)
class SizingResult:
    """Least-cost capacities and their hourly dispatch.

    Attributes
    ----------
    pv_kwp, battery_kwh, battery_kw, electrolyser_kw, tank_kg : float
        Optimal capacities [kWp DC, kWh, kW, kW electric, kg H2].
    annual_cost_cny : float
        Capacity costs + operating costs (incl. unserved penalty) per year [CNY/yr].
    capacity_cost_cny_per_yr : dict[str, float]
        Annualised cost of each capacity [CNY/yr]: ``pv, battery_energy, battery_power,
        electrolyser, h2_tank, thermal_store, store_heater``.
    operating_cost_cny_per_yr : dict[str, float]
        :func:`parktwin.energy.optimal.dispatch_cost_cny` of the dispatch, scaled to a year.
    dispatch : DispatchResult
        Hourly flows; ``load_kw`` includes the electrolyser's load, ``pv_kw`` is the PV output
        of ``pv_kwp``.
    electrolyser_load_kw, h2_production_kg, tank_level_kg : np.ndarray
        Hourly electrolyser load [kW], hydrogen made [kg/h] and tank level at the end of each
        hour [kg] (zeros without a hydrogen demand).
    store_kwh, store_heater_kw : float
        Hot-water store capacity [kWh_th] and its heater [kW_th] (0 without a heat demand).
    store_in_kw, store_out_kw, store_level_kwh : np.ndarray or None
        Hourly heat into and out of the store [kW_th] and its level at the end of each hour
        [kWh_th]; None without a heat demand. ``dispatch.load_kw`` includes the heat's electricity.
    solver : dict
        ``status``, ``objective_cny`` (over the n hours), ``n_rows``, ``n_cols``,
        ``build_s``, ``solve_s``.
    """

    pv_kwp: float
    battery_kwh: float
    battery_kw: float
    electrolyser_kw: float
    tank_kg: float
    annual_cost_cny: float
    capacity_cost_cny_per_yr: dict[str, float]
    operating_cost_cny_per_yr: dict[str, float]
    dispatch: DispatchResult
    electrolyser_load_kw: np.ndarray
    h2_production_kg: np.ndarray
    tank_level_kg: np.ndarray
    solver: dict = field(default_factory=dict)
    store_kwh: float = 0.0
    store_heater_kw: float = 0.0
    store_in_kw: np.ndarray | None = None
    store_out_kw: np.ndarray | None = None
    store_level_kwh: np.ndarray | None = None


def _cost_table(annualised_cost: dict, need_h2: bool, need_heat: bool = False) -> dict[str, float]:
    if not isinstance(annualised_cost, dict):
        raise ValueError("annualised_cost must be a dict with keys " + ", ".join(COST_KEYS))
    unknown = sorted(set(annualised_cost) - set(COST_KEYS))
    if unknown:
        raise ValueError(f"annualised_cost has unknown keys {unknown}; allowed: {list(COST_KEYS)}")
    needed = COST_KEYS[:3] + (H2_KEYS if need_h2 else ()) + (HEAT_KEYS if need_heat else ())
    missing = [k for k in needed if k not in annualised_cost]
    if missing:
        raise ValueError(f"annualised_cost needs {missing}")
    out = {}
    for k in COST_KEYS:
        out[k] = limit_value(f"annualised_cost[{k!r}]", annualised_cost.get(k, 0.0), allow_inf=False)
    return out


def size_system(
    load_kw: np.ndarray,
    pv_kw_per_kwp: np.ndarray,
    price_cny_per_kwh: np.ndarray,
    annualised_cost: dict[str, float],
    *,
    max_pv_kwp: float,
    import_limit_kw: float | np.ndarray,
    export_limit_kw: float | np.ndarray = 0.0,
    feed_in_price_cny_per_kwh: float = 0.0,
    params: BatteryParams | None = None,
    month_of_hour: np.ndarray | None = None,
    demand_charge_cny_per_kw_month: float = 0.0,
    unserved_cost_cny_per_kwh: float | None = None,
    hydrogen_demand_kg: np.ndarray | None = None,
    electrolyser_kwh_per_kg: float | None = None,
    max_battery_kwh: float = np.inf,
    max_battery_kw: float = np.inf,
    max_electrolyser_kw: float = np.inf,
    max_tank_kg: float = np.inf,
    hours_per_year: int = 8760,
    heat_demand_kw: np.ndarray | None = None,
    heat_cop: float | np.ndarray = 1.0,
    store_heater_efficiency: float = 1.0,
    store_loss_share_per_h: float = 0.0,
    max_store_kwh: float = np.inf,
) -> SizingResult:
    """Least-cost PV, battery (energy and power) and electrolyser + tank sizes (one LP).

    Parameters
    ----------
    load_kw : np.ndarray
        Hourly electric load without the electrolyser, shape (n,) [kW].
    pv_kw_per_kwp : np.ndarray
        Hourly PV AC output per kWp, shape (n,) [kW/kWp] (e.g. from
        :func:`parktwin.energy.solar.pv_output_kw_per_kwp`).
    price_cny_per_kwh : np.ndarray
        Import energy price per hour, shape (n,) [CNY/kWh].
    annualised_cost : dict[str, float]
        Annualised cost per unit of capacity [CNY/yr per unit], keys :data:`COST_KEYS`
        (see :func:`annualised_cost_cny_per_yr`); the hydrogen keys only with a demand.
    max_pv_kwp : float
        PV limit, e.g. usable roof area × kWp/m² [kWp].
    import_limit_kw : float or np.ndarray
        Grid import limit, one number or per hour [kW].
    export_limit_kw : float or np.ndarray
        Grid export limit, one number or per hour [kW]; 0 forbids export.
    feed_in_price_cny_per_kwh : float
        Export price [CNY/kWh].
    params : BatteryParams, optional
        Battery efficiencies and SOC window (default ``BatteryParams()``); a
        ``reserve_share`` above ``soc_min_share`` is the SOC floor (the reserve is not
        available for ordinary operation).
    month_of_hour : np.ndarray, optional
        Integer billing month per hour for the demand charge; ``None`` = one period.
    demand_charge_cny_per_kw_month : float
        Charge on each month's highest hourly import [CNY/kW·month].
    unserved_cost_cny_per_kwh : float, optional
        Penalty on unserved (non-electrolyser) load [CNY/kWh]; default
        :func:`parktwin.energy.optimal.default_unserved_cost`.
    hydrogen_demand_kg : np.ndarray, optional
        Hourly process hydrogen demand, shape (n,) [kg/h], met by the electrolyser and tank.
    electrolyser_kwh_per_kg : float, optional
        Electricity per kg of hydrogen, system level [kWh/kg]; required with a demand.
    max_battery_kwh, max_battery_kw, max_electrolyser_kw, max_tank_kg : float
        Upper limits of the capacities [kWh, kW, kW, kg] (``inf`` = none).
    hours_per_year : int
        Hours of a year; capacity costs are charged for ``n / hours_per_year`` of a year.
    heat_demand_kw : np.ndarray, optional
        Hourly low-band heat served electrically, shape (n,) [kW_th]: a hot-water store may
        shift it (its electricity is not in ``load_kw``).
    heat_cop : float or np.ndarray
        Heat per electricity of the direct electric heating (heat pump COP, or a boiler's
        efficiency), one number or per hour [kWh_th/kWh_e].
    store_heater_efficiency : float
        The store's electric heater [kWh_th/kWh_e].
    store_loss_share_per_h : float
        Standing loss of the store per hour as a share of its level [-].
    max_store_kwh : float
        Upper limit of the store [kWh_th].

    Returns
    -------
    SizingResult

    Raises
    ------
    ValueError
        On a bad argument (the message names it).
    parktwin.energy.optimal.OptimisationError
        If the LP is infeasible (e.g. hydrogen demand above what the import limit, PV and
        the electrolyser limit can supply) or the solver fails.
    """
    t0 = time.perf_counter()
    load = float_array("load_kw", load_kw, None)
    n = load.shape[0]
    yield_ = float_array("pv_kw_per_kwp", pv_kw_per_kwp, n)
    params = BatteryParams() if params is None else params
    price, imp, exp_lim, feed_in, dc, pen = grid_inputs(
        price_cny_per_kwh, params, import_limit_kw, export_limit_kw, feed_in_price_cny_per_kwh,
        demand_charge_cny_per_kw_month, unserved_cost_cny_per_kwh, n)
    max_pv = limit_value("max_pv_kwp", max_pv_kwp, allow_inf=True)
    caps_max = {
        "battery_kwh": limit_value("max_battery_kwh", max_battery_kwh, allow_inf=True),
        "battery_kw": limit_value("max_battery_kw", max_battery_kw, allow_inf=True),
        "electrolyser_kw": limit_value("max_electrolyser_kw", max_electrolyser_kw, allow_inf=True),
        "tank_kg": limit_value("max_tank_kg", max_tank_kg, allow_inf=True),
    }
    if int(hours_per_year) != hours_per_year or hours_per_year < 1:
        raise ValueError(f"hours_per_year must be a positive integer, got {hours_per_year!r}")
    h2 = hydrogen_demand_kg is not None
    if h2:
        dem = float_array("hydrogen_demand_kg", hydrogen_demand_kg, n)
        if electrolyser_kwh_per_kg is None:
            raise ValueError("electrolyser_kwh_per_kg is required with a hydrogen_demand_kg")
        kpk = limit_value("electrolyser_kwh_per_kg", electrolyser_kwh_per_kg, allow_inf=False)
        if kpk <= 0:
            raise ValueError(f"electrolyser_kwh_per_kg must be > 0, got {electrolyser_kwh_per_kg!r}")
    heat = heat_demand_kw is not None
    if heat:
        hdem = float_array("heat_demand_kw", heat_demand_kw, n)
        hcop = np.broadcast_to(np.asarray(heat_cop, dtype=float), (n,))
        if not (np.isfinite(hcop).all() and (hcop > 0).all()):
            raise ValueError("heat_cop must be finite and > 0")
        h_eta = limit_value("store_heater_efficiency", store_heater_efficiency, allow_inf=False)
        h_loss = limit_value("store_loss_share_per_h", store_loss_share_per_h, allow_inf=False)
        if h_eta <= 0 or h_loss >= 1:
            raise ValueError("store_heater_efficiency must be > 0 and store_loss_share_per_h < 1")
        caps_max["store_kwh"] = limit_value("max_store_kwh", max_store_kwh, allow_inf=True)
    costs = _cost_table(annualised_cost, h2, heat)
    month_idx, labels = month_index(month_of_hour, n)
    n_month = labels.shape[0] if dc > 0 else 0
    share = n / float(hours_per_year)

    eta_c, eta_d = float(params.charge_efficiency), float(params.discharge_efficiency)
    smin, smax = float(params.soc_min_share), float(params.soc_max_share)
    ex_ub = np.where(feed_in > price, 0.0, exp_lim)

    # ---- columns: hourly blocks, then scalars
    blocks = ["ptl", "ptb", "ex", "cur", "gtl", "gtb", "btl", "uns", "soc"]
    if h2:
        blocks += ["el", "tank"]
    if heat:
        blocks += ["hin", "hout", "hs"]
    # hourly copies of the capacities (see the module docstring: no dense columns)
    linked = {"pv_kwp": "k_pv", "battery_kwh": "k_eb", "battery_kw": "k_pb"}
    if h2:
        linked.update(electrolyser_kw="k_el", tank_kg="k_tk")
    if heat:
        linked.update(store_kwh="k_hs", store_heater_kw="k_hh")
    blocks += list(linked.values())
    b = {name: i for i, name in enumerate(blocks)}
    hours = np.arange(n)

    def col(name: str, h=hours):
        return b[name] * n + h

    base = len(blocks) * n
    scalars = ["pv_kwp", "battery_kwh", "battery_kw", "soc0"]
    if h2:
        scalars += ["electrolyser_kw", "tank_kg", "tank0"]
    if heat:
        scalars += ["store_kwh", "store_heater_kw", "hs0"]
    sc = {name: base + i for i, name in enumerate(scalars)}
    pk0 = base + len(scalars)
    n_cols = pk0 + n_month

    lower = np.zeros(n_cols)
    upper = np.full(n_cols, np.inf)
    cost = np.zeros(n_cols)
    upper[col("ex")] = ex_ub
    upper[col("gtl")] = imp
    upper[col("gtb")] = imp if params.grid_charging else 0.0
    upper[col("uns")] = load
    upper[sc["pv_kwp"]] = max_pv
    for name in ("battery_kwh", "battery_kw"):
        upper[sc[name]] = caps_max[name]
    cost[col("ptb")] = THROUGHPUT_COST_CNY_PER_KWH
    cost[col("gtb")] = price + THROUGHPUT_COST_CNY_PER_KWH
    cost[col("btl")] = THROUGHPUT_COST_CNY_PER_KWH
    cost[col("gtl")] = price
    cost[col("ex")] = -feed_in
    cost[col("cur")] = CURTAILMENT_COST_CNY_PER_KWH
    cost[col("uns")] = pen
    cost[sc["pv_kwp"]] = costs["pv_cny_per_kwp_yr"] * share
    cost[sc["battery_kwh"]] = costs["battery_cny_per_kwh_yr"] * share
    cost[sc["battery_kw"]] = costs["battery_cny_per_kw_yr"] * share
    if h2:
        upper[sc["electrolyser_kw"]] = caps_max["electrolyser_kw"]
        upper[sc["tank_kg"]] = caps_max["tank_kg"]
        cost[sc["electrolyser_kw"]] = costs["electrolyser_cny_per_kw_yr"] * share
        cost[sc["tank_kg"]] = costs["h2_tank_cny_per_kg_yr"] * share
    if heat:
        upper[sc["store_kwh"]] = caps_max["store_kwh"]
        upper[col("hout")] = hdem
        cost[sc["store_kwh"]] = costs["thermal_store_cny_per_kwh_yr"] * share
        cost[sc["store_heater_kw"]] = costs["store_heater_cny_per_kw_yr"] * share
    cost[pk0:] = dc

    def cap_col(name: str, with_start: bool = False):
        """Columns of capacity ``name`` for the hourly rows (+ the start-state row)."""
        c = col(linked[name]) if name in linked else np.full(n, sc[name])
        return np.append(c, sc[name]) if with_start else c

    rows, cols, vals, rlo, rhi = [], [], [], [], []
    r0 = 0

    def add(r, c, v) -> None:
        r = np.atleast_1d(r)
        rows.append(r0 + r)
        cols.append(np.broadcast_to(np.atleast_1d(c), r.shape))
        vals.append(np.broadcast_to(np.asarray(v, dtype=np.float64), r.shape))

    def rows_done(m: int, lo_b, hi_b) -> None:
        nonlocal r0
        rlo.append(np.broadcast_to(np.asarray(lo_b, dtype=np.float64), (m,)))
        rhi.append(np.broadcast_to(np.asarray(hi_b, dtype=np.float64), (m,)))
        r0 += m

    # PV balance
    for name in ("ptl", "ptb", "ex", "cur"):
        add(hours, col(name), 1.0)
    add(hours, cap_col("pv_kwp"), -yield_)
    rows_done(n, 0.0, 0.0)
    # load balance (electrolyser included)
    for name in ("ptl", "gtl", "btl", "uns"):
        add(hours, col(name), 1.0)
    if h2:
        add(hours, col("el"), -1.0)
    if heat:  # the heat's electricity: (demand - store out) / COP + store in / heater efficiency
        add(hours, col("hout"), 1.0 / hcop)
        add(hours, col("hin"), -1.0 / h_eta)
        rows_done(n, load + hdem / hcop, load + hdem / hcop)
    else:
        rows_done(n, load, load)
    # SOC dynamics, soc[-1] = soc0
    add(hours, col("soc"), 1.0)
    add(hours[1:], col("soc", hours[:-1]), -1.0)
    add(0, sc["soc0"], -1.0)
    add(hours, col("ptb"), -eta_c)
    add(hours, col("gtb"), -eta_c)
    add(hours, col("btl"), 1.0 / eta_d)
    rows_done(n, 0.0, 0.0)
    # SOC window linked to the energy capacity (hours and the start state)
    socs = np.append(col("soc"), sc["soc0"])
    m = n + 1
    add(np.arange(m), socs, 1.0)
    add(np.arange(m), cap_col("battery_kwh", True), -smax)
    rows_done(m, -np.inf, 0.0)
    add(np.arange(m), socs, 1.0)
    add(np.arange(m), cap_col("battery_kwh", True), -max(smin, float(params.reserve_share)))
    rows_done(m, 0.0, np.inf)
    # cyclic: end >= start
    add(0, col("soc", n - 1), 1.0)
    add(0, sc["soc0"], -1.0)
    rows_done(1, 0.0, np.inf)
    # battery power linked to the power capacity
    for name in ("ptb", "gtb", "btl"):
        add(hours, col(name), 1.0)
    add(hours, cap_col("battery_kw"), -1.0)
    rows_done(n, -np.inf, 0.0)
    # grid import limit
    add(hours, col("gtl"), 1.0)
    add(hours, col("gtb"), 1.0)
    rows_done(n, -np.inf, imp)
    if h2:
        # electrolyser power <= capacity
        add(hours, col("el"), 1.0)
        add(hours, cap_col("electrolyser_kw"), -1.0)
        rows_done(n, -np.inf, 0.0)
        # tank balance, tank[-1] = tank0
        add(hours, col("tank"), 1.0)
        add(hours[1:], col("tank", hours[:-1]), -1.0)
        add(0, sc["tank0"], -1.0)
        add(hours, col("el"), -1.0 / kpk)
        rows_done(n, -dem, -dem)
        # tank level <= capacity (hours and start), cyclic
        tanks = np.append(col("tank"), sc["tank0"])
        add(np.arange(m), tanks, 1.0)
        add(np.arange(m), cap_col("tank_kg", True), -1.0)
        rows_done(m, -np.inf, 0.0)
        add(0, col("tank", n - 1), 1.0)
        add(0, sc["tank0"], -1.0)
        rows_done(1, 0.0, np.inf)
    if heat:
        # store level, hs[-1] = hs0
        add(hours, col("hs"), 1.0)
        add(hours[1:], col("hs", hours[:-1]), -(1.0 - h_loss))
        add(0, sc["hs0"], -(1.0 - h_loss))
        add(hours, col("hin"), -1.0)
        add(hours, col("hout"), 1.0)
        rows_done(n, 0.0, 0.0)
        # level <= capacity (hours and start), heater <= its capacity, cyclic
        levels = np.append(col("hs"), sc["hs0"])
        add(np.arange(m), levels, 1.0)
        add(np.arange(m), cap_col("store_kwh", True), -1.0)
        rows_done(m, -np.inf, 0.0)
        add(hours, col("hin"), 1.0)
        add(hours, cap_col("store_heater_kw"), -1.0)
        rows_done(n, -np.inf, 0.0)
        add(0, col("hs", n - 1), 1.0)
        add(0, sc["hs0"], -1.0)
        rows_done(1, 0.0, np.inf)
    if n_month:
        add(hours, col("gtl"), 1.0)
        add(hours, col("gtb"), 1.0)
        add(hours, pk0 + month_idx, -1.0)
        rows_done(n, -np.inf, 0.0)
    # capacity copies: copy[0] = capacity, copy[h] = copy[h-1]
    for name, blk in linked.items():
        add(hours, col(blk), 1.0)
        add(0, sc[name], -1.0)
        add(hours[1:], col(blk, hours[:-1]), -1.0)
        rows_done(n, 0.0, 0.0)

    a = sp.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r0, n_cols)
    )
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    x, obj, status = solve_lp(
        cost, lower, upper, a, np.concatenate(rlo), np.concatenate(rhi), "capacity sizing"
    )
    solve_s = time.perf_counter() - t1

    def val(name: str) -> float:
        return max(float(x[sc[name]]), 0.0)

    def block(name: str) -> np.ndarray:
        return x[b[name] * n:(b[name] + 1) * n]

    pv_kwp = min(val("pv_kwp"), max_pv)
    e_kwh, p_kw = val("battery_kwh"), val("battery_kw")
    if h2:
        el_kw, tank_kg = val("electrolyser_kw"), val("tank_kg")
        el = np.clip(block("el"), 0.0, el_kw)
        h2_made = el / kpk
        tank = val("tank0") + np.cumsum(h2_made - dem)
    else:
        el_kw = tank_kg = 0.0
        el = np.zeros(n)
        h2_made = np.zeros(n)
        tank = np.zeros(n)
    store = {}
    heat_el = np.zeros(n)
    if heat:
        hin, hout = np.maximum(block("hin"), 0.0), np.clip(block("hout"), 0.0, hdem)
        heat_el = (hdem - hout) / hcop + hin / h_eta
        store = {"store_kwh": val("store_kwh"), "store_heater_kw": val("store_heater_kw"), "store_in_kw": hin, "store_out_kw": hout,
                 "store_level_kwh": np.maximum(block("hs"), 0.0)}
    pv = yield_ * pv_kwp
    total_load = load + el + heat_el
    ptl = np.clip(block("ptl"), 0.0, np.minimum(pv, total_load))
    raw = {
        "pv_to_battery": block("ptb"),
        "grid_to_battery": block("gtb"),
        "export": block("ex"),
        "battery_to_load": block("btl"),
        "unserved": block("uns"),
    }
    cap = np.full(n, e_kwh)
    pwr = np.full(n, p_kw)
    gtb_ub = np.minimum(pwr, imp) if params.grid_charging else np.zeros(n)
    soc0 = min(max(val("soc0"), smin * e_kwh), smax * e_kwh)
    dispatch = finalise_flows(
        total_load, pv, ptl, raw, cap, pwr, imp, ex_ub, gtb_ub, params, soc0, soc0
    )
    per_year = 1.0 / share
    op = dispatch_cost_cny(dispatch, price, feed_in, month_of_hour, dc, pen)
    op = {k: v * per_year for k, v in op.items()}
    capc = {
        "pv": pv_kwp * costs["pv_cny_per_kwp_yr"],
        "battery_energy": e_kwh * costs["battery_cny_per_kwh_yr"],
        "battery_power": p_kw * costs["battery_cny_per_kw_yr"],
        "electrolyser": el_kw * costs["electrolyser_cny_per_kw_yr"],
        "h2_tank": tank_kg * costs["h2_tank_cny_per_kg_yr"],
        "thermal_store": store.get("store_kwh", 0.0) * costs["thermal_store_cny_per_kwh_yr"],
        "store_heater": store.get("store_heater_kw", 0.0) * costs["store_heater_cny_per_kw_yr"],
    }
    for arr in (el, h2_made, tank):
        arr.flags.writeable = False
    return SizingResult(
        pv_kwp=pv_kwp,
        battery_kwh=e_kwh,
        battery_kw=p_kw,
        electrolyser_kw=el_kw,
        tank_kg=tank_kg,
        annual_cost_cny=sum(capc.values()) + op["objective_cny"],
        capacity_cost_cny_per_yr=capc,
        operating_cost_cny_per_yr=op,
        dispatch=dispatch,
        electrolyser_load_kw=el,
        h2_production_kg=h2_made,
        tank_level_kg=tank,
        solver={
            "status": status,
            "objective_cny": obj,
            "n_rows": r0,
            "n_cols": n_cols,
            "build_s": build_s,
            "solve_s": solve_s,
        },
        **store,
    )


def as_roadmap_items(
    result: SizingResult,
    year: int,
    roof_kwp_total: float,
    existing_pv_kwp: float = 0.0,
    existing_battery_kwh: float = 0.0,
    existing_battery_kw: float = 0.0,
    lead_time_days: float = 0.0,
    min_size: float = 1.0,
) -> list[dict]:
    """Turn a sizing into scenario roadmap entries (``Scenario.roadmap`` items).

    Parameters
    ----------
    result : SizingResult
        Output of :func:`size_system`.
    year : int
        Calendar year of the decision.
    roof_kwp_total : float
        PV capacity of all usable roofs at ``roof_share = 1`` [kWp] (roof area ×
        ``pv_design.kwp_per_roof_m2``), so ``roof_share = new kWp / roof_kwp_total``.
    existing_pv_kwp, existing_battery_kwh, existing_battery_kw : float
        Capacities already installed [kWp, kWh, kW]; only the additions become items.
    lead_time_days : float
        Approval and construction time written into each item [d].
    min_size : float
        Additions below this (kWp, kWh) are dropped as round-off.

    Returns
    -------
    list[dict]
        ``{"kind": "rooftop_pv", "year", "roof_share", "lead_time_days"}`` and
        ``{"kind": "battery", "year", "energy_kwh", "power_kw", "lead_time_days"}``, each
        only if the addition is >= ``min_size``; ``{"kind": "thermal_storage", "year",
        "capacity_kwh", "charge_kw", "discharge_kw", "lead_time_days"}`` for a sized hot-water
        store (discharge = the most it delivered in an hour). The electrolyser and tank have no
        capacity item in the scenario schema (``hydrogen_process_heat`` takes a share of
        fuel); they are not returned.
    """
    if not (roof_kwp_total > 0 and math.isfinite(roof_kwp_total)):
        raise ValueError(f"roof_kwp_total must be finite and > 0, got {roof_kwp_total!r}")
    items: list[dict] = []
    add_pv = result.pv_kwp - existing_pv_kwp
    if add_pv >= min_size:
        items.append({
            "kind": "rooftop_pv",
            "year": int(year),
            # the scenario's roof_share is the share of every roof in use after the item
            "roof_share": float(min(result.pv_kwp / roof_kwp_total, 1.0)),
            "lead_time_days": float(lead_time_days),
        })
    add_e = result.battery_kwh - existing_battery_kwh
    add_p = result.battery_kw - existing_battery_kw
    if result.store_kwh >= min_size and result.store_heater_kw > 0 and result.store_out_kw is not None and result.store_out_kw.max() > 0:
        items.append({
            "kind": "thermal_storage",
            "year": int(year),
            "capacity_kwh": float(result.store_kwh),
            "charge_kw": float(result.store_heater_kw),
            "discharge_kw": float(result.store_out_kw.max()),  # the most the sized dispatch drew in an hour
            "lead_time_days": float(lead_time_days),
        })
    if add_e >= min_size and add_p > 0:
        items.append({
            "kind": "battery",
            "year": int(year),
            "energy_kwh": float(add_e),
            "power_kw": float(add_p),
            "lead_time_days": float(lead_time_days),
        })
    return items

"""Tests of the optimal EMS and the sizing LP (parktwin.energy.optimal / .sizing).

Known answers are hand-computed in the comments; the LP is also checked against an
independent dense formulation solved with scipy.optimize.linprog, and against the
rule-based EMS (an LP over a feasible set that contains the rule-based trajectory can only
be cheaper).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from invariants import FLOWS, assert_balanced
from parktwin.energy.dispatch import (
    BatteryParams,
    DispatchResult,
    annual_flows_kwh,
    dispatch_rule_based,
)
from parktwin.energy.optimal import (
    CURTAILMENT_COST_CNY_PER_KWH,
    THROUGHPUT_COST_CNY_PER_KWH,
    OptimisationError,
    default_unserved_cost,
    dispatch_cost_cny,
    dispatch_optimal,
    dispatch_optimal_with_cost,
)
from parktwin.energy.sizing import (
    annualised_cost_cny_per_yr,
    as_roadmap_items,
    capital_recovery_factor,
    size_system,
)
from parktwin.energy.tou import tou_period_codes
from parktwin.spec.scenario import Battery, RooftopPv

TOL = 1e-6
TC = THROUGHPUT_COST_CNY_PER_KWH
TOU_PRICE = np.array([0.28, 0.65, 1.12, 1.34])  # the demo park's valley/flat/peak/critical


# --------------------------------------------------------------------------- invariants


def check_invariants(r: DispatchResult, inp: dict, tol: float = TOL) -> None:
    """Every physical invariant of an optimal dispatch (constant battery capacity)."""
    prm: BatteryParams = inp["params"]
    load, pv = np.asarray(inp["load"], float), np.asarray(inp["pv"], float)
    n = load.size
    cap = np.broadcast_to(np.asarray(inp["cap"], float), (n,))
    pw = np.broadcast_to(np.asarray(inp["power"], float), (n,))
    imp = np.broadcast_to(np.asarray(inp["import_limit"], float), (n,))
    price = np.asarray(inp["price"], float)
    feed = inp.get("feed_in", 0.0)
    ex_cap = np.where(feed > price, 0.0, inp["export_limit"])
    lo, hi = prm.soc_min_share * cap, prm.soc_max_share * cap
    p_eff = np.where(cap > 0, pw, 0.0)

    assert_balanced(r, load, pv, tol)
    for name in (*FLOWS, "soc_kwh", "soc_adjustment_kwh", "load_kw", "pv_kw"):
        assert not getattr(r, name).flags.writeable, name
    assert (r.grid_import_kw <= imp + tol).all(), "import limit"
    assert (r.export_kw <= ex_cap + tol).all(), "export limit"
    charge, dis = r.battery_charge_kw, r.battery_to_load_kw
    assert (charge + dis <= p_eff + tol).all(), "battery power"
    assert not ((charge > tol) & (dis > tol)).any(), "charge and discharge in one hour"
    assert not ((r.grid_import_kw > tol) & (r.export_kw > tol)).any(), "import and export"
    if not prm.grid_charging:
        assert (r.grid_to_battery_kw <= tol).all()
    assert (r.soc_kwh >= lo - tol).all() and (r.soc_kwh <= hi + tol).all(), "SOC window"
    assert r.final_soc_kwh == r.soc_kwh[-1]
    if prm.reserve_share > prm.soc_min_share:  # the reserve is a floor (or the start, if lower)
        start = np.clip(inp["soc_start"], lo[0], hi[0])
        assert (r.soc_kwh >= np.minimum(prm.reserve_share * cap, start) - tol).all(), "reserve"
    # exact conservation with the recorded adjustments; adjustments are only the start clip
    # plus round-off (constant capacity here)
    eta_c, eta_d = prm.charge_efficiency, prm.discharge_efficiency
    prev = np.concatenate(([inp["soc_start"]], r.soc_kwh[:-1]))
    np.testing.assert_allclose(
        r.soc_kwh - prev, charge * eta_c - dis / eta_d + r.soc_adjustment_kwh,
        rtol=0, atol=tol, err_msg="hourly conservation",
    )
    start_clip = min(max(inp["soc_start"], lo[0]), hi[0]) - inp["soc_start"]
    assert r.soc_adjustment_kwh[0] == pytest.approx(start_clip, abs=tol)
    assert np.abs(r.soc_adjustment_kwh[1:]).max(initial=0.0) <= tol
    # curtailment only when export is at its hourly cap (the tiny curtailment cost makes
    # export strictly better than curtailment whenever export has room)
    cu = r.curtailed_kw > tol
    assert (r.export_kw[cu] >= ex_cap[cu] - tol).all(), "curtailed with export headroom"
    # unserved only when the import limit binds (import is always cheaper than the penalty)
    un = r.unserved_kw > tol
    assert (r.grid_import_kw[un] >= imp[un] - tol).all(), "unserved with import headroom"
    if "soc_end" in inp:
        assert r.final_soc_kwh >= inp["soc_end"] - tol


def _call(inp: dict, **kw):
    return dispatch_optimal_with_cost(
        inp["load"], inp["pv"], inp["price"], inp["cap"], inp["power"], inp["params"],
        inp["import_limit"], inp["export_limit"], inp.get("feed_in", 0.0), inp["soc_start"],
        month_of_hour=inp.get("month"), demand_charge_cny_per_kw_month=inp.get("dc", 0.0),
        **kw,
    )


# --------------------------------------------------------------------------- hand examples


def test_hand_solved_four_hour_arbitrage():
    # E = 100 kWh, P = 50 kW, eta_c = eta_d = 0.9, window 0..100, start empty, final >= 0.
    # Load 50 kW every hour, no PV; prices 0.3, 0.3, 1.0, 1.0; import limit 100 kW.
    # A delivered kWh costs 0.3/0.81 = 0.37 < 1.0, so charge at full power in both valley
    # hours: 2 x 50 kW -> 90 kWh stored -> 81 kWh delivered in hours 2-3 (<= 50 kW each).
    # Energy charge = 0.3 * (100 + 100) + 1.0 * (100 - 81) = 60 + 19 = 79 CNY.
    # Tiny throughput cost = (100 + 81) * 1e-4. Without a battery: 0.3*100 + 1.0*100 = 130.
    inp = dict(
        load=np.full(4, 50.0), pv=np.zeros(4), price=np.array([0.3, 0.3, 1.0, 1.0]),
        cap=100.0, power=50.0, params=BatteryParams(0.9, 0.9, 0.0, 1.0),
        import_limit=100.0, export_limit=0.0, soc_start=0.0,
    )
    out = _call(inp)
    r = out.dispatch
    check_invariants(r, inp)
    np.testing.assert_allclose(r.grid_to_battery_kw, [50, 50, 0, 0], atol=1e-7)
    assert r.battery_to_load_kw[2:].sum() == pytest.approx(81.0, abs=1e-7)
    np.testing.assert_allclose(r.soc_kwh[:2], [45, 90], atol=1e-7)
    assert r.final_soc_kwh == pytest.approx(0.0, abs=1e-7)
    assert out.costs["energy_charge_cny"] == pytest.approx(79.0, abs=1e-7)
    assert out.objective_cny == pytest.approx(79.0 + 181 * TC, abs=1e-7)
    assert out.solver["lp_objective_cny"] == pytest.approx(out.objective_cny, abs=1e-6)
    assert out.solver["status"] == "Optimal"


def test_hand_solved_demand_charge_peak_shaving():
    # Flat price 1 CNY/kWh, demand charge 10 CNY/kW per month, loads 50 then 100 kW,
    # lossless battery E = 100, P = 50, start empty, final >= 0. The energy charge is 150
    # whatever the battery does; charging 25 in hour 0 and discharging 25 in hour 1 levels
    # the import at 75 kW: demand charge 750 instead of 1000.
    inp = dict(
        load=np.array([50.0, 100.0]), pv=np.zeros(2), price=np.ones(2), cap=100.0,
        power=50.0, params=BatteryParams(1.0, 1.0, 0.0, 1.0), import_limit=200.0,
        export_limit=0.0, soc_start=0.0, month=np.array([1, 1]), dc=10.0,
    )
    out = _call(inp)
    check_invariants(out.dispatch, inp)
    np.testing.assert_allclose(out.dispatch.grid_import_kw, [75.0, 75.0], atol=1e-7)
    assert out.costs["demand_charge_cny"] == pytest.approx(750.0, abs=1e-6)
    assert out.objective_cny == pytest.approx(150 + 750 + 50 * TC, abs=1e-6)


def test_export_preferred_to_curtailment_and_feed_in_above_price_blocks_export():
    # PV 100, load 20: surplus 80, no battery. Export limit 50 -> export 50, curtail 30
    # (export at its cap). With feed-in 0 the tiny curtailment cost still prefers export.
    for feed in (0.0, 0.2):
        inp = dict(
            load=np.full(3, 20.0), pv=np.full(3, 100.0), price=np.full(3, 0.5), cap=0.0,
            power=0.0, params=BatteryParams(), import_limit=100.0, export_limit=50.0,
            soc_start=0.0, feed_in=feed,
        )
        out = _call(inp)
        check_invariants(out.dispatch, inp)
        np.testing.assert_allclose(out.dispatch.export_kw, 50.0, atol=1e-7)
        np.testing.assert_allclose(out.dispatch.curtailed_kw, 30.0, atol=1e-7)
        assert out.costs["export_revenue_cny"] == pytest.approx(150 * feed)
        assert out.costs["curtailment_cost_cny"] == pytest.approx(90 * CURTAILMENT_COST_CNY_PER_KWH)
    # feed-in 0.6 > import price 0.5: export not allowed (no import/export arbitrage)
    inp["feed_in"] = 0.6
    out = _call(inp)
    check_invariants(out.dispatch, inp)
    np.testing.assert_allclose(out.dispatch.export_kw, 0.0, atol=0)


def test_capacity_steps():
    # Lossless, window 0.1..0.9, idle battery (no load, no PV, no grid charging).
    # Hour 0: E = 100, start 50 -> 50. Hour 1: E steps up to 300 -> the new 200 kWh arrive
    # holding their floor 0.1*200 = 20 -> 70. Hour 2: E steps down to 50 -> ceiling 45 ->
    # 70 - 25 = 45 removed. Conservation holds with soc_adjustment = [0, 20, -25].
    params = BatteryParams(1.0, 1.0, 0.1, 0.9, grid_charging=False)
    z = np.zeros(3)
    r = dispatch_optimal(z, z, np.ones(3), [100.0, 300.0, 50.0], 10.0, params, 0.0, 0.0,
                         soc_start_kwh=50.0)
    np.testing.assert_allclose(r.soc_kwh, [50, 70, 45], atol=1e-9)
    np.testing.assert_allclose(r.soc_adjustment_kwh, [0, 20, -25], atol=1e-9)
    # the start state is clipped into the first window, as in the rule-based EMS
    r = dispatch_optimal(z, z, np.ones(3), 100.0, 10.0, params, 0.0, 0.0, soc_start_kwh=500.0)
    assert r.soc_adjustment_kwh[0] == pytest.approx(-410.0)
    assert r.soc_start_kwh == 500.0
    np.testing.assert_allclose(r.soc_kwh, 90.0)


def test_battery_energy_before_a_step_down_is_used_not_lost():
    # Lossless battery holds 80 kWh (E = 100, window 0..1); from hour 2 it is decommissioned
    # (E = 0). Load 30 kW/h at price 1: the LP discharges 30 + 30 before the step instead of
    # letting the clip remove the energy, and ends with soc 0 (target capped by the run's
    # lowest ceiling 0).
    params = BatteryParams(1.0, 1.0, 0.0, 1.0)
    load = np.full(4, 30.0)
    r = dispatch_optimal(load, np.zeros(4), np.ones(4), [100.0, 100.0, 0.0, 0.0], 50.0, params,
                         100.0, 0.0, soc_start_kwh=80.0)
    np.testing.assert_allclose(r.battery_to_load_kw, [30, 30, 0, 0], atol=1e-7)
    np.testing.assert_allclose(r.soc_adjustment_kwh, [0, 0, -20, 0], atol=1e-7)


def test_reserve_is_kept_as_a_floor():
    # Lossless, E = 100 (window 0..1), reserve 0.3: a battery full at the start can deliver
    # only 70 kWh of ordinary discharge; the peak load beyond that is imported. A start below
    # the reserve (20 kWh) is feasible and the battery is never discharged below it.
    params = BatteryParams(1.0, 1.0, 0.0, 1.0, grid_charging=False, reserve_share=0.3)
    load = np.full(4, 40.0)
    price = np.array([1.0, 1.0, 1.0, 1.0])
    r = dispatch_optimal(load, np.zeros(4), price, 100.0, 50.0, params, 100.0, 0.0,
                         soc_start_kwh=100.0, soc_end_kwh=0.0)
    assert r.battery_to_load_kw.sum() == pytest.approx(70.0, abs=1e-7)
    assert r.soc_kwh.min() == pytest.approx(30.0, abs=1e-7)
    r = dispatch_optimal(load, np.zeros(4), price, 100.0, 50.0, params, 100.0, 0.0,
                         soc_start_kwh=20.0, soc_end_kwh=0.0)
    np.testing.assert_allclose(r.soc_kwh, 20.0, atol=1e-9)


def test_unreachable_final_soc_raises():
    params = BatteryParams(1.0, 1.0, 0.0, 1.0, grid_charging=False)
    z = np.zeros(5)
    with pytest.raises(OptimisationError, match="not optimal|Infeasible"):
        dispatch_optimal(z, z, np.ones(5), 100.0, 10.0, params, 100.0, 0.0, 0.0, soc_end_kwh=30.0)
    with pytest.raises(OptimisationError, match="soc_end_kwh"):
        dispatch_optimal(z, z, np.ones(5), 100.0, 10.0, params, 100.0, 0.0, 0.0, soc_end_kwh=130.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"load_kw": np.ones(3)}, r"pv_kw must have shape \(3,\)"),
        ({"price_cny_per_kwh": -np.ones(4)}, r"price_cny_per_kwh must be >= 0"),
        ({"battery_energy_kwh": np.ones(5)}, r"battery_energy_kwh must have shape"),
        ({"import_limit_kw": -1.0}, r"import_limit_kw must be >= 0"),
        ({"params": {"charge_efficiency": 0.9}}, r"params must be a BatteryParams"),
        ({"month_of_hour": np.zeros(4)}, r"month_of_hour must be an integer array"),
        ({"horizon_h": 0}, r"horizon_h must be a positive integer"),
        ({"overlap_h": -2}, r"overlap_h must be an integer >= 0"),
    ],
)
def test_validation_names_the_argument(kwargs, match):
    args = dict(
        load_kw=np.ones(4), pv_kw=np.ones(4), price_cny_per_kwh=np.ones(4),
        battery_energy_kwh=10.0, battery_power_kw=5.0, params=BatteryParams(),
        import_limit_kw=10.0, export_limit_kw=0.0,
    )
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        dispatch_optimal(**args)


# --------------------------------------------------------------------------- independent LP


def _linprog_optimum(inp: dict) -> float:
    """The same problem written independently as a dense LP, solved by scipy's linprog.

    Variables per hour h (k = 9 per hour, index k*h + j): 0 pv_to_load, 1 pv_to_battery,
    2 export, 3 curtailed, 4 grid_to_load, 5 grid_to_battery, 6 battery_to_load,
    7 unserved, 8 soc; then one peak variable. pv_to_load is fixed to min(pv, load) by its
    bounds; the battery capacity is constant; soc[-1] = clip(start).
    """
    load, pv, price = inp["load"], inp["pv"], inp["price"]
    n, k = load.size, 9
    prm = inp["params"]
    cap, pw = inp["cap"], inp["power"]
    lo, hi = prm.soc_min_share * cap, prm.soc_max_share * cap
    s0 = min(max(inp["soc_start"], lo), hi)
    feed, dc = inp["feed_in"], inp["dc"]
    nv = k * n + 1
    c = np.zeros(nv)
    bounds = []
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for h in range(n):
        m = min(pv[h], load[h])
        ex_max = inp["export_limit"] if feed <= price[h] else 0.0
        bounds += [(m, m), (0, None), (0, ex_max), (0, None), (0, None),
                   (0, None if prm.grid_charging else 0), (0, None), (0, None), (lo, hi)]
        i = k * h
        c[i + 1] = TC
        c[i + 2] = -feed
        c[i + 3] = CURTAILMENT_COST_CNY_PER_KWH
        c[i + 4] = price[h]
        c[i + 5] = price[h] + TC
        c[i + 6] = TC
        c[i + 7] = inp["unserved_cost"]
        row = np.zeros(nv)
        row[[i, i + 1, i + 2, i + 3]] = 1  # PV balance
        a_eq.append(row), b_eq.append(pv[h])
        row = np.zeros(nv)
        row[[i, i + 4, i + 6, i + 7]] = 1  # load balance
        a_eq.append(row), b_eq.append(load[h])
        row = np.zeros(nv)  # soc[h] - soc[h-1] - eta_c*charge + discharge/eta_d = 0
        row[i + 8] = 1
        row[i + 1] = row[i + 5] = -prm.charge_efficiency
        row[i + 6] = 1 / prm.discharge_efficiency
        if h:
            row[i - k + 8] = -1
        a_eq.append(row), b_eq.append(s0 if h == 0 else 0.0)
        row = np.zeros(nv)
        row[[i + 1, i + 5, i + 6]] = 1  # power
        a_ub.append(row), b_ub.append(pw)
        row = np.zeros(nv)
        row[[i + 4, i + 5]] = 1  # import limit
        a_ub.append(row), b_ub.append(inp["import_limit"])
        row = row.copy()
        row[-1] = -1  # import <= peak
        a_ub.append(row), b_ub.append(0.0)
    bounds.append((0, None))
    c[-1] = dc
    # final soc >= start (after clip)
    lb, ub = bounds[k * (n - 1) + 8]
    bounds[k * (n - 1) + 8] = (max(lb, s0), ub)
    res = linprog(c, A_ub=np.array(a_ub), b_ub=b_ub, A_eq=np.array(a_eq), b_eq=b_eq,
                  bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return float(res.fun)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_lp_equals_independent_dense_formulation(seed):
    rng = np.random.default_rng(seed)
    n = 18
    hod = np.arange(n) % 24
    period = rng.integers(0, 4, n)
    inp = dict(
        load=rng.uniform(20, 120, n).round(1),
        pv=(np.clip(np.sin(np.pi * (hod - 5) / 12), 0, None) * rng.uniform(0, 200)).round(1),
        price=TOU_PRICE[period],
        cap=float(rng.choice([50.0, 200.0])), power=float(rng.choice([20.0, 80.0])),
        params=BatteryParams(0.95, 0.9, 0.1, 0.9, grid_charging=bool(seed % 2)),
        import_limit=float(rng.choice([90.0, 1000.0])), export_limit=float(rng.choice([0.0, 40.0])),
        feed_in=0.3 if seed < 2 else 0.0, soc_start=30.0, dc=float(seed * 5),
        month=np.ones(n, dtype=int),
    )
    inp["unserved_cost"] = default_unserved_cost(inp["price"], inp["dc"])
    want = _linprog_optimum(inp)
    out = _call(inp)
    check_invariants(out.dispatch, inp)
    assert out.objective_cny == pytest.approx(want, rel=1e-3, abs=1e-6)
    assert out.solver["lp_objective_cny"] == pytest.approx(want, rel=1e-6, abs=1e-6)


# --------------------------------------------------------------------------- property test


@st.composite
def small_cases(draw):
    n = draw(st.integers(1, 72))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    hod = (np.arange(n) + draw(st.integers(0, 23))) % 24
    load = rng.uniform(0, draw(st.sampled_from([100.0, 400.0])), n)
    pv = np.clip(np.sin(np.pi * (hod - 6) / 12), 0, None) * rng.uniform(0, 1, n)
    pv *= draw(st.sampled_from([300.0, 0.0, 800.0]))
    if draw(st.booleans()):
        load, pv = load.round(), pv.round()
    period = tou_period_codes(
        hod, peak_hours=[8, 9, 10, 17, 18, 19, 20, 21],
        flat_hours=[11, 12, 13, 14, 15, 16, 22, 23], valley_hours=range(8),
    )
    price = TOU_PRICE[period]
    cap = draw(st.sampled_from([400.0, 0.0, 100.0, 2000.0]))
    smin = draw(st.floats(0.0, 0.3))
    smax = draw(st.floats(smin + 0.05, 1.0))
    import_limit = draw(st.sampled_from([np.inf, 300.0, 120.0, 0.0]))
    # the LP keeps the reserve as a hard floor; the rules may use it when the import limit
    # binds, so a reserve is drawn only where that cannot happen
    reserve = draw(st.sampled_from([0.0, 0.4])) if import_limit == np.inf else 0.0
    params = BatteryParams(
        charge_efficiency=draw(st.floats(0.6, 1.0)),
        discharge_efficiency=draw(st.floats(0.6, 1.0)),
        soc_min_share=smin,
        soc_max_share=smax,
        grid_charging=draw(st.booleans()),
        reserve_share=reserve if reserve < smax else 0.0,
    )
    month = np.where(np.arange(n) < draw(st.integers(0, n)), 1, 2)
    export_limit = draw(st.sampled_from([0.0, 100.0, np.inf, "hourly"]))
    if export_limit == "hourly":
        export_limit = rng.choice([0.0, 50.0, 200.0], n)
    return dict(
        load=load, pv=pv, period=period, price=price, cap=cap,
        power=cap * draw(st.sampled_from([0.5, 0.25, 1.0])), params=params,
        import_limit=import_limit,
        export_limit=export_limit,
        # feed-in <= the lowest import price, so the LP may export whenever the rules do
        feed_in=draw(st.sampled_from([0.0, 0.2, 0.28])),
        soc_start=draw(st.sampled_from([0.0, 50.0, 5000.0])),
        month=month, dc=draw(st.sampled_from([0.0, 40.0])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cases())
def test_optimal_never_costs_more_than_rule_based(inp):
    rule = dispatch_rule_based(
        inp["load"], inp["pv"], inp["period"], np.full(inp["load"].size, inp["cap"]),
        np.full(inp["load"].size, inp["power"]), inp["params"], inp["import_limit"],
        inp["export_limit"], inp["soc_start"],
    )
    # the LP must end at least as full as the rules did, so it cannot borrow stored energy;
    # the rule-based trajectory is then feasible for the LP (PV first, grid charging in any
    # hour is a superset of valley-only, charge + discharge <= P, same limits)
    inp = {**inp, "soc_end": rule.final_soc_kwh}
    out = _call(inp, soc_end_kwh=rule.final_soc_kwh)
    check_invariants(out.dispatch, inp)
    cost = dict(
        price_cny_per_kwh=inp["price"], feed_in_price_cny_per_kwh=inp["feed_in"],
        month_of_hour=inp["month"], demand_charge_cny_per_kw_month=inp["dc"],
        unserved_cost_cny_per_kwh=out.solver["unserved_cost_cny_per_kwh"],
    )
    c_rule = dispatch_cost_cny(rule, **cost)
    c_opt = dispatch_cost_cny(out.dispatch, **cost)
    assert c_opt["objective_cny"] == pytest.approx(out.objective_cny)
    # LP objective <= the rule-based trajectory's objective (same function, tiny terms incl.)
    scale = 1e-7 * max(1.0, abs(c_rule["objective_cny"]))
    assert c_opt["objective_cny"] <= c_rule["objective_cny"] + scale
    real = ("electricity_cost_cny", "unserved_penalty_cny")
    tiny = c_rule["throughput_cost_cny"] + c_rule["curtailment_cost_cny"]
    assert sum(c_opt[k] for k in real) <= sum(c_rule[k] for k in real) + tiny + scale


# --------------------------------------------------------------------------- rolling horizon


def _two_week_case(days: int = 14):
    rng = np.random.default_rng(5)
    hod = np.tile(np.arange(24), days)
    n = hod.size
    load = 300 + 100 * np.sin(2 * np.pi * (hod - 8) / 24) + rng.normal(0, 20, n)
    pv = np.clip(600 * np.sin(np.pi * (hod - 6) / 12), 0, None) * rng.uniform(0.1, 1.0, n)
    period = tou_period_codes(
        hod, peak_hours=[8, 9, 10, 17, 18, 19, 20, 21],
        flat_hours=[11, 12, 13, 14, 15, 16, 22, 23], valley_hours=range(8),
    )
    return dict(
        load=load, pv=pv, price=TOU_PRICE[period], cap=2000.0, power=500.0,
        params=BatteryParams(), import_limit=450.0, export_limit=50.0, feed_in=0.2,
        soc_start=100.0, month=np.repeat([1, 2], [n // 2, n - n // 2]), dc=40.0,
    )


def test_rolling_horizon_close_to_full_lp():
    inp = _two_week_case()
    full = _call(inp)
    check_invariants(full.dispatch, inp)
    for horizon, overlap in ((168, 24), (48, 24), (24, 0)):
        roll = _call(inp, horizon_h=horizon, overlap_h=overlap)
        check_invariants(roll.dispatch, inp)
        assert roll.solver["n_windows"] == -(-inp["load"].size // horizon)
        # full foresight is the optimum: rolling can only be equal or worse ...
        assert roll.objective_cny >= full.objective_cny - 1e-6
        # ... but within a few per cent on this case
        assert roll.objective_cny <= 1.03 * full.objective_cny, (horizon, overlap)
        # never borrows: ends at least at the start state
        assert roll.dispatch.final_soc_kwh >= full.solver["final_soc_target_kwh"] - TOL


def test_full_year_lp_invariants_and_flows():
    rng = np.random.default_rng(11)
    hod = np.tile(np.arange(24), 365)
    n = hod.size
    load = np.clip(4000 + 1500 * np.sin(2 * np.pi * (hod - 9) / 24) + rng.normal(0, 300, n), 0, None)
    pv = np.clip(np.sin(np.pi * (hod - 6) / 12), 0, None) * 5000 * rng.uniform(0.2, 1.0, n)
    period = tou_period_codes(
        hod, peak_hours=[8, 9, 10, 17, 18, 19, 20, 21],
        flat_hours=[11, 12, 13, 14, 15, 16, 22, 23], valley_hours=range(8),
    )
    month = np.repeat(np.arange(1, 13), 730)
    inp = dict(
        load=load, pv=pv, price=TOU_PRICE[period], cap=8000.0, power=2000.0,
        params=BatteryParams(), import_limit=6000.0, export_limit=0.0, soc_start=0.0,
        month=month, dc=40.0,
    )
    out = _call(inp)
    check_invariants(out.dispatch, inp)
    flows = annual_flows_kwh(out.dispatch)
    # battery losses = charge*(1-eta_c) + discharge*(1/eta_d - 1) (no clipping here)
    want = flows["battery_charge_kwh"] * 0.08 + flows["battery_to_load_kwh"] * (1 / 0.92 - 1)
    assert flows["battery_loss_kwh"] == pytest.approx(want, rel=1e-9, abs=1e-6)
    rule = dispatch_rule_based(load, pv, period, np.full(n, 8000.0), np.full(n, 2000.0),
                               BatteryParams(), 6000.0, 0.0, 0.0)
    c_rule = dispatch_cost_cny(rule, inp["price"], 0.0, month, 40.0,
                               out.solver["unserved_cost_cny_per_kwh"])
    assert out.costs["electricity_cost_cny"] < c_rule["electricity_cost_cny"]


# --------------------------------------------------------------------------- sizing


def test_capital_recovery_factor_hand_computed():
    # r = 8 %, n = 10: 1.08^10 = 2.158925; CRF = 0.08*2.158925 / 1.158925 = 0.149029
    assert capital_recovery_factor(10, 0.08) == pytest.approx(0.149029, abs=1e-6)
    # 1000 CNY capex, 2 %/yr fixed O&M -> 149.03 + 20 = 169.03 CNY/yr
    assert annualised_cost_cny_per_yr(1000.0, 10, 0.08, 0.02) == pytest.approx(169.029, abs=1e-3)
    # zero discount rate: straight-line 1/n
    assert annualised_cost_cny_per_yr(1200.0, 20, 0.0, 0.0) == pytest.approx(60.0)
    # 25 yr, 5 %: 1.05^25 = 3.386355; CRF = 0.05*3.386355/2.386355 = 0.070952
    assert capital_recovery_factor(25, 0.05) == pytest.approx(0.070952, abs=1e-6)
    with pytest.raises(ValueError, match="lifetime_yr"):
        capital_recovery_factor(0, 0.05)


NO_BATTERY = {"battery_cny_per_kwh_yr": 1e9, "battery_cny_per_kw_yr": 1e9}


def _day():
    # one day, 24 h: capacity costs count 24/8760 = 1/365 of a year
    load = np.full(24, 100.0)
    pv = np.zeros(24)
    pv[10:13] = [1.0, 0.5, 0.25]  # kW/kWp
    return load, pv


def test_sizing_pv_up_to_where_marginal_value_equals_cost():
    # Flat price 1 CNY/kWh, load 100 kW, no export, battery prohibitive. A kWp yields
    # 1.0 + 0.5 + 0.25 kWh/day; PV at hour h is used while a_h*C <= 100, so the marginal
    # value per kWp and day is 1.75 below 100 kWp, 0.75 up to 200, 0.25 up to 400, then 0.
    # PV costs 182.5 CNY/kWp·yr = 0.5 CNY/kWp·day -> optimum where value falls below
    # cost: C = 200 kWp. Daily cost: 0.5*200 + grid (2400 - 100 - 100 - 50) = 2250.
    load, a = _day()
    cost = {"pv_cny_per_kwp_yr": 182.5, **NO_BATTERY}
    r = size_system(load, a, np.ones(24), cost, max_pv_kwp=1e6, import_limit_kw=1e3)
    assert r.pv_kwp == pytest.approx(200.0, abs=1e-6)
    assert r.battery_kwh == pytest.approx(0.0, abs=1e-9)
    assert r.annual_cost_cny == pytest.approx(2250.0 * 365, rel=1e-6)
    assert r.capacity_cost_cny_per_yr["pv"] == pytest.approx(182.5 * 200)
    # the roof limit binds below the optimum
    r = size_system(load, a, np.ones(24), cost, max_pv_kwp=120.0, import_limit_kw=1e3)
    assert r.pv_kwp == pytest.approx(120.0)
    # PV dearer than 1.75 CNY/kWp·day -> none
    r = size_system(load, a, np.ones(24), {**cost, "pv_cny_per_kwp_yr": 1.8 * 365},
                    max_pv_kwp=1e6, import_limit_kw=1e3)
    assert r.pv_kwp == pytest.approx(0.0, abs=1e-9)


def test_sizing_battery_known_answers():
    # 12 valley hours at 0.3, 12 peak hours at 1.0, load 100 kW, lossless battery with a
    # 0..1 window, nearly free: it shifts the whole peak-hour load, 1200 kWh at 100 kW,
    # saving 0.7 CNY/kWh. With a battery dearer than the spread allows: 0 kWh.
    load, a = _day()
    price = np.repeat([0.3, 1.0], 12)
    prm = BatteryParams(1.0, 1.0, 0.0, 1.0)
    free = {"pv_cny_per_kwp_yr": 1e9, "battery_cny_per_kwh_yr": 1.0, "battery_cny_per_kw_yr": 1.0}
    r = size_system(load, a, price, free, max_pv_kwp=1e6, import_limit_kw=1e3, params=prm)
    assert r.battery_kwh == pytest.approx(1200.0, rel=1e-6)
    assert r.battery_kw == pytest.approx(100.0, rel=1e-6)
    assert r.pv_kwp == pytest.approx(0.0, abs=1e-9)
    check_invariants(
        r.dispatch,
        dict(load=load, pv=r.dispatch.pv_kw, price=price, cap=r.battery_kwh,
             power=r.battery_kw, params=prm, import_limit=1e3, export_limit=0.0,
             soc_start=r.dispatch.soc_start_kwh),
    )
    # one kWh of capacity cycles once a day and earns at most 0.7 CNY/day = 255.5 CNY/yr
    dear = {**free, "battery_cny_per_kwh_yr": 260.0}
    r = size_system(load, a, price, dear, max_pv_kwp=1e6, import_limit_kw=1e3, params=prm)
    assert r.battery_kwh == pytest.approx(0.0, abs=1e-9)
    assert r.battery_kw == pytest.approx(0.0, abs=1e-9)


def test_sizing_electrolyser_and_tank():
    # 1 kg/h of hydrogen at 50 kWh/kg. Flat price: a 50 kW electrolyser runs all day, no
    # tank. 12 valley hours at 0.3 then 12 at 1.0, cheap capacity: 24 kg made in the 12
    # valley hours (100 kW) and 12 kg stored for the peak half of the day.
    load, a = _day()
    demand = np.ones(24)
    cost = {"pv_cny_per_kwp_yr": 1e9, **NO_BATTERY,
            "electrolyser_cny_per_kw_yr": 10.0, "h2_tank_cny_per_kg_yr": 10.0}
    kw = dict(max_pv_kwp=1e6, import_limit_kw=1e4, hydrogen_demand_kg=demand,
              electrolyser_kwh_per_kg=50.0)
    r = size_system(load, a, np.ones(24), cost, **kw)
    assert r.electrolyser_kw == pytest.approx(50.0, rel=1e-6)
    assert r.tank_kg == pytest.approx(0.0, abs=1e-6)
    r = size_system(load, a, np.repeat([0.3, 1.0], 12), cost, **kw)
    assert r.electrolyser_kw == pytest.approx(100.0, rel=1e-6)
    assert r.tank_kg == pytest.approx(12.0, rel=1e-6)
    assert r.h2_production_kg.sum() == pytest.approx(24.0, rel=1e-9)
    assert (r.tank_level_kg >= -TOL).all() and (r.tank_level_kg <= r.tank_kg + TOL).all()
    # the electrolyser's load is part of the dispatch's load, and balanced
    np.testing.assert_allclose(r.dispatch.load_kw, load + r.electrolyser_load_kw)
    d = r.dispatch
    np.testing.assert_allclose(
        d.pv_to_load_kw + d.grid_to_load_kw + d.battery_to_load_kw + d.unserved_kw,
        d.load_kw, atol=TOL,
    )
    with pytest.raises(ValueError, match="electrolyser_kwh_per_kg is required"):
        size_system(load, a, np.ones(24), cost, max_pv_kwp=1.0, import_limit_kw=1e4,
                    hydrogen_demand_kg=demand)
    with pytest.raises(ValueError, match="h2_tank_cny_per_kg_yr"):
        size_system(load, a, np.ones(24), {"pv_cny_per_kwp_yr": 1.0, **NO_BATTERY, "electrolyser_cny_per_kw_yr": 1.0},
                    max_pv_kwp=1.0, import_limit_kw=1e4, hydrogen_demand_kg=demand,
                    electrolyser_kwh_per_kg=50.0)


def test_roadmap_items_validate_against_the_scenario_schema():
    load, a = _day()
    price = np.repeat([0.3, 1.0], 12)
    cost = {"pv_cny_per_kwp_yr": 182.5, "battery_cny_per_kwh_yr": 1.0, "battery_cny_per_kw_yr": 1.0}
    r = size_system(load, a, price, cost, max_pv_kwp=1e6, import_limit_kw=1e3,
                    params=BatteryParams(1.0, 1.0, 0.0, 1.0))
    assert r.pv_kwp > 0 and r.battery_kwh > 0
    items = as_roadmap_items(r, 2027, roof_kwp_total=4 * r.pv_kwp, lead_time_days=90)
    kinds = {i["kind"]: i for i in items}
    assert kinds["rooftop_pv"]["roof_share"] == pytest.approx(0.25)
    assert kinds["battery"]["energy_kwh"] == pytest.approx(r.battery_kwh)
    RooftopPv.model_validate(kinds["rooftop_pv"])
    Battery.model_validate(kinds["battery"])
    # existing capacity covers the optimum: nothing to add
    assert as_roadmap_items(r, 2027, 1e6, existing_pv_kwp=1e6, existing_battery_kwh=1e6) == []
    # roof_share is the share of the roofs in use after the item (existing PV included)
    (pv,) = [i for i in as_roadmap_items(r, 2027, 4 * r.pv_kwp, existing_pv_kwp=r.pv_kwp / 2) if i["kind"] == "rooftop_pv"]
    assert pv["roof_share"] == pytest.approx(0.25)

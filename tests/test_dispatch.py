"""Tests of the rule-based hourly dispatch kernel (parktwin.energy.dispatch)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invariants import FLOWS, assert_balanced
from parktwin.energy import dispatch as dispatch_module
from parktwin.energy import dispatch_inputs
from parktwin.energy import no_battery
from parktwin.energy.dispatch import (
    BatteryParams,
    DispatchResult,
    annual_flows_kwh,
    dispatch_rule_based,
    total_kwh,
)
from parktwin.energy.dispatch_inputs import changed_kw, clipped_sum_kw, constant_hours, holds_only_zeros, is_constant_hours, is_shared_zeros, zeros_read_only
from parktwin.energy.tou import PERIOD_CRITICAL, PERIOD_FLAT, PERIOD_PEAK, PERIOD_VALLEY, tou_period_codes

TOL = 1e-6
V, F, P, C = PERIOD_VALLEY, PERIOD_FLAT, PERIOD_PEAK, PERIOD_CRITICAL



# --------------------------------------------------------------------------- hand example
#
# Battery E = 100 kWh, P = 40 kW, eta_c = 0.8, eta_d = 0.9, window [0.1*100, 0.9*100] = [10, 90],
# import limit 60 kW, export forbidden, soc_start = 10 kWh (at the floor).
#
# h0 VALLEY  load 30, pv 0 : pv_to_load 0; valley -> no discharge; grid_to_load 30.
#            grid charging: min(import headroom 60-30=30, power 40, (90-10)/0.8=100) = 30
#            -> soc 10 + 30*0.8 = 34.
# h1 FLAT    load 20, pv 80: pv_to_load 20, surplus 60; pv_to_battery min(60, 40, (90-34)/0.8=70)
#            = 40 -> soc 34 + 32 = 66; export forbidden -> curtailed 20.
# h2 FLAT    load 10, pv 50: pv_to_load 10, surplus 40; pv_to_battery min(40, 40, (90-66)/0.8=30)
#            = 30 -> soc 90 (full); curtailed 10.
# h3 PEAK    load 41, pv 5 : pv_to_load 5, deficit 36; discharge min(36, 40, (90-10)*0.9=72) = 36
#            -> soc 90 - 36/0.9 = 50; grid 0.
# h4 VALLEY  load 69, pv 0 : valley -> no discharge first; grid_to_load min(69, 60) = 60 (limit
#            binds); remaining 9 -> battery discharges 9 anyway -> soc 50 - 9/0.9 = 40.
#            No grid charging (battery discharged, and no import headroom).
# h5 CRITICAL load 130, pv 0: discharge min(130, 40, (40-10)*0.9=27) = 27 -> soc 10 (floor);
#            grid 60 (limit); unserved 130 - 27 - 60 = 43.
# Conservation: charge (30+40+30)*0.8 = 80 = discharge (36+9+27)/0.9 = 80, soc 10 -> 10.
#
# With export_limit 15 instead of 0: h1 exports 15 and curtails 5, h2 exports 10 and curtails 0;
# nothing else changes (export comes after the battery).

HAND_LOAD = [30.0, 20.0, 10.0, 41.0, 69.0, 130.0]
HAND_PV = [0.0, 80.0, 50.0, 5.0, 0.0, 0.0]
HAND_PERIOD = np.array([V, F, F, P, V, C], dtype=np.int8)
HAND_PARAMS = BatteryParams(
    charge_efficiency=0.8,
    discharge_efficiency=0.9,
    soc_min_share=0.1,
    soc_max_share=0.9,
    grid_charging=True,
)


def _hand_run(export_limit: float) -> DispatchResult:
    return dispatch_rule_based(
        HAND_LOAD,
        HAND_PV,
        HAND_PERIOD,
        np.full(6, 100.0),
        np.full(6, 40.0),
        HAND_PARAMS,
        import_limit_kw=60.0,
        export_limit_kw=export_limit,
        soc_start_kwh=10.0,
    )


@pytest.mark.parametrize(
    ("export_limit", "export", "curtailed"),
    [
        (0.0, [0, 0, 0, 0, 0, 0], [0, 20, 10, 0, 0, 0]),
        (15.0, [0, 15, 10, 0, 0, 0], [0, 5, 0, 0, 0, 0]),
    ],
)
def test_hand_worked_six_hours(export_limit, export, curtailed):
    r = _hand_run(export_limit)
    expected = {
        "pv_to_load_kw": [0, 20, 10, 5, 0, 0],
        "pv_to_battery_kw": [0, 40, 30, 0, 0, 0],
        "grid_to_load_kw": [30, 0, 0, 0, 60, 60],
        "grid_to_battery_kw": [30, 0, 0, 0, 0, 0],
        "battery_to_load_kw": [0, 0, 0, 36, 9, 27],
        "export_kw": export,
        "curtailed_kw": curtailed,
        "unserved_kw": [0, 0, 0, 0, 0, 43],
        "soc_kwh": [34, 66, 90, 50, 40, 10],
        "soc_adjustment_kwh": [0, 0, 0, 0, 0, 0],
    }
    for name, want in expected.items():
        np.testing.assert_allclose(getattr(r, name), want, rtol=0, atol=1e-9, err_msg=name)
    assert r.final_soc_kwh == pytest.approx(10.0, abs=1e-9)
    np.testing.assert_allclose(r.grid_import_kw, [60, 0, 0, 0, 60, 60], atol=1e-9)
    np.testing.assert_allclose(r.battery_charge_kw, [30, 40, 30, 0, 0, 0], atol=1e-9)

    flows = annual_flows_kwh(r)
    assert flows["grid_import_kwh"] == pytest.approx(150.0 + 30.0)
    assert flows["unserved_kwh"] == pytest.approx(43.0)
    assert flows["export_kwh"] == pytest.approx(sum(export))
    assert flows["curtailed_kwh"] == pytest.approx(sum(curtailed))
    # losses: 100 kWh charged * (1-0.8) + 72 kWh delivered * (1/0.9 - 1) = 20 + 8
    assert flows["battery_loss_kwh"] == pytest.approx(28.0)


def test_hand_example_without_grid_charging():
    # Same inputs as the hand example, grid charging off:
    # h0: no grid charging -> soc stays 10.
    # h1: pv_to_battery min(60, 40, (90-10)/0.8=100) = 40 -> soc 42; curtailed 20.
    # h2: pv_to_battery min(40, 40, (90-42)/0.8=60) = 40 -> soc 74; curtailed 0.
    # h3: discharge 36 -> soc 74 - 36/0.9 = 34.
    # h4: valley, grid 60 (limit) + battery 9 -> soc 34 - 10 = 24.
    # h5: discharge min(130, 40, (24-10)*0.9=12.6) = 12.6 -> soc 10; unserved 130-60-12.6 = 57.4.
    params = BatteryParams(0.8, 0.9, 0.1, 0.9, grid_charging=False)
    r = dispatch_rule_based(
        HAND_LOAD, HAND_PV, HAND_PERIOD, np.full(6, 100.0), np.full(6, 40.0),
        params, 60.0, 0.0, 10.0,
    )
    np.testing.assert_allclose(r.grid_to_battery_kw, 0.0, atol=0)
    np.testing.assert_allclose(r.pv_to_battery_kw, [0, 40, 40, 0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(r.curtailed_kw, [0, 20, 0, 0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(r.soc_kwh, [10, 42, 74, 34, 24, 10], atol=1e-9)
    np.testing.assert_allclose(r.battery_to_load_kw, [0, 0, 0, 36, 9, 12.6], atol=1e-9)
    np.testing.assert_allclose(r.unserved_kw, [0, 0, 0, 0, 0, 57.4], atol=1e-9)


# --------------------------------------------------------------------------- invariants


def assert_invariants(r: DispatchResult, inp: dict, tol: float = TOL) -> None:
    """Check every documented invariant of a dispatch result against its inputs."""
    prm: BatteryParams = inp["params"]
    load, pv = np.asarray(inp["load"], float), np.asarray(inp["pv"], float)
    cap, pw = np.asarray(inp["cap"], float), np.asarray(inp["power"], float)
    period = np.asarray(inp["period"])
    imp, exp = inp["import_limit"], inp["export_limit"]
    n = load.shape[0]
    lo, hi = prm.soc_min_share * cap, prm.soc_max_share * cap
    p_eff = np.where(cap > 0, pw, 0.0)

    # shapes, signs, both balances, rule 1 (PV serves load first)
    assert_balanced(r, load, pv, tol)
    # limits
    assert (r.grid_import_kw <= imp + tol).all()
    assert (r.export_kw <= exp + tol).all()
    charge, dis = r.battery_charge_kw, r.battery_to_load_kw
    assert (charge <= p_eff + tol).all() and (dis <= p_eff + tol).all()
    # never charge and discharge in one hour; never import and export in one hour
    assert not ((charge > tol) & (dis > tol)).any()
    assert not ((r.grid_import_kw > tol) & (r.export_kw > tol)).any()
    # grid charging only in valley hours and only if allowed
    gc = r.grid_to_battery_kw > tol
    assert not (gc & (period != V)).any()
    if not prm.grid_charging:
        assert not gc.any()
    # in valley hours the battery discharges only if the import limit binds
    vd = (period == V) & (dis > tol)
    assert (r.grid_to_load_kw[vd] >= imp - tol).all()
    # SOC window at the end of every hour
    assert (r.soc_kwh >= lo - tol).all() and (r.soc_kwh <= hi + tol).all()
    assert (r.soc_kwh[cap == 0] == 0).all()
    assert r.final_soc_kwh == r.soc_kwh[-1]

    # energy conservation, per hour and over the run (adjustment = window clip)
    eta_c, eta_d = prm.charge_efficiency, prm.discharge_efficiency
    prev = np.concatenate(([inp["soc_start"]], r.soc_kwh[:-1]))
    np.testing.assert_allclose(
        r.soc_kwh - prev,
        charge * eta_c - dis / eta_d + r.soc_adjustment_kwh,
        rtol=0, atol=tol, err_msg="hourly conservation",
    )
    total = charge.sum() * eta_c - dis.sum() / eta_d + r.soc_adjustment_kwh.sum()
    assert r.final_soc_kwh - inp["soc_start"] == pytest.approx(total, abs=tol * max(1, n))
    # clips happen only to bring the carried state into the hour's window
    clipped = np.abs(r.soc_adjustment_kwh) > tol
    up, down = r.soc_adjustment_kwh > tol, r.soc_adjustment_kwh < -tol
    assert (np.abs(prev[up] + r.soc_adjustment_kwh[up] - lo[up]) <= tol).all()
    assert (np.abs(prev[down] + r.soc_adjustment_kwh[down] - hi[down]) <= tol).all()
    inside = (prev >= lo - tol) & (prev <= hi + tol)
    assert not (clipped & inside).any()

    # unserved only when import is at its limit and the battery is at its floor or power limit
    un = r.unserved_kw > tol
    assert (r.grid_import_kw[un] >= imp - tol).all()
    assert ((dis[un] >= p_eff[un] - tol) | (r.soc_kwh[un] <= lo[un] + tol)).all()
    # curtailment only when export is at its cap and the battery is full or at its power limit
    cu = r.curtailed_kw > tol
    assert (r.export_kw[cu] >= exp - tol).all()
    assert ((charge[cu] >= p_eff[cu] - tol) | (r.soc_kwh[cu] >= hi[cu] - tol)).all()
    # export only once the battery cannot take more
    ex = r.export_kw > tol
    assert ((charge[ex] >= p_eff[ex] - tol) | (r.soc_kwh[ex] >= hi[ex] - tol)).all()
    # non-valley hours: grid serves load only once the battery is at its floor or power limit
    gl = (r.grid_to_load_kw > tol) & (period != V)
    assert ((dis[gl] >= p_eff[gl] - tol) | (r.soc_kwh[gl] <= lo[gl] + tol)).all()


def _piecewise(rng: np.random.Generator, n: int, values: list[float]) -> np.ndarray:
    """Piecewise-constant profile with len(values) segments at sorted random breakpoints."""
    cuts = np.sort(rng.integers(0, n + 1, size=len(values) - 1))
    out = np.empty(n)
    edges = [0, *cuts.tolist(), n]
    for v, a, b in zip(values, edges[:-1], edges[1:], strict=True):
        out[a:b] = v
    return out


@st.composite
def scenarios(draw, monotone_capacity: bool = False):
    """A random short 'year': loads, PV, periods, stepped capacity, limits that may bind."""
    n = draw(st.integers(1, 200))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # integer-valued draws create exact ties (pv == load, surplus == limit, ...)
    integer = draw(st.booleans())
    load_scale = draw(st.sampled_from([20.0, 150.0, 500.0]))
    load = rng.uniform(0, load_scale, n) * (rng.random(n) > draw(st.sampled_from([0.0, 0.2])))
    pv_scale = draw(st.sampled_from([0.0, 100.0, 800.0]))
    pv = rng.uniform(0, pv_scale, n) * (rng.random(n) > draw(st.sampled_from([0.0, 0.5])))
    if integer:
        load, pv = np.round(load), np.round(pv)
    period = rng.integers(0, 4, n).astype(np.int8)
    if draw(st.booleans()):  # long blocks of one period
        period = np.repeat(rng.integers(0, 4, n // 6 + 1), 6)[:n].astype(np.int8)
    size = st.sampled_from([100.0, 400.0, 0.0, 2000.0, 10.0, 0.0])
    caps = [draw(size) for _ in range(draw(st.integers(1, 3)))]
    if monotone_capacity:
        caps.sort()
    cap = _piecewise(rng, n, caps)
    crate = draw(st.sampled_from([0.5, 1.0, 2.0, 0.25, 0.0]))
    if draw(st.booleans()):
        power = cap * crate
    else:
        power = np.full(n, draw(st.sampled_from([300.0, 50.0, 0.0])))
    # sampled_from lists start with a typical value: hypothesis favours the first entries
    params = BatteryParams(
        charge_efficiency=draw(st.floats(0.5, 1.0)),
        discharge_efficiency=draw(st.floats(0.5, 1.0)),
        soc_min_share=(smin := draw(st.floats(0.0, 0.4))),
        soc_max_share=draw(st.floats(smin + 0.01, 1.0)),
        grid_charging=draw(st.sampled_from([True, False])),
    )
    return {
        "load": load,
        "pv": pv,
        "period": period,
        "cap": cap,
        "power": power,
        "params": params,
        "import_limit": draw(st.sampled_from([450.0, np.inf, 200.0, 50.0, 0.0])),
        "export_limit": draw(st.sampled_from([0.0, 0.0, 100.0, np.inf])),
        "soc_start": draw(st.sampled_from([0.0, 5.0, 80.0, 1000.0, 5000.0])),
    }


def _run(inp: dict) -> DispatchResult:
    return dispatch_rule_based(
        inp["load"], inp["pv"], inp["period"], inp["cap"], inp["power"], inp["params"],
        inp["import_limit"], inp["export_limit"], inp["soc_start"],
    )


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios())
def test_invariants_random_years(inp):
    assert_invariants(_run(inp), inp)


@PROPERTY
@given(scenarios(monotone_capacity=True))
def test_capacity_step_up_keeps_stored_energy(inp):
    r = _run(inp)
    assert_invariants(r, inp)
    prm = inp["params"]
    lo = prm.soc_min_share * inp["cap"]
    prev = np.concatenate(([inp["soc_start"]], r.soc_kwh[:-1]))
    # after the first hour, capacity only grows: stored energy is never removed by a clip,
    # and is raised only up to the new floor (the new part brings no usable energy)
    adj = r.soc_adjustment_kwh[1:]
    assert (adj >= 0).all()
    np.testing.assert_allclose(adj, np.maximum(lo[1:] - prev[1:], 0.0), rtol=0, atol=1e-9)


@PROPERTY
@given(scenarios(), st.integers(1, 4))
def test_year_chaining_equals_one_long_run(inp, parts):
    # splitting the run and carrying final_soc_kwh gives the same flows as one run
    whole = _run(inp)
    n = len(inp["load"])
    cuts = np.linspace(0, n, parts + 1).astype(int)
    soc = inp["soc_start"]
    pieces = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        if b == a:
            continue
        sub = {k: (v[a:b] if isinstance(v, np.ndarray) else v) for k, v in inp.items()}
        sub["soc_start"] = soc
        rr = _run(sub)
        pieces.append(rr)
        soc = rr.final_soc_kwh
    for name in (*FLOWS, "soc_kwh"):
        np.testing.assert_allclose(
            np.concatenate([getattr(p, name) for p in pieces]), getattr(whole, name),
            rtol=0, atol=1e-9, err_msg=name,
        )


# --------------------------------------------------------------------------- targeted cases


def _daily_profile(days: int):
    hod = np.tile(np.arange(24), days)
    load = 300 + 100 * np.sin(2 * np.pi * (hod - 8) / 24)
    pv = np.clip(600 * np.sin(np.pi * (hod - 6) / 12), 0, None)
    period = tou_period_codes(
        hod,
        peak_hours=[8, 9, 10, 11, 17, 18, 19, 20],
        flat_hours=[6, 7, 12, 13, 14, 15, 16, 21],
        valley_hours=[22, 23, 0, 1, 2, 3, 4, 5],
    )
    return hod, load, pv, period


def test_battery_commissioned_mid_run_is_idle_before():
    _, load, pv, period = _daily_profile(10)
    n, k = load.size, 100
    cap = np.where(np.arange(n) >= k, 1000.0, 0.0)
    power = np.where(np.arange(n) >= k, 250.0, 0.0)
    params = BatteryParams()
    r = dispatch_rule_based(load, pv, period, cap, power, params, 500.0, 0.0, soc_start_kwh=300.0)
    for name in ("pv_to_battery_kw", "grid_to_battery_kw", "battery_to_load_kw", "soc_kwh"):
        assert (getattr(r, name)[:k] == 0).all(), name
    # the start state has nowhere to go (capacity 0): it is clipped away in hour 0
    assert r.soc_adjustment_kwh[0] == -300.0
    # at commissioning the new battery sits at its floor (no usable energy) ...
    assert r.soc_adjustment_kwh[k] == pytest.approx(params.soc_min_share * 1000.0)
    assert np.count_nonzero(r.soc_adjustment_kwh) == 2
    # ... and is then really used: it charges and discharges after k
    assert r.battery_charge_kw[k:].sum() > 1000 and r.battery_to_load_kw[k:].sum() > 500
    # before k the flows equal a run without any battery
    none = dispatch_rule_based(
        load[:k], pv[:k], period[:k], np.zeros(k), np.zeros(k), params, 500.0, 0.0
    )
    for name in FLOWS:
        np.testing.assert_array_equal(getattr(r, name)[:k], getattr(none, name), err_msg=name)


def test_second_battery_step_keeps_energy():
    # 3 hours, E 100 -> 300 at h1; window shares 0.1..0.9. Flat hours with no load/pv:
    # stored energy 50 stays 50 (inside new window [30, 270]); no adjustment.
    params = BatteryParams(1.0, 1.0, 0.1, 0.9, grid_charging=False)
    z = np.zeros(3)
    r = dispatch_rule_based(
        z, z, np.full(3, F), [100.0, 300.0, 300.0], [10.0, 10.0, 10.0], params, 0.0, 0.0, 50.0
    )
    np.testing.assert_array_equal(r.soc_kwh, [50.0, 50.0, 50.0])
    np.testing.assert_array_equal(r.soc_adjustment_kwh, [0.0, 0.0, 0.0])
    # stored 20 < new floor 30 -> raised to the floor, recorded as +10
    r = dispatch_rule_based(
        z, z, np.full(3, F), [100.0, 300.0, 300.0], [10.0, 10.0, 10.0], params, 0.0, 0.0, 20.0
    )
    np.testing.assert_array_equal(r.soc_kwh, [20.0, 30.0, 30.0])
    np.testing.assert_array_equal(r.soc_adjustment_kwh, [0.0, 10.0, 0.0])


def test_grid_charging_only_in_valley_and_no_simultaneous_charge_discharge():
    _, load, pv, period = _daily_profile(14)
    n = load.size
    params = BatteryParams(grid_charging=True)
    r = dispatch_rule_based(
        load, pv * 0.3, period, np.full(n, 2000.0), np.full(n, 500.0), params, 800.0, 0.0, 0.0
    )
    gc = r.grid_to_battery_kw > 0
    assert gc.any()  # the scenario really exercises grid charging
    assert (period[gc] == V).all()
    assert not ((r.battery_charge_kw > 0) & (r.battery_to_load_kw > 0)).any()
    # the same with grid charging disabled: no grid charging at all
    r2 = dispatch_rule_based(
        load, pv * 0.3, period, np.full(n, 2000.0), np.full(n, 500.0),
        BatteryParams(grid_charging=False), 800.0, 0.0, 0.0,
    )
    assert (r2.grid_to_battery_kw == 0).all()
    assert annual_flows_kwh(r2)["grid_import_kwh"] < annual_flows_kwh(r)["grid_import_kwh"]


def test_valley_discharge_only_when_import_limit_binds():
    # valley hour, load 100 > import 70 -> battery covers 30 even in valley;
    # same hour with import 150 -> grid covers all, battery idle, then grid-charges.
    params = BatteryParams(1.0, 1.0, 0.0, 1.0, grid_charging=True)
    one = np.ones(1)
    r = dispatch_rule_based([100.0], [0.0], [V], one * 100, one * 50, params, 70.0, 0.0, 60.0)
    assert r.battery_to_load_kw[0] == 30.0 and r.grid_to_battery_kw[0] == 0.0
    r = dispatch_rule_based([100.0], [0.0], [V], one * 100, one * 50, params, 150.0, 0.0, 60.0)
    assert r.battery_to_load_kw[0] == 0.0
    assert r.grid_to_battery_kw[0] == 40.0  # min(headroom 150-100=50, power 50, SOC room 40)
    assert r.soc_kwh[0] == 100.0


def test_result_arrays_are_read_only_and_inputs_untouched():
    load = np.array([10.0, 20.0])
    z = np.zeros(2)
    r = dispatch_rule_based(load, z, [F, F], z, z, BatteryParams(), 50.0, 0.0)
    assert load.flags.writeable
    with pytest.raises(ValueError):
        r.grid_to_load_kw[0] = 1.0
    np.testing.assert_array_equal(r.grid_to_load_kw, [10.0, 20.0])


def test_annual_flows_keys_and_sums():
    _, load, pv, period = _daily_profile(3)
    n = load.size
    r = dispatch_rule_based(
        load, pv, period, np.full(n, 500.0), np.full(n, 100.0), BatteryParams(), 350.0, 50.0
    )
    flows = annual_flows_kwh(r)
    for name in (*FLOWS, "load_kw", "pv_kw"):
        assert flows[name[:-3] + "_kwh"] == pytest.approx(getattr(r, name).sum())
    assert flows["grid_import_kwh"] == pytest.approx(r.grid_import_kw.sum())
    assert flows["battery_charge_kwh"] == pytest.approx(r.battery_charge_kw.sum())
    eta_c = eta_d = 0.92
    expected_loss = (
        r.battery_charge_kw.sum() * (1 - eta_c) + r.battery_to_load_kw.sum() * (1 / eta_d - 1)
    )
    assert flows["battery_loss_kwh"] == pytest.approx(expected_loss)
    assert all(isinstance(v, float) for v in flows.values())


# --------------------------------------------------------------------------- TOU codes


def test_tou_period_codes_maps_hours():
    hod = np.array([0, 7, 8, 11, 12, 19, 23, 0])
    codes = tou_period_codes(
        hod,
        peak_hours=range(8, 11),
        flat_hours=[*range(6, 8), *range(12, 19), *range(20, 22)],
        valley_hours=[22, 23, *range(0, 6)],
        critical_hours=[11, 19],
    )
    assert codes.dtype == np.int8
    np.testing.assert_array_equal(codes, [V, F, P, C, F, C, V, V])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"peak_hours": range(8, 12)}, r"repeated \[11\]"),  # 11 is also critical
        ({"valley_hours": range(0, 5)}, r"missing \[5, 22, 23\]"),
        ({"peak_hours": [8, 9, 10, 24]}, "peak_hours must contain hours 0..23"),
    ],
)
def test_tou_period_codes_rejects_bad_partition(kwargs, match):
    base = {
        "peak_hours": range(8, 11),
        "flat_hours": [*range(6, 8), *range(12, 19), *range(20, 22)],
        "valley_hours": [22, 23, *range(0, 6)],
        "critical_hours": [11, 19],
    }
    with pytest.raises(ValueError, match=match):
        tou_period_codes(np.arange(24), **{**base, **kwargs})


def test_tou_period_codes_rejects_bad_hour_of_day():
    args = (range(8, 12), range(12, 22), [22, 23, *range(0, 8)])
    with pytest.raises(ValueError, match="hour_of_day"):
        tou_period_codes(np.array([0, 24]), *args)
    with pytest.raises(ValueError, match="hour_of_day"):
        tou_period_codes(np.array([0.0, 1.0]), *args)


# --------------------------------------------------------------------------- validation


def _good() -> dict:
    return {
        "load_kw": np.ones(4),
        "pv_kw": np.ones(4),
        "period": np.zeros(4, dtype=np.int8),
        "battery_energy_kwh": np.ones(4),
        "battery_power_kw": np.ones(4),
        "params": BatteryParams(),
        "import_limit_kw": 10.0,
        "export_limit_kw": 0.0,
        "soc_start_kwh": 0.0,
    }


@pytest.mark.parametrize(
    ("arg", "value", "match"),
    [
        ("load_kw", np.ones((2, 2)), r"load_kw must be a 1-D array"),
        ("load_kw", np.array([1.0, -1.0, 0.0, 0.0]), r"load_kw must be >= 0"),
        ("load_kw", np.array([]), r"load_kw must have at least one hour"),
        ("pv_kw", np.ones(5), r"pv_kw must have shape \(4,\)"),
        ("pv_kw", np.array([1.0, np.nan, 0.0, 0.0]), r"pv_kw must be finite"),
        ("battery_energy_kwh", np.array([1.0, -5.0, 0.0, 0.0]), r"battery_energy_kwh must be >= 0"),
        ("battery_power_kw", np.ones(3), r"battery_power_kw must have shape"),
        ("battery_power_kw", ["a", "b", "c", "d"], r"battery_power_kw must be a 1-D array of real"),
        ("period", np.array([0, 1, 4, 0]), r"period codes must be in 0..3"),
        ("period", np.array([0, 1, -1, 0]), r"period codes must be in 0..3"),
        ("period", np.zeros(4), r"period must be an integer array"),
        ("period", np.zeros(3, dtype=int), r"period must have shape \(4,\)"),
        ("import_limit_kw", -1.0, r"import_limit_kw must be >= 0"),
        ("import_limit_kw", np.nan, r"import_limit_kw must be >= 0"),
        ("export_limit_kw", -0.5, r"export_limit_kw must be >= 0"),
        ("export_limit_kw", "x", r"export_limit_kw must be a real number"),
        ("soc_start_kwh", -1.0, r"soc_start_kwh must be finite and >= 0"),
        ("soc_start_kwh", np.inf, r"soc_start_kwh must be finite and >= 0"),
        ("params", {"charge_efficiency": 0.9}, r"params must be a BatteryParams"),
        # values the hourly loop finds out of range (the checks then name them)
        ("period", np.array([0, 1, 4, 0], dtype=np.int8), r"period codes must be in 0..3"),
        ("battery_power_kw", np.array([1.0, np.inf, 1.0, 1.0]), r"battery_power_kw must be finite"),
        ("import_limit_kw", np.array([1.0, -1.0, 1.0, 1.0]), r"import_limit_kw must be >= 0 every hour"),
        ("charge_ceiling_kw", np.array([1.0, np.nan, 1.0, 1.0]), r"charge_ceiling_kw must be >= 0 every hour"),
    ],
)
def test_validation_names_the_argument(arg, value, match):
    kwargs = _good()
    kwargs[arg] = value
    with pytest.raises(ValueError, match=match):
        dispatch_rule_based(**kwargs)


def test_validation_without_battery_names_the_argument():
    """A year without battery capacity (no hourly loop) checks the values all the same."""
    kwargs = _good() | {"battery_energy_kwh": np.zeros(4), "load_kw": np.array([1.0, -1.0, 0.0, 0.0])}
    with pytest.raises(ValueError, match=r"load_kw must be >= 0"):
        dispatch_rule_based(**kwargs)
    kwargs = _good() | {"battery_energy_kwh": np.zeros(4), "battery_power_kw": np.array([1.0, np.nan, 0.0, 0.0])}
    with pytest.raises(ValueError, match=r"battery_power_kw must be finite"):
        dispatch_rule_based(**kwargs)


def test_two_bad_arguments_name_the_first():
    """With a bad value and a bad number, the error names the first argument, as the checks run."""
    kwargs = _good() | {"load_kw": np.array([1.0, np.nan, 0.0, 0.0]), "soc_start_kwh": -1.0}
    with pytest.raises(ValueError, match=r"load_kw must be finite"):
        dispatch_rule_based(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"charge_efficiency": 0.0}, r"params.charge_efficiency must be a number in \(0, 1\]"),
        ({"charge_efficiency": 1.1}, r"params.charge_efficiency"),
        ({"discharge_efficiency": float("nan")}, r"params.discharge_efficiency"),
        ({"soc_min_share": -0.1}, r"params.soc_min_share must be a number in \[0, 1\]"),
        ({"soc_max_share": 1.5}, r"params.soc_max_share"),
        (
            {"soc_min_share": 0.6, "soc_max_share": 0.5},
            r"soc_min_share must be < params.soc_max_share",
        ),
        ({"soc_min_share": 0.5, "soc_max_share": 0.5}, r"soc_min_share must be <"),
        ({"grid_charging": "yes"}, r"params.grid_charging must be a bool"),
    ],
)
def test_battery_params_validation_names_the_field(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BatteryParams(**kwargs)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10_000), reserve=st.floats(0.1, 0.8), n=st.integers(24, 120))
def test_reserve_is_only_used_when_the_import_limit_binds(seed, reserve, n):
    rng = np.random.default_rng(seed)
    load = rng.uniform(0, 100, n)
    limit = rng.choice([np.inf, 60.0])
    period = rng.integers(0, 4, n).astype(np.int8)
    cap = np.full(n, 200.0)
    params = BatteryParams(soc_min_share=0.05, soc_max_share=0.95, reserve_share=reserve)
    r = dispatch_rule_based(load, np.zeros(n), period, cap, np.full(n, 50.0), params, limit, 0.0, soc_start_kwh=190.0)
    below = r.soc_kwh < reserve * 200.0 - 1e-9
    binding = r.grid_to_load_kw >= limit - 1e-9
    # the store only drops below the reserve in an hour where the import limit binds ...
    drops = below & (np.diff(np.concatenate([[190.0], r.soc_kwh])) < 0)
    assert not np.any(drops & ~binding)
    # ... and never below the technical floor
    assert np.all(r.soc_kwh >= 0.05 * 200.0 - 1e-9)


def test_no_battery_path_matches_the_kernel_bit_for_bit():
    """A year without battery capacity skips the hourly loop (``without_battery``): every flow,
    the SOC adjustments and the final charge are the kernel's to the bit, on random hours with
    ties (PV = load), zeros, unlimited and zero limits and a start charge to clip."""
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(1, 50))

        def hours(scale, n=n):
            a = rng.random(n) * scale
            a[rng.random(n) < 0.3] = 0.0
            return a

        load, pv = hours(100.0), hours(100.0)
        tie = rng.random(n) < 0.2
        pv[tie] = load[tie]
        imp, exp, ceiling = hours(80.0), hours(50.0), hours(100.0)
        for a in (imp, exp, ceiling):
            a[rng.random(n) < 0.2] = np.inf
        soc0 = float(rng.choice([0.0, 5.0, 100.0 * rng.random()]))
        kernel = dispatch_module._dispatch_kernel(
            load, pv, rng.integers(0, 4, n).astype(np.int8), np.zeros(n), hours(50.0), 0.92, 0.9, 0.05, 0.95,
            bool(rng.random() < 0.5), float(rng.choice([0.0, 0.2])), imp, exp, soc0, ceiling, False)
        fast = no_battery.without_battery(load, pv, imp, exp, soc0)
        for k, f in zip(kernel, fast):
            assert np.array_equal(k, f) and np.array_equal(np.signbit(k), np.signbit(f))


def test_no_battery_path_with_limits_given_as_numbers():
    """Limits given as one number reach ``without_battery`` as numbers (no hourly array is filled):
    the flows are the kernel's to the bit with those numbers spread over every hour."""
    rng = np.random.default_rng(11)
    n = 48
    load, pv = rng.random(n) * 100.0, rng.random(n) * 100.0
    pv[::5] = load[::5]
    for imp, exp in ((80.0, 0.0), (np.inf, 30.0), (0.0, np.inf)):
        kernel = dispatch_module._dispatch_kernel(
            load, pv, np.zeros(n, dtype=np.int8), np.zeros(n), np.zeros(n), 0.92, 0.9, 0.05, 0.95, True, 0.0,
            np.full(n, imp), np.full(n, exp), 5.0, np.full(n, np.inf), False)
        fast = no_battery.without_battery(load, pv, imp, exp, 5.0)
        for k, f in zip(kernel, fast):
            assert np.array_equal(k, f) and np.array_equal(np.signbit(k), np.signbit(f))


def _rules_every_step(load, pv, period, cap, pmax, eta_c, eta_d, smin, smax, grid_charging, reserve, imp_lim, exp_lim,
                      soc_start, charge_ceiling):
    """The module docstring's rules with every step computed in every hour (the kernel before it skipped
    the steps that cannot change a value: no headroom without surplus, no division by η of a zero
    discharge, no reserve to refill above it, no headroom for a charge of 0): the reference the
    kernel must match bit for bit. It repeats the kernel's arithmetic on purpose, written apart from it
    and without its shortcuts: an independent oracle of those shortcuts (shared code would compare the
    kernel with itself), so keep it a separate copy. Returns, per hour, the flows, the state of charge
    and the start clip (``(ptl, c_pv, g, c_g, d, export, curtailed, unserved, soc, adj)``)."""
    s = soc_start
    out = []
    for h in range(load.shape[0]):
        e = cap[h]
        lo, hi = smin * e, smax * e
        lo_normal = reserve * e if reserve > smin else lo
        s_in = s
        if s > hi:
            s = hi
        if s < lo:
            s = lo
        adj = s - s_in
        p = pmax[h] if e > 0.0 else 0.0
        il, el, ld, pvh = imp_lim[h], exp_lim[h], load[h], pv[h]
        ptl = pvh if pvh < ld else ld
        surplus, deficit = pvh - ptl, ld - ptl
        head = max_zero((hi - s) / eta_c)
        c_pv = surplus
        if p < c_pv:
            c_pv = p
        if head < c_pv:
            c_pv = head
        s += c_pv * eta_c
        if s > hi:
            s = hi
        surplus -= c_pv
        ex = surplus if surplus < el else el
        p_left, d, g = p - c_pv, 0.0, 0.0
        if deficit > 0.0:
            if period[h] != 0:
                avail = max_zero((s - lo_normal) * eta_d)
                d = deficit
                if p_left < d:
                    d = p_left
                if avail < d:
                    d = avail
                deficit -= d
            g = deficit if deficit < il else il
            deficit -= g
            if deficit > 0.0:
                avail = max_zero((s - lo) * eta_d - d)
                d2 = deficit
                if p_left - d < d2:
                    d2 = p_left - d
                if avail < d2:
                    d2 = avail
                if d2 < 0.0:
                    d2 = 0.0
                d += d2
                deficit -= d2
            s -= d / eta_d
            if s < lo:
                s = lo
        c_g = 0.0
        if grid_charging and period[h] == 0 and d == 0.0:
            c_g = (il if il < charge_ceiling[h] else charge_ceiling[h]) - g
            to_reserve = (lo_normal - s) / eta_c
            if to_reserve > il - g:
                to_reserve = il - g
            if to_reserve > c_g:
                c_g = to_reserve
            if p_left < c_g:
                c_g = p_left
            head = (hi - s) / eta_c
            if head < c_g:
                c_g = head
            if c_g < 0.0:
                c_g = 0.0
            s += c_g * eta_c
            if s > hi:
                s = hi
        out.append((ptl, c_pv, g, c_g, d, ex, surplus - ex, deficit, s, adj))
    return out


def max_zero(x):
    """``x`` clipped at 0 as the kernel clips (``if x < 0.0: x = 0.0``: a −0.0 stays)."""
    return 0.0 if x < 0.0 else x


def test_kernel_skips_only_steps_that_change_no_value():
    """The compiled kernel skips steps that cannot change a value (see ``_rules_every_step``); on
    random hours with ties, zeros of both signs (inputs may hold −0.0), reserves, zero and unlimited
    limits and start charges to clip, every flow and state of charge is the full rules' to the bit."""
    rng = np.random.default_rng(13)
    for case in range(400):
        n = int(rng.integers(1, 40))
        scale = 10.0 ** int(rng.integers(-2, 4))

        def hours(top, n=n):
            a = rng.random(n) * top * scale
            zero = rng.random(n) < 0.25
            a[zero] = np.where(rng.random(int(zero.sum())) < 0.5, -0.0, 0.0)
            return a

        load, pv, cap, pmax = hours(30.0), hours(30.0), hours(60.0), hours(20.0)
        tie = rng.random(n) < 0.15
        pv[tie] = load[tie]
        imp, exp, ceiling = hours(25.0), hours(10.0), hours(40.0)
        for a in (imp, exp, ceiling):
            a[rng.random(n) < 0.3] = np.inf
        smin, smax = [(0.0, 1.0), (0.05, 0.95), (0.1, 0.9)][case % 3]
        reserve = [0.0, 0.2, 0.5][case % 3 - 1] if case % 2 else 0.0
        args = (load, pv, rng.integers(0, 4, n).astype(np.int8), cap, pmax, float(rng.uniform(0.5, 1.0)), float(rng.uniform(0.5, 1.0)),
                smin, smax, bool(case % 4), reserve, imp, exp, float(rng.choice([-0.0, 0.0, 3.0 * scale, 80.0 * scale])), ceiling)
        kernel = dispatch_module._dispatch_kernel(*args, False)
        full = np.array(_rules_every_step(*args)).reshape(n, 10)
        for column, flow in enumerate(kernel[:10]):
            assert np.array_equal(np.asarray(flow).view(np.int64), np.ascontiguousarray(full[:, column]).view(np.int64))
        assert np.float64(kernel[10]).view(np.int64) == full[-1, 8].view(np.int64)


def test_read_only_inputs_are_echoed_without_a_copy():
    """A read-only load or PV array is the result's own (nobody can change it through either); a
    writable one is copied, so the caller's array stays writable and apart from the result."""
    load, pv = np.array([10.0, 20.0]), np.array([5.0, 0.0])
    load.flags.writeable = False
    z = np.zeros(2)
    r = dispatch_rule_based(load, pv, [F, F], z, z, BatteryParams(), 50.0, 0.0)
    assert r.load_kw is load and r.pv_kw is not pv and pv.flags.writeable
    np.testing.assert_array_equal(r.pv_kw, pv)


def test_year_without_battery_keeps_the_kernels_zero_signs():
    """A year without battery whose load, PV or limits hold a −0.0 takes the hourly loop (the
    grid-only pass reports the sign): its flows are the kernel's to the bit, signs of zeros included."""
    rng = np.random.default_rng(5)
    n = 24
    for field in ("load", "pv", "imp", "exp"):
        values = {"load": rng.random(n) * 50.0, "pv": rng.random(n) * 50.0, "imp": np.full(n, 30.0), "exp": np.full(n, 10.0)}
        values[field][::3] = -0.0
        period = rng.integers(0, 4, n).astype(np.int8)
        r = dispatch_rule_based(values["load"], values["pv"], period, np.zeros(n), np.zeros(n), BatteryParams(),
                                values["imp"], values["exp"])
        kernel = dispatch_module._dispatch_kernel(values["load"], values["pv"], period, np.zeros(n), np.zeros(n), 0.92, 0.92,
                                                  0.05, 0.95, True, 0.0, values["imp"], values["exp"], 0.0, np.full(n, np.inf),
                                                  False)
        for name, flow in zip(("pv_to_load_kw", "pv_to_battery_kw", "grid_to_load_kw", "grid_to_battery_kw", "battery_to_load_kw",
                               "export_kw", "curtailed_kw", "unserved_kw", "soc_kwh"), kernel):
            assert np.array_equal(getattr(r, name).view(np.int64), flow.view(np.int64)), (field, name)


def test_clipped_sum_is_numpys_maximum_of_the_sum_to_the_bit():
    """The demand after the carriers, ``clipped_sum_kw`` (one compiled pass), is ``np.maximum(a + b, 0.0)``
    bit for bit: a zero of either sign becomes +0.0, a NaN stays, lengths off the vector width included;
    other shapes and types take numpy's own passes."""
    rng = np.random.default_rng(8)
    for n in (0, 1, 7, 8, 9, 8760, 8761):
        a, b = rng.standard_normal(n) * 50.0, rng.standard_normal(n) * 50.0
        a[rng.random(n) < 0.3], b[rng.random(n) < 0.3] = -0.0, 0.0
        cancel = rng.random(n) < 0.2
        b[cancel] = -a[cancel]  # sums of exactly 0
        a[rng.random(n) < 0.02] = np.nan
        a[rng.random(n) < 0.02], b[rng.random(n) < 0.02] = np.inf, -np.inf  # ±∞, and ∞ − ∞ (NaN) where both fall
        with np.errstate(invalid="ignore"):  # (∞ − ∞: numpy warns)
            expected = np.maximum(a + b, 0.0)
        assert np.array_equal(clipped_sum_kw(a, b).view(np.int64), expected.view(np.int64))
    grid = rng.standard_normal((3, 4))
    np.testing.assert_array_equal(clipped_sum_kw(grid, grid), np.maximum(grid + grid, 0.0))
    np.testing.assert_array_equal(clipped_sum_kw(np.arange(-2, 3), np.ones(5, dtype=int)), [0, 0, 1, 2, 3])


def test_holds_only_zeros_knows_the_shared_zeros_and_asks_any_other_array():
    """The shared read-only zeros are known by identity; any other array is asked (``not a.any()``),
    so zeros of either sign count as zeros and one non-zero hour does not."""
    assert holds_only_zeros(zeros_read_only((8760,))) and holds_only_zeros(constant_hours(8760, 0.0))
    assert holds_only_zeros(np.zeros(24)) and holds_only_zeros(np.full(24, -0.0))
    assert not holds_only_zeros(constant_hours(8760, 2.5))
    hours = np.zeros(24)
    hours[23] = 1e-300
    assert not holds_only_zeros(hours)


def test_asking_for_the_shared_arrays_creates_none():
    """Asking whether an array is a shared one (``holds_only_zeros``, ``total_kwh``, ``is_constant_hours``)
    creates no shared array of its shape or value, so none of the few cached ones is evicted."""
    zeros_before = zeros_read_only.cache_info().currsize
    constants_before = dispatch_inputs._constant_hours.cache_info().currsize
    odd = np.zeros((3, 7))
    assert holds_only_zeros(odd) and holds_only_zeros(np.zeros(13)) and total_kwh(np.ones(17)) == 17.0
    assert not is_constant_hours(np.full(19, 4.25)) and not is_shared_zeros(np.zeros(23))
    assert zeros_read_only.cache_info().currsize == zeros_before
    assert dispatch_inputs._constant_hours.cache_info().currsize == constants_before
    assert is_constant_hours(constant_hours(29, 4.25)) and is_shared_zeros(zeros_read_only((3, 7)))
    assert not is_constant_hours(zeros_read_only((29,))) and holds_only_zeros(constant_hours(29, -0.0))


def test_holds_only_zeros_with_a_value_at_either_end_or_inside():
    """A value at the first or last hour answers without a pass; a NaN there is not a zero (as for
    ``any``); zeros at both ends still ask the array, so a value inside is found."""
    for at in (0, 11, 23):
        for value in (1e-300, -2.0, np.nan, np.inf):
            hours = np.zeros(24)
            hours[at] = value
            assert not holds_only_zeros(hours) and hours.any()


def test_numpys_sum_of_zeros_of_either_sign_is_plus_zero():
    """``flow_total_kwh`` gives +0.0 for a flow seen holding only zeros: numpy adds a sum's values to
    +0.0, so zeros of either sign (all −0.0 too) sum to +0.0, for short and year-long arrays."""
    rng = np.random.default_rng(3)
    for n in (1, 7, 8, 9, 129, 8760):
        for zeros in (np.full(n, -0.0), np.where(rng.random(n) < 0.5, -0.0, 0.0)):
            total = zeros.sum()
            assert total == 0.0 and not np.signbit(total)


def test_a_dispatch_reports_its_all_zero_flows_and_its_import_to_the_bit():
    """The rule-based result's ``grid_import_kw`` (made in the hourly loop, or the grid's flow to the load
    without a battery) is ``grid_to_load + grid_to_battery`` to the bit; ``zero_flows`` names exactly the
    watched flows with no nonzero hour, and ``flow_total_kwh`` is numpy's sum of every flow, with and
    without a battery, with export, curtailment and unserved load present or not."""
    rng = np.random.default_rng(12)
    watched = dispatch_module.WATCHED_FLOWS
    seen_zero, seen_nonzero = set(), set()
    for case in range(60):
        n = int(rng.integers(1, 60))
        load, pv = rng.random(n) * 100.0, rng.random(n) * (150.0 if case % 2 else 20.0)
        pv[rng.random(n) < 0.3] = 0.0
        cap = np.zeros(n) if case % 3 == 0 else np.full(n, 80.0)
        imp = float(rng.choice([30.0, 200.0, np.inf]))
        exp = float(rng.choice([0.0, 10.0, np.inf]))
        r = dispatch_rule_based(load, pv, rng.integers(0, 4, n).astype(np.int8), cap, np.full(n, 30.0), BatteryParams(), imp, exp)
        grid = r.grid_to_load_kw + r.grid_to_battery_kw
        assert np.array_equal(r.grid_import_kw.view(np.int64), grid.view(np.int64))
        for name in watched:
            flow = getattr(r, name)
            assert (name in r.zero_flows) == (not flow.any())
            (seen_zero if name in r.zero_flows else seen_nonzero).add(name)
        for name in FLOWS:
            total = dispatch_module.flow_total_kwh(r, name)
            assert np.float64(total).view(np.int64) == getattr(r, name).sum().view(np.int64)
    assert seen_zero == seen_nonzero == set(watched)


def test_pv_to_the_load_is_the_generations_sum_when_no_hour_had_a_surplus_to_the_bit():
    """``pv_to_load_kwh`` gives numpy's sum of ``pv_to_load_kw`` to the bit, given the generation's sum: with PV
    below the load every hour (no PV to the battery, export or curtailment) it is that sum, zeros of either sign
    in the PV or the load included; with a surplus it sums the flow; all-zero PV gives +0.0 either way."""
    rng = np.random.default_rng(21)
    shortcut = 0
    for case in range(80):
        n = int(rng.integers(1, 200))
        load = 50.0 + rng.random(n) * 100.0
        pv = rng.random(n) * (40.0 if case % 2 else 120.0) * (case % 5 != 0)
        pv[rng.random(n) < 0.2] = rng.choice([0.0, -0.0])
        load[rng.random(n) < 0.05] = rng.choice([0.0, -0.0])
        cap = np.zeros(n) if case % 3 == 0 else np.full(n, 80.0)
        r = dispatch_rule_based(load, pv, rng.integers(0, 4, n).astype(np.int8), cap, np.full(n, 30.0), BatteryParams(), np.inf, 10.0)
        shortcut += dispatch_module.SURPLUS_FLOWS <= r.zero_flows and r.pv_kw.sum() != 0.0
        got = dispatch_module.pv_to_load_kwh(r, float(r.pv_kw.sum()))
        assert np.float64(got).view(np.int64) == r.pv_to_load_kw.sum().view(np.int64)
    assert shortcut >= 5  # (the shortcut was taken in some cases)


def test_limits_of_one_value_all_year_are_checked_once_and_others_hour_by_hour():
    """The battery power and the grid limits given as shared one-value arrays (``constant_hours``) or numbers
    are checked by their value, and the hourly loop leaves them out; a shared array holding a bad value,
    or a bad hour in an ordinary array, is still refused, naming the input."""
    n = 24
    load, pv, period = np.full(n, 50.0), np.zeros(n), np.zeros(n, dtype=np.int8)
    cap = np.full(n, 100.0)
    assert dispatch_module.limits_in_range(constant_hours(n, 30.0), constant_hours(n, 80.0), 10.0)
    assert not dispatch_module.limits_in_range(np.full(n, 30.0), 80.0, 10.0)  # (not shared: its hours are read)
    assert not dispatch_module.limits_in_range(constant_hours(n, 30.0), constant_hours(n, -1.0), 10.0)
    good = dispatch_rule_based(load, pv, period, cap, constant_hours(n, 30.0), BatteryParams(), constant_hours(n, 80.0), 10.0)
    same = dispatch_rule_based(load, pv, period, cap, np.full(n, 30.0), BatteryParams(), np.full(n, 80.0), 10.0)
    for name in FLOWS:
        assert np.array_equal(getattr(good, name).view(np.int64), getattr(same, name).view(np.int64))
    with pytest.raises(ValueError, match="battery_power_kw"):
        dispatch_rule_based(load, pv, period, cap, constant_hours(n, -5.0), BatteryParams(), 80.0, 10.0)
    with pytest.raises(ValueError, match="import_limit_kw"):
        dispatch_rule_based(load, pv, period, cap, constant_hours(n, 30.0), BatteryParams(), constant_hours(n, np.nan), 10.0)
    bad = np.full(n, 30.0)
    bad[7] = np.inf
    with pytest.raises(ValueError, match="battery_power_kw"):
        dispatch_rule_based(load, pv, period, cap, bad, BatteryParams(), 80.0, 10.0)


def test_a_demand_with_its_change_is_the_demand_itself_or_the_clipped_sum_to_the_bit():
    """``changed_kw`` is the demand (the same array) when the change holds only zeros, of either sign or the
    shared zeros, and ``clipped_sum_kw`` of the two otherwise (a change inside the year, at either end, a
    NaN), bit for bit."""
    rng = np.random.default_rng(30)
    for case in range(200):
        n = int(rng.integers(1, 100))
        demand = rng.random(n) * 50.0
        change = np.where(rng.random(n) < 0.5, -0.0, 0.0)
        if case % 4:
            at = int(rng.integers(0, n))
            change[at] = float(rng.choice([-3.0, 2.5, 1e-300, np.nan, -1e3]))
        expected = demand if holds_only_zeros(change) else clipped_sum_kw(demand, change)
        got = changed_kw(demand, change)
        assert (got is demand) == (expected is demand)
        assert np.array_equal(got.view(np.int64), expected.view(np.int64))
    demand = np.ones(8760)
    assert changed_kw(demand, zeros_read_only((8760,))) is demand and changed_kw(demand, constant_hours(8760, 0.0)) is demand


def test_a_demand_with_a_change_of_another_shape_or_type_is_asked_by_numpy():
    """``changed_kw`` with arrays the compiled pass does not take (a change of ints, a demand of another
    shape): the demand itself when the change holds only zeros, else numpy's clipped sum; and
    ``zeros_known`` answers without a pass only for the shared zeros (True) and a value at either end (False)."""
    demand = np.array([1.0, 2.0, 3.0])
    assert changed_kw(demand, np.zeros(3, dtype=np.int64)) is demand
    np.testing.assert_array_equal(changed_kw(demand, np.array([0, -5, 0])), [1.0, 0.0, 3.0])
    grid = np.ones((2, 3))
    assert changed_kw(grid, np.zeros((2, 3))) is grid
    np.testing.assert_array_equal(changed_kw(grid, np.array([[0.0, -2.0, 0.0], [0.0, 1.0, 0.0]])), [[1.0, 0.0, 1.0], [1.0, 2.0, 1.0]])
    inside = np.zeros(5)
    inside[2] = 1.0
    assert dispatch_inputs.zeros_known(zeros_read_only((5,))) is True and dispatch_inputs.zeros_known(constant_hours(5, 0.0)) is True
    assert dispatch_inputs.zeros_known(np.array([0.0, 0.0, 4.0])) is False and dispatch_inputs.zeros_known(np.array([np.nan, 0.0])) is False
    assert dispatch_inputs.zeros_known(inside) is None and dispatch_inputs.zeros_known(np.zeros(5)) is None

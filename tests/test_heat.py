"""The hourly heat dispatch (energy/heat.py): hand-computed cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from parktwin.energy.heat import HeatPlan, ThermalStore, dispatch_heat
from parktwin.energy.thermal import cop_carnot
from parktwin.energy.tou import PERIOD_FLAT, PERIOD_PEAK, PERIOD_VALLEY


def plan(fossil=None, purchased=None, eb=None, hp=None, n=3, cop=2.0, eta=1.0) -> HeatPlan:
    def arr(x):
        return np.zeros((3, n)) if x is None else np.asarray(x, dtype=float)

    return HeatPlan(arr(fossil), arr(purchased), arr(eb), arr(hp), np.broadcast_to(np.asarray(cop, dtype=float), (3, n)), eta)


def test_three_hour_store_by_hand():
    # Low band: electric boilers 50 kW_th every hour (efficiency 0.9). Store 100 kWh_th, heater
    # 40 kW_th, discharge 60 kW_th, loss 1 %/h, window 0..100 %, heater efficiency 0.9.
    # h0 valley: empty, charges 40 → soc 40; heater 40/0.9 = 44.444 kW_e.
    # h1 flat, 10 kW of renewable surplus: loss 0.4 → 39.6; charges min(40, 60.4, 10×0.9) = 9 → 48.6.
    # h2 peak: loss 0.486 → 48.114; discharges min(50, 60, 48.114) = 48.114 into the boilers'
    #   heat, which falls to 1.886; their electricity falls by 48.114/0.9 = 53.46 kW_e.
    eb = np.zeros((3, 3))
    eb[0] = 50.0
    p = plan(eb=eb, eta=0.9)
    store = ThermalStore(np.full(3, 100.0), np.full(3, 40.0), np.full(3, 60.0), 0.01, 0.0, 1.0, 0.9)
    r = dispatch_heat(p, np.array([PERIOD_VALLEY, PERIOD_FLAT, PERIOD_PEAK]), surplus_kw=np.array([0.0, 10.0, 0.0]), store=store)
    assert r.store_in_kw == pytest.approx([40.0, 9.0, 0.0])
    assert r.store_loss_kw == pytest.approx([0.0, 0.4, 0.486])
    assert r.store_out_kw == pytest.approx([0.0, 0.0, 48.114])
    assert r.store_soc_kwh == pytest.approx([40.0, 48.6, 0.0], abs=1e-12)
    assert r.electric_boiler_kw[0] == pytest.approx([50.0, 50.0, 1.886])
    assert r.heater_kw == pytest.approx([40 / 0.9, 10.0, 0.0])
    assert r.electricity_delta_kw == pytest.approx([40 / 0.9, 10.0, -48.114 / 0.9])
    assert np.abs(r.balance_error_kw()).max() < 1e-12


def test_waste_heat_then_chp_displace_fossil_then_purchased():
    # One hour. Low band: fossil 30, purchased 20, electric boiler 10; medium: fossil 40.
    # Waste heat 35 (low) takes fossil 30 then purchased 5. CHP with 20 kW_th: low purchased 15
    # left → 15, then medium fossil 5 (40 → 35). CHP electricity 20 × 0.40/0.45, fuel 20/0.45.
    f = np.array([[30.0], [40.0], [0.0]])
    pu = np.array([[20.0], [0.0], [0.0]])
    eb = np.array([[10.0], [0.0], [0.0]])
    waste = np.array([[35.0], [0.0], [0.0]])
    r = dispatch_heat(plan(f, pu, eb, n=1), np.array([PERIOD_FLAT]), waste_heat_kw=waste, chp_heat_max_kw=np.array([20.0]),
                      chp_electric_per_heat=0.40 / 0.45, chp_heat_efficiency=0.45)
    assert r.waste_heat_kw[:, 0] == pytest.approx([35.0, 0.0, 0.0])
    assert r.fossil_kw[:, 0] == pytest.approx([0.0, 35.0, 0.0])
    assert r.purchased_kw[:, 0] == pytest.approx([0.0, 0.0, 0.0])
    assert r.chp_kw[:, 0] == pytest.approx([15.0, 5.0, 0.0])
    assert r.electric_boiler_kw[0, 0] == 10.0  # waste heat ran out before the electric heat
    assert r.chp_electricity_kw[0] == pytest.approx(20 * 0.40 / 0.45)
    assert r.chp_fuel_kw[0] == pytest.approx(20 / 0.45)
    assert r.electricity_delta_kw[0] == pytest.approx(0.0)


def test_heat_pump_electricity_is_heat_over_hourly_cop():
    # An air-source heat pump at 45 °C supply from outdoor air: COP = 0.45 × 318.15 / (45 − T)
    # (thermal.cop_carnot); electricity = heat / COP hour by hour.
    t_air = np.array([-5.0, 5.0, 15.0])
    cop = cop_carnot(45.0, t_air, 0.45)
    assert cop == pytest.approx([0.45 * 318.15 / 50, 0.45 * 318.15 / 40, 0.45 * 318.15 / 30])
    hp = np.zeros((3, 3))
    hp[0] = [100.0, 80.0, 60.0]
    p = HeatPlan(np.zeros((3, 3)), np.zeros((3, 3)), np.zeros((3, 3)), hp, np.vstack([cop, cop, cop]), 0.99)
    r = dispatch_heat(p, np.array([PERIOD_FLAT] * 3))
    assert r.heat_pump_electricity_kw[0] == pytest.approx(hp[0] / cop)
    assert p.electricity_kw() == pytest.approx(hp[0] / cop)


N = 96


@st.composite
def cases(draw):
    heat = hnp.arrays(float, (3, N), elements=st.floats(0, 500))
    p = HeatPlan(draw(heat), draw(heat), draw(heat), draw(heat), np.full((3, N), draw(st.floats(1.0, 6.0))), draw(st.floats(0.8, 1.0)))
    cap = draw(st.floats(0, 5000))
    start = draw(st.integers(0, N - 1))  # the store commissions at the start or mid-period
    capacity = np.where(np.arange(N) >= start, cap, 0.0)
    store = ThermalStore(capacity, np.full(N, draw(st.floats(0, 1000))), np.full(N, draw(st.floats(0, 1000))),
                         draw(st.floats(0, 0.05)), draw(st.floats(0, 0.3)), draw(st.floats(0.5, 1.0)), draw(st.floats(0.8, 1.0)))
    period = draw(hnp.arrays(np.int64, N, elements=st.integers(0, 3)))
    surplus = draw(hnp.arrays(float, N, elements=st.floats(0, 800)))
    waste = draw(hnp.arrays(float, (3, N), elements=st.floats(0, 300)))
    chp = np.full(N, draw(st.floats(0, 600)))
    headroom = draw(hnp.arrays(float, N, elements=st.floats(0, 800)))
    return p, store, period, surplus, waste, chp, headroom


@settings(max_examples=60, deadline=None)
@given(c=cases())
def test_every_band_balances_and_the_store_stays_in_its_window(c):
    p, store, period, surplus, waste, chp, headroom = c
    r = dispatch_heat(p, period, surplus, waste, chp, 0.9, 0.45, store, headroom_kw=headroom)
    # every band balances every hour
    assert np.abs(r.balance_error_kw()).max() <= 1e-6
    # no negative flows
    for name in ("waste_heat_kw", "chp_kw", "fossil_kw", "purchased_kw", "electric_boiler_kw", "heat_pump_kw",
                 "store_in_kw", "store_out_kw", "store_loss_kw", "store_soc_kwh", "heater_kw"):
        assert (getattr(r, name) >= -1e-9).all(), name
    # SOC never above its ceiling; the store never discharges below its floor
    hi = store.soc_max_share * store.capacity_kwh
    lo = store.soc_min_share * store.capacity_kwh
    assert (r.store_soc_kwh <= hi + 1e-9).all()
    out = r.store_out_kw > 1e-9
    assert (r.store_soc_kwh[out] >= lo[out] - 1e-9).all()
    # the store's energy account: soc[h] = soc[h-1] - loss + in - out
    before = np.concatenate([[0.0], r.store_soc_kwh[:-1]])
    assert np.allclose(r.store_soc_kwh, before - r.store_loss_kw + r.store_in_kw - r.store_out_kw, atol=1e-6)
    # limits: charge and discharge power, charging only in valley or surplus hours, discharge only in peak hours
    assert (r.store_in_kw <= store.charge_kw + 1e-9).all() and (r.store_out_kw <= store.discharge_kw + 1e-9).all()
    charging = r.store_in_kw > 1e-9
    assert ((period[charging] == PERIOD_VALLEY) | (surplus[charging] > 0)).all()
    assert (r.store_in_kw[period != PERIOD_VALLEY] <= surplus[period != PERIOD_VALLEY] * store.heater_efficiency + 1e-9).all()
    assert (period[r.store_out_kw > 1e-9] >= PERIOD_PEAK).all()
    # the heater never draws more than the grid headroom and the renewable surplus
    assert (r.heater_kw <= headroom + surplus + 1e-9).all()
    # supplies never above what the plan had; CHP within its capacity and only in low and medium
    assert (r.chp_kw.sum(axis=0) <= chp + 1e-9).all() and (r.chp_kw[2] == 0).all()
    for name, planned in (("fossil_kw", p.fossil_kw), ("electric_boiler_kw", p.electric_boiler_kw), ("heat_pump_kw", p.heat_pump_kw)):
        assert (getattr(r, name) <= planned + 1e-9).all()
    # heat pumps draw heat / COP, hour by hour
    assert np.allclose(r.heat_pump_electricity_kw, r.heat_pump_kw / p.heat_pump_cop)
    # the electricity change is exactly the electric heat's change plus the heater
    after = r.electric_boiler_kw.sum(0) / p.electric_boiler_efficiency + (r.heat_pump_kw / p.heat_pump_cop).sum(0) + r.heater_kw
    assert np.allclose(r.electricity_delta_kw, after - p.electricity_kw(), atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(c=cases())
def test_working_in_the_plan_gives_the_same_dispatch(c):
    # overwrite_plan=True only saves copying the plan: every array of the result is the same,
    # value for value, and the dispatched supplies are the plan's own arrays
    p, store, period, surplus, waste, chp, headroom = c
    copied = dispatch_heat(p, period, surplus, waste, chp, 0.9, 0.45, store, headroom_kw=headroom)
    mine = HeatPlan(*(np.array(a) for a in (p.fossil_kw, p.purchased_kw, p.electric_boiler_kw, p.heat_pump_kw, p.heat_pump_cop)),
                    p.electric_boiler_efficiency)
    worked = dispatch_heat(mine, period, surplus, waste, chp, 0.9, 0.45, store, headroom_kw=headroom, overwrite_plan=True)
    for name in vars(copied):
        a, b = getattr(copied, name), getattr(worked, name)
        assert np.array_equal(np.asarray(a), np.asarray(b)), name
    assert worked.fossil_kw is mine.fossil_kw and worked.heat_pump_kw is mine.heat_pump_kw


@settings(max_examples=20, deadline=None)
@given(c=cases())
def test_rows_marked_empty_periods_as_bytes_and_no_demand_change_nothing(c):
    # marking the plan's rows that are zeros as empty (live False) skips their electricity, and
    # periods given as int8 (as the tariff makes them) are read as they are: no value of the result changes,
    # with waste heat and CHP (every band changes) and with the store alone (its band only)
    p, store, period, surplus, waste, chp, headroom = c
    supplies = [a.copy() for a in (p.fossil_kw, p.purchased_kw, p.electric_boiler_kw, p.heat_pump_kw)]
    supplies[1][:] = supplies[0][2] = supplies[3][2] = 0.0  # no purchased heat, no high-band fossil heat or heat pumps
    p = HeatPlan(*supplies, p.heat_pump_cop, p.electric_boiler_efficiency)
    live = np.array([a.any(axis=1) for a in supplies])
    for displace in ((waste, chp, 0.9, 0.45), ()):
        full = dispatch_heat(p, period, surplus, *displace, store=store, headroom_kw=headroom)
        marked = dispatch_heat(p, period.astype(np.int8), surplus, *displace, store=store, headroom_kw=headroom, live=live)
        for name in vars(full):
            assert np.array_equal(np.asarray(getattr(full, name)), np.asarray(getattr(marked, name))), name
        # without the demand (no one reads it) every other array is the same
        bare = dispatch_heat(p, period, surplus, *displace, store=store, headroom_kw=headroom, live=live, with_demand=False)
        assert bare.demand_kw is None
        for name in vars(full):
            if name != "demand_kw":
                assert np.array_equal(np.asarray(getattr(full, name)), np.asarray(getattr(bare, name))), name
        # a plan the caller vouches for (plan_checked: no search for negatives) gives the same numbers
        vouched = dispatch_heat(p, period, surplus, *displace, store=store, headroom_kw=headroom, live=live, with_demand=False, plan_checked=True)
        for name in vars(full):
            if name != "demand_kw":
                assert np.array_equal(np.asarray(getattr(bare, name)), np.asarray(getattr(vouched, name))), name


def test_a_negative_plan_value_is_refused_with_or_without_the_demand():
    # dispatch_heat looks for negative plan values along the demand, or on its own without it
    # (unless the caller vouches for the plan, plan_checked); either way a negative heat-pump value
    # is refused by name, with every row marked live or only the rows holding heat (the negative's among them),
    # without a store and with one (the plan's pass and the store's are then one compiled call)
    hp = np.zeros((3, 3))
    hp[1, 2] = -1.0
    period = np.array([PERIOD_VALLEY, PERIOD_FLAT, PERIOD_PEAK])
    one_store = ThermalStore(np.full(3, 50.0), np.full(3, 40.0), np.full(3, 40.0), 0.0, 0.0, 1.0, 1.0, band=0)
    for store in (None, one_store):
        for with_demand in (True, False):
            for live in (None, np.array([[True] * 3, [False] * 3, [False] * 3, [False, True, False]])):
                with pytest.raises(ValueError, match="heat plan heat_pump"):
                    dispatch_heat(plan(hp=hp), period, store=store, live=live, with_demand=with_demand)

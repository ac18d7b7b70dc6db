"""The cold store (energy/cold.py): a hand-computed case and properties of the dispatch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from parktwin.energy.cold import ColdStore, dispatch_cold, peak_need_kwh
from parktwin.energy.tou import (
    PERIOD_CRITICAL,
    PERIOD_FLAT,
    PERIOD_PEAK,
    PERIOD_VALLEY,
)


def test_five_hour_ice_store_by_hand():
    # Cooling 0, 0, 0, 300, 300 kW_th in valley, valley, flat, peak, peak hours; chillers COP 4,
    # ice making COP 2.5. Store 500 kWh_th, charge 200 kW_th, discharge 250 kW_th, loss 1 %/h.
    # Peak need seen from h0 and h1: min(300, 250) × 2 = 500 kWh_th (both peak hours within 24 h).
    # h0 valley: charges min(200, 500 - 0) = 200 → soc 200; ice electricity 200/2.5 = 80.
    # h1 valley: loss 2 → 198; charges min(200, 500 - 198) = 200 → 398; 80 kW_e.
    # h2 flat, no surplus: loss 3.98 → 394.02.
    # h3 peak: loss 3.9402 → 390.0798; discharges min(300, 250, 390.0798) = 250 → 140.0798;
    #   chillers make 50; electricity 50/4 = 12.5 instead of 75: delta -62.5.
    # h4 peak: loss 1.400798 → 138.679002; discharges all of it; chillers make 161.320998.
    period = np.array([PERIOD_VALLEY, PERIOD_VALLEY, PERIOD_FLAT, PERIOD_PEAK, PERIOD_PEAK])
    cooling = np.array([0.0, 0.0, 0.0, 300.0, 300.0])
    store = ColdStore(np.full(5, 500.0), np.full(5, 200.0), np.full(5, 250.0), 0.01, 0.0, 1.0)
    r = dispatch_cold(cooling, np.full(5, 4.0), np.full(5, 2.5), period, store)
    assert r.store_in_kw == pytest.approx([200.0, 200.0, 0.0, 0.0, 0.0])
    assert r.store_loss_kw == pytest.approx([0.0, 2.0, 3.98, 3.9402, 1.400798])
    assert r.store_out_kw == pytest.approx([0.0, 0.0, 0.0, 250.0, 138.679002])
    assert r.store_soc_kwh == pytest.approx([200.0, 398.0, 394.02, 140.0798, 0.0], abs=1e-9)
    assert r.chiller_kw == pytest.approx([0.0, 0.0, 0.0, 50.0, 161.320998])
    assert r.charge_electricity_kw == pytest.approx([80.0, 80.0, 0.0, 0.0, 0.0])
    assert r.electricity_delta_kw == pytest.approx([80.0, 80.0, 0.0, -62.5, -138.679002 / 4])
    assert np.abs(r.balance_error_kw()).max() < 1e-12


def test_the_store_charges_only_for_the_next_days_peak_cooling():
    # 48 h: cooling only in the peak hours 8-10 of day 1 (100 kW_th each; valley 0-7 each day,
    # the rest peak). Seen from day 0's valley hours, the peak hours within 24 h carry cooling only
    # from h32 on (day 1, 8 h): from h0..h7 the look-ahead (h+1..h+24) ends at h8..h31 and holds
    # none, so no ice is made on day 0. Day 1's valley hours (24..31) see 3 × 100 = 300 kWh_th.
    n = 48
    hour = np.arange(n) % 24
    period = np.where(hour < 8, PERIOD_VALLEY, PERIOD_PEAK)
    cooling = np.where((np.arange(n) >= 32) & (np.arange(n) <= 34), 100.0, 0.0)
    need = peak_need_kwh(cooling, np.full(n, 1000.0), period)
    assert need[:8] == pytest.approx(np.zeros(8))
    assert need[24:32] == pytest.approx(np.full(8, 300.0))
    store = ColdStore(np.full(n, 1000.0), np.full(n, 100.0), np.full(n, 1000.0), 0.0, 0.0, 1.0)
    r = dispatch_cold(cooling, np.full(n, 4.0), np.full(n, 3.0), period, store)
    assert r.store_in_kw[:24].sum() == 0.0
    assert r.store_in_kw[24:32].sum() == pytest.approx(300.0)  # 100 kW for 3 valley hours
    assert r.store_out_kw[32:35] == pytest.approx([100.0, 100.0, 100.0])


N = 72


@st.composite
def cases(draw):
    cooling = draw(hnp.arrays(float, N, elements=st.floats(0, 2000)))
    cop = draw(hnp.arrays(float, N, elements=st.floats(1.0, 8.0)))
    cop_ice = cop * draw(st.floats(0.4, 1.0))
    cap = draw(st.floats(0, 5000))
    start = draw(st.integers(0, N - 1))  # the store commissions at the start or mid-period
    capacity = np.where(np.arange(N) >= start, cap, 0.0)
    store = ColdStore(capacity, np.full(N, draw(st.floats(0, 1000))), np.full(N, draw(st.floats(0, 1000))),
                      draw(st.floats(0, 0.05)), draw(st.floats(0, 0.3)), draw(st.floats(0.5, 1.0)))
    period = draw(hnp.arrays(np.int64, N, elements=st.integers(0, 3)))
    surplus = draw(hnp.arrays(float, N, elements=st.floats(0, 800)))
    headroom = draw(hnp.arrays(float, N, elements=st.floats(0, 800)))
    return cooling, cop, cop_ice, store, period, surplus, headroom


@settings(max_examples=80, deadline=None)
@given(c=cases())
def test_cooling_balances_every_hour_and_peak_electricity_never_rises(c):
    cooling, cop, cop_ice, store, period, surplus, headroom = c
    r = dispatch_cold(cooling, cop, cop_ice, period, store, surplus, headroom)
    # the cooling balances every hour: demand = chillers + store
    assert np.abs(r.balance_error_kw()).max() <= 1e-6
    for name in ("chiller_kw", "store_out_kw", "store_in_kw", "store_loss_kw", "store_soc_kwh"):
        assert (getattr(r, name) >= -1e-9).all(), name
    # SOC never above its ceiling; never discharged below its floor
    hi = store.soc_max_share * store.capacity_kwh
    lo = store.soc_min_share * store.capacity_kwh
    assert (r.store_soc_kwh <= hi + 1e-9).all()
    out = r.store_out_kw > 1e-9
    assert (r.store_soc_kwh[out] >= lo[out] - 1e-9).all()
    # the store's account: soc[h] = soc[h-1] - loss + in - out
    before = np.concatenate([[0.0], r.store_soc_kwh[:-1]])
    assert np.allclose(r.store_soc_kwh, before - r.store_loss_kw + r.store_in_kw - r.store_out_kw, atol=1e-6)
    # limits, and the periods: charge only in valley or surplus hours, discharge only at peak
    assert (r.store_in_kw <= store.charge_kw + 1e-9).all() and (r.store_out_kw <= store.discharge_kw + 1e-9).all()
    peak = (period == PERIOD_PEAK) | (period == PERIOD_CRITICAL)
    assert (r.store_in_kw[peak] == 0).all() and (r.store_out_kw[~peak] == 0).all()
    assert (r.charge_electricity_kw <= np.where(period == PERIOD_VALLEY, headroom, 0.0) + surplus + 1e-9).all()
    # the peak-hour electricity never rises; the delta is exactly the ice minus the avoided chillers
    assert (r.electricity_delta_kw[peak] <= 1e-12).all()
    assert np.allclose(r.electricity_delta_kw, r.chiller_electricity_kw + r.charge_electricity_kw - cooling / cop, atol=1e-6)


def test_bad_input_is_refused():
    store = ColdStore(np.ones(2), np.ones(2), np.ones(2), 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="cooling_kw"):
        dispatch_cold(np.array([-1.0, 0.0]), np.ones(2), np.ones(2), np.zeros(2, dtype=int), store)
    with pytest.raises(ValueError, match="cop"):
        dispatch_cold(np.zeros(2), np.zeros(2), np.ones(2), np.zeros(2, dtype=int), store)
    with pytest.raises(ValueError, match="period"):
        dispatch_cold(np.zeros(2), np.ones(2), np.ones(2), np.zeros(3, dtype=int), store)

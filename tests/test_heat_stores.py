"""Several heat stores in one dispatch (energy/heat.py): each discharges into its own band, and a
later store charges from the grid headroom and surplus an earlier one's heater left. By hand."""

from __future__ import annotations

import numpy as np
import pytest

from parktwin.energy.heat import HeatPlan, dispatch_heat
from parktwin.energy.store import Store
from parktwin.energy.tou import PERIOD_PEAK, PERIOD_VALLEY


def test_two_stores_in_two_bands_by_hand():
    # Fossil heat 100 kW_th in the low and in the high band, both hours. Hour 0 is a valley hour
    # with 50 kW_e of grid headroom, hour 1 a peak hour. Store A (low band): 50 kWh_th, charger
    # 40 kW_th, heater efficiency 1.0; store B (high band): 50 kWh_th, 40 kW_th, efficiency 0.5;
    # no standing loss, window 0..100 %.
    # h0: A takes min(40, 50, 50 × 1.0) = 40 kWh_th (40 kW_e); 50 − 40 = 10 kW_e of headroom is
    #     left, so B takes min(40, 50, 10 × 0.5) = 5 kWh_th (10 kW_e).
    # h1: A gives min(100, 60, 40) = 40 to the low band's fossil heat (100 → 60); B gives 5 to
    #     the high band's (100 → 95).
    n = 2
    fossil = np.full((3, n), 0.0)
    fossil[0] = fossil[2] = 100.0
    z = np.zeros((3, n))
    plan = HeatPlan(fossil, z.copy(), z.copy(), z.copy(), np.ones((3, n)), 1.0)
    a = Store(np.full(n, 50.0), np.full(n, 40.0), np.full(n, 60.0), 0.0, 0.0, 1.0, 1.0, band=0)
    b = Store(np.full(n, 50.0), np.full(n, 40.0), np.full(n, 60.0), 0.0, 0.0, 1.0, 0.5, band=2)
    r = dispatch_heat(plan, np.array([PERIOD_VALLEY, PERIOD_PEAK]), surplus_kw=np.zeros(n), store=(a, b),
                      soc_start_kwh=(0.0, 0.0), headroom_kw=np.array([50.0, 0.0]))
    assert r.store_in_kw == pytest.approx([45.0, 0.0])
    assert r.heater_kw == pytest.approx([50.0, 0.0])
    assert r.supply_kw("store")[0] == pytest.approx([0.0, 40.0])
    assert r.supply_kw("store")[1] == pytest.approx([0.0, 0.0])
    assert r.supply_kw("store")[2] == pytest.approx([0.0, 5.0])
    assert r.fossil_kw[0] == pytest.approx([100.0, 60.0]) and r.fossil_kw[2] == pytest.approx([100.0, 95.0])
    assert r.final_soc_by_store == pytest.approx((0.0, 0.0)) and r.final_soc_kwh == pytest.approx(0.0)
    np.testing.assert_allclose(r.balance_error_kw(), 0.0, atol=1e-12)


def test_one_store_outside_the_low_band_delivers_into_its_own_band_by_hand():
    # Store B of the test above alone (high band, 50 kWh_th, charger 40 kW_th, heater efficiency
    # 0.5), fossil heat 100 kW_th in the high band only; 50 kW_e of headroom in the valley hour 0.
    # h0: B takes min(40, 50, 50 × 0.5) = 25 kWh_th (50 kW_e); h1 (peak): B gives min(100, 60, 25)
    # = 25 to the high band's fossil heat (100 → 75). With one store the result keeps no (3, n)
    # array of the stores' bands: its heat must still be read in the high band and nowhere else.
    n = 2
    fossil = np.zeros((3, n))
    fossil[2] = 100.0
    z = np.zeros((3, n))
    plan = HeatPlan(fossil, z.copy(), z.copy(), z.copy(), np.ones((3, n)), 1.0)
    b = Store(np.full(n, 50.0), np.full(n, 40.0), np.full(n, 60.0), 0.0, 0.0, 1.0, 0.5, band=2)
    r = dispatch_heat(plan, np.array([PERIOD_VALLEY, PERIOD_PEAK]), surplus_kw=np.zeros(n), store=(b,),
                      soc_start_kwh=(0.0,), headroom_kw=np.array([50.0, 0.0]))
    assert r.store_in_kw == pytest.approx([25.0, 0.0]) and r.heater_kw == pytest.approx([50.0, 0.0])
    assert r.supply_kw("store")[2] == pytest.approx([0.0, 25.0])
    assert r.supply_kw("store")[0] == pytest.approx([0.0, 0.0]) and r.supply_kw("store")[1] == pytest.approx([0.0, 0.0])
    assert (r.store_heat_kwh(0), r.store_heat_kwh(1), r.store_heat_kwh(2)) == pytest.approx((0.0, 0.0, 25.0))
    assert r.fossil_kw[2] == pytest.approx([100.0, 75.0])
    np.testing.assert_allclose(r.balance_error_kw(), 0.0, atol=1e-12)

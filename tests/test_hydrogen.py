"""The hourly hydrogen chain (energy/hydrogen.py): hand-computed cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from parktwin.energy.hydrogen import HydrogenParams, dispatch_hydrogen, dispatch_park_hydrogen
from parktwin.energy.tou import PERIOD_CRITICAL, PERIOD_FLAT, PERIOD_PEAK, PERIOD_VALLEY

PARAMS = HydrogenParams(electrolyser_kwh_per_kg=50.0, lhv_kwh_per_kg=33.33, fuel_cell_efficiency=0.5, soc_min_share=0.0,
                        soc_max_share=1.0, fuel_cell_reserve_share=0.0)


def test_four_hours_by_hand():
    # Electrolyser 200 kW at 50 kWh/kg = 4 kg/h; tank 10 kg, empty; no fuel cell.
    # h0 valley, demand 2: tank empty → electrolyser makes 2 for the burners, then fills 2 more
    #    (valley: full power) → produced 4, soc 2.
    # h1 flat, demand 0, surplus 50 kW = 1 kg: fills 1 → soc 3.
    # h2 peak, demand 3: all from the tank → soc 0, produced 0.
    # h3 peak, demand 6: tank empty, electrolyser makes 4 (its limit), 2 kg bought.
    r = dispatch_hydrogen(np.array([2.0, 0.0, 3.0, 6.0]), np.array([PERIOD_VALLEY, PERIOD_FLAT, PERIOD_PEAK, PERIOD_PEAK]), PARAMS,
                          electrolyser_kw=200.0, tank_kg=10.0, surplus_kw=np.array([0.0, 50.0, 0.0, 0.0]))
    assert r.produced_kg == pytest.approx([4.0, 1.0, 0.0, 4.0])
    assert r.soc_kg == pytest.approx([2.0, 3.0, 0.0, 0.0])
    assert r.bought_kg == pytest.approx([0.0, 0.0, 0.0, 2.0])
    assert r.electrolyser_kw == pytest.approx([200.0, 50.0, 0.0, 200.0])
    assert np.abs(r.balance_error_kg(0.0)).max() < 1e-12


def test_fuel_cell_uses_only_hydrogen_above_its_reserve():
    # Tank 100 kg holding 80 kg, reserve 50 % → 30 kg usable; fuel cell 400 kW at 0.5 × 33.33 kWh/kg
    # = 16.665 kWh_e per kg. Peak hour with a 1,000 kW deficit: min(400, 1000, 30 × 16.665 = 499.95) = 400 kW
    # → 400/16.665 = 24.002 kg; next critical hour: 5.998 kg left above the reserve → 99.96 kW.
    params = HydrogenParams(50.0, 33.33, 0.5, 0.0, 1.0, 0.5)
    r = dispatch_hydrogen(np.zeros(2), np.array([PERIOD_PEAK, PERIOD_CRITICAL]), params, electrolyser_kw=0.0, tank_kg=100.0,
                          fuel_cell_kw=400.0, deficit_kw=np.array([1000.0, 1000.0]), soc_start_kg=80.0)
    assert r.fuel_cell_kw == pytest.approx([400.0, (30.0 - 400.0 / 16.665) * 16.665])
    assert r.soc_kg[-1] == pytest.approx(50.0)
    assert np.abs(r.balance_error_kg(80.0)).max() < 1e-12


def test_no_tank_is_direct_electrolysis():
    # Without a tank the electrolyser follows the demand hour by hour (the firms' own model).
    demand = np.array([1.0, 3.0, 0.5])
    r = dispatch_hydrogen(demand, np.array([PERIOD_VALLEY, PERIOD_PEAK, PERIOD_FLAT]), PARAMS, electrolyser_kw=150.0, tank_kg=0.0)
    assert r.produced_kg == pytest.approx(demand)
    assert r.bought_kg.sum() == 0.0


N = 96


@st.composite
def cases(draw):
    demand = draw(hnp.arrays(float, N, elements=st.floats(0, 50)))
    period = draw(hnp.arrays(np.int64, N, elements=st.integers(0, 3)))
    start = draw(st.integers(0, N - 1))
    tank = np.where(np.arange(N) >= start, draw(st.floats(0, 2000)), 0.0)
    params = HydrogenParams(draw(st.floats(40, 60)), 33.33, draw(st.floats(0.3, 0.6)), draw(st.floats(0, 0.2)),
                            draw(st.floats(0.5, 1.0)), draw(st.floats(0, 0.9)))
    return (demand, period, params, draw(st.floats(0, 5000)), tank, draw(st.floats(0, 2000)),
            draw(hnp.arrays(float, N, elements=st.floats(0, 3000))), draw(hnp.arrays(float, N, elements=st.floats(0, 3000))),
            draw(hnp.arrays(float, N, elements=st.floats(0, 3000))))


@settings(max_examples=60, deadline=None)
@given(c=cases())
def test_hydrogen_balances_every_hour_and_the_tank_stays_in_its_window(c):
    demand, period, params, elec_kw, tank, fc_kw, surplus, deficit, headroom = c
    r = dispatch_hydrogen(demand, period, params, elec_kw, tank, fc_kw, surplus, deficit, headroom_kw=headroom)
    assert np.abs(r.balance_error_kg(0.0)).max() <= 1e-6
    for name in ("produced_kg", "bought_kg", "served_kg", "fuel_cell_h2_kg", "soc_kg", "electrolyser_kw", "fuel_cell_kw"):
        assert (getattr(r, name) >= -1e-9).all(), name
    assert (r.soc_kg <= params.soc_max_share * tank + 1e-9).all()
    # the tank is drawn (burners or fuel cell) only down to its floor: a tank above its floor stays
    # there, one still filling up is not drawn at all
    before = np.concatenate([[0.0], r.soc_kg[:-1]])
    assert (r.soc_kg >= np.minimum(before, params.soc_min_share * tank) - 1e-9).all()
    assert (r.electrolyser_kw <= elec_kw + 1e-6).all() and (r.fuel_cell_kw <= fc_kw + 1e-9).all()
    assert (r.fuel_cell_kw <= deficit + 1e-9).all() and (r.fuel_cell_kw[period < PERIOD_PEAK] == 0).all()
    # beyond what the burners need this hour, the electrolyser draws no more than the grid headroom
    # and the renewable surplus
    usable = np.maximum(np.concatenate([[0.0], r.soc_kg[:-1]]) - params.soc_min_share * tank, 0.0)
    for_burners_kw = np.minimum(r.produced_kg, np.maximum(demand - usable, 0.0)) * params.electrolyser_kwh_per_kg
    assert (r.electrolyser_kw <= np.maximum(headroom, for_burners_kw) + surplus + 1e-6).all()
    # hydrogen is bought only when the electrolyser is at its limit
    short = r.bought_kg > 1e-9
    assert np.allclose(r.electrolyser_kw[short], elec_kw)


@pytest.mark.parametrize("fuel_cell", [False, True])
def test_park_chain_is_dispatch_hydrogen_of_numpys_inputs_to_the_bit(fuel_cell):
    """``dispatch_park_hydrogen`` (one compiled pass making each hour's inputs from the park's load) gives
    ``dispatch_hydrogen`` fed with the numpy arrays it replaced, bit for bit, and the load and generation
    changes numpy's in-place additions make: demand ``h2 / lhv``, booked electrolysis ``h2 / η``, deficit,
    surplus and headroom from ``demand + delta − booked`` against ``renewable + generation``."""
    rng = np.random.default_rng(3)
    n = 8760
    h2, demand, delta, renewable, generation = (rng.random(n) * s for s in (100.0, 900.0, 100.0, 900.0, 30.0))
    h2[rng.random(n) < 0.2] = 0.0
    renewable[rng.random(n) < 0.3] = -0.0 + 0.0
    limit = np.full(n, 700.0)
    limit[:24] = 0.0  # an outage
    limit[100:200] = np.inf
    period = rng.integers(0, 4, n).astype(np.int8)
    extra, tank, fc = rng.random(n) * 400.0, np.where(np.arange(n) >= 300, 2000.0, 0.0), np.full(n, 150.0 if fuel_cell else 0.0)
    params = HydrogenParams(50.0, 33.33, 0.5, 0.1, 1.0, 0.4)
    eff, own_kw = 0.6666, 120.0
    booked = h2 / eff
    load, onsite = demand + delta - booked, renewable + generation
    deficit = np.maximum(load - onsite, 0.0)
    expected = dispatch_hydrogen(h2 / params.lhv_kwh_per_kg, period, params, own_kw + extra, tank, fc, np.maximum(onsite - load, 0.0),
                                 deficit, 5.0, np.maximum(limit - deficit, 0.0))
    expected_delta = delta + (expected.electrolyser_kw - booked)
    expected_generation = generation + expected.fuel_cell_kw if fuel_cell else generation.copy()
    got = dispatch_park_hydrogen(h2, period, params, eff, demand, delta, renewable, generation, limit, own_kw, extra, tank, fc, 5.0,
                                 add_fuel_cell=fuel_cell)
    for name in ("demand_kg", "produced_kg", "bought_kg", "served_kg", "fuel_cell_h2_kg", "soc_kg", "electrolyser_kw", "fuel_cell_kw"):
        assert np.array_equal(getattr(got, name).view(np.int64), getattr(expected, name).view(np.int64)), name
    assert got.final_soc_kg == expected.final_soc_kg
    assert np.array_equal(delta.view(np.int64), expected_delta.view(np.int64))
    assert np.array_equal(generation.view(np.int64), expected_generation.view(np.int64))
    assert fuel_cell == bool(got.fuel_cell_kw.any())
    h2[5] = -1.0  # a negative demand is refused, as dispatch_hydrogen refuses it
    with pytest.raises(ValueError, match="hydrogen demand"):
        dispatch_park_hydrogen(h2, period, params, eff, demand, delta, renewable, generation, limit, own_kw, extra, tank, fc)

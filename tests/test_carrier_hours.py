"""The carrier stages' compiled hourly passes (kernel/carrier_hours.py) against the numpy
expressions they replace, bit for bit, and the heat plan's process caches (kernel/heat_plan.py):
a second run of the same park gets the same numbers from them, a changed coefficient misses them."""

from __future__ import annotations

import numpy as np
import pytest

from builders import scenario
from parktwin import run
from parktwin.energy.calendar import HOURS_PER_YEAR, year_calendar
from parktwin.energy.loads import profile
from parktwin.energy.tariff import month_peak_ceiling_kw
from parktwin.kernel import heat_plan
from parktwin.kernel.carrier_hours import firm_cuts, grid_room_kw, group_sums
from parktwin.kernel.firm_heat import FirmsHeat

N = HOURS_PER_YEAR


@pytest.fixture
def rng():
    return np.random.default_rng(7)


@pytest.mark.parametrize("limited", [False, True])
def test_grid_room_is_the_surplus_and_the_month_peak_ceiling_less_net(rng, limited):
    load, onsite = rng.random(N) * 900, rng.random(N) * 900
    onsite[:50] = load[:50]  # ties: +0.0 both ways
    limit = rng.random(N) * 800 if limited else None
    net = np.maximum(load - onsite, 0.0)
    for month in (year_calendar(2031).month, rng.integers(1, 13, N)):  # a calendar's runs, and months in many runs
        surplus, headroom = grid_room_kw(load, onsite, month, limit)
        assert np.array_equal(surplus, np.maximum(onsite - load, 0.0))
        assert np.array_equal(headroom, np.maximum(month_peak_ceiling_kw(net, month, limit) - net, 0.0))


def test_firm_cuts_are_numpys(rng):
    # the numpy this replaced: cuts = share × annual; their sums over bands; heat pumps at cut_cops
    annual = rng.random((35, 4, 3)) * 10 ** rng.uniform(3, 9, size=(35, 4, 1))
    annual[rng.random(annual.shape) < 0.3] = 0.0
    before = rng.random((4, 3)) * 1e9
    before[2, 2] = 0.0  # a row without heat
    after = before * rng.random((4, 3))
    after[1] = before[1]  # no bought heat taken
    cut_cops = np.array([3.1, 2.4, 1.0])
    fossil, bought_gj, elec, elec_mwh, cut = firm_cuts(before, after, annual, cut_cops, 0.98, 277.7777777777778)
    cuts = np.divide(before - after, before, out=np.zeros_like(before), where=before > 0) * annual
    sums, hp_el = cuts.sum(axis=2), (cuts[:, 3] / cut_cops).sum(axis=1)
    assert np.array_equal(fossil, sums[:, 0]) and np.array_equal(bought_gj, -sums[:, 1] / 277.7777777777778)
    assert np.array_equal(elec, sums[:, 2] / 0.98 + hp_el) and np.array_equal(elec_mwh, -elec / 1000.0)
    assert np.array_equal(cut, (sums[:, 0] > 0) | (sums[:, 1] > 0) | (elec > 0))


def test_group_sums_are_np_add_at(rng):
    values = rng.random((70, 12)) * 10 ** rng.uniform(0, 9, size=(70, 1))
    group_of = rng.integers(0, 8, 70)
    expected = np.zeros((8, 12))
    np.add.at(expected, group_of, values)
    assert np.array_equal(group_sums(group_of, values, 8), expected)


def a_year_of_firms_heat(scale: float = 1.0) -> FirmsHeat:
    """Three firms, one with two segments and one burning hydrogen."""
    coefs = np.abs(np.random.default_rng(1).normal(size=(4, 4, 3))) * 1e6 * scale
    coefs[:, 2, 2] = 0.0  # a row without heat
    return FirmsHeat([0, 1, 1, 2], [0, 0, 4000, 0], [N, 4000, N, N], coefs, [0.0, 0.0, 2e5, 1e5], coefs[:3], [0.0, 1e5, 1e5])


def test_the_heat_plans_caches_give_the_numbers_computed_afresh():
    shapes = ["continuous", "day_1x8", "two_shift_2x8"]
    fresh = heat_plan.hourly_plan(a_year_of_firms_heat(), shapes, 2030)
    again = heat_plan.hourly_plan(a_year_of_firms_heat(), shapes, 2030)
    assert again.sums_kwh is fresh.sums_kwh and again.hydrogen is fresh.hydrogen  # kept
    assert np.array_equal(again.plan_kw, fresh.plan_kw) and again.plan_kw is not fresh.plan_kw  # the plan is the dispatch's to change
    for i, b in np.ndindex(4, 3):  # the sums are numpy's of the plan's rows
        assert fresh.sums_kwh[i, b] == fresh.plan_kw[i, b].sum()
    assert not fresh.live[2, 2] and fresh.sums_kwh[2, 2] == 0.0
    # the hydrogen rows, built by hand: firm 1 burns in its second segment only, firm 2 all year
    rows = np.zeros((2, N))
    rows[0, 4000:] = profile("day_1x8", 2030)[4000:] * 2e5
    rows[1] = profile("two_shift_2x8", 2030) * 1e5
    h2 = fresh.hydrogen
    assert h2.firms == [1, 2] and np.array_equal(h2.hours, rows.sum(axis=0)) and h2.total_kwh == h2.hours.sum()
    assert h2.row_kwh == rows.sum(axis=1).tolist() and h2.peaks_kw == rows.max(axis=1).tolist()

    assert fresh.nonnegative and (fresh.plan_kw >= 0.0).all()  # non-negative coefficients times profiles: no search needed
    negative = a_year_of_firms_heat()
    negative.coefs[0, 1, 0] = -1.0
    assert not heat_plan.hourly_plan(negative, shapes, 2030).nonnegative  # the dispatch then looks for it (and refuses it)

    other = heat_plan.hourly_plan(a_year_of_firms_heat(1.0 + 1e-15), shapes, 2030)  # a coefficient changed in its last bits
    assert other.sums_kwh is not fresh.sums_kwh
    assert heat_plan.hourly_plan(a_year_of_firms_heat(), shapes, 2031).sums_kwh is not fresh.sums_kwh  # another year


def test_a_warm_run_of_a_park_with_a_store_repeats_its_heat_numbers():
    # the second run reads the plan's sums and electricity from the caches the first one filled
    store = {"kind": "thermal_storage", "year": 2026, "capacity_kwh": 2000.0, "charge_kw": 500.0, "discharge_kw": 500.0}
    sc = scenario(park={"fleets": []}, horizon_years=2, roadmap=[store])
    first, second = run(sc, seed=0), run(sc, seed=0)
    assert first.annual.equals(second.annual) and first.energy.equals(second.energy)


def test_the_heat_plans_caches_are_bounded_and_keyed_by_the_profiles(monkeypatch):
    # a full cache is emptied before a new entry; a profile registered anew is another key
    for name in ("_PROFILE_ROWS", "_PLAN_SUMS", "_HYDROGEN"):
        monkeypatch.setattr(heat_plan, name, {})
    monkeypatch.setattr(heat_plan, "PROFILE_ROWS_MAX", 2)
    monkeypatch.setattr(heat_plan, "PLAN_KEPT_MAX", 2)
    shapes = ["continuous", "day_1x8", "two_shift_2x8"]
    for year in (2030, 2031):
        heat_plan.hourly_plan(a_year_of_firms_heat(), shapes, year)
    caches = (heat_plan._PROFILE_ROWS, heat_plan._PLAN_SUMS, heat_plan._HYDROGEN)
    assert [len(c) for c in caches] == [2, 2, 2]
    heat_plan.hourly_plan(a_year_of_firms_heat(), shapes, 2032)
    assert [len(c) for c in caches] == [1, 1, 1]  # emptied, then the new year's entry
    assert all(next(iter(c))[0] == 2032 for c in caches)

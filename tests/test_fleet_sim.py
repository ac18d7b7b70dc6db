"""The depot charging model (parktwin.mobility.fleet_sim): queue, SOC, service, energy, profiles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parktwin.energy.calendar import year_calendar
from parktwin.mobility.fleet_sim import (
    WEEK,
    archetype,
    charging_profile_for_year,
    fleet_schedule,
    hourly_energy,
    make_schedule,
    simulate_depot,
    simulate_fleet,
    valley_preference,
)
from parktwin.spec.park import Fleet


def fleet(kind="heavy_truck", count=6, km=90000.0, kwh_per_km=1.4) -> Fleet:
    return Fleet(id="f", vehicle=kind, count=count, km_per_vehicle_yr=km, bev_kwh_per_km=kwh_per_km)


def test_hand_worked_queue():
    """Three empty vehicles reach one 50 kW charger at 0, 1 and 2 h needing 100, 50 and 25 kWh.

    By hand: v0 plugs at 0 and needs 2 h (unplugs at 2). v1 waits from 1 to 2, charges 1 h
    (2-3). v2 waits from 2 to 3, charges 0.5 h (3-3.5). At t = 2 v2's arrival was scheduled
    (at its start) before v0's end of charge (scheduled when v0 plugged), so SimPy processes
    it first; v1, queued earlier, gets the charger (FIFO).
    """
    sched = make_schedule([100, 50, 25], 1.0, [], day_types=("work",), initial_soc_kwh=[0, 0, 0],
                          available_h=[0, 1, 2])
    r = simulate_depot(sched, chargers=1, charger_kw=50.0)
    assert r.log == [
        (0.0, 0, "arrive"), (0.0, 0, "request"), (0.0, 0, "plug"),
        (1.0, 1, "arrive"), (1.0, 1, "request"),
        (2.0, 2, "arrive"), (2.0, 2, "request"),
        (2.0, 0, "unplug"), (2.0, 1, "plug"),
        (3.0, 1, "unplug"), (3.0, 2, "plug"),
        (3.5, 2, "unplug"),
    ]
    assert r.sessions["wait_h"].tolist() == [0.0, 1.0, 1.0]
    assert r.sessions["kwh"].tolist() == [100.0, 50.0, 25.0]
    assert r.hourly_kw[:5].tolist() == [50.0, 50.0, 50.0, 25.0, 0.0]
    assert r.final_soc_kwh.tolist() == [100.0, 50.0, 25.0]


def test_late_vehicle_delays_trip_and_leaves_queue_when_charged_enough():
    # One 20 kW charger. v0 is full and never plugs. v1 (10 kWh) needs 30 kWh for its trip at
    # 0.5 h: it plugs at 0 and reaches 30 kWh at 1 h, so the trip leaves 0.5 h late. v2 (50 kWh)
    # queues behind v1 but has enough for its 5 kWh trip: it leaves the queue at 0.5 h, on time.
    sched = make_schedule(
        [100, 100, 100], 1.0,
        [(1, 0.5, 2.0, 30.0), (2, 0.5, 1.0, 5.0)],
        day_types=("work",), initial_soc_kwh=[100, 10, 50],
    )
    r = simulate_depot(sched, chargers=1, charger_kw=20.0)
    assert r.trips["delay_h"].tolist() == [0.5, 0.0]
    assert r.trips["soc_depart_kwh"].tolist() == [30.0, 50.0]
    assert r.trips_delayed == 1 and r.service_level == 0.5
    assert (0.5, 2, "depart") in r.log and (1.0, 1, "depart") in r.log


def test_trip_beyond_battery_is_missed():
    sched = make_schedule([50], 1.0, [(0, 8.0, 2.0, 80.0)], day_types=("work",))
    r = simulate_depot(sched, chargers=1, charger_kw=10.0)
    assert r.trips_missed == 1 and r.service_level == 0.0 and r.charged_kwh == 0.0


def test_hourly_energy_partial_bins_and_fold():
    out = hourly_energy([0.25, 23.5], [2.5, 24.5], [10.0, 8.0], 24)
    expected = np.zeros(24)
    expected[:3] = [7.5, 10.0, 5.0]
    expected[23] += 4.0
    expected[0] += 4.0
    assert np.array_equal(out, expected)


trip_st = st.tuples(st.floats(0, 40), st.floats(0.25, 8), st.floats(0, 150))


@st.composite
def depots(draw):
    n = draw(st.integers(1, 4))
    battery = draw(st.lists(st.floats(20, 300), min_size=n, max_size=n))
    kwh_per_km = draw(st.floats(0.2, 1.5))
    trips = []
    for v in range(n):
        t = 0.0
        for dep_gap, dur, km in draw(st.lists(trip_st, max_size=4)):
            t += dep_gap
            trips.append((v, t, dur, km))
            t += dur
    init = [b * draw(st.floats(0, 1)) for b in battery]
    return make_schedule(battery, kwh_per_km, trips, day_types=("work", "work", "rest"), initial_soc_kwh=init)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sched=depots(), chargers=st.integers(1, 3), kw=st.floats(5, 150), smart=st.booleans())
def test_soc_never_negative_and_energy_balances(sched, chargers, kw, smart):
    r = simulate_depot(sched, chargers, kw, "smart" if smart else "immediate",
                       valley_preference(sched.day_types) if smart else None)
    done = ~r.trips["missed"]
    assert np.all(r.trips["soc_return_kwh"][done] >= -1e-9)
    assert np.all(r.trips["soc_depart_kwh"][done] >= r.trips["kwh"][done] - 1e-9)
    assert np.all(r.trips["delay_h"] >= -1e-12)
    assert np.all(r.final_soc_kwh <= sched.battery_kwh + 1e-9)
    # conservation: hourly bins = sessions = driving + change of stored energy
    assert abs(r.hourly_kw.sum() - r.charged_kwh) <= 1e-9 * max(1.0, r.charged_kwh)
    stored = r.final_soc_kwh.sum() - r.initial_soc_kwh.sum()
    assert abs(r.charged_kwh - (r.driven_kwh + stored)) <= 1e-9 * max(1.0, r.charged_kwh)
    # sessions on one charger never overlap more than the chargers
    s = r.sessions
    events = sorted([(t, 1) for t in s["start_h"]] + [(t, -1) for t in s["end_h"]], key=lambda e: (e[0], e[1]))
    assert max(np.cumsum([e[1] for e in events]), default=0) <= chargers


@settings(max_examples=100, deadline=None)
@given(sched=depots(), chargers=st.integers(1, 3), kw=st.floats(5, 150))
def test_more_chargers_never_lower_service(sched, chargers, kw):
    few = simulate_depot(sched, chargers, kw)
    more = simulate_depot(sched, chargers + 1, kw)
    assert more.service_level >= few.service_level - 1e-12


DEMO_LIKE = [("heavy_truck", 95000.0, 1.47), ("light_truck", 40000.0, 0.5), ("bus", 50000.0, 0.92),
             ("forklift", 27000.0, 0.3), ("car", 20000.0, 0.18)]


@pytest.mark.parametrize(("kind", "km", "kwh_per_km"), DEMO_LIKE)
def test_complete_service_charges_the_distance_driven(kind, km, kwh_per_km):
    f = fleet(kind, count=5, km=km, kwh_per_km=kwh_per_km)
    r = simulate_fleet(f, chargers=5, rng=np.random.default_rng(3))
    assert r.service_level == 1.0
    assert np.allclose(r.final_soc_kwh, archetype(kind).battery_kwh)
    sched = fleet_schedule(f, rng=np.random.default_rng(3))
    distance_kwh = float((sched.km * f.bev_kwh_per_km).sum())
    assert abs(r.hourly_kw.sum() - r.charged_kwh) <= 1e-9 * r.charged_kwh
    assert abs(r.charged_kwh - distance_kwh) <= 1e-9 * distance_kwh


@pytest.mark.parametrize("kind", ["heavy_truck", "light_truck", "bus", "forklift", "car"])
def test_schedule_scales_to_yearly_km(kind):
    f = fleet(kind, count=3, km=55000.0)
    work_days = int(year_calendar(2025).workday_of_day.sum())
    km_work = fleet_schedule(f, ("work",)).km.sum() / 3
    km_rest = fleet_schedule(f, ("rest",)).km.sum() / 3
    assert km_work * work_days + km_rest * (365 - work_days) == pytest.approx(55000.0, rel=1e-12)


def test_same_seed_same_result_other_seed_differs():
    f = fleet("light_truck", count=8, km=40000.0, kwh_per_km=0.5)
    a = simulate_fleet(f, chargers=3, rng=np.random.default_rng(7))
    b = simulate_fleet(f, chargers=3, rng=np.random.default_rng(7))
    c = simulate_fleet(f, chargers=3, rng=np.random.default_rng(8))
    assert a.log == b.log and np.array_equal(a.hourly_kw, b.hourly_kw)
    assert not np.array_equal(a.hourly_kw, c.hourly_kw)


def test_smart_charging_moves_energy_into_valley_hours():
    f = fleet("heavy_truck", count=10, km=95000.0, kwh_per_km=1.47)
    pref = valley_preference()
    valley = pref > 0
    imm = simulate_fleet(f, chargers=10, rng=np.random.default_rng(1))
    smart = simulate_fleet(f, chargers=10, rng=np.random.default_rng(1), policy="smart", preference=pref)
    share = lambda r: r.hourly_kw[valley].sum() / r.hourly_kw.sum()
    assert share(smart) > share(imm) + 0.2
    assert smart.service_level == 1.0 and imm.service_level == 1.0
    assert smart.charged_kwh == pytest.approx(imm.charged_kwh, rel=1e-9)


def test_year_profile_sums_to_one_and_tiles_day_shapes():
    f = fleet("bus", count=6, km=50000.0, kwh_per_km=0.92)
    r = simulate_fleet(f, chargers=3, rng=np.random.default_rng(2))
    cal = year_calendar(2026)
    prof = charging_profile_for_year(r, cal)
    assert prof.shape == (8760,) and abs(prof.sum() - 1.0) < 1e-12
    assert np.array_equal(prof, charging_profile_for_year(r, 2026))
    work, rest = r.day_shapes()
    days = r.hourly_kw.reshape(7, 24)
    assert np.allclose(work, days[:5].mean(axis=0)) and np.allclose(rest, days[5:].mean(axis=0))
    scale = prof.sum() / (work.sum() * cal.workday_of_day.sum() + rest.sum() * (~cal.workday_of_day).sum())
    by_day = prof.reshape(365, 24)
    assert np.allclose(by_day[cal.workday_of_day], work * scale, rtol=1e-12, atol=0)
    assert np.allclose(by_day[~cal.workday_of_day], rest * scale, rtol=1e-12, atol=0)


def test_bad_inputs():
    sched = fleet_schedule(fleet(), WEEK)
    with pytest.raises(ValueError, match="policy"):
        simulate_depot(sched, 1, 50.0, policy="cheap")
    with pytest.raises(ValueError, match="preference"):
        simulate_depot(sched, 1, 50.0, policy="smart")
    with pytest.raises(KeyError, match="duty cycle"):
        archetype("tram")


def test_duty_cycles_have_source_and_confidence():
    from parktwin.data import CONFIDENCE_LEVELS
    from parktwin.mobility.fleet_sim import _duty_table

    df = _duty_table()
    assert df["source"].fillna("").str.strip().ne("").all()
    assert df["confidence"].isin(CONFIDENCE_LEVELS).all()
    for kind, rows in df.groupby("kind"):
        assert rows["battery_kwh"].nunique() == 1 and rows["charger_kw"].nunique() == 1, kind
        assert set(rows["day_type"]) <= {"work", "rest"}

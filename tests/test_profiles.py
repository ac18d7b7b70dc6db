"""Calendar and load profiles: 8760 hours, China's holidays and make-up days, normalised shapes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from parktwin.energy.calendar import HOURS_PER_YEAR, hour_timestamp, year_calendar
from parktwin.energy.loads import LoadBook, hour_keys, profile, profile_table, register_profile, share_after, share_of_year


def test_leap_year_drops_29_february():
    cal = year_calendar(2028)
    assert len(cal.dates) == 365 and dt.date(2028, 2, 29) not in cal.dates
    assert cal.hour_of_day.shape == (HOURS_PER_YEAR,)
    assert hour_timestamp(2028, 59 * 24) == "2028-03-01T00:00"


def test_spring_festival_and_make_up_working_days_2025():
    # State Council 2025 schedule: Spring Festival 28 Jan – 4 Feb off; Sunday 26 Jan and
    # Saturday 8 Feb are working days (调休).
    cal = year_calendar(2025)
    day = {d: w for d, w in zip(cal.dates, cal.workday_of_day)}
    assert not day[dt.date(2025, 1, 29)] and not day[dt.date(2025, 2, 3)]
    assert day[dt.date(2025, 1, 26)] and day[dt.date(2025, 2, 8)]
    assert day[dt.date(2025, 3, 3)] and not day[dt.date(2025, 3, 2)]  # an ordinary Monday and Sunday


def test_profiles_sum_to_one_and_follow_the_shift():
    p = profile("day_1x8", 2025)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    cal = year_calendar(2025)
    work_day = cal.is_workday & (cal.hour_of_day == 10)
    night = cal.is_workday & (cal.hour_of_day == 3)
    # data/load_shapes.csv: day shift weight 1.0 at 10:00 vs 0.15 at 03:00, same month factors
    same_month = cal.month == 3
    assert p[work_day & same_month].mean() / p[night & same_month].mean() == pytest.approx(1.0 / 0.15, rel=1e-9)


def test_share_after_is_the_profile_tail():
    p = profile("two_shift_2x8", 2030)
    assert share_after("two_shift_2x8", 2030, 0) == pytest.approx(1.0)
    assert share_after("two_shift_2x8", 2030, 5000) == pytest.approx(p[5000:].sum(), rel=1e-12)
    assert share_after("two_shift_2x8", 2030, HOURS_PER_YEAR) == 0.0


def test_load_book_returns_the_year_energy_and_builds_the_hourly_sum():
    book = LoadBook(2026)
    e1 = book.add("office", 1_000_000.0, 0)
    e2 = book.add("continuous", 500_000.0, 4000)
    load = book.hourly_kw()
    assert e1 == pytest.approx(1_000_000.0)
    assert load.sum() == pytest.approx(e1 + e2, rel=1e-12)
    assert np.all(load[:4000] == pytest.approx(1_000_000.0 * profile("office", 2026)[:4000]))


def test_a_piecewise_load_is_its_deltas_added_in_order():
    # 100 kWh/yr from hour 0, 40 kWh/yr from hour 5,000: the book holds +100 from 0 and -60 from
    # 5,000, the year's energy is 100 × share(0) - 60 × share(5,000), value for value as two adds.
    piecewise, separate = LoadBook(2030), LoadBook(2030)
    total = piecewise.add_piecewise("two_shift_2x8", [0, 5000], [100.0, 40.0])
    expected = separate.add("two_shift_2x8", 100.0, 0) + separate.add("two_shift_2x8", -60.0, 5000)
    assert total == expected
    assert total == 100.0 * share_after("two_shift_2x8", 2030, 0) - 60.0 * share_after("two_shift_2x8", 2030, 5000)
    assert np.array_equal(piecewise.hourly_kw(), separate.hourly_kw())
    empty = LoadBook(2030)
    assert empty.add_piecewise("office", [0, 100], [0.0, 0.0]) == 0.0 and not empty.hourly_kw().any()  # nothing booked


def test_parts_booked_at_once_are_the_same_adds_in_order_skipping_zeros():
    # LoadBook.add_parts (the firms' loads booked many at once) books each (shape, start) part as
    # ``add`` would, in order: the same hourly sums value for value; a zero changes nothing, a key
    # met twice adds up, a part from hour 100 is zero before it
    keys = [("office", 0), ("two_shift_2x8", 0), ("office", 4000), ("office", 0), ("two_shift_2x8", 100)]
    kwh = [3.0e6, 0.0, -1.0e6, 2.0e5, 5.0e5]
    at_once, one_by_one = LoadBook(2030), LoadBook(2030)
    at_once.add_parts(keys, kwh)
    for (shape, start), value in zip(keys, kwh):
        one_by_one.add(shape, value, start)
    assert np.array_equal(at_once.hourly_kw(), one_by_one.hourly_kw())
    assert np.array_equal(at_once.shape_kw("two_shift_2x8"), 5.0e5 * np.r_[np.zeros(100), profile("two_shift_2x8", 2030)[100:]])
    assert np.array_equal(at_once.shape_kw("office"), one_by_one.shape_kw("office"))


def test_the_hourly_sum_adds_the_parts_in_the_order_booked():
    # The reused buffer must give the same floating-point sum as adding each scaled profile.
    book = LoadBook(2027)
    book.add("office", 3.0e6, 0)
    book.add("continuous", 1.0e5, 2000)
    book.add("office", -2.0e5, 6000)
    expected = np.zeros(HOURS_PER_YEAR)
    for (shape, start), kwh in [(("office", 0), 3.0e6), (("continuous", 2000), 1.0e5), (("office", 6000), -2.0e5)]:
        expected[start:] += kwh * profile(shape, 2027)[start:]
    assert np.array_equal(book.hourly_kw(), expected)


def test_hourly_sum_is_each_part_added_in_turn_bit_for_bit():
    """The compiled passes (four parts from hour 0 at once, others alone) give, hour by hour, the
    same products and sums as adding ``kwh * profile[start:]`` part after part in the order booked."""
    rng = np.random.default_rng(3)
    shapes = ["continuous", "three_shift_3x8", "two_shift_2x8", "day_1x8", "office", "dormitory", "canteen"]
    for _ in range(60):
        book, parts, expected = LoadBook(2030), {}, np.zeros(8760)
        for _ in range(int(rng.integers(0, 14))):
            shape = shapes[int(rng.integers(0, len(shapes)))]
            start = int(rng.integers(1, 8760)) if rng.random() < 0.3 else 0
            kwh = float(rng.random() * 10.0 ** rng.integers(0, 8)) * (1.0 if rng.random() < 0.8 else -1.0)
            book.add(shape, kwh, start)
            parts[(shape, start)] = parts.get((shape, start), 0.0) + kwh  # a (shape, start) booked again: one part
        for (shape, start), kwh in parts.items():
            expected[start:] += profile(shape, 2030)[start:] * kwh
        assert np.array_equal(book.hourly_kw().view(np.int64), expected.view(np.int64))


def test_hourly_sum_with_a_registered_profile_between_named_ones_bit_for_bit():
    """Named shapes before a registered profile (a fleet's charging, not one value per day type, month
    and hour) add up per hour key; from the registered one on, part by part: either way the same products
    and sums as adding ``kwh * profile[start:]`` in the order booked."""
    rng = np.random.default_rng(5)
    register_profile("test_irregular_charging", 2031, rng.random(8760))
    assert profile_table("test_irregular_charging", 2031) is None and profile_table("office", 2031) is not None
    table, keys = profile_table("office", 2031), hour_keys(2031)
    assert np.array_equal(table[keys], profile("office", 2031))  # the table holds the profile, hour by hour
    booked = [("office", 0, 3.0e6), ("continuous", 1234, 7.0e5), ("test_irregular_charging", 0, 2.0e5),
              ("canteen", 0, 1.1e5), ("day_1x8", 4000, -3.0e4), ("lab", 0, 5.5e4)]
    book, expected = LoadBook(2031), np.zeros(8760)
    for shape, start, kwh in booked:
        book.add(shape, kwh, start)
        expected[start:] += profile(shape, 2031)[start:] * kwh
    assert np.array_equal(book.hourly_kw().view(np.int64), expected.view(np.int64))


def test_full_year_booking_is_add_from_hour_0():
    """``add_full_year`` with ``share_of_year`` books and returns what ``add`` from hour 0 does (same
    part, same kWh, same hourly sum), and a zero books nothing."""
    a, b = LoadBook(2032), LoadBook(2032)
    for shape, kwh in (("office", 1.5e6), ("continuous", 7.0e5), ("office", -2.0e5), ("canteen", 0.0)):
        assert a.add(shape, kwh) == b.add_full_year(shape, kwh, share_of_year(shape, 2032))
    assert share_of_year("office", 2032) == share_after("office", 2032, 0)
    assert np.array_equal(a.hourly_kw(), b.hourly_kw()) and a.hourly_kw().sum() > 0.0


def test_one_segment_of_the_piecewise_path_is_the_full_year_booking():
    """What the one-state shortcuts of the buildings (``BuildingAgent._stock_year``) and fleets
    (``agents.fleet.fleets_year_energy``) rely on: the general segmented path with one segment from hour 0 —
    ``agents.base.segment_weights`` and ``LoadBook.add_piecewise`` — gives the same weight, kWh and
    booked part, bit for bit, as ``share_of_year`` and ``add_full_year``; a zero books nothing in both."""
    from parktwin.agents.base import segment_weights

    for year in (2025, 2032):
        a, b = LoadBook(year), LoadBook(year)
        for shape, kwh in (("office", 1.5e6), ("continuous", 7.0e5), ("canteen", 3.3e4), ("office", 0.0)):
            assert segment_weights(shape, year, [0]) == (share_of_year(shape, year),)
            assert a.add_piecewise(shape, [0], [kwh]) == b.add_full_year(shape, kwh, share_of_year(shape, year))
        assert a._parts == b._parts and np.array_equal(a.hourly_kw(), b.hourly_kw()) and a.hourly_kw().sum() > 0.0


def test_a_registered_profile_keeps_its_values_under_its_name():
    """``profile`` and the tables and sums made from it are kept per process by (shape, year): the
    same name registered again with the same values is accepted, with other values refused (the
    caches would go on serving the first ones), and the first values stay what ``profile`` gives."""
    values = np.linspace(1.0, 2.0, 8760)
    register_profile("test_kept_under_its_name", 2032, values)
    first = profile("test_kept_under_its_name", 2032)
    register_profile("test_kept_under_its_name", 2032, values.copy())
    with pytest.raises(ValueError, match="already registered with other values"):
        register_profile("test_kept_under_its_name", 2032, values[::-1].copy())
    assert profile("test_kept_under_its_name", 2032) is first
    np.testing.assert_array_equal(first, values / values.sum())

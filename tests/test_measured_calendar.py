"""A measured base year laid onto later years' calendars (energy.measured.calendar_days): workdays,
weekends, holidays, make-up working days (调休) and the Spring Festival fall on their own dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from builders import PARK, scenario

from parktwin.energy.calendar import HOURS_PER_YEAR, year_calendar
from parktwin.energy.measured import (
    DAY_FESTIVAL,
    DAY_HOLIDAY,
    DAY_WEEKEND,
    DAY_WORK,
    calendar_days,
    calendar_hours,
    day_types,
)
from parktwin.kernel.model import simulate
from parktwin.results.tables import build_results

# levels of the synthetic meter [kW] by the base year's day type, each distinct so a test can read
# back which kind of day a later hour took its load from
LEVEL_KW = {DAY_WORK: 100.0, DAY_WEEKEND: 40.0, DAY_HOLIDAY: 15.0, DAY_FESTIVAL: 5.0}
SATURDAY_KW = 60.0  # ordinary Saturdays run a half shift: 60 kW against Sunday's 40 kW


def day(year: int, month: int, dom: int) -> int:
    return year_calendar(year).dates.index(dt.date(year, month, dom))


def test_day_types_of_2025_and_2026_from_the_state_council_calendar():
    # 2025 (国办发明电〔2024〕12号): Spring Festival off 28 Jan – 4 Feb, worked Sunday 26 Jan and
    # Saturday 8 Feb; National Day + Mid-Autumn off 1–8 Oct, worked Sunday 28 Sep and Saturday 11 Oct
    t = day_types(2025)
    assert t.festival_day == day(2025, 1, 28)
    assert all(t.kind[day(2025, 1, d)] == DAY_FESTIVAL for d in range(28, 32))
    assert t.kind[day(2025, 2, 4)] == DAY_FESTIVAL and t.kind[day(2025, 2, 5)] == DAY_WORK
    assert t.kind[day(2025, 1, 26)] == DAY_WORK and t.kind[day(2025, 2, 8)] == DAY_WORK  # 调休, a Sunday and a Saturday
    assert t.weekday[day(2025, 2, 8)] == -1  # a make-up working day matches any weekday
    assert all(t.kind[day(2025, 10, d)] == DAY_HOLIDAY for d in range(1, 9))
    assert t.kind[day(2025, 10, 11)] == DAY_WORK
    assert t.kind[day(2025, 3, 15)] == DAY_WEEKEND and t.weekday[day(2025, 3, 15)] == 5  # an ordinary Saturday
    # 2026: Spring Festival off 15–23 Feb (Sunday to Monday), worked Saturdays 14 and 28 Feb
    u = day_types(2026)
    assert u.festival_day == day(2026, 2, 15)
    assert u.kind[day(2026, 2, 23)] == DAY_FESTIVAL and u.kind[day(2026, 2, 24)] == DAY_WORK
    assert u.kind[day(2026, 2, 14)] == DAY_WORK and u.kind[day(2026, 2, 28)] == DAY_WORK


def test_the_base_year_maps_onto_itself():
    np.testing.assert_array_equal(calendar_days(2025, 2025), np.arange(365))
    np.testing.assert_array_equal(calendar_hours(2025, 2025), np.arange(HOURS_PER_YEAR))


@pytest.mark.parametrize("year", range(2026, 2051))
def test_every_later_day_takes_a_base_day_of_its_own_type(year):
    # every day type occurs in 2025, so every day of every later year finds one of its own type
    mapped = calendar_days(2025, year)
    assert (day_types(2025).kind[mapped] == day_types(year).kind).all()
    # the Spring Festival's first day off takes 2025's first day off (28 January)
    assert mapped[day_types(year).festival_day] == day(2025, 1, 28)


def test_dates_away_from_the_festival_keep_weekday_and_season():
    m = calendar_days(2025, 2030)
    cal25, cal30 = year_calendar(2025), year_calendar(2030)
    # Monday 10 June 2030 takes a Monday of June 2025 (9 June, the same week of the year)
    src = cal25.dates[m[day(2030, 6, 10)]]
    assert src.weekday() == 0 and src == dt.date(2025, 6, 9)
    # Saturday 12 October 2030 (an ordinary weekend) takes a Saturday within a week of 12 October 2025
    src = cal25.dates[m[day(2030, 10, 12)]]
    assert src.weekday() == 5 and abs((src - dt.date(2025, 10, 12)).days) <= 7
    # National Day 2030 (1 October, a Tuesday) takes a holiday of 2025's National Day break
    assert m[day(2030, 10, 1)] == day(2025, 10, 1)
    assert cal30.dates[day(2030, 10, 1)].weekday() == 1


def synthetic_meter(year: int = 2025) -> np.ndarray:
    """An hourly meter of ``year`` [kW]: a level per day type (LEVEL_KW; Saturdays SATURDAY_KW)
    times a day shape that is 1.5 from 08:00 to 20:00 and 0.5 at night."""
    types = day_types(year)
    level = np.array([LEVEL_KW[k] for k in types.kind])
    level[types.weekday == 5] = SATURDAY_KW
    cal = year_calendar(year)
    hours = np.asarray(cal.hour_of_day)
    return level[cal.day_index] * np.where((hours >= 8) & (hours < 20), 1.5, 0.5)


def test_a_run_puts_the_meter_on_the_right_dates_of_a_later_year(tmp_path):
    kw = synthetic_meter()
    annual_kwh = 10_000_000.0  # Works' electricity_mwh 10,000
    kw = kw * annual_kwh / kw.sum()
    stamps = pd.date_range("2025-01-01", "2026-01-01", freq="h", inclusive="left").strftime("%Y-%m-%d %H:%M")
    path = tmp_path / "meter.csv"
    pd.DataFrame({"time": stamps, "value": kw}).to_csv(path, index=False)
    works = {**PARK["enterprises"][0], "measured_series": {"file": str(path)}}
    sc = scenario({"enterprises": [works], "fleets": []}, horizon_years=5, growth={"default_share_per_yr": 0.05},
                  outputs={"hourly_years": [2025, 2030]})
    res = build_results(simulate(sc), {})
    hourly = res.hourly.set_index("year")
    # the base year is the meter, to float precision
    np.testing.assert_allclose(hourly.loc[2025, "measured_works_kw"].to_numpy(), kw, rtol=1e-12, atol=0)
    later = hourly.loc[2030, "measured_works_kw"].to_numpy()
    # the annual sum is 2030's simulated electricity: 10,000 MWh × 1.05⁵ (growth only), exactly
    e = res.energy[(res.energy.entity == "works") & (res.energy.carrier == "electricity")].set_index("year")["quantity"]
    assert e[2030] == pytest.approx(10_000.0 * 1.05**5, rel=1e-12)
    assert later.sum() / 1000.0 == pytest.approx(e[2030], rel=1e-12)
    # each 2030 day carries the level of its own day type on 2030's calendar: read the level back
    # from the noon hour (day shape 1.5) relative to an ordinary workday's noon (100 kW × 1.5)
    noon = later[12::24]
    types = day_types(2030)
    workday_noon = noon[types.kind == DAY_WORK].max()
    expected = np.array([LEVEL_KW[k] for k in types.kind])
    expected[types.weekday == 5] = SATURDAY_KW
    # a make-up working day on a Saturday is a workday (100), an ordinary Saturday 60, a Sunday 40
    np.testing.assert_allclose(noon / workday_noon * LEVEL_KW[DAY_WORK], expected, rtol=1e-12)
    # hand-picked dates of 2030: Spring Festival 3 Feb (Sunday) off, Monday 4 Feb a festival day,
    # National Day Tuesday 1 October a holiday, Monday 7 October a workday, Saturday 12 October 60
    for (month, dom), level in {(2, 3): 5.0, (2, 4): 5.0, (10, 1): 15.0, (10, 7): 100.0, (10, 12): 60.0,
                                (10, 13): 40.0}.items():
        assert noon[day(2030, month, dom)] / workday_noon * 100.0 == pytest.approx(level, rel=1e-12), (month, dom)
    # the same shape within each day: night 0.5, day 1.5 → the 03:00 hour is a third of noon
    np.testing.assert_allclose(later[3::24], noon / 3.0, rtol=1e-12)


@pytest.mark.parametrize("base_year, year", [(2024, 2025), (2024, 2030), (2026, 2025)])
def test_other_base_years_map_type_for_type(base_year, year):
    # a leap base year (29 February dropped, energy.calendar) and a later base year mapped back:
    # every day finds a base day of its own type, the festival's first day off maps onto the base's
    mapped = calendar_days(base_year, year)
    assert mapped.shape == (365,) and (day_types(base_year).kind[mapped] == day_types(year).kind).all()
    assert mapped[day_types(year).festival_day] == day_types(base_year).festival_day

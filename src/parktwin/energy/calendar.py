"""The simulated year: 8760 local hours (29 February dropped), workdays from China's calendar.

Holidays and the make-up working days (调休) come from the ``holidays`` package, which
computes the lunar holidays (Spring Festival, Dragon Boat, Mid-Autumn) for any year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np

HOURS_PER_YEAR = 8760
DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class YearCalendar:
    year: int
    dates: tuple[dt.date, ...]  # 365 days
    hour_of_day: np.ndarray  # (8760,) int
    day_index: np.ndarray  # (8760,) 0..364
    month: np.ndarray  # (8760,) 1..12
    is_workday: np.ndarray  # (8760,) bool
    workday_of_day: np.ndarray  # (365,) bool


@lru_cache(maxsize=128)
def year_calendar(year: int) -> YearCalendar:
    """Calendar arrays for ``year``; arrays are read-only and cached."""
    start = dt.date(year, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(366 if _leap(year) else 365)]
    days = [d for d in days if not (d.month == 2 and d.day == 29)]
    cn = holidays.China(years=year)
    makeup = {d for d in getattr(cn, "weekend_workdays", set()) if d.year == year}
    workday = np.array([(d.weekday() < 5 and d not in cn) or d in makeup for d in days])
    month_of_day = np.array([d.month for d in days])
    day_index = np.repeat(np.arange(DAYS_PER_YEAR), 24)
    arrays = dict(
        hour_of_day=np.tile(np.arange(24), DAYS_PER_YEAR),
        day_index=day_index,
        month=month_of_day[day_index],
        is_workday=workday[day_index],
        workday_of_day=workday,
    )
    for a in arrays.values():
        a.setflags(write=False)
    return YearCalendar(year=year, dates=tuple(days), **arrays)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@lru_cache(maxsize=4096)
def hour_timestamp(year: int, hour: float) -> str:
    """ISO local time of hour ``hour`` of the simulated ``year`` (29 Feb skipped); each computed once
    per process (a roadmap's projects commission at the same hours run after run)."""
    cal = year_calendar(year)
    day = min(int(hour // 24), DAYS_PER_YEAR - 1)
    minutes = int(round((hour - day * 24) * 60))
    stamp = dt.datetime.combine(cal.dates[day], dt.time()) + dt.timedelta(minutes=minutes)
    return stamp.isoformat(timespec="minutes")

"""Measured interval series (meter load curves, PV output) → the model's 8760-hour year.

A file (CSV or Parquet) holds one timestamp column and one value column. The value is average
power over the interval (``kW``, ``MW``) or energy in the interval (``kWh``, ``MWh``); the
timestamp marks the interval's start (or end, below) in the declared ``timezone``: an IANA zone (local clock
time, daylight saving included, e.g. ``Europe/Berlin``), a fixed offset (``UTC+08:00``,
``+08:00``, ``UTC``), or, when every stamp carries its own offset (``2025-01-01T00:00+08:00``),
those offsets. A timestamp marks its interval's start, or its end with ``label="end"`` (meter
exports that write 00:15 … 24:00 for a day; ``24:00`` is read as the next day's 00:00). The series is moved to the park's local standard time, 29 February is dropped
(energy.calendar), and intervals that divide an hour (1–60 min) are averaged to hourly kW
(power: mean; energy: sum per hour, the same thing in kW).

Refused, each with the file, line and what was expected: missing columns, unreadable
timestamps, non-numeric or negative values, duplicate timestamps, an interval that does not
divide an hour or stamps off that interval's grid, a local hour that does not exist at a
daylight-saving change or a repeated one given once, a series that does not cover the year.
Missing intervals (absent rows or empty cells) are refused unless the user chose a fill policy:
``linear`` (interpolation between the neighbours, gaps up to ``max_gap_h``) or ``profile``
(the mean of the same time one week before and after, gaps up to ``max_gap_h``). Every fill is
returned as a ``Fill`` so the run can report it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR, year_calendar

UNITS_KW = {"kW": 1.0, "MW": 1000.0}  # average power → kW
UNITS_KWH = {"kWh": 1.0, "MWh": 1000.0}  # energy per interval → kWh
UNITS = (*UNITS_KW, *UNITS_KWH)
FILL_POLICIES = ("none", "linear", "profile")
MINUTES_PER_HOUR = 60
MAX_OFFSET_H = 14  # civil UTC offsets run from −12 to +14 h
HOURS_PER_DAY = 24
WEEK_H = 7 * HOURS_PER_DAY
OFFSET_RE = re.compile(r"^(?:UTC|GMT)?\s*(?:(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?$")
STAMP_OFFSET_RE = r"(?:Z|[+-]\d{2}:?\d{2})$"  # a stamp that carries its own UTC offset
MIDNIGHT_24_RE = r"^(?P<date>.*\d)[ T]24:00(?::00)?$"  # 2025-01-01 24:00 = 2025-01-02 00:00
LABELS = ("start", "end")
SHOWN_RANGES = 5  # ranges quoted in an error message


class MeasuredSeriesError(ValueError):
    """A measured series that cannot be used as it is.

    Attributes
    ----------
    path : str
        The file.
    field : str
        The column (as named in the file) or ``"file"``, ``"timezone"``, ``"fill"``.
    message : str
        What was found and what was expected (CSV lines are 1-based file lines).
    """

    def __init__(self, path: str, field: str, message: str):
        super().__init__(f"{path}: {field}: {message}")
        self.path, self.field, self.message = str(path), field, message


@dataclass(frozen=True)
class Fill:
    """One run of missing intervals that a fill policy filled (local standard time)."""

    start: str  # first missing interval's start, ISO
    end: str  # the end of the last missing interval, ISO
    hours: float  # length [h]
    method: str
    start_hour: float  # hour of the model's year where the gap starts


@dataclass(frozen=True)
class MeasuredSeries:
    """A measured series on the model's year: ``kw`` is hourly average power [kW], (8760,)."""

    path: str
    kw: np.ndarray
    interval_min: int
    rows: int  # data rows read
    fills: tuple[Fill, ...] = ()
    dropped_rows: int = 0  # rows outside the year (time-zone shift) or on 29 February

    @property
    def kwh(self) -> float:
        """Energy of the year [kWh]."""
        return float(self.kw.sum())

    @property
    def filled_hours(self) -> float:
        return float(sum(f.hours for f in self.fills))

    def digest(self) -> str:
        """A short content hash of the hourly values (names a registered load shape)."""
        return hashlib.sha1(self.kw.tobytes()).hexdigest()[:16]


def standard_offset(timezone: str, year: int) -> dt.timedelta:
    """UTC offset of ``timezone``'s standard time in ``year`` (no daylight saving)."""
    fixed = fixed_offset(timezone)
    if fixed is not None:
        return fixed
    zone = zoneinfo.ZoneInfo(timezone)
    probe = dt.datetime(year, 1, 1, 12, tzinfo=zone)
    return probe.utcoffset() - (probe.dst() or dt.timedelta(0))


def fixed_offset(timezone: str) -> dt.timedelta | None:
    """``UTC+08:00``, ``+08:00``, ``+0800``, ``UTC`` → the offset; None for anything else."""
    m = OFFSET_RE.match(timezone.strip())
    if m is None or (not m.group("sign") and timezone.strip().upper() not in ("UTC", "GMT")):
        return None
    if not m.group("sign"):
        return dt.timedelta(0)
    hours, mins = int(m.group("h")), int(m.group("m") or 0)
    if hours > MAX_OFFSET_H or mins >= MINUTES_PER_HOUR:
        return None
    minutes = hours * MINUTES_PER_HOUR + mins
    return dt.timedelta(minutes=minutes if m.group("sign") == "+" else -minutes)


def check_timezone(timezone: str) -> str | None:
    """None if ``timezone`` is usable, else what is wrong with it."""
    if fixed_offset(timezone) is not None:
        return None
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {timezone!r}; expected an IANA name (Asia/Shanghai, Europe/Berlin) or an offset (UTC+08:00)"
    return None


def read_measured_series(
    path: str | Path,
    *,
    year: int,
    park_timezone: str,
    time_column: str = "time",
    value_column: str = "value",
    unit: str = "kW",
    timezone: str | None = None,
    fill: str = "none",
    max_gap_h: float | None = None,
    label: str = "start",
) -> MeasuredSeries:
    """Read a measured series for ``year`` in the park's local standard time (``park_timezone``).

    ``timezone`` is the file's (default: the park's). Cached by the file's path, size and
    modification time and the arguments, so a Monte Carlo batch reads each file once.
    """
    p = Path(path)
    try:
        stat = os.stat(p)
    except FileNotFoundError:
        raise MeasuredSeriesError(str(p), "file", "file not found") from None
    return _read_cached(str(p), stat.st_size, stat.st_mtime_ns, year, park_timezone, time_column, value_column, unit,
                        timezone or park_timezone, fill, max_gap_h, label)


@lru_cache(maxsize=64)
def _read_cached(path, _size, _mtime, year, park_timezone, time_column, value_column, unit, timezone, fill, max_gap_h, label):
    series = _read(Path(path), year, park_timezone, time_column, value_column, unit, timezone, fill, max_gap_h, label)
    series.kw.setflags(write=False)
    return series


def _read(path: Path, year: int, park_timezone: str, time_column: str, value_column: str, unit: str,
          timezone: str, fill: str, max_gap_h: float | None, label: str = "start") -> MeasuredSeries:
    name = str(path)
    if label not in LABELS:
        raise MeasuredSeriesError(name, "label", f"unknown label {label!r}; expected one of {list(LABELS)}")
    if unit not in UNITS:
        raise MeasuredSeriesError(name, "unit", f"unknown unit {unit!r}; expected one of {list(UNITS)}")
    if fill not in FILL_POLICIES:
        raise MeasuredSeriesError(name, "fill", f"unknown fill policy {fill!r}; expected one of {list(FILL_POLICIES)}")
    for tz in (timezone, park_timezone):
        if (why := check_timezone(tz)) is not None:
            raise MeasuredSeriesError(name, "timezone", why)
    frame, first_line = _read_table(path)
    for column in (time_column, value_column):
        if column not in frame.columns:
            raise MeasuredSeriesError(name, column, f"no column {column!r}; the file has {[str(c) for c in frame.columns]}")
    if frame.empty:
        raise MeasuredSeriesError(name, "file", "no data rows")
    lines = np.arange(len(frame)) + first_line

    values = _values(frame[value_column], lines, name, value_column)
    local_std = _standard_time(frame[time_column], lines, name, time_column, timezone, park_timezone, year)

    order = np.argsort(local_std, kind="stable")
    local_std, values, lines = local_std[order], values[order], lines[order]
    same = np.flatnonzero(np.diff(local_std) == 0)
    if len(same):
        i = same[0]
        raise MeasuredSeriesError(name, time_column, f"duplicate timestamp {_iso(local_std[i])} (local standard time) on lines "
                                  f"{lines[i]} and {lines[i + 1]}; expected one value per interval")
    interval_min = _interval(local_std, lines, name, time_column)
    if label == "end":  # a stamp at the interval's end: move it to the start
        local_std = local_std - np.timedelta64(interval_min, "m")

    # the model's year: 29 February dropped, stamps outside the year (after the time-zone shift) dropped
    start = np.datetime64(f"{year}-01-01T00:00", "m")
    end = np.datetime64(f"{year + 1}-01-01T00:00", "m")
    minutes = local_std.astype("datetime64[m]")
    inside = (minutes >= start) & (minutes < end)
    if inside.sum() * 2 < len(minutes):
        raise MeasuredSeriesError(name, time_column, f"expected a series of {year} (the park's base year), local standard time; "
                                  f"the file runs from {_iso(minutes[0])} to {_iso(minutes[-1])}")
    leap_day = (minutes.astype("datetime64[D]") == np.datetime64(f"{year}-02-29")) if _leap(year) else np.zeros(len(minutes), bool)
    keep = inside & ~leap_day
    minutes, values, lines = minutes[keep], values[keep], lines[keep]
    dropped = int((~keep).sum())

    per_hour = MINUTES_PER_HOUR // interval_min
    n_slots = HOURS_PER_YEAR * per_hour
    slot = _slot_of(minutes, year, interval_min)
    grid = np.full(n_slots, np.nan)
    grid[slot] = values
    missing = np.isnan(grid)
    fills: tuple[Fill, ...] = ()
    if missing.any():
        runs = _runs(missing)
        if fill == "none":
            raise MeasuredSeriesError(name, value_column, _gap_message(runs, year, interval_min, n_slots, int(missing.sum())))
        grid, fills = _fill(grid, runs, fill, max_gap_h, year, interval_min, name, value_column)

    if unit in UNITS_KW:
        kw_slots = grid * UNITS_KW[unit]
        hourly_kw = kw_slots.reshape(HOURS_PER_YEAR, per_hour).mean(axis=1)
    else:
        kwh_slots = grid * UNITS_KWH[unit]
        hourly_kw = kwh_slots.reshape(HOURS_PER_YEAR, per_hour).sum(axis=1)  # kWh in the hour = average kW
    return MeasuredSeries(name, hourly_kw, interval_min, len(frame), fills, dropped)


def _read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """The file as a frame of strings (CSV) or typed columns (Parquet), and the line of its first row."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path), 1
        return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, comment="#"), 2
    except FileNotFoundError:
        raise MeasuredSeriesError(str(path), "file", "file not found") from None
    except Exception as exc:  # noqa: BLE001 — any parser failure is a problem with the file
        raise MeasuredSeriesError(str(path), "file", f"cannot read as {'Parquet' if suffix in ('.parquet', '.pq') else 'CSV'}: {exc}") from None


def _values(column: pd.Series, lines: np.ndarray, name: str, field: str) -> np.ndarray:
    """Numbers ≥ 0; an empty cell is a missing value (NaN), anything else non-numeric is refused."""
    if column.dtype == object or pd.api.types.is_string_dtype(column):
        text = column.astype(str).str.strip()
        blank = text.isin(["", "nan", "NaN", "NA", "None"]).to_numpy()
        numbers = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=float)
    else:
        numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        blank = np.isnan(numbers)
    bad = np.isnan(numbers) & ~blank
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise MeasuredSeriesError(name, field, f"line {lines[i]}: expected a number, got {column.iloc[i]!r}")
    negative = numbers < 0
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        raise MeasuredSeriesError(name, field, f"line {lines[i]}: expected a value ≥ 0, got {numbers[i]:g}")
    return numbers


def _standard_time(column: pd.Series, lines: np.ndarray, name: str, field: str, timezone: str, park_timezone: str,
                   year: int) -> np.ndarray:
    """Timestamps as naive datetime64[s] in the park's local standard time."""
    park_offset = np.timedelta64(int(standard_offset(park_timezone, year).total_seconds()), "s")
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        utc = column.dt.tz_convert("UTC").dt.tz_localize(None)
        return (utc.to_numpy(dtype="datetime64[s]") + park_offset)
    text = column.astype(str).str.strip()
    if pd.api.types.is_datetime64_dtype(column.dtype):
        naive = pd.Series(pd.to_datetime(column))
        with_offset = np.zeros(len(column), bool)
    else:
        midnight = text.str.extract(MIDNIGHT_24_RE)["date"]
        text_24 = midnight.notna().to_numpy()
        if text_24.any():  # 24:00 → 00:00 here, one day added after parsing
            text = text.where(~text_24, midnight + " 00:00")
        with_offset = text.str.contains(STAMP_OFFSET_RE, regex=True).to_numpy()
        if with_offset.any() and not with_offset.all():
            i = int(np.flatnonzero(with_offset != with_offset[0])[0])
            raise MeasuredSeriesError(name, field, f"line {lines[i]}: {text.iloc[i]!r} — timestamps must all carry a UTC offset or none")
        parsed = pd.to_datetime(text, errors="coerce", utc=bool(with_offset.all()), format="ISO8601")
        if parsed.isna().any():
            i = int(np.flatnonzero(parsed.isna().to_numpy())[0])
            raise MeasuredSeriesError(name, field, f"line {lines[i]}: expected a timestamp like 2025-01-01 00:00, got {column.iloc[i]!r}")
        if text_24.any():
            parsed = parsed + pd.to_timedelta(text_24.astype(np.int64), unit="D")
        if with_offset.all():
            return parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[s]") + park_offset
        naive = parsed
    naive_s = naive.to_numpy(dtype="datetime64[s]")
    fixed = fixed_offset(timezone)
    if fixed is not None:
        return naive_s - np.timedelta64(int(fixed.total_seconds()), "s") + park_offset
    return _from_local_clock(naive_s, lines, name, field, timezone) + park_offset


def _from_local_clock(naive: np.ndarray, lines: np.ndarray, name: str, field: str, timezone: str) -> np.ndarray:
    """Local clock time of an IANA zone (daylight saving included) → naive UTC, refusing a
    local time that does not exist (spring forward) and a repeated local time (fall back) given
    once or more than twice. The two stamps of a repeated time are daylight time first."""
    stamps = pd.DatetimeIndex(naive)
    as_dst = stamps.tz_localize(timezone, ambiguous=np.ones(len(stamps), bool), nonexistent="NaT")
    if as_dst.isna().any():
        i = int(np.flatnonzero(as_dst.isna())[0])
        raise MeasuredSeriesError(name, field, f"line {lines[i]}: local time {_iso(naive[i])} does not exist in {timezone} "
                                  "(clocks go forward there); a clock-time file skips that hour, and a file kept in standard time all year "
                                  "declares a fixed offset (e.g. UTC+01:00) instead")
    as_std = stamps.tz_localize(timezone, ambiguous=np.zeros(len(stamps), bool), nonexistent="NaT")
    ambiguous = (as_dst != as_std)
    flags = np.ones(len(stamps), bool)
    if ambiguous.any():
        idx = np.flatnonzero(ambiguous)
        counts = pd.Series(naive[idx]).map(pd.Series(naive[idx]).value_counts()).to_numpy()
        if (counts != 2).any():
            i = int(idx[np.flatnonzero(counts != 2)[0]])
            how = "once" if counts[np.flatnonzero(counts != 2)[0]] == 1 else "more than twice"
            raise MeasuredSeriesError(name, field, f"line {lines[i]}: local time {_iso(naive[i])} occurs twice in {timezone} "
                                      f"(clocks go back there) but the file has it {how}; expected the repeated hour twice, "
                                      "daylight time first (or a fixed offset for a file in standard time all year)")
        second = pd.Series(naive[idx]).duplicated(keep="first").to_numpy()
        flags[idx[second]] = False
    aware = stamps.tz_localize(timezone, ambiguous=flags, nonexistent="raise")
    return aware.tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[s]")


def _interval(stamps: np.ndarray, lines: np.ndarray, name: str, field: str) -> int:
    """The series' interval [min]: the most common step; it must divide an hour and every stamp
    must sit on its grid."""
    if len(stamps) < 2:
        raise MeasuredSeriesError(name, field, "expected at least two timestamps")
    steps_s = np.diff(stamps).astype("timedelta64[s]").astype(np.int64)
    values, counts = np.unique(steps_s, return_counts=True)
    step_s = int(values[np.argmax(counts)])
    if step_s % 60 or MINUTES_PER_HOUR % (step_s // 60) or step_s == 0:
        raise MeasuredSeriesError(name, field, f"the interval is {step_s / 60:g} min; expected an interval that divides an hour "
                                  "(1, 5, 10, 15, 20, 30 or 60 min)")
    interval_min = step_s // 60
    off_s = (stamps.astype("datetime64[s]").astype(np.int64)) % step_s
    if off_s.any():
        i = int(np.flatnonzero(off_s)[0])
        raise MeasuredSeriesError(name, field, f"line {lines[i]}: {_iso(stamps[i])} is off the {interval_min}-minute grid of the "
                                  "other stamps")
    return interval_min


def _slot_of(minutes: np.ndarray, year: int, interval_min: int) -> np.ndarray:
    """Index of each stamp's interval on the model's year (29 February removed)."""
    start = np.datetime64(f"{year}-01-01T00:00", "m")
    offset = (minutes - start).astype(np.int64)
    if _leap(year):
        after = minutes >= np.datetime64(f"{year}-03-01T00:00", "m")
        offset = offset - after * 24 * MINUTES_PER_HOUR
    return offset // interval_min


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _slot_time(year: int, slot: int, interval_min: int) -> str:
    """ISO local standard time of a slot's start on the model's year."""
    minutes = slot * interval_min
    stamp = np.datetime64(f"{year}-01-01T00:00", "m") + np.timedelta64(minutes, "m")
    if _leap(year) and stamp >= np.datetime64(f"{year}-02-29T00:00", "m"):
        stamp = stamp + np.timedelta64(24 * MINUTES_PER_HOUR, "m")
    return _iso(stamp)


def _gap_message(runs, year, interval_min, n_slots, n_missing) -> str:
    shown = ", ".join(f"{_slot_time(year, a, interval_min)} to {_slot_time(year, b, interval_min)} ({(b - a) * interval_min / 60:g} h)"
                      for a, b in runs[:SHOWN_RANGES])
    more = f" and {len(runs) - SHOWN_RANGES} more" if len(runs) > SHOWN_RANGES else ""
    return (f"expected {n_slots} values at {interval_min} min for {year} (8760 h, 29 Feb dropped), {n_missing} missing in "
            f"{len(runs)} gap(s): {shown}{more}; set fill: linear or profile (with max_gap_h) to fill them")


def _fill(grid, runs, policy, max_gap_h, year, interval_min, name, field):
    """Fill each run of missing slots; refuse a run longer than ``max_gap_h`` or one the policy cannot reach."""
    if max_gap_h is None:
        raise MeasuredSeriesError(name, "max_gap_h", f"fill: {policy} needs max_gap_h, the longest gap it may fill [h]")
    per_hour = MINUTES_PER_HOUR // interval_min
    out = grid.copy()
    known = ~np.isnan(grid)
    fills = []
    week = WEEK_H * per_hour
    for a, b in runs:
        hours = (b - a) / per_hour
        where = f"{_slot_time(year, a, interval_min)} to {_slot_time(year, b, interval_min)} ({hours:g} h)"
        if hours > max_gap_h:
            raise MeasuredSeriesError(name, field, f"gap {where} is longer than max_gap_h = {max_gap_h:g} h")
        if policy == "linear":
            if a == 0 or b == len(grid):
                raise MeasuredSeriesError(name, field, f"gap {where} is at the year's edge: linear interpolation needs a "
                                          "value on both sides; use fill: profile")
            x = np.arange(a, b)
            out[a:b] = np.interp(x, [a - 1, b], [grid[a - 1], grid[b]])
        else:
            idx = np.arange(a, b)
            before, after = idx - week, idx + week
            ok_before = (before >= 0) & known[np.clip(before, 0, len(grid) - 1)]
            ok_after = (after < len(grid)) & known[np.clip(after, 0, len(grid) - 1)]
            if not (ok_before | ok_after).all():
                raise MeasuredSeriesError(name, field, f"gap {where}: neither the week before nor the week after has values "
                                          "for every missing interval")
            vb = np.where(ok_before, grid[np.clip(before, 0, len(grid) - 1)], 0.0)
            va = np.where(ok_after, grid[np.clip(after, 0, len(grid) - 1)], 0.0)
            out[a:b] = (vb + va) / (ok_before.astype(float) + ok_after.astype(float))
        fills.append(Fill(_slot_time(year, a, interval_min), _slot_time(year, b, interval_min), hours, policy, a / per_hour))
    return out, tuple(fills)


def _iso(stamp) -> str:
    return str(np.datetime64(stamp, "m")).replace("T", " ")


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def later_year_kw(base_kw: np.ndarray, annual_kwh: float, base_year: int | None = None, year: int | None = None) -> np.ndarray:
    """The measured shape scaled to ``annual_kwh`` [kWh] (a later year's simulated energy) [kW];
    with ``base_year`` and ``year``, first laid onto ``year``'s calendar (``calendar_hours``)."""
    total = float(base_kw.sum())
    if total <= 0:
        raise ValueError("a measured series with no energy has no shape to scale")
    shaped = base_kw if base_year is None or year is None else np.asarray(base_kw)[calendar_hours(base_year, year)]
    return shaped * (annual_kwh / float(shaped.sum()))


# -- a base year's measured days laid onto a later year's calendar ---------------------------------
DAY_WORK, DAY_WEEKEND, DAY_HOLIDAY, DAY_FESTIVAL = 0, 1, 2, 3  # day types
DAY_TYPE_NAMES = ("workday", "weekend", "holiday", "spring_festival")
NO_WEEKDAY = -1  # holidays and make-up working days match any weekday
FESTIVAL_LAST_MONTH = 2  # the Spring Festival falls between 21 January and 20 February


@dataclass(frozen=True)
class DayTypes:
    """Each day of a model year (365 days, 29 February dropped) by type.

    ``kind``: workday (make-up working days 调休 included), weekend, holiday (a run of days off that
    holds a public holiday, its weekend days included) or spring_festival (that run in January or
    February, the longest); ``weekday``: 0 = Monday … 6 = Sunday for ordinary workdays and
    weekends, ``NO_WEEKDAY`` otherwise; ``festival_day``: the first day off of the Spring Festival.
    """

    year: int
    kind: np.ndarray  # (365,) int
    weekday: np.ndarray  # (365,) int
    festival_day: int


@lru_cache(maxsize=64)
def day_types(year: int) -> DayTypes:
    """The day types of ``year`` from its calendar (energy.calendar: China's holidays and 调休)."""

    cal = year_calendar(year)
    work = np.asarray(cal.workday_of_day, bool)
    weekday = np.array([d.weekday() for d in cal.dates])
    month = np.asarray(cal.month)[::HOURS_PER_DAY]
    public = holidays.China(years=year)
    holiday = np.array([d in public for d in cal.dates])
    kind = np.where(work, DAY_WORK, DAY_WEEKEND)
    festival = None
    for a, b in _runs(~work):  # about 60 runs of days off a year, once per year
        if holiday[a:b].any():
            kind[a:b] = DAY_HOLIDAY
            if month[a] <= FESTIVAL_LAST_MONTH and (festival is None or b - a >= festival[1] - festival[0]):
                festival = (a, b)
    if festival is not None:
        kind[festival[0]:festival[1]] = DAY_FESTIVAL
    ordinary = (kind == DAY_WEEKEND) | ((kind == DAY_WORK) & (weekday < 5))
    out = DayTypes(year, kind, np.where(ordinary, weekday, NO_WEEKDAY), festival[0] if festival else -1)
    out.kind.setflags(write=False)
    out.weekday.setflags(write=False)
    return out


@lru_cache(maxsize=256)
def calendar_days(base_year: int, year: int) -> np.ndarray:
    """For each day of ``year``, the day of ``base_year`` whose measured load it takes, (365,).

    The base-year day of the same type (``day_types``) nearest in season, preferring the same
    weekday for ordinary workdays and weekends: a Monday takes a Monday's load, a Saturday a
    Saturday's, a holiday a holiday's, a make-up working day the nearest workday's. Season is
    the date (days apart, round the year's end), except within ``measured_shape_festival_window_d``
    (data/constants.csv) of the Spring Festival, where it is the distance from the festival's
    first day off, so the run-down before it and the return after it move with the festival.
    There a workday takes the nearest workday of any weekday (weekends still keep Saturday and
    Sunday apart). The base year maps onto itself. Cached per pair of years; read-only.
    """

    n = len(year_calendar(year).dates)
    if year == base_year:
        out = np.arange(n)
        out.setflags(write=False)
        return out
    target, base = day_types(year), day_types(base_year)
    days = np.arange(n, dtype=np.int32)
    position = days.copy()  # each target day's place on the base year's days
    weekday = target.weekday
    if target.festival_day >= 0 and base.festival_day >= 0:
        window_d = constant("measured_shape_festival_window_d")
        near = np.abs(days - target.festival_day) <= window_d
        position[near] += base.festival_day - target.festival_day
        weekday = np.where(near & (target.kind == DAY_WORK), NO_WEEKDAY, weekday)  # there the festival's distance counts
        position %= n
    apart = np.abs(position[:, None] - days[None, :])
    np.minimum(apart, n - apart, out=apart)  # round the year's end: < n / 2 days
    # lexicographic: the type first, then the weekday, then the season (each step outweighs all below it)
    apart += np.int32(2 * n) * (target.kind[:, None] != base.kind[None, :])
    apart += np.int32(n) * ((weekday[:, None] != base.weekday[None, :]) & (weekday[:, None] != NO_WEEKDAY))
    out = np.argmin(apart, axis=1)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=256)
def calendar_hours(base_year: int, year: int) -> np.ndarray:
    """Hour index into a base-year series for each hour of ``year`` (``calendar_days`` hour by hour), (8760,)."""
    cal = year_calendar(year)
    out = calendar_days(base_year, year)[cal.day_index] * HOURS_PER_DAY + cal.hour_of_day
    out.setflags(write=False)
    return out


def measured_pv_kw_per_kwp(simulated: np.ndarray, measured_kw: np.ndarray, kwp: float) -> np.ndarray:
    """PV output per kWp for all years, (n_years, 8760) [kW/kWp], from a measured base year.

    Year 0 is the measured output of ``kwp`` divided by it; a later year has the measured
    shape, its annual yield the measured one times the simulated yield of that year over the
    simulated base-year yield (so the weather's year-to-year variation carries over).
    """
    simulated = np.asarray(simulated, dtype=float)
    base = np.asarray(measured_kw, dtype=float) / kwp
    out = np.empty_like(simulated)
    out[0] = base
    sim_base = float(simulated[0].sum())
    ratio = simulated[1:].sum(axis=1) / sim_base if sim_base > 0 else np.ones(len(simulated) - 1)
    out[1:] = base[None, :] * ratio[:, None]
    return out

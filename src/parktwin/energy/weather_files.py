"""Measured weather files (EPW, TMY3, TMY2, CSV) -> one validated 8760-hour year -> ``Weather``.

Conventions (the same as :mod:`parktwin.energy.weather`)
--------------------------------------------------------
* Every array of :class:`MeasuredWeather` has 8760 values; value ``h`` is the
  interval ``[h, h+1)`` in local *standard* time of the file (no daylight
  saving); 29 February is dropped when the file has it.
* Rows are placed by their calendar position (month, day, hour); the year in
  the file is ignored, so a typical-year file stitched from different years, or
  a file that starts in July, still gives one January-December year.

Time labels of the formats
--------------------------
* **TMY3** (``pvlib.iotools.read_tmy3``), **TMY2** (``read_tmy2``) and **EPW**
  (``read_epw``) label each row with the *end* of its hour: TMY3 ``01:00`` and
  EPW/TMY2 hour ``1`` are the interval 00:00-01:00, TMY3 ``24:00`` on 31 Dec is
  23:00-24:00 of 31 Dec. The reader takes month, day and hour from the file's
  own columns and maps hour label ``k`` (1..24) to interval ``k - 1`` of the
  same day; pvlib's index is not used (for TMY3 it labels the end of the hour
  and moves 29 Feb onto 1 Mar, for EPW/TMY2 it labels the start).
* Irradiance in these formats is the energy of the hour ending at the label
  [Wh/m²] = the hour-mean power [W/m²]. Air temperature and wind speed are
  readings *at* the label; the reader averages each reading with the previous
  one to estimate the interval mean (a half-hour shift; annual means unchanged;
  the first hour uses the last reading of the year).
* **CSV** (this project's layout): a header row and one row per hour::

      time,ghi_w_per_m2,temp_air_c[,dni_w_per_m2,dhi_w_per_m2,wind_speed_m_per_s]
      2025-01-01T00:00+08:00,0,3.1,0,0,2.4

  ``time`` is ISO 8601 and labels the *start* of the hour (``time_label="end"``
  for files that label the end). Values are hour means. Timestamps either carry
  a UTC offset (all rows the same offset, or pass ``timezone`` to convert a
  daylight-saving file to standard time) or are naive and then read as local
  standard time of ``timezone`` (an IANA name or a fixed offset in hours).
  ``latitude_deg`` / ``longitude_deg`` (and ``altitude_m``) must be given. DNI and
  DHI are optional together; when both are absent they are derived from GHI by
  the Erbs decomposition (``pvlib.irradiance.erbs``'s, by ``energy.erbs``) at the half-hour centres.
  Wind is optional (``None`` when absent).

Checks (each failure raises :class:`WeatherFileError` naming file, column, lines)
------------------------------------------------------------------------------
timestamps not on the full hour (sub-hourly data), more rows than a leap year,
invalid dates, duplicate hours, missing hours (first few listed), empty / NaN /
non-numeric values, negative irradiance or above 1,500 W/m² (above the
extraterrestrial value: a missing-value code such as 9999), air temperature
outside -60..60 °C (catches EPW's 99.9), wind speed outside 0..75 m/s.

From a measured year to model years
-----------------------------------
:func:`weather_from_file` builds the ``(n_years, 8760)`` :class:`Weather` the
model uses: ``mode="repeat"`` repeats the year; ``mode="resample_days"`` builds
each simulated day from a randomly drawn day (or block of ``block_days``
consecutive days) *of the same calendar month* of the measured year, so every
month keeps its measured climate in expectation while years differ (see
:func:`draw_days` for what this keeps and loses).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pvlib

from parktwin.energy.erbs import erbs_split
from parktwin.energy.weather import (
    CLEARNESS_FLOOR,
    DAYS_PER_YEAR,
    HOURS_PER_YEAR,
    REFERENCE_YEAR,
    Site,
    Weather,
    clear_sky,
    standard_utc_offset,
)

__all__ = [
    "FORMATS",
    "MeasuredWeather",
    "WeatherFileError",
    "detect_format",
    "draw_days",
    "expand_days",
    "read_weather_file",
    "site_from_measured",
    "weather_from_file",
    "weather_from_measured",
]

FORMATS = ("epw", "tmy3", "tmy2", "csv")
MAX_IRRADIANCE_W_PER_M2 = 1500.0
"""Upper bound of an hour-mean irradiance (extraterrestrial normal is ~1,413 W/m² at most) [W/m²]."""
TEMP_RANGE_C = (-60.0, 60.0)
WIND_RANGE_M_PER_S = (0.0, 75.0)
MAX_REPORTED = 5
"""How many offending lines / hours an error message lists."""

_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_MONTH_START_DAY = np.concatenate([[0], np.cumsum(_MONTH_DAYS)[:-1]])        # non-leap year
_MONTH_OF_DAY = np.repeat(np.arange(12), _MONTH_DAYS)                         # (365,) 0..11
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FIELDS = ("ghi_w_per_m2", "dni_w_per_m2", "dhi_w_per_m2", "temp_air_c", "wind_speed_m_per_s")
_CSV_REQUIRED = ("time", "ghi_w_per_m2", "temp_air_c")
_OFFSET_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


class WeatherFileError(ValueError):
    """A weather file that cannot be used as it is.

    Attributes
    ----------
    path : str
        The file.
    field : str
        The offending column as named in the file (``"time"`` for timestamps,
        ``"file"`` when the file cannot be parsed at all).
    message : str
        What was found and what was expected (lines are 1-based file lines).
    """

    def __init__(self, path, field: str, message: str):
        self.path = str(path)
        self.field = field
        self.message = message
        super().__init__(f"{self.path}: column {field!r}: {message}")


@dataclass(frozen=True, eq=False)
class MeasuredWeather:
    """One measured (or typical) year at a station; hourly arrays shape (8760,), read-only.

    Hour ``h`` is ``[h, h+1)`` local standard time (UTC offset ``utc_offset_h``).
    ``wind_speed_m_per_s`` is ``None`` when the file has no wind (CSV only);
    ``dni_dhi_derived`` is True when DNI/DHI came from the Erbs decomposition.
    """

    ghi_w_per_m2: np.ndarray
    dni_w_per_m2: np.ndarray
    dhi_w_per_m2: np.ndarray
    temp_air_c: np.ndarray
    wind_speed_m_per_s: np.ndarray | None
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    utc_offset_h: float
    source_path: str
    fmt: str
    station: str = ""
    dni_dhi_derived: bool = False

    @property
    def annual_ghi_kwh_per_m2(self) -> float:
        """Annual global horizontal irradiation [kWh/m²]."""
        return float(self.ghi_w_per_m2.sum() / 1000.0)


@dataclass(frozen=True, eq=False)
class _Raw:
    """A parsed file before validation: calendar position and values of each row, in file order."""

    month: np.ndarray
    day: np.ndarray
    hour: np.ndarray          # interval start 0..23 (end labels 1..24 minus one)
    minute: np.ndarray
    line: np.ndarray          # 1-based file line of each row
    time_column: str
    columns: dict             # model field -> (file column label, float values)
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    utc_offset_h: float
    station: str
    instantaneous: bool       # end-labelled file; temperature / wind are readings at the label
    naive_dst_hint: str = ""


# --------------------------------------------------------------------------- helpers


def _interval_text(month: int, day: int, hour: int) -> str:
    """``'Mar 05 13:00-14:00'`` for the hour starting at ``hour`` (local standard time)."""
    return f"{_MONTH_NAMES[month - 1]} {day:02d} {hour:02d}:00-{hour + 1:02d}:00"


def _n(count: int, noun: str) -> str:
    """``'1 row'`` / ``'3 rows'``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _first(items: list[str], total: int) -> str:
    """The first ``MAX_REPORTED`` items joined, with a count of the rest."""
    shown = ", ".join(items[:MAX_REPORTED])
    return shown + (f" (and {total - MAX_REPORTED} more)" if total > MAX_REPORTED else "")


def _numeric(values) -> np.ndarray:
    """Column as float; text that is not a number becomes NaN (reported as a gap later)."""
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


def _readonly(values: np.ndarray) -> np.ndarray:
    arr = np.array(values, dtype=float)
    arr.setflags(write=False)
    return arr


def _wrap_reader(path, reader: str, exc: Exception) -> WeatherFileError:
    return WeatherFileError(path, "file", f"pvlib.iotools.{reader} could not parse it: {exc}")


# --------------------------------------------------------------------------- readers


def _read_tmy3(path: Path) -> _Raw:
    try:
        data, meta = pvlib.iotools.read_tmy3(str(path), map_variables=False)
    except Exception as exc:  # noqa: BLE001 - any parse failure becomes a file error
        raise _wrap_reader(path, "read_tmy3", exc) from exc
    line = np.arange(len(data)) + 3          # line 1 metadata, line 2 header
    date = data["Date (MM/DD/YYYY)"].astype(str).str.split("/", expand=True)
    clock = data["Time (HH:MM)"].astype(str).str.split(":", expand=True)
    hours = _numeric(clock[0])
    minutes = _numeric(clock[1]) if clock.shape[1] > 1 else np.zeros(len(data))
    if np.isnan(hours).any() or np.isnan(minutes).any():
        i = int(np.flatnonzero(np.isnan(hours) | np.isnan(minutes))[0])
        raise WeatherFileError(path, "Time (HH:MM)", f"unreadable time at line {line[i]}")
    columns = {
        "ghi_w_per_m2": "GHI (W/m^2)",
        "dni_w_per_m2": "DNI (W/m^2)",
        "dhi_w_per_m2": "DHI (W/m^2)",
        "temp_air_c": "Dry-bulb (C)",
        "wind_speed_m_per_s": "Wspd (m/s)",
    }
    return _Raw(
        month=_numeric(date[0]),
        day=_numeric(date[1]),
        hour=hours - 1.0,
        minute=minutes,
        line=line,
        time_column="Time (HH:MM)",
        columns={f: (c, _numeric(data[c])) for f, c in columns.items()},
        latitude_deg=float(meta["latitude"]),
        longitude_deg=float(meta["longitude"]),
        altitude_m=float(meta["altitude"]),
        utc_offset_h=float(meta["TZ"]),
        station=str(meta.get("Name", "")).strip('"'),
        instantaneous=True,
    )


def _read_tmy2(path: Path) -> _Raw:
    try:
        data, meta = pvlib.iotools.read_tmy2(str(path))
    except Exception as exc:  # noqa: BLE001
        raise _wrap_reader(path, "read_tmy2", exc) from exc
    line = np.arange(len(data)) + 2          # line 1 metadata
    hours = data["hour"].to_numpy(dtype=float) - 1.0
    # read_tmy2 returns temperature and wind speed in tenths (243 = 24.3 °C).
    columns = {
        "ghi_w_per_m2": ("GHI", data["GHI"].to_numpy(dtype=float)),
        "dni_w_per_m2": ("DNI", data["DNI"].to_numpy(dtype=float)),
        "dhi_w_per_m2": ("DHI", data["DHI"].to_numpy(dtype=float)),
        "temp_air_c": ("DryBulb", data["DryBulb"].to_numpy(dtype=float) / 10.0),
        "wind_speed_m_per_s": ("Wspd", data["Wspd"].to_numpy(dtype=float) / 10.0),
    }
    return _Raw(
        month=data["month"].to_numpy(dtype=float),
        day=data["day"].to_numpy(dtype=float),
        hour=hours,
        minute=np.zeros(len(data)),
        line=line,
        time_column="hour",
        columns=columns,
        latitude_deg=float(meta["latitude"]),
        longitude_deg=float(meta["longitude"]),
        altitude_m=float(meta["altitude"]),
        utc_offset_h=float(meta["TZ"]),
        station=str(meta.get("City", "")).strip(),
        instantaneous=True,
    )


def _read_epw(path: Path) -> _Raw:
    try:
        # coerce_year: a leap year, so that pvlib's own index accepts 29 Feb rows
        # of any file (the year is not used here).
        data, meta = pvlib.iotools.read_epw(str(path), coerce_year=2000)
    except Exception as exc:  # noqa: BLE001
        raise _wrap_reader(path, "read_epw", exc) from exc
    line = np.arange(len(data)) + 9          # 8 header lines
    hours = data["hour"].to_numpy(dtype=float) - 1.0
    # EPW's minute field is 0 or 60 by convention in hourly files: not used.
    columns = {f: (c, _numeric(data[c])) for f, c in (
        ("ghi_w_per_m2", "ghi"), ("dni_w_per_m2", "dni"), ("dhi_w_per_m2", "dhi"),
        ("temp_air_c", "temp_air"), ("wind_speed_m_per_s", "wind_speed"))}
    n_per_hour = pd.Series(list(zip(data["month"], data["day"], data["hour"]))).duplicated().sum()
    minute = np.zeros(len(data))
    if "minute" in data and n_per_hour > len(data) // 2:
        minute = data["minute"].to_numpy(dtype=float) % 60.0   # sub-hourly EPW
    return _Raw(
        month=data["month"].to_numpy(dtype=float),
        day=data["day"].to_numpy(dtype=float),
        hour=hours,
        minute=minute,
        line=line,
        time_column="hour",
        columns=columns,
        latitude_deg=float(meta["latitude"]),
        longitude_deg=float(meta["longitude"]),
        altitude_m=float(meta["altitude"]),
        utc_offset_h=float(meta["TZ"]),
        station=str(meta.get("city", "")).strip(),
        instantaneous=True,
    )


def _standard_offset_h(timezone) -> float:
    """Standard (non-DST) UTC offset of an IANA zone name, or a number of hours as given [h]."""
    if isinstance(timezone, (int, float)):
        return float(timezone)
    return standard_utc_offset(str(timezone)).total_seconds() / 3600.0


def _observes_dst(timezone) -> bool:
    if isinstance(timezone, (int, float)):
        return False
    zone = ZoneInfo(str(timezone))
    return any(_dt.datetime(REFERENCE_YEAR, m, 15, 12, tzinfo=zone).dst() for m in (1, 7))


def _read_csv(path: Path, timezone, time_label: str, latitude_deg, longitude_deg,
              altitude_m: float) -> _Raw:
    if latitude_deg is None or longitude_deg is None:
        raise ValueError("a CSV weather file needs latitude_deg and longitude_deg")
    if time_label not in ("start", "end"):
        raise ValueError(f"time_label must be 'start' or 'end', got {time_label!r}")
    try:
        frame = pd.read_csv(path, dtype=str, skip_blank_lines=False)
    except Exception as exc:  # noqa: BLE001
        raise WeatherFileError(path, "file", f"not a readable CSV file: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in _CSV_REQUIRED:
        if col not in frame.columns:
            raise WeatherFileError(path, col, "required column missing; the header must be "
                                   "time,ghi_w_per_m2,temp_air_c[,dni_w_per_m2,dhi_w_per_m2,"
                                   f"wind_speed_m_per_s], found {list(frame.columns)}")
    line = np.arange(len(frame)) + 2
    text = frame["time"].fillna("").astype(str).str.strip()
    has_offset = text.str.contains(_OFFSET_RE).to_numpy()
    if has_offset.any() and not has_offset.all():
        i = int(np.flatnonzero(has_offset != has_offset[0])[0])
        raise WeatherFileError(path, "time", "some timestamps carry a UTC offset and some do not "
                               f"(first odd one at line {line[i]}: {text.iloc[i]!r})")
    dst_hint = ""
    if has_offset.all():
        stamps = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        offsets = (text.str.extract(f"({_OFFSET_RE.pattern})")[0]
                   .str.replace("Z", "+00:00").str.replace(":", ""))
        minutes = (offsets.str[0].map({"+": 1, "-": -1}).astype(float)
                   * (offsets.str[1:3].astype(float) * 60 + offsets.str[3:5].astype(float)))
        if timezone is None:
            distinct = np.unique(minutes.to_numpy())
            if distinct.size > 1:
                raise WeatherFileError(
                    path, "time", "timestamps carry different UTC offsets ("
                    + ", ".join(f"{x / 60:+g} h" for x in distinct) + ") "
                    "(daylight saving?); pass timezone= to convert them to standard time")
            offset_h = float(distinct[0]) / 60.0
        else:
            offset_h = _standard_offset_h(timezone)
        local = stamps + pd.Timedelta(hours=offset_h)
    else:
        if timezone is None:
            raise ValueError(f"{path}: timestamps have no UTC offset; pass timezone= "
                             "(IANA name or hours) to say which standard time they are in")
        offset_h = _standard_offset_h(timezone)
        local = pd.to_datetime(text, format="ISO8601", errors="coerce")
        if _observes_dst(timezone):
            dst_hint = (f" (naive timestamps are read as standard time of {timezone}; a file in "
                        "local clock time with daylight saving has a missing spring hour and a "
                        "duplicated autumn hour)")
    bad = np.flatnonzero(local.isna().to_numpy())
    if bad.size:
        items = [f"line {line[i]} ({text.iloc[i]!r})" for i in bad[:MAX_REPORTED]]
        raise WeatherFileError(path, "time", "unreadable ISO 8601 timestamps: " + _first(items, bad.size))
    if time_label == "end":
        local = local - pd.Timedelta(hours=1)
    local = pd.DatetimeIndex(local)
    columns = {}
    for field in _FIELDS:
        if field in frame.columns:
            columns[field] = (field, _numeric(frame[field]))
    if ("dni_w_per_m2" in columns) != ("dhi_w_per_m2" in columns):
        have = "dni_w_per_m2" if "dni_w_per_m2" in columns else "dhi_w_per_m2"
        raise WeatherFileError(path, have, "give both dni_w_per_m2 and dhi_w_per_m2 or neither "
                               "(both are then derived from GHI with the Erbs model)")
    return _Raw(
        month=local.month.to_numpy(dtype=float),
        day=local.day.to_numpy(dtype=float),
        hour=local.hour.to_numpy(dtype=float),
        minute=(local.minute * 60 + local.second).to_numpy(dtype=float),
        line=line,
        time_column="time",
        columns=columns,
        latitude_deg=float(latitude_deg),
        longitude_deg=float(longitude_deg),
        altitude_m=float(altitude_m),
        utc_offset_h=offset_h,
        station=Path(path).stem,
        instantaneous=False,
        naive_dst_hint=dst_hint,
    )


# --------------------------------------------------------------------------- validation


def _hour_of_year(raw: _Raw, path) -> tuple[np.ndarray, np.ndarray]:
    """Validate the calendar positions; return (hour of a non-leap year per row, Feb-29 mask)."""
    month, day, hour = raw.month, raw.day, raw.hour
    tcol = raw.time_column
    sub_hourly = np.flatnonzero(raw.minute != 0)
    if sub_hourly.size:
        items = [f"line {raw.line[i]}" for i in sub_hourly[:MAX_REPORTED]]
        raise WeatherFileError(
            path, tcol, f"non-hourly steps: {sub_hourly.size} of {len(month)} timestamps are not on "
            f"the full hour ({_first(items, sub_hourly.size)}); expected one row per hour "
            "(aggregate sub-hourly data to hourly means first)")
    n = len(month)
    if n > HOURS_PER_YEAR + 24:
        raise WeatherFileError(path, tcol, f"{n} rows; expected one year of hourly rows "
                               f"({HOURS_PER_YEAR}, or {HOURS_PER_YEAR + 24} with 29 February)")
    finite = np.isfinite(month) & np.isfinite(day) & np.isfinite(hour)
    mi = np.where(finite, month, 0).astype(int)
    di = np.where(finite, day, 0).astype(int)
    hi = np.where(finite, hour, -1).astype(int)
    leap_days = np.where((mi >= 1) & (mi <= 12), _MONTH_DAYS[np.clip(mi - 1, 0, 11)] + (mi == 2), 0)
    valid = finite & (mi >= 1) & (mi <= 12) & (di >= 1) & (di <= leap_days) & (hi >= 0) & (hi <= 23)
    bad = np.flatnonzero(~valid)
    if bad.size:
        shift, kind = (1, "hour label, 1..24 = end of the hour") if raw.instantaneous else (0, "hour")
        items = [f"line {raw.line[i]} (month {month[i]:g}, day {day[i]:g}, {kind} {hour[i] + shift:g})"
                 for i in bad[:MAX_REPORTED]]
        raise WeatherFileError(path, tcol, "invalid dates or hours: " + _first(items, bad.size))
    key = (mi * 32 + di) * 24 + hi
    _, first_index, counts = np.unique(key, return_index=True, return_counts=True)
    if (counts > 1).any():
        seen = np.zeros(len(key), dtype=bool)
        seen[first_index] = True
        dup = np.flatnonzero(~seen)
        items = [f"line {raw.line[i]} ({_interval_text(mi[i], di[i], hi[i])})"
                 for i in dup[:MAX_REPORTED]]
        raise WeatherFileError(path, tcol, f"duplicate hours: {_n(dup.size, 'row')} repeat an hour "
                               f"already present: {_first(items, dup.size)}" + raw.naive_dst_hint)
    feb29 = (mi == 2) & (di == 29)
    hoy = np.where(feb29, -1, (_MONTH_START_DAY[mi - 1] + di - 1) * 24 + hi)
    missing = np.setdiff1d(np.arange(HOURS_PER_YEAR), hoy[~feb29])
    if missing.size:
        days, hours = missing // 24, missing % 24
        months = _MONTH_OF_DAY[days]
        items = [_interval_text(m + 1, d - _MONTH_START_DAY[m] + 1, h)
                 for m, d, h in zip(months[:MAX_REPORTED], days, hours)]
        raise WeatherFileError(
            path, tcol, f"gaps: {_n(missing.size, 'hour')} missing (file has {n} data rows, expected "
            f"{HOURS_PER_YEAR}, or {HOURS_PER_YEAR + 24} with 29 February); first missing "
            f"(local standard time): {_first(items, missing.size)}" + raw.naive_dst_hint)
    return hoy, feb29


def _check_values(path, label: str, field: str, values: np.ndarray, describe) -> None:
    """NaN and range checks of one column; ``describe(i)`` names row ``i`` (hour-of-year order)."""

    def fail(mask: np.ndarray, what: str, show_value: bool = True) -> None:
        idx = np.flatnonzero(mask)
        if idx.size:
            items = [describe(i) + (f": {values[i]:g}" if show_value else "") for i in idx[:MAX_REPORTED]]
            raise WeatherFileError(path, label, f"{what} in {_n(idx.size, 'row')}: {_first(items, idx.size)}"
                                   f" [model field {field}]")

    fail(np.isnan(values), "gaps: empty, NaN or non-numeric values", show_value=False)
    if field in ("ghi_w_per_m2", "dni_w_per_m2", "dhi_w_per_m2"):
        fail(values < 0.0, "negative irradiance (expected >= 0 W/m²; -9900 is TMY3's missing code)")
        fail(values > MAX_IRRADIANCE_W_PER_M2,
             f"irradiance above {MAX_IRRADIANCE_W_PER_M2:g} W/m² (a missing-value code such as 9999?)")
    elif field == "temp_air_c":
        lo, hi = TEMP_RANGE_C
        fail((values < lo) | (values > hi), f"air temperature outside {lo:g}..{hi:g} °C")
    elif field == "wind_speed_m_per_s":
        lo, hi = WIND_RANGE_M_PER_S
        fail((values < lo) | (values > hi), f"wind speed outside {lo:g}..{hi:g} m/s")


def _interval_mean(readings: np.ndarray) -> np.ndarray:
    """Hour means from readings at the end of each hour: mean of this and the previous reading."""
    return 0.5 * (readings + np.roll(readings, 1))


def _half_hour_geometry(latitude_deg: float, longitude_deg: float, altitude_m: float,
                        utc_offset_h: float) -> np.ndarray:
    """True solar zenith [deg] at the 8760 half-hour centres of ``REFERENCE_YEAR`` (fixed offset)."""
    tz = _dt.timezone(_dt.timedelta(hours=utc_offset_h))
    times = pd.date_range(pd.Timestamp(REFERENCE_YEAR, 1, 1, 0, 30, tz=tz),
                          periods=HOURS_PER_YEAR, freq="h")
    solpos = pvlib.solarposition.get_solarposition(times, latitude_deg, longitude_deg, altitude_m)
    return solpos["zenith"].to_numpy()


def _erbs_split(ghi: np.ndarray, zenith_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI [W/m²] from GHI by Erbs (``energy.erbs.erbs_split``: ``pvlib.irradiance.erbs``'s
    numbers); same shape as ``ghi`` (last axis 8760)."""
    return erbs_split(ghi, zenith_deg, np.arange(HOURS_PER_YEAR) // 24 + 1)


def _assemble(raw: _Raw, path, fmt: str) -> MeasuredWeather:
    hoy, feb29 = _hour_of_year(raw, path)
    keep = np.flatnonzero(~feb29)
    order = keep[np.argsort(hoy[keep], kind="stable")]

    def describe(i: int) -> str:
        j = order[i]
        return f"line {raw.line[j]} ({_interval_text(int(raw.month[j]), int(raw.day[j]), int(raw.hour[j]))})"

    values = {}
    for field in _FIELDS:
        if field not in raw.columns:
            continue
        label, column = raw.columns[field]
        v = column[order]
        _check_values(path, label, field, v, describe)
        values[field] = v
    if raw.instantaneous:
        for field in ("temp_air_c", "wind_speed_m_per_s"):
            if field in values:
                values[field] = _interval_mean(values[field])
    derived = "dni_w_per_m2" not in values
    if derived:
        zenith = _half_hour_geometry(raw.latitude_deg, raw.longitude_deg, raw.altitude_m,
                                     raw.utc_offset_h)
        values["dni_w_per_m2"], values["dhi_w_per_m2"] = _erbs_split(values["ghi_w_per_m2"], zenith)
    wind = values.get("wind_speed_m_per_s")
    return MeasuredWeather(
        ghi_w_per_m2=_readonly(values["ghi_w_per_m2"]),
        dni_w_per_m2=_readonly(values["dni_w_per_m2"]),
        dhi_w_per_m2=_readonly(values["dhi_w_per_m2"]),
        temp_air_c=_readonly(values["temp_air_c"]),
        wind_speed_m_per_s=None if wind is None else _readonly(wind),
        latitude_deg=raw.latitude_deg,
        longitude_deg=raw.longitude_deg,
        altitude_m=raw.altitude_m,
        utc_offset_h=raw.utc_offset_h,
        source_path=str(path),
        fmt=fmt,
        station=raw.station,
        dni_dhi_derived=derived,
    )


# --------------------------------------------------------------------------- public API


def detect_format(path) -> str:
    """Weather-file format from the extension (and, for ``.csv``, the first two lines).

    ``.epw`` -> ``"epw"``; ``.tm2`` / ``.tmy2`` -> ``"tmy2"``; ``.tmy3`` -> ``"tmy3"``;
    ``.csv``: ``"tmy3"`` when line 2 starts with TMY3's ``Date (MM/DD/YYYY)`` header
    (pvlib's own TMY3 files end in ``.CSV``), ``"csv"`` when line 1 starts with ``time``.

    Raises
    ------
    WeatherFileError
        Unknown extension or a ``.csv`` that is neither layout.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".epw":
        return "epw"
    if ext in (".tm2", ".tmy2"):
        return "tmy2"
    if ext == ".tmy3":
        return "tmy3"
    if ext == ".csv":
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            first, second = fh.readline(), fh.readline()
        if second.startswith("Date (MM/DD/YYYY)"):
            return "tmy3"
        if first.strip().lower().startswith("time"):
            return "csv"
        raise WeatherFileError(path, "file", "a .csv that is neither TMY3 (line 2 'Date (MM/DD/YYYY),"
                               "...') nor this project's layout (header 'time,ghi_w_per_m2,"
                               "temp_air_c,...'); pass fmt=")
    raise WeatherFileError(path, "file", f"unknown extension {ext!r}; pass fmt= one of {FORMATS}")


def read_weather_file(path, fmt: str | None = None, *, timezone=None, time_label: str = "start",
                      latitude_deg: float | None = None, longitude_deg: float | None = None,
                      altitude_m: float = 0.0) -> MeasuredWeather:
    """Read and validate one year of hourly weather from an EPW, TMY3, TMY2 or CSV file.

    Parameters
    ----------
    path : str or path-like
        The file.
    fmt : {"epw", "tmy3", "tmy2", "csv"}, optional
        Format; detected by :func:`detect_format` when None.
    timezone : str or float, optional
        CSV only: IANA zone name or fixed UTC offset [h] of the standard time to
        use (naive timestamps are read as that standard time).
    time_label : {"start", "end"}
        CSV only: whether ``time`` labels the start (default) or end of the hour.
    latitude_deg, longitude_deg : float, optional
        CSV only, required: station position [deg, east and north positive].
    altitude_m : float
        CSV only: station altitude [m].

    Returns
    -------
    MeasuredWeather
        8760-hour arrays in local standard time; see the module docstring for
        the time-label conversions.

    Raises
    ------
    WeatherFileError
        Wrong length, gaps, duplicates, sub-hourly steps, invalid values (the
        message names the file, the column and the first offending lines).
    ValueError
        Invalid arguments (e.g. a CSV without position or time zone).
    """
    path = Path(path)
    fmt = detect_format(path) if fmt is None else fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    if fmt != "csv" and (timezone is not None or time_label != "start"
                         or latitude_deg is not None or longitude_deg is not None):
        raise ValueError(f"timezone, time_label and position are read from the {fmt} file itself; "
                         "these arguments are for CSV files only")
    if not path.is_file():
        raise WeatherFileError(path, "file", "no such file")
    if fmt == "tmy3":
        raw = _read_tmy3(path)
    elif fmt == "tmy2":
        raw = _read_tmy2(path)
    elif fmt == "epw":
        raw = _read_epw(path)
    else:
        raw = _read_csv(path, timezone, time_label, latitude_deg, longitude_deg, altitude_m)
    return _assemble(raw, path, fmt)


def site_from_measured(measured: MeasuredWeather, timezone: str | None = None) -> Site:
    """A :class:`Site` consistent with a measured year (position, standard time, climate).

    Parameters
    ----------
    measured : MeasuredWeather
        The year read from a file.
    timezone : str, optional
        IANA zone of the park; its standard offset must equal the file's. When
        None, ``"Etc/GMT+5"``-style fixed zones are used (whole-hour offsets only).

    Returns
    -------
    Site
        ``annual_ghi_kwh_per_m2`` = the file's annual GHI [kWh/m²]; mean
        temperature [°C], annual amplitude (half the spread of monthly means) and
        diurnal amplitude (half the mean daily range) [K] from the file.
    """
    if timezone is None:
        if measured.utc_offset_h != round(measured.utc_offset_h):
            raise ValueError(f"UTC offset {measured.utc_offset_h} h is not whole: pass timezone=")
        hours = int(round(measured.utc_offset_h))
        timezone = "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"   # Etc/GMT+5 is UTC-5
    offset = standard_utc_offset(timezone).total_seconds() / 3600.0
    if abs(offset - measured.utc_offset_h) > 1e-9:
        raise ValueError(f"{timezone} has standard offset {offset:+g} h but the file is in "
                         f"{measured.utc_offset_h:+g} h")
    t = measured.temp_air_c
    monthly = np.array([t[24 * s: 24 * (s + n)].mean() for s, n in zip(_MONTH_START_DAY, _MONTH_DAYS)])
    daily = t.reshape(DAYS_PER_YEAR, 24)
    return Site(
        latitude_deg=measured.latitude_deg,
        longitude_deg=measured.longitude_deg,
        altitude_m=measured.altitude_m,
        timezone=timezone,
        annual_ghi_kwh_per_m2=measured.annual_ghi_kwh_per_m2,
        mean_temp_c=float(t.mean()),
        temp_annual_amplitude_c=float((monthly.max() - monthly.min()) / 2.0),
        temp_diurnal_amplitude_c=float((daily.max(axis=1) - daily.min(axis=1)).mean() / 2.0),
    )


def draw_days(n_years: int, rng: np.random.Generator | None = None, mode: str = "repeat",
              block_days: int = 1) -> np.ndarray:
    """Source day (0..364 of the measured year) for every simulated day.

    ``"repeat"``: day ``d`` of every year is measured day ``d`` (``rng`` unused).
    ``"resample_days"``: month by month, each block of ``block_days`` consecutive
    simulated days (blocks restart on the 1st) copies consecutive days of the
    same calendar month of the measured year, starting at a uniformly drawn day
    and wrapping within the month. Kept: each month's climate in expectation
    (daily distribution of irradiance, temperature, wind and their same-day
    co-variation, diurnal shapes). Lost: persistence longer than ``block_days``
    (multi-day dull spells get shorter, which flatters storage), continuity at
    midnight between blocks (temperature steps), and the seasonal drift of the
    sun inside a month (a day from 31 March placed on 1 March has late-March
    day length; the PV chain zeroes output whenever the sun is down, and the
    measured DNI/DHI are used with the target day's sun position).

    Parameters
    ----------
    n_years : int
        Number of simulated years.
    rng : np.random.Generator, optional
        Required for ``"resample_days"``; its only use is one ``rng.random`` call
        of shape (n_years, 12, 31), so the same generator state gives the same days.
    mode : {"repeat", "resample_days"}
    block_days : int
        Length of the resampled blocks [d], 1..28.

    Returns
    -------
    np.ndarray
        int, shape (n_years, 365).
    """
    if n_years < 1:
        raise ValueError(f"n_years must be >= 1, got {n_years}")
    day = np.arange(DAYS_PER_YEAR)
    if mode == "repeat":
        return np.broadcast_to(day, (n_years, DAYS_PER_YEAR)).copy()
    if mode != "resample_days":
        raise ValueError(f"mode must be 'repeat' or 'resample_days', got {mode!r}")
    if rng is None:
        raise ValueError("mode='resample_days' needs rng")
    if not 1 <= block_days <= 28:
        raise ValueError(f"block_days must be in 1..28, got {block_days}")
    month = _MONTH_OF_DAY
    length = _MONTH_DAYS[month]
    day_in_month = day - _MONTH_START_DAY[month]
    block = day_in_month // block_days
    u = rng.random((n_years, 12, 31))
    start = np.floor(u[:, month, block] * length).astype(np.intp)       # (n, 365)
    return _MONTH_START_DAY[month] + (start + day_in_month % block_days) % length


def expand_days(values: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Hourly series of the simulated years from a measured year and :func:`draw_days`.

    Parameters
    ----------
    values : np.ndarray
        One measured year, shape (8760,).
    days : np.ndarray
        Source day per simulated day, shape (n_years, 365).

    Returns
    -------
    np.ndarray
        Shape (n_years, 8760), same unit as ``values``.
    """
    by_day = np.asarray(values, dtype=float).reshape(DAYS_PER_YEAR, 24)
    return by_day[days].reshape(days.shape[0], HOURS_PER_YEAR)


def weather_from_measured(site: Site, ghi_w_per_m2, temp_air_c, dni_w_per_m2=None,
                          dhi_w_per_m2=None) -> Weather:
    """Wrap hourly arrays in a :class:`Weather` for the site's geometry.

    Parameters
    ----------
    site : Site
        Park location; its clear-sky geometry (:func:`clear_sky`) gives the Erbs
        zenith and the daily clearness.
    ghi_w_per_m2, temp_air_c : array-like
        Shape (8760,) or (n_years, 8760) [W/m², °C], local standard time of ``site``.
    dni_w_per_m2, dhi_w_per_m2 : array-like, optional
        Both or neither; when neither, Erbs at the site's half-hour centres.

    Returns
    -------
    Weather
        Arrays (n_years, 8760); ``daily_clearness_share`` = daily GHI / clear-sky
        daily GHI clipped to [1e-4, 1] (measured days can exceed pvlib's clear sky).
    """
    ghi, temp = (np.atleast_2d(a).copy() for a in np.broadcast_arrays(
        np.asarray(ghi_w_per_m2, dtype=float), np.asarray(temp_air_c, dtype=float)))
    if ghi.ndim != 2 or ghi.shape[-1] != HOURS_PER_YEAR:
        raise ValueError(f"hourly arrays must have {HOURS_PER_YEAR} values per year, got {ghi.shape}")
    cs = clear_sky(site)
    if (dni_w_per_m2 is None) != (dhi_w_per_m2 is None):
        raise ValueError("give both dni_w_per_m2 and dhi_w_per_m2 or neither")
    if dni_w_per_m2 is None:
        dni, dhi = _erbs_split(ghi, cs.zenith_deg)
    else:
        dni = np.broadcast_to(np.asarray(dni_w_per_m2, dtype=float), ghi.shape).copy()
        dhi = np.broadcast_to(np.asarray(dhi_w_per_m2, dtype=float), ghi.shape).copy()
    daily = ghi.reshape(ghi.shape[0], DAYS_PER_YEAR, 24).sum(axis=2) / 1000.0
    clearness = np.clip(daily / cs.daily_ghi_kwh_per_m2, CLEARNESS_FLOOR, 1.0)
    return Weather(ghi_w_per_m2=ghi, dni_w_per_m2=dni, dhi_w_per_m2=dhi, temp_air_c=temp,
                   daily_clearness_share=clearness)


def weather_from_file(site: Site, measured: MeasuredWeather, n_years: int,
                      rng: np.random.Generator | None = None, mode: str = "repeat",
                      block_days: int = 1, max_distance_deg: float = 2.0) -> Weather:
    """The model's ``(n_years, 8760)`` weather from one measured year.

    Parameters
    ----------
    site : Site
        Park location; its standard UTC offset must equal the file's, and the
        station must lie within ``max_distance_deg`` in latitude and longitude.
        ``site.annual_ghi_kwh_per_m2`` is *not* used (the file's irradiance is
        kept as measured; :func:`site_from_measured` gives a consistent Site).
    measured : MeasuredWeather
        From :func:`read_weather_file`.
    n_years : int
        Number of simulated years.
    rng : np.random.Generator, optional
        Required for ``mode="resample_days"``; consumed only by :func:`draw_days`,
        so ``draw_days`` with a generator in the same state returns the days used
        (e.g. to resample the file's wind with the same days via :func:`expand_days`).
    mode : {"repeat", "resample_days"}
        See :func:`draw_days`.
    block_days : int
        Block length for ``"resample_days"`` [d].
    max_distance_deg : float
        Largest accepted latitude or longitude difference site-station [deg].

    Returns
    -------
    Weather
        Measured GHI/DNI/DHI [W/m²] and temperature [°C], shape (n_years, 8760);
        usable unchanged by :func:`parktwin.energy.solar.pv_output_kw_per_kwp`.
    """
    site_offset = standard_utc_offset(site.timezone).total_seconds() / 3600.0
    if abs(site_offset - measured.utc_offset_h) > 1e-9:
        raise ValueError(f"site time zone {site.timezone} (standard {site_offset:+g} h) differs from "
                         f"the file's UTC offset {measured.utc_offset_h:+g} h ({measured.source_path})")
    d_lat = abs(site.latitude_deg - measured.latitude_deg)
    d_lon = abs((site.longitude_deg - measured.longitude_deg + 180.0) % 360.0 - 180.0)
    if max(d_lat, d_lon) > max_distance_deg:
        raise ValueError(f"station ({measured.latitude_deg:.2f}, {measured.longitude_deg:.2f}) is more "
                         f"than {max_distance_deg} deg from the site ({site.latitude_deg:.2f}, "
                         f"{site.longitude_deg:.2f})")
    days = draw_days(n_years, rng, mode, block_days)
    return weather_from_measured(
        site,
        expand_days(measured.ghi_w_per_m2, days),
        expand_days(measured.temp_air_c, days),
        expand_days(measured.dni_w_per_m2, days),
        expand_days(measured.dhi_w_per_m2, days),
    )


def site_from_location(location) -> Site:
    """The weather model's ``Site`` from a park's location (any object with the same field names)."""
    return Site(
        latitude_deg=location.latitude_deg,
        longitude_deg=location.longitude_deg,
        altitude_m=location.altitude_m,
        timezone=location.timezone,
        annual_ghi_kwh_per_m2=location.annual_ghi_kwh_per_m2,
        mean_temp_c=location.mean_temp_c,
        temp_annual_amplitude_c=location.temp_annual_amplitude_c,
        temp_diurnal_amplitude_c=location.temp_diurnal_amplitude_c,
    )

"""Hourly load profiles from named shapes (data/load_shapes.csv) and the year's calendar.

A profile sums to 1 over the year, so ``annual_kwh * profile`` is the hourly load [kWh/h = kW].
A quantity that starts at hour ``h0`` (a project commissioned mid-year) is the full-year
quantity times the profile from ``h0`` on; ``share_after`` gives the annual fraction that keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numba
import numpy as np

from parktwin.data import hourly_shape, monthly_factors
from parktwin.energy.calendar import HOURS_PER_YEAR, year_calendar
from parktwin.energy.measured import calendar_hours

SEASONAL_PROFILE = {
    "office": "building",
    "dormitory": "building",
    "canteen": "building",
    "lab": "building",
    "warehouse": "building",
    "depot_night": "flat",
}


_REGISTERED: dict[tuple[str, int], np.ndarray] = {}


def register_profile(shape: str, year: int, values: np.ndarray) -> None:
    """Make an hourly profile computed elsewhere (e.g. a simulated fleet's charging) a named shape."""
    values = np.asarray(values, dtype=float)
    if values.shape != (HOURS_PER_YEAR,) or (values < 0).any() or values.sum() <= 0:
        raise ValueError(f"profile {shape!r}: expected {HOURS_PER_YEAR} non-negative values with a positive sum")
    out = values / values.sum()
    out.setflags(write=False)
    _keep(shape, year, out)


def register_measured(name: str, years, kw: np.ndarray) -> str:
    """Register a measured hourly series [kW] of ``years[0]`` (the base year) as the shape ``name``
    in every one of ``years``: the series itself in the base year, and in each later year its days
    laid onto that year's calendar (``energy.measured.calendar_hours``: workdays, weekends,
    holidays and the Spring Festival on their dates); each year's profile sums to 1. Returns ``name``."""

    kw = np.asarray(kw, dtype=float)
    if kw.shape != (HOURS_PER_YEAR,) or (kw < 0).any() or kw.sum() <= 0:
        raise ValueError(f"profile {name!r}: expected {HOURS_PER_YEAR} non-negative values with a positive sum")
    years = list(years)
    base = kw / kw.sum()
    base.setflags(write=False)
    for year in years:
        if year == years[0]:
            _keep(name, year, base)
            continue
        shaped = kw[calendar_hours(years[0], year)]
        out = shaped / shaped.sum()
        out.setflags(write=False)
        _keep(name, year, out)
    return name


def _keep(shape: str, year: int, shares: np.ndarray) -> None:
    """Register ``shares`` as ``shape`` in ``year``. A name already registered keeps its values:
    ``profile`` and the tables, sums and peaks made from it are kept per process by (shape, year),
    so other values under the same name would leave them stale — that is refused (callers name a
    profile by its content, e.g. a measured series' digest, so the same name means the same values)."""
    known = _REGISTERED.get((shape, year))
    if known is not None and not np.array_equal(known, shares):
        raise ValueError(f"profile {shape!r} of {year} is already registered with other values: register it under a new name")
    _REGISTERED[(shape, year)] = shares


def is_registered(shape: str, year: int) -> bool:
    return (shape, year) in _REGISTERED


@lru_cache(maxsize=512)
def profile(shape: str, year: int) -> np.ndarray:
    """Normalised hourly profile (sums to 1) of ``shape`` in ``year``: a registered one, or a named
    shape of data/load_shapes.csv."""
    if (shape, year) in _REGISTERED:
        return _REGISTERED[(shape, year)]
    cal = year_calendar(year)
    work, rest = hourly_shape(shape)
    weights = np.where(cal.is_workday, work[cal.hour_of_day], rest[cal.hour_of_day])
    weights = weights * monthly_factors(SEASONAL_PROFILE.get(shape, "industry"))[cal.month - 1]
    out = weights / weights.sum()
    out.setflags(write=False)
    return out


@lru_cache(maxsize=512)
def profile_peak(shape: str, year: int) -> float:
    """The highest hour of ``shape``'s profile in ``year`` [share of the year per hour] (read once per process)."""
    return float(profile(shape, year).max())


@lru_cache(maxsize=512)
def _tail_sums(shape: str, year: int) -> np.ndarray:
    """tail[h] = sum of the profile from hour h to the year's end; tail[8760] = 0."""
    p = profile(shape, year)
    tail = np.concatenate([np.cumsum(p[::-1])[::-1], [0.0]])
    tail.setflags(write=False)
    return tail


def share_after(shape: str, year: int, start_hour: int) -> float:
    """Fraction of the year's ``shape`` that falls at or after ``start_hour``."""
    h = min(max(int(start_hour), 0), HOURS_PER_YEAR)
    return _tail_sums(shape, year).item(h)  # a Python float (``item``: no numpy scalar in between)


@lru_cache(maxsize=1024)
def share_of_year(shape: str, year: int) -> float:
    """``share_after(shape, year, 0)``: the share of the year's ``shape`` from its first hour (the
    profile's sum, read once per process and (shape, year): most firm-years are one segment)."""
    return share_after(shape, year, 0)


@dataclass
class LoadBook:
    """Collects full-year hourly components by (shape, start hour) and builds the sum at once."""

    year: int
    _parts: dict[tuple[str, int], float] | None = None
    _arrays: list[np.ndarray] | None = None

    def add_hourly(self, kw: np.ndarray) -> float:
        """Add a load already given hour by hour (e.g. weather-driven HVAC) [kW]; returns its kWh."""
        if self._arrays is None:
            self._arrays = []
        self._arrays.append(kw)
        return float(kw.sum())

    def add(self, shape: str, full_year_kwh: float, start_hour: int = 0) -> float:
        """Add a load of ``full_year_kwh`` [kWh/yr] active from ``start_hour``; returns the year's kWh."""
        if full_year_kwh == 0.0 or start_hour >= HOURS_PER_YEAR:
            return 0.0
        start = max(int(start_hour), 0)
        self._book((shape, start), full_year_kwh)
        return full_year_kwh * _tail_sums(shape, self.year).item(start)

    def add_full_year(self, shape: str, full_year_kwh: float, share: float) -> float:
        """``add(shape, full_year_kwh)`` from hour 0, given ``share`` = ``share_after(shape, year, 0)``
        (the caller has it); returns the year's kWh."""
        if full_year_kwh == 0.0:
            return 0.0
        self._book((shape, 0), full_year_kwh)
        return full_year_kwh * share

    def _book(self, key: tuple[str, int], full_year_kwh: float) -> None:
        """Add ``full_year_kwh`` [kWh/yr] to the part ``key`` = (shape, start hour)."""
        if self._parts is None:
            self._parts = {}
        self._parts[key] = self._parts.get(key, 0.0) + full_year_kwh

    def add_parts(self, keys: list[tuple[str, int]], kwh: list[float]) -> None:
        """Add ``kwh[i]`` [kWh/yr] to the part ``keys[i]`` = (shape, start hour within the year), in
        order, skipping zeros: the parts ``add`` and ``add_piecewise`` book, for many loads at once
        (the caller has their year's kWh)."""
        if self._parts is None:
            self._parts = {}
        parts = self._parts
        for key, value in zip(keys, kwh):
            if value != 0.0:
                parts[key] = parts.get(key, 0.0) + value

    def add_piecewise(self, shape: str, starts: list[int], values_kwh: list[float]) -> float:
        """Add a piecewise-constant full-year load [kWh/yr], ``values_kwh[i]`` from ``starts[i]`` on,
        as deltas (each an ``add``, in order); returns the year's kWh."""
        if self._parts is None:
            self._parts = {}
        parts, tails = self._parts, _tail_sums(shape, self.year)
        total = previous = 0.0
        for start, value in zip(starts, values_kwh):
            delta, previous = value - previous, value
            if delta != 0.0 and start < HOURS_PER_YEAR:
                key = (shape, max(int(start), 0))
                parts[key] = parts.get(key, 0.0) + delta
                total += delta * tails.item(key[1])
        return total

    def shape_kw(self, shape: str) -> np.ndarray:
        """The hourly load booked under ``shape`` alone [kW] (all its start hours)."""
        out = np.zeros(HOURS_PER_YEAR)
        for (name, start), kwh in (self._parts or {}).items():
            if name == shape:
                out[start:] += kwh * profile(shape, self.year)[start:]
        return out

    def hourly_kw(self) -> np.ndarray:
        """The sum of every component [kW]: each (shape, start) part in the order booked, then the
        hourly arrays, hour by hour the same products and sums as ``out[start:] += kwh * profile[start:]``
        part after part. The leading parts of named shapes add up per hour key (``keyed_sum``: between
        two parts' start hours an hour's sum depends only on its key, so each key's sum is made once
        and spread over the hours); the parts from the first other profile on (a fleet's charging) are
        added in compiled passes: four consecutive parts from hour 0 in one (``add_scaled4``), any
        other part alone (``add_scaled``)."""
        out = np.zeros(HOURS_PER_YEAR)
        parts = list((self._parts or {}).items())
        year = self.year
        tables = leading_tables(tuple(shape for (shape, _), _ in parts), year)
        led = len(tables)
        if led:
            keyed_sum(out, hour_keys(year), tables, np.array([kwh for _, kwh in parts[:led]]),
                      np.array([start for (_, start), _ in parts[:led]], dtype=np.int64))
        waiting = []  # parts from hour 0 not yet added: (profile, kWh)
        for (shape, start), kwh in parts[led:]:
            if start == 0:
                waiting.append((profile(shape, year), kwh))
                if len(waiting) == 4:
                    add_scaled4(out, *waiting[0], *waiting[1], *waiting[2], *waiting[3])
                    waiting.clear()
                continue
            for share, earlier_kwh in waiting:  # the waiting parts first: the order booked
                add_scaled(out, share, earlier_kwh, 0)
            waiting.clear()
            add_scaled(out, profile(shape, year), kwh, start)
        for share, kwh in waiting:
            add_scaled(out, share, kwh, 0)
        for kw in self._arrays or ():
            out += kw
        return out


HOUR_KEYS = 12 * 2 * 24  # (month, workday or rest day, hour of day): the hours a named shape tells apart


@lru_cache(maxsize=128)
def hour_keys(year: int) -> np.ndarray:
    """Each hour's key into a profile table (``profile_table``): 48 × (month − 1) + 24 × (rest day) + hour
    of day, 0..575 (read-only, once per process and year)."""
    cal = year_calendar(year)
    keys = ((cal.month - 1) * 48 + np.where(cal.is_workday, 0, 24) + cal.hour_of_day).astype(np.int16)
    keys.setflags(write=False)
    return keys


@lru_cache(maxsize=1024)
def profile_table(shape: str, year: int) -> np.ndarray | None:
    """``profile(shape, year)`` as its value per hour key (``hour_keys``), 576 values [share of the year
    per hour], or None when hours of one key differ (a registered profile such as a fleet's charging).
    A named shape is a workday or rest-day weight of the hour times the month's factor, over the year's
    sum, so hours of one key share one value; ``table[hour_keys(year)]`` is checked to be the profile
    bit for bit."""
    shares, keys = profile(shape, year), hour_keys(year)
    table = np.zeros(HOUR_KEYS)
    table[keys] = shares
    if not np.array_equal(table[keys].view(np.int64), shares.view(np.int64)):
        return None
    table.setflags(write=False)
    return table


@lru_cache(maxsize=128)
def leading_tables(shapes: tuple[str, ...], year: int) -> np.ndarray:
    """The tables (``profile_table``) of the leading ``shapes`` up to the first without one, one row each,
    shape (parts, 576) (read-only; a year's books repeat their shapes run after run)."""
    tables = []
    for shape in shapes:
        table = profile_table(shape, year)
        if table is None:
            break
        tables.append(table)
    out = np.stack(tables) if tables else np.zeros((0, HOUR_KEYS))
    out.setflags(write=False)
    return out


@numba.njit(cache=True)
def keyed_sum(out, keys, tables, kwh, starts):  # pragma: no cover - compiled; exercised through LoadBook.hourly_kw
    """``out[h] = Σ_i tables[i, keys[h]] × kwh[i]`` over the parts ``i`` with ``starts[i]`` ≤ ``h``, added in
    their order from +0.0 (``out`` holds zeros) [kW]: the rounded products and sums of adding each part's
    ``kwh × profile[start:]`` in turn. Between consecutive start hours the parts that count do not change,
    so each key's sum is made once there (576 keys) and read by the hours."""
    bounds = np.unique(np.append(starts, 0))  # the start hours, sorted: each opens a run of hours
    combined = np.empty(tables.shape[1])
    for j in range(bounds.shape[0]):
        lo = bounds[j]
        if lo >= out.shape[0]:
            break
        hi = bounds[j + 1] if j + 1 < bounds.shape[0] else out.shape[0]
        combined[:] = 0.0
        for i in range(tables.shape[0]):
            if starts[i] <= lo:
                for k in range(combined.shape[0]):
                    combined[k] = combined[k] + tables[i, k] * kwh[i]
        for h in range(lo, min(hi, out.shape[0])):
            out[h] = combined[keys[h]]


@numba.njit(cache=True)
def add_scaled(out, profile_share, kwh, start):  # pragma: no cover - compiled; exercised through LoadBook.hourly_kw
    """``out[h] += profile_share[h] * kwh`` for every hour ``h`` from ``start`` on [kW] (in place):
    the rounded product, then the rounded sum, as numpy's two passes give."""
    tail, share = out[start:], profile_share[start:]  # (a loop over slices compiles to vector instructions)
    for h in range(tail.shape[0]):
        tail[h] += share[h] * kwh


@numba.njit(cache=True)
def add_scaled4(out, share1, kwh1, share2, kwh2, share3, kwh3, share4, kwh4):  # pragma: no cover - compiled; exercised through LoadBook.hourly_kw
    """``add_scaled`` of four parts from hour 0, in their order, in one pass over the hours [kW]."""
    for h in range(out.shape[0]):
        out[h] = out[h] + share1[h] * kwh1 + share2[h] * kwh2 + share3[h] * kwh3 + share4[h] * kwh4

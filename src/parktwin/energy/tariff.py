"""Time-of-use tariff as hourly arrays, and the electricity bill."""

from __future__ import annotations

import weakref
from functools import lru_cache

import numba
import numpy as np

from parktwin.energy.calendar import year_calendar
from parktwin.energy.loads import profile
from parktwin.energy.tou import PERIOD_CRITICAL, PERIOD_FLAT, PERIOD_PEAK, PERIOD_VALLEY
from parktwin.spec.park import TouTariff

PERIOD_CODES = {"valley": PERIOD_VALLEY, "flat": PERIOD_FLAT, "peak": PERIOD_PEAK, "critical": PERIOD_CRITICAL}


class IdentityCache:
    """Values kept per object, found by identity: an entry holds its object, so the object's id
    cannot be reused while the entry lives; cleared when ``max_entries`` are kept."""

    def __init__(self, max_entries: int = 256):
        self.entries: dict = {}  # (id(obj), *extra) → (obj, value)
        self.max_entries = max_entries

    def get(self, obj, *extra):
        """The value kept for ``obj`` (the same object) and ``extra``, or None."""
        hit = self.entries.get((id(obj), *extra))
        return hit[1] if hit is not None and hit[0] is obj else None

    def put(self, obj, value, *extra) -> None:
        """Keep ``value`` for ``obj`` and ``extra``."""
        if len(self.entries) >= self.max_entries:
            self.entries.clear()
        self.entries[(id(obj), *extra)] = (obj, value)


_BY_TARIFF = IdentityCache()  # (tariff, year) → (period, price)
_DUMPS = IdentityCache()  # tariff → its JSON: one dump per tariff object (a run asks for each year's arrays once)
_RUNS = IdentityCache()  # a read-only month array → (run starts, run lengths, each run's month is new)


def hourly_tariff(tariff: TouTariff, year: int) -> tuple[np.ndarray, np.ndarray]:
    """(period code per hour [int8], energy price per hour [CNY/kWh]) for ``year``.

    Critical-peak hours apply only in ``critical_months``; in other months they are peak.
    The arrays are read-only and shared: the same tariff object (frozen) and year give the
    same arrays without serialising the tariff again, and a tariff object is serialised once
    for all its years (an entry holds the tariff, so its id cannot be reused while the entry
    lives); an equal tariff (a run's scenario loaded again) finds them by its JSON.
    """
    hit = _BY_TARIFF.get(tariff, year)
    if hit is not None:
        return hit
    dump = _DUMPS.get(tariff)
    if dump is None:
        dump = tariff.model_dump_json()
        _DUMPS.put(tariff, dump)
    arrays = _hourly_tariff(dump, year)
    _BY_TARIFF.put(tariff, arrays, year)
    return arrays


@lru_cache(maxsize=256)
def _hourly_tariff(tariff_json: str, year: int) -> tuple[np.ndarray, np.ndarray]:
    tariff = TouTariff.model_validate_json(tariff_json)
    cal = year_calendar(year)
    by_hour = np.empty(24, dtype=np.int8)
    for name in ("valley", "flat", "peak"):
        by_hour[getattr(tariff, f"{name}_hours")] = PERIOD_CODES[name]
    period = by_hour[cal.hour_of_day]
    if tariff.critical_hours:
        crit_hour = np.zeros(24, dtype=bool)
        crit_hour[tariff.critical_hours] = True
        in_month = np.isin(cal.month, tariff.critical_months)
        period = np.where(crit_hour[cal.hour_of_day] & in_month, np.int8(PERIOD_CODES["critical"]), period)
    prices = np.zeros(4)
    for name, code in PERIOD_CODES.items():
        prices[code] = tariff.price_cny_per_kwh.get(name, 0.0)
    price = prices[period]
    period.setflags(write=False)
    price.setflags(write=False)
    return period, price


_SHAPE_PRICES: dict[tuple[int, int], tuple[weakref.ref, weakref.ref, float]] = {}  # ids of (price, profile) → (weak refs to both, CNY/kWh)
_SHAPE_PRICES_MAX = 4096


def shape_price_cny_per_kwh(price_cny_per_kwh: np.ndarray, shape: str, year: int) -> float:
    """The hourly energy price [CNY/kWh] averaged over ``shape``'s profile in ``year`` (both shared,
    read-only arrays: ``energy.tariff.hourly_tariff`` and ``energy.loads.profile``), computed once per
    process and pair of arrays. The entry refers to the arrays weakly (it keeps no year's arrays alive
    once their own caches drop them) and matches only while both are alive and the same objects; bounded.
    What firms' decisions (``kernel.context``), buildings' retrofits and fleets' depot charging weigh."""
    weights = profile(shape, year)
    key = (id(price_cny_per_kwh), id(weights))
    hit = _SHAPE_PRICES.get(key)
    if hit is not None and hit[0]() is price_cny_per_kwh and hit[1]() is weights:
        return hit[2]
    if len(_SHAPE_PRICES) >= _SHAPE_PRICES_MAX:
        _SHAPE_PRICES.clear()
    value = float(price_cny_per_kwh @ weights)
    _SHAPE_PRICES[key] = (weakref.ref(price_cny_per_kwh), weakref.ref(weights), value)
    return value


def month_runs(month_of_hour: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """(first hour of each run of equal months, run lengths, True if no month has two runs).

    A read-only array that owns its data (a calendar's ``month``, cached per year) is looked up by
    identity, so a year's runs are found once per process; any other array is scanned each call.
    """
    month = np.asarray(month_of_hour)
    hit = _RUNS.get(month)
    if hit is not None:
        return hit
    starts = np.flatnonzero(np.r_[True, month[1:] != month[:-1]]) if len(month) else np.zeros(0, dtype=np.intp)
    lengths = np.diff(np.r_[starts, len(month)])
    unique = len(np.unique(month[starts])) == len(starts)
    if not month.flags.writeable and month.base is None:  # read-only and owning its data: it cannot change
        _RUNS.put(month, (starts, lengths, unique))
    return starts, lengths, unique


def monthly_peak_kw(import_kw: np.ndarray, year: int) -> np.ndarray:
    """Highest hourly import in each month [kW], shape (12,)."""
    starts, _, _ = month_runs(year_calendar(year).month)  # hours run in calendar order: each month is one block
    return np.maximum.reduceat(np.asarray(import_kw, dtype=float), starts)


def month_peak_ceiling_kw(net_kw: np.ndarray, month_of_hour: np.ndarray, import_limit_kw: float | np.ndarray | None = None) -> np.ndarray:
    """Per hour, the highest net load of its month [kW], capped by the import limit (None: no cap).

    A store or battery charging from the grid keeps its grid draw under this ceiling, so it never
    raises the month's peak import (the demand charge is billed on it, ``electricity_bill_cny``) nor
    crosses the limit. ``net_kw``: the grid import the load needs without the charging (load − on-site
    generation, ≥ 0); ``month_of_hour``: 1..12 per hour (energy.calendar ``year_calendar(year).month``).
    """
    net = np.asarray(net_kw, dtype=float)
    month = np.asarray(month_of_hour)
    # the highest of each run of equal months (a calendar's months are one run each), then of each
    # month over its runs: the same maxima as ``np.maximum.at`` over every hour, ~10× faster
    starts, lengths, unique = month_runs(month)
    if unique:  # one run per month (a calendar): each run's maximum (at least 0), repeated over its hours
        ceiling = np.repeat(np.maximum(np.zeros(len(starts)), np.maximum.reduceat(net, starts)) if len(starts) else np.zeros(0), lengths)
    else:
        highest = np.zeros(13)
        np.maximum.at(highest, month[starts], np.maximum.reduceat(net, starts))
        ceiling = highest[month]
    return ceiling if import_limit_kw is None else np.minimum(ceiling, import_limit_kw)


def net_load_ceiling_kw(load_kw: np.ndarray, onsite_kw: np.ndarray, month_of_hour: np.ndarray) -> np.ndarray:
    """``month_peak_ceiling_kw(np.maximum(load_kw - onsite_kw, 0.0), month_of_hour)`` [kW], the same
    values to the bit, in one compiled pass over the hours when each month is one run of hours (a
    calendar's months): no net-load array, no pass to clip it, find each month's highest and spread it.
    (A NaN input or ∞ − ∞, which the dispatch refuses, gives NaN in its month, its sign bit aside.)"""
    load, onsite = np.asarray(load_kw, dtype=float), np.asarray(onsite_kw, dtype=float)
    starts, lengths, unique = month_runs(np.asarray(month_of_hour))
    if not unique or load.ndim != 1 or load.shape != onsite.shape or not len(starts):
        return month_peak_ceiling_kw(np.maximum(load - onsite, 0.0), month_of_hour)
    return _net_load_ceiling(load, onsite, starts, lengths)


@numba.njit(cache=True)
def _net_load_ceiling(load, onsite, starts, lengths):  # pragma: no cover - compiled; exercised through net_load_ceiling_kw
    """Each run's highest ``load − onsite``, at least +0.0, over the run's hours. The clipped net load
    holds no −0.0 (numpy's maximum of a zero and 0.0 is 0.0), so a run's highest starts at +0.0 and
    is replaced only by a larger value; a NaN, once met, stays (numpy's maximum carries it)."""
    out = np.empty(load.shape[0])
    for r in range(starts.shape[0]):
        first, last = starts[r], starts[r] + lengths[r]
        top = 0.0
        for h in range(first, last):
            v = load[h] - onsite[h]
            if v > top or (v != v and top == top):
                top = v
        for h in range(first, last):
            out[h] = top
    return out


def electricity_bill_cny(
    import_kw: np.ndarray,
    export_kw: np.ndarray,
    price_cny_per_kwh: np.ndarray,
    tariff: TouTariff,
    feed_in_price_cny_per_kwh: float,
    year: int,
    export_kwh: float | None = None,
    peaks_kw: np.ndarray | None = None,
) -> dict[str, float]:
    """Energy charge, demand charge (monthly peak × rate) and export revenue for one year [CNY];
    ``export_kwh``: Σ ``export_kw`` when the caller has summed it already [kWh]; ``peaks_kw``:
    ``monthly_peak_kw(import_kw, year)`` when the caller has it already [kW]."""
    energy = float(import_kw @ price_cny_per_kwh)
    peaks_kw = monthly_peak_kw(import_kw, year) if peaks_kw is None else peaks_kw
    demand = float(peaks_kw.sum() * tariff.demand_charge_cny_per_kw_month)
    revenue = (float(export_kw.sum()) if export_kwh is None else export_kwh) * feed_in_price_cny_per_kwh
    return {
        "energy_charge_cny": energy,
        "demand_charge_cny": demand,
        "export_revenue_cny": revenue,
        "electricity_cost_cny": energy + demand - revenue,
    }

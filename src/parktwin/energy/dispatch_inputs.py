"""Input checks of the hourly dispatch and sizing: arrays and limits of real numbers, and the
battery's parameters, each failure a ``ValueError`` naming the input and what it must be.

The checks take one pass (min/max) over an array that passes and only on a failure the detailed
checks that name the problem (energy/dispatch.py and energy/sizing.py call them on every year);
``values=False`` leaves the values to a caller's hourly loop that checks them as it reads them.
"""

from __future__ import annotations

import math
import weakref
from functools import lru_cache
from typing import TYPE_CHECKING

import numba
import numpy as np

from parktwin.energy.calendar import HOURS_PER_YEAR

if TYPE_CHECKING:
    from parktwin.energy.dispatch import BatteryParams


def check_battery_params(params: BatteryParams) -> None:
    for name in ("charge_efficiency", "discharge_efficiency"):
        v = getattr(params, name)
        if not isinstance(v, (int, float, np.integer, np.floating)) or not (0.0 < v <= 1.0):
            raise ValueError(f"params.{name} must be a number in (0, 1], got {v!r}")
    lo, hi = params.soc_min_share, params.soc_max_share
    for name, v in (("soc_min_share", lo), ("soc_max_share", hi)):
        if not isinstance(v, (int, float, np.integer, np.floating)) or not (0.0 <= v <= 1.0):
            raise ValueError(f"params.{name} must be a number in [0, 1], got {v!r}")
    if not lo < hi:
        raise ValueError(
            f"params.soc_min_share must be < params.soc_max_share, got {lo!r} >= {hi!r}"
        )
    if not isinstance(params.grid_charging, (bool, np.bool_)):
        raise ValueError(f"params.grid_charging must be a bool, got {params.grid_charging!r}")
    r = params.reserve_share
    if not isinstance(r, (int, float, np.integer, np.floating)) or not (0.0 <= r < hi):
        raise ValueError(f"params.reserve_share must be a number in [0, soc_max_share), got {r!r}")


def float_array(name: str, x, n: int | None, values: bool = True) -> np.ndarray:
    """``x`` as a float64 array of ``n`` hours (any number of at least 1 when ``n`` is None), checked:
    finite and >= 0 unless ``values`` is False (the caller's hourly loop checks them)."""
    try:
        a = np.ascontiguousarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of real numbers: {exc}") from None
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {a.shape}")
    if n is None and a.shape[0] == 0:
        raise ValueError(f"{name} must have at least one hour, got shape {a.shape}")
    if n is not None and a.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) like load_kw, got {a.shape}")
    if not values or (a.shape[0] and a.min() >= 0.0 and a.max() < np.inf):  # one pass each, no temporary arrays (NaN fails both)
        return a
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite (no NaN/inf)")
    if (a < 0.0).any():
        raise ValueError(f"{name} must be >= 0, got min {a.min()!r}")
    return a


def limit_value(name: str, x, allow_inf: bool) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {x!r}") from None
    if not v >= 0.0 or (not allow_inf and not math.isfinite(v)):
        what = ">= 0 (inf allowed)" if allow_inf else "finite and >= 0"
        raise ValueError(f"{name} must be {what}, got {x!r}")
    return v


def limit_array(name: str, x, n: int) -> np.ndarray:
    """A limit given as one number or per hour, as a float64 array of shape (n,); inf allowed."""
    return hourly_limit(limit_input(name, x, n), n)


def hourly_limit(limit: float | np.ndarray, n: int) -> np.ndarray:
    """A checked limit (``limit_input``) as a float64 array of ``n`` hours, for readers only: a number
    as the shared read-only array of it (``constant_hours``), an array as it is."""
    return constant_hours(n, limit) if isinstance(limit, float) else limit


def constant_hours(n: int, value: float) -> np.ndarray:
    """``value`` in each of ``n`` hours: one shared read-only array per (n, value) (the yearly dispatch
    spreads the same few limits every year; a −0.0 is its own value)."""
    return _constant_hours(n, value.hex() if isinstance(value, float) else float(value).hex())


_SHARED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
"""The shared read-only arrays alive, by key (``("zeros", shape)`` or ``(n, value_hex)``): the caches
below hold them; these weak references let ``is_shared_zeros``/``is_constant_hours`` recognise one
without creating (and caching, so evicting a used one) an array for any shape or value asked."""


@lru_cache(maxsize=32)
def _constant_hours(n: int, value_hex: str) -> np.ndarray:
    out = np.full(n, float.fromhex(value_hex))
    out.flags.writeable = False
    _SHARED[(n, value_hex)] = out
    return out


def is_constant_hours(a: np.ndarray) -> bool:
    """Whether ``a`` is a shared array of one value (``constant_hours``), asked without creating one."""
    return a.ndim == 1 and a.shape[0] > 0 and _SHARED.get((a.shape[0], float(a[0]).hex())) is a


def output_kw(capacity: np.ndarray, per_unit: np.ndarray) -> np.ndarray:
    """Hourly output [kW]: ``capacity`` (per hour) × ``per_unit`` (output per unit of capacity, per hour); a
    capacity with one value all year (``constant_hours``) multiplies as that number: the same products,
    without reading its array."""
    return float(capacity[0]) * per_unit if is_constant_hours(capacity) else capacity * per_unit


def outage_mask(outages: list[tuple[float, float]], year_start: int) -> np.ndarray:
    """Hours of the year touched by an outage (a partly affected hour counts as down); a year no outage
    touches: the shared read-only ``no_outage_hours``."""
    mask = no_outage_hours()
    for start, end in outages:
        lo, hi = int(np.floor(start - year_start)), int(np.ceil(end - year_start))
        if hi > 0 and lo < HOURS_PER_YEAR:
            mask = mask.copy() if mask is no_outage_hours() else mask
            mask[max(lo, 0):min(hi, HOURS_PER_YEAR)] = True
    return mask


@lru_cache(maxsize=1)
def no_outage_hours() -> np.ndarray:
    """A year's hours, none down (bool, read-only; one array for the process)."""
    out = np.zeros(HOURS_PER_YEAR, dtype=bool)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=8)
def zeros_read_only(shape: tuple) -> np.ndarray:
    """Zeros (+0.0) of ``shape`` [kW] (hours, or bands × hours), read-only: one shared array per shape for
    the process, for every flow that did not run (no battery, no store, no CHP; ``dispatch.total_kwh``
    sums it without a pass)."""
    out = np.zeros(shape)
    out.flags.writeable = False
    _SHARED[("zeros", out.shape)] = out
    return out


def is_shared_zeros(a: np.ndarray) -> bool:
    """Whether ``a`` is the shared read-only zeros of its shape (``zeros_read_only``), asked without creating them."""
    return _SHARED.get(("zeros", a.shape)) is a


def zeros_known(a: np.ndarray) -> bool | None:
    """``not a.any()`` when it is known without a pass: True for the shared read-only arrays of +0.0
    (``zeros_read_only``, ``constant_hours(n, 0.0)``: a year's flows that did not run, an asset with no
    capacity all year), False for an array whose first or last value is not a zero (a capacity at work all
    year, a flow in the last hour; a NaN is not a zero, for ``any`` too); None when only a pass can tell."""
    if is_shared_zeros(a) or (a.ndim == 1 and _SHARED.get((a.shape[0], (0.0).hex())) is a):
        return True
    if a.ndim == 1 and a.shape[0] and (a[-1] != 0.0 or a[0] != 0.0):
        return False
    return None


def holds_only_zeros(a: np.ndarray) -> bool:
    """``not a.any()``, without a pass when ``zeros_known`` can tell."""
    known = zeros_known(a)
    return not a.any() if known is None else known


def clipped_sum_kw(a_kw: np.ndarray, b_kw: np.ndarray) -> np.ndarray:
    """``np.maximum(a_kw + b_kw, 0.0)`` [kW] in one compiled pass (no array for the sum before the
    clip): the same values to the bit — numpy's maximum gives +0.0 for a zero of either sign and keeps
    a NaN. Float64 arrays of one shape (1-D); anything else takes numpy's two passes."""
    if (isinstance(a_kw, np.ndarray) and isinstance(b_kw, np.ndarray) and a_kw.ndim == 1 and a_kw.shape == b_kw.shape
            and a_kw.dtype == b_kw.dtype == np.float64):
        return _clipped_sum(a_kw, b_kw)
    return np.maximum(np.add(a_kw, b_kw), 0.0)


@numba.njit(cache=True)
def _clipped_sum(a, b):  # pragma: no cover - compiled; exercised through clipped_sum_kw
    out = np.empty(a.shape[0])
    for h in range(a.shape[0]):
        v = a[h] + b[h]
        out[h] = v if v > 0.0 or v != v else 0.0
    return out


def changed_kw(a_kw: np.ndarray, b_kw: np.ndarray) -> np.ndarray:
    """``a_kw`` if ``b_kw`` holds only zeros (``holds_only_zeros``), else ``clipped_sum_kw(a_kw, b_kw)`` [kW]: a
    demand and its change. When neither the shared arrays nor the change's first and last hours tell, the
    look for a nonzero hour rides along the compiled sum's pass (its array dropped if none is found)."""
    known = zeros_known(b_kw)
    if known:
        return a_kw
    if known is None and (isinstance(a_kw, np.ndarray) and a_kw.ndim == 1 and a_kw.shape == b_kw.shape
                          and a_kw.dtype == b_kw.dtype == np.float64):
        out, changed = _clipped_sum_seen(a_kw, b_kw)
        return out if changed else a_kw
    return a_kw if known is None and not b_kw.any() else clipped_sum_kw(a_kw, b_kw)


@numba.njit(cache=True)
def _clipped_sum_seen(a, b):  # pragma: no cover - compiled; exercised through changed_kw
    """``_clipped_sum`` and whether ``b`` has a nonzero hour (a NaN is one; a zero of either sign is not)."""
    out = np.empty(a.shape[0])
    seen = False
    for h in range(a.shape[0]):
        v = a[h] + b[h]
        out[h] = v if v > 0.0 or v != v else 0.0
        seen |= b[h] != 0.0
    return out, seen


def limit_input(name: str, x, n: int, values: bool = True) -> float | np.ndarray:
    """A limit given as one number or per hour, checked: the number as a float, or a float64 array
    of shape (n,); inf allowed; an array's values unless ``values`` is False (the caller's hourly loop
    checks them). (``limit_array`` spreads the number over the hours.)"""
    if isinstance(x, float) or np.ndim(x) == 0:  # (a Python float asked first: ``np.ndim`` makes an array of it)
        return limit_value(name, x, allow_inf=True)
    a = np.ascontiguousarray(x, dtype=np.float64)
    if a.shape != (n,):
        raise ValueError(f"{name} must be a number or have shape ({n},) like load_kw, got {a.shape}")
    if not values or (n and a.min() >= 0.0):  # (NaN fails it)
        return a
    if np.isnan(a).any() or (a < 0.0).any():
        raise ValueError(f"{name} must be >= 0 every hour (inf allowed)")
    return a

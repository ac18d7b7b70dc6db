"""Time-of-use periods: the codes of the hours' tariff periods (valley, flat, peak, critical) and the
mapping from each hour of the day to its period (the dispatch reads the codes, energy.tariff prices them)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

PERIOD_VALLEY, PERIOD_FLAT, PERIOD_PEAK, PERIOD_CRITICAL = 0, 1, 2, 3
N_PERIODS = 4


def _hour_set(name: str, hours: Iterable[int]) -> list[int]:
    try:
        hs = [int(h) for h in hours]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an iterable of integer hours 0..23") from None
    bad = [h for h in hs if not 0 <= h <= 23]
    if bad:
        raise ValueError(f"{name} must contain hours 0..23, got {bad}")
    return hs


def tou_period_codes(
    hour_of_day: np.ndarray,
    peak_hours: Iterable[int],
    flat_hours: Iterable[int],
    valley_hours: Iterable[int],
    critical_hours: Iterable[int] = (),
) -> np.ndarray:
    """Map each hour of the year to its TOU period code.

    Parameters
    ----------
    hour_of_day : np.ndarray
        Integer hour of day per time step, values 0..23 [h].
    peak_hours, flat_hours, valley_hours, critical_hours : iterable of int
        Hours of day (0..23) of each period; together they must cover each of
        the 24 hours exactly once (critical hours are not also peak hours).

    Returns
    -------
    np.ndarray
        int8 array shaped like ``hour_of_day`` with codes ``PERIOD_*`` (0..3).

    Raises
    ------
    ValueError
        If the hour sets do not partition 0..23 or ``hour_of_day`` is invalid.
    """
    table = np.full(24, -1, dtype=np.int8)
    count = np.zeros(24, dtype=np.int64)
    for name, hours, code in (
        ("peak_hours", peak_hours, PERIOD_PEAK),
        ("flat_hours", flat_hours, PERIOD_FLAT),
        ("valley_hours", valley_hours, PERIOD_VALLEY),
        ("critical_hours", critical_hours, PERIOD_CRITICAL),
    ):
        for h in _hour_set(name, hours):
            table[h] = code
            count[h] += 1
    if (count != 1).any():
        missing = np.flatnonzero(count == 0).tolist()
        twice = np.flatnonzero(count > 1).tolist()
        raise ValueError(
            "peak/flat/valley/critical hours must cover each hour 0..23 exactly once; "
            f"missing {missing}, repeated {twice}"
        )
    hod = np.asarray(hour_of_day)
    if hod.dtype.kind not in "iu":
        raise ValueError(f"hour_of_day must be an integer array, got dtype {hod.dtype}")
    if hod.size and ((hod < 0) | (hod > 23)).any():
        raise ValueError("hour_of_day values must be in 0..23")
    return table[hod]

"""The Erbs decomposition of hourly GHI into DNI and DHI: ``pvlib.irradiance.erbs`` step for step
(the same numbers), its clearness index and split as ``numba.njit`` passes, its diffuse-fraction
polynomial only where it applies. ``energy.weather`` splits its synthetic years' irradiance with it.

Its one-hour compiled helpers (``hour_clearness_index``, ``beam_and_diffuse``, ``polynomial_share_of``)
are also compiled into ``energy.solar``'s cached kernels. numba's cache checks only the file of the
kernel it loads: after changing one of them, delete ``energy/__pycache__`` (or save solar.py again),
else solar's kernels keep the old helper (its bit-for-bit tests would then fail)."""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import pvlib

ERBS_MIN_COS_ZENITH = 0.065
"""Floor of cos(zenith) in the Erbs clearness index [-] (``pvlib.irradiance.erbs``'s default)."""
ERBS_MAX_ZENITH_DEG = 87.0
"""Zenith above which the Erbs split gives DNI = 0 [deg] (``pvlib.irradiance.erbs``'s default)."""


@dataclass(frozen=True, eq=False)
class ErbsGeometry:
    """What the Erbs split needs of the sun in some hours, shape (hours,), read-only: cos(zenith) [-],
    the extraterrestrial irradiance on the horizontal ``dni_extra × max(cos z, min_cos_zenith)``
    (``I0h`` of ``pvlib.irradiance.clearness_index``) [W/m²] and whether the zenith is beyond the cut-off."""

    cos_zenith: np.ndarray
    horizontal_extra_w_per_m2: np.ndarray
    beyond_cutoff: np.ndarray


def erbs_geometry(zenith_deg: np.ndarray, day_of_year: np.ndarray, min_cos_zenith: float = ERBS_MIN_COS_ZENITH,
                  max_zenith_deg: float = ERBS_MAX_ZENITH_DEG) -> ErbsGeometry:
    """The sun's part of ``pvlib.irradiance.erbs`` (extraterrestrial DNI by day of year, cos z, I0h):
    the same for every year of a site, so ``energy.weather.lit_erbs_geometry`` computes it once per site."""
    dni_extra = pvlib.irradiance.get_extra_radiation(day_of_year)
    cos_zenith = pvlib.tools.cosd(zenith_deg)
    fields = (cos_zenith, dni_extra * np.maximum(cos_zenith, min_cos_zenith), np.asarray(zenith_deg) > max_zenith_deg)
    for shared in fields:
        shared.setflags(write=False)
    return ErbsGeometry(*fields)


def erbs_split(ghi: np.ndarray, zenith_deg: np.ndarray, day_of_year: np.ndarray, min_cos_zenith: float = ERBS_MIN_COS_ZENITH,
               max_zenith_deg: float = ERBS_MAX_ZENITH_DEG) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI [W/m²] from GHI [W/m²] by the Erbs model: ``pvlib.irradiance.erbs`` step for step
    (the same numbers; tests/test_solar.py compares them), see :func:`erbs_from_geometry`."""
    return erbs_from_geometry(ghi, erbs_geometry(zenith_deg, day_of_year, min_cos_zenith, max_zenith_deg))


def erbs_from_geometry(ghi: np.ndarray, geometry: ErbsGeometry) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI [W/m²] from GHI [W/m²] (shape (..., hours)) and the sun's ``geometry`` in those hours:
    ``pvlib.irradiance.erbs`` step for step (the same operations in the same order, so the same
    numbers), except that its fourth-degree diffuse-fraction polynomial is evaluated only where it
    applies (0.22 < kt ≤ 0.8) rather than on every hour and then discarded: ``erbs`` took ~9 ms of a
    26-year run, most of it in that polynomial's powers. The clearness index (as
    ``pvlib.irradiance.clearness_index``, max 1, with the geometry's I0h) and the split around the
    polynomial are one ``numba.njit`` pass each; of the polynomial, the powers are numpy's
    (``polynomial_powers``), the rest compiled (``polynomial_share_of``): pvlib's numbers."""
    hours = ghi.shape[-1]
    flat = np.ascontiguousarray(ghi, dtype=float).reshape(-1, hours)
    kt, k = _clearness_index(flat, geometry.horizontal_extra_w_per_m2)
    dni, dhi = erbs_split_at(flat, kt, k, geometry)
    return dni.reshape(ghi.shape), dhi.reshape(ghi.shape)


def erbs_split_at(ghi: np.ndarray, kt: np.ndarray, mid_kt: np.ndarray, geometry: ErbsGeometry) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI (n, hours) [W/m²] from GHI, its clearness index ``kt`` and the values of ``kt`` in
    (0.22, 0.8] in row-major order (``_clearness_index``): pvlib's diffuse-fraction polynomial on those
    (``polynomial_powers`` then ``polynomial_share_of``, the same numbers as pvlib's numpy expression)."""
    kt3, kt4 = polynomial_powers(mid_kt)
    return _erbs_split_kernel(ghi, kt, kt3, kt4, geometry.cos_zenith, geometry.beyond_cutoff)


def polynomial_powers(mid_kt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``kt**3`` and ``kt**4`` of Erbs' diffuse-fraction polynomial (where it applies, 0.22 < kt ≤ 0.8;
    ``pvlib.irradiance.erbs``: ``0.9511 - 0.1604 kt + 4.388 kt**2 - 16.638 kt**3 + 12.336 kt**4``), as numpy computes them (the expression's
    only steps whose last bits a compiled loop would not reproduce: numpy's ``power`` may be a
    vectorised library routine, not the C library's ``pow``; each element's power is the same wherever
    it stands in a contiguous array); ``polynomial_share_of`` does the rest."""
    return mid_kt**3, mid_kt**4


@numba.njit(cache=True)
def polynomial_share_of(kt, kt3, kt4):
    """Erbs' diffuse fraction [-] of one ``kt`` in the polynomial's range given its ``kt**3`` and ``kt**4``
    from :func:`polynomial_powers`: pvlib's numpy expression's other steps in its order (``kt**2`` is
    numpy's ``square``, ``kt × kt``), so the same number (tests/test_solar.py compares them)."""
    return 0.9511 - 0.1604 * kt + 4.388 * (kt * kt) - 16.638 * kt3 + 12.336 * kt4


@numba.njit(cache=True, error_model="numpy")
def hour_clearness_index(ghi, horizontal_extra):
    """One hour's clearness index ``min(max(GHI / I0h, 0), 1)`` [-] (``pvlib.irradiance.clearness_index``, max 1)."""
    return min(max(ghi / horizontal_extra, 0.0), 1.0)


@numba.njit(cache=True)
def in_polynomial_range(kt):
    """Whether Erbs' diffuse fraction is its polynomial at clearness index ``kt`` (0.22 < kt ≤ 0.8)."""
    return (kt > 0.22) & (kt <= 0.8)


@numba.njit(cache=True, error_model="numpy")
def beam_and_diffuse(ghi, kt, mid_share, cos_zenith, beyond_cutoff):
    """One hour's Erbs DNI and DHI [W/m²] from its GHI [W/m²] and clearness index ``kt`` [-]: diffuse
    share ``1 - 0.09 kt`` (kt ≤ 0.22), ``mid_share`` (the polynomial's value, read only in its range)
    or 0.165 (kt > 0.8); DHI = share × GHI, DNI = (GHI - DHI) / cos z; where DNI < 0, the zenith is
    beyond the cut-off or GHI < 0, DNI = 0 and DHI = GHI. Written as selections, not branches (an
    hour's kt is as good as random: mispredicted branches cost more than the arithmetic)."""
    share = mid_share if in_polynomial_range(kt) else (0.165 if kt > 0.8 else 1 - 0.09 * kt)
    diffuse = share * ghi
    beam = (ghi - diffuse) / cos_zenith
    split = not ((beam < 0) | beyond_cutoff | (ghi < 0))
    return (beam if split else 0.0), (diffuse if split else ghi)


@numba.njit(cache=True)
def _clearness_index(ghi, horizontal_extra):
    """Clearness index ``min(max(GHI / I0h, 0), 1)`` (n, hours) [-], and its values in (0.22, 0.8] in
    row-major order (where Erbs' polynomial applies)."""
    n, hours = ghi.shape
    kt = np.empty((n, hours))
    mid = np.empty(n * hours)
    m = 0
    for i in range(n):
        for j in range(hours):
            x = hour_clearness_index(ghi[i, j], horizontal_extra[j])
            kt[i, j] = x
            if in_polynomial_range(x):
                mid[m] = x
                m += 1
    return kt, mid[:m].copy()


@numba.njit(cache=True)
def lit_ghi_and_clearness_index(clearness, day_hours, lit_ghi, horizontal_extra):
    """The lit hours' GHI (n_years, hours) [W/m²], each the day's clearness × the hour's clear-sky GHI
    (``day_hours``: how many lit hours each day has), with its clearness index and the values in the
    polynomial's range as ``_clearness_index`` makes them, in the same pass: GHI as ``np.repeat`` of the
    days then × ``lit_ghi`` makes it, without that copy."""
    n = clearness.shape[0]
    hours = lit_ghi.shape[0]
    ghi = np.empty((n, hours))
    kt = np.empty((n, hours))
    mid = np.empty(n * hours)
    m = 0
    for i in range(n):
        j = 0
        for day in range(day_hours.shape[0]):
            c = clearness[i, day]
            for _ in range(day_hours[day]):
                g = c * lit_ghi[j]
                ghi[i, j] = g
                x = hour_clearness_index(g, horizontal_extra[j])
                kt[i, j] = x
                if in_polynomial_range(x):
                    mid[m] = x
                    m += 1
                j += 1
    return ghi, kt, mid[:m].copy()


@numba.njit(cache=True)
def _erbs_split_kernel(ghi, kt, kt3, kt4, cos_zenith, beyond_cutoff):
    """Erbs' DNI and DHI (n, hours) [W/m²] hour by hour (``beam_and_diffuse``), the polynomial's
    powers ``kt3``, ``kt4`` read in row-major order where it applies (``polynomial_share_of``)."""
    n, hours = ghi.shape
    dni = np.empty((n, hours))
    dhi = np.empty((n, hours))
    m = 0
    for i in range(n):
        for j in range(hours):
            x = kt[i, j]
            share = 0.0
            if in_polynomial_range(x):
                share = polynomial_share_of(x, kt3[m], kt4[m])
                m += 1
            dni[i, j], dhi[i, j] = beam_and_diffuse(ghi[i, j], x, share, cos_zenith[j], beyond_cutoff[j])
    return dni, dhi

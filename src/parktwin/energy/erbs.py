"""The Erbs decomposition of hourly GHI into DNI and DHI: ``pvlib.irradiance.erbs`` step for step
(the same numbers), its clearness index and split as ``numba.njit`` passes, its diffuse-fraction
polynomial only where it applies. ``energy.weather`` splits its synthetic years' irradiance with it."""

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
    polynomial are one ``numba.njit`` pass each; the polynomial stays pvlib's numpy expression."""
    hours = ghi.shape[-1]
    flat = np.ascontiguousarray(ghi, dtype=float).reshape(-1, hours)
    kt, k = _clearness_index(flat, geometry.horizontal_extra_w_per_m2)
    dni, dhi = erbs_split_at(flat, kt, k, geometry)
    return dni.reshape(ghi.shape), dhi.reshape(ghi.shape)


def erbs_split_at(ghi: np.ndarray, kt: np.ndarray, mid_kt: np.ndarray, geometry: ErbsGeometry) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI (n, hours) [W/m²] from GHI, its clearness index ``kt`` and the values of ``kt`` in
    (0.22, 0.8] in row-major order (``_clearness_index``): pvlib's diffuse-fraction polynomial on those."""
    mid_share = 0.9511 - 0.1604 * mid_kt + 4.388 * mid_kt**2 - 16.638 * mid_kt**3 + 12.336 * mid_kt**4  # 0.22 < kt ≤ 0.8
    return _erbs_split_kernel(ghi, kt, mid_share, geometry.cos_zenith, geometry.beyond_cutoff)


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
            x = min(max(ghi[i, j] / horizontal_extra[j], 0.0), 1.0)
            kt[i, j] = x
            if x > 0.22 and x <= 0.8:
                mid[m] = x
                m += 1
    return kt, mid[:m].copy()


@numba.njit(cache=True)
def lit_ghi_and_clearness_index(clearness, day_hours, lit_ghi, horizontal_extra):
    """The lit hours' GHI (n_years, hours) [W/m²], each the day's clearness × the hour's clear-sky GHI
    (``day_hours``: how many lit hours each day has), with its ``_clearness_index`` in the same pass: GHI as ``np.repeat`` of the days then × ``lit_ghi`` makes it, without that copy.
    The clearness lines repeat ``_clearness_index``'s on purpose: a shared compiled helper for them made
    that pass ~1.3-1.6× slower when measured."""
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
                x = min(max(g / horizontal_extra[j], 0.0), 1.0)
                kt[i, j] = x
                if x > 0.22 and x <= 0.8:
                    mid[m] = x
                    m += 1
                j += 1
    return ghi, kt, mid[:m].copy()


@numba.njit(cache=True)
def _erbs_split_kernel(ghi, kt, mid_share, cos_zenith, beyond_cutoff):
    """Erbs' DNI and DHI (n, hours) [W/m²]: diffuse share ``1 - 0.09 kt`` (kt ≤ 0.22), the polynomial's
    ``mid_share`` (in row-major order) or 0.165 (kt > 0.8); DHI = share × GHI, DNI = (GHI - DHI) / cos z;
    where DNI < 0, the zenith is beyond the cut-off or GHI < 0, DNI = 0 and DHI = GHI."""
    n, hours = ghi.shape
    dni = np.empty((n, hours))
    dhi = np.empty((n, hours))
    m = 0
    for i in range(n):
        for j in range(hours):
            x = kt[i, j]
            if x > 0.22 and x <= 0.8:
                share = mid_share[m]
                m += 1
            elif x > 0.8:
                share = 0.165
            else:
                share = 1 - 0.09 * x
            g = ghi[i, j]
            diffuse = share * g
            beam = (g - diffuse) / cos_zenith[j]
            if beam < 0 or beyond_cutoff[j] or g < 0:
                beam = 0.0
                diffuse = g
            dni[i, j] = beam
            dhi[i, j] = diffuse
    return dni, dhi

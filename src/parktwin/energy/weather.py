"""Synthetic hourly weather for a site: clear-sky geometry plus seeded clouds and air temperature.

Conventions
-----------
* A year is 8760 hours (29 February dropped); hour ``h`` of the year is the
  interval ``[h, h+1)`` in local *standard* time of ``Site.timezone`` (no DST),
  and hourly values are interval means. Solar position and clear-sky
  irradiance are evaluated at the half-hour centre (centre-point
  approximation of the hourly mean).
* The geometry uses the fixed non-leap reference year ``REFERENCE_YEAR`` and is
  reused for every simulated year. The drift of the sun's position for the
  same calendar hour between years is below ~0.3 deg (leap-cycle shift of the
  declination), negligible against the cloud model.
* The clear-sky geometry is deterministic and cached per ``Site``
  (``functools.lru_cache``); everything random comes only from the ``rng``
  argument of :func:`weather_years`.

Cloud model
-----------
Per day a clearness ratio ``k_d`` = day's GHI / clear-sky day's GHI in (0, 1]:
a stationary Gaussian AR(1) (coefficient ``persistence``) is mapped through the
normal CDF onto a Beta distribution (concentration ``BETA_CONCENTRATION``)
whose mean is target / clear-sky annual GHI (``scipy.stats.beta.ppf`` tabulated
once per site, then interpolated); each year is then calibrated
*exactly* (piecewise-linear solve, see :func:`_calibrate_clearness`) so that its
annual GHI equals ``Site.annual_ghi_kwh_per_m2`` with clipping at 1.0 (the
residual is float rounding, ~1e-13 relative). Hourly GHI = ``k_d`` x clear-sky
GHI (no intra-day noise); DNI/DHI come from the Erbs decomposition.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numba
import numpy as np
import pandas as pd
import pvlib
from scipy import special, stats

from parktwin.energy.erbs import ERBS_MAX_ZENITH_DEG, ErbsGeometry, erbs_geometry, erbs_split_at, lit_ghi_and_clearness_index

HOURS_PER_YEAR = 8760
DAYS_PER_YEAR = 365
REFERENCE_YEAR = 2025
BETA_CONCENTRATION = 4.0
"""a + b of the daily-clearness Beta law; std = sqrt(m (1 - m) / (a + b + 1)) ~ 0.2."""
TEMP_ANOMALY_STD_C = 2.0
"""Stationary std of the day-to-day air-temperature anomaly [°C]."""
TEMP_ANOMALY_PERSISTENCE = 0.7
"""Lag-1 (daily) AR(1) coefficient of the air-temperature anomaly [-]."""
COLDEST_DAY_INDEX = 15
"""Day index (0 = 1 Jan) of the annual temperature minimum (mid-January)."""
DIURNAL_MIN_HOUR = 5.0
DIURNAL_MAX_HOUR = 14.0
CLEARNESS_FLOOR = 1e-4
"""Lower bound of the raw Beta draw, avoids k_d = 0 from ppf underflow."""


@dataclass(frozen=True)
class Site:
    """A park location and its long-term climate (hashable; the cache key of :func:`clear_sky`)."""

    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    timezone: str
    annual_ghi_kwh_per_m2: float
    mean_temp_c: float = 16.0
    temp_annual_amplitude_c: float = 12.0
    temp_diurnal_amplitude_c: float = 4.0


@dataclass(frozen=True, eq=False)
class ClearSky:
    """Deterministic clear-sky geometry of one reference year; all hourly arrays shape (8760,), read-only."""

    ghi_w_per_m2: np.ndarray
    dni_w_per_m2: np.ndarray
    dhi_w_per_m2: np.ndarray
    apparent_zenith_deg: np.ndarray
    zenith_deg: np.ndarray
    azimuth_deg: np.ndarray
    dni_extra_w_per_m2: np.ndarray
    day_index: np.ndarray
    hour_of_day: np.ndarray
    daily_ghi_kwh_per_m2: np.ndarray
    annual_ghi_kwh_per_m2: float


@dataclass(frozen=True, eq=False)
class Weather:
    """Hourly weather of ``n_years`` simulated years; hourly arrays shape (n_years, 8760)."""

    ghi_w_per_m2: np.ndarray
    dni_w_per_m2: np.ndarray
    dhi_w_per_m2: np.ndarray
    temp_air_c: np.ndarray
    daily_clearness_share: np.ndarray


def standard_utc_offset(timezone: str) -> _dt.timedelta:
    """UTC offset of the zone's standard (non-DST) time in ``REFERENCE_YEAR``.

    Parameters
    ----------
    timezone : str
        IANA zone name, e.g. ``"Asia/Shanghai"``.

    Returns
    -------
    datetime.timedelta
        Standard offset (e.g. +8 h for Asia/Shanghai, -7 h for America/Denver).
    """
    zone = ZoneInfo(timezone)
    probe = _dt.datetime(REFERENCE_YEAR, 1, 1, 12, tzinfo=zone)
    return probe.utcoffset() - probe.dst()


def _reference_times(timezone: str) -> pd.DatetimeIndex:
    """Half-hour centres of the 8760 hours of ``REFERENCE_YEAR`` in local standard time."""
    tz = _dt.timezone(standard_utc_offset(timezone))
    start = pd.Timestamp(REFERENCE_YEAR, 1, 1, 0, 30, tz=tz)
    return pd.date_range(start, periods=HOURS_PER_YEAR, freq="h")


def _readonly(values) -> np.ndarray:
    """Float copy of ``values`` with the write flag cleared (cached arrays are shared)."""
    arr = np.array(values, dtype=float)
    arr.setflags(write=False)
    return arr


@functools.lru_cache(maxsize=64)
def clear_sky(site: Site) -> ClearSky:
    """Clear-sky irradiance and solar geometry of the reference year (cached per site).

    Ineichen-Perez clear sky via ``pvlib.location.Location.get_clearsky`` with the
    default monthly Linke-turbidity climatology (bundled with pvlib, offline);
    solar position from pvlib's NREL SPA; extraterrestrial DNI by Spencer.

    Parameters
    ----------
    site : Site
        Location; only geometry fields are used here.

    Returns
    -------
    ClearSky
        GHI/DNI/DHI [W/m²], apparent and true zenith [deg], azimuth [deg],
        extraterrestrial DNI [W/m²], day index 0..364 and hour of day 0..23
        (8760-arrays), daily clear-sky GHI [kWh/m²] (365) and the annual sum [kWh/m²].
    """
    times = _reference_times(site.timezone)
    # ``times`` carry a fixed standard-time offset; Location's own tz is unused.
    loc = pvlib.location.Location(site.latitude_deg, site.longitude_deg,
                                  tz="UTC", altitude=site.altitude_m)
    solpos = loc.get_solarposition(times)
    cs = loc.get_clearsky(times, model="ineichen", solar_position=solpos)
    hours = np.arange(HOURS_PER_YEAR)
    dni_extra = pvlib.irradiance.get_extra_radiation(hours // 24 + 1)
    ghi = cs["ghi"].to_numpy()
    daily = ghi.reshape(DAYS_PER_YEAR, 24).sum(axis=1) / 1000.0
    day_index = hours // 24
    hour_of_day = hours % 24
    day_index.setflags(write=False)
    hour_of_day.setflags(write=False)
    return ClearSky(
        ghi_w_per_m2=_readonly(ghi),
        dni_w_per_m2=_readonly(cs["dni"].to_numpy()),
        dhi_w_per_m2=_readonly(cs["dhi"].to_numpy()),
        apparent_zenith_deg=_readonly(solpos["apparent_zenith"].to_numpy()),
        zenith_deg=_readonly(solpos["zenith"].to_numpy()),
        azimuth_deg=_readonly(solpos["azimuth"].to_numpy()),
        dni_extra_w_per_m2=_readonly(dni_extra),
        day_index=day_index,
        hour_of_day=hour_of_day,
        daily_ghi_kwh_per_m2=_readonly(daily),
        annual_ghi_kwh_per_m2=float(daily.sum()),
    )


@functools.lru_cache(maxsize=64)
def lit_hours(site: Site) -> np.ndarray:
    """Hours of the reference year (indices 0..8759, ascending, read-only) with the sun up or near:
    clear-sky GHI above zero, the zenith within the Erbs cut-off (87°) or the apparent zenith below
    90°. In every other hour a synthetic year's GHI is clearness × 0 = 0, the Erbs split gives
    DNI = DHI = 0 and the PV output is 0 (sun down), so only these hours are computed (cached per site)."""
    cs = clear_sky(site)
    lit = (cs.ghi_w_per_m2 > 0.0) | (cs.zenith_deg <= ERBS_MAX_ZENITH_DEG) | (cs.apparent_zenith_deg < 90.0)
    hours = np.flatnonzero(lit)
    hours.setflags(write=False)
    return hours


def _ar1_gaussian(rng: np.random.Generator, n_years: int, coef: float) -> np.ndarray:
    """Stationary unit-variance Gaussian AR(1) along days, shape (n_years, 365) [-]."""
    z0 = rng.standard_normal((n_years, 1))
    eps = rng.standard_normal((n_years, DAYS_PER_YEAR)) * np.sqrt(1.0 - coef * coef)
    return _ar1_filter(eps, coef * z0[:, 0], coef)


@numba.njit(cache=True)
def _ar1_filter(eps, start, coef):
    """``scipy.signal.lfilter([1], [1, -coef], eps, axis=1, zi=start)[0]`` (n, days): each row
    ``z[0] = start + eps[0]``, ``z[d] = coef × z[d-1] + eps[d]`` — the filter's state ``0·eps - (-coef)·z``
    is ``coef × z`` exactly, so the same numbers, without lfilter's per-call checks."""
    out = np.empty(eps.shape)
    for i in range(eps.shape[0]):
        state = start[i]
        for d in range(eps.shape[1]):
            z = state + eps[i, d]
            out[i, d] = z
            state = coef * z
    return out


_Z_GRID = np.linspace(-8.5, 8.5, 4097)


@functools.lru_cache(maxsize=64)
def _beta_quantile_table(mean_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Beta quantiles ``F^-1(Phi(z))`` on ``_Z_GRID``, Beta mean ``mean_share`` [-], and the slopes
    between grid points as ``np.interp`` computes them ``(q[j+1] - q[j]) / (z[j+1] - z[j])``.

    ``scipy.stats.beta.ppf`` costs ~1.7 µs per value (~16 ms for 26 x 365 days),
    so it is evaluated once per site on a fine normal-score grid and linearly
    interpolated afterwards (max abs error < 1e-6, see tests).
    """
    a = mean_share * BETA_CONCENTRATION
    b = (1.0 - mean_share) * BETA_CONCENTRATION
    table = np.maximum(stats.beta.ppf(special.ndtr(_Z_GRID), a, b), CLEARNESS_FLOOR)
    slopes = (table[1:] - table[:-1]) / (_Z_GRID[1:] - _Z_GRID[:-1])
    for shared in (table, slopes):
        shared.setflags(write=False)
    return table, slopes


def _raw_clearness(z: np.ndarray, mean_share: float) -> np.ndarray:
    """Map standard-normal scores to Beta(mean ``mean_share``) clearness ratios (0, 1] [-]:
    ``np.interp(z, _Z_GRID, table)``, with the grid interval found arithmetically (the grid is uniform)."""
    table, slopes = _beta_quantile_table(mean_share)
    return _interp_on_grid(np.ascontiguousarray(z, dtype=float), _Z_GRID, table, slopes)


@numba.njit(cache=True)
def _interp_on_grid(x, grid, table, slopes):
    """``np.interp(x, grid, table)`` for an ascending, evenly spaced ``grid``, the same numbers: below the
    grid ``table[0]``, from its end ``table[-1]``, on a grid point its value, else
    ``slopes[j] × (x - grid[j]) + table[j]`` with ``grid[j] ≤ x < grid[j+1]`` (``j`` from the spacing,
    then corrected against the grid itself, so rounding cannot pick the neighbouring interval)."""
    out = np.empty(x.shape)
    xf, of = x.ravel(), out.ravel()
    last = grid.shape[0] - 1
    step = (grid[last] - grid[0]) / last
    for i in range(xf.shape[0]):
        v = xf[i]
        if v != v:  # NaN
            of[i] = v
        elif v < grid[0]:
            of[i] = table[0]
        elif v >= grid[last]:
            of[i] = table[last]
        else:
            j = min(max(int((v - grid[0]) / step), 0), last - 1)
            while grid[j] > v:
                j -= 1
            while grid[j + 1] <= v:
                j += 1
            of[i] = table[j] if grid[j] == v else slopes[j] * (v - grid[j]) + table[j]
    return out


def _calibrate_clearness(k: np.ndarray, daily_cs_kwh_per_m2: np.ndarray,
                         target_kwh_per_m2: float) -> np.ndarray:
    """Scale each year's clearness so that sum(min(c k, 1) x G_cs) = target, exactly.

    ``f(c) = sum_d min(c k_d, 1) G_d`` is piecewise linear and increasing in ``c``.
    Sorting days by ``k`` (descending) gives its breakpoints ``c = 1 / k_(j)``;
    the number ``J`` of breakpoints with ``f <= target`` is the number of days
    clipped at 1, and ``c = (target - sum_{j<J} G_j) / sum_{j>=J} k_j G_j``.

    Parameters
    ----------
    k : np.ndarray
        Raw clearness ratios, shape (n_years, 365), all > 0 [-].
    daily_cs_kwh_per_m2 : np.ndarray
        Clear-sky daily GHI, shape (365,) [kWh/m²].
    target_kwh_per_m2 : float
        Required annual GHI, < clear-sky annual GHI [kWh/m²].

    Returns
    -------
    np.ndarray
        Calibrated clearness, shape (n_years, 365), in (0, 1] [-].
    """
    order = np.argsort(-k, axis=1)
    return _calibrated(np.ascontiguousarray(k, dtype=float), order, np.ascontiguousarray(daily_cs_kwh_per_m2, dtype=float),
                       float(target_kwh_per_m2))


@numba.njit(cache=True, error_model="numpy")
def _calibrated(k, order, daily, target):
    """:func:`_calibrate_clearness` after the sort (``order``: each year's days by descending ``k``), one
    year at a time: the running sums of G and k G over the sorted days from 0 (as ``np.cumsum`` adds
    them, one after the other), ``f`` at each breakpoint ``cum_g[j] + (cum_kg[end] - cum_kg[j]) / k_(j)``,
    the count ``J`` of breakpoints with ``f <= target``, ``c = (target - cum_g[J]) / (cum_kg[end] - cum_kg[J])``
    and ``min(c k, 1)``: the numpy expression's operations in its order, without its (n, 366) temporaries."""
    n, days = k.shape
    out = np.empty((n, days))
    cum_g = np.empty(days + 1)
    cum_kg = np.empty(days + 1)
    for i in range(n):
        cum_g[0] = 0.0
        cum_kg[0] = 0.0
        for j in range(days):
            d = order[i, j]
            cum_g[j + 1] = cum_g[j] + daily[d]
            cum_kg[j + 1] = cum_kg[j] + k[i, d] * daily[d]
        clipped = 0
        for j in range(days):
            if cum_g[j] + (cum_kg[days] - cum_kg[j]) / k[i, order[i, j]] <= target:
                clipped += 1
        scale = (target - cum_g[clipped]) / (cum_kg[days] - cum_kg[clipped])
        for d in range(days):
            out[i, d] = min(k[i, d] * scale, 1.0)
    return out


def _diurnal_shape() -> np.ndarray:
    """Zero-mean diurnal temperature profile at half-hour centres, shape (24,), in [-1, 1] [-].

    Half-cosine rise from the minimum (``DIURNAL_MIN_HOUR``) to the maximum
    (``DIURNAL_MAX_HOUR``), half-cosine fall over the remaining hours.
    """
    t = np.arange(24) + 0.5
    rise = DIURNAL_MAX_HOUR - DIURNAL_MIN_HOUR
    fall = 24.0 - rise
    since_max = np.mod(t - DIURNAL_MAX_HOUR, 24.0)
    shape = np.where(since_max < fall, np.cos(np.pi * since_max / fall),
                     -np.cos(np.pi * (since_max - fall) / rise))
    return shape - shape.mean()


_DIURNAL_SHAPE = _diurnal_shape()
_HOUR_DAYS = (np.arange(HOURS_PER_YEAR) + 0.5) / 24.0        # time of half-hour centres [d]
_ANNUAL_SHAPE = -np.cos(2.0 * np.pi * (_HOUR_DAYS - COLDEST_DAY_INDEX - 0.5) / DAYS_PER_YEAR)
_ANNUAL_SHAPE = _ANNUAL_SHAPE - _ANNUAL_SHAPE.mean()         # exactly zero-mean on the grid
_DAY_POS = np.clip(_HOUR_DAYS - 0.5, 0.0, DAYS_PER_YEAR - 1.0)  # position between day centres
_DAY_LO = np.floor(_DAY_POS).astype(np.intp)
_DAY_HI = np.minimum(_DAY_LO + 1, DAYS_PER_YEAR - 1)
_DAY_W = _DAY_POS - _DAY_LO
_DAY_W_LO = 1.0 - _DAY_W
_HALF_DAY_HOURS = 12
_HALF_DAY_LO, _HALF_DAY_HI = _DAY_LO[::_HALF_DAY_HOURS], _DAY_HI[::_HALF_DAY_HOURS]
"""The two day centres each half-day lies between (a day's centre is its noon: the morning between the
day before's and its own, the afternoon between its own and the next's), shape (730,): ``_DAY_LO`` and
``_DAY_HI`` of each of its hours."""


def _hours_per_day(day_of_hour: np.ndarray) -> np.ndarray:
    """How many of the (ascending) ``day_of_hour`` indices name each day 0..364: a daily array repeated
    by these counts (``np.repeat``, or day by day in ``erbs.lit_ghi_and_clearness_index``) is ``np.take`` of it
    by ``day_of_hour`` (the same values, copied in runs rather than looked up one index at a time)."""
    if np.any(np.diff(day_of_hour) < 0):
        raise ValueError("day indices must be ascending")
    return np.bincount(day_of_hour, minlength=DAYS_PER_YEAR)


def _air_temperature(site: Site, clearness: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Hourly air temperature, shape (n_years, 8760) [°C].

    mean + annual sinusoid (minimum at ``COLDEST_DAY_INDEX``) + asymmetric diurnal
    cycle (min 05:00, max 14:00) whose amplitude scales with the day's clearness
    (cloudy days have a damped cycle; the year-mean amplitude is the site's) +
    AR(1) daily anomaly with std ``TEMP_ANOMALY_STD_C``, linearly interpolated
    between day centres (no midnight jumps).

    Parameters
    ----------
    site : Site
        Climate parameters.
    clearness : np.ndarray
        Daily clearness, shape (n_years, 365) [-].
    z : np.ndarray
        Unit-variance AR(1) scores for the anomaly, shape (n_years, 365) [-].
    """
    anomaly_day = TEMP_ANOMALY_STD_C * z
    rel = clearness / clearness.mean(axis=1, keepdims=True)
    amp_day = site.temp_diurnal_amplitude_c * (0.4 + 0.6 * rel)              # (n, 365)
    seasonal = site.mean_temp_c + site.temp_annual_amplitude_c * _ANNUAL_SHAPE
    return _hourly_temperature(amp_day, _DIURNAL_SHAPE, seasonal, anomaly_day, _HALF_DAY_LO, _HALF_DAY_HI, _DAY_W_LO, _DAY_W)


@numba.njit(cache=True)
def _hourly_temperature(amp_day, diurnal, seasonal, anomaly_day, half_day_lo, half_day_hi, w_lo, w_hi):
    """Hourly air temperature (n_years, 8760) [°C] in one pass: the day's diurnal amplitude × the
    diurnal shape, plus the seasonal value, plus the anomaly interpolated between day centres
    ``anomaly_day[lo] × w_lo + anomaly_day[hi] × w_hi``, each sum in that order (what the numpy
    expression of the same terms gives, without its five hourly temporaries). Half-day by half-day
    (``half_day_lo``, ``half_day_hi``: the two day centres of each), so an hour's arithmetic reads no
    index of its own."""
    n_years = amp_day.shape[0]
    half = HOURS_PER_YEAR // half_day_lo.shape[0]
    temp = np.empty((n_years, HOURS_PER_YEAR))
    for i in range(n_years):
        for part in range(half_day_lo.shape[0]):
            amp_c = amp_day[i, part * half // 24]
            before, after = anomaly_day[i, half_day_lo[part]], anomaly_day[i, half_day_hi[part]]
            start, first = part * half, (part * half) % 24  # its first hour of the year and of the day
            for k in range(half):
                h = start + k
                temp[i, h] = (amp_c * diurnal[first + k] + seasonal[h]) + (before * w_lo[h] + after * w_hi[h])
    return temp


@functools.lru_cache(maxsize=64)
def lit_erbs_geometry(site: Site) -> ErbsGeometry:
    """:func:`erbs_geometry` of the reference year's lit hours (``lit_hours``), cached per site."""
    cs, lit = clear_sky(site), lit_hours(site)
    return erbs_geometry(cs.zenith_deg[lit], cs.day_index[lit] + 1)


@dataclass(frozen=True, eq=False)
class DailyWeather:
    """What a seed draws of ``n_years`` synthetic years: the calibrated daily clearness (n_years, 365) [-]
    and the hourly air temperature (n_years, 8760) [°C]; the hourly irradiance follows from the
    clearness and the site's clear sky (:func:`weather_years`, ``energy.solar.synthetic_pv_kw_per_kwp``)."""

    daily_clearness_share: np.ndarray
    temp_air_c: np.ndarray


def daily_weather(site: Site, n_years: int, rng: np.random.Generator, persistence: float = 0.6) -> DailyWeather:
    """The seeded part of :func:`weather_years`: the daily clearness (AR(1) scores through the Beta
    quantiles, calibrated to the site's annual GHI) and the hourly air temperature, drawn from ``rng``
    in this order: the clearness's scores, then the temperature anomaly's."""
    if n_years < 1:
        raise ValueError(f"n_years must be >= 1, got {n_years}")
    if not 0.0 <= persistence < 1.0:
        raise ValueError(f"persistence must be in [0, 1), got {persistence}")
    cs = clear_sky(site)
    mean_share = site.annual_ghi_kwh_per_m2 / cs.annual_ghi_kwh_per_m2
    if not 0.0 < mean_share < 1.0:
        raise ValueError(
            f"annual_ghi_kwh_per_m2={site.annual_ghi_kwh_per_m2} must be in "
            f"(0, clear-sky annual {cs.annual_ghi_kwh_per_m2:.0f}) kWh/m²")
    z_cloud = _ar1_gaussian(rng, n_years, persistence)
    z_temp = _ar1_gaussian(rng, n_years, TEMP_ANOMALY_PERSISTENCE)
    k_raw = _raw_clearness(z_cloud, mean_share)
    clearness = _calibrate_clearness(k_raw, cs.daily_ghi_kwh_per_m2, site.annual_ghi_kwh_per_m2)
    return DailyWeather(clearness, _air_temperature(site, clearness, z_temp))


@functools.lru_cache(maxsize=64)
def lit_clear_sky(site: Site) -> tuple[np.ndarray, np.ndarray]:
    """How many lit hours each day has (``_hours_per_day``) and the lit hours' clear-sky GHI [W/m²],
    read-only (cached per site)."""
    cs, lit = clear_sky(site), lit_hours(site)
    days, ghi = _hours_per_day(cs.day_index[lit]), cs.ghi_w_per_m2[lit]
    for shared in (days, ghi):
        shared.setflags(write=False)
    return days, ghi


def weather_years(site: Site, n_years: int, rng: np.random.Generator,
                  persistence: float = 0.6) -> Weather:
    """Seeded, calibrated hourly weather for ``n_years`` years in one vectorised pass.

    Parameters
    ----------
    site : Site
        Location and climate; every year's annual GHI equals
        ``site.annual_ghi_kwh_per_m2`` (relative residual < 1e-9).
    n_years : int
        Number of simulated years (e.g. 26).
    rng : np.random.Generator
        The only source of randomness; same state ⇒ bit-identical output.
    persistence : float
        Lag-1 coefficient of the latent Gaussian AR(1) of daily clearness, in [0, 1) [-].

    Returns
    -------
    Weather
        GHI/DNI/DHI [W/m²] and air temperature [°C], shape (n_years, 8760);
        daily clearness [-], shape (n_years, 365).

    Raises
    ------
    ValueError
        If the target annual GHI is not below the clear-sky annual GHI, or on
        invalid ``n_years`` / ``persistence``.
    """
    daily = daily_weather(site, n_years, rng, persistence)
    lit_day_hours, lit_ghi = lit_clear_sky(site)
    geometry = lit_erbs_geometry(site)
    # the lit hours' GHI (the day's clearness × the clear-sky GHI) and its clearness index, split by Erbs
    ghi, kt, mid_kt = lit_ghi_and_clearness_index(daily.daily_clearness_share, lit_day_hours, lit_ghi,
                                                  geometry.horizontal_extra_w_per_m2)
    dni, dhi = erbs_split_at(ghi, kt, mid_kt, geometry)  # (erbs.erbs_from_geometry of that GHI)
    lit = lit_hours(site)

    def every_hour(values: np.ndarray) -> np.ndarray:  # dark hours: GHI = 0, so DNI = DHI = 0 (Erbs)
        full = np.zeros((n_years, HOURS_PER_YEAR))
        full[:, lit] = values
        return full

    return Weather(
        ghi_w_per_m2=every_hour(ghi),
        dni_w_per_m2=every_hour(dni),
        dhi_w_per_m2=every_hour(dhi),
        temp_air_c=daily.temp_air_c,
        daily_clearness_share=daily.daily_clearness_share,
    )

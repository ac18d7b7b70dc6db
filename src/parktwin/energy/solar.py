"""Hourly PV output per kWp from synthetic weather (PVWatts-style chain on pvlib).

Chain (``numba.njit`` passes over the lit or sun-up hours; the dark hours give 0; a run's synthetic
weather goes from its daily clearness straight to the output, :func:`synthetic_pv_kw_per_kwp`,
other weather from its hourly irradiance, :func:`pv_output_kw_per_kwp`). The pvlib functions
named below are followed step for step, each product and sum in pvlib's order (the same numbers,
compared bit for bit with pvlib in tests/test_solar.py); the geometry of the sun and the array comes
from pvlib once per site and system (:func:`array_geometry`):

1. plane-of-array irradiance: ``pvlib.irradiance.get_total_irradiance`` with the
   Hay-Davies sky-diffuse model (needs extraterrestrial DNI) and the system's
   ground albedo, using the cached apparent solar position of :func:`clear_sky`;
2. cell temperature: ``pvlib.temperature.faiman`` with its defaults
   u0 = 25.0 W/(m²·K), u1 = 6.84 W·s/(m³·K) and a constant wind speed of
   ``WIND_SPEED_M_PER_S`` (no wind model);
3. DC: ``pvlib.pvsystem.pvwatts_dc`` with pdc0 = 1 kW and the system's
   temperature coefficient (no incidence-angle, spectral or low-light losses
   beyond what ``system_losses_share`` lumps in);
4. AC: ``min(DC x (1 - system_losses_share) x inverter_efficiency, 1.0)``,
   i.e. the inverter is rated at 1 kW AC per kWp DC; 0 whenever the sun is
   below the horizon (apparent zenith >= 90 deg).

Re-exports :class:`Site`, :class:`Weather`, :func:`clear_sky` and
:func:`weather_years` from :mod:`parktwin.energy.weather` for convenience.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numba
import numpy as np
import pvlib

from parktwin.energy.erbs import beam_and_diffuse, hour_clearness_index, polynomial_powers, polynomial_share_of
from parktwin.energy.weather import (HOURS_PER_YEAR, ClearSky, DailyWeather, Site, Weather, clear_sky, lit_erbs_geometry,
                                     lit_hours, weather_years)

__all__ = [
    "ClearSky",
    "PvSystem",
    "Site",
    "Weather",
    "clear_sky",
    "pv_output_kw_per_kwp",
    "synthetic_pv_kw_per_kwp",
    "weather_years",
]

WIND_SPEED_M_PER_S = 1.0
"""Constant wind speed fed to the Faiman cell-temperature model [m/s] (pvlib default)."""
FAIMAN_U0 = 25.0
"""Faiman's constant heat-loss factor [W/(m²·K)] (pvlib.temperature.faiman's default)."""
FAIMAN_U1 = 6.84
"""Faiman's wind-dependent heat-loss factor [W·s/(m³·K)] (pvlib.temperature.faiman's default)."""
HAYDAVIES_MIN_COS_ZENITH = 0.01745
"""Floor of cos(zenith) under the beam ratio Rb [-] (``pvlib.irradiance.haydavies``, pvlib issue 432)."""


@dataclass(frozen=True)
class PvSystem:
    """Fixed-tilt PV array, PVWatts-style parameters per kWp DC."""

    tilt_deg: float = 20.0
    azimuth_deg: float = 180.0
    gamma_pdc_per_c: float = -0.0037
    system_losses_share: float = 0.14
    inverter_efficiency: float = 0.96
    albedo: float = 0.2


@dataclass(frozen=True, eq=False)
class ArrayGeometry:
    """What the Hay-Davies transposition and the inverter need of the sun and the array in the lit hours
    of the reference year (``lit_hours``), shape (hours,), read-only: the beam's projection ratio Rb, the
    cosine of the angle of incidence, the extraterrestrial DNI [W/m²] and whether the sun is above the
    horizon (apparent zenith < 90°); computed with pvlib, once per (site, system)."""

    rb: np.ndarray
    cos_aoi: np.ndarray
    dni_extra_w_per_m2: np.ndarray
    sun_up: np.ndarray


@functools.lru_cache(maxsize=64)
def array_geometry(site: Site, system: PvSystem) -> ArrayGeometry:
    """The array's geometry in the lit hours, as ``pvlib.irradiance.haydavies`` and ``poa_components`` compute it."""
    cs, lit = clear_sky(site), lit_hours(site)
    zenith, azimuth = cs.apparent_zenith_deg[lit], cs.azimuth_deg[lit]
    cos_tt = np.maximum(pvlib.irradiance.aoi_projection(system.tilt_deg, system.azimuth_deg, zenith, azimuth), 0)
    rb = cos_tt / np.maximum(pvlib.tools.cosd(zenith), HAYDAVIES_MIN_COS_ZENITH)
    aoi = pvlib.irradiance.aoi(system.tilt_deg, system.azimuth_deg, zenith, azimuth)
    cos_aoi = np.cos(np.radians(aoi))
    geometry = ArrayGeometry(rb, cos_aoi, cs.dni_extra_w_per_m2[lit], zenith < 90.0)
    for shared in (geometry.rb, geometry.cos_aoi, geometry.dni_extra_w_per_m2, geometry.sun_up):  # cached: read-only
        shared.setflags(write=False)
    return geometry


def pv_output_kw_per_kwp(site: Site, system: PvSystem, weather: Weather) -> np.ndarray:
    """Hourly AC output per kWp DC (hour-mean power = energy per hour).

    Parameters
    ----------
    site : Site
        Location whose cached clear-sky geometry matches ``weather``.
    system : PvSystem
        Array orientation and PVWatts loss parameters.
    weather : Weather
        Hourly irradiance [W/m²] and air temperature [°C], shape (n_years, 8760).

    Returns
    -------
    np.ndarray
        AC power [kW/kWp], shape (n_years, 8760), in [0, 1]; summing over a
        year gives the specific yield [kWh/kWp].
    """
    lit = lit_hours(site)  # every other hour has the sun down: output 0
    geometry, f = array_geometry(site, system), pv_factors(system)
    return _ac_kw_per_kwp(weather.ghi_w_per_m2[:, lit], weather.dni_w_per_m2[:, lit], weather.dhi_w_per_m2[:, lit],
                          weather.temp_air_c, lit, geometry.dni_extra_w_per_m2, geometry.rb, geometry.cos_aoi,
                          geometry.sun_up, f.isotropic, f.albedo, f.ground, f.heat_loss, f.gamma, f.losses)


@dataclass(frozen=True)
class PvFactors:
    """The scalar factors of the chain for one system: pvlib's isotropic and ground terms, Faiman's heat
    loss [W/(m²·K)], the temperature coefficient [1/°C] and the DC-to-AC losses [-]."""

    isotropic: float
    albedo: float
    ground: float
    heat_loss: float
    gamma: float
    losses: float


def pv_factors(system: PvSystem) -> PvFactors:
    """:class:`PvFactors` of ``system``, computed as pvlib computes them (the same numbers)."""
    return PvFactors(isotropic=float(0.5 * (1 + pvlib.tools.cosd(system.tilt_deg))), albedo=system.albedo,
                     ground=float(1 - np.cos(np.radians(system.tilt_deg))),
                     heat_loss=float(np.asanyarray(FAIMAN_U0) + np.asanyarray(FAIMAN_U1) * WIND_SPEED_M_PER_S),
                     gamma=system.gamma_pdc_per_c, losses=(1.0 - system.system_losses_share) * system.inverter_efficiency)


@numba.njit(cache=True, error_model="numpy")
def _ac_of_hour(ghi, dni, dhi, temp_air, dni_extra, rb, cos_aoi, isotropic, albedo, ground_factor, heat_loss, gamma, losses):
    """One hour's AC output per kWp [kW/kWp], clipped to [0, 1], from GHI, DNI, DHI [W/m²] and the air
    temperature [°C]: ``pvlib.irradiance.get_total_irradiance`` (Hay-Davies), ``pvlib.temperature.faiman``
    and ``pvlib.pvsystem.pvwatts_dc`` (pdc0 1 kW, temp_ref 25 °C) step for step, each product and sum in
    pvlib's order (compared bit for bit with pvlib in tests/test_solar.py)."""
    anisotropy = dni / dni_extra  # AI
    sky = max((1 - anisotropy) * dhi * isotropic, 0.0)  # isotropic
    sky += max(anisotropy * rb * dhi, 0.0)  # circumsolar
    sky += ghi * albedo * ground_factor * 0.5  # ground: poa diffuse
    poa = max(dni * cos_aoi, 0.0) + sky  # poa direct + diffuse
    temp_factor = (((poa / heat_loss + temp_air) - 25.0) * gamma) + 1  # cell temperature
    ac = poa * 0.001 * 1.0 * temp_factor * losses  # DC (pdc0 1 kW), then AC
    return min(max(ac, 0.0), 1.0)


@numba.njit(cache=True)
def _ac_kw_per_kwp(ghi, dni, dhi, temp_air, lit, dni_extra, rb, cos_aoi, sun_up,
                   isotropic, albedo, ground_factor, heat_loss, gamma, losses):
    """AC output per kWp (n_years, 8760) [kW/kWp] from GHI, DNI, DHI [W/m²] in the ``lit`` hours and the
    hourly air temperature [°C], in one pass (``_ac_of_hour``); 0 where the sun is down (``sun_up``
    false) and in every other hour."""
    n_years = ghi.shape[0]
    out = np.zeros((n_years, HOURS_PER_YEAR))
    for i in range(n_years):
        for j in range(lit.shape[0]):
            ac = _ac_of_hour(ghi[i, j], dni[i, j], dhi[i, j], temp_air[i, lit[j]], dni_extra[j], rb[j], cos_aoi[j],
                             isotropic, albedo, ground_factor, heat_loss, gamma, losses)
            out[i, lit[j]] = ac * (1.0 if sun_up[j] else 0.0)
    return out


@dataclass(frozen=True, eq=False)
class SunUpHours:
    """The reference year's hours with the sun above the horizon (apparent zenith < 90°: the only hours
    with PV output), ascending, and what the chain needs in each, shape (hours,), read-only: the hour of
    the year, its day (0..364), the clear-sky GHI [W/m²], Erbs' horizontal extraterrestrial irradiance
    [W/m²], cos(zenith) [-] and whether the zenith is beyond Erbs' cut-off, and the array's Rb, cos(AOI)
    and the extraterrestrial DNI [W/m²]. Per (site, system)."""

    hour: np.ndarray
    day: np.ndarray
    clear_sky_ghi_w_per_m2: np.ndarray
    horizontal_extra_w_per_m2: np.ndarray
    cos_zenith: np.ndarray
    beyond_cutoff: np.ndarray
    rb: np.ndarray
    cos_aoi: np.ndarray
    dni_extra_w_per_m2: np.ndarray


@functools.lru_cache(maxsize=64)
def sun_up_hours(site: Site, system: PvSystem) -> SunUpHours:
    """:class:`SunUpHours` of a site and system, from its lit hours' clear sky, Erbs and array geometry
    (cached per (site, system), like ``array_geometry``)."""
    cs, lit, erbs, array = clear_sky(site), lit_hours(site), lit_erbs_geometry(site), array_geometry(site, system)
    up = array.sun_up
    hours = SunUpHours(lit[up], cs.day_index[lit][up], cs.ghi_w_per_m2[lit][up], erbs.horizontal_extra_w_per_m2[up],
                       erbs.cos_zenith[up], erbs.beyond_cutoff[up], array.rb[up], array.cos_aoi[up], array.dni_extra_w_per_m2[up])
    for shared in vars(hours).values():
        shared.setflags(write=False)
    return hours


def synthetic_pv_kw_per_kwp(site: Site, system: PvSystem, daily: DailyWeather) -> np.ndarray:
    """:func:`pv_output_kw_per_kwp` of the synthetic weather of ``daily`` (``weather.daily_weather``),
    without making its hourly irradiance arrays: the same numbers (tests/test_solar.py compares them bit
    for bit), shape (n_years, 8760) [kW/kWp]. Only the sun-up hours are worked (every other hour is 0).
    A first compiled pass makes the clearness index of every sun-up hour, numpy raises them to Erbs'
    polynomial's powers (``erbs.polynomial_powers``: all of them, the hours outside its range then
    unused — fewer powers would need a pass to gather the others and one to find them again), and a
    second pass goes, year by year, from the day's clearness to the AC output (GHI, Erbs, Hay-Davies,
    Faiman, PVWatts)."""
    hours, f = sun_up_hours(site, system), pv_factors(system)
    clearness = np.ascontiguousarray(daily.daily_clearness_share, dtype=float)
    kt = _sun_up_clearness_index(clearness, hours.day, hours.clear_sky_ghi_w_per_m2, hours.horizontal_extra_w_per_m2)
    kt3, kt4 = polynomial_powers(kt)
    return _pv_from_clearness(clearness, daily.temp_air_c, kt, kt3, kt4, hours.hour, hours.day,
                              hours.clear_sky_ghi_w_per_m2, hours.cos_zenith, hours.beyond_cutoff,
                              hours.dni_extra_w_per_m2, hours.rb, hours.cos_aoi,
                              f.isotropic, f.albedo, f.ground, f.heat_loss, f.gamma, f.losses)


@numba.njit(cache=True, error_model="numpy")
def _sun_up_clearness_index(clearness, day, clear_sky_ghi, horizontal_extra):
    """The clearness index [-] of each sun-up hour (n_years, hours): its GHI (the day's clearness × the
    clear-sky GHI) over the horizontal extraterrestrial irradiance, clipped to [0, 1]."""
    n = clearness.shape[0]
    hours = day.shape[0]
    kt = np.empty((n, hours))
    for i in range(n):
        for j in range(hours):
            kt[i, j] = hour_clearness_index(clearness[i, day[j]] * clear_sky_ghi[j], horizontal_extra[j])
    return kt


@numba.njit(cache=True, error_model="numpy")
def _pv_from_clearness(clearness, temp_air, kt, kt3, kt4, hour, day, clear_sky_ghi, cos_zenith, beyond_cutoff,
                       dni_extra, rb, cos_aoi, isotropic, albedo, ground_factor, heat_loss, gamma, losses):
    """AC output per kWp (n_years, 8760) [kW/kWp] from the daily clearness, the hourly air temperature
    [°C] and the sun-up hours' clearness index ``kt`` with its powers ``kt3``, ``kt4``, year by year: the
    day's clearness and the temperature gathered into hour-long rows, then ``_sun_up_ac`` on the year's
    rows, then its output placed at its hours (every other hour 0)."""
    n, hours = kt.shape
    out = np.empty((n, HOURS_PER_YEAR))
    day_clearness, temp, ac = np.empty(hours), np.empty(hours), np.empty(hours)
    for i in range(n):
        for j in range(hours):
            day_clearness[j] = clearness[i, day[j]]
            temp[j] = temp_air[i, hour[j]]
        _sun_up_ac(day_clearness, kt[i], kt3[i], kt4[i], temp, clear_sky_ghi, cos_zenith, beyond_cutoff, dni_extra, rb, cos_aoi,
                   isotropic, albedo, ground_factor, heat_loss, gamma, losses, ac)
        out[i, :] = 0.0
        for j in range(hours):
            out[i, hour[j]] = ac[j]
    return out


@numba.njit(cache=True, error_model="numpy")
def _sun_up_ac(day_clearness, kt, kt3, kt4, temp, clear_sky_ghi, cos_zenith, beyond_cutoff, dni_extra, rb, cos_aoi,
               isotropic, albedo, ground_factor, heat_loss, gamma, losses, ac):
    """One year's AC output [kW/kWp] into ``ac`` in each sun-up hour: GHI (the day's clearness × the
    clear-sky GHI), Erbs' DNI and DHI (``erbs.polynomial_share_of``, ``erbs.beam_and_diffuse``), then
    ``_ac_of_hour``. Every input is an hour-long row read in order and every step a selection, not a
    branch, so the compiler runs several hours at once (the same operations on each: the same numbers)."""
    for j in range(ac.shape[0]):
        ghi = day_clearness[j] * clear_sky_ghi[j]
        dni, dhi = beam_and_diffuse(ghi, kt[j], polynomial_share_of(kt[j], kt3[j], kt4[j]), cos_zenith[j], beyond_cutoff[j])
        ac[j] = _ac_of_hour(ghi, dni, dhi, temp[j], dni_extra[j], rb[j], cos_aoi[j],
                            isotropic, albedo, ground_factor, heat_loss, gamma, losses)

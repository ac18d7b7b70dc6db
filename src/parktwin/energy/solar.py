"""Hourly PV output per kWp from synthetic weather (PVWatts-style chain on pvlib).

Chain (one ``numba.njit`` pass over (n_years, lit hours); the dark hours give 0). The pvlib functions
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

from parktwin.energy.weather import (HOURS_PER_YEAR, ClearSky, LitWeather, Site, Weather, clear_sky, lit_hours,
                                     lit_weather_years, weather_years)

__all__ = [
    "ClearSky",
    "LitWeather",
    "PvSystem",
    "Site",
    "Weather",
    "clear_sky",
    "lit_pv_output_kw_per_kwp",
    "lit_weather_years",
    "pv_output_kw_per_kwp",
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
    return lit_pv_output_kw_per_kwp(site, system, LitWeather(
        weather.ghi_w_per_m2[:, lit], weather.dni_w_per_m2[:, lit], weather.dhi_w_per_m2[:, lit],
        weather.temp_air_c, weather.daily_clearness_share))


def lit_pv_output_kw_per_kwp(site: Site, system: PvSystem, weather: LitWeather) -> np.ndarray:
    """:func:`pv_output_kw_per_kwp` from weather whose irradiance is given in the lit hours only
    (``lit_weather_years``); the same numbers, shape (n_years, 8760) [kW/kWp]."""
    geometry = array_geometry(site, system)
    # the scalar factors of pvlib's isotropic and ground terms, Faiman's heat loss and the AC losses
    isotropic = float(0.5 * (1 + pvlib.tools.cosd(system.tilt_deg)))
    ground = float(1 - np.cos(np.radians(system.tilt_deg)))
    heat_loss = float(np.asanyarray(FAIMAN_U0) + np.asanyarray(FAIMAN_U1) * WIND_SPEED_M_PER_S)
    losses = (1.0 - system.system_losses_share) * system.inverter_efficiency
    return _ac_kw_per_kwp(weather.ghi_w_per_m2, weather.dni_w_per_m2, weather.dhi_w_per_m2, weather.temp_air_c,
                          lit_hours(site), geometry.dni_extra_w_per_m2, geometry.rb, geometry.cos_aoi, geometry.sun_up,
                          isotropic, system.albedo, ground, heat_loss, system.gamma_pdc_per_c, losses)


@numba.njit(cache=True)
def _ac_kw_per_kwp(ghi, dni, dhi, temp_air, lit, dni_extra, rb, cos_aoi, sun_up,
                   isotropic, albedo, ground_factor, heat_loss, gamma, losses):
    """AC output per kWp (n_years, 8760) [kW/kWp] from GHI, DNI, DHI [W/m²] in the ``lit`` hours and the
    hourly air temperature [°C], in one pass: ``pvlib.irradiance.get_total_irradiance`` (Hay-Davies),
    ``pvlib.temperature.faiman`` and ``pvlib.pvsystem.pvwatts_dc`` (pdc0 1 kW, temp_ref 25 °C) step for
    step, each product and sum in pvlib's order (compared bit for bit with pvlib in tests/test_solar.py);
    every other hour is 0."""
    n_years = ghi.shape[0]
    out = np.zeros((n_years, HOURS_PER_YEAR))
    for i in range(n_years):
        for j in range(lit.shape[0]):
            anisotropy = dni[i, j] / dni_extra[j]  # AI
            sky = max((1 - anisotropy) * dhi[i, j] * isotropic, 0.0)  # isotropic
            sky += max(anisotropy * rb[j] * dhi[i, j], 0.0)  # circumsolar
            sky += ghi[i, j] * albedo * ground_factor * 0.5  # ground: poa diffuse
            poa = max(dni[i, j] * cos_aoi[j], 0.0) + sky  # poa direct + diffuse
            temp_factor = (((poa / heat_loss + temp_air[i, lit[j]]) - 25.0) * gamma) + 1  # cell temperature
            ac = poa * 0.001 * 1.0 * temp_factor * losses  # DC (pdc0 1 kW), then AC
            ac = min(max(ac, 0.0), 1.0)
            out[i, lit[j]] = ac * (1.0 if sun_up[j] else 0.0)
    return out

"""Hourly PV output per kWp from synthetic weather (PVWatts-style chain on pvlib).

Chain (all vectorised over (n_years, 8760)):

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

from dataclasses import dataclass

import numpy as np
import pvlib

from parktwin.energy.weather import ClearSky, Site, Weather, clear_sky, lit_hours, weather_years

__all__ = [
    "ClearSky",
    "PvSystem",
    "Site",
    "Weather",
    "clear_sky",
    "pv_output_kw_per_kwp",
    "weather_years",
]

WIND_SPEED_M_PER_S = 1.0
"""Constant wind speed fed to the Faiman cell-temperature model [m/s] (pvlib default)."""


@dataclass(frozen=True)
class PvSystem:
    """Fixed-tilt PV array, PVWatts-style parameters per kWp DC."""

    tilt_deg: float = 20.0
    azimuth_deg: float = 180.0
    gamma_pdc_per_c: float = -0.0037
    system_losses_share: float = 0.14
    inverter_efficiency: float = 0.96
    albedo: float = 0.2


def _poa_global_w_per_m2(cs: ClearSky, system: PvSystem, weather: Weather, hours: np.ndarray) -> np.ndarray:
    """Plane-of-array global irradiance (Hay-Davies) in ``hours`` of each year, shape (n_years, len(hours)) [W/m²]."""
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt=system.tilt_deg,
        surface_azimuth=system.azimuth_deg,
        solar_zenith=cs.apparent_zenith_deg[hours],
        solar_azimuth=cs.azimuth_deg[hours],
        dni=weather.dni_w_per_m2[:, hours],
        ghi=weather.ghi_w_per_m2[:, hours],
        dhi=weather.dhi_w_per_m2[:, hours],
        dni_extra=cs.dni_extra_w_per_m2[hours],
        albedo=system.albedo,
        model="haydavies",
    )
    return poa["poa_global"]


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
    cs = clear_sky(site)
    lit = lit_hours(site)  # every other hour has the sun down: output 0
    poa = _poa_global_w_per_m2(cs, system, weather, lit)
    temp_cell = pvlib.temperature.faiman(poa, weather.temp_air_c[:, lit], wind_speed=WIND_SPEED_M_PER_S)
    pdc = pvlib.pvsystem.pvwatts_dc(poa, temp_cell, pdc0=1.0, gamma_pdc=system.gamma_pdc_per_c)
    ac = pdc * ((1.0 - system.system_losses_share) * system.inverter_efficiency)
    sun_up = cs.apparent_zenith_deg[lit] < 90.0
    out = np.zeros(weather.ghi_w_per_m2.shape)
    out[:, lit] = np.clip(ac, 0.0, 1.0) * sun_up
    return out

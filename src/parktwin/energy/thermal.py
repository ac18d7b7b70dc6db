"""Building heating and cooling demand from hourly outdoor temperature, and heat-pump / chiller COP.

Degree-hour method
------------------
Heating degree-hours of an hour: ``max(T_base,h - T, 0)`` [K·h]; cooling:
``max(T - T_base,c, 0)``. Defaults 18 °C and 26 °C are the bases of China's
HDD18 / CDD26 used in its building thermal-design climate zoning (GB 50176)
[recollection, not re-read]. A degree-day from daily means (HDD) is at most the
hourly sum / 24, because hours on both sides of the base do not cancel.

Scaling: a building is described by its annual heating and cooling intensities
[kWh_th/m²·a] *in a reference climate* with ``HDH_ref`` / ``CDH_ref`` degree-hours
per year. Hourly demand is::
    heat_h = A x q_heat,ref x max(T_base,h - T_h, 0) / HDH_ref     [kWh_th]
    cold_h = A x q_cool,ref x max(T_h - T_base,c, 0) / CDH_ref

so the reference climate gives exactly the stated intensities and any other
year gives them in proportion to its degree-hours. When ``HDH_ref`` / ``CDH_ref``
are not given, the mean annual degree-hours of the temperature passed in are
used (the passed years *are* the reference climate: their mean equals the
stated intensities). Not modelled: thermal mass (demand follows each hour's
temperature with no lag, so night peaks are sharp), solar and internal gains
beyond what the base temperatures imply, heating-season rules (a cool summer
night below 18 °C produces a little heat demand), humidity (latent cooling).

Heat pumps and chillers
-----------------------
``COP = eta x T_hot / (T_hot - T_cold)`` for heating and ``eta x T_cold / (T_hot - T_cold)``
for cooling (temperatures in K; ``eta`` = share of the Carnot COP reached,
0.45 by default, an assumption in the usual 0.4-0.55 range), clipped to
``[COP_MIN, COP_MAX]``. The temperatures are those of the sink and source
media (condensing side ~ supply temperature + a few K); the clip keeps tiny or
negative lifts from giving unbounded COPs.

Industrial heat pumps (:func:`industrial_heat_pump_cop`) are calibrated to the DEA
industrial heat pump (docs/reference-facts.md §3): an annual COP of 2.63 (2025, sinks up
to 125 °C) for a 120 °C sink. One number fixes only the pair (eta, source): the model
assumes a 40 °C waste-heat source (cooling water, exhaust air) and so eta = 0.535
(data/constants.csv: heat_pump_source_c, heat_pump_carnot_share); eta = 0.45 with a
52.7 °C source would give the same 2.63. DEA's ≤150 °C class has the *higher* COP 3.0,
which needs a ~86.5 °C source at eta 0.45: the classes assume different sources, so a DEA
COP must not be read as a function of sink temperature alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from parktwin.data import constant

__all__ = [
    "BASE_COOLING_C",
    "BASE_HEATING_C",
    "CARNOT_EFFICIENCY_SHARE",
    "COP_MAX",
    "COP_MIN",
    "INDUSTRIAL_HP_SINK_C",
    "industrial_heat_pump_cop",
    "ThermalDemand",
    "cop_carnot",
    "degree_hours",
    "heating_cop_of_hour",
    "heating_cooling_kwh",
    "hourly_electricity_for_heat",
    "source_temperature_for_cop",
]

KELVIN = 273.15
BASE_HEATING_C = 18.0
BASE_COOLING_C = 26.0
CARNOT_EFFICIENCY_SHARE = 0.45
"""Share of the Carnot COP a real machine reaches (assumption; 0.4-0.55 typical) [-]."""
COP_MIN = 1.0
"""Lower clip: a heat pump is never taken to be worse than a resistive heater [-]."""
COP_MAX = 8.0
"""Upper clip for small lifts [-]."""
INDUSTRIAL_HP_SINK_C = 120.0
"""Sink temperature of DEA's ≤125 °C industrial heat pump class, to which the COP is calibrated [°C]."""


def degree_hours(temp_air_c, base_c: float, kind: str = "heating") -> np.ndarray:
    """Annual degree-hours, summed over the last axis [K·h].

    Parameters
    ----------
    temp_air_c : array-like
        Hourly air temperature [°C], shape (..., 8760).
    base_c : float
        Base temperature [°C].
    kind : {"heating", "cooling"}
        ``max(base - T, 0)`` or ``max(T - base, 0)``.

    Returns
    -------
    np.ndarray
        Shape ``temp_air_c.shape[:-1]`` [K·h]; divide by 24 for hourly-integrated degree-days.
    """
    return np.sum(_excess(np.asarray(temp_air_c, dtype=float), base_c, kind), axis=-1)


def _excess(t: np.ndarray, base_c: float, kind: str) -> np.ndarray:
    if kind == "heating":
        return np.maximum(base_c - t, 0.0)
    if kind == "cooling":
        return np.maximum(t - base_c, 0.0)
    raise ValueError(f"kind must be 'heating' or 'cooling', got {kind!r}")


@dataclass(frozen=True, eq=False)
class ThermalDemand:
    """Hourly building heat and cold demand and the scaling used.

    Attributes
    ----------
    heat_kwh, cold_kwh : np.ndarray
        Demand per hour [kWh_th], the shape of the temperature passed in.
    heat_kwh_per_kh, cold_kwh_per_kh : float
        Demand per degree-hour [kWh_th/(K·h)] = ``A x q_ref / DH_ref``.
    ref_heating_degree_hours_kh, ref_cooling_degree_hours_kh : float
        Reference-climate degree-hours per year [K·h].
    """

    heat_kwh: np.ndarray
    cold_kwh: np.ndarray
    heat_kwh_per_kh: float
    cold_kwh_per_kh: float
    ref_heating_degree_hours_kh: float
    ref_cooling_degree_hours_kh: float


def _per_degree_hour(annual_kwh: float, ref_kh: float | None, excess: np.ndarray,
                     what: str) -> tuple[float, float]:
    """Scaling factor [kWh/(K·h)] and the reference degree-hours used [K·h]."""
    if ref_kh is None:
        per_year = excess.reshape(-1, excess.shape[-1]).sum(axis=1)
        ref_kh = float(per_year.mean())
    if ref_kh < 0:
        raise ValueError(f"reference {what} degree-hours must be >= 0, got {ref_kh}")
    if annual_kwh == 0.0:
        return 0.0, ref_kh
    if ref_kh == 0.0:
        raise ValueError(f"{what} intensity > 0 but the reference climate has no {what} "
                         "degree-hours: pass ref degree-hours or a lower base temperature")
    return annual_kwh / ref_kh, ref_kh


def heating_cooling_kwh(temp_air_c, floor_area_m2: float, heating_kwh_per_m2_yr_ref: float,
                        cooling_kwh_per_m2_yr_ref: float, base_heating_c: float = BASE_HEATING_C,
                        base_cooling_c: float = BASE_COOLING_C,
                        ref_heating_degree_hours_kh: float | None = None,
                        ref_cooling_degree_hours_kh: float | None = None) -> ThermalDemand:
    """Hourly space heating and cooling demand by the degree-hour method.

    Parameters
    ----------
    temp_air_c : array-like
        Hourly outdoor temperature [°C], shape (8760,) or (n_years, 8760)
        (e.g. ``Weather.temp_air_c``).
    floor_area_m2 : float
        Conditioned floor area [m²].
    heating_kwh_per_m2_yr_ref, cooling_kwh_per_m2_yr_ref : float
        Annual heat / cold demand intensity in the reference climate [kWh_th/m²·a].
    base_heating_c, base_cooling_c : float
        Balance-point temperatures [°C], heating base <= cooling base.
    ref_heating_degree_hours_kh, ref_cooling_degree_hours_kh : float, optional
        Annual degree-hours of the reference climate [K·h] (same bases); default:
        the mean annual degree-hours of ``temp_air_c``.

    Returns
    -------
    ThermalDemand
        Hourly ``heat_kwh`` and ``cold_kwh`` [kWh_th] (0 where the temperature is
        on the other side of the base) and the scaling factors.
    """
    if floor_area_m2 < 0 or heating_kwh_per_m2_yr_ref < 0 or cooling_kwh_per_m2_yr_ref < 0:
        raise ValueError("floor area and intensities must be >= 0")
    if base_heating_c > base_cooling_c:
        raise ValueError(f"heating base {base_heating_c} °C above cooling base {base_cooling_c} °C")
    t = np.asarray(temp_air_c, dtype=float)
    heat_dh = _excess(t, base_heating_c, "heating")
    cold_dh = _excess(t, base_cooling_c, "cooling")
    heat_k, ref_h = _per_degree_hour(floor_area_m2 * heating_kwh_per_m2_yr_ref,
                                     ref_heating_degree_hours_kh, heat_dh, "heating")
    cold_k, ref_c = _per_degree_hour(floor_area_m2 * cooling_kwh_per_m2_yr_ref,
                                     ref_cooling_degree_hours_kh, cold_dh, "cooling")
    return ThermalDemand(heat_kwh=heat_dh * heat_k, cold_kwh=cold_dh * cold_k,
                         heat_kwh_per_kh=heat_k, cold_kwh_per_kh=cold_k,
                         ref_heating_degree_hours_kh=ref_h, ref_cooling_degree_hours_kh=ref_c)


def cop_carnot(t_sink_c, t_source_c, efficiency_share: float = CARNOT_EFFICIENCY_SHARE,
               mode: str = "heating", cop_min: float = COP_MIN, cop_max: float = COP_MAX) -> np.ndarray:
    """Heat-pump (heating) or chiller (cooling) COP as a share of the Carnot COP.

    Parameters
    ----------
    t_sink_c : array-like
        Hot-side temperature [°C]: heat delivered (heating) or rejected (cooling).
    t_source_c : array-like
        Cold-side temperature [°C]: heat taken up (heating source, chilled water).
    efficiency_share : float
        Share of the Carnot COP reached, in (0, 1] [-].
    mode : {"heating", "cooling"}
        Heating COP = heat out / electricity; cooling COP = cold out / electricity.
    cop_min, cop_max : float
        Clip range [-].

    Returns
    -------
    np.ndarray
        COP [-], broadcast shape of the temperatures, in [cop_min, cop_max].
    """
    if not 0.0 < efficiency_share <= 1.0:
        raise ValueError(f"efficiency_share must be in (0, 1], got {efficiency_share}")
    if not 0.0 < cop_min <= cop_max:
        raise ValueError(f"need 0 < cop_min <= cop_max, got {cop_min}, {cop_max}")
    hot = np.asarray(t_sink_c, dtype=float) + KELVIN
    cold = np.asarray(t_source_c, dtype=float) + KELVIN
    if mode == "heating":
        top = hot
    elif mode == "cooling":
        top = cold
    else:
        raise ValueError(f"mode must be 'heating' or 'cooling', got {mode!r}")
    lift = hot - cold
    # Lifts below 1e-6 K (or negative) would give huge or negative COPs: they end at cop_max.
    cop = efficiency_share * top / np.maximum(lift, 1e-6)
    return np.clip(np.where(lift > 1e-6, cop, cop_max), cop_min, cop_max)


@numba.njit(cache=True, error_model="numpy")
def heating_cop_of_hour(t_sink_c: float, t_source_c: float, efficiency_share: float, cop_min: float, cop_max: float) -> float:
    """:func:`cop_carnot` (heating) of one hour [-], for compiled hourly loops: the same operations in
    the same order (Kelvin sums, the lift, share × T_sink / lift, ``cop_max`` at lifts up to 1e-6 K,
    the clip), so the same number to the bit (tests/test_thermal.py); its one division only at lifts above
    1e-6 K, so numpy's error model (no zero check) lets a caller's loop of hours vectorise."""
    hot = t_sink_c + KELVIN
    lift = hot - (t_source_c + KELVIN)
    cop = efficiency_share * hot / lift if lift > 1e-6 else cop_max
    return min(max(cop, cop_min), cop_max)


def source_temperature_for_cop(cop: float, t_sink_c: float,
                               efficiency_share: float = CARNOT_EFFICIENCY_SHARE) -> float:
    """Source temperature [°C] at which :func:`cop_carnot` (heating, unclipped) equals ``cop``.

    ``T_source = T_sink - eta x T_sink,K / COP``; used to calibrate to a stated annual COP.
    """
    if cop <= 0:
        raise ValueError(f"cop must be > 0, got {cop}")
    return float(t_sink_c - efficiency_share * (t_sink_c + KELVIN) / cop)


def hourly_electricity_for_heat(heat_kwh, t_sink_c, t_source_c,
                                efficiency_share: float = CARNOT_EFFICIENCY_SHARE,
                                mode: str = "heating", cop_min: float = COP_MIN,
                                cop_max: float = COP_MAX) -> np.ndarray:
    """Electricity a heat pump (or chiller) draws for an hourly heat (or cold) demand.

    Parameters
    ----------
    heat_kwh : array-like
        Heat (``mode="heating"``) or cold (``"cooling"``) delivered per hour [kWh_th].
    t_sink_c, t_source_c : array-like
        Hot- and cold-side temperatures [°C], broadcastable to ``heat_kwh``
        (e.g. a 45 °C supply and the hourly outdoor air for an air-source heat pump).
    efficiency_share, mode, cop_min, cop_max
        As in :func:`cop_carnot`.

    Returns
    -------
    np.ndarray
        Electricity per hour [kWh_e] = demand / COP.
    """
    cop = cop_carnot(t_sink_c, t_source_c, efficiency_share, mode, cop_min, cop_max)
    return np.asarray(heat_kwh, dtype=float) / cop


def industrial_heat_pump_cop(t_sink_c: float) -> float:
    """Annual COP of an industrial heat pump lifting waste heat to ``t_sink_c`` [°C].

    Carnot COP × the share calibrated to DEA's 2.63 at 120 °C, from the 40 °C source of
    data/constants.csv (heat_pump_source_c, heat_pump_carnot_share).
    """

    return float(cop_carnot(t_sink_c, constant("heat_pump_source_c"), constant("heat_pump_carnot_share")))

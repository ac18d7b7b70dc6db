"""Hourly wind speed and wind-turbine output per kW installed (vectorised over (n_years, 8760)).

Wind speed model
----------------
A stationary, unit-variance Gaussian AR(1) ``z`` over all hours of all years
(lag-1 coefficient ``persistence``; continuous across year boundaries) is
mapped through the normal CDF to the Weibull quantile::

    v_ref = c (-ln(1 - Phi(z)))^(1/k),   c = mean / Gamma(1 + 1/k)

so every hour's marginal law is Weibull(k, c) and the long-run mean is
``mean_m_per_s`` (Gaussian copula: the rank correlation of ``z`` carries over;
the lag-1 correlation of the speeds is slightly below ``persistence``). A
multiplicative diurnal factor ``1 + a cos(2 pi (t - t_peak) / 24)`` (``a`` =
``diurnal_amplitude_share``, zero mean over the 24 hour centres) keeps the
long-run mean exactly and widens the distribution slightly (for k = 2,
a = 0.1 the fitted k drops by ~1 %). Speeds at hub height follow the power law
``v_hub = v_ref (h_hub / h_ref)^alpha`` (alpha = 1/7 for open terrain; Weibull k
unchanged, scale multiplied).

Power curves
------------
:func:`power_curve_kw_per_kw` is an analytic curve (cubic or linear between
cut-in and rated, flat to cut-out, 0 above). :func:`load_power_curve` reads a
tabulated curve from ``data/wind_power_curve.csv``; the shipped
``generic_3mw`` is the Vestas V112-3.0 MW brochure curve (via PyPSA atlite,
CC-BY-4.0) normalised to its maximum, linearly interpolated, 0 above the last
tabulated speed (25 m/s cut-out, no hysteresis). :func:`wind_output_kw_per_kw`
applies a curve, an optional air-density correction and lumped losses.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd
from scipy import signal, special

__all__ = [
    "PowerCurve",
    "diurnal_factor",
    "load_power_curve",
    "power_curve_kw_per_kw",
    "weibull_scale",
    "wind_output_kw_per_kw",
    "wind_speed_years",
]

HOURS_PER_YEAR = 8760
STANDARD_AIR_DENSITY_KG_PER_M3 = 1.225
"""Air density of published power curves (IEC 61400-12-1 reference) [kg/m³]."""
DEFAULT_HUB_HEIGHT_M = 100.0
"""Hub height of a current onshore 3 MW-class turbine (assumption, 80-120 m typical) [m]."""


def weibull_scale(mean_m_per_s: float, weibull_k: float) -> float:
    """Weibull scale ``c`` [m/s] for a mean [m/s] and shape ``k`` [-]: ``mean / Gamma(1 + 1/k)``."""
    return float(mean_m_per_s / special.gamma(1.0 + 1.0 / weibull_k))


def diurnal_factor(amplitude_share: float, peak_hour: float = 15.0) -> np.ndarray:
    """Multiplicative diurnal wind profile at the 24 half-hour centres, mean exactly 1 [-].

    Parameters
    ----------
    amplitude_share : float
        Relative amplitude ``a`` in [0, 1) [-].
    peak_hour : float
        Local time of the maximum [h]; near the ground the maximum is in the
        afternoon (~15 h), at hub heights above ~80 m often at night.

    Returns
    -------
    np.ndarray
        Shape (24,): ``1 + a cos(2 pi (h + 0.5 - peak_hour) / 24)``.
    """
    t = np.arange(24) + 0.5
    return 1.0 + amplitude_share * np.cos(2.0 * np.pi * (t - peak_hour) / 24.0)


def wind_speed_years(mean_m_per_s: float, weibull_k: float, n_years: int, rng: np.random.Generator,
                     hub_height_m: float = DEFAULT_HUB_HEIGHT_M, ref_height_m: float = 10.0,
                     shear_exponent: float = 1.0 / 7.0, persistence: float = 0.9,
                     diurnal_amplitude_share: float = 0.1, diurnal_peak_hour: float = 15.0) -> np.ndarray:
    """Seeded hourly wind speed at hub height, Weibull marginal, in one vectorised pass.

    Parameters
    ----------
    mean_m_per_s : float
        Long-run mean wind speed at ``ref_height_m`` [m/s].
    weibull_k : float
        Weibull shape (typically 1.5-2.5) [-].
    n_years : int
        Number of years.
    rng : np.random.Generator
        The only source of randomness; same state -> bit-identical output.
    hub_height_m, ref_height_m : float
        Hub and measurement heights [m].
    shear_exponent : float
        Power-law (Hellmann) exponent alpha [-]; 1/7 for open flat terrain.
    persistence : float
        Lag-1 coefficient of the hourly Gaussian AR(1), in [0, 1) [-].
    diurnal_amplitude_share : float
        Relative diurnal amplitude, in [0, 1) [-]; 0 gives an exact Weibull.
    diurnal_peak_hour : float
        Local standard time of the diurnal maximum [h].

    Returns
    -------
    np.ndarray
        Wind speed at hub height [m/s], shape (n_years, 8760), >= 0.
    """
    if n_years < 1:
        raise ValueError(f"n_years must be >= 1, got {n_years}")
    if mean_m_per_s <= 0 or weibull_k <= 0:
        raise ValueError(f"mean and Weibull k must be > 0, got {mean_m_per_s}, {weibull_k}")
    if not 0.0 <= persistence < 1.0:
        raise ValueError(f"persistence must be in [0, 1), got {persistence}")
    if not 0.0 <= diurnal_amplitude_share < 1.0:
        raise ValueError(f"diurnal_amplitude_share must be in [0, 1), got {diurnal_amplitude_share}")
    if hub_height_m <= 0 or ref_height_m <= 0:
        raise ValueError("heights must be > 0")
    n = n_years * HOURS_PER_YEAR
    z0 = rng.standard_normal(1)
    eps = rng.standard_normal(n) * np.sqrt(1.0 - persistence * persistence)
    z = signal.lfilter([1.0], [1.0, -persistence], eps, zi=persistence * z0)[0]
    # -ln(1 - Phi(z)) = -ln Phi(-z): an Exp(1) variate, accurate in both tails.
    exp1 = -special.log_ndtr(-z)
    speed = weibull_scale(mean_m_per_s, weibull_k) * exp1 ** (1.0 / weibull_k)
    speed = speed.reshape(n_years, HOURS_PER_YEAR)
    if diurnal_amplitude_share:
        speed *= np.tile(diurnal_factor(diurnal_amplitude_share, diurnal_peak_hour), 365)
    return speed * (hub_height_m / ref_height_m) ** shear_exponent


def power_curve_kw_per_kw(speed, cut_in: float = 3.0, rated: float = 12.0, cut_out: float = 25.0,
                          shape: str = "cubic") -> np.ndarray:
    """Analytic normalised power curve [kW per kW rated].

    Parameters
    ----------
    speed : array-like
        Hub-height wind speed [m/s].
    cut_in, rated, cut_out : float
        Cut-in, rated and cut-out speeds [m/s], ``0 <= cut_in < rated < cut_out``.
    shape : {"cubic", "linear"}
        Between cut-in and rated: ``(v³ - v_ci³) / (v_r³ - v_ci³)`` or ``(v - v_ci) / (v_r - v_ci)``.

    Returns
    -------
    np.ndarray
        Output share in [0, 1]; 0 below cut-in and at or above cut-out.
    """
    if not 0.0 <= cut_in < rated < cut_out:
        raise ValueError(f"need 0 <= cut_in < rated < cut_out, got {cut_in}, {rated}, {cut_out}")
    v = np.asarray(speed, dtype=float)
    if shape == "cubic":
        ramp = (v**3 - cut_in**3) / (rated**3 - cut_in**3)
    elif shape == "linear":
        ramp = (v - cut_in) / (rated - cut_in)
    else:
        raise ValueError(f"shape must be 'cubic' or 'linear', got {shape!r}")
    out = np.clip(ramp, 0.0, 1.0)
    return np.where((v < cut_in) | (v >= cut_out), 0.0, out)


@dataclass(frozen=True, eq=False)
class PowerCurve:
    """Tabulated normalised power curve: linear between points, 0 outside them.

    Attributes
    ----------
    name : str
    wind_speed_m_per_s : np.ndarray
        Increasing speeds [m/s]; the last one is the cut-out speed.
    power_share : np.ndarray
        Output per kW rated at those speeds, in [0, 1] [-].
    source : str
    confidence : str
    """

    name: str
    wind_speed_m_per_s: np.ndarray
    power_share: np.ndarray
    source: str = ""
    confidence: str = ""

    @property
    def cut_out_m_per_s(self) -> float:
        """Above this speed the turbine is stopped [m/s]."""
        return float(self.wind_speed_m_per_s[-1])

    def __call__(self, speed) -> np.ndarray:
        """Output share [kW/kW] at hub-height ``speed`` [m/s] (any shape)."""
        return np.interp(np.asarray(speed, dtype=float), self.wind_speed_m_per_s,
                         self.power_share, left=0.0, right=0.0)


@functools.lru_cache(maxsize=16)
def load_power_curve(name: str = "generic_3mw") -> PowerCurve:
    """A tabulated curve from ``data/wind_power_curve.csv`` (cached; arrays read-only).

    Parameters
    ----------
    name : str
        Value of the ``curve`` column.

    Returns
    -------
    PowerCurve
    """
    with resources.files("parktwin.data").joinpath("wind_power_curve.csv").open(
            "r", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    rows = table[table["curve"] == name].sort_values("wind_speed_m_per_s")
    if rows.empty:
        raise KeyError(f"no power curve {name!r} in data/wind_power_curve.csv; "
                       f"have {sorted(table['curve'].unique())}")
    speeds = rows["wind_speed_m_per_s"].to_numpy(dtype=float)
    share = rows["power_share"].to_numpy(dtype=float)
    if np.any(np.diff(speeds) <= 0) or np.any((share < 0) | (share > 1)):
        raise ValueError(f"power curve {name!r}: speeds must increase and shares lie in [0, 1]")
    speeds.setflags(write=False)
    share.setflags(write=False)
    return PowerCurve(name, speeds, share, str(rows["source"].iloc[0]), str(rows["confidence"].iloc[0]))


def wind_output_kw_per_kw(speeds, curve=None, losses_share: float = 0.1,
                          air_density_kg_per_m3: float = STANDARD_AIR_DENSITY_KG_PER_M3) -> np.ndarray:
    """Hourly wind-farm AC output per kW installed (hour mean = kWh per kW per hour).

    Parameters
    ----------
    speeds : array-like
        Hub-height wind speed [m/s], any shape (e.g. (n_years, 8760)).
    curve : PowerCurve or callable, optional
        Speed [m/s] -> output share [-]; default ``load_power_curve("generic_3mw")``.
    losses_share : float
        Lumped wake, availability and electrical losses, in [0, 1) [-]; 0.1 is
        an assumption (typical totals are ~10-15 %).
    air_density_kg_per_m3 : float
        Site air density [kg/m³]; the curve (at 1.225) is evaluated at the
        equivalent speed ``v (rho / 1.225)^(1/3)`` (IEC 61400-12-1 normalisation
        for pitch-regulated turbines).

    Returns
    -------
    np.ndarray
        Output [kW/kW], same shape as ``speeds``, in [0, 1 - losses_share].
    """
    if not 0.0 <= losses_share < 1.0:
        raise ValueError(f"losses_share must be in [0, 1), got {losses_share}")
    if air_density_kg_per_m3 <= 0:
        raise ValueError("air density must be > 0")
    curve = load_power_curve() if curve is None else curve
    v = np.asarray(speeds, dtype=float)
    if air_density_kg_per_m3 != STANDARD_AIR_DENSITY_KG_PER_M3:
        v = v * (air_density_kg_per_m3 / STANDARD_AIR_DENSITY_KG_PER_M3) ** (1.0 / 3.0)
    return curve(v) * (1.0 - losses_share)

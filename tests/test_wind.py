"""Statistical and physical checks of parktwin.energy.wind.

The Weibull-mean test, k recovery and lag-1 test run on 26 years (227,760
hours); the capacity-factor test on 100 years, because the hourly output is
strongly autocorrelated and 26 years leave a ~1 % sampling error on it.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats

from parktwin.data import CONFIDENCE_LEVELS
from parktwin.energy.wind import (
    PowerCurve,
    diurnal_factor,
    load_power_curve,
    power_curve_kw_per_kw,
    weibull_scale,
    wind_output_kw_per_kw,
    wind_speed_years,
)

N_YEARS = 26


def _gaussian_scores(speed: np.ndarray, mean: float, k: float) -> np.ndarray:
    """Invert the Weibull mapping: z = Phi^-1(F_Weibull(v)) [-]."""
    cdf = -np.expm1(-((speed / weibull_scale(mean, k)) ** k))
    return special.ndtri(cdf)


def _lag1(x: np.ndarray) -> float:
    a = x.ravel() - x.mean()
    return float((a[1:] * a[:-1]).sum() / (a * a).sum())


@pytest.mark.parametrize(("mean", "k"), [(6.0, 2.0), (4.5, 1.6), (8.0, 2.6)])
def test_weibull_mean_and_shape_recovered(mean, k):
    v = wind_speed_years(mean, k, N_YEARS, np.random.default_rng(11), hub_height_m=10.0)
    assert v.shape == (N_YEARS, 8760) and np.all(v >= 0) and np.all(np.isfinite(v))
    assert v.mean() == pytest.approx(mean, rel=0.02)
    k_fit, _, c_fit = stats.weibull_min.fit(v.ravel(), floc=0)
    assert k_fit == pytest.approx(k, rel=0.05)                 # with the default diurnal cycle
    exact = wind_speed_years(mean, k, N_YEARS, np.random.default_rng(11), hub_height_m=10.0,
                             diurnal_amplitude_share=0.0)
    k_exact, _, c_exact = stats.weibull_min.fit(exact.ravel(), floc=0)
    assert k_exact == pytest.approx(k, rel=0.02)
    assert c_exact == pytest.approx(weibull_scale(mean, k), rel=0.02)


@pytest.mark.parametrize("persistence", [0.0, 0.7, 0.9, 0.97])
def test_lag1_autocorrelation_in_the_gaussian_domain(persistence):
    v = wind_speed_years(6.0, 2.0, N_YEARS, np.random.default_rng(5), hub_height_m=10.0,
                         persistence=persistence)
    base = v / np.tile(diurnal_factor(0.1), 365)              # remove the known diurnal factor
    z = _gaussian_scores(base, 6.0, 2.0)
    assert _lag1(z) == pytest.approx(persistence, abs=0.01)
    assert z.std() == pytest.approx(1.0, abs=0.03)
    # Continuous across year boundaries (one AR(1) over all hours).
    jumps = z[1:, 0] - z[:-1, -1]
    assert np.abs(jumps).mean() < 1.5 * np.sqrt(2 * (1 - persistence)) + 0.05


def test_height_correction_and_diurnal_cycle():
    rng_args = dict(mean_m_per_s=5.0, weibull_k=2.0, n_years=2)
    low = wind_speed_years(**rng_args, rng=np.random.default_rng(3), hub_height_m=10.0)
    high = wind_speed_years(**rng_args, rng=np.random.default_rng(3), hub_height_m=100.0)
    np.testing.assert_allclose(high / low, 10.0 ** (1 / 7))       # power law, alpha = 1/7
    assert diurnal_factor(0.1).mean() == pytest.approx(1.0, abs=1e-15)
    v = wind_speed_years(6.0, 2.0, N_YEARS, np.random.default_rng(4), hub_height_m=10.0,
                         diurnal_amplitude_share=0.2, diurnal_peak_hour=15.0)
    profile = v.reshape(N_YEARS, 365, 24).mean(axis=(0, 1))
    assert np.argmax(profile) in (14, 15) and np.argmin(profile) in (2, 3)
    assert profile.max() / profile.mean() == pytest.approx(1.2, abs=0.03)


def test_same_seed_same_series():
    a = wind_speed_years(6.0, 2.0, 3, np.random.default_rng(42))
    b = wind_speed_years(6.0, 2.0, 3, np.random.default_rng(42))
    c = wind_speed_years(6.0, 2.0, 3, np.random.default_rng(43))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def _expected_output(curve, mean_ref, k, hub, losses, a=0.1, peak=15.0):
    """E[output] over Weibull x diurnal factor by numerical integration (quad per hour)."""
    c_hub = weibull_scale(mean_ref, k) * (hub / 10.0) ** (1 / 7)
    pdf = stats.weibull_min(k, scale=1.0).pdf
    total = 0.0
    for f in diurnal_factor(a, peak):
        scale = f * c_hub
        breaks = np.asarray(getattr(curve, "wind_speed_m_per_s", [3.0, 12.0, 25.0])) / scale
        val, _ = integrate.quad(lambda x: curve(x * scale) * pdf(x), 0.0, 40.0 / scale,
                                points=breaks[breaks < 40.0 / scale], limit=200)
        total += val / 24.0
    return total * (1.0 - losses)


@pytest.mark.parametrize(("mean_ref", "k", "curve_name"),
                         [(5.0, 2.0, "tabulated"), (6.5, 2.2, "tabulated"), (5.5, 1.8, "cubic")])
def test_capacity_factor_matches_the_integral_over_weibull(mean_ref, k, curve_name):
    if curve_name == "tabulated":
        curve = load_power_curve()
    else:
        def curve(v):
            return power_curve_kw_per_kw(v, 3.0, 12.0, 25.0, "cubic")
    speeds = wind_speed_years(mean_ref, k, 100, np.random.default_rng(2024), hub_height_m=100.0)
    cf = wind_output_kw_per_kw(speeds, curve, losses_share=0.1).mean()
    expected = _expected_output(curve, mean_ref, k, 100.0, 0.1)
    assert cf == pytest.approx(expected, rel=0.02)
    assert 0.15 < cf < 0.6


def test_analytic_power_curve_shape():
    v = np.linspace(0.0, 30.0, 3001)
    for shape in ("cubic", "linear"):
        p = power_curve_kw_per_kw(v, 3.0, 12.0, 25.0, shape)
        assert np.all(p[v < 3.0] == 0.0) and np.all(p[v >= 25.0] == 0.0)
        assert np.all(p[(v >= 12.0) & (v < 25.0)] == 1.0)
        ramp = p[(v >= 3.0) & (v <= 12.0)]
        assert np.all(np.diff(ramp) > 0)
    assert power_curve_kw_per_kw(7.5, 3.0, 12.0) == pytest.approx((7.5**3 - 27) / (12**3 - 27))
    with pytest.raises(ValueError):
        power_curve_kw_per_kw(5.0, 12.0, 3.0)


def test_shipped_curve_has_source_and_shape():
    curve = load_power_curve("generic_3mw")
    assert isinstance(curve, PowerCurve) and curve.confidence in CONFIDENCE_LEVELS
    assert "V112" in curve.source and "atlite" in curve.source
    assert curve.power_share.max() == 1.0 and curve.cut_out_m_per_s == 25.0
    assert np.all(np.diff(curve.power_share) >= 0)
    assert curve(2.0) == 0.0 and curve(13.0) == 1.0 and curve(24.9) == 1.0 and curve(25.1) == 0.0
    assert curve(8.0) == pytest.approx(1.375 / 3.06, abs=1e-4)
    with pytest.raises(KeyError, match="no power curve"):
        load_power_curve("no_such_turbine")


def test_losses_and_air_density():
    v = np.full((2, 8760), 8.0)
    base = wind_output_kw_per_kw(v, losses_share=0.0)
    assert np.all(wind_output_kw_per_kw(v, losses_share=0.1) == pytest.approx(0.9 * base))
    # A site at ~1,500 m (rho ~1.06 kg/m³) produces less below rated speed.
    thin = wind_output_kw_per_kw(v, losses_share=0.0, air_density_kg_per_m3=1.06)
    assert np.all(thin < base)
    above_rated = wind_output_kw_per_kw(np.full(3, 14.0), losses_share=0.0, air_density_kg_per_m3=1.06)
    assert np.all(above_rated == 1.0)

"""Physics checks of the synthetic weather + PV chain (parktwin.energy.weather / .solar).

References used for the asserted ranges:

* China solar resource zone IV (CMA 5-zone scheme): 4,180-5,016 MJ/m²·a
  = 1,161-1,393 kWh/m²·a; Suzhou (31.3 N, 120.6 E) is taken at 1,300 kWh/m²·a.
* China national average PV utilisation 1,133 full-load hours (2015, LONGi
  citing NEA); clear-sky-only simulation overstates real yield by ~40-60 %.
* The clear-sky annual GHI range (1,900-2,300 kWh/m²) is a sanity range for
  pvlib's Ineichen model with its default Linke-turbidity climatology, not a
  measured value.
"""

from __future__ import annotations

import numpy as np
import pvlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from parktwin.energy.erbs import erbs_from_geometry, erbs_split
from parktwin.energy.solar import (
    PvSystem,
    Site,
    Weather,
    clear_sky,
    pv_output_kw_per_kwp,
    weather_years,
)
from parktwin.energy.weather import (
    BETA_CONCENTRATION,
    DAYS_PER_YEAR,
    HOURS_PER_YEAR,
    _raw_clearness,
    lit_hours,
    standard_utc_offset,
)

N_YEARS = 26
SUZHOU = Site(latitude_deg=31.3, longitude_deg=120.6, altitude_m=5.0,
              timezone="Asia/Shanghai", annual_ghi_kwh_per_m2=1300.0)
DEFAULT_PV = PvSystem()

# Month boundaries as day indices of a non-leap year.
_MONTH_START = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _month_hours(month: int) -> slice:
    """Hour-of-year slice of calendar month ``month`` (1..12)."""
    return slice(24 * _MONTH_START[month - 1], 24 * _MONTH_START[month])


@pytest.fixture(scope="module")
def suzhou_weather() -> Weather:
    return weather_years(SUZHOU, N_YEARS, np.random.default_rng(20250101))


@pytest.fixture(scope="module")
def suzhou_pv(suzhou_weather) -> np.ndarray:
    return pv_output_kw_per_kwp(SUZHOU, DEFAULT_PV, suzhou_weather)


def _annual_ghi(weather: Weather) -> np.ndarray:
    return weather.ghi_w_per_m2.sum(axis=1) / 1000.0


def test_shapes_and_units(suzhou_weather, suzhou_pv):
    w = suzhou_weather
    for arr in (w.ghi_w_per_m2, w.dni_w_per_m2, w.dhi_w_per_m2, w.temp_air_c, suzhou_pv):
        assert arr.shape == (N_YEARS, HOURS_PER_YEAR)
        assert np.all(np.isfinite(arr))
    assert w.daily_clearness_share.shape == (N_YEARS, DAYS_PER_YEAR)
    assert np.all(w.daily_clearness_share > 0) and np.all(w.daily_clearness_share <= 1.0)
    assert np.all(suzhou_pv >= 0.0) and np.all(suzhou_pv <= 1.0)
    # Erbs closure: GHI = DHI + DNI cos(zenith).
    cs = clear_sky(SUZHOU)
    closure = w.dhi_w_per_m2 + w.dni_w_per_m2 * np.cos(np.radians(cs.zenith_deg))
    np.testing.assert_allclose(closure, w.ghi_w_per_m2, atol=1e-6)


# 1. Calibration -----------------------------------------------------------------

def test_every_year_calibrated_to_zone_iv_target(suzhou_weather):
    annual = _annual_ghi(suzhou_weather)
    assert 1161.0 <= SUZHOU.annual_ghi_kwh_per_m2 <= 1393.0  # zone IV, CMA
    assert np.all(np.abs(annual / 1300.0 - 1.0) < 0.005)
    # The exact piecewise-linear solve leaves only float rounding.
    assert np.max(np.abs(annual / 1300.0 - 1.0)) < 1e-9


@pytest.mark.parametrize("persistence", [0.0, 0.6, 0.95])
@pytest.mark.parametrize("target", [900.0, 1300.0, 2000.0])
def test_calibration_holds_across_persistence_and_targets(persistence, target):
    site = Site(31.3, 120.6, 5.0, "Asia/Shanghai", target)
    w = weather_years(site, 8, np.random.default_rng(7), persistence=persistence)
    assert np.all(np.abs(_annual_ghi(w) / target - 1.0) < 0.005)
    assert np.all(w.daily_clearness_share <= 1.0)


def test_infeasible_target_rejected():
    cs_annual = clear_sky(SUZHOU).annual_ghi_kwh_per_m2
    too_sunny = Site(31.3, 120.6, 5.0, "Asia/Shanghai", cs_annual * 1.01)
    with pytest.raises(ValueError, match="clear-sky annual"):
        weather_years(too_sunny, 2, np.random.default_rng(0))
    with pytest.raises(ValueError):
        weather_years(SUZHOU, 2, np.random.default_rng(0), persistence=1.0)


# 2. Specific yield --------------------------------------------------------------

def test_calibrated_specific_yield_matches_china_full_load_hours(suzhou_pv):
    yield_kwh_per_kwp = suzhou_pv.sum(axis=1)
    assert np.all((yield_kwh_per_kwp > 1000.0) & (yield_kwh_per_kwp < 1300.0))


def test_clear_sky_only_overstates_yield(suzhou_weather, suzhou_pv):
    cs = clear_sky(SUZHOU)
    clear = Weather(
        ghi_w_per_m2=cs.ghi_w_per_m2[None, :],
        dni_w_per_m2=cs.dni_w_per_m2[None, :],
        dhi_w_per_m2=cs.dhi_w_per_m2[None, :],
        temp_air_c=suzhou_weather.temp_air_c[:1],
        daily_clearness_share=np.ones((1, DAYS_PER_YEAR)),
    )
    clear_yield = pv_output_kw_per_kwp(SUZHOU, DEFAULT_PV, clear).sum()
    calibrated_yield = suzhou_pv[0].sum()
    assert clear_yield >= 1.35 * calibrated_yield


# 3. Day-to-day variability ---------------------------------------------------------

def test_daily_clearness_variability_and_persistence(suzhou_weather):
    k = suzhou_weather.daily_clearness_share
    assert k.std(axis=1).mean() >= 0.15
    anomalies = k - k.mean(axis=1, keepdims=True)
    lag1 = (anomalies[:, 1:] * anomalies[:, :-1]).sum(axis=1) / (anomalies**2).sum(axis=1)
    assert 0.3 <= lag1.mean() <= 0.9
    # Without persistence the days are (nearly) independent.
    iid = weather_years(SUZHOU, N_YEARS, np.random.default_rng(3), persistence=0.0)
    a0 = iid.daily_clearness_share - iid.daily_clearness_share.mean(axis=1, keepdims=True)
    lag1_iid = ((a0[:, 1:] * a0[:, :-1]).sum(axis=1) / (a0**2).sum(axis=1)).mean()
    assert abs(lag1_iid) < 0.1


# 4. Determinism ---------------------------------------------------------------------

def test_same_seed_bit_identical_different_seed_differs():
    a = weather_years(SUZHOU, 3, np.random.default_rng(42))
    b = weather_years(SUZHOU, 3, np.random.default_rng(42))
    c = weather_years(SUZHOU, 3, np.random.default_rng(43))
    for name in ("ghi_w_per_m2", "dni_w_per_m2", "dhi_w_per_m2", "temp_air_c",
                 "daily_clearness_share"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name))
    assert np.array_equal(pv_output_kw_per_kwp(SUZHOU, DEFAULT_PV, a),
                          pv_output_kw_per_kwp(SUZHOU, DEFAULT_PV, b))


def test_erbs_split_is_pvlibs_erbs_bit_for_bit():
    """erbs_split evaluates the Erbs polynomial only where it applies: the same DNI and DHI as
    pvlib.irradiance.erbs, to the last bit, on every kind of hour (night, each kt range, GHI < 0)."""
    cs = clear_sky(SUZHOU)
    rng = np.random.default_rng(3)
    ghi = cs.ghi_w_per_m2[None, :] * rng.uniform(0.0, 1.6, (4, HOURS_PER_YEAR))  # kt from 0 to beyond 1
    ghi[0, :50] = -1.0
    expected = pvlib.irradiance.erbs(ghi, cs.zenith_deg, cs.day_index + 1)
    dni, dhi = erbs_split(ghi, cs.zenith_deg, cs.day_index + 1)
    assert np.array_equal(dni, expected["dni"]) and np.array_equal(dhi, expected["dhi"])
    # bit for bit, with a NaN (a gap in a measured year), −0.0, +∞ and no year at all among the inputs
    ghi[1, rng.integers(0, HOURS_PER_YEAR, 40)] = np.nan
    ghi[2, rng.integers(0, HOURS_PER_YEAR, 40)] = -0.0
    ghi[3, rng.integers(0, HOURS_PER_YEAR, 5)] = np.inf
    with np.errstate(invalid="ignore"):  # (pvlib's numpy warns on ∞/∞ and NaN comparisons)
        expected = pvlib.irradiance.erbs(ghi, cs.zenith_deg, cs.day_index + 1)
    dni, dhi = erbs_split(ghi, cs.zenith_deg, cs.day_index + 1)
    assert np.isnan(dhi).any() and np.array_equal(_bits(dni), _bits(expected["dni"])) and np.array_equal(_bits(dhi), _bits(expected["dhi"]))
    empty = erbs_split(np.empty((0, HOURS_PER_YEAR)), cs.zenith_deg, cs.day_index + 1)
    assert [part.shape for part in empty] == [(0, HOURS_PER_YEAR)] * 2


def _bits(values) -> np.ndarray:
    """The float64 values' bit patterns (so a sign of zero or a last bit counts)."""
    return np.asarray(values, dtype=float).view(np.int64)


def _pv_on_every_hour(site: Site, system: PvSystem, w: Weather) -> np.ndarray:
    """The PV chain of ``pv_output_kw_per_kwp`` evaluated on all 8760 hours (what it did before it
    skipped the dark hours)."""
    cs = clear_sky(site)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt=system.tilt_deg, surface_azimuth=system.azimuth_deg, solar_zenith=cs.apparent_zenith_deg,
        solar_azimuth=cs.azimuth_deg, dni=w.dni_w_per_m2, ghi=w.ghi_w_per_m2, dhi=w.dhi_w_per_m2,
        dni_extra=cs.dni_extra_w_per_m2, albedo=system.albedo, model="haydavies")["poa_global"]
    temp_cell = pvlib.temperature.faiman(poa, w.temp_air_c, wind_speed=1.0)
    pdc = pvlib.pvsystem.pvwatts_dc(poa, temp_cell, pdc0=1.0, gamma_pdc=system.gamma_pdc_per_c)
    ac = pdc * ((1.0 - system.system_losses_share) * system.inverter_efficiency)
    return np.clip(ac, 0.0, 1.0) * (cs.apparent_zenith_deg < 90.0)


@pytest.mark.parametrize("site", [SUZHOU, Site(latitude_deg=40.8, longitude_deg=111.7, altitude_m=1050.0,
                                               timezone="Asia/Shanghai", annual_ghi_kwh_per_m2=1550.0)])
def test_dark_hours_skipped_bit_for_bit(site):
    """The Erbs split and the PV chain run only on ``lit_hours``: the same arrays, to the last bit
    (signs of zeros included), as evaluating every hour, so skipping the dark half of the year
    changes no number."""
    w = weather_years(site, 3, np.random.default_rng(11))
    cs = clear_sky(site)
    dni, dhi = erbs_split(w.ghi_w_per_m2, cs.zenith_deg, cs.day_index + 1)
    assert np.array_equal(_bits(w.dni_w_per_m2), _bits(dni)) and np.array_equal(_bits(w.dhi_w_per_m2), _bits(dhi))
    tilted = PvSystem(tilt_deg=35.0, azimuth_deg=160.0)
    for system in (DEFAULT_PV, tilted):
        assert np.array_equal(_bits(pv_output_kw_per_kwp(site, system, w)), _bits(_pv_on_every_hour(site, system, w)))
    assert 0.4 < len(lit_hours(site)) / HOURS_PER_YEAR < 0.7
    # below the polar circles the sun is up half the year's hours on average (the declination's
    # year is symmetric), a little more with refraction and the 87° Erbs margin: 0.505 at both sites
    assert 0.5 < len(lit_hours(site)) / HOURS_PER_YEAR < 0.52


@pytest.mark.parametrize("mean_share", [0.3, 0.6, 0.9])
def test_tabulated_beta_quantiles_match_scipy(mean_share):
    z = np.random.default_rng(5).normal(scale=1.5, size=(26, DAYS_PER_YEAR))
    exact = stats.beta.ppf(special.ndtr(z), mean_share * BETA_CONCENTRATION,
                           (1.0 - mean_share) * BETA_CONCENTRATION)
    np.testing.assert_allclose(_raw_clearness(z, mean_share), np.maximum(exact, 1e-4), atol=1e-6)


def test_clear_sky_cached_and_read_only():
    assert clear_sky(SUZHOU) is clear_sky(SUZHOU)
    with pytest.raises(ValueError):
        clear_sky(SUZHOU).ghi_w_per_m2[0] = 1.0


# 5. Geometry ------------------------------------------------------------------------

def test_no_output_at_night(suzhou_weather, suzhou_pv):
    cs = clear_sky(SUZHOU)
    night = cs.apparent_zenith_deg >= 90.0
    assert 0.4 < night.mean() < 0.6
    assert np.all(suzhou_pv[:, night] == 0.0)
    assert np.all(suzhou_weather.ghi_w_per_m2[:, night] == 0.0)
    assert np.all(suzhou_pv[:, ~night].max(axis=0) >= 0.0)
    assert suzhou_pv[:, ~night].mean() > 0.1


@pytest.mark.parametrize(
    ("longitude_deg", "timezone", "meridian_deg"),
    [
        (116.4, "Asia/Shanghai", 120.0),      # Beijing-like, solar noon ~12:14 CST
        (100.0, "Asia/Shanghai", 120.0),      # far west of the zone meridian, noon ~13:20
        (-105.0, "America/Denver", -105.0),   # DST zone: hours are standard time, noon ~12:00
    ],
)
def test_june_output_peaks_at_local_solar_noon(longitude_deg, timezone, meridian_deg):
    assert standard_utc_offset(timezone).total_seconds() / 3600.0 == meridian_deg / 15.0
    site = Site(40.0, longitude_deg, 50.0, timezone, 1450.0)
    weather = weather_years(site, 4, np.random.default_rng(11))
    pv = pv_output_kw_per_kwp(site, DEFAULT_PV, weather)
    june = pv[:, _month_hours(6)].reshape(4, 30, 24).mean(axis=(0, 1))
    solar_noon_h = 12.0 + (meridian_deg - longitude_deg) / 15.0  # equation of time (|.| < 3 min in June) ignored
    assert abs(np.argmax(june) + 0.5 - solar_noon_h) <= 1.0
    # Stricter timing check on the geometry: the hour of minimum zenith on 21 June
    # has its centre within half an hour (+ equation of time) of solar noon.
    cs = clear_sky(site)
    day = 171  # 21 June
    zen = cs.apparent_zenith_deg[24 * day: 24 * (day + 1)]
    assert abs(np.argmin(zen) + 0.5 - solar_noon_h) <= 0.55
    # Sun elevation at noon ~ 90 - (40 - 23.44) = 73.4 deg.
    assert 90.0 - zen.min() == pytest.approx(73.4, abs=1.5)


# 6. Clear-sky sanity range --------------------------------------------------------------

def test_clear_sky_annual_ghi_sanity_range():
    cs = clear_sky(SUZHOU)
    assert 1900.0 <= cs.annual_ghi_kwh_per_m2 <= 2300.0
    assert cs.annual_ghi_kwh_per_m2 == pytest.approx(cs.ghi_w_per_m2.sum() / 1000.0)
    # Clear-sky GHI can never exceed the extraterrestrial horizontal irradiance.
    toa_horizontal = cs.dni_extra_w_per_m2 * np.maximum(np.cos(np.radians(cs.zenith_deg)), 0.0)
    assert np.all(cs.ghi_w_per_m2 <= toa_horizontal + 1.0)


# 7. Air temperature -----------------------------------------------------------------------

def test_air_temperature_climatology(suzhou_weather):
    t = suzhou_weather.temp_air_c
    assert abs(t.mean() - SUZHOU.mean_temp_c) <= 0.3
    # Single years vary (AR(1) anomaly, interannual std ~0.25 °C) but stay close.
    assert np.all(np.abs(t.mean(axis=1) - SUZHOU.mean_temp_c) <= 1.0)
    jan = t[:, _month_hours(1)].mean()
    jul = t[:, _month_hours(7)].mean()
    assert jul - jan == pytest.approx(2.0 * SUZHOU.temp_annual_amplitude_c, abs=3.0)
    daily_profile = t.reshape(N_YEARS, DAYS_PER_YEAR, 24).mean(axis=(0, 1))
    assert np.argmin(daily_profile) in (4, 5)   # hour centres 04:30 / 05:30
    assert np.argmax(daily_profile) in (13, 14)
    swing = daily_profile.max() - daily_profile.min()
    assert swing == pytest.approx(2.0 * SUZHOU.temp_diurnal_amplitude_c, rel=0.1)


# Property test over random sites ----------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(
    latitude_deg=st.floats(-55.0, 60.0),
    longitude_deg=st.floats(-179.0, 179.0),
    timezone=st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "Australia/Sydney",
                              "America/Sao_Paulo", "Asia/Kolkata", "UTC"]),
    share=st.floats(0.35, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_calibration_and_bounds_for_any_site(latitude_deg, longitude_deg, timezone, share, seed):
    geometry = Site(latitude_deg, longitude_deg, 100.0, timezone, 1.0)
    target = share * clear_sky(geometry).annual_ghi_kwh_per_m2
    site = Site(latitude_deg, longitude_deg, 100.0, timezone, target)
    w = weather_years(site, 3, np.random.default_rng(seed))
    assert np.all(np.abs(_annual_ghi(w) / target - 1.0) < 0.005)
    pv = pv_output_kw_per_kwp(site, PvSystem(tilt_deg=abs(latitude_deg) * 0.7,
                                             azimuth_deg=180.0 if latitude_deg >= 0 else 0.0), w)
    assert np.all((pv >= 0.0) & (pv <= 1.0))
    assert np.all(pv[:, clear_sky(site).apparent_zenith_deg >= 90.0] == 0.0)
    assert np.all(w.dni_w_per_m2 >= 0.0) and np.all(w.dhi_w_per_m2 >= 0.0)


def test_hourly_temperature_kernel_is_the_numpy_expression_bit_for_bit():
    """The air temperature's one-pass kernel gives, to the last bit, what the numpy expression of the
    same terms gives (diurnal + seasonal, then + the anomaly interpolated between day centres)."""
    from parktwin.energy import weather

    rng = np.random.default_rng(5)
    clearness = rng.uniform(0.05, 1.0, (4, 365))
    z = rng.standard_normal((4, 365))
    anomaly_day = weather.TEMP_ANOMALY_STD_C * z
    rel = clearness / clearness.mean(axis=1, keepdims=True)
    amp_day = SUZHOU.temp_diurnal_amplitude_c * (0.4 + 0.6 * rel)
    expected = (amp_day[:, :, None] * weather._DIURNAL_SHAPE).reshape(4, -1)
    expected += SUZHOU.mean_temp_c + SUZHOU.temp_annual_amplitude_c * weather._ANNUAL_SHAPE
    expected += anomaly_day[:, weather._DAY_LO] * weather._DAY_W_LO + anomaly_day[:, weather._DAY_HI] * weather._DAY_W
    assert np.array_equal(_bits(weather._air_temperature(SUZHOU, clearness, z)), _bits(expected))


def test_clearness_lookup_is_np_interp_bit_for_bit():
    """The Beta-quantile lookup finds the grid interval arithmetically: the same numbers as np.interp
    on the same grid and table, to the last bit, for normal scores and on, just beside and beyond
    every grid point."""
    from parktwin.energy import weather

    grid = weather._Z_GRID
    for mean_share in (0.35, 0.72):
        table = weather._beta_quantile_table(mean_share)[0]
        z = np.concatenate([np.random.default_rng(9).standard_normal(200_000) * 3.0, grid,
                            np.nextafter(grid, np.inf), np.nextafter(grid, -np.inf), [-9.0, 9.0, -np.inf, np.inf]])
        assert np.array_equal(_bits(_raw_clearness(z, mean_share)), _bits(np.interp(z, grid, table)))


def test_clearness_calibration_kernel_is_the_numpy_expression_bit_for_bit():
    """The calibration's one-pass kernel gives, to the last bit, what the numpy expression of the same
    solve gives (days sorted by clearness, running sums from 0, the breakpoints clipped, the scale),
    for targets from half the clear-sky year to just under it and ties at the clearness floor."""
    from parktwin.energy import weather

    cs = clear_sky(SUZHOU)
    daily = cs.daily_ghi_kwh_per_m2
    rng = np.random.default_rng(12)
    for trial in range(40):
        k = _raw_clearness(rng.standard_normal((5, 365)) * (1.0 + 3.0 * (trial % 2)), 0.55)  # wide scores: ties at the floor
        for target in (0.5 * cs.annual_ghi_kwh_per_m2, 1300.0, 0.999 * cs.annual_ghi_kwh_per_m2):
            order = np.argsort(-k, axis=1)
            ks, gs = np.take_along_axis(k, order, axis=1), daily[order]
            zero = np.zeros((k.shape[0], 1))
            cum_g = np.concatenate([zero, np.cumsum(gs, axis=1)], axis=1)
            cum_kg = np.concatenate([zero, np.cumsum(ks * gs, axis=1)], axis=1)
            tail_kg = cum_kg[:, -1:] - cum_kg
            n_clipped = np.sum(cum_g[:, :-1] + tail_kg[:, :-1] / ks <= target, axis=1, keepdims=True)
            scale = (target - np.take_along_axis(cum_g, n_clipped, axis=1)) / np.take_along_axis(tail_kg, n_clipped, axis=1)
            expected = np.minimum(k * scale, 1.0)
            assert np.array_equal(_bits(weather._calibrate_clearness(k, daily, target)), _bits(expected))


def test_lit_weathers_irradiance_is_the_days_clearness_times_clear_sky_then_erbs_bit_for_bit():
    """``weather_years`` makes the lit hours' GHI and its clearness index in one pass: to the last
    bit the day's clearness repeated over its lit hours × the clear-sky GHI, and DNI and DHI what
    ``erbs_from_geometry`` gives for that GHI."""
    from parktwin.energy import weather

    for site in (SUZHOU, Site(latitude_deg=40.8, longitude_deg=111.7, altitude_m=1050.0, timezone="Asia/Shanghai",
                              annual_ghi_kwh_per_m2=1550.0)):
        w = weather.weather_years(site, 4, np.random.default_rng(21))
        cs, lit = clear_sky(site), lit_hours(site)
        ghi = np.repeat(w.daily_clearness_share, np.bincount(cs.day_index[lit], minlength=DAYS_PER_YEAR), axis=1)
        ghi *= cs.ghi_w_per_m2[lit]
        dni, dhi = erbs_from_geometry(ghi, weather.lit_erbs_geometry(site))
        for got, expected in ((w.ghi_w_per_m2[:, lit], ghi), (w.dni_w_per_m2[:, lit], dni), (w.dhi_w_per_m2[:, lit], dhi)):
            assert np.array_equal(_bits(got), _bits(expected))


def test_ar1_filter_is_scipys_lfilter_bit_for_bit():
    """The daily AR(1) recursion gives, to the last bit, what ``scipy.signal.lfilter`` (direct form II
    transposed, initial state ``coef × z0``) gives, for persistences from 0 to 0.95."""
    from scipy import signal

    from parktwin.energy import weather

    rng = np.random.default_rng(13)
    for coef in (0.0, 0.3, weather.TEMP_ANOMALY_PERSISTENCE, 0.95):
        eps, z0 = rng.standard_normal((6, 365)) * 2.0, rng.standard_normal((6, 1))
        expected = signal.lfilter([1.0], [1.0, -coef], eps, axis=1, zi=coef * z0)[0]
        assert np.array_equal(_bits(weather._ar1_filter(eps, coef * z0[:, 0], coef)), _bits(expected))


@pytest.mark.parametrize("site", [SUZHOU, Site(latitude_deg=40.8, longitude_deg=111.7, altitude_m=1050.0, timezone="Asia/Shanghai",
                                               annual_ghi_kwh_per_m2=1550.0),
                                  Site(latitude_deg=64.0, longitude_deg=20.0, altitude_m=10.0, timezone="Europe/Stockholm",
                                       annual_ghi_kwh_per_m2=800.0)])
def test_pv_straight_from_the_daily_clearness_is_the_chain_bit_for_bit(site):
    """A run's PV output goes from the seeded daily clearness to the AC output without the hourly
    irradiance arrays (``synthetic_pv_kw_per_kwp``, only the sun-up hours, the Erbs polynomial's powers
    from numpy and the rest compiled): to the last bit what ``weather_years`` then ``pv_output_kw_per_kwp``
    give, for a south-facing, a tilted south-east and a west-facing wall with a bright ground; the same
    draws give the same air temperature."""
    from parktwin.energy.solar import synthetic_pv_kw_per_kwp
    from parktwin.energy.weather import daily_weather

    for system in (DEFAULT_PV, PvSystem(tilt_deg=35.0, azimuth_deg=160.0), PvSystem(tilt_deg=90.0, azimuth_deg=270.0, albedo=0.5)):
        for seed in (3, 4):
            w = weather_years(site, 4, np.random.default_rng(seed))
            daily = daily_weather(site, 4, np.random.default_rng(seed))
            assert np.array_equal(_bits(daily.temp_air_c), _bits(w.temp_air_c))
            got = synthetic_pv_kw_per_kwp(site, system, daily)
            assert np.array_equal(_bits(got), _bits(pv_output_kw_per_kwp(site, system, w)))


def test_erbs_polynomial_from_numpys_powers_is_pvlibs_expression_bit_for_bit():
    """Erbs' diffuse-fraction polynomial computed from numpy's third and fourth powers, the rest
    compiled (``polynomial_share_of``), equals pvlib's numpy expression (``pvlib.irradiance.erbs``, as it
    stands) to the last bit over its range."""
    from parktwin.energy.erbs import polynomial_powers, polynomial_share_of

    def polynomial_share(mid_kt):  # pvlib.irradiance.erbs's expression where 0.22 < kt <= 0.8
        return 0.9511 - 0.1604 * mid_kt + 4.388 * mid_kt**2 - 16.638 * mid_kt**3 + 12.336 * mid_kt**4

    kt = np.concatenate([np.random.default_rng(17).uniform(0.22, 0.8, 100_000), [np.nextafter(0.22, 1.0), 0.8, 0.5]])
    cube, fourth = polynomial_powers(kt)
    got = np.array([polynomial_share_of(x, c, f) for x, c, f in zip(kt, cube, fourth)])
    assert np.array_equal(_bits(got), _bits(polynomial_share(kt)))

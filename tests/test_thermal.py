"""Degree-hour heating/cooling demand and Carnot-share COPs (parktwin.energy.thermal).

References for asserted values:

* DEA industrial heat pump annual COP 2.63 (2025, sinks <= 125 °C) and 3.0
  (<= 150 °C): docs/reference-facts.md §3.
* Greensboro NC degree-days (base 65 °F) of roughly 3,800 heating / 1,300-1,400
  cooling: NOAA climate normals [recollection, not re-read]; the test uses a wide
  band and mainly guards the unit handling of the TMY3 temperature column.
* Air-to-water heat pumps at A7/W35 (EN 14511 rating point) reach COP ~4-5
  [recollection]; used as a sanity band for eta = 0.45.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pvlib
import pytest

from parktwin.energy.thermal import (
    CARNOT_EFFICIENCY_SHARE,
    COP_MAX,
    COP_MIN,
    INDUSTRIAL_HP_SINK_C,
    industrial_heat_pump_cop,
    cop_carnot,
    degree_hours,
    heating_cooling_kwh,
    heating_cop_of_hour,
    hourly_electricity_for_heat,
    source_temperature_for_cop,
)
from parktwin.energy.weather import Site, weather_years
from parktwin.energy.weather_files import read_weather_file

HOURS = 8760
DEA_COP_125C_2025 = 2.63
"""DEA industrial heat pump, sinks <= 125 °C, annual COP 2025 (docs/reference-facts.md §3)."""
_T = (np.arange(HOURS) + 0.5) / HOURS


def _sinusoid(mean_c: float, amplitude_c: float) -> np.ndarray:
    return mean_c + amplitude_c * np.sin(2.0 * np.pi * _T)


def _analytic_excess_hours(d: float, amplitude: float) -> float:
    """Sum over one period of max(d + A cos(theta), 0) with theta uniform: 8760 x E[.] [K·h]."""
    if d >= amplitude:
        return HOURS * d
    if d <= -amplitude:
        return 0.0
    return HOURS * (d * np.arccos(-d / amplitude) + np.sqrt(amplitude**2 - d**2)) / np.pi


# --------------------------------------------------------------------------- degree-hours


@pytest.mark.parametrize(("mean_c", "amplitude_c"), [(12.0, 15.0), (20.0, 8.0), (5.0, 10.0), (30.0, 3.0)])
def test_degree_hours_of_a_sinusoid_equal_the_integral(mean_c, amplitude_c):
    t = _sinusoid(mean_c, amplitude_c)
    hdh = degree_hours(t, 18.0, "heating")
    cdh = degree_hours(t, 26.0, "cooling")
    assert hdh == pytest.approx(_analytic_excess_hours(18.0 - mean_c, amplitude_c), rel=1e-5, abs=1e-6)
    assert cdh == pytest.approx(_analytic_excess_hours(mean_c - 26.0, amplitude_c), rel=1e-5, abs=1e-6)


def test_degree_hours_per_year_and_daily_mean_bound():
    rng = np.random.default_rng(0)
    t = _sinusoid(12.0, 12.0) + 5.0 * np.sin(2 * np.pi * np.arange(HOURS) / 24) + rng.normal(0, 1, HOURS)
    both = np.stack([t, t - 2.0])
    hdh = degree_hours(both, 18.0)
    assert hdh.shape == (2,) and hdh[1] > hdh[0]
    daily_mean = t.reshape(365, 24).mean(axis=1)
    hdd_daily = np.maximum(18.0 - daily_mean, 0.0).sum()
    assert hdd_daily <= hdh[0] / 24.0                       # hours do not cancel within a day


# --------------------------------------------------------------------------- demand


def test_reference_climate_gives_the_stated_intensities():
    site = Site(31.3, 120.6, 5.0, "Asia/Shanghai", 1300.0)
    t = weather_years(site, 26, np.random.default_rng(9)).temp_air_c
    d = heating_cooling_kwh(t, 10_000.0, 50.0, 30.0)
    # No reference given: the 26 years are the reference, their mean is exact.
    assert d.heat_kwh.sum(axis=1).mean() == pytest.approx(10_000.0 * 50.0, rel=1e-12)
    assert d.cold_kwh.sum(axis=1).mean() == pytest.approx(10_000.0 * 30.0, rel=1e-12)
    # Each year's demand is proportional to its degree-hours.
    np.testing.assert_allclose(d.heat_kwh.sum(axis=1) / degree_hours(t, 18.0),
                               d.heat_kwh_per_kh, rtol=1e-12)
    # Explicit reference: a year equal to it gives exactly the intensity; 2 K warmer, less heat.
    ref_hdh = float(degree_hours(t[0], 18.0))
    ref_cdh = float(degree_hours(t[0], 26.0, "cooling"))
    same = heating_cooling_kwh(t[0], 1.0, 80.0, 20.0, ref_heating_degree_hours_kh=ref_hdh,
                               ref_cooling_degree_hours_kh=ref_cdh)
    assert same.heat_kwh.sum() == pytest.approx(80.0) and same.cold_kwh.sum() == pytest.approx(20.0)
    warm = heating_cooling_kwh(t[0] + 2.0, 1.0, 80.0, 20.0, ref_heating_degree_hours_kh=ref_hdh,
                               ref_cooling_degree_hours_kh=ref_cdh)
    assert warm.heat_kwh.sum() < 80.0 and warm.cold_kwh.sum() > 20.0
    assert warm.heat_kwh.sum() == pytest.approx(80.0 * degree_hours(t[0] + 2.0, 18.0) / ref_hdh)


def test_no_cooling_below_base_and_no_heating_above():
    t = np.linspace(-10.0, 40.0, HOURS)
    d = heating_cooling_kwh(t, 100.0, 60.0, 40.0, base_heating_c=18.0, base_cooling_c=26.0)
    assert np.all(d.cold_kwh[t <= 26.0] == 0.0) and np.all(d.cold_kwh[t > 26.0] > 0.0)
    assert np.all(d.heat_kwh[t >= 18.0] == 0.0) and np.all(d.heat_kwh[t < 18.0] > 0.0)
    dead_band = (t >= 18.0) & (t <= 26.0)
    assert np.all(d.heat_kwh[dead_band] + d.cold_kwh[dead_band] == 0.0)
    cold_only = heating_cooling_kwh(np.full(HOURS, 10.0), 100.0, 60.0, 0.0)
    assert np.all(cold_only.cold_kwh == 0.0) and cold_only.heat_kwh.sum() == pytest.approx(6000.0)
    with pytest.raises(ValueError, match="no cooling degree-hours"):
        heating_cooling_kwh(np.full(HOURS, 10.0), 100.0, 60.0, 5.0)
    with pytest.raises(ValueError, match="heating base"):
        heating_cooling_kwh(t, 1.0, 1.0, 1.0, base_heating_c=27.0)


def test_greensboro_tmy3_degree_days_sanity():
    m = read_weather_file(Path(pvlib.__file__).parent / "data" / "723170TYA.CSV")
    daily = m.temp_air_c.reshape(365, 24).mean(axis=1)
    base_65f = (65.0 - 32.0) / 1.8
    hdd_f = np.maximum(base_65f - daily, 0.0).sum() * 1.8
    cdd_f = np.maximum(daily - base_65f, 0.0).sum() * 1.8
    assert 3300.0 < hdd_f < 4400.0 and 1000.0 < cdd_f < 1700.0
    d = heating_cooling_kwh(m.temp_air_c, 1000.0, 60.0, 25.0)
    winter = slice(0, 24 * 59)
    summer = slice(24 * 151, 24 * 243)
    assert d.heat_kwh[winter].sum() > 0.4 * d.heat_kwh.sum()
    assert d.cold_kwh[summer].sum() > 0.8 * d.cold_kwh.sum()


# --------------------------------------------------------------------------- COP


def test_dea_industrial_heat_pump_calibration():
    dea_cop_125 = DEA_COP_125C_2025
    # the model's pair: 40 °C waste heat, Carnot share 0.535 (data/constants.csv)
    assert industrial_heat_pump_cop(INDUSTRIAL_HP_SINK_C) == pytest.approx(dea_cop_125, rel=0.005)
    # the same 2.63 at eta 0.45 needs a 52.7 °C source
    assert source_temperature_for_cop(dea_cop_125, INDUSTRIAL_HP_SINK_C) == pytest.approx(52.7, abs=0.05)
    # DEA <= 150 °C class: COP 3.0 needs a much warmer source under this model (~86.5 °C) ...
    src_150 = source_temperature_for_cop(3.0, 150.0)
    assert src_150 == pytest.approx(86.5, abs=0.1)
    assert cop_carnot(150.0, src_150) == pytest.approx(3.0)
    # ... because with the 125 °C class's source a 150 °C sink is a bigger lift and a lower COP.
    assert industrial_heat_pump_cop(150.0) < dea_cop_125
    # One number fixes only the pair (eta, source): eta 0.535 with a 40 °C source also gives 2.63.
    assert cop_carnot(120.0, 40.0, efficiency_share=0.535) == pytest.approx(dea_cop_125, rel=0.005)


def test_cop_falls_as_lift_rises():
    lift = np.linspace(10.0, 120.0, 200)
    for sink in (45.0, 90.0, 150.0):
        cop = cop_carnot(sink, sink - lift)
        inside = (cop > COP_MIN) & (cop < COP_MAX)
        assert inside.sum() > 50 and np.all(np.diff(cop[inside]) < 0)
    source = 10.0
    sinks = np.linspace(40.0, 150.0, 100)
    assert np.all(np.diff(cop_carnot(sinks, source)) < 0)
    chiller = cop_carnot(np.linspace(30.0, 50.0, 50), 7.0, mode="cooling")
    assert np.all(np.diff(chiller) < 0)


def test_cop_clip_and_heating_cooling_relation():
    assert cop_carnot(35.0, 35.0) == COP_MAX                  # no lift, no division by zero
    assert cop_carnot(20.0, 30.0) == COP_MAX                  # negative lift
    assert cop_carnot(200.0, -30.0, efficiency_share=0.3) == COP_MIN
    heating = cop_carnot(35.0, 7.0)
    cooling = cop_carnot(35.0, 7.0, mode="cooling")
    assert heating - cooling == pytest.approx(CARNOT_EFFICIENCY_SHARE)
    assert 4.0 <= heating <= 5.5                              # A7/W35 air-to-water band
    with pytest.raises(ValueError):
        cop_carnot(35.0, 7.0, mode="drying")
    with pytest.raises(ValueError):
        cop_carnot(35.0, 7.0, efficiency_share=1.5)


def test_the_compiled_hour_is_cop_carnot_to_the_bit():
    # heating_cop_of_hour is cop_carnot's heating branch for one hour (compiled loops call it): the same
    # number for air from −40 to +100 °C (lifts of −15 to 135 K: the COP_MAX end, the Carnot share, the
    # COP_MIN end at share 0.3), and at lifts of exactly 0 and 1e-6 K
    source = np.r_[np.linspace(-45.0, 95.0, 20_001), 90.0, 90.0 - 1e-6]
    for sink, share in ((90.0, 0.535), (55.0, 0.45), (200.0, 0.3)):
        expected = cop_carnot(sink, source, share)
        got = np.array([heating_cop_of_hour(sink, float(t), share, COP_MIN, COP_MAX) for t in source])
        assert got.tobytes() == expected.tobytes()
    assert heating_cop_of_hour(35.0, 35.0, 0.45, COP_MIN, COP_MAX) == COP_MAX
    assert heating_cop_of_hour(200.0, -30.0, 0.3, COP_MIN, COP_MAX) == COP_MIN


def test_hourly_electricity_for_heat():
    heat = np.full((2, HOURS), 10.0)
    elec = hourly_electricity_for_heat(heat, 120.0, 52.7)
    assert heat.sum() / elec.sum() == pytest.approx(cop_carnot(120.0, 52.7))
    # Air-source heat pump for the Greensboro building, 45 °C supply: seasonal COP.
    m = read_weather_file(Path(pvlib.__file__).parent / "data" / "723170TYA.CSV")
    demand = heating_cooling_kwh(m.temp_air_c, 1000.0, 60.0, 25.0)
    power = hourly_electricity_for_heat(demand.heat_kwh, 45.0, m.temp_air_c)
    scop = demand.heat_kwh.sum() / power.sum()
    assert 2.5 < scop < 4.5
    # Cold hours cost more electricity per kWh of heat.
    per_kwh = power[demand.heat_kwh > 0] / demand.heat_kwh[demand.heat_kwh > 0]
    t_heat = m.temp_air_c[demand.heat_kwh > 0]
    assert per_kwh[t_heat < 0].mean() > per_kwh[t_heat > 10].mean()
    cold_elec = hourly_electricity_for_heat(demand.cold_kwh, m.temp_air_c + 10.0, 7.0, mode="cooling")
    assert np.all(cold_elec[demand.cold_kwh == 0] == 0.0)

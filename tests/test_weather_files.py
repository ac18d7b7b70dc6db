"""Weather files -> MeasuredWeather -> Weather (parktwin.energy.weather_files).

Real inputs: the TMY files pvlib ships in its package data (Greensboro NC and
Sand Point AK TMY3, Miami FL TMY2). pvlib ships no EPW, so the EPW tests write
the Greensboro TMY3 rows in EPW layout (EnergyPlus weather-file format: 8
header lines, 35 fields, hour 1..24 = end of the hour) and check that both
readers agree; this checks the EPW path against TMY3, not against an
independent EPW file.

Sanity range (not a measurement): a fixed-tilt system in North Carolina yields
about 1,300-1,450 kWh/kWp·a (NREL PVWatts order of magnitude for the US
south-east); the test accepts 1,250-1,450 with the project's default PV system.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from parktwin.energy.solar import PvSystem, pv_output_kw_per_kwp
from parktwin.energy.weather import HOURS_PER_YEAR, clear_sky
from parktwin.energy.weather_files import (
    MeasuredWeather,
    WeatherFileError,
    detect_format,
    draw_days,
    expand_days,
    read_weather_file,
    site_from_measured,
    weather_from_file,
    weather_from_measured,
)

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
GREENSBORO_TMY3 = PVLIB_DATA / "723170TYA.CSV"
SAND_POINT_TMY3 = PVLIB_DATA / "703165TY.csv"
MIAMI_TMY2 = PVLIB_DATA / "12839.tm2"
TMY3_FIRST_DATA_LINE = 3
MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
MONTH_START = np.cumsum([0] + MONTH_DAYS)


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def greensboro() -> MeasuredWeather:
    return read_weather_file(GREENSBORO_TMY3)


@pytest.fixture(scope="module")
def greensboro_raw() -> pd.DataFrame:
    """The TMY3 file read plainly (line 1 metadata, line 2 header)."""
    return pd.read_csv(GREENSBORO_TMY3, skiprows=1)


def _tmy3_lines() -> list[str]:
    return GREENSBORO_TMY3.read_text().splitlines(keepends=True)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines))
    return path


def _set_field(line: str, index: int, value: str) -> str:
    fields = line.rstrip("\n").split(",")
    fields[index] = value
    return ",".join(fields) + "\n"


def _hour_text(hour_of_year: int) -> str:
    """'Mar 05 12:00-13:00' as the reader prints an hour of a non-leap year."""
    day, hour = divmod(hour_of_year, 24)
    month = int(np.searchsorted(MONTH_START, day, side="right")) - 1
    name = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[month]
    return f"{name} {day - MONTH_START[month] + 1:02d} {hour:02d}:00-{hour + 1:02d}:00"


def _epw_text(raw: pd.DataFrame, year: int | None = None, leap: bool = False) -> str:
    """Greensboro TMY3 rows in EPW layout; with ``leap`` a 29 Feb (copy of 28 Feb) is inserted."""
    header = [
        "LOCATION,Greensboro,NC,USA,TMY3,723170,36.10,-79.95,-5.0,273.0",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,written from pvlib's 723170TYA.CSV for a reader test",
        "COMMENTS 2,",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    date = raw["Date (MM/DD/YYYY)"].str.split("/", expand=True).astype(int)
    n = len(raw)
    columns = [
        np.full(n, year) if year else date[2], date[0], date[1],
        raw["Time (HH:MM)"].str.split(":").str[0].astype(int), np.zeros(n, int),
        np.full(n, "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9"),
        raw["Dry-bulb (C)"], raw["Dew-point (C)"], raw["RHum (%)"], raw["Pressure (mbar)"] * 100,
        raw["ETR (W/m^2)"], raw["ETRN (W/m^2)"], np.full(n, 9999),
        raw["GHI (W/m^2)"], raw["DNI (W/m^2)"], raw["DHI (W/m^2)"],
        *(np.full(n, v) for v in (999999, 999999, 999999, 9999)),
        raw["Wdir (degrees)"], raw["Wspd (m/s)"],
        *(np.full(n, v) for v in (99, 99, 9999, 99999, 9, 999999999, 999, 0.999, 999, 99, 999, 999, 99)),
    ]
    rows = [",".join(str(v) for v in row) for row in zip(*(np.asarray(c) for c in columns))]
    if leap:
        feb28 = [r for r in rows if r.split(",")[1:3] == ["2", "28"]]
        at = rows.index(feb28[-1]) + 1
        rows[at:at] = [r.replace(",2,28,", ",2,29,", 1) for r in feb28]
    return "\n".join(header + rows) + "\n"


def _csv_text(m: MeasuredWeather, stamps: list[str], with_split: bool = True,
              with_wind: bool = True) -> str:
    cols = ["time", "ghi_w_per_m2", "temp_air_c"]
    data = [stamps, m.ghi_w_per_m2, m.temp_air_c]
    if with_split:
        cols += ["dni_w_per_m2", "dhi_w_per_m2"]
        data += [m.dni_w_per_m2, m.dhi_w_per_m2]
    if with_wind:
        cols.append("wind_speed_m_per_s")
        data.append(m.wind_speed_m_per_s)
    lines = [",".join(cols)]
    lines += [",".join([row[0]] + [repr(float(v)) for v in row[1:]]) for row in zip(*data)]
    return "\n".join(lines) + "\n"


def _local_stamps(offset: str, freq: str = "h", periods: int = HOURS_PER_YEAR) -> list[str]:
    times = pd.date_range("2025-01-01 00:00", periods=periods, freq=freq)
    return [t.strftime("%Y-%m-%dT%H:%M") + offset for t in times]


# --------------------------------------------------------------------------- reading real files


def test_greensboro_tmy3_matches_the_files_own_columns(greensboro, greensboro_raw):
    m, raw = greensboro, greensboro_raw
    assert m.fmt == "tmy3" and "GREENSBORO" in m.station
    assert (m.latitude_deg, m.longitude_deg, m.altitude_m, m.utc_offset_h) == (36.1, -79.95, 273.0, -5.0)
    for arr in (m.ghi_w_per_m2, m.dni_w_per_m2, m.dhi_w_per_m2, m.temp_air_c, m.wind_speed_m_per_s):
        assert arr.shape == (HOURS_PER_YEAR,) and np.all(np.isfinite(arr))
        assert not arr.flags.writeable
    # Annual GHI equals the file's own column sum (Wh/m² per hour -> kWh/m²).
    assert m.annual_ghi_kwh_per_m2 == pytest.approx(raw["GHI (W/m^2)"].sum() / 1000.0, rel=1e-12)
    assert m.annual_ghi_kwh_per_m2 == pytest.approx(1566.2, abs=0.1)
    # The file is in calendar order without 29 Feb: irradiance row i is hour i.
    np.testing.assert_array_equal(m.ghi_w_per_m2, raw["GHI (W/m^2)"].to_numpy(float))
    np.testing.assert_array_equal(m.dni_w_per_m2, raw["DNI (W/m^2)"].to_numpy(float))
    # Temperature and wind are end-of-hour readings averaged into hour means:
    # annual means unchanged, hour h = mean of readings h-1 and h (wrapping).
    t_file = raw["Dry-bulb (C)"].to_numpy(float)
    assert m.temp_air_c.mean() == pytest.approx(t_file.mean(), abs=1e-12)
    np.testing.assert_allclose(m.temp_air_c[1:], 0.5 * (t_file[1:] + t_file[:-1]))
    assert m.temp_air_c[0] == pytest.approx(0.5 * (t_file[0] + t_file[-1]))
    assert m.wind_speed_m_per_s.mean() == pytest.approx(raw["Wspd (m/s)"].mean(), abs=1e-12)
    assert not m.dni_dhi_derived


def test_end_of_hour_labels_are_shifted_to_interval_start(greensboro, greensboro_raw):
    """The file's extraterrestrial horizontal irradiance (ETR) lines up with pvlib's
    geometry at our half-hour centres only with the one-hour shift."""
    site = site_from_measured(greensboro, "America/New_York")
    cs = clear_sky(site)
    toa = cs.dni_extra_w_per_m2 * np.maximum(np.cos(np.radians(cs.zenith_deg)), 0.0)
    etr = greensboro_raw["ETR (W/m^2)"].to_numpy(float)   # row i -> hour i after the shift
    err = {lag: np.abs(np.roll(etr, lag) - toa).mean() for lag in (-1, 0, 1)}
    assert err[0] < 5.0                                   # W/m², centre-point vs hour mean
    assert err[-1] > 10 * err[0] and err[1] > 10 * err[0]
    # June GHI centroid falls on solar noon: 12:00 + (75 - 79.95) deg / 15 = 12:20 LST.
    june = greensboro.ghi_w_per_m2.reshape(365, 24)[151:181].mean(axis=0)
    centroid = (june * (np.arange(24) + 0.5)).sum() / june.sum()
    assert centroid == pytest.approx(12.0 + (79.95 - 75.0) / 15.0, abs=0.25)


def test_second_tmy3_and_tmy2_with_tenths():
    sand_point = read_weather_file(SAND_POINT_TMY3)
    assert sand_point.utc_offset_h == -9.0 and sand_point.latitude_deg == pytest.approx(55.317)
    raw = pd.read_csv(SAND_POINT_TMY3, skiprows=1)
    assert sand_point.annual_ghi_kwh_per_m2 == pytest.approx(raw["GHI (W/m^2)"].sum() / 1000.0)
    miami = read_weather_file(MIAMI_TMY2)
    assert miami.fmt == "tmy2" and miami.utc_offset_h == -5.0
    # read_tmy2 returns tenths of °C and m/s: the reader divides by 10.
    assert 22.0 < miami.temp_air_c.mean() < 27.0             # Miami, tropical
    assert 2.0 < miami.wind_speed_m_per_s.mean() < 7.0
    assert miami.temp_air_c.max() < 40.0
    assert 1600.0 < miami.annual_ghi_kwh_per_m2 < 2000.0


def test_epw_agrees_with_tmy3(tmp_path, greensboro, greensboro_raw):
    path = tmp_path / "greensboro.epw"
    path.write_text(_epw_text(greensboro_raw))
    epw = read_weather_file(path)
    assert epw.fmt == "epw" and epw.utc_offset_h == -5.0 and epw.latitude_deg == 36.1
    for name in ("ghi_w_per_m2", "dni_w_per_m2", "dhi_w_per_m2", "temp_air_c", "wind_speed_m_per_s"):
        np.testing.assert_allclose(getattr(epw, name), getattr(greensboro, name), err_msg=name)


def test_leap_year_epw_drops_29_february(tmp_path, greensboro, greensboro_raw):
    path = tmp_path / "leap.epw"
    path.write_text(_epw_text(greensboro_raw, year=2020, leap=True))
    assert len(path.read_text().splitlines()) == 8 + HOURS_PER_YEAR + 24
    leap = read_weather_file(path)
    np.testing.assert_allclose(leap.ghi_w_per_m2, greensboro.ghi_w_per_m2)
    np.testing.assert_allclose(leap.temp_air_c, greensboro.temp_air_c)


def test_format_detection(tmp_path, greensboro):
    assert detect_format(GREENSBORO_TMY3) == "tmy3"        # pvlib's TMY3 files end in .CSV
    assert detect_format(MIAMI_TMY2) == "tmy2"
    (tmp_path / "a.epw").write_text("LOCATION,x\n")
    assert detect_format(tmp_path / "a.epw") == "epw"
    (tmp_path / "b.csv").write_text("time,ghi_w_per_m2,temp_air_c\n")
    assert detect_format(tmp_path / "b.csv") == "csv"
    (tmp_path / "c.txt").write_text("")
    with pytest.raises(WeatherFileError, match="unknown extension"):
        read_weather_file(tmp_path / "c.txt")
    (tmp_path / "d.csv").write_text("a,b\n1,2\n")
    with pytest.raises(WeatherFileError, match="neither TMY3"):
        read_weather_file(tmp_path / "d.csv")
    with pytest.raises(WeatherFileError, match="no such file"):
        read_weather_file(tmp_path / "missing.epw")
    with pytest.raises(ValueError, match="CSV files only"):
        read_weather_file(GREENSBORO_TMY3, timezone="America/New_York")


# --------------------------------------------------------------------------- CSV layout


def test_csv_round_trip_with_offsets(tmp_path, greensboro):
    path = tmp_path / "g.csv"
    path.write_text(_csv_text(greensboro, _local_stamps("-05:00")))
    m = read_weather_file(path, latitude_deg=36.1, longitude_deg=-79.95, altitude_m=273.0)
    assert m.fmt == "csv" and m.utc_offset_h == -5.0 and not m.dni_dhi_derived
    for name in ("ghi_w_per_m2", "dni_w_per_m2", "dhi_w_per_m2", "temp_air_c", "wind_speed_m_per_s"):
        np.testing.assert_array_equal(getattr(m, name), getattr(greensboro, name), err_msg=name)


def test_csv_utc_stamps_converted_to_the_zones_standard_time(tmp_path, greensboro):
    # Local standard hours of 2025 written in UTC ("Z"): 00:00 -05:00 = 05:00Z. The
    # rows from 2026-01-01 00:00Z on are local 31 Dec 19:00.. and wrap to the year's end.
    utc = pd.date_range("2025-01-01 05:00", periods=HOURS_PER_YEAR, freq="h")
    path = tmp_path / "utc.csv"
    path.write_text(_csv_text(greensboro, [t.strftime("%Y-%m-%dT%H:%MZ") for t in utc]))
    kw = dict(latitude_deg=36.1, longitude_deg=-79.95)
    m = read_weather_file(path, timezone="America/New_York", **kw)
    assert m.utc_offset_h == -5.0
    np.testing.assert_array_equal(m.ghi_w_per_m2, greensboro.ghi_w_per_m2)
    # Without a zone the common offset (UTC) is taken: the same data, 5 h later in the day.
    m_utc = read_weather_file(path, **kw)
    assert m_utc.utc_offset_h == 0.0
    np.testing.assert_array_equal(m_utc.ghi_w_per_m2, np.roll(greensboro.ghi_w_per_m2, 5))
    # Naive stamps are standard time of `timezone`; a fixed offset in hours also works.
    naive = tmp_path / "naive.csv"
    naive.write_text(_csv_text(greensboro, _local_stamps("")))
    np.testing.assert_array_equal(read_weather_file(naive, timezone=-5, **kw).ghi_w_per_m2,
                                  greensboro.ghi_w_per_m2)
    with pytest.raises(ValueError, match="no UTC offset"):
        read_weather_file(naive, **kw)
    with pytest.raises(ValueError, match="latitude_deg"):
        read_weather_file(naive, timezone=-5)


def test_csv_daylight_saving_clock(tmp_path, greensboro):
    local = pd.date_range("2025-01-01 00:00", periods=HOURS_PER_YEAR, freq="h", tz="Etc/GMT+5")
    clock = local.tz_convert("America/New_York")              # -05:00 in winter, -04:00 in summer
    kw = dict(latitude_deg=36.1, longitude_deg=-79.95)
    with_offsets = tmp_path / "dst.csv"
    with_offsets.write_text(_csv_text(greensboro, [t.isoformat(timespec="minutes") for t in clock]))
    with pytest.raises(WeatherFileError, match="different UTC offsets"):
        read_weather_file(with_offsets, **kw)
    m = read_weather_file(with_offsets, timezone="America/New_York", **kw)
    np.testing.assert_array_equal(m.ghi_w_per_m2, greensboro.ghi_w_per_m2)
    # Naive local clock time: the spring hour is missing and an autumn hour repeats.
    naive = tmp_path / "dst_naive.csv"
    naive.write_text(_csv_text(greensboro, [t.strftime("%Y-%m-%dT%H:%M") for t in clock]))
    with pytest.raises(WeatherFileError, match="daylight saving") as err:
        read_weather_file(naive, timezone="America/New_York", **kw)
    assert err.value.field == "time" and "duplicate hours" in err.value.message


def test_csv_without_dni_dhi_uses_erbs(tmp_path, greensboro):
    path = tmp_path / "ghi_only.csv"
    path.write_text(_csv_text(greensboro, _local_stamps("-05:00"), with_split=False, with_wind=False))
    m = read_weather_file(path, latitude_deg=36.1, longitude_deg=-79.95, altitude_m=273.0)
    assert m.dni_dhi_derived and m.wind_speed_m_per_s is None
    cs = clear_sky(site_from_measured(m, "America/New_York"))
    closure = m.dhi_w_per_m2 + m.dni_w_per_m2 * np.cos(np.radians(cs.zenith_deg))
    np.testing.assert_allclose(closure, m.ghi_w_per_m2, atol=1e-6)
    # Erbs recovers the measured split only roughly: annual DNI within 20 %.
    assert m.dni_w_per_m2.sum() == pytest.approx(greensboro.dni_w_per_m2.sum(), rel=0.2)
    only_dni = tmp_path / "dni_only.csv"
    text = _csv_text(greensboro, _local_stamps("-05:00"), with_split=False, with_wind=False)
    only_dni.write_text(text.replace("temp_air_c\n", "temp_air_c,dni_w_per_m2\n", 1)
                        .replace("\n2025", ",0\n2025"))
    with pytest.raises(WeatherFileError, match="both dni_w_per_m2 and dhi_w_per_m2"):
        read_weather_file(only_dni, latitude_deg=36.1, longitude_deg=-79.95)


# --------------------------------------------------------------------------- broken files


def test_removed_row_is_a_reported_gap(tmp_path):
    lines = _tmy3_lines()
    removed_line = 1527                                         # 1-based file line
    del lines[removed_line - 1]
    with pytest.raises(WeatherFileError) as err:
        read_weather_file(_write(tmp_path / "gap.csv", lines))
    e = err.value
    assert e.field == "Time (HH:MM)" and e.path.endswith("gap.csv")
    assert "1 hour missing" in e.message and "8759 data rows" in e.message
    assert _hour_text(removed_line - TMY3_FIRST_DATA_LINE) in e.message
    assert isinstance(e, ValueError) and "gap.csv" in str(e)


def test_truncated_file_lists_the_first_missing_hours(tmp_path):
    lines = _tmy3_lines()[: 2 + 8000]
    with pytest.raises(WeatherFileError, match="760 hours missing") as err:
        read_weather_file(_write(tmp_path / "short.csv", lines))
    assert _hour_text(8000) in err.value.message and "and 755 more" in err.value.message


def test_nan_is_reported_with_its_line_and_column(tmp_path):
    lines = _tmy3_lines()
    lines[4000] = _set_field(lines[4000], 4, "NaN")             # GHI of file line 4001
    with pytest.raises(WeatherFileError) as err:
        read_weather_file(_write(tmp_path / "nan.csv", lines))
    assert err.value.field == "GHI (W/m^2)"
    assert "gaps" in err.value.message and "line 4001" in err.value.message
    assert _hour_text(4001 - TMY3_FIRST_DATA_LINE) in err.value.message


@pytest.mark.parametrize("replace", [True, False], ids=["overwritten", "inserted"])
def test_duplicated_hour(tmp_path, replace):
    lines = _tmy3_lines()
    if replace:
        lines[2001] = lines[2000]                               # 8760 rows, one hour twice
    else:
        lines.insert(2001, lines[2000])                         # 8761 rows
    with pytest.raises(WeatherFileError, match="duplicate hours") as err:
        read_weather_file(_write(tmp_path / "dup.csv", lines))
    assert err.value.field == "Time (HH:MM)" and "line 2002" in err.value.message


def test_negative_ghi(tmp_path):
    lines = _tmy3_lines()
    lines[4000] = _set_field(lines[4000], 4, "-5")
    with pytest.raises(WeatherFileError, match="negative irradiance") as err:
        read_weather_file(_write(tmp_path / "neg.csv", lines))
    assert err.value.field == "GHI (W/m^2)" and "line 4001" in err.value.message


def test_tmy3_sub_hourly_time(tmp_path):
    lines = _tmy3_lines()
    lines[100] = _set_field(lines[100], 1, "03:15")
    with pytest.raises(WeatherFileError, match="non-hourly") as err:
        read_weather_file(_write(tmp_path / "quarter.csv", lines))
    assert err.value.field == "Time (HH:MM)" and "line 101" in err.value.message


def test_csv_15_minute_data_is_rejected(tmp_path, greensboro):
    m = greensboro
    n = 4 * HOURS_PER_YEAR
    quarter = MeasuredWeather(*(np.repeat(a, 4) for a in (m.ghi_w_per_m2, m.dni_w_per_m2, m.dhi_w_per_m2,
                                                         m.temp_air_c, m.wind_speed_m_per_s)),
                              36.1, -79.95, 273.0, -5.0, "", "csv")
    path = tmp_path / "quarter.csv"
    path.write_text(_csv_text(quarter, _local_stamps("-05:00", freq="15min", periods=n)))
    with pytest.raises(WeatherFileError, match="non-hourly steps") as err:
        read_weather_file(path, latitude_deg=36.1, longitude_deg=-79.95)
    assert err.value.field == "time" and "line 3" in err.value.message


def test_epw_missing_value_codes(tmp_path, greensboro_raw):
    good = _epw_text(greensboro_raw).splitlines(keepends=True)
    hot = list(good)
    hot[8 + 100] = _set_field(hot[8 + 100], 6, "99.9")          # EPW missing dry bulb
    with pytest.raises(WeatherFileError, match=r"outside -60\.\.60") as err:
        read_weather_file(_write(tmp_path / "hot.epw", hot))
    assert err.value.field == "temp_air" and "line 109" in err.value.message
    bright = list(good)
    bright[8 + 200] = _set_field(bright[8 + 200], 13, "9999")    # EPW missing GHI
    with pytest.raises(WeatherFileError, match="above 1500") as err:
        read_weather_file(_write(tmp_path / "bright.epw", bright))
    assert err.value.field == "ghi"


def test_csv_missing_column_and_bad_timestamp(tmp_path, greensboro):
    text = _csv_text(greensboro, _local_stamps("-05:00"), with_split=False, with_wind=False)
    no_temp = tmp_path / "no_temp.csv"
    no_temp.write_text(text.replace("temp_air_c", "t_c", 1))
    with pytest.raises(WeatherFileError, match="required column missing") as err:
        read_weather_file(no_temp, latitude_deg=36.1, longitude_deg=-79.95)
    assert err.value.field == "temp_air_c"
    bad_time = tmp_path / "bad_time.csv"
    bad_time.write_text(text.replace("2025-03-01T05:00", "2025-03-01Tfive", 1))
    with pytest.raises(WeatherFileError, match="unreadable ISO 8601") as err:
        read_weather_file(bad_time, latitude_deg=36.1, longitude_deg=-79.95)
    assert "Tfive" in err.value.message


# --------------------------------------------------------------------------- model years


def test_repeat_mode_feeds_the_pv_chain(greensboro):
    site = site_from_measured(greensboro, "America/New_York")
    assert site.annual_ghi_kwh_per_m2 == pytest.approx(greensboro.annual_ghi_kwh_per_m2)
    weather = weather_from_file(site, greensboro, 26)
    assert weather.ghi_w_per_m2.shape == (26, HOURS_PER_YEAR)
    assert np.all(weather.ghi_w_per_m2 == greensboro.ghi_w_per_m2)
    assert weather.daily_clearness_share.shape == (26, 365)
    assert np.all((weather.daily_clearness_share > 0) & (weather.daily_clearness_share <= 1))
    pv = pv_output_kw_per_kwp(site, PvSystem(), weather)
    assert np.all((pv >= 0) & (pv <= 1)) and np.all(np.isfinite(pv))
    yield_kwh_per_kwp = pv.sum(axis=1)
    assert np.all(yield_kwh_per_kwp == yield_kwh_per_kwp[0])
    assert 1250.0 <= yield_kwh_per_kwp[0] <= 1450.0            # sanity range, see module doc


def test_resample_days_keeps_months_and_varies_years(greensboro):
    site = site_from_measured(greensboro, "America/New_York")
    weather = weather_from_file(site, greensboro, 26, np.random.default_rng(7), mode="resample_days")
    days = draw_days(26, np.random.default_rng(7), "resample_days")
    month_of_day = np.searchsorted(MONTH_START, np.arange(365), side="right") - 1
    assert np.all(month_of_day[days] == month_of_day)            # drawn from the same month
    np.testing.assert_array_equal(weather.ghi_w_per_m2, expand_days(greensboro.ghi_w_per_m2, days))
    np.testing.assert_array_equal(weather.temp_air_c, expand_days(greensboro.temp_air_c, days))
    # Whole days: each simulated day is one measured day, hour by hour.
    by_day = greensboro.ghi_w_per_m2.reshape(365, 24)
    assert np.array_equal(weather.ghi_w_per_m2[3].reshape(365, 24), by_day[days[3]])
    # Monthly climate kept (26 x ~30 draws per month): means within 6 %.
    for mth in range(12):
        hours = slice(24 * MONTH_START[mth], 24 * MONTH_START[mth + 1])
        assert weather.ghi_w_per_m2[:, hours].mean() == pytest.approx(
            greensboro.ghi_w_per_m2[hours].mean(), rel=0.06)
        assert weather.temp_air_c[:, hours].mean() == pytest.approx(
            greensboro.temp_air_c[hours].mean(), abs=1.0)
    annual = weather.ghi_w_per_m2.sum(axis=1) / 1000.0
    assert 0.005 < annual.std() / annual.mean() < 0.05           # years differ, modestly
    assert annual.mean() == pytest.approx(greensboro.annual_ghi_kwh_per_m2, rel=0.02)
    pv = pv_output_kw_per_kwp(site, PvSystem(), weather)
    assert np.all((pv >= 0) & (pv <= 1))
    assert np.all((pv.sum(axis=1) > 1250.0) & (pv.sum(axis=1) < 1450.0))


def test_resample_is_seeded_and_blocks_are_consecutive(greensboro):
    site = site_from_measured(greensboro, "America/New_York")
    a = weather_from_file(site, greensboro, 3, np.random.default_rng(1), mode="resample_days")
    b = weather_from_file(site, greensboro, 3, np.random.default_rng(1), mode="resample_days")
    c = weather_from_file(site, greensboro, 3, np.random.default_rng(2), mode="resample_days")
    assert np.array_equal(a.ghi_w_per_m2, b.ghi_w_per_m2) and np.array_equal(a.temp_air_c, b.temp_air_c)
    assert not np.array_equal(a.ghi_w_per_m2, c.ghi_w_per_m2)
    days = draw_days(50, np.random.default_rng(3), "resample_days", block_days=5)
    jan = days[:, :30] - MONTH_START[0]
    steps = (jan[:, 1:] - jan[:, :-1]) % 31
    in_block = (np.arange(1, 30) % 5) != 0                        # day j and j-1 in one block
    assert np.all(steps[:, in_block] == 1)
    assert np.array_equal(draw_days(2, None, "repeat"), np.tile(np.arange(365), (2, 1)))
    with pytest.raises(ValueError, match="needs rng"):
        draw_days(2, None, "resample_days")
    with pytest.raises(ValueError, match="mode"):
        draw_days(2, np.random.default_rng(0), "shuffle")


def test_site_consistency_is_checked(greensboro):
    site = site_from_measured(greensboro)
    assert site.timezone == "Etc/GMT+5"                            # UTC-5, POSIX sign
    shanghai = site.__class__(36.1, -79.95, 273.0, "Asia/Shanghai", 1500.0)
    with pytest.raises(ValueError, match="differs from the file's UTC offset"):
        weather_from_file(shanghai, greensboro, 2)
    far = site.__class__(30.0, -79.95, 0.0, "America/New_York", 1500.0)
    with pytest.raises(ValueError, match="deg from the site"):
        weather_from_file(far, greensboro, 2)
    with pytest.raises(ValueError, match="standard offset"):
        site_from_measured(greensboro, "Asia/Shanghai")


def test_weather_from_measured_arrays(greensboro):
    site = site_from_measured(greensboro, "America/New_York")
    w = weather_from_measured(site, greensboro.ghi_w_per_m2, greensboro.temp_air_c)
    assert w.ghi_w_per_m2.shape == (1, HOURS_PER_YEAR)
    cs = clear_sky(site)
    np.testing.assert_allclose(w.dhi_w_per_m2 + w.dni_w_per_m2 * np.cos(np.radians(cs.zenith_deg)),
                               w.ghi_w_per_m2, atol=1e-6)
    with pytest.raises(ValueError, match="8760"):
        weather_from_measured(site, np.zeros(100), np.zeros(100))

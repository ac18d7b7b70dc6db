"""Measured hourly series: reading, resampling, calendar and time zones, gaps and fills
(energy.measured), and their use in a run (base year as measured, later years by shape)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import PARK, scenario

from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.measured import (
    MeasuredSeriesError,
    calendar_hours,
    read_measured_series,
)
from parktwin.kernel.model import simulate
from parktwin.results.tables import build_results
from parktwin.spec.errors import InputError
from parktwin.spec.load import load_park

ROOT = Path(__file__).resolve().parents[1]
QUARTERS = 4 * HOURS_PER_YEAR


def year_stamps(freq: str = "15min", year: int = 2025, tz: str | None = None) -> pd.DatetimeIndex:
    return pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq=freq, inclusive="left", tz=tz)


def write_csv(path: Path, stamps, values, time_column: str = "time", value_column: str = "value") -> Path:
    text = stamps.strftime("%Y-%m-%d %H:%M") if hasattr(stamps, "strftime") else stamps
    pd.DataFrame({time_column: text, value_column: values}).to_csv(path, index=False)
    return path


def read(path, **kw):
    args = dict(year=2025, park_timezone="Asia/Shanghai")
    args.update(kw)
    return read_measured_series(path, **args)


# -- resampling by hand -----------------------------------------------------------------------
def test_quarter_hours_of_power_average_and_of_energy_sum(tmp_path):
    # quarters of hour h hold h, h+1, h+2, h+3 (kW): the hour's mean is h + 1.5 kW by hand
    hour = np.repeat(np.arange(HOURS_PER_YEAR, dtype=float), 4)
    values = hour + np.tile([0.0, 1.0, 2.0, 3.0], HOURS_PER_YEAR)
    path = write_csv(tmp_path / "p.csv", year_stamps(), values)
    power = read(path, unit="kW")
    assert power.interval_min == 15 and power.rows == QUARTERS
    np.testing.assert_allclose(power.kw[:3], [1.5, 2.5, 3.5], rtol=0, atol=1e-12)
    np.testing.assert_allclose(power.kw, np.arange(HOURS_PER_YEAR) + 1.5, rtol=0, atol=1e-9)
    # the same numbers as MWh per quarter: hour h holds 4h + 6 MWh = (4h + 6) × 1000 kW on average
    energy = read(path, unit="MWh")
    np.testing.assert_allclose(energy.kw[:2], [6000.0, 10000.0], rtol=1e-12)
    # MW average power ×1000, kWh per quarter summed: hour 0 = 0+1+2+3 = 6 kWh → 6 kW
    assert read(path, unit="MW").kw[0] == pytest.approx(1500.0, rel=1e-12)
    assert read(path, unit="kWh").kw[0] == pytest.approx(6.0, rel=1e-12)


def test_hourly_file_with_a_fixed_offset_moves_to_park_standard_time(tmp_path):
    # a UTC file for a Shanghai park (UTC+8): local hour 8 of 1 January is UTC hour 0, so the
    # file's first value lands at hour 8; the first 8 local hours come from 2024-12-31 16:00 UTC on
    stamps = pd.date_range("2024-12-31 16:00", periods=HOURS_PER_YEAR, freq="h")
    values = np.arange(HOURS_PER_YEAR, dtype=float)
    path = write_csv(tmp_path / "utc.csv", stamps, values)
    s = read(path, timezone="UTC")
    np.testing.assert_array_equal(s.kw, values)
    # stamps with their own offsets give the same series (no timezone needed)
    text = (stamps.tz_localize("UTC").tz_convert("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M%z")
    np.testing.assert_array_equal(read(write_csv(tmp_path / "aware.csv", text, values)).kw, values)


def test_interval_end_stamps_and_24_00(tmp_path):
    # a meter that labels each hour by its end and writes midnight as 24:00 of the day before:
    # 2025-01-01 01:00 … 2025-01-01 24:00, …, 2025-12-31 24:00 holds the same hours as a start-labelled file
    values = np.arange(HOURS_PER_YEAR, dtype=float)
    ends = year_stamps("h") + pd.Timedelta(hours=1)
    text = [f"{(t - pd.Timedelta(days=1)):%Y-%m-%d} 24:00" if t.hour == 0 else f"{t:%Y-%m-%d %H:%M}" for t in ends]
    assert text[23] == "2025-01-01 24:00" and text[-1] == "2025-12-31 24:00"
    s = read(write_csv(tmp_path / "end.csv", np.array(text), values), label="end")
    np.testing.assert_array_equal(s.kw, values)
    # the same file read as start-labelled is one hour late: the year's first hour is missing
    with pytest.raises(MeasuredSeriesError, match="2025-01-01 00:00 to 2025-01-01 01:00"):
        read(tmp_path / "end.csv")


def test_leap_year_drops_29_february(tmp_path):
    # 2024 has 8784 hours; the model's year drops 29 Feb (energy.calendar): hour 1416 (1 March 00:00)
    # is the file's hour 1440
    stamps = year_stamps("h", 2024)
    values = np.arange(len(stamps), dtype=float)
    s = read(write_csv(tmp_path / "leap.csv", stamps, values), year=2024)
    assert s.dropped_rows == 24
    assert s.kw[59 * 24 - 1] == 59 * 24 - 1 and s.kw[59 * 24] == 60 * 24


# -- errors -----------------------------------------------------------------------------------
def test_a_gap_is_refused_without_a_fill_policy(tmp_path):
    stamps = year_stamps()
    keep = ~((stamps >= "2025-03-12 10:00") & (stamps < "2025-03-12 12:00"))
    path = write_csv(tmp_path / "gap.csv", stamps[keep], np.ones(keep.sum()))
    with pytest.raises(MeasuredSeriesError) as err:
        read(path)
    assert "8 missing in 1 gap(s): 2025-03-12 10:00 to 2025-03-12 12:00 (2 h)" in err.value.message
    assert "set fill" in err.value.message


def test_linear_fill_by_hand_and_reported(tmp_path):
    # hourly kW rising by 1 per hour; hours 100..102 missing → interpolated 100, 101, 102 exactly
    stamps = year_stamps("h")
    values = np.arange(HOURS_PER_YEAR, dtype=float)
    keep = np.ones(HOURS_PER_YEAR, bool)
    keep[100:103] = False
    path = write_csv(tmp_path / "gap.csv", stamps[keep], values[keep])
    s = read(path, fill="linear", max_gap_h=3)
    np.testing.assert_allclose(s.kw[100:103], [100.0, 101.0, 102.0], rtol=0, atol=1e-9)
    assert len(s.fills) == 1
    f = s.fills[0]
    assert (f.start, f.end, f.hours, f.method, f.start_hour) == ("2025-01-05 04:00", "2025-01-05 07:00", 3.0, "linear", 100.0)
    with pytest.raises(MeasuredSeriesError, match="longer than max_gap_h = 2 h"):
        read(path, fill="linear", max_gap_h=2)


def test_profile_fill_takes_the_same_hour_of_the_neighbouring_weeks(tmp_path):
    stamps = year_stamps("h")
    values = np.arange(HOURS_PER_YEAR, dtype=float) % 24 + np.arange(HOURS_PER_YEAR) // 168
    keep = np.ones(HOURS_PER_YEAR, bool)
    keep[1000:1002] = False
    s = read(write_csv(tmp_path / "gap.csv", stamps[keep], values[keep]), fill="profile", max_gap_h=2)
    # hand: mean of the value 168 h before and after
    expected = (values[1000 - 168:1002 - 168] + values[1000 + 168:1002 + 168]) / 2
    np.testing.assert_allclose(s.kw[1000:1002], expected, rtol=0, atol=1e-12)
    # a gap in the first week has no week before: the week after alone
    keep[:] = True
    keep[5] = False
    s = read(write_csv(tmp_path / "start.csv", stamps[keep], values[keep]), fill="profile", max_gap_h=1)
    assert s.kw[5] == values[5 + 168]


def test_wrong_length_and_wrong_year_are_refused(tmp_path):
    # 8000 hours = 333 days + 8 h: the file stops at day 334 (30 November) 08:00
    stamps = year_stamps("h")[:8000]
    with pytest.raises(MeasuredSeriesError, match=r"expected 8760 values at 60 min for 2025 .* 2025-11-30 08:00 to 2026-01-01 00:00 \(760 h\)"):
        read(write_csv(tmp_path / "short.csv", stamps, np.ones(8000)))
    with pytest.raises(MeasuredSeriesError, match="expected a series of 2025"):
        read(write_csv(tmp_path / "y2023.csv", year_stamps("h", 2023), np.ones(HOURS_PER_YEAR)))


def test_bad_rows_name_the_line(tmp_path):
    stamps = year_stamps("h")
    values = np.ones(HOURS_PER_YEAR).astype(object)
    values[9] = "n/a"
    with pytest.raises(MeasuredSeriesError, match=r"line 11: expected a number, got 'n/a'"):  # header is line 1
        read(write_csv(tmp_path / "text.csv", stamps, values))
    values[9] = -2.0
    with pytest.raises(MeasuredSeriesError, match=r"line 11: expected a value ≥ 0, got -2"):
        read(write_csv(tmp_path / "neg.csv", stamps, values))
    dup = stamps.insert(5, stamps[5])
    with pytest.raises(MeasuredSeriesError, match=r"duplicate timestamp 2025-01-01 05:00 .* lines 7 and 8"):
        read(write_csv(tmp_path / "dup.csv", dup, np.ones(len(dup))))
    seven = pd.date_range("2025-01-01", periods=80000, freq="7min")
    with pytest.raises(MeasuredSeriesError, match="interval is 7 min; expected an interval that divides an hour"):
        read(write_csv(tmp_path / "seven.csv", seven, np.ones(len(seven))))
    with pytest.raises(MeasuredSeriesError, match=r"no column 'kw'; the file has \['time', 'value'\]"):
        read(write_csv(tmp_path / "cols.csv", stamps, np.ones(HOURS_PER_YEAR)), value_column="kw")
    with pytest.raises(MeasuredSeriesError, match="unknown time zone 'Mars/Olympus'"):
        read(tmp_path / "cols.csv", timezone="Mars/Olympus")


# -- daylight saving ----------------------------------------------------------------------------
def test_local_clock_time_in_europe_berlin(tmp_path):
    # a logger in Berlin local clock time: 30 March 2025 skips 02:00, 26 October repeats 02:00
    # (EU rule: last Sundays of March and October). Values are the true UTC hour index, so after
    # the move to the park's standard time (CET, UTC+1) the series must be 0, 1, 2, ... exactly.
    utc = pd.date_range("2024-12-31 23:00", periods=HOURS_PER_YEAR, freq="h", tz="UTC")
    local = utc.tz_convert("Europe/Berlin").tz_localize(None)
    values = np.arange(HOURS_PER_YEAR, dtype=float)
    path = write_csv(tmp_path / "berlin.csv", local, values)
    assert (local == pd.Timestamp("2025-03-30 02:00")).sum() == 0 and (local == pd.Timestamp("2025-10-26 02:00")).sum() == 2
    s = read(path, park_timezone="Europe/Berlin", timezone="Europe/Berlin")
    np.testing.assert_array_equal(s.kw, values)

    # a logger that writes the skipped hour: the local time does not exist
    bad = local.insert(int(np.flatnonzero(local == pd.Timestamp("2025-03-30 03:00"))[0]), pd.Timestamp("2025-03-30 02:00"))
    with pytest.raises(MeasuredSeriesError, match=r"local time 2025-03-30 02:00 does not exist in Europe/Berlin"):
        read(write_csv(tmp_path / "spring.csv", bad, np.ones(len(bad))), park_timezone="Europe/Berlin", timezone="Europe/Berlin")
    # a logger that keeps the repeated hour once
    once = local.delete(int(np.flatnonzero(local == pd.Timestamp("2025-10-26 02:00"))[1]))
    with pytest.raises(MeasuredSeriesError, match=r"local time 2025-10-26 02:00 occurs twice in Europe/Berlin .* has it once"):
        read(write_csv(tmp_path / "autumn.csv", once, np.ones(len(once))), park_timezone="Europe/Berlin", timezone="Europe/Berlin")


# -- Parquet --------------------------------------------------------------------------------------
def test_parquet_with_aware_timestamps_equals_the_csv(tmp_path):
    stamps = year_stamps("30min", tz="Asia/Shanghai")
    values = np.linspace(10.0, 20.0, len(stamps))
    pd.DataFrame({"t": stamps, "mw": values}).to_parquet(tmp_path / "s.parquet")
    write_csv(tmp_path / "s.csv", stamps.tz_localize(None), values, "t", "mw")
    from_parquet = read(tmp_path / "s.parquet", time_column="t", value_column="mw", unit="MW")
    from_csv = read(tmp_path / "s.csv", time_column="t", value_column="mw", unit="MW")
    np.testing.assert_array_equal(from_parquet.kw, from_csv.kw)
    # half-hours averaged: hour 0 = mean of the first two values × 1000
    assert from_parquet.kw[0] == pytest.approx((values[0] + values[1]) / 2 * 1000.0, rel=1e-12)
    # a naive datetime column is in the declared (here the park's) time zone, like the CSV's text
    pd.DataFrame({"t": stamps.tz_localize(None), "mw": values}).to_parquet(tmp_path / "naive.parquet")
    naive = read(tmp_path / "naive.parquet", time_column="t", value_column="mw", unit="MW")
    np.testing.assert_array_equal(naive.kw, from_csv.kw)


def test_quarter_hours_in_local_clock_time_across_both_changes(tmp_path):
    # 15-minute Berlin clock-time readings whose value is the UTC quarter-hour index q: the hour
    # h of CET standard time holds quarters 4h..4h+3, so its mean is 4h + 1.5 exactly
    utc = pd.date_range("2024-12-31 23:00", periods=QUARTERS, freq="15min", tz="UTC")
    local = utc.tz_convert("Europe/Berlin").tz_localize(None)
    path = write_csv(tmp_path / "q.csv", local, np.arange(QUARTERS, dtype=float))
    s = read(path, park_timezone="Europe/Berlin", timezone="Europe/Berlin")
    np.testing.assert_array_equal(s.kw, 4 * np.arange(HOURS_PER_YEAR) + 1.5)


# -- in a run ---------------------------------------------------------------------------------------
def measured_park(path: Path, **series) -> dict:
    works = copy.deepcopy(PARK["enterprises"][0])
    works["measured_series"] = {"file": str(path), **series}
    return {"enterprises": [works], "fleets": []}


def shaped_series(tmp_path: Path, annual_kwh: float) -> tuple[Path, np.ndarray]:
    """An hourly kW series with a daily and weekly rhythm summing to ``annual_kwh``."""
    h = np.arange(HOURS_PER_YEAR)
    kw = 1.0 + 0.5 * np.sin(2 * np.pi * h / 24) + 0.2 * (h // 24 % 7 < 5)
    kw = kw * annual_kwh / kw.sum()
    return write_csv(tmp_path / "load.csv", year_stamps("h"), kw), kw


def test_base_year_reproduces_the_series_and_later_years_scale_its_shape(tmp_path):
    path, kw = shaped_series(tmp_path, 10_000_000.0)  # Works' electricity_mwh 10,000
    sc = scenario(measured_park(path), growth={"default_share_per_yr": 0.05})
    res = build_results(simulate(sc), {})
    hourly = res.hourly.set_index("year")
    base = hourly.loc[2025, "load_kw"].to_numpy()
    np.testing.assert_allclose(base, read(path).kw, rtol=1e-12, atol=0)
    later = hourly.loc[2027, "load_kw"].to_numpy()
    # later year: the energy table's electricity (base × 1.05², growth only) in the measured shape
    energy = res.energy
    mwh = float(energy[(energy.year == 2027) & (energy.entity == "works") & (energy.carrier == "electricity")]["quantity"].iloc[0])
    assert mwh == pytest.approx(kw.sum() / 1000.0 * 1.05**2, rel=1e-12)
    assert later.sum() / 1000.0 == pytest.approx(mwh, rel=1e-12)
    # in 2027's calendar: each day takes the base-year day mapped to it (test_measured_calendar.py)
    shaped = kw[calendar_hours(2025, 2027)]
    np.testing.assert_allclose(later / later.sum(), shaped / shaped.sum(), rtol=1e-10, atol=0)
    row = res.data_quality.iloc[0]
    assert (row.entity, row.kind, row.filled_hours, row.interval_min) == ("works", "enterprise", 0.0, 60)
    assert row.series_mwh == pytest.approx(10_000.0, rel=1e-12)


def test_measured_pv_output_in_the_base_year(tmp_path):
    # 1,000 kWp measured; base year PV in the hourly table is the series; 2026 keeps the shape
    h = np.arange(HOURS_PER_YEAR)
    kw = np.clip(np.sin(2 * np.pi * (h % 24 - 6) / 24), 0, None) * 700.0
    path = write_csv(tmp_path / "pv.csv", year_stamps("h"), kw)
    sc = scenario({"assets": {"pv_kwp": 1000.0, "pv_measured_series": {"file": str(path)}}, "fleets": []})
    hourly = build_results(simulate(sc), {}).hourly.set_index("year")
    np.testing.assert_allclose(hourly.loc[2025, "pv_kw"].to_numpy(), kw, rtol=1e-12, atol=1e-12)
    later = hourly.loc[2026, "pv_kw"].to_numpy()
    np.testing.assert_allclose(later / later.sum(), kw / kw.sum(), rtol=1e-10, atol=1e-15)


def test_measured_fleet_charging_calibrates_kwh_per_km(tmp_path):
    # 10 trucks × 50,000 km; a metered 600 MWh of charging → 1.2 kWh/km instead of the stated 1.5
    h = np.arange(HOURS_PER_YEAR)
    kw = np.where((h % 24 < 6), 1.0, 0.1)
    kw = kw * 600_000.0 / kw.sum()
    path = write_csv(tmp_path / "charging.csv", year_stamps("h"), kw)
    fleet = {**PARK["fleets"][0], "powertrain": "bev", "bev_kwh_per_km": 1.2,
             "measured_series": {"file": str(path)}}
    sc = scenario({"enterprises": [{**PARK["enterprises"][0], "energy": {"electricity_mwh": 0.0}}], "fleets": [fleet]},
                  growth={"default_share_per_yr": 0.1})
    res = build_results(simulate(sc), {})
    e = res.energy[(res.energy.entity == "trucks") & (res.energy.carrier == "electricity")].set_index("year")["quantity"]
    assert e[2025] == pytest.approx(600.0, rel=1e-12)
    assert e[2026] == pytest.approx(600.0 * 1.1, rel=1e-12)  # 10 % more vehicle-km at the metered 1.2 kWh/km
    np.testing.assert_allclose(res.hourly.set_index("year").loc[2025, "load_kw"].to_numpy(), kw, rtol=1e-12)


# -- through the park loader, and the shipped example -------------------------------------------------
def test_loader_names_park_file_field_and_data_file(tmp_path):
    import yaml

    stamps = year_stamps("h")
    write_csv(tmp_path / "gap.csv", stamps[:-5], np.ones(HOURS_PER_YEAR - 5) * 1000.0)
    park = copy.deepcopy(PARK)
    park["enterprises"][0]["measured_series"] = {"file": "gap.csv"}
    park["fleets"][0]["measured_series"] = {"file": "gap.csv"}  # a diesel fleet cannot have a charging series
    (tmp_path / "park.yaml").write_text(yaml.safe_dump(park), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_park(tmp_path / "park.yaml")
    text = str(err.value)
    assert "enterprises.0.measured_series.file" in text and "gap.csv: value: expected 8760 values" in text
    assert "fleets.0.measured_series" in text and "battery-electric fleet" in text
    # the last 5 hours filled from the week before (no value after them for linear), but the series
    # sums to 8,760 h × 1 MW = 8,760 MWh against 10,000 MWh stated: beyond 5 % (constants.csv)
    park["enterprises"][0]["measured_series"] = {"file": "gap.csv", "fill": "profile", "max_gap_h": 24}
    park["fleets"] = []
    (tmp_path / "park.yaml").write_text(yaml.safe_dump(park), encoding="utf-8")
    with pytest.raises(InputError, match=r"sums to 8,760.0 MWh but energy.electricity_mwh gives 10,000.0 MWh"):
        load_park(tmp_path / "park.yaml")
    park["enterprises"][0]["measured_series"] = {"file": "gap.csv", "fill": "linear"}
    (tmp_path / "park.yaml").write_text(yaml.safe_dump(park), encoding="utf-8")
    with pytest.raises(InputError, match="fill: linear needs max_gap_h"):
        load_park(tmp_path / "park.yaml")


def test_shipped_example_fills_its_gap_and_reports_it():
    import parktwin
    from parktwin.spec.scenario import Scenario

    park = load_park(ROOT / "models/examples/metered_park.yaml")
    res = parktwin.run(Scenario(name="metered", park=park, horizon_years=1, outputs={"hourly_years": [2025]}))
    row = res.data_quality.set_index("entity").loc["chip_assembly"]
    # make_metered_load.py leaves out 12 March 10:00-12:00 (8 quarter hours)
    assert (row.filled_hours, row.fill_ranges, row.interval_min, row.rows) == (2.0, "2025-03-12 10:00 to 2025-03-12 12:00", 15, 35032)
    fills = res.events[res.events.kind == "data_fill"]
    assert list(fills["hour"]) == [(31 + 28 + 11) * 24 + 10.0]
    assert res.manifest["measured_series"][0]["filled_hours"] == 2.0
    # the CSV's own sum, read by hand, plus the interpolated 2 hours
    raw = pd.read_csv(ROOT / "models/examples/chip_assembly_2025_15min.csv", comment="#")
    series = read_measured_series(ROOT / "models/examples/chip_assembly_2025_15min.csv", year=2025, park_timezone="Asia/Shanghai",
                                  time_column="timestamp", value_column="energy_kwh", unit="kWh", fill="linear", max_gap_h=4)
    filled_kwh = series.kw[1690:1692].sum()
    assert series.kwh == pytest.approx(raw["energy_kwh"].sum() + filled_kwh, rel=1e-12)
    e = res.energy
    assert float(e[(e.entity == "chip_assembly") & (e.carrier == "electricity")]["quantity"].iloc[0]) == pytest.approx(series.kwh / 1000, rel=1e-12)


def test_measured_building_meter_includes_hvac(tmp_path):
    # a heat-pump office on a meter of 500 MWh: the base year is the meter; 2026 adds the change of
    # the simulated HVAC electricity between the two years' weather (own-data.md §5)
    from parktwin.kernel.model import ParkModel

    h = np.arange(HOURS_PER_YEAR)
    kw = np.where((h % 24 >= 8) & (h % 24 < 18), 100.0, 30.0)
    kw = kw * 500_000.0 / kw.sum()
    path = write_csv(tmp_path / "office.csv", year_stamps("h"), kw)
    office = {"id": "office", "kind": "office", "floor_area_m2": 5000.0, "electricity_kwh_per_m2": 60.0,
              "heating_kwh_per_m2_yr": 20.0, "cooling_kwh_per_m2_yr": 30.0, "measured_series": {"file": str(path)}}
    works = {**PARK["enterprises"][0], "energy": {"electricity_mwh": 0.0, "coal_t": 1000.0}}
    sc = scenario({"enterprises": [works], "buildings": [office], "fleets": []})
    hvac_kwh = ParkModel(sc).buildings["office"].hvac_kw.sum(axis=1)  # simulated HVAC electricity per year
    res = build_results(simulate(sc), {})
    hourly = res.hourly.set_index("year")
    np.testing.assert_allclose(hourly.loc[2025, "load_kw"].to_numpy(), kw, rtol=1e-12)
    e = res.energy[(res.energy.entity == "office") & (res.energy.carrier == "electricity")].set_index("year")["quantity"]
    assert e[2026] * 1000.0 == pytest.approx(500_000.0 + hvac_kwh[1] - hvac_kwh[0], rel=1e-12)
    later = hourly.loc[2026, "load_kw"].to_numpy()
    shaped = kw[calendar_hours(2025, 2026)]  # the meter's days on 2026's calendar
    np.testing.assert_allclose(later / later.sum(), shaped / shaped.sum(), rtol=1e-10)


def test_check_lists_each_series_and_its_fills(capsys):
    from parktwin.cli import main

    assert main(["check", str(ROOT / "models/examples/metered_park.yaml")]) == 0
    out = capsys.readouterr().out
    # 35,040 quarter hours of 2025 less the 8 left out by make_metered_load.py
    assert "measured series of chip_assembly" in out and "15-min, 35,032 rows" in out
    assert "2 h filled (linear: 2025-03-12 10:00 to 2025-03-12 12:00)" in out


def test_metered_entity_has_its_own_hourly_column_in_a_full_park():
    # the shipped example: Chip Assembly among 7 other firms, 2 buildings and 2 fleets; the base
    # year's hourly table carries its demand, which is the series as read (gap filled), to float precision
    import parktwin
    from parktwin.spec.scenario import Scenario

    park = load_park(ROOT / "models/examples/metered_park.yaml")
    res = parktwin.run(Scenario(name="metered", park=park, horizon_years=1, outputs={"hourly_years": [2025, 2026]}))
    series = read_measured_series(ROOT / "models/examples/chip_assembly_2025_15min.csv", year=2025, park_timezone="Asia/Shanghai",
                                  time_column="timestamp", value_column="energy_kwh", unit="kWh", fill="linear", max_gap_h=4)
    hourly = res.hourly.set_index("year")
    np.testing.assert_allclose(hourly.loc[2025, "measured_chip_assembly_kw"].to_numpy(), series.kw, rtol=1e-12)
    later = hourly.loc[2026, "measured_chip_assembly_kw"].to_numpy()
    e = res.energy[(res.energy.entity == "chip_assembly") & (res.energy.carrier == "electricity")].set_index("year")["quantity"]
    assert later.sum() / 1000.0 == pytest.approx(e[2026], rel=1e-12)
    shaped = series.kw[calendar_hours(2025, 2026)]  # the series' days on 2026's calendar
    np.testing.assert_allclose(later / later.sum(), shaped / shaped.sum(), rtol=1e-10)


@pytest.mark.parametrize("text, minutes", [("UTC", 0), ("UTC+08:00", 480), ("+0800", 480), ("UTC+8", 480),
                                           ("GMT-03:30", -210), ("+05:30", 330), ("UTC+15", None), ("Asia/Shanghai", None)])
def test_fixed_offsets(text, minutes):
    import datetime as dt

    from parktwin.energy.measured import check_timezone, fixed_offset, standard_offset

    got = fixed_offset(text)
    assert got == (None if minutes is None else dt.timedelta(minutes=minutes))
    if text == "Asia/Shanghai":  # an IANA name: China Standard Time, UTC+8, no daylight saving
        assert check_timezone(text) is None and standard_offset(text, 2025) == dt.timedelta(hours=8)
    # Berlin's standard time is CET (UTC+1) even though January 1 is the probe of a northern winter
    assert standard_offset("Europe/Berlin", 2025) == dt.timedelta(hours=1)
    # Sydney's 1 January is daylight time (AEDT, +11): standard is AEST, +10
    assert standard_offset("Australia/Sydney", 2025) == dt.timedelta(hours=10)


def test_pv_series_in_the_wrong_unit_is_refused(tmp_path):
    import yaml

    # 700 kW × sin(15°·k) for the daylight hours 7..17 sums to 700 × 7.5958 = 5,317.1 kWh a day,
    # × 365 = 1,940,715 kWh on 1,000 kWp = 1,941 kWh/kWp (plausible); the same numbers declared as MW
    # give 1,940,715 kWh/kWp, far above pv_yield_max_kwh_per_kwp_yr (data/constants.csv)
    h = np.arange(HOURS_PER_YEAR)
    kw = np.clip(np.sin(2 * np.pi * (h % 24 - 6) / 24), 0, None) * 700.0
    write_csv(tmp_path / "pv.csv", year_stamps("h"), kw)
    park = copy.deepcopy(PARK)
    park["assets"] = {"pv_kwp": 1000.0, "pv_measured_series": {"file": "pv.csv", "unit": "MW"}}
    (tmp_path / "park.yaml").write_text(yaml.safe_dump(park), encoding="utf-8")
    with pytest.raises(InputError, match=r"assets.pv_measured_series: the series gives 1,940,715 kWh per kWp"):
        load_park(tmp_path / "park.yaml")
    park["assets"]["pv_measured_series"]["unit"] = "kW"
    (tmp_path / "park.yaml").write_text(yaml.safe_dump(park), encoding="utf-8")
    assert load_park(tmp_path / "park.yaml").assets.pv_measured_series.unit == "kW"

"""Time the measured-weather path, wind and building thermal loads for one 26-year run.

Inputs: pvlib's shipped Greensboro NC TMY3 and Miami FL TMY2; the EPW and CSV
files are written from the TMY3 into a temporary directory first (pvlib ships
no EPW). Each figure is the median of several repetitions.

Run: ``python benchmarks/bench_weather.py``
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from parktwin.energy.solar import PvSystem, pv_output_kw_per_kwp
from parktwin.energy.thermal import heating_cooling_kwh, hourly_electricity_for_heat
from parktwin.energy.weather_files import read_weather_file, site_from_measured, weather_from_file
from parktwin.energy.wind import wind_output_kw_per_kw, wind_speed_years

N_YEARS = 26
PVLIB_DATA = Path(pvlib.__file__).parent / "data"
TMY3 = PVLIB_DATA / "723170TYA.CSV"
TMY2 = PVLIB_DATA / "12839.tm2"


def _median_ms(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def _write_epw(path: Path) -> None:
    """The Greensboro TMY3 rows in EPW layout (8 header lines, 35 fields, hour 1..24)."""
    raw = pd.read_csv(TMY3, skiprows=1)
    date = raw["Date (MM/DD/YYYY)"].str.split("/", expand=True).astype(int)
    n = len(raw)
    fill = [np.full(n, v) for v in (99, 99, 9999, 99999, 9, 999999999, 999, 0.999, 999, 99, 999, 999, 99)]
    cols = [date[2], date[0], date[1], raw["Time (HH:MM)"].str[:2].astype(int), np.zeros(n, int),
            np.full(n, "?"), raw["Dry-bulb (C)"], raw["Dew-point (C)"], raw["RHum (%)"],
            raw["Pressure (mbar)"] * 100, raw["ETR (W/m^2)"], raw["ETRN (W/m^2)"], np.full(n, 9999),
            raw["GHI (W/m^2)"], raw["DNI (W/m^2)"], raw["DHI (W/m^2)"], *(np.full(n, 999999),) * 3,
            np.full(n, 9999), raw["Wdir (degrees)"], raw["Wspd (m/s)"], *fill]
    header = ["LOCATION,Greensboro,NC,USA,TMY3,723170,36.10,-79.95,-5.0,273.0", "DESIGN CONDITIONS,0",
              "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0", "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
              "COMMENTS 1,", "COMMENTS 2,", "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31"]
    rows = [",".join(map(str, r)) for r in zip(*(np.asarray(c) for c in cols))]
    path.write_text("\n".join(header + rows) + "\n")


def main() -> None:
    """Print the timings [ms] and a few result figures."""
    measured = read_weather_file(TMY3)
    site = site_from_measured(measured, "America/New_York")
    with tempfile.TemporaryDirectory() as tmp:
        epw = Path(tmp) / "greensboro.epw"
        _write_epw(epw)
        csv = Path(tmp) / "greensboro.csv"
        stamps = pd.date_range("2025-01-01", periods=8760, freq="h").strftime("%Y-%m-%dT%H:%M-05:00")
        pd.DataFrame({"time": stamps, "ghi_w_per_m2": measured.ghi_w_per_m2,
                      "temp_air_c": measured.temp_air_c}).to_csv(csv, index=False)
        timings = {
            "read TMY3 (Greensboro)": _median_ms(lambda: read_weather_file(TMY3)),
            "read TMY2 (Miami)": _median_ms(lambda: read_weather_file(TMY2), repeat=3),
            "read EPW (Greensboro)": _median_ms(lambda: read_weather_file(epw)),
            "read CSV, GHI+T only (Erbs)": _median_ms(
                lambda: read_weather_file(csv, latitude_deg=36.1, longitude_deg=-79.95)),
        }
    rng = np.random.default_rng(0)
    timings["26 y weather, repeat"] = _median_ms(lambda: weather_from_file(site, measured, N_YEARS))
    timings["26 y weather, resample_days"] = _median_ms(
        lambda: weather_from_file(site, measured, N_YEARS, rng, mode="resample_days"))
    weather = weather_from_file(site, measured, N_YEARS, np.random.default_rng(1), mode="resample_days")
    timings["26 y PV on it"] = _median_ms(lambda: pv_output_kw_per_kwp(site, PvSystem(), weather))
    timings["26 y wind speed"] = _median_ms(lambda: wind_speed_years(6.0, 2.0, N_YEARS, rng))
    speeds = wind_speed_years(6.0, 2.0, N_YEARS, np.random.default_rng(2))
    timings["26 y wind output (tab. curve)"] = _median_ms(lambda: wind_output_kw_per_kw(speeds))

    def thermal():
        d = heating_cooling_kwh(weather.temp_air_c, 50_000.0, 60.0, 30.0)
        return hourly_electricity_for_heat(d.heat_kwh, 45.0, weather.temp_air_c)

    timings["26 y heat/cold + HP electricity"] = _median_ms(thermal)
    for name, ms in timings.items():
        print(f"{name:34s}: {ms:8.1f} ms")
    pv = pv_output_kw_per_kwp(site, PvSystem(), weather).sum(axis=1)
    cf = wind_output_kw_per_kw(speeds).mean()
    print(f"{'PV yield, resampled years':34s}: {pv.mean():8.1f} kWh/kWp (std {pv.std():.1f})")
    print(f"{'wind CF (6 m/s @10 m, k 2, 100 m)':34s}: {cf:8.3f}")


if __name__ == "__main__":
    main()

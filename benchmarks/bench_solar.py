"""Time ``weather_years`` + ``pv_output_kw_per_kwp`` for one 26-year run (Suzhou site).

Cold = first call for a site (includes the clear-sky geometry cache fill);
warm = median of 20 further runs with fresh seeds (cache hit). Target: warm < ~60 ms.

Run: ``python benchmarks/bench_solar.py``
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from parktwin.energy.solar import PvSystem, Site, clear_sky, pv_output_kw_per_kwp, weather_years
from parktwin.energy.weather import _beta_quantile_table

N_YEARS = 26  # base year 2025 + 25
N_WARM = 20
SITE = Site(latitude_deg=31.3, longitude_deg=120.6, altitude_m=5.0,
            timezone="Asia/Shanghai", annual_ghi_kwh_per_m2=1300.0)
SYSTEM = PvSystem()


def _clear_caches() -> None:
    """Drop the per-site caches (clear-sky geometry, Beta quantile table)."""
    clear_sky.cache_clear()
    _beta_quantile_table.cache_clear()


def one_run(seed: int) -> tuple[float, np.ndarray]:
    """Seconds for one weather + PV evaluation, and the PV array [kW/kWp]."""
    start = time.perf_counter()
    weather = weather_years(SITE, N_YEARS, np.random.default_rng(seed))
    pv = pv_output_kw_per_kwp(SITE, SYSTEM, weather)
    return time.perf_counter() - start, pv


def main() -> None:
    """Print cold and warm timings [ms] and the mean specific yield [kWh/kWp]."""
    _clear_caches()
    cold_s, pv = one_run(0)
    cold_again = []
    for seed in range(1, 6):
        _clear_caches()
        cold_again.append(one_run(seed)[0])
    warm = [one_run(seed)[0] for seed in range(100, 100 + N_WARM)]
    print(f"years per run            : {N_YEARS}")
    print(f"cold, first call         : {cold_s * 1e3:8.1f} ms (incl. per-site cache fill)")
    print(f"cold, median of 5        : {statistics.median(cold_again) * 1e3:8.1f} ms")
    print(f"warm, median of {N_WARM}       : {statistics.median(warm) * 1e3:8.1f} ms "
          f"(min {min(warm) * 1e3:.1f}, max {max(warm) * 1e3:.1f})")
    print(f"mean specific yield      : {pv.sum(axis=1).mean():8.1f} kWh/kWp")


if __name__ == "__main__":
    main()

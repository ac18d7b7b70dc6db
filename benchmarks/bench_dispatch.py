"""Benchmark of the rule-based dispatch: 26 years x 8760 h with a battery.

Usage::

    python benchmarks/bench_dispatch.py            # cold = numba compile or on-disk cache load
    python benchmarks/bench_dispatch.py --fresh    # force a real compile (empty temp cache dir)

Prints the cold first call [s] and the median of 20 warm runs of all 26 years [s]
(years chained through ``final_soc_kwh``, as a simulation does). Target: warm
26 years well under 0.2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

YEARS = 26
HOURS = 8760
WARM_RUNS = 20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fresh", action="store_true", help="compile into an empty temp numba cache")
    args = ap.parse_args()
    if args.fresh:  # must be set before numba is imported
        tmp = tempfile.TemporaryDirectory(prefix="numba_bench_")
        os.environ["NUMBA_CACHE_DIR"] = tmp.name

    t_import = time.perf_counter()
    import numpy as np

    from parktwin.energy import dispatch as d
    from parktwin.energy import tou

    t_import = time.perf_counter() - t_import

    rng = np.random.default_rng(42)
    hod = np.tile(np.arange(24), HOURS // 24)
    period = tou.tou_period_codes(
        hod,
        peak_hours=[8, 9, 10, 17, 18, 19, 20],
        flat_hours=[6, 7, 12, 13, 14, 15, 16, 21],
        valley_hours=[22, 23, 0, 1, 2, 3, 4, 5],
        critical_hours=[11],
    )
    pv_shape = np.clip(np.sin(np.pi * (hod - 6) / 12), 0, None)
    hours = np.arange(HOURS)
    years = []
    for y in range(YEARS):
        load = 4000 + 1500 * np.sin(2 * np.pi * (hod - 9) / 24) + rng.normal(0, 300, HOURS)
        load = np.clip(load * (1 + 0.01 * y), 0, None)
        pv = pv_shape * (3000 + 400 * y) * rng.uniform(0.2, 1.0, HOURS)
        if y < 2:  # no battery
            cap = np.zeros(HOURS)
        elif y == 2:  # commissioned mid-year
            cap = np.where(hours >= 4380, 8000.0, 0.0)
        elif y == 9:  # second battery commissions mid-year
            cap = np.where(hours >= 5000, 16000.0, 8000.0)
        else:
            cap = np.full(HOURS, 8000.0 if y < 9 else 16000.0)
        years.append((load, pv, cap, cap / 4))
    params = d.BatteryParams()

    def run_all() -> float:
        soc = 0.0
        for load, pv, cap, power in years:
            r = d.dispatch_rule_based(load, pv, period, cap, power, params, 6000.0, 2000.0, soc)
            soc = r.final_soc_kwh
        return soc

    load, pv, cap, power = years[3]
    t0 = time.perf_counter()
    d.dispatch_rule_based(load, pv, period, cap, power, params, 6000.0, 2000.0, 0.0)
    cold = time.perf_counter() - t0

    run_all()  # one untimed warm-up of the full loop
    warm = []
    for _ in range(WARM_RUNS):
        t0 = time.perf_counter()
        run_all()
        warm.append(time.perf_counter() - t0)

    # kernel alone (no validation / result wrapping), for the overhead split
    n = load.shape[0]
    k_args = (
        load, pv, period, cap, power, 0.92, 0.92, 0.05, 0.95, True, 0.0, np.full(n, 6000.0), np.full(n, 2000.0), 0.0,
        np.full(n, np.inf), False,
    )
    kern = []
    for _ in range(WARM_RUNS):
        t0 = time.perf_counter()
        for _ in range(YEARS):
            d._dispatch_kernel(*k_args)
        kern.append(time.perf_counter() - t0)

    med = statistics.median(warm)
    cache = "fresh compile" if args.fresh else "compile or cache load"
    print(f"{'import parktwin.energy.dispatch':<46}: {t_import:8.3f} s")
    print(f"{f'cold first call (1 year, {cache})':<46}: {cold:8.3f} s")
    print(
        f"{f'warm {YEARS} years x {HOURS} h, median of {WARM_RUNS}':<46}: {med * 1e3:8.2f} ms "
        f"(min {min(warm) * 1e3:.2f}, max {max(warm) * 1e3:.2f}; "
        f"{med / YEARS * 1e3:.3f} ms/year)"
    )
    print(f"{f'kernel only, {YEARS} years, median':<46}: {statistics.median(kern) * 1e3:8.2f} ms")
    ok = med < 0.2
    print(f"{'target (< 0.2 s warm for 26 years)':<46}: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

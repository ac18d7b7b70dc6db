"""Benchmark of the depot charging model: one representative week for the demo park's fleets.

Usage::

    python benchmarks/bench_fleet_sim.py [--park models/demo_park.yaml] [--runs 10]

Every fleet of the park is simulated as battery-electric at its own depot with one charger per
two vehicles (an assumption of this benchmark), immediate and smart (valley 0-8) charging.
Prints the median time of a week [s], of a workday + rest day period, and the share of a
25-year run (about 0.08 s without fleets) the model would take if simulated once per year
(25 times) or once per run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

RUN_S = 0.08  # one 25-year run without the fleet model [s] (bench_run.py)
YEARS = 25


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--park", default=str(Path(__file__).resolve().parents[1] / "models" / "demo_park.yaml"))
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()

    t0 = time.perf_counter()
    import numpy as np

    from parktwin.mobility.fleet_sim import simulate_fleet, valley_preference
    from parktwin.spec.load import load_park

    t_import = time.perf_counter() - t0
    fleets = load_park(args.park).fleets
    n_vehicles = sum(f.count for f in fleets)

    def run_all(policy: str, days: tuple[str, ...]):
        pref = valley_preference(days) if policy == "smart" else None
        out = []
        for i, f in enumerate(fleets):
            out.append(simulate_fleet(f, chargers=max(1, f.count // 2), policy=policy, preference=pref,
                                      day_types=days, rng=np.random.default_rng(i)))
        return out

    week = ("work",) * 5 + ("rest",) * 2
    two_days = ("work", "rest")
    print(f"{'park':<40}: {args.park} ({len(fleets)} fleets, {n_vehicles} vehicles)")
    print(f"{'import':<40}: {t_import:8.3f} s")
    rows = {}
    for label, policy, days in [("week, immediate", "immediate", week), ("week, smart", "smart", week),
                                ("workday + rest day, immediate", "immediate", two_days)]:
        results = run_all(policy, days)  # warm-up
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            run_all(policy, days)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        best = min(times)
        rows[label] = med
        trips = sum(r.n_trips for r in results)
        events = sum(len(r.log) for r in results)
        on_time = sum(r.n_trips * r.service_level for r in results) / max(trips, 1)
        peak = sum(r.hourly_kw.max() for r in results)
        print(f"{label:<40}: {med * 1e3:8.1f} ms median of {args.runs}, min {best * 1e3:.1f} ({trips} trips, {events} logged events, "
              f"service {on_time:.3f}, sum of depot peaks {peak / 1e3:.1f} MW)")
    for label, t in rows.items():
        per_year = YEARS * t / (RUN_S + YEARS * t)
        per_run = t / (RUN_S + t)
        print(f"{'share of a run, ' + label:<40}: once per year {per_year:6.1%}  once per run {per_run:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

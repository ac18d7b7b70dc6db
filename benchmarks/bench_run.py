"""Time 25-year runs of the demo park: cold first run, then the median of warm runs (wall clock and
CPU time of this process), and peak memory.

    python benchmarks/bench_run.py [scenario.yaml ...] [--repeat N]

With several scenarios it also reports each one's run time relative to the first (e.g. a run
whose firms decide against the backbone's bau): the median of per-round ratios, the scenarios
run in turn each round so a busy machine slows them alike, for wall-clock and for CPU time (CPU
time is what other processes on a shared machine disturb least).

Warm means the process has already run once (numba kernels loaded, clear-sky geometry and
calendars cached), which is the state of every Monte Carlo worker after its first replicate.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

import parktwin

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "scenarios" / "bau.yaml", ROOT / "scenarios" / "net_zero_2050.yaml"]


def bench(path: Path, repeat: int) -> dict[str, float]:
    loaded = parktwin.load(path)
    t0 = time.perf_counter()
    parktwin.run(loaded, seed=0)
    cold = time.perf_counter() - t0
    warm, cpu = [], []
    for seed in range(1, repeat + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        parktwin.run(loaded, seed=seed)
        warm.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    tracemalloc.start()
    parktwin.run(loaded, seed=repeat + 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"cold_s": cold, "warm_median_s": statistics.median(warm), "warm_min_s": min(warm),
            "cpu_median_s": statistics.median(cpu), "peak_mib": peak / 2**20}


def relative(paths: list[Path], repeat: int) -> tuple[list[float], list[float]]:
    """Medians over rounds of (warm run time / the first scenario's), wall clock and CPU time, the
    scenarios interleaved."""
    loaded = [parktwin.load(p) for p in paths]
    for sc in loaded:
        parktwin.run(sc, seed=0)
    ratios: list[list[float]] = [[] for _ in paths]
    cpu_ratios: list[list[float]] = [[] for _ in paths]
    for seed in range(1, repeat + 1):
        times, cpu = [], []
        for sc in loaded:
            t0, c0 = time.perf_counter(), time.process_time()
            parktwin.run(sc, seed=seed)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        for i, (t, c) in enumerate(zip(times, cpu)):
            ratios[i].append(t / times[0])
            cpu_ratios[i].append(c / cpu[0])
    return [statistics.median(r) for r in ratios], [statistics.median(r) for r in cpu_ratios]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    for path in args.scenarios:
        r = bench(path, args.repeat)
        print(
            f"{path.name}: cold {r['cold_s']:.2f} s, warm median {r['warm_median_s']:.3f} s "
            f"(min {r['warm_min_s']:.3f} s, n={args.repeat}), CPU median {r['cpu_median_s']:.3f} s, peak traced memory of one run {r['peak_mib']:.1f} MiB"
        )
    if len(args.scenarios) > 1:
        wall, cpu = relative(args.scenarios, args.repeat)
        for path, ratio, cpu_ratio in zip(args.scenarios[1:], wall[1:], cpu[1:]):
            print(f"{path.name}: {ratio:.2f}x the wall time and {cpu_ratio:.2f}x the CPU time of {args.scenarios[0].name} "
                  f"(medians of {args.repeat} interleaved rounds)")
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (interpreter, libraries, caches included): {rss_mib:.0f} MiB")


if __name__ == "__main__":
    main()

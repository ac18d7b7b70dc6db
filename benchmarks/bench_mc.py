"""Monte Carlo batches of the demo park: throughput, speed-up and memory.

    python benchmarks/bench_mc.py [--n 1000] [--speedup-n 200] [--executor processes|dask] [--only PART] [--quick]

Reports
- the wall time of ``n`` replicates (default 1,000) of net_zero_2050_uncertain.yaml (the demo
  park's net_zero_2050 with its uncertainty block) on 2 local workers;
- the speed-up of 2 workers over 1 on ``speedup-n`` replicates (default 200), both from the
  wall time (pool start-up included) and from the steady rate (first to last finished replicate);
- peak memory, the parent's RSS plus every worker's (sampled every 0.1 s), at 100 and at ``n``
  replicates: it should stay flat as n grows.

Every batch is written to a temporary folder and removed (``--keep`` keeps them). Numbers
depend on the machine and on what else runs on it: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

import parktwin

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "net_zero_2050_uncertain.yaml"


class PeakMemory:
    """Peak of (this process's RSS + all its descendants' RSS), sampled in a thread [MiB].

    The descendants are listed again every ``relist_s`` (listing walks every process of the machine,
    ~2 ms: every sample, it cost this process ~2.5 % of a core — CPU the batch it measures needed);
    reading the RSS of the ones listed is cheap."""

    def __init__(self, interval_s: float = 0.1, relist_s: float = 1.0):
        self.interval_s, self.relist_s = interval_s, relist_s
        self.peak = 0
        self._me = psutil.Process()
        self._children: list[psutil.Process] = []
        self._listed = -float("inf")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        now = time.monotonic()
        if now - self._listed >= self.relist_s:
            self._children, self._listed = self._me.children(recursive=True), now
        total = self._me.memory_info().rss
        for child in self._children:
            try:
                total += child.memory_info().rss
            except psutil.Error:  # ended since it was listed
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> float:
        return self.peak / 2**20


def one_batch(n: int, workers: int, executor: str, keep: bool, seed: int = 0) -> dict:
    out = Path(tempfile.mkdtemp(prefix="bench_mc-"))
    stamps: list[float] = []

    def log(msg: str) -> None:
        stamps.append(time.perf_counter())

    try:
        with PeakMemory() as mem:
            t0 = time.perf_counter()
            batch = parktwin.run_batch(SCENARIO, n=n, seed=seed, executor=executor, workers=workers, out=out,
                                       report=False, log=log)
            wall = time.perf_counter() - t0
        files = sorted((batch.path / "annual.parquet").parent.iterdir())
        summary = batch.summary().headline
    finally:
        if not keep:
            shutil.rmtree(out, ignore_errors=True)
    return {"n": n, "workers": workers, "wall_s": wall, "peak_mib": mem.mib, "files": len(files), "headline": summary}


def steady_rate(n: int, workers: int, executor: str) -> tuple[float, float]:
    """(wall s, runs/s between the first and the last finished replicate) — pool start-up excluded."""
    from parktwin.experiments.batch import _base_document
    from parktwin.experiments.design import check_paths, make_design
    from parktwin.experiments.executors import execute
    from parktwin.experiments.worker import ReplicateTask, SharedDocument, run_replicate

    loaded = parktwin.load(SCENARIO)
    check_paths(loaded)
    design = make_design(loaded.scenario.uncertainty, "lhs", n, 0)
    shared = SharedDocument.of(_base_document(loaded), loaded.digest())
    tasks = (ReplicateTask(i, int(design.samples["run_seed"].iloc[i]), tuple(design.pairs(i)), (), shared) for i in range(n))
    times = []
    t0 = time.perf_counter()
    for _index, _frame in execute(run_replicate, tasks, executor, workers):
        times.append(time.perf_counter())
    wall = time.perf_counter() - t0
    return wall, (len(times) - 1) / (times[-1] - times[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="replicates of the big batch (default 1000)")
    parser.add_argument("--speedup-n", type=int, default=200, help="replicates for the 1-vs-2-worker speed-up (default 200)")
    parser.add_argument("--executor", choices=("processes", "dask"), default="processes")
    parser.add_argument("--only", choices=("big", "memory", "speedup"), action="append",
                        help="run only this part (repeatable): big = n replicates, memory = 100 vs n, speedup = 1 vs 2 workers")
    parser.add_argument("--quick", action="store_true", help="n=100, speed-up on 40: a smoke test of this script")
    parser.add_argument("--keep", action="store_true", help="keep the batch folders")
    args = parser.parse_args()
    if args.quick:
        args.n, args.speedup_n = 100, 40
    parts = set(args.only or ("big", "memory", "speedup"))
    print(f"scenario {SCENARIO.name}, executor {args.executor}, {psutil.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start")

    big = None
    if parts & {"big", "memory"}:
        big = one_batch(args.n, 2, args.executor, args.keep)
        h = big["headline"]
        year = h["final_year"]
        top = (h["top_inputs"].get(f"net_tco2_{year}") or [("-", 0.0)])[0]
        print(f"{args.n} replicates on 2 workers: {big['wall_s']:.1f} s ({args.n / big['wall_s']:.1f} runs/s), "
              f"peak memory parent + workers {big['peak_mib']:.0f} MiB  [load {os.getloadavg()[0]:.1f}]")
        print(f"  P(net ≤ 0 in {year}) {h.get('p_net_zero', float('nan')):.0%}, "
              f"P(core met in {year}) {h.get('p_core_met', float('nan')):.0%}, "
              f"most influential on net {year}: {top[0]} ({h['sensitivity_index']} {top[1]:.2f})")
    if "memory" in parts:
        small = one_batch(100, 2, args.executor, args.keep)
        print(f"100 replicates on 2 workers: {small['wall_s']:.1f} s, peak memory parent + workers {small['peak_mib']:.0f} MiB "
              f"(vs {big['peak_mib']:.0f} MiB at {args.n}: ×{big['peak_mib'] / small['peak_mib']:.2f})")
    if "speedup" in parts:
        rates = {}
        for workers in (1, 2):
            rates[workers] = steady_rate(args.speedup_n, workers, args.executor)
            wall, rate = rates[workers]
            print(f"{args.speedup_n} replicates on {workers} worker{'s' if workers > 1 else ''}: {wall:.1f} s wall, "
                  f"steady {rate:.2f} runs/s  [load {os.getloadavg()[0]:.1f}]")
        print(f"speed-up of 2 workers over 1: {rates[1][0] / rates[2][0]:.2f}× by wall time (start-up included), "
              f"{rates[2][1] / rates[1][1]:.2f}× by steady rate")


if __name__ == "__main__":
    main()

"""This tree against an older one, side by side on the same machine: warm runs and Monte Carlo.

    git worktree add /tmp/base 62d165b          # or any other way to get the older tree
    python benchmarks/bench_speed_vs.py --base-src /tmp/base/src [--rounds 5] [--runs 5]
        [--mc 1000] [--mc-speedup 200 [--mc-speedup-base]] [--skip-runs]

Each measurement runs in a fresh subprocess with the tree's ``src`` first on PYTHONPATH (the
older tree's own ``scenarios/`` beside it if it has one); base and new alternate, the order
swapping every round, so a busy machine slows both alike. Reported:

- warm ``net_zero_2050`` and ``bau`` runs (``parktwin.run`` after a first run in the process):
  base ÷ new per round, wall clock and CPU time, median over rounds; and each tree's run time as a
  multiple of the floor sketch (``floor_run`` below) timed in the same process, just before;
- ``--mc N``: N replicates of ``net_zero_2050_uncertain`` on 2 process workers, each tree once
  per round (wall time, replicates per second, CPU time of the parent and its workers — steadier
  than wall time on a busy machine —, peak RSS of the parent and its workers, and the CPU of the
  batch's own thread before the pool starts, while the workers run and after the last replicate:
  the batch's serial part and what the parent takes from the workers' cores), and the
  speed-up of 2 workers over 1 on ``--mc-speedup`` replicates for the new tree (whole-batch wall
  time, pool start-up included), and with ``--mc-speedup-base`` for the base tree too, just before.

Absolute times on a shared machine mean little; the ratios are the result.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from numba import njit

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("net_zero_2050", "bau")
MC_SCENARIO = "net_zero_2050_uncertain"


# -- the yardstick -------------------------------------------------------------------------------
@njit(cache=False)
def floor_dispatch(net, e_max, p_max, eta, soc0):
    """A battery against a net load, hour by hour: charge from surplus, discharge into deficit."""
    n = net.shape[0]
    soc = soc0
    grid = np.empty(n)
    curt = np.empty(n)
    for t in range(n):
        x = net[t]
        if x < 0:  # surplus
            c = min(-x, p_max, (e_max - soc) / eta)
            soc += c * eta
            grid[t] = 0.0
            curt[t] = -x - c
        else:
            d = min(x, p_max, soc)
            soc -= d
            grid[t] = x - d
            curt[t] = 0.0
    return grid, curt


def floor_run(rng: np.random.Generator, n_ent: int = 30, years: int = 25) -> np.ndarray:
    """The floor of a 25-year hourly park run: 30 load profiles on a shift pattern, PV, a compiled
    battery dispatch and scope-2 sums over 25 × 8,760 hours — the least work any run of the demo
    park must do (no agents, no heat, no accounts, no tables). A yardstick: timed in the same
    process as a real run, the ratio says how far the run is from its hourly floor."""
    h = np.arange(8760)
    hod, dow = h % 24, (h // 24) % 7
    shift = ((hod >= 8) & (hod < 20) & (dow < 6)).astype(float)
    base = rng.uniform(200, 2000, n_ent)[:, None]
    prof = base * (0.4 + 0.6 * shift[None, :])  # n_ent × 8760 [kW]
    pv_cf = np.clip(np.sin((hod - 6) / 12 * np.pi), 0, None) * 0.8
    out = np.empty((years, 4))
    for y in range(years):
        load = prof.sum(0) * 1.02**y
        pv = pv_cf * 5000 * (1 + 0.1 * y)
        grid, curt = floor_dispatch(load - pv, 4000.0, 2000.0, 0.9, 2000.0)
        ef = 0.55 * (1 - 0.03 * y)
        out[y] = (load.sum(), grid.sum(), curt.sum(), grid.sum() * ef / 1000)
    return out


def floor_ms(repeat: int = 7) -> float:
    """Median of ``repeat`` floor runs [ms] (compiled on first use)."""
    floor_run(np.random.default_rng(0))
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        floor_run(np.random.default_rng(i))
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


# -- children (one tree each) --------------------------------------------------------------------
def child_runs(scenario_dir: Path, runs: int) -> dict:
    import parktwin

    out = {}
    for name in SCENARIOS:
        loaded = parktwin.load(scenario_dir / f"{name}.yaml")
        parktwin.run(loaded, seed=0)
        wall, cpu, floor = [], [], []
        for seed in range(1, runs + 1):
            floor.append(floor_ms(5))
            t0, c0 = time.perf_counter(), time.process_time()
            parktwin.run(loaded, seed=seed)
            wall.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
        out[name] = {"wall_ms": statistics.median(wall), "cpu_ms": statistics.median(cpu), "floor_ms": statistics.median(floor)}
    return out


def child_mc(scenario_dir: Path, n: int, workers: int) -> dict:
    import parktwin
    from bench_mc import PeakMemory

    folder = Path(tempfile.mkdtemp(prefix="bench_speed_vs-"))
    stamps: dict[str, float] = {}

    def stamp(message: str) -> None:
        """The batch's thread's CPU time [s] when it says it starts the pool and when its runs are done
        (this thread's only: the memory sampler's thread costs more than the batch's own work)."""
        key = "pool" if message.startswith("running on") else "runs" if " runs in " in message else None
        if key:
            stamps.setdefault(key, time.thread_time())

    try:
        with PeakMemory() as mem:
            t0, cpu0, kids0, thread0 = time.perf_counter(), time.process_time(), children_cpu_s(), time.thread_time()
            parktwin.run_batch(scenario_dir / f"{MC_SCENARIO}.yaml", n=n, seed=0, executor="processes", workers=workers,
                               out=folder, report=False, log=stamp)
            wall = time.perf_counter() - t0
            thread_end = time.thread_time()
            cpu = time.process_time() - cpu0 + children_cpu_s() - kids0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mib": mem.mib,
            # the batch's thread's CPU [s] (not the pool's thread receiving results, ~0.1 ms a replicate): before the
            # pool starts (load, design, the first replicate, run here), from then until the batch says its runs are
            # done (writing and stacking the replicates: older trees stack them all after the last one, newer ones
            # while the workers run), and after (summaries)
            "parent_before_pool_s": stamps["pool"] - thread0, "parent_during_s": stamps["runs"] - stamps["pool"],
            "parent_after_s": thread_end - stamps["runs"]}


def parent_cpu(got: dict, n: int) -> str:
    """The parent's CPU by phase, as printed."""
    return (f"batch thread's CPU before the pool {got['parent_before_pool_s']:.2f} s, during {got['parent_during_s']:.2f} s "
            f"({1000 * got['parent_during_s'] / max(n - 1, 1):.2f} ms a replicate), after {got['parent_after_s']:.2f} s")


def children_cpu_s() -> float:
    """CPU time of this process's finished children (the batch's workers once the pool has closed) [s]."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def spawn(src: Path, *args: str) -> dict:
    """Run this script as a child with ``src`` first on PYTHONPATH; its JSON answer."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    scenarios = src.parent / "scenarios" if (src.parent / "scenarios").is_dir() else ROOT / "scenarios"
    proc = subprocess.run([sys.executable, __file__, "--child", str(scenarios), *args], env=env, capture_output=True, text=True,
                          cwd=ROOT / "benchmarks")
    if proc.returncode != 0:
        raise RuntimeError(f"child with {src} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-src", type=Path, help="the older tree's src folder")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5, help="warm runs per scenario per child")
    parser.add_argument("--mc", type=int, default=0, help="replicates of the Monte Carlo comparison (0: none)")
    parser.add_argument("--mc-rounds", type=int, default=1)
    parser.add_argument("--mc-speedup", type=int, default=0, help="replicates for the new tree's 1-vs-2-worker speed-up (0: none)")
    parser.add_argument("--mc-speedup-base", action="store_true",
                        help="measure the base tree's speed-up too, the trees alternating (base 1 and 2 workers, then new, ...)")
    parser.add_argument("--skip-runs", action="store_true", help="only the Monte Carlo parts")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-mc", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        answer = child_mc(args.child, *args.child_mc) if args.child_mc else child_runs(args.child, args.runs)
        print(json.dumps(answer))
        return
    if args.base_src is None:
        parser.error("--base-src is required")
    new_src = ROOT / "src"
    trees = {"base": args.base_src.resolve(), "new": new_src}
    print(f"base {trees['base']}, new {new_src}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    if not args.skip_runs:
        rounds = []
        for r in range(args.rounds):
            order = ("base", "new") if r % 2 == 0 else ("new", "base")
            got = {tree: spawn(trees[tree], "--runs", str(args.runs)) for tree in order}
            rounds.append(got)
            print(f"round {r + 1}: " + "; ".join(
                f"{s} base {got['base'][s]['wall_ms']:.0f} ms / new {got['new'][s]['wall_ms']:.0f} ms" for s in SCENARIOS)
                + f"  [load {os.getloadavg()[0]:.1f}]", flush=True)
        print(f"\nwarm runs, medians over {args.rounds} interleaved rounds of {args.runs} runs each:")
        print("| scenario | base ÷ new wall | base ÷ new CPU | base ÷ floor | new ÷ floor | base wall [ms] | new wall [ms] | floor [ms] |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for s in SCENARIOS:
            def med(f):
                return statistics.median(f(g) for g in rounds)
            print(f"| {s} | {med(lambda g: g['base'][s]['wall_ms'] / g['new'][s]['wall_ms']):.2f}× "
                  f"| {med(lambda g: g['base'][s]['cpu_ms'] / g['new'][s]['cpu_ms']):.2f}× "
                  f"| {med(lambda g: g['base'][s]['wall_ms'] / g['base'][s]['floor_ms']):.0f} "
                  f"| {med(lambda g: g['new'][s]['wall_ms'] / g['new'][s]['floor_ms']):.0f} "
                  f"| {med(lambda g: g['base'][s]['wall_ms']):.0f} | {med(lambda g: g['new'][s]['wall_ms']):.0f} "
                  f"| {med(lambda g: statistics.median([g['base'][s]['floor_ms'], g['new'][s]['floor_ms']])):.1f} |")
    if args.mc:
        mc = []
        for r in range(args.mc_rounds):
            order = ("base", "new") if r % 2 == 0 else ("new", "base")
            got = {}
            for tree in order:
                got[tree] = spawn(trees[tree], "--child-mc", str(args.mc), "2")
                print(f"MC round {r + 1} {tree}: {args.mc} replicates on 2 workers {got[tree]['wall_s']:.1f} s "
                      f"({args.mc / got[tree]['wall_s']:.2f} runs/s), CPU parent + workers {got[tree]['cpu_s']:.1f} s, "
                      f"peak RSS parent + workers {got[tree]['peak_mib']:.0f} MiB; {parent_cpu(got[tree], args.mc)}"
                      f"  [load {os.getloadavg()[0]:.1f}]", flush=True)
            mc.append(got)
        print(f"MC {args.mc} replicates, 2 workers: base ÷ new wall time {statistics.median(g['base']['wall_s'] / g['new']['wall_s'] for g in mc):.2f}×, "
              f"CPU time {statistics.median(g['base']['cpu_s'] / g['new']['cpu_s'] for g in mc):.2f}×, "
              f"peak memory new ÷ base {statistics.median(g['new']['peak_mib'] / g['base']['peak_mib'] for g in mc):.2f}")
    if args.mc_speedup:
        for tree in ("base", "new") if args.mc_speedup_base else ("new",):
            one = spawn(trees[tree], "--child-mc", str(args.mc_speedup), "1")
            two = spawn(trees[tree], "--child-mc", str(args.mc_speedup), "2")
            print(f"{tree} tree, {args.mc_speedup} replicates: 1 worker {one['wall_s']:.1f} s, 2 workers {two['wall_s']:.1f} s: "
                  f"speed-up {one['wall_s'] / two['wall_s']:.2f}× (CPU parent + workers {one['cpu_s']:.1f} s / {two['cpu_s']:.1f} s)"
                  f"  [load {os.getloadavg()[0]:.1f}]", flush=True)
            for workers, got in ((1, one), (2, two)):
                print(f"  {workers} worker{'s' if workers > 1 else ''}: {parent_cpu(got, args.mc_speedup)}", flush=True)


if __name__ == "__main__":
    main()

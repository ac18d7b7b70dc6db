"""Time a plan of the demo park and count its model runs by stage.

    PYTHONPATH=src python benchmarks/bench_plan.py                       # deterministic: zero-carbon 2040, net zero 2050
    PYTHONPATH=src python benchmarks/bench_plan.py --robust              # + confidence 0.9 under net_zero_2050_uncertain's block
    PYTHONPATH=src python benchmarks/bench_plan.py --executor dask -j 4  # the same on a local Dask cluster of 4 workers

Each plan starts from an empty cache in a temporary folder (so every run is made) and prints the
wall time, the runs each stage took and the plan's system cost NPV against net_zero_2050 at the
same run seed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from parktwin.planning.planner import plan

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=120)
    ap.add_argument("--robust", action="store_true")
    ap.add_argument("--replicates", type=int, default=60)
    ap.add_argument("--check", type=int, default=200, help="fresh replicates that check a robust plan (0: none)")
    ap.add_argument("--executor", default="processes", choices=("serial", "processes", "dask"))
    ap.add_argument("-j", "--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = plan(REPO / "scenarios" / "bau.yaml", "zero_carbon_park=2040,net_zero=2050", Path(tmp) / "plan.yaml",
                      n_trials=args.trials, executor=args.executor, workers=args.workers,
                      confidence=0.9 if args.robust else None,
                      uncertainty=REPO / "scenarios" / "net_zero_2050_uncertain.yaml" if args.robust else None,
                      robust_n=args.replicates, check_n=args.check, against=[REPO / "scenarios" / "net_zero_2050.yaml"])
        wall = time.perf_counter() - t0
    print(result.note())
    total = sum(result.runs.values())
    print(f"wall {wall:,.1f} s; {total} model runs ({', '.join(f'{k} {v}' for k, v in result.runs.items())}); "
          f"{total / wall:.2f} runs/s on {args.workers} {args.executor} workers")


if __name__ == "__main__":
    main()

"""Every table of every shipped scenario, stored once and compared later, value for value.

    python benchmarks/tables_equal.py dump DIR [--seeds 0 1] [--skip optimal]
    python benchmarks/tables_equal.py compare DIR [--seeds 0 1] [--skip optimal]

``dump`` runs each ``scenarios/*.yaml`` at each seed and writes its tables as Parquet under
DIR/<scenario>-s<seed>/; ``compare`` runs them again with the code on the path and checks each
table with ``pandas.testing.assert_frame_equal`` (exact), printing the first difference of each.
Use it to prove a refactor keeps every number: dump from the old commit (a git worktree, with
PYTHONPATH=<worktree>/src), compare from the new one.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

import parktwin

ROOT = Path(__file__).resolve().parents[1]


def scenario_files(skip: list[str]) -> list[Path]:
    """The shipped scenarios, less those whose name contains any of ``skip``."""
    return [p for p in sorted((ROOT / "scenarios").glob("*.yaml")) if not any(s in p.stem for s in skip)]


def tables_of(path: Path, seed: int) -> dict[str, pd.DataFrame]:
    """All result tables of one run (derived ones built)."""
    res = parktwin.run(parktwin.load(path), seed=seed)
    return {name: frame.reset_index(drop=True) for name, frame in res.tables().items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("dump", "compare"))
    ap.add_argument("folder", type=Path)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--skip", nargs="*", default=["optimal"], help="skip scenarios whose name contains these")
    ap.add_argument("--only", nargs="*", default=None, help="only scenarios whose name contains these")
    args = ap.parse_args(argv)
    failures = 0
    for path in scenario_files(args.skip):
        if args.only and not any(s in path.stem for s in args.only):
            continue
        for seed in args.seeds:
            t0 = time.perf_counter()
            tables = tables_of(path, seed)
            where = args.folder / f"{path.stem}-s{seed}"
            if args.mode == "dump":
                where.mkdir(parents=True, exist_ok=True)
                for name, frame in tables.items():
                    frame.to_pickle(where / f"{name}.pkl")
                print(f"{path.stem} s{seed}: {len(tables)} tables dumped ({time.perf_counter() - t0:.1f} s)")
                continue
            bad = []
            for name in sorted(set(tables) | {p.stem for p in where.glob("*.pkl")}):
                stored = where / f"{name}.pkl"
                if name not in tables or not stored.exists():
                    bad.append(f"{name}: only in {'stored' if stored.exists() else 'new'}")
                    continue
                try:
                    pd.testing.assert_frame_equal(tables[name], pd.read_pickle(stored), check_exact=True)
                except AssertionError as exc:
                    bad.append(f"{name}: {str(exc).splitlines()[0]} | {' '.join(str(exc).split())[:300]}")
            failures += bool(bad)
            print(f"{path.stem} s{seed}: {'IDENTICAL' if not bad else 'DIFFERENT'} ({time.perf_counter() - t0:.1f} s)")
            for line in bad:
                print("   ", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

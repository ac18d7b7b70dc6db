"""Fuzz `parktwin check` (and `run` on a sample of what it accepts) with thousands of seeded
mutations of the shipped YAML files; prints the counts and every finding.

    PYTHONPATH=src python benchmarks/fuzz_check.py --n 2000 --runs 40 --seed 1

The mutator and the checks are tests/fuzzing.py (the suite's tests/test_fuzz.py runs a few hundred).
Exit code 1 when anything was found: a traceback, a refusal not naming the mutated key, or a run
that failed or left infinity / undocumented NaN in its tables.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzzing import fuzz  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="mutations checked; default 2000")
    parser.add_argument("--runs", type=int, default=40, help="accepted mutations run for real; default 40")
    parser.add_argument("--seed", type=int, default=1, help="mutator seed; default 1")
    parser.add_argument("--reports", type=int, default=0, help="of the runs, this many also stored with their HTML report; default 0")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        counts = fuzz(args.seed, args.n, args.runs, log=None if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True)),
                      reports=args.reports, report_dir=Path(tmp))
    seconds = time.perf_counter() - start
    for outcome in counts.failures:
        m = outcome.mutation
        print(f"FINDING {m.scenario} --set {m.argument()!r} ({m.kind}): exit {outcome.code}\n{outcome.message}{outcome.traceback}")
    for mutation, found in counts.run_failures:
        print(f"RUN FINDING {mutation.scenario} --set {mutation.argument()!r}: {found}")
    print(f"mutations {args.n} (seed {args.seed}): accepted {counts.accepted}, refused {counts.refused} "
          f"(not naming the key: {counts.unnamed}), tracebacks {counts.tracebacks}, other exits "
          f"{len(counts.failures) - counts.tracebacks - counts.unnamed}; runs {counts.runs} ({min(args.reports, counts.runs)} with report), "
          f"completed {counts.runs_completed}; "
          f"{seconds:.0f} s")
    return 1 if counts.failures or counts.run_failures else 0


if __name__ == "__main__":
    sys.exit(main())

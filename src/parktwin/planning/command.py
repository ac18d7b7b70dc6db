"""``parktwin plan`` on the command line: its arguments and the thin layer over ``parktwin.plan``
(the CLI adds this subcommand; the planner keeps its own options here, beside it)."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from parktwin.planning.design import plan
from parktwin.planning.planner import PlanInfeasible


def add_plan_command(sub, seed_type: Callable[[str], int]) -> None:
    """Add ``plan`` to the CLI's subparsers; ``seed_type`` parses and checks a seed (the CLI's ``--seed``)."""
    pl = sub.add_parser("plan", help="design the least-cost roadmap of a park that meets its targets; write it as a scenario")
    pl.add_argument("scenario", help="the park's scenario (e.g. its bau); its roadmap, if any, is the comparison, not a starting point")
    pl.add_argument("--targets", required=True, help="e.g. zero_carbon_park=2040,net_zero=2050,eco_industrial_park=2030,capex_foundation=2e9 "
                    "(review=scenario adds the scenario's review targets), or a YAML file with a targets: block")
    pl.add_argument("--park", default=None, metavar="PARK.yaml", help="plan for this park file instead of the one the scenario names "
                    "(e.g. models/my_park.yaml from `parktwin import`); the written plan names it")
    pl.add_argument("--out", default=None, help="scenario file to write, e.g. scenarios/my_plan.yaml (runs are cached beside it: resume)")
    pl.add_argument("--confidence", type=float, default=None, help="probability the targets must be met under the uncertainty block (e.g. 0.9)")
    pl.add_argument("--uncertainty", default=None, help="scenario file whose uncertainty block applies (default: the scenario's own)")
    pl.add_argument("--replicates", type=int, default=60, help="replicates of the robust stage's sample (common to every plan tried); default 60")
    pl.add_argument("--check", type=int, default=200, metavar="N", help="with --confidence: check the plan on N fresh replicates of "
                    "another seed (the batch `parktwin mc PLAN -n N --seed SEED+1000` runs); 0: no check; default 200")
    pl.add_argument("--trials", type=int, default=120, help="simulator runs of the search; default 120")
    pl.add_argument("--seed", type=seed_type, default=0, help="seed of the search (and the robust sample); default 0")
    pl.add_argument("--run-seed", type=seed_type, default=0, help="seed of the deterministic runs; default 0")
    pl.add_argument("--against", action="append", metavar="SCENARIO", help="another roadmap of the park to compare costs with (repeatable)")
    pl.add_argument("--report", default=None, metavar="HTML", help="write the plan report (offline HTML)")
    pl.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    pl.add_argument("-j", "--workers", type=int, default=None, help="worker processes; default every core")
    pl.add_argument("--executor", choices=("serial", "processes", "dask"), default=None, help="default processes (dask with --scheduler)")
    pl.add_argument("--scheduler", default=None, metavar="ADDRESS", help="an existing Dask scheduler, e.g. tcp://host:8786")
    pl.add_argument("--no-progress", action="store_true", help="no progress bar")
    pl.set_defaults(func=run_plan_command)


def run_plan_command(args: argparse.Namespace) -> int:
    """Design the least-cost roadmap that meets the targets (thin layer over parktwin.plan)."""
    try:
        result = plan(
            args.scenario, args.targets, out=args.out, n_trials=args.trials, seed=args.seed, run_seed=args.run_seed,
            executor=args.executor or ("dask" if args.scheduler else "processes"), workers=args.workers, scheduler=args.scheduler,
            progress=not args.no_progress, confidence=args.confidence, uncertainty=args.uncertainty, robust_n=args.replicates,
            check_n=args.check, against=args.against or [], report=args.report, lang=args.lang, park=args.park,
        )
    except PlanInfeasible as exc:
        print("\n".join(exc.lines), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the runs made so far are cached beside --out; run the same command again to resume", file=sys.stderr)
        return 130
    print(result.note())
    if args.out:
        print(f"plan written to {args.out}")
    if args.report:
        print(f"report: {args.report}")
    if not result.confidence_reached:
        r = result.robust
        if not r["reached"]:
            print(f"the confidence {result.targets.confidence:.0%} cannot be reached with the candidates at their bounds: the targets are met in "
                  f"{r['probability']:.0%} of {r['n']} replicates after {sum(1 for h in r['history'][1:] if not h['move'].startswith('no move'))} "
                  "moves (the plan written is the best found)",
                  file=sys.stderr)
        else:
            k = r["check"]
            print(f"the confidence {result.targets.confidence:.0%} is reached in the search's sample ({r['probability']:.0%} of {r['n']}) but not "
                  f"in the fresh check ({k['probability']:.0%} of {k['n']}): raise --replicates so the sample holds more of the "
                  "world's spread (the plan written is the best found)", file=sys.stderr)
        return 2
    return 0

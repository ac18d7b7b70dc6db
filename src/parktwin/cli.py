"""The ``parktwin`` command: a few lines over the Python API per subcommand.

Exit codes: 0 success, 2 bad input (every problem listed, no traceback), 1 other failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parktwin.spec.errors import InputError

EXAMPLES = """examples:
  parktwin run scenarios/bau.yaml
  parktwin run scenarios/net_zero_2050.yaml --seed 3 --set carbon_price_cny_per_tco2.2030=200
  parktwin run scenarios/net_zero_2050.yaml --set roadmap.pv_phase1.year=2028 --out /tmp/runs
  parktwin check models/demo_park.yaml
  parktwin schema docs/schema
"""


def _cmd_run(args: argparse.Namespace) -> int:
    import parktwin

    loaded = parktwin.load(args.scenario, args.set or [])
    results = parktwin.run(loaded, seed=args.seed)
    folder = parktwin.save(results, args.out, name=args.name, report=not args.no_report, lang=args.lang)
    a = results.annual
    first, last = a.iloc[0], a.iloc[-1]
    print(f"scenario {loaded.scenario.name!r}, seed {args.seed}: {len(a)} years in {results.manifest['wall_time_s']:.2f} s")
    print(f"  net emissions {int(first['year'])}: {first['net_tco2']:,.0f} tCO2   {int(last['year'])}: {last['net_tco2']:,.0f} tCO2")
    core = results.first_year("core_met")
    print(f"  core indicator {int(last['year'])}: {last['core_indicator_tco2_per_tce']:.3f} tCO2/tce (first met: {core or 'never'})")
    print(f"run stored in {folder}")
    if not args.no_report:
        print(f"report: {folder / 'report.html'}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """Check every file; problems of all files are listed together."""
    from parktwin.spec.load import Loaded, load, load_any

    problems = []
    for path in args.files:
        try:
            item = load(path, args.set) if args.set else load_any(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(item, Loaded):
            sc = item.scenario
            print(f"{path}: scenario {sc.name!r} OK — park {sc.park.name!r}, {sc.years[0]}–{sc.years[-1]}, {len(sc.roadmap)} roadmap items")
        else:
            print(f"{path}: park {item.name!r} OK — {len(item.enterprises)} enterprises, {len(item.buildings)} buildings, {len(item.fleets)} fleets")
    if problems:
        raise InputError(problems)
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from parktwin.spec.schema import write_schemas

    for path in write_schemas(Path(args.folder)):
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parktwin",
        description="Digital twin of an industrial park's transition to zero carbon: run scenarios, check inputs.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a scenario 25 years forward and store its tables and report",
                         epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("scenario", help="scenario YAML (scenarios/*.yaml)")
    run.add_argument("--seed", type=int, default=0, help="random seed (weather, agents); default 0")
    run.add_argument("--out", default="runs", help="folder for run outputs; default runs/")
    run.add_argument("--name", default=None, help="run folder name; default <scenario>-s<seed>-<input hash>")
    run.add_argument("--set", action="append", metavar="PATH=VALUE",
                     help="override an input, e.g. carbon_price_cny_per_tco2.2030=200 or park.grid.import_limit_kw=90000; repeatable")
    run.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    run.add_argument("--no-report", action="store_true", help="store tables only")
    run.set_defaults(func=_cmd_run)

    check = sub.add_parser("check", help="validate park or scenario files without running")
    check.add_argument("files", nargs="+", help="park (models/*.yaml) or scenario (scenarios/*.yaml) files")
    check.add_argument("--set", action="append", metavar="PATH=VALUE", help="check with overrides applied (scenarios)")
    check.set_defaults(func=_cmd_check)

    schema = sub.add_parser("schema", help="write JSON Schemas of the park and scenario files (for editors)")
    schema.add_argument("folder", nargs="?", default="docs/schema")
    schema.set_defaults(func=_cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(exc.describe(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

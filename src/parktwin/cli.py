"""The ``parktwin`` command: a few lines over the Python API per subcommand.

Exit codes: 0 success, 2 bad input (every problem listed, no traceback), 1 other failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd
import yaml

import parktwin
from parktwin.accounting.coverage import describe_gaps
from parktwin.api import strict_problems
from parktwin.atomic import atomic_path
from parktwin.data import constant
from parktwin.experiments.assumptions import assumption_inputs, suggested_block
from parktwin.experiments.batch import open_batch, run_batch
from parktwin.experiments.compare import compare_batches, compare_runs, open_runs
from parktwin.kernel.failure import RunFailed
from parktwin.planning.command import add_plan_command
from parktwin.results.milestones import opposite_moves, with_differences
from parktwin.results.workbook import write_csv_tables, write_inventory_workbook
from parktwin.spec.errors import InputError, Problem, seed_problem
from parktwin.spec.levers import changed_levers, lever_warnings
from parktwin.spec.load import (
    Loaded,
    MeasuredFile,
    load,
    load_any,
    load_park,
    read_yaml,
)
from parktwin.spec.schema import write_schemas
from parktwin.spec.series import describe
from parktwin.spec.workbook import import_workbook, write_template, write_workbook
from parktwin.viz import dashboard
from parktwin.viz.batch_compare import write_batch_comparison
from parktwin.viz.compare import write_comparison
from parktwin.viz.export import FORMATS, ExportError, export_figures
from parktwin.viz.figure_sets import FigureSelectionError, describe_sets, figure_keys
from parktwin.viz.report import write_report

EXAMPLES = """examples:
  parktwin run scenarios/bau.yaml
  parktwin run scenarios/net_zero_2050.yaml --seed 3 --set carbon_price_cny_per_tco2.2030=200
  parktwin run scenarios/net_zero_2050.yaml --set roadmap.pv_phase1.year=2028 --out /tmp/runs
  parktwin run scenarios/net_zero_2050.yaml --park models/small_park.yaml   # the pathway on another park
  parktwin check models/demo_park.yaml
  parktwin schema docs/schema
  parktwin template park.xlsx                                # workbook for a park's own energy statistics
  parktwin import park.xlsx -o models/my_park.yaml           # ... and back to a park file
  parktwin serve --lang zh                                   # workshop dashboard on http://127.0.0.1:8050/
  parktwin report runs/<run> --lang zh --export png,svg,pdf  # figures of a stored run for slides
  parktwin report runs/<run> --export png --figures slides   # only the slide set (--list-figures)
  parktwin compare scenarios/bau.yaml scenarios/net_zero_2050.yaml --html compare.html --lang zh
  parktwin compare runs/<batch A> runs/<batch B> --html compare-mc.html      # Monte Carlo batches side by side
"""

MC_EXAMPLES = """examples:
  parktwin mc scenarios/net_zero_2050_uncertain.yaml -n 1000                 # all cores, LHS, rbd_fast sensitivity
  parktwin mc scenarios/net_zero_2050_uncertain.yaml -n 1000 --resume        # after Ctrl-C: only what is missing
  parktwin mc scenarios/net_zero_2050_uncertain.yaml -n 64 --design sobol    # Sobol' S1/ST: 64 x (k+2) runs
  parktwin mc scenarios/net_zero_2050_uncertain.yaml -n 20 --design morris   # Morris screening: 20 x (k+1) runs
  parktwin mc scenarios/net_zero_2050_uncertain.yaml -n 5000 --scheduler tcp://host:8786
  parktwin mc scenarios/net_zero_2050_uncertain.yaml -n 1000 --executor dask --workers 2
  parktwin mc --list-assumptions scenarios/net_zero_2050.yaml
"""


def _cmd_run(args: argparse.Namespace) -> int:
    loaded = parktwin.load(args.scenario, args.set or [], park=args.park)
    for warning in lever_warnings(loaded.scenario, [path for path, _ in loaded.overrides]):
        print(f"warning: {warning}", file=sys.stderr)
    results = parktwin.run(loaded, seed=args.seed)
    folder = parktwin.save(results, args.out, name=args.name, report=not args.no_report, lang=args.lang)
    a = results.annual
    first, last = a.iloc[0], a.iloc[-1]
    on_park = f" on park {loaded.scenario.park.name!r} ({loaded.park_path})" if args.park else ""
    print(f"scenario {loaded.scenario.name!r}{on_park}, seed {args.seed}: {len(a)} years in {results.manifest['wall_time_s']:.2f} s")
    print(f"  net emissions {int(first['year'])}: {first['net_tco2']:,.0f} tCO2   {int(last['year'])}: {last['net_tco2']:,.0f} tCO2")
    core = results.first_year("core_met")
    print(f"  core indicator {int(last['year'])}: {last['core_indicator_tco2_per_tce']:.3f} tCO2/tce (first met: {core or 'never'})")
    for row in results.data_quality.itertuples():
        filled = f"{row.filled_hours:g} h filled ({row.fill}: {row.fill_ranges})" if row.filled_hours else "no gaps"
        print(f"  measured series of {row.entity}: {row.series_mwh:,.1f} MWh, {filled} (data_quality table)")
    rec = results.reconciliation_table()
    if not rec.empty and rec["difference_pct"].notna().any():
        worst = rec.loc[rec["difference_pct"].abs().idxmax()]
        print(f"  base year vs measured totals: {len(rec)} quantities, largest difference {worst['difference_pct']:+.2f} % "
              f"({worst['scope']} {worst['quantity']}; reconciliation table)")
    print(f"run stored in {folder}")
    if not args.no_report:
        print(f"report: {folder / 'report.html'}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """Check every file; problems of all files are listed together."""

    problems = []
    for path in args.files:
        try:
            if args.park and "enterprises" in read_yaml(Path(path)):
                raise InputError([Problem(path, "", "is a park file; --park applies to scenario files (check the park "
                                                    "file on its own, or a scenario with --park it)")])
            if args.set and "enterprises" in read_yaml(Path(path)):
                raise InputError([Problem(path, "", "--set applies to scenario files and this is a park file: check a scenario "
                                          "that uses it with --set park.<path>=<value>")])
            item = load(path, args.set or [], park=args.park) if args.set or args.park else load_any(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(item, MeasuredFile):
            m = item.measured
            beside = f", for {item.park_path}" if item.park_path else " (no park file beside it)"
            print(f"{path}: measured totals OK — park totals {'given' if m.park else 'not given'}, "
                  f"{len(m.enterprises)} enterprises{beside}")
            continue
        if isinstance(item, Loaded):
            sc = item.scenario
            print(f"{path}: scenario {sc.name!r} OK — park {sc.park.name!r}, {sc.years[0]}–{sc.years[-1]}, {len(sc.roadmap)} roadmap items")
            park, park_path = sc.park, item.park_path
        else:
            print(f"{path}: park {item.name!r} OK — {len(item.enterprises)} enterprises, {len(item.buildings)} buildings, {len(item.fleets)} fleets")
            park, park_path = item, path

        for line in describe(park):
            print(line)
        _print_gaps(path, park)
        if args.strict:
            if args.tolerance is None:
                args.tolerance = constant("reconciliation_tolerance_share")

            found = strict_problems(park, park_path, args.tolerance)
            problems.extend(found)
            if not found:
                print(f"{path}: base year reconciles with its measured totals within ±{args.tolerance:.1%}")
    if problems:
        raise InputError(problems)
    return 0


def _print_gaps(path, park) -> None:
    """The indicators the park's data leave unassessable, and the fields of the firms that would fix them."""
    lines = describe_gaps(park)
    if lines:
        print(f"{path}: {len(lines)} data gap(s) leave indicators unassessable (not assessed in every run):")
        for line in lines:
            print(line)


def _cmd_schema(args: argparse.Namespace) -> int:
    for path in write_schemas(Path(args.folder)):
        print(f"wrote {path}")
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    """An empty, documented workbook for a park's own energy statistics."""

    print(f"wrote {write_template(Path(args.workbook))} (fill it in, then: parktwin import {args.workbook} -o models/<name>.yaml)")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    """A filled workbook to a park file (and its measured totals), validated; nothing written on a problem."""
    park, measured = import_workbook(Path(args.workbook), Path(args.out))
    print(f"wrote {park}" + (f" and {measured} (measured totals)" if measured else ""))
    _print_gaps(park, load_any(park))
    print(f"next: parktwin check {park}")
    return 0


def _cmd_export_workbook(args: argparse.Namespace) -> int:
    """A checked park file (with its measured totals and series files) to a workbook that ``import`` reads back."""

    load_park(args.park)  # a park that does not check is not exported
    print(f"wrote {write_workbook(Path(args.park), Path(args.out))} (edit it, then: parktwin import {args.out} -o <park>.yaml)")
    return 0


def _cmd_mc(args: argparse.Namespace) -> int:
    """Monte Carlo batch over the scenario's uncertainty block (thin layer over parktwin.run_batch)."""

    if args.list_assumptions:
        rows = assumption_inputs(load(args.scenario, args.set or [], park=args.park) if args.scenario else None)
        shown = rows.assign(path=rows["path"].replace("", "(not reachable by an override path)"))
        print(shown[["table", "key", "value", "unit", "path"]].to_string(index=False))
        print("\nA block for the reachable ones (paste into the scenario and edit):\n")
        print(suggested_block(rows))
        return 0
    if not args.scenario:
        raise SystemExit("parktwin mc: a scenario file is needed (or --list-assumptions)")

    try:
        batch = parktwin.run_batch(
            args.scenario, n=args.n, seed=args.seed, executor=args.executor or ("dask" if args.scheduler else "processes"),
            workers=args.workers, scheduler=args.scheduler, out=args.out, resume=args.resume, design=args.design,
            overrides=args.set or [], park=args.park, name=args.name, overwrite=args.overwrite, method=args.method,
            progress=not args.no_progress, report=not args.no_report, lang=args.lang,
            log=lambda msg: print(msg, file=sys.stderr),
        )
    except KeyboardInterrupt:
        print("interrupted: finished replicates are stored; run the same command with --resume to do the rest",
              file=sys.stderr)
        return 130
    except (FileExistsError, ValueError) as exc:
        print(f"parktwin mc: {exc}", file=sys.stderr)
        return 1
    print(batch.summary().text())
    print(f"batch stored in {batch.path}")
    if not args.no_report:
        print(f"report: {batch.report_path}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    """Scenarios side by side: one run each, or a Monte Carlo batch each (-n, or stored batch folders)."""

    folders = [s for s in args.scenarios if Path(s).is_dir()]
    batch_folders = [f for f in folders if (Path(f) / "batch.json").is_file()]
    if args.park and folders:
        print("parktwin compare: --park applies to scenario files, not to stored run or batch folders "
              f"({', '.join(folders)})", file=sys.stderr)
        return 2
    if args.n is not None and folders:
        print("parktwin compare: with -n every source must be a scenario file; give stored batch folders without -n",
              file=sys.stderr)
        return 2
    if batch_folders and len(batch_folders) != len(args.scenarios):
        print("parktwin compare: batch folders are compared only with other batch folders "
              f"({', '.join(s for s in args.scenarios if s not in batch_folders)} is not one)", file=sys.stderr)
        return 2
    if args.n is not None or batch_folders:
        if args.n is not None:
            options = dict(executor=args.executor or ("dask" if args.scheduler else "processes"), workers=args.workers,
                           scheduler=args.scheduler, out=args.runs, resume=True, report=False)
            batches = [run_batch(path, args.n, args.seed, overrides=args.set or [], park=args.park, **options) for path in args.scenarios]
        else:
            batches = [open_batch(folder) for folder in batch_folders]
        table = compare_batches(batches, year=args.year)
        if args.html:
            print(f"comparison page: {write_batch_comparison(batches, args.html, args.lang)}")
    else:
        for folder in folders:
            if not (Path(folder) / "manifest.json").is_file():
                print(f"parktwin compare: {folder} is neither a run folder (manifest.json) nor a batch folder (batch.json)",
                      file=sys.stderr)
                return 2
        _compare_lever_warnings(args.scenarios, args.set or [], args.park)
        runs = open_runs(args.scenarios, seed=args.seed, overrides=args.set or [], park=args.park)
        table = compare_runs(runs, year=args.year)
        if args.html:
            print(f"comparison page: {write_comparison(runs, args.html, args.lang)}")
    if not (args.n is not None or batch_folders):

        table = with_differences(table)
        notes = opposite_moves(table)
    else:
        notes = []
    with pd_display():
        print(_readable(table).to_string())
    for note in notes:
        print(f"note: {note}")
    if args.out:
        with atomic_path(args.out) as tmp:
            table.to_csv(tmp)
        print(f"written to {args.out}")
    return 0


def _compare_lever_warnings(sources: list[str], overrides: list[str], park: str | None = None) -> None:
    """Warn (stderr) where a scenario differs from the first one only in levers that nothing in it acts on."""
    files = [s for s in sources if not Path(s).is_dir()]
    loaded = [parktwin.load(path, overrides, park=park) for path in files]
    for i, item in enumerate(loaded):
        paths = [path for path, _ in item.overrides]
        if i > 0:
            paths += changed_levers(loaded[0].scenario, item.scenario)
        for warning in lever_warnings(item.scenario, paths):
            print(f"warning: {warning}", file=sys.stderr)


def _readable(table):
    """The comparison table as text: years and counts whole ("never" for NaN years), small numbers
    with three decimals, large ones with thousands separators."""

    def cell(figure: str, v: float, delta: bool) -> str:
        if figure.startswith(("first year", "phase targets")):
            return ("" if delta else "never") if v != v else f"{v:+.0f}" if delta else f"{v:.0f}"
        sign = "+" if delta else ""
        return "" if v != v else f"{v:{sign},.3f}" if abs(v) < 10 else f"{v:{sign},.0f}"

    return table.apply(lambda col: [cell(f, v, str(col.name).startswith("Δ ")) for f, v in zip(table.index, col)])


def pd_display():
    return pd.option_context("display.width", 200, "display.max_columns", 50)


def _cmd_serve(args: argparse.Namespace) -> int:
    """The workshop dashboard (thin layer over parktwin.viz.dashboard)."""
    try:
        keys = figure_keys(args.figures, default="workshop")
    except FigureSelectionError as exc:
        print(f"parktwin serve: --figures: {exc}", file=sys.stderr)
        return 2
    scenario = args.scenario or (args.scenarios[0] if args.scenarios else "scenarios/net_zero_2050.yaml")
    dashboard.serve(scenario, host=args.host, port=args.port, lang=args.lang, seed=args.seed, keys=keys, park=args.park,
          scenarios=args.scenarios or None)
    return 0


def _formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in (*FORMATS, "jpg")]
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"expected some of {','.join(FORMATS)} separated by commas (got {text!r})")
    return formats


def _cmd_report(args: argparse.Namespace) -> int:
    """Re-render a stored run's report in a language and/or export its figures for slides."""

    if args.list_figures:
        print("\n".join(describe_sets()))
        return 0
    if args.run_folder is None:
        print("parktwin report: a run folder is needed (or --list-figures)", file=sys.stderr)
        return 2
    if args.figures is not None and ("/" in args.figures or "\\" in args.figures or Path(args.figures).is_dir()):
        print(f"parktwin report: --figures names the figures to export ('all', a set or keys; see --list-figures); "
              f"the folder they go to is --export-dir {args.figures}", file=sys.stderr)
        return 2
    try:
        keys = figure_keys(args.figures, default="all")
    except FigureSelectionError as exc:
        print(f"parktwin report: --figures: {exc}", file=sys.stderr)
        return 2
    if args.figures is not None and not args.export:
        print("parktwin report: --figures chooses the figures of --export FORMATS; give --export too", file=sys.stderr)
        return 2
    folder = Path(args.run_folder)
    try:
        results = parktwin.read_run(folder)
    except FileNotFoundError as exc:
        message = str(exc)
        if (folder / "manifest.json").is_file():  # a table is missing: another version's run folder
            message = f"a table of the run is missing ({exc}); stored by another parktwin version? run it again"
        print(f"parktwin report: {message}", file=sys.stderr)
        return 2
    if args.excel:
        print(f"inventory workbook: {write_inventory_workbook(results, folder / 'inventory.xlsx')}")
    if args.csv:
        print(f"{len(write_csv_tables(results, folder / 'csv'))} tables as CSV in {folder / 'csv'}")
    if args.out or not (args.export or args.excel or args.csv):
        out = Path(args.out) if args.out else folder / f"report-{args.lang}.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        print(f"report: {write_report(results, out, args.lang)}")
    if args.export:
        target = Path(args.export_dir) if args.export_dir else folder / "figures"
        try:
            done = export_figures(results, target, formats=args.export, keys=keys, lang=args.lang, width=args.width,
                                  height=args.height, scale=args.scale)
        except ExportError as exc:
            print(f"parktwin report: {exc}", file=sys.stderr)
            return 1
        print(f"exported {len(done.paths)} images to {target} in {done.seconds:.1f} s ({done.seconds_per_image:.2f} s each)")
    return 0


def _cmd_size(args: argparse.Namespace) -> int:
    """Size PV and storage for a year with the LP and write a scenario that adds them."""
    loaded = parktwin.load(args.scenario, args.set or [])
    result, items = parktwin.api.size(loaded, args.year, seed=args.seed, thermal_store=args.thermal_store)
    store = f", hot-water store {result.store_kwh:,.0f} kWh_th / {result.store_heater_kw:,.0f} kW_th heater" if args.thermal_store else ""
    print(f"{loaded.scenario.name} {args.year}: PV +{result.pv_kwp:,.0f} kWp, battery {result.battery_kwh:,.0f} kWh / "
          f"{result.battery_kw:,.0f} kW{store}, annual cost {result.annual_cost_cny / 1e6:,.1f} M CNY")
    if args.out:
        out = Path(args.out)
        base = Path(loaded.scenario_path).resolve()
        roadmap = [dict(item) for item in loaded.document.get("roadmap", [])]
        doc = {"extends": os.path.relpath(base, out.resolve().parent), "name": f"{loaded.scenario.name}_sized_{args.year}",
               "roadmap": roadmap + [{"id": f"sized_{item['kind']}_{args.year}", **item} for item in items]}
        out.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
        print(f"wrote {out} (the scenario's roadmap plus {len(items)} sized items)")
    return 0


def _seed(text: str) -> int:
    """``--seed``: a whole number 0 … 2^64−1 (argparse names the option in its message)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number 0 … 2^64−1 (got {text!r})") from None
    if (problem := seed_problem(value)) is not None:
        raise argparse.ArgumentTypeError(problem.message)
    return value


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
    run.add_argument("--seed", type=_seed, default=0, help="random seed (weather, agents); default 0")
    run.add_argument("--out", default="runs", help="folder for run outputs; default runs/")
    run.add_argument("--name", default=None, help="run folder name; default <scenario>-s<seed>-<input hash>")
    run.add_argument("--set", action="append", metavar="PATH=VALUE",
                     help="override an input, e.g. carbon_price_cny_per_tco2.2030=200 or park.grid.import_limit_kw=90000; repeatable")
    run.add_argument("--park", default=None, metavar="PARK.yaml", help="run on this park file instead of the one the scenario names (e.g. models/my_park.yaml from `parktwin import`)")
    run.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    run.add_argument("--no-report", action="store_true", help="store tables only")
    run.set_defaults(func=_cmd_run)

    check = sub.add_parser("check", help="validate park or scenario files without running")
    check.add_argument("files", nargs="+", help="park (models/*.yaml) or scenario (scenarios/*.yaml) files")
    check.add_argument("--set", action="append", metavar="PATH=VALUE", help="check with overrides applied (scenarios)")
    check.add_argument("--park", default=None, metavar="PARK.yaml", help="check scenario files on this park file instead of the ones they name")
    check.add_argument("--strict", action="store_true",
                       help="also reconcile the bottom-up base year with the park's measured totals (<park>.measured.yaml)")
    check.add_argument("--tolerance", type=float, default=None,
                       help="with --strict: allowed deviation as a share (default reconciliation_tolerance_share, data/constants.csv)")
    check.set_defaults(func=_cmd_check)

    mc = sub.add_parser("mc", help="Monte Carlo batch over the scenario's uncertainty block: bands, probabilities, sensitivity",
                        epilog=MC_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    mc.add_argument("scenario", nargs="?", help="scenario YAML with an uncertainty block")
    mc.add_argument("-n", type=int, default=100, help="replicates (lhs, random), Morris trajectories, or Sobol' base points (power of 2); default 100")
    mc.add_argument("--seed", type=_seed, default=0, help="batch seed (design and every replicate's run seed); default 0")
    mc.add_argument("--design", choices=("lhs", "random", "morris", "sobol"), default="lhs", help="sampling design; default lhs")
    mc.add_argument("--method", choices=("rbd_fast", "delta"), default=None, help="sensitivity method on lhs/random batches; default rbd_fast")
    mc.add_argument("--executor", choices=("serial", "processes", "dask"), default=None, help="where runs go; default processes (dask with --scheduler)")
    mc.add_argument("--workers", type=int, default=None, help="local worker processes (processes, or a local Dask cluster with --executor dask); default every core")
    mc.add_argument("--scheduler", default=None, metavar="ADDRESS", help="an existing Dask scheduler, e.g. tcp://host:8786")
    mc.add_argument("--out", default="runs", help="folder for batches; default runs/")
    mc.add_argument("--name", default=None, help="batch folder name; default <scenario>-<design>-n<n>-s<seed>-<input hash>")
    mc.add_argument("--resume", action="store_true", help="finish a stopped batch (same arguments): runs only the missing replicates")
    mc.add_argument("--overwrite", action="store_true", help="start the batch again from nothing")
    mc.add_argument("--set", action="append", metavar="PATH=VALUE", help="override an input of the scenario before sampling; repeatable")
    mc.add_argument("--park", default=None, metavar="PARK.yaml", help="run on this park file instead of the one the scenario names (e.g. models/my_park.yaml from `parktwin import`)")
    mc.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    mc.add_argument("--no-report", action="store_true", help="no batch_report.html")
    mc.add_argument("--no-progress", action="store_true", help="no progress bar")
    mc.add_argument("--list-assumptions", action="store_true",
                    help="list the shipped data rows marked 'assumption' (default uncertain inputs) and exit")
    mc.set_defaults(func=_cmd_mc)

    add_plan_command(sub, _seed)

    compare = sub.add_parser("compare", help="several scenarios side by side (one run each, or a batch each: -n or stored batch folders)")
    compare.add_argument("scenarios", nargs="+", help="scenario YAML files, stored run folders (runs/<run>) or stored batch folders")
    compare.add_argument("--seed", type=_seed, default=0, help="run seed (or batch seed with -n); default 0")
    compare.add_argument("-n", type=int, default=None, help="run a Monte Carlo batch of n per scenario instead of one run")
    compare.add_argument("--year", type=int, default=None, help="year compared; default the last")
    compare.add_argument("--set", action="append", metavar="PATH=VALUE", help="override applied to every scenario; repeatable")
    compare.add_argument("--park", default=None, metavar="PARK.yaml", help="run every scenario file on this park file instead of the ones they name")
    compare.add_argument("--out", default=None, help="also write the table to this CSV file")
    compare.add_argument("--html", default=None, metavar="FILE", help="also write the comparison page (offline HTML) to FILE; for batches: fans, probabilities, cost spread")
    compare.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the comparison page")
    compare.add_argument("--runs", default="runs", help="folder for the batches (with -n); default runs/")
    compare.add_argument("--executor", choices=("serial", "processes", "dask"), default=None, help="for batches (with -n)")
    compare.add_argument("--workers", type=int, default=None, help="for batches (with -n)")
    compare.add_argument("--scheduler", default=None, metavar="ADDRESS", help="for batches (with -n): a Dask scheduler")
    compare.set_defaults(func=_cmd_compare)

    serve = sub.add_parser("serve", help="the workshop dashboard: sliders over a scenario, charts from a fresh run (offline)")
    serve.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                       help="the only scenario files the page offers (default: --scenario and scenarios/*.yaml under the current folder)")
    serve.add_argument("--scenario", default=None,
                       help="scenario shown first; default the first SCENARIO, else scenarios/net_zero_2050.yaml")
    serve.add_argument("--park", default=None, metavar="PARK.yaml", help="show every scenario on this park file instead of the ones they name")
    serve.add_argument("--port", type=int, default=8050, help="default 8050")
    serve.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this computer only); 0.0.0.0 opens it to the network")
    serve.add_argument("--lang", choices=("en", "zh"), default="en", help="page and chart language")
    serve.add_argument("--seed", type=_seed, default=0, help="random seed of every run; default 0")
    serve.add_argument("--figures", default=None, metavar="SELECTION",
                       help="'all', a set ('workshop', 'slides') or figure keys separated by commas; default workshop "
                            "(see parktwin report --list-figures)")
    serve.set_defaults(func=_cmd_serve)

    report = sub.add_parser("report", help="re-render a stored run's report in a language, or export its figures (PNG/SVG/PDF)")
    report.add_argument("run_folder", nargs="?", help="a run folder (runs/<scenario>-s<seed>-<hash>)")
    report.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the report and figures")
    report.add_argument("--out", default=None, help="report file; default RUN_FOLDER/report-<lang>.html (not written with --export alone)")
    report.add_argument("--export", type=_formats, default=None, metavar="FORMATS",
                        help="also write the figures (all, or those of --figures) as these formats, e.g. png,svg,pdf (needs kaleido and a Chrome/Chromium)")
    report.add_argument("--figures", default=None, metavar="SELECTION",
                        help="which figures --export writes: 'all' (default), a set ('slides', 'workshop') or figure keys "
                             "separated by commas, e.g. slides,sankey_carbon (see --list-figures)")
    report.add_argument("--export-dir", default=None, metavar="DIR", help="folder for exported figures; default RUN_FOLDER/figures")
    report.add_argument("--list-figures", action="store_true", help="list the figure sets and figure keys, and exit")
    report.add_argument("--excel", action="store_true", help="write RUN_FOLDER/inventory.xlsx: the inventory by scope, source, entity and year, with factors and sources")
    report.add_argument("--csv", action="store_true", help="write every table as CSV into RUN_FOLDER/csv/")
    report.add_argument("--width", type=int, default=1200, help="exported figure width [px]; default 1200")
    report.add_argument("--height", type=int, default=600, help="exported figure height [px]; default 600")
    report.add_argument("--scale", type=float, default=1.0, help="PNG pixel multiplier (2 for sharp slides); default 1")
    report.set_defaults(func=_cmd_report)

    size = sub.add_parser("size", help="least-cost PV and battery additions for a year (LP); optionally write them back as a scenario")
    size.add_argument("scenario")
    size.add_argument("--year", type=int, required=True)
    size.add_argument("--seed", type=_seed, default=0)
    size.add_argument("--set", action="append", metavar="PATH=VALUE")
    size.add_argument("--out", help="write a scenario that extends this one with the sized items")
    size.add_argument("--thermal-store", action="store_true",
                      help="also size a hot-water store against the low band's electric heat (written as a thermal_storage item)")
    size.set_defaults(func=_cmd_size)

    schema = sub.add_parser("schema", help="write JSON Schemas of the park and scenario files (for editors)")
    schema.add_argument("folder", nargs="?", default="docs/schema")
    schema.set_defaults(func=_cmd_schema)

    template = sub.add_parser("template", help="write an empty, documented workbook (.xlsx) for a park's own energy statistics")
    template.add_argument("workbook", help="the .xlsx file to write, e.g. park.xlsx")
    template.set_defaults(func=_cmd_template)

    imp = sub.add_parser("import", help="read a filled park workbook (.xlsx), validate it and write a park file (+ <name>.measured.yaml)")
    imp.add_argument("workbook", help="a workbook made from `parktwin template`")
    imp.add_argument("-o", "--out", required=True, help="park file to write, e.g. models/my_park.yaml")
    imp.set_defaults(func=_cmd_import)

    exp = sub.add_parser("export-workbook", help="write a park file (and its measured totals and series files) as a park workbook (.xlsx)")
    exp.add_argument("park", help="park file, e.g. models/demo_park.yaml")
    exp.add_argument("-o", "--out", required=True, help="the .xlsx file to write")
    exp.set_defaults(func=_cmd_export_workbook)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand. Bad input: its problems, exit 2. A run that stops part-way: one message
    naming the year, the stage and the inputs it reads (kernel.failure), exit 1. Anything else
    unforeseen: one line naming the command and the error, exit 1 (``PARKTWIN_TRACEBACK=1``
    shows the traceback instead, for a bug report)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(exc.describe(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130
    except RunFailed as exc:
        print(f"parktwin {args.command}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("PARKTWIN_TRACEBACK"):
            raise
        print(f"parktwin {args.command}: stopped by an unexpected error ({type(exc).__name__}: {exc}); nothing half-written "
              "was left behind. Run again with PARKTWIN_TRACEBACK=1 for the details of a bug report.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

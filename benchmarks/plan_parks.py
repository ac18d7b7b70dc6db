"""Plan three parks that are not the demo: a new park made through the workbook template, ordos_like, logistics_like.

    PYTHONPATH=src python benchmarks/plan_parks.py                        # all three, 60 search trials each
    PYTHONPATH=src python benchmarks/plan_parks.py --trials 30 --only logistics_like
    PYTHONPATH=src python benchmarks/plan_parks.py --keep plans/          # keep the written plans and caches

The parks:
- ``workbook_park``: the synthetic 12-firm park near Suzhou that models/examples/make_suzhou_park.py
  fills into the workbook template; written to a temporary folder, imported with ``parktwin import``
  and planned from ``scenarios/bau.yaml --park <imported.yaml>`` (the strategist's path: template ->
  import -> plan, on a park that is not shipped);
- ``ordos_like``: ``scenarios/ordos_like_bau.yaml``;
- ``logistics_like``: ``scenarios/logistics_like_bau.yaml``.

Each is planned with ``parktwin.plan`` for "zero-carbon park by 2040, net zero by 2050" (``--targets``)
from an empty cache in a temporary folder (every run is made), on the process executor. For each park
it prints whether the targets are met (the plan's closing note) or, when a target cannot be met, the
diagnosis ``parktwin plan`` prints before exiting with code 2 (``PlanInfeasible.lines``); the plan's
system cost NPV against the input's (the bau as it is), the model runs by stage (for an infeasible
target: the runs the screen cached) and the wall time. The script exits 0 when every park is either
planned or diagnosed (the issue's criterion); any other error is a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import tempfile
import time
from pathlib import Path

from parktwin import plan
from parktwin.cli import main as cli
from parktwin.planning.planner import PlanInfeasible

REPO = Path(__file__).resolve().parents[1]
MAKER = REPO / "models" / "examples" / "make_suzhou_park.py"
PARKS = ("workbook_park", "ordos_like", "logistics_like")
SCENARIOS = {"ordos_like": REPO / "scenarios" / "ordos_like_bau.yaml",
             "logistics_like": REPO / "scenarios" / "logistics_like_bau.yaml"}


def workbook_park(folder: Path) -> Path:
    """Fill the template with the new park (make_suzhou_park.py), import it with the CLI and check it; the park file."""
    spec = importlib.util.spec_from_file_location("make_suzhou_park", MAKER)
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    xlsx = maker.main(folder / "suzhou_park.xlsx")
    park = folder / "suzhou_park.yaml"
    for argv in (["import", str(xlsx), "-o", str(park)], ["check", str(park)]):
        if cli(argv) != 0:
            raise SystemExit(f"parktwin {argv[0]} failed on {xlsx.name}")
    return park


def plan_one(name: str, folder: Path, args: argparse.Namespace) -> dict:
    """Plan one park; print its verdict, costs, runs and wall time; the row of the closing table."""
    park = workbook_park(folder) if name == "workbook_park" else None
    scenario = REPO / "scenarios" / "bau.yaml" if park else SCENARIOS[name]
    out = folder / f"{name}_plan.yaml"
    print(f"\n=== {name}: plan {scenario.relative_to(REPO)}" + (f" --park {park.name}" if park else "")
          + f" --targets {args.targets} --trials {args.trials} ({args.executor}, {args.workers} workers)", flush=True)
    t0 = time.perf_counter()
    try:
        result = plan(scenario, args.targets, out, n_trials=args.trials, seed=args.seed, executor=args.executor,
                      workers=args.workers, park=park)
    except PlanInfeasible as exc:
        wall = time.perf_counter() - t0
        cache = out.with_name(out.stem + ".plan-cache.jsonl")
        runs = sum(1 for _ in cache.open(encoding="utf-8")) if cache.exists() else 0
        print("NOT MET (parktwin plan exits 2):")
        print("\n".join(f"  {line}" for line in exc.lines))
        print(f"runs: {runs} (the screen's, cached); wall {wall:,.1f} s", flush=True)
        return {"park": name, "exit": 2, "npv_mcny": None, "input_npv_mcny": None, "runs": runs, "wall_s": wall,
                "failing": ", ".join(row["target"] for row in exc.diagnosis) or exc.lines[0]}
    wall = time.perf_counter() - t0
    plan_npv, input_npv = result.claims["npv_cny"] / 1e6, result.base["npv_cny"] / 1e6
    print(("MET" if result.claims["feasible"] else "NOT MET") + f": {len(result.roadmap)} roadmap items, written to {out.name}")
    print("\n".join(f"  {line}" for line in result.note().splitlines()))
    print(f"system cost NPV: plan {plan_npv:,.0f} M CNY, input as it is {input_npv:,.0f} M CNY ({plan_npv - input_npv:+,.0f} M CNY)")
    print(f"runs: {sum(result.runs.values())} ({', '.join(f'{k} {v}' for k, v in result.runs.items())}); wall {wall:,.1f} s", flush=True)
    return {"park": name, "exit": 0 if result.claims["feasible"] else 2, "npv_mcny": plan_npv, "input_npv_mcny": input_npv,
            "runs": sum(result.runs.values()), "wall_s": wall, "failing": ""}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", choices=PARKS, metavar="NAME", help=f"plan only these parks: {', '.join(PARKS)}")
    ap.add_argument("--targets", default="zero_carbon_park=2040,net_zero=2050")
    ap.add_argument("--trials", type=int, default=60, help="simulator runs of each search; default 60")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--executor", default="processes", choices=("serial", "processes", "dask"))
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, metavar="DIR", help="copy the written plans, caches and the imported park here")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or PARKS:
            folder = Path(tmp) / name
            folder.mkdir()
            rows.append(plan_one(name, folder, args))
            if args.keep:
                shutil.copytree(folder, args.keep / name, dirs_exist_ok=True)
    print(f"\n{'park':<16}{'exit':>5}{'plan NPV':>14}{'input NPV':>14}{'runs':>7}{'wall s':>9}  failing")
    for r in rows:
        npv = "—" if r["npv_mcny"] is None else f"{r['npv_mcny']:,.0f}"
        base = "—" if r["input_npv_mcny"] is None else f"{r['input_npv_mcny']:,.0f}"
        print(f"{r['park']:<16}{r['exit']:>5}{npv:>14}{base:>14}{r['runs']:>7}{r['wall_s']:>9.1f}  {r['failing']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Where a warm 25-year run spends its time, stage by stage.

    python benchmarks/profile_stages.py [scenario.yaml ...] [--repeat N] [--cprofile N]

The year is a pipeline of named stages (``kernel.year.YEAR_STAGES``, copied into each model's
``model.stages``): each stage's ``run`` is wrapped with a timer for the benchmark only (the package
is untouched), so the table has one row per stage of the year, summed over the run's years. Around
the pipeline: "setup" is building the model (weather, PV, agents), "agents' step and decisions"
the yearly steps of the agents and the operator's decisions, "projects" the commissioning
processes, "run's end" the money, levelised costs and MACC rows (``close_run``), "table building"
turning the record into DataFrames (``build_results``) and "derived tables" the stage assessment
(``Results.tables()``: indicators, stages, reconciliation). A row's time excludes the rows called
inside it. "rest" is the whole run less all rows (the SimPy clock, outages, the manifest...).
Times are medians over ``--repeat`` warm runs [ms]. ``--cprofile N`` first prints the N functions
with the most own time over 3 warm runs. ``--cpu`` times with the thread's CPU clock instead of the
wall clock: on a busy shared machine the wall clock also counts the time other processes held the
core, the CPU clock only this run's own work (steadier; compare trees with the same clock).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import importlib
import pstats
import statistics
import time
from collections import defaultdict
from pathlib import Path

import parktwin
from parktwin.kernel import year as year_module
from parktwin.kernel.year import Stage

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "scenarios" / "net_zero_2050.yaml", ROOT / "scenarios" / "bau.yaml"]

# rows around the pipeline → [(module, attribute path)]: where the kernel looks the function up
AROUND = {
    "setup": [("parktwin.kernel.model", "ParkModel.__init__")],
    "agents' step and decisions": [("parktwin.agents.enterprise", "EnterpriseAgent.step"),
                                   ("parktwin.agents.building", "BuildingAgent.step"),
                                   ("parktwin.agents.fleet", "FleetAgent.step"),
                                   ("parktwin.agents.operator", "OperatorAgent.step"),
                                   ("parktwin.agents.operator", "OperatorAgent.decide"),
                                   ("parktwin.agents.exchange", "ExchangeAgent.step"),
                                   ("parktwin.kernel.model", "ParkModel._decision_context"),
                                   ("parktwin.kernel.model", "ParkModel._cost_roadmap_measure")],
    "projects (commissioning)": [("parktwin.kernel.model", "ParkModel._project")],
    "run's end (money, levelised, MACC)": [("parktwin.kernel.model", "close_run")],
    "table building": [("parktwin.api", "build_results")],
    "derived tables (stages)": [("parktwin.results.tables.Results", "tables")],
}
PIPELINE = [f"stage: {s.name}" for s in year_module.YEAR_STAGES]
ROWS = [*list(AROUND)[:1], *PIPELINE, *list(AROUND)[1:]]

CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}
clock = CLOCKS["wall"]  # what rows are timed with (``--cpu``: the thread's CPU time)
_stack: list[list] = []
_totals: dict[str, float] = defaultdict(float)


@contextlib.contextmanager
def _charged(row: str):
    """Time the block and charge ``row`` its own time (less the rows timed inside it)."""
    _stack.append([row, 0.0])
    t0 = clock()
    try:
        yield
    finally:
        elapsed = clock() - t0
        _, inner = _stack.pop()
        _totals[row] += elapsed - inner
        if _stack:
            _stack[-1][1] += elapsed


def _timed(row: str, fn):
    if hasattr(fn, "__wrapped_stage__"):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _charged(row):
            out = fn(*args, **kwargs)
        if hasattr(out, "send") and hasattr(out, "throw"):  # a SimPy process: time its steps
            out = _timed_generator(row, out)
        return out

    wrapper.__wrapped_stage__ = row
    return wrapper


def _timed_generator(row: str, gen):
    value = None
    while True:
        with _charged(row):
            try:
                event = gen.send(value)
            except StopIteration as stop:
                return stop.value
        value = yield event


def install() -> None:
    """Wrap each pipeline stage's ``run`` and the functions around the pipeline where the kernel looks them up."""
    timed = tuple(Stage(s.name, _timed(f"stage: {s.name}", s.run)) for s in year_module.YEAR_STAGES)
    year_module.YEAR_STAGES = timed
    importlib.import_module("parktwin.kernel.model").YEAR_STAGES = timed  # ParkModel copies it into model.stages
    for row, targets in AROUND.items():
        for module_name, attr in targets:
            owner, _, name = attr.rpartition(".")
            try:
                module = importlib.import_module(module_name)
                holder = getattr(module, owner) if owner else module
            except ModuleNotFoundError:  # a class path: module.Class
                mod, _, cls = module_name.rpartition(".")
                holder = getattr(importlib.import_module(mod), cls)
            setattr(holder, name, _timed(row, getattr(holder, name)))


def profile(path: Path, repeat: int) -> tuple[dict[str, float], float]:
    """Median ms per row over ``repeat`` warm runs (run + derived tables), and the median total."""
    loaded = parktwin.load(path)
    parktwin.run(loaded, seed=0).tables()
    per_row: dict[str, list[float]] = defaultdict(list)
    totals = []
    for seed in range(1, repeat + 1):
        _totals.clear()
        t0 = clock()
        parktwin.run(loaded, seed=seed).tables()
        total = clock() - t0
        totals.append(total)
        for row in ROWS:
            per_row[row].append(_totals.get(row, 0.0))
        per_row["rest"].append(total - sum(_totals.values()))
    return {s: 1000 * statistics.median(v) for s, v in per_row.items()}, 1000 * statistics.median(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cprofile", type=int, default=0, help="also list the N functions with the most own time")
    parser.add_argument("--cpu", action="store_true", help="time with the thread's CPU clock (steadier on a busy machine)")
    args = parser.parse_args()
    global clock
    clock = CLOCKS["cpu" if args.cpu else "wall"]
    if args.cprofile:
        for path in args.scenarios:
            loaded = parktwin.load(path)
            parktwin.run(loaded, seed=0).tables()
            prof = cProfile.Profile()
            prof.enable()
            for seed in range(1, 4):
                parktwin.run(loaded, seed=seed).tables()
            prof.disable()
            print(f"== {path.name}: 3 warm runs, by own time")
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.cprofile)
    install()
    results = {path.stem: profile(path, args.repeat) for path in args.scenarios}
    names = list(results)
    print("| row | " + " | ".join(f"{n} [ms]" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for row in [*ROWS, "rest"]:
        print(f"| {row} | " + " | ".join(f"{results[n][0][row]:.1f}" for n in names) + " |")
    print("| **whole run + tables (median)** | " + " | ".join(f"{results[n][1]:.1f}" for n in names) + " |")


if __name__ == "__main__":
    main()

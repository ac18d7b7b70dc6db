"""Where a warm 25-year run spends its time, stage by stage.

    python benchmarks/profile_stages.py [scenario.yaml ...] [--repeat N] [--cprofile N]

Each stage is the set of functions the kernel calls for it (STAGES below); they are wrapped
with timers for the benchmark only (the package is untouched), and a stage's time excludes the
stages called inside it (the heat dispatch is not counted again in "carrier plan"). "rest of
the year" is the yearly cycle less its stages (building the annual row, tariffs, outages...);
"setup" is building the model (weather, PV, agents); "table building" is turning the record
into DataFrames (``build_results``) and "derived tables" the stage assessment (``tables()``).
Times are medians over ``--repeat`` warm runs [ms]. ``--cprofile N`` also prints the N
functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import pstats
import statistics
import time
from collections import defaultdict
from pathlib import Path

import parktwin

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "scenarios" / "net_zero_2050.yaml", ROOT / "scenarios" / "bau.yaml"]

# stage → [(module, attribute path)]: where the kernel looks the function up
STAGES = {
    "setup": [("parktwin.kernel.model", "ParkModel.__init__")],
    "loads (agents' year energy)": [("parktwin.agents.enterprise", "EnterpriseAgent.year_energy"),
                                    ("parktwin.agents.building", "BuildingAgent.year_energy"),
                                    ("parktwin.agents.fleet", "FleetAgent.year_energy"),
                                    ("parktwin.energy.loads", "LoadBook.hourly_kw")],
    "resource measures": [("parktwin.kernel.model", "apply_resource_measures")],
    "exchanges": [("parktwin.kernel.model", "ParkModel._exchanges_year")],
    "carrier plan (heat/H2 set-up)": [("parktwin.kernel.model", "carrier_year")],
    "heat dispatch": [("parktwin.kernel.carriers", "dispatch_heat")],
    "hydrogen dispatch": [("parktwin.kernel.carriers", "dispatch_hydrogen")],
    "cold dispatch": [("parktwin.kernel.carriers", "dispatch_cold")],
    "electricity / EMS": [("parktwin.kernel.model", "dispatch_rule_based"), ("parktwin.kernel.model", "dispatch_optimal"),
                          ("parktwin.kernel.model", "ParkModel._green_kwh")],
    "operator assets": [("parktwin.agents.operator", "OperatorAgent.year_assets")],
    "accounting": [("parktwin.kernel.model", "account_year"), ("parktwin.kernel.model", "ParkModel._carbon_year"),
                   ("parktwin.kernel.model", "ParkModel._resources_year")],
    "money (yearly)": [("parktwin.kernel.model", "renewals_in_year"), ("parktwin.kernel.model", "fixed_om_in_year"),
                       ("parktwin.kernel.model", "fuel_cost_cny"), ("parktwin.kernel.model", "electricity_bill_cny"),
                       ("parktwin.kernel.model", "residual_value_cny")],
    "money (run's end)": [("parktwin.kernel.model", "money_tables"), ("parktwin.kernel.model", "ParkModel._levelised"),
                          ("parktwin.kernel.model", "ParkModel._operator_measures")],
    "review / PDCA": [("parktwin.agents.operator", "OperatorAgent.review"), ("parktwin.kernel.model", "ParkModel._pdca")],
    "agents' step and decisions": [("parktwin.agents.enterprise", "EnterpriseAgent.step"),
                                   ("parktwin.agents.building", "BuildingAgent.step"),
                                   ("parktwin.agents.fleet", "FleetAgent.step"),
                                   ("parktwin.agents.operator", "OperatorAgent.step"),
                                   ("parktwin.agents.exchange", "ExchangeAgent.step"),
                                   ("parktwin.kernel.model", "ParkModel._decision_context"),
                                   ("parktwin.kernel.model", "ParkModel._cost_roadmap_measure")],
    "projects (commissioning)": [("parktwin.kernel.model", "ParkModel._project")],
    "rest of the year": [("parktwin.kernel.model", "ParkModel._operate")],
    "table building": [("parktwin.api", "build_results")],
    "derived tables (stages)": [("parktwin.results.tables", "assess")],
}

_stack: list[list] = []
_totals: dict[str, float] = defaultdict(float)


def _timed(stage: str, fn):
    if hasattr(fn, "__wrapped_stage__"):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _stack.append([stage, 0.0])
        t0 = time.perf_counter()
        try:
            out = fn(*args, **kwargs)
            if hasattr(out, "send") and hasattr(out, "throw"):  # a SimPy process: time its steps
                out = _timed_generator(stage, out)
            return out
        finally:
            elapsed = time.perf_counter() - t0
            _, inner = _stack.pop()
            _totals[stage] += elapsed - inner
            if _stack:
                _stack[-1][1] += elapsed

    wrapper.__wrapped_stage__ = stage
    return wrapper


def _timed_generator(stage: str, gen):
    value = None
    while True:
        _stack.append([stage, 0.0])
        t0 = time.perf_counter()
        try:
            event = gen.send(value)
        except StopIteration as stop:
            return stop.value
        finally:
            elapsed = time.perf_counter() - t0
            _, inner = _stack.pop()
            _totals[stage] += elapsed - inner
            if _stack:
                _stack[-1][1] += elapsed
        value = yield event


def install() -> None:
    """Wrap every stage's functions where the kernel looks them up."""
    for stage, targets in STAGES.items():
        for module_name, attr in targets:
            module = importlib.import_module(module_name)
            owner, _, name = attr.rpartition(".")
            holder = getattr(module, owner) if owner else module
            setattr(holder, name, _timed(stage, getattr(holder, name)))


def profile(path: Path, repeat: int) -> tuple[dict[str, float], float]:
    """Median ms per stage over ``repeat`` warm runs (run + derived tables), and the median total."""
    loaded = parktwin.load(path)
    parktwin.run(loaded, seed=0).tables()
    per_stage: dict[str, list[float]] = defaultdict(list)
    totals = []
    for seed in range(1, repeat + 1):
        _totals.clear()
        t0 = time.perf_counter()
        parktwin.run(loaded, seed=seed).tables()
        totals.append(time.perf_counter() - t0)
        for stage in STAGES:
            per_stage[stage].append(_totals.get(stage, 0.0))
    return {s: 1000 * statistics.median(v) for s, v in per_stage.items()}, 1000 * statistics.median(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cprofile", type=int, default=0, help="also list the N functions with the most own time")
    args = parser.parse_args()
    if args.cprofile:
        for path in args.scenarios:
            loaded = parktwin.load(path)
            parktwin.run(loaded, seed=0)
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
    print("| stage | " + " | ".join(f"{n} [ms]" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for stage in STAGES:
        print(f"| {stage} | " + " | ".join(f"{results[n][0][stage]:.1f}" for n in names) + " |")
    print("| **sum of stages** | " + " | ".join(f"{sum(results[n][0].values()):.1f}" for n in names) + " |")
    print("| **whole run + tables (median)** | " + " | ".join(f"{results[n][1]:.1f}" for n in names) + " |")


if __name__ == "__main__":
    main()

"""The rule-based EMS against the month's demand charge, and against the optimal EMS.

For one scenario and year (default ``net_zero_2050``, 2040, seed 0) it prints, month by month,
the peak grid import of the rule-based run and the peak of the net load the stores and the
battery meet (load without the hot-water store's heater, the cold store's and hydrogen tank's
extra charging and the battery's grid charging — i.e. what the month's peak would be with
storage that never adds to it), and the year's bill: energy and demand charge. With
``--optimal`` it also runs the scenario with ``ems.strategy: optimal`` (every year: slow) and
prints ``ems_saving_cny``: what the optimal battery dispatch saves against the rules on the
same load, tariff and demand charge.

    PYTHONPATH=src python benchmarks/bench_ems_peak.py [scenario] [--year 2040] [--optimal]
"""

from __future__ import annotations

import argparse

import numpy as np

import parktwin
from parktwin.data import constant
from parktwin.energy.calendar import year_calendar


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/net_zero_2050.yaml")
    parser.add_argument("--year", type=int, default=2040)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--optimal", action="store_true")
    args = parser.parse_args()
    horizon = [f"outputs.hourly_years=[{args.year}]"]
    r = parktwin.run(parktwin.load(args.scenario, horizon), seed=args.seed)
    h = r.hourly[r.hourly["year"] == args.year]
    month = year_calendar(args.year).month
    to_load = h["grid_to_load_kw"].to_numpy()
    imp = to_load + h["grid_to_battery_kw"].to_numpy()
    # the hot-water store's heater (its heat in ÷ the heater's efficiency) is part of the load; the grid part of it
    heater = h["thermal_store_in_kw"].to_numpy() / constant("electric_boiler_efficiency") if "thermal_store_in_kw" in h else 0.0
    base_net = to_load - np.minimum(heater, to_load)
    print(f"{r.manifest['scenario_name']} {args.year}, seed {args.seed}: month, peak import [MW], peak without storage charging [MW], rise [MW]")
    rises = []
    for m in range(1, 13):
        sel = month == m
        p, q = imp[sel].max() / 1000.0, base_net[sel].max() / 1000.0
        rises.append(p - q)
        print(f"  {m:2d}  {p:9.2f}  {q:9.2f}  {p - q:+7.2f}")
    a = r.annual.set_index("year").loc[args.year]
    print(f"  mean rise {np.mean(rises):.2f} MW, max {np.max(rises):.2f} MW")
    print(f"  bill: energy {a['energy_charge_cny'] / 1e6:.2f} M CNY, demand charge {a['demand_charge_cny'] / 1e6:.2f} M CNY, "
          f"electricity cost {a['electricity_cost_cny'] / 1e6:.2f} M CNY")
    if args.optimal:
        o = parktwin.run(parktwin.load(args.scenario, horizon + ["ems.strategy=optimal"]), seed=args.seed)
        b = o.annual.set_index("year").loc[args.year]
        print(f"  optimal EMS: electricity cost {b['electricity_cost_cny'] / 1e6:.2f} M CNY, demand charge {b['demand_charge_cny'] / 1e6:.2f} M CNY; "
              f"saves {b['ems_saving_cny'] / 1e6:.2f} M CNY against the rules ({b['ems_saving_cny'] / a['electricity_cost_cny']:.2%})")


if __name__ == "__main__":
    main()

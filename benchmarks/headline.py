"""Headline figures of shipped scenarios at one seed: net and gross emissions, captured CO₂, the core
indicator and carbon cost in the last year, the first year of each stage, and the pathway NPV.

    PYTHONPATH=src python benchmarks/headline.py scenarios/bau.yaml scenarios/net_zero_2050.yaml --seed 0

Used to record before/after figures when accounting, costs or the EMS change.
"""

from __future__ import annotations

import argparse

import parktwin
from parktwin.accounting.stages import STAGES


def headline(path: str, seed: int) -> dict[str, object]:
    """The figures of one run (scenario file ``path``, ``seed``)."""
    r = parktwin.run(path, seed=seed)
    a = r.annual.set_index("year")
    last = int(a.index.max())
    st = r.stage_table()
    order = {s: i for i, s in enumerate(("none",) + STAGES)}
    first = {s: next((int(y) for y, reached in zip(st["year"], st["stage_reached"]) if order[reached] >= order[s]), None)
             for s in STAGES}
    row = a.loc[last]
    out = {"scenario": r.manifest["scenario_name"], "last_year": last,
           "gross_tco2": round(float(row["gross_tco2"])), "net_tco2": round(float(row["net_tco2"])),
           "core_tco2_per_tce": round(float(row["core_indicator_tco2_per_tce"]), 4),
           "system_npv_mcny": round(r.pathway_cost_npv_cny() / 1e6, 1)}
    for col in ("captured_tco2", "removals_tco2", "carbon_cost_cny"):
        if col in a.columns:
            out[col] = round(float(row[col]))
    out.update({f"first_{s}": first[s] for s in STAGES})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="+")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for path in args.scenarios:
        print(headline(path, args.seed))


if __name__ == "__main__":
    main()

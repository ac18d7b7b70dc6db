"""Refresh the reference results on purpose: tests/reference/headline.csv and the figures docs/ quote.

    python benchmarks/refresh_reference.py            # every shipped scenario at seed 0 (the optimal EMS too)
    python benchmarks/refresh_reference.py --skip optimal

Runs each ``scenarios/*.yaml`` at seed 0, writes its headline figures (results.milestones.headline)
with their tolerances, rewrites each figure docs/ quotes (tests/reference/doc_quotes.csv) and prints
every figure that moved beyond its tolerance, old → new: paste that into the commit message and
say why the numbers moved. tests/test_reference.py compares later runs with the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

import parktwin
from parktwin.results.milestones import headline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from reference_results import FIXTURE, apply_quotes, read_fixture, tolerances, within  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip", nargs="*", default=[], help="keep the stored rows of scenarios whose name contains these")
    args = ap.parse_args(argv)
    old = read_fixture() if FIXTURE.exists() else pd.DataFrame(columns=["scenario", "figure", "value", "abs_tol", "rel_tol"])
    rows = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        if any(s in path.stem for s in args.skip):
            rows += old[old["scenario"] == path.stem].to_dict("records")
            print(f"{path.stem}: kept")
            continue
        figures = headline(parktwin.run(parktwin.load(path), seed=0))
        for figure, value in figures.items():
            abs_tol, rel_tol = tolerances(figure)
            rows.append({"scenario": path.stem, "figure": figure, "value": value, "abs_tol": abs_tol, "rel_tol": rel_tol})
        print(f"{path.stem}: {len(figures)} figures")
    new = pd.DataFrame(rows)
    moved = []
    before = {(r.scenario, r.figure): r.value for r in old.itertuples()}
    for r in new.itertuples():
        was = before.get((r.scenario, r.figure))
        if was is None or not within(r.value, was, r.abs_tol, r.rel_tol):
            moved.append(f"  {r.scenario} {r.figure}: {was} → {r.value}")
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    new.to_csv(FIXTURE, index=False, float_format="%.10g", lineterminator="\n")
    print(f"wrote {FIXTURE.relative_to(ROOT)} ({len(new)} figures)")
    for path in apply_quotes(new):
        print(f"rewrote quoted figures in {path.relative_to(ROOT)}")
    print("moved:" if moved else "nothing moved beyond its tolerance")
    print("\n".join(moved))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

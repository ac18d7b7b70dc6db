"""Size and build time of the workshop outputs for a 25-year run of the demo park.

    python benchmarks/bench_report.py [scenario.yaml] [--repeat N]

Reports, per language: the run report's size [MB] (and how much of it is plotly.js) and the
median time to build its HTML [s]; then the dashboard callback (load with the sliders'
overrides, a 25-year run, the figures of the first tab, key figures and summary) [s], median and
max over slider moves (benchmarks/bench_dashboard_browser.py times the same in a browser). Warm: the scenario has run once in the process before timing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import parktwin
from parktwin.viz.report import _plotly_js, render_report

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "net_zero_2050.yaml"
MOVES = ((2, 1.5, 60), (-1, 0.5, 80), (4, 2.5, 40), (0, 1.0, 70), (1, 2.0, 50))  # PV years, battery ×, green %


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = parktwin.run(args.scenario, seed=0)
    js_mb = len(_plotly_js().encode()) / 1e6
    for lang in ("en", "zh"):
        times, page = [], ""
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            page = render_report(results, lang)
            times.append(time.perf_counter() - t0)
        print(f"report {lang}: {len(page.encode()) / 1e6:.2f} MB (plotly.js {js_mb:.2f} MB), "
              f"built in {statistics.median(times):.2f} s (median of {args.repeat})")

    from parktwin.viz.dashboard import create_app

    os.chdir(ROOT)
    app = create_app(Path(args.scenario), scenarios=[])
    ident, tab = next(iter(app.scenario_ids)), next(iter(app.tabs))
    times = []
    for pv, battery, green in MOVES:
        t0 = time.perf_counter()
        out = app.update_charts(ident, [500, pv, battery, 70, green, 0], tab)
        times.append(time.perf_counter() - t0)
        if out[-1]:
            raise SystemExit(out[-1])
    print(f"dashboard callback: median {statistics.median(times):.2f} s, max {max(times):.2f} s over {len(MOVES)} slider moves")


if __name__ == "__main__":
    main()

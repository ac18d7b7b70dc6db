"""Several scenarios side by side: one run each (a seed) or a Monte Carlo batch each.

``open_runs`` gathers runs from stored run folders and scenario files; ``milestones``
(results.milestones) gives the years a run first reaches each stage, net zero and the core
indicator, and its phase targets; ``compare_runs`` puts both kinds of rows in one table (viz.compare draws it as a page).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parktwin.api import load, run
from parktwin.experiments.batch import run_batch
from parktwin.experiments.summary import pathway_cost_cny, private_cost_cny
from parktwin.results.milestones import first_year, milestones, run_label
from parktwin.results.store import read_run
from parktwin.viz.batch_compare import batch_labels


def single_run_row(annual: pd.DataFrame, year: int) -> dict[str, float]:
    """Key figures of one run's annual table in ``year`` (and first years targets are met)."""
    row = annual.set_index("year").loc[year]
    frame = annual.assign(replicate=0)
    return {
        f"net_tco2 {year}": float(row["net_tco2"]),
        f"gross_location_tco2 {year}": float(row["gross_location_tco2"]),
        f"core_indicator_tco2_per_tce {year}": float(row["core_indicator_tco2_per_tce"]),
        f"clean_energy_share {year}": float(row["clean_energy_share"]),
        f"renewable_share {year}": float(row["renewable_share"]),
        f"energy_tce {year}": float(row["energy_tce"]),
        "first year net ≤ 0": first_year(annual, annual["net_tco2"] <= 0),
        "first year core met": first_year(annual, annual["core_met"].astype(bool)),
        "pathway_cost_cny": float(pathway_cost_cny(frame).iloc[0]),
        **({"private_cost_cny": float(private_cost_cny(frame).iloc[0])} if "private_pv_cny" in annual.columns else {}),
        # CBAM on EU exports of CBAM goods, all years (docs/products.md); only for runs that pay some
        **({"cbam_cost_cny all years": float(annual["cbam_cost_cny"].sum())}
           if "cbam_cost_cny" in annual.columns and float(annual["cbam_cost_cny"].sum()) > 0 else {}),
    }


def open_runs(sources: list[str | Path], seed: int = 0, overrides: list[str] | tuple = (), park: str | Path | None = None) -> list:
    """``Results`` of each source: a stored run folder (one with manifest.json) is read back; a
    scenario file is run with ``seed``, ``overrides`` and ``park`` (another park file for every
    scenario; none of them apply to stored runs)."""
    runs = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            runs.append(read_run(path))
        else:
            runs.append(run(load(path, overrides, park=park), seed=seed))
    return runs


def compare_runs(runs: list, year: int | None = None) -> pd.DataFrame:
    """One column per run (``run_label``), rows: the key figures in ``year`` (default each run's
    last year, as ``single_run_row``) and the ``milestones``."""
    columns: dict[str, dict[str, float]] = {}
    for results in runs:
        annual = results.annual
        y = year or int(annual["year"].max())
        columns[run_label(results, set(columns))] = {**single_run_row(annual, y), **milestones(results)}
    table = pd.DataFrame(columns)
    table.index.name = "figure"
    return table


def batch_column(batch, year: int | None = None) -> dict[str, float]:
    """A stored batch's key figures in ``year`` (default its last): net emissions, core indicator
    and clean-energy share as P10/P50/P90, the probability of each target in that year, and the
    pathway (system) and private cost NPV [CNY] as P10/P50/P90."""
    s = batch.summary()
    y = year or s.headline["final_year"]
    col: dict[str, float] = {}
    q = s.quantiles[s.quantiles["year"] == y].set_index("indicator")
    for indicator in ("net_tco2", "core_indicator_tco2_per_tce", "clean_energy_share"):
        for p in ("p10", "p50", "p90"):
            col[f"{indicator} {y} {p.upper()}"] = float(q.loc[indicator, p])
    probs = s.probabilities[s.probabilities["year"] == y].set_index("target")["p_in_year"]
    for target, value in probs.items():
        col[f"P({target}) {y}"] = float(value)
    for column in ("pathway_cost_cny", "private_cost_cny"):
        if column in s.outputs:
            for p, qv in (("P10", 0.1), ("P50", 0.5), ("P90", 0.9)):
                col[f"{column} {p}"] = float(s.outputs[column].quantile(qv))
    return col


def compare_batches(batches: list, year: int | None = None) -> pd.DataFrame:
    """One column per stored batch (``viz.batch_compare.batch_labels``), rows as ``batch_column``."""
    table = pd.DataFrame({label: batch_column(b, year) for label, b in zip(batch_labels(batches), batches)})
    table.index.name = "figure"
    return table


def compare(scenarios: list[str | Path], seed: int = 0, n: int | None = None, year: int | None = None,
            overrides: list[str] | tuple = (), park: str | Path | None = None, **batch_options) -> pd.DataFrame:
    """A table with one column per scenario and one row per key figure.

    Without ``n``: one run per scenario with ``seed``. With ``n``: a batch per scenario
    (``run_batch(path, n, seed, **batch_options)``; a scenario without an uncertainty block
    varies by its run seed only) and the rows are P10/P50/P90 and the probabilities of the
    targets in ``year`` (default: each scenario's last year). ``park``: another park file for
    every scenario (as ``--park``).
    """
    columns: dict[str, dict[str, float]] = {}
    for path in scenarios:
        if n is None:
            loaded = load(path, overrides, park=park)
            results = run(loaded, seed=seed)
            annual = results.annual
            y = year or int(annual["year"].max())
            columns[loaded.scenario.name] = {**single_run_row(annual, y), **milestones(results)}
        else:
            batch = run_batch(path, n, seed, overrides=overrides, park=park, **batch_options)
            columns[batch.info["scenario_name"]] = batch_column(batch, year)
    table = pd.DataFrame(columns)
    table.index.name = "figure"
    return table

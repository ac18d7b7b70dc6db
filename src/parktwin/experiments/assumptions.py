"""The shipped data rows marked ``assumption``: the default candidates for uncertain inputs.

``assumption_inputs(loaded)`` lists them with the override path that reaches each from a
scenario (or none), and ``suggested_block`` writes an ``uncertainty`` block for the reachable
ones (triangular, ±``spread`` around the shipped value) to paste and edit.

Constants are reachable as ``data.constants.<name>``, prices as ``data.prices_cny.<carrier>``,
technologies whose capex stands in from another region or rests on a partial price as
``data.capex_factor.<technology>`` (a multiplier, 1 = the shipped capex, with the range of
``data/capex_ranges.csv``),
the future points of the grid-factor series as ``grid_factor.override_kgco2_per_kwh.<year>``;
the hourly and seasonal shapes are not reachable by a path.
"""

from __future__ import annotations

import pandas as pd
import yaml

from parktwin.data import table
from parktwin.spec.load import Loaded

SPREAD = 0.3


def assumption_inputs(loaded: Loaded | None = None) -> pd.DataFrame:
    """One row per scalar assumption (shapes summarised one row per shape): table, key, value,
    unit, source, path (the override path, '' when none reaches it), reachable."""

    series = None
    years: list[int] = []
    if loaded is not None:
        sc = loaded.scenario
        series = sc.grid_factor.series or sc.park.location.grid_region
        years = sc.years
    rows = []
    for r in table("constants").itertuples():
        if r.confidence == "assumption":
            rows.append(("constants", r.name, float(r.value), r.unit, r.source, f"data.constants.{r.name}"))
    prices = table("prices")
    for r in prices[prices["confidence"] == "assumption"].drop_duplicates("carrier").itertuples():
        rows.append(("prices", r.carrier, float(r.value), r.unit, r.source, f"data.prices_cny.{r.carrier}"))
    grid = table("grid_factors")
    for r in grid[grid["confidence"] == "assumption"].itertuples():
        reachable = series is None or (r.series == series and (not years or int(r.year) in years))
        path = f"grid_factor.override_kgco2_per_kwh.{int(r.year)}" if reachable else ""
        rows.append(("grid_factors", f"{r.series} {int(r.year)}", float(r.kgco2_per_kwh), "kgCO2/kWh", r.source, path))
    for name, key in (("load_shapes", "shape"), ("seasonal_factors", "profile")):
        df = table(name)
        for shape, group in df[df["confidence"] == "assumption"].groupby(key, sort=False):
            rows.append((name, str(shape), float("nan"), f"{len(group)} weights", str(group["source"].iloc[0]), ""))
    sectors = table("sectors")
    for r in sectors[sectors["confidence"] == "assumption"].itertuples():
        rows.append(("sectors", r.sector, float("nan"), "", r.source, ""))
    ranges = {}
    for r in table("capex_ranges").itertuples():  # capex stood in from another region or resting on a partial price
        rows.append(("capex_ranges", r.technology, 1.0, "x capex", r.source, f"data.capex_factor.{r.technology}"))
        ranges[r.technology] = (float(r.low_factor), float(r.high_factor))
    out = pd.DataFrame(rows, columns=["table", "key", "value", "unit", "source", "path"])
    out["low"] = [ranges[k][0] if t == "capex_ranges" else float("nan") for t, k in zip(out["table"], out["key"])]
    out["high"] = [ranges[k][1] if t == "capex_ranges" else float("nan") for t, k in zip(out["table"], out["key"])]
    if series is not None:  # only the scenario's own grid series
        out = out[(out["table"] != "grid_factors") | out["key"].str.startswith(f"{series} ")]
    out["reachable"] = out["path"] != ""
    return out.reset_index(drop=True)


def suggested_block(rows: pd.DataFrame, spread: float = SPREAD) -> str:
    """An ``uncertainty:`` YAML block for the reachable rows: triangular between value·(1−spread) and
    value·(1+spread) (ordered, so a negative value such as a temperature in °C works), mode the value;
    rows with their own range (``low``, ``high``: the capex factors of data/capex_ranges.csv) use it.
    A value of 0 has no relative spread and is left out."""
    block = {}
    for r in rows[rows["reachable"]].itertuples():
        low, high = sorted((round(r.value * (1 - spread), 6), round(r.value * (1 + spread), 6)))
        own = "low" in rows.columns and pd.notna(r.low)
        if own:
            low, high = float(r.low), float(r.high)
        if low == high:
            continue
        name = r.key.replace(" ", "_")
        block[name] = {
            "path": r.path, "dist": "triangular",
            "low": low, "mode": r.value, "high": high,
            "note": (f"data/{r.table}.csv range {low:g}-{high:g}: {r.source}" if own
                     else f"data/{r.table}.csv assumption ±{spread:.0%}: {r.source}"),
        }
    return yaml.safe_dump({"uncertainty": block}, sort_keys=False, allow_unicode=True, width=120)

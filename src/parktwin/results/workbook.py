"""A run's inventory as an Excel workbook laid out like a park carbon-inventory report, and CSV
copies of every table.

Sheets: ``summary`` (one row per year: scopes, removals, offsets, net, energy, core indicator),
``by_scope_source`` (year × scope × method × source), ``by_entity`` (year × entity × scope ×
method), ``inventory`` (every row with its activity, factor and the factor's reference),
``energy`` (by entity and carrier with tce), ``factors`` (each factor used once, with its source
from data/). Headers are bilingual with units.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parktwin.data import table
from parktwin.atomic import atomic_path
from parktwin.results.tables import Results

SUMMARY_COLUMNS = {
    "year": "年份 Year",
    "scope1_tco2": "范围一 Scope 1 [tCO₂]",
    "scope2_location_tco2": "范围二（位置）Scope 2 location-based [tCO₂]",
    "scope2_market_tco2": "范围二（市场）Scope 2 market-based [tCO₂]",
    "captured_stored_tco2": "捕集并封存（未排放，已从范围一扣除）CO₂ captured and stored, not emitted (out of scope 1) [tCO₂]",
    "captured_used_tco2": "捕集用于短寿命产品（仍计排放）CO₂ captured into short-lived products, still emitted [tCO₂]",
    "removals_tco2": "碳汇（绿地、直接空气捕集）Removals (green space, direct air capture) [tCO₂]",
    "offsets_tco2": "碳抵消 Offsets [tCO₂]",
    "net_tco2": "净排放 Net [tCO₂]",
    "energy_tce": "综合能耗 Energy use [tce]",
    "core_indicator_tco2_per_tce": "单位能耗碳排放 Core indicator [tCO₂/tce]",
    "clean_energy_share": "清洁能源消费占比 Clean-energy share [-]",
}


def _factor_sources(emissions: pd.DataFrame) -> pd.DataFrame:
    """Each factor reference used in the inventory once, with its source and confidence."""
    constants = table("constants").set_index("name")
    grid = table("grid_factors")
    rows = []
    for ref in sorted(emissions["factor_ref"].dropna().unique()):
        source = confidence = ""
        if ref.startswith("constants.csv:"):
            name = ref.split(":", 1)[1]
            if name in constants.index:
                source, confidence = constants.loc[name, "source"], constants.loc[name, "confidence"]
        elif ref.startswith("grid_factors.csv:"):
            series = ref.split(":", 1)[1].split(" ")[0]
            picked = grid[grid["series"] == series]
            source = "; ".join(f"{int(y)}: {s}" for y, s in zip(picked["year"], picked["source"]))
            confidence = ", ".join(sorted(set(picked["confidence"])))
        rows.append({"因子 Factor reference": ref, "来源 Source": source, "可信度 Confidence": confidence})
    return pd.DataFrame(rows)


def inventory_sheets(results: Results) -> dict[str, pd.DataFrame]:
    """The workbook's sheets as DataFrames (also useful without Excel)."""
    em = results.emissions
    summary = results.annual[list(SUMMARY_COLUMNS)].rename(columns=SUMMARY_COLUMNS)
    by_source = em.groupby(["year", "scope", "method", "source"], as_index=False)["emissions_tco2"].sum()
    by_entity = em.groupby(["year", "entity", "entity_kind", "scope", "method"], as_index=False)["emissions_tco2"].sum()
    return {
        "summary": summary,
        "by_scope_source": by_source,
        "by_entity": by_entity,
        "inventory": em,
        "energy": results.energy,
        "factors": _factor_sources(em),
    }


def write_inventory_workbook(results: Results, path: str | Path) -> Path:
    """Write the inventory workbook atomically (a temporary file renamed into place)."""
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, frame in inventory_sheets(results).items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
    return Path(path)


def write_csv_tables(results: Results, folder: str | Path) -> list[Path]:
    """Every table of the run as CSV (UTF-8 with BOM so Excel reads Chinese text) in ``folder``, each
    written atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, frame in results.tables().items():
        path = folder / f"{name}.csv"
        with atomic_path(path) as tmp:  # a kill mid-write leaves the old file or none, never a truncated one
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        out.append(path)
    return out

"""The inventory workbook and CSV copies of a run's tables."""

from __future__ import annotations

import pandas as pd
import pytest

import parktwin
from builders import write_tiny_scenario
from parktwin.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    results = parktwin.run(write_tiny_scenario(tmp_path_factory.mktemp("tiny")), seed=0)
    return parktwin.save(results, tmp_path_factory.mktemp("runs"), report=False)


def test_inventory_workbook_sums_to_the_run_and_names_the_factor_sources(run_dir, capsys):
    assert main(["report", str(run_dir), "--excel", "--csv"]) == 0
    out = capsys.readouterr().out
    assert "inventory workbook:" in out and "tables as CSV" in out
    sheets = pd.read_excel(run_dir / "inventory.xlsx", sheet_name=None)
    assert list(sheets) == ["summary", "by_scope_source", "by_entity", "inventory", "energy", "factors"]
    annual = parktwin.read_run(run_dir).annual.set_index("year")
    summary = sheets["summary"].set_index("年份 Year")
    assert summary["净排放 Net [tCO₂]"].to_numpy() == pytest.approx(annual["net_tco2"].to_numpy())
    by_source = sheets["by_scope_source"]
    scope1 = by_source[(by_source["scope"].astype(str) == "1") & (by_source["year"] == 2025)]["emissions_tco2"].sum()
    assert scope1 == pytest.approx(annual.loc[2025, "scope1_tco2"])
    factors = sheets["factors"].set_index("因子 Factor reference")
    assert "GB/T 2589" in factors.loc["constants.csv:coal_kgco2_per_t", "来源 Source"]
    csv = pd.read_csv(run_dir / "csv" / "annual.csv", encoding="utf-8-sig")
    assert csv["net_tco2"].to_numpy() == pytest.approx(annual["net_tco2"].to_numpy())
    assert not (run_dir / "report-en.html").exists()  # --excel/--csv alone write no report

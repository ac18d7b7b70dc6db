"""Measured series in the park workbook: the template's sheet, export of a park file with series
and totals (``parktwin export-workbook``), and import back to the same park."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from parktwin.cli import main
from parktwin.spec.errors import InputError
from parktwin.spec.load import load_park
from parktwin.spec.workbook import SERIES_COLUMNS, import_workbook, write_workbook

REPO = Path(__file__).resolve().parents[1]
METERED = REPO / "models" / "examples" / "metered_park.yaml"
CSV = REPO / "models" / "examples" / "chip_assembly_2025_15min.csv"


def _without_paths(park):
    """The park as a dict with every series file reduced to its name (the folders differ)."""
    doc = park.model_dump()
    for e in doc["enterprises"]:
        if e["measured_series"]:
            e["measured_series"]["file"] = Path(e["measured_series"]["file"]).name
    return doc


def test_export_then_import_gives_back_the_metered_park(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["export-workbook", str(METERED), "-o", "metered.xlsx"]) == 0
    wb = openpyxl.load_workbook(tmp_path / "metered.xlsx")
    sheet = wb["measured_series"]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header for c in SERIES_COLUMNS]
    row = {h: c.value for h, c in zip(headers, sheet[2])}
    assert row[SERIES_COLUMNS[0].header] == "chip_assembly" and row[SERIES_COLUMNS[1].header] == "chip_assembly_2025_15min.csv"
    shutil.copy(CSV, tmp_path / CSV.name)  # the series file travels with the park file (paths are relative to it)
    assert main(["import", "metered.xlsx", "-o", "park.yaml"]) == 0
    assert _without_paths(load_park(tmp_path / "park.yaml")) == _without_paths(load_park(METERED))


def test_unknown_entity_and_bad_unit_name_their_cells(tmp_path):
    book = write_workbook(METERED, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["measured_series"]
    ws.append(["no_such_firm", "x.csv"])
    ws["E2"] = "GWh"  # the unit column (entity, file, time column, value column, unit)
    wb.save(book)
    with pytest.raises(InputError) as err:
        import_workbook(book, tmp_path / "park.yaml")
    text = str(err.value)
    assert "measured_series!A3 (对象编号 Entity): unknown entity 'no_such_firm'" in text
    assert "measured_series!E2 (单位 Unit)" in text and "'GWh'" in text
    assert not (tmp_path / "park.yaml").exists()


def test_a_missing_series_file_stops_the_import(tmp_path):
    # exported next to nothing: the CSV is not beside the park file the import writes
    book = write_workbook(METERED, tmp_path / "m.xlsx")
    with pytest.raises(InputError, match=r"enterprises.3.measured_series.file: .*chip_assembly_2025_15min.csv: file: file not found"):
        import_workbook(book, tmp_path / "park.yaml")
    assert not (tmp_path / "park.yaml").exists()

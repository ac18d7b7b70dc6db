"""Measured series in the park workbook: the template's sheet, export of a park file with series
and totals (``parktwin export-workbook``), and import back to the same park."""

from __future__ import annotations

import re
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
    with pytest.raises(InputError, match=r"m.xlsx: measured_series!B2 \(数据文件 File\): .*chip_assembly_2025_15min.csv: file: file not found"):
        import_workbook(book, tmp_path / "park.yaml")
    assert not (tmp_path / "park.yaml").exists()


def test_problems_in_a_series_file_name_the_workbook_cell(tmp_path):
    # the export's measured_series row 2 holds Chip Assembly: entity, file, time column, value
    # column, unit, label, time zone, fill, max_gap_h (columns A–I, SERIES_COLUMNS)
    book = write_workbook(METERED, tmp_path / "m.xlsx")
    shutil.copy(CSV, tmp_path / CSV.name)
    wb = openpyxl.load_workbook(book)
    ws = wb["measured_series"]
    assert [c.key for c in SERIES_COLUMNS[:9]] == ["entity", "file", "time_column", "value_column", "unit", "label",
                                                    "timezone", "fill", "max_gap_h"]
    ws["D2"] = "kwh"  # the file's column is energy_kwh
    wb.save(book)
    with pytest.raises(InputError) as err:
        import_workbook(book, tmp_path / "park.yaml")
    assert re.search(r"m\.xlsx: measured_series!D2 \(数值列 Value column\): \S*chip_assembly_2025_15min\.csv: kwh: no column 'kwh'",
                     str(err.value))
    # the 2-hour gap with no fill policy: the value column's cell, and the message lists the gap
    ws["D2"], ws["H2"], ws["I2"] = "energy_kwh", "none", None
    wb.save(book)
    with pytest.raises(InputError) as err:
        import_workbook(book, tmp_path / "park.yaml")
    text = str(err.value)
    assert re.search(r"measured_series!D2 \(数值列 Value column\): \S*chip_assembly_2025_15min\.csv: energy_kwh: expected 35040 values",
                     text)
    assert "2025-03-12 10:00 to 2025-03-12 12:00 (2 h)" in text
    # an unknown time zone: its own cell
    ws["H2"], ws["I2"], ws["G2"] = "linear", 4, "Mars/Olympus"
    wb.save(book)
    with pytest.raises(InputError, match=r"measured_series!G2 \(时区 Time zone\): unknown time zone 'Mars/Olympus'"):
        import_workbook(book, tmp_path / "park.yaml")
    assert not (tmp_path / "park.yaml").exists()


def test_water_and_solid_waste_totals_go_through_the_workbook(tmp_path):
    # the demo park's sidecar states park water 5,220,000 m³, solid waste 59,200 t and Jinhua
    # Dyeing's water 900,000 m³: export, import, and the new sidecar holds the same totals
    book = write_workbook(REPO / "models" / "demo_park.yaml", tmp_path / "demo.xlsx")
    out, side = import_workbook(book, tmp_path / "demo.yaml")
    back = load_park(out).measured
    assert (back.park.water_m3, back.park.solid_waste_t) == (5_220_000, 59_200)
    assert back.enterprises["jinhua_dyeing"].water_m3 == 900_000
    assert back == load_park(REPO / "models" / "demo_park.yaml").measured

"""Spreadsheet in, park file out: template, filled example, import, problems by cell, atomic write."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import write_yaml

import parktwin
from parktwin.cli import main
from parktwin.spec.errors import InputError
from parktwin.spec.load import load_park
from parktwin.spec.workbook import (
    ENTERPRISE_COLUMNS,
    import_workbook,
    measured_path,
    read_workbook,
    write_template,
)

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "models" / "small_park.yaml"
FILLED = REPO / "models" / "examples" / "filled_park.xlsx"
HEADER = {c.key: c.header for c in ENTERPRISE_COLUMNS}


def _make_filled(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("make_filled_park", REPO / "models" / "examples" / "make_filled_park.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(out)


def _cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def _column(ws, key: str) -> int:
    return next(c.column for c in ws[1] if c.value == HEADER[key])


@pytest.fixture
def filled(tmp_path) -> Path:
    return _make_filled(tmp_path / "filled.xlsx")


# --------------------------------------------------------------------------- template
def test_template_has_documented_sheets_validation_and_frozen_headers(tmp_path):
    path = write_template(tmp_path / "park.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["park", "enterprises", "buildings", "fleets", "measured_totals", "exchanges", "measured_series", "products",
                             "readme"]
    ent = wb["enterprises"]
    headers = [c.value for c in ent[1]]
    assert "用电量 Electricity [MWh/yr]" in headers and "天然气 Natural gas [千m³/yr (km3)]" in headers
    assert ent.freeze_panes == "B2" and wb["park"].freeze_panes == "A2"
    lists = {str(dv.sqref): dv.formula1 for dv in ent.data_validations.dataValidation}
    sector_col = openpyxl.utils.get_column_letter(_column(ent, "sector"))
    shift_col = openpyxl.utils.get_column_letter(_column(ent, "shift_pattern"))
    assert "chemicals" in lists[f"{sector_col}2:{sector_col}501"]
    assert "three_shift_3x8" in lists[f"{shift_col}2:{shift_col}501"]
    assert ent.column_dimensions["A"].width >= 16
    readme = [row[2] for row in wb["readme"].iter_rows(values_only=True)]
    assert "energy.electricity_mwh" in readme and "water_m3" in readme
    assert ent.max_row == 1  # empty


def test_cli_template_then_import_of_the_empty_template_lists_what_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["template", "park.xlsx"]) == 0
    assert main(["import", "park.xlsx", "-o", "models/mine.yaml"]) == 2
    err = capsys.readouterr().err
    assert "park.xlsx: park!C2 (园区名称 Park name): missing value (required)" in err
    assert "enterprises!row 2: expected at least one enterprise row" in err
    assert not (tmp_path / "models").exists()


# --------------------------------------------------------------------------- round trip
def test_committed_example_is_what_the_script_makes(filled):
    assert _cells(filled) == _cells(FILLED)


def test_round_trip_small_park(tmp_path, filled):
    out, side = import_workbook(filled, tmp_path / "models" / "small.yaml")
    assert side == measured_path(out) == tmp_path / "models" / "small.measured.yaml"
    park, small = load_park(out), load_park(SMALL)
    # loading a park takes in its sidecar: the imported park carries the workbook's measured totals
    assert park.measured is not None and park.measured.park.electricity_mwh == 111300 and small.measured is None
    assert park.model_copy(update={"measured": None}) == small  # every other field, not only ids, sectors and energies
    assert [(e.id, e.sector, e.energy) for e in park.enterprises] == [(e.id, e.sector, e.energy) for e in small.enterprises]
    measured = yaml.safe_load(side.read_text(encoding="utf-8"))
    assert measured["park"]["electricity_mwh"] == 111300
    assert measured["enterprises"]["lake_chemicals"] == {"electricity_mwh": 20000, "coal_t": 10000}
    # and it runs
    scenario = write_yaml(tmp_path / "scenario.yaml", {"name": "imported", "park": "models/small.yaml", "horizon_years": 1,
                                                      "outputs": {"hourly_years": []}})
    res = parktwin.run(parktwin.load(scenario), seed=0)
    assert list(res.annual["year"]) == [2025, 2026]
    assert res.year(2025)["electricity_demand_mwh"] == pytest.approx(111300)


def test_cli_import_writes_a_file_that_check_accepts(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(FILLED), "-o", "models/small.yaml"]) == 0
    assert "models/small.measured.yaml" in capsys.readouterr().out
    assert main(["check", "models/small.yaml"]) == 0
    assert "8 enterprises, 2 buildings, 2 fleets" in capsys.readouterr().out


def test_headers_match_in_chinese_english_or_key_and_notes_are_ignored(tmp_path, filled):
    wb = openpyxl.load_workbook(filled)
    ws = wb["enterprises"]
    ws.cell(1, _column(ws, "energy.electricity_mwh"), "用电量")
    ws.cell(1, _column(ws, "energy.coal_t"), "energy.coal_t")
    ws.cell(1, ws.max_column + 1, "# 备注 remarks")
    ws.cell(2, ws.max_column, "anything")
    wb.save(tmp_path / "edited.xlsx")
    doc, _ = read_workbook(tmp_path / "edited.xlsx")
    assert doc["enterprises"][0]["energy"] == {"electricity_mwh": 20000, "coal_t": 10000}


# --------------------------------------------------------------------------- problems
@pytest.fixture
def broken(tmp_path, filled) -> Path:
    """Missing coal column, 'abc' as electricity, negative gas, a repeated id, an unknown sector."""
    wb = openpyxl.load_workbook(filled)
    ws = wb["enterprises"]
    ws.delete_cols(_column(ws, "energy.coal_t"))
    ws.cell(3, _column(ws, "energy.electricity_mwh"), "abc")      # river_dyeing
    ws.cell(4, _column(ws, "energy.natural_gas_km3"), -5)         # east_heat_treatment
    ws.cell(6, _column(ws, "id"), "chip_assembly")                # circuit_boards takes row 5's id
    ws.cell(7, _column(ws, "sector"), "steel")                    # sensor_works
    wb.save(tmp_path / "broken.xlsx")
    return tmp_path / "broken.xlsx"


def test_broken_workbook_one_message_per_problem_with_sheet_cell_and_column(broken, monkeypatch):
    monkeypatch.chdir(broken.parent)
    with pytest.raises(InputError) as info:
        read_workbook("broken.xlsx")
    got = [str(p) for p in info.value.problems]
    sector = "broken.xlsx: enterprises!C7 (行业 Sector): unknown sector 'steel'; expected one of ['building_materials', 'chemicals',"
    expected = [
        "broken.xlsx: enterprises!row 1: missing column '原煤 Coal [t/yr]'",
        "broken.xlsx: enterprises!E3 (用电量 Electricity [MWh/yr]): expected a number ≥ 0, got 'abc'",
        "broken.xlsx: enterprises!F4 (天然气 Natural gas [千m³/yr (km3)]): expected a number ≥ 0, got -5",
        "broken.xlsx: enterprises!A6 (企业编号 ID): id 'chip_assembly' is already used by enterprises row 5; ids must be unique",
    ]
    assert sorted(p for p in got if not p.startswith(sector)) == sorted(expected)
    assert len([p for p in got if p.startswith(sector)]) == 1
    assert len(got) == 5


def test_schema_errors_map_to_cells(tmp_path, filled):
    wb = openpyxl.load_workbook(filled)
    ws = wb["enterprises"]
    ws.cell(2, _column(ws, "fuel_heat_share"), 1.5)
    ws.cell(3, _column(ws, "shift_pattern"), "night")
    ws.cell(4, _column(ws, "value_added_mcny")).value = None
    ws.cell(5, _column(ws, "employees"), 10.5)
    wb["park"]["C5"] = "north"  # latitude
    wb["fleets"].cell(2, 3, "nobody")  # owner
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as info:
        read_workbook(tmp_path / "bad.xlsx")
    text = str(info.value)
    assert "enterprises!K2 (锅炉供热燃料占比 Fuel heat share [0..1]): expected a number ≤ 1, got 1.5" in text
    assert "(班制 Shift pattern): expected one of" in text and "got 'night'" in text
    assert "enterprises!D4 (工业增加值 Value added [million CNY]): missing value (required)" in text
    assert "(从业人数 Employees): expected a whole number, got 10.5" in text
    assert "park!C5 (纬度 Latitude [°]): expected a number, got 'north'" in text
    assert "fleets!C2 (所属 Owner): expected an enterprise id or 'operator' (got 'nobody')" in text
    assert len(info.value.problems) == 6


def test_measured_totals_problems(tmp_path, filled):
    wb = openpyxl.load_workbook(filled)
    ws = wb["measured_totals"]
    ws.cell(3, 1, "no_such_firm")
    ws.cell(2, 2, -1)
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as info:
        read_workbook(tmp_path / "bad.xlsx")
    text = str(info.value)
    assert "measured_totals!A3 (范围 Scope): unknown scope 'no_such_firm'" in text
    assert "measured_totals!B2 (用电量 Electricity [MWh/yr]): expected a number ≥ 0, got -1" in text
    assert len(info.value.problems) == 2


# --------------------------------------------------------------------------- atomic write
def test_failed_import_leaves_nothing(broken, tmp_path):
    out = tmp_path / "models" / "bad.yaml"
    with pytest.raises(InputError):
        import_workbook(broken, out)
    assert not out.parent.exists() or sorted(out.parent.iterdir()) == []


def test_failed_import_keeps_the_previous_park_file(broken, filled, tmp_path):
    out = tmp_path / "park.yaml"
    import_workbook(filled, out)
    before = out.read_text(encoding="utf-8"), measured_path(out).read_text(encoding="utf-8")
    names = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError):
        import_workbook(broken, out)
    assert (out.read_text(encoding="utf-8"), measured_path(out).read_text(encoding="utf-8")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no temporary files left


def test_failure_while_writing_leaves_no_temporary_file(filled, tmp_path, monkeypatch):
    import parktwin.spec.load as load_module

    def boom(path):
        raise InputError([])

    monkeypatch.setattr(load_module, "load_park", boom)
    with pytest.raises(InputError):
        import_workbook(filled, tmp_path / "out" / "park.yaml")
    assert sorted((tmp_path / "out").iterdir()) == []


def test_demo_park_round_trips_through_a_workbook(tmp_path):
    from parktwin.spec.workbook import write_workbook

    demo = REPO / "models" / "demo_park.yaml"
    out, side = import_workbook(write_workbook(demo, tmp_path / "demo.xlsx"), tmp_path / "demo.yaml")
    # the demo's sidecar of measured totals goes through the workbook's measured_totals sheet and back
    assert side == measured_path(out)
    assert load_park(out) == load_park(demo) and load_park(demo).measured is not None

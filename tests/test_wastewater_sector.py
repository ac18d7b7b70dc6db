"""A park's central wastewater plant: the ``wastewater_treatment`` sector from the template
through import and check to a run, and the template saying the wastewater column is per firm."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl
import pytest
from conftest import write_yaml

import parktwin
from parktwin.cli import main
from parktwin.data import constant, heat_band_shares, sector_ids, table
from parktwin.spec.load import load_park
from parktwin.spec.workbook import ENTERPRISE_COLUMNS, import_workbook, write_template

REPO = Path(__file__).resolve().parents[1]
HEADER = {c.key: c.header for c in ENTERPRISE_COLUMNS}

TREATED_M3 = 3_650_000  # 10,000 m³/d: a plant for a park of about this size
PLANT = {  # one row of the enterprises sheet, by field key
    "id": "park_wwtp", "name": "Park wastewater plant", "sector": "wastewater_treatment", "value_added_mcny": 1.8,
    # unmetered: treated m³ × 0.45 kWh/m³ (data/constants.csv, Gu et al. 2016) = 1,642.5 MWh
    "energy.electricity_mwh": TREATED_M3 * 0.45 / 1000, "shift_pattern": "continuous",
    "water.fresh_water_m3": 2000, "water.wastewater_m3": 0,  # its inflow is the firms' wastewater, in their rows
    "solid_waste.generated_t": 18, "solid_waste.utilised_t": 5,
}


def _filled(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("make_filled_park", REPO / "models" / "examples" / "make_filled_park.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(out)


def test_the_sector_has_its_data_rows():
    assert "wastewater_treatment" in sector_ids()
    assert heat_band_shares("wastewater_treatment") == (1.0, 0.0, 0.0)  # digesters ~35 °C: all below 100 °C
    assert "wastewater_treatment" in set(table("sector_resources")["sector"])
    # Gu et al. 2016: 0.4-0.5 kWh/m³ for most of nine plants in south China; the central value
    assert 0.4 <= constant("wwtp_electricity_kwh_per_m3") <= 0.5
    row = table("constants").set_index("name").loc["wwtp_electricity_kwh_per_m3"]
    assert "Ecological Indicators 60:402-409" in row["source"] and row["unit"] == "kWh/m3"


def test_template_offers_the_sector_and_says_the_wastewater_column_is_per_firm(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "park.xlsx"))
    lists = " ".join(str(dv.formula1) for dv in wb["enterprises"].data_validations.dataValidation)
    assert "wastewater_treatment" in lists
    readme = {row[2]: row[5] for row in wb["readme"].iter_rows(values_only=True) if row[2]}
    assert "this firm's own wastewater sent to treatment" in readme["water.wastewater_m3"]
    assert "not the park plant's total" in readme["water.wastewater_m3"]
    assert "wastewater_treatment, enters 0" in readme["water.wastewater_m3"]
    assert "wastewater_treatment" in readme["sector"] and "wwtp_electricity_kwh_per_m3" in readme["sector"]


def test_a_park_with_its_wastewater_plant_round_trips_and_runs(tmp_path, monkeypatch, capsys):
    """Template layout (the filled example, made from the template) + a plant row → import →
    check → a run whose base-year electricity is the firms' plus the plant's."""
    path = _filled(tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["enterprises"]
    column = {c.value: c.column for c in ws[1]}
    row = ws.max_row + 1
    for key, value in PLANT.items():
        ws.cell(row, column[HEADER[key]], value)
    wb.save(path)

    out, _ = import_workbook(path, tmp_path / "models" / "with_plant.yaml")
    park = load_park(out)
    plant = next(e for e in park.enterprises if e.id == "park_wwtp")
    assert plant.sector == "wastewater_treatment" and plant.shift_pattern == "continuous"
    assert plant.energy.electricity_mwh == pytest.approx(1642.5)
    assert plant.water.wastewater_m3 == 0 and plant.solid_waste.generated_t == 18

    monkeypatch.chdir(tmp_path)
    assert main(["check", "models/with_plant.yaml"]) == 0
    assert "9 enterprises" in capsys.readouterr().out
    scenario = write_yaml(tmp_path / "scenario.yaml", {"name": "with_plant", "park": "models/with_plant.yaml",
                                                      "horizon_years": 1, "outputs": {"hourly_years": []}})
    res = parktwin.run(parktwin.load(scenario), seed=0)
    # the small park's 111,300 MWh (models/small_park.yaml hand check) + the plant's 1,642.5 MWh
    assert res.year(2025)["electricity_demand_mwh"] == pytest.approx(111_300 + 1_642.5)
    assert res.manifest["sectors"]["park_wwtp"] == "wastewater_treatment"

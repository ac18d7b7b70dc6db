"""Calibration: the demo park's bottom-up base year against its (illustrative) measured totals."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import write_yaml

import parktwin
from parktwin.results.store import read_run, write_run
from parktwin.spec.calibration import (
    Measured,
    Reconciliation,
    format_table,
    load_measured,
    reconcile,
    reconciliation_by_year,
)
from parktwin.spec.errors import InputError

REPO = Path(__file__).resolve().parents[1]
DEMO_MEASURED = REPO / "models" / "demo_park.measured.yaml"


@pytest.fixture(scope="module")
def bau():
    return parktwin.run(parktwin.load(REPO / "scenarios" / "bau.yaml"), seed=0)


@pytest.fixture(scope="module")
def demo_measured() -> dict:
    return yaml.safe_load(DEMO_MEASURED.read_text(encoding="utf-8"))


def test_demo_park_reconciles_within_one_percent(bau):
    table = reconcile(bau, DEMO_MEASURED)
    assert isinstance(table, Reconciliation) and table.base_year == 2025
    assert table.within(0.01), table.describe_failures(0.01)
    assert list(table.columns) == ["scope", "quantity", "unit", "bottom_up", "measured", "difference", "difference_pct"]
    park = table[table["scope"] == "park"].set_index("quantity")
    assert set(park.index) == {"electricity_mwh", "coal_t", "natural_gas_km3", "diesel_t", "purchased_heat_gj",
                               "energy_tce", "emissions_tco2", "water_m3", "solid_waste_t"}
    # water and solid waste: the base year's resource account (every firm states both)
    assert park.loc["water_m3", "bottom_up"] == bau.resources.iloc[0]["fresh_water_m3"]
    assert park.loc["solid_waste_t", "bottom_up"] == bau.resources.iloc[0]["solid_waste_generated_t"]
    assert park.loc["electricity_mwh", "bottom_up"] == pytest.approx(1_868_095)
    assert park.loc["emissions_tco2", "bottom_up"] == pytest.approx(bau.year(2025)["gross_location_tco2"])
    assert set(table["scope"]) >= {"hengrui_fine_chem", "jinhua_dyeing"}
    assert "park" in format_table(table)


def test_a_misstated_total_is_caught_with_its_carrier_named(bau, demo_measured):
    doc = {**demo_measured, "park": {**demo_measured["park"]}}
    doc["park"]["electricity_mwh"] = round(doc["park"]["electricity_mwh"] * 1.05)
    table = reconcile(bau, doc)
    assert not table.within(0.01)
    failed = table.failures(0.01)
    assert list(zip(failed["scope"], failed["quantity"])) == [("park", "electricity_mwh")]
    assert failed["difference_pct"].iloc[0] == pytest.approx(-100 * (1 - 1 / 1.05 * 1_868_095 / 1_870_000) - 0.0, abs=0.2)
    assert "park electricity_mwh" in table.describe_failures(0.01)
    assert table.within(0.06)


def test_a_misstated_enterprise_total_is_caught(bau, demo_measured):
    doc = {**demo_measured, "enterprises": {**demo_measured["enterprises"]}}
    doc["enterprises"]["jinhua_dyeing"] = {**doc["enterprises"]["jinhua_dyeing"], "purchased_heat_gj": 800000}
    failed = reconcile(bau, doc).failures(0.01)
    assert list(zip(failed["scope"], failed["quantity"])) == [("jinhua_dyeing", "purchased_heat_gj")]


def test_energy_table_alone_water_not_modelled(bau):
    measured = Measured.model_validate({"park": {"coal_t": 62000, "emissions_tco2": 1.39e6, "water_m3": 4e6}})
    table = reconcile(bau.energy, measured)
    rows = table.set_index("quantity")
    assert rows.loc["coal_t", "difference"] == pytest.approx(0, abs=1e-6)
    assert rows[["bottom_up"]].loc[["emissions_tco2", "water_m3"]].isna().all().all()  # no emissions table, water not modelled
    assert table.within(1e-9)  # only comparable rows count


def test_bad_measured_file_names_file_and_key(tmp_path):
    path = write_yaml(tmp_path / "p.measured.yaml", {"park": {"electricity_mwh": -3, "steam_t": 1}})
    with pytest.raises(InputError) as info:
        load_measured(path)
    fields = sorted(p.field for p in info.value.problems)
    assert fields == ["park.electricity_mwh", "park.steam_t"]


def test_unknown_enterprise_in_measured_totals(bau):
    with pytest.raises(InputError, match="no_such_firm"):
        reconcile(bau, {"enterprises": {"no_such_firm": {"coal_t": 1}}})


def test_imported_small_park_reconciles_with_its_workbook_totals(tmp_path):
    from parktwin.spec.workbook import import_workbook

    _, side = import_workbook(REPO / "models" / "examples" / "filled_park.xlsx", tmp_path / "small.yaml")
    scenario = write_yaml(tmp_path / "s.yaml", {"name": "s", "park": "small.yaml", "horizon_years": 1, "outputs": {"hourly_years": []}})
    table = reconcile(parktwin.run(parktwin.load(scenario), seed=0), side)
    assert table.within(0.001), table.describe_failures(0.001)
    assert len(table) == 6 + 4


def test_check_strict_reconciles_the_demo_park_and_catches_a_misstated_total(tmp_path, capsys):
    import shutil
    from pathlib import Path

    import yaml

    from parktwin.cli import main

    models = Path(__file__).resolve().parents[1] / "models"
    assert main(["check", str(models / "demo_park.yaml"), "--strict"]) == 0
    assert "reconciles with its measured totals within ±1.0%" in capsys.readouterr().out
    # the same park with measured electricity stated 5 % too high
    shutil.copy(models / "demo_park.yaml", tmp_path / "demo_park.yaml")
    measured = yaml.safe_load((models / "demo_park.measured.yaml").read_text(encoding="utf-8"))
    measured["park"]["electricity_mwh"] *= 1.05
    (tmp_path / "demo_park.measured.yaml").write_text(yaml.safe_dump(measured), encoding="utf-8")
    assert main(["check", str(tmp_path / "demo_park.yaml"), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "demo_park.measured.yaml: park.electricity_mwh" in err and "beyond ±1.0%" in err


def test_a_run_reconciles_from_its_records_as_from_its_tables(bau):
    """A run keeps its first year's energy and emissions rows (``Results.base_rows``) and the
    reconciliation reads them instead of its tables: the same table, exactly, as read from the
    tables (a stored run has no such rows)."""
    assert bau.base_rows is not None and bau.base_rows.year == 2025
    from_records = reconcile(bau, DEMO_MEASURED)
    from_tables = reconcile(dataclasses.replace(bau, base_rows=None, reconciliation=None), DEMO_MEASURED)
    pd.testing.assert_frame_equal(from_records, from_tables, check_exact=True)


def test_a_replaced_energy_table_is_reconciled_not_the_rows_kept_from_the_run(bau):
    """The first year's rows a run keeps stand for its tables as built: a result whose energy (or
    emissions) table was replaced reconciles what that table holds. Doubling the base year's
    electricity doubles the park's bottom-up electricity (3,736,190 = 2 × 1,868,095 MWh in bau's
    2025, as the unedited run reconciles it)."""
    energy = bau.energy.copy()
    energy.loc[(energy["year"] == 2025) & (energy["carrier"] == "electricity"), "quantity"] *= 2.0
    edited = dataclasses.replace(bau, energy=energy, reconciliation=None)
    park = reconcile(edited, DEMO_MEASURED).set_index(["scope", "quantity"])["bottom_up"]
    before = reconcile(bau, DEMO_MEASURED).set_index(["scope", "quantity"])["bottom_up"]
    assert park[("park", "electricity_mwh")] == 2.0 * before[("park", "electricity_mwh")]
    from_tables = reconcile(dataclasses.replace(edited, base_rows=None), DEMO_MEASURED)
    pd.testing.assert_frame_equal(reconcile(edited, DEMO_MEASURED), from_tables, check_exact=True)
    emissions = bau.emissions.iloc[::-1].reset_index(drop=True)  # the same rows in another order: read from the table
    reordered = dataclasses.replace(bau, emissions=emissions, reconciliation=None)
    pd.testing.assert_frame_equal(reconcile(reordered, DEMO_MEASURED),
                                  reconcile(dataclasses.replace(reordered, base_rows=None), DEMO_MEASURED), check_exact=True)


def test_a_stored_run_reconciles_from_its_tables_as_the_run_from_its_records(bau, tmp_path):
    """A stored run has no kept rows (``Results.base_rows`` is None): reconciled from its tables as
    read back, it gives the run's own reconciliation of energy and emissions, exactly (a firm's own
    water and waste are not stored: a stored run reconciles the park's resource account only)."""
    back = read_run(write_run(bau, tmp_path, "run", overwrite=True))
    assert back.base_rows is None
    stored, run = reconcile(back, DEMO_MEASURED), reconcile(bau, DEMO_MEASURED)
    assert len(stored) == len(run) and (stored["quantity"] == "electricity_mwh").sum() >= 2  # the park and firms
    energy = ~(stored["quantity"].isin(["water_m3", "solid_waste_t"]) & (stored["scope"] != "park"))
    pd.testing.assert_frame_equal(pd.DataFrame(stored[energy]), pd.DataFrame(run[energy]), check_exact=True)


def test_the_results_reconciliation_table_is_the_reconciliation_with_its_base_year_first(bau):
    """``reconciliation_by_year`` (the Results' table, built at once) holds what ``reconcile`` gives,
    with the base year inserted as the first column."""
    table = reconcile(bau, DEMO_MEASURED)
    expected = pd.DataFrame(table)
    expected.insert(0, "year", table.base_year)
    pd.testing.assert_frame_equal(reconciliation_by_year(bau, DEMO_MEASURED), expected, check_exact=True)
    pd.testing.assert_frame_equal(bau.reconciliation_table(), expected, check_exact=True)

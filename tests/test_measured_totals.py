"""Measured base-year totals inside the park file (``measured:``) or beside it (sidecar): the run
reports the reconciliation, the loader refuses both at once, ``check --strict`` uses either."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import PARK, scenario

import parktwin
from parktwin.kernel.model import simulate
from parktwin.results.store import read_run, write_run
from parktwin.results.tables import build_results
from parktwin.spec.calibration import reconcile
from parktwin.spec.errors import InputError
from parktwin.spec.load import load_park

REPO = Path(__file__).resolve().parents[1]
# the hand park (tests/builders.py): Works uses 10,000 MWh, 1,000 t coal, 100 km3 gas, 5,000 GJ heat;
# its trucks 10 × 50,000 km × 30 L/100 km = 150,000 L × 0.84 kg/L = 126 t diesel (data/constants.csv density)
MEASURED = {"base_year": 2025, "source": "meter readings 2025",
            "park": {"electricity_mwh": 10100.0, "diesel_t": 126.0},
            "enterprises": {"works": {"coal_t": 1000.0, "natural_gas_km3": 98.0}}}


def write_park(folder: Path, park: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "park.yaml"
    path.write_text(yaml.safe_dump(park, allow_unicode=True), encoding="utf-8")
    return path


def test_the_run_reports_the_reconciliation_by_hand(tmp_path):
    res = build_results(simulate(scenario({"measured": MEASURED})), {})
    table = res.reconciliation_table().set_index(["scope", "quantity"])
    assert list(table["year"].unique()) == [2025]
    # electricity: 10,000 bottom-up vs 10,100 measured → −100 MWh, −0.990 %
    row = table.loc[("park", "electricity_mwh")]
    assert (row.unit, row.bottom_up, row.measured) == ("MWh", pytest.approx(10000.0, rel=1e-12), 10100.0)
    assert row.difference == pytest.approx(-100.0, rel=1e-9) and row.difference_pct == pytest.approx(-100 / 101, rel=1e-9)
    assert table.loc[("park", "diesel_t"), "bottom_up"] == pytest.approx(126.0, rel=1e-12)
    # per enterprise: gas 100 vs 98 km3 → +2.04 %
    assert table.loc[("works", "natural_gas_km3"), "difference_pct"] == pytest.approx(200 / 98, rel=1e-9)
    assert table.loc[("works", "coal_t"), "difference"] == pytest.approx(0.0, abs=1e-9)
    # the stored run keeps it
    folder = write_run(res, tmp_path, "run", overwrite=True)
    back = read_run(folder).reconciliation_table()
    pd.testing.assert_frame_equal(back.reset_index(drop=True), res.reconciliation_table().reset_index(drop=True))


def test_a_park_without_totals_has_an_empty_table():
    res = build_results(simulate(scenario()), {})
    assert res.reconciliation_table().empty and "reconciliation" in res.tables()


def test_the_sidecar_becomes_the_park_s_measured_block(tmp_path):
    # demo park: the run of bau reports what reconcile() gives from the sidecar itself
    res = parktwin.run(REPO / "scenarios" / "bau.yaml")
    table = res.reconciliation_table()
    expected = reconcile(res, REPO / "models" / "demo_park.measured.yaml")
    assert list(table["measured"]) == list(expected["measured"])
    assert list(table["bottom_up"]) == pytest.approx(list(expected["bottom_up"]), rel=1e-12)
    # load_park gives the park with its sidecar totals as its measured block
    park = load_park(REPO / "models" / "demo_park.yaml")
    assert park.measured.park.electricity_mwh == 1870000


def test_totals_in_both_places_are_refused(tmp_path):
    path = write_park(tmp_path, {**copy.deepcopy(PARK), "measured": MEASURED})
    (tmp_path / "park.measured.yaml").write_text(yaml.safe_dump(MEASURED), encoding="utf-8")
    with pytest.raises(InputError, match=r"park.yaml: measured: measured totals are given both here and in .*park.measured.yaml"):
        load_park(path)


def test_unknown_enterprise_and_wrong_year_name_the_field(tmp_path):
    measured = copy.deepcopy(MEASURED)
    measured["enterprises"]["steelworks"] = {"coal_t": 5.0}
    measured["base_year"] = 2024
    measured["park"]["coal_t"] = -1
    with pytest.raises(InputError) as err:
        load_park(write_park(tmp_path, {**copy.deepcopy(PARK), "measured": measured}))
    text = str(err.value)
    assert "measured.enterprises.steelworks: no enterprise with id 'steelworks' in the park" in text
    assert "measured.base_year: expected the park's base year 2025 (got 2024)" in text
    assert "measured.park.coal_t" in text  # the schema: ≥ 0


def test_check_strict_uses_the_park_file_s_block(tmp_path, capsys):
    from parktwin.cli import main

    measured = {"park": {"electricity_mwh": 10050.0}}  # 0.5 % above the bottom-up 10,000
    path = write_park(tmp_path, {**copy.deepcopy(PARK), "measured": measured})
    assert main(["check", str(path), "--strict"]) == 0
    assert "reconciles with its measured totals within ±1.0%" in capsys.readouterr().out
    assert main(["check", str(path), "--strict", "--tolerance", "0.001"]) == 2
    err = capsys.readouterr().err
    assert "park.yaml: measured.park.electricity_mwh: bottom-up 10,000 vs measured 10,050 MWh (-0.5 %), beyond ±0.1%" in err


def test_cli_run_prints_the_largest_difference(tmp_path, monkeypatch, capsys):
    from parktwin.cli import main

    monkeypatch.chdir(tmp_path)
    write_park(tmp_path, {**copy.deepcopy(PARK), "measured": MEASURED})
    (tmp_path / "s.yaml").write_text("name: s\npark: park.yaml\nhorizon_years: 1\n", encoding="utf-8")
    assert main(["run", "s.yaml", "--out", "runs", "--no-report"]) == 0
    # of the four measured quantities, gas of Works is furthest off: 100 vs 98 km3 = +2.04 %
    assert "base year vs measured totals: 4 quantities, largest difference +2.04 % (works natural_gas_km3" in capsys.readouterr().out
    stored = pd.read_parquet(next((tmp_path / "runs").iterdir()) / "reconciliation.parquet")
    assert len(stored) == 4


def test_report_figure_marks_what_is_beyond_the_tolerance():
    from parktwin.viz.measured import reconciliation_figure

    res = build_results(simulate(scenario({"measured": MEASURED})), {})
    bars = reconciliation_figure(res, "en").data[0]
    assert list(bars.y) == ["park · electricity_mwh", "park · diesel_t", "works · coal_t", "works · natural_gas_km3"]
    # −100/10,100, 0, 0, +2/98 (%): only the gas is beyond reconciliation_tolerance_share = 1 % (data/constants.csv)
    assert list(bars.x) == pytest.approx([-100 / 101, 0.0, 0.0, 200 / 98], abs=1e-9)
    assert list(bars.marker.color) == ["#2e86c1", "#2e86c1", "#2e86c1", "#c0392b"]
    assert reconciliation_figure(build_results(simulate(scenario()), {}), "en") is None  # no totals, no figure


def test_a_scenario_load_lists_sidecar_problems_with_the_others(tmp_path):
    # the sidecar's own problem (a negative total) and a scenario problem come out together
    write_park(tmp_path, copy.deepcopy(PARK))
    (tmp_path / "park.measured.yaml").write_text(yaml.safe_dump({"park": {"coal_t": -5}}), encoding="utf-8")
    (tmp_path / "s.yaml").write_text("name: s\npark: park.yaml\nhorizon_years: 0\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        parktwin.load(tmp_path / "s.yaml")
    text = str(err.value)
    assert "park.measured.yaml: park.coal_t" in text and "horizon_years" in text


# -- water and solid waste against the run's resource accounts ----------------------------------------
WATER = {"water": {"fresh_water_m3": 20000.0, "reused_water_m3": 5000.0}, "solid_waste": {"generated_t": 500.0, "utilised_t": 100.0}}


def test_water_and_solid_waste_are_reconciled_by_hand(tmp_path):
    # Works states 20,000 m³ fresh water and 500 t waste generated; nothing is exchanged in 2025, so
    # the bottom-up base year is those figures. Measured: park water 20,400 (−1.96 %), waste 500;
    # Works' water 20,000 (0 %)
    works = {**copy.deepcopy(PARK["enterprises"][0]), **WATER}
    measured = {"park": {"water_m3": 20400.0, "solid_waste_t": 500.0}, "enterprises": {"works": {"water_m3": 20000.0}}}
    res = build_results(simulate(scenario({"enterprises": [works], "measured": measured})), {})
    table = res.reconciliation_table().set_index(["scope", "quantity"])
    row = table.loc[("park", "water_m3")]
    assert (row.unit, row.bottom_up, row.measured) == ("m3", 20000.0, 20400.0)
    assert row.difference_pct == pytest.approx(-400 / 204, rel=1e-12)
    # the park's resource account of the base year says the same
    assert float(res.resources.iloc[0]["fresh_water_m3"]) == 20000.0
    assert table.loc[("park", "solid_waste_t"), ["unit", "bottom_up"]].tolist() == ["t", 500.0]
    assert table.loc[("works", "water_m3"), "difference"] == 0.0
    # beyond 1 %: the park's water, named
    failures = reconcile(res, measured).failures(0.01)
    assert list(zip(failures["scope"], failures["quantity"])) == [("park", "water_m3")]


def test_a_mis_stated_water_total_of_the_demo_park_is_caught(tmp_path):
    # demo park, bau seed 0: Σ water.fresh_water_m3 of its firms = 5,218,000 m³ and Σ
    # solid_waste.generated_t = 59,180 t (models/demo_park.yaml; no exchange runs in 2025). The
    # sidecar states them to 3 significant figures: 5,220,000 and 59,200 → within 1 %
    doc = yaml.safe_load((REPO / "models" / "demo_park.yaml").read_text(encoding="utf-8"))
    fresh = sum(e["water"]["fresh_water_m3"] for e in doc["enterprises"])
    waste = sum(e["solid_waste"]["generated_t"] for e in doc["enterprises"])
    assert (fresh, waste) == (5_218_000, 59_180)
    res = parktwin.run(REPO / "scenarios" / "bau.yaml")
    table = res.reconciliation_table().set_index(["scope", "quantity"])
    assert table.loc[("park", "water_m3"), ["bottom_up", "measured"]].tolist() == [5_218_000, 5_220_000]
    assert table.loc[("park", "solid_waste_t"), ["bottom_up", "measured"]].tolist() == [59_180, 59_200]
    # Jinhua Dyeing states 900,000 m³ in the park file, and so does the sidecar
    assert table.loc[("jinhua_dyeing", "water_m3"), ["bottom_up", "measured"]].tolist() == [900_000, 900_000]
    assert reconcile(res, REPO / "models" / "demo_park.measured.yaml").within(0.01)
    # the same totals with Jinhua Dyeing's water typed as 9,000,000 (a digit too many) and the park's
    # with it (+8.1 Mm³ → 13.32 Mm³): both rows fail, the rest still reconcile
    measured = load_park(REPO / "models" / "demo_park.yaml").measured.model_dump(exclude_none=True)
    measured["enterprises"]["jinhua_dyeing"]["water_m3"] = 9_000_000
    measured["park"]["water_m3"] = 13_320_000
    failures = reconcile(res, measured).failures(0.01)
    assert list(zip(failures["scope"], failures["quantity"])) == [("park", "water_m3"), ("jinhua_dyeing", "water_m3")]
    assert failures.set_index("scope").loc["jinhua_dyeing", "difference_pct"] == pytest.approx(-90.0, rel=1e-12)


def test_check_strict_catches_water_and_names_firms_without_a_figure(tmp_path, capsys):
    from parktwin.cli import main

    works = {**copy.deepcopy(PARK["enterprises"][0]), **WATER}
    measured = {"park": {"electricity_mwh": 10000.0}, "enterprises": {"works": {"water_m3": 22000.0, "solid_waste_t": 500.0}}}
    path = write_park(tmp_path, {**copy.deepcopy(PARK), "enterprises": [works], "measured": measured})
    assert main(["check", str(path), "--strict"]) == 2
    err = capsys.readouterr().err
    # 20,000 bottom-up vs 22,000 measured: −9.1 %
    assert "park.yaml: measured.works.water_m3: bottom-up 20,000 vs measured 22,000 m3 (-9.1 %), beyond ±1.0%" in err
    assert "solid_waste_t" not in err
    # a second firm with no water figure: the park's water has no bottom-up value, and check says which firm lacks it
    other = {**copy.deepcopy(PARK["enterprises"][0]), "id": "mill", "name": "Mill"}
    measured = {"park": {"water_m3": 20000.0}}
    path = write_park(tmp_path / "two", {**copy.deepcopy(PARK), "enterprises": [works, other], "measured": measured})
    assert main(["check", str(path), "--strict"]) == 2
    err = capsys.readouterr().err
    assert ("measured.park.water_m3: measured 20,000 m3 but no bottom-up value to compare: the park file gives no "
            "water.fresh_water_m3 for mill (0 where there is none)") in err


def test_firm_totals_take_received_water_off_fresh_water_by_hand():
    from parktwin.accounting.resource_firms import firm_totals
    from parktwin.accounting.resources import (
        ExchangeFlows,
        FirmResources,
        year_resources,
    )

    # A withdraws 1,000 m³ and receives 300 m³ treated water and 900 m³ cooling water: fresh water
    # 1,000 − 300 − min(900, 700) = 0; B withdraws 400 m³ and receives nothing; C states no water
    firms = [FirmResources("a", 10.0, fresh_water_m3=1000.0, waste_generated_t=50.0),
             FirmResources("b", 10.0, fresh_water_m3=400.0), FirmResources("c", 10.0, waste_generated_t=7.0)]
    flows = ExchangeFlows(reclaimed_m3={"a": 300.0}, reused_m3={"a": 900.0}, waste_t={"a": 20.0})
    totals = firm_totals(firms, flows)
    assert [(t.fresh_water_m3, t.solid_waste_generated_t) for t in totals.values()] == [(0.0, 50.0), (400.0, None), (None, 7.0)]
    # and the park's account agrees: fresh 0 + 400, waste generated 50 + 7 (sending waste away does not change it)
    park = year_resources(2025, firms, flows)
    assert (park["fresh_water_m3"], park["solid_waste_generated_t"]) == (400.0, 57.0)

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

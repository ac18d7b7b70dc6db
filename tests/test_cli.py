"""Tests of the ``parktwin`` command line (run, check, schema) and of atomic run storage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import parktwin
import parktwin.viz.report
from conftest import write_yaml
from parktwin.cli import main

RUN_TABLES = ("annual", "emissions", "energy", "events", "reviews", "hourly", "investments", "indicators", "stages",
              "resources", "exchanges", "data_quality", "reconciliation", "financing", "cashflows", "carbon",
              "cost_of_capital", "measures", "levelised_costs", "products")


@pytest.fixture
def workdir(small_scenario_path, monkeypatch) -> Path:
    """cwd = a folder holding park.yaml and scenario.yaml (the small, 2025..2028 scenario)."""
    monkeypatch.chdir(small_scenario_path.parent)
    return small_scenario_path.parent


@pytest.fixture
def broken_park(workdir, small_park_dict) -> Path:
    small_park_dict["enterprises"][0]["energy"]["coal_t"] = -5
    small_park_dict["grid"]["tariff"]["flat_hours"] = [11, 12, 13, 14, 15, 16]
    return write_yaml(workdir / "broken_park.yaml", small_park_dict)


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --------------------------------------------------------------------------- check


def test_check_park_and_scenario_print_one_ok_line_each(workdir, capsys):
    assert main(["check", "park.yaml", "scenario.yaml"]) == 0
    out, err = capsys.readouterr()
    # what product data would make the unit-energy indicator assessable (accounting/coverage.py)
    assert any("zc_product_energy_grade2" in line and "chem" in line for line in out.splitlines())
    lines = [line for line in out.splitlines() if not line.startswith("  ") and "data gap" not in line]  # gaps: test_coverage.py
    assert len(lines) == 2
    assert lines[0].startswith("park.yaml: park 'Small park' OK")
    assert "2 enterprises, 1 buildings, 1 fleets" in lines[0]
    assert lines[1].startswith("scenario.yaml: scenario 'small' OK")
    assert "2025–2028" in lines[1] and "5 roadmap items" in lines[1]
    assert err == ""


def test_check_applies_overrides(workdir, capsys):
    assert main(["check", "scenario.yaml", "--set", "horizon_years=10"]) == 0
    assert "2025–2035" in capsys.readouterr().out
    assert main(["check", "scenario.yaml", "--set", "roadmap.gp.share=2"]) == 2
    err = capsys.readouterr().err
    assert "scenario.yaml: roadmap.2." in err and "share" in err


def test_check_broken_park_exits_2_and_lists_every_problem(broken_park, capsys):
    assert main(["check", broken_park.name]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[0] == "2 problems in the input:"
    assert any(
        line.startswith("  - broken_park.yaml: enterprises.0.energy.coal_t: ") and "greater than or equal to 0" in line
        for line in lines
    ), err
    assert any(line.startswith("  - broken_park.yaml: grid.tariff: ") and "missing [22, 23]" in line for line in lines), err


def test_check_broken_scenario_names_park_and_scenario_files(workdir, small_park_dict, small_scenario_dict, capsys):
    small_park_dict["green_space"]["area_ha"] = -1
    write_yaml(workdir / "bad_park.yaml", small_park_dict)
    small_scenario_dict["park"] = "bad_park.yaml"
    small_scenario_dict["horizon_years"] = 0
    write_yaml(workdir / "bad.yaml", small_scenario_dict)
    assert main(["check", "bad.yaml"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "  - bad_park.yaml: green_space.area_ha: " in err
    assert "  - bad.yaml: horizon_years: " in err


def test_check_invalid_yaml_exits_2_with_the_line(workdir, capsys):
    (workdir / "broken.yaml").write_text("name: x\npark: park.yaml\n  oops: 1\n", encoding="utf-8")
    assert main(["check", "broken.yaml"]) == 2
    err = capsys.readouterr().err
    assert "broken.yaml: line 3, column" in err and "not valid YAML" in err


def test_check_missing_file_exits_2(workdir, capsys):
    assert main(["check", "nope.yaml"]) == 2
    err = capsys.readouterr().err
    assert "nope.yaml: file not found" in err
    assert "Traceback" not in err


def test_check_reports_every_bad_file(workdir, broken_park, capsys):
    (workdir / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    assert main(["check", broken_park.name, "broken.yaml"]) == 2
    err = capsys.readouterr().err
    assert "broken_park.yaml: enterprises.0.energy.coal_t" in err
    assert "broken.yaml: line" in err


# --------------------------------------------------------------------------- run


def test_run_help_mentions_set_and_seed(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["run", "--help"])
    assert excinfo.value.code == 0
    out = capsys.readouterr().out
    assert "--set" in out and "PATH=VALUE" in out
    assert "--seed" in out and "--out" in out


def test_run_stores_a_complete_run(workdir, capsys):
    rc = main(["run", "scenario.yaml", "--out", "out", "--seed", "1", "--set", "carbon_price_cny_per_tco2.2030=200"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    out_dir = workdir / "out"
    (name,) = entries(out_dir)  # the run folder and nothing else (no hidden temp folder)
    assert not name.startswith(".")
    folder = out_dir / name
    assert f"run stored in {Path('out') / name}" in out
    assert f"report: {Path('out') / name / 'report.html'}" in out
    assert "scenario 'small', seed 1: 4 years" in out

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 1
    assert manifest["overrides"] == [["carbon_price_cny_per_tco2.2030", 200]]
    assert manifest["inputs_sha256"] == parktwin.load("scenario.yaml", ["carbon_price_cny_per_tco2.2030=200"]).digest()
    assert manifest["inputs_sha256"] != parktwin.load("scenario.yaml").digest()
    assert manifest["park_sha256"] == parktwin.load("scenario.yaml").park_digest()  # the override is not in the park
    assert manifest["years"] == [2025, 2026, 2027, 2028]
    assert (manifest["scenario_file"], manifest["park_file"]) == ("scenario.yaml", "park.yaml")
    assert name == f"small-s1-{manifest['inputs_sha256'][:8]}"

    annual = pd.read_parquet(folder / "annual.parquet")
    assert len(annual) == 4
    assert annual["year"].tolist() == [2025, 2026, 2027, 2028]
    for table in RUN_TABLES:
        assert (folder / f"{table}.parquet").is_file(), table
    hourly = pd.read_parquet(folder / "hourly.parquet")
    assert set(hourly["year"]) == {2025}  # only outputs.hourly_years
    assert len(hourly) in (8760, 8784)
    report = folder / "report.html"
    assert report.is_file() and report.stat().st_size > 0
    assert "<html" in report.read_text(encoding="utf-8")[:2000].lower()
    assert set(entries(folder)) == {f"{t}.parquet" for t in RUN_TABLES} | {"manifest.json", "report.html"}


def test_run_no_report_and_name(workdir, capsys):
    assert main(["run", "scenario.yaml", "--out", "out", "--name", "mine", "--no-report"]) == 0
    out = capsys.readouterr().out
    assert entries(workdir / "out") == ["mine"]
    assert "report.html" not in entries(workdir / "out" / "mine")
    assert "report:" not in out
    assert json.loads((workdir / "out" / "mine" / "manifest.json").read_text())["seed"] == 0


def test_run_with_a_new_year_in_a_year_path(workdir, small_scenario_dict, capsys):
    small_scenario_dict["carbon_price_cny_per_tco2"] = {2025: 96, 2050: 300}
    write_yaml(workdir / "scenario.yaml", small_scenario_dict)
    assert main(["run", "scenario.yaml", "--out", "out", "--no-report", "--set", "carbon_price_cny_per_tco2.2030=200"]) == 0


def test_run_with_bad_override_exits_2_and_writes_nothing(workdir, capsys):
    rc = main(["run", "scenario.yaml", "--out", "out", "--set", "roadmap.nope.share=0.5"])
    out, err = capsys.readouterr()
    assert rc == 2
    assert "--set: roadmap.nope: " in err and "'nope'" in err
    assert "Traceback" not in err
    assert entries(workdir / "out") == []


def test_run_through_the_real_entry_point(workdir):
    proc = subprocess.run(
        [sys.executable, "-m", "parktwin.cli", "run", "scenario.yaml", "--out", "out", "--seed", "2", "--no-report",
         "--set", "roadmap.gp.share=0.8"],
        cwd=workdir, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    (name,) = entries(workdir / "out")
    assert f"run stored in {Path('out') / name}" in proc.stdout
    manifest = json.loads((workdir / "out" / name / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 2
    assert manifest["overrides"] == [["roadmap.gp.share", 0.8]]


# --------------------------------------------------------------------------- schema


def test_schema_command_writes_both_schemas_and_the_reference(tmp_path, capsys):
    assert main(["schema", str(tmp_path / "schema")]) == 0
    out = capsys.readouterr().out
    files = sorted((tmp_path / "schema").iterdir())
    assert [f.name for f in files] == ["input-ranges.md", "input-reference.md", "park.schema.json", "scenario.schema.json"]
    files.pop(0)
    reference = files.pop(0).read_text(encoding="utf-8")
    assert "| `import_limit_kw` | number | required | > 0, ≤ 100000000.0 |" in reference
    for f in files:
        assert f"wrote {f}" in out
        data = json.loads(f.read_text(encoding="utf-8"))
        assert data["type"] == "object" and "$defs" in data
    assert json.loads(files[1].read_text())["properties"]["park"]["type"] == "string"


# --------------------------------------------------------------------------- atomic save


@pytest.fixture
def results(small_scenario_path):
    return parktwin.run(parktwin.load(small_scenario_path), seed=1)


def _boom(*args, **kwargs):
    raise RuntimeError("report failed")


def test_interrupted_save_leaves_no_run_folder(results, tmp_path, monkeypatch):
    monkeypatch.setattr(parktwin.viz.report, "write_report", _boom)
    out = tmp_path / "runs"
    with pytest.raises(RuntimeError, match="report failed"):
        parktwin.save(results, out)
    assert entries(out) == []


def test_interrupted_save_keeps_the_previous_run(results, tmp_path, monkeypatch):
    out = tmp_path / "runs"
    first = parktwin.save(results, out, name="r", report=False)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    monkeypatch.setattr(parktwin.viz.report, "write_report", _boom)
    with pytest.raises(RuntimeError, match="report failed"):
        parktwin.save(results, out, name="r")
    assert entries(out) == ["r"]
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before


def test_saved_run_reads_back(results, tmp_path):
    folder = parktwin.save(results, tmp_path / "runs", report=False)
    back = parktwin.read_run(folder)
    assert back.manifest == json.loads(json.dumps(results.manifest, default=str))
    pd.testing.assert_frame_equal(back.annual, results.annual, check_dtype=False)


def test_size_writes_a_scenario_that_adds_the_sized_capacity(workdir, capsys):
    assert main(["size", "scenario.yaml", "--year", "2027", "--out", "sized.yaml"]) == 0
    out = capsys.readouterr().out
    assert "PV +" in out and "wrote sized.yaml" in out
    sized = parktwin.load("sized.yaml")
    base = parktwin.load("scenario.yaml")
    extra = sized.scenario.roadmap[len(base.scenario.roadmap):]
    assert [i.id for i in sized.scenario.roadmap[: len(base.scenario.roadmap)]] == [i.id for i in base.scenario.roadmap]
    assert all(i.year == 2027 and i.id.startswith("sized_") for i in extra)

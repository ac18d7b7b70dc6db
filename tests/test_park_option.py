"""``--park``: a scenario run on another park file (run, check, mc, compare; the Python API's
``park=``), and the messages when the park lacks what the scenario names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import parktwin
from conftest import write_yaml
from parktwin.cli import main
from parktwin.spec.errors import InputError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo_cwd(monkeypatch) -> Path:
    monkeypatch.chdir(REPO)
    return REPO


def test_net_zero_runs_on_the_small_park(repo_cwd, tmp_path, capsys):
    """The issue's acceptance command: the demo's net-zero pathway on models/small_park.yaml."""
    assert main(["run", "scenarios/net_zero_2050.yaml", "--park", "models/small_park.yaml", "--no-report",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "on park 'Small test park' (models/small_park.yaml)" in out
    folder = next(tmp_path.iterdir())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["park_file"] == "models/small_park.yaml"
    assert manifest["park_name"] == "Small test park"
    assert manifest["scenario_file"] == "scenarios/net_zero_2050.yaml"
    # the small park's 8 firms, not the demo's, were simulated
    assert len(manifest["sectors"]) == 8


def test_park_changes_the_digest_and_the_document(repo_cwd):
    own = parktwin.load("scenarios/net_zero_2050.yaml")
    other = parktwin.load("scenarios/net_zero_2050.yaml", park="models/small_park.yaml")
    assert own.park_path == "models/demo_park.yaml" and other.park_path == "models/small_park.yaml"
    assert other.scenario.park.name == "Small test park"
    assert other.digest() != own.digest() and other.park_digest() != own.park_digest()
    # the same park named explicitly is the scenario as written: same digest
    assert parktwin.load("scenarios/net_zero_2050.yaml", park="models/demo_park.yaml").digest() == own.digest()
    # the roadmap is the scenario's
    assert [i.id for i in other.scenario.roadmap] == [i.id for i in own.scenario.roadmap]


def test_overrides_of_park_fields_apply_to_the_given_park(repo_cwd):
    loaded = parktwin.load("scenarios/bau.yaml", ["park.grid.import_limit_kw=12345"], park="models/small_park.yaml")
    assert loaded.scenario.park.grid.import_limit_kw == 12345
    assert loaded.scenario.park.name == "Small test park"


def test_roadmap_naming_firms_the_park_lacks_is_refused_naming_item_and_firm(repo_cwd, capsys):
    """logistics_like_net_zero names fleets, buildings and a firm of the logistics park."""
    assert main(["check", "scenarios/logistics_like_net_zero.yaml", "--park", "models/small_park.yaml"]) == 2
    err = capsys.readouterr().err
    assert ("roadmap.10.enterprises: no enterprise with id 'packaging_works' in park 'Small test park' "
            "(models/small_park.yaml): roadmap item 'water_reuse_1' names it") in err
    assert "roadmap.3.fleets: no fleet with id 'forklifts_diesel'" in err and "'forklifts_bev' names it" in err
    assert "(the park's fleets: lake_trucks, shuttle_buses)" in err
    assert "roadmap.7.buildings: no building with id 'logistics_offices'" in err
    assert "Traceback" not in err


def test_set_park_to_a_path_names_the_option_that_does_it(repo_cwd, capsys):
    """``--set park=<file>`` used to fail with 'models/demo_park.yaml: Input should be a valid
    dictionary' (the wrong file, no fix)."""
    assert main(["check", "scenarios/net_zero_2050.yaml", "--set", "park=../models/small_park.yaml"]) == 2
    err = capsys.readouterr().err
    assert "--set: park: another park file is chosen with --park FILE" in err
    assert "demo_park.yaml" not in err


def test_park_option_refuses_a_scenario_file_and_a_missing_file(repo_cwd, capsys):
    assert main(["check", "scenarios/bau.yaml", "--park", "scenarios/bau.yaml"]) == 2
    assert "scenarios/bau.yaml: enterprises: missing: --park expects a park file" in capsys.readouterr().err
    assert main(["check", "scenarios/bau.yaml", "--park", "models/no_such_park.yaml"]) == 2
    assert "models/no_such_park.yaml: file not found" in capsys.readouterr().err
    assert main(["check", "models/demo_park.yaml", "--park", "models/small_park.yaml"]) == 2
    assert "models/demo_park.yaml: is a park file; --park applies to scenario files" in capsys.readouterr().err


def test_park_problems_name_the_given_park_file(tmp_path, small_park_dict, small_scenario_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_park_dict["enterprises"][0]["energy"]["coal_t"] = -5
    write_yaml(tmp_path / "mine.yaml", small_park_dict)
    with pytest.raises(InputError) as caught:
        parktwin.load(small_scenario_path, park="mine.yaml")
    assert any(p.file == "mine.yaml" and p.field == "enterprises.0.energy.coal_t" for p in caught.value.problems)


def test_compare_and_run_api_take_the_park(small_scenario_path, small_park_dict, tmp_path, monkeypatch):
    """compare runs every scenario file on the given park; stored folders refuse --park."""
    monkeypatch.chdir(tmp_path)
    small_park_dict["name"] = "Other park"
    write_yaml(tmp_path / "other.yaml", small_park_dict)
    results = parktwin.run(small_scenario_path, park="other.yaml")
    assert results.manifest["park_name"] == "Other park" and results.manifest["park_file"] == "other.yaml"
    from parktwin.experiments.compare import open_runs

    runs = open_runs([small_scenario_path], park="other.yaml")
    assert runs[0].manifest["park_name"] == "Other park"
    assert main(["compare", str(tmp_path), "--park", "other.yaml"]) == 2


def test_mc_records_the_park(small_scenario_path, small_park_dict, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_park_dict["name"] = "Other park"
    write_yaml(tmp_path / "other.yaml", small_park_dict)
    batch = parktwin.run_batch(small_scenario_path, n=2, seed=0, executor="serial", out=tmp_path / "runs",
                               park="other.yaml", report=False)
    assert batch.info["park_file"] == "other.yaml" and batch.info["park_name"] == "Other park"
    assert batch.info["document"]["park"]["name"] == "Other park"

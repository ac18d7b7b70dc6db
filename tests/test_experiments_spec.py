"""The scenario's ``uncertainty`` block: validated like every other input, errors naming
``uncertainty.<name>.<field>``; paths checked against the scenario document."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import write_yaml

import parktwin
from parktwin.experiments.assumptions import assumption_inputs, suggested_block
from parktwin.experiments.design import check_paths, scenario_from_own_document
from parktwin.spec.errors import InputError
from parktwin.spec.park import Park

ROOT = Path(__file__).resolve().parents[1]


def _scenario(tmp_path: Path, park: dict, scenario: dict, uncertainty: dict) -> Path:
    write_yaml(tmp_path / "park.yaml", park)
    return write_yaml(tmp_path / "scenario.yaml", {**scenario, "uncertainty": uncertainty})


def _fields(exc: InputError) -> list[str]:
    return [p.field for p in exc.problems]


def _load_error(tmp_path, park, scenario, uncertainty) -> InputError:
    path = _scenario(tmp_path, park, scenario, uncertainty)
    with pytest.raises(InputError) as info:
        check_paths(parktwin.load(path))
    return info.value


def test_a_valid_block_loads_and_its_paths_check(tmp_path, small_park_dict, small_scenario_dict):
    path = _scenario(tmp_path, small_park_dict, small_scenario_dict, {
        "growth": {"path": "growth.default_share_per_yr", "dist": "triangular", "low": 0, "mode": 0.03, "high": 0.06},
        "gp": {"path": "roadmap.gp.share", "dist": "normal", "mean": 0.5, "std": 0.2, "low": 0, "high": 1,
               "rank_correlation": {"growth": 0.4}},
        "price": {"path": "offsets.price_cny_per_tco2", "dist": "lognormal", "median": 70, "sigma": 0.3},
        "pv_year": {"path": "roadmap.pv1.year", "dist": "uniform", "low": 2026, "high": 2028, "integer": True},
        "tech": {"path": "roadmap.eb.technology", "dist": "choice", "values": ["electric_boiler", "heat_pump"], "weights": [1, 3]},
        "grid_2027": {"path": "grid_factor.override_kgco2_per_kwh.2027", "dist": "uniform", "low": 0.4, "high": 0.6},
    })
    loaded = parktwin.load(path)
    unc = loaded.scenario.uncertainty
    assert unc.names() == ["growth", "gp", "price", "pv_year", "tech", "grid_2027"]
    assert unc.correlation_pairs() == [("gp", "growth", 0.4)]
    check_paths(loaded)  # no error


def test_no_block_means_no_uncertainty(small_scenario_path):
    unc = parktwin.load(small_scenario_path).scenario.uncertainty
    assert not unc and len(unc) == 0 and unc.correlation_matrix() is None


@pytest.mark.parametrize(("entry", "field", "words"), [
    ({"path": "growth.default_share_per_yr", "dist": "normal", "mean": 0.03, "std": -0.01}, "uncertainty.x.std", "greater than 0"),
    ({"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0.05, "high": 0.01}, "uncertainty.x.high", "above low"),
    ({"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0.01}, "uncertainty.x.high", "needs high"),
    ({"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0.0, "high": 0.1, "std": 1}, "uncertainty.x.std", "not a parameter"),
    ({"path": "growth.default_share_per_yr", "dist": "triangular", "low": 0.0, "mode": 0.2, "high": 0.1}, "uncertainty.x.mode", "within low..high"),
    ({"path": "growth.default_share_per_yr", "dist": "lognormal", "median": -1, "sigma": 0.2}, "uncertainty.x.median", "greater than 0"),
    ({"path": "growth.default_share_per_yr", "dist": "choice", "values": [0.01, 0.02], "weights": [1]}, "uncertainty.x.weights", "one weight per value"),
    ({"path": "growth.default_share_per_yr", "dist": "beta", "low": 0, "high": 1}, "uncertainty.x.dist", "uniform"),
    ({"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0, "high": 1, "spread": 2}, "uncertainty.x.spread", "Extra inputs"),
])
def test_bad_parameters_name_the_field(tmp_path, small_park_dict, small_scenario_dict, entry, field, words):
    path = _scenario(tmp_path, small_park_dict, small_scenario_dict, {"x": entry})
    with pytest.raises(InputError) as info:
        parktwin.load(path)
    problems = [p for p in info.value.problems if p.field == field]
    assert problems, info.value.describe()
    assert words in problems[0].message
    assert problems[0].file.endswith("scenario.yaml")


def test_correlations_must_form_a_positive_definite_matrix(tmp_path, small_park_dict, small_scenario_dict):
    u = {"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0, "high": 0.05}
    block = {
        "a": {**u, "rank_correlation": {"b": 0.9, "c": 0.9}},
        "b": {**u, "path": "growth.intensity_decline_share_per_yr", "rank_correlation": {"c": -0.9}},
        "c": {**u, "path": "offsets.max_share_of_gross"},
    }
    path = _scenario(tmp_path, small_park_dict, small_scenario_dict, block)
    with pytest.raises(InputError) as info:
        parktwin.load(path)
    (problem,) = info.value.problems
    assert problem.field == "uncertainty"
    assert "positive-definite" in problem.message and "a~b=0.9" in problem.message


def test_correlation_partners_must_exist_and_agree(tmp_path, small_park_dict, small_scenario_dict):
    u = {"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0, "high": 0.05}
    block = {"a": {**u, "rank_correlation": {"nobody": 0.5, "b": 0.3}},
             "b": {**u, "path": "offsets.max_share_of_gross", "rank_correlation": {"a": 0.2}}}
    path = _scenario(tmp_path, small_park_dict, small_scenario_dict, block)
    with pytest.raises(InputError) as info:
        parktwin.load(path)
    message = info.value.describe()
    assert "a.rank_correlation.nobody: no uncertain input named 'nobody'" in message
    assert "give it once" in message
    bad_rho = {"a": {**u, "rank_correlation": {"b": 1.5}}, "b": {**u, "path": "offsets.max_share_of_gross"}}
    path = _scenario(tmp_path, small_park_dict, small_scenario_dict, bad_rho)
    with pytest.raises(InputError) as info:
        parktwin.load(path)
    assert "uncertainty.a.rank_correlation.b" in _fields(info.value)


@pytest.mark.parametrize(("entry", "field", "words"), [
    ({"path": "roadmap.no_such_item.share", "dist": "uniform", "low": 0.1, "high": 0.5}, "uncertainty.x.path", "no list item"),
    ({"path": "growth.no_such_key", "dist": "uniform", "low": 0.1, "high": 0.5}, "uncertainty.x.path", "not an input"),
    ({"path": "name.deeper", "dist": "uniform", "low": 0.1, "high": 0.5}, "uncertainty.x.path", "cannot descend"),
    ({"path": "roadmap.gp.share", "dist": "uniform", "low": 0.5, "high": 1.5}, "uncertainty.x.high", "less than or equal to 1"),
    ({"path": "roadmap.gp.share", "dist": "normal", "mean": 1.5, "std": 0.1}, "uncertainty.x.mean", "less than or equal to 1"),
    ({"path": "roadmap.pv1.year", "dist": "uniform", "low": 2026, "high": 2028}, "uncertainty.x.integer", "integer: true"),
    ({"path": "roadmap.pv1.year", "dist": "uniform", "low": 2026, "high": 2035, "integer": True}, "uncertainty.x.high", "2026 to 2028"),
    ({"path": "roadmap.eb.technology", "dist": "choice", "values": ["heat_pump", "gas_boiler"]}, "uncertainty.x.values", "heat_pump"),
])
def test_paths_are_checked_against_the_scenario(tmp_path, small_park_dict, small_scenario_dict, entry, field, words):
    exc = _load_error(tmp_path, small_park_dict, small_scenario_dict,
                      {"ok": {"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0, "high": 0.05}, "x": entry})
    assert _fields(exc) == [field], exc.describe()
    assert words in exc.problems[0].message, exc.describe()


def test_run_batch_refuses_a_bad_path_before_running(tmp_path, small_park_dict, small_scenario_dict):
    path = _scenario(tmp_path, small_park_dict, small_scenario_dict,
                     {"x": {"path": "roadmap.nope.year", "dist": "uniform", "low": 2026, "high": 2027, "integer": True}})
    with pytest.raises(InputError) as info:
        parktwin.run_batch(path, n=2, executor="serial", out=tmp_path / "runs")
    assert _fields(info.value) == ["uncertainty.x.path"]
    assert not (tmp_path / "runs").exists()


def test_the_shipped_uncertain_scenario_is_valid():
    loaded = parktwin.load(ROOT / "scenarios" / "net_zero_2050_uncertain.yaml")
    unc = loaded.scenario.uncertainty
    assert len(unc) >= 8 and all(item.note for _, item in unc.items())
    check_paths(loaded)


def test_assumption_rows_are_offered_with_their_paths():
    loaded = parktwin.load(ROOT / "scenarios" / "net_zero_2050.yaml")
    rows = assumption_inputs(loaded)
    grid = rows[rows["table"] == "grid_factors"]
    assert set(grid["key"]) >= {"east_china 2030", "east_china 2040", "east_china 2050"}
    assert grid.set_index("key").loc["east_china 2050", "path"] == "grid_factor.override_kgco2_per_kwh.2050"
    constants = rows[rows["table"] == "constants"].set_index("key")
    assert constants.loc["coal_boiler_efficiency", "path"] == "data.constants.coal_boiler_efficiency"  # the data block
    block = suggested_block(rows)
    assert "grid_factor.override_kgco2_per_kwh.2040" in block
    # the suggested block is itself valid
    import yaml

    scenario = yaml.safe_load((ROOT / "scenarios" / "net_zero_2050.yaml").read_text(encoding="utf-8"))
    assert scenario["extends"] == "bau.yaml"
    suggested = yaml.safe_load(block)["uncertainty"]
    doc_loaded = parktwin.load(ROOT / "scenarios" / "net_zero_2050.yaml",
                               [(f"uncertainty.{k}", v) for k, v in suggested.items()])
    check_paths(doc_loaded)


def test_suggested_ranges_are_ordered_for_negative_values_and_skip_zero():
    import pandas as pd
    import yaml

    rows = pd.DataFrame([
        # an ice-making evaporator at -6 °C (data/constants.csv): ±30 % is -7.8 .. -4.2, low below high
        {"table": "constants", "key": "ice_charge_evaporator_c", "value": -6.0, "path": "data.constants.ice_charge_evaporator_c",
         "source": "assumption", "reachable": True},
        {"table": "constants", "key": "zero_row", "value": 0.0, "path": "data.constants.zero_row", "source": "x", "reachable": True},
    ])
    block = yaml.safe_load(suggested_block(rows))["uncertainty"]
    assert (block["ice_charge_evaporator_c"]["low"], block["ice_charge_evaporator_c"]["high"]) == (-7.8, -4.2)
    assert "zero_row" not in block  # no relative spread around 0


def test_a_replicate_reuses_the_validated_park_only_while_its_inputs_leave_the_park_alone(small_scenario_path):
    """A worker validates the batch's park once and hands it to every replicate whose overrides
    do not touch ``park.*``; an override of a park field validates the park again, with its value."""
    loaded = parktwin.load(small_scenario_path)
    park = Park.model_validate(loaded.document["park"])
    kept = scenario_from_own_document(copy.deepcopy(loaded.document), [("growth.default_share_per_yr", 0.04)], park=park)
    assert kept.park is park and kept.growth.default_share_per_yr == 0.04
    assert kept == scenario_from_own_document(copy.deepcopy(loaded.document), [("growth.default_share_per_yr", 0.04)])
    name = loaded.document["park"]["name"]
    changed = scenario_from_own_document(copy.deepcopy(loaded.document), [("park.name", name + " B")], park=park)
    assert changed.park is not park and changed.park.name == name + " B"

"""Tests of the input layer: park/scenario loading, ``extends``, ``--set`` overrides,
error reporting (file + field + expectation, all problems at once) and the JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import write_yaml
from parktwin.spec.errors import InputError, Problem
from parktwin.spec.load import Loaded, load, load_any, load_park, parse_override
from parktwin.spec.park import Park
from parktwin.spec.schema import park_schema, scenario_schema
from parktwin.spec.scenario import Battery, ElectrifyBoilers, GreenPower, RooftopPv, Scenario


# --------------------------------------------------------------------------- helpers


def same_file(reported: str, path: Path) -> bool:
    """A Problem's file (shown relative to the cwd when possible) is ``path``."""
    return Path(reported).resolve() == path.resolve()


def problems_of(excinfo: pytest.ExceptionInfo[InputError]) -> list[Problem]:
    return excinfo.value.problems

def the_park_problem(tmp_path, park: dict):
    """Write ``park``, load it, and return its one problem (and the file's path)."""
    path = write_yaml(tmp_path / "park.yaml", park)
    with pytest.raises(InputError) as excinfo:
        load_park(path)
    (problem,) = problems_of(excinfo)
    return problem, path



def find(problems: list[Problem], field: str) -> Problem:
    hits = [p for p in problems if p.field == field]
    assert hits, f"no problem for field {field!r} in {[str(p) for p in problems]}"
    assert len(hits) == 1, f"field {field!r} reported twice: {hits}"
    return hits[0]


def write_pair(folder: Path, park: dict, scenario: dict) -> tuple[Path, Path]:
    return write_yaml(folder / "park.yaml", park), write_yaml(folder / "scenario.yaml", scenario)


# --------------------------------------------------------------------------- valid input


def test_valid_park_file_loads_on_its_own(tmp_path, small_park_dict):
    path = write_yaml(tmp_path / "park.yaml", small_park_dict)
    park = load_park(path)
    assert isinstance(park, Park)
    assert park.name == "Small park"
    assert [e.id for e in park.enterprises] == ["chem", "elec"]
    assert park.base_year == 2025  # default
    assert park.location.grid_region == "east_china"  # default
    assert park.entity_ids() == {"chem", "elec", "office", "trucks"}


def test_valid_scenario_loads_with_its_park(small_scenario_path):
    loaded = load(small_scenario_path)
    assert isinstance(loaded, Loaded)
    sc = loaded.scenario
    assert isinstance(sc, Scenario)
    assert sc.name == "small"
    assert sc.park.name == "Small park"
    assert sc.years == [2025, 2026, 2027, 2028]
    assert [type(i) for i in sc.roadmap[:4]] == [RooftopPv, Battery, GreenPower, ElectrifyBoilers]
    assert sc.carbon_price_cny_per_tco2 == {2025: 96.0, 2030: 150.0, 2050: 300.0}
    assert same_file(loaded.scenario_path, small_scenario_path)
    assert same_file(loaded.park_path, small_scenario_path.parent / "park.yaml")
    assert loaded.overrides == ()
    # the resolved document carries the park inline, not its path
    assert loaded.document["park"]["name"] == "Small park"


def test_load_any_tells_park_from_scenario(small_scenario_path):
    assert isinstance(load_any(small_scenario_path.parent / "park.yaml"), Park)
    assert isinstance(load_any(small_scenario_path), Loaded)


def test_digest_is_stable_for_the_same_input(small_scenario_path):
    a, b = load(small_scenario_path).digest(), load(small_scenario_path).digest()
    assert a == b
    assert len(a) == 64 and int(a, 16) >= 0  # sha256 hex


def test_digest_ignores_key_order_in_the_files(tmp_path, small_park_dict, small_scenario_dict):
    _, first = write_pair(tmp_path / "a", small_park_dict, small_scenario_dict)
    reordered_park = dict(reversed(list(small_park_dict.items())))
    reordered_scen = dict(reversed(list(small_scenario_dict.items())))
    _, second = write_pair(tmp_path / "b", reordered_park, reordered_scen)
    assert load(first).digest() == load(second).digest()


def test_digest_changes_with_an_override(small_scenario_path):
    plain = load(small_scenario_path).digest()
    set200 = load(small_scenario_path, ["carbon_price_cny_per_tco2.2030=200"]).digest()
    set201 = load(small_scenario_path, ["carbon_price_cny_per_tco2.2030=201"]).digest()
    assert len({plain, set200, set201}) == 3
    assert load(small_scenario_path, ["carbon_price_cny_per_tco2.2030=200"]).digest() == set200
    # an override that sets the value already in the file leaves the input unchanged
    assert load(small_scenario_path, ["carbon_price_cny_per_tco2.2030=150"]).digest() == plain


def test_digest_changes_when_the_park_changes(tmp_path, small_park_dict, small_scenario_dict):
    _, first = write_pair(tmp_path / "a", small_park_dict, small_scenario_dict)
    small_park_dict["grid"]["import_limit_kw"] = 25000
    _, second = write_pair(tmp_path / "b", small_park_dict, small_scenario_dict)
    assert load(first).digest() != load(second).digest()


# --------------------------------------------------------------------------- extends


@pytest.fixture
def family(tmp_path, small_park_dict, small_scenario_dict) -> Path:
    """parent.yaml (park: models/p.yaml) and sub/child.yaml extending it; returns the child."""
    write_yaml(tmp_path / "models" / "p.yaml", small_park_dict)
    parent = dict(small_scenario_dict, park="models/p.yaml", name="parent")
    parent["growth"] = {"default_share_per_yr": 0.02, "intensity_decline_share_per_yr": 0.03}
    write_yaml(tmp_path / "parent.yaml", parent)
    child = {
        "extends": "../parent.yaml",
        "name": "child",
        "growth": {"default_share_per_yr": 0.05},
        "roadmap": [{"id": "gp2", "kind": "green_power", "year": 2028, "share": 0.9}],
    }
    return write_yaml(tmp_path / "sub" / "child.yaml", child)


def test_extends_child_overrides_a_nested_key_and_keeps_the_rest(family):
    sc = load(family).scenario
    assert sc.name == "child"
    assert sc.growth.default_share_per_yr == 0.05  # child's
    assert sc.growth.intensity_decline_share_per_yr == 0.03  # parent's, kept
    assert sc.horizon_years == 3  # parent's, untouched
    assert sc.carbon_price_cny_per_tco2[2030] == 150.0


def test_extends_lists_replace_wholesale(family):
    sc = load(family).scenario
    assert [(i.id, i.kind) for i in sc.roadmap] == [("gp2", "green_power")]


def test_extends_park_path_is_relative_to_the_file_that_declares_it(family, tmp_path):
    # child.yaml lives in sub/ but the park path comes from parent.yaml in tmp_path
    loaded = load(family)
    assert same_file(loaded.park_path, tmp_path / "models" / "p.yaml")
    assert loaded.scenario.park.name == "Small park"


def test_extends_child_park_is_relative_to_the_child(family, tmp_path, small_park_dict):
    small_park_dict["name"] = "Child's park"
    write_yaml(tmp_path / "sub" / "own" / "park.yaml", small_park_dict)
    child = {"extends": "../parent.yaml", "name": "child", "park": "own/park.yaml"}
    path = write_yaml(tmp_path / "sub" / "child2.yaml", child)
    loaded = load(path)
    assert same_file(loaded.park_path, tmp_path / "sub" / "own" / "park.yaml")
    assert loaded.scenario.park.name == "Child's park"


def test_extends_chain_of_three(family, tmp_path):
    grandchild = write_yaml(tmp_path / "gc.yaml", {"extends": "sub/child.yaml", "horizon_years": 4})
    sc = load(grandchild).scenario
    assert (sc.name, sc.horizon_years, sc.growth.default_share_per_yr, sc.growth.intensity_decline_share_per_yr) == (
        "child", 4, 0.05, 0.03,
    )


def test_circular_extends_is_an_input_error_naming_extends(tmp_path):
    write_yaml(tmp_path / "a.yaml", {"extends": "b.yaml", "name": "a"})
    write_yaml(tmp_path / "b.yaml", {"extends": "a.yaml", "name": "b"})
    with pytest.raises(InputError) as excinfo:
        load(tmp_path / "a.yaml")
    (problem,) = problems_of(excinfo)
    assert problem.field == "extends"
    assert "circular" in problem.message
    assert "a.yaml" in problem.message and "b.yaml" in problem.message


def test_self_extends_is_circular(tmp_path):
    path = write_yaml(tmp_path / "me.yaml", {"extends": "me.yaml", "name": "me"})
    with pytest.raises(InputError) as excinfo:
        load(path)
    (problem,) = problems_of(excinfo)
    assert (problem.field, same_file(problem.file, path)) == ("extends", True)
    assert "circular" in problem.message


def test_extends_must_be_a_path(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", {"extends": ["a.yaml"], "name": "s"})
    with pytest.raises(InputError) as excinfo:
        load(path)
    (problem,) = problems_of(excinfo)
    assert problem.field == "extends"
    assert "path" in problem.message


def test_extends_missing_parent_names_the_extends_key_and_the_parent_file(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", {"extends": "gone.yaml", "name": "s"})
    with pytest.raises(InputError) as excinfo:
        load(path)
    (problem,) = problems_of(excinfo)
    assert same_file(problem.file, path) and problem.field == "extends"
    assert "'gone.yaml'" in problem.message and str(tmp_path / "gone.yaml") in problem.message


# --------------------------------------------------------------------------- overrides


def test_override_year_keyed_path_existing_year(small_scenario_path):
    loaded = load(small_scenario_path, ["carbon_price_cny_per_tco2.2030=200"])
    assert loaded.scenario.carbon_price_cny_per_tco2 == {2025: 96.0, 2030: 200.0, 2050: 300.0}
    # the value is parsed as a number, and lands on the int key (no "2030" string key added)
    assert loaded.document["carbon_price_cny_per_tco2"] == {2025: 96, 2030: 200, 2050: 300}
    assert type(loaded.document["carbon_price_cny_per_tco2"][2030]) is int
    assert loaded.overrides == (("carbon_price_cny_per_tco2.2030", 200),)


def test_override_year_keyed_path_new_year(small_scenario_path):
    loaded = load(small_scenario_path, ["carbon_price_cny_per_tco2.2035=250"])
    assert loaded.scenario.carbon_price_cny_per_tco2[2035] == 250.0
    assert loaded.digest() != load(small_scenario_path).digest()


def test_override_list_position(small_scenario_path):
    loaded = load(small_scenario_path, ["roadmap.0.year=2028"])
    assert loaded.scenario.roadmap[0].id == "pv1"
    assert loaded.scenario.roadmap[0].year == 2028
    assert type(loaded.document["roadmap"][0]["year"]) is int
    # others untouched
    assert [i.year for i in loaded.scenario.roadmap[1:]] == [2027, 2027, 2028, 2028]


def test_override_list_item_by_id(small_scenario_path):
    loaded = load(small_scenario_path, ["roadmap.gp.share=0.8"])
    shares = {i.id: getattr(i, "share", None) for i in loaded.scenario.roadmap}
    assert shares == {"pv1": None, "bat1": None, "gp": 0.8, "eb": 0.6, "ev": 1.0}


def test_override_reaches_into_the_park(small_scenario_path):
    loaded = load(small_scenario_path, ["park.grid.import_limit_kw=5"])
    assert loaded.scenario.park.grid.import_limit_kw == 5.0
    # the park file itself still validates with its own value
    assert load_park(small_scenario_path.parent / "park.yaml").grid.import_limit_kw == 20000


def test_override_park_list_item_by_id(small_scenario_path):
    loaded = load(small_scenario_path, ["park.enterprises.elec.energy.electricity_mwh=1234.5"])
    assert loaded.scenario.park.enterprises[1].energy.electricity_mwh == 1234.5
    assert loaded.scenario.park.enterprises[0].energy.electricity_mwh == 40000


def test_override_creates_missing_mappings(small_scenario_path):
    loaded = load(small_scenario_path, ["growth.by_sector_share_per_yr.chemicals=0.05"])
    assert loaded.scenario.growth.by_sector_share_per_yr == {"chemicals": 0.05}
    assert loaded.scenario.growth.default_share_per_yr == 0.03  # default kept


def test_several_overrides_apply_in_order_and_are_recorded(small_scenario_path):
    loaded = load(small_scenario_path, ["roadmap.gp.share=0.7", "roadmap.2.share=0.9", "name=renamed"])
    assert loaded.scenario.roadmap[2].share == 0.9
    assert loaded.scenario.name == "renamed"
    assert loaded.overrides == (("roadmap.gp.share", 0.7), ("roadmap.2.share", 0.9), ("name", "renamed"))


def test_override_pairs_are_accepted_as_well_as_strings(small_scenario_path):
    as_pair = load(small_scenario_path, [("roadmap.gp.share", 0.8)])
    as_text = load(small_scenario_path, ["roadmap.gp.share=0.8"])
    assert as_pair.digest() == as_text.digest()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a.b=200", ("a.b", 200)),
        ("a=0.5", ("a", 0.5)),
        ("a=true", ("a", True)),
        ("a=[1, 2]", ("a", [1, 2])),
        ("a=hello world", ("a", "hello world")),
        ("a=x=y", ("a", "x=y")),
        (" a =", ("a", "")),
    ],
)
def test_parse_override_reads_the_value_as_yaml(text, expected):
    assert parse_override(text) == expected


@pytest.mark.parametrize("text", ["no_equals", "=5"])
def test_parse_override_needs_path_and_value(text):
    with pytest.raises(InputError) as excinfo:
        parse_override(text)
    (problem,) = problems_of(excinfo)
    assert (problem.file, problem.field, problem.message) == ("--set", text, "expected path=value")


def test_override_unknown_list_id_names_the_path(small_scenario_path):
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["roadmap.nope.share=0.8"])
    (problem,) = problems_of(excinfo)
    assert problem.file == "--set"
    assert problem.field == "roadmap.nope"
    assert "'nope'" in problem.message


def test_override_list_position_out_of_range(small_scenario_path):
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["roadmap.9.year=2027"])
    (problem,) = problems_of(excinfo)
    assert (problem.file, problem.field) == ("--set", "roadmap.9")


def test_override_cannot_descend_into_a_scalar(small_scenario_path):
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["name.first=x"])
    (problem,) = problems_of(excinfo)
    assert (problem.file, problem.field) == ("--set", "name.first")
    assert "str" in problem.message


def test_override_that_fails_validation_names_the_park_field(small_scenario_path):
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["park.grid.import_limit_kw=-5"])
    (problem,) = problems_of(excinfo)
    assert same_file(problem.file, small_scenario_path.parent / "park.yaml")
    assert problem.field == "grid.import_limit_kw"
    assert "greater than 0" in problem.message and "-5" in problem.message


def test_override_that_fails_validation_names_the_scenario_field(small_scenario_path):
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["horizon_years=0"])
    (problem,) = problems_of(excinfo)
    assert same_file(problem.file, small_scenario_path)
    assert problem.field == "horizon_years"
    assert "greater than or equal to 1" in problem.message and "0" in problem.message


def test_override_unknown_key_is_rejected(small_scenario_path):
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["growth.colour=3"])
    (problem,) = problems_of(excinfo)
    assert problem.field == "growth.colour"
    assert "Extra inputs are not permitted" in problem.message


def test_roadmap_item_error_field_is_the_path_in_the_file(small_scenario_path):
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["roadmap.gp.share=1.5"])
    (problem,) = problems_of(excinfo)
    assert problem.field == "roadmap.2.share"


def test_roadmap_item_error_names_item_and_field(small_scenario_path):
    # whatever the exact path form, the item position and the field are both named
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["roadmap.gp.share=1.5"])
    (problem,) = problems_of(excinfo)
    assert problem.field.startswith("roadmap.2.") and problem.field.endswith(".share")
    assert "less than or equal to 1" in problem.message and "1.5" in problem.message


# --------------------------------------------------------------------------- bad input


def test_park_schema_problems_are_listed_together(tmp_path, small_park_dict):
    small_park_dict["enterprises"][0]["energy"]["coal_t"] = -5
    small_park_dict["grid"]["tariff"]["flat_hours"] = [11, 12, 13, 14, 15, 16]  # drops 22, 23
    small_park_dict["location"]["colour"] = "blue"
    small_park_dict["buildings"][0]["kind"] = "castle"
    path = write_yaml(tmp_path / "park.yaml", small_park_dict)
    with pytest.raises(InputError) as excinfo:
        load_park(path)
    problems = problems_of(excinfo)
    assert len(problems) == 4
    assert all(same_file(p.file, path) for p in problems)

    energy = find(problems, "enterprises.0.energy.coal_t")
    assert "greater than or equal to 0" in energy.message and "-5" in energy.message
    tariff = find(problems, "grid.tariff")
    assert "missing [22, 23]" in tariff.message and "0..23" in tariff.message
    extra = find(problems, "location.colour")
    assert "Extra inputs are not permitted" in extra.message and "'blue'" in extra.message
    kind = find(problems, "buildings.0.kind")
    assert "'office'" in kind.message and "'castle'" in kind.message

    text = str(excinfo.value)
    assert text.startswith("4 problems in the input:")
    assert f"{problems[0].file}: enterprises.0.energy.coal_t: " in text


def test_unknown_sector_names_the_known_ones(tmp_path, small_park_dict):
    small_park_dict["enterprises"][1]["sector"] = "unicorns"
    problem, path = the_park_problem(tmp_path, small_park_dict)
    assert same_file(problem.file, path)
    assert problem.field == "enterprises.1.sector"
    assert "unknown sector 'unicorns'" in problem.message
    assert "expected one of" in problem.message and "'chemicals'" in problem.message


def test_unknown_grid_region(tmp_path, small_park_dict):
    small_park_dict["location"]["grid_region"] = "atlantis"
    problem, path = the_park_problem(tmp_path, small_park_dict)
    assert problem.field == "location.grid_region"
    assert "'atlantis'" in problem.message and "'east_china'" in problem.message


def test_duplicate_enterprise_ids(tmp_path, small_park_dict):
    small_park_dict["enterprises"][1]["id"] = "chem"
    problem, path = the_park_problem(tmp_path, small_park_dict)
    assert same_file(problem.file, path)
    assert problem.field == "enterprises.1.id"
    assert "unique" in problem.message and "'chem'" in problem.message and "enterprises.0" in problem.message


def test_tariff_hours_listed_twice_are_named(tmp_path, small_park_dict):
    small_park_dict["grid"]["tariff"]["valley_hours"] = [0, 1, 2, 3, 4, 5, 6, 7, 8]  # 8 is also peak
    problem, path = the_park_problem(tmp_path, small_park_dict)
    assert problem.field == "grid.tariff"
    assert "missing []" in problem.message and "listed twice [8]" in problem.message


def test_fleet_owner_must_exist(tmp_path, small_park_dict):
    small_park_dict["fleets"][0]["owner"] = "ghost"
    problem, path = the_park_problem(tmp_path, small_park_dict)
    assert problem.field == "fleets.0.owner"
    assert "'ghost'" in problem.message and "'operator'" in problem.message


def test_park_needs_at_least_one_enterprise(tmp_path, small_park_dict):
    del small_park_dict["enterprises"]
    del small_park_dict["fleets"]
    path = write_yaml(tmp_path / "park.yaml", small_park_dict)
    with pytest.raises(InputError) as excinfo:
        load_park(path)
    problem = find(problems_of(excinfo), "enterprises")
    assert problem.message == "Field required"


def test_all_park_problems_are_listed_together(tmp_path, small_park_dict):
    ents = small_park_dict["enterprises"]
    ents[0]["energy"]["coal_t"] = -5
    ents[1]["sector"] = "unicorns"
    ents[1]["id"] = "chem"
    small_park_dict["grid"]["tariff"]["flat_hours"] = [11, 12, 13, 14, 15, 16]
    small_park_dict["location"]["colour"] = "blue"
    path = write_yaml(tmp_path / "park.yaml", small_park_dict)
    with pytest.raises(InputError) as excinfo:
        load_park(path)
    problems = problems_of(excinfo)
    fields = {p.field for p in problems}
    assert {"enterprises.0.energy.coal_t", "enterprises.1.sector", "enterprises.1.id", "grid.tariff", "location.colour"} <= fields


def test_scenario_schema_problems_are_listed_together(tmp_path, small_park_dict, small_scenario_dict):
    small_scenario_dict["ems"] = {"battery": {"soc_min_share": 0.9, "soc_max_share": 0.2}}
    small_scenario_dict["colour"] = 1
    small_scenario_dict["offsets"] = {"max_share_of_gross": 2}
    _, path = write_pair(tmp_path, small_park_dict, small_scenario_dict)
    with pytest.raises(InputError) as excinfo:
        load(path)
    problems = problems_of(excinfo)
    assert len(problems) == 3
    assert all(same_file(p.file, path) for p in problems)
    assert "soc_min_share must be below soc_max_share" in find(problems, "ems.battery").message
    assert "Extra inputs are not permitted" in find(problems, "colour").message
    assert "less than or equal to 1" in find(problems, "offsets.max_share_of_gross").message


def test_roadmap_references_and_years_are_checked_together(tmp_path, small_park_dict, small_scenario_dict):
    roadmap = small_scenario_dict["roadmap"]
    roadmap[3]["enterprises"] = ["chem", "ghost"]
    roadmap[4]["fleets"] = ["vans"]
    roadmap[2]["year"] = 2040
    roadmap[0]["year"] = 2025  # decisions start the year after the base year
    roadmap[1]["id"] = "pv1"
    _, path = write_pair(tmp_path, small_park_dict, small_scenario_dict)
    with pytest.raises(InputError) as excinfo:
        load(path)
    problems = problems_of(excinfo)
    assert all(same_file(p.file, path) for p in problems)
    assert len(problems) == 5
    assert "no enterprise with id 'ghost'" in find(problems, "roadmap.3.enterprises").message
    assert "no fleet with id 'vans'" in find(problems, "roadmap.4.fleets").message
    assert find(problems, "roadmap.2.year").message == "expected a year from 2026 to 2028 (got 2040)"
    assert find(problems, "roadmap.0.year").message == "expected a year from 2026 to 2028 (got 2025)"
    assert "'pv1' is already used by roadmap.0" in find(problems, "roadmap.1.id").message


def test_roadmap_year_limit_follows_the_horizon(small_scenario_path):
    # the same roadmap year is fine with a longer horizon
    assert load(small_scenario_path, ["horizon_years=20", "roadmap.gp.year=2040"]).scenario.roadmap[2].year == 2040
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["roadmap.gp.year=2040"])
    assert find(problems_of(excinfo), "roadmap.2.year")


def test_other_scenario_cross_checks(tmp_path, small_park_dict, small_scenario_dict):
    small_scenario_dict["growth"] = {"by_sector_share_per_yr": {"unicorns": 0.1}}
    small_scenario_dict["grid_factor"] = {"series": "mars"}
    small_scenario_dict["outputs"] = {"hourly_years": [2025, 2030]}
    small_scenario_dict["review_targets"] = {2035: {"net_emissions_max_tco2": 0}}
    _, path = write_pair(tmp_path, small_park_dict, small_scenario_dict)
    with pytest.raises(InputError) as excinfo:
        load(path)
    problems = problems_of(excinfo)
    assert len(problems) == 4
    assert find(problems, "growth.by_sector_share_per_yr.unicorns").message.startswith("unknown sector; expected one of")
    assert "expected one of" in find(problems, "grid_factor.series").message
    assert "year 2030 is outside 2025..2028" in find(problems, "outputs.hourly_years").message
    assert "expected a year from 2026 to 2028" in find(problems, "review_targets.2035").message


def test_all_scenario_problems_are_listed_together(tmp_path, small_park_dict, small_scenario_dict):
    small_scenario_dict["ems"] = {"battery": {"soc_min_share": 0.9, "soc_max_share": 0.2}}
    small_scenario_dict["roadmap"][3]["enterprises"] = ["ghost"]
    small_scenario_dict["roadmap"][2]["year"] = 2040
    _, path = write_pair(tmp_path, small_park_dict, small_scenario_dict)
    with pytest.raises(InputError) as excinfo:
        load(path)
    fields = {p.field for p in problems_of(excinfo)}
    assert {"ems.battery", "roadmap.3.enterprises", "roadmap.2.year"} <= fields


def test_unknown_roadmap_kind_lists_the_known_ones(small_scenario_path):
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ["roadmap.pv1.kind=wind_farm"])
    problem = find(problems_of(excinfo), "roadmap.0")
    assert "'wind_farm'" in problem.message and "'rooftop_pv'" in problem.message and "'battery'" in problem.message


def test_errors_are_attributed_to_park_and_scenario_files(tmp_path, small_park_dict, small_scenario_dict):
    small_park_dict["enterprises"][0]["energy"]["coal_t"] = -1
    small_park_dict["green_space"]["area_ha"] = -2
    small_scenario_dict["horizon_years"] = 0
    park_path, scen_path = write_pair(tmp_path, small_park_dict, small_scenario_dict)
    with pytest.raises(InputError) as excinfo:
        load(scen_path)
    problems = problems_of(excinfo)
    assert len(problems) == 3
    # park fields are given relative to the park file (no "park." prefix)
    assert same_file(find(problems, "enterprises.0.energy.coal_t").file, park_path)
    assert same_file(find(problems, "green_space.area_ha").file, park_path)
    assert same_file(find(problems, "horizon_years").file, scen_path)


def test_park_cross_problems_inside_a_scenario_are_attributed_to_the_park(tmp_path, small_park_dict, small_scenario_dict):
    small_park_dict["enterprises"][0]["sector"] = "unicorns"
    small_scenario_dict["roadmap"][0]["year"] = 2099
    park_path, scen_path = write_pair(tmp_path, small_park_dict, small_scenario_dict)
    with pytest.raises(InputError) as excinfo:
        load(scen_path)
    problems = problems_of(excinfo)
    assert len(problems) == 2
    assert same_file(find(problems, "enterprises.0.sector").file, park_path)
    assert same_file(find(problems, "roadmap.0.year").file, scen_path)


def test_invalid_yaml_reports_the_line(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text("name: x\npark: park.yaml\n  oops: 1\nhorizon_years: 3\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        load(path)
    (problem,) = problems_of(excinfo)
    assert same_file(problem.file, path)
    assert problem.field.startswith("line 3, column ")
    assert problem.message.startswith("not valid YAML: ")


def test_invalid_yaml_in_the_park_names_the_park_file(tmp_path, small_scenario_dict):
    write_yaml(tmp_path / "scenario.yaml", small_scenario_dict)
    (tmp_path / "park.yaml").write_text("name: p\nenterprises: [\n  {id: a\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        load(tmp_path / "scenario.yaml")
    (problem,) = problems_of(excinfo)
    assert same_file(problem.file, tmp_path / "park.yaml")
    assert problem.field.startswith("line ")
    assert "not valid YAML" in problem.message


@pytest.mark.parametrize("text", ["- 1\n- 2\n", "", "just a string\n"])
def test_top_level_must_be_a_mapping(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        load(path)
    (problem,) = problems_of(excinfo)
    assert problem.message == "expected a mapping of keys at the top level"


def test_missing_scenario_file(tmp_path):
    with pytest.raises(InputError) as excinfo:
        load(tmp_path / "nope.yaml")
    (problem,) = problems_of(excinfo)
    assert same_file(problem.file, tmp_path / "nope.yaml")
    assert problem.message == "file not found"


def test_missing_park_file_is_named(tmp_path, small_scenario_dict):
    small_scenario_dict["park"] = "models/missing.yaml"
    path = write_yaml(tmp_path / "scenario.yaml", small_scenario_dict)
    with pytest.raises(InputError) as excinfo:
        load(path)
    (problem,) = problems_of(excinfo)
    assert same_file(problem.file, tmp_path / "models" / "missing.yaml")
    assert problem.message == "file not found"


def test_missing_park_key(tmp_path, small_scenario_dict):
    del small_scenario_dict["park"]
    path = write_yaml(tmp_path / "scenario.yaml", small_scenario_dict)
    with pytest.raises(InputError) as excinfo:
        load(path)
    (problem,) = problems_of(excinfo)
    assert (same_file(problem.file, path), problem.field) == (True, "park")
    assert "path of a park file" in problem.message


def test_input_error_text_lists_every_problem():
    err = InputError([Problem("a.yaml", "x.y", "bad"), Problem("b.yaml", "", "file not found")])
    assert str(err) == "2 problems in the input:\n  - a.yaml: x.y: bad\n  - b.yaml: file not found"
    assert InputError([Problem("a.yaml", "f", "m")]).describe().startswith("1 problem in the input:")


# --------------------------------------------------------------------------- JSON Schemas


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _refs(schema: dict) -> list[str]:
    refs = [v for k, v in _walk(schema) if k == "$ref"]
    refs += [target for k, v in _walk(schema) if k == "discriminator" for target in v.get("mapping", {}).values()]
    return refs


@pytest.mark.parametrize("make", [park_schema, scenario_schema], ids=["park", "scenario"])
def test_schema_is_structurally_valid_2020_12(make):
    schema = make()
    json.loads(json.dumps(schema))  # plain JSON
    assert schema["type"] == "object"
    assert isinstance(schema["properties"], dict) and schema["properties"]
    assert "definitions" not in schema  # 2020-12 uses $defs
    assert set(schema.get("required", [])) <= set(schema["properties"])
    assert schema["additionalProperties"] is False  # extra="forbid"
    defs = schema["$defs"]
    refs = _refs(schema)
    assert refs, "expected the nested models to be referenced"
    for ref in refs:
        assert ref.startswith("#/$defs/"), ref
        assert ref.removeprefix("#/$defs/") in defs, f"dangling {ref}"
    for name, sub in defs.items():
        if sub.get("type") == "object" and "properties" in sub:
            assert set(sub.get("required", [])) <= set(sub["properties"]), name


def test_scenario_schema_describes_the_file_not_the_model():
    schema = scenario_schema()
    props = schema["properties"]
    assert props["park"]["type"] == "string"
    assert "$ref" not in props["park"]
    assert props["extends"]["type"] == "string"
    assert "park" not in schema["required"]  # it may come from the parent via extends
    assert "Park" not in schema["$defs"]
    assert set(Scenario.model_fields) | {"extends"} == set(props)
    assert schema["title"] == "parktwin scenario file"


def test_park_schema_covers_the_park_model():
    schema = park_schema()
    assert set(schema["properties"]) == set(Park.model_fields)
    assert {"name", "location", "grid", "enterprises"} <= set(schema["required"])
    assert schema["title"] == "parktwin park file"
    assert schema["$defs"]["Location"]["additionalProperties"] is False


def test_committed_schemas_and_input_reference_are_current(tmp_path):
    """docs/schema is generated by `parktwin schema docs/schema`; regenerate after changing the models."""
    from pathlib import Path

    from parktwin.spec.schema import write_schemas

    committed = Path(__file__).resolve().parents[1] / "docs" / "schema"
    for fresh in write_schemas(tmp_path):
        assert (committed / fresh.name).read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), fresh.name


def test_a_measure_before_its_technology_is_available_is_refused(small_scenario_path):
    # data/technologies.csv: CCUS capture available from 2030 (after pilot projects)
    with pytest.raises(InputError) as excinfo:
        load(small_scenario_path, ['roadmap.0={"kind": "ccus", "year": 2027}'])
    (problem,) = problems_of(excinfo)
    assert problem.field == "roadmap.0.year"
    assert "ccus_capture, available from 2030 (got 2027)" in problem.message

"""Fuzz: seeded mutations of the shipped files through `parktwin check`, and a sample of the
accepted ones run (tests/fuzzing.py says what a mutation is and what must hold; the benchmark
benchmarks/fuzz_check.py runs thousands)."""

from __future__ import annotations

import pytest
from fuzzing import check_one, fuzz, mutations, run_problems

N_CHECKED = 240
N_RUN = 4


@pytest.fixture(scope="module")
def counts():
    return fuzz(seed=14, n=N_CHECKED, runs=N_RUN)


def test_every_mutation_exits_0_or_2_without_a_traceback_and_a_refusal_names_the_key(counts):
    findings = [(o.mutation.argument(), o.code, o.message[-300:], o.traceback[-600:]) for o in counts.failures]
    assert not findings
    assert counts.tracebacks == 0 and counts.unnamed == 0
    assert counts.accepted + counts.refused == N_CHECKED
    assert counts.accepted > 0 and counts.refused > 0  # the mutator reaches both sides


def test_accepted_mutations_run_to_the_end_without_infinity_or_undocumented_nan(counts):
    assert counts.runs == N_RUN
    assert not counts.run_failures
    assert counts.runs_completed == N_RUN


def test_the_mutator_is_seeded():
    assert [m.argument() for m in mutations(3, 20)] == [m.argument() for m in mutations(3, 20)]


@pytest.mark.parametrize("argument, key", [
    ("growth.by_sector_share_per_yr.chemicals=1e999", "growth.by_sector_share_per_yr.chemicals"),  # the string overflows
    ("growth.by_sector_share_per_yr.chemicals=1.0e999", "growth.by_sector_share_per_yr.chemicals"),  # YAML's float: inf
    ("park.grid.tariff.price_cny_per_kwh.critical=1e300", "grid.tariff.price_cny_per_kwh"),
    ("outputs.hourly_years=[1990.0, 2030]", "outputs.hourly_years"),
    ("offsets.start_year=true", "offsets.start_year"),
])
def test_the_issues_cases_are_refused_naming_the_field(argument, key):
    from fuzzing import Mutation

    path, _, raw = argument.partition("=")
    import yaml

    outcome = check_one(Mutation("scenarios/bau.yaml", path, key, yaml.safe_load(raw) if raw != "1e999" else "1e999", "case"))
    assert outcome.code == 2, outcome.message
    assert key in outcome.message


def test_a_run_of_an_unmutated_archetype_has_nan_only_in_not_assessed_columns():
    from fuzzing import Mutation

    # logistics_like lists no candidate exchanges: new_eco_chain_projects is NaN, documented as not assessed
    assert run_problems(Mutation("scenarios/logistics_like_bau.yaml", "growth.default_share_per_yr", "", 0.03, "none")) == []

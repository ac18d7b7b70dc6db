"""Reference results: each shipped scenario's headline figures at seed 0 (net emissions and the
core indicator in the phase years, the first year of each stage, of net ≤ 0 and of the core
indicator met, system and private NPV) against tests/reference/headline.csv, within the
tolerances stored beside them; and the figures docs/ quote are the fixture's.

A change that moves a figure fails here. If the move is intended, refresh on purpose with
``python benchmarks/refresh_reference.py`` and say in the commit why the numbers moved (the
script prints old → new). The optimal-EMS scenario is marked slow (``pytest -m slow``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reference_results import FIXTURE, figures_of, quotes, read_fixture, rendered, within
from shipped_runs import shipped_run

from parktwin.results.milestones import headline

ROOT = Path(__file__).resolve().parents[1]
SLOW = ("net_zero_2050_optimal_ems",)  # 25 HiGHS years, ~25 s on an idle machine
SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def test_every_shipped_scenario_has_reference_results():
    assert sorted(set(read_fixture()["scenario"])) == SCENARIOS


@pytest.mark.parametrize("scenario", [pytest.param(s, marks=pytest.mark.slow) if s in SLOW else s for s in SCENARIOS])
def test_headline_figures_match_the_reference(scenario):
    fixture = read_fixture()
    rows = fixture[fixture["scenario"] == scenario]
    got = headline(shipped_run(scenario))
    assert set(got) == set(rows["figure"]), "the headline figures changed: refresh the reference on purpose"
    off = [f"{r.figure}: {got[r.figure]!r}, reference {r.value!r} (±{r.abs_tol} + {r.rel_tol} × |ref|)"
           for r in rows.itertuples() if not within(got[r.figure], float(r.value), float(r.abs_tol), float(r.rel_tol))]
    assert not off, f"{scenario} moved (python benchmarks/refresh_reference.py, and say why in the commit):\n" + "\n".join(off)


def test_docs_quote_the_reference_figures():
    """Each figure docs/ quotes (tests/reference/doc_quotes.csv) is the fixture's, as rendered."""
    fixture = read_fixture()
    missing = []
    for q in quotes().itertuples():
        text = rendered(q.template, figures_of(fixture, q.scenario))
        if text not in (ROOT / q.doc).read_text(encoding="utf-8"):
            missing.append(f"{q.doc}: {text!r}")
    assert not missing, "docs quote other figures than the reference results:\n" + "\n".join(missing)


def test_the_fixture_is_where_the_tests_read_it():
    assert FIXTURE == ROOT / "tests" / "reference" / "headline.csv"

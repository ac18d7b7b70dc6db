"""The scenario comparison (experiments.compare milestones, viz.compare page, ``parktwin compare``).

Two small pathways on the tiny park (tests/builders.py): ``tiny`` (rooftop PV and a battery) and
``tiny_offset`` (the same, all grid electricity green from 2026 and offsets up to all of gross
emissions from 2028, so its net emissions are zero from 2028). Expected years and counts are
read off the runs' own tables in each test.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import parktwin
from builders import SCENARIO_YAML, write_tiny_scenario
from parktwin.cli import main
from parktwin.experiments.compare import compare_runs, milestones, run_label
from parktwin.viz.compare import labelled, milestone_rows, registered, render_comparison
from parktwin.viz.summary import display

OFFSET_YAML = SCENARIO_YAML.replace("name: tiny\n", "name: tiny_offset\n") + (
    "  - {id: gp, kind: green_power, year: 2026, share: 1.0}\n"
    "offsets: {start_year: 2028, max_share_of_gross: 1.0}\n"
    "review_targets:\n"
    "  2028: {net_emissions_max_tco2: 0.0}\n"
    "  2030: {core_indicator_max_tco2_per_tce: 0.2, clean_energy_min_share: 0.9}\n"
)


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cmp")
    tiny = write_tiny_scenario(folder)
    offset = folder / "offset.yaml"
    offset.write_text(OFFSET_YAML, encoding="utf-8")
    return tiny, offset


@pytest.fixture(scope="module")
def runs(paths):
    return [parktwin.run(p, seed=0) for p in paths]


def first_year(years, mask) -> float:
    mask = np.asarray(mask, bool)
    return float(np.asarray(years)[np.argmax(mask)]) if mask.any() else math.nan


def test_milestones_are_the_tables_first_years(runs):
    for res in runs:
        m = milestones(res)
        a, st = res.annual, res.stage_table()
        assert m["first year net ≤ 0"] == pytest.approx(first_year(a["year"], a["net_tco2"] <= 0), nan_ok=True)
        assert m["first year core met"] == pytest.approx(first_year(a["year"], a["core_met"]), nan_ok=True)
        assert m["first year zero_carbon"] == pytest.approx(first_year(st["year"], st["stage_reached"] == "zero_carbon"), nan_ok=True)
        assert m["first year green"] == pytest.approx(first_year(st["year"], st["stage_reached"] != "none"), nan_ok=True)
        assert m["capex_cny"] == pytest.approx(a["capex_cny"].sum())
        assert m["phase targets"] == len(res.reviews.drop_duplicates(["year", "indicator"]))  # a check each
    tiny, offset = (milestones(r) for r in runs)
    # tiny never gets to net zero; offsets up to all of gross emissions from 2028 put tiny_offset there in 2028
    assert math.isnan(tiny["first year net ≤ 0"]) and offset["first year net ≤ 0"] == 2028
    assert tiny["phase targets"] == 0 and offset["phase targets"] == 3
    # the 2028 net target is met (offsets) and the 2030 core target is not (coal and gas remain):
    r = runs[1].reviews.set_index(["year", "indicator"])["met"]
    assert bool(r[(2028, "net_tco2")]) and not bool(r[(2030, "core_indicator_tco2_per_tce")])
    assert offset["phase targets met"] == int(runs[1].reviews["met"].sum())


def test_compare_table_and_labels(runs):
    table = compare_runs(runs)
    assert list(table.columns) == ["tiny", "tiny_offset"]
    assert table.loc["net_tco2 2031", "tiny"] == pytest.approx(runs[0].annual["net_tco2"].iloc[-1])
    assert table.loc["first year net ≤ 0", "tiny_offset"] == 2028
    # the same scenario twice: the second column is told apart by its seed
    twice = compare_runs([runs[0], runs[0]])
    assert list(twice.columns) == ["tiny", "tiny (seed 0)"]
    assert run_label(runs[0], {"tiny", "tiny (seed 0)"}) == "tiny #2"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_shows_every_pathway(runs, lang):
    page = render_comparison(runs, lang)
    shown = [spec for spec in registered() if spec.build(labelled(runs), lang) is not None]  # CBAM only with EU exports
    assert [spec.key for spec in registered() if spec not in shown] == ["cbam"]
    assert page.count("<script") == 1 + len(shown)  # plotly.js once, one script per figure
    assert "cdn" not in page.lower().split("<script", 2)[1][:200]  # plotly.js embedded, not fetched
    for spec in shown:
        assert f'id="fig-{spec.key}"' in page
    rows = milestone_rows([("tiny", runs[0]), ("tiny_offset", runs[1])], lang)
    never = "not reached" if lang == "en" else "未达到"
    # columns: name, green, eco-industrial, zero-carbon, net zero, core met, phase targets, net last year, NPV, capex
    assert rows[0][4] == never and rows[1][4] == "2028"
    assert rows[1][6] == f"{int(runs[1].reviews['met'].sum())} / 3"
    for row in rows:
        assert "".join(f"<td>{c}</td>" for c in row) in page
    # each pathway's written summary is on the page
    assert page.count('<details class="summary">') == 2


def test_cost_bars_give_the_system_and_the_private_view(runs):
    from parktwin.viz.compare import npv_figure

    for lang, scale in (("en", 1e-9), ("zh", 1e-8)):  # bn CNY; 亿元
        system, private = npv_figure([("tiny", runs[0]), ("tiny_offset", runs[1])], lang).data
        # the system cost at the social discount rate; the private one: Σ of each party's discounted cash flows
        np.testing.assert_allclose(system.y, [r.pathway_cost_npv_cny() * scale for r in runs], rtol=1e-12)
        np.testing.assert_allclose(private.y, [r.cashflows["pv_cny"].sum() * scale for r in runs], rtol=1e-12)
        assert list(private.text) == [display(r.private_npv_cny(), "cny", lang) for r in runs]


def test_compare_command_writes_the_page_from_a_run_folder_and_a_file(paths, runs, tmp_path, capsys):
    folder = parktwin.save(runs[0], tmp_path / "runs", report=False)
    page = tmp_path / "compare.html"
    assert main(["compare", str(folder), str(paths[1]), "--html", str(page), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "comparison page" in out and re.search(r"first year net ≤ 0\s+never\s+2028", out)
    text = page.read_text(encoding="utf-8")
    assert "转型路径比较" in text and "tiny_offset" in text
    assert main(["compare", str(tmp_path), str(paths[0])]) == 2
    assert "neither a run folder" in capsys.readouterr().err


# --------------------------------------------------------------------------- Monte Carlo batches side by side

BATCH_UNCERTAINTY = {
    "growth": {"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0.0, "high": 0.06},
    "green": {"path": "roadmap.gp.share", "dist": "uniform", "low": 0.2, "high": 0.8},
}


def make_batches(folder, n: int = 12):
    """Two small batches on the small park (tests/conftest.py), 2025–2028, serially: ``plan_a`` and
    ``plan_b`` (the same with offsets of up to half of gross emissions from 2026)."""
    import copy

    from conftest import SMALL_PARK, SMALL_SCENARIO, write_yaml

    from parktwin.experiments import run_batch

    write_yaml(folder / "park.yaml", SMALL_PARK)
    batches = []
    for name, extra in (("plan_a", {}), ("plan_b", {"offsets": {"start_year": 2026, "max_share_of_gross": 0.5}})):
        scenario = copy.deepcopy(SMALL_SCENARIO)
        scenario.update(name=name, uncertainty=copy.deepcopy(BATCH_UNCERTAINTY), **extra)
        path = write_yaml(folder / f"{name}.yaml", scenario)
        batches.append(run_batch(path, n=n, seed=3, executor="serial", out=folder / "runs", report=False))
    return batches


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    return make_batches(tmp_path_factory.mktemp("mc_cmp"))


def test_batch_figures_are_the_batch_summaries(batches):
    from parktwin.viz.batch_compare import WORDS, cost_boxes, fan_net, p_core, p_net_zero

    pathways = [(b.info["scenario_name"], b, b.summary()) for b in batches]
    for lang, scale in (("en", 1e-9), ("zh", 1e-8)):  # bn CNY; 亿元
        fan = fan_net(pathways, lang)
        assert len(fan.data) == 2 * len(batches)  # a band and a median per pathway
        for i, (label, _, s) in enumerate(pathways):
            q = s.quantiles[s.quantiles["indicator"] == "net_tco2"].sort_values("year")
            band, median = fan.data[2 * i], fan.data[2 * i + 1]
            # the band runs along P90 and back along P10 (viz.batch.fan_figure), the median is P50
            np.testing.assert_allclose(band.y, np.r_[q["p90"], q["p10"][::-1]])
            np.testing.assert_allclose(median.y, q["p50"])
            assert label in median.name
        for build, target in ((p_net_zero, "net_zero"), (p_core, "core_met")):
            fig = build(pathways, lang)
            for trace, (label, _, s) in zip(fig.data, pathways):
                p = s.probabilities[s.probabilities["target"] == target].sort_values("year")
                assert trace.name == label
                np.testing.assert_allclose(trace.y, p["p_in_year"])
        boxes = cost_boxes(pathways, lang)
        views = {tr.xaxis for tr in boxes.data}
        assert views == {"x", "x2"}  # the system and the private view
        for trace in boxes.data:
            s = next(s for label, _, s in pathways if label == trace.name)
            column = "pathway_cost_cny" if trace.xaxis == "x" else "private_cost_cny"
            np.testing.assert_allclose(trace.y, s.outputs[column] * scale)
        assert WORDS[lang]["cost_axis"] in boxes.layout.yaxis.title.text
    # offsets of up to half of gross emissions lower plan_b's net emissions in every replicate's last year
    a, b = (s.outputs["net_tco2_2028"] for _, _, s in pathways)
    assert (b.to_numpy() < a.to_numpy()).all()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_batch_page_shows_every_pathway(batches, lang):
    from parktwin.viz.batch_compare import glance_rows, render_batch_comparison
    from parktwin.viz.batch_compare import registered as batch_registered

    page = render_batch_comparison(batches, lang)
    assert page.count("<script") == 1 + len(batch_registered())
    for spec in batch_registered():
        assert f'id="fig-{spec.key}"' in page
    pathways = [(b.info["scenario_name"], b, b.summary()) for b in batches]
    header, rows = glance_rows(pathways, lang)
    assert [r[0] for r in rows] == ["plan_a", "plan_b"]
    for (_, _, s), row in zip(pathways, rows):
        h = s.headline
        # P(net zero) in the last year as a whole percent; costs as P50 [P10 – P90] (viz.summary.display)
        assert row[1] == display(h["p_net_zero"], "pct", lang)
        assert row[4].startswith(display(h["pathway_cost_cny"]["p50"], "cny", lang) + " [")
        assert row[5].startswith(display(h["private_cost_cny"]["p50"], "cny", lang) + " [")
        assert "".join(f"<td>{c}</td>" for c in row) in page


def test_compare_command_writes_the_batch_page(batches, tmp_path, capsys):
    import pandas as pd

    page, csv = tmp_path / "mc.html", tmp_path / "mc.csv"
    assert main(["compare", str(batches[0].path), str(batches[1].path), "--html", str(page), "--out", str(csv)]) == 0
    assert "comparison page" in capsys.readouterr().out
    assert "Pathways compared under uncertainty" in page.read_text(encoding="utf-8")
    table = pd.read_csv(csv, index_col=0)
    assert list(table.columns) == ["plan_a", "plan_b"]
    s = batches[1].summary()
    assert table.loc["private_cost_cny P50", "plan_b"] == pytest.approx(s.outputs["private_cost_cny"].quantile(0.5))
    assert table.loc["P(net_zero) 2028", "plan_a"] == pytest.approx(batches[0].summary().headline["p_net_zero"])
    # the same batches by their scenario files and -n (stored already: resumed, nothing rerun), page in Chinese
    files = [str(b.info["scenario_file"]) for b in batches]
    page_zh = tmp_path / "mc_zh.html"
    assert main(["compare", *files, "-n", str(batches[0].info["n"]), "--seed", str(batches[0].info["batch_seed"]),
                 "--executor", "serial", "--runs", str(batches[0].path.parent), "--html", str(page_zh), "--lang", "zh"]) == 0
    assert "不确定性下的转型路径比较" in page_zh.read_text(encoding="utf-8")
    assert "P(net_zero) 2028" in capsys.readouterr().out
    # a batch folder beside a scenario file: a clear refusal, exit 2
    assert main(["compare", str(batches[0].path), str(batches[1].info["scenario_file"])]) == 2
    assert "batch folders are compared only with other batch folders" in capsys.readouterr().err

"""The written summary of the run report (parktwin.viz.summary): every number on the page is the
tables' number, rounded for people; English and Chinese carry the same numbers.

Expected values are recomputed here from the run's tables (annual, reviews, investments, the stage
table, the LMDI waterfall) — not read from the summary's own ``Facts``.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import parktwin
from builders import write_tiny_scenario
from parktwin.accounting.stages import STAGES
from parktwin.viz.figures import investment_group
from parktwin.viz.flows import waterfall_steps
from parktwin.viz.report import render_report
from parktwin.viz.summary import display, round_sig, summary_paragraphs

SPAN = re.compile(r'<span class="num" data-key="([^"]+)" data-kind="([^"]+)" data-value="([^"]+)">([^<]*)</span>')


@pytest.fixture(scope="module")
def net_zero():
    """The demo park's net-zero roadmap: reaches net zero, has phase targets and one missed."""
    return parktwin.run(parktwin.load("scenarios/net_zero_2050.yaml"), seed=0)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """PV and a battery only: never reaches net zero, no phase targets."""
    return parktwin.run(write_tiny_scenario(tmp_path_factory.mktemp("tiny")), seed=0)


def spans(results, lang: str) -> list[tuple[str, str, float, str]]:
    return [(k, kind, float(v), text) for k, kind, v, text in SPAN.findall("".join(summary_paragraphs(results, lang)))]


def expected_numbers(results) -> dict[str, float]:
    """Every number the summary may show, computed straight from the tables."""
    a = results.annual
    years = a["year"].to_numpy()
    y0, y1 = int(years[0]), int(years[-1])
    net = a["net_tco2"].to_numpy()
    out = {
        "first_year": y0, "last_year": y1,
        "net_first_tco2": net[0], "net_last_tco2": net[-1], "net_gap_tco2": net[-1],
        "net_change_share": abs(net[0] - net[-1]) / net[0],
        "core_first": a["core_indicator_tco2_per_tce"].iloc[0], "core_last": a["core_indicator_tco2_per_tce"].iloc[-1],
        "core_threshold": a["core_threshold_tco2_per_tce"].iloc[-1],
        "clean_first_share": a["clean_energy_share"].iloc[0], "clean_last_share": a["clean_energy_share"].iloc[-1],
        "clean_threshold_share": 0.9,  # 发改环资〔2025〕910号 guiding indicator ≥ 90 % (data/stage_indicators.csv)
        "npv_cny": results.pathway_cost_npv_cny(), "discount_rate": results.manifest["social_discount_rate"],
    }
    if (net <= 0).any():
        out["net_zero_year"] = int(years[np.argmax(net <= 0)])
    met = a["core_met"].to_numpy(bool)
    if met.any():
        out["core_year"] = int(years[np.argmax(met)])
    last_row = a.iloc[-1]
    if last_row.get("captured_tco2", 0.0) > 0:  # captured CO₂ beside the inventory (never a removal)
        out["captured_tco2"] = last_row["captured_tco2"]
        out["captured_stored_tco2"] = last_row["captured_stored_tco2"]
        out["captured_used_tco2"] = last_row["captured_tco2"] - last_row["captured_stored_tco2"]
    _, steps, _ = waterfall_steps(results, y0, y1)
    out.update({f"step_{k}_tco2": v for k, v in steps.items()})
    st = results.stage_table()
    for i, stage in enumerate(STAGES):
        reached = st["stage_reached"].isin(STAGES[i:]).to_numpy()
        if reached.any():
            out[f"stage_{stage}_year"] = int(st["year"].to_numpy()[np.argmax(reached)])
    end = st.iloc[-1]
    last = results.assessment()[results.assessment()["year"] == y1].set_index("indicator")
    for b in end["blocking"]:
        ind = b.split(" (")[0]
        out[f"block_{ind}"] = last.loc[ind, "value"]
        out[f"block_{ind}_threshold"] = last.loc[ind, "threshold"]
    # each stage on its own indicators in the last year (accounting.stages.stage_status)
    out["core_threshold_stage"] = a.iloc[-1]["core_threshold_tco2_per_tce"]
    last_rows = results.assessment()[results.assessment()["year"] == y1]
    for stage, rows in last_rows.groupby("stage"):
        out[f"stage_{stage}_indicators"] = len(rows)
        out[f"stage_{stage}_assessed"] = int((rows["status"] != "not_assessed").sum())
        out[f"stage_{stage}_met"] = int((rows["status"] == "met").sum())
        for r in rows.itertuples():
            out[f"own_{stage}_{r.indicator}"] = r.value
            out[f"own_{stage}_{r.indicator}_threshold"] = r.threshold
    rv = results.reviews.drop_duplicates(["year", "indicator"])  # one check each; PDCA action rows repeat it
    if len(rv):
        out["targets_n"], out["targets_met"] = len(rv), int(rv["met"].sum())
        out["targets_missed_n"] = int((~rv["met"].astype(bool)).sum())
        for r in rv[~rv["met"].astype(bool)].itertuples():
            out[f"missed_{r.indicator}_{r.year}"] = r.value
            out[f"missed_{r.indicator}_{r.year}_target"] = r.target
    out["capex_discount_rate"] = results.manifest["social_discount_rate"]
    phase_of_year = a.set_index("year")["phase"]
    inv = results.investments.assign(phase=results.investments["year"].map(phase_of_year),
                                     group=results.investments["technology"].map(lambda x: investment_group(x)[0]))
    for phase, capex in a.groupby("phase")["capex_cny"].sum().items():
        if capex > 0:
            out[f"capex_phase{phase}_cny"] = capex
            rows = a[a["phase"] == phase]
            out[f"capex_phase{phase}_discounted_cny"] = (rows["capex_cny"] * rows["discount_factor"]).sum()
            for group, value in inv[inv["phase"] == phase].groupby("group")["capex_cny"].sum().items():
                out[f"capex_phase{phase}_{group}_cny"] = value
    if len(results.cashflows):  # the private view: Σ of the parties' discounted cash flows (Results.private_npv_cny)
        out["private_npv_cny"] = results.cashflows["pv_cny"].sum()
    fin = results.financing.groupby("year")[["new_debt_cny", "debt_outstanding_cny"]].sum()
    if len(fin):  # the financing need: new debt over the run, and the most owed at a year's end
        out["new_debt_cny"] = fin["new_debt_cny"].sum()
        out["peak_debt_cny"] = fin["debt_outstanding_cny"].max()
        out["peak_debt_year"] = int(fin["debt_outstanding_cny"].idxmax())
    inv = results.investments
    if len(inv):  # the largest measure family (the costs figure's grouping)
        out["top_group_cny"] = inv.groupby(inv["technology"].map(lambda x: investment_group(x)[0]))["capex_cny"].sum().max()
    return out


SCALE = {"million": 1e6, "万": 1e4, "bn": 1e9, "M": 1e6, "亿元": 1e8, "万元": 1e4, "%": 0.01}


def parse(text: str) -> float:
    """The displayed text back in the tables' unit: '1.39 million tCO₂' → 1.39e6, '−97.5万 tCO₂' → −9.75e5."""
    m = re.match(r"([−+]?)([\d,]*\.?\d+)\s*(million|万元|万|bn|亿元|M|%)?", text)
    assert m, text
    value = float(m.group(2).replace(",", "")) * SCALE.get(m.group(3) or "", 1.0)
    return -value if m.group(1) == "−" else value


def tolerance(value: float, kind: str) -> float:
    """Half the last shown digit: 3 significant figures for tonnes and money (viz.summary.display)."""
    if kind in ("tco2", "tco2_change", "cny", "ratio"):
        return 0.5 * 10 ** (math.floor(math.log10(abs(value))) - 2) if value else 0.0
    return {"share": 0.0005, "pct": 0.005, "core": 0.005}.get(kind, 0.0)


@pytest.mark.parametrize("which", ["net_zero", "tiny"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_number_is_the_tables_number_rounded(which, lang, request):
    results = request.getfixturevalue(which)
    expected = expected_numbers(results)
    shown = spans(results, lang)
    assert len(shown) >= 12
    for key, kind, value, text in shown:
        assert key in expected, key
        assert value == pytest.approx(expected[key], rel=1e-12, abs=1e-9), key
        assert abs(parse(text) - value) <= tolerance(value, kind) * (1 + 1e-9), (key, text, value)


@pytest.mark.parametrize("which", ["net_zero", "tiny"])
def test_english_and_chinese_carry_the_same_numbers(which, request):
    results = request.getfixturevalue(which)
    en = [(k, v) for k, _, v, _ in spans(results, "en")]
    zh = [(k, v) for k, _, v, _ in spans(results, "zh")]
    assert sorted(en) == sorted(zh)


def test_net_zero_pathway_says_when(net_zero):
    keys = {k for k, *_ in spans(net_zero, "en")}
    # the demo roadmap meets the core indicator and reaches the zero-carbon stage; captured CO₂ is out of
    # scope 1 (not a removal), and direct air capture's removals (2045) bring net zero in 2048 (tests/reference/headline.csv)
    assert {"core_year", "stage_zero_carbon_year", "npv_cny", "capex_phase2_cny", "captured_stored_tco2"} <= keys
    assert "net_zero_year" in keys and "net_gap_tco2" not in keys
    en, zh = " ".join(summary_paragraphs(net_zero, "en")), "".join(summary_paragraphs(net_zero, "zh"))
    assert re.search(r"first reaches net zero in <span[^>]*>2048</span>", en) and re.search(r"<span[^>]*>2048</span>年首次实现净零排放", zh)
    assert "permanent storage and are not emitted" in en and "不计为碳汇" in zh
    # phase money: undiscounted with the discounted value beside it, booked at commissioning; a roadmap exists
    assert "booked in the year each project commissions (undiscounted, discounted at" in en and "no roadmap" not in en
    assert "capex_phase4_discounted_cny" in keys
    # one phase target is missed (the core indicator ≤ 1.0 in 2035): named with its phase
    assert len(net_zero.reviews) > int(net_zero.reviews["met"].sum())
    assert "Missed" in en and "未达成" in zh and "第三阶段" in zh
    assert "单位能耗碳排放" in zh and "清洁能源消费占比" in zh and "零碳园区" in zh


def test_pathway_short_of_net_zero_says_so(tiny):
    assert (tiny.annual["net_tco2"] > 0).all()
    en, zh = " ".join(summary_paragraphs(tiny, "en")), "".join(summary_paragraphs(tiny, "zh"))
    last = int(tiny.annual["year"].iloc[-1])
    assert f"does not reach net zero by {last}" in re.sub("<[^>]+>", "", en)
    assert "仍未实现净零排放" in zh
    keys = {k for k, *_ in spans(tiny, "en")}
    assert "net_gap_tco2" in keys and "net_zero_year" not in keys
    assert "no phase targets" in en and "未设阶段目标" in zh
    # the stage the park ends at is below the top: what blocks the next stage is listed
    assert tiny.stage_table()["next_stage"].iloc[-1] is not None
    assert "What keeps it from the" in en and "制约其达到" in zh


@pytest.mark.parametrize("which", ["net_zero", "tiny"])
def test_the_money_paragraph_gives_the_private_view_and_the_financing_need(which, request):
    results = request.getfixturevalue(which)
    keys = [k for k, *_ in spans(results, "en")]
    # system cost first, then the parties' own view and what they borrow, in one sentence each language
    assert keys.index("npv_cny") < keys.index("private_npv_cny") < keys.index("new_debt_cny") < keys.index("peak_debt_cny")
    fin = results.financing.groupby("year")["debt_outstanding_cny"].sum()
    assert fin.max() > 0  # both runs borrow (the roadmap's projects are partly debt-financed)
    en = re.sub("<[^>]+>", "", summary_paragraphs(results, "en")[-1])
    zh = re.sub("<[^>]+>", "", summary_paragraphs(results, "zh")[-1])
    private, peak = results.private_npv_cny(), fin.max()
    assert f"the pathway costs {display(private, 'cny', 'en')}; they borrow" in en
    assert f"with at most {display(peak, 'cny', 'en')} owed (in {int(fin.idxmax())})" in en
    assert f"路径成本现值为{display(private, 'cny', 'zh')}；期间新增贷款共" in zh
    assert f"{int(fin.idxmax())}年负债余额最高，达{display(peak, 'cny', 'zh')}" in zh


def test_a_pdca_pathway_names_only_its_latest_missed_targets(tmp_path):
    """pdca_led sets a target every year and the operator's actions repeat each check in the
    reviews table: the summary counts each check once and names only the latest four missed."""
    results = parktwin.run(parktwin.load("scenarios/pdca_led.yaml"), seed=0)
    checks = results.reviews.drop_duplicates(["year", "indicator"])
    assert len(checks) < len(results.reviews)  # the action rows repeat checks
    missed = checks[~checks["met"].astype(bool)]
    assert len(missed) > 4
    shown = {k: v for k, _, v, _ in spans(results, "en")}
    assert shown["targets_n"] == len(checks) and shown["targets_met"] == int(checks["met"].sum())
    assert shown["targets_missed_n"] == len(missed)
    named = sorted(k for k in shown if k.startswith("missed_") and not k.endswith("_target"))
    last4 = missed.tail(4)
    assert named == sorted(f"missed_{r.indicator}_{r.year}" for r in last4.itertuples())
    en, zh = " ".join(summary_paragraphs(results, "en")), "".join(summary_paragraphs(results, "zh"))
    assert re.search(r"\d+ are missed; the latest 4:", re.sub("<[^>]+>", "", en)) and "其中最近4项" in zh
    # a stored run reads back to the same words (reviews, cash flows and financing from Parquet)
    back = parktwin.read_run(parktwin.save(results, tmp_path, report=False))
    for lang in ("en", "zh"):
        assert summary_paragraphs(back, lang) == summary_paragraphs(results, lang)


def test_display_rounds_for_people():
    # hand-rounded: 3 significant figures, 万 / 亿 in Chinese
    assert display(1_386_866.2, "tco2", "en") == "1.39 million tCO₂"
    assert display(1_386_866.2, "tco2", "zh") == "139万 tCO₂"
    assert display(72_588.7, "tco2", "en") == "72,600 tCO₂"
    assert display(-975_123.0, "tco2_change", "zh") == "−97.5万 tCO₂"
    assert display(1_150_000.0, "tco2_change", "en") == "+1.15 million tCO₂"
    assert display(24_365_432_730.5, "cny", "en") == "24.4 bn CNY"
    assert display(24_365_432_730.5, "cny", "zh") == "244 亿元"
    assert display(33_000_000.0, "cny", "zh") == "3,300 万元"
    assert display(0.996745, "share", "en") == "99.7%"
    assert display(0.08, "pct", "zh") == "8%"
    assert display(0.186329, "core", "en") == "0.19 tCO₂/tce"
    assert round_sig(999.6, 3) == 1000.0


def test_report_opens_with_the_summary(tiny):
    for lang, heading in (("en", "Summary"), ("zh", "摘要")):
        page = render_report(tiny, lang)
        start = page.index('<section id="summary"')
        assert f"<h2>{heading}</h2>" in page[start:start + 200]
        assert start < page.index('<section id="sec-')  # above the first figure


def test_a_stored_run_reads_back_to_the_same_summary(net_zero, tmp_path):
    """The stage table read back from Parquet holds NaN where the run held None (the top stage)."""
    back = parktwin.read_run(parktwin.save(net_zero, tmp_path, report=False))
    assert net_zero.stage_table()["next_stage"].iloc[-1] is None
    for lang in ("en", "zh"):
        assert summary_paragraphs(back, lang) == summary_paragraphs(net_zero, lang)


REMOVAL_WORDS = {"en": ("removal",), "zh": ("碳汇",)}
CAPTURE_WORDS = {"en": ("ccus", "captur"), "zh": ("捕集", "ccus", "封存")}


def _figure_words(fig) -> list[str]:
    """Every legend entry, tick label and Sankey node label of a figure."""
    out = [str(tr.name) for tr in fig.data if getattr(tr, "name", None)]
    for tr in fig.data:
        node = getattr(tr, "node", None)
        if node is not None and node.label is not None:
            out += [str(x) for x in node.label]
        if getattr(tr, "text", None) is not None and tr.type == "waterfall":
            out += [str(x) for x in tr.text]
    for axis in ("xaxis", "yaxis"):
        ticks = getattr(fig.layout, axis).ticktext
        out += [str(x) for x in ticks or ()]
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_captured_co2_is_nowhere_called_a_removal(net_zero, lang):
    """No legend, waterfall step, Sankey node nor sentence of the summary files captured CO₂ under removals."""
    from parktwin.viz.registry import registered

    assert net_zero.annual["captured_stored_tco2"].iloc[-1] > 0  # the demo does capture
    words = []
    for spec in registered():
        fig = spec.build(net_zero, lang)
        if fig is not None:
            words += _figure_words(fig)
    # the summary in phrases: items of a list (", ", "、", "; ") are phrases of their own
    words += re.split(r"[.。,，、;；:：]\s*", re.sub("<[^>]+>", "", " ".join(summary_paragraphs(net_zero, lang))))
    # direct air capture is a removal (CO₂ taken from the air and stored), unlike capture at a source
    mixed = [w for w in words if any(r in w.lower() for r in REMOVAL_WORDS[lang])
             and any(c in w.lower().replace("direct air capture", "").replace("直接空气捕集", "") for c in CAPTURE_WORDS[lang])
             and "not counted as a removal" not in w and "不计为碳汇" not in w]
    assert not mixed, mixed
    # and the capture is shown where it happens: a waterfall step and a Sankey node of its own
    assert any(("captured and stored" in w.lower()) if lang == "en" else ("捕集并封存" in w) for w in words)

"""The scenario comparison page: pathways side by side in one self-contained HTML file.

Figures have their own small registry (``@compare_figure``), shaped like ``viz.registry``'s:
``build(runs, lang) -> go.Figure | None`` where ``runs`` is a list of ``(label, Results)``.
Beside the figures: a table of the years each run first reaches each stage, net zero and the
core indicator, its phase targets met, its cost; and each run's written summary (viz.summary).
Numbers come from ``results.milestones.milestones`` and the runs' annual tables.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import qualitative

from parktwin.results.milestones import (
    MILESTONE_STAGES,
    milestones,
    opposite_moves,
    run_label,
)
from parktwin.results.tables import Results
from parktwin.viz.labels import t
from parktwin.viz.registry import Registry
from parktwin.viz.report import dress, html_page, write_page
from parktwin.viz.summary import display, summary_paragraphs

Runs = list[tuple[str, Results]]
COLOURS = qualitative.D3

WORDS = {
    "en": {
        "title": "Pathways compared", "runs": "runs", "scenario": "Scenario", "seed": "seed",
        "never": "not reached", "net_zero_year": "Net zero", "core_year": "Core indicator met",
        "targets": "Phase targets met", "no_targets": "none set", "npv": "System cost NPV",
        "capex": "Capex, all years", "net_last": "Net emissions {y}", "milestones": "Milestones: first year reached",
        "summaries": "Each pathway in words", "capex_axis": "Cumulative capex [million CNY]",
        "npv_axis": "Pathway cost, NPV [bn CNY]", "overrides": "overrides", "source": "source",
        "system": "System cost (social discount rate)", "private": "Private cost (parties’ own rates)",
        "delta": "Δ {run} − {base}",
        "opposite": "{run}: in {y} net emissions {net_dir} against {base} ({d_net}) while the core indicator {core_dir} "
                    "({d_core}): it is a ratio, CO₂ per unit of energy use, and its CO₂ changes by {co2} while energy use "
                    "changes by {tce}.",
        "fall": "fall", "rise": "rise", "falls": "falls", "rises": "rises",
    },
    "zh": {
        "title": "转型路径比较", "runs": "条路径", "scenario": "情景", "seed": "随机种子",
        "never": "未达到", "net_zero_year": "净零排放", "core_year": "单位能耗碳排放达标",
        "targets": "阶段目标达成", "no_targets": "未设目标", "npv": "系统成本现值",
        "capex": "累计投资", "net_last": "{y}年净排放", "milestones": "里程碑：首次达到的年份",
        "summaries": "各路径摘要", "capex_axis": "累计投资 [百万元]",
        "npv_axis": "路径成本现值 [亿元]", "overrides": "参数调整", "source": "来源",
        "system": "系统成本（社会折现率）", "private": "主体自身成本（各主体折现率）",
        "delta": "Δ {run} − {base}",
        "opposite": "{run}：{y}年净排放较{base}{net_dir}（{d_net}），而单位能耗碳排放{core_dir}（{d_core}）：该指标是比值（CO₂÷综合能耗），"
                    "其CO₂变化{co2}，综合能耗变化{tce}。",
        "fall": "下降", "rise": "上升", "falls": "下降", "rises": "上升",
    },
}

COMPARE_REGISTRY = Registry()
compare_figure = COMPARE_REGISTRY.figure  # build(runs, lang) -> go.Figure | None
registered = COMPARE_REGISTRY.registered


CMP_TABLE_CSS = ("table.cmp{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 10px}"
                 "table.cmp th,table.cmp td{border-bottom:1px solid #e3e3e3;padding:5px 8px;text-align:right}"
                 "table.cmp th:first-child,table.cmp td:first-child{text-align:left}")


def run_colour(i: int) -> str:
    return COLOURS[i % len(COLOURS)]


def _lines(runs: Runs, column: str, scale: float = 1.0, cumulative: bool = False) -> go.Figure:
    fig = go.Figure()
    for i, (label, res) in enumerate(runs):
        y = res.annual[column].astype(float) * scale
        fig.add_scatter(x=res.annual["year"], y=y.cumsum() if cumulative else y, mode="lines+markers", name=label,
                        line=dict(color=run_colour(i), width=2.5), marker=dict(size=5))
    fig.update_xaxes(tickformat="d")
    fig.update_layout(hovermode="x unified")
    return fig


@compare_figure("net", 10, "Net emissions of each pathway", "各路径净排放")
def net_figure(runs: Runs, lang: str) -> go.Figure:
    """Net emissions [tCO₂/yr] of each run, with the net-zero line."""
    fig = _lines(runs, "net_tco2")
    fig.add_hline(y=0, line=dict(color="green", width=2, dash="dash"), annotation_text=t("net_zero", lang),
                  annotation_position="bottom left")
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title=t("emissions_axis", lang), yaxis_tickformat=",.0f")
    return fig


@compare_figure("core", 20, "Core indicator 单位能耗碳排放 against its threshold", "单位能耗碳排放与阈值")
def core_figure(runs: Runs, lang: str) -> go.Figure:
    """The core indicator [tCO₂/tce] of each run and each run's threshold (by park size)."""
    fig = _lines(runs, "core_indicator_tco2_per_tce")
    seen = set()
    for i, (label, res) in enumerate(runs):
        thr = res.annual["core_threshold_tco2_per_tce"].astype(float)
        key = tuple(thr.round(9))
        if key in seen:
            continue
        seen.add(key)
        fig.add_scatter(x=res.annual["year"], y=thr, mode="lines", name=f"{t('threshold', lang)} ({label})" if len(runs) > 1 and len(seen) > 1 else t("threshold", lang),
                        line=dict(color="#c0392b", width=2, dash="dash"))
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title=t("core_indicator", lang))
    return fig


@compare_figure("clean", 25, "Clean-energy share 清洁能源消费占比", "清洁能源消费占比")
def clean_figure(runs: Runs, lang: str) -> go.Figure:
    """The clean-energy share [%] of each run, with the zero-carbon park's guiding value."""
    fig = _lines(runs, "clean_energy_share", scale=100.0)
    ass = runs[0][1].assessment()
    thr = ass.loc[ass["indicator"] == "zc_clean_energy_share", "threshold"].dropna()
    if len(thr):
        fig.add_hline(y=float(thr.iloc[0]) * 100.0, line=dict(color="#c0392b", width=2, dash="dash"),
                      annotation_text=t("threshold", lang), annotation_position="bottom right")
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title=t("clean_energy_share", lang), yaxis_range=[0, 105])
    return fig


@compare_figure("capex", 30, "Cumulative capital spending", "累计投资")
def capex_figure(runs: Runs, lang: str) -> go.Figure:
    """Capex [million CNY of the base year], summed over the years, of each run."""
    fig = _lines(runs, "capex_cny", scale=1e-6, cumulative=True)
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title=WORDS[lang]["capex_axis"], yaxis_tickformat=",.0f")
    return fig


@compare_figure("npv", 40, "Pathway cost (NPV): system and private view", "路径成本现值：系统视角与主体视角")
def npv_figure(runs: Runs, lang: str) -> go.Figure:
    """Each run's pathway system cost NPV (social discount rate) and, where the run has cash flows,
    its private cost NPV (each party's own rate and financing) [bn CNY; 亿元 in Chinese]."""
    scale = 1e-9 if lang == "en" else 1e-8
    labels = [label for label, _ in runs]
    views = [(WORDS[lang]["system"], [res.pathway_cost_npv_cny() for _, res in runs], [run_colour(i) for i in range(len(runs))])]
    if any(len(res.cashflows) for _, res in runs):
        views.append((WORDS[lang]["private"], [res.private_npv_cny() if len(res.cashflows) else float("nan") for _, res in runs],
                      ["#bdbdbd"] * len(runs)))
    fig = go.Figure()
    for name, values, colours in views:
        fig.add_bar(x=labels, y=[v * scale for v in values], name=name, marker_color=colours,
                    marker_pattern_shape="/" if name == WORDS[lang]["private"] else "",
                    text=[display(v, "cny", lang) if v == v else "" for v in values], textposition="outside",
                    hovertemplate=f"{name}<br>%{{x}}: %{{text}}<extra></extra>")
    fig.update_layout(yaxis_title=WORDS[lang]["npv_axis"], barmode="group", showlegend=len(views) > 1, yaxis_tickformat=",.1f")
    return fig


@compare_figure("cbam", 45, "CBAM cost of the exports to the EU", "出口欧盟产品的CBAM成本")
def cbam_compare_figure(runs: Runs, lang: str) -> go.Figure | None:
    """Each run's CBAM cost per year [million CNY] on its firms' EU exports of CBAM goods
    (annual ``cbam_cost_cny``): how each roadmap changes it. None when no run pays any."""
    if not any("cbam_cost_cny" in res.annual and float(res.annual["cbam_cost_cny"].sum()) > 0 for _, res in runs):
        return None
    present = [(label, res) for label, res in runs if "cbam_cost_cny" in res.annual]
    fig = _lines(present, "cbam_cost_cny", scale=1e-6)
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title="CBAM [M CNY]" if lang == "en" else "CBAM成本 [百万元]",
                      yaxis_tickformat=",.1f")
    return fig


def labelled(runs: list[Results]) -> Runs:
    """Each run with a unique label (``results.milestones.run_label``)."""
    out: Runs = []
    for res in runs:
        out.append((run_label(res, {label for label, _ in out}), res))
    return out


def _year(value: float, words: dict) -> str:
    return words["never"] if math.isnan(value) else f"{value:.0f}"


def milestone_rows(runs: Runs, lang: str) -> list[list[str]]:
    """The table under the figures: one row per run, the years rounded, money and tonnes for people."""
    words = WORDS[lang]
    rows = []
    for label, res in runs:
        m = milestones(res)
        last = res.annual.iloc[-1]
        targets = (f"{m['phase targets met']:.0f} / {m['phase targets']:.0f}" if m["phase targets"] else words["no_targets"])
        rows.append([label, *[_year(m[f"first year {s}"], words) for s in MILESTONE_STAGES],
                     _year(m["first year net ≤ 0"], words), _year(m["first year core met"], words), targets,
                     display(float(last["net_tco2"]), "tco2", lang), display(res.pathway_cost_npv_cny(), "cny", lang),
                     display(m["capex_cny"], "cny", lang)])
    return rows


def delta_rows(runs: Runs, lang: str) -> list[list[str]]:
    """One row per run after the first: its milestones and figures minus the first (baseline) run's
    (years as signed differences, blank where either is never reached)."""
    words = WORDS[lang]
    if len(runs) < 2:
        return []

    def figures(res) -> list[float]:
        m = milestones(res)
        return [*[m[f"first year {s}"] for s in MILESTONE_STAGES], m["first year net ≤ 0"], m["first year core met"],
                m["phase targets met"], float(res.annual.iloc[-1]["net_tco2"]), res.pathway_cost_npv_cny(), m["capex_cny"]]

    base_label, base = runs[0]
    base_values = figures(base)
    kinds = ["year"] * (len(MILESTONE_STAGES) + 2) + ["count", "tco2_change", "cny", "cny"]
    rows = []
    for label, res in runs[1:]:
        cells = []
        for kind, a, b in zip(kinds, base_values, figures(res)):
            d = b - a
            if math.isnan(d):
                cells.append("")
            elif kind in ("year", "count"):
                cells.append(f"{d:+.0f}")
            else:
                text = display(d, kind, lang)
                cells.append(text if kind == "tco2_change" or d < 0 else "+" + text)
        rows.append([words["delta"].format(run=label, base=base_label), *cells])
    return rows


def _last_year_figures(annual: pd.DataFrame) -> dict[str, float]:
    """Net emissions, core indicator and energy use in the run's last year, named as
    ``results.milestones.opposite_moves`` reads them ("<column> <year>")."""
    row = annual.loc[annual["year"].idxmax()]
    year = int(row["year"])
    return {f"{c} {year}": float(row[c]) for c in ("net_tco2", "core_indicator_tco2_per_tce", "energy_tce")}


def opposite_notes(runs: Runs, lang: str) -> list[str]:
    """experiments.compare.opposite_moves in words: runs whose core indicator moved against their net emissions."""
    if len(runs) < 2:
        return []
    words = WORDS[lang]
    table = pd.DataFrame({label: _last_year_figures(res.annual) for label, res in runs})
    out = []
    for note in opposite_moves(table, structured=True):
        out.append(words["opposite"].format(
            run=note["run"], base=note["base"], y=note["year"], net_dir=words["fall" if note["d_net"] < 0 else "rise"],
            core_dir=words["rises" if note["d_core"] > 0 else "falls"], d_net=display(note["d_net"], "tco2_change", lang),
            d_core=f"{note['d_core']:+.3f} tCO₂/tce", co2=f"{note['co2_change']:+.1%}", tce=f"{note['energy_change']:+.1%}"))
    return out


def milestone_header(runs: Runs, lang: str) -> list[str]:
    words = WORDS[lang]
    last = int(runs[0][1].annual["year"].max())
    return [words["scenario"], *[t(f"stage_{s}", lang) for s in MILESTONE_STAGES], words["net_zero_year"], words["core_year"],
            words["targets"], words["net_last"].format(y=last), words["npv"], words["capex"]]


def render_comparison(runs: list[Results], lang: str = "en") -> str:
    """The comparison page as one HTML string (plotly.js embedded: opens offline)."""
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {sorted(WORDS)}")
    if not runs:
        raise ValueError("nothing to compare: no runs")
    words = WORDS[lang]
    named = labelled(runs)
    sections = []
    for spec in registered():
        fig = spec.build(named, lang)
        if fig is None:
            continue
        dress(fig).update_layout(template="plotly_white")
        div = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=f"fig-{spec.key}", config={"displaylogo": False})
        sections.append(f'<section id="sec-{spec.key}"><h2>{html.escape(spec.title[lang])}</h2>{div}</section>')
    head = "".join(f"<th>{html.escape(h)}</th>" for h in milestone_header(named, lang))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in milestone_rows(named, lang) + delta_rows(named, lang))
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in opposite_notes(named, lang))
    table = (f'<section id="milestones"><h2>{words["milestones"]}</h2>'
             f'<table class="cmp"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}</section>')
    texts = "".join(
        f'<details class="summary"><summary>{html.escape(label)}</summary>'
        + "".join(f"<p>{p}</p>" for p in summary_paragraphs(res, lang)) + "</details>" for label, res in named)
    sources = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{html.escape(str(res.manifest.get('scenario_file', '')))}</td>"
        f"<td>{words['seed']} {res.manifest.get('seed')}</td>"
        f"<td>{html.escape(', '.join(f'{k}={v}' for k, v in res.manifest.get('overrides', [])) or '—')}</td></tr>"
        for label, res in named)
    title = words["title"]
    css = CMP_TABLE_CSS + ("details.summary{margin:6px 4px}details.summary summary{cursor:pointer;font-weight:600}"
                           ".summary p{margin:6px 4px 10px;line-height:1.55;font-size:14px}.summary .num{font-weight:600}")
    subtitle = f"{len(named)} {words['runs']}: {html.escape(' · '.join(label for label, _ in named))}"
    main = f'{table}{"".join(sections)}<section id="summaries"><h2>{words["summaries"]}</h2>{texts}</section>'
    return html_page(title, lang, subtitle, main, sources, css)


def write_comparison(runs: list[Results], path: str | Path, lang: str = "en") -> Path:
    """Write ``render_comparison`` to ``path`` (atomically, folders created)."""
    return write_page(render_comparison(runs, lang), path)

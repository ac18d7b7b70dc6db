"""Monte Carlo batches side by side: one self-contained HTML page (plotly.js embedded).

Each pathway is a stored batch (``experiments.batch.Batch``); its numbers come from the batch's
own summary (``Batch.summary()``: bands, probabilities by year, per-replicate costs), the same
numbers its batch report shows. Figures have their own small registry (``@batch_compare_figure``),
shaped like ``viz.registry``'s: ``build(pathways, lang) -> go.Figure | None`` where
``pathways`` is a list of ``(label, Batch, BatchSummary)``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from parktwin.viz.batch import fan_figure
from parktwin.viz.compare import CMP_TABLE_CSS, run_colour
from parktwin.viz.labels import t
from parktwin.viz.registry import Registry
from parktwin.viz.report import dress, html_page, write_page
from parktwin.viz.summary import display

if TYPE_CHECKING:
    from parktwin.experiments.batch import Batch
    from parktwin.experiments.summary import BatchSummary

Pathways = list[tuple[str, "Batch", "BatchSummary"]]
BAND_ALPHA = 0.18  # opacity of a pathway's P10–P90 band

WORDS = {
    "en": {
        "title": "Pathways compared under uncertainty", "pathways": "pathways", "runs": "runs",
        "net_axis": "Net emissions [tCO₂/yr]", "p_axis": "Probability in that year [%]",
        "band": "{label}: P10–P90", "median": "{label}: P50",
        "cost_axis": "Cost, NPV [bn CNY]", "system": "System cost (social discount rate)",
        "private": "Private cost (parties' own rates)", "table": "Each pathway at a glance",
        "scenario": "Pathway", "p_net": "P(net ≤ 0) in {y}", "p_core": "P(core indicator met) in {y}",
        "net": "Net emissions {y}, P50 [P10–P90]", "cost": "System cost NPV, P50 [P10–P90]",
        "private_cost": "Private cost NPV, P50 [P10–P90]", "none": "—", "report": "batch", "design": "design",
        "replicates": "Replicates",
    },
    "zh": {
        "title": "不确定性下的转型路径比较", "pathways": "条路径", "runs": "次运行",
        "net_axis": "净排放 [tCO₂/年]", "p_axis": "当年达标概率 [%]",
        "band": "{label}：P10–P90", "median": "{label}：P50",
        "cost_axis": "成本现值 [亿元]", "system": "系统成本（社会折现率）",
        "private": "主体自身成本（各主体折现率）", "table": "各路径概览",
        "scenario": "路径", "p_net": "{y}年净排放≤0的概率", "p_core": "{y}年单位能耗碳排放达标概率",
        "net": "{y}年净排放 P50 [P10–P90]", "cost": "系统成本现值 P50 [P10–P90]",
        "private_cost": "主体自身成本现值 P50 [P10–P90]", "none": "—", "report": "批次", "design": "抽样设计",
        "replicates": "样本数",
    },
}
COST_SCALE = {"en": 1e-9, "zh": 1e-8}  # CNY → bn CNY / 亿元, as viz.summary.display shows money

BATCH_COMPARE_REGISTRY = Registry()
batch_compare_figure = BATCH_COMPARE_REGISTRY.figure  # build(pathways, lang) -> go.Figure | None
registered = BATCH_COMPARE_REGISTRY.registered


def _year_axis(pathways: Pathways, lang: str) -> dict:
    """A year axis with whole years only: a tick a year on short runs, every five years on long ones."""
    first, last = (f(s.headline["years"][i] for _, _, s in pathways) for f, i in ((min, 0), (max, 1)))
    return dict(title=t("year", lang), tickformat="d", dtick=1 if last - first <= 12 else 5)


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


@batch_compare_figure("fan_net", 10, "Net emissions of each pathway: P10–P90 band and median", "各路径净排放：P10–P90区间与中位数")
def fan_net(pathways: Pathways, lang: str) -> go.Figure:
    """Each pathway's P10–P90 band and median of net emissions [tCO₂/yr] (viz.batch's fan), overlaid."""
    w = WORDS[lang]
    fig = go.Figure()
    for i, (label, _, summary) in enumerate(pathways):
        band, median = fan_figure(summary, "net_tco2")[0].data
        colour = run_colour(i)
        band.update(fillcolor=_rgba(colour, BAND_ALPHA), name=w["band"].format(label=label), legendgroup=label)
        median.update(line=dict(color=colour, width=3), name=w["median"].format(label=label), legendgroup=label)
        fig.add_traces([band, median])
    fig.add_hline(y=0, line=dict(color="green", width=2, dash="dash"), annotation_text=t("net_zero", lang),
                  annotation_position="bottom left")
    fig.update_layout(xaxis=_year_axis(pathways, lang), yaxis=dict(title=w["net_axis"], tickformat=",.0f"),
                      hovermode="x unified")
    return fig


def _probability(pathways: Pathways, target: str, lang: str) -> go.Figure | None:
    fig = go.Figure()
    for i, (label, _, summary) in enumerate(pathways):
        rows = summary.probabilities[summary.probabilities["target"] == target].sort_values("year")
        if rows.empty:
            continue
        fig.add_scatter(x=rows["year"], y=rows["p_in_year"], mode="lines+markers", name=label,
                        line=dict(color=run_colour(i), width=2.5), marker=dict(size=5))
    if not fig.data:
        return None
    fig.update_layout(xaxis=_year_axis(pathways, lang),
                      yaxis=dict(title=WORDS[lang]["p_axis"], range=[-0.02, 1.02], tickformat=".0%"), hovermode="x unified")
    return fig


@batch_compare_figure("p_net_zero", 20, "Probability of net zero (net ≤ 0), by year", "逐年实现净零（净排放≤0）的概率")
def p_net_zero(pathways: Pathways, lang: str) -> go.Figure | None:
    """Share of each pathway's replicates with net emissions ≤ 0 in each year [%]."""
    return _probability(pathways, "net_zero", lang)


@batch_compare_figure("p_core", 30, "Probability that the core indicator 单位能耗碳排放 is met, by year", "逐年单位能耗碳排放达标的概率")
def p_core(pathways: Pathways, lang: str) -> go.Figure | None:
    """Share of each pathway's replicates meeting the zero-carbon park core indicator in each year [%]."""
    return _probability(pathways, "core_met", lang)


@batch_compare_figure("cost", 40, "Cost across replicates: system and private view", "各样本的成本分布：系统视角与主体视角")
def cost_boxes(pathways: Pathways, lang: str) -> go.Figure:
    """A box per pathway of its replicates' system cost NPV and, where stored, private cost NPV
    [bn CNY; 亿元 in Chinese]."""
    w, scale = WORDS[lang], COST_SCALE[lang]
    views = [("pathway_cost_cny", w["system"])]
    if any("private_cost_cny" in s.outputs for _, _, s in pathways):
        views.append(("private_cost_cny", w["private"]))
    fig = make_subplots(rows=1, cols=len(views), subplot_titles=[v for _, v in views], shared_yaxes=True)
    for col, (column, _) in enumerate(views, start=1):
        for i, (label, _, summary) in enumerate(pathways):
            if column not in summary.outputs:
                continue
            fig.add_box(y=summary.outputs[column] * scale, name=label, marker_color=run_colour(i), boxpoints="outliers",
                        legendgroup=label, showlegend=col == 1, row=1, col=col)
    fig.update_yaxes(title_text=w["cost_axis"], tickformat=",.2f", row=1, col=1)
    fig.update_yaxes(hoverformat=",.3~r")
    return fig


def _band_text(band: dict, kind: str, lang: str) -> str:
    return f"{display(band['p50'], kind, lang)} [{display(band['p10'], kind, lang)} – {display(band['p90'], kind, lang)}]"


def glance_rows(pathways: Pathways, lang: str) -> tuple[list[str], list[list[str]]]:
    """The table under the header: per pathway its runs, P(net zero) and P(core met) in its last
    year, last-year net emissions and the two costs as P50 [P10–P90], rounded for people."""
    w = WORDS[lang]
    y = pathways[0][2].headline["final_year"]
    header = [w["scenario"], w["p_net"].format(y=y), w["p_core"].format(y=y), w["net"].format(y=y), w["cost"],
              w["private_cost"], w["replicates"]]
    rows = []
    for label, batch, summary in pathways:
        h = summary.headline
        rows.append([label,
                     display(h["p_net_zero"], "pct", lang) if "p_net_zero" in h else w["none"],
                     display(h["p_core_met"], "pct", lang) if "p_core_met" in h else w["none"],
                     _band_text(h["net_tco2_final"], "tco2", lang), _band_text(h["pathway_cost_cny"], "cny", lang),
                     _band_text(h["private_cost_cny"], "cny", lang) if "private_cost_cny" in h else w["none"],
                     f"{h['runs']:,}"])
    return header, rows


def batch_labels(batches: list[Batch]) -> list[str]:
    """Each batch's scenario name; the batch id where two share a name."""
    names = [b.info["scenario_name"] for b in batches]
    return [name if names.count(name) == 1 else f"{name} ({b.id})" for name, b in zip(names, batches)]


def render_batch_comparison(batches: list[Batch], lang: str = "en") -> str:
    """The page as one HTML string."""
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {sorted(WORDS)}")
    if not batches:
        raise ValueError("nothing to compare: no batches")
    w = WORDS[lang]
    pathways = [(label, b, b.summary()) for label, b in zip(batch_labels(batches), batches)]
    sections = []
    for spec in registered():
        fig = spec.build(pathways, lang)
        if fig is None:
            continue
        dress(fig).update_layout(template="plotly_white")
        div = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=f"fig-{spec.key}", config={"displaylogo": False})
        sections.append(f'<section id="sec-{spec.key}"><h2>{html.escape(spec.title[lang])}</h2>{div}</section>')
    header, rows = glance_rows(pathways, lang)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    table = (f'<section id="glance"><h2>{w["table"]}</h2>'
             f'<table class="cmp"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>')
    sources = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{w['report']} {html.escape(b.id)}</td>"
        f"<td>{w['design']} {html.escape(str(b.info['design']))}, n={b.info['n']}</td>"
        f"<td>{html.escape(str(b.info.get('scenario_file', '')))}</td></tr>" for label, b, _ in pathways)
    subtitle = f"{len(pathways)} {w['pathways']}: {html.escape(' · '.join(label for label, _, _ in pathways))}"
    return html_page(w["title"], lang, subtitle, table + "".join(sections), sources, CMP_TABLE_CSS)


def write_batch_comparison(batches: list[Batch], path: str | Path, lang: str = "en") -> Path:
    """Write ``render_batch_comparison`` to ``path`` (folders created)."""
    return write_page(render_batch_comparison(batches, lang), path)

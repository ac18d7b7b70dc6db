"""The batch report: fan charts, probability-of-target curves, sensitivity ranking, cost spread.

Batch figures have their own small registry (``@batch_figure``), shaped like
``viz.registry``'s: ``build(batch, summary, lang) -> go.Figure | None`` under a key and an order.
The page is one self-contained HTML file (plotly.js embedded) that opens offline.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from parktwin.results.milestones import default_targets
from parktwin.viz.labels import t
from parktwin.viz.registry import Registry
from parktwin.viz.report import html_page, meta_table, write_page

if TYPE_CHECKING:
    from parktwin.experiments.batch import Batch
    from parktwin.experiments.summary import BatchSummary

BatchFigureBuilder = Callable[["Batch", "BatchSummary", str], "go.Figure | None"]
BAND = "rgba(31,119,180,0.22)"
TARGET_COLOURS = ("#2c7a2c", "#c0392b", "#1f77b4", "#8e44ad", "#e67e22")

WORDS = {
    "en": {
        "title": "Monte Carlo batch", "runs": "runs", "design": "design", "seed": "batch seed",
        "p10_p90": "P10–P90", "p50": "P50 (median)", "net_axis": "Net emissions [tCO₂/yr]",
        "probability": "Probability", "in_year": "met in that year", "by_year": "met by then",
        "cost_axis": "Pathway cost [billion CNY]", "replicates": "Replicates",
        "p_net": "P(net ≤ 0) in {y}", "p_core": "P(core indicator met) in {y}", "net_p50": "Net emissions {y}, P50 [P10–P90]",
        "cost_p50": "Pathway cost, P50 [P10–P90]", "private_p50": "Private cost at the parties' own rates, P50 [P10–P90]", "bn": "bn CNY", "inputs": "Uncertain inputs", "name": "name", "path": "path",
        "dist": "distribution", "note": "why this range", "notes": "Notes",
        "sens_none": "Sensitivity not computed: {why}.",
        "out_net": "Net emissions {y}", "out_pathway_cost_cny": "System cost (NPV)", "out_private_cost_cny": "Private cost (NPV)",
    },
    "zh": {
        "title": "蒙特卡洛批次", "runs": "次运行", "design": "抽样设计", "seed": "批次种子",
        "p10_p90": "P10–P90", "p50": "P50（中位数）", "net_axis": "净排放 [tCO₂/年]",
        "probability": "概率", "in_year": "当年达标", "by_year": "截至当年已达标",
        "cost_axis": "路径成本 [十亿元]", "replicates": "样本数",
        "p_net": "{y}年净排放≤0的概率", "p_core": "{y}年单位能耗碳排放达标概率", "net_p50": "{y}年净排放 P50 [P10–P90]",
        "cost_p50": "路径成本 P50 [P10–P90]", "private_p50": "各主体自身折现率下的私人成本 P50 [P10–P90]", "bn": "十亿元", "inputs": "不确定输入", "name": "名称", "path": "路径",
        "dist": "分布", "note": "取值范围依据", "notes": "说明",
        "sens_none": "未计算敏感性：{why}。",
        "out_net": "{y}年净排放", "out_pathway_cost_cny": "系统成本现值", "out_private_cost_cny": "主体自身成本现值",
    },
}


BATCH_REGISTRY = Registry()
batch_figure = BATCH_REGISTRY.figure  # build(batch, summary, lang) -> go.Figure | None
registered = BATCH_REGISTRY.registered


def output_label(output: str, lang: str) -> str:
    """A summary output column for people: ``net_tco2_2050`` → "Net emissions 2050", costs by name."""
    w = WORDS[lang]
    if output.startswith("net_tco2_"):
        return w["out_net"].format(y=output.rsplit("_", 1)[1])
    return w.get(f"out_{output}", output)


def fan_figure(summary: BatchSummary, indicator: str, scale: float = 1.0) -> tuple[go.Figure, object]:
    q = summary.quantiles[summary.quantiles["indicator"] == indicator].sort_values("year")
    fig = go.Figure()
    years = q["year"].tolist()
    fig.add_scatter(x=years + years[::-1], y=(q["p90"] * scale).tolist() + (q["p10"] * scale).tolist()[::-1],
                    fill="toself", fillcolor=BAND, line=dict(width=0), mode="lines", hoverinfo="skip", name="P10–P90")
    fig.add_scatter(x=years, y=q["p50"] * scale, mode="lines+markers", line=dict(color="#17324d", width=3), name="P50")
    fig.update_xaxes(tickformat="d", dtick=1 if len(years) <= 13 else 5)  # whole years only (no 2026, 2026.5 → "2026, 2026")
    return fig, q


@batch_figure("fan_net", 10, "Net emissions: P10–P90 band and median", "净排放：P10–P90区间与中位数")
def fan_net(batch: Batch, summary: BatchSummary, lang: str) -> go.Figure:
    fig, _ = fan_figure(summary, "net_tco2")
    fig.data[0].name, fig.data[1].name = WORDS[lang]["p10_p90"], WORDS[lang]["p50"]
    fig.add_hline(y=0, line=dict(color="green", width=2, dash="dash"), annotation_text=t("net_zero", lang),
                  annotation_position="bottom left")
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title=WORDS[lang]["net_axis"], hovermode="x unified")
    return fig


@batch_figure("fan_core", 20, "Core indicator 单位能耗碳排放: band and median", "单位能耗碳排放：区间与中位数")
def fan_core(batch: Batch, summary: BatchSummary, lang: str) -> go.Figure:
    fig, _ = fan_figure(summary, "core_indicator_tco2_per_tce")
    fig.data[0].name, fig.data[1].name = WORDS[lang]["p10_p90"], WORDS[lang]["p50"]
    thr = summary.quantiles[summary.quantiles["indicator"] == "core_threshold_tco2_per_tce"].sort_values("year")
    if len(thr):
        fig.add_scatter(x=thr["year"], y=thr["p50"], mode="lines", name=t("threshold", lang),
                        line=dict(color="#c0392b", dash="dash"))
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title=t("core_indicator", lang), hovermode="x unified")
    return fig


@batch_figure("probabilities", 30, "Probability of meeting each target, by year", "各目标逐年达标概率")
def probability_curves(batch: Batch, summary: BatchSummary, lang: str) -> go.Figure:
    labels = {tg.key: tg.label(lang) for tg in default_targets()}
    p = summary.probabilities
    fig = go.Figure()
    for i, (target, rows) in enumerate(p.groupby("target", sort=False)):
        colour = TARGET_COLOURS[i % len(TARGET_COLOURS)]
        label = labels.get(target, target)
        fig.add_scatter(x=rows["year"], y=rows["p_in_year"], mode="lines+markers", name=f"{label} — {WORDS[lang]['in_year']}",
                        line=dict(color=colour, width=2), legendgroup=target)
        fig.add_scatter(x=rows["year"], y=rows["p_by_year"], mode="lines", name=f"{label} — {WORDS[lang]['by_year']}",
                        line=dict(color=colour, width=1, dash="dot"), legendgroup=target)
    fig.update_layout(xaxis=dict(title=t("year", lang), tickformat="d"),
                      yaxis=dict(title=WORDS[lang]["probability"], range=[-0.02, 1.02], tickformat=".0%"),
                      legend=dict(orientation="h", y=-0.25), hovermode="x unified")
    return fig


@batch_figure("sensitivity", 40, "Which uncertainty matters most (global sensitivity)", "哪项不确定性影响最大（全局敏感性）")
def sensitivity_bars(batch: Batch, summary: BatchSummary, lang: str) -> go.Figure | None:
    s = summary.sensitivity
    index = summary.headline.get("sensitivity_index")
    if s.empty or index is None:
        return None
    outputs = list(dict.fromkeys(s["output"]))
    fig = make_subplots(rows=1, cols=len(outputs), subplot_titles=[output_label(o, lang) for o in outputs],
                        horizontal_spacing=0.18 if len(outputs) < 3 else 0.12)
    for col, output in enumerate(outputs, start=1):
        rows = s[(s["output"] == output) & (s["index"] == index)].sort_values("value")
        fig.add_bar(x=rows["value"], y=rows["input"], orientation="h", name=f"{output}: {index}",
                    marker_color="#3969ac", showlegend=False,
                    error_x=dict(type="data", array=rows["conf"].fillna(0).tolist(), visible=True, color="#999"),
                    row=1, col=col)
        fig.update_xaxes(title_text=f"{summary.headline['sensitivity_method']} {index}", row=1, col=col)
    fig.update_layout(height=max(320, 60 + 34 * len(batch.names)))
    return fig


@batch_figure("cost", 50, "Pathway cost across replicates", "各样本的路径成本分布")
def cost_histogram(batch: Batch, summary: BatchSummary, lang: str) -> go.Figure:
    cost = summary.outputs["pathway_cost_cny"] / 1e9
    fig = go.Figure()
    fig.add_histogram(x=cost, nbinsx=min(40, max(5, len(cost) // 5)), marker_color="#3969ac", name=WORDS[lang]["replicates"])
    for key, dash in (("p10", "dot"), ("p50", "solid"), ("p90", "dot")):
        fig.add_vline(x=summary.headline["pathway_cost_cny"][key] / 1e9, line=dict(color="#17324d", dash=dash),
                      annotation_text=key.upper(), annotation_position="top")
    fig.update_layout(xaxis_title=WORDS[lang]["cost_axis"],
                      yaxis_title=WORDS[lang]["replicates"], showlegend=False, bargap=0.05)
    return fig


def _kpis(summary: BatchSummary, lang: str) -> list[tuple[str, str]]:
    h, w = summary.headline, WORDS[lang]
    y = h["final_year"]
    net, cost = h["net_tco2_final"], h["pathway_cost_cny"]
    out = [(f"{h['runs']:,}", w["runs"])]
    if "p_net_zero" in h:
        out.append((f"{h['p_net_zero']:.0%}", w["p_net"].format(y=y)))
    if "p_core_met" in h:
        out.append((f"{h['p_core_met']:.0%}", w["p_core"].format(y=y)))
    out.append((f"{net['p50']:,.0f} [{net['p10']:,.0f} – {net['p90']:,.0f}] tCO₂", w["net_p50"].format(y=y)))
    out.append((f"{cost['p50'] / 1e9:,.2f} [{cost['p10'] / 1e9:,.2f} – {cost['p90'] / 1e9:,.2f}] {w['bn']}", w["cost_p50"]))
    if "private_cost_cny" in h:  # the private view beside the system cost (economics.cashflows)
        pc = h["private_cost_cny"]
        out.append((f"{pc['p50'] / 1e9:,.2f} [{pc['p10'] / 1e9:,.2f} – {pc['p90'] / 1e9:,.2f}] {w['bn']}", w["private_p50"]))
    return out


def _inputs_table(batch: Batch, lang: str) -> str:
    w = WORDS[lang]
    rows = []
    for name, spec in batch.info["inputs"].items():
        params = ", ".join(f"{k}={v}" for k, v in spec.items() if k not in ("path", "dist", "note", "rank_correlation", "integer"))
        corr = ", ".join(f"ρ({other})={rho}" for other, rho in spec.get("rank_correlation", {}).items())
        dist = f"{spec['dist']}({params})" + (f"; {corr}" if corr else "") + ("; whole numbers" if spec.get("integer") else "")
        rows.append(f"<tr><td>{html.escape(name)}</td><td><code>{html.escape(spec['path'])}</code></td>"
                    f"<td>{html.escape(dist)}</td><td>{html.escape(spec.get('note', ''))}</td></tr>")
    if not rows:
        return ""
    head = f"<tr><th>{w['name']}</th><th>{w['path']}</th><th>{w['dist']}</th><th>{w['note']}</th></tr>"
    return f'<section id="sec-inputs"><h2>{w["inputs"]}</h2><table class="inputs">{head}{"".join(rows)}</table></section>'


def render_batch_report(batch: Batch, lang: str = "en") -> str:
    """The whole batch report as one HTML string."""

    if lang not in WORDS:
        raise ValueError(f"lang must be one of {sorted(WORDS)}")
    summary = batch.summary()
    w, info = WORDS[lang], batch.info
    sections = []
    for spec in registered():
        fig = spec.build(batch, summary, lang)
        if fig is None:
            continue
        fig.update_layout(template="plotly_white", margin=dict(l=60, r=30, t=60, b=60))
        if fig.layout.legend.y is None:
            fig.update_layout(legend=dict(orientation="h", y=-0.2))
        div = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=f"fig-{spec.key}", config={"displaylogo": False})
        sections.append(f'<section id="sec-{spec.key}"><h2>{html.escape(spec.title[lang])}</h2>{div}</section>')
    note = summary.headline.get("sensitivity_note")
    notes = list(info.get("notes", [])) + ([w["sens_none"].format(why=note)] if note else [])
    notes_html = ("<section id='sec-notes'><h2>" + w["notes"] + "</h2><ul>"
                  + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul></section>") if notes else ""
    kpis = "".join(f'<div class="kpi"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>' for v, k in _kpis(summary, lang))
    meta_rows = {
        "batch": batch.id, "scenario": info["scenario_name"], "park": info.get("park_name"), "scenario file": info.get("scenario_file"),
        "inputs sha256": str(info.get("inputs_sha256", ""))[:16], w["design"]: f"{info['design']}, n={info['n']}, {info['runs']} runs",
        w["seed"]: info["batch_seed"], "seeds": info.get("seeds"),
        "overrides": ", ".join(f"{k}={v}" for k, v in info.get("overrides", [])) or "none",
        "parktwin": info.get("versions", {}).get("parktwin"),
    }
    title = f"{w['title']} — {info['scenario_name']}"
    years = info.get("years", [""])
    extra_css = "table.inputs{border-collapse:collapse;font-size:13px}table.inputs td,table.inputs th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left;vertical-align:top}"
    subtitle = (f"{html.escape(str(info.get('park_name', '')))} · {w['design']} {html.escape(info['design'])} · "
                f"{info['runs']:,} {w['runs']} · {years[0]}–{years[-1]}")
    main = f'<div class="kpis">{kpis}</div>{"".join(sections)}{_inputs_table(batch, lang)}{notes_html}'
    return html_page(title, lang, subtitle, main, meta_table(meta_rows), extra_css)


def write_batch_report(batch: Batch, path: str | Path, lang: str = "en") -> Path:
    """Write the batch report atomically; returns its path."""

    return write_page(render_batch_report(batch, lang), path)

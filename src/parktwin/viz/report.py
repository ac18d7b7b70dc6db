"""The run report: one self-contained HTML file (plotly.js embedded) that opens offline."""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import plotly.io as pio
from plotly.offline import get_plotlyjs

from parktwin.atomic import write_bytes
from parktwin.accounting.stages import STAGES, stage_status
from parktwin.results.tables import Results
from parktwin.viz.labels import t
from parktwin.viz.registry import registered
from parktwin.viz.summary import display, summary_html

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#17324d;color:#fff;padding:18px 32px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85;font-size:13px}main{max-width:1180px;margin:0 auto;padding:12px 24px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.kpi{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:170px}
.kpi b{display:block;font-size:20px}.kpi span{font-size:12px;color:#555}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:16px 0;padding:8px 12px}
section h2{font-size:17px;margin:6px 4px}footer{font-size:11px;color:#666;padding:16px 32px}
table.meta td{padding:1px 8px;vertical-align:top}
nav.toc{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:6px 14px;font-size:13px;columns:3 220px}
nav.toc h2{font-size:15px;margin:4px 0;column-span:all}nav.toc b{display:block;margin-top:4px}nav.toc a{color:#17324d;text-decoration:none;display:block;padding:1px 0}
nav.toc a:hover{text-decoration:underline}h2.group{font-size:19px;margin:26px 4px 4px;color:#17324d;border-bottom:2px solid #17324d;padding-bottom:3px}
.summary p{margin:6px 4px 10px;line-height:1.55;font-size:14px}.summary .num{font-weight:600}
"""

TEXT = {
    "en": {
        "title": "Park transition pathway",
        "seed": "seed",
        "net_base": "Net emissions {y}",
        "net_last": "Net emissions {y}",
        "net_zero_year": "First year net ≤ 0",
        "core_year": "First year core indicator met",
        "never": "not reached",
        "why_net": "{y}: {v} tCO₂ net",
        "why_core": "{y}: {v} against ≤ {thr} tCO₂/tce",
        "why_stage": "{y}: blocked by {names} ({n} of the {stage}'s {k} indicators not passed)",
        "core_last": "Core indicator {y}",
        "cost": "Pathway system cost (NPV)",
        "private": "Private cost, parties’ own rates (NPV)",
        "contents": "Contents",
        "zero_stage": "First year as a zero-carbon park",
        "method": "Method",
    },
    "zh": {
        "title": "园区转型路径",
        "seed": "随机种子",
        "net_base": "{y}年净排放",
        "net_last": "{y}年净排放",
        "net_zero_year": "首次净排放≤0年份",
        "core_year": "单位能耗碳排放首次达标年份",
        "never": "未达到",
        "why_net": "{y}年净排放{v} tCO₂",
        "why_core": "{y}年为{v}（要求 ≤ {thr} tCO₂/tce）",
        "why_stage": "{y}年受制于{names}（{stage}{k}项指标中{n}项未通过）",
        "core_last": "{y}年单位能耗碳排放",
        "cost": "路径系统成本现值",
        "private": "主体自身成本现值（各主体折现率）",
        "contents": "目录",
        "zero_stage": "首次达到零碳园区的年份",
        "method": "方法",
    },
}


# The report's sections, in page order, each with its figures (by registry key). A figure not
# listed here is shown under the last group ("more"), so a newly registered figure is never lost.
GROUPS: tuple[tuple[str, dict[str, str], tuple[str, ...]], ...] = (
    ("pathway", {"en": "Pathway: emissions and targets", "zh": "转型路径：排放与目标"},
     ("emissions", "waterfall", "indicators", "sankey_carbon", "pdca")),
    ("energy", {"en": "Energy", "zh": "能源"},
     ("energy_mix", "electricity_balance", "heat_balance", "hydrogen_balance", "dispatch_week", "sankey_energy")),
    ("money", {"en": "Money", "zh": "资金"},
     ("costs", "adoption", "investments_money", "cashflows", "macc", "financing")),
    ("resources", {"en": "Resources and stages", "zh": "资源与园区阶段"},
     ("stages", "indicator_status", "sankey_water", "sankey_materials", "symbiosis_network")),
    ("products", {"en": "Products: unit energy and CBAM", "zh": "产品：单位能耗与碳边境调节"}, ("product_energy", "cbam")),
    ("data", {"en": "Data", "zh": "数据"}, ("reconciliation",)),
    ("more", {"en": "More figures", "zh": "其他图表"}, ()),
)


def group_of(key: str) -> str:
    """The report section (``GROUPS``) a figure is shown under."""
    return next((group for group, _, keys in GROUPS if key in keys), GROUPS[-1][0])


HOVER_FORMAT = ",.4~r"  # d3: four significant figures, thousands separated, no exponent


def dress(fig, top_margin: int = 60):
    """The house look shared by the report, the dashboard and slides: margins, and a horizontal
    legend under the plot unless the figure placed its own."""
    fig.update_layout(margin=dict(l=60, r=30, t=top_margin, b=60))
    if fig.layout.legend.y is None:
        fig.update_layout(legend=dict(orientation="h", y=-0.2))
    # hovers round like the axis (or to 4 significant figures) where a trace sets no template
    fig.for_each_yaxis(lambda ax: ax.update(hoverformat=ax.tickformat or HOVER_FORMAT) if ax.hoverformat is None else None)
    return fig


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    return get_plotlyjs()


def key_figures(results: Results, lang: str) -> list[tuple[str, str]]:
    """(value, label) pairs for the top of the report, rounded for people (as the summary: viz.summary.display)."""
    a = results.annual
    words = TEXT[lang]
    first, last = a.iloc[0], a.iloc[-1]
    net_zero = results.first_year_where(a["net_tco2"] <= 0)
    core = results.first_year("core_met")
    stages = results.stage_table()
    zero = stages.loc[stages["stage_reached"] == "zero_carbon", "year"]
    y1 = int(last["year"])

    def never(reason: str) -> str:  # the reason of the last year, under the card's label
        return f" — {reason}" if lang == "en" else f"——{reason}"

    net_why = never(words["why_net"].format(y=y1, v=display(last["net_tco2"], "tco2", lang).replace(" tCO₂", "")))
    core_why = never(words["why_core"].format(y=y1, v=display(last["core_indicator_tco2_per_tce"], "core", lang).replace(" tCO₂/tce", ""),
                                              thr=display(last["core_threshold_tco2_per_tce"], "core", lang).replace(" tCO₂/tce", "")))
    return [
        (display(first["net_tco2"], "tco2", lang), words["net_base"].format(y=int(first["year"]))),
        (display(last["net_tco2"], "tco2", lang), words["net_last"].format(y=y1)),
        (str(net_zero), words["net_zero_year"]) if net_zero else (words["never"], words["net_zero_year"] + net_why),
        (display(last["core_indicator_tco2_per_tce"], "core", lang), words["core_last"].format(y=y1)),
        (str(core), words["core_year"]) if core else (words["never"], words["core_year"] + core_why),
        (str(int(zero.iloc[0])), words["zero_stage"]) if len(zero)
        else (words["never"], words["zero_stage"] + never(_stage_reason(results, "zero_carbon", lang))),
        (display(results.pathway_cost_npv_cny(), "cny", lang), words["cost"]),
        *([(display(results.private_npv_cny(), "cny", lang), words["private"])] if len(results.cashflows) else []),
    ]


def _stage_reason(results: Results, stage: str, lang: str) -> str:
    """Why ``stage`` is not reached in the last year: its own blocking indicators, else the first stage below
    that blocks the ladder (accounting.stages.stage_status)."""
    assessment = results.assessment()
    y1 = int(assessment["year"].max())
    last = assessment[assessment["year"] == y1]
    status = stage_status(last).set_index("stage")
    names = last.set_index("indicator")["name_zh" if lang == "zh" else "name_en"]
    for s in STAGES[: STAGES.index(stage) + 1]:  # the lowest stage that blocks the ladder
        row = status.loc[s]
        if not row["own_met"]:
            ids = [b.split(" (", 1)[0] for b in row["blocking"]]
            shown = ", ".join(str(names[i]) for i in ids[:2]) + (f", +{len(ids) - 2}" if len(ids) > 2 else "")
            name = t(f"stage_{s}", lang)
            return TEXT[lang]["why_stage"].format(y=y1, n=len(ids), k=int(row["indicators"]), names=shown,
                                                  stage=name.lower() if lang == "en" else name)
    return ""


def meta_table(rows: dict) -> str:
    """The footer's rows of provenance (key, value), escaped."""
    return "".join(f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>" for k, v in rows.items())


def html_page(title: str, lang: str, subtitle_html: str, main_html: str, meta_html: str, extra_css: str = "") -> str:
    """One offline page in the house style: plotly.js embedded, a header (title and a line under it),
    the main sections, a provenance footer. ``subtitle_html``, ``main_html`` and ``meta_html`` are
    HTML already escaped by the caller."""
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>{CSS}{extra_css}</style>
<script type="text/javascript">{_plotly_js()}</script></head>
<body><header><h1>{html.escape(title)}</h1>
<p>{subtitle_html}</p></header>
<main>{main_html}</main>
<footer><table class="meta">{meta_html}</table></footer></body></html>
"""


def write_page(text: str, path: str | Path) -> Path:
    """Write a page atomically (a crash never leaves half a page), folders created."""

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes(text.encode("utf-8"), path)


def render_report(results: Results, lang: str = "en") -> str:
    """The whole report as one HTML string."""
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {sorted(TEXT)}")
    m = results.manifest
    words = TEXT[lang]
    by_group: dict[str, list[str]] = {group: [] for group, _, _ in GROUPS}
    toc: dict[str, list[str]] = {group: [] for group, _, _ in GROUPS}
    for spec in registered():
        fig = spec.build(results, lang)
        if fig is None:
            continue
        dress(fig).update_layout(template="plotly_white")
        div = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=f"fig-{spec.key}", config={"displaylogo": False})
        title = html.escape(spec.title[lang])
        group = group_of(spec.key)
        by_group[group].append(f'<section id="sec-{spec.key}"><h2>{title}</h2>{div}</section>')
        toc[group].append(f'<a href="#sec-{spec.key}">{title}</a>')
    sections, contents = [], []
    for group, heading, _ in GROUPS:
        if by_group[group]:
            sections.append(f'<h2 class="group" id="grp-{group}">{html.escape(heading[lang])}</h2>' + "".join(by_group[group]))
            contents.append(f'<div><b><a href="#grp-{group}">{html.escape(heading[lang])}</a></b>{"".join(toc[group])}</div>')
    nav = f'<nav class="toc" id="toc"><h2>{words["contents"]}</h2>{"".join(contents)}</nav>'
    kpis = "".join(f'<div class="kpi"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>' for v, k in key_figures(results, lang))
    meta_rows = {
        "scenario": m.get("scenario_name"),
        "park": m.get("park_name"),
        "scenario file": m.get("scenario_file"),
        "inputs sha256": str(m.get("inputs_sha256", ""))[:16],
        "overrides": ", ".join(f"{k}={v}" for k, v in m.get("overrides", [])) or "none",
        words["method"]: m.get("method_note", ""),
        "parktwin": m.get("versions", {}).get("parktwin"),
    }
    title = f"{words['title']} — {m.get('scenario_name', '')}"
    subtitle = f"{html.escape(m.get('park_name', ''))} · {words['seed']} {m.get('seed')} · {m.get('years', [''])[0]}–{m.get('years', [''])[-1]}"
    main = f'<div class="kpis">{kpis}</div>{summary_html(results, lang)}{nav}{"".join(sections)}'
    return html_page(title, lang, subtitle, main, meta_table(meta_rows))


def write_report(results: Results, path: str | Path, lang: str = "en") -> Path:
    return write_page(render_report(results, lang), path)

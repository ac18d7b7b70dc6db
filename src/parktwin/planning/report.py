"""The plan report: one offline HTML page (the house page shell, plotly embedded), English or Chinese.

Sections: the targets and their slack; the chosen items on a timeline by phase; the candidates'
MACC (each alone at its bound, from the screen) with the chosen ones marked; net emissions and
system cost against the input as it is (bau or the user's roadmap) and any roadmap compared;
for a robust plan the price of robustness and the uncertain inputs, in which ranges, under which
the plan still fails (PRIM boxes); the runs each stage took.
"""

from __future__ import annotations

import html
from pathlib import Path

import plotly.graph_objects as go

from parktwin.accounting.phases import PHASES, phase_of
from parktwin.planning.write import why_text
from parktwin.viz.report import html_page, write_page

TEXT = {
    "en": {
        "title": "Plan: the least-cost roadmap that meets the targets",
        "targets": "Targets and slack", "target": "target", "met": "met", "slack": "slack", "holds_from": "holds from",
        "timeline": "Chosen measures by phase", "macc": "Candidates' marginal abatement cost (each alone at its bound)",
        "paths": "Net emissions", "costs": "System cost per year", "robust": "Robustness", "runs": "Runs",
        "chosen": "chosen", "not_chosen": "not chosen", "plan": "plan", "input": "input as it is", "maximum": "every candidate at its bound",
        "item": "item", "year": "year", "why": "why", "yes": "yes", "no": "no",
        "npv": "system cost NPV", "private": "private view", "mcny": "M CNY", "cny_per_t": "CNY/tCO₂", "kt": "kt CO₂ abated (horizon)",
        "prim": "Where the robust plan still fails (PRIM boxes over the uncertain inputs)", "price": "price of robustness",
        "probability": "probability the targets are met", "stage_runs": "model runs by stage",
        "not_planned": "Registered kinds not planned",
        "check": "fresh check on replicates of another seed", "aim": "aimed at (confidence plus one standard error of the sample)",
    },
    "zh": {
        "title": "规划：满足目标的最低成本路线图",
        "targets": "目标与裕度", "target": "目标", "met": "达成", "slack": "裕度", "holds_from": "自此年起保持",
        "timeline": "按阶段选定的措施", "macc": "候选措施的边际减排成本（各自单独取上限）",
        "paths": "净排放", "costs": "每年系统成本", "robust": "稳健性", "runs": "运行次数",
        "chosen": "已选", "not_chosen": "未选", "plan": "规划", "input": "输入情景", "maximum": "全部候选取上限",
        "item": "措施", "year": "年份", "why": "理由", "yes": "是", "no": "否",
        "npv": "系统成本净现值", "private": "私人视角", "mcny": "百万元", "cny_per_t": "元/吨CO₂", "kt": "千吨CO₂减排（全期）",
        "prim": "稳健规划仍失败的情形（不确定输入的PRIM盒）", "price": "稳健性的代价",
        "probability": "目标达成概率", "stage_runs": "各阶段模型运行次数",
        "not_planned": "未纳入规划的技术类型",
        "check": "另一随机种子的新样本检验", "aim": "目标值（置信度加样本的一个标准误）",
    },
}


def _fig_html(fig: go.Figure) -> str:
    fig.update_layout(template="plotly_white", height=420, margin=dict(l=60, r=20, t=30, b=50))
    return fig.to_html(full_html=False, include_plotlyjs=False)


def _timeline(result, t: dict, lang: str) -> go.Figure:
    base_year = result.claims["years"][0]
    fig = go.Figure()
    for ph in PHASES[2:]:
        first = base_year + ph.first_index
        last = base_year + (ph.last_index if ph.last_index is not None else result.claims["years"][-1] - base_year)
        fig.add_vrect(x0=first - 0.5, x1=last + 0.5, fillcolor=["#e8f1fb", "#eaf7ea", "#fbf3e6"][ph.number - 2], opacity=0.6, line_width=0,
                      annotation_text=ph.name_zh if lang == "zh" else ph.name_en, annotation_position="top left")
    items = sorted(result.roadmap, key=lambda it: it["year"])
    fig.add_trace(go.Scatter(x=[it["year"] for it in items], y=[it["id"].removeprefix("plan_") for it in items], mode="markers",
                             marker=dict(size=12, color="#1f6fb4"), name=t["chosen"],
                             text=[result_why(result, it["id"]) for it in items], hovertemplate="%{y} %{x}<br>%{text}<extra></extra>"))
    if result.offsets:
        fig.add_trace(go.Scatter(x=[result.offsets["start_year"]], y=["offsets"], mode="markers", marker=dict(size=12, color="#999"),
                                 name="offsets"))
    fig.update_layout(xaxis_title=t["year"], height=max(380, 28 * len(items)))
    return fig


def result_why(result, key: str) -> str:
    return why_text(result.whys.get(key))


def _macc(result, t: dict) -> go.Figure:
    chosen_kinds = {(it["kind"], it.get("technology") or it.get("measure") or "") for it in result.roadmap}
    if result.offsets:
        chosen_kinds.add(("offsets", ""))
    rows = [r for r in result.macc if r.get("cny_per_tco2") is not None]
    x0, xs, widths, ys, colors, names = 0.0, [], [], [], [], []
    for r in rows:
        w = r["abated_tco2"] / 1e3
        xs.append(x0 + w / 2)
        widths.append(w)
        ys.append(r["cny_per_tco2"])
        chosen = (r["kind"], r["option"]) in chosen_kinds
        colors.append("#1f6fb4" if chosen else "#bbbbbb")
        names.append(f"{r['id']} ({t['chosen'] if chosen else t['not_chosen']})")
        x0 += w
    fig = go.Figure(go.Bar(x=xs, y=ys, width=widths, marker_color=colors, text=names, hovertemplate="%{text}<br>%{y:,.0f} CNY/t<extra></extra>"))
    fig.update_layout(xaxis_title=t["kt"], yaxis_title=t["cny_per_t"], showlegend=False)
    return fig


def _paths(result, t: dict, column: str, scale: float, title: str) -> go.Figure:
    fig = go.Figure()
    series = [(t["plan"], result.claims, "#1f6fb4"), (t["input"], result.base, "#888888")]
    series += [(name, other, None) for name, other in result.against.items()]
    if result.deterministic and result.deterministic.get("run"):
        series.append(("deterministic plan", result.deterministic["run"], "#7fb3e0"))
    for name, run, color in series:
        fig.add_trace(go.Scatter(x=run["years"], y=[v / scale for v in run[column]], name=name, mode="lines",
                                 line=dict(color=color) if color else None))
    fig.update_layout(yaxis_title=title, xaxis_title=t["year"])
    return fig


def render_plan_report(result, lang: str = "en") -> str:
    t = TEXT[lang]
    c = result.claims
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{t['yes'] if v['met'] else t['no']}</td><td>{html.escape(v['slack'])}</td>"
        f"<td>{v['achieved'] or ''}</td></tr>" for name, v in c["targets"].items())
    parts = [f"<section><h2>{t['targets']}</h2><table class='cmp'><tr><th>{t['target']}</th><th>{t['met']}</th><th>{t['slack']}</th>"
             f"<th>{t['holds_from']}</th></tr>{rows}</table>"]
    money = [(t["plan"], c), (t["input"], result.base), *result.against.items()]
    parts.append("<table class='cmp'><tr><th></th><th>" + t["npv"] + f" [{t['mcny']}]</th><th>{t['private']} [{t['mcny']}]</th></tr>"
                 + "".join(f"<tr><td>{html.escape(n)}</td><td><span class='num' data-value='{r['npv_cny']}'>{r['npv_cny'] / 1e6:,.0f}</span></td>"
                           f"<td>{r['private_npv_cny'] / 1e6:,.0f}</td></tr>" for n, r in money) + "</table></section>")
    parts.append(f"<section><h2>{t['timeline']}</h2>{_fig_html(_timeline(result, t, lang))}")
    items = "".join(f"<tr><td>{phase_of(it['year'] - c['years'][0]).number}</td><td>{it['year']}</td><td>{html.escape(it['id'])}</td>"
                    f"<td>{html.escape(result_why(result, it['id']))}</td></tr>" for it in sorted(result.roadmap, key=lambda it: it["year"]))
    parts.append(f"<table class='cmp'><tr><th>phase</th><th>{t['year']}</th><th>{t['item']}</th><th>{t['why']}</th></tr>{items}</table></section>")
    parts.append(f"<section><h2>{t['macc']}</h2>{_fig_html(_macc(result, t))}</section>")
    parts.append(f"<section><h2>{t['paths']}</h2>{_fig_html(_paths(result, t, 'net_tco2', 1e3, 'kt CO₂'))}")
    parts.append(f"<h2>{t['costs']}</h2>{_fig_html(_paths(result, t, 'system_cost_cny', 1e6, t['mcny']))}</section>")
    if result.robust:
        r = result.robust
        boxes = "".join(
            f"<tr><td>{i + 1}</td><td>{b['coverage']:.0%}</td><td>{b['density']:.0%}</td><td>"
            + "; ".join(f"{html.escape(k)} ∈ [{lo:.4g}, {hi:.4g}]" for k, (lo, hi) in b["limits"].items()) + "</td></tr>"
            for i, b in enumerate(r.get("prim") or []))
        check = r.get("check")
        check_text = (f"<p>{t['check']}: {check['probability']:.1%} ({check['n']}, seed {check['seed']}; "
                      f"<code>parktwin mc … -n {check['n']} --seed {check['seed']}</code>)</p>") if check else ""
        parts.append(f"<section><h2>{t['robust']}</h2><p>{t['probability']}: {r['probability']:.1%} ({r['n']}); "
                     f"{t['aim']}: {r['aim']:.1%}; "
                     f"{t['price']}: {r['price_cny'] / 1e6:+,.0f} {t['mcny']}</p>{check_text}"
                     f"<h3>{t['prim']}</h3><table class='cmp'><tr><th>#</th><th>coverage</th><th>density</th><th>box</th></tr>{boxes}</table>"
                     f"<p>{html.escape(r.get('prim_note', ''))}</p></section>")
    parts.append(f"<section><h2>{t['runs']}</h2><p>{t['stage_runs']}: "
                 + ", ".join(f"{k} {v}" for k, v in result.runs.items()) + f"; {result.n_kept}/{result.n_candidates} candidates kept</p>"
                 + (f"<h3>{t['not_planned']}</h3><ul>" + "".join(
                     f"<li>{html.escape(n['kind'] + (':' + n['option'] if n['option'] else ''))}: {html.escape(n['reason'])}</li>"
                     for n in result.not_planned) + "</ul>" if result.not_planned else "") + "</section>")
    meta = (f"<tr><th>scenario</th><td>{html.escape(result.scenario_file)}</td></tr>"
            f"<tr><th>seed</th><td>{result.seed}</td></tr><tr><th>targets</th><td>{html.escape(', '.join(result.targets.names()))}</td></tr>")
    return html_page(t["title"], lang, html.escape(f"{result.scenario_file} → {result.out or ''}"), "".join(parts), meta)


def write_plan_report(result, path: str | Path, lang: str = "en") -> Path:
    return write_page(render_plan_report(result, lang), path)

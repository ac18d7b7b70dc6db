"""The operator's PDCA loop in one figure: an indicator against its glide path, and what was done."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from parktwin.results.tables import Results
from parktwin.viz.figures import mark_phases
from parktwin.viz.registry import figure

LABELS = {
    "value": {"en": "actual", "zh": "实际值"},
    "target": {"en": "glide path to the targets", "zh": "目标路径"},
    "money_axis": {"en": "Committed [million CNY]", "zh": "承诺资金 [百万元]"},
    "fund_paid": {"en": "fund paid to firms", "zh": "基金已拨付"},
    "more_green_contracts": {"en": "more green contracts", "zh": "增购绿电"},
    "park_subsidy_fund": {"en": "park subsidy fund", "zh": "园区补贴基金"},
    "faster_pv": {"en": "faster rooftop PV", "zh": "加快屋顶光伏"},
    "net_tco2": {"en": "Net emissions [tCO₂]", "zh": "净排放 [tCO₂]"},
    "core_indicator_tco2_per_tce": {"en": "Core indicator [tCO₂/tce]", "zh": "单位能耗碳排放 [tCO₂/tce]"},
    "clean_energy_share": {"en": "Clean energy share [0–1]", "zh": "清洁能源消费占比 [0–1]"},
    "renewable_share": {"en": "Non-fossil share [0–1]", "zh": "非化石能源占比 [0–1]"},
    "year": {"en": "Year", "zh": "年份"},
}
INDICATOR_ORDER = ("net_tco2", "core_indicator_tco2_per_tce", "clean_energy_share", "renewable_share")


def _t(key: str, lang: str) -> str:
    entry = LABELS.get(key, {})
    return entry.get(lang) or entry.get("en", key)


@figure("pdca", 58, "The operator's PDCA: checks and escalation", "运营方PDCA：检查与升级措施")
def pdca_figure(results: Results, lang: str) -> go.Figure | None:
    """Top: the most-watched indicator against its glide path; bottom: money committed by action per year."""
    rv = results.reviews
    if rv.empty or "action" not in rv or not (rv["action"] != "").any():
        return None  # no escalation rules acted in this run
    checks, acts = rv[rv["action"] == ""], rv[rv["action"] != ""]
    watched = acts["indicator"].value_counts()
    indicator = max(watched.index, key=lambda k: (watched[k], -INDICATOR_ORDER.index(k)))
    line = checks[checks["indicator"] == indicator].sort_values("year")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.6, 0.4])
    fig.add_scatter(x=line["year"], y=line["value"], name=_t("value", lang), mode="lines+markers", row=1, col=1)
    fig.add_scatter(x=line["year"], y=line["target"], name=_t("target", lang), mode="lines", line=dict(dash="dash"), row=1, col=1)
    money = acts.groupby(["year", "action"])["committed_cny"].sum().unstack(fill_value=0.0)
    for action in money.columns:
        fig.add_bar(x=money.index, y=money[action] / 1e6, name=_t(action, lang), row=2, col=1)
    paid = results.annual.get("subsidy_fund_paid_cny")
    if paid is not None and paid.sum() > 0:
        fig.add_scatter(x=results.annual["year"], y=paid / 1e6, name=_t("fund_paid", lang), mode="lines", row=2, col=1)
    mark_phases(fig, results, lang, axes=("", "2"), label=False)
    fig.update_layout(barmode="stack", hovermode="x unified")
    fig.update_yaxes(title_text=_t(indicator, lang), row=1, col=1)
    fig.update_yaxes(title_text=_t("money_axis", lang), row=2, col=1)
    fig.update_xaxes(title_text=_t("year", lang), row=2, col=1)
    return fig

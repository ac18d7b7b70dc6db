"""Figure of the run's base year against the park's measured totals (the ``reconciliation`` table)."""

from __future__ import annotations

import plotly.graph_objects as go

from parktwin.data import constant
from parktwin.results.tables import Results
from parktwin.viz.registry import figure

WORDS = {
    "en": {"x": "bottom-up − measured [% of measured]", "trace": "difference", "bottom_up": "bottom-up", "measured": "measured"},
    "zh": {"x": "自下而上 − 实测 [占实测的%]", "trace": "差异", "bottom_up": "自下而上", "measured": "实测"},
}


@figure("reconciliation", 90, "Base year against the measured totals", "基准年模型结果与实测总量对比")
def reconciliation_figure(results: Results, lang: str) -> go.Figure | None:
    """One bar per measured quantity (park first, then each measured enterprise): the bottom-up
    base year's difference from the measured total [%], red beyond reconciliation_tolerance_share
    (data/constants.csv); the hover gives both values and units. None when the park states no measured totals."""
    table = results.reconciliation_table()
    rows = table[table["difference_pct"].notna()] if not table.empty else table
    if rows.empty:
        return None
    w = WORDS[lang]
    labels = [f"{r.scope} · {r.quantity}" for r in rows.itertuples()]
    hover = [f"{w['bottom_up']} {r.bottom_up:,.0f} {r.unit}<br>{w['measured']} {r.measured:,.0f} {r.unit}" for r in rows.itertuples()]
    limit_pct = constant("reconciliation_tolerance_share") * 100.0
    colours = ["#c0392b" if abs(v) > limit_pct else "#2e86c1" for v in rows["difference_pct"]]
    fig = go.Figure(go.Bar(x=rows["difference_pct"], y=labels, orientation="h", name=w["trace"], marker_color=colours,
                           hovertext=hover, hoverinfo="text+x"))
    fig.update_layout(xaxis_title=w["x"], yaxis=dict(autorange="reversed"), height=max(300, 24 * len(rows) + 120), showlegend=False)
    fig.add_vline(x=0, line_color="#555", line_width=1)
    return fig

"""The run report's own-data section: the base year against the park's measured totals (the
``reconciliation`` table, as bars and as a table with tolerance marks) and the measured series read
(the ``data_quality`` table). Each is shown only when the park has that kind of measured data."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from parktwin.data import constant
from parktwin.results.tables import Results
from parktwin.spec.calibration import Reconciliation
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


OK_COLOUR, OFF_COLOUR, PLAIN_COLOUR = "#e8f6ef", "#fbe3e1", "#ffffff"
TABLE_WORDS = {
    "en": {
        "entity": "Entity", "file": "File", "interval_min": "Interval [min]", "rows": "Rows read", "dropped_rows": "Rows dropped",
        "fill": "Fill policy", "filled_hours": "Hours filled", "fill_ranges": "Filled ranges", "series_mwh": "Series [MWh]",
        "declared_mwh": "Park file [MWh]", "difference_share": "Series − park file [%]",
        "scope": "Scope", "quantity": "Quantity", "unit": "Unit", "bottom_up": "Bottom-up", "measured": "Measured",
        "difference": "Difference", "difference_pct": "Difference [%]", "mark": "Within ±{tol:g} %",
        "within": "✓ within", "beyond": "✗ beyond", "no_value": "– no bottom-up value", "none": "none",
    },
    "zh": {
        "entity": "对象", "file": "文件", "interval_min": "时间间隔 [分钟]", "rows": "读入行数", "dropped_rows": "舍弃行数",
        "fill": "补缺方法", "filled_hours": "补缺小时数", "fill_ranges": "补缺时段", "series_mwh": "曲线电量 [MWh]",
        "declared_mwh": "园区文件电量 [MWh]", "difference_share": "曲线 − 园区文件 [%]",
        "scope": "范围", "quantity": "指标", "unit": "单位", "bottom_up": "自下而上", "measured": "实测",
        "difference": "差异", "difference_pct": "差异 [%]", "mark": "是否在±{tol:g}%以内",
        "within": "✓ 以内", "beyond": "✗ 超出", "no_value": "– 无自下而上值", "none": "无",
    },
}
SERIES_TABLE_COLUMNS = ("entity", "file", "interval_min", "rows", "dropped_rows", "fill", "filled_hours", "fill_ranges",
                        "series_mwh", "declared_mwh", "difference_share")
SERIES_FORMATS = {"rows": ",d", "dropped_rows": ",d", "filled_hours": ",.4~g", "series_mwh": ",.1f", "declared_mwh": ",.1f",
                  "difference_share": "+.2%"}
RECONCILIATION_TABLE_COLUMNS = ("scope", "quantity", "unit", "bottom_up", "measured", "difference", "difference_pct", "mark")
RECONCILIATION_FORMATS = {"bottom_up": ",.0f", "measured": ",.0f", "difference": ",.0f", "difference_pct": "+.2f"}


def _table(columns, formats: dict[str, str], values: list, words: dict[str, str], fill: list[str] | None = None) -> go.Figure:
    """A plotly table: one column per name in ``columns``, numbers kept as numbers (shown with
    ``formats``), header in the report's language."""
    n_rows = len(values[0]) if values else 0
    colours = [fill or [PLAIN_COLOUR] * n_rows] * len(columns)
    fig = go.Figure(go.Table(
        header={"values": [words[c].format(tol=constant("reconciliation_tolerance_share") * 100.0) for c in columns],
                "fill_color": "#17324d", "font": {"color": "white"}, "align": "left"},
        cells={"values": values, "format": [formats.get(c) for c in columns], "fill_color": colours, "align": "left"},
    ))
    fig.update_layout(height=min(120 + 28 * n_rows, 900))
    return fig


@figure("data_quality", 89, "Measured series: what was read and filled", "实测曲线：读入与补缺情况")
def data_quality_figure(results: Results, lang: str) -> go.Figure | None:
    """One row per measured series (the ``data_quality`` table): file, interval, rows read and
    dropped, fill policy, hours filled and their ranges, the series' MWh against the park file's.
    None when the park names no series."""
    dq = results.data_quality
    if dq is None or dq.empty:
        return None
    w = TABLE_WORDS[lang]
    values = []
    for c in SERIES_TABLE_COLUMNS:
        column = dq[c]
        if c == "fill_ranges":
            values.append([r if r else w["none"] for r in column])
        elif c in ("rows", "dropped_rows", "interval_min"):
            values.append([int(v) for v in column])
        elif c in SERIES_FORMATS:
            values.append([None if math.isnan(v) else float(v) for v in column])  # NaN: no annual figure to compare
        else:
            values.append([str(v) for v in column])
    return _table(SERIES_TABLE_COLUMNS, SERIES_FORMATS, values, w)


@figure("reconciliation_table", 91, "Measured totals: the reconciliation table", "实测总量：核对表")
def reconciliation_table_figure(results: Results, lang: str) -> go.Figure | None:
    """The ``reconciliation`` table row for row, each marked within or beyond
    reconciliation_tolerance_share (data/constants.csv) or as having no bottom-up value, its row
    green, red or plain. None when the park states no measured totals."""
    table = results.reconciliation_table()
    if table.empty:
        return None
    w = TABLE_WORDS[lang]
    rows = Reconciliation(table.reset_index(drop=True))
    beyond = set(rows.failures(constant("reconciliation_tolerance_share")).index)
    comparable = set(rows.comparable().index)
    marks = [w["beyond"] if i in beyond else w["within"] if i in comparable else w["no_value"] for i in rows.index]
    fill = [OFF_COLOUR if i in beyond else OK_COLOUR if i in comparable else PLAIN_COLOUR for i in rows.index]
    values = [[str(v) for v in rows[c]] if c in ("scope", "quantity", "unit")
              else [None if math.isnan(v) else float(v) for v in rows[c]] for c in RECONCILIATION_TABLE_COLUMNS[:-1]]
    values.append(marks)
    return _table(RECONCILIATION_TABLE_COLUMNS, RECONCILIATION_FORMATS, values, w, fill)

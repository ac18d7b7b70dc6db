"""The run report's products section: each product line's unit energy against its national
limit's grade 2, and the CBAM position of EU exports by firm and product (the ``products``
table; docs/products.md). Each figure is shown only when the park has that kind of product data."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from parktwin.results.tables import Results
from parktwin.viz.registry import figure

WORDS = {
    "en": {
        "y": "unit energy ÷ grade-2 limit [%]", "grade2": "grade 2 (100 %)", "year": "Year", "firm": "Firm",
        "product": "Product", "exported": "Exported [t]", "embedded": "Embedded [tCO₂/t]", "benchmark": "Benchmark × factor [tCO₂/t]",
        "before": "Certificates before deduction", "deduction": "Deduction for China's carbon price", "certificates": "Certificates",
        "cost_t": "Cost [CNY/t exported]", "basis": "Basis", "not_priced": "not priced",
    },
    "zh": {
        "y": "单位产品能耗 ÷ 二级限额 [%]", "grade2": "二级限额 (100 %)", "year": "年份", "firm": "企业",
        "product": "产品", "exported": "出口量 [t]", "embedded": "隐含排放 [tCO₂/t]", "benchmark": "基准值 × 系数 [tCO₂/t]",
        "before": "扣减前证书", "deduction": "国内碳价扣减", "certificates": "应缴证书",
        "cost_t": "成本 [元/吨出口]", "basis": "口径", "not_priced": "未定价",
    },
}


@figure("product_energy", 31, "Products' unit energy against the national limit's grade 2",
        "产品单位能耗与国家能耗限额二级")
def product_energy_figure(results: Results, lang: str) -> go.Figure | None:
    """One line per firm and product with a published grade 2: unit energy as a share of the
    grade-2 limit [%] each year; at or below 100 % meets 园区企业产品单位能耗达到能耗限额二级.
    None when no product line has a published grade 2."""
    p = results.products
    if p is None or p.empty:
        return None
    graded = p[p["grade2"].notna()]
    if graded.empty:
        return None
    w = WORDS[lang]
    fig = go.Figure()
    for (entity, product), rows in graded.groupby(["entity", "product"], sort=True):
        limit = rows["grade2"].astype(float)
        share = rows["unit_energy"].astype(float) / limit.where(limit != 0) * 100.0
        hover = [f"{u:,.4g} {lu} (grade {g})" for u, lu, g in zip(rows["unit_energy"], rows["limit_unit"], rows["grade"])]
        fig.add_scatter(x=rows["year"], y=share, mode="lines+markers", name=f"{entity} · {product}", hovertext=hover)
    fig.add_hline(y=100.0, line=dict(color="#c0392b", width=2, dash="dash"), annotation_text=w["grade2"],
                  annotation_position="bottom right")
    fig.update_xaxes(tickformat="d")
    fig.update_layout(xaxis_title=w["year"], yaxis_title=w["y"], hovermode="x unified")
    return fig


def _fmt(value, digits: str = ",.0f") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format(value, digits)


@figure("cbam", 32, "CBAM on exports to the EU, by firm and product", "出口欧盟产品的碳边境调节机制（CBAM）成本")
def cbam_figure(results: Results, lang: str) -> go.Figure | None:
    """The CBAM columns of the ``products`` table for EU exports of CBAM goods, from 2026: in
    2026, 2030, 2034 and the last year. None when nothing is exported to the EU."""
    p = results.products
    if p is None or p.empty or "cbam_certificates" not in p:
        return None
    rows = p[(p["export_destination"] == "EU") & p["cbam_embedded_tco2_per_t"].notna() & (p["year"] >= 2026)]
    if rows.empty:
        return None
    years = sorted({y for y in (2026, 2030, 2034, int(rows["year"].max())) if y in set(rows["year"])})
    rows = rows[rows["year"].isin(years)].sort_values(["entity", "product", "year"])
    w = WORDS[lang]
    header = [w[k] for k in ("firm", "product", "year", "exported", "embedded", "benchmark", "before", "deduction",
                             "certificates", "cost_t", "basis")]
    adjusted = rows["cbam_benchmark_tco2_per_t"].astype(float) * rows["cbam_factor_share"].astype(float)
    values = [
        list(rows["entity"]), list(rows["product"]), [str(int(y)) for y in rows["year"]],
        [_fmt(v) for v in rows["exported"]], [_fmt(v, ",.3f") for v in rows["cbam_embedded_tco2_per_t"]],
        [_fmt(v, ",.3f") for v in adjusted], [_fmt(v) for v in rows["cbam_certificates_before_deduction"]],
        [_fmt(v) for v in rows["cbam_deduction_certificates"]], [_fmt(v) for v in rows["cbam_certificates"]],
        [_fmt(v) if v == v else w["not_priced"] for v in rows["cbam_cost_cny_per_t"]], list(rows["cbam_basis"]),
    ]
    fig = go.Figure(go.Table(header=dict(values=header, align="left", fill_color="#f0f0f0"),
                             cells=dict(values=values, align=["left", "left"] + ["right"] * 8 + ["left"])))
    fig.update_layout(height=min(120 + 28 * len(rows), 900))
    return fig

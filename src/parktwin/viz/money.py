"""Money figures: investments by measure and instrument, private and system cash flows, the MACC,
financing need. Amounts in million CNY of the base year (the tables' CNY / 1e6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from parktwin.results.tables import Results
from parktwin.technologies.registry import technologies
from parktwin.viz.figures import mark_phases
from parktwin.viz.labels import t
from parktwin.viz.registry import figure

MCNY = 1e6
LABELS = {
    **{kind: tech.labels for kind, tech in technologies().items()},  # each roadmap kind's labels (data/technology_kinds.csv)
    "money_mcny": {"en": "Amount [million CNY of 2025 / yr]", "zh": "金额 [百万元（2025年价）/年]"},
    "by_kind": {"en": "Investment by measure", "zh": "按措施的投资"},
    "by_instrument": {"en": "Investment by financing instrument", "zh": "按融资工具的投资"},
    "equity_capex_cny": {"en": "Capex paid from equity", "zh": "自有资金投资"},
    "subsidy_income_cny": {"en": "Subsidies received (income)", "zh": "补贴收入"},
    "debt_service_cny": {"en": "Debt service", "zh": "还本付息"},
    "fixed_om_cny": {"en": "Fixed O&M", "zh": "固定运维"},
    "energy_cost_cny": {"en": "Energy bills", "zh": "能源费用"},
    "carbon_cost_cny": {"en": "Carbon payments", "zh": "碳成本"},
    "private_net": {"en": "Private cost (parties' cash flows)", "zh": "主体现金流出（私人视角）"},
    "system_cost": {"en": "System cost (subsidies, carbon as transfers)", "zh": "系统成本（补贴与碳支付为转移）"},
    "npv_views": {"en": "Private NPV at the parties' own rates: {p:,.2f} bn CNY · system NPV at {rate:.0f} %: {s:,.2f} bn CNY",
                  "zh": "私人视角现值（各主体自身折现率）：{pyi:,.1f} 亿元 · 系统成本现值（{rate:.0f}%）：{syi:,.1f} 亿元"},
    "abated_axis": {"en": "Abatement [tCO₂/yr], cumulative", "zh": "减排量 [tCO₂/年]（累计）"},
    "abatement_cost_axis": {"en": "Abatement cost [CNY/tCO₂]", "zh": "减排成本 [元/tCO₂]"},
    "carbon_price_final": {"en": "Carbon price {year}", "zh": "{year}年碳价"},
    "new_debt_cny": {"en": "New debt", "zh": "新增债务"},
    "equity_cny": {"en": "Equity", "zh": "自有资金"},
    "debt_outstanding_cny": {"en": "Debt outstanding (right axis)", "zh": "债务余额（右轴）"},
    "debt_axis": {"en": "Debt outstanding [million CNY]", "zh": "债务余额 [百万元]"},
    "none": {"en": "no financing (avoided purchases)", "zh": "无需融资（避免的采购）"},
    "commercial_loan": {"en": "Commercial loan", "zh": "商业贷款"},
    "green_loan": {"en": "Green loan", "zh": "绿色信贷"},
    "green_bond": {"en": "Green bond", "zh": "绿色债券"},
    "transition_bond": {"en": "Transition bond", "zh": "转型债券"},
    "policy_bank_loan": {"en": "Policy-bank loan", "zh": "政策性银行贷款"},
    "ppp": {"en": "PPP", "zh": "政府和社会资本合作（PPP）"},
    "green_fund": {"en": "Green fund", "zh": "绿色产业基金"},
    "other": {"en": "Other", "zh": "其他"},
    "heat_pump": {"en": "Heat pumps", "zh": "热泵"},
    "levelised_axis": {"en": "Levelised cost [CNY/kWh]", "zh": "平准化成本 [元/kWh]"},
    "lcoe_electricity": {"en": "Electricity: on-site PV, wind, stored in the battery (year bought)",
                         "zh": "电力：园区光伏、风电、电池储电（按购置年份）"},
    "lcoe_heat": {"en": "Heat: heat pumps, electric and gas boilers, hot-water store", "zh": "热力：热泵、电锅炉、燃气锅炉、蓄热水罐"},
    "heat_pump_low": {"en": "Heat pump ≤100 °C", "zh": "热泵（≤100 °C）"},
    "heat_pump_medium": {"en": "Heat pump 100–200 °C", "zh": "热泵（100–200 °C）"},
    "gas_boiler": {"en": "Gas boiler", "zh": "燃气锅炉"},
    "wind_onshore": {"en": "Wind", "zh": "风电"},
    "battery_energy": {"en": "Battery (stored electricity)", "zh": "电池储能（储电）"},
    "electric_boiler": {"en": "Electric boilers", "zh": "电锅炉"},
}
CASHFLOW_PARTS = ("equity_capex_cny", "subsidy_income_cny", "debt_service_cny", "fixed_om_cny", "energy_cost_cny", "carbon_cost_cny")
PART_COLOURS = ("#08519c", "#41ab5d", "#6baed6", "#9e9ac8", "#fd8d3c", "#7f7f7f")
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#1f78b4", "#b2df8a")


def tm(key: str, lang: str) -> str:
    """A money label in ``lang``, else the shared labels (viz/labels.py)."""
    entry = LABELS.get(key)
    return (entry.get(lang) or entry["en"]) if entry else t(key, lang)


def _by_year(frame: pd.DataFrame, column: str, value: str, years) -> pd.DataFrame:
    return frame.pivot_table(index="year", columns=column, values=value, aggfunc="sum").reindex(years).fillna(0.0)


@figure("investments_money", 56, "Investments per year, by measure and by financing instrument", "年度投资：按措施与融资工具")
def investments_figure(results: Results, lang: str) -> go.Figure | None:
    """Capex per year [million CNY] stacked by the measure's roadmap kind (top) and by the instrument
    that financed it (bottom); avoided purchases (diesel vehicles not bought) are negative."""
    inv = results.investments
    if inv.empty or "instrument" not in inv:
        return None
    years = results.annual["year"]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=(tm("by_kind", lang), tm("by_instrument", lang)))
    for row, column in ((1, "kind"), (2, "instrument")):
        table = _by_year(inv, column, "capex_cny", years)
        for i, key in enumerate(table.columns):
            fig.add_bar(x=years, y=table[key] / MCNY, name=tm(key, lang), marker_color=PALETTE[i % len(PALETTE)],
                        legendgroup=column, legendgrouptitle_text=tm(f"by_{column}", lang) if i == 0 else None,
                        hovertemplate=t("money_hover", lang), row=row, col=1)
    mark_phases(fig, results, lang, axes=("", "2"), label=False)
    fig.update_layout(barmode="relative", height=680, hovermode="x unified")
    fig.update_yaxes(title_text=tm("money_mcny", lang))
    fig.update_xaxes(title_text=t("year", lang), row=2, col=1)
    return fig


@figure("cashflows", 57, "Yearly cash flows: what the parties pay, and the system cost", "年度现金流：各主体支出与系统成本")
def cashflows_figure(results: Results, lang: str) -> go.Figure | None:
    """The private view stacked by component [million CNY/yr] (subsidies received below zero), its
    net line, and the system cost line; the two NPVs in the note."""
    cf = results.cashflows
    if cf is None or cf.empty:
        return None
    a = results.annual
    per_year = cf.groupby("year")[[*CASHFLOW_PARTS, "net_cost_cny"]].sum().reindex(a["year"]).fillna(0.0)
    fig = go.Figure()
    for part, colour in zip(CASHFLOW_PARTS, PART_COLOURS):
        sign = -1.0 if part == "subsidy_income_cny" else 1.0
        if (per_year[part] != 0).any():
            fig.add_bar(x=a["year"], y=sign * per_year[part] / MCNY, name=tm(part, lang), marker_color=colour,
                        hovertemplate=t("money_hover", lang))
    fig.add_scatter(x=a["year"], y=per_year["net_cost_cny"] / MCNY, name=tm("private_net", lang), mode="lines+markers",
                    line=dict(color="#08306b", width=3), hovertemplate=t("money_hover", lang))
    fig.add_scatter(x=a["year"], y=a["system_cost_cny"] / MCNY, name=tm("system_cost", lang), mode="lines",
                    line=dict(color="black", dash="dash"), hovertemplate=t("money_hover", lang))
    private, system = results.private_npv_cny(), results.pathway_cost_npv_cny()
    rate = results.manifest["social_discount_rate"] * 100
    fig.add_annotation(text=tm("npv_views", lang).format(p=private / 1e9, s=system / 1e9, pyi=private / 1e8, syi=system / 1e8, rate=rate),
                       xref="paper", yref="paper", x=0, xanchor="left", y=1.08, showarrow=False, font_size=12)
    mark_phases(fig, results, lang, label=False)
    fig.update_layout(barmode="relative", xaxis_title=t("year", lang), yaxis_title=tm("money_mcny", lang),
                      hovermode="x unified", height=560)
    return fig


@figure("macc", 58, "Marginal abatement cost curve of firms' measures and the operator's assets", "企业措施与园区运营方资产的边际减排成本曲线")
def macc_figure(results: Results, lang: str) -> go.Figure | None:
    """Each measure a bar: width its tCO₂ abated a year, height its levelised cost [CNY/tCO₂] at the
    social discount rate (capex before subsidies; economics/abatement.py), cheapest first; the
    final year's carbon price as a line."""
    curve = results.macc()
    if curve.empty:
        return None
    kinds = list(dict.fromkeys(curve["kind"]))
    fig = go.Figure()
    for i, kind in enumerate(kinds):
        part = curve[curve["kind"] == kind]
        fig.add_bar(x=(part["start_tco2_per_yr"] + part["cumulative_tco2_per_yr"]) / 2, y=part["cost_cny_per_tco2"],
                    width=part["abated_tco2_per_yr"], name=tm(kind, lang), marker_color=PALETTE[i % len(PALETTE)],
                    marker_line=dict(color="white", width=0.5), customdata=np.stack([part["id"], part["abated_tco2_per_yr"]], axis=-1),
                    hovertemplate=("%{customdata[0]}: %{y:,.0f} " + ("元/tCO₂" if lang == "zh" else "CNY/tCO₂") + ", %{customdata[1]:,.0f} tCO₂/yr<extra></extra>"))
    last = results.annual.iloc[-1]
    fig.add_hline(y=float(last["carbon_price_cny_per_tco2"]), line=dict(color="#c0392b", dash="dot"),
                  annotation_text=tm("carbon_price_final", lang).format(year=int(last["year"])))
    fig.update_layout(bargap=0, xaxis_title=tm("abated_axis", lang), yaxis_title=tm("abatement_cost_axis", lang), height=520)
    return fig


@figure("financing", 59, "Financing need per year by instrument", "年度融资需求（按融资工具）")
def financing_figure(results: Results, lang: str) -> go.Figure | None:
    """New debt per year by instrument and the equity the parties put in [million CNY/yr], with the
    debt service per year and the debt outstanding (right axis)."""
    fin = results.financing
    if fin is None or fin.empty:
        return None
    years = results.annual["year"]
    debt = _by_year(fin, "instrument", "new_debt_cny", years)
    totals = fin.groupby("year")[["equity_cny", "debt_service_cny", "debt_outstanding_cny"]].sum().reindex(years).fillna(0.0)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for i, inst in enumerate(debt.columns):
        if (debt[inst] != 0).any():
            fig.add_bar(x=years, y=debt[inst] / MCNY, name=f"{tm('new_debt_cny', lang)}: {tm(inst, lang)}",
                        marker_color=PALETTE[i % len(PALETTE)], hovertemplate=t("money_hover", lang))
    fig.add_bar(x=years, y=totals["equity_cny"] / MCNY, name=tm("equity_cny", lang), marker_color="#bdbdbd", hovertemplate=t("money_hover", lang))
    fig.add_scatter(x=years, y=totals["debt_service_cny"] / MCNY, name=tm("debt_service_cny", lang), mode="lines+markers",
                    line=dict(color="#08306b"), hovertemplate=t("money_hover", lang))
    fig.add_scatter(x=years, y=totals["debt_outstanding_cny"] / MCNY, name=tm("debt_outstanding_cny", lang), mode="lines",
                    line=dict(color="#c0392b", dash="dash"), hovertemplate=t("money_hover", lang), secondary_y=True)
    fig.update_layout(barmode="relative", xaxis_title=t("year", lang), hovermode="x unified", height=520)
    fig.update_yaxes(title_text=tm("money_mcny", lang), secondary_y=False)
    fig.update_yaxes(title_text=tm("debt_axis", lang), secondary_y=True)
    return fig


@figure("levelised_costs", 60, "Levelised cost of electricity, heat and storage", "电力、热力与储能的平准化成本")
def levelised_figure(results: Results, lang: str) -> go.Figure | None:
    """Levelised cost [CNY/kWh] at the social discount rate (economics/levelised.py): on-site PV,
    wind and stored electricity by year bought (top), heat by technology each year and the hot-water
    store by year bought (bottom), against the electricity and gas they replace."""
    table = results.lcoe()
    if table is None or table.empty:
        return None
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=(tm("lcoe_electricity", lang), tm("lcoe_heat", lang)))
    unit = "元/kWh" if lang == "zh" else "CNY/kWh"
    for i, (tech, part) in enumerate(table.groupby("technology", sort=False)):
        row = 1 if part["output"].iloc[0] in ("electricity", "stored_electricity") else 2
        fig.add_scatter(x=part["year"], y=part["levelised_cny_per_kwh"], name=tm(tech, lang),
                        mode="lines+markers" if len(part) > 1 else "markers", marker_color=PALETTE[i % len(PALETTE)],
                        marker_size=9, hovertemplate=f"%{{x}}: %{{y:.3f}} {unit}<extra>{tm(tech, lang)}</extra>", row=row, col=1)
    fig.update_layout(height=640, hovermode="closest")
    fig.update_yaxes(title_text=tm("levelised_axis", lang), rangemode="tozero")
    fig.update_xaxes(title_text=t("year", lang), row=2, col=1)
    return fig

"""Annual balances of heat (by temperature band and supply) and hydrogen; the electricity balance
is ``electricity_balance`` in viz/figures.py."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from parktwin.energy.heat import BANDS, SUPPLIES
from parktwin.results.tables import Results
from parktwin.viz.figures import mark_phases
from parktwin.viz.labels import t
from parktwin.viz.registry import figure

WORDS = {
    "waste_heat": ("Recovered waste heat", "余热回收"),
    "chp": ("Biomethane CHP", "生物天然气热电联产"),
    "fossil": ("Coal and gas boilers", "燃煤燃气锅炉"),
    "purchased": ("Purchased steam", "外购蒸汽"),
    "electric_boiler": ("Electric boilers", "电锅炉"),
    "heat_pump": ("Heat pumps", "热泵"),
    "store": ("Hot-water store", "蓄热水罐"),
    "low": ("Low <100 °C", "低温 <100 °C"),
    "medium": ("Medium 100–200 °C", "中温 100–200 °C"),
    "high": ("High >200 °C", "高温 >200 °C"),
    "space": ("Buildings' space heating", "建筑供暖"),
    "heat_axis": ("Heat [GWh_th / yr]", "热量 [GWh（热）/年]"),
    "heat_demand": ("Heat demand", "热需求"),
    "h2_axis": ("Hydrogen [t / yr]", "氢气 [吨/年]"),
    "h2_produced": ("Made by electrolysers", "电解制氢"),
    "h2_bought": ("Bought", "外购氢气"),
    "h2_fuel_cell": ("To the fuel cell", "燃料电池用氢"),
    "h2_demand": ("Burners' demand", "工艺燃烧需求"),
}
COLOURS = {"waste_heat": "#8e44ad", "chp": "#27ae60", "fossil": "#34495e", "purchased": "#d35400",
           "electric_boiler": "#3498db", "heat_pump": "#1abc9c", "store": "#f1c40f"}


def w(key: str, lang: str) -> str:
    en, zh = WORDS[key]
    return zh if lang == "zh" else en


@figure("heat_balance", 26, "Heat balance by temperature band", "分温度段的年度热平衡")
def heat_balance_figure(results: Results, lang: str) -> go.Figure | None:
    """Heat supplied to each band by each supply, per year [GWh_th], and the band's demand."""
    a = results.annual
    if "heat_demand_mwh" not in a or not (a["heat_demand_mwh"] > 0).any():
        return None
    space = a.get("heat_space_heat_pump_mwh", 0.0) + a.get("heat_space_fossil_mwh", 0.0)
    has_space = bool((space > 0).any()) if hasattr(space, "any") else False
    titles = [w(b, lang) for b in BANDS] + ([w("space", lang)] if has_space else [])
    fig = make_subplots(rows=1, cols=len(titles), shared_yaxes=True, subplot_titles=titles)
    shown: set[str] = set()
    for col, band in enumerate(BANDS, start=1):
        for supply in SUPPLIES:
            values = a[f"heat_{band}_{supply}_mwh"] / 1000.0
            if (values > 0).any():
                fig.add_bar(x=a["year"], y=values, name=w(supply, lang), legendgroup=supply, showlegend=supply not in shown,
                            marker_color=COLOURS[supply], hovertemplate="%{y:,.1f} GWh", row=1, col=col)
                shown.add(supply)
        demand = sum(a[f"heat_{band}_{s}_mwh"] for s in SUPPLIES) / 1000.0
        fig.add_scatter(x=a["year"], y=demand, name=w("heat_demand", lang), legendgroup="demand", showlegend=col == 1,
                        mode="lines", line=dict(color="black", width=1), hovertemplate="%{y:,.1f} GWh", row=1, col=col)
    if has_space:  # buildings' space heat, beside the process bands (not dispatched)
        for supply in ("heat_pump", "fossil"):
            values = a[f"heat_space_{supply}_mwh"] / 1000.0
            if (values > 0).any():
                fig.add_bar(x=a["year"], y=values, name=w(supply, lang), legendgroup=supply, showlegend=supply not in shown,
                            marker_color=COLOURS[supply], hovertemplate="%{y:,.1f} GWh", row=1, col=4)
                shown.add(supply)
    fig.update_layout(barmode="stack", yaxis_title=w("heat_axis", lang), hovermode="x unified")
    fig.update_xaxes(title_text=t("year", lang))
    return fig


@figure("hydrogen_balance", 27, "Hydrogen balance", "年度氢气平衡")
def hydrogen_balance_figure(results: Results, lang: str) -> go.Figure | None:
    """Where the park's hydrogen came from and went, per year [t]; None without hydrogen."""
    a = results.annual
    if "hydrogen_demand_t" not in a or not ((a["hydrogen_demand_t"] > 0) | (a["hydrogen_tank_kg"] > 0)).any():
        return None
    fig = go.Figure()
    fig.add_bar(x=a["year"], y=a["hydrogen_produced_t"], name=w("h2_produced", lang), marker_color="#2ecc71", hovertemplate="%{y:,.1f} t")
    fig.add_bar(x=a["year"], y=a["hydrogen_bought_t"], name=w("h2_bought", lang), marker_color="#7f8c8d", hovertemplate="%{y:,.1f} t")
    fig.add_bar(x=a["year"], y=-a["hydrogen_to_fuel_cell_t"], name=w("h2_fuel_cell", lang), marker_color="#e67e22", hovertemplate="%{y:,.1f} t")
    fig.add_scatter(x=a["year"], y=a["hydrogen_demand_t"], name=w("h2_demand", lang), mode="lines+markers", line=dict(color="black"),
                    hovertemplate="%{y:,.1f} t")
    mark_phases(fig, results, lang)
    fig.update_layout(barmode="relative", xaxis_title=t("year", lang), yaxis_title=w("h2_axis", lang), hovermode="x unified")
    return fig

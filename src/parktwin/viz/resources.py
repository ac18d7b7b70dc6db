"""Water, material and symbiosis figures, and the stage indicators year by year.

- ``indicator_status``: every stage indicator each year — met, not met, not assessed — with the
  value and the threshold on hover: what blocks the next stage, at a glance;
- ``sankey_water`` [m³] and ``sankey_materials`` [t]: the park's water and industrial solid
  waste for the base year, 2030, 2040 and the last year (a button per year), exchanges between
  firms drawn as their own flows;
- ``symbiosis_network``: enterprises as nodes, exchanges as edges coloured by kind, width by
  quantity (within each unit), dashed while an exchange is still a candidate.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from parktwin.results.tables import Results
from parktwin.viz import labels
from parktwin.viz.flows import NODE_COLOURS, Flows, sankey_figure
from parktwin.viz.labels import t
from parktwin.viz.registry import figure

RESOURCE_LABELS: dict[str, dict[str, str]] = {
    "res_fresh": {"en": "Fresh water withdrawn", "zh": "取用新水"},
    "res_reused": {"en": "Water reused in the firms", "zh": "企业内重复利用水"},
    "res_reclaimed": {"en": "Reclaimed water (own)", "zh": "再生水（自有）"},
    "res_water_use": {"en": "Industrial water use", "zh": "工业用水"},
    "res_wastewater": {"en": "Wastewater treated", "zh": "污水处理量"},
    "res_water_other": {"en": "Recirculated, evaporated, in products", "zh": "循环、蒸发与产品带走"},
    "res_generated": {"en": "Industrial solid waste generated", "zh": "工业固体废物产生量"},
    "res_used_own": {"en": "Used by the firms themselves", "zh": "企业自行综合利用"},
    "res_disposed": {"en": "Disposed or stored", "zh": "处置或贮存"},
    "res_external_source": {"en": "From outside the park", "zh": "园区外来源"},
    "flow_from": {"en": "From {name}", "zh": "来自{name}"},
    "flow_outside": {"en": "Outside the park: {name}", "zh": "园区外：{name}"},
    "sankey_water_unit": {"en": "m³", "zh": "立方米"},
    "sankey_materials_unit": {"en": "t", "zh": "吨"},
    "status_met": {"en": "met", "zh": "达标"},
    "status_not_met": {"en": "not met", "zh": "未达标"},
    "status_not_assessed": {"en": "not assessed", "zh": "无法评估"},
    "indicator": {"en": "Indicator", "zh": "指标"},
    "exchange_running": {"en": "running", "zh": "运行中"},
    "exchange_candidate": {"en": "candidate (one side would lose)", "zh": "候选（一方不获益）"},
    "exchange_building": {"en": "being built", "zh": "建设中"},
    "exchange_parties": {"en": "Enterprises and partners", "zh": "企业与合作方"},
    "kind_steam": {"en": "Steam", "zh": "蒸汽"},
    "kind_waste_heat": {"en": "Waste heat", "zh": "余热"},
    "kind_fuel_gas": {"en": "Surplus fuel gas", "zh": "富余燃气"},
    "kind_treated_water": {"en": "Treated water", "zh": "再生水"},
    "kind_cooling_water": {"en": "Cooling water", "zh": "冷却水"},
    "kind_gypsum": {"en": "FGD gypsum", "zh": "脱硫石膏"},
    "kind_fly_ash": {"en": "Fly ash", "zh": "粉煤灰"},
    "kind_slag": {"en": "Slag", "zh": "炉渣"},
    "kind_spent_acid": {"en": "Spent acid", "zh": "废酸"},
    "kind_organic_residue": {"en": "Organic residue to biogas", "zh": "有机残余物制沼气"},
    "kind_residue": {"en": "Other residues", "zh": "其他残余物"},
}
labels.LABELS.update(RESOURCE_LABELS)

SIGN = {"max": "≤", "min": "≥"}
STATUS_CODE = {"not_assessed": 0, "not_met": 1, "met": 2}
STATUS_COLOURS = ((0.0, "#d5d8dc"), (0.33, "#d5d8dc"), (0.33, "#e74c3c"), (0.67, "#e74c3c"), (0.67, "#27ae60"), (1.0, "#27ae60"))
KIND_COLOURS = {
    "steam": "#c0392b", "waste_heat": "#e67e22", "fuel_gas": "#8e44ad", "treated_water": "#2e86c1",
    "cooling_water": "#76d7c4", "gypsum": "#7f8c8d", "fly_ash": "#34495e", "slag": "#a04000",
    "spent_acid": "#d4ac0d", "organic_residue": "#27ae60", "residue": "#a9cce3",
}
WATER_KINDS = ("treated_water", "cooling_water")
MATERIAL_KINDS = ("gypsum", "fly_ash", "slag", "spent_acid", "organic_residue", "residue")
NODE_COLOURS.update({"res_fresh": "#2e86c1", "res_reused": "#76d7c4", "res_reclaimed": "#1abc9c",
                     "res_water_use": "#1f618d", "res_wastewater": "#7f8c8d", "res_generated": "#6e2c00",
                     "res_used_own": "#27ae60", "res_disposed": "#922b21"})


# --------------------------------------------------------------------------- indicators by year


@figure("indicator_status", 6, "Stage indicators each year: met, not met, not assessed", "各年阶段指标：达标、未达标、无法评估")
def indicator_status_figure(results: Results, lang: str) -> go.Figure | None:
    """A grid of indicators (rows, grouped by stage) by year: the red cells of the first stage not
    reached are what blocks it; grey cells have no data or no verified threshold."""
    a = results.assessment()
    if a.empty:
        return None
    order = list(dict.fromkeys(a["indicator"]))
    years = sorted(a["year"].unique())
    grid = a.pivot(index="indicator", columns="year", values="status").reindex(order)
    z = grid.apply(lambda col: col.map(STATUS_CODE)).to_numpy(dtype=float)
    first = a.drop_duplicates("indicator").set_index("indicator").reindex(order)
    name_col = "name_zh" if lang == "zh" else "name_en"
    rows = [f"{t('stage_' + s, lang)} · {n}" for s, n in zip(first["stage"], first[name_col])]
    val = a.pivot(index="indicator", columns="year", values="value").reindex(order)
    thr = a.pivot(index="indicator", columns="year", values="threshold").reindex(order)
    rsn = a.pivot(index="indicator", columns="year", values="reason").reindex(order)
    text = [[f"{t('status_' + str(grid.iat[i, j]), lang)}<br>{_num(val.iat[i, j])} ({SIGN[first['direction'].iat[i]]} "
             f"{_num(thr.iat[i, j])}) {first['unit'].iat[i]}<br>{rsn.iat[i, j] or ''}"
             for j in range(len(years))] for i in range(len(order))]
    # rows at 0 … n−1 named by tick labels: the numbers stay the same in every language
    fig = go.Figure(go.Heatmap(z=z, x=years, y=list(range(len(rows))), zmin=0, zmax=2, colorscale=list(STATUS_COLOURS), showscale=False,
                               xgap=1, ygap=1, text=text, name=t("indicator", lang), customdata=[[r] * len(years) for r in rows],
                               hovertemplate="%{customdata}<br>%{x}: %{text}<extra></extra>"))
    for status, code in STATUS_CODE.items():  # a legend of the three colours
        fig.add_scatter(x=[None], y=[None], mode="markers", name=t(f"status_{status}", lang),
                        marker=dict(size=10, symbol="square", color=STATUS_COLOURS[2 * code + 1][1]))
    fig.update_layout(height=max(360, 22 * len(order) + 120), xaxis_title=t("year", lang),
                      yaxis=dict(autorange="reversed", tickvals=list(range(len(rows))), ticktext=rows), legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                      plot_bgcolor="white")
    return fig


def _num(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"


# --------------------------------------------------------------------------- Sankeys of water and materials


def _exchanges(results: Results, year: int, kinds: tuple[str, ...]) -> pd.DataFrame:
    x = results.exchanges
    if x is None or x.empty:
        return pd.DataFrame(columns=["supplier", "receiver", "kind", "delivered"])
    return x[(x["year"] == year) & x["kind"].isin(kinds) & (x["delivered"] > 0)]


def _party(name: str) -> str:
    """A receiving enterprise, or a partner outside the park."""
    return f"outside:{name.removeprefix('external:')}" if name.startswith("external:") else f"enterprise:{name}"


def _from(name: str) -> str:
    """The supplier's side of an exchange (its effluent or by-product), apart from what it receives."""
    return f"from:{name.removeprefix('external:')}"


def _resource_row(results: Results, year: int, coverage: str):
    """The ``resources`` row of ``year``, or None when the year is missing or ``coverage`` is 0 (no data)."""
    r = results.resources
    if r is None or r.empty or year not in set(r["year"]):
        return None
    row = r.set_index("year").loc[year]
    return row if row[coverage] > 0 else None


def _adder(flows: Flows):
    """``add(src, dst, value)``: accumulate a positive flow into ``flows``."""

    def add(src: str, dst: str, value: float) -> None:
        if value > 0:
            flows[(src, dst)] = flows.get((src, dst), 0.0) + value

    return add


def water_flows(results: Results, year: int) -> Flows:
    """Water flows [m³] of ``year``: fresh, own reuse and own reclaimed water into the park's
    industrial water use; each water exchange from its supplier to its receiver and on into the
    water use; out of it the wastewater treated and the rest (recirculated, evaporated, in products)."""
    row = _resource_row(results, year, "water_coverage_share")
    if row is None:
        return {}
    flows: Flows = {}
    add = _adder(flows)
    ex = _exchanges(results, year, WATER_KINDS)
    moved = float(ex["delivered"].sum())
    scale = float(row["exchange_water_m3"]) / moved if moved > 0 else 0.0  # as counted (never above the receiver's fresh water)
    add("res_fresh", "res_water_use", float(row["fresh_water_m3"]))
    reused_ex = float(ex.loc[ex["kind"] == "cooling_water", "delivered"].sum()) * scale
    reclaimed_ex = float(ex.loc[ex["kind"] == "treated_water", "delivered"].sum()) * scale
    add("res_reused", "res_water_use", float(row["reused_water_m3"]) - reused_ex)
    add("res_reclaimed", "res_water_use", float(row["reclaimed_water_m3"]) - reclaimed_ex)
    for x in ex.itertuples(index=False):
        add(_from(x.supplier), _party(x.receiver), float(x.delivered) * scale)
        add(_party(x.receiver), "res_water_use", float(x.delivered) * scale)
    total = sum(v for (s, d), v in flows.items() if d == "res_water_use")
    wastewater = min(float(row["wastewater_m3"]), total)
    add("res_water_use", "res_wastewater", wastewater)
    add("res_water_use", "res_water_other", total - wastewater)
    return flows


def material_flows(results: Results, year: int) -> Flows:
    """Industrial solid waste [t] of ``year``: generated → used by the firms themselves, sent to
    other firms or outside partners by exchange (supplier → receiver), or disposed; by-products
    brought in from outside the park enter from their outside supplier."""
    row = _resource_row(results, year, "solid_waste_coverage_share")
    if row is None:
        return {}
    flows: Flows = {}
    add = _adder(flows)
    ex = _exchanges(results, year, MATERIAL_KINDS)
    inside = ex[~ex["supplier"].astype(str).str.startswith("external:")]
    moved = float(inside["delivered"].sum())
    scale = float(row["exchange_solid_waste_t"]) / moved if moved > 0 else 0.0
    generated, utilised = float(row["solid_waste_generated_t"]), float(row["solid_waste_utilised_t"])
    add("res_generated", "res_used_own", utilised - float(row["exchange_solid_waste_t"]))
    add("res_generated", "res_disposed", generated - utilised)
    for x in ex.itertuples(index=False):
        outside = str(x.supplier).startswith("external:")
        value = float(x.delivered) * (1.0 if outside else scale)
        add("res_external_source" if outside else "res_generated", _from(x.supplier), value)
        add(_from(x.supplier), _party(x.receiver), value)
    return flows


@figure("sankey_water", 47, "Water flows [m³]: fresh, reused, reclaimed and exchanged", "水流向 [m³]：新水、重复利用、再生水与企业间交换")
def sankey_water_figure(results: Results, lang: str) -> go.Figure | None:
    """The park's water for the base year, 2030, 2040 and the last year [m³] (nothing without water inputs)."""
    return sankey_figure(results, lang, water_flows, t("sankey_water_unit", lang))


@figure("sankey_materials", 48, "Industrial solid waste [t]: used, exchanged, disposed", "工业固体废物流向 [t]：利用、交换与处置")
def sankey_materials_figure(results: Results, lang: str) -> go.Figure | None:
    """The park's industrial solid waste for the base year, 2030, 2040 and the last year [t]."""
    return sankey_figure(results, lang, material_flows, t("sankey_materials_unit", lang))


# --------------------------------------------------------------------------- the symbiosis network


def network_layout(parties: list[str]) -> dict[str, tuple[float, float]]:
    """Parties on a circle in the given order (enterprises first, outside partners after)."""
    n = len(parties)
    return {p: (math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)) for i, p in enumerate(parties)}


@figure("symbiosis_network", 49, "Industrial symbiosis network: exchanges between enterprises", "产业共生网络：企业间的交换")
def symbiosis_network_figure(results: Results, lang: str) -> go.Figure | None:
    """Enterprises (circles) and outside partners (diamonds); an edge per exchange, coloured by
    kind, width by its quantity relative to the largest of the same unit; solid when running in the
    last year, dashed while a candidate. Hover: the quantity and its CO₂ effect."""
    x = results.exchanges
    if x is None or x.empty:
        return None
    last = x[x["year"] == x["year"].max()]
    parties = list(dict.fromkeys([p for p in pd.concat([last["supplier"], last["receiver"]]) if not str(p).startswith("external:")]))
    parties += list(dict.fromkeys([p for p in pd.concat([last["supplier"], last["receiver"]]) if str(p).startswith("external:")]))
    pos = network_layout(parties)
    biggest = last.groupby("unit")["quantity"].max()
    fig = go.Figure()
    shown: set[str] = set()
    for e in last.itertuples(index=False):
        (x0, y0), (x1, y1) = pos[e.supplier], pos[e.receiver]
        width = 1.0 + 9.0 * math.sqrt(float(e.quantity) / float(biggest[e.unit]))
        co2 = e.receiver_co2_avoided_tco2 - e.supplier_co2_added_tco2 + e.scope3_avoided_tco2
        hover = (f"{e.id}: {t('kind_' + e.kind, lang)} {e.quantity:,.0f} {e.unit}<br>{e.supplier} → {e.receiver}<br>"
                 f"{t('exchange_' + e.status, lang)}; CO₂ −{co2:,.0f} t")
        fig.add_scatter(x=[x0, (x0 + x1) / 2, x1], y=[y0, (y0 + y1) / 2, y1], mode="lines", hoverinfo="text",
                        text=[hover] * 3, name=t(f"kind_{e.kind}", lang), legendgroup=e.kind,
                        showlegend=e.kind not in shown,
                        line=dict(color=KIND_COLOURS.get(e.kind, "#888"), width=width,
                                  dash="solid" if e.status == "running" else "dash"), opacity=0.75)
        shown.add(e.kind)
    outside = [str(p).startswith("external:") for p in parties]
    fig.add_scatter(x=[pos[p][0] for p in parties], y=[pos[p][1] for p in parties], mode="markers+text",
                    text=[str(p).removeprefix("external:") for p in parties], textposition="top center",
                    marker=dict(size=[12 if o else 18 for o in outside], symbol=["diamond" if o else "circle" for o in outside],
                                color=["#bbb" if o else "#1f618d" for o in outside], line=dict(color="#fff", width=1)),
                    hoverinfo="text", showlegend=False, name=t("exchange_parties", lang))
    fig.update_layout(height=620, xaxis=dict(visible=False, range=[-1.4, 1.4]), yaxis=dict(visible=False, range=[-1.25, 1.25]),
                      plot_bgcolor="white", legend=dict(orientation="v", x=1.0, xanchor="left"))
    return fig

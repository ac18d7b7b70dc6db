"""Where the park's emissions change and where its energy and carbon flow.

- ``waterfall``: net emissions of the base year → the last year in steps, by an additive LMDI-I
  decomposition of energy-related CO₂ (``lmdi_steps``), then process CO₂, removals and offsets;
- ``sankey_energy`` / ``sankey_carbon``: energy [tce] and CO₂ [tCO₂] from their sources to the
  park's sectors, for the base year, 2030, 2040 and the last year (a button per year).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml

from parktwin.accounting.inventory import FUELS
from parktwin.results.tables import Results
from parktwin.viz import labels
from parktwin.viz.labels import t
from parktwin.viz.registry import figure

FLOW_LABELS: dict[str, dict[str, str]] = {
    "step_activity": {"en": "Activity growth", "zh": "活动水平"},
    "step_intensity": {"en": "Efficiency", "zh": "能效"},
    "step_structure": {"en": "Electrification and fuel switch", "zh": "电气化与燃料替代"},
    "step_factor": {"en": "Cleaner electricity", "zh": "电力清洁化"},
    "step_process": {"en": "Process emissions", "zh": "工业过程"},
    "step_capture": {"en": "CO₂ captured and stored (not emitted)", "zh": "碳捕集并封存（未排放）"},
    "step_removals": {"en": "Removals (green space, direct air capture)", "zh": "碳汇（绿地、直接空气捕集）"},
    "step_offsets": {"en": "Offsets", "zh": "碳抵消"},
    "net_in": {"en": "Net {y}", "zh": "{y}年净排放"},
    "waterfall_note": {
        "en": "Energy CO₂ (scope 1 fuels + scope 2 market-based electricity and heat) split by additive LMDI-I "
              "over carriers: value added × tce/value added × carrier share × CO₂/tce",
        "zh": "能源相关CO₂（范围一燃料＋范围二基于市场的电力与热力）按加和LMDI-I法分解："
              "增加值 × 单位增加值能耗 × 品种结构 × 单位能耗排放",
    },
    "flow_electricity": {"en": "Electricity", "zh": "电力"},
    "flow_wind": {"en": "On-site wind", "zh": "园区风电"},
    "flow_pv": {"en": "On-site PV", "zh": "园区光伏"},
    "flow_battery_losses": {"en": "Battery losses", "zh": "储能损耗"},
    "flow_exported": {"en": "Exported", "zh": "上网电量"},
    "flow_buildings": {"en": "Buildings", "zh": "建筑"},
    "flow_fleets": {"en": "Fleets", "zh": "车队"},
    "flow_operator": {"en": "Park operator", "zh": "园区运营方"},
    "flow_process": {"en": "Industrial process", "zh": "工业过程"},
    "flow_scope2_electricity": {"en": "Electricity (scope 2, market-based)", "zh": "电力（范围二，基于市场）"},
    "flow_gross": {"en": "Gross emissions", "zh": "总排放"},
    "flow_net": {"en": "Net emissions", "zh": "净排放"},
    "flow_green_space": {"en": "Green space", "zh": "绿地碳汇"},
    "flow_direct_air_capture": {"en": "Direct air capture and storage (removed)", "zh": "直接空气捕集并封存（移除）"},
    "flow_ccus_stored": {"en": "Captured and stored (not emitted)", "zh": "捕集并封存（未排放）"},
    "flow_offsets": {"en": "Offsets", "zh": "碳抵消"},
    "flow_enterprise": {"en": "Enterprise: {name}", "zh": "企业：{name}"},
    "sector_chemicals": {"en": "Chemicals", "zh": "化工"},
    "sector_electronics": {"en": "Electronics", "zh": "电子"},
    "sankey_energy_unit": {"en": "tce (electricity at the run's tce method)", "zh": "吨标准煤（电力按本次运行的折标方法）"},
    "sankey_carbon_unit": {"en": "tCO₂", "zh": "吨CO₂"},
}
labels.LABELS.update(FLOW_LABELS)

STEPS = ("activity", "intensity", "structure", "factor", "process", "capture", "removals", "offsets")
FUEL_CARRIERS = tuple(FUELS)  # coal, natural_gas, diesel, purchased_heat
CARRIERS = FUEL_CARRIERS + ("electricity",)


# --------------------------------------------------------------------------- LMDI


def log_mean(a: float, b: float) -> float:
    """The logarithmic mean L(a, b) = (a − b) / (ln a − ln b), L(a, a) = a (a, b > 0)."""
    if a == b:
        return a
    return (a - b) / (math.log(a) - math.log(b))


def carrier_table(results: Results, year: int) -> pd.DataFrame:
    """Energy [tce] and energy-related CO₂ [tCO₂] by carrier in ``year``.

    CO₂: scope 1 stationary and mobile combustion (coal, natural gas, diesel), scope 2 purchased
    heat, scope 2 market-based purchased electricity. The fuel of a combustion row is read from
    its factor reference (``constants.csv:<carrier>_kgco2_per_…``).
    """
    en = results.energy[results.energy["year"] == year]
    energy = en.groupby("carrier")["energy_tce"].sum()
    em = results.emissions[results.emissions["year"] == year]
    co2 = dict.fromkeys(CARRIERS, 0.0)
    elec = em[(em["source"] == "purchased_electricity") & (em["method"] == "market")]
    co2["electricity"] = float(elec["emissions_tco2"].sum())
    fuels = em[em["source"].isin(("stationary_combustion", "mobile_combustion", "purchased_heat"))]
    for carrier, key in ((c, FUELS[c].kgco2_key) for c in FUEL_CARRIERS):
        hit = fuels["factor_ref"].astype(str).str.endswith(key)
        co2[carrier] += float(fuels.loc[hit, "emissions_tco2"].sum())
    return pd.DataFrame({"energy_tce": [float(energy.get(c, 0.0)) for c in CARRIERS],
                         "co2_tco2": [co2[c] for c in CARRIERS]}, index=list(CARRIERS))


def lmdi_energy(va0: float, va1: float, c0: pd.DataFrame, c1: pd.DataFrame) -> dict[str, float]:
    """Additive LMDI-I of energy-related CO₂ between two years (Ang 2004, 2005).

    ``c0``/``c1``: ``carrier_table`` of the two years. With VA value added, E = Σ_j E_j energy
    [tce], C_j the CO₂ of carrier j (fuels, purchased heat, electricity):
        C = Σ_j VA · (E/VA) · (E_j/E) · (C_j/E_j)
        ΔC_x = Σ_j L(C_j¹, C_j⁰) · ln(x_j¹ / x_j⁰)  for x = VA (activity), E/VA (intensity),
               E_j/E (structure: carrier shares, i.e. electrification and fuel switch),
               C_j/E_j (factor: CO₂ per tce — green contracts, on-site PV, grid decarbonisation).

    Zero values (Ang & Liu 2007, the limit of the small-number replacement as it tends to zero):
    a carrier that appears or disappears (E_j = 0 in one year) puts its whole change ΔC_j into
    the structure effect; a carrier used in both years whose CO₂ is zero in one of them (e.g.
    electricity all green) puts its whole ΔC_j into the factor effect. The effects then sum
    exactly to ΔC = Σ_j (C_j¹ − C_j⁰).
    """
    out = dict.fromkeys(("activity", "intensity", "structure", "factor"), 0.0)
    e0, e1 = float(c0["energy_tce"].sum()), float(c1["energy_tce"].sum())
    if min(va0, va1, e0, e1) <= 0:  # no intensity to speak of: the change is left to efficiency
        out["intensity"] = float(c1["co2_tco2"].sum() - c0["co2_tco2"].sum())
        return out
    for j in c0.index.union(c1.index):
        ej0, ej1 = float(c0["energy_tce"].get(j, 0.0)), float(c1["energy_tce"].get(j, 0.0))
        cj0, cj1 = float(c0["co2_tco2"].get(j, 0.0)), float(c1["co2_tco2"].get(j, 0.0))
        if cj0 == cj1 == 0.0:
            continue
        if ej0 <= 0 or ej1 <= 0:
            out["structure"] += cj1 - cj0
            continue
        if cj0 <= 0 or cj1 <= 0:
            out["factor"] += cj1 - cj0
            continue
        w = log_mean(cj1, cj0)
        out["activity"] += w * math.log(va1 / va0)
        out["intensity"] += w * math.log((e1 / va1) / (e0 / va0))
        out["structure"] += w * math.log((ej1 / e1) / (ej0 / e0))
        out["factor"] += w * math.log((cj1 / ej1) / (cj0 / ej0))
    return out


def waterfall_steps(results: Results, first: int | None = None, last: int | None = None) -> tuple[float, dict[str, float], float]:
    """``(net of first year, steps, net of last year)``; the steps sum to the change in net.

    Energy CO₂ steps from ``lmdi_energy``; process = Δ(scope 1 + scope 2 market − energy CO₂)
    (the process CO₂ generated, and any rounding between the tables); capture = −Δ(CO₂ captured
    and stored: it leaves scope 1, it is not a removal); removals = −Δ(green space and direct air capture); offsets = −Δoffsets.
    """
    a = results.annual.set_index("year")
    first = int(a.index.min()) if first is None else first
    last = int(a.index.max()) if last is None else last
    r0, r1 = a.loc[first], a.loc[last]
    c0, c1 = carrier_table(results, first), carrier_table(results, last)
    steps = lmdi_energy(float(r0["value_added_mcny"]), float(r1["value_added_mcny"]), c0, c1)
    gross0 = float(r0["scope1_tco2"] + r0["scope2_market_tco2"])
    gross1 = float(r1["scope1_tco2"] + r1["scope2_market_tco2"])
    energy_change = float(c1["co2_tco2"].sum() - c0["co2_tco2"].sum())
    stored0, stored1 = (float(r.get("captured_stored_tco2", 0.0)) for r in (r0, r1))
    steps["capture"] = -(stored1 - stored0)
    steps["process"] = (gross1 - gross0) - energy_change - steps["capture"]
    steps["removals"] = -float(r1["removals_tco2"] - r0["removals_tco2"])
    steps["offsets"] = -float(r1["offsets_tco2"] - r0["offsets_tco2"])
    net0 = gross0 - float(r0["removals_tco2"]) - float(r0["offsets_tco2"])
    net1 = gross1 - float(r1["removals_tco2"]) - float(r1["offsets_tco2"])
    return net0, steps, net1


@figure("waterfall", 15, "What changes net emissions from the first year to the last", "首末年净排放变化的分解")
def waterfall_figure(results: Results, lang: str) -> go.Figure | None:
    """Net emissions of the base year, the LMDI steps, net emissions of the last year."""
    years = results.annual["year"]
    if len(years) < 2:
        return None
    first, last = int(years.min()), int(years.max())
    net0, steps, net1 = waterfall_steps(results, first, last)
    names = [t("net_in", lang).format(y=first)] + [t(f"step_{s}", lang) for s in STEPS] + [t("net_in", lang).format(y=last)]
    # bars at 0 … 8 named by tick labels: the numbers stay the same in every language
    # the last bar is a "total" (plotly draws the sum of the bars before it); its y holds the net of the last year
    fig = go.Figure(go.Waterfall(
        x=list(range(len(names))), y=[net0] + [steps[s] for s in STEPS] + [net1], text=names,
        measure=["absolute"] + ["relative"] * len(STEPS) + ["total"],
        connector=dict(line=dict(color="#888", width=1)),
        increasing=dict(marker_color="#c0392b"), decreasing=dict(marker_color="#27ae60"),
        totals=dict(marker_color="#34495e"), texttemplate="%{y:,.0f}", textposition="outside",
        hovertemplate="%{text}: %{y:,.0f} tCO₂<extra></extra>", name=t("net", lang),
    ))
    fig.update_xaxes(tickvals=list(range(len(names))), ticktext=names)
    fig.update_layout(yaxis_title=t("emissions_axis", lang), yaxis_tickformat=",.0f", showlegend=False, height=440)
    fig.add_annotation(text=t("waterfall_note", lang), xref="paper", yref="paper", x=0, xanchor="left", y=1.02,
                       yanchor="bottom", showarrow=False, font_size=10)
    return fig


# --------------------------------------------------------------------------- Sankeys


def sankey_years(results: Results) -> list[int]:
    """The base year, 2030, 2040 and the last year, those the run has."""
    years = sorted(int(y) for y in results.annual["year"])
    wanted = [years[0], 2030, 2040, years[-1]]
    return sorted({y for y in wanted if y in years})


def _sectors(results: Results) -> dict[str, str]:
    """Enterprise id → sector: the run's manifest, else the park file it names (empty if unreadable)."""
    if results.manifest.get("sectors"):
        return dict(results.manifest["sectors"])
    path = results.manifest.get("park_file")
    if not path:
        return {}
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return {str(e["id"]): str(e["sector"]) for e in doc.get("enterprises", []) if "sector" in e}
    except Exception:  # a stored run read back without its park file: fall back to enterprise ids
        return {}


def _use_node(kind: str, entity: str, sectors: dict[str, str]) -> str:
    if kind == "enterprise":
        return f"sector:{sectors[entity]}" if entity in sectors else f"enterprise:{entity}"
    return f"kind:{kind}"


def _node_label(node: str, lang: str) -> str:
    head, sep, name = node.partition(":")
    if not sep:
        return t(node, lang)
    if head == "sector":
        label = t(f"sector_{name}", lang)
        return name.replace("_", " ").capitalize() if label == f"sector_{name}" else label
    if head == "enterprise":
        return t("flow_enterprise", lang).format(name=name)
    if head in ("from", "outside"):  # a symbiosis exchange's supplier side, a partner outside the park (viz/resources.py)
        return t(f"flow_{head}", lang).format(name=name)
    if head == "kind":
        return t({"building": "flow_buildings", "fleet": "flow_fleets", "operator": "flow_operator"}.get(name, name), lang)
    return t(name, lang)


Flows = dict[tuple[str, str], float]


def energy_flows(results: Results, year: int) -> Flows:
    """Energy flows [tce] of ``year``: (from, to) → value.

    Fuels and purchased heat go straight to their users; electricity goes from its sources
    (green contracts, other grid, on-site PV and wind used) through an ``flow_electricity`` node
    to its users and to battery losses. Exports leave from PV and wind to ``flow_exported``
    (not part of the park's energy use). The users' and the losses' inflows sum to energy_tce.
    """
    a = results.annual.set_index("year").loc[year]
    en = results.energy[results.energy["year"] == year]
    sectors = _sectors(results)
    flows: Flows = {}

    def add(src: str, dst: str, value: float) -> None:
        if value > 0:
            flows[(src, dst)] = flows.get((src, dst), 0.0) + value

    for row in en.itertuples(index=False):
        if row.carrier != "electricity":
            add(row.carrier, _use_node(row.entity_kind, row.entity, sectors), float(row.energy_tce))
    elec = en[en["carrier"] == "electricity"]
    elec_tce = float(elec["energy_tce"].sum())
    consumed = float(a["electricity_consumed_mwh"])
    if elec_tce <= 0 or consumed <= 0:
        return flows
    per_mwh = elec_tce / consumed
    served = float(a["electricity_demand_mwh"] - a["unserved_mwh"])
    loss_share = min(1.0, max(0.0, consumed - served) / consumed)
    for row in elec.itertuples(index=False):
        add("flow_electricity", _use_node(row.entity_kind, row.entity, sectors), float(row.energy_tce) * (1 - loss_share))
    add("flow_electricity", "flow_battery_losses", elec_tce * loss_share)
    # sources in proportion to their MWh, scaled so the node's inflow is exactly its outflow
    pv, wind = float(a["pv_generation_mwh"]), float(a.get("wind_generation_mwh", 0.0))
    onsite = pv + wind
    pv_share = pv / onsite if onsite > 0 else 1.0
    green = float(a["green_power_mwh"])
    sources = {"grid_green": green, "grid_other": float(a["grid_import_mwh"]) - green,
               "flow_pv": float(a["renewable_used_mwh"]) * pv_share,
               "flow_wind": float(a["renewable_used_mwh"]) * (1 - pv_share)}
    total = sum(max(v, 0.0) for v in sources.values())
    for key, mwh in sources.items():
        add(key, "flow_electricity", elec_tce * max(mwh, 0.0) / total if total > 0 else 0.0)
    export = float(a["export_mwh"]) * per_mwh
    add("flow_pv", "flow_exported", export * pv_share)
    add("flow_wind", "flow_exported", export * (1 - pv_share))
    return flows


def carbon_flows(results: Results, year: int) -> Flows:
    """CO₂ flows [tCO₂] of ``year``: sources (fuels by carrier, process, scope 2 electricity
    market-based, purchased heat) → sectors → gross emissions (or, for CO₂ captured and stored, → "captured and
    stored": it is never emitted) → net, green space, direct air capture, offsets."""
    em = results.emissions[results.emissions["year"] == year]
    sectors = _sectors(results)
    flows: Flows = {}

    def add(src: str, dst: str, value: float) -> None:
        if value > 0:
            flows[(src, dst)] = flows.get((src, dst), 0.0) + value

    fuel_of = {FUELS[c].kgco2_key: c for c in FUEL_CARRIERS}
    for row in em.itertuples(index=False):
        if row.source == "purchased_electricity":
            if row.method != "market":
                continue
            src = "flow_scope2_electricity"
        elif row.source == "industrial_process":
            src = "flow_process"
        elif row.source in ("stationary_combustion", "mobile_combustion", "purchased_heat"):
            src = next((c for k, c in fuel_of.items() if str(row.factor_ref).endswith(k)), row.source)
        elif row.source == "ccus_stored":  # captured at the source: it leaves the sector, never reaches gross
            use = _use_node(row.entity_kind, row.entity, sectors)
            stored = min(-float(row.emissions_tco2), flows.get((use, "flow_gross"), 0.0))
            flows[(use, "flow_gross")] = flows.get((use, "flow_gross"), 0.0) - stored
            add(use, "flow_ccus_stored", stored)
            continue
        else:
            continue  # removals and offsets below; CO₂ sold into short-lived products stays in its process row
        use = _use_node(row.entity_kind, row.entity, sectors)
        add(src, use, float(row.emissions_tco2))
        add(use, "flow_gross", float(row.emissions_tco2))
    flows = {k: v for k, v in flows.items() if v > 0}
    gross = sum(v for (s, d), v in flows.items() if d == "flow_gross")
    out = {
        "flow_green_space": -float(em.loc[em["source"] == "green_space", "emissions_tco2"].sum()),
        "flow_direct_air_capture": -float(em.loc[em["source"] == "direct_air_capture", "emissions_tco2"].sum()),
        "flow_offsets": -float(em.loc[em["source"] == "offsets", "emissions_tco2"].sum()),
    }
    left = gross
    for key, value in out.items():
        value = min(max(value, 0.0), left)  # removals beyond gross emissions have nothing to flow from
        add("flow_gross", key, value)
        left -= value
    add("flow_gross", "flow_net", left)
    return flows


NODE_COLOURS = {
    "coal": "#34495e", "natural_gas": "#5dade2", "diesel": "#a04000", "purchased_heat": "#d35400",
    "grid_other": "#95a5a6", "grid_green": "#2ecc71", "flow_pv": "#f1c40f", "flow_wind": "#76d7c4",
    "flow_electricity": "#3969ac", "flow_battery_losses": "#c39bd3", "flow_exported": "#16a085",
    "flow_process": "#7d3c98", "flow_scope2_electricity": "#e67e22", "flow_gross": "#c0392b",
    "flow_net": "#222222", "flow_green_space": "#27ae60", "flow_direct_air_capture": "#0e6655", "flow_ccus_stored": "#1abc9c", "flow_offsets": "#16a085",
}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def sankey_figure(results: Results, lang: str, build, unit: str) -> go.Figure | None:
    years = sankey_years(results)
    per_year = {y: build(results, y) for y in years}
    per_year = {y: f for y, f in per_year.items() if f}
    if not per_year:
        return None
    # one node list shared by every year, so the picture keeps its places when the year changes
    nodes: list[str] = []
    for f in per_year.values():
        for s, d in f:
            for n in (s, d):
                if n not in nodes:
                    nodes.append(n)
    index = {n: i for i, n in enumerate(nodes)}
    colours = [NODE_COLOURS.get(n, "#7f8c8d") for n in nodes]
    fig = go.Figure()
    for i, (year, f) in enumerate(per_year.items()):
        keys = list(f)
        fig.add_trace(go.Sankey(
            name=str(year), visible=year == max(per_year), valueformat=",.0f", valuesuffix=f" {unit}",
            node=dict(label=[_node_label(n, lang) for n in nodes], color=colours, pad=14, thickness=14),
            link=dict(source=[index[s] for s, _ in keys], target=[index[d] for _, d in keys],
                      value=[f[k] for k in keys], color=[_rgba(colours[index[s]], 0.35) for s, _ in keys]),
        ))
    labels_ = [str(y) if lang == "en" else f"{y}年" for y in per_year]
    buttons = [dict(label=lab, method="update", args=[{"visible": [j == i for j in range(len(per_year))]}])
               for i, lab in enumerate(labels_)]
    fig.update_layout(height=520, updatemenus=[dict(type="buttons", direction="right", x=0, xanchor="left", y=1.12,
                                                    yanchor="bottom", buttons=buttons, active=len(buttons) - 1,
                                                    showactive=True)])
    return fig


@figure("sankey_energy", 45, "Energy flows [tce]: sources to users", "能源流向 [tce]：来源与用户")
def sankey_energy_figure(results: Results, lang: str) -> go.Figure | None:
    """Energy from its sources to the park's users [tce], for the base year, 2030, 2040 and the last year."""
    return sankey_figure(results, lang, energy_flows, "tce")


@figure("sankey_carbon", 46, "Carbon flows [tCO₂]: sources, sectors, capture, removals and offsets", "碳流向 [tCO₂]：排放源、部门、碳捕集、碳汇与抵消")
def sankey_carbon_figure(results: Results, lang: str) -> go.Figure | None:
    """CO₂ from its sources through the sectors to net emissions, removals and offsets [tCO₂]."""
    return sankey_figure(results, lang, carbon_flows, "tCO₂")


def node_balance(fig_trace) -> dict[str, float]:
    """Inflow − outflow of every node of a Sankey trace that has both (by node label)."""
    link, labels_ = fig_trace.link, list(fig_trace.node.label)
    inflow = np.zeros(len(labels_))
    outflow = np.zeros(len(labels_))
    for s, d, v in zip(link.source, link.target, link.value):
        outflow[s] += v
        inflow[d] += v
    return {labels_[i]: float(inflow[i] - outflow[i]) for i in range(len(labels_)) if inflow[i] > 0 and outflow[i] > 0}

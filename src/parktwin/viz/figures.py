"""The backbone's figures: emissions, energy mix, indicators, a week of dispatch."""

from __future__ import annotations

import datetime as dt

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from parktwin.accounting.phases import PHASES
from parktwin.data import constant
from parktwin.energy.calendar import year_calendar
from parktwin.results.tables import Results
from parktwin.viz.labels import t
from parktwin.viz.registry import figure

PHASE_COLOURS = ("rgba(31,119,180,0.07)", "rgba(44,160,44,0.07)", "rgba(255,127,14,0.07)", "rgba(148,103,189,0.07)")
SUPPLY_COLOURS = {
    "renewable_to_load": "#f2b701",
    "battery_to_load": "#3969ac",
    "grid_to_load": "#7f7f7f",
    "unserved": "#e73f74",
}


def mark_phases(fig: go.Figure, results: Results, lang: str, axes: tuple[str, ...] = ("",), label: bool = True) -> None:
    """Shade the four roadmap phases behind yearly x axes (``axes``: "" for x/y, "2" for x2/y2 …)."""
    years = results.annual["year"]
    base, last = int(years.min()), int(years.max())
    shapes, notes = [], []
    for phase, colour in zip(PHASES[1:], PHASE_COLOURS):
        x0 = base + phase.first_index - 0.5
        if x0 > last:
            continue
        end = last if phase.last_index is None else min(last, base + phase.last_index)
        for ax in axes:
            shapes.append(dict(type="rect", xref=f"x{ax}", yref=f"y{ax} domain", x0=x0, x1=end + 0.5, y0=0, y1=1,
                               fillcolor=colour, line_width=0, layer="below"))
        if label:
            # phase 1 is one year wide: its label sits lower so it does not run into phase 2's
            notes.append(dict(x=x0, y=1.0 if phase.number != 1 else 0.93, xref="x", yref="y domain", xanchor="left",
                              yanchor="bottom" if phase.number != 1 else "top", showarrow=False,
                              text=t(f"phase{phase.number}", lang), font=dict(size=10, color="#556")))
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes, annotations=list(fig.layout.annotations) + notes)


STAGE_ORDER = ("none", "green", "eco_industrial", "zero_carbon")


@figure("stages", 5, "Stage reached each year and what blocks the next", "各年达到的园区阶段及下一阶段的制约指标")
def stages_figure(results: Results, lang: str) -> go.Figure:
    """The stage reached each year (none → green → eco-industrial → zero-carbon) as a step line;
    hovering a year lists the indicators that block the next stage."""
    st = results.stage_table()
    level = st["stage_reached"].map(STAGE_ORDER.index)
    blocking = ["<br>".join(b) if len(b) else "—" for b in st["blocking"]]
    fig = go.Figure()
    fig.add_scatter(x=st["year"], y=level, mode="lines+markers", line=dict(shape="hv", color="#1b7837", width=3),
                    marker=dict(size=8), name=t("stage_reached", lang), customdata=blocking,
                    hovertemplate="%{x}: %{text}<br>" + t("blocking", lang) + ":<br>%{customdata}<extra></extra>",
                    text=[t(f"stage_{s}", lang) for s in st["stage_reached"]])
    mark_phases(fig, results, lang)
    fig.update_layout(
        xaxis_title=t("year", lang), height=360, showlegend=False,
        yaxis=dict(tickvals=list(range(len(STAGE_ORDER))), ticktext=[t(f"stage_{s}", lang) for s in STAGE_ORDER],
                   range=[-0.3, len(STAGE_ORDER) - 0.7]),
    )
    return fig


@figure("emissions", 10, "Emissions by scope against net zero", "分范围排放与净零目标")
def emissions_figure(results: Results, lang: str) -> go.Figure:
    a = results.annual
    fig = go.Figure()
    fig.add_bar(x=a["year"], y=a["scope1_tco2"], name=t("scope1", lang), marker_color="#c0392b")
    fig.add_bar(x=a["year"], y=a["scope2_market_tco2"], name=t("scope2_market", lang), marker_color="#e67e22")
    fig.add_bar(x=a["year"], y=-a["removals_tco2"], name=t("removals", lang), marker_color="#27ae60")
    fig.add_bar(x=a["year"], y=-a["offsets_tco2"], name=t("offsets", lang), marker_color="#16a085")
    fig.add_scatter(x=a["year"], y=a["net_tco2"], name=t("net", lang), mode="lines+markers", line=dict(color="black", width=3))
    fig.add_scatter(x=a["year"], y=a["gross_location_tco2"], name=t("gross_location", lang), mode="lines",
                    line=dict(color="#555", dash="dot"))
    if "captured_stored_tco2" in a.columns and a["captured_stored_tco2"].gt(0).any():
        # beside the inventory, not in it: the tonnes never reached the air, so they are no bar of their own
        fig.add_scatter(x=a["year"], y=a["captured_stored_tco2"], name=t("captured_stored", lang), mode="lines",
                        line=dict(color="#1abc9c", dash="dash"))
    fig.add_hline(y=0, line=dict(color="green", width=2, dash="dash"), annotation_text=t("net_zero", lang),
                  annotation_position="bottom left")
    mark_phases(fig, results, lang)
    fig.update_layout(barmode="relative", xaxis_title=t("year", lang), yaxis_title=t("emissions_axis", lang),
                      yaxis_tickformat=",.0f", hovermode="x unified")
    return fig


def _energy_mix(results: Results) -> dict[str, np.ndarray]:
    """tce by carrier per year; electricity split into PV, green contracts and other grid."""
    a = results.annual.set_index("year")
    by_carrier = results.energy.pivot_table(index="year", columns="carrier", values="energy_tce", aggfunc="sum").reindex(a.index).fillna(0.0)
    elec = by_carrier.get("electricity", 0.0)
    consumed = a["electricity_consumed_mwh"].replace(0, np.nan)
    shares = {
        "pv": a["renewable_used_mwh"] / consumed,
        "grid_green": a["green_power_mwh"] / consumed,
        "grid_other": (a["grid_import_mwh"] - a["green_power_mwh"]) / consumed,
    }
    fuels = ("coal", "natural_gas", "diesel", "purchased_heat", "biomethane", "purchased_hydrogen")
    out = {c: by_carrier[c].to_numpy() for c in fuels if c in by_carrier}
    for key, share in shares.items():
        out[key] = (elec * share.fillna(0.0)).to_numpy()
    return out


@figure("energy_mix", 20, "Energy mix", "能源消费结构")
def energy_mix_figure(results: Results, lang: str) -> go.Figure:
    years = results.annual["year"]
    colours = {"coal": "#34495e", "natural_gas": "#5dade2", "diesel": "#a04000", "purchased_heat": "#d35400",
               "biomethane": "#27ae60", "purchased_hydrogen": "#7f8c8d",
               "grid_other": "#95a5a6", "grid_green": "#2ecc71", "pv": "#f1c40f"}
    fig = go.Figure()
    for key, values in _energy_mix(results).items():
        fig.add_scatter(x=years, y=values, name=t(key, lang), stackgroup="energy", mode="lines",
                        line=dict(width=0.5, color=colours[key]), hovertemplate="%{y:,.0f} tce")
    mark_phases(fig, results, lang)
    method = results.manifest.get("electricity_tce_method", "equivalent")
    note = t(f"mix_note_{method}", lang).format(kgce=constant(f"electricity_kgce_per_kwh_{method}"))
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title=t("energy_axis", lang), yaxis_tickformat=",.0f",
                      hovermode="x unified")
    fig.add_annotation(text=note, xref="paper", yref="paper", x=0, xanchor="left", y=-0.16, yanchor="top",
                       showarrow=False, font_size=10)
    return fig


@figure("electricity_balance", 25, "Electricity balance by year", "年度电力平衡")
def electricity_balance_figure(results: Results, lang: str) -> go.Figure:
    """Where the park's electricity came from and where PV went, per year [GWh]."""
    a = results.annual

    def gwh(col: str):
        return a[col] / 1000.0

    supply = [
        ("grid_other", gwh("grid_import_mwh") - gwh("green_power_mwh"), "#95a5a6"),
        ("grid_green", gwh("green_power_mwh"), "#2ecc71"),
        ("pv", gwh("renewable_used_mwh"), "#f1c40f"),
    ]
    losses = [("exported", gwh("export_mwh"), "#16a085"), ("curtailed", gwh("curtailed_mwh"), "#e67e22"),
              ("unserved", gwh("unserved_mwh"), "#e73f74"), ("shed", gwh("shed_mwh"), "#c39bd3")]
    fig = go.Figure()
    for key, values, colour in supply:
        fig.add_bar(x=a["year"], y=values, name=t(key, lang), marker_color=colour, hovertemplate="%{y:,.1f} GWh")
    for key, values, colour in losses:
        if (values > 0).any():
            fig.add_bar(x=a["year"], y=-values, name=t(key, lang), marker_color=colour, hovertemplate="%{y:,.1f} GWh")
    fig.add_scatter(x=a["year"], y=gwh("electricity_demand_mwh"), name=t("demand", lang), mode="lines+markers",
                    line=dict(color="black"), hovertemplate="%{y:,.1f} GWh")
    mark_phases(fig, results, lang)
    fig.update_layout(barmode="relative", xaxis_title=t("year", lang), yaxis_title=t("electricity_axis", lang),
                      hovermode="x unified")
    return fig


@figure("indicators", 30, "Indicators against their thresholds", "指标与阈值")
def indicators_figure(results: Results, lang: str) -> go.Figure:
    a = results.annual
    panels = [
        ("core_indicator", a["core_indicator_tco2_per_tce"], a["core_threshold_tco2_per_tce"], 1.0),
        ("clean_energy_share", a["clean_energy_share"] * 100, 90.0, 1.0),
        ("energy_per_value_added", a["energy_per_value_added_tce_per_10k_cny"], 0.5, 1.0),
        ("renewable_share", a["renewable_share"] * 100, None, 1.0),
    ]
    fig = make_subplots(rows=2, cols=2, subplot_titles=[t(p[0], lang) for p in panels], vertical_spacing=0.14)
    for i, (key, values, threshold, _) in enumerate(panels):
        row, col = i // 2 + 1, i % 2 + 1
        fig.add_scatter(x=a["year"], y=values, name=t(key, lang), mode="lines+markers", row=row, col=col,
                        showlegend=False, line=dict(color="#2c3e50"))
        if threshold is not None:
            y = np.broadcast_to(np.asarray(threshold, dtype=float), values.shape)
            fig.add_scatter(x=a["year"], y=y, name=t("threshold", lang), mode="lines", row=row, col=col,
                            showlegend=i == 0, line=dict(color="#c0392b", dash="dash"))
    mark_phases(fig, results, lang, axes=("", "2", "3", "4"), label=False)
    fig.update_layout(height=620, hovermode="x unified", legend=dict(orientation="h", x=0, xanchor="left", y=1.12))
    return fig


def dispatch_year(results: Results) -> int | None:
    """The hourly year to show: the latest one whose park has PV or a battery, else the first."""
    h = results.hourly
    if h.empty:
        return None
    years = sorted(h["year"].unique())
    active = [y for y in years if (h.loc[h["year"] == y, "renewable_kw"].sum() > 0 or h.loc[h["year"] == y, "soc_kwh"].sum() > 0)]
    mid = [y for y in active if y <= 2035]
    return int((mid or active or years)[-1])


DISPATCH_TEXT = {
    "title": {"en": "Hourly dispatch, {year}", "zh": "{year}年逐时调度"},
    "time_axis": {"en": "Local time (UTC+8)", "zh": "当地时间 (UTC+8)"},
    "charging": {"en": "Battery charging (grid + PV)", "zh": "储能充电（电网+光伏）"},
}
# d3 time formats for the date axis, by zoom level (dtick in ms, or "M1" = one month)
_DAY_MS = 86_400_000
_TICK_FORMATS = {
    "en": ("%H:%M<br>%a %-d %b", "%a %-d %b", "%-d %b", "%b %Y"),
    "zh": ("%H:%M<br>%-m月%-d日", "%-m月%-d日", "%-m月%-d日", "%Y年%-m月"),
}
_HOVER_FORMAT = {"en": "%a %-d %b %Y, %H:%M", "zh": "%Y年%-m月%-d日 %H:%M"}
DEFAULT_WEEK_DAY = (7, 15)  # the dropdown opens on the week holding 15 July


def hour_stamps(year: int) -> np.ndarray:
    """The 8760 local hourly time stamps (``datetime64[h]``) of the simulated ``year`` (29 Feb skipped)."""
    days = np.array(year_calendar(year).dates, dtype="datetime64[D]")
    return (days.astype("datetime64[h]")[:, None] + np.arange(24, dtype="timedelta64[h]")).ravel()


def week_ranges(year: int) -> list[tuple[str, str]]:
    """``(first day, day after the last day)`` as ISO dates for each of the 52 weeks of 7 simulated days.

    The weeks count from 1 January; the last simulated day (31 December, the 365th) is in none.
    A week that straddles a skipped 29 February spans 8 calendar days (7 simulated ones).
    """
    dates = year_calendar(year).dates
    return [(dates[7 * w].isoformat(), dates[7 * w + 7].isoformat()) for w in range(len(dates) // 7)]


def _week_label(week: int, first_day: str, lang: str) -> str:
    number = f"{t('week', lang)} {week}" if lang == "en" else t("week", lang).format(n=week)
    return f"{number} ({first_day[5:]})"


def _date_axis_formats(lang: str) -> list[dict]:
    hours, days, weeks, months = _TICK_FORMATS.get(lang, _TICK_FORMATS["en"])
    return [
        dict(dtickrange=[None, _DAY_MS - 1], value=hours),
        dict(dtickrange=[_DAY_MS, 7 * _DAY_MS - 1], value=days),
        dict(dtickrange=[7 * _DAY_MS, "M1"], value=weeks),
        dict(dtickrange=["M1", None], value=months),
    ]


@figure("dispatch_week", 40, "A week of hourly dispatch", "一周逐时调度")
def dispatch_week_figure(results: Results, lang: str) -> go.Figure | None:
    year = dispatch_year(results)
    if year is None:
        return None
    h = results.hourly[results.hourly["year"] == year]
    # local wall-clock time as milliseconds since the epoch: a date axis reads numbers that way,
    # and plotly ships a float array in binary (date strings would add ~1.7 MB to the report)
    x = hour_stamps(year)[h["hour"].to_numpy()].astype("datetime64[ms]").astype(np.int64).astype(float)
    text = {k: v.get(lang, v["en"]) for k, v in DISPATCH_TEXT.items()}
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for key, colour in SUPPLY_COLOURS.items():
        fig.add_scatter(x=x, y=h[f"{key}_kw"] / 1000, name=t(key, lang), stackgroup="supply", mode="lines",
                        line=dict(width=0, color=colour), hovertemplate="%{y:,.2f} MW")
    fig.add_scatter(x=x, y=h["load_kw"] / 1000, name=t("load", lang), mode="lines",
                    line=dict(color="black", width=1.5), hovertemplate="%{y:,.2f} MW")
    fig.add_scatter(x=x, y=(h["grid_to_battery_kw"] + h["renewable_to_battery_kw"]) / 1000,
                    name=text["charging"], mode="lines", line=dict(color="#3969ac", dash="dot", width=1),
                    hovertemplate="%{y:,.2f} MW")
    fig.add_scatter(x=x, y=h["soc_kwh"] / 1000, name=t("soc", lang), mode="lines", line=dict(color="#8e44ad", width=1.5),
                    secondary_y=True, hovertemplate="%{y:,.2f}")
    fig.add_scatter(x=x, y=h["price_cny_per_kwh"], name=t("price", lang), mode="lines",
                    line=dict(color="#c0392b", width=1, shape="hv"), secondary_y=True, visible="legendonly",
                    hovertemplate="%{y:.2f}")
    ranges = week_ranges(year)
    buttons = [dict(label=_week_label(w + 1, first, lang), method="relayout", args=[{"xaxis.range": [first, end]}])
               for w, (first, end) in enumerate(ranges)]
    default_day = year_calendar(year).dates.index(dt.date(year, *DEFAULT_WEEK_DAY))
    start = min(default_day // 7, len(ranges) - 1)
    fig.update_layout(
        # title centred, week selector top left: clear of the modebar (top right) and of both y axes' labels
        title=dict(text=text["title"].format(year=year), x=0.5, xref="paper", xanchor="center"),
        xaxis=dict(type="date", range=list(ranges[start]), title_text=text["time_axis"],
                   tickformatstops=_date_axis_formats(lang), hoverformat=_HOVER_FORMAT.get(lang, _HOVER_FORMAT["en"]),
                   showgrid=True),
        yaxis=dict(title_text=t("power_axis", lang), rangemode="tozero"),
        hovermode="x unified",
        legend=dict(traceorder="normal"),  # not plotly's reversed order for stacked areas
        updatemenus=[dict(type="dropdown", buttons=buttons, active=start, x=0, xanchor="left", y=1.02,
                          yanchor="bottom", showactive=True, bgcolor="white", bordercolor="#bbb")],
    )
    # own round ticks, no grid: plotly would otherwise sync them to the power axis' grid (2.66, 5.33, ...)
    fig.update_yaxes(title_text=t("soc", lang), secondary_y=True, rangemode="tozero", showgrid=False, tickmode="auto")
    return fig


INVESTMENT_GROUPS = {  # catalogue technology prefix → (label key, colour)
    "rooftop_pv": ("inv_renewables", "#f1c40f"), "wind": ("inv_renewables", "#f1c40f"),
    "battery": ("inv_storage", "#3969ac"), "heat_pump": ("inv_heat", "#e67e22"), "electric_boiler": ("inv_heat", "#e67e22"),
    "bev": ("inv_vehicles", "#11a579"), "diesel": ("inv_vehicles", "#11a579"), "electrolyser": ("inv_hydrogen", "#7f3c8d"),
    "h2": ("inv_hydrogen", "#7f3c8d"), "ccus": ("inv_ccus", "#80ba5a"), "efficiency": ("inv_efficiency", "#008695"),
    "grid": ("inv_grid", "#cf1c90"), "symbiosis": ("inv_symbiosis", "#b07aa1"),
}
COST_COLOURS = {"fixed_om_cny": "#a5aa99", "electricity_cost_cny": "#c9c9c9", "fuel_cost_cny": "#6b4c3b",
                "certificate_cost_cny": "#2ecc71", "offsets_cost_cny": "#16a085"}


def investment_group(technology: str) -> tuple[str, str]:
    """(label key, colour) of the measure family a catalogue technology belongs to."""
    for prefix, group in INVESTMENT_GROUPS.items():
        if technology.startswith(prefix):
            return group
    return ("inv_other", "#999999")


@figure("costs", 50, "Pathway costs by year", "年度转型成本")
def costs_figure(results: Results, lang: str) -> go.Figure:
    """System cost components per year [million CNY], the investments split by technology."""
    a = results.annual
    fig = go.Figure()
    inv = results.investments
    if not inv.empty:
        groups = inv["technology"].map(lambda tech: investment_group(tech)[0])
        colours = dict(investment_group(tech) for tech in inv["technology"])
        by_group = inv.assign(group=groups).pivot_table(index="year", columns="group", values="capex_cny", aggfunc="sum")
        by_group = by_group.reindex(a["year"]).fillna(0.0)
        for group in by_group.columns:
            fig.add_bar(x=a["year"], y=by_group[group] / 1e6, name=t(group, lang), marker_color=colours[group],
                        hovertemplate=t("money_hover", lang))
    for key, colour in COST_COLOURS.items():
        if (a[key] != 0).any():
            fig.add_bar(x=a["year"], y=a[key] / 1e6, name=t(key, lang), marker_color=colour, hovertemplate=t("money_hover", lang))
    fig.add_scatter(x=a["year"], y=a["system_cost_cny"] / 1e6, name=t("system_cost_cny", lang), mode="lines+markers",
                    line=dict(color="black"), hovertemplate=t("money_hover", lang))
    npv = results.pathway_cost_npv_cny()
    rate = results.manifest.get("social_discount_rate", 0.08)
    fig.add_annotation(text=t("npv_note", lang).format(bn=npv / 1e9, yi=npv / 1e8, rate=rate * 100), xref="paper", yref="paper",
                       x=0, xanchor="left", y=1.08, showarrow=False, font_size=12)
    mark_phases(fig, results, lang, label=False)
    fig.update_layout(barmode="relative", xaxis_title=t("year", lang), yaxis_title=t("money_axis", lang),
                      hovermode="x unified", height=560)
    return fig


@figure("adoption", 55, "Measures firms chose themselves, by sector", "企业自主采纳的措施（按行业）")
def adoption_figure(results: Results, lang: str) -> go.Figure | None:
    """Cumulative number of projects firms started themselves (not the roadmap's), by sector."""
    sector_of = results.manifest.get("sectors", {})
    ev = results.events
    own = ev[ev["origin"].isin(list(sector_of))] if "origin" in ev else ev.iloc[:0]  # projects a firm started
    if own.empty:
        return None
    own = own.assign(sector=own["origin"].map(sector_of))
    years = results.annual["year"]
    fig = go.Figure()
    for sector, rows in own.groupby("sector"):
        counts = rows.groupby("year").size().reindex(years, fill_value=0).cumsum()
        fig.add_scatter(x=years, y=counts, name=t(f"sector_{sector}", lang), mode="lines", stackgroup="adoption")
    mark_phases(fig, results, lang, label=False)
    fig.update_layout(xaxis_title=t("year", lang), yaxis_title=t("projects_axis", lang), hovermode="x unified")
    return fig

"""Tests of the report figures (parktwin.viz) against the tables of a small in-process run.

No browser here: the figures are checked as plotly objects and in the report HTML
(tests/browser/test_report.py opens the same report in headless Chromium).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import parktwin
from parktwin.energy.calendar import hour_timestamp, year_calendar
from parktwin.results.tables import Results
from parktwin.viz.figures import dispatch_week_figure, hour_stamps, week_ranges
from parktwin.viz.registry import registered
from parktwin.viz.report import _plotly_js, key_figures, render_report
from parktwin.viz.summary import display

from builders import write_tiny_scenario

EXPECTED_FIGURES = ("stages", "indicator_status", "emissions", "waterfall", "energy_mix", "electricity_balance", "indicators",
                    "sankey_energy", "sankey_carbon", "dispatch_week", "costs", "heat_balance", "investments_money", "cashflows",
                    "financing", "macc", "levelised_costs")  # "adoption" only appears when firms decide, "hydrogen_balance"
# only with hydrogen; "macc" here shows the operator's PV (economics.asset_abatement)

@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Results:
    return parktwin.run(write_tiny_scenario(tmp_path_factory.mktemp("tiny")), seed=0)


@pytest.fixture(scope="module")
def figures(results) -> dict[tuple[str, str], go.Figure]:
    return {(spec.key, lang): spec.build(results, lang) for spec in registered() for lang in ("en", "zh")}


@pytest.fixture(scope="module")
def report_en(results) -> str:
    return render_report(results, "en")


@pytest.fixture(scope="module")
def report_zh(results) -> str:
    return render_report(results, "zh")


def by_name(fig: go.Figure, name: str) -> go.BaseTraceType:
    (trace,) = [tr for tr in fig.data if tr.name == name]
    return trace


def as_float(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


# --------------------------------------------------------------------------- the run itself

def test_tiny_run_has_what_the_figures_need(results):
    a = results.annual
    assert a["year"].tolist() == list(range(2025, 2032))
    assert sorted(results.hourly["year"].unique()) == [2025, 2030]
    assert (results.hourly.groupby("year").size() == 8760).all()
    assert a.loc[a["year"] == 2030, "pv_kwp"].item() > 0
    assert a.loc[a["year"] == 2030, "battery_kwh"].item() > 0


# --------------------------------------------------------------------------- every figure

def test_expected_figures_are_registered():
    keys = [spec.key for spec in registered()]
    assert set(EXPECTED_FIGURES) <= set(keys)
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_registered_figure_builds(figures, lang):
    for spec in registered():
        fig = figures[(spec.key, lang)]
        if spec.key not in EXPECTED_FIGURES:
            continue  # a figure that has nothing to show for this run returns None
        assert isinstance(fig, go.Figure), spec.key
        assert len(fig.data) > 0, spec.key
        for trace in fig.data:
            assert trace.name, f"{spec.key}: unnamed trace"
            values = trace.link.value if trace.type == "sankey" else trace.y
            assert len(values) > 0, f"{spec.key}/{trace.name}: no data"


def test_figures_have_axis_titles_with_units(figures):
    for lang in ("en", "zh"):
        for key in ("emissions", "energy_mix", "dispatch_week"):
            title = figures[(key, lang)].layout.yaxis.title.text
            assert re.search(r"\[.+\]", title), f"{key}/{lang}: y axis title {title!r} has no unit"
        assert re.search(r"\[MWh\]", figures[("dispatch_week", lang)].layout.yaxis2.title.text)


# --------------------------------------------------------------------------- data = Results

def test_emissions_figure_matches_annual(results, figures):
    a = results.annual
    fig = figures[("emissions", "en")]
    np.testing.assert_array_equal(as_float(by_name(fig, "Net emissions").y), a["net_tco2"].to_numpy(float))
    np.testing.assert_array_equal(as_float(by_name(fig, "Scope 1").y), a["scope1_tco2"].to_numpy(float))
    np.testing.assert_array_equal(as_float(by_name(fig, "Scope 2 (market-based)").y),
                                  a["scope2_market_tco2"].to_numpy(float))
    np.testing.assert_array_equal(as_float(by_name(fig, "Removals (green space, direct air capture)").y),
                                  -a["removals_tco2"].to_numpy(float))
    np.testing.assert_array_equal(as_float(by_name(fig, "Gross, location-based").y),
                                  a["gross_location_tco2"].to_numpy(float))
    for trace in fig.data:
        assert list(trace.x) == a["year"].tolist(), trace.name


def test_energy_mix_stack_sums_to_energy_use(results, figures):
    a = results.annual
    fig = figures[("energy_mix", "en")]
    stacked = [tr for tr in fig.data if tr.stackgroup == "energy"]
    assert len(stacked) == len(fig.data) >= 4
    total = np.sum([as_float(tr.y) for tr in stacked], axis=0)
    np.testing.assert_allclose(total, a["energy_tce"].to_numpy(float), rtol=1e-6)
    assert (np.array([as_float(tr.y) for tr in stacked]) >= -1e-9).all()


def test_indicators_figure_matches_annual(results, figures):
    a = results.annual
    fig = figures[("indicators", "en")]
    lines = {tr.name: as_float(tr.y) for tr in fig.data if tr.name != "Threshold"}
    np.testing.assert_array_equal(lines["CO₂ per energy use [tCO₂/tce]"], a["core_indicator_tco2_per_tce"])
    np.testing.assert_allclose(lines["Clean-energy share [%]"], a["clean_energy_share"] * 100)
    np.testing.assert_allclose(lines["Renewable share [%]"], a["renewable_share"] * 100)


# --------------------------------------------------------------------------- dispatch week

def test_hour_stamps_are_the_simulated_calendar():
    for year in (2030, 2028):  # an ordinary and a leap year
        stamps = hour_stamps(year)
        assert stamps.dtype == np.dtype("datetime64[h]") and stamps.shape == (8760,)
        assert str(stamps[0]) == f"{year}-01-01T00" and str(stamps[-1]) == f"{year}-12-31T23"
        days = np.unique(stamps.astype("datetime64[D]"))
        assert len(days) == 365 and not any(str(d).endswith("-02-29") for d in days)
        for hour in (0, 23, 24 * 58 + 23, 24 * 59, 4000, 8759):
            assert str(stamps[hour]) + ":00" == hour_timestamp(year, hour)


def test_dispatch_shows_latest_hourly_year_with_pv_and_battery(results, figures):
    fig = figures[("dispatch_week", "en")]
    assert "2030" in fig.layout.title.text
    assert "2030" in figures[("dispatch_week", "zh")].layout.title.text
    h = results.hourly[results.hourly["year"] == 2030]
    np.testing.assert_array_equal(as_float(by_name(fig, "Load").y), h["load_kw"].to_numpy(float) / 1000)
    np.testing.assert_array_equal(as_float(by_name(fig, "On-site PV and wind to load").y), h["renewable_to_load_kw"].to_numpy(float) / 1000)
    np.testing.assert_array_equal(as_float(by_name(fig, "Battery energy [MWh]").y),
                                  h["soc_kwh"].to_numpy(float) / 1000)
    assert by_name(fig, "On-site PV and wind to load").y.max() > 0
    assert by_name(fig, "Battery energy [MWh]").y.max() > 0


def test_dispatch_keeps_its_traces(figures):
    fig = figures[("dispatch_week", "en")]
    names = [tr.name for tr in fig.data]
    assert names[:4] == ["On-site PV and wind to load", "Battery discharge", "Grid to load", "Unserved"]
    assert all(tr.stackgroup == "supply" for tr in fig.data[:4])
    assert {"Load", "Battery energy [MWh]", "Tariff [CNY/kWh]"} <= set(names)
    assert any("charging" in n for n in names)
    assert by_name(fig, "Tariff [CNY/kWh]").visible == "legendonly"
    assert by_name(fig, "Battery energy [MWh]").yaxis == "y2"
    assert by_name(fig, "Tariff [CNY/kWh]").yaxis == "y2"
    assert by_name(fig, "Load").yaxis in (None, "y")


def as_local_time(x) -> np.ndarray:
    """A date axis' values as the figure writes them (milliseconds since the epoch, local wall clock)."""
    return np.asarray(x, dtype=float).astype(np.int64).astype("datetime64[ms]")


def test_dispatch_x_axis_is_local_date_time(figures):
    fig = figures[("dispatch_week", "en")]
    assert fig.layout.xaxis.type == "date"
    assert "hour of year" not in (fig.layout.xaxis.title.text or "")
    for trace in fig.data:
        x = as_local_time(trace.x)
        assert x.shape == (8760,), trace.name
        assert str(x[0].astype("datetime64[h]")) == "2030-01-01T00"
        assert np.all(np.diff(x).astype("timedelta64[h]") == np.timedelta64(1, "h"))  # 2030 is no leap year


def _button_ranges(fig: go.Figure) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    (menu,) = fig.layout.updatemenus
    out = []
    for button in menu.buttons:
        assert button.method == "relayout"
        (args,) = button.args
        first, end = args["xaxis.range"]
        assert isinstance(first, str) and isinstance(end, str)
        out.append((pd.Timestamp(first), pd.Timestamp(end)))
    return out


def test_dispatch_week_dropdown(figures):
    fig = figures[("dispatch_week", "en")]
    (menu,) = fig.layout.updatemenus
    assert len(menu.buttons) == 52
    ranges = _button_ranges(fig)
    for w, (first, end) in enumerate(ranges):
        assert end - first == pd.Timedelta(days=7), w
        assert first == pd.Timestamp(2030, 1, 1) + pd.Timedelta(days=7 * w)
        dt.date.fromisoformat(menu.buttons[w].args[0]["xaxis.range"][0])  # ISO dates
    assert menu.buttons[0].label == "Week 1 (01-01)"
    assert menu.buttons[1].label == "Week 2 (01-08)"
    assert menu.buttons[51].label == "Week 52 (12-24)"
    # the default week holds 15 July and is the active button
    first, end = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert first <= pd.Timestamp(2030, 7, 15) < end
    assert (first, end) == ranges[menu.active]
    assert menu.buttons[menu.active].label == "Week 28 (07-09)"


def test_dispatch_week_dropdown_zh(figures):
    fig = figures[("dispatch_week", "zh")]
    (menu,) = fig.layout.updatemenus
    assert menu.buttons[0].label.startswith("第1周")
    assert menu.buttons[51].label.startswith("第52周")
    assert _button_ranges(fig) == _button_ranges(figures[("dispatch_week", "en")])


def test_dispatch_leap_year_skips_29_february(results):
    # The same hourly data labelled as a leap year: 29 February has no hours, and the week
    # that straddles it covers 7 simulated days (8 calendar days).
    h2030 = results.hourly[results.hourly["year"] == 2030]
    leap = dataclasses.replace(results, hourly=h2030.assign(year=np.int32(2028)))
    fig = dispatch_week_figure(leap, "en")
    x = as_local_time(fig.data[0].x)
    assert x[59 * 24] == np.datetime64("2028-03-01T00")
    assert x[59 * 24 - 1] == np.datetime64("2028-02-28T23")
    spans = [(end - first).days for first, end in _button_ranges(fig)]
    assert spans == [7] * 8 + [8] + [7] * 43
    assert week_ranges(2028)[8] == ("2028-02-26", "2028-03-05")
    first, end = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert first <= pd.Timestamp(2028, 7, 15) < end
    # every button shows 168 hours of data
    for first, end in _button_ranges(fig):
        assert ((x >= first.to_datetime64()) & (x < end.to_datetime64())).sum() == 168


def test_dispatch_without_hourly_output_is_skipped(results):
    empty = dataclasses.replace(results, hourly=results.hourly.iloc[0:0])
    assert dispatch_week_figure(empty, "en") is None


def test_default_week_for_every_calendar_year():
    for year in range(2025, 2061):
        ranges = week_ranges(year)
        assert len(ranges) == 52
        day = year_calendar(year).dates.index(dt.date(year, 7, 15))
        first, end = ranges[day // 7]
        assert first <= f"{year}-07-15" < end


# --------------------------------------------------------------------------- the report HTML

def newplot_figures(page: str) -> dict[str, tuple[list, dict]]:
    """``{div id: (data, layout)}`` of every ``Plotly.newPlot`` call in a report page."""
    decoder = json.JSONDecoder()
    out = {}
    for match in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', page):
        data, end = decoder.raw_decode(page, match.end())
        rest = re.match(r",\s*", page[end:])
        layout, _ = decoder.raw_decode(page, end + rest.end())
        out[match.group(1)] = (data, layout)
    return out


_DTYPES = {"f8": "<f8", "f4": "<f4", "i1": "i1", "u1": "u1", "i2": "<i2", "u2": "<u2", "i4": "<i4", "u4": "<u4"}


def decode(values) -> np.ndarray:
    """A trace array as plotly writes it: a list, or ``{"dtype", "bdata"}`` (base64 typed array)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=_DTYPES[values["dtype"]])
    return np.asarray(values)


def test_report_is_self_contained(report_en):
    assert "<script src=" not in report_en.lower()
    assert not re.search(r"<script[^>]+src\s*=", report_en, flags=re.I)
    assert not re.search(r"<link[^>]+href\s*=\s*\"https?:", report_en, flags=re.I)
    assert _plotly_js() in report_en
    assert report_en.count("Plotly.newPlot(") == len(EXPECTED_FIGURES)


def test_report_has_every_figure_and_key_figures(results, report_en):
    for key in EXPECTED_FIGURES:
        assert f'id="fig-{key}"' in report_en, key
        assert f'id="sec-{key}"' in report_en, key
    for value, label in key_figures(results, "en"):
        assert html.escape(value) in report_en and html.escape(label) in report_en
    assert display(results.annual["net_tco2"].iloc[-1], "tco2", "en") in report_en


def test_report_figures_carry_the_results(results, report_en):
    figs = newplot_figures(report_en)
    assert sorted(figs) == sorted(f"fig-{k}" for k in EXPECTED_FIGURES)
    data, _ = figs["fig-emissions"]
    net = next(tr for tr in data if tr["name"] == "Net emissions")
    np.testing.assert_allclose(decode(net["y"]), results.annual["net_tco2"], rtol=1e-12)
    data, layout = figs["fig-dispatch_week"]
    load = next(tr for tr in data if tr["name"] == "Load")
    h = results.hourly[results.hourly["year"] == 2030]
    np.testing.assert_allclose(decode(load["y"]), h["load_kw"] / 1000, rtol=1e-12)
    assert str(as_local_time(decode(load["x"]))[0]) == "2030-01-01T00:00:00.000"
    assert layout["xaxis"]["type"] == "date"
    assert len(layout["updatemenus"][0]["buttons"]) == 52


def test_report_zh_has_the_same_numbers(results, report_en, report_zh):
    assert "单位能耗碳排放" in report_zh
    assert '<html lang="zh-CN">' in report_zh
    for value, label in key_figures(results, "zh"):
        assert value in report_zh and label in report_zh
    en, zh = newplot_figures(report_en), newplot_figures(report_zh)
    assert sorted(en) == sorted(zh)
    names_zh = {tr["name"] for data, _ in zh.values() for tr in data}
    assert {"净排放", "负荷", "储能电量 [MWh]"} <= names_zh  # the traces are translated ...
    for div in en:
        data_en, data_zh = en[div][0], zh[div][0]
        assert len(data_en) == len(data_zh), div
        for a, b in zip(data_en, data_zh):
            if a.get("type") == "sankey":
                np.testing.assert_array_equal(decode(a["link"]["value"]), decode(b["link"]["value"]), err_msg=div)
                continue
            np.testing.assert_array_equal(decode(a["y"]), decode(b["y"]), err_msg=div)
            np.testing.assert_array_equal(decode(a["x"]), decode(b["x"]), err_msg=div)  # ... the numbers not


def test_report_is_grouped_with_a_table_of_contents(results, report_en, report_zh):
    from parktwin.viz.report import GROUPS, group_of

    for page in (report_en, report_zh):
        sections = re.findall(r'<section id="sec-([a-z_]+)"', page)
        links = re.findall(r'<a href="#sec-([a-z_]+)"', page)
        assert links == sections  # the contents list every figure, in page order
        groups = re.findall(r'<h2 class="group" id="grp-([a-z]+)"', page)
        assert re.findall(r'<a href="#grp-([a-z]+)"', page) == groups
        order = [g for g, _, _ in GROUPS]
        assert groups == sorted(groups, key=order.index)  # pathway, energy, money, resources & stages, data
        # each figure sits under its own group's heading
        for key in sections:
            heading = page.rfind('<h2 class="group"', 0, page.index(f'<section id="sec-{key}"'))
            assert page[heading:heading + 60].split('id="grp-')[1].startswith(group_of(key)), key
        assert page.index('id="summary"') < page.index('id="toc"') < page.index('<section id="sec-')
    assert "Contents" in report_en and "目录" in report_zh
    assert group_of("emissions") == "pathway" and group_of("a_figure_added_later") == "more"


def test_key_figures_put_the_private_cost_beside_the_system_cost(results):
    for lang in ("en", "zh"):
        shown = key_figures(results, lang)
        (system,) = [i for i, (_, label) in enumerate(shown) if label in ("Pathway system cost (NPV)", "路径系统成本现值")]
        value, label = shown[system + 1]
        # the private view: Σ of every party's cash flows discounted at its own rate (Results.private_npv_cny)
        assert value == display(results.cashflows["pv_cny"].sum(), "cny", lang)
        assert ("Private cost" in label) if lang == "en" else ("主体自身成本" in label)


def test_render_rejects_unknown_language(results):
    with pytest.raises(ValueError):
        render_report(results, "fr")


def test_electricity_balance_supply_bars_sum_to_consumption(figures, results):
    fig = figures[("electricity_balance", "en")]
    bars = [tr for tr in fig.data if tr.type == "bar" and np.all(np.asarray(tr.y) >= 0)]
    supplied_gwh = np.sum([np.asarray(tr.y) for tr in bars], axis=0)
    # grid (green + other) + own PV used = electricity consumed (storage losses included)
    np.testing.assert_allclose(supplied_gwh, results.annual["electricity_consumed_mwh"] / 1000, rtol=1e-12)


def test_costs_figure_stacks_to_the_system_cost(figures, results):
    fig = figures[("costs", "en")]
    bars = np.sum([np.asarray(tr.y, dtype=float) for tr in fig.data if tr.type == "bar"], axis=0)
    np.testing.assert_allclose(bars, results.annual["system_cost_cny"] / 1e6, rtol=1e-9)
    assert f"{results.pathway_cost_npv_cny() / 1e9:,.2f} bn CNY" in fig.layout.annotations[0].text


def test_stage_timeline_follows_the_stage_table(figures, results):
    fig = figures[("stages", "en")]
    st = results.stage_table()
    levels = ["none", "green", "eco_industrial", "zero_carbon"]
    assert list(fig.data[0].y) == [levels.index(s) for s in st["stage_reached"]]
    assert "Zero-carbon park" in fig.layout.yaxis.ticktext


# --------------------------------------------------------------------------- words, units, rounding

UNIT = re.compile(r"\[[^\]]+\]|tCO₂|tce|GWh|MW|CNY|元|%|m³|立方米|吨|(?:^|\s)t$")  # m³, t: water and solid-waste Sankeys


@pytest.fixture(scope="module")
def demo_figures() -> dict[tuple[str, str, str], go.Figure]:
    """Every figure the registry builds for the runs that between them show every registered figure
    (tests/browser/test_report_figures.py): net_zero_2050 (heat, hydrogen, water, waste, symbiosis,
    measured totals, products), pdca_led (firms' own measures, MACC, PDCA), metered_example (a meter
    series) and export_aluminium_net_zero (CBAM on EU exports)."""
    out = {}
    for name in ("net_zero_2050", "pdca_led", "metered_example", "export_aluminium_net_zero"):
        results = parktwin.run(Path(__file__).resolve().parents[1] / "scenarios" / f"{name}.yaml", seed=0)
        for spec in registered():
            for lang in ("en", "zh"):
                out[(name, spec.key, lang)] = spec.build(results, lang)
    return out


def test_the_demo_runs_show_every_registered_figure(demo_figures):
    shown = {key for (_, key, _), fig in demo_figures.items() if fig is not None}
    assert shown == {spec.key for spec in registered()}


def _numbers(trace) -> dict[str, np.ndarray]:
    """The numeric arrays of a trace (labels and categories left out)."""
    out = {}
    arrays = {"link.value": trace.link.value} if trace.type == "sankey" else \
        {k: trace[k] for k in ("x", "y", "z", "values", "base", "customdata") if k in trace and trace[k] is not None}
    for name, values in arrays.items():
        try:
            out[name] = np.asarray(values, dtype=float)
        except (TypeError, ValueError):  # words or dates: not a number to compare
            continue
    return out


def test_every_figure_shows_the_same_numbers_in_both_languages(demo_figures):
    for (name, key, lang), en in demo_figures.items():
        if lang != "en" or en is None:
            continue
        zh = demo_figures[(name, key, "zh")]
        assert zh is not None and len(zh.data) == len(en.data), (name, key)
        for a, b in zip(en.data, zh.data):
            assert a.type == b.type, (name, key)
            na, nb = _numbers(a), _numbers(b)
            assert na.keys() == nb.keys(), (name, key, a.name)
            for array in na:
                np.testing.assert_array_equal(na[array], nb[array], err_msg=f"{name}/{key}/{a.name}/{array}")


def test_every_number_on_hover_is_rounded_and_every_axis_has_its_unit(figures, demo_figures):
    from parktwin.viz.report import dress

    every = {**figures, **{(f"{name}/{key}", lang): fig for (name, key, lang), fig in demo_figures.items()}}
    for (key, lang), fig in every.items():
        key = key.split("/")[-1]
        if fig is None:
            continue
        fig = dress(go.Figure(fig))
        for tr in fig.data:
            if tr.type == "sankey":
                assert tr.valueformat == ",.0f" and UNIT.search(tr.valuesuffix), (key, lang)
                continue
            if tr.type == "table":  # a table's numbers are formatted text; its units are in the headers
                continue
            axis = fig.layout[f"yaxis{str(tr.yaxis or 'y')[1:]}"]
            # a trace rounds on hover by its own template, or by its axis' hover format
            assert tr.hovertemplate or axis.hoverformat, (key, lang, tr.name)
            fmt = tr.hovertemplate or axis.hoverformat
            assert re.search(r"[.,]\d*~?[fr%d]|%\{text\}|%\{x\}", fmt), (key, lang, tr.name, fmt)
        for name in ("yaxis", "yaxis2", "yaxis3", "yaxis4"):
            title = fig.layout[name].title.text if name in fig.layout else None
            if title and key not in ("stages", "adoption"):  # a stage ladder and a count of projects have no unit
                assert UNIT.search(title), (key, lang, title)


def test_chinese_figures_carry_no_english_words(figures, demo_figures):
    english = re.compile(r"\b(?:electricity|CNY|Investment|Net|Scope|Year)\b")
    every = {**figures, **{(f"{name}/{key}", lang): fig for (name, key, lang), fig in demo_figures.items()}}
    for (key, lang), fig in every.items():
        if fig is None or lang != "zh":
            continue
        texts = [a.text for a in fig.layout.annotations] + [tr.name or "" for tr in fig.data]
        texts += [tr.hovertemplate or "" for tr in fig.data if tr.type not in ("sankey", "table")]
        texts += [str(h) for tr in fig.data if tr.type == "table" for h in tr.header.values]
        for text in texts:
            assert not english.search(text), (key, text)


def test_sector_names_come_from_the_sector_table():
    from parktwin.viz.labels import t

    # data/sectors.csv (GB/T 4754-2017 divisions)
    assert t("sector_building_materials", "zh") == "非金属矿物制品"
    assert t("sector_building_materials", "en") == "Non-metallic minerals"
    assert t("sector_logistics", "zh") == "仓储和物流"

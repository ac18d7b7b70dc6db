"""Every registered figure of the run report, opened in headless Chromium for four runs.

The expected figures come from the registry (viz.registry): every figure whose builder returns
a figure for the run must be rendered with data, in English and in Chinese, without console
errors. ``net_zero_2050`` (demo park) shows the heat, hydrogen, water, waste, symbiosis and
measured-data figures; ``pdca_led`` adds the conditional ones: firms' own measures (adoption,
MACC) and the operator's PDCA; ``metered_example`` the meter series' data-quality table;
``export_aluminium_net_zero`` the CBAM table of EU exports. Together
they cover every registered figure. The year selector
of each Sankey diagram must change the year drawn.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

import parktwin
from parktwin.viz.registry import registered
from parktwin.viz.report import write_report

from .helpers import click_updatemenu_item, network_requests, open_file, plot_summaries, severe_console_errors

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ("net_zero_2050", "pdca_led", "metered_example", "export_aluminium_net_zero")
SANKEYS = ("sankey_energy", "sankey_carbon", "sankey_water", "sankey_materials")

_VISIBLE_LINKS_JS = """
const el = document.getElementById(arguments[0]);
return el._fullData.filter(tr => tr.visible === true).map(tr => ({
  name: tr.name, links: tr.link.value.length, total: Array.from(tr.link.value).reduce((a, b) => a + b, 0),
  drawn: el.querySelectorAll('.sankey-link').length}));
"""


@pytest.fixture(scope="module")
def runs():
    return {name: parktwin.run(ROOT / "scenarios" / f"{name}.yaml", seed=0) for name in SCENARIOS}


@pytest.fixture(scope="module")
def built(runs):
    """{(scenario, lang): {key: figure}} of every figure the registry builds for the run."""
    out = {}
    for name, results in runs.items():
        for lang in ("en", "zh"):
            figs = {spec.key: spec.build(results, lang) for spec in registered()}
            out[(name, lang)] = {k: f for k, f in figs.items() if f is not None}
    return out


def test_the_runs_cover_every_registered_figure(built):
    shown = {key for figs in built.values() for key in figs}
    assert shown == {spec.key for spec in registered()}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_figure_renders_with_data(browser, runs, built, name, lang, tmp_path):
    results, figs = runs[name], built[(name, lang)]
    page = write_report(results, tmp_path / f"{name}_{lang}.html", lang)
    open_file(browser, page, timeout=60, min_plots=len(figs))
    assert severe_console_errors(browser) == []
    assert network_requests(browser) == []
    plots = {p["id"]: p for p in plot_summaries(browser)}
    assert set(plots) == {f"fig-{key}" for key in figs}
    for key, fig in figs.items():
        plot = plots[f"fig-{key}"]
        # every trace the figure carries reaches the page, and something is drawn from it
        assert plot["traces"] == len(fig.data), (key, plot)
        assert plot["points"] > 0 and plot["drawn"] > 0, (key, plot)

    for key in (k for k in SANKEYS if k in figs):  # the small metered park has no water or waste data
        fig = figs[key]
        div = f"fig-{key}"
        browser.execute_script("document.getElementById(arguments[0]).scrollIntoView({block: 'center'})", div)
        (shown,) = browser.execute_script(_VISIBLE_LINKS_JS, div)
        assert shown["name"] == fig.data[-1].name  # the last year is shown first
        for trace in fig.data[:-1]:  # each earlier year by its button
            label = trace.name if lang == "en" else f"{trace.name}年"
            click_updatemenu_item(browser, div, label)
            # plotly's Sankey fades the old year's links out (a d3 transition): wait until they are gone
            WebDriverWait(browser, 10, poll_frequency=0.1).until(
                lambda d: (lambda s: s[0]["drawn"] == s[0]["links"])(d.execute_script(_VISIBLE_LINKS_JS, div)))
            (shown,) = browser.execute_script(_VISIBLE_LINKS_JS, div)
            assert shown["name"] == trace.name, (key, label)
            # the drawn links are that year's flows (viz.flows / viz.resources), value for value
            assert shown["links"] == shown["drawn"] == len(trace.link.value), (key, label, shown)
            assert shown["total"] == pytest.approx(sum(trace.link.value), rel=1e-9), (key, label)
    assert severe_console_errors(browser) == []


_WORDS_JS = """
const out = [];
document.querySelectorAll('.legendtext, .sankey-node .node-label, .xtick text').forEach(e => out.push(e.textContent));
const summary = document.getElementById('summary');
return [out, summary ? summary.innerText : ''];
"""
REMOVAL = {"en": ("removal",), "zh": ("碳汇",)}
CAPTURE = {"en": ("ccus", "captur"), "zh": ("捕集", "ccus", "封存")}
DIRECT_AIR_CAPTURE = {"en": "direct air capture", "zh": "直接空气捕集"}  # a removal by definition: its name may stand beside one


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_captured_co2_is_nowhere_called_a_removal(browser, runs, built, lang, tmp_path):
    """Every legend entry, Sankey node and tick label drawn, and the summary as read on the page: captured
    CO₂ is booked against its source (docs/methods.md §CCUS in the inventory), never named a removal."""
    import re

    results, figs = runs["net_zero_2050"], built[("net_zero_2050", lang)]
    page = write_report(results, tmp_path / f"ccus_{lang}.html", lang)
    open_file(browser, page, timeout=60, min_plots=len(figs))
    drawn, summary = browser.execute_script(_WORDS_JS)
    phrases = drawn + re.split(r"[.。,，、;；:：]\s*", summary)
    plain = [(p, p.lower().replace(DIRECT_AIR_CAPTURE[lang], "")) for p in phrases]
    mixed = [p for p, t in plain if any(r in t for r in REMOVAL[lang]) and any(c in t for c in CAPTURE[lang])
             and "not counted as a removal" not in p and "不计为碳汇" not in p]
    assert not mixed, mixed
    assert any(("captured and stored" in p.lower()) if lang == "en" else ("捕集并封存" in p) for p in drawn)  # shown as such

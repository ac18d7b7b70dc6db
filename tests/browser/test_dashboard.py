"""The workshop dashboard (parktwin.viz.dashboard) served on a loopback port and driven in
headless Chromium: it renders every chart with data, offline (no request leaves 127.0.0.1),
without console errors; a slider moved with the keyboard or a click on its rail reruns the
scenario and changes the charts and the key figures; quick arrow-key steps start one run, not one
per step; another tab is built when it is opened; choosing another scenario resets the sliders.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
import yaml
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from parktwin.viz.dashboard import BackgroundServer, create_app

from .helpers import network_requests, screenshot, severe_console_errors, wait_plots_rendered

pytestmark = pytest.mark.browser

FIGURES = ("fig-emissions", "fig-indicators")  # the first tab's (pathway) charts read here
ENERGY = ("fig-energy_mix", "fig-electricity_balance", "fig-dispatch_week")  # the energy tab's

PARK = {
    "name": "Tiny park",
    "location": {"latitude_deg": 31.3, "longitude_deg": 120.6, "altitude_m": 5, "annual_ghi_kwh_per_m2": 1300},
    "grid": {"import_limit_kw": 20000, "tariff": {
        "valley_hours": [0, 1, 2, 3, 4, 5, 6, 7], "flat_hours": [11, 12, 13, 14, 15, 16, 22, 23],
        "peak_hours": [8, 9, 10, 17, 18, 19, 20, 21], "critical_hours": [20, 21],
        "price_cny_per_kwh": {"valley": 0.28, "flat": 0.65, "peak": 1.12, "critical": 1.34},
        "demand_charge_cny_per_kw_month": 40}},
    "enterprises": [
        {"id": "chem", "name": "Chem", "sector": "chemicals", "value_added_mcny": 500,
         "energy": {"electricity_mwh": 40000, "coal_t": 20000, "natural_gas_km3": 2000},
         "process_emissions_tco2": 10000, "fuel_heat_share": 0.8, "roof_area_m2": 20000, "shift_pattern": "continuous"},
        {"id": "elec", "name": "Elec", "sector": "electronics", "value_added_mcny": 800,
         "energy": {"electricity_mwh": 60000}, "roof_area_m2": 40000, "shift_pattern": "three_shift_3x8"},
    ],
    "buildings": [{"id": "office", "kind": "office", "floor_area_m2": 20000, "electricity_kwh_per_m2": 110, "roof_area_m2": 4000}],
    "fleets": [{"id": "trucks", "owner": "chem", "vehicle": "heavy_truck", "count": 20, "km_per_vehicle_yr": 60000,
                "diesel_l_per_100km": 32, "bev_kwh_per_km": 1.47}],
    "green_space": {"area_ha": 10},
}
SCENARIO = {
    "name": "tiny", "park": "park.yaml", "horizon_years": 6, "outputs": {"hourly_years": [2025, 2030]},
    "carbon_price_cny_per_tco2": {2025: 96, 2050: 300},
    "roadmap": [
        {"id": "pv1", "kind": "rooftop_pv", "year": 2027, "lead_time_days": 120, "roof_share": 0.6},
        {"id": "bat1", "kind": "battery", "year": 2028, "lead_time_days": 90, "energy_kwh": 20000, "power_kw": 5000},
        {"id": "gp1", "kind": "green_power", "year": 2027, "share": 0.8},
        {"id": "ev1", "kind": "electrify_fleet", "year": 2028, "share": 0.5},
    ],
}

# each chart's plotly div (dcc.Graph puts its id on the wrapper): traces, and every trace's y
_CHARTS_JS = """
return arguments[0].map(id => {
  const el = document.querySelector('#' + id + ' .js-plotly-plot');
  if (!el || !el._fullData) return {id: id, traces: 0, points: 0, y: []};
  const ys = el._fullData.map(t => Array.from(t.y || []));
  return {id: id, traces: el._fullData.length, points: ys.reduce((a, y) => a + y.length, 0), y: ys};
});
"""


def _charts(browser, ids=FIGURES) -> dict[str, dict]:
    return {c["id"]: c for c in browser.execute_script(_CHARTS_JS, list(ids))}


# the charts' callback requests the page has sent (the debounce test counts them)
_UPDATES_JS = """
return performance.getEntriesByType('resource').filter(e => e.name.includes('_dash-update-component')).length;
"""


def _text(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


@pytest.fixture(scope="module")
def scenario_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dash")
    (folder / "park.yaml").write_text(yaml.safe_dump(PARK), encoding="utf-8")
    (folder / "bare.yaml").write_text(yaml.safe_dump({**SCENARIO, "name": "bare", "roadmap": []}), encoding="utf-8")
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(SCENARIO), encoding="utf-8")
    return path


def _open(browser, scenario_path, lang: str, keys: list[str] | None = None):
    """Serve a new app on a free loopback port and open it; the caller stops the server."""
    others = [str(scenario_path), str(scenario_path.parent / "bare.yaml")]
    app = create_app(scenario_path, lang=lang, scenarios=others, keys=keys)
    server = BackgroundServer(app)
    n = len(next(iter(app.tabs.values())))  # the first tab's charts: the others are built when opened
    browser.get_log("browser")  # drain what earlier pages logged
    browser.get(server.url)
    WebDriverWait(browser, 30, poll_frequency=0.1).until(
        lambda d: d.execute_script("return document.querySelectorAll('.js-plotly-plot').length") >= n)
    wait_plots_rendered(browser, timeout=30, min_plots=n)
    return server


def _assert_offline_and_clean(browser, server) -> None:
    assert severe_console_errors(browser) == []
    requests = network_requests(browser)
    assert requests, "the page loaded nothing from its server?"
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requests if urlsplit(u).hostname != "127.0.0.1")


def test_dashboard_renders_offline_and_a_slider_reruns_the_scenario(browser, scenario_path):
    server = _open(browser, scenario_path, "en")
    try:
        _assert_offline_and_clean(browser, server)
        charts = _charts(browser)
        for key in FIGURES:
            assert charts[key]["traces"] > 0 and charts[key]["points"] > 0, charts[key]
        assert browser.execute_script("return document.querySelector('#fig-energy_mix .js-plotly-plot')") is None  # not on screen
        assert len(charts["fig-emissions"]["y"]) == 6 and all(len(y) == 7 for y in charts["fig-emissions"]["y"])
        kpis = _text(browser, "kpis")
        assert "Net emissions 2031" in kpis and "Run time" in kpis
        assert "none — the scenario as written" in _text(browser, "status")
        screenshot(browser, "dashboard_top")

        # keyboard: focus the green-power slider's handle (a real click) and step it down 80 % -> 70 %
        handle = browser.find_element(By.CSS_SELECTOR, "#green_power_cap [role=slider]")
        assert handle.get_attribute("aria-valuenow") == "80"
        before, before_kpis = charts["fig-emissions"]["y"], kpis
        before_summary = browser.execute_script("return document.getElementById('summary').textContent")
        assert "Net emissions (scope 1" in before_summary
        ActionChains(browser).click(handle).send_keys(Keys.ARROW_LEFT).perform()
        start = time.perf_counter()
        WebDriverWait(browser, 15, poll_frequency=0.05).until(
            lambda d: "roadmap.gp1.share=0.7" in _text(d, "status"))
        wait_plots_rendered(browser, timeout=15, min_plots=len(FIGURES))
        print(f"\nkey press -> charts updated in the browser: {time.perf_counter() - start:.2f} s")
        assert handle.get_attribute("aria-valuenow") == "70"
        after = _charts(browser)["fig-emissions"]["y"]
        assert after != before  # less green power: more market-based scope 2
        assert _text(browser, "kpis") != before_kpis
        # the written summary follows the run (folded by default: read its text, not what is shown)
        after_summary = browser.execute_script("return document.getElementById('summary').textContent")
        assert after_summary != before_summary
        assert "--set roadmap.gp1.share=0.7" in _text(browser, "status")

        # quick arrow-key steps (70 % -> 40 %): one run when the keys rest, not one per step
        sent = browser.execute_script(_UPDATES_JS)
        ActionChains(browser).click(handle).send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT).perform()
        WebDriverWait(browser, 15, poll_frequency=0.05).until(lambda d: "roadmap.gp1.share=0.4" in _text(d, "status"))
        wait_plots_rendered(browser, timeout=15, min_plots=len(FIGURES))
        assert browser.execute_script(_UPDATES_JS) - sent == 1
        after = _charts(browser)["fig-emissions"]["y"]

        # the energy tab is built when it is opened, from the run on screen
        browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Energy']").click()
        WebDriverWait(browser, 15, poll_frequency=0.05).until(
            lambda d: all(c["points"] > 0 for c in _charts(d, ENERGY).values()))
        wait_plots_rendered(browser, timeout=15, min_plots=len(ENERGY))
        screenshot(browser, "dashboard_energy_tab")
        browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Pathway: emissions and targets']").click()
        WebDriverWait(browser, 15, poll_frequency=0.05).until(lambda d: _charts(d)["fig-emissions"]["points"] > 0)
        wait_plots_rendered(browser, timeout=15, min_plots=len(FIGURES))
        assert _charts(browser)["fig-emissions"]["y"] == after

        # the status line shows its code boxes whole: no line box cut at the bottom (underscores, descenders)
        clipped = browser.execute_script("""
            const status = document.getElementById('status');
            return Array.from(status.querySelectorAll('code')).some(c => {
              const r = c.getBoundingClientRect(), s = status.getBoundingClientRect();
              return r.bottom > s.bottom + 0.5 || getComputedStyle(status).overflow === 'hidden';
            });""")
        assert not clipped

        # mouse: click the PV slider's rail near its right end (shift +6 years, clipped to the horizon)
        rail = browser.find_element(By.CSS_SELECTOR, "#pv_year_shift .dash-slider-root")
        ActionChains(browser).move_to_element_with_offset(rail, rail.size["width"] // 2 - 3, 0).click().perform()
        WebDriverWait(browser, 15, poll_frequency=0.05).until(lambda d: "roadmap.pv1.year=" in _text(d, "status"))
        wait_plots_rendered(browser, timeout=15, min_plots=len(FIGURES))
        assert "roadmap.gp1.share=0.4" in _text(browser, "status")  # the earlier move still applies
        assert _charts(browser)["fig-emissions"]["y"] != after
        screenshot(browser, "dashboard_after_moves")

        # another scenario: its own defaults, and levers with nothing to act on are disabled
        moved = _charts(browser)["fig-emissions"]["y"]
        browser.find_element(By.ID, "scenario").click()
        option = WebDriverWait(browser, 10, poll_frequency=0.05).until(lambda d: next(
            (o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text.startswith("bare")), False))
        option.click()
        WebDriverWait(browser, 15, poll_frequency=0.05).until(
            lambda d: "none — the scenario as written" in _text(d, "status"))
        wait_plots_rendered(browser, timeout=15, min_plots=len(FIGURES))
        assert _charts(browser)["fig-emissions"]["y"] != moved
        assert browser.find_element(By.CSS_SELECTOR, "#pv_year_shift [role=slider]").get_attribute("aria-valuenow") == "0"
        assert browser.find_element(By.CSS_SELECTOR, "#pv_year_shift .dash-slider-root").get_attribute("aria-disabled") == "true"
        assert "nothing in this scenario to act on" in _text(browser, "pv_year_shift-na")
        assert browser.find_element(By.CSS_SELECTOR, "#carbon_price_2050 .dash-slider-root").get_attribute("aria-disabled") == "false"
        _assert_offline_and_clean(browser, server)
        screenshot(browser, "dashboard_other_scenario")
    finally:
        server.stop()


def test_dashboard_zh(browser, scenario_path):
    server = _open(browser, scenario_path, "zh", keys=["emissions"])  # one chart: the words are the point here
    try:
        _assert_offline_and_clean(browser, server)
        page = browser.find_element(By.TAG_NAME, "body").text
        assert "2050年碳价" in page and "2031年净排放" in page and "分范围排放与净零目标" in page
        assert _charts(browser)["fig-emissions"]["points"] > 0
        screenshot(browser, "dashboard_zh")
    finally:
        server.stop()

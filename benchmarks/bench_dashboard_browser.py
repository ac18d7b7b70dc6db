"""The workshop dashboard in a real browser: from the release of a slider to updated charts.

    python benchmarks/bench_dashboard_browser.py [scenario.yaml] [--moves 10] [--lever green_power_cap]

Serves the dashboard (``parktwin serve``'s app) on a loopback port, opens it in headless
Chromium (Debian's ``chromium`` and ``chromium-driver``, as tests/browser use; install with
``bash .ci/install-browser``; ``PARKTWIN_CHROMIUM`` / ``PARKTWIN_CHROMEDRIVER`` point elsewhere),
and drags a slider's handle to a new value ``--moves`` times. Each move is timed from the mouse
release to the page showing the new run: the status line names the new overrides and every chart
on screen has finished drawing (plotly's render promises drained). Prints each time, the median
and the worst, the server's callback time of each move, and the machine's load average before and
after (above 1 per core the numbers are "under load": other processes share the CPU).

Not a CI gate (CI machines are shared); the workshop's aim is < 1 s on a quiet machine, < 2 s busy.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "net_zero_2050.yaml"
CHROME_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000")
# slider values visited in turn (% for the green-power cap): each differs from the one before
VALUES = (50, 70, 30, 90, 20, 60, 40, 80, 10, 100, 50, 70)

_RENDERED_JS = """
const plots = document.querySelectorAll('.js-plotly-plot');
if (!plots.length || document.querySelectorAll('.plotly-graph-div:not(.js-plotly-plot)').length) return false;
for (const el of plots) {
  if (!el._fullLayout || !el._fullData || !el.querySelector('svg.main-svg')) return false;
  if ((el._promises && el._promises.length) || el._transitioning) return false;
}
return document.getElementById('status').textContent;
"""


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = os.environ.get("PARKTWIN_CHROMIUM", "/usr/bin/chromium")
    driver_path = os.environ.get("PARKTWIN_CHROMEDRIVER", "/usr/bin/chromedriver")
    for path in (chromium, driver_path):
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path} not found: install with `bash .ci/install-browser`")
    profile = tempfile.mkdtemp(prefix="parktwin-bench-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options), profile


def wait_for(driver, predicate, timeout: float = 60.0, poll: float = 0.01):
    """Poll ``predicate(driver)`` until it returns something true; returns it."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        value = predicate(driver)
        if value:
            return value
        time.sleep(poll)
    raise TimeoutError("the page did not update in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(DEFAULT))
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument("--lever", default="green_power_cap", help="slider id (its range is read from SLIDERS)")
    args = parser.parse_args()

    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    from parktwin.viz.dashboard import BackgroundServer, create_app
    from parktwin.viz.sliders import SLIDERS

    os.chdir(ROOT)
    slider = next(s for s in SLIDERS if s.id == args.lever)
    load_before = os.getloadavg()
    app = create_app(Path(args.scenario), scenarios=[])
    driver, profile = browser()
    times, server_s = [], []
    try:
        with BackgroundServer(app) as server:
            driver.get(server.url)
            status = wait_for(driver, lambda d: d.execute_script(_RENDERED_JS))
            rail = driver.find_element(By.CSS_SELECTOR, f"#{slider.id} .dash-slider-root")
            handle = driver.find_element(By.CSS_SELECTOR, f"#{slider.id} [role=slider]")
            width = rail.size["width"]
            values = [v * (slider.max - slider.min) / 100 + slider.min for v in VALUES][:args.moves]
            for value in values:
                x = (value - slider.min) / (slider.max - slider.min) * width - width / 2  # from the rail's centre
                ActionChains(driver, duration=50).click_and_hold(handle).move_to_element_with_offset(rail, int(round(x)), 0).perform()
                start = time.perf_counter()
                ActionChains(driver, duration=0).release().perform()
                previous = status
                status = wait_for(driver, lambda d: (s := d.execute_script(_RENDERED_JS)) and s != previous and s)
                times.append(time.perf_counter() - start)
                found = re.search(r"update ([0-9.]+) s", status)
                server_s.append(float(found.group(1)) if found else float("nan"))
                now = handle.get_attribute("aria-valuenow")
                print(f"  {slider.id} -> {now}: {times[-1]:.2f} s in the browser (server callback {server_s[-1]:.2f} s)", flush=True)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    load_after = os.getloadavg()
    cores = os.cpu_count() or 1
    busy = max(load_before[0], load_after[0]) > cores
    label = "under load" if busy else "quiet"
    print(f"dashboard, {Path(args.scenario).name}, release -> charts updated over {len(times)} moves of {slider.id}: "
          f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s ({label}: load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after, {cores} cores); server callback median "
          f"{statistics.median(server_s):.2f} s, worst {max(server_s):.2f} s")


if __name__ == "__main__":
    main()

"""Benchmark of the optimal EMS and the sizing LP on a park-sized year (8760 h).

The case is the demo park (``models/demo_park.yaml``): hourly load from each enterprise's
annual electricity and shift pattern and each building's EUI (``parktwin.energy.loads``),
≈ 250 MW peak; PV 100 MWp from the package's weather + PV chain at the park's site; a
100 MWh / 50 MW battery; the park's TOU tariff, demand charge and import limit; export
forbidden as in the park file.

Prints: LP size, build / solve / total time of one optimal year; the cost of the rule-based
and the optimal dispatch with the same cost function and the saving [CNY, %]; a rolling
horizon (168 h + 24 h look-ahead) for comparison; one sizing year (PV + battery, and with a
hydrogen demand); peak resident memory. Wall and CPU seconds are both printed: on a shared
machine the wall time can be a multiple of the CPU time.

Run: ``python benchmarks/bench_optimal.py`` (from the repository root).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np

from parktwin.energy.calendar import year_calendar
from parktwin.energy.dispatch import BatteryParams, dispatch_rule_based
from parktwin.energy.loads import profile
from parktwin.energy.optimal import dispatch_cost_cny, dispatch_optimal_with_cost
from parktwin.energy.sizing import annualised_cost_cny_per_yr, size_system
from parktwin.energy.solar import PvSystem, Site, pv_output_kw_per_kwp, weather_years
from parktwin.energy.tariff import hourly_tariff
from parktwin.spec.load import load_park

YEAR = 2025
PV_KWP = 100_000.0
BATTERY_KWH = 100_000.0
BATTERY_KW = 50_000.0
PARK_FILE = Path(__file__).resolve().parents[1] / "models" / "demo_park.yaml"

# Illustrative cost assumptions for the sizing timing only (not data of the model):
# PV 3,000 CNY/kWp, 25 yr; battery 800 CNY/kWh + 300 CNY/kW, 15 yr; electrolyser
# 4,000 CNY/kW, 15 yr; hydrogen tank 3,000 CNY/kg, 20 yr; 5 % real discount rate,
# fixed O&M 1.5 %/yr of capex; 50 kWh/kg electrolyser system consumption.
COSTS = {
    "pv_cny_per_kwp_yr": annualised_cost_cny_per_yr(3000.0, 25, 0.05, 0.015),
    "battery_cny_per_kwh_yr": annualised_cost_cny_per_yr(800.0, 15, 0.05, 0.015),
    "battery_cny_per_kw_yr": annualised_cost_cny_per_yr(300.0, 15, 0.05, 0.015),
    "electrolyser_cny_per_kw_yr": annualised_cost_cny_per_yr(4000.0, 15, 0.05, 0.015),
    "h2_tank_cny_per_kg_yr": annualised_cost_cny_per_yr(3000.0, 20, 0.05, 0.015),
}
KWH_PER_KG = 50.0
H2_KG_PER_H = 400.0  # ≈ 3,500 t/yr process hydrogen, flat


def timed(fn, *args, **kwargs):
    """(result, wall-clock seconds, CPU seconds of this process) of one call."""
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - w, time.process_time() - c


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far [MB] (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def park_case():
    """Hourly load [kW], PV per kWp [kW/kWp], TOU period and price, month, the park."""
    park = load_park(PARK_FILE)
    load = np.zeros(8760)
    for e in park.enterprises:
        load += e.energy.electricity_mwh * 1000.0 * profile(e.shift_pattern, YEAR)
    for b in park.buildings:
        load += b.floor_area_m2 * b.electricity_kwh_per_m2 * profile(b.kind, YEAR)
    loc = park.location
    site = Site(loc.latitude_deg, loc.longitude_deg, loc.altitude_m, loc.timezone,
                loc.annual_ghi_kwh_per_m2, loc.mean_temp_c, loc.temp_annual_amplitude_c,
                loc.temp_diurnal_amplitude_c)
    design = park.pv_design
    system = PvSystem(tilt_deg=design.tilt_deg, azimuth_deg=design.azimuth_deg,
                      system_losses_share=design.system_losses_share)
    yield_ = pv_output_kw_per_kwp(site, system, weather_years(site, 1, np.random.default_rng(2025)))[0]
    period, price = hourly_tariff(park.grid.tariff, YEAR)
    month = year_calendar(YEAR).month
    return load, yield_, period, price, month, park


def main() -> int:
    t0 = time.perf_counter()
    load, yield_, period, price, month, park = park_case()
    setup_s = time.perf_counter() - t0
    rss_setup = peak_rss_mb()
    grid = park.grid
    dc = grid.tariff.demand_charge_cny_per_kw_month
    pv = yield_ * PV_KWP
    n = load.size
    params = BatteryParams()
    common = dict(
        params=params, import_limit_kw=grid.import_limit_kw, export_limit_kw=grid.export_limit_kw,
        feed_in_price_cny_per_kwh=grid.feed_in_price_cny_per_kwh, month_of_hour=month,
        demand_charge_cny_per_kw_month=dc,
    )
    print(f"case: {n} h, load peak {load.max() / 1e3:.1f} MW, {load.sum() / 1e9:.3f} TWh; "
          f"PV {PV_KWP / 1e3:.0f} MWp ({yield_.sum():.0f} kWh/kWp); battery "
          f"{BATTERY_KWH / 1e3:.0f} MWh / {BATTERY_KW / 1e3:.0f} MW; import limit "
          f"{grid.import_limit_kw / 1e3:.0f} MW; demand charge {dc} CNY/kW·month")
    print(f"{'setup (profiles, weather, PV)':<44}: {setup_s:7.2f} s")

    rule_args = (load, pv, period, np.full(n, BATTERY_KWH), np.full(n, BATTERY_KW), params,
                 grid.import_limit_kw, grid.export_limit_kw, 0.0)
    dispatch_rule_based(*rule_args)  # numba compile / cache load, untimed
    rule, rule_s, _ = timed(dispatch_rule_based, *rule_args)

    # the LP must end at least as full as the rules did: no borrowed stored energy
    opt, total_s, total_cpu = timed(
        dispatch_optimal_with_cost, load, pv, price, BATTERY_KWH, BATTERY_KW,
        soc_start_kwh=0.0, soc_end_kwh=rule.final_soc_kwh, **common,
    )
    s = opt.solver
    pen = s["unserved_cost_cny_per_kwh"]
    c_rule = dispatch_cost_cny(rule, price, grid.feed_in_price_cny_per_kwh, month, dc, pen)
    c_opt = opt.costs
    print(f"{'optimal year: LP size':<44}: {s['n_rows']} rows x {s['n_cols']} columns")
    print(f"{'optimal year: build':<44}: {s['build_s']:7.3f} s")
    print(f"{'optimal year: solve':<44}: {s['solve_s']:7.3f} s")
    print(f"{'optimal year: total incl. post-processing':<44}: {total_s:7.3f} s wall, "
          f"{total_cpu:.3f} s CPU  (rule-based, warm: {rule_s * 1e3:.1f} ms)")
    for key in ("energy_charge_cny", "demand_charge_cny", "electricity_cost_cny"):
        print(f"{'  ' + key:<44}: rule {c_rule[key] / 1e6:10.3f}  optimal {c_opt[key] / 1e6:10.3f}  MCNY")
    save = c_rule["electricity_cost_cny"] - c_opt["electricity_cost_cny"]
    print(f"{'saving vs rule-based (electricity cost)':<44}: {save / 1e6:7.3f} MCNY/yr "
          f"({100 * save / c_rule['electricity_cost_cny']:.2f} % of the bill)")
    print(f"{'  unserved energy rule / optimal':<44}: {rule.unserved_kw.sum():.1f} / "
          f"{opt.dispatch.unserved_kw.sum():.1f} kWh; final SOC {rule.final_soc_kwh:.0f} / "
          f"{opt.dispatch.final_soc_kwh:.0f} kWh")

    roll, roll_s, _ = timed(
        dispatch_optimal_with_cost, load, pv, price, BATTERY_KWH, BATTERY_KW,
        soc_start_kwh=0.0, soc_end_kwh=rule.final_soc_kwh, horizon_h=168, overlap_h=24, **common,
    )
    gap = roll.costs["electricity_cost_cny"] / c_opt["electricity_cost_cny"] - 1.0
    print(f"{'rolling 168 h + 24 h look-ahead':<44}: {roll_s:7.3f} s, {roll.solver['n_windows']} "
          f"windows, cost {100 * gap:+.3f} % vs full year")
    rss_dispatch = peak_rss_mb()

    max_pv = sum(e.roof_area_m2 for e in park.enterprises) + sum(b.roof_area_m2 for b in park.buildings)
    max_pv *= park.pv_design.kwp_per_roof_m2
    sizing_kw = dict(max_pv_kwp=max_pv, import_limit_kw=grid.import_limit_kw,
                     export_limit_kw=grid.export_limit_kw, params=params, month_of_hour=month,
                     demand_charge_cny_per_kw_month=dc)
    sz, size_s, size_cpu = timed(
        size_system, load, yield_, price, {k: COSTS[k] for k in list(COSTS)[:3]}, **sizing_kw
    )
    print(f"{'sizing year (PV + battery)':<44}: {size_s:7.3f} s wall, {size_cpu:.3f} s CPU "
          f"({sz.solver['n_rows']} x {sz.solver['n_cols']}): PV {sz.pv_kwp / 1e3:.1f} MWp "
          f"(roof max {max_pv / 1e3:.1f}), battery {sz.battery_kwh / 1e3:.1f} MWh / "
          f"{sz.battery_kw / 1e3:.1f} MW, {sz.annual_cost_cny / 1e6:.1f} MCNY/yr")
    rss_sizing = peak_rss_mb()
    sz2, size2_s, size2_cpu = timed(
        size_system, load, yield_, price, COSTS, hydrogen_demand_kg=np.full(n, H2_KG_PER_H),
        electrolyser_kwh_per_kg=KWH_PER_KG, **sizing_kw,
    )
    print(f"{'sizing year (+ electrolyser and H2 tank)':<44}: {size2_s:7.3f} s wall, "
          f"{size2_cpu:.3f} s CPU ({sz2.solver['n_rows']} x {sz2.solver['n_cols']}): electrolyser {sz2.electrolyser_kw / 1e3:.1f} MW, "
          f"tank {sz2.tank_kg / 1e3:.1f} t, PV {sz2.pv_kwp / 1e3:.1f} MWp, battery "
          f"{sz2.battery_kwh / 1e3:.1f} MWh")
    print(f"{'peak RSS after setup/dispatch/sizing/H2 sizing':<44}: {rss_setup:.0f} / "
          f"{rss_dispatch:.0f} / {rss_sizing:.0f} / {peak_rss_mb():.0f} MB")
    ok = total_cpu < 10.0
    print(f"{'target (optimal year < 10 s)':<44}: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The Python face: load a scenario, run it, save it. The CLI is a thin layer over this."""

from __future__ import annotations

import platform
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from parktwin.kernel.model import simulate
from parktwin.results.store import run_id, write_run
from parktwin.results.tables import Results, build_results
from parktwin.spec.load import Loaded, load as _load
from parktwin.spec.scenario import Scenario

VERSIONED = ("parktwin", "numpy", "pandas", "mesa", "simpy", "pvlib", "numba", "pydantic", "pyarrow", "plotly")
METHOD_NOTE = {
    "equivalent": "electricity in tce at 当量 0.1229 kgce/kWh (GB/T 2589)",
    "coal_equivalent": "electricity in tce at 等价 0.3055 kgce/kWh (coal-power average 2020)",
}


def load(path: str | Path, overrides: list[str] | tuple = ()) -> Loaded:
    """Read and validate a scenario file (and its park); ``overrides`` are ``path=value`` strings."""
    return _load(path, overrides)


@lru_cache(maxsize=8)
def _versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Python's and the packages' versions, for manifests (read once per process)."""
    out = {"python": platform.python_version()}
    for name in VERSIONED + extra:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def run(scenario: Loaded | Scenario | str | Path, seed: int = 0, overrides: list[str] | tuple = ()) -> Results:
    """Run one scenario for one seed; returns the run's tables."""
    if isinstance(scenario, (str, Path)):
        scenario = load(scenario, overrides)
    elif overrides:
        raise ValueError("overrides apply when loading: pass a path, or use parktwin.load(path, overrides)")
    loaded = scenario if isinstance(scenario, Loaded) else None
    sc = loaded.scenario if loaded else scenario
    record = simulate(sc, seed=seed)
    manifest = {
        "scenario_name": sc.name,
        "park_name": sc.park.name,
        "scenario_file": loaded.scenario_path if loaded else None,
        "park_file": loaded.park_path if loaded else None,
        "inputs_sha256": loaded.digest() if loaded else None,
        "park_sha256": loaded.park_digest() if loaded else None,
        "overrides": [list(o) for o in loaded.overrides] if loaded else [],
        "seed": seed,
        "years": sc.years,
        "electricity_tce_method": sc.accounting.electricity_tce_method,
        "social_discount_rate": sc.finance.social_discount_rate,
        "sectors": {e.id: e.sector for e in sc.park.enterprises},
        "method_note": METHOD_NOTE[sc.accounting.electricity_tce_method],
        "versions": dict(_versions()),
        "wall_time_s": round(record.wall_time_s, 4),
    }
    return build_results(record, manifest)


def save(results: Results, out: str | Path = "runs", name: str | None = None, report: bool = True, lang: str = "en") -> Path:
    """Store a run under ``out/<name>/`` atomically, with its report; returns the folder."""
    from parktwin.viz.report import write_report

    m = results.manifest
    name = name or run_id(m.get("scenario_name", "run"), m.get("seed", 0), m.get("inputs_sha256") or "nohash")
    extra = (lambda tmp: write_report(results, tmp / "report.html", lang)) if report else None
    return write_run(results, out, name, extra=extra)


def plan(scenario: str | Path, targets, out: str | Path | None = None, report: str | Path | None = None, lang: str = "en", **options):
    """Design the least-cost roadmap of ``scenario``'s park that meets ``targets`` (a string such as
    ``"zero_carbon_park=2040,net_zero=2050"``, a targets YAML file or a ``planning.targets.Targets``)
    and write it to ``out`` (a scenario that extends the input); ``report``: the plan report (HTML).
    Options: see ``parktwin.planning.planner.plan``. Raises ``PlanInfeasible`` when a target cannot be met."""
    from parktwin.planning.planner import plan as make_plan

    result = make_plan(scenario, targets, out, **options)
    if report:
        from parktwin.planning.report import write_plan_report

        write_plan_report(result, report, lang)
    return result


def size(loaded: Loaded, year: int, seed: int = 0, thermal_store: bool = False):
    """Least-cost PV and battery additions for ``year`` of a scenario (the sizing LP).

    The year's load and weather come from a run of the scenario; the capacities it already has
    by then are kept; costs are the catalogue's for that year, annualised at the scenario's
    social discount rate. With ``thermal_store`` the LP also sizes a hot-water store (and its
    electric heater) against the low band's electric heat of that year, at each hour's COP of
    it. Returns the ``SizingResult`` and the roadmap items that add it.
    """
    import dataclasses

    import numpy as np

    from parktwin.economics.catalogue import capex_cny, fixed_om_cny_per_yr, lifetime_yr
    from parktwin.energy.calendar import year_calendar
    from parktwin.energy.sizing import annualised_cost_cny_per_yr, as_roadmap_items, size_system
    from parktwin.energy.tariff import hourly_tariff
    from parktwin.data import overriding
    from parktwin.kernel.model import ParkModel

    sc = loaded.scenario
    if year not in sc.years[1:]:
        raise ValueError(f"year must be one of {sc.years[1]}..{sc.years[-1]}")
    with overriding(sc.data.constants, sc.data.prices_cny):
        model = ParkModel(sc.model_copy(update={"outputs": sc.outputs.model_copy(update={"hourly_years": [year]})}), seed=seed)
        record = model.run()
    hourly, annual = record.hourly[year], record.annual[year - sc.base_year]
    index = year - sc.base_year
    existing = annual["pv_kwp"] * model.pv_kw_per_kwp[index] + hourly["wind_kw"]
    heat_kw = heat_el_kw = None
    if thermal_store and hourly["heat_low_electric_kw"].any():
        heat_kw, heat_el_kw = hourly["heat_low_electric_kw"], hourly["heat_low_electricity_kw"]
    load = np.maximum(hourly["load_kw"] - (0.0 if heat_el_kw is None else heat_el_kw) - existing, 0.0)
    rate = sc.finance.social_discount_rate

    def annualised(tech: str) -> float:
        capex = capex_cny(tech, year)
        return annualised_cost_cny_per_yr(capex, lifetime_yr(tech), rate, fixed_om_cny_per_yr(tech, year) / capex)

    costs = {"pv_cny_per_kwp_yr": annualised("rooftop_pv"), "battery_cny_per_kwh_yr": annualised("battery_energy"),
             "battery_cny_per_kw_yr": annualised("battery_power")}
    heat = {}
    if heat_kw is not None:
        from parktwin.data import constant

        costs |= {"thermal_store_cny_per_kwh_yr": annualised("thermal_storage"), "store_heater_cny_per_kw_yr": annualised("electric_boiler")}
        heat = {"heat_demand_kw": heat_kw, "heat_cop": np.divide(heat_kw, heat_el_kw, out=np.ones_like(heat_kw), where=heat_el_kw > 0),
                "store_heater_efficiency": constant("electric_boiler_efficiency"),
                "store_loss_share_per_h": constant("thermal_store_loss_share_per_h")}
    park = sc.park
    roof_kwp = (sum(e.roof_area_m2 for e in park.enterprises) + sum(b.roof_area_m2 for b in park.buildings)) * park.pv_design.kwp_per_roof_m2
    _, price = hourly_tariff(park.grid.tariff, year)
    result = size_system(
        load, model.pv_kw_per_kwp[index], price, costs, max_pv_kwp=max(roof_kwp - annual["pv_kwp"], 0.0),
        import_limit_kw=hourly["import_limit_kw"], export_limit_kw=park.grid.export_limit_kw,
        feed_in_price_cny_per_kwh=park.grid.feed_in_price_cny_per_kwh, params=model.battery_params,
        month_of_hour=year_calendar(year).month, demand_charge_cny_per_kw_month=park.grid.tariff.demand_charge_cny_per_kw_month,
        **heat,
    )
    # the LP sized additions on top of what the park has: the items state the totals after them
    total = dataclasses.replace(result, pv_kwp=annual["pv_kwp"] + result.pv_kwp)
    items = as_roadmap_items(total, year, roof_kwp, existing_pv_kwp=annual["pv_kwp"])
    return result, items

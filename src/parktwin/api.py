"""The Python face: load a scenario, run it, save it. The CLI is a thin layer over this."""

from __future__ import annotations

import dataclasses
import platform
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from parktwin.data import constant, overriding
from parktwin.economics.catalogue import capex_cny, fixed_om_cny_per_yr, lifetime_yr
from parktwin.energy import sizing
from parktwin.energy.calendar import year_calendar
from parktwin.energy.tariff import hourly_tariff
from parktwin.kernel.failure import check_finite
from parktwin.kernel.model import ParkModel, simulate, young_collections_spaced
from parktwin.results.store import run_id, write_run
from parktwin.results.tables import Results, build_results
from parktwin.spec.calibration import (
    load_measured,
    reconcile,
    sidecar_path,
    unmatched_resources,
)
from parktwin.spec.errors import Problem, check_seed
from parktwin.spec.load import Loaded
from parktwin.spec.load import load as _load
from parktwin.spec.scenario import Scenario
from parktwin.viz import report as run_report

VERSIONED = ("parktwin", "numpy", "pandas", "mesa", "simpy", "pvlib", "numba", "pydantic", "pyarrow", "plotly")
METHOD_NOTE = {
    "equivalent": "electricity in tce at 当量 0.1229 kgce/kWh (GB/T 2589)",
    "coal_equivalent": "electricity in tce at 等价 0.3055 kgce/kWh (coal-power average 2020)",
}


def load(path: str | Path, overrides: list[str] | tuple = (), park: str | Path | None = None) -> Loaded:
    """Read and validate a scenario file (and its park); ``overrides`` are ``path=value`` strings.

    ``park``: another park file (relative to the current folder) in place of the one the
    scenario names, validated with the scenario; the digest and manifest record it.
    """
    return _load(path, overrides, park=park)


@lru_cache(maxsize=8)
def package_versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Python's and the packages' versions, for manifests (read once per process)."""
    out = {"python": platform.python_version()}
    for name in VERSIONED + extra:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def run(scenario: Loaded | Scenario | str | Path, seed: int = 0, overrides: list[str] | tuple = (),
        park: str | Path | None = None) -> Results:
    """Run one scenario for one seed; returns the run's tables. ``overrides`` and ``park`` (as in
    ``load``) apply when ``scenario`` is a path."""
    if isinstance(scenario, (str, Path)):
        scenario = load(scenario, overrides, park=park)
    elif overrides or park is not None:
        raise ValueError("overrides and park apply when loading: pass a path, or use parktwin.load(path, overrides, park=...)")
    check_seed(seed)
    loaded = scenario if isinstance(scenario, Loaded) else None
    sc = loaded.scenario if loaded else scenario
    with young_collections_spaced():  # one young collection after the run and its tables, not one after each
        record = simulate(sc, seed=seed)
        check_finite(record.annual)
        results = build_results(record, _manifest(loaded, sc, seed, record.wall_time_s))
        del record  # its rows are in the tables now: freed here, so that collection walks the tables, not the rows too
    return results


def _manifest(loaded: Loaded | None, sc: Scenario, seed: int, wall_time_s: float) -> dict:
    """What a run's ``manifest.json`` records: the inputs (files, digests, overrides), seed, method and versions."""
    return {
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
        "versions": dict(package_versions()),
        "wall_time_s": round(wall_time_s, 4),
    }


def save(results: Results, out: str | Path = "runs", name: str | None = None, report: bool = True, lang: str = "en") -> Path:
    """Store a run under ``out/<name>/`` atomically, with its report; returns the folder."""

    m = results.manifest
    name = name or run_id(m.get("scenario_name", "run"), m.get("seed", 0), m.get("inputs_sha256") or "nohash")
    extra = (lambda tmp: run_report.write_report(results, tmp / "report.html", lang)) if report else None
    return write_run(results, out, name, extra=extra)


def size(loaded: Loaded, year: int, seed: int = 0, thermal_store: bool = False):
    """Least-cost PV and battery additions for ``year`` of a scenario (the sizing LP).

    The year's load and weather come from a run of the scenario; the capacities it already has
    by then are kept; costs are the catalogue's for that year, annualised at the scenario's
    social discount rate. With ``thermal_store`` the LP also sizes a hot-water store (and its
    electric heater) against the low band's electric heat of that year, at each hour's COP of
    it. Returns the ``SizingResult`` and the roadmap items that add it.
    """



    sc = loaded.scenario
    if year not in sc.years[1:]:
        raise ValueError(f"year must be one of {sc.years[1]}..{sc.years[-1]}")
    with overriding(sc.data.constants, sc.data.prices_cny, sc.data.capex_factor):
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
        return sizing.annualised_cost_cny_per_yr(capex, lifetime_yr(tech), rate, fixed_om_cny_per_yr(tech, year) / capex)

    costs = {"pv_cny_per_kwp_yr": annualised("rooftop_pv"), "battery_cny_per_kwh_yr": annualised("battery_energy"),
             "battery_cny_per_kw_yr": annualised("battery_power")}
    heat = {}
    if heat_kw is not None:
        costs |= {"thermal_store_cny_per_kwh_yr": annualised("thermal_storage"), "store_heater_cny_per_kw_yr": annualised("electric_boiler")}
        heat = {"heat_demand_kw": heat_kw, "heat_cop": np.divide(heat_kw, heat_el_kw, out=np.ones_like(heat_kw), where=heat_el_kw > 0),
                "store_heater_efficiency": constant("electric_boiler_efficiency"),
                "store_loss_share_per_h": constant("thermal_store_loss_share_per_h")}
    park = sc.park
    roof_kwp = (sum(e.roof_area_m2 for e in park.enterprises) + sum(b.roof_area_m2 for b in park.buildings)) * park.pv_design.kwp_per_roof_m2
    _, price = hourly_tariff(park.grid.tariff, year)
    result = sizing.size_system(
        load, model.pv_kw_per_kwp[index], price, costs, max_pv_kwp=max(roof_kwp - annual["pv_kwp"], 0.0),
        import_limit_kw=hourly["import_limit_kw"], export_limit_kw=park.grid.export_limit_kw,
        feed_in_price_cny_per_kwh=park.grid.feed_in_price_cny_per_kwh, params=model.battery_params,
        month_of_hour=year_calendar(year).month, demand_charge_cny_per_kw_month=park.grid.tariff.demand_charge_cny_per_kw_month,
        **heat,
    )
    # the LP sized additions on top of what the park has: the items state the totals after them
    total = dataclasses.replace(result, pv_kwp=annual["pv_kwp"] + result.pv_kwp)
    items = sizing.as_roadmap_items(total, year, roof_kwp, existing_pv_kwp=annual["pv_kwp"])
    return result, items


def strict_problems(park, park_path: str | Path, tolerance_share: float) -> list:
    """``parktwin check --strict``: reconcile a park's bottom-up base year with its measured
    totals (the park file's ``measured`` block, or the sidecar ``<park>.measured.yaml`` when the
    park was given as a ``Park`` without them); one Problem per quantity off by more than the
    tolerance, naming the file the totals came from."""
    park_path = Path(park_path)
    sidecar = sidecar_path(park_path)
    measured, source, prefix = park.measured, str(sidecar), ""
    if measured is None and sidecar.exists():
        measured = load_measured(sidecar)
    elif measured is not None and not sidecar.exists():
        source, prefix = str(park_path), "measured."
    if measured is None:
        return [Problem(str(park_path), "measured", f"--strict needs measured totals: a measured block in the park file or "
                        f"{sidecar.name} beside it (parktwin import writes it)")]
    results = run(Scenario(name="calibration", park=park, horizon_years=1), seed=0)
    table = reconcile(results, measured)
    out = [
        Problem(source, f"{prefix}{r.scope}.{r.quantity}",
                f"bottom-up {r.bottom_up:,.0f} vs measured {r.measured:,.0f} {r.unit} ({r.difference_pct:+.1f} %), beyond ±{tolerance_share:.1%}")
        for r in table.failures(tolerance_share).itertuples()
    ]
    return out + unmatched_resources(table, results.base_firm_totals, source, prefix)

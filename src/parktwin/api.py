"""The Python face: load a scenario, run it, save it. The CLI is a thin layer over this."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from parktwin.kernel.model import ParkModel
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


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in VERSIONED:
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
    record = ParkModel(sc, seed=seed).run()
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
        "method_note": METHOD_NOTE[sc.accounting.electricity_tce_method],
        "versions": _versions(),
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

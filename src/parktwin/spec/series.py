"""The park's measured series: where the park file names them, reading them for the base year,
and the checks ``spec.load`` runs before a run starts (docs/own-data.md §5).

The reading itself is ``energy.measured``; this module knows the park schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from parktwin.data import constant
from parktwin.energy.measured import MeasuredSeriesError, check_timezone, read_measured_series
from parktwin.spec.errors import Problem
from parktwin.spec.park import MeasuredSeries as SeriesSpec
from parktwin.spec.park import Park

KWH_PER_MWH = 1000.0


@dataclass(frozen=True)
class SeriesEntry:
    """One measured series named in a park file."""

    field: str  # path in the park file, e.g. ``enterprises.2.measured_series``
    kind: str  # enterprise, building, fleet or pv
    entity: str  # the entity's id ("pv" for the existing PV system)
    spec: SeriesSpec


def entries(park: Park) -> Iterator[SeriesEntry]:
    """Every measured series of ``park``, in park order."""
    for key, kind in (("enterprises", "enterprise"), ("buildings", "building"), ("fleets", "fleet")):
        for i, item in enumerate(getattr(park, key)):
            if item.measured_series is not None:
                yield SeriesEntry(f"{key}.{i}.measured_series", kind, item.id, item.measured_series)
    if park.assets.pv_measured_series is not None:
        yield SeriesEntry("assets.pv_measured_series", "pv", "pv", park.assets.pv_measured_series)


def read(spec: SeriesSpec, park: Park):
    """The series on the park's base year (``energy.measured.MeasuredSeries``); raises
    ``MeasuredSeriesError`` or ``FileNotFoundError``."""

    return read_measured_series(
        spec.file, year=park.base_year, park_timezone=park.location.timezone, time_column=spec.time_column,
        value_column=spec.value_column, unit=spec.unit, timezone=spec.timezone, fill=spec.fill, max_gap_h=spec.max_gap_h,
        label=spec.label,
    )


def declared_kwh(entry: SeriesEntry, park: Park) -> float | None:
    """The base-year electricity the park file states for the entity [kWh], or None when it has no
    single number to compare with (a building with weather-driven HVAC, the PV system)."""
    if entry.kind == "enterprise":
        return next(e for e in park.enterprises if e.id == entry.entity).energy.electricity_mwh * KWH_PER_MWH
    if entry.kind == "building":
        b = next(b for b in park.buildings if b.id == entry.entity)
        if b.heating_kwh_per_m2_yr or b.cooling_kwh_per_m2_yr:
            return None
        return b.floor_area_m2 * b.electricity_kwh_per_m2
    if entry.kind == "fleet":
        f = next(f for f in park.fleets if f.id == entry.entity)
        return f.count * f.km_per_vehicle_yr * f.bev_kwh_per_km
    return None


def resolve_files(park_doc: Any, park_path: Path) -> None:
    """Make every ``measured_series.file`` absolute, relative to the park file that names it."""
    if not isinstance(park_doc, dict):
        return
    holders = []
    for key in ("enterprises", "buildings", "fleets"):
        items = park_doc.get(key)
        if isinstance(items, list):
            holders += [(item, "measured_series") for item in items if isinstance(item, dict)]
    if isinstance(park_doc.get("assets"), dict):
        holders.append((park_doc["assets"], "pv_measured_series"))
    for holder, key in holders:
        series = holder.get(key)
        if isinstance(series, dict) and isinstance(series.get("file"), str):
            series["file"] = str((park_path.parent / series["file"]).resolve())


def problems(park: Park, file: str, display=str) -> list[Problem]:
    """Read every measured series now, so a bad one stops the run before it starts: file errors,
    a fleet that is not battery-electric, PV with no capacity or an implausible yield per kWp
    (``pv_yield_max_kwh_per_kwp_yr``), and an annual sum that disagrees with the park file beyond
    ``measured_series_total_tolerance_share`` (data/constants.csv)."""

    out: list[Problem] = []
    tolerance = constant("measured_series_total_tolerance_share")
    for entry in entries(park):
        if entry.spec.timezone is not None and (why := check_timezone(entry.spec.timezone)):
            out.append(Problem(file, f"{entry.field}.timezone", why))
            continue
        if entry.kind == "fleet":
            fleet = next(f for f in park.fleets if f.id == entry.entity)
            if fleet.powertrain != "bev" or fleet.count == 0:
                out.append(Problem(file, entry.field, "a measured charging load needs a battery-electric fleet (powertrain: bev, count > 0)"))
                continue
        if entry.kind == "pv" and park.assets.pv_kwp <= 0:
            out.append(Problem(file, entry.field, "a measured PV output needs the existing assets.pv_kwp > 0"))
            continue
        try:
            series = read(entry.spec, park)
        except MeasuredSeriesError as exc:
            out.append(Problem(file, f"{entry.field}.file", f"{display(Path(exc.path))}: {exc.field}: {exc.message}"))
            continue
        if series.kwh <= 0:
            out.append(Problem(file, f"{entry.field}.file", f"{display(Path(series.path))}: the series has no energy"))
            continue
        if entry.kind == "pv" and series.kwh / park.assets.pv_kwp > constant("pv_yield_max_kwh_per_kwp_yr"):
            out.append(Problem(file, entry.field, f"the series gives {series.kwh / park.assets.pv_kwp:,.0f} kWh per kWp of "
                               f"assets.pv_kwp in a year, above the plausible {constant('pv_yield_max_kwh_per_kwp_yr'):,.0f} "
                               "(pv_yield_max_kwh_per_kwp_yr); check the unit and pv_kwp"))
            continue
        declared = declared_kwh(entry, park)
        if declared is not None and abs(series.kwh - declared) > tolerance * declared:
            what = {"enterprise": "energy.electricity_mwh", "building": "floor_area_m2 × electricity_kwh_per_m2",
                    "fleet": "count × km_per_vehicle_yr × bev_kwh_per_km"}[entry.kind]
            out.append(Problem(file, entry.field, f"the series sums to {series.kwh / KWH_PER_MWH:,.1f} MWh but {what} gives "
                               f"{declared / KWH_PER_MWH:,.1f} MWh, beyond ±{tolerance:.0%} (measured_series_total_tolerance_share); "
                               "check the unit, or correct the annual figure"))
    return out


QUALITY_COLUMNS = ("entity", "kind", "field", "file", "unit", "timezone", "interval_min", "rows", "dropped_rows", "fill",
                   "filled_hours", "fill_ranges", "series_mwh", "declared_mwh", "difference_share", "series_sha1")


def quality_row(entry: SeriesEntry, series, park: Park) -> dict:
    """One row of the run's ``data_quality`` table: what was read, what was filled, and the
    series' sum against the park file's annual figure (difference = series − declared, as a
    share of the declared)."""
    declared = declared_kwh(entry, park)
    path = Path(series.path)
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = path.name
    return {
        "entity": entry.entity, "kind": entry.kind, "field": entry.field, "file": shown, "unit": entry.spec.unit,
        "timezone": entry.spec.timezone or park.location.timezone, "interval_min": series.interval_min, "rows": series.rows,
        "dropped_rows": series.dropped_rows, "fill": entry.spec.fill, "filled_hours": series.filled_hours,
        "fill_ranges": "; ".join(f"{f.start} to {f.end}" for f in series.fills),
        "series_mwh": series.kwh / KWH_PER_MWH,
        "declared_mwh": declared / KWH_PER_MWH if declared is not None else float("nan"),
        "difference_share": (series.kwh - declared) / declared if declared else float("nan"),
        "series_sha1": series.digest(),
    }


def describe(park: Park) -> list[str]:
    """One line per measured series, for ``parktwin check``: interval, MWh, fills, the difference
    from the park file's figure."""
    lines = []
    for entry in entries(park):
        row = quality_row(entry, read(entry.spec, park), park)
        filled = f", {row['filled_hours']:g} h filled ({row['fill']}: {row['fill_ranges']})" if row["filled_hours"] else ", no gaps"
        versus = "" if row["declared_mwh"] != row["declared_mwh"] else f", {row['difference_share']:+.2%} against the park file"
        lines.append(f"  measured series of {entry.entity} ({row['file']}): {row['interval_min']}-min, {row['rows']:,} rows, "
                     f"{row['series_mwh']:,.1f} MWh{versus}{filled}")
    return lines

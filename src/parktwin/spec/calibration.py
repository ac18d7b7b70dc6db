"""Calibration: the model's bottom-up base year against the park's measured totals.

Measured totals live in a sidecar next to the park file, ``<name>.measured.yaml`` (written by
``parktwin import`` from the workbook's ``measured_totals`` sheet, or by hand)::

    base_year: 2025
    source: 2025 energy statistics of the park's 45 firms (能源统计报表)
    park:                      # whole-park metered totals
      electricity_mwh: 1870000
      coal_t: 62000
      emissions_tco2: 1390000
    enterprises:               # optional, by enterprise id
      hengrui_fine_chem: {electricity_mwh: 125000, coal_t: 62000}

Keys (all optional, all ≥ 0): electricity_mwh, coal_t, natural_gas_km3, diesel_t,
purchased_heat_gj, energy_tce (当量), emissions_tco2 (scope 1 + location-based scope 2, process
CO₂ included), water_m3 (fresh water withdrawn, 取用新水量), solid_waste_t (industrial solid waste
generated, 一般工业固体废物产生量). Water and solid waste are compared with the run's resource
accounts (accounting.resource_firms): a firm's bottom-up value is what the park file states for
it, after the exchanges; the park's needs every firm's figure, else it has none (not a partial sum).

``reconcile(results, measured)`` gives one row per measured quantity with the bottom-up value,
the difference and the % difference; ``.within(0.01)`` says whether every comparable row is
within 1 %, ``.failures(0.01)`` lists those that are not.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from parktwin.frames import frame_from_columns, grouped_sums
from parktwin.spec.base import FIELD_ERROR, Strict
from parktwin.spec.errors import InputError, Problem

# measured key -> (carrier in results.energy, unit)
CARRIERS: dict[str, tuple[str, str]] = {
    "electricity_mwh": ("electricity", "MWh"),
    "coal_t": ("coal", "t"),
    "natural_gas_km3": ("natural_gas", "km3"),
    "diesel_t": ("diesel", "t"),
    "purchased_heat_gj": ("purchased_heat", "GJ"),
}
UNITS = {**{k: u for k, (_, u) in CARRIERS.items()}, "energy_tce": "tce", "emissions_tco2": "tCO2", "water_m3": "m3",
         "solid_waste_t": "t"}
# measured key -> (field of accounting.resource_firms.FirmTotals, the park file's field each firm needs)
RESOURCES: dict[str, tuple[str, str]] = {
    "water_m3": ("fresh_water_m3", "water.fresh_water_m3"),
    "solid_waste_t": ("solid_waste_generated_t", "solid_waste.generated_t"),
}


class Totals(Strict):

    electricity_mwh: float | None = Field(None, ge=0)
    coal_t: float | None = Field(None, ge=0)
    natural_gas_km3: float | None = Field(None, ge=0, description="thousand cubic metres")
    diesel_t: float | None = Field(None, ge=0)
    purchased_heat_gj: float | None = Field(None, ge=0)
    energy_tce: float | None = Field(None, ge=0, description="comprehensive energy use, 当量 method")
    emissions_tco2: float | None = Field(None, ge=0, description="scope 1 + location-based scope 2, process CO₂ included")
    water_m3: float | None = Field(None, ge=0, description="fresh water withdrawn (取用新水量) [m³/yr]")
    solid_waste_t: float | None = Field(None, ge=0, description="industrial solid waste generated (一般工业固体废物产生量) [t/yr]")

    def given(self) -> dict[str, float]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Measured(Strict):
    """Measured base-year totals of a park (the ``<name>.measured.yaml`` sidecar)."""

    base_year: int | None = Field(None, ge=2000, le=2100)
    source: str = ""
    note: str = ""
    park: Totals | None = None
    enterprises: dict[str, Totals] = Field(default_factory=dict)


def _problems(exc: ValidationError, file: str) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        got = err.get("input")
        msg = err["msg"] if err["type"] == "missing" or isinstance(got, (dict, list)) else f"{err['msg']} (got {got!r})"
        loc = [str(p) for p in err["loc"]]
        if err["type"] == FIELD_ERROR:
            loc, msg = loc + [err["ctx"]["field"]], err["ctx"]["why"]
        out.append(Problem(file, ".".join(loc), msg))
    return out


def _validate(doc: Any, file: str) -> Measured:
    try:
        return Measured.model_validate(doc)
    except ValidationError as exc:
        raise InputError(_problems(exc, file)) from None


def load_measured(path: str | Path) -> Measured:
    """Read and validate a measured-totals sidecar; every problem names the file and key."""
    from parktwin.spec.load import read_yaml

    path = Path(path)
    try:
        file = str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        file = str(path)
    return _validate(read_yaml(path), file)


class Reconciliation(pd.DataFrame):
    """One row per measured quantity: ``scope, quantity, unit, bottom_up, measured,
    difference, difference_pct`` (difference = bottom-up − measured; % of measured)."""

    _metadata: ClassVar[list[str]] = ["base_year"]

    @property
    def _constructor(self):
        return Reconciliation

    def comparable(self) -> pd.DataFrame:
        return self[self["bottom_up"].notna() & self["measured"].notna()]

    def failures(self, tolerance_share: float) -> pd.DataFrame:
        """Rows whose |difference| exceeds ``tolerance_share`` of the measured value."""
        rows = self.comparable()
        off = (rows["difference"].abs() > tolerance_share * rows["measured"].abs()) | (
            (rows["measured"] == 0) & (rows["difference"].abs() > 0)
        )
        return pd.DataFrame(rows[off])

    def within(self, tolerance_share: float) -> bool:
        """True when every comparable row is within ``tolerance_share`` (0.01 = 1 %)."""
        return self.failures(tolerance_share).empty

    def describe_failures(self, tolerance_share: float) -> str:
        lines = [
            f"{r.scope} {r.quantity}: bottom-up {r.bottom_up:,.0f} vs measured {r.measured:,.0f} {r.unit} ({r.difference_pct:+.1f} %)"
            for r in self.failures(tolerance_share).itertuples()
        ]
        return "\n".join(lines)


def _measured(measured: Any) -> Measured:
    if isinstance(measured, Measured):
        return measured
    if isinstance(measured, (str, Path)):
        return load_measured(measured)
    if isinstance(measured, dict):
        return _validate(measured, "measured totals")
    raise TypeError(f"measured: expected Measured, a dict or a path (got {type(measured).__name__})")


ENERGY_READ = ("entity", "carrier", "quantity", "energy_tce")  # the energy table's columns a reconciliation reads
EMISSIONS_READ = ("entity", "scope", "method", "emissions_tco2")


class BaseYearRows(NamedTuple):
    """What a reconciliation reads of a run's first year, kept from its records when the tables are
    built (``results.tables``): the year, its energy and emissions rows' ``*_READ`` columns as
    lists (the values the tables hold, before pandas types them), and the energy and emissions
    tables built beside them. The rows stand for those tables only: a result whose table was
    replaced (assigned, ``dataclasses.replace``) is read from its tables."""

    year: int
    energy: dict[str, list]
    emissions: dict[str, list]
    tables: tuple  # (energy table, emissions table) the rows were taken beside, compared by identity


def _bottom_up(source: Any, year: int | None) -> tuple[dict[str, list], dict[str, list] | None, float | None, int | None]:
    """(energy of the base year, emissions of the base year or None — each its ``*_READ`` columns
    as lists —, park emissions, year)."""
    energy = getattr(source, "energy", None)
    if energy is not None and hasattr(source, "annual"):  # a parktwin.Results
        year = int(source.annual["year"].min()) if year is None else year
        rows = _rows_of_year(source.annual, year)
        park = source.annual["gross_location_tco2"].iloc[rows]
        park_tco2 = float(park.iloc[0] if len(park) else source.year(year)["gross_location_tco2"])  # (no such year: its KeyError)
        kept = getattr(source, "base_rows", None)
        if (isinstance(kept, BaseYearRows) and kept.year == year and kept.tables[0] is energy
                and kept.tables[1] is source.emissions):  # a run's first year, read from its records (its tables as built)
            return kept.energy, kept.emissions, park_tco2, year
        return _columns_of_year(energy, year, ENERGY_READ), _columns_of_year(source.emissions, year, EMISSIONS_READ), park_tco2, year
    if isinstance(source, pd.DataFrame):
        energy = source
        if "year" in energy:
            year = int(energy["year"].min()) if year is None else year
            energy = energy[energy["year"] == year]
        return {name: energy[name].tolist() for name in ENERGY_READ}, None, None, year
    raise TypeError(f"expected parktwin.Results or its energy table (got {type(source).__name__})")


def _rows_of_year(table: pd.DataFrame, year: int) -> slice | np.ndarray:
    """Where ``table["year"] == year``. A run's tables hold their years in order, so the rows are
    one block, taken as a slice (no mask to filter every column with)."""
    hits = np.flatnonzero(np.asarray(table["year"].to_numpy() == year, dtype=bool))
    if len(hits) and hits[-1] - hits[0] + 1 == len(hits):
        return slice(int(hits[0]), int(hits[-1]) + 1)
    return hits


def _columns_of_year(table: pd.DataFrame, year: int, names: tuple[str, ...]) -> dict[str, list]:
    """The ``names`` columns of ``table`` in the rows of ``year``, as lists."""
    rows = _rows_of_year(table, year)
    return {name: table[name].iloc[rows].tolist() for name in names}


def _resources(source: Any, year: int | None) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Bottom-up water and solid waste of ``year``: (by enterprise: measured key → value, park:
    measured key → value); a key is absent where the park file gives no figure (for the park:
    where any firm lacks one)."""
    firms: dict[str, dict[str, float]] = {}
    park: dict[str, float] = {}
    annual = getattr(source, "annual", None)
    totals = getattr(source, "base_firm_totals", None) or {}
    if annual is None or year is None:
        return firms, park
    if totals and year == int(annual["year"].min()):  # each firm's figure of the run's base year
        for key, (name, _) in RESOURCES.items():
            values = {entity: getattr(t, name) for entity, t in totals.items()}
            for entity, value in values.items():
                if value is not None:
                    firms.setdefault(entity, {})[key] = float(value)
            if values and all(v is not None for v in values.values()):
                park[key] = float(sum(values.values()))
        return firms, park
    table = getattr(source, "resources", None)  # a stored run: the park's account, when every firm reports
    if table is not None and len(table) and (table["year"] == year).any():
        row = table[table["year"] == year].iloc[0]
        for key, column, cover in (("water_m3", "fresh_water_m3", "water_coverage_share"),
                                   ("solid_waste_t", "solid_waste_generated_t", "solid_waste_coverage_share")):
            if float(row[cover]) >= 1.0:
                park[key] = float(row[column])
    return firms, park


def _entity_tco2(emissions: dict[str, list]) -> dict[str, float]:
    """Scope 1 + location-based scope 2 by entity [tCO₂] (one pass over the rows)."""
    keep = [str(scope) in ("1", "2") and method in ("all", "location")
            for scope, method in zip(emissions["scope"], emissions["method"])]
    return grouped_sums([e for e, k in zip(emissions["entity"], keep) if k],
                        [float(v) for v, k in zip(emissions["emissions_tco2"], keep) if k])


def reconcile(results_or_base_year_energy: Any, measured: Any, year: int | None = None) -> Reconciliation:
    """Bottom-up base year vs measured totals, per quantity, for the park and each measured enterprise.

    ``results_or_base_year_energy``: a ``parktwin.Results`` (energy rows of the base year;
    emissions from ``results.year(base)``) or an energy table like ``results.energy``
    (then emissions have no bottom-up value). ``measured``: ``Measured``, its dict or the path
    of a ``*.measured.yaml``. ``year`` defaults to the measured base year, else the first year.
    """
    rows, base = _reconciled_rows(results_or_base_year_energy, measured, year)
    table = Reconciliation(_reconciliation_columns(rows))
    table.base_year = base
    return table


def reconciliation_by_year(results: Any, measured: Any) -> pd.DataFrame:
    """``reconcile(results, measured)`` as a plain table with its base year as the first column
    (``year``, int): the Results' ``reconciliation`` table, built at once."""
    rows, base = _reconciled_rows(results, measured, None)
    if not rows or base is None:
        table = _reconciliation_columns(rows)
        table.insert(0, "year", base)
        return table
    return _reconciliation_columns(rows, base)


def _reconciled_rows(results_or_base_year_energy: Any, measured: Any, year: int | None) -> tuple[list[tuple], int | None]:
    """``reconcile``'s rows, (scope, quantity, unit, bottom_up, measured) each, and the base year."""
    m = _measured(measured)
    energy, emissions, park_tco2, base = _bottom_up(results_or_base_year_energy, year or m.base_year)
    rows = []
    # sums by (entity, carrier) and tce by entity, once: a run reconciles on every replicate;
    # the base year's few rows summed as pandas' groupby sums them (frames.grouped_sums), as plain lists
    entity = energy["entity"]
    by_carrier = grouped_sums(zip(entity, energy["carrier"]), [float(q) for q in energy["quantity"]])
    park_carrier = grouped_sums((c for _, c in by_carrier), by_carrier.values())
    tce = grouped_sums(entity, [float(q) for q in energy["energy_tce"]])
    entity_tco2 = _entity_tco2(emissions) if emissions is not None else None
    firm_resources, park_resources = _resources(results_or_base_year_energy, base)

    def add(scope: str, values: dict[str, float], carriers: dict[str, float], tce_total: float, tco2: float | None,
            resources: dict[str, float]) -> None:
        for key, value in values.items():
            if key in CARRIERS:
                bottom = float(carriers.get(CARRIERS[key][0], 0.0))
            elif key == "energy_tce":
                bottom = float(tce_total)
            elif key == "emissions_tco2":
                bottom = math.nan if tco2 is None else tco2
            else:
                bottom = resources.get(key, math.nan)
            rows.append((scope, key, UNITS[key], bottom, float(value)))

    if m.park is not None:
        add("park", m.park.given(), park_carrier, sum(tce.values()), park_tco2, park_resources)
    known = set(entity)
    for ident, totals in m.enterprises.items():
        if ident not in known:
            raise InputError([Problem("measured totals", f"enterprises.{ident}", f"no enterprise {ident!r} in the run's energy table")])
        tco2 = entity_tco2.get(ident, 0.0) if entity_tco2 is not None else None
        carriers = {c: q for (owner, c), q in by_carrier.items() if owner == ident}
        add(ident, totals.given(), carriers, tce.get(ident, 0.0), tco2, firm_resources.get(ident, {}))
    return rows, base


def _reconciliation_columns(rows: list[tuple], year: int | None = None) -> pd.DataFrame:
    """The reconciliation's columns from (scope, quantity, unit, bottom_up, measured) rows, with
    difference = bottom-up − measured and difference_pct = difference ÷ measured × 100 (NaN where
    nothing was measured); with ``year`` (rows given), a first column ``year`` holding it [int64]."""
    names = ["scope", "quantity", "unit", "bottom_up", "measured"]
    if not rows:
        table = pd.DataFrame(rows, columns=names)
        table["difference"] = table["bottom_up"] - table["measured"]
        table["difference_pct"] = table["difference"] / table["measured"].where(table["measured"] != 0) * 100
        return table
    columns = dict(zip(names, (list(c) for c in zip(*rows))))
    bottom, measured = (np.array(columns[n], dtype=float) for n in ("bottom_up", "measured"))
    difference = bottom - measured
    if year is not None:
        columns = {"year": np.full(len(rows), year, dtype=np.int64)} | columns
    return frame_from_columns(columns | {"difference": difference,
                                         "difference_pct": difference / np.where(measured != 0, measured, np.nan) * 100})


def sidecar_path(park_path: str | Path) -> Path:
    """The measured-totals sidecar of a park file: ``<name>.measured.yaml`` beside it."""
    p = Path(park_path)
    return p.with_name(p.stem + ".measured.yaml")


def merge_sidecar(park_doc: Any, park_path: str | Path, display=str) -> list[Problem]:
    """Put the sidecar's totals (if the park file has one) into the park document's ``measured``
    block, so the run reports the reconciliation and the inputs digest covers them. Returns the
    problems: the sidecar's own (naming it), or totals given both in the park file and the sidecar."""
    sidecar = sidecar_path(park_path)
    if not isinstance(park_doc, dict) or not sidecar.exists():
        return []
    try:
        measured = load_measured(sidecar)
    except InputError as exc:
        return list(exc.problems)
    if park_doc.get("measured") is not None:
        return [Problem(display(Path(park_path)), "measured",
                        f"measured totals are given both here and in {display(sidecar)}; keep one of them")]
    park_doc["measured"] = measured.model_dump(exclude_none=True)
    return []


def unmatched_resources(table: pd.DataFrame, firm_totals: dict, source: str, prefix: str = "") -> list[Problem]:
    """A measured water or solid-waste total with no bottom-up value to compare with: the
    enterprises whose park-file figure is missing (``firm_totals``: entity → FirmTotals)."""
    out = []
    for r in table[table["quantity"].isin(list(RESOURCES)) & table["bottom_up"].isna()].itertuples():
        name, field = RESOURCES[r.quantity]
        ids = [r.scope] if r.scope != "park" else [e for e, t in firm_totals.items() if getattr(t, name) is None]
        out.append(Problem(source, f"{prefix}{r.scope}.{r.quantity}",
                           f"measured {r.measured:,.0f} {r.unit} but no bottom-up value to compare: the park file gives no "
                           f"{field} for {', '.join(ids) or 'its enterprises'} (0 where there is none)"))
    return out


def format_table(table: pd.DataFrame) -> str:
    """The reconciliation as aligned text (for the CLI and docs)."""
    out = table.copy()
    for col in ("bottom_up", "measured", "difference"):
        out[col] = out[col].map(lambda v: "–" if pd.isna(v) else f"{round(v):,}")
    out["difference_pct"] = table["difference_pct"].map(lambda v: "–" if pd.isna(v) else f"{v + 0.0 if abs(v) >= 0.005 else 0.0:+.2f} %")
    return out.to_string(index=False)

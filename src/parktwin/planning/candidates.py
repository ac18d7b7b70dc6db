"""The planner's candidate measures: which roadmap kinds a park can take, their bounds, and the
roadmap items (or scenario blocks) a chosen level and year become.

All knowledge of roadmap kinds the planner uses lives in this module, behind three functions:
``candidates(scenario)`` (what the park admits, each with the park quantity that bounds it),
``item(candidate, level, year)`` (the roadmap item of a level 0..1 of the bound, decided in
``year``) and ``apply_choices(document, choices)`` (a scenario document with the chosen items).
Bounds and lead times are rows of ``data/planning_bounds.csv`` with their sources.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from parktwin.data import table
from parktwin.economics.catalogue import MEASURE_TECHNOLOGIES, technology
from parktwin.spec.scenario import Scenario

LEVEL_STEP = 0.05
"""Levels are searched on a grid of this step (fraction of the bound); 0 = not chosen."""


@dataclass(frozen=True)
class Candidate:
    """One measure the planner may put on the roadmap: a kind (and option), its bound and lead time."""

    id: str
    kind: str
    option: str
    parameter: str
    max_value: float  # in the parameter's unit (a share, or kWh for a battery)
    lead_time_days: float
    bound_note: str  # the park quantity (or data row) that sets max_value
    step: int = 1  # 1, 2, ...: the n-th step of a measure taken in several steps
    available_from: int = 0  # first year its technologies are available (data/technologies.csv)

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.option}" if self.option else self.kind


@dataclass(frozen=True)
class Choice:
    """A candidate at a level (0..1 of its bound) decided in a year."""

    candidate: Candidate
    level: float
    year: int

    @property
    def value(self) -> float:
        return round(self.level * self.candidate.max_value, 6)


def _bounds() -> dict[tuple[str, str], dict]:
    df = table("planning_bounds").fillna({"option": ""})
    return {(r.kind, r.option): r._asdict() for r in df.itertuples(index=False)}


def available_from(kind: str) -> int:
    """First year every technology the kind needs is available (0: no such limit)."""
    years = [technology(t).available_from for t in MEASURE_TECHNOLOGIES.get(kind, ())]
    return int(max(years)) if years else 0


def earliest_year(candidate: Candidate, first_year: int) -> int:
    """The earliest year the planner may decide a candidate: the plan's first year or its technology's."""
    return max(first_year, candidate.available_from)


def _fossil_boiler_firms(park) -> list[str]:
    return [e.id for e in park.enterprises
            if (e.energy.coal_t + e.energy.natural_gas_km3) * e.fuel_heat_share > 0 or e.energy.purchased_heat_gj > 0]


def candidates(scenario: Scenario) -> list[Candidate]:
    """Every measure the park admits, bounded by the park's own quantities. No list per park:
    a kind is a candidate when the park has what it acts on (roofs, boilers, fleets, process CO₂,
    water, waste, waste heat, buildings)."""
    park = scenario.park
    rows = _bounds()
    out: list[Candidate] = []

    def add(kind: str, option: str, note: str, max_value: float | None = None) -> None:
        row = rows[(kind, option)]
        for step in range(1, int(row["steps"]) + 1):
            cid = "_".join(p for p in (option or kind, str(step) if row["steps"] > 1 else "") if p)
            out.append(Candidate(cid, kind, option, row["parameter"], float(row["max_value"] if max_value is None else max_value),
                                 float(row["lead_time_days"]), note, step, available_from(kind)))

    firms = park.enterprises
    add("efficiency", "", f"{len(firms)} firms' final energy; at most {rows[('efficiency', '')]['max_value']:.0%} per programme")
    roof_m2 = sum(e.roof_area_m2 for e in firms) + sum(b.roof_area_m2 for b in park.buildings)
    if roof_m2 > 0:
        add("rooftop_pv", "", f"roof area {roof_m2:,.0f} m² × {park.pv_design.kwp_per_roof_m2} kWp/m²")
    hours = rows[("battery", "")]["max_value"]
    add("battery", "", f"{hours} h of the {park.grid.import_limit_kw:,.0f} kW import limit", max_value=hours * park.grid.import_limit_kw)
    add("green_power", "", "the park's grid electricity")
    ppa = rows[("green_ppa", "wind")]["max_value"]
    add("green_ppa", "wind", f"{ppa} kW per kW of the {park.grid.import_limit_kw:,.0f} kW import limit (off-site wind, annual matching)",
        max_value=ppa * park.grid.import_limit_kw)
    boilers = _fossil_boiler_firms(park)
    if boilers:
        add("electrify_boilers", "heat_pump", f"boiler and bought heat of {len(boilers)} firms (low and medium bands)")
        add("electrify_boilers", "electric_boiler", f"boiler and bought heat of {len(boilers)} firms (all bands)")
    if park.fleets:
        add("electrify_fleet", "", f"{sum(f.count for f in park.fleets)} vehicles in {len(park.fleets)} fleets")
    kilns = [e.id for e in firms if (e.energy.coal_t + e.energy.natural_gas_km3) > 0 and e.fuel_heat_share < 1]
    if kilns:
        add("hydrogen_process_heat", "", f"kiln and furnace fuel of {len(kilns)} firms")
    process = sum(e.process_emissions_tco2 for e in firms)
    if process > 0:
        add("ccus", "", f"process CO₂ {process:,.0f} t/yr in the base year")
    if any(e.water for e in firms):
        add("resource_measure", "water_reuse", "the firms' water use")
        add("resource_measure", "reclaimed_water", "the firms' fresh water")
    if any(e.solid_waste for e in firms):
        add("resource_measure", "solid_waste_utilisation", "the firms' solid waste generated")
    if any(e.waste_heat for e in firms):
        add("resource_measure", "waste_heat_use", "the firms' available waste heat")
    if park.buildings:
        floor = sum(b.floor_area_m2 for b in park.buildings)
        for measure in ("envelope", "hvac", "lighting"):
            add("building_retrofit", measure, f"floor area {floor:,.0f} m²")
    add("offsets", "", "gross emissions (cap on offsets)")
    return out


def item(choice: Choice) -> dict | None:
    """The roadmap item of a choice (None for offsets, which are a scenario block, or level 0)."""
    c = choice.candidate
    if choice.level <= 0 or c.kind == "offsets":
        return None
    base = {"id": f"plan_{c.id}", "kind": c.kind, "year": int(choice.year), "lead_time_days": c.lead_time_days}
    v = choice.value
    if c.kind == "battery":
        return base | {"energy_kwh": v, "power_kw": round(v / 4.0, 6)}
    if c.kind == "electrify_boilers":
        return base | {"share": v, "technology": c.option, "include_purchased_heat": True}
    if c.kind == "green_ppa":
        return base | {"technology": c.option, "capacity_kw": v, "matching": "annual"}
    if c.kind == "resource_measure":
        return base | {"measure": c.option, "target_share": v}
    if c.kind == "building_retrofit":
        return base | {"measure": c.option, "floor_share": v}
    if c.kind == "efficiency":
        return base | {"share": min(v, 0.99)}
    return base | {c.parameter: v}


def normalise(choices: list[Choice]) -> list[Choice]:
    """Steps of one measure in year order; green-power steps only ever raise the share (a step that
    would not, or that a higher step of the same year supersedes, is dropped)."""
    out, by_kind = [], {}
    for ch in choices:
        by_kind.setdefault((ch.candidate.kind, ch.candidate.option), []).append(ch)
    for (kind, _), group in by_kind.items():
        group = sorted(group, key=lambda ch: (ch.year, ch.candidate.step))
        if kind == "green_power":
            top, kept = 0.0, []
            for ch in group:
                if ch.level <= top:
                    continue  # a step that would not raise the share changes nothing
                top = ch.level
                if kept and kept[-1].year == ch.year:
                    kept.pop()  # two steps in one year: the higher one holds
                kept.append(ch)
            group = kept
        out.extend(group)
    return out


def apply_choices(document: dict, choices: list[Choice]) -> dict:
    """A copy of a resolved scenario document whose roadmap is the chosen items (and offsets block)."""
    doc = copy.deepcopy(document)
    chosen = [ch for ch in normalise(choices) if ch.level > 0]
    doc["roadmap"] = [it for it in (item(ch) for ch in sorted(chosen, key=lambda ch: (ch.year, ch.candidate.id))) if it]
    for ch in chosen:
        if ch.candidate.kind == "offsets":
            doc["offsets"] = dict(doc.get("offsets") or {}) | {"start_year": int(ch.year), "max_share_of_gross": ch.value}
    return doc


def uncertainty_kind(path: str, roadmap: list[dict]) -> tuple[str, str, str] | None:
    """For an uncertainty path into a roadmap item (``roadmap.<id>.<field>``) of another roadmap:
    the item's (kind, option, field), so the same uncertainty can be put on the plan's items of that kind."""
    parts = path.split(".")
    if len(parts) != 3 or parts[0] != "roadmap":
        return None
    for it in roadmap:
        if it.get("id") == parts[1]:
            option = it.get("technology") or it.get("measure") or ""
            return it["kind"], option if it["kind"] in ("electrify_boilers", "resource_measure", "building_retrofit") else "", parts[2]
    return None


def parameter_field(c: Candidate) -> str:
    """The roadmap field a candidate's level sets (the one delivery shortfalls act on)."""
    if c.kind == "battery":
        return "energy_kwh"
    if c.kind == "green_ppa":
        return "capacity_kw"
    if c.kind in ("electrify_boilers", "efficiency", "green_power", "electrify_fleet", "hydrogen_process_heat"):
        return "share"
    return c.parameter

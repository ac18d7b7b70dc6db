"""The planner's candidate measures: which roadmap kinds a park can take, their bounds, and the
roadmap items (or scenario blocks) a chosen level and year become.

The kinds come from the technology registry (``technologies.registry.technologies()``); a
registered kind the planner does not search is reported, never silently skipped (``survey``).
All knowledge of roadmap kinds the planner uses lives in this module, behind a few functions:
``candidates(scenario)`` (what the park admits, each with the park quantity that bounds it),
``item(candidate, level, year)`` (the roadmap item of a level 0..1 of the bound, decided in
``year``) and ``apply_choices(document, choices)`` (a scenario document with the chosen items).
Bounds, steps and lead times are rows of ``data/planning_bounds.csv`` with their sources; a row
with a ``not_planned`` reason marks a registered kind the planner does not search yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from parktwin.agents.building import acts_on
from parktwin.data import table
from parktwin.spec.scenario import Scenario
from parktwin.technologies.bounds import bound_of
from parktwin.technologies.registry import technologies

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
    cap: float | None = None  # a removal's planning-row bound before the screen sized it to the residual (planning/screen.py)

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


NOT_PLANNED_NO_ROW = "no row in data/planning_bounds.csv"
OFFSETS = "offsets"
"""Offsets are a scenario block, not a registered roadmap kind; their planning row is searched all the same."""


@dataclass(frozen=True)
class NotPlanned:
    """A registered kind (or an option of one) the plan does not search, and why."""

    kind: str
    option: str
    reason: str

    def text(self) -> str:
        return f"{self.kind}{':' + self.option if self.option else ''}: not planned: {self.reason}"


def bounds() -> list[dict]:
    """The rows of data/planning_bounds.csv in file order (the order of the candidates)."""
    df = table("planning_bounds").fillna({"option": "", "not_planned": ""})
    return [r._asdict() for r in df.itertuples(index=False)]


def available_from(kind: str) -> int:
    """First year every technology the kind buys is available (the registry's ``available_from``; 0: no limit)."""
    return technologies()[kind].available_from() if kind in technologies() else 0


def earliest_year(candidate: Candidate, first_year: int) -> int:
    """The earliest year the planner may decide a candidate: the plan's first year or its technology's."""
    return max(first_year, candidate.available_from)


def _fossil_boiler_firms(park) -> list[str]:
    return [e.id for e in park.enterprises
            if (e.energy.coal_t + e.energy.natural_gas_km3) * e.fuel_heat_share > 0 or e.energy.purchased_heat_gj > 0]


def _admits(park, row: dict) -> tuple[str, float | None] | str:
    """What bounds a planning row on this park: (the bound's note, its value or None for the row's
    ``max_value``), or the reason the park admits no such measure (it lacks what the kind acts on).
    The park quantities are the registry's (``technologies.bounds.bound_of``), not computed again here."""
    kind, option, firms = row["kind"], row["option"], park.enterprises
    limit_kw = park.grid.import_limit_kw
    if kind == "efficiency":
        return f"{len(firms)} firms' final energy; at most {float(row['max_value']):.0%} per programme", None
    if kind == "rooftop_pv":
        roof_m2 = bound_of(kind, park)
        return (f"roof area {roof_m2:,.0f} m² × {park.pv_design.kwp_per_roof_m2} kWp/m²", None) if roof_m2 > 0 else "the park has no roof area"
    if kind == "battery":
        hours = float(row["max_value"])
        return f"{hours} h of the {limit_kw:,.0f} kW import limit", hours * limit_kw
    if kind == "green_power":
        return "the park's grid electricity", None
    if kind == "green_ppa":
        ppa = float(row["max_value"])
        return f"{ppa} kW per kW of the {limit_kw:,.0f} kW import limit (off-site {option}, annual matching)", ppa * limit_kw
    if kind == "electrify_boilers":
        boilers = _fossil_boiler_firms(park)
        bands = "low and medium bands" if option == "heat_pump" else "all bands"
        return (f"boiler and bought heat of {len(boilers)} firms ({bands})", None) if boilers else "no firm burns fuel in boilers or buys heat"
    if kind == "electrify_fleet":
        vehicles = bound_of(kind, park)
        return (f"{vehicles:,.0f} vehicles in {len(park.fleets)} fleets", None) if vehicles > 0 else "the park has no fleets"
    if kind == "hydrogen_process_heat":
        kilns = [e.id for e in firms if (e.energy.coal_t + e.energy.natural_gas_km3) > 0 and e.fuel_heat_share < 1]
        return (f"kiln and furnace fuel of {len(kilns)} firms", None) if kilns else "no firm burns coal or gas in kilns or furnaces"
    if kind == "ccus":
        process = bound_of(kind, park)
        return (f"process CO₂ {process:,.0f} t/yr in the base year", None) if process > 0 else "the firms emit no process CO₂"
    if kind == "resource_measure":
        has = {"water_reuse": any(e.water for e in firms), "reclaimed_water": any(e.water for e in firms),
               "solid_waste_utilisation": any(e.solid_waste for e in firms), "waste_heat_use": any(e.waste_heat for e in firms)}
        notes = {"water_reuse": "the firms' water use", "reclaimed_water": "the firms' fresh water",
                 "solid_waste_utilisation": "the firms' solid waste generated", "waste_heat_use": "the firms' available waste heat"}
        if option not in has:
            return f"planning/candidates.py has no rule for the option {option!r}"
        return (notes[option], None) if has[option] else f"no firm states the data it acts on ({notes[option]})"
    if kind == "building_retrofit":
        if not park.buildings:
            return "the park has no buildings"
        if option and not any(acts_on(option, b) for b in park.buildings):
            return f"no building it acts on (data/building_retrofits.csv: {option.replace('_', ' ')})"
        return f"floor area {bound_of(kind, park):,.0f} m²", None
    if kind == "direct_air_capture":
        direct = bound_of(kind, park)
        share = float(row["max_value"])
        return (f"{share:.0%} of the park file's direct CO₂ {direct:,.0f} t/yr (fuels and processes)", share * direct) if direct > 0 \
            else "the park file states no fuel or process CO₂"
    if kind == OFFSETS:
        return "gross emissions (cap on offsets)", None
    return "a row in data/planning_bounds.csv but no rule in planning/candidates.py for the park quantity that bounds it"


def survey(scenario: Scenario) -> tuple[list[Candidate], list[NotPlanned]]:
    """Every registered kind (``technologies.registry.technologies()``) the park admits as candidates,
    bounded by the park's own quantities, and every registered kind (or option) it does not, with the
    reason: no row in data/planning_bounds.csv, a row marking it not plannable, or nothing in the park
    for it to act on. No list per park. Candidates follow the rows' order in the file."""
    park = scenario.park
    registered = technologies()
    rows = bounds()
    out: list[Candidate] = []
    skipped: list[NotPlanned] = []
    with_rows = {r["kind"] for r in rows}
    for row in rows:
        kind, option = row["kind"], row["option"]
        if kind not in registered and kind != OFFSETS:
            raise ValueError(f"data/planning_bounds.csv: kind {kind!r} is not registered in data/technology_kinds.csv")
        if row["not_planned"]:
            skipped.append(NotPlanned(kind, option, row["not_planned"]))
            continue
        admitted = _admits(park, row)
        if isinstance(admitted, str):
            skipped.append(NotPlanned(kind, option, admitted))
            continue
        note, max_value = admitted
        steps = int(row["steps"])
        for step in range(1, steps + 1):
            cid = "_".join(p for p in (option or kind, str(step) if steps > 1 else "") if p)
            out.append(Candidate(cid, kind, option, row["parameter"], float(row["max_value"] if max_value is None else max_value),
                                 float(row["lead_time_days"]), note, step, available_from(kind)))
    skipped.extend(NotPlanned(kind, "", NOT_PLANNED_NO_ROW) for kind in registered if kind not in with_rows)
    return out, skipped


def candidates(scenario: Scenario) -> list[Candidate]:
    """Every measure the park admits (``survey``'s first half)."""
    return survey(scenario)[0]


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
    if c.kind == "direct_air_capture":
        return base | {"capacity_tco2_per_yr": v}
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
    """A resolved scenario document whose roadmap is the chosen items (and offsets block): a new dict
    with a roadmap and offsets of its own; its other entries (the park, …) are ``document``'s, shared,
    not copied (a deep copy cost ~3 ms a plan job, in the planning process): read them, or copy the
    document before changing them."""
    doc = dict(document)
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
    if c.kind == "direct_air_capture":
        return "capacity_tco2_per_yr"
    if c.kind in ("electrify_boilers", "efficiency", "green_power", "electrify_fleet", "hydrogen_process_heat"):
        return "share"
    return c.parameter

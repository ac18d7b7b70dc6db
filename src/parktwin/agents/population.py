"""Firms enter and leave the park.

Entrants come from the scenario's list or from a seeded entry process (Poisson arrivals per
year, each a rescaled copy of one of the park's own firms); they are built to the standards for
new firms in force in their entry year. Leavers come from the scenario's list or a seeded yearly
hazard. Entry and exit are SimPy events at an hour of the year: a firm's loads and emissions
count only while it is in the park (its ``enter``/``leave`` changes, see ``agents.enterprise``).
"""

from __future__ import annotations

import numpy as np

from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.spec.park import Enterprise

DAYS_PER_YEAR = HOURS_PER_YEAR // 24


def growth_rate(growth, spec: Enterprise) -> float:
    """A firm's yearly activity growth: its own rate, else its sector's, else the park default [share/yr]."""
    return growth.by_firm_share_per_yr.get(
        spec.id, growth.by_sector_share_per_yr.get(spec.sector, growth.default_share_per_yr))


def built_to_standard(spec: Enterprise, year: int, policy) -> tuple[Enterprise, float, list[str]]:
    """The entrant as built in ``year`` under ``policy``: its spec, the share of its boiler heat
    built electric (electrify-heat mandates in force for its sector) and notes of what applied.

    No new coal: the entrant burns natural gas instead — in boilers at equal useful heat (the
    two boiler efficiencies), in kilns and furnaces at equal energy (NCV); ``fuel_heat_share``
    is recomputed so the boiler/kiln split of the gas is exact.
    """
    std = policy.new_firms
    applies = std.from_year is None or year >= std.from_year
    notes: list[str] = []
    e, s = spec.energy, spec.fuel_heat_share
    if applies and std.no_coal and e.coal_t > 0:
        coal_gj, gas_ncv = e.coal_t * constant("coal_ncv_gj_per_t"), constant("natural_gas_ncv_gj_per_km3")
        boiler_km3 = s * (e.natural_gas_km3 + coal_gj * constant("coal_boiler_efficiency") / constant("gas_boiler_efficiency") / gas_ncv)
        kiln_km3 = (1.0 - s) * (e.natural_gas_km3 + coal_gj / gas_ncv)
        total = boiler_km3 + kiln_km3
        spec = spec.model_copy(update={
            "energy": e.model_copy(update={"coal_t": 0.0, "natural_gas_km3": total}),
            "fuel_heat_share": boiler_km3 / total if total > 0 else s,
        })
        notes.append(f"no new coal: {e.coal_t:,.0f} t coal built as gas")
    electric = max((m.share for m in policy.mandates
                    if m.measure == "electrify_heat" and m.start_year <= year and (m.sectors == "all" or spec.sector in m.sectors)),
                   default=0.0)
    if electric > 0:
        notes.append(f"{electric:.0%} of boiler heat built electric (mandate in force)")
    return spec, electric, notes


def rescaled(template: Enterprise, factor: float, new_id: str) -> Enterprise:
    """A copy of ``template`` with every size (value added, energy, process CO₂, roof, staff) × ``factor``."""
    e = template.energy
    energy = e.model_copy(update={k: getattr(e, k) * factor for k in type(e).model_fields})
    return template.model_copy(update={
        "id": new_id, "name": f"{template.name} (entrant)", "energy": energy,
        "value_added_mcny": template.value_added_mcny * factor, "employees": int(round(template.employees * factor)),
        "process_emissions_tco2": template.process_emissions_tco2 * factor, "roof_area_m2": template.roof_area_m2 * factor,
        "source": f"entry process: {template.id} × {factor:.3f}",
    })


def draw_entrants(rng: np.random.Generator, year: int, process, templates: list[Enterprise]) -> list[tuple[float, Enterprise]]:
    """This year's seeded entrants as (entry day, spec): a Poisson count, then for each a template
    (uniform over the park's firms of the process's sectors), a lognormal size and a uniform day."""
    pool = [t for t in templates if process.sectors == "all" or t.sector in process.sectors]
    count = int(rng.poisson(process.rate_per_yr))
    out = []
    for k in range(count):
        index, z, day = int(rng.integers(len(pool))) if pool else 0, rng.normal(), rng.random() * DAYS_PER_YEAR
        if pool:
            out.append((day, rescaled(pool[index], float(np.exp(process.size_sd_log * z)), f"entrant_{year}_{k + 1}")))
    return out


def draw_exits(rng: np.random.Generator, firm_ids: list[str], hazard_per_yr: float) -> list[tuple[str, float]]:
    """Firms that leave this year by the hazard, each with a uniform exit day (two draws per firm, always)."""
    out = []
    for firm in firm_ids:
        u, day = rng.random(), rng.random() * DAYS_PER_YEAR
        if u < hazard_per_yr:
            out.append((firm, day))
    return out


def active_share(changes, year_start: int) -> float:
    """Share of the hours of the year beginning at ``year_start`` a firm is in the park [0..1]."""
    marks = sorted((c.hour, c.kind == "enter") for c in changes if c.kind in ("enter", "leave"))
    year_end = year_start + HOURS_PER_YEAR
    state = 1.0
    for hour, entering in marks:
        if hour <= year_start:
            state = float(entering)
    inside = [(h, e) for h, e in marks if year_start < h < year_end]
    if not inside:
        return state
    hours, t = 0.0, float(year_start)
    for hour, entering in inside:
        hours += state * (hour - t)
        t, state = hour, float(entering)
    return (hours + state * (year_end - t)) / HOURS_PER_YEAR

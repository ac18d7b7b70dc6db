"""Firms enter and leave the park (agents.population): this year's leavers, the entrants built to
the new-firm standards, and their entry and exit as SimPy processes at their hour."""

from __future__ import annotations

from parktwin.agents.enterprise import EnterpriseAgent
from parktwin.agents.operator import PV_TECHNOLOGY
from parktwin.agents.population import built_to_standard, draw_entrants, draw_exits, growth_rate
from parktwin.economics.costs import purchase, retire, value_left_cny
from parktwin.energy.calendar import HOURS_PER_YEAR, hour_timestamp


def leavers(model, year: int) -> list[tuple[str, float]]:
    """Drop the firms that left before this year; pick this year's leavers among those still here
    (listed or by the seeded hazard) and take them out of the deciding agents at once."""
    for firm_id in [i for i, f in model.enterprises.items() if getattr(f, "left", False)]:
        if not getattr(model.enterprises[firm_id], "removed", False):
            model.enterprises[firm_id].remove()
        del model.enterprises[firm_id]
    pop = model.scenario.population
    here = list(model.enterprises)
    listed = [(e.id, e.day) for e in pop.exits if e.year == year and e.id in here]
    drawn = draw_exits(model.population_rng, here, pop.exit_hazard_per_yr) if pop.exit_hazard_per_yr > 0 else []
    leaving = listed + [(i, d) for i, d in drawn if i not in {x for x, _ in listed}]
    for firm_id, _ in leaving:
        model.enterprises[firm_id].remove()  # a firm that leaves this year starts nothing more
        model.enterprises[firm_id].removed = True
    return leaving


def entrants(model, year: int, year_start: int) -> None:
    """This year's entrants (listed, then drawn), built to the new-firm standards, in the park from their entry hour."""
    sc = model.scenario
    pop = sc.population
    arrivals = [(e.day, e.enterprise) for e in pop.entrants if e.year == year]
    if pop.entry is not None and year >= (pop.entry.from_year or model.years[1]):
        arrivals += draw_entrants(model.population_rng, year, pop.entry, list(sc.park.enterprises))
    growth = sc.growth
    for day, spec in arrivals:
        spec, electric, notes = built_to_standard(spec, year, sc.policy)
        firm = EnterpriseAgent(model, spec, growth_rate(growth, spec), growth.intensity_decline_share_per_yr)
        if model.decisions_on:
            firm.draw_traits(model.population_rng, sc.decisions)
        hour = year_start + day * 24.0
        if hour > year_start:
            firm.commission(year_start, "leave", None, "not yet in the park")
        model.enterprises[spec.id] = firm
        model.operator.roof_area_m2[spec.id] = spec.roof_area_m2
        model.operator.roof_used_share[spec.id] = 0.0
        model.env.process(entry(model, firm, hour, electric, notes))


def entry(model, firm, hour: float, electric_share: float, notes: list[str]):
    yield model.env.timeout(hour - model.env.now)
    now = model.env.now
    index = int(now // HOURS_PER_YEAR)
    year, in_year = model.scenario.base_year + index, float(now - index * HOURS_PER_YEAR)
    firm.commission(now, "enter", None, "entry")
    if electric_share > 0:
        firm.commission(now, "electric_boiler", (electric_share, False), "mandate in force at entry")
    std, spec = model.scenario.policy.new_firms, firm.spec
    if std.rooftop_pv_roof_share > 0 and spec.roof_area_m2 > 0 and (std.from_year is None or year >= std.from_year):
        kwp = std.rooftop_pv_roof_share * spec.roof_area_m2 * model.scenario.park.pv_design.kwp_per_roof_m2
        model.operator.roof_used_share[spec.id] = std.rooftop_pv_roof_share
        model.operator.commission(now, "pv", kwp, f"{spec.id}_pv")
        model.record.purchases.append(purchase(year, in_year, f"{spec.id}_pv", "operator", PV_TECHNOLOGY, kwp, terms=model.unit_terms))
        notes = notes + [f"rooftop PV {kwp:,.0f} kWp on its roof"]
    model.record.events.append({
        "year": year, "hour": in_year, "time": hour_timestamp(year, in_year), "kind": "firm_entry", "id": spec.id,
        "decided_hour": float(index * HOURS_PER_YEAR), "origin": "population",
        "detail": f"{spec.name} ({spec.sector}, {spec.value_added_mcny:,.0f} M CNY value added) enters"
                  + (f"; {'; '.join(notes)}" if notes else ""),
    })


def exit_park(model, firm, hour: float):
    """The firm's loads and emissions stop at ``hour``; its capacity leaves with it at its value left."""
    yield model.env.timeout(max(0.0, hour - model.env.now))
    now = model.env.now
    index = int(now // HOURS_PER_YEAR)
    year, in_year = model.scenario.base_year + index, float(now - index * HOURS_PER_YEAR)
    firm.commission(now, "leave", None, "exit")
    firm.left = True
    at = year + in_year / HOURS_PER_YEAR
    value = 0.0
    for i, p in enumerate(model.record.purchases):
        if p.entity == firm.entity_id and p.retired_at is None:
            value += value_left_cny(p, at)
            model.record.purchases[i] = retire(p, at)
    model.exit_value_cny[year] = model.exit_value_cny.get(year, 0.0) + value
    model.record.events.append({
        "year": year, "hour": in_year, "time": hour_timestamp(year, in_year), "kind": "firm_exit", "id": firm.entity_id,
        "decided_hour": float(index * HOURS_PER_YEAR), "origin": "population",
        "detail": f"{firm.spec.name} leaves the park; its capacity leaves with {value:,.0f} CNY of value left",
    })

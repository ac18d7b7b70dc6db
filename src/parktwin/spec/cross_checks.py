"""Checks across fields, on the raw documents, so they run even where the schema fails (one
``check`` lists every problem): ids unique and referenced ones present, sectors and products
known, years inside the horizon, measures not before their technology is available, exchanges
and measured series consistent with the park (docs/architecture.md, "Cross-field checks")."""

from __future__ import annotations

from typing import Any

from parktwin.spec.base import half_width
from parktwin.spec.errors import Problem


def guarded(check: Any, *args: Any) -> tuple[list[Problem], str]:
    """``check(*args)``'s problems, and the reason it stopped ("" if it did not): on a raw document
    a value of the wrong type (a mapping where an id belongs) is the schema's to report, so a
    check that trips over one must not end in a traceback."""
    try:
        return check(*args), ""
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError) as exc:
        return [], f"{type(exc).__name__}: {exc}"


def _items(doc: Any, key: str) -> list[tuple[int, dict]]:
    """(position, mapping) of the list ``doc[key]``, skipping anything malformed."""
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _ids(items: list[tuple[int, dict]]) -> set[str]:
    """The string ids of ``items`` (a malformed id, e.g. a mapping, is the schema's to report)."""
    return {item.get("id") for _, item in items if isinstance(item.get("id"), str)}


def _duplicate_ids(items: list[tuple[int, dict]], file: str, key: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in items:
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            problems.append(Problem(file, f"{key}.{i}.id", f"id {ident!r} is already used by {key}.{seen[ident]}; ids must be unique"))
        else:
            seen[ident] = i
    return problems


def product_problems(products: Any, file: str, where: str) -> list[Problem]:
    """Each product line names a product of data/products.csv in that product's unit."""
    from parktwin.data import table

    if not isinstance(products, list):
        return []
    known = dict(zip(table("products")["id"], table("products")["unit"]))
    problems = []
    for j, line in enumerate(products):
        if not isinstance(line, dict):
            continue
        pid, unit = line.get("product"), line.get("unit")
        if isinstance(pid, str) and pid not in known:
            problems.append(Problem(file, f"{where}.{j}.product", f"unknown product {pid!r}; expected one of {sorted(known)} (data/products.csv)"))
        elif isinstance(pid, str) and isinstance(unit, str) and unit != known[pid]:
            problems.append(Problem(file, f"{where}.{j}.unit", f"{pid} is counted in {known[pid]!r} (data/products.csv), not {unit!r}"))
    return problems


def park_cross_problems(doc: dict, file: str) -> list[Problem]:
    from parktwin.data import grid_series_ids, sector_ids

    problems = []
    sectors = sector_ids()
    enterprises = _items(doc, "enterprises")
    for key in ("enterprises", "buildings", "fleets"):
        problems += _duplicate_ids(_items(doc, key), file, key)
    for i, ent in enterprises:
        sector = ent.get("sector")
        if isinstance(sector, str) and sector not in sectors:
            problems.append(Problem(file, f"enterprises.{i}.sector", f"unknown sector {sector!r}; expected one of {sorted(sectors)}"))
        problems.extend(product_problems(ent.get("products"), file, f"enterprises.{i}.products"))
    owners = _ids(enterprises) | {"operator"}
    for i, fleet in _items(doc, "fleets"):
        owner = fleet.get("owner", "operator")
        if owner not in owners:
            problems.append(Problem(file, f"fleets.{i}.owner", f"expected an enterprise id or 'operator' (got {owner!r})"))
    problems += _exchange_problems(doc, file, _ids(enterprises))
    problems += _measured_problems(doc, file, _ids(enterprises))
    location = doc.get("location") if isinstance(doc, dict) else None
    region = location.get("grid_region", "east_china") if isinstance(location, dict) else "east_china"
    if isinstance(region, str) and region not in grid_series_ids():
        problems.append(
            Problem(file, "location.grid_region", f"unknown grid-factor series {region!r}; expected one of {sorted(grid_series_ids())}")
        )
    return problems


def _exchange_problems(doc: dict, file: str, enterprise_ids: set) -> list[Problem]:
    """Symbiosis exchanges: unique ids; each side an enterprise id or ``external:<name>``."""
    from parktwin.spec.park import EXTERNAL_PREFIX

    exchanges = _items(doc, "exchanges")
    problems = _duplicate_ids(exchanges, file, "exchanges")
    kinds = {e.get("id"): (e.get("solid_waste") or {}).get("kinds_t") or {} for _, e in _items(doc, "enterprises")
             if isinstance(e.get("solid_waste"), dict) and isinstance(e.get("id"), str)}
    for i, x in exchanges:
        for side in ("supplier", "receiver"):
            ref = x.get(side)
            if isinstance(ref, str) and not ref.startswith(EXTERNAL_PREFIX) and ref not in enterprise_ids:
                problems.append(Problem(file, f"exchanges.{i}.{side}", f"expected an enterprise id or '{EXTERNAL_PREFIX}<name>' (got {ref!r})"))
        # a by-product sent cannot exceed what the supplier says it generates of that kind
        stated = kinds.get(x.get("supplier"), {}).get(x.get("kind")) if isinstance(x.get("supplier"), str) else None
        quantity = x.get("quantity")
        if isinstance(stated, (int, float)) and isinstance(quantity, (int, float)) and quantity > stated:
            problems.append(Problem(file, f"exchanges.{i}.quantity", f"{quantity:g} t/yr of {x.get('kind')} is more than "
                                    f"{x.get('supplier')} generates (solid_waste.kinds_t.{x.get('kind')} = {stated:g})"))
    return problems


def _measured_problems(doc: Any, file: str, ids: set) -> list[Problem]:
    """Measured totals name existing enterprises and the park's base year."""
    measured = doc.get("measured") if isinstance(doc, dict) else None
    if not isinstance(measured, dict):
        return []
    problems = []
    by_id = measured.get("enterprises")
    for ident in by_id if isinstance(by_id, dict) else []:
        if ident not in ids:
            problems.append(Problem(file, f"measured.enterprises.{ident}", f"no enterprise with id {ident!r} in the park"))
    year, base = measured.get("base_year"), doc.get("base_year", 2025)
    if isinstance(year, int) and isinstance(base, int) and year != base:
        problems.append(Problem(file, "measured.base_year", f"expected the park's base year {base} (got {year})"))
    return problems


def _availability_problems(kind: Any, year: int, file: str, field: str) -> list[Problem]:
    """A measure decided before its technology is available (data/technologies.csv) is refused."""
    from parktwin.economics.catalogue import MEASURE_TECHNOLOGIES, technology

    problems = []
    for tech_id in MEASURE_TECHNOLOGIES.get(kind, ()) if isinstance(kind, str) else ():
        tech = technology(tech_id)
        if not tech.available(year):
            problems.append(Problem(file, field, f"{kind} needs {tech_id}, available from {tech.available_from} (got {year})"))
    return problems


def _population_problems(pop: dict, park_ids: set, first: int, last: int, file: str) -> tuple[list[Problem], set]:
    """Entrants: ids new to the park and unique, known sectors, years in the horizon; exits: a known firm, after its entry."""
    from parktwin.data import sector_ids

    problems: list[Problem] = []
    entered: dict = {}
    for i, ent in _items(pop, "entrants"):
        where = f"population.entrants.{i}"
        firm = ent.get("enterprise") if isinstance(ent.get("enterprise"), dict) else {}
        ident, year = firm.get("id"), ent.get("year")
        if isinstance(ident, str) and (ident in park_ids or ident in entered):
            problems.append(Problem(file, f"{where}.enterprise.id", f"id {ident!r} is already a firm of the park or an earlier entrant"))
        elif isinstance(ident, str):
            entered[ident] = (year, ent.get("day", 0.0))
        sector = firm.get("sector")
        if isinstance(sector, str) and sector not in sector_ids():
            problems.append(Problem(file, f"{where}.enterprise.sector", f"unknown sector {sector!r}; expected one of {sorted(sector_ids())}"))
        if isinstance(year, int) and not first <= year <= last:
            problems.append(Problem(file, f"{where}.year", f"expected a year from {first} to {last} (got {year})"))
    for i, ex in _items(pop, "exits"):
        ident, year = ex.get("id"), ex.get("year")
        if isinstance(year, int) and not first <= year <= last:
            problems.append(Problem(file, f"population.exits.{i}.year", f"expected a year from {first} to {last} (got {year})"))
        if isinstance(ident, str) and ident not in park_ids and ident not in entered:
            problems.append(Problem(file, f"population.exits.{i}.id", f"no enterprise or entrant with id {ident!r}"))
        elif ident in entered and isinstance(year, int) and isinstance(entered[ident][0], int):
            if (year, ex.get("day", 0.0)) <= entered[ident]:
                problems.append(Problem(file, f"population.exits.{i}.year", f"{ident!r} would leave before it enters ({entered[ident][0]})"))
    entry = pop.get("entry") if isinstance(pop.get("entry"), dict) else {}
    sectors = entry.get("sectors")
    for sector in sorted(set(sectors) - sector_ids()) if isinstance(sectors, list) else []:
        problems.append(Problem(file, "population.entry.sectors", f"unknown sector {sector!r}; expected one of {sorted(sector_ids())}"))
    return problems, set(entered)


def _whole(value: Any) -> Any:
    """A whole number written as text (full-width digits too, as the schema reads it) as an int;
    anything else unchanged."""
    if isinstance(value, str):
        try:
            return int(half_width(value))
        except ValueError:
            return value
    return value


def _missing_ref(item: dict, key: str, ref: Any, ids: set, park: dict, park_file: str | None) -> str:
    """A roadmap item names a firm, fleet or building the park lacks (another park given with
    ``--park``, or a typo): name the item, the id, the park and the ids it has."""
    label = f"roadmap item {item.get('id')!r}" if isinstance(item.get("id"), str) else "this roadmap item"
    where = f"park {park.get('name')!r}" if isinstance(park.get("name"), str) else "the park"
    where += f" ({park_file})" if park_file else ""
    have = sorted(str(x) for x in ids if x is not None)
    listed = ", ".join(have[:12]) + (f", … ({len(have)} in all)" if len(have) > 12 else "") if have else "none"
    return f"no {key[:-1]} with id {ref!r} in {where}: {label} names it (the park's {key}: {listed})"


def scenario_cross_problems(doc: dict, file: str, park_file: str | None = None) -> list[Problem]:
    """Checks across the scenario's fields; ``park_file`` (the park's file name) only words messages."""
    from parktwin.data import grid_series_ids, sector_ids, table

    park = doc.get("park") if isinstance(doc.get("park"), dict) else {}
    base, horizon = _whole(park.get("base_year", 2025)), _whole(doc.get("horizon_years", 25))
    years_known = isinstance(base, int) and isinstance(horizon, int) and 2000 <= base <= 2100 and 1 <= horizon <= 60
    if not years_known:  # the schema reports the bad base year or horizon; no year checks against it
        base, horizon = 0, 10**6
    first, last = base + 1, base + horizon
    known = {key: _ids(_items(park, key)) for key in ("enterprises", "fleets", "buildings")}
    population = doc.get("population") if isinstance(doc.get("population"), dict) else {}
    problems_population, entrant_ids = _population_problems(population, known["enterprises"], first, last, file)
    known["enterprises"] = known["enterprises"] | entrant_ids  # a roadmap item may name an entrant
    roadmap = _items(doc, "roadmap")
    problems = _duplicate_ids(roadmap, file, "roadmap") + problems_population
    for i, item in roadmap:
        year = item.get("year")
        if isinstance(year, int) and not first <= year <= last:
            problems.append(Problem(file, f"roadmap.{i}.year", f"expected a year from {first} to {last} (got {year})"))
        if isinstance(year, int):
            problems += _availability_problems(item.get("kind"), year, file, f"roadmap.{i}.year")
        for key, ids in known.items():
            refs = item.get(key)
            if isinstance(refs, list):
                for ref in refs:
                    if not isinstance(ref, str) or ref not in ids:
                        problems.append(Problem(file, f"roadmap.{i}.{key}", _missing_ref(item, key, ref, ids, park, park_file)))
    growth = doc.get("growth") if isinstance(doc.get("growth"), dict) else {}
    by_sector = growth.get("by_sector_share_per_yr")
    for sector in sorted(set(by_sector) - sector_ids()) if isinstance(by_sector, dict) else []:
        problems.append(Problem(file, f"growth.by_sector_share_per_yr.{sector}", f"unknown sector; expected one of {sorted(sector_ids())}"))
    by_firm = growth.get("by_firm_share_per_yr")
    for firm in sorted(set(by_firm) - known["enterprises"]) if isinstance(by_firm, dict) else []:
        problems.append(Problem(file, f"growth.by_firm_share_per_yr.{firm}", "no enterprise or entrant with this id"))
    grid = doc.get("grid_factor") if isinstance(doc.get("grid_factor"), dict) else {}
    series = grid.get("series")
    if isinstance(series, str) and series not in grid_series_ids():
        problems.append(Problem(file, "grid_factor.series", f"unknown series {series!r}; expected one of {sorted(grid_series_ids())}"))
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    known = {"constants": set(table("constants")["name"]), "prices_cny": set(table("prices")["carrier"]),
             "capex_factor": set(table("technologies")["technology"])}
    for key, names in known.items():
        given = data.get(key)
        for name in sorted(set(given) - names) if isinstance(given, dict) else []:
            problems.append(Problem(file, f"data.{key}.{name}", f"unknown; expected one of {sorted(names)}"))
    outputs = doc.get("outputs") if isinstance(doc.get("outputs"), dict) else {}
    for y in outputs.get("hourly_years", []) if isinstance(outputs.get("hourly_years"), list) else []:
        if isinstance(y, int) and not base <= y <= last:
            problems.append(Problem(file, "outputs.hourly_years", f"year {y} is outside {base}..{last}"))
    targets = doc.get("review_targets")
    for y in targets if isinstance(targets, dict) else []:
        if isinstance(y, int) and not first <= y <= last:
            problems.append(Problem(file, f"review_targets.{y}", f"expected a year from {first} to {last}"))
    return problems

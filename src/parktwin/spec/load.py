"""Read park and scenario YAML, resolve ``extends`` and ``--set`` overrides, validate.

One override mechanism serves the CLI (``--set``), Monte Carlo samples and dashboard sliders:
a dotted path into the scenario document and a value. Path parts address mapping keys,
list positions (``roadmap.0.year``) or list items by their ``id`` (``roadmap.pv1.year``).
The park is reachable under ``park.`` (``park.grid.import_limit_kw``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import ValidationError

from parktwin.spec.base import FIELD_ERROR, RANGE_ERROR, half_width
from parktwin.spec.calibration import merge_sidecar
from parktwin.spec.errors import InputError, Problem
from parktwin.spec.park import Park
from parktwin.spec.scenario import INTERVENTION_KINDS, Scenario
from parktwin.spec.series import problems as series_problems
from parktwin.spec.series import resolve_files as resolve_series_files

Override = tuple[str, Any]


@dataclass(frozen=True)
class Loaded:
    """A validated scenario and where it came from (for the run manifest)."""

    scenario: Scenario
    scenario_path: str
    park_path: str
    overrides: tuple[Override, ...] = ()
    document: dict = field(default_factory=dict, repr=False)

    def digest(self) -> str:
        """sha256 of the resolved document (park included, overrides applied)."""
        return _sha256(self.document)

    def park_digest(self) -> str:
        """sha256 of the park document alone (overrides of ``park.`` applied)."""
        return _sha256(self.document.get("park", {}))


def _sha256(doc: Any) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where PyYAML has it: the same documents, ~10x faster


def decode_text(data: bytes, file: str) -> str:
    """A YAML file's text: UTF-8 (with or without a byte-order mark), else GB18030 — the superset of
    GBK that Chinese Windows editors save in; neither: an InputError naming the file and both encodings."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        bad = data[utf8_error.start: utf8_error.start + 4].hex(" ")
        raise InputError([Problem(file, "", f"not UTF-8 text (bytes {bad} at byte {utf8_error.start}) and not GBK/GB18030 "
                                  "either; save it as UTF-8")]) from None


def read_yaml(path: Path) -> dict:
    """Parse one YAML mapping, turning every failure into an InputError naming the file."""
    try:
        text = decode_text(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), "", "is a folder, not a YAML file")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), "", f"cannot read: {exc.strerror}")]) from None
    try:
        doc = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(str(path), where, f"not valid YAML: {reason}")]) from None
    if not isinstance(doc, dict):
        raise InputError([Problem(str(path), "", "expected a mapping of keys at the top level")])
    return doc


def deep_merge(base: Mapping, over: Mapping) -> dict:
    """Mappings merge key by key; any other value (lists included) in ``over`` replaces."""
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _resolve_extends(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict, Path]:
    """The scenario document with its ``extends`` chain merged; returns the park file's base dir."""
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(str(p) for p in (*seen, path))
        raise InputError([Problem(str(path), "extends", f"circular extends: {chain}")])
    doc = read_yaml(path)
    parent = doc.pop("extends", None)
    if parent is None:
        return doc, path
    if not isinstance(parent, str):
        raise InputError([Problem(str(path), "extends", "expected a path to another scenario file")])
    target = path.parent / parent
    if not target.is_file():
        raise InputError([Problem(str(path), "extends", f"no scenario file {parent!r} (looked for {target})")])
    base, park_owner = _resolve_extends(target, (*seen, path))
    if "park" in doc:
        park_owner = path
    return deep_merge(base, doc), park_owner


def parse_override(text: str) -> Override:
    """``path.to.key=value`` with the value read as YAML (numbers, booleans, lists)."""
    if "=" not in text:
        raise InputError([Problem("--set", text, "expected path=value")])
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key:
        raise InputError([Problem("--set", text, "expected path=value")])
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return key, value


def apply_override(doc: dict, path: str, value: Any, source: str = "--set") -> None:
    """Set ``value`` at dotted ``path`` inside ``doc`` (in place)."""
    parts = path.split(".")
    node: Any = doc
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = _list_index(node, part)
            if index is None:
                raise InputError([Problem(source, where, f"no list item at {part!r} (by position or id)")])
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            key = _dict_key(node, part)
            if last:
                node[key] = value
            else:
                if key not in node or node[key] is None:
                    node[key] = {}
                node = node[key]
        else:
            raise InputError([Problem(source, where, f"cannot descend into a {type(node).__name__}")])


def _list_index(items: list, part: str) -> int | None:
    if part.lstrip("-").isdigit():
        i = int(part)
        return i if -len(items) <= i < len(items) else None
    for i, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == part:
            return i
    return None


def _dict_key(node: dict, part: str) -> Any:
    """Year-keyed paths are written ``carbon_price_cny_per_tco2.2030``: a number addresses an
    int key (as YAML reads ``2030:``) unless the mapping already has that string key or only
    string keys."""
    if part in node or not part.lstrip("-").isdigit():
        return part
    if node and all(isinstance(k, str) for k in node):
        return part
    return int(part)


def _file_path(loc: tuple) -> list[str]:
    """pydantic's error location as a path in the file: drop the tag of a tagged union
    (``roadmap.2.green_power.share`` is ``roadmap.2.share`` in the file)."""
    out: list[str] = []
    for i, part in enumerate(loc):
        if i >= 2 and isinstance(loc[i - 1], int) and loc[i - 2] == "roadmap" and isinstance(part, str) and part in INTERVENTION_KINDS:
            continue
        out.append(str(part))
    return out


def problems_from(exc: ValidationError, file_for: Any) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = _file_path(err["loc"]) + ([err["ctx"]["field"]] if err["type"] == FIELD_ERROR else [])
        file, loc = file_for(loc)
        got = err.get("input")
        msg = err["ctx"]["why"] if err["type"] == FIELD_ERROR else err["msg"]
        if err["type"] not in ("missing", FIELD_ERROR, RANGE_ERROR) and not isinstance(got, (dict, list)):
            msg = f"{msg} (got {got!r})"
        problems.append(Problem(file, ".".join(loc), msg))
    return problems


def load_park(path: str | Path) -> Park:
    """Validate a park file on its own."""
    path = Path(path)
    doc = read_yaml(path)
    _resolve_weather_file(doc, path)
    resolve_series_files(doc, path)
    file = _display(path)
    problems = merge_sidecar(doc, path, _display)  # first: the cross checks see the sidecar's totals
    cross, failed = guarded(park_cross_problems, doc, file)
    problems += cross
    try:
        park = Park.model_validate(doc)
    except ValidationError as exc:
        raise InputError(problems_from(exc, lambda loc: (file, loc)) + problems) from None
    if failed:
        raise InputError([Problem(file, "", f"the checks across fields stopped on malformed input ({failed}); please report this file")])
    _raise_if(problems + _weather_file_problems(park, file) + series_problems(park, file, _display))
    return park


def _resolve_weather_file(park_doc: Any, park_path: Path) -> None:
    """Make ``location.weather_file`` absolute, relative to the park file that names it."""
    location = park_doc.get("location") if isinstance(park_doc, dict) else None
    if isinstance(location, dict) and isinstance(location.get("weather_file"), str):
        location["weather_file"] = str((park_path.parent / location["weather_file"]).resolve())


def _weather_file_problems(park: Park, file: str) -> list[Problem]:
    """Read the park's weather file now, so a bad one stops the run before it starts."""
    loc = park.location
    if loc.weather_file is None:
        return []
    from parktwin.energy.weather_files import WeatherFileError, read_weather_file, site_from_location, weather_from_file

    try:
        measured = read_weather_file(loc.weather_file)
    except FileNotFoundError:
        return [Problem(file, "location.weather_file", f"file not found: {loc.weather_file}")]
    except WeatherFileError as exc:
        return [Problem(_display(Path(exc.path)), exc.field, exc.message)]
    try:
        weather_from_file(site_from_location(loc), measured, 1)
    except ValueError as exc:
        return [Problem(file, "location.weather_file", str(exc))]
    return []


def load(path: str | Path, overrides: list[str] | list[Override] | tuple = ()) -> Loaded:
    """Load a scenario (with its park), apply overrides, validate everything at once."""
    path = Path(path)
    doc, park_owner = _resolve_extends(path)
    park_ref = doc.get("park")
    if not isinstance(park_ref, str):
        raise InputError([Problem(str(path), "park", "expected the path of a park file (models/*.yaml)")])
    park_path = (park_owner.parent / park_ref).resolve()
    park_file = _display(park_path)
    scen_file = _display(path)
    doc["park"] = read_yaml(park_path)
    _resolve_weather_file(doc["park"], park_path)
    resolve_series_files(doc["park"], park_path)
    sidecar_problems = merge_sidecar(doc["park"], park_path, _display)

    pairs = [parse_override(o) if isinstance(o, str) else tuple(o) for o in overrides]
    for key, value in pairs:
        apply_override(doc, key, value)

    try:
        scenario = validate_document(doc, scen_file, park_file)
    except InputError as exc:
        raise InputError(sidecar_problems + list(exc.problems)) from None
    _raise_if(sidecar_problems)
    return Loaded(scenario, scen_file, park_file, tuple(pairs), doc)


def validate_document(doc: dict, scenario_file: str, park_file: str | None = None, check_files: bool = True) -> Scenario:
    """Validate a resolved scenario document (park inline, overrides applied) as ``load`` does:
    schema, cross-field checks and, with ``check_files``, the park's weather file; every problem
    in one InputError naming the file and field."""
    park_file = park_file or scenario_file

    def file_for(loc: list[str]) -> tuple[str, list[str]]:
        if len(loc) > 1 and loc[0] == "park":
            return park_file, loc[1:]
        return scenario_file, loc  # ``park`` itself (replaced by an override) is the scenario's key

    problems, failed = guarded(park_cross_problems, doc.get("park"), park_file)
    more, failed_too = guarded(scenario_cross_problems, doc, scenario_file)
    problems, failed = problems + more, failed or failed_too
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as exc:
        raise InputError(problems_from(exc, file_for) + problems) from None
    if failed:
        raise InputError([Problem(scenario_file, "", f"the checks across fields stopped on malformed input ({failed}); "
                                  "please report this file")])
    files = _weather_file_problems(scenario.park, park_file) + series_problems(scenario.park, park_file, _display) if check_files else []
    _raise_if(problems + files)
    return scenario


MEASURED_SUFFIX = ".measured.yaml"


def load_any(path: str | Path) -> Park | Loaded | MeasuredFile:
    """A park file (has ``enterprises``), a measured-totals file (``<park>.measured.yaml``, checked
    with the park beside it when there is one) or a scenario file, for ``parktwin check``."""
    path = Path(path)
    if path.name.endswith(MEASURED_SUFFIX):
        from parktwin.spec.calibration import load_measured

        measured = load_measured(path)
        park = path.with_name(path.name[: -len(MEASURED_SUFFIX)] + ".yaml")
        if park.is_file():
            load_park(park)  # merges the totals: their enterprise ids must be the park's
        return MeasuredFile(measured, _display(path), _display(park) if park.is_file() else None)
    doc = read_yaml(path)
    return load_park(path) if "enterprises" in doc else load(path)


@dataclass(frozen=True)
class MeasuredFile:
    """A checked measured-totals file and the park file it belongs to (None if there is none beside it)."""

    measured: Any
    path: str
    park_path: str | None


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


# -- checks across fields, on the raw documents so they run even where the schema fails ----------
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


def scenario_cross_problems(doc: dict, file: str) -> list[Problem]:
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
                for j, ref in enumerate(refs):
                    if not isinstance(ref, str) or ref not in ids:
                        problems.append(Problem(file, f"roadmap.{i}.{key}", f"item {j}: no {key[:-1]} with id {ref!r} in the park"))
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
    known = {"constants": set(table("constants")["name"]), "prices_cny": set(table("prices")["carrier"])}
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

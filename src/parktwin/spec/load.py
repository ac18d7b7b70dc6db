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

from parktwin.spec.errors import InputError, Problem
from parktwin.spec.park import Park
from parktwin.spec.scenario import Scenario

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
        text = json.dumps(self.document, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def read_yaml(path: Path) -> dict:
    """Parse one YAML mapping, turning every failure into an InputError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), "", f"cannot read: {exc.strerror}")]) from None
    try:
        doc = yaml.safe_load(text)
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
    base, park_owner = _resolve_extends(path.parent / parent, (*seen, path))
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
    """Year-keyed paths are written ``carbon_price_cny_per_tco2.2030``; match int keys."""
    if part not in node and part.lstrip("-").isdigit() and int(part) in node:
        return int(part)
    return part


def _problems_from(exc: ValidationError, file_for: Any) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        file, loc = file_for(loc)
        got = err.get("input")
        msg = err["msg"]
        if err["type"] not in ("missing",) and not isinstance(got, (dict, list)):
            msg = f"{msg} (got {got!r})"
        problems.append(Problem(file, ".".join(loc), msg))
    return problems


def load_park(path: str | Path) -> Park:
    """Validate a park file on its own."""
    path = Path(path)
    doc = read_yaml(path)
    try:
        park = Park.model_validate(doc)
    except ValidationError as exc:
        raise InputError(_problems_from(exc, lambda loc: (str(path), loc))) from None
    _raise_if(_park_cross_problems(park, str(path)))
    return park


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

    pairs = [parse_override(o) if isinstance(o, str) else tuple(o) for o in overrides]
    for key, value in pairs:
        apply_override(doc, key, value)

    def file_for(loc: list[str]) -> tuple[str, list[str]]:
        if loc and loc[0] == "park":
            return park_file, loc[1:]
        return scen_file, loc

    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as exc:
        raise InputError(_problems_from(exc, file_for)) from None
    _raise_if(_park_cross_problems(scenario.park, park_file) + _scenario_cross_problems(scenario, scen_file))
    return Loaded(scenario, scen_file, park_file, tuple(pairs), doc)


def load_any(path: str | Path) -> Park | Loaded:
    """A park file (has ``enterprises``) or a scenario file, for ``parktwin check``."""
    doc = read_yaml(Path(path))
    return load_park(path) if "enterprises" in doc else load(path)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


def _park_cross_problems(park: Park, file: str) -> list[Problem]:
    from parktwin.data import grid_series_ids, sector_ids

    problems = []
    sectors = sector_ids()
    for i, ent in enumerate(park.enterprises):
        if ent.sector not in sectors:
            problems.append(Problem(file, f"enterprises.{i}.sector", f"unknown sector {ent.sector!r}; expected one of {sorted(sectors)}"))
    if park.location.grid_region not in grid_series_ids():
        problems.append(
            Problem(file, "location.grid_region", f"unknown grid-factor series {park.location.grid_region!r}; expected one of {sorted(grid_series_ids())}")
        )
    return problems


def _scenario_cross_problems(sc: Scenario, file: str) -> list[Problem]:
    from parktwin.data import grid_series_ids, sector_ids

    problems = []
    first, last = sc.base_year + 1, sc.base_year + sc.horizon_years
    names = {
        "enterprises": {e.id for e in sc.park.enterprises},
        "fleets": {f.id for f in sc.park.fleets},
    }
    ids = [item.id for item in sc.roadmap if item.id]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(file, "roadmap", f"intervention id {dup!r} is used twice"))
    for i, item in enumerate(sc.roadmap):
        if not first <= item.year <= last:
            problems.append(Problem(file, f"roadmap.{i}.year", f"expected a year from {first} to {last} (got {item.year})"))
        for attr, known in names.items():
            refs = getattr(item, attr, "all")
            if refs != "all":
                for unknown in sorted(set(refs) - known):
                    problems.append(Problem(file, f"roadmap.{i}.{attr}", f"no {attr[:-1]} with id {unknown!r} in the park"))
    for sector in sorted(set(sc.growth.by_sector_share_per_yr) - sector_ids()):
        problems.append(Problem(file, f"growth.by_sector_share_per_yr.{sector}", "unknown sector"))
    if sc.grid_factor.series is not None and sc.grid_factor.series not in grid_series_ids():
        problems.append(Problem(file, "grid_factor.series", f"unknown series; expected one of {sorted(grid_series_ids())}"))
    for y in sc.outputs.hourly_years:
        if not sc.base_year <= y <= last:
            problems.append(Problem(file, "outputs.hourly_years", f"year {y} is outside {sc.base_year}..{last}"))
    for y in sc.review_targets:
        if not first <= y <= last:
            problems.append(Problem(file, f"review_targets.{y}", f"expected a year from {first} to {last}"))
    return problems

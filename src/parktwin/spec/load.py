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

from parktwin.spec.base import FIELD_ERROR, RANGE_ERROR
from parktwin.spec.calibration import load_measured, merge_sidecar
from parktwin.spec.cross_checks import (
    guarded,
    park_cross_problems,
    scenario_cross_problems,
)
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
        """sha256 of the resolved document (park included, overrides applied); computed once (every
        run's manifest names it; the document is not changed after loading)."""
        return self._once("_digest", lambda: _sha256(self.document))

    def park_digest(self) -> str:
        """sha256 of the park document alone (overrides of ``park.`` applied); computed once."""
        return self._once("_park_digest", lambda: _sha256(self.document.get("park", {})))

    def _once(self, name: str, compute) -> str:
        value = self.__dict__.get(name)
        if value is None:
            value = compute()
            object.__setattr__(self, name, value)  # a memo, not a field (frozen dataclass)
        return value


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
    from parktwin.energy.weather_files import (
        WeatherFileError,
        read_weather_file,
        site_from_location,
        weather_from_file,
    )

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


def load(path: str | Path, overrides: list[str] | list[Override] | tuple = (), park: str | Path | None = None) -> Loaded:
    """Load a scenario (with its park), apply overrides, validate everything at once.

    ``park``: a park file (relative to the current folder) that replaces the one the scenario
    names, before anything is validated; the digest and the run manifest then record it, and a
    roadmap item naming a firm, building or fleet the park lacks is an error naming the item.
    """
    path = Path(path)
    doc, park_owner = _resolve_extends(path)
    pairs = [parse_override(o) if isinstance(o, str) else tuple(o) for o in overrides]
    _refuse_park_path_override(pairs)
    park_ref = doc.get("park")
    if park is not None:
        park_path = Path(park).resolve()
    elif isinstance(park_ref, str):
        park_path = (park_owner.parent / park_ref).resolve()
    else:
        raise InputError([Problem(str(path), "park", "expected the path of a park file (models/*.yaml)")])
    park_file = _display(park_path)
    scen_file = _display(path)
    where = "--park" if park is not None else "park"
    if park_path.is_dir():
        raise InputError([Problem(park_file, "", f"is a folder; {where} expects a park file (models/*.yaml)")])
    doc["park"] = read_yaml(Path(park_file))  # the name as the user reads it in a message
    if park is not None and "enterprises" not in doc["park"]:
        raise InputError([Problem(park_file, "enterprises", f"missing: {where} expects a park file (with enterprises), "
                                                            "not a scenario or measured-totals file")])
    _resolve_weather_file(doc["park"], park_path)
    resolve_series_files(doc["park"], park_path)
    sidecar_problems = merge_sidecar(doc["park"], park_path, _display)

    for key, value in pairs:
        apply_override(doc, key, value)

    try:
        scenario = validate_document(doc, scen_file, park_file)
    except InputError as exc:
        raise InputError(sidecar_problems + list(exc.problems)) from None
    _raise_if(sidecar_problems)
    return Loaded(scenario, scen_file, park_file, tuple(pairs), doc)


def _refuse_park_path_override(pairs: list) -> None:
    """``--set park=<file>`` cannot swap the park (the value would be validated as the park
    itself): say so, and name the option that does."""
    for key, value in pairs:
        if key == "park" and not isinstance(value, dict):
            raise InputError([Problem("--set", "park", f"another park file is chosen with --park FILE (relative to the current "
                                                       f"folder), e.g. --park models/my_park.yaml, or park= in the scenario "
                                                       f"file (got {value!r}); --set park.<field>=VALUE changes one field")])


def validate_document(doc: dict, scenario_file: str, park_file: str | None = None, check_files: bool = True,
                      park: Park | None = None) -> Scenario:
    """Validate a resolved scenario document (park inline, overrides applied) as ``load`` does:
    schema, cross-field checks and, with ``check_files``, the park's weather file; every problem
    in one InputError naming the file and field. ``park``: the document's park already validated
    (its ``park`` unchanged since), taken as it is instead of validated again."""
    park_file = park_file or scenario_file

    def file_for(loc: list[str]) -> tuple[str, list[str]]:
        if len(loc) > 1 and loc[0] == "park":
            return park_file, loc[1:]
        return scenario_file, loc  # ``park`` itself (replaced by an override) is the scenario's key

    problems, failed = guarded(park_cross_problems, doc.get("park"), park_file)
    more, failed_too = guarded(scenario_cross_problems, doc, scenario_file, park_file)
    problems, failed = problems + more, failed or failed_too
    try:
        scenario = Scenario.model_validate(doc if park is None else {**doc, "park": park})
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

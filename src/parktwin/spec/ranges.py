"""Numeric input ranges as data (``data/input_ranges.csv``): applied to every input model by class
and field name, written into the JSON Schema and into ``docs/schema/input-ranges.md``.

A row's ``model`` is a model class name (``TouTariff``) or ``*`` (any model); its ``field`` a field
name or ``*`` (every numeric field of the model). The most specific row wins:
(model, field), then (model, ``*``), then (``*``, field). A range applies to a number, to each
number of a list and to each value of a mapping. Bounds are inclusive. Where the model's own
``Field(ge=..., le=...)`` is narrower, that holds too (``effective_range``).
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types as at

from parktwin.data import table


@dataclass(frozen=True)
class InputRange:
    low: float
    high: float
    unit: str
    justification: str
    source: str
    confidence: str


@lru_cache(maxsize=1)
def _rows() -> dict[tuple[str, str], InputRange]:
    df = table("input_ranges")
    return {
        (str(r.model), str(r.field)): InputRange(float(r.min), float(r.max), str(r.unit), str(r.justification), str(r.source),
                                                 str(r.confidence))
        for r in df.itertuples(index=False)
    }


@lru_cache(maxsize=None)
def range_of(model: str, field: str) -> InputRange | None:
    """The table's range of ``model.field`` (most specific row), or None."""
    rows = _rows()
    return rows.get((model, field)) or rows.get((model, "*")) or rows.get(("*", field))


@lru_cache(maxsize=None)
def is_numeric(annotation: Any) -> bool:
    """Whether a field's annotation holds numbers (int or float, bool excluded), directly or in a
    list or mapping (read once per annotation: every field of every validated document asks)."""
    if annotation in (int, float):
        return True
    origin = get_origin(annotation)
    if origin is Annotated or origin is Union or origin is types.UnionType:
        return any(is_numeric(a) for a in get_args(annotation))
    if origin in (list, tuple, set, frozenset, dict):
        args = get_args(annotation)
        return bool(args) and is_numeric(args[-1])
    return False


def _numbers(value: Any) -> list[tuple[str, float]]:
    """(where, number) of a field's value: itself, its list items or its mapping's values."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [("", value)]
    if isinstance(value, (list, tuple)):
        return [(f"item {i}", v) for i, v in enumerate(value) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if isinstance(value, dict):
        return [(f"{k}", v) for k, v in value.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return []


def _text(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 or x == 0 else f"{x:.0e}".replace("e+0", "e").replace("e+", "e")


def field_range_problem(model: str, field: str, annotation: Any, value: Any) -> str | None:
    """Why ``value`` of ``model.field`` is outside the table's range, or None."""
    if value is None or not is_numeric(annotation):
        return None
    rng = range_of(model, field)
    if rng is None:
        return None
    for where, number in _numbers(value):
        if not (math.isfinite(number) and rng.low <= number <= rng.high):
            at_ = f"{where}: " if where else ""
            return (f"{at_}{number!r} is outside {_text(rng.low)}..{_text(rng.high)} {rng.unit} "
                    f"(docs/schema/input-ranges.md: {rng.justification})")
    return None


def code_bounds(field_info: Any) -> tuple[float, float]:
    """The model's own ``ge``/``gt``/``le``/``lt`` of a field (open bounds as they are)."""
    low, high = -math.inf, math.inf
    for c in field_info.metadata:
        if isinstance(c, at.Ge):
            low = max(low, float(c.ge))
        elif isinstance(c, at.Gt):
            low = max(low, float(c.gt))
        elif isinstance(c, at.Le):
            high = min(high, float(c.le))
        elif isinstance(c, at.Lt):
            high = min(high, float(c.lt))
    return low, high


def effective_range(model: type, field: str) -> tuple[float, float]:
    """The range a field's numbers must lie in: the table's and the model's bounds together."""
    info = model.model_fields[field]
    low, high = code_bounds(info)
    rng = range_of(model.__name__, field)
    if rng is not None:
        low, high = max(low, rng.low), min(high, rng.high)
    return low, high


def _bound_number_schemas(schema: dict, rng: InputRange) -> None:
    """Put the range onto the number schemas inside ``schema`` (anyOf members, items, values)."""
    kind = schema.get("type")
    if kind in ("number", "integer"):  # the narrower of the model's bound and the table's holds
        if rng.low > max(schema.get("minimum", -math.inf), schema.get("exclusiveMinimum", -math.inf)):
            schema["minimum"] = rng.low
        if rng.high < min(schema.get("maximum", math.inf), schema.get("exclusiveMaximum", math.inf)):
            schema["maximum"] = rng.high
    for key in ("anyOf", "oneOf"):
        for member in schema.get(key, []):
            _bound_number_schemas(member, rng)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _bound_number_schemas(schema[key], rng)


def json_schema_ranges(schema: dict, model: type) -> None:
    """``json_schema_extra`` of the input models: each numeric field's range into its schema."""
    for name, prop in schema.get("properties", {}).items():
        info = model.model_fields.get(name)
        if info is None or not is_numeric(info.annotation):
            continue
        rng = range_of(model.__name__, name)
        if rng is None:
            continue
        _bound_number_schemas(prop, rng)
        prop["x-range-justification"] = rng.justification


def _members(annotation: Any) -> list[Any]:
    """An annotation's alternatives (Optional, Union, Annotated unwrapped)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [m for a in get_args(annotation) for m in _members(a)]
    return [annotation]


def _model_member(annotation: Any, node: Any) -> type | None:
    """The model class among an annotation's alternatives that ``node`` (a mapping) is: the only
    one, or the one whose ``kind``/``action`` tag matches."""
    models = [m for m in _members(annotation) if isinstance(m, type) and hasattr(m, "model_fields")]
    if len(models) <= 1:
        return models[0] if models else None
    for m in models:
        for tag in ("kind", "action"):
            info = m.model_fields.get(tag)
            if info is not None and isinstance(node, dict) and node.get(tag) in get_args(info.annotation):
                return m
    return None


def field_at_path(root: type, document: Any, path: str) -> tuple[type, str] | None:
    """The model class and field an override path (``roadmap.pv1.capacity_kw``,
    ``carbon_price_cny_per_tco2.2050``) writes to, following ``document``; None if it leads nowhere."""
    model, node = root, document
    parts = path.split(".")
    i = 0
    while i < len(parts):
        part = parts[i]
        info = model.model_fields.get(part)
        if info is None:
            return None
        node = node.get(part) if isinstance(node, dict) else None
        annotation = info.annotation
        if i == len(parts) - 1:
            return model, part
        nxt = parts[i + 1]
        containers = [m for m in _members(annotation) if get_origin(m) in (list, dict)]
        sub = _model_member(annotation, node)
        if containers and not (sub is not None and isinstance(node, dict) and nxt in sub.model_fields):
            container = containers[0]
            item_type = get_args(container)[-1]
            if get_origin(container) is list and isinstance(node, list):
                index = next((k for k, it in enumerate(node) if isinstance(it, dict) and str(it.get("id")) == nxt), None)
                if index is None and nxt.lstrip("-").isdigit() and -len(node) <= int(nxt) < len(node):
                    index = int(nxt)
                node = node[index] if index is not None else None
            elif isinstance(node, dict):
                node = node.get(nxt, node.get(int(nxt)) if nxt.lstrip("-").isdigit() else None)
            else:
                node = None
            if i + 1 == len(parts) - 1:
                return model, part  # a list item or mapping value of this field
            sub = _model_member(item_type, node)
            i += 2
        else:
            i += 1
        if sub is None:
            return None
        model = sub
    return None


def range_at_path(root: type, document: Any, path: str) -> tuple[float, float] | None:
    """The effective range (table and model bounds) of the numbers an override path writes."""
    found = field_at_path(root, document, path)
    return effective_range(*found) if found else None


# -- the table in docs/ ------------------------------------------------------------------------------
def _models_in(annotation: Any) -> list[type]:
    out = []
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        out.append(annotation)
    for arg in get_args(annotation):
        if not isinstance(arg, (str, int, float, bool)):
            out += _models_in(arg)
    return out


def numeric_fields(*roots: type) -> list[tuple[type, str]]:
    """Every numeric field (model class, field name) reachable from the root models, in order."""
    seen: list[type] = []
    out: list[tuple[type, str]] = []

    def walk(model: type) -> None:
        if model in seen:
            return
        seen.append(model)
        for name, info in model.model_fields.items():
            if is_numeric(info.annotation):
                out.append((model, name))
            for sub in _models_in(info.annotation):
                walk(sub)
        root = getattr(model, "model_fields", {}).get("root")
        if root is not None:
            for sub in _models_in(root.annotation):
                walk(sub)

    for r in roots:
        walk(r)
    return out


def _bound(x: float) -> str:
    return "" if not math.isfinite(x) else _text(x)


def ranges_markdown(*models) -> str:
    """``docs/schema/input-ranges.md``: every numeric input of ``models`` (the park, the scenario, the
    measured totals), its range and why (from the table)."""
    lines = [
        "# Input ranges",
        "",
        "Generated by `parktwin schema` from `src/parktwin/data/input_ranges.csv` and the models' own bounds; do not edit by hand.",
        "",
        "Every numeric input must be a finite number inside its range: `.inf`, `nan` and strings that overflow",
        "(`\"1e999\"`) are refused, as are `true`/`false` where a number belongs and a fractional or float-typed",
        "value (`1990.0`) where a whole number (a year, a count) belongs. Numbers written as strings are read as",
        "numbers, full-width digits included (`\"１２\"` is 12, `\"０.５\"` is 0.5): Chinese input methods type them.",
        "A range applies to a number, to each number of a list and to each value of a mapping; bounds are",
        "inclusive unless the model's own bound is strict (`>`/`<` in the input reference). Most upper bounds keep",
        "a run from overflowing rather than judging realism; they are marked *assumption*. A Monte Carlo",
        "uncertainty block's normal and lognormal distributions are truncated to the range of the input they",
        "write; a uniform or triangular one must lie inside it.",
        "",
        "| model | field | min | max | unit | why | source | confidence |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for model, name in numeric_fields(*models):
        low, high = effective_range(model, name)
        rng = range_of(model.__name__, name)
        if rng is None:
            why, unit, source, confidence = "the model's own bounds (input reference)", "", "parktwin models", "derived"
        else:
            why, unit, source, confidence = rng.justification, rng.unit, rng.source, rng.confidence
        cells = [model.__name__, f"`{name}`", _bound(low), _bound(high), unit, why, source, confidence]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"

"""The base of every input model: unknown keys refused, numbers finite, whole numbers whole,
booleans not numbers, and each numeric field within the range ``data/input_ranges.csv`` states.

Defined once here, so a model gets these rules wherever its class lives:

- ``allow_inf_nan=False``: ``.inf``, ``nan`` and strings such as ``"1e999"`` (which overflow to
  infinity) are refused in every float field, nested ones (lists, mappings) included.
- a whole-number field (``int``) refuses ``true``/``false`` and floats, even ``1990.0``, instead
  of silently reading them as 1 or 1990; a number field (``float``) refuses ``true``/``false``.
- numeric strings are read as numbers, as pydantic reads them, full-width digits included
  (``"１２"`` is 12: editors with a Chinese input method type them).
- ranges: ``spec.ranges`` applies the table's bounds to every model by class and field name
  (a model moved to another module keeps its rows) and writes them into the JSON Schema.
"""

from __future__ import annotations

import types
import unicodedata
from functools import lru_cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from parktwin.spec.ranges import field_range_problem, json_schema_ranges

ID_PATTERN = r"^[A-Za-z0-9_\-]+$"  # ids of firms, buildings, fleets, items: letters, digits, _ and -

OK = "ok"
FIELD_ERROR = "field_coercion"
"""Error type of a refused coercion; its context names the field (``spec.load`` adds it to the path)."""
RANGE_ERROR = "input_range"
"""Error type of a number outside its stated range (``spec.ranges``)."""
NOT_MINE = "not-mine"  # this annotation does not take this kind of value; pydantic reports that itself


def number_problem(annotation: Any, value: Any) -> str:
    """``OK``, ``NOT_MINE`` or a message why ``value`` would be silently coerced by ``annotation``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return number_problem(get_args(annotation)[0], value)
    if origin is Union or origin is types.UnionType:
        results = [number_problem(arg, value) for arg in get_args(annotation)]
        if OK in results:
            return OK
        messages = [r for r in results if r != NOT_MINE]
        return messages[0] if messages else NOT_MINE
    if annotation is bool:
        return OK if isinstance(value, bool) else NOT_MINE
    if annotation is int:
        if isinstance(value, bool):
            return f"expected a whole number, got a boolean ({str(value).lower()})"
        if isinstance(value, float):
            return f"expected a whole number (e.g. 2030), got {value!r}"
        return OK if isinstance(value, (int, str)) else NOT_MINE
    if annotation is float:
        if isinstance(value, bool):
            return f"expected a number, got a boolean ({str(value).lower()})"
        return OK if isinstance(value, (int, float, str)) else NOT_MINE
    if origin is Literal:
        return OK if any(value == a and type(value) is type(a) for a in get_args(annotation)) else NOT_MINE
    if origin in (list, tuple, set, frozenset):
        if not isinstance(value, (list, tuple)):
            return NOT_MINE
        item = get_args(annotation)[0] if get_args(annotation) else Any
        for i, v in enumerate(value):
            found = number_problem(item, v)
            if found not in (OK, NOT_MINE):
                return f"item {i}: {found}"
        return OK
    if origin is dict:
        if not isinstance(value, dict):
            return NOT_MINE
        key_type, value_type = get_args(annotation) or (Any, Any)
        for k, v in value.items():
            found = number_problem(key_type, k)
            if found not in (OK, NOT_MINE):
                return f"key {k!r}: {found}"
            found = number_problem(value_type, v)
            if found not in (OK, NOT_MINE):
                return f"{k}: {found}"
        return OK
    return NOT_MINE


def half_width(value: Any) -> Any:
    """A string's full-width digits, signs and points as ASCII (NFKC: ``"１２"`` → ``"12"``), in a
    list's items and a mapping's values too; anything else unchanged (the same object)."""
    if isinstance(value, str):
        plain = unicodedata.normalize("NFKC", value).strip()
        return plain if plain != value else value
    if isinstance(value, list) and any(isinstance(v, str) for v in value):
        return [half_width(v) for v in value]
    if isinstance(value, dict) and any(isinstance(v, str) for v in value.values()):
        return {k: half_width(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=None)
def _has_numbers(annotation: Any) -> bool:
    """Whether an annotation can hold an int or float anywhere (skip the walk otherwise)."""
    if annotation in (int, float):
        return True
    return any(_has_numbers(arg) for arg in get_args(annotation) if not isinstance(arg, (str, int, float, bool)))


class Strict(BaseModel):
    """Base of every input model: unknown keys are errors, instances are frozen, numbers are
    finite, whole and within their stated range (module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, json_schema_extra=json_schema_ranges)

    @model_validator(mode="before")
    @classmethod
    def _no_silent_coercion(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = data
        for name, annotation in _number_fields(cls):
            value = data.get(name)
            if value is None:
                continue
            found = number_problem(annotation, value)
            if found not in (OK, NOT_MINE):
                raise PydanticCustomError(FIELD_ERROR, "{field}: {why}", {"field": name, "why": found})
            if (plain := half_width(value)) is not value:
                out = dict(out) if out is data else out
                out[name] = plain
        return out

    @field_validator("*", mode="after")
    @classmethod
    def _within_range(cls, value: Any, info: ValidationInfo) -> Any:
        field = _fields(cls).get(info.field_name) if info.field_name else None
        if field is not None and (found := field_range_problem(cls.__name__, info.field_name, field.annotation, value)):
            raise PydanticCustomError(RANGE_ERROR, "{why}", {"why": found})
        return value


@lru_cache(maxsize=None)
def _fields(model: type[BaseModel]) -> dict:
    """A model class's fields, read once per class (every validation of every document asks)."""
    return dict(model.model_fields)


@lru_cache(maxsize=None)
def _number_fields(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """(name, annotation) of a model class's fields that can hold numbers, read once per class."""
    return tuple((name, field.annotation) for name, field in model.model_fields.items() if _has_numbers(field.annotation))

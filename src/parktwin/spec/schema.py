"""JSON Schemas of the input files, exported from the pydantic models (for editors' completion)."""

from __future__ import annotations

import json
from pathlib import Path

from parktwin.spec.park import Park
from parktwin.spec.scenario import Scenario


def park_schema() -> dict:
    schema = Park.model_json_schema()
    schema["title"] = "parktwin park file"
    return schema


def scenario_schema() -> dict:
    """The scenario file: ``park`` is a path to a park file; ``extends`` names a parent scenario."""
    schema = Scenario.model_json_schema()
    schema["title"] = "parktwin scenario file"
    schema["properties"]["park"] = {"type": "string", "description": "path of the park file, relative to this file"}
    schema["properties"]["extends"] = {"type": "string", "description": "parent scenario, relative to this file"}
    schema["required"] = [r for r in schema.get("required", []) if r != "park"]
    schema.get("$defs", {}).pop("Park", None)
    return schema


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, schema in (("park", park_schema()), ("scenario", scenario_schema())):
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        out.append(path)
    return out

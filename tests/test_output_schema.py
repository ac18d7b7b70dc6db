"""The output schema (data/output_schema.csv) lists every column of every result table, and
docs/outputs.md is generated from it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from shipped_runs import shipped_run

from parktwin.results.schema import DTYPES, STAGES, TABLE_DESCRIPTIONS, output_schema, outputs_markdown, schema_problems
from parktwin.results.tables import TABLES

ROOT = Path(__file__).resolve().parents[1]


def test_schema_rows_are_complete():
    schema = output_schema()
    assert not schema.duplicated(["table", "column"]).any()
    assert set(schema["table"]) == set(TABLES) == set(TABLE_DESCRIPTIONS)
    assert set(schema["dtype"]) <= set(DTYPES)
    assert set(schema["not_assessed"]) <= {"yes", "no"}
    assert set(schema["stage"]) <= set(STAGES)
    for column in ("unit", "written_by", "description"):
        assert schema[column].notna().all() and (schema[column].str.strip() != "").all(), column
    assert (schema["description"].str.len() >= 10).all()


@pytest.mark.parametrize("scenario", ["net_zero_2050", "metered_example"])
def test_every_table_matches_the_schema(scenario):
    """net_zero_2050 has every fixed column; metered_example a measured series (data_quality rows
    and the hourly ``measured_{entity}_kw`` column)."""
    tables = shipped_run(scenario).tables()
    assert set(tables) == set(TABLES)
    assert schema_problems(tables) == []


def test_a_column_gained_or_lost_is_found():
    tables = {name: frame.copy() for name, frame in shipped_run("net_zero_2050").tables().items()}
    tables["annual"]["new_thing_mwh"] = 1.0
    tables["carbon"] = tables["carbon"].drop(columns="bank_tco2")
    tables["resources"].loc[0, "fresh_water_m3"] = float("nan")
    assert schema_problems(tables) == [
        "annual.new_thing_mwh: not in the output schema (data/output_schema.csv)",
        "resources.fresh_water_m3: NaN, which the schema does not allow (not_assessed = no)",
        "carbon.bank_tco2: in the output schema but not in the table",
    ]


def test_a_pattern_column_matches_only_its_pattern():
    schema = pd.DataFrame([("hourly", "measured_{entity}_kw", "float", "kW", "no", "loads", "kernel.model", "metered demand")],
                          columns=["table", "column", "dtype", "unit", "not_assessed", "stage", "written_by", "description"])
    frame = pd.DataFrame({"measured_press_1_kw": [1.0], "measured_kwh": [1.0]})
    assert schema_problems({"hourly": frame}, schema) == ["hourly.measured_kwh: not in the output schema (data/output_schema.csv)"]


def test_the_outputs_page_is_generated_from_the_schema():
    """Regenerate with: python -m parktwin.results.schema docs/outputs.md"""
    assert (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8") == outputs_markdown()

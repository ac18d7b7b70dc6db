"""The output schema: every column of every result table with its unit, type, whether it may be
*not assessed* (NaN), the step of the run and the module that write it (``data/output_schema.csv``,
as PyPSA's component attribute tables describe its outputs).

``schema_problems`` checks a run's tables against it (a column the schema lacks, a column the
schema has that the table lost, a type or a NaN the schema does not allow); ``outputs_markdown``
writes docs/outputs.md from it:

    python -m parktwin.results.schema docs/outputs.md
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

from parktwin.data import table

SCHEMA_FILE = "output_schema"  # data/output_schema.csv
DTYPES = ("int", "float", "bool", "str")
STAGES = {  # the step of a run that writes a column, in the order a run takes them
    "setup": "when the model is built (measured series read)",
    "clock": "at an hour of the SimPy clock (commissioning, entry and exit, outages)",
    "decisions": "the agents' yearly step (firms' own measures)",
    "loads": "the agents' year energy and hourly loads",
    "resource measures": "the firms' resource measures on their water, waste and heat accounts",
    "exchanges": "the running symbiosis exchanges",
    "heat": "the heat plan and the hourly heat dispatch (stores, CHP)",
    "cooling": "the cold store's shift of the chillers' electricity",
    "hydrogen": "the electrolysers, tank, burners and fuel cell",
    "electricity": "the hourly electricity dispatch (EMS)",
    "accounting": "the inventory, energy in tce, the core indicator, resources",
    "products": "the firms' product lines: unit energy against the limit grades, the grade-2 indicator, CBAM",
    "money": "the year's costs (electricity bill, capex, O&M, fuel, certificates, offsets) and carbon positions",
    "review": "the operator's checks and PDCA actions",
    "run end": "after the last year: financing, the private view, levelised costs",
    "derived": "from the tables on first use (stage assessment, reconciliation)",
}
TABLE_DESCRIPTIONS = {  # one line per table of results.tables.TABLES, for docs/outputs.md
    "annual": "One row per year: emissions, energy, indicators, the dispatch's totals, assets, money.",
    "emissions": "The GHG inventory: one row per year × entity × scope × method × source, with activity, factor and the factor's reference.",
    "energy": "Energy use per year × entity × carrier, with tce.",
    "events": "Commissioning and other timed events.",
    "reviews": "The operator's checks against the scenario's targets and, with escalation rules, the PDCA actions taken.",
    "hourly": "The hourly dispatch of the years listed in outputs.hourly_years.",
    "investments": "Every capacity bought (and renewed), with capex, fixed O&M, its roadmap kind and how it was financed.",
    "indicators": "Every stage indicator each year against its threshold (derived from annual on first use).",
    "stages": "The stage reached each year and what blocks the next (derived from indicators).",
    "resources": "Water, industrial solid waste and waste heat each year, with what the exchanges moved and the indicators.",
    "exchanges": "Every candidate symbiosis exchange each year: status, what it delivered, its effects, both sides' NPV.",
    "data_quality": "One row per measured series the park names: file, interval, rows, fills, its sum against the park file.",
    "reconciliation": "The bottom-up base year against the park's measured totals (empty without measured totals).",
    "financing": "Per year and instrument: capex, new debt, equity, debt service, interest, debt outstanding.",
    "cashflows": "The private view per year and party, discounted at the party's own rate.",
    "carbon": "Each firm's carbon position per year under the scenario's policy.",
    "cost_of_capital": "Each party's cost of equity, debt share and rate, and WACC.",
    "measures": "Measures firms chose, the roadmap's measures on firms and the operator's projects, as each party saw them when deciding.",
    "levelised_costs": "Levelised cost of on-site electricity, heat and storage [CNY/kWh].",
    "products": "Each firm's product lines per year: output, unit energy against the national limit grades, embedded emissions and the CBAM position of exports to the EU.",
}


def output_schema() -> pd.DataFrame:
    """The schema rows: table, column, dtype, unit, not_assessed ("yes": NaN allowed), stage, written_by, description."""
    return table(SCHEMA_FILE)


def _pattern(column: str) -> re.Pattern:
    """A schema column, ``{placeholder}`` matching any name part (e.g. ``measured_{entity}_kw``)."""
    parts = re.split(r"\{[a-z_]+\}", column)
    return re.compile(".+".join(re.escape(p) for p in parts) + r"\Z")


def _dtype_ok(series: pd.Series, dtype: str) -> bool:
    if dtype == "int":
        return pd.api.types.is_integer_dtype(series)
    if dtype == "float":
        if series.dtype == object:  # None where nothing is known (investments.retired when no firm left)
            return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in series.dropna())
        return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if dtype == "bool":
        if pd.api.types.is_bool_dtype(series):
            return True
        return series.dtype == object and all(isinstance(v, (bool, type(None))) for v in series.dropna())
    return pd.api.types.is_string_dtype(series) or series.dtype == object


def schema_problems(tables: dict[str, pd.DataFrame], schema: pd.DataFrame | None = None, *,
                    require_all: bool = True) -> list[str]:
    """What disagrees between ``tables`` (name → frame, as ``Results.tables()``) and the schema.

    A column missing from the schema, a type other than the schema's, NaN where the schema does
    not allow it (rows with data only), and, with ``require_all``, a schema column (other than a
    pattern such as ``measured_{entity}_kw``) that the table does not have."""
    schema = output_schema() if schema is None else schema
    out = []
    for name, frame in tables.items():
        rows = schema[schema["table"] == name]
        if rows.empty:
            out.append(f"table {name!r} is not in the output schema")
            continue
        fixed = {r.column: r for r in rows.itertuples() if "{" not in r.column}
        patterns = [(_pattern(r.column), r) for r in rows.itertuples() if "{" in r.column]
        for column in frame.columns:
            row = fixed.get(column) or next((r for p, r in patterns if p.match(column)), None)
            if row is None:
                out.append(f"{name}.{column}: not in the output schema (data/output_schema.csv)")
                continue
            if frame.empty:
                continue
            if not _dtype_ok(frame[column], row.dtype):
                out.append(f"{name}.{column}: dtype {frame[column].dtype}, the schema says {row.dtype}")
            if row.not_assessed != "yes" and frame[column].isna().any():
                out.append(f"{name}.{column}: NaN, which the schema does not allow (not_assessed = no)")
        if require_all:
            out += [f"{name}.{column}: in the output schema but not in the table" for column in fixed if column not in frame.columns]
    return out


def outputs_markdown(schema: pd.DataFrame | None = None) -> str:
    """docs/outputs.md: one section per table, one row per column."""
    schema = output_schema() if schema is None else schema
    lines = [
        "# Outputs",
        "",
        "<!-- generated from src/parktwin/data/output_schema.csv by `python -m parktwin.results.schema docs/outputs.md`;",
        "     edit the CSV, not this page (tests/test_output_schema.py checks they agree) -->",
        "",
        "Every column of every table a run returns (`parktwin.Results`, the Parquet files of a run folder).",
        "*n/a* = the column may be NaN, meaning *not assessed* or *none* (the description says which);",
        "*stage* = the step of the run that writes it (below); *written by* = the module whose code computes it.",
        "Units follow docs/glossary.md; `-` = a label.",
        f"{len(schema)} columns in {schema['table'].nunique()} tables.",
        "",
        "| stage | when |",
        "|---|---|",
        *(f"| {stage} | {when} |" for stage, when in STAGES.items()),
        "",
    ]
    for name in TABLE_DESCRIPTIONS:
        rows = schema[schema["table"] == name]
        lines += [f"## {name}", "", TABLE_DESCRIPTIONS[name], "",
                  "| column | unit | type | n/a | stage | written by | description |", "|---|---|---|---|---|---|---|"]
        for r in rows.itertuples():
            na = "n/a" if r.not_assessed == "yes" else ""
            description = str(r.description).replace("|", "\\|")
            lines.append(f"| `{r.column}` | {r.unit} | {r.dtype} | {na} | {r.stage} | {r.written_by} | {description} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write docs/outputs.md (or the path given)."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0] if argv else "docs/outputs.md")
    path.write_text(outputs_markdown(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

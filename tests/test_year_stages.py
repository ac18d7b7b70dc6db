"""A year is a pipeline of named stages (kernel/year.py): the documented order, and a stage a
modeller inserts (docs/extending.md's roof-use example) adds its columns to the annual table."""

from __future__ import annotations

import pytest
from builders import scenario

from parktwin.kernel.model import ParkModel
from parktwin.kernel.year import YEAR_STAGES, Stage


def test_the_stages_run_in_the_documented_order():
    assert [s.name for s in YEAR_STAGES] == [
        "loads", "resource_measures", "exchanges", "site", "heat_plan", "heat", "cold", "hydrogen", "carriers",
        "electricity", "accounting", "money", "resources", "products", "annual", "review"]


def test_an_inserted_stage_adds_its_columns_to_the_annual_rows():
    def roof_use(model, y):
        """Share of the park's roof area under PV at the year's end [-]."""
        op = model.operator
        used = sum(op.roof_used_share[n] * a for n, a in op.roof_area_m2.items())
        return {"roof_pv_share": used / sum(op.roof_area_m2.values())}

    item = {"id": "pv", "kind": "rooftop_pv", "year": 2026, "roof_share": 0.5, "include_buildings": False}
    model = ParkModel(scenario(park={"fleets": []}, horizon_years=2, roadmap=[item]), seed=0)
    at = [s.name for s in model.stages].index("annual")
    model.stages.insert(at, Stage("roof_use", roof_use))
    record = model.run()
    # hand park: one roof of 10,000 m² (tests/builders.py), half of it under PV from 1 January 2026 (2025–2027)
    assert [row["roof_pv_share"] for row in record.annual] == pytest.approx([0.0, 0.5, 0.5])

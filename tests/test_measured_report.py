"""The report's own-data section (viz/measured.py): the measured series read and filled, and the
reconciliation table with its tolerance marks; its numbers are the run's tables, in en and zh."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from builders import PARK, scenario

import parktwin
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.viz.measured import data_quality_figure, reconciliation_table_figure
from parktwin.viz.report import render_report

# Works: 10,000 MWh, 100 km3 gas, no water figure (tests/builders.py). Measured: electricity 10,000
# (0 %), gas 98 km3 (+2.04 %, beyond the 1 % of reconciliation_tolerance_share), water 5,000 m³
# (no bottom-up value: the park file states none)
MEASURED = {"park": {"electricity_mwh": 10000.0, "water_m3": 5000.0}, "enterprises": {"works": {"natural_gas_km3": 98.0}}}


@pytest.fixture(scope="module")
def metered(tmp_path_factory):
    # an hourly meter of 10,000 MWh with hours 100–103 of the year missing, filled linearly
    folder = tmp_path_factory.mktemp("meter")
    h = np.arange(HOURS_PER_YEAR)
    kw = 1.0 + 0.5 * np.sin(2 * np.pi * h / 24)
    kw = kw * 10_000_000.0 / kw.sum()
    stamps = pd.date_range("2025-01-01", "2026-01-01", freq="h", inclusive="left").strftime("%Y-%m-%d %H:%M")
    keep = (h < 100) | (h >= 104)
    path = folder / "works.csv"
    pd.DataFrame({"time": stamps[keep], "value": kw[keep]}).to_csv(path, index=False)
    works = {**copy.deepcopy(PARK["enterprises"][0]),
             "measured_series": {"file": str(path), "fill": "linear", "max_gap_h": 6}}
    return parktwin.run(scenario({"enterprises": [works], "fleets": [], "measured": MEASURED}, horizon_years=1))


def test_series_table_shows_the_data_quality_rows(metered):
    dq = metered.data_quality
    assert len(dq) == 1 and dq.iloc[0]["filled_hours"] == 4.0  # hours 100–103 by hand
    for lang, header in (("en", "Hours filled"), ("zh", "补缺小时数")):
        table = data_quality_figure(metered, lang).data[0]
        cols = dict(zip(table.header.values, table.cells.values))
        assert list(cols[header]) == [4.0]
        assert len(table.header.values) == 11
    table = data_quality_figure(metered, "en").data[0]
    cols = dict(zip(table.header.values, table.cells.values))
    row = dq.iloc[0]
    assert list(cols["Entity"]) == ["works"] and list(cols["File"]) == [row["file"]]
    assert list(cols["Interval [min]"]) == [60] and list(cols["Rows read"]) == [HOURS_PER_YEAR - 4]
    assert list(cols["Filled ranges"]) == ["2025-01-05 04:00 to 2025-01-05 08:00"] == [row["fill_ranges"]]
    assert list(cols["Series [MWh]"]) == [row["series_mwh"]] and list(cols["Park file [MWh]"]) == [10_000.0]
    assert list(cols["Series − park file [%]"]) == [row["difference_share"]]


def test_reconciliation_table_marks_each_row(metered):
    rec = metered.reconciliation_table()
    table = reconciliation_table_figure(metered, "en").data[0]
    cols = dict(zip(table.header.values, table.cells.values))
    assert list(cols["Scope"]) == ["park", "park", "works"]
    assert list(cols["Quantity"]) == ["electricity_mwh", "water_m3", "natural_gas_km3"]
    for name, column in (("Bottom-up", "bottom_up"), ("Measured", "measured"), ("Difference", "difference"),
                         ("Difference [%]", "difference_pct")):
        shown = [np.nan if v is None else v for v in cols[name]]
        np.testing.assert_array_equal(shown, rec[column].to_numpy(dtype=float))
    # gas +200/98 % is beyond 1 %, electricity 0 % within, water has nothing to compare with
    assert cols["Difference [%]"][2] == pytest.approx(200 / 98, rel=1e-12)
    assert list(cols["Within ±1 %"]) == ["✓ within", "– no bottom-up value", "✗ beyond"]
    assert list(table.cells.fill.color[0]) == ["#e8f6ef", "#ffffff", "#fbe3e1"]
    zh = reconciliation_table_figure(metered, "zh").data[0]
    assert list(zh.cells.values[-1]) == ["✓ 以内", "– 无自下而上值", "✗ 超出"] and zh.header.values[0] == "范围"


def test_the_section_is_shown_only_with_measured_data(metered):
    html = render_report(metered, "zh")
    assert all(f'id="sec-{key}"' in html for key in ("data_quality", "reconciliation", "reconciliation_table"))
    assert "实测曲线：读入与补缺情况" in html
    plain = parktwin.run(scenario(horizon_years=1))
    assert data_quality_figure(plain, "en") is None and reconciliation_table_figure(plain, "en") is None
    html = render_report(plain, "en")
    assert not any(f'id="sec-{key}"' in html for key in ("data_quality", "reconciliation", "reconciliation_table"))

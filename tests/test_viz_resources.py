"""Water and material Sankeys, the symbiosis network and the indicator grid (parktwin.viz.resources)
against the run's own tables: every flow is a number of the resources or exchanges table."""

from __future__ import annotations

import pytest
from builders import PARK, scenario

from parktwin import run
from parktwin.viz import flows, resources
from parktwin.viz.registry import registered

WATER = {"fresh_water_m3": 100_000, "reused_water_m3": 300_000, "reclaimed_water_m3": 10_000, "wastewater_m3": 80_000}
WORKS = {**PARK["enterprises"][0], "water": WATER, "solid_waste": {"generated_t": 1_000, "utilised_t": 500},
         "waste_heat": {"available_gj": 0.0}}
CHP = {"id": "chp", "name": "CHP", "sector": "chemicals", "value_added_mcny": 50.0, "energy": {"electricity_mwh": 1000.0},
       "shift_pattern": "continuous", "water": WATER, "solid_waste": {"generated_t": 20_000, "utilised_t": 5_000},
       "waste_heat": {"available_gj": 10_000.0}}
EXCHANGES = [
    {"id": "w", "supplier": "chp", "receiver": "works", "kind": "treated_water", "quantity": 40_000, "lead_time_days": 0},
    {"id": "g", "supplier": "chp", "receiver": "external:plasterboard", "kind": "gypsum", "quantity": 10_000, "lead_time_days": 0},
    {"id": "lose", "supplier": "chp", "receiver": "works", "kind": "steam", "quantity": 100.0, "capex_cny": 1e9},
]


@pytest.fixture(scope="module")
def res():
    return run(scenario({"enterprises": [WORKS, CHP], "exchanges": EXCHANGES}), seed=0)


def test_water_sankey_is_the_resources_table(res):
    f = resources.water_flows(res, 2026)
    r = res.resources.set_index("year").loc[2026]
    # fresh: 2 × 100,000 − 40,000 received; own reclaimed 2 × 10,000; own reuse 2 × 300,000
    assert f[("res_fresh", "res_water_use")] == pytest.approx(r["fresh_water_m3"]) == pytest.approx(160_000)
    assert f[("res_reclaimed", "res_water_use")] == pytest.approx(20_000)
    assert f[("res_reused", "res_water_use")] == pytest.approx(600_000)
    assert f[("from:chp", "enterprise:works")] == pytest.approx(40_000)
    assert f[("res_water_use", "res_wastewater")] == pytest.approx(160_000)
    # into the water use: 160,000 + 20,000 + 600,000 + 40,000 = 820,000, all of it out again
    out = sum(v for (s, _), v in f.items() if s == "res_water_use")
    assert out == pytest.approx(820_000)
    assert all(abs(v) < 1e-6 for v in flows.node_balance(resources.sankey_water_figure(res, "en").data[-1]).values())


def test_material_sankey_is_the_resources_table(res):
    f = resources.material_flows(res, 2026)
    # generated 21,000 t: own use 5,500, sent by exchange 10,000 (chp's gypsum), disposed 5,500
    assert f[("res_generated", "res_used_own")] == pytest.approx(5_500)
    assert f[("res_generated", "from:chp")] == pytest.approx(10_000)
    assert f[("from:chp", "outside:plasterboard")] == pytest.approx(10_000)
    assert f[("res_generated", "res_disposed")] == pytest.approx(5_500)
    assert sum(v for (s, _), v in f.items() if s == "res_generated") == pytest.approx(21_000)


def test_network_has_an_edge_per_exchange_dashed_while_candidate(res):
    fig = resources.symbiosis_network_figure(res, "zh")
    edges = [tr for tr in fig.data if tr.mode == "lines"]
    assert len(edges) == 3
    dash = {tr.text[0].split(":")[0]: tr.line.dash for tr in edges}
    assert dash == {"w": "solid", "g": "solid", "lose": "dash"}
    nodes = fig.data[-1]
    assert list(nodes.text) == ["chp", "works", "plasterboard"] and list(nodes.marker.symbol) == ["circle", "circle", "diamond"]


def test_indicator_grid_is_the_assessment(res):
    fig = resources.indicator_status_figure(res, "en")
    a = res.assessment()
    heat = fig.data[0]
    assert len(heat.y) == a["indicator"].nunique() and list(heat.x) == sorted(a["year"].unique())
    order = list(dict.fromkeys(a["indicator"]))
    i = order.index("zc_water_reuse")
    status = a[(a["indicator"] == "zc_water_reuse")].set_index("year")["status"]
    assert [resources.STATUS_CODE[status[y]] for y in heat.x] == list(heat.z[i])


def test_figures_with_nothing_to_show_return_none():
    bare = run(scenario(), seed=0)
    assert resources.water_flows(bare, 2026) == {} and resources.sankey_water_figure(bare, "en") is None
    assert resources.sankey_materials_figure(bare, "en") is None and resources.symbiosis_network_figure(bare, "en") is None
    assert {"indicator_status", "sankey_water", "sankey_materials", "symbiosis_network"} <= {s.key for s in registered()}

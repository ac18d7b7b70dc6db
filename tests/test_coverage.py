"""Indicators a park's data leave unassessable, listed with the firms and fields that would fix them
(accounting/coverage.py), by ``parktwin check`` and ``parktwin import``.

The park below gives waste heat for two firms of four: the coverage rule (data/resources.csv,
min_coverage_share = 1.0 of value added) voids the waste-heat use rate, which the zero-carbon park's
guiding indicator (≥ 50 %, 发改环资〔2025〕910号) and the green park's indicator read.
"""

from __future__ import annotations

import copy

import pytest

from builders import PARK
from conftest import write_yaml
from parktwin import run
from parktwin.accounting.coverage import CoverageGap, GAP_FUNCTIONS, coverage_gaps, register_gaps
from parktwin.cli import main
from parktwin.spec.park import Park


def _firm(i: int, waste_heat: bool) -> dict:
    firm = copy.deepcopy(PARK["enterprises"][0])
    firm.update(id=f"f{i}", name=f"Firm {i}", value_added_mcny=100.0 + i,
                water={"fresh_water_m3": 1000.0, "reused_water_m3": 9000.0},
                solid_waste={"generated_t": 10.0, "utilised_t": 9.0})
    if waste_heat:
        firm["waste_heat"] = {"available_gj": 100.0, "recovered_gj": 60.0}
    return firm


@pytest.fixture
def partial_park() -> dict:
    park = copy.deepcopy(PARK)
    park["enterprises"] = [_firm(i, waste_heat=i < 2) for i in range(4)]
    park["fleets"] = []
    park["exchanges"] = []
    return park


def test_gaps_name_the_indicators_and_the_firms(partial_park):
    rows = coverage_gaps(Park.model_validate(partial_park))
    heat = [r for r in rows if r[2] == "waste_heat.available_gj"]
    assert {r[0] for r in heat} == {"zc_waste_heat_use", "green_waste_heat_use"}
    assert sorted({r[1] for r in heat}) == ["f2", "f3"]
    # 2 of 4 firms report, (100 + 101) / (100 + 101 + 102 + 103) = 49.5 % of value added
    assert "2 of 4 firms" in heat[0][3] and "50%" in heat[0][3]
    # fresh water and solid waste are complete: no gap; no firm gives wastewater treated, so only the
    # reclaimed-water reuse rate (reclaimed ÷ wastewater treated) is void, for every firm
    assert not [r for r in rows if r[2] in ("water.fresh_water_m3", "solid_waste.generated_t")]
    reclaimed = [r for r in rows if r[2] == "water.wastewater_m3"]
    assert {r[0] for r in reclaimed} == {"green_reclaimed_water", "eco_reclaimed_water"} and len(reclaimed) == 8
    # no exchanges listed: the chain count is not known (and no product lines: accounting/products.py's gaps)
    assert [r[:3] for r in rows if r[1] == "park" and r[0] != "zc_product_energy_grade2"] == [("eco_new_symbiosis_chains", "park", "exchanges")]


def test_the_run_agrees_the_indicator_is_not_assessed(partial_park):
    from builders import scenario

    r = run(scenario(park=partial_park, horizon_years=1), seed=0)
    a = r.assessment()
    heat = a[(a["indicator"] == "zc_waste_heat_use")]
    assert (heat["status"] == "not_assessed").all()
    water = a[(a["indicator"] == "zc_water_reuse")]
    assert (water["status"] != "not_assessed").all()


def test_check_lists_them(partial_park, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_yaml(tmp_path / "park.yaml", partial_park)
    assert main(["check", "park.yaml"]) == 0
    out = capsys.readouterr().out
    assert "data gap(s) leave indicators unassessable" in out
    line = next(x for x in out.splitlines() if "waste_heat.available_gj" in x)
    assert "zc_waste_heat_use" in line and "green_waste_heat_use" in line and "firms f2, f3" in line


def test_another_indicator_can_register_its_gaps(partial_park):
    @register_gaps("test_products")
    def products(park):
        return [CoverageGap("products_at_grade2_share", f.id, "products", "no product output") for f in park.enterprises[:1]]

    try:
        rows = coverage_gaps(Park.model_validate(partial_park))
        assert ("zc_product_energy_grade2", "f0", "products", "no product output") in rows
    finally:
        GAP_FUNCTIONS.pop("test_products")

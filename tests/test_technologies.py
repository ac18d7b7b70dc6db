"""Every registered technology (data/technology_kinds.csv, technologies/) passes the same checks,
with no test code of its own: its typical item (the row's ``example``) in the hand park
(tests/builders.py, with a cooled office) commissions at its hour, every hour balances, every
purchase costs what data/technologies.csv says, a store delivers into its own band, and the
kind has an input model in the scenario schema and labels in English and Chinese. Also: no
kind's id is written as a string literal under kernel/, and no file under src/ is over 600
lines unless docs/architecture.md lists it with its reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from builders import PARK, scenario

from parktwin import run
from parktwin.economics.catalogue import capex_cny, fixed_om_cny_per_yr
from parktwin.kernel.year import YEAR_STAGES
from parktwin.energy.heat import BANDS, SUPPLIES
from parktwin.spec.scenario import INTERVENTION_KINDS
from parktwin.technologies.registry import kinds, technology
from parktwin.technologies.store import store_specs

SRC = Path(__file__).resolve().parents[1] / "src" / "parktwin"
DOCS = Path(__file__).resolve().parents[1] / "docs"
LEAD_DAYS = 100.0  # commissioning 100 days into the decision year: hour 2,400
OFFICE = {"id": "office", "kind": "office", "floor_area_m2": 20000, "electricity_kwh_per_m2": 80, "cooling_kwh_per_m2_yr": 60,
          "heating_kwh_per_m2_yr": 0, "roof_area_m2": 4000}
WORKS = {**PARK["enterprises"][0], "fuel_heat_share": 0.8}  # some fuel outside boilers, for process hydrogen
TEST_PARK = {"enterprises": [WORKS], "buildings": [OFFICE]}


def item_of(kind: str) -> dict:
    tech = technology(kind)
    year = max(2026, tech.available_from())
    item = {"id": f"t_{kind}", "kind": kind, "year": year, "lead_time_days": LEAD_DAYS, **tech.example}
    if "enterprises" in tech.input_model.model_fields and tech.input_model.model_fields["enterprises"].is_required():
        item["enterprises"] = [WORKS["id"]]
    return item


@pytest.fixture(scope="module", params=kinds())
def ran(request):
    item = item_of(request.param)
    years = item["year"] - 2025 + 1
    return request.param, item, run(scenario(park=TEST_PARK, horizon_years=years, roadmap=[item], outputs={"hourly_years": [item["year"]]}), seed=0)


def test_it_commissions_at_its_hour(ran):
    kind, item, res = ran
    ev = res.events[res.events["id"] == item["id"]]
    assert len(ev) == 1 and ev["kind"].iloc[0] == kind
    assert ev["year"].iloc[0] == item["year"] and ev["hour"].iloc[0] == pytest.approx(LEAD_DAYS * 24.0)


def test_every_hour_balances(ran):
    _, item, res = ran
    h = res.hourly[res.hourly.year == item["year"]]
    tol = 1e-6 * max(1.0, float(h["load_kw"].max()))
    np.testing.assert_allclose(h.renewable_to_load_kw + h.battery_to_load_kw + h.grid_to_load_kw + h.unserved_kw, h.load_kw, rtol=0, atol=tol)
    np.testing.assert_allclose(h.renewable_to_load_kw + h.renewable_to_battery_kw + h.export_kw + h.curtailed_kw, h.renewable_kw,
                               rtol=0, atol=tol)
    demand = sum(h[f"heat_{b}_demand_kw"] for b in BANDS)
    supplied = sum(h[f"heat_{s}_kw"] for s in SUPPLIES)
    np.testing.assert_allclose(supplied, demand, rtol=0, atol=1e-6 * max(1.0, float(demand.max())))
    a = res.year(item["year"])
    assert sum(a[f"heat_{b}_{s}_mwh"] for b in BANDS for s in SUPPLIES) == pytest.approx(a["heat_demand_mwh"], rel=1e-9)


def test_it_costs_what_its_catalogue_says(ran):
    kind, item, res = ran
    bought = res.investments[(res.investments.project == item["id"]) & ~res.investments.renewal]
    tech = technology(kind)
    if not tech.catalogue:  # contracts, not equipment
        assert bought.empty
    for row in bought.itertuples():
        assert row.technology in tech.catalogue
        assert row.year == item["year"] and row.hour == pytest.approx(LEAD_DAYS * 24.0)
        assert row.capex_cny == pytest.approx(row.capacity * capex_cny(row.technology, row.year), rel=1e-12)
        assert row.fixed_om_cny_per_yr == pytest.approx(row.capacity * fixed_om_cny_per_yr(row.technology, row.year), rel=1e-12)


def test_a_store_delivers_into_its_own_band(ran):
    kind, item, res = ran
    spec = store_specs().get(kind)
    if spec is None or spec.carrier != "heat":
        pytest.skip("not a heat store")
    a = res.year(item["year"])
    for band in BANDS:
        assert (a[f"heat_{band}_store_mwh"] > 0) == (band == spec.band), band
    # the store's own balance over the year: in = out + loss + what it holds at the end
    h = res.hourly[res.hourly.year == item["year"]]
    assert a["thermal_store_in_mwh"] * 1000 == pytest.approx(
        h["heat_store_kw"].sum() + a["thermal_store_loss_mwh"] * 1000 + h["thermal_store_soc_kwh"].iloc[-1], rel=1e-9)


@pytest.mark.parametrize("kind", kinds())
def test_it_is_in_the_schema_and_the_labels(kind):
    tech = technology(kind)
    assert kind in INTERVENTION_KINDS
    tech.input_model.model_validate(item_of(kind))
    assert tech.sizing in tech.input_model.model_fields
    assert tech.owner in ("operator", "enterprise", "building", "fleet")
    assert tech.abatement in ("firm_measure", "operator_asset", "none")
    assert tech.stage in [s.name for s in YEAR_STAGES]
    assert tech.label("en").strip() and re.search(r"[\u4e00-\u9fff]", tech.label("zh"))


def test_every_schema_kind_is_registered():
    assert set(kinds()) == set(INTERVENTION_KINDS)


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(KeyError, match="no technology 'tidal' in data/technology_kinds.csv"):
        technology("tidal")


def test_no_kind_id_is_a_string_literal_under_the_kernel():
    ids = set(kinds())
    for path in sorted((SRC / "kernel").glob("*.py")):
        found = {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in ids}
        assert not found, f"{path.name} names {sorted(found)}: ask the registry (technologies/registry.py)"


def test_no_file_is_over_600_lines_unless_listed_with_its_reason():
    listed = set(re.findall(r"^\| `(src/parktwin/[\w/]+\.py)` \| .+\|$", (DOCS / "architecture.md").read_text(encoding="utf-8"), re.M))
    long = {f"src/parktwin/{p.relative_to(SRC).as_posix()}" for p in SRC.rglob("*.py") if len(p.read_text(encoding="utf-8").splitlines()) > 600}
    assert long <= listed, f"over 600 lines and not listed in docs/architecture.md: {sorted(long - listed)}"


def test_every_bound_is_computable_and_the_park_file_ones_match_by_hand():
    from parktwin.technologies.bounds import PARK_BOUNDS, RUN_BOUNDS, bound_of

    for kind in kinds():
        assert technology(kind).bound in {*PARK_BOUNDS, *RUN_BOUNDS, "none", "resource_accounts"}, kind
    sc = scenario(park=TEST_PARK, horizon_years=1)
    park = sc.park
    # hand park (tests/builders.py): one 10,000 m² roof, the office's 4,000 m²; 500 t of process CO₂; 10 trucks
    assert bound_of("rooftop_pv", park) == 14000.0 and bound_of("ccus", park) == 500.0 and bound_of("electrify_fleet", park) == 10.0
    # boiler heat: (1,000 t × 20.908 GJ/t × 0.80 + 100 km³ × 38.931 GJ/km³ × 0.925) × 0.8 of the fuel in boilers, in kWh
    assert bound_of("electrify_boilers", park) == pytest.approx((1000 * 20.908 * 0.80 + 100 * 38.931 * 0.925) * 0.8 / 3.6 * 1000, rel=1e-9)
    row = run(sc, seed=0).year(2025)
    assert bound_of("molten_salt_storage", annual_row=row) == pytest.approx(1000 * sum(row[f"heat_high_{s}_mwh"] for s in SUPPLIES))
    assert bound_of("wind", park, row) is None

"""Resource measures in the run (roadmap kind ``resource_measure``, agents/resources.py): each raises
its account to its target from its commissioning hour, its electricity is in the firm's energy,
recovered waste heat displaces boiler fuel by band, and a park meeting every zero-carbon indicator
after the measures is classified zero-carbon.

Hand factors: data/resource_measures.csv (assumptions) — reverse osmosis 1.5 kWh/m³, solid-waste
processing 25 kWh/t, waste-heat pumps 1.5 kWh/GJ; data/technologies.csv — water reuse plant
5,000 CNY per m³/d, waste-heat exchangers 50 CNY per GJ/yr (assumptions); data/constants.csv —
coal boiler efficiency 0.80 (assumption), raw coal 20.908 GJ/t and 1.9003 tCO₂/t (GB/T 2589
compilation, reference-facts §2).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from builders import scenario

from parktwin import run
from parktwin.accounting.resources import (
    MeasureTargets,
    account_added,
    base_inputs,
    measure_flows,
    scaled_inputs,
    target_added,
    water_added,
)
from parktwin.agents.base import Change, Investment
from parktwin.agents.resource_kernels import measure_year_kernel
from parktwin.agents.resources import (
    DAYS_PER_YEAR,
    KIND,
    NO_TARGETS,
    TARGET_FIELD,
    TECHNOLOGY,
    FirmRoster,
    MeasureLedger,
    apply_resource_measure,
    electricity_factors,
)
from parktwin.energy.loads import share_after
from parktwin.kernel.model import ParkModel
from parktwin.spec.load import load
from parktwin.spec.scenario import ResourceMeasure

WATER = {"fresh_water_m3": 100_000.0, "reused_water_m3": 300_000.0, "reclaimed_water_m3": 0.0, "wastewater_m3": 80_000.0}
COAL_FIRM = {"id": "works", "name": "Works", "sector": "chemicals", "value_added_mcny": 100.0,
             "energy": {"electricity_mwh": 10_000.0, "coal_t": 1_000.0}, "fuel_heat_share": 1.0, "shift_pattern": "continuous"}


def firm(**resources) -> dict:
    return {**COAL_FIRM, **resources}


def measure(kind: str, share: float, lead_days: float = 0.0, year: int = 2026) -> dict:
    return {"id": f"m_{kind}", "kind": "resource_measure", "measure": kind, "year": year,
            "lead_time_days": lead_days, "target_share": share}


def sc(enterprise: dict, *items, **fields):
    return scenario({"enterprises": [enterprise], "fleets": []}, roadmap=list(items), **fields)


def energy(res, carrier: str) -> pd.Series:
    e = res.energy
    return e[(e["entity"] == "works") & (e["carrier"] == carrier)].set_index("year")["quantity"]


def scope1(res, year: int) -> float:
    e = res.emissions
    return float(e[(e["year"] == year) & (e["scope"] == "1") & (e["method"] == "all")]["emissions_tco2"].sum())


def test_water_reuse_reaches_its_target_from_the_commissioning_hour():
    base = run(sc(firm(water=WATER)), seed=0)
    res = run(sc(firm(water=WATER), measure("water_reuse", 0.9, lead_days=73)), seed=0)
    r = res.resources.set_index("year")
    # 400,000 m³ used; 0.9 of it reused = 360,000: +60,000 m³ reused, fresh 100,000 → 40,000
    assert r.loc[2027, "industrial_water_reuse_share"] == pytest.approx(0.9, rel=1e-12)
    assert r.loc[2027, "fresh_water_m3"] == pytest.approx(40_000.0, rel=1e-12)
    # commissioned 73 days (1,752 h) into 2026: the year splits by the firm's load profile after that hour
    w = share_after("continuous", 2026, 1752)
    assert 0.80 < w < 0.81  # the continuous shape's seasonal weights make it a little more than 0.8
    assert r.loc[2026, "industrial_water_reuse_share"] == pytest.approx(((1 - w) * 300_000 + w * 360_000) / 400_000, rel=1e-12)
    assert r.loc[2025, "industrial_water_reuse_share"] == pytest.approx(0.75)
    # electricity: 60,000 m³ × 1.5 kWh/m³ = 90 MWh a year in the firm's own energy
    el, el0 = energy(res, "electricity"), energy(base, "electricity")
    assert el[2027] - el0[2027] == pytest.approx(90.0, rel=1e-9)
    assert el[2026] - el0[2026] == pytest.approx(90.0 * w, rel=1e-9)
    assert res.year(2027)["resource_measures_electricity_mwh"] == pytest.approx(90.0, rel=1e-9)
    # priced: 60,000 m³/yr / 365 = 164.38 m³/d × 5,000 CNY per m³/d
    inv = res.investments[res.investments["project"] == "m_water_reuse"]
    assert list(inv["technology"]) == ["water_reuse_plant"] and list(inv["entity"]) == ["works"]
    assert inv["capacity"].iloc[0] == pytest.approx(60_000 / 365)
    assert inv["capex_cny"].iloc[0] == pytest.approx(60_000 / 365 * 5_000, rel=1e-9)
    ev = res.events[res.events["kind"] == "resource_measure"].iloc[0]
    assert (ev["year"], ev["hour"]) == (2026, 1752.0)


def test_reclaimed_water_replaces_a_share_of_the_fresh_water_left():
    res = run(sc(firm(water=WATER), measure("water_reuse", 0.9), measure("reclaimed_water", 0.25)), seed=0)
    r = res.resources.set_index("year").loc[2026]
    # reuse first: fresh 40,000; then 25 % of it reclaimed: 10,000 m³ reclaimed, 30,000 fresh
    assert r["reclaimed_water_m3"] == pytest.approx(10_000.0)
    assert r["fresh_water_m3"] == pytest.approx(30_000.0)
    assert r["reclaimed_water_reuse_share"] == pytest.approx(10_000 / 80_000)
    assert r["industrial_water_reuse_share"] == pytest.approx(0.9)  # the water used stays 400,000 m³
    # the park's plant is the operator's: 10,000 / 365 m³/d
    inv = res.investments[res.investments["project"] == "m_reclaimed_water"]
    assert list(inv["entity"]) == ["operator"] and inv["capacity"].iloc[0] == pytest.approx(10_000 / 365)
    # electricity 60,000 × 1.5 + 10,000 × 0.5 kWh = 95 MWh
    assert res.year(2026)["resource_measures_electricity_mwh"] == pytest.approx(95.0, rel=1e-9)


def test_solid_waste_utilisation_by_hand():
    waste = {"generated_t": 1_000.0, "utilised_t": 500.0}
    res = run(sc(firm(solid_waste=waste), measure("solid_waste_utilisation", 0.85)), seed=0)
    r = res.resources.set_index("year")
    assert r.loc[2025, "industrial_solid_waste_use_share"] == pytest.approx(0.5)
    assert r.loc[2026, "solid_waste_utilised_t"] == pytest.approx(850.0)
    assert r.loc[2026, "industrial_solid_waste_use_share"] == pytest.approx(0.85)
    # 350 t × 25 kWh/t = 8.75 MWh; capacity 350 t/yr
    assert res.year(2026)["resource_measures_electricity_mwh"] == pytest.approx(8.75, rel=1e-9)
    inv = res.investments[res.investments["project"] == "m_solid_waste_utilisation"]
    assert inv["capacity"].iloc[0] == pytest.approx(350.0)
    # a target below what the firm already does changes nothing and buys nothing
    res = run(sc(firm(solid_waste=waste), measure("solid_waste_utilisation", 0.4)), seed=0)
    assert res.resources.set_index("year").loc[2026, "industrial_solid_waste_use_share"] == pytest.approx(0.5)
    assert res.investments[res.investments["project"] == "m_solid_waste_utilisation"].empty


def test_waste_heat_use_cuts_scope_1_by_the_boiler_fuel_it_replaces():
    heat = {"available_gj": 10_000.0, "recovered_gj": 2_000.0, "temperature_c": 300.0}
    base = run(sc(firm(waste_heat=heat)), seed=0)
    res = run(sc(firm(waste_heat=heat), measure("waste_heat_use", 0.5)), seed=0)
    # +3,000 GJ recovered; / 0.80 / 20.908 GJ/t = 179.357 t coal; × 1.9003 = 340.83 tCO₂
    coal_t = 3_000 / 0.80 / 20.908
    assert coal_t == pytest.approx(179.357, rel=1e-5)
    assert energy(base, "coal")[2026] - energy(res, "coal")[2026] == pytest.approx(coal_t, rel=1e-9)
    assert scope1(base, 2026) - scope1(res, 2026) == pytest.approx(coal_t * 1.9003, rel=1e-9)
    assert res.year(2026)["resource_measures_scope1_avoided_tco2"] == pytest.approx(coal_t * 1.9003, rel=1e-9)
    assert res.resources.set_index("year").loc[2026, "waste_heat_cold_pressure_use_share"] == pytest.approx(0.5)
    # pumps: 3,000 GJ × 1.5 kWh/GJ = 4.5 MWh
    assert energy(res, "electricity")[2026] - energy(base, "electricity")[2026] == pytest.approx(4.5, rel=1e-9)
    inv = res.investments[res.investments["project"] == "m_waste_heat_use"]
    assert inv["capex_cny"].iloc[0] == pytest.approx(3_000 * 50, rel=1e-9)


def test_waste_heat_serves_only_the_bands_it_is_hot_enough_for():
    # chemicals boiler heat by band 0.2 / 0.6 / 0.2 (data/heat_bands.csv). A 100 °C stream reaches the
    # low band (sink 90 °C) only: 0.2 of 1,000 t × 20.908 × 0.80 = 3,345.3 GJ, less than the 4,000 GJ
    # recovered, so exactly the low band's coal, 200 t, is saved
    heat = {"available_gj": 10_000.0, "recovered_gj": 1_000.0, "temperature_c": 100.0}
    base = run(sc(firm(waste_heat=heat)), seed=0)
    res = run(sc(firm(waste_heat=heat), measure("waste_heat_use", 0.5)), seed=0)
    assert energy(base, "coal")[2026] - energy(res, "coal")[2026] == pytest.approx(200.0, rel=1e-9)
    # a 60 °C stream serves no band: recovered for the indicator, no fuel saved
    cold = {**heat, "temperature_c": 60.0}
    res = run(sc(firm(waste_heat=cold), measure("waste_heat_use", 0.5)), seed=0)
    assert energy(res, "coal")[2026] == pytest.approx(energy(base, "coal")[2026], rel=1e-12)
    assert res.resources.set_index("year").loc[2026, "waste_heat_cold_pressure_use_share"] == pytest.approx(0.5)


def test_in_an_electrified_firm_recovered_heat_saves_electric_boiler_electricity():
    # all boiler heat to electric boilers (efficiency 0.99, DEA) from 2026; the 300 °C stream reaches every band:
    # +3,000 GJ recovered × 277.78 kWh/GJ / 0.99 = 841.75 MWh saved; its pumps take 3,000 × 1.5 kWh = 4.5 MWh
    heat = {"available_gj": 10_000.0, "recovered_gj": 2_000.0, "temperature_c": 300.0}
    electrify = {"id": "eb", "kind": "electrify_boilers", "year": 2026, "share": 1.0, "technology": "electric_boiler"}
    base = run(sc(firm(waste_heat=heat), electrify), seed=0)
    res = run(sc(firm(waste_heat=heat), electrify, measure("waste_heat_use", 0.5)), seed=0)
    assert energy(base, "coal").get(2026, 0.0) == 0.0  # nothing left to burn
    saved_mwh = 3_000 * 1e6 / 3600 / 0.99 / 1000
    assert saved_mwh == pytest.approx(841.75, rel=1e-5)
    assert energy(base, "electricity")[2026] - energy(res, "electricity")[2026] == pytest.approx(saved_mwh - 4.5, rel=1e-9)
    assert res.year(2026)["resource_measures_electricity_mwh"] == pytest.approx(4.5 - saved_mwh, rel=1e-9)
    assert scope1(base, 2026) == pytest.approx(scope1(res, 2026), rel=1e-12)


def test_a_park_meeting_every_zero_carbon_indicator_after_the_measures_is_zero_carbon():
    # an all-electric firm on green contracts: core indicator 0, clean energy 100 %; its resource
    # accounts pass the eco-industrial thresholds (reuse 320/420 = 0.762 ≥ 0.75, reclaimed 20/80 = 0.25
    # ≥ 0.2, solid waste 0.75 ≥ 0.7) but not the zero-carbon ones (0.8, 0.8, 0.5)
    electric = {"id": "works", "name": "Works", "sector": "electronics", "value_added_mcny": 100.0,
                "energy": {"electricity_mwh": 10_000.0}, "shift_pattern": "continuous",
                "water": {"fresh_water_m3": 80_000.0, "reused_water_m3": 320_000.0, "reclaimed_water_m3": 20_000.0,
                          "wastewater_m3": 80_000.0},
                "solid_waste": {"generated_t": 1_000.0, "utilised_t": 750.0},
                "waste_heat": {"available_gj": 1_000.0, "recovered_gj": 300.0, "temperature_c": 35.0}}
    green = {"id": "green", "kind": "green_power", "year": 2026, "share": 1.0}
    before = run(sc(electric, green), seed=0).stage_table().set_index("year")
    assert before.loc[2026, "stage_reached"] == "eco_industrial"
    assert before.loc[2026, "blocking"] == ["zc_solid_waste_use (not_met)", "zc_waste_heat_use (not_met)", "zc_water_reuse (not_met)"]
    items = [green, measure("water_reuse", 0.85), measure("solid_waste_utilisation", 0.85), measure("waste_heat_use", 0.55)]
    res = run(sc(electric, *items), seed=0)
    r = res.resources.set_index("year").loc[2026]
    assert (r["industrial_water_reuse_share"], r["industrial_solid_waste_use_share"], r["waste_heat_cold_pressure_use_share"]) \
        == pytest.approx((0.85, 0.85, 0.55))
    after = res.stage_table().set_index("year")
    assert list(after.loc[[2026, 2027], "stage_reached"]) == ["zero_carbon", "zero_carbon"]
    assert after.loc[2026, "blocking"] == []


def test_same_seed_same_numbers_with_measures():
    heat = {"available_gj": 10_000.0, "recovered_gj": 2_000.0, "temperature_c": 300.0}
    items = [measure("water_reuse", 0.9, lead_days=100), measure("waste_heat_use", 0.6, lead_days=30),
             measure("solid_waste_utilisation", 0.9, year=2027)]
    s = sc(firm(water=WATER, waste_heat=heat, solid_waste={"generated_t": 1_000.0}), *items, decisions={"enabled": True})
    a, b = run(s, seed=5), run(s, seed=5)
    for name in ("annual", "emissions", "energy", "resources", "events", "investments"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_a_measure_naming_a_firm_without_the_account_buys_nothing():
    res = run(sc(firm(), measure("water_reuse", 0.9)), seed=0)
    assert res.investments[res.investments["project"] == "m_water_reuse"].empty
    assert res.year(2026)["resource_measures_electricity_mwh"] == 0.0


def test_the_demo_pathway_reaches_the_zero_carbon_park_stage_and_bau_does_not():
    from pathlib import Path

    from parktwin import load

    root = Path(__file__).resolve().parents[1]
    nz = run(load(root / "scenarios" / "net_zero_2050.yaml"), seed=0)
    stages = nz.stage_table().set_index("year")["stage_reached"]
    # the 910号 guiding thresholds (reference-facts §1c): water reuse ≥ 0.8, solid waste ≥ 0.8, waste heat ≥ 0.5
    a = nz.annual.set_index("year").loc[2040:]
    assert (a["industrial_water_reuse_share"] >= 0.8).all() and (a["industrial_solid_waste_use_share"] >= 0.8).all()
    assert (a["waste_heat_cold_pressure_use_share"] >= 0.5).all()
    assert (stages.loc[2040:] == "zero_carbon").all()
    bau = run(load(root / "scenarios" / "bau.yaml"), seed=0).stage_table().set_index("year")
    assert "zero_carbon" not in set(bau["stage_reached"])
    # exchanges follow their suppliers: the reclaimed-water share no longer decays below 0.2 as firms grow
    assert (bau.loc[2032:, "stage_reached"] == "eco_industrial").all()


def test_a_firm_takes_a_resource_measure_that_pays_and_leaves_one_that_does_not():
    # an open firm (openness 1) at a fixed 8 % hurdle and a 20-year payback limit, no other measures
    decisions = {"enabled": True, "measures": [], "resource_targets": {"waste_heat_use": 0.5, "solid_waste_utilisation": 0.9},
                 "openness": {"mean": 1.0}, "hurdle_rate": {"mean": 0.08}, "payback_limit_yr": {"mean": 20.0}}
    heat = {"available_gj": 10_000.0, "recovered_gj": 2_000.0, "temperature_c": 300.0}
    waste = {"generated_t": 1_000.0, "utilised_t": 500.0}
    res = run(sc(firm(waste_heat=heat, solid_waste=waste), decisions=decisions), seed=0)
    ev = res.events[res.events["kind"] == "resource_measure"]
    # waste heat: 3,000 GJ saves 179.36 t coal a year for 150,000 CNY of exchangers: taken in 2026,
    # commissioned after the 120 approval days
    assert list(ev["id"]) == ["works_waste_heat_use_2026"] and list(ev["origin"]) == ["works"]
    assert (ev["year"].iloc[0], ev["hour"].iloc[0]) == (2026, 120 * 24.0)
    inv = res.investments[res.investments["project"] == "works_waste_heat_use_2026"]
    assert inv["capex_cny"].iloc[0] == pytest.approx(3_000 * 50, rel=1e-9)
    assert res.resources.set_index("year").loc[2027, "waste_heat_cold_pressure_use_share"] == pytest.approx(0.5)
    # solid waste: the 80 CNY/t landfill fee avoided less 60 CNY/t O&M and 25 kWh/t of electricity leaves
    # < 20 CNY a year per t of a 400 CNY/t plant: a payback beyond 20 years, never taken
    assert res.resources.set_index("year").loc[2027, "industrial_solid_waste_use_share"] == pytest.approx(0.5)


def test_a_measures_capacity_is_each_firms_added_flow_as_the_scalar_arithmetic_gives_it():
    """Commissioning sizes every firm an item names (the measure's added flow with the targets
    after less before); each firm's capacity equals, to the bit, the scalar ``measure_flows`` of its
    flows (inputs × activity) with its targets after and before the item — over the demo park's 35
    firms at differing activities, each measure, a target raised later and one lowered (adds nothing)."""
    model = ParkModel(load("scenarios/net_zero_2050.yaml").scenario, seed=0)
    rng = np.random.default_rng(5)
    firms = list(model.enterprises.values())
    for f in firms:
        f.activity = float(rng.uniform(0.7, 1.6))
    targets = {f.entity_id: MeasureTargets() for f in firms}
    added_by = {"water_reuse": lambda m: m.reused_added_m3, "reclaimed_water": lambda m: m.reclaimed_added_m3,
                "solid_waste_utilisation": lambda m: m.waste_added_t, "waste_heat_use": lambda m: m.heat_added_gj}
    bought = 0
    for n, (measure, share) in enumerate([("water_reuse", 0.6), ("reclaimed_water", 0.2), ("water_reuse", 0.9),
                                          ("solid_waste_utilisation", 0.7), ("waste_heat_use", 0.4), ("waste_heat_use", 0.3)]):
        item = ResourceMeasure(kind="resource_measure", id=f"m{n}", year=2025, lead_time_days=0, measure=measure, target_share=share)
        _, got = apply_resource_measure(model.operator, item, 100.0 * n, 2025)
        tech, owner = TECHNOLOGY[measure]
        expected = []
        for f in firms:
            flows = scaled_inputs(base_inputs(f.spec.water, f.spec.solid_waste, f.spec.waste_heat), f.activity)
            before = targets[f.entity_id]
            after = targets[f.entity_id] = before._replace(**{TARGET_FIELD[measure]: max(getattr(before, TARGET_FIELD[measure]), share)})
            a, b = (added_by[measure](measure_flows(f.spec.id, 0.0, flows, t)) for t in (after, before))
            added = (a - b) / DAYS_PER_YEAR if measure in ("water_reuse", "reclaimed_water") else a - b
            if added > 0:
                expected.append(Investment(f.entity_id if owner == "firm" else "operator", tech, added))
        assert got == expected
        bought += len(got)
    assert bought > 60  # most firms bought capacity, so the comparison is not of empty lists


def test_a_targets_step_on_its_own_account_by_hand():
    """The steps ``measure_flows`` runs and commissioning sizes with (``target_added``), by hand: 100 m³
    of fresh water and none reused at a 30 % reuse target reuse 30 m³, and half the 70 m³ of fresh
    water left is reclaimed (35 m³); 20 t of 100 t utilised at a 50 % target adds 30 t, at 1.0 adds
    80 t, and 60 t already utilised stays (a target never lowers an account); raising reuse from
    30 % to 50 % at activity 2 (200 m³) adds 40 m³; an account not reported adds nothing."""
    reused, reclaimed = water_added(100.0, 0.0, 0.0, 0.3, 0.5)
    assert (reused, reclaimed) == (pytest.approx(30.0), pytest.approx(35.0))
    assert account_added(100.0, 20.0, 0.5) == 30.0 and account_added(100.0, 20.0, 1.0) == 80.0
    assert account_added(100.0, 60.0, 0.5) == 0.0
    inputs = (100.0, None, None, None, None, None, None, None)
    assert target_added(inputs, 2.0, MeasureTargets(water_reuse_share=0.3), 0, 0.5) == pytest.approx(40.0)
    assert target_added(inputs, 2.0, MeasureTargets(water_reuse_share=0.6), 0, 0.5) == 0.0
    assert target_added(inputs, 2.0, MeasureTargets(), 2, 0.5) == 0.0  # no solid waste reported


def test_a_ledger_grown_by_extend_is_seen_by_the_rosters_next_year():
    """The roster keeps last year's targets while no ledger grew (``MeasureLedger.appended``): a change
    added by ``extend`` or ``+=`` counts as appended, so the next year sees it; a change cannot be
    inserted before others (the yearly fold relies on clock order)."""
    firms = [SimpleNamespace(resource_changes=MeasureLedger()) for _ in range(2)]
    roster = FirmRoster(firms=tuple(firms), states=[NO_TARGETS] * 2, targets=np.zeros((4, 2)))
    assert roster.year_targets(0) == ([], {})
    firms[1].resource_changes.extend([Change(10.0, KIND, ("water_reuse", 0.5), "w")])
    active, _ = roster.year_targets(8760)
    assert active == [1] and roster.targets[0, 1] == 0.5  # water reuse raised to 50 % from the year's start
    firms[0].resource_changes += [Change(9000.0, KIND, ("reclaimed_water", 0.25), "r")]
    active, split = roster.year_targets(2 * 8760)
    assert active == [0, 1] and roster.targets[1, 0] == 0.25 and split == {}
    with pytest.raises(TypeError, match="grows only at its end"):
        firms[0].resource_changes.insert(0, Change(5.0, KIND, ("water_reuse", 0.1), "early"))


def measure_flows_of_firms(flows: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The oracle of ``measure_year_kernel``: ``measure_flows`` of many firms at once, in numpy.
    ``flows``: 8 × firms in ``FirmResources`` order from ``fresh_water_m3`` on, 0 where a firm reports nothing; ``targets``: 4 × firms in ``MeasureTargets``
    order. Returns the flows with the measures (8 × firms) and what they add (4 × firms, in
    ``MeasureFlows`` order from ``reused_added_m3``). Element by element the same operations in the
    same order as ``measure_flows``, so the same numbers; an account not reported holds 0 and adds 0."""
    fresh, reused, reclaimed = flows[0], flows[1], flows[2]
    total = fresh + reused + reclaimed
    reused_add = np.minimum(np.maximum(targets[0] * total - reused, 0.0), fresh)
    fresh = fresh - reused_add
    reclaimed_add = targets[1] * fresh
    # solid waste and waste heat alike, as two rows at once: generated and available (rows 4 and 6),
    # utilised and recovered (5 and 7), their targets (2 and 3)
    had, used = flows[4::2], flows[5::2]
    waste_heat_add = np.minimum(np.maximum(targets[2:] * had - used, 0.0), had - used)
    out = flows.copy()
    out[0] = fresh - reclaimed_add
    out[1] += reused_add
    out[2] += reclaimed_add
    out[5::2] += waste_heat_add
    added = np.empty((4, flows.shape[1]))
    added[0], added[1], added[2:] = reused_add, reclaimed_add, waste_heat_add
    return out, added


def test_the_compiled_year_of_measures_is_the_array_arithmetic_bit_for_bit():
    # measure_year_kernel against measure_flows_of_firms (inputs × activity) and electricity_kwh of what it
    # adds, for 200 random firms with unreported (0) accounts, targets below and above what the firms reach
    rng = np.random.default_rng(3)
    inputs = rng.uniform(0.0, 1e5, (8, 200)) * (rng.random((8, 200)) < 0.8)
    inputs[5] = np.minimum(inputs[5], inputs[4])  # used at most what is generated / available
    inputs[7] = np.minimum(inputs[7], inputs[6])
    activity = rng.uniform(0.5, 2.0, 200)
    targets = rng.uniform(0.0, 1.0, (4, 200)) * (rng.random((4, 200)) < 0.7)
    flows, added = measure_flows_of_firms(inputs * activity, targets)
    reuse, reclaimed, waste, heat = electricity_factors()
    kwh = added[0] * reuse + added[1] * reclaimed + added[2] * waste + added[3] * heat
    got_flows, got_kwh, got_heat = measure_year_kernel(inputs, activity, targets, np.array(electricity_factors()))
    assert got_flows.tobytes() == flows.tobytes() and got_kwh.tobytes() == kwh.tobytes() and got_heat.tobytes() == added[3].tobytes()

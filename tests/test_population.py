"""Firms enter and leave the park: exact cut of loads and emissions at the exit hour, entrants from
their entry hour, built to the new-firm standards, seeded entry and exit processes."""

from __future__ import annotations

import pandas as pd
import pytest

from builders import PARK, scenario
from parktwin import run
from parktwin.economics.costs import value_left_cny
from parktwin.energy.loads import share_after
from parktwin.spec.load import scenario_cross_problems

WORKS = PARK["enterprises"][0]
OTHER = dict(WORKS, id="other", name="Other", energy={"electricity_mwh": 4000.0, "coal_t": 300.0},
             process_emissions_tco2=0.0, roof_area_m2=2000.0)
TWO_FIRMS = {"enterprises": [WORKS, OTHER], "fleets": []}


def _entity_tco2(res, entity: str) -> pd.Series:
    e = res.emissions[(res.emissions["entity"] == entity) & (res.emissions["method"] != "location")]
    return e.groupby("year")["emissions_tco2"].sum().reindex(res.annual["year"], fill_value=0.0)


def test_a_leaver_emits_nothing_after_its_exit_and_the_park_drops_by_exactly_its_share():
    exit_ = {"exits": [{"id": "other", "year": 2026, "day": 200}]}
    stay = run(scenario(park=TWO_FIRMS), seed=0)
    leave = run(scenario(park=TWO_FIRMS, population=exit_), seed=0)
    other_stay, other_leave = _entity_tco2(stay, "other"), _entity_tco2(leave, "other")
    # the continuous shift profile puts share_after(hour 4800) of the firm's year after day 200
    before = 1.0 - share_after("continuous", 2026, 200 * 24)
    assert other_leave[2026] == pytest.approx(other_stay[2026] * before, rel=1e-9)
    assert other_leave[2027] == 0.0
    assert not ((leave.emissions["entity"] == "other") & (leave.emissions["year"] == 2027)).any()
    # the works' emissions are untouched (no PV, no battery: grid electricity is pro rata) and
    # the park total falls by exactly what the leaver no longer emits
    pd.testing.assert_series_equal(_entity_tco2(leave, "works"), _entity_tco2(stay, "works"), rtol=1e-12)
    drop = stay.annual.set_index("year")["gross_tco2"] - leave.annual.set_index("year")["gross_tco2"]
    assert drop[2026] == pytest.approx(other_stay[2026] - other_leave[2026], rel=1e-9)
    assert drop[2027] == pytest.approx(other_stay[2027], rel=1e-9)
    ev = leave.events[leave.events["kind"] == "firm_exit"].iloc[0]
    assert (ev["year"], ev["hour"], ev["origin"]) == (2026, 4800.0, "population")
    # value added counts the hours it was in the park: 200/365 of the year
    assert leave.year(2026)["value_added_mcny"] == pytest.approx(100 + 100 * 200 / 365, rel=1e-12)


def test_an_entrant_emits_from_its_entry_hour_and_fully_the_next_year():
    entrant = {"year": 2026, "day": 100, "enterprise": dict(OTHER, id="newco", name="NewCo")}
    res = run(scenario(population={"entrants": [entrant]}), seed=0)
    ref = run(scenario(park=TWO_FIRMS), seed=0)  # the same firm in the park from the start
    new, same = _entity_tco2(res, "newco"), _entity_tco2(ref, "other")
    assert new[2025] == 0.0
    assert new[2026] == pytest.approx(same[2026] * share_after("continuous", 2026, 100 * 24), rel=1e-9)
    assert new[2027] == pytest.approx(same[2027], rel=1e-12)
    ev = res.events[res.events["kind"] == "firm_entry"].iloc[0]
    assert (ev["id"], ev["hour"], ev["origin"]) == ("newco", 2400.0, "population")


def test_an_entrant_under_the_no_coal_standard_burns_no_coal_and_gets_pv_on_its_roof():
    entrant = {"year": 2026, "enterprise": dict(OTHER, id="newco", name="NewCo")}
    res = run(scenario(population={"entrants": [entrant]},
                       policy={"new_firms": {"no_coal": True, "rooftop_pv_roof_share": 0.5}}), seed=0)
    e = res.energy[res.energy["entity"] == "newco"].set_index(["year", "carrier"])["quantity"]
    assert "coal" not in e.loc[2026].index
    # 300 t coal in boilers (fuel_heat_share 1): 300 × 20.908 GJ/t × 0.80 / 0.925 / 38.931 GJ/km³ of gas
    assert e.loc[(2026, "natural_gas")] == pytest.approx(300 * 20.908 * 0.80 / 0.925 / 38.931, rel=1e-9)
    assert res.year(2026)["pv_kwp"] == pytest.approx(0.5 * 2000 * 0.15)  # roof share × m² × kWp/m²
    # the park's own firm is not a new firm: its coal stays
    assert res.energy[(res.energy["entity"] == "works") & (res.energy["carrier"] == "coal")]["quantity"].gt(0).all()


def test_an_entrant_is_built_to_an_electrify_heat_mandate_in_force():
    entrant = {"year": 2026, "enterprise": dict(OTHER, id="newco", name="NewCo")}
    res = run(scenario(population={"entrants": [entrant]}, policy={"mandates": [{"start_year": 2026, "share": 1.0}]}), seed=0)
    e = res.energy[(res.energy["entity"] == "newco") & (res.energy["year"] == 2026)].set_index("carrier")["quantity"]
    assert "coal" not in e.index
    # all boiler heat electric from day one: 300 t × 20.908 GJ/t × 0.80 → kWh_th / 0.99, plus its 4,000 MWh
    assert e["electricity"] == pytest.approx(4000 + 300 * 20.908 * 0.80 * 1e6 / 3600 / 0.99 / 1000, rel=1e-9)


def test_a_leaver_takes_its_capacity_at_its_value_left():
    heat = {"kind": "electrify_boilers", "year": 2026, "enterprises": ["other"], "share": 1.0}
    exit_ = {"exits": [{"id": "other", "year": 2028, "day": 73}]}  # 1.2 years after commissioning
    res = run(scenario(park=TWO_FIRMS, roadmap=[heat], population=exit_, horizon_years=4), seed=0)
    inv = res.investments[res.investments["entity"] == "other"]
    assert len(inv) and inv["retired"].notna().all()
    left = sum(value_left_cny(p, 2028 + 73 * 24 / 8760) for p in inv.itertuples())
    assert left == pytest.approx((inv["capex_cny"] * (1 - (2.2 / inv["lifetime_yr"]))).sum(), rel=1e-9)
    assert res.year(2028)["exit_residual_value_cny"] == pytest.approx(left, rel=1e-12)
    # no O&M after the exit, and not counted again in the value left at the horizon
    assert res.year(2029)["fixed_om_cny"] == 0.0
    assert res.year(2029)["residual_value_cny"] == 0.0


SEEDED = {"entry": {"rate_per_yr": 1.5, "size_sd_log": 0.4}, "exit_hazard_per_yr": 0.1}


def test_same_seed_same_entrants_and_leavers():
    sc = scenario(park=TWO_FIRMS, population=SEEDED, horizon_years=6)
    a, b, c = run(sc, seed=11), run(sc, seed=11), run(sc, seed=12)
    moves = ["firm_entry", "firm_exit"]
    ev_a, ev_b = (r.events[r.events["kind"].isin(moves)].reset_index(drop=True) for r in (a, b))
    assert len(ev_a) > 0
    pd.testing.assert_frame_equal(ev_a, ev_b, check_exact=True)
    pd.testing.assert_frame_equal(a.annual, b.annual, check_exact=True)
    assert not c.events[c.events["kind"].isin(moves)].reset_index(drop=True).equals(ev_a)


def test_seeded_entrants_are_rescaled_copies_of_the_park_firms_of_their_sector():
    sc = scenario(park=TWO_FIRMS, population={"entry": {"rate_per_yr": 3.0, "sectors": ["chemicals"]}}, horizon_years=3)
    res = run(sc, seed=1)
    entered = res.events[res.events["kind"] == "firm_entry"]
    assert len(entered) > 0
    assert entered["detail"].str.contains("(chemicals,", regex=False).all()


def test_the_population_does_not_change_the_other_random_streams():
    # the entry/exit stream is appended last to the run's seed sequence: weather is unchanged
    a = run(scenario(park=TWO_FIRMS), seed=5)
    b = run(scenario(park=TWO_FIRMS, population=SEEDED), seed=5)
    assert a.year(2025)["pv_generation_mwh"] == b.year(2025)["pv_generation_mwh"]
    pd.testing.assert_series_equal(a.annual["grid_factor_kgco2_per_kwh"], b.annual["grid_factor_kgco2_per_kwh"])


def test_population_problems_name_the_field():
    doc = {"park": {"base_year": 2025, "enterprises": [{"id": "works", "sector": "chemicals"}]}, "horizon_years": 5,
           "population": {"entrants": [{"year": 2040, "enterprise": {"id": "works", "sector": "candy"}}],
                          "exits": [{"id": "ghost", "year": 2027}]}}
    fields = {p.field for p in scenario_cross_problems(doc, "s.yaml")}
    assert {"population.entrants.0.enterprise.id", "population.entrants.0.enterprise.sector",
            "population.entrants.0.year", "population.exits.0.id"} <= fields


def test_a_firm_can_shrink_by_its_own_rate_while_the_others_grow():
    res = run(scenario(park=TWO_FIRMS, growth={"default_share_per_yr": 0.05, "by_firm_share_per_yr": {"other": -0.1}}), seed=0)
    e = res.energy.set_index(["year", "entity", "carrier"])["quantity"]
    assert e[(2027, "other", "coal")] == pytest.approx(300 * 0.9**2, rel=1e-12)  # (1 − 10 %)² over two years
    assert e[(2027, "works", "coal")] == pytest.approx(1000 * 1.05**2, rel=1e-12)
    assert res.year(2027)["value_added_mcny"] == pytest.approx(100 * 1.05**2 + 100 * 0.9**2, rel=1e-12)
    doc = {"park": {"enterprises": [{"id": "works"}]}, "growth": {"by_firm_share_per_yr": {"ghost": 0.1}}}
    assert "growth.by_firm_share_per_yr.ghost" in {p.field for p in scenario_cross_problems(doc, "s.yaml")}


def test_the_pdca_led_scenario_is_reproducible_and_survives_the_run_folder(tmp_path):
    # the shipped scenario with escalation, a fund, seeded entry and exit (a higher hazard)
    from pathlib import Path

    import parktwin
    from parktwin.results.store import read_run

    path = Path(__file__).resolve().parents[1] / "scenarios" / "pdca_led.yaml"
    loaded = parktwin.load(path, overrides=["population.exit_hazard_per_yr=0.1"])
    a, b = parktwin.run(loaded, seed=3), parktwin.run(loaded, seed=3)
    for name in ("annual", "events", "reviews", "investments", "emissions"):
        pd.testing.assert_frame_equal(a.tables()[name], b.tables()[name], check_exact=True, obj=name)
    assert a.investments["retired"].notna().any()  # some firm left with capacity
    back = read_run(parktwin.save(a, tmp_path, report=False))
    assert back.pathway_cost_npv_cny() == pytest.approx(a.pathway_cost_npv_cny(), rel=1e-12)

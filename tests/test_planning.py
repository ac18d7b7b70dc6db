"""parktwin plan: candidates from the park, a least-cost plan worked out by hand, the written
scenario reproducing the plan's claims, infeasible targets, resuming after an interruption."""

from __future__ import annotations

import copy
import json
import math

import pytest
import yaml

from parktwin import api, data
from parktwin.cli import main
from parktwin.experiments.batch import run_batch
from parktwin.planning import candidates as candidates_module
from parktwin.planning.candidates import NOT_PLANNED_NO_ROW, OFFSETS, Choice, apply_choices, candidates, survey
from parktwin.planning.planner import PlanInfeasible, plan
from parktwin.planning.targets import Targets, parse_targets
from parktwin.spec.errors import InputError
from parktwin.spec.scenario import ReviewTarget
from parktwin.technologies.registry import technologies

FLAT = {"valley_hours": list(range(0, 8)), "flat_hours": list(range(8, 24)), "peak_hours": [],
        "price_cny_per_kwh": {"valley": 0.6, "flat": 0.6, "peak": 0.6}}

# One firm that uses only grid electricity, no roof, no fleet, no buildings, a flat tariff (a battery
# can only cost money): its candidates are efficiency programmes, a battery, green contracts and offsets.
PARK = {
    "name": "Plan park",
    "location": {"latitude_deg": 31.3, "longitude_deg": 120.6, "altitude_m": 5, "annual_ghi_kwh_per_m2": 1300},
    "grid": {"import_limit_kw": 20000, "tariff": FLAT},
    "enterprises": [{"id": "works", "name": "Works", "sector": "electronics", "value_added_mcny": 500.0,
                     "energy": {"electricity_mwh": 50000.0}, "shift_pattern": "continuous"}],
}


def write_park(folder, horizon: int = 2, extra: dict | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    park = dict(PARK, **(extra or {}))
    (folder / "park.yaml").write_text(yaml.safe_dump(park), encoding="utf-8")
    scenario = {"name": "plan_bau", "park": "park.yaml", "horizon_years": horizon, "outputs": {"hourly_years": []},
                "growth": {"default_share_per_yr": 0.0, "intensity_decline_share_per_yr": 0.0}}
    path = folder / "bau.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return path


def test_candidates_follow_what_the_park_has(tmp_path):
    sc = api.load(write_park(tmp_path)).scenario
    kinds = {c.kind for c in candidates(sc)}
    assert kinds == {"efficiency", "battery", "green_power", "green_ppa", "offsets"}  # no roof, boilers, fleet, process CO₂, water or buildings
    demo = api.load("scenarios/bau.yaml").scenario
    assert {"rooftop_pv", "electrify_boilers", "electrify_fleet", "ccus", "hydrogen_process_heat", "resource_measure",
            "building_retrofit"} <= {c.kind for c in candidates(demo)}
    battery = next(c for c in candidates(sc) if c.kind == "battery")
    assert battery.max_value == pytest.approx(0.5 * 20000)  # half an hour of the import limit (data/planning_bounds.csv)


def test_every_registered_kind_has_a_planning_row_or_a_reason_it_is_not_planned():
    """The planner learns its kinds from the technology registry: each registered kind has a row in
    data/planning_bounds.csv, either with bounds (searched) or with a non-empty not_planned reason."""
    rows = data.table("planning_bounds").fillna({"not_planned": ""})
    for kind in technologies():
        mine = rows[rows["kind"] == kind]
        assert len(mine), f"{kind}: no row in data/planning_bounds.csv (add its bounds, or a not_planned reason)"
        for r in mine.itertuples(index=False):
            assert r.not_planned or (r.max_value > 0 and r.steps >= 1 and r.lead_time_days >= 0), kind
    assert set(rows["kind"]) <= set(technologies()) | {OFFSETS}
    sc = api.load("scenarios/bau.yaml").scenario
    cands, skipped = survey(sc)
    covered = {c.kind for c in cands} | {n.kind for n in skipped}
    assert covered == set(technologies()) | {OFFSETS}  # no registered kind silently skipped
    assert {n.kind for n in skipped} >= {"wind", "thermal_storage", "cold_storage", "molten_salt_storage", "hydrogen_tank",
                                          "biomethane_chp", "waste_heat_recovery", "grid_upgrade"}
    assert all(n.reason for n in skipped)
    ccus = next(c for c in cands if c.kind == "ccus")
    assert ccus.available_from == technologies()["ccus"].available_from()


def test_a_registered_kind_without_a_planning_row_is_reported_not_skipped(tmp_path, monkeypatch):
    rows = [r for r in candidates_module.bounds() if r["kind"] != "battery"]
    monkeypatch.setattr(candidates_module, "bounds", lambda: rows)
    cands, skipped = survey(api.load(write_park(tmp_path)).scenario)
    assert "battery" not in {c.kind for c in cands}
    assert any(n.kind == "battery" and n.reason == NOT_PLANNED_NO_ROW for n in skipped)
    # the tiny park has no roofs: the kind is reported with what the park lacks
    assert any(n.kind == "rooftop_pv" and "no roof" in n.reason for n in skipped)


def test_targets_parse_and_refuse_unknown_keys():
    t = parse_targets("zero_carbon_park=2040,net_zero=2050,eco_industrial=2030,capex_foundation=2e9")
    assert t.stages == {"zero_carbon": 2040, "eco_industrial": 2030} and t.net_zero == 2050
    assert t.capex_max_cny == {"foundation": 2e9}
    with pytest.raises(InputError, match="unknown target"):
        parse_targets("zero_carbon_town=2040")


def test_plan_finds_the_hand_worked_least_cost_plan(tmp_path):
    """Net emissions ≤ 60 % of the base year's in 2027 (the only decision year of a 2-year horizon).

    By hand: the firm's 2027 emissions are E·f (its grid electricity × the grid factor; offsets are
    grid factor), a battery on a flat tariff only costs. An efficiency programme cuts energy by its
    share ≤ 10 % (from its commissioning); green contracts cost a certificate price per MWh; offsets
    (0 or the 10 % cap of gross) a price per tonne. With efficiency e (one or two programmes, or none)
    and offsets o the least green share g on the 0.05 grid satisfies (1 − e)(1 − g)(1 − o) ≤ 0.6 / k
    (k: the grid factor of 2027 over 2025's) → g = ⌈(1 − 0.6 / k / ((1 − e)(1 − o))) / 0.05⌉ · 0.05.
    The plan must cost no more than the cheapest of those hand-built plans (each run here) and buy no battery.
    """
    path = write_park(tmp_path)
    base = api.run(path, seed=0)
    limit = 0.6 * float(base.annual["net_tco2"].iloc[0])
    targets = Targets(review={2027: ReviewTarget(net_emissions_max_tco2=limit)})
    result = plan(path, targets, tmp_path / "plan.yaml", n_trials=40, seed=1)
    assert result.claims["feasible"]
    # the hand-built alternatives: green share only at its threshold, with one or two efficiency programmes
    factor = float(base.annual["net_tco2"].iloc[-1]) / float(base.annual["net_tco2"].iloc[0])
    costs = {}
    for n_eff in (0, 1, 2):
        for o in (0.0, 0.1):
            e = 1 - 0.9 ** n_eff
            g = math.ceil(round((1 - 0.6 / factor / ((1 - e) * (1 - o))) / 0.05, 9)) * 0.05
            roadmap = [{"id": "g", "kind": "green_power", "year": 2027, "share": round(g, 6)}]
            roadmap += [{"id": f"e{i}", "kind": "efficiency", "year": 2027, "lead_time_days": 180, "share": 0.1} for i in range(n_eff)]
            doc = tmp_path / f"hand{n_eff}_{o}.yaml"
            body = {"extends": "bau.yaml", "name": f"hand{n_eff}", "roadmap": roadmap}
            if o:
                body["offsets"] = {"start_year": 2027, "max_share_of_gross": o}
            doc.write_text(yaml.safe_dump(body), encoding="utf-8")
            r = api.run(doc, seed=0)
            if float(r.annual["net_tco2"].iloc[-1]) <= limit:
                costs[(n_eff, o)] = r.pathway_cost_npv_cny()
    best_hand = min(costs.values())
    assert result.claims["npv_cny"] <= best_hand + 1.0  # never dearer than the best hand-built plan
    kinds = sorted(it["kind"] for it in result.roadmap)
    assert "battery" not in kinds  # it only costs on a flat tariff


def test_written_scenario_reproduces_the_claims(tmp_path):
    path = write_park(tmp_path)
    out = tmp_path / "plans" / "my_plan.yaml"
    result = plan(path, "net_zero=2027", out, n_trials=8, seed=0)
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# Written by")
    assert "extends: ../bau.yaml" in text and "# phase 2 foundation" in text
    fresh = api.run(out, seed=0)
    assert fresh.pathway_cost_npv_cny() == result.claims["npv_cny"]
    assert fresh.annual["net_tco2"].tolist() == pytest.approx(result.claims["net_tco2"], abs=1e-6)
    assert fresh.annual["net_tco2"].iloc[-1] <= 1e-6
    stored = json.loads(out.with_name("my_plan.plan.json").read_text(encoding="utf-8"))
    assert stored["claims"]["npv_cny"] == result.claims["npv_cny"]
    from parktwin.planning.report import write_plan_report

    for lang, heading in (("en", "Targets and slack"), ("zh", "目标与裕度")):
        page = write_plan_report(result, tmp_path / f"plan_{lang}.html", lang).read_text(encoding="utf-8")
        assert heading in page and "plotly" in page and f"data-value='{result.claims['npv_cny']}'" in page


def test_an_infeasible_target_says_which_and_why_and_exits_2(tmp_path, capsys):
    # a coal-fired kiln inside the park: only hydrogen could replace its coal, and electrolysers are
    # available from 2028 (data/technologies.csv); offsets are capped at 10 % of gross: no net zero in 2027
    path = write_park(tmp_path, extra={"enterprises": [
        PARK["enterprises"][0],
        {"id": "coal_plant", "name": "Coal plant", "sector": "chemicals", "value_added_mcny": 100.0,
         "energy": {"electricity_mwh": 1000.0, "coal_t": 200000.0}, "fuel_heat_share": 0.0, "shift_pattern": "continuous"},
    ]})
    with pytest.raises(PlanInfeasible) as info:
        plan(path, "net_zero=2027", None, n_trials=4)
    assert "net_zero_2027 cannot be met" in str(info.value) and "net emissions left" in str(info.value)
    # what is left, by source: the coal plant's combustion (200,000 t coal; its fuel is not replaceable in time)
    left = next(r for r in info.value.diagnosis if r["target"] == "net_zero_2027")["left_by_source"]
    assert left[0]["source"] == "stationary_combustion" and left[0]["entities"][0][0] == "coal_plant"
    assert "what is left in 2027 in that run: stationary_combustion" in str(info.value)
    code = main(["plan", str(path), "--targets", "net_zero=2027", "--trials", "4", "--executor", "serial", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "net_zero_2027 cannot be met" in err and "Traceback" not in err


def test_too_early_target_year_names_the_earliest_that_works(tmp_path):
    path = write_park(tmp_path, horizon=4)
    with pytest.raises(PlanInfeasible, match=r"net_zero_2026 cannot be met.*earliest year that works is 2027"):
        plan(path, "net_zero=2026", None, n_trials=4)


def test_interrupted_and_resumed_equals_uninterrupted(tmp_path):
    path = write_park(tmp_path)
    whole = plan(path, "net_zero=2027", tmp_path / "a" / "plan.yaml", n_trials=12, seed=3)
    with pytest.raises(KeyboardInterrupt):
        plan(path, "net_zero=2027", tmp_path / "b" / "plan.yaml", n_trials=12, seed=3, stop_after=6)
    resumed = plan(path, "net_zero=2027", tmp_path / "b" / "plan.yaml", n_trials=12, seed=3)
    assert resumed.cache_hits > 0
    assert [t["params"] for t in resumed.trials] == [t["params"] for t in whole.trials]
    assert resumed.roadmap == whole.roadmap and resumed.claims["npv_cny"] == whole.claims["npv_cny"]
    assert (tmp_path / "a" / "plan.yaml").read_text() == (tmp_path / "b" / "plan.yaml").read_text()


def test_robust_plan_meets_the_confidence_under_the_world_block_carried_by_kind(tmp_path):
    """A block written against another roadmap (green_x, a green contract falling 0–20 % short)
    lands on the plan's green-power item; growth of up to 40 %/yr makes the deterministic plan
    fail in many replicates, and raising margins brings it to the confidence on the same sample."""
    from parktwin.experiments.design import check_paths

    path = write_park(tmp_path)
    base = api.run(path, seed=0)
    limit = 0.6 * float(base.annual["net_tco2"].iloc[0])
    source = {"extends": "bau.yaml", "name": "src", "roadmap": [{"id": "green_x", "kind": "green_power", "year": 2027, "share": 0.5}],
              "uncertainty": {"growth": {"path": "growth.default_share_per_yr", "dist": "uniform", "low": 0.0, "high": 0.4},
                              "green_short": {"path": "roadmap.green_x.share", "dist": "uniform", "low": 0.4, "high": 0.5}}}
    (tmp_path / "src.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    targets = Targets(review={2027: ReviewTarget(net_emissions_max_tco2=limit)}, confidence=0.8)
    out = tmp_path / "robust.yaml"
    result = plan(path, targets, out, n_trials=40, seed=0, uncertainty=tmp_path / "src.yaml", robust_n=12, check_n=8)
    r = result.robust
    assert r["probability"] >= r["aim"] > 0.8 and r["price_cny"] >= 0  # one standard error above the confidence
    assert r["aim"] == pytest.approx(0.8 + math.sqrt(0.8 * 0.2 / 12), rel=1e-12)  # sqrt(c(1 − c)/n) on the 12 replicates
    from parktwin.planning.report import render_plan_report

    assert f"aimed at {r['aim']:.1%}" in result.note() and f"{r['aim']:.1%}" in render_plan_report(result)
    # the fresh check is the batch `parktwin mc robust.yaml -n 8 --seed 1000` runs: the same replicates, the same verdicts
    batch = run_batch(out, n=8, seed=r["check"]["seed"], executor="serial", out=tmp_path / "runs", report=False)
    net = batch.annual(["net_tco2"])
    met = (net[net["year"] == 2027].set_index("replicate")["net_tco2"] <= limit).mean()
    assert r["check"]["n"] == 8 and r["check"]["probability"] == pytest.approx(met)
    assert r["history"][0]["probability"] < 0.8  # the deterministic plan alone was not robust
    written = api.load(out)
    green = [it for it in written.scenario.roadmap if it.kind == "green_power"]
    assert written.scenario.uncertainty.root["green_short"].path == f"roadmap.{green[-1].id}.share"
    check_paths(written)  # every carried path leads to an input of the written plan
    # the carried shortfall is a ratio of the plan's share: 0.8–1.0 of it
    assert written.scenario.uncertainty.root["green_short"].high == pytest.approx(green[-1].share)
    assert written.scenario.uncertainty.root["green_short"].low == pytest.approx(0.8 * green[-1].share)


def test_a_block_written_for_another_roadmap_is_carried_onto_the_plan_by_kind():
    """net_zero_2050_uncertain's delivery inputs (efficiency shortfall, PV delay, hydrogen and CCUS lead
    times, green-contract shortfall) land on the plan's items of the same kind: delays as shifts, shortfalls
    as ratios of the nominal value; the world's inputs (growth, grid, prices) stay as they are."""
    from parktwin.planning.robust import (
        carried,
        mapped_block,
        mappings,
        source_block,
        target_item,
    )

    loaded = api.load("scenarios/bau.yaml")
    block, roadmap = source_block(loaded, "scenarios/net_zero_2050_uncertain.yaml")
    maps, world = mappings(block, roadmap)
    assert set(world) == {"growth", "intensity_decline", "grid_2040", "grid_2050", "offset_price", "carbon_price_2050"}
    plan_roadmap = [
        {"id": "plan_efficiency_1", "kind": "efficiency", "year": 2027, "lead_time_days": 180, "share": 0.1},
        {"id": "plan_rooftop_pv", "kind": "rooftop_pv", "year": 2031, "lead_time_days": 240, "roof_share": 1.0},
        {"id": "plan_green_power_1", "kind": "green_power", "year": 2031, "lead_time_days": 0, "share": 0.4},
        {"id": "plan_green_power_3", "kind": "green_power", "year": 2040, "lead_time_days": 0, "share": 1.0},
        {"id": "plan_ccus", "kind": "ccus", "year": 2038, "lead_time_days": 540, "capture_share": 0.95},
    ]
    by_name = {m.name: m for m in maps}
    pv = by_name["pv_phase1_year"]
    assert target_item(pv, plan_roadmap)["id"] == "plan_rooftop_pv"
    assert carried(pv, 2029, plan_roadmap[1], 2050) == 2033  # two years late, from the plan's own year
    eff = by_name["efficiency_1"]
    assert carried(eff, 0.04, plan_roadmap[0], 2050) == pytest.approx(0.05)  # half of the nominal 0.08 delivered
    green = by_name["green_2040_share"]
    assert target_item(green, plan_roadmap)["id"] == "plan_green_power_3"  # the 2040 step, nearest in year
    ccus = by_name["ccus_lead_time"]
    assert carried(ccus, 1095, plan_roadmap[4], 2050) == pytest.approx(540 + 1095 - 540)
    assert target_item(by_name["hydrogen_lead_time"], plan_roadmap) is None  # no hydrogen in this plan
    out = mapped_block(block, maps, plan_roadmap, 2050)
    assert "hydrogen_lead_time" not in out and out["pv_phase1_year"]["path"] == "roadmap.plan_rooftop_pv.year"
    assert (out["pv_phase1_year"]["low"], out["pv_phase1_year"]["high"]) == (2031, 2033)
    assert out["green_2040_share"]["rank_correlation"] == {"grid_2040": -0.3}


def test_plan_on_another_park_with_park_option(tmp_path, capsys):
    """``parktwin plan SCENARIO --park PARK.yaml`` plans for that park (as run/mc/compare do): its
    bounds come from that park (a battery of half an hour of its 40 MW import limit, not 20 MW) and
    the written plan names the park, so a fresh run of it is on the same park."""
    path = write_park(tmp_path)
    other = dict(PARK, name="other", grid=dict(PARK["grid"], import_limit_kw=40000))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "park2.yaml").write_text(yaml.safe_dump(other), encoding="utf-8")
    targets = tmp_path / "targets.yaml"
    targets.write_text(yaml.safe_dump({"targets": {"review": {2027: {"net_emissions_max_tco2": 1e9}}}}), encoding="utf-8")
    out = tmp_path / "plans" / "plan.yaml"
    code = main(["plan", str(path), "--targets", str(targets), "--park", str(tmp_path / "other" / "park2.yaml"), "--out", str(out),
                 "--trials", "4", "--executor", "serial", "--no-progress"])
    assert code == 0, capsys.readouterr().err
    result = json.loads(out.with_name("plan.plan.json").read_text(encoding="utf-8"))
    battery = next(c for c in result["candidates"] if c["kind"] == "battery")
    assert battery["max_value"] == pytest.approx(0.5 * 40000)
    assert any(n["kind"] == "rooftop_pv" for n in result["not_planned"])
    assert "park: ../other/park2.yaml" in out.read_text(encoding="utf-8")
    assert api.load(out).scenario.park.grid.import_limit_kw == 40000


class CannedRunner:
    """A runner whose runs answer from a function of the plan's roadmap (no simulation)."""

    def __init__(self, answer):
        self.answer, self.jobs = answer, []

    def evaluate(self, jobs, stage, label=None):
        self.jobs += jobs
        return [self.answer(json.loads(changes)["roadmap"]) for changes, _, _ in jobs]


def _dac_candidate(max_value=50_000.0):
    from parktwin.planning.candidates import Candidate

    return Candidate("direct_air_capture", "direct_air_capture", "", "capacity_tco2_per_yr", max_value, 540.0, "cap", 1, 2035)


def test_removals_are_bounded_by_twice_the_residual_every_other_candidate_leaves():
    """Endogeneity principle (report §4.3): removals only for what the park's own measures leave.
    Every other candidate at its bound leaves 1,234 t from 2050 → the bound is 2 × 1,234 = 2,468 t/yr
    (rounded up to 10 t: 2,470); with nothing left, removals are dropped with the reason."""
    from parktwin.planning.candidates import Candidate
    from parktwin.planning.screen import size_removals

    eff = Candidate("efficiency_1", "efficiency", "", "share", 0.1, 180.0, "firms", 1, 0)
    years = [2048, 2049, 2050]
    runner = CannedRunner(lambda roadmap: {"years": years, "net_tco2": [9_999.0, 1_000.0, 1_234.0]})
    cands, dropped = size_removals(runner, {"roadmap": []}, [eff, _dac_candidate()], 2027, 0, residual_from=2049)
    assert len(runner.jobs) == 1 and [c.kind for c in cands] == ["efficiency", "direct_air_capture"] and not dropped
    assert cands[1].max_value == 2_470.0
    assert all(it["kind"] != "direct_air_capture" for it in json.loads(runner.jobs[0][0])["roadmap"])  # the residual run has no removals
    none_left = CannedRunner(lambda roadmap: {"years": years, "net_tco2": [5.0, -1.0, -3.0]})
    cands, dropped = size_removals(none_left, {"roadmap": []}, [eff, _dac_candidate()], 2027, 0, residual_from=2049)
    assert [c.kind for c in cands] == ["efficiency"] and dropped[0].kind == "direct_air_capture" and "nothing for removals" in dropped[0].reason


def test_polish_resizes_removals_to_what_is_left_and_delays_what_the_targets_allow():
    """A canned park: net emissions in 2050 = 3,000 t − the DAC's capacity; cost = the DAC's capacity ×
    1,000 CNY + 10 M CNY per year the efficiency programme comes before 2040 (a later year is cheaper).
    From DAC 4,000 t/yr and efficiency in 2036, the polish must land on DAC 3,000 × 1.01 → 3,030 t/yr
    (the resize move) and efficiency in 2040 (the latest year allowed here), each move verified by a run."""
    from parktwin.planning.candidates import Candidate
    from parktwin.planning.polish import polish

    eff = Candidate("efficiency_1", "efficiency", "", "share", 0.1, 180.0, "firms", 1, 0)
    dac = _dac_candidate(10_000.0)

    def answer(roadmap):
        by = {it["kind"]: it for it in roadmap}
        cap = by.get("direct_air_capture", {}).get("capacity_tco2_per_yr", 0.0)
        eff_item = by.get("efficiency")
        net = 3_000.0 - cap
        ok = net <= 0 and eff_item is not None and eff_item["share"] >= 0.1 - 1e-9 and eff_item["year"] <= 2040
        npv = cap * 1_000.0 + (10e6 * (2040 - eff_item["year"]) if eff_item else 0.0) + (0 if eff_item is None else 1e6 * eff_item["share"])
        return {"years": [2049, 2050], "net_tco2": [net, net], "npv_cny": npv, "feasible": ok, "targets": {}}

    start = [Choice(eff, 1.0, 2036), Choice(dac, 0.4, 2040)]
    chosen, best, history = polish(CannedRunner(answer), {"roadmap": []}, start, answer([{"kind": "efficiency", "share": 0.1, "year": 2036},
                                   {"kind": "direct_air_capture", "capacity_tco2_per_yr": 4000.0, "year": 2040}]), [eff, dac], 0, 2040, 2050,
                                   lambda c: 2027)
    by = {ch.candidate.kind: ch for ch in chosen}
    assert by["direct_air_capture"].value == pytest.approx(3_030.0)
    assert by["efficiency"].year == 2040 and by["efficiency"].level == 1.0
    assert best["feasible"] and history
    # its cost by hand: 3,030 t × 1,000 CNY + 0 years early + 1 M CNY × share 0.1 = 3,130,000 CNY, the last move's
    assert best["npv_cny"] == pytest.approx(3_130_000.0) and history[-1]["npv_cny"] == pytest.approx(3_130_000.0)


def test_a_plans_runs_are_annual_only_and_judge_as_a_full_run_does():
    """The planner's runs keep only what the annual table needs (``simulate(annual_only=True)``, as a
    Monte Carlo replicate) and build only the tables their summary reads (``summary_of_record``); the
    summary it judges targets and costs on equals a full run's ``Results``', number for number."""
    from parktwin.kernel.model import simulate
    from parktwin.planning.evaluate import summarise, summary_of_record
    from parktwin.results.tables import build_results

    sc = api.load("scenarios/net_zero_2050.yaml").scenario
    rate = sc.finance.social_discount_rate
    targets = parse_targets("zero_carbon_park=2040,net_zero=2050,review=scenario", sc)
    full, annual = (summarise(build_results(simulate(sc, seed=0, annual_only=a), {"social_discount_rate": rate}),
                              targets) for a in (False, True))
    assert json.dumps(full, sort_keys=True, default=str) == json.dumps(annual, sort_keys=True, default=str)
    lean = summary_of_record(simulate(sc, seed=0, annual_only=True), rate, targets)
    assert json.dumps(full, sort_keys=True, default=str) == json.dumps(lean, sort_keys=True, default=str)


def test_combined_moves_take_the_best_move_of_each_measure_and_leave_swaps_out():
    """Moves best first: 'lower a' and 'delay b' combine; 'delay a' (a second move of a) is left out;
    a swap (it adds a measure) is never part of a combination; one measure alone is no combination."""
    from parktwin.planning.candidates import Candidate
    from parktwin.planning.polish import combine_moves

    a, b, c = (Candidate(x, "efficiency", "", "share", 0.1, 180.0, "firms", 1, 0) for x in "abc")
    current = [Choice(a, 1.0, 2030), Choice(b, 1.0, 2030)]
    lower_a = ("lower a", [Choice(a, 0.95, 2030), current[1]])
    delay_a = ("delay a", [Choice(a, 1.0, 2031), current[1]])
    delay_b = ("delay b", [current[0], Choice(b, 1.0, 2031)])
    swap_c = ("swap in c", [*current, Choice(c, 1.0, 2030)])
    label, chosen = combine_moves(current, [lower_a, swap_c, delay_a, delay_b])
    assert label == "lower a + delay b"
    assert chosen == [Choice(a, 0.95, 2030), Choice(b, 1.0, 2031)]
    assert combine_moves(current, [lower_a, delay_a, swap_c]) is None


def test_the_robust_aim_is_the_confidence_plus_one_standard_error_of_the_sample():
    """One standard error of a share c measured on n replicates is sqrt(c(1 − c)/n): at c = 0.9 and
    n = 60 it is sqrt(0.0015) = 0.03873 (the 3.9 points robust.py's docstring quotes), so the aim is
    0.93873; at c = 0.8, n = 12: 0.8 + sqrt(0.16/12) = 0.91547; never above 1."""
    from parktwin.planning.robust import required_share

    assert required_share(0.9, 60) == pytest.approx(0.9 + math.sqrt(0.0015), rel=1e-12)
    assert required_share(0.9, 60) == pytest.approx(0.93873, abs=1e-5)
    assert required_share(0.8, 12) == pytest.approx(0.91547, abs=1e-5)
    assert required_share(0.99, 1) == 1.0  # 0.99 + sqrt(0.0099) = 1.089, capped


def test_the_robust_removal_resize_takes_the_aimed_quantile_of_what_each_replicate_leaves():
    """Removals of 2,000 t/yr; four replicates leave −100, 500, 1,000 and 3,000 t from 2050 (a fifth run
    failed and is left out): a replicate needs 2,000 + what it leaves = 1,900, 2,500, 3,000, 5,000 t. The
    median taken upward (numpy 'higher') is 3,000 t, × 1.01 (screen.RESIZE_MARGIN) = 3,030 t/yr, inside
    the planning row's 50,000 t cap; the screen's bound of 2,000 grows to it. With a cap of 2,500 t the
    resize stops there; removals already large enough (a replicate needing 1,900 t) are not resized."""
    from dataclasses import replace

    from parktwin.planning.robust import removal_resize

    eff = Choice(candidates_module.Candidate("efficiency_1", "efficiency", "", "share", 0.1, 180.0, "firms", 1, 0), 1.0, 2030)
    dac = Choice(replace(_dac_candidate(2_000.0), cap=50_000.0), 1.0, 2040)
    runs = [{"years": [2049, 2050], "net_tco2": [9e9, n]} for n in (-100.0, 500.0, 1_000.0, 3_000.0)] + [{"error": "failed"}]
    label, moved = removal_resize([eff, dac], runs, 0.5, 2050)
    assert moved[0] == eff and moved[1].year == 2040
    assert moved[1].value == pytest.approx(3_030.0) and moved[1].candidate.max_value == pytest.approx(3_030.0)
    assert "3,030" in label
    capped = Choice(replace(_dac_candidate(2_000.0), cap=2_500.0), 1.0, 2040)
    assert removal_resize([eff, capped], runs, 0.5, 2050)[1][1].value == pytest.approx(2_500.0)
    assert removal_resize([eff, dac], runs[:1], 0.5, 2050) is None
    assert removal_resize([eff], runs, 0.5, 2050) is None  # no removals in the plan


def test_a_blocked_stage_names_each_failing_indicator_against_its_threshold_in_its_first_failing_year():
    """A hand-made run of three years judged for zero-carbon from 2040: the core indicator is 0.25 and
    0.22 tCO₂/tce against ≤ 0.2 in 2040 and 2041 (failing twice: named once, at its first year), the
    clean-energy share 0.5 against ≥ 0.6 in 2041, one core indicator not assessed; when met, the slack
    names the tightest indicator (the smallest relative margin: 0.19 against ≤ 0.2, 5 %)."""
    import pandas as pd

    from parktwin.planning.targets import assess_targets

    annual = pd.DataFrame({"year": [2040, 2041], "gross_tco2": [1000.0, 900.0], "net_tco2": [10.0, 0.0], "capex_cny": [0.0, 0.0]})
    rows = [(2040, "core_indicator", True, True, "not_met", 0.25, 0.2, "max"),
            (2041, "core_indicator", True, True, "not_met", 0.22, 0.2, "max"),
            (2041, "clean_share", True, False, "not_met", 0.5, 0.6, "min"),
            (2041, "water_reuse", True, True, "not_assessed", float("nan"), 0.9, "min")]
    assessment = pd.DataFrame(rows, columns=["year", "indicator", "mandatory", "core", "status", "value", "threshold", "direction"])
    assessment["stage"] = "zero_carbon"
    stages = pd.DataFrame({"year": [2040, 2041], "stage_reached": ["eco_industrial"] * 2, "blocking": [["zc"], ["zc"]]})
    v = assess_targets(Targets(stages={"zero_carbon": 2040}), annual, assessment, stages)["zero_carbon_park_2040"]
    assert not v["met"]
    assert v["slack"] == ("blocked by zc: core_indicator 0.25 against ≤ 0.2 in 2040 (and 1 later years); "
                          "clean_share 0.5 against ≥ 0.6 in 2041; water_reuse not assessed (no data)")
    met = pd.DataFrame([(2040, "core_indicator", True, True, "met", 0.19, 0.2, "max"), (2040, "clean_share", True, False, "met", 0.9, 0.6, "min")],
                       columns=["year", "indicator", "mandatory", "core", "status", "value", "threshold", "direction"]).assign(stage="zero_carbon")
    reached = pd.DataFrame({"year": [2040, 2041], "stage_reached": ["zero_carbon"] * 2, "blocking": [[], []]})
    assert assess_targets(Targets(stages={"zero_carbon": 2040}), annual, met, reached)["zero_carbon_park_2040"]["slack"] == \
        "tightest core_indicator 0.19 against ≤ 0.2 in 2040"


def test_a_plan_on_forked_process_workers_equals_the_serial_plan(tmp_path):
    """The runner's pool (workers forked after this process ran the first evaluation, tasks naming the
    base document by digest) gives every evaluation the serial runner gives, number for number: the
    same cache entries, trials, roadmap, claims and written file."""
    path = write_park(tmp_path)
    serial = plan(path, "net_zero=2027", tmp_path / "s" / "plan.yaml", n_trials=8, seed=2)
    pooled = plan(path, "net_zero=2027", tmp_path / "p" / "plan.yaml", n_trials=8, seed=2, executor="processes", workers=2)

    def cached(folder: str) -> dict:
        lines = (tmp_path / folder / "plan.plan-cache.jsonl").read_text(encoding="utf-8").splitlines()
        return {row["key"]: row["result"] for row in map(json.loads, lines)}

    assert cached("p") == cached("s") and len(cached("s")) == sum(serial.runs.values())
    assert pooled.runs == serial.runs and [t["params"] for t in pooled.trials] == [t["params"] for t in serial.trials]
    assert pooled.roadmap == serial.roadmap and pooled.claims == serial.claims
    assert (tmp_path / "p" / "plan.yaml").read_text() == (tmp_path / "s" / "plan.yaml").read_text()


def test_applying_choices_leaves_the_base_document_as_it_was_and_shares_only_what_it_does_not_change(tmp_path):
    """``candidates.apply_choices`` copies only the top level (a deep copy cost ~3 ms a plan job): the
    plan's roadmap and offsets are its own, the base document (with its offsets block) is unchanged,
    and the park, which no caller changes, is the base's object."""
    loaded = api.load(write_park(tmp_path))
    base = loaded.document
    base["offsets"] = {"start_year": 2040, "max_share_of_gross": 0.01, "price_cny_per_tco2": 50.0}
    before = copy.deepcopy(base)
    cands = {c.kind: c for c in candidates(loaded.scenario)}
    year = loaded.scenario.base_year + 1
    doc = apply_choices(base, [Choice(cands["efficiency"], 0.5, year), Choice(cands[OFFSETS], 0.5, year)])
    assert base == before  # nothing of the base changed, its offsets block included
    assert doc is not base and doc["park"] is base["park"]
    assert [it["kind"] for it in doc["roadmap"]] == ["efficiency"] and doc["roadmap"] is not base.get("roadmap")
    assert doc["offsets"] == before["offsets"] | {"start_year": year, "max_share_of_gross": round(0.5 * cands[OFFSETS].max_value, 6)}

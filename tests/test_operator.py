"""The operator's PDCA loop (check on the glide path, escalate when off track) and capped offsets."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import scenario
from parktwin import run
from parktwin.accounting.inventory import ElectricitySupply, account_year
from parktwin.agents.base import EnergyRow
from parktwin.agents.operator import Assets, _fold  # the operator's own initial state and fold
from parktwin.agents.pdca import SubsidyFund, glide_target
from parktwin.economics.catalogue import capex_cny
from parktwin.kernel.model import ParkModel
from parktwin.spec.load import load
from parktwin.spec.scenario import ReviewTarget

GREEN = {"id": "green", "action": "more_green_contracts", "step_share_per_yr": 0.2, "max_share": 0.5}
PV = {"id": "pv", "action": "faster_pv", "kwp_per_yr": 500, "lead_time_days": 30}
NET_ZERO_2030 = {2030: {"net_emissions_max_tco2": 0.0}}


def _pdca(esc, targets=NET_ZERO_2030, **fields):
    return scenario(horizon_years=5, review_targets=targets, operator={"escalation": esc}, **fields)


def test_glide_path_runs_from_the_base_year_value_to_the_dated_targets():
    # base 100 in 2025, 0 in 2030, 10 in 2035: 2026 → 80, 2030 → 0, 2032 → 4, after 2035 flat at 10
    targets = {2030: ReviewTarget(net_emissions_max_tco2=0.0), 2035: ReviewTarget(net_emissions_max_tco2=10.0)}
    got = [glide_target(targets, "net_tco2", y, 2025, 100.0) for y in (2026, 2030, 2032, 2040)]
    assert got == pytest.approx([80.0, 0.0, 4.0, 10.0], abs=1e-12)
    assert glide_target(targets, "clean_energy_share", 2030, 2025, 0.3) is None  # no target names it


def test_an_off_track_park_escalates_and_a_park_on_track_does_not():
    off = run(_pdca([GREEN, PV]), seed=0)
    on = run(_pdca([GREEN, PV], targets={2030: {"net_emissions_max_tco2": 1e9}}), seed=0)
    # off track: the 2026 target is one fifth of the way from the base year's net to 0
    base = off.year(2025)["net_tco2"]
    row = off.reviews[(off.reviews["year"] == 2026) & (off.reviews["action"] == "")].iloc[0]
    assert row["target"] == pytest.approx(base * 4 / 5, rel=1e-12)
    assert not row["met"] and row["gap"] == pytest.approx(row["value"] - row["target"], rel=1e-12)
    acted = off.reviews[off.reviews["action"] != ""]
    assert set(acted["action"]) == {"more_green_contracts", "faster_pv"}
    assert (off.events["origin"] == "pdca").sum() > 0
    assert set(off.events.loc[off.events["origin"] == "pdca", "kind"]) == {"pdca_green_power", "pdca_pv"}
    # on track: checked every year, no action, no event
    assert len(on.reviews) == 5 and on.reviews["met"].all() and (on.reviews["action"] == "").all()
    assert on.events.empty


def test_green_contracts_step_up_and_never_exceed_the_cap():
    res = run(_pdca([GREEN]), seed=0)
    share = res.annual.set_index("year")["green_power_share"]
    # 20 % a year from the year after each off-track review, capped at 50 %
    assert share.tolist() == pytest.approx([0.0, 0.0, 0.2, 0.4, 0.5, 0.5])
    assert (share <= GREEN["max_share"] + 1e-12).all()
    # a roadmap share above the cap is kept (the rule only sets a floor), and the rule buys nothing
    roadmap = [{"kind": "green_power", "year": 2026, "share": 0.7}]
    high = run(_pdca([GREEN], roadmap=roadmap), seed=0).annual.set_index("year")["green_power_share"]
    assert high.loc[2026:].tolist() == pytest.approx([0.7] * 5)


def test_faster_pv_adds_its_kwp_each_year_up_to_the_roof_share():
    res = run(_pdca([PV]), seed=0)
    pv = res.annual.set_index("year")["pv_kwp"]
    room = 0.8 * 10_000 * 0.15  # max_roof_share × roof m² × kWp/m² = 1,200 kWp
    assert pv.tolist() == pytest.approx([0, 0, 500, 1000, room, room])
    bought = res.investments[res.investments["technology"] == "rooftop_pv"]
    assert bought["capacity"].sum() == pytest.approx(room)
    # the money committed is the kWp ordered at next year's catalogue capex
    acted = res.reviews[res.reviews["action"] == "faster_pv"].set_index("year")
    assert acted.loc[2026, "committed_cny"] == pytest.approx(500 * capex_cny("rooftop_pv", 2027), rel=1e-12)


FUND_DECISIONS = {"enabled": True, "openness": {"mean": 1.0}}


def _fund(budget_cny: float, share: float = 0.5):
    rule = {"id": "fund", "action": "park_subsidy_fund", "budget_cny_per_yr": budget_cny, "capex_share": share}
    return _pdca([rule], decisions=FUND_DECISIONS, carbon_price_cny_per_tco2={2025: 200})


def test_the_fund_pays_its_share_of_capex_and_never_more_than_its_budget():
    rich = run(_fund(2e6), seed=0)
    paid = rich.annual.set_index("year")["subsidy_fund_paid_cny"]
    firm = rich.investments[rich.investments["entity"] == "works"]
    assert len(firm) > 0  # without the fund this firm takes nothing (test below)
    # the fund pays 50 % of the capex of the projects decided while it had money
    assert paid.sum() == pytest.approx(0.5 * firm["capex_cny"].sum(), rel=1e-12)
    # a poor fund is emptied and pays exactly what was put in, not more
    poor = run(_fund(1e5), seed=0)
    paid_poor = poor.annual["subsidy_fund_paid_cny"]
    deposits = poor.reviews.loc[poor.reviews["action"] == "park_subsidy_fund", "committed_cny"]
    assert paid_poor.sum() <= deposits.sum() + 1e-6
    assert paid_poor.sum() == pytest.approx(1e5, rel=1e-12)  # the first year's money, all spent on one project
    # subsidies are transfers: the system cost is the same parts as without the fund
    a = rich.annual
    parts = a[["capex_cny", "fixed_om_cny", "electricity_cost_cny", "fuel_cost_cny", "certificate_cost_cny", "offsets_cost_cny"]]
    assert a["system_cost_cny"].to_numpy() == pytest.approx(parts.sum(axis=1).to_numpy(), rel=1e-12)


def test_without_the_fund_the_firm_does_not_invest():
    sc = scenario(horizon_years=5, decisions=FUND_DECISIONS, carbon_price_cny_per_tco2={2025: 200})
    assert run(sc, seed=0).investments.empty


@given(budget=st.floats(1.0, 1e7), share=st.floats(0.01, 0.99), capex=st.lists(st.floats(0.0, 1e7), max_size=20))
@settings(max_examples=200, deadline=None)
def test_subsidy_fund_claims_never_exceed_the_money_put_in(budget, share, capex):
    fund = SubsidyFund(share, ("heat_pump",))
    fund.deposit(budget)
    paid = [fund.claim(2030, "f", f"p{i}", "heat_pump", c) for i, c in enumerate(capex)]
    assert sum(paid) <= budget * (1 + 1e-12)
    assert all(0 <= p <= share * c * (1 + 1e-12) for p, c in zip(paid, capex))
    assert fund.balance_cny >= -1e-9


def test_escalation_lowers_net_emissions_against_the_same_scenario_without_it():
    with_rules = run(_pdca([GREEN, PV]), seed=4).annual.set_index("year")["net_tco2"]
    without = run(scenario(horizon_years=5, review_targets=NET_ZERO_2030), seed=4).annual.set_index("year")["net_tco2"]
    assert with_rules.loc[2025:2026].tolist() == without.loc[2025:2026].tolist()  # nothing acts before 2027
    assert (with_rules.loc[2027:] < without.loc[2027:]).all()


def test_escalation_is_deterministic():
    sc = _pdca([GREEN, PV, ])
    a, b = run(sc, seed=9), run(sc, seed=9)
    for name in ("reviews", "events", "annual", "investments"):
        pd.testing.assert_frame_equal(a.tables()[name], b.tables()[name], check_exact=True, obj=name)


def test_a_fund_without_deciding_firms_is_refused():
    rule = {"id": "fund", "action": "park_subsidy_fund", "budget_cny_per_yr": 1e6, "capex_share": 0.5}
    with pytest.raises(ValueError, match="decisions.enabled"):
        _pdca([rule])


# -- offsets: only the residual after reductions and removals, capped (the endogeneity principle) --------------

def _account(coal_t, process_t, captured_t, grid_mwh, green_share, removals_t, cap):
    rows = [EnergyRow("f", "enterprise", "coal", coal_t, "t"), EnergyRow("f", "enterprise", "process_co2", process_t, "tCO2"),
            EnergyRow("f", "enterprise", "captured_co2", min(captured_t, process_t), "tCO2"),
            EnergyRow("f", "enterprise", "electricity", grid_mwh, "MWh")]
    kwh = grid_mwh * 1000.0
    supply = ElectricitySupply(kwh, kwh, 0.0, 0.0, 0.0, 0.0, 0.0, green_share * kwh)
    return account_year(2040, rows, supply, 0.5, "east_china", 0.4, "equivalent", removals_t, cap)


@given(coal_t=st.floats(0, 1e5), process_t=st.floats(0, 1e5), captured_t=st.floats(0, 1e5), grid_mwh=st.floats(0, 1e6),
       green_share=st.floats(0, 1), removals_t=st.floats(0, 1e6), cap=st.one_of(st.none(), st.floats(0, 1)))
@settings(max_examples=300, deadline=None)
def test_offsets_never_exceed_their_cap_nor_the_residual(coal_t, process_t, captured_t, grid_mwh, green_share, removals_t, cap):
    emissions, _, s = _account(coal_t, process_t, captured_t, grid_mwh, green_share, removals_t, cap)
    residual = s["gross_tco2"] - s["removals_tco2"]
    assert s["offsets_tco2"] >= 0
    assert s["offsets_tco2"] <= (cap or 0.0) * s["gross_tco2"] * (1 + 1e-12) + 1e-9
    assert s["offsets_tco2"] <= max(residual, 0.0) * (1 + 1e-12) + 1e-9
    if residual <= 0:  # already net zero by reductions and removals: nothing is bought
        assert s["offsets_tco2"] == 0
    # reported apart: one offset row carrying exactly the offsets, and net = gross − removals − offsets
    offset_rows = [r for r in emissions if r[3] == "offset"]
    assert sum(-r[-1] for r in offset_rows) == pytest.approx(s["offsets_tco2"], abs=1e-9)
    assert s["net_tco2"] == pytest.approx(s["gross_tco2"] - s["removals_tco2"] - s["offsets_tco2"], abs=1e-6)


def test_offsets_by_hand():
    # 1,000 t coal × 1.9003 tCO₂/t = 1,900.3 t scope 1; 1,000 MWh grid at 0.5 kg/kWh, 40 % green → 300 t market scope 2
    # gross 2,200.3 t; removals 100 t; cap 10 % → min(2,100.3, 220.03) = 220.03 t
    _, _, s = _account(1000.0, 0.0, 0.0, 1000.0, 0.4, 100.0, 0.1)
    assert s["gross_tco2"] == pytest.approx(1900.3 + 300.0, rel=1e-12)
    assert s["offsets_tco2"] == pytest.approx(220.03, rel=1e-12)
    # removals of 2,150 t leave 50.3 t: the cap (220 t) does not bind, offsets buy the 50.3 t and no more
    _, _, s = _account(1000.0, 0.0, 0.0, 1000.0, 0.4, 2150.0, 0.1)
    assert s["offsets_tco2"] == pytest.approx(50.3, rel=1e-9) and s["net_tco2"] == pytest.approx(0.0, abs=1e-9)


def test_offsets_are_priced_at_the_ccer_price_unless_the_scenario_sets_one():
    from parktwin.economics.catalogue import price_cny

    res = run(scenario(offsets={"start_year": 2026, "max_share_of_gross": 0.1}), seed=0)
    y = res.year(2026)
    assert y["offsets_cost_cny"] == pytest.approx(y["offsets_tco2"] * price_cny("ccer", 2026), rel=1e-12)
    set_price = run(scenario(offsets={"start_year": 2026, "max_share_of_gross": 0.1, "price_cny_per_tco2": 120.0}), seed=0)
    assert set_price.year(2026)["offsets_cost_cny"] == pytest.approx(set_price.year(2026)["offsets_tco2"] * 120.0, rel=1e-12)


def test_faster_pv_can_bring_the_roadmaps_next_rooftop_pv_forward():
    rule = dict(PV, advance_roadmap=True)
    roadmap = [{"id": "pv_late", "kind": "rooftop_pv", "year": 2029, "lead_time_days": 30, "roof_share": 0.5}]
    res = run(_pdca([rule], roadmap=roadmap), seed=0)
    ev = res.events[res.events["id"] == "pv_late"]
    # off track after 2026: the 2029 item is started on 1 January 2027 instead, once, by the PDCA
    assert len(ev) == 1 and (ev["year"].iloc[0], ev["origin"].iloc[0]) == (2027, "pdca")
    pv = res.annual.set_index("year")["pv_kwp"]
    half_roof = 0.5 * 10_000 * 0.15  # 750 kWp; then 500 kWp a year up to 80 % of the roof (1,200 kWp)
    assert pv.tolist() == pytest.approx([0, 0, half_roof, 1200, 1200, 1200])


def test_the_pdca_figure_shows_the_glide_path_and_the_money_committed_and_only_with_escalation():
    from parktwin.viz.pdca import pdca_figure

    res = run(_pdca([GREEN, PV]), seed=0)
    fig = pdca_figure(res, "en")
    traces = {tr.name: tr for tr in fig.data}
    checks = res.reviews[(res.reviews["action"] == "") & (res.reviews["indicator"] == "net_tco2")]
    assert list(traces["glide path to the targets"].y) == pytest.approx(checks["target"].tolist())
    acted = res.reviews[res.reviews["action"] == "faster_pv"]
    assert sum(traces["faster rooftop PV"].y) == pytest.approx(acted["committed_cny"].sum() / 1e6)
    assert pdca_figure(run(scenario(review_targets=NET_ZERO_2030), seed=0), "en") is None


def test_the_state_before_a_change_folded_on_from_the_carried_state_is_the_one_folded_from_the_start():
    """``state_before(..., carried=True)`` (the grid upgrade's previous limit) goes on from the state
    the operator's yearly fold carries; for every change, before and after the years folded, it is the
    state folded from the first change."""
    op = ParkModel(load("scenarios/bau.yaml").scenario, seed=0).operator
    initial = Assets(op.park.grid.import_limit_kw)
    hours = [0.0, 10.0, 8760.0, 9000.0, 9000.0, 20_000.0, 26_280.0, 30_000.0]
    changes = [op.commission(h, "grid", 1e5 + 1e3 * i, f"g{i}") if i % 2 else op.commission(h, "pv", 50.0 * i, f"p{i}")
               for i, h in enumerate(hours)]
    for year_start in (None, 0, 8760, 17_520, 26_280):
        if year_start is not None:
            op.year_segments(year_start, initial, _fold)
        for change in changes:
            assert op.state_before(change, initial, _fold, carried=True) == op.state_before(change, initial, _fold)

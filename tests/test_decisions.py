"""Enterprises decide: NPV by hand, monotone response to the carbon price, mandates, reproducibility."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import parktwin
from parktwin.agents.decisions import Option, choose, present_value_factor
from parktwin.economics.finance import annuity_factor

SMALL = Path(__file__).resolve().parents[1] / "models" / "small_park.yaml"


def scenario_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "decide.yaml"
    path.write_text(f"name: decide\npark: {SMALL}\nhorizon_years: 10\noutputs: {{hourly_years: [2025]}}\n{body}", encoding="utf-8")
    return path


def adopted(results) -> dict[str, int]:
    """Number of projects the firms started themselves, by kind (the events table's origin is the firm)."""
    ev = results.events
    own = ev[~ev["origin"].isin(["roadmap", "operator", "grid"])]
    return {kind: int((own["kind"] == kind).sum()) for kind in ("electrify_boilers", "efficiency")}


def test_npv_and_payback_by_hand():
    # capex 1,000, saving 150 a year for 10 years at 8 %: annuity factor (1 − 1.08^−10)/0.08 = 6.7100814
    o = Option("heat_pump", 0.25, 1000.0, 150.0, 10.0, 10)
    assert o.npv_cny(0.08) == pytest.approx(-1000 + 150 * 6.7100814, abs=1e-4)
    assert o.payback_yr() == pytest.approx(1000 / 150)
    assert o.npv_cny(0.0) == pytest.approx(500.0)


def test_present_value_factor_is_the_inverse_of_the_capital_recovery_factor():
    # the same 6.7100814 as above; the capital recovery factor at 8 %, 10 years is 0.1490295 (its inverse)
    assert present_value_factor(0.08, 10) == pytest.approx(6.7100814, abs=1e-6)
    assert present_value_factor(0.08, 10) * annuity_factor(0.08, 10) == pytest.approx(1.0, rel=1e-12)


def test_choose_takes_positive_npv_within_payback_and_budget_best_first():
    a = Option("heat_pump", 0.25, 1000.0, 300.0, 0.0, 10)  # NPV 1013 at 8 %
    b = Option("efficiency", 0.05, 500.0, 120.0, 0.0, 10)  # NPV 305
    c = Option("electric_boiler", 0.25, 1000.0, 100.0, 0.0, 10)  # NPV < 0
    assert choose([b, c, a], 0.08, 10, np.inf) == [a, b]
    assert choose([b, c, a], 0.08, 10, 1200.0) == [a]  # b no longer fits the budget
    assert choose([b, c, a], 0.08, 3.5, np.inf) == [a]  # b's payback 4.2 years is too long


@pytest.mark.parametrize("seed", [0, 1])
def test_adoption_never_falls_as_the_carbon_price_rises(tmp_path, seed):
    body = "decisions: {enabled: true, budget_share_of_value_added: null, peer_effect: 0.0}\n"
    counts = []
    for price in (0, 200, 800, 3000):
        path = scenario_file(tmp_path, body + f"carbon_price_cny_per_tco2: {{2025: {price}}}\n")
        res = parktwin.run(path, seed=seed)
        counts.append(adopted(res))
    for low, high in zip(counts, counts[1:]):
        assert high["electrify_boilers"] >= low["electrify_boilers"], counts
    assert counts[-1]["electrify_boilers"] > 0  # a high enough price moves someone


def test_mean_abatement_rises_with_the_price_with_budgets_and_peers_on(tmp_path):
    body = "decisions: {enabled: true, peer_effect: 1.0}\n"
    means = []
    for price in (0, 3000):
        path = scenario_file(tmp_path, body + f"carbon_price_cny_per_tco2: {{2025: {price}}}\n")
        scope1 = [parktwin.run(path, seed=s).year(2035)["scope1_tco2"] for s in range(3)]
        means.append(np.mean(scope1))
    assert means[1] < means[0]


def test_a_mandate_is_met_from_its_start_year(tmp_path):
    body = "policy: {mandates: [{start_year: 2030, share: 0.6}], approval_days: 200}\n"
    res = parktwin.run(scenario_file(tmp_path, body), seed=0)
    model_years = res.annual.set_index("year")
    assert model_years.loc[2029, "scope1_tco2"] > model_years.loc[2030, "scope1_tco2"]
    # every firm with boiler heat has ≥ 60 % of it electric from 2030 on: check through the kernel's agents
    from parktwin.kernel.model import ParkModel

    model = ParkModel(parktwin.load(scenario_file(tmp_path, body)).scenario, seed=0)
    model.env.process(model._annual_cycle())
    model.env.run(until=6 * 8760)  # through 2030's first hour
    for firm in model.enterprises.values():
        if firm.boiler_heat_kwh() > 0:
            assert firm.electrified_heat_share() >= 0.6 - 1e-9, firm.entity_id


def test_same_seed_same_decisions_different_seed_different_firms(tmp_path):
    path = scenario_file(tmp_path, "decisions: {enabled: true}\ncarbon_price_cny_per_tco2: {2025: 800}\n")
    a, b, c = (parktwin.run(path, seed=s) for s in (4, 4, 5))
    assert a.events.equals(b.events)
    assert not a.events.equals(c.events)


def test_nothing_is_decided_when_firms_do_not_decide(tmp_path):
    res = parktwin.run(scenario_file(tmp_path, "carbon_price_cny_per_tco2: {2025: 3000}\n"), seed=0)
    assert sum(adopted(res).values()) == 0


def test_the_report_shows_adoption_by_sector(tmp_path):
    from parktwin.viz.figures import adoption_figure

    path = scenario_file(tmp_path, "decisions: {enabled: true}\ncarbon_price_cny_per_tco2: {2025: 800}\n")
    res = parktwin.run(path, seed=0)
    fig = adoption_figure(res, "en")
    final = sum(np.asarray(tr.y)[-1] for tr in fig.data)
    assert final == sum(adopted(res).values())


def test_foresight_averages_the_carbon_path_ahead():
    from parktwin.kernel.model import DecisionContext
    from parktwin.spec.scenario import Decisions

    path = {2025: 100.0, 2035: 300.0}  # +20 CNY/t a year, flat after 2035
    myopic = DecisionContext(2030, None, Decisions(), None, path, {})
    ahead = DecisionContext(2030, None, Decisions(expectation="foresight", foresight_yr=10), None, path, {})
    assert myopic.carbon_price(2030, 10) == pytest.approx(200.0)
    # 2030..2039: 200, 220, …, 300, 300, 300, 300 → mean 265
    assert ahead.carbon_price(2030, 10) == pytest.approx((200 + 220 + 240 + 260 + 280 + 300 * 5) / 10)


def test_a_myopic_price_is_the_runs_interpolated_path_at_the_year():
    """A myopic firm's expected carbon price in a year is the point of the run's interpolated carbon
    path (``ParkModel.carbon_charge_cny_per_tco2``) at that year, bit for bit, whichever year a context
    asks about; a foresight expectation is the path's mean over the life."""
    from parktwin.data import interpolate_path
    from parktwin.kernel.model import DecisionContext
    from parktwin.spec.scenario import Decisions

    path = {2025: 100.0, 2032: 317.3, 2050: 1234.5}
    years = list(range(2025, 2051))
    run_path = interpolate_path(path, years)  # as ParkModel.carbon_charge_cny_per_tco2
    for year in years:
        plain = DecisionContext(year, None, Decisions(), None, path, {})
        assert plain.carbon_price(year, 10) == float(run_path[year - 2025])
        if year < 2050:
            assert plain.carbon_price(year + 1, 10) == float(run_path[year + 1 - 2025])
    ahead = DecisionContext(2030, None, Decisions(expectation="foresight", foresight_yr=10), None, path, {})
    assert ahead.carbon_price(2030, 10) == float(interpolate_path(path, list(range(2030, 2040))).mean())


def test_a_firm_can_discount_at_its_cost_of_capital_with_the_instrument_that_finances_the_measure():
    from parktwin.agents.decisions import wacc_rate

    # capex 1,000 saving 150 a year for 10 years: NPV −78 at 10 %, +158 at 5.38 %
    o = Option("electric_boiler", 0.25, 1000.0, 150.0, 10.0, 10, gross_capex_cny=1000.0)
    # a small electric-heat project of a chemicals firm: green loan, 70 % debt at 3.4 %
    # (data/finance_instruments.csv) → 0.3 × 10 % + 0.7 × 3.4 % = 5.38 %
    assert wacc_rate(o, 0.10, "chemicals") == pytest.approx(0.0538)
    assert choose([o], 0.10, 10, np.inf) == []
    assert choose([o], 0.10, 10, np.inf, rates=[0.0538]) == [o]
    # an efficiency programme: the green fund takes half at its 8 % → 0.5 × 10 % + 0.5 × 8 % = 9 %
    e = Option("efficiency", 0.05, 1000.0, 150.0, 10.0, 15, gross_capex_cny=1000.0)
    assert wacc_rate(e, 0.10, "electronics") == pytest.approx(0.09)


def test_a_firms_view_bill_adds_its_fuels_as_the_full_fuel_list_does(tmp_path):
    # the bill of EnterpriseAgent.firm_view adds only the fuels a firm can have (its view basis); the
    # full list of economics.costs.FUEL_PRICES, left to right from 0, must give the same bits.
    from parktwin.economics.costs import FUEL_PRICES
    from parktwin.kernel.model import ParkModel

    body = "decisions: {enabled: true}\ncarbon_price_cny_per_tco2: {2025: 800}\n"
    model = ParkModel(parktwin.load(scenario_file(tmp_path, body)).scenario, seed=0)
    model.env.process(model._annual_cycle())
    model.env.run(until=3 * 8760 + 1)  # 2028's decisions taken, after 2027's hourly work
    ctx, k = model.decision_context, model.decision_context.constants
    fuelled = 0
    for firm in model.enterprises.values():
        state = firm.current_state()
        view = firm.firm_view(ctx, state)
        rows = firm.last_quantities()
        elec_price = view.electricity_price_cny_per_kwh
        fuel_cost = 0
        for c, (p, mult) in FUEL_PRICES.items():
            fuel_cost += rows.get(c, 0.0) * mult * ctx.price(p)
        assert view.energy_cost_cny_per_yr == rows.get("electricity", 0.0) * 1000.0 * elec_price + fuel_cost
        assert view.scope1_tco2_per_yr == (rows.get("coal", 0.0) * k["coal_kgco2_per_t"] + rows.get("natural_gas", 0.0)
                                           * k["natural_gas_kgco2_per_km3"] + rows.get("diesel", 0.0) * k["diesel_kgco2_per_t"]) / 1000.0
        fuelled += fuel_cost > 0
    assert fuelled > 0  # the small park's firms burn fuels, so the bills compared are not all electricity

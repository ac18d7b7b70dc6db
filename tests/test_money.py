"""Money: instruments on projects, debt service, carbon policy (tax, ETS, none) and the private view.

Expected values are computed by hand in each test from the inputs it states and the rows of
data/finance_instruments.csv, data/carbon_policy.csv and data/ets_benchmarks.csv it names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import scenario

from parktwin import run
from parktwin.data import constant
from parktwin.economics.carbon import (
    benchmark_tco2_per_mcny,
    carbon_positions,
    marginal_price_cny_per_tco2,
    policy_value,
)
from parktwin.economics.cashflows import Loan, private_sums, row_sums, summed_at, year_positions
from parktwin.economics.catalogue import price_cny
from parktwin.economics.finance import financing_instrument, instrument, loan_schedule
from parktwin.spec.scenario import Decisions, Policy

BOILERS = {"id": "eb", "kind": "electrify_boilers", "year": 2026, "share": 0.5, "technology": "electric_boiler"}


# -- instruments ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, borrower, sector, amount, expected",
    [
        ("grid_upgrade", "operator", None, 1e6, "policy_bank_loan"),  # priority 1, grid and shared infrastructure
        ("rooftop_pv", "operator", None, 1e6, "ppp"),  # operator projects: PPP (priority 3)
        ("electrify_boilers", "firm", "chemicals", 6e7, "transition_bond"),  # heavy industry, ≥ 50 M CNY issue
        ("electrify_boilers", "firm", "electronics", 6e7, "green_bond"),  # not heavy industry: green bond ≥ 50 M
        ("electrify_boilers", "firm", "chemicals", 1e6, "green_loan"),  # below a bond's minimum issue
        ("efficiency", "firm", "electronics", 1e6, "green_fund"),  # priority 5 before green loans
        ("ccus", "firm", "chemicals", 1e6, "policy_bank_loan"),  # CCUS: policy bank, any borrower
        ("other", "firm", None, 1e6, "commercial_loan"),  # the fallback for anything
    ],
)
def test_a_project_gets_the_first_instrument_by_priority_that_lends_to_it(kind, borrower, sector, amount, expected):
    assert financing_instrument(kind, borrower, sector, amount).id == expected


def test_loan_balances_match_the_annuity_schedule_by_hand():
    # 100 CNY at 10 % over 2 years: payment 100 × 0.1 / (1 − 1.1⁻²) = 57.619; interest 10, then 5.238
    loan = Loan(2030, "x", "test", 100.0, 0.10, 2)
    pay, interest, closing = loan.balances(np.arange(2029, 2034))
    assert pay == pytest.approx([0, 0, 57.6190476, 57.6190476, 0])
    assert interest == pytest.approx([0, 0, 10.0, 5.2380952, 0])
    assert closing == pytest.approx([0, 100.0, 52.3809524, 0, 0], abs=1e-6)
    # and the same as the tested loan_schedule for a real instrument (green loan, 3.4 %, 10 yr)
    g = instrument("green_loan")
    sched = loan_schedule(1e6, g.rate, g.tenor_yr)
    pay, interest, closing = Loan(2026, "x", g.id, 1e6, g.rate, g.tenor_yr).balances(np.arange(2027, 2037))
    assert pay == pytest.approx(sched["payment_cny"].to_numpy())
    assert interest == pytest.approx(sched["interest_cny"].to_numpy())
    assert closing == pytest.approx(sched["closing_cny"].to_numpy(), abs=1e-6)


# -- carbon policy ----------------------------------------------------------------------------------
def test_ets_threshold_and_benchmark_allocation_by_hand():
    threshold = policy_value("ets_threshold_tco2_per_yr")
    assert threshold == 26_000  # national ETS coverage threshold (data/carbon_policy.csv)
    bench = benchmark_tco2_per_mcny("chemicals")  # 250 tCO₂ per million CNY (data/ets_benchmarks.csv)
    emissions = np.array([100_000.0, 60_000.0, 20_000.0])
    value_added = np.array([300.0, 300.0, 300.0])
    pos = carbon_positions("ets", emissions, value_added, np.full(3, bench), 100.0, threshold)
    # covered: 100,000 and 60,000 t ≥ 26,000; 20,000 t is not and pays nothing
    assert pos.covered.tolist() == [True, True, False]
    # allocation = 250 × 300 = 75,000 t; pays 100 × (100,000 − 75,000); earns 100 × (75,000 − 60,000)
    assert pos.allocation_tco2 == pytest.approx([75_000, 75_000, 0])
    assert pos.payment_cny == pytest.approx([2_500_000, -1_500_000, 0])


def test_tax_charges_every_tonne_of_every_firm_and_none_charges_nothing():
    emissions = np.array([100_000.0, 20_000.0])
    tax = carbon_positions("tax", emissions, [300, 300], [250, 250], 100.0, 26_000)
    assert tax.payment_cny == pytest.approx([10_000_000, 2_000_000])  # 100 CNY/t × all scope-1 tonnes
    none = carbon_positions("none", emissions, [300, 300], [250, 250], 100.0, 26_000)
    assert none.payment_cny.tolist() == [0.0, 0.0]
    # at the margin: a covered ETS firm and any taxed firm save the price per tonne abated
    assert marginal_price_cny_per_tco2("ets", True, 100.0) == 100.0
    assert marginal_price_cny_per_tco2("ets", False, 100.0) == 0.0
    assert marginal_price_cny_per_tco2("tax", False, 100.0) == 100.0
    assert marginal_price_cny_per_tco2("none", True, 100.0) == 0.0


def test_an_uncovered_firm_weighs_no_carbon_price_under_the_ets():
    from parktwin.kernel.model import DecisionContext

    path = {2025: 100.0, 2050: 100.0}
    ctx = DecisionContext(2030, Policy(), Decisions(), None, path, {}, carbon_kind="ets", covered=frozenset({"big"}))
    assert ctx.decision_carbon_price("big") == 100.0
    assert ctx.decision_carbon_price("small") == 0.0


def test_the_decisions_carbon_price_is_the_expected_price_where_the_policy_charges_it():
    """A firm's decisions weigh the price it expects: on a path rising 10 CNY/tCO₂ a year from 0 in 2025,
    this year's 50 in 2030 (myopic) or the mean over 2030-2039 of 50…140, 95 (foresight of 10 years);
    under a tax every firm weighs it, under the ETS only a covered one, and none when the policy keeps
    the carbon price out of decisions (hand-computed)."""
    from parktwin.kernel.model import DecisionContext

    path = {2025: 0.0, 2050: 250.0}
    ahead = Decisions(expectation="foresight", foresight_yr=10)
    for decisions, expected in ((Decisions(expectation="myopic"), 50.0), (ahead, 95.0)):
        tax = DecisionContext(2030, Policy(), decisions, None, path, {}, carbon_kind="tax")
        assert (tax.decision_carbon_price("a"), tax.decision_carbon_price("b")) == (pytest.approx(expected), pytest.approx(expected))
        ets = DecisionContext(2030, Policy(), decisions, None, path, {}, carbon_kind="ets", covered=frozenset({"a"}))
        assert (ets.decision_carbon_price("a"), ets.decision_carbon_price("b")) == (pytest.approx(expected), 0.0)
        off = DecisionContext(2030, Policy(carbon_price_in_decisions=False), decisions, None, path, {}, carbon_kind="tax")
        assert (off.decision_carbon_price("a"), off.decision_carbon_price("b")) == (0.0, 0.0)


def _one_firm(**fields):
    return scenario(park={"fleets": []}, carbon_price_cny_per_tco2={2025: 100.0}, **fields)


def _scope1_tco2() -> float:
    # the hand park's "works" in the base year: coal 1,000 t, gas 100 km³, process 500 t (tests/builders.py)
    return (1000 * constant("coal_kgco2_per_t") + 100 * constant("natural_gas_kgco2_per_km3")) / 1000 + 500


def test_a_one_firm_park_under_the_ets_earns_on_tonnes_below_its_allocation():
    res = run(_one_firm(policy={"carbon": {"kind": "ets", "ets_threshold_tco2_per_yr": 1000}}), seed=0)
    row = res.carbon.set_index("year").loc[2025]
    # allocation = chemicals benchmark 250 t/M CNY × 100 M CNY value added = 25,000 t; emissions ≈ 2,616 t
    assert row["allocation_tco2"] == pytest.approx(25_000)
    assert row["scope1_tco2"] == pytest.approx(_scope1_tco2())
    assert row["payment_cny"] == pytest.approx(100.0 * (_scope1_tco2() - 25_000))
    # the default threshold (26,000 t) leaves this small firm out: it pays nothing
    out = run(_one_firm(policy={"carbon": {"kind": "ets"}}), seed=0)
    assert not out.carbon["covered"].any() and (out.annual["carbon_payment_cny"] == 0).all()
    # a tax charges all its tonnes
    tax = run(_one_firm(policy={"carbon": {"kind": "tax", "tax_cny_per_tco2": {2025: 50.0}}}), seed=0)
    assert tax.annual.set_index("year").loc[2025, "carbon_payment_cny"] == pytest.approx(50.0 * _scope1_tco2())


# -- the private view -------------------------------------------------------------------------------
def test_one_firm_private_cash_flows_by_hand():
    sc = _one_firm(roadmap=[{**BOILERS, "lead_time_days": 0}], policy={"capex_subsidy_share": {"electric_boiler": 0.4}})
    res = run(sc, seed=0)
    inv = res.investments  # electric boilers, one row per temperature band, all bought in 2026 at hour 0
    assert set(inv["technology"]) == {"electric_boiler"} and set(inv["year"]) == {2026} and set(inv["hour"]) == {0.0}
    capex = inv["capex_cny"].sum()
    # a small project of a chemicals firm: below a bond's 50 M CNY minimum → green loan, 70 % debt
    assert set(inv["instrument"]) == {"green_loan"}
    g = instrument("green_loan")
    debt = 0.7 * capex
    assert inv[["debt_cny", "equity_cny", "subsidy_cny"]].sum().to_numpy() == pytest.approx([debt, 0.3 * capex, 0.4 * capex])
    payment = debt * g.rate / (1 - (1 + g.rate) ** -g.tenor_yr)  # annuity from the year after the purchase
    cf = res.cashflows[res.cashflows["party"] == "works"].set_index("year")
    a = res.annual.set_index("year")
    rate = Decisions().hurdle_rate.mean  # firms do not decide here: the scenario's mean hurdle rate (10 %)
    for year in (2025, 2026, 2027):
        fuels = sum(q * m * price_cny(p, year) for q, p, m in [
            (res.energy.query("year == @year and carrier == 'coal'")["quantity"].sum(), "coal", 1.0),
            (res.energy.query("year == @year and carrier == 'natural_gas'")["quantity"].sum(), "natural_gas", 1000.0),
            (res.energy.query("year == @year and carrier == 'purchased_heat'")["quantity"].sum(), "purchased_heat", 1.0),
        ])
        # the only electricity user pays the whole bill; the tax (default policy) charges all scope-1 tonnes
        assert cf.loc[year, "energy_cost_cny"] == pytest.approx(a.loc[year, "electricity_cost_cny"] + fuels)
        assert cf.loc[year, "carbon_cost_cny"] == pytest.approx(100.0 * a.loc[year, "scope1_tco2"])
        assert cf.loc[year, "discount_rate"] == pytest.approx(rate)
    assert cf.loc[2026, "equity_capex_cny"] == pytest.approx(0.3 * capex)
    assert cf.loc[2026, "subsidy_income_cny"] == pytest.approx(0.4 * capex)
    assert cf.loc[2026, "debt_service_cny"] == 0 and cf.loc[2027, "debt_service_cny"] == pytest.approx(payment)
    owed = debt * (1 + g.rate) - payment  # after one payment
    assert cf.loc[2027, "debt_outstanding_cny"] == pytest.approx(owed)
    life = inv["lifetime_yr"].iloc[0]
    residual = capex * (1 - 2 / life)  # bought at hour 0 of 2026, used two years by the end of 2027
    assert cf.loc[2027, "residual_value_cny"] == pytest.approx(residual)
    net = cf["equity_capex_cny"] - cf["subsidy_income_cny"] + cf["debt_service_cny"] + cf["fixed_om_cny"] + cf["energy_cost_cny"] + cf["carbon_cost_cny"]
    assert cf["net_cost_cny"].to_numpy() == pytest.approx(net.to_numpy())
    expected = sum(net.loc[y] / (1 + rate) ** t for t, y in enumerate((2025, 2026, 2027))) + (owed - residual) / (1 + rate) ** 3
    assert res.private_npv_cny() == pytest.approx(expected + res.cashflows.query("party == 'operator'")["pv_cny"].sum())
    assert a["private_pv_cny"].sum() == pytest.approx(res.private_npv_cny())
    # its cost of capital: 30 % equity at 10 % + 70 % green loan at 3.4 % = 5.38 %
    wacc = res.cost_of_capital.set_index("party").loc["works"]
    assert (wacc["debt_share"], wacc["debt_rate"]) == pytest.approx((0.7, g.rate))
    assert wacc["wacc"] == pytest.approx(0.3 * rate + 0.7 * g.rate)


def test_parties_share_exactly_the_systems_energy_costs_and_the_financing_table_adds_up():
    res = run(scenario(roadmap=[BOILERS, {"id": "pv", "kind": "rooftop_pv", "year": 2026, "roof_share": 0.5},
                                {"id": "trucks", "kind": "electrify_fleet", "year": 2026, "share": 0.5}]), seed=0)
    a = res.annual.set_index("year")
    energy = a["electricity_cost_cny"] + a["fuel_cost_cny"] + a["certificate_cost_cny"] + a["offsets_cost_cny"]
    assert res.cashflows.groupby("year")["energy_cost_cny"].sum().to_numpy() == pytest.approx(energy.to_numpy())
    fin = res.financing.groupby("year")[["new_debt_cny", "equity_cny"]].sum()
    inv = res.investments.groupby("year")[["debt_cny", "equity_cny"]].sum()
    assert fin.loc[inv.index, "new_debt_cny"].to_numpy() == pytest.approx(inv["debt_cny"].to_numpy())
    assert fin.loc[inv.index, "equity_cny"].to_numpy() == pytest.approx(inv["equity_cny"].to_numpy())
    # debt + equity = capex for every purchase (the avoided diesel trucks are negative equity, no debt)
    assert (res.investments["debt_cny"] + res.investments["equity_cny"]).to_numpy() == pytest.approx(res.investments["capex_cny"].to_numpy())
    assert set(res.investments.loc[res.investments["capex_cny"] < 0, "instrument"]) == {"none"}
    # the operator's PV is financed as a PPP (data/finance_instruments.csv, priority 3)
    assert res.investments.set_index("technology").loc["rooftop_pv", "instrument"] == "ppp"


def test_batch_summaries_report_the_private_cost_beside_the_system_cost():
    from parktwin.experiments.summary import outputs

    res = run(_one_firm(roadmap=[BOILERS]), seed=0)
    out = outputs(res.annual.assign(replicate=0))
    # the same numbers as the run's own: Σ private_pv_cny and the system NPV
    assert out.loc[0, "private_cost_cny"] == pytest.approx(res.private_npv_cny(), rel=1e-12)
    assert out.loc[0, "pathway_cost_cny"] == pytest.approx(res.pathway_cost_npv_cny(), rel=1e-12)


def test_a_roadmap_measure_on_a_firm_is_costed_for_the_macc_by_hand():
    res = run(_one_firm(roadmap=[BOILERS]), seed=0)
    (m,) = res.measures.itertuples()
    assert (m.year, m.entity, m.measure, m.origin) == (2026, "works", "electric_boiler", "roadmap")
    # half of the boiler heat (all the coal and gas of the hand park's firm go to boilers): the fuel
    # of half of it is avoided — 500 t coal and 50 km³ gas (tests/builders.py)
    scope1 = (500 * constant("coal_kgco2_per_t") + 50 * constant("natural_gas_kgco2_per_km3")) / 1000
    assert m.scope1_abated_tco2_per_yr == pytest.approx(scope1)
    heat_kwh = (1000 * constant("coal_ncv_gj_per_t") * constant("coal_boiler_efficiency")
                + 100 * constant("natural_gas_ncv_gj_per_km3") * constant("gas_boiler_efficiency")) * 1e6 / 3600
    elec_kwh = 0.5 * heat_kwh / constant("electric_boiler_efficiency")
    factor = res.annual.set_index("year").loc[2026, "grid_factor_kgco2_per_kwh"]
    assert m.abated_tco2_per_yr == pytest.approx(scope1 - elec_kwh * factor / 1000)
    # an electric boiler on the 2026 grid (~0.5 kgCO₂/kWh ÷ 0.99) emits more than the coal boiler it
    # replaces (1.9 kgCO₂/kg ÷ (20.9 MJ/kg × 0.8) ≈ 0.41 kgCO₂/kWh of heat): no abatement, so no MACC bar
    assert m.abated_tco2_per_yr < 0 and res.macc().empty


def test_batch_page_shows_the_private_cost_beside_the_system_cost():
    from types import SimpleNamespace

    from parktwin.viz.batch import _kpis

    # a headline as experiments.summary writes it: P10/P50/P90 of each replicate's NPV [CNY]
    band = {"p10": 1.0e9, "p50": 1.5e9, "p90": 2.25e9}
    h = {"runs": 3, "final_year": 2050, "net_tco2_final": {"p10": 0.0, "p50": 1.0, "p90": 2.0},
         "pathway_cost_cny": band, "private_cost_cny": {k: 2 * v for k, v in band.items()}}
    cards = {label: value for value, label in _kpis(SimpleNamespace(headline=h), "en")}
    assert cards["Pathway cost, P50 [P10–P90]"] == "1.50 [1.00 – 2.25] bn CNY"
    assert cards["Private cost at the parties' own rates, P50 [P10–P90]"] == "3.00 [2.00 – 4.50] bn CNY"
    del h["private_cost_cny"]  # a batch stored before the private view: no card
    assert len(_kpis(SimpleNamespace(headline=h), "zh")) == 3


def test_ets_banking_by_hand():
    from parktwin.economics.carbon import bank_allowances

    # three covered firms and one not covered, 100 CNY/t, cap 20 % of the year's allocation:
    # A: 1,000 t allocated, 800 emitted → 200 surplus, bank 0, room 200 → banks all 200, pays 0
    # B: 1,000 allocated, 500 emitted → 500 surplus, bank 150, room 200 − 150 = 50 → banks 50, sells 450 (−45,000)
    # C: 1,000 allocated, 1,300 emitted → 300 short, bank 120 → surrenders 120, buys 180 (18,000)
    # D: not covered → pays nothing, its bank of 70 kept
    b = bank_allowances([True, True, True, False], [800, 500, 1300, 5000], [1000, 1000, 1000, 0], 100.0,
                        [0, 150, 120, 70], 0.2)
    assert b.payment_cny.tolist() == [0.0, -45_000.0, 18_000.0, 0.0]
    assert b.bank_tco2.tolist() == [200.0, 200.0, 0.0, 70.0]
    assert b.used_tco2.tolist() == [0.0, 0.0, 120.0, 0.0] and b.banked_tco2.tolist() == [200.0, 50.0, 0.0, 0.0]


def test_a_one_firm_park_banks_its_surplus_allowances():
    # the hand firm under an ETS with a 1,000 t threshold: 25,000 t allocated, ~2,616 t emitted (above);
    # with a 10 % cap it banks 2,500 t in 2025 and sells the rest; in 2026 its bank is full already
    # (the cap is on the balance), so it sells its whole surplus as without banking
    policy = {"carbon": {"kind": "ets", "ets_threshold_tco2_per_yr": 1000, "banking": True, "banking_cap_share": 0.1}}
    res = run(_one_firm(policy=policy, horizon_years=2), seed=0)
    plain = run(_one_firm(policy={"carbon": {"kind": "ets", "ets_threshold_tco2_per_yr": 1000}}, horizon_years=2), seed=0)
    c, p = res.carbon.set_index("year"), plain.carbon.set_index("year")
    assert c.loc[2025, "bank_tco2"] == pytest.approx(2500.0)
    assert c.loc[2025, "payment_cny"] == pytest.approx(100.0 * (_scope1_tco2() - 25_000 + 2500))
    room = max(0.1 * c.loc[2026, "allocation_tco2"] - 2500.0, 0.0)
    assert c.loc[2026, "bank_tco2"] == pytest.approx(2500.0 + room)
    assert c.loc[2026, "payment_cny"] == pytest.approx(p.loc[2026, "payment_cny"] + 100.0 * room)
    assert (p["bank_tco2"] == 0).all()  # no banking: nothing held
    # the annual carbon payment and the firm's private cash flow carry the banked position
    assert res.annual.set_index("year").loc[2025, "carbon_payment_cny"] == pytest.approx(c.loc[2025, "payment_cny"])


def test_private_sums_by_year_are_pandas_groupby_sums_bit_for_bit():
    """close_run reads Σ net cost and Σ pv per year from the cashflows table: the same numbers as
    ``groupby("year").sum()`` (pandas is the reference), for the table's own layout (years in
    order), with a NaN (pandas' other summation) and with the years out of order."""
    rng = np.random.default_rng(3)
    years = np.repeat(np.arange(2025, 2035), 40)
    values = rng.standard_normal((2, len(years))) * 10.0 ** rng.integers(-3, 10, (2, len(years)))
    table = pd.DataFrame({"year": years, "net_cost_cny": values[0], "pv_cny": values[1]})
    with_nan = table.assign(pv_cny=np.where(np.arange(len(years)) == 7, np.nan, values[1]))
    shuffled = table.sample(frac=1.0, random_state=0)
    for t in (table, with_nan, shuffled):
        expected = t.groupby("year")[["net_cost_cny", "pv_cny"]].sum()
        got = private_sums(t["year"].to_numpy(), t["net_cost_cny"].to_numpy(dtype=float), t["pv_cny"].to_numpy(dtype=float))
        assert got == {y: (r.net_cost_cny, r.pv_cny) for y, r in zip(expected.index.tolist(), expected.itertuples())}


def test_cashflow_sums_at_cells_are_numpys_unbuffered_adds_bit_for_bit():
    """summed_at / row_sums (one np.bincount) give what ``np.add.at`` on zeros gives (numpy is
    the reference): repeated cells summed in the order given, values of mixed magnitude."""
    rng = np.random.default_rng(5)
    shape = (4, 6)
    rows, cols = rng.integers(0, shape[0], 200), rng.integers(0, shape[1], 200)
    values = rng.standard_normal(200) * 10.0 ** rng.integers(-6, 12, 200)
    expected = np.zeros(shape)
    np.add.at(expected, (rows, cols), values)
    assert np.array_equal(summed_at(shape, rows, cols, values), expected)
    assert np.array_equal(summed_at(shape, (), (), ()), np.zeros(shape))
    owner = rng.integers(0, shape[0], 30)
    matrix = rng.standard_normal((30, shape[1])) * 10.0 ** rng.integers(-6, 12, (30, shape[1]))
    expected = np.zeros(shape)
    np.add.at(expected, owner, matrix)
    assert np.array_equal(row_sums(shape[0], owner, [matrix])[0], expected)
    assert np.array_equal(row_sums(shape[0], np.zeros(0, dtype=int), [np.zeros((0, shape[1]))])[0], np.zeros(shape))


def test_loan_matrices_over_consecutive_years_are_those_of_each_year_alone():
    """Over consecutive years the opening balance is taken from the year before's closing one: the
    same numbers, bit for bit, as each year's column computed alone (loans with and without rate)."""
    from parktwin.economics.cashflows import loan_matrices

    rng = np.random.default_rng(3)
    years = np.arange(2025, 2051)
    loans = (rng.integers(2025, 2051, 40), rng.uniform(0, 1e8, 40), np.where(rng.random(40) < 0.2, 0.0, rng.uniform(0.01, 0.08, 40)),
             rng.integers(1, 20, 40))
    together = loan_matrices(years, *loans)
    for t, year in enumerate(years):
        alone = loan_matrices([year], *loans)
        for got, expected in zip(together, alone):
            assert np.array_equal(got[:, t], expected[:, 0])


def test_year_positions_are_searchsorted_and_isin():
    """``year_positions`` (the money tables' purchase years placed among the run's years) gives
    ``np.searchsorted``'s positions and ``np.isin``'s membership, for years before, inside, between
    and after the run's, and for a run without years."""
    years = np.array([2025, 2026, 2027, 2029])  # ascending, each once (2028 missing)
    values = np.array([2024, 2025, 2027, 2028, 2029, 2030, 2031, 2026])
    at, inside = year_positions(years, values)
    assert np.array_equal(at, np.searchsorted(years, values)) and np.array_equal(inside, np.isin(values, years))
    assert inside.tolist() == [False, True, True, False, True, False, False, True]
    at, inside = year_positions(np.array([], dtype=np.int64), values)
    assert at.tolist() == [0] * len(values) and not inside.any()

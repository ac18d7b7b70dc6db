"""Money figures (viz/money.py) carry the run's tables: each figure's bars add up to its table.

Built without a browser: the figures are plotly objects whose traces are compared with the tables.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import scenario

from parktwin import run
from parktwin.viz.money import (
    cashflows_figure,
    financing_figure,
    investments_figure,
    macc_figure,
)
from parktwin.viz.registry import registered

ROADMAP = [
    {"id": "pv", "kind": "rooftop_pv", "year": 2026, "roof_share": 0.5},
    {"id": "trucks", "kind": "electrify_fleet", "year": 2027, "share": 0.5},
    {"id": "grid", "kind": "grid_upgrade", "year": 2027, "import_limit_kw": 2.0e6},
]


@pytest.fixture(scope="module")
def results():
    # one chemicals firm that decides for itself under a 600 CNY/t carbon price, and a small roadmap
    sc = scenario(roadmap=ROADMAP, horizon_years=6, carbon_price_cny_per_tco2={2025: 600.0},
                  decisions={"enabled": True, "openness": {"mean": 1.0}, "hurdle_rate": {"mean": 0.08},
                             "payback_limit_yr": {"mean": 20.0, "high": 30.0}, "budget_share_of_value_added": None},
                  policy={"capex_subsidy_share": {"efficiency": 0.3, "electric_boiler": 0.3, "heat_pump": 0.3}})
    return run(sc, seed=0)


def test_money_figures_are_registered():
    keys = {spec.key for spec in registered()}
    assert {"investments_money", "cashflows", "macc", "financing"} <= keys


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_investment_bars_add_up_to_the_investments_table(results, lang):
    fig = investments_figure(results, lang)
    by_kind = sum(np.sum(tr.y) for tr in fig.data if tr.legendgroup == "kind")
    by_instrument = sum(np.sum(tr.y) for tr in fig.data if tr.legendgroup == "instrument")
    total = results.investments["capex_cny"].sum() / 1e6
    assert by_kind == pytest.approx(total) and by_instrument == pytest.approx(total)
    assert "[" in fig.layout.yaxis.title.text  # a unit on the axis


def test_cash_flow_figure_shows_the_private_net_and_the_system_cost(results):
    fig = cashflows_figure(results, "en")
    traces = {tr.name: tr for tr in fig.data}
    net = results.cashflows.groupby("year")["net_cost_cny"].sum().to_numpy() / 1e6
    assert np.asarray(traces["Private cost (parties' cash flows)"].y) == pytest.approx(net)
    assert np.asarray(traces["System cost (subsidies, carbon as transfers)"].y) == pytest.approx(results.annual["system_cost_cny"].to_numpy() / 1e6)
    # the stacked components (subsidies below zero) sum to the net line each year
    bars = sum(np.asarray(tr.y) for tr in fig.data if tr.type == "bar")
    assert bars == pytest.approx(net)
    assert f"{results.private_npv_cny() / 1e9:,.2f} bn CNY" in fig.layout.annotations[0].text


def test_macc_bars_are_the_measures_firms_chose(results):
    curve = results.macc()
    assert len(curve) > 0
    fig = macc_figure(results, "zh")
    widths = np.concatenate([np.asarray(tr.width) for tr in fig.data])
    assert widths.sum() == pytest.approx(results.measures["abated_tco2_per_yr"].sum())
    heights = np.concatenate([np.asarray(tr.y) for tr in fig.data])
    assert sorted(heights) == pytest.approx(sorted(curve["cost_cny_per_tco2"]))


def test_financing_bars_add_up_to_new_debt_and_equity(results):
    fig = financing_figure(results, "en")
    bars = sum(np.sum(tr.y) for tr in fig.data if tr.type == "bar")
    fin = results.financing
    assert bars == pytest.approx((fin["new_debt_cny"].sum() + fin["equity_cny"].sum()) / 1e6)
    outstanding = next(tr for tr in fig.data if tr.name.startswith("Debt outstanding"))
    assert outstanding.y[-1] == pytest.approx(fin.groupby("year")["debt_outstanding_cny"].sum().iloc[-1] / 1e6)

"""Pathway costs: what each measure buys, at the catalogue's price of its year; yearly system cost; NPV.

Unit costs come from data/technologies.csv through parktwin.economics.catalogue; the tests check
the accounting (capacity × unit cost, pro-rata O&M, renewals, residual value, discounting).
"""

from __future__ import annotations

import numpy as np
import pytest

from builders import scenario
from parktwin import run
from parktwin.economics.catalogue import capex_cny, fixed_om_cny_per_yr, price_cny
from parktwin.economics.costs import (
    STATED_COSTS,
    Purchase,
    PurchaseLedger,
    RenewalSchedule,
    UnitTerms,
    fixed_om_in_year,
    pathway_npv_cny,
    project_purchases,
    purchase,
    renewals_in_year,
    retire,
)
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.loads import profile


def test_rooftop_pv_costs_its_kwp_at_its_year_price_with_pro_rata_om():
    item = {"id": "pv", "kind": "rooftop_pv", "year": 2026, "lead_time_days": 100, "roof_share": 0.5}
    res = run(scenario(roadmap=[item]), seed=0)
    (row,) = res.investments.itertuples()
    kwp = 0.5 * 10_000 * 0.15
    assert (row.technology, row.unit, row.capacity) == ("rooftop_pv", "kWp", pytest.approx(kwp))
    assert row.capex_cny == pytest.approx(kwp * capex_cny("rooftop_pv", 2026))
    a = res.annual.set_index("year")
    assert a.loc[2026, "capex_cny"] == pytest.approx(row.capex_cny)
    om = kwp * fixed_om_cny_per_yr("rooftop_pv", 2026)
    assert a.loc[2026, "fixed_om_cny"] == pytest.approx(om * (HOURS_PER_YEAR - 2400) / HOURS_PER_YEAR)
    assert a.loc[2027, "fixed_om_cny"] == pytest.approx(om)


def test_heat_pumps_are_sized_to_the_peak_hour_of_the_heat_they_take():
    bands = {"enterprises": [{**scenario().park.enterprises[0].model_dump(), "heat_band_shares": {"low": 0.5, "medium": 0.5, "high": 0.0}}]}
    item = {"kind": "electrify_boilers", "year": 2026, "share": 0.4, "technology": "heat_pump"}
    res = run(scenario(park=bands, roadmap=[item]), seed=0)
    heat_kwh = (1000 * 20.908 * 0.80 + 100 * 38.931 * 0.925) * 1e6 / 3600  # useful boiler heat of the base year
    peak = profile("continuous", 2026).max()
    inv = res.investments.set_index("technology")
    for band in ("low", "medium"):
        assert inv.loc[f"heat_pump_{band}", "capacity"] == pytest.approx(0.4 * 0.5 * heat_kwh * peak, rel=1e-9)


def test_fleet_electrification_buys_bevs_and_avoids_diesel_trucks():
    item = {"kind": "electrify_fleet", "year": 2026, "share": 0.5}
    res = run(scenario(roadmap=[item]), seed=0)
    inv = res.investments.set_index("technology")
    assert inv.loc["bev_heavy_truck", "capacity"] == pytest.approx(5.0)  # half of 10 trucks
    assert inv.loc["diesel_heavy_truck", "capacity"] == pytest.approx(-5.0)
    net = inv["capex_cny"].sum()
    assert net == pytest.approx(5 * (capex_cny("bev_heavy_truck", 2026) - capex_cny("diesel_heavy_truck", 2026)))


def test_measures_are_bought_again_at_the_end_of_their_life():
    # efficiency programmes last 15 years (data/technologies.csv): bought 2026, renewed 2041
    item = {"kind": "efficiency", "year": 2026, "share": 0.1}
    res = run(scenario(roadmap=[item], horizon_years=20), seed=0)
    rows = res.investments
    assert rows["year"].tolist() == [2026, 2041] and rows["renewal"].tolist() == [False, True]
    assert rows["capacity"].iloc[0] == rows["capacity"].iloc[1]


def test_system_cost_is_the_sum_of_its_parts_and_fuels_are_priced():
    res = run(scenario(roadmap=[{"kind": "green_power", "year": 2026, "share": 0.5}]), seed=0)
    a = res.annual.set_index("year")
    parts = ["capex_cny", "fixed_om_cny", "electricity_cost_cny", "fuel_cost_cny", "certificate_cost_cny", "offsets_cost_cny"]
    assert np.allclose(a[parts].sum(axis=1), a["system_cost_cny"], rtol=1e-12)
    # base year: coal 1000 t, gas 100 km³, heat 5000 GJ, diesel 126 t (10 trucks) at data/prices.csv
    fuels = 1000 * price_cny("coal", 2025) + 100_000 * price_cny("natural_gas", 2025) + 5000 * price_cny(
        "purchased_heat", 2025) + 126 * price_cny("diesel", 2025)
    assert a.loc[2025, "fuel_cost_cny"] == pytest.approx(fuels, rel=1e-9)
    assert a.loc[2026, "certificate_cost_cny"] == pytest.approx(a.loc[2026, "green_power_mwh"] * price_cny("green_certificate", 2026))


def test_pathway_npv_discounts_costs_and_credits_what_is_left():
    # 100 a year for 3 years at 10 %: 100 + 90.909 + 82.645 = 273.554; residual 50 credited at t = 3
    assert pathway_npv_cny([100, 100, 100], 50.0, 0.10) == pytest.approx(273.5537 - 50 / 1.331, rel=1e-5)
    item = {"id": "pv", "kind": "rooftop_pv", "year": 2026, "roof_share": 0.5}
    res = run(scenario(roadmap=[item]), seed=0)
    # PV lives 25 years (china row): bought at the start of 2026, 2 of 25 years used by the end of 2027
    residual = res.investments["capex_cny"].iloc[0] * (1 - 2 / 25)
    expected = pathway_npv_cny(res.annual["system_cost_cny"], residual, 0.08)
    assert res.pathway_cost_npv_cny() == pytest.approx(expected, rel=1e-12)


def test_the_annual_table_alone_gives_the_pathway_npv():
    # Monte Carlo keeps only annual tables: discount factors and the end residual reproduce the NPV
    from parktwin.experiments.summary import pathway_cost_cny

    item = {"id": "pv", "kind": "rooftop_pv", "year": 2026, "roof_share": 0.5}
    res = run(scenario(roadmap=[item]), seed=0)
    annual = res.annual.assign(replicate=0)
    assert pathway_cost_cny(annual).iloc[0] == pytest.approx(res.pathway_cost_npv_cny(), rel=1e-12)


def test_purchase_ledger_gives_the_sums_of_reading_every_purchase():
    """The ledger carries the fixed O&M of purchases whose term no longer changes from year to
    year; over a run of purchases appended year by year, some renewals, some bought for next
    year and some retired in place later, its O&M and capex equal, to the bit, the sums over every
    purchase (``fixed_om_in_year``; Σ capex of the year's purchases)."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        ledger, purchases = PurchaseLedger(), []
        for year in range(2025, 2051):
            for _ in range(int(rng.integers(0, 6))):
                bought = year + int(rng.random() < 0.15)  # some bought at next year's price
                purchases.append(Purchase(bought, float(rng.integers(0, HOURS_PER_YEAR)), "p", "e", "pv", 1.0, "kW",
                                          float(rng.random() * 1e6), float(rng.random() * 1e4), 20.0,
                                          renewal=bool(rng.random() < 0.2)))
            for i in range(len(purchases)):  # a firm leaves with its capacity now and then
                if purchases[i].retired is None and rng.random() < 0.03:
                    purchases[i] = retire(purchases[i], year + float(rng.random()))
            assert ledger.fixed_om_cny(purchases, year) == fixed_om_in_year(purchases, year)
            assert ledger.capex_cny(purchases, year) == sum(p.capex_cny for p in purchases if p.year == year)


def test_renewal_schedule_gives_the_renewals_of_reading_every_purchase():
    """The schedule files each purchase under the year it next falls due; over a run of purchases appended year by
    year (lives of 3-12 years, renewals, a battery renewed by wear, an exchange at its stated cost, some retired in place, each
    year's renewals appended as the year's money does), its renewals equal ``renewals_in_year``'s
    (the definition: every purchase read), purchase for purchase and in order."""
    rng = np.random.default_rng(4)
    seen = 0
    for _ in range(10):
        schedule, purchases = RenewalSchedule(), []
        for year in range(2025, 2051):
            for _ in range(int(rng.integers(0, 4))):
                tech = str(rng.choice(["rooftop_pv", "rooftop_pv", "symbiosis_exchange", "battery_energy"]))  # catalogue, stated cost, wear
                purchases.append(Purchase(year + int(rng.random() < 0.15), float(rng.integers(0, HOURS_PER_YEAR)), "p", "e",
                                          tech, 1.0, "kW", float(rng.random() * 1e6), float(rng.random() * 1e4),
                                          float(rng.integers(3, 13)), renewal=bool(rng.random() < 0.1)))
            for i in range(len(purchases)):
                if purchases[i].retired is None and rng.random() < 0.02:
                    purchases[i] = retire(purchases[i], year + float(rng.random()))
            expected = renewals_in_year(purchases, year)
            got = schedule.due(purchases, year)
            assert got == expected
            for r in got:  # each priced as ``purchase`` prices it (the oracle above builds its renewals the same way)
                assert r.renewal and r.hour == 0.0 and r.year == year
                if r.technology not in STATED_COSTS:  # a stated cost keeps its own terms
                    priced = purchase(year, 0.0, r.project, r.entity, r.technology, r.capacity, renewal=True)
                    assert tuple(r) == tuple(priced) and list(map(type, r)) == list(map(type, priced))
            seen += len(got)
            purchases.extend(got)
    assert seen > 50  # renewals were due and compared, not only empty lists


def test_renewal_schedule_is_asked_year_by_year():
    """The schedule keeps each purchase under the next year it falls due, so it must see every year in
    order: a year skipped or asked again is refused (it would miss or repeat renewals)."""
    schedule = RenewalSchedule()
    purchases = [Purchase(2025, 0.0, "p", "e", "rooftop_pv", 1.0, "kW", 1e6, 1e4, 2.0)]
    assert schedule.due(purchases, 2025) == []
    assert schedule.due(purchases, 2026) == []
    assert [p.year for p in schedule.due(purchases, 2027)] == [2027]  # two years old: bought again
    with pytest.raises(ValueError, match="year by year"):
        schedule.due(purchases, 2029)
    with pytest.raises(ValueError, match="year by year"):
        schedule.due(purchases, 2027)


def test_a_projects_purchases_are_those_priced_one_by_one():
    """``project_purchases`` (one loop over what a project buys, terms looked up once per run of one
    technology) gives, field for field and type for type, the purchases ``purchase`` prices one at a time."""
    bought = [("a", "heat_pump_low", 120.5), ("b", "heat_pump_low", 0.25), ("b", "heat_pump_medium", 3e3),
              ("operator", "rooftop_pv", 1_000.0), ("c", "heat_pump_low", 7.0)]
    terms = UnitTerms()
    got = project_purchases(2031, 1752.0, "heat_pumps_1", bought, terms)
    expected = [purchase(2031, 1752.0, "heat_pumps_1", e, t, c, terms=UnitTerms()) for e, t, c in bought]
    assert got == expected
    assert all(type(g) is Purchase and g._asdict() == x._asdict() for g, x in zip(got, expected))
    assert project_purchases(2031, 0.0, "none", [], terms) == []


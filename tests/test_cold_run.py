"""A cold store inside a run (kernel/carriers.py): the buildings' chiller electricity moved out of
peak hours, the rows, the load and the annual cold balance, against a run without it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import scenario

from parktwin import run
from parktwin.data import constant
from parktwin.energy.calendar import year_calendar
from parktwin.energy.thermal import cop_carnot

# the hand park (tests/builders.py) with one office cooled by air-cooled chillers, no fleet
OFFICE = {"id": "office", "kind": "office", "floor_area_m2": 20000, "electricity_kwh_per_m2": 80,
          "cooling_kwh_per_m2_yr": 60, "heating_kwh_per_m2_yr": 0}
PARK = {"buildings": [OFFICE], "fleets": []}
STORE = {"kind": "cold_storage", "year": 2026, "capacity_kwh": 5000.0, "charge_kw": 1000.0, "discharge_kw": 1000.0}


def one_year(roadmap=()):
    return run(scenario(park=PARK, horizon_years=1, roadmap=list(roadmap)), seed=0)


@pytest.fixture(scope="module")
def pair():
    return one_year(), one_year([STORE])


def electricity(res, year, entity):
    e = res.energy
    return e[(e.year == year) & (e.carrier == "electricity") & (e.entity == entity)].quantity.sum()


def test_cooling_demand_is_the_chillers_electricity_times_their_cop(pair):
    # Without a store: cooling [kW_th] = chiller electricity × COP, the COP a 0.45 Carnot share
    # between the 7 °C chilled water and the outdoor air + 5 K (data/constants.csv); the year's
    # cooling is the stated 60 kWh_th/m² × 20,000 m² = 1,200 MWh_th in the run's mean weather year,
    # so any one year is near it (degree-hours vary ±20 % between years here).
    base, _ = pair
    h = base.hourly[base.hourly.year == 2026]
    a = base.year(2026)
    assert a["cooling_demand_mwh"] == pytest.approx(h["cooling_demand_kw"].sum() / 1000, rel=1e-12)
    assert 0.8 * 1200 < a["cooling_demand_mwh"] < 1.2 * 1200
    assert a["cooling_chiller_mwh"] == a["cooling_demand_mwh"] and a["cold_store_out_mwh"] == 0.0
    on = h["cooling_demand_kw"] > 0
    cop = (h.loc[on, "cooling_demand_kw"] / h.loc[on, "cooling_electricity_kw"]).to_numpy()
    assert (cop >= 1.0).all() and (cop <= 8.0).all()
    # a 35 °C hour: COP = 0.45 × 280.15 / (40 - 7) = 3.820 (the formula of energy/thermal.py)
    assert float(cop_carnot(35 + constant("chiller_condensing_approach_k"), constant("chilled_water_c"),
                            constant("hvac_carnot_share"), mode="cooling")) == pytest.approx(0.45 * 280.15 / 33)


def test_cold_store_moves_chiller_electricity_out_of_peak_hours(pair):
    base, res = pair
    h0 = base.hourly[base.hourly.year == 2026].reset_index(drop=True)
    h = res.hourly[res.hourly.year == 2026].reset_index(drop=True)
    # the same cooling, met every hour by chillers + store
    assert np.array_equal(h["cooling_demand_kw"], h0["cooling_demand_kw"])
    a, a0 = res.year(2026), base.year(2026)
    assert a["cooling_chiller_mwh"] + a["cold_store_out_mwh"] == pytest.approx(a["cooling_demand_mwh"], rel=1e-12)
    # the store's account: cold in = out + standing loss + what is left at the year's end (it starts empty)
    assert a["cold_store_in_mwh"] * 1000 == pytest.approx(
        a["cold_store_out_mwh"] * 1000 + a["cold_store_loss_mwh"] * 1000 + h["cold_store_soc_kwh"].iloc[-1], rel=1e-9)
    assert (h["cold_store_soc_kwh"] <= 5000.0 + 1e-9).all() and (h["cold_store_soc_kwh"] >= 0).all()
    assert a["cold_store_out_mwh"] > 100  # it works through the summer
    # the load changes by exactly the cooling electricity's change; never up in peak hours
    dload = (h["load_kw"] - h0["load_kw"]).to_numpy()
    assert np.allclose(dload, h["cooling_electricity_kw"] - h0["cooling_electricity_kw"], atol=1e-6)
    peak = h.period >= 2
    assert (dload[peak] <= 1e-9).all()
    # grid charging stays below each month's highest load without the store: no month's peak rises
    month = year_calendar(2026).month
    for m in range(1, 13):
        assert h.loc[month == m, "load_kw"].max() <= h0.loc[month == m, "load_kw"].max() + 1e-9
    assert (h.loc[peak, "cold_store_in_kw"] == 0).all() and (h.loc[~peak, "cold_store_out_kw"] == 0).all()
    # rows: the office loses the chiller electricity the store replaced, the operator buys the
    # ice-making electricity, and together they are the load's change
    office_cut = electricity(base, 2026, "office") - electricity(res, 2026, "office")
    on = h0["cooling_demand_kw"] > 0
    avoided_kwh = (h.loc[on, "cold_store_out_kw"] * h0.loc[on, "cooling_electricity_kw"] / h0.loc[on, "cooling_demand_kw"]).sum()
    assert office_cut * 1000 == pytest.approx(avoided_kwh, rel=1e-9)  # store_out / COP of each hour
    assert -dload[peak].sum() == pytest.approx(avoided_kwh, rel=1e-9)  # all of it in peak hours
    assert electricity(res, 2026, "operator") == pytest.approx(a["cold_store_charge_electricity_mwh"], rel=1e-12)
    assert a["electricity_demand_mwh"] == pytest.approx(h["load_kw"].sum() / 1000, rel=1e-12)
    assert a["electricity_demand_mwh"] - a0["electricity_demand_mwh"] == pytest.approx(
        electricity(res, 2026, "operator") - office_cut, rel=1e-9)
    # ice costs more electricity (COP at -6 °C) but it is bought at the valley price: the bill falls
    assert a["cooling_electricity_mwh"] > a0["cooling_electricity_mwh"]
    assert a["electricity_cost_cny"] < a0["electricity_cost_cny"]


def test_before_the_store_the_run_is_unchanged(pair):
    # the base year (2025), before the store commissions, is the same to the bit in both runs
    base, res = pair
    for t in ("annual", "hourly", "energy", "emissions"):
        x, y = getattr(base, t), getattr(res, t)
        # exact values; capex_cny is int 0 in a run that buys nothing and float in one that does
        pd.testing.assert_frame_equal(x[x.year == 2025].reset_index(drop=True), y[y.year == 2025].reset_index(drop=True),
                                      check_dtype=False, check_exact=True, obj=t)

"""Air-source industrial heat pumps (ems.industrial_heat_pump_cop: air_source_hourly): the COP
follows each hour's outdoor temperature and the band's supply temperature; checked by hand for
two hours, and the rows against the load."""

from __future__ import annotations

import numpy as np
import pytest
from builders import scenario

from parktwin import run
from parktwin.kernel.model import ParkModel

# the hand park (tests/builders.py), all boiler heat and bought steam to heat pumps in 2026
# (low and medium bands; the high band gets electric boilers), no fleet
ELECTRIFY = {"kind": "electrify_boilers", "year": 2026, "share": 1.0, "technology": "heat_pump", "include_purchased_heat": True}


def hand(mode: str):
    return scenario(park={"fleets": []}, horizon_years=1, roadmap=[ELECTRIFY], ems={"industrial_heat_pump_cop": mode})


@pytest.fixture(scope="module")
def runs():
    sc = hand("air_source_hourly")
    model = ParkModel(sc, 0)
    model.run()
    return run(hand("fixed"), seed=0), run(sc, seed=0), model.temp_air_c[1]


def test_two_hours_by_hand(runs):
    _, hourly, temp = runs
    h = hourly.hourly[hourly.hourly.year == 2026].reset_index(drop=True)
    cold_h, warm_h = int(np.argmin(temp)), int(np.argmax(temp))
    for hour in (cold_h, warm_h):
        t = float(temp[hour])
        # COP = 0.535 × T_sink / (T_sink − T_source), kelvin; sink 90 °C (low) or 150 °C (medium),
        # source = outdoor air − 5 K (data/constants.csv: heat_pump_carnot_share, heat_low_sink_c,
        # heat_medium_sink_c, air_source_evaporator_approach_k)
        cop_low = 0.535 * 363.15 / (90.0 - (t - 5.0))
        cop_med = 0.535 * 423.15 / (150.0 - (t - 5.0))
        # chemicals' heat by band 0.2 / 0.6 / 0.2 (data/heat_bands.csv): a quarter of the heat-pump
        # heat is in the low band, three quarters in the medium; the high band's electric boilers at 0.99
        hp = h.loc[hour, "heat_heat_pump_kw"]
        expected = hp * (0.25 / cop_low + 0.75 / cop_med) + h.loc[hour, "heat_electric_boiler_kw"] / 0.99
        assert h.loc[hour, "heat_electricity_kw"] == pytest.approx(expected, rel=1e-9)
    # colder air, larger lift, lower COP: more electricity per kWh of heat
    per_heat = (h["heat_electricity_kw"] - h["heat_electric_boiler_kw"] / 0.99) / h["heat_heat_pump_kw"]
    assert per_heat[cold_h] > per_heat[warm_h]


def test_rows_follow_the_hourly_cop_and_the_default_is_unchanged(runs):
    fixed, hourly, _ = runs
    h0 = fixed.hourly[fixed.hourly.year == 2026].reset_index(drop=True)
    h = hourly.hourly[hourly.hourly.year == 2026].reset_index(drop=True)
    # the same heat, different electricity; the load changes by exactly the heat electricity's change
    assert np.array_equal(h["heat_heat_pump_kw"], h0["heat_heat_pump_kw"])
    assert np.allclose(h["load_kw"] - h0["load_kw"], h["heat_electricity_kw"] - h0["heat_electricity_kw"], atol=1e-6)
    a, a0 = hourly.year(2026), fixed.year(2026)
    # the firms' electricity rows still add up to the hourly load
    e = hourly.energy
    rows_mwh = e[(e.year == 2026) & (e.carrier == "electricity")].quantity.sum()
    assert rows_mwh == pytest.approx(h["load_kw"].sum() / 1000, rel=1e-12)
    assert a["heat_electricity_mwh"] - a0["heat_electricity_mwh"] == pytest.approx((h["load_kw"] - h0["load_kw"]).sum() / 1000, rel=1e-9)
    # the base year has no heat pumps: the option changes nothing there
    b0, b1 = fixed.hourly[fixed.hourly.year == 2025], hourly.hourly[hourly.hourly.year == 2025]
    assert np.array_equal(b0["load_kw"], b1["load_kw"])


def test_waste_heat_taking_over_heat_pumps_keeps_rows_and_load_equal():
    # waste heat (100 kW_th, low band) displaces the low band's heat pumps: the electricity it saves
    # is at each hour's COP, and the firm's row falls by exactly that (rows = load, to rounding)
    waste = {"kind": "waste_heat_recovery", "year": 2026, "enterprises": ["works"], "capacity_kw": 100.0, "band": "low"}
    sc = scenario(park={"fleets": []}, horizon_years=1, roadmap=[ELECTRIFY, waste], ems={"industrial_heat_pump_cop": "air_source_hourly"})
    res = run(sc, seed=0)
    h = res.hourly[res.hourly.year == 2026]
    e = res.energy
    assert h["heat_waste_heat_kw"].sum() > 0
    assert e[(e.year == 2026) & (e.carrier == "electricity")].quantity.sum() == pytest.approx(h["load_kw"].sum() / 1000, rel=1e-12)

"""Heat and hydrogen inside a run (kernel/carriers.py): the firms' hourly heat plan against their
fuel rows, and what waste heat, a hot-water store and a hydrogen tank change, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from builders import scenario
from parktwin import run
from parktwin.agents.enterprise import NO_MEASURES, fold_firm_state
from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR, year_calendar
from parktwin.energy.loads import profile
from parktwin.kernel.carriers import CarrierState
from parktwin.kernel.firm_heat import ROW_NUMBERS, firms_heat, last_rows, segment_heat, steady_heat
from parktwin.kernel.model import ParkModel

KWH_PER_GJ = 1e6 / 3600.0
NO_FLEET = {"fleets": []}


def one_year(roadmap=(), park=None, **fields):
    return run(scenario(park={**NO_FLEET, **(park or {})}, horizon_years=1, roadmap=list(roadmap), **fields), seed=0)


def emitted(res, year, source="stationary_combustion"):
    e = res.emissions
    return e[(e.year == year) & (e.source == source)].emissions_tco2.sum()


def rows(res, year, carrier):
    e = res.energy
    return e[(e.year == year) & (e.carrier == carrier)].quantity.sum()


def test_the_heat_plan_is_the_firms_boiler_heat_by_band():
    # Hand park (tests/builders.py): 1,000 t coal × 20.908 GJ/t × 0.80 + 100 km³ gas × 38.931 GJ/km³
    # × 0.925 = 20,327.5 GJ of boiler heat (all fuel in boilers), 5,000 GJ of purchased steam;
    # chemicals split heat 0.2 / 0.6 / 0.2 by band (data/heat_bands.csv).
    res = one_year()
    a = res.year(2025)
    boiler_mwh = (1000 * 20.908 * 0.80 + 100 * 38.931 * 0.925) / 3.6
    for band, share in (("low", 0.2), ("medium", 0.6), ("high", 0.2)):
        assert a[f"heat_{band}_fossil_mwh"] == pytest.approx(share * boiler_mwh, rel=1e-9)
        assert a[f"heat_{band}_purchased_mwh"] == pytest.approx(share * 5000 / 3.6, rel=1e-9)
    assert a["heat_demand_mwh"] == pytest.approx(boiler_mwh + 5000 / 3.6, rel=1e-9)
    h = res.hourly[res.hourly.year == 2025]
    # spread over the firm's shift profile, hour by hour
    assert np.allclose(h["heat_fossil_kw"], boiler_mwh * 1000 * profile("continuous", 2025), rtol=1e-9)


def test_waste_heat_recovery_cuts_coal_and_gas_by_hand():
    # 100 kW_th of waste heat in the low band, shaped by the firm's own (continuous) profile p:
    # available 100 × p/max(p) every hour, always below the low band's fossil heat (≈ 129 kW mean),
    # so all of it displaces fossil heat: 100/max(p) kWh a year. Coal and gas fall in the firm's
    # coal:gas heat split (16,726.4 : 3,601.1 GJ), each by heat / (NCV × boiler efficiency).
    base = one_year()
    item = {"kind": "waste_heat_recovery", "year": 2026, "enterprises": ["works"], "capacity_kw": 100.0, "band": "low"}
    res = one_year([item])
    p = profile("continuous", 2026)
    displaced_kwh = 100.0 / p.max()
    assert res.year(2026)["heat_low_waste_heat_mwh"] == pytest.approx(displaced_kwh / 1000, rel=1e-9)
    coal_share = 1000 * 20.908 * 0.80 / (1000 * 20.908 * 0.80 + 100 * 38.931 * 0.925)
    coal_cut_t = displaced_kwh * coal_share / (20.908 * 0.80 * KWH_PER_GJ)
    gas_cut_km3 = displaced_kwh * (1 - coal_share) / (38.931 * 0.925 * KWH_PER_GJ)
    assert rows(base, 2026, "coal") - rows(res, 2026, "coal") == pytest.approx(coal_cut_t, rel=1e-9)
    assert rows(base, 2026, "natural_gas") - rows(res, 2026, "natural_gas") == pytest.approx(gas_cut_km3, rel=1e-9)
    # emissions fall by the same fuel times its factor (constants.csv: 1,900.3 kgCO₂/t, 2,162.2 kgCO₂/km³)
    cut_t = (coal_cut_t * constant("coal_kgco2_per_t") + gas_cut_km3 * constant("natural_gas_kgco2_per_km3")) / 1000
    assert emitted(base, 2026) - emitted(res, 2026) == pytest.approx(cut_t, rel=1e-9)
    # the base year, before the recovery, is the same in both runs
    assert rows(res, 2025, "coal") == rows(base, 2025, "coal")


def test_hot_water_store_moves_electric_heat_to_valley_hours():
    # All boiler heat and bought steam electrified in 2026 (electric boilers, efficiency 0.99), plus a
    # 2 MWh store with a 500 kW heater and 500 kW discharge. The load differs from the run without
    # the store by exactly the heater's electricity minus the electric heat the store replaced.
    # The firm works two shifts, so its valley hours leave grid import below the month's peak for the
    # heater (a continuous firm's flat load leaves none: the heater then never charges from the grid).
    electrify = {"kind": "electrify_boilers", "year": 2026, "share": 1.0, "technology": "electric_boiler", "include_purchased_heat": True}
    store = {"kind": "thermal_storage", "year": 2026, "capacity_kwh": 2000.0, "charge_kw": 500.0, "discharge_kw": 500.0}
    park = {"enterprises": [{**_works(), "shift_pattern": "two_shift_2x8"}]}
    base = one_year([electrify], park)
    res = one_year([electrify, store], park)
    h0 = base.hourly[base.hourly.year == 2026].reset_index(drop=True)
    h = res.hourly[res.hourly.year == 2026].reset_index(drop=True)
    assert (h["thermal_store_soc_kwh"] <= 2000.0 + 1e-9).all() and (h["thermal_store_soc_kwh"] >= 0).all()
    assert (h.loc[h.period != 0, "thermal_store_in_kw"] == 0).all()  # no PV: valley charging only
    assert (h.loc[h.period < 2, "heat_store_kw"] == 0).all()  # discharge only in peak hours
    eta = constant("electric_boiler_efficiency")
    expected = h["thermal_store_in_kw"] / eta - h["heat_store_kw"] / eta
    assert np.allclose(h["load_kw"] - h0["load_kw"], expected, atol=1e-6)
    supplies = [f"heat_{s}_kw" for s in ("waste_heat", "chp", "fossil", "purchased", "electric_boiler", "heat_pump", "store")]
    demand = h[["heat_low_demand_kw", "heat_medium_demand_kw", "heat_high_demand_kw"]].sum(axis=1)
    assert np.allclose(h[supplies].sum(axis=1), demand, atol=1e-6)
    # the electricity rows still add up to the hourly load, and the park pays less (peak → valley)
    a, a0 = res.year(2026), base.year(2026)
    assert a["electricity_demand_mwh"] == pytest.approx(h["load_kw"].sum() / 1000, rel=1e-12)
    assert a["electricity_cost_cny"] < a0["electricity_cost_cny"]
    assert a["thermal_store_in_mwh"] > 0
    # the heater never raises a month's peak import (its demand charge): month by month, the peak is the run's without it
    month = year_calendar(2026).month
    for imp in (h, h0):
        imp["grid_kw"] = imp["grid_to_load_kw"] + imp["grid_to_battery_kw"]
    for m in range(1, 13):
        assert h.loc[month == m, "grid_kw"].max() <= h0.loc[month == m, "grid_kw"].max() + 1e-6, m
    # store energy: heat in = heat out + standing loss + what is left in it at the year's end
    assert a["thermal_store_in_mwh"] * 1000 == pytest.approx(
        h["heat_store_kw"].sum() + a["thermal_store_loss_mwh"] * 1000 + h["thermal_store_soc_kwh"].iloc[-1], rel=1e-9)


def test_hydrogen_tank_feeds_the_burners_and_shifts_the_electrolysers():
    # Half of the firm's fuel goes to process burners (fuel_heat_share 0.5); 2026: all of it to
    # hydrogen. Without a tank the electrolysers follow the burners hour by hour; with a 500 kg tank
    # they fill it in valley hours, and the hydrogen balance closes every hour.
    park = {"enterprises": [{**_works(), "fuel_heat_share": 0.5}]}
    h2 = {"kind": "hydrogen_process_heat", "year": 2026, "share": 1.0}
    tank = {"kind": "hydrogen_tank", "year": 2026, "tank_kg": 500.0}
    base = one_year([h2], park)
    res = one_year([h2, tank], park)
    h = res.hourly[res.hourly.year == 2026].reset_index(drop=True)
    h0 = base.hourly[base.hourly.year == 2026].reset_index(drop=True)
    # process fuel 0.5 × (1000 × 20.908 + 100 × 38.931) GJ = 12,400.55 GJ → kg at 33.33 kWh/kg
    demand_kg = 0.5 * (1000 * 20.908 + 100 * 38.931) * KWH_PER_GJ / constant("hydrogen_lhv_kwh_per_kg")
    assert h["h2_demand_kg"].sum() == pytest.approx(demand_kg, rel=1e-9)
    stock = np.concatenate([[0.0], h["h2_soc_kg"].to_numpy()[:-1]])
    assert np.allclose(h["h2_produced_kg"] + h["h2_bought_kg"] + stock - h["h2_soc_kg"], h["h2_demand_kg"], atol=1e-6)
    assert (h["h2_soc_kg"] <= 500.0 + 1e-9).all() and (h["h2_soc_kg"] >= 0).all()
    assert h["h2_bought_kg"].sum() == 0.0  # the firm's electrolysers, sized to its peak, always suffice
    kwh_per_kg = constant("hydrogen_lhv_kwh_per_kg") / constant("electrolyser_efficiency_lhv")
    assert np.allclose(h["electrolyser_kw"], h["h2_produced_kg"] * kwh_per_kg)
    assert np.allclose(h["load_kw"] - h0["load_kw"], h["electrolyser_kw"] - h0["electrolyser_kw"], atol=1e-6)
    valley = h.period == 0
    assert h.loc[valley, "electrolyser_kw"].sum() > h0.loc[valley, "electrolyser_kw"].sum()
    # the same electricity over the year, apart from what is left in the tank
    left_kwh = h["h2_soc_kg"].iloc[-1] * kwh_per_kg
    assert h["electrolyser_kw"].sum() - h0["electrolyser_kw"].sum() == pytest.approx(left_kwh, rel=1e-9, abs=1e-6)


def _works() -> dict:
    from builders import PARK

    return dict(PARK["enterprises"][0])


def test_heat_balance_figure_stacks_to_each_bands_demand():
    from parktwin.viz.carriers import heat_balance_figure

    item = {"kind": "waste_heat_recovery", "year": 2026, "enterprises": ["works"], "capacity_kw": 100.0, "band": "medium"}
    res = one_year([item])
    fig = heat_balance_figure(res, "en")
    a = res.annual
    for axis, band in (("x", "low"), ("x2", "medium"), ("x3", "high")):
        bars = [np.asarray(tr.y, dtype=float) for tr in fig.data if tr.type == "bar" and tr.xaxis == axis]
        demand = sum(a[f"heat_{band}_{s}_mwh"] for s in ("waste_heat", "chp", "fossil", "purchased", "electric_boiler", "heat_pump", "store"))
        np.testing.assert_allclose(np.sum(bars, axis=0), demand / 1000.0, rtol=1e-12)
    # the recovered heat shows in the medium band in the second year only
    waste = [tr for tr in fig.data if tr.name == "Recovered waste heat"]
    assert len(waste) == 1 and waste[0].xaxis == "x2" and waste[0].y[0] == 0 and waste[0].y[1] > 0


def test_net_zero_stores_pay_for_themselves():
    # scenarios/net_zero_2050.yaml keeps its hot-water store and hydrogen tank because each lowers
    # the pathway's discounted system cost against the same roadmap without it (seed 0; the
    # numbers are in docs/methods.md). The stores work: the tank serves burners with no hydrogen
    # bought, and the store's heat reaches the low band.
    from pathlib import Path

    import parktwin

    loaded = parktwin.load(Path(__file__).resolve().parents[1] / "scenarios" / "net_zero_2050.yaml")
    sc = loaded.scenario
    full = parktwin.run(sc, seed=0)
    costs = {}
    for kind in ("thermal_storage", "hydrogen_tank"):
        without = sc.model_copy(update={"roadmap": [i for i in sc.roadmap if i.kind != kind]})
        costs[kind] = parktwin.run(without, seed=0).pathway_cost_npv_cny()
    npv = full.pathway_cost_npv_cny()
    assert npv < costs["thermal_storage"] and npv < costs["hydrogen_tank"]
    a = full.annual.set_index("year")
    assert a.loc[2031:, "heat_low_store_mwh"].gt(0).all()
    assert a["hydrogen_bought_t"].sum() == 0.0 and a.loc[2040:, "hydrogen_produced_t"].gt(0).all()


def test_buildings_space_heat_is_reported_beside_the_bands():
    # An office heated by gas boilers: its heating gas (agents/building.py) is the space heat
    # reported here ÷ boiler efficiency 0.925 ÷ 38.931 GJ/km³; a heat-pump office adds heat, no gas.
    offices = [
        {"id": "gas_office", "kind": "office", "floor_area_m2": 10000, "electricity_kwh_per_m2": 50, "heating_kwh_per_m2_yr": 40,
         "heating_system": "gas_boiler"},
        {"id": "hp_office", "kind": "office", "floor_area_m2": 5000, "electricity_kwh_per_m2": 50, "heating_kwh_per_m2_yr": 40},
    ]
    res = one_year(park={"buildings": offices})
    a = res.year(2025)
    gas = res.energy[(res.energy.year == 2025) & (res.energy.entity == "gas_office") & (res.energy.carrier == "natural_gas")].quantity.sum()
    assert a["heat_space_fossil_mwh"] * 3.6 / 0.925 / 38.931 == pytest.approx(gas, rel=1e-9)
    # the run's mean year gives the stated intensity: 40 kWh/m² × area, averaged over the two years
    both = res.annual["heat_space_heat_pump_mwh"].mean()
    assert both == pytest.approx(5000 * 40 / 1000, rel=1e-9)
    h = res.hourly[res.hourly.year == 2025]
    assert h["heat_space_fossil_kw"].sum() / 1000 == pytest.approx(a["heat_space_fossil_mwh"], rel=1e-12)
    from parktwin.viz.carriers import heat_balance_figure

    fig = heat_balance_figure(res, "en")
    assert [a.text for a in fig.layout.annotations][-1] == "Buildings' space heating"
    bars = [tr for tr in fig.data if tr.xaxis == "x4"]
    np.testing.assert_allclose(np.sum([np.asarray(tr.y, dtype=float) for tr in bars], axis=0),
                               (res.annual["heat_space_heat_pump_mwh"] + res.annual["heat_space_fossil_mwh"]) / 1000.0, rtol=1e-12)


def test_biomethane_and_bought_hydrogen_in_the_inventory():
    # 100 km³ of biomethane: 1,184 kgce/km³ (34.7 GJ / 29.307 GJ per tce) → 118.4 tce, renewable,
    # 0 fossil CO₂; 2 t of bought grey hydrogen: 4,094.6 kgce/t → 8.19 tce, 10 tCO₂/t upstream in
    # scope 3, outside gross emissions (data/constants.csv).
    from parktwin.accounting.inventory import ElectricitySupply, account_year
    from parktwin.agents.base import EnergyRow

    rows = [EnergyRow("operator", "operator", "biomethane", 100.0, "km3"), EnergyRow("operator", "operator", "purchased_hydrogen", 2.0, "t")]
    supply = ElectricitySupply(0, 0, 0, 0, 0, 0, 0, 0)
    emissions, energy, summary = account_year(2030, rows, supply, 0.5, "test", 0.3, "equivalent", 0.0, None)
    assert summary["energy_tce"] == pytest.approx(118.4 + 8.1892, rel=1e-9)
    assert summary["gross_tco2"] == 0.0 and summary["scope1_tco2"] == 0.0
    assert summary["renewable_share"] == pytest.approx(118.4 / (118.4 + 8.1892), rel=1e-9)
    scope3 = [e for e in emissions if e[3] == "3"]
    assert len(scope3) == 1 and scope3[0][5] == "purchased_hydrogen" and scope3[0][-1] == pytest.approx(20.0)


def three_years_half_on_heat_pumps() -> tuple:
    """A three-year run of the hand park whose firms move half their boiler and bought heat to heat
    pumps in its second year; returns the model, its firms, its last year and that year's first hour."""
    electrify = {"kind": "electrify_boilers", "year": 2026, "share": 0.5, "technology": "heat_pump", "include_purchased_heat": True}
    model = ParkModel(scenario(park=NO_FLEET, horizon_years=3, roadmap=[electrify]), 0)
    model.run()
    return model, list(model.enterprises.values()), 2027, 2 * HOURS_PER_YEAR


def test_a_steady_year_of_firms_heat_is_the_segment_by_segment_year():
    # kernel.firm_heat: a firm with no change since last year's heat is all year in its last state,
    # kept by firm (state.last_states); a year where every firm has one state is one array product
    # over the firms; it must give the same numbers, value for value, as folding every firm (a fresh
    # CarrierState has no last year)
    model, firms, year, year_start = three_years_half_on_heat_pumps()
    kept = model.carrier_state.last_states
    fast = firms_heat(firms, year, year_start, model.carrier_state)
    assert fast.steady and model.carrier_state.last_states is kept  # the run's last year was steady: nothing folded again
    slow = firms_heat(firms, year, year_start, CarrierState())
    # a firm counted as changed since last year, whose year is still one state, takes its state's row anew
    stale = kept.numbers.copy()
    stale[0] = 0.0  # (last year's row of that firm, which must not be read)
    model.carrier_state.last_states = kept._replace(counts=[n - (i == 0) for i, n in enumerate(kept.counts)], numbers=stale)
    patched = firms_heat(firms, year, year_start, model.carrier_state)
    assert fast.coefs.any()
    for name in ("firm", "start", "end", "coefs", "h2", "annual", "annual_h2"):
        assert np.array_equal(np.asarray(getattr(fast, name)), np.asarray(getattr(slow, name))), name
        assert np.array_equal(np.asarray(getattr(patched, name)), np.asarray(getattr(slow, name))), name


def test_a_year_with_a_firm_changing_mid_year_folds_only_that_firm():
    # kernel.firm_heat: in a year where one firm changes state mid-year, the other firms keep last
    # year's rows and only that firm is folded into its segments; the numbers must be those of
    # folding every firm (a fresh CarrierState), value for value
    model, firms, year, year_start = three_years_half_on_heat_pumps()
    kept = model.carrier_state.last_states
    firm = firms[0]
    firm.commission(year_start + 3000.0, "efficiency", 0.1, "test")  # a change inside the year
    firm.year_segments(year_start, NO_MEASURES, fold_firm_state)  # (the fold the firm's year energy makes first)
    mixed = firms_heat(firms, year, year_start, model.carrier_state)
    assert model.carrier_state.last_states.numbers is not kept.numbers  # the firm's last state replaced its row
    slow = firms_heat(firms, year, year_start, CarrierState())
    assert not mixed.steady and mixed.firm.count(0) == 2 and mixed.start[1] == 3000  # the firm's two segments
    for name in ("firm", "start", "end", "coefs", "h2", "annual", "annual_h2"):
        assert np.array_equal(np.asarray(getattr(mixed, name)), np.asarray(getattr(slow, name))), name


def test_add_to_rows_changes_each_row_of_a_key_drops_emptied_rows_and_appends_new_ones():
    # kernel.carriers.add_to_rows, by hand: a change adds to every row of its (entity, carrier),
    # rows at 0 or below leave, rows stay in order, and new rows follow in the changes' order
    from parktwin.agents.base import EnergyRow
    from parktwin.kernel.carriers import UNITS, add_to_rows
    rows = [EnergyRow("f1", "chemicals", "coal", 10.0, "t"), EnergyRow("f1", "chemicals", "electricity", 5.0, "MWh"),
            EnergyRow("f2", "textiles", "natural_gas", 2.0, "km3"), EnergyRow("f1", "chemicals", "coal", 1.0, "t")]
    changes = {("f2", "natural_gas"): -2.0, ("f1", "coal"): -3.0, ("operator", "electricity"): 4.0, ("f3", "coal"): -1.0}
    out = add_to_rows(rows, changes, lambda: {"operator": "operator"}, UNITS)
    assert out == [EnergyRow("f1", "chemicals", "coal", 7.0, "t"), rows[1], EnergyRow("operator", "operator", "electricity", 4.0, "MWh")]
    assert out[1] is rows[1]  # untouched rows are the same objects
    assert add_to_rows(rows, {}, None, UNITS) == rows


def test_cut_firms_heat_takes_each_firms_share_out_of_its_rows_in_firm_order():
    # kernel.carriers.cut_firms_heat by hand: the dispatch took half of the low band's fossil heat
    # and all of its electric-boiler heat; firm a (coal and gas) loses half its fossil heat as coal
    # and gas by its heat split and its boilers' electricity, firm b (no fossil heat) only that
    from types import SimpleNamespace

    from parktwin.kernel.carrier_inputs import FirmRowKeys
    from parktwin.kernel.carriers import cut_firms_heat
    keys = [tuple((f, c) for c in ("coal", "natural_gas", "purchased_heat", "electricity")) for f in ("a", "b")]
    rows = FirmRowKeys([], keys, [0.25, None])
    annual = np.zeros((2, 4, 3))
    annual[0, 0, 0], annual[0, 2, 0], annual[1, 2, 0] = 8000.0, 100.0, 300.0  # [kWh_th]: a's fossil and electric, b's electric
    before, after = annual.sum(axis=0), annual.sum(axis=0)
    after[0, 0], after[2, 0] = 4000.0, 0.0
    k = SimpleNamespace(coal_kwh_th_per_t=5000.0, gas_kwh_th_per_km3=8000.0)
    w = SimpleNamespace(changes={("a", "electricity"): 1.0}, firm_heat=SimpleNamespace(annual=annual), eb_eff=0.5)
    cut_firms_heat(w, before, after, np.array([3.0, 2.0, 1.0]), k, rows)
    assert w.changes == {("a", "electricity"): 1.0 - 0.2, ("a", "coal"): -4000.0 * 0.25 / 5000.0,
                         ("a", "natural_gas"): -4000.0 * 0.75 / 8000.0, ("b", "electricity"): -0.6}
    annual[1, 0, 0] = 10.0  # b now has fossil heat it cannot split
    before[0, 0] += 10.0
    with pytest.raises(ZeroDivisionError, match="b: fossil heat displaced"):
        cut_firms_heat(w, before, after, np.array([3.0, 2.0, 1.0]), k, rows)


def test_segment_heat_lays_out_scales_and_weighs_a_split_firm_by_hand():
    # kernel.firm_heat.segment_heat by hand: firm 0 all year in its last state (coefficients 1 at
    # scale 1, efficiency 0.5, no hydrogen) at scale 2 → k = 1; firm 1 changes at hour 1000 from
    # (coefficients 2, efficiency 1, hydrogen share 0.5) to (8, 0.5, 1) at scale 3 and base hydrogen
    # 10 kWh → k = 3 then 1.5, coefficients 6 then 12, hydrogen 15 and 15; weighted 0.25 / 0.75 its
    # year is 0.25 × 6 + 0.75 × 12 = 10.5 and 15 kWh of hydrogen
    def row(unit, efficiency, share):
        return [unit] * 12 + [efficiency, share]

    firm_rows = np.array([row(1.0, 0.5, 0.0), row(8.0, 0.5, 1.0)])
    seg_rows = np.array([row(2.0, 1.0, 0.5), row(8.0, 0.5, 1.0)])
    changed, lengths = np.array([1]), np.array([2])
    scale, h2_kwh = np.array([2.0, 3.0]), np.array([0.0, 10.0])
    firm_of, starts, ends, coefs, h2, annual, annual_h2 = segment_heat(changed, lengths, firm_rows, seg_rows, np.array([0, 1000]),
                                                                       np.array([0.25, 0.75]), scale, h2_kwh, HOURS_PER_YEAR)
    assert firm_of.tolist() == [0, 1, 1] and starts.tolist() == [0, 0, 1000] and ends.tolist() == [HOURS_PER_YEAR, 1000, HOURS_PER_YEAR]
    assert (coefs[0] == 1.0).all() and (coefs[1] == 6.0).all() and (coefs[2] == 12.0).all()
    assert h2.tolist() == [0.0, 15.0, 15.0] and annual_h2.tolist() == [0.0, 15.0]
    assert (annual[0] == 1.0).all() and (annual[1] == 10.5).all()
    # the steady pass is the same arithmetic with one segment a firm; the last rows replace the changed firms' rows
    steady_coefs, steady_h2 = steady_heat(scale, firm_rows, h2_kwh)
    assert (steady_coefs[0] == 1.0).all() and (steady_coefs[1] == 12.0).all() and steady_h2.tolist() == [0.0, 15.0]
    kept = np.zeros((2, ROW_NUMBERS))
    assert np.array_equal(last_rows(kept, 2, changed, lengths, seg_rows), np.array([kept[0], seg_rows[1]]))

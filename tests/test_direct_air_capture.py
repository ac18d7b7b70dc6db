"""Direct air capture with storage (technologies/direct_air_capture.py), worked by hand.

Numbers and where they come from:
- 0.4 MWh of electricity and 1.6 MWh_th of heat per tonne removed: Beuttler et al. 2019
  (Climeworks low-temperature DAC) via PyPSA technology-data (data/constants.csv dac_*);
- the heat comes from air-source heat pumps at the low band's supply temperature 90 °C
  (constants.csv heat_low_sink_c), COP = 0.535 (heat_pump_carnot_share, calibrated to DEA's 2.63)
  × T_sink / (T_sink − T_source) with T_source = the hour's air temperature − 5 K
  (air_source_evaporator_approach_k), clipped to [1, 8] (energy/thermal.py);
- a plant of N t/yr runs at full load: N / 8,760 t every hour in service;
- the grid factor of the year and the green share give the scope-2 tonnes of its electricity.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import PARK, scenario

from parktwin import run
from parktwin.accounting.inventory import ElectricitySupply, account_year
from parktwin.agents.base import EnergyRow
from parktwin.data import constant
from parktwin.kernel.carriers import air_source_band_cop
from parktwin.kernel.model import ParkModel
from parktwin.planning.candidates import Choice, item, survey
from parktwin.technologies.bounds import bound_of
from parktwin.technologies.direct_air_capture import dac_year
from parktwin.viz.flows import carbon_flows

N_TCO2 = 2000.0  # the plant in the runs below [tCO₂/yr]
YEAR = 2036  # a year after direct air capture is available (2035, data/technologies.csv)


def test_a_full_year_at_the_cop_clips_by_hand():
    # 8,760 t/yr for 8,760 h: 1 t/h. Air at 100 °C: the source (95 °C) above the 90 °C supply, no lift,
    # COP_MAX 8: 0.4 + 1.6 / 8 = 0.6 MWh/t → 600 kW every hour, 5,256 MWh a year
    load_kw = np.full(8760, 1000.0)
    d, with_dac = dac_year(np.full(8760, 8760.0), np.full(8760, 100.0), load_kw)
    assert d.removed_tco2 == pytest.approx(8760.0, rel=1e-12)
    assert d.electricity_kw == pytest.approx(np.full(8760, 600.0), rel=1e-12)
    assert d.electricity_mwh == pytest.approx(5256.0, rel=1e-12)
    assert with_dac == pytest.approx(np.full(8760, 1600.0), rel=1e-12)  # the load with its electricity
    # air at −150 °C: lift 245 K, 0.535 × 363.15 / 245 = 0.79 clipped to COP_MIN 1: 0.4 + 1.6 = 2.0 MWh/t;
    # commissioned at mid-year (hour 4,380): half the tonnes and half the electricity
    half, _ = dac_year(np.r_[np.zeros(4380), np.full(4380, 8760.0)], np.full(8760, -150.0), load_kw)
    assert half.removed_tco2 == pytest.approx(4380.0, rel=1e-12) and half.electricity_mwh == pytest.approx(8760.0, rel=1e-12)
    # a plant that removes nothing leaves the load as it is (the same array)
    assert dac_year(np.zeros(8760), np.full(8760, 10.0), load_kw)[1] is load_kw


def test_its_hours_are_the_heat_plans_air_source_cop_to_the_bit():
    # the compiled pass makes numpy's numbers: the low band's air-source COP (kernel.carriers.air_source_band_cop)
    # and (tonnes / 8,760) × (0.4 + 1.6 / COP) × 1000, the load + that, hour by hour
    model = ParkModel(scenario(horizon_years=YEAR - 2025), seed=0)
    capacity = np.r_[np.zeros(3000), np.full(5760, N_TCO2)]
    load_kw = np.linspace(500.0, 900.0, 8760)
    d, with_dac = dac_year(capacity, model.temp_air_c[YEAR - 2025], load_kw)
    removed = capacity / 8760
    kw = removed * (constant("dac_electricity_mwh_per_tco2") + constant("dac_heat_mwh_per_tco2") / air_source_band_cop(model, YEAR, "heat_low_sink_c")) * 1000.0
    assert d.electricity_kw.tobytes() == kw.tobytes() and (load_kw + kw).tobytes() == with_dac.tobytes()
    assert d.removed_tco2 == float(removed.sum())


def test_removals_are_a_row_of_their_own_and_lower_the_net_not_scope_1():
    # 1,000 t of coal × 1.9003 = 1,900.3 t scope 1; 1,000 MWh of the firm and 500 MWh of the plant from the grid at 0.5 kg/kWh
    rows = [EnergyRow("works", "enterprise", "coal", 1000.0, "t"), EnergyRow("works", "enterprise", "electricity", 1000.0, "MWh"),
            EnergyRow("operator", "operator", "electricity", 500.0, "MWh")]
    supply = ElectricitySupply(1.5e6, 1.5e6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    emissions, _, s = account_year(2045, rows, supply, 0.5, "east_china", 0.4, "equivalent", 50.0, 0.1, dac_removed_tco2=400.0)
    dac = next(r for r in emissions if r[5] == "direct_air_capture")
    assert (dac[1], dac[3], dac[6], dac[11]) == ("operator", "removal", 400.0, -400.0)
    assert s["scope1_tco2"] == pytest.approx(1900.3, rel=1e-12)  # not scope 1 (unlike CCUS on a source)
    assert s["scope2_market_tco2"] == pytest.approx(750.0, rel=1e-12)  # the plant's 500 MWh × 0.5 included
    assert s["dac_removed_tco2"] == 400.0 and s["removals_tco2"] == 450.0  # beside the green space's 50 t
    # offsets: at most 10 % of gross 2,650.3 = 265.03 t, and at most the residual after removals (2,200.3 t)
    assert s["offsets_tco2"] == pytest.approx(265.03, rel=1e-12)
    assert s["net_tco2"] == pytest.approx(2650.3 - 450.0 - 265.03, rel=1e-12)


def test_removals_above_gross_leave_no_room_for_offsets():
    rows = [EnergyRow("works", "enterprise", "coal", 100.0, "t")]  # 190.03 t
    _, _, s = account_year(2045, rows, ElectricitySupply(0, 0, 0, 0, 0, 0, 0, 0), 0.5, "east_china", 0.4, "equivalent", 0.0, 0.1,
                           dac_removed_tco2=300.0)
    assert s["offsets_tco2"] == 0.0 and s["net_tco2"] == pytest.approx(190.03 - 300.0, rel=1e-12)


def _runs(green_share: float):
    base = [{"id": "green", "kind": "green_power", "year": 2026, "share": green_share}] if green_share else []
    dac = {"id": "dac", "kind": "direct_air_capture", "year": YEAR, "lead_time_days": 0, "capacity_tco2_per_yr": N_TCO2}
    fields = {"horizon_years": YEAR - 2025, "outputs": {"hourly_years": [YEAR]}}
    return run(scenario(roadmap=base, **fields), seed=0), run(scenario(roadmap=[*base, dac], **fields), seed=0), scenario(**fields)


@pytest.mark.parametrize("green_share", [0.0, 0.5])
def test_in_a_run_its_load_is_billed_and_in_scope_2_and_its_tonnes_are_removed(green_share):
    without, with_dac, sc = _runs(green_share)
    a, b = without.year(YEAR), with_dac.year(YEAR)
    # its heat pumps' COP each hour, by hand from the air temperature the run drew (the same seed):
    # data/constants.csv heat_pump_carnot_share 0.535 (DEA COP 2.63 at 120 °C from 40 °C), heat_low_sink_c 90 °C,
    # air_source_evaporator_approach_k 5 K; energy/thermal.py clips a COP to [COP_MIN 1, COP_MAX 8]
    temp_c = ParkModel(sc, seed=0).temp_air_c[YEAR - 2025]
    cop = np.clip(0.535 * (90.0 + 273.15) / (90.0 - (temp_c - 5.0)), 1.0, 8.0)
    dac_kw = N_TCO2 / 8760.0 * (0.4 + 1.6 / cop) * 1000.0
    assert b["dac_removed_tco2"] == pytest.approx(N_TCO2, rel=1e-12) and a["dac_removed_tco2"] == 0.0
    assert b["dac_electricity_mwh"] == pytest.approx(dac_kw.sum() / 1000.0, rel=1e-9)
    mwh = b["dac_electricity_mwh"]
    assert 0.4 * N_TCO2 + 1.6 * N_TCO2 / 8.0 < mwh < 2.0 * N_TCO2  # between COP 8 and COP 1
    # the load: demand and grid import grow by the plant's electricity (the hand park has no on-site generation)
    assert b["electricity_demand_mwh"] - a["electricity_demand_mwh"] == pytest.approx(mwh, rel=1e-6)
    assert b["grid_import_mwh"] - a["grid_import_mwh"] == pytest.approx(mwh, rel=1e-6)
    # the bill: each hour's extra kWh at that hour's tariff (no demand charge in the hand tariff)
    price = with_dac.hourly[with_dac.hourly["year"] == YEAR]["price_cny_per_kwh"].to_numpy()
    assert b["electricity_cost_cny"] - a["electricity_cost_cny"] == pytest.approx(float((dac_kw * price).sum()), rel=1e-6)
    # scope 2 (market-based): its grid electricity × the year's factor × (1 − green share); scope 1 unchanged
    factor = b["grid_factor_kgco2_per_kwh"]
    scope2 = mwh * factor * (1.0 - green_share)
    assert b["scope2_market_tco2"] - a["scope2_market_tco2"] == pytest.approx(scope2, rel=1e-6)
    assert b["scope1_tco2"] == pytest.approx(a["scope1_tco2"], rel=1e-12)
    # net emissions drop by the tonnes removed less the scope 2 of its electricity (no offsets in these runs)
    assert a["net_tco2"] - b["net_tco2"] == pytest.approx(N_TCO2 - scope2, rel=1e-6)
    # the inventory shows it: a removal row and the operator's electricity row
    em = with_dac.emissions[with_dac.emissions["year"] == YEAR]
    assert em[em["source"] == "direct_air_capture"]["emissions_tco2"].sum() == pytest.approx(-N_TCO2, rel=1e-12)
    en = with_dac.energy[(with_dac.energy["year"] == YEAR) & (with_dac.energy["entity"] == "operator")]
    assert en[en["carrier"] == "electricity"]["quantity"].sum() == pytest.approx(mwh, rel=1e-6)
    # the carbon Sankey: a branch of its own from gross emissions, beside the green space's
    assert carbon_flows(with_dac, YEAR)[("flow_gross", "flow_direct_air_capture")] == pytest.approx(N_TCO2, rel=1e-12)
    # the MACC: its tonnes removed a year
    m = with_dac.measures[with_dac.measures["measure"] == "direct_air_capture"]
    assert m["abated_tco2_per_yr"].tolist() == pytest.approx([N_TCO2], rel=1e-12)


def test_the_planner_bounds_it_by_the_park_files_direct_co2():
    sc = scenario()
    # hand park (tests/builders.py): coal 1,000 t × 1.9003 + gas 100 km³ × 2.1622 + 500 t of process CO₂
    direct = 1000 * 1.9003 + 100 * 2.1622 + PARK["enterprises"][0]["process_emissions_tco2"]
    assert bound_of("direct_air_capture", sc.park) == pytest.approx(direct, rel=1e-12)
    c = next(c for c in survey(sc)[0] if c.kind == "direct_air_capture")
    assert c.max_value == pytest.approx(0.05 * direct, rel=1e-12)  # data/planning_bounds.csv: 5 %
    it = item(Choice(c, 0.5, 2040))
    assert it["kind"] == "direct_air_capture" and it["capacity_tco2_per_yr"] == pytest.approx(0.025 * direct, rel=1e-6)


def test_the_direct_co2_bound_counts_the_firms_diesel_and_the_buildings_gas_but_not_the_fleets():
    # the hand firm with 50 t of diesel, and a canteen of 3,200 m² burning 40 m³/m² (128 thousand m³):
    # 1,000 × 1.9003 + 100 × 2.1622 + 50 × 3.0959 (data/constants.csv diesel_kgco2_per_t) + 500 process
    # + 128 × 2.1622 = 3,048.0766 t; the hand park's ten diesel trucks (duty cycles, not stated fuel) are left out
    firm = {**PARK["enterprises"][0], "energy": {**PARK["enterprises"][0]["energy"], "diesel_t": 50.0}}
    canteen = {"id": "canteen", "kind": "canteen", "floor_area_m2": 3200.0, "electricity_kwh_per_m2": 160.0, "natural_gas_m3_per_m2": 40.0}
    sc = scenario(park={"enterprises": [firm], "buildings": [canteen]})
    assert len(sc.park.fleets) == 1 and sc.park.enterprises[0].energy.diesel_t == 50.0
    assert bound_of("direct_air_capture", sc.park) == pytest.approx(1900.3 + 216.22 + 154.795 + 500.0 + 128 * 2.1622, rel=1e-12)
    assert bound_of("direct_air_capture", sc.park) == pytest.approx(3048.0766, rel=1e-9)

"""The inventory and the core indicator against hand computations with the factors' sources.

Factors used by hand below (src/parktwin/data/constants.csv, grid_factors.csv):
- raw coal 1.9003 kgCO₂/kg and 0.7143 kgce/kg; natural gas 2.1622 kgCO₂/m³ and 1.33 kgce/m³;
  diesel 3.0959 kgCO₂/kg and 1.4571 kgce/kg — GB/T 2589 + provincial inventory guideline,
  compiled at max.book118.com/html/2020/1123/8133103033003020.shtm;
- purchased heat 0.0341 kgce/MJ (GB/T 2589 basis) and 0.11 tCO₂/GJ (零碳园区碳排放核算方法（试行）);
- electricity 当量 0.1229 kgce/kWh = 3600/29307 (GB/T 2589);
- core-indicator grid electricity 0.8325 kgCO₂/kWh (national fossil-power factor 2022, same method);
- East China grid factor: 0.5500 (2023, MEE/NBS) → 0.46 (2030, assumption), linear:
  2025 = 0.55 − 2/7 × 0.09 = 0.524286 kgCO₂/kWh;
- diesel density 0.84 kg/L (assumption).
"""

from __future__ import annotations

import pytest

from builders import scenario
from parktwin import run
from parktwin.accounting.inventory import core_threshold_tco2_per_tce, green_space_removals_tco2, grid_nonfossil_share
from parktwin.accounting.phases import phase_of

GRID_2025 = 0.55 - 2 / 7 * 0.09
DIESEL_T = 10 * 50000 * 30 / 100 * 0.84 / 1000  # vehicles × km × L/100km × kg/L → t = 126 t
SCOPE1 = 1000 * 1.9003 + 100 * 2.1622 + 500 + DIESEL_T * 3.0959  # coal + gas + process + diesel [t]
ENERGY_TCE = 1000 * 0.7143 + 100 * 1.33 + 5000 * 0.0341 + DIESEL_T * 1.4571 + 10_000_000 * 0.1229 / 1000


@pytest.fixture(scope="module")
def hand_results():
    return run(scenario(park={"green_space": {"area_ha": 10, "crown_cover_share": 0.5}}), seed=0)


def test_base_year_inventory_matches_hand_computation(hand_results):
    y = hand_results.year(2025)
    assert y["scope1_tco2"] == pytest.approx(SCOPE1, rel=1e-9)
    scope2 = 10_000 * GRID_2025 + 5000 * 0.11  # electricity MWh × kgCO₂/kWh = t; heat GJ × t/GJ
    assert y["scope2_location_tco2"] == pytest.approx(scope2, rel=1e-9)
    assert y["scope2_market_tco2"] == pytest.approx(scope2, rel=1e-9)  # no green contracts yet
    # green space: 10 ha × 0.5 crown × 2.9 tC/ha/yr (IPCC 2006 V4 Ch8 default) × 44/12
    removals = 10 * 0.5 * 2.9 * 3.6667
    assert y["removals_tco2"] == pytest.approx(removals, rel=1e-9)
    assert y["net_tco2"] == pytest.approx(SCOPE1 + scope2 - removals, rel=1e-9)


def test_base_year_core_indicator_matches_hand_computation(hand_results):
    y = hand_results.year(2025)
    core_co2 = SCOPE1 + 5000 * 0.11 + 10_000_000 * 0.8325 / 1000
    assert y["energy_tce"] == pytest.approx(ENERGY_TCE, rel=1e-9)
    assert y["core_co2_tco2"] == pytest.approx(core_co2, rel=1e-9)
    assert y["core_indicator_tco2_per_tce"] == pytest.approx(core_co2 / ENERGY_TCE, rel=1e-9)
    # the inventory and the core indicator are different numbers (different electricity factors)
    assert y["core_co2_tco2"] != pytest.approx(y["gross_tco2"], rel=1e-3)
    assert y["core_threshold_tco2_per_tce"] == 0.2  # a small park is shown against 0.2 (indicative)


def test_inventory_rows_trace_to_factors_and_sum_to_totals(hand_results):
    em = hand_results.emissions
    base = em[em["year"] == 2025]
    coal = base[(base["source"] == "stationary_combustion") & (base["activity_unit"] == "t")].iloc[0]
    assert coal["activity"] == pytest.approx(1000)
    assert coal["factor"] == pytest.approx(1900.3)
    assert coal["factor_ref"] == "constants.csv:coal_kgco2_per_t"
    assert (base["gas"] == "CO2").all()
    mobile = base[base["source"] == "mobile_combustion"]
    assert mobile["entity"].tolist() == ["trucks"]
    scope1 = base.loc[base["scope"] == "1", "emissions_tco2"].sum()
    assert scope1 == pytest.approx(hand_results.year(2025)["scope1_tco2"], rel=1e-12)
    market = base.loc[(base["scope"] == "2") & base["method"].isin(["market", "all"]), "emissions_tco2"].sum()
    assert market == pytest.approx(hand_results.year(2025)["scope2_market_tco2"], rel=1e-12)


def test_green_contracts_count_only_market_based_and_core():
    # green power for 50 % of grid electricity from 1 Jan 2026
    res = run(scenario(roadmap=[{"kind": "green_power", "year": 2026, "share": 0.5}]), seed=0)
    y = res.year(2026)
    grid_2026 = 0.55 - 3 / 7 * 0.09
    assert y["scope2_location_tco2"] == pytest.approx(10_000 * grid_2026 + 550, rel=1e-9)
    assert y["scope2_market_tco2"] == pytest.approx(0.5 * 10_000 * grid_2026 + 550, rel=1e-9)
    core = SCOPE1 + 550 + 0.5 * 10_000_000 * 0.8325 / 1000
    assert y["core_co2_tco2"] == pytest.approx(core, rel=1e-9)


def test_clean_and_renewable_shares_by_hand(hand_results):
    y = hand_results.year(2025)
    nonfossil = grid_nonfossil_share(GRID_2025, 0.8273)  # fossil-only factor 2023 held flat after
    assert nonfossil == pytest.approx(1 - GRID_2025 / 0.8273)
    elec_tce = 10_000_000 * 0.1229 / 1000
    gas_tce = 100 * 1.33
    assert y["renewable_share"] == pytest.approx(nonfossil * elec_tce / ENERGY_TCE, rel=1e-9)
    assert y["clean_energy_share"] == pytest.approx((nonfossil * elec_tce + gas_tce) / ENERGY_TCE, rel=1e-9)


def test_coal_equivalent_method_changes_only_the_denominator():
    eq = run(scenario(), seed=0).year(2025)
    ce = run(scenario(accounting={"electricity_tce_method": "coal_equivalent"}), seed=0).year(2025)
    assert ce["energy_tce"] - eq["energy_tce"] == pytest.approx(10_000_000 * (0.3055 - 0.1229) / 1000, rel=1e-9)
    assert ce["core_co2_tco2"] == pytest.approx(eq["core_co2_tco2"], rel=1e-12)
    assert ce["gross_tco2"] == pytest.approx(eq["gross_tco2"], rel=1e-12)


def test_offsets_are_capped_and_reported_apart():
    res = run(scenario(offsets={"start_year": 2026, "max_share_of_gross": 0.1}), seed=0)
    y0, y1 = res.year(2025), res.year(2026)
    assert y0["offsets_tco2"] == 0
    assert y1["offsets_tco2"] == pytest.approx(0.1 * y1["gross_tco2"], rel=1e-12)
    assert y1["net_tco2"] == pytest.approx(y1["gross_tco2"] - y1["removals_tco2"] - y1["offsets_tco2"], rel=1e-12)
    rows = res.emissions[(res.emissions["year"] == 2026) & (res.emissions["scope"] == "offset")]
    assert rows["emissions_tco2"].sum() == pytest.approx(-y1["offsets_tco2"])


def test_offsets_never_exceed_the_residual():
    # a cap of 100 % may only bring net emissions to zero, never below
    res = run(scenario(offsets={"start_year": 2026, "max_share_of_gross": 1.0}), seed=0)
    assert res.year(2026)["net_tco2"] == pytest.approx(0.0, abs=1e-6)


def test_core_threshold_by_park_size():
    # 发改环资〔2025〕910号: ≤0.2 for 20–100万 tce/yr, ≤0.3 from 100万 tce/yr
    assert core_threshold_tco2_per_tce(500_000) == 0.2
    assert core_threshold_tco2_per_tce(1_000_000) == 0.3
    assert core_threshold_tco2_per_tce(50_000) == 0.2


def test_green_space_removals_formula():
    assert green_space_removals_tco2(100, 0.3) == pytest.approx(100 * 0.3 * 2.9 * 3.6667)


@pytest.mark.parametrize(
    "index, number",
    [(0, 0), (1, 1), (2, 2), (5, 2), (6, 3), (15, 3), (16, 4), (25, 4), (30, 4)],
)
def test_roadmap_phases_follow_the_seed_report(index, number):
    # seed report Table 2: year 1 diagnosis, 2–5 foundation, 6–15 deep decarbonisation, 16–25 neutralise
    assert phase_of(index).number == number

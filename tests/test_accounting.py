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

import numpy as np
import pytest

from builders import scenario
from parktwin import run
from parktwin.accounting.inventory import certified_kwh, core_threshold_tco2_per_tce, green_space_removals_tco2, grid_nonfossil_share
from parktwin.energy.dispatch import BatteryParams, dispatch_rule_based
from parktwin.energy.dispatch_inputs import constant_hours, output_kw
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


def test_certificates_on_one_share_are_the_minimum_of_import_and_share_to_the_bit():
    """``certified_kwh`` (green certificates on a share of every hour's import, never above it) takes the
    product without numpy's minimum, and no pass for a share of 0: the same bits as
    ``float(np.minimum(grid, grid * share).sum())`` for shares in [0, 1], zeros of either sign, an unlimited
    hour; outside those (a NaN, a share above 1) it computes the minimum itself."""
    rng = np.random.default_rng(4)
    for case in range(200):
        grid = rng.random(int(rng.integers(1, 300))) * 10.0 ** float(rng.integers(-2, 5))
        grid[rng.random(grid.size) < 0.3] = rng.choice([0.0, -0.0])
        if case % 7 == 0:
            grid[0] = np.inf
        if case % 11 == 0:
            grid[-1] = np.nan
        share = float(rng.choice([0.0, -0.0, 1.0, 1.5, rng.random()]))
        with np.errstate(invalid="ignore"):
            expected = float(np.minimum(grid, grid * share).sum())
            got = certified_kwh(grid, share)
        assert np.float64(got).view(np.int64) == np.float64(expected).view(np.int64) or (np.isnan(got) and np.isnan(expected))
        if np.all(grid >= 0.0) and np.all(grid < np.inf):  # imports known in range (the rule-based dispatch's): no check, same bits
            got = certified_kwh(grid, share, import_in_range=True)
            assert np.float64(got).view(np.int64) == np.float64(expected).view(np.int64)


def test_the_rule_based_dispatch_knows_its_import_finite_and_not_negative():
    """``DispatchResult.import_in_range`` is set by the rule-based dispatch (with and without a battery), whose
    import lies between 0 and a finite deficit or power limit every hour; the LP's result leaves it unset."""
    rng = np.random.default_rng(8)
    load, pv = rng.random(48) * 500.0, rng.random(48) * 400.0
    period = np.tile(np.arange(4, dtype=np.int8), 12)
    for battery_kwh in (0.0, 800.0):
        result = dispatch_rule_based(load, pv, period, np.full(48, battery_kwh), np.full(48, battery_kwh / 2), BatteryParams(),
                                     import_limit_kw=np.inf, export_limit_kw=np.inf)
        assert result.import_in_range
        assert np.all(result.grid_import_kw >= 0.0) and np.all(np.isfinite(result.grid_import_kw))


def test_output_of_a_capacity_with_one_value_all_year_is_the_arrays_product():
    """``output_kw`` multiplies a shared one-value capacity array as its number: the products of the two arrays, bit for bit."""
    per_kwp = np.random.default_rng(5).random(8760)
    per_kwp[::7] = 0.0
    for kwp in (0.0, 1234.5, 3.0e5):
        capacity = constant_hours(8760, kwp)
        assert np.array_equal(output_kw(capacity, per_kwp).view(np.int64), (capacity * per_kwp).view(np.int64))
    hourly = np.repeat([10.0, 20.0], 4380)
    assert np.array_equal(output_kw(hourly, per_kwp), hourly * per_kwp)

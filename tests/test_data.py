"""Every shipped reference value has a source and a confidence; shapes and paths are well formed."""

from __future__ import annotations

import numpy as np
import pytest

from parktwin.data import CONFIDENCE_LEVELS, TABLES, grid_factor_path, hourly_shape, monthly_factors, table


@pytest.mark.parametrize("name", TABLES)
def test_every_row_has_a_source_and_a_confidence(name):
    df = table(name)
    assert len(df) > 0
    assert df["source"].notna().all() and (df["source"].str.strip() != "").all(), name
    assert set(df["confidence"]) <= set(CONFIDENCE_LEVELS), name


def test_constants_are_unique_and_numeric():
    df = table("constants")
    assert df["name"].is_unique
    assert np.isfinite(df["value"].astype(float)).all()


def test_grid_factor_path_interpolates_between_published_points():
    # East China: 0.5500 (2023, MEE/NBS) → 0.46 (2030, assumption); flat after the last point
    path = grid_factor_path("east_china", [2023, 2025, 2030, 2070])
    assert path == pytest.approx([0.55, 0.55 - 2 / 7 * 0.09, 0.46, 0.05])


def test_load_shapes_and_seasons_are_complete():
    for shape in table("load_shapes")["shape"].unique():
        work, rest = hourly_shape(shape)
        assert work.shape == rest.shape == (24,) and (work >= 0).all() and work.sum() > 0
    for profile in table("seasonal_factors")["profile"].unique():
        assert monthly_factors(profile).shape == (12,)


def test_foreign_costs_convert_at_the_cost_year_rate_then_chinese_cpi():
    from parktwin.data import to_base_cny

    # DEA battery 250 EUR/kWh (cy2020) → 250 × 7.87 CNY/EUR (2020) × CPI 115.3/111.6 (2020→2025), data/money.csv
    assert to_base_cny(250.0, "EUR", 2020) == pytest.approx(250 * 7.87 * 115.3 / 111.6)
    assert to_base_cny(100.0, "CNY", 2025) == 100.0
    with pytest.raises(KeyError, match="no exchange rate for GBP 2020"):
        to_base_cny(1.0, "GBP", 2020)


def test_every_sector_has_heat_bands_that_sum_to_one():
    from parktwin.data import heat_band_shares, sector_ids

    for sector in sector_ids():
        assert sum(heat_band_shares(sector)) == pytest.approx(1.0), sector


def test_a_grid_factor_override_moves_the_path_around_its_year():
    # East China: 0.55 (2023) → 0.46 (2030) → 0.30 (2040); override 2030 with 0.40
    path = grid_factor_path("east_china", [2030, 2035, 2070], overrides={2030: 0.40})
    assert path == pytest.approx([0.40, (0.40 + 0.30) / 2, 0.05])


def test_a_scenario_can_replace_an_assumption_for_its_run():
    from builders import scenario

    from parktwin import run

    # diesel density is an assumption (0.84 kg/L); the hand park's trucks burn 10 × 50,000 km × 30 L/100 km
    base = run(scenario(), seed=0).energy
    heavy = run(scenario(data={"constants": {"diesel_density_kg_per_l": 0.85}, "prices_cny": {"coal": 900.0}}), seed=0)
    diesel = heavy.energy.query("year == 2025 and carrier == 'diesel'")["quantity"].sum()
    assert diesel == pytest.approx(10 * 50000 * 30 / 100 * 0.85 / 1000)
    assert base.query("year == 2025 and carrier == 'diesel'")["quantity"].sum() == pytest.approx(126.0)
    from parktwin.data import constant

    assert constant("diesel_density_kg_per_l") == 0.84  # only inside the run
    fuel = heavy.annual.set_index("year").loc[2025, "fuel_cost_cny"]
    from parktwin.economics.catalogue import price_cny

    assert fuel == pytest.approx(1000 * 900.0 + 100_000 * price_cny("natural_gas", 2025) + 5000 * price_cny("purchased_heat", 2025)
                                 + diesel * price_cny("diesel", 2025))


def test_unknown_data_overrides_are_named(tmp_path):
    from conftest import write_yaml

    from parktwin import InputError
    from parktwin.spec.load import load

    scen = write_yaml(tmp_path / "s.yaml", {"name": "s", "park": str(tmp_path / "p.yaml"), "data": {"constants": {"nope": 1}}})
    from builders import PARK

    write_yaml(tmp_path / "p.yaml", PARK)
    with pytest.raises(InputError) as excinfo:
        load(scen)
    assert [p.field for p in excinfo.value.problems] == ["data.constants.nope"]

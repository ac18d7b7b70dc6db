"""Chinese costs where found, the DEA's European ones with a range where not (data/technologies.csv,
data/capex_ranges.csv), and the scenario's ``data.capex_factor`` that reaches them."""

from __future__ import annotations

import pytest
import yaml

import parktwin
from parktwin.data import overriding, table, to_base_cny
from parktwin.economics.catalogue import capex_cny, catalogue, fixed_om_cny_per_yr
from parktwin.experiments.assumptions import assumption_inputs, suggested_block
from parktwin.spec.uncertainty import Uncertainty


def test_electrolyser_uses_the_chinese_system_price():
    # BNEF 2022: 343 USD/kW for a Chinese alkaline system; to CNY of 2025 with data/money.csv
    tech = catalogue("china")["electrolyser"]
    assert tech.region == "china"
    assert capex_cny("electrolyser", 2025) == pytest.approx(to_base_cny(343.0, "USD", 2022), rel=1e-9)
    # later points follow DEA's relative decline (1,886 / 2,263 in 2030)
    assert capex_cny("electrolyser", 2030) == pytest.approx(to_base_cny(343.0 * 1886 / 2263, "USD", 2022), rel=1e-3)


def test_every_stand_in_has_a_range_and_a_path():
    ranges = table("capex_ranges").set_index("technology")
    resolved = catalogue("china")
    for tech in ("heat_pump_low", "heat_pump_medium", "ccus_capture", "wind_onshore"):
        assert resolved[tech].region == "europe"  # no Chinese row found: the DEA's stays
        assert tech in ranges.index and ranges.loc[tech, "low_factor"] < ranges.loc[tech, "high_factor"] == 1.0
    assert set(ranges.index) <= set(table("technologies")["technology"])
    rows = assumption_inputs(parktwin.load("scenarios/net_zero_2050.yaml"))
    capex = rows[rows["table"] == "capex_ranges"].set_index("key")
    assert capex.loc["ccus_capture", "path"] == "data.capex_factor.ccus_capture"
    block = yaml.safe_load(suggested_block(rows))["uncertainty"]
    assert (block["wind_onshore"]["low"], block["wind_onshore"]["high"]) == (0.56, 1.0)
    Uncertainty.model_validate(block)  # the suggested block is a valid uncertainty block


def test_capex_factor_scales_capex_and_fixed_om():
    base, om = capex_cny("ccus_capture", 2040), fixed_om_cny_per_yr("ccus_capture", 2040)
    with overriding(capex_factor={"ccus_capture": 0.2}):
        assert capex_cny("ccus_capture", 2040) == pytest.approx(0.2 * base, rel=1e-12)
        assert fixed_om_cny_per_yr("ccus_capture", 2040) == pytest.approx(0.2 * om, rel=1e-12)
        assert capex_cny("wind_onshore", 2040) == capex_cny("wind_onshore", 2040)
    assert capex_cny("ccus_capture", 2040) == base


def test_unknown_technology_in_capex_factor_is_an_input_error():
    from parktwin.spec.errors import InputError

    with pytest.raises(InputError, match="data.capex_factor.no_such_kit"):
        parktwin.load("scenarios/bau.yaml", ["data.capex_factor.no_such_kit=0.5"])

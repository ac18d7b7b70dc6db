"""Captured CO₂ in the inventory, worked by hand: booked against the source it captures, never a removal.

Treatment (accounting/inventory.py, docs/methods.md §CCUS):
- storage: CO₂ transferred to permanent geological storage is subtracted from the capturing
  installation's emissions (EU ETS monitoring and reporting regulation, Implementing Regulation
  (EU) 2018/2066, Art. 49) — scope 1 is what is emitted (GHG Protocol), the tonnes captured are
  reported beside it;
- use in short-lived products (urea, methanol, beverages): still emitted under the same regulation;
- removals are sinks only (green space, IPCC 2006 crown-area method).

Factors by hand: raw coal 1.9003 kgCO₂/kg (constants.csv, GB/T 2589 compilation); grid 0.5 kgCO₂/kWh
(given to the function); core-indicator non-green grid 0.8325 kgCO₂/kWh (零碳园区碳排放核算方法（试行）).
"""

from __future__ import annotations

import pytest

from builders import scenario
from parktwin import run
from parktwin.accounting.inventory import ElectricitySupply, account_year
from parktwin.agents.base import EnergyRow


def _year(captured_carrier: str | None):
    rows = [EnergyRow("works", "enterprise", "coal", 1000.0, "t"),
            EnergyRow("works", "enterprise", "process_co2", 10_000.0, "tCO2"),
            EnergyRow("works", "enterprise", "electricity", 1000.0, "MWh")]
    if captured_carrier:
        rows.append(EnergyRow("works", "enterprise", captured_carrier, 9000.0, "tCO2"))
    supply = ElectricitySupply(1e6, 1e6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return account_year(2045, rows, supply, 0.5, "east_china", 0.4, "equivalent", 50.0, None)


def test_stored_co2_leaves_scope_1_in_a_row_of_its_own():
    emissions, _, s = _year("captured_co2")
    # coal 1,000 t × 1.9003 = 1,900.3 t; process 10,000 t generated; 9,000 t captured and stored
    rows = {r[5]: r for r in emissions}
    stored = rows["ccus_stored"]
    assert (stored[1], stored[3], stored[6], stored[8], stored[11]) == ("works", "1", 9000.0, -1.0, -9000.0)
    assert rows["industrial_process"][11] == 10_000.0  # the process row keeps what the process generates
    assert s["scope1_tco2"] == pytest.approx(1900.3 + 10_000 - 9000, rel=1e-12)  # 2,900.3 t emitted
    assert s["captured_tco2"] == s["captured_stored_tco2"] == 9000.0 and s["captured_used_tco2"] == 0.0
    # no removal row but green space's 50 t; removals are sinks only
    assert [r[5] for r in emissions if r[3] == "removal"] == ["green_space"]
    assert s["removals_tco2"] == 50.0
    # scope 2: 1,000 MWh × 0.5 = 500 t; net = 2,900.3 + 500 − 50
    assert s["net_tco2"] == pytest.approx(2900.3 + 500.0 - 50.0, rel=1e-12)
    # core indicator: the CO₂ emitted (stored CO₂ not counted) + 1,000 MWh × 0.8325 t/MWh
    assert s["core_co2_tco2"] == pytest.approx(2900.3 + 832.5, rel=1e-12)
    # the scope-1 rows sum to scope 1
    assert sum(r[11] for r in emissions if r[3] == "1") == pytest.approx(s["scope1_tco2"], rel=1e-12)


def test_co2_sold_into_short_lived_products_still_counts_as_emitted():
    emissions, _, s = _year("captured_co2_used")
    used = next(r for r in emissions if r[5] == "ccus_used")
    assert (used[3], used[6], used[8], used[11]) == ("1", 9000.0, 0.0, 0.0)  # reported, not subtracted
    assert s["scope1_tco2"] == pytest.approx(1900.3 + 10_000, rel=1e-12)
    assert s["captured_tco2"] == s["captured_used_tco2"] == 9000.0 and s["captured_stored_tco2"] == 0.0
    assert s["core_co2_tco2"] == pytest.approx(1900.3 + 10_000 + 832.5, rel=1e-12)
    _, _, none = _year(None)
    assert s["net_tco2"] == pytest.approx(none["net_tco2"], rel=1e-12)  # as if nothing were captured


def _ccus_run(destination: str):
    item = {"id": "ccus_1", "kind": "ccus", "year": 2030, "lead_time_days": 0, "capture_share": 0.9, "destination": destination}
    return run(scenario(horizon_years=6, roadmap=[item]), seed=0)


@pytest.mark.parametrize("destination", ["storage", "use_short_lived"])
def test_a_run_books_capture_against_the_firm(destination):
    r = _ccus_run(destination)
    y = r.year(2031)
    em = r.emissions[r.emissions["year"] == 2031]
    # builders.PARK: the firm "works" emits 500 t of process CO₂ a year, no growth → 450 t captured
    assert y["captured_tco2"] == pytest.approx(450.0, rel=1e-9)
    assert not (em["scope"] == "removal").any() or set(em.loc[em["scope"] == "removal", "source"]) == {"green_space"}
    source = "ccus_stored" if destination == "storage" else "ccus_used"
    row = em[em["source"] == source]
    assert list(row["entity"]) == ["works"] and float(row["activity"].sum()) == pytest.approx(450.0, rel=1e-9)
    scope1 = float(em.loc[em["scope"] == "1", "emissions_tco2"].sum())
    assert y["scope1_tco2"] == pytest.approx(scope1, rel=1e-9)
    # the carbon cost prices what is emitted: scope 1 after storage
    assert y["carbon_cost_cny"] == pytest.approx(y["scope1_tco2"] * y["carbon_price_cny_per_tco2"], rel=1e-9)
    if destination == "storage":
        assert y["captured_stored_tco2"] == pytest.approx(450.0, rel=1e-9)
        before = r.year(2029)
        assert before["scope1_tco2"] - y["scope1_tco2"] == pytest.approx(450.0, rel=1e-6)
    else:
        assert y["captured_stored_tco2"] == 0.0

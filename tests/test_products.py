"""Products on firms: unit energy against the national limit grades, output-based ETS
allocation, CBAM certificates, and what a park without products gives (docs/products.md)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import parktwin
from parktwin.accounting.products import (
    FirmTotals, grade2_scope, grade2_share, grade_of, product, product_data_gaps, product_rows, sectors_with_limits,
)
from parktwin.accounting.inventory import FUELS
from parktwin.data import constant
from parktwin.economics.carbon import carbon_positions, product_allocation
from parktwin.economics.cbam import cbam_factor_share, cbam_position, embedded_tco2_per_t
from parktwin.spec.load import load_park
from parktwin.spec.park import Product
from tests.conftest import write_yaml


def test_caustic_soda_unit_energy_against_gb_21257_grades_by_hand():
    """GB 21257-2024 table 1, liquid caustic soda (≥30 % NaOH): grades 308 / 315 / 350 kgce/t.

    A firm using 10,000 t of coal (714.3 kgce/t, GB/T 2589) and 20,000 MWh (0.1229 kgce/kWh,
    当量) = 7,143,000 + 2,458,000 = 9,601,000 kgce, half of it on 15,000 t of caustic soda:
    4,800,500 / 15,000 = 320.03 kgce/t — above grade 2 (315), within grade 3 (350).
    """
    row = product("caustic_soda")
    assert (row["grade1"], row["grade2"], row["grade3"]) == (308, 315, 350)
    totals = FirmTotals(energy_kgce=10_000 * 714.3 + 20_000_000 * 0.1229, electricity_kwh=20_000_000)
    line = Product(product="caustic_soda", output=15_000, unit="t", energy_share=0.5)
    (out,) = product_rows(2025, "chem", "chemicals", [line], 1.0, totals)
    get = dict(zip(("year", "entity", "sector", "product", "unit", "output", "energy_share", "energy", "energy_unit", "unit_energy"), out))
    assert get["unit_energy"] == pytest.approx(9_601_000 * 0.5 / 15_000)  # 320.03
    assert out[15] == "3" and out[16] is False  # grade, meets_grade2
    # an efficiency measure cutting the firm's energy by 3 % takes it to 310.4: grade 2
    (better,) = product_rows(2026, "chem", "chemicals", [line], 1.0, FirmTotals(energy_kgce=9_601_000 * 0.97))
    assert better[9] == pytest.approx(310.43, abs=0.01) and better[15] == "2" and better[16] is True


def test_grades_skip_a_missing_grade_and_flag_above_grade_3():
    assert grade_of(12_990, 12_950, 13_000, 13_350) == "2"  # GB 21346-2022 铝液交流电耗
    assert grade_of(13_400, 12_950, 13_000, 13_350) == "above_3"
    assert grade_of(62, 61, float("nan"), 86) == "3"  # EAF < 50 t: the standard gives no grade 2


def grade2_indicator(firms, rows: list[tuple], min_coverage_share: float = 1.0) -> dict[str, float]:
    """The park's grade-2 indicator from (entity, sector, value added [M CNY], product ids listed) per
    firm, as the products stage (kernel.products) computes it: each firm's scope and coverage by
    ``grade2_scope``, their value added summed in park order, then ``grade2_share``."""
    scopes = [(va, *grade2_scope(sector, tuple(listed))) for _, sector, va, listed in firms]
    in_scope_va = sum((va for va, _, in_scope in scopes if in_scope), 0.0)
    covered_va = sum((va for va, limited, _ in scopes if limited), 0.0)
    return grade2_share(in_scope_va, covered_va, rows, min_coverage_share)


def test_grade2_indicator_denominator_and_coverage():
    """Firms without a published limit are outside the denominator; a firm in a sector with
    limits that lists no products is missing data and leaves the indicator unassessed."""
    row = lambda meets: (0,) * 16 + (meets,)
    listed = [("a", "chemicals", 100.0, ["caustic_soda"]), ("b", "electronics", 300.0, []),
              ("c", "chemicals", 50.0, ["industrial_gases"])]
    out = grade2_indicator(listed, [row(True)], 1.0)
    assert out["products_at_grade2_share"] == 1.0 and out["product_coverage_share"] == 1.0
    missing = listed + [("d", "chemicals", 100.0, [])]
    out = grade2_indicator(missing, [row(True)], 1.0)
    assert math.isnan(out["products_at_grade2_share"]) and out["product_coverage_share"] == pytest.approx(0.5)
    assert grade2_indicator(missing, [row(True)], 0.5)["products_at_grade2_share"] == 1.0
    assert "chemicals" in sectors_with_limits() and "electronics" not in sectors_with_limits()


def test_output_based_allocation_by_hand():
    """Cement clinker, data/ets_product_benchmarks.csv: 2024 verified emissions (the 2024-2025
    allocation plan); from 2025 intensity × output, proxy 0.8534 tCO₂/t clinker (2017 draft).
    1,000,000 t clinker × 0.8534 × 0.98 tightening = 836,332 t; emissions 900,000 t at 100 CNY/t
    → pays (900,000 − 836,332) × 100 = 6,366,800 CNY. Aluminium from 2025 has no benchmark read:
    the value-added benchmark applies."""
    assert product_allocation([("cement_clinker", 1e6)], 2024, 900_000.0) == ("verified_emissions", 900_000.0)
    basis, allocation = product_allocation([("cement_clinker", 1e6)], 2026, 900_000.0, 0.98)
    assert basis == "output" and allocation == pytest.approx(1e6 * 0.8534 * 0.98)
    basis, allocation = product_allocation([("aluminium_liquid", 1e5)], 2026, 1.0)
    assert basis == "value_added" and math.isnan(allocation)
    pos = carbon_positions("ets", [900_000.0, 50_000.0], [500.0, 200.0], [150.0, 150.0], 100.0, 26_000.0,
                           allocation_scale=0.98, product_allocation_tco2=[allocation_value := 1e6 * 0.8534 * 0.98, float("nan")])
    assert pos.allocation_tco2[0] == pytest.approx(allocation_value)
    assert pos.payment_cny[0] == pytest.approx((900_000 - 836_332) * 100.0)
    assert pos.allocation_tco2[1] == pytest.approx(150.0 * 200.0 * 0.98)  # value added: 150 t per M CNY × 200 M CNY


def test_cbam_certificates_for_exported_aluminium_by_hand():
    """60,000 t of primary aluminium exported to the EU in 2030.

    - embedded: direct only for aluminium (Regulation (EU) 2023/956 Annex II): 1.60 tCO₂/t;
      indirect 5.0 t/t is not counted;
    - benchmark 1.464 tCO₂/t (Commission draft provisional benchmark, data/products.csv) × CBAM
      factor 0.515 in 2030 (Directive 2003/87/EC Art. 10a(1a), data/cbam_factors.csv) = 0.75396;
    - before deduction: 60,000 × (1.60 − 0.75396) = 50,762.4 certificates;
    - China's price paid net of free allocation 200 CNY/t of metal = 200 / 8.10 = 24.691 EUR/t
      (data/money.csv 2025 rate); at 110 EUR/tCO₂ it deducts 60,000 × 24.691 / 110 = 13,468.0;
    - due: 37,294.4 certificates × 110 = 4,102,384 EUR.
    """
    assert product("aluminium_liquid")["cbam_benchmark_tco2_per_t"] == 1.464
    assert cbam_factor_share(2026) == 0.975 and cbam_factor_share(2030) == 0.515 and cbam_factor_share(2034) == 0.0
    embedded = embedded_tco2_per_t(1.60, 5.0, bool(product("aluminium_liquid")["cbam_indirect_counted"]))
    assert embedded == 1.60
    pos = cbam_position(2030, 60_000, embedded, 1.464, 200 / 8.10, 110.0)
    assert pos.certificates_before_deduction == pytest.approx(60_000 * (1.60 - 1.464 * 0.515))
    assert pos.deduction_certificates == pytest.approx(60_000 * (200 / 8.10) / 110.0)
    assert pos.certificates == pytest.approx(50_762.4 - 13_468.01, abs=0.1)
    assert pos.cost_eur == pytest.approx(pos.certificates * 110.0)
    assert cbam_position(2025, 60_000, embedded, 1.464, 0.0, 80.0).certificates == 0.0  # transitional period
    assert embedded_tco2_per_t(0.8, 0.1, bool(product("cement_clinker")["cbam_indirect_counted"])) == pytest.approx(0.9)


def test_product_file_errors_name_field_and_expectation(tmp_path, small_park_dict):
    from parktwin.spec.errors import InputError

    small_park_dict["enterprises"][0]["products"] = [{"product": "caustic_sodaa", "output": 10, "unit": "t"},
                                                     {"product": "urea", "output": 10, "unit": "kg"}]
    with pytest.raises(InputError) as err:
        load_park(write_yaml(tmp_path / "park.yaml", small_park_dict))
    text = str(err.value)
    assert "enterprises.0.products.0.product" in text and "unknown product 'caustic_sodaa'" in text
    assert "enterprises.0.products.1.unit" in text and "counted in 't'" in text


def test_check_lists_what_a_park_without_products_needs(small_park_dict, tmp_path):
    park = load_park(write_yaml(tmp_path / "park.yaml", small_park_dict))
    gaps = product_data_gaps(park)
    assert ("zc_product_energy_grade2", "chem", "products") == gaps[0][:3]  # chemicals has limits; electronics has none
    assert gaps[-1][2] == "enterprises.*.products"
    assert all(g[1] != "elec" for g in gaps)


def test_a_park_without_products_gives_the_same_tables_apart_from_new_columns(tmp_path, small_park_dict, small_scenario_dict):
    """Listing a product with no ETS rule and no exports changes nothing but the product columns."""
    def tables(folder: str) -> dict[str, pd.DataFrame]:
        write_yaml(tmp_path / folder / "park.yaml", small_park_dict)
        return parktwin.run(parktwin.load(write_yaml(tmp_path / folder / "scenario.yaml", small_scenario_dict)), seed=0).tables()

    base = tables("a")
    small_park_dict["enterprises"][0]["products"] = [{"product": "caustic_soda", "output": 30000, "unit": "t"}]
    with_products = tables("b")
    new_columns = ["products_at_grade2_share", "product_coverage_share", "product_lines_graded"]
    assert base["annual"]["products_at_grade2_share"].isna().all()
    assert with_products["annual"]["products_at_grade2_share"].notna().all()
    pd.testing.assert_frame_equal(base["annual"].drop(columns=new_columns), with_products["annual"].drop(columns=new_columns))
    for name in ("emissions", "energy", "carbon", "cashflows"):
        pd.testing.assert_frame_equal(base[name], with_products[name])
    assert base["products"].empty and len(with_products["products"]) == 4
    zc = with_products["indicators"]
    assert (zc.loc[zc.indicator == "zc_product_energy_grade2", "status"] != "not_assessed").all()


def test_workbook_products_sheet_round_trip_and_errors(tmp_path):
    """The workbook's products sheet: written from a park, read back the same; an unknown product
    or enterprise is reported with its sheet, cell and column."""
    from openpyxl import load_workbook

    from parktwin.spec.errors import InputError
    from parktwin.spec.workbook import read_workbook, write_template, write_workbook

    root = Path(__file__).resolve().parents[1]
    assert "products" in load_workbook(write_template(tmp_path / "template.xlsx")).sheetnames
    path = write_workbook(root / "models" / "export_aluminium_like.yaml", tmp_path / "park.xlsx")
    doc, _ = read_workbook(path)
    firms = {e["id"]: e for e in doc["enterprises"]}
    assert firms["delta_aluminium"]["products"][0] | {"source": ""} == {
        "product": "aluminium_liquid", "output": 200000, "unit": "t", "energy_share": 0.94, "export_share": 0.3,
        "export_destination": "EU", "source": ""}
    wb = load_workbook(path)
    wb["products"].cell(2, 2, "aluminum")
    wb["products"].cell(3, 1, "nobody")
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as err:
        read_workbook(tmp_path / "bad.xlsx")
    text = str(err.value)
    assert "products!B2 (产品 Product): unknown product 'aluminum'" in text
    assert "products!A3 (企业编号 Enterprise): unknown enterprise 'nobody'" in text


def test_cement_firm_under_the_ets_is_allocated_by_output_in_a_run(tmp_path, small_park_dict, small_scenario_dict):
    """A covered clinker works from 2025: allocation = clinker output × 0.8534 tCO₂/t (proxy,
    data/ets_product_benchmarks.csv); the carbon table says ``output``; the other firm stays on
    value added (or is not covered)."""
    small_park_dict["enterprises"][0]["sector"] = "building_materials"
    small_park_dict["enterprises"][0]["products"] = [{"product": "cement_clinker", "output": 40000, "unit": "t"}]
    small_scenario_dict["policy"] = {"carbon": {"kind": "ets", "ets_threshold_tco2_per_yr": 1000}}
    write_yaml(tmp_path / "park.yaml", small_park_dict)
    res = parktwin.run(parktwin.load(write_yaml(tmp_path / "scenario.yaml", small_scenario_dict)), seed=0)
    carbon = res.carbon[res.carbon["entity"] == "chem"]
    assert (carbon["allocation_basis"] == "output").all()
    assert carbon["allocation_tco2"].iloc[0] == pytest.approx(40000 * 0.8534)  # base year: activity 1
    elec = res.carbon[res.carbon["entity"] == "elec"]
    assert set(elec["allocation_basis"]) <= {"value_added", ""}


def test_product_table_rows_are_sourced_and_not_found_rows_carry_no_values():
    from parktwin.data import table

    df = table("products")
    assert df[["source", "year", "confidence"]].notna().all().all()
    missing = df[df["limit_status"] == "not_found"]
    assert missing[["grade1", "grade2", "grade3"]].isna().all().all() and (missing["confidence"] == "not_found").all()
    published = df[df["limit_status"] == "published"]
    assert published["grade3"].notna().all() and published["standard"].str.startswith("GB ").all()
    assert df.loc[df["cbam_good"], "cn_code"].notna().all()
    required = {"crude_steel_eaf", "aluminium_liquid", "cement_clinker", "flat_glass_large", "ammonia_natural_gas", "urea",
                "methanol_coal", "caustic_soda", "coke_top_charging", "polysilicon", "power_coal", "heat"}
    assert required <= set(df["id"])
    factors = table("cbam_factors").set_index("year")["cbam_factor_share"]
    assert factors[2026] == 0.975 and factors[2034] == 0.0 and factors.loc[2026:].is_monotonic_decreasing


def firm_totals(rows, emissions, entities: frozenset | None = None) -> dict[str, FirmTotals]:
    """The oracle of ``accounting.inventory.InventoryReads``: per enterprise, energy and CO₂ read back from
    a year's energy rows (agents.base.EnergyRow) and inventory rows (accounting.inventory.EMISSION_COLUMNS)
    in row order; ``entities``: only these (None: all)."""
    kgce_per_kwh = constant("electricity_kgce_per_kwh_equivalent")
    kgce = {}  # fuel → kgce per unit, looked up once a call
    acc: dict[str, list[float]] = {}
    for r in rows:
        if (entities is not None and r.entity not in entities) or r.entity_kind != "enterprise":
            continue
        a = acc.get(r.entity)
        if a is None:
            a = acc[r.entity] = [0.0, 0.0, 0.0, 0.0]
        carrier = r.carrier
        if carrier == "electricity":
            a[1] += r.quantity * 1000.0
            a[0] += r.quantity * 1000.0 * kgce_per_kwh
        elif carrier in FUELS:
            factor = kgce.get(carrier)
            if factor is None:
                factor = kgce[carrier] = constant(FUELS[carrier].kgce_key)
            a[0] += r.quantity * factor
    for e in emissions:  # (year, entity, kind, scope, method, source, ..., emissions_tco2)
        if (entities is not None and e[1] not in entities) or e[2] != "enterprise":
            continue
        a = acc.get(e[1])
        if a is None:
            a = acc[e[1]] = [0.0, 0.0, 0.0, 0.0]
        scope = e[3]
        if scope == "1" or (scope == "removal" and e[5] == "ccus"):
            a[2] += e[11]
        elif scope == "2" and e[4] == "location" and e[5] == "purchased_electricity":
            a[3] += e[11]
    return {k: FirmTotals(*v) for k, v in acc.items()}


def test_firm_totals_by_hand():
    """The oracle sums each enterprise's energy rows (kgce at 当量, kWh) and inventory rows (scope 1
    with CCUS removals; location-based electricity CO₂) in row order, for all firms or the few asked."""
    from parktwin.agents.base import EnergyRow

    def row(entity, kind, scope, method, source, tco2):
        return (2030, entity, kind, scope, method, source, 1.0, "t", 1.0, "t/t", "ref", tco2)

    emissions = [row("a", "enterprise", "1", "all", "stationary_combustion", 0.1), row("a", "enterprise", "1", "all", "industrial_process", 0.2),
                 row("b", "enterprise", "2", "location", "purchased_electricity", 5.0), row("b", "enterprise", "2", "market", "purchased_electricity", 4.0),
                 row("a", "enterprise", "removal", "all", "ccus", -0.05), row("a", "enterprise", "1", "all", "ccus_stored", -0.3),
                 row("a", "enterprise", "2", "location", "purchased_electricity", 1.5), row("op", "operator", "1", "all", "mobile_combustion", 9.0),
                 row("c", "enterprise", "2", "all", "purchased_heat", 3.0)]
    rows = [EnergyRow("a", "enterprise", "electricity", 10.0, "MWh"), EnergyRow("a", "enterprise", "coal", 5.0, "t"),
            EnergyRow("b", "enterprise", "natural_gas", 2.0, "km3"), EnergyRow("op", "operator", "diesel", 1.0, "t")]
    kgce_el, kgce_coal, kgce_gas = (constant(k) for k in ("electricity_kgce_per_kwh_equivalent", "coal_kgce_per_t", "natural_gas_kgce_per_km3"))
    expected = {"a": FirmTotals(10.0 * 1000.0 * kgce_el + 5.0 * kgce_coal, 10.0 * 1000.0, 0.1 + 0.2 + -0.05 + -0.3, 1.5),
                "b": FirmTotals(2.0 * kgce_gas, 0.0, 0.0, 5.0), "c": FirmTotals()}
    for entities in (None, frozenset({"a"}), frozenset({"b", "c"})):
        assert firm_totals(rows, emissions, entities) == {k: v for k, v in expected.items() if entities is None or k in entities}


def test_inventory_sums_each_product_firm_as_read_back_from_its_rows():
    """``account_year`` sums the watched firms' totals as it makes the rows (``InventoryReads``): the same
    numbers, bit for bit, as reading the rows back (the oracle above), and every enterprise's scope 1.
    By hand for firm a: all of its 10 MWh imported at 0.5 kgCO₂/kWh → 5 tCO₂ location-based; scope 1
    = 5 t of coal × its factor + 0.2 t of process CO₂ − 0.3 t stored."""
    from parktwin.accounting.inventory import ElectricitySupply, InventoryReads, account_year
    from parktwin.agents.base import EnergyRow

    rows = [EnergyRow("a", "enterprise", "electricity", 10.0, "MWh"), EnergyRow("a", "enterprise", "coal", 5.0, "t"),
            EnergyRow("b", "enterprise", "natural_gas", 2.0, "km3"), EnergyRow("op", "operator", "diesel", 1.0, "t"),
            EnergyRow("a", "enterprise", "process_co2", 0.2, "tCO2"), EnergyRow("a", "enterprise", "captured_co2", 0.3, "tCO2"),
            EnergyRow("b", "enterprise", "electricity", 30.0, "MWh"), EnergyRow("c", "enterprise", "purchased_heat", 7.0, "GJ"),
            EnergyRow("c", "enterprise", "captured_co2_used", 0.1, "tCO2")]
    supply = ElectricitySupply(40_000.0, 40_000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10_000.0)
    for watched in (frozenset(), frozenset({"a"}), frozenset({"a", "b", "c"})):
        sums = InventoryReads(watched)
        emissions, energy, _ = account_year(2030, rows, supply, 0.5, "test", 0.3, "equivalent", 0.0, None, reads=sums)
        assert sums.fuel_energy == [r for r in energy if r[3] in FUELS]  # (the fuel bill's rows, in order)
        assert {k: FirmTotals(*v) for k, v in sums.totals.items()} == firm_totals(rows, emissions, watched)
        every = firm_totals(rows, emissions)
        assert sums.scope1_tco2 == {k: every[k].scope1_tco2 for k in "abc"}  # (c: heat is scope 2, short-lived CO₂ is 0)
    assert sums.totals["a"][3] == 10.0 * 0.5
    assert sums.scope1_tco2["a"] == 0.0 + 5.0 * constant("coal_kgco2_per_t") / 1000.0 + 0.2 + -0.3

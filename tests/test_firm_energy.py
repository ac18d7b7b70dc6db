"""The firms' energy of a year computed at once (agents.firm_energy): hand-computed rows and load-book
parts, a settled year (also the one after a split year) that asks no firm for its segments, and the rows a firm keeps when it leaves."""

from __future__ import annotations

import pytest
from builders import PARK, scenario

from parktwin.agents.firm_energy import FirmEnergy
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.loads import LoadBook, share_after, share_of_year
from parktwin.kernel.model import ParkModel

SECOND = {**PARK["enterprises"][0], "id": "plant", "name": "Plant", "energy": {"electricity_mwh": 2000.0, "diesel_t": 50.0},
          "process_emissions_tco2": 0.0, "shift_pattern": "two_shift_2x8"}


def _firms():
    model = ParkModel(scenario(park={"enterprises": [PARK["enterprises"][0], SECOND]}), seed=0)
    return model, list(model.enterprises.values())


def _quantities(rows) -> dict:
    return {(r.entity, r.carrier): r.quantity for r in rows}


def test_a_year_split_by_an_efficiency_measure_weights_each_part_by_its_share_of_the_shape():
    # works: 1,000 t coal, 100 km³ gas, 5,000 GJ bought heat, 10,000 MWh electricity, 500 t process CO₂
    # (builders.PARK), continuous shape; a 10 % efficiency measure from hour 4,000 of 2026 (growth 0)
    _, (works, plant) = _firms()
    energy = FirmEnergy()
    energy.year_rows([works, plant], 2025, 0, LoadBook(2025))
    works.commission(HOURS_PER_YEAR + 4000.0, "efficiency", 0.1)
    book = LoadBook(2026)
    got = _quantities(energy.year_rows([works, plant], 2026, HOURS_PER_YEAR, book))
    after = share_after("continuous", 2026, 4000)
    whole = share_of_year("continuous", 2026)
    before = whole - after
    scale = before * 1.0 + after * 0.9  # the shape's share of each part × its efficiency factor
    assert got["works", "coal"] == pytest.approx(1000.0 * scale, rel=1e-15)
    assert got["works", "natural_gas"] == pytest.approx(100.0 * scale, rel=1e-15)
    assert got["works", "purchased_heat"] == pytest.approx(5000.0 * scale, rel=1e-15)
    assert got["works", "process_co2"] == 500.0  # not cut by efficiency
    assert got["works", "electricity"] == pytest.approx(10_000.0 * (whole - 0.1 * after), rel=1e-15)
    # the book holds the full year's kWh from hour 0 and the change from hour 4,000, firm after firm
    assert list(book._parts) == [("continuous", 0), ("continuous", 4000), ("two_shift_2x8", 0)]
    assert book._parts["continuous", 4000] == pytest.approx(-0.1 * 10_000_000.0, rel=1e-12)
    assert got["plant", "diesel"] == pytest.approx(50.0 * share_of_year("two_shift_2x8", 2026), rel=1e-15)
    assert works.last_rows == []  # (the model's own computation has not run: only it is what last_rows reads)


def test_a_settled_year_asks_no_firm_for_its_segments_and_gives_the_numbers_of_asking():
    model, firms = _firms()
    energy = model.firm_energy
    firms[0].commission(100.0, "efficiency", 0.2)  # inside 2025: 2026 is the first settled year
    energy.year_rows(firms, 2025, 0, LoadBook(2025))
    energy.year_rows(firms, 2026, HOURS_PER_YEAR, LoadBook(2026))
    for f in firms:
        f.activity *= 1.03  # the year's growth: read every year
        f.__dict__["segments"] = lambda year_start: pytest.fail("a settled firm was asked for its segments")
    book = LoadBook(2027)
    rows = energy.year_rows(firms, 2027, 2 * HOURS_PER_YEAR, book)
    for f in firms:
        del f.__dict__["segments"]
    fresh_book = LoadBook(2027)
    assert rows == FirmEnergy().year_rows(firms, 2027, 2 * HOURS_PER_YEAR, fresh_book)  # bit for bit
    assert book._parts == fresh_book._parts
    assert firms[0].last_rows == [r for r in rows if r.entity == "works"]
    assert firms[0].last_quantities() == {r.carrier: r.quantity for r in rows if r.entity == "works"}


def test_the_year_after_a_split_one_asks_no_firm_for_its_segments_and_gives_the_numbers_of_asking():
    # works changes at hour 100 of 2025 (two segments that year): from 2026 on it is in the state after
    # the change all year, which is 2025's last segment's, so 2026 folds nothing again
    model, firms = _firms()
    energy = model.firm_energy
    firms[0].commission(100.0, "ccus", (0.5, "storage"))
    energy.year_rows(firms, 2025, 0, LoadBook(2025))
    for f in firms:
        f.__dict__["segments"] = lambda year_start: pytest.fail("a firm settled by its split year was asked for its segments")
    book = LoadBook(2026)
    rows = energy.year_rows(firms, 2026, HOURS_PER_YEAR, book)
    for f in firms:
        del f.__dict__["segments"]
    fresh_book = LoadBook(2026)
    assert rows == FirmEnergy().year_rows(firms, 2026, HOURS_PER_YEAR, fresh_book)  # bit for bit
    assert book._parts == fresh_book._parts


def test_a_firm_no_longer_held_keeps_its_last_rows():
    model, (works, plant) = _firms()
    energy = model.firm_energy
    rows = energy.year_rows([works, plant], 2025, 0, LoadBook(2025))
    energy.year_rows([works], 2026, HOURS_PER_YEAR, LoadBook(2026))  # plant left the park
    assert plant.last_rows == [r for r in rows if r.entity == "plant"] and plant.last_rows


def test_captured_co2_goes_to_storage_or_use_by_the_part_of_the_year_and_its_electricity_is_booked():
    # works (builders.PARK): 500 t process CO₂, 10,000 MWh electricity, continuous shape; half its process CO₂
    # captured from hour 0 of 2025 and sent to storage, sent into products from hour 4,000 (same share captured).
    # Capture electricity: 0.125 MWh/t + 0.83 MWh_th/t ÷ 0.99 electric boiler (data/constants.csv) = 963.38 kWh/t.
    _, (works, plant) = _firms()
    works.commission(0.0, "ccus", (0.5, "storage"))
    works.commission(4000.0, "ccus", (0.5, "utilisation"))
    got = _quantities(FirmEnergy().year_rows([works, plant], 2025, 0, LoadBook(2025)))
    whole, after = share_of_year("continuous", 2025), share_after("continuous", 2025, 4000)
    assert got["works", "captured_co2"] == pytest.approx(500.0 * 0.5 * (whole - after), rel=1e-12)
    assert got["works", "captured_co2_used"] == pytest.approx(500.0 * 0.5 * after, rel=1e-12)
    assert got["works", "process_co2"] == 500.0  # all of it, captured or not: the capture is reported apart
    capture_kwh_per_t = 1000.0 * (0.125 + 0.83 / 0.99)
    assert got["works", "electricity"] == pytest.approx((10_000_000.0 + 500.0 * 0.5 * capture_kwh_per_t) * whole / 1000.0, rel=1e-12)

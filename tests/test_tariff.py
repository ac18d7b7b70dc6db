"""The TOU tariff as hourly arrays and the electricity bill, against hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from parktwin.energy.calendar import year_calendar
from parktwin.energy.tariff import (
    electricity_bill_cny,
    hourly_tariff,
    month_peak_ceiling_kw,
    net_load_ceiling_kw,
    monthly_peak_kw,
)
from parktwin.spec.park import TouTariff

TARIFF = TouTariff(
    valley_hours=list(range(8)), flat_hours=[11, 12, 13, 14, 15, 16, 22, 23], peak_hours=[8, 9, 10, 17, 18, 19, 20, 21],
    critical_hours=[20, 21], critical_months=[7, 8],
    price_cny_per_kwh={"valley": 0.3, "flat": 0.6, "peak": 1.2, "critical": 1.5}, demand_charge_cny_per_kw_month=40.0,
)


def test_periods_and_prices_hour_by_hour_with_critical_peak_only_in_summer():
    period, price = hourly_tariff(TARIFF, 2026)
    jan, jul = 24 * 10, 24 * 190  # 11 January, 10 July
    assert [price[jan + h] for h in (3, 12, 9, 20)] == [0.3, 0.6, 1.2, 1.2]  # 20:00 is peak in January
    assert [price[jul + h] for h in (3, 12, 9, 20)] == [0.3, 0.6, 1.2, 1.5]  # ... and critical in July
    assert period[jul + 20] == 3 and period[jan + 20] == 2
    # a year: 8 valley, 8 flat, 8 peak hours a day; 2 of the peak hours are critical on 62 July–August days
    assert price.sum() == pytest.approx(365 * (8 * 0.3 + 8 * 0.6 + 8 * 1.2) + 62 * 2 * (1.5 - 1.2))


def test_bill_energy_demand_charge_and_export():
    year = 2026
    _, price = hourly_tariff(TARIFF, year)
    imports = np.full(8760, 100.0)
    march = np.flatnonzero(year_calendar(year).month == 3)
    imports[march[100]] = 500.0  # one March hour at 500 kW sets March's peak
    exports = np.zeros(8760)
    exports[:10] = 20.0
    bill = electricity_bill_cny(imports, exports, price, TARIFF, 0.39, year)
    assert bill["energy_charge_cny"] == pytest.approx(100.0 * price.sum() + 400.0 * price[march[100]])
    assert monthly_peak_kw(imports, year).tolist() == [100.0, 100.0, 500.0] + [100.0] * 9
    assert bill["demand_charge_cny"] == pytest.approx(40.0 * (11 * 100 + 500))
    assert bill["export_revenue_cny"] == pytest.approx(200.0 * 0.39)
    assert bill["electricity_cost_cny"] == pytest.approx(
        bill["energy_charge_cny"] + bill["demand_charge_cny"] - bill["export_revenue_cny"])


def test_month_ceiling_is_each_hours_month_maximum_whatever_the_month_array():
    """The ceiling is, per hour, the highest net load of its month (at least 0): the same for the
    calendar's own (read-only, cached) month array, a writable copy of it and months out of order."""
    rng = np.random.default_rng(5)
    month = year_calendar(2031).month
    shuffled = np.concatenate([month[4000:], month[:4000]])  # December then January again: two runs of a month
    for months in (month, month.copy(), shuffled):
        for _ in range(3):
            net = rng.normal(0.0, 100.0, months.shape[0])
            expected = np.zeros(13)
            np.maximum.at(expected, months, net)
            assert np.array_equal(month_peak_ceiling_kw(net, months), expected[months])
            assert np.array_equal(month_peak_ceiling_kw(net, months, 50.0), np.minimum(expected[months], 50.0))


def test_hourly_tariff_is_the_same_for_the_same_tariff_object_and_year():
    """A tariff's arrays are found once per tariff object and year: asked again, the same arrays."""
    tariff = TARIFF
    first = hourly_tariff(tariff, 2030)
    again = hourly_tariff(tariff, 2030)
    assert first[0] is again[0] and first[1] is again[1]
    other = hourly_tariff(TARIFF.model_copy(), 2030)
    assert np.array_equal(other[0], first[0]) and np.array_equal(other[1], first[1])


def test_hourly_tariff_serialises_a_tariff_object_once_for_all_its_years(monkeypatch):
    """A run asks for each year's arrays of one tariff object: it is dumped to JSON once, not once a year."""
    tariff = TARIFF.model_copy()
    dumps = []
    dump = type(tariff).model_dump_json
    monkeypatch.setattr(type(tariff), "model_dump_json", lambda self, *a, **k: dumps.append(1) or dump(self, *a, **k))
    years = [hourly_tariff(tariff, year) for year in (2031, 2032, 2033)]
    assert len(dumps) == 1
    for year, (period, price) in zip((2031, 2032, 2033), years):
        expected = hourly_tariff(TARIFF, year)
        assert np.array_equal(period, expected[0]) and np.array_equal(price, expected[1])


def test_net_load_ceiling_is_the_clipped_net_loads_month_ceiling_to_the_bit():
    """``net_load_ceiling_kw`` (one compiled pass) gives ``month_peak_ceiling_kw`` of the net load clipped
    at 0 bit for bit: zeros of both signs, months with no net load and an infinity included; a NaN or ∞ − ∞
    (inputs the dispatch refuses) gives NaN in the same months; a month array in several runs per
    month takes numpy's path."""
    rng = np.random.default_rng(4)
    month = year_calendar(2031).month
    n = len(month)
    for case in range(40):
        load, onsite = rng.random(n) * 100.0, rng.random(n) * 100.0 * rng.uniform(0.0, 3.0)
        if case % 4 == 1:
            onsite[: n // 2] = load[: n // 2]  # half a year with a net load of exactly 0
        if case % 4 == 2:
            load[rng.random(n) < 0.3], onsite[rng.random(n) < 0.3] = -0.0, 0.0
        if case % 4 == 3:
            load[rng.integers(0, n, 2)] = np.nan
            load[rng.integers(0, n)] = np.inf
        if case % 5 == 0:
            onsite = load + 1.0  # no net load all year
        with np.errstate(invalid="ignore"):  # (inf − inf is NaN: numpy warns)
            expected = month_peak_ceiling_kw(np.maximum(load - onsite, 0.0), month)
        got = net_load_ceiling_kw(load, onsite, month)
        # a NaN (inputs the dispatch then refuses) in the same hours, its sign bit aside; every other value to the bit
        assert np.array_equal(np.isnan(got), np.isnan(expected))
        ok = ~np.isnan(expected)
        assert np.array_equal(got[ok].view(np.int64), expected[ok].view(np.int64))
    shuffled = np.roll(month, 100)  # December's tail first: a month in two runs
    load, onsite = rng.random(n) * 100.0, rng.random(n) * 80.0
    expected = month_peak_ceiling_kw(np.maximum(load - onsite, 0.0), shuffled)
    assert np.array_equal(net_load_ceiling_kw(load, onsite, shuffled), expected)

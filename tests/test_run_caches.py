"""Caches that outlive one run (per process) or one year (per run) must not carry a run's data
overrides into the next run: a run after another with other overrides gives, table for table, what
the same run gives in a fresh process.

The overrides touch what the speed caches hold: the catalogue's capex factor (``economics.costs.UnitTerms``, read through
``agents.decisions.YearCosts``), fuel prices (``DecisionContext.fuel_prices``), the heat stages'
constants (``kernel.carrier_inputs.RunConstants``: electric boilers, CHP, the heat pumps' sink temperature, the
hydrogen chain), the tariff averaged over each firm's shape (``energy.tariff.shape_price_cny_per_kwh``) and the levelised
costs' heat rows (``kernel.closing.screening_heat_rows``: capex factors, gas price, boiler efficiency).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import parktwin

ROOT = Path(__file__).resolve().parents[1]

FIRST = ["data.capex_factor.heat_pump_low=2.0", "data.capex_factor.electric_boiler=0.5", "data.capex_factor.thermal_storage=3.0",
         "data.prices_cny.coal=1500", "data.prices_cny.natural_gas=4.5", "data.constants.electric_boiler_efficiency=0.9",
         "data.constants.chp_heat_efficiency=0.35", "data.constants.heat_low_sink_c=70", "data.constants.fuel_cell_efficiency=0.4",
         "park.grid.tariff.price_cny_per_kwh.peak=1.6"]
SECOND = ["data.capex_factor.heat_pump_low=0.7", "data.prices_cny.coal=700", "data.constants.electric_boiler_efficiency=0.97",
          "data.constants.heat_low_sink_c=85", "data.constants.fuel_cell_efficiency=0.55", "park.grid.tariff.price_cny_per_kwh.peak=1.1"]


def _tables(scenario: str, overrides: list[str]) -> dict[str, pd.DataFrame]:
    res = parktwin.run(ROOT / "scenarios" / scenario, seed=1, overrides=overrides)
    return {name: frame.reset_index(drop=True) for name, frame in res.tables().items()}


FRESH = """
import pickle, sys
import parktwin
res = parktwin.run(sys.argv[1], seed=1, overrides=sys.argv[3:])
with open(sys.argv[2], "wb") as fh:
    pickle.dump({name: frame.reset_index(drop=True) for name, frame in res.tables().items()}, fh)
"""


@pytest.mark.parametrize("scenario", ["net_zero_2050.yaml", "carbon_price_high.yaml"])
def test_a_run_after_one_with_other_overrides_is_the_fresh_process_run(scenario, tmp_path):
    # net_zero_2050: roadmap costing, heat stores, CHP-free heat dispatch, hydrogen; carbon_price_high: firms decide
    first = _tables(scenario, FIRST)  # fills the process's and this module's caches under the first overrides
    after = _tables(scenario, SECOND)
    out = tmp_path / "fresh.pkl"
    subprocess.run([sys.executable, "-c", FRESH, str(ROOT / "scenarios" / scenario), str(out), *SECOND], check=True,
                   cwd=ROOT, timeout=600)
    fresh = pd.read_pickle(out)
    assert set(after) == set(fresh)
    for name, frame in fresh.items():
        pd.testing.assert_frame_equal(after[name], frame, check_exact=True, obj=name)
    first_again = _tables(scenario, FIRST)
    assert not first_again["annual"].equals(after["annual"])  # the overrides reach the tables (else the test proves nothing)
    for name, frame in first.items():  # and the first overrides, run again after the second, give the first run's tables
        pd.testing.assert_frame_equal(first_again[name], frame, check_exact=True, obj=name)


def test_a_shape_price_is_the_tariff_over_the_profile_and_keeps_no_array_alive():
    # energy.tariff.shape_price_cny_per_kwh: Σ_h price_h × profile_h [CNY/kWh], once per pair of arrays;
    # its entry does not keep a dropped tariff array alive, and a new array (its id possibly reused)
    # gets its own average
    import gc
    import weakref

    import numpy as np

    from parktwin.energy.calendar import HOURS_PER_YEAR
    from parktwin.energy.loads import profile
    from parktwin.energy.tariff import shape_price_cny_per_kwh

    weights = profile("two_shift_2x8", 2030)
    price = np.full(HOURS_PER_YEAR, 0.5)
    price.setflags(write=False)
    assert shape_price_cny_per_kwh(price, "two_shift_2x8", 2030) == pytest.approx(0.5, rel=1e-12)  # the profile sums to 1
    gone = weakref.ref(price)
    del price
    gc.collect()
    assert gone() is None
    for level in (0.7, 0.9):
        other = np.full(HOURS_PER_YEAR, level)
        other.setflags(write=False)
        assert shape_price_cny_per_kwh(other, "two_shift_2x8", 2030) == float(other @ weights)
        del other

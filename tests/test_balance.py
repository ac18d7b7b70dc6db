"""Property test: over random small parks, the park's electricity balances every hour.

Includes binding import limits (unserved energy), grid upgrades, PV and a battery commissioned
mid-year, export allowed or forbidden. Two-year runs keep it fast.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builders import scenario
from parktwin import run

SHIFTS = ["day_1x8", "two_shift_2x8", "three_shift_3x8", "continuous"]

firm = st.fixed_dictionaries(
    {
        "electricity_mwh": st.floats(100, 50_000),
        "shift_pattern": st.sampled_from(SHIFTS),
        "roof_area_m2": st.floats(0, 80_000),
    }
)


@st.composite
def parks(draw):
    firms = draw(st.lists(firm, min_size=1, max_size=4))
    enterprises = [
        {
            "id": f"f{i}",
            "name": f"Firm {i}",
            "sector": "electronics",
            "value_added_mcny": 50.0,
            "energy": {"electricity_mwh": f["electricity_mwh"]},
            "roof_area_m2": f["roof_area_m2"],
            "shift_pattern": f["shift_pattern"],
        }
        for i, f in enumerate(firms)
    ]
    mean_kw = sum(f["electricity_mwh"] for f in firms) * 1000 / 8760
    import_limit = mean_kw * draw(st.floats(0.6, 3.0))  # often binding at the daily peak
    export_limit = draw(st.sampled_from([0.0, mean_kw * 0.2, 1e9]))
    battery_kwh = draw(st.sampled_from([0.0, mean_kw * 2, mean_kw * 6]))
    roadmap = [{"kind": "rooftop_pv", "year": 2026, "lead_time_days": draw(st.floats(0, 364)), "roof_share": draw(st.floats(0.1, 1.0))}]
    if battery_kwh:
        roadmap.append({"kind": "battery", "year": 2026, "lead_time_days": draw(st.floats(0, 364)),
                        "energy_kwh": battery_kwh, "power_kw": battery_kwh / 2})
    park = {"enterprises": enterprises, "fleets": [], "grid": {"import_limit_kw": import_limit, "export_limit_kw": export_limit}}
    expansion = {"trigger_share": 0.9, "step_share": 0.3, "lead_time_days": draw(st.floats(0, 364))}
    return scenario(park=park, horizon_years=2, roadmap=roadmap, operator={"grid_expansion": expansion},
                    outputs={"hourly_years": [2025, 2026, 2027]})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=parks())
def test_every_hour_balances(sc):
    res = run(sc, seed=0)
    for year, h in res.hourly.groupby("year"):
        limit = h["import_limit_kw"]
        supply = h["renewable_to_load_kw"] + h["battery_to_load_kw"] + h["grid_to_load_kw"] + h["unserved_kw"]
        assert np.allclose(supply, h["load_kw"], atol=1e-6, rtol=0)
        onsite = h["renewable_to_load_kw"] + h["renewable_to_battery_kw"] + h["export_kw"] + h["curtailed_kw"]
        assert np.allclose(onsite, h["renewable_kw"], atol=1e-6, rtol=0)
        assert np.allclose(h["renewable_kw"], h["pv_kw"] + h["wind_kw"], atol=1e-9, rtol=0)
        grid = h["grid_to_load_kw"] + h["grid_to_battery_kw"]
        assert (grid <= limit + 1e-6).all()
        assert (h["export_kw"] <= sc.park.grid.export_limit_kw + 1e-6).all()
        flows = h.drop(columns=["year", "hour", "period", "price_cny_per_kwh", "import_limit_kw"])
        assert (flows >= -1e-9).all().all()
        # unserved only where the import limit binds
        short = h["unserved_kw"] > 1e-6
        event(f"unserved hours: {'some' if short.any() else 'none'}")
        event(f"limit changes within the year: {limit.nunique() > 1}")
        assert np.allclose(grid[short], limit[short], atol=1e-6)
        # curtailment only when export is at its cap (or forbidden)
        curtailed = h["curtailed_kw"] > 1e-6
        event(f"curtailed hours: {'some' if curtailed.any() else 'none'}")
        assert np.allclose(h.loc[curtailed, "export_kw"], sc.park.grid.export_limit_kw, atol=1e-6)
        annual = res.year(int(year))
        assert np.isclose(annual["unserved_mwh"] * 1000, h["unserved_kw"].sum(), rtol=1e-12, atol=0)
        assert np.isclose(annual["grid_import_mwh"] * 1000, grid.sum(), rtol=1e-12, atol=0)

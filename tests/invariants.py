"""Physical invariants every dispatch result must keep, whichever EMS produced it."""

from __future__ import annotations

import numpy as np

FLOWS = (
    "pv_to_load_kw", "pv_to_battery_kw", "grid_to_load_kw", "grid_to_battery_kw",
    "battery_to_load_kw", "export_kw", "curtailed_kw", "unserved_kw",
)


def assert_balanced(r, load: np.ndarray, pv: np.ndarray, tol: float) -> None:
    """Arrays well formed and non-negative; load and on-site generation balance every hour;
    on-site generation serves the load first."""
    n = load.shape[0]
    for name in (*FLOWS, "soc_kwh", "load_kw", "pv_kw", "soc_adjustment_kwh"):
        a = getattr(r, name)
        assert a.dtype == np.float64 and a.shape == (n,) and np.isfinite(a).all(), name
    for name in FLOWS:
        assert (getattr(r, name) >= -tol).all(), f"{name} negative"
    np.testing.assert_array_equal(r.load_kw, load)
    np.testing.assert_array_equal(r.pv_kw, pv)
    np.testing.assert_allclose(r.pv_to_load_kw + r.battery_to_load_kw + r.grid_to_load_kw + r.unserved_kw,
                               load, rtol=0, atol=tol, err_msg="load balance")
    np.testing.assert_allclose(r.pv_to_load_kw + r.pv_to_battery_kw + r.export_kw + r.curtailed_kw,
                               pv, rtol=0, atol=tol, err_msg="pv balance")
    np.testing.assert_allclose(r.pv_to_load_kw, np.minimum(pv, load), rtol=0, atol=tol, err_msg="PV serves load first")

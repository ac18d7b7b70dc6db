"""A year's dispatch with no battery at work: the rule-based kernel's output without its hourly
loop (``energy.dispatch``); the flows it has not are the shared read-only zeros
(``energy.dispatch_inputs.zeros_read_only``).

With no storage capacity the rules reduce to PV serving the load, its surplus exported up to the
limit and the rest curtailed, the grid serving the deficit up to the import limit and the rest
unserved: one compiled pass over the hours, bit for bit the kernel's values (tests/test_dispatch.py).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from parktwin.energy.dispatch_inputs import hourly_limit, zeros_read_only


def signed_zero(*values: float | np.ndarray) -> bool:
    """Any −0.0 among ``values`` (the kernel carries its sign into some flows, ``without_battery`` not).

    ``values`` are the checked inputs, numbers or arrays (float64, contiguous, no value below 0): a set
    sign bit is a −0.0, and a float64 with its sign bit set is a negative int64, so one ``min`` over
    the bits finds it (no boolean array per input)."""
    return any(math.copysign(1.0, v) < 0 if isinstance(v, float) else (v.size and v.view(np.int64).min() < 0) for v in values)


def without_battery(load: np.ndarray, pv: np.ndarray, imp_lim: float | np.ndarray, exp_lim: float | np.ndarray,
                    soc_start: float) -> tuple:
    """The kernel's output (same order, same values to the bit) when every hour's battery capacity is 0.

    With no capacity the store is clipped to 0 at the first hour (``soc_adjustment_kwh[0]`` =
    −``soc_start``) and never charges or discharges, so the rules reduce to: PV serves the load,
    its surplus is exported up to the limit and the rest curtailed; the grid serves the deficit up
    to the import limit and the rest is unserved (``_grid_only_kernel``, one pass over the hours).
    (Inputs without −0.0: ``signed_zero``; a limit is one number for every hour, or per hour.)
    """
    return grid_only(load, pv, np.zeros(load.shape[0], dtype=np.int8), imp_lim, exp_lim, soc_start)[0]


def grid_only(load: np.ndarray, pv: np.ndarray, period: np.ndarray, imp_lim: float | np.ndarray, exp_lim: float | np.ndarray,
              soc_start: float) -> tuple[tuple, bool, bool, tuple[bool, ...]]:
    """``without_battery``'s output, whether every hour's load, PV, limits and period code lie in
    their ranges, whether any of them is a −0.0 (then the kernel's output may differ in a
    zero's sign: the caller runs the kernel instead), and whether each of the flows the dispatch
    watches (``energy.dispatch.WATCHED_FLOWS``: PV to the battery, export, curtailment, unserved
    load) has a nonzero hour."""
    n = load.shape[0]
    pv_to_load, grid_to_load, export, curtailed, unserved, valid, signed, nonzero = _grid_only_kernel(
        load, pv, period, hourly_limit(imp_lim, n), hourly_limit(exp_lim, n))
    adj = np.zeros(n)
    adj[0] = 0.0 - soc_start
    none = zeros_read_only((n,))  # no battery flow, no stored energy: one shared read-only array of +0.0
    return (pv_to_load, none, grid_to_load, none, none, export, curtailed, unserved, none, adj, 0.0), valid, signed, (False, *nonzero)


@numba.njit(cache=True)
def _grid_only_kernel(load, pv, period, imp, exp):  # pragma: no cover - compiled; exercised through grid_only
    """PV to the load, its surplus exported up to the limit and curtailed beyond; the grid to the
    deficit up to the import limit, the rest unserved [kW] — one pass without branches (the checks
    are or-ed into two flags, so the loop compiles to vector instructions). Returns (pv_to_load,
    grid_to_load, export, curtailed, unserved, every input in its range, any input a −0.0, and whether
    export, curtailment and unserved load each have a nonzero hour)."""
    n = load.shape[0]
    pv_to_load, grid_to_load, export, curtailed, unserved = np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    bad = signed = exported = curtailing = unserving = False
    for h in range(n):
        ld, pvh, il, el = load[h], pv[h], imp[h], exp[h]
        bad |= (not 0.0 <= ld < np.inf) | (not 0.0 <= pvh < np.inf) | (not il >= 0.0) | (not el >= 0.0) | (not 0 <= period[h] < 4)
        signed |= (math.copysign(1.0, ld) < 0.0) | (math.copysign(1.0, pvh) < 0.0) | (math.copysign(1.0, il) < 0.0) | (math.copysign(1.0, el) < 0.0)
        ptl = pvh if pvh < ld else ld
        surplus, deficit = pvh - ptl, ld - ptl
        ex = surplus if surplus < el else el
        g = deficit if deficit < il else il
        cut, short = surplus - ex, deficit - g
        exported |= ex != 0.0
        curtailing |= cut != 0.0
        unserving |= short != 0.0
        pv_to_load[h], grid_to_load[h], export[h], curtailed[h], unserved[h] = ptl, g, ex, cut, short
    return pv_to_load, grid_to_load, export, curtailed, unserved, not bad, signed, (exported, curtailing, unserving)

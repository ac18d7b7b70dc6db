"""Hour-by-hour arithmetic the carrier stages (kernel/carriers.py) do around the heat and hydrogen
dispatch, one compiled pass each instead of a numpy temporary per operation: the same elementwise
IEEE operations in the same order, so the same numbers (``max(x, 0.0)`` is ``np.maximum(x, 0.0)``
for every finite or infinite x). Sums over hours stay numpy's (pairwise) in the callers."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _grid_room(load_kw, onsite_kw, month_of_hour, limit_kw, has_limit):
    n = load_kw.shape[0]
    surplus = np.empty(n)
    headroom = np.empty(n)  # the net load first, then what is left under its month's ceiling
    highest = np.zeros(13)  # each month's highest net load, at least 0 [kW]
    for h in range(n):
        net = max(load_kw[h] - onsite_kw[h], 0.0)
        headroom[h] = net
        surplus[h] = max(onsite_kw[h] - load_kw[h], 0.0)
        m = month_of_hour[h]
        if net > highest[m]:
            highest[m] = net
    for h in range(n):
        ceiling = highest[month_of_hour[h]]
        if has_limit:
            ceiling = min(ceiling, limit_kw[h])
        headroom[h] = max(ceiling - headroom[h], 0.0)
    return surplus, headroom


def grid_room_kw(load_kw: np.ndarray, onsite_kw: np.ndarray, month_of_hour: np.ndarray,
                 import_limit_kw: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """What a store may charge from each hour [kW]: the on-site surplus ``max(onsite − load, 0)``,
    and the grid import its charger may add without raising its month's peak net load
    ``net = max(load − onsite, 0)`` or crossing the import limit (None: no limit),
    ``max(ceiling − net, 0)``: the numbers of ``np.maximum(energy.tariff.month_peak_ceiling_kw(net,
    month, limit) − net, 0.0)`` (maxima are exact), in two passes. ``month_of_hour``: 1..12 per hour.
    Returns (surplus, headroom)."""
    limit = load_kw if import_limit_kw is None else np.ascontiguousarray(import_limit_kw, dtype=float)
    return _grid_room(load_kw, onsite_kw, np.asarray(month_of_hour, dtype=np.int64), limit, import_limit_kw is not None)


@numba.njit(cache=True)
def firm_cuts(before_kwh, after_kwh, annual_kwh, cut_cops, eb_efficiency, kwh_per_gj):
    """What the heat dispatch took from each firm, from the share it took of each plan supply and
    band, ``share = (before − after) / before`` where ``before`` > 0, else 0 (4, 3) (the plan's heat
    by supply and band before and after the dispatch [kWh_th]), and the firms' heat of the year
    ``annual_kwh`` (firms, 4, 3) [kWh_th]: the heat taken ``share × annual`` summed over bands in band
    order (numpy's ``sum(axis=2)`` of three values); returns (fossil heat [kWh_th], −bought heat [GJ], electricity of the electric
    boilers ``eb/η`` and heat pumps ``Σ_b hp_b/COP_b`` [kWh_e], −that electricity [MWh_e],
    whether the firm lost any of them), each (firms,)."""
    share = np.zeros((4, 3))
    for i in range(4):
        for b in range(3):
            if before_kwh[i, b] > 0:
                share[i, b] = (before_kwh[i, b] - after_kwh[i, b]) / before_kwh[i, b]
    firms = annual_kwh.shape[0]
    fossil = np.empty(firms)
    bought_gj = np.empty(firms)
    elec = np.empty(firms)
    elec_mwh = np.empty(firms)
    cut = np.empty(firms, dtype=np.bool_)
    for f in range(firms):
        sums = np.empty(4)
        for i in range(4):
            sums[i] = (share[i, 0] * annual_kwh[f, i, 0] + share[i, 1] * annual_kwh[f, i, 1]) + share[i, 2] * annual_kwh[f, i, 2]
        hp_el = ((share[3, 0] * annual_kwh[f, 3, 0]) / cut_cops[0] + (share[3, 1] * annual_kwh[f, 3, 1]) / cut_cops[1]) \
            + (share[3, 2] * annual_kwh[f, 3, 2]) / cut_cops[2]
        fossil[f] = sums[0]
        bought_gj[f] = -sums[1] / kwh_per_gj
        e = sums[2] / eb_efficiency + hp_el
        elec[f] = e
        elec_mwh[f] = -e / 1000.0
        cut[f] = sums[0] > 0 or sums[1] > 0 or e > 0
    return fossil, bought_gj, elec, elec_mwh, cut


@numba.njit(cache=True)
def group_sums(group_of, values, n_groups):
    """``values`` (rows, columns) summed by group (n_groups, columns): row after row in order,
    each added to its group's row from zeros, as ``np.add.at(zeros, group_of, values)`` does."""
    out = np.zeros((n_groups, values.shape[1]))
    for s in range(values.shape[0]):
        g = group_of[s]
        for j in range(values.shape[1]):
            out[g, j] += values[s, j]
    return out

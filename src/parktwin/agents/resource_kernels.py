"""Compiled passes of the firms' resource measures in a year (agents/resources.py): the measures'
flows and electricity of all firms, the firms whose targets change inside the year, and the fuel,
bought heat and electricity the recovered waste heat displaces. Each does, firm by firm, the
operations of the scalar or array code it replaces in the same order (Python's and numpy's ``min``
and ``max`` included), so the same numbers.
"""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True)
def measure_year_kernel(inputs, activity, targets, kwh_factors):  # pragma: no cover - compiled; exercised through FirmRoster.year_flows
    """The firms' flows this year with their measures, the measures' electricity [kWh] and the waste heat
    they recover [GJ], in one pass: ``accounting.resources.measure_flows`` of each firm's inputs ×
    activity (8 × firms, ``base_inputs`` order, 0 where not reported; 4 × firms of targets) and ``electricity_kwh`` of what it adds (``kwh_factors``:
    ``electricity_factors``), firm by firm with the same operations in the same order (numpy's
    maximum and minimum: the first value unless the second is larger, resp. smaller)."""
    n = activity.shape[0]
    flows = np.empty((8, n))
    kwh = np.empty(n)
    heat_added = np.empty(n)
    for i in range(n):
        a = activity[i]
        for r in range(8):
            flows[r, i] = inputs[r, i] * a
        fresh, reused, reclaimed = flows[0, i], flows[1, i], flows[2, i]
        total = fresh + reused + reclaimed
        reused_add = _lesser(_greater(targets[0, i] * total - reused, 0.0), fresh)
        fresh = fresh - reused_add
        reclaimed_add = targets[1, i] * fresh
        added = [reused_add, reclaimed_add, 0.0, 0.0]
        for j in range(2):  # solid waste (generated, utilised: rows 4, 5) and waste heat (available, recovered: 6, 7)
            had, used = flows[4 + 2 * j, i], flows[5 + 2 * j, i]
            added[2 + j] = _lesser(_greater(targets[2 + j, i] * had - used, 0.0), had - used)
            flows[5 + 2 * j, i] = used + added[2 + j]
        flows[0, i] = fresh - reclaimed_add
        flows[1, i] = reused + reused_add
        flows[2, i] = reclaimed + reclaimed_add
        kwh[i] = added[0] * kwh_factors[0] + added[1] * kwh_factors[1] + added[2] * kwh_factors[2] + added[3] * kwh_factors[3]
        heat_added[i] = added[3]
    return flows, kwh, heat_added


@numba.njit(cache=True)
def _greater(a, b):  # pragma: no cover - compiled
    """``np.maximum`` of two numbers: ``a`` unless ``b`` is larger (or ``a`` is NaN: then ``a``)."""
    return a if a >= b or math.isnan(a) else b


@numba.njit(cache=True)
def _lesser(a, b):  # pragma: no cover - compiled
    """``np.minimum`` of two numbers: ``a`` unless ``b`` is smaller (or ``a`` is NaN: then ``a``)."""
    return a if a <= b or math.isnan(a) else b


@numba.njit(cache=True)
def weighted_segments(seg_flows, seg_heat, weights, offsets, weighted_rows):  # pragma: no cover - compiled; exercised through FirmRoster.split_years
    """Per firm (its segments ``offsets[j]`` to ``offsets[j+1]``): the flows of its first segment with the
    ``weighted_rows`` replaced by Σ weight × segment flows, and the heat recovered Σ weight × segment heat,
    each summed from 0 segment after segment (the order of Python's ``sum`` over the segments)."""
    n = offsets.shape[0] - 1
    out = np.empty((seg_flows.shape[0], n))
    heat = np.empty(n)
    for j in range(n):
        first = offsets[j]
        for r in range(seg_flows.shape[0]):
            out[r, j] = seg_flows[r, first]
        for r in weighted_rows:
            total = 0.0
            for s in range(first, offsets[j + 1]):
                total += weights[s] * seg_flows[r, s]
            out[r, j] = total
        total = 0.0
        for s in range(first, offsets[j + 1]):
            total += weights[s] * seg_heat[s]
        heat[j] = total
    return out, heat


@numba.njit(cache=True)
def piecewise_changes(values, tails, offsets):  # pragma: no cover - compiled; exercised through FirmRoster.split_years
    """Per firm (its segments ``offsets[j]`` to ``offsets[j+1]``, each with its full-year kWh ``values`` and its
    load shape's share from its start ``tails``): each segment's change from the segment before [kWh/yr]
    (the part ``LoadBook.add_piecewise`` books at its start), and the year's kWh Σ change × share over the
    changes other than 0, summed from 0 segment after segment (the numbers ``add_piecewise`` returns)."""
    n = offsets.shape[0] - 1
    changes = np.empty(values.shape[0])
    totals = np.empty(n)
    for j in range(n):
        previous = total = 0.0
        for s in range(offsets[j], offsets[j + 1]):
            change = values[s] - previous
            previous = values[s]
            changes[s] = change
            if change != 0.0:
                total += change * tails[s]
        totals[j] = total
    return changes, totals


@numba.njit(cache=True)
def displacement_kernel(quantities, positions, kwh, heat_gj, own_share, bought_share, scale, year_share, term_offsets, terms,
                        fuels, kwh_per_gj):  # pragma: no cover - compiled; exercised through apply_resource_measures
    """The active firms' resource measures applied to the year's energy rows, firm by firm in park order
    (``apply_resource_measures``): ``quantities`` of the rows, changed in place; per firm the positions
    of its electricity, coal, gas and bought-heat rows (-1: none), the measures' electricity of the year
    [kWh] and the waste heat they recover [GJ]. The measures' electricity joins the firm's electricity
    row; the heat displaces (``displace_heat``) the coal and gas its boilers of reachable bands burn
    (``own_share`` of the rows; ``fuels``: NCV, boiler efficiency and kgCO₂ per unit of coal and of gas)
    in proportion to their useful heat, then bought heat (``bought_share`` of its row), then the
    electricity of its electric boilers and heat pumps: Σ over the firm's ``terms`` (heat [GJ], band
    weight, electric share, kWh of electricity per kWh of heat) × ``scale``, spread over its year's
    shape (``year_share``). A row never goes below 0. Returns the year's electricity [MWh], heat used
    [GJ] and scope-1 CO₂ avoided [t] (each summed firm after firm) and each firm's full-year
    electricity cut to book on its shape [kWh/yr, 0: none]."""
    electricity_mwh = heat_used_gj = scope1_avoided_tco2 = 0.0
    cuts = np.zeros(kwh.shape[0])
    for j in range(kwh.shape[0]):
        elec_at, coal_at, gas_at, bought_at = positions[j, 0], positions[j, 1], positions[j, 2], positions[j, 3]
        if kwh[j] > 0:
            if elec_at >= 0:
                quantities[elec_at] = _at_least_zero(quantities[elec_at] + kwh[j] / 1000.0)
            electricity_mwh += kwh[j] / 1000.0
        heat = heat_gj[j]
        if not heat > 0:
            continue
        coal = (quantities[coal_at] if coal_at >= 0 else 0.0) * own_share[j]
        gas = (quantities[gas_at] if gas_at >= 0 else 0.0) * own_share[j]
        own_heat = coal * fuels[0, 0] * fuels[0, 1] + gas * fuels[1, 0] * fuels[1, 1]
        used = _smaller(heat, own_heat)
        coal_saved = gas_saved = 0.0
        if own_heat > 0:
            coal_saved, gas_saved = coal * used / own_heat, gas * used / own_heat
        bought_saved = _smaller(heat - used, (quantities[bought_at] if bought_at >= 0 else 0.0) * bought_share[j])
        rest = heat - used - bought_saved
        electric_gj = electric_kwh = 0.0
        if rest > 0:  # heat the firm now makes with electricity (own boilers, and bought heat it replaced)
            room_gj = room_kwh = 0.0
            for t in range(term_offsets[j], term_offsets[j + 1]):
                room_gj += scale[j] * terms[t, 0] * terms[t, 1] * terms[t, 2]
                room_kwh += scale[j] * terms[t, 0] * terms[t, 1] * terms[t, 3] * kwh_per_gj
            electric_gj = _smaller(rest, room_gj)
            electric_kwh = room_kwh * electric_gj / room_gj if room_gj > 0 else 0.0
        if coal_saved > 0:
            quantities[coal_at] = _at_least_zero(quantities[coal_at] - coal_saved)
            scope1_avoided_tco2 += coal_saved * fuels[0, 2] / 1000.0
            heat_used_gj += coal_saved * fuels[0, 0] * fuels[0, 1]
        if gas_saved > 0:
            quantities[gas_at] = _at_least_zero(quantities[gas_at] - gas_saved)
            scope1_avoided_tco2 += gas_saved * fuels[1, 2] / 1000.0
            heat_used_gj += gas_saved * fuels[1, 0] * fuels[1, 1]
        if bought_saved > 0:
            quantities[bought_at] = _at_least_zero(quantities[bought_at] - bought_saved)
            heat_used_gj += bought_saved
        if electric_kwh > 0:  # spread over the firm's own profile of the year
            cut_kwh = electric_kwh * year_share[j]
            cuts[j] = -electric_kwh
            if elec_at >= 0:
                quantities[elec_at] = _at_least_zero(quantities[elec_at] - cut_kwh / 1000.0)
            electricity_mwh -= cut_kwh / 1000.0
            heat_used_gj += electric_gj
    return electricity_mwh, heat_used_gj, scope1_avoided_tco2, cuts


@numba.njit(cache=True)
def _smaller(a, b):  # pragma: no cover - compiled
    """Python's ``min(a, b)``: ``a`` unless ``b`` is smaller."""
    return b if b < a else a  # noqa: FURB136 (spelled out: the order of Python's min, whatever the compiler's)


@numba.njit(cache=True)
def _at_least_zero(a):  # pragma: no cover - compiled
    """Python's ``max(a, 0.0)``: ``a`` unless 0 is larger."""
    return 0.0 if 0.0 > a else a  # noqa: FURB136 (spelled out: the order of Python's max)

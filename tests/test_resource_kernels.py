"""The compiled passes of the firms' resource measures (agents/resource_kernels.py) against the
scalar and plain-Python arithmetic they replace: ``displacement_kernel`` against the scalar
``displace_heat`` the firms' decisions use, firm by firm, bit for bit, with the kernel's inputs as
the run builds them; ``measure_year_kernel`` and ``weighted_segments`` against hand-computed values.
"""

from __future__ import annotations

import numpy as np
from builders import scenario

from parktwin import run
from parktwin.agents import resources
from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.agents.resource_kernels import measure_year_kernel, piecewise_changes, weighted_segments
from parktwin.agents.resources import FUELS, ROW_CARRIERS, WEIGHTED, displace_heat
from parktwin.data import constant
from parktwin.energy.loads import LoadBook, share_after
from parktwin.spec.load import load

# the carriers of ``displace_heat``'s answer, in ``ROW_CARRIERS`` order after electricity
SAVED = ("coal", "natural_gas", "purchased_heat")


def one_firm(kernel, quantities, positions, kwh, heat_gj, own, bought, scale, share, terms, fuels):
    """``displacement_kernel`` for one firm alone (its four rows at ``positions``, -1: none): the rows
    after it and what it returns."""
    q = np.array(quantities, dtype=float)
    got = kernel(q, np.array([positions], dtype=np.int64), np.array([kwh]), np.array([heat_gj]), np.array([own]),
                 np.array([bought]), np.array([scale]), np.array([share]), np.array([0, len(terms)], dtype=np.int64),
                 np.array(terms, dtype=float).reshape(-1, 4), fuels, KWH_PER_GJ)
    return q, got


def expected_of(saved: dict, quantities, positions, kwh: float, share: float, fuels) -> tuple:
    """What ``displacement_kernel`` must give for one firm whose recovered heat ``displace_heat``
    answered ``saved``: each row less what is saved (floored at 0; the measures' electricity first),
    and the electricity, heat used and scope-1 CO₂ sums in the kernel's order (coal, gas, bought heat,
    electric heat), so equal to the bit when the saved amounts are."""
    rows = list(quantities)
    elec_at, coal_at, gas_at, bought_at = positions
    mwh = heat_used = avoided = 0.0
    if kwh > 0:
        if elec_at >= 0:
            rows[elec_at] = max(rows[elec_at] + kwh / 1000.0, 0.0)
        mwh += kwh / 1000.0
    coal, gas, bought = (saved.get(c, 0.0) for c in SAVED)
    for at, amount, f in ((coal_at, coal, fuels[0]), (gas_at, gas, fuels[1])):
        if amount > 0:
            rows[at] = max(rows[at] - amount, 0.0)
            avoided += amount * f[2] / 1000.0
            heat_used += amount * f[0] * f[1]
    if bought > 0:
        rows[bought_at] = max(rows[bought_at] - bought, 0.0)
        heat_used += bought
    electric_kwh, cut = saved.get("electricity_kwh", 0.0), 0.0
    if electric_kwh > 0:
        cut = -electric_kwh
        if elec_at >= 0:
            rows[elec_at] = max(rows[elec_at] - electric_kwh * share / 1000.0, 0.0)
        mwh -= electric_kwh * share / 1000.0
        heat_used += saved["electric_heat_gj"]
    return rows, mwh, heat_used, avoided, cut


def compared_displacements(monkeypatch, sc) -> dict[str, int]:
    """Run ``sc`` with every call of ``displacement_kernel`` checked: for each firm that recovers heat
    that year, with the kernel's inputs exactly as the run builds them (``FirmRoster.displacement``,
    ``_row_positions``, ``fuel_constants``, caught on their way into the kernel), the kernel for that
    firm alone and ``displace_heat`` of the firm (its state at that moment) for the same rows give
    the same coal, gas, bought heat and electricity saved, to the bit (``expected_of``) — for the heat
    the run recovered, none, a little (0.1 % of its own boiler heat), more than its own boiler heat,
    more than own and bought heat (the electric-heat branch) and more than any band can use, each
    with and without the measures' electricity and also for the firm without its coal and gas rows;
    and the firm alone gets the rows the whole park's pass gave it (firms touch only their own rows).
    Returns how many firm-years were compared and how many answers saved each carrier."""
    kernel = resources.displacement_kernel
    seen = {"firms": 0, "coal": 0, "gas": 0, "bought": 0, "electric": 0, "no_fuel_rows": 0}
    caught = {}
    displacement = resources.FirmRoster.displacement

    def catch_displacement(roster, active, recovers):
        caught["firms"] = [roster.firms[at] for at in active]
        return displacement(roster, active, recovers)

    def checked_kernel(quantities, positions, kwh, heat, own, bought, scale, shares, offsets, terms, fuels, kwh_per_gj):
        before = quantities.copy()
        out = kernel(quantities, positions, kwh, heat, own, bought, scale, shares, offsets, terms, fuels, kwh_per_gj)
        assert kwh_per_gj == KWH_PER_GJ
        for j, firm in enumerate(caught["firms"]):
            if not heat[j] > 0:
                continue
            seen["firms"] += 1
            firm_terms = terms[offsets[j]:offsets[j + 1]].tolist()
            at = [int(p) for p in positions[j]]
            rows = [float(before[p]) if p >= 0 else 0.0 for p in at]
            local = [k if p >= 0 else -1 for k, p in enumerate(at)]
            args = (own[j], bought[j], scale[j], shares[j], firm_terms, fuels)
            # the firm alone, its real heat and measures' electricity: the rows the park's pass gave it
            q, _ = one_firm(kernel, rows, local, kwh[j], heat[j], *args)
            assert [q[k] for k, p in enumerate(at) if p >= 0] == [quantities[p] for p in at if p >= 0]
            coal, gas = (rows[1] * own[j] if at[1] >= 0 else 0.0), (rows[2] * own[j] if at[2] >= 0 else 0.0)
            own_gj = coal * fuels[0, 0] * fuels[0, 1] + gas * fuels[1, 0] * fuels[1, 1]
            bought_gj = rows[3] * bought[j] if at[3] >= 0 else 0.0
            amounts = (float(heat[j]), 0.0, 1e-3 * own_gj, 1.5 * own_gj + 1.0, 1.5 * (own_gj + bought_gj) + 1.0, 1e12)
            for no_fuel in (False, True):
                firm_at = [p if not (no_fuel and k in (1, 2)) else -1 for k, p in enumerate(local)]
                by_carrier = {c: rows[k] for k, c in enumerate(ROW_CARRIERS) if firm_at[k] >= 0 and k > 0}
                for heat_gj in amounts:
                    for firm_kwh in (0.0, float(kwh[j])):
                        saved = displace_heat(firm, heat_gj, by_carrier)
                        q, (mwh, heat_used, avoided, cuts) = one_firm(kernel, rows, firm_at, firm_kwh, heat_gj, *args)
                        want_rows, want_mwh, want_heat, want_avoided, want_cut = expected_of(saved, rows, firm_at, firm_kwh, shares[j], fuels)
                        assert q.tolist() == want_rows, (firm.spec.id, heat_gj, saved)
                        assert (mwh, heat_used, avoided, cuts[0]) == (want_mwh, want_heat, want_avoided, want_cut), (firm.spec.id, heat_gj)
                        seen["coal"] += saved.get("coal", 0.0) > 0
                        seen["gas"] += saved.get("natural_gas", 0.0) > 0
                        seen["bought"] += saved.get("purchased_heat", 0.0) > 0
                        seen["electric"] += saved.get("electricity_kwh", 0.0) > 0
                        seen["no_fuel_rows"] += no_fuel and heat_gj > 0
        return out

    monkeypatch.setattr(resources.FirmRoster, "displacement", catch_displacement)
    monkeypatch.setattr(resources, "displacement_kernel", checked_kernel)
    run(sc, seed=0)
    return seen




def test_the_compiled_displacement_is_the_scalar_displace_heat_bit_for_bit(monkeypatch):
    """``compared_displacements`` over the demo net-zero roadmap (waste-heat use from 2032, heat pumps
    and electric boilers from 2029: firms with coal, gas and electric heat; its firms that buy heat
    have streams too cold for any band, so no bought heat is displaced there)."""
    seen = compared_displacements(monkeypatch, load("scenarios/net_zero_2050.yaml").scenario)
    assert seen["firms"] > 300 and all(seen[k] > 20 for k in ("coal", "gas", "electric", "no_fuel_rows")), seen


def test_the_compiled_displacement_of_bought_heat_is_the_scalar_bit_for_bit(monkeypatch):
    """``compared_displacements`` for a firm burning coal and gas and buying heat, its 300 °C stream
    reaching every band, half its boilers and bought heat electrified with heat pumps in 2026 and
    waste-heat use to 50 % from 2026 (the test park's short horizon): every branch of the displacement, bought heat included."""
    works = {"id": "works", "name": "Works", "sector": "chemicals", "value_added_mcny": 100.0, "shift_pattern": "continuous",
             "energy": {"electricity_mwh": 10_000.0, "coal_t": 1_000.0, "natural_gas_km3": 300.0, "purchased_heat_gj": 20_000.0},
             "fuel_heat_share": 1.0, "waste_heat": {"available_gj": 10_000.0, "recovered_gj": 2_000.0, "temperature_c": 300.0}}
    roadmap = [{"id": "hp", "kind": "electrify_boilers", "year": 2026, "share": 0.5, "technology": "heat_pump", "include_purchased_heat": True},
               {"id": "m", "kind": "resource_measure", "measure": "waste_heat_use", "year": 2026, "lead_time_days": 0.0, "target_share": 0.5}]
    seen = compared_displacements(monkeypatch, scenario({"enterprises": [works], "fleets": []}, roadmap=roadmap))
    assert seen["firms"] >= 1 and all(seen[k] >= 10 for k in ("coal", "gas", "bought", "electric", "no_fuel_rows")), seen


def test_the_fuel_constants_the_kernel_reads_are_those_displace_heat_uses(monkeypatch):
    """``fuel_constants`` (the kernel's NCV, boiler efficiency, kgCO₂ of coal and gas) are the
    constants.csv values ``displace_heat`` and the firms' decisions read through ``FUELS``."""
    seen = []
    kernel = resources.displacement_kernel

    def catch(*args):
        seen.append(args[10].tolist())
        return kernel(*args)

    heat = {"available_gj": 10_000.0, "recovered_gj": 2_000.0, "temperature_c": 300.0}
    firm = {"id": "works", "name": "Works", "sector": "chemicals", "value_added_mcny": 100.0,
            "energy": {"electricity_mwh": 10_000.0, "coal_t": 1_000.0}, "fuel_heat_share": 1.0, "shift_pattern": "continuous",
            "waste_heat": heat}
    item = {"id": "m", "kind": "resource_measure", "measure": "waste_heat_use", "year": 2026, "lead_time_days": 0.0,
            "target_share": 0.5}
    monkeypatch.setattr(resources, "displacement_kernel", catch)
    run(scenario({"enterprises": [firm], "fleets": []}, roadmap=[item]), seed=0)
    assert seen and seen[0] == [[constant(ncv), constant(eff), constant(co2)] for _, ncv, eff, co2 in FUELS]


def test_measure_year_kernel_by_hand():
    """Two firms at activity 2 and 1, factors (1.5, 0.5, 25, 1.5) kWh per m³ reused, m³ reclaimed,
    t waste used, GJ heat recovered (chosen exact in binary; data/resource_measures.csv holds the
    run's). By hand, firm 1 (inputs × 2: fresh 600, reused 200, reclaimed 0 of 800 m³; waste 2,000 t,
    1,000 used; heat 20,000 GJ, 4,000 recovered; targets 0.75, 0.25, 0.875, 0.5): reuse to 0.75 × 800
    = 600 adds 400 (≤ the 600 fresh), fresh 200; reclaimed adds 0.25 × 200 = 50, fresh 150; waste to
    0.875 × 2,000 = 1,750 adds 750; heat to 10,000 adds 6,000; kWh = 400 × 1.5 + 50 × 0.5 + 750 × 25
    + 6,000 × 1.5 = 28,375. Firm 2 (fresh 10, reused 50, reclaimed 40; waste 100 t, 90 used; heat
    100 GJ, 100 recovered; targets 1, 0, 0.5, 1): reuse to 100 would add 50, capped at the 10 fresh;
    waste already above 0.5 and heat all recovered add nothing; kWh = 10 × 1.5 = 15."""
    inputs = np.array([[300.0, 100.0, 0.0, 80.0, 1_000.0, 500.0, 10_000.0, 2_000.0],
                       [10.0, 50.0, 40.0, 5.0, 100.0, 90.0, 100.0, 100.0]]).T.copy()
    targets = np.array([[0.75, 0.25, 0.875, 0.5], [1.0, 0.0, 0.5, 1.0]]).T.copy()
    flows, kwh, heat = measure_year_kernel(inputs, np.array([2.0, 1.0]), targets, np.array([1.5, 0.5, 25.0, 1.5]))
    assert flows[:, 0].tolist() == [150.0, 600.0, 50.0, 160.0, 2_000.0, 1_750.0, 20_000.0, 10_000.0]
    assert flows[:, 1].tolist() == [0.0, 60.0, 40.0, 5.0, 100.0, 90.0, 100.0, 100.0]
    assert kwh.tolist() == [28_375.0, 15.0] and heat.tolist() == [6_000.0, 0.0]


def test_weighted_segments_by_hand():
    """Firm A's year in two segments weighted 0.25 and 0.75 (shares of its load shape), firm B's in
    one (weight 1), firm C's in three weighted 0.1, 0.2, 0.7. By hand: A's weighted rows (``WEIGHTED``:
    fresh, reused, reclaimed water, waste used, heat recovered) are 0.25 × first + 0.75 × second, its
    other rows the first segment's; B's are its segment's; heat 0.25 × 400 + 0.75 × 800 = 700 and 300.
    C's (weights not exact in binary) equal Python's ``sum`` of weight × flow over its segments, the
    order the kernel adds them in."""
    seg = np.zeros((8, 6))
    seg[:, 0] = [100.0, 200.0, 0.0, 40.0, 1_000.0, 400.0, 4_000.0, 400.0]
    seg[:, 1] = [60.0, 240.0, 8.0, 44.0, 1_004.0, 800.0, 4_004.0, 800.0]
    seg[:, 2] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    rng = np.random.default_rng(11)
    seg[:, 3:] = rng.uniform(0.0, 1e4, (8, 3))
    seg_heat = np.array([400.0, 800.0, 300.0, *rng.uniform(0.0, 1e4, 3)])
    weights = np.array([0.25, 0.75, 1.0, 0.1, 0.2, 0.7])
    out, heat = weighted_segments(seg, seg_heat, weights, np.array([0, 2, 3, 6], dtype=np.int64), np.array(WEIGHTED, dtype=np.int64))
    assert WEIGHTED == [0, 1, 2, 5, 7]
    assert out[:, 0].tolist() == [70.0, 230.0, 6.0, 40.0, 1_000.0, 700.0, 4_000.0, 700.0]
    assert out[:, 1].tolist() == seg[:, 2].tolist()
    c = [sum(w * f for w, f in zip(weights[3:].tolist(), seg[r, 3:].tolist())) if r in WEIGHTED else seg[r, 3] for r in range(8)]
    assert out[:, 2].tolist() == c
    assert heat.tolist() == [700.0, 300.0, sum(w * h for w, h in zip(weights[3:].tolist(), seg_heat[3:].tolist()))]


def test_piecewise_changes_are_what_the_load_book_books_and_returns():
    """Firm A's measures use 1,000 kWh/yr from hour 0 and 3,000 from hour 4,380, firm B's 500 in both of
    its segments, firm C's 0 then 2,000 then 2,000. By hand: the changes are A 1,000 and 2,000, B 500 and
    0, C 0, 2,000 and 0; A's year 1,000 × its share from hour 0 + 2,000 × its share from 4,380. Each
    firm's kWh is what ``LoadBook.add_piecewise`` returns for the same segments, and its changes booked at
    their starts (``add_parts``, zeros skipped) make the same hourly load, to the bit."""
    year, shape = 2030, "continuous"
    starts = [[0, 4380], [0, 2000], [0, 100, 8000]]
    values = [[1_000.0, 3_000.0], [500.0, 500.0], [0.0, 2_000.0, 2_000.0]]
    tails = [share_after(shape, year, h) for firm in starts for h in firm]
    offsets = np.array([0, 2, 4, 7], dtype=np.int64)
    changes, totals = piecewise_changes(np.array([v for firm in values for v in firm]), np.array(tails), offsets)
    assert changes.tolist() == [1_000.0, 2_000.0, 500.0, 0.0, 0.0, 2_000.0, 0.0]
    assert totals[0] == 1_000.0 * share_after(shape, year, 0) + 2_000.0 * share_after(shape, year, 4380)
    for j, (firm_starts, firm_values) in enumerate(zip(starts, values)):
        book, parts = LoadBook(year), LoadBook(year)
        assert totals[j] == book.add_piecewise(shape, firm_starts, firm_values)
        parts.add_parts([(shape, h) for h in firm_starts], changes[offsets[j]:offsets[j + 1]].tolist())
        assert np.array_equal(parts.hourly_kw(), book.hourly_kw())

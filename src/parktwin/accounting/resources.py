"""Water, industrial solid waste and waste heat of the park in one year, and their indicators.

Pure functions over plain dataclasses. Each firm's inputs (park file: ``water``, ``solid_waste``,
``waste_heat``) are base-year quantities scaled by the firm's output; running symbiosis
exchanges then move quantities between the accounts (docs/stages-and-symbiosis.md §6):

- treated water received replaces the receiver's fresh water and counts as reclaimed water,
  used cooling water replaces fresh water and counts as reused (cascaded) water;
- a by-product or residue sent to another firm counts as utilised solid waste of the supplier;
- heat or steam sent to another firm counts as recovered waste heat of the supplier;
  each never above what the firm has (fresh water withdrawn, waste generated, heat available).

Definitions (the Chinese statistical and standard definitions as read, §6):
- 工业用水重复利用率 ``industrial_water_reuse_share`` = reused ÷ (reused + fresh + reclaimed);
- 再生水(中水)回用率 ``reclaimed_water_reuse_share`` = reclaimed used ÷ wastewater treated;
- 工业固体废物综合利用率 ``industrial_solid_waste_use_share`` = utilised ÷ generated;
- 余热/余冷/余压综合利用率 ``waste_heat_cold_pressure_use_share`` = recovered ÷ available;
- 单位工业增加值新鲜水耗 ``fresh_water_m3_per_10k_cny`` = fresh ÷ value added [m³/万元];
- 水资源产出率 ``water_productivity_cny_per_m3`` = value added ÷ fresh water [CNY/m³].

Coverage rule: an indicator is computed only when the firms that report its inputs produce at
least ``min_coverage_share`` of the park's value added (data/resources.csv; 1.0 = every firm);
otherwise it is NaN, which the stage assessment shows as *not assessed*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numba
import numpy as np

from parktwin.data import table

NAN = float("nan")
RESOURCE_COLUMNS = (
    "year", "fresh_water_m3", "reused_water_m3", "reclaimed_water_m3", "wastewater_m3", "solid_waste_generated_t",
    "solid_waste_utilised_t", "waste_heat_available_gj", "waste_heat_recovered_gj",
    "exchange_water_m3", "exchange_solid_waste_t", "exchange_heat_gj",
    "water_coverage_share", "wastewater_coverage_share", "solid_waste_coverage_share", "waste_heat_coverage_share",
    "industrial_water_reuse_share", "reclaimed_water_reuse_share", "industrial_solid_waste_use_share",
    "waste_heat_cold_pressure_use_share", "fresh_water_m3_per_10k_cny", "water_productivity_cny_per_m3",
    "new_eco_chain_projects",
)
INDICATOR_COLUMNS = RESOURCE_COLUMNS[RESOURCE_COLUMNS.index("industrial_water_reuse_share"):]
_COVERAGE = "firms reporting {} produce less than min_coverage_share of the park's value added (data/resources.csv)"
NOT_ASSESSED = {
    "industrial_water_reuse_share": _COVERAGE.format("water"),
    "reclaimed_water_reuse_share": _COVERAGE.format("water and wastewater"),
    "industrial_solid_waste_use_share": _COVERAGE.format("solid waste"),
    "waste_heat_cold_pressure_use_share": _COVERAGE.format("waste heat"),
    "fresh_water_m3_per_10k_cny": _COVERAGE.format("water"),
    "water_productivity_cny_per_m3": _COVERAGE.format("water"),
    "new_eco_chain_projects": "the park file lists no candidate symbiosis exchanges (exchanges:), so new chain projects cannot be counted",
    "products_at_grade2_share": "no firm lists a product line with a published grade-2 unit-energy limit, or their coverage is below "
                                "min_coverage_share (accounting/products.py)",
    "product_coverage_share": "no firm of a sector with national unit-energy limits lists its products (accounting/products.py)",
}
"""The annual columns that are NaN when *not assessed*, and why: the only NaN a run's annual
table may hold (the stage assessment gives the reason; tests/test_fuzz.py holds runs to it)."""


class FirmResources(NamedTuple):
    """One firm's flows in one year (already scaled by its output); None where it reports nothing.
    A named tuple: one is made per firm and year, and a frozen dataclass costs several times more to build."""

    entity: str
    value_added_mcny: float
    fresh_water_m3: float | None = None
    reused_water_m3: float | None = None
    reclaimed_water_m3: float | None = None
    wastewater_m3: float | None = None
    waste_generated_t: float | None = None
    waste_utilised_t: float | None = None
    heat_available_gj: float | None = None
    heat_recovered_gj: float | None = None


@dataclass
class ExchangeFlows:
    """What the exchanges running in a year move, each weighted by the share of the year it ran.

    ``reclaimed_m3`` and ``reused_m3``: receiver → m³ (treated and cooling water);
    ``waste_t``: supplier → t of by-products and residues sent; ``heat_gj``: supplier → GJ of
    heat and steam sent; ``commissioned``: exchanges commissioned since the base year.
    """

    reclaimed_m3: dict[str, float] = field(default_factory=dict)
    reused_m3: dict[str, float] = field(default_factory=dict)
    waste_t: dict[str, float] = field(default_factory=dict)
    heat_gj: dict[str, float] = field(default_factory=dict)
    commissioned: int = 0


@lru_cache(maxsize=None)
def min_coverage_share() -> float:
    """Share of value added the reporting firms must cover for an indicator to be computed (data/resources.csv)."""
    df = table("resources")
    return float(df.loc[df["name"] == "min_coverage_share", "value"].iloc[0])


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else NAN


class FirmFlows(NamedTuple):
    """The firms' flows in one year as arrays over the firms (park order): ``FirmResources`` by column."""

    ids: tuple[str, ...]
    value_added_mcny: list[float]
    flows: np.ndarray  # 8 × firms in ``FirmResources`` order from ``fresh_water_m3`` on, 0 where not reported
    reported: np.ndarray  # 8 × firms: the flow is reported (not None)

    def records(self) -> list[FirmResources]:
        """One ``FirmResources`` per firm (None where not reported)."""
        values = self.flows.astype(object)
        values[~self.reported] = None
        return list(map(FirmResources._make, zip(self.ids, self.value_added_mcny, *values.tolist())))


def firm_flows(firms: list[FirmResources]) -> FirmFlows:
    """``FirmFlows`` of a list of ``FirmResources``."""
    values = [f[2:] for f in firms]
    return FirmFlows(tuple(f.entity for f in firms), [f.value_added_mcny for f in firms],
                     np.array([[v or 0.0 for v in row] for row in values], dtype=float).reshape(-1, 8).T,
                     np.array([[v is not None for v in row] for row in values], dtype=bool).reshape(-1, 8).T)


RECEIVED_FIELDS = ("reclaimed_m3", "reused_m3", "waste_t", "heat_gj")  # ``ExchangeFlows``' receiver → amount fields, in ``firm_sums`` order


def received_arrays(ids: tuple[str, ...], flows: ExchangeFlows) -> tuple[np.ndarray, np.ndarray]:
    """What the exchanges bring each firm (``ids``, park order), per ``RECEIVED_FIELDS`` row: the amount
    [m³, t, GJ] (4 × firms, 0 where none) and whether the firm is among the receivers (4 × firms)."""
    received, receives = np.zeros((4, len(ids))), np.zeros((4, len(ids)), dtype=bool)
    by_field = [getattr(flows, name) for name in RECEIVED_FIELDS]
    if any(by_field):
        at = {entity: i for i, entity in enumerate(ids)}
        for k, amounts in enumerate(by_field):
            for entity, amount in amounts.items():
                if (i := at.get(entity)) is not None:
                    received[k, i], receives[k, i] = amount, True
    return received, receives


@numba.njit(cache=True)
def firm_sums(va_mcny, flows, reported, received, receives):  # pragma: no cover - compiled; exercised through year_resources
    """The park's sums over the firms that report each account, in park order, with what the exchanges
    move (``received_arrays``): fresh, reused, reclaimed and waste water and the water exchanged [m³],
    the value added of the firms reporting water and wastewater [M CNY]; then for solid waste [t] and
    waste heat [GJ] each: the reporting firms' value added, generated (available), utilised
    (recovered) and taken by exchanges. Water: treated water
    received replaces fresh water first, then cooling water, never more than the firm withdraws; solid
    waste and waste heat: what an exchange takes counts as used, at most what is left unused. Each sum is
    added firm by firm from 0.0, as a Python loop adds it; ``a if a < b else b`` is Python's ``min(b, a)``."""
    out = np.zeros(15)
    fresh = reused = reclaimed = wastewater = ex_water = va_water = va_wastewater = 0.0
    for i in range(va_mcny.shape[0]):
        if reported[0, i]:  # fresh water reported
            f_fresh = flows[0, i]
            va_water += va_mcny[i]
            if receives[0, i] or receives[1, i]:
                got_reclaimed = f_fresh if f_fresh < received[0, i] else received[0, i]
                left = f_fresh - got_reclaimed
                got_reused = left if left < received[1, i] else received[1, i]
            else:
                got_reclaimed, got_reused = (f_fresh if f_fresh < 0.0 else 0.0), 0.0
            fresh += f_fresh - got_reclaimed - got_reused
            reclaimed += flows[2, i] + got_reclaimed
            reused += flows[1, i] + got_reused
            ex_water += got_reclaimed + got_reused
            if reported[3, i]:  # wastewater reported
                va_wastewater += va_mcny[i]
                wastewater += flows[3, i]
    out[0], out[1], out[2], out[3], out[4], out[5], out[6] = fresh, reused, reclaimed, wastewater, ex_water, va_water, va_wastewater
    for k in range(2):  # solid waste (generated, utilised; exchanges' waste_t), waste heat (available, recovered; heat_gj)
        had_at, taken_by = 4 + 2 * k, 2 + k
        va = total = used = taken = 0.0
        for i in range(va_mcny.shape[0]):
            if reported[had_at, i]:
                va += va_mcny[i]
                f_total, f_used = flows[had_at, i], flows[had_at + 1, i]
                left = f_total - f_used
                if receives[taken_by, i]:
                    sent = left if left < received[taken_by, i] else received[taken_by, i]
                else:
                    sent = left if left < 0.0 else 0.0
                total += f_total
                used += f_used + sent
                taken += sent
        out[7 + 4 * k], out[8 + 4 * k], out[9 + 4 * k], out[10 + 4 * k] = va, total, used, taken
    return out


def year_resources(
    year: int,
    firms: list[FirmResources] | FirmFlows,
    flows: ExchangeFlows | None = None,
    *,
    min_coverage_share: float = 1.0,
    exchanges_listed: bool = False,
) -> dict[str, float]:
    """The park's resource totals and indicators for one year (keys ``RESOURCE_COLUMNS``).

    ``exchanges_listed``: the park file lists candidate exchanges, so the count of eco-industrial
    chain projects is known (else NaN: not assessed). ``firms``: ``FirmFlows`` (read column by
    column), or a list of ``FirmResources``.
    """
    flows = flows or ExchangeFlows()
    if not isinstance(firms, FirmFlows):
        firms = firm_flows(firms)
    total_va = sum(firms.value_added_mcny)
    (fresh, reused, reclaimed, wastewater, ex_water, va_water, va_wastewater, va_waste, generated, utilised, ex_waste,
     va_heat, available, recovered, ex_heat) = firm_sums(np.array(firms.value_added_mcny, dtype=float), firms.flows, firms.reported,
                                                          *received_arrays(firms.ids, flows)).tolist()
    va = {"water": va_water, "wastewater": va_wastewater, "waste": va_waste, "heat": va_heat}
    cover = {k: _ratio(v, total_va) for k, v in va.items()}
    ok = {k: bool(c >= min_coverage_share - 1e-12) for k, c in cover.items()}
    water_ok, reclaimed_ok = ok["water"], ok["water"] and ok["wastewater"]
    covered_va = va["water"]
    out = {
        "year": year,
        "fresh_water_m3": fresh, "reused_water_m3": reused, "reclaimed_water_m3": reclaimed, "wastewater_m3": wastewater,
        "solid_waste_generated_t": generated, "solid_waste_utilised_t": utilised,
        "waste_heat_available_gj": available, "waste_heat_recovered_gj": recovered,
        "exchange_water_m3": ex_water, "exchange_solid_waste_t": ex_waste, "exchange_heat_gj": ex_heat,
        "water_coverage_share": cover["water"], "wastewater_coverage_share": cover["wastewater"],
        "solid_waste_coverage_share": cover["waste"], "waste_heat_coverage_share": cover["heat"],
        "industrial_water_reuse_share": _ratio(reused, reused + fresh + reclaimed) if water_ok else NAN,
        "reclaimed_water_reuse_share": _ratio(reclaimed, wastewater) if reclaimed_ok else NAN,
        "industrial_solid_waste_use_share": _ratio(utilised, generated) if ok["waste"] else NAN,
        "waste_heat_cold_pressure_use_share": _ratio(recovered, available) if ok["heat"] else NAN,
        "fresh_water_m3_per_10k_cny": _ratio(fresh, covered_va * 100.0) if water_ok else NAN,
        "water_productivity_cny_per_m3": _ratio(covered_va * 1e6, fresh) if water_ok else NAN,
        "new_eco_chain_projects": float(flows.commissioned) if exchanges_listed else NAN,
    }
    return out


def firm_resources(entity: str, value_added_mcny: float, activity: float, water=None, solid_waste=None, waste_heat=None) -> FirmResources:
    """A firm's flows in a year: its base-year inputs (objects with the park file's fields, or
    None) times ``activity`` (output relative to the base year)."""
    return scaled_resources(entity, value_added_mcny, activity, base_inputs(water, solid_waste, waste_heat))


def base_inputs(water=None, solid_waste=None, waste_heat=None) -> tuple[float | None, ...]:
    """A firm's base-year inputs as floats (None where not reported), in ``FirmResources`` order from
    ``fresh_water_m3`` on: the part of ``firm_resources`` that does not change with the year."""
    w = (water.fresh_water_m3, water.reused_water_m3, water.reclaimed_water_m3, water.wastewater_m3) if water is not None else (None,) * 4
    s = (solid_waste.generated_t, solid_waste.utilised_t) if solid_waste is not None else (None,) * 2
    h = (waste_heat.available_gj, waste_heat.recovered_gj) if waste_heat is not None else (None,) * 2
    return tuple(None if v is None else float(v) for v in (*w, *s, *h))


def scaled_resources(entity: str, value_added_mcny: float, activity: float, inputs: tuple[float | None, ...]) -> FirmResources:
    """``firm_resources`` from ``base_inputs``: each input × ``activity``."""
    return FirmResources._make((entity, value_added_mcny, *scaled_inputs(inputs, activity)))


def scaled_inputs(inputs: tuple[float | None, ...], activity: float) -> list[float | None]:
    """``base_inputs`` × ``activity`` (None stays None)."""
    return [None if v is None else v * activity for v in inputs]



# -- resource measures (roadmap kind ``resource_measure``; agents/resources.py) ------------------------
class MeasureTargets(NamedTuple):
    """The resource measures a firm has commissioned (0: none), each a share 0..1 (a named tuple:
    the year's targets of all firms become one array, ``agents.resources.FirmRoster``).

    ``water_reuse_share``: reused ÷ (reused + fresh + reclaimed) the firm's reuse plant reaches;
    ``reclaimed_share_of_fresh``: share of the fresh water left after reuse that reclaimed water
    replaces; ``solid_waste_use_share``: utilised ÷ generated; ``waste_heat_use_share``:
    recovered ÷ available.
    """

    water_reuse_share: float = 0.0
    reclaimed_share_of_fresh: float = 0.0
    solid_waste_use_share: float = 0.0
    waste_heat_use_share: float = 0.0


class MeasureFlows(NamedTuple):
    """What a firm's measures add in a year [m³, t, GJ], and the firm's flows with them (a named
    tuple: one is made per firm and year)."""

    firm: FirmResources
    reused_added_m3: float = 0.0
    reclaimed_added_m3: float = 0.0
    waste_added_t: float = 0.0
    heat_added_gj: float = 0.0


def with_measures(f: FirmResources, t: MeasureTargets) -> MeasureFlows:
    """A firm's flows with its measures: each raises its account towards its target, never
    lowering what the firm already does and never beyond what it has (fresh water to replace,
    waste generated, heat available). Water: reuse first (it replaces fresh water, the total
    water used stays), then reclaimed water replaces the given share of the fresh water left."""
    return measure_flows(f.entity, f.value_added_mcny, f[2:], t)


def measure_flows(entity: str, value_added_mcny: float, flows, t: MeasureTargets) -> MeasureFlows:
    """``with_measures`` from the firm's flows as a sequence in ``FirmResources`` order from
    ``fresh_water_m3`` on (``scaled_inputs``), without building the firm's flows first."""
    fresh, reused, reclaimed, wastewater, generated, utilised, available, recovered = flows
    reused_add = reclaimed_add = waste_add = heat_add = 0.0
    if fresh is not None:
        reused, reclaimed = reused or 0.0, reclaimed or 0.0
        reused_add, reclaimed_add = water_added(fresh, reused, reclaimed, t.water_reuse_share, t.reclaimed_share_of_fresh)
        fresh = fresh - reused_add - reclaimed_add
        reused, reclaimed = reused + reused_add, reclaimed + reclaimed_add
    if generated is not None:
        utilised = utilised or 0.0
        waste_add = account_added(generated, utilised, t.solid_waste_use_share)
        utilised += waste_add
    if available is not None:
        recovered = recovered or 0.0
        heat_add = account_added(available, recovered, t.waste_heat_use_share)
        recovered += heat_add
    firm = FirmResources(entity, value_added_mcny, fresh, reused, reclaimed, wastewater, generated, utilised, available, recovered)
    return MeasureFlows(firm, reused_add, reclaimed_add, waste_add, heat_add)


def water_added(fresh: float, reused: float, reclaimed: float, reuse_share: float, reclaimed_share: float) -> tuple[float, float]:
    """The reused and the reclaimed water [m³] a firm's water targets add to its flows (``measure_flows``):
    reuse first, up to ``reuse_share`` of all water used and never beyond the fresh water it replaces,
    then reclaimed water for ``reclaimed_share`` of the fresh water left."""
    reused_add = min(max(reuse_share * (fresh + reused + reclaimed) - reused, 0.0), fresh)
    return reused_add, reclaimed_share * (fresh - reused_add)


def account_added(had: float, used: float, share: float) -> float:
    """What a target ``share`` of what a firm ``had`` adds to what it ``used`` (solid waste utilised
    of generated [t], waste heat recovered of available [GJ]): never lowering it, never beyond ``had``."""
    return min(max(share * had - used, 0.0), had - used)


def target_added(inputs: tuple[float | None, ...], activity: float, before: MeasureTargets, field: int, share: float) -> float:
    """What raising target ``field`` (its position in ``MeasureTargets``) of a firm's targets ``before``
    to ``share`` (never lowering it) adds to the flow it raises, at the firm's ``base_inputs`` ×
    ``activity`` [m³ reused or reclaimed, t utilised, GJ recovered a year]: ``measure_flows``'
    operations on that account alone, after less before (0 when the firm does not report the
    account's first flow)."""
    raised = max(before[field], share)
    if field < 2:  # the water account: reuse, then reclaimed water
        fresh = inputs[0]
        if fresh is None:
            return 0.0
        fresh, reused, reclaimed = fresh * activity, _scaled_or_zero(inputs[1], activity), _scaled_or_zero(inputs[2], activity)
        reuse, reclaim = before[0], before[1]
        after = water_added(fresh, reused, reclaimed, raised, reclaim) if field == 0 else water_added(fresh, reused, reclaimed, reuse, raised)
        return after[field] - water_added(fresh, reused, reclaimed, reuse, reclaim)[field]
    at = HAD_AT[field]
    if inputs[at] is None:
        return 0.0
    had, used = inputs[at] * activity, _scaled_or_zero(inputs[at + 1], activity)
    return account_added(had, used, raised) - account_added(had, used, before[field])


HAD_AT = {2: 4, 3: 6}  # target field → position in ``base_inputs`` of what the firm has (generated, available), then what it used


def _scaled_or_zero(value: float | None, activity: float) -> float:
    """An input × activity as ``measure_flows`` reads it (``scaled_inputs``, then a flow not reported is 0)."""
    return 0.0 if value is None else (value * activity or 0.0)

"""Which indicators a park's data leave unassessable, and which fields of which firms would fix it.

A resource indicator is computed only when the firms reporting its inputs produce at least
``min_coverage_share`` of the park's value added (data/resources.csv; 1.0 = every firm,
accounting/resources.py); a park that gives waste heat for two firms of twelve gets no waste-heat
indicator at all. ``coverage_gaps(park)`` says so before a run: one row per indicator and firm
lacking an input, with the park-file field (the workbook column of the same name) that fills it.

Other indicators register their own gap function::

    @register_gaps("products_at_grade2_share")
    def _product_gaps(park) -> list[CoverageGap]: ...

A gap function takes the park (spec.park.Park) and returns ``CoverageGap`` rows for the annual
column it feeds; ``coverage_gaps`` maps each row to the stage indicators that read that column
(data/stage_indicators.csv), so one gap in the water data lists every water indicator it voids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parktwin.accounting.products import product_data_gaps
from parktwin.accounting.resources import min_coverage_share
from parktwin.accounting.stages import indicators

COVERAGE_COLUMNS = ("indicator", "entity", "missing", "note")


@dataclass(frozen=True)
class CoverageGap:
    """One firm (or the park) lacking one input of one indicator.

    ``column``: the annual column (or ``formula:`` name) the input feeds; ``entity``: the firm's id, or
    "park"; ``missing``: the park-file field that would fill it (the workbook column of the same name);
    ``note``: why it matters (coverage reached, what the rule needs)."""

    column: str
    entity: str
    missing: str
    note: str


GapFunction = Callable[[object], list[CoverageGap]]
GAP_FUNCTIONS: dict[str, GapFunction] = {}


def register_gaps(name: str) -> Callable[[GapFunction], GapFunction]:
    """Register ``function(park) -> list[CoverageGap]`` under ``name`` (one per group of inputs)."""

    def add(function: GapFunction) -> GapFunction:
        if name in GAP_FUNCTIONS:
            raise ValueError(f"coverage gap function {name!r} registered twice")
        GAP_FUNCTIONS[name] = function
        return function

    return add


def _share_gaps(park, columns: tuple[str, ...], has: Callable[[object], bool], field: str, what: str) -> list[CoverageGap]:
    """Firms without ``field`` when the reporting firms' value added falls short of the coverage rule."""
    firms = list(park.enterprises)
    total = sum(f.value_added_mcny for f in firms)
    reporting = sum(f.value_added_mcny for f in firms if has(f))
    need = min_coverage_share()
    if total <= 0 or reporting / total >= need - 1e-12:
        return []
    missing = [f for f in firms if not has(f)]
    note = (f"{what}: {len(firms) - len(missing)} of {len(firms)} firms report it, {reporting / total:.0%} of value added "
            f"(needed: {need:.0%}, data/resources.csv min_coverage_share)")
    return [CoverageGap(column, f.id, field, note) for column in columns for f in missing]


WATER_COLUMNS = ("industrial_water_reuse_share", "fresh_water_m3_per_10k_cny", "water_productivity_cny_per_m3")


@register_gaps("water")
def water_gaps(park) -> list[CoverageGap]:
    """Water reuse, fresh water per value added and water productivity need every firm's fresh water;
    the reclaimed-water reuse rate also its wastewater treated."""
    out = _share_gaps(park, WATER_COLUMNS + ("reclaimed_water_reuse_share",), lambda f: f.water is not None,
                      "water.fresh_water_m3", "fresh water withdrawn (取用新水量)")
    if not out:
        out = _share_gaps(park, ("reclaimed_water_reuse_share",),
                          lambda f: f.water is not None and f.water.wastewater_m3 is not None,
                          "water.wastewater_m3", "wastewater treated (污水处理量)")
    return out


@register_gaps("solid_waste")
def solid_waste_gaps(park) -> list[CoverageGap]:
    """The solid-waste use rate needs every firm's waste generated."""
    return _share_gaps(park, ("industrial_solid_waste_use_share",), lambda f: f.solid_waste is not None,
                       "solid_waste.generated_t", "industrial solid waste generated (工业固体废物产生量)")


@register_gaps("waste_heat")
def waste_heat_gaps(park) -> list[CoverageGap]:
    """The waste heat/cold/pressure use rate needs every firm's waste heat available (0 where it has none)."""
    return _share_gaps(park, ("waste_heat_cold_pressure_use_share",), lambda f: f.waste_heat is not None,
                       "waste_heat.available_gj", "waste heat/cold/pressure available (余热余冷余压资源量; give 0 for a firm with none)")


@register_gaps("symbiosis")
def symbiosis_gaps(park) -> list[CoverageGap]:
    """The count of new eco-industrial chain projects is known only when the park lists its candidate exchanges."""
    if park.exchanges:
        return []
    return [CoverageGap("new_eco_chain_projects", "park", "exchanges",
                        "the park file lists no candidate symbiosis exchanges (exchanges sheet), so new chains cannot be counted")]


@register_gaps("products")
def product_gaps(park) -> list[CoverageGap]:
    """Firms whose sector has national unit-energy limits but list no products, and products with no
    published grade-2 value (accounting.products.product_data_gaps)."""
    return [CoverageGap("products_at_grade2_share", entity or "park", missing, note) for _, entity, missing, note in product_data_gaps(park)]


def coverage_gaps(park) -> list[tuple[str, str, str, str]]:
    """Every gap of every registered function as rows ``COVERAGE_COLUMNS``: (stage indicator id,
    entity, missing field, note), one per indicator that reads the column the input feeds."""
    readers: dict[str, list[str]] = {}
    for row in indicators().itertuples(index=False):
        name = str(row.column).split(":", 1)[-1]
        readers.setdefault(name, []).append(str(row.id))
    rows = []
    for function in GAP_FUNCTIONS.values():
        for gap in function(park):
            for indicator in readers.get(gap.column.split(":", 1)[-1], [gap.column]):
                rows.append((indicator, gap.entity, gap.missing, gap.note))
    return rows


def describe_gaps(park) -> list[str]:
    """``coverage_gaps`` as lines for ``parktwin check`` and ``import``: one per missing field, with
    the indicators it voids and the firms that would fix it."""
    groups: dict[tuple[str, str], dict[str, list[str]]] = {}
    for indicator, entity, missing, note in coverage_gaps(park):
        g = groups.setdefault((missing, note), {"indicators": [], "entities": []})
        if indicator not in g["indicators"]:
            g["indicators"].append(indicator)
        if entity not in g["entities"]:
            g["entities"].append(entity)
    lines = []
    for (missing, note), g in groups.items():
        who = "the park" if g["entities"] == ["park"] else f"firms {', '.join(g['entities'])}"
        lines.append(f"  not assessable: {', '.join(g['indicators'])} — {note}; fill {missing} for {who}")
    return lines

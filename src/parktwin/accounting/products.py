"""What the firms make: each product line's output, unit energy use against the national limit
standard's grades, and the zero-carbon indicator 园区企业产品单位能耗达到能耗限额二级.

Pure functions over plain dataclasses and ``data/products.csv`` (docs/products.md):

- a product line's output in a year = its base-year ``output`` × the firm's activity (value added
  relative to the base year) × the share of the year the firm is in the park;
- its energy = ``energy_share`` × the firm's energy that year (after its measures, resource
  measures and exchanges), in kgce with electricity at the 当量 value (GB/T 2589, as the
  standards count it) or in kWh of electricity for products whose limit is an electricity use;
  its scope-1 CO₂ and electricity CO₂ are attributed by the same share;
- unit energy = energy ÷ output, graded 1 / 2 / 3 against the standard (``above_3`` beyond);
- ``products_at_grade2_share`` = product lines at or below grade 2 ÷ product lines with a
  published grade 2, over the firms whose products have one. Firms outside that set are outside
  the denominator: a firm listing only products without a published limit, and a firm listing
  none whose sector has no product with a limit. A firm listing no products in a sector that has
  one (data/products.csv ``sector``) is missing data. The coverage rule of the resource
  indicators decides: the value is computed only when the firms that report cover at least
  ``min_coverage_share`` of the value added of the firms in scope; else NaN (not assessed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from parktwin.data import table

NAN = float("nan")
GRADES = ("grade1", "grade2", "grade3")
PRODUCT_COLUMNS = (
    "year", "entity", "sector", "product", "unit", "output", "energy_share", "energy", "energy_unit", "unit_energy",
    "limit_unit", "standard", "grade1", "grade2", "grade3", "grade", "meets_grade2",
    "scope1_tco2", "electricity_tco2", "direct_tco2_per_unit", "indirect_tco2_per_unit",
    "export_share", "export_destination", "exported",
)
INDICATOR_KEYS = ("products_at_grade2_share", "product_coverage_share", "product_lines_graded")


@lru_cache(maxsize=1)
def products() -> pd.DataFrame:
    """data/products.csv indexed by product id."""
    return table("products").set_index("id")


@lru_cache(maxsize=None)
def product(pid: str) -> dict:
    """One row of data/products.csv as {column: value} (read once per product; treat as read-only)."""
    try:
        return dict(products().loc[pid].items())
    except KeyError:
        raise KeyError(f"no product {pid!r} in data/products.csv") from None


@lru_cache(maxsize=None)
def has_limit(pid: str) -> bool:
    """The product's grade-2 value is published (and read) in data/products.csv."""
    row = product(pid)
    return row["limit_status"] == "published" and not pd.isna(row["grade2"])


@lru_cache(maxsize=1)
def sectors_with_limits() -> frozenset:
    """Sectors with at least one product whose grade-2 value is published."""
    df = products()
    return frozenset(df.loc[(df["limit_status"] == "published") & df["grade2"].notna(), "sector"])


def grade_of(unit_energy: float, grade1: float, grade2: float, grade3: float) -> str | None:
    """The best grade the unit energy meets ("1", "2", "3"), "above_3", or None without a value.
    A missing grade (NaN) is skipped: e.g. a standard without grade 2 for a capacity class."""
    if math.isnan(unit_energy):
        return None
    for name, limit in (("1", grade1), ("2", grade2), ("3", grade3)):
        if not math.isnan(limit) and unit_energy <= limit + 1e-9:
            return name
    return "above_3" if not math.isnan(grade3) else None


def energy_shares(lines) -> list[float]:
    """Each product line's share of its firm's energy: as stated; a single line with none takes
    1; the rest of several is split by output × the product's grade-2 limit (× 1 where none)."""
    stated = [line.energy_share for line in lines]
    if all(s is not None for s in stated):
        return [float(s) for s in stated]
    if len(lines) == 1:
        return [1.0]
    rest = max(0.0, 1.0 - sum(s for s in stated if s is not None))
    weights = []
    for line, s in zip(lines, stated):
        if s is None:
            g2 = product(line.product)["grade2"]
            weights.append(line.output * (abs(float(g2)) if not pd.isna(g2) and float(g2) != 0 else 1.0))
    total = sum(weights)
    it = iter(weights)
    return [float(s) if s is not None else (rest * next(it) / total if total > 0 else 0.0) for s in stated]


@dataclass(frozen=True)
class FirmTotals:
    """One firm's year: energy [kgce, 当量], electricity [kWh], scope-1 CO₂ net of capture and
    electricity CO₂ (location-based) [tCO₂]."""

    energy_kgce: float = 0.0
    electricity_kwh: float = 0.0
    scope1_tco2: float = 0.0
    electricity_tco2: float = 0.0


@lru_cache(maxsize=None)
def product_grading(pid: str) -> tuple[bool, tuple[float, float, float], str, str, bool]:
    """What a product row of ``pid`` takes from data/products.csv, read once: (its limit is an
    electricity use [kWh], the grade 1/2/3 limits (NaN where none), the limit's unit, the standard
    ("" where none), its grade 2 is published)."""
    row = product(pid)
    limits = tuple(float(row[g]) if not pd.isna(row[g]) else NAN for g in GRADES)
    return (row["energy_metric"] == "electricity_kwh", limits, row["limit_unit"],
            row["standard"] if not pd.isna(row["standard"]) else "", has_limit(pid))


def product_rows(year: int, entity: str, sector: str, lines, activity: float, totals: FirmTotals) -> list[tuple]:
    """The firm's product lines in ``year`` (``PRODUCT_COLUMNS``); ``activity``: output relative to
    the base year, the in-park share included."""
    out = []
    for line, share in zip(lines, energy_shares(lines)):
        kwh, limits, limit_unit, standard, graded = product_grading(line.product)
        output = line.output * activity
        energy = share * (totals.electricity_kwh if kwh else totals.energy_kgce)
        unit_energy = energy / output if output > 0 else NAN
        grade = grade_of(unit_energy, *limits) if graded else None
        scope1, elec = share * totals.scope1_tco2, share * totals.electricity_tco2
        out.append((
            year, entity, sector, line.product, line.unit, output, share, energy, "kWh" if kwh else "kgce", unit_energy,
            limit_unit, standard, *limits, grade,
            (grade in ("1", "2")) if grade is not None else None,
            scope1, elec, scope1 / output if output > 0 else NAN, elec / output if output > 0 else NAN,
            line.export_share, line.export_destination or "", output * line.export_share,
        ))
    return out


@lru_cache(maxsize=4096)
def grade2_scope(sector: str, listed: tuple[str, ...]) -> tuple[bool, bool]:
    """Whether a firm of ``sector`` listing the products ``listed`` counts for the grade-2 indicator:
    (its value added is covered: a listed product has a published limit, in the indicator's scope:
    covered, or listing nothing in a sector with limits — missing data that counts against the
    coverage). Read once per process per (sector, products)."""
    limited = any(has_limit(p) for p in listed)
    return limited, limited or (not listed and sector in sectors_with_limits())


_MEETS = PRODUCT_COLUMNS.index("meets_grade2")


def grade2_share(in_scope_va: float, covered_va: float, rows: list[tuple], min_coverage_share: float = 1.0) -> dict[str, float]:
    """The park's ``products_at_grade2_share`` for one year (keys ``INDICATOR_KEYS``) from the value added
    of the firms in its scope and of those covered (``grade2_scope``) [M CNY] and the year's product
    rows (``PRODUCT_COLUMNS``)."""
    meets = [r[_MEETS] for r in rows if r[_MEETS] is not None]
    coverage = covered_va / in_scope_va if in_scope_va > 0 else NAN
    assessed = bool(meets) and coverage >= min_coverage_share - 1e-12
    return {
        "products_at_grade2_share": sum(meets) / len(meets) if assessed else NAN,
        "product_coverage_share": coverage,
        "product_lines_graded": float(len(meets)),
    }


# -- what `check` lists for a park -----------------------------------------------------------------
GAP_INDICATORS = ("zc_product_energy_grade2",)


def product_data_gaps(park) -> list[tuple[str, str, str, str]]:
    """Rows (indicator, entity_id, missing field, note) saying which firm and which park-file
    column would make the product indicator assessable (the park itself: entity "", when no firm
    lists a product with a published limit)."""
    with_limits = sectors_with_limits()
    gaps = []
    for firm in park.enterprises:
        listed = [line.product for line in firm.products]
        if not listed and firm.sector in with_limits:
            examples = ", ".join(products().index[(products()["sector"] == firm.sector) & products()["grade2"].notna()][:4])
            gaps.append(("zc_product_energy_grade2", firm.id, "products",
                         f"sector {firm.sector} has national unit-energy limits (e.g. {examples}): list its products "
                         "(product, output, unit; energy_share if several)"))
        # a firm whose listed products have no published grade is outside the denominator: not a gap
    if not any(has_limit(line.product) for firm in park.enterprises for line in firm.products):
        gaps.append(("zc_product_energy_grade2", "", "enterprises.*.products",
                     "no firm lists a product with a published limit: the indicator is not assessed"))
    return gaps

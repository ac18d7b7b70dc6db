"""Carbon policy: who pays for CO₂, on which tonnes (pure functions over arrays of firms).

Three regimes (docs/economics.md, "Carbon policy"):
- ``tax``: every firm pays the rate on all its scope-1 CO₂ (captured CO₂ is not emitted);
- ``ets``: the national emissions trading scheme covers a firm whose emissions reach the
  threshold (data/carbon_policy.csv); it receives free allowances = benchmark intensity
  (data/ets_benchmarks.csv) × output and pays the price on emissions above them — or earns it on
  those below; a firm under the threshold pays nothing; with banking, a covered firm keeps its
  unused allowances for later years (up to a cap) and surrenders them before it buys (``bank_allowances``);
- ``none``: nobody pays.
Money in CNY of the base year, emissions in tCO₂ a year, output as value added in million CNY.

Where a firm's products have an output-based rule (data/ets_product_benchmarks.csv), that rule
replaces the value-added benchmark, dated: the national ETS's steel, cement and aluminium firms
were allocated their verified emissions for 2024 and by intensity × output from 2025
(``product_allocation``); a rule whose benchmark was not found falls back to value added. The
carbon table says which basis each firm was allocated on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from parktwin.data import table

POLICY_FILE = "data/carbon_policy.csv"
BENCHMARK_FILE = "data/ets_benchmarks.csv"
CARBON_KINDS = ("tax", "ets", "none")


def policy_value(name: str) -> float:
    """A named value of data/carbon_policy.csv (its unit in the file)."""
    df = table("carbon_policy")
    hit = df.loc[df["name"] == name, "value"]
    if hit.empty:
        raise KeyError(f"no {name!r} in {POLICY_FILE}")
    return float(hit.iloc[0])


def benchmark_tco2_per_mcny(sector: str) -> float:
    """ETS allocation benchmark of ``sector`` [tCO₂ per million CNY value added]; the ``default``
    row for a sector without its own."""
    known = _benchmarks()
    return known.get(sector, known["default"])


@lru_cache(maxsize=1)
def _benchmarks() -> dict[str, float]:
    df = table("ets_benchmarks")
    return dict(zip(df["sector"].astype(str), df["benchmark_tco2_per_mcny"].astype(float)))


@lru_cache(maxsize=1)
def _product_rules() -> tuple[tuple, ...]:
    df = table("ets_product_benchmarks")
    return tuple(zip(df["product"], df["from_year"].astype(int), df["to_year"].astype(int), df["basis"],
                     df["benchmark_tco2_per_t"].astype(float)))


@lru_cache(maxsize=4096)
def product_rule(product: str, year: int) -> tuple[str, float] | None:
    """The national ETS's rule for ``product`` in ``year``: (basis, benchmark tCO₂/t or NaN), or
    None when data/ets_product_benchmarks.csv has no row for it."""
    for pid, first, last, basis, value in _product_rules():
        if pid == product and first <= year <= last:
            return basis, value
    return None


def product_allocation(lines: list[tuple[str, float]], year: int, emissions_tco2: float,
                       allocation_scale: float = 1.0) -> tuple[str, float]:
    """A firm's free allocation from its products, given (product id, output in its unit) pairs.

    Returns (basis, allocation tCO₂): ``verified_emissions`` (allocation = the firm's emissions)
    when any product is allocated so that year; ``output`` (Σ output × benchmark × scale) when
    every product has an intensity benchmark; else ``value_added`` with NaN (the caller uses the
    value-added benchmark).
    """
    basis, benchmarks = _lines_basis(tuple(pid for pid, _ in lines), year)
    if basis == "verified_emissions":
        return basis, float(emissions_tco2)
    if basis == "output":
        return basis, float(sum(out * value for (_, out), value in zip(lines, benchmarks)) * allocation_scale)
    return basis, float("nan")


@lru_cache(maxsize=4096)
def _lines_basis(products: tuple[str, ...], year: int) -> tuple[str, tuple[float, ...]]:
    """``product_allocation``'s basis for a firm listing ``products`` in ``year`` and, for ``output``,
    each product's benchmark [tCO₂/t]: from data/ets_product_benchmarks.csv alone, read once per
    process per (products, year)."""
    rules = [product_rule(pid, year) for pid in products]
    if not products or any(r is None for r in rules):
        return "value_added", ()
    if any(basis == "verified_emissions" for basis, _ in rules):
        return "verified_emissions", ()
    if all(basis == "intensity" and not np.isnan(value) for basis, value in rules):
        return "output", tuple(value for _, value in rules)
    return "value_added", ()


@dataclass(frozen=True)
class CarbonPositions:
    """One year's carbon positions of the firms, arrays aligned with the inputs."""

    covered: np.ndarray  # bool: the policy charges this firm
    allocation_tco2: np.ndarray  # free allowances (ETS), else 0
    payment_cny: np.ndarray  # price × (emissions − allocation) of covered firms; negative = allowances sold


def carbon_positions(kind: str, emissions_tco2, value_added_mcny, benchmark_tco2_per_mcny, price_cny_per_tco2: float,
                     threshold_tco2_per_yr: float = 0.0, in_scope=None, allocation_scale: float = 1.0,
                     product_allocation_tco2=None) -> CarbonPositions:
    """Each firm's charge under ``kind`` (tax | ets | none) for one year.

    ``in_scope``: firms whose sector the ETS covers (default all); the tax ignores it.
    ``product_allocation_tco2``: per firm, its allocation from its products (``product_allocation``),
    NaN where the value-added benchmark applies.
    """
    e = np.asarray(emissions_tco2, dtype=float)
    if kind == "none":
        zero = np.zeros_like(e)
        return CarbonPositions(np.zeros(e.shape, dtype=bool), zero, zero.copy())
    if kind == "tax":
        covered = np.empty(e.shape, dtype=bool)  # every firm (filled: np.ones casts its scalar, which costs more)
        covered.fill(True)
        return CarbonPositions(covered, np.zeros(e.shape), e * price_cny_per_tco2)
    if kind != "ets":
        raise ValueError(f"carbon policy kind must be one of {CARBON_KINDS}, not {kind!r}")
    scope = np.ones(e.shape, dtype=bool) if in_scope is None else np.asarray(in_scope, dtype=bool)
    covered = scope & (e >= threshold_tco2_per_yr)
    by_value_added = np.asarray(benchmark_tco2_per_mcny, float) * np.asarray(value_added_mcny, float) * allocation_scale
    if product_allocation_tco2 is not None:
        by_products = np.asarray(product_allocation_tco2, dtype=float)
        by_value_added = np.where(np.isnan(by_products), by_value_added, by_products)
    allocation = np.where(covered, by_value_added, 0.0)
    return CarbonPositions(covered, allocation, np.where(covered, (e - allocation) * price_cny_per_tco2, 0.0))


def marginal_price_cny_per_tco2(kind: str, covered: bool, price_cny_per_tco2: float) -> float:
    """What a tonne abated saves the firm: the price if the policy charges it at the margin.
    (Benchmark allocation rests on output, not emissions, so a covered firm saves the full price.)"""
    return price_cny_per_tco2 if kind == "tax" or (kind == "ets" and covered) else 0.0


@dataclass(frozen=True)
class Banked:
    """One year's ETS positions with banking, arrays aligned with the firms."""

    payment_cny: np.ndarray  # price × (emissions − allocation − bank used + banked); negative = allowances sold
    bank_tco2: np.ndarray  # allowances held for later years at the year's end
    used_tco2: np.ndarray  # banked allowances surrendered this year
    banked_tco2: np.ndarray  # this year's unused allowances put in the bank


def bank_allowances(covered, emissions_tco2, allocation_tco2, price_cny_per_tco2: float, bank_tco2, cap_share: float) -> Banked:
    """ETS allowance banking for one year: a covered firm short of allowances first surrenders its
    bank, then buys the rest; one with allowances left banks them while its bank stays at most
    ``cap_share`` × this year's allocation, and sells what does not fit. A firm not covered this
    year keeps its bank untouched."""
    covered = np.asarray(covered, dtype=bool)
    e, a = np.asarray(emissions_tco2, dtype=float), np.asarray(allocation_tco2, dtype=float)
    bank = np.asarray(bank_tco2, dtype=float)
    surplus = a - e
    used = np.where(covered & (surplus < 0), np.minimum(bank, -surplus), 0.0)
    room = np.maximum(cap_share * a - bank, 0.0)
    banked = np.where(covered & (surplus > 0), np.minimum(surplus, room), 0.0)
    payment = np.where(covered, (e - a - used + banked) * price_cny_per_tco2, 0.0)
    return Banked(payment, bank - used + banked, used, banked)

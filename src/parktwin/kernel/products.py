"""The year's products: each firm's product lines, their grades, the grade-2 indicator, the
output-based ETS allocation and the CBAM position of exports to the EU (docs/products.md).

Called by the kernel once the year is accounted; everything here is arithmetic over the year's
energy rows, inventory rows and carbon positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parktwin.accounting.products import (
    INDICATOR_KEYS, PRODUCT_COLUMNS, FirmTotals, grade2_scope, grade2_share, product, product_rows,
)
from parktwin.agents.base import same_agents
from parktwin.agents.population import active_share
from parktwin.data import interpolate_path, to_base_cny
from parktwin.economics.carbon import product_allocation
from parktwin.economics.cbam import CBAM_COLUMNS, cbam_factor_share, cbam_position, embedded_tco2_per_t

PRODUCT_TABLE_COLUMNS = PRODUCT_COLUMNS + CBAM_COLUMNS
ANNUAL_KEYS = INDICATOR_KEYS + ("cbam_certificates_tco2", "cbam_cost_cny")


@dataclass
class ProductRoster:
    """The park's firms as the products stage and the carbon positions read them, kept while the
    firms stay the same (``of``; compared by identity): who lists product lines and who counts for
    the grade-2 indicator (``grade2_scope``), from the park file alone."""

    firms: tuple = ()  # the agents, park order
    with_lines: tuple[int, ...] = ()  # positions of the firms listing product lines
    ids_with_lines: frozenset = frozenset()
    in_scope: tuple[int, ...] = ()  # positions of the firms in the grade-2 indicator's scope
    covered: tuple[int, ...] = ()  # positions of the firms whose listed products have a published limit

    def of(self, firms: list) -> ProductRoster:
        """This roster, rebuilt first if ``firms`` are not the ones it holds."""
        if not same_agents(self.firms, firms):
            scopes = [grade2_scope(f.spec.sector, tuple(line.product for line in f.spec.products)) for f in firms]
            self.firms = tuple(firms)
            self.with_lines = tuple(i for i, f in enumerate(firms) if f.spec.products)
            self.ids_with_lines = frozenset(firms[i].spec.id for i in self.with_lines)
            self.in_scope = tuple(i for i, (_, in_scope) in enumerate(scopes) if in_scope)
            self.covered = tuple(i for i, (limited, _) in enumerate(scopes) if limited)
        return self


def firm_product_allocations(firms, year: int, scope1_tco2, allocation_scale: float,
                             roster: ProductRoster) -> tuple[np.ndarray, list[str]]:
    """Per firm (aligned with ``firms``): its allocation from its products (NaN: value added) and the basis.
    ``roster``: the run's ``ProductRoster``."""
    roster = roster.of(list(firms))
    allocations, bases = np.full(len(roster.firms), np.nan), ["value_added"] * len(roster.firms)  # (product_allocation of no lines)
    for i in roster.with_lines:
        firm = roster.firms[i]
        lines = [(line.product, line.output * firm.activity) for line in firm.spec.products]
        bases[i], allocations[i] = product_allocation(lines, year, float(scope1_tco2[i]), allocation_scale)
    return allocations, bases


def firm_totals_of(totals: dict[str, list[float]], entity: str) -> FirmTotals:
    """``entity``'s ``FirmTotals`` from the inventory's sums (zeros for a firm without rows this year)."""
    t = totals.get(entity)
    return FirmTotals() if t is None else FirmTotals(*t)


def eu_price_path(path: dict, years: list[int]) -> np.ndarray:
    """The scenario's EU carbon price per year [EUR/tCO₂]; NaN throughout when it gives none."""
    return interpolate_path(path, years) if path else np.full(len(years), np.nan)


def products_year(enterprises, out: list, year: int, year_start: int, totals: dict[str, list[float]], payments: dict[str, float],
                  value_added_mcny: list[float], *, population_on: bool, min_coverage_share: float, eu_price_eur_per_tco2: float,
                  base_year: int, roster: ProductRoster) -> dict[str, float]:
    """Append the year's product rows (``PRODUCT_TABLE_COLUMNS``) to ``out``; return the ``annual`` columns.

    ``enterprises``: the firm agents in the park this year; ``totals``: the firms with product lines'
    ``FirmTotals`` fields as the year's inventory summed them (``accounting.inventory.InventoryReads.totals``;
    a firm without rows this year is absent); ``payments``: each firm's carbon
    payment of the year [CNY] (net of free allocation); ``value_added_mcny``: each firm's value
    added this year (aligned with ``enterprises``); ``eu_price_eur_per_tco2`` NaN: CBAM
    certificates counted, not priced; ``roster``: the run's ``ProductRoster``.
    """
    roster = roster.of(list(enterprises))
    firms = roster.firms
    eur_cny = to_base_cny(1.0, "EUR", base_year, base_year)
    in_park = [active_share(f.changes, year_start) for f in firms] if population_on else None
    all_rows = []
    certificates = cost = 0.0
    for i in roster.with_lines:
        agent = firms[i]
        spec = agent.spec
        share = in_park[i] if in_park is not None else 1.0
        firm_rows = product_rows(year, spec.id, spec.sector, spec.products, agent.activity * share, firm_totals_of(totals, spec.id))
        for row in firm_rows:
            extra = _cbam(row, year, payments.get(spec.id, 0.0), eu_price_eur_per_tco2, eur_cny)
            certificates += extra[_CERTIFICATES] or 0.0
            c = extra[_COST]
            cost += c if c == c else 0.0
            all_rows.append(row + extra)
    out.extend(all_rows)
    va = value_added_mcny if in_park is None else [v * s for v, s in zip(value_added_mcny, in_park)]  # (× 1.0 changes no number)
    values = grade2_share(sum((va[i] for i in roster.in_scope), 0.0), sum((va[i] for i in roster.covered), 0.0),
                          [r[:len(PRODUCT_COLUMNS)] for r in all_rows], min_coverage_share)
    return values | {"cbam_certificates_tco2": certificates, "cbam_cost_cny": cost}


_CERTIFICATES, _COST = CBAM_COLUMNS.index("cbam_certificates"), CBAM_COLUMNS.index("cbam_cost_cny")
_DESTINATION, _EXPORTED, _PRODUCT = (PRODUCT_COLUMNS.index(c) for c in ("export_destination", "exported", "product"))
_NOT_CBAM = (float("nan"),) * 3 + (0.0, float("nan"), 0.0, 0.0, float("nan"), 0.0, float("nan"), "")


def _cbam(row: tuple, year: int, payment_cny: float, eu_price_eur: float, eur_cny: float) -> tuple:
    """The CBAM columns of one product row (NaN / 0 where it is not an EU export of a CBAM good)."""
    if row[_DESTINATION] != "EU" or row[_EXPORTED] <= 0 or not bool(product(row[_PRODUCT])["cbam_good"]):
        return _NOT_CBAM
    get = dict(zip(PRODUCT_COLUMNS, row))
    info = product(get["product"])
    nan = float("nan")
    output = get["output"]
    embedded = embedded_tco2_per_t(get["direct_tco2_per_unit"], get["indirect_tco2_per_unit"], bool(info["cbam_indirect_counted"]))
    benchmark = float(info["cbam_benchmark_tco2_per_t"]) if not np.isnan(info["cbam_benchmark_tco2_per_t"]) else nan
    paid_cny_per_t = max(payment_cny, 0.0) * get["energy_share"] / output if output > 0 else 0.0
    price = eu_price_eur if eu_price_eur == eu_price_eur else 0.0
    pos = cbam_position(year, get["exported"], embedded, benchmark, paid_cny_per_t / eur_cny, price)
    cost_cny = pos.cost_eur * eur_cny if eu_price_eur == eu_price_eur else nan
    basis = ("direct + indirect" if bool(info["cbam_indirect_counted"]) else "direct") + (
        "" if benchmark == benchmark else "; benchmark not found: no free-allocation adjustment")
    return (embedded, benchmark, cbam_factor_share(year), pos.certificates_before_deduction, paid_cny_per_t,
            pos.deduction_certificates, pos.certificates, eu_price_eur, cost_cny,
            cost_cny / get["exported"] if cost_cny == cost_cny else nan, basis)


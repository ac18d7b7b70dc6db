"""The EU Carbon Border Adjustment Mechanism on a firm's exports of CBAM goods (docs/products.md).

For one product line exported to the EU in one year (Regulation (EU) 2023/956; free-allocation
adjustment per Directive 2003/87/EC Art. 10a(1a) and the implementing rules):

- specific embedded emissions [tCO₂/t] = direct (the product's share of the firm's scope-1 CO₂,
  net of capture, ÷ output) + indirect (its share of the firm's electricity CO₂ ÷ output) where
  CBAM counts indirect emissions for the good (cement, fertilisers), else direct only;
- certificates before deduction = exported t × max(0, embedded − benchmark × CBAM factor), the
  CBAM factor being the share of free allocation the EU still gives that year (97.5 % in 2026 to
  0 in 2034, data/cbam_factors.csv); no certificates before 2026 (transitional period); a good
  whose benchmark was not read gets no adjustment (an upper bound, flagged in the table);
- the carbon price effectively paid in China for the exported tonnes (the firm's ETS or tax
  payment net of free allocation, its product share, never below 0) is deducted as certificates
  at the year's EU price (Art. 9);
- cost = certificates × EU price [EUR], in CNY at data/money.csv's rate of the base year.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from parktwin.data import table

NAN = float("nan")
FIRST_CERTIFICATE_YEAR = 2026
CBAM_COLUMNS = (
    "cbam_embedded_tco2_per_t", "cbam_benchmark_tco2_per_t", "cbam_factor_share", "cbam_certificates_before_deduction",
    "china_paid_cny_per_t", "cbam_deduction_certificates", "cbam_certificates", "eu_price_eur_per_tco2", "cbam_cost_cny",
    "cbam_cost_cny_per_t", "cbam_basis",
)


@lru_cache(maxsize=1)
def _factors() -> dict[int, float]:
    df = table("cbam_factors")
    return dict(zip(df["year"].astype(int), df["cbam_factor_share"].astype(float)))


def cbam_factor_share(year: int) -> float:
    """Share of the benchmark still deducted (the EU free allocation kept for CBAM sectors) in
    ``year``: data/cbam_factors.csv; 1 before its first year, 0 after its last."""
    known = _factors()
    if year in known:
        return known[year]
    return 1.0 if year < min(known) else 0.0


def embedded_tco2_per_t(direct_tco2_per_t: float, indirect_tco2_per_t: float, indirect_counted: bool) -> float:
    """Specific embedded emissions of a good [tCO₂/t]: direct, plus indirect where CBAM counts them."""
    return max(direct_tco2_per_t, 0.0) + (max(indirect_tco2_per_t, 0.0) if indirect_counted else 0.0)


@dataclass(frozen=True)
class Cbam:
    """One exported product line's CBAM position in one year."""

    certificates_before_deduction: float  # tCO₂ after the free-allocation adjustment
    deduction_certificates: float  # for the carbon price paid in China
    certificates: float  # to surrender
    cost_eur: float


def cbam_position(year: int, exported_t: float, embedded: float, benchmark_tco2_per_t: float,
                  china_paid_eur_per_t: float, eu_price_eur_per_tco2: float) -> Cbam:
    """Certificates due for ``exported_t`` tonnes of a good with ``embedded`` tCO₂/t.

    ``benchmark_tco2_per_t`` NaN: no free-allocation adjustment. Before 2026 nothing is due.
    """
    if year < FIRST_CERTIFICATE_YEAR or exported_t <= 0:
        return Cbam(0.0, 0.0, 0.0, 0.0)
    adjustment = 0.0 if np.isnan(benchmark_tco2_per_t) else benchmark_tco2_per_t * cbam_factor_share(year)
    before = exported_t * max(embedded - adjustment, 0.0)
    deduction = 0.0
    if eu_price_eur_per_tco2 > 0:
        deduction = min(before, exported_t * max(china_paid_eur_per_t, 0.0) / eu_price_eur_per_tco2)
    certificates = before - deduction
    return Cbam(before, deduction, certificates, certificates * eu_price_eur_per_tco2)

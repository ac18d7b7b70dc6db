"""Finance: capital recovery, discounting, levelised cost, loans and instruments (pure functions).

Rates are real, per year, as fractions (0.08 = 8 %); money is CNY of the base year. Formulas and
conventions are in docs/economics.md; instruments (loans, bonds, PPP, funds) are data in
``data/finance_instruments.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd

from parktwin.data import table

INSTRUMENT_FILE = "data/finance_instruments.csv"


def annuity_factor(rate: float, years: float) -> float:
    """Capital recovery factor r(1+r)^n / ((1+r)^n − 1): the level yearly payment per unit of capital.

    At a zero rate it is 1/n. Multiplying a capex by it gives the equal end-of-year payment that
    repays the capex with interest over ``years``.
    """
    if years <= 0:
        raise ValueError("years must be positive")
    if rate <= -1.0:
        raise ValueError("rate must be above -100 %")
    if rate == 0.0:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


def npv(cash_flows_cny: Iterable[float], rate: float, start_year_index: int = 0) -> float:
    """Net present value Σ_t CF_t / (1+r)^(t + start_year_index).

    The first flow is discounted by ``start_year_index`` years (0: it happens now, undiscounted);
    flow t comes t years after the first. Signs are the caller's (costs negative, savings positive).
    """
    flows = np.asarray(list(cash_flows_cny), dtype=float)
    if rate <= -1.0:
        raise ValueError("rate must be above -100 %")
    t = np.arange(flows.size, dtype=float) + start_year_index
    return float(np.sum(flows / (1.0 + rate) ** t))


def lcoe_cny_per_kwh(
    capex: float,
    fixed_om_per_yr: float,
    var_om_per_kwh: float,
    fuel_per_kwh: float,
    kwh_per_yr: float,
    rate: float,
    years: float,
) -> float:
    """Levelised cost of energy [CNY/kWh]: (capex × CRF + fixed O&M) / kWh per year + variable O&M + fuel.

    Equal to the ratio of discounted costs to discounted energy when capex is paid at the start
    and O&M, fuel and energy are level over the life (yearly flows at the years' ends).
    """
    if kwh_per_yr <= 0:
        raise ValueError("kwh_per_yr must be positive")
    return (capex * annuity_factor(rate, years) + fixed_om_per_yr) / kwh_per_yr + var_om_per_kwh + fuel_per_kwh


def loan_schedule(principal: float, rate: float, tenor_yr: int) -> pd.DataFrame:
    """Annuity (French) repayment: a level payment each year, interest on the opening balance.

    Columns: year (1..tenor), opening_cny, payment_cny, interest_cny, principal_cny, closing_cny.
    Σ principal = principal; Σ payment = principal + Σ interest.
    """
    tenor = int(tenor_yr)
    if tenor != tenor_yr or tenor <= 0:
        raise ValueError("tenor_yr must be a positive whole number of years")
    if principal < 0:
        raise ValueError("principal must be non-negative")
    payment = principal * annuity_factor(rate, tenor)
    rows = []
    balance = float(principal)
    for year in range(1, tenor + 1):
        interest = balance * rate
        repaid = payment - interest if year < tenor else balance  # the last payment closes the loan exactly
        rows.append((year, balance, interest + repaid, interest, repaid, balance - repaid))
        balance -= repaid
    return pd.DataFrame(rows, columns=["year", "opening_cny", "payment_cny", "interest_cny", "principal_cny", "closing_cny"])


def cost_of_capital(equity_share: float, cost_of_equity: float, debt_rate: float, tax_rate: float = 0.0) -> float:
    """Weighted average cost of capital: E·k_e + (1 − E)·k_d·(1 − tax).

    ``tax_rate`` 0 (default) gives the pre-tax WACC; China's corporate income tax is 25 %.
    """
    if not 0.0 <= equity_share <= 1.0:
        raise ValueError("equity_share must be within [0, 1]")
    if not 0.0 <= tax_rate < 1.0:
        raise ValueError("tax_rate must be within [0, 1)")
    return equity_share * cost_of_equity + (1.0 - equity_share) * debt_rate * (1.0 - tax_rate)


@dataclass(frozen=True)
class Instrument:
    """A way to finance a measure: its rate (a loan rate or a required return), tenor and eligibility."""

    id: str
    name: str
    rate: float
    tenor_yr: int
    eligible: frozenset[str] | None  # roadmap kinds (spec/scenario.py); None = any measure
    source: str
    confidence: str
    debt_share: float = 1.0  # of the capex the instrument finances; the borrower's equity pays the rest
    borrower: str = "any"  # "firm", "operator" or "any"
    sectors: frozenset[str] | None = None  # firms' sectors it lends to; None = any
    min_amount_cny: float = 0.0  # smallest project it finances (a bond's minimum issue)
    priority: int = 0  # lower = tried first when a project is financed

    def eligible_for(self, kind: str) -> bool:
        return self.eligible is None or kind in self.eligible

    def finances(self, kind: str, borrower: str, sector: str | None, amount_cny: float) -> bool:
        """Whether this instrument lends to a ``borrower`` ("firm"/"operator") of ``sector`` for a
        project of ``kind`` costing ``amount_cny``."""
        return (self.eligible_for(kind) and self.borrower in ("any", borrower) and amount_cny >= self.min_amount_cny
                and (self.sectors is None or sector in self.sectors))

    def schedule(self, principal: float) -> pd.DataFrame:
        """Annuity repayment of ``principal`` at this instrument's rate and tenor."""
        return loan_schedule(principal, self.rate, self.tenor_yr)

    def annual_payment(self, principal: float) -> float:
        return principal * annuity_factor(self.rate, self.tenor_yr)


@lru_cache(maxsize=None)
def instruments() -> dict[str, Instrument]:
    """All instruments in data/finance_instruments.csv (cached; read-only)."""
    df = table("finance_instruments")
    if df["instrument"].duplicated().any():
        raise ValueError(f"{INSTRUMENT_FILE}: an instrument id is repeated")
    out = {}
    for r in df.itertuples():
        kinds = str(r.eligible).strip()
        out[str(r.instrument)] = Instrument(
            id=str(r.instrument),
            name=str(r.name),
            rate=float(r.rate),
            tenor_yr=int(r.tenor_yr),
            eligible=_id_set(kinds),
            source=str(r.source),
            confidence=str(r.confidence),
            debt_share=float(r.debt_share),
            borrower=str(r.borrower),
            sectors=_id_set(r.sectors),
            min_amount_cny=float(r.min_amount_cny),
            priority=int(r.priority),
        )
    return out


def _id_set(cell) -> frozenset[str] | None:
    text = str(cell).strip()
    return None if text == "all" else frozenset(k.strip() for k in text.split(";") if k.strip())


def instrument(instrument_id: str) -> Instrument:
    """One instrument; KeyError naming the file and the id if unknown."""
    known = instruments()
    try:
        return known[instrument_id]
    except KeyError:
        raise KeyError(f"no instrument {instrument_id!r} in {INSTRUMENT_FILE}; known: {sorted(known)}") from None


def eligible_instruments(kind: str) -> list[Instrument]:
    """Instruments that may finance a roadmap intervention of ``kind``, cheapest first."""
    return sorted((i for i in instruments().values() if i.eligible_for(kind)), key=lambda i: (i.rate, i.id))


def financing_instrument(kind: str, borrower: str, sector: str | None, amount_cny: float) -> Instrument:
    """The instrument that finances a project: the first by ``priority`` (data/finance_instruments.csv)
    that lends to this borrower, sector, kind and size. The file's fallback (``all`` kinds, any
    borrower, no minimum) always matches; ValueError naming the file if none does."""
    for inst in _lenders(kind, borrower, sector):
        if amount_cny >= inst.min_amount_cny:
            return inst
    raise ValueError(f"{INSTRUMENT_FILE}: no instrument finances a {kind} project of {borrower} ({sector}); add a fallback row")


@lru_cache(maxsize=1024)
def _lenders(kind: str, borrower: str, sector: str | None) -> tuple[Instrument, ...]:
    """The instruments that lend to this borrower, sector and kind of project (whatever its size),
    by priority: read once per process for each, as the instruments themselves."""
    return tuple(inst for inst in _by_priority() if inst.finances(kind, borrower, sector, float("inf")))


@lru_cache(maxsize=1)
def _by_priority() -> tuple[Instrument, ...]:
    return tuple(sorted(instruments().values(), key=lambda i: (i.priority, i.id)))

"""Who pays for the pathway, and how: instruments on projects, debt service, private cash flows.

Two views of the same run (docs/economics.md, "Private and system views"):
- the **system** view (``costs.py``): capex when spent, O&M, energy, certificates and offsets,
  discounted at the scenario's social rate; subsidies and carbon payments are transfers;
- the **private** view (here): what each party actually pays — its equity share of capex,
  subsidies received as income, debt service on the instrument that financed the rest, fixed
  O&M, its energy bill (the park's electricity bill shared by electricity use, its own fuels;
  certificates and offsets are the operator's) and its carbon payment under the scenario's
  policy — discounted at the party's own rate (a firm's hurdle rate: the flows are the
  equity holder's, after debt). At the horizon the party still owes its outstanding debt and
  keeps the residual value of its capacity.
Money in CNY of the base year; pure functions over the run's records (no Mesa, no SimPy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from parktwin.economics.catalogue import MEASURE_TECHNOLOGIES, price_cny
from parktwin.economics.costs import FUEL_PRICES, Purchase, fixed_om_in_year, residual_value_cny
from parktwin.economics.finance import cost_of_capital, financing_instrument, instrument

TECHNOLOGY_KIND = {tech: kind for kind, techs in MEASURE_TECHNOLOGIES.items() for tech in techs}
TECHNOLOGY_KIND.update({f"diesel_{v}": "electrify_fleet" for v in ("heavy_truck", "light_truck", "bus", "car", "forklift")})
SUBSIDY_MEASURE = {"heat_pump_low": "heat_pump", "heat_pump_medium": "heat_pump", "electric_boiler": "electric_boiler",
                   "efficiency_programme": "efficiency"}  # technology → the measure a capex subsidy names
NO_INSTRUMENT = "none"  # a negative capex (vehicles not bought) needs no financing
INVESTMENT_FINANCE_COLUMNS = ("kind", "instrument", "debt_cny", "equity_cny", "subsidy_cny")
FINANCING_COLUMNS = ("year", "instrument", "capex_cny", "new_debt_cny", "equity_cny", "debt_service_cny", "interest_cny",
                     "debt_outstanding_cny")
CASHFLOW_COLUMNS = ("year", "party", "role", "discount_rate", "equity_capex_cny", "subsidy_income_cny", "debt_service_cny",
                    "fixed_om_cny", "energy_cost_cny", "carbon_cost_cny", "net_cost_cny", "debt_outstanding_cny",
                    "residual_value_cny", "pv_cny")


@dataclass(frozen=True)
class Party:
    """Someone who pays: a firm (or a building's or fleet's owner) or the park operator."""

    id: str
    role: str  # "firm" or "operator"
    sector: str | None
    rate: float  # its cost of equity: the rate it discounts its own cash flows at [1/yr]


@dataclass(frozen=True)
class Loan:
    """The debt part of one purchase: drawn in ``year``, repaid as an annuity from the next year."""

    year: int
    party: str
    instrument: str
    debt_cny: float
    rate: float
    tenor_yr: int

    def payment_cny(self) -> float:
        """The level yearly payment (annuity) [CNY]."""
        r, n = self.rate, self.tenor_yr
        return self.debt_cny * (r / (1.0 - (1.0 + r) ** -n) if r > 0 else 1.0 / n)

    def closing_cny(self, k: np.ndarray) -> np.ndarray:
        """Balance after ``k`` payments (0 before the loan is drawn, k < 0, and once repaid, k ≥ tenor) [CNY]."""
        r, n, d = self.rate, self.tenor_yr, self.debt_cny
        kk = np.clip(k, 0, n).astype(float)
        grow = (1.0 + r) ** kk
        left = d * grow - self.payment_cny() * ((grow - 1.0) / r if r > 0 else kk)
        return np.where((k < 0) | (k >= n), 0.0, np.maximum(left, 0.0))

    def balances(self, years: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Payment, interest and closing balance in each of ``years`` [CNY]."""
        k = np.asarray(years) - self.year  # payments made by the end of each year
        paying = (k >= 1) & (k <= self.tenor_yr)
        interest = self.closing_cny(k - 1) * self.rate
        return np.where(paying, self.payment_cny(), 0.0), np.where(paying, interest, 0.0), self.closing_cny(k)


def finance_purchases(purchases: list[Purchase], parties: dict[str, Party], subsidy_share: dict) -> list[tuple]:
    """Each purchase's (kind, instrument, debt, equity, subsidy), aligned with ``purchases``.

    The instrument is chosen once per project and party, on the project's total capex (a bond's
    minimum issue applies to the project); subsidies are paid on firms' first purchases only."""
    totals: dict[tuple, float] = {}
    for p in purchases:
        key = (p.year, p.project, p.entity)
        totals[key] = totals.get(key, 0.0) + max(p.capex_cny, 0.0)
    out = []
    for p in purchases:
        kind = TECHNOLOGY_KIND.get(p.technology, "other")
        party = parties.get(p.entity) or Party(p.entity, "firm", None, 0.0)
        subsidy = 0.0
        if party.role == "firm" and not p.renewal and p.capex_cny > 0:
            subsidy = p.capex_cny * subsidy_share.get(SUBSIDY_MEASURE.get(p.technology, ""), 0.0)
        if p.capex_cny <= 0:
            out.append((kind, NO_INSTRUMENT, 0.0, p.capex_cny, subsidy))
            continue
        inst = financing_instrument(kind, party.role, party.sector, totals[(p.year, p.project, p.entity)])
        debt = p.capex_cny * inst.debt_share
        out.append((kind, inst.id, debt, p.capex_cny - debt, subsidy))
    return out


def loans_of(purchases: list[Purchase], finance: list[tuple]) -> list[Loan]:
    loans = []
    for p, (_, inst_id, debt, _, _) in zip(purchases, finance):
        if debt > 0:
            inst = instrument(inst_id)
            loans.append(Loan(p.year, p.entity, inst_id, debt, inst.rate, inst.tenor_yr))
    return loans


def financing_table(purchases: list[Purchase], finance: list[tuple], years: list[int]) -> pd.DataFrame:
    """Financing need per year and instrument: capex, new debt, equity, debt service, interest,
    debt outstanding at the year's end [CNY]."""
    yrs = np.asarray(years)
    ids = sorted({f[1] for f in finance})
    acc = {i: np.zeros((6, len(yrs))) for i in ids}
    for p, (_, inst_id, debt, equity, _) in zip(purchases, finance):
        a = acc[inst_id]
        at = yrs == p.year
        a[0, at] += max(p.capex_cny, 0.0)
        a[1, at] += debt
        a[2, at] += equity
        if debt > 0:
            inst = instrument(inst_id)
            pay, interest, closing = Loan(p.year, p.entity, inst_id, debt, inst.rate, inst.tenor_yr).balances(yrs)
            a[3] += pay
            a[4] += interest
            a[5] += closing
    rows = [(int(y), i, *acc[i][:, t]) for i in ids for t, y in enumerate(yrs)]
    return pd.DataFrame(rows, columns=list(FINANCING_COLUMNS)).sort_values(["year", "instrument"], ignore_index=True)


def energy_cost_by_party(energy_rows: list[tuple], annual: list[dict]) -> dict[tuple[int, str], float]:
    """(year, entity) → its energy bill [CNY]: the park's electricity bill shared by electricity use,
    its fuels and purchased heat at their prices; certificates and offsets go to the operator."""
    out: dict[tuple[int, str], float] = {}
    by_year = {a["year"]: a for a in annual}
    elec: dict[int, dict[str, float]] = {}
    for year, entity, _, carrier, quantity, *_ in energy_rows:
        if carrier == "electricity":
            elec.setdefault(year, {})[entity] = elec.get(year, {}).get(entity, 0.0) + quantity
        elif carrier in FUEL_PRICES:
            price_id, per_unit = FUEL_PRICES[carrier]
            out[(year, entity)] = out.get((year, entity), 0.0) + quantity * per_unit * price_cny(price_id, year)
    for year, a in by_year.items():
        users = elec.get(year, {})
        total = sum(users.values())
        for entity, mwh in users.items():
            out[(year, entity)] = out.get((year, entity), 0.0) + (a["electricity_cost_cny"] * mwh / total if total > 0 else 0.0)
        operator_cost = a["certificate_cost_cny"] + a["offsets_cost_cny"]
        if total <= 0:  # nobody to share the bill with: the operator pays it
            operator_cost += a["electricity_cost_cny"]
        out[(year, "operator")] = out.get((year, "operator"), 0.0) + operator_cost
    return out


def cashflow_table(purchases: list[Purchase], finance: list[tuple], energy_rows: list[tuple], annual: list[dict],
                   carbon_rows: list[tuple], parties: dict[str, Party]) -> pd.DataFrame:
    """The private view: one row per year and party (columns ``CASHFLOW_COLUMNS``) [CNY].

    ``pv_cny`` = net cost × (1 + rate)^−t, plus in the last year (debt outstanding − residual
    value) × (1 + rate)^−T (T = the number of years, as ``costs.pathway_npv_cny`` discounts the
    residual); Σ pv_cny over rows is the private NPV of the pathway."""
    years = [int(a["year"]) for a in annual]
    yrs = np.asarray(years)
    n, last = len(years), years[-1]
    energy = energy_cost_by_party(energy_rows, annual)
    carbon: dict[tuple[int, str], float] = {}
    for row in carbon_rows:
        carbon[(row[0], row[1])] = carbon.get((row[0], row[1]), 0.0) + row[-1]
    mine: dict[str, list[int]] = {}
    for k, p in enumerate(purchases):
        mine.setdefault(p.entity, []).append(k)
    rows = []
    for pid in sorted(set(parties) | set(mine)):
        party = parties.get(pid) or Party(pid, "firm", None, 0.0)
        idx = mine.get(pid, [])
        own = [purchases[k] for k in idx]
        equity, subsidy, service, closing = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
        for k in idx:
            p, (_, inst_id, debt, eq, sub) = purchases[k], finance[k]
            at = yrs == p.year
            equity[at] += eq
            subsidy[at] += sub
            if debt > 0:
                inst = instrument(inst_id)
                pay, _, bal = Loan(p.year, pid, inst_id, debt, inst.rate, inst.tenor_yr).balances(yrs)
                service += pay
                closing += bal
        om = np.array([fixed_om_in_year(own, y) for y in years]) if own else np.zeros(n)
        bills = np.array([energy.get((y, pid), 0.0) for y in years])
        paid = np.array([carbon.get((y, pid), 0.0) for y in years])
        net = equity - subsidy + service + om + bills + paid
        discount = (1.0 + party.rate) ** -np.arange(n, dtype=float)
        pv = net * discount
        residual = residual_value_cny(own, last) if own else 0.0
        pv[-1] += (closing[-1] - residual) * (1.0 + party.rate) ** -n
        if not (net.any() or closing[-1] or residual):
            continue
        for t, y in enumerate(years):
            end = t == n - 1
            rows.append((y, pid, party.role, party.rate, equity[t], subsidy[t], service[t], om[t], bills[t], paid[t], net[t],
                         closing[t], residual if end else 0.0, pv[t]))
    return pd.DataFrame(rows, columns=list(CASHFLOW_COLUMNS)).sort_values(["year", "party"], ignore_index=True)


def cost_of_capital_table(purchases: list[Purchase], finance: list[tuple], parties: dict[str, Party]) -> pd.DataFrame:
    """Each party's weighted average cost of capital over what it financed: its cost of equity on
    the equity share and each instrument's rate on the debt (pre-tax) [1/yr]."""
    rows = []
    by_party: dict[str, list[tuple[float, float, float]]] = {}
    for p, (_, inst_id, debt, equity, _) in zip(purchases, finance):
        if debt > 0 or equity > 0:
            rate = instrument(inst_id).rate if debt > 0 else 0.0
            by_party.setdefault(p.entity, []).append((debt, max(equity, 0.0), rate))
    for pid, items in sorted(by_party.items()):
        party = parties.get(pid) or Party(pid, "firm", None, 0.0)
        debt = sum(d for d, _, _ in items)
        total = debt + sum(e for _, e, _ in items)
        debt_rate = sum(d * r for d, _, r in items) / debt if debt > 0 else 0.0
        rows.append((pid, party.role, party.rate, debt / total if total else 0.0, debt_rate,
                     cost_of_capital(1.0 - debt / total if total else 1.0, party.rate, debt_rate)))
    return pd.DataFrame(rows, columns=["party", "role", "cost_of_equity", "debt_share", "debt_rate", "wacc"])


def money_tables(purchases: list[Purchase], energy_rows: list[tuple], annual: list[dict], carbon_rows: list[tuple],
                 parties: dict[str, Party], subsidy_share: dict) -> dict:
    """Everything the private view needs, from one run's records: ``investment_finance`` (tuples
    aligned with ``purchases``), ``financing``, ``cashflows`` and ``cost_of_capital`` tables."""
    finance = finance_purchases(purchases, parties, subsidy_share)
    years = [int(a["year"]) for a in annual]
    return {
        "investment_finance": finance,
        "financing": financing_table(purchases, finance, years),
        "cashflows": cashflow_table(purchases, finance, energy_rows, annual, carbon_rows, parties),
        "cost_of_capital": cost_of_capital_table(purchases, finance, parties),
    }

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

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import NamedTuple

import numpy as np
import pandas as pd

from parktwin.economics.catalogue import MEASURE_TECHNOLOGIES, price_cny
from parktwin.economics.costs import FUEL_PRICES, Purchase
from parktwin.economics.finance import cost_of_capital, financing_instrument, instrument
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.frames import coded_strings, codes_of, frame_from_rows, frame_of_arrays, grouped_sums

TECHNOLOGY_KIND: dict[str, str] = {}
for _kind, _techs in MEASURE_TECHNOLOGIES.items():  # a technology keeps the first kind that lists it (electric boilers: electrify_boilers)
    for _tech in _techs:
        TECHNOLOGY_KIND.setdefault(_tech, _kind)
_VEHICLES = ("heavy_truck", "light_truck", "bus", "car", "forklift")
TECHNOLOGY_KIND.update({f"{p}_{v}": "electrify_fleet" for p in ("diesel", "fcev") for v in _VEHICLES if f"{p}_{v}" not in TECHNOLOGY_KIND})
TECHNOLOGY_KIND.setdefault("hydrogen_dispenser", "electrify_fleet")
TECHNOLOGY_KIND.update({f"retrofit_{m}": "building_retrofit" for m in ("envelope", "hvac", "lighting", "evaporative_cooling", "kitchen_electrification")})
SUBSIDY_MEASURE = {"heat_pump_low": "heat_pump", "heat_pump_medium": "heat_pump", "electric_boiler": "electric_boiler",
                   "efficiency_programme": "efficiency"}  # technology → the measure a capex subsidy names
NO_INSTRUMENT = "none"  # a negative capex (vehicles not bought) needs no financing
INVESTMENT_FINANCE_COLUMNS = ("kind", "instrument", "debt_cny", "equity_cny", "subsidy_cny")
FINANCING_COLUMNS = ("year", "instrument", "capex_cny", "new_debt_cny", "equity_cny", "debt_service_cny", "interest_cny",
                     "debt_outstanding_cny")
CASHFLOW_COLUMNS = ("year", "party", "role", "discount_rate", "equity_capex_cny", "subsidy_income_cny", "debt_service_cny",
                    "fixed_om_cny", "energy_cost_cny", "carbon_cost_cny", "net_cost_cny", "debt_outstanding_cny",
                    "residual_value_cny", "pv_cny")


class CarbonYear(NamedTuple):
    """The firms' carbon positions of one year as columns, in park order (``record.carbon`` keeps one
    per year; the ``carbon`` table is these one after the other): the firms' ids, sectors, whether
    covered, scope-1 CO₂ [t], free allowances [t], value added [M CNY], allowances banked [t], the
    allocation basis and the payment [CNY]."""

    year: int
    entity: list[str]
    sector: list
    covered: np.ndarray  # bool
    scope1_tco2: np.ndarray
    allocation_tco2: np.ndarray
    value_added_mcny: list[float]
    bank_tco2: np.ndarray
    allocation_basis: list[str]
    payment_cny: np.ndarray


@dataclass(frozen=True)
class Party:
    """Someone who pays: a firm (or a building's or fleet's owner) or the park operator."""

    id: str
    role: str  # "firm" or "operator"
    sector: str | None
    rate: float  # its cost of equity: the rate it discounts its own cash flows at [1/yr]


def party_of(parties: dict[str, Party], pid: str) -> Party:
    """``parties[pid]``, or for an id not among them a firm of no known sector and no cost of equity."""
    return parties.get(pid) or Party(pid, "firm", None, 0.0)


@dataclass(frozen=True)
class Loan:
    """The debt part of one purchase: drawn in ``year``, repaid as an annuity from the next year."""

    year: int
    party: str
    instrument: str
    debt_cny: float
    rate: float
    tenor_yr: int

    def balances(self, years) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Payment, interest and closing balance in each of ``years`` [CNY]."""
        pay, interest, closing = loan_matrices(years, [self.year], [self.debt_cny], [self.rate], [self.tenor_yr])
        return pay[0], interest[0], closing[0]


def loan_matrices(years, loan_year, debt_cny, rate, tenor_yr) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Annuity loans drawn in ``loan_year`` and repaid from the next year, all at once: payment,
    interest (on the opening balance) and closing balance, one row per loan and one column per
    year of ``years`` [CNY]. Balance after k payments: D(1+r)^k − P((1+r)^k − 1)/r; over consecutive
    years a year's opening balance is the year before's closing one (the same numbers, computed once)."""
    k = np.asarray(years, dtype=float)[None, :] - np.asarray(loan_year, dtype=float)[:, None]  # payments made by each year's end
    r = np.asarray(rate, dtype=float)[:, None]
    n = np.asarray(tenor_yr, dtype=float)[:, None]
    d = np.asarray(debt_cny, dtype=float)[:, None]
    positive = r > 0
    safe_r = np.where(positive, r, 1.0)
    payment = d * np.where(positive, safe_r / (1.0 - (1.0 + safe_r) ** -n), 1.0 / n)

    def closing(after):
        kk = np.clip(after, 0.0, n)
        grow = (1.0 + r) ** kk
        left = d * grow - payment * np.where(positive, (grow - 1.0) / safe_r, kk)
        return np.where((after < 0) | (after >= n), 0.0, np.maximum(left, 0.0))

    paying = (k >= 1) & (k <= n)
    end = closing(k)
    years = np.asarray(years)
    if len(years) > 1 and bool((np.diff(years) == 1).all()):  # consecutive years: a year's opening is the last one's closing
        opening = np.empty_like(end)
        opening[:, 1:] = end[:, :-1]
        opening[:, :1] = closing(k[:, :1] - 1.0)
    else:
        opening = closing(k - 1.0)
    return np.where(paying, payment, 0.0), np.where(paying, opening * r, 0.0), end


class Bought(NamedTuple):
    """The run's purchases (``costs.Purchase``) as columns, one entry per purchase in order: what
    the money tables read, converted once."""

    year: np.ndarray  # the purchases' years, as given (int)
    hour: np.ndarray  # [h]
    project: tuple
    entity: tuple
    technology: tuple
    capex: np.ndarray  # [CNY], as floats
    fixed_om_cny_per_yr: np.ndarray
    lifetime_yr: np.ndarray
    renewal: np.ndarray  # bool
    fields: dict  # every ``Purchase`` field → its values as given (a tuple): the ``investments`` table's columns


def bought(purchases: list[Purchase]) -> Bought:
    """``purchases`` as columns."""
    c = dict(zip(Purchase._fields, zip(*purchases))) if purchases else dict.fromkeys(Purchase._fields, ())
    return Bought(np.array(c["year"]), np.array(c["hour"], dtype=float), c["project"], c["entity"],
                  c["technology"], np.array(c["capex_cny"], dtype=float),
                  np.array(c["fixed_om_cny_per_yr"], dtype=float), np.array(c["lifetime_yr"], dtype=float),
                  np.array(c["renewal"], dtype=bool), c)


class Financed(NamedTuple):
    """How each purchase was financed, as columns aligned with the purchases
    (``INVESTMENT_FINANCE_COLUMNS``): its roadmap kind, the instrument's id, debt, equity and
    the subsidy received [CNY]."""

    kind: list[str]
    instrument: list[str]
    debt_cny: np.ndarray
    equity_cny: np.ndarray  # a purchase of no positive capex keeps its own capex
    subsidy_cny: np.ndarray


def finance_purchases(purchases: Bought, parties: dict[str, Party], subsidy_share: dict) -> Financed:
    """Each purchase's kind, instrument, debt, equity and subsidy (``Financed``).

    The instrument is chosen once per project and party, on the project's total capex (a bond's
    minimum issue applies to the project); subsidies are paid on firms' first purchases only.
    The project totals are summed in the purchases' order (``np.bincount``, as a loop would).
    What depends on a purchase's technology (its kind, its subsidy share) or owner (firm or not)
    is looked up once per technology and owner and spread over the purchases by their codes;
    an instrument is chosen at the first purchase of each project and kind, in order."""
    p = purchases
    technologies: dict[str, int] = {}
    tech = codes_of(p.technology, technologies)
    tech_kind = [TECHNOLOGY_KIND.get(t, "other") for t in technologies]
    kind = list(map(tech_kind.__getitem__, tech.tolist()))
    share = np.array([subsidy_share.get(SUBSIDY_MEASURE.get(t, ""), 0.0) for t in technologies], dtype=float)[tech]
    owners: dict[str, int] = {}
    owner = codes_of(p.entity, owners)
    party = [party_of(parties, e) for e in owners]
    firm = np.array([o.role == "firm" for o in party], dtype=bool)[owner]
    project = project_codes(p.year, p.project, owner)
    totals = np.bincount(project, weights=np.maximum(p.capex, 0.0)).tolist()
    subsidy = np.where(firm & ~p.renewal & (p.capex > 0), p.capex * share, 0.0)
    financed = ~(p.capex <= 0)
    # one instrument per project and kind, chosen at its first financed purchase
    kinds: dict[str, int] = {}
    kind_code = np.array(codes_of(tech_kind, kinds), dtype=np.int64)[tech]
    at = np.flatnonzero(financed)
    _, first, which = np.unique(project[at] * len(kinds) + kind_code[at], return_index=True, return_inverse=True)
    ids, shares = [NO_INSTRUMENT], [0.0]  # by code: 0 for the purchases not financed, then each group's instrument
    firsts = at[first]
    for group_kind, owned, total in zip(map(kind.__getitem__, firsts.tolist()), map(party.__getitem__, owner[firsts].tolist()),
                                        map(totals.__getitem__, project[firsts].tolist())):
        inst = financing_instrument(group_kind, owned.role, owned.sector, total)
        ids.append(inst.id)
        shares.append(inst.debt_share)
    code = np.zeros(len(kind), dtype=np.intp)
    code[at] = 1 + which.ravel()
    instrument_ids = list(map(ids.__getitem__, code.tolist()))
    debt_share = np.array(shares, dtype=float)[code]
    debt = np.where(financed, p.capex * debt_share, 0.0)
    equity = np.where(financed, p.capex - debt, p.capex)
    return Financed(kind, instrument_ids, debt, equity, subsidy)


def project_codes(year: np.ndarray, project, owner: np.ndarray) -> np.ndarray:
    """Each purchase's project as a code (0, 1, … over the distinct (year, project, owner) of the
    purchases, in the order of their integer key; ``owner``: each purchase's owner as a code): what a
    project's capex is summed over. The numbering does not matter to its readers (sums by code, each
    in purchase order, and each code's first purchase)."""
    names = codes_of(project, {})
    n_names, n_owners = int(names.max(initial=-1)) + 1, int(owner.max(initial=-1)) + 1
    key = ((np.asarray(year, dtype=np.int64) - int(np.min(year, initial=0))) * n_names + names) * n_owners + owner
    return np.unique(key, return_inverse=True)[1].ravel()


def _debt_matrices(purchases: Bought, finance: Financed, years) -> tuple[np.ndarray, ...]:
    """Payment, interest and closing balance of every purchase's debt (rows aligned with the purchases)."""
    ids: dict[str, int] = {}
    which = codes_of(finance.instrument, ids)
    terms = [instrument(i) if i != NO_INSTRUMENT else None for i in ids]
    borrowed = finance.debt_cny > 0
    rate = np.where(borrowed, np.array([t.rate if t else 0.0 for t in terms], dtype=float)[which], 0.0)
    tenor = np.where(borrowed, np.array([t.tenor_yr if t else 1 for t in terms])[which], 1.0)
    return loan_matrices(years, purchases.year, finance.debt_cny, rate, tenor)


def year_positions(years: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each of ``values``' position in ``years`` (ascending, each once: ``np.searchsorted``) and whether
    it is one of them (``np.isin``, read off the position)."""
    at = np.searchsorted(years, values)
    if not len(years):
        return at, np.zeros(len(values), dtype=bool)
    return at, years[np.minimum(at, len(years) - 1)] == values


def summed_at(shape: tuple[int, int], rows, cols, values) -> np.ndarray:
    """Zeros of ``shape`` with each of ``values`` added at its (row, column), one after the other
    in the order given: ``np.add.at`` on zeros, as one ``np.bincount`` (the same additions)."""
    index = np.asarray(rows, dtype=np.intp) * shape[1] + np.asarray(cols, dtype=np.intp)
    return np.bincount(index, weights=np.asarray(values, dtype=float), minlength=shape[0] * shape[1]).reshape(shape)


def row_sums(n_rows: int, rows, matrices: list[np.ndarray]) -> list[np.ndarray]:
    """For each of ``matrices`` (all of one shape): zeros of ``n_rows`` × its columns with each of its
    rows added to row ``rows[k]``, in order: ``np.add.at(out, rows, matrix)`` as one ``np.bincount``
    (the same additions), the cells' index computed once for all the matrices."""
    k, n = matrices[0].shape
    index = np.repeat(np.asarray(rows, dtype=np.intp), n) * n + np.tile(np.arange(n, dtype=np.intp), k)
    return [np.bincount(index, weights=np.asarray(m, dtype=float).ravel(), minlength=n_rows * n).reshape(n_rows, n) for m in matrices]


def financing_table(purchases: Bought, finance: Financed, years: list[int], debt=None) -> pd.DataFrame:
    """Financing need per year and instrument: capex, new debt, equity, debt service, interest,
    debt outstanding at the year's end [CNY]."""
    yrs = np.asarray(years)
    ids = sorted(set(finance.instrument))
    if not ids:
        return pd.DataFrame(columns=list(FINANCING_COLUMNS))
    pay, interest, closing = debt if debt is not None else _debt_matrices(purchases, finance, years)
    code = {i: k for k, i in enumerate(ids)}
    which = np.fromiter(map(code.__getitem__, finance.instrument), dtype=np.intp, count=len(finance.instrument))
    at, inside = year_positions(yrs, purchases.year)
    shape = (len(ids), len(yrs))
    spent = (np.maximum(purchases.capex, 0.0), finance.debt_cny, finance.equity_cny)
    acc = [summed_at(shape, which[inside], at[inside], values[inside]) for values in spent]
    acc += row_sums(len(ids), which, [pay, interest, closing])
    columns = {"year": np.repeat(yrs, len(ids)).astype(int), "instrument": coded_strings("instrument", ids, np.tile(np.arange(len(ids)), len(yrs)))}
    for j, column in enumerate(FINANCING_COLUMNS[2:]):
        columns[column] = acc[j].T.ravel()  # year-major, instruments sorted within a year
    return frame_of_arrays(columns)


def energy_bills(energy: dict[str, Sequence], annual: list[dict], ids: list[str]) -> np.ndarray:
    """Each party's energy bill each year [CNY]: one row per party of ``ids``, one column per year of
    ``annual``. A bill has three parts:

    - fuels and purchased heat: each energy row's quantity at its carrier's price that year
      (``fuel_bills``, as ``costs.fuel_cost_cny``), on the row's entity;
    - the park's electricity bill (``annual``'s ``electricity_cost_cny``), shared among the year's
      users by their electricity use (``electricity_users``);
    - the year's certificates and offsets, on the operator, with the electricity bill of a year in
      which nobody used electricity.

    Entities of the rows that are not parties share the electricity bill (their bills are not
    returned); rows of a year outside ``annual`` are not billed. ``energy``: the energy rows as
    columns (``year``, ``entity``, ``carrier``, ``quantity`` among them; empty without rows).
    Computed over the columns at once, with the additions a loop over the rows makes, in their
    order (``np.bincount``)."""
    year_index = {a["year"]: t for t, a in enumerate(annual)}
    entity_code = {pid: i for i, pid in enumerate(ids)}  # the parties, then the rows' other entities
    operator = entity_code.setdefault("operator", len(entity_code))
    row_year, row_entity, row_carrier, row_quantity = (energy.get(name, ()) for name in ("year", "entity", "carrier", "quantity"))
    t = np.fromiter(map(year_index.get, row_year, repeat(-1)), dtype=np.intp, count=len(row_year))  # -1: not billed
    entity = codes_of(row_entity, entity_code)
    carrier_code: dict[str, int] = {}
    carrier = codes_of(row_carrier, carrier_code)
    quantity = np.array(row_quantity, dtype=float)
    n_years, n_entities = len(annual), len(entity_code)
    cell, billed = t * n_entities + entity, t >= 0  # each row's (year, entity) cell of the bills, year-major
    bills = fuel_bills(cell, billed, carrier, list(carrier_code), quantity, t, [a["year"] for a in annual], n_years * n_entities)
    used = billed & (carrier == carrier_code.get("electricity", -1))
    users, use_mwh, year_use_mwh = electricity_users(cell[used], quantity[used], n_entities, n_years)
    user_year = users // n_entities
    electricity_cny = np.array([a["electricity_cost_cny"] for a in annual], dtype=float)
    shared = year_use_mwh[user_year] > 0
    bills[users] = bills[users] + np.where(shared, electricity_cny[user_year] * use_mwh / np.where(shared, year_use_mwh[user_year], 1.0), 0.0)
    bills = bills.reshape(n_years, n_entities)
    for y, a in enumerate(annual):
        operator_cny = a["certificate_cost_cny"] + a["offsets_cost_cny"]
        if year_use_mwh[y] <= 0:  # nobody to share the electricity bill with: the operator pays it
            operator_cny += a["electricity_cost_cny"]
        bills[y, operator] = bills[y, operator] + operator_cny
    return np.ascontiguousarray(bills[:, :len(ids)].T)


def fuel_bills(cell: np.ndarray, billed: np.ndarray, carrier: np.ndarray, carriers: list[str], quantity: np.ndarray,
               year: np.ndarray, years: list[int], size: int) -> np.ndarray:
    """The fuel and purchased-heat cost of each bill cell [CNY] (``size`` cells), from energy rows given
    as columns: ``cell`` each row's cell, ``billed`` whether its year is in ``years``, ``carrier`` its
    carrier's position in ``carriers``, ``quantity`` in the energy table's unit, ``year`` its year's
    position in ``years``. Carriers not in ``costs.FUEL_PRICES`` (electricity among them) cost nothing
    here; each cell's costs added in row order."""
    priced = np.array([c in FUEL_PRICES for c in carriers], dtype=bool)
    per_unit, price = fuel_prices(carriers, years)
    paid = billed & priced[carrier]
    cost = quantity[paid] * per_unit[carrier[paid]] * price[carrier[paid], year[paid]]  # as costs.fuel_cost_cny
    return np.bincount(cell[paid], weights=cost, minlength=size)


def electricity_users(cell: np.ndarray, mwh: np.ndarray, n_entities: int, n_years: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the bill cells that used electricity, in the order they first appear in ``cell``; each one's
    use [MWh], its rows' ``mwh`` added in order; each year's use [MWh], Python's ``sum`` of its users'
    use in that order) from electricity rows given as cells (year-major: year × ``n_entities`` +
    entity) and quantities."""
    cell_mwh = np.bincount(cell, weights=mwh, minlength=n_years * n_entities)
    users, first = np.unique(cell, return_index=True)
    users = users[np.argsort(first, kind="stable")]  # in the order they first appear
    user_year = users // n_entities
    by_year = cell_mwh[users[np.argsort(user_year, kind="stable")]].tolist()  # year by year, each in first-appearance order
    ends = np.cumsum(np.bincount(user_year, minlength=n_years)).tolist()
    year_mwh = np.array([sum(by_year[start:end]) for start, end in zip([0, *ends[:-1]], ends)], dtype=float)
    return users, cell_mwh[users], year_mwh


def fuel_prices(carriers: list[str], years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per carrier: its units per priced unit (0 when it is not a priced fuel, ``costs.FUEL_PRICES``)
    and its price in each of ``years`` [CNY per priced unit] (0 for unpriced carriers)."""
    per_unit = np.zeros(len(carriers))
    price = np.zeros((len(carriers), len(years)))
    for k, carrier in enumerate(carriers):
        if carrier in FUEL_PRICES:
            price_id, per_unit[k] = FUEL_PRICES[carrier]
            price[k] = [price_cny(price_id, y) for y in years]
    return per_unit, price


def cashflow_columns(purchases: Bought, finance: Financed, energy: dict[str, Sequence], annual: list[dict],
                     carbon: list[CarbonYear], parties: dict[str, Party], debt=None) -> dict[str, np.ndarray]:
    """The private view's columns (``CASHFLOW_COLUMNS``): one row per year and party [CNY].

    ``pv_cny`` = net cost × (1 + rate)^−t, plus in the last year (debt outstanding − residual
    value) × (1 + rate)^−T (T = the number of years, as ``costs.pathway_npv_cny`` discounts the
    residual); Σ pv_cny over rows is the private NPV of the pathway."""
    years = [int(a["year"]) for a in annual]
    yrs = np.asarray(years)
    n, last = len(years), years[-1]
    ids = sorted(set(parties) | set(purchases.entity))
    where = {pid: i for i, pid in enumerate(ids)}
    known = [party_of(parties, pid) for pid in ids]
    shape = (len(ids), n)
    equity, subsidy, service, closing, om = (np.zeros(shape) for _ in range(5))
    residual = np.zeros(len(ids))
    if len(purchases.year):
        p = purchases
        pay, _, bal = debt if debt is not None else _debt_matrices(purchases, finance, years)
        owner = np.fromiter(map(where.__getitem__, p.entity), dtype=np.intp, count=len(p.entity))
        hour_share = p.hour / HOURS_PER_YEAR
        at, inside = year_positions(yrs, p.year)
        equity = summed_at(shape, owner[inside], at[inside], finance.equity_cny[inside])
        subsidy = summed_at(shape, owner[inside], at[inside], finance.subsidy_cny[inside])
        # fixed O&M: a full year after the commissioning year, pro rata in it; renewals add none (costs.fixed_om_in_year)
        share = np.where(yrs[None, :] > p.year[:, None], 1.0, np.where(yrs[None, :] == p.year[:, None], 1.0 - hour_share[:, None], 0.0))
        service, closing, om = row_sums(len(ids), owner, [pay, bal, share * (p.fixed_om_cny_per_yr * ~p.renewal)[:, None]])
        # residual value at the end (costs.residual_value_cny): straight line over the life still left
        used = last + 1 - p.year - hour_share
        life = p.lifetime_yr
        residual = np.bincount(owner, weights=np.where((used > 0) & (used < life), p.capex * (1.0 - used / np.where(life > 0, life, 1.0)), 0.0),
                               minlength=len(ids))
    column = {y: t for t, y in enumerate(years)}
    bills = energy_bills(energy, annual, ids)
    paid = carbon_paid(carbon, where, column)
    net = equity - subsidy + service + om + bills + paid
    rate = np.array([p.rate for p in known])
    pv = net * (1.0 + rate[:, None]) ** -np.arange(n, dtype=float)[None, :]
    pv[:, -1] += (closing[:, -1] - residual) * (1.0 + rate) ** -n
    end_residual = np.zeros(shape)
    end_residual[:, -1] = residual
    keep = net.any(axis=1) | (closing[:, -1] != 0) | (residual != 0)
    m = int(keep.sum())
    # year-major order (parties sorted within a year): the arrays transposed, no sort needed
    kept = np.tile(np.flatnonzero(keep), n)  # each row's party (an index into ids)
    columns = {
        "year": np.repeat(yrs, m).astype(int),
        "party": coded_strings("party", ids, kept),  # the names converted once, repeated each year
        "role": coded_strings("role", [p.role for p in known], kept),
        "discount_rate": np.tile(rate[keep], n),
    }
    for name, values in zip(CASHFLOW_COLUMNS[4:], (equity, subsidy, service, om, bills, paid, net, closing, end_residual, pv)):
        columns[name] = values[keep].T.ravel()
    return columns


def carbon_paid(carbon: list[CarbonYear], where: dict[str, int], column: dict[int, int]) -> np.ndarray:
    """Each party's carbon payment each year (rows of ``where``, columns of ``column``) [CNY]: the
    years' payments summed in order (year by year, firms in park order), firms or years not in
    ``where`` or ``column`` left out."""
    shape = (len(where), len(column))
    if not carbon:
        return np.zeros(shape)
    entity = list(chain.from_iterable(c.entity for c in carbon))
    row = np.fromiter(map(where.get, entity, repeat(-1)), dtype=np.intp, count=len(entity))
    col = np.repeat(np.array([column.get(c.year, -1) for c in carbon], dtype=np.intp), [len(c.entity) for c in carbon])
    kept = (row >= 0) & (col >= 0)
    payment = np.concatenate([np.asarray(c.payment_cny, dtype=float) for c in carbon])
    return summed_at(shape, row[kept], col[kept], payment[kept])


def private_sums(year: np.ndarray, net: np.ndarray, pv: np.ndarray) -> dict[int, tuple[float, float]]:
    """Year → (Σ ``net``, Σ ``pv``) over rows [CNY], as pandas' ``groupby("year").sum()`` sums the
    cash-flow table's columns (``frames.grouped_sums``: ``cashflow_columns`` lays each year out as
    one block of rows, summed as pandas sums such blocks, without building a groupby)."""
    if not len(year):
        return {}
    net_sums, pv_sums = grouped_sums(year, net), grouped_sums(year, pv)
    return {y: (net_sums[y], pv_sums[y]) for y in net_sums}


COST_OF_CAPITAL_COLUMNS = ("party", "role", "cost_of_equity", "debt_share", "debt_rate", "wacc")


def cost_of_capital_table(purchases: Bought, finance: Financed, parties: dict[str, Party]) -> pd.DataFrame:
    """Each party's weighted average cost of capital over what it financed: its cost of equity on
    the equity share and each instrument's rate on the debt (pre-tax) [1/yr]. Each party's sums
    are Python's ``sum`` over its purchases in their order."""
    debt, equity = finance.debt_cny, finance.equity_cny
    counted = (debt > 0) | (equity > 0)
    terms = {i: instrument(i).rate for i in set(finance.instrument) - {NO_INSTRUMENT}}
    rate = np.where(debt > 0, np.fromiter(map(terms.get, finance.instrument, repeat(0.0)), dtype=float, count=len(debt)), 0.0)  # no debt: no rate
    positive_equity = np.maximum(equity, 0.0)
    kept = np.flatnonzero(counted)
    entity = list(map(purchases.entity.__getitem__, kept.tolist()))
    ids = sorted(set(entity))
    owner = np.fromiter(map({pid: i for i, pid in enumerate(ids)}.__getitem__, entity), dtype=np.intp, count=len(entity))
    order = kept[np.argsort(owner, kind="stable")]  # party by party, each in purchase order
    d, e, dr = debt[order].tolist(), positive_equity[order].tolist(), (debt * rate)[order].tolist()
    ends = np.cumsum(np.bincount(owner, minlength=len(ids))).tolist()
    rows = []
    for pid, start, end in zip(ids, [0, *ends[:-1]], ends):
        party = party_of(parties, pid)
        owed = sum(d[start:end])
        total = owed + sum(e[start:end])
        debt_rate = sum(dr[start:end]) / owed if owed > 0 else 0.0
        rows.append((pid, party.role, party.rate, owed / total if total else 0.0, debt_rate,
                     cost_of_capital(1.0 - owed / total if total else 1.0, party.rate, debt_rate)))
    return frame_from_rows(rows, COST_OF_CAPITAL_COLUMNS)


def run_cashflows(purchases: list[Purchase], energy: dict[str, Sequence], annual: list[dict], carbon: list[CarbonYear],
                  parties: dict[str, Party], subsidy_share: dict) -> dict:
    """The ``cashflows`` table and the private view by year alone, as ``money_tables`` builds them
    (the private view of a replicate)."""
    columns, finance, _, debt = _financed(purchases, annual, parties, subsidy_share)
    return _private_view(cashflow_columns(columns, finance, energy, annual, carbon, parties, debt))


def _private_view(columns: dict[str, np.ndarray]) -> dict:
    """The ``cashflows`` table of these columns and its sums by year (``private_sums``)."""
    return {"cashflows": frame_of_arrays(columns),
            "private_by_year": private_sums(columns["year"], columns["net_cost_cny"], columns["pv_cny"])}


def _financed(purchases: list[Purchase], annual: list[dict], parties: dict[str, Party], subsidy_share: dict) -> tuple:
    """(the purchases as columns, their financing, the run's years, the debt matrices or None
    without purchases): what every money table of a run reads."""
    columns = bought(purchases)
    finance = finance_purchases(columns, parties, subsidy_share)
    years = [int(a["year"]) for a in annual]
    return columns, finance, years, _debt_matrices(columns, finance, years) if purchases else None


def money_tables(purchases: list[Purchase], energy: dict[str, Sequence], annual: list[dict], carbon: list[CarbonYear],
                 parties: dict[str, Party], subsidy_share: dict) -> dict:
    """Everything the private view needs, from one run's records (``energy``: the energy rows as
    columns, see ``energy_bills``): ``investment_finance`` (``Financed``: columns aligned with
    ``purchases``), ``purchase_columns`` (every ``Purchase`` field → its values, read once here
    for the ``investments`` table too), ``financing``, ``cashflows`` and ``cost_of_capital``
    tables, and ``private_by_year`` (year → Σ net cost, Σ pv [CNY])."""
    columns, finance, years, debt = _financed(purchases, annual, parties, subsidy_share)
    return {
        "investment_finance": finance,
        "purchase_columns": columns.fields,
        "financing": financing_table(columns, finance, years, debt),
        **_private_view(cashflow_columns(columns, finance, energy, annual, carbon, parties, debt)),
        "cost_of_capital": cost_of_capital_table(columns, finance, parties),
    }

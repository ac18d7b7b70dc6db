"""Pathway costs: what each commissioned measure costs, yearly system costs, the pathway's NPV.

The system view (docs/economics.md): capex when spent, fixed O&M, electricity, fuels and
purchased heat, green certificates, offsets; subsidies and carbon payments are transfers and
stay out; the carbon price's shadow cost is reported beside it. Money in CNY of the base year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from parktwin.economics.catalogue import available, capex_cny, capex_factor, fixed_om_cny_per_yr, lifetime_yr, price_cny, technology
from parktwin.energy.calendar import HOURS_PER_YEAR

# price per unit of each carrier in the energy table: (price id in data/prices.csv, units of the price per table unit)
FUEL_PRICES = {"coal": ("coal", 1.0), "natural_gas": ("natural_gas", 1000.0), "diesel": ("diesel", 1.0),
               "purchased_heat": ("purchased_heat", 1.0), "biomethane": ("biomethane", 1000.0),
               "purchased_hydrogen": ("purchased_hydrogen", 1.0)}
REPLACED_BY_AGEING = frozenset({"battery_energy"})  # renewed when the battery wears out, not on a fixed life
STATED_COSTS = frozenset({"symbiosis_exchange"})  # priced by the input (stated_purchase), not data/technologies.csv


class Purchase(NamedTuple):
    """One investment in the run: a technology's capacity bought at an hour of a year. A named
    tuple: hundreds are made a run (renewals), and a frozen dataclass costs several times more to build."""

    year: int
    hour: float
    project: str
    entity: str
    technology: str
    capacity: float
    unit: str
    capex_cny: float
    fixed_om_cny_per_yr: float
    lifetime_yr: float
    renewal: bool = False  # the same capacity bought again at the end of its life
    retired: float | None = None  # calendar time (year + hour/8760) its owner left the park with it; None: stays

    @property
    def retired_at(self) -> float | None:
        """``retired`` as a number, or None (a table read back holds NaN for None)."""
        r = self.retired
        return None if r is None or r != r else float(r)


def retire(p: Purchase, at: float) -> Purchase:
    """``p`` leaving the park at calendar time ``at`` (year + hour/8760) with its owner."""
    return p._replace(retired=at)


def value_left_cny(p: Purchase, at: float) -> float:
    """Straight-line value left in ``p`` at calendar time ``at`` [CNY] (0 before it was bought or after its life)."""
    used = at - p.year - p.hour / HOURS_PER_YEAR
    return p.capex_cny * (1.0 - used / p.lifetime_yr) if 0 < used < p.lifetime_yr else 0.0


def purchase(year: int, hour: float, project: str, entity: str, tech_id: str, capacity: float, renewal: bool = False,
             terms: UnitTerms | None = None) -> Purchase:
    """Price ``capacity`` of ``tech_id`` at ``year``'s catalogue cost (``terms``: a run's look-ups to reuse)."""
    t = terms[tech_id, year] if terms is not None else unit_terms(tech_id, year)
    return Purchase(year, hour, project, entity, tech_id, capacity, t.unit, capacity * t.capex_cny, capacity * t.fixed_om_cny_per_yr,
                    t.lifetime_yr, renewal)


def project_purchases(year: int, hour: float, project: str, bought, terms: UnitTerms) -> list[Purchase]:
    """``purchase`` of each (entity, technology id, capacity) in ``bought`` — what one project buys —
    at ``year``'s terms from ``terms`` (the run's look-ups), the same purchases: the terms looked up
    once for consecutive purchases of one technology (a project's firms mostly buy the same one), each
    built without the named tuple's Python-level ``__new__`` (hundreds a run)."""
    out: list[Purchase] = []
    new, tech_of_terms, t = tuple.__new__, None, None
    for entity, tech_id, capacity in bought:
        if tech_id != tech_of_terms:
            tech_of_terms, t = tech_id, terms[tech_id, year]
        out.append(new(Purchase, (year, hour, project, entity, tech_id, capacity, t.unit, capacity * t.capex_cny,
                                  capacity * t.fixed_om_cny_per_yr, t.lifetime_yr, False, None)))
    return out


class UnitTerm(NamedTuple):
    """A technology's catalogue terms in a year, per unit of its capacity (``unit``)."""

    unit: str
    capex_cny: float  # [CNY per unit], × the scenario's capex factor
    fixed_om_cny_per_yr: float  # [CNY per unit and yr], × the capex factor
    lifetime_yr: float
    available: bool  # on sale that year (economics.catalogue.available)


def unit_terms(tech_id: str, year: int) -> UnitTerm:
    """``tech_id``'s terms in ``year`` at the catalogue's cost (under the data overrides in force)."""
    return factored_unit_terms(tech_id, year, capex_factor(tech_id))


@lru_cache(maxsize=4096)
def factored_unit_terms(tech_id: str, year: int, factor: float) -> UnitTerm:
    """``unit_terms`` under the capex ``factor`` in force (``catalogue.capex_factor``, the only data
    override the terms depend on; part of the key so a scenario's override gets its own entry):
    read once per process."""
    return UnitTerm(technology(tech_id).unit, capex_cny(tech_id, year), fixed_om_cny_per_yr(tech_id, year), lifetime_yr(tech_id),
                    available(tech_id, year))


class UnitTerms(dict):
    """(technology id, year) → ``unit_terms``, each looked up once: one per run (the data overrides
    in force all through it), read by the run's purchases and, through ``agents.decisions.YearCosts``,
    by the firms' decisions and the roadmap's costing."""

    def __missing__(self, key: tuple[str, int]) -> UnitTerm:
        terms = self[key] = unit_terms(*key)
        return terms


def stated_purchase(year: int, hour: float, project: str, entity: str, kind: str, capacity: float, unit: str,
                    capex: float, fixed_om_per_yr: float, life_yr: float) -> Purchase:
    """A purchase whose cost the input states (a symbiosis exchange's capex), not the catalogue."""
    return Purchase(year, hour, project, entity, kind, capacity, unit, capex, fixed_om_per_yr, life_yr)


def fixed_om_in_year(purchases: list[Purchase], year: int) -> float:
    """Fixed O&M of everything installed in ``year`` (pro rata in the commissioning year) [CNY]."""
    total = 0.0
    for p in purchases:
        if (term := om_in_year(p, year)) is not None:
            total += term
    return total


def om_in_year(p: Purchase, year: int) -> float | None:
    """``p``'s fixed O&M in ``year`` [CNY]: pro rata in its commissioning year, and until its owner
    left when it was retired with them; None when it owes none (a renewal, whose original keeps
    paying, or bought after ``year``)."""
    if p.renewal:
        return None
    if p.retired is not None and (gone := p.retired_at) is not None:  # paid from commissioning until its owner left
        start = p.year + p.hour / HOURS_PER_YEAR
        return p.fixed_om_cny_per_yr * max(0.0, min(gone, year + 1.0) - max(start, float(year)))
    if p.year < year:
        return p.fixed_om_cny_per_yr
    if p.year == year:
        return p.fixed_om_cny_per_yr * (HOURS_PER_YEAR - p.hour) / HOURS_PER_YEAR
    return None


def settled_om(p: Purchase, year: int) -> bool:
    """``p``'s term in ``fixed_om_in_year`` is the same in ``year`` and every later year: a renewal
    (none), bought before ``year`` and still in the park (its full O&M), or gone by ``year`` (0)."""
    if p.renewal:
        return True
    if p.retired is not None and (gone := p.retired_at) is not None:
        return gone <= year
    return p.year < year


@dataclass
class PurchaseLedger:
    """``fixed_om_in_year`` and the year's capex for a run's growing list of purchases without
    reading every purchase every year, to the same sums (the same additions in the same order).

    Fixed O&M: the sum over the leading purchases whose term no longer changes (``settled_om``)
    is carried from year to year, checkpointed after each of them; each year adds the other
    purchases' terms to it in list order. A purchase replaced in place (retired with its owner)
    unsettles itself and those after it (the settled purchases are compared with the list's head in
    one list comparison each year, in C: by identity first, and a purchase equal in every field owes
    the same term). Capex: each purchase is filed once
    by its year (a retired copy keeps its year and position)."""

    settled: list = field(default_factory=list)  # the leading purchases with a settled term (compared by identity)
    totals: list = field(default_factory=lambda: [0.0])  # totals[k]: the O&M sum over the first k purchases
    filed: int = 0  # purchases filed by year so far (a prefix of the list)
    by_year: dict = field(default_factory=dict)  # year of purchase → positions in the list

    def fixed_om_cny(self, purchases: list[Purchase], year: int) -> float:
        """``fixed_om_in_year(purchases, year)`` [CNY]: the settled leading purchases' kept sum, then
        each later purchase's ``om_in_year``."""
        k = self.unchanged(purchases)
        total = self.totals[k]
        settling = True
        for p in purchases[k:]:
            if (term := om_in_year(p, year)) is not None:
                total += term
            if settling and (settling := settled_om(p, year)):
                self.settled.append(p)
                self.totals.append(total)
        return total

    def unchanged(self, purchases: list[Purchase]) -> int:
        """How many settled purchases still lead the list unchanged; forget the rest."""
        k = len(self.settled)
        if self.settled != purchases[:k]:  # (compared in C, each pair by identity first: equal purchases owe equal terms)
            k = next((i for i, (a, b) in enumerate(zip(self.settled, purchases)) if a is not b), min(k, len(purchases)))
            del self.settled[k:], self.totals[k + 1:]
        return k

    def capex_cny(self, purchases: list[Purchase], year: int) -> float:
        """Σ capex of the purchases of ``year``, in list order [CNY]."""
        for position in range(self.filed, len(purchases)):
            self.by_year.setdefault(purchases[position].year, []).append(position)
        self.filed = len(purchases)
        return sum(purchases[i].capex_cny for i in self.by_year.get(year, ()))


def renewals_in_year(purchases: list[Purchase], year: int) -> list[Purchase]:
    """Purchases whose life ends at ``year``: bought again at that year's cost."""
    return _renewed([p for p in purchases if _renews_on_life(p) and (year - p.year) % round(p.lifetime_yr) == 0], year)


def _renews_on_life(p: Purchase) -> bool:
    """``p`` is bought again every ``lifetime_yr`` (not a renewal itself, not a battery renewed by wear)."""
    return not p.renewal and p.technology not in REPLACED_BY_AGEING and round(p.lifetime_yr) > 0


def _renewed(candidates: list[Purchase], year: int, terms: UnitTerms | None = None) -> list[Purchase]:
    """Of purchases whose age is a multiple of their life at ``year``, those bought before it and not
    retired by then, bought again at that year's cost (in the order given; ``terms``: a run's look-ups to reuse)."""
    out = []
    new, tech_of_terms, t = tuple.__new__, None, None
    for p in candidates:
        if p.year >= year or (p.retired is not None and p.retired_at is not None and p.retired_at <= year):
            continue  # (bought this year or later: age 0, nothing to renew)
        tech = p.technology
        if tech in STATED_COSTS:  # bought again at its stated cost
            out.append(p._replace(year=year, hour=0.0, renewal=True))
            continue
        if tech != tech_of_terms:  # (``purchase``'s terms, looked up once for consecutive renewals of one technology)
            tech_of_terms, t = tech, terms[tech, year] if terms is not None else unit_terms(tech, year)
        capacity = p.capacity  # ``purchase(year, 0.0, ..., renewal=True)``, built without the named tuple's Python-level ``__new__``
        out.append(new(Purchase, (year, 0.0, p.project, p.entity, tech, capacity, t.unit, capacity * t.capex_cny,
                                  capacity * t.fixed_om_cny_per_yr, t.lifetime_yr, True, None)))
    return out


@dataclass
class RenewalSchedule:
    """``renewals_in_year`` for a run's growing list of purchases, asked once a year with the years
    in order, without reading every purchase every year: a purchase renewed on its life is filed once,
    under the first year its age is a whole number (≥ 1) of lives, and filed again a life later when
    that year comes (renewed or not: one retired since is skipped then, as ``renewals_in_year`` skips
    it). So a year reads only its own candidates, not those bought that year (age 0) nor those of other
    lives. Purchases are only appended, or replaced in place by a retired copy with the same year,
    technology and life."""

    filed: int = 0  # purchases filed so far (a prefix of the list)
    by_year: dict = field(default_factory=dict)  # year → positions in the list of the purchases a whole number of lives old then
    terms: UnitTerms | None = None  # the run's catalogue look-ups, shared with its other purchases
    last_year: int | None = None  # the year asked last

    def due(self, purchases: list[Purchase], year: int) -> list[Purchase]:
        """The renewals of ``year``, as ``renewals_in_year(purchases, year)`` (the year after the one asked last)."""
        if self.last_year is not None and year != self.last_year + 1:
            raise ValueError(f"renewals are scheduled year by year: asked for {year} after {self.last_year}")
        self.last_year = year
        for position in range(self.filed, len(purchases)):
            p = purchases[position]
            if _renews_on_life(p):
                life = round(p.lifetime_yr)
                lives = max(1, -((p.year - year) // life))  # ceil((year - bought) / life), at least one life
                self.by_year.setdefault(p.year + lives * life, []).append(position)
        self.filed = len(purchases)
        positions = sorted(self.by_year.pop(year, ()))
        for i in positions:  # their next candidate year
            self.by_year.setdefault(year + round(purchases[i].lifetime_yr), []).append(i)
        return _renewed([purchases[i] for i in positions], year, self.terms)


def fuel_cost_cny(energy_rows: list[tuple], year: int) -> float:
    """Fuels and purchased heat of the year's energy rows × their prices [CNY]."""
    total = 0.0
    prices: dict[str, tuple[float, float]] = {}  # carrier → (its price's units per table unit, the price), looked up once a call
    for row in energy_rows:
        carrier, quantity = row[3], row[4]
        if carrier in FUEL_PRICES:
            if carrier not in prices:
                price_id, per_unit = FUEL_PRICES[carrier]
                prices[carrier] = (per_unit, price_cny(price_id, year))
            per_unit, price = prices[carrier]
            total += quantity * per_unit * price
    return total


def pathway_npv_cny(system_cost_cny, residual_value_cny: float, rate: float) -> float:
    """Σ_t cost_t / (1+r)^t over the years (t = 0 the base year) − residual / (1+r)^T [CNY]."""
    costs = np.asarray(system_cost_cny, dtype=float)
    discount = (1.0 + rate) ** -np.arange(len(costs))
    return float(costs @ discount - residual_value_cny * (1.0 + rate) ** -len(costs))


def residual_value_from_table(investments, end_year: int) -> float:
    """``residual_value_cny`` of a stored run's investments table."""
    names = list(Purchase._fields)  # the table may carry more columns (instrument, debt, ...)
    return residual_value_cny([Purchase(**row) for row in investments[names].to_dict("records")], end_year)


def residual_value_cny(purchases: list[Purchase], end_year: int) -> float:
    """Straight-line value left in the capacity at the end of ``end_year`` (credited to the pathway).

    Only the latest purchase of a capacity is still within its life; earlier ones are used up.
    """
    value = 0.0
    for p in purchases:
        if p.retired_at is not None:  # its value left with its owner (credited in the exit year)
            continue
        used = end_year + 1 - p.year - p.hour / HOURS_PER_YEAR
        if 0 < used < p.lifetime_yr:
            value += p.capex_cny * (1.0 - used / p.lifetime_yr)
    return value

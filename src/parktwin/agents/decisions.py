"""Enterprises' own decisions: the economics of a measure as the firm sees it, and the rule.

A firm looks at its options when its openness draw says so (every firm draws every year, so the
random stream does not depend on prices); it adopts a measure whose net present value at its
own hurdle rate is positive and whose payback is within its limit, best NPV first, within its
yearly capex budget. Capex, O&M and energy prices come from the catalogue; the carbon price is
the scenario's (this year's, or its path over the measure's life). Mandates are met regardless.
"""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from parktwin.data import HEAT_BANDS, constant
from parktwin.economics.catalogue import heat_pump_technology, price_cny
from parktwin.economics.costs import UnitTerm, UnitTerms
from parktwin.economics.finance import cost_of_capital, financing_instrument

GJ_PER_KWH = 3600.0 / 1e6


class Option(NamedTuple):
    """One measure a firm could take this year, with its economics [CNY, CNY/yr, kWh/yr, tCO₂/yr]
    (a named tuple: one is made per firm, measure and year, and a frozen dataclass costs more to build)."""

    measure: str
    share: float  # the roadmap share the item carries
    capex_cny: float
    saving_cny_per_yr: float  # energy and carbon cost saved, net of O&M
    co2_saved_tco2_per_yr: float
    lifetime_yr: float
    # for the MACC (economics/abatement.py): capex before subsidies, fixed O&M, energy bill change
    gross_capex_cny: float = 0.0
    fixed_om_cny_per_yr: float = 0.0
    energy_cost_change_cny_per_yr: float = 0.0  # the measure's energy bill minus today's (negative: saves)
    electricity_change_kwh_per_yr: float = 0.0  # grid electricity added (negative: saved)

    def npv_cny(self, rate: float) -> float:
        """−capex + the saving as an annuity over the life at ``rate``."""
        if rate <= 0:
            return -self.capex_cny + self.saving_cny_per_yr * self.lifetime_yr
        return -self.capex_cny + self.saving_cny_per_yr * present_value_factor(rate, self.lifetime_yr)

    def payback_yr(self) -> float:
        return self.capex_cny / self.saving_cny_per_yr if self.saving_cny_per_yr > 0 else float("inf")


@lru_cache(maxsize=256)
def present_value_factor(rate: float, lifetime_yr: float) -> float:
    """Present value of 1 CNY a year over ``lifetime_yr`` at ``rate`` > 0 [yr]: the inverse of
    ``economics.finance.annuity_factor`` (the capital recovery factor), computed directly so an NPV
    keeps its bits. Kept per (rate, life),
    a complete key (a pure function of the two): a run weighs a few technologies' lives at its firms'
    hurdle rates (bounded: the least recently used pairs go)."""
    return (1.0 - (1.0 + rate) ** -lifetime_yr) / rate


class FirmView(NamedTuple):
    """What a firm knows when it decides (all for the year of the decision; a named tuple, one per firm and year)."""

    year: int
    scale: float  # activity × intensity × efficiency factor now
    boiler_heat_kwh: float  # base-year useful boiler heat
    heat_bands: tuple[float, float, float]
    own_eb: tuple[float, float, float]
    own_hp: tuple[float, float, float]
    coal_heat_share: float  # of boiler heat made from coal (the rest from gas)
    peak_share: float  # the firm's peak hour as a share of its year (kW per kWh/yr)
    electricity_price_cny_per_kwh: float  # tariff averaged over the firm's own hours
    carbon_price_cny_per_tco2: float  # as the firm expects it
    energy_cost_cny_per_yr: float  # today's energy bill, for efficiency
    scope1_tco2_per_yr: float
    energy_tce_per_yr: float
    subsidy_share: dict
    constants: dict | None = None  # the constants heat_option reads, looked up once per year (DecisionContext)
    electricity_kwh_per_yr: float = 0.0  # today's electricity use
    costs: YearCosts | None = None  # the year's catalogue look-ups, shared by the firms (DecisionContext)


class YearCosts(dict):
    """A year's catalogue terms of the technologies firms weigh: technology id → its
    ``economics.costs.UnitTerm`` of the year, read from ``terms`` (the run's ``UnitTerms``, shared with
    its purchases; a new one without) and keyed by id alone for the firms' loops; one per
    ``DecisionContext``, so per run and year. Also the year's fuel prices, each looked up once."""

    def __init__(self, year: int, terms: UnitTerms | None = None):
        super().__init__()
        self.year = year
        self.terms = UnitTerms() if terms is None else terms
        self.prices: dict[str, float] = {}  # carrier → ``price_cny`` of the year

    def __missing__(self, tech: str) -> UnitTerm:
        terms = self[tech] = self.terms[tech, self.year]
        return terms

    def price(self, carrier: str) -> float:
        """``economics.catalogue.price_cny(carrier, year)``, looked up once."""
        value = self.prices.get(carrier)
        if value is None:
            value = self.prices[carrier] = price_cny(carrier, self.year)
        return value


def view_costs(view: FirmView) -> YearCosts:
    """The view's catalogue look-ups (``FirmView.costs``), or the year's own when it carries none."""
    return view.costs if view.costs is not None else YearCosts(view.year)


DECISION_CONSTANTS = ("electric_boiler_efficiency", "coal_boiler_efficiency", "coal_ncv_gj_per_t", "gas_boiler_efficiency",
                      "natural_gas_ncv_gj_per_km3", "coal_kgco2_per_t", "natural_gas_kgco2_per_km3", "diesel_kgco2_per_t")


HEAT_PUMP_IDS = tuple(heat_pump_technology(band) if band != "high" else None for band in HEAT_BANDS)  # by band; none for the high band


def heat_option(view: FirmView, technology: str, step: float, band_cops: tuple[float, float, float]) -> Option | None:
    """Move ``step`` of each reachable band's fossil heat to heat pumps or electric boilers."""
    c = view.constants or {name: constant(name) for name in DECISION_CONSTANTS}
    costs = view_costs(view)
    eb_eff = c["electric_boiler_efficiency"]
    heat_pump = technology == "heat_pump"
    own_eb, own_hp, heat_bands, boiler_heat_kwh, scale = view.own_eb, view.own_hp, view.heat_bands, view.boiler_heat_kwh, view.scale
    capex = om = moved_total = elec = 0.0
    life = []
    for b in range(len(HEAT_BANDS)):
        if heat_pump and HEAT_PUMP_IDS[b] is None:
            continue
        room = 1.0 - own_eb[b] - own_hp[b]
        moved = min(step, room) * heat_bands[b] * boiler_heat_kwh * scale
        if moved <= 0:
            continue
        terms = costs[HEAT_PUMP_IDS[b] if heat_pump else "electric_boiler"]
        if not terms.available:
            return None
        kw = moved * view.peak_share
        capex += kw * terms.capex_cny
        om += kw * terms.fixed_om_cny_per_yr
        elec += moved / (band_cops[b] if heat_pump else eb_eff)
        moved_total += moved
        life.append(terms.lifetime_yr)
    if moved_total <= 0:
        return None
    gj = moved_total * GJ_PER_KWH
    coal_t = gj * view.coal_heat_share / (c["coal_boiler_efficiency"] * c["coal_ncv_gj_per_t"])
    gas_km3 = gj * (1 - view.coal_heat_share) / (c["gas_boiler_efficiency"] * c["natural_gas_ncv_gj_per_km3"])
    co2 = (coal_t * c["coal_kgco2_per_t"] + gas_km3 * c["natural_gas_kgco2_per_km3"]) / 1000.0
    fuel = coal_t * costs.price("coal") + gas_km3 * 1000.0 * costs.price("natural_gas")
    saving = fuel + co2 * view.carbon_price_cny_per_tco2 - elec * view.electricity_price_cny_per_kwh - om
    net_capex = capex * (1.0 - view.subsidy_share.get(technology, 0.0))
    return tuple.__new__(Option, (technology, step, net_capex, saving, co2, sum(life) / len(life), capex, om,  # (every field, in order)
                                  elec * view.electricity_price_cny_per_kwh - fuel, elec))


def efficiency_option(view: FirmView, step: float) -> Option | None:
    """An efficiency programme cutting all the firm's energy use by ``step``."""
    terms = view_costs(view)["efficiency_programme"]  # per tce/yr saved
    if not terms.available or view.energy_tce_per_yr <= 0:
        return None
    tce = step * view.energy_tce_per_yr
    gross = tce * terms.capex_cny
    capex = gross * (1.0 - view.subsidy_share.get("efficiency", 0.0))
    om = tce * terms.fixed_om_cny_per_yr
    co2 = step * view.scope1_tco2_per_yr
    saving = step * view.energy_cost_cny_per_yr + co2 * view.carbon_price_cny_per_tco2 - om
    return tuple.__new__(Option, ("efficiency", step, capex, saving, co2, terms.lifetime_yr, gross, om,  # (every field, in order)
                                  -step * view.energy_cost_cny_per_yr, -step * view.electricity_kwh_per_yr))


def choose(options: list[Option], hurdle_rate: float, payback_limit_yr: float, budget_cny: float,
           rates: list[float] | None = None) -> list[Option]:
    """The options a firm takes: positive NPV, payback within the limit, best NPV first, within budget.

    ``rates``: one discount rate per option (e.g. the firm's cost of capital with the instrument
    that would finance it); default ``hurdle_rate`` for all."""
    scored = zip(options, rates) if rates is not None else ((o, hurdle_rate) for o in options)
    good = [(-npv, o) for o, rate in scored if (npv := o.npv_cny(rate)) > 0 and o.payback_yr() <= payback_limit_yr]
    good.sort(key=itemgetter(0))  # best NPV first; equal NPVs in the options' order (a stable sort)
    taken, left = [], budget_cny
    for _, o in good:
        if o.capex_cny <= left:
            taken.append(o)
            left -= o.capex_cny
    return taken


def wacc_rate(option: Option, cost_of_equity: float, sector: str) -> float:
    """The firm's cost of capital for ``option``: equity at ``cost_of_equity``, the rest at the rate of
    the instrument that would finance it (economics.finance.financing_instrument) [1/yr]."""

    kind = "efficiency" if option.measure == "efficiency" else "electrify_boilers"
    inst = financing_instrument(kind, "firm", sector, option.gross_capex_cny or option.capex_cny)
    return cost_of_capital(1.0 - inst.debt_share, cost_of_equity, inst.rate)

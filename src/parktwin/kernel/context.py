"""What firms see when they decide at the start of a year: policy, tariff, carbon prices, the
sectors' adoption and the park fund, with the year's constant look-ups cached once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from parktwin.agents.decisions import DECISION_CONSTANTS, YearCosts
from parktwin.data import constant, interpolate_path
from parktwin.economics.carbon import marginal_price_cny_per_tco2
from parktwin.economics.costs import FUEL_PRICES, UnitTerms
from parktwin.energy.loads import profile_peak
from parktwin.energy.tariff import hourly_tariff, shape_price_cny_per_kwh


@dataclass
class DecisionContext:
    """What firms see when they decide at the start of ``year``."""

    year: int
    policy: object
    decisions: object
    tariff: object
    carbon_path: dict  # year → CNY/tCO₂ (the scenario's path, interpolated)
    sector_adoption: dict  # sector → share of its firms with some electric heat
    fund: object = None  # the PDCA park subsidy fund (agents.pdca.SubsidyFund), if one has been opened
    carbon_kind: str = "tax"  # the scenario's carbon policy (economics/carbon.py)
    covered: frozenset = frozenset()  # firms the ETS covered last year
    grid_factor_kgco2_per_kwh: float = 0.0  # the year's location-based grid factor (for the MACC's tonnes)
    unit_terms: UnitTerms | None = None  # the run's catalogue look-ups (economics.costs), shared with its purchases
    _prices: dict = field(default_factory=dict)  # shape → its terms (``shape_terms``); (year, life) → the expected carbon price

    def subsidy_share(self) -> dict:
        """Capex share paid by others per measure: the policy's, then the fund's on the rest while it has money.
        Without a fund it is the policy's all year: one dict, shared (its readers do not change it)."""
        if self.fund is None:
            return self._policy_shares
        shares = dict(self.policy.capex_subsidy_share)
        for measure in self.fund.measures:
            f = self.fund.share_for(measure)
            if f > 0:
                shares[measure] = 1.0 - (1.0 - shares.get(measure, 0.0)) * (1.0 - f)
        return shares

    @cached_property
    def _policy_shares(self) -> dict:
        """The policy's capex subsidy shares, copied once a year (``subsidy_share`` without a fund)."""
        return dict(self.policy.capex_subsidy_share)

    def claim(self, firm: str, project: str, option) -> float:
        """The fund pays its share of an adopted option's capex (``option.capex_cny`` is the firm's part) [CNY]."""
        f = self.fund.share_for(option.measure) if self.fund is not None else 0.0
        if f <= 0:
            return 0.0
        return self.fund.claim(self.year, firm, project, option.measure, option.capex_cny / (1.0 - f))

    def shape_terms(self, shape: str) -> tuple[float, float]:
        """(the tariff averaged over the hours a shift pattern uses [CNY/kWh], its peak hour as a share
        of its year [kW per kWh/yr]), looked up once a year per shape."""
        terms = self._prices.get(shape)
        if terms is None:
            terms = self._prices[shape] = (shape_price_cny_per_kwh(hourly_tariff(self.tariff, self.year)[1], shape, self.year),
                                           profile_peak(shape, self.year))
        return terms

    def carbon_price(self, year: int, life_yr: int) -> float:
        """The carbon price a firm expects: this year's (myopic) or the path's mean over a life (foresight)."""
        key = (year, life_yr)
        if key not in self._prices:
            n_years = 1 if self.decisions.expectation == "myopic" else life_yr
            self._prices[key] = expected_carbon_price(tuple(self.carbon_path.items()), year, n_years)
        return self._prices[key]

    def price(self, carrier: str) -> float:
        """``economics.catalogue.price_cny(carrier, year)``, looked up once a year."""
        return self.costs.price(carrier)

    @cached_property
    def fuel_prices(self) -> tuple[tuple[str, float, float], ...]:
        """(energy-table carrier, price units per table unit, the year's price) of each carrier of
        ``economics.costs.FUEL_PRICES``, in its order, looked up once a year."""
        return tuple((c, mult, self.price(p)) for c, (p, mult) in FUEL_PRICES.items())

    @cached_property
    def costs(self) -> YearCosts:
        """The year's catalogue terms firms weigh (capex, O&M, life, availability), each looked up once a year."""
        return YearCosts(self.year, self.unit_terms)

    @cached_property
    def constants(self) -> dict:
        """The constants firms' decisions read (agents.decisions.DECISION_CONSTANTS), looked up once a year."""
        return {name: constant(name) for name in DECISION_CONSTANTS}

    def decision_carbon_price(self, entity: str) -> float:
        """The carbon price a firm weighs on a tonne abated in this year's decisions: the price it expects
        (``carbon_price`` at the year, over the decisions' foresight) if the policy charges it at the
        margin (tax: every firm; ETS: a firm covered last year), else 0; 0 for every firm when the policy
        keeps the carbon price out of decisions [CNY/tCO₂]."""
        return self._decision_carbon_prices[entity in self.covered]

    @cached_property
    def _decision_carbon_prices(self) -> tuple[float, float]:
        """``decision_carbon_price`` of a firm the ETS did not cover last year, and of one it did: the
        year's two values, worked out once."""
        if not self.policy.carbon_price_in_decisions:
            return 0.0, 0.0
        expected = self.carbon_price(self.year, self.decisions.foresight_yr)
        return (marginal_price_cny_per_tco2(self.carbon_kind, False, expected),
                marginal_price_cny_per_tco2(self.carbon_kind, True, expected))


@lru_cache(maxsize=256)
def expected_carbon_price(path: tuple[tuple[int, float], ...], year: int, n_years: int) -> float:
    """The mean of the carbon-price ``path`` ((year, CNY/tCO₂) points, interpolated as
    ``data.interpolate_path``) over the ``n_years`` years from ``year`` [CNY/tCO₂]. A pure function of
    its arguments, kept per process for the last 256 keys: the warm runs of a scenario weigh the same
    window each year, a Monte Carlo replicate with another path adds keys (the oldest go)."""
    return float(interpolate_path(dict(path), list(range(year, year + n_years))).mean())

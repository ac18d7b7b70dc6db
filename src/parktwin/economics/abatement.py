"""Abatement cost of a measure and the marginal abatement cost curve (MACC); pure functions.

The cost of a tonne abated is levelised: (capex × CRF + fixed O&M + energy cost change) per
tonne abated per year, at a real discount rate, all in CNY of the base year. Negative means the
measure pays for itself. The MACC is static: each measure is costed alone against the same
baseline, so interactions (a greener grid lowering the tonnes a heat pump abates, efficiency
shrinking the boiler heat left to electrify, measures competing for the same roofs or heat) are
ignored. The kernel's runs account for those; the MACC is for ranking. See docs/economics.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from parktwin.economics.finance import annuity_factor


def measure_abatement_cost(
    capex_cny: float,
    lifetime_yr: float,
    fixed_om_cny_per_yr: float,
    energy_cost_change_cny_per_yr: float,
    abated_tco2_per_yr: float,
    rate: float,
) -> float:
    """Levelised abatement cost [CNY/tCO₂]: (capex × CRF(rate, life) + fixed O&M + Δenergy cost) / tCO₂ abated per year.

    ``energy_cost_change_cny_per_yr`` is the measure's energy bill minus the baseline's (negative
    when it saves money: fuel avoided exceeds electricity added).
    """
    if abated_tco2_per_yr <= 0:
        raise ValueError("abated_tco2_per_yr must be positive (a measure that does not abate has no abatement cost)")
    annual = capex_cny * annuity_factor(rate, lifetime_yr) + fixed_om_cny_per_yr + energy_cost_change_cny_per_yr
    return annual / abated_tco2_per_yr


@dataclass(frozen=True)
class MeasureCost:
    """One measure's yearly economics against the baseline (all CNY of the base year, per year)."""

    id: str
    capex_cny: float
    lifetime_yr: float
    fixed_om_cny_per_yr: float
    energy_cost_change_cny_per_yr: float
    abated_tco2_per_yr: float
    rate: float
    kind: str = ""  # roadmap kind, for labels

    @property
    def annual_cost_cny(self) -> float:
        """Annualised capex + fixed O&M + energy cost change [CNY/yr]."""
        return self.capex_cny * annuity_factor(self.rate, self.lifetime_yr) + self.fixed_om_cny_per_yr + self.energy_cost_change_cny_per_yr

    @property
    def cost_cny_per_tco2(self) -> float:
        return measure_abatement_cost(
            self.capex_cny, self.lifetime_yr, self.fixed_om_cny_per_yr,
            self.energy_cost_change_cny_per_yr, self.abated_tco2_per_yr, self.rate,
        )


MACC_COLUMNS = [
    "id", "kind", "cost_cny_per_tco2", "abated_tco2_per_yr", "start_tco2_per_yr",
    "cumulative_tco2_per_yr", "annual_cost_cny", "cumulative_annual_cost_cny",
]


def macc(measures: list[MeasureCost]) -> pd.DataFrame:
    """The marginal abatement cost curve: measures sorted by cost (cheapest first, ties by id).

    Each row is one bar: width ``abated_tco2_per_yr`` from ``start_tco2_per_yr`` to
    ``cumulative_tco2_per_yr``, height ``cost_cny_per_tco2``. ``cumulative_annual_cost_cny`` is
    the running total of annual costs (the area under the curve). Static: interactions ignored.
    """
    ids = [m.id for m in measures]
    if len(set(ids)) != len(ids):
        raise ValueError("measure ids must be unique")
    rows = [(m.id, m.kind, m.cost_cny_per_tco2, m.abated_tco2_per_yr, m.annual_cost_cny) for m in measures]
    df = pd.DataFrame(rows, columns=["id", "kind", "cost_cny_per_tco2", "abated_tco2_per_yr", "annual_cost_cny"])
    df = df.sort_values(["cost_cny_per_tco2", "id"], kind="mergesort").reset_index(drop=True)
    df["cumulative_tco2_per_yr"] = df["abated_tco2_per_yr"].cumsum()
    df["start_tco2_per_yr"] = df["cumulative_tco2_per_yr"] - df["abated_tco2_per_yr"]
    df["cumulative_annual_cost_cny"] = df["annual_cost_cny"].cumsum()
    return df[MACC_COLUMNS]


def abatement_below(curve: pd.DataFrame, price_cny_per_tco2: float) -> float:
    """Tonnes per year abatable at or below a carbon price, read off a MACC from ``macc``."""
    return float(curve.loc[curve["cost_cny_per_tco2"] <= price_cny_per_tco2, "abated_tco2_per_yr"].sum())

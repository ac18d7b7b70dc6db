"""The technology catalogue and energy prices, in CNY of the base year (pure; no Mesa, no SimPy).

``data/technologies.csv`` holds one row per (technology, region, year point): capex per unit of
capacity in its original currency and currency year, fixed O&M as a share of capex per year,
variable O&M, lifetime, the first year the technology is available to a park, and the source
and confidence of each. ``catalogue(region)`` resolves each technology to one region's rows:
the requested region where it has rows, else the fallback region (``"china"`` falls back to
the Danish Energy Agency's European rows, ``"europe"`` to the Chinese rows for what the DEA
does not cover). Capex between year points is linear, flat before the first and after the
last (``data.interpolate_path``); every point is first converted to CNY of 2025 with
``data.to_base_cny`` (the cost year's exchange rate, then China's CPI). See docs/economics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from parktwin.data import interpolate_path, overridden, table, to_base_cny

BASE_YEAR = 2025
TECH_FILE = "data/technologies.csv"
PRICE_FILE = "data/prices.csv"
REGIONS = ("china", "europe")
FALLBACK = {"china": ("china", "europe"), "europe": ("europe", "china")}

# Which catalogue entries each roadmap kind buys: data/technology_kinds.csv (the technology
# registry's data, technologies/). green_power buys certificates or contracts (price
# "green_certificate"), not equipment; a building retrofit's id is retrofit_<measure>.
MEASURE_TECHNOLOGIES: dict[str, tuple[str, ...]] = {
    kind: tuple(str(ids).split()) if isinstance(ids, str) else () for kind, ids in zip(table("technology_kinds")["kind"], table("technology_kinds")["catalogue"])
}

_PER_ROW = ("year", "capex", "fixed_om_share_per_yr", "var_om", "source", "confidence")
_PER_TECH = ("unit", "currency", "cost_year", "var_om_unit", "lifetime_yr", "available_from", "om_source", "om_confidence")


@dataclass(frozen=True)
class Technology:
    """One technology as resolved for a region; money in its original currency and cost year."""

    id: str
    region: str  # region whose rows were used (may be the fallback)
    unit: str  # unit of capacity the capex is per
    currency: str
    cost_year: int
    years: tuple[int, ...]  # year points
    capex: tuple[float, ...]  # per unit, original currency
    fixed_om_share_per_yr: tuple[float, ...]  # of capex
    var_om: tuple[float, ...]  # original currency per var_om_unit
    var_om_unit: str
    lifetime_yr: float
    available_from: int
    sources: tuple[str, ...]
    confidence: tuple[str, ...]
    om_source: str
    om_confidence: str
    to_cny: float  # CNY of 2025 per unit of (currency, cost_year), data/money.csv

    def _path(self, values, year: int | float) -> float:
        return float(interpolate_path(dict(zip(self.years, values)), [year])[0]) * self.to_cny

    def factor(self) -> float:
        """The scenario's ``data.capex_factor`` for this technology (1 without one)."""
        return capex_factor(self.id)

    def shipped_capex_cny(self, year: int | float) -> float:
        """Capex per unit [CNY of 2025] as shipped (no capex factor)."""
        return self._path(self.capex, year)

    def shipped_fixed_om_cny_per_yr(self, year: int | float) -> float:
        """Fixed O&M per unit and year [CNY of 2025] as shipped (share × capex, interpolated; no capex factor)."""
        return self._path([c * s for c, s in zip(self.capex, self.fixed_om_share_per_yr)], year)

    def capex_cny(self, year: int | float) -> float:
        """Capex per unit [CNY of 2025] of a project decided in ``year`` (× the scenario's capex factor)."""
        return self.shipped_capex_cny(year) * self.factor()

    def fixed_om_cny_per_yr(self, year: int | float) -> float:
        """Fixed O&M per unit and year [CNY of 2025] of a unit bought in ``year`` (× the scenario's capex factor)."""
        return self.shipped_fixed_om_cny_per_yr(year) * self.factor()

    def var_om_cny(self, year: int | float) -> float:
        """Variable O&M [CNY of 2025 per ``var_om_unit``]; 0 where the source gives none."""
        return self._path(self.var_om, year)

    def available(self, year: int | float) -> bool:
        return year >= self.available_from


def _check_region(region: str) -> None:
    if region not in FALLBACK:
        raise KeyError(f"no region {region!r} in {TECH_FILE}; known: {list(REGIONS)}")


def _build(tech_id: str, region: str, rows) -> Technology:
    rows = rows.sort_values("year")
    for col in _PER_TECH:
        if rows[col].nunique(dropna=False) != 1:
            raise ValueError(f"{TECH_FILE}: {tech_id!r} ({region}) has more than one {col!r}; it must be the same on every year point")
    if rows["year"].duplicated().any():
        raise ValueError(f"{TECH_FILE}: {tech_id!r} ({region}) repeats a year point")
    if (rows["capex"] < 0).any() or (rows["lifetime_yr"] <= 0).any():
        raise ValueError(f"{TECH_FILE}: {tech_id!r} ({region}) needs capex >= 0 and lifetime > 0")
    first = rows.iloc[0]
    return Technology(
        id=tech_id,
        region=region,
        unit=str(first["unit"]),
        currency=str(first["currency"]),
        cost_year=int(first["cost_year"]),
        years=tuple(int(y) for y in rows["year"]),
        capex=tuple(float(v) for v in rows["capex"]),
        fixed_om_share_per_yr=tuple(float(v) for v in rows["fixed_om_share_per_yr"]),
        var_om=tuple(float(v) for v in rows["var_om"]),
        var_om_unit=str(first["var_om_unit"]),
        lifetime_yr=float(first["lifetime_yr"]),
        available_from=int(first["available_from"]),
        sources=tuple(str(s) for s in rows["source"]),
        confidence=tuple(str(c) for c in rows["confidence"]),
        om_source=str(first["om_source"]),
        om_confidence=str(first["om_confidence"]),
        to_cny=to_base_cny(1.0, str(first["currency"]), int(first["cost_year"]), BASE_YEAR),
    )


@lru_cache(maxsize=None)
def catalogue(region: str = "china") -> dict[str, Technology]:
    """Every technology resolved for ``region`` (its own rows, else the fallback's). Cached; read-only."""
    _check_region(region)
    df = table("technologies")
    out: dict[str, Technology] = {}
    for tech_id, rows in df.groupby("technology", sort=True):
        for candidate in FALLBACK[region]:
            mine = rows[rows["region"] == candidate]
            if not mine.empty:
                out[str(tech_id)] = _build(str(tech_id), candidate, mine)
                break
    return out


def technology(tech_id: str, region: str = "china") -> Technology:
    """One resolved technology; KeyError naming the file and the id if unknown."""
    cat = catalogue(region)
    try:
        return cat[tech_id]
    except KeyError:
        raise KeyError(f"no technology {tech_id!r} in {TECH_FILE}; known: {sorted(cat)}") from None


def capex_factor(tech_id: str) -> float:
    """The multiplier on ``tech_id``'s capex and fixed O&M in force (a scenario's ``data.capex_factor``; 1 without)."""
    return overridden("capex_factor").get(tech_id, 1.0)


@lru_cache(maxsize=4096)
def _capex_cny(tech_id: str, year: int | float, region: str) -> float:
    return technology(tech_id, region).shipped_capex_cny(year)


def capex_cny(tech_id: str, year: int | float, region: str = "china") -> float:
    """Capex per unit of capacity [CNY of 2025], interpolated between year points, flat outside
    (× the scenario's ``data.capex_factor``)."""
    return _capex_cny(tech_id, year, region) * capex_factor(tech_id)


@lru_cache(maxsize=4096)
def _fixed_om_cny_per_yr(tech_id: str, year: int | float, region: str) -> float:
    return technology(tech_id, region).shipped_fixed_om_cny_per_yr(year)


def fixed_om_cny_per_yr(tech_id: str, year: int | float, region: str = "china") -> float:
    """Fixed O&M per unit of capacity and year [CNY of 2025] (share of that year's capex; × the capex factor)."""
    return _fixed_om_cny_per_yr(tech_id, year, region) * capex_factor(tech_id)


def var_om_cny(tech_id: str, year: int | float, region: str = "china") -> float:
    """Variable O&M [CNY of 2025 per the technology's ``var_om_unit``]."""
    return technology(tech_id, region).var_om_cny(year)


def lifetime_yr(tech_id: str, region: str = "china") -> float:
    return technology(tech_id, region).lifetime_yr


def available(tech_id: str, year: int | float, region: str = "china") -> bool:
    """True from the technology's availability year (CCUS, electrolysers: after pilot years)."""
    return technology(tech_id, region).available(year)


def vehicle_technology(vehicle: str, powertrain: str) -> str:
    """Catalogue id of a fleet's vehicle (spec.park.VehicleKind) and powertrain ('diesel' | 'bev')."""
    return f"{powertrain}_{vehicle}"


def heat_pump_technology(band: str) -> str:
    """Catalogue id of the heat pump serving a temperature band ('low' | 'medium'; none for 'high')."""
    if band not in ("low", "medium"):
        raise KeyError(f"no heat pump for band {band!r} in {TECH_FILE}: heat pumps serve the low and medium bands")
    return f"heat_pump_{band}"


def experience_factor(doublings: float, learning_rate: float) -> float:
    """Cost multiplier after ``doublings`` of cumulative production at ``learning_rate`` per doubling.

    (1 − LR)^doublings (Wright's law). Li-ion cells: LR 0.20 (Ziegler & Trancik 2021). Used to
    cross-check the dated paths, not to produce them (see docs/economics.md).
    """
    if not 0.0 <= learning_rate < 1.0:
        raise ValueError("learning_rate must be in [0, 1)")
    return (1.0 - learning_rate) ** doublings


def implied_doublings(cost_ratio: float, learning_rate: float) -> float:
    """Doublings of cumulative production a cost ratio (later / earlier) implies at ``learning_rate``."""
    if not 0.0 < learning_rate < 1.0 or cost_ratio <= 0:
        raise ValueError("need 0 < learning_rate < 1 and a positive cost ratio")
    return float(np.log(cost_ratio) / np.log(1.0 - learning_rate))


def capex_table(region: str = "china", years: tuple[int, ...] = (2025, 2030, 2040, 2050)):
    """A pandas table: technology, region used, unit, capex [CNY of 2025] per year, lifetime, availability."""
    import pandas as pd

    rows = []
    for tech_id, tech in catalogue(region).items():
        row = {"technology": tech_id, "region": tech.region, "unit": tech.unit}
        row |= {f"capex_cny_{y}": tech.capex_cny(y) for y in years}
        row |= {"lifetime_yr": tech.lifetime_yr, "available_from": tech.available_from}
        rows.append(row)
    return pd.DataFrame(rows)


# -- prices ---------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _price_points() -> dict[str, tuple[str, dict[int, float]]]:
    df = table("prices")
    out: dict[str, tuple[str, dict[int, float]]] = {}
    for carrier, rows in df.groupby("carrier", sort=True):
        if rows["year"].duplicated().any():
            raise ValueError(f"{PRICE_FILE}: carrier {carrier!r} repeats a year point")
        units = {u.split("/", 1)[1] for u in rows["unit"]}
        if len(units) != 1:
            raise ValueError(f"{PRICE_FILE}: carrier {carrier!r} has more than one unit")
        points = {
            int(r.year): to_base_cny(float(r.value), str(r.currency), int(r.cost_year), BASE_YEAR)
            for r in rows.itertuples()
        }
        out[str(carrier)] = (f"CNY/{units.pop()}", points)
    return out


def _price(carrier: str) -> tuple[str, dict[int, float]]:
    prices = _price_points()
    try:
        return prices[carrier]
    except KeyError:
        raise KeyError(f"no carrier {carrier!r} in {PRICE_FILE}; known: {sorted(prices)}") from None


def price_cny(carrier: str, year: int | float) -> float:
    """Price of ``carrier`` [CNY of 2025 per its unit, see ``price_unit``], linear between points,
    flat outside; a scenario's ``data.prices_cny`` replaces it (flat) for its run."""
    forced = overridden("prices")
    if forced and carrier in forced:
        return forced[carrier]
    return _price_cny(carrier, year)


@lru_cache(maxsize=1024)
def _price_cny(carrier: str, year: int | float) -> float:
    _, points = _price(carrier)
    return float(interpolate_path(points, [year])[0])


def price_unit(carrier: str) -> str:
    """'CNY/t', 'CNY/m3', 'CNY/GJ', 'CNY/MWh', 'CNY/tCO2' or 'CNY/kWh' (money always CNY of 2025)."""
    return _price(carrier)[0]


def carriers() -> list[str]:
    return sorted(_price_points())

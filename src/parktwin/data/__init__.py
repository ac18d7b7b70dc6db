"""Shipped reference data: every factor, threshold and shape with its source and confidence.

Each CSV here has ``source`` and ``confidence`` columns; confidence is one of
verified / secondary / derived / assumption (see docs/data.md).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

CONFIDENCE_LEVELS = ("verified", "secondary", "derived", "assumption")
TABLES = (
    "constants", "grid_factors", "indicators", "sectors", "heat_bands", "load_shapes", "seasonal_factors", "money",
    "wind_power_curve",
    "technologies", "prices", "finance_instruments", "carbon_policy", "ets_benchmarks",
    "stage_indicators", "symbiosis_factors", "duty_cycles",
    "building_stock", "building_standards", "building_retrofits", "vehicle_turnover",
    "resources", "sector_resources", "resource_measures", "technology_kinds", "stores",
    "input_ranges",
    "planning_bounds",
)


@lru_cache(maxsize=None)
def table(name: str) -> pd.DataFrame:
    """One shipped table, read once per process (treat as read-only)."""
    with resources.files(__package__).joinpath(f"{name}.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh)


_CONSTANTS: dict[str, float] = {}


def constants() -> dict[str, float]:
    """Every shipped constant by name (read once)."""
    if not _CONSTANTS:
        df = table("constants")
        _CONSTANTS.update(zip(df["name"], df["value"].astype(float)))
    return _CONSTANTS


_OVERRIDES: ContextVar[dict] = ContextVar("parktwin_data_overrides", default={})
_IN_FORCE: ContextVar[dict | None] = ContextVar("parktwin_constants_in_force", default=None)
"""Within ``overriding`` with constants given: every constant by name, the shipped ones with the
overrides laid over them (one dict per block, so ``constant`` is one look-up); None otherwise."""


@contextmanager
def overriding(constants_: dict[str, float] | None = None, prices_cny: dict[str, float] | None = None,
               capex_factor: dict[str, float] | None = None):
    """Within the block, ``constant`` and ``economics.catalogue.price_cny`` return these values
    instead of the shipped ones, and a technology's capex (and the fixed O&M that is a share of it)
    is multiplied by its ``capex_factor`` (a scenario's ``data`` block, e.g. a Monte Carlo sample)."""
    forced = dict(constants_ or {})
    token = _OVERRIDES.set({"constants": forced, "prices": dict(prices_cny or {}),
                            "capex_factor": dict(capex_factor or {})})
    in_force = _IN_FORCE.set({**constants(), **forced} if forced else None)
    try:
        yield
    finally:
        _IN_FORCE.reset(in_force)
        _OVERRIDES.reset(token)


def overridden(kind: str) -> dict[str, float]:
    """The overrides in force for ``kind`` ("constants", "prices" or "capex_factor")."""
    return _OVERRIDES.get().get(kind, {})


def constant(name: str) -> float:
    """A named scalar from constants.csv (its unit is in the name), or the scenario's override."""
    try:
        return (_IN_FORCE.get() or _CONSTANTS or constants())[name]
    except KeyError:
        raise KeyError(f"no constant {name!r} in data/constants.csv") from None


def constant_source(name: str) -> str:
    df = table("constants")
    return str(df.loc[df["name"] == name, "source"].iloc[0])


@lru_cache(maxsize=None)
def sector_ids() -> frozenset[str]:
    return frozenset(table("sectors")["sector"])


@lru_cache(maxsize=None)
def grid_series_ids() -> frozenset[str]:
    return frozenset(table("grid_factors")["series"])


def interpolate_path(points: dict[int, float], years: list[int] | np.ndarray) -> np.ndarray:
    """Linear between the dated points, flat before the first and after the last."""
    if not points:
        return np.zeros(len(years))
    xs = np.array(sorted(points), dtype=float)
    ys = np.array([points[int(x)] for x in xs], dtype=float)
    return np.interp(np.asarray(years, dtype=float), xs, ys)


def grid_factor_path(series: str, years: list[int], overrides: dict[int, float] | None = None) -> np.ndarray:
    """Location-based grid factor [kgCO₂/kWh] for each year, from data/grid_factors.csv.

    ``overrides`` replace or add dated points of the series before interpolating, so an
    override moves the path around its year, not only that year.
    """
    return interpolate_path(grid_factor_points(series) | dict(overrides or {}), years)


@lru_cache(maxsize=None)
def _grid_factor_points(series: str) -> tuple[tuple[int, float], ...]:
    df = table("grid_factors")
    rows = df[df["series"] == series]
    if rows.empty:
        raise KeyError(f"no grid-factor series {series!r} in data/grid_factors.csv")
    return tuple(zip(rows["year"].astype(int), rows["kgco2_per_kwh"].astype(float)))


def grid_factor_points(series: str) -> dict[int, float]:
    """{year: kgCO₂/kWh} of a series of data/grid_factors.csv (read once per process)."""
    return dict(_grid_factor_points(series))


@lru_cache(maxsize=None)
def hourly_shape(shape: str) -> tuple[np.ndarray, np.ndarray]:
    """(workday, rest-day) 24-hour weights of a named load shape."""
    df = table("load_shapes")
    rows = df[df["shape"] == shape].sort_values("hour")
    if len(rows) != 24:
        raise KeyError(f"load shape {shape!r} must have 24 hours in data/load_shapes.csv")
    return rows["workday_weight"].to_numpy(float), rows["rest_day_weight"].to_numpy(float)


@lru_cache(maxsize=None)
def monthly_factors(profile: str) -> np.ndarray:
    """12 seasonal multipliers, January first."""
    df = table("seasonal_factors")
    rows = df[df["profile"] == profile].sort_values("month")
    if len(rows) != 12:
        raise KeyError(f"seasonal profile {profile!r} must have 12 months in data/seasonal_factors.csv")
    return rows["factor"].to_numpy(float)


def indicator_table() -> pd.DataFrame:
    return table("indicators")


def to_base_cny(amount: float, currency: str, cost_year: int, base_year: int = 2025) -> float:
    """Money of ``currency`` in ``cost_year`` as CNY of ``base_year``.

    Converted at the cost year's average exchange rate, then inflated with China's CPI
    from the cost year to the base year (data/money.csv).
    """
    rate, cpi_base, cpi_cost = money_factors(currency, cost_year, base_year)
    return amount * rate * cpi_base / cpi_cost


@lru_cache(maxsize=None)
def money_factors(currency: str, cost_year: int, base_year: int) -> tuple[float, float, float]:
    """(exchange rate [CNY per unit of ``currency``] in ``cost_year``, CPI of ``base_year``, CPI of
    ``cost_year``) from data/money.csv, looked up once per process."""
    df = table("money")
    fx = df[(df["kind"] == "fx_cny_per_unit") & (df["currency"] == currency) & (df["year"] == cost_year)]
    if currency != "CNY" and fx.empty:
        known = sorted(set(zip(df.loc[df["kind"] == "fx_cny_per_unit", "currency"], df.loc[df["kind"] == "fx_cny_per_unit", "year"])))
        raise KeyError(f"no exchange rate for {currency} {cost_year} in data/money.csv; known: {known}")
    rate = 1.0 if currency == "CNY" else float(fx["value"].iloc[0])
    cpi = df[df["kind"] == "cpi_index"].set_index("year")["value"]
    for year in (cost_year, base_year):
        if year not in cpi.index:
            raise KeyError(f"no CPI index for {year} in data/money.csv")
    return rate, float(cpi[base_year]), float(cpi[cost_year])


HEAT_BANDS = ("low", "medium", "high")


@lru_cache(maxsize=None)
def heat_band_shares(sector: str) -> tuple[float, float, float]:
    """Default (low, medium, high) shares of a sector's process heat (data/heat_bands.csv)."""
    df = table("heat_bands").set_index("sector")
    if sector not in df.index:
        raise KeyError(f"no heat bands for sector {sector!r} in data/heat_bands.csv")
    row = df.loc[sector]
    return tuple(float(row[f"{b}_share"]) for b in HEAT_BANDS)


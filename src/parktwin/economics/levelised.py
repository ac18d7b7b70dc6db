"""Levelised cost of the park's energy: on-site electricity, heat and stored electricity (pure functions).

Every row is ``finance.lcoe_cny_per_kwh`` of one technology bought in one year:

    levelised [CNY/kWh] = (capex × CRF(rate, life) + fixed O&M) / kWh per unit and year
                          + variable O&M [CNY/kWh] + energy bought per kWh out [CNY/kWh]

with capex, fixed and variable O&M and life from the catalogue (data/technologies.csv) at the
year of purchase, in CNY of the base year, at the scenario's social discount rate. The kWh per
unit and year come from the run where it has them (docs/economics.md, "Levelised costs"):

- rooftop PV and wind (``output`` electricity): the run's mean specific yield over the years
  their capacity did not change (a full year at one capacity), generation before curtailment,
  in each year the operator bought some;
- the battery (``stored_electricity``): per nameplate kWh (energy capex plus its power capex at
  the bought kW per kWh), the run's mean kWh discharged per nameplate kWh a year over full years
  (equivalent full cycles of the aged usable capacity × usable ÷ nameplate), charging at
  the screening electricity price divided by the round-trip efficiency, in each year it bought one;
- heat pumps, electric boilers and the gas boiler (``heat``): ``heat_full_load_hours`` a year
  (data/constants.csv) in every year of the run, electricity at the screening price over the COP
  of the band (low: 90 °C, medium: 150 °C) or the boiler's efficiency, gas at its price over its
  heat content and the boiler's efficiency;
- the hot-water store (``stored_heat``): the run's mean heat delivered per kWh of store over
  full years, charged with electric-boiler heat, in each year it bought one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from parktwin.economics.catalogue import capex_cny, fixed_om_cny_per_yr, technology
from parktwin.economics.finance import annuity_factor, lcoe_cny_per_kwh
from parktwin.frames import frame_from_columns

LEVELISED_COLUMNS = ("year", "technology", "output", "capex_cny_per_unit", "fixed_om_cny_per_unit_yr", "lifetime_yr",
                     "output_kwh_per_unit_yr", "energy_cost_cny_per_kwh", "var_om_cny_per_kwh", "rate",
                     "levelised_cny_per_kwh")
KWH_PER_GJ = 1e6 / 3600.0


@dataclass(frozen=True)
class HeatInputs:
    """What the heat rows need: full-load hours [h/yr], heat-pump COP per band, boiler efficiencies,
    gas heat content [GJ/km³] (data/constants.csv)."""

    full_load_hours: float
    cop_low: float
    cop_medium: float
    electric_boiler_efficiency: float
    gas_boiler_efficiency: float
    gas_ncv_gj_per_km3: float


@lru_cache(maxsize=1024)
def var_om_cny_per_kwh(tech_id: str, year: int) -> float:
    """The catalogue's variable O&M per kWh of output [CNY/kWh] (its rows are per MWh or none; read
    once per technology and year in a process, as the catalogue's capex)."""
    tech = technology(tech_id)
    unit = tech.var_om_unit
    if unit in ("-", "", "none"):
        return 0.0
    if unit.startswith("MWh"):
        return tech.var_om_cny(year) / 1000.0
    raise ValueError(f"data/technologies.csv: {tech_id} has variable O&M per {unit!r}; expected per MWh")


def levelised_row(year: int, tech_id: str, output: str, kwh_per_unit_yr: float, energy_cost_cny_per_kwh: float, rate: float,
                  capex_cny_per_unit: float | None = None, fixed_om_cny_per_unit_yr: float | None = None) -> dict:
    """One row of ``LEVELISED_COLUMNS``: ``tech_id`` bought in ``year`` (capex and O&M per unit from
    the catalogue unless given), producing ``kwh_per_unit_yr`` [kWh per unit and year]."""
    tech = technology(tech_id)
    # the catalogue's cached module functions: the same numbers as tech.capex_cny / tech.fixed_om_cny_per_yr
    capex = capex_cny(tech_id, year) if capex_cny_per_unit is None else capex_cny_per_unit
    om = fixed_om_cny_per_yr(tech_id, year) if fixed_om_cny_per_unit_yr is None else fixed_om_cny_per_unit_yr
    var = var_om_cny_per_kwh(tech_id, year)
    return {"year": int(year), "technology": tech_id, "output": output, "capex_cny_per_unit": capex,
            "fixed_om_cny_per_unit_yr": om, "lifetime_yr": tech.lifetime_yr, "output_kwh_per_unit_yr": kwh_per_unit_yr,
            "energy_cost_cny_per_kwh": energy_cost_cny_per_kwh, "var_om_cny_per_kwh": var, "rate": rate,
            "levelised_cny_per_kwh": lcoe_cny_per_kwh(capex, om, var, energy_cost_cny_per_kwh, kwh_per_unit_yr, rate, tech.lifetime_yr)}


def full_year_mean(annual, output, capacity_column: str, per_unit: bool = True) -> float:
    """Mean of ``output`` ÷ capacity (``per_unit``; else of ``output`` itself) over the years whose
    capacity equals the year before's (> 0) [output per unit and year]; over the years with
    capacity if none is a full year; NaN without any."""
    cap = np.asarray(annual[capacity_column], dtype=float)
    out = np.asarray(output, dtype=float)
    has = cap > 0
    full = has.copy()
    full[0] = False
    full[1:] &= cap[1:] == cap[:-1]
    use = full if full.any() else has
    if not use.any():
        return float("nan")
    return float((out[use] / cap[use] if per_unit else out[use]).mean())


def levelised_costs(annual: dict, purchases: list, rate: float, electricity_price_cny_per_kwh, gas_price_cny_per_m3,
                    heat: HeatInputs, battery_round_trip_efficiency: float, heat_rows: dict | None = None) -> pd.DataFrame:
    """The run's levelised costs (columns ``LEVELISED_COLUMNS``, see the module note).

    ``annual``: column → one value per year (the run's ``annual`` columns); ``purchases``: the
    run's ``costs.Purchase`` records (``year``, ``technology``, ``capacity``, ``renewal``);
    ``electricity_price_cny_per_kwh`` and ``gas_price_cny_per_m3``: year → price (callables);
    ``heat_rows``: ``heat_columns`` of the run's years at these prices when the caller has them
    (computed here otherwise)."""
    rows: list[dict] = []
    annual = {k: np.asarray(v, dtype=float) for k, v in annual.items()}
    bought: dict[str, list] = {}  # technology → its first purchases (not renewals) of some capacity, in order
    for p in purchases:
        if not p.renewal and p.capacity > 0:
            bought.setdefault(p.technology, []).append(p)

    def years_of(tech_id: str) -> list[int]:
        return sorted({int(p.year) for p in bought.get(tech_id, ())})

    for tech_id, gen, cap in (("rooftop_pv", "pv_generation_mwh", "pv_kwp"), ("wind_onshore", "wind_generation_mwh", "wind_kw")):
        years = years_of(tech_id)
        if years:
            yield_kwh = full_year_mean(annual, annual[gen] * 1000.0, cap)  # MWh → kWh
            if yield_kwh > 0:
                rows += [levelised_row(y, tech_id, "electricity", yield_kwh, 0.0, rate) for y in years]
    years = years_of("battery_energy")
    if years:
        # discharged kWh per nameplate kWh: equivalent full cycles of the usable (aged) capacity × usable ÷ nameplate
        usable = np.divide(annual["battery_usable_kwh"], annual["battery_kwh"], out=np.zeros(len(annual["year"])),
                           where=annual["battery_kwh"] > 0)
        cycles = full_year_mean(annual, annual["battery_cycles"] * usable, "battery_kwh", per_unit=False)
        if cycles > 0:
            for y in years:
                kwh = sum(p.capacity for p in bought["battery_energy"] if p.year == y)
                kw = sum(p.capacity for p in bought.get("battery_power", ()) if p.year == y)
                power, energy = technology("battery_power"), technology("battery_energy")
                per_kwh = kw / kwh
                rows.append(levelised_row(
                    y, "battery_energy", "stored_electricity", cycles,
                    electricity_price_cny_per_kwh(y) / battery_round_trip_efficiency, rate,
                    # the power part annualised over its own (shorter) life, restated as capex over the energy part's life
                    capex_cny_per_unit=energy.capex_cny(y) + per_kwh * power.capex_cny(y)
                    * annuity_factor(rate, power.lifetime_yr) / annuity_factor(rate, energy.lifetime_yr),
                    fixed_om_cny_per_unit_yr=energy.fixed_om_cny_per_yr(y) + per_kwh * power.fixed_om_cny_per_yr(y)))
    head, rows = rows, []  # the heat rows come between the bought technologies' and the stores'
    if heat_rows is None:
        heat_rows = heat_columns(annual["year"].astype(int).tolist(), rate, electricity_price_cny_per_kwh, gas_price_cny_per_m3, heat)
    years = years_of("thermal_storage")
    if years and "thermal_store_in_mwh" in annual:
        delivered = (annual["thermal_store_in_mwh"] - annual["thermal_store_loss_mwh"]) * 1000.0
        per_kwh = full_year_mean(annual, delivered, "thermal_store_kwh")
        ratio = full_year_mean(annual, annual["thermal_store_in_mwh"] * 1000.0, "thermal_store_kwh") / per_kwh if per_kwh > 0 else 0.0
        if per_kwh > 0:
            rows += [levelised_row(y, "thermal_storage", "stored_heat", per_kwh,
                                   electricity_price_cny_per_kwh(y) / heat.electric_boiler_efficiency * ratio, rate)
                     for y in years]
    if not (head or rows or heat_rows["year"]):
        return pd.DataFrame([], columns=list(LEVELISED_COLUMNS))
    return frame_from_columns({c: [*(r[c] for r in head), *heat_rows[c], *(r[c] for r in rows)] for c in LEVELISED_COLUMNS})


def heat_columns(years: list[int], rate: float, electricity_price_cny_per_kwh, gas_price_cny_per_m3, heat: HeatInputs) -> dict[str, list]:
    """The heat rows as columns of ``LEVELISED_COLUMNS``: each year, the low- and medium-temperature
    heat pumps, the electric and the gas boiler at ``heat.full_load_hours`` — ``levelised_row``'s
    numbers (``finance.lcoe_cny_per_kwh`` over arrays of the years' terms), computed for all years at once."""
    if not years:
        return {c: [] for c in LEVELISED_COLUMNS}
    gas_kwh_per_m3 = heat.gas_ncv_gj_per_km3 / 1000.0 * KWH_PER_GJ
    elec = np.array([electricity_price_cny_per_kwh(y) for y in years], dtype=float)
    gas = np.array([gas_price_cny_per_m3(y) for y in years], dtype=float)
    supplies = (("heat_pump_low", elec / heat.cop_low), ("heat_pump_medium", elec / heat.cop_medium),
                ("electric_boiler", elec / heat.electric_boiler_efficiency),
                ("gas_boiler", gas / (gas_kwh_per_m3 * heat.gas_boiler_efficiency)))
    kwh = heat.full_load_hours
    parts: dict[str, list] = {c: [] for c in LEVELISED_COLUMNS}
    for tech_id, energy_cost in supplies:
        life = technology(tech_id).lifetime_yr
        capex = np.array([capex_cny(tech_id, y) for y in years], dtype=float)
        om = np.array([fixed_om_cny_per_yr(tech_id, y) for y in years], dtype=float)
        var = np.array([var_om_cny_per_kwh(tech_id, y) for y in years], dtype=float)
        columns = {"technology": [tech_id] * len(years), "output": ["heat"] * len(years), "capex_cny_per_unit": capex,
                   "fixed_om_cny_per_unit_yr": om, "lifetime_yr": [life] * len(years), "output_kwh_per_unit_yr": [kwh] * len(years),
                   "energy_cost_cny_per_kwh": energy_cost, "var_om_cny_per_kwh": var, "rate": [rate] * len(years),
                   "levelised_cny_per_kwh": lcoe_cny_per_kwh(capex, om, var, energy_cost, kwh, rate, life)}  # each year's at once
        for name, values in columns.items():
            parts[name].append(values)
    # year by year, the four supplies in order within a year
    out = {"year": [y for y in years for _ in supplies]}
    for name in LEVELISED_COLUMNS[1:]:
        computed = name in ("capex_cny_per_unit", "fixed_om_cny_per_unit_yr", "energy_cost_cny_per_kwh", "var_om_cny_per_kwh",
                            "levelised_cny_per_kwh")  # the others repeat one value (kept as it is, a str, int or float)
        out[name] = np.array(parts[name], dtype=float if computed else object).T.ravel().tolist()
    return out

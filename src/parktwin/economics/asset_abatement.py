"""The operator's roadmap assets as measures on the MACC: what each abates and costs a year (pure functions).

A project of the operator (every purchase of one roadmap item, renewals left out) becomes one row
of the run's ``measures`` table (origin ``operator``), beside firms' measures, with the park's
tCO₂ avoided a year and its energy cost change a year; ``abatement.macc`` then costs it as
(capex × CRF + fixed O&M + energy cost change) ÷ tCO₂ (docs/economics.md, "The operator's assets
on the MACC"):

- rooftop PV, wind: kWh a year = capacity × the run's full-year yield (``levelised.full_year_mean``);
  avoided grid CO₂ at the location-based factor of the year bought; energy saving at the
  screening electricity price;
- waste-heat recovery: heat a year = the waste heat used in the run's last year above the base
  year's, shared over the recovery projects by kW; it displaces gas-boiler heat (gas and its CO₂ saved, at the gas price);
- CCUS (the roadmap's capture on firms): the tonnes the run captured in its last year, shared over
  the capture projects by their capacity; its electricity and (electric-boiler) heat per tonne
  at the screening price as the energy cost;
- direct air capture: the tonnes the run removed in its last year, shared over the capture plants by
  their capacity; their electricity (fans, compression, heat pumps) in that year at the screening
  price as the energy cost (CO₂ transport and storage are not costed);
- green power contracts and certificates: no capex; the last year's green MWh × that year's grid
  factor (market-based tonnes: a certificate changes the scope-2 market-based figure only) at the
  last year's certificate cost;
- the battery, grid connection, hot-water store, hydrogen tank and the rest: enabling assets whose
  tonnes come through the dispatch of the whole park; listed with 0 tCO₂ (no bar on the curve).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from parktwin.economics.levelised import KWH_PER_GJ, full_year_mean

YIELD_ASSETS = {"rooftop_pv": ("pv_generation_mwh", "pv_kwp"), "wind_onshore": ("wind_generation_mwh", "wind_kw")}
DAC = "direct_air_capture"  # its catalogue id (data/technologies.csv), also its measure name
WASTE_HEAT_COLUMNS = ("heat_low_waste_heat_mwh", "heat_medium_waste_heat_mwh", "heat_high_waste_heat_mwh")


def operator_measures(annual: dict, purchases: list, electricity_price_cny_per_kwh, gas_price_cny_per_m3, constants: dict) -> list[tuple]:
    """Rows of the ``measures`` table (results.tables.MEASURE_COLUMNS) for the operator's projects
    and the roadmap's capture projects, with the green contracts of the last year.

    ``annual``: column → one value per year; ``purchases``: the run's ``costs.Purchase`` records;
    prices: year → CNY/kWh and CNY/m³; ``constants``: ``gas_boiler_efficiency``,
    ``natural_gas_ncv_gj_per_km3``, ``natural_gas_kgco2_per_km3``, ``electric_boiler_efficiency``,
    ``ccus_electricity_mwh_per_tco2``, ``ccus_heat_mwh_per_tco2``."""
    a = {k: np.asarray(v, dtype=float) for k, v in annual.items()}
    years = a["year"].astype(int).tolist()
    factor = dict(zip(years, a["grid_factor_kgco2_per_kwh"]))
    projects: dict[tuple, list] = {}
    for p in purchases:
        if p.renewal or p.capacity <= 0:
            continue
        if p.entity == "operator" or p.technology == "ccus_capture":
            key = (p.year, p.project if p.entity == "operator" else f"{p.project}_{p.entity}")
            projects.setdefault(key, []).append(p)
    gas_kwh_per_m3 = constants["natural_gas_ncv_gj_per_km3"] / 1000.0 * KWH_PER_GJ
    waste_kw = sum(p.capacity for items in projects.values() for p in items if p.technology == "waste_heat_recovery")
    ccus_t = sum(p.capacity for items in projects.values() for p in items if p.technology == "ccus_capture")
    dac_t = sum(p.capacity for items in projects.values() for p in items if p.technology == DAC)
    rows = []
    repeated = {name for name, count in Counter(name for _, name in projects).items() if count > 1}
    yields = {tech: full_year_mean(a, a[gen] * 1000.0, cap) for tech, (gen, cap) in YIELD_ASSETS.items()
              if any(items[0].technology == tech for items in projects.values())}  # per unit [kWh/yr], once per technology
    for (year, name), items in sorted(projects.items()):
        if name in repeated:  # an id used in several years (e.g. unnamed roadmap items): the year keeps each row apart
            name = f"{name}_{year}"
        main = items[0]
        capex = sum(p.capex_cny for p in items)
        om = sum(p.fixed_om_cny_per_yr for p in items)
        life = max(p.lifetime_yr for p in items)
        tech = main.technology
        abated, energy = 0.0, 0.0
        if tech in YIELD_ASSETS:
            per_unit = yields[tech]
            kwh = main.capacity * (0.0 if np.isnan(per_unit) else per_unit)
            abated = kwh * factor[year] / 1000.0
            energy = -kwh * electricity_price_cny_per_kwh(year)
        elif tech == "waste_heat_recovery" and waste_kw > 0:
            added_mwh = sum(a[c][-1] - a[c][0] for c in WASTE_HEAT_COLUMNS if c in a)  # recovered since the base year
            heat_kwh = max(added_mwh, 0.0) * 1000.0 * main.capacity / waste_kw
            gas_m3 = heat_kwh / (gas_kwh_per_m3 * constants["gas_boiler_efficiency"])
            abated = gas_m3 * constants["natural_gas_kgco2_per_km3"] / 1e6
            energy = -gas_m3 * gas_price_cny_per_m3(year)
        elif tech == "ccus_capture" and ccus_t > 0:
            captured = a["captured_tco2"][-1] * main.capacity / ccus_t
            abated = a["captured_stored_tco2"][-1] * main.capacity / ccus_t  # CO₂ sold into short-lived products is still emitted
            mwh = captured * (constants["ccus_electricity_mwh_per_tco2"]
                            + constants["ccus_heat_mwh_per_tco2"] / constants["electric_boiler_efficiency"])
            energy = mwh * 1000.0 * electricity_price_cny_per_kwh(year)
        elif tech == DAC and dac_t > 0 and "dac_removed_tco2" in a:
            abated = a["dac_removed_tco2"][-1] * main.capacity / dac_t
            energy = a["dac_electricity_mwh"][-1] * main.capacity / dac_t * 1000.0 * electricity_price_cny_per_kwh(year)
        measure = "ccus" if tech == "ccus_capture" else tech
        entity = "operator" if main.entity == "operator" else main.entity
        scope1 = abated if tech == "ccus_capture" else 0.0  # captured tonnes leave the firm's scope 1
        rows.append((year, entity, name, measure, capex, capex, om, energy, abated, scope1, life, float("nan"), "operator"))
    green = a.get("green_power_mwh")
    if green is not None and green[-1] > 0:
        last = years[-1]
        rows.append((last, "operator", f"green_power_{last}", "green_power", 0.0, 0.0, 0.0, float(a["certificate_cost_cny"][-1]),
                     float(green[-1] * 1000.0 * factor[last] / 1000.0), 0.0, 1.0, float("nan"), "operator"))
    return rows

"""What a run adds when its clock has stopped: every purchase financed and each party's cash flows
(economics.cashflows), the levelised costs at the run's yields (economics.levelised), the
operator's projects as MACC rows (economics.asset_abatement), and the private cost beside the
system cost in each year's annual row."""

from __future__ import annotations

from functools import lru_cache

from parktwin.accounting.inventory import ENERGY_COLUMNS
from parktwin.agents.heat_bands import band_cops
from parktwin.data import constant, overridden
from parktwin.economics.asset_abatement import operator_measures
from parktwin.economics.cashflows import (
    Party,
    money_tables,
    run_cashflows,
)
from parktwin.economics.catalogue import price_cny
from parktwin.economics.levelised import HeatInputs, heat_columns, levelised_costs
from parktwin.frames import row_columns


def close_run(model) -> None:
    """Fill ``model.record``'s money, levelised costs and measures; add the private view to ``annual``
    (a run for its annual table alone, ``model.annual_only``: the cash flows the private view needs only)."""
    record = model.record
    energy = energy_columns(record.energy)
    if model.annual_only:
        record.money = run_cashflows(record.purchases, energy, record.annual, record.carbon,
                                     parties(model), model.scenario.policy.capex_subsidy_share)
    else:
        record.money = money_tables(record.purchases, energy, record.annual, record.carbon,
                                    parties(model), model.scenario.policy.capex_subsidy_share)
        record.money["energy_columns"] = energy  # the energy table's columns: read once, for the bills and the table
        record.money["levelised"] = levelised(model)
        record.measures.extend(operator_measures_rows(model))
    private = record.money.pop("private_by_year")  # year → Σ net cost, Σ pv, summed from the table's columns
    for row in record.annual:  # the private view beside the system cost, so batches see both
        net, pv = private.get(row["year"], (0.0, 0.0))
        row["private_cost_cny"] = float(net)
        row["private_pv_cny"] = float(pv)


def energy_columns(rows: list[tuple]) -> dict[str, tuple]:
    """The run's energy rows as columns (``accounting.inventory.ENERGY_COLUMNS`` → values; empty
    without rows): what the energy bills and the ``energy`` table read. ValueError for a row of
    another length."""
    if not rows:
        return {}
    columns = row_columns(rows, ENERGY_COLUMNS)
    if columns is None:
        raise ValueError(f"every energy row holds the {len(ENERGY_COLUMNS)} values {ENERGY_COLUMNS}")
    return columns


def levelised(model):
    """The run's levelised costs of electricity, heat and storage (economics.levelised)."""
    sc = model.scenario
    a = model.record.annual
    columns = ("year", "pv_generation_mwh", "pv_kwp", "wind_generation_mwh", "wind_kw", "battery_cycles", "battery_usable_kwh",
               "battery_kwh", "thermal_store_in_mwh", "thermal_store_loss_mwh", "thermal_store_kwh")
    annual = {c: [row.get(c, 0.0) for row in a] for c in columns}
    cop_low, cop_medium, _ = band_cops()
    heat = HeatInputs(constant("heat_full_load_hours"), cop_low, cop_medium, constant("electric_boiler_efficiency"),
                      constant("gas_boiler_efficiency"), constant("natural_gas_ncv_gj_per_km3"))
    battery = sc.ems.battery
    rate = sc.finance.social_discount_rate
    years = tuple(int(y) for y in annual["year"])
    heat_rows = screening_heat_rows(years, rate, heat, frozenset(overridden("prices").items()), frozenset(overridden("capex_factor").items()))
    return levelised_costs(annual, model.record.purchases, rate, screening_electricity_price, screening_gas_price, heat,
                           battery.charge_efficiency * battery.discharge_efficiency, heat_rows)


def screening_electricity_price(year: int) -> float:
    """The screening electricity price of ``year`` [CNY/kWh] (the catalogue's industrial average)."""
    return price_cny("electricity_industrial_average", year)


def screening_gas_price(year: int) -> float:
    """The natural-gas price of ``year`` [CNY/m³]."""
    return price_cny("natural_gas", year)


@lru_cache(maxsize=8)
def screening_heat_rows(years: tuple[int, ...], rate: float, heat: HeatInputs, prices: frozenset, capex_factor: frozenset) -> dict[str, tuple]:
    """The heat rows of the levelised costs (``levelised.heat_columns`` at the screening prices), as
    tuples, kept for the last few keys: they depend on the run's years, the social discount rate,
    the heat inputs (constants and COPs), the shipped catalogue and prices, and the scenario's
    ``data`` overrides of prices and capex factors (``prices``, ``capex_factor``: the overrides in
    force as frozen items, read by ``price_cny`` and ``capex_cny`` inside) — not on the run's seed,
    so every run of a scenario shares them."""
    columns = heat_columns(list(years), rate, screening_electricity_price, screening_gas_price, heat)
    return {name: tuple(values) for name, values in columns.items()}


def operator_measures_rows(model) -> list[tuple]:
    """The operator's projects (and the roadmap's capture) as rows of ``measures`` for the MACC
    (economics.asset_abatement); no effect on the run."""
    columns = ("year", "grid_factor_kgco2_per_kwh", "pv_generation_mwh", "pv_kwp", "wind_generation_mwh", "wind_kw",
               "heat_low_waste_heat_mwh", "heat_medium_waste_heat_mwh", "heat_high_waste_heat_mwh", "captured_tco2", "captured_stored_tco2",
               "green_power_mwh", "certificate_cost_cny", "dac_removed_tco2", "dac_electricity_mwh")
    annual = {c: [row.get(c, 0.0) for row in model.record.annual] for c in columns}
    names = ("gas_boiler_efficiency", "natural_gas_ncv_gj_per_km3", "natural_gas_kgco2_per_km3", "electric_boiler_efficiency",
             "ccus_electricity_mwh_per_tco2", "ccus_heat_mwh_per_tco2")
    return operator_measures(annual, model.record.purchases, screening_electricity_price, screening_gas_price,
                             {n: constant(n) for n in names})


def parties(model) -> dict[str, Party]:
    """Who pays for what in the private view: each firm at its hurdle rate (the scenario's mean
    when firms do not decide), buildings and fleets at that mean, the operator at its own rate."""
    sc = model.scenario
    default = sc.decisions.hurdle_rate.mean
    parties = {"operator": Party("operator", "operator", None, sc.finance.operator_cost_of_equity)}
    for firm in model.enterprises.values():
        parties[firm.entity_id] = Party(firm.entity_id, "firm", firm.spec.sector, getattr(firm, "hurdle_rate", default))
    for agent in (*model.buildings.values(), *model.fleets.values()):
        parties[agent.entity_id] = Party(agent.entity_id, "firm", None, default)
    return parties

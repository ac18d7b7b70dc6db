"""GHG inventory (GHG Protocol scopes), energy in tce, and the zero-carbon park core indicator.

Two methods, two numbers (docs/methods.md):
- the inventory: scope 1 from fuels and processes, scope 2 location-based (grid factor of the
  year and region) and market-based (green contracts at 0, the rest at the same grid factor,
  the GHG Protocol scope-2 fallback where no residual mix is published), removals (sinks: green
  space; engineered: direct air capture with storage), offsets. Captured CO₂ is booked against
  the source it captures, never as a removal (``ccus_stored`` / ``ccus_used`` rows, below);
- the core indicator 单位能耗碳排放 of 零碳园区碳排放核算方法（试行）: CO₂ of fuels, processes,
  purchased heat (0.11 tCO₂/GJ) and non-green grid electricity (0.8325 kgCO₂/kWh), green and
  on-site non-fossil electricity at 0, divided by comprehensive energy use in tce.

Captured CO₂ (scenario kind ``ccus``), by destination:
- ``storage``: CO₂ transferred to permanent geological storage is not emitted. It is subtracted
  from the capturing firm's scope 1 in a row of its own (scope 1, source ``ccus_stored``, negative)
  — the EU ETS monitoring and reporting regulation's treatment (Implementing Regulation (EU)
  2018/2066, Art. 49: CO₂ transferred out of the installation for storage under Directive
  2009/31/EC is subtracted from its emissions). The GHG Protocol reports scope 1 as what is
  emitted, and the captured tonnes beside it (``captured_stored_tco2``).
- ``use_short_lived``: CO₂ sold into urea, methanol, beverages … is released within the products'
  short life; the same regulation counts it as emitted (only CO₂ permanently chemically bound in
  a product is not). A zero row (scope 1, source ``ccus_used``, activity = the tonnes, factor 0)
  records it; scope 1 keeps the tonnes (``captured_used_tco2`` reported beside).
- The core indicator (零碳园区碳排放核算方法（试行）) counts the CO₂ of energy activities and
  industrial processes *emitted* in the park; the compiled rules of that method state no capture
  rule, so it reads the same scope-1 CO₂ as the inventory: stored CO₂ is not counted, CO₂ in
  short-lived products is (the model's reading of the method, docs/methods.md §CCUS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from parktwin.data import constant


class EnergyRow(NamedTuple):
    """One entity's annual use of one carrier (``unit`` as in the carrier table). A named tuple:
    thousands are made a run, and a frozen dataclass costs several times more to build."""

    entity: str
    entity_kind: str
    carrier: str
    quantity: float
    unit: str


@dataclass(frozen=True)
class Carrier:
    unit: str
    kgce_key: str
    kgco2_key: str


FUELS: dict[str, Carrier] = {
    "coal": Carrier("t", "coal_kgce_per_t", "coal_kgco2_per_t"),
    "natural_gas": Carrier("km3", "natural_gas_kgce_per_km3", "natural_gas_kgco2_per_km3"),
    "diesel": Carrier("t", "diesel_kgce_per_t", "diesel_kgco2_per_t"),
    "purchased_heat": Carrier("GJ", "purchased_heat_kgce_per_gj", "purchased_heat_kgco2_per_gj"),
    "biomethane": Carrier("km3", "biomethane_kgce_per_km3", "biomethane_kgco2_per_km3"),  # biogenic: 0 fossil CO₂, renewable energy
    "purchased_hydrogen": Carrier("t", "hydrogen_kgce_per_t", "purchased_hydrogen_kgco2_per_t"),  # upstream CO₂ in scope 3
}
ELECTRICITY_TCE_KEY = {
    "equivalent": "electricity_kgce_per_kwh_equivalent",
    "coal_equivalent": "electricity_kgce_per_kwh_coal_equivalent",
}
EMISSION_COLUMNS = (
    "year", "entity", "entity_kind", "scope", "method", "source",
    "activity", "activity_unit", "factor", "factor_unit", "factor_ref", "emissions_tco2",
)
ENERGY_COLUMNS = ("year", "entity", "entity_kind", "carrier", "quantity", "unit", "energy_tce")


@dataclass
class InventoryReads:
    """What the year's later stages read of the inventory, gathered while ``account_year`` makes the rows
    (each sum added in row order from 0.0, as a loop over the rows adds it), so no stage reads the rows
    again: every enterprise's scope-1 tCO₂ (the carbon positions); for the enterprises in ``watched``
    (those listing product lines) [energy in kgce with electricity at the 当量 value, electricity kWh,
    scope-1 tCO₂, location-based electricity tCO₂] (``accounting.products.FirmTotals``' fields, the
    products stage); the energy rows of fuels, in the energy rows' order (the money stage prices them)."""

    watched: frozenset = frozenset()
    scope1_tco2: dict[str, float] = field(default_factory=dict)
    totals: dict[str, list[float]] = field(default_factory=dict)
    fuel_energy: list[tuple] = field(default_factory=list)

    def of(self, entity: str) -> list[float]:
        """``entity``'s totals, started at zeros when first met."""
        t = self.totals.get(entity)
        if t is None:
            t = self.totals[entity] = [0.0, 0.0, 0.0, 0.0]
        return t


@dataclass(frozen=True)
class ElectricitySupply:
    """The park's annual electricity balance from the dispatch [kWh]."""

    demand_kwh: float  # all entities' electricity demand (load)
    grid_import_kwh: float  # to load and to the battery
    onsite_generation_kwh: float  # on-site PV and wind
    onsite_used_kwh: float  # on-site generation to load and to the battery
    export_kwh: float
    curtailed_kwh: float
    unserved_kwh: float
    green_kwh: float  # grid electricity under green contracts / certificates

    @property
    def consumed_kwh(self) -> float:
        """Electricity the park consumed: grid import + own generation used (storage losses included)."""
        return self.grid_import_kwh + self.onsite_used_kwh


def _combustion_source(row: EnergyRow) -> tuple[str, str]:
    if row.carrier == "purchased_heat":
        return "2", "purchased_heat"
    if row.carrier == "purchased_hydrogen":
        return "3", "purchased_hydrogen"
    if row.carrier == "diesel" and row.entity_kind == "fleet":
        return "1", "mobile_combustion"
    return "1", "stationary_combustion"


def fuel_terms(row: EnergyRow) -> tuple[float, float, str, str, str, str]:
    """What an inventory row of a fuel's ``row`` takes: (kgCO₂ per unit, kgce per unit, scope,
    source, the factor's unit, the factor's reference)."""
    carrier = FUELS[row.carrier]
    scope, source = _combustion_source(row)
    return (constant(carrier.kgco2_key), constant(carrier.kgce_key), scope, source, f"kgCO2/{row.unit}",
            f"constants.csv:{carrier.kgco2_key}")


def account_year(
    year: int,
    rows: list[EnergyRow],
    supply: ElectricitySupply,
    grid_factor_kgco2_per_kwh: float,
    grid_series: str,
    grid_nonfossil_share: float,
    electricity_method: str,
    removals_tco2: float,
    offset_cap_share: float | None,
    dac_removed_tco2: float = 0.0,
    reads: InventoryReads | None = None,
    fuel_terms_kept: dict[tuple, tuple] | None = None,
) -> tuple[list[tuple], list[tuple], dict[str, float]]:
    """Inventory rows, energy rows and the year's summary for one simulated year.

    ``removals_tco2``: the green space's uptake; ``dac_removed_tco2``: CO₂ the operator's direct air
    capture took from the air and stored (its electricity is among ``rows``). Both are removals
    (scope ``removal``), subtracted from gross emissions for the net, never from scope 1.
    ``offset_cap_share`` is None when offsets are not used this year, else the cap as a share
    of gross emissions. Offsets cover at most the residual after removals.
    ``reads``: when given, what later stages read is gathered in it as the rows are made (``InventoryReads``).
    ``fuel_terms_kept``: (carrier, entity
    kind, unit) → ``fuel_terms`` of its rows, filled as they are first met and read again in later
    years; the terms depend on those three and on the constants in force alone, so one mapping serves a
    run (the constants do not change within it), not runs under other overrides.
    """
    emissions: list[tuple] = []
    energy: list[tuple] = []
    kgce_per_kwh = constant(ELECTRICITY_TCE_KEY[electricity_method])
    consumed = supply.consumed_kwh
    demand = supply.demand_kwh
    scope1 = scope2_loc = scope2_mkt = heat_co2 = process = fuel_tce = gas_tce = bio_tce = 0.0

    stored = used = 0.0
    loc_ref, mkt_ref = f"grid_factors.csv:{grid_series}", f"grid_factors.csv:{grid_series} (non-green share)"
    grid_kwh, residual_kwh = supply.grid_import_kwh, supply.grid_import_kwh - supply.green_kwh
    add_emission, add_energy = emissions.append, energy.append
    fuels: dict[tuple, tuple] = {} if fuel_terms_kept is None else fuel_terms_kept  # (carrier, entity kind, unit) → what its rows take
    sums = reads if reads is not None else InventoryReads()
    by_firm, watched, add_fuel = sums.scope1_tco2, sums.watched, sums.fuel_energy.append
    kgce_equivalent_per_kwh = constant(ELECTRICITY_TCE_KEY["equivalent"])  # (the products' unit energy counts electricity at 当量)
    for r in rows:
        entity, kind, carrier, quantity, unit = r
        if carrier == "electricity":
            share = quantity * 1000.0 / demand if demand > 0 else 0.0
            used_mwh = consumed * share / 1000.0
            grid_mwh = grid_kwh * share / 1000.0
            residual_mwh = residual_kwh * share / 1000.0
            loc = grid_mwh * grid_factor_kgco2_per_kwh
            mkt = residual_mwh * grid_factor_kgco2_per_kwh
            add_emission((year, entity, kind, "2", "location", "purchased_electricity",
                          grid_mwh, "MWh", grid_factor_kgco2_per_kwh, "kgCO2/kWh", loc_ref, loc))
            add_emission((year, entity, kind, "2", "market", "purchased_electricity",
                          residual_mwh, "MWh", grid_factor_kgco2_per_kwh, "kgCO2/kWh", mkt_ref, mkt))
            scope2_loc += loc
            scope2_mkt += mkt
            add_energy((year, entity, kind, "electricity", used_mwh, "MWh", used_mwh * kgce_per_kwh))
            if entity in watched and kind == "enterprise":
                t = sums.of(entity)
                t[1] += quantity * 1000.0
                t[0] += quantity * 1000.0 * kgce_equivalent_per_kwh
                t[3] += loc
        elif carrier == "captured_co2":
            add_emission((year, entity, kind, "1", "all", "ccus_stored", quantity, unit, -1.0, "tCO2/tCO2",
                          "captured and permanently stored: not emitted (EU MRR 2018/2066 Art. 49)", -quantity))
            scope1 -= quantity
            stored += quantity
            if kind == "enterprise":
                by_firm[entity] = by_firm.get(entity, 0.0) + -quantity
                if entity in watched:
                    sums.of(entity)[2] += -quantity
        elif carrier == "captured_co2_used":
            add_emission((year, entity, kind, "1", "all", "ccus_used", quantity, unit, 0.0, "tCO2/tCO2",
                          "captured into short-lived products: still emitted (EU MRR 2018/2066)", 0.0))
            used += quantity
            if kind == "enterprise":
                by_firm[entity] = by_firm.get(entity, 0.0) + 0.0
                if entity in watched:
                    sums.of(entity)[2] += 0.0
        elif carrier == "process_co2":
            add_emission((year, entity, kind, "1", "all", "industrial_process", quantity, unit, 1.0, "tCO2/tCO2",
                          "park file: process_emissions_tco2", quantity))
            scope1 += quantity
            process += quantity
            if kind == "enterprise":
                by_firm[entity] = by_firm.get(entity, 0.0) + quantity
                if entity in watched:
                    sums.of(entity)[2] += quantity
        else:
            fuel = fuels.get((carrier, kind, unit))
            if fuel is None:
                fuel = fuels[carrier, kind, unit] = fuel_terms(r)
            factor, kgce, scope, source, factor_unit, factor_ref = fuel
            co2 = quantity * factor / 1000.0
            add_emission((year, entity, kind, scope, "all", source, quantity, unit, factor, factor_unit, factor_ref, co2))
            tce = quantity * kgce / 1000.0
            fuel_row = (year, entity, kind, carrier, quantity, unit, tce)
            add_energy(fuel_row)
            add_fuel(fuel_row)
            fuel_tce += tce
            if carrier == "natural_gas":
                gas_tce += tce
            elif carrier == "biomethane":
                bio_tce += tce
            if kind == "enterprise":
                if scope == "1":
                    by_firm[entity] = by_firm.get(entity, 0.0) + co2
                if entity in watched:
                    t = sums.of(entity)
                    t[0] += quantity * kgce
                    if scope == "1":
                        t[2] += co2
            if scope == "1":
                scope1 += co2
            elif scope == "2":
                scope2_loc += co2
                scope2_mkt += co2
                heat_co2 += co2

    if removals_tco2 > 0:
        emissions.append((year, "park", "operator", "removal", "all", "green_space", removals_tco2, "tCO2",
                          -1.0, "tCO2/tCO2", "constants.csv:green_space_crown_growth_tc_per_ha_yr", -removals_tco2))
    if dac_removed_tco2 > 0:
        emissions.append((year, "operator", "operator", "removal", "all", "direct_air_capture", dac_removed_tco2, "tCO2",
                          -1.0, "tCO2/tCO2", "captured from the air and permanently stored (technologies/direct_air_capture.py)",
                          -dac_removed_tco2))
    removed = removals_tco2 + dac_removed_tco2
    gross = scope1 + scope2_mkt
    offsets = 0.0
    if offset_cap_share is not None:
        offsets = max(0.0, min(gross - removed, offset_cap_share * gross))
        if offsets > 0:
            emissions.append((year, "park", "operator", "offset", "all", "offsets", offsets, "tCO2",
                              -1.0, "tCO2/tCO2", "scenario: offsets", -offsets))

    elec_tce = consumed * kgce_per_kwh / 1000.0
    energy_tce = fuel_tce + elec_tce
    nonfossil_kwh = supply.onsite_used_kwh + supply.green_kwh + (supply.grid_import_kwh - supply.green_kwh) * grid_nonfossil_share
    nonfossil_tce = nonfossil_kwh * kgce_per_kwh / 1000.0 + bio_tce
    nongreen_kwh = supply.grid_import_kwh - supply.green_kwh
    core_co2 = scope1 + heat_co2 + nongreen_kwh * constant("core_nongreen_grid_kgco2_per_kwh") / 1000.0
    summary = {
        "scope1_tco2": scope1,  # emitted: after CO₂ captured and stored
        "scope2_location_tco2": scope2_loc,
        "scope2_market_tco2": scope2_mkt,
        "gross_location_tco2": scope1 + scope2_loc,
        "gross_tco2": gross,
        "removals_tco2": removed,  # green space and direct air capture
        "dac_removed_tco2": dac_removed_tco2,
        "captured_tco2": stored + used,
        "captured_stored_tco2": stored,
        "captured_used_tco2": used,
        "offsets_tco2": offsets,
        "net_tco2": gross - removed - offsets,
        "process_tco2": process,
        "energy_tce": energy_tce,
        "electricity_tce": elec_tce,
        "core_co2_tco2": core_co2,
        "core_indicator_tco2_per_tce": core_co2 / energy_tce if energy_tce > 0 else 0.0,
        "clean_energy_share": (gas_tce + nonfossil_tce) / energy_tce if energy_tce > 0 else 0.0,
        "renewable_share": nonfossil_tce / energy_tce if energy_tce > 0 else 0.0,
    }
    return emissions, energy, summary


def certified_kwh(grid_kw: np.ndarray, share: float, import_kwh: float | None = None, import_in_range: bool = False) -> float:
    """``float(np.minimum(grid_kw, grid_kw * share).sum())`` [kWh]: certificates on ``share`` of every hour's
    import, never above it. With imports ≥ 0 (no NaN) and 0 ≤ ``share`` ≤ 1 no hour's certified kWh exceed its
    import, so the minimum is the product, bit for bit (ties are equal values, zeros of one sign); a share of 0
    certifies zeros of finite imports, which sum to +0.0 (numpy adds a sum's values to +0.0): no pass but the checks.
    ``import_in_range``: the imports are known finite and ≥ 0 (``DispatchResult.import_in_range``): no pass to check.
    A share of 1 certifies every hour's import itself (x × 1.0 is x, and the minimum of x and x is x, NaN
    included): the import's own sum, ``import_kwh`` = ``float(grid_kw.sum())`` when the caller has it, no pass."""
    if share == 1.0 and import_kwh is not None:
        return import_kwh
    if 0.0 <= share <= 1.0 and (import_in_range or (grid_kw.min() >= 0.0 and (share > 0.0 or grid_kw.max() < np.inf))):
        return 0.0 if share == 0.0 else float((grid_kw * share).sum())
    return float(np.minimum(grid_kw, grid_kw * share).sum())


def core_threshold_tco2_per_tce(energy_tce: float) -> float:
    """Threshold of the core indicator by park size (≤0.2 below 100万 tce/yr, ≤0.3 from 100万)."""
    if energy_tce >= constant("core_large_park_min_tce"):
        return constant("core_threshold_large_tco2_per_tce")
    return constant("core_threshold_small_tco2_per_tce")


def green_space_removals_tco2(area_ha: float, crown_cover_share: float) -> float:
    """Annual CO₂ uptake of park green space: crown area × growth rate × 44/12 [tCO₂/yr]."""
    return area_ha * crown_cover_share * constant("green_space_crown_growth_tc_per_ha_yr") * constant("c_to_co2")


def grid_nonfossil_share(location_factor: float, fossil_factor: float) -> float:
    """Non-fossil share of grid generation implied by the average and fossil-only factors [0..1]."""
    if fossil_factor <= 0:
        return 0.0
    return min(1.0, max(0.0, 1.0 - location_factor / fossil_factor))

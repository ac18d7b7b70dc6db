"""A pathway: the park, the years, the policy paths and a roadmap of dated interventions."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from parktwin.data import constant, table
from parktwin.spec.park import ID_PATTERN, Enterprise, Park, Strict
from parktwin.spec.uncertainty import Uncertainty

YearPath = dict[int, float]
"""A dated path {calendar year: value}; linear between points, flat beyond the ends."""


class Growth(Strict):
    default_share_per_yr: float = Field(0.03, ge=-0.5, le=0.5, description="activity (value added) growth")
    by_sector_share_per_yr: dict[str, float] = Field(default_factory=dict)
    by_firm_share_per_yr: dict[str, float] = Field(
        default_factory=dict, description="enterprise id → its own growth (negative: it shrinks); replaces its sector's rate"
    )
    intensity_decline_share_per_yr: float = Field(
        0.01, ge=-0.2, le=0.5, description="autonomous energy-intensity improvement of every firm"
    )


class GridFactor(Strict):
    series: str | None = Field(None, description="series id in data/grid_factors.csv; default: the park's region")
    override_kgco2_per_kwh: YearPath = Field(default_factory=dict, description="replaces the series where given")


class Offsets(Strict):
    start_year: int | None = Field(None, description="first year residual emissions are offset; none = never")
    max_share_of_gross: float = Field(0.05, ge=0, le=1, description="cap: offsets ≤ this share of gross emissions")
    price_cny_per_tco2: float | None = Field(
        None, ge=0, description="price paid per offset [CNY/tCO₂]; none = the CCER price of the year (data/prices.csv)"
    )


class ReviewTarget(Strict):
    """What the operator checks each year (PDCA). Missing keys are not checked."""

    net_emissions_max_tco2: float | None = None
    core_indicator_max_tco2_per_tce: float | None = None
    clean_energy_min_share: float | None = Field(None, ge=0, le=1)
    renewable_min_share: float | None = Field(None, ge=0, le=1)


class Accounting(Strict):
    electricity_tce_method: Literal["equivalent", "coal_equivalent"] = Field(
        "equivalent", description="当量 0.1229 kgce/kWh (GB/T 2589) or 等价 coal-equivalent of generation"
    )


class Outputs(Strict):
    hourly_years: list[int] = Field(default_factory=lambda: [2025, 2030, 2040, 2050])


class BatteryOperation(Strict):
    charge_efficiency: float = Field(0.92, gt=0, le=1)
    discharge_efficiency: float = Field(0.92, gt=0, le=1)
    soc_min_share: float = Field(0.05, ge=0, lt=1)
    soc_max_share: float = Field(0.95, gt=0, le=1)
    grid_charging: bool = True
    reserve_share: float = Field(
        0.0, ge=0, lt=1, description="capacity share kept for outages and binding import limits; ordinary use stops above it"
    )

    @model_validator(mode="after")
    def _window(self) -> BatteryOperation:
        if self.soc_min_share >= self.soc_max_share:
            raise ValueError("soc_min_share must be below soc_max_share")
        if self.reserve_share >= self.soc_max_share:
            raise ValueError("reserve_share must be below soc_max_share")
        return self


class Ems(Strict):
    strategy: Literal["rule_based", "optimal"] = Field(
        "rule_based", description="rules (fast, the Monte Carlo default) or a linear programme over the year (HiGHS)"
    )
    horizon_h: int | None = Field(None, ge=24, le=8760, description="optimal EMS: rolling windows of this many hours; none = the full year")
    overlap_h: int = Field(24, ge=0, le=720, description="optimal EMS: look-ahead hours beyond each window")
    battery: BatteryOperation = BatteryOperation()
    industrial_heat_pump_cop: Literal["fixed", "air_source_hourly"] = Field(
        "fixed", description="fixed: the firms' heat pumps lift 40 °C process waste heat, one COP per band; air_source_hourly: "
        "they draw on outdoor air, the COP following each hour's temperature and the band's supply temperature (docs/methods.md)"
    )


class _Intervention(Strict):
    id: str | None = Field(None, pattern=ID_PATTERN)
    year: int = Field(description="calendar year the decision is taken (1 January)")
    lead_time_days: float = Field(0.0, ge=0, le=3650, description="approval and construction; commissioning = year start + lead time")


class RooftopPv(_Intervention):
    kind: Literal["rooftop_pv"]
    enterprises: list[str] | Literal["all"] = "all"
    include_buildings: bool = True
    roof_share: float = Field(0.5, gt=0, le=1, description="share of each roof's area used")


class Battery(_Intervention):
    kind: Literal["battery"]
    energy_kwh: float = Field(gt=0)
    power_kw: float = Field(gt=0)


class Wind(_Intervention):
    kind: Literal["wind"]
    capacity_kw: float = Field(gt=0, description="turbines added on the park's own land, behind its meter [kW]")


class GreenPower(_Intervention):
    kind: Literal["green_power"]
    share: float = Field(ge=0, le=1, description="share of grid electricity under green power contracts/certificates")


class GreenPpa(_Intervention):
    kind: Literal["green_ppa"]
    technology: Literal["pv", "wind"]
    capacity_kw: float = Field(gt=0, description="contracted capacity of an off-site plant [kW]; output from the park's weather")
    matching: Literal["hourly", "annual"] = Field(
        "hourly", description="green only where the plant's output meets the park's import in the same hour, or by annual volume"
    )


class ElectrifyBoilers(_Intervention):
    kind: Literal["electrify_boilers"]
    enterprises: list[str] | Literal["all"] = "all"
    share: float = Field(gt=0, le=1, description="share of each firm's boiler fuel heat moved to electricity")
    technology: Literal["electric_boiler", "heat_pump"] = "electric_boiler"
    include_purchased_heat: bool = Field(False, description="also replace the same share of purchased steam/heat")


class HydrogenProcessHeat(_Intervention):
    kind: Literal["hydrogen_process_heat"]
    enterprises: list[str] | Literal["all"] = "all"
    share: float = Field(gt=0, le=1, description="share of the coal and gas not burnt in boilers (kilns, furnaces) replaced by green hydrogen made on site")


class Ccus(_Intervention):
    kind: Literal["ccus"]
    enterprises: list[str] | Literal["all"] = "all"
    capture_share: float = Field(0.9, gt=0, le=1, description="share of process CO₂ captured")
    destination: Literal["storage", "use_short_lived"] = Field(
        "storage",
        description="where the captured CO₂ goes: 'storage' (permanent geological storage: not emitted, it leaves "
                    "scope 1 as the EU ETS MRR counts CO₂ transferred to storage) or 'use_short_lived' (urea, "
                    "methanol, beverages: released within the products' short life, so it still counts as emitted; "
                    "captured tonnes are reported beside the inventory)")


class GridUpgrade(_Intervention):
    kind: Literal["grid_upgrade"]
    import_limit_kw: float = Field(gt=0, description="the connection's new import limit [kW]")


class ElectrifyFleet(_Intervention):
    kind: Literal["electrify_fleet"]
    fleets: list[str] | Literal["all"] = "all"
    share: float = Field(gt=0, le=1, description="share of each fleet's vehicles replaced by battery-electric ones")


class Efficiency(_Intervention):
    kind: Literal["efficiency"]
    enterprises: list[str] | Literal["all"] = "all"
    share: float = Field(gt=0, lt=1, description="cut in all final energy use of the firms named")


RetrofitMeasure = Literal["envelope", "hvac", "lighting", "evaporative_cooling", "kitchen_electrification"]


class BuildingRetrofit(_Intervention):
    kind: Literal["building_retrofit"]
    buildings: list[str] | Literal["all"] = "all"
    measure: RetrofitMeasure = Field(description="savings by end use in data/building_retrofits.csv; evaporative cooling only for warehouses; kitchen electrification (gas cooking to induction) only for canteens, on their per-m² kitchen gas")
    floor_share: float = Field(1.0, gt=0, le=1, description="share of each building's floor area retrofitted")


HEAT_STORE_KINDS = tuple(table("stores").query("carrier == 'heat'")["kind"])  # hot water, molten salt, ... (data/stores.csv)


class ThermalStorage(_Intervention):
    kind: Literal[HEAT_STORE_KINDS]
    capacity_kwh: float = Field(gt=0, description="usable heat of a heat store serving its band (data/stores.csv: hot water the low band, "
                                "<100 °C; molten salt the high band) [kWh_th]")
    charge_kw: float = Field(gt=0, description="electric heater charging it in valley and renewable-surplus hours [kW_th]")
    discharge_kw: float = Field(gt=0, description="heat it delivers in peak hours [kW_th]")


class ColdStorage(_Intervention):
    kind: Literal["cold_storage"]
    capacity_kwh: float = Field(gt=0, description="usable cold of an ice or chilled-water store serving the buildings' cooling [kWh_th]")
    charge_kw: float = Field(gt=0, description="ice-making chiller charging it in valley and renewable-surplus hours [kW_th of cold]")
    discharge_kw: float = Field(gt=0, description="cold it delivers to the buildings in peak hours [kW_th]")


class HydrogenTank(_Intervention):
    kind: Literal["hydrogen_tank"]
    tank_kg: float = Field(gt=0, description="compressed hydrogen tank between the electrolysers and the burners [kg]")
    electrolyser_kw: float = Field(0.0, ge=0, description="electrolysers added to the firms' own (sized to their peak use) [kW_e]")
    fuel_cell_kw: float = Field(0.0, ge=0, description="fuel cell turning stored hydrogen into electricity in peak hours [kW_e]")


class BiomethaneChp(_Intervention):
    kind: Literal["biomethane_chp"]
    electric_kw: float = Field(gt=0, description="electrical capacity of a heat-led gas-engine CHP on biomethane [kW_e]")


class WasteHeatRecovery(_Intervention):
    kind: Literal["waste_heat_recovery"]
    enterprises: list[str] = Field(min_length=1, description="firms whose processes release the heat; their shift profiles shape when it is there")
    capacity_kw: float = Field(gt=0, description="recovered heat at the sources' busiest hour [kW_th]")
    band: Literal["low", "medium"] = Field("low", description="band the recovered heat reaches (<100 °C or 100-200 °C)")


ResourceMeasureKind = Literal["water_reuse", "reclaimed_water", "solid_waste_utilisation", "waste_heat_use"]


class ResourceMeasure(_Intervention):
    """A measure on the firms' water, solid-waste or waste-heat accounts (agents/resources.py).

    ``target_share`` by measure: water_reuse — the firm's industrial water reuse share (reused ÷
    all water used) raised to it by an in-plant reuse plant; reclaimed_water — share of the firm's
    remaining fresh water replaced by the park's reclaimed-water plant; solid_waste_utilisation —
    utilised ÷ generated raised to it; waste_heat_use — recovered ÷ available waste heat raised to it
    (the recovered heat displaces the firm's boiler fuel, then bought heat, in the bands it reaches).
    """

    kind: Literal["resource_measure"]
    measure: ResourceMeasureKind = Field(description="which account the measure acts on; costs and electricity in data/technologies.csv and data/resource_measures.csv")
    enterprises: list[str] | Literal["all"] = "all"
    target_share: float = Field(gt=0, le=1, description="the share the measure raises (see the measure), 0..1")


class DirectAirCapture(_Intervention):
    kind: Literal["direct_air_capture"]
    capacity_tco2_per_yr: float = Field(
        gt=0, description="direct air capture with permanent geological storage, run by the park operator: CO₂ removed from "
                          "the air a year at full load, every hour of the year [tCO₂/yr]. Its removals are booked beside the green "
                          "space's (they lower net emissions, not scope 1, and are not offsets); its electricity — 0.4 MWh/tCO₂ for "
                          "fans and compression plus 1.6 MWh_th/tCO₂ of heat from air-source heat pumps — is park load, dispatched, "
                          "billed and counted in scope 2 like any other (data/constants.csv dac_*). CO₂ transport and storage "
                          "costs are not included")


INTERVENTIONS = (
    RooftopPv, Wind, Battery, GreenPower, GreenPpa, ElectrifyBoilers, ElectrifyFleet, Efficiency, HydrogenProcessHeat, Ccus, GridUpgrade,
    BuildingRetrofit, ResourceMeasure,
    ThermalStorage, HydrogenTank, BiomethaneChp, WasteHeatRecovery,
    ColdStorage, DirectAirCapture,
)
INTERVENTION_KINDS = frozenset(kind for cls in INTERVENTIONS for kind in cls.model_fields["kind"].annotation.__args__)

Intervention = Annotated[Union[INTERVENTIONS], Field(discriminator="kind")]


class Spread(Strict):
    """A trait drawn per agent from the run's seed: normal(mean, sd), clipped to [low, high]."""

    mean: float
    sd: float = Field(0.0, ge=0)
    low: float = 0.0
    high: float = 1e9


DecisionMeasure = Literal["heat_pump", "electric_boiler", "efficiency"]


class Decisions(Strict):
    """Enterprises decide their own measures each year, by NPV at their own hurdle rate."""

    enabled: bool = False
    measures: list[DecisionMeasure] = Field(default_factory=lambda: ["heat_pump", "electric_boiler", "efficiency"])
    heat_step_share: float = Field(0.25, gt=0, le=1, description="share of the heat still on fossil boilers moved in one decision")
    efficiency_step_share: float = Field(0.05, gt=0, lt=1, description="energy cut of one efficiency programme")
    efficiency_interval_yr: int = Field(5, ge=1, description="a firm starts at most one efficiency programme per this many years")
    expectation: Literal["myopic", "foresight"] = Field(
        "myopic", description="carbon price a firm expects: this year's, or the mean of the scenario's path ahead"
    )
    foresight_yr: int = Field(15, ge=1, le=40, description="with foresight: the years ahead whose carbon prices a firm averages")
    hurdle_rate: Spread = Spread(mean=0.10, sd=0.03, low=0.02, high=0.3)
    discount_rate: Literal["hurdle", "wacc"] = Field(
        "hurdle", description="a firm discounts a measure at its hurdle rate, or at its cost of capital with the instrument "
        "that would finance it (equity at the hurdle rate, debt at the instrument's rate; data/finance_instruments.csv)",
    )
    payback_limit_yr: Spread = Spread(mean=6.0, sd=2.0, low=1.0, high=20.0)
    openness: Spread = Field(Spread(mean=0.8, sd=0.15, low=0.05, high=1.0), description="chance a firm looks at its options in a year")
    budget_share_of_value_added: float | None = Field(
        0.05, ge=0, description="yearly capex budget as a share of the firm's value added; none = unlimited"
    )
    peer_effect: float = Field(0.0, ge=0, le=5, description="openness × (1 + this × share of sector peers that adopted)")
    resource_targets: dict[Literal["water_reuse", "solid_waste_utilisation", "waste_heat_use"], float] = Field(
        default_factory=dict,
        description="resource measures firms weigh by NPV like the others, each with the target share it would raise the firm's account to "
                    "(see the roadmap kind resource_measure); empty: none",
    )


class Mandate(Strict):
    measure: Literal["electrify_heat"] = "electrify_heat"
    start_year: int
    share: float = Field(gt=0, le=1, description="share of the firm's boiler heat electrified from the start year")
    sectors: list[str] | Literal["all"] = "all"


class NewFirmStandards(Strict):
    """What a firm entering the park is built to (electrify-heat mandates in force apply to it too)."""

    from_year: int | None = Field(None, description="first entry year the standards apply to; none = every entrant")
    no_coal: bool = Field(False, description="no new coal: the entrant's coal is burnt as natural gas (boilers at equal useful heat)")
    rooftop_pv_roof_share: float = Field(0.0, ge=0, le=1, description="PV on new roofs: share of the entrant's roof the operator covers at entry")


def _carbon_policy_value(name: str) -> float:
    df = table("carbon_policy")
    return float(df.loc[df["name"] == name, "value"].iloc[0])


class CarbonPolicy(Strict):
    """Who pays for CO₂: a tax on every firm's scope-1 CO₂, the national ETS, or none (docs/economics.md)."""

    kind: Literal["tax", "ets", "none"] = Field(
        "tax", description="tax: every firm pays on all its scope-1 CO₂; ets: firms at or above the threshold pay on "
        "emissions above their free allowances (benchmark × value added) and earn on those below; none: nobody pays",
    )
    tax_cny_per_tco2: YearPath = Field(default_factory=dict, description="the tax rate path; empty: carbon_price_cny_per_tco2")
    ets_threshold_tco2_per_yr: float = Field(
        default_factory=lambda: _carbon_policy_value("ets_threshold_tco2_per_yr"), ge=0,
        description="a firm is covered in a year its scope-1 CO₂ reaches this (default: data/carbon_policy.csv, national ETS 26,000 t)",
    )
    ets_sectors: list[str] | Literal["all"] = Field("all", description="sectors the ETS covers (above the threshold)")
    allocation_scale: YearPath = Field(
        default_factory=dict, description="benchmarks (data/ets_benchmarks.csv) × this path, e.g. tightening; empty: 1"
    )
    banking: bool = Field(False, description="ETS: a covered firm banks its unused allowances for later years instead of selling them")
    banking_cap_share: float = Field(
        default_factory=lambda: _carbon_policy_value("ets_banking_cap_share"), ge=0,
        description="ETS banking: a firm's bank at most this share of its free allocation of the year (default: data/carbon_policy.csv)",
    )


class Cbam(Strict):
    """The EU's carbon border adjustment on the park's exports of CBAM goods (economics/cbam.py)."""

    eu_carbon_price_eur_per_tco2: YearPath = Field(
        default_factory=dict, description="EU ETS / CBAM certificate price path [EUR of the base year per tCO₂]; "
        "empty: certificates are counted but not priced")


class Policy(Strict):
    carbon: CarbonPolicy = CarbonPolicy()
    cbam: Cbam = Cbam()
    carbon_price_in_decisions: bool = Field(True, description="firms weigh the carbon price on their scope-1 CO₂")
    capex_subsidy_share: dict[DecisionMeasure, float] = Field(default_factory=dict, description="share of capex paid by the park's fund")
    mandates: list[Mandate] = Field(default_factory=list)
    approval_days: float = Field(120.0, ge=0, le=1000, description="approval and construction of a firm's own project (SimPy time)")
    new_firms: NewFirmStandards = NewFirmStandards()


class DataOverrides(Strict):
    """Replace shipped reference values for this scenario (e.g. an assumption sampled in Monte Carlo)."""

    constants: dict[str, float] = Field(default_factory=dict, description="name in data/constants.csv → value (its unit)")
    prices_cny: dict[str, float] = Field(default_factory=dict, description="carrier in data/prices.csv → a flat price (its unit)")
    capex_factor: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict,
        description="technology in data/technologies.csv → multiplier on its capex and fixed O&M (e.g. a Chinese price "
                    "against the DEA's European one stood in for it; a Monte Carlo input)")


class Mobility(Strict):
    charging: Literal["simulated", "depot_night"] = Field(
        "simulated", description="fleets' charging profile from the SimPy depot model, or a fixed night shape"
    )
    policy: Literal["immediate", "smart"] = Field("immediate", description="charge on arrival, or in valley hours (still meeting departures)")
    vehicles_per_charger: float = Field(2.0, gt=0, le=50)


class BuildingPolicy(Strict):
    """New floor area and the standard it is built to (data/building_standards.csv)."""

    floor_area_growth_share_per_yr: float = Field(
        0.0, ge=0, le=0.2, description="new floor area each year as a share of each building's floor area at the year's start"
    )
    new_standard: Literal["current_code", "ultra_low_energy", "near_zero_energy"] = Field(
        "current_code", description="standard of new floor area from new_standard_from_year (current code before)"
    )
    new_standard_from_year: int | None = Field(None, description="first year new floor area follows new_standard; none = from the first simulated year")
    retrofit_decisions: bool = Field(False, description="the owner retrofits a building when the measure's NPV at its hurdle rate is positive")
    retrofit_measures: list[RetrofitMeasure] = Field(
        default_factory=lambda: ["envelope", "hvac", "lighting", "evaporative_cooling"],
        description="measures the owner weighs; kitchen_electrification only when listed (not a default, so scenarios written before it keep their results)",
    )
    hurdle_rate: float = Field(0.08, ge=0, le=0.5, description="owner's discount rate for retrofits")
    payback_limit_yr: float = Field(10.0, gt=0, le=40, description="longest simple payback the owner accepts [yr]")


class FleetPolicy(Strict):
    """Fleet turnover: vehicles retire at the end of their catalogue life and their owners choose
    the replacement (diesel, battery-electric, fuel-cell) by total cost of ownership."""

    turnover: bool = Field(False, description="retire and replace vehicles; off: fleets keep their base-year vehicles")
    powertrains: list[Literal["diesel", "bev", "fcev"]] = Field(
        default_factory=lambda: ["diesel", "bev", "fcev"], description="replacements an owner may choose (where the catalogue has the model)"
    )
    nev_mandate_from_year: int | None = Field(None, description="from this year only battery-electric or fuel-cell replacements (新能源 mandate)")
    hurdle_rate: Spread = Field(Spread(mean=0.10, sd=0.03, low=0.02, high=0.3), description="owner's discount rate in the total cost of ownership")
    nev_preference: Spread = Field(
        Spread(mean=0.0, sd=0.0, low=-0.5, high=0.5),
        description="owner's preference for new-energy vehicles: their cost of ownership counted × (1 − this); negative = aversion",
    )
    hydrogen_dispensers: int = Field(2, ge=1, le=50, description="dispensers of the park's hydrogen station (a SimPy resource)")


class Finance(Strict):
    social_discount_rate: float = Field(
        default_factory=lambda: constant("social_discount_rate"), ge=0, le=0.3,
        description="real rate for the pathway's system cost (default: data/constants.csv, NDRC 2006 guidance 8 %)",
    )
    operator_cost_of_equity: float = Field(
        default_factory=lambda: _carbon_policy_value("operator_cost_of_equity"), ge=0, le=0.5,
        description="real rate at which the park operator discounts its own cash flows (default: data/carbon_policy.csv); "
        "firms use their hurdle rate (decisions.hurdle_rate)",
    )


class Outages(Strict):
    """Grid outages as SimPy events: Poisson arrivals, exponential durations, seeded per run."""

    rate_per_yr: float = Field(0.0, ge=0, le=365, description="expected number of grid outages per year")
    mean_duration_h: float = Field(4.0, gt=0, le=720, description="mean outage duration [h]")
    critical_load_share: float = Field(
        0.2, ge=0, le=1, description="share of the load that must stay served in an outage; the rest is shed"
    )


class GridExpansion(Strict):
    """The operator's rule: order a bigger grid connection when the last year's peak came close."""

    trigger_share: float = Field(0.9, gt=0, le=1, description="expand when last year's peak import ≥ this share of the limit")
    step_share: float = Field(0.25, gt=0, le=5, description="each expansion adds this share of the current limit")
    lead_time_days: float = Field(365.0, ge=0, le=3650)


ReviewIndicator = Literal["net_tco2", "core_indicator_tco2_per_tce", "clean_energy_share", "renewable_share"]


class _Escalation(Strict):
    """One PDCA rule: when a watched indicator is off its review target, act for next year."""

    id: str = Field(pattern=ID_PATTERN)
    watch: list[ReviewIndicator] = Field(
        default_factory=lambda: ["net_tco2"], min_length=1,
        description="indicators checked against the review targets' glide path; off track on any of them ⇒ act",
    )
    from_year: int | None = Field(None, description="first year whose review may trigger the rule; none = any")


class MoreGreenContracts(_Escalation):
    action: Literal["more_green_contracts"]
    step_share_per_yr: float = Field(gt=0, le=1, description="raise of the green power share per off-track year")
    max_share: float = Field(ge=0, le=1, description="cap on the green power share the rule buys")
    lead_time_days: float = Field(0.0, ge=0, le=365, description="contracting time after 1 January of the next year")


class ParkSubsidyFund(_Escalation):
    action: Literal["park_subsidy_fund"]
    budget_cny_per_yr: float = Field(gt=0, description="money put into the fund after each off-track year [CNY]")
    capex_share: float = Field(gt=0, lt=1, description="share of a firm's capex (after other subsidies) the fund pays while it has money")
    measures: list[DecisionMeasure] = Field(default_factory=lambda: ["heat_pump", "electric_boiler", "efficiency"])


class FasterPv(_Escalation):
    action: Literal["faster_pv"]
    kwp_per_yr: float = Field(gt=0, description="rooftop PV added after each off-track year [kWp]")
    max_roof_share: float = Field(0.8, gt=0, le=1, description="no roof is covered beyond this share of its area")
    lead_time_days: float = Field(180.0, ge=0, le=3650)
    advance_roadmap: bool = Field(
        False, description="first bring the roadmap's next rooftop_pv item forward to next year; add kwp_per_yr once none is left"
    )


EscalationRule = Annotated[Union[MoreGreenContracts, ParkSubsidyFund, FasterPv], Field(discriminator="action")]


class OperatorRules(Strict):
    grid_expansion: GridExpansion | None = GridExpansion()
    escalation: list[EscalationRule] = Field(
        default_factory=list, description="PDCA: with rules here the operator checks every year and acts when off track"
    )


class Entrant(Strict):
    """A firm that enters the park: described like the park file's enterprise, as it is at entry."""

    year: int = Field(description="calendar year of entry")
    day: float = Field(0.0, ge=0, lt=365, description="day of the year it starts operating")
    enterprise: Enterprise


class Exit(Strict):
    """A firm that leaves the park: its loads and emissions stop from this hour."""

    id: str = Field(pattern=ID_PATTERN, description="enterprise id (the park's or an entrant's)")
    year: int
    day: float = Field(0.0, ge=0, lt=365)


class EntryProcess(Strict):
    """Seeded entrants: Poisson arrivals per year, each a copy of one of the park's own firms, rescaled."""

    rate_per_yr: float = Field(gt=0, le=50, description="expected entrants per year")
    sectors: list[str] | Literal["all"] = Field("all", description="sectors whose park firms serve as templates")
    size_sd_log: float = Field(0.3, ge=0, le=2, description="sd of log(entrant size / template size); median size = the template's")
    from_year: int | None = Field(None, description="first year with entrants; none = the first simulated year")


class Population(Strict):
    """Firms grow (``growth``), enter and leave the park."""

    entrants: list[Entrant] = Field(default_factory=list)
    exits: list[Exit] = Field(default_factory=list)
    entry: EntryProcess | None = None
    exit_hazard_per_yr: float = Field(0.0, ge=0, le=0.5, description="chance each firm leaves in a year (seeded), besides the listed exits")


class Scenario(Strict):
    name: str
    description: str = ""
    park: Park
    horizon_years: int = Field(25, ge=1, le=60, description="years simulated after the base year")
    growth: Growth = Growth()
    carbon_price_cny_per_tco2: YearPath = Field(default_factory=dict)
    grid_factor: GridFactor = GridFactor()
    offsets: Offsets = Offsets()
    roadmap: list[Intervention] = Field(default_factory=list)
    operator: OperatorRules = OperatorRules()
    population: Population = Population()
    outages: Outages = Outages()
    finance: Finance = Finance()
    mobility: Mobility = Mobility()
    buildings: BuildingPolicy = BuildingPolicy()
    fleets: FleetPolicy = FleetPolicy()
    decisions: Decisions = Decisions()
    data: DataOverrides = DataOverrides()
    policy: Policy = Policy()
    review_targets: dict[int, ReviewTarget] = Field(default_factory=dict)
    accounting: Accounting = Accounting()
    ems: Ems = Ems()
    outputs: Outputs = Outputs()
    uncertainty: Uncertainty = Field(default_factory=Uncertainty, description="uncertain inputs for Monte Carlo batches (parktwin mc); empty: none")

    @model_validator(mode="after")
    def _fund_needs_deciding_firms(self) -> Scenario:
        funds = [rule.id for rule in self.operator.escalation if rule.action == "park_subsidy_fund"]
        if len(funds) > 1:
            raise ValueError(f"operator.escalation: at most one park_subsidy_fund rule (got {funds})")
        for i, rule in enumerate(self.operator.escalation):
            if rule.action == "park_subsidy_fund" and not self.decisions.enabled:
                raise ValueError(f"operator.escalation.{i} ({rule.id}): a park_subsidy_fund needs decisions.enabled: true (firms must decide to use it)")
        return self

    @property
    def base_year(self) -> int:
        return self.park.base_year

    @property
    def years(self) -> list[int]:
        return list(range(self.base_year, self.base_year + self.horizon_years + 1))

"""The physical park in its base year (``models/*.yaml``).

Every quantity carries its unit in its name; annual quantities are for the base year.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from parktwin.data import table
from parktwin.spec.base import ID_PATTERN, Strict
from parktwin.spec.calibration import Measured


ShiftPattern = Literal[tuple(dict.fromkeys(table("load_shapes").query("used_by == 'enterprise'")["shape"]))]
"""A firm's shift pattern: the enterprise shapes of data/load_shapes.csv (a new pattern is rows there)."""
BuildingKind = Literal["office", "dormitory", "canteen", "warehouse", "lab"]
VehicleKind = Literal["heavy_truck", "light_truck", "bus", "car", "forklift"]
Powertrain = Literal["diesel", "bev", "fcev"]
TouPeriod = Literal["valley", "flat", "peak", "critical"]


class Location(Strict):
    """Where the park is and its climate (calibration targets for the weather model)."""

    latitude_deg: float = Field(ge=-90, le=90)
    longitude_deg: float = Field(ge=-180, le=180)
    altitude_m: float = 0.0
    timezone: str = Field("Asia/Shanghai", description="IANA time zone; hours are local standard time")
    grid_region: str = Field("east_china", description="grid-factor series id in data/grid_factors.csv")
    annual_ghi_kwh_per_m2: float = Field(gt=300, lt=2800, description="long-term annual global horizontal irradiation [kWh/m²]")
    mean_temp_c: float = Field(16.0, ge=-30, le=40)
    temp_annual_amplitude_c: float = Field(12.0, ge=0, le=40)
    temp_diurnal_amplitude_c: float = Field(4.0, ge=0, le=20)
    climate_source: str = Field("", description="where the irradiation and temperature come from")
    weather_file: str | None = Field(
        None, description="measured weather year (EPW, TMY3, TMY2 or CSV), relative to the park file; replaces the synthetic weather"
    )
    weather_file_mode: Literal["repeat", "resample_days"] = Field(
        "repeat", description="every year the file's year, or whole days redrawn per month (seeded)"
    )
    wind_mean_m_per_s: float = Field(5.0, ge=0, le=20, description="long-run mean wind speed at 10 m [m/s]")
    wind_weibull_k: float = Field(2.0, gt=0.5, le=5, description="Weibull shape of hourly wind speeds")


class TouTariff(Strict):
    """Time-of-use tariff: each hour of the day (0..23) belongs to exactly one period."""

    valley_hours: list[int]
    flat_hours: list[int]
    peak_hours: list[int]
    critical_hours: list[int] = Field(default_factory=list, description="critical-peak hours, only in critical_months")
    critical_months: list[int] = Field(default_factory=lambda: [7, 8])
    price_cny_per_kwh: dict[TouPeriod, float]
    demand_charge_cny_per_kw_month: float = Field(0.0, ge=0)
    source: str = ""

    @model_validator(mode="after")
    def _hours_cover_day(self) -> TouTariff:
        base = sorted(self.valley_hours + self.flat_hours + self.peak_hours)
        if base != list(range(24)):
            missing = sorted(set(range(24)) - set(base))
            twice = sorted({h for h in base if base.count(h) > 1})
            raise ValueError(
                "valley_hours + flat_hours + peak_hours must cover hours 0..23 exactly once"
                f" (missing {missing}, listed twice {twice})"
            )
        if not set(self.critical_hours) <= set(self.peak_hours):
            raise ValueError("critical_hours must be a subset of peak_hours")
        if any(not 1 <= m <= 12 for m in self.critical_months):
            raise ValueError("critical_months must be months 1..12")
        needed = {"valley", "flat", "peak"} | ({"critical"} if self.critical_hours else set())
        if missing_prices := sorted(needed - set(self.price_cny_per_kwh)):
            raise ValueError(f"price_cny_per_kwh needs a price for {missing_prices}")
        if any(p < 0 for p in self.price_cny_per_kwh.values()):
            raise ValueError("price_cny_per_kwh must not be negative")
        return self


class GridConnection(Strict):
    import_limit_kw: float = Field(gt=0, description="transformer / contract import limit [kW]")
    export_limit_kw: float = Field(0.0, ge=0, description="0 forbids export [kW]")
    feed_in_price_cny_per_kwh: float = Field(0.0, ge=0)
    tariff: TouTariff


class MeasuredSeries(Strict):
    """A measured hourly or sub-hourly series (CSV or Parquet): the base year as measured, and its
    shape in later years (energy.measured, docs/own-data.md)."""

    file: str = Field(description="CSV or Parquet file, relative to the park file")
    time_column: str = Field("time", description="column of interval-start timestamps")
    value_column: str = Field("value", description="column of values")
    unit: Literal["kW", "MW", "kWh", "MWh"] = Field(
        "kW", description="kW or MW: average power over the interval; kWh or MWh: energy in the interval"
    )
    label: Literal["start", "end"] = Field(
        "start", description="a timestamp marks the start or the end of its interval (meters that write 00:15 … 24:00)"
    )
    timezone: str | None = Field(
        None, description="the timestamps' IANA zone (local clock time, daylight saving included) or offset (UTC+08:00); default: the park's"
    )
    fill: Literal["none", "linear", "profile"] = Field(
        "none", description="missing intervals: none refuses them; linear interpolates; profile takes the same time a week before and after"
    )
    max_gap_h: float | None = Field(None, gt=0, description="longest gap a fill may fill [h]; needed with linear and profile")
    source: str = ""

    @model_validator(mode="after")
    def _gap_with_fill(self) -> MeasuredSeries:
        if self.fill != "none" and self.max_gap_h is None:
            raise ValueError(f"fill: {self.fill} needs max_gap_h, the longest gap it may fill [h]")
        return self


class EnergyUse(Strict):
    """Annual final energy use by carrier, base year."""

    electricity_mwh: float = Field(0.0, ge=0)
    coal_t: float = Field(0.0, ge=0)
    natural_gas_km3: float = Field(0.0, ge=0, description="thousand cubic metres")
    diesel_t: float = Field(0.0, ge=0)
    purchased_heat_gj: float = Field(0.0, ge=0, description="steam/hot water bought from outside the park")


class WaterUse(Strict):
    """An enterprise's water in the base year [m³/yr]; it scales with the firm's output."""

    fresh_water_m3: float = Field(ge=0, description="fresh water withdrawn (取用新水量) [m³/yr]")
    reused_water_m3: float = Field(
        0.0, ge=0, description="water used again inside the firm: recirculated cooling and cascaded process water (重复利用水量) [m³/yr]"
    )
    reclaimed_water_m3: float = Field(0.0, ge=0, description="reclaimed (treated waste) water used instead of fresh water (再生水/中水) [m³/yr]")
    wastewater_m3: float | None = Field(
        None, ge=0, description="wastewater treated (污水处理量) [m³/yr]; the base of the reclaimed-water reuse rate, which is not assessed without it"
    )
    source: str = ""


class SolidWaste(Strict):
    """An enterprise's industrial solid waste in the base year [t/yr]; it scales with the firm's output."""

    generated_t: float = Field(ge=0, description="industrial solid waste generated (产生量) [t/yr]")
    utilised_t: float = Field(0.0, ge=0, description="of it, comprehensively used (综合利用量), outside the park's listed exchanges [t/yr]")
    kinds_t: dict[str, float] = Field(default_factory=dict, description="generated waste by kind (gypsum, fly_ash, slag, sludge …) [t/yr]; an exchange of that kind from this firm may not send more")
    source: str = ""

    @model_validator(mode="after")
    def _used_within_generated(self) -> SolidWaste:
        if self.utilised_t > self.generated_t:
            raise ValueError(f"utilised_t ({self.utilised_t}) must not exceed generated_t ({self.generated_t})")
        if any(v < 0 for v in self.kinds_t.values()):
            raise ValueError("kinds_t must not be negative")
        return self


class WasteHeat(Strict):
    """Recoverable waste heat, cold and pressure of an enterprise in the base year [GJ/yr]."""

    available_gj: float = Field(ge=0, description="waste heat, cold and pressure energy that could be recovered (余热/余冷/余压资源量) [GJ/yr]")
    temperature_c: float | None = Field(None, description="temperature of the main waste-heat stream [°C]")
    recovered_gj: float = Field(0.0, ge=0, description="of it, recovered and used, outside the park's listed exchanges [GJ/yr]")
    source: str = ""

    @model_validator(mode="after")
    def _recovered_within_available(self) -> WasteHeat:
        if self.recovered_gj > self.available_gj:
            raise ValueError(f"recovered_gj ({self.recovered_gj}) must not exceed available_gj ({self.available_gj})")
        return self


ExchangeKind = Literal[
    "steam", "waste_heat", "fuel_gas", "treated_water", "cooling_water", "gypsum", "fly_ash", "slag", "spent_acid",
    "organic_residue", "residue",
]
ExchangeFuel = Literal["coal", "natural_gas", "diesel"]
EXTERNAL_PREFIX = "external:"


class SymbiosisExchange(Strict):
    """A candidate exchange between two enterprises, stated physically (symbiosis/exchanges.py).

    ``supplier`` and ``receiver`` are enterprise ids, or ``external:<name>`` for a partner outside
    the park (its side's energy is outside the park's boundary). The quantity's unit follows the
    kind: steam t/yr, waste_heat and fuel_gas GJ/yr, water m³/yr, materials t/yr.
    """

    id: str = Field(pattern=ID_PATTERN)
    supplier: str
    receiver: str
    kind: ExchangeKind
    quantity: float = Field(gt=0, description="per year, in the kind's unit (t/yr, GJ/yr or m³/yr)")
    distance_km: float = Field(0.0, ge=0, description="pipe length or truck distance [km]")
    capex_cny: float = Field(0.0, ge=0, description="pipes, pumps, heat exchangers, handling [CNY]")
    opex_cny_per_yr: float = Field(0.0, ge=0)
    receiver_fuel: ExchangeFuel | None = Field("coal", description="what the receiver would burn for this heat or gas; null: no fossil counterfactual")
    pressure_mpa: float = Field(1.0, ge=0.3, le=4.0, description="steam pressure [MPa]")
    temperature_c: float | None = Field(None, description="steam superheat, or the waste-heat source temperature [°C]")
    use_temperature_c: float | None = Field(None, description="temperature the receiver needs (waste heat) [°C]")
    supplier_extra_fuel_share: float = Field(0.0, ge=0, description="GJ of supplier fuel burnt per GJ delivered (0: pure surplus)")
    supplier_fuel: ExchangeFuel = "coal"
    transport: Literal["pipe", "truck"] = "pipe"
    lifetime_yr: int = Field(20, ge=1, le=60)
    capex_supplier_share: float = Field(0.5, ge=0, le=1)
    transfer_price_cny_per_unit: float | None = Field(None, description="price the receiver pays per unit; null: the price sharing the gain evenly")
    lead_time_days: float = Field(180.0, ge=0, description="from the decision to the first delivery [days]")
    earliest_year: int | None = Field(None, description="not before this year (default: the first simulated year after the base year)")
    scales_with_supplier: bool = Field(
        True, description="the quantity follows the supplier's output (activity relative to the base year); false: a fixed contract quantity"
    )
    note: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _two_parties(self) -> SymbiosisExchange:
        if self.supplier == self.receiver:
            raise ValueError("supplier and receiver must differ")
        if self.supplier.startswith(EXTERNAL_PREFIX) and self.receiver.startswith(EXTERNAL_PREFIX):
            raise ValueError("at least one side must be an enterprise of the park")
        return self


class Product(Strict):
    """One product line of an enterprise in the base year; its output follows the firm's activity.

    ``product`` is an id of ``data/products.csv``; ``unit`` must be that row's unit (t, MWh, GJ,
    weight_box). The firm's energy use and scope-1 CO₂ are attributed to its products by
    ``energy_share`` (docs/products.md).
    """

    product: str = Field(description="product id in data/products.csv")
    output: float = Field(gt=0, description="annual output in the base year, in ``unit``")
    unit: str = Field(description="unit of ``output``: the product's unit in data/products.csv (t, MWh, GJ, weight_box)")
    energy_share: float | None = Field(
        None, ge=0, le=1, description="share of the firm's energy use (and scope-1 CO₂) this product line takes; "
        "default: the whole firm for a single product, else the rest split by output × the product's grade-2 limit")
    export_share: float = Field(0.0, ge=0, le=1, description="share of the output exported")
    export_destination: Literal["EU", "other"] | None = Field(None, description="where the exports go; EU: CBAM applies to CBAM goods")
    source: str = ""

    @model_validator(mode="after")
    def _destination_with_exports(self) -> Product:
        if self.export_share > 0 and self.export_destination is None:
            raise ValueError("export_share > 0 needs export_destination (EU or other)")
        return self


class Enterprise(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    sector: str = Field(description="sector id in data/sectors.csv")
    value_added_mcny: float = Field(gt=0, description="industrial value added, base year [million CNY]")
    employees: int = Field(0, ge=0)
    energy: EnergyUse
    process_emissions_tco2: float = Field(0.0, ge=0, description="industrial-process CO₂, base year")
    fuel_heat_share: float = Field(
        1.0, ge=0, le=1, description="share of coal and gas burnt in boilers for heat (the rest is feedstock or kilns)"
    )
    heat_band_shares: dict[Literal["low", "medium", "high"], float] | None = Field(
        None, description="process heat by temperature band (<100, 100-200, >200 °C); default: the sector's (data/heat_bands.csv)"
    )
    roof_area_m2: float = Field(0.0, ge=0)
    shift_pattern: ShiftPattern = "two_shift_2x8"
    water: WaterUse | None = Field(None, description="water withdrawn, reused and reclaimed; absent: water indicators not assessed")
    solid_waste: SolidWaste | None = Field(None, description="industrial solid waste generated and used; absent: not assessed")
    waste_heat: WasteHeat | None = Field(None, description="waste heat/cold/pressure available and recovered; absent: not assessed")
    products: list[Product] = Field(
        default_factory=list, description="product lines and their output (data/products.csv); absent: the product "
        "unit-energy indicator is not assessed for a firm whose sector has a limit standard, and ETS allocation stays on value added")
    measured_series: MeasuredSeries | None = Field(
        None, description="measured electricity load; its sum must agree with energy.electricity_mwh (data/constants.csv tolerance)"
    )
    source: str = ""

    @model_validator(mode="after")
    def _bands_complete(self) -> Enterprise:
        bands = self.heat_band_shares
        if bands is not None:
            if set(bands) != {"low", "medium", "high"} or any(v < 0 for v in bands.values()):
                raise ValueError("heat_band_shares needs low, medium and high, each ≥ 0")
            if abs(sum(bands.values()) - 1.0) > 1e-6:
                raise ValueError(f"heat_band_shares must sum to 1 (got {sum(bands.values()):.4f})")
        shares = [p.energy_share for p in self.products if p.energy_share is not None]
        if sum(shares) > 1.0 + 1e-9:
            raise ValueError(f"products' energy_share must sum to at most 1 (got {sum(shares):.4f})")
        return self


class Building(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = ""
    kind: BuildingKind
    floor_area_m2: float = Field(gt=0)
    vintage_year: int = Field(
        2010, ge=1900, le=2100, description="year built; picks the default intensities and the heating/cooling factor of data/building_stock.csv"
    )
    electricity_kwh_per_m2: float | None = Field(
        None, ge=0, description="energy-use intensity, electricity [kWh/m²·yr]; default: data/building_stock.csv by kind and vintage"
    )
    natural_gas_m3_per_m2: float = Field(
        0.0, ge=0, description="gas besides the modelled space heating [m³/m²·yr]: a canteen's kitchen gas (kitchen electrification "
                               "replaces it), or heating not modelled by heating_kwh_per_m2_yr"
    )
    heating_kwh_per_m2_yr: float = Field(
        0.0, ge=0, description="space heating demand in the park's average climate [kWh_th/m²·yr], spread by the hourly temperature"
    )
    cooling_kwh_per_m2_yr: float = Field(
        0.0, ge=0, description="space cooling demand in the park's average climate [kWh_th/m²·yr], spread by the hourly temperature"
    )
    heating_system: Literal["heat_pump", "gas_boiler"] = "heat_pump"
    roof_area_m2: float = Field(0.0, ge=0)
    green_certified: bool = Field(False, description="a certified green building (绿色建筑, GB/T 50378) in the base year")
    measured_series: MeasuredSeries | None = Field(
        None, description="measured electricity (HVAC included); its sum must agree with floor area × intensity + HVAC"
    )
    source: str = ""


class Fleet(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = ""
    owner: str = Field("operator", description="enterprise id, or 'operator'")
    vehicle: VehicleKind
    count: int = Field(ge=0)
    km_per_vehicle_yr: float = Field(gt=0)
    powertrain: Powertrain = "diesel"
    diesel_l_per_100km: float = Field(0.0, ge=0)
    bev_kwh_per_km: float = Field(gt=0, description="consumption once electrified [kWh/km]")
    fcev_kwh_h2_per_km: float | None = Field(
        None, gt=0, description="hydrogen use of a fuel-cell model [kWh LHV/km]; default: bev_kwh_per_km × data/vehicle_turnover.csv ratio"
    )
    mean_age_yr: float | None = Field(
        None, ge=0, le=30, description="mean age of the vehicles in the base year (ages uniform); default: half the catalogue life"
    )
    measured_series: MeasuredSeries | None = Field(
        None, description="measured charging load of a battery-electric fleet; calibrates its kWh per km"
    )
    source: str = ""


class GreenSpace(Strict):
    area_ha: float = Field(ge=0)
    crown_cover_share: float = Field(0.3, ge=0, le=1, description="tree crown cover as a share of the green area")


class ExistingAssets(Strict):
    pv_kwp: float = Field(0.0, ge=0)
    wind_kw: float = Field(0.0, ge=0)
    battery_kwh: float = Field(0.0, ge=0)
    battery_kw: float = Field(0.0, ge=0)
    pv_measured_series: MeasuredSeries | None = Field(None, description="measured AC output of the existing pv_kwp")


class PvDesign(Strict):
    tilt_deg: float = Field(20.0, ge=0, le=90)
    azimuth_deg: float = Field(180.0, ge=0, lt=360)
    system_losses_share: float = Field(0.14, ge=0, lt=1)
    kwp_per_roof_m2: float = Field(0.15, gt=0, le=0.25, description="installable DC capacity per m² of usable roof")


class WindDesign(Strict):
    hub_height_m: float = Field(100.0, gt=10, le=250)
    losses_share: float = Field(0.1, ge=0, lt=1, description="wake, availability and electrical losses")


class Park(Strict):
    """The park file. Unique ids and references are checked by ``spec.load`` (all problems at once)."""

    name: str
    description: str = ""
    base_year: int = Field(2025, ge=2000, le=2100)
    location: Location
    grid: GridConnection
    enterprises: list[Enterprise] = Field(min_length=1)
    buildings: list[Building] = Field(default_factory=list)
    fleets: list[Fleet] = Field(default_factory=list)
    green_space: GreenSpace = GreenSpace(area_ha=0.0)
    assets: ExistingAssets = ExistingAssets()
    pv_design: PvDesign = PvDesign()
    wind_design: WindDesign = WindDesign()
    exchanges: list[SymbiosisExchange] = Field(
        default_factory=list, description="candidate symbiosis exchanges; each commissions when both sides gain (NPV)"
    )
    sources: list[str] = Field(default_factory=list, description="citations for the park's data")
    measured: Measured | None = Field(
        None, description="measured base-year totals (park and per enterprise); the run reports the reconciliation against them. "
        "Alternatively in <name>.measured.yaml beside the park file (not both)"
    )

    def entity_ids(self) -> set[str]:
        return {e.id for e in self.enterprises} | {b.id for b in self.buildings} | {f.id for f in self.fleets}

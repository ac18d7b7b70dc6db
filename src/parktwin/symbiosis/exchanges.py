"""Industrial-symbiosis exchanges between named enterprises, as physical quantities.

An ``Exchange`` states what flows (steam in t/yr at a pressure, heat in GJ/yr at a temperature,
surplus fuel gas in GJ/yr, water in m³/yr, a residue in t/yr) from a supplier to a receiver.
``effects`` turns it into fuel, water, material and CO₂ by physics and the factors of
``data/symbiosis_factors.csv`` and ``data/constants.csv``; nothing is copied from a published
total. ``both_gain`` checks that supplier and receiver both have a positive NPV at a transfer
price between them. Physics and sources: docs/stages-and-symbiosis.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from parktwin.data import constant, table
from parktwin.economics.catalogue import price_cny
from parktwin.economics.finance import npv

# kind → unit of its quantity
KINDS = {
    "steam": "t/yr",           # steam delivered at pressure_mpa (saturated, or superheated to temperature_c)
    "waste_heat": "GJ/yr",     # useful heat delivered at use_temperature_c from a source at temperature_c
    "fuel_gas": "GJ/yr",       # surplus gas (refinery off-gas) that would be flared, burnt instead of the receiver's fuel
    "treated_water": "m3/yr",  # treated effluent reused instead of fresh water
    "cooling_water": "m3/yr",  # used cooling water reused instead of fresh water
    "gypsum": "t/yr",          # FGD gypsum instead of mined gypsum
    "fly_ash": "t/yr",         # fly ash instead of cement clinker
    "slag": "t/yr",            # slag / bottom ash instead of natural aggregate
    "spent_acid": "t/yr",      # spent sulphuric acid instead of virgin acid
    "organic_residue": "t/yr", # residues to a biogas plant; biogas replaces natural gas
    "residue": "t/yr",         # other residues reused (feed, fertiliser, soil); material only, no CO₂ credit
}
FUELS = {  # receiver fuel → (constants.csv NCV key, kgCO₂ key, kgce key, boiler efficiency key, unit, per-unit scale)
    "coal": ("coal_ncv_gj_per_t", "coal_kgco2_per_t", "coal_kgce_per_t", "coal_boiler_efficiency", "t", 1.0),
    "natural_gas": ("natural_gas_ncv_gj_per_km3", "natural_gas_kgco2_per_km3", "natural_gas_kgce_per_km3",
                    "gas_boiler_efficiency", "m3", 1000.0),
    "diesel": ("diesel_ncv_gj_per_t", "diesel_kgco2_per_t", "diesel_kgce_per_t", "oil_boiler_efficiency", "t", 1.0),
}
# material kind → (avoided material, substitution factor name, CO₂ factor name, price name)
MATERIALS = {
    "gypsum": ("mined gypsum", "fgd_gypsum_substitution_t_per_t", "mined_gypsum_kgco2_per_t", "mined_gypsum_price_cny_per_t"),
    "fly_ash": ("cement clinker", "fly_ash_clinker_substitution_t_per_t", "clinker_kgco2_per_t", "clinker_price_cny_per_t"),
    "slag": ("natural aggregate", "slag_aggregate_substitution_t_per_t", "natural_aggregate_kgco2_per_t", "natural_aggregate_price_cny_per_t"),
    "spent_acid": ("virgin sulphuric acid", "spent_acid_substitution_t_per_t", "virgin_sulphuric_acid_kgco2_per_t", "sulphuric_acid_price_cny_per_t"),
}
WATER = {"treated_water": "treated_water_polishing_kwh_per_m3", "cooling_water": "cooling_water_polishing_kwh_per_m3"}
DEFAULT_GRID_KGCO2_PER_KWH = 0.5306  # national average 2023 (data/grid_factors.csv, MEE & NBS)


@cache
def factors() -> dict[str, float]:
    df = table("symbiosis_factors")
    return dict(zip(df["name"], df["value"].astype(float)))


def factor(name: str) -> float:
    """A symbiosis factor (data/symbiosis_factors.csv), else a constant (data/constants.csv)."""
    f = factors()
    return f[name] if name in f else constant(name)


@cache
def _steam_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f = factors()
    kpa = sorted(int(k.rsplit("_at_", 1)[1].removesuffix("kpa")) for k in f if k.startswith("sat_steam_h_kj_per_kg_at_"))
    h = [f[f"sat_steam_h_kj_per_kg_at_{p}kpa"] for p in kpa]
    t = [f[f"sat_steam_t_c_at_{p}kpa"] for p in kpa]
    return np.array(kpa, float) / 1000.0, np.array(h), np.array(t)


def steam_enthalpy_kj_per_kg(pressure_mpa: float, temperature_c: float | None = None) -> float:
    """Specific enthalpy of steam [kJ/kg]: saturated vapour interpolated in the steam table
    (0.3–4 MPa), plus ``cp × (T − T_sat)`` when superheated to ``temperature_c``."""
    p, h, t = _steam_table()
    if not p[0] <= pressure_mpa <= p[-1]:
        raise ValueError(f"steam pressure {pressure_mpa} MPa outside the table's {p[0]}–{p[-1]} MPa")
    hg = float(np.interp(pressure_mpa, p, h))
    tsat = float(np.interp(pressure_mpa, p, t))
    if temperature_c is None or temperature_c <= tsat:
        return hg
    return hg + factor("superheated_steam_cp_kj_per_kg_k") * (temperature_c - tsat)


def steam_useful_heat_gj_per_t(pressure_mpa: float, temperature_c: float | None = None) -> float:
    """Heat a receiver's boiler would have put into 1 t of this steam from 20 °C feed water [GJ/t]."""
    return (steam_enthalpy_kj_per_kg(pressure_mpa, temperature_c) - factor("feed_water_h_kj_per_kg_at_20c")) / 1000.0


def heat_pump_cop(source_c: float, sink_c: float) -> float:
    """COP = Carnot share × T_sink / (T_sink − T_source), kelvin (docs/methods.md, Heat)."""
    lift = sink_c - source_c
    if lift <= 0:
        return float("inf")
    return constant("heat_pump_carnot_share") * (sink_c + 273.15) / lift


@dataclass(frozen=True)
class Exchange:
    """One flow between two enterprises, stated physically. ``quantity`` is per year in ``unit``.

    - ``receiver_fuel``: what the receiver's own boiler (or kiln, for fuel gas) would burn —
      coal, natural_gas or diesel (light fuel oil counted with diesel factors); None when the
      heat has no fossil counterfactual (e.g. warm water for a fish farm).
    - steam: ``pressure_mpa`` and optional superheat ``temperature_c``; waste heat: source
      ``temperature_c`` and ``use_temperature_c`` (a heat pump lifts it when the source is colder).
    - ``supplier_extra_fuel_share``: GJ of the supplier's fuel (``supplier_fuel``) burnt per GJ
      delivered, at its boiler efficiency (0 for true surplus heat).
    - ``distance_km``: pipe length (heat, water) or truck distance (materials, ``transport`` =
      "truck"); pumping and trucking are charged to the exchange.
    - money: ``capex_cny`` and ``opex_cny_per_yr`` split by ``capex_supplier_share``;
      ``transfer_price_cny_per_unit`` (None: the price that splits the gain evenly).
    """

    id: str
    supplier: str
    receiver: str
    kind: str
    quantity: float
    unit: str
    distance_km: float = 0.0
    capex_cny: float = 0.0
    opex_cny_per_yr: float = 0.0
    receiver_fuel: str | None = "coal"
    pressure_mpa: float = 1.0
    temperature_c: float | None = None
    use_temperature_c: float | None = None
    supplier_extra_fuel_share: float = 0.0
    supplier_fuel: str = "coal"
    transport: str = "pipe"
    lifetime_yr: int = 20
    capex_supplier_share: float = 0.5
    transfer_price_cny_per_unit: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"exchange {self.id}: unknown kind {self.kind!r}; known: {sorted(KINDS)}")
        if self.unit != KINDS[self.kind]:
            raise ValueError(f"exchange {self.id}: {self.kind} is stated in {KINDS[self.kind]}, not {self.unit}")
        if self.quantity < 0 or self.distance_km < 0 or self.capex_cny < 0:
            raise ValueError(f"exchange {self.id}: quantity, distance and capex must be non-negative")
        for fuel in (self.receiver_fuel, self.supplier_fuel):
            if fuel is not None and fuel not in FUELS:
                raise ValueError(f"exchange {self.id}: unknown fuel {fuel!r}; known: {sorted(FUELS)}")
        if self.transport not in ("pipe", "truck"):
            raise ValueError(f"exchange {self.id}: transport is pipe or truck")
        if not 0.0 <= self.capex_supplier_share <= 1.0:
            raise ValueError(f"exchange {self.id}: capex_supplier_share must be within 0–1")


@dataclass
class ExchangeEffect:
    """Yearly effects of one exchange. Fuel in its unit (coal and diesel t, natural gas m³)."""

    id: str
    kind: str
    heat_delivered_gj: float = 0.0
    fuel_saved: dict[str, float] = field(default_factory=dict)
    fuel_saved_tce: float = 0.0
    co2_avoided_tco2: float = 0.0          # scope 1 of the receiver (its own fuel not burnt)
    supplier_co2_added_tco2: float = 0.0   # scope 1 of the supplier (extra fuel, trucking)
    scope3_avoided_tco2: float = 0.0       # upstream production of the avoided material
    water_saved_m3: float = 0.0
    material_reused_t: float = 0.0
    avoided_material: str = ""
    avoided_material_t: float = 0.0
    electricity_added_kwh: float = 0.0     # pumps, polishing, heat pumps
    electricity_saved_kwh: float = 0.0     # fresh-water supply not needed
    scope2_added_tco2: float = 0.0         # (added − saved) electricity × grid factor
    supplier_fuel_added: dict[str, float] = field(default_factory=dict)
    truck_diesel_t: float = 0.0

    @property
    def net_scope12_avoided_tco2(self) -> float:
        return self.co2_avoided_tco2 - self.supplier_co2_added_tco2 - self.scope2_added_tco2

    @property
    def net_avoided_tco2(self) -> float:
        """Scope 1 + 2 net plus the scope-3 credit of avoided materials."""
        return self.net_scope12_avoided_tco2 + self.scope3_avoided_tco2


def _fuel_for_heat(fuel: str, heat_gj: float, efficiency: float | None = None) -> tuple[float, float, float]:
    """(fuel quantity in its unit, tCO₂, tce) burnt to give ``heat_gj`` of useful heat.

    ``efficiency`` None uses the boiler efficiency of the fuel; 1.0 means fuel-for-fuel."""
    ncv, co2, kgce, eff, _, scale = FUELS[fuel]
    eta = factor(eff) if efficiency is None else efficiency
    units = heat_gj / eta / constant(ncv)          # t, or 1000 m³ for gas
    return units * scale, units * constant(co2) / 1000.0, units * constant(kgce) / 1000.0


def effects(exchange: Exchange, grid_kgco2_per_kwh: float = DEFAULT_GRID_KGCO2_PER_KWH) -> ExchangeEffect:
    """Yearly fuel, CO₂, water, material and electricity effects of ``exchange`` from physics."""
    x, q = exchange, exchange.quantity
    e = ExchangeEffect(id=x.id, kind=x.kind)
    heat = 0.0
    if x.kind == "steam":
        heat = q * steam_useful_heat_gj_per_t(x.pressure_mpa, x.temperature_c)
    elif x.kind == "waste_heat":
        heat = q
        if x.temperature_c is not None and x.use_temperature_c is not None and x.temperature_c < x.use_temperature_c:
            cop = heat_pump_cop(x.temperature_c, x.use_temperature_c)
            e.electricity_added_kwh += heat / cop / 0.0036
        e.electricity_added_kwh += heat * x.distance_km * factor("heat_pipe_pumping_kwh_per_gj_km")
    if x.kind in ("steam", "waste_heat"):
        e.heat_delivered_gj = heat
        if x.receiver_fuel is not None:
            amount, co2, tce = _fuel_for_heat(x.receiver_fuel, heat)
            e.fuel_saved, e.co2_avoided_tco2, e.fuel_saved_tce = {x.receiver_fuel: amount}, co2, tce
        if x.supplier_extra_fuel_share > 0:
            amount, co2, _ = _fuel_for_heat(x.supplier_fuel, heat * x.supplier_extra_fuel_share)
            e.supplier_fuel_added, e.supplier_co2_added_tco2 = {x.supplier_fuel: amount}, co2
    elif x.kind == "fuel_gas":
        # burnt in place of the receiver's fuel at the same equipment efficiency (fuel-for-fuel);
        # the gas itself would otherwise be flared, so its own CO₂ is not added
        if x.receiver_fuel is not None:
            amount, co2, tce = _fuel_for_heat(x.receiver_fuel, q, efficiency=1.0)
            e.fuel_saved, e.co2_avoided_tco2, e.fuel_saved_tce = {x.receiver_fuel: amount}, co2, tce
    elif x.kind == "organic_residue":
        biogas_gj = q * factor("biogas_yield_m3_per_t") * factor("biogas_methane_share") * factor("methane_lhv_mj_per_m3") / 1000.0
        amount, co2, tce = _fuel_for_heat("natural_gas", biogas_gj, efficiency=1.0)
        e.fuel_saved, e.co2_avoided_tco2, e.fuel_saved_tce = {"natural_gas": amount}, co2, tce
        e.material_reused_t = q
    elif x.kind in WATER:
        e.water_saved_m3 = q
        e.electricity_saved_kwh = q * factor("fresh_water_supply_kwh_per_m3")
        e.electricity_added_kwh = q * (factor(WATER[x.kind]) + x.distance_km * factor("water_pipe_pumping_kwh_per_m3_km"))
    elif x.kind in MATERIALS:
        name, subst, co2, _ = MATERIALS[x.kind]
        e.material_reused_t = q
        e.avoided_material = name
        e.avoided_material_t = q * factor(subst)
        e.scope3_avoided_tco2 = e.avoided_material_t * factor(co2) / 1000.0
    elif x.kind == "residue":
        e.material_reused_t = q
    trucked = x.kind in MATERIALS or x.kind in ("residue", "organic_residue")
    if trucked and x.transport == "truck" and x.distance_km > 0:
        e.truck_diesel_t = q * x.distance_km * factor("truck_diesel_kg_per_tkm") / 1000.0
        e.supplier_co2_added_tco2 += e.truck_diesel_t * constant("diesel_kgco2_per_t") / 1000.0
    e.scope2_added_tco2 = (e.electricity_added_kwh - e.electricity_saved_kwh) * grid_kgco2_per_kwh / 1000.0
    return e


def effects_table(exchanges: Iterable[Exchange], grid_kgco2_per_kwh: float = DEFAULT_GRID_KGCO2_PER_KWH) -> pd.DataFrame:
    """One row per exchange: its inputs and effects (fuel saved as ``fuel_saved_<carrier>`` columns)."""
    rows = []
    for x in exchanges:
        e = effects(x, grid_kgco2_per_kwh)
        row = {"id": x.id, "supplier": x.supplier, "receiver": x.receiver, "kind": x.kind, "quantity": x.quantity, "unit": x.unit}
        d = asdict(e)
        for carrier in FUELS:
            row[f"fuel_saved_{carrier}"] = d["fuel_saved"].get(carrier, 0.0)
        row.update({k: v for k, v in d.items() if k not in ("id", "kind", "fuel_saved", "supplier_fuel_added")})
        row["net_scope12_avoided_tco2"] = e.net_scope12_avoided_tco2
        row["net_avoided_tco2"] = e.net_avoided_tco2
        rows.append(row)
    return pd.DataFrame(rows)


# -- economics ------------------------------------------------------------------------------------
def _price(name: str, prices: Mapping[str, float], year: int) -> float:
    if name in prices:
        return float(prices[name])
    if name == "electricity":
        return price_cny("electricity_industrial_average", year)
    if name in FUELS:
        return price_cny(name, year)
    return factor(name)


def annual_values_cny(exchange: Exchange, prices: Mapping[str, float] | None = None, year: int = 2025,
                      grid_kgco2_per_kwh: float = DEFAULT_GRID_KGCO2_PER_KWH,
                      carbon_price_cny_per_tco2: float = 0.0) -> dict[str, float]:
    """Yearly money of the exchange before the transfer price: the receiver's saving and the
    supplier's net saving (avoided disposal/discharge − delivery cost), CNY of 2025.
    ``carbon_price_cny_per_tco2`` values the receiver's scope-1 CO₂ avoided and charges the
    supplier's scope-1 CO₂ added (0: no carbon price in the decision).

    ``prices`` overrides by name: fuels (coal CNY/t, natural_gas CNY/m³, diesel CNY/t, else
    data/prices.csv), ``electricity`` CNY/kWh, and any ``*_cny_per_*`` row of symbiosis_factors.csv.
    """
    prices = dict(prices or {})
    x, e = exchange, effects(exchange, grid_kgco2_per_kwh)
    elec = _price("electricity", prices, year)
    receiver = sum(amount * _price(c, prices, year) for c, amount in e.fuel_saved.items())
    supplier = -sum(amount * _price(c, prices, year) for c, amount in e.supplier_fuel_added.items())
    if x.kind in WATER:
        receiver += e.water_saved_m3 * _price("water_price_cny_per_m3", prices, year)
        supplier += e.water_saved_m3 * _price("wastewater_discharge_cny_per_m3", prices, year)
    if x.kind in MATERIALS:
        receiver += e.avoided_material_t * _price(MATERIALS[x.kind][3], prices, year)
    if x.kind in MATERIALS or x.kind in ("residue", "organic_residue"):
        supplier += e.material_reused_t * _price("solid_waste_disposal_cny_per_t", prices, year)
        if x.transport == "truck":
            supplier -= x.quantity * x.distance_km * _price("truck_transport_cny_per_tkm", prices, year)
    if x.kind == "waste_heat":   # heat-pump electricity is the receiver's, pumping the supplier's
        pumping = e.heat_delivered_gj * x.distance_km * factor("heat_pipe_pumping_kwh_per_gj_km")
        receiver -= (e.electricity_added_kwh - pumping) * elec
        supplier -= pumping * elec
    else:
        supplier -= e.electricity_added_kwh * elec
    # the fresh-water supply electricity saved is inside the tap-water price: not counted again
    receiver += e.co2_avoided_tco2 * carbon_price_cny_per_tco2
    supplier -= e.supplier_co2_added_tco2 * carbon_price_cny_per_tco2
    receiver -= (1.0 - x.capex_supplier_share) * x.opex_cny_per_yr
    supplier -= x.capex_supplier_share * x.opex_cny_per_yr
    return {"receiver_cny_per_yr": receiver, "supplier_cny_per_yr": supplier}


def exchange_npv(exchange: Exchange, prices: Mapping[str, float] | None = None, discount_rate: float = 0.08,
                 year: int = 2025, carbon_price_cny_per_tco2: float = 0.0) -> dict[str, float]:
    """NPV [CNY] of supplier and receiver over ``lifetime_yr``: capex at year 0 (split by
    ``capex_supplier_share``), yearly values from year 1, the transfer price paid by the receiver
    to the supplier per unit of quantity. Without a stated transfer price, the one that makes the
    two NPVs equal (each gets half the total gain)."""
    x = exchange
    money = annual_values_cny(x, prices, year, carbon_price_cny_per_tco2=carbon_price_cny_per_tco2)
    n = int(x.lifetime_yr)
    pv1 = npv([0.0] + [1.0] * n, discount_rate)  # present value of 1 CNY a year for n years
    r0 = money["receiver_cny_per_yr"] * pv1 - (1.0 - x.capex_supplier_share) * x.capex_cny
    s0 = money["supplier_cny_per_yr"] * pv1 - x.capex_supplier_share * x.capex_cny
    per_unit = x.quantity * pv1
    price = x.transfer_price_cny_per_unit
    if price is None:
        price = (r0 - s0) / (2.0 * per_unit) if per_unit > 0 else 0.0
    return {
        "transfer_price_cny_per_unit": price,
        "receiver_npv_cny": r0 - price * per_unit,
        "supplier_npv_cny": s0 + price * per_unit,
        "total_npv_cny": r0 + s0,
    }


def both_gain(exchange: Exchange, prices: Mapping[str, float] | None = None, discount_rate: float = 0.08,
              year: int = 2025, carbon_price_cny_per_tco2: float = 0.0) -> bool:
    """True when supplier and receiver both have a positive NPV at the transfer price
    (the stated one, else the price that shares the gain evenly)."""
    r = exchange_npv(exchange, prices, discount_rate, year, carbon_price_cny_per_tco2)
    return r["receiver_npv_cny"] > 0 and r["supplier_npv_cny"] > 0


def from_spec(spec) -> Exchange:
    """The ``Exchange`` of a park file's exchange (spec.park.SymbiosisExchange): same fields, unit from the kind."""
    fields = {f: getattr(spec, f) for f in Exchange.__dataclass_fields__ if f != "unit" and hasattr(spec, f)}
    return Exchange(unit=KINDS[spec.kind], **fields)

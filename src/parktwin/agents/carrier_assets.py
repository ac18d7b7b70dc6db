"""The operator's shared heat, cold and hydrogen assets: hot-water store, cold store (ice or
chilled water for the buildings' cooling), hydrogen tank (with electrolysers and a fuel cell),
biomethane CHP, waste-heat recovery.

They change at commissioning hours like the operator's electricity assets, but are kept in a
list of their own (``operator.carrier_changes``) so the electricity assets' fold is untouched;
``year_carrier_assets`` turns them into hourly capacity arrays for the year's heat and hydrogen
dispatch (energy/heat.py, energy/cold.py, energy/hydrogen.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from parktwin.agents.base import Change, Investment, segments
from parktwin.energy.calendar import HOURS_PER_YEAR


@dataclass(frozen=True)
class CarrierAssets:
    store_kwh: float = 0.0  # hot-water store [kWh_th]
    store_charge_kw: float = 0.0  # [kW_th]
    store_discharge_kw: float = 0.0  # [kW_th]
    h2_tank_kg: float = 0.0
    electrolyser_kw: float = 0.0  # added to the firms' own [kW_e]
    fuel_cell_kw: float = 0.0  # [kW_e]
    chp_electric_kw: float = 0.0  # [kW_e]
    waste_heat: tuple = ()  # ((source firm ids, band, kW_th), ...)
    cold_kwh: float = 0.0  # cold store [kWh_th]
    cold_charge_kw: float = 0.0  # [kW_th of cold]
    cold_discharge_kw: float = 0.0  # [kW_th]


def _fold(a: CarrierAssets, ch: Change) -> CarrierAssets:
    v = ch.value
    if ch.kind == "thermal_storage":
        return replace(a, store_kwh=a.store_kwh + v[0], store_charge_kw=a.store_charge_kw + v[1], store_discharge_kw=a.store_discharge_kw + v[2])
    if ch.kind == "hydrogen_tank":
        return replace(a, h2_tank_kg=a.h2_tank_kg + v[0], electrolyser_kw=a.electrolyser_kw + v[1], fuel_cell_kw=a.fuel_cell_kw + v[2])
    if ch.kind == "biomethane_chp":
        return replace(a, chp_electric_kw=a.chp_electric_kw + v)
    if ch.kind == "waste_heat_recovery":
        return replace(a, waste_heat=a.waste_heat + (v,))
    if ch.kind == "cold_storage":
        return replace(a, cold_kwh=a.cold_kwh + v[0], cold_charge_kw=a.cold_charge_kw + v[1], cold_discharge_kw=a.cold_discharge_kw + v[2])
    raise ValueError(f"no carrier asset of kind {ch.kind!r}")


def _commission(op, hour: float, kind: str, value, source: str) -> None:
    changes = op.__dict__.setdefault("carrier_changes", [])
    if changes and hour < changes[-1].hour:
        raise ValueError(f"operator: a {kind} at hour {hour} arrived after one at {changes[-1].hour}")
    changes.append(Change(hour, kind, value, source))


@dataclass(frozen=True)
class YearCarrierAssets:
    """Hourly capacity arrays of one year, shape (8760,); ``waste_heat``: [(sources, band, kW array)]."""

    store_kwh: np.ndarray
    store_charge_kw: np.ndarray
    store_discharge_kw: np.ndarray
    h2_tank_kg: np.ndarray
    electrolyser_kw: np.ndarray
    fuel_cell_kw: np.ndarray
    chp_electric_kw: np.ndarray
    waste_heat: list
    any_heat: bool
    any_hydrogen: bool
    cold_kwh: np.ndarray
    cold_charge_kw: np.ndarray
    cold_discharge_kw: np.ndarray
    any_cold: bool


def year_carrier_assets(op, year_start: int) -> YearCarrierAssets:
    segs = segments(getattr(op, "carrier_changes", []), year_start, CarrierAssets(), _fold)
    starts = [h for h, _ in segs] + [HOURS_PER_YEAR]
    lengths = np.diff(starts)

    def hourly(attr: str) -> np.ndarray:
        return np.repeat([getattr(s, attr) for _, s in segs], lengths).astype(float)

    waste = []
    for j, (sources, band, kw) in enumerate(segs[-1][1].waste_heat):  # units only ever add
        start = next(h for h, s in segs if len(s.waste_heat) > j)
        arr = np.zeros(HOURS_PER_YEAR)
        arr[start:] = kw
        waste.append((sources, band, arr))
    out = {a: hourly(a) for a in ("store_kwh", "store_charge_kw", "store_discharge_kw", "h2_tank_kg", "electrolyser_kw",
                                  "fuel_cell_kw", "chp_electric_kw", "cold_kwh", "cold_charge_kw", "cold_discharge_kw")}
    any_heat = bool(out["store_kwh"].any() or out["chp_electric_kw"].any() or waste)
    any_h2 = bool(out["h2_tank_kg"].any() or out["electrolyser_kw"].any() or out["fuel_cell_kw"].any())
    return YearCarrierAssets(waste_heat=waste, any_heat=any_heat, any_hydrogen=any_h2, any_cold=bool(out["cold_kwh"].any()), **out)


def _thermal_storage(op, item, hour: float):
    _commission(op, hour, "thermal_storage", (item.capacity_kwh, item.charge_kw, item.discharge_kw), item.id or "thermal_storage")
    return f"hot-water store +{item.capacity_kwh:,.0f} kWh_th ({item.charge_kw:,.0f} kW heater, {item.discharge_kw:,.0f} kW out)", [
        Investment("operator", "thermal_storage", item.capacity_kwh),
        Investment("operator", "electric_boiler", item.charge_kw),
    ]


def _hydrogen_tank(op, item, hour: float):
    from parktwin.data import constant

    _commission(op, hour, "hydrogen_tank", (item.tank_kg, item.electrolyser_kw, item.fuel_cell_kw), item.id or "hydrogen_tank")
    return (f"hydrogen tank +{item.tank_kg:,.0f} kg, electrolysers +{item.electrolyser_kw:,.0f} kW, fuel cell +{item.fuel_cell_kw:,.0f} kW", [i for i in [
        Investment("operator", "h2_tank", item.tank_kg * constant("hydrogen_lhv_kwh_per_kg")),  # catalogue prices kWh_H2 (LHV)
        Investment("operator", "electrolyser", item.electrolyser_kw),
        Investment("operator", "fuel_cell", item.fuel_cell_kw),
    ] if i.capacity > 0])


def _biomethane_chp(op, item, hour: float):
    _commission(op, hour, "biomethane_chp", item.electric_kw, item.id or "biomethane_chp")
    return f"biomethane CHP +{item.electric_kw:,.0f} kW_e", [Investment("operator", "biomethane_chp", item.electric_kw)]


def _waste_heat_recovery(op, item, hour: float):
    _commission(op, hour, "waste_heat_recovery", (tuple(item.enterprises), item.band, item.capacity_kw), item.id or "waste_heat_recovery")
    return f"waste-heat recovery +{item.capacity_kw:,.0f} kW_th ({item.band} band) from {len(item.enterprises)} firms", [
        Investment("operator", "waste_heat_recovery", item.capacity_kw)]


def _cold_storage(op, item, hour: float):
    _commission(op, hour, "cold_storage", (item.capacity_kwh, item.charge_kw, item.discharge_kw), item.id or "cold_storage")
    return f"cold store +{item.capacity_kwh:,.0f} kWh_th ({item.charge_kw:,.0f} kW ice-making chiller, {item.discharge_kw:,.0f} kW out)", [
        Investment("operator", "cold_storage", item.capacity_kwh),
        Investment("operator", "cold_storage_chiller", item.charge_kw),
    ]


CARRIER_ASSETS = {
    "thermal_storage": _thermal_storage,
    "hydrogen_tank": _hydrogen_tank,
    "biomethane_chp": _biomethane_chp,
    "waste_heat_recovery": _waste_heat_recovery,
    "cold_storage": _cold_storage,
}

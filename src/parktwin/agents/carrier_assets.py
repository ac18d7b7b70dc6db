"""The operator's shared heat, cold and hydrogen assets: heat and cold stores (data/stores.csv),
hydrogen tank (with electrolysers and a fuel cell), biomethane CHP, waste-heat recovery.

They change at commissioning hours like the operator's electricity assets, but are kept in a
list of their own (``operator.carrier_changes``) so the electricity assets' fold is untouched;
``year_carrier_assets`` turns them into hourly capacity arrays for the year's heat and hydrogen
dispatch (energy/heat.py, energy/cold.py, energy/hydrogen.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from parktwin.agents.base import Change, fold_since
from parktwin.energy.calendar import HOURS_PER_YEAR


@dataclass(frozen=True)
class CarrierAssets:
    stores: tuple = ()  # ((store kind, kWh_th, charge kW_th, discharge kW_th), ...) in the order first commissioned (data/stores.csv)
    h2_tank_kg: float = 0.0
    electrolyser_kw: float = 0.0  # added to the firms' own [kW_e]
    fuel_cell_kw: float = 0.0  # [kW_e]
    chp_electric_kw: float = 0.0  # [kW_e]
    waste_heat: tuple = ()  # ((source firm ids, band, kW_th), ...)


ADD, STORE, WASTE_HEAT = "add", "store", "waste_heat"  # how a carrier change folds (Change.kind)


def _fold(a: CarrierAssets, ch: Change) -> CarrierAssets:
    """``add``: ((field, amount), ...) added to fields; ``store``: (kind, kWh, charge kW, discharge kW)
    added to that store; ``waste_heat``: one more recovery unit (sources, band, kW)."""
    v = ch.value
    if ch.kind == ADD:
        return replace(a, **{name: getattr(a, name) + amount for name, amount in v})
    if ch.kind == STORE:
        kind, kwh, charge, discharge = v
        stores = dict((k, (e, c, d)) for k, e, c, d in a.stores)
        e, c, d = stores.get(kind, (0.0, 0.0, 0.0))
        stores[kind] = (e + kwh, c + charge, d + discharge)
        return replace(a, stores=tuple((k, *x) for k, x in stores.items()))
    if ch.kind == WASTE_HEAT:
        return replace(a, waste_heat=a.waste_heat + (v,))
    raise ValueError(f"no carrier asset change of kind {ch.kind!r}")


def commission_carrier(op, hour: float, kind: str, value, source: str) -> None:
    """Record a change of the operator's heat, cold or hydrogen assets at ``hour`` (``kind``: ADD, STORE or WASTE_HEAT)."""
    changes = op.carrier_changes
    if changes and hour < changes[-1].hour:
        raise ValueError(f"operator: a {kind} at hour {hour} arrived after one at {changes[-1].hour}")
    changes.append(Change(hour, kind, value, source))


@dataclass(frozen=True)
class StoreYear:
    """One store's hourly capacities in a year, shape (8760,)."""

    capacity_kwh: np.ndarray
    charge_kw: np.ndarray
    discharge_kw: np.ndarray


@dataclass(frozen=True)
class YearCarrierAssets:
    """Hourly capacity arrays of one year, shape (8760,); ``waste_heat``: [(sources, band, kW array)];
    ``stores``: store kind → its hourly capacities (stores with a capacity this year)."""

    stores: dict
    h2_tank_kg: np.ndarray
    electrolyser_kw: np.ndarray
    fuel_cell_kw: np.ndarray
    chp_electric_kw: np.ndarray
    waste_heat: list
    any_hydrogen: bool
    chp_or_waste_heat: bool


def carrier_segments(op, year_start: int) -> list[tuple[int, CarrierAssets]]:
    """``segments`` of the operator's carrier changes, folding only those new since the last year
    (``op.carrier_fold``: changes folded, state after them); changes are in clock order."""
    op.carrier_fold, out = fold_since(op.carrier_changes, op.carrier_fold, year_start, _fold)
    return out


def year_carrier_assets(op, year_start: int) -> YearCarrierAssets:
    """The year's hourly carrier assets; a year with the same assets all through as the last one
    shares its (read-only) arrays."""
    segs = carrier_segments(op, year_start)
    steady = len(segs) == 1
    if steady and op.carrier_year is not None and op.carrier_year[0] is segs[0][1]:
        return op.carrier_year[1]
    out = _year_carrier_assets(segs)
    op.carrier_year = (segs[0][1], out) if steady else None
    return out


def _year_carrier_assets(segs: list[tuple[int, CarrierAssets]]) -> YearCarrierAssets:
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
    stores = {}
    for kind, *_ in segs[-1][1].stores:  # stores only ever add
        by_seg = [dict((k, (e, c, d)) for k, e, c, d in s.stores).get(kind, (0.0, 0.0, 0.0)) for _, s in segs]
        arrays = [np.repeat([x[i] for x in by_seg], lengths).astype(float) for i in range(3)]
        if arrays[0].any():
            stores[kind] = StoreYear(*arrays)
    out = {a: hourly(a) for a in ("h2_tank_kg", "electrolyser_kw", "fuel_cell_kw", "chp_electric_kw")}
    any_h2 = bool(out["h2_tank_kg"].any() or out["electrolyser_kw"].any() or out["fuel_cell_kw"].any())
    for array in [*out.values(), *(a for _, _, a in waste), *(a for st in stores.values() for a in vars(st).values())]:
        array.setflags(write=False)  # shared by the following years while nothing changes
    return YearCarrierAssets(stores=stores, waste_heat=waste, any_hydrogen=any_h2, chp_or_waste_heat=bool(out["chp_electric_kw"].any() or waste), **out)

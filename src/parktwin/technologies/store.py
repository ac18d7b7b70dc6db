"""Stores generic over carrier and band: a hot-water tank (low band), a molten-salt tank (high
band), an ice or chilled-water store (the buildings' cooling). Each is a row of data/stores.csv
(its carrier, band and the constants of its standing loss, window and charger) and of
data/technology_kinds.csv (its catalogue ids: the store per kWh_th, then its charger per kW_th);
adding one needs no code. Heat stores dispatch in energy/heat.py (one after another, each in
its band), the cold store in energy/cold.py; the charger's conversion (electric heater,
ice-making chiller) is the store's own step there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from parktwin.agents.base import Investment
from parktwin.agents.carrier_assets import STORE, commission_carrier
from parktwin.data import constant, table
from parktwin.economics.catalogue import MEASURE_TECHNOLOGIES
from parktwin.technologies.base import Applied


@dataclass(frozen=True)
class StoreSpec:
    """One store kind of data/stores.csv; the parameters name rows of data/constants.csv."""

    kind: str
    carrier: str  # heat or cold
    band: str  # a heat band (energy.heat.BANDS) or "cooling"
    name: str
    charger_name: str
    charger_efficiency: str  # constant name [kWh_th/kWh_e]; the cold store's chiller COP is hourly (energy/cold.py)
    loss_share_per_h: str
    soc_min_share: str
    soc_max_share: str

    def params(self) -> tuple[float, float, float]:
        """(standing loss [1/h], window min, window max [-]) from the constants in force."""
        return constant(self.loss_share_per_h), constant(self.soc_min_share), constant(self.soc_max_share)


@lru_cache(maxsize=1)
def store_specs() -> dict[str, StoreSpec]:
    """Every store kind, in the order of data/stores.csv (the order heat stores dispatch in)."""
    fields = StoreSpec.__dataclass_fields__
    return {row["kind"]: StoreSpec(**{k: row[k] for k in fields}) for row in table("stores").to_dict("records")}


def stores_of(carrier: str) -> tuple[StoreSpec, ...]:
    return tuple(s for s in store_specs().values() if s.carrier == carrier)


def commission(op, item, hour: float, year: int) -> Applied:
    spec = store_specs()[item.kind]
    store_id, charger_id = MEASURE_TECHNOLOGIES[item.kind]
    commission_carrier(op, hour, STORE, (item.kind, item.capacity_kwh, item.charge_kw, item.discharge_kw), item.id or item.kind)
    return f"{spec.name} +{item.capacity_kwh:,.0f} kWh_th ({item.charge_kw:,.0f} kW {spec.charger_name}, {item.discharge_kw:,.0f} kW out)", [
        Investment("operator", store_id, item.capacity_kwh),
        Investment("operator", charger_id, item.charge_kw),
    ]

"""A hydrogen tank between electrolysers and burners, with electrolysers and a fuel cell around it
(the conversions are the hydrogen dispatch's own steps, energy/hydrogen.py)."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.agents.carrier_assets import ADD, commission_carrier
from parktwin.data import constant
from parktwin.technologies.base import Applied


def commission(op, item, hour: float, year: int) -> Applied:
    commission_carrier(op, hour, ADD, (("h2_tank_kg", item.tank_kg), ("electrolyser_kw", item.electrolyser_kw), ("fuel_cell_kw", item.fuel_cell_kw)),
                       item.id or item.kind)
    return (f"hydrogen tank +{item.tank_kg:,.0f} kg, electrolysers +{item.electrolyser_kw:,.0f} kW, fuel cell +{item.fuel_cell_kw:,.0f} kW", [i for i in [
        Investment("operator", "h2_tank", item.tank_kg * constant("hydrogen_lhv_kwh_per_kg")),  # catalogue prices kWh_H2 (LHV)
        Investment("operator", "electrolyser", item.electrolyser_kw),
        Investment("operator", "fuel_cell", item.fuel_cell_kw),
    ] if i.capacity > 0])

"""Buildings: offices, dormitories, canteens, warehouses, labs; energy by floor area × intensity."""

from __future__ import annotations

from parktwin.agents.base import EnergyRow, ParkAgent
from parktwin.energy.loads import LoadBook
from parktwin.spec.park import Building


class BuildingAgent(ParkAgent):
    kind = "building"

    def __init__(self, model, spec: Building):
        super().__init__(model, spec.id)
        self.spec = spec

    def step(self) -> None:
        """Buildings keep their stock and intensity (retrofits and new stock come with the systems issue)."""

    def year_energy(self, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
        b = self.spec
        elec_kwh = book.add(b.kind, b.floor_area_m2 * b.electricity_kwh_per_m2, 0)
        gas_km3 = b.floor_area_m2 * b.natural_gas_m3_per_m2 / 1000.0
        rows = [("electricity", elec_kwh / 1000.0, "MWh"), ("natural_gas", gas_km3, "km3")]
        return [EnergyRow(self.entity_id, self.kind, c, q, u) for c, q, u in rows if q > 0.0]

"""Buildings: offices, dormitories, canteens, warehouses, labs; energy by floor area × intensity."""

from __future__ import annotations

from parktwin.agents.base import EnergyRow, ParkAgent
from parktwin.data import constant
from parktwin.energy.loads import LoadBook
from parktwin.energy.thermal import cop_carnot, heating_cooling_kwh

def hvac_loads(spec: Building, temp_air_c):
    """(hourly HVAC electricity [kW] per year, heating gas [1000 m³] per year) from the outdoor
    temperature of every simulated year, or (None, None) when the building states no heating or
    cooling demand. Demand follows degree-hours below and above the bases, scaled so the run's
    mean year gives the stated intensities; air-source heat pumps and chillers at a Carnot share
    of their COP (energy.thermal), gas boilers at their efficiency. Temperatures and the Carnot
    share are data/constants.csv rows."""
    if temp_air_c is None or (spec.heating_kwh_per_m2_yr == 0 and spec.cooling_kwh_per_m2_yr == 0):
        return None, None
    demand = heating_cooling_kwh(temp_air_c, spec.floor_area_m2, spec.heating_kwh_per_m2_yr, spec.cooling_kwh_per_m2_yr,
                                 base_heating_c=constant("heating_base_c"), base_cooling_c=constant("cooling_base_c"))
    share = constant("hvac_carnot_share")
    condensing_c = temp_air_c + constant("chiller_condensing_approach_k")
    cold_kw = demand.cold_kwh / cop_carnot(condensing_c, constant("chilled_water_c"), share, mode="cooling")
    if spec.heating_system == "heat_pump":
        return cold_kw + demand.heat_kwh / cop_carnot(constant("building_heat_pump_supply_c"), temp_air_c, share), None
    gas_gj = demand.heat_kwh.sum(axis=-1) * 3600.0 / 1e6 / constant("gas_boiler_efficiency")
    return cold_kw, gas_gj / constant("natural_gas_ncv_gj_per_km3")
from parktwin.spec.park import Building


class BuildingAgent(ParkAgent):
    kind = "building"

    def __init__(self, model, spec: Building, temp_air_c=None):
        super().__init__(model, spec.id)
        self.spec = spec
        self.hvac_kw, self.heating_gas_km3 = hvac_loads(spec, temp_air_c)
        self.measured_shape: str | None = None  # a registered measured load shape (use_measured)
        self.measured_kwh: float | None = None  # that series' base-year electricity [kWh]

    def use_measured(self, shape: str, kwh: float) -> None:
        """Take a measured electricity series (the whole meter, HVAC included): the base year is the
        series; a later year is its sum plus the change of the simulated HVAC electricity since the
        base year, with the series' shape."""
        self.measured_shape, self.measured_kwh = shape, kwh

    def step(self) -> None:
        """Buildings keep their stock and intensity (retrofits and new stock come with the systems issue)."""

    def year_energy(self, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
        b = self.spec
        index = year - self.model.scenario.base_year
        gas_km3 = b.floor_area_m2 * b.natural_gas_m3_per_m2 / 1000.0
        if self.hvac_kw is not None:
            gas_km3 += self.heating_gas_km3[index] if self.heating_gas_km3 is not None else 0.0
        if self.measured_shape is not None:
            hvac_change_kwh = float(self.hvac_kw[index].sum() - self.hvac_kw[0].sum()) if self.hvac_kw is not None else 0.0
            elec_kwh = book.add(self.measured_shape, max(self.measured_kwh + hvac_change_kwh, 0.0), 0)
        else:
            elec_kwh = book.add(b.kind, b.floor_area_m2 * b.electricity_kwh_per_m2, 0)
            if self.hvac_kw is not None:
                elec_kwh += book.add_hourly(self.hvac_kw[index])
        rows = [("electricity", elec_kwh / 1000.0, "MWh"), ("natural_gas", gas_km3, "km3")]
        return [EnergyRow(self.entity_id, self.kind, c, q, u) for c, q, u in rows if q > 0.0]

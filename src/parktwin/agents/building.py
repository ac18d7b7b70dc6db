"""Buildings: offices, dormitories, canteens, warehouses, labs; energy by floor area × intensity.

A building's stock has a kind and a vintage (year built). Intensities the park file leaves out
come from ``data/building_stock.csv`` by kind and vintage. Retrofits (envelope, HVAC, lighting,
evaporative cooling for warehouses) are dated changes that cut the electricity, heating or
cooling of the share of floor area they cover by the shares in ``data/building_retrofits.csv``;
kitchen electrification (canteens) replaces the covered floor's kitchen gas (the per-m² gas) by
the electricity that cooks the same food: gas energy × gas / electric cooking efficiency.
New floor area grows each year at the scenario's rate and is built to the standard in force
(``data/building_standards.csv``): its heating and cooling per m² are the building's, brought to
the current code by its vintage's thermal factor, times the standard's share.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from parktwin.agents.base import EnergyRow, Investment, ParkAgent, energy_rows
from parktwin.agents.decisions import Option, choose
from parktwin.data import constant, table
from parktwin.economics.catalogue import available, capex_cny, fixed_om_cny_per_yr, lifetime_yr, price_cny
from parktwin.economics.costs import purchase
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.loads import LoadBook, share_of_year
from parktwin.energy.tariff import hourly_tariff, shape_price_cny_per_kwh
from parktwin.energy.thermal import cop_carnot, heating_cooling_kwh
from parktwin.spec.park import Building

GJ_PER_KWH = 3600.0 / 1e6
CURRENT_CODE = "current_code"


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


@dataclass(frozen=True)
class UnitHvac:
    """HVAC of 1 m² with 1 kWh_th/m²·yr of heating and of cooling demand, every simulated year.

    cold_kw : (n_years, 8760) chiller electricity [kW per (m²·kWh_th/m²·yr)].
    heat_kw : (n_years, 8760) heat-pump electricity, or None for a gas boiler.
    heat_kwh : (n_years, 8760) heat demand [kWh_th per (m²·kWh_th/m²·yr)] (for boiler gas).
    """

    cold_kw: np.ndarray
    heat_kw: np.ndarray | None
    heat_kwh: np.ndarray


def unit_hvac(heating_system: str, temp_air_c: np.ndarray) -> UnitHvac:
    """Per-unit HVAC arrays (see ``UnitHvac``); heating and cooling scale linearly with area × intensity."""
    demand = heating_cooling_kwh(temp_air_c, 1.0, 1.0, 1.0,
                                 base_heating_c=constant("heating_base_c"), base_cooling_c=constant("cooling_base_c"))
    share = constant("hvac_carnot_share")
    cold_kw = demand.cold_kwh / cop_carnot(temp_air_c + constant("chiller_condensing_approach_k"), constant("chilled_water_c"),
                                           share, mode="cooling")
    heat_kw = demand.heat_kwh / cop_carnot(constant("building_heat_pump_supply_c"), temp_air_c, share) if heating_system == "heat_pump" else None
    return UnitHvac(cold_kw, heat_kw, demand.heat_kwh)


# ---------------------------------------------------------------- reference data


@lru_cache(maxsize=None)
def stock_row(kind: str, vintage_year: int) -> dict:
    """The data/building_stock.csv row of ``kind`` built in ``vintage_year`` (cached; read-only)."""
    df = table("building_stock")
    rows = df[(df["kind"] == kind) & (df["vintage_from"] <= vintage_year) & (df["vintage_to"] >= vintage_year)]
    if rows.empty:
        raise KeyError(f"no building_stock.csv row for kind {kind!r} built in {vintage_year}")
    return rows.iloc[0].to_dict()


def default_electricity_kwh_per_m2(kind: str, vintage_year: int) -> float:
    """Electricity intensity (lighting, plug loads, ventilation; HVAC apart) of a kind and vintage [kWh/m²·yr]."""
    return float(stock_row(kind, vintage_year)["electricity_kwh_per_m2"])


def thermal_factor(kind: str, vintage_year: int) -> float:
    """Heating and cooling demand of the vintage relative to a current-code building [-]."""
    return float(stock_row(kind, vintage_year)["thermal_factor"])


@lru_cache(maxsize=None)
def standard(name: str) -> tuple[float, float, float, bool]:
    """(electricity, heating, cooling share of a current-code building, counts as green) of a standard."""
    df = table("building_standards")
    rows = df[df["standard"] == name]
    if rows.empty:
        raise KeyError(f"no building standard {name!r} in data/building_standards.csv")
    r = rows.iloc[0]
    return float(r["electricity_share"]), float(r["heating_share"]), float(r["cooling_share"]), str(r["green"]).lower() == "true"


def kitchen_kwh_per_km3() -> float:
    """Electricity that cooks what 1000 m³ of kitchen gas cooks [kWh]: the gas's energy (net
    calorific value) × gas / electric cooking efficiency (data/constants.csv)."""
    return (constant("natural_gas_ncv_gj_per_km3") / GJ_PER_KWH
            * constant("kitchen_gas_cooking_efficiency") / constant("kitchen_electric_cooking_efficiency"))


@lru_cache(maxsize=None)
def retrofit_savings(measure: str, kind: str) -> tuple[float, float, float, float]:
    """(electricity, heating, cooling saving shares, share of the kitchen gas electrified) of a
    retrofit on a building kind.

    A row for the kind wins over the ``all`` row; a measure with neither does not apply (KeyError).
    """
    df = table("building_retrofits")
    rows = df[(df["measure"] == measure) & (df["kind"] == kind)]
    if rows.empty:
        rows = df[(df["measure"] == measure) & (df["kind"] == "all")]
    if rows.empty:
        raise KeyError(f"retrofit {measure!r} does not apply to a {kind} (data/building_retrofits.csv)")
    r = rows.iloc[0]
    return (float(r["electricity_saving_share"]), float(r["heating_saving_share"]), float(r["cooling_saving_share"]),
            float(r["kitchen_gas_electrified_share"]))


@lru_cache(maxsize=None)
def applies(measure: str, kind: str) -> bool:
    """The measure has a row for the kind (or an ``all`` row) in data/building_retrofits.csv (cached:
    a measure that does not apply raises inside ``retrofit_savings``, which caches only the rows found)."""
    try:
        retrofit_savings(measure, kind)
    except KeyError:
        return False
    return True


def acts_on(measure: str, spec: Building) -> bool:
    """The measure applies to the building's kind and has something to act on there: a measure
    that electrifies kitchen gas needs a building that burns gas per m² (a canteen's kitchen)."""
    if not applies(measure, spec.kind):
        return False
    return retrofit_savings(measure, spec.kind)[3] == 0.0 or spec.natural_gas_m3_per_m2 > 0


# ---------------------------------------------------------------- state


@dataclass(frozen=True)
class BuildingState:
    """Factors on the existing stock's electricity, heating and cooling, the share of its kitchen
    gas still burnt, and the floor share each measure covers."""

    electricity_factor: float = 1.0
    heating_factor: float = 1.0
    cooling_factor: float = 1.0
    kitchen_gas_factor: float = 1.0  # the rest of the floor's kitchen gas is cooked with electricity
    covered: tuple[tuple[str, float], ...] = ()  # (measure, share of floor area retrofitted)

    def share(self, measure: str) -> float:
        return dict(self.covered).get(measure, 0.0)


NO_RETROFITS = BuildingState()  # a building before any change (immutable, so one instance serves every building)


def _fold(state: BuildingState, change) -> BuildingState:
    if change.kind != "building_retrofit":
        raise ValueError(f"building cannot take a change of kind {change.kind!r}")
    measure, added, (e, h, c, k) = change.value  # added: floor share newly covered
    covered = dict(state.covered)
    covered[measure] = covered.get(measure, 0.0) + added
    return replace(
        state,
        electricity_factor=state.electricity_factor * (1.0 - e * added),
        heating_factor=state.heating_factor * (1.0 - h * added),
        cooling_factor=state.cooling_factor * (1.0 - c * added),
        kitchen_gas_factor=max(state.kitchen_gas_factor - k * added, 0.0) if k else state.kitchen_gas_factor,  # floor shares add up
        covered=tuple(sorted(covered.items())),
    )


class BuildingAgent(ParkAgent):
    kind = "building"

    def __init__(self, model, spec: Building, temp_air_c=None, policy=None):
        super().__init__(model, spec.id)
        self.spec = spec
        self.policy = policy  # scenario.buildings, or None: no new floor area
        self.electricity_kwh_per_m2 = (
            spec.electricity_kwh_per_m2 if spec.electricity_kwh_per_m2 is not None
            else default_electricity_kwh_per_m2(spec.kind, spec.vintage_year)
        )
        self.hvac_kw = self.heating_gas_km3 = self.unit = None
        if temp_air_c is not None and (spec.heating_kwh_per_m2_yr > 0 or spec.cooling_kwh_per_m2_yr > 0):
            # per-unit arrays shared by the model's buildings with the same heating system (hvac_loads, linear in area × intensity)
            shared = model.__dict__.setdefault("_unit_hvac", {})
            if spec.heating_system not in shared:
                shared[spec.heating_system] = unit_hvac(spec.heating_system, temp_air_c)
            u = self.unit = shared[spec.heating_system]
            heat, cool = spec.floor_area_m2 * spec.heating_kwh_per_m2_yr, spec.floor_area_m2 * spec.cooling_kwh_per_m2_yr
            self.hvac_kw = u.cold_kw * cool + (u.heat_kw * heat if u.heat_kw is not None else 0.0)
            if u.heat_kw is None:
                self.heating_gas_km3 = (u.heat_kwh.sum(axis=-1) * heat * GJ_PER_KWH / constant("gas_boiler_efficiency")
                                        / constant("natural_gas_ncv_gj_per_km3"))
        self.additions: list[tuple[int, float, str]] = []  # (year, floor area [m²], standard)
        self.year = model.scenario.base_year
        self.measured_shape: str | None = None  # a registered measured load shape (use_measured)
        self.measured_kwh: float | None = None  # that series' base-year electricity [kWh]
        # (changes it holds when all are folded, else -1; segments; what ``_stock_loads`` made of them) of a stock-only year
        self.stock_plan: tuple | None = None  # (``buildings_year_energy``)

    # -- stock -------------------------------------------------------------------------------
    def floor_area_m2(self) -> float:
        """Floor area now: the base-year stock plus new floor area [m²]."""
        return self.spec.floor_area_m2 + sum(a for _, a, _ in self.additions)

    def new_standard(self, year: int) -> str:
        p = self.policy
        if p is None or (p.new_standard_from_year is not None and year < p.new_standard_from_year):
            return CURRENT_CODE
        return p.new_standard

    def use_measured(self, shape: str, kwh: float) -> None:
        """Take a measured electricity series (the whole meter, HVAC included): the base year is the
        series; a later year is its sum plus the change of the simulated electricity since the base
        year (HVAC with the weather, retrofits, new floor area), with the series' shape."""
        self.measured_shape, self.measured_kwh = shape, kwh

    def step(self) -> None:
        """Advance one year: new floor area at the scenario's growth rate, built to the standard in force."""
        self.year += 1
        p = self.policy
        if p is not None and p.floor_area_growth_share_per_yr > 0:
            self.additions.append((self.year, self.floor_area_m2() * p.floor_area_growth_share_per_yr, self.new_standard(self.year)))
        if p is not None and p.retrofit_decisions:
            self.decide_retrofits(self.year)

    # -- the owner's retrofit decisions --------------------------------------------------------
    def retrofit_options(self, year: int, electricity_cny_per_kwh: float, gas_cny_per_km3: float, carbon_cny_per_tco2: float) -> list:
        """Each applicable measure on the floor not yet covered, as an ``agents.decisions.Option``:
        capex = floor area × its share × catalogue CNY/m²; saving per year = the energy it saves
        at this year's prices (+ the carbon price on boiler and kitchen gas) − its fixed O&M; kitchen
        electrification saves its gas and pays for the electricity that replaces it."""

        b, state = self.spec, self.current_state()
        index = year - self.model.scenario.base_year
        elec_kwh, heat_kwh_e, cool_kwh_e, gas_km3 = self._stock_end_uses(index, state)
        out = []
        for measure in self.policy.retrofit_measures:
            tech = f"retrofit_{measure}"
            share = 1.0 - state.share(measure)
            if share <= 1e-9 or not acts_on(measure, b) or not available(tech, year):
                continue
            e, h, c, k = retrofit_savings(measure, b.kind)
            kwh = share * (e * elec_kwh + h * heat_kwh_e + c * cool_kwh_e)
            gas = share * h * gas_km3
            if k:
                kitchen_km3 = share * k * b.floor_area_m2 * b.natural_gas_m3_per_m2 / 1000.0
                gas += kitchen_km3
                kwh -= kitchen_km3 * kitchen_kwh_per_km3()
            co2 = gas * constant("natural_gas_kgco2_per_km3") / 1000.0
            area = share * b.floor_area_m2
            saving = kwh * electricity_cny_per_kwh + gas * gas_cny_per_km3 + co2 * carbon_cny_per_tco2 - area * fixed_om_cny_per_yr(tech, year)
            out.append(Option(measure, share, area * capex_cny(tech, year), saving, co2, lifetime_yr(tech)))
        return out

    def _stock_end_uses(self, index: int, state: BuildingState) -> tuple[float, float, float, float]:
        """The base-year stock's electricity (non-HVAC), heating and cooling electricity [kWh] and
        boiler gas [1000 m³] in simulated year ``index`` with its retrofits so far."""
        b, u = self.spec, self.unit
        elec = b.floor_area_m2 * self.electricity_kwh_per_m2 * state.electricity_factor
        if u is None:
            return elec, 0.0, 0.0, 0.0
        cool = float(u.cold_kw[index].sum()) * b.floor_area_m2 * b.cooling_kwh_per_m2_yr * state.cooling_factor
        heat_load = b.floor_area_m2 * b.heating_kwh_per_m2_yr * state.heating_factor
        if u.heat_kw is not None:
            return elec, float(u.heat_kw[index].sum()) * heat_load, cool, 0.0
        gas = float(u.heat_kwh[index].sum()) * heat_load * GJ_PER_KWH / constant("gas_boiler_efficiency") / constant("natural_gas_ncv_gj_per_km3")
        return elec, 0.0, cool, gas

    def decide_retrofits(self, year: int) -> list[str]:
        """Take the measures whose NPV at the owner's hurdle rate is positive and whose payback is
        within the limit (``agents.decisions.choose``); they work from the year's first hour."""

        model, p = self.model, self.policy
        index = year - model.scenario.base_year
        elec_price = shape_price_cny_per_kwh(hourly_tariff(model.scenario.park.grid.tariff, year)[1], self.spec.kind, year)
        carbon = float(model.carbon_price_cny_per_tco2[index])
        options = self.retrofit_options(year, elec_price, price_cny("natural_gas", year) * 1000.0, carbon)
        taken = choose(options, p.hurdle_rate, p.payback_limit_yr, float("inf"))
        hour = float(index * HOURS_PER_YEAR)
        for option in taken:
            name = f"{self.entity_id}_{option.measure}_{year}"
            change = self.retrofit(hour, option.measure, option.share, name)
            if change is None:
                continue
            model.record.purchases.extend(purchase(year, 0.0, name, self.entity_id, i.technology, i.capacity, terms=model.unit_terms)
                                          for i in self.investments(change, year))
            model.record.events.append({
                "year": year, "hour": 0.0, "time": f"{year}-01-01T00:00", "kind": "building_retrofit", "id": name,
                "decided_hour": hour, "origin": self.entity_id,
                "detail": f"{option.measure.replace('_', ' ')} on {option.share:.0%} of the floor: NPV "
                          f"{option.npv_cny(p.hurdle_rate):,.0f} CNY, payback {option.payback_yr():.1f} yr",
            })
        return [o.measure for o in taken]

    def green_floor_area_m2(self) -> float:
        """Floor area that counts as green: certified stock, stock with both envelope and HVAC
        retrofitted (deep retrofit), new floor area built to a green standard [m²]."""
        state = self.current_state()
        if self.spec.green_certified:
            stock = self.spec.floor_area_m2
        else:
            stock = self.spec.floor_area_m2 * min(state.share("envelope"), state.share("hvac"))
        return stock + sum(a for _, a, s in self.additions if standard(s)[3])

    def current_state(self) -> BuildingState:
        done, state = self._folded if self._folded is not None else (0, NO_RETROFITS)
        for ch in self.changes[done:]:
            state = _fold(state, ch)
        return state

    # -- retrofits ---------------------------------------------------------------------------
    def retrofit(self, hour: float, measure: str, floor_share: float, source: str):
        """Commission ``measure`` on ``floor_share`` of the stock not yet covered; None if it does
        not act on this building (``acts_on``: its kind, or a kitchen without gas) or the stock is
        already covered."""
        if not acts_on(measure, self.spec):
            return None
        state = self.current_state()
        added = min(floor_share, 1.0 - state.share(measure))
        if added <= 1e-12:
            return None
        return self.commission(hour, "building_retrofit", (measure, added, retrofit_savings(measure, self.spec.kind)), source)

    def investments(self, change, year: int) -> list[Investment]:
        """Floor area retrofitted [m²] of the measure's technology (data/technologies.csv)."""
        measure, added, _ = change.value
        return [Investment(self.entity_id, f"retrofit_{measure}", added * self.spec.floor_area_m2)]

    def _stock_loads(self, segs) -> tuple:
        """The base-year stock's piecewise loads in the year's segments ``segs``: their starts, each one's
        non-HVAC electricity [kWh/yr], each one's kitchen electricity [kWh/yr] (None when no kitchen gas
        is electrified), the floor's kitchen gas [1000 m³] and the kitchen's kWh per 1000 m³. Kept while
        ``segs`` is the same list (``year_segments`` keeps it until a change arrives)."""
        kept = self.__dict__.get("_stock_kept")
        if kept is not None and kept[0] is segs:
            return kept[1]
        b = self.spec
        starts = [h for h, _ in segs]
        elec = [b.floor_area_m2 * self.electricity_kwh_per_m2 * st.electricity_factor for _, st in segs]
        gas_km3 = b.floor_area_m2 * b.natural_gas_m3_per_m2 / 1000.0
        kitchen = per_km3 = None
        if gas_km3 != 0.0 and any(st.kitchen_gas_factor != 1.0 for _, st in segs):
            per_km3 = kitchen_kwh_per_km3()
            kitchen = [gas_km3 * (1.0 - st.kitchen_gas_factor) * per_km3 for _, st in segs]
        self._stock_kept = (segs, (starts, elec, kitchen, gas_km3, per_km3))
        return self._stock_kept[1]

    def _stock_kitchen(self, target: LoadBook, starts: list, kitchen: list | None, gas_km3: float, per_km3: float | None) -> tuple[float, float]:
        """(electricity [kWh] booked on the kind's shape, kitchen gas [1000 m³]) of the base-year
        stock's kitchen in the year (``_stock_loads``): the gas on the floor not electrified, and the
        electricity that cooks the rest. The gas removed is the booked electricity / ``kitchen_kwh_per_km3``,
        so a change within the year removes gas as the kind's hours of use pass."""
        if kitchen is None:
            return 0.0, gas_km3
        kwh = target.add_piecewise(self.spec.kind, starts, kitchen)
        return kwh, max(gas_km3 - kwh / per_km3, 0.0)

    # -- energy ------------------------------------------------------------------------------
    def year_energy(self, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
        b = self.spec
        segs = self.year_segments(year_start, NO_RETROFITS, _fold)
        starts, elec, kitchen, gas_km3, per_km3 = self._stock_loads(segs)
        if len(segs) == 1 and self.hvac_kw is None and not self.additions and self.measured_shape is None:
            changes = self.changes
            folded = len(changes) if not changes or changes[-1].hour <= year_start else -1  # all before the year
            self.stock_plan = (folded, segs, (elec[0], None if kitchen is None else kitchen[0], gas_km3, per_km3))
            if kitchen is None:
                return self._stock_year(year, elec[0], gas_km3, book)
        index = year - self.model.scenario.base_year
        target = book if self.measured_shape is None else LoadBook(year)  # a metered building is simulated aside
        elec_kwh = target.add_piecewise(b.kind, starts, elec)
        kitchen_kwh, gas_km3 = self._stock_kitchen(target, starts, kitchen, gas_km3, per_km3)
        elec_kwh += kitchen_kwh
        if self.hvac_kw is not None:
            if len(segs) == 1 and segs[0][1] == NO_RETROFITS:
                elec_kwh += target.add_hourly(self.hvac_kw[index])
                gas_km3 += self.heating_gas_km3[index] if self.heating_gas_km3 is not None else 0.0
            else:
                e, g = self._stock_hvac(index, segs)
                elec_kwh += target.add_hourly(e) if e is not None else 0.0
                gas_km3 += g
        e, g, kitchen_gas = self._additions_energy(year, index, target)
        elec_kwh += e
        gas_km3 += g + kitchen_gas
        if self.measured_shape is not None:
            base_kwh = b.floor_area_m2 * self.electricity_kwh_per_m2 + (float(self.hvac_kw[0].sum()) if self.hvac_kw is not None else 0.0)
            change_kwh = elec_kwh - base_kwh if index > 0 else 0.0  # the base year is the meter, exactly
            elec_kwh = book.add(self.measured_shape, max(self.measured_kwh + change_kwh, 0.0), 0)
        return energy_rows(self.entity_id, self.kind, (("electricity", elec_kwh / 1000.0, "MWh"), ("natural_gas", gas_km3, "km3")))

    def _stock_year(self, year: int, elec_kwh: float, gas_km3: float, book: LoadBook) -> list[EnergyRow]:
        """``year_energy`` of a building with its stock alone (no HVAC model, new floor area, electrified
        kitchen gas or meter) in one state all year: its electricity [kWh/yr] booked from hour 0 on its
        kind's shape (``add_piecewise`` of one segment: the same part and kWh), its gas [1000 m³] as is
        (the general path adds only zeros to both)."""
        kind = self.spec.kind
        kwh = book.add_full_year(kind, elec_kwh, share_of_year(kind, year))
        return energy_rows(self.entity_id, self.kind, (("electricity", kwh / 1000.0, "MWh"), ("natural_gas", gas_km3, "km3")))

    def chiller_kw(self, year: int, year_start: int) -> np.ndarray | None:
        """Hourly chiller electricity of the year [kW]: the stock's, with its cooling retrofits, and
        the new floor area's (the cooling part of what ``year_energy`` books), or None without cooling."""
        b, u = self.spec, self.unit
        if u is None or b.cooling_kwh_per_m2_yr == 0:
            return None
        index = year - self.model.scenario.base_year
        segs = self.year_segments(year_start, NO_RETROFITS, _fold)
        cool = b.floor_area_m2 * b.cooling_kwh_per_m2_yr
        factor = self._factor_arrays(segs)[1] if len(segs) > 1 or segs[0][1] != NO_RETROFITS else 1.0
        to_code = 1.0 / thermal_factor(b.kind, b.vintage_year)
        added = sum(area * b.cooling_kwh_per_m2_yr * to_code * standard(std)[2] for built, area, std in self.additions if built <= year)
        return u.cold_kw[index] * (cool * factor + added)

    def _factor_arrays(self, segs) -> tuple[np.ndarray, np.ndarray]:
        bounds = [h for h, _ in segs] + [HOURS_PER_YEAR]
        lengths = np.diff(bounds)
        heat = np.repeat([st.heating_factor for _, st in segs], lengths)
        cool = np.repeat([st.cooling_factor for _, st in segs], lengths)
        return heat, cool

    def _stock_hvac(self, index: int, segs) -> tuple[np.ndarray | None, float]:
        """HVAC electricity [kW] and boiler gas [1000 m³] of the base-year stock with its retrofits."""
        b, u = self.spec, self.unit
        heat_f, cool_f = self._factor_arrays(segs)
        area = b.floor_area_m2
        kw = u.cold_kw[index] * (area * b.cooling_kwh_per_m2_yr) * cool_f
        gas = 0.0
        if u.heat_kw is not None:
            kw = kw + u.heat_kw[index] * (area * b.heating_kwh_per_m2_yr) * heat_f
        else:
            heat_kwh = float(u.heat_kwh[index] @ heat_f) * area * b.heating_kwh_per_m2_yr
            gas = heat_kwh * GJ_PER_KWH / constant("gas_boiler_efficiency") / constant("natural_gas_ncv_gj_per_km3")
        return kw, gas

    def _additions_energy(self, year: int, index: int, book: LoadBook) -> tuple[float, float, float]:
        """(electricity [kWh], heating gas, kitchen gas [1000 m³]) of the new floor area in ``year``
        (built after the base year: retrofits, kitchen electrification included, cover the stock only)."""
        if not self.additions:
            return 0.0, 0.0, 0.0
        b, u = self.spec, self.unit
        code_elec = default_electricity_kwh_per_m2(b.kind, year)
        to_code = 1.0 / thermal_factor(b.kind, b.vintage_year)  # the building's heating/cooling at current code
        elec = heat = cool = 0.0
        area_total = 0.0
        for built, area, std in self.additions:
            if built > year:
                continue
            e_share, h_share, c_share, _ = standard(std)
            elec += area * code_elec * e_share
            heat += area * b.heating_kwh_per_m2_yr * to_code * h_share
            cool += area * b.cooling_kwh_per_m2_yr * to_code * c_share
            area_total += area
        elec_kwh = book.add(b.kind, elec, 0)
        gas = 0.0
        if u is not None and (heat > 0 or cool > 0):
            kw = u.cold_kw[index] * cool
            if u.heat_kw is not None:
                kw = kw + u.heat_kw[index] * heat
            else:
                gas = float(u.heat_kwh[index].sum()) * heat * GJ_PER_KWH / constant("gas_boiler_efficiency") / constant("natural_gas_ncv_gj_per_km3")
            elec_kwh += book.add_hourly(kw)
        return elec_kwh, gas, area_total * b.natural_gas_m3_per_m2 / 1000.0


def buildings_year_energy(buildings, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
    """The ``year_energy`` rows of ``buildings`` in order, booked in order on ``book``.

    A building whose last year was its base-year stock alone in one state (no HVAC model, new floor
    area or meter) books it again from its ``stock_plan`` while no floor area was added and its
    segments are the same list (``year_segments`` keeps it until a change arrives) — known without
    asking for them while it holds the changes it held when all were folded (they come in clock
    order, so none lies in this year: its one state is the one folded): the stock's
    electricity and electrified kitchen [kWh/yr] from hour 0 on its kind's shape and the gas left —
    the products and parts of ``year_energy`` with one segment (``add_piecewise`` of one segment from
    hour 0 is ``add_full_year`` with the share of the year; the zeros it adds for HVAC and new floor
    area change no bits). The plan is keyed on the segments list's identity, which is complete: the
    stock's loads depend only on the spec, the run's data and the states in that list. (A later
    ``year_segments`` of the year, for another stage, finds the same list on its own fast path.)"""
    out: list[EnergyRow] = []
    for b in buildings:
        plan = b.stock_plan
        if plan is None or b.additions or (plan[0] != len(b.changes) and plan[1] is not b.year_segments(year_start, NO_RETROFITS, _fold)):
            out.extend(b.year_energy(year, year_start, book))
            continue
        kind = b.spec.kind
        elec_kwh, kitchen_kwh, gas_km3, per_km3 = plan[2]
        share = share_of_year(kind, year)
        kwh = book.add_full_year(kind, elec_kwh, share)
        if kitchen_kwh is not None:
            cooked_kwh = book.add_full_year(kind, kitchen_kwh, share)
            kwh += cooked_kwh
            gas_km3 = max(gas_km3 - cooked_kwh / per_km3, 0.0)
        out.extend(energy_rows(b.entity_id, BuildingAgent.kind, (("electricity", kwh / 1000.0, "MWh"), ("natural_gas", gas_km3, "km3"))))
    return out


def apply_retrofit(op, item, hour: float, year: int):
    """The operator's handler of a ``building_retrofit`` roadmap item: (description, investments)."""
    pool = op.model.buildings
    targets = list(pool.values()) if item.buildings == "all" else [pool[i] for i in item.buildings]
    out: list[Investment] = []
    done = 0
    for agent in targets:
        change = agent.retrofit(hour, item.measure, item.floor_share, item.id or item.kind)
        if change is not None:
            out += agent.investments(change, year)
            done += 1
    area = sum(i.capacity for i in out)
    return f"{item.measure.replace('_', ' ')} retrofit of {area:,.0f} m² in {done} buildings", out


def building_indicators(buildings) -> dict[str, float]:
    """Floor area [m²] and green-building share [-] of the park's buildings now."""
    total = sum(b.floor_area_m2() for b in buildings)
    green = sum(b.green_floor_area_m2() for b in buildings)
    return {"building_floor_area_m2": total, "green_building_share": green / total if total > 0 else 0.0}


@dataclass
class KeptBuildingIndicators:
    """``building_indicators`` of a run's buildings, computed again only when one of them changed
    (most years none does). Keyed on each building (by identity) with the number of its commissioned
    changes and of its floor additions: a building's floor area and green floor area depend only on
    its spec, its additions and the state its changes fold to (both lists are only appended to), and
    on the standards of the run's data. One per run (``ParkModel``), holding one result."""

    key: tuple = ()
    value: dict = field(default_factory=dict)

    def of(self, buildings) -> dict[str, float]:
        """``building_indicators(buildings)``: the kept result while the key is the same (read-only)."""
        key = tuple((b, len(b.changes), len(b.additions)) for b in buildings)
        if key != self.key or not self.value:
            self.key, self.value = key, building_indicators([b for b, _, _ in key])
        return self.value

"""Symbiosis exchanges as agents: each candidate exchange of the park file decides every year
whether to go ahead, and once commissioned reports what it moves in the year.

Decision: at the start of a year, an exchange not yet started evaluates both sides' NPV
(symbiosis.exchanges.exchange_npv) at the year's fuel and electricity prices, the carbon price
when the scenario lets it weigh in decisions, and the discount rate of data/symbiosis_factors.csv.
When both gain it is decided: the kernel runs it as a SimPy project (its lead time) and it
delivers from its commissioning hour. An exchange where one side loses is re-evaluated next year.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import mesa

from parktwin.accounting.resources import ExchangeFlows
from parktwin.agents.base import EnergyRow
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.spec.park import EXTERNAL_PREFIX, SymbiosisExchange
from parktwin.symbiosis.exchanges import (
    ExchangeEffect,
    effects,
    exchange_npv,
    factor,
    from_spec,
)


@dataclass(frozen=True)
class ExchangeContext:
    """What exchanges see when they decide at the start of ``year``."""

    year: int
    carbon_price_cny_per_tco2: float  # 0 when the scenario keeps the carbon price out of decisions
    fuel_by_entity: dict = field(default_factory=dict)  # enterprise → carrier → last year's use (energy-row units)


class ExchangeAgent(mesa.Agent):
    """One candidate exchange between two enterprises (or an enterprise and an outside partner)."""

    kind = "exchange"

    def __init__(self, model: mesa.Model, spec: SymbiosisExchange):
        super().__init__(model)
        self.spec = spec
        self.exchange = from_spec(spec)
        self.decided_year: int | None = None
        self.commissioned_hour: float | None = None  # global hour of the first delivery
        self.last_npv: dict[str, float] = {}
        self._effect: ExchangeEffect | None = None
        self._supplier_fuel: dict[str, float] | None = None
        self._plan: ExchangePlan | None = None
        self._in_park = {side: not getattr(spec, side).startswith(EXTERNAL_PREFIX) for side in ("supplier", "receiver")}

    def in_park(self, side: str) -> bool:
        """True when ``side`` ("supplier" or "receiver") is an enterprise of the park (read once)."""
        return self._in_park[side]

    def step(self) -> None:
        """Decide this year (the kernel sets ``model.exchange_context`` before the agents step)."""
        ctx = getattr(self.model, "exchange_context", None)
        if ctx is not None:
            self.evaluate(ctx)

    def evaluate(self, ctx: ExchangeContext) -> bool:
        """True when the exchange is decided this year: not started yet, allowed this year, and
        both sides' NPV positive."""
        earliest = self.spec.earliest_year
        if self.decided_year is not None or (earliest is not None and ctx.year < earliest):
            return False
        self.last_npv = exchange_npv(self.usable(ctx), discount_rate=factor("exchange_discount_rate"), year=ctx.year,
                                     carbon_price_cny_per_tco2=ctx.carbon_price_cny_per_tco2)
        if self.last_npv["receiver_npv_cny"] > 0 and self.last_npv["supplier_npv_cny"] > 0:
            self.decided_year = ctx.year
            return True
        return False

    def usable(self, ctx: ExchangeContext):
        """The exchange as the receiver can use it: a fuel-saving exchange is valued only for the
        fuel the receiver burnt last year (its quantity cut in proportion, the capex unchanged)."""
        e = self.year_effect()
        if not e.fuel_saved or not self.in_park("receiver"):
            return self.exchange
        burnt = ctx.fuel_by_entity.get(self.spec.receiver, {})
        ratio = min(min(burnt.get(c, 0.0) * FUEL_ROW_UNITS[c] / amount, 1.0) for c, amount in e.fuel_saved.items() if amount > 0)
        return self.exchange if ratio >= 1.0 else replace(self.exchange, quantity=self.exchange.quantity * ratio)

    def running_share(self, year_start: float) -> float:
        """Share of the year beginning at global hour ``year_start`` in which the exchange delivers."""
        if self.commissioned_hour is None:
            return 0.0
        return min(max((year_start + HOURS_PER_YEAR - self.commissioned_hour) / HOURS_PER_YEAR, 0.0), 1.0)

    def status(self, running: float) -> str:
        """candidate (not decided: one side would lose), building, or running in the year of which it
        delivers the share ``running`` (``running_share``, which the year's table has computed already)."""
        if self.decided_year is None:
            return "candidate"
        return "running" if running > 0 else "building"

    def supplier_fuel_added(self) -> dict[str, float]:
        """The supplier's extra fuel a full year of the exchange burns, with the trucks' diesel
        [effect units: t, m³ of gas] (from ``year_effect``, once)."""
        if self._supplier_fuel is None:
            e = self.year_effect()
            extra = dict(e.supplier_fuel_added)
            extra["diesel"] = extra.get("diesel", 0.0) + e.truck_diesel_t
            self._supplier_fuel = extra
        return self._supplier_fuel

    def plan(self) -> ExchangePlan:
        """What the exchange changes each year it runs, at full scale (``ExchangePlan``), once: its effects,
        sides and kind do not change."""
        if self._plan is None:
            e, spec = self.year_effect(), self.spec
            payer = "receiver" if self.exchange.kind == "waste_heat" else "supplier"
            self._plan = ExchangePlan(
                effect=e,
                receiver_fuels=tuple((c, amount, FUEL_ROW_UNITS[c]) for c, amount in e.fuel_saved.items()) if self.in_park("receiver") else (),
                supplier_in_park=self.in_park("supplier"),
                supplier_fuels=tuple((c, amount, FUEL_ROW_UNITS[c]) for c, amount in self.supplier_fuel_added().items()),
                electricity_payer=getattr(spec, payer) if e.electricity_added_kwh > 0 and self.in_park(payer) else None,
                water=WATER_FLOWS.get(self.exchange.kind),
                material=self.exchange.kind in MATERIAL_KINDS,
                heat=self.exchange.kind in HEAT_KINDS)
        return self._plan

    def year_effect(self) -> ExchangeEffect:
        """The exchange's full-year physical effects (symbiosis.exchanges.effects), computed once.
        Its scope-2 field is not used in the run: the electricity goes through the park's dispatch."""
        if self._effect is None:
            self._effect = effects(self.exchange)
        return self._effect


EXCHANGE_COLUMNS = (
    "year", "id", "supplier", "receiver", "kind", "quantity", "unit", "status", "running_share", "delivered",
    "heat_delivered_gj", "receiver_fuel_saved_tce", "receiver_co2_avoided_tco2", "supplier_co2_added_tco2",
    "scope3_avoided_tco2", "water_reused_m3", "material_reused_t", "electricity_added_mwh",
    "receiver_npv_cny", "supplier_npv_cny", "capex_cny",
)
FUEL_ROW_UNITS = {"coal": 1.0, "natural_gas": 1000.0, "diesel": 1.0}  # effect unit per energy-row unit (gas: m³ per km³)
MATERIAL_KINDS = frozenset({"gypsum", "fly_ash", "slag", "spent_acid", "residue", "organic_residue"})
HEAT_KINDS = frozenset({"steam", "waste_heat"})
NAN = float("nan")  # an NPV not evaluated yet
ELECTRICITY_SHAPE = "continuous"  # pumps, polishing and heat pumps run round the clock
WATER_FLOWS = {"treated_water": "reclaimed_m3", "cooling_water": "reused_m3"}  # kind → the ``ExchangeFlows`` field of the receiver's water


@dataclass(frozen=True)
class ExchangePlan:
    """What a running exchange changes in a year at full scale (``ExchangeAgent.plan``), read once: the
    year's values are these × the share of the year it ran × its supplier's activity (``apply_exchanges``)."""

    effect: ExchangeEffect  # its full-year effects
    receiver_fuels: tuple  # (carrier, full-year fuel saved [effect unit], effect unit per row unit) of an in-park receiver, else ()
    supplier_in_park: bool
    supplier_fuels: tuple  # (carrier, the supplier's full-year extra fuel with the trucks' diesel [effect unit], unit per row unit)
    electricity_payer: str | None  # the in-park side whose electricity the exchange adds (None: none added, or outside the park)
    water: str | None  # the ``ExchangeFlows`` field of the receiver's water (``WATER_FLOWS``), None for other kinds
    material: bool  # a by-product or residue (``MATERIAL_KINDS``): the supplier's waste sent
    heat: bool  # steam or waste heat (``HEAT_KINDS``): the supplier's heat sent


@dataclass
class YearOfExchanges:
    """What the park's exchanges did in one year."""

    rows: list  # the energy rows with the exchanges applied
    flows: object  # accounting.resources.ExchangeFlows
    table: list[tuple]  # one EXCHANGE_COLUMNS row per exchange
    scope1_avoided_tco2: float = 0.0
    scope3_avoided_tco2: float = 0.0
    running: int = 0


def apply_exchanges(agents: list[ExchangeAgent], year: int, year_start: float, rows: list, book,
                    kind_of: dict[str, str], activity: dict[str, float] | None = None) -> YearOfExchanges:
    """Apply the running exchanges to the year's energy rows (``agents.base.EnergyRow``) and load book.

    Each exchange counts for the share of the year it ran, and (``scales_with_supplier``, the
    default) its stated quantity × the supplier's ``activity`` (output relative to the base year):
    the by-product grows and shrinks with the plant that makes it. What the receiver can take caps
    it: fuel saved never below what the receiver burns, water never above its fresh water, material
    and heat never above the supplier's generated waste and available heat (accounting.resources). The receiver burns less of the fuel
    it would have used (never below what it burns this year, so an electrified receiver saves
    less); the supplier burns its extra fuel and the trucks' diesel; the electricity the exchange
    needs (heat pump: the receiver's; pumping and polishing: the supplier's) is a round-the-clock
    load from the commissioning hour. Sides outside the park (``external:``) are outside the
    boundary: their fuel and electricity are not in the inventory. The fresh-water supply
    electricity saved is the waterworks' (outside the park) and is not counted.
    """

    units = {"coal": "t", "natural_gas": "km3", "diesel": "t", "electricity": "MWh"}
    sides = {side for agent in agents for side in (agent.spec.supplier, agent.spec.receiver)}  # the entities ``change`` may touch
    index = {(r[0], r[2]): i for i, r in enumerate(rows) if r[0] in sides}  # (entity, carrier) → position of their rows
    rows = list(rows)
    new_row = tuple.__new__  # (an EnergyRow without its Python-level __new__)

    def change(entity: str, carrier: str, delta: float) -> float:
        """Add ``delta`` (negative: remove, never below zero) to an energy row; returns what changed."""
        key = (entity, carrier)
        at = index.get(key)
        if at is None:
            if delta <= 0:
                return 0.0
            at = index[key] = len(rows)
            rows.append(EnergyRow(entity, kind_of.get(entity, "enterprise"), carrier, 0.0, units[carrier]))
        r = rows[at]
        delta = max(delta, -r[3])
        rows[at] = new_row(EnergyRow, (r[0], r[1], r[2], r[3] + delta, r[4]))  # (entity, kind, carrier, quantity, unit)
        return delta

    flows, table = ExchangeFlows(), []
    out = YearOfExchanges(rows, flows, table)
    year_end = year_start + HOURS_PER_YEAR
    for agent in agents:
        x, spec = agent.exchange, agent.spec
        running = agent.running_share(year_start)
        scale = activity.get(spec.supplier, 1.0) if activity and spec.scales_with_supplier and agent.in_park("supplier") else 1.0
        w = running * scale  # full-year effects × this
        heat = fuel_tce = co2 = added = s3 = water = material = elec_mwh = 0.0
        if w > 0:
            plan = agent.plan()
            e = plan.effect
            heat, s3 = e.heat_delivered_gj * w, e.scope3_avoided_tco2 * w
            for carrier, amount, per_row_unit in plan.receiver_fuels:
                wanted = amount * w / per_row_unit
                if wanted > 0:
                    got = -change(spec.receiver, carrier, -wanted)
                    fuel_tce += e.fuel_saved_tce * w * got / wanted
                    co2 += e.co2_avoided_tco2 * w * got / wanted
            if plan.supplier_in_park:
                for carrier, amount, per_row_unit in plan.supplier_fuels:
                    change(spec.supplier, carrier, amount * w / per_row_unit)
                added = e.supplier_co2_added_tco2 * w
            if plan.electricity_payer is not None:
                start = max(int(agent.commissioned_hour - year_start), 0)
                elec_mwh = book.add(ELECTRICITY_SHAPE, e.electricity_added_kwh * scale, start) / 1000.0
                change(plan.electricity_payer, "electricity", elec_mwh)
            if plan.water is not None:
                received = getattr(flows, plan.water)
                received[spec.receiver] = received.get(spec.receiver, 0.0) + x.quantity * w
            water = e.water_saved_m3 * w
            if plan.material:
                flows.waste_t[spec.supplier] = flows.waste_t.get(spec.supplier, 0.0) + x.quantity * w
                material = x.quantity * w
            if plan.heat:
                flows.heat_gj[spec.supplier] = flows.heat_gj.get(spec.supplier, 0.0) + heat
            out.running += 1
        if agent.commissioned_hour is not None and agent.commissioned_hour < year_end:
            flows.commissioned += 1
        out.scope1_avoided_tco2 += co2 - added
        out.scope3_avoided_tco2 += s3
        npv = agent.last_npv
        table.append((year, spec.id, spec.supplier, spec.receiver, x.kind, x.quantity, x.unit, agent.status(running), running,
                      x.quantity * w, heat, fuel_tce, co2, added, s3, water, material, elec_mwh,
                      npv.get("receiver_npv_cny", NAN), npv.get("supplier_npv_cny", NAN), x.capex_cny))
    out.rows = rows
    return out

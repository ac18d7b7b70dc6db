"""Enterprises: activity growth, boiler electrification and efficiency measures.

Decisions (issue: enterprises decide) will live in ``decide``; here firms grow and take the
measures the roadmap assigns to them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from parktwin.agents.base import EnergyRow, ParkAgent, book_piecewise, segment_weights, segments
from parktwin.data import constant
from parktwin.energy.loads import LoadBook
from parktwin.spec.park import Enterprise

KWH_PER_GJ = 1e6 / 3600.0


@dataclass(frozen=True)
class FirmState:
    efficiency_factor: float = 1.0  # product of (1 - cut) of commissioned efficiency measures
    electric_boiler_share: float = 0.0  # of own boiler heat
    heat_pump_share: float = 0.0
    bought_heat_eb_share: float = 0.0  # of purchased heat, now made by own electric boilers
    bought_heat_hp_share: float = 0.0  # ... or by own heat pumps
    capture_share: float = 0.0  # of process CO₂, captured and stored
    hydrogen_share: float = 0.0  # of the coal and gas not burnt in boilers, replaced by on-site green H₂


def _add_within(shares: tuple[float, float], add: float, first: bool) -> tuple[float, float]:
    """Add ``add`` to the first or second of two shares whose sum stays ≤ 1."""
    add = min(add, 1.0 - shares[0] - shares[1])
    return (shares[0] + add, shares[1]) if first else (shares[0], shares[1] + add)


def _fold(state: FirmState, change) -> FirmState:
    if change.kind == "efficiency":
        return replace(state, efficiency_factor=state.efficiency_factor * (1.0 - change.value))
    if change.kind in ("electric_boiler", "heat_pump"):
        share, include_bought = change.value
        eb = change.kind == "electric_boiler"
        own = _add_within((state.electric_boiler_share, state.heat_pump_share), share, eb)
        bought = (state.bought_heat_eb_share, state.bought_heat_hp_share)
        if include_bought:
            bought = _add_within(bought, share, eb)
        return replace(state, electric_boiler_share=own[0], heat_pump_share=own[1],
                       bought_heat_eb_share=bought[0], bought_heat_hp_share=bought[1])
    if change.kind == "hydrogen_process_heat":
        return replace(state, hydrogen_share=min(1.0, state.hydrogen_share + change.value))
    if change.kind == "ccus":
        return replace(state, capture_share=max(state.capture_share, change.value))
    raise ValueError(f"enterprise cannot take a change of kind {change.kind!r}")


class EnterpriseAgent(ParkAgent):
    kind = "enterprise"

    def __init__(self, model, spec: Enterprise, growth_share_per_yr: float, intensity_decline_share_per_yr: float):
        super().__init__(model, spec.id)
        self.spec = spec
        self.growth_share_per_yr = growth_share_per_yr
        self.intensity_decline_share_per_yr = intensity_decline_share_per_yr
        self.activity = 1.0  # value added relative to the base year
        self.intensity = 1.0  # autonomous energy intensity relative to the base year

    def step(self) -> None:
        """Advance one year: grow activity, improve intensity."""
        self.activity *= 1.0 + self.growth_share_per_yr
        self.intensity *= 1.0 - self.intensity_decline_share_per_yr

    @property
    def value_added_mcny(self) -> float:
        return self.spec.value_added_mcny * self.activity

    def boiler_heat_kwh(self) -> float:
        """Useful boiler heat of the base year [kWh_th]: boiler fuel × NCV × boiler efficiency."""
        e, s = self.spec.energy, self.spec.fuel_heat_share
        coal = e.coal_t * s * constant("coal_ncv_gj_per_t") * constant("coal_boiler_efficiency")
        gas = e.natural_gas_km3 * s * constant("natural_gas_ncv_gj_per_km3") * constant("gas_boiler_efficiency")
        return (coal + gas) * KWH_PER_GJ

    def process_fuel_kwh(self) -> float:
        """Energy (NCV) of the coal and gas not burnt in boilers, base year [kWh]."""
        e, s = self.spec.energy, self.spec.fuel_heat_share
        gj = (1.0 - s) * (e.coal_t * constant("coal_ncv_gj_per_t") + e.natural_gas_km3 * constant("natural_gas_ncv_gj_per_km3"))
        return gj * KWH_PER_GJ

    def year_energy(self, year: int, year_start: int, book: LoadBook) -> list[EnergyRow]:
        e, s = self.spec.energy, self.spec.fuel_heat_share
        shape = self.spec.shift_pattern
        segs = segments(self.changes, year_start, FirmState(), _fold)
        starts = [h for h, _ in segs]
        weights = segment_weights(shape, year, starts)
        scale = self.activity * self.intensity
        heat_kwh = self.boiler_heat_kwh()
        bought_kwh = e.purchased_heat_gj * KWH_PER_GJ
        h2_elec_kwh = self.process_fuel_kwh() / constant("electrolyser_efficiency_lhv")
        eb_eff, cop = constant("electric_boiler_efficiency"), constant("heat_pump_cop")
        process_t = self.spec.process_emissions_tco2 * self.activity
        capture_kwh_per_t = 1000.0 * (constant("ccus_electricity_mwh_per_tco2") + constant("ccus_heat_mwh_per_tco2") / eb_eff)

        elec_kwh = []
        coal_t = gas_km3 = diesel_t = heat_gj = captured_t = 0.0
        for (_, st), w in zip(segs, weights):
            k = scale * st.efficiency_factor
            fossil_left = 1.0 - st.electric_boiler_share - st.heat_pump_share
            bought_left = 1.0 - st.bought_heat_eb_share - st.bought_heat_hp_share
            elec_kwh.append(
                k * (e.electricity_mwh * 1000.0
                     + heat_kwh * (st.electric_boiler_share / eb_eff + st.heat_pump_share / cop)
                     + bought_kwh * (st.bought_heat_eb_share / eb_eff + st.bought_heat_hp_share / cop))
                + k * h2_elec_kwh * st.hydrogen_share
                + process_t * st.capture_share * capture_kwh_per_t
            )
            fossil = (1.0 - s) * (1.0 - st.hydrogen_share) + s * fossil_left
            coal_t += w * k * e.coal_t * fossil
            gas_km3 += w * k * e.natural_gas_km3 * fossil
            diesel_t += w * k * e.diesel_t
            heat_gj += w * k * e.purchased_heat_gj * bought_left
            captured_t += w * process_t * st.capture_share
        elec_year_kwh = book_piecewise(book, shape, starts, elec_kwh)
        rows = [
            ("electricity", elec_year_kwh / 1000.0, "MWh"),
            ("coal", coal_t, "t"),
            ("natural_gas", gas_km3, "km3"),
            ("diesel", diesel_t, "t"),
            ("purchased_heat", heat_gj, "GJ"),
            ("process_co2", process_t, "tCO2"),
            ("captured_co2", captured_t, "tCO2"),
        ]
        return [EnergyRow(self.entity_id, self.kind, c, q, u) for c, q, u in rows if q > 0.0]

"""Enterprises: activity growth, boiler electrification and efficiency measures.

Decisions (issue: enterprises decide) will live in ``decide``; here firms grow and take the
measures the roadmap assigns to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parktwin.agents.base import EnergyRow, ParkAgent, state_cache
from parktwin.agents.decisions import FirmView, choose, efficiency_option, heat_option, wacc_rate
from parktwin.agents.firm_energy import (STATE_ACTIVE, STATE_BOUGHT_HEAT_LEFT, STATE_CAPTURE_SHARE, STATE_CAPTURE_STORED,
                                         STATE_COAL_LEFT, STATE_COLUMNS, STATE_DIESEL_LEFT, STATE_EFFICIENCY,
                                         STATE_ELECTRICITY_KWH, STATE_GAS_LEFT, STATE_HYDROGEN_SHARE, YEAR_ROWS)
from parktwin.agents.heat_bands import KWH_PER_GJ, Bands
from parktwin.agents.heat_bands import band_cops
from parktwin.agents.heat_bands import left_share
from parktwin.agents.resources import DECIDED as RESOURCE_DECIDED
from parktwin.agents.resources import MeasureLedger, resource_option
from parktwin.data import constant, heat_band_shares, overridden
from parktwin.economics.costs import FUEL_PRICES
from parktwin.energy.loads import profile_peak
from parktwin.spec.park import Enterprise
from parktwin.spec.scenario import Efficiency, ElectrifyBoilers, ResourceMeasure

NO_BANDS: Bands = (0.0, 0.0, 0.0)
HEAT_PUMP_BANDS = (True, True, False)  # heat pumps reach the medium band (≤200 °C), not the high band


@dataclass(frozen=True)
class FirmState:
    """Commissioned measures of one firm; electrified shares are per temperature band."""

    efficiency_factor: float = 1.0  # product of (1 - cut) of commissioned efficiency measures
    own_eb: Bands = NO_BANDS  # share of own boiler heat now from electric boilers, by band
    own_hp: Bands = NO_BANDS  # ... from heat pumps
    bought_eb: Bands = NO_BANDS  # share of purchased heat now made by own electric boilers
    bought_hp: Bands = NO_BANDS  # ... by own heat pumps
    capture_share: float = 0.0  # of process CO₂, captured
    capture_stored: bool = True  # the captured CO₂ goes to permanent storage (else into short-lived products)
    hydrogen_share: float = 0.0  # of the coal and gas not burnt in boilers, replaced by on-site green H₂
    active: float = 1.0  # 1 while the firm operates in the park, 0 before its entry and after its exit

    def __post_init__(self) -> None:
        # the hash of the fields, once: a state keys the per-process caches of folds and per-state
        # terms, and hashing nine fields (three of them tuples) at each look-up cost ~1 us
        object.__setattr__(self, "_hash", hash((self.efficiency_factor, self.own_eb, self.own_hp, self.bought_eb, self.bought_hp,
                                                self.capture_share, self.capture_stored, self.hydrogen_share, self.active)))

    def __hash__(self) -> int:
        return self._hash


NO_MEASURES = FirmState()  # a firm before any change (immutable, so one instance serves every firm)


def _electrify(eb: Bands, hp: Bands, add: float, heat_pump: bool) -> tuple[Bands, Bands]:
    """Move ``add`` of each band's heat to electric boilers or heat pumps (where they reach)."""
    new_eb, new_hp = list(eb), list(hp)
    for b in range(3):
        if heat_pump and not HEAT_PUMP_BANDS[b]:
            continue
        step = min(add, 1.0 - eb[b] - hp[b])
        if heat_pump:
            new_hp[b] += step
        else:
            new_eb[b] += step
    return tuple(new_eb), tuple(new_hp)


def _evolve(state: FirmState, **changes) -> FirmState:
    """``dataclasses.replace`` without its per-field checks (a fold runs ~1,000 times a run)."""
    values = {**state.__dict__, **changes}
    del values["_hash"]  # (not a field: computed again for the new state)
    return FirmState(**values)


def fold_firm_state(state: FirmState, change) -> FirmState:
    """The state after ``change``: a pure function of the state and the change's kind and value, so
    each is folded once per process (``agents.base.state_cache``; the runs and replicates of a
    roadmap fold the same changes, and the states they share are then one object)."""
    folds = state_cache("firm_fold", ())
    key = (state, change.kind, change.value)
    out = folds.get(key)
    if out is None:
        out = folds[key] = _fold_firm_state(state, change)
    return out


def _fold_firm_state(state: FirmState, change) -> FirmState:
    if change.kind == "efficiency":
        return _evolve(state, efficiency_factor=state.efficiency_factor * (1.0 - change.value))
    if change.kind in ("electric_boiler", "heat_pump"):
        share, include_bought = change.value
        hp = change.kind == "heat_pump"
        own_eb, own_hp = _electrify(state.own_eb, state.own_hp, share, hp)
        bought_eb, bought_hp = state.bought_eb, state.bought_hp
        if include_bought:
            bought_eb, bought_hp = _electrify(bought_eb, bought_hp, share, hp)
        return _evolve(state, own_eb=own_eb, own_hp=own_hp, bought_eb=bought_eb, bought_hp=bought_hp)
    if change.kind == "hydrogen_process_heat":
        return _evolve(state, hydrogen_share=min(1.0, state.hydrogen_share + change.value))
    if change.kind == "ccus":
        share, destination = change.value
        return _evolve(state, capture_share=max(state.capture_share, share), capture_stored=destination == "storage")
    if change.kind in ("enter", "leave"):
        return _evolve(state, active=1.0 if change.kind == "enter" else 0.0)
    raise ValueError(f"enterprise cannot take a change of kind {change.kind!r}")


def _heat_electricity_per_kwh(weights: Bands, eb: Bands, hp: Bands, eb_eff: float, cops: Bands) -> float:
    """kWh of electricity per kWh of heat demand, given band weights, electrified shares, the
    electric boilers' efficiency and the heat pumps' COP per band."""
    if not any(eb) and not any(hp):
        return 0.0
    return sum(w * (e / eb_eff + (h / cop if h else 0.0)) for w, e, h, cop in zip(weights, eb, hp, cops))


def _coal_heat_share(e) -> float:
    """Share of a firm's base-year boiler heat made from coal (the rest from gas) [-], from its
    fuels ``e`` (spec.park.Energy)."""
    coal_heat = e.coal_t * constant("coal_ncv_gj_per_t") * constant("coal_boiler_efficiency")
    gas_heat = e.natural_gas_km3 * constant("natural_gas_ncv_gj_per_km3") * constant("gas_boiler_efficiency")
    return coal_heat / (coal_heat + gas_heat) if coal_heat + gas_heat > 0 else 0.0


@dataclass(frozen=True)
class FirmBasis:
    """What a firm derives from its spec, its measured electricity and the constants in force, not
    from the seed or the run (``firm_basis``): read-only, shared by every run of a loaded scenario."""

    boiler_heat_kwh: float  # useful boiler heat of the base year [kWh_th]
    base_energy_tce: float  # base-year final energy [tce], electricity at 当量
    process_fuel_kwh: float  # energy (NCV) of the coal and gas not burnt in boilers, base year [kWh]
    electric_boiler_efficiency: float  # [kWh_th/kWh_e]
    heat_pump_cops: Bands  # per band (agents.heat_bands.band_cops)
    terms_inputs: tuple  # what ``state_terms`` reads besides the state
    year_inputs: tuple[float, ...]  # the base-year quantities the firm's year energy scales
    possible_rows: tuple[tuple[int, str, str], ...]  # the ``YEAR_ROWS`` the firm can have above 0
    view_basis: tuple[float, float, float, tuple[int, ...]]  # what ``firm_view`` reads once


BASES_MAX = 512  # firms' bases kept (a park has tens of firms; a batch of sampled parks replaces them)
_BASES: dict[int, tuple] = {}  # id(spec) → (spec, measured kWh, constants overridden, FirmBasis)


def firm_basis(spec: Enterprise, measured_kwh: float | None, heat_bands: Bands) -> FirmBasis:
    """The firm's ``FirmBasis``, computed once per spec object (a loaded scenario's runs and replicates
    share their specs), measured electricity [kWh] and constants overridden (``data.overriding``):
    keyed on the spec's identity (the entry holds the spec, so its id is not reused while kept) and
    checked on the other two, which with the shipped data are all a basis reads (``heat_bands`` come
    from the spec). Bounded: emptied when ``BASES_MAX`` specs are kept."""
    overrides = overridden("constants")
    entry = _BASES.get(id(spec))
    if entry is not None and entry[0] is spec and entry[1] == measured_kwh and entry[2] == overrides:
        return entry[3]
    basis = _compute_basis(spec, measured_kwh, heat_bands)
    if len(_BASES) >= BASES_MAX:
        _BASES.clear()
    _BASES[id(spec)] = (spec, measured_kwh, dict(overrides), basis)
    return basis


def _compute_basis(spec: Enterprise, measured_kwh: float | None, heat_bands: Bands) -> FirmBasis:
    """The ``FirmBasis`` of a firm (formulas as the base year's: fuel × NCV × efficiency, kgce factors).
    Its ``view_basis``: base-year boiler heat [kWh_th], energy [tce], coal share of boiler heat, and
    the positions in ``economics.costs.FUEL_PRICES`` (so in ``DecisionContext.fuel_prices``) of the
    fuels among its ``possible_rows``. A fuel it can never have adds 0.0 to its bill, which changes no
    bit of a sum that is not −0.0 (quantities above 0 at prices ≥ 0 never make one), so the bill adds
    only these, in the same order."""
    e, s = spec.energy, spec.fuel_heat_share
    base_kwh = measured_kwh if measured_kwh is not None else e.electricity_mwh * 1000.0
    coal = e.coal_t * s * constant("coal_ncv_gj_per_t") * constant("coal_boiler_efficiency")
    gas = e.natural_gas_km3 * s * constant("natural_gas_ncv_gj_per_km3") * constant("gas_boiler_efficiency")
    boiler_kwh = (coal + gas) * KWH_PER_GJ
    kgce = (e.coal_t * constant("coal_kgce_per_t") + e.natural_gas_km3 * constant("natural_gas_kgce_per_km3")
            + e.diesel_t * constant("diesel_kgce_per_t") + e.purchased_heat_gj * constant("purchased_heat_kgce_per_gj")
            + base_kwh * constant("electricity_kgce_per_kwh_equivalent"))
    process_gj = (1.0 - s) * (e.coal_t * constant("coal_ncv_gj_per_t") + e.natural_gas_km3 * constant("natural_gas_ncv_gj_per_km3"))
    process_kwh = process_gj * KWH_PER_GJ
    eb_eff, cops = constant("electric_boiler_efficiency"), band_cops()
    year_inputs = (e.coal_t, e.natural_gas_km3, e.diesel_t, e.purchased_heat_gj, spec.process_emissions_tco2,
                   process_kwh / constant("electrolyser_efficiency_lhv"),
                   1000.0 * (constant("ccus_electricity_mwh_per_tco2") + constant("ccus_heat_mwh_per_tco2") / eb_eff))
    possible = _possible_rows(year_inputs)
    carriers = {c for _, c, _ in possible}
    fuels = tuple(j for j, c in enumerate(FUEL_PRICES) if c in carriers)
    return FirmBasis(boiler_kwh, kgce / 1000.0, process_kwh, eb_eff, cops,
                     (base_kwh, boiler_kwh, e.purchased_heat_gj * KWH_PER_GJ, heat_bands, s, eb_eff, cops),
                     year_inputs, possible, (boiler_kwh, kgce / 1000.0, _coal_heat_share(e), fuels))


def _possible_rows(year_inputs: tuple[float, ...]) -> tuple[tuple[int, str, str], ...]:
    """The ``YEAR_ROWS`` (position, carrier, unit) above 0 in some year: electricity, and the fuel,
    bought-heat and process-CO₂ rows whose base-year input is above 0 (a row of an input 0 is 0 in
    every year: its products and sums are 0, and no row keeps a 0)."""
    coal, gas, diesel, bought_gj, process_t = year_inputs[:5]
    inputs = (1.0, coal, gas, diesel, bought_gj, process_t, process_t, process_t)  # (electricity: always looked at)
    return tuple((i, c, u) for i, ((c, u), x) in enumerate(zip(YEAR_ROWS, inputs)) if x > 0.0)


class EnterpriseAgent(ParkAgent):
    kind = "enterprise"

    def __init__(self, model, spec: Enterprise, growth_share_per_yr: float, intensity_decline_share_per_yr: float):
        super().__init__(model, spec.id)
        self.spec = spec
        self.growth_share_per_yr = growth_share_per_yr
        self.intensity_decline_share_per_yr = intensity_decline_share_per_yr
        self.activity = 1.0  # value added relative to the base year
        self.intensity = 1.0  # autonomous energy intensity relative to the base year
        self.decided: list = []  # projects started this year by the firm itself
        self.pending: dict[str, str] = {}  # project id → measure, decided and not yet commissioned
        self.resource_changes = MeasureLedger()  # resource measures (agents/resources.py), apart from the energy changes
        self.measured_shape: str | None = None  # a registered measured load shape (use_measured)
        self.measured_kwh: float | None = None  # that series' base-year electricity [kWh]
        bands = spec.heat_band_shares
        self.heat_bands: Bands = (
            (bands["low"], bands["medium"], bands["high"]) if bands else heat_band_shares(spec.sector)
        )

    def use_measured(self, shape: str, kwh: float) -> None:
        """Take a measured electricity series: its sum [kWh] is the base-year electricity and its
        registered ``shape`` the hourly profile of the firm's electricity in every year."""
        self.measured_shape, self.measured_kwh = shape, kwh
        self.__dict__.pop("_basis", None)  # (its base-year electricity changed)

    @property
    def load_shape(self) -> str:
        """The firm's hourly electricity shape: the measured series if it has one, else its shift pattern."""
        return self.measured_shape or self.spec.shift_pattern

    def base_electricity_kwh(self) -> float:
        """Base-year electricity [kWh]: the measured series' sum, else the park file's electricity_mwh."""
        return self.measured_kwh if self.measured_kwh is not None else self.spec.energy.electricity_mwh * 1000.0

    def step(self) -> None:
        """Advance one year: grow activity, improve intensity, then decide (if the scenario lets firms)."""
        self.activity *= 1.0 + self.growth_share_per_yr
        self.intensity *= 1.0 - self.intensity_decline_share_per_yr
        ctx = getattr(self.model, "decision_context", None)
        self.decided = self.decide(ctx) if ctx is not None else []

    def draw_traits(self, rng, spec) -> None:
        """Hurdle rate, payback limit and openness of this firm, drawn from the run's seed."""

        def draw(s) -> float:
            return float(np.clip(rng.normal(s.mean, s.sd), s.low, s.high))

        self.hurdle_rate, self.payback_limit_yr, self.openness = draw(spec.hurdle_rate), draw(spec.payback_limit_yr), draw(spec.openness)
        self.last_efficiency_year = -10**6

    def current_state(self) -> FirmState:
        """The firm's state with every change commissioned so far (from the yearly fold onwards);
        kept until a change arrives (changes are only appended), so repeated calls return one object."""
        kept = self.__dict__.get("_current")
        if kept is not None and kept[0] == len(self.changes):
            return kept[1]
        done, state = self._folded if self._folded is not None else (0, NO_MEASURES)
        for ch in self.changes[done:]:
            state = fold_firm_state(state, ch)
        self._current = (len(self.changes), state)
        return state

    def electrified_heat_share(self, state: FirmState | None = None) -> float:
        """Share of the firm's own boiler heat that is electric now."""
        st = state or self.current_state()
        return sum(w * (e + h) for w, e, h in zip(self.heat_bands, st.own_eb, st.own_hp))

    def decide(self, ctx) -> list:
        """The projects this firm starts this year: mandated ones, then those that pay (see decisions.py).
        Each is built from the validated scenario's numbers and not validated again (``model_construct``:
        a validation touches much code, and after the year's hourly work it runs from cold caches)."""
        year, policy, spec = ctx.year, ctx.policy, ctx.decisions
        state = self.current_state() if policy.mandates else None  # folded only when something reads it
        items = []
        heat_share = self.electrified_heat_share(state) if policy.mandates else 0.0
        for m in policy.mandates:
            if (m.sectors == "all" or self.spec.sector in m.sectors) and year >= m.start_year - 1 and heat_share < m.share - 1e-9:
                if self.boiler_heat_kwh() > 0 and "mandate" not in self.pending.values():
                    name = f"{self.entity_id}_mandate_{year}"
                    items.append(ElectrifyBoilers.model_construct(kind="electrify_boilers", id=name, year=year,
                                                                  lead_time_days=policy.approval_days, enterprises=[self.entity_id],
                                                                  share=m.share - heat_share, technology="electric_boiler"))
                    self.pending[name] = "mandate"
        draw = self.model.rng.random()  # one draw per firm and year, whatever the prices
        if not spec.enabled or draw >= min(1.0, self.openness * (1.0 + spec.peer_effect * ctx.sector_adoption.get(self.spec.sector, 0.0))):
            return items
        state = state or self.current_state()
        view = self.firm_view(ctx, state)
        options = []
        for measure in spec.measures:
            if measure in self.pending.values():
                continue
            if measure == "efficiency":
                if year - self.last_efficiency_year >= spec.efficiency_interval_yr:
                    options.append(efficiency_option(view, spec.efficiency_step_share))
            else:
                options.append(heat_option(view, measure, spec.heat_step_share, self.heat_pump_cops()))
        for measure, target in spec.resource_targets.items():
            if measure not in self.pending.values():
                options.append(resource_option(self, measure, target, year, view.electricity_price_cny_per_kwh, view.carbon_price_cny_per_tco2))
        budget = np.inf if spec.budget_share_of_value_added is None else spec.budget_share_of_value_added * self.value_added_mcny * 1e6
        options = [o for o in options if o is not None]
        rates = [wacc_rate(o, self.hurdle_rate, self.spec.sector) for o in options] if spec.discount_rate == "wacc" else None
        for option in choose(options, self.hurdle_rate, self.payback_limit_yr, budget, rates):
            name = f"{self.entity_id}_{option.measure}_{year}"
            if option.measure == "efficiency":
                items.append(Efficiency.model_construct(kind="efficiency", id=name, year=year, lead_time_days=policy.approval_days,
                                                        enterprises=[self.entity_id], share=option.share))
                self.last_efficiency_year = year
            elif option.measure in RESOURCE_DECIDED:
                items.append(ResourceMeasure.model_construct(kind="resource_measure", id=name, year=year, lead_time_days=policy.approval_days,
                                                             enterprises=[self.entity_id], measure=option.measure, target_share=option.share))
            else:
                items.append(ElectrifyBoilers.model_construct(kind="electrify_boilers", id=name, year=year, lead_time_days=policy.approval_days,
                                                              enterprises=[self.entity_id], share=option.share, technology=option.measure))
            self.pending[name] = option.measure
            ctx.claim(self.entity_id, name, option)
            self.record_measure(ctx, name, option, self.hurdle_rate, "firm")
        return items

    def firm_view(self, ctx, state: FirmState):
        """What the firm knows at the start of ``ctx.year`` (agents.decisions.FirmView)."""
        year, k = ctx.year, ctx.constants
        boiler_heat_kwh, base_energy_tce, coal_heat_share, fuels = self.basis().view_basis
        elec_price, peak_share = ctx.shape_terms(self.load_shape)
        rows = self.last_quantities()
        fuel_prices = ctx.fuel_prices
        fuel_cost = 0  # (as ``sum`` adds: from 0, left to right)
        for j in fuels:
            c, mult, price = fuel_prices[j]
            fuel_cost += rows.get(c, 0.0) * mult * price
        electricity_kwh = rows.get("electricity", 0.0) * 1000.0
        energy_cost = electricity_kwh * elec_price + fuel_cost
        scope1 = (rows.get("coal", 0.0) * k["coal_kgco2_per_t"] + rows.get("natural_gas", 0.0) * k["natural_gas_kgco2_per_km3"]
                  + rows.get("diesel", 0.0) * k["diesel_kgco2_per_t"]) / 1000.0
        return tuple.__new__(FirmView, (  # (every field, in order: a FirmView without its Python-level __new__)
            year, self.activity * self.intensity * state.efficiency_factor, boiler_heat_kwh, self.heat_bands, state.own_eb,
            state.own_hp, coal_heat_share, peak_share, elec_price,
            ctx.decision_carbon_price(self.entity_id),
            energy_cost, scope1, base_energy_tce * self.activity * self.intensity * state.efficiency_factor, ctx.subsidy_share(), k,
            electricity_kwh, ctx.costs,
        ))

    def record_measure(self, ctx, name: str, option, hurdle: float, origin: str) -> None:
        """One row of the ``measures`` table: the park's abatement is the firm's scope-1 CO₂ avoided
        less the grid CO₂ of the electricity it adds (location-based, the year's factor)."""
        grid_tco2 = option.electricity_change_kwh_per_yr * ctx.grid_factor_kgco2_per_kwh / 1000.0
        self.model.record.measures.append((ctx.year, self.entity_id, name, option.measure, option.gross_capex_cny, option.capex_cny,
                                           option.fixed_om_cny_per_yr, option.energy_cost_change_cny_per_yr,
                                           option.co2_saved_tco2_per_yr - grid_tco2, option.co2_saved_tco2_per_yr,
                                           option.lifetime_yr, option.npv_cny(hurdle), origin))

    @property
    def value_added_mcny(self) -> float:
        return self.spec.value_added_mcny * self.activity

    def once(self, key: str, compute):
        """A quantity of this firm computed once per run (it depends on the spec and the run's
        constants only): the per-run cache of ``agents.resources``, ``agents.waste_heat`` and
        ``kernel.firm_heat`` (what the firm itself derives once is its ``basis``)."""
        cache = self.__dict__.get("_base_cache")
        if cache is None:
            cache = self.__dict__["_base_cache"] = {}
        elif key in cache:  # (the usual case: read, no new dict, no call)
            return cache[key]
        value = cache[key] = compute()
        return value

    def basis(self) -> FirmBasis:
        """The firm's ``FirmBasis`` (shared by the runs of its scenario), looked up once per run."""
        basis = self.__dict__.get("_basis")
        if basis is None:
            basis = self._basis = firm_basis(self.spec, self.measured_kwh, self.heat_bands)
        return basis

    def heat_pump_cops(self) -> Bands:
        """Heat-pump COP per band (agents.heat_bands.band_cops)."""
        return self.basis().heat_pump_cops

    def electric_boiler_efficiency(self) -> float:
        """Electric boilers' heat per electricity [kWh_th/kWh_e] (data/constants.csv)."""
        return self.basis().electric_boiler_efficiency

    def boiler_heat_kwh(self) -> float:
        """Useful boiler heat of the base year [kWh_th]: boiler fuel × NCV × boiler efficiency."""
        return self.basis().boiler_heat_kwh

    def base_energy_tce(self) -> float:
        """Base-year final energy of the firm [tce], electricity at 当量."""
        return self.basis().base_energy_tce

    def sizing_basis(self, change, year: int) -> tuple[FirmState, FirmState, float, float]:
        """What sizes the capacity a commissioned ``change`` adds (each technology's ``size``,
        technologies/): the firm's state before and after it, its activity × intensity ×
        efficiency scale [-], and its load shape's peak hour as a share of its year [kW per kWh/yr]."""
        before = self.state_before(change, NO_MEASURES, fold_firm_state, carried=True)  # (as year_segments folds)
        after = fold_firm_state(before, change)
        scale = self.activity * self.intensity * before.efficiency_factor
        peak = profile_peak(self.load_shape, year)  # peak kW per kWh/yr
        return before, after, scale, peak

    def process_fuel_kwh(self) -> float:
        """Energy (NCV) of the coal and gas not burnt in boilers, base year [kWh]."""
        return self.basis().process_fuel_kwh

    def state_terms(self, st: FirmState) -> tuple[float, float, float]:
        """Per-state factors of the firm's year energy (``agents.firm_energy``) (computed once per state and firm inputs a process
        visits, ``agents.base.state_cache``): electricity at scale 1 before hydrogen and capture
        [kWh/yr], the share of coal and gas still burnt, the share of bought heat still bought. The
        last state asked for is checked first, by identity (folded states are shared objects, and a
        firm stays in one state for years): no hash of the state then."""
        last = self.__dict__.get("_last_terms")
        if last is not None and last[0] is st:
            return last[1]
        cache = self.__dict__.get("_terms")
        if cache is None:
            cache = self._terms = state_cache("enterprise_terms", self._terms_inputs())
        terms = cache.get(st)
        if terms is None:
            base_kwh, boiler_kwh, bought_kwh, bands, s, eb_eff, cops = self._terms_inputs()
            elec = (base_kwh + boiler_kwh * _heat_electricity_per_kwh(bands, st.own_eb, st.own_hp, eb_eff, cops)
                    + bought_kwh * _heat_electricity_per_kwh(bands, st.bought_eb, st.bought_hp, eb_eff, cops))
            fossil = (1.0 - s) * (1.0 - st.hydrogen_share) + s * left_share(bands, st.own_eb, st.own_hp)
            terms = cache[st] = (elec, fossil, left_share(bands, st.bought_eb, st.bought_hp))
        self._last_terms = (st, terms)
        return terms

    def state_column(self, st: FirmState) -> tuple[float, ...]:
        """What the firm's year energy reads of its state ``st`` (``agents.firm_energy.firm_year_kernel``):
        ``state_terms`` (electricity at scale 1 [kWh/yr], then the factors of its four fuel inputs:
        coal and gas still burnt, diesel 1.0, bought heat still bought), its efficiency factor, active
        flag (1.0 or 0.0), hydrogen and capture shares, and 1.0 when captured CO₂ is stored (else 0.0),
        each in its column ``agents.firm_energy.STATE_*``; once per state and firm inputs a process
        visits (``agents.base.state_cache``, as ``state_terms``).
        The diesel's factor 1.0 multiplies exactly."""
        cache = self.__dict__.get("_columns")
        if cache is None:
            cache = self._columns = state_cache("enterprise_columns", self._terms_inputs())
        column = cache.get(st)
        if column is None:
            elec, fossil, bought_left = self.state_terms(st)
            values = [0.0] * STATE_COLUMNS
            values[STATE_ELECTRICITY_KWH], values[STATE_EFFICIENCY], values[STATE_ACTIVE] = elec, st.efficiency_factor, st.active
            values[STATE_COAL_LEFT], values[STATE_GAS_LEFT], values[STATE_DIESEL_LEFT], values[STATE_BOUGHT_HEAT_LEFT] = (
                fossil, fossil, 1.0, bought_left)
            values[STATE_HYDROGEN_SHARE], values[STATE_CAPTURE_SHARE] = st.hydrogen_share, st.capture_share
            values[STATE_CAPTURE_STORED] = 1.0 if st.capture_stored else 0.0
            column = cache[st] = tuple(values)
        return column

    def _terms_inputs(self) -> tuple:
        """What ``state_terms`` reads besides the state: base-year electricity, boiler heat and bought
        heat [kWh], heat bands, boilers' share of the fuel, electric boilers' efficiency and the heat
        pumps' COPs (``FirmBasis.terms_inputs``)."""
        return self.basis().terms_inputs

    def year_inputs(self) -> tuple[float, ...]:
        """Base-year quantities the firm's year energy scales: coal [t], gas [1000 m³], diesel [t],
        bought heat [GJ], process CO₂ [t], the electricity of direct electrolysis for all process fuel
        [kWh/yr] and capture electricity [kWh/tCO₂] (``FirmBasis.year_inputs``)."""
        return self.basis().year_inputs

    def segments(self, year_start: int, shared: dict | None = None) -> list[tuple[int, FirmState]]:
        """The firm's states in the year beginning at ``year_start`` (``ParkAgent.year_segments``; ``shared``:
        the year's folds shared by firms with the same state and changes)."""
        return self.year_segments(year_start, NO_MEASURES, fold_firm_state, shared)

    def last_quantities(self) -> dict[str, float]:
        """Carrier → quantity of the firm's energy rows of the last year the run computed (``last_rows``
        without the rows)."""
        quantities = self.last_year_quantities()
        if quantities is None:
            return {}
        return {c: q for i, c, _ in self.possible_rows() if (q := quantities[i]) > 0.0}

    @property
    def last_rows(self) -> list[EnergyRow]:
        """The firm's energy rows of the last year the run computed: its ``possible_rows`` above 0
        (``model.firm_energy``; none before one)."""
        quantities = self.last_year_quantities()
        if quantities is None:
            return []
        row, entity, kind = tuple.__new__, self.entity_id, self.kind  # (an EnergyRow without its Python-level __new__)
        return [row(EnergyRow, (entity, kind, c, q, u)) for i, c, u in self.possible_rows() if (q := quantities[i]) > 0.0]

    def last_year_quantities(self) -> list[float] | None:
        """``YEAR_ROWS``' quantities of the firm in the last year the run computed (``FirmEnergy.quantities_of``;
        None before one, or in a model without ``firm_energy``)."""
        energy = getattr(self.model, "firm_energy", None)
        return energy.quantities_of(self) if energy is not None else None

    def possible_rows(self) -> tuple[tuple[int, str, str], ...]:
        """The ``YEAR_ROWS`` (position, carrier, unit) this firm can have above 0 (``FirmBasis.possible_rows``)."""
        return self.basis().possible_rows


def cost_roadmap_item(ctx, item, firms) -> None:
    """Cost a roadmap item on each of ``firms`` as the firm would (its view at the year's start, the
    item's share) and record it beside its own measures, for the MACC (``measures`` table, one row
    named ``<item id>_<firm id>``). Nothing else changes: the roadmap item is built whatever it costs.
    What the item says (efficiency or heat, its rows' name, the hurdle rate of a firm that draws none)
    is read once for all its firms. A firm without boiler heat has no heat option (``heat_option``
    moves none), so it is not viewed for one."""
    efficiency = item.kind == "efficiency"
    prefix = f"{item.id or item.kind + '_' + str(ctx.year)}_"
    default_hurdle = ctx.decisions.hurdle_rate.mean  # (firms draw their own only when they decide)
    share = item.share
    technology = None if efficiency else item.technology
    for firm in firms:
        if not efficiency and firm.boiler_heat_kwh() <= 0.0:
            continue
        view = firm.firm_view(ctx, firm.current_state())
        option = efficiency_option(view, share) if efficiency else heat_option(view, technology, share, firm.heat_pump_cops())
        if option is not None:
            firm.record_measure(ctx, prefix + firm.entity_id, option, getattr(firm, "hurdle_rate", default_hurdle), "roadmap")

"""What waste heat a firm recovers displaces (agents/resources.py's waste-heat measure), and the
resource measures' factors (data/resource_measures.csv).

Heat recovered displaces boiler fuel by band as the exchanges' physics do (heat ÷ boiler efficiency
÷ NCV, symbiosis/exchanges.py), then bought heat 1:1, then the electricity of the electric boilers and
heat pumps making the reachable bands' heat. What a firm's state gives is computed once per state and
firm inputs a process visits (``agents.base.state_cache``).
"""

from __future__ import annotations

from functools import lru_cache

from parktwin.agents.base import state_cache
from parktwin.agents.heat_bands import KWH_PER_GJ, left_share
from parktwin.data import constant, table

FUELS = (("coal", "coal_ncv_gj_per_t", "coal_boiler_efficiency", "coal_kgco2_per_t"),  # carrier and its constants.csv names
         ("natural_gas", "natural_gas_ncv_gj_per_km3", "gas_boiler_efficiency", "natural_gas_kgco2_per_km3"))


@lru_cache(maxsize=None)
def _factors() -> dict[str, float]:
    df = table("resource_measures")
    return dict(zip(df["name"], df["value"].astype(float)))


def factor(name: str) -> float:
    """A value of data/resource_measures.csv (its unit in the name), read once."""
    try:
        return _factors()[name]
    except KeyError:
        raise KeyError(f"no {name!r} in data/resource_measures.csv") from None


def _reach(firm) -> tuple[bool, bool, bool]:
    """Heat bands (low, medium, high) the firm's waste heat is hot enough to serve; without a
    temperature only the low band (preheating water). Once per firm and run."""
    return firm.once("waste_heat_reach", lambda: _reach_of(firm))


def _reach_of(firm) -> tuple[bool, bool, bool]:
    t = firm.spec.waste_heat.temperature_c
    if t is None:
        return True, False, False
    return t >= constant("heat_low_sink_c"), t >= constant("heat_medium_sink_c"), t >= factor("waste_heat_high_band_min_c")


def displace_heat(firm, heat_gj: float, rows: dict[str, float]) -> dict[str, float]:
    """The fuel [row units] and bought heat [GJ] that ``heat_gj`` of recovered heat replaces this year.

    Own boiler heat first: the coal and gas rows' boiler part in the reachable bands still on fossil
    boilers (state at the year's end), heat ÷ boiler efficiency ÷ NCV, coal and gas in proportion to
    the useful heat each still gives; then bought heat of the reachable bands, GJ for GJ; then the
    electricity of the electric boilers and heat pumps now making the reachable bands' heat (heat ÷
    boiler efficiency or ÷ the band's COP, key ``"electricity_kwh"``). Heat beyond all three (a
    stream too cold for any band) displaces nothing.
    """
    st = firm.current_state()
    shares, terms = _state_heat(firm, st)
    own_share, bought_share, ((coal_ncv, coal_eff), (gas_ncv, gas_eff)) = shares  # FUELS order
    coal = rows.get("coal", 0.0) * own_share
    gas = rows.get("natural_gas", 0.0) * own_share
    own_heat = coal * coal_ncv * coal_eff + gas * gas_ncv * gas_eff
    used = min(heat_gj, own_heat)
    out = {"coal": coal * used / own_heat, "natural_gas": gas * used / own_heat} if own_heat > 0 else {}
    out["purchased_heat"] = min(heat_gj - used, rows.get("purchased_heat", 0.0) * bought_share)
    rest = heat_gj - used - out["purchased_heat"]
    if rest > 0:  # heat the firm now makes with electricity (own boilers, and bought heat it replaced)
        room_gj, kwh = _electric_heat_room(firm, st, terms)
        out["electric_heat_gj"] = min(rest, room_gj)
        out["electricity_kwh"] = kwh * out["electric_heat_gj"] / room_gj if room_gj > 0 else 0.0
    return out


def _state_heat(firm, st) -> tuple[tuple, tuple]:
    """``_room_shares`` and ``_electric_heat_terms`` of the state; the last state asked for is checked
    first, by identity (a firm stays in one state for years): no hash of the state then."""
    last = firm.once("last_heat_state", _no_heat_state)  # [state, its terms], kept in the firm's run cache
    if last[0] is not st:
        last[:] = st, (_room_shares(firm, st), _electric_heat_terms(firm, st))
    return last[1]


def _no_heat_state() -> list:
    """``_state_heat``'s kept [state, terms] before a first state."""
    return [None, None]


def _electric_heat_room(firm, st, terms) -> tuple[float, float]:
    """Of ``displace_heat``: the reachable bands' heat the firm makes with electricity this year
    [GJ] (own boilers, then bought heat it replaced) and the electricity it takes [kWh], from the
    state's ``_electric_heat_terms``."""
    k = firm.activity * firm.intensity * st.efficiency_factor * st.active
    room_gj = kwh = 0.0
    for heat, w, electric, kwh_per_kwh in terms:
        room_gj += k * heat * w * electric
        kwh += k * heat * w * kwh_per_kwh * KWH_PER_GJ
    return room_gj, kwh


def _electric_heat_terms(firm, st) -> tuple[tuple[float, float, float, float], ...]:
    """Of ``_electric_heat_room``, once per state and firm inputs a process visits
    (``agents.base.state_cache``): for each heat source (own boilers [GJ], then bought heat [GJ])
    and reachable band with some electric heat, (heat, band weight, electric share, electricity per
    heat). A band with none adds exactly 0 to both sums, so leaving it out changes no number."""
    (own_gj, bought_gj, bands, reach, eb_eff, cops), terms = _electric_heat_cache(firm)
    out = terms.get(st)
    if out is None:
        out = terms[st] = tuple((heat, w, e + h, e / eb_eff + (h / cop if h else 0.0))
                                for heat, eb, hp in ((own_gj, st.own_eb, st.own_hp), (bought_gj, st.bought_eb, st.bought_hp))
                                for w, e, h, cop, r in zip(bands, eb, hp, cops, reach) if r and (e or h))
    return out


def _electric_heat_cache(firm) -> tuple[tuple, dict]:
    """(the firm's inputs of ``_electric_heat_terms``, its dict state → terms: ``agents.base.state_cache``), once per firm and run."""
    def inputs_and_cache():
        inputs = (firm.boiler_heat_kwh() / KWH_PER_GJ, firm.spec.energy.purchased_heat_gj, firm.heat_bands, _reach(firm),
                  firm.electric_boiler_efficiency(), firm.heat_pump_cops())
        return inputs, state_cache("electric_heat_terms", inputs)

    return firm.once("electric_heat_terms", inputs_and_cache)


def _room_cache(firm) -> tuple[tuple, dict]:
    """(the firm's inputs of ``_room_shares``, its dict state → shares: ``agents.base.state_cache``), once per firm and run."""
    def inputs_and_cache():
        inputs = (firm.spec.fuel_heat_share, firm.heat_bands, _reach(firm), tuple((constant(ncv), constant(eff)) for _, ncv, eff, _ in FUELS))
        return inputs, state_cache("room_shares", inputs)

    return firm.once("room_shares", inputs_and_cache)


def displacement_factors(firm, st) -> tuple[float, float, float, float, list[float]]:
    """What ``displacement_kernel`` reads of ``firm`` in state ``st``: its ``_room_shares`` of coal and gas and of
    bought heat, efficiency factor, active flag and ``_electric_heat_terms`` end to end (a flat list, read
    only), once per state and firm inputs a process visits (``agents.base.state_cache``, keyed on the inputs
    of both: the values are those functions' of the state and these inputs alone)."""
    def cache():
        return state_cache("displacement_factors", (_room_cache(firm)[0], _electric_heat_cache(firm)[0]))

    factors = firm.once("displacement_factors", cache)
    out = factors.get(st)
    if out is None:
        (own, bought, _), terms = _state_heat(firm, st)
        out = factors[st] = (own, bought, st.efficiency_factor, st.active, [x for term in terms for x in term])
    return out


def _room_shares(firm, st) -> tuple[float, float, tuple[float, ...]]:
    """Of ``displace_heat``, once per state and firm inputs a process visits (``agents.base.state_cache``):
    the share of the coal and gas rows burnt in boilers of reachable bands, the share of the
    bought-heat row in reachable bands, and each fuel's (NCV, boiler efficiency) in ``FUELS`` order."""
    (s, bands, reach, heat_per_fuel), shares = _room_cache(firm)
    out = shares.get(st)
    if out is None:
        fossil_boiler = s * left_share(bands, st.own_eb, st.own_hp)
        fossil = (1.0 - s) * (1.0 - st.hydrogen_share) + fossil_boiler
        reachable = s * sum(w * (1.0 - e - h) for w, e, h, r in zip(bands, st.own_eb, st.own_hp, reach) if r)
        left_bought = left_share(bands, st.bought_eb, st.bought_hp)
        reach_bought = sum(w * (1.0 - e - h) for w, e, h, r in zip(bands, st.bought_eb, st.bought_hp, reach) if r)
        out = shares[st] = (reachable / fossil if fossil > 0 else 0.0, reach_bought / left_bought if left_bought > 0 else 0.0,
                            heat_per_fuel)
    return out

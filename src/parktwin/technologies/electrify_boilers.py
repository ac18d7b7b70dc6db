"""The firms' boiler heat (and bought heat, if asked) to electric boilers or heat pumps."""

from __future__ import annotations

from parktwin.agents.base import Investment
from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.data import HEAT_BANDS
from parktwin.economics.catalogue import heat_pump_technology
from parktwin.technologies.base import Applied, firms, on_agents

ELECTRIC_BOILER = "electric_boiler"  # the change (and catalogue id) of electric boilers; heat pumps: heat_pump_<band>


def size(firm, change, year: int) -> list[Investment]:
    """Electric boilers or heat pumps sized to the peak hour of the heat they take over, band by band [kW_th]
    (none for a firm without boiler or bought heat: every band moves 0 kWh)."""
    own, bought = firm.boiler_heat_kwh(), firm.spec.energy.purchased_heat_gj * KWH_PER_GJ
    if own == 0.0 and bought == 0.0:
        return []
    before, after, scale, peak = firm.sizing_basis(change, year)
    own_eb, own_hp, bought_eb, bought_hp = after.own_eb, after.own_hp, after.bought_eb, after.bought_hp
    was_own_eb, was_own_hp, was_bought_eb, was_bought_hp = before.own_eb, before.own_hp, before.bought_eb, before.bought_hp
    out: list[Investment] = []
    for b, band in enumerate(HEAT_BANDS):  # the heat moved in the band: own boiler heat, then bought heat, each to e-boilers then heat pumps
        moved = (own * (own_eb[b] - was_own_eb[b]) + own * (own_hp[b] - was_own_hp[b])
                 + bought * (bought_eb[b] - was_bought_eb[b]) + bought * (bought_hp[b] - was_bought_hp[b]))
        if moved > 0:
            tech = ELECTRIC_BOILER if change.kind == ELECTRIC_BOILER else heat_pump_technology(band)
            capacity = moved * firm.heat_bands[b] * scale * peak
            if capacity > 0:
                out.append(Investment(firm.entity_id, tech, capacity))
    return out


def commission(op, item, hour: float, year: int) -> Applied:
    named = firms(op, item)
    inv = on_agents(named, item.technology, (item.share, item.include_purchased_heat), item, hour, year, size)
    bought = " and purchased heat" if item.include_purchased_heat else ""
    return f"{item.share:.0%} of boiler heat{bought} to {item.technology.replace('_', ' ')} in {len(named)} firms", inv

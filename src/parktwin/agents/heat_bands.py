"""A firm's heat by temperature band: heat-pump COP per band and the share still supplied the old way.

Shared by the firms' own heat (agents.enterprise), the heat their resource measures recover
(agents.resources) and the year's heat plan (kernel).
"""

from __future__ import annotations

from functools import lru_cache

from parktwin.data import constant
from parktwin.energy.thermal import industrial_heat_pump_cop

KWH_PER_GJ = 1e6 / 3600.0

Bands = tuple[float, float, float]  # (low, medium, high) temperature bands


def band_cops() -> Bands:
    """Heat-pump COP per band (the high band has none; 1.0 is never used there)."""
    keys = ("heat_low_sink_c", "heat_medium_sink_c", "heat_pump_source_c", "heat_pump_carnot_share")
    return _cops_for(tuple(constant(k) for k in keys))  # keyed by the constants, so overrides apply


@lru_cache(maxsize=16)
def _cops_for(values: tuple[float, ...]) -> Bands:
    return (industrial_heat_pump_cop(constant("heat_low_sink_c")), industrial_heat_pump_cop(constant("heat_medium_sink_c")), 1.0)


def left_share(weights: Bands, eb: Bands, hp: Bands) -> float:
    """Share of heat still supplied the old way (fossil boiler or bought): band weights, the shares
    electric boilers (``eb``) and heat pumps (``hp``) took over, per band."""
    return sum(w * (1.0 - e - h) for w, e, h in zip(weights, eb, hp))

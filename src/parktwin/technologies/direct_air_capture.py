"""Direct air capture with permanent storage (DACCS), run by the park operator.

A plant of ``capacity_tco2_per_yr`` runs at full load every hour it is in service (the catalogue
prices it per tCO₂/yr of capacity at full load, as ``ccus_capture``): it removes capacity / 8,760
tCO₂ an hour. Each tonne takes 0.4 MWh of electricity (fans, water scrubbing, compression) and
1.6 MWh_th of low-temperature heat (Beuttler et al. 2019, Climeworks; data/constants.csv
``dac_electricity_mwh_per_tco2``, ``dac_heat_mwh_per_tco2``), which the source has supplied by
air-source heat pumps: here at the low band's supply temperature with the hour's air-source COP
(the heat plan's ``kernel.carriers.air_source_band_cop``: the Carnot share between the supply and
the outdoor air less the evaporator approach, ``energy.thermal.cop_carnot``). The COP, the
electricity and the park's load with it are made hour by hour in one compiled pass. The electricity is park load (kernel/year.py ``site``): it
is dispatched, billed and counted in scope 2 like any load, green contracts included; the tonnes
removed are booked as removals (accounting/inventory.py), not offsets and not scope 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numba
import numpy as np

from parktwin.agents.base import Investment
from parktwin.agents.operator import DAC_CHANGE
from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.energy.thermal import COP_MAX, COP_MIN, heating_cop_of_hour
from parktwin.technologies.base import Applied

CATALOGUE_ID = "direct_air_capture"  # data/technologies.csv


@dataclass(frozen=True)
class DacYear:
    """One year of the operator's direct air capture."""

    removed_tco2: float  # CO₂ taken from the air and stored [tCO₂]
    electricity_kw: np.ndarray  # its electricity each hour, fans and compression plus its heat pumps [kW], shape (8760,)

    @cached_property
    def electricity_mwh(self) -> float:
        """Its electricity of the year [MWh] (summed once: the load, the rows and ``annual`` read it)."""
        return float(self.electricity_kw.sum()) / 1000.0


def dac_year(capacity_tco2_per_yr: np.ndarray, temp_air_c: np.ndarray, load_kw: np.ndarray) -> tuple[DacYear, np.ndarray]:
    """Removals and electricity of a year from the hourly capacity in service [tCO₂/yr at full load] and
    the hourly outdoor air [°C], both shape (8760,); and ``load_kw`` [kW] with its electricity added
    (``load_kw`` itself when it removes nothing). Its heat pumps supply the low band (data/constants.csv
    ``heat_low_sink_c``) from the air less ``air_source_evaporator_approach_k`` at the Carnot share
    ``heat_pump_carnot_share``: the heat plan's air-source COP (``kernel.carriers.air_source_band_cop``)."""
    removed_t_per_h = np.asarray(capacity_tco2_per_yr, dtype=float) / HOURS_PER_YEAR
    removed_tco2 = float(removed_t_per_h.sum())
    electricity_kw, with_dac_kw = _dac_hours(
        removed_t_per_h, np.asarray(temp_air_c, dtype=float), np.asarray(load_kw, dtype=float),
        float(constant("air_source_evaporator_approach_k")), float(constant("heat_low_sink_c")),
        float(constant("heat_pump_carnot_share")), COP_MIN, COP_MAX,
        float(constant("dac_electricity_mwh_per_tco2")), float(constant("dac_heat_mwh_per_tco2")))
    return DacYear(removed_tco2, electricity_kw), (with_dac_kw if removed_tco2 > 0 else load_kw)


@numba.njit(cache=True, error_model="numpy")
def _dac_hours(removed_t_per_h, temp_air_c, load_kw, approach_k, sink_c, carnot_share, cop_min, cop_max,
               electricity_mwh_per_t, heat_mwh_per_t):
    """Each hour's electricity [kW] (the tonnes × (electricity + heat / the hour's COP) MWh/t × 1000)
    and the load with it [kW]: numpy's operations on each hour, in its order (the same numbers). Divisions
    as numpy's (``error_model``: no zero check, so the hours vectorise; no divisor is zero: COP ≥ COP_MIN)."""
    n = removed_t_per_h.shape[0]
    electricity_kw, with_dac_kw = np.empty(n), np.empty(n)
    for h in range(n):
        cop = heating_cop_of_hour(sink_c, temp_air_c[h] - approach_k, carnot_share, cop_min, cop_max)
        kw = removed_t_per_h[h] * (electricity_mwh_per_t + heat_mwh_per_t / cop) * 1000.0
        electricity_kw[h] = kw
        with_dac_kw[h] = load_kw[h] + kw
    return electricity_kw, with_dac_kw


def commission(op, item, hour: float, year: int) -> Applied:
    op.commission(hour, DAC_CHANGE, item.capacity_tco2_per_yr, item.id or item.kind)
    return (f"direct air capture +{item.capacity_tco2_per_yr:,.0f} tCO₂/yr to permanent storage",
            [Investment("operator", CATALOGUE_ID, item.capacity_tco2_per_yr)])

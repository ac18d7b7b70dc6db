"""Direct air capture with permanent storage (DACCS), run by the park operator.

A plant of ``capacity_tco2_per_yr`` runs at full load every hour it is in service (the catalogue
prices it per tCO₂/yr of capacity at full load, as ``ccus_capture``): it removes capacity / 8,760
tCO₂ an hour. Each tonne takes 0.4 MWh of electricity (fans, water scrubbing, compression) and
1.6 MWh_th of low-temperature heat (Beuttler et al. 2019, Climeworks; data/constants.csv
``dac_electricity_mwh_per_tco2``, ``dac_heat_mwh_per_tco2``), which the source has supplied by
air-source heat pumps: here at the low band's supply temperature with the hour's air-source COP
(``kernel.carriers.air_source_cops``). The electricity is park load (kernel/year.py ``site``): it
is dispatched, billed and counted in scope 2 like any load, green contracts included; the tonnes
removed are booked as removals (accounting/inventory.py), not offsets and not scope 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from parktwin.agents.base import Investment
from parktwin.agents.operator import DAC_CHANGE
from parktwin.data import constant
from parktwin.energy.calendar import HOURS_PER_YEAR
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


def dac_year(capacity_tco2_per_yr: np.ndarray, heat_pump_cop: np.ndarray) -> DacYear:
    """Removals and electricity of a year from the hourly capacity in service [tCO₂/yr at full load]
    and the hourly COP of the heat pumps supplying its heat [-], both shape (8760,)."""
    removed_t_per_h = np.asarray(capacity_tco2_per_yr, dtype=float) / HOURS_PER_YEAR
    mwh_per_t = constant("dac_electricity_mwh_per_tco2") + constant("dac_heat_mwh_per_tco2") / np.asarray(heat_pump_cop, dtype=float)
    return DacYear(float(removed_t_per_h.sum()), removed_t_per_h * mwh_per_t * 1000.0)


def commission(op, item, hour: float, year: int) -> Applied:
    op.commission(hour, DAC_CHANGE, item.capacity_tco2_per_yr, item.id or item.kind)
    return (f"direct air capture +{item.capacity_tco2_per_yr:,.0f} tCO₂/yr to permanent storage",
            [Investment("operator", CATALOGUE_ID, item.capacity_tco2_per_yr)])

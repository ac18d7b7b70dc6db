"""One store class for every carrier: a hot-water or molten-salt heat store, an ice or
chilled-water cold store (data/stores.csv). What converts around it — an electric heater, an
ice-making chiller with its hourly COP — is the dispatch's own step (energy/heat.py, energy/cold.py).
The heat stores' and the hydrogen tank's compiled kernels (energy/heat.py, energy/hydrogen.py) take
their hourly inputs through ``as_float_array`` and ``integer_periods``: an input already in the
kernel's form is passed as it is (energy/cold.py still copies its own)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Store:
    """A store whose capacities may change hour by hour (commissioning).

    Parameters
    ----------
    capacity_kwh : array (n_hours,) — energy it holds [kWh_th]
    charge_kw, discharge_kw : array (n_hours,) — in / out limits [kW_th]
    loss_share_per_h : float — standing loss per hour as a share of the stored energy [-]
    soc_min_share, soc_max_share : float — window as shares of capacity [-]
    charger_efficiency : float — heat in per electricity of an electric heater [kWh_th/kWh_e]
        (a cold store's chiller COP is hourly and given to its dispatch instead)
    band : int — a heat store's band (index in ``energy.heat.BANDS``) it discharges into
    """

    capacity_kwh: np.ndarray
    charge_kw: np.ndarray
    discharge_kw: np.ndarray
    loss_share_per_h: float
    soc_min_share: float
    soc_max_share: float
    charger_efficiency: float = 1.0
    band: int = 0

    @property
    def heater_efficiency(self) -> float:
        """A heat store's charger is an electric heater [kWh_th/kWh_e]."""
        return self.charger_efficiency


def integer_periods(period) -> np.ndarray:
    """TOU period codes as an integer array for the compiled kernels (the array itself when it is one)."""
    period = np.asarray(period)
    return period if period.dtype.kind == "i" else period.astype(np.int64)


def as_float_array(x, shape: tuple) -> np.ndarray:
    """``x`` (a scalar or an array) broadcast to ``shape`` as a C-ordered float array; the array
    itself when it is one already (no copy: the kernels only read it)."""
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and x.shape == shape and x.flags.c_contiguous:
        return x
    return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=float), shape))

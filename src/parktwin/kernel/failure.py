"""A run that fails part-way says where: the year, the stage of the year's work and the inputs
that stage reads — one message instead of a traceback (the CLI prints it and exits with 1).

``year_stage(year, phase)`` wraps a phase of a year in the kernel (the agents' decisions, the
year's operations, the end-of-run money). When something unforeseen raises inside it, the stage is
found from where it was raised — the deepest parktwin module in the traceback, looked up in
``STAGES`` — so the kernel needs no bookkeeping per step and the mapping survives code moving
between functions. The original exception stays attached as ``__cause__`` for debugging.
"""

from __future__ import annotations

import math
import traceback
from contextlib import contextmanager
from typing import Callable, Iterator

from parktwin.spec.errors import InputError

_INFINITIES = frozenset((math.inf, -math.inf))  # what may_hold_infinity looks a row's values up in


# module prefix (most specific first) → (stage of the year's work, the inputs it reads)
STAGES: tuple[tuple[str, str, str], ...] = (
    ("parktwin.energy.optimal", "optimal dispatch (HiGHS)", "ems, park.grid, park.assets, roadmap battery/pv items"),
    ("parktwin.energy.dispatch", "hourly electricity dispatch", "park.grid, ems.battery, park.assets, roadmap battery/pv/wind items, outages"),
    ("parktwin.energy.storage", "battery ageing", "ems.battery, roadmap battery items, park.assets.battery_kwh"),
    ("parktwin.energy.tariff", "tariff and electricity bill", "park.grid.tariff, park.grid.feed_in_price_cny_per_kwh"),
    ("parktwin.energy.heat", "heat by band (waste heat, CHP, hot-water store)", "park.enterprises (energy, heat_band_shares), roadmap heat items, ems"),
    ("parktwin.energy.cold", "cold store", "park.buildings, roadmap cold_storage items"),
    ("parktwin.energy.hydrogen", "hydrogen (electrolysers, tank, burners)", "roadmap hydrogen items, park.enterprises"),
    ("parktwin.energy.thermal", "heat-pump COP and degree-hours", "park.location, ems.industrial_heat_pump_cop"),
    ("parktwin.kernel.products", "product lines and CBAM", "park.enterprises products, policy.cbam, policy.carbon"),
    ("parktwin.technologies", "a roadmap item commissioning", "roadmap, park.enterprises, park.fleets, park.buildings"),
    ("parktwin.kernel.closing", "financing, cash flows, levelised costs", "finance, policy, roadmap (capex)"),
    ("parktwin.kernel.carriers", "heat and hydrogen plan", "park.enterprises, roadmap heat and hydrogen items, ems"),
    ("parktwin.energy.solar", "weather and PV", "park.location, park.pv_design"),
    ("parktwin.energy.weather", "weather and PV", "park.location"),
    ("parktwin.energy.wind", "wind output", "park.location.wind_*, park.wind_design"),
    ("parktwin.energy.measured", "measured series", "measured_series of the park's entities"),
    ("parktwin.energy.loads", "hourly loads", "park.enterprises, park.buildings, park.fleets, growth"),
    ("parktwin.mobility", "fleet charging and turnover", "park.fleets, fleets, mobility"),
    ("parktwin.agents.fleet", "fleet turnover", "park.fleets, fleets"),
    ("parktwin.agents.building", "buildings", "park.buildings, buildings"),
    ("parktwin.agents.population", "entry and exit of firms", "population, growth"),
    ("parktwin.agents.exchange", "symbiosis exchanges", "park.exchanges"),
    ("parktwin.symbiosis", "symbiosis exchanges", "park.exchanges"),
    ("parktwin.agents.resources", "resource measures", "roadmap resource_measure items, park.enterprises water/solid_waste/waste_heat"),
    ("parktwin.agents.decisions", "firms' decisions", "decisions, policy, carbon_price_cny_per_tco2"),
    ("parktwin.agents.enterprise", "firms' energy and decisions", "park.enterprises, growth, decisions, policy"),
    ("parktwin.agents.pdca", "PDCA review", "operator.escalation, review_targets"),
    ("parktwin.agents.operator", "operator's projects and review", "roadmap, operator, review_targets"),
    ("parktwin.accounting.resources", "resource accounting", "park.enterprises water/solid_waste/waste_heat, park.exchanges"),
    ("parktwin.accounting", "inventory and indicators", "grid_factor, offsets, accounting, park.green_space"),
    ("parktwin.economics.carbon", "carbon policy", "policy.carbon, carbon_price_cny_per_tco2"),
    ("parktwin.economics.cashflows", "financing and cash flows", "finance, policy, roadmap (capex)"),
    ("parktwin.economics", "costs", "data.prices_cny, finance, roadmap (capex)"),
    ("parktwin.data", "reference data", "data.constants, data.prices_cny"),
)


class RunFailed(RuntimeError):
    """A run stopped part-way; the message names the year, the stage and the inputs it reads."""

    def __init__(self, year: int | None, phase: str, stage: str, reads: str, error: BaseException):
        self.year, self.phase, self.stage, self.reads = year, phase, stage, reads
        when = f"in {year}, " if year is not None else ""
        super().__init__(
            f"the run stopped {when}{phase}, at the stage '{stage}' ({type(error).__name__}: {error}). "
            f"That stage reads: {reads}. Nothing was stored; check these inputs (parktwin check) or report the problem."
        )


def stage_of(error: BaseException) -> tuple[str, str]:
    """(stage, inputs it reads) from the deepest parktwin module in ``error``'s traceback; SimPy
    re-raises a failed process's error as a copy whose ``__cause__`` is the original, so the
    original's traceback is read first."""
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or error.__context__
    for err in reversed(chain):
        modules = [frame.f_globals.get("__name__", "") for frame, _ in traceback.walk_tb(err.__traceback__)]
        for module in reversed(modules):
            for prefix, stage, reads in STAGES:
                if module == prefix or module.startswith(prefix + "."):
                    return stage, reads
    return "the kernel", "the whole scenario"


def _interrupted(error: BaseException) -> bool:
    """True when a KeyboardInterrupt is anywhere in ``error``'s chain (cause or context)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@contextmanager
def year_stage(where: Callable[[], tuple[int | None, str]]) -> Iterator[None]:
    """Turn any unforeseen error inside the block into a ``RunFailed``; ``where()`` gives the year
    and phase in progress when it was raised (asked only then). Bad input found part-way
    (InputError), an earlier RunFailed and KeyboardInterrupt pass through unchanged."""
    try:
        yield
    except (RunFailed, InputError, KeyboardInterrupt, GeneratorExit):
        raise
    except Exception as exc:
        if _interrupted(exc):  # Ctrl-C inside compiled code surfaces as SystemError with the interrupt attached
            raise KeyboardInterrupt from exc
        stage, reads = stage_of(exc)
        year, phase = where()
        raise RunFailed(year, phase, stage, reads, exc) from exc


def check_finite(annual: list[dict]) -> None:
    """A run whose yearly results hold an infinity is not stored: ``RunFailed`` naming the first
    year and columns (the inputs' ranges should make this unreachable; this is the last guard)."""
    for row in annual:
        if not may_hold_infinity(row):
            continue
        bad = sorted(k for k, v in row.items() if isinstance(v, float) and math.isinf(v))
        if bad:
            error = ArithmeticError(f"infinite {', '.join(bad)}")
            raise RunFailed(row.get("year"), "in the year's accounting", "results", "the whole scenario (see the columns named)", error)


def may_hold_infinity(row: dict) -> bool:
    """Whether a value of ``row`` equals ±inf: one set lookup per value in C (``isdisjoint``), so a
    finite row (every row but a failing run's) is passed without a Python step per value; a value
    that cannot be looked up (an array) says True, and ``check_finite`` looks at each value."""
    try:
        return not _INFINITIES.isdisjoint(row.values())
    except (TypeError, ValueError):
        return True

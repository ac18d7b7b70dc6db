"""The workshop's levers: each slider is one row of ``SLIDERS`` — its id, labels, range, and a rule
``rule(value, document) -> ["path=value", ...]`` over the scenario's resolved document (park
included, as ``parktwin.load`` returns it in ``Loaded.document``).

A slider at the value that reproduces the scenario as written (its ``default``) adds no
override; a slider whose scenario has nothing to act on (``applies`` false, e.g. no battery in
the roadmap, or no firm deciding its own measures for the subsidy) is disabled. The dashboard
(viz/dashboard.py) turns their values into overrides with ``overrides_for``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, get_args

from parktwin.data import interpolate_path
from parktwin.spec.scenario import DecisionMeasure

Rule = Callable[[float, dict], list[str]]


# -- the scenario document -----------------------------------------------------------------------
def _items(doc: dict, kind: str) -> list[tuple[str, dict]]:
    """(override path prefix, item) of the roadmap items of ``kind``: by id, else by position."""
    out = []
    for i, item in enumerate(doc.get("roadmap") or []):
        if isinstance(item, dict) and item.get("kind") == kind:
            out.append((f"roadmap.{item['id'] if item.get('id') else i}", item))
    return out


def _years(doc: dict) -> tuple[int, int]:
    """First and last simulated year in which a roadmap item may be decided."""
    base = int((doc.get("park") or {}).get("base_year", 2025))
    return base + 1, base + int(doc.get("horizon_years", 25))


def _num(value: float) -> str:
    """A number as an override writes it: ``2029``, ``0.15``, ``125000``."""
    value = round(float(value), 9)
    return str(int(value)) if value.is_integer() else format(value, ".10g")


def close(a: float, b: float) -> bool:
    """Equal within 1e-9 (a slider value against its default)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


# -- rules: (slider value, document) -> overrides ------------------------------------------------
def carbon_price_2050(value: float, doc: dict) -> list[str]:
    """Set the carbon-price path's point at 2050 [CNY/tCO₂]."""
    return [f"carbon_price_cny_per_tco2.2050={_num(value)}"]


def pv_year_shift(value: float, doc: dict) -> list[str]:
    """Decide every rooftop-PV item ``value`` years later (negative: earlier), kept in the horizon."""
    first, last = _years(doc)
    out = []
    for path, item in _items(doc, "rooftop_pv"):
        year = min(max(int(item["year"]) + int(round(value)), first), last)
        if year != item["year"]:
            out.append(f"{path}.year={year}")
    return out


def storage_scale(value: float, doc: dict) -> list[str]:
    """Scale every battery item's energy and power by ``value``."""
    out = []
    for path, item in _items(doc, "battery"):
        out += [f"{path}.energy_kwh={_num(item['energy_kwh'] * value)}", f"{path}.power_kw={_num(item['power_kw'] * value)}"]
    return out


def _fleet_total(doc: dict) -> float:
    return sum(float(item.get("share", 0.0)) for _, item in _items(doc, "electrify_fleet"))


def ev_share(value_pct: float, doc: dict) -> list[str]:
    """Scale the fleet-electrification items so that together they convert ``value_pct`` % of
    the fleets (their shares add up, capped at 100 %)."""
    total = _fleet_total(doc)
    if total <= 0:
        return []
    scale = value_pct / 100.0 / total
    return [f"{path}.share={_num(min(1.0, item['share'] * scale))}" for path, item in _items(doc, "electrify_fleet")]


def _decision_measures(doc: dict) -> list[str]:
    """The measures firms decide for themselves in this scenario (``decisions.measures``)."""
    decisions = doc.get("decisions") or {}
    return list(decisions["measures"] if decisions.get("measures") is not None else get_args(DecisionMeasure))


def subsidy_share(value_pct: float, doc: dict) -> list[str]:
    """The park fund pays ``value_pct`` % of the capex of every measure firms decide themselves
    (``policy.capex_subsidy_share``: heat pumps, electric boilers, efficiency programmes)."""
    return [f"policy.capex_subsidy_share.{m}={_num(value_pct / 100.0)}" for m in _decision_measures(doc)]


def green_power_cap(value_pct: float, doc: dict) -> list[str]:
    """Cap every green-power item's share of grid electricity at ``value_pct`` %."""
    cap = value_pct / 100.0
    return [f"{path}.share={_num(cap)}" for path, item in _items(doc, "green_power") if item["share"] > cap]


# -- defaults: the slider value that reproduces the scenario as written -----------------------------
def _carbon_price_2050_now(doc: dict) -> float:
    points = {int(k): float(v) for k, v in (doc.get("carbon_price_cny_per_tco2") or {}).items()}
    return float(interpolate_path(points, [2050])[0])


def _ev_now(doc: dict) -> float:
    return round(min(1.0, _fleet_total(doc)) * 100.0, 6)


def _green_now(doc: dict) -> float:
    shares = [float(item["share"]) for _, item in _items(doc, "green_power")]
    return round(max(shares, default=1.0) * 100.0, 6)


def _subsidy_now(doc: dict) -> float:
    """The scenario's subsidy [%]: the largest share over the measures firms decide (a scenario
    with different shares per measure is reproduced at this value, where the slider writes nothing)."""
    shares = (doc.get("policy") or {}).get("capex_subsidy_share") or {}
    return round(max((float(shares.get(m, 0.0)) for m in _decision_measures(doc)), default=0.0) * 100.0, 6)


def _firms_decide(doc: dict) -> bool:
    return bool((doc.get("decisions") or {}).get("enabled")) and bool(_decision_measures(doc))


def _const(value: float) -> Callable[[dict], float]:
    return lambda doc: value


def _has(kind: str) -> Callable[[dict], bool]:
    return lambda doc: bool(_items(doc, kind))


def _always(doc: dict) -> bool:
    return True


@dataclass(frozen=True)
class Slider:
    """One workshop lever: a slider whose value becomes overrides of the scenario."""

    id: str
    label: dict[str, str]  # by language
    min: float
    max: float
    step: float
    rule: Rule  # (value, document) -> ["path=value", ...]
    default: Callable[[dict], float]  # the value that reproduces the scenario as written
    applies: Callable[[dict], bool] = _always  # false: nothing in this scenario to act on
    unit: str = ""  # after the numbers on the marks
    marks: tuple[float, ...] = ()  # where the slider is labelled; default: ends and three between

    def mark_labels(self) -> dict[float, str]:
        values = self.marks or tuple(self.min + i * (self.max - self.min) / 4 for i in range(5))
        return {(int(v) if float(v).is_integer() else v): f"{_num(v)}{self.unit}" for v in values}


SLIDERS: tuple[Slider, ...] = (
    Slider("carbon_price_2050", {"en": "Carbon price 2050 [CNY/tCO₂]", "zh": "2050年碳价 [元/tCO₂]"}, 0, 1000, 50, carbon_price_2050, _carbon_price_2050_now),
    Slider("pv_year_shift", {"en": "Rooftop PV: years later (+) or earlier (−)", "zh": "屋顶光伏推迟(+)/提前(−) [年]"}, -3, 6, 1, pv_year_shift, _const(0), _has("rooftop_pv"), marks=(-3, 0, 3, 6)),
    Slider("storage_scale", {"en": "Battery size [× roadmap]", "zh": "储能规模 [×路线图]"}, 0.25, 3, 0.25, storage_scale, _const(1), _has("battery"), "×", (0.25, 1, 2, 3)),
    Slider("ev_share", {"en": "Fleets electrified by the roadmap [%]", "zh": "车队电动化比例 [%]"}, 10, 100, 10, ev_share, _ev_now, _has("electrify_fleet"), "%", (10, 40, 70, 100)),
    Slider("green_power_cap", {"en": "Green power: cap on the share [%]", "zh": "绿电占比上限 [%]"}, 0, 100, 10, green_power_cap, _green_now, _has("green_power"), "%"),
    Slider("subsidy_share", {"en": "Subsidy on firms' own measures [% of capex]", "zh": "企业自主措施投资补贴 [%]"}, 0, 80, 10, subsidy_share, _subsidy_now, _firms_decide, "%", (0, 20, 40, 60, 80)),
)


def defaults(doc: dict, sliders: tuple[Slider, ...] = SLIDERS) -> dict[str, float]:
    """The slider values that reproduce the scenario as written."""
    return {s.id: s.default(doc) for s in sliders}


def overrides_for(values: dict[str, float], doc: dict, sliders: tuple[Slider, ...] = SLIDERS) -> list[str]:
    """The overrides of all sliders; a slider at its default, or with nothing to act on, adds none."""
    out: list[str] = []
    for s in sliders:
        value = values.get(s.id)
        if value is None or not s.applies(doc) or close(float(value), s.default(doc)):
            continue
        out += s.rule(float(value), doc)
    return out

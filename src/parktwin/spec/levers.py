"""Levers that cannot change what they appear to: a warning for each.

An override (``--set``), a scenario that differs from a baseline, or a dashboard slider moves an
input; some inputs only act through agents that decide, and a scenario may have none of them.
Doubling the carbon price on ``bau`` changes nothing but the carbon cost reported, because no firm
decides (``decisions.enabled: false``), no exchange is listed, buildings do not retrofit on their
own and fleets do not turn over.

- ``lever_warning(scenario, path)`` → the warning for one input path (None when it can act); the
  dashboard calls it for each slider's path to grey or annotate the slider;
- ``lever_warnings(scenario, paths)`` → the warnings of several paths, once each;
- ``changed_levers(base, other)`` → the lever paths whose values differ between two scenarios
  (``compare`` warns about those of each scenario against the first).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from parktwin.spec.scenario import Scenario


def carbon_price_reach(sc: Scenario) -> list[str]:
    """What the carbon price acts on in ``sc`` besides the reported carbon cost (scope 1 × price)."""
    out = []
    weighed = sc.policy.carbon_price_in_decisions
    if sc.decisions.enabled and weighed:
        out.append("firms' own measures (decisions.enabled)")
    if sc.park.exchanges and weighed:
        out.append("symbiosis exchanges' both-gain decisions")
    if sc.buildings.retrofit_decisions:
        out.append("building owners' retrofits (buildings.retrofit_decisions)")
    if sc.fleets.turnover:
        out.append("fleet owners' replacement vehicles (fleets.turnover)")
    return out


def _carbon_price_warning(sc: Scenario) -> str | None:
    reach = carbon_price_reach(sc)
    if reach and not (len(reach) == 1 and sc.park.exchanges and not sc.decisions.enabled and reach[0].startswith("symbiosis")):
        return None
    if reach:  # only the listed exchanges weigh it: firms' own measures do not respond
        return (f"carbon_price_cny_per_tco2: in scenario {sc.name!r} only the listed symbiosis exchanges weigh the carbon "
                f"price (decisions.enabled is false: firms' own measures, building retrofits and fleet turnover do not "
                f"respond), so it changes little or nothing beyond the carbon cost reported. Set decisions.enabled: true "
                f"for firms to respond.")
    pays = sc.policy.carbon.kind == "ets" or (sc.policy.carbon.kind == "tax" and not sc.policy.carbon.tax_cny_per_tco2)
    why = ("decisions.enabled is false" if sc.policy.carbon_price_in_decisions
           else "policy.carbon_price_in_decisions is false")
    paid = " and the carbon payments under the policy (a transfer)" if pays else ""
    return (f"carbon_price_cny_per_tco2: nothing in scenario {sc.name!r} decides on the carbon price ({why}; no symbiosis "
            f"exchange listed, building retrofits and fleet turnover off), so it changes only the carbon cost reported"
            f"{paid}; emissions, energy and the system cost stay the same. Set decisions.enabled: true for firms to respond.")


def lever_warning(sc: Scenario, path: str) -> str | None:
    """The warning for one input ``path`` (an override path, e.g. ``carbon_price_cny_per_tco2.2050``) in
    ``sc``, or None when the input can change the run's physical results."""
    head = path.split(".", 1)[0]
    if head == "carbon_price_cny_per_tco2":
        return _carbon_price_warning(sc)
    if head == "decisions" and path != "decisions.enabled" and not sc.decisions.enabled:
        return f"{path}: firms do not decide in scenario {sc.name!r} (decisions.enabled is false), so it changes nothing"
    if path.startswith(("policy.capex_subsidy_share", "policy.approval_days")) and not sc.decisions.enabled:
        return f"{path}: acts on firms' own measures only, and they do not decide in scenario {sc.name!r} (decisions.enabled is false)"
    if path == "policy.carbon_price_in_decisions" and not (sc.decisions.enabled or sc.park.exchanges):
        return f"{path}: no firm decides and no exchange is listed in scenario {sc.name!r}, so it changes nothing"
    if head == "buildings" and path != "buildings.retrofit_decisions" and path.startswith(("buildings.hurdle_rate", "buildings.retrofit_measures", "buildings.payback")) \
            and not sc.buildings.retrofit_decisions:
        return f"{path}: building owners do not retrofit on their own in scenario {sc.name!r} (buildings.retrofit_decisions is false)"
    if head == "fleets" and path != "fleets.turnover" and not sc.fleets.turnover:
        return f"{path}: fleets keep their base-year vehicles in scenario {sc.name!r} (fleets.turnover is false), so it changes nothing"
    return None


def lever_warnings(sc: Scenario, paths: Iterable[str]) -> list[str]:
    """``lever_warning`` of each path, each warning once, in order."""
    out: list[str] = []
    for path in paths:
        warning = lever_warning(sc, str(path))
        if warning and warning not in out:
            out.append(warning)
    return out


LEVER_FIELDS = ("carbon_price_cny_per_tco2", "decisions", "policy", "buildings", "fleets")


def changed_levers(base: Scenario, other: Scenario) -> list[str]:
    """Paths (``LEVER_FIELDS`` and their first-level fields) whose values differ between two scenarios."""
    out = []
    for name in LEVER_FIELDS:
        a, b = getattr(base, name), getattr(other, name)
        if a == b:
            continue
        if not isinstance(a, BaseModel):
            out.append(name)
            continue
        out += [f"{name}.{f}" for f in type(a).model_fields if getattr(a, f) != getattr(b, f)]
    return out

"""The planner's public face: ``parktwin.plan`` designs a roadmap and, optionally, writes its report."""

from __future__ import annotations

from pathlib import Path

from parktwin.planning.planner import plan as make_plan
from parktwin.planning.report import write_plan_report


def plan(scenario: str | Path, targets, out: str | Path | None = None, report: str | Path | None = None, lang: str = "en", **options):
    """Design the least-cost roadmap of ``scenario``'s park that meets ``targets`` (a string such as
    ``"zero_carbon_park=2040,net_zero=2050"``, a targets YAML file or a ``planning.targets.Targets``)
    and write it to ``out`` (a scenario that extends the input); ``report``: the plan report (HTML).
    Options: see ``parktwin.planning.planner.plan``. Raises ``PlanInfeasible`` when a target cannot be met."""
    result = make_plan(scenario, targets, out, **options)
    if report:
        write_plan_report(result, report, lang)
    return result

"""Stage 1, screening: the park's base run, each candidate alone at its bound and earliest year
(a marginal abatement cost curve of the candidates: tonnes abated over the horizon and the change
of the pathway's system cost NPV per tonne), and every candidate at once — the most the park can
do, which decides whether the targets can be met at all.

A candidate is kept for the search when, alone, it abates CO₂, lowers the system cost or brings
any target closer; the later steps of a measure taken in steps follow their first step.

Removals (``RESIDUAL_KINDS``: direct air capture) are for the residual only — the report's
endogeneity principle (减排优先原则: internal reductions first, removals and offsets only for what
they cannot remove). Before the screen, one run of every other candidate at its bound measures that
residual (the largest net emissions from ``residual_from`` on), and a removal candidate's bound
becomes ``RESIDUAL_HEADROOM`` times it (never more than its planning row allows); with no residual
it is dropped, and the plan says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from parktwin.planning.candidates import Candidate, Choice, NotPlanned, earliest_year
from parktwin.planning.evaluate import plan_job

RESIDUAL_KINDS = ("direct_air_capture",)
"""Kinds sized to the residual that every other candidate at its bound leaves (removals)."""
RESIDUAL_HEADROOM = 2.0
"""A removal's bound in multiples of that residual: room for a search that keeps some internal measure
below its bound and for the robust stage (a world growing 5 %/yr instead of 3 % has 1.6 times the
activity after 25 years); the search's 5 % level grid then sizes it within 10 % of the residual."""
RESIZE_MARGIN = 1.01
"""Removals sized to what is left are sized to 101 % of it (up to the next 10 t): their own electricity
may carry a little scope 2 where contracts do not cover it."""


def up_to_10_t(tco2: float) -> float:
    """``tco2`` rounded up to the next 10 t (sizes of removals)."""
    return math.ceil(tco2 / 10.0) * 10.0


def removal_tco2(need_tco2: float) -> float:
    """The removal capacity that balances ``need_tco2`` a year [tCO₂/yr]: ``RESIZE_MARGIN`` × it, up to 10 t."""
    return up_to_10_t(max(need_tco2, 0.0) * RESIZE_MARGIN)


def removal_index(choices: list[Choice]) -> int | None:
    """The position of the plan's one removal choice (None: none, or more than one)."""
    at = [i for i, ch in enumerate(choices) if ch.candidate.kind in RESIDUAL_KINDS]
    return at[0] if len(at) == 1 else None



@dataclass
class Screen:
    base: dict
    maximum: dict
    solo: dict[str, dict]  # candidate id → its run alone (first steps only)
    macc: list[dict] = field(default_factory=list)  # per candidate: tonnes, ΔNPV, CNY/t, kept, why
    kept: list[Candidate] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)  # as screened (removals sized to the residual)
    dropped: list[NotPlanned] = field(default_factory=list)  # removals with no residual to balance


def residual_tco2(result: dict, from_year: int) -> float:
    """The largest net emissions of a run from ``from_year`` on [tCO₂] (a failed run: infinite)."""
    if result.get("error"):
        return math.inf
    return max(v for y, v in zip(result["years"], result["net_tco2"]) if y >= from_year)


def size_removals(runner, base_doc: dict, cands: list[Candidate], earliest: int, seed: int,
                  residual_from: int) -> tuple[list[Candidate], list[NotPlanned]]:
    """Removal candidates bounded by ``RESIDUAL_HEADROOM`` × the residual every other candidate at its
    bound leaves from ``residual_from`` on; dropped (with the reason) when nothing is left."""
    removals = [c for c in cands if c.kind in RESIDUAL_KINDS]
    if not removals:
        return cands, []
    others = [c for c in cands if c.kind not in RESIDUAL_KINDS]
    run = runner.evaluate([plan_job(base_doc, maximal_choices(others, earliest), seed)], "screen",
                          "screening: the residual for removals")[0]
    left = residual_tco2(run, residual_from)
    if left <= 0:
        reason = f"every other candidate at its bound leaves no net emissions from {residual_from} ({left:,.0f} t): nothing for removals to balance"
        return others, [NotPlanned(c.kind, c.option, reason) for c in removals]
    out = []
    for c in cands:
        if c.kind in RESIDUAL_KINDS and math.isfinite(left):
            bound = min(c.max_value, up_to_10_t(RESIDUAL_HEADROOM * left))
            c = replace(c, max_value=bound, cap=c.max_value, bound_note=f"{RESIDUAL_HEADROOM:g} × the {left:,.0f} tCO₂ every other candidate at its bound "
                                                      f"leaves from {residual_from} (at most {c.bound_note})")
        out.append(c)
    return out, []


def _failing(result: dict) -> set[str]:
    """Indicators (and targets) a run fails."""
    out = set()
    for name, v in (result.get("targets") or {}).items():
        out |= set(v.get("failing") or ([] if v["met"] else [name]))
    return out


def maximal_choices(cands: list[Candidate], earliest: int) -> list[Choice]:
    return [Choice(c, 1.0, earliest_year(c, earliest)) for c in cands]


def screen(runner, base_doc: dict, cands: list[Candidate], earliest: int, seed: int, residual_from: int) -> Screen:
    """Size the removals to the residual, then run the base, every first step alone and all candidates
    at once (through ``runner``)."""
    cands, dropped = size_removals(runner, base_doc, cands, earliest, seed, residual_from)
    firsts = [c for c in cands if c.step == 1]
    jobs = [plan_job(base_doc, [], seed)]
    jobs += [plan_job(base_doc, [Choice(c, 1.0, earliest_year(c, earliest))], seed) for c in firsts]
    jobs.append(plan_job(base_doc, maximal_choices(cands, earliest), seed))
    # every candidate but one kind: is that kind needed when all the others are there?
    jobs += [plan_job(base_doc, maximal_choices([d for d in cands if (d.kind, d.option) != (c.kind, c.option)], earliest), seed)
             for c in firsts]
    results = runner.evaluate(jobs, "screen", "screening candidates")
    n = len(firsts)
    base, maximum = results[0], results[n + 1]
    solo = {c.id: r for c, r in zip(firsts, results[1:n + 1])}
    without = {c.id: r for c, r in zip(firsts, results[n + 2:])}
    rows, kept_firsts = [], set()
    for c in firsts:
        r = solo[c.id]
        if r.get("error"):
            rows.append({"id": c.id, "kind": c.kind, "option": c.option, "kept": False, "why": r["error"].splitlines()[0]})
            continue
        abated = base["cumulative_net_tco2"] - r["cumulative_net_tco2"]
        d_npv = r["npv_cny"] - base["npv_cny"]
        closer = bool(_failing(base) - _failing(r))
        w = without[c.id]
        needed = bool(maximum.get("feasible")) and not w.get("feasible")
        keep = abated > 1.0 or d_npv < 0 or closer or needed
        why = "; ".join(w for w, ok in (("abates CO₂", abated > 1.0), ("lowers the system cost", d_npv < 0),
                                         ("meets an indicator a target needs", closer),
                                         ("needed: the targets fail without it when all else is at its bound", needed)) if ok) \
            or "neither abates, saves nor meets an indicator a target needs"
        rows.append({"id": c.id, "kind": c.kind, "option": c.option, "abated_tco2": abated, "delta_npv_cny": d_npv,
                     "cny_per_tco2": d_npv / abated if abated > 1.0 else None, "kept": keep, "why": why, "bound": c.bound_note})
        if keep:
            kept_firsts.add((c.kind, c.option))
    rows.sort(key=lambda r: (r.get("cny_per_tco2") is None, r.get("cny_per_tco2") or 0.0))
    kept = [c for c in cands if (c.kind, c.option) in kept_firsts]
    return Screen(base, maximum, solo, rows, kept, cands, dropped)

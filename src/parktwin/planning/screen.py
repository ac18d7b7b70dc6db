"""Stage 1, screening: the park's base run, each candidate alone at its bound and earliest year
(a marginal abatement cost curve of the candidates: tonnes abated over the horizon and the change
of the pathway's system cost NPV per tonne), and every candidate at once — the most the park can
do, which decides whether the targets can be met at all.

A candidate is kept for the search when, alone, it abates CO₂, lowers the system cost or brings
any target closer; the later steps of a measure taken in steps follow their first step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parktwin.planning.candidates import Candidate, Choice, apply_choices, earliest_year
from parktwin.planning.evaluate import changes_json


@dataclass
class Screen:
    base: dict
    maximum: dict
    solo: dict[str, dict]  # candidate id → its run alone (first steps only)
    macc: list[dict] = field(default_factory=list)  # per candidate: tonnes, ΔNPV, CNY/t, kept, why
    kept: list[Candidate] = field(default_factory=list)


def _failing(result: dict) -> set[str]:
    """Indicators (and targets) a run fails."""
    out = set()
    for name, v in (result.get("targets") or {}).items():
        out |= set(v.get("failing") or ([] if v["met"] else [name]))
    return out


def maximal_choices(cands: list[Candidate], earliest: int) -> list[Choice]:
    return [Choice(c, 1.0, earliest_year(c, earliest)) for c in cands]


def screen(runner, base_doc: dict, cands: list[Candidate], earliest: int, seed: int) -> Screen:
    """Run the base, every first step alone and all candidates at once (through ``runner``)."""
    firsts = [c for c in cands if c.step == 1]
    jobs = [(changes_json(apply_choices(base_doc, [])), seed, ())]
    jobs += [(changes_json(apply_choices(base_doc, [Choice(c, 1.0, earliest_year(c, earliest))])), seed, ()) for c in firsts]
    jobs.append((changes_json(apply_choices(base_doc, maximal_choices(cands, earliest))), seed, ()))
    # every candidate but one kind: is that kind needed when all the others are there?
    jobs += [(changes_json(apply_choices(base_doc, maximal_choices([d for d in cands if (d.kind, d.option) != (c.kind, c.option)], earliest))),
              seed, ()) for c in firsts]
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
    return Screen(base, maximum, solo, rows, kept)

"""Scenario discovery: which uncertain inputs, in which ranges, still make a robust plan fail.

PRIM (the Patient Rule Induction Method, Friedman & Fisher 1999) from the EMA Workbench
(``ema_workbench.analysis.prim``): it peels the sample's input space down to boxes where the
share of failing replicates is high. Chosen because it is the reference implementation the
robust-decision-making literature uses; its cost is an import of ~4 s CPU (it brings matplotlib
and seaborn), paid once, only by a robust plan. Boxes are reported with their coverage (share of
all failures inside the box) and density (share of the box's replicates that fail), and only the
inputs the box restricts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

MIN_FAILURES = 2
PEEL_THRESHOLD = 0.5
MAX_BOXES = 2


def failure_boxes(design, results: list[dict], maps, world: list[str]) -> tuple[list[dict], str]:
    """PRIM boxes of the replicates that fail any target; ([], why not) when too few fail."""
    failed = np.array([not r.get("feasible") for r in results], dtype=bool)
    names = [n for n in design.paths if n in set(world) | {m.name for m in maps}]
    if failed.sum() < MIN_FAILURES:
        return [], f"{int(failed.sum())} of {len(failed)} replicates fail: too few for scenario discovery"
    if failed.all():
        return [], f"every one of the {len(failed)} replicates fails: no input range separates failures from successes"
    x = pd.DataFrame({n: pd.to_numeric(design.samples[n], errors="coerce") for n in names}).astype(float)
    x = x.loc[:, x.nunique() > 1]
    if x.empty:
        return [], "no varying inputs"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns about optional parallel back-ends on import
        # import here: ema_workbench costs ~4 s CPU (matplotlib, seaborn; measured); only a robust plan's PRIM needs it
        from ema_workbench.analysis import prim
        finder = prim.Prim(x, failed, threshold=PEEL_THRESHOLD)
        boxes = []
        for _ in range(MAX_BOXES):
            box = finder.find_box()
            if box is None:
                break
            start, end = box.box_lims[0], box.box_lims[-1]
            limits = {c: (float(end[c].iloc[0]), float(end[c].iloc[1])) for c in x.columns
                      if end[c].iloc[0] > start[c].iloc[0] or end[c].iloc[1] < start[c].iloc[1]}
            if not limits:
                break
            boxes.append({"coverage": float(box.coverage), "density": float(box.density), "mass": float(box.mass), "limits": limits})
    note = f"{int(failed.sum())} of {len(failed)} replicates fail; PRIM (ema_workbench) peeling threshold {PEEL_THRESHOLD}"
    return boxes, note

"""The plan as a scenario file: it ``extends`` the input, its roadmap grouped by the four phases
of the seed report's Table 2 (a comment heads each phase), every item with a one-line why (the
target it serves, tonnes abated, cost per tonne — from a run of the plan without it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from parktwin.accounting.phases import phase_of
from parktwin.atomic import write_bytes


def _flow(item: dict) -> str:
    """One roadmap item as a YAML flow mapping (keys in a fixed order, plain scalars)."""
    parts = []
    for k, v in item.items():
        if isinstance(v, bool):
            text = "true" if v else "false"
        elif isinstance(v, float):
            text = str(int(v)) if v.is_integer() else repr(v)
        elif isinstance(v, str):
            text = v
        else:
            text = json.dumps(v)
        parts.append(f"{k}: {text}")
    return "{" + ", ".join(parts) + "}"


def why_text(why: dict | None) -> str:
    if not why:
        return ""
    tonnes, per_t, cost = why.get("abated_tco2"), why.get("cny_per_tco2"), why.get("delta_npv_cny")
    if why.get("needed_for"):
        bits = [f"needed for {', '.join(why['needed_for'])}"]
    elif cost is not None and cost < 0:
        bits = [f"lowers the pathway cost by {-cost / 1e6:,.0f} M CNY"]
    else:
        bits = [f"not needed for a target alone; costs {cost / 1e6:,.0f} M CNY" if cost is not None else "kept by the search"]
    if tonnes is not None:
        bits.append(f"{tonnes / 1e3:,.0f} kt CO₂ abated over the horizon")
    if per_t is not None:
        bits.append(f"{per_t:,.0f} CNY/t")
    return "; ".join(bits) + " (plan without it)"


def scenario_text(input_path: Path, out: Path, name: str, roadmap: list[dict], offsets: dict | None, base_year: int,
                  whys: dict[str, dict], header: list[str], uncertainty: dict | None = None, park: Path | None = None) -> str:
    """The plan's scenario text; ``park``: the park file the plan was made for when it is not the input's own."""
    rel = os.path.relpath(input_path.resolve(), out.resolve().parent)
    lines = [f"# {h}" for h in header]
    lines += [f"extends: {rel}", f"name: {name}", "description: >-", f"  A roadmap designed by parktwin plan from {input_path.name}; "
              "every item says why it is there (docs/planning.md)."]
    if park is not None:
        lines.append(f"park: {os.path.relpath(park.resolve(), out.resolve().parent)}  # the park the plan was made for (--park)")
    if offsets:
        w = why_text(whys.get("offsets"))
        lines.append("offsets:" + (f"  # {w}" if w else ""))
        for k, v in offsets.items():
            lines.append(f"  {k}: {json.dumps(v)}")
    lines.append("roadmap:" if roadmap else "roadmap: []")
    current = None
    for it in roadmap:
        ph = phase_of(max(it["year"] - base_year, 0))
        if ph.key != current:
            current = ph.key
            first, last = base_year + ph.first_index, (base_year + ph.last_index) if ph.last_index is not None else None
            span = f"{first}-{last}" if last and last != first else (f"{first}" if last else f"{first}-")
            lines.append(f"  # phase {ph.number} {ph.name_en} / {ph.name_zh} ({span})")
        w = why_text(whys.get(it["id"]))
        lines.append(f"  - {_flow(it)}" + (f"  # {w}" if w else ""))
    if uncertainty:
        lines.append(yaml.safe_dump({"uncertainty": uncertainty}, sort_keys=False, allow_unicode=True, width=100).rstrip())
    return "\n".join(lines) + "\n"


def write_scenario(out: Path, text: str) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(text.encode("utf-8"), out)
    return out

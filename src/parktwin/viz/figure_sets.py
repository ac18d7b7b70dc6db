"""Which registered figures a command shows: ``report --figures`` (export for slides) and
``serve --figures`` (the dashboard) read the same words.

A selection is ``all``, the name of a set below, or registry keys separated by commas
(``emissions,waterfall,macc``); sets and keys mix (``slides,sankey_carbon``). The keys are
those of ``viz.registry`` (``parktwin report --list-figures`` prints them).
"""

from __future__ import annotations

from parktwin.viz.registry import registered

# the figures a workshop watches while moving sliders (the report has them all)
WORKSHOP = ("stages", "emissions", "waterfall", "energy_mix", "electricity_balance", "dispatch_week", "indicators",
            "costs", "cashflows", "adoption", "macc", "pdca")
# a board deck: where the park stands, where its emissions go, what it costs
SLIDES = ("stages", "emissions", "waterfall", "energy_mix", "indicators", "costs", "macc")

FIGURE_SETS: dict[str, tuple[str, ...]] = {"workshop": WORKSHOP, "slides": SLIDES}


class FigureSelectionError(ValueError):
    """A ``--figures`` value names a figure or set that does not exist."""


def figure_keys(text: str | None, default: str = "all") -> list[str] | None:
    """The registry keys a ``--figures`` value names, in report order; None means every figure.

    ``text`` None or blank: ``default`` (a set name or ``all``). Raises FigureSelectionError
    naming the unknown words and what is known."""
    text = default if text is None or not text.strip() else text
    words = [w.strip() for w in text.split(",") if w.strip()]
    if words == ["all"]:
        return None
    known = [s.key for s in registered()]
    unknown = [w for w in words if w not in FIGURE_SETS and w not in known]
    if unknown:
        raise FigureSelectionError(
            f"unknown {', '.join(repr(w) for w in unknown)}; expected 'all', a set ({', '.join(FIGURE_SETS)}) "
            f"or figure keys separated by commas: {', '.join(known)}")
    chosen = {k for w in words for k in (FIGURE_SETS.get(w) or (w,))}
    return [k for k in known if k in chosen]


def describe_sets() -> list[str]:
    """One line per figure set and one per figure key with its English title (for --list-figures)."""
    lines = [f"{name}: {', '.join(keys)}" for name, keys in FIGURE_SETS.items()]
    lines += [f"{s.key}: {s.title['en']}" for s in registered()]
    return lines

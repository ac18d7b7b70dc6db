"""The technology registry: every roadmap kind, what it is and where its behaviour lives.

One row of ``data/technology_kinds.csv`` per kind names its module here (``technologies/<module>.py``),
who owns it, the catalogue ids it buys, the input field that sizes it, the park quantity that
bounds it (for a planner), how the MACC counts its abatement, the stage of the year that first
sees it, a typical item, and its labels in English and
Chinese. The module holds the kind's behaviour: ``commission(op, item, hour, year)`` carries out a
roadmap item at its commissioning hour and returns ``(description, investments)``. Kinds sharing a
module (the stores: data/stores.csv) differ by data only. The kernel, the scenario schema
(spec/scenario.py's ``INTERVENTIONS`` must cover every kind, tests/test_technologies.py), the
catalogue (``economics.catalogue.MEASURE_TECHNOLOGIES``), the reports' labels and a planner
learn the kinds from here; see docs/extending.md.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from parktwin.data import table
from parktwin.economics.catalogue import MEASURE_TECHNOLOGIES, technology as catalogue_entry
from parktwin.spec.scenario import INTERVENTIONS

PACKAGE = "parktwin.technologies"


@dataclass(frozen=True)
class Technology:
    """One roadmap kind (a row of data/technology_kinds.csv with its module's behaviour)."""

    kind: str
    module: str  # technologies/<module>.py
    owner: str  # operator, enterprise, building or fleet: whose assets or state it changes
    catalogue: tuple[str, ...]  # data/technologies.csv ids it buys (economics.catalogue)
    sizing: str  # the input model's field that sizes an item
    sizing_unit: str
    bound: str  # the park quantity that bounds it (a planner's limit), "none" if nothing does
    abatement: str  # how the MACC counts it: firm_measure (costed on firms), operator_asset (economics.asset_abatement) or none
    stage: str  # the stage of the year (kernel/year.py) that first sees what it changed
    example: dict  # a typical item's fields (a planner's starting size; the shared kind tests run it)
    labels: dict  # {"en": ..., "zh": ...}
    input_model: type  # the pydantic model of a roadmap item (spec/scenario.py)
    commission: Callable  # (operator, item, hour, year) -> (description, [Investment])

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels["en"]

    def available_from(self, region: str = "china") -> int:
        """The first year every catalogue entry it buys is available to a park (data/technologies.csv)."""
        return max((int(catalogue_entry(t, region).available_from) for t in self.catalogue), default=0)


def _input_models() -> dict[str, type]:
    return {kind: cls for cls in INTERVENTIONS for kind in cls.model_fields["kind"].annotation.__args__}


@lru_cache(maxsize=1)
def technologies() -> dict[str, Technology]:
    """Every registered kind, in the order of data/technology_kinds.csv."""
    models = _input_models()
    out = {}
    for row in table("technology_kinds").itertuples(index=False):
        if row.kind not in models:
            raise ValueError(f"data/technology_kinds.csv: kind {row.kind!r} has no input model in spec/scenario.py INTERVENTIONS")
        try:
            module = importlib.import_module(f"{PACKAGE}.{row.module}")
        except ModuleNotFoundError:
            raise ValueError(f"data/technology_kinds.csv: kind {row.kind!r}, module: expected technologies/{row.module}.py, not found") from None
        if not callable(getattr(module, "commission", None)):
            raise ValueError(f"data/technology_kinds.csv: kind {row.kind!r}, module: technologies/{row.module}.py has no commission(operator, item, hour, year)")
        out[row.kind] = Technology(
            kind=row.kind, module=row.module, owner=row.owner, catalogue=MEASURE_TECHNOLOGIES[row.kind], sizing=row.sizing,
            sizing_unit=row.sizing_unit, bound=row.bound, abatement=row.abatement, stage=row.stage, example=json.loads(row.example), labels={"en": row.label_en, "zh": row.label_zh},
            input_model=models[row.kind], commission=module.commission,
        )
    return out


def technology(kind: str) -> Technology:
    try:
        return technologies()[kind]
    except KeyError:
        raise KeyError(f"no technology {kind!r} in data/technology_kinds.csv (known: {', '.join(technologies())})") from None


def kinds(abatement: str | None = None, owner: str | None = None) -> tuple[str, ...]:
    """Registered kinds, optionally those whose abatement or owner is the one given."""
    return tuple(k for k, t in technologies().items() if (abatement is None or t.abatement == abatement) and (owner is None or t.owner == owner))


def labels(lang: str) -> dict[str, str]:
    """kind → its label in ``lang``."""
    return {k: t.label(lang) for k, t in technologies().items()}

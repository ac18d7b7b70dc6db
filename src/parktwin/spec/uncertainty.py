"""The ``uncertainty`` block of a scenario: which inputs a Monte Carlo batch samples, and how.

Each entry names one input by its override path (the same dotted path as ``--set``) and gives
its distribution; entries may ask for rank (Spearman) correlations with each other::

    uncertainty:
      growth:
        path: growth.default_share_per_yr
        dist: triangular
        low: 0.01
        mode: 0.03
        high: 0.05
      carbon_price_2050:
        path: carbon_price_cny_per_tco2.2050
        dist: lognormal
        median: 350
        sigma: 0.4
        rank_correlation: {growth: 0.3}

An empty block (the default) means no uncertainty. Whether a path exists in the scenario and
whether the sampled values validate there is checked when a batch is designed
(``parktwin.experiments.design.check_paths``): it needs the whole document.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, RootModel, StringConstraints, ValidationInfo, field_validator, model_validator

from parktwin.spec.base import ID_PATTERN, Strict

DISTRIBUTIONS = ("uniform", "normal", "lognormal", "triangular", "choice")

# which parameters each distribution needs (required) and accepts (optional)
NEEDS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "normal": ("mean", "std"),
    "lognormal": ("median", "sigma"),
    "triangular": ("low", "mode", "high"),
    "choice": ("values",),
}
ACCEPTS: dict[str, tuple[str, ...]] = {
    "uniform": (),
    "normal": ("low", "high"),  # truncation
    "lognormal": ("low", "high"),  # truncation
    "triangular": (),
    "choice": ("weights",),
}
PARAMETERS = ("low", "high", "mode", "mean", "std", "median", "sigma", "values", "weights")

Scalar = float | int | bool | str


class UncertainInput(Strict):
    """One uncertain input: an override path and a distribution of the value written there."""

    path: str = Field(min_length=1, description="override path into the scenario, as for --set (e.g. roadmap.pv_phase1.year)")
    dist: Literal["uniform", "normal", "lognormal", "triangular", "choice"] = Field(
        description="uniform(low, high); normal(mean, std[, low, high]); lognormal(median, sigma[, low, high]) with "
        "sigma the standard deviation of ln x; triangular(low, mode, high); choice(values[, weights])"
    )
    low: float | None = Field(None, validate_default=True, description="lower bound (uniform, triangular) or truncation")
    high: float | None = Field(None, validate_default=True, description="upper bound (uniform, triangular) or truncation")
    mode: float | None = Field(None, validate_default=True, description="most likely value (triangular)")
    mean: float | None = Field(None, validate_default=True, description="mean (normal, before truncation)")
    std: float | None = Field(None, gt=0, validate_default=True, description="standard deviation (normal)")
    median: float | None = Field(None, gt=0, validate_default=True, description="median (lognormal)")
    sigma: float | None = Field(None, gt=0, validate_default=True, description="standard deviation of ln x (lognormal)")
    values: list[Scalar] | None = Field(None, min_length=1, validate_default=True, description="the choices (choice)")
    weights: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, validate_default=True, description="relative weights of the choices; default equal"
    )
    integer: bool = Field(False, description="the path takes whole numbers (a year, a count): samples are rounded; "
                          "a uniform integer is drawn from low..high inclusive")
    rank_correlation: dict[str, Annotated[float, Field(ge=-1, le=1)]] = Field(
        default_factory=dict, description="Spearman rank correlation with other uncertain inputs (by name); "
        "imposed on LHS and random designs by Iman–Conover"
    )
    note: str = Field("", description="why this range (shown in the batch report)")

    @field_validator(*PARAMETERS)
    @classmethod
    def _fits_distribution(cls, value: Any, info: ValidationInfo) -> Any:
        dist = info.data.get("dist")
        if dist is None:  # the distribution itself is wrong; that error is reported
            return value
        name = info.field_name
        if name in NEEDS[dist]:
            if value is None:
                raise ValueError(f"a {dist} distribution needs {name} ({', '.join(NEEDS[dist])})")
        elif value is not None and name not in ACCEPTS[dist]:
            allowed = ", ".join(NEEDS[dist] + ACCEPTS[dist])
            raise ValueError(f"{name} is not a parameter of a {dist} distribution (it takes {allowed})")
        if value is None:
            return value
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number")
        low = info.data.get("low")
        if name == "high" and low is not None and not value > low:
            raise ValueError(f"high must be above low ({value} ≤ {low})")
        high = info.data.get("high")
        if name == "mode" and low is not None and high is not None and not low <= value <= high:
            raise ValueError(f"mode must lie within low..high ({low}..{high}), got {value}")
        if name == "high" and dist == "lognormal" and value <= 0:
            raise ValueError("a lognormal's upper truncation must be positive")
        if name == "low" and dist == "lognormal" and value < 0:
            raise ValueError("a lognormal's lower truncation cannot be negative")
        if name == "weights":
            values = info.data.get("values")
            if values is not None and len(value) != len(values):
                raise ValueError(f"expected one weight per value ({len(values)}), got {len(value)}")
            if not sum(value) > 0:
                raise ValueError("weights must not all be zero")
        return value

    def parameters(self) -> dict[str, Any]:
        """The distribution's parameters that are set, by name."""
        return {p: getattr(self, p) for p in PARAMETERS if getattr(self, p) is not None}


Name = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class Uncertainty(RootModel[dict[Name, UncertainInput]]):
    """Uncertain inputs by name (letters, digits, ``_`` and ``-``). Empty: no uncertainty."""

    root: dict[Name, UncertainInput] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _correlations(self) -> Uncertainty:
        names = list(self.root)
        problems = []
        for name, item in self.root.items():
            for other, rho in item.rank_correlation.items():
                if other not in self.root:
                    problems.append(f"{name}.rank_correlation.{other}: no uncertain input named {other!r}")
                elif other == name and rho != 1:
                    problems.append(f"{name}.rank_correlation.{other}: an input's correlation with itself is 1")
                elif name in self.root[other].rank_correlation and self.root[other].rank_correlation[name] != rho:
                    if names.index(name) < names.index(other):
                        problems.append(
                            f"{name}.rank_correlation.{other} = {rho} but {other}.rank_correlation.{name} = "
                            f"{self.root[other].rank_correlation[name]}; give it once"
                        )
        if problems:
            raise ValueError("; ".join(problems))
        matrix = self.correlation_matrix()
        if matrix is not None:
            smallest = float(np.linalg.eigvalsh(matrix).min())
            if smallest <= 1e-10:
                pairs = ", ".join(f"{a}~{b}={r}" for a, b, r in self.correlation_pairs())
                raise ValueError(
                    f"the rank correlations ({pairs}) do not form a positive-definite matrix "
                    f"(smallest eigenvalue {smallest:.3g}); weaken or drop some"
                )
        return self

    def correlation_pairs(self) -> list[tuple[str, str, float]]:
        """(name, other, rho) once per pair, in block order."""
        seen, out = set(), []
        for name, item in self.root.items():
            for other, rho in item.rank_correlation.items():
                key = frozenset((name, other))
                if other != name and key not in seen:
                    seen.add(key)
                    out.append((name, other, float(rho)))
        return out

    def correlation_matrix(self) -> np.ndarray | None:
        """The k × k target rank-correlation matrix (block order), or None when none is asked."""
        pairs = self.correlation_pairs()
        if not pairs:
            return None
        names = list(self.root)
        matrix = np.eye(len(names))
        for a, b, rho in pairs:
            i, j = names.index(a), names.index(b)
            matrix[i, j] = matrix[j, i] = rho
        return matrix

    def __bool__(self) -> bool:
        return bool(self.root)

    def __len__(self) -> int:
        return len(self.root)

    def names(self) -> list[str]:
        return list(self.root)

    def items(self):
        return self.root.items()

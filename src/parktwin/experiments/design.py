"""Batch designs: the sample table of a Monte Carlo batch and the seed of every replicate.

A design is first drawn on the unit hypercube (one column per uncertain input, values in (0, 1))
and then mapped through each input's inverse CDF, so every design works for every distribution:

- ``lhs``: Latin hypercube (``scipy.stats.qmc.LatinHypercube``), one point in each of the n
  strata of every input; requested rank correlations imposed by Iman–Conover;
- ``random``: independent uniforms, correlations by Iman–Conover too;
- ``morris``: Morris elementary-effects trajectories (SALib), ``n`` trajectories of k + 1 runs,
  4 levels placed at the quantiles 1/8, 3/8, 5/8, 7/8 (so unbounded distributions stay finite);
- ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence (SALib), ``n`` base points
  (a power of two) of k + 2 runs, first-order and total indices.

Morris and Sobol designs assume independent inputs: requested correlations are not imposed
there (the batch records that).

Seeds: the sampler draws from ``SeedSequence(batch_seed, spawn_key=(0,))``; replicate ``i``
runs with the first 64-bit word of ``SeedSequence(batch_seed, spawn_key=(1, i))`` — the i-th
child of the batch's replicate stream — so a replicate's numbers depend on neither n, the
number of workers nor the order in which replicates finish.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError
from scipy import stats
from scipy.stats import qmc

from parktwin.spec.errors import InputError, Problem
from parktwin.spec.ranges import range_at_path
from parktwin.spec.load import Loaded, apply_override, problems_from, scenario_cross_problems, validate_document
from parktwin.spec.park import Park
from parktwin.spec.scenario import Scenario
from parktwin.spec.uncertainty import UncertainInput, Uncertainty

DESIGNS = ("lhs", "random", "morris", "sobol")
MORRIS_LEVELS = 4
_EPS = 1e-12


# -- seeds ------------------------------------------------------------------------------------------
def replicate_seed_sequence(batch_seed: int, index: int) -> np.random.SeedSequence:
    """The replicate's own child of the batch seed (spawn key ``(1, index)``)."""
    return np.random.SeedSequence(batch_seed, spawn_key=(1, index))


def replicate_seed(batch_seed: int, index: int) -> int:
    """Run seed of replicate ``index`` (a 64-bit integer, fed to ``parktwin.run``)."""
    return int(replicate_seed_sequence(batch_seed, index).generate_state(1, np.uint64)[0])


def sampler_rng(batch_seed: int) -> np.random.Generator:
    """The generator the design is drawn with (spawn key ``(0,)``)."""
    return np.random.default_rng(np.random.SeedSequence(batch_seed, spawn_key=(0,)))


# -- distributions ----------------------------------------------------------------------------------
def ppf(item: UncertainInput, u: np.ndarray) -> np.ndarray:
    """Map unit-interval values ``u`` to the input's values (its inverse CDF)."""
    u = np.clip(np.asarray(u, dtype=float), _EPS, 1 - _EPS)
    d = item.dist
    if d == "uniform":
        if item.integer:  # whole numbers low..high, each equally likely
            lo, hi = int(np.ceil(item.low)), int(np.floor(item.high))
            return np.minimum(lo + np.floor(u * (hi - lo + 1)), hi).astype(np.int64)
        x = item.low + u * (item.high - item.low)
    elif d == "triangular":
        width = item.high - item.low
        x = stats.triang.ppf(u, (item.mode - item.low) / width, loc=item.low, scale=width)
    elif d == "normal":
        x = _truncated_normal(u, item.mean, item.std, item.low, item.high)
    elif d == "lognormal":
        log_low = None if item.low in (None, 0) else np.log(item.low)
        log_high = None if item.high is None else np.log(item.high)
        x = np.exp(_truncated_normal(u, np.log(item.median), item.sigma, log_low, log_high))
    elif d == "choice":
        weights = np.asarray(item.weights if item.weights is not None else [1.0] * len(item.values), float)
        cum = np.cumsum(weights) / weights.sum()
        index = np.minimum(np.searchsorted(cum, u, side="right"), len(item.values) - 1)
        return np.asarray(item.values, dtype=object)[index]
    else:  # pragma: no cover - the schema admits no other
        raise ValueError(d)
    return np.rint(x).astype(np.int64) if item.integer else x


def _truncated_normal(u: np.ndarray, mean: float, std: float, low: float | None, high: float | None) -> np.ndarray:
    if low is None and high is None:
        return mean + std * stats.norm.ppf(u)
    a = -np.inf if low is None else (low - mean) / std
    b = np.inf if high is None else (high - mean) / std
    return stats.truncnorm.ppf(u, a, b, loc=mean, scale=std)


def support_probes(item: UncertainInput) -> list[tuple[str, Any]]:
    """(parameter, value) pairs whose values a path must accept: the ends of the support (or
    the centre of an unbounded distribution) and every choice."""
    if item.dist == "choice":
        return [("values", v) for v in item.values]
    centre = {"normal": "mean", "lognormal": "median"}.get(item.dist)
    probes = [(centre, float(getattr(item, centre)))] if centre else []
    probes += [(p, float(getattr(item, p))) for p in ("low", "high") if getattr(item, p) is not None]
    if item.integer:
        probes = [(p, int(round(v))) for p, v in probes]
    return probes


# -- unit designs -----------------------------------------------------------------------------------
def spearman_to_normal(rho: np.ndarray) -> np.ndarray:
    """Pearson correlation of normal scores that yields Spearman ``rho``: 2 sin(π ρ / 6)."""
    return 2 * np.sin(np.pi * np.asarray(rho) / 6)


def iman_conover(unit: np.ndarray, rank_corr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reorder each column of ``unit`` so its rank correlations approach ``rank_corr``.

    Iman & Conover (1982): van der Waerden scores, randomly permuted per column, are given the
    target correlation by Cholesky factors (their own sample correlation removed first); each
    column of the sample then takes the rank order of its scores. Only the order changes: the
    marginals, and so a Latin hypercube's strata, are kept exactly.
    """
    n, k = unit.shape
    target = np.linalg.cholesky(spearman_to_normal(rank_corr))
    scores = stats.norm.ppf(np.arange(1, n + 1) / (n + 1))
    r = np.column_stack([rng.permutation(scores) for _ in range(k)])
    try:
        q = np.linalg.cholesky(np.corrcoef(r, rowvar=False))
        s = r @ np.linalg.inv(q).T @ target.T
    except np.linalg.LinAlgError:  # n ≤ k: the scores' own correlation is singular
        s = r @ target.T
    out = np.empty_like(unit)
    for j in range(k):
        out[np.argsort(s[:, j], kind="stable"), j] = np.sort(unit[:, j])
    return out


def salib_problem(names: list[str]) -> dict:
    """SALib's problem over the unit hypercube (inputs are mapped by their inverse CDFs)."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def unit_design(design: str, n: int, k: int, rng: np.random.Generator, rank_corr: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """(points in (0, 1)^k to run, the SALib design matrix for the analysis or None)."""
    if design == "lhs":
        unit = qmc.LatinHypercube(d=k, rng=rng).random(n)
    elif design == "random":
        unit = rng.random((n, k))
    elif design == "morris":
        # import here: SALib costs 0.03 s (sample) / 0.14 s (analyze) after import parktwin (measured); only designs and sensitivity need it
        from SALib.sample import morris

        grid = morris.sample(salib_problem([f"x{i}" for i in range(k)]), n, num_levels=MORRIS_LEVELS,
                             seed=int(rng.integers(2**31)))
        # levels 0, 1/3, 2/3, 1 → quantiles 1/8, 3/8, 5/8, 7/8
        return (grid * (MORRIS_LEVELS - 1) + 0.5) / MORRIS_LEVELS, grid
    elif design == "sobol":
        # import here: SALib costs 0.03 s (sample) / 0.14 s (analyze) after import parktwin (measured); only designs and sensitivity need it
        from SALib.sample import sobol

        if n < 2 or n & (n - 1):
            raise InputError([Problem("--design sobol", "n", f"Sobol' base samples must be a power of two (got {n}; try {1 << max(1, int(n - 1).bit_length())})")])
        grid = sobol.sample(salib_problem([f"x{i}" for i in range(k)]), n, calc_second_order=False, scramble=True,
                            seed=int(rng.integers(2**31)))
        return np.clip(grid, _EPS, 1 - _EPS), grid
    else:
        raise ValueError(f"design must be one of {DESIGNS} (got {design!r})")
    if rank_corr is not None:
        unit = iman_conover(unit, rank_corr, rng)
    return unit, None


@dataclass
class Design:
    """What a batch runs: one row per replicate."""

    kind: str
    n: int
    batch_seed: int
    names: list[str]
    unit: np.ndarray  # (runs, k) in (0, 1)
    samples: pd.DataFrame  # replicate, run_seed, one column per input (its value)
    salib_x: np.ndarray | None = None  # Morris/Sobol design matrix for the analysis
    notes: list[str] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)  # input name → override path

    @property
    def runs(self) -> int:
        return len(self.samples)

    def pairs(self, index: int) -> list[tuple[str, Any]]:
        """The overrides of replicate ``index``: (path, value)."""
        return [(path, value) for (_name, value), path in zip(self.inputs(index), self.paths.values(), strict=True)]

    def inputs(self, index: int) -> list[tuple[str, Any]]:
        """(name, value) of replicate ``index``, values as plain Python scalars (column by column:
        a row would upcast the 64-bit run seed and whole numbers to float)."""
        return [(name, _plain(self.samples[name].iat[index])) for name in self.paths]

    def run_seed(self, index: int) -> int:
        return int(self.samples["run_seed"].iat[index])

    def rows(self, indices: Iterable[int]) -> Iterator[tuple[int, int, tuple, tuple]]:
        """(index, run seed, pairs, inputs) of the replicates ``indices``, as ``run_seed``, ``pairs``
        and ``inputs`` give them, each sample column read once (not twice per replicate and input)."""
        seeds = self.samples["run_seed"].tolist()
        columns = [[_plain(v) for v in self.samples[name].tolist()] for name in self.paths]
        paths = list(self.paths.values())
        for i in indices:
            values = [column[i] for column in columns]
            yield i, int(seeds[i]), tuple(zip(paths, values, strict=True)), tuple(zip(self.paths, values, strict=True))


def _plain(value: Any) -> Any:
    """numpy scalars → Python (YAML/JSON-friendly, as a --set value would be)."""
    return value.item() if isinstance(value, np.generic) else value


def make_design(uncertainty: Uncertainty, design: str, n: int, batch_seed: int) -> Design:
    """Draw the batch's sample table for ``n`` (replicates, Morris trajectories or Sobol' base points)."""
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS} (got {design!r})")
    if n < 1:
        raise ValueError("n must be at least 1")
    names = uncertainty.names()
    k = len(names)
    notes = []
    if k == 0:
        if design in ("morris", "sobol"):
            raise InputError([Problem("uncertainty", "", f"--design {design} needs uncertain inputs: the scenario has none")])
        unit, grid = np.zeros((n, 0)), None
        notes.append("no uncertain inputs: replicates differ by their run seed only (weather, agents)")
    else:
        corr = uncertainty.correlation_matrix()
        if corr is not None and design in ("morris", "sobol"):
            notes.append(f"rank correlations are not imposed by the {design} design (it assumes independent inputs)")
        unit, grid = unit_design(design, n, k, sampler_rng(batch_seed), corr)
    runs = len(unit)
    samples = pd.DataFrame({
        "replicate": np.arange(runs, dtype=np.int64),
        "run_seed": np.array([replicate_seed(batch_seed, i) for i in range(runs)], dtype=np.uint64),
    })
    for j, (name, item) in enumerate(uncertainty.items()):
        samples[name] = ppf(item, unit[:, j])
    paths = {name: item.path for name, item in uncertainty.items()}
    return Design(design, n, batch_seed, names, unit, samples, grid, notes, paths)


# -- validation of paths against the document ------------------------------------------------------
def scenario_from_document(document: dict, pairs: list[tuple[str, Any]] | tuple = (), file: str = "scenario",
                           source: str = "uncertainty") -> Scenario:
    """Apply override ``pairs`` to a resolved scenario document (park inline, as in
    ``Loaded.document``) and validate it the way ``spec.load.load`` does."""
    return scenario_from_own_document(copy.deepcopy(document), pairs, file, source)


def scenario_from_own_document(document: dict, pairs: list[tuple[str, Any]] | tuple = (), file: str = "scenario",
                               source: str = "uncertainty", park: Park | None = None) -> Scenario:
    """``scenario_from_document`` on a document the caller owns (changed in place: no copy).
    ``park``: the document's park already validated, used as it is when no pair changes the park
    (validating the demo park is ~2 ms of a replicate's ~5 ms of validation)."""
    for path, value in pairs:
        apply_override(document, path, value, source)
    if any(path == "park" or path.startswith("park.") for path, _ in pairs):
        park = None
    return validate_document(document, file, check_files=False, park=park)  # files were checked when the batch was loaded


def _probe(document: dict, pairs: list[tuple[str, Any]], file: str) -> tuple[str | None, list[Problem]]:
    """Apply and validate; returns (None, []) when fine, ("path", problems) when a path does not
    lead to an input, ("value", problems) when a value is refused there."""
    doc = copy.deepcopy(document)
    try:
        for path, value in pairs:
            apply_override(doc, path, value, "uncertainty")
    except InputError as exc:
        return "path", exc.problems
    problems = scenario_cross_problems(doc, file)
    try:
        Scenario.model_validate(doc)
    except ValidationError as exc:
        kind = "path" if any(e["type"] == "extra_forbidden" for e in exc.errors()) else "value"
        return kind, problems_from(exc, lambda loc: (file, loc)) + problems
    return ("value", problems) if problems else (None, [])


def _fractional(item: UncertainInput) -> float:
    """A value inside the support with a fractional part (to find whole-number paths)."""
    for q in (0.5, 0.53, 0.61):
        v = float(ppf(item, np.array([q]))[0])
        if abs(v - round(v)) > 1e-6:
            return v
    return float(ppf(item, np.array([0.5]))[0]) + 0.37


def check_paths(loaded: Loaded) -> None:
    """Every uncertain input's path must lead to an input of the scenario (a year key may be new)
    and accept the ends of its distribution; else InputError naming ``uncertainty.<name>.<field>``.

    A path that accepts only whole numbers (a year) needs ``integer: true``.
    """
    unc = loaded.scenario.uncertainty
    if not unc:
        return
    file, doc = loaded.scenario_path, loaded.document
    probes = {name: support_probes(item) for name, item in unc.items()}
    fractional = {name: _fractional(item) for name, item in unc.items() if item.dist != "choice" and not item.integer}
    # fast path: every input at its i-th probe at once, then all at a fractional value
    rounds = [[(unc.root[name].path, p[min(i, len(p) - 1)][1]) for name, p in probes.items()]
              for i in range(max(len(p) for p in probes.values()))]
    rounds.append([(unc.root[name].path, v) for name, v in fractional.items()])
    if all(_probe(doc, pairs, file)[0] is None for pairs in rounds):
        return
    problems: list[Problem] = []
    for name, item in unc.items():
        where = f"uncertainty.{name}"
        failed = False
        for param, value in probes[name]:
            kind, found = _probe(doc, [(item.path, value)], file)
            if kind is None:
                continue
            failed = True
            whole = isinstance(value, float) and value.is_integer() and not item.integer
            if whole and kind == "value" and _probe(doc, [(item.path, int(value))], file)[0] is None:
                problems.append(Problem(file, f"{where}.integer", f"{item.path} takes whole numbers only: set integer: true"))
                break
            reasons = "; ".join(f"{p.field}: {p.message}" for p in found)
            if kind == "path":
                problems.append(Problem(file, f"{where}.path", f"{item.path!r} is not an input of the scenario ({reasons})"))
            else:
                problems.append(Problem(file, f"{where}.{param}", f"{item.path}={value!r} does not validate: {reasons}"))
            break
        if failed or name not in fractional:
            continue
        value = fractional[name]
        if _probe(doc, [(item.path, value)], file)[0] and _probe(doc, [(item.path, round(value))], file)[0] is None:
            problems.append(Problem(file, f"{where}.integer", f"{item.path} takes whole numbers only: set integer: true"))
    if problems:
        raise InputError(problems)


def describe_inputs(uncertainty: Uncertainty) -> dict[str, dict]:
    """JSON-ready description of the inputs (for batch.json and the report)."""
    return {name: item.model_dump(exclude_none=True) for name, item in uncertainty.items()}


def truncated_to_ranges(loaded: Loaded) -> Uncertainty:
    """The scenario's uncertainty block with each normal and lognormal distribution truncated to
    its target field's range (``data/input_ranges.csv`` and the model's bounds), so no sample lands
    where the input is refused; bounded distributions (uniform, triangular) are checked whole by
    ``check_paths`` instead."""
    unc = loaded.scenario.uncertainty
    items = {}
    for name, item in unc.items():
        rng = range_at_path(Scenario, loaded.document, item.path) if item.dist in ("normal", "lognormal") else None
        if rng is not None:
            lowest, highest = (float(v) for v in ppf(item, np.array([0.0, 1.0])))  # the extreme samples (u clipped to [ε, 1−ε])
            if rng[0] <= lowest and highest <= rng[1]:
                rng = None  # no sample can leave the range: the distribution stays as written (same samples)
        if rng is not None:
            low = rng[0] if item.low is None else max(item.low, rng[0])
            high = rng[1] if item.high is None else min(item.high, rng[1])
            update = {"low": low if math.isfinite(low) else item.low, "high": high if math.isfinite(high) else item.high}
            if item.dist == "lognormal" and update["low"] is not None and update["low"] <= 0:
                update["low"] = item.low
            if update["low"] is not None and update["high"] is not None and not update["low"] < update["high"]:
                raise InputError([Problem(loaded.scenario_path, f"uncertainty.{name}", f"its truncation {item.low}..{item.high} lies "
                                          f"outside the range of {item.path} ({rng[0]:g}..{rng[1]:g}, docs/schema/input-ranges.md)")])
            item = item.model_copy(update=update)
        items[name] = item
    return Uncertainty.model_construct(root=items)

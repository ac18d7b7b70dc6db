"""A seeded mutator over the shipped scenario and park files, as a hostile or careless user would
edit them, and the checks every mutation must pass (tests/test_fuzz.py; benchmarks/fuzz_check.py
runs thousands).

A mutation is one ``--set PATH=VALUE`` on a shipped scenario (the park reached under ``park.``):
a value replaced (a number by infinity, NaN, ``"1e999"``, a boolean, a float where a whole number
belongs, full-width digits, a huge or negative number, a mapping, a list, text), a key removed
(its parent mapping set without it), an unknown key added, or a list emptied. Every mutation goes
through the command line's ``main`` in this process: ``check`` must exit 0 or 2 without a
traceback, and on 2 its message must name the mutated key. A sample of accepted mutations is run:
the run must complete, with no infinity in any table and no NaN in the annual table outside the
columns documented as not assessed (``accounting.resources.NOT_ASSESSED``).
"""

from __future__ import annotations

import contextlib
import io
import math
import random
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from parktwin.accounting.resources import NOT_ASSESSED
from parktwin.cli import main
from parktwin.spec.load import load

ROOT = Path(__file__).resolve().parents[1]
# one scenario per shipped park (its park file is mutated under ``park.``), and the scenarios' own features
SCENARIOS = (
    "scenarios/bau.yaml", "scenarios/net_zero_2050.yaml", "scenarios/net_zero_2050_uncertain.yaml", "scenarios/pdca_led.yaml",
    "scenarios/subsidy_led.yaml", "scenarios/kalundborg_like.yaml", "scenarios/logistics_like_net_zero.yaml",
    "scenarios/ordos_like_hydrogen_trucks.yaml", "scenarios/metered_example.yaml", "scenarios/carbon_price_high_ets.yaml",
)
FULL_WIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


@dataclass
class Mutation:
    scenario: str
    path: str  # the override path whose value is set
    key: str  # the key the mutation is about (a removed or added key, or the path itself)
    value: Any
    kind: str

    def argument(self) -> str:
        return f"{self.path}={yaml.safe_dump(self.value, default_flow_style=True, allow_unicode=True, width=10**9).strip().removesuffix('...').strip()}"


@dataclass
class Outcome:
    mutation: Mutation
    code: int | None
    message: str
    traceback: str = ""
    named: bool = True


@dataclass
class Counts:
    accepted: int = 0
    refused: int = 0
    tracebacks: int = 0
    unnamed: int = 0
    runs: int = 0
    runs_completed: int = 0
    run_failures: list = field(default_factory=list)
    failures: list = field(default_factory=list)


def _paths(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every (path, value) in a document: mappings by key, lists by position."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        if not isinstance(key, (str, int)) or (isinstance(key, str) and ("." in key or "=" in key)):
            continue
        path = f"{prefix}.{key}" if prefix else str(key)
        out.append((path, value))
        out += _paths(value, path)
    return out


def _number_variants(value: Any, rng: random.Random) -> list[tuple[str, Any]]:
    x = float(value)
    return [
        ("infinity", math.inf), ("minus infinity", -math.inf), ("nan", math.nan), ("overflowing string", "1e999"),
        ("near overflow", 1.0e300), ("huge", 10**30), ("negative", -abs(x) - 1),
        ("zero", 0), ("tiny", 1e-300), ("boolean", rng.choice([True, False])), ("float where int", x + 0.0),
        ("fractional", x + 0.5), ("full-width", (str(int(x)) if x.is_integer() else repr(x)).translate(FULL_WIDTH)),
        ("text", "abc"), ("mapping", {}), ("list", [x]), ("null", None), ("scaled", x * rng.choice([10, 1000, 1e6])),
    ]


def mutations(seed: int, n: int, documents: dict[str, dict] | None = None) -> list[Mutation]:
    """``n`` mutations drawn with ``seed`` (the same seed, the same mutations)."""
    rng = random.Random(seed)
    documents = documents or {s: load(ROOT / s).document for s in SCENARIOS}
    paths = {s: _paths(doc) for s, doc in documents.items()}
    out = []
    while len(out) < n:
        scenario = rng.choice(SCENARIOS)
        path, value = rng.choice(paths[scenario])
        parent_path, _, key = path.rpartition(".")
        if isinstance(value, bool):
            kind, new = rng.choice([("number for boolean", 1), ("text for boolean", "yes-please"), ("null", None), ("mapping", {})])
        elif isinstance(value, (int, float)):
            kind, new = rng.choice(_number_variants(value, rng))
        elif isinstance(value, str):
            kind, new = rng.choice([("empty", ""), ("number for text", 12), ("mapping", {"x": 1}), ("path trick", "../../../etc/passwd"),
                                    ("unicode", "园区\u0000"), ("list", [value]), ("boolean", True)])
        elif isinstance(value, list):
            kind, new = rng.choice([("empty list", []), ("list of mapping", [{}]), ("text", "x"), ("shorter", value[:-1] if value else [1])])
        elif isinstance(value, dict):
            choice = rng.random()
            if choice < 0.4 and value:
                removed = rng.choice(list(value))
                new = {k: v for k, v in value.items() if k != removed}
                out.append(Mutation(scenario, path, f"{path}.{removed}", new, "key removed"))
                continue
            if choice < 0.7:
                out.append(Mutation(scenario, f"{path}.unknown_key_x", f"{path}.unknown_key_x", 1, "unknown key"))
                continue
            kind, new = rng.choice([("empty mapping", {}), ("list", [1]), ("text", "x")])
        else:
            kind, new = ("value for null", rng.choice([1, "x", -1.0e300, True]))
        out.append(Mutation(scenario, path, path, new, kind))
    return out


def _names_key(message: str, mutation: Mutation) -> bool:
    """Whether a refusal names the mutated key: its path as written in its file (``park.`` dropped
    for the park file), or its last key together with its parent. A list item may be named by its
    list (``tariff.flat_hours`` for ``tariff.flat_hours.4``: a check across the lists says which
    hours clash, not which position)."""
    key = mutation.key.removeprefix("park.") if mutation.key != "park" else mutation.key
    if key in message:
        return True
    parts = key.split(".")
    if all(p in message for p in parts[-2:]):
        return True
    while parts and parts[-1].lstrip("-").isdigit():
        parts.pop()
    return bool(parts) and all(p in message for p in parts[-2:])


def check_one(mutation: Mutation) -> Outcome:
    """``parktwin check <scenario> --set <mutation>`` through ``main``, in this process."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", str(ROOT / mutation.scenario), "--set", mutation.argument()])
    except SystemExit as exc:  # argparse: a malformed --set never gets here; count it
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:  # noqa: BLE001 - the point: a traceback is a finding
        return Outcome(mutation, None, err.getvalue(), traceback.format_exc(), named=False)
    message = err.getvalue()
    return Outcome(mutation, code, message, named=code != 2 or _names_key(message, mutation))


def run_problems(mutation: Mutation, seed: int = 0, report_dir: Path | None = None) -> list[str]:
    """Run an accepted mutation (and store it with its report in ``report_dir`` if given); what is
    wrong with the run (empty: nothing)."""
    import parktwin

    try:
        results = parktwin.run(parktwin.load(ROOT / mutation.scenario, [mutation.argument()]), seed=seed)
        if report_dir is not None:
            parktwin.save(results, report_dir, report=True)
    except BaseException as exc:  # noqa: BLE001 - a finding
        return [f"run raised {type(exc).__name__}: {exc}"]
    problems = []
    for name, frame in results.tables().items():
        numbers = frame.select_dtypes(include="number")
        bad = [c for c in numbers.columns if np.isinf(numbers[c].to_numpy(dtype=float)).any()]
        if bad:
            problems.append(f"{name}: infinity in {bad}")
    annual = results.annual.select_dtypes(include="number")
    nan = [c for c in annual.columns if annual[c].isna().any() and c not in NOT_ASSESSED]
    if nan:
        problems.append(f"annual: NaN in {nan}, not documented as not assessed")
    return problems


def fuzz(seed: int, n: int, runs: int, log=None, reports: int = 0, report_dir: Path | None = None) -> Counts:
    """Check ``n`` mutations; run ``runs`` of the accepted ones (spread over the whole set), the
    first ``reports`` of them stored with their report under ``report_dir``."""
    counts = Counts()
    accepted = []
    for mutation in mutations(seed, n):
        outcome = check_one(mutation)
        if outcome.code is None:
            counts.tracebacks += 1
            counts.failures.append(outcome)
        elif outcome.code == 0:
            counts.accepted += 1
            accepted.append(mutation)
        elif outcome.code == 2:
            counts.refused += 1
            if not outcome.named:
                counts.unnamed += 1
                counts.failures.append(outcome)
        else:
            counts.failures.append(outcome)
        if log and (counts.accepted + counts.refused + counts.tracebacks) % 250 == 0:
            log(f"{counts.accepted + counts.refused + counts.tracebacks} checked")
    rng = random.Random(seed + 1)
    for mutation in rng.sample(accepted, min(runs, len(accepted))):
        counts.runs += 1
        found = run_problems(mutation, report_dir=report_dir if counts.runs <= reports else None)
        if found:
            counts.run_failures.append((mutation, found))
        else:
            counts.runs_completed += 1
        if log:
            log(f"run {counts.runs}: {mutation.scenario} --set {mutation.argument()[:80]} -> {'ok' if not found else found}")
    return counts

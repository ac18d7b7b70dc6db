"""What a worker does for one replicate: apply its sampled overrides, validate, run, return the
annual table. Module-level and importable, as process pools (spawn) and Dask need.

The resolved scenario document travels with each task as pickled bytes (≈20 kB for the demo
park) and is unpickled once per worker process (cached by its digest), so a worker needs no
access to the scenario files — a remote Dask worker only needs parktwin installed.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

import pandas as pd

INPUT_PREFIX = "input_"
"""Sampled inputs appear in a replicate's table as ``input_<name>`` columns."""

_DOCUMENTS: dict[str, dict] = {}


@dataclass(frozen=True)
class SharedDocument:
    """A resolved scenario document (park inline, batch overrides applied) as pickled bytes."""

    digest: str
    blob: bytes

    @classmethod
    def of(cls, document: dict, digest: str) -> SharedDocument:
        return cls(digest, pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))

    def get(self) -> dict:
        """The document (unpickled once per process; treat as read-only)."""
        doc = _DOCUMENTS.get(self.digest)
        if doc is None:
            if len(_DOCUMENTS) > 8:
                _DOCUMENTS.clear()
            doc = _DOCUMENTS[self.digest] = pickle.loads(self.blob)
        return doc


@dataclass(frozen=True)
class ReplicateTask:
    """One replicate: its index, run seed, the (path, value) overrides and the named inputs."""

    index: int
    run_seed: int
    pairs: tuple[tuple[str, Any], ...]
    inputs: tuple[tuple[str, Any], ...]
    document: SharedDocument
    file: str = "scenario"


class ReplicateError(RuntimeError):
    """A replicate failed; the message names it and its sampled inputs (plain text, so it
    crosses process boundaries intact)."""


def run_replicate(task: ReplicateTask) -> pd.DataFrame:
    """Run one replicate; its annual table with ``replicate`` first and the sampled inputs last."""
    from parktwin.experiments.design import scenario_from_document
    from parktwin.kernel.model import simulate
    from parktwin.results.tables import annual_table
    from parktwin.spec.errors import InputError

    try:
        scenario = scenario_from_document(task.document.get(), task.pairs, file=task.file)
    except InputError as exc:
        sampled = ", ".join(f"{p}={v!r}" for p, v in task.pairs)
        raise ReplicateError(f"replicate {task.index}: its sampled inputs ({sampled}) do not validate:\n{exc.describe()}") from None
    record = simulate(scenario, seed=task.run_seed)
    annual = annual_table(record)  # the only table a batch keeps
    annual.insert(0, "replicate", task.index)
    for name, value in task.inputs:
        annual[INPUT_PREFIX + name] = value
    return annual


@dataclass(frozen=True)
class AsArrow:
    """``fn(task)`` (a replicate's annual DataFrame) converted to an Arrow table in the worker: the
    conversion (~10–20 ms for the demo park's 128 columns) runs on the workers, in parallel, not in
    the parent that stores every replicate (experiments/storage.py)."""

    fn: Any

    @property
    def __name__(self) -> str:  # executors and Dask name tasks after their function
        return getattr(self.fn, "__name__", "replicate")

    def __call__(self, task: ReplicateTask):
        import pyarrow as pa

        return pa.Table.from_pandas(self.fn(task), preserve_index=False)


def ignore_sigint() -> None:
    """Process-pool initializer: workers ignore Ctrl-C; the parent catches it, stops the batch and
    keeps every replicate already written (resume with ``--resume``)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

"""What a worker does for one replicate: apply its sampled overrides, validate, run, return the
annual table (a DataFrame: it pickles back to the parent ~10 times faster than an Arrow table,
and the parent converts the replicates it writes together in one step, ``storage.replicate_table``).
Module-level and importable, as process pools and Dask need.

The resolved scenario document travels with each task as pickled bytes (≈20 kB for the demo
park), so a worker needs no access to the scenario files — a remote Dask worker only needs
parktwin installed. A replicate unpickles its own copy to apply its overrides to (a deep copy of
a cached document took several times longer).
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parktwin.experiments.design import scenario_from_own_document
from parktwin.kernel.model import simulate, young_collections_spaced
from parktwin.results.tables import annual_table
from parktwin.spec.errors import InputError
from parktwin.spec.park import Park

INPUT_PREFIX = "input_"
"""Sampled inputs appear in a replicate's table as ``input_<name>`` columns."""

_DOCUMENTS: dict[str, dict] = {}
_PARKS: dict[str, Park] = {}
_FOR_FORKED: dict[str, SharedDocument] = {}  # documents registered before a pool forks (ForkedDocument)


@dataclass(frozen=True)
class SharedDocument:
    """A resolved scenario document (park inline, batch overrides applied) as pickled bytes."""

    digest: str
    blob: bytes

    @classmethod
    def of(cls, document: dict, digest: str) -> SharedDocument:
        return cls(digest, pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))

    def fresh(self) -> dict:
        """A private copy of the document to change (unpickled: several times faster than a deep copy)."""
        return pickle.loads(self.blob)

    def get(self) -> dict:
        """The document (unpickled once per process; treat as read-only)."""
        doc = _DOCUMENTS.get(self.digest)
        if doc is None:
            if len(_DOCUMENTS) > 8:
                _DOCUMENTS.clear()
            doc = _DOCUMENTS[self.digest] = pickle.loads(self.blob)
        return doc

    def park(self) -> Park:
        """The document's park, validated once per process (frozen: replicates that leave the park
        unchanged share it)."""
        park = _PARKS.get(self.digest)
        if park is None:
            if len(_PARKS) > 8:
                _PARKS.clear()
            park = _PARKS[self.digest] = Park.model_validate(self.get()["park"])
        return park

    def for_forked_workers(self) -> ForkedDocument:
        """A handle to this document for the workers of a pool forked after this call: it is kept in
        this process, so they inherit it, and the handle is pickled as the digest alone (~0.1 kB
        instead of the document's tens of kB with every task)."""
        if len(_FOR_FORKED) > 8 and self.digest not in _FOR_FORKED:
            _FOR_FORKED.clear()
        _FOR_FORKED[self.digest] = self
        return ForkedDocument(self.digest)


@dataclass(frozen=True)
class ForkedDocument:
    """A ``SharedDocument`` a forked worker inherited from its parent (``SharedDocument.for_forked_workers``),
    named by its digest; the same ``fresh``, ``get`` and ``park``."""

    digest: str

    def shared(self) -> SharedDocument:
        document = _FOR_FORKED.get(self.digest)
        if document is None:
            raise RuntimeError(f"document {self.digest[:12]} was not registered before this worker was forked "
                               "(SharedDocument.for_forked_workers): a spawned or remote worker needs the SharedDocument itself")
        return document

    def fresh(self) -> dict:
        return self.shared().fresh()

    def get(self) -> dict:
        return self.shared().get()

    def park(self) -> Park:
        return self.shared().park()


@dataclass(frozen=True)
class ReplicateTask:
    """One replicate: its index, run seed, the (path, value) overrides and the named inputs."""

    index: int
    run_seed: int
    pairs: tuple[tuple[str, Any], ...]
    inputs: tuple[tuple[str, Any], ...]
    document: SharedDocument | ForkedDocument
    file: str = "scenario"


class ReplicateError(RuntimeError):
    """A replicate failed; the message names it and its sampled inputs (plain text, so it
    crosses process boundaries intact)."""


def run_replicate(task: ReplicateTask) -> pd.DataFrame:
    """Run one replicate; its annual table with ``replicate`` first and the sampled inputs last."""

    try:
        scenario = scenario_from_own_document(task.document.fresh(), task.pairs, file=task.file, park=task.document.park())
    except InputError as exc:
        sampled = ", ".join(f"{p}={v!r}" for p, v in task.pairs)
        raise ReplicateError(f"replicate {task.index}: its sampled inputs ({sampled}) do not validate:\n{exc.describe()}") from None
    with young_collections_spaced():  # the one young collection after the block walks the table, not the records
        record = simulate(scenario, seed=task.run_seed, annual_only=True)
        annual = annual_table(record)
        del record
    return with_keys(annual, task.index, task.inputs)  # the only table a batch keeps


def with_keys(annual: pd.DataFrame, index: int, inputs: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    """``annual`` with a ``replicate`` column first and one ``input_<name>`` column per sampled
    input last, joined in one step (inserting them one by one cost ~1 ms a replicate)."""
    rows = len(annual)
    first = pd.DataFrame({"replicate": np.full(rows, index, dtype=np.int64)}, index=annual.index)
    last = pd.DataFrame({INPUT_PREFIX + name: [value] * rows for name, value in inputs}, index=annual.index)
    return pd.concat([first, annual, last], axis=1)


PARENT_POLL_S = 0.5
"""How often a pool worker checks that its parent is still there [s]."""


def exit_with_parent(parent_pid: int, interval_s: float = PARENT_POLL_S) -> threading.Thread:
    """A daemon thread that ends this process as soon as its parent ``parent_pid`` is gone (killed
    with -9, it cannot tell its workers): the process is then re-parented, so ``os.getppid()``
    changes. Polling works wherever the worker was started from (``prctl(PR_SET_PDEATHSIG)`` would
    fire when the parent's *thread* that started it ends). Once the workers are gone the
    multiprocessing resource tracker (started for spawned workers), whose pipe they held open, ends too."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval_s)
        os._exit(1)

    thread = threading.Thread(target=watch, name="exit-with-parent", daemon=True)
    thread.start()
    return thread


def pool_worker_setup(parent_pid: int) -> None:
    """Process-pool initializer: ignore Ctrl-C (``ignore_sigint``) and exit with the parent."""
    ignore_sigint()
    exit_with_parent(parent_pid)


def ignore_sigint() -> None:
    """Process-pool initializer: workers ignore Ctrl-C; the parent catches it, stops the batch and
    keeps every replicate already written (resume with ``--resume``)."""

    signal.signal(signal.SIGINT, signal.SIG_IGN)

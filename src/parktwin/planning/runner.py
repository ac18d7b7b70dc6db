"""Runs a planner's evaluations through the existing executors, with a disk cache and progress.

Every evaluation is keyed by a digest of the base document, the plan's roadmap, the seed, any
sampled inputs and the targets (``evaluate.PlanTask.key``); results are appended to a JSON-lines
file as they arrive, so a plan interrupted at any point resumes where it stopped and reruns
nothing already run. ``runs`` counts model runs actually made, ``hits`` answers from the cache.

With the process executor the runner keeps one pool for the whole plan. Where processes fork
(``executors.START_METHOD``, Linux) the first evaluation runs in this process before the pool starts
(``executors.warm_first``), so the workers are forked warm: they inherit what that run loaded or
computed once per process — numba's compiled kernels, the run seed's weather and PV (every
deterministic run of a plan shares them), the fleets' depot simulations, calendars, profiles — and
the base document, which the tasks then name by its digest instead of carrying it
(``SharedDocument.for_forked_workers``). Elsewhere the workers are spawned and import parktwin.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from parktwin.experiments.executors import (
    START_METHOD,
    default_workers,
    execute,
    forking,
    warm_first,
)
from parktwin.experiments.worker import SharedDocument, pool_worker_setup
from parktwin.planning.evaluate import PlanTask, evaluate


class Runner:
    """Evaluates candidate roadmaps of one base document (serial, processes or Dask)."""

    def __init__(self, document: dict, digest: str, targets_json: str, cache: Path | None = None, executor: str = "serial",
                 workers: int | None = None, scheduler: str | None = None, progress: bool = False):
        self.shared = SharedDocument.of(document, digest)
        self.targets_json = targets_json
        self.cache_path = cache
        self.executor, self.workers, self.scheduler, self.progress = executor, workers, scheduler, progress
        self.cache: dict[str, dict] = {}
        self.runs = 0
        self.hits = 0
        self.stage_runs: dict[str, int] = {}
        self._pool = None
        self._warm = False  # this process has run an evaluation (its workers fork warm)
        self._forked = None
        self._cluster = None
        if cache is not None and cache.exists():
            with cache.open(encoding="utf-8") as fh:
                for line in fh:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:  # a line cut by an interruption
                        continue
                    self.cache[row["key"]] = row["result"]

    def task(self, index: int, changes: str, seed: int, pairs: tuple = ()) -> PlanTask:
        return PlanTask(index, self.shared, changes, int(seed), tuple(pairs), self.targets_json)

    def evaluate(self, jobs: list[tuple[str, int, tuple]], stage: str, label: str | None = None) -> list[dict]:
        """Results of ``(changes, seed, pairs)`` jobs in order; cached ones are not run again."""
        tasks = [self.task(i, *job) for i, job in enumerate(jobs)]
        out: list[Any] = [None] * len(tasks)
        todo = []
        for t in tasks:
            hit = self.cache.get(t.key)
            if hit is not None:
                out[t.index] = hit
                self.hits += 1
            else:
                todo.append(t)
        unique: dict[str, PlanTask] = {}
        for t in todo:
            unique.setdefault(t.key, t)
        if unique:
            with self._bar(len(unique), label or stage) as advance:
                results = {}
                keys = list(unique)
                for index, result in self._execute([PlanTask(i, t.document, t.changes, t.seed, t.pairs, t.targets)
                                                    for i, t in enumerate(unique.values())]):
                    key = keys[index]
                    results[key] = result
                    self._store(key, result)
                    advance()
            self.runs += len(unique)
            self.stage_runs[stage] = self.stage_runs.get(stage, 0) + len(unique)
            for t in todo:
                out[t.index] = results[t.key]
        return out

    def _execute(self, tasks: list[PlanTask]):
        """``(index, result)`` as runs finish: through the executors (serial, Dask), or on this
        runner's own process pool, started once and kept for every stage (a worker pays its start
        once, not once per batch of trials)."""
        if self.executor == "dask" and self.scheduler is None:  # one local cluster for the whole plan
            # import here: distributed costs 0.70 s after import parktwin (measured); only a plan on Dask needs it
            from distributed import LocalCluster


            self._cluster = LocalCluster(n_workers=self.workers or default_workers(), threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            self.scheduler = self._cluster.scheduler_address
        if self.executor != "processes" or self.scheduler is not None:
            yield from execute(evaluate, tasks, self.executor, self.workers, self.scheduler)
            return

        done: set[int] = set()
        pending = iter(tasks)
        if not self._warm and START_METHOD == "fork":  # warm this process on the plan's first run; the pool forks from it
            for index, result in warm_first(evaluate, pending):
                self._warm = True
                done.add(index)
                yield index, result
        rest = list(pending)
        if not rest:
            return
        try:
            pool, starting = self._process_pool()
            with forking(START_METHOD) if starting else contextlib.nullcontext():  # the first submit forks the workers
                futures = {pool.submit(evaluate, self._sent(t)): t.index for t in rest}
            for future in as_completed(futures):
                result = future.result()
                done.add(futures[future])
                yield futures[future], result
        except BrokenProcessPool:  # a worker died: the executors' pool rebuilds and resubmits the rest
            self.close()
            yield from execute(evaluate, [t for t in tasks if t.index not in done], "processes", self.workers)

    def _sent(self, task: PlanTask) -> PlanTask:
        """The task as submitted to the pool: with forked workers, its document named by digest only."""
        if START_METHOD != "fork" or task.document is not self.shared:
            return task
        return dataclasses.replace(task, document=self._forked)

    def _process_pool(self) -> tuple[ProcessPoolExecutor, bool]:
        """The runner's pool, and whether it was made now (its workers start at the first submit)."""
        if self._pool is not None:
            return self._pool, False
        self._forked = self.shared.for_forked_workers()  # registered before the fork, so the workers hold it
        self._pool = ProcessPoolExecutor(max_workers=self.workers or default_workers(), mp_context=multiprocessing.get_context(START_METHOD),
                                         initializer=pool_worker_setup, initargs=(os.getpid(),))  # workers end with the plan
        return self._pool, True

    def close(self) -> None:
        """Shut the runner's process pool or local Dask cluster down (if it started one)."""
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        cluster = getattr(self, "_cluster", None)
        if cluster is not None:
            cluster.close()
            self._cluster = None
            self.scheduler = None

    def _store(self, key: str, result: dict) -> None:
        self.cache[key] = result
        if self.cache_path is not None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            with self.cache_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({"key": key, "result": result}, default=float) + "\n")

    def _bar(self, total: int, label: str):
        if not self.progress:
            return contextlib.nullcontext(lambda k=1: None)
        return _rich_bar(total, label)


@contextlib.contextmanager
def _rich_bar(total: int, label: str):
    """A rich progress bar on stderr: runs done, elapsed time and ETA."""
    # import here: rich costs 0.06 s after import parktwin (measured); only a plan's progress bar needs it
    from rich.console import Console

    # import here: rich costs 0.06 s after import parktwin (measured); only a plan's progress bar needs it
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    # redrawn as runs finish, not by a thread of its own: the pool's workers may be forked while it
    # shows, best while no other Python thread may hold a lock
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=False, auto_refresh=False) as progress:
        task = progress.add_task(label, total=total)

        def advance(k: int = 1) -> None:
            progress.advance(task, k)
            progress.refresh()

        yield advance

"""Where replicates run: in this process, in local processes, or on a Dask cluster.

``execute(fn, tasks, ...)`` yields ``(task.index, result)`` as replicates finish, in any order.
Only a bounded number of tasks is in flight at once (a few per worker), so memory in the
parent stays flat however many replicates a batch has. ``fn`` must be importable at module
level (Dask, and process pools that spawn, send it by name).

- ``serial``: one after another here (debugging, tiny batches).
- ``processes``: ``concurrent.futures.ProcessPoolExecutor``, ``workers`` processes (default:
  every core), started with ``START_METHOD`` (fork on Linux, below). With fork the first task runs
  here, before the pool starts (``warm_first``): what a first run loads and computes once per
  process — compiled kernels read from numba's cache, the fleets' depot simulations, calendars,
  load profiles, the run seed's weather — is then inherited by every worker instead of being
  recomputed in each (~0.5-1 s a worker), and that run's result is kept. If a worker process dies,
  the pool is rebuilt and the unfinished replicates are submitted again (at most
  ``MAX_POOL_RESTARTS`` times). Workers exit when the parent is killed
  (``worker.exit_with_parent``), and with them the resource tracker (spawned workers only).
- ``dask``: ``scheduler="tcp://host:8786"`` uses an existing cluster (its workers need parktwin
  installed); without it a ``LocalCluster(n_workers=workers, threads_per_worker=1,
  processes=True, dashboard_address=None)`` is started and closed afterwards. A worker that
  dies is the scheduler's to handle: it runs the lost task again elsewhere (up to
  ``distributed.scheduler.allowed-failures`` times), and since results are keyed by replicate
  index a replicate is never lost nor counted twice.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import multiprocessing
import os
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from parktwin.experiments.worker import pool_worker_setup

EXECUTORS = ("serial", "processes", "dask")
MAX_POOL_RESTARTS = 3
IN_FLIGHT_PER_WORKER = 3
START_METHOD = "fork" if sys.platform == "linux" else "spawn"
"""How local worker processes start. On Linux they are forked from this process, which has already
imported parktwin and loaded the scenario (and its data catalogue): a worker starts in milliseconds
instead of importing parktwin again (~2 s each with ``spawn``), shares those pages with the parent
(copy-on-write: less memory in all) and exits without the interpreter's teardown. Elsewhere
``spawn`` (fork is unsafe on macOS and absent on Windows); ``import mesa`` sets spawn as the
default, so the context is always named here."""


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def execute(
    fn: Callable[[Any], Any],
    tasks: Iterable[Any],
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> Iterator[tuple[int, Any]]:
    """Run ``fn(task)`` for every task; yield ``(task.index, result)`` as each finishes."""
    if scheduler is not None and executor != "dask":
        executor = "dask"
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {EXECUTORS} (got {executor!r})")
    if workers is not None and workers < 1:
        raise ValueError("workers must be at least 1")
    if executor == "serial":
        if on_ready:
            on_ready("serial, in this process")
        for task in tasks:
            yield task.index, fn(task)
    elif executor == "processes":
        yield from _processes(fn, tasks, workers or default_workers(), on_ready)
    else:
        yield from _dask(fn, tasks, workers, scheduler, on_ready)


_FROZEN_BLOCKS = [0]  # ``frozen_objects`` blocks open in this process


@contextlib.contextmanager
def frozen_objects():
    """Inside the block the collector leaves the objects alive at its start alone: they are moved to
    its permanent generation (``gc.freeze``, a constant-time list move) and handed back
    (``gc.unfreeze``) when the outermost such block ends. A batch's process holds the imported
    modules, the loaded scenario and what its first run warmed (several hundred thousand objects,
    none of them garbage the batch makes); a full collection walking them cost ~0.1 s each time one
    fell due (one while loading the scenario, one at the end among the summary's imports: 90–95 ms
    measured, docs/monte-carlo.md), serial work on the batch's path. Garbage that was already there is collected after the block, as
    before. Nested blocks freeze what was made since; only the outermost unfreezes."""
    gc.freeze()
    _FROZEN_BLOCKS[0] += 1
    try:
        yield
    finally:
        _FROZEN_BLOCKS[0] -= 1
        if not _FROZEN_BLOCKS[0]:
            gc.unfreeze()


@contextlib.contextmanager
def forking(start_method: str):
    """Around the submits that start a pool's worker processes. With fork: the objects alive now
    are kept out of the collector (``frozen_objects``) for the fork, so the workers' collections
    never walk (and copy) the parent's pages — in the workers for good, in this process until the
    outermost ``frozen_objects`` block ends —; and Python's warning (3.12+) that a process with
    threads forks is silenced: the only other threads here are native pools (OpenBLAS, Arrow) that
    start again in the child, and workers run only ``fn``."""
    if start_method != "fork":
        yield
        return
    with frozen_objects(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks", category=DeprecationWarning)
        yield


def warm_first(fn: Callable[[Any], Any], pending: Iterator[Any]) -> Iterator[tuple[int, Any]]:
    """``(index, fn(task))`` of the first of ``pending`` (taken from it), run in this process: before a
    pool is forked, so its workers start warm (what the run loaded or computed once per process is
    theirs already). Nothing when ``pending`` is empty."""
    first = next(pending, None)
    if first is not None:
        yield first.index, fn(first)


_CLOSING: list[threading.Thread] = []  # threads waiting for finished pools' workers to exit


def close_in_background(pool: cf.ProcessPoolExecutor) -> None:
    """Shut a pool whose tasks are all done down without waiting for it here: a thread waits for its
    workers to exit (each frees its memory: tens of ms at a batch's end, when only this process has
    work left) while the caller goes on; ``wait_for_closed_pools`` joins it."""
    thread = threading.Thread(target=pool.shutdown, kwargs={"wait": True}, name="close-pool", daemon=True)
    thread.start()
    _CLOSING.append(thread)


def wait_for_closed_pools() -> None:
    """Return once the workers of every pool closed in the background have exited (before forking
    new ones, and before a batch returns: its workers are gone when it is done)."""
    while _CLOSING:
        _CLOSING.pop().join()


def _processes(fn, tasks, workers: int, on_ready) -> Iterator[tuple[int, Any]]:
    wait_for_closed_pools()
    context = multiprocessing.get_context(START_METHOD)
    pending = iter(tasks)
    # spawned workers would not inherit what the first run warms
    first = next(warm_first(fn, pending), None) if START_METHOD == "fork" else None
    retry: list[Any] = []  # tasks to submit again after a pool broke
    limit = workers * IN_FLIGHT_PER_WORKER
    restarts = 0

    def fill(pool: Any, running: dict) -> bool:
        """Top the pool up; False if it turned out broken (a worker died since the last wait)."""
        while len(running) < limit:
            task = retry.pop() if retry else next(pending, None)
            if task is None:
                return True
            try:
                running[pool.submit(fn, task)] = task
            except BrokenProcessPool:  # submit on a pool whose worker has just died: run it after the rebuild
                retry.append(task)
                return False
        return True

    # what the first run left behind is its caches (no garbage to speak of: its model breaks its own cycles):
    # kept out of the collector from now until the batch ends rather than walked again by the next
    # middle-generation collection (~20-30 ms before the workers could start)
    with frozen_objects():
        while True:
            pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=pool_worker_setup,
                                          initargs=(os.getpid(),))
            if on_ready:
                on_ready(f"{workers} local process{'es' if workers != 1 else ''}")
            running: dict[Any, Any] = {}
            broken = finished = False
            try:
                with forking(START_METHOD):  # the first submits start the workers
                    broken = not fill(pool, running)
                if first is not None:  # handed over once the workers run: what the caller does with it (write it) is not in their way
                    yield first
                    first = None
                while running and not broken:
                    done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                    for future in done:
                        task = running.pop(future)
                        try:
                            result = future.result()
                        except BrokenProcessPool:
                            broken = True
                            retry.append(task)
                            continue
                        yield task.index, result
                    if broken or not fill(pool, running):
                        broken = True
                        retry.extend(running.values())
                        running.clear()
                        break
                if broken and running:
                    retry.extend(running.values())
                    running.clear()
                finished = not broken
            finally:
                if finished:  # every task done: the workers exit while this process goes on
                    close_in_background(pool)
                else:
                    pool.shutdown(wait=True, cancel_futures=True)
            if not broken:
                return
            restarts += 1
            if restarts > MAX_POOL_RESTARTS:
                raise RuntimeError(f"worker processes died {restarts} times; giving up (replicates done so far are stored)")


def _dask(fn, tasks, workers: int | None, scheduler: str | None, on_ready) -> Iterator[tuple[int, Any]]:
    # import here: distributed costs 0.70 s after import parktwin (measured); only the Dask executor needs it
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        if on_ready:
            where = f"local Dask cluster ({len(client.nthreads())} workers)" if cluster else f"Dask scheduler {scheduler}"
            on_ready(where)
        prefix = f"parktwin-replicate-{uuid.uuid4().hex[:8]}"
        pending = iter(tasks)
        queue = as_completed(with_results=True)
        state = {"limit": 0, "checked": 0.0, "running": 0}

        def limit() -> int:
            now = time.monotonic()
            if now - state["checked"] > 2.0:  # the cluster may grow or shrink
                threads = sum(client.nthreads().values())
                state["limit"] = max(4, IN_FLIGHT_PER_WORKER * max(threads, 1))
                state["checked"] = now
            return state["limit"]

        def fill() -> None:
            while state["running"] < limit():
                task = next(pending, None)
                if task is None:
                    return
                queue.add(client.submit(fn, task, key=f"{prefix}-{task.index}", pure=False))
                state["running"] += 1

        fill()
        for future, result in queue:
            state["running"] -= 1
            index = int(future.key.rsplit("-", 1)[1])
            future.release()
            yield index, result
            fill()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

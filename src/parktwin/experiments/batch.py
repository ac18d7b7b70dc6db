"""Monte Carlo batches: design, run (serial, local processes, Dask), store, resume, summarise.

    import parktwin
    batch = parktwin.run_batch("scenarios/net_zero_2050_uncertain.yaml", n=1000, seed=0)
    s = batch.summary()
    s.probabilities.query("target == 'net_zero' and year == 2050")
    s.sensitivity.sort_values("rank")

A batch is identified by scenario, design, n, batch seed and the inputs' digest
(``runs/<scenario>-<design>-n<n>-s<seed>-<digest8>/``). Running the same call again with
``resume=True`` runs only the replicates not yet stored; the finished batch is identical to
one that was never interrupted.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from parktwin.api import package_versions
from parktwin.experiments import storage
from parktwin.spec.errors import check_seed
from parktwin.experiments.design import DESIGNS, Design, check_paths, describe_inputs, make_design, truncated_to_ranges
from parktwin.experiments.executors import START_METHOD, execute, frozen_objects, wait_for_closed_pools
from parktwin.experiments.summary import BatchSummary, default_method, default_targets, outputs, pathway_cost_cny, probabilities, quantiles, summarise, summarise_parts
from parktwin.experiments.worker import INPUT_PREFIX, ReplicateTask, SharedDocument, run_replicate
from parktwin.spec.load import Loaded, apply_override, load
from parktwin.viz.batch import write_batch_report

FORMAT = 1
SUMMARY_READ_BYTES = 64 * 2**20
"""A finished batch's bands read ``annual.parquet`` this many bytes of float columns at a time (all
of them for a few thousand replicates of the demo park; fewer columns a read for larger batches)."""


def versions() -> dict[str, str]:
    """The run manifest's versions plus the batch machinery's."""
    return dict(package_versions(("scipy", "dask", "distributed", "SALib")))


def batch_id(scenario_name: str, design: str, n: int, seed: int, digest: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in scenario_name)
    return f"{safe}-{design}-n{n}-s{seed}-{digest[:8]}"


@dataclass
class Batch:
    """A stored batch: its folder, what it ran (``info`` = batch.json) and its results."""

    path: Path
    info: dict
    _summary: BatchSummary | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def samples(self) -> pd.DataFrame:
        """The sample table: replicate, run_seed and one column per uncertain input (its value)."""
        return pd.DataFrame(self.info["samples"])

    @property
    def names(self) -> list[str]:
        return list(self.info["inputs"])

    @property
    def unit(self) -> np.ndarray:
        """The design on the unit hypercube, (runs, k)."""
        return np.asarray(self.info["unit"], dtype=float).reshape(self.info["runs"], len(self.names))

    @property
    def runs(self) -> int:
        return int(self.info["runs"])

    @property
    def complete(self) -> bool:
        return (self.path / "annual.parquet").exists()

    @property
    def done(self) -> set[int]:
        """Replicates stored so far."""
        return set(range(self.runs)) if self.complete else storage.done_replicates(self.path)

    @property
    def report_path(self) -> Path:
        return self.path / "batch_report.html"

    def annual(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every stored replicate's annual table, stacked (``replicate`` and ``year`` always included)."""
        if columns is not None:
            columns = list(dict.fromkeys(["replicate", "year", *columns]))
        return storage.read_annual(self.path, columns)

    def summary(self, method: str | None = None, cost: Callable[[pd.DataFrame], pd.Series] = pathway_cost_cny) -> BatchSummary:
        """Bands, probabilities, pathway cost and sensitivity (``method``: rbd_fast or delta on
        LHS/random designs; the design's own for Morris and Sobol)."""
        if self._summary is not None and method in (None, self._summary.headline.get("sensitivity_method")) and cost is pathway_cost_cny:
            return self._summary
        method = method or self.info.get("sensitivity_method")
        if self.complete:  # a few columns at a time: memory bounded (SUMMARY_READ_BYTES), not ∝ columns
            s = self._summary_by_columns(method, cost)
            complete = True
        else:  # an unfinished batch: summarise what is there, no sensitivity
            annual = self.annual()
            s = summarise(annual, np.zeros((0, len(self.names))), self.names, self.info["design"], method,
                          seed=int(self.info["batch_seed"]), cost=cost)
            complete = False
        s.headline.update({"batch": self.id, "scenario": self.info["scenario_name"], "design": self.info["design"],
                           "n": self.info["n"], "batch_seed": self.info["batch_seed"], "complete": complete})
        if complete and method == self.info.get("sensitivity_method") and cost is pathway_cost_cny:
            self._summary = s
        return s

    def _summary_by_columns(self, method: str, cost: Callable[[pd.DataFrame], pd.Series]) -> BatchSummary:
        # import here: pyarrow.parquet costs 0.026 s after import parktwin (measured); only batch storage needs it
        import pyarrow as pa
        import pyarrow.parquet as pq


        with pq.ParquetFile(self.path / "annual.parquet") as annual:  # opened once for every read below (pd.read_parquet
            # opened the file and went through pyarrow's dataset layer each time: ~4 times the CPU, serial at the batch's end)
            schema = annual.schema_arrow
            skip = {"replicate", "year", "year_index", "phase"}
            numeric = [f.name for f in schema if f.name not in skip and not f.name.startswith(INPUT_PREFIX)
                       and (pa.types.is_floating(f.type) or pa.types.is_integer(f.type) or pa.types.is_boolean(f.type))]
            read = lambda cols: annual.read(columns=list(dict.fromkeys(cols)), use_pandas_metadata=True).to_pandas()  # noqa: E731
            step = max(1, SUMMARY_READ_BYTES // (8 * max(annual.metadata.num_rows, 1)))  # columns a read
            q = pd.concat([quantiles(read(["year", *numeric[i:i + step]]), numeric[i:i + step]) for i in range(0, len(numeric), step)],
                          ignore_index=True)
            targets = default_targets()
            p = probabilities(read(["replicate", "year", *(t.column for t in targets if t.column in schema.names)]), targets)
            private = ["private_pv_cny"] if "private_pv_cny" in schema.names else []
            out = outputs(read(["replicate", "year", "net_tco2", *getattr(cost, "columns", numeric), *private]), cost)
        salib_x = np.asarray(self.info["salib_x"], float) if self.info.get("salib_x") is not None else None
        return summarise_parts(q, p, out, self.unit, self.names, self.info["design"], method, salib_x,
                               seed=int(self.info["batch_seed"]))

    def report(self, path: str | Path | None = None, lang: str = "en") -> Path:
        """Write the batch report (offline HTML); default ``<batch>/batch_report.html``."""

        return write_batch_report(self, Path(path) if path else self.report_path, lang)


def open_batch(path: str | Path) -> Batch:
    """A batch folder written by ``run_batch``."""

    path = Path(path)
    info_file = path / "batch.json"
    if not info_file.exists():
        raise FileNotFoundError(f"{path} is not a batch (no batch.json)")
    return Batch(path, json.loads(info_file.read_text(encoding="utf-8")))


def _info(loaded: Loaded, design: Design, document: dict, method: str) -> dict:
    samples = {c: [v.item() if isinstance(v, np.generic) else v for v in design.samples[c].tolist()] for c in design.samples}
    return {
        "format": FORMAT,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "scenario_name": loaded.scenario.name,
        "park_name": loaded.scenario.park.name,
        "scenario_file": loaded.scenario_path,
        "park_file": loaded.park_path,
        "inputs_sha256": loaded.digest(),
        "overrides": [list(o) for o in loaded.overrides],
        "years": loaded.scenario.years,
        "design": design.kind,
        "n": design.n,
        "runs": design.runs,
        "batch_seed": design.batch_seed,
        "seeds": "sampler: SeedSequence(batch_seed, spawn_key=(0,)); replicate i: SeedSequence(batch_seed, "
                 "spawn_key=(1, i)), run seed = its first 64-bit word (column run_seed)",
        "sensitivity_method": method,
        "inputs": describe_inputs(loaded.scenario.uncertainty),
        "rank_correlation": [list(p) for p in loaded.scenario.uncertainty.correlation_pairs()],
        "notes": design.notes,
        "replicate_outputs": "annual table per replicate; hourly outputs off (outputs.hourly_years=[])",
        "samples": samples,
        "unit": design.unit.tolist(),
        "salib_x": design.salib_x.tolist() if design.salib_x is not None else None,
        "versions": versions(),
        "document": document,
    }


def _progress(enabled: bool, total: int, done: int, label: str):
    """A rich progress bar (rate, ETA) on stderr, or a no-op."""
    if not enabled:
        return contextlib.nullcontext(lambda k=1: None)
    # import here: rich.progress costs 0.06 s after import parktwin (measured); only a batch's progress bar needs it
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.1f} runs/s" if task.speed else "– runs/s", style="cyan")

    @contextlib.contextmanager
    def bar():
        # redrawn as replicates finish, not by a thread of its own: local workers are forked from this
        # process (executors.START_METHOD), best while no other Python thread may hold a lock
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                      TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                      console=Console(stderr=True), transient=False, auto_refresh=False) as progress:
            task = progress.add_task(label, total=total, completed=done)

            def advance(k: int = 1) -> None:
                progress.advance(task, k)
                progress.refresh()

            yield advance

    return bar()


def run_batch(
    scenario_path: str | Path,
    n: int = 100,
    seed: int = 0,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | Path = "runs",
    resume: bool = False,
    design: str = "lhs",
    *,
    overrides: list[str] | tuple = (),
    park: str | Path | None = None,
    name: str | None = None,
    overwrite: bool = False,
    method: str | None = None,
    progress: bool = False,
    report: bool = True,
    lang: str = "en",
    log: Callable[[str], None] | None = None,
    replicate_fn: Callable[[ReplicateTask], pd.DataFrame] = run_replicate,
) -> Batch:
    """Run a Monte Carlo batch of the scenario's ``uncertainty`` block and store it.

    ``n``: replicates (``lhs``, ``random``), Morris trajectories (k + 1 runs each) or Sobol' base
    points (a power of two; k + 2 runs each). ``seed``: the batch seed. ``executor``: ``serial``,
    ``processes`` (``workers`` local processes, default every core) or ``dask`` (``scheduler`` =
    an existing cluster's address, else a local cluster of ``workers``). ``resume``: finish a
    stopped batch of the same inputs. ``method``: sensitivity method (``rbd_fast`` default,
    ``delta``). ``overrides`` apply to the scenario before anything is sampled (as ``--set``); ``park`` replaces
    the scenario's park file (as ``--park``; the batch digest and batch.json record it).
    ``replicate_fn`` replaces the function run per replicate (module-level; for tests).
    """
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS} (got {design!r})")
    if design in ("morris", "sobol") and method not in (None, design):
        raise ValueError(f"a {design} design is analysed by its own method; method {method!r} needs design lhs or random")
    if design in ("lhs", "random") and method not in (None, "rbd_fast", "delta"):
        raise ValueError(f"method must be rbd_fast or delta for design {design!r} (got {method!r})")
    check_seed(seed, "batch seed (--seed)")
    # the collector leaves what this process holds now and what its first replicate warms alone until the
    # batch is done (executors.frozen_objects); the workers of a pool closed in the background are gone
    # when it returns or fails (wait_for_closed_pools, on the way out)
    with frozen_objects(), contextlib.ExitStack() as on_exit:
        on_exit.callback(wait_for_closed_pools)
        say = log or (lambda _msg: None)
        loaded = load(scenario_path, overrides, park=park)
        check_paths(loaded)
        method = method or default_method(design)
        the_design = make_design(truncated_to_ranges(loaded), design, n, seed)
        folder = Path(out) / (name or batch_id(loaded.scenario.name, design, n, seed, loaded.digest()))
        document = _base_document(loaded)

        if folder.exists() and (folder / "batch.json").exists() and not overwrite:
            if not resume:
                raise FileExistsError(f"batch {folder} exists: pass resume=True (--resume) to finish or reuse it, "
                                      "or overwrite=True (--overwrite) to start again")
            batch = open_batch(folder)
            _check_same(batch.info, loaded, the_design)
        else:
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            batch = Batch(folder, _info(loaded, the_design, document, method))
            storage.write_json(batch.info, folder / "batch.json")
        storage.clean_temporaries(folder)

        if batch.complete:  # a crash between stacking and tidying may have left replicate files
            shutil.rmtree(folder / storage.REPLICATE_DIR, ignore_errors=True)
        else:
            (folder / storage.REPLICATE_DIR).mkdir(exist_ok=True)
            done = storage.done_replicates(folder)
            todo = [i for i in range(the_design.runs) if i not in done]
            shared = SharedDocument.of(document, loaded.digest())
            if executor == "processes" and scheduler is None and START_METHOD == "fork":
                shared = shared.for_forked_workers()  # the workers inherit it: a task names it by digest
            names = the_design.names

            def tasks():
                for i, run_seed, pairs, inputs in the_design.rows(todo):
                    yield ReplicateTask(i, run_seed, pairs, inputs, shared, loaded.scenario_path)

            say(f"batch {folder.name}: {the_design.runs} runs ({len(done)} stored), design {design}, "
                f"{len(names)} uncertain input{'s' if len(names) != 1 else ''}")
            t0 = time.perf_counter()
            with _progress(progress, the_design.runs, len(done), "replicates") as advance:
                results = execute(replicate_fn, tasks(), executor, workers, scheduler, on_ready=lambda where: say(f"running on {where}"))
                # annual.parquet is stacked as the replicates come (storage.AnnualStream), not all at the end
                with storage.AnnualStream(folder, the_design.runs) as stacked:
                    with contextlib.closing(results), storage.ReplicateWriter(folder, stream=stacked) as writer:
                        for index, frame in results:
                            writer.add(index, frame)
                            del frame
                            advance(1)
                    stacked.finish()  # raises if a replicate is missing (an executor that skipped work)
            say(f"{len(todo)} runs in {time.perf_counter() - t0:.1f} s")
        summary = batch.summary(method)
        batch._summary = summary  # the report shows the method asked for now
        summary.save(folder / "summary")
        if report:
            batch.report(lang=lang)
        return batch


def _base_document(loaded: Loaded) -> dict:
    """The resolved document replicates start from: hourly outputs off (only annual tables are kept)."""

    doc = copy.deepcopy(loaded.document)
    apply_override(doc, "outputs.hourly_years", [])
    return doc


def _check_same(info: dict, loaded: Loaded, design: Design) -> None:
    differences = []
    if info.get("inputs_sha256") != loaded.digest():
        differences.append("the scenario's inputs changed (digest)")
    for key, value in (("design", design.kind), ("n", design.n), ("batch_seed", design.batch_seed), ("runs", design.runs)):
        if info.get(key) != value:
            differences.append(f"{key} {info.get(key)!r} ≠ {value!r}")
    if differences:
        raise ValueError("cannot resume: " + "; ".join(differences) + ". Start a new batch (another --name or --overwrite).")
    stored = pd.DataFrame(info["samples"])
    if not stored.astype(str).equals(design.samples.astype(str).reset_index(drop=True)):
        raise ValueError("cannot resume: the sample table differs from the stored one (another parktwin or SciPy version?)")


__all__ = ["Batch", "INPUT_PREFIX", "open_batch", "run_batch", "versions"]

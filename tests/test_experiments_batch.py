"""Monte Carlo batches end to end: the same numbers on every executor, resume after a kill,
a killed worker loses nothing, summaries, report and the ``mc`` / ``compare`` commands.

Runs are short (the small park, 3–6 years, hourly output off) so the whole file stays fast.
"""

from __future__ import annotations

import copy
import functools
import gc
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import SMALL_PARK, SMALL_SCENARIO, write_yaml

import parktwin
from parktwin.cli import main
from parktwin.experiments import open_batch, run_batch
from parktwin.experiments.storage import (
    REPLICATE_DIR,
    REPLICATES_KEY,
    AnnualStream,
    ReplicateWriter,
    arrow_table,
    clean_temporaries,
    done_replicates,
    read_annual,
    replicate_table,
    stacked_table,
    write_replicate_table,
)
from parktwin.experiments.worker import run_replicate

UNCERTAINTY = {
    "growth": {"path": "growth.default_share_per_yr", "dist": "triangular", "low": 0.0, "mode": 0.03, "high": 0.06},
    "pv_roof": {"path": "roadmap.pv1.roof_share", "dist": "uniform", "low": 0.3, "high": 0.9,
                "rank_correlation": {"growth": 0.5}},
    "green": {"path": "roadmap.gp.share", "dist": "normal", "mean": 0.5, "std": 0.2, "low": 0.0, "high": 1.0},
    "pv_year": {"path": "roadmap.pv1.year", "dist": "uniform", "low": 2026, "high": 2028, "integer": True},
    "tech": {"path": "roadmap.eb.technology", "dist": "choice", "values": ["electric_boiler", "heat_pump"]},
}


def _write(folder: Path, horizon: int = 3, name: str = "small_mc", **extra) -> Path:
    scenario = copy.deepcopy(SMALL_SCENARIO)
    scenario.update(name=name, horizon_years=horizon, uncertainty=copy.deepcopy(UNCERTAINTY), **extra)
    write_yaml(folder / "park.yaml", SMALL_PARK)
    return write_yaml(folder / f"{name}.yaml", scenario)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("mc"))


@pytest.fixture(scope="module")
def serial_batch(scenario, tmp_path_factory):
    """45 replicates in this process: enough runs for RBD-FAST indices."""
    return run_batch(scenario, n=45, seed=5, executor="serial", out=tmp_path_factory.mktemp("serial"))


def _annual(batch) -> pd.DataFrame:
    return batch.annual().sort_values(["replicate", "year"]).reset_index(drop=True)


def _once_each(annual: pd.DataFrame, runs: int, years: int) -> None:
    counts = annual.groupby("replicate").size()
    assert sorted(counts.index) == list(range(runs))
    assert (counts == years).all()


# -- the same numbers everywhere --------------------------------------------------------------------
def test_a_replicate_depends_on_its_seed_not_on_the_batch_size(scenario, tmp_path):
    independent = [("uncertainty.pv_roof.rank_correlation", {})]  # (Iman–Conover reorders all rows)
    small = run_batch(scenario, n=3, seed=3, executor="serial", out=tmp_path, report=False, design="random", overrides=independent)
    large = run_batch(scenario, n=5, seed=3, executor="serial", out=tmp_path, report=False, design="random", overrides=independent)
    # an uncorrelated random design's first rows and the run seeds do not depend on n
    a, b = _annual(small), _annual(large)
    pd.testing.assert_frame_equal(a, b[b["replicate"] < 3].reset_index(drop=True), check_exact=True)


# -- storage and resume ---------------------------------------------------------------------------------
def test_batch_folder_holds_the_design_tables_summary_and_report(serial_batch, scenario):
    folder = serial_batch.path
    info = json.loads((folder / "batch.json").read_text(encoding="utf-8"))
    assert info["n"] == 45 and info["runs"] == 45 and info["design"] == "lhs" and info["batch_seed"] == 5
    assert set(info["samples"]) == {"replicate", "run_seed", *UNCERTAINTY}
    assert len(info["samples"]["run_seed"]) == 45 and info["inputs_sha256"] == parktwin.load(scenario).digest()
    assert (folder / "annual.parquet").exists() and not (folder / REPLICATE_DIR).exists()
    annual = serial_batch.annual()
    _once_each(annual, 45, 4)
    # the sampled inputs are columns of every replicate's table
    samples = serial_batch.samples.set_index("replicate")
    first = annual[annual["year"] == 2025].set_index("replicate")
    assert (first["input_growth"] == samples["growth"]).all() and (first["input_tech"] == samples["tech"]).all()
    for name in ("quantiles", "probabilities", "outputs", "sensitivity"):
        assert (folder / "summary" / f"{name}.parquet").exists()
    assert json.loads((folder / "summary" / "summary.json").read_text())["runs"] == 45
    page = (folder / "batch_report.html").read_text(encoding="utf-8")
    for key in ("fig-fan_net", "fig-fan_core", "fig-probabilities", "fig-sensitivity", "fig-cost"):
        assert key in page
    again = open_batch(folder)
    pd.testing.assert_frame_equal(again.samples, serial_batch.samples)


def test_summary_of_a_batch(serial_batch):
    s = serial_batch.summary()
    h = s.headline
    assert h["runs"] == 45 and h["final_year"] == 2028 and h["complete"]
    assert 0 <= h["p_net_zero"] <= 1 and h["net_tco2_final"]["p10"] <= h["net_tco2_final"]["p50"] <= h["net_tco2_final"]["p90"]
    q = s.quantiles[(s.quantiles["indicator"] == "net_tco2")]
    assert list(q["year"]) == [2025, 2026, 2027, 2028] and (q["p10"] <= q["p90"]).all()
    assert set(s.sensitivity["output"]) == {"net_tco2_2028", "pathway_cost_cny", "private_cost_cny"}
    ranked = s.sensitivity[(s.sensitivity["output"] == "net_tco2_2028") & (s.sensitivity["index"] == "S1")]
    assert sorted(ranked["rank"]) == [1, 2, 3, 4, 5]
    # the green-power share is what moves net emissions here
    assert ranked.sort_values("rank")["input"].iloc[0] == "green"
    assert "P(net ≤ 0 in 2028)" in s.text()


def test_existing_batch_needs_resume_or_overwrite(serial_batch, scenario):
    with pytest.raises(FileExistsError, match="resume"):
        run_batch(scenario, n=45, seed=5, executor="serial", out=serial_batch.path.parent)
    again = run_batch(scenario, n=45, seed=5, executor="serial", out=serial_batch.path.parent, resume=True, report=False)
    assert again.complete


def _mc_command(scenario: Path, out: Path, *extra: str) -> list[str]:
    return ["mc", str(scenario), "-n", "24", "--seed", "9", "--executor", "serial", "--out", str(out),
            "--no-progress", "--no-report", *extra]


def _start_and_stop(command: list[str], replicates: Path, sig: int, at_least: int = 5) -> subprocess.CompletedProcess:
    proc = subprocess.Popen([sys.executable, "-m", "parktwin.cli", *command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if replicates.is_dir() and len(done_replicates(replicates.parent)) >= at_least:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"the batch ended before it could be stopped: {proc.communicate()}"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def test_a_killed_batch_resumes_to_the_same_numbers(tmp_path):
    scenario = _write(tmp_path, horizon=5)
    out = tmp_path / "runs"
    loaded = parktwin.load(scenario)
    folder = out / f"small_mc-lhs-n24-s9-{loaded.digest()[:8]}"
    stopped = _start_and_stop(_mc_command(scenario, out), folder / REPLICATE_DIR, signal.SIGKILL)
    assert stopped.returncode == -signal.SIGKILL
    done = done_replicates(folder)
    assert 5 <= len(done) < 24 and not (folder / "annual.parquet").exists()
    assert json.loads((folder / "batch.json").read_text())["runs"] == 24  # written first
    # resume through the command, as a person would
    assert main(_mc_command(scenario, out, "--resume")) == 0
    resumed = open_batch(folder)
    assert resumed.complete and not list(folder.rglob(".*.tmp"))
    clean = run_batch(scenario, n=24, seed=9, executor="serial", out=tmp_path / "clean", report=False)
    pd.testing.assert_frame_equal(_annual(resumed), _annual(clean), check_exact=True)
    a, b = (json.loads((p / "batch.json").read_text()) for p in (folder, clean.path))
    for info in (a, b):
        info.pop("created")
    assert a == b


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path):
    scenario = _write(tmp_path, horizon=5)
    out = tmp_path / "runs"
    folder = out / f"small_mc-lhs-n24-s9-{parktwin.load(scenario).digest()[:8]}"
    stopped = _start_and_stop(_mc_command(scenario, out), folder / REPLICATE_DIR, signal.SIGINT, at_least=3)
    assert stopped.returncode == 130, stopped.stderr
    assert "--resume" in stopped.stderr and "Traceback" not in stopped.stderr
    assert all(p.name.startswith("r") for p in (folder / REPLICATE_DIR).iterdir())  # no temporary left
    batch = run_batch(scenario, n=24, seed=9, executor="serial", out=out, resume=True, report=False)
    _once_each(batch.annual(), 24, 6)


# -- workers that die ------------------------------------------------------------------------------------
def _kill_once(task, marker: str, victim: int):
    """Run the replicate, except that the first time replicate ``victim`` comes up its worker
    process kills itself (SIGKILL: no cleanup, as an OOM kill or a lost node)."""
    if task.index == victim and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return run_replicate(task)


@pytest.fixture(scope="module")
def reference(scenario, tmp_path_factory):
    """8 replicates, batch seed 5, run one after another in this process."""
    return run_batch(scenario, n=8, seed=5, executor="serial", out=tmp_path_factory.mktemp("reference"), report=False)


@pytest.mark.parametrize("executor", ["dask", "processes"])
def test_processes_and_dask_give_the_serial_numbers_even_when_a_worker_dies(scenario, reference, tmp_path, executor):
    """Two local workers (a Dask LocalCluster on loopback, or a process pool); the worker that
    picks up replicate 2 first kills itself. The scheduler (Dask) or the rebuilt pool runs it
    again; every replicate is stored exactly once and the batch equals the serial one bit for bit."""
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # dask workers cannot import this test module
    marker = tmp_path / "killed"
    fn = functools.partial(_kill_once, marker=str(marker), victim=2)
    batch = run_batch(scenario, n=8, seed=5, executor=executor, workers=2, out=tmp_path / "runs", report=False,
                      replicate_fn=fn)
    assert marker.exists() and int(marker.read_text()) != os.getpid()  # a worker did die
    annual = _annual(batch)
    _once_each(annual, 8, 4)
    pd.testing.assert_frame_equal(annual, _annual(reference), check_exact=True)
    assert batch.info["samples"] == reference.info["samples"]
    if executor == "processes":  # the last pool closes in the background, but the batch returns once its workers are gone
        assert multiprocessing.active_children() == []
        assert not any(t.name == "close-pool" for t in threading.enumerate())
    assert gc.get_freeze_count() == 0  # the batch handed back what it kept from the collector


def test_objects_are_handed_back_to_the_collector_when_the_outermost_block_ends():
    """``frozen_objects`` blocks nest (a batch around its pool's): the inner one freezes what was made
    since, and only the outermost gives everything back (``gc.unfreeze``)."""
    from parktwin.experiments.executors import frozen_objects

    assert gc.get_freeze_count() == 0
    with frozen_objects():
        outer = gc.get_freeze_count()
        made_since = [[i] for i in range(100)]  # lists: always tracked by the collector
        with frozen_objects():
            assert gc.get_freeze_count() >= outer + len(made_since)
        assert gc.get_freeze_count() >= outer + len(made_since)  # still frozen: the outer block is open
    assert gc.get_freeze_count() == 0


# -- designs through the whole chain ------------------------------------------------------------------
def test_morris_batch_gives_mu_star(scenario, tmp_path):
    batch = run_batch(scenario, n=2, seed=1, design="morris", executor="serial", out=tmp_path, report=False)
    assert batch.runs == 2 * (len(UNCERTAINTY) + 1)
    s = batch.summary().sensitivity
    assert set(s["index"]) == {"mu_star", "sigma"} and set(s["input"]) == set(UNCERTAINTY)


# -- the commands ---------------------------------------------------------------------------------------------
def test_mc_command(scenario, tmp_path, capsys):
    args = ["mc", str(scenario), "-n", "3", "--executor", "serial", "--out", str(tmp_path), "--no-progress", "--no-report"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "3 runs, 2025–2028" in out and "batch stored in" in out
    assert main(args) == 1 and "--resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0
    assert main(["mc", "--list-assumptions"]) == 0 and "grid_factor.override_kgco2_per_kwh" in capsys.readouterr().out


def test_mc_command_reports_bad_uncertainty(tmp_path, capsys):
    scenario = _write(tmp_path)
    text = scenario.read_text().replace("path: roadmap.gp.share", "path: roadmap.gpx.share")
    scenario.write_text(text)
    assert main(["mc", str(scenario), "-n", "3", "--executor", "serial", "--out", str(tmp_path / "runs")]) == 2
    assert "uncertainty.green.path" in capsys.readouterr().err


def test_compare_command(tmp_path, capsys):
    a = _write(tmp_path, name="plan_a")
    b = _write(tmp_path, name="plan_b", offsets={"start_year": 2026, "max_share_of_gross": 0.5})
    csv = tmp_path / "compare.csv"
    assert main(["compare", str(a), str(b), "--out", str(csv)]) == 0
    table = pd.read_csv(csv, index_col=0)
    assert list(table.columns) == ["plan_a", "plan_b", "Δ plan_b − plan_a"]  # each run against the first
    assert table.loc["net_tco2 2028", "plan_b"] < table.loc["net_tco2 2028", "plan_a"]
    assert table.loc["net_tco2 2028", "Δ plan_b − plan_a"] == pytest.approx(
        table.loc["net_tco2 2028", "plan_b"] - table.loc["net_tco2 2028", "plan_a"])
    assert main(["compare", str(a), str(b), "-n", "3", "--executor", "serial", "--runs", str(tmp_path / "runs")]) == 0
    out = capsys.readouterr().out
    assert "P(net_zero) 2028" in out and "plan_b" in out


def test_a_pool_that_breaks_between_waits_loses_no_task(monkeypatch):
    """A worker can die between two waits: the next ``submit`` then raises BrokenProcessPool.
    The executor must rebuild the pool and run every task exactly once (a race seen once in
    full-suite runs of the SIGKILL test above)."""
    import concurrent.futures as cf
    from concurrent.futures.process import BrokenProcessPool
    from types import SimpleNamespace

    from parktwin.experiments.executors import execute

    pools = []

    class FlakyPool(cf.ThreadPoolExecutor):
        def __init__(self, max_workers, mp_context=None, initializer=None, initargs=()):
            super().__init__(max_workers=max_workers)
            self.submits = 0
            pools.append(self)

        def submit(self, fn, *args):
            self.submits += 1
            if len(pools) == 1 and self.submits == 8:  # the first pool breaks after its seventh task
                raise BrokenProcessPool("a worker died")
            return super().submit(fn, *args)

    monkeypatch.setattr(cf, "ProcessPoolExecutor", FlakyPool)
    tasks = [SimpleNamespace(index=i) for i in range(20)]
    got = list(execute(lambda task: task.index * 10, tasks, executor="processes", workers=2))
    assert sorted(i for i, _ in got) == list(range(20))  # every task once
    assert all(result == i * 10 for i, result in got)
    assert len(pools) == 2  # the pool was rebuilt


def _exit_slowly() -> None:
    """Pool initializer: the worker cannot exit for 1 s (the interpreter joins this thread first)."""
    threading.Thread(target=time.sleep, args=(1.0,)).start()


def test_a_pool_closed_in_the_background_is_gone_once_waited_for():
    """``close_in_background`` returns while the pool's workers are still exiting (here one that takes
    1 s to), and ``wait_for_closed_pools`` returns only once they have exited."""
    import concurrent.futures as cf

    from parktwin.experiments.executors import START_METHOD, close_in_background, wait_for_closed_pools

    context = multiprocessing.get_context(START_METHOD)
    pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_exit_slowly)
    assert pool.submit(abs, -3).result() == 3
    close_in_background(pool)
    assert multiprocessing.active_children()  # not waited for here
    assert any(t.name == "close-pool" for t in threading.enumerate())
    wait_for_closed_pools()
    assert multiprocessing.active_children() == []
    assert not any(t.name == "close-pool" for t in threading.enumerate())


def test_a_failing_batch_end_still_waits_for_its_workers(scenario, tmp_path, monkeypatch):
    """When the batch's end fails (here its summary), ``run_batch`` raises only once the workers of the
    pool it closed in the background have exited (here each takes 1 s to), with the collector's
    frozen objects handed back."""
    from parktwin.experiments import batch as batch_module
    from parktwin.experiments import executors

    setup = executors.pool_worker_setup

    def setup_then_exit_slowly(*args):
        setup(*args)
        _exit_slowly()

    def failing_summary(self, method=None, cost=None):
        raise RuntimeError("the summary failed")

    monkeypatch.setattr(executors, "pool_worker_setup", setup_then_exit_slowly)
    monkeypatch.setattr(batch_module.Batch, "summary", failing_summary)
    with pytest.raises(RuntimeError, match="the summary failed"):
        run_batch(scenario, n=4, seed=5, executor="processes", workers=2, out=tmp_path / "runs", report=False)
    assert multiprocessing.active_children() == []
    assert not any(t.name == "close-pool" for t in threading.enumerate())
    assert gc.get_freeze_count() == 0


# -- how local workers start ---------------------------------------------------------------------------
LOADED_HERE = {"marker": None}


def _what_the_worker_sees(task):
    seen = LOADED_HERE["marker"], LOADED_HERE.get("warmed_by"), os.getpid()
    LOADED_HERE.setdefault("warmed_by", os.getpid())  # what a first run computes once per process
    return seen


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_local_workers_are_forked_from_the_batch_process_with_what_it_loaded():
    """On Linux a pool's workers are forked (executors.START_METHOD): they start with this
    process's state (here a value set after import), not by importing parktwin again; the first
    task runs here before the fork (executors.warm_first), so what it computed once per process
    is the workers' too."""
    from types import SimpleNamespace

    from parktwin.experiments.executors import START_METHOD, execute

    assert START_METHOD == "fork"
    LOADED_HERE["marker"] = "set in the parent after import"
    try:
        got = dict(execute(_what_the_worker_sees, [SimpleNamespace(index=i) for i in range(4)], "processes", workers=2))
    finally:
        LOADED_HERE["marker"] = None
        LOADED_HERE.pop("warmed_by", None)
    here = os.getpid()
    assert got[0] == ("set in the parent after import", None, here)  # the first task, in this process
    assert all(got[i][:2] == ("set in the parent after import", here) and got[i][2] != here for i in (1, 2, 3))


def test_arrow_table_is_pyarrows_pandas_conversion():
    """The parent's conversion of stacked replicates gives ``pa.Table.from_pandas``'s table, schema
    metadata included, on the first frame of a layout and on later ones (kept schema): floats with
    NaN (→ null), integers, booleans, strings with a missing value."""
    def frame(rows: int, shift: float) -> pd.DataFrame:
        return pd.DataFrame({"replicate": np.arange(rows, dtype=np.int64), "year": np.arange(2025, 2025 + rows),
                             "net_tco2": np.linspace(0.0, 1.0, rows) + shift, "met": np.arange(rows) % 2 == 0,
                             "phase": pd.array(["green"] * (rows - 1) + [None], dtype="string"),
                             "cost_cny": [np.nan] + [shift] * (rows - 1)})
    for first in (frame(3, 0.5), frame(7, 1.5), frame(7, 2.5)):
        expected = pa.Table.from_pandas(first, preserve_index=False)
        assert arrow_table(first).equals(expected, check_metadata=True)


def write_replicates(folder: Path, replicates: list[tuple[int, pd.DataFrame]]) -> Path:
    """Replicates ``[(index, annual table)]`` stored as one file, as ``storage.ReplicateWriter`` writes them."""
    return write_replicate_table(folder, replicate_table(replicates))


def test_replicate_files_of_older_versions_stack_alike(serial_batch, tmp_path):
    """Replicate files are Arrow IPC now and Parquet from older versions (a batch started by one
    and resumed by the other holds both): both are listed, read and stacked into the same table."""
    annual = _annual(serial_batch)
    frames = [(int(i), g.reset_index(drop=True)) for i, g in annual.groupby("replicate") if i < 6]
    folder = tmp_path / "b"
    assert write_replicates(folder, frames[:3]).name == "r0000000-0000002.arrow"
    old = stacked_table([f for _, f in frames[3:]])  # as an older version wrote it
    listing = json.dumps([[i, len(f)] for i, f in frames[3:]]).encode()
    pq.write_table(old.replace_schema_metadata({**old.schema.metadata, REPLICATES_KEY: listing}),
                   folder / REPLICATE_DIR / "r0000003-0000005.parquet")
    expected = annual[annual["replicate"] < 6].reset_index(drop=True)
    assert done_replicates(folder) == set(range(6))
    pd.testing.assert_frame_equal(read_annual(folder), expected, check_exact=True)
    with AnnualStream(folder, 6) as stream:  # every replicate from its file, as a resumed batch's stream takes them
        stream.finish()
    assert not (folder / REPLICATE_DIR).exists()
    pd.testing.assert_frame_equal(read_annual(folder), expected, check_exact=True)


def test_temporaries_of_a_killed_batch_are_removed(tmp_path):
    """A killed write leaves ``.<name>.<random>.tmp<suffix>`` (atomic.atomic_path); resume removes it."""
    where = tmp_path / REPLICATE_DIR
    where.mkdir()
    left = [tmp_path / ".annual.x1.tmp.parquet", where / ".r0000008-0000015.x2.tmp.arrow", where / ".r0000001.x3.tmp"]
    kept = where / "r0000000.arrow"
    for p in (*left, kept):
        p.write_bytes(b"")
    clean_temporaries(tmp_path)
    assert not any(p.exists() for p in left) and kept.exists()


def test_annual_is_stacked_as_replicates_come_the_same_in_any_order(serial_batch, tmp_path):
    """``annual.parquet`` is appended while a batch runs (storage.AnnualStream): whatever order the
    replicates finish in, and with some stored by an earlier run (resume), the file holds them in
    index order, a row group per ``chunk`` replicates; a stream stopped by an error leaves no file."""
    annual = _annual(serial_batch)
    frames = [(int(i), g.reset_index(drop=True)) for i, g in annual.groupby("replicate") if i < 10]

    def stack(folder: Path, order, earlier=()) -> Path:
        for group in earlier:  # files an earlier run of the batch wrote
            write_replicates(folder, [frames[i] for i in group])
        with AnnualStream(folder, 10, chunk=4) as stream:
            with ReplicateWriter(folder, max_held=3, stream=stream) as writer:
                for i in order:
                    writer.add(*frames[i])
            return stream.finish()

    expected = annual[annual["replicate"] < 10].reset_index(drop=True)
    rows = [sum(len(f) for _, f in frames[a:a + 4]) for a in (0, 4, 8)]
    for path in (stack(tmp_path / "a", range(10)), stack(tmp_path / "b", [3, 1, 0, 9, 2, 8, 4, 7, 6, 5]),
                 stack(tmp_path / "c", [9, 1, 5, 7], earlier=[(0, 2), (3, 4, 6, 8)])):
        pd.testing.assert_frame_equal(pd.read_parquet(path), expected, check_exact=True)
        meta = pq.read_metadata(path)
        assert [meta.row_group(k).num_rows for k in range(meta.num_row_groups)] == rows
        assert not (path.parent / REPLICATE_DIR).exists() and not list(path.parent.glob(".*"))
    folder = tmp_path / "stopped"
    with pytest.raises(KeyboardInterrupt), AnnualStream(folder, 10, chunk=4) as stream:
        stream.add(replicate_table(frames[:5]))
        raise KeyboardInterrupt
    assert not (folder / "annual.parquet").exists() and not list(folder.glob(".*"))


def test_a_batch_with_a_replicate_missing_is_not_stacked(serial_batch, tmp_path):
    """``AnnualStream.finish`` is the batch's check that every replicate is stored: with one missing
    it names it, writes no ``annual.parquet`` and keeps the replicate files for resume."""
    annual = _annual(serial_batch)
    frames = [(int(i), g.reset_index(drop=True)) for i, g in annual.groupby("replicate") if i < 6]
    folder = tmp_path / "b"
    with pytest.raises(RuntimeError, match=r"1 replicates missing .*\[4\].*resume"), AnnualStream(folder, 6, chunk=4) as stream:
        with ReplicateWriter(folder, max_held=2, stream=stream) as writer:
            for i in (0, 1, 2, 3, 5):
                writer.add(*frames[i])
        stream.finish()
    assert not (folder / "annual.parquet").exists() and not list(folder.glob(".*"))
    assert done_replicates(folder) == {0, 1, 2, 3, 5}

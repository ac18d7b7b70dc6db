"""A batch folder on disk, written so that a crash never leaves a file that looks whole.

    runs/<batch>/
      batch.json                 written first: scenario, digest, design, n, seeds, sample table, versions
      replicates/r0000040-0000047.arrow  finished replicates' annual tables, a few per file, while the batch runs
      annual.parquet             every replicate's annual table, stacked, once all are done
      summary/                   quantiles, probabilities, outputs, sensitivity (.parquet), summary.json
      batch_report.html

Replicates are written in bulk (``ReplicateWriter``): the parent keeps finished replicates and
writes them as one file when the last write is old enough that writing costs it at most ~0.5 % of
its time, or when it holds ``MAX_HELD`` of them, or after ``MAX_FLUSH_S`` — a file costs its
writer about the same for 1 replicate as for 8 (it is per column), so a batch writes several
times fewer files, and a killed batch loses at most a few replicates. Replicate files are Arrow
IPC files, uncompressed: they live only until the batch is stacked, and are written ~3 times and
read ~6 times faster than Parquet (no encoding or compression; work of the parent, on the cores
the workers need; docs/monte-carlo.md gives the measurement). A file holds its replicates in index order, names the first and
last, and lists them with their row counts in its schema metadata. Every file is written to a
hidden temporary name in its folder and renamed into place, so a file either exists whole or not
at all; a killed batch loses only the replicates not yet written, which ``resume`` runs again.
``annual.parquet`` is appended while the batch runs (``AnnualStream``: a row group of ``STACK_CHUNK``
replicates in index order as soon as all of them are stored), renamed into place once every
replicate is in it, and only then are the replicate files removed. Parquet replicate files (``r0000040-0000047.parquet``, and ``r0000042.parquet`` of one
replicate each, written by older versions) are read the same way.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from parktwin.atomic import atomic_path, write_bytes

REPLICATE_DIR = "replicates"
REPLICATE_FILE = re.compile(r"^r(\d{7})(?:-(\d{7}))?\.(arrow|parquet)$")  # one replicate, or the first and last of several
REPLICATE_SUFFIX = ".arrow"  # replicate files written now (Arrow IPC); older versions wrote .parquet
REPLICATES_KEY = b"parktwin.replicates"  # schema metadata: [[index, rows], ...] in file order
STACK_CHUNK = 32  # replicates a row group of annual.parquet (appended while the batch runs: AnnualStream); a
# chunk is held in the parent until whole and its write is the parent's largest transient memory, while each row
# group costs a fixed part per column. Measured with bau's annual table (26 rows x 137 columns, 512 replicates):
# chunks of 8 / 32 / 128 wrote in 338 / 161 / 117 ms, read back in 225 / 84 / 34 ms and held 0.2 / 0.9 / 3.7 MB;
# 32 keeps the parent's writing at ~0.3 ms a replicate with under 1 MB held (a choice, not an optimum)
WRITE_SHARE = 0.005  # the share of the parent's time writing replicate files may take (its writing shares the
# cores with the workers; on a busy machine each replicate takes longer, and at 2 % the parent wrote a file
# for every replicate or two, several times the CPU of a file per 8)
MAX_FLUSH_S = 5.0  # ... but finished replicates wait at most this long before they are written
MAX_HELD = 8  # ... and at most this many (a killed batch loses no more than these and those running)


atomic_write_bytes = write_bytes


def atomic_write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)
    return Path(path)


def write_json(obj: dict, path: Path) -> Path:
    return atomic_write_bytes((json.dumps(obj, indent=1, ensure_ascii=False) + "\n").encode("utf-8"), path)


def _parquet():
    """``pyarrow.parquet``, imported on first use: worker processes import this module (through the
    package) but never read or write files, and the import costs each process ~5 MiB."""
    # import here: pyarrow.parquet costs 0.026 s and ~5 MiB per process (measured); workers never write files
    import pyarrow.parquet

    return pyarrow.parquet


def _as_table(frame: pd.DataFrame | pa.Table) -> pa.Table:
    return frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)


_SCHEMAS: dict[tuple, pa.Schema] = {}  # (column names, dtypes) → the Arrow schema pandas' conversion gave


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """``pa.Table.from_pandas(frame, preserve_index=False)``, the same table and metadata: the first
    frame of a layout (column names and dtypes) goes through pyarrow's pandas conversion and its
    schema is kept; later frames of that layout are converted a dtype block at a time (one 2-D
    numpy array per dtype, a column of it per Arrow array) into that schema — about half the
    parent's conversion time, which it spends on the cores the workers need."""
    layout = (tuple(frame.columns), tuple(frame.dtypes))
    schema = _SCHEMAS.get(layout)
    if schema is None or not isinstance(frame.index, pd.RangeIndex):
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if len(_SCHEMAS) > 8:
            _SCHEMAS.clear()
        _SCHEMAS[layout] = table.schema
        return table
    by_dtype: dict[Any, list[str]] = {}
    for name, dtype in zip(*layout):
        by_dtype.setdefault(dtype if isinstance(dtype, np.dtype) and dtype.kind in "biuf" else None, []).append(name)
    arrays: dict[str, pa.Array] = {}
    for dtype, names in by_dtype.items():
        if dtype is None:  # strings, objects, extension types: column by column, as pyarrow would
            arrays.update((name, pa.array(frame[name], type=schema.field(name).type, from_pandas=True)) for name in names)
        else:
            block = np.ascontiguousarray(frame[names].to_numpy(dtype).T)
            arrays.update((name, pa.array(column, type=schema.field(name).type, from_pandas=True))
                          for name, column in zip(names, block))
    return pa.Table.from_arrays([arrays[name] for name in schema.names], schema=schema)


def stacked_table(frames: list[pd.DataFrame | pa.Table]) -> pa.Table:
    """Annual tables one after another as one Arrow table. DataFrames are stacked first and
    converted once (a conversion costs about the same for 8 replicates as for 1: it is per column;
    ``arrow_table``); Arrow tables are joined as they are."""
    if all(isinstance(f, pd.DataFrame) for f in frames):
        return arrow_table(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])
    tables = [_as_table(f) for f in frames]
    return pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]


def replicate_table(replicates: list[tuple[int, pd.DataFrame | pa.Table]]) -> pa.Table:
    """Finished replicates ``[(index, annual table)]`` stacked in index order as one Arrow table
    whose schema metadata lists them (``REPLICATES_KEY``: [[index, rows], ...])."""
    replicates = sorted(replicates, key=lambda item: item[0])
    table = stacked_table([frame for _, frame in replicates])
    listing = json.dumps([[index, len(frame)] for index, frame in replicates]).encode()
    return table.replace_schema_metadata({**(table.schema.metadata or {}), REPLICATES_KEY: listing})


def write_replicate_table(folder: Path, table: pa.Table) -> Path:
    """Store a ``replicate_table`` as one Arrow IPC file named by its first and last replicate
    (idempotent: writing the same replicates again replaces the file with identical content)."""
    listing = json.loads(table.schema.metadata[REPLICATES_KEY])
    first, last = listing[0][0], listing[-1][0]
    name = f"r{first:07d}" if len(listing) == 1 else f"r{first:07d}-{last:07d}"
    path = Path(folder) / REPLICATE_DIR / (name + REPLICATE_SUFFIX)
    with atomic_path(path) as tmp, pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return path


def read_replicate_file(path: Path) -> pa.Table:
    """A replicate file's table: Arrow IPC (``.arrow``) read into memory (not memory-mapped, so the
    file can be removed at once on every platform), or Parquet (older versions)."""
    if Path(path).suffix == ".parquet":
        return _parquet().read_table(path)
    with pa.OSFile(str(path), "rb") as source:
        return pa.ipc.open_file(source).read_all()


def _replicate_schema(path: Path) -> pa.Schema:
    """A replicate file's schema (with its metadata), without reading its data."""
    if Path(path).suffix == ".parquet":
        return _parquet().read_schema(path)
    with pa.OSFile(str(path), "rb") as source:
        return pa.ipc.open_file(source).schema


class ReplicateWriter:
    """Collects finished replicates and writes them in bulk (module docstring: when and why), and
    hands each written table to ``stream`` (an ``AnnualStream``) if given.
    Use as a context manager: what is still held is written when the block ends, also on Ctrl-C."""

    def __init__(self, folder: Path, write_share: float = WRITE_SHARE, max_wait_s: float = MAX_FLUSH_S, max_held: int = MAX_HELD,
                 stream: AnnualStream | None = None):
        self.folder = Path(folder)
        self.write_share, self.max_wait_s, self.max_held = write_share, max_wait_s, max_held
        self.stream = stream
        self.held: list[tuple[int, pd.DataFrame | pa.Table]] = []
        self.last_end = 0.0  # when the last write ended (0: nothing written yet) [perf_counter s]
        self.last_cost = 0.0  # how long it took [s]

    def add(self, index: int, frame: pd.DataFrame | pa.Table) -> None:
        self.held.append((index, frame))
        now = time.perf_counter()
        since = now - self.last_end
        if len(self.held) >= self.max_held or since >= self.max_wait_s or since * self.write_share >= self.last_cost:
            self.flush()

    def flush(self) -> None:
        if self.held:
            start = time.perf_counter()
            table = replicate_table(self.held)
            write_replicate_table(self.folder, table)
            self.held = []
            if self.stream is not None:
                self.stream.add(table)
            self.last_end = time.perf_counter()
            self.last_cost = self.last_end - start

    def __enter__(self) -> ReplicateWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.flush()


def _replicate_files(folder: Path) -> list[tuple[int, int, Path]]:
    """(first index, last index, path) of the replicate files stored whole, by first index."""
    where = Path(folder) / REPLICATE_DIR
    if not where.is_dir():
        return []
    out = []
    for name in os.listdir(where):
        if m := REPLICATE_FILE.match(name):
            first = int(m.group(1))
            out.append((first, int(m.group(2) or first), where / name))
    return sorted(out)


def _listing(path: Path, first: int) -> list[tuple[int, int]]:
    """[(index, rows)] of a replicate file (a one-replicate file of an older batch has no listing)."""
    meta = _replicate_schema(path).metadata or {}
    if REPLICATES_KEY in meta:
        return [(int(i), int(n)) for i, n in json.loads(meta[REPLICATES_KEY])]
    return [(first, _parquet().read_metadata(path).num_rows)]


def done_replicates(folder: Path) -> set[int]:
    """Indices of the replicates stored whole (temporary files are ignored)."""
    return {i for first, last, path in _replicate_files(folder)
            for i, _ in ([(first, 0)] if first == last else _listing(path, first))}


def clean_temporaries(folder: Path) -> None:
    """Remove temporary files a killed batch left behind (``atomic.atomic_path`` names them
    ``.<name>.<random>.tmp<suffix>``)."""
    for sub in (Path(folder), Path(folder) / REPLICATE_DIR):
        if sub.is_dir():
            for p in [*sub.glob(".*.tmp"), *sub.glob(".*.tmp.*")]:
                p.unlink(missing_ok=True)


def _in_index_order(files: list[tuple[int, int, Path]]):
    """The replicate files' tables in replicate order, a few replicates at a time. Files written by
    one run of a batch hold disjoint ranges and are read one after another; after a resume the
    ranges may interleave, and then each file's replicates are taken apart and put in order."""
    if all(a[1] < b[0] for a, b in zip(files, files[1:])):
        for _, _, path in files:
            yield read_replicate_file(path)
        return
    pieces = {}
    for first, _, path in files:
        table, row = read_replicate_file(path), 0
        for index, rows in _listing(path, first):
            pieces[index] = table.slice(row, rows)
            row += rows
    for index in sorted(pieces):
        yield pieces.pop(index)


class AnnualStream:
    """``annual.parquet`` written while a batch runs: replicates ``0..runs-1`` are appended in index
    order, a row group of ``STACK_CHUNK`` replicates as soon as all of them are stored, so at the
    batch's end only the last few remain to append (stacking every replicate file at the end was
    serial work with the workers done). Replicates written in this run come as the tables just
    written (``add``; held only until appended); those stored by an earlier run of the batch
    (resume) are read from their files when their turn comes. The file is written under a hidden
    temporary name and renamed into place by ``finish``; a batch killed before that leaves only the
    temporary (removed on resume: ``clean_temporaries``) and its replicate files. Row groups
    follow replicate numbers, not the order replicates finish in: the file is the same whatever
    ran them. Use as a context manager: the temporary is removed if the block raises."""

    def __init__(self, folder: Path, runs: int, chunk: int = STACK_CHUNK):
        self.folder, self.runs, self.chunk = Path(folder), runs, chunk
        self.final = self.folder / "annual.parquet"
        self._stack = contextlib.ExitStack()
        self.tmp = self._stack.enter_context(atomic_path(self.final))
        self.writer = None
        self.next = 0  # the first replicate not yet appended
        self.pieces: dict[int, pa.Table] = {}  # finished replicates not yet appended (their rows)
        self.stored = {first: path for first, _, path in _replicate_files(self.folder)}  # files of earlier runs, by first index

    def add(self, table: pa.Table) -> None:
        """Take a ``replicate_table`` just written; append every whole chunk now in order."""
        self._take(table, json.loads(table.schema.metadata[REPLICATES_KEY]))
        self._append()

    def finish(self) -> Path:
        """Append what remains (replicate files of earlier runs included), close and rename into
        place; then remove the replicate files."""
        self._append()
        if self.next < self.runs:  # an executor that skipped work
            missing = [i for i in range(self.next, self.runs) if not self._have(i)]
            raise RuntimeError(f"{len(missing)} replicates missing after the run (e.g. {missing[:5]}): annual.parquet "
                               "cannot be stacked; run again with resume")
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        self._stack.close()  # renames the temporary into place
        shutil.rmtree(self.folder / REPLICATE_DIR, ignore_errors=True)
        return self.final

    def __enter__(self) -> AnnualStream:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self.writer is not None:
            self.writer.close()
        self._stack.__exit__(kind, value, traceback)

    def _take(self, table: pa.Table, listing: list) -> None:
        meta = {k: v for k, v in (table.schema.metadata or {}).items() if k != REPLICATES_KEY}
        table, row = table.replace_schema_metadata(meta), 0
        for index, rows in listing:
            if index >= self.next:
                self.pieces[int(index)] = table.slice(row, rows)
            row += rows

    def _have(self, index: int) -> bool:
        """Whether replicate ``index`` is at hand, reading the earlier run's file that holds it."""
        if index not in self.pieces:
            for first in [f for f in self.stored if f <= index]:
                path = self.stored.pop(first)
                self._take(read_replicate_file(path), _listing(path, first))
        return index in self.pieces

    def _append(self) -> None:
        """Append every chunk of replicates whose replicates are all at hand, in order."""
        while self.next < self.runs:
            end = min(self.next + self.chunk, self.runs)
            if not all(self._have(i) for i in range(self.next, end)):
                return
            self.writer = _write_chunk(self.writer, self.tmp, [self.pieces.pop(i) for i in range(self.next, end)])
            self.next = end


def _write_chunk(writer, path: Path, tables: list[pa.Table]):
    """Append ``tables`` to the Parquet file at ``path`` as one row group (the writer opened on the
    first chunk's schema; later chunks cast to it)."""
    pq = _parquet()
    # one contiguous array per column: Parquet encodes it in one go rather than replicate by replicate (~40 % of
    # the parent's cost of a row group, with the copy), and only a chunk whose types differ is cast
    table = pa.concat_tables(tables, promote_options="permissive").combine_chunks()
    if writer is None:
        writer = pq.ParquetWriter(path, table.schema)
    writer.write_table(table if table.schema.equals(writer.schema) else table.cast(writer.schema))
    # while the batch runs this is the parent's largest transient memory: hand it back to the system now,
    # not when Arrow's allocator would (the parent's and its workers' peak memory is what a batch costs)
    pa.default_memory_pool().release_unused()
    return writer


def read_annual(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The stacked annual table of a batch (``annual.parquet``, or the replicate files of an
    unfinished batch, in replicate order), optionally only some columns."""
    folder = Path(folder)
    final = folder / "annual.parquet"
    if final.exists():
        return pd.read_parquet(final, columns=columns)
    files = _replicate_files(folder)
    if not files:
        return pd.DataFrame(columns=columns or [])
    tables = [t.select(columns) if columns else t for t in _in_index_order(files)]
    return pd.concat([t.to_pandas() for t in tables], ignore_index=True)

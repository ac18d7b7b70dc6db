"""The run store: ``runs/<id>/`` with manifest.json, Parquet tables and report.html.

A run is written into a hidden temporary folder beside its final place and renamed when
complete, so a crash never leaves a half run that looks whole. The temporary folder records the
host and process writing it (``.owner.json``); the next run stored in the same place removes the
folders whose process is gone.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from parktwin.atomic import umask
from parktwin.results.tables import TABLES, Results


OWNER_FILE = ".owner.json"
"""In a run's hidden temporary folder while it is written: the host and process writing it."""


def _started(pid: int) -> str | None:
    """A process's start time (clock ticks since boot, /proc/<pid>/stat field 22), to tell a process
    from a later one with the same id; None where /proc is not there."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def owner() -> dict:
    """This process as the writer of a temporary folder: host, process id and its start time."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": _started(os.getpid())}


def process_alive(pid: int, started: str | None = None) -> bool:
    """Whether process ``pid`` runs on this host (and is the one that started at ``started``)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return started is None or _started(pid) in (None, started)


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Remove the hidden ``.<run>.*.tmp`` folders in ``out_dir`` left by runs killed while storing:
    those written on this host by a process that is gone. A folder of a live process, of another
    host (a shared disk) or without an owner file is left alone. Returns what was removed."""
    removed = []
    host = socket.gethostname()
    for tmp in Path(out_dir).glob(".*.tmp"):
        try:
            who = json.loads((tmp / OWNER_FILE).read_text(encoding="utf-8"))
            pid, started = int(who["pid"]), who.get("started")
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if who.get("host") == host and not process_alive(pid, started):
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    return removed


def run_id(scenario_name: str, seed: int, digest: str) -> str:
    """Stable, readable id: scenario, seed and the first characters of the input digest."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in scenario_name)
    return f"{safe}-s{seed}-{digest[:8]}"


def write_run(
    results: Results,
    out_dir: str | Path,
    name: str,
    extra: Callable[[Path], None] | None = None,
    overwrite: bool = True,
) -> Path:
    """Write ``results`` to ``out_dir/name`` atomically; ``extra(tmp)`` may add files (the report)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    final = out_dir / name
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir))
    try:
        os.chmod(tmp, 0o777 & ~umask())  # a folder made by mkdtemp starts at 0700
        (tmp / OWNER_FILE).write_text(json.dumps(owner()), encoding="utf-8")
        for table, frame in results.tables().items():
            frame.to_parquet(tmp / f"{table}.parquet", index=False)
        (tmp / "manifest.json").write_text(json.dumps(results.manifest, indent=2, default=str), encoding="utf-8")
        if extra is not None:
            extra(tmp)
        (tmp / OWNER_FILE).unlink()
        if final.exists():
            if not overwrite:
                raise FileExistsError(f"{final} exists")
            old = final.with_name(f".{name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def read_run(path: str | Path) -> Results:
    """Load a stored run back into a ``Results``."""
    path = Path(path)
    manifest_file = path / "manifest.json"
    if not manifest_file.exists():
        raise FileNotFoundError(f"{path} is not a complete run (no manifest.json)")
    # a run stored before a table existed loads with that table empty
    frames = {t: pd.read_parquet(path / f"{t}.parquet") if (path / f"{t}.parquet").exists() else pd.DataFrame() for t in TABLES}
    return Results(**frames, manifest=json.loads(manifest_file.read_text(encoding="utf-8")))

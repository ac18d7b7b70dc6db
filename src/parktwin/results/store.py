"""The run store: ``runs/<id>/`` with manifest.json, Parquet tables and report.html.

A run is written into a hidden temporary folder beside its final place and renamed when
complete, so a crash never leaves a half run that looks whole.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from parktwin.atomic import umask
from parktwin.results.tables import TABLES, Results


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
    final = out_dir / name
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir))
    try:
        os.chmod(tmp, 0o777 & ~umask())  # a folder made by mkdtemp starts at 0700
        for table, frame in results.tables().items():
            frame.to_parquet(tmp / f"{table}.parquet", index=False)
        (tmp / "manifest.json").write_text(json.dumps(results.manifest, indent=2, default=str), encoding="utf-8")
        if extra is not None:
            extra(tmp)
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

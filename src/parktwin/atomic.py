"""Writing files so that a crash never leaves a half-written one that looks whole."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def umask() -> int:
    """The process's current umask (read without changing it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def usual_mode() -> int:
    """Permissions a new file gets under the current umask (a temporary file starts at 0600)."""
    return 0o666 & ~umask()


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path`` (same extension, so writers pick the right format): write it
    inside the block; it is renamed onto ``path`` when the block ends, and removed if it raises."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, usual_mode())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(data: bytes, path: str | Path) -> Path:
    """``data`` written atomically to ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)

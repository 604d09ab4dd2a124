"""Secrets kept in files outside the database: read, or created on first use with mode 0600.

Settings import this module before Django is set up, so it imports nothing of Django.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create(path: Path, *, nbytes: int = 32) -> str:
    """The secret in `path`; when there is none yet, a new random one written there (mode 0600, its
    directory 0700). Two processes starting at once agree: only one creates the file."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_urlsafe(nbytes)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    return value


def _read(path: Path) -> str:
    value = path.read_text().strip()
    if not value:
        raise ValueError(f"the secret file {path} is empty")
    return value

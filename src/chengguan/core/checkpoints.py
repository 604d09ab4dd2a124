"""Signed checkpoints of the audit chain, kept outside the database (等保 2.0 安全审计, 8.1.4.3 d).

A checkpoint is one JSON line `{"count", "last_hash", "at", "mac"}` appended to a file outside the
database directory; the MAC is an HMAC-SHA256 with a key that is not in the database either. A
database administrator who deletes the newest events and adjusts the chain head, rewrites the chain
with every later hash recomputed, or empties the tables leaves a chain that is consistent in itself
but disagrees with a checkpoint: `verify-audit` reports it. Each checkpoint is also logged (logger
`chengguan.audit`) so syslog can carry it to a second machine (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from chengguan.core import clock, keyfiles

log = logging.getLogger("chengguan.audit")
FILE_NAME = "checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_hash: str
    at: str
    line: int = 0


class CheckpointError(Exception):
    """The checkpoint file was edited, or is signed with another key."""


def path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def _key() -> bytes:
    if settings.AUDIT_CHECKPOINT_KEY:
        return settings.AUDIT_CHECKPOINT_KEY.encode()
    return keyfiles.read_or_create(Path(settings.AUDIT_CHECKPOINT_KEY_FILE)).encode()


def _mac(key: bytes, count: int, last_hash: str, at: str) -> str:
    body = json.dumps({"count": count, "last_hash": last_hash, "at": at}, sort_keys=True)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def write(*, count: int, last_hash: str, at: dt.datetime | None = None) -> Path:
    """Append a checkpoint saying the chain's event number `count` has hash `last_hash`."""
    moment = (at or clock.now()).astimezone(dt.UTC).isoformat(timespec="seconds")
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    entry = {"count": count, "last_hash": last_hash, "at": moment}
    entry["mac"] = _mac(_key(), count, last_hash, moment)
    line = json.dumps(entry, sort_keys=True) + "\n"
    # One write of a short line in append mode: concurrent writers never interleave inside a line.
    with target.open("a") as fh:
        fh.write(line)
    log.info("audit checkpoint", extra={"checkpoint": entry})
    return target


def read(source: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first; raises CheckpointError on a line whose MAC fails."""
    source = source or path()
    if not source.exists():
        return []
    key = _key()
    found = []
    for number, raw in enumerate(source.read_text().splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            count, last_hash, at = int(entry["count"]), str(entry["last_hash"]), str(entry["at"])
            valid = hmac.compare_digest(str(entry["mac"]), _mac(key, count, last_hash, at))
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{source} line {number} is not a checkpoint") from exc
        if not valid:
            raise CheckpointError(f"{source} line {number} does not carry a valid signature")
        found.append(Checkpoint(count, last_hash, at, number))
    return found

"""Appending to and verifying the hash-chained audit trail (执法全过程记录, APL Art. 47).

Services call `record()` inside their own `transaction.atomic()` block, so the audit row commits or
rolls back with the change it describes. The database refuses to update or delete the rows
(`core.append_only`); every 1,000 events, every `verify-audit` and the hourly anchor job write a
signed checkpoint outside the database (`core.checkpoints`) that the chain is then checked against.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from chengguan.core import checkpoints, clock, inserts
from chengguan.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# A checkpoint is written after the commit of every event whose number is a multiple of this.
CHECKPOINT_EVERY = 1000

client_address_var: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


def _canonical(value: Any) -> Any:
    """Round-trip through JSON so what we hash is exactly what the database stores and returns."""
    return (
        json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
        if value is not None
        else None
    )


def compute_hash(
    *,
    prev_hash: str,
    created_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    client_address: str,
) -> str:
    payload = {
        "prev": prev_hash,
        "at": created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "type": object_type,
        "id": str(object_id),
        "before": before,
        "after": after,
        "addr": client_address,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _object_ref(obj: models.Model | tuple[str, Any]) -> tuple[str, str]:
    if isinstance(obj, tuple):
        return obj[0], str(obj[1])
    return obj._meta.label_lower, str(obj.pk)


def record(
    *,
    actor,
    action: str,
    obj: models.Model | tuple[str, Any],
    before: dict | None = None,
    after: dict | None = None,
    client_address: str | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction (it locks the chain head)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    prev_hash, number = _claim_head()
    values = _linked(
        prev_hash,
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        created_at=clock.now(),
        client_address=client_address if client_address is not None else client_address_var.get(),
    )
    event = AuditEvent(**values)
    inserts.insert(event)
    with connection.cursor() as cursor:
        cursor.execute(_SET_HEAD, [event.hash])
    if number % CHECKPOINT_EVERY == 0:
        _checkpoint_on_commit(number, event.hash)
    return event


def _checkpoint_on_commit(number: int, last_hash: str) -> None:
    """Anchor event `number` once it is committed; a failure to write is logged, never the caller's."""
    transaction.on_commit(lambda: checkpoints.write(count=number, last_hash=last_hash), robust=True)


def _linked(
    prev_hash: str,
    *,
    actor,
    action: str,
    obj: models.Model | tuple[str, Any],
    before: dict | None,
    after: dict | None,
    created_at: dt.datetime,
    client_address: str,
) -> dict[str, Any]:
    """The column values (by attribute name) of one event linked after `prev_hash`, its hash
    included: the one place `record` and `record_many` turn what happened into a chain link."""
    object_type, object_id = _object_ref(obj)
    values = {
        "created_at": created_at,
        "actor_id": getattr(actor, "pk", None),
        "actor_label": getattr(actor, "username", "") if actor is not None else "system",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": _canonical(before),
        "after": _canonical(after),
        "client_address": client_address,
        "prev_hash": prev_hash,
    }
    values["hash"] = compute_hash(**values)  # its arguments are named as the columns
    return values


_q = connection.ops.quote_name
_HEAD = _q(AuditChainHead._meta.db_table)
# Counting the event and reading the previous hash in one statement also takes the head's lock
# (PostgreSQL row lock; SQLite's write lock) until the caller's transaction ends.
_CLAIM_HEAD = (
    f"UPDATE {_HEAD} SET {_q('count')} = {_q('count')} + 1 WHERE id = 1 "
    f"RETURNING {_q('last_hash')}, {_q('count')}"
)
_SET_HEAD = f"UPDATE {_HEAD} SET {_q('last_hash')} = %s WHERE id = 1"


def _claim_head() -> tuple[str, int]:
    """Lock the chain head, count one more event and return the hash the new event links to and the
    new event's number in the chain (1 for the first)."""
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_HEAD)
            row = cursor.fetchone()
        if row is not None:
            return row[0], int(row[1])
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    raise RuntimeError("the audit chain head cannot be created")


@dataclass(frozen=True)
class PendingEvent:
    """One event for `record_many`: what `record()` takes, plus the moment it happened (default:
    `clock.now()` when `record_many` runs)."""

    actor: Any
    action: str
    obj: models.Model | tuple[str, Any]
    before: dict | None = None
    after: dict | None = None
    created_at: dt.datetime | None = None
    client_address: str | None = None


# The head has counted the first event of a `record_many` already (`_claim_head`); this counts the rest.
_EXTEND_HEAD = f"UPDATE {_HEAD} SET {_q('last_hash')} = %s, {_q('count')} = {_q('count')} + %s WHERE id = 1"


def record_many(entries: Iterable[PendingEvent], *, batch_size: int = 1000) -> int:
    """Append many events in the given order with the hashes and links `record()` would give them one
    by one, but with one lock of the chain head, bulk inserts and one head update: the bulk writers
    (the demo year, imports) would otherwise spend most of their time on the chain. Returns how
    many events were appended.

    Objects must have their primary keys when this runs. Like `record()`, it must run inside the
    caller's transaction, so the events commit or roll back with the rows they describe."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many() must be called inside transaction.atomic()")
    entries = list(entries)
    if not entries:
        return 0
    prev_hash, first_number = _claim_head()
    default_address = client_address_var.get()
    default_at = clock.now()
    at_field, before_field, after_field = (
        AuditEvent._meta.get_field(n) for n in ("created_at", "before", "after")
    )
    rows: list[list[Any]] = []
    for entry in entries:
        values = _linked(
            prev_hash,
            actor=entry.actor,
            action=entry.action,
            obj=entry.obj,
            before=entry.before,
            after=entry.after,
            created_at=entry.created_at or default_at,
            client_address=entry.client_address if entry.client_address is not None else default_address,
        )
        # In the order of _EVENT_COLUMNS, prepared for the database as the ORM would prepare them.
        rows.append(
            [
                at_field.get_db_prep_save(values["created_at"], connection),
                values["actor_id"],
                values["actor_label"],
                values["action"],
                values["object_type"],
                values["object_id"],
                before_field.get_db_prep_save(values["before"], connection),
                after_field.get_db_prep_save(values["after"], connection),
                values["client_address"],
                prev_hash,
                values["hash"],
            ]
        )
        prev_hash = values["hash"]
    # One prepared INSERT for all rows: Django's bulk_create would spend longer building the
    # statement and the model instances than the database spends storing the rows.
    columns = ", ".join(_q(AuditEvent._meta.get_field(name).column) for name in _EVENT_COLUMNS)
    values = ", ".join(["%s"] * len(_EVENT_COLUMNS))
    sql = f"INSERT INTO {_q(AuditEvent._meta.db_table)} ({columns}) VALUES ({values})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])
        cursor.execute(_EXTEND_HEAD, [prev_hash, len(rows) - 1])
    last_number = first_number + len(rows) - 1
    if last_number // CHECKPOINT_EVERY > (first_number - 1) // CHECKPOINT_EVERY:
        _checkpoint_on_commit(last_number, prev_hash)
    return len(rows)


_EVENT_COLUMNS = (
    "created_at",
    "actor",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "client_address",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_id: int | None = None
    reason: str = ""
    last_hash: str = GENESIS_HASH
    checkpoint: checkpoints.Checkpoint | None = None  # the newest one the chain was checked against


def _iter_events(batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def verify_chain(*, checkpoint_file: Path | None = None) -> ChainReport:
    """Recompute every hash in order; report the first row whose content or link does not match, then
    check the chain against every signed checkpoint outside the database (by default the
    installation's file), which finds a cut tail, a rewritten chain and an emptied table even when
    the chain is consistent in itself."""
    try:
        anchors = checkpoints.read(checkpoint_file)
    except checkpoints.CheckpointError as exc:
        return ChainReport(False, 0, None, f"the checkpoint file was altered: {exc}")
    expected_at = {anchor.count: anchor for anchor in anchors}
    prev = GENESIS_HASH
    count = 0
    for event in _iter_events():
        if event.prev_hash != prev:
            return ChainReport(
                False,
                count,
                event.pk,
                "prev_hash does not match the event before it (a row was deleted or edited)",
            )
        expected = compute_hash(
            prev_hash=event.prev_hash,
            created_at=event.created_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
            client_address=event.client_address,
        )
        if expected != event.hash:
            return ChainReport(False, count, event.pk, "content does not match its hash")
        prev = event.hash
        count += 1
        anchor = expected_at.get(count)
        if anchor is not None and anchor.last_hash != event.hash:
            return ChainReport(
                False,
                count - 1,
                event.pk,
                f"event number {count} differs from the checkpoint of {anchor.at}: the chain was rewritten",
            )
    newest = max(anchors, key=lambda a: a.count, default=None)
    if newest is not None and newest.count > count:
        return ChainReport(
            False,
            count,
            None,
            f"the checkpoint of {newest.at} recorded {newest.count} events but {count} remain: "
            "events were deleted",
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None and count:
        return ChainReport(False, count, None, "the chain head row is missing")
    if head is not None and (head.last_hash != prev or head.count != count):
        if head.count > count:
            reason = f"the chain head records {head.count} events but {count} remain: the newest were deleted"
        else:
            reason = "the chain head does not match the newest event"
        return ChainReport(False, count, None, reason)
    return ChainReport(True, count, last_hash=prev, checkpoint=anchors[-1] if anchors else None)


def checkpoint(report: ChainReport) -> Path | None:
    """Anchor a chain that `verify_chain` found intact: a signed checkpoint of its length and newest
    hash, appended outside the database (none for an empty chain: there is nothing to anchor)."""
    if not report.ok:
        raise ValueError("only an intact chain is anchored")
    if not report.count:
        return None
    return checkpoints.write(count=report.count, last_hash=report.last_hash)


def history(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The audit events of one object, oldest first (the timeline on detail pages)."""
    object_type, object_id = _object_ref(obj)
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("id")

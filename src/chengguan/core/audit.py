"""Appending to and verifying the hash-chained audit trail (执法全过程记录, APL Art. 47).

Services call `record()` inside their own `transaction.atomic()` block, so the audit row commits or
rolls back with the change it describes.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from chengguan.core import clock, inserts
from chengguan.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64

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
    object_type, object_id = _object_ref(obj)
    prev_hash = _claim_head()
    actor_id = getattr(actor, "pk", None)
    actor_label = getattr(actor, "username", "") if actor is not None else "system"
    address = client_address if client_address is not None else client_address_var.get()
    before_c, after_c = _canonical(before), _canonical(after)
    created_at = clock.now()
    digest = compute_hash(
        prev_hash=prev_hash,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before_c,
        after=after_c,
        client_address=address,
    )
    event = AuditEvent(
        created_at=created_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before_c,
        after=after_c,
        client_address=address,
        prev_hash=prev_hash,
        hash=digest,
    )
    inserts.insert(event)
    with connection.cursor() as cursor:
        cursor.execute(_SET_HEAD, [digest])
    return event


_q = connection.ops.quote_name
_HEAD = _q(AuditChainHead._meta.db_table)
# Counting the event and reading the previous hash in one statement also takes the head's lock
# (PostgreSQL row lock; SQLite's write lock) until the caller's transaction ends.
_CLAIM_HEAD = f"UPDATE {_HEAD} SET {_q('count')} = {_q('count')} + 1 WHERE id = 1 RETURNING {_q('last_hash')}"
_SET_HEAD = f"UPDATE {_HEAD} SET {_q('last_hash')} = %s WHERE id = 1"


def _claim_head() -> str:
    """Lock the chain head, count one more event and return the hash the new event links to."""
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_HEAD)
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    raise RuntimeError("the audit chain head cannot be created")


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_id: int | None = None
    reason: str = ""


def _iter_events(batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report the first row whose content or link does not match."""
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
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None and count:
        return ChainReport(False, count, None, "the chain head row is missing")
    if head is not None and (head.last_hash != prev or head.count != count):
        if head.count > count:
            reason = f"the chain head records {head.count} events but {count} remain: the newest were deleted"
        else:
            reason = "the chain head does not match the newest event"
        return ChainReport(False, count, None, reason)
    return ChainReport(True, count)


def history(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The audit events of one object, oldest first (the timeline on detail pages)."""
    object_type, object_id = _object_ref(obj)
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("id")

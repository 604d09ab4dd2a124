"""SMS to citizens through a pluggable sender, with an outbox so nothing promised is lost.

`sms_queue()` writes an `OutboundMessage` in the caller's transaction and sends it only after that
transaction commits. A send that fails leaves the message queued with its error; `chengguan sms
retry` (or `send_queued()`) sends it again. The sender is `settings.CHENGGUAN_SMS_BACKEND`:
"console" (log it, the default), "file" (one JSON line per message in DATA_DIR/sms/outbox.jsonl)
or a dotted path to a class with `send(phone, body)` that raises on failure (a real gateway).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from chengguan.cases.models import Case
from chengguan.core import audit, clock
from chengguan.core.masking import mask_phone
from chengguan.messaging.models import MessageStatus, OutboundMessage

# A message left "sending" this long (the process died mid-send) is offered to `retry` again.
STALE_CLAIM = dt.timedelta(minutes=10)
_file_lock = threading.Lock()
log = logging.getLogger("chengguan.sms")


class SmsBackend(Protocol):
    def send(self, phone: str, body: str) -> None: ...


class ConsoleBackend:
    """Logs each message (logger `chengguan.sms`, level INFO): the default, so a bare install shows
    what would be sent with LOG_LEVEL=INFO and a demo year does not flood the terminal."""

    def send(self, phone: str, body: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), body)


class FileBackend:
    """Appends one JSON line per message to DATA_DIR/sms/outbox.jsonl (tests, air-gapped installs)."""

    def __init__(self, path: Path | None = None):
        self.path = path or Path(settings.DATA_DIR) / "sms" / "outbox.jsonl"

    def send(self, phone: str, body: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"phone": phone, "body": body, "at": clock.now().isoformat()}, ensure_ascii=False)
        with _file_lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


BACKENDS = {"console": ConsoleBackend, "file": FileBackend}


def get_backend() -> SmsBackend:
    name = getattr(settings, "CHENGGUAN_SMS_BACKEND", "console") or "console"
    return (BACKENDS.get(name) or import_string(name))()


def sms_queue(*, actor, phone: str, body: str, key: str, case: Case | None = None) -> OutboundMessage | None:
    """Queue one message (once per `key`) and send it when the surrounding transaction commits;
    `actor` is who sends it (a bureau's system account for the automatic texts). Returns None when a
    message with this key was queued before."""
    with transaction.atomic():
        message, created = OutboundMessage.objects.get_or_create(
            key=key,
            defaults={"phone": phone, "body": body[:300], "case": case, "created_at": clock.now()},
        )
        if not created:
            return None
        audit.record(
            actor=actor,
            action="sms.queued",
            obj=message,
            after={"to": mask_phone(phone), "key": key, "case": case.number if case else None},
        )
        transaction.on_commit(lambda: send_one(message.pk))
    return message


def _claim(message_id: int) -> OutboundMessage | None:
    """Take a queued (or stale) message for sending; None when another process has it or it went."""
    now = clock.now()
    claimable = OutboundMessage.objects.filter(pk=message_id, status=MessageStatus.QUEUED) | (
        OutboundMessage.objects.filter(
            pk=message_id, status=MessageStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
        )
    )
    if not claimable.update(status=MessageStatus.SENDING, claimed_at=now):
        return None
    return OutboundMessage.objects.get(pk=message_id)


def send_one(message_id: int, backend: SmsBackend | None = None) -> bool:
    """Send one message; True when the gateway took it. A failure is recorded and left queued."""
    message = _claim(message_id)
    if message is None:
        return False
    try:
        (backend or get_backend()).send(message.phone, message.body)
    except Exception as exc:  # any gateway failure: keep the message for the next retry
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.QUEUED,
            attempts=message.attempts + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:300],
        )
        return False
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, attempts=message.attempts + 1, sent_at=clock.now(), last_error=""
    )
    return True


def send_queued(limit: int | None = None) -> tuple[int, int]:
    """Send every message still waiting (oldest first). Returns (sent, still failing)."""
    stale = clock.now() - STALE_CLAIM
    waiting = OutboundMessage.objects.filter(status=MessageStatus.QUEUED) | OutboundMessage.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=stale
    )
    ids = list(waiting.order_by("id").values_list("pk", flat=True)[:limit])
    backend = get_backend()
    sent = sum(send_one(pk, backend) for pk in ids)
    return sent, len(ids) - sent

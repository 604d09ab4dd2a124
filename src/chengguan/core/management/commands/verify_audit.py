"""`chengguan verify-audit`: recompute the audit hash chain and name the first broken event."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from chengguan.core import clock
from chengguan.core.audit import verify_chain
from chengguan.core.models import AuditEvent


def _describe(event: AuditEvent) -> str:
    at = event.created_at.astimezone(clock.SHANGHAI).isoformat(timespec="seconds")
    return f"event #{event.pk} at {at}, action {event.action}, object {event.object_type}:{event.object_id}"


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail; exit 1 and name the first broken event if it was altered."

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"OK {report.count} events")
            return
        if report.broken_id is not None:
            event = AuditEvent.objects.filter(pk=report.broken_id).first()
            where = _describe(event) if event else f"event #{report.broken_id}"
            self.stderr.write(f"BROKEN {where}: {report.reason}")
        else:
            last = AuditEvent.objects.order_by("-pk").first()
            where = f"after {_describe(last)}" if last else "with no events left"
            self.stderr.write(f"BROKEN {where}: {report.reason}")
        self.stderr.write(f"{report.count} events verified before the break.")
        sys.exit(1)

"""`chengguan verify-audit`: recompute the audit hash chain, check it against the signed checkpoints
kept outside the database, name the first broken event, and anchor an intact chain anew."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from chengguan.core import clock
from chengguan.core.audit import checkpoint, verify_chain
from chengguan.core.models import AuditEvent


def _describe(event: AuditEvent) -> str:
    at = event.created_at.astimezone(clock.SHANGHAI).isoformat(timespec="seconds")
    return f"event #{event.pk} at {at}, action {event.action}, object {event.object_type}:{event.object_id}"


class Command(BaseCommand):
    help = (
        "Verify the hash-chained audit trail against its signed checkpoints; exit 1 and name the first "
        "broken event if it was altered, cut short or emptied. An intact chain gets a new checkpoint."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoint-file",
            help="check against this copy of the checkpoints (e.g. the one a second machine keeps) "
            "instead of the installation's own, and write no new checkpoint",
        )

    def handle(self, *args, checkpoint_file=None, verbosity=1, **options) -> None:
        report = verify_chain(checkpoint_file=Path(checkpoint_file) if checkpoint_file else None)
        if report.ok:
            self.stdout.write(f"OK {report.count} events")
            written = None if checkpoint_file else checkpoint(report)
            if verbosity >= 2:
                if report.checkpoint is not None:
                    self.stdout.write(
                        f"checked against the checkpoint of {report.checkpoint.at} "
                        f"({report.checkpoint.count} events)"
                    )
                if written is not None:
                    self.stdout.write(f"checkpoint appended to {written}")
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

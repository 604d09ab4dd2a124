"""The operations jobs: the hourly audit anchor verifies the chain (and fails loudly when it is
broken); the nightly backup does nothing until a backup directory is configured."""

from __future__ import annotations

from django.db import connection, transaction

from chengguan.core import audit
from chengguan.core.append_only import audit_maintenance
from chengguan.core.models import AuditEvent
from chengguan.ops import scheduler
from chengguan.ops.models import RunStatus


def test_the_audit_anchor_verifies_the_chain_and_fails_when_it_is_broken(db):
    with transaction.atomic():
        for i in range(3):
            audit.record(actor=None, action="test.event", obj=("test.thing", i))
    ok = scheduler.run_now("core.audit_anchor")
    assert ok.run.status == RunStatus.DONE and ok.run.result["events"] == 3
    event = AuditEvent.objects.order_by("id")[1]
    # A database administrator edits history behind the ORM, past the append-only triggers.
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'test.edited' WHERE id = %s", [event.pk])
    broken = scheduler.run_now("core.audit_anchor")
    assert broken.run.status == RunStatus.FAILED and f"event {event.pk}" in broken.run.error


def test_the_backup_job_waits_for_a_backup_directory(db, settings):
    settings.CHENGGUAN_BACKUP_DIR = ""
    outcome = scheduler.run_now("ops.backup")
    assert outcome.run.status == RunStatus.DONE and "not set" in outcome.run.result["skipped"]

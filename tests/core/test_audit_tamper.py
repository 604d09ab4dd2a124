"""The audit trail survives its database administrator: the database refuses UPDATE, DELETE and
TRUNCATE on the audit tables, and what gets past the refusal (the maintenance bypass, a dropped
trigger) is found by `verify-audit` against the signed checkpoints kept outside the database."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from chengguan.core import audit, checkpoints
from chengguan.core.append_only import audit_maintenance
from chengguan.core.models import AuditEvent


def _record(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit.record(actor=None, action="thing.update", obj=("test.thing", i), after={"n": i})
            for i in range(n)
        ]


def _verify(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _refused(statement: str, params: list | None = None) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql(statement, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET action = 'thing.delete' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id >= %s",
    ],
)
def test_the_database_refuses_to_edit_or_delete_audit_rows(statement):
    events = _record(3)
    _refused(statement, [events[1].pk])
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["thing.update"] * 3
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_the_chain_head_cannot_be_deleted_and_postgresql_refuses_truncate():
    _record(2)
    _refused("DELETE FROM core_auditchainhead")
    if connection.vendor == "postgresql":
        _sql("SET CONSTRAINTS ALL IMMEDIATE")  # else the test's open transaction refuses TRUNCATE itself
        _refused("TRUNCATE core_auditevent")
        _refused("TRUNCATE core_auditchainhead")
    assert AuditEvent.objects.count() == 2 and audit.verify_chain().ok


@pytest.mark.django_db
def test_appending_still_works_and_the_bypass_ends_with_its_block():
    events = _record(2)
    with audit_maintenance():
        _sql("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [events[0].pk])
    _refused("UPDATE core_auditevent SET action = 'y' WHERE id = %s", [events[0].pk])
    _record(1)
    assert AuditEvent.objects.count() == 3


def _anchor(n: int) -> list[AuditEvent]:
    """n events, anchored by a `verify-audit` run."""
    events = _record(n)
    assert _verify()[:2] == (0, f"OK {n} events\n")
    return events


@pytest.mark.django_db
def test_verify_audit_writes_a_signed_checkpoint_outside_the_database(settings):
    events = _anchor(4)
    lines = checkpoints.path().read_text().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert (entry["count"], entry["last_hash"]) == (4, events[-1].hash)
    assert set(entry) == {"count", "last_hash", "at", "mac"}
    key_file = Path(settings.AUDIT_CHECKPOINT_KEY_FILE)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    db_dir = Path(str(settings.DATABASES["default"]["NAME"])).parent
    assert checkpoints.path().parent != db_dir
    code, out, _ = _verify("-v", "2")
    assert code == 0 and "checked against the checkpoint of" in out and "(4 events)" in out


@pytest.mark.django_db
def test_deleting_the_newest_events_and_fixing_the_head_is_reported():
    events = _anchor(5)
    with audit_maintenance():
        _sql("DELETE FROM core_auditevent WHERE id >= %s", [events[3].pk])
        _sql("UPDATE core_auditchainhead SET count = 3, last_hash = %s WHERE id = 1", [events[2].hash])
    code, out, err = _verify()
    assert (code, out) == (1, "")
    assert "recorded 5 events but 3 remain" in err


@pytest.mark.django_db
def test_a_chain_rewritten_with_every_later_hash_recomputed_is_reported():
    events = _anchor(5)
    with audit_maintenance():
        _sql("DELETE FROM core_auditevent WHERE id >= %s", [events[1].pk])
        _sql("UPDATE core_auditchainhead SET count = 1, last_hash = %s WHERE id = 1", [events[0].hash])
    # The administrator re-appends the history with one change, so every hash and link is sound.
    with transaction.atomic():
        for i in range(1, 5):
            audit.record(actor=None, action="thing.update", obj=("test.thing", i), after={"n": i * 10})
    assert audit.verify_chain(checkpoint_file=Path("/nonexistent")).ok  # consistent in itself
    code, _, err = _verify()
    assert code == 1
    assert "event number 5 differs from the checkpoint" in err and "rewritten" in err


@pytest.mark.django_db
def test_emptying_both_tables_is_reported():
    _anchor(3)
    with audit_maintenance():
        _sql("DELETE FROM core_auditevent")
        _sql("DELETE FROM core_auditchainhead")
    code, _, err = _verify()
    assert code == 1
    assert "with no events left" in err and "recorded 3 events but 0 remain" in err


@pytest.mark.django_db
def test_an_edited_or_forged_checkpoint_is_reported(settings):
    _anchor(2)
    target = checkpoints.path()
    entry = json.loads(target.read_text())
    entry["count"] = 1
    target.write_text(json.dumps(entry) + "\n")
    code, _, err = _verify()
    assert code == 1 and "does not carry a valid signature" in err


@pytest.mark.django_db
def test_a_copy_of_the_checkpoints_from_another_machine_can_be_checked_against(tmp_path):
    _anchor(3)
    copy = tmp_path / "second-host.jsonl"
    copy.write_text(checkpoints.path().read_text())
    with audit_maintenance():
        _sql("DELETE FROM core_auditevent")
        _sql("DELETE FROM core_auditchainhead")
    checkpoints.path().unlink()  # the administrator also removes the local file
    assert _verify()[0] == 0  # nothing left to compare with on this machine ...
    code, _, err = _verify("--checkpoint-file", str(copy))
    assert code == 1 and "recorded 3 events but 0 remain" in err  # ... but the second host remembers


@pytest.mark.django_db
def test_every_thousandth_event_is_anchored_once_committed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        audit.record_many(
            audit.PendingEvent(actor=None, action="thing.import", obj=("test.thing", i)) for i in range(1500)
        )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for i in range(499):
            audit.record(actor=None, action="thing.update", obj=("test.thing", i))
    assert [c.count for c in checkpoints.read()] == [1500]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        last = audit.record(actor=None, action="thing.update", obj=("test.thing", 0))
    assert [(c.count, c.last_hash) for c in checkpoints.read()][-1] == (2000, last.hash)
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_the_checkpoint_key_may_come_from_the_environment(settings):
    settings.AUDIT_CHECKPOINT_KEY = "a-key-the-operator-keeps-elsewhere"
    _anchor(1)
    assert not Path(settings.AUDIT_CHECKPOINT_KEY_FILE).exists()
    settings.AUDIT_CHECKPOINT_KEY = "another-key"
    code, _, err = _verify()
    assert code == 1 and "valid signature" in err

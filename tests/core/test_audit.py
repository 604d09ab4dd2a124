"""The audit trail is append-only and hash-chained: any edit or deletion is found and named."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from chengguan.__main__ import main as chengguan_main
from chengguan.core import audit
from chengguan.core.append_only import audit_maintenance
from chengguan.core.models import AuditEvent


def _record(n: int, **kwargs) -> list[AuditEvent]:
    events = []
    with transaction.atomic():
        for i in range(n):
            events.append(
                audit.record(
                    actor=None,
                    action=kwargs.get("action", "thing.update"),
                    obj=("test.thing", i),
                    before={"n": i},
                    after={"n": i + 1, "名称": "占道经营"},
                )
            )
    return events


def _tamper(sql: str, params: list) -> None:
    """A database administrator's SQL, past the append-only triggers (the maintenance bypass)."""
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify() -> tuple[int, str, str]:
    """Run `verify-audit`; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_events_chain_each_to_the_one_before():
    events = _record(3)
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({e.hash for e in events}) == 3


@pytest.mark.django_db
def test_verify_reports_ok_and_the_count():
    _record(5)
    assert audit.verify_chain().ok
    assert _verify() == (0, "OK 5 events\n", "")


@pytest.mark.django_db
def test_verify_on_an_empty_trail_is_ok():
    assert _verify()[:2] == (0, "OK 0 events\n")


@pytest.mark.django_db
def test_dashed_command_name_works_from_the_cli(capsys):
    _record(2)
    chengguan_main(["chengguan", "verify-audit"])
    assert capsys.readouterr().out == "OK 2 events\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [("action", "thing.delete"), ("object_id", "999"), ("after", '{"n": 100}'), ("actor_label", "mallory")],
)
def test_editing_a_row_by_sql_is_named(column, value):
    events = _record(5)
    target = events[2]
    _tamper(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [value, target.pk])
    report = audit.verify_chain()
    assert (report.ok, report.broken_id, report.count) == (False, target.pk, 2)
    code, out, err = _verify()
    assert code == 1
    assert out == ""
    assert f"event #{target.pk} " in err
    assert "content does not match its hash" in err


@pytest.mark.django_db
def test_the_broken_event_is_described_with_time_action_and_object():
    events = _record(3, action="case.file")
    _tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["case.close", events[1].pk])
    _, _, err = _verify()
    assert f"event #{events[1].pk} at 20" in err
    assert "action case.close" in err
    assert "object test.thing:1" in err


@pytest.mark.django_db
def test_deleting_a_middle_row_is_caught_at_the_next_one():
    events = _record(5)
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    report = audit.verify_chain()
    assert (report.ok, report.broken_id) == (False, events[3].pk)
    code, _, err = _verify()
    assert code == 1
    assert f"event #{events[3].pk} " in err


@pytest.mark.django_db
def test_deleting_the_newest_row_is_caught_by_the_chain_head():
    events = _record(4)
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_id is None
    assert report.count == 3
    code, _, err = _verify()
    assert code == 1
    assert f"after event #{events[-2].pk} " in err
    assert "newest were deleted" in err


@pytest.mark.django_db
def test_rows_refuse_to_be_saved_again_or_deleted():
    event = _record(1)[0]
    event.action = "other"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.update"


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(actor=None, action="thing.update", obj=("test.thing", 1))
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_audit_row_and_the_chain_verifies():
    _record(2)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        audit.record(actor=None, action="thing.update", obj=("test.thing", 7))
        raise Boom
    assert AuditEvent.objects.count() == 2
    _record(1)
    assert _verify() == (0, "OK 3 events\n", "")


@pytest.mark.django_db
def test_client_address_and_actor_are_recorded_and_covered_by_the_hash():
    from tests.factories import UserFactory

    user = UserFactory(username="zhang")
    token = audit.client_address_var.set("10.1.2.3")
    try:
        with transaction.atomic():
            event = audit.record(actor=user, action="thing.update", obj=("test.thing", 1))
    finally:
        audit.client_address_var.reset(token)
    assert (event.actor_id, event.actor_label, event.client_address) == (user.pk, "zhang", "10.1.2.3")
    _tamper("UPDATE core_auditevent SET client_address = %s WHERE id = %s", ["10.9.9.9", event.pk])
    assert audit.verify_chain().broken_id == event.pk


@pytest.mark.django_db
def test_history_lists_one_objects_events_oldest_first():
    with transaction.atomic():
        first = audit.record(actor=None, action="thing.create", obj=("test.thing", 1))
        audit.record(actor=None, action="thing.create", obj=("test.thing", 2))
        second = audit.record(actor=None, action="thing.update", obj=("test.thing", 1))
    from chengguan.org.models import Role

    role = Role.objects.first()
    with transaction.atomic():
        audit.record(actor=None, action="role.touch", obj=role)
    assert list(audit.history(role).values_list("action", flat=True)) == ["role.touch"]
    assert [e.pk for e in AuditEvent.objects.filter(object_type="test.thing", object_id="1")] == [
        first.pk,
        second.pk,
    ]

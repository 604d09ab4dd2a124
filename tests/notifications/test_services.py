"""Sending notifications: once per event and person, as each person chose, urgent ones by SMS to
those who asked for it, one audit event per sending."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from chengguan.core.clock import pinned
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.notifications import services
from chengguan.notifications.models import Notification
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from tests.cases.conftest import QUIET_MOMENT


def send(district, *roles, message="case.overdue", key="case:1:overdue:x", **params):
    with pinned(QUIET_MOMENT):
        return services.notify(
            recipients=[district.users[r] for r in roles],
            message=message,
            key=key,
            params={"number": "4101022026000001", "stage": "handle", "due": "2026-09-15 18:00", **params},
            url="/cases/4101022026000001/",
            obj=("cases.case", 1),
            actor=system_actor(),
        )


def test_one_notification_per_person_and_event(district):
    first = send(district, R.HANDLER, R.SQUAD_LEADER)
    again = send(district, R.HANDLER, R.SQUAD_LEADER, R.LEADER)
    assert len(first) == 2 and [n.recipient.username for n in again] == ["leader"]
    assert Notification.objects.count() == 3
    events = AuditEvent.objects.filter(action="notification.send").order_by("id")
    # Filed under the notice and naming the case, so the case's own history holds only its steps.
    assert events.count() == 2 and events[0].object_type == "notifications.notification"
    assert events[0].after["about"].startswith("cases.case:")
    assert sorted(events[0].after["recipients"]) == sorted(
        [district.users[R.HANDLER].pk, district.users[R.SQUAD_LEADER].pk]
    )


def test_the_text_follows_the_readers_language(district):
    (note,) = send(district, R.HANDLER)
    assert note.text == "案件 4101022026000001 的处置已超期（2026-09-15 18:00 到期）。"
    with translation.override("en"):
        assert note.text == "Case 4101022026000001: handling is overdue (due 2026-09-15 18:00)."
    assert note.urgent and note.kind == "overdue"


def test_a_muted_kind_is_not_shown_but_an_escalation_always_is(district):
    handler = district.users[R.HANDLER]
    services.preferences_set(
        actor=handler, choices={"overdue": {"in_app": False}, "escalated": {"in_app": False}}
    )
    assert send(district, R.HANDLER) == []
    assert send(district, R.HANDLER, message="case.escalated_unit", key="k2", unit="建设路中队") != []
    assert handler.notification_preferences.get(kind="escalated").in_app is True


def test_urgent_notifications_go_by_sms_to_those_who_asked(
    district, sms_outbox, django_capture_on_commit_callbacks
):
    handler, leader = district.users[R.HANDLER], district.users[R.SQUAD_LEADER]
    handler.profile.phone = "13800138000"
    handler.profile.save(update_fields=["phone"])
    services.preferences_set(actor=handler, choices={"overdue": {"in_app": True, "sms": True}})
    with django_capture_on_commit_callbacks(execute=True):
        send(district, R.HANDLER, R.SQUAD_LEADER)
        send(district, R.HANDLER, message="case.dispatched", key="k3", category="暴露垃圾", unit="建设路中队")
    lines = [json.loads(line) for line in sms_outbox.read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["phone"] == "13800138000"
    assert lines[0]["body"].startswith("【城管】案件 4101022026000001 的处置已超期")
    assert lines[0]["body"].endswith("/cases/4101022026000001/")
    assert leader.notifications.count() == 1  # no SMS: the squad leader did not ask for one
    event = AuditEvent.objects.filter(action="notification.send").first()
    assert event.after["sms"] == [handler.pk]


def test_sms_only_for_urgent_kinds_and_only_with_a_phone(district):
    handler = district.users[R.HANDLER]
    with pytest.raises(ValidationFailed) as refused:
        services.preferences_set(actor=handler, choices={"handoff": {"sms": True}})
    assert refused.value.code == "notification.sms_not_urgent"
    handler.profile.phone = ""
    handler.profile.save(update_fields=["phone"])
    with pytest.raises(ValidationFailed) as no_phone:
        services.preferences_set(actor=handler, choices={"overdue": {"sms": True}})
    assert no_phone.value.code == "notification.no_phone"
    assert not handler.notification_preferences.exists()


def test_reading_is_for_the_recipient_only(district):
    (note,) = send(district, R.HANDLER)
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=district.users[R.LEADER], notification_id=note.pk)
    with pinned(QUIET_MOMENT):
        services.notification_mark_read(actor=district.users[R.HANDLER], notification_id=note.pk)
    note.refresh_from_db()
    assert note.read_at == QUIET_MOMENT


def test_an_inactive_user_gets_nothing(district):
    handler = district.users[R.HANDLER]
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    assert send(district, R.HANDLER) == []

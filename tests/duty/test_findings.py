"""督察 findings put right: the deadline on the China calendar, the rectification sent back once and
closed, a contest decided by the bureau's leader, escalation after the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chengguan.core import clock, schedule
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.duty import findings, services
from chengguan.duty.models import Finding, FindingKind
from chengguan.notifications.models import Notification
from tests.duty.conftest import at

pytestmark = pytest.mark.django_db


def _record(force, kind=FindingKind.NOT_ON_POST, when=None, **extra) -> Finding:
    return services.finding_record(
        actor=force.users["force_inspector"],
        unit=force.squad,
        kind=kind,
        description="岗位无人",
        place="人民路与建设路口",
        observed_at=when or at(2026, 10, 12, 10),
        **extra,
    )


@pytest.mark.parametrize(
    "kind, observed, due",
    [
        # The eve of National Day: 1–7 October are off, 8 October the first working day after.
        (FindingKind.NOT_ON_POST, dt.date(2026, 9, 30), dt.date(2026, 10, 8)),
        # Found during the holiday: the count starts after it.
        (FindingKind.DISCIPLINE, dt.date(2026, 10, 3), dt.date(2026, 10, 10)),  # 8, 9, Sat 10 (make-up)
        (FindingKind.STREET, dt.date(2026, 10, 9), dt.date(2026, 10, 12)),  # Sat 10 is worked: 10, then 12
        (FindingKind.NOT_ON_POST, dt.date(2026, 10, 16), dt.date(2026, 10, 19)),  # Friday → Monday
    ],
)
def test_rectification_deadline_is_counted_in_working_days(kind, observed, due):
    assert findings.due_on(kind, observed) == due


def test_a_finding_on_the_eve_of_the_holiday_is_due_after_it(force, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        f = _record(force, when=at(2026, 9, 30, 16))
    assert f.due_on == dt.date(2026, 10, 8) and f.state == "rectifying"
    # The squad's leaders are told.
    assert Notification.objects.filter(
        recipient=force.users["squad_leader"], message="duty.finding_recorded"
    ).exists()


def test_only_force_inspectors_record_and_bad_input_changes_nothing(force):
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=force.users["squad_leader"], unit=force.squad, kind="street", description="x", place="y"
        )
    with pytest.raises(ValidationFailed) as exc:
        services.finding_record(
            actor=force.users["force_inspector"],
            unit=force.squad,
            kind="discipline",
            description="",
            place="y",
        )
    assert {"discipline", "description"} <= set(exc.value.fields)
    assert not Finding.objects.exists()


def test_sent_back_once_then_closed(force, django_capture_on_commit_callbacks):
    f = _record(force)
    unit_leader, inspector = force.users["squad_leader"], force.users["force_inspector"]
    with pytest.raises(PermissionDenied):
        services.finding_transition(
            actor=force.users["other_squad_leader"], finding=f, action="report", rectification="已整改"
        )
    with clock.pinned(at(2026, 10, 12, 15)), django_capture_on_commit_callbacks(execute=True):
        services.finding_transition(
            actor=unit_leader, finding=f, action="report", rectification="已安排专人补岗"
        )
    assert Notification.objects.filter(recipient=inspector, message="duty.finding_reported").exists()
    with pytest.raises(PermissionDenied):
        services.finding_transition(actor=unit_leader, finding=f, action="close")
    with clock.pinned(at(2026, 10, 16, 9)):  # a Friday: the new deadline is Monday
        f = services.finding_transition(
            actor=inspector, finding=f, action="send_back", reason="复查仍无人在岗"
        )
    assert (f.state, f.sent_back, f.due_on) == ("rectifying", 1, dt.date(2026, 10, 19))
    services.finding_transition(actor=unit_leader, finding=f, action="report", rectification="已落实双人在岗")
    f = services.finding_transition(actor=inspector, finding=f, action="close", note="复查合格")
    assert f.state == "closed" and f.closed_at is not None


def test_a_finding_is_contested_once_and_decided_by_the_leader(force):
    f = _record(force)
    f = services.finding_transition(
        actor=force.users["squad_leader"], finding=f, action="contest", reason="当时在处置案件"
    )
    with pytest.raises(PermissionDenied):
        services.finding_transition(
            actor=force.users["force_inspector"], finding=f, action="uphold", note="x"
        )
    with clock.pinned(at(2026, 10, 13, 9)):
        f = services.finding_transition(
            actor=force.users["leader"], finding=f, action="uphold", note="无处置记录，维持"
        )
    assert f.state == "rectifying" and f.due_on == dt.date(2026, 10, 14)
    with pytest.raises(Conflict) as exc:
        services.finding_transition(
            actor=force.users["squad_leader"], finding=f, action="contest", reason="再申诉"
        )
    assert exc.value.code == "finding.already_contested"


def test_an_overdue_rectification_escalates_once_per_deadline(force):
    f = _record(force, when=at(2026, 9, 30, 16))  # due 8 October
    job = schedule.get("duty.findings_overdue")
    assert job.func(at(2026, 10, 8, 9)) == {"escalated": 0}  # due today: not late yet
    assert job.func(at(2026, 10, 9, 9)) == {"escalated": 1}
    assert job.func(at(2026, 10, 9, 10)) == {"escalated": 0}
    told = Notification.objects.filter(message="duty.finding_overdue")
    assert {n.recipient_id for n in told} >= {force.users["leader"].pk, force.users["squad_leader"].pk}
    f.refresh_from_db()
    assert f.escalated_at is not None


def test_the_two_roles_work_a_finding_through_the_pages(force, client):
    client.force_login(force.users["force_inspector"])
    r = client.post(
        reverse("duty:finding-new"),
        {
            "unit": force.squad.pk,
            "kind": "discipline",
            "discipline": "uniform",
            "place": "人民路",
            "description": "未按规定着装",
            "observed_at": "2026-10-12T10:00",
        },
    )
    f = Finding.objects.get()
    assert r.status_code == 302 and f.discipline == "uniform"
    page = client.get(reverse("duty:finding", args=[f.pk])).content.decode()
    assert 'data-testid="form-report"' not in page  # the inspector does not rectify
    client.force_login(force.users["squad_leader"])
    assert 'data-testid="form-report"' in client.get(reverse("duty:finding", args=[f.pk])).content.decode()
    r = client.post(reverse("duty:finding-action", args=[f.pk, "report"]), {})
    assert r.status_code == 400 and "error-rectification" in r.content.decode()
    client.post(reverse("duty:finding-action", args=[f.pk, "report"]), {"report-rectification": "已整改"})
    client.force_login(force.users["force_inspector"])
    client.post(reverse("duty:finding-action", args=[f.pk, "send_back"]), {"send_back-reason": "仍未整改"})
    client.force_login(force.users["squad_leader"])
    client.post(reverse("duty:finding-action", args=[f.pk, "report"]), {"report-rectification": "已全部整改"})
    client.force_login(force.users["force_inspector"])
    client.post(reverse("duty:finding-action", args=[f.pk, "close"]), {"close-note": "合格"})
    f.refresh_from_db()
    assert (f.state, f.sent_back) == ("closed", 1)
    listing = client.get(reverse("duty:findings")).content.decode()
    assert "已销号" in listing
    client.force_login(force.users["other_squad_leader"])
    assert client.get(reverse("duty:finding", args=[f.pk])).status_code == 404


def test_a_refused_finding_form_comes_back_with_400_and_records_nothing(force, client):
    client.force_login(force.users["force_inspector"])
    r = client.post(
        reverse("duty:finding-new"), {"unit": force.squad.pk, "kind": "discipline", "place": "人民路"}
    )
    assert r.status_code == 400 and 'data-testid="finding-form"' in r.content.decode()
    assert not Finding.objects.exists()

"""Major-matter notices: read receipts, responses, and the escalation of an unread notice after its
deadline to the reader's unit leaders, then to the bureau's leaders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.core.models import AuditEvent
from chengguan.duty import services
from chengguan.duty.models import NoticeReceipt
from chengguan.notifications.models import Notification
from tests.duty.conftest import at
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _issue(force, **kw):
    with clock.pinned(at(2026, 10, 8, 9)):
        return services.notice_issue(
            actor=force.users["leader"],
            bureau=force.bureau,
            kind="media",
            level="major",
            title="人民路占道经营被媒体曝光",
            body="请立即核查处置并报告。",
            **({"people": [force.officers[0]], "units": [force.squad]} | kw),
        )


def test_an_unread_notice_escalates_after_its_deadline(force, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _issue(force)
    # A major matter is read within 2 hours: by 11:00. The squad's leaders and officer 0 must read it.
    assert notice.read_by == at(2026, 10, 8, 11)
    readers = set(notice.receipts.values_list("person_id", flat=True))
    assert readers == {force.officers[0].pk, force.users["squad_leader"].pk, force.users["shift_leader"].pk}
    assert Notification.objects.filter(recipient=force.officers[0], message="duty.notice_issued").exists()
    with clock.pinned(at(2026, 10, 8, 9, 30)):
        services.notice_read(actor=force.users["squad_leader"], notice=notice)
        services.notice_read(actor=force.users["shift_leader"], notice=notice)
    from chengguan.duty.scheduled import notices_escalate

    # Before the deadline nothing happens.
    assert notices_escalate(at(2026, 10, 8, 10, 45)) == {"escalated": 0}
    # After it, the officer's unread receipt goes to the squad's leaders (step 1), once.
    assert notices_escalate(at(2026, 10, 8, 11, 15)) == {"escalated": 1}
    assert notices_escalate(at(2026, 10, 8, 11, 30)) == {"escalated": 0}
    told = Notification.objects.filter(message="duty.notice_escalated").values_list("recipient_id", flat=True)
    assert set(told) == {force.users["squad_leader"].pk, force.users["shift_leader"].pk}
    # Still unread a window (2 h) later: up to the bureau's leaders (step 2), and no further.
    assert notices_escalate(at(2026, 10, 8, 13, 15)) == {"escalated": 1}
    assert notices_escalate(at(2026, 10, 9, 13)) == {"escalated": 0}
    assert Notification.objects.filter(
        message="duty.notice_escalated", recipient=force.users["leader"]
    ).exists()
    receipt = NoticeReceipt.objects.get(notice=notice, person=force.officers[0])
    assert receipt.escalation == 2 and receipt.read_at is None
    assert AuditEvent.objects.filter(action="duty.notice_escalate").count() == 2


def test_an_unanswered_notice_escalates_after_the_response_deadline(force):
    notice = _issue(force, units=[], response_required=True, respond_within=dt.timedelta(hours=4))
    with clock.pinned(at(2026, 10, 8, 9, 10)):
        services.notice_read(actor=force.officers[0], notice=notice)
    from chengguan.duty.scheduled import notices_escalate

    assert notices_escalate(at(2026, 10, 8, 12)) == {"escalated": 0}  # read in time, answer due 13:00
    assert notices_escalate(at(2026, 10, 8, 13, 15)) == {"escalated": 1}
    with clock.pinned(at(2026, 10, 8, 13, 20)):
        services.notice_respond(actor=force.officers[0], notice=notice, response="已核查，当场处置")
    assert notices_escalate(at(2026, 10, 9, 13)) == {"escalated": 0}


def test_only_readers_acknowledge_and_only_the_office_issues(force):
    notice = _issue(force)
    with pytest.raises(Exception) as exc:
        services.notice_read(actor=force.officers[1], notice=notice)
    assert exc.value.code == "notice.not_a_reader"
    with pytest.raises(Exception) as exc:
        services.notice_issue(
            actor=force.users["handler"],
            bureau=force.bureau,
            kind="media",
            level="major",
            title="x",
            body="y",
            people=[force.officers[0]],
        )
    assert exc.value.code == "notice.forbidden"
    services.notice_close(actor=force.users["leader"], notice=notice)
    with pytest.raises(Exception) as exc:
        services.notice_read(actor=force.officers[0], notice=notice)
    assert exc.value.code == "notice.closed"


def test_the_notice_pages_and_api(force):
    notice = _issue(force, response_required=True)
    officer = Client()
    assert officer.login(username=force.officers[0].username, password=DEMO_PASSWORD)
    with clock.pinned(at(2026, 10, 8, 9, 5)):
        assert "人民路占道经营被媒体曝光" in officer.get(reverse("duty:notices")).content.decode()
        assert officer.get(reverse("duty:notice", args=[notice.pk])).status_code == 200
        assert officer.post(reverse("duty:notice-read", args=[notice.pk])).status_code == 302
        r = officer.post(reverse("duty:notice-respond", args=[notice.pk]), {"response": "已处置"})
        assert r.status_code == 302
    receipt = NoticeReceipt.objects.get(notice=notice, person=force.officers[0])
    assert receipt.read_at and receipt.response == "已处置"
    leader = Client()
    assert leader.login(username=force.users["leader"].username, password=DEMO_PASSWORD)
    page = leader.get(reverse("duty:notice", args=[notice.pk])).content.decode()
    assert "已处置" in page
    api = APIClient()
    api.force_authenticate(force.users["squad_leader"])
    with clock.pinned(at(2026, 10, 8, 9, 6)):
        assert api.post(f"/api/v1/duty/notices/{notice.pk}/read/").status_code == 200
    body = api.get(f"/api/v1/duty/notices/{notice.pk}/").json()
    assert {r["person"]: bool(r["read_at"]) for r in body["receipts"]}[force.users["squad_leader"].pk]
    assert api.get("/api/v1/duty/notices/").json()["count"] == 1

"""The duty log and handover: events of a shift, the cases reported during it linked by time and unit,
and a handover the next shift must accept (waiting in its notifications and duty page until then)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.duty import selectors, services
from chengguan.duty.models import HandoverState, Post
from chengguan.notifications.models import Notification
from tests.duty.conftest import at, pattern
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _two_shifts(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    today, tomorrow = (
        roster.shifts.get(date=dt.date(2026, 10, 8)),
        roster.shifts.get(date=dt.date(2026, 10, 9)),
    )
    services.shift_assign(actor=force.system, shift=today, staff=force.officers[0], post=Post.CHIEF)
    services.shift_assign(actor=force.system, shift=tomorrow, staff=force.officers[1], post=Post.CHIEF)
    return today, tomorrow


def test_a_handover_waits_for_the_next_shift_to_accept_it(force, django_capture_on_commit_callbacks):
    today, tomorrow = _two_shifts(force)
    o0, o1 = force.officers[:2]
    with clock.pinned(at(2026, 10, 8, 10)):
        services.log_add(actor=o0, shift=today, kind="call", text="市民来电反映人民路噪声")
    with pytest.raises(Exception) as exc:
        services.log_add(actor=o1, shift=today, kind="call", text="x")
    assert exc.value.code in ("handover.not_on_shift", "duty.forbidden")
    with clock.pinned(at(2026, 10, 9, 7, 50)), django_capture_on_commit_callbacks(execute=True):
        h = services.handover_give(actor=o0, shift=today, notes="夜间平稳", open_matters="人民路噪声待回访")
    assert h.next_shift == tomorrow and h.state == HandoverState.PENDING
    assert Notification.objects.filter(recipient=o1, message="duty.handover_waiting").exists()
    assert list(selectors.pending_handovers(o1)) == [h]
    with pytest.raises(Exception) as exc:
        services.handover_transition(actor=o0, handover=h, action="accept")
    assert exc.value.code == "handover.forbidden"
    with clock.pinned(at(2026, 10, 9, 8)):
        services.handover_transition(actor=o1, handover=h, action="accept", note="已接班")
    h.refresh_from_db()
    assert h.state == HandoverState.ACCEPTED and h.accepted_by == o1
    assert list(selectors.pending_handovers(o1)) == []


def test_cases_reported_during_the_shift_are_linked_by_time_and_unit(force):
    from chengguan.cases.models import Case

    today, _tomorrow = _two_shifts(force)
    assert list(selectors.cases_during(force.users["admin"], today)) == []
    # The query reads the cases of the shift's unit by the time they were reported (no copy kept).
    sql = str(selectors.cases_during(force.users["admin"], today).query)
    assert "reported_at" in sql and Case._meta.db_table in sql


def test_the_log_page_and_api(force):
    today, _tomorrow = _two_shifts(force)
    c = Client()
    assert c.login(username=force.officers[0].username, password=DEMO_PASSWORD)
    with clock.pinned(at(2026, 10, 8, 10)):
        assert c.get(reverse("duty:log", args=[today.pk])).status_code == 200
        r = c.post(reverse("duty:log-add", args=[today.pk]), {"kind": "incident", "text": "建设路井盖缺失"})
        assert r.status_code == 302
        r = c.post(reverse("duty:handover", args=[today.pk]), {"notes": "交班", "open_matters": ""})
    assert today.log.count() == 1 and today.handover.state == "pending"
    api = APIClient()
    api.force_authenticate(force.officers[1])
    body = api.get(f"/api/v1/duty/logs/{today.pk}/").json()
    assert body["entries"][0]["text"] == "建设路井盖缺失" and body["handover"]["available_actions"] == [
        "accept"
    ]
    with clock.pinned(at(2026, 10, 9, 8)):
        r = api.post(f"/api/v1/duty/handovers/{today.handover.pk}/accept/", {"note": "ok"}, format="json")
    assert r.status_code == 200, r.content
    assert api.get("/api/v1/duty/logs/").json()["count"] == 1
    assert api.get("/api/v1/duty/rosters/").json()["results"][0]["shifts"] == 31

"""The duty pages: the roster week with who is on duty and what is unfilled, one's own shifts with
clocking in, swaps decided from the roster page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chengguan.core import clock
from chengguan.duty import services
from chengguan.duty.models import Assignment, Post, RosterChange, Shift
from tests.duty.conftest import at, pattern

pytestmark = pytest.mark.django_db


def _roster(force):
    pattern(force)
    return services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))


def test_the_roster_week_shows_posts_gaps_and_who_is_on_duty(force, client):
    roster = _roster(force)
    shift = roster.shifts.get(date=dt.date(2026, 10, 8))
    a = services.shift_assign(actor=force.system, shift=shift, staff=force.officers[0], post=Post.OFFICER)
    with clock.pinned(at(2026, 10, 8, 9)):
        services.clock_in(actor=force.officers[0], assignment=a)
        client.force_login(force.users["handler"])
        page = client.get(
            reverse("duty:roster"), {"unit": force.squad.pk, "week": "2026-10-08"}
        ).content.decode()
    assert "队员0" in page and "法定节假日" in page and "调休上班日" in page
    assert 'data-testid="gap"' in page
    on_duty = page.split('data-testid="on-duty-now"')[1].split("</section>")[0]
    assert "队员0" in on_duty
    assert "生成值班表" not in page  # a handler does not plan rosters


def test_a_planner_generates_and_assigns_from_the_page(force, client):
    pattern(force)
    client.force_login(force.users["squad_leader"])
    r = client.post(reverse("duty:generate"), {"unit": force.squad.pk, "month": "2026-10"})
    assert r.status_code == 302
    shift = Shift.objects.get(unit=force.squad, date=dt.date(2026, 10, 9))
    client.post(reverse("duty:assign"), {"shift": shift.pk, "staff": force.officers[1].pk, "post": "officer"})
    assert Assignment.objects.filter(shift=shift, staff=force.officers[1]).exists()
    # The same person on the same shift again: refused with the overlap message, nothing added.
    r = client.post(
        reverse("duty:assign"),
        {"shift": shift.pk, "staff": force.officers[1].pk, "post": "chief"},
        follow=True,
    )
    assert "重叠" in r.content.decode() and Assignment.objects.filter(shift=shift).count() == 1


def test_clock_in_and_ask_for_leave_from_my_duty(force, client):
    roster = _roster(force)
    a = services.shift_assign(
        actor=force.system,
        shift=roster.shifts.get(date=dt.date(2026, 10, 8)),
        staff=force.officers[0],
        post=Post.OFFICER,
    )
    client.force_login(force.officers[0])
    with clock.pinned(at(2026, 10, 8, 8, 5)):
        client.post(reverse("duty:clock", args=[a.pk, "in"]))
        assert "正在值班" in client.get(reverse("duty:mine")).content.decode()
        client.post(reverse("duty:change", args=[a.pk]), {"kind": "leave", "reason": "发烧"})
    change = RosterChange.objects.get(assignment=a)
    client.force_login(force.users["squad_leader"])
    with clock.pinned(at(2026, 10, 8, 8, 10)):
        page = client.get(reverse("duty:roster"), {"unit": force.squad.pk}).content.decode()
        assert "发烧" in page
        client.post(reverse("duty:change-action", args=[change.pk, "approve"]), {"note": ""})
    change.refresh_from_db()
    assert change.state == "approved"

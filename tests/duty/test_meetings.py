"""Meetings: the Monday meeting recurs weekly on the China calendar, action items are tracked to done,
and an overdue item joins the next Monday meeting's agenda and the assignee's notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.core.models import AuditEvent
from chengguan.duty import selectors, services
from chengguan.duty.models import ItemState, Meeting, MeetingKind, MeetingState
from chengguan.notifications.models import Notification
from tests.duty.conftest import at
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_monday_meeting_moves_off_a_holiday_monday(force):
    # 2026-10-05 is a Monday of the National Day holiday (10-01 to 10-07): the meeting is on 10-08.
    made = services.monday_meetings_schedule(
        actor=force.system, bureau=force.bureau, today=dt.date(2026, 10, 2), weeks=3
    )
    days = [m.starts_at.astimezone(clock.SHANGHAI).date() for m in made]
    assert days == [dt.date(2026, 9, 28), dt.date(2026, 10, 8), dt.date(2026, 10, 12)]
    assert {m.week_of.weekday() for m in made} == {0}
    again = services.monday_meetings_schedule(
        actor=force.system, bureau=force.bureau, today=dt.date(2026, 10, 2), weeks=3
    )
    assert again == [] and Meeting.objects.count() == 3
    # The bureau's leaders and squad leaders are expected.
    expected = set(made[0].attendees.values_list("person_id", flat=True))
    assert {force.users["leader"].pk, force.users["squad_leader"].pk} <= expected


def test_an_overdue_action_item_is_on_the_next_monday_meetings_agenda(
    force, django_capture_on_commit_callbacks
):
    admin = force.users["admin"]
    with clock.pinned(at(2026, 9, 28, 8)), django_capture_on_commit_callbacks(execute=True):
        sep28, oct8, oct12 = services.monday_meetings_schedule(
            actor=admin, bureau=force.bureau, today=dt.date(2026, 9, 28), weeks=3
        )
        item = services.action_item_add(
            actor=admin,
            meeting=sep28,
            title="清理人民路占道经营",
            unit=force.squad,
            due_on=dt.date(2026, 10, 9),
        )
        other = services.action_item_add(
            actor=admin,
            meeting=sep28,
            title="报送节日值班表",
            person=force.officers[0],
            due_on=dt.date(2026, 9, 30),
        )
        services.meeting_hold(
            actor=admin, meeting=sep28, minutes="通报上周工作", decisions=["节日期间加强巡查"]
        )
    # The squad leader was told at once; the officer finishes on time.
    assert Notification.objects.filter(
        recipient=force.users["squad_leader"], message="duty.action_item_assigned"
    ).exists()
    with clock.pinned(at(2026, 9, 30, 9)):
        services.action_item_transition(
            actor=force.officers[0], item=other, action="complete", result="已报送"
        )
    # On 10-08 the item (due 10-09) is not overdue yet: not on that meeting's agenda.
    assert [r.carried for r in selectors.agenda(oct8) if r.carried] == []
    # Past its due date and still open: on the agenda of the next Monday meeting (10-12), by itself.
    rows = selectors.agenda(oct12)
    assert [r.carried.pk for r in rows if r.carried] == [item.pk]
    assert rows[-1].title == "清理人民路占道经营"
    # And in the assignee's notifications (the daily job), once.
    from chengguan.duty.scheduled import monday_meetings

    result = monday_meetings(at(2026, 10, 10, 6, 30))
    assert result["reminded"] == 1
    assert monday_meetings(at(2026, 10, 10, 6, 30))["reminded"] == 0
    assert (
        Notification.objects.filter(
            recipient=force.users["squad_leader"], message="duty.action_item_overdue"
        ).count()
        == 1
    )
    # Holding the meeting keeps the carried item on its agenda.
    with clock.pinned(at(2026, 10, 12, 10)):
        services.meeting_hold(actor=admin, meeting=oct12, minutes="督办逾期事项")
    oct12.refresh_from_db()
    assert oct12.state == MeetingState.HELD
    assert list(oct12.agenda.filter(carried__isnull=False).values_list("carried_id", flat=True)) == [item.pk]
    with clock.pinned(at(2026, 10, 12, 10)):
        services.action_item_transition(
            actor=force.users["squad_leader"], item=item, action="complete", result="已清理"
        )
    item.refresh_from_db()
    assert item.state == ItemState.DONE


def test_only_the_office_plans_meetings_and_a_held_meeting_is_closed(force):
    with pytest.raises(Exception) as exc:
        services.meeting_plan(
            actor=force.users["handler"],
            bureau=force.bureau,
            kind=MeetingKind.SPECIAL,
            title="x",
            starts_at=at(2026, 10, 9, 9),
        )
    assert exc.value.code == "meeting.forbidden"
    m = services.meeting_plan(
        actor=force.users["leader"],
        bureau=force.bureau,
        kind=MeetingKind.SPECIAL,
        title="专题会",
        starts_at=at(2026, 10, 9, 9),
    )
    services.meeting_hold(actor=force.users["leader"], meeting=m, minutes="纪要")
    with pytest.raises(Exception) as exc:
        services.agenda_add(actor=force.users["leader"], meeting=m, title="迟到的议题")
    assert exc.value.code == "meeting.held"
    with pytest.raises(Exception) as exc:
        services.meeting_plan(
            actor=force.users["other_bureau_admin"],
            bureau=force.bureau,
            kind="special",
            title="x",
            starts_at=at(2026, 10, 9),
        )
    assert exc.value.code == "meeting.other_bureau"


def test_the_meeting_pages_and_api(force):
    admin = force.users["admin"]
    with clock.pinned(at(2026, 9, 28, 8)):
        sep28, oct8 = services.monday_meetings_schedule(
            actor=admin, bureau=force.bureau, today=dt.date(2026, 9, 28)
        )
        services.action_item_add(
            actor=admin, meeting=sep28, title="整治夜市", unit=force.squad, due_on=dt.date(2026, 9, 30)
        )
    c = Client()
    assert c.login(username=admin.username, password=DEMO_PASSWORD)
    with clock.pinned(at(2026, 10, 8, 8)):
        page = c.get(reverse("duty:meeting", args=[oct8.pk]))
        assert (
            page.status_code == 200
            and "整治夜市" in page.content.decode()
            and 'data-testid="carried"' in page.content.decode()
        )
        r = c.post(reverse("duty:meeting-hold", args=[oct8.pk]), {"minutes": "纪要", "decisions": "一\n二"})
        assert r.status_code == 302
        oct8.refresh_from_db()
        assert oct8.state == MeetingState.HELD and oct8.decisions.count() == 2
        leader = Client()
        assert leader.login(username=force.users["squad_leader"].username, password=DEMO_PASSWORD)
        assert "整治夜市" in leader.get(reverse("duty:meetings")).content.decode()
        item = sep28.action_items.get()
        r = leader.post(
            reverse("duty:action-item-action", args=[item.pk, "complete"]),
            {f"complete-{item.pk}-result": "已整治"},
        )
        assert r.status_code == 302
        item.refresh_from_db()
        assert item.state == ItemState.DONE
    api = APIClient()
    api.force_authenticate(force.users["squad_leader"])
    body = api.get(f"/api/v1/duty/meetings/{oct8.pk}/").json()
    assert [a["carried"] for a in body["agenda"] if a["carried"]] == [item.pk]
    assert api.get("/api/v1/duty/meetings/").json()["count"] == 2
    assert AuditEvent.objects.filter(action="action_item.complete").count() == 1

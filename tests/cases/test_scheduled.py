"""The case deadline job: a due time two working hours away tells the people the case waits for
exactly once, counted on the China calendar across a holiday; an overdue case is announced and goes
up to its unit's leader, then to the bureau's shift leader, each once and audited; a supervision
reply is announced, warned of and, when late, sent to the leader who asked for it."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.cases import scheduled
from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.cases.supervision import supervision_create
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.models import AuditEvent
from chengguan.notifications.models import Escalation, Notification
from chengguan.ops import scheduler
from chengguan.ops.models import ScheduledRun
from chengguan.org.roles import RoleCode as R
from tests.cases.flow import drive, report


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


# 30 September 2026 is the last working day before the National Day holiday (1–7 October).
DISPATCHED_AT = at(9, 30, 15, 0)
DUE = at(10, 8, 9, 30)  # 4 working hours: 15:00–18:00, then 08:30–09:30 after the holiday


def run_job(moment: dt.datetime) -> dict:
    with pinned(moment):
        return scheduled.deadlines_job(moment)


def who(message: str) -> list[str]:
    return sorted(Notification.objects.filter(message=message).values_list("recipient__username", flat=True))


@pytest.fixture
def dispatched(district):
    with pinned(DISPATCHED_AT - dt.timedelta(minutes=10)):
        case = drive(district, CaseState.FILED)
    with pinned(DISPATCHED_AT):
        case = case_transition(actor=district.users[R.DISPATCHER], case=case, action="dispatch")
    assert case.stage_due_at == DUE
    return case


def test_two_working_hours_before_a_due_time_after_a_holiday_tells_the_unit_once(district, dispatched):
    run_job(at(9, 30, 16, 55))  # 1 h 05 before 18:00 and 1 h after the holiday: 2 h 05 left
    assert who("case.deadline_soon") == []
    run_job(at(9, 30, 17, 0))  # exactly two working hours left
    assert who("case.deadline_soon") == ["handler", "squad_leader"]
    for moment in (at(9, 30, 17, 40), at(10, 3, 12, 0), at(10, 8, 7, 30), at(10, 8, 8, 45)):
        run_job(moment)
    notices = Notification.objects.filter(message="case.deadline_soon")
    assert notices.count() == 2
    text = notices.first().text
    assert dispatched.number in text and "2026-10-08 09:30" in text and "2 个工作小时" in text
    assert notices.first().url == f"/cases/{dispatched.number}/"


def test_a_wall_clock_two_hours_is_not_two_working_hours(district, dispatched):
    """Two hours before the due time by the clock is 07:30 on the first day back: far too late."""
    run_job(at(9, 30, 15, 30))
    assert who("case.deadline_soon") == []
    run_job(at(10, 8, 7, 30))
    assert who("case.deadline_soon") == ["handler", "squad_leader"]


def test_a_case_in_handling_warns_its_unit_and_nobody_else(district, dispatched):
    with pinned(at(9, 30, 15, 10)):
        case_transition(actor=district.users[R.HANDLER], case=dispatched, action="accept")
    run_job(at(9, 30, 17, 5))
    assert who("case.deadline_soon") == ["handler", "squad_leader"]
    assert not Notification.objects.filter(recipient=district.users["other_handler"]).exists()


def test_desk_steps_of_one_working_hour_get_no_warning(district):
    with pinned(at(9, 15, 9, 0)):
        report(district, role=R.OPERATOR)
    run_job(at(9, 15, 9, 10))
    run_job(at(9, 15, 9, 50))
    assert not Notification.objects.filter(message="case.deadline_soon").exists()


def test_an_overdue_case_goes_to_the_unit_leader_then_the_shift_leader_once_each(district, dispatched):
    run_job(at(10, 8, 9, 31))
    assert who("case.overdue") == ["handler", "squad_leader"]
    assert who("case.escalated_unit") == ["squad_leader"]
    assert who("case.escalated_bureau") == []
    run_job(at(10, 8, 17, 0))
    run_job(at(10, 9, 9, 59))  # 7 h 59 of office time overdue
    assert who("case.escalated_bureau") == []
    run_job(at(10, 9, 10, 0))  # 8 working hours overdue: the bureau's shift leader
    run_job(at(10, 9, 10, 5))
    assert who("case.escalated_bureau") == ["shift_leader"]
    assert who("case.overdue") == ["handler", "squad_leader"]
    assert list(Escalation.objects.order_by("level").values_list("level", flat=True)) == [1, 2]
    events = AuditEvent.objects.filter(action="case.escalate", object_id=str(dispatched.pk)).order_by("id")
    assert [e.after["level"] for e in events] == [1, 2]
    assert events[0].after["to"] == [district.users[R.SQUAD_LEADER].pk]


def test_a_unit_without_a_leader_escalates_to_the_shift_leader(district):
    with pinned(DISPATCHED_AT):
        case = drive(district, CaseState.FILED)
        case = case_transition(
            actor=district.users[R.DISPATCHER], case=case, action="dispatch", unit=district.department.pk
        )
    run_job(case.stage_due_at + dt.timedelta(minutes=1))
    assert who("case.overdue") == ["other_handler"]
    assert who("case.escalated_unit") == ["shift_leader"]
    assert "没有登记负责人" in Escalation.objects.get(level=1).note


def test_the_scheduler_catches_up_once_after_the_server_was_down_over_the_holiday(district, dispatched):
    with pinned(at(9, 30, 16, 0)):
        scheduler.run_scheduled("cases.deadlines")
    # Down from 30 September 16:00 to 9 October 11:00.
    with pinned(at(10, 9, 11, 0)):
        scheduler.run_scheduled("cases.deadlines")
        scheduler.run_scheduled("cases.deadlines")
    assert ScheduledRun.objects.filter(job="cases.deadlines").count() == 2
    assert who("case.overdue") == ["handler", "squad_leader"]
    assert who("case.escalated_unit") == ["squad_leader"]
    assert who("case.escalated_bureau") == ["shift_leader"]
    assert Notification.objects.count() == 4


def test_an_extension_moves_the_due_time_and_warns_again(district, dispatched):
    run_job(at(9, 30, 17, 0))
    with pinned(at(9, 30, 17, 10)):
        case_transition(actor=district.users[R.HANDLER], case=dispatched, action="accept")
        case_transition(
            actor=district.users[R.HANDLER],
            case=dispatched,
            action="request_extension",
            amount=1,
            unit="working_days",
            reason="需协调产权单位",
        )
        case = case_transition(
            actor=district.users[R.DISPATCHER], case=dispatched, action="approve_extension"
        )
    new_due = case.stage_due_at
    assert new_due > DUE
    run_job(new_due - dt.timedelta(hours=1))
    assert who("case.deadline_soon") == ["handler", "handler", "squad_leader", "squad_leader"]


def test_supervision_is_announced_warned_of_and_a_late_reply_goes_to_the_leader(district, dispatched):
    with pinned(at(10, 8, 9, 0)):
        item = supervision_create(
            actor=district.users[R.LEADER],
            case=dispatched,
            level="key",
            instruction="群众反映强烈，尽快处理。",
            reply_due_at=at(10, 9, 12, 0),
        )
    run_job(at(10, 8, 9, 5))
    assert who("supervision.raised") == ["handler", "squad_leader"]
    raised = Notification.objects.filter(message="supervision.raised").first()
    assert "重点督办" in raised.text and "2026-10-09 12:00" in raised.text
    run_job(at(10, 9, 9, 0))  # 08:30–12:00 leaves 3 h
    assert who("supervision.deadline_soon") == []
    run_job(at(10, 9, 10, 0))
    assert who("supervision.deadline_soon") == ["handler", "squad_leader"]
    run_job(at(10, 9, 12, 1))
    run_job(at(10, 9, 12, 6))
    assert who("supervision.escalated") == ["leader"]
    assert who("supervision.overdue") == ["handler", "squad_leader"]
    assert AuditEvent.objects.filter(action="case.supervision_escalate").count() == 1
    assert Escalation.objects.get(object_type="cases.supervision").object_id == str(item.pk)


def test_the_job_changes_no_case(district, dispatched):
    before = dispatched.updated_at
    run_job(at(10, 9, 11, 0))
    dispatched.refresh_from_db()
    assert dispatched.updated_at == before and dispatched.state == CaseState.DISPATCHED

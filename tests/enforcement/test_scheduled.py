"""The penalty app's jobs: the bureau's statutory duties warned of and announced when missed, a case
waiting for legal review announced to the legal reviewers, and a publication withdrawn on the day
its withdrawal falls due (行政处罚法 第四十八条) — each once, however often the jobs run."""

from __future__ import annotations

import datetime as dt

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.models import AuditEvent
from chengguan.enforcement import scheduled, services
from chengguan.enforcement.models import PenaltyDisclosure
from chengguan.notifications.models import Notification
from chengguan.org.system import system_actor
from tests.enforcement.conftest import filed_case
from tests.enforcement.test_disclosure import concluded, served_case

D = dt.date


def morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), SHANGHAI)


def run(job, day: dt.date) -> dict:
    with pinned(morning(day)):
        return job(morning(day))


def recipients(message: str) -> list[int]:
    return sorted(Notification.objects.filter(message=message).values_list("recipient_id", flat=True))


def test_the_decision_deadline_is_warned_of_then_announced_to_the_officers_once(office):
    case = filed_case(office, D(2026, 3, 2))
    due = case.deadlines.get(period_id="apl_decision_deadline").due_on
    officers = sorted([office.handler.pk, office.handler2.pk])
    run(scheduled.deadlines_job, due - dt.timedelta(days=4))
    assert recipients("penalty.deadline_soon") == []
    for day in (due - dt.timedelta(days=3), due - dt.timedelta(days=1), due):
        run(scheduled.deadlines_job, day)
    assert recipients("penalty.deadline_soon") == officers
    note = Notification.objects.filter(message="penalty.deadline_soon").first()
    assert case.number in note.text and due.isoformat() in note.text and "作出行政处罚决定期限" in note.text
    for day in (due + dt.timedelta(days=1), due + dt.timedelta(days=2)):
        run(scheduled.deadlines_job, day)
    assert recipients("penalty.overdue") == officers
    assert office.legal_reviewer.notifications.count() == 0


def test_a_case_submitted_for_legal_review_waits_for_the_legal_reviewers(office):
    case = filed_case(office, D(2026, 3, 2))
    with pinned(morning(D(2026, 3, 5))):
        case = services.penalty_transition(
            actor=office.handler,
            case=case,
            action="submit_for_review",
            payload={"violated_provisions": "第十四条", "legal_basis": "第三十六条"},
        )
    run(scheduled.deadlines_job, D(2026, 3, 5))
    run(scheduled.deadlines_job, D(2026, 3, 6))
    assert recipients("penalty.review_waiting") == [office.legal_reviewer.pk]
    with pinned(morning(D(2026, 3, 6))):
        case = services.penalty_transition(
            actor=office.legal_reviewer,
            case=case,
            action="legal_review_return",
            payload={"reason": "证据不足"},
        )
        case = services.penalty_transition(
            actor=office.handler,
            case=case,
            action="submit_for_review",
            payload={"violated_provisions": "第十四条", "legal_basis": "第三十六条"},
        )
    run(scheduled.deadlines_job, D(2026, 3, 7))
    assert recipients("penalty.review_waiting") == [office.legal_reviewer.pk] * 2
    with pinned(morning(D(2026, 3, 9))):
        services.penalty_transition(
            actor=office.legal_reviewer, case=case, action="legal_review_pass", payload={"opinion": "同意"}
        )
    run(scheduled.deadlines_job, D(2026, 3, 9))
    assert Notification.objects.filter(message="penalty.review_waiting").count() == 2


def test_a_revoked_decision_is_withdrawn_on_its_due_day_once(office):
    case = served_case(office)
    concluded(office, case, "revoked")
    item = PenaltyDisclosure.objects.get(case=case)
    assert item.withdrawal_due_on == D(2026, 10, 10)
    assert run(scheduled.withdrawals_job, D(2026, 10, 9)) == {"withdrawn": 0}
    assert run(scheduled.withdrawals_job, D(2026, 10, 10)) == {"withdrawn": 1}
    assert run(scheduled.withdrawals_job, D(2026, 10, 12)) == {"withdrawn": 0}
    item.refresh_from_db()
    assert item.withdrawn_on == D(2026, 10, 10) and "撤销" in item.withdrawal_reason
    event = AuditEvent.objects.get(action="penalty.disclosure_withdraw", object_id=str(case.pk))
    assert event.actor == system_actor(office.bureau)  # the bureau's system account, audited
    assert recipients("penalty.disclosure_withdrawn") == sorted([office.legal_reviewer.pk, office.leader.pk])


def test_a_missed_withdrawal_is_caught_up_after_downtime(office):
    case = served_case(office)
    concluded(office, case, "revoked")
    assert run(scheduled.withdrawals_job, D(2026, 10, 19)) == {"withdrawn": 1}
    assert PenaltyDisclosure.objects.get(case=case).withdrawn_on == D(2026, 10, 19)

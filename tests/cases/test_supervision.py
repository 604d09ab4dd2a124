"""督办: leaders supervise cases, the handling side replies, and the on-time reply rate is computed."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.cases import selectors
from chengguan.cases.models import Case, Supervision
from chengguan.cases.states import CaseState
from chengguan.cases.supervision import on_time_reply_rate, supervision_create, supervision_reply
from chengguan.core import clock
from chengguan.core.clock import SHANGHAI
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.cases.flow import drive


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 9, day, hour, minute, tzinfo=SHANGHAI)


def supervise(district, case, **kwargs) -> Supervision:
    kwargs.setdefault("level", "key")
    kwargs.setdefault("instruction", "请于两日内处理完毕并回复")
    return supervision_create(actor=district.users[R.LEADER], case=case, **kwargs)


def test_a_leader_supervises_a_case_and_the_unit_replies(district):
    with clock.pinned(at(15, 9)):
        case = drive(district, CaseState.IN_HANDLING)
        item = supervise(district, case)
    # Key supervision: two working days after Tue 15 Sep → end of Thu 17 Sep.
    assert item.reply_due_at == at(17, 18)
    assert Case.objects.get(pk=case.pk).is_supervised
    assert AuditEvent.objects.filter(action="case.supervise", object_id=str(case.pk)).count() == 1
    with clock.pinned(at(15, 10)):
        assert selectors.inbox(district.users[R.LEADER]).filter(pk=case.pk).exists()
        assert list(selectors.supervised(district.users[R.HANDLER])) == [item]
        item = supervision_reply(
            actor=district.users[R.HANDLER], supervision=item, reply="已安排人员今日处理"
        )
    assert item.replied_by == district.users[R.HANDLER] and item.replied_at == at(15, 10)
    event = AuditEvent.objects.get(action="case.supervision_reply")
    assert event.after["on_time"] is True
    with pytest.raises(Conflict):
        supervision_reply(actor=district.users[R.HANDLER], supervision=item, reply="再次回复")


def test_only_leaders_supervise_and_only_open_cases(district):
    with clock.pinned(at(15, 9)):
        case = drive(district, CaseState.IN_HANDLING)
        closed = drive(district, CaseState.CLOSED)
        for role in (R.HANDLER, R.OPERATOR, R.CITIZEN):
            with pytest.raises(PermissionDenied):
                supervision_create(
                    actor=district.users[role], case=case, level="normal", instruction="请处理"
                )
        with pytest.raises(Conflict):
            supervise(district, closed)
        with pytest.raises(ValidationFailed):
            supervise(district, case, instruction=" ")
        with pytest.raises(ValidationFailed):
            supervise(district, case, level="urgent")
    assert not Supervision.objects.exists()
    assert not Case.objects.get(pk=case.pk).is_supervised


def test_a_unit_that_does_not_handle_the_case_cannot_reply(district):
    with clock.pinned(at(15, 9)):
        item = supervise(district, drive(district, CaseState.IN_HANDLING))
        with pytest.raises(PermissionDenied):
            supervision_reply(actor=district.users["other_handler"], supervision=item, reply="收到")
        with pytest.raises(PermissionDenied):
            supervision_reply(actor=district.users[R.CITIZEN], supervision=item, reply="收到")
    assert Supervision.objects.get().replied_at is None


def test_on_time_reply_rate(district):
    with clock.pinned(at(15, 9)):
        cases = [drive(district, CaseState.IN_HANDLING) for _ in range(4)]
        on_time = supervise(district, cases[0], reply_due_at=at(16, 18))
        late = supervise(district, cases[1], reply_due_at=at(16, 18))
        unreplied_past_due = supervise(district, cases[2], reply_due_at=at(16, 18))
        not_yet_due = supervise(district, cases[3], reply_due_at=at(22, 18))
    with clock.pinned(at(16, 17)):
        supervision_reply(actor=district.users[R.HANDLER], supervision=on_time, reply="已处理")
    with clock.pinned(at(17, 9)):
        supervision_reply(actor=district.users[R.SQUAD_LEADER], supervision=late, reply="已处理（迟复）")
        rate = on_time_reply_rate(Supervision.objects.all())
    # Due: on time, late, and the unreplied one past its due time; the one due on the 22nd is left out.
    assert (rate.due, rate.on_time) == (3, 1)
    assert rate.rate == pytest.approx(1 / 3)
    assert unreplied_past_due.replied_at is None and not_yet_due.replied_at is None
    assert on_time_reply_rate(Supervision.objects.none()).rate is None

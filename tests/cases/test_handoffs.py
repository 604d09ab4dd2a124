"""Hand-off notifications: dispatched to my unit, returned to the dispatch desk, waiting for my
verification or approval — sent after the step commits, once, never to the person who acted."""

from __future__ import annotations

import pytest

from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.core.clock import pinned
from chengguan.core.errors import PermissionDenied
from chengguan.notifications.models import Notification
from chengguan.org.roles import RoleCode as R
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive, step_payload


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run post-commit listeners as a real commit would."""

    def step(district, case, action, role, **payload):
        with pinned(QUIET_MOMENT), django_capture_on_commit_callbacks(execute=True):
            return case_transition(
                actor=district.users[role],
                case=case,
                action=action,
                **step_payload(district, case, action, payload),
            )

    return step


def messages_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("message", flat=True))


def test_a_dispatch_tells_the_unit_it_went_to(district, committed):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.FILED)
    committed(district, case, "dispatch", R.DISPATCHER)
    notes = Notification.objects.filter(message="case.dispatched")
    assert sorted(n.recipient.username for n in notes) == ["handler", "squad_leader"]
    note = notes.first()
    assert note.kind == "handoff" and not note.urgent and note.url == f"/cases/{case.number}/"
    assert case.number in note.text and "建设路中队" in note.text
    assert (
        messages_of(district.users["other_handler"]) == [] and messages_of(district.users[R.DISPATCHER]) == []
    )


def test_a_return_tells_the_dispatch_desk_and_a_redispatch_tells_the_new_unit(district, committed):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.FILED)
    committed(district, case, "dispatch", R.DISPATCHER)
    committed(district, case, "return", R.HANDLER, reason="非本单位职责")
    assert sorted(
        Notification.objects.filter(message="case.returned").values_list("recipient__username", flat=True)
    ) == [
        "dispatcher",
        "shift_leader",
    ]
    committed(district, case, "dispatch", R.DISPATCHER, unit=district.department.pk)
    assert "case.dispatched" in messages_of(district.users["other_handler"])


def test_a_handled_case_waits_for_the_inspectors_of_its_grid(district, committed):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
    committed(district, case, "handle", R.HANDLER, result="已清理")
    assert messages_of(district.users[R.INSPECTOR]) == ["case.handled"]
    assert messages_of(district.users["other_inspector"]) == []  # grid 4 is theirs, this case is in grid 1
    assert Notification.objects.get(message="case.handled").kind == "review"


def test_an_extension_request_waits_for_the_dispatch_desk(district, committed):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
    committed(district, case, "request_extension", R.HANDLER, amount=2, unit="working_days", reason="待材料")
    notes = Notification.objects.filter(message="case.extension_requested")
    assert sorted(n.recipient.username for n in notes) == ["dispatcher", "shift_leader"]
    assert "2 " in notes.first().text


def test_a_rolled_back_step_tells_nobody(district, django_capture_on_commit_callbacks):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.FILED)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
            case_transition(actor=district.users[R.HANDLER], case=case, action="dispatch")
    assert not Notification.objects.exists()

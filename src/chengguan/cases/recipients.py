"""Who a case is waiting for, and who stands above them: the people its notifications go to.

The same reading of the organisation as the inbox (`selectors.inbox`): the command centre's desk
steps go to the bureau's operators, dispatchers and shift leaders, the handling to the unit it was
dispatched to (or the handler who accepted it), verification to the inspectors of its grid.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from chengguan.cases.models import Case
from chengguan.cases.permissions import (
    DISPATCH_DESK,
    GRID_INSPECTION,
    HANDLING_SIDE,
    INTAKE_DESK,
    SHIFT_DESK,
    UNIT_LEADERS,
)
from chengguan.cases.states import CaseState
from chengguan.org.models import Organisation
from chengguan.org.selectors import staff_holding

User = get_user_model()
S = CaseState
# The step a case waits for in each state, by the codes of `notifications.kinds.STAGES`.
STAGE_OF_STATE = {
    S.REPORTED: "file",
    S.FILED: "dispatch",
    S.RETURNED: "dispatch",
    S.DISPATCHED: "handle",
    S.IN_HANDLING: "handle",
    S.REWORK: "handle",
    S.HANDLED: "verify",
    S.VERIFIED: "close",
}


def in_bureau(bureau_id: int, *roles: str) -> list:
    return staff_holding(*roles, bureau_id=bureau_id)


def in_unit(unit: Organisation, *roles: str) -> list:
    return staff_holding(*roles, unit=unit)


def unit_leaders(unit: Organisation) -> list:
    """The leaders of the unit itself (a squad's 中队长), not of the units below it."""
    return list(
        User.objects.filter(
            is_active=True, profile__organisation=unit, profile__roles__code__in=UNIT_LEADERS
        ).distinct()
    )


def shift_leaders(bureau_id: int) -> list:
    return in_bureau(bureau_id, *SHIFT_DESK)


def grid_inspectors(case: Case) -> list:
    if case.grid_id is None:
        return in_bureau(case.bureau_id, *GRID_INSPECTION)
    found = list(case.grid.inspectors.filter(is_active=True))
    return found or in_bureau(case.bureau_id, *GRID_INSPECTION)


def handling_staff(case: Case) -> list:
    if case.handling_unit_id is None:
        return []
    return in_unit(case.handling_unit, *HANDLING_SIDE)


def waiting_on(case: Case) -> list:
    """The people who must take the case's next step."""
    state = case.state
    if state in (S.REPORTED, S.VERIFIED):
        return in_bureau(case.bureau_id, *INTAKE_DESK)
    if state in (S.FILED, S.RETURNED):
        return in_bureau(case.bureau_id, *DISPATCH_DESK)
    if state == S.DISPATCHED:
        return handling_staff(case)
    if state in (S.IN_HANDLING, S.REWORK):
        if case.handler_id is not None and case.handler.is_active:
            return [case.handler]
        return handling_staff(case)
    if state == S.HANDLED:
        return grid_inspectors(case)
    return []

"""The case machine's matrix adapter (see tests/workflow_matrix.py): every state × action × role,
plus a handler of a unit the case is not sent to, a shift leader of another bureau and the system."""

from __future__ import annotations

from chengguan.cases.models import (
    Case,
    CaseDelay,
    CaseEvidence,
    CaseExtension,
    CaseSource,
    IntakeCheckSetting,
    Supervision,
)
from chengguan.cases.services import case_transition
from chengguan.cases.states import CASE_MACHINE, Action
from chengguan.core import clock
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from tests import factories
from tests.cases.conftest import QUIET_MOMENT, build_district
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_upload
from tests.workflow_matrix import Matrix

R = RoleCode
# Who may take each action, written out by hand, independent of the table (cases/permissions.py).
_INTAKE = {R.OPERATOR, R.SHIFT_LEADER}
_DISPATCH = {R.DISPATCHER, R.SHIFT_LEADER}
_UNIT = {R.HANDLER, R.SQUAD_LEADER}
_LEADERS = {R.SHIFT_LEADER, R.LEADER}
ROLES = {
    Action.CHECK: {R.INSPECTOR},
    Action.FILE: _INTAKE,
    Action.NOT_FILE: _INTAKE,
    Action.MERGE: _INTAKE,
    Action.DISPATCH: _DISPATCH,
    Action.REDISPATCH: _DISPATCH,
    Action.RETURN: _UNIT,
    Action.ACCEPT: _UNIT,
    Action.HANDLE: _UNIT,
    Action.REQUEST_EXTENSION: _UNIT,
    Action.APPROVE_EXTENSION: _DISPATCH,
    Action.REFUSE_EXTENSION: _DISPATCH,
    Action.SUSPEND: _LEADERS,
    Action.RESUME: _LEADERS,
    Action.VERIFY: {R.INSPECTOR},
    Action.REWORK: {R.INSPECTOR},
    Action.CLOSE: _INTAKE,
    Action.CANCEL: {R.SHIFT_LEADER},
    Action.EVALUATE: _LEADERS,
    Action.REOPEN: _LEADERS,
}
# Only staff of the unit the case is dispatched to (or below it) take these.
UNIT_BOUND = {Action.RETURN, Action.ACCEPT, Action.HANDLE, Action.REQUEST_EXTENSION}
FROM = {
    Action.CHECK: {"reported"},
    Action.FILE: {"reported"},
    Action.NOT_FILE: {"reported"},
    Action.MERGE: {"reported"},
    Action.DISPATCH: {"filed", "returned"},
    Action.REDISPATCH: {"dispatched"},
    Action.RETURN: {"dispatched"},
    Action.ACCEPT: {"dispatched"},
    Action.HANDLE: {"in_handling", "rework"},
    Action.REQUEST_EXTENSION: {"in_handling", "rework"},
    Action.APPROVE_EXTENSION: {"in_handling", "rework"},
    Action.REFUSE_EXTENSION: {"in_handling", "rework"},
    Action.SUSPEND: {"filed", "dispatched", "in_handling", "rework"},
    Action.RESUME: {"suspended"},
    Action.VERIFY: {"handled"},
    Action.REWORK: {"handled"},
    Action.CLOSE: {"verified"},
    Action.CANCEL: {"reported", "filed"},
    Action.EVALUATE: {"closed"},
    Action.REOPEN: {"closed"},
}
DECISIONS = {Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION}


def allowed(state: str, action: str, who: str) -> bool:
    """`who` is a role code, or one of the outsiders of `CaseMatrix.actors`."""
    if state not in FROM[action]:
        return False
    role = R.HANDLER if who == "other_handler" else who
    return role in ROLES[action] and not (action in UNIT_BOUND and who == "other_handler")


def payload_for(district, action: str, merge_target: int | None = None) -> dict:
    """A complete, valid payload, so a refusal can only come from the state or the caller."""
    lon, lat = district.point(0)
    if action == Action.MERGE:
        return {"target": merge_target or report(district, grid=1, description="另一处问题").pk}
    return {
        Action.CHECK: {"finding": "confirmed", "photo": jpeg_upload(), "photo_lon": lon, "photo_lat": lat},
        Action.NOT_FILE: {"reason": "不属于城管职责"},
        Action.REDISPATCH: {"unit": district.department.pk, "reason": "改由市政科处置"},
        Action.RETURN: {"reason": "非本单位职责"},
        Action.HANDLE: {"result": "已清理完毕", "photos": [jpeg_upload()]},
        Action.REQUEST_EXTENSION: {"amount": 1, "reason": "需协调产权单位"},
        Action.APPROVE_EXTENSION: {"note": "同意"},
        Action.REFUSE_EXTENSION: {"reason": "理由不充分"},
        Action.SUSPEND: {"reason": "待业主配合"},
        Action.VERIFY: {"photo": jpeg_upload(), "photo_lon": lon, "photo_lat": lat},
        Action.REWORK: {"reason": "仍有残留"},
        Action.CLOSE: {"disposition": "service"},
        Action.CANCEL: {"reason": "重复录入"},
        Action.EVALUATE: {"score": 5},
        Action.REOPEN: {"reason": "回访不满意，问题仍在"},
    }.get(action, {})


def with_request(district, case: Case, action: str) -> Case:
    """A case ready for `action`: deciding on an extension needs a pending request; 核实 is offered
    only where the bureau asks for it, on a public report."""
    if action == Action.CHECK:
        IntakeCheckSetting.objects.update_or_create(
            bureau=district.bureau, defaults={"check_public_reports": True}
        )
        Case.objects.filter(pk=case.pk).update(source=CaseSource.CITIZEN)
        case.refresh_from_db()
    if action in DECISIONS and case.state in FROM[action]:
        case_transition(
            actor=district.users[R.HANDLER],
            case=case,
            action=Action.REQUEST_EXTENSION,
            amount=1,
            reason="需协调产权单位",
        )
    return case


class CaseMatrix(Matrix):
    machine = CASE_MACHINE

    def setup(self) -> None:
        self.district = build_district()
        other = factories.bureau(name="金水区城市管理局", code="410105")
        self.outsider = factories.staff(other, R.SHIFT_LEADER, username="other_shift_leader").user

    def running(self):
        return clock.pinned(QUIET_MOMENT)  # a working morning: no stage is late

    def actors(self) -> dict:
        people = {role: self.district.users[role] for role in RoleCode.values}
        people["other_handler"] = self.district.users["other_handler"]
        people["other_bureau_shift_leader"] = self.outsider
        people["bureau_system"] = system_actor(self.district.bureau)
        return people

    def object_in(self, state: str) -> Case:
        return drive(self.district, state)

    def object_for(self, state: str, action: str) -> Case:
        return with_request(self.district, self.object_in(state), action)

    def payload(self, action: str, obj) -> dict:
        return payload_for(self.district, action)

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return allowed(state, action, who)

    def world(self, obj) -> dict:
        return {
            **super().world(obj),
            "evidence": CaseEvidence.objects.count(),
            "extensions": list(CaseExtension.objects.values()),
            "delays": CaseDelay.objects.count(),
            "supervisions": Supervision.objects.count(),
        }


MATRICES = {"case": CaseMatrix}

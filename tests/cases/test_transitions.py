"""Every (state, action, role) of the closed loop: the allowed ones work and leave exactly one audit
event; every other one is refused with 409 or 403 and changes nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from chengguan.cases.models import Case, CaseDelay, CaseEvidence, CaseExtension, Supervision
from chengguan.cases.services import case_transition
from chengguan.cases.states import CASE_MACHINE, Action, CaseState
from chengguan.core import clock
from chengguan.core.errors import Conflict, PermissionDenied
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import PATHS, drive, report
from tests.cases.workflow_matrix import allowed as oracle_allows
from tests.cases.workflow_matrix import payload_for, with_request

S = CaseState
# Written out by hand, independent of the table: where each action leaves a case taken from `state`.
EXPECTED_STATE_AFTER = {
    Action.CHECK: "unchanged",
    Action.FILE: S.FILED,
    Action.NOT_FILE: S.NOT_FILED,
    Action.MERGE: S.MERGED,
    Action.DISPATCH: S.DISPATCHED,
    Action.REDISPATCH: S.DISPATCHED,
    Action.RETURN: S.RETURNED,
    Action.ACCEPT: S.IN_HANDLING,
    Action.HANDLE: S.HANDLED,
    Action.REQUEST_EXTENSION: "unchanged",
    Action.APPROVE_EXTENSION: "unchanged",
    Action.REFUSE_EXTENSION: "unchanged",
    Action.SUSPEND: S.SUSPENDED,
    Action.RESUME: S.IN_HANDLING,  # flow.PATHS suspends a case that was in handling
    Action.VERIFY: S.VERIFIED,
    Action.REWORK: S.REWORK,
    Action.CLOSE: S.CLOSED,
    Action.CANCEL: S.CANCELLED,
    Action.EVALUATE: S.CLOSED,
    Action.REOPEN: S.DISPATCHED,
}
ACTORS = [*RoleCode.values, "other_handler"]


def world_snapshot(case: Case, media_root: Path) -> dict:
    """Everything a refused action might have touched."""
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "cases": Case.objects.count(),
        "audit": AuditEvent.objects.count(),
        "evidence": CaseEvidence.objects.count(),
        "extensions": list(CaseExtension.objects.values()),
        "delays": CaseDelay.objects.count(),
        "supervisions": Supervision.objects.count(),
        "files": sorted(str(p) for p in media_root.rglob("*") if p.is_file()),
    }


def prepare(district, state: str, action: str, case: Case | None = None) -> Case:
    """A case in `state` ready for `action` (approving or refusing needs a pending request)."""
    return with_request(district, case or drive(district, state), action)


@pytest.mark.parametrize("state", list(PATHS))
def test_every_action_and_role_in_state(district, _fast_tests, state):
    problems: list[str] = []
    with clock.pinned(QUIET_MOMENT):
        shared = drive(district, state)
        merge_target = report(district, grid=1, description="另一处问题").pk
        allowed: list[tuple[str, str]] = []
        untouched = world_snapshot(shared, _fast_tests)
        for action in Action.values:
            for who in ACTORS:
                if oracle_allows(state, action, who):
                    allowed.append((action, who))
                    continue
                label = f"{state} / {action} / {who}"
                expected = Conflict if state not in CASE_MACHINE.get(action).sources else PermissionDenied
                try:
                    case_transition(
                        actor=district.users[who],
                        case=shared,
                        action=action,
                        **payload_for(district, action, merge_target),
                    )
                except (Conflict, PermissionDenied) as exc:
                    if not isinstance(exc, expected):
                        problems.append(f"{label}: {exc.code}, expected {expected.__name__}")
                else:
                    problems.append(f"{label}: was allowed")
                    continue
                if world_snapshot(shared, _fast_tests) != untouched:
                    problems.append(f"{label}: refused but something changed")

        for n, (action, who) in enumerate(allowed):
            label = f"{state} / {action} / {who}"
            case = prepare(district, state, action, shared if n == 0 else None)
            payload = payload_for(district, action, merge_target)
            audit_before = AuditEvent.objects.count()
            try:
                after = case_transition(actor=district.users[who], case=case, action=action, **payload)
            except Exception as exc:  # report every combination, not just the first
                problems.append(f"{label}: refused with {type(exc).__name__}: {exc}")
                continue
            expected_state = EXPECTED_STATE_AFTER[action]
            expected_state = state if expected_state == "unchanged" else expected_state
            stored = Case.objects.get(pk=case.pk)
            if stored.state != expected_state or after.state != expected_state:
                problems.append(f"{label}: state {stored.state}, expected {expected_state}")
            written = AuditEvent.objects.count() - audit_before
            last = AuditEvent.objects.order_by("-id").first()
            if written != 1:
                problems.append(f"{label}: {written} audit events, expected 1")
            elif (last.action, last.object_id) != (f"case.{action}", str(case.pk)):
                problems.append(f"{label}: audit event {last.action} on {last.object_id}")
    assert not problems, "\n".join(problems)


def test_every_state_is_walked():
    """The walk above covers every state of the table, including each action's sources."""
    assert set(PATHS) == set(CaseState.values)
    for t in CASE_MACHINE:
        assert t.sources <= set(PATHS)

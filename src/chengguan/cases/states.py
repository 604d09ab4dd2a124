"""The closed loop (上报→立案→派遣→处置→反馈→核查→结案→评价) declared once as data.

`TRANSITIONS` drives the `case_transition` service, the buttons a page shows, the API's
`available_actions` and the state diagram in docs/. Nothing else decides which action is legal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from chengguan.org.roles import RoleCode as R


class CaseState(models.TextChoices):
    REPORTED = "reported", "已上报"
    FILED = "filed", "已立案"
    NOT_FILED = "not_filed", "不予立案"
    DISPATCHED = "dispatched", "已派遣"
    RETURNED = "returned", "已退回"
    IN_HANDLING = "in_handling", "处置中"
    HANDLED = "handled", "已反馈"
    REWORK = "rework", "返工"
    VERIFIED = "verified", "已核查"
    SUSPENDED = "suspended", "缓办"
    CLOSED = "closed", "已结案"
    CANCELLED = "cancelled", "已作废"
    MERGED = "merged", "已合并"


OPEN_STATES = frozenset(
    {
        CaseState.REPORTED,
        CaseState.FILED,
        CaseState.DISPATCHED,
        CaseState.RETURNED,
        CaseState.IN_HANDLING,
        CaseState.HANDLED,
        CaseState.REWORK,
        CaseState.VERIFIED,
        CaseState.SUSPENDED,
    }
)
# States in which the handling clock runs against `handling_due_at`.
HANDLING_STATES = frozenset({CaseState.DISPATCHED, CaseState.IN_HANDLING, CaseState.REWORK})
FINAL_STATES = frozenset({CaseState.CLOSED, CaseState.CANCELLED, CaseState.NOT_FILED, CaseState.MERGED})


class Action(models.TextChoices):
    FILE = "file", "立案"
    NOT_FILE = "not_file", "不予立案"
    MERGE = "merge", "合并"
    DISPATCH = "dispatch", "派遣"
    REDISPATCH = "redispatch", "改派"
    RETURN = "return", "退回"
    ACCEPT = "accept", "签收"
    HANDLE = "handle", "处置反馈"
    REQUEST_EXTENSION = "request_extension", "申请延期"
    APPROVE_EXTENSION = "approve_extension", "批准延期"
    REFUSE_EXTENSION = "refuse_extension", "驳回延期"
    SUSPEND = "suspend", "缓办"
    RESUME = "resume", "恢复办理"
    VERIFY = "verify", "核查通过"
    REWORK = "rework", "核查不通过（返工）"
    CLOSE = "close", "结案"
    CANCEL = "cancel", "作废"
    EVALUATE = "evaluate", "评价"
    REOPEN = "reopen", "重新交办"


class Disposition(models.TextChoices):
    """721工作法: 70 % service, 20 % management, 10 % enforcement."""

    SERVICE = "service", "服务"
    MANAGEMENT = "management", "管理"
    ENFORCEMENT = "enforcement", "执法"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: stay in the same state; RESUME returns to the state before suspension
    roles: frozenset[str]
    required: tuple[str, ...] = field(default=())
    # Whose organisation must match: "handling_unit" means only staff of the unit the case is
    # dispatched to (or its leaders) may act.
    unit_bound: bool = False


def _t(action, sources, target, roles, required=(), unit_bound=False) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), tuple(required), unit_bound)


S = CaseState
TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.FILE, {S.REPORTED}, S.FILED, {R.OPERATOR, R.SHIFT_LEADER}),
    _t(Action.NOT_FILE, {S.REPORTED}, S.NOT_FILED, {R.OPERATOR, R.SHIFT_LEADER}, ["reason"]),
    _t(Action.MERGE, {S.REPORTED}, S.MERGED, {R.OPERATOR, R.SHIFT_LEADER}, ["target"]),
    # The unit defaults to the one the routing rules proposed at filing.
    _t(Action.DISPATCH, {S.FILED, S.RETURNED}, S.DISPATCHED, {R.DISPATCHER, R.SHIFT_LEADER}),
    _t(Action.REDISPATCH, {S.DISPATCHED}, S.DISPATCHED, {R.DISPATCHER, R.SHIFT_LEADER}, ["unit", "reason"]),
    _t(Action.RETURN, {S.DISPATCHED}, S.RETURNED, {R.HANDLER, R.SQUAD_LEADER}, ["reason"], True),
    _t(Action.ACCEPT, {S.DISPATCHED}, S.IN_HANDLING, {R.HANDLER, R.SQUAD_LEADER}, (), True),
    _t(Action.HANDLE, {S.IN_HANDLING, S.REWORK}, S.HANDLED, {R.HANDLER, R.SQUAD_LEADER}, ["result"], True),
    _t(
        Action.REQUEST_EXTENSION,
        {S.IN_HANDLING, S.REWORK},
        None,
        {R.HANDLER, R.SQUAD_LEADER},
        ["amount", "reason"],
        True,
    ),
    _t(Action.APPROVE_EXTENSION, {S.IN_HANDLING, S.REWORK}, None, {R.DISPATCHER, R.SHIFT_LEADER}),
    _t(Action.REFUSE_EXTENSION, {S.IN_HANDLING, S.REWORK}, None, {R.DISPATCHER, R.SHIFT_LEADER}, ["reason"]),
    _t(
        Action.SUSPEND,
        {S.FILED, S.DISPATCHED, S.IN_HANDLING, S.REWORK},
        S.SUSPENDED,
        {R.SHIFT_LEADER, R.LEADER},
        ["reason"],
    ),
    _t(Action.RESUME, {S.SUSPENDED}, None, {R.SHIFT_LEADER, R.LEADER}),
    _t(Action.VERIFY, {S.HANDLED}, S.VERIFIED, {R.INSPECTOR}, ["photo"]),
    _t(Action.REWORK, {S.HANDLED}, S.REWORK, {R.INSPECTOR}, ["reason"]),
    _t(Action.CLOSE, {S.VERIFIED}, S.CLOSED, {R.OPERATOR, R.SHIFT_LEADER}, ["disposition"]),
    _t(Action.CANCEL, {S.REPORTED, S.FILED}, S.CANCELLED, {R.SHIFT_LEADER}, ["reason"]),
    _t(Action.EVALUATE, {S.CLOSED}, None, {R.SHIFT_LEADER, R.LEADER}, ["score"]),
    # 回访复核: a leader sends a closed case back to its handling unit when the person who reported it
    # was not satisfied and the complaint stands.
    _t(Action.REOPEN, {S.CLOSED}, S.DISPATCHED, {R.LEADER, R.SHIFT_LEADER}, ["reason"]),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}

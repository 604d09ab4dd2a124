"""The life of a swap or leave request on the workflow kernel: the unit's leader approves or rejects
it, the requester may withdraw it while it waits. Approving moves the post to the replacement (or
marks the assignee on leave), refusing an overlap like any other assignment."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.core.workflow import FieldSpec, Machine, transition
from chengguan.duty.models import ChangeKind, ChangeState, RosterChange
from chengguan.duty.permissions import can_decide_change, can_withdraw_change, change_in_bureau

S = ChangeState


class ChangeActions(models.TextChoices):
    APPROVE = "approve", _("批准")
    REJECT = "reject", _("驳回")
    WITHDRAW = "withdraw", _("撤回")


A = ChangeActions

FIELDS = {
    "note": FieldSpec("line", _("审批意见"), max_length=200),
}


def _approve(ctx) -> dict:
    from chengguan.duty.rosters import check_free

    change: RosterChange = ctx.obj
    assignment = change.assignment
    if change.replacement_id:
        check_free(change.replacement, assignment.shift, ignore=assignment.pk)
        assignment.staff = change.replacement
        assignment.on_leave = False
    else:
        assignment.on_leave = change.kind == ChangeKind.LEAVE
    if not ctx.checking:
        assignment.save(update_fields=["staff", "on_leave"])
    _decided(ctx)
    return {"assignment": assignment.pk, "staff": assignment.staff_id, "on_leave": assignment.on_leave}


def _decided(ctx) -> None:
    ctx.obj.decided_by = ctx.actor
    ctx.obj.decided_at = ctx.now
    ctx.obj.decision_note = ctx.get("note", "")


def snapshot(change: RosterChange) -> dict:
    return {
        "state": change.state,
        "kind": change.kind,
        "assignment": change.assignment_id,
        "replacement": change.replacement_id,
        "decision_note": change.decision_note,
    }


CHANGE_MACHINE = Machine(
    name="roster_change",
    model=RosterChange,
    states=ChangeState,
    actions=ChangeActions,
    fields=FIELDS,
    noun="换班或请假申请",
    error_prefix="roster_change",  # codes: duty.errors.ChangeError
    scope=change_in_bureau,
    snapshot=snapshot,
    lock_related=("assignment__shift",),
    transitions=[
        transition(A.APPROVE, {S.PENDING}, S.APPROVED, can_decide_change, optional=("note",), step=_approve),
        transition(A.REJECT, {S.PENDING}, S.REJECTED, can_decide_change, required=("note",), step=_decided),
        transition(A.WITHDRAW, {S.PENDING}, S.WITHDRAWN, can_withdraw_change),
    ],
)

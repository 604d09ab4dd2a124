"""The lifecycles of the duty app on the workflow kernel.

The swap or leave request on the workflow kernel: the unit's leader approves or rejects
it, the requester may withdraw it while it waits. Approving moves the post to the replacement (or
marks the assignee on leave), refusing an overlap like any other assignment.

The 督察 finding: the responsible unit reports its rectification (整改), the force inspector re-checks
and closes it (销号) or sends it back with a new deadline; the unit may contest it once (申诉), and the
bureau's leader upholds the finding (back to rectification, a new deadline) or revokes it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chengguan.core.workflow import FieldSpec, Guard, Machine, transition
from chengguan.duty import findings
from chengguan.duty.errors import FindingError
from chengguan.duty.models import (
    ActionItem,
    ChangeKind,
    ChangeState,
    Finding,
    FindingState,
    Handover,
    HandoverState,
    ItemState,
    RosterChange,
)
from chengguan.duty.permissions import (
    can_accept_handover,
    can_complete_item,
    can_decide_change,
    can_decide_contest,
    can_inspect_force,
    can_manage_item,
    can_rectify,
    can_withdraw_change,
    change_in_bureau,
    finding_in_bureau,
    handover_in_bureau,
    item_in_bureau,
)

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


# -- 督察 findings ----------------------------------------------------------------------------------

F = FindingState


class FindingActions(models.TextChoices):
    REPORT = "report", _("报告整改")
    SEND_BACK = "send_back", _("退回整改")
    CLOSE = "close", _("销号")
    CONTEST = "contest", _("申诉")
    UPHOLD = "uphold", _("维持原认定")
    REVOKE = "revoke", _("撤销问题")


FA = FindingActions

FINDING_FIELDS = {
    "rectification": FieldSpec("text", _("整改情况"), max_length=2000),
    "photo": FieldSpec("file", _("整改照片"), _("JPG 或 PNG")),
    "reason": FieldSpec("line", _("理由"), max_length=500),
    "note": FieldSpec("line", _("处理意见"), max_length=500),
}


def _report(ctx) -> dict:
    from django.core.files.base import ContentFile

    f: Finding = ctx.obj
    f.rectification = ctx.data["rectification"]
    f.reported_at = ctx.now
    upload = ctx.get("photo")
    if upload is not None:
        data = upload.read() if hasattr(upload, "read") else bytes(upload)
        f.rectification_photo.save(f"{f.pk}-{f.sent_back}.jpg", ContentFile(data), save=False)
    return {"rectification": f.rectification}


def _restart(ctx) -> None:
    """A new deadline counted from today, as for a new finding of the same kind."""
    ctx.obj.due_on = findings.due_on(ctx.obj.kind, ctx.today)
    ctx.obj.escalated_at = None


def _send_back(ctx) -> dict:
    ctx.obj.sent_back += 1
    ctx.obj.decision_note = ctx.data["reason"]
    _restart(ctx)
    return {"due_on": ctx.obj.due_on}


def _close(ctx) -> None:
    ctx.obj.closed_at = ctx.now
    ctx.obj.decision_note = ctx.get("note", "")


def _contest(ctx) -> None:
    ctx.obj.contested = True
    ctx.obj.contest_reason = ctx.data["reason"]


def _uphold(ctx) -> dict:
    ctx.obj.decision_note = ctx.data["note"]
    _restart(ctx)
    return {"due_on": ctx.obj.due_on}


def _revoke(ctx) -> None:
    ctx.obj.decision_note = ctx.data["note"]
    ctx.obj.closed_at = ctx.now


contested_once = Guard(
    lambda ctx: not ctx.obj.contested, code=FindingError.ALREADY_CONTESTED, message="每个督察问题只能申诉一次"
)


def finding_snapshot(f: Finding) -> dict:
    return {
        "state": f.state,
        "due_on": f.due_on,
        "sent_back": f.sent_back,
        "contested": f.contested,
        "decision_note": f.decision_note,
    }


def _announce_finding(f: Finding, action: str, actor) -> None:
    from chengguan.duty.services import finding_announce

    finding_announce(f, action, actor)


FINDING_MACHINE = Machine(
    name="finding",
    model=Finding,
    states=FindingState,
    actions=FindingActions,
    fields=FINDING_FIELDS,
    noun="督察问题",
    error_prefix="finding",  # codes: duty.errors.FindingError
    scope=finding_in_bureau,
    snapshot=finding_snapshot,
    lock_related=("unit",),
    announce=_announce_finding,
    transitions=[
        transition(
            FA.REPORT,
            {F.RECTIFYING},
            F.REPORTED,
            can_rectify,
            required=("rectification",),
            optional=("photo",),
            step=_report,
        ),
        transition(
            FA.SEND_BACK, {F.REPORTED}, F.RECTIFYING, can_inspect_force, required=("reason",), step=_send_back
        ),
        transition(FA.CLOSE, {F.REPORTED}, F.CLOSED, can_inspect_force, optional=("note",), step=_close),
        transition(
            FA.CONTEST,
            {F.RECTIFYING},
            F.CONTESTED,
            can_rectify,
            required=("reason",),
            guards=(contested_once,),
            step=_contest,
        ),
        transition(
            FA.UPHOLD, {F.CONTESTED}, F.RECTIFYING, can_decide_contest, required=("note",), step=_uphold
        ),
        transition(FA.REVOKE, {F.CONTESTED}, F.REVOKED, can_decide_contest, required=("note",), step=_revoke),
    ],
)


# -- Meeting action items ---------------------------------------------------------------------------


class ItemActions(models.TextChoices):
    COMPLETE = "complete", _("报告办结")
    REOPEN = "reopen", _("重新办理")
    CANCEL = "cancel", pgettext_lazy("action item", "撤销")


ITEM_FIELDS = {
    "result": FieldSpec("text", _("办理结果"), max_length=2000),
    "note": FieldSpec("line", _("说明"), max_length=500),
}


def _complete(ctx) -> None:
    ctx.obj.result = ctx.data["result"]
    ctx.obj.done_at = ctx.now


def _reopen(ctx) -> None:
    ctx.obj.note = ctx.data["note"]
    ctx.obj.done_at = None


def _cancel(ctx) -> None:
    ctx.obj.note = ctx.data["note"]


def item_snapshot(item: ActionItem) -> dict:
    return {"state": item.state, "due_on": item.due_on, "result": item.result, "note": item.note}


ITEM_MACHINE = Machine(
    name="action_item",
    model=ActionItem,
    states=ItemState,
    actions=ItemActions,
    fields=ITEM_FIELDS,
    noun="会议督办事项",
    error_prefix="action_item",  # codes: duty.errors.ItemError
    scope=item_in_bureau,
    snapshot=item_snapshot,
    lock_related=("meeting",),
    transitions=[
        transition(
            ItemActions.COMPLETE,
            {ItemState.OPEN},
            ItemState.DONE,
            can_complete_item,
            required=("result",),
            step=_complete,
        ),
        transition(
            ItemActions.REOPEN,
            {ItemState.DONE},
            ItemState.OPEN,
            can_manage_item,
            required=("note",),
            step=_reopen,
        ),
        transition(
            ItemActions.CANCEL,
            {ItemState.OPEN},
            ItemState.CANCELLED,
            can_manage_item,
            required=("note",),
            step=_cancel,
        ),
    ],
)


# -- Handover (交接班) --------------------------------------------------------------------------------


class HandoverActions(models.TextChoices):
    ACCEPT = "accept", _("接班")


def _accept(ctx) -> None:
    ctx.obj.accepted_by = ctx.actor
    ctx.obj.accepted_at = ctx.now
    ctx.obj.accept_note = ctx.get("note", "")


HANDOVER_MACHINE = Machine(
    name="handover",
    model=Handover,
    states=HandoverState,
    actions=HandoverActions,
    fields={"note": FieldSpec("line", _("接班意见"), max_length=500)},
    noun="交接班",
    error_prefix="handover",  # codes: duty.errors.HandoverError
    scope=handover_in_bureau,
    snapshot=lambda h: {"state": h.state, "accepted_by": h.accepted_by_id},
    lock_related=("next_shift",),
    transitions=[
        transition(
            HandoverActions.ACCEPT,
            {HandoverState.PENDING},
            HandoverState.ACCEPTED,
            can_accept_handover,
            optional=("note",),
            step=_accept,
        )
    ],
)

"""The lifecycles of an activity and of a live session on the workflow kernel.

Activity: planned → open for registration (published on the portal) → registration closed → held
(the summary is written); cancelled before it is held. Live session: scheduled (on the portal's
schedule) → live → ended (with a short summary); cancelled before it goes live."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.core.workflow import FieldSpec, Machine, transition
from chengguan.outreach.models import Activity, ActivityState, Broadcast, BroadcastState
from chengguan.outreach.permissions import (
    broadcast_in_bureau,
    can_organise_activities,
    can_run_broadcasts,
    outreach_in_bureau,
)

S = ActivityState


class ActivityActions(models.TextChoices):
    PUBLISH = "publish", _("发布报名")
    CLOSE_REGISTRATION = "close_registration", _("截止报名")
    HOLD = "hold", _("活动完成")
    CANCEL = "cancel", _("取消活动")


def _summary(ctx) -> None:
    ctx.obj.summary = ctx.data["summary"]


def _reason(ctx) -> None:
    ctx.obj.reason = ctx.data["reason"]


ACTIVITY_MACHINE = Machine(
    name="activity",
    model=Activity,
    states=ActivityState,
    actions=ActivityActions,
    fields={
        "summary": FieldSpec("text", _("活动总结"), max_length=8000),
        "reason": FieldSpec("line", _("原因"), max_length=500),
    },
    noun="活动",
    error_prefix="activity",  # codes: outreach.errors.ActivityError
    scope=outreach_in_bureau,
    snapshot=lambda a: {"state": a.state, "summary": a.summary, "reason": a.reason},
    transitions=[
        transition(ActivityActions.PUBLISH, {S.PLANNED}, S.OPEN, can_organise_activities),
        transition(ActivityActions.CLOSE_REGISTRATION, {S.OPEN}, S.CLOSED, can_organise_activities),
        transition(
            ActivityActions.HOLD,
            {S.OPEN, S.CLOSED},
            S.HELD,
            can_organise_activities,
            required=("summary",),
            step=_summary,
        ),
        transition(
            ActivityActions.CANCEL,
            {S.PLANNED, S.OPEN, S.CLOSED},
            S.CANCELLED,
            can_organise_activities,
            required=("reason",),
            step=_reason,
        ),
    ],
)

B = BroadcastState


class BroadcastActions(models.TextChoices):
    GO_LIVE = "go_live", _("开始直播")
    END = "end", _("结束直播")
    CANCEL = "cancel", _("取消直播")


BROADCAST_MACHINE = Machine(
    name="broadcast",
    model=Broadcast,
    states=BroadcastState,
    actions=BroadcastActions,
    fields={
        "summary": FieldSpec("text", _("直播小结"), max_length=8000),
        "reason": FieldSpec("line", _("原因"), max_length=500),
    },
    noun="直播",
    error_prefix="broadcast",  # codes: outreach.errors.BroadcastError
    scope=broadcast_in_bureau,
    snapshot=lambda b: {"state": b.state, "summary": b.summary, "reason": b.reason},
    transitions=[
        transition(BroadcastActions.GO_LIVE, {B.SCHEDULED}, B.LIVE, can_run_broadcasts),
        transition(
            BroadcastActions.END,
            {B.LIVE},
            B.ENDED,
            can_run_broadcasts,
            optional=("summary",),
            step=lambda ctx: setattr(ctx.obj, "summary", ctx.data.get("summary", ctx.obj.summary)),
        ),
        transition(
            BroadcastActions.CANCEL,
            {B.SCHEDULED},
            B.CANCELLED,
            can_run_broadcasts,
            required=("reason",),
            step=_reason,
        ),
    ],
)

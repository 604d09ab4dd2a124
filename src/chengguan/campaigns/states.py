"""The campaign's lifecycle on the workflow kernel: planned → under way → closing (the summary is
written) → closed; it may be postponed (and resumed where it was) or cancelled before it is over.
Each move is the lead unit's leader's (`permissions.can_lead_campaign`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.campaigns.models import Campaign, CampaignState
from chengguan.campaigns.permissions import campaign_in_bureau, can_lead_campaign
from chengguan.core.workflow import RESUME, FieldSpec, Machine, transition

S = CampaignState


class CampaignActions(models.TextChoices):
    START = "start", _("启动")
    POSTPONE = "postpone", _("暂缓")
    RESUME = "resume", _("恢复")
    BEGIN_CLOSING = "begin_closing", _("进入总结")
    CLOSE = "close", _("结束行动")
    CANCEL = "cancel", _("取消行动")


A = CampaignActions

FIELDS = {
    "reason": FieldSpec("line", _("理由"), max_length=500),
    "summary": FieldSpec("text", _("行动总结"), max_length=8000),
}


def _start(ctx) -> None:
    ctx.obj.started_at = ctx.obj.started_at or ctx.now


def _with_reason(ctx) -> None:
    ctx.obj.reason = ctx.data["reason"]


def _close(ctx) -> None:
    ctx.obj.summary = ctx.data["summary"]
    ctx.obj.closed_at = ctx.now


def snapshot(c: Campaign) -> dict:
    return {
        "state": c.state,
        "state_before_postponement": c.state_before_postponement,
        "reason": c.reason,
        "summary": c.summary,
    }


CAMPAIGN_MACHINE = Machine(
    name="campaign",
    model=Campaign,
    states=CampaignState,
    actions=CampaignActions,
    fields=FIELDS,
    noun="专项行动",
    error_prefix="campaign",  # codes: campaigns.errors.CampaignError
    memory_field="state_before_postponement",
    scope=campaign_in_bureau,
    snapshot=snapshot,
    lock_related=("lead_unit",),
    transitions=[
        transition(A.START, {S.PLANNED}, S.UNDER_WAY, can_lead_campaign, step=_start),
        transition(
            A.POSTPONE,
            {S.PLANNED, S.UNDER_WAY},
            S.POSTPONED,
            can_lead_campaign,
            required=("reason",),
            remember=True,
            step=_with_reason,
        ),
        transition(A.RESUME, {S.POSTPONED}, RESUME, can_lead_campaign),
        transition(A.BEGIN_CLOSING, {S.UNDER_WAY}, S.CLOSING, can_lead_campaign),
        transition(A.CLOSE, {S.CLOSING}, S.CLOSED, can_lead_campaign, required=("summary",), step=_close),
        transition(
            A.CANCEL,
            {S.PLANNED, S.POSTPONED},
            S.CANCELLED,
            can_lead_campaign,
            required=("reason",),
            step=_with_reason,
        ),
    ],
)

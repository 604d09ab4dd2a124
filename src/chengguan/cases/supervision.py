"""督办: a leader marks a case as supervised with an instruction and a reply due time; the handling
side replies; the on-time reply rate is reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from chengguan.cases.errors import CaseError, SupervisionError
from chengguan.cases.models import Case, Supervision, SupervisionLevel
from chengguan.cases.permissions import can_reply_supervision, can_supervise
from chengguan.cases.states import OPEN_STATES
from chengguan.core import audit, clock, deadlines
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed

DEFAULT_REPLY_DAYS = {SupervisionLevel.NORMAL: 3, SupervisionLevel.KEY: 2, SupervisionLevel.LISTED: 1}


def supervision_create(
    *, actor, case: Case, level: str, instruction: str, reply_due_at: dt.datetime | None = None
) -> Supervision:
    """Put a case under supervision. Without a due time the reply is due in 1–3 working days by level."""
    can_supervise.refuse(actor, case)
    if level not in SupervisionLevel.values:
        raise ValidationFailed(
            _("督办级别无效。"), code=SupervisionError.BAD_LEVEL, fields={"level": [_("督办级别无效。")]}
        )
    instruction = (instruction or "").strip()
    if not instruction:
        raise ValidationFailed(
            _("请填写督办意见。"),
            code=SupervisionError.MISSING_FIELDS,
            fields={"instruction": [_("此项为必填项。")]},
        )
    now = clock.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state not in OPEN_STATES:
            raise Conflict(_("案件已办结，无需督办。"), code=SupervisionError.CASE_CLOSED)
        due = reply_due_at or deadlines.due_for_limit(now, DEFAULT_REPLY_DAYS[level], deadlines.WORKING_DAYS)
        if due <= now:
            raise ValidationFailed(
                _("回复期限须晚于现在。"),
                code=SupervisionError.BAD_DUE,
                fields={"reply_due_at": [_("须晚于现在。")]},
            )
        item = Supervision.objects.create(
            case=locked,
            level=level,
            instruction=instruction,
            reply_due_at=due,
            created_by=actor,
            created_at=now,
        )
        locked.is_supervised = True
        locked.save(update_fields=["is_supervised", "updated_at"])
        audit.record(
            actor=actor,
            action="case.supervise",
            obj=locked,
            after={"supervision": item.pk, "level": level, "instruction": instruction, "reply_due_at": due},
        )
    return item


def supervision_reply(*, actor, supervision: Supervision, reply: str) -> Supervision:
    """Record the reply to a supervision item (once)."""
    can_reply_supervision.refuse(actor, supervision)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationFailed(
            _("请填写回复内容。"),
            code=SupervisionError.MISSING_FIELDS,
            fields={"reply": [_("此项为必填项。")]},
        )
    with transaction.atomic():
        item = (
            Supervision.objects.select_for_update(of=("self",)).select_related("case").get(pk=supervision.pk)
        )
        if item.replied_at is not None:
            raise Conflict(_("该督办已回复。"), code=SupervisionError.ALREADY_REPLIED)
        from chengguan.cases.selectors import cases_visible_to

        if not cases_visible_to(actor).filter(pk=item.case_id).exists():
            raise PermissionDenied(_("该案件不在您的管辖范围内。"), code=CaseError.OUT_OF_SCOPE)
        item.reply, item.replied_at, item.replied_by = reply, clock.now(), actor
        item.save(update_fields=["reply", "replied_at", "replied_by"])
        audit.record(
            actor=actor,
            action="case.supervision_reply",
            obj=item.case,
            after={"supervision": item.pk, "reply": reply, "on_time": item.replied_at <= item.reply_due_at},
        )
    return item


@dataclass(frozen=True)
class ReplyRate:
    due: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def on_time_reply_rate(items: QuerySet[Supervision], now: dt.datetime | None = None) -> ReplyRate:
    """督办按时回复率 = items replied by their due time / items whose reply was due (replied, or
    unreplied and past due). Items not yet due and not replied are left out: they can still be on time."""
    now = now or clock.now()
    replied = items.filter(replied_at__isnull=False)
    overdue_unreplied = items.filter(replied_at__isnull=True, reply_due_at__lt=now).count()
    return ReplyRate(
        due=replied.count() + overdue_unreplied,
        on_time=replied.filter(replied_at__lte=F("reply_due_at")).count(),
    )

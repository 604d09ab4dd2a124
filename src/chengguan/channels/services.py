"""Writes of the outside channels: receiving a work order (督办件) and replying to it.

Receiving is idempotent on (channel, external id): a retry, a second API call or a re-imported file
returns the first work order and changes nothing. The case is created through `case_report` in the
same transaction, so a work order never exists without its case or the other way round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chengguan.cases.models import Case
from chengguan.cases.services import case_report
from chengguan.channels import rules
from chengguan.channels.errors import WorkOrderError
from chengguan.channels.models import Channel, WorkOrder
from chengguan.channels.permissions import (
    can_import_channel_cases,
    can_reply_work_order,
    can_reply_work_orders,
)
from chengguan.core import audit, clock, phones
from chengguan.core import limits as rate_limits
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.core.masking import mask_phone

MAX_EXTERNAL_ID = 64
MAX_REPLY = 2000


@dataclass(frozen=True)
class Received:
    order: WorkOrder
    created: bool


def _fail(field: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def _check_intake(
    actor, channel: str, external_id: str, received_at: dt.datetime | None
) -> tuple[str, dt.datetime]:
    can_import_channel_cases.refuse(actor)
    if channel not in Channel.values:
        raise _fail(
            "channel",
            _("来源渠道须为 %(codes)s 之一。") % {"codes": "、".join(Channel.values)},
            WorkOrderError.BAD_CHANNEL,
        )
    external_id = (external_id or "").strip()
    if not external_id:
        raise _fail("external_id", _("请填写渠道工单号。"), WorkOrderError.MISSING_EXTERNAL_ID)
    if len(external_id) > MAX_EXTERNAL_ID:
        raise _fail(
            "external_id",
            _("渠道工单号不能超过 %(n)s 个字符。") % {"n": MAX_EXTERNAL_ID},
            WorkOrderError.BAD_EXTERNAL_ID,
        )
    now = clock.now()
    if received_at is None:
        return external_id, now
    if received_at.tzinfo is None:
        raise _fail("received_at", _("接收时间须带时区。"), WorkOrderError.NAIVE_TIME)
    if received_at > now:
        raise _fail("received_at", _("接收时间不能晚于现在。"), WorkOrderError.FUTURE_TIME)
    return external_id, received_at


def work_order_receive(
    *,
    actor,
    channel: str,
    external_id: str,
    content: str,
    category: str,
    received_at: dt.datetime | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    address: str = "",
    lon: float | str | None = None,
    lat: float | str | None = None,
    crs: str = "wgs84",
) -> Received:
    """Register an item of an outside channel and open its case (source hotline or deputy).

    The case's feedback due time is the channel's reply due time, counted from when the item was
    received, not from when it was keyed in."""
    external_id, received_at = _check_intake(actor, channel, external_id, received_at)
    existing = WorkOrder.objects.filter(channel=channel, external_id=external_id).first()
    if existing is not None:
        return Received(existing, False)
    # One complainant flooding the channels is limited like the public intake (`core.limits`).
    complainant = phones.normalise(complainant_phone) or ""
    rate_limits.refuse_if_exhausted(channel_phone=complainant)
    rate_limits.count(channel_phone=complainant)
    due = rules.reply_due(channel, received_at)
    try:
        with transaction.atomic():
            case = case_report(
                actor=actor,
                source=rules.CASE_SOURCE[channel],
                category=category,
                description=content,
                lon=lon,
                lat=lat,
                crs=crs,
                address=address,
                reporter_name=complainant_name,
                reporter_phone=complainant_phone,
            ).case
            Case.objects.filter(pk=case.pk).update(feedback_due_at=due)
            order = WorkOrder.objects.create(
                channel=channel,
                external_id=external_id,
                received_at=received_at,
                complainant_name=case.reporter_name,
                complainant_phone=case.reporter_phone,
                content=case.description,
                address=case.address,
                lon=case.lon,
                lat=case.lat,
                category=case.category,
                reply_due_at=due,
                case=case,
                created_at=clock.now(),
            )
            audit.record(
                actor=actor,
                action="work_order.receive",
                obj=order,
                after={
                    "channel": channel,
                    "external_id": external_id,
                    "case": case.number,
                    "received_at": received_at,
                    "reply_due_at": due,
                    "phone": mask_phone(order.complainant_phone),
                },
            )
    except IntegrityError:
        # A concurrent call with the same (channel, external id) committed first: return its item.
        first = WorkOrder.objects.filter(channel=channel, external_id=external_id).first()
        if first is None:
            raise
        return Received(first, False)
    return Received(order, True)


def work_order_reply(*, actor, order: WorkOrder, reply: str, at: dt.datetime | None = None) -> WorkOrder:
    """答复: the bureau's answer to the channel. Given once; the export sends it back."""
    can_reply_work_orders.refuse(actor)
    reply = (reply or "").strip()
    if not reply:
        raise _fail("reply", _("请填写答复内容。"), WorkOrderError.MISSING_REPLY)
    if len(reply) > MAX_REPLY:
        raise _fail(
            "reply", _("答复内容不能超过 %(n)s 字。") % {"n": MAX_REPLY}, WorkOrderError.REPLY_TOO_LONG
        )
    now = clock.now()
    moment = at or now
    if moment.tzinfo is None or moment > now:
        raise _fail("at", _("答复时间须带时区且不能晚于现在。"), WorkOrderError.BAD_TIME)
    with transaction.atomic():
        locked = WorkOrder.objects.select_for_update().select_related("case").get(pk=order.pk)
        can_reply_work_order.refuse(actor, locked)
        if locked.replied_at is not None:
            raise Conflict(_("该督办件已答复。"), code=WorkOrderError.ALREADY_REPLIED)
        if moment < locked.received_at:
            raise _fail("at", _("答复时间不能早于接收时间。"), WorkOrderError.BAD_TIME)
        locked.reply, locked.replied_at, locked.replied_by = reply, moment, actor
        locked.save(update_fields=["reply", "replied_at", "replied_by"])
        audit.record(
            actor=actor,
            action="work_order.reply",
            obj=locked,
            before={"replied_at": None},
            after={"replied_at": moment, "on_time": moment <= locked.reply_due_at},
        )
    return locked

"""Every write of the notification centre: sending (jobs and hand-offs), reading, preferences, and
escalating an overdue item.

`notify()` is called by the apps above (their jobs and their post-commit listeners), never inside a
case's own transaction, so a notification never tells of a change that was rolled back. It writes one
audit event per call (what was sent to whom), not one per recipient. Marking a notification read is
not audited: it is the reader's own view state, like a session, not a record of the bureau's work.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import translation

from chengguan.core import audit, clock
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.notifications import delivery
from chengguan.notifications.errors import NotificationError
from chengguan.notifications.kinds import MESSAGES, REQUIRED_KINDS, URGENT_KINDS, Kind, render
from chengguan.notifications.models import Escalation, Notification, Preference
from chengguan.org.models import StaffProfile
from chengguan.org.system import is_system

log = logging.getLogger(__name__)
SMS_SIGNATURE = "【城管】"


def _ref(obj: models.Model | tuple[str, Any] | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, tuple):
        return obj[0], str(obj[1])
    return obj._meta.label_lower, str(obj.pk)


def _wanted(user_ids: list[int], kind: str) -> tuple[set[int], set[int]]:
    """Of `user_ids`, who wants this kind in the centre, and who also by SMS."""
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids, kind=kind)}
    in_app = {uid for uid in user_ids if kind in REQUIRED_KINDS or uid not in prefs or prefs[uid].in_app}
    sms = {uid for uid in in_app if kind in URGENT_KINDS and uid in prefs and prefs[uid].sms}
    return in_app, sms


def _about(obj) -> str | None:
    """`app.model:pk` of what a notice is about (an instance or an audit-style (type, id) pair)."""
    if obj is None:
        return None
    if isinstance(obj, tuple):
        return f"{obj[0]}:{obj[1]}"
    return f"{obj._meta.label_lower}:{obj.pk}"


def notify(
    *,
    recipients: Iterable,
    message: str,
    key: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    obj: models.Model | tuple[str, Any] | None = None,
    actor,
) -> list[Notification]:
    """Tell each of `recipients` (users) of one event named by `key`, once: recipients who have a
    notification with this key get none again. Returns the notifications created."""
    spec = MESSAGES[message]
    users = {u.pk: u for u in recipients if u is not None and u.is_active and not is_system(u)}
    if not users:
        return []
    params = params or {}
    object_type, object_id = _ref(obj)
    in_app, sms = _wanted(list(users), spec.kind)
    now = clock.now()
    with transaction.atomic():
        have = set(
            Notification.objects.filter(key=key, recipient_id__in=in_app).values_list(
                "recipient_id", flat=True
            )
        )
        fresh = [
            Notification(
                recipient_id=uid,
                kind=spec.kind,
                message=message,
                params=params,
                url=url,
                object_type=object_type,
                object_id=object_id,
                key=key,
                urgent=spec.kind in URGENT_KINDS,
                created_at=now,
            )
            for uid in sorted(in_app - have)
        ]
        if not fresh:
            return []
        try:
            with transaction.atomic():
                Notification.objects.bulk_create(fresh)
        except IntegrityError:  # a concurrent hand-off sent some of them a moment ago
            fresh = [n for n in fresh if _create_one(n)]
        texted = _send_sms([n for n in fresh if n.recipient_id in sms], actor)
        audit.record(
            actor=actor,
            action="notification.send",
            # Filed under the notice, not under the case: the case's history stays its own.
            obj=("notifications.notification", key),
            after={
                "about": _about(obj),
                "message": message,
                "key": key,
                "recipients": [n.recipient_id for n in fresh],
                "sms": texted,
            },
        )
    return fresh


def _create_one(notification: Notification) -> bool:
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return False
    return True


def _send_sms(notifications: list[Notification], actor) -> list[int]:
    """Queue an SMS for each notification whose recipient has a phone; returns their user ids."""
    sender = delivery.sms_sender()
    if sender is None or not notifications:
        return []
    phones = dict(
        StaffProfile.objects.filter(user_id__in=[n.recipient_id for n in notifications])
        .exclude(phone="")
        .values_list("user_id", "phone")
    )
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    texted = []
    for n in notifications:
        phone = phones.get(n.recipient_id)
        if not phone:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            body = f"{SMS_SIGNATURE}{render(n.message, n.params)}"
        if n.url:
            body = f"{body} {base}{n.url}"
        sender(actor=actor, phone=phone, body=body[:300], key=f"staff-notice:{n.pk}")
        texted.append(n.recipient_id)
    return texted


def _own(actor, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient_id=actor.pk).first()
    if notification is None:
        raise NotFound("没有这条通知。", code=NotificationError.NOT_FOUND)
    return notification


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (others' answer 404, as if they did not exist)."""
    notification = _own(actor, notification_id)
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=clock.now()
    )


def preferences_set(*, actor, choices: dict[str, dict[str, bool]]) -> list[Preference]:
    """Save the actor's choices per kind (`{"overdue": {"in_app": True, "sms": True}}`). An SMS is
    offered for urgent kinds only and needs a phone number on the actor's staff profile; required
    kinds always show in the centre."""
    unknown = sorted(set(choices) - set(Kind.values))
    if unknown:
        raise ValidationFailed(
            "未知的通知类别。", code=NotificationError.UNKNOWN_KIND, fields={"kinds": [", ".join(unknown)]}
        )
    wants_sms = [kind for kind, c in choices.items() if c.get("sms")]
    if [kind for kind in wants_sms if kind not in URGENT_KINDS]:
        raise ValidationFailed(
            "只有紧急类别的通知可以发送短信。",
            code=NotificationError.SMS_NOT_URGENT,
            fields={"sms": ["仅限紧急类别。"]},
        )
    if wants_sms and not StaffProfile.objects.filter(user_id=actor.pk).exclude(phone="").exists():
        raise ValidationFailed(
            "您的人员信息中没有手机号码，不能接收短信。",
            code=NotificationError.NO_PHONE,
            fields={"sms": ["请先在人员信息中登记手机号码。"]},
        )
    saved = []
    with transaction.atomic():
        for kind, choice in sorted(choices.items()):
            pref, _ = Preference.objects.update_or_create(
                user_id=actor.pk,
                kind=kind,
                defaults={
                    "in_app": bool(choice.get("in_app", True)) or kind in REQUIRED_KINDS,
                    "sms": bool(choice.get("sms", False)),
                },
            )
            saved.append(pref)
        audit.record(
            actor=actor,
            action="notification.preferences",
            obj=("auth.user", actor.pk),
            after={p.kind: {"in_app": p.in_app, "sms": p.sms} for p in saved},
        )
    return saved


def escalate(
    *,
    obj: models.Model,
    action: str,
    item: models.Model | None = None,
    due_at: dt.datetime,
    level: int,
    recipients: Iterable,
    message: str,
    params: dict[str, Any],
    url: str = "",
    note: str = "",
    actor,
) -> Escalation | None:
    """Send an overdue `item` (default: `obj`) up to `level` once: record the escalation, its audit
    event (`action`, on `obj`, whose timeline shows it) and notify `recipients`. Returns None when
    this level was escalated before."""
    object_type, object_id = _ref(item if item is not None else obj)
    users = [u for u in recipients if u is not None and u.is_active and not is_system(u)]
    with transaction.atomic():
        escalation, created = Escalation.objects.get_or_create(
            object_type=object_type,
            object_id=object_id,
            due_at=due_at,
            level=level,
            defaults={"escalated_at": clock.now(), "recipients": [u.pk for u in users], "note": note[:200]},
        )
        if not created:
            return None
        audit.record(
            actor=actor,
            action=action,
            obj=obj,
            after={"level": level, "due_at": due_at, "to": [u.pk for u in users], "note": note},
        )
        key = f"{object_type}:{object_id}:escalated:{level}:{due_at.isoformat()}"
        notify(recipients=users, message=message, key=key, params=params, url=url, obj=obj, actor=actor)
    return escalation

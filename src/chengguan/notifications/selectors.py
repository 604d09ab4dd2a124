"""Reads of the notification centre: a user sees their own notifications and nobody else's."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from chengguan.notifications.kinds import REQUIRED_KINDS, URGENT_KINDS, Kind
from chengguan.notifications.models import Notification, Preference
from chengguan.org.models import StaffProfile


def notifications_of(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=user.pk)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    """The number on the bell."""
    return notifications_of(user, unread_only=True).count()


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    in_app: bool
    sms: bool
    urgent: bool
    required: bool


def preferences_of(user) -> list[PreferenceRow]:
    """Every kind with the user's choice (or the default: in the centre, no SMS)."""
    saved = {p.kind: p for p in Preference.objects.filter(user_id=user.pk)}
    rows = []
    for kind in Kind:
        pref = saved.get(kind.value)
        rows.append(
            PreferenceRow(
                kind=kind.value,
                label=kind.label,
                in_app=True if pref is None or kind in REQUIRED_KINDS else pref.in_app,
                sms=bool(pref and pref.sms),
                urgent=kind in URGENT_KINDS,
                required=kind in REQUIRED_KINDS,
            )
        )
    return rows


def has_phone(user) -> bool:
    return StaffProfile.objects.filter(user_id=user.pk).exclude(phone="").exists()

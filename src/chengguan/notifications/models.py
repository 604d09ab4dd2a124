"""Staff notifications (the bell), each user's preferences, and the record of escalations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.notifications.kinds import Kind, render


class Notification(models.Model):
    """One message to one user. `key` names the event it tells of; a user gets one notification per
    key, so a job that runs again, or catches up after downtime, never tells the same thing twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, db_index=True)
    message = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    key = models.CharField(max_length=160)
    urgent = models.BooleanField(_("紧急"), default=False)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")

    def __str__(self) -> str:
        return self.key

    @property
    def text(self) -> str:
        return render(self.message, self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """A user's choice for one kind: shown in the notification centre, and sent by SMS (urgent kinds).
    Without a row the defaults apply: in the centre, no SMS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    in_app = models.BooleanField(_("站内通知"), default=True)
    sms = models.BooleanField(_("短信"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"


class Escalation(models.Model):
    """An overdue item sent up one level (the unit's leader, then the bureau's shift leader; a
    supervision reply to the leader who asked). One row per item, due time and level: each
    escalation happens once, even when the job runs again."""

    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    due_at = models.DateTimeField(_("到期时间"))
    level = models.PositiveSmallIntegerField(_("升级层级"))
    escalated_at = models.DateTimeField(_("升级时间"))
    recipients = models.JSONField(_("通知对象"), default=list)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-escalated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "due_at", "level"], name="one_escalation_per_level"
            )
        ]
        verbose_name = _("超期升级记录")
        verbose_name_plural = _("超期升级记录")

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} L{self.level}"

"""The outbox of SMS: every message the bureau promised to send, to a citizen or to staff."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")


class OutboundMessage(models.Model):
    """An SMS the bureau promised to send. Written in the transaction that decided to send it, so a
    message is never lost; a failed send stays queued for `chengguan sms retry`."""

    key = models.CharField(max_length=80, unique=True, help_text="同一事件只发一次，例如 case:12:file")
    phone = models.CharField(max_length=20)
    body = models.CharField(max_length=300)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        # The index keeps the name it had when the outbox lived in `channels`.
        indexes = [models.Index(fields=["status", "id"], name="channels_ou_status_31a9f7_idx")]
        verbose_name = "短信"
        verbose_name_plural = "短信发件箱"

    def __str__(self) -> str:
        return self.key

"""Supervision items (督办件) that arrive from outside channels, and the outbox of SMS to citizens.

A work order keeps what the channel sent (its own id, the complainant, the content) beside the case
it became, so the reply and the rating can be sent back in the channel's own shape.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case
from chengguan.taxonomy.models import Category


class Channel(models.TextChoices):
    HOTLINE_12345 = "hotline_12345", _("12345热线")
    MAYOR_MAILBOX = "mayor_mailbox", _("市长信箱")
    DEPUTY = "deputy", _("人大代表")
    CPPCC = "cppcc", _("政协委员")


class WorkOrder(models.Model):
    """督办件: one item of an outside channel, unique by (channel, the channel's own id)."""

    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    external_id = models.CharField("渠道工单号", max_length=64)
    received_at = models.DateTimeField("接收时间", db_index=True)
    complainant_name = models.CharField("诉求人", max_length=50, blank=True)
    complainant_phone = models.CharField("联系电话", max_length=20, blank=True)
    content = models.TextField("诉求内容")
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.FloatField(null=True, blank=True, help_text="WGS-84")
    lat = models.FloatField(null=True, blank=True, help_text="WGS-84")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    reply_due_at = models.DateTimeField("答复期限", db_index=True)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="work_order")
    reply = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["reply_due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="work_order_unique_per_channel")
        ]
        verbose_name = "督办件"
        verbose_name_plural = "督办件"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.external_id}"


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
        indexes = [models.Index(fields=["status", "id"])]
        verbose_name = "短信"
        verbose_name_plural = "短信发件箱"

    def __str__(self) -> str:
        return self.key

"""Supervision items (督办件) that arrive from outside channels.

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

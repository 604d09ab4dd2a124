"""What the phone said about a report made in the field, kept beside what the server saw: the
device's capture time and position (with GPS accuracy) and the server's receive time, and where a
photo's EXIF disagrees with the device (the same check as 核查 photos)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case
from chengguan.org.models import DeviceToken


class FieldReport(models.Model):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="field_report")
    device = models.ForeignKey(
        DeviceToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The device's key (its own, not the caller-scoped one the case stores), for support questions.
    idempotency_key = models.CharField(max_length=64)
    captured_at = models.DateTimeField(_("设备拍摄时间"), null=True, blank=True)
    lon = models.FloatField(_("设备定位经度"), null=True, blank=True)
    lat = models.FloatField(_("设备定位纬度"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    received_at = models.DateTimeField(_("服务器接收时间"))
    # One line per disagreement between a photo's EXIF and the device ("evidence id: reason").
    exif_flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("外勤上报")
        verbose_name_plural = _("外勤上报")

    def __str__(self) -> str:
        return f"{self.case} ← {self.idempotency_key}"


class FieldAction(models.Model):
    """A step on a case taken in the field app (核实, 签收, 处置反馈, 核查), maybe offline hours before:
    the device's key, so a step sent twice is taken once and the resend gets the first answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(
        DeviceToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="field_actions")
    action = models.CharField(_("操作"), max_length=20)
    state_after = models.CharField(_("操作后状态"), max_length=20)
    captured_at = models.DateTimeField(_("设备记录时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("服务器接收时间"))
    # Photo notes: where the EXIF came from (the device read it before compressing) or disagrees.
    exif_flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="uniq_field_action_key")
        ]
        verbose_name = _("外勤操作")
        verbose_name_plural = _("外勤操作")

    def __str__(self) -> str:
        return f"{self.case} {self.action} ← {self.idempotency_key}"

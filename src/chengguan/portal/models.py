"""The public channel's own tables: Open311 client applications and what they submitted, the reports
made on the portal and the leaders' reviews of unsatisfied ratings (the ratings themselves, and the
feedback records, are `feedback`'s)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case
from chengguan.feedback.models import Callback
from chengguan.org.models import Organisation


class Open311Client(models.Model):
    """An application allowed to post requests. Only the SHA-256 of its key is kept."""

    name = models.CharField("应用名称", max_length=100, unique=True)
    key_prefix = models.CharField("密钥前缀", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    bureau = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="只有地址、没有坐标的请求归入此局。",
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        verbose_name = "Open311 接入应用"
        verbose_name_plural = "Open311 接入应用"

    def __str__(self) -> str:
        return self.name


class Open311Submission(models.Model):
    """What an Open311 client sent with a case that is not a case field (kept, never answered back)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="open311")
    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(max_length=40, unique=True)
    email = models.CharField(max_length=200, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.token


class PublicReport(models.Model):
    """A problem a member of the public reported on the portal: the case, the plain-language category
    they chose and the keyed hash of the query code (查询码) that lets them track it. Staff pages never
    show this table; the code itself is shown once, to the reporter."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="public_report")
    public_category = models.CharField("市民选择的问题类型", max_length=40)
    query_code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "市民网上举报"
        verbose_name_plural = "市民网上举报"

    def __str__(self) -> str:
        return self.case.number


class ReviewDecision(models.TextChoices):
    REOPEN = "reopen", _("重新交办")
    EXPLAIN = "explain", _("解释说明")


class CallbackReview(models.Model):
    """回访复核: a leader's decision on a "不满意" rating — send the case back to the unit, or
    record why the result stands."""

    callback = models.OneToOneField(Callback, on_delete=models.PROTECT, related_name="review")
    decision = models.CharField(max_length=8, choices=ReviewDecision.choices)
    note = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = "回访复核"
        verbose_name_plural = "回访复核"

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.callback.case_id}"

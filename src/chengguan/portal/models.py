"""The public channel's own tables: Open311 client applications and what they submitted, and the
feedback (反馈) and callback (回访) records that the figures are computed from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case
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


class FeedbackMethod(models.TextChoices):
    SMS = "sms", _("短信")
    PHONE = "phone", _("电话")
    PORTAL = "portal", _("网站/小程序")
    IN_PERSON = "in_person", _("当面")


class Feedback(models.Model):
    """反馈: the reporter was told the result. A case counts as fed back once it has one."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="feedback_records")
    method = models.CharField(max_length=10, choices=FeedbackMethod.choices)
    content = models.TextField()
    at = models.DateTimeField(db_index=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "反馈记录"
        verbose_name_plural = "反馈记录"

    def __str__(self) -> str:
        return f"{self.get_method_display()}反馈 {self.case_id}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Callback(models.Model):
    """回访: the reporter's rating of a closed case, asked by phone (or given on the portal)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="callbacks")
    rating = models.CharField(max_length=12, choices=Rating.choices)
    method = models.CharField(max_length=10, choices=FeedbackMethod.choices, default=FeedbackMethod.PHONE)
    comment = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(db_index=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        # A citizen rates a case on the portal once; staff may call back as often as needed.
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(method="portal"), name="one_portal_rating_per_case"
            )
        ]
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"

    def __str__(self) -> str:
        return f"{self.get_rating_display()} {self.case_id}"


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

"""反馈与回访: telling the reporter the result (反馈) and asking them how it went (回访).

The public portal records them, the outside channels send the rating back to their channel and the
figures count them, so they live below all three.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case


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

"""Administrative penalty cases (行政处罚案件), their parties, computed deadlines and review proceedings."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chengguan.core.masking import mask_id_number, mask_name
from chengguan.enforcement.states import PenaltyState, Procedure
from chengguan.org.models import Organisation


class PenaltyCase(models.Model):
    # Issued when filing is approved (general) or the on-the-spot decision is made (simple).
    number = models.CharField("案号", max_length=40, unique=True, null=True, blank=True)
    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    origin_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="penalty_cases"
    )
    procedure = models.CharField(max_length=8, choices=Procedure.choices)
    state = models.CharField(max_length=20, choices=PenaltyState.choices, db_index=True)
    state_before_suspension = models.CharField(max_length=20, choices=PenaltyState.choices, blank=True)

    facts = models.TextField("违法事实")
    legal_basis = models.TextField("处罚依据", blank=True)
    fine_amount = models.DecimalField(
        "罚款金额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    collected_on_spot = models.BooleanField(default=False)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="penalty_cases", blank=True)

    # 法制审核 (APL Art. 58): required in the cases the article lists; a hearing makes it required.
    legal_review_required = models.BooleanField(default=False)
    legal_review_grounds = models.JSONField(default=list, blank=True)
    legal_review_passed_on = models.DateField(null=True, blank=True)
    legal_review_opinion = models.TextField(blank=True)
    hearing_offered = models.BooleanField(default=False)

    proposed_on = models.DateField(null=True, blank=True)
    filed_on = models.DateField(null=True, blank=True, db_index=True)
    notice_served_on = models.DateField(null=True, blank=True)
    hearing_requested_on = models.DateField(null=True, blank=True)
    hearing_notice_on = models.DateField(null=True, blank=True)
    hearing_on = models.DateField(null=True, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    decision_number = models.CharField(max_length=40, blank=True)
    decision_overdue_reason = models.TextField(blank=True)
    decision_served_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    reminder_served_on = models.DateField(null=True, blank=True)
    review_periods_end_on = models.DateField(null=True, blank=True)
    court_applied_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    reason = models.TextField("最近一次原因/说明", blank=True)
    transferred_to = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "行政处罚案件"
        verbose_name_plural = "行政处罚案件"

    def __str__(self) -> str:
        return self.number or f"待立案#{self.pk}"


class PartyKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class PenaltyParty(models.Model):
    case = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=12, choices=PartyKind.choices)
    name = models.CharField(max_length=100)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    legal_representative = models.CharField(max_length=50, blank=True)
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        """Natural persons are shown masked outside the case file (APL Art. 48); organisations are not."""
        return mask_name(self.name) if self.kind == PartyKind.PERSON else self.name

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number) if self.kind == PartyKind.PERSON else self.credit_code


class PenaltyDeadline(models.Model):
    """One statutory period computed from a recorded event; rewritten whenever the case's dates change."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="deadlines")
    period_id = models.CharField(max_length=60)
    name = models.CharField(max_length=100)
    article = models.CharField(max_length=60)
    event = models.CharField(max_length=40)
    start_on = models.DateField()
    due_on = models.DateField(db_index=True)
    met_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "period_id"], name="one_deadline_per_period")]

    def __str__(self) -> str:
        return f"{self.name} {self.due_on}"


class ReviewKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


class ReviewOutcome(models.TextChoices):
    PENDING = "", "审理中"
    UPHELD = "upheld", "维持"
    REVOKED = "revoked", "撤销"
    CHANGED = "changed", "变更"
    UNLAWFUL = "unlawful", "确认违法"


class PenaltyReview(models.Model):
    """A reconsideration or lawsuit against the decision; its pending days do not bear surcharge
    (行政处罚法 第七十三条第三款)."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=16, choices=ReviewKind.choices)
    body = models.CharField(max_length=100, blank=True)
    applied_on = models.DateField()
    concluded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)

    class Meta:
        ordering = ["applied_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.applied_on}"

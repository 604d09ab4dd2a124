"""Administrative penalty cases (行政处罚案件), their parties, computed deadlines and review proceedings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.core.masking import mask_id_number, mask_name, mask_personal_numbers
from chengguan.org.models import Organisation


class Procedure(models.TextChoices):
    SIMPLE = "simple", _("简易程序")
    GENERAL = "general", _("普通程序")


class PenaltyState(models.TextChoices):
    """The stages of the penalty procedure (行政处罚法 第五章、第六章); the machine is in states.py."""

    PROPOSED = "proposed", _("立案审批中")
    INVESTIGATING = "investigating", _("调查取证")
    CASE_REVIEW = "case_review", _("案件审查")
    NOTIFIED = "notified", _("已事先告知")
    HEARING_REQUESTED = "hearing_requested", _("已申请听证")
    HEARING_SCHEDULED = "hearing_scheduled", _("已通知听证")
    HEARD = "heard", _("已听证")
    DECIDED = "decided", _("已作出决定")
    EXECUTING = "executing", _("执行中")
    REMINDED = "reminded", _("已催告")
    COURT_ENFORCEMENT = "court_enforcement", _("申请法院强制执行")
    PAID = "paid", _("已缴纳")
    SUSPENDED = "suspended", _("中止")
    CLOSED = "closed", _("已结案")
    TERMINATED = "terminated", _("终止调查")
    TRANSFERRED = "transferred", _("已移送")


class StatementKind(models.TextChoices):
    STATED = "stated", _("当事人已陈述、申辩")
    WAIVED = "waived", _("当事人明确放弃陈述、申辩")


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
    # The provisions the party broke (违法依据) and those the penalty is imposed under (处罚依据):
    # the decision states both (行政处罚法 第五十九条第一款第二项、第三项).
    violated_provisions = models.TextField("违法依据", blank=True)
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
    # 陈述、申辩 (行政处罚法 第四十四条、第四十五条): the period the bureau's setting gave when the notice
    # was served, and the party's statement or waiver, which ends it early.
    statement_due_on = models.DateField(null=True, blank=True)
    statement_on = models.DateField(null=True, blank=True)
    statement_kind = models.CharField(max_length=8, choices=StatementKind.choices, blank=True)
    statement_summary = models.TextField("陈述、申辩要点", blank=True)
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
        return self.number or _("待立案#%(pk)s") % {"pk": self.pk}

    @property
    def reference(self) -> str:
        """What the closed-loop case stores as `penalty_case_ref` (the number, else a marker the filing
        number replaces): the same in every language."""
        return self.number or f"待立案#{self.pk}"


class PenaltySettings(models.Model):
    """The bureau's own rules of the penalty procedure. The law gives the party the right to state and
    defend (行政处罚法 第四十四条、第四十五条) but no period for it; provinces set one, so the bureau
    records its period in working days (counted from the day after service, as 第八十五条 counts) and
    the rule it follows (default: `settings.PENALTY_STATEMENT_DAYS_DEFAULT`, see
    `periods.statement_period`)."""

    bureau = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    statement_days = models.PositiveSmallIntegerField(_("陈述、申辩期限（工作日）"))
    statement_rule = models.CharField(_("依据的规定"), max_length=200)

    class Meta:
        verbose_name = _("行政处罚设置")
        verbose_name_plural = _("行政处罚设置")

    def __str__(self) -> str:
        return f"{self.bureau} {self.statement_days}"


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


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
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION = "litigation", _("行政诉讼")


class ReviewOutcome(models.TextChoices):
    PENDING = "", _("审理中")
    UPHELD = "upheld", _("维持")
    REVOKED = "revoked", _("撤销")
    CHANGED = "changed", _("变更")
    UNLAWFUL = "unlawful", _("确认违法")


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


class DocumentType(models.TextChoices):
    """The penalty documents (行政处罚文书) the bureau issues, in the order of the procedure."""

    FILING_APPROVAL = "filing_approval", _("立案审批表")
    INSPECTION_RECORD = "inspection_record", _("现场检查（勘验）笔录")
    INQUIRY_RECORD = "inquiry_record", _("询问笔录")
    RECTIFICATION_ORDER = "rectification_order", _("责令改正通知书")
    PRIOR_NOTICE = "prior_notice", _("行政处罚事先告知书")
    HEARING_RIGHTS_NOTICE = "hearing_rights_notice", _("听证告知书")
    HEARING_NOTICE = "hearing_notice", _("听证通知书")
    DECISION = "decision", _("行政处罚决定书")
    SERVICE_RECEIPT = "service_receipt", _("送达回证")
    REMINDER = "reminder", _("催告书")
    COURT_APPLICATION = "court_application", _("强制执行申请书")
    CLOSING_REPORT = "closing_report", _("结案报告")
    SIMPLE_DECISION = "simple_decision", _("当场行政处罚决定书")
    STATEMENT_RECORD = "statement_record", _("陈述申辩笔录")
    HEARING_RECORD = "hearing_record", _("听证笔录")
    PRESERVATION_NOTICE = "preservation_notice", _("先行登记保存通知书")


class PenaltyDocument(models.Model):
    """One issued document: its number (gapless per type, bureau and year), the generated PDF and,
    once the party has signed, the uploaded scan. Both files are kept with their SHA-256 so the case
    file can show it is unchanged (行政处罚法 第四十七条)."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField("文书类型", max_length=24, choices=DocumentType.choices)
    number = models.CharField("文书编号", max_length=40, unique=True)
    issued_on = models.DateField("制作日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="penalty/documents/", max_length=200)
    sha256 = models.CharField(max_length=64)
    scan = models.FileField("签收扫描件", upload_to="penalty/scans/", max_length=200, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    scan_uploaded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "issued_on", "id"]
        verbose_name = "行政处罚文书"
        verbose_name_plural = "行政处罚文书"

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}"


class PenaltyDisclosure(models.Model):
    """行政执法公示 (行政处罚法 第四十八条): what the public site shows of a decision. The text is a
    snapshot taken at publication with natural persons' names masked and no identity numbers, so
    later edits to the case cannot leak personal data onto the public page."""

    case = models.OneToOneField(PenaltyCase, on_delete=models.PROTECT, related_name="disclosure")
    decision_number = models.CharField(max_length=40)
    bureau_name = models.CharField(max_length=100)
    party_display = models.CharField("当事人（公示）", max_length=200)
    facts = models.TextField()
    legal_basis = models.TextField()
    penalty = models.CharField("处罚内容", max_length=200)
    decision_on = models.DateField()
    published_on = models.DateField(db_index=True)
    # Set when the decision is revoked, changed or confirmed unlawful: Art. 48 gives three working days.
    withdrawal_due_on = models.DateField(null=True, blank=True, db_index=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.CharField("撤回理由", max_length=200, blank=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = "行政处罚决定公示"
        verbose_name_plural = "行政处罚决定公示"

    def __str__(self) -> str:
        return self.decision_number

    @property
    def public_facts(self) -> str:
        """The facts as the public page shows them: ID and phone numbers masked again on output,
        for snapshots taken before the masking covered them."""
        return mask_personal_numbers(self.facts)

    @property
    def public_withdrawal_reason(self) -> str:
        return mask_personal_numbers(self.withdrawal_reason)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class CourtRuling(models.TextChoices):
    ENFORCE = "enforce", _("裁定准予执行")
    NOT_ENFORCE = "not_enforce", _("裁定不予执行")


class CourtEnforcement(models.Model):
    """非诉强制执行 (行政强制法 第五十三条至第五十八条): the court's acceptance and ruling on the
    bureau's application, with the court and police contacts taken from the organisation tree."""

    case = models.OneToOneField(PenaltyCase, on_delete=models.PROTECT, related_name="court_enforcement")
    court = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    police = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_on = models.DateField("受理日期")
    court_case_number = models.CharField("法院案号", max_length=60)
    ruling = models.CharField(max_length=12, choices=CourtRuling.choices, blank=True)
    ruled_on = models.DateField("裁定日期", null=True, blank=True)
    ruling_note = models.TextField(blank=True)

    class Meta:
        verbose_name = "法院强制执行"
        verbose_name_plural = "法院强制执行"

    def __str__(self) -> str:
        return self.court_case_number


class EvidenceKind(models.TextChoices):
    """The kinds of evidence (行政处罚法 第四十六条第一款)."""

    DOCUMENTARY = "documentary", _("书证")
    PHYSICAL = "physical", _("物证")
    AUDIOVISUAL = "audiovisual", _("视听资料")
    ELECTRONIC = "electronic", _("电子数据")
    WITNESS = "witness", _("证人证言")
    PARTY_STATEMENT = "party_statement", _("当事人的陈述")
    EXPERT_OPINION = "expert_opinion", _("鉴定意见")
    RECORD = "record", _("勘验笔录、现场笔录")


class CollectionMethod(models.TextChoices):
    """How an item was obtained (第五十五条、第五十六条); blank on entries migrated from the audit trail,
    which did not record it."""

    NOT_RECORDED = "", _("未记录")
    PHOTOGRAPHED = "photographed", _("现场拍照")
    RECORDED = "recorded", _("录音录像")
    INSPECTED = "inspected", _("现场检查（勘验）")
    INQUIRED = "inquired", _("询问制作笔录")
    OBTAINED = "obtained", _("调取、复制")
    SUBMITTED = "submitted", _("当事人提交")
    SAMPLED = "sampled", _("抽样取证")
    PRESERVED = "preserved", _("先行登记保存")


class PenaltyEvidence(models.Model):
    """证据清单: one item of a penalty case's evidence, with who collected it, how, where and when, and
    the stored file under its SHA-256 (行政处罚法 第四十二条、第四十六条、第四十七条、第五十五条)."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="evidence_entries")
    no = models.PositiveIntegerField("序号")
    title = models.CharField("证据名称", max_length=200)
    kind = models.CharField("证据种类", max_length=16, choices=EvidenceKind.choices)
    method = models.CharField("取证方式", max_length=16, choices=CollectionMethod.choices, blank=True)
    place = models.CharField("取证地点", max_length=200, blank=True)
    collected_at = models.DateTimeField("取证时间")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name="取证人员")
    file = models.FileField(upload_to="penalty/evidence/", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "no"]
        constraints = [models.UniqueConstraint(fields=["case", "no"], name="one_evidence_number_per_case")]
        verbose_name = "证据"
        verbose_name_plural = "证据清单"

    def __str__(self) -> str:
        return f"{self.no}. {self.title}"

    @property
    def officer_names(self) -> list[str]:
        """The collecting officers by name, as the register and the case file list them."""
        return [
            getattr(getattr(u, "profile", None), "full_name", "") or u.get_username()
            for u in self.officers.all()
        ]


class EvaluationState(models.TextChoices):
    """卷宗评查 of one file: chosen by the legal office, scored, sent back for correction and, once the
    officers report it corrected, scored again."""

    SELECTED = "selected", _("待评查")
    SCORED = "scored", _("已评分")
    RETURNED = "returned", _("已退回整改")
    CORRECTED = "corrected", _("已整改待复评")


class CaseFileEvaluation(models.Model):
    """卷宗评查: one legal reviewer's scoring of a closed case file against the checklist in force.
    `deductions` maps checklist item ids to the points taken off; the checklist's version is kept so
    a later change of the list does not rewrite old scores. The reviewer's name is stored as signed
    (a login is no name on paper)."""

    case = models.OneToOneField(PenaltyCase, on_delete=models.PROTECT, related_name="evaluation")
    state = models.CharField(
        max_length=10, choices=EvaluationState.choices, default=EvaluationState.SELECTED, db_index=True
    )
    selected_on = models.DateField(null=True, blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluator_name = models.CharField("评查人", max_length=50, blank=True)
    evaluated_on = models.DateField(null=True, blank=True, db_index=True)
    checklist_version = models.CharField(max_length=40, blank=True)
    deductions = models.JSONField(default=dict)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    pass_mark = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    returned_on = models.DateField(null=True, blank=True)
    return_reason = models.TextField("整改要求", blank=True)
    corrected_on = models.DateField(null=True, blank=True)
    correction_note = models.TextField("整改情况", blank=True)

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        verbose_name = "卷宗评查"
        verbose_name_plural = "卷宗评查"

    def __str__(self) -> str:
        return f"{self.case} {self.score}"

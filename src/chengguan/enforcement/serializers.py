"""The serializers of the penalty-case API: what a case, its parties, deadlines, reviews, evidence
and documents look like, and the request bodies of the endpoints outside the machine's table (the
actions' bodies are built from the table by core.workflow.api)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chengguan.core.masking import mask_address, mask_phone
from chengguan.core.workflow.api import MAX_ID, action_ref_serializer
from chengguan.enforcement import periods, selectors
from chengguan.enforcement.models import (
    CollectionMethod,
    DocumentType,
    EvaluationState,
    EvidenceKind,
    PartyKind,
    PenaltyCase,
    PenaltyParty,
    ReviewKind,
    ReviewOutcome,
)
from chengguan.enforcement.states import PENALTY_MACHINE, PenaltyState, Procedure


class PenaltyPartySerializer(serializers.Serializer):
    """A party as staff lists show it: a natural person's name, ID, address and phone masked."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PartyKind.choices)
    name = serializers.CharField(source="masked_name")
    identifier = serializers.CharField(source="masked_id", help_text="身份证号（脱敏）或统一社会信用代码")
    legal_representative = serializers.CharField()
    address = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    def get_address(self, party: PenaltyParty) -> str:
        return mask_address(party.address) if party.kind == PartyKind.PERSON else party.address

    def get_phone(self, party: PenaltyParty) -> str:
        return mask_phone(party.phone)


class PenaltyDeadlineSerializer(serializers.Serializer):
    period_id = serializers.CharField()
    name = serializers.CharField()
    article = serializers.CharField(help_text="出处，如 APL Art.60")
    article_text = serializers.SerializerMethodField(help_text="出处（中文）")
    event = serializers.CharField(help_text="起算事件")
    start_on = serializers.DateField(help_text="起算日（不计入期限）")
    due_on = serializers.DateField()
    met_on = serializers.DateField(allow_null=True)
    office_duty = serializers.SerializerMethodField(help_text="true：本机关须遵守的期限")

    def get_article_text(self, d) -> str:
        return periods.article_label(d.article)

    def get_office_duty(self, d) -> bool:
        return d.period_id in periods.OFFICE_DUTIES


class PenaltyReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    body = serializers.CharField()
    applied_on = serializers.DateField()
    concluded_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(help_text="空：审理中；upheld/revoked/changed/unlawful")


# One row of the machine's table the caller may take now (a `Transition`).
PenaltyActionRefSerializer = action_ref_serializer(PENALTY_MACHINE, with_fields=True)


class PenaltyOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="profile.full_name")


class PenaltyCaseSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True, help_text="案号（立案批准或当场决定时编号）")
    procedure = serializers.ChoiceField(choices=Procedure.choices)
    state = serializers.ChoiceField(choices=PenaltyState.choices)
    state_name = serializers.CharField(source="get_state_display")
    facts = serializers.CharField()
    fine_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    filed_on = serializers.DateField(allow_null=True)
    decision_on = serializers.DateField(allow_null=True)
    parties = PenaltyPartySerializer(many=True)
    next_due = serializers.DateField(allow_null=True, help_text="本机关最近一个未届满的期限")
    urgency = serializers.SerializerMethodField(help_text="normal / warning / overdue")

    def get_urgency(self, case: PenaltyCase) -> str:
        return selectors.urgency(getattr(case, "next_due", None))


class PenaltyEvidenceSerializer(serializers.Serializer):
    """One entry of the evidence register (证据清单)."""

    no = serializers.IntegerField(help_text="证据序号")
    description = serializers.CharField(source="title", help_text="证据名称")
    kind = serializers.ChoiceField(
        choices=EvidenceKind.choices, help_text="证据种类（行政处罚法 第四十六条）"
    )
    kind_name = serializers.CharField(source="get_kind_display")
    method = serializers.ChoiceField(choices=CollectionMethod.choices, help_text="取证方式；空为未记录")
    place = serializers.CharField(help_text="取证地点")
    collected_at = serializers.DateTimeField(help_text="取证时间")
    officers = serializers.ListField(
        child=serializers.CharField(), source="officer_names", help_text="取证人员（不少于两人）"
    )
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    at = serializers.DateTimeField(source="recorded_at", help_text="登记时间")


class PenaltyDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    name = serializers.CharField(source="get_doc_type_display")
    number = serializers.CharField()
    issued_on = serializers.DateField()
    sha256 = serializers.CharField()
    has_scan = serializers.SerializerMethodField()

    def get_has_scan(self, doc) -> bool:
        return bool(doc.scan)


class PenaltyCaseDetailSerializer(PenaltyCaseSummarySerializer):
    bureau = serializers.CharField(source="bureau.name")
    origin_case = serializers.CharField(source="origin_case.number", allow_null=True, default=None)
    violated_provisions = serializers.CharField(help_text="违法依据")
    legal_basis = serializers.CharField(help_text="处罚依据")
    statement_due_on = serializers.DateField(
        allow_null=True, help_text="陈述、申辩期限（第四十四条、第四十五条）"
    )
    statement_on = serializers.DateField(allow_null=True)
    statement_kind = serializers.CharField(help_text="stated 已陈述申辩 / waived 明确放弃 / 空")
    under_review = serializers.SerializerMethodField(help_text="复议或诉讼审理中（结案后亦然）")
    collected_on_spot = serializers.BooleanField()
    officers = PenaltyOfficerSerializer(many=True, source="officers.all")
    legal_review_required = serializers.BooleanField()
    legal_review_grounds = serializers.ListField(child=serializers.CharField())
    legal_review_passed_on = serializers.DateField(allow_null=True)
    legal_review_opinion = serializers.CharField()
    hearing_offered = serializers.BooleanField()
    proposed_on = serializers.DateField(allow_null=True)
    notice_served_on = serializers.DateField(allow_null=True)
    hearing_requested_on = serializers.DateField(allow_null=True)
    hearing_notice_on = serializers.DateField(allow_null=True)
    hearing_on = serializers.DateField(allow_null=True)
    decision_number = serializers.CharField()
    decision_overdue_reason = serializers.CharField()
    decision_served_on = serializers.DateField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    reminder_served_on = serializers.DateField(allow_null=True)
    review_periods_end_on = serializers.DateField(allow_null=True)
    court_applied_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    transferred_to = serializers.CharField()
    surcharge = serializers.SerializerMethodField(help_text="今日应加处罚款（元，行政处罚法 第七十二条）")
    deadlines = PenaltyDeadlineSerializer(many=True, source="deadlines.all")
    reviews = PenaltyReviewSerializer(many=True, source="reviews.all")
    evidence = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    def get_surcharge(self, case: PenaltyCase) -> str:
        return str(selectors.surcharge_on(case))

    def get_under_review(self, case: PenaltyCase) -> bool:
        return selectors.under_review(case)

    @extend_schema_field(PenaltyEvidenceSerializer(many=True))
    def get_evidence(self, case: PenaltyCase) -> list[dict]:
        return PenaltyEvidenceSerializer(selectors.evidence_items(case), many=True).data

    @extend_schema_field(PenaltyDocumentSerializer(many=True))
    def get_documents(self, case: PenaltyCase) -> list[dict]:
        return PenaltyDocumentSerializer(selectors.documents(case), many=True).data

    @extend_schema_field(PenaltyActionRefSerializer(many=True))
    def get_available_actions(self, case: PenaltyCase) -> list[dict]:
        actions = selectors.available_actions(case, self.context["request"].user)
        return PenaltyActionRefSerializer([PENALTY_MACHINE.get(a) for a in actions], many=True).data


class PenaltyPartyInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PartyKind.choices)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, help_text="自然人必填")
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True, help_text="组织必填")
    legal_representative = serializers.CharField(max_length=50, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class PenaltyProposeSerializer(serializers.Serializer):
    facts = serializers.CharField(
        required=False, allow_blank=True, help_text="违法事实；转立（给出 origin_case）时可空，取原案件描述"
    )
    parties = PenaltyPartyInputSerializer(many=True, allow_empty=False)
    officers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        help_text="执法人员的用户 id；批准立案时须不少于两人（行政处罚法 第四十二条）",
    )
    origin_case = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="以“执法”方式结案的数字城管案件 id：由此转立",
    )


class PenaltyProposeSchema(OpenApiSerializerExtension):
    """The proposal needs the facts unless it is opened from a closed-loop case, which gives them, and
    at least one party (the generator does not carry a nested list's minimum over)."""

    target_class = PenaltyProposeSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["properties"]["parties"]["minItems"] = 1
        schema["anyOf"] = [
            {"required": ["origin_case"]},
            {"required": ["facts"], "properties": {"facts": {"minLength": 1}}},
        ]
        return schema


class PenaltySimpleSerializer(serializers.Serializer):
    facts = serializers.CharField()
    violated_provisions = serializers.CharField(
        required=False, default="", help_text="违法依据（不填时决定书以处罚依据为准）"
    )
    legal_basis = serializers.CharField(help_text="处罚依据")
    party = PenaltyPartyInputSerializer()
    fine_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        coerce_to_string=False,  # a number in the schema, so "" is not offered as an amount
        help_text="罚款金额（元），0 为警告；公民≤200元，组织≤3000元（第五十一条）",
    )
    collected_on_spot = serializers.BooleanField(
        default=False, help_text="当场收缴，仅限100元以下（第六十八条）"
    )
    decided_on = serializers.DateField(required=False)


class PenaltyEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="照片、视频或录音")
    description = serializers.CharField(max_length=200, help_text="证据名称")
    kind = serializers.ChoiceField(
        choices=EvidenceKind.choices, required=False, help_text="证据种类；不填时照片、音视频为视听资料"
    )
    method = serializers.ChoiceField(choices=CollectionMethod.choices, required=False, default="")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    collected_at = serializers.DateTimeField(required=False, help_text="取证时间；不填取照片拍摄时间或现在")
    officers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="取证人员的用户 id（本案执法人员，不少于两人）；不填为本案全部执法人员",
    )


class PenaltyReviewInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    applied_on = serializers.DateField()
    body = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="复议机关或法院")


class PenaltyConcludeSerializer(serializers.Serializer):
    concluded_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=[c for c in ReviewOutcome.choices if c[0]])
    fine_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        coerce_to_string=False,
        help_text="结果为“变更”时的新罚款金额（元）",
    )


class PenaltyWeekDeadlineSerializer(PenaltyDeadlineSerializer):
    case_id = serializers.IntegerField(source="case.pk")
    case_number = serializers.CharField(source="case.number", allow_null=True)


class PenaltyDocumentIssueSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)


class CaseFileEvaluationSerializer(serializers.Serializer):
    """卷宗评查 of one case file: its step, the reviewer by name, the points taken off per item."""

    state = serializers.ChoiceField(choices=EvaluationState.choices)
    selected_on = serializers.DateField(allow_null=True)
    evaluator_name = serializers.CharField(help_text="评查人姓名")
    evaluated_on = serializers.DateField(allow_null=True)
    checklist_version = serializers.CharField()
    deductions = serializers.DictField(child=serializers.CharField(), help_text="评查项目 id → 扣分")
    score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    pass_mark = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    notes = serializers.CharField()
    returned_on = serializers.DateField(allow_null=True)
    return_reason = serializers.CharField()
    corrected_on = serializers.DateField(allow_null=True)
    correction_note = serializers.CharField()


class CaseFileScoreSerializer(serializers.Serializer):
    deductions = serializers.DictField(
        child=serializers.CharField(max_length=10),
        required=False,
        default=dict,
        help_text="评查项目 id → 扣分（0 到该项分值）；未列出的项目不扣分",
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

"""REST API of penalty cases: list, detail and proposal, the simple procedure, one endpoint per action of
`states.TRANSITIONS`, evidence, parties, deadlines, reviews and the deadlines of this week.

Views hold no rules: writes go through `enforcement.services`, reads through `enforcement.selectors`,
and the request body of each action is built from `states.action_fields`, so the API, its OpenAPI
document and the web forms cannot disagree. Refusals by the procedure are 409 with the article.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.cases.models import Case
from chengguan.core import clock
from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from chengguan.core.masking import mask_address, mask_phone
from chengguan.enforcement import periods, selectors, services
from chengguan.enforcement.documents import services as document_services
from chengguan.enforcement.forms import PenaltyCaseFilter
from chengguan.enforcement.models import (
    DocumentType,
    PartyKind,
    PenaltyCase,
    PenaltyParty,
    ReviewKind,
    ReviewOutcome,
)
from chengguan.enforcement.states import (
    BY_ACTION,
    FIELD_SPECS,
    TRANSITIONS,
    PenaltyAction,
    PenaltyState,
    Procedure,
    Transition,
    action_fields,
    legal_review_grounds,
)
from chengguan.org import selectors as org_selectors
from chengguan.org.access import is_staff_user
from chengguan.org.roles import RoleCode

TAG = "penalty-cases"
_CONFLICT = error_response(
    409, "penalty.invalid_transition", "案件当前状态为“调查取证”，不能执行“作出处罚决定”。"
)


# ---------------------------------------------------------------------------------------------
# Reading


def _visible(user) -> QuerySet[PenaltyCase]:
    if not is_staff_user(user):
        raise PermissionDenied("行政处罚案件仅对执法人员开放。", code="penalty.staff_only")
    return selectors.visible_cases(user)


def _case(user, pk: int) -> PenaltyCase:
    case = _visible(user).prefetch_related("parties", "officers__profile").filter(pk=pk).first()
    if case is None:
        raise NotFound("未找到该行政处罚案件。", code="penalty.not_found")
    return case


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


class PenaltyActionRefSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=PenaltyAction.choices)
    name = serializers.CharField()
    required = serializers.ListField(child=serializers.CharField())
    fields = serializers.ListField(child=serializers.CharField())


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
    no = serializers.IntegerField()
    at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()
    officers = serializers.ListField(child=serializers.CharField())


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
    legal_basis = serializers.CharField()
    collected_on_spot = serializers.BooleanField()
    officers = serializers.SerializerMethodField()
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

    def get_officers(self, case: PenaltyCase) -> list[dict]:
        return [{"id": u.pk, "name": u.profile.full_name} for u in case.officers.all()]

    def get_surcharge(self, case: PenaltyCase) -> str:
        return str(selectors.surcharge_on(case))

    @extend_schema_field(PenaltyEvidenceSerializer(many=True))
    def get_evidence(self, case: PenaltyCase) -> list[dict]:
        return PenaltyEvidenceSerializer(selectors.evidence_items(case), many=True).data

    @extend_schema_field(PenaltyDocumentSerializer(many=True))
    def get_documents(self, case: PenaltyCase) -> list[dict]:
        return PenaltyDocumentSerializer(selectors.documents(case), many=True).data

    @extend_schema_field(PenaltyActionRefSerializer(many=True))
    def get_available_actions(self, case: PenaltyCase) -> list[dict]:
        actor = self.context["request"].user
        return [
            {
                "action": a,
                "name": PenaltyAction(a).label,
                "required": list(BY_ACTION[a].required),
                "fields": list(action_fields(a)),
            }
            for a in selectors.available_actions(case, actor)
        ]


def _detail(request: Request, pk: int) -> Response:
    case = selectors.with_next_due(_visible(request.user)).filter(pk=pk).first()
    if case is None:
        raise NotFound("未找到该行政处罚案件。", code="penalty.not_found")
    return Response(PenaltyCaseDetailSerializer(case, context={"request": request}).data)


# ---------------------------------------------------------------------------------------------
# Request bodies


class PenaltyPartyInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PartyKind.choices)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, help_text="自然人必填")
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True, help_text="组织必填")
    legal_representative = serializers.CharField(max_length=50, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class PenaltyProposeSerializer(serializers.Serializer):
    facts = serializers.CharField(required=False, allow_blank=True, help_text="转立时可空，取原案件描述")
    parties = PenaltyPartyInputSerializer(many=True)
    officers = serializers.ListField(
        child=serializers.IntegerField(), help_text="执法人员的用户 id，不少于两人（行政处罚法 第四十二条）"
    )
    origin_case = serializers.IntegerField(
        required=False, help_text="以“执法”方式结案的数字城管案件 id：由此转立"
    )


class PenaltySimpleSerializer(serializers.Serializer):
    facts = serializers.CharField()
    legal_basis = serializers.CharField()
    party = PenaltyPartyInputSerializer()
    fine_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="0 为警告；公民≤200元，组织≤3000元（第五十一条）"
    )
    collected_on_spot = serializers.BooleanField(
        default=False, help_text="当场收缴，仅限100元以下（第六十八条）"
    )
    decided_on = serializers.DateField(required=False)


def _officers(ids: list[int]) -> list:
    users = list(get_user_model().objects.filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise ValidationFailed(
            "执法人员不存在。", code="penalty.unknown_officer", fields={"officers": ["执法人员不存在。"]}
        )
    return users


def _input_field(name: str, required: bool) -> serializers.Field:
    kind, label, help_text = FIELD_SPECS[name]
    text = f"{label}。{help_text}" if help_text else label
    if kind == "date":
        return serializers.DateField(required=required, help_text=text)
    if kind == "money":
        return serializers.DecimalField(
            max_digits=12, decimal_places=2, min_value=0, required=required, help_text=text
        )
    if kind == "bool":
        return serializers.BooleanField(required=required, help_text=text)
    if kind == "grounds":
        return serializers.MultipleChoiceField(
            choices=legal_review_grounds(), required=required, help_text=text
        )
    return serializers.CharField(required=required, help_text=text)


def action_serializer(t: Transition) -> type[serializers.Serializer]:
    fields = {name: _input_field(name, name in t.required) for name in action_fields(t.action)}
    camel = "".join(part.title() for part in t.action.split("_"))
    return type(f"Penalty{camel}Serializer", (serializers.Serializer,), fields)


def _roles_text(roles) -> str:
    return "、".join(str(RoleCode(r).label) for r in sorted(roles))


def action_description(t: Transition) -> str:
    sources = "、".join(PenaltyState(s).label for s in sorted(t.sources))
    target = PenaltyState(t.target).label if t.target else "不变（恢复时回到中止前的状态）"
    return "\n\n".join(
        [
            f"「{PenaltyAction(t.action).label}」：状态为 {sources} 时可执行，执行后为 {target}。",
            f"可执行角色：{_roles_text(t.roles)}（本机关人员）。",
            f"必填字段：{'、'.join(t.required) or '无'}。",
            "状态不允许或违反法定程序（如未经法制审核、听证申请期未满、超过九十日未记录理由）时返回 409，"
            "message 写明依据的条款；角色不符返回 403；字段有误返回 400。",
        ]
    )


# ---------------------------------------------------------------------------------------------
# Views


class PenaltyCaseListCreate(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    serializer_class = PenaltyCaseSummarySerializer
    filterset_class = PenaltyCaseFilter
    queryset = PenaltyCase.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[PenaltyCase]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        qs = selectors.with_next_due(_visible(self.request.user))
        return qs.prefetch_related(Prefetch("parties", queryset=PenaltyParty.objects.order_by("id")))

    @extend_schema(
        operation_id="penalty_cases_list",
        summary="行政处罚案件列表",
        responses={200: PenaltyCaseSummarySerializer(many=True), **error_responses(400, 401, 403)},
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("-id"))
        return self.get_paginated_response(PenaltyCaseSummarySerializer(page, many=True).data)

    @extend_schema(
        operation_id="penalty_cases_propose",
        summary="立案审批（普通程序），或由以“执法”结案的案件转立",
        request=PenaltyProposeSerializer,
        responses={201: PenaltyCaseDetailSerializer, **error_responses(400, 401, 403), 409: _CONFLICT},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        _visible(request.user)
        body = PenaltyProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        officers = _officers(data["officers"])
        parties = [dict(p) for p in data["parties"]]
        if data.get("origin_case"):
            origin = Case.objects.filter(pk=data["origin_case"]).first()
            if origin is None:
                raise ValidationFailed(
                    "原案件不存在。", code="penalty.unknown_origin", fields={"origin_case": ["案件不存在。"]}
                )
            case = services.penalty_case_open_from_case(
                actor=request.user,
                case=origin,
                parties=parties,
                officers=officers,
                facts=data.get("facts", ""),
            )
        else:
            bureau = org_selectors.bureau_of(request.user)
            if bureau is None:
                raise PermissionDenied("您不属于任何执法机关。", code="penalty.no_bureau")
            case = services.penalty_case_propose(
                actor=request.user,
                bureau=bureau,
                facts=data.get("facts", ""),
                parties=parties,
                officers=officers,
            )
        response = _detail(request, case.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class PenaltyCaseDetail(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="penalty_cases_retrieve",
        summary="行政处罚案件详情（含期限、当事人、复议诉讼、证据与可执行的操作）",
        responses={200: PenaltyCaseDetailSerializer, **error_responses(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)


class PenaltySimpleDecide(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="penalty_cases_simple",
        summary="简易程序当场处罚决定（行政处罚法 第五十一条）",
        description="超过第五十一条罚款限额或第六十八条当场收缴限额时返回 400，fields 指出字段。",
        request=PenaltySimpleSerializer,
        responses={201: PenaltyCaseDetailSerializer, **error_responses(400, 401, 403)},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        _visible(request.user)
        body = PenaltySimpleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        bureau = org_selectors.bureau_of(request.user)
        if bureau is None:
            raise PermissionDenied("您不属于任何执法机关。", code="penalty.no_bureau")
        case = services.penalty_simple_decide(
            actor=request.user,
            bureau=bureau,
            facts=data["facts"],
            legal_basis=data["legal_basis"],
            party=dict(data["party"]),
            fine_amount=data["fine_amount"],
            collected_on_spot=data["collected_on_spot"],
            decided_on=data.get("decided_on"),
            officers=[request.user],
        )
        response = _detail(request, case.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class PenaltyActionView(APIView):
    """One action of the transition table; `action_view` makes a subclass per action."""

    authentication_classes = API_AUTHENTICATION
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    action: str = ""
    request_serializer: type[serializers.Serializer] = serializers.Serializer

    def post(self, request: Request, pk: int) -> Response:
        case = _case(request.user, pk)
        # partial: the service first says whether the step is possible (409/403), then what is missing.
        body = self.request_serializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        payload = {k: (list(v) if isinstance(v, set) else v) for k, v in body.validated_data.items()}
        services.penalty_transition(actor=request.user, case=case, action=self.action, payload=payload)
        return _detail(request, pk)


def action_view(t: Transition) -> type[PenaltyActionView]:
    serializer = action_serializer(t)

    @extend_schema(
        operation_id=f"penalty_cases_{t.action}",
        summary=f"{PenaltyAction(t.action).label}（{_roles_text(t.roles)}）",
        description=action_description(t),
        request=serializer,
        responses={200: PenaltyCaseDetailSerializer, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
        tags=[TAG],
    )
    def post(self, request: Request, pk: int) -> Response:
        return PenaltyActionView.post(self, request, pk)

    return type(
        serializer.__name__.replace("Serializer", "View"),
        (PenaltyActionView,),
        {"action": t.action, "request_serializer": serializer, "post": post},
    )


ACTION_VIEWS: dict[str, type[PenaltyActionView]] = {t.action: action_view(t) for t in TRANSITIONS}


class PenaltyEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="照片、视频或录音")
    description = serializers.CharField(max_length=200)


class PenaltyEvidence(APIView):
    authentication_classes = API_AUTHENTICATION
    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(
        operation_id="penalty_cases_evidence_create",
        summary="上传证据（两名以上执法人员，行政处罚法 第四十二条）",
        description="文件类型按内容判定，SHA-256、大小与执法人员记入审计记录；调查终结后返回 409。",
        request={"multipart/form-data": PenaltyEvidenceUploadSerializer},
        responses={201: PenaltyEvidenceSerializer, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
        tags=[TAG],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request.user, pk)
        body = PenaltyEvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.penalty_evidence_add(
            actor=request.user,
            case=case,
            upload=body.validated_data["file"],
            description=body.validated_data["description"],
        )
        items = selectors.evidence_items(case)
        return Response(PenaltyEvidenceSerializer(items[-1]).data, status=status.HTTP_201_CREATED)


class PenaltyParties(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="penalty_cases_parties",
        summary="当事人（自然人信息脱敏）",
        responses={200: PenaltyPartySerializer(many=True), **error_responses(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(PenaltyPartySerializer(_case(request.user, pk).parties.all(), many=True).data)


class PenaltyDeadlines(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="penalty_cases_deadlines",
        summary="本案全部法定期限及出处",
        responses={200: PenaltyDeadlineSerializer(many=True), **error_responses(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(PenaltyDeadlineSerializer(_case(request.user, pk).deadlines.all(), many=True).data)


class PenaltyReviewInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    applied_on = serializers.DateField()
    body = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="复议机关或法院")


class PenaltyReviews(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="penalty_cases_reviews_list",
        summary="行政复议与行政诉讼",
        responses={200: PenaltyReviewSerializer(many=True), **error_responses(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(PenaltyReviewSerializer(_case(request.user, pk).reviews.all(), many=True).data)

    @extend_schema(
        operation_id="penalty_cases_reviews_create",
        summary="登记当事人申请复议或提起诉讼（期间不计加处罚款，第七十三条）",
        request=PenaltyReviewInputSerializer,
        responses={201: PenaltyReviewSerializer, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
        tags=[TAG],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request.user, pk)
        body = PenaltyReviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = services.penalty_review_record(actor=request.user, case=case, **body.validated_data)
        return Response(PenaltyReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class PenaltyConcludeSerializer(serializers.Serializer):
    concluded_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=[c for c in ReviewOutcome.choices if c[0]])


class PenaltyReviewConclude(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="penalty_cases_reviews_conclude",
        summary="登记复议或诉讼结果",
        request=PenaltyConcludeSerializer,
        responses={200: PenaltyReviewSerializer, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
        tags=[TAG],
    )
    def post(self, request: Request, pk: int, review_pk: int) -> Response:
        review = _case(request.user, pk).reviews.filter(pk=review_pk).first()
        if review is None:
            raise NotFound("未找到该复议或诉讼记录。", code="penalty.review_not_found")
        body = PenaltyConcludeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = services.penalty_review_conclude(actor=request.user, review=review, **body.validated_data)
        return Response(PenaltyReviewSerializer(review).data)


class PenaltyWeekDeadlineSerializer(PenaltyDeadlineSerializer):
    case_id = serializers.IntegerField(source="case.pk")
    case_number = serializers.CharField(source="case.number", allow_null=True)


class PenaltyDeadlinesThisWeek(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="penalty_deadlines_this_week",
        summary="本周到期的期限，以及已逾期未办的本机关期限",
        responses={200: PenaltyWeekDeadlineSerializer(many=True), **error_responses(401, 403)},
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        _visible(request.user)
        today = clock.today()
        rows = [
            *selectors.overdue_duties(request.user, today=today),
            *selectors.deadlines_this_week(request.user, today=today),
        ]
        return Response(PenaltyWeekDeadlineSerializer(rows, many=True).data)


class PenaltyDocumentIssueSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)


class PenaltyDocuments(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="penalty_cases_documents_list",
        summary="本案文书",
        responses={200: PenaltyDocumentSerializer(many=True), **error_responses(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            PenaltyDocumentSerializer(selectors.documents(_case(request.user, pk)), many=True).data
        )

    @extend_schema(
        operation_id="penalty_cases_documents_issue",
        summary="生成文书（编号按类型、年度连续；不在适用阶段返回 409）",
        request=PenaltyDocumentIssueSerializer,
        responses={201: PenaltyDocumentSerializer, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
        tags=[TAG],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request.user, pk)
        body = PenaltyDocumentIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = document_services.penalty_document_issue(
            actor=request.user, case=case, doc_type=body.validated_data["doc_type"]
        )
        return Response(PenaltyDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

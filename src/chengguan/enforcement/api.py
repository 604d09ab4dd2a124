"""REST API of penalty cases: one ViewSet for the list, the detail, the proposal, the simple procedure,
the deadlines of this week and a case's parties, deadlines, evidence, reviews and documents; one
endpoint per action of `states.PENALTY_MACHINE`, built from its table by core.workflow.api.

Views hold no rules: writes go through `enforcement.services`, reads through `enforcement.selectors`.
Refusals by the procedure are 409 with the article.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.cases.models import Case
from chengguan.core import clock
from chengguan.core.api import ScopedViewSet, error_response, error_responses, validated
from chengguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from chengguan.core.parsers import FormParser, JSONParser, MultiPartParser
from chengguan.core.workflow.api import action_views
from chengguan.enforcement import evaluation, selectors, services
from chengguan.enforcement.documents import services as document_services
from chengguan.enforcement.errors import EvaluationError
from chengguan.enforcement.errors import PenaltyError as E
from chengguan.enforcement.forms import PenaltyCaseFilter
from chengguan.enforcement.models import CaseFileEvaluation, PenaltyCase, PenaltyParty
from chengguan.enforcement.serializers import (
    CaseFileEvaluationSerializer,
    CaseFileScoreSerializer,
    PenaltyCaseDetailSerializer,
    PenaltyCaseSummarySerializer,
    PenaltyConcludeSerializer,
    PenaltyDeadlineSerializer,
    PenaltyDocumentIssueSerializer,
    PenaltyDocumentSerializer,
    PenaltyEvidenceSerializer,
    PenaltyEvidenceUploadSerializer,
    PenaltyPartySerializer,
    PenaltyProposeSerializer,
    PenaltyReviewInputSerializer,
    PenaltyReviewSerializer,
    PenaltySimpleSerializer,
    PenaltyWeekDeadlineSerializer,
)
from chengguan.enforcement.states import PENALTY_MACHINE
from chengguan.org import selectors as org_selectors
from chengguan.org.access import is_staff_user

TAG = "penalty-cases"
_CONFLICT = error_response(409, E.INVALID_TRANSITION, "案件当前状态为“调查取证”，不能执行“作出处罚决定”。")


def _visible(user) -> QuerySet[PenaltyCase]:
    if not is_staff_user(user):
        raise PermissionDenied("行政处罚案件仅对执法人员开放。", code=E.STAFF_ONLY)
    return selectors.visible_cases(user)


def _case(request: Request, pk: int) -> PenaltyCase:
    case = _visible(request.user).prefetch_related("parties", "officers__profile").filter(pk=pk).first()
    if case is None:
        raise NotFound("未找到该行政处罚案件。", code=E.NOT_FOUND)
    return case


def _detail(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    case = selectors.with_next_due(_visible(request.user)).filter(pk=pk).first()
    if case is None:
        raise NotFound("未找到该行政处罚案件。", code=E.NOT_FOUND)
    return Response(PenaltyCaseDetailSerializer(case, context={"request": request}).data, status=code)


def _own_bureau(user):
    bureau = org_selectors.bureau_of(user)
    if bureau is None:
        raise PermissionDenied("您不属于任何执法机关。", code=E.NO_BUREAU)
    return bureau


def _officers(ids: list[int]) -> list:
    users = list(get_user_model().objects.filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise ValidationFailed(
            "执法人员不存在。", code=E.UNKNOWN_OFFICER, fields={"officers": ["执法人员不存在。"]}
        )
    return users


def _sub_resource(name: str, *, listed: str, added: str, body, out, add_id: str):
    """The schema and route of a case's list-or-add sub-resource (`GET`/`POST …/{id}/<name>/`)."""

    def decorate(method):
        method = action(
            detail=True,
            methods=["get", "post"],
            parser_classes=(JSONParser,),
            pagination_class=None,
            filterset_class=None,
        )(method)
        method = extend_schema(
            methods=["post"],
            operation_id=f"penalty_cases_{name}_{add_id}",
            summary=added,
            request=body,
            responses={201: out, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
        )(method)
        return extend_schema(
            methods=["get"],
            operation_id=f"penalty_cases_{name}_list",
            summary=listed,
            responses={200: out(many=True), **error_responses(401, 403, 404)},
        )(method)

    return decorate


def _list_or_add(request: Request, case: PenaltyCase, *, rows, body, add, out) -> Response:
    """A sub-resource of a case: GET lists `rows(case)`, POST validates `body` and `add`s one (201)."""
    if request.method == "GET":
        return Response(out(rows(case), many=True).data)
    return Response(out(add(case, validated(body, request.data))).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        operation_id="penalty_cases_list",
        summary="行政处罚案件列表",
        responses={
            200: PenaltyCaseSummarySerializer(many=True),
            **error_responses(400, 401, 403),
            404: error_response(404, "not_found", "页码无效或超出范围。"),
        },
    ),
    create=extend_schema(
        operation_id="penalty_cases_propose",
        summary="立案审批（普通程序），或由以“执法”结案的案件转立",
        request=PenaltyProposeSerializer,
        responses={201: PenaltyCaseDetailSerializer, **error_responses(400, 401, 403), 409: _CONFLICT},
    ),
    retrieve=extend_schema(
        operation_id="penalty_cases_retrieve",
        summary="行政处罚案件详情（含期限、当事人、复议诉讼、证据与可执行的操作）",
        responses={200: PenaltyCaseDetailSerializer, **error_responses(401, 403, 404)},
    ),
)
@extend_schema(tags=[TAG])
class PenaltyCaseViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Penalty cases of the caller's bureau and what hangs off each one."""

    parser_classes = (JSONParser,)  # nested parties: JSON only (evidence has its own multipart)
    serializer_class = PenaltyCaseSummarySerializer
    filterset_class = PenaltyCaseFilter
    queryset = PenaltyCase.objects.none()

    def visible(self, request: Request) -> QuerySet[PenaltyCase]:
        qs = selectors.with_next_due(_visible(request.user))
        parties = Prefetch("parties", queryset=PenaltyParty.objects.order_by("id"))
        return qs.prefetch_related(parties).order_by("-id")

    def retrieve(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)

    def create(self, request: Request) -> Response:
        _visible(request.user)
        data = validated(PenaltyProposeSerializer, request.data)
        officers = _officers(data["officers"])
        parties = [dict(p) for p in data["parties"]]
        if data.get("origin_case"):
            origin = Case.objects.filter(pk=data["origin_case"]).first()
            if origin is None:
                raise ValidationFailed(
                    "原案件不存在。", code=E.UNKNOWN_ORIGIN, fields={"origin_case": ["案件不存在。"]}
                )
            case = services.penalty_case_open_from_case(
                actor=request.user,
                case=origin,
                parties=parties,
                officers=officers,
                facts=data.get("facts", ""),
            )
        else:
            case = services.penalty_case_propose(
                actor=request.user,
                bureau=_own_bureau(request.user),
                facts=data.get("facts", ""),
                parties=parties,
                officers=officers,
            )
        return _detail(request, case.pk, status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="penalty_cases_simple",
        summary="简易程序当场处罚决定（行政处罚法 第五十一条）",
        description="超过第五十一条罚款限额或第六十八条当场收缴限额时返回 400，fields 指出字段。",
        request=PenaltySimpleSerializer,
        responses={201: PenaltyCaseDetailSerializer, **error_responses(400, 401, 403)},
    )
    @action(detail=False, methods=["post"])
    def simple(self, request: Request) -> Response:
        _visible(request.user)
        data = validated(PenaltySimpleSerializer, request.data)
        case = services.penalty_simple_decide(
            actor=request.user,
            bureau=_own_bureau(request.user),
            facts=data["facts"],
            legal_basis=data["legal_basis"],
            violated_provisions=data["violated_provisions"],
            party=dict(data["party"]),
            fine_amount=data["fine_amount"],
            collected_on_spot=data["collected_on_spot"],
            decided_on=data.get("decided_on"),
            officers=[request.user],
        )
        return _detail(request, case.pk, status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="penalty_deadlines_this_week",
        summary="本周到期的期限，以及已逾期未办的本机关期限",
        responses={200: PenaltyWeekDeadlineSerializer(many=True), **error_responses(401, 403)},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="deadlines-this-week",
        pagination_class=None,
        filterset_class=None,
    )
    def deadlines_this_week(self, request: Request) -> Response:
        _visible(request.user)
        today = clock.today()
        rows = [
            *selectors.overdue_duties(request.user, today=today),
            *selectors.deadlines_this_week(request.user, today=today),
        ]
        return Response(PenaltyWeekDeadlineSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="penalty_cases_parties",
        summary="当事人（自然人信息脱敏）",
        responses={200: PenaltyPartySerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def parties(self, request: Request, pk: int) -> Response:
        return Response(PenaltyPartySerializer(_case(request, pk).parties.all(), many=True).data)

    @extend_schema(
        operation_id="penalty_cases_deadlines",
        summary="本案全部法定期限及出处",
        responses={200: PenaltyDeadlineSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def deadlines(self, request: Request, pk: int) -> Response:
        return Response(PenaltyDeadlineSerializer(_case(request, pk).deadlines.all(), many=True).data)

    @extend_schema(
        methods=["get"],
        operation_id="penalty_cases_evidence_list",
        summary="证据清单（序号、种类、取证方式、地点与时间、取证人员、SHA-256）",
        responses={200: PenaltyEvidenceSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @extend_schema(
        methods=["post"],
        operation_id="penalty_cases_evidence_create",
        summary="登记证据（两名以上本案执法人员取证，行政处罚法 第四十二条）",
        description="文件类型按内容判定，存其 SHA-256；取证人员须在取证当日持有效执法证；调查终结后 409。",
        request={"multipart/form-data": PenaltyEvidenceUploadSerializer},
        responses={201: PenaltyEvidenceSerializer, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=(MultiPartParser, FormParser),
        pagination_class=None,
        filterset_class=None,
    )
    def evidence(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        if request.method == "GET":
            return Response(PenaltyEvidenceSerializer(selectors.evidence_items(case), many=True).data)
        data = validated(PenaltyEvidenceUploadSerializer, request.data)
        officers = _officers(data["officers"]) if "officers" in data else None
        entry = services.penalty_evidence_add(
            actor=request.user,
            case=case,
            upload=data["file"],
            description=data["description"],
            kind=data.get("kind", ""),
            method=data["method"],
            place=data["place"],
            collected_at=data.get("collected_at"),
            officers=officers,
        )
        return Response(PenaltyEvidenceSerializer(entry).data, status=status.HTTP_201_CREATED)

    @_sub_resource(
        "reviews",
        listed="行政复议与行政诉讼",
        added="登记当事人申请复议或提起诉讼（期间不计加处罚款，第七十三条）",
        body=PenaltyReviewInputSerializer,
        out=PenaltyReviewSerializer,
        add_id="create",
    )
    def reviews(self, request: Request, pk: int) -> Response:
        return _list_or_add(
            request,
            _case(request, pk),
            rows=lambda case: case.reviews.all(),
            body=PenaltyReviewInputSerializer,
            add=lambda case, data: services.penalty_review_record(actor=request.user, case=case, **data),
            out=PenaltyReviewSerializer,
        )

    @extend_schema(
        operation_id="penalty_cases_reviews_conclude",
        summary="登记复议或诉讼结果",
        request=PenaltyConcludeSerializer,
        responses={200: PenaltyReviewSerializer, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"reviews/(?P<review_pk>\d+)/conclude",
        parser_classes=(JSONParser,),
    )
    def conclude_review(self, request: Request, pk: int, review_pk: int) -> Response:
        review = _case(request, pk).reviews.filter(pk=review_pk).first()
        if review is None:
            raise NotFound("未找到该复议或诉讼记录。", code=E.REVIEW_NOT_FOUND)
        data = validated(PenaltyConcludeSerializer, request.data)
        review = services.penalty_review_conclude(actor=request.user, review=review, **data)
        return Response(PenaltyReviewSerializer(review).data)

    @_sub_resource(
        "documents",
        listed="本案文书",
        added="生成文书（编号按类型、年度连续；不在适用阶段返回 409）",
        body=PenaltyDocumentIssueSerializer,
        out=PenaltyDocumentSerializer,
        add_id="issue",
    )
    def documents(self, request: Request, pk: int) -> Response:
        return _list_or_add(
            request,
            _case(request, pk),
            rows=selectors.documents,
            body=PenaltyDocumentIssueSerializer,
            add=lambda case, data: document_services.penalty_document_issue(
                actor=request.user, case=case, doc_type=data["doc_type"]
            ),
            out=PenaltyDocumentSerializer,
        )

    # 卷宗评查 of one case file (the legal office's pages are evaluation_views).
    @extend_schema(
        methods=["get"],
        operation_id="penalty_cases_evaluation_retrieve",
        summary="卷宗评查结果（评查人、逐项扣分、得分）",
        responses={200: CaseFileEvaluationSerializer, **error_responses(401, 403, 404)},
    )
    @extend_schema(
        methods=["post"],
        operation_id="penalty_cases_evaluation_score",
        summary="卷宗评查评分（法制员，按评查表逐项扣分；已结案的案卷）",
        request=CaseFileScoreSerializer,
        responses={201: CaseFileEvaluationSerializer, **error_responses(400, 401, 403, 404), 409: _CONFLICT},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=(JSONParser,),
        pagination_class=None,
        filterset_class=None,
    )
    def evaluation(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        if request.method == "POST":
            data = validated(CaseFileScoreSerializer, request.data)
            record = evaluation.case_file_evaluate(
                actor=request.user, case=case, deductions=data["deductions"], notes=data["notes"]
            )
            return Response(CaseFileEvaluationSerializer(record).data, status=status.HTTP_201_CREATED)
        record = CaseFileEvaluation.objects.filter(case=case).first()
        if record is None:
            raise NotFound("该案卷尚未选入评查。", code=EvaluationError.NOT_FOUND)
        return Response(CaseFileEvaluationSerializer(record).data)


ACTION_VIEWS = action_views(
    PENALTY_MACHINE,
    get_object=_case,
    respond=lambda request, case: _detail(request, case.pk),
    response_serializer=PenaltyCaseDetailSerializer,
    operation_prefix="penalty_cases",
    tags=[TAG],
    extra_description=lambda t: (
        "违反法定程序（如未经法制审核、听证申请期未满、超过九十日未记录理由）时返回 409，"
        "message 写明依据的条款。"
    ),
)

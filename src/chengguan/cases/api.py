"""REST API of the closed loop: one ViewSet for cases (intake, the list, the detail, the map, the inbox,
the exports, and a case's evidence, supervision, spam mark and reporter phone), one for supervisions
(督办), reply templates (常用语), and one endpoint per action of the transition table.

Views hold no rules: writes go through `cases.services` / `cases.supervision`, reads through
`cases.selectors`, and which actions exist, who may take them and what they need comes from
`cases.states.CASE_MACHINE` (its action endpoints are built from the table by the workflow kernel),
so the API, its OpenAPI document and the web pages cannot disagree. What a response looks like is
said once, by the serializers of `cases.serializers`, which both produce and document it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.cases import contact, export, selectors, services, spam, supervision
from chengguan.cases.errors import CaseError, SupervisionError
from chengguan.cases.filters import CaseFilter, SupervisionFilter
from chengguan.cases.models import Case, CaseExtension, ExtensionStatus, Supervision, TemplatePurpose
from chengguan.cases.permissions import acts_on_case, can_handle, can_view_reporter_phone
from chengguan.cases.serializers import (
    EVIDENCE_ENCODING,
    CaseDetailSerializer,
    CaseIntakeSerializer,
    CaseMapSerializer,
    CaseSummarySerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    InboxSerializer,
    RateQuerySerializer,
    ReplyRateSerializer,
    ReplySerializer,
    ReplyTemplateSerializer,
    ReporterPhoneSerializer,
    SpamSerializer,
    SuperviseSerializer,
    SupervisionSerializer,
    TemplateQuerySerializer,
    UrgencyCountsSerializer,
    reply_templates,
)
from chengguan.cases.states import CASE_MACHINE, STAGE_FINISHING
from chengguan.core import clock, limits
from chengguan.core.api import (
    API_AUTHENTICATION,
    ScopedViewSet,
    error_response,
    error_responses,
    idempotency_header,
    validated,
)
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.core.parsers import FormParser, JSONParser, MultiPartParser
from chengguan.core.workflow import Transition
from chengguan.core.workflow.api import action_views
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import is_staff, roles_named
from chengguan.org.roles import RoleCode
from chengguan.taxonomy import selectors as taxonomy_selectors
from chengguan.taxonomy.models import Category

_PARSERS = (JSONParser, MultiPartParser, FormParser)
_BODY = ("application/json", "multipart/form-data")
_IDEMPOTENCY = idempotency_header(
    "客户端生成的幂等键（最长 64 字符）：同一调用者重试时返回第一次创建的案件（200）而不是再建一件"
)
_SUB = {"pagination_class": None, "filterset_class": None}  # a case's sub-resources: no list filters
# A page number past the last page (or below 1) is 404, as DRF's page-number pagination answers.
_PAGE = OpenApiParameter("page", OpenApiTypes.INT, description="页码（从 1 开始；超出末页为空页）")


def with_list_data(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What a list row shows, loaded with the rows (no query per case)."""
    pending = CaseExtension.objects.filter(case=OuterRef("pk"), status=ExtensionStatus.PENDING)
    return queryset.select_related("squad").annotate(has_pending_extension=Exists(pending))


def _with_detail(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related(
        "squad", "proposed_unit", "merged_into", "handler__profile", "verifier__profile"
    )


def _detail_queryset(user) -> QuerySet[Case]:
    return _with_detail(selectors.cases_visible_to(user))


def _visible_case(user, pk: int) -> Case:
    case = _detail_queryset(user).filter(pk=pk).first()
    if case is None:
        raise NotFound("案件不存在或不在您的查看范围内。", code=CaseError.NOT_FOUND)
    return case


def case_to_act_on(user, pk: int) -> Case:
    """A case the caller sees, or one of their bureau they may take some step on (an inspector
    verifying outside their grids: the service then says which step). Any other case gets the same
    404 as one that does not exist, whatever its state (`permissions.acts_on_case`)."""
    case = selectors.cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        bureau = org_selectors.bureau_of(user)
        if is_staff(user) and bureau is not None:
            case = Case.objects.filter(pk=pk, bureau_id=bureau.pk).first()
            case = case if case is not None and acts_on_case(user, case) else None
    if case is None:
        raise NotFound("案件不存在或不在您的查看范围内。", code=CaseError.NOT_FOUND)
    return case


def case_response(
    request: Request,
    pk: int,
    *,
    reveal_phone: bool = False,
    code: int = status.HTTP_200_OK,
    reported: Case | None = None,
) -> Response:
    """The detail of case `pk` as the caller sees it. After a write the case may be out of the
    writer's view (a handler who returned it); the body is still the case they just wrote. A case
    `reported` this instant is the row the intake service returned, units loaded: no second read,
    and no query for the extensions and supervisions it cannot have yet. With
    `reveal_phone` the caller's right to the full reporter number is used, and that view audited."""
    if reported is not None:
        case = reported
    elif reveal_phone:
        case = _visible_case(request.user, pk)
    else:
        case = _detail_queryset(request.user).filter(pk=pk).first() or _with_detail(Case.objects).get(pk=pk)
    reveal = reveal_phone and can_view_reporter_phone(request.user, case)
    if reveal and case.reporter_phone:
        contact.reporter_phone_reveal(actor=request.user, case=case)
    context = {"request": request, "reveal": reveal, "just_reported": reported is not None}
    body = CaseDetailSerializer(case, context=context).data
    return Response(body, status=code)


def _resolve_category(code: str, kind: str | None) -> str | Category:
    """A six-digit code goes to the service as is; a four-digit minor code is looked up by kind."""
    code = code.strip()
    if not (len(code) == 4 and code.isdigit()):
        return code
    candidates = taxonomy_selectors.active_categories().filter(minor_code=code)
    if kind:
        candidates = candidates.filter(kind=kind)
    found = list(candidates[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        message = f"未知的部件/事件分类代码：{code}"
        raise ValidationFailed(message, code=CaseError.UNKNOWN_CATEGORY, fields={"category": [message]})
    message = "该四位代码在部件和事件中都有，请同时提供 kind（component 或 event）。"
    raise ValidationFailed(message, code=CaseError.AMBIGUOUS_CATEGORY, fields={"kind": [message]})


def _spam_schema(mark: bool):
    description = (
        "受理员、值班长将案件标记为恶意/无效举报（须填写理由），案件保留但不计入公开统计。"
        "尚未派遣的案件（已上报、已立案）同时按「作废」流转作废（须值班长权限；受理员标记时只标记）；"
        "其后环节的案件只标记。"
        if mark
        else "撤销恶意/无效举报标记（须填写理由），案件重新计入统计；已作废的案件不会恢复。"
    )
    return extend_schema(
        operation_id="cases_spam" if mark else "cases_unspam",
        summary="标记恶意/无效举报（受理员、值班长）" if mark else "撤销恶意/无效举报标记（受理员、值班长）",
        description=description,
        request={media: SpamSerializer for media in _BODY},
        responses={
            200: CaseDetailSerializer,
            **error_responses(400, 401, 403, 404),
            409: error_response(409, CaseError.ALREADY_SPAM, "该案件已标记为恶意/无效举报。")
            if mark
            else error_response(409, CaseError.NOT_SPAM, "该案件未被标记为恶意/无效举报。"),
        },
        tags=["case actions"],
    )


def _export_schema(operation_id: str, summary: str, media_type: str, description: str):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description + " 筛选条件与案件列表相同；不含举报人信息。",
        filters=True,
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="案件表，中文表头"),
            (400, "application/json"): error_response(400),
            (401, "application/json"): error_response(401),
        },
        tags=["cases"],
    )


class FileOrJSONErrors(BaseContentNegotiation):
    """The export views answer with the file itself; anything else they answer (an error) is JSON,
    whatever the client asked for, so no `format` parameter or Accept header can turn it into text."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# The exports are routed by hand (their paths end in .csv and .xlsx, not a slash): these are the
# attributes the router would give them.
EXPORT_VIEW = {
    "renderer_classes": (JSONRenderer,),
    "content_negotiation_class": FileOrJSONErrors,
    "pagination_class": None,
}


@extend_schema(tags=["cases"])
class CaseViewSet(ScopedViewSet):
    """Cases the caller may see, and what hangs off each one."""

    parser_classes = _PARSERS
    filterset_class = CaseFilter
    serializer_class = CaseSummarySerializer
    queryset = Case.objects.none()

    def visible(self, request: Request) -> QuerySet[Case]:
        return selectors.cases_visible_to(request.user)

    def _filtered(self) -> QuerySet[Case]:
        return self.filter_queryset(self.get_queryset())

    @extend_schema(
        operation_id="cases_list",
        summary="案件列表",
        description=(
            "调用者可见的案件：指挥中心和领导看本局；处置人员看本单位；监督员看所负责网格和本人上报的；"
            "市民看本人上报的。每件列出调用者现在可执行的操作。举报人电话一律脱敏。"
        ),
        responses={200: CaseSummarySerializer(many=True), **error_responses(400, 401)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(with_list_data(self._filtered()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="cases_create",
        summary="上报案件",
        description=(
            "JSON 或 multipart（照片放在 `photos`）。坐标默认按 WGS-84 理解，`crs` 可声明 gcj02 或 bd09，"
            "入库前换算为 WGS-84；系统按位置自动确定网格、社区、街道和责任中队。"
            "带 `Idempotency-Key` 请求头的重试返回第一次创建的案件（200，内容相同），不会重复立案。"
            "未知或不再使用的分类返回 400 `case.unknown_category`。"
        ),
        parameters=[_IDEMPOTENCY],
        request={
            "application/json": CaseIntakeSerializer,
            "multipart/form-data": OpenApiRequest(
                CaseIntakeSerializer, encoding={"photos": EVIDENCE_ENCODING["file"]}
            ),
        },
        responses={
            201: CaseDetailSerializer,
            200: OpenApiResponse(CaseDetailSerializer, description="同一幂等键的重试：返回第一次创建的案件"),
            **error_responses(401),
            400: error_response(
                400, description="字段有误（`validation_failed`），或分类未知（`case.unknown_category`）等"
            ),
            403: error_response(403, CaseError.SOURCE_NOT_ALLOWED, "您的角色不能以该来源上报案件。"),
        },
    )
    def create(self, request: Request) -> Response:
        values = validated(CaseIntakeSerializer, request.data)
        values["category"] = _resolve_category(values["category"], values.pop("kind", None))
        result = services.case_report(
            actor=request.user,
            idempotency_key=request.headers.get("Idempotency-Key"),
            photos=values.pop("photos", ()),
            client_address=limits.client_address(request),
            **values,
        )
        if result.created:
            return case_response(request, result.case.pk, code=status.HTTP_201_CREATED, reported=result.case)
        return case_response(request, result.case.pk)

    @extend_schema(
        operation_id="cases_retrieve",
        summary="案件详情",
        description=(
            "案件的全部信息：位置（WGS-84）、证据材料、办理经过（取自审计记录）、延期、督办、"
            "疑似重复案件（受理员、值班长）和下一步可用的常用语。受理员、值班长看到举报人完整电话，每次查看记入审计。"
        ),
        responses={200: CaseDetailSerializer, **error_responses(401, 404)},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return case_response(request, pk, reveal_phone=True)

    @extend_schema(
        operation_id="cases_map",
        summary="未办结案件分布（按网格汇总）",
        description=(
            "未办结案件按网格在数据库中汇总，每个网格一个点（网格中心，WGS-84），带案件数和超时数；"
            "一年五万件案件也只是几百个点。筛选条件与案件列表相同。"
        ),
        filters=True,
        responses={200: CaseMapSerializer, **error_responses(400, 401)},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def map(self, request: Request) -> Response:
        return Response(CaseMapSerializer(selectors.open_cases_by_grid(request.user, self._filtered())).data)

    @extend_schema(
        operation_id="cases_inbox",
        summary="我的待办",
        description="等待调用者处理的案件，最先到期的在前，并按时限状态（正常、预警、超时）计数。",
        filters=False,
        parameters=[_PAGE],
        responses={200: InboxSerializer, **error_responses(400, 401)},
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def inbox(self, request: Request) -> Response:
        queryset = with_list_data(selectors.inbox(request.user))
        grouped = queryset.order_by().values("urgency").annotate(n=Count("id"))
        counts = {"normal": 0, "warning": 0, "overdue": 0}
        counts.update({row["urgency"]: row["n"] for row in grouped})
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["counts"] = UrgencyCountsSerializer({"total": sum(counts.values()), **counts}).data
        return response

    @_export_schema(
        "cases_export_csv", "导出案件（CSV）", "text/csv", "UTF-8（带 BOM，Excel 可直接打开），边查边发送。"
    )
    def export_csv(self, request: Request):
        return export.csv_response(self._filtered())

    @_export_schema(
        "cases_export_xlsx",
        "导出案件（Excel）",
        export.XLSX_CONTENT_TYPE,
        "Excel 工作簿，边查边写边发送（第一批行随即发出）。",
    )
    def export_xlsx(self, request: Request):
        return export.xlsx_response(self._filtered())

    @extend_schema(
        operation_id="cases_evidence_create",
        summary="补充证据材料",
        description=(
            "上传一张照片、一段视频或音频到办理中的案件；文件类型按内容判定（其他类型，如 PDF，"
            "返回 400 `evidence.bad_type`），SHA-256 记入审计。"
        ),
        request={"multipart/form-data": OpenApiRequest(EvidenceUploadSerializer, encoding=EVIDENCE_ENCODING)},
        responses={
            201: EvidenceSerializer,
            **error_responses(400, 401, 403, 404),
            409: error_response(409, CaseError.INVALID_TRANSITION, "案件已办结，不能再补充材料。"),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=(MultiPartParser, FormParser), **_SUB)
    def evidence(self, request: Request, pk: int) -> Response:
        case = _visible_case(request.user, pk)  # a case out of sight: 404, never a file added
        values = validated(EvidenceUploadSerializer, request.data)
        item = services.case_add_evidence(
            actor=request.user,
            case=case,
            stage=values["stage"],
            upload=values["file"],
            lon=values.get("lon"),
            lat=values.get("lat"),
            taken_at=values.get("taken_at"),
        )
        body = EvidenceSerializer(item, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="cases_supervise",
        summary="督办案件（领导、值班长）",
        request=SuperviseSerializer,
        responses={
            201: SupervisionSerializer,
            **error_responses(400, 401, 403, 404),
            409: error_response(409, SupervisionError.CASE_CLOSED, "案件已办结，无需督办。"),
        },
        tags=["supervision"],
    )
    @action(detail=True, methods=["post"], **_SUB)
    def supervise(self, request: Request, pk: int) -> Response:
        case = case_to_act_on(request.user, pk)
        item = supervision.supervision_create(
            actor=request.user, case=case, **validated(SuperviseSerializer, request.data)
        )
        return _supervision_response(request, item.pk, status.HTTP_201_CREATED)

    @_spam_schema(mark=True)
    @action(detail=True, methods=["post"], **_SUB)
    def spam(self, request: Request, pk: int) -> Response:
        return self._spam_mark(request, pk, spam.case_mark_spam)

    @_spam_schema(mark=False)
    @action(detail=True, methods=["post"], **_SUB)
    def unspam(self, request: Request, pk: int) -> Response:
        return self._spam_mark(request, pk, spam.case_unmark_spam)

    def _spam_mark(self, request: Request, pk: int, service) -> Response:
        case = case_to_act_on(request.user, pk)
        service(actor=request.user, case=case, reason=validated(SpamSerializer, request.data)["reason"])
        return case_response(request, pk)

    @extend_schema(
        operation_id="cases_reporter_phone",
        summary="查看反映人完整电话（受理员、值班长）",
        description="返回反映人的完整电话，并记入审计（case.reporter_phone_viewed）；其他角色只能看到脱敏号码。",
        request=None,
        responses={
            200: ReporterPhoneSerializer,
            **error_responses(401, 403),
            404: error_response(404, CaseError.NO_REPORTER_PHONE, "该案件没有登记反映人电话。"),
        },
    )
    @action(detail=True, methods=["post"], url_path="reporter-phone", **_SUB)
    def reporter_phone(self, request: Request, pk: int) -> Response:
        case = case_to_act_on(request.user, pk)
        phone = contact.reporter_phone_reveal(actor=request.user, case=case)
        return Response(ReporterPhoneSerializer({"reporter_phone": phone}).data)


def _who(t: Transition) -> str:
    text = "、".join(str(RoleCode(r).label) for r in roles_named(t.permission))
    return text + ("，且须为案件派往单位的人员" if t.permission is can_handle else "")


def _late_note(t: Transition) -> str:
    return "超过本环节时限办理时须填写 `delay_reason`。" if t.action in STAGE_FINISHING else ""


ACTION_VIEWS = action_views(
    CASE_MACHINE,
    get_object=lambda request, pk: case_to_act_on(request.user, pk),
    respond=lambda request, case: case_response(request, case.pk),
    response_serializer=CaseDetailSerializer,
    operation_prefix="cases",
    tags=["case actions"],
    who=_who,
    extra_description=_late_note,
)


# ---------------------------------------------------------------------------------------------
# Supervision (督办)


def _supervision_response(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    item = (
        selectors.supervised(request.user)
        .select_related("created_by__profile", "replied_by__profile")
        .get(pk=pk)
    )
    return Response(SupervisionSerializer(item).data, status=code)


@extend_schema(tags=["supervision"])
class SupervisionViewSet(ScopedViewSet):
    """Supervision items on the cases the caller may see, their replies and the on-time rate."""

    parser_classes = _PARSERS
    filterset_class = SupervisionFilter
    serializer_class = SupervisionSerializer
    queryset = Supervision.objects.none()

    def visible(self, request: Request) -> QuerySet[Supervision]:
        # Unreplied first on both databases (PostgreSQL would put NULLs last in ascending order).
        return (
            selectors.supervised(request.user)
            .select_related("created_by__profile", "replied_by__profile")
            .order_by(F("replied_at").asc(nulls_first=True), "reply_due_at", "id")
        )

    @extend_schema(
        operation_id="supervisions_list",
        summary="督办件",
        description="调用者可见案件上的督办，未回复的在前，回复期限近的在前。",
        responses={200: SupervisionSerializer(many=True), **error_responses(400, 401)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="supervisions_reply",
        summary="回复督办",
        request=ReplySerializer,
        responses={
            200: SupervisionSerializer,
            **error_responses(400, 401, 403, 404),
            409: error_response(409, SupervisionError.ALREADY_REPLIED, "该督办已回复。"),
        },
    )
    @action(detail=True, methods=["post"], **_SUB)
    def reply(self, request: Request, pk: int) -> Response:
        item = selectors.supervised(request.user).filter(pk=pk).first()
        if item is None:
            raise NotFound("督办件不存在或不在您的查看范围内。", code=SupervisionError.NOT_FOUND)
        supervision.supervision_reply(
            actor=request.user, supervision=item, reply=validated(ReplySerializer, request.data)["reply"]
        )
        return _supervision_response(request, pk)

    @extend_schema(
        operation_id="supervisions_rate",
        summary="督办按时回复率",
        description=(
            "回复期限落在 from–to（北京时间日期，含两端）之间的督办件：按时回复数 ÷ 应回复数。"
            "尚未到期又未回复的不计入，因为它们仍可能按时回复。"
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="开始日期（含）"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="结束日期（含）"),
        ],
        filters=False,
        responses={200: ReplyRateSerializer, **error_responses(400, 401)},
    )
    def rate(self, request: Request) -> Response:
        query = validated(RateQuerySerializer, request.query_params)
        start, end = query.get("date_from"), query.get("date_to")
        items = selectors.supervised(request.user)
        if start:
            items = items.filter(
                reply_due_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=clock.SHANGHAI)
            )
        if end:
            upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
            items = items.filter(reply_due_at__lt=upper)
        rate = supervision.on_time_reply_rate(items)
        body = {
            "date_from": start,
            "date_to": end,
            "due": rate.due,
            "on_time": rate.on_time,
            "rate": rate.rate,
        }
        return Response(ReplyRateSerializer(body).data)


# ---------------------------------------------------------------------------------------------
# Reply templates (常用语)


class ReplyTemplateList(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="reply_templates_list",
        summary="常用语",
        description="某小类的常用语在前，其后是各小类通用的。",
        parameters=[TemplateQuerySerializer],
        responses={200: ReplyTemplateSerializer(many=True), **error_responses(400, 401)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        query = validated(TemplateQuerySerializer, request.query_params)
        category = None
        if query.get("category"):
            try:
                category = taxonomy_selectors.category_by_code(query["category"])
            except NotFound as exc:
                raise ValidationFailed(
                    exc.message, code=CaseError.UNKNOWN_CATEGORY, fields={"category": [exc.message]}
                ) from exc
        purpose = query.get("purpose")
        purposes = [purpose] if purpose else TemplatePurpose.values
        return Response([row for p in purposes for row in reply_templates(category, p)])

"""REST API of the closed loop: intake, lists, detail, one endpoint per action of the transition
table, evidence, supervision (督办), the map, the to-do inbox, exports and reply templates (常用语).

Views hold no rules: writes go through `cases.services` / `cases.supervision`, reads through
`cases.selectors`, and which actions exist, who may take them and what they need comes from
`cases.states.CASE_MACHINE` (its action endpoints are built from the table by the workflow kernel),
so the API, its OpenAPI document and the web pages cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.cases import contact, export, selectors, services, spam, supervision, timeline
from chengguan.cases.errors import CaseError, SupervisionError
from chengguan.cases.filters import URGENCY_CHOICES, CaseFilter, SupervisionFilter
from chengguan.cases.models import (
    Case,
    CaseExtension,
    CaseSource,
    EvidenceStage,
    ExtensionStatus,
    Priority,
    Supervision,
    SupervisionLevel,
    TemplatePurpose,
)
from chengguan.cases.permissions import can_handle, can_see_duplicates, can_view_reporter_phone
from chengguan.cases.states import CASE_MACHINE, STAGE_FINISHING, Action, CaseState, Disposition
from chengguan.core import clock
from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.core.coords import CRS_CHOICES
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.core.masking import mask_name, mask_phone
from chengguan.core.workflow import Transition
from chengguan.core.workflow.api import action_views
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import is_staff, roles_named
from chengguan.org.roles import RoleCode
from chengguan.taxonomy import selectors as taxonomy_selectors
from chengguan.taxonomy.models import Category, CategoryKind, TimeUnit

URGENCY_NAMES = dict(URGENCY_CHOICES)
# Which 常用语 help with which next step.
ACTION_PURPOSES = {
    Action.FILE: TemplatePurpose.INTAKE,
    Action.NOT_FILE: TemplatePurpose.NOT_FILE,
    Action.RETURN: TemplatePurpose.RETURN,
    Action.HANDLE: TemplatePurpose.HANDLING,
    Action.VERIFY: TemplatePurpose.VERIFY,
    Action.REWORK: TemplatePurpose.VERIFY,
}
# Reading a phone number is audited on the case but is not a step of the case.
TIMELINE_HIDDEN = frozenset({"case.reporter_phone_viewed"})

_to_json_time = serializers.DateTimeField().to_representation


def _time(moment: dt.datetime | None) -> str | None:
    return _to_json_time(moment) if moment is not None else None


# ---------------------------------------------------------------------------------------------
# Who is asking: roles and units looked up once per request, not once per case


def with_list_data(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What a list row shows, loaded with the rows (no query per case)."""
    pending = CaseExtension.objects.filter(case=OuterRef("pk"), status=ExtensionStatus.PENDING)
    return queryset.select_related("squad").annotate(has_pending_extension=Exists(pending))


# ---------------------------------------------------------------------------------------------
# Response bodies (serializers describe them for OpenAPI; rows are built as dicts for speed)


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GridRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="网格编码")


class MajorRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="小类代码（六位）")
    minor_code = serializers.CharField(help_text="大类+小类（四位）")
    name = serializers.CharField()
    kind = serializers.CharField(help_text="component 部件 / event 事件")
    major = MajorRefSerializer()


class ActionRefSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.choices, help_text="`POST /api/v1/cases/{id}/{action}/`")
    name = serializers.CharField(help_text="操作中文名")
    required = serializers.ListField(child=serializers.CharField(), help_text="必填字段")


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="案件编号")
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_name = serializers.CharField(help_text="状态中文名")
    source = serializers.ChoiceField(choices=CaseSource.choices)
    source_name = serializers.CharField()
    category = CategoryRefSerializer()
    grid = GridRefSerializer(allow_null=True)
    subdistrict = RefSerializer(allow_null=True)
    community = RefSerializer(allow_null=True)
    squad = RefSerializer(allow_null=True, help_text="网格所属执法中队")
    handling_unit = RefSerializer(allow_null=True, help_text="处置单位")
    reported_at = serializers.DateTimeField()
    stage_due_at = serializers.DateTimeField(allow_null=True, help_text="当前环节时限")
    stage_warning_at = serializers.DateTimeField(allow_null=True, help_text="当前环节预警时间（八成时限）")
    handling_due_at = serializers.DateTimeField(allow_null=True, help_text="处置时限")
    closed_at = serializers.DateTimeField(allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, help_text="紧急程度：上报时确定")
    priority_name = serializers.CharField()
    urgency = serializers.ChoiceField(choices=URGENCY_CHOICES, help_text="由到期时间即时推算")
    urgency_name = serializers.CharField()
    is_supervised = serializers.BooleanField(help_text="是否督办件")
    is_spam = serializers.BooleanField(help_text="是否被标记为恶意/无效举报（不计入公开统计）")
    reporter_phone = serializers.CharField(help_text="举报人电话（列表中一律脱敏）")
    available_actions = ActionRefSerializer(many=True, help_text="调用者现在可执行的操作")


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="photo 照片 / video 视频 / audio 音频")
    kind_name = serializers.CharField()
    stage = serializers.ChoiceField(choices=EvidenceStage.choices)
    stage_name = serializers.CharField()
    url = serializers.CharField()
    thumbnail_url = serializers.CharField(allow_null=True)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    taken_at = serializers.DateTimeField(allow_null=True)
    lon = serializers.FloatField(allow_null=True, help_text="WGS-84")
    lat = serializers.FloatField(allow_null=True, help_text="WGS-84")
    uploaded_at = serializers.DateTimeField()


class TimelineEntrySerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    action = serializers.CharField(help_text="审计动作代码，如 case.dispatch")
    action_name = serializers.CharField()
    actor = serializers.CharField(help_text="操作人姓名")
    summary = serializers.CharField(help_text="简要说明")


class ExtensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.IntegerField()
    unit = serializers.ChoiceField(choices=TimeUnit.choices)
    unit_name = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=ExtensionStatus.choices)
    status_name = serializers.CharField()
    requested_by = serializers.CharField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class SupervisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.DictField(help_text="案件 id、编号、状态、小类名称")
    level = serializers.ChoiceField(choices=SupervisionLevel.choices)
    level_name = serializers.CharField()
    instruction = serializers.CharField()
    reply_due_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    replied_by = serializers.CharField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True, help_text="按时回复；未回复为 null")
    overdue = serializers.BooleanField(help_text="已过回复期限仍未回复")


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    description = serializers.CharField()
    reported_at = serializers.DateTimeField()
    distance_m = serializers.FloatField(help_text="距本案距离（米）")


class ReplyTemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=TemplatePurpose.choices)
    category = serializers.CharField(allow_null=True, help_text="小类代码；通用常用语为 null")
    text = serializers.CharField()


class CaseDetailSerializer(CaseSummarySerializer):
    description = serializers.CharField()
    address = serializers.CharField()
    lon = serializers.FloatField(allow_null=True, help_text="WGS-84 经度")
    lat = serializers.FloatField(allow_null=True, help_text="WGS-84 纬度")
    input_crs = serializers.CharField(help_text="上报时使用的坐标系")
    reporter_name = serializers.CharField(help_text="举报人姓名（受理员、值班长可见完整信息）")
    reporter_phone = serializers.CharField(
        help_text="举报人电话：受理员、值班长查看详情时为完整号码（每次查看记入审计），其他人脱敏"
    )
    reporter_phone_masked = serializers.BooleanField()
    proposed_unit = RefSerializer(allow_null=True, help_text="派遣规则建议的处置单位")
    handler = serializers.CharField(allow_null=True, help_text="处置人")
    verifier = serializers.CharField(allow_null=True, help_text="核查人")
    filed_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    handled_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    handled_late = serializers.BooleanField()
    result = serializers.CharField(help_text="处置结果")
    reason = serializers.CharField(help_text="最近一次原因/说明")
    disposition = serializers.ChoiceField(choices=Disposition.choices, allow_blank=True)
    disposition_name = serializers.CharField()
    penalty_case_ref = serializers.CharField(help_text="执法处置时关联的行政处罚案件")
    merged_into = serializers.CharField(allow_null=True, help_text="合并到的案件编号")
    rework_count = serializers.IntegerField()
    return_count = serializers.IntegerField()
    verify_flags = serializers.ListField(child=serializers.CharField(), help_text="核查照片时间/位置异常")
    evaluation_score = serializers.IntegerField(allow_null=True)
    evidence = EvidenceSerializer(many=True)
    timeline = TimelineEntrySerializer(many=True, help_text="办理经过，取自审计记录")
    extensions = ExtensionSerializer(many=True)
    supervisions = SupervisionSerializer(many=True)
    duplicate_candidates = DuplicateSerializer(many=True, help_text="疑似重复案件（仅受理员、值班长）")
    reply_templates = serializers.DictField(
        child=ReplyTemplateSerializer(many=True), help_text="下一步可用的常用语，按用途分组"
    )


# ---------------------------------------------------------------------------------------------
# Building bodies


def _ref(org) -> dict | None:
    return {"id": org.pk, "name": org.name} if org is not None else None


def person_name(user) -> str | None:
    if user is None:
        return None
    try:
        return user.profile.full_name or user.get_username()
    except ObjectDoesNotExist:
        return user.get_username()


def _category(cat: Category) -> dict:
    return {
        "code": cat.code,
        "minor_code": cat.minor_code,
        "name": cat.name_zh,
        "kind": cat.kind,
        "major": {"code": cat.major.code, "name": cat.major.name_zh},
    }


def action_refs(codes: list[str]) -> list[dict]:
    return [
        {"action": c, "name": Action(c).label, "required": list(CASE_MACHINE.get(c).required)} for c in codes
    ]


def case_summary(case: Case, actions: list[str], now: dt.datetime) -> dict:
    """One list row (expects the relations of `selectors.cases_visible_to` and `with_list_data`)."""
    urgency = selectors.urgency(case, now)
    return {
        "id": case.pk,
        "number": case.number,
        "state": case.state,
        "state_name": case.get_state_display(),
        "source": case.source,
        "source_name": case.get_source_display(),
        "category": _category(case.category),
        "grid": {"id": case.grid.pk, "code": case.grid.code} if case.grid_id else None,
        "subdistrict": _ref(case.subdistrict),
        "community": _ref(case.community),
        "squad": _ref(case.squad),
        "handling_unit": _ref(case.handling_unit),
        "reported_at": _time(case.reported_at),
        "stage_due_at": _time(case.stage_due_at),
        "stage_warning_at": _time(case.stage_warning_at),
        "handling_due_at": _time(case.handling_due_at),
        "closed_at": _time(case.closed_at),
        "priority": case.priority,
        "priority_name": case.get_priority_display(),
        "urgency": urgency,
        "urgency_name": URGENCY_NAMES[urgency],
        "is_supervised": case.is_supervised,
        "is_spam": case.is_spam,
        "reporter_phone": mask_phone(case.reporter_phone),
        "available_actions": action_refs(actions),
    }


def case_rows(cases, user) -> list[dict]:
    now = clock.now()
    return [
        case_summary(
            case, services.available_actions(case, user, pending_extension=case.has_pending_extension), now
        )
        for case in cases
    ]


def _evidence(item, request: Request) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_name": item.get_kind_display(),
        "stage": item.stage,
        "stage_name": item.get_stage_display(),
        "url": request.build_absolute_uri(item.file.url),
        "thumbnail_url": request.build_absolute_uri(item.thumbnail.url) if item.thumbnail else None,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "taken_at": _time(item.taken_at),
        "lon": item.lon,
        "lat": item.lat,
        "uploaded_at": _time(item.created_at),
    }


def timeline_entries(case: Case) -> list[dict]:
    """The case's history for people: time, what happened, who, and a short summary (worded by
    `cases.timeline`, as on the web page)."""
    events = [e for e in selectors.timeline(case) if e.action not in TIMELINE_HIDDEN]
    return [
        {
            "time": _time(event.created_at),
            "action": event.action,
            "action_name": row.action,
            "actor": row.who,
            "summary": row.summary,
        }
        for event, row in zip(events, timeline.timeline_rows(events), strict=True)
    ]


def _extension(ext: CaseExtension) -> dict:
    return {
        "id": ext.pk,
        "amount": ext.amount,
        "unit": ext.unit,
        "unit_name": ext.get_unit_display(),
        "reason": ext.reason,
        "status": ext.status,
        "status_name": ext.get_status_display(),
        "requested_by": person_name(ext.requested_by),
        "requested_at": _time(ext.requested_at),
        "decided_at": _time(ext.decided_at),
        "decision_note": ext.decision_note,
    }


def supervision_body(item: Supervision, now: dt.datetime) -> dict:
    case = item.case
    return {
        "id": item.pk,
        "case": {
            "id": case.pk,
            "number": case.number,
            "state": case.state,
            "category": case.category.name_zh,
        },
        "level": item.level,
        "level_name": item.get_level_display(),
        "instruction": item.instruction,
        "reply_due_at": _time(item.reply_due_at),
        "created_by": person_name(item.created_by),
        "created_at": _time(item.created_at),
        "reply": item.reply,
        "replied_at": _time(item.replied_at),
        "replied_by": person_name(item.replied_by),
        "on_time": (item.replied_at <= item.reply_due_at) if item.replied_at else None,
        "overdue": item.replied_at is None and item.reply_due_at < now,
    }


def _template(t) -> dict:
    return {
        "id": t.pk,
        "purpose": t.purpose,
        "category": t.category.code if t.category_id else None,
        "text": t.text,
    }


def _templates_for(case: Case, actions: list[str]) -> dict[str, list[dict]]:
    purposes = sorted({ACTION_PURPOSES[a] for a in actions if a in ACTION_PURPOSES})
    found = {
        p: [_template(t) for t in selectors.reply_templates(case.category, p).select_related("category")]
        for p in purposes
    }
    return {p: rows for p, rows in found.items() if rows}


def case_detail(case: Case, request: Request, *, reveal_phone: bool) -> dict:
    """Everything about one case the caller may see. With `reveal_phone` the full number is shown and
    the view is audited."""
    actions = services.available_actions(case, request.user)
    now = clock.now()
    body = case_summary(case, actions, now)
    reveal = reveal_phone and can_view_reporter_phone(request.user, case)
    if reveal and case.reporter_phone:
        contact.reporter_phone_reveal(actor=request.user, case=case)
    duplicates = []
    if case.state == CaseState.REPORTED and can_see_duplicates(request.user):
        duplicates = [
            {
                "id": c.pk,
                "number": c.number,
                "state": c.state,
                "description": c.description[:100],
                "reported_at": _time(c.reported_at),
                "distance_m": round(d, 1),
            }
            for c, d in selectors.duplicate_candidates(case)
        ]
    extensions = case.extensions.select_related("requested_by__profile", "decided_by__profile")
    supervisions = case.supervisions.select_related(
        "case", "case__category", "created_by__profile", "replied_by__profile"
    )
    body.update(
        {
            "description": case.description,
            "address": case.address,
            "lon": case.lon,
            "lat": case.lat,
            "input_crs": case.input_crs,
            "reporter_name": case.reporter_name if reveal else mask_name(case.reporter_name),
            "reporter_phone": case.reporter_phone if reveal else mask_phone(case.reporter_phone),
            "reporter_phone_masked": not reveal,
            "proposed_unit": _ref(case.proposed_unit),
            "handler": person_name(case.handler),
            "verifier": person_name(case.verifier),
            "filed_at": _time(case.filed_at),
            "dispatched_at": _time(case.dispatched_at),
            "accepted_at": _time(case.accepted_at),
            "handled_at": _time(case.handled_at),
            "verified_at": _time(case.verified_at),
            "handled_late": case.handled_late,
            "result": case.result,
            "reason": case.reason,
            "disposition": case.disposition,
            "disposition_name": case.get_disposition_display() if case.disposition else "",
            "penalty_case_ref": case.penalty_case_ref,
            "merged_into": case.merged_into.number if case.merged_into_id else None,
            "rework_count": case.rework_count,
            "return_count": case.return_count,
            "verify_flags": list(case.verify_flags or []),
            "evaluation_score": case.evaluation_score,
            "evidence": [_evidence(item, request) for item in case.evidence.all()],
            "timeline": timeline_entries(case),
            "extensions": [_extension(ext) for ext in extensions],
            "supervisions": [supervision_body(item, now) for item in supervisions],
            "duplicate_candidates": duplicates,
            "reply_templates": _templates_for(case, actions),
        }
    )
    return body


def _detail_queryset(user) -> QuerySet[Case]:
    return selectors.cases_visible_to(user).select_related(
        "squad", "proposed_unit", "merged_into", "handler__profile", "verifier__profile"
    )


def _visible_case(user, pk: int) -> Case:
    case = _detail_queryset(user).filter(pk=pk).first()
    if case is None:
        raise NotFound("案件不存在或不在您的查看范围内。", code=CaseError.NOT_FOUND)
    return case


def _case_to_act_on(user, pk: int) -> Case:
    """Staff act on cases of their bureau: one they cannot take an action on gets 403 from the service
    rather than 404, so a handler learns that the case is not theirs. Others only reach what they see."""
    case = selectors.cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        bureau = org_selectors.bureau_of(user)
        if is_staff(user) and bureau is not None:
            case = Case.objects.filter(pk=pk, bureau_id=bureau.pk).first()
    if case is None:
        raise NotFound("案件不存在或不在您的查看范围内。", code=CaseError.NOT_FOUND)
    return case


def _visible_or_bureau(user, pk: int) -> Case:
    """After a write the case may be out of the writer's view (a handler who returned it); the body
    is still the case they just wrote."""
    return _detail_queryset(user).filter(pk=pk).first() or _detail_queryset(None).get(pk=pk)


def _filtered(request: Request, queryset: QuerySet[Case]) -> QuerySet[Case]:
    filterset = CaseFilter(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


# ---------------------------------------------------------------------------------------------
# Requests


def _error_messages(name: str) -> dict:
    return {"required": f"请填写{name}。", "blank": f"请填写{name}。", "null": f"请填写{name}。"}


class CaseIntakeSerializer(serializers.Serializer):
    category = serializers.CharField(
        max_length=8,
        help_text="小类代码：六位（如 200504）；或四位大类+小类代码（如 0504）并同时给出 kind",
        error_messages=_error_messages("分类"),
    )
    # A plain string rather than an enum: the OpenAPI enum name `kind` belongs to the taxonomy.
    kind = serializers.CharField(required=False, help_text="component 部件 / event 事件（四位代码时使用）")
    description = serializers.CharField(
        max_length=services.MAX_DESCRIPTION, help_text="问题描述", error_messages=_error_messages("问题描述")
    )
    source = serializers.ChoiceField(choices=CaseSource.choices, help_text="案件来源")
    lon = serializers.FloatField(required=False, allow_null=True, help_text="经度（坐标系见 crs）")
    lat = serializers.FloatField(required=False, allow_null=True, help_text="纬度（坐标系见 crs）")
    crs = serializers.ChoiceField(
        choices=CRS_CHOICES,
        default="wgs84",
        help_text=(
            "lon/lat 的坐标系，默认 wgs84（GPS）；gcj02（高德、腾讯、微信）、bd09（百度）"
            "在入库时换算为 WGS-84"
        ),
    )
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="地址（无坐标时必填）"
    )
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    priority = serializers.ChoiceField(
        choices=Priority.choices, default=Priority.NORMAL, help_text="紧急程度：urgent 紧急 / normal 一般"
    )
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="现场照片、视频或音频（multipart 上传）"
    )

    def validate_kind(self, value: str) -> str:
        if value and value not in CategoryKind.values:
            raise serializers.ValidationError("kind 须为 component（部件）或 event（事件）。")
        return value


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


# ---------------------------------------------------------------------------------------------
# Views: cases

_PARSERS = (JSONParser, MultiPartParser, FormParser)
_IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description=(
        "客户端生成的幂等键（最长 64 字符）：同一调用者重试时返回第一次创建的案件（200）而不是再建一件"
    ),
)


class CaseListCreate(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    parser_classes = _PARSERS
    filterset_class = CaseFilter
    serializer_class = CaseSummarySerializer

    def get_queryset(self):
        return with_list_data(selectors.cases_visible_to(self.request.user))

    @extend_schema(
        operation_id="cases_list",
        summary="案件列表",
        description=(
            "调用者可见的案件：指挥中心和领导看本局；处置人员看本单位；监督员看所负责网格和本人上报的；"
            "市民看本人上报的。每件列出调用者现在可执行的操作。举报人电话一律脱敏。"
        ),
        responses={200: CaseSummarySerializer(many=True), **error_responses(400, 401)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(case_rows(page, request.user))

    @extend_schema(
        operation_id="cases_create",
        summary="上报案件",
        description=(
            "JSON 或 multipart（照片放在 `photos`）。坐标默认按 WGS-84 理解，`crs` 可声明 gcj02 或 bd09，"
            "入库前换算为 WGS-84；系统按位置自动确定网格、社区、街道和责任中队。"
            "带 `Idempotency-Key` 请求头的重试返回第一次创建的案件（200，内容相同），不会重复立案。"
        ),
        parameters=[_IDEMPOTENCY],
        request={
            "application/json": CaseIntakeSerializer,
            "multipart/form-data": CaseIntakeSerializer,
        },
        responses={
            201: CaseDetailSerializer,
            200: OpenApiResponse(CaseDetailSerializer, description="同一幂等键的重试：返回第一次创建的案件"),
            **error_responses(400, 401),
            403: error_response(403, CaseError.SOURCE_NOT_ALLOWED, "您的角色不能以该来源上报案件。"),
        },
        tags=["cases"],
    )
    def post(self, request: Request) -> Response:
        data = CaseIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["category"] = _resolve_category(values["category"], values.pop("kind", None))
        result = services.case_report(
            actor=request.user,
            idempotency_key=request.headers.get("Idempotency-Key"),
            photos=values.pop("photos", ()),
            **values,
        )
        body = case_detail(_visible_or_bureau(request.user, result.case.pk), request, reveal_phone=False)
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class CaseDetail(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="cases_retrieve",
        summary="案件详情",
        description=(
            "案件的全部信息：位置（WGS-84）、证据材料、办理经过（取自审计记录）、延期、督办、"
            "疑似重复案件（受理员、值班长）和下一步可用的常用语。受理员、值班长看到举报人完整电话，每次查看记入审计。"
        ),
        responses={200: CaseDetailSerializer, **error_responses(401, 404)},
        tags=["cases"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(case_detail(_visible_case(request.user, pk), request, reveal_phone=True))


def _who(t: Transition) -> str:
    text = "、".join(str(RoleCode(r).label) for r in roles_named(t.permission))
    return text + ("，且须为案件派往单位的人员" if t.permission is can_handle else "")


def _late_note(t: Transition) -> str:
    return "超过本环节时限办理时须填写 `delay_reason`。" if t.action in STAGE_FINISHING else ""


ACTION_VIEWS = action_views(
    CASE_MACHINE,
    get_object=lambda request, pk: _case_to_act_on(request.user, pk),
    respond=lambda request, case: Response(
        case_detail(_visible_or_bureau(request.user, case.pk), request, reveal_phone=False)
    ),
    response_serializer=CaseDetailSerializer,
    operation_prefix="cases",
    tags=["case actions"],
    who=_who,
    extra_description=_late_note,
)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="照片（JPEG/PNG/WebP）、视频（MP4/MOV/WebM）或音频（MP3/M4A/WAV/AMR）"
    )
    stage = serializers.ChoiceField(choices=EvidenceStage.choices, default=EvidenceStage.OTHER)
    lon = serializers.FloatField(required=False, allow_null=True, help_text="拍摄位置经度（WGS-84）")
    lat = serializers.FloatField(required=False, allow_null=True, help_text="拍摄位置纬度（WGS-84）")
    taken_at = serializers.DateTimeField(required=False, allow_null=True)


class CaseEvidenceUpload(APIView):
    authentication_classes = API_AUTHENTICATION
    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(
        operation_id="cases_evidence_create",
        summary="补充证据材料",
        description="上传一张照片、一段视频或音频到办理中的案件；文件类型按内容判定，SHA-256 记入审计。",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={
            201: EvidenceSerializer,
            **error_responses(400, 401, 403, 404),
            409: error_response(409, CaseError.INVALID_TRANSITION, "案件已办结，不能再补充材料。"),
        },
        tags=["cases"],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case_to_act_on(request.user, pk)
        data = EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = services.case_add_evidence(
            actor=request.user,
            case=case,
            stage=values["stage"],
            upload=values["file"],
            lon=values.get("lon"),
            lat=values.get("lat"),
            taken_at=values.get("taken_at"),
        )
        return Response(_evidence(item, request), status=status.HTTP_201_CREATED)


class SpamSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="判定理由（必填）")


def _spam_view(mark: bool) -> type[APIView]:
    """`spam/` marks a case as a malicious or invalid report, `unspam/` takes the mark off."""
    service = spam.case_mark_spam if mark else spam.case_unmark_spam
    description = (
        "受理员、值班长将案件标记为恶意/无效举报（须填写理由），案件保留但不计入公开统计。"
        "尚未派遣的案件（已上报、已立案）同时按「作废」流转作废（须值班长权限；受理员标记时只标记）；"
        "其后环节的案件只标记。"
        if mark
        else "撤销恶意/无效举报标记（须填写理由），案件重新计入统计；已作废的案件不会恢复。"
    )

    @extend_schema(
        operation_id="cases_spam" if mark else "cases_unspam",
        summary="标记恶意/无效举报（受理员、值班长）" if mark else "撤销恶意/无效举报标记（受理员、值班长）",
        description=description,
        request={"application/json": SpamSerializer, "multipart/form-data": SpamSerializer},
        responses={
            200: CaseDetailSerializer,
            **error_responses(400, 401, 403, 404),
            409: error_response(409, CaseError.ALREADY_SPAM, "该案件已标记为恶意/无效举报。")
            if mark
            else error_response(409, CaseError.NOT_SPAM, "该案件未被标记为恶意/无效举报。"),
        },
        tags=["case actions"],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case_to_act_on(request.user, pk)
        data = SpamSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(actor=request.user, case=case, reason=data.validated_data["reason"])
        return Response(case_detail(_visible_or_bureau(request.user, pk), request, reveal_phone=False))

    name = "CaseSpamView" if mark else "CaseUnspamView"
    return type(name, (APIView,), {"authentication_classes": API_AUTHENTICATION, "post": post})


CaseSpam = _spam_view(mark=True)
CaseUnspam = _spam_view(mark=False)


class ReporterPhoneSerializer(serializers.Serializer):
    reporter_phone = serializers.CharField(help_text="反映人完整电话")


class CaseReporterPhone(APIView):
    authentication_classes = API_AUTHENTICATION

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
        tags=["cases"],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case_to_act_on(request.user, pk)
        return Response({"reporter_phone": contact.reporter_phone_reveal(actor=request.user, case=case)})


# ---------------------------------------------------------------------------------------------
# Views: supervision (督办)


class SuperviseSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=SupervisionLevel.choices, help_text="督办级别")
    instruction = serializers.CharField(max_length=2000, help_text="督办意见")
    reply_due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="回复期限；不填按级别 1–3 个工作日"
    )


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=2000, help_text="回复内容")


class CaseSupervise(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="cases_supervise",
        summary="督办案件（领导、值班长）",
        request=SuperviseSerializer,
        responses={
            201: SupervisionSerializer,
            **error_responses(400, 401, 403, 404),
            409: error_response(409, "supervision.case_closed", "案件已办结，无需督办。"),
        },
        tags=["supervision"],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case_to_act_on(request.user, pk)
        data = SuperviseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = supervision.supervision_create(actor=request.user, case=case, **data.validated_data)
        item = selectors.supervised(request.user).get(pk=item.pk)
        return Response(supervision_body(item, clock.now()), status=status.HTTP_201_CREATED)


class SupervisionList(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    filterset_class = SupervisionFilter
    serializer_class = SupervisionSerializer

    def get_queryset(self):
        # Unreplied first on both databases (PostgreSQL would put NULLs last in ascending order).
        return (
            selectors.supervised(self.request.user)
            .select_related("created_by__profile", "replied_by__profile")
            .order_by(F("replied_at").asc(nulls_first=True), "reply_due_at", "id")
        )

    @extend_schema(
        operation_id="supervisions_list",
        summary="督办件",
        description="调用者可见案件上的督办，未回复的在前，回复期限近的在前。",
        responses={200: SupervisionSerializer(many=True), **error_responses(400, 401)},
        tags=["supervision"],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        now = clock.now()
        return self.get_paginated_response([supervision_body(item, now) for item in page])


class SupervisionReply(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="supervisions_reply",
        summary="回复督办",
        request=ReplySerializer,
        responses={
            200: SupervisionSerializer,
            **error_responses(400, 401, 403, 404),
            409: error_response(409, "supervision.already_replied", "该督办已回复。"),
        },
        tags=["supervision"],
    )
    def post(self, request: Request, pk: int) -> Response:
        item = selectors.supervised(request.user).filter(pk=pk).first()
        if item is None:
            raise NotFound("督办件不存在或不在您的查看范围内。", code=SupervisionError.NOT_FOUND)
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        supervision.supervision_reply(
            actor=request.user, supervision=item, reply=data.validated_data["reply"]
        )
        item = selectors.supervised(request.user).select_related("replied_by__profile").get(pk=pk)
        return Response(supervision_body(item, clock.now()))


class RateQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="回复期限日期起（含，北京时间）")
    date_to = serializers.DateField(required=False, help_text="回复期限日期止（含，北京时间）")

    def to_internal_value(self, data):
        # `from` is a Python keyword, so the query names are mapped here.
        mapped = {"date_from": data.get("from"), "date_to": data.get("to")}
        return super().to_internal_value({k: v for k, v in mapped.items() if v not in (None, "")})

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"to": ["结束日期不能早于开始日期。"]})
        return attrs


class ReplyRateSerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    due = serializers.IntegerField(help_text="应回复件数：已回复的，和超过期限仍未回复的")
    on_time = serializers.IntegerField(help_text="按时回复件数")
    rate = serializers.FloatField(allow_null=True, help_text="督办按时回复率（0–1），无应回复件时为 null")


class SupervisionRate(APIView):
    authentication_classes = API_AUTHENTICATION

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
        responses={200: ReplyRateSerializer, **error_responses(400, 401)},
        tags=["supervision"],
    )
    def get(self, request: Request) -> Response:
        query = RateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data.get("date_from"), query.validated_data.get("date_to")
        items = selectors.supervised(request.user)
        if start:
            items = items.filter(
                reply_due_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=clock.SHANGHAI)
            )
        if end:
            upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
            items = items.filter(reply_due_at__lt=upper)
        rate = supervision.on_time_reply_rate(items)
        return Response(
            {
                "date_from": start.isoformat() if start else None,
                "date_to": end.isoformat() if end else None,
                "due": rate.due,
                "on_time": rate.on_time,
                "rate": rate.rate,
            }
        )


# ---------------------------------------------------------------------------------------------
# Views: map, inbox, exports, reply templates


class GridPointSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Point")
    coordinates = serializers.ListField(
        child=serializers.FloatField(), help_text="网格中心 [经度, 纬度]（WGS-84）"
    )


class GridCountPropertiesSerializer(serializers.Serializer):
    grid_id = serializers.IntegerField()
    code = serializers.CharField(help_text="网格编码")
    total = serializers.IntegerField(help_text="未办结案件数")
    overdue = serializers.IntegerField(help_text="其中超时的")


class GridCountFeatureSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Feature")
    id = serializers.CharField(help_text="网格编码")
    geometry = GridPointSerializer()
    properties = GridCountPropertiesSerializer()


class CaseMapSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="FeatureCollection")
    features = GridCountFeatureSerializer(many=True)
    total = serializers.IntegerField(help_text="全部未办结案件数")
    overdue = serializers.IntegerField(help_text="其中超时的")


class CaseMap(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    filterset_class = CaseFilter
    serializer_class = CaseMapSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.cases_visible_to(self.request.user)

    @extend_schema(
        operation_id="cases_map",
        summary="未办结案件分布（按网格汇总）",
        description=(
            "未办结案件按网格在数据库中汇总，每个网格一个点（网格中心，WGS-84），带案件数和超时数；"
            "一年五万件案件也只是几百个点。筛选条件与案件列表相同。"
        ),
        filters=True,
        responses={200: CaseMapSerializer, **error_responses(400, 401)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        counts = selectors.open_cases_by_grid(request.user, _filtered(request, self.get_queryset()))
        features = [
            {
                "type": "Feature",
                "id": c.code,
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": {"grid_id": c.grid_id, "code": c.code, "total": c.total, "overdue": c.overdue},
            }
            for c in sorted(counts, key=lambda c: c.code)
        ]
        return Response(
            {
                "type": "FeatureCollection",
                "features": features,
                "total": sum(c.total for c in counts),
                "overdue": sum(c.overdue for c in counts),
            }
        )


class UrgencyCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    normal = serializers.IntegerField()
    warning = serializers.IntegerField()
    overdue = serializers.IntegerField()


class InboxSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    counts = UrgencyCountsSerializer(help_text="待办数，按时限状态")
    results = CaseSummarySerializer(many=True)


class CaseInbox(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    serializer_class = CaseSummarySerializer

    def get_queryset(self):
        return with_list_data(selectors.inbox(self.request.user))

    @extend_schema(
        operation_id="cases_inbox",
        summary="我的待办",
        description="等待调用者处理的案件，最先到期的在前，并按时限状态（正常、预警、超时）计数。",
        responses={200: InboxSerializer, **error_responses(401)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        queryset = self.get_queryset()
        grouped = queryset.order_by().values("urgency").annotate(n=Count("id"))
        counts = {"normal": 0, "warning": 0, "overdue": 0}
        counts.update({row["urgency"]: row["n"] for row in grouped})
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(case_rows(page, request.user))
        response.data["counts"] = {"total": sum(counts.values()), **counts}
        return response


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file type; the view answers with the file itself, and errors (which
    are dicts) still come out as JSON text."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_FileRenderer):
    media_type = export.XLSX_CONTENT_TYPE
    format = "xlsx"


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


class CaseExportCSV(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    filterset_class = CaseFilter
    renderer_classes = (JSONRenderer, CSVRenderer)
    pagination_class = None

    def get_queryset(self):
        return selectors.cases_visible_to(self.request.user)

    @_export_schema(
        "cases_export_csv", "导出案件（CSV）", "text/csv", "UTF-8（带 BOM，Excel 可直接打开），边查边发送。"
    )
    def get(self, request: Request):
        return export.csv_response(_filtered(request, self.get_queryset()))


class CaseExportXLSX(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    filterset_class = CaseFilter
    renderer_classes = (JSONRenderer, XLSXRenderer)
    pagination_class = None

    def get_queryset(self):
        return selectors.cases_visible_to(self.request.user)

    @_export_schema(
        "cases_export_xlsx",
        "导出案件（Excel）",
        export.XLSX_CONTENT_TYPE,
        "Excel 工作簿，逐行写入临时文件后分块发送。",
    )
    def get(self, request: Request):
        return export.xlsx_response(_filtered(request, self.get_queryset()))


class TemplateQuerySerializer(serializers.Serializer):
    category = serializers.CharField(required=False, help_text="小类代码（六位）；不填只返回通用常用语")
    purpose = serializers.ChoiceField(
        choices=TemplatePurpose.choices, required=False, help_text="用途；不填返回全部用途"
    )


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
        query = TemplateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        category = None
        if query.validated_data.get("category"):
            try:
                category = taxonomy_selectors.category_by_code(query.validated_data["category"])
            except NotFound as exc:
                raise ValidationFailed(
                    exc.message, code=CaseError.UNKNOWN_CATEGORY, fields={"category": [exc.message]}
                ) from exc
        purposes = (
            [query.validated_data["purpose"]]
            if query.validated_data.get("purpose")
            else TemplatePurpose.values
        )
        rows = []
        for purpose in purposes:
            rows.extend(
                _template(t) for t in selectors.reply_templates(category, purpose).select_related("category")
            )
        return Response(rows)

"""What the closed loop's API answers: a case (a list row and the full detail), its evidence, timeline,
extensions and supervisions, the map, the inbox and the reply templates (常用语), and the request
bodies of the endpoints outside the case machine's table (the actions' bodies are built from the
table by core.workflow.api).

The same serializer produces a response and documents it in the OpenAPI schema. What a serializer
needs beyond the object comes in its context: `request`, `now` (one moment for a whole page), and
for the detail `reveal` (the caller may see the reporter in full; the view audits that view).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chengguan.cases import selectors, services, timeline
from chengguan.cases.filters import URGENCY_CHOICES
from chengguan.cases.models import (
    Case,
    CaseSource,
    EvidenceStage,
    ExtensionStatus,
    Priority,
    Supervision,
    SupervisionLevel,
    TemplatePurpose,
)
from chengguan.cases.permissions import can_see_duplicates
from chengguan.cases.states import CASE_MACHINE, Action, CaseState, Disposition, check_required
from chengguan.core import clock
from chengguan.core.coords import CRS_CHOICES
from chengguan.core.evidence import CONTENT_TYPES
from chengguan.core.masking import mask_name, mask_phone
from chengguan.core.workflow.api import action_ref_serializer
from chengguan.taxonomy.models import CategoryKind, TimeUnit

URGENCY_NAMES = dict(URGENCY_CHOICES)
# Reading a phone number is audited on the case but is not a step of the case.
TIMELINE_HIDDEN = frozenset({"case.reporter_phone_viewed"})
CaseActionRefSerializer = action_ref_serializer(CASE_MACHINE)


def person_name(user) -> str | None:
    """The name staff know a user by (their profile's), else the login name."""
    if user is None:
        return None
    try:
        return user.profile.full_name or user.get_username()
    except ObjectDoesNotExist:
        return user.get_username()


@extend_schema_field(OpenApiTypes.STR)
class PersonField(serializers.Field):
    """A user shown by name (`person_name`); null when there is nobody."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, user) -> str | None:
        return person_name(user)


def _now(context: dict) -> dt.datetime:
    """One moment for everything one response says (urgency, overdue), taken at the first row."""
    return context.setdefault("now", clock.now())


# ---------------------------------------------------------------------------------------------
# References


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class GridRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField(help_text="网格编码")


class MajorRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="name_zh")


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="小类代码（六位）")
    minor_code = serializers.CharField(help_text="大类+小类（四位）")
    name = serializers.CharField(source="name_zh")
    kind = serializers.ChoiceField(choices=CategoryKind.choices, help_text="component 部件 / event 事件")
    major = MajorRefSerializer()


# ---------------------------------------------------------------------------------------------
# What hangs off a case


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="photo 照片 / video 视频 / audio 音频")
    kind_name = serializers.CharField(source="get_kind_display")
    stage = serializers.ChoiceField(choices=EvidenceStage.choices)
    stage_name = serializers.CharField(source="get_stage_display")
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    taken_at = serializers.DateTimeField(allow_null=True)
    lon = serializers.FloatField(allow_null=True, help_text="WGS-84")
    lat = serializers.FloatField(allow_null=True, help_text="WGS-84")
    uploaded_at = serializers.DateTimeField(source="created_at")

    def get_url(self, item) -> str:
        return self.context["request"].build_absolute_uri(item.file.url)

    def get_thumbnail_url(self, item) -> str | None:
        return self.context["request"].build_absolute_uri(item.thumbnail.url) if item.thumbnail else None


class TimelineEntrySerializer(serializers.Serializer):
    """One step of the case's history (an audit event, worded by `cases.timeline` as on the web)."""

    time = serializers.DateTimeField(source="event.created_at")
    action = serializers.CharField(source="event.action", help_text="审计动作代码，如 case.dispatch")
    action_name = serializers.CharField(source="row.action")
    actor = serializers.CharField(source="row.who", help_text="操作人姓名")
    summary = serializers.CharField(source="row.summary", help_text="简要说明")


def timeline_entries(case: Case) -> list[dict]:
    """The case's history for people, as `TimelineEntrySerializer` reads it."""
    events = [e for e in selectors.timeline(case) if e.action not in TIMELINE_HIDDEN]
    rows = timeline.timeline_rows(events)
    return [{"event": e, "row": r} for e, r in zip(events, rows, strict=True)]


class ExtensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.IntegerField()
    unit = serializers.ChoiceField(choices=TimeUnit.choices)
    unit_name = serializers.CharField(source="get_unit_display")
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=ExtensionStatus.choices)
    status_name = serializers.CharField(source="get_status_display")
    requested_by = PersonField(allow_null=False)
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class SupervisedCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=CaseState.choices)
    category = serializers.CharField(source="category.name_zh", help_text="小类名称")


class SupervisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = SupervisedCaseSerializer()
    level = serializers.ChoiceField(choices=SupervisionLevel.choices)
    level_name = serializers.CharField(source="get_level_display")
    instruction = serializers.CharField()
    reply_due_at = serializers.DateTimeField()
    created_by = PersonField(allow_null=False)
    created_at = serializers.DateTimeField()
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    replied_by = PersonField()
    on_time = serializers.SerializerMethodField(help_text="按时回复；未回复为 null")
    overdue = serializers.SerializerMethodField(help_text="已过回复期限仍未回复")

    def get_on_time(self, item: Supervision) -> bool | None:
        return (item.replied_at <= item.reply_due_at) if item.replied_at else None

    def get_overdue(self, item: Supervision) -> bool:
        return item.replied_at is None and item.reply_due_at < _now(self.context)


class DuplicateSerializer(serializers.Serializer):
    """A possible duplicate: a case with its `distance_m` from the case shown."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=CaseState.choices)
    description = serializers.SerializerMethodField(help_text="问题描述（前 100 字）")
    reported_at = serializers.DateTimeField()
    distance_m = serializers.FloatField(help_text="距本案距离（米）")

    def get_description(self, case: Case) -> str:
        return case.description[:100]


class ReplyTemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=TemplatePurpose.choices)
    category = serializers.CharField(
        source="category.code", allow_null=True, help_text="小类代码；通用常用语为 null"
    )
    text = serializers.CharField()


# ---------------------------------------------------------------------------------------------
# A case


class CaseSummarySerializer(serializers.Serializer):
    """One list row (expects the relations of `selectors.cases_visible_to` and
    `cases.api.with_list_data`, so a page costs no query per case)."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="案件编号")
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_name = serializers.CharField(source="get_state_display", help_text="状态名称")
    source = serializers.ChoiceField(choices=CaseSource.choices)
    source_name = serializers.CharField(source="get_source_display")
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
    priority_name = serializers.CharField(source="get_priority_display")
    urgency = serializers.SerializerMethodField(help_text="由到期时间即时推算")
    urgency_name = serializers.SerializerMethodField()
    is_supervised = serializers.BooleanField(help_text="是否督办件")
    is_spam = serializers.BooleanField(help_text="是否被标记为恶意/无效举报（不计入公开统计）")
    reporter_phone = serializers.SerializerMethodField(help_text="举报人电话（列表中一律脱敏）")
    available_actions = serializers.SerializerMethodField(help_text="调用者现在可执行的操作")

    def actions(self, case: Case) -> list[str]:
        """What the caller may do on `case` now, computed once per case and response."""
        known = self.context.setdefault("actions", {})
        if case.pk not in known:
            hints = {}
            if hasattr(case, "has_pending_extension"):
                hints["pending_extension"] = case.has_pending_extension
            if case.state == CaseState.REPORTED:
                # Which bureaus have public reports checked before filing: read once per response.
                if "checking_bureaus" not in self.context:
                    self.context["checking_bureaus"] = selectors.checking_bureaus()
                hints["check_required"] = check_required(case, self.context["checking_bureaus"])
            known[case.pk] = services.available_actions(case, self.context["request"].user, **hints)
        return known[case.pk]

    @extend_schema_field(serializers.ChoiceField(choices=URGENCY_CHOICES))
    def get_urgency(self, case: Case) -> str:
        return selectors.urgency(case, _now(self.context))

    def get_urgency_name(self, case: Case) -> str:
        return str(URGENCY_NAMES[self.get_urgency(case)])

    def get_reporter_phone(self, case: Case) -> str:
        return mask_phone(case.reporter_phone)

    @extend_schema_field(CaseActionRefSerializer(many=True))
    def get_available_actions(self, case: Case) -> list[dict]:
        rows = [CASE_MACHINE.get(a) for a in self.actions(case)]
        return CaseActionRefSerializer(rows, many=True).data


class CaseDetailSerializer(CaseSummarySerializer):
    """Everything about one case the caller may see."""

    description = serializers.CharField()
    address = serializers.CharField()
    lon = serializers.FloatField(allow_null=True, help_text="WGS-84 经度")
    lat = serializers.FloatField(allow_null=True, help_text="WGS-84 纬度")
    input_crs = serializers.CharField(help_text="上报时使用的坐标系")
    reporter_name = serializers.SerializerMethodField(help_text="举报人姓名（受理员、值班长可见完整信息）")
    reporter_phone = serializers.SerializerMethodField(
        help_text="举报人电话：受理员、值班长查看详情时为完整号码（每次查看记入审计），其他人脱敏"
    )
    reporter_phone_masked = serializers.SerializerMethodField()
    proposed_unit = RefSerializer(allow_null=True, help_text="派遣规则建议的处置单位")
    handler = PersonField(help_text="处置人")
    verifier = PersonField(help_text="核查人")
    filed_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    handled_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    handled_late = serializers.BooleanField()
    result = serializers.CharField(help_text="处置结果")
    reason = serializers.CharField(help_text="最近一次原因/说明")
    disposition = serializers.ChoiceField(choices=Disposition.choices, allow_blank=True)
    disposition_name = serializers.SerializerMethodField()
    penalty_case_ref = serializers.CharField(help_text="执法处置时关联的行政处罚案件")
    merged_into = serializers.CharField(
        source="merged_into.number", allow_null=True, help_text="合并到的案件编号"
    )
    rework_count = serializers.IntegerField()
    return_count = serializers.IntegerField()
    verify_flags = serializers.SerializerMethodField(help_text="核查照片时间/位置异常")
    evaluation_score = serializers.IntegerField(allow_null=True)
    evidence = EvidenceSerializer(many=True, source="evidence.all")
    timeline = serializers.SerializerMethodField(help_text="办理经过，取自审计记录")
    extensions = serializers.SerializerMethodField()
    supervisions = serializers.SerializerMethodField()
    duplicate_candidates = serializers.SerializerMethodField(help_text="疑似重复案件（仅受理员、值班长）")
    reply_templates = serializers.SerializerMethodField(help_text="下一步可用的常用语，按用途分组")

    def _reveal(self) -> bool:
        return bool(self.context.get("reveal"))

    def get_reporter_name(self, case: Case) -> str:
        return case.reporter_name if self._reveal() else mask_name(case.reporter_name)

    def get_reporter_phone(self, case: Case) -> str:
        return case.reporter_phone if self._reveal() else mask_phone(case.reporter_phone)

    def get_reporter_phone_masked(self, case: Case) -> bool:
        return not self._reveal()

    def get_disposition_name(self, case: Case) -> str:
        return case.get_disposition_display() if case.disposition else ""

    def get_verify_flags(self, case: Case) -> list[str]:
        return list(case.verify_flags or [])

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, case: Case) -> list[dict]:
        return TimelineEntrySerializer(timeline_entries(case), many=True).data

    @extend_schema_field(ExtensionSerializer(many=True))
    def get_extensions(self, case: Case) -> list[dict]:
        if self.context.get("just_reported"):
            return []  # a case reported this instant has no extension yet: spare the query
        rows = case.extensions.select_related("requested_by__profile", "decided_by__profile")
        return ExtensionSerializer(rows, many=True).data

    @extend_schema_field(SupervisionSerializer(many=True))
    def get_supervisions(self, case: Case) -> list[dict]:
        if self.context.get("just_reported"):
            return []
        rows = case.supervisions.select_related(
            "case", "case__category", "created_by__profile", "replied_by__profile"
        )
        return SupervisionSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(DuplicateSerializer(many=True))
    def get_duplicate_candidates(self, case: Case) -> list[dict]:
        if case.state != CaseState.REPORTED or not can_see_duplicates(self.context["request"].user):
            return []
        found = []
        for other, distance in selectors.duplicate_candidates(case):
            other.distance_m = round(distance, 1)
            found.append(other)
        return DuplicateSerializer(found, many=True).data

    @extend_schema_field(serializers.DictField(child=ReplyTemplateSerializer(many=True)))
    def get_reply_templates(self, case: Case) -> dict[str, list[dict]]:
        purposes = sorted({ACTION_PURPOSES[a] for a in self.actions(case) if a in ACTION_PURPOSES})
        found = {p: reply_templates(case.category, p) for p in purposes}
        return {p: rows for p, rows in found.items() if rows}


# Which 常用语 help with which next step.
ACTION_PURPOSES = {
    Action.FILE: TemplatePurpose.INTAKE,
    Action.NOT_FILE: TemplatePurpose.NOT_FILE,
    Action.RETURN: TemplatePurpose.RETURN,
    Action.HANDLE: TemplatePurpose.HANDLING,
    Action.VERIFY: TemplatePurpose.VERIFY,
    Action.REWORK: TemplatePurpose.VERIFY,
}


def reply_templates(category, purpose: str) -> list[dict]:
    """The 常用语 of `purpose` for `category` (its own first, then the general ones)."""
    rows = selectors.reply_templates(category, purpose).select_related("category")
    return ReplyTemplateSerializer(rows, many=True).data


# ---------------------------------------------------------------------------------------------
# The map and the inbox


class GridPointSerializer(serializers.Serializer):
    type = serializers.SerializerMethodField(help_text="Point")
    coordinates = serializers.SerializerMethodField(help_text="网格中心 [经度, 纬度]（WGS-84）")

    def get_type(self, count) -> str:
        return "Point"

    def get_coordinates(self, count) -> list[float]:
        return [count.lon, count.lat]


class GridCountPropertiesSerializer(serializers.Serializer):
    grid_id = serializers.IntegerField()
    code = serializers.CharField(help_text="网格编码")
    total = serializers.IntegerField(help_text="未办结案件数")
    overdue = serializers.IntegerField(help_text="其中超时的")


class GridCountFeatureSerializer(serializers.Serializer):
    """A `selectors.GridCount` as a GeoJSON point feature."""

    type = serializers.SerializerMethodField(help_text="Feature")
    id = serializers.CharField(source="code", help_text="网格编码")
    geometry = GridPointSerializer(source="*")
    properties = GridCountPropertiesSerializer(source="*")

    def get_type(self, count) -> str:
        return "Feature"


class CaseMapSerializer(serializers.Serializer):
    """The grid counts of `selectors.open_cases_by_grid` as a GeoJSON feature collection."""

    type = serializers.SerializerMethodField(help_text="FeatureCollection")
    features = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField(help_text="全部未办结案件数")
    overdue = serializers.SerializerMethodField(help_text="其中超时的")

    def get_type(self, counts) -> str:
        return "FeatureCollection"

    @extend_schema_field(GridCountFeatureSerializer(many=True))
    def get_features(self, counts) -> list[dict]:
        return GridCountFeatureSerializer(sorted(counts, key=lambda c: c.code), many=True).data

    def get_total(self, counts) -> int:
        return sum(c.total for c in counts)

    def get_overdue(self, counts) -> int:
        return sum(c.overdue for c in counts)


class UrgencyCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    normal = serializers.IntegerField()
    warning = serializers.IntegerField()
    overdue = serializers.IntegerField()


class InboxSerializer(serializers.Serializer):
    """The paginated inbox with its counts (documents the body the paginator and the counts make)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    counts = UrgencyCountsSerializer(help_text="待办数，按时限状态")
    results = CaseSummarySerializer(many=True)


class ReplyRateSerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    due = serializers.IntegerField(help_text="应回复件数：已回复的，和超过期限仍未回复的")
    on_time = serializers.IntegerField(help_text="按时回复件数")
    rate = serializers.FloatField(allow_null=True, help_text="督办按时回复率（0–1），无应回复件时为 null")


class ReporterPhoneSerializer(serializers.Serializer):
    reporter_phone = serializers.CharField(help_text="反映人完整电话")


# ---------------------------------------------------------------------------------------------
# Requests


def _error_messages(name: str) -> dict:
    return {"required": f"请填写{name}。", "blank": f"请填写{name}。", "null": f"请填写{name}。"}


class CaseIntakeSerializer(serializers.Serializer):
    category = serializers.RegexField(
        r"^\s*\d{4}(\d{2})?\s*$",
        max_length=8,
        help_text=(
            "小类代码：六位（如 200504）；或四位大类+小类代码（如 0504）并同时给出 kind。"
            "没有该代码的分类时返回 400 `case.unknown_category`"
        ),
        error_messages={**_error_messages("分类"), "invalid": "分类代码须为四位或六位数字。"},
    )
    kind = serializers.ChoiceField(
        choices=CategoryKind.choices,
        required=False,
        help_text="component 部件 / event 事件（四位代码时使用）",
    )
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


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="照片（JPEG/PNG/WebP）、视频（MP4/MOV/WebM）或音频（MP3/M4A/WAV/AMR）；"
        "类型按文件内容判定，其他类型返回 400 `evidence.bad_type`"
    )
    stage = serializers.ChoiceField(choices=EvidenceStage.choices, default=EvidenceStage.OTHER)
    lon = serializers.FloatField(required=False, allow_null=True, help_text="拍摄位置经度（WGS-84）")
    lat = serializers.FloatField(required=False, allow_null=True, help_text="拍摄位置纬度（WGS-84）")
    taken_at = serializers.DateTimeField(required=False, allow_null=True)


EVIDENCE_ENCODING = {"file": {"contentType": ", ".join(CONTENT_TYPES)}}


class SpamSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="判定理由（必填）")


class SuperviseSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=SupervisionLevel.choices, help_text="督办级别")
    instruction = serializers.CharField(max_length=2000, help_text="督办意见")
    reply_due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="回复期限；不填按级别 1–3 个工作日"
    )


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=2000, help_text="回复内容")


class RateQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="回复期限日期起（含，北京时间）")
    date_to = serializers.DateField(required=False, help_text="回复期限日期止（含，北京时间）")

    def to_internal_value(self, data):
        # `from` is a Python keyword, so the query names are mapped here; `from=` is not a date.
        mapped = {"date_from": data.get("from"), "date_to": data.get("to")}
        return super().to_internal_value({k: v for k, v in mapped.items() if v is not None})

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"to": ["结束日期不能早于开始日期。"]})
        return attrs


class TemplateQuerySerializer(serializers.Serializer):
    # An empty query value means "not given", as in a form.
    category = serializers.RegexField(
        r"^\d{6}$", required=False, allow_blank=True, help_text="小类代码（六位）；不填只返回通用常用语"
    )
    purpose = serializers.ChoiceField(
        choices=TemplatePurpose.choices, required=False, allow_blank=True, help_text="用途；不填返回全部用途"
    )

"""REST API of the campaigns app under /api/v1/campaigns/: campaigns (with their figures counted
from the cases, and the machine's actions), tasks (a partner contact sees its own only) and their
progress reports, joint operations with the problems they file and the support they ask for, and
the weekly report's data. Rules live in the services."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.campaigns import reports, selectors, services
from chengguan.campaigns.errors import CampaignError
from chengguan.campaigns.models import (
    Campaign,
    CampaignGoal,
    CampaignKind,
    CampaignPartner,
    GoalMetric,
    Operation,
    OperationKind,
    Participant,
    SupportKind,
    Task,
    TaskKind,
    TaskReport,
)
from chengguan.campaigns.states import CAMPAIGN_MACHINE
from chengguan.core import clock
from chengguan.core.api import ScopedViewSet, error_responses, validated
from chengguan.core.errors import ValidationFailed
from chengguan.core.filters import MAX_ID
from chengguan.core.workflow.api import action_views
from chengguan.enforcement.serializers import PenaltyPartyInputSerializer
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation, OrgKind

TAG = "campaigns"
READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


class CampaignResultSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text="发现问题（关联案件数）")
    put_right = serializers.IntegerField(help_text="整改到位（已结案）")
    penalties = serializers.IntegerField(help_text="立案处罚")
    fines_imposed = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    fines_collected = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


class CampaignNamedResultSerializer(CampaignResultSerializer):
    name = serializers.CharField(help_text="单位名称或网格编码")


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignGoal
        fields = ["id", "name", "metric", "target", "unit_label"]


class GoalProgressSerializer(serializers.Serializer):
    goal = serializers.IntegerField(source="goal.pk")
    name = serializers.CharField(source="goal.name")
    target = serializers.DecimalField(
        source="goal.target", max_digits=12, decimal_places=2, coerce_to_string=False
    )
    achieved = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    percent = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)


class PartnerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)
    partner_type = serializers.CharField(source="organisation.partner_type", read_only=True)

    class Meta:
        model = CampaignPartner
        fields = ["organisation", "name", "partner_type", "contact_name", "contact_phone"]


class CampaignSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "kind_name",
            "starts_on",
            "ends_on",
            "state",
            "lead_unit",
            "lead_unit_name",
            "whole_district",
            "available_actions",
        ]

    def get_available_actions(self, c) -> list[str]:
        request = self.context.get("request")
        return CAMPAIGN_MACHINE.available_actions(c, request.user) if request else []


class CampaignFiguresSerializer(serializers.Serializer):
    total = CampaignResultSerializer()
    by_unit = CampaignNamedResultSerializer(many=True)
    by_grid = CampaignNamedResultSerializer(many=True)
    goals = GoalProgressSerializer(many=True)


def figures_data(c: Campaign) -> dict:
    f = selectors.campaign_figures(c)
    return {
        "total": f.total,
        "by_unit": [{"name": n, **vars(x)} for n, x in f.by_unit],
        "by_grid": [{"name": n, **vars(x)} for n, x in f.by_grid],
        "goals": f.goals,
    }


class CampaignDetailSerializer(CampaignSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
    figures = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [
            *CampaignSerializer.Meta.fields,
            "units",
            "grids",
            "streets",
            "categories",
            "description",
            "reason",
            "summary",
            "summary_published_at",
            "goals",
            "partners",
            "figures",
        ]

    @extend_schema_field(CampaignFiguresSerializer)
    def get_figures(self, c) -> dict:
        return CampaignFiguresSerializer(figures_data(c)).data


class GoalInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    metric = serializers.ChoiceField(choices=GoalMetric.choices)
    target = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    unit_label = serializers.CharField(max_length=10, required=False, default="")


class PartnerInSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="协作单位（组织架构中的 partner）id"
    )
    contact_name = serializers.CharField(max_length=50, required=False, default="")
    contact_phone = serializers.CharField(max_length=20, required=False, default="")


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="本局行动类别 id")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    lead_unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
    )
    whole_district = serializers.BooleanField(required=False, default=False)
    grids = serializers.ListField(
        child=serializers.CharField(max_length=15), required=False, default=list, help_text="网格编码"
    )
    streets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
    )
    categories = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, help_text="类别编码"
    )
    goals = GoalInSerializer(many=True, required=False, default=list)
    partners = PartnerInSerializer(many=True, required=False, default=list)
    description = serializers.CharField(required=False, default="", allow_blank=True)


class GoalEditSerializer(GoalInSerializer):
    id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text="现有目标的 id；缺省为新增"
    )


class CampaignUpdateSerializer(serializers.Serializer):
    """Only the keys sent change; `goals` and `partners` are whole lists (left out: removed)."""

    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    whole_district = serializers.BooleanField(required=False)
    grids = serializers.ListField(
        child=serializers.CharField(max_length=15), required=False, help_text="网格编码"
    )
    streets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    categories = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text="类别编码"
    )
    goals = GoalEditSerializer(
        many=True, required=False, help_text="全部目标：带 id 的修改，不带 id 的新增，未列出的删除"
    )
    partners = PartnerInSerializer(many=True, required=False, help_text="全部协作部门及联系人；未列出的移出")


class AttachResultSerializer(serializers.Serializer):
    attached = serializers.IntegerField(help_text="本次关联的案件数")


def _own_bureau(user) -> Organisation:
    bureau = org_selectors.bureau_of(user)
    if bureau is None:
        raise ValidationFailed("您不属于任何执法局。", code=CampaignError.INVALID)
    return bureau


def _units(bureau, ids, *, partner: bool = False) -> list[Organisation]:
    qs = Organisation.objects.filter(bureau=bureau, pk__in=list(ids))
    return list(qs.filter(kind=OrgKind.PARTNER) if partner else qs.exclude(kind=OrgKind.PARTNER))


@extend_schema_view(
    list=extend_schema(responses={200: CampaignSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: CampaignDetailSerializer, **READ_ERRORS}),
    create=extend_schema(
        request=CampaignCreateSerializer, responses={201: CampaignDetailSerializer, **WRITE_ERRORS}
    ),
)
@extend_schema(tags=[TAG])
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The special actions of the caller's bureau, with their result figures."""

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()
    parser_classes = (JSONParser,)

    def visible(self, request):
        return selectors.campaigns_visible_to(request.user).order_by("-starts_on", "pk")

    def get_serializer_class(self):
        return CampaignDetailSerializer if self.action == "retrieve" else CampaignSerializer

    def create(self, request: Request) -> Response:
        from chengguan.grids.models import Grid
        from chengguan.taxonomy.models import Category

        bureau = _own_bureau(request.user)
        d = validated(CampaignCreateSerializer, request.data)
        kind = CampaignKind.objects.filter(bureau=bureau, pk=d["kind"]).first()
        lead = (
            Organisation.objects.filter(bureau=bureau, pk=d["lead_unit"])
            .exclude(kind=OrgKind.PARTNER)
            .first()
        )
        partners = {o.pk: o for o in _units(bureau, [p["organisation"] for p in d["partners"]], partner=True)}
        if lead is None:
            raise ValidationFailed(
                "只能选择本局的单位。",
                code=CampaignError.INVALID,
                fields={"lead_unit": ["只能选择本局的单位。"]},
            )
        campaign = services.campaign_create(
            actor=request.user,
            bureau=bureau,
            name=d["name"],
            kind=kind,
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            lead_unit=lead,
            units=_units(bureau, d["units"]),
            whole_district=d["whole_district"],
            grids=list(Grid.objects.filter(code__in=d["grids"], subdistrict__bureau=bureau)),
            streets=_units(bureau, d["streets"]),
            categories=list(Category.objects.filter(code__in=d["categories"])),
            goals=[dict(g) for g in d["goals"]],
            partners=[{**p, "organisation": partners.get(p["organisation"])} for p in d["partners"]],
            description=d["description"],
        )
        return Response(
            CampaignDetailSerializer(campaign, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=CampaignUpdateSerializer,
        responses={200: CampaignDetailSerializer, **WRITE_ERRORS},
        summary="修改行动范围、目标和协作部门（行动结束或取消前）",
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        from chengguan.grids.models import Grid
        from chengguan.taxonomy.models import Category

        campaign = self.get_object()
        bureau = campaign.bureau
        d = validated(CampaignUpdateSerializer, request.data)
        changes: dict = {}
        if "units" in d:
            changes["units"] = _units(bureau, d["units"])
        if "whole_district" in d:
            changes["whole_district"] = d["whole_district"]
        if "grids" in d:
            changes["grids"] = list(Grid.objects.filter(code__in=d["grids"], subdistrict__bureau=bureau))
        if "streets" in d:
            changes["streets"] = _units(bureau, d["streets"])
        if "categories" in d:
            changes["categories"] = list(Category.objects.filter(code__in=d["categories"]))
        if "goals" in d:
            changes["goals"] = [dict(g) for g in d["goals"]]
        if "partners" in d:
            found = {
                o.pk: o for o in _units(bureau, [p["organisation"] for p in d["partners"]], partner=True)
            }
            changes["partners"] = [{**p, "organisation": found.get(p["organisation"])} for p in d["partners"]]
        campaign = services.campaign_update(actor=request.user, campaign=campaign, **changes)
        return Response(CampaignDetailSerializer(campaign, context={"request": request}).data)

    @extend_schema(request=None, responses={200: AttachResultSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="attach-cases")
    def attach_cases(self, request: Request, pk=None) -> Response:
        n = services.campaign_attach_cases(actor=request.user, campaign=self.get_object())
        return Response({"attached": n})


def _visible_campaign(request, pk: int) -> Campaign:
    return get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)


CAMPAIGN_ACTION_VIEWS = action_views(
    CAMPAIGN_MACHINE,
    get_object=_visible_campaign,
    respond=lambda request, c: Response(CampaignDetailSerializer(c, context={"request": request}).data),
    response_serializer=CampaignDetailSerializer,
    operation_prefix="campaigns",
    tags=[TAG],
    who=lambda t: "牵头单位领导",
)


# -- tasks ------------------------------------------------------------------------------------------


class TaskReportSerializer(serializers.ModelSerializer):
    reported_by_name = serializers.CharField(
        source="reported_by.profile.full_name", read_only=True, default=""
    )
    photos = serializers.SerializerMethodField()

    class Meta:
        model = TaskReport
        fields = [
            "id",
            "figure",
            "text",
            "completes",
            "reported_by",
            "reported_by_name",
            "reported_at",
            "photos",
        ]

    def get_photos(self, r) -> list[str]:
        return [p.sha256 for p in r.photos.all()]


class TaskSerializer(serializers.ModelSerializer):
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    assignee_name = serializers.CharField(source="assignee.name", read_only=True, default="")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "campaign",
            "campaign_name",
            "parent",
            "kind",
            "title",
            "description",
            "assignee",
            "assignee_name",
            "goal",
            "target",
            "due_on",
            "completed_at",
            "overdue",
        ]

    def get_overdue(self, t) -> bool:
        return bool(t.completed_at is None and t.due_on and t.due_on < clock.today())


class TaskDetailSerializer(TaskSerializer):
    reports = TaskReportSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "reports"]


class TaskCreateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=TaskKind.choices)
    title = serializers.CharField(max_length=100)
    parent = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    assignee = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    goal = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    target = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    working_days = serializers.IntegerField(
        min_value=1,
        max_value=250,
        required=False,
        allow_null=True,
        help_text="期限：若干个工作日（中国法定节假日日历）",
    )
    description = serializers.CharField(required=False, default="", allow_blank=True)


class TaskReportInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    figure = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, default=0)
    completes = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(child=serializers.ImageField(), required=False, default=list)


@extend_schema_view(
    list=extend_schema(responses={200: TaskSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: TaskDetailSerializer, **READ_ERRORS}),
    create=extend_schema(request=TaskCreateSerializer, responses={201: TaskDetailSerializer, **WRITE_ERRORS}),
)
@extend_schema(tags=[TAG])
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Campaign tasks: staff see their bureau's; a partner department's contact only its own."""

    serializer_class = TaskSerializer
    queryset = Task.objects.none()
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def visible(self, request):
        qs = selectors.tasks_visible_to(request.user).order_by("campaign_id", "sort_order", "pk")
        if request.query_params.get("campaign", "").isdigit():
            qs = qs.filter(campaign_id=int(request.query_params["campaign"]))
        return qs

    def get_serializer_class(self):
        return TaskDetailSerializer if self.action == "retrieve" else TaskSerializer

    def create(self, request: Request) -> Response:
        d = validated(TaskCreateSerializer, request.data)
        campaign = _visible_campaign(request, d["campaign"])
        parent = campaign.tasks.filter(pk=d.get("parent")).first() if d.get("parent") else None
        assignee = Organisation.objects.filter(pk=d.get("assignee")).first() if d.get("assignee") else None
        goal = campaign.goals.filter(pk=d.get("goal")).first() if d.get("goal") else None
        task = services.task_add(
            actor=request.user,
            campaign=campaign,
            kind=d["kind"],
            title=d["title"],
            parent=parent,
            assignee=assignee,
            goal=goal,
            target=d.get("target"),
            due_on=d.get("due_on"),
            working_days=d.get("working_days"),
            description=d["description"],
        )
        return Response(TaskDetailSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": TaskReportInSerializer, "application/json": TaskReportInSerializer},
        responses={201: TaskReportSerializer, **WRITE_ERRORS},
        summary="填报任务进度（承办单位或协作部门联络员）",
    )
    @action(detail=True, methods=["post"])
    def reports(self, request: Request, pk=None) -> Response:
        task = self.get_object()
        d = validated(TaskReportInSerializer, request.data)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        report = services.task_report(
            actor=request.user,
            task=task,
            text=d["text"],
            figure=d["figure"],
            completes=d["completes"],
            photos=photos or d["photos"],
        )
        return Response(TaskReportSerializer(report).data, status=status.HTTP_201_CREATED)


# -- operations -------------------------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Participant
        fields = ["name", "department", "department_name", "cert_no"]


class OperationSerializer(serializers.ModelSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    cases = serializers.SerializerMethodField()
    penalty_cases = serializers.SerializerMethodField()

    class Meta:
        model = Operation
        fields = [
            "id",
            "campaign",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "lon",
            "lat",
            "units",
            "officers",
            "participants",
            "findings",
            "urgent",
            "urgent_reason",
            "cases",
            "penalty_cases",
        ]

    def get_cases(self, op) -> list[str]:
        return [link.case.number for link in op.case_links.select_related("case")]

    def get_penalty_cases(self, op) -> list[int]:
        return [link.penalty_id for link in op.penalty_links.all()]


class ParticipantInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    department = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="协作单位 id")
    cert_no = serializers.CharField(max_length=32, required=False, default="")


class OperationCreateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=OperationKind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    lon = serializers.FloatField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    crs = serializers.ChoiceField(choices=["wgs84", "gcj02", "bd09"], default="wgs84")
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
    )
    officers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
    )
    participants = ParticipantInSerializer(many=True, required=False, default=list)
    findings = serializers.CharField(required=False, default="", allow_blank=True)
    urgent = serializers.BooleanField(required=False, default=False)
    urgent_reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)


class ProblemInSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=12, help_text="案件来源（须为上报人可用的来源）")
    category = serializers.CharField(max_length=20, help_text="类别编码")
    description = serializers.CharField(max_length=2000)
    address = serializers.CharField(max_length=200, required=False, default="")
    lon = serializers.FloatField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)


class OperationPenaltyInSerializer(serializers.Serializer):
    facts = serializers.CharField(max_length=4000, help_text="违法事实")
    parties = PenaltyPartyInputSerializer(many=True, allow_empty=False)
    officers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        help_text="执法人员的用户 id（行政处罚法 第四十二条：不少于两人）",
    )


class LinkedPenaltySerializer(serializers.Serializer):
    penalty = serializers.IntegerField(source="penalty_id", help_text="行政处罚案件 id")
    state = serializers.CharField(source="penalty.state")


class LinkedCaseSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.number", help_text="案件编号")
    state = serializers.CharField(source="case.state")


class SupportInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupportKind.choices)
    addressed_to = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="公安或法院（协作单位）id"
    )
    document = serializers.FileField(help_text="协助函 PDF")
    who_came = serializers.CharField(max_length=300, required=False, default="")
    outcome = serializers.CharField(required=False, default="")
    penalties = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
    )


class SupportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    addressed_to = serializers.IntegerField(source="addressed_to_id")
    who_came = serializers.CharField()
    outcome = serializers.CharField()


@extend_schema_view(
    list=extend_schema(responses={200: OperationSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: OperationSerializer, **READ_ERRORS}),
    create=extend_schema(
        request=OperationCreateSerializer, responses={201: OperationSerializer, **WRITE_ERRORS}
    ),
)
@extend_schema(tags=[TAG])
class OperationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Joint operations (联合行动) of the caller's bureau."""

    serializer_class = OperationSerializer
    queryset = Operation.objects.none()
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def visible(self, request):
        return (
            selectors.operations_visible_to(request.user)
            .prefetch_related("participants")
            .order_by("-starts_at")
        )

    def create(self, request: Request) -> Response:
        d = validated(OperationCreateSerializer, request.data)
        campaign = _visible_campaign(request, d["campaign"])
        bureau = campaign.bureau
        partners = {
            o.pk: o for o in _units(bureau, [p["department"] for p in d["participants"]], partner=True)
        }
        op = services.operation_record(
            actor=request.user,
            campaign=campaign,
            kind=d["kind"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            place=d["place"],
            lon=d.get("lon"),
            lat=d.get("lat"),
            crs=d["crs"],
            units=list(Organisation.objects.filter(bureau=bureau, pk__in=d["units"])),
            officers=list(get_user_model().objects.filter(pk__in=d["officers"])),
            participants=[{**p, "department": partners.get(p["department"])} for p in d["participants"]],
            findings=d["findings"],
            urgent=d["urgent"],
            urgent_reason=d["urgent_reason"],
        )
        return Response(OperationSerializer(op).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProblemInSerializer,
        responses={201: LinkedCaseSerializer, **WRITE_ERRORS},
        summary="发现的问题立为数字城管案件并计入专项行动",
    )
    @action(detail=True, methods=["post"])
    def problems(self, request: Request, pk=None) -> Response:
        op = self.get_object()
        d = validated(ProblemInSerializer, request.data)
        link = services.operation_file_problem(
            actor=request.user,
            operation=op,
            source=d["source"],
            category=d["category"],
            description=d["description"],
            address=d["address"],
            lon=d.get("lon") if d.get("lon") is not None else op.lon,
            lat=d.get("lat") if d.get("lat") is not None else op.lat,
        )
        return Response(LinkedCaseSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OperationPenaltyInSerializer,
        responses={201: LinkedPenaltySerializer, **WRITE_ERRORS},
        summary="就联合行动中发现的违法行为立案审批（行政处罚案件）并计入专项行动",
    )
    @action(detail=True, methods=["post"])
    def penalties(self, request: Request, pk=None) -> Response:
        op = self.get_object()
        d = validated(OperationPenaltyInSerializer, request.data)
        link = services.operation_open_penalty(
            actor=request.user,
            operation=op,
            facts=d["facts"],
            parties=[dict(p) for p in d["parties"]],
            officers=list(get_user_model().objects.filter(pk__in=d["officers"])),
        )
        return Response(LinkedPenaltySerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": SupportInSerializer},
        responses={201: SupportSerializer, **WRITE_ERRORS},
        summary="登记公安/法院执法保障（协助函 PDF、到场人员、结果、关联处罚案件）",
    )
    @action(detail=True, methods=["post"])
    def support(self, request: Request, pk=None) -> Response:
        from chengguan.enforcement.models import PenaltyCase

        op = self.get_object()
        d = validated(SupportInSerializer, request.data)
        bureau = op.campaign.bureau
        target = Organisation.objects.filter(
            bureau=bureau, kind=OrgKind.PARTNER, pk=d["addressed_to"]
        ).first()
        req = services.support_request_record(
            actor=request.user,
            operation=op,
            kind=d["kind"],
            addressed_to=target,
            document=d["document"],
            who_came=d["who_came"],
            outcome=d["outcome"],
            penalties=list(PenaltyCase.objects.filter(bureau=bureau, pk__in=d["penalties"])),
        )
        return Response(SupportSerializer(req).data, status=status.HTTP_201_CREATED)


# -- reports ----------------------------------------------------------------------------------------


class UnitRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    found = serializers.IntegerField()
    put_right = serializers.IntegerField()
    penalties = serializers.IntegerField()
    fines = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    tasks = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()


class WeeklyReportSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    name = serializers.CharField()
    week_from = serializers.DateField()
    week_to = serializers.DateField()
    figures = CampaignFiguresSerializer()
    units = UnitRowSerializer(many=True)
    highlights = serializers.ListField(child=serializers.CharField())
    pdf = serializers.CharField(help_text="周报 PDF 的网址")
    xlsx = serializers.CharField(help_text="周报 Excel 的网址")
    summary_pdf = serializers.CharField(help_text="总结 PDF 的网址")


class DailyReportSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    name = serializers.CharField()
    day = serializers.DateField()
    operations = serializers.IntegerField(help_text="当日开展的联合行动次数")
    figures = CampaignFiguresSerializer()
    units = UnitRowSerializer(many=True)
    highlights = serializers.ListField(child=serializers.CharField())
    pdf = serializers.CharField(help_text="日报 PDF 的网址")
    xlsx = serializers.CharField(help_text="日报 Excel 的网址")


@extend_schema_view(
    list=extend_schema(responses={200: WeeklyReportSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: WeeklyReportSerializer, **READ_ERRORS}),
)
@extend_schema(tags=[TAG])
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The weekly progress report of each campaign (the data of the Excel and PDF), by campaign id."""

    serializer_class = WeeklyReportSerializer
    queryset = Campaign.objects.none()

    def visible(self, request):
        return selectors.campaigns_visible_to(request.user).order_by("-starts_on", "pk")

    def _report(self, c: Campaign) -> dict:
        from django.urls import reverse

        today = clock.today()
        first, last = reports.week_of(today)
        figures = selectors.campaign_figures(c)
        return {
            "campaign": c.pk,
            "name": c.name,
            "week_from": first,
            "week_to": last,
            "figures": figures_data(c),
            "units": [vars(r) for r in reports.unit_rows(c, figures, today)],
            "highlights": reports.highlights(c, first, last),
            "pdf": reverse("campaigns:weekly", args=[c.pk, "pdf"]),
            "xlsx": reverse("campaigns:weekly", args=[c.pk, "xlsx"]),
            "summary_pdf": reverse("campaigns:summary", args=[c.pk]),
        }

    def list(self, request: Request) -> Response:
        rows = self.paginate_queryset(self.get_queryset())
        data = [self._report(c) for c in (rows if rows is not None else self.get_queryset())]
        body = WeeklyReportSerializer(data, many=True).data
        return self.get_paginated_response(body) if rows is not None else Response(body)

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(WeeklyReportSerializer(self._report(self.get_object())).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, required=False, description="日报的日期，缺省为今天")
        ],
        responses={200: DailyReportSerializer, **error_responses(400, 401, 403, 404)},
        summary="专项行动工作日报（与周报同一模板）",
    )
    @action(detail=True, methods=["get"])
    def daily(self, request: Request, pk=None) -> Response:
        import datetime as dt

        from django.urls import reverse

        c = self.get_object()
        try:
            day = (
                dt.date.fromisoformat(request.query_params["on"]) if request.query_params.get("on") else None
            )
        except ValueError:
            raise ValidationFailed(
                "日期格式应为 YYYY-MM-DD。",
                code=CampaignError.INVALID,
                fields={"on": ["日期格式应为 YYYY-MM-DD。"]},
            ) from None
        day = day or clock.today()
        figures = selectors.campaign_figures(c)
        query = f"?on={day.isoformat()}"
        body = {
            "campaign": c.pk,
            "name": c.name,
            "day": day,
            "operations": reports.operations_in(c, day, day),
            "figures": figures_data(c),
            "units": [vars(r) for r in reports.unit_rows(c, figures, day)],
            "highlights": reports.highlights(c, day, day),
            "pdf": reverse("campaigns:daily", args=[c.pk, "pdf"]) + query,
            "xlsx": reverse("campaigns:daily", args=[c.pk, "xlsx"]) + query,
        }
        return Response(DailyReportSerializer(body).data)

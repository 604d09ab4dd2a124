"""REST API of the duty app under /api/v1/duty/: shifts, who is on duty now, patrols with their
points (the field app uploads batches idempotently), and the swap machine's actions. Rules live in
the services."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core.api import error_response, error_responses, idempotency_header
from chengguan.core.filters import raise_for_filter_errors
from chengguan.core.workflow.api import action_views
from chengguan.duty import selectors, services
from chengguan.duty.filters import LogFilter, OnDutyFilter, RosterFilter, ShiftFilter
from chengguan.duty.models import (
    ActionItem,
    Assignment,
    Decision,
    Discipline,
    EntryKind,
    Finding,
    FindingKind,
    FindingState,
    Handover,
    LogEntry,
    Meeting,
    MeetingAttendee,
    Notice,
    NoticeReceipt,
    Patrol,
    Roster,
    RosterChange,
    Shift,
    StrictStreet,
)
from chengguan.duty.states import CHANGE_MACHINE, FINDING_MACHINE, HANDOVER_MACHINE, ITEM_MACHINE

READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


class AssignmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="staff.profile.full_name", read_only=True, default="")

    class Meta:
        model = Assignment
        fields = ["id", "staff", "name", "post", "on_leave", "clock_in_at", "clock_out_at"]


class ShiftSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "unit",
            "date",
            "day_kind",
            "name",
            "starts_at",
            "ends_at",
            "leaders",
            "chiefs",
            "officers",
            "assignments",
        ]


class OnDutySerializer(AssignmentSerializer):
    unit = serializers.CharField(source="shift.unit.name", read_only=True)
    shift = serializers.CharField(source="shift.name", read_only=True)
    ends_at = serializers.DateTimeField(source="shift.ends_at", read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "unit", "shift", "ends_at"]


class PatrolSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    name = serializers.CharField(source="staff.profile.full_name", read_only=True, default="")

    class Meta:
        model = Patrol
        fields = ["id", "unit", "staff", "name", "started_at", "ended_at", "point_count", "distance_m"]


class PointSerializer(serializers.Serializer):
    time = serializers.DateTimeField(help_text="ISO 8601 with offset")
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    accuracy = serializers.FloatField(required=False, default=0, help_text="metres")


class UploadSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=64, help_text="the batch's own key; a retry sends the same key")
    crs = serializers.ChoiceField(choices=["wgs84", "gcj02", "bd09"], default="wgs84")
    points = PointSerializer(many=True)


class BatchSerializer(serializers.Serializer):
    key = serializers.CharField()
    accepted = serializers.IntegerField(help_text="points kept (recorded while on duty)")
    dropped = serializers.IntegerField(help_text="points recorded off duty, not kept")
    point_count = serializers.IntegerField(source="patrol.point_count")
    distance_m = serializers.FloatField(source="patrol.distance_m")


class TrackPointSerializer(serializers.Serializer):
    t = serializers.IntegerField(help_text="seconds since the patrol started")
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    accuracy = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(responses={200: ShiftSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(responses={200: ShiftSerializer, **READ_ERRORS}),
)
class ShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The shifts of the rosters the caller may see, with who holds each post."""

    serializer_class = ShiftSerializer
    filterset_class = ShiftFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        qs = selectors.shifts_visible_to(self.request.user).prefetch_related("assignments__staff__profile")
        return qs.order_by("starts_at")


class OnDutyView(APIView):
    """Who is on duty now: clocked in during a rostered shift that is running."""

    @extend_schema(
        parameters=[OpenApiParameter("unit", int, description="值班单位 id")],
        responses={200: OnDutySerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        found = OnDutyFilter(request.query_params, queryset=selectors.on_duty_now(request.user))
        if not found.is_valid():
            raise_for_filter_errors(found.form)
        return Response(OnDutySerializer(found.qs, many=True).data)


@extend_schema_view(
    list=extend_schema(responses={200: PatrolSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: PatrolSerializer, **READ_ERRORS}),
    create=extend_schema(request=None, responses={201: PatrolSerializer, **WRITE_ERRORS}),
)
class PatrolViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Patrols: start one while on duty, upload its points in batches, end it."""

    serializer_class = PatrolSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Patrol.objects.none()
        return selectors.patrols_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        patrol = services.patrol_start(actor=request.user)
        return Response(PatrolSerializer(patrol).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UploadSerializer, responses={200: BatchSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def points(self, request, pk=None):
        patrol = self.get_object()
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        batch = services.patrol_upload(
            actor=request.user, patrol=patrol, key=d["key"], points=d["points"], crs=d["crs"]
        )
        return Response(BatchSerializer(batch).data)

    @extend_schema(request=None, responses={200: PatrolSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return Response(
            PatrolSerializer(services.patrol_end(actor=request.user, patrol=self.get_object())).data
        )

    @extend_schema(responses={200: TrackPointSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def track(self, request, pk=None):
        points = services.patrol_track(actor=request.user, patrol=self.get_object())
        return Response(TrackPointSerializer(points, many=True).data)


class ChangeSerializer(serializers.ModelSerializer):
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = RosterChange
        fields = [
            "id",
            "kind",
            "state",
            "assignment",
            "replacement",
            "reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "available_actions",
        ]

    def get_available_actions(self, change) -> list[str]:
        request = self.context.get("request")
        return CHANGE_MACHINE.available_actions(change, request.user) if request else []


def _visible_change(request, pk: int) -> RosterChange:
    units = selectors.duty_units(request.user).values("pk")
    return get_object_or_404(RosterChange.objects.filter(unit__in=units), pk=pk)


CHANGE_ACTION_VIEWS = action_views(
    CHANGE_MACHINE,
    get_object=_visible_change,
    respond=lambda request, change: Response(ChangeSerializer(change, context={"request": request}).data),
    response_serializer=ChangeSerializer,
    operation_prefix="duty_changes",
    tags=["duty"],
)


class StreetSerializer(serializers.ModelSerializer):
    grids = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = StrictStreet
        fields = ["id", "name", "kind", "grids", "starts", "ends"]


class DayRateSerializer(serializers.Serializer):
    day = serializers.DateField()
    required = serializers.IntegerField(help_text="required 15-minute slots")
    covered = serializers.IntegerField(help_text="slots with an on-duty member of staff inside")
    rate = serializers.FloatField(allow_null=True)


class GapSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class OnPostRateSerializer(serializers.Serializer):
    street = serializers.IntegerField(source="street.pk")
    first = serializers.DateField()
    last = serializers.DateField()
    required = serializers.IntegerField(help_text="required 15-minute slots")
    covered = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="covered / required")
    required_hours = serializers.FloatField()
    covered_hours = serializers.FloatField()
    days = DayRateSerializer(many=True)
    gaps = serializers.SerializerMethodField()

    def get_gaps(self, obj) -> list[dict]:
        return GapSerializer([{"start": s, "end": e} for s, e in obj.gaps], many=True).data


def _day(value: str | None, default):
    import datetime as dt

    from rest_framework.exceptions import ValidationError

    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"date": ["YYYY-MM-DD"]}) from None


@extend_schema_view(
    list=extend_schema(responses={200: StreetSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: StreetSerializer, **READ_ERRORS}),
)
class StreetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Strict-control and model streets (严管街/示范街) and their on-post rate (在岗率)."""

    serializer_class = StreetSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StrictStreet.objects.none()
        return selectors.streets_visible_to(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", str, description="YYYY-MM-DD, default today"),
            OpenApiParameter("date_to", str, description="YYYY-MM-DD, default date_from"),
        ],
        responses={200: OnPostRateSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="on-post-rate")
    def on_post_rate(self, request, pk=None):
        from chengguan.core import clock

        street = self.get_object()
        first = _day(request.query_params.get("date_from"), clock.today())
        last = _day(request.query_params.get("date_to"), first)
        if last < first or (last - first).days > 92:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"date_to": ["date_from ≤ date_to, at most 93 days"]})
        return Response(OnPostRateSerializer(selectors.on_post_rate(request.user, street, first, last)).data)


class GpxImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="a GPX 1.0/1.1 file")
    crs = serializers.ChoiceField(choices=["wgs84", "gcj02", "bd09"], default="wgs84")
    staff = serializers.IntegerField(required=False, help_text="whose track (default: the caller)")


class GpxImportView(APIView):
    """Import a GPX track as a patrol: only points recorded while on duty are kept; the same file again
    adds nothing."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=GpxImportSerializer, responses={201: BatchSerializer, **WRITE_ERRORS})
    def post(self, request):
        from django.contrib.auth import get_user_model

        body = GpxImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        staff = request.user
        if d.get("staff"):
            staff = get_object_or_404(get_user_model(), pk=d["staff"])
        batch = services.patrol_import_gpx(
            actor=request.user, staff=staff, data=d["file"].read(), crs=d["crs"], filename=d["file"].name
        )
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class ActionItemSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")
    person_name = serializers.CharField(source="person.profile.full_name", read_only=True, default="")
    overdue = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "title",
            "unit",
            "unit_name",
            "person",
            "person_name",
            "due_on",
            "state",
            "result",
            "note",
            "done_at",
            "overdue",
            "available_actions",
        ]

    def get_overdue(self, item) -> bool:
        from chengguan.core import clock

        return item.state == "open" and item.due_on < clock.today()

    def get_available_actions(self, item) -> list[str]:
        request = self.context.get("request")
        return ITEM_MACHINE.available_actions(item, request.user) if request else []


class AgendaRowSerializer(serializers.Serializer):
    title = serializers.CharField()
    presenter = serializers.CharField()
    carried = serializers.IntegerField(
        source="carried.pk", allow_null=True, default=None, help_text="the overdue action item it carries"
    )


class AttendeeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.profile.full_name", read_only=True, default="")

    class Meta:
        model = MeetingAttendee
        fields = ["person", "name", "status"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["order", "text"]


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "kind", "title", "week_of", "starts_at", "place", "state", "held_at"]


class MeetingDetailSerializer(MeetingSerializer):
    agenda = serializers.SerializerMethodField()
    attendees = AttendeeSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    action_items = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "minutes",
            "agenda",
            "attendees",
            "decisions",
            "action_items",
        ]

    @extend_schema_field(AgendaRowSerializer(many=True))
    def get_agenda(self, meeting) -> list[dict]:
        return AgendaRowSerializer(selectors.agenda(meeting), many=True).data

    @extend_schema_field(ActionItemSerializer(many=True))
    def get_action_items(self, meeting) -> list[dict]:
        items = meeting.action_items.select_related("unit", "person__profile").order_by("due_on", "pk")
        return ActionItemSerializer(items, many=True, context=self.context).data


@extend_schema_view(
    list=extend_schema(responses={200: MeetingSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: MeetingDetailSerializer, **READ_ERRORS}),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Meetings (周一例会 and others) with their agenda (overdue action items join a planned meeting's
    agenda by themselves), attendance, minutes, decisions and action items."""

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return selectors.meetings_visible_to(self.request.user).order_by("-starts_at")


def _visible_item(request, pk: int) -> ActionItem:
    meetings = selectors.meetings_visible_to(request.user).values("pk")
    return get_object_or_404(ActionItem.objects.filter(meeting__in=meetings), pk=pk)


ITEM_ACTION_VIEWS = action_views(
    ITEM_MACHINE,
    get_object=_visible_item,
    respond=lambda request, item: Response(ActionItemSerializer(item, context={"request": request}).data),
    response_serializer=ActionItemSerializer,
    operation_prefix="duty_action_items",
    tags=["duty"],
)


class ReceiptSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.profile.full_name", read_only=True, default="")
    unit = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = NoticeReceipt
        fields = ["person", "name", "unit", "read_at", "response", "responded_at", "escalation"]


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "level",
            "title",
            "issued_at",
            "read_by",
            "response_required",
            "respond_by",
            "closed_at",
        ]


class NoticeDetailSerializer(NoticeSerializer):
    receipts = ReceiptSerializer(many=True, read_only=True)

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "body", "receipts"]


class RespondSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=2000)


@extend_schema_view(
    list=extend_schema(responses={200: NoticeSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: NoticeDetailSerializer, **READ_ERRORS}),
)
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Major-matter notices (重大事项通报): the caller's to read (all of the bureau's for its issuers),
    with read receipts; `read/` acknowledges and `respond/` answers one's own receipt."""

    def get_serializer_class(self):
        return NoticeDetailSerializer if self.action == "retrieve" else NoticeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notice.objects.none()
        qs = selectors.notices_visible_to(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("receipts__person__profile", "receipts__unit")
        return qs

    @extend_schema(request=None, responses={200: ReceiptSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return Response(
            ReceiptSerializer(services.notice_read(actor=request.user, notice=self.get_object())).data
        )

    @extend_schema(request=RespondSerializer, responses={200: ReceiptSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        notice = self.get_object()  # another bureau's notice is not found before the body is read
        body = RespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        receipt = services.notice_respond(
            actor=request.user, notice=notice, response=body.validated_data["response"]
        )
        return Response(ReceiptSerializer(receipt).data)


class RosterSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    shifts = serializers.IntegerField(source="shift_count", read_only=True)
    unfilled = serializers.SerializerMethodField(help_text="shifts with a required post left unfilled")

    class Meta:
        model = Roster
        fields = ["id", "unit", "unit_name", "month", "created_at", "shifts", "unfilled"]

    def get_unfilled(self, roster) -> int:
        request = self.context.get("request")
        return len(selectors.unfilled_shifts(request.user if request else None, roster))


@extend_schema_view(
    list=extend_schema(responses={200: RosterSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(responses={200: RosterSerializer, **READ_ERRORS}),
)
class RosterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly rosters (值班表) of the units the caller may see, with how many shifts are unfilled."""

    serializer_class = RosterSerializer
    filterset_class = RosterFilter

    def get_queryset(self):
        from django.db.models import Count

        if getattr(self, "swagger_fake_view", False):
            return Roster.objects.none()
        qs = (
            Roster.objects.filter(unit__in=selectors.duty_units(self.request.user).values("pk"))
            .select_related("unit")
            .annotate(shift_count=Count("shifts"))
            .order_by("-month", "unit__path")
        )
        return qs


class LogEntrySerializer(serializers.ModelSerializer):
    recorded_by_name = serializers.CharField(
        source="recorded_by.profile.full_name", read_only=True, default=""
    )

    class Meta:
        model = LogEntry
        fields = ["id", "kind", "at", "text", "recorded_by", "recorded_by_name"]


class HandoverSerializer(serializers.ModelSerializer):
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Handover
        fields = [
            "id",
            "shift",
            "next_shift",
            "notes",
            "open_matters",
            "handed_by",
            "handed_at",
            "state",
            "accepted_by",
            "accepted_at",
            "accept_note",
            "available_actions",
        ]

    def get_available_actions(self, h) -> list[str]:
        request = self.context.get("request")
        return HANDOVER_MACHINE.available_actions(h, request.user) if request else []


class CaseRefSerializer(serializers.Serializer):
    number = serializers.CharField()
    reported_at = serializers.DateTimeField()
    state = serializers.CharField()


class ShiftLogSerializer(ShiftSerializer):
    entries = LogEntrySerializer(source="log", many=True, read_only=True)
    handover = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    class Meta(ShiftSerializer.Meta):
        fields = [*ShiftSerializer.Meta.fields, "entries", "handover", "cases"]

    @extend_schema_field(HandoverSerializer(allow_null=True))
    def get_handover(self, shift) -> dict | None:
        h = Handover.objects.filter(shift=shift).first()
        return HandoverSerializer(h, context=self.context).data if h else None

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_cases(self, shift) -> list[dict]:
        request = self.context.get("request")
        return CaseRefSerializer(selectors.cases_during(request.user, shift)[:200], many=True).data


class LogEntryCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    text = serializers.CharField(max_length=2000)
    at = serializers.DateTimeField(required=False)


class HandoverCreateSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=4000)
    open_matters = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)


@extend_schema_view(
    list=extend_schema(responses={200: ShiftLogSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(responses={200: ShiftLogSerializer, **READ_ERRORS}),
)
class LogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Duty logs (值班日志) by shift: the events recorded, the cases reported during the shift in its unit
    (read by time and unit), and the handover to the next shift; `entries/` records an event and
    `handover/` hands the shift over."""

    serializer_class = ShiftLogSerializer
    filterset_class = LogFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        qs = selectors.shifts_visible_to(self.request.user).prefetch_related(
            "assignments__staff__profile", "log__recorded_by__profile"
        )
        if self.action == "list" and not self.request.query_params.get("date"):
            qs = qs.filter(log__isnull=False).distinct()  # a day asked for lists its quiet shifts too
        return qs.order_by("-starts_at")

    @extend_schema(request=LogEntryCreateSerializer, responses={201: LogEntrySerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def entries(self, request, pk=None):
        shift = self.get_object()
        body = LogEntryCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.log_add(actor=request.user, shift=shift, **body.validated_data)
        return Response(LogEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HandoverCreateSerializer, responses={201: HandoverSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        shift = self.get_object()
        body = HandoverCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        h = services.handover_give(actor=request.user, shift=shift, **body.validated_data)
        return Response(
            HandoverSerializer(h, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _visible_handover(request, pk: int) -> Handover:
    shifts = selectors.shifts_visible_to(request.user).values("pk")
    return get_object_or_404(Handover.objects.filter(next_shift__in=shifts), pk=pk)


HANDOVER_ACTION_VIEWS = action_views(
    HANDOVER_MACHINE,
    get_object=_visible_handover,
    respond=lambda request, h: Response(HandoverSerializer(h, context={"request": request}).data),
    response_serializer=HandoverSerializer,
    operation_prefix="duty_handovers",
    tags=["duty"],
)


# -- 督察 findings ------------------------------------------------------------------------------------


class FindingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    person_name = serializers.CharField(source="person.profile.full_name", read_only=True, default="")
    found_by_name = serializers.CharField(source="found_by.profile.full_name", read_only=True, default="")
    has_photo = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "unit",
            "unit_name",
            "person",
            "person_name",
            "kind",
            "discipline",
            "description",
            "place",
            "lon",
            "lat",
            "observed_at",
            "has_photo",
            "found_by",
            "found_by_name",
            "state",
            "due_on",
            "overdue",
            "rectification",
            "reported_at",
            "sent_back",
            "contested",
            "contest_reason",
            "decision_note",
            "closed_at",
            "available_actions",
        ]

    def get_has_photo(self, f) -> bool:
        return bool(f.photo)

    def get_overdue(self, f) -> bool:
        from chengguan.core import clock

        return f.state == FindingState.RECTIFYING and f.due_on < clock.today()

    def get_available_actions(self, f) -> list[str]:
        request = self.context.get("request")
        return FINDING_MACHINE.available_actions(f, request.user) if request else []


class FindingCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, help_text="责任单位 id")
    kind = serializers.ChoiceField(choices=FindingKind.choices)
    discipline = serializers.ChoiceField(
        choices=Discipline.choices, required=False, allow_blank=True, default="", help_text="风纪问题时必填"
    )
    person = serializers.IntegerField(min_value=1, required=False, allow_null=True, help_text="责任人 id")
    description = serializers.CharField(max_length=4000)
    place = serializers.CharField(max_length=200)
    observed_at = serializers.DateTimeField(required=False, allow_null=True, help_text="默认现在")
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    photo = serializers.FileField(required=False, allow_null=True, help_text="现场照片")


class FindingListFilter(serializers.Serializer):
    state = serializers.ChoiceField(choices=FindingState.choices, required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("state", str, enum=FindingState.values, description="状态")],
        responses={200: FindingSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(responses={200: FindingSerializer, **READ_ERRORS}),
    create=extend_schema(
        request={"multipart/form-data": FindingCreateSerializer, "application/json": FindingCreateSerializer},
        responses={201: FindingSerializer, **WRITE_ERRORS},
    ),
)
class FindingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """督察 findings as the caller may see them (the bureau's for its leaders, office and force
    inspectors; those against one's own unit otherwise). A force inspector records one (`POST`, with a
    photo as multipart); its steps are `findings/{id}/report|send_back|close|contest|uphold|revoke/`."""

    serializer_class = FindingSerializer
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Finding.objects.none()
        qs = selectors.findings_visible_to(self.request.user)
        if self.action == "list":
            filters = FindingListFilter(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            if filters.validated_data.get("state"):
                qs = qs.filter(state=filters.validated_data["state"])
        return qs.order_by("-observed_at", "-pk")

    def create(self, request, *args, **kwargs):
        from django.contrib.auth import get_user_model
        from rest_framework.exceptions import ValidationError

        body = FindingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        unit = selectors.duty_units(request.user).filter(pk=d["unit"]).first()
        if unit is None:
            raise ValidationError({"unit": [_("责任单位不在本局")]})
        person = None
        if d.get("person"):
            person = get_user_model().objects.filter(pk=d["person"]).first()
            if person is None:
                raise ValidationError({"person": [_("责任人不存在")]})
        f = services.finding_record(
            actor=request.user,
            unit=unit,
            kind=d["kind"],
            discipline=d.get("discipline") or "",
            person=person,
            description=d["description"],
            place=d["place"],
            observed_at=d.get("observed_at"),
            lon=d.get("lon"),
            lat=d.get("lat"),
            photo=d.get("photo"),
        )
        f = selectors.findings_visible_to(request.user).filter(pk=f.pk).first() or f
        return Response(
            FindingSerializer(f, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _visible_finding(request, pk: int) -> Finding:
    return get_object_or_404(selectors.findings_visible_to(request.user), pk=pk)


FINDING_ACTION_VIEWS = action_views(
    FINDING_MACHINE,
    get_object=_visible_finding,
    respond=lambda request, f: Response(
        FindingSerializer(
            selectors.findings_visible_to(request.user).filter(pk=f.pk).first() or f,
            context={"request": request},
        ).data
    ),
    response_serializer=FindingSerializer,
    operation_prefix="duty_findings",
    tags=["duty"],
)


# -- The field app: my shifts, clock in and out, the track -------------------------------------------


class MyShiftSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "unit", "date", "day_kind", "name", "starts_at", "ends_at"]


class MyAssignmentSerializer(serializers.ModelSerializer):
    shift = MyShiftSerializer(read_only=True)
    post_label = serializers.CharField(source="get_post_display", read_only=True)
    clock_in_from = serializers.SerializerMethodField(help_text="签到开放时间（班次开始前 30 分钟）")
    on_duty = serializers.SerializerMethodField(help_text="现在是否在岗（签到且在班次内）")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "post",
            "post_label",
            "on_leave",
            "clock_in_at",
            "clock_out_at",
            "clock_in_received_at",
            "clock_out_received_at",
            "clock_in_from",
            "on_duty",
            "shift",
        ]

    def get_clock_in_from(self, a) -> dt.datetime:
        return a.shift.starts_at - services.CLOCK_IN_WINDOW

    def get_on_duty(self, a) -> bool:
        from chengguan.core import clock

        now = clock.now()
        return (
            not a.on_leave
            and a.clock_in_at is not None
            and a.clock_out_at is None
            and max(a.shift.starts_at, a.clock_in_at) <= now < a.shift.ends_at
        )


class ClockSerializer(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="设备上点按的时间（离线排队后发送时）；须在 24 小时之内且不晚于服务器时间，缺省为现在",
    )


IDEMPOTENCY_KEY = idempotency_header("设备生成的幂等键（最长 64 字符）：同一键重发返回第一次的结果，不再记录")


@extend_schema_view(
    list=extend_schema(responses={200: MyAssignmentSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: MyAssignmentSerializer, **READ_ERRORS}),
)
class MyAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own shifts (running, to come, and one still clocked in), for the field app's
    值班 tab; `clock-in/` and `clock-out/` apply the roster's attendance rule (from 30 minutes before
    the shift until its end), at the device's time of a tap queued offline when within bounds."""

    serializer_class = MyAssignmentSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        if self.action == "list":
            return selectors.field_assignments(self.request.user)[:20]
        return Assignment.objects.filter(staff=self.request.user).select_related("shift__unit")

    def _clock(self, request, direction: str):
        body = ClockSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        act = services.clock_in if direction == "in" else services.clock_out
        a = act(
            actor=request.user,
            assignment=self.get_object(),
            at=body.validated_data.get("at"),
            key=request.headers.get("Idempotency-Key", ""),
            device=getattr(request, "device_token", None),
        )
        return Response(MyAssignmentSerializer(a).data)

    @extend_schema(
        request=ClockSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: MyAssignmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="clock-in")
    def clock_in(self, request, pk=None):
        return self._clock(request, "in")

    @extend_schema(
        request=ClockSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: MyAssignmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="clock-out")
    def clock_out(self, request, pk=None):
        return self._clock(request, "out")


class TrackPatrolSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    point_count = serializers.IntegerField()
    distance_m = serializers.FloatField()


class TrackBatchSerializer(serializers.Serializer):
    key = serializers.CharField()
    accepted = serializers.IntegerField(help_text="points kept (recorded while on duty)")
    dropped = serializers.IntegerField(help_text="points recorded off duty, not kept")
    patrols = TrackPatrolSerializer(many=True)


class TrackUploadView(APIView):
    """The field app's patrol track: a batch of points recorded while on duty, with the batch's own
    key. Each point joins the patrol of the shift its owner was on duty in at its time (made on the
    first point, ended at clock-out); points recorded off duty are dropped and a batch with none on
    duty is refused (409 `duty.not_on_duty`). The same key again adds nothing. Audited per batch."""

    @extend_schema(
        request=UploadSerializer,
        responses={
            200: TrackBatchSerializer,
            409: error_response(409, "duty.not_on_duty", "这些轨迹点都不是在签到在岗期间记录的，未保存。"),
            **error_responses(400, 401, 403),
        },
    )
    def post(self, request):
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        batch = services.track_upload(
            actor=request.user,
            key=d["key"],
            points=d["points"],
            crs=d["crs"],
            device=getattr(request, "device_token", None),
        )
        return Response(TrackBatchSerializer(batch).data)

"""REST API of the outreach app under /api/v1/outreach/: activities (with registrations, check-in and
photos), volunteers (hours and certificates), live sessions (audience figures, comment highlights and
recordings uploaded in resumable parts) and media reports, with the lifecycle actions of the kernel's
machines. Rules live in the services."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.cases.models import Case
from chengguan.core.api import ScopedViewSet, error_responses, validated
from chengguan.core.errors import ValidationFailed
from chengguan.core.filters import MAX_ID
from chengguan.core.masking import mask_name, mask_phone
from chengguan.core.workflow.api import action_views
from chengguan.org import selectors as org_selectors
from chengguan.outreach import selectors, services
from chengguan.outreach.filters import ActivityFilter, BroadcastFilter, MediaFilter, VolunteerFilter
from chengguan.outreach.models import (
    Activity,
    ActivityKind,
    Broadcast,
    CommentHighlight,
    MediaReport,
    Platform,
    Recording,
    Registration,
    ServiceCertificate,
    ServiceHours,
    Tone,
    Volunteer,
)
from chengguan.outreach.states import ACTIVITY_MACHINE, BROADCAST_MACHINE

TAG = "outreach"
READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)
MULTIPART = (MultiPartParser, FormParser)
_ID = {"min_value": 1, "max_value": MAX_ID}


def _actions(machine, obj, context) -> list[str]:
    request = context.get("request")
    return machine.available_actions(obj, request.user) if request else []


def _bureau(request):
    return org_selectors.bureau_of(request.user)


# -- serializers ------------------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    registered = serializers.IntegerField(read_only=True, default=0)
    checked_in = serializers.IntegerField(read_only=True, default=0)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "plan",
            "place",
            "starts_at",
            "ends_at",
            "quota",
            "registration_closes_at",
            "state",
            "summary",
            "registered",
            "checked_in",
            "available_actions",
        ]

    def get_available_actions(self, obj) -> list[str]:
        return _actions(ACTIVITY_MACHINE, obj, self.context)


class ActivityCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    title = serializers.CharField(max_length=100)
    plan = serializers.CharField(max_length=8000)
    place = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    quota = serializers.IntegerField(min_value=1, max_value=10000)
    registration_closes_at = serializers.DateTimeField()


class RegistrationSerializer(serializers.ModelSerializer):
    """A registration as the organisers see it through the API: the name and phone masked."""

    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    minor = serializers.BooleanField(source="is_minor", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "activity",
            "name",
            "phone",
            "minor",
            "guardian_consent_at",
            "registered_at",
            "checked_in_at",
        ]

    def get_name(self, obj) -> str:
        return mask_name(obj.name)

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)


class CheckInSerializer(serializers.Serializer):
    registration = serializers.IntegerField(**_ID)


class PhotoInSerializer(serializers.Serializer):
    file = serializers.FileField()
    caption = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    publishable = serializers.BooleanField(default=False, help_text="活动举办后在门户公开")


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sha256 = serializers.CharField()
    caption = serializers.CharField()
    publishable = serializers.BooleanField()


class PhotoPublishSerializer(serializers.Serializer):
    photo = serializers.IntegerField(**_ID)
    publishable = serializers.BooleanField()


class VolunteerSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()
    total_hours = serializers.DecimalField(max_digits=9, decimal_places=1, read_only=True, default=0)
    activities_served = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Volunteer
        fields = ["id", "name", "phone", "skills", "registered_at", "total_hours", "activities_served"]

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)


class VolunteerCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20)
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HoursInSerializer(serializers.Serializer):
    activity = serializers.IntegerField(**_ID)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=24)


class HoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceHours
        fields = ["id", "volunteer", "activity", "hours", "recorded_at"]


class VolunteerCertificateSerializer(serializers.ModelSerializer):
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceCertificate
        fields = ["id", "volunteer", "number", "total_hours", "activities", "issued_at", "verify_url"]

    def get_verify_url(self, obj) -> str:
        from chengguan.outreach.certificate_pdf import verify_url

        return verify_url(obj)


class HighlightSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommentHighlight
        fields = ["id", "nickname", "text", "reply", "said_at"]


class RecordingSerializer(serializers.ModelSerializer):
    cases = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Recording
        fields = [
            "id",
            "broadcast",
            "original_name",
            "size",
            "received",
            "sha256",
            "state",
            "keep_until",
            "cases",
            "stored_at",
            "last_checked_at",
            "altered_at",
        ]


class BroadcastSerializer(serializers.ModelSerializer):
    officers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    operations = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Broadcast
        fields = [
            "id",
            "title",
            "platform",
            "stream_url",
            "starts_at",
            "ends_at",
            "place",
            "officers",
            "operations",
            "cases",
            "state",
            "peak_viewers",
            "cumulative_viewers",
            "summary",
            "available_actions",
        ]

    def get_operations(self, obj) -> list[int]:
        return [link.operation_id for link in obj.operation_links.all()]

    def get_cases(self, obj) -> list[int]:
        return [link.case_id for link in obj.case_links.all()]

    def get_available_actions(self, obj) -> list[str]:
        return _actions(BROADCAST_MACHINE, obj, self.context)


class BroadcastCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    platform = serializers.ChoiceField(choices=Platform.choices)
    stream_url = serializers.URLField(max_length=300, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=100)
    officers = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, default=list)
    operations = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, default=list)
    cases = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, default=list)


class ViewersInSerializer(serializers.Serializer):
    peak_viewers = serializers.IntegerField(min_value=0, max_value=2_000_000_000)
    cumulative_viewers = serializers.IntegerField(min_value=0, max_value=2_000_000_000)


class ViewersFileSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="the platform's CSV export: time, online viewers, cumulative viewers"
    )


class HighlightInSerializer(serializers.Serializer):
    nickname = serializers.CharField(max_length=50)
    text = serializers.CharField(max_length=500)
    reply = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    said_at = serializers.DateTimeField()


class RecordingInSerializer(serializers.Serializer):
    """Either `name` and `size` (a resumable upload follows) or `storage_name` (already stored)."""

    name = serializers.CharField(max_length=200, required=False)
    size = serializers.IntegerField(min_value=1, max_value=services.MAX_RECORDING, required=False)
    storage_name = serializers.CharField(max_length=300, required=False)
    keep_until = serializers.DateField(required=False)
    cases = serializers.ListField(child=serializers.IntegerField(**_ID), required=False)

    def validate(self, attrs):
        if not attrs.get("storage_name") and not (attrs.get("name") and attrs.get("size")):
            raise serializers.ValidationError({"name": ["请填写文件名和大小，或填写存储中的文件名。"]})
        return attrs


class ChunkInSerializer(serializers.Serializer):
    offset = serializers.IntegerField(min_value=0, max_value=services.MAX_RECORDING)
    chunk = serializers.FileField()


class MediaSerializer(serializers.ModelSerializer):
    deeds = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    activities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    broadcasts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = MediaReport
        fields = [
            "id",
            "outlet",
            "headline",
            "published_on",
            "link",
            "tone",
            "deeds",
            "activities",
            "broadcasts",
        ]


class MediaCreateSerializer(serializers.Serializer):
    outlet = serializers.CharField(max_length=60)
    headline = serializers.CharField(max_length=150)
    published_on = serializers.DateField()
    link = serializers.URLField(max_length=300, required=False, allow_blank=True, default="")
    tone = serializers.ChoiceField(choices=Tone.choices)
    deeds = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, default=list)
    activities = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, default=list)
    broadcasts = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, default=list)


# -- view sets --------------------------------------------------------------------------------------


def _crud(serializer, create_serializer):
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True), **error_responses(400, 401)}),
        retrieve=extend_schema(responses={200: serializer, **READ_ERRORS}),
        create=extend_schema(request=create_serializer, responses={201: serializer, **WRITE_ERRORS}),
    )


class _ViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def _created(self, obj) -> Response:
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


@_crud(ActivitySerializer, ActivityCreateSerializer)
@extend_schema(tags=[TAG])
class ActivityViewSet(_ViewSet):
    """Open activities (大手拉小手, 志愿者活动日, 网友体验日, 开放日) of the caller's bureau."""

    queryset = Activity.objects.none()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def visible(self, request):
        return selectors.activities_for(request.user).order_by("-starts_at", "pk")

    def create(self, request: Request) -> Response:
        d = validated(ActivityCreateSerializer, request.data)
        return self._created(services.activity_create(actor=request.user, bureau=_bureau(request), **d))

    @extend_schema(responses={200: RegistrationSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def registrations(self, request: Request, pk=None) -> Response:
        activity = self.get_object()
        return Response(RegistrationSerializer(activity.registrations.all(), many=True).data)

    @extend_schema(request=CheckInSerializer, responses={200: RegistrationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk=None) -> Response:
        activity = self.get_object()
        d = validated(CheckInSerializer, request.data)
        row = get_object_or_404(activity.registrations.all(), pk=d["registration"])
        row = services.registration_check_in(actor=request.user, registration=row)
        return Response(RegistrationSerializer(row).data)

    @extend_schema(
        request={"multipart/form-data": PhotoInSerializer}, responses={201: PhotoSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"], parser_classes=MULTIPART)
    def photos(self, request: Request, pk=None) -> Response:
        activity = self.get_object()
        d = validated(PhotoInSerializer, request.data)
        photo = services.activity_photo_add(
            actor=request.user,
            activity=activity,
            upload=d["file"],
            caption=d["caption"],
            publishable=d["publishable"],
        )
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PhotoPublishSerializer, responses={200: PhotoSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="photo-publish")
    def photo_publish(self, request: Request, pk=None) -> Response:
        """Put one of the activity's photos on the portal (once the activity was held), or take it off."""
        activity = self.get_object()
        d = validated(PhotoPublishSerializer, request.data)
        photo = get_object_or_404(activity.photos.all(), pk=d["photo"])
        photo = services.activity_photo_publish(actor=request.user, photo=photo, publishable=d["publishable"])
        return Response(PhotoSerializer(photo).data)


@_crud(VolunteerSerializer, VolunteerCreateSerializer)
@extend_schema(tags=[TAG])
class VolunteerViewSet(_ViewSet):
    """The bureau's volunteers, their skills and service hours."""

    queryset = Volunteer.objects.none()
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilter

    def visible(self, request):
        return selectors.volunteers_for(request.user).order_by("name", "pk")

    def create(self, request: Request) -> Response:
        d = validated(VolunteerCreateSerializer, request.data)
        return self._created(services.volunteer_register(actor=request.user, bureau=_bureau(request), **d))

    @extend_schema(request=HoursInSerializer, responses={201: HoursSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def hours(self, request: Request, pk=None) -> Response:
        volunteer = self.get_object()
        d = validated(HoursInSerializer, request.data)
        activity = get_object_or_404(selectors.activities_for(request.user), pk=d["activity"])
        row = services.service_hours_record(
            actor=request.user, volunteer=volunteer, activity=activity, hours=d["hours"]
        )
        return Response(HoursSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: VolunteerCertificateSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def certificates(self, request: Request, pk=None) -> Response:
        cert = services.certificate_issue(actor=request.user, volunteer=self.get_object())
        return Response(VolunteerCertificateSerializer(cert).data, status=status.HTTP_201_CREATED)


def _rows_of(model, request, ids: list[int], bureau_field: str) -> list:
    """The rows of the caller's bureau with these ids; an id outside it is refused, not skipped."""
    rows = list(model.objects.filter(pk__in=ids, **{bureau_field: _bureau(request)}))
    if len(rows) != len(set(ids)):
        message = _("编号不存在或不属于本局。")
        raise ValidationFailed(
            _("提交的数据有误，请检查标出的字段。"), code="validation_failed", fields={"ids": [message]}
        )
    return rows


@_crud(BroadcastSerializer, BroadcastCreateSerializer)
@extend_schema(tags=[TAG])
class BroadcastViewSet(_ViewSet):
    """直播执法 sessions of the caller's bureau."""

    queryset = Broadcast.objects.none()
    serializer_class = BroadcastSerializer
    filterset_class = BroadcastFilter

    def visible(self, request):
        return (
            selectors.broadcasts_for(request.user)
            .prefetch_related("operation_links", "case_links")
            .order_by("-starts_at", "pk")
        )

    def create(self, request: Request) -> Response:
        d = validated(BroadcastCreateSerializer, request.data)
        bureau = _bureau(request)
        Operation = apps.get_model("campaigns", "Operation")
        b = services.broadcast_schedule(
            actor=request.user,
            bureau=bureau,
            title=d["title"],
            platform=d["platform"],
            stream_url=d["stream_url"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            place=d["place"],
            officers=_rows_of(get_user_model(), request, d["officers"], "profile__organisation__bureau"),
            operations=_rows_of(Operation, request, d["operations"], "campaign__bureau"),
            cases=_rows_of(Case, request, d["cases"], "bureau"),
        )
        return self._created(b)

    @extend_schema(request=ViewersInSerializer, responses={200: BroadcastSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def viewers(self, request: Request, pk=None) -> Response:
        broadcast = self.get_object()  # 404 outside the caller's bureau, before the body is read
        d = validated(ViewersInSerializer, request.data)
        b = services.broadcast_viewers_record(
            actor=request.user,
            broadcast=broadcast,
            peak=d["peak_viewers"],
            cumulative=d["cumulative_viewers"],
        )
        return Response(self.get_serializer(b).data)

    @extend_schema(
        request={"multipart/form-data": ViewersFileSerializer},
        responses={200: BroadcastSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="viewers-import", parser_classes=MULTIPART)
    def viewers_import(self, request: Request, pk=None) -> Response:
        broadcast = self.get_object()  # 404 outside the caller's bureau, before the body is read
        d = validated(ViewersFileSerializer, request.data)
        b = services.broadcast_viewers_import(actor=request.user, broadcast=broadcast, upload=d["file"])
        return Response(self.get_serializer(b).data)

    @extend_schema(request=HighlightInSerializer, responses={201: HighlightSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def highlights(self, request: Request, pk=None) -> Response:
        broadcast = self.get_object()
        d = validated(HighlightInSerializer, request.data)
        row = services.highlight_add(actor=request.user, broadcast=broadcast, **d)
        return Response(HighlightSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RecordingInSerializer, responses={201: RecordingSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def recordings(self, request: Request, pk=None) -> Response:
        b = self.get_object()
        d = validated(RecordingInSerializer, request.data)
        cases = _rows_of(Case, request, d["cases"], "bureau") if "cases" in d else None
        if d.get("storage_name"):
            rec = services.recording_register(
                actor=request.user,
                broadcast=b,
                storage_name=d["storage_name"],
                keep_until=d.get("keep_until"),
                cases=cases,
            )
        else:
            rec = services.recording_start(
                actor=request.user,
                broadcast=b,
                name=d["name"],
                size=d["size"],
                keep_until=d.get("keep_until"),
                cases=cases,
            )
        return Response(RecordingSerializer(rec).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: RecordingSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: RecordingSerializer, **READ_ERRORS}),
)
@extend_schema(tags=[TAG])
class RecordingViewSet(_ViewSet):
    """Recordings of live sessions: `received` says where a broken upload carries on."""

    queryset = Recording.objects.none()
    serializer_class = RecordingSerializer

    def visible(self, request):
        return selectors.recordings_for(request.user).prefetch_related("cases").order_by("-pk")

    @extend_schema(
        request={"multipart/form-data": ChunkInSerializer},
        responses={200: RecordingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=MULTIPART)
    def chunks(self, request: Request, pk=None) -> Response:
        rec = self.get_object()
        d = validated(ChunkInSerializer, request.data)
        rec = services.recording_append(
            actor=request.user, recording=rec, offset=d["offset"], chunk=d["chunk"]
        )
        return Response(RecordingSerializer(rec).data)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the recording"
            ),
            **WRITE_ERRORS,
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk=None):
        rec = self.get_object()
        handle = services.recording_open_checked(actor=request.user, recording=rec)
        response = FileResponse(
            handle, as_attachment=True, filename=rec.original_name, content_type="application/octet-stream"
        )
        response["X-Content-SHA256"] = rec.sha256
        return response


@_crud(MediaSerializer, MediaCreateSerializer)
@extend_schema(tags=[TAG])
class MediaViewSet(_ViewSet):
    """Media reports about the bureau (`?year=` gives the year's list for the annual report)."""

    queryset = MediaReport.objects.none()
    serializer_class = MediaSerializer
    filterset_class = MediaFilter

    def visible(self, request):
        return selectors.media_for(request.user).order_by("-published_on", "pk")

    def create(self, request: Request) -> Response:
        from chengguan.people.models import Deed

        d = validated(MediaCreateSerializer, request.data)
        report = services.media_report_record(
            actor=request.user,
            bureau=_bureau(request),
            outlet=d["outlet"],
            headline=d["headline"],
            published_on=d["published_on"],
            link=d["link"],
            tone=d["tone"],
            deeds=_rows_of(Deed, request, d["deeds"], "bureau"),
            activities=_rows_of(Activity, request, d["activities"], "bureau"),
            broadcasts=_rows_of(Broadcast, request, d["broadcasts"], "bureau"),
        )
        return self._created(report)


def _scoped(rows):
    return lambda request, pk: get_object_or_404(rows(request.user), pk=pk)


def _responder(serializer):
    return lambda request, obj: Response(serializer(obj, context={"request": request}).data)


ACTIVITY_ACTION_VIEWS = action_views(
    ACTIVITY_MACHINE,
    get_object=_scoped(selectors.activities_for),
    respond=_responder(ActivitySerializer),
    response_serializer=ActivitySerializer,
    operation_prefix="outreach_activities",
    tags=[TAG],
)
BROADCAST_ACTION_VIEWS = action_views(
    BROADCAST_MACHINE,
    get_object=_scoped(selectors.broadcasts_for),
    respond=_responder(BroadcastSerializer),
    response_serializer=BroadcastSerializer,
    operation_prefix="outreach_broadcasts",
    tags=[TAG],
)

"""REST API of the people app under /api/v1/people/: training sessions and sign-ins, enforcement
certificates, honours programmes and nominations, exemplary deeds, with the lifecycle actions of the
kernel's machines. Rules live in the services."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from chengguan.core.api import ScopedViewSet, error_responses
from chengguan.core.workflow.api import action_views
from chengguan.people import selectors, services
from chengguan.people.models import (
    Attendance,
    Certificate,
    Deed,
    HonourProgramme,
    Nomination,
    TrainingSession,
)
from chengguan.people.permissions import can_read_people
from chengguan.people.states import CERTIFICATE_MACHINE, DEED_MACHINE, NOMINATION_MACHINE, TRAINING_MACHINE

READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


def _actions(machine, obj, context) -> list[str]:
    request = context.get("request")
    return machine.available_actions(obj, request.user) if request else []


class TrainingSerializer(serializers.ModelSerializer):
    signed = serializers.IntegerField(read_only=True, help_text="officers signed in")
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "kind",
            "topic",
            "title",
            "lecturer",
            "lecturer_org",
            "place",
            "starts_at",
            "hours",
            "state",
            "signed",
            "available_actions",
        ]

    def get_available_actions(self, obj) -> list[str]:
        return _actions(TRAINING_MACHINE, obj, self.context)


class AttendanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="staff.profile.full_name", read_only=True, default="")

    class Meta:
        model = Attendance
        fields = ["id", "session", "staff", "name", "signed_at", "method", "hours", "score"]


class SignInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64, help_text="the code in the session's QR link")


class CertificateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="holder.profile.full_name", read_only=True, default="")
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "holder",
            "name",
            "number",
            "issuing_authority",
            "territorial_scope",
            "subject_scope",
            "valid_from",
            "valid_to",
            "state",
            "ended_on",
            "suspension_reason",
            "renewed_from",
            "available_actions",
        ]

    def get_available_actions(self, obj) -> list[str]:
        return _actions(CERTIFICATE_MACHINE, obj, self.context)


class ProgrammeSerializer(serializers.ModelSerializer):
    nominated = serializers.IntegerField(read_only=True)

    class Meta:
        model = HonourProgramme
        fields = ["id", "name", "level", "period_start", "period_end", "criteria", "quota", "nominated"]


class ProgrammeWriteSerializer(serializers.Serializer):
    """PATCH: a programme's terms, while none of its nominations is decided (409 otherwise)."""

    name = serializers.CharField(max_length=100, required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    criteria = serializers.CharField(allow_blank=True, required=False)
    quota = serializers.IntegerField(min_value=1, max_value=1000, required=False)


class RecordFindingSerializer(serializers.Serializer):
    on = serializers.DateField()
    kind = serializers.CharField(help_text="duty finding kind: not_on_post, discipline, street")
    kind_label = serializers.CharField()
    discipline = serializers.CharField(allow_blank=True)
    unit = serializers.CharField()
    description = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()


class RecordIndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True)


class RecordScoresSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["staff", "unit"])
    first = serializers.DateField()
    last = serializers.DateField()
    rule_version = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text="None: nothing of the period reaches them")
    rank = serializers.IntegerField(allow_null=True)
    of = serializers.IntegerField(help_text="rows ranked at this level")
    deducted = serializers.FloatField()
    indicators = RecordIndicatorSerializer(many=True)


class RecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "unit"])
    name = serializers.CharField()
    certificate = serializers.CharField(required=False)
    members = serializers.IntegerField(required=False)
    training_hours = serializers.DictField(child=serializers.CharField(), help_text="year → hours")
    cases_handled = serializers.IntegerField()
    deeds = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    findings = RecordFindingSerializer(
        many=True, required=False, help_text="督察 findings against the nominee in the period (not revoked)"
    )
    scores = RecordScoresSerializer(required=False, help_text="the evaluation over the period, as frozen")


class NominationSerializer(serializers.ModelSerializer):
    record = RecordSerializer(read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Nomination
        fields = [
            "id",
            "programme",
            "nominee",
            "nominee_unit",
            "nominating_unit",
            "reason",
            "record",
            "state",
            "decision_note",
            "published_on",
            "available_actions",
        ]

    def get_available_actions(self, obj) -> list[str]:
        return _actions(NOMINATION_MACHINE, obj, self.context)


class MediaReportSerializer(serializers.Serializer):
    outlet = serializers.CharField()
    date = serializers.DateField()
    link = serializers.CharField(allow_blank=True)


class DeedWriteSerializer(serializers.Serializer):
    """PATCH: a deed's account; an approved or published deed goes back for approval."""

    title = serializers.CharField(max_length=100, required=False)
    what = serializers.CharField(required=False)
    happened_on = serializers.DateField(required=False)
    place = serializers.CharField(max_length=100, required=False)
    people = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=get_user_model().objects.all(), help_text="user ids"
    )
    witnesses = serializers.CharField(max_length=200, allow_blank=True, required=False)
    media_reports = MediaReportSerializer(many=True, required=False)


class DeedSerializer(serializers.ModelSerializer):
    media_reports = MediaReportSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Deed
        fields = [
            "id",
            "title",
            "what",
            "happened_on",
            "place",
            "people",
            "witnesses",
            "media_reports",
            "consent",
            "state",
            "published_on",
            "available_actions",
        ]

    def get_available_actions(self, obj) -> list[str]:
        return _actions(DEED_MACHINE, obj, self.context)


class _ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The rows of the caller's bureau; the force's records (certificates, honours, deeds) need
    `people.read`, training and one's own sign-ins are every officer's."""

    restricted = True

    def visible(self, request):
        qs = self.rows(request)
        if self.restricted and not can_read_people(request.user):
            return qs.none()
        return qs


def _read(serializer):
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True), **error_responses(401)}),
        retrieve=extend_schema(responses={200: serializer, **READ_ERRORS}),
    )


@_read(TrainingSerializer)
class TrainingViewSet(_ReadViewSet):
    """Training sessions of the bureau (the monthly plan); an officer signs in with the QR code's token."""

    queryset = TrainingSession.objects.none()
    serializer_class = TrainingSerializer
    restricted = False

    def rows(self, request):
        return selectors.trainings_for(request.user).order_by("-starts_at")

    @extend_schema(request=SignInSerializer, responses={201: AttendanceSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request, pk=None):
        session = self.get_object()  # 404 outside the caller's bureau, before the body is read
        body = SignInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.training_sign_in(
            actor=request.user, session=session, token=body.validated_data["token"]
        )
        return Response(AttendanceSerializer(row).data, status=201)


@_read(AttendanceSerializer)
class AttendanceViewSet(_ReadViewSet):
    """Sign-ins: all of the bureau's for those who read the force's records, one's own otherwise."""

    queryset = Attendance.objects.none()
    serializer_class = AttendanceSerializer
    restricted = False

    def rows(self, request):
        qs = selectors.attendances_for(request.user).order_by("-signed_at")
        return qs if can_read_people(request.user) else qs.filter(staff=request.user)


@_read(CertificateSerializer)
class CertificateViewSet(_ReadViewSet):
    """The registry of enforcement certificates (行政执法证)."""

    queryset = Certificate.objects.none()
    serializer_class = CertificateSerializer

    def rows(self, request):
        return selectors.certificates_for(request.user).order_by("holder_id", "-valid_from")


@_read(ProgrammeSerializer)
class ProgrammeViewSet(_ReadViewSet):
    """Honours programmes (评先评优) with their period, criteria and quota."""

    queryset = HonourProgramme.objects.none()
    serializer_class = ProgrammeSerializer

    def rows(self, request):
        return selectors.programmes_for(request.user)

    @extend_schema(request=ProgrammeWriteSerializer, responses={200: ProgrammeSerializer, **WRITE_ERRORS})
    def partial_update(self, request, pk=None):
        programme = self.get_object()
        body = ProgrammeWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.programme_update(actor=request.user, programme=programme, **body.validated_data)
        return Response(ProgrammeSerializer(self.get_object()).data)


@_read(NominationSerializer)
class NominationViewSet(_ReadViewSet):
    """Nominations, each with the nominee's record gathered when it was made."""

    queryset = Nomination.objects.none()
    serializer_class = NominationSerializer

    def rows(self, request):
        return selectors.nominations_for(request.user).order_by("-id")


@_read(DeedSerializer)
class DeedViewSet(_ReadViewSet):
    """Exemplary deeds (先进事迹) and their approval and publication."""

    queryset = Deed.objects.none()
    serializer_class = DeedSerializer

    def rows(self, request):
        return selectors.deeds_for(request.user)

    @extend_schema(request=DeedWriteSerializer, responses={200: DeedSerializer, **WRITE_ERRORS})
    def partial_update(self, request, pk=None):
        deed = self.get_object()
        body = DeedWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "media_reports" in data:
            data["media_reports"] = [{**r, "date": r["date"].isoformat()} for r in data["media_reports"]]
        services.deed_update(actor=request.user, deed=deed, **data)
        return Response(DeedSerializer(self.get_object(), context={"request": request}).data)


def _scoped(rows):
    def get(request, pk: int):
        qs = rows(request.user)
        if not can_read_people(request.user) and qs.model is not TrainingSession:
            qs = qs.none()
        return get_object_or_404(qs, pk=pk)

    return get


def _responder(serializer):
    return lambda request, obj: Response(serializer(obj, context={"request": request}).data)


CERTIFICATE_ACTION_VIEWS = action_views(
    CERTIFICATE_MACHINE,
    get_object=_scoped(selectors.certificates_for),
    respond=_responder(CertificateSerializer),
    response_serializer=CertificateSerializer,
    operation_prefix="people_certificates",
    tags=["people"],
)
TRAINING_ACTION_VIEWS = action_views(
    TRAINING_MACHINE,
    get_object=_scoped(selectors.trainings_for),
    respond=_responder(TrainingSerializer),
    response_serializer=TrainingSerializer,
    operation_prefix="people_trainings",
    tags=["people"],
)
NOMINATION_ACTION_VIEWS = action_views(
    NOMINATION_MACHINE,
    get_object=_scoped(selectors.nominations_for),
    respond=_responder(NominationSerializer),
    response_serializer=NominationSerializer,
    operation_prefix="people_nominations",
    tags=["people"],
)
DEED_ACTION_VIEWS = action_views(
    DEED_MACHINE,
    get_object=_scoped(selectors.deeds_for),
    respond=_responder(DeedSerializer),
    response_serializer=DeedSerializer,
    operation_prefix="people_deeds",
    tags=["people"],
)

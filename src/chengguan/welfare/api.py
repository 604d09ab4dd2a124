"""REST API of the welfare app under /api/v1/welfare/: the vendor register (masked; the hardship
fields only for those who may see them), the vending spots, the pitch draws (allocations) with
their applications and the machine's actions, and the help records. Rules live in the services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.core.api import ScopedViewSet, error_responses, validated
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.core.filters import MAX_ID
from chengguan.core.workflow.api import action_views
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation
from chengguan.welfare import selectors, services
from chengguan.welfare.errors import HelpError, SpotError, VendorError
from chengguan.welfare.filters import DrawFilter, HelpFilter, SpotFilter, VendorFilter
from chengguan.welfare.models import (
    Application,
    Draw,
    Hardship,
    HelpKind,
    HelpRecord,
    ReferralTo,
    Spot,
    SpotKind,
    Vendor,
)
from chengguan.welfare.permissions import can_see_hardship
from chengguan.welfare.states import DRAW_MACHINE

TAG = "welfare"
READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


class VendorSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="masked_id", read_only=True, help_text="脱敏显示")
    phone = serializers.CharField(source="masked_phone", read_only=True, help_text="脱敏显示")
    grid = serializers.CharField(source="grid.code", read_only=True, default=None, allow_null=True)
    hardship = serializers.SerializerMethodField(help_text="困难类别：仅帮扶工作人员可见，其他人为 null")
    hardship_evidence = serializers.SerializerMethodField(help_text="同上")

    class Meta:
        model = Vendor
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "goods",
            "usual_place",
            "lon",
            "lat",
            "grid",
            "consent_at",
            "hardship",
            "hardship_evidence",
            "sensitive_consent_at",
            "status",
            "created_at",
        ]

    def _sees(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and can_see_hardship(request.user, obj)

    @extend_schema_field(serializers.ChoiceField(choices=Hardship.choices, allow_null=True, allow_blank=True))
    def get_hardship(self, obj) -> str | None:
        return obj.hardship if self._sees(obj) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hardship_evidence(self, obj) -> str | None:
        return obj.hardship_evidence if self._sees(obj) else None


class VendorCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    goods = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    usual_place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lon = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-90, max_value=90)
    crs = serializers.ChoiceField(choices=["wgs84", "gcj02", "bd09"], default="wgs84")
    consent = serializers.BooleanField(help_text="本人同意登记（个人信息保护法 第十三条）")
    hardship = serializers.ChoiceField(choices=Hardship.choices, required=False, allow_blank=True, default="")
    hardship_evidence = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    sensitive_consent = serializers.BooleanField(default=False, help_text="敏感信息单独同意（第二十九条）")


class WithdrawSerializer(serializers.Serializer):
    sensitive_only = serializers.BooleanField(default=False, help_text="只撤回困难情况等敏感信息的同意")


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="查看完整号码的事由（记入审计日志）")


class RevealedSerializer(serializers.Serializer):
    id_number = serializers.CharField(help_text="完整身份证号码")
    phone = serializers.CharField(help_text="完整联系电话")
    reason = serializers.CharField()


class SpotSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)
    managing_unit_name = serializers.CharField(source="managing_unit.name", read_only=True)

    class Meta:
        model = Spot
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "address",
            "lon",
            "lat",
            "grid",
            "pitches",
            "capacity",
            "opening_hours",
            "rules",
            "managing_unit",
            "managing_unit_name",
        ]


class SpotCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=SpotKind.choices)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    crs = serializers.ChoiceField(choices=["wgs84", "gcj02", "bd09"], default="wgs84")
    pitches = serializers.IntegerField(min_value=1, max_value=500)
    capacity = serializers.IntegerField(min_value=1, max_value=5000)
    opening_hours = serializers.CharField(max_length=100)
    rules = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    managing_unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="本局单位 id")


class ApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = ["id", "number", "vendor", "priority", "applied_at", "rank", "rank_hash", "outcome", "pitch"]


class DrawSerializer(serializers.ModelSerializer):
    seed = serializers.CharField(source="published_seed", read_only=True, help_text="摇号后公开；之前为空")
    applications = ApplicationSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Draw
        fields = [
            "id",
            "spot",
            "term",
            "term_start",
            "term_end",
            "applications_close_at",
            "state",
            "seed_hash",
            "seed",
            "announced_at",
            "drawn_at",
            "applications",
            "available_actions",
        ]

    def get_available_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return DRAW_MACHINE.available_actions(obj, request.user) if request else []


class DrawCreateSerializer(serializers.Serializer):
    spot = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    term = serializers.CharField(max_length=50)
    term_start = serializers.DateField()
    term_end = serializers.DateField()
    applications_close_at = serializers.DateTimeField()


class ApplySerializer(serializers.Serializer):
    vendor = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class HelpSerializer(serializers.ModelSerializer):
    class Meta:
        model = HelpRecord
        fields = [
            "id",
            "vendor",
            "kind",
            "on",
            "what",
            "quantity",
            "given_by",
            "referral_to",
            "follow_up_of",
            "outcome",
            "recorded_at",
        ]


class HelpCreateSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=HelpKind.choices)
    on = serializers.DateField()
    what = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    quantity = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    given_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    referral_to = serializers.ChoiceField(
        choices=ReferralTo.choices, required=False, allow_blank=True, default=""
    )
    follow_up_of = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )
    outcome = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _own_bureau(user) -> Organisation:
    bureau = org_selectors.bureau_of(user)
    if bureau is None:
        raise ValidationFailed("您不属于任何执法局。", code=VendorError.INVALID)
    return bureau


def _views(serializer, create=None, created=None):
    kwargs = dict(
        list=extend_schema(responses={200: serializer(many=True), **error_responses(400, 401)}),
        retrieve=extend_schema(responses={200: serializer, **READ_ERRORS}),
    )
    if create is not None:
        kwargs["create"] = extend_schema(
            request=create, responses={201: created or serializer, **WRITE_ERRORS}
        )
    return extend_schema_view(**kwargs)


@_views(VendorSerializer, VendorCreateSerializer)
@extend_schema(tags=[TAG])
class VendorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The register of street vendors (摊贩): ID number and phone masked."""

    serializer_class = VendorSerializer
    queryset = Vendor.objects.none()
    filterset_class = VendorFilter
    parser_classes = (JSONParser,)

    def visible(self, request):
        return selectors.vendors_for(request.user).order_by("-created_at", "-id")

    def create(self, request: Request) -> Response:
        d = validated(VendorCreateSerializer, request.data)
        vendor = services.vendor_register(actor=request.user, bureau=_own_bureau(request.user), **d)
        return Response(
            VendorSerializer(vendor, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=WithdrawSerializer, responses={200: VendorSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="withdraw-consent")
    def withdraw_consent(self, request, pk=None):
        vendor = self.get_object()
        d = validated(WithdrawSerializer, request.data)
        vendor = services.vendor_withdraw_consent(actor=request.user, vendor=vendor, **d)
        return Response(VendorSerializer(vendor, context={"request": request}).data)

    @extend_schema(request=RevealSerializer, responses={200: RevealedSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="reveal-identity")
    def reveal_identity(self, request, pk=None):
        """The full ID number and phone, for a stated reason; each reveal is audited (masked)."""
        vendor = self.get_object()
        d = validated(RevealSerializer, request.data)
        revealed = services.vendor_reveal_identity(actor=request.user, vendor=vendor, reason=d["reason"])
        response = Response(RevealedSerializer(revealed).data)
        response["Cache-Control"] = "no-store"
        return response


@_views(SpotSerializer, SpotCreateSerializer)
@extend_schema(tags=[TAG])
class SpotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Designated vending spots (便民疏导点 / 摊点群 / 临时摊点)."""

    serializer_class = SpotSerializer
    queryset = Spot.objects.none()
    filterset_class = SpotFilter
    parser_classes = (JSONParser,)

    def visible(self, request):
        return selectors.spots_for(request.user)

    def create(self, request: Request) -> Response:
        bureau = _own_bureau(request.user)
        d = validated(SpotCreateSerializer, request.data)
        unit = Organisation.objects.filter(pk=d.pop("managing_unit"), path__startswith=bureau.path).first()
        if unit is None:
            raise ValidationFailed(
                "请选择本局的单位。", code=SpotError.INVALID, fields={"managing_unit": ["请选择本局的单位。"]}
            )
        spot = services.spot_create(actor=request.user, bureau=bureau, managing_unit=unit, **d)
        return Response(SpotSerializer(spot).data, status=status.HTTP_201_CREATED)


@_views(DrawSerializer, DrawCreateSerializer)
@extend_schema(tags=[TAG])
class AllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Pitch draws (摊位摇号) per spot and term, with their applications; the seed is shown once drawn."""

    serializer_class = DrawSerializer
    queryset = Draw.objects.none()
    filterset_class = DrawFilter
    parser_classes = (JSONParser,)

    def visible(self, request):
        return selectors.draws_for(request.user).prefetch_related("applications")

    def create(self, request: Request) -> Response:
        d = validated(DrawCreateSerializer, request.data)
        spot = selectors.spots_for(request.user).filter(pk=d.pop("spot")).first()
        if spot is None:
            raise NotFound(str(SpotError.NOT_FOUND.label), code=SpotError.NOT_FOUND)
        draw = services.draw_announce(actor=request.user, spot=spot, **d)
        return Response(
            DrawSerializer(draw, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ApplySerializer, responses={201: ApplicationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        draw = self.get_object()
        d = validated(ApplySerializer, request.data)
        vendor = selectors.vendors_for(request.user).filter(pk=d["vendor"]).first()
        if vendor is None:
            raise NotFound(str(VendorError.NOT_FOUND.label), code=VendorError.NOT_FOUND)
        application = services.draw_apply(actor=request.user, draw=draw, vendor=vendor)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


@_views(HelpSerializer, HelpCreateSerializer)
@extend_schema(tags=[TAG])
class HelpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Help records (帮扶): goods given, referrals, follow-ups."""

    serializer_class = HelpSerializer
    queryset = HelpRecord.objects.none()
    filterset_class = HelpFilter
    parser_classes = (JSONParser,)

    def visible(self, request):
        return selectors.help_for(request.user).order_by("-on", "-id")

    def create(self, request: Request) -> Response:
        d = validated(HelpCreateSerializer, request.data)
        vendor = selectors.vendors_for(request.user).filter(pk=d.pop("vendor")).first()
        if vendor is None:
            raise NotFound(str(VendorError.NOT_FOUND.label), code=VendorError.NOT_FOUND)
        follow = d.pop("follow_up_of")
        follow_up_of = HelpRecord.objects.filter(vendor=vendor, pk=follow).first() if follow else None
        if follow and follow_up_of is None:
            raise ValidationFailed(
                "只能回访本人的帮扶记录。",
                code=HelpError.INVALID,
                fields={"follow_up_of": ["只能回访本人的帮扶记录。"]},
            )
        record = services.help_record(actor=request.user, vendor=vendor, follow_up_of=follow_up_of, **d)
        return Response(HelpSerializer(record).data, status=status.HTTP_201_CREATED)


def _draw_in_scope(request, pk: int):
    return get_object_or_404(selectors.draws_for(request.user), pk=pk)


DRAW_ACTION_VIEWS = action_views(
    DRAW_MACHINE,
    get_object=_draw_in_scope,
    respond=lambda request, obj: Response(
        DrawSerializer(selectors.draw_for(request.user, obj.pk), context={"request": request}).data
    ),
    response_serializer=DrawSerializer,
    operation_prefix="welfare_allocations",
    tags=[TAG],
)

"""REST API of the org app: API tokens, the caller's profile, organisations and staff.

Reads go through `org.selectors`, so the API shows exactly what the actor's scope allows.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core import audit
from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.core.masking import mask_phone
from chengguan.org import devices, selectors
from chengguan.org.auth import authenticate_or_raise
from chengguan.org.errors import AuthError
from chengguan.org.filters import OrganisationFilter, StaffFilter
from chengguan.org.models import Organisation, PartnerType, StaffProfile
from chengguan.org.permissions import can_see_staff_phones, uses_field_app
from chengguan.org.roles import RoleCode

# ---------------------------------------------------------------------------------------------
# Serializers


class RoleSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=RoleCode.choices)
    name = serializers.CharField(help_text="角色中文名")


def _roles(codes) -> list[dict]:
    return [{"code": code, "name": str(RoleCode(code).label)} for code in sorted(codes)]


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class OrganisationSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display", read_only=True, help_text="单位类型中文名")
    # Blank for every organisation that is not a partner department: the schema's enum says so.
    partner_type = serializers.ChoiceField(
        choices=PartnerType.choices,
        allow_blank=True,
        read_only=True,
        help_text="协作单位类别（非协作单位为空）",
    )
    partner_type_name = serializers.CharField(
        source="get_partner_type_display", read_only=True, help_text="协作单位类别中文名（非协作单位为空）"
    )
    depth = serializers.IntegerField(read_only=True, help_text="在组织树中的层级，局为 1")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "kind_name",
            "partner_type",
            "partner_type_name",
            "name",
            "short_name",
            "code",
            "parent",
            "bureau",
            "path",
            "depth",
            "address",
            "is_active",
        ]
        read_only_fields = fields


class StaffSerializer(serializers.ModelSerializer):
    """A member of staff. `phone` is masked unless the serializer context says `reveal_phone`."""

    username = serializers.CharField(source="user.username", read_only=True)
    organisation = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField(help_text="手机号；仅管理员可见完整号码（每次查看记入审计）")
    phone_masked = serializers.SerializerMethodField(help_text="phone 是否为脱敏后的号码")

    class Meta:
        model = StaffProfile
        fields = [
            "id",
            "username",
            "full_name",
            "title",
            "organisation",
            "roles",
            "phone",
            "phone_masked",
            "party_member",
        ]
        read_only_fields = fields

    @extend_schema_field(OrganisationRefSerializer)
    def get_organisation(self, obj: StaffProfile) -> dict:
        org = obj.organisation
        return {"id": org.pk, "kind": org.kind, "code": org.code, "name": org.name}

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, obj: StaffProfile) -> list[dict]:
        return _roles(role.code for role in obj.roles.all())

    def get_phone(self, obj: StaffProfile) -> str:
        return obj.phone if self.context.get("reveal_phone") else mask_phone(obj.phone)

    def get_phone_masked(self, obj: StaffProfile) -> bool:
        return not self.context.get("reveal_phone")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text="身份验证器的六位验证码（管理员等须双因素认证的账号）",
    )


class DeviceSignInSerializer(TokenRequestSerializer):
    name = serializers.CharField(
        max_length=devices.MAX_NAME, help_text="设备名称（如“张巡查的手机”），管理员据此注销丢失的设备"
    )


class DeviceTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    token = serializers.CharField(help_text="只返回这一次；放入请求头 `Authorization: Device <token>`")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="放入请求头 `Authorization: Token <token>`")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    title = serializers.CharField()
    phone = serializers.CharField(help_text="本人手机号（完整）")
    party_member = serializers.BooleanField()
    is_superuser = serializers.BooleanField()
    roles = RoleSerializer(many=True)
    organisation = OrganisationRefSerializer(allow_null=True)
    bureau = OrganisationRefSerializer(allow_null=True)


# ---------------------------------------------------------------------------------------------
# Helpers


def _record_phone_views(*, actor, profiles) -> None:
    """Each full view of a phone number is audited, one event per person shown."""
    shown = [p for p in profiles if p.phone]
    if not shown:
        return
    with transaction.atomic():
        for profile in shown:
            audit.record(actor=actor, action="staff.phone_viewed", obj=profile, after={"field": "phone"})


def _org_ref(org: Organisation | None) -> dict | None:
    if org is None:
        return None
    return {"id": org.pk, "kind": org.kind, "code": org.code, "name": org.name}


# ---------------------------------------------------------------------------------------------
# Views


class AuthTokenView(APIView):
    """Exchange a username and password for an API token, or revoke the caller's token."""

    authentication_classes = API_AUTHENTICATION

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="获取 API 令牌",
        description=(
            "用户名和密码换取令牌（已有则返回同一令牌）。连续登录失败会锁定账号，锁定期间返回 403 "
            "`auth.account_locked`。"
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: error_response(400, "auth.invalid_credentials", "用户名或密码错误。"),
            403: error_response(
                403, AuthError.ACCOUNT_LOCKED, "账号已锁定：登录失败次数过多，请于 10:15 后再试。"
            ),
            429: error_response(429, "auth.too_many_attempts", "登录失败次数过多，请于 10:15 后再试。"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Through django.contrib.auth, so the lockout backend counts failures and refuses a locked
        # account (AccountLocked, 403) whichever password is tried.
        user = authenticate_or_raise(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            otp_token=data.validated_data.get("otp", ""),
        )
        with transaction.atomic():
            token, created = Token.objects.get_or_create(user=user)
            if created:
                audit.record(actor=user, action="auth.token_issued", obj=user)
        return Response({"token": token.key})

    @extend_schema(
        operation_id="auth_token_revoke",
        summary="注销 API 令牌",
        description="删除调用者的令牌；之后使用该令牌的请求返回 401。",
        request=None,
        responses={204: OpenApiResponse(description="已注销"), **error_responses(401)},
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        with transaction.atomic():
            deleted, _ = Token.objects.filter(user=request.user).delete()
            if deleted:
                audit.record(actor=request.user, action="auth.token_revoked", obj=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceSignInView(APIView):
    """The field app signs in: the user's login and password (and second factor) give the phone a
    token of its own, which signing out or an administrator revokes."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_devices_sign_in",
        summary="移动设备登录（外勤应用）",
        description=(
            "用户名、密码（须双因素认证的账号另加 otp）换取本设备的令牌，受与网页登录相同的失败次数限制。"
            "令牌不因会话超时失效，只在注销（本人退出或管理员注销丢失的设备）后失效。只有工作人员可以登录。"
        ),
        request=DeviceSignInSerializer,
        responses={
            201: DeviceTokenSerializer,
            400: error_response(400, "auth.invalid_credentials", "用户名或密码错误。"),
            403: error_response(403, "permission_denied", "只有工作人员可以使用外勤应用。"),
            429: error_response(429, "auth.too_many_attempts", "登录失败次数过多，请于 10:15 后再试。"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = DeviceSignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate_or_raise(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            otp_token=data.validated_data.get("otp", ""),
        )
        uses_field_app.refuse(user)
        row, key = devices.issue(user=user, name=data.validated_data["name"])
        return Response({"id": row.pk, "name": row.name, "token": key}, status=status.HTTP_201_CREATED)


class DeviceSignOutView(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="auth_devices_sign_out",
        summary="移动设备退出",
        description="注销调用者所用的设备令牌；之后使用该令牌的请求返回 401。",
        request=None,
        responses={204: OpenApiResponse(description="已注销"), **error_responses(401)},
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        row = getattr(request, "device_token", None)
        if row is not None:
            devices.revoke(actor=request.user, row=row)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="me",
        summary="当前用户",
        description="调用者的资料、角色、所在单位和所属局。",
        responses={200: MeSerializer, **error_responses(401)},
        tags=["org"],
    )
    def get(self, request: Request) -> Response:
        user = request.user
        profile = selectors.profile_of(user)
        organisation = profile.organisation if profile else None
        bureau = organisation.bureau if organisation else None
        body = {
            "id": user.pk,
            "username": user.get_username(),
            "full_name": profile.full_name if profile else user.get_full_name(),
            "title": profile.title if profile else "",
            "phone": profile.phone if profile else "",
            "party_member": profile.party_member if profile else False,
            "is_superuser": user.is_superuser,
            "roles": _roles(selectors.role_codes(user)),
            "organisation": _org_ref(organisation),
            "bureau": _org_ref(bureau),
        }
        return Response(MeSerializer(body).data)


_LIST_ERRORS = error_responses(400, 401)
_DETAIL_ERRORS = error_responses(401, 404)


class OrganisationList(generics.ListAPIView):
    authentication_classes = API_AUTHENTICATION
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return selectors.visible_organisations(self.request.user)

    @extend_schema(
        operation_id="organisations_list",
        summary="组织列表",
        description="调用者可见的单位：本单位及下级；领导和管理员可见全局（含协作单位）。",
        responses={200: OrganisationSerializer(many=True), **_LIST_ERRORS},
        tags=["org"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrganisationDetail(generics.RetrieveAPIView):
    authentication_classes = API_AUTHENTICATION
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return selectors.visible_organisations(self.request.user)

    @extend_schema(
        operation_id="organisations_retrieve",
        summary="组织详情",
        responses={200: OrganisationSerializer, **_DETAIL_ERRORS},
        tags=["org"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _StaffMixin:
    authentication_classes = API_AUTHENTICATION
    serializer_class = StaffSerializer

    def get_queryset(self):
        return selectors.visible_staff(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["reveal_phone"] = can_see_staff_phones(self.request.user)
        return context


class StaffList(_StaffMixin, generics.ListAPIView):
    filterset_class = StaffFilter

    @extend_schema(
        operation_id="staff_list",
        summary="人员列表",
        description="调用者可见单位的人员。手机号默认脱敏；管理员可见完整号码，每次查看记入审计。",
        responses={200: StaffSerializer(many=True), **_LIST_ERRORS},
        tags=["org"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = self.get_serializer_context()
        if context["reveal_phone"]:
            _record_phone_views(actor=request.user, profiles=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class StaffDetail(_StaffMixin, generics.RetrieveAPIView):
    @extend_schema(
        operation_id="staff_retrieve",
        summary="人员详情",
        responses={200: StaffSerializer, **_DETAIL_ERRORS},
        tags=["org"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        profile = self.get_object()
        if can_see_staff_phones(request.user):
            _record_phone_views(actor=request.user, profiles=[profile])
        return Response(self.get_serializer(profile).data)

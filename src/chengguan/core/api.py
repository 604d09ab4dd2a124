"""Pieces every app's API shares: the error body, its OpenAPI description, and authentication order.

Every error the API returns is `{"code", "message", "fields"}` (see `core.api_errors`); the
serializer here only describes that shape for the OpenAPI document.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

# As settings.REST_FRAMEWORK lists them (Token, the field app's Device tokens, the session). Token
# first: an anonymous request then gets 401 with `WWW-Authenticate: Token` (DRF takes the challenge
# from the first class); a browser holding a session is still recognised.
API_AUTHENTICATION = tuple(api_settings.DEFAULT_AUTHENTICATION_CLASSES)


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API."""

    code = serializers.CharField(help_text="Stable English error code, e.g. `auth.invalid_credentials`.")
    message = serializers.CharField(help_text="Message for the user, in Chinese.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name → messages, for validation errors; empty otherwise.",
    )


_EXAMPLES: dict[int, tuple[str, str, dict]] = {
    400: (
        "validation_failed",
        "提交的数据有误，请检查标出的字段。",
        {"lon": ["经度必须是 -180 到 180 之间的数字。"]},
    ),
    401: ("not_authenticated", "请先登录。", {}),
    403: ("permission_denied", "您没有执行该操作的权限。", {}),
    404: ("not_found", "未找到。", {}),
    405: ("method_not_allowed", "不支持该请求方法。", {}),
}


def error_response(
    status: int, code: str | None = None, message: str | None = None, **kwargs
) -> OpenApiResponse:
    """An OpenAPI response for an error status, with an example body."""
    default_code, default_message, fields = _EXAMPLES.get(status, ("error", "请求失败。", {}))
    example = {"code": code or default_code, "message": message or default_message, "fields": fields}
    if code and status == 400:
        example["fields"] = {}
    return OpenApiResponse(
        response=ErrorSerializer,
        description=kwargs.get("description", example["message"]),
        examples=[
            OpenApiExample(example["code"], value=example, response_only=True, status_codes=[str(status)])
        ],
    )


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """`{status: response}` for the usual errors of an endpoint (merge into `extend_schema(responses=…)`)."""
    return {status: error_response(status) for status in statuses}


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([AllowAny])
def api_not_found(request, *args, **kwargs):
    """Answer unknown paths under /api/v1/ with the JSON error body rather than Django's HTML page."""
    raise NotFound()


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """`data` (a request's body or query) checked by `serializer_class`; a 400 with field errors if not."""
    checked = serializer_class(data=data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


class ScopedViewSet(viewsets.GenericViewSet):
    """A ViewSet over the rows the caller may see, given by `visible(request)`. Its `queryset` is the
    model's empty queryset for the schema generator (it names the model of the `{id}` parameter)."""

    authentication_classes = API_AUTHENTICATION
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.visible(self.request)

    def visible(self, request):
        raise NotImplementedError


def idempotency_header(description: str, *, required: bool = False) -> OpenApiParameter:
    """The `Idempotency-Key` request header of an intake that a retry must not repeat."""
    return OpenApiParameter(
        "Idempotency-Key",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=required,
        description=description,
    )

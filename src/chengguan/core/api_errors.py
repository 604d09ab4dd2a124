"""One DRF exception handler: every API error is `{"code", "message", "fields"}`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from chengguan.core.errors import DomainError

_DRF_MESSAGES = {
    "not_authenticated": ("not_authenticated", "请先登录。"),
    "authentication_failed": ("authentication_failed", "身份验证失败。"),
    "permission_denied": ("permission_denied", "您没有执行该操作的权限。"),
    "not_found": ("not_found", "未找到。"),
    "method_not_allowed": ("method_not_allowed", "不支持该请求方法。"),
    "throttled": ("throttled", "请求过于频繁，请稍后再试。"),
    "parse_error": ("parse_error", "请求格式错误。"),
    "unsupported_media_type": ("unsupported_media_type", "不支持的请求内容类型。"),
}


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            else:
                items = value if isinstance(value, list) else [value]
                out[key] = [str(v) for v in items]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "validation_failed",
            "message": "提交的数据有误，请检查标出的字段。",
            "fields": _flatten(exc.detail),
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    default_code = getattr(exc, "default_code", "error")
    code, message = _DRF_MESSAGES.get(default_code, (default_code, str(getattr(exc, "detail", exc))))
    response.data = {"code": code, "message": message, "fields": {}}
    return response

"""The REST side of a machine, built from its table: one POST endpoint per action, each with its own
request body and OpenAPI entry (who may act, from which states, what is required), so the published
schema cannot disagree with the rule.

    ACTION_VIEWS = action_views(CASE_MACHINE, get_object=..., respond=..., ...)
    urlpatterns += action_urls(ACTION_VIEWS, "cases/<int:pk>/", name="api-case-{action}")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.core.workflow.fields import FieldSpec
from chengguan.core.workflow.kernel import RESUME, STAY, Machine, Transition

PARSERS = (JSONParser, MultiPartParser, FormParser)


def serializer_field(spec: FieldSpec, *, required: bool) -> serializers.Field:
    """The DRF field of a spec (types and bounds only: the kernel gives the final word)."""
    common: dict[str, Any] = {"required": required, "help_text": str(spec.help or spec.label)}
    bounds = {
        k: v for k, v in (("min_value", spec.min_value), ("max_value", spec.max_value)) if v is not None
    }
    kind = spec.kind
    if kind in ("text", "line"):
        return serializers.CharField(max_length=spec.length, **common)
    if kind == "int":
        return serializers.IntegerField(**bounds, **common)
    if kind == "ref":
        return serializers.IntegerField(min_value=1, **common)
    if kind == "float":
        return serializers.FloatField(**bounds, **common)
    if kind == "money":
        return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, **common)
    if kind == "date":
        return serializers.DateField(**common)
    if kind == "datetime":
        return serializers.DateTimeField(**common)
    if kind == "bool":
        return serializers.BooleanField(**common)
    if kind == "choice":
        return serializers.ChoiceField(choices=spec.choice_pairs(), **common)
    if kind == "choices":
        return serializers.MultipleChoiceField(choices=spec.choice_pairs(), **common)
    if kind == "file":
        return serializers.FileField(**common)
    if kind == "data":
        return serializers.CharField(trim_whitespace=False, **common)
    if kind == "files":
        return serializers.ListField(child=serializers.FileField(), **common)
    raise ValueError(kind)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace(".", "_").split("_"))


def request_serializer(machine: Machine, t: Transition, extra: dict[str, FieldSpec] | None = None):
    """The request body of one action: its fields from the table, required as the table says."""
    fields = {name: serializer_field(machine.spec(t, name), required=name in t.required) for name in t.fields}
    for name, spec in (extra or {}).items():
        fields[name] = serializer_field(spec, required=False)
    return type(f"{_camel(machine.name)}{_camel(t.action)}Serializer", (serializers.Serializer,), fields)


def takes_files(machine: Machine, t: Transition) -> bool:
    return any(machine.spec(t, name).kind in ("file", "files") for name in t.fields)


def describe(machine: Machine, t: Transition, *, who: str = "", extra: str = "") -> str:
    """The OpenAPI description of an action, from its row."""
    sources = "、".join(machine.state_label(s) for s in sorted(t.sources))
    if t.target == STAY:
        target = "不变"
    elif t.target == RESUME:
        target = "回到中止（缓办）前的状态"
    else:
        target = machine.state_label(t.target)
    lines = [
        f"「{machine.label(t.action)}」：{machine.noun}状态为 {sources} 时可执行，执行后状态为 {target}。",
        f"权限：`{t.permission.name}`" + (f"（{who}）" if who else "") + "。",
        f"必填字段：{'、'.join(t.required) if t.required else '无'}。",
    ]
    if t.guards:
        lines.append("前提：" + "；".join(f"`{g.code}`" for g in t.guards) + "。")
    if extra:
        lines.append(extra)
    if takes_files(machine, t):
        lines.append("带文件时用 multipart/form-data 提交。")
    prefix = machine.error_prefix
    lines.append(
        f"当前状态不允许时返回 409 `{prefix}.invalid_transition`；无权限返回 403；"
        f"字段有误返回 400 `{prefix}.missing_fields` 或 `{prefix}.invalid_fields`。"
    )
    return "\n\n".join(lines)


def action_views(
    machine: Machine,
    *,
    get_object: Callable[[Request, int], Any],
    respond: Callable[[Request, Any], Response],
    response_serializer,
    operation_prefix: str,
    tags: list[str],
    who: Callable[[Transition], str] = lambda t: "",
    extra_fields: Callable[[Transition], dict[str, FieldSpec]] = lambda t: {},
    extra_description: Callable[[Transition], str] = lambda t: "",
) -> dict[str, type[APIView]]:
    """One view class per action. `get_object` finds the row in the caller's scope (404 outside it),
    `respond` turns the saved row into the response body."""
    conflict = error_response(
        409,
        f"{machine.error_prefix}.invalid_transition",
        f"{machine.noun}当前状态不允许该操作。",
    )
    views: dict[str, type[APIView]] = {}
    for t in machine:
        serializer = request_serializer(machine, t, extra_fields(t))
        media = ["application/json", "multipart/form-data"]
        if takes_files(machine, t):
            media.reverse()
        views[t.action] = _action_view(
            machine,
            t,
            serializer,
            get_object=get_object,
            respond=respond,
            schema=extend_schema(
                operation_id=f"{operation_prefix}_{t.action}",
                summary=machine.label(t.action) + (f"（{who(t)}）" if who(t) else ""),
                description=describe(machine, t, who=who(t), extra=extra_description(t)),
                request={m: serializer for m in media},
                responses={200: response_serializer, **error_responses(400, 401, 403, 404), 409: conflict},
                tags=tags,
            ),
        )
    return views


def _action_view(machine: Machine, t: Transition, serializer, *, get_object, respond, schema):
    def post(self, request: Request, pk: int) -> Response:
        obj = get_object(request, pk)
        # Types are checked here; what is missing is left to the kernel, which first says whether
        # the action is possible at all (409/403) and then lists every missing field (400).
        body = serializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        saved = machine.apply(obj, t.action, actor=request.user, **body.validated_data)
        return respond(request, saved)

    attrs = {
        "authentication_classes": API_AUTHENTICATION,
        "parser_classes": PARSERS,
        "post": schema(post),
        "__doc__": machine.label(t.action),
    }
    return type(f"{_camel(machine.name)}{_camel(t.action)}View", (APIView,), attrs)


def action_urls(views: dict[str, type[APIView]], prefix: str, *, name: str) -> list:
    """URL patterns `prefix + action + "/"` for the views of `action_views`."""
    return [
        path(f"{prefix}{action}/", view.as_view(), name=name.format(action=action))
        for action, view in views.items()
    ]

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
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiRequest, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.core.workflow.fields import FieldSpec
from chengguan.core.workflow.kernel import RESUME, STAY, Machine, Transition

PARSERS = (JSONParser, MultiPartParser, FormParser)
# The largest row id (a 64-bit primary key): a larger number is a 400, not a database overflow.
MAX_ID = 2**63 - 1


def serializer_field(spec: FieldSpec, *, required: bool) -> serializers.Field:
    """The DRF field of a spec (types and bounds only: the kernel gives the final word)."""
    common: dict[str, Any] = {"required": required, "help_text": spec.help or spec.label}
    bounds = {
        k: v for k, v in (("min_value", spec.min_value), ("max_value", spec.max_value)) if v is not None
    }
    kind = spec.kind
    if kind in ("text", "line"):
        return serializers.CharField(max_length=spec.length, **common)
    if kind == "int":
        return serializers.IntegerField(**{"max_value": MAX_ID, "min_value": -MAX_ID, **bounds}, **common)
    if kind == "ref":
        return serializers.IntegerField(min_value=1, max_value=MAX_ID, **common)
    if kind == "float":
        return serializers.FloatField(**bounds, **common)
    if kind == "money":
        # A number in the schema (not a pattern-matched string, which "" would satisfy).
        return serializers.DecimalField(
            max_digits=14, decimal_places=2, min_value=0, coerce_to_string=False, **common
        )
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


def request_serializer(
    machine: Machine, t: Transition, extra: dict[str, FieldSpec] | None = None, *, files: bool = True
):
    """The request body of one action: its fields from the table, required as the table says
    (without `files`, the body a JSON client can send: no file fields)."""
    specs = {name: machine.spec(t, name) for name in t.fields}
    specs.update(extra or {})
    fields = {
        name: serializer_field(spec, required=name in t.required)
        for name, spec in specs.items()
        if files or spec.kind not in FILE_KINDS
    }
    suffix = "" if files or not takes_files(machine, t) else "Json"
    name = f"{_camel(machine.name)}{_camel(t.action)}{suffix}Serializer"
    return type(name, (serializers.Serializer,), fields)


def action_ref_serializer(machine: Machine, *, with_fields: bool = False) -> type[serializers.Serializer]:
    """The serializer of a row of `available_actions` (a `Transition`): its code, its name and what
    it requires (with `with_fields`, every field it takes)."""

    def get_name(self, t: Transition) -> str:
        return machine.label(t.action)

    fields: dict[str, Any] = {
        "action": serializers.ChoiceField(
            choices=machine.actions.choices, help_text="`POST …/{id}/{action}/`"
        ),
        "name": serializers.SerializerMethodField(help_text="操作名称"),
        "get_name": get_name,
        "required": serializers.ListField(child=serializers.CharField(), help_text="必填字段"),
    }
    if with_fields:
        fields["fields"] = serializers.ListField(child=serializers.CharField(), help_text="可填字段")
    return type(f"{_camel(machine.name)}ActionRefSerializer", (serializers.Serializer,), fields)


FILE_KINDS = ("file", "files")


def takes_files(machine: Machine, t: Transition) -> bool:
    return any(machine.spec(t, name).kind in FILE_KINDS for name in t.fields)


def request_bodies(machine: Machine, t: Transition, extra: dict[str, FieldSpec] | None = None) -> dict:
    """The OpenAPI request bodies of an action. An action without files takes JSON or a form; one with
    files takes multipart (each file's types in its encoding) and, unless a file is required, JSON
    without the file fields."""
    body = request_serializer(machine, t, extra)
    if not takes_files(machine, t):
        return {"application/json": body, "multipart/form-data": body}
    encoding = {
        name: {"contentType": ", ".join(spec.content_types)}
        for name in t.fields
        if (spec := machine.spec(t, name)).kind in FILE_KINDS and spec.content_types
    }
    bodies: dict = {"multipart/form-data": OpenApiRequest(body, encoding=encoding or None)}
    if not any(machine.spec(t, name).kind in FILE_KINDS for name in t.required):
        bodies["application/json"] = request_serializer(machine, t, extra, files=False)
    return bodies


def describe(machine: Machine, t: Transition, *, who: str = "", extra: str = "") -> str:
    """The OpenAPI description of an action, from its row."""
    sources = "、".join(machine.state_label(s) for s in sorted(t.sources))
    if t.target == STAY:
        target = _("不变")
    elif t.target == RESUME:
        target = _("回到中止（缓办）前的状态")
    else:
        target = machine.state_label(t.target)
    lines = [
        _("「%(action)s」：%(noun)s状态为 %(sources)s 时可执行，执行后状态为 %(target)s。")
        % {"action": machine.label(t.action), "noun": machine.noun, "sources": sources, "target": target},
        _("权限：`%(permission)s`") % {"permission": t.permission.name}
        + (f"（{who}）" if who else "")
        + "。",
        _("必填字段：%(fields)s。") % {"fields": "、".join(t.required) if t.required else _("无")},
    ]
    if t.guards:
        lines.append(_("前提：%(guards)s。") % {"guards": "；".join(f"`{g.code}`" for g in t.guards)})
    if extra:
        lines.append(extra)
    if takes_files(machine, t):
        lines.append(_("带文件时用 multipart/form-data 提交。"))
    lines.append(
        _(
            "当前状态不允许时返回 409 `%(prefix)s.invalid_transition`；无权限返回 403；"
            "字段有误返回 400 `%(prefix)s.missing_fields` 或 `%(prefix)s.invalid_fields`。"
        )
        % {"prefix": machine.error_prefix}
    )
    return "\n\n".join(str(line) for line in lines)


# The schema is built when it is asked for, in the language of that request: the labels and texts of
# an action are worded then, not when the URL configuration is loaded.
_lazy_text = lazy(lambda make: str(make()), str)


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
    `respond` turns the saved row into the response body. `who` and `extra_description` are called
    when the schema is built, so they may word lazy labels."""
    conflict = error_response(
        409,
        f"{machine.error_prefix}.invalid_transition",
        f"{machine.noun}当前状态不允许该操作。",
    )
    views: dict[str, type[APIView]] = {}
    for t in machine:

        def summary(t: Transition = t) -> str:
            who_text = who(t)
            return machine.label(t.action) + (f"（{who_text}）" if who_text else "")

        def description(t: Transition = t) -> str:
            return describe(machine, t, who=who(t), extra=extra_description(t))

        views[t.action] = _action_view(
            machine,
            t,
            request_serializer(machine, t, extra_fields(t)),
            get_object=get_object,
            respond=respond,
            schema=extend_schema(
                operation_id=f"{operation_prefix}_{t.action}",
                summary=_lazy_text(summary),
                description=_lazy_text(description),
                request=request_bodies(machine, t, extra_fields(t)),
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
        "__doc__": f"The `{t.action}` action of the {machine.name} machine.",
    }
    return type(f"{_camel(machine.name)}{_camel(t.action)}View", (APIView,), attrs)


def action_urls(views: dict[str, type[APIView]], prefix: str, *, name: str) -> list:
    """URL patterns `prefix + action + "/"` for the views of `action_views`."""
    return [
        path(f"{prefix}{action}/", view.as_view(), name=name.format(action=action))
        for action, view in views.items()
    ]

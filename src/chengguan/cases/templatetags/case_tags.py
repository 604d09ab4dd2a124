"""Filters that show the case's stored codes in the reader's language (labels in `cases.display`)."""

from __future__ import annotations

from django import template

from chengguan.cases import display

register = template.Library()


@register.filter
def case_state(value: str) -> str:
    return display.state_label(value)


@register.filter
def case_action(value: str) -> str:
    return display.action_label(value)


@register.filter
def case_source(value: str) -> str:
    return str(display.SOURCE_LABELS.get(value, value))


@register.filter
def disposition(value: str) -> str:
    return str(display.DISPOSITION_LABELS.get(value, value))


@register.filter
def evidence_kind(value: str) -> str:
    return str(display.EVIDENCE_KIND_LABELS.get(value, value))


@register.filter
def extension_status(value: str) -> str:
    return str(display.EXTENSION_STATUS_LABELS.get(value, value))


@register.filter
def supervision_level(value: str) -> str:
    return str(display.SUPERVISION_LEVEL_LABELS.get(value, value))

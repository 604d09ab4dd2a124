"""The web side of a machine: the form of each action, built from its field specs and its row, so a
page asks for exactly what `apply` requires."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from chengguan.core.forms import submit_on_page
from chengguan.core.workflow.fields import FieldSpec
from chengguan.core.workflow.kernel import Machine


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def form_field(spec: FieldSpec, *, required: bool, choices: Iterable | None = None) -> forms.Field:
    """The Django form field of a spec. Types only: the kernel checks the rest and answers in Chinese
    with the field named, so the page shows the same message as the API."""
    common: dict[str, Any] = {"required": required, "label": spec.label, "help_text": spec.help}
    kind = spec.kind
    if kind == "text":
        return forms.CharField(max_length=spec.length, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == "line":
        return forms.CharField(max_length=spec.length, **common)
    if kind in ("int", "ref"):
        if choices is not None:
            return forms.TypedChoiceField(choices=choices, coerce=int, empty_value=None, **common)
        return forms.IntegerField(min_value=spec.min_value, max_value=spec.max_value, **common)
    if kind == "float":
        return forms.FloatField(**common)
    if kind == "money":
        return forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "datetime":
        return forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if kind == "bool":
        return forms.BooleanField(**{**common, "required": False})
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *(choices or spec.choice_pairs())], **common)
    if kind == "choices":
        return forms.MultipleChoiceField(
            choices=choices or spec.choice_pairs(), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "file":
        return forms.FileField(**common)
    if kind == "data":
        return forms.CharField(widget=forms.HiddenInput, strip=False, **common)
    if kind == "files":
        return MultipleFileField(**common)
    raise ValueError(kind)


def action_form(
    machine: Machine,
    action: str,
    *,
    data=None,
    files=None,
    initial: Mapping[str, Any] | None = None,
    choices: Mapping[str, Iterable] | None = None,
    extra: Mapping[str, FieldSpec] | None = None,
    prefix: str | None = None,
) -> forms.Form:
    """The form of one action. `choices` fills `ref`/`choice` fields whose options depend on the object
    (units to dispatch to); `extra` adds optional fields outside the row (a late stage's reason)."""
    t = machine.get(action)
    fields = {
        name: form_field(
            machine.spec(t, name), required=name in t.required, choices=(choices or {}).get(name)
        )
        for name in t.fields
    }
    for name, spec in (extra or {}).items():
        fields[name] = form_field(spec, required=False, choices=(choices or {}).get(name))
    form_class = type(f"{machine.name.title()}{action.title()}Form", (forms.Form,), fields)
    return form_class(data=data, files=files, initial=initial, prefix=prefix)


def submitted(form: forms.Form) -> dict[str, Any]:
    """The values a user gave (empty inputs left out, so the kernel's defaults apply)."""
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}


def take_action(
    request: HttpRequest,
    machine: Machine,
    action: str,
    call: Callable[[dict[str, Any]], object],
    *,
    done: Callable[[object], HttpResponse],
    again: Callable[[forms.Form], HttpResponse],
    prefix: str | None = None,
) -> HttpResponse:
    """One action of a machine posted from an object's page: its form (prefixed with the action's
    name unless `prefix`) through `core.forms.submit_on_page`, `call` getting the values given and
    the action's label being the message."""
    form = action_form(machine, action, data=request.POST, files=request.FILES, prefix=prefix or action)
    return submit_on_page(
        request,
        form,
        lambda data: call(submitted(form)),
        done=done,
        again=again,
        success=str(machine.label(action)),
    )

"""The one way a page calls a service: validate the form, call, and put a refusal back on the form.

    form = SomeForm(request.POST)
    result = submit(form, lambda data: some_service(actor=request.user, **data))
    if result is None: ...render the form again, with `form` showing the errors and
                       `banner_of(form, ...)` as the page's banner and status...

A domain error's field messages go beside their fields (`aliases` maps a service's field name to
the form's when they differ); its other messages go to the top of the form.

A page that answers a POST with a redirect instead tells the outcome as the next page's message:

    flash(request, lambda: some_service(actor=request.user), _("done"), form=form, invalid=_("fill in"))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from chengguan.core.errors import DomainError

T = TypeVar("T")


def put_errors(
    form: forms.Form,
    exc: DomainError,
    aliases: Mapping[str, str | tuple[str, ...]] | None = None,
    *,
    message_on_form: bool = False,
) -> None:
    """Show a service's refusal on the form: each field's first error by its field (or the first of
    its `aliases` the form has), the rest at the top. The refusal's own message goes to the top too
    when no field error was placed and `message_on_form` (pages without a banner ask for it)."""
    placed = False
    for name, errors in (exc.fields or {}).items():
        candidates = (aliases or {}).get(name, (name,))
        if isinstance(candidates, str):
            candidates = (candidates,)
        target = next((n for n in candidates if n in form.fields), None)
        for error in errors:
            if target is not None and target not in form.errors:
                form.add_error(target, error)
                placed = True
            elif target is None:
                form.add_error(None, error)
                placed = True
    if message_on_form and not placed:
        form.add_error(None, exc.message)


def submit(
    form: forms.Form,
    call: Callable[[dict], T],
    *,
    aliases: Mapping[str, str | tuple[str, ...]] | None = None,
    message_on_form: bool = False,
) -> T | None:
    """`call(form.cleaned_data)` when the form is valid; None (with the errors on the form) otherwise.
    The refusal itself is kept on `form.refusal` for the page's banner and status code."""
    form.refusal = None
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except DomainError as exc:
        form.refusal = exc
        put_errors(form, exc, aliases, message_on_form=message_on_form)
        return None


def banner_of(form: forms.Form, invalid: str) -> tuple[str, int]:
    """The banner and status code of a page whose `submit` did not go through: the service's refusal,
    or `invalid` (400) when the form itself was invalid."""
    refusal = getattr(form, "refusal", None)
    return (refusal.message, refusal.status) if refusal is not None else (invalid, 400)


class NoFields(forms.Form):
    """The form of a POST with nothing to fill in (a button), so that `submit` still catches the
    service's refusal: bound and valid from the start."""

    def __init__(self, data: Mapping | None = None, **kwargs):
        super().__init__({} if data is None else data, **kwargs)


def accepted(form: forms.Form) -> bool:
    """Whether the form's last `submit` went through (for services that return nothing)."""
    return form.is_valid() and getattr(form, "refusal", None) is None


def submit_on_page(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict], T],
    *,
    done: Callable[[T], HttpResponse],
    again: Callable[[forms.Form], HttpResponse],
    success: str = "",
) -> HttpResponse:
    """A form posted from a page without a banner: `submit` (the refusal on the form), then `success`
    as the next page's message and `done(result)`; otherwise `again(form)` — the page showing the
    form and why — answered with 400."""
    result = submit(form, call, message_on_form=True)
    if accepted(form):
        if success:
            messages.success(request, success)
        return done(result)
    response = again(form)
    response.status_code = 400
    return response


def form_page(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict], T],
    *,
    template: str,
    done: Callable[[T], HttpResponse],
    success: str = "",
    context: Mapping | None = None,
) -> HttpResponse:
    """A page of one form that makes something: the form (GET), or `submit_on_page` (POST)."""

    def page(form: forms.Form) -> HttpResponse:
        return render(request, template, {"form": form, **(context or {})})

    if request.method != "POST":
        return page(form)
    return submit_on_page(request, form, call, done=done, again=page, success=success)


def flash(
    request: HttpRequest,
    call: Callable[[], T],
    success: str | Callable[[T], str],
    *,
    form: forms.Form | None = None,
    invalid: str | Callable[[forms.Form], str] = "",
    about: str = "",
) -> T | None:
    """`submit` for a page that answers with a redirect: `call()` when `form` (if any) is valid, and
    the outcome as the next page's message — `success` (or `success(result)`), the service's refusal,
    or `invalid` (or `invalid(form)`) for an invalid form; a refusal is prefixed with `about` (the
    order or case it concerns, on a list of many). The result, or None when it did not go through."""
    form = form if form is not None else NoFields()
    result = submit(form, lambda data: call())
    if accepted(form):
        messages.success(request, success(result) if callable(success) else success)
        return result
    banner, _status = banner_of(form, invalid(form) if callable(invalid) else invalid)
    messages.error(
        request, gettext("%(about)s：%(error)s") % {"about": about, "error": banner} if about else banner
    )
    return None

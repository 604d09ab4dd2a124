"""The one way a page calls a service: validate the form, call, and put a refusal back on the form.

    form = SomeForm(request.POST)
    result = submit(form, lambda data: some_service(actor=request.user, **data))
    if result is None: ...render the form again, with `form` showing the errors and
                       `banner_of(form, ...)` as the page's banner and status...

A domain error's field messages go beside their fields (`aliases` maps a service's field name to
the form's when they differ); its other messages go to the top of the form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django import forms

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

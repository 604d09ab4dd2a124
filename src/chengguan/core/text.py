"""The one text normaliser at the edge: what may come in as text, and how stored text goes out.

Interactive input (forms, the API, Open311) that holds NUL or another C0/C1 control character (tab
and line breaks excepted) is refused with a field-level error (`TextError.CONTROL_CHARACTER`); bulk
imports strip those characters and note the row instead (12345 exports carry them). Output that
other programs parse (Excel cells, XML) is cleaned again with `for_output`, for rows stored before
the check existed. Lengths, URLs and e-mail addresses are checked here too, so every edge words the
same refusal the same way.

`install()` (from `CoreConfig.ready`) puts the check on Django's form `CharField` and the API's
parsers, so a form or endpoint added later is covered without remembering to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from django.core import validators
from django.core.exceptions import ValidationError

from chengguan.core.errors import TextError, ValidationFailed

# C0 controls except tab, line feed and carriage return (browsers send textarea lines as CRLF),
# DEL and the C1 block, lone surrogates and the two non-characters XML 1.0 forbids.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
HTTP_URL = validators.URLValidator(schemes=["http", "https"])


def refused_character(text: str) -> str | None:
    """The first character interactive input may not hold, or None."""
    match = REFUSED.search(text)
    return match.group() if match else None


def control_message(char: str) -> str:
    return f"{TextError.CONTROL_CHARACTER.label}（发现 U+{ord(char):04X}）"


def validate_text(value: object) -> None:
    """A Django validator: refuse text holding a control character (non-text values pass)."""
    if isinstance(value, str) and (char := refused_character(value)) is not None:
        raise ValidationError(control_message(char), code=TextError.CONTROL_CHARACTER.value)


def strip_refused(text: str) -> tuple[str, int]:
    """`text` without the refused characters, and how many were removed (for an import's note)."""
    return REFUSED.subn("", text)


def for_output(value: object) -> object:
    """A value safe to write into an Excel cell or an XML text node: refused characters removed
    from strings, other values as they are."""
    return REFUSED.sub("", value) if isinstance(value, str) else value


def row_for_output(row: Iterable[object]) -> list[object]:
    """A spreadsheet row with every string through `for_output` (openpyxl refuses control characters)."""
    return [for_output(value) for value in row]


def field_errors(data: object, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(field path, message) for every string in parsed request data that holds a refused
    character; nested objects and lists give `items.0.note`-style paths."""
    if isinstance(data, str):
        if (char := refused_character(data)) is not None:
            yield prefix or "non_field_errors", control_message(char)
    elif isinstance(data, Mapping):
        keys = data.keys()
        for key in keys:
            name = f"{prefix}.{key}" if prefix else str(key)
            if (char := refused_character(str(key))) is not None:
                yield name, control_message(char)
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            for value in values:
                yield from field_errors(value, name)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from field_errors(value, f"{prefix}.{index}" if prefix else str(index))


def refuse_control_characters(data: object) -> None:
    """Raise a field-level `ValidationFailed` when parsed request data holds a refused character."""
    fields: dict[str, list[str]] = {}
    for name, message in field_errors(data):
        fields.setdefault(name, []).append(message)
    if fields:
        raise ValidationFailed(
            str(TextError.CONTROL_CHARACTER.label), code=TextError.CONTROL_CHARACTER, fields=fields
        )


def _refuse(code: TextError, name: str, message: str | None = None) -> ValidationFailed:
    return ValidationFailed(str(code.label), code=code, fields={name: [message or str(code.label)]})


def clean_field(name: str, value: str | None, *, max_length: int | None = None) -> str:
    """One interactive text value, stripped, refused when it holds a control character or is longer
    than `max_length` (the model field's limit)."""
    text = (value or "").strip()
    if (char := refused_character(text)) is not None:
        raise _refuse(TextError.CONTROL_CHARACTER, name, control_message(char))
    if max_length is not None and len(text) > max_length:
        message = f"{TextError.TOO_LONG.label}（最多 {max_length} 个字符，收到 {len(text)} 个）"
        raise ValidationFailed(
            str(TextError.TOO_LONG.label), code=TextError.TOO_LONG, fields={name: [message]}
        )
    return text


def clean_url(name: str, value: str | None, *, max_length: int | None = None) -> str:
    """An optional link: empty, or an absolute http(s) URL (never `javascript:` or `data:`)."""
    text = clean_field(name, value, max_length=max_length)
    if text:
        try:
            HTTP_URL(text)
        except ValidationError as exc:
            raise ValidationFailed(
                str(TextError.BAD_URL.label),
                code=TextError.BAD_URL,
                fields={name: [str(TextError.BAD_URL.label)]},
            ) from exc
    return text


def clean_email(name: str, value: str | None, *, max_length: int | None = None) -> str:
    """An optional e-mail address: empty or valid."""
    text = clean_field(name, value, max_length=max_length)
    if text:
        try:
            validators.validate_email(text)
        except ValidationError as exc:
            raise _refuse(TextError.BAD_EMAIL, name) from exc
    return text


def install() -> None:
    """Put `validate_text` on every Django form `CharField` (subclasses that name their own default
    validators, such as `EmailField` and `URLField`, get it added). The API's parsers are set in
    `REST_FRAMEWORK` (`core.parsers`)."""
    from django import forms

    for field_class in (forms.CharField, forms.EmailField, forms.URLField, forms.SlugField, forms.RegexField):
        current = list(field_class.default_validators)
        if validate_text not in current:
            field_class.default_validators = [*current, validate_text]
    forms.URLField.default_validators = [
        v if not isinstance(v, validators.URLValidator) else HTTP_URL
        for v in forms.URLField.default_validators
    ]

"""Mainland China phone numbers: the one rule for staff, reporters, merchants and units."""

from __future__ import annotations

import re

MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code 0xx/0xxx, a 7- or 8-digit subscriber number, an optional extension after "-" or "转".
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:(?:-|转)\d{1,6})?")
# Short public-service hotlines (12319, 95598) and 400/800 numbers, which units may list.
SERVICE = re.compile(r"1\d{4}|9\d{4}|[48]00-?\d{3}-?\d{4}")


def normalise(raw: str | None, *, allow_service_numbers: bool = False) -> str | None:
    """The number without spaces, brackets or the +86/0086 prefix, or None when it is not a phone
    number. Empty input gives ""."""
    value = re.sub(r"[\s()（）]", "", str(raw or ""))
    if not value:
        return ""
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :].lstrip("-")
    if MOBILE.fullmatch(value.replace("-", "")):
        return value.replace("-", "")
    if LANDLINE.fullmatch(value):
        return value
    if allow_service_numbers and SERVICE.fullmatch(value):
        return value
    return None

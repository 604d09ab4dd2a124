"""Masking of personal data shown to roles that do not need it in full."""

from __future__ import annotations

import re

# What a person may type into free text that identifies them: resident ID numbers (GB 11643, 18
# characters ending in a digit or X, or the old 15 digits), mainland mobiles and landlines. Digits
# directly around a match make it part of a longer number (an order number), which is left alone.
_ID_IN_TEXT = r"[1-9]\d{16}[\dXx]|[1-9]\d{14}"
_PHONE_IN_TEXT = r"(?:\+?86[- ]?)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}"
PERSONAL_NUMBER_IN_TEXT = re.compile(
    rf"(?<![\dA-Za-z])(?:(?P<id>{_ID_IN_TEXT})|(?P<phone>{_PHONE_IN_TEXT}))(?![\dA-Za-z])"
)


def mask_phone(phone: str | None) -> str:
    """`13812341234` → `138****1234`; landlines keep the area code and the last four digits
    (`0371-****5678`). Too short to tell anything apart: everything is hidden."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if digits.startswith("0") and len(digits) >= 10:
        # Area codes 010 (Beijing) and 02x (the largest cities) have three digits, the rest four.
        area_len = 3 if digits[1] in "12" else 4
        rest = digits[area_len:]
        return f"{digits[:area_len]}-{'*' * (len(rest) - 4)}{rest[-4:]}"
    if len(digits) > 6:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return "*" * len(digits)


def mask_id_number(number: str | None) -> str:
    """Resident ID: keep the first 6 (region) and last 4 characters: `410102********1234`."""
    if not number:
        return ""
    n = number.strip()
    if len(n) <= 10:
        return "*" * len(n)
    return f"{n[:6]}{'*' * (len(n) - 10)}{n[-4:]}"


def mask_name(name: str | None) -> str:
    """Chinese personal names keep the surname: `张三丰` → `张**`; a single character is hidden."""
    name = (name or "").strip()
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_address(address: str | None, keep: int = 6) -> str:
    """Keep the first few characters (district, road) and hide the house number."""
    if not address:
        return ""
    return address[:keep] + ("****" if len(address) > keep else "")


def mask_personal_numbers(text: str | None) -> str:
    """Free text (a description, a reply) with every ID and phone number in it masked like the
    fields are: for every surface the public reads (portal, Open311, publicity)."""

    def one(match: re.Match) -> str:
        return mask_id_number(match.group("id")) if match.group("id") else mask_phone(match.group("phone"))

    return PERSONAL_NUMBER_IN_TEXT.sub(one, text or "")

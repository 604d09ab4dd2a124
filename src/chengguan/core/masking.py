"""Masking of personal data shown to roles that do not need it in full."""

from __future__ import annotations

import re


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

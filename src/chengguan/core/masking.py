"""Masking of personal data shown to roles that do not need it in full."""

from __future__ import annotations

import re


def mask_phone(phone: str | None) -> str:
    """`13812341234` → `138****1234`; landlines keep the area code and the last four digits."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
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
    """Chinese personal names keep the surname: `张三丰` → `张**`."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def mask_address(address: str | None, keep: int = 6) -> str:
    """Keep the first few characters (district, road) and hide the house number."""
    if not address:
        return ""
    return address[:keep] + ("****" if len(address) > keep else "")

"""Gapless yearly numbers (case numbers, document numbers).

The sequence row is locked inside the caller's transaction, so a rolled-back write gives its number
back and two concurrent requests never receive the same number.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from chengguan.core.models import NumberSequence


def next_number(key: str, year: int) -> int:
    """Issue the next number for `key` in `year`. Call inside `transaction.atomic()`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must be called inside transaction.atomic()")
    seq = NumberSequence.objects.select_for_update().filter(key=key, year=year).first()
    if seq is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=key, year=year, last_value=0)
        except IntegrityError:
            pass  # another transaction created it first; the lock below waits for it
        seq = NumberSequence.objects.select_for_update().get(key=key, year=year)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return seq.last_value


def format_document_number(prefix: str, year: int, number: int, width: int = 4) -> str:
    """The bureau's document number style, e.g. 中原城管罚决字〔2026〕第0001号."""
    return f"{prefix}〔{year}〕第{number:0{width}d}号"

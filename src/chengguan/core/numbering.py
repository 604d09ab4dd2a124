"""Gapless yearly numbers (case numbers, document numbers).

The sequence row is locked inside the caller's transaction, so a rolled-back write gives its number
back and two concurrent requests never receive the same number.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from chengguan.core.models import NumberSequence

_q = connection.ops.quote_name
# One statement both locks the row (PostgreSQL row lock; SQLite's write lock) and advances it.
_ADVANCE = (
    f"UPDATE {_q(NumberSequence._meta.db_table)} SET {_q('last_value')} = {_q('last_value')} + 1"
    f" WHERE {_q('key')} = %s AND {_q('year')} = %s RETURNING {_q('last_value')}"
)


def next_number(key: str, year: int) -> int:
    """Issue the next number for `key` in `year`. Call inside `transaction.atomic()`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must be called inside transaction.atomic()")
    number = _advance(key, year)
    if number is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=key, year=year, last_value=0)
        except IntegrityError:
            pass  # another transaction created it first; the update below waits for its lock
        number = _advance(key, year)
    return number


def _advance(key: str, year: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(_ADVANCE, [key, year])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def format_document_number(prefix: str, year: int, number: int, width: int = 4) -> str:
    """The bureau's document number style, e.g. 中原城管罚决字〔2026〕第0001号."""
    return f"{prefix}〔{year}〕第{number:0{width}d}号"

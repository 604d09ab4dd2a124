"""A bureau's settings rows read once per process and kept briefly: they are asked for at every
transition (its calendar days, its stage limits), and a query each time would cost the 50,000-case
demo year hundreds of thousands of queries. A save or delete in this process drops the copy at once;
another app server sees the change within `seconds`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_ALL: list[PerBureau] = []


class PerBureau(Generic[T]):
    def __init__(self, model: type[models.Model], load: Callable[[int], T], *, seconds: float = 10.0):
        self._load = load
        self._seconds = seconds
        self._rows: dict[int, tuple[float, T]] = {}
        post_save.connect(self._dropped, sender=model, weak=False)
        post_delete.connect(self._dropped, sender=model, weak=False)
        _ALL.append(self)

    def get(self, bureau_id: int) -> T:
        now = time.monotonic()
        kept = self._rows.get(bureau_id)
        if kept is not None and now - kept[0] < self._seconds:
            return kept[1]
        value = self._load(bureau_id)
        self._rows[bureau_id] = (now, value)
        return value

    def clear(self) -> None:
        self._rows.clear()

    def _dropped(self, **kwargs) -> None:
        self.clear()


def clear_all() -> None:
    """Forget every kept copy (tests, whose rollbacks send no signal)."""
    for cache in _ALL:
        cache.clear()

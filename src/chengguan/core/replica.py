"""Reports, exports and statistics may read from a streaming replica of PostgreSQL
(`DATABASE_REPLICA_URL`), so that the primary keeps its capacity for intake and the closed loop.

Only code run under `replica_reads` goes to the replica, and only its reads: every write, and
everything else, stays on the primary. What is read there may lag the primary by the replication
delay (normally well under a second), which a report or a year's figures can bear and a case page,
which must show the write just made, cannot — hence no automatic routing of all reads.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings

REPLICA = "replica"

_active: ContextVar[bool] = ContextVar("chengguan_replica_reads", default=False)

F = TypeVar("F", bound=Callable)


def configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Sends the reads made under `replica_reads` to the replica; never migrates it (it is a copy)."""

    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _active.get() and configured() else None

    def db_for_write(self, model, **hints) -> str | None:
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # A row read from the replica is the same row as on the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool | None:
        return False if db == REPLICA else None


@contextmanager
def _reading() -> Iterator[None]:
    token = _active.set(True)
    try:
        yield
    finally:
        _active.reset(token)


def _each_step_on_replica(generator: Iterator) -> Iterator:
    """Run only the generator's own steps under the replica, not the code that consumes it between
    two rows (a streaming response's writer, or a caller that writes)."""
    while True:
        with _reading():
            try:
                item = next(generator)
            except StopIteration:
                return
        yield item


def replica_reads(function: F) -> F:
    """Decorate a read-only report, export or statistic: its queries read from the replica when
    one is configured. Generator functions are followed step by step (streaming exports)."""
    if inspect.isgeneratorfunction(function):

        @functools.wraps(function)
        def stepping(*args, **kwargs):
            return _each_step_on_replica(function(*args, **kwargs))

        return stepping  # type: ignore[return-value]

    @functools.wraps(function)
    def reading(*args, **kwargs):
        with _reading():
            return function(*args, **kwargs)

    return reading  # type: ignore[return-value]

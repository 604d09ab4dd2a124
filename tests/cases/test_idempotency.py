"""Twenty concurrent retries of one report with the same idempotency key make exactly one case.

Real threads on real connections: PostgreSQL serialises them on the numbering row lock, SQLite with
IMMEDIATE transactions and a busy timeout serialises every writer.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from chengguan.cases.models import Case
from chengguan.cases.services import case_report
from chengguan.core import clock
from chengguan.core.models import AuditEvent, NumberSequence
from chengguan.org.roles import RoleCode as R
from tests.cases.conftest import QUIET_MOMENT

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_retries_make_one_case(district):
    lon, lat = district.point(1)
    inspector_id = district.users[R.INSPECTOR].pk
    start = threading.Barrier(THREADS)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def retry() -> None:
        try:
            actor = User.objects.get(pk=inspector_id)  # each thread loads its own user, as a request would
            start.wait()
            result = case_report(
                actor=actor,
                source="patrol",
                category="200101",
                description="井盖缺失，存在安全隐患",
                lon=lon,
                lat=lat,
                idempotency_key="a3f1c9e2-retry",
            )
            with lock:
                results.append((result.case.pk, result.created))
        except BaseException as exc:  # a failed thread must fail the test, not vanish
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    with clock.pinned(QUIET_MOMENT):
        threads = [threading.Thread(target=retry) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert len(results) == THREADS
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    case = Case.objects.get()
    assert AuditEvent.objects.filter(action="case.report").count() == 1
    # No number was used up by the retries: the sequence stands at 1 and the next case gets 2.
    assert NumberSequence.objects.get().last_value == 1
    with clock.pinned(QUIET_MOMENT):
        following = case_report(
            actor=district.users[R.INSPECTOR],
            source="patrol",
            category="200101",
            description="另一处井盖缺失",
            lon=lon,
            lat=lat,
        ).case
    assert int(following.number[-6:]) == int(case.number[-6:]) + 1 == 2

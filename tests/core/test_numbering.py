"""Case and document numbers are gapless per key and year, even under concurrent requests."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from chengguan.core.models import NumberSequence
from chengguan.core.numbering import format_document_number, next_number


def _issue(key: str, year: int) -> int:
    with transaction.atomic():
        return next_number(key, year)


@pytest.mark.django_db
def test_numbers_are_sequential_from_one():
    assert [_issue("case", 2026) for _ in range(4)] == [1, 2, 3, 4]


@pytest.mark.django_db
def test_each_key_and_each_year_has_its_own_sequence():
    assert _issue("case", 2026) == 1
    assert _issue("case", 2026) == 2
    assert _issue("penalty_decision", 2026) == 1
    assert _issue("case", 2027) == 1
    assert _issue("case", 2026) == 3


@pytest.mark.django_db
def test_a_rolled_back_write_gives_its_number_back():
    assert _issue("case", 2026) == 1

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        assert next_number("case", 2026) == 2
        raise Boom
    assert _issue("case", 2026) == 2


@pytest.mark.django_db(transaction=True)
def test_next_number_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        next_number("case", 2026)
    assert not NumberSequence.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_get_one_to_twenty_without_gaps_or_duplicates():
    workers = 20
    start = threading.Barrier(workers)
    issued: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def request() -> None:
        try:
            start.wait()
            number = _issue("concurrent", 2026)
            with lock:
                issued.append(number)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(issued) == list(range(1, workers + 1))
    assert NumberSequence.objects.get(key="concurrent", year=2026).last_value == workers


def test_document_number_follows_the_bureau_style():
    assert format_document_number("中原城管罚决字", 2026, 1) == "中原城管罚决字〔2026〕第0001号"
    assert format_document_number("中原城管罚决字", 2026, 12345) == "中原城管罚决字〔2026〕第12345号"
    assert format_document_number("中原城管立字", 2026, 7, width=3) == "中原城管立字〔2026〕第007号"

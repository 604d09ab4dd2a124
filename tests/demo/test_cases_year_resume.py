"""Playing the demo year again: the same seed gives the same year, and an interrupted run resumes."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from chengguan.cases.batch import CaseBatch
from chengguan.cases.models import Case
from chengguan.core.audit import verify_chain
from chengguan.core.clock import SHANGHAI
from chengguan.core.models import AuditEvent
from chengguan.demo.cases_year import generate_case_year, latest_run

END = dt.datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
COUNT = 50


class _Stop(Exception):
    pass


class _Undo(Exception):
    pass


def _year(count: int, **kwargs):
    return generate_case_year(seed=1, size="small", count=count, end=END, **kwargs)


def _snapshot() -> dict:
    cases = Case.objects.order_by("number")
    return {
        "cases": list(
            cases.values_list(
                "number",
                "idempotency_key",
                "state",
                "category__code",
                "grid__code",
                "source",
                "reported_at",
                "closed_at",
                "stage_due_at",
                "disposition",
                "handling_unit__name",
                "handler__username",
            )
        ),
        "audit": list(
            AuditEvent.objects.filter(object_type="cases.case")
            .order_by("created_at", "id")
            .values_list("action", "created_at", "actor_label")
        ),
    }


def _played_and_undone(count: int) -> dict:
    try:
        with transaction.atomic():
            _year(count)
            seen = _snapshot()
            raise _Undo
    except _Undo:
        pass
    return seen


def _command(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_interrupted_year_carries_on_to_the_same_year_as_an_uninterrupted_one(small_demo):
    """Same seed, same year: played once straight through, and once stopped half-way (as by Ctrl-C)
    and carried on by `make demo` running again. Nothing is duplicated, nothing is missing."""
    whole = _played_and_undone(COUNT)
    assert len(whole["cases"]) == COUNT

    def stop_half_way(stage, done, total):
        if done >= 200:
            raise _Stop

    with pytest.raises(_Stop):
        _year(COUNT, progress=stop_half_way)
    assert 0 < Case.objects.count() < COUNT
    assert latest_run() is not None and not latest_run().finished

    assert "继续" in _command("--if-empty")  # what `make demo` runs again
    assert latest_run().finished
    assert _snapshot() == whole
    assert verify_chain().ok
    assert "无需重复" in _command("--cases-only")


def test_a_run_killed_in_the_middle_of_a_day_loses_that_day_only_and_carries_on(small_demo, monkeypatch):
    """A day is one transaction of the bulk writer: killed half-way through one (Ctrl-C, a crash), the
    run keeps the days before it and nothing of that day; `make demo` plays it again from the start."""
    whole = _played_and_undone(COUNT)
    real = CaseBatch.transition
    calls = 0

    def dies_half_way(self, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 150:
            raise KeyboardInterrupt
        return real(self, **kwargs)

    monkeypatch.setattr(CaseBatch, "transition", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        _year(COUNT)
    monkeypatch.undo()
    assert 0 < Case.objects.count() < COUNT
    assert verify_chain().ok  # the rolled-back day left no half-written events behind

    assert "继续" in _command("--if-empty")
    assert _snapshot() == whole
    assert verify_chain().ok

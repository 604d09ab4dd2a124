"""The prepared single-row insert stores exactly what `Model.save()` stores."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.core import inserts
from chengguan.core.clock import SHANGHAI
from chengguan.core.models import AuditEvent

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 10, 1, 8, 30, 15, 123456, tzinfo=SHANGHAI)


def _event(**overrides) -> AuditEvent:
    values = {
        "created_at": MOMENT,
        "actor_label": "system",
        "action": "test.write",
        "object_type": "cases.case",
        "object_id": "7",
        "before": None,
        "after": {"说明": "国庆节", "n": [1, 2.5, None], "nested": {"ok": True}},
        "prev_hash": "0" * 64,
    }
    return AuditEvent(**{**values, **overrides})


def test_inserted_row_reads_back_like_a_saved_one():
    saved = _event(hash="a" * 64)
    saved.save(force_insert=True)
    fast = inserts.insert(_event(hash="b" * 64))

    assert fast.pk is not None and fast.pk != saved.pk and not fast._state.adding
    keep = ["created_at", "actor_id", "action", "object_type", "object_id", "before", "after"]
    assert AuditEvent.objects.filter(pk=fast.pk).values(*keep).get() == (
        AuditEvent.objects.filter(pk=saved.pk).values(*keep).get()
    )
    assert AuditEvent.objects.get(pk=fast.pk).created_at == MOMENT


def test_an_existing_row_is_refused():
    event = inserts.insert(_event(hash="c" * 64))
    with pytest.raises(ValueError):
        inserts.insert(event)
    assert AuditEvent.objects.count() == 1

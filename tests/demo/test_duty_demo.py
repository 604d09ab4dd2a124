"""The small demo's duty data: what a visitor of the duty pages would find."""

from __future__ import annotations

import pytest

from chengguan.duty import selectors
from chengguan.duty.models import StrictStreet
from chengguan.org.models import Organisation, OrgKind
from chengguan.org.system import system_actor

pytestmark = pytest.mark.django_db


def test_the_demo_has_strict_streets_with_an_on_post_rate(small_demo):
    bureau = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("pk").first()
    streets = list(StrictStreet.objects.filter(bureau=bureau))
    assert len(streets) == 2 and all(s.grids.exists() for s in streets)
    from chengguan.core import clock

    today = clock.today()
    rate = selectors.on_post_rate(
        system_actor(bureau),
        next(s for s in streets if s.name == "人民路严管街"),
        today - __import__("datetime").timedelta(days=7),
        today,
    )
    assert rate.required == 8 * 12 * 4 and rate.covered > 0


def test_the_demo_has_four_monday_meetings_and_an_overdue_item_on_the_agenda(small_demo):
    from chengguan.duty.models import ActionItem, Meeting

    bureau = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("pk").first()
    meetings = list(Meeting.objects.filter(bureau=bureau, kind="monday").order_by("starts_at"))
    assert len(meetings) == 4 and ActionItem.objects.filter(bureau=bureau).count() >= 6
    latest = meetings[-1]
    late = ActionItem.objects.filter(bureau=bureau, state="open", meeting=meetings[0]).get()
    if latest.state == "planned":
        assert late.pk in [r.carried.pk for r in selectors.agenda(latest) if r.carried]
    else:
        assert latest.agenda.filter(carried=late).exists()


def test_the_demo_has_notices_with_escalated_receipts(small_demo):
    from chengguan.duty.models import Notice, NoticeReceipt

    assert Notice.objects.count() == 3
    assert NoticeReceipt.objects.filter(read_at__isnull=False).exists()
    assert NoticeReceipt.objects.filter(read_at__isnull=True, escalation__gt=0).exists()


def test_the_demo_has_duty_logs_and_one_handover_waiting(small_demo):
    from chengguan.duty.models import Handover, LogEntry

    # This month's roster only: on the demo's day the bureau's finished 24-hour shifts of the month.
    assert LogEntry.objects.count() >= 2
    assert Handover.objects.filter(state="accepted").count() >= 1 or Handover.objects.count() == 1
    assert Handover.objects.filter(state="pending").count() == 1

"""The duty app's scheduled jobs. Each night the track points older than the retention period are
deleted (`duty.tracks_purge`). Each morning, the 督察 findings whose rectification is past its
deadline are escalated to the bureau's and the unit's leaders (`services.findings_escalate`, as the
bureau's system account; idempotent, so a catch-up run repeats nothing)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from chengguan.core import schedule
from chengguan.core.clock import SHANGHAI
from chengguan.duty.models import Finding, FindingState
from chengguan.org.models import Organisation
from chengguan.org.system import system_actor


@schedule.job("duty.findings_overdue", label=_("督察整改超期升级"), daily_at="08:45")
def findings_overdue(now: dt.datetime) -> dict:
    from chengguan.duty.services import findings_escalate

    today = now.astimezone(SHANGHAI).date()
    bureaus = (
        Finding.objects.filter(state=FindingState.RECTIFYING, due_on__lt=today, escalated_at__isnull=True)
        .values_list("bureau_id", flat=True)
        .distinct()
    )
    escalated = 0
    for bureau in Organisation.objects.filter(pk__in=list(bureaus)).order_by("pk"):
        escalated += findings_escalate(actor=system_actor(bureau), bureau=bureau, today=today)
    return {"escalated": escalated}


@schedule.job("duty.tracks_purge", label=_("删除超过保存期限的巡查轨迹"), daily_at="03:20")
def tracks_purge(now: dt.datetime) -> dict:
    from chengguan.duty.models import Patrol
    from chengguan.duty.services import track_retention_days, tracks_purge

    cutoff = now - dt.timedelta(days=track_retention_days())
    bureaus = (
        Patrol.objects.filter(started_at__lt=cutoff, purged_at__isnull=True)
        .values_list("bureau_id", flat=True)
        .distinct()
    )
    purged = 0
    for bureau in Organisation.objects.filter(pk__in=list(bureaus)).order_by("pk"):
        purged += tracks_purge(actor=system_actor(bureau), bureau=bureau, now=now)
    return {"purged": purged}


@schedule.job("duty.monday_meetings", label=_("安排周一例会并提醒逾期的会议交办事项"), daily_at="06:30")
def monday_meetings(now: dt.datetime) -> dict:
    """This week's and next week's Monday meetings are planned for every bureau, and the assignees of
    overdue action items are told (once per due date)."""
    from chengguan.duty.services import action_items_remind, monday_meetings_schedule
    from chengguan.org.models import OrgKind

    today = now.astimezone(SHANGHAI).date()
    planned = reminded = 0
    for bureau in Organisation.objects.filter(kind=OrgKind.BUREAU, is_active=True).order_by("pk"):
        actor = system_actor(bureau)
        planned += len(monday_meetings_schedule(actor=actor, bureau=bureau, today=today))
        reminded += action_items_remind(actor=actor, bureau=bureau, today=today)
    return {"planned": planned, "reminded": reminded}


@schedule.job(
    "duty.notices_escalate", label=_("重大事项通报未阅知、未回复升级"), every=dt.timedelta(minutes=15)
)
def notices_escalate(now: dt.datetime) -> dict:
    from chengguan.duty.models import Notice
    from chengguan.duty.services import notices_escalate

    bureaus = Notice.objects.filter(closed_at__isnull=True).values_list("bureau_id", flat=True).distinct()
    steps = 0
    for bureau in Organisation.objects.filter(pk__in=list(bureaus)).order_by("pk"):
        steps += notices_escalate(actor=system_actor(bureau), bureau=bureau, now=now)
    return {"escalated": steps}

"""The campaigns app's scheduled job: each morning, the assignees of tasks past their deadline are
told (`services.tasks_remind_overdue`, as the bureau's system account; idempotent)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from chengguan.campaigns.models import CampaignState, Task, TaskKind
from chengguan.core import schedule
from chengguan.core.clock import SHANGHAI
from chengguan.org.models import Organisation
from chengguan.org.system import system_actor


@schedule.job("campaigns.tasks_overdue", label=_("专项行动任务超期提醒"), daily_at="08:50")
def tasks_overdue(now: dt.datetime) -> dict:
    from chengguan.campaigns.services import tasks_remind_overdue

    today = now.astimezone(SHANGHAI).date()
    bureaus = (
        Task.objects.filter(
            kind=TaskKind.TASK,
            completed_at__isnull=True,
            due_on__lt=today,
            campaign__state=CampaignState.UNDER_WAY,
        )
        .values_list("campaign__bureau_id", flat=True)
        .distinct()
    )
    told = 0
    for bureau in Organisation.objects.filter(pk__in=list(bureaus)).order_by("pk"):
        told += tasks_remind_overdue(actor=system_actor(bureau), bureau=bureau, today=today)
    return {"told": told}

"""The case app's scheduled job: deadline warnings, overdue notices and escalations for cases and
for supervision (督办) replies, every five minutes.

Nothing here changes a case: "overdue" stays derived from the stored due times (ARCHITECTURE.md,
Deadlines); the job only tells people, once per event (the notification key carries the due time, so
an extension that moves it starts a new warning), and records each escalation once, audited.
- A due time within `CHENGGUAN_DEADLINE_NOTICE_HOURS` working hours (default 2) tells the people the
  case waits for; working hours on the China calendar, so a case due at 09:30 on the first day after
  a holiday is announced at 17:00 on the day before the holiday, not at 07:30 after it. A stage whose
  whole limit is shorter than the notice (the one-hour desk steps) gets no warning: it would fire as
  the case arrives.
- Past its due time: an overdue notice to the same people; a case in handling goes to its handling
  unit's leader at once (level 1) and to the bureau's shift leader after
  `CHENGGUAN_ESCALATE_AFTER_HOURS` working hours more (level 2).
- A supervision item is announced to the handling side when raised, warned of before its reply is
  due, and an overdue reply goes to the leader who raised it.
Items that fell due more than `CHENGGUAN_NOTIFY_LOOKBACK_DAYS` ago are left to the lists: a first
run on years of data does not flood anyone.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.cases import recipients
from chengguan.cases.limits import WARNING_SHARE
from chengguan.cases.models import Case, Supervision
from chengguan.cases.permissions import DISPATCH_DESK
from chengguan.cases.states import HANDLING_STATES, OPEN_STATES, CaseState
from chengguan.core import deadlines, schedule
from chengguan.core.clock import SHANGHAI
from chengguan.notifications.services import escalate, notify
from chengguan.org.system import SystemActors

RUNNING_STATES = OPEN_STATES - {CaseState.SUSPENDED}


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _hours(value: float) -> str:
    return f"{value:g}"


def _limit_seconds(case: Case) -> float | None:
    """The whole office time of the stage's limit, from its warning point (80 % of it)."""
    if case.stage_warning_at is None or case.stage_due_at is None:
        return None
    return deadlines.working_seconds_between(case.stage_warning_at, case.stage_due_at) / (1 - WARNING_SHARE)


def _case_params(case: Case, **extra) -> dict:
    return {
        "number": case.number,
        "stage": recipients.STAGE_OF_STATE.get(case.state, ""),
        "due": _when(case.stage_due_at),
        "unit": case.handling_unit.name if case.handling_unit_id else "",
        **extra,
    }


def _cases(qs):
    return qs.select_related("handling_unit", "handler", "grid", "bureau").order_by(
        F("stage_due_at").asc(nulls_last=True), "id"
    )


def case_notices(now: dt.datetime) -> dict:
    notice_hours = settings.CHENGGUAN_DEADLINE_NOTICE_HOURS
    window_end = deadlines.add_working_hours(now, notice_hours)
    since = now - dt.timedelta(days=settings.CHENGGUAN_NOTIFY_LOOKBACK_DAYS)
    running = Case.objects.filter(state__in=RUNNING_STATES, stage_due_at__isnull=False)
    counts = {"case_warnings": 0, "case_overdue": 0, "case_escalations": 0}
    actors = SystemActors()

    for case in _cases(running.filter(stage_due_at__gt=now, stage_due_at__lte=window_end)):
        limit = _limit_seconds(case)
        if limit is not None and limit <= notice_hours * 3600:
            continue
        sent = notify(
            recipients=recipients.waiting_on(case),
            message="case.deadline_soon",
            key=f"case:{case.pk}:soon:{case.stage_due_at.isoformat()}",
            params=_case_params(case, hours=_hours(notice_hours)),
            url=reverse("cases:detail", args=[case.number]),
            obj=case,
            actor=actors[case.bureau],
        )
        counts["case_warnings"] += bool(sent)

    escalate_after = settings.CHENGGUAN_ESCALATE_AFTER_HOURS * 3600
    for case in _cases(running.filter(stage_due_at__lte=now, stage_due_at__gte=since)):
        url = reverse("cases:detail", args=[case.number])
        sent = notify(
            recipients=recipients.waiting_on(case),
            message="case.overdue",
            key=f"case:{case.pk}:overdue:{case.stage_due_at.isoformat()}",
            params=_case_params(case),
            url=url,
            obj=case,
            actor=actors[case.bureau],
        )
        counts["case_overdue"] += bool(sent)
        if case.state not in HANDLING_STATES or case.handling_unit_id is None:
            continue
        counts["case_escalations"] += _escalate_case(case, now, url, escalate_after, actors[case.bureau])
    return counts


def _escalate_case(case: Case, now: dt.datetime, url: str, after_seconds: float, actor) -> int:
    """Level 1: the handling unit's leader (the shift leaders when the unit has none); level 2, once
    it is `after_seconds` of office time overdue: the bureau's shift leaders."""
    done = 0
    leaders = recipients.unit_leaders(case.handling_unit)
    note = "" if leaders else "该单位没有登记负责人，已转值班长"
    first = escalate(
        obj=case,
        action="case.escalate",
        due_at=case.stage_due_at,
        level=1,
        recipients=leaders or recipients.shift_leaders(case.bureau_id),
        message="case.escalated_unit",
        params=_case_params(case),
        url=url,
        note=note,
        actor=actor,
    )
    done += first is not None
    if deadlines.working_seconds_between(case.stage_due_at, now) >= after_seconds:
        second = escalate(
            obj=case,
            action="case.escalate",
            due_at=case.stage_due_at,
            level=2,
            recipients=recipients.shift_leaders(case.bureau_id),
            message="case.escalated_bureau",
            params=_case_params(case, hours=_hours(after_seconds / 3600)),
            url=url,
            actor=actor,
        )
        done += second is not None
    return done


def _reply_side(item: Supervision) -> list:
    """Who answers a supervision item: the handling unit, or the dispatch desk before dispatch."""
    case = item.case
    if case.handling_unit_id is not None:
        return recipients.handling_staff(case)
    return recipients.in_bureau(case.bureau_id, *DISPATCH_DESK)


def supervision_notices(now: dt.datetime) -> dict:
    notice_hours = settings.CHENGGUAN_DEADLINE_NOTICE_HOURS
    window_end = deadlines.add_working_hours(now, notice_hours)
    since = now - dt.timedelta(days=settings.CHENGGUAN_NOTIFY_LOOKBACK_DAYS)
    waiting = Supervision.objects.filter(replied_at__isnull=True, case__state__in=OPEN_STATES).select_related(
        "case", "case__handling_unit", "case__bureau", "created_by"
    )
    actors = SystemActors()
    url = reverse("cases:supervision")
    counts = {"supervisions_raised": 0, "supervision_warnings": 0, "supervision_overdue": 0}

    def params(item: Supervision) -> dict:
        return {
            "number": item.case.number,
            "level": item.level,
            "instruction": item.instruction[:60],
            "due": _when(item.reply_due_at),
            "unit": item.case.handling_unit.name if item.case.handling_unit_id else "",
            "hours": _hours(notice_hours),
        }

    for item in waiting.filter(created_at__gte=since, reply_due_at__gt=now):
        sent = notify(
            recipients=[u for u in _reply_side(item) if u.pk != item.created_by_id],
            message="supervision.raised",
            key=f"supervision:{item.pk}:raised",
            params=params(item),
            url=url,
            obj=item.case,
            actor=actors[item.case.bureau],
        )
        counts["supervisions_raised"] += bool(sent)
    for item in waiting.filter(reply_due_at__gt=now, reply_due_at__lte=window_end):
        sent = notify(
            recipients=_reply_side(item),
            message="supervision.deadline_soon",
            key=f"supervision:{item.pk}:soon:{item.reply_due_at.isoformat()}",
            params=params(item),
            url=url,
            obj=item.case,
            actor=actors[item.case.bureau],
        )
        counts["supervision_warnings"] += bool(sent)
    for item in waiting.filter(reply_due_at__lte=now, reply_due_at__gte=since):
        notify(
            recipients=_reply_side(item),
            message="supervision.overdue",
            key=f"supervision:{item.pk}:overdue:{item.reply_due_at.isoformat()}",
            params=params(item),
            url=url,
            obj=item.case,
            actor=actors[item.case.bureau],
        )
        raised = escalate(
            obj=item.case,
            item=item,
            action="case.supervision_escalate",
            due_at=item.reply_due_at,
            level=1,
            recipients=[item.created_by],
            message="supervision.escalated",
            params=params(item),
            url=url,
            actor=actors[item.case.bureau],
        )
        counts["supervision_overdue"] += raised is not None
    return counts


@schedule.job("cases.deadlines", label=_("案件与督办时限提醒"), every=dt.timedelta(minutes=5))
def deadlines_job(now: dt.datetime) -> dict:
    return {**case_notices(now), **supervision_notices(now)}

"""The penalty app's scheduled jobs.

- `enforcement.deadlines` (every 30 min): the bureau's own statutory duties (`periods.OFFICE_DUTIES`:
  the 90-day decision of 行政处罚法 第六十条, service of the decision, the hearing notice, the court
  application window of 行政强制法 第五十三条) warned of to the case's officers when due within
  `periods.WARNING_DAYS` days and announced when missed; a case waiting in 案件审查 for the legal review
  of 行政处罚法 第五十八条 is announced to the bureau's legal reviewers.
- `enforcement.disclosure_withdrawals` (hourly): a published decision that was revoked, changed or
  confirmed unlawful is withdrawn on the day its withdrawal falls due (第四十八条第二款: within three
  working days), with the reason recorded when it was scheduled, and the legal office is told.
Each run works on everything due up to now and tells each event once (the keys carry the due day).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.core import schedule
from chengguan.core.clock import SHANGHAI
from chengguan.core.models import AuditEvent
from chengguan.enforcement import disclosure, periods
from chengguan.enforcement.models import PenaltyCase, PenaltyDeadline, PenaltyDisclosure
from chengguan.enforcement.permissions import DISCLOSURE_WATCH, REVIEW_DESK
from chengguan.enforcement.states import FINAL_STATES, PenaltyAction, PenaltyState
from chengguan.notifications.services import notify
from chengguan.org.selectors import staff_holding
from chengguan.org.system import SystemActors


def _duty_notices(today: dt.date) -> dict:
    since = today - dt.timedelta(days=settings.CHENGGUAN_NOTIFY_LOOKBACK_DAYS)
    duties = (
        PenaltyDeadline.objects.filter(period_id__in=periods.OFFICE_DUTIES, met_on__isnull=True)
        .exclude(case__state__in=[*FINAL_STATES, PenaltyState.SUSPENDED])
        .select_related("case", "case__bureau")
        .prefetch_related("case__officers")
        .order_by("due_on", "id")
    )
    soon = duties.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=periods.WARNING_DAYS))
    missed = duties.filter(due_on__lt=today, due_on__gte=since)
    counts = {"penalty_warnings": 0, "penalty_overdue": 0}
    actors = SystemActors()
    for label, message, qs in (
        ("penalty_warnings", "penalty.deadline_soon", soon),
        ("penalty_overdue", "penalty.overdue", missed),
    ):
        for deadline in qs:
            case = deadline.case
            sent = notify(
                recipients=case.officers.all(),
                message=message,
                key=f"penalty:{case.pk}:{deadline.period_id}:{message.rsplit('.', 1)[1]}:{deadline.due_on}",
                params={"number": str(case), "period": deadline.name, "due": deadline.due_on.isoformat()},
                url=reverse("enforcement:detail", args=[case.pk]),
                obj=case,
                actor=actors[case.bureau],
            )
            counts[label] += bool(sent)
    return counts


def _review_notices() -> int:
    """Cases submitted for legal review that no legal reviewer has passed or returned since."""
    sent_count = 0
    submit = f"penalty.{PenaltyAction.SUBMIT_FOR_REVIEW}"
    answered = (f"penalty.{PenaltyAction.LEGAL_REVIEW_PASS}", f"penalty.{PenaltyAction.LEGAL_REVIEW_RETURN}")
    actors = SystemActors()
    for case in (
        PenaltyCase.objects.filter(state=PenaltyState.CASE_REVIEW).select_related("bureau").order_by("id")
    ):
        events = AuditEvent.objects.filter(object_type="enforcement.penaltycase", object_id=str(case.pk))
        submitted = events.filter(action=submit).order_by("-id").first()
        if submitted is None or events.filter(action__in=answered, id__gt=submitted.pk).exists():
            continue
        sent = notify(
            recipients=staff_holding(*REVIEW_DESK, bureau_id=case.bureau_id),
            message="penalty.review_waiting",
            key=f"penalty:{case.pk}:review:{submitted.pk}",
            params={"number": str(case)},
            url=reverse("enforcement:detail", args=[case.pk]),
            obj=case,
            actor=actors[case.bureau],
        )
        sent_count += bool(sent)
    return sent_count


@schedule.job("enforcement.deadlines", label=_("处罚案件期限提醒"), every=dt.timedelta(minutes=30))
def deadlines_job(now: dt.datetime) -> dict:
    return {**_duty_notices(now.astimezone(SHANGHAI).date()), "reviews_waiting": _review_notices()}


@schedule.job("enforcement.disclosure_withdrawals", label=_("到期撤回处罚公示"), every=dt.timedelta(hours=1))
def withdrawals_job(now: dt.datetime) -> dict:
    today = now.astimezone(SHANGHAI).date()
    due = PenaltyDisclosure.objects.filter(
        withdrawn_on__isnull=True, withdrawal_due_on__isnull=False, withdrawal_due_on__lte=today
    ).select_related("case", "case__bureau")
    withdrawn = 0
    actors = SystemActors()
    for item in due.order_by("withdrawal_due_on", "id"):
        item = disclosure.disclosure_withdraw(actor=actors[item.case.bureau], disclosure=item, on=today)
        withdrawn += 1
        notify(
            recipients=staff_holding(*DISCLOSURE_WATCH, bureau_id=item.case.bureau_id),
            message="penalty.disclosure_withdrawn",
            key=f"disclosure:{item.pk}:withdrawn",
            params={"decision": item.decision_number, "reason": item.withdrawal_reason},
            url=reverse("enforcement:detail", args=[item.case_id]),
            obj=item.case,
            actor=actors[item.case.bureau],
        )
    return {"withdrawn": withdrawn}

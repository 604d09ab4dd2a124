"""Demo feedback (反馈), callbacks (回访) and 12345 work orders for the demo year's public cases.

Written in bulk (tens of thousands of rows) but by the same rules as `feedback_record`,
`callback_record` and `work_order_receive`: only cases that were accepted get feedback, only closed
cases get a callback, the officer is an intake operator of the case's bureau, nothing is dated after
now, and every row gets its audit event in the same transaction (`audit.record_many`).

The shape follows the bureau's published year: every person is told the result (an interim progress
call before the due time when the case is not finished by then, 济南市12345市民服务热线条例 第二十四条),
and about 99.8 % of the ratings are 满意 or 基本满意.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.public import PUBLIC_SOURCES
from chengguan.cases.states import CaseState
from chengguan.channels import rules
from chengguan.channels.models import Channel, WorkOrder
from chengguan.core import audit, clock
from chengguan.feedback.models import Callback, Feedback, FeedbackMethod, Rating
from chengguan.org.models import StaffProfile
from chengguan.org.roles import RoleCode
from chengguan.portal.models import ReviewDecision
from chengguan.portal.services import callback_review_decide

CHUNK = 500
DISSATISFIED_SHARE = 0.002
BASICALLY_SHARE = 0.18
# Share of hotline cases that arrived as a 12345 work order rather than by phone to the bureau.
WORK_ORDER_SHARE = 0.6
METHODS = (
    (FeedbackMethod.PHONE, 0.55),
    (FeedbackMethod.SMS, 0.35),
    (FeedbackMethod.PORTAL, 0.07),
    (FeedbackMethod.IN_PERSON, 0.03),
)


@dataclass
class FeedbackSummary:
    feedback: int = 0
    callbacks: int = 0
    work_orders: int = 0


def _operators(role: str = RoleCode.OPERATOR) -> dict[int, list]:
    """Staff of `role` per bureau."""
    by_bureau: dict[int, list] = {}
    for profile in StaffProfile.objects.filter(roles__code=role).select_related("user", "organisation"):
        by_bureau.setdefault(profile.organisation.bureau_id, []).append(profile.user)
    return by_bureau


def _minutes(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(minutes=rng.randint(low, high))


def _calling_hours(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    """The same day between 9:00 and 20:00 (Beijing time): nobody is called back at night."""
    local = moment.astimezone(clock.SHANGHAI)
    if 9 <= local.hour < 20:
        return moment
    day = local.date() + dt.timedelta(days=1 if local.hour >= 20 else 0)
    start = dt.datetime.combine(day, dt.time(9, 0), clock.SHANGHAI)
    return start + _minutes(rng, 0, 180)


EXPLANATIONS = (
    "经复核，问题已按标准处置到位，已向群众当面解释处置依据。",
    "已电话说明：该处属产权单位管理范围，已函告产权单位并持续跟踪。",
    "复核确认已处置完毕，群众反映的新情况已另行立案办理。",
)


def _plan_unfinished(case: Case, officer, rng: random.Random, now: dt.datetime) -> list[Feedback]:
    """A case not closed (still open, or not filed / merged / cancelled): the person is told the
    decision, or how far it has got before the due time runs out."""
    if case.state in (CaseState.NOT_FILED, CaseState.MERGED, CaseState.CANCELLED):
        told = min(case.closed_at + _minutes(rng, 20, 240), now)
        content = "已告知：" + (case.reason or "经核实，该问题不属于受理范围。")[:200]
        return [Feedback(case=case, method=FeedbackMethod.PHONE, content=content, at=told, officer=officer)]
    due = case.feedback_due_at
    if due is None or due > now + dt.timedelta(hours=12):
        return []  # not due yet: the result is what the person will be told
    start = case.filed_at or case.reported_at
    told = min(start + _minutes(rng, 30, 600), due - dt.timedelta(minutes=5), now)
    content = "已告知办理进度：问题已受理，正在处置。"
    return [Feedback(case=case, method=FeedbackMethod.PHONE, content=content, at=told, officer=officer)]


def _plan_case(
    case: Case, officer, rng: random.Random, now: dt.datetime
) -> tuple[list[Feedback], Callback | None]:
    if case.state != CaseState.CLOSED:
        return _plan_unfinished(case, officer, rng, now), None
    due = case.feedback_due_at
    told = case.closed_at + _minutes(rng, 20, 240)
    rows: list[Feedback] = []
    if due is not None and told > due and case.filed_at and case.filed_at < due:
        # Not finished by the due time: the person is told how far it has got, before the due time.
        progress_at = min(case.filed_at + _minutes(rng, 30, 600), due - dt.timedelta(minutes=5))
        rows.append(
            Feedback(
                case=case,
                method=FeedbackMethod.PHONE,
                content="已告知办理进度：问题已立案，正在处置。",
                at=progress_at,
                officer=officer,
            )
        )
    if told <= now:
        method = rng.choices([m for m, _ in METHODS], weights=[w for _, w in METHODS])[0]
        rows.append(
            Feedback(
                case=case,
                method=method,
                content="已告知处理结果：" + (case.result or "问题已处理完毕。")[:200],
                at=told,
                officer=officer,
            )
        )
    callback_at = _calling_hours(told + _minutes(rng, 60 * 24, 60 * 72), rng)
    if callback_at > now:
        return rows, None
    roll = rng.random()
    rating = (
        Rating.DISSATISFIED
        if roll < DISSATISFIED_SHARE
        else Rating.BASICALLY
        if roll < DISSATISFIED_SHARE + BASICALLY_SHARE
        else Rating.SATISFIED
    )
    return rows, Callback(case=case, rating=rating, at=callback_at, officer=officer)


def _work_order(case: Case, officer, seq: int, rng: random.Random, now: dt.datetime) -> WorkOrder:
    received = case.reported_at
    due = rules.reply_due(Channel.HOTLINE_12345, received)
    replied = min(
        case.closed_at + _minutes(rng, 10, 120),
        max(due - _minutes(rng, 5, 60), received + dt.timedelta(minutes=30)),
    )
    return WorkOrder(
        channel=Channel.HOTLINE_12345,
        external_id=f"GD{received.astimezone(clock.SHANGHAI):%Y%m%d}{seq:06d}",
        received_at=received,
        complainant_name=case.reporter_name,
        complainant_phone=case.reporter_phone,
        content=case.description,
        address=case.address,
        lon=case.lon,
        lat=case.lat,
        category_id=case.category_id,
        reply_due_at=due,
        case=case,
        reply=(case.result or "问题已处理完毕。")[:2000],
        replied_at=min(replied, now),
        replied_by=officer,
        created_at=received,
    )


def seed_feedback(*, seed: int = 1, progress: Callable[[int, int], object] | None = None) -> FeedbackSummary:
    """Feedback, callbacks and 12345 work orders for every public case that has no feedback yet
    (closed: the result and a callback; not filed: the decision; open past its due time: progress).
    Running it again adds nothing for cases already seeded."""
    rng = random.Random(f"chengguan-demo:{seed}:feedback")
    now = clock.now()
    operators = _operators()
    todo = (
        Case.objects.filter(source__in=PUBLIC_SOURCES, is_spam=False)
        .exclude(feedback_records__isnull=False)
        .order_by("reported_at", "id")
    )
    ids = list(todo.values_list("pk", flat=True))
    summary = FeedbackSummary()
    seq = WorkOrder.objects.filter(channel=Channel.HOTLINE_12345).count()
    for offset in range(0, len(ids), CHUNK):
        with transaction.atomic():
            cases = Case.objects.filter(pk__in=ids[offset : offset + CHUNK]).select_related("bureau")
            has_order = set(WorkOrder.objects.filter(case__in=cases).values_list("case_id", flat=True))
            feedback: list[Feedback] = []
            callbacks: list[Callback] = []
            orders: list[WorkOrder] = []
            for case in cases:
                staff = operators.get(case.bureau_id)
                if not staff:
                    continue
                officer = rng.choice(staff)
                rows, callback = _plan_case(case, officer, rng, now)
                feedback += rows
                if callback:
                    callbacks.append(callback)
                if (
                    case.source == CaseSource.HOTLINE
                    and case.state == CaseState.CLOSED
                    and case.pk not in has_order
                    and rng.random() < WORK_ORDER_SHARE
                ):
                    seq += 1
                    orders.append(_work_order(case, officer, seq, rng, now))
            Feedback.objects.bulk_create(feedback)
            Callback.objects.bulk_create(callbacks)
            WorkOrder.objects.bulk_create(orders)
            # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; the events name them.
            audit.record_many(
                [
                    *(
                        audit.PendingEvent(
                            actor=f.officer,
                            action="case.feedback",
                            obj=f.case,
                            after={"feedback": f.pk, "method": f.method, "at": f.at},
                            created_at=f.at,
                        )
                        for f in feedback
                    ),
                    *(
                        audit.PendingEvent(
                            actor=c.officer,
                            action="case.callback",
                            obj=c.case,
                            after={"callback": c.pk, "rating": c.rating, "at": c.at},
                            created_at=c.at,
                        )
                        for c in callbacks
                    ),
                    *(
                        audit.PendingEvent(
                            actor=o.replied_by,
                            action="work_order.demo_seed",
                            obj=o,
                            after={
                                "external_id": o.external_id,
                                "case": o.case.number,
                                "replied_at": o.replied_at,
                            },
                            created_at=o.created_at,
                        )
                        for o in orders
                    ),
                ]
            )
            summary.feedback += len(feedback)
            summary.callbacks += len(callbacks)
            summary.work_orders += len(orders)
        if progress:
            progress(min(offset + CHUNK, len(ids)), len(ids))
    _review_old_complaints(rng, now)
    return summary


def _review_old_complaints(rng: random.Random, now: dt.datetime) -> None:
    """A leader has reviewed every 不满意 rating older than a week (回访复核), through the service;
    the newer ones wait on the review list. They are few (about 0.2 % of the ratings)."""
    leaders = _operators(RoleCode.LEADER)
    pending = (
        Callback.objects.filter(
            rating=Rating.DISSATISFIED, review__isnull=True, at__lt=now - dt.timedelta(days=7)
        )
        .select_related("case")
        .order_by("at", "id")
    )
    for callback in pending:
        staff = leaders.get(callback.case.bureau_id)
        if not staff:
            continue
        with clock.pinned(_calling_hours(callback.at + _minutes(rng, 60 * 20, 60 * 60), rng)):
            callback_review_decide(
                actor=rng.choice(staff),
                callback=callback,
                decision=ReviewDecision.EXPLAIN,
                note=rng.choice(EXPLANATIONS),
            )

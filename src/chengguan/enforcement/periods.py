"""The statutory periods of a penalty case, computed from the events entered.

Every date comes from `core.legal_periods.deadline` (start day not counted; working-day periods per
行政处罚法 第八十五条 and 行政强制法 第六十九条; calendar periods ending on a rest day roll forward).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chengguan.core import deadlines, legal_periods
from chengguan.core.errors import ValidationFailed
from chengguan.enforcement.errors import PenaltyError

# The deadlines each event starts, as ids of `core/data/legal_periods.yaml`.
EVENT_PERIODS: dict[str, tuple[str, ...]] = {
    "filed": ("apl_decision_deadline",),
    "notice_served": ("apl_hearing_request",),
    "decided": ("apl_service_of_decision",),
    "decision_served": ("apl_fine_payment", "arl_application_period", "all_direct_suit"),
    "reminder_served": ("acl_reminder_before_court_application",),
    "reconsideration_period_ended": ("acl_court_application_window",),
    "hearing": ("apl_hearing_notice",),
}
EVENTS = tuple(EVENT_PERIODS)
# Periods the bureau itself must keep; the others (hearing request, payment, reconsideration, suit)
# belong to the party, and a waiting period (ACL Art. 54) running out is no fault of anybody's.
OFFICE_DUTIES = frozenset(
    {"apl_decision_deadline", "apl_service_of_decision", "apl_hearing_notice", "acl_court_application_window"}
)
WARNING_DAYS = 3  # an office duty due within this many days is shown in amber
_ARTICLE = re.compile(r"Art\.(\d+)(?:\s*para\.(\d+))?(?:\((\d+)\))?")
LAW_NAMES = {"APL": _("行政处罚法"), "ACL": _("行政强制法"), "ARL": _("行政复议法"), "ALL": _("行政诉讼法")}
SURCHARGE_RATE = Decimal("0.03")  # 行政处罚法 第七十二条第一款第一项


@dataclass(frozen=True)
class ComputedDeadline:
    period_id: str
    name: str
    article: str
    event: str
    start_on: dt.date
    due_on: dt.date
    working_days: bool
    met_on: dt.date | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("start_on", "due_on", "met_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def article_label(article: str) -> str:
    """`APL Art.64(1) + Art.85` as staff read it: `《行政处罚法》第64条第1项、第85条` (in English,
    `Administrative Penalty Law Art. 64(1), Art. 85`)."""
    law, _sep, rest = article.partition(" ")
    name = LAW_NAMES.get(law)
    if name is None:
        return article
    parts = []
    for number, paragraph, item in _ARTICLE.findall(rest):
        text = gettext("第%(n)s条") % {"n": number}
        text += gettext("第%(n)s款") % {"n": paragraph} if paragraph else ""
        text += gettext("第%(n)s项") % {"n": item} if item else ""
        parts.append(text)
    return gettext("《%(law)s》") % {"law": name} + gettext("、").join(parts) if parts else article


def period_name(name: str) -> str:
    """A period's name (core/data/legal_periods.yaml, in Chinese) in the reader's language: the
    names of the periods a penalty case shows are in the enforcement catalogue."""
    return gettext(name)


def compute(period_id: str, event: str, start: dt.date, met_on: dt.date | None = None) -> ComputedDeadline:
    period = legal_periods.get(period_id)
    return ComputedDeadline(
        period_id=period.id,
        name=period.name,
        article=period.article,
        event=event,
        start_on=start,
        due_on=legal_periods.deadline(period_id, start),
        working_days=bool(period.working_days),
        met_on=met_on,
    )


def deadlines_for_event(event: str, on: dt.date) -> list[ComputedDeadline]:
    """The deadlines one event starts (`chengguan legal-periods --event`)."""
    if event not in EVENT_PERIODS:
        raise ValidationFailed(
            f"未知事件“{event}”，可选：{', '.join(EVENTS)}", code=PenaltyError.UNKNOWN_EVENT
        )
    return [compute(pid, event, on) for pid in EVENT_PERIODS[event]]


# 陈述、申辩 (第四十四条、第四十五条): the law gives no period, so it is the bureau's setting; the
# installation default is three working days, counted as 第八十五条 counts (start day not counted).
STATEMENT_PERIOD_ID = "bureau_statement_period"
STATEMENT_PERIOD_NAME = "陈述、申辩期限"
STATEMENT_ARTICLE = "APL Art.44 + Art.45 + Art.85"
STATEMENT_DAYS_DEFAULT = 3
STATEMENT_RULE_DEFAULT = (
    "安装默认值：行政处罚法第四十四条、第四十五条未规定陈述、申辩的期限，"
    "按第八十五条以工作日计三个工作日；请按本省规定设置"
)


@dataclass(frozen=True)
class StatementPeriod:
    days: int
    rule: str  # the provincial (or the bureau's own) rule the period follows


def statement_period(bureau) -> StatementPeriod:
    """The bureau's statement-and-defence period: its `PenaltySettings`, else the installation's
    `PENALTY_STATEMENT_DAYS_DEFAULT` / `PENALTY_STATEMENT_RULE_DEFAULT`."""
    from chengguan.enforcement.models import PenaltySettings

    row = PenaltySettings.objects.filter(bureau=bureau).first()
    if row is not None:
        return StatementPeriod(row.statement_days, row.statement_rule)
    return StatementPeriod(
        int(getattr(settings, "PENALTY_STATEMENT_DAYS_DEFAULT", STATEMENT_DAYS_DEFAULT)),
        str(getattr(settings, "PENALTY_STATEMENT_RULE_DEFAULT", "") or STATEMENT_RULE_DEFAULT),
    )


def statement_due(bureau, notice_served_on: dt.date, *, hearing_offered: bool) -> dt.date:
    """The last day the party may state and defend: the bureau's working days after service; where a
    hearing is offered, not before the five working days of 第六十四条 run out (the notice names
    one period for both)."""
    due = deadlines.add_working_days(notice_served_on, statement_period(bureau).days)
    if hearing_offered:
        due = max(due, legal_periods.deadline("apl_hearing_request", notice_served_on))
    return due


def review_periods_end(decision_served_on: dt.date) -> dt.date:
    """The day the party's last remedy runs out: the later of reconsideration (行政复议法 第二十条,
    60 days) and litigation (行政诉讼法 第四十六条, 6 months). ACL Art. 53's 3 months start here."""
    return max(
        legal_periods.deadline("arl_application_period", decision_served_on),
        legal_periods.deadline("all_direct_suit", decision_served_on),
    )


def review_windows(
    decision_served_on: dt.date, reconsideration_decided_on: dt.date | None = None
) -> dict[str, dt.date]:
    """The last day the party may apply for reconsideration (行政复议法 第二十条, 60 days) and sue
    (行政诉讼法 第四十六条, 6 months; after a reconsideration decision, 第四十五条: 15 days from it,
    when that is later), counted from the day the decision was served."""
    suit = legal_periods.deadline("all_direct_suit", decision_served_on)
    if reconsideration_decided_on is not None:
        suit = max(suit, legal_periods.deadline("all_after_reconsideration", reconsideration_decided_on))
    return {
        "reconsideration": legal_periods.deadline("arl_application_period", decision_served_on),
        "litigation": suit,
    }


def _statement_deadline(case) -> ComputedDeadline | None:
    """The statement-and-defence period of a served notice; where a hearing is offered and both end
    on the same day, the hearing's row stands for both."""
    if not case.notice_served_on or case.procedure != "general":
        return None
    due = case.statement_due_on or statement_due(
        case.bureau, case.notice_served_on, hearing_offered=case.hearing_offered
    )
    if case.hearing_offered and due == legal_periods.deadline("apl_hearing_request", case.notice_served_on):
        return None
    return ComputedDeadline(
        period_id=STATEMENT_PERIOD_ID,
        name=STATEMENT_PERIOD_NAME,
        article=STATEMENT_ARTICLE,
        event="notice_served",
        start_on=case.notice_served_on,
        due_on=due,
        working_days=True,
        met_on=case.statement_on or case.hearing_requested_on,
    )


def case_deadlines(case) -> list[ComputedDeadline]:
    """Every period the case's recorded events have started, each with its article and, where the act
    was done, the day it was done."""
    out: list[ComputedDeadline] = []
    if case.filed_on and case.procedure == "general":
        out.append(compute("apl_decision_deadline", "filed", case.filed_on, case.decision_on))
    if case.notice_served_on and case.hearing_offered:
        out.append(
            compute("apl_hearing_request", "notice_served", case.notice_served_on, case.hearing_requested_on)
        )
    statement = _statement_deadline(case)
    if statement is not None:
        out.append(statement)
    if case.hearing_on:
        out.append(compute("apl_hearing_notice", "hearing", case.hearing_on, case.hearing_notice_on))
    if case.decision_on and case.procedure == "general":
        out.append(compute("apl_service_of_decision", "decided", case.decision_on, case.decision_served_on))
    if case.decision_served_on:
        if case.fine_amount and not case.collected_on_spot:
            out.append(compute("apl_fine_payment", "decision_served", case.decision_served_on, case.paid_on))
        out.append(compute("arl_application_period", "decision_served", case.decision_served_on))
        out.append(compute("all_direct_suit", "decision_served", case.decision_served_on))
        end = review_periods_end(case.decision_served_on)
        out.append(
            compute(
                "acl_court_application_window", "reconsideration_period_ended", end, case.court_applied_on
            )
        )
    if case.reminder_served_on:
        out.append(
            compute("acl_reminder_before_court_application", "reminder_served", case.reminder_served_on)
        )
    return out


def late_surcharge(
    *,
    fine: Decimal,
    payment_due: dt.date,
    on: dt.date,
    excluded: list[tuple[dt.date, dt.date | None]] = (),
) -> Decimal:
    """加处罚款: 3 % of the fine for each day after the payment deadline up to `on`, never more than the
    fine (行政处罚法 第七十二条); days while reconsideration or litigation is pending are not counted
    (第七十三条第三款). `excluded` holds (applied_on, concluded_on or None = still pending)."""
    if on <= payment_due:
        return Decimal("0.00")
    late_days = set()
    day = payment_due + dt.timedelta(days=1)
    while day <= on:
        late_days.add(day)
        day += dt.timedelta(days=1)
    for first, last in excluded:
        last = last or on
        late_days = {d for d in late_days if not first <= d <= last}
    amount = (fine * SURCHARGE_RATE * len(late_days)).quantize(Decimal("0.01"))
    return min(amount, fine)

"""The penalty procedure (行政处罚法 第五章、第六章) on the workflow kernel: (state, action) → target,
who may act, what each action takes, and the law's date rules as guards.

The same table drives `services.penalty_transition`, the buttons and forms of the case page, the
API's action endpoints and `available_actions`, the matrix test and docs/workflows.md.

A date rule is checked on the date the action records. Where that date is the one the action
defaults to (today), or a rule that only a later day can satisfy ("not before"), `available_actions`
applies it to today, so a button is never offered that the rule refuses. A rule only an earlier day
can satisfy ("not after": a request recorded late, an application inside its window) cannot be
judged before the date is given, so it is checked by `apply` alone.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chengguan.core import legal_periods
from chengguan.core.workflow import RESUME, STAY, Context, FieldSpec, Guard, Machine, transition
from chengguan.enforcement import casefile, periods, records
from chengguan.enforcement.errors import PenaltyError as E
from chengguan.enforcement.models import (
    PenaltyCase,
    PenaltyState,
    Procedure,
    ReviewOutcome,
    StatementKind,
)
from chengguan.enforcement.permissions import (
    can_approve,
    can_conduct,
    can_decide,
    can_direct,
    can_legal_review,
    can_record_reviews,
    penalty_in_bureau,
)

__all__ = ["PENALTY_MACHINE", "PenaltyAction", "PenaltyState", "Procedure"]

S = PenaltyState
MIN_OFFICERS = 2  # 行政处罚法 第四十二条
BEFORE_DECISION = frozenset(
    {
        S.PROPOSED,
        S.INVESTIGATING,
        S.CASE_REVIEW,
        S.NOTIFIED,
        S.HEARING_REQUESTED,
        S.HEARING_SCHEDULED,
        S.HEARD,
    }
)
FINAL_STATES = frozenset({S.CLOSED, S.TERMINATED, S.TRANSFERRED})
# Evidence is gathered while the facts are being established; after the decision the file is fixed.
EVIDENCE_STATES = frozenset({S.PROPOSED, S.INVESTIGATING, S.CASE_REVIEW})


class PenaltyAction(models.TextChoices):
    APPROVE_FILING = "approve_filing", pgettext_lazy("penalty action", "批准立案")
    SUBMIT_FOR_REVIEW = "submit_for_review", pgettext_lazy("penalty action", "调查终结提交审查")
    LEGAL_REVIEW_PASS = "legal_review_pass", pgettext_lazy("penalty action", "法制审核通过")
    LEGAL_REVIEW_RETURN = "legal_review_return", pgettext_lazy("penalty action", "法制审核退回补充调查")
    SERVE_NOTICE = "serve_notice", pgettext_lazy("penalty action", "送达事先告知书")
    RECORD_STATEMENT = "record_statement", pgettext_lazy("penalty action", "登记陈述申辩")
    REQUEST_HEARING = "request_hearing", pgettext_lazy("penalty action", "当事人申请听证")
    SCHEDULE_HEARING = "schedule_hearing", pgettext_lazy("penalty action", "通知听证")
    HOLD_HEARING = "hold_hearing", pgettext_lazy("penalty action", "举行听证")
    DECIDE = "decide", pgettext_lazy("penalty action", "作出处罚决定")
    SERVE_DECISION = "serve_decision", pgettext_lazy("penalty action", "送达处罚决定书")
    RECORD_PAYMENT = "record_payment", pgettext_lazy("penalty action", "登记缴款")
    SERVE_REMINDER = "serve_reminder", pgettext_lazy("penalty action", "送达催告书")
    APPLY_COURT = "apply_court", pgettext_lazy("penalty action", "申请法院强制执行")
    CLOSE = "close", pgettext_lazy("penalty action", "结案")
    SUSPEND = "suspend", pgettext_lazy("penalty action", "中止")
    RESUME = "resume", pgettext_lazy("penalty action", "恢复")
    TERMINATE = "terminate", pgettext_lazy("penalty action", "终止调查")
    TRANSFER = "transfer", pgettext_lazy("penalty action", "移送")
    END_REVOKED = "end_revoked", pgettext_lazy("penalty action", "决定被撤销，终止案件")


A = PenaltyAction
# Execution is the same whichever procedure decided (行政处罚法 第六章): a fine decided on the spot is
# paid, reminded of and enforced like any other, and ends when a review revokes it.
EXECUTION_ACTIONS = frozenset({A.RECORD_PAYMENT, A.SERVE_REMINDER, A.APPLY_COURT, A.CLOSE, A.END_REVOKED})
# A served decision can be taken to reconsideration or court (services.penalty_review_record).
AFTER_SERVICE = frozenset({S.EXECUTING, S.REMINDED, S.COURT_ENFORCEMENT, S.PAID, S.SUSPENDED})

# 行政处罚法 第五十八条第一款: the cases in which legal review must precede the decision.
LEGAL_REVIEW_GROUNDS: tuple[tuple[str, str], ...] = (
    ("major_public_interest", _("涉及重大公共利益（第五十八条第一款第一项）")),
    ("hearing", _("直接关系当事人或第三人重大权益，经过听证程序（第一款第二项）")),
    ("complex", _("案件情况疑难复杂、涉及多个法律关系（第一款第三项）")),
    ("other_law", _("法律、法规规定的其他情形（第一款第四项）")),
)


def legal_review_grounds() -> tuple[tuple[str, str], ...]:
    """Art. 58's grounds plus the bureau's own (setting `PENALTY_LEGAL_REVIEW_GROUNDS`, pairs of
    code and label), e.g. a local rule that every fine above a sum is reviewed."""
    extra = tuple(tuple(pair) for pair in getattr(settings, "PENALTY_LEGAL_REVIEW_GROUNDS", ()))
    return LEGAL_REVIEW_GROUNDS + extra


def _date(label, help_text=""):
    return FieldSpec("date", label, help_text)


FIELDS = {
    "filed_on": _date(_("立案日期"), _("默认今天；九十日办案期限自次日起算（行政处罚法 第六十条）")),
    "violated_provisions": FieldSpec(
        "text", _("违法依据"), _("当事人违反的条款，如《城市市容和环境卫生管理条例》第十四条")
    ),
    "legal_basis": FieldSpec(
        "text", _("处罚依据"), _("作出处罚所依据的条款，如《城市市容和环境卫生管理条例》第三十六条")
    ),
    "fine_amount": FieldSpec("money", _("拟罚款金额（元）")),
    "legal_review_grounds": FieldSpec(
        "choices", _("应当法制审核的情形"), _("行政处罚法 第五十八条"), choices=legal_review_grounds
    ),
    "on": _date(_("审核日期"), _("默认今天")),
    "opinion": FieldSpec("text", _("审核意见")),
    "reason": FieldSpec("text", _("理由")),
    "notice_served_on": _date(
        _("告知书送达日期"),
        _(
            "陈述、申辩期限按本局设置的工作日自次日起算（行政处罚法 第四十四条、第四十五条、第八十五条）；"
            "听证申请期限为五个工作日（第六十四条）"
        ),
    ),
    "statement_kind": FieldSpec(
        "choice", _("陈述、申辩情况"), _("行政处罚法 第四十五条"), choices=StatementKind.choices
    ),
    "statement_on": _date(_("陈述、申辩（放弃）日期"), _("默认今天")),
    "statement": FieldSpec("text", _("陈述、申辩要点")),
    "hearing_offered": FieldSpec("bool", _("告知听证权利"), _("较大数额罚款等情形（行政处罚法 第六十三条）")),
    "hearing_requested_on": _date(_("当事人申请听证日期"), _("告知后五个工作日内（行政处罚法 第六十四条）")),
    "hearing_on": _date(_("听证日期")),
    "hearing_notice_on": _date(_("听证通知送达日期"), _("应在听证七日前（行政处罚法 第六十四条）")),
    "decision_on": _date(_("决定日期"), _("默认今天")),
    "overdue_reason": FieldSpec(
        "text", _("超期作出决定的理由"), _("超过立案之日起九十日时必填（行政处罚法 第六十条）")
    ),
    "decision_served_on": _date(_("决定书送达日期"), _("缴款期限自次日起十五日（行政处罚法 第六十七条）")),
    "paid_on": _date(_("缴款日期")),
    "reminder_served_on": _date(_("催告书送达日期"), _("缴款期限届满后方可催告（行政强制法 第五十四条）")),
    "court_applied_on": _date(
        _("申请日期"),
        _("催告满十个工作日、复议诉讼期限届满后三个月内（行政强制法 第五十三条、第五十四条）"),
    ),
    "to": FieldSpec("line", _("移送机关"), max_length=100),
}


# ---------------------------------------------------------------- the dates an action records


def _day(ctx: Context, name: str) -> dt.date:
    """The date the action records: the one given, else today (which `available_actions` uses)."""
    return ctx.get(name) or ctx.today


def _given(ctx: Context, name: str) -> dt.date | None:
    """A date only `apply` knows (None while `available_actions` asks)."""
    return ctx.get(name)


def _fmt(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def _last_hearing_request(case: PenaltyCase) -> dt.date:
    return legal_periods.deadline("apl_hearing_request", case.notice_served_on)


def _payment_due(case: PenaltyCase) -> dt.date:
    return legal_periods.deadline("apl_fine_payment", case.decision_served_on)


def _court_wait_end(case: PenaltyCase) -> dt.date:
    return legal_periods.deadline("acl_reminder_before_court_application", case.reminder_served_on)


def _court_window(case: PenaltyCase) -> dt.date:
    return legal_periods.deadline("acl_court_application_window", case.review_periods_end_on)


def _decision_limit(case: PenaltyCase) -> dt.date:
    return legal_periods.deadline("apl_decision_deadline", case.filed_on)


def _statement_due(case: PenaltyCase) -> dt.date:
    """The end of the statement period (as fixed when the notice was served; for a case served before
    the period was recorded, the bureau's setting now)."""
    return case.statement_due_on or periods.statement_due(
        case.bureau, case.notice_served_on, hearing_offered=case.hearing_offered
    )


# ---------------------------------------------------------------- guards (the law's refusals, 409)


enough_officers = Guard(
    lambda ctx: ctx.hint("officers", ctx.obj.officers.count) >= MIN_OFFICERS,
    code=E.TOO_FEW_OFFICERS,
    message="执法人员不得少于两人（行政处罚法 第四十二条）。",
)


def _uncertified(ctx: Context, name: str) -> list:
    day = _day(ctx, name)
    return ctx.hint(f"uncertified:{day}", lambda: records.uncertified(ctx.obj.officers.all(), day))


def officers_certified(name: str) -> Guard:
    """Every officer of the case holds a certificate in force on the date the step records (field
    `name`, else today): 行政处罚法 第四十二条、第五十五条."""
    return Guard(
        lambda ctx: not _uncertified(ctx, name),
        code=E.OFFICER_NOT_CERTIFIED,
        message=lambda ctx: records.uncertified_message(_uncertified(ctx, name), _day(ctx, name)),
    )


notice_after_filing = Guard(
    lambda ctx: _day(ctx, "notice_served_on") >= ctx.obj.filed_on,
    code=E.DATE_ORDER,
    message="告知日期不能早于立案日期。",
)
hearing_applies = Guard(
    lambda ctx: ctx.obj.hearing_offered,
    code=E.HEARING_NOT_APPLICABLE,
    message="本案不属于听证范围（行政处罚法 第六十三条）。",
)
hearing_requested_in_time = Guard(
    lambda ctx: (
        (asked := _given(ctx, "hearing_requested_on")) is None or asked <= _last_hearing_request(ctx.obj)
    ),
    code=E.HEARING_REQUEST_LATE,
    message=lambda ctx: (
        f"当事人应在告知后五个工作日内（{_fmt(_last_hearing_request(ctx.obj))}前）提出听证要求"
        "（行政处罚法 第六十四条）。"
    ),
)


def _latest_hearing_notice(ctx: Context) -> dt.date:
    return legal_periods.deadline("apl_hearing_notice", ctx.get("hearing_on"))


hearing_noticed_in_time = Guard(
    lambda ctx: (
        ctx.get("hearing_on") is None
        or ctx.get("hearing_notice_on") is None
        or ctx.get("hearing_notice_on") <= _latest_hearing_notice(ctx)
    ),
    code=E.HEARING_NOTICE_LATE,
    message=lambda ctx: (
        f"应在举行听证的七个工作日前（{_fmt(_latest_hearing_notice(ctx))}前）通知当事人"
        "（行政处罚法 第六十四条）。"
    ),
)
decision_after_notice = Guard(
    lambda ctx: _day(ctx, "decision_on") >= ctx.obj.notice_served_on,
    code=E.DATE_ORDER,
    message="决定日期不能早于事先告知日期。",
)
legal_review_not_passed = Guard(
    lambda ctx: ctx.obj.legal_review_passed_on is None,
    code=E.LEGAL_REVIEW_ALREADY_PASSED,
    message=lambda ctx: (
        f"本案已于{_fmt(ctx.obj.legal_review_passed_on)}通过法制审核，不能重复审核；"
        "退回补充调查或举行听证后方须重新审核（行政处罚法 第五十八条）。"
    ),
)
statement_not_recorded = Guard(
    lambda ctx: not ctx.obj.statement_kind,
    code=E.STATEMENT_ALREADY_RECORDED,
    message=lambda ctx: (
        f"已于{_fmt(ctx.obj.statement_on)}登记“{ctx.obj.get_statement_kind_display()}”"
        "（行政处罚法 第四十五条）。"
    ),
)
statement_after_notice = Guard(
    lambda ctx: _day(ctx, "statement_on") >= ctx.obj.notice_served_on,
    code=E.DATE_ORDER,
    message="陈述、申辩日期不能早于事先告知书送达日期。",
)
# 第四十四条、第四十五条: the party states and defends before the decision; the bureau's period
# (periods.statement_period) ends early only when the statement or an express waiver is recorded,
# or the party asked for a hearing (where it is heard).
statement_period_over = Guard(
    lambda ctx: (
        bool(ctx.obj.statement_kind)
        or bool(ctx.obj.hearing_requested_on)
        or _day(ctx, "decision_on") > _statement_due(ctx.obj)
    ),
    code=E.STATEMENT_PERIOD_OPEN,
    message=lambda ctx: (
        f"当事人陈述、申辩的期限至{_fmt(_statement_due(ctx.obj))}届满"
        f"（{periods.statement_period(ctx.obj.bureau).rule}），期满前除当事人已陈述、申辩或明确放弃外，"
        "不得作出决定（行政处罚法 第四十四条、第四十五条）。"
    ),
)


def _missing_for_closing(ctx: Context) -> list[str]:
    return ctx.hint("missing_for_closing", lambda: casefile.missing_for_closing(ctx.obj))


file_complete = Guard(
    lambda ctx: not _missing_for_closing(ctx),
    code=E.CASE_FILE_INCOMPLETE,
    message=lambda ctx: (
        f"案卷不完整，不能结案，缺少：{'、'.join(_missing_for_closing(ctx))}（行政处罚法 第四十七条）。"
    ),
)
legal_review_done = Guard(
    lambda ctx: not ctx.obj.legal_review_required or bool(ctx.obj.legal_review_passed_on),
    code=E.LEGAL_REVIEW_MISSING,
    message=(
        "本案属于应当法制审核的情形，未经法制审核或审核未通过的，"
        "不得作出行政处罚决定（行政处罚法 第五十八条）。"
    ),
)
hearing_period_over = Guard(
    lambda ctx: (
        not ctx.obj.hearing_offered
        or bool(ctx.obj.hearing_requested_on)
        or _day(ctx, "decision_on") > _last_hearing_request(ctx.obj)
    ),
    code=E.HEARING_PERIOD_OPEN,
    message=lambda ctx: (
        f"当事人要求听证的期限至{_fmt(_last_hearing_request(ctx.obj))}届满，"
        "期满前不得作出决定（行政处罚法 第六十三条、第六十四条）。"
    ),
)
# 第六十条: after ninety days a decision needs the recorded reason for the delay. The reason is input,
# so the action stays on offer after the ninetieth day and `apply` asks for it.
decided_in_time_or_explained = Guard(
    lambda ctx: (
        ctx.checking
        or _day(ctx, "decision_on") <= _decision_limit(ctx.obj)
        or bool(ctx.get("overdue_reason", ""))
    ),
    code=E.DECISION_OVERDUE,
    message=lambda ctx: (
        f"已超过立案之日起九十日的办案期限（{_fmt(_decision_limit(ctx.obj))}），"
        "须记录延期理由方可作出决定（行政处罚法 第六十条）。"
    ),
)
served_after_decision = Guard(
    lambda ctx: _day(ctx, "decision_served_on") >= ctx.obj.decision_on,
    code=E.DATE_ORDER,
    message="送达日期不能早于决定日期。",
)
reminder_after_payment_due = Guard(
    lambda ctx: _day(ctx, "reminder_served_on") > _payment_due(ctx.obj),
    code=E.REMINDER_TOO_EARLY,
    message=lambda ctx: (
        f"缴款期限（{_fmt(_payment_due(ctx.obj))}）届满前不得催告"
        "（行政处罚法 第六十七条、行政强制法 第五十四条）。"
    ),
)
court_after_reminder_period = Guard(
    lambda ctx: _day(ctx, "court_applied_on") > _court_wait_end(ctx.obj),
    code=E.COURT_TOO_EARLY,
    message=lambda ctx: (
        f"催告书送达十日后（{_fmt(_court_wait_end(ctx.obj))}之后）当事人仍未履行的，"
        "方可申请法院强制执行（行政强制法 第五十四条）。"
    ),
)
court_after_review_periods = Guard(
    lambda ctx: (
        _day(ctx, "court_applied_on") > ctx.obj.review_periods_end_on
        and not ctx.hint("open_reviews", ctx.obj.reviews.filter(concluded_on__isnull=True).exists)
    ),
    code=E.COURT_BEFORE_REVIEW_END,
    message=lambda ctx: (
        f"当事人申请复议或提起诉讼的法定期限（{_fmt(ctx.obj.review_periods_end_on)}）"
        "届满后方可申请（行政强制法 第五十三条）。"
    ),
)
court_inside_window = Guard(
    lambda ctx: (applied := _given(ctx, "court_applied_on")) is None or applied <= _court_window(ctx.obj),
    code=E.COURT_WINDOW_PASSED,
    message=lambda ctx: (
        f"申请法院强制执行的期限已于{_fmt(_court_window(ctx.obj))}届满（行政强制法 第五十三条）。"
    ),
)


decision_revoked = Guard(
    lambda ctx: ctx.obj.reviews.filter(outcome=ReviewOutcome.REVOKED).exists(),
    code=E.NOT_REVOKED,
    message=_("处罚决定未被复议机关或法院撤销。"),
)


# ---------------------------------------------------------------- steps


def _approve_filing(ctx: Context) -> None:
    case = ctx.obj
    case.filed_on = _day(ctx, "filed_on")
    case.number = records.issue_number(case.bureau, "立", "filing", case.filed_on.year)
    if case.origin_case_id:
        origin = case.origin_case
        origin.penalty_case_ref = case.number
        origin.save(update_fields=["penalty_case_ref"])


def _submit_for_review(ctx: Context) -> None:
    case = ctx.obj
    case.violated_provisions = ctx.data["violated_provisions"]
    case.legal_basis = ctx.data["legal_basis"]
    if ctx.get("fine_amount") is not None:
        case.fine_amount = ctx.data["fine_amount"]
    if ctx.get("legal_review_grounds"):
        case.legal_review_grounds = list(ctx.data["legal_review_grounds"])
        case.legal_review_required = True


def _legal_review_pass(ctx: Context) -> None:
    ctx.obj.legal_review_passed_on = _day(ctx, "on")
    ctx.obj.legal_review_opinion = ctx.data["opinion"]


def _legal_review_return(ctx: Context) -> None:
    ctx.obj.legal_review_passed_on = None
    ctx.obj.legal_review_opinion = ctx.obj.reason = ctx.data["reason"]


def _serve_notice(ctx: Context) -> None:
    case = ctx.obj
    case.notice_served_on = ctx.data["notice_served_on"]
    case.hearing_offered = bool(ctx.get("hearing_offered", False))
    # The period is fixed when the notice is served: a later change of the setting does not move it.
    case.statement_due_on = periods.statement_due(
        case.bureau, case.notice_served_on, hearing_offered=case.hearing_offered
    )
    case.statement_on, case.statement_kind, case.statement_summary = None, "", ""
    if ctx.get("fine_amount") is not None:
        case.fine_amount = ctx.data["fine_amount"]


def _record_statement(ctx: Context) -> None:
    case = ctx.obj
    case.statement_on = _day(ctx, "statement_on")
    case.statement_kind = ctx.data["statement_kind"]
    case.statement_summary = ctx.get("statement", "")


def _request_hearing(ctx: Context) -> None:
    ctx.obj.hearing_requested_on = ctx.data["hearing_requested_on"]


def _schedule_hearing(ctx: Context) -> None:
    ctx.obj.hearing_on, ctx.obj.hearing_notice_on = ctx.data["hearing_on"], ctx.data["hearing_notice_on"]


def _hold_hearing(ctx: Context) -> None:
    # A decision after a hearing on rights of this weight needs legal review (第五十八条第一款第二项),
    # of the file as the hearing left it: a review passed before the hearing does not count.
    ctx.obj.legal_review_required = True
    ctx.obj.legal_review_passed_on = None
    ctx.obj.legal_review_grounds = sorted({*ctx.obj.legal_review_grounds, "hearing"})


def _decide(ctx: Context) -> None:
    case = ctx.obj
    decided = _day(ctx, "decision_on")
    if ctx.get("fine_amount") is not None:
        case.fine_amount = ctx.data["fine_amount"]
    case.decision_on = decided
    late = decided > _decision_limit(case)
    case.decision_overdue_reason = ctx.get("overdue_reason", "") if late else ""
    case.decision_number = records.issue_number(case.bureau, "决", "decision", decided.year)


def _serve_decision(ctx: Context) -> None:
    served = ctx.data["decision_served_on"]
    ctx.obj.decision_served_on = served
    ctx.obj.review_periods_end_on = periods.review_periods_end(served)


def _record_payment(ctx: Context) -> None:
    ctx.obj.paid_on = ctx.data["paid_on"]


def _serve_reminder(ctx: Context) -> None:
    ctx.obj.reminder_served_on = ctx.data["reminder_served_on"]


def _apply_court(ctx: Context) -> None:
    ctx.obj.court_applied_on = ctx.data["court_applied_on"]


def _close(ctx: Context) -> None:
    ctx.obj.closed_on = ctx.today


def _with_reason(ctx: Context) -> None:
    ctx.obj.reason = ctx.data["reason"]


def _transfer(ctx: Context) -> None:
    ctx.obj.reason, ctx.obj.transferred_to = ctx.data["reason"], ctx.data["to"]


def _after_save(ctx: Context) -> None:
    """The deadlines follow the dates; a served decision is made public (行政处罚法 第四十八条)."""
    records.refresh_deadlines(ctx.obj)
    if ctx.action == A.SERVE_DECISION:
        from chengguan.enforcement import disclosure

        disclosure.publish_served_decision(actor=ctx.actor, case=ctx.obj)


def _applies(case: PenaltyCase, t) -> bool:
    """A simple-procedure case only takes the steps of execution."""
    return case.procedure == Procedure.GENERAL or t.action in EXECUTION_ACTIONS


_LEGAL_STAGE = {S.CASE_REVIEW, S.NOTIFIED, S.HEARD}

PENALTY_MACHINE = Machine(
    name="penalty",
    model=PenaltyCase,
    states=PenaltyState,
    actions=PenaltyAction,
    fields=FIELDS,
    noun="行政处罚案件",
    error_prefix="penalty",  # codes: enforcement.errors.PenaltyError
    state_field="state",
    memory_field="state_before_suspension",
    scope=penalty_in_bureau,
    applies=_applies,
    snapshot=records.snapshot,
    lock_related=("bureau",),
    after_save=_after_save,
    transitions=[
        transition(
            A.APPROVE_FILING,
            {S.PROPOSED},
            S.INVESTIGATING,
            can_approve,
            optional=("filed_on",),
            guards=(enough_officers,),
            step=_approve_filing,
        ),
        transition(
            A.SUBMIT_FOR_REVIEW,
            {S.INVESTIGATING},
            S.CASE_REVIEW,
            can_conduct,
            required=("violated_provisions", "legal_basis"),
            optional=("fine_amount", "legal_review_grounds"),
            guards=(enough_officers,),
            step=_submit_for_review,
        ),
        transition(
            A.LEGAL_REVIEW_PASS,
            _LEGAL_STAGE,
            STAY,
            can_legal_review,
            required=("opinion",),
            optional=("on",),
            guards=(legal_review_not_passed,),
            step=_legal_review_pass,
        ),
        transition(
            A.LEGAL_REVIEW_RETURN,
            _LEGAL_STAGE,
            S.INVESTIGATING,
            can_legal_review,
            required=("reason",),
            step=_legal_review_return,
        ),
        transition(
            A.SERVE_NOTICE,
            {S.CASE_REVIEW},
            S.NOTIFIED,
            can_conduct,
            required=("notice_served_on",),
            optional=("hearing_offered", "fine_amount"),
            guards=(notice_after_filing, officers_certified("notice_served_on")),
            step=_serve_notice,
        ),
        transition(
            A.RECORD_STATEMENT,
            {S.NOTIFIED},
            STAY,
            can_conduct,
            required=("statement_kind",),
            optional=("statement_on", "statement"),
            guards=(statement_not_recorded, statement_after_notice),
            step=_record_statement,
        ),
        transition(
            A.REQUEST_HEARING,
            {S.NOTIFIED},
            S.HEARING_REQUESTED,
            can_conduct,
            required=("hearing_requested_on",),
            guards=(hearing_applies, hearing_requested_in_time),
            step=_request_hearing,
        ),
        transition(
            A.SCHEDULE_HEARING,
            {S.HEARING_REQUESTED},
            S.HEARING_SCHEDULED,
            can_conduct,
            required=("hearing_on", "hearing_notice_on"),
            guards=(hearing_noticed_in_time,),
            step=_schedule_hearing,
        ),
        transition(A.HOLD_HEARING, {S.HEARING_SCHEDULED}, S.HEARD, can_conduct, step=_hold_hearing),
        transition(
            A.DECIDE,
            {S.NOTIFIED, S.HEARD},
            S.DECIDED,
            can_decide,
            optional=("decision_on", "fine_amount", "overdue_reason"),
            guards=(
                decision_after_notice,
                legal_review_done,
                hearing_period_over,
                statement_period_over,
                decided_in_time_or_explained,
                officers_certified("decision_on"),
            ),
            step=_decide,
        ),
        transition(
            A.SERVE_DECISION,
            {S.DECIDED},
            S.EXECUTING,
            can_conduct,
            required=("decision_served_on",),
            guards=(served_after_decision, officers_certified("decision_served_on")),
            step=_serve_decision,
        ),
        transition(
            A.RECORD_PAYMENT,
            {S.EXECUTING, S.REMINDED},
            S.PAID,
            can_conduct,
            required=("paid_on",),
            step=_record_payment,
        ),
        transition(
            A.SERVE_REMINDER,
            {S.EXECUTING},
            S.REMINDED,
            can_conduct,
            required=("reminder_served_on",),
            guards=(reminder_after_payment_due,),
            step=_serve_reminder,
        ),
        transition(
            A.APPLY_COURT,
            {S.REMINDED},
            S.COURT_ENFORCEMENT,
            can_approve,
            required=("court_applied_on",),
            guards=(court_after_reminder_period, court_after_review_periods, court_inside_window),
            step=_apply_court,
        ),
        transition(
            A.CLOSE,
            {S.PAID, S.COURT_ENFORCEMENT},
            S.CLOSED,
            can_approve,
            guards=(file_complete,),
            step=_close,
        ),
        transition(
            A.SUSPEND,
            BEFORE_DECISION | {S.EXECUTING, S.REMINDED},
            S.SUSPENDED,
            can_direct,
            required=("reason",),
            step=_with_reason,
            remember=True,
        ),
        transition(A.RESUME, {S.SUSPENDED}, RESUME, can_direct),
        transition(
            A.TERMINATE,
            BEFORE_DECISION - {S.PROPOSED},
            S.TERMINATED,
            can_direct,
            required=("reason",),
            step=_with_reason,
        ),
        # 行政复议法 第六十四条、行政诉讼法 第七十条: a revoked decision no longer stands; run by
        # review_effects when the review that revokes it is concluded.
        transition(
            A.END_REVOKED,
            AFTER_SERVICE,
            S.TERMINATED,
            can_record_reviews,
            required=("reason",),
            guards=(decision_revoked,),
            step=_with_reason,
        ),
        transition(
            A.TRANSFER,
            {S.PROPOSED, S.INVESTIGATING, S.CASE_REVIEW},
            S.TRANSFERRED,
            can_direct,
            required=("reason", "to"),
            step=_transfer,
        ),
    ],
)

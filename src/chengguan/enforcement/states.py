"""The penalty procedure (行政处罚法 第五章) declared once as data.

`TRANSITIONS` drives `penalty_transition` and, later, the buttons and the API's available actions.
Rules that depend on dates (Art. 58, 60, 63–64, ACL Art. 53–54) are checked by the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models

from chengguan.org.roles import RoleCode as R


class Procedure(models.TextChoices):
    SIMPLE = "simple", "简易程序"
    GENERAL = "general", "普通程序"


class PenaltyState(models.TextChoices):
    PROPOSED = "proposed", "立案审批中"
    INVESTIGATING = "investigating", "调查取证"
    CASE_REVIEW = "case_review", "案件审查"
    NOTIFIED = "notified", "已事先告知"
    HEARING_REQUESTED = "hearing_requested", "已申请听证"
    HEARING_SCHEDULED = "hearing_scheduled", "已通知听证"
    HEARD = "heard", "已听证"
    DECIDED = "decided", "已作出决定"
    EXECUTING = "executing", "执行中"
    REMINDED = "reminded", "已催告"
    COURT_ENFORCEMENT = "court_enforcement", "申请法院强制执行"
    PAID = "paid", "已缴纳"
    SUSPENDED = "suspended", "中止"
    CLOSED = "closed", "已结案"
    TERMINATED = "terminated", "终止调查"
    TRANSFERRED = "transferred", "已移送"


S = PenaltyState
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


class PenaltyAction(models.TextChoices):
    APPROVE_FILING = "approve_filing", "批准立案"
    SUBMIT_FOR_REVIEW = "submit_for_review", "调查终结提交审查"
    LEGAL_REVIEW_PASS = "legal_review_pass", "法制审核通过"
    LEGAL_REVIEW_RETURN = "legal_review_return", "法制审核退回补充调查"
    SERVE_NOTICE = "serve_notice", "送达事先告知书"
    REQUEST_HEARING = "request_hearing", "当事人申请听证"
    SCHEDULE_HEARING = "schedule_hearing", "通知听证"
    HOLD_HEARING = "hold_hearing", "举行听证"
    DECIDE = "decide", "作出处罚决定"
    SERVE_DECISION = "serve_decision", "送达处罚决定书"
    RECORD_PAYMENT = "record_payment", "登记缴款"
    SERVE_REMINDER = "serve_reminder", "送达催告书"
    APPLY_COURT = "apply_court", "申请法院强制执行"
    CLOSE = "close", "结案"
    SUSPEND = "suspend", "中止"
    RESUME = "resume", "恢复"
    TERMINATE = "terminate", "终止调查"
    TRANSFER = "transfer", "移送"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: stay; RESUME returns to the state before suspension
    roles: frozenset[str]
    required: tuple[str, ...] = field(default=())


def _t(action, sources, target, roles, required=()) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), tuple(required))


A = PenaltyAction
_HANDLERS = {R.HANDLER, R.SQUAD_LEADER}
_CHIEFS = {R.SQUAD_LEADER, R.LEADER}
_LEGAL_STAGE = {S.CASE_REVIEW, S.NOTIFIED, S.HEARD}
TRANSITIONS: tuple[Transition, ...] = (
    _t(A.APPROVE_FILING, {S.PROPOSED}, S.INVESTIGATING, _CHIEFS),
    _t(A.SUBMIT_FOR_REVIEW, {S.INVESTIGATING}, S.CASE_REVIEW, _HANDLERS, ["legal_basis"]),
    _t(A.LEGAL_REVIEW_PASS, _LEGAL_STAGE, None, {R.LEGAL_REVIEWER}, ["opinion"]),
    _t(A.LEGAL_REVIEW_RETURN, _LEGAL_STAGE, S.INVESTIGATING, {R.LEGAL_REVIEWER}, ["reason"]),
    _t(A.SERVE_NOTICE, {S.CASE_REVIEW}, S.NOTIFIED, _HANDLERS, ["notice_served_on"]),
    _t(A.REQUEST_HEARING, {S.NOTIFIED}, S.HEARING_REQUESTED, _HANDLERS, ["hearing_requested_on"]),
    _t(
        A.SCHEDULE_HEARING,
        {S.HEARING_REQUESTED},
        S.HEARING_SCHEDULED,
        _HANDLERS,
        ["hearing_on", "hearing_notice_on"],
    ),
    _t(A.HOLD_HEARING, {S.HEARING_SCHEDULED}, S.HEARD, _HANDLERS),
    _t(A.DECIDE, {S.NOTIFIED, S.HEARD}, S.DECIDED, {R.LEADER}),
    _t(A.SERVE_DECISION, {S.DECIDED}, S.EXECUTING, _HANDLERS, ["decision_served_on"]),
    _t(A.RECORD_PAYMENT, {S.EXECUTING, S.REMINDED}, S.PAID, _HANDLERS, ["paid_on"]),
    _t(A.SERVE_REMINDER, {S.EXECUTING}, S.REMINDED, _HANDLERS, ["reminder_served_on"]),
    _t(A.APPLY_COURT, {S.REMINDED}, S.COURT_ENFORCEMENT, _CHIEFS, ["court_applied_on"]),
    _t(A.CLOSE, {S.PAID, S.COURT_ENFORCEMENT}, S.CLOSED, _CHIEFS),
    _t(A.SUSPEND, BEFORE_DECISION | {S.EXECUTING, S.REMINDED}, S.SUSPENDED, {R.LEADER}, ["reason"]),
    _t(A.RESUME, {S.SUSPENDED}, None, {R.LEADER}),
    _t(A.TERMINATE, BEFORE_DECISION - {S.PROPOSED}, S.TERMINATED, {R.LEADER}, ["reason"]),
    _t(A.TRANSFER, {S.PROPOSED, S.INVESTIGATING, S.CASE_REVIEW}, S.TRANSFERRED, {R.LEADER}, ["reason", "to"]),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
# Execution is the same whichever procedure decided (行政处罚法 第六章): a fine decided on the spot is
# paid, reminded of and enforced like any other.
EXECUTION_ACTIONS = frozenset({A.RECORD_PAYMENT, A.SERVE_REMINDER, A.APPLY_COURT, A.CLOSE})


def applies_to(procedure: str, action: str) -> bool:
    return procedure == Procedure.GENERAL or action in EXECUTION_ACTIONS


# What each action takes, required fields first (`Transition.required`), then the optional ones.
# The web forms and the API's request bodies are built from this, so they cannot disagree.
OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    A.APPROVE_FILING: ("filed_on",),
    A.SUBMIT_FOR_REVIEW: ("fine_amount", "legal_review_grounds"),
    A.LEGAL_REVIEW_PASS: ("on",),
    A.SERVE_NOTICE: ("hearing_offered", "fine_amount"),
    A.DECIDE: ("decision_on", "fine_amount", "overdue_reason"),
}


def action_fields(action: str) -> tuple[str, ...]:
    return BY_ACTION[action].required + OPTIONAL_FIELDS.get(action, ())


# (kind, label, help) of every field an action can take; kind is date, text, line, money, bool or grounds.
FIELD_SPECS: dict[str, tuple[str, str, str]] = {
    "filed_on": ("date", "立案日期", "默认今天；九十日办案期限自次日起算（行政处罚法 第六十条）"),
    "legal_basis": ("text", "处罚依据", "违反的条款和处罚的条款，如《城市市容和环境卫生管理条例》第三十六条"),
    "fine_amount": ("money", "拟罚款金额（元）", ""),
    "legal_review_grounds": ("grounds", "应当法制审核的情形", "行政处罚法 第五十八条"),
    "on": ("date", "审核日期", "默认今天"),
    "opinion": ("text", "审核意见", ""),
    "reason": ("text", "理由", ""),
    "notice_served_on": (
        "date",
        "告知书送达日期",
        "陈述、申辩及听证申请期限自次日起算（行政处罚法 第六十四条）",
    ),
    "hearing_offered": ("bool", "告知听证权利", "较大数额罚款等情形（行政处罚法 第六十三条）"),
    "hearing_requested_on": ("date", "当事人申请听证日期", "告知后五个工作日内（行政处罚法 第六十四条）"),
    "hearing_on": ("date", "听证日期", ""),
    "hearing_notice_on": ("date", "听证通知送达日期", "应在听证七日前（行政处罚法 第六十四条）"),
    "decision_on": ("date", "决定日期", "默认今天"),
    "overdue_reason": ("text", "超期作出决定的理由", "超过立案之日起九十日时必填（行政处罚法 第六十条）"),
    "decision_served_on": ("date", "决定书送达日期", "缴款期限自次日起十五日（行政处罚法 第六十七条）"),
    "paid_on": ("date", "缴款日期", ""),
    "reminder_served_on": ("date", "催告书送达日期", "缴款期限届满后方可催告（行政强制法 第五十四条）"),
    "court_applied_on": (
        "date",
        "申请日期",
        "催告满十个工作日、复议诉讼期限届满后三个月内（行政强制法 第五十三条、第五十四条）",
    ),
    "to": ("line", "移送机关", ""),
}

# 行政处罚法 第五十八条第一款: the cases in which legal review must precede the decision.
LEGAL_REVIEW_GROUNDS: tuple[tuple[str, str], ...] = (
    ("major_public_interest", "涉及重大公共利益（第五十八条第一款第一项）"),
    ("hearing", "直接关系当事人或第三人重大权益，经过听证程序（第一款第二项）"),
    ("complex", "案件情况疑难复杂、涉及多个法律关系（第一款第三项）"),
    ("other_law", "法律、法规规定的其他情形（第一款第四项）"),
)


def legal_review_grounds() -> tuple[tuple[str, str], ...]:
    """Art. 58's grounds plus the bureau's own (setting `PENALTY_LEGAL_REVIEW_GROUNDS`, pairs of
    code and label), e.g. a local rule that every fine above a sum is reviewed."""
    extra = tuple(tuple(pair) for pair in getattr(settings, "PENALTY_LEGAL_REVIEW_GROUNDS", ()))
    return LEGAL_REVIEW_GROUNDS + extra

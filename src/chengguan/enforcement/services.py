"""Every write to a penalty case: proposing it, the simple procedure, one `penalty_transition` for the
general procedure, and reconsideration/litigation records.

Each call runs in one transaction: the case row is locked, the table in states.py decides whether the
action is legal and who may take it, the date rules of the law are checked, the computed deadlines are
rewritten and the audit event is written before the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from stdnum.cn import ric, uscc

from chengguan.cases.models import Case
from chengguan.cases.states import CaseState, Disposition
from chengguan.core import audit, clock, evidence, legal_periods, numbering
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.enforcement import periods
from chengguan.enforcement.models import (
    PartyKind,
    PenaltyCase,
    PenaltyDeadline,
    PenaltyParty,
    PenaltyReview,
    ReviewKind,
    ReviewOutcome,
)
from chengguan.enforcement.states import (
    BY_ACTION,
    FINAL_STATES,
    PenaltyAction,
    PenaltyState,
    Procedure,
    applies_to,
)
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation
from chengguan.org.roles import RoleCode

A = PenaltyAction
S = PenaltyState
MIN_OFFICERS = 2  # 行政处罚法 第四十二条


class InvalidTransition(Conflict):
    code = "penalty.invalid_transition"


# ---------------------------------------------------------------- helpers


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.SHANGHAI).date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed(
            "日期格式不正确。", code="penalty.bad_date", fields={field: ["日期格式不正确。"]}
        ) from exc


def _money(value: Any, field: str = "fine_amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            "金额格式不正确。", code="penalty.bad_amount", fields={field: ["金额格式不正确。"]}
        ) from exc
    if amount < 0:
        raise ValidationFailed(
            "金额不能为负数。", code="penalty.bad_amount", fields={field: ["金额不能为负数。"]}
        )
    return amount


def _require(payload: dict, names: Iterable[str]) -> None:
    missing = {name: ["此项为必填项。"] for name in names if payload.get(name) in (None, "", [], ())}
    if missing:
        raise ValidationFailed("请填写必填项。", code="penalty.missing_fields", fields=missing)


def _statutory_value(period_id: str) -> Decimal:
    return Decimal(str(legal_periods.get(period_id).value))


def document_prefix(bureau: Organisation, kind: str) -> str:
    """`中原城管罚立字`: the bureau's abbreviation (setting `PENALTY_DOCUMENT_PREFIX`, else its short
    name) + 罚 + the document kind + 字."""
    abbreviation = getattr(settings, "PENALTY_DOCUMENT_PREFIX", "") or bureau.short_name or bureau.name
    return f"{abbreviation}罚{kind}字"


def _issue_number(bureau: Organisation, kind: str, key: str, year: int) -> str:
    n = numbering.next_number(f"penalty.{key}.{bureau.pk}", year)
    return numbering.format_document_number(document_prefix(bureau, kind), year, n)


def _clean_party(data: dict) -> PenaltyParty:
    """A party with a checked identifier: a resident ID for a person (GB 11643), a unified social
    credit code for an organisation (GB 32100)."""
    _require(data, ["kind", "name"])
    kind = data["kind"]
    party = PenaltyParty(
        kind=kind,
        name=data["name"].strip(),
        address=data.get("address", ""),
        phone=data.get("phone", ""),
        legal_representative=data.get("legal_representative", ""),
    )
    if kind == PartyKind.PERSON:
        number = (data.get("id_number") or "").strip().upper()
        if not ric.is_valid(number):
            raise ValidationFailed(
                "公民身份号码无效。",
                code="penalty.bad_id_number",
                fields={"id_number": ["公民身份号码无效。"]},
            )
        party.id_number = ric.compact(number)
    elif kind == PartyKind.ORGANISATION:
        code = (data.get("credit_code") or "").strip().upper()
        if not uscc.is_valid(code):
            raise ValidationFailed(
                "统一社会信用代码无效。",
                code="penalty.bad_credit_code",
                fields={"credit_code": ["统一社会信用代码无效。"]},
            )
        party.credit_code = uscc.compact(code)
    else:
        raise ValidationFailed(
            "当事人类型不正确。", code="penalty.bad_party_kind", fields={"kind": ["类型不正确。"]}
        )
    return party


def _check_actor(actor, roles: Iterable[str], bureau: Organisation) -> None:
    if actor is None:
        return
    if not org_selectors.has_role(actor, *roles):
        raise PermissionDenied("您没有权限执行此操作。", code="penalty.forbidden")
    own = org_selectors.bureau_of(actor)
    if not actor.is_superuser and (own is None or own.pk != bureau.pk):
        raise PermissionDenied("不能办理其他单位的案件。", code="penalty.other_bureau")


def _snapshot(case: PenaltyCase) -> dict[str, Any]:
    dates = {f.name: getattr(case, f.name) for f in case._meta.concrete_fields if f.name.endswith("_on")}
    return {"state": case.state, "number": case.number, "fine_amount": case.fine_amount, **dates}


def _refresh_deadlines(case: PenaltyCase) -> None:
    case.deadlines.all().delete()
    PenaltyDeadline.objects.bulk_create(
        PenaltyDeadline(
            case=case,
            period_id=d.period_id,
            name=d.name,
            article=d.article,
            event=d.event,
            start_on=d.start_on,
            due_on=d.due_on,
            met_on=d.met_on,
        )
        for d in periods.case_deadlines(case)
    )


def _check_officers(case: PenaltyCase) -> None:
    if case.officers.count() < MIN_OFFICERS:
        raise Conflict("执法人员不得少于两人（行政处罚法 第四十二条）。", code="penalty.too_few_officers")


# ---------------------------------------------------------------- creation


def penalty_case_propose(
    *,
    actor,
    bureau: Organisation,
    facts: str,
    parties: list[dict],
    officers: Iterable = (),
    origin_case=None,
    proposed_on: dt.date | None = None,
) -> PenaltyCase:
    """立案审批: a general-procedure case awaiting approval. The number is issued when it is approved."""
    _check_actor(actor, {RoleCode.HANDLER, RoleCode.SQUAD_LEADER}, bureau)
    _require({"facts": facts, "parties": parties}, ["facts", "parties"])
    cleaned = [_clean_party(p) for p in parties]
    officers = list(officers)
    if any(org_selectors.bureau_of(officer) != bureau for officer in officers):
        raise ValidationFailed(
            "执法人员须为本机关的执法人员（行政处罚法 第四十二条）。",
            code="penalty.foreign_officer",
            fields={"officers": ["执法人员须为本机关人员。"]},
        )
    with transaction.atomic():
        case = PenaltyCase.objects.create(
            bureau=bureau,
            origin_case=origin_case,
            procedure=Procedure.GENERAL,
            state=S.PROPOSED,
            facts=facts,
            proposed_on=proposed_on or clock.today(),
        )
        for party in cleaned:
            party.case = case
        PenaltyParty.objects.bulk_create(cleaned)
        case.officers.set(officers)
        audit.record(actor=actor, action="penalty.propose", obj=case, after=_snapshot(case))
    return case


def penalty_simple_decide(
    *,
    actor,
    bureau: Organisation,
    facts: str,
    legal_basis: str,
    party: dict,
    fine_amount: Decimal | int | str,
    collected_on_spot: bool = False,
    decided_on: dt.date | None = None,
    officers: Iterable = (),
) -> PenaltyCase:
    """简易程序: a decision made on the spot, only for a warning or a fine up to 200 yuan for a person or
    3,000 yuan for an organisation (行政处罚法 第五十一条); the fine may be collected on the spot only up
    to 100 yuan (第六十八条第一项)."""
    _check_actor(actor, {RoleCode.HANDLER, RoleCode.SQUAD_LEADER}, bureau)
    _require({"facts": facts, "legal_basis": legal_basis}, ["facts", "legal_basis"])
    cleaned = _clean_party(party)
    fine = _money(fine_amount)
    is_person = cleaned.kind == PartyKind.PERSON
    cap_id = "apl_simple_procedure_fine_individual" if is_person else "apl_simple_procedure_fine_org"
    cap = _statutory_value(cap_id)
    if fine > cap:
        who = "公民" if is_person else "法人或者其他组织"
        raise ValidationFailed(
            f"简易程序对{who}的罚款不得超过{cap:.0f}元，本案应适用普通程序（行政处罚法 第五十一条）。",
            code="penalty.simple_over_limit",
            fields={"fine_amount": [f"不得超过{cap:.0f}元。"]},
        )
    on_spot_cap = _statutory_value("apl_on_spot_collection_max")
    if collected_on_spot and fine > on_spot_cap:
        raise ValidationFailed(
            f"当场收缴罚款仅限{on_spot_cap:.0f}元以下（行政处罚法 第六十八条）。",
            code="penalty.on_spot_over_limit",
            fields={"collected_on_spot": [f"罚款超过{on_spot_cap:.0f}元，不得当场收缴。"]},
        )
    day = decided_on or clock.today()
    # A warning is carried out by handing over the decision; a fine is executing until it is paid.
    state = S.CLOSED if fine == 0 else S.PAID if collected_on_spot else S.EXECUTING
    with transaction.atomic():
        number = _issue_number(bureau, "简", "simple", day.year)
        case = PenaltyCase.objects.create(
            bureau=bureau,
            number=number,
            decision_number=number,
            procedure=Procedure.SIMPLE,
            state=state,
            facts=facts,
            legal_basis=legal_basis,
            fine_amount=fine,
            collected_on_spot=collected_on_spot,
            decision_on=day,
            decision_served_on=day,  # 当场交付 (第五十二条)
            review_periods_end_on=periods.review_periods_end(day),
            paid_on=day if collected_on_spot else None,
            closed_on=day if state == S.CLOSED else None,
        )
        cleaned.case = case
        cleaned.save()
        case.officers.set(list(officers))
        _refresh_deadlines(case)
        audit.record(actor=actor, action="penalty.simple_decide", obj=case, after=_snapshot(case))
    return case


# ---------------------------------------------------------------- the general procedure


def _conflict(message: str, code: str) -> Conflict:
    return Conflict(message, code=code)


def _apply(case: PenaltyCase, action: str, p: dict, today: dt.date) -> None:
    """The rule of each action; raises Conflict citing the article that forbids it."""
    if action == A.APPROVE_FILING:
        _check_officers(case)
        case.filed_on = _date(p.get("filed_on") or today, "filed_on")
        case.number = _issue_number(case.bureau, "立", "filing", case.filed_on.year)
        if case.origin_case_id:
            origin = case.origin_case
            origin.penalty_case_ref = case.number
            origin.save(update_fields=["penalty_case_ref"])
    elif action == A.SUBMIT_FOR_REVIEW:
        _check_officers(case)
        case.legal_basis = p["legal_basis"]
        if p.get("fine_amount") not in (None, ""):
            case.fine_amount = _money(p["fine_amount"])
        if p.get("legal_review_grounds"):
            case.legal_review_grounds = list(p["legal_review_grounds"])
            case.legal_review_required = True
        elif "legal_review_required" in p:
            case.legal_review_required = bool(p["legal_review_required"])
    elif action == A.LEGAL_REVIEW_PASS:
        case.legal_review_passed_on = _date(p.get("on") or today, "on")
        case.legal_review_opinion = p["opinion"]
    elif action == A.LEGAL_REVIEW_RETURN:
        case.legal_review_passed_on = None
        case.legal_review_opinion = p["reason"]
        case.reason = p["reason"]
    elif action == A.SERVE_NOTICE:
        served = _date(p["notice_served_on"], "notice_served_on")
        if served < case.filed_on:
            raise _conflict("告知日期不能早于立案日期。", "penalty.date_order")
        case.notice_served_on = served
        case.hearing_offered = bool(p.get("hearing_offered", False))
        if p.get("fine_amount") not in (None, ""):
            case.fine_amount = _money(p["fine_amount"])
    elif action == A.REQUEST_HEARING:
        asked = _date(p["hearing_requested_on"], "hearing_requested_on")
        if not case.hearing_offered:
            raise _conflict("本案不属于听证范围（行政处罚法 第六十三条）。", "penalty.hearing_not_applicable")
        last = legal_periods.deadline("apl_hearing_request", case.notice_served_on)
        if asked > last:
            raise _conflict(
                f"当事人应在告知后五个工作日内（{last:%Y-%m-%d}前）提出听证要求（行政处罚法 第六十四条）。",
                "penalty.hearing_request_late",
            )
        case.hearing_requested_on = asked
    elif action == A.SCHEDULE_HEARING:
        hearing_on = _date(p["hearing_on"], "hearing_on")
        notice_on = _date(p["hearing_notice_on"], "hearing_notice_on")
        latest = legal_periods.deadline("apl_hearing_notice", hearing_on)
        if notice_on > latest:
            raise _conflict(
                f"应在举行听证的七个工作日前（{latest:%Y-%m-%d}前）通知当事人（行政处罚法 第六十四条）。",
                "penalty.hearing_notice_late",
            )
        case.hearing_on, case.hearing_notice_on = hearing_on, notice_on
    elif action == A.HOLD_HEARING:
        # A decision after a hearing on rights of this weight needs legal review (第五十八条第一款第二项).
        case.legal_review_required = True
        case.legal_review_grounds = sorted({*case.legal_review_grounds, "hearing"})
    elif action == A.DECIDE:
        _check_decision(case, p, today)
    elif action == A.SERVE_DECISION:
        served = _date(p["decision_served_on"], "decision_served_on")
        if served < case.decision_on:
            raise _conflict("送达日期不能早于决定日期。", "penalty.date_order")
        case.decision_served_on = served
        case.review_periods_end_on = periods.review_periods_end(served)
    elif action == A.RECORD_PAYMENT:
        case.paid_on = _date(p["paid_on"], "paid_on")
    elif action == A.SERVE_REMINDER:
        served = _date(p["reminder_served_on"], "reminder_served_on")
        due = legal_periods.deadline("apl_fine_payment", case.decision_served_on)
        if served <= due:
            raise _conflict(
                f"缴款期限（{due:%Y-%m-%d}）届满前不得催告（行政处罚法 第六十七条、行政强制法 第五十四条）。",
                "penalty.reminder_too_early",
            )
        case.reminder_served_on = served
    elif action == A.APPLY_COURT:
        _check_court_application(case, _date(p["court_applied_on"], "court_applied_on"))
    elif action == A.CLOSE:
        case.closed_on = today
    elif action in (A.SUSPEND, A.TERMINATE):
        case.reason = p["reason"]
    elif action == A.TRANSFER:
        case.reason, case.transferred_to = p["reason"], p["to"]


def _check_decision(case: PenaltyCase, p: dict, today: dt.date) -> None:
    decided = _date(p.get("decision_on") or today, "decision_on")
    if decided < case.notice_served_on:
        raise _conflict("决定日期不能早于事先告知日期。", "penalty.date_order")
    if case.legal_review_required and not case.legal_review_passed_on:
        raise _conflict(
            "本案属于应当法制审核的情形，未经法制审核或审核未通过的，"
            "不得作出行政处罚决定（行政处罚法 第五十八条）。",
            "penalty.legal_review_missing",
        )
    if case.hearing_offered and not case.hearing_requested_on:
        last = legal_periods.deadline("apl_hearing_request", case.notice_served_on)
        if decided <= last:
            raise _conflict(
                f"当事人要求听证的期限至{last:%Y-%m-%d}届满，"
                "期满前不得作出决定（行政处罚法 第六十三条、第六十四条）。",
                "penalty.hearing_period_open",
            )
    limit = legal_periods.deadline("apl_decision_deadline", case.filed_on)
    reason = (p.get("overdue_reason") or "").strip()
    if decided > limit and not reason:
        raise _conflict(
            f"已超过立案之日起九十日的办案期限（{limit:%Y-%m-%d}），"
            "须记录延期理由方可作出决定（行政处罚法 第六十条）。",
            "penalty.decision_overdue",
        )
    if p.get("fine_amount") not in (None, ""):
        case.fine_amount = _money(p["fine_amount"])
    case.decision_on = decided
    case.decision_overdue_reason = reason if decided > limit else ""
    case.decision_number = _issue_number(case.bureau, "决", "decision", decided.year)


def _check_court_application(case: PenaltyCase, applied: dt.date) -> None:
    wait_end = legal_periods.deadline("acl_reminder_before_court_application", case.reminder_served_on)
    if applied <= wait_end:
        raise _conflict(
            f"催告书送达十日后（{wait_end:%Y-%m-%d}之后）当事人仍未履行的，"
            "方可申请法院强制执行（行政强制法 第五十四条）。",
            "penalty.court_too_early",
        )
    if case.reviews.filter(concluded_on__isnull=True).exists() or applied <= case.review_periods_end_on:
        raise _conflict(
            f"当事人申请复议或提起诉讼的法定期限（{case.review_periods_end_on:%Y-%m-%d}）"
            "届满后方可申请（行政强制法 第五十三条）。",
            "penalty.court_before_review_end",
        )
    window = legal_periods.deadline("acl_court_application_window", case.review_periods_end_on)
    if applied > window:
        raise _conflict(
            f"申请法院强制执行的期限已于{window:%Y-%m-%d}届满（行政强制法 第五十三条）。",
            "penalty.court_window_passed",
        )
    case.court_applied_on = applied


def penalty_transition(*, actor, case: PenaltyCase, action: str, payload: dict | None = None) -> PenaltyCase:
    """Take one step of the procedure (states.TRANSITIONS); a simple-procedure case only takes the
    steps of execution."""
    payload = dict(payload or {})
    transition = BY_ACTION.get(action)
    if transition is None:
        raise ValidationFailed(f"未知操作：{action}", code="penalty.unknown_action")
    _check_actor(actor, transition.roles, case.bureau)
    with transaction.atomic():
        case = PenaltyCase.objects.select_for_update().select_related("bureau").get(pk=case.pk)
        if not applies_to(case.procedure, action) or case.state not in transition.sources:
            raise InvalidTransition(
                f"案件当前状态为“{case.get_state_display()}”，不能执行“{PenaltyAction(action).label}”。"
            )
        # Asked after the state check, so a caller learns first whether the step is possible at all.
        _require(payload, transition.required)
        before = _snapshot(case)
        _apply(case, action, payload, clock.today())
        if action == A.SUSPEND:
            case.state_before_suspension = case.state
            case.state = S.SUSPENDED
        elif action == A.RESUME:
            case.state, case.state_before_suspension = case.state_before_suspension, ""
        elif transition.target is not None:
            case.state = transition.target
        case.save()
        _refresh_deadlines(case)
        audit.record(actor=actor, action=f"penalty.{action}", obj=case, before=before, after=_snapshot(case))
        if action == A.SERVE_DECISION:  # 行政处罚法 第四十八条: a served decision is made public
            from chengguan.enforcement import disclosure

            disclosure.publish_served_decision(actor=actor, case=case)
    return case


# ---------------------------------------------------------------- reconsideration and litigation


def penalty_review_record(
    *, actor, case: PenaltyCase, kind: str, applied_on: dt.date, body: str = ""
) -> PenaltyReview:
    """The party applied for reconsideration or sued; until it ends no surcharge accrues (第七十三条)."""
    _check_actor(actor, {RoleCode.LEGAL_REVIEWER, RoleCode.SQUAD_LEADER, RoleCode.LEADER}, case.bureau)
    if kind not in ReviewKind.values:
        raise ValidationFailed(
            "复议/诉讼类型不正确。", code="penalty.bad_review_kind", fields={"kind": ["类型不正确。"]}
        )
    with transaction.atomic():
        case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
        if case.decision_served_on is None or case.state in FINAL_STATES:
            raise _conflict(
                "处罚决定尚未送达或案件已结束，不能登记复议或诉讼。", "penalty.review_not_allowed"
            )
        review = PenaltyReview.objects.create(case=case, kind=kind, applied_on=applied_on, body=body)
        audit.record(
            actor=actor, action="penalty.review_record", obj=case, after={"review": review.pk, "kind": kind}
        )
    return review


def penalty_review_conclude(
    *, actor, review: PenaltyReview, concluded_on: dt.date, outcome: str, fine_amount=None
) -> PenaltyReview:
    """Record the outcome; its effect on the case and the publication is in review_effects.py
    (`fine_amount`: the new fine when the outcome is “changed”)."""
    from chengguan.enforcement import review_effects

    _check_actor(actor, {RoleCode.LEGAL_REVIEWER, RoleCode.SQUAD_LEADER, RoleCode.LEADER}, review.case.bureau)
    if outcome not in ReviewOutcome.values or not outcome:
        raise ValidationFailed(
            "结果不正确。", code="penalty.bad_review_outcome", fields={"outcome": ["结果不正确。"]}
        )
    new_fine = review_effects.check_changed_fine(outcome, fine_amount)
    with transaction.atomic():
        review = PenaltyReview.objects.select_for_update().get(pk=review.pk)
        if concluded_on < review.applied_on:
            raise _conflict("审结日期不能早于申请日期。", "penalty.date_order")
        review.concluded_on, review.outcome = concluded_on, outcome
        review.save(update_fields=["concluded_on", "outcome"])
        audit.record(
            actor=actor,
            action="penalty.review_conclude",
            obj=review.case,
            after={"review": review.pk, "outcome": outcome},
        )
        review_effects.apply_review_outcome(actor=actor, review=review, new_fine=new_fine)
    return review


# ---------------------------------------------------------------- from the closed loop, evidence

CASE_OFFICER_ROLES = frozenset({RoleCode.HANDLER, RoleCode.SQUAD_LEADER})
EVIDENCE_ROLES = frozenset({RoleCode.HANDLER, RoleCode.SQUAD_LEADER, RoleCode.LEADER})
# Evidence is gathered while the facts are being established; after the decision the file is fixed.
EVIDENCE_STATES = frozenset({S.PROPOSED, S.INVESTIGATING, S.CASE_REVIEW})


def origin_facts(case: Case) -> str:
    """The facts a penalty case opened from a closed-loop case starts with: what was reported,
    where, and the closed-loop number, for the officers to complete after investigation."""
    place = f"（地点：{case.address}）" if case.address else ""
    result = f"处置情况：{case.result}" if case.result else ""
    lines = [f"数字城管案件 {case.number}：{case.description}{place}", result]
    return "\n".join(line for line in lines if line)


def penalty_case_open_from_case(
    *,
    actor,
    case: Case,
    parties: list[dict],
    officers: Iterable = (),
    facts: str = "",
) -> PenaltyCase:
    """立案审批 for a closed-loop case closed with the enforcement disposition (721工作法 “执法”):
    the penalty case keeps `origin_case`, starts from the case's facts and place, and the case
    points back to it through `penalty_case_ref` (the filing number replaces the marker on approval)."""
    _check_actor(actor, CASE_OFFICER_ROLES, case.bureau)
    with transaction.atomic():
        origin = Case.objects.select_for_update().get(pk=case.pk)
        if origin.state != CaseState.CLOSED or origin.disposition != Disposition.ENFORCEMENT:
            raise _conflict(
                "只有以“执法”方式结案的案件才能转立行政处罚案件。", "penalty.origin_not_enforcement"
            )
        if origin.penalty_case_ref or PenaltyCase.objects.filter(origin_case=origin).exists():
            raise _conflict(
                f"该案件已转立行政处罚案件（{origin.penalty_case_ref or '待立案'}），不能重复转立。",
                "penalty.origin_already_opened",
            )
        penalty = penalty_case_propose(
            actor=actor,
            bureau=origin.bureau,
            facts=facts.strip() or origin_facts(origin),
            parties=parties,
            officers=officers,
            origin_case=origin,
        )
        origin.penalty_case_ref = str(penalty)
        origin.save(update_fields=["penalty_case_ref", "updated_at"])
        audit.record(
            actor=actor,
            action="penalty.opened_from_case",
            obj=origin,
            before={"penalty_case_ref": ""},
            after={"penalty_case_ref": origin.penalty_case_ref, "penalty_case": penalty.pk},
        )
    return penalty


def penalty_evidence_add(*, actor, case: PenaltyCase, upload, description: str) -> dict:
    """证据: a photo, video or recording gathered by at least two officers (行政处罚法 第四十二条、
    第五十五条). The file is stored under its SHA-256 and the hash, size and officers are written to the
    audit trail, which is where the evidence list is read from (执法全过程记录, 第四十七条)."""
    _check_actor(actor, EVIDENCE_ROLES, case.bureau)
    _require({"description": description, "file": upload}, ["description", "file"])
    info = evidence.inspect_upload(upload)
    with transaction.atomic():
        case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
        if case.state not in EVIDENCE_STATES:
            raise InvalidTransition(
                f"案件当前状态为“{case.get_state_display()}”，调查取证已结束，不能再补充证据。"
            )
        _check_officers(case)
        name = f"penalty/evidence/{case.pk}/{info.sha256[:32]}.{info.extension}"
        stored = name if default_storage.exists(name) else default_storage.save(name, ContentFile(info.data))
        item = {
            "path": stored,
            "sha256": info.sha256,
            "size": info.size,
            "kind": info.kind,
            "content_type": info.content_type,
            "original_name": info.original_name,
            "description": description.strip(),
            "officers": sorted(case.officers.values_list("username", flat=True)),
        }
        audit.record(actor=actor, action="penalty.evidence_add", obj=case, after=item)
    return item

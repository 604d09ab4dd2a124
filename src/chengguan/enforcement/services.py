"""Every write to a penalty case: proposing it, the simple procedure, one `penalty_transition` for the
general procedure (the kernel's `PENALTY_MACHINE`, states.py), reconsideration/litigation records and
evidence.

Each call runs in one transaction: the case row is locked, the named permissions (permissions.py) say
who may act, the law's rules are checked, the computed deadlines are rewritten and the audit event is
written before the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from stdnum.cn import ric, uscc

from chengguan.cases.models import Case
from chengguan.cases.states import CaseState, Disposition
from chengguan.core import audit, clock, evidence, legal_periods
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.enforcement import periods, records, selectors
from chengguan.enforcement.errors import PenaltyError as E
from chengguan.enforcement.models import (
    CollectionMethod,
    EvidenceKind,
    PartyKind,
    PenaltyCase,
    PenaltyEvidence,
    PenaltyParty,
    PenaltyReview,
    PenaltySettings,
    ReviewKind,
    ReviewOutcome,
)
from chengguan.enforcement.permissions import (
    can_add_evidence,
    can_record_reviews,
    can_set_penalty_rules,
    can_start_penalty,
)
from chengguan.enforcement.states import (
    EVIDENCE_STATES,
    FINAL_STATES,
    MIN_OFFICERS,
    PENALTY_MACHINE,
    PenaltyState,
    Procedure,
)
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation

S = PenaltyState


# ---------------------------------------------------------------- helpers


def _require(payload: dict, names: Iterable[str]) -> None:
    missing = {name: ["此项为必填项。"] for name in names if payload.get(name) in (None, "", [], ())}
    if missing:
        raise ValidationFailed("请填写必填项。", code=E.MISSING_FIELDS, fields=missing)


def _statutory_value(period_id: str) -> Decimal:
    return Decimal(str(legal_periods.get(period_id).value))


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
                code=E.BAD_ID_NUMBER,
                fields={"id_number": ["公民身份号码无效。"]},
            )
        party.id_number = ric.compact(number)
    elif kind == PartyKind.ORGANISATION:
        code = (data.get("credit_code") or "").strip().upper()
        if not uscc.is_valid(code):
            raise ValidationFailed(
                "统一社会信用代码无效。",
                code=E.BAD_CREDIT_CODE,
                fields={"credit_code": ["统一社会信用代码无效。"]},
            )
        party.credit_code = uscc.compact(code)
    else:
        raise ValidationFailed("当事人类型不正确。", code=E.BAD_PARTY_KIND, fields={"kind": ["类型不正确。"]})
    return party


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
    can_start_penalty.refuse(actor, bureau)
    _require({"facts": facts, "parties": parties}, ["facts", "parties"])
    cleaned = [_clean_party(p) for p in parties]
    officers = list(officers)
    if any(org_selectors.bureau_of(officer) != bureau for officer in officers):
        raise ValidationFailed(
            "执法人员须为本机关的执法人员（行政处罚法 第四十二条）。",
            code=E.FOREIGN_OFFICER,
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
        audit.record(actor=actor, action="penalty.propose", obj=case, after=records.snapshot(case))
    return case


def penalty_simple_decide(
    *,
    actor,
    bureau: Organisation,
    facts: str,
    legal_basis: str,
    party: dict,
    violated_provisions: str = "",
    fine_amount: Decimal | int | str,
    collected_on_spot: bool = False,
    decided_on: dt.date | None = None,
    officers: Iterable = (),
) -> PenaltyCase:
    """简易程序: a decision made on the spot, only for a warning or a fine up to 200 yuan for a person or
    3,000 yuan for an organisation (行政处罚法 第五十一条); the fine may be collected on the spot only up
    to 100 yuan (第六十八条第一项). `legal_basis` is the penalty's basis (处罚依据), `violated_provisions`
    the provisions broken (违法依据; when not given, the decision cites the basis for both)."""
    can_start_penalty.refuse(actor, bureau)
    _require({"facts": facts, "legal_basis": legal_basis}, ["facts", "legal_basis"])
    cleaned = _clean_party(party)
    fine = records.money(fine_amount)
    is_person = cleaned.kind == PartyKind.PERSON
    cap_id = "apl_simple_procedure_fine_individual" if is_person else "apl_simple_procedure_fine_org"
    cap = _statutory_value(cap_id)
    if fine > cap:
        who = "公民" if is_person else "法人或者其他组织"
        raise ValidationFailed(
            f"简易程序对{who}的罚款不得超过{cap:.0f}元，本案应适用普通程序（行政处罚法 第五十一条）。",
            code=E.SIMPLE_OVER_LIMIT,
            fields={"fine_amount": [f"不得超过{cap:.0f}元。"]},
        )
    on_spot_cap = _statutory_value("apl_on_spot_collection_max")
    if collected_on_spot and fine > on_spot_cap:
        raise ValidationFailed(
            f"当场收缴罚款仅限{on_spot_cap:.0f}元以下（行政处罚法 第六十八条）。",
            code=E.ON_SPOT_OVER_LIMIT,
            fields={"collected_on_spot": [f"罚款超过{on_spot_cap:.0f}元，不得当场收缴。"]},
        )
    day = decided_on or clock.today()
    officers = list(officers)
    records.require_certified(officers, on=day)
    # A warning is carried out by handing over the decision; a fine is executing until it is paid.
    state = S.CLOSED if fine == 0 else S.PAID if collected_on_spot else S.EXECUTING
    with transaction.atomic():
        number = records.issue_number(bureau, "简", "simple", day.year)
        case = PenaltyCase.objects.create(
            bureau=bureau,
            number=number,
            decision_number=number,
            procedure=Procedure.SIMPLE,
            state=state,
            facts=facts,
            violated_provisions=violated_provisions.strip(),
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
        case.officers.set(officers)
        records.refresh_deadlines(case)
        audit.record(actor=actor, action="penalty.simple_decide", obj=case, after=records.snapshot(case))
    return case


# ---------------------------------------------------------------- the general procedure


def penalty_transition(*, actor, case: PenaltyCase, action: str, payload: dict | None = None) -> PenaltyCase:
    """Take one step of the procedure (`states.PENALTY_MACHINE`); a simple-procedure case only takes
    the steps of execution."""
    return PENALTY_MACHINE.apply(case, action, actor=actor, **dict(payload or {}))


def available_actions(case: PenaltyCase, actor, **hints: Any) -> list[str]:
    """The steps `actor` may take on `case` now (the buttons and the API's `available_actions`)."""
    return PENALTY_MACHINE.available_actions(case, actor, **hints)


# ---------------------------------------------------------------- the bureau's settings


MAX_STATEMENT_DAYS = 30


def penalty_settings_update(
    *, actor, bureau: Organisation, statement_days: int, statement_rule: str
) -> PenaltySettings:
    """The bureau's statement-and-defence period in working days and the (provincial) rule it follows
    (行政处罚法 第四十四条、第四十五条 give the right, not the period). Notices already served keep
    the period they were served with."""
    can_set_penalty_rules.refuse(actor, bureau)
    errors: dict[str, list[str]] = {}
    try:
        days = int(statement_days)
        if not 1 <= days <= MAX_STATEMENT_DAYS:
            raise ValueError
    except (TypeError, ValueError):
        errors["statement_days"] = [f"须为 1 至 {MAX_STATEMENT_DAYS} 之间的整数。"]
    rule = (statement_rule or "").strip()
    if not rule:
        errors["statement_rule"] = ["请注明依据的规定，如本省行政处罚程序规定的条款。"]
    elif len(rule) > 200:
        errors["statement_rule"] = ["不能超过 200 字。"]
    if errors:
        raise ValidationFailed(E.BAD_STATEMENT_DAYS.label, code=E.BAD_STATEMENT_DAYS, fields=errors)
    with transaction.atomic():
        before = periods.statement_period(bureau)
        row, _created = PenaltySettings.objects.select_for_update().get_or_create(
            bureau=bureau, defaults={"statement_days": days, "statement_rule": rule}
        )
        row.statement_days, row.statement_rule = days, rule
        row.save(update_fields=["statement_days", "statement_rule"])
        audit.record(
            actor=actor,
            action="penalty.settings_update",
            obj=row,
            before={"statement_days": before.days, "statement_rule": before.rule},
            after={"statement_days": days, "statement_rule": rule},
        )
    return row


# ---------------------------------------------------------------- reconsideration and litigation


def _review_window_refusal(case: PenaltyCase, kind: str, applied_on: dt.date) -> Conflict | None:
    """On a closed case, a review is registered only inside its window (行政复议法 第二十条; 行政诉讼法
    第四十六条, or 第四十五条 after a reconsideration decision)."""
    last = selectors.review_windows(case)[kind]
    if applied_on <= last:
        return None
    served = f"{case.decision_served_on:%Y-%m-%d}"
    if kind == ReviewKind.RECONSIDERATION:
        said = (
            f"申请行政复议的期限（决定书{served}送达之日起六十日）已于{last:%Y-%m-%d}届满"
            "（行政复议法 第二十条）"
        )
    else:
        said = (
            f"提起行政诉讼的期限（决定书{served}送达之日起六个月，或收到复议决定书之日起十五日）"
            f"已于{last:%Y-%m-%d}届满（行政诉讼法 第四十六条、第四十五条）"
        )
    return Conflict(f"{said}，本案已结案，不能再登记。", code=E.REVIEW_WINDOW_PASSED)


def review_open(case: PenaltyCase) -> bool:
    """Whether a reconsideration or lawsuit can be registered now (the case page offers the form only
    then): the decision has been served, the case was not terminated or transferred, and on a closed
    case one of the windows is still open today."""
    if case.decision_served_on is None or (case.state in FINAL_STATES and case.state != S.CLOSED):
        return False
    if case.state != S.CLOSED:
        return True
    today = clock.today()
    return any(today <= last for last in selectors.review_windows(case).values())


def penalty_review_record(
    *, actor, case: PenaltyCase, kind: str, applied_on: dt.date, body: str = ""
) -> PenaltyReview:
    """The party applied for reconsideration or sued; until it ends no surcharge accrues (第七十三条).

    A closed case takes it while the windows are open: it stays closed and shows as under review, and
    the outcome has its effects (review_effects.py). A terminated or transferred case takes none."""
    can_record_reviews.refuse(actor, case)
    if kind not in ReviewKind.values:
        raise ValidationFailed(
            "复议/诉讼类型不正确。", code=E.BAD_REVIEW_KIND, fields={"kind": ["类型不正确。"]}
        )
    with transaction.atomic():
        case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
        ended = case.state in FINAL_STATES and case.state != S.CLOSED
        if case.decision_served_on is None or ended:
            raise Conflict(
                "处罚决定尚未送达或案件已终止、移送，不能登记复议或诉讼。", code=E.REVIEW_NOT_ALLOWED
            )
        if case.state == S.CLOSED and (refusal := _review_window_refusal(case, kind, applied_on)):
            raise refusal
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

    can_record_reviews.refuse(actor, review.case)
    if outcome not in ReviewOutcome.values or not outcome:
        raise ValidationFailed(
            "结果不正确。", code=E.BAD_REVIEW_OUTCOME, fields={"outcome": ["结果不正确。"]}
        )
    new_fine = review_effects.check_changed_fine(outcome, fine_amount)
    with transaction.atomic():
        review = PenaltyReview.objects.select_for_update().get(pk=review.pk)
        if concluded_on < review.applied_on:
            raise Conflict("审结日期不能早于申请日期。", code=E.DATE_ORDER)
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
    can_start_penalty.refuse(actor, case.bureau)
    with transaction.atomic():
        origin = Case.objects.select_for_update().get(pk=case.pk)
        if origin.state != CaseState.CLOSED or origin.disposition != Disposition.ENFORCEMENT:
            raise Conflict("只有以“执法”方式结案的案件才能转立行政处罚案件。", code=E.ORIGIN_NOT_ENFORCEMENT)
        if origin.penalty_case_ref or PenaltyCase.objects.filter(origin_case=origin).exists():
            raise Conflict(
                f"该案件已转立行政处罚案件（{origin.penalty_case_ref or '待立案'}），不能重复转立。",
                code=E.ORIGIN_ALREADY_OPENED,
            )
        penalty = penalty_case_propose(
            actor=actor,
            bureau=origin.bureau,
            facts=facts.strip() or origin_facts(origin),
            parties=parties,
            officers=officers,
            origin_case=origin,
        )
        origin.penalty_case_ref = penalty.reference
        origin.save(update_fields=["penalty_case_ref", "updated_at"])
        audit.record(
            actor=actor,
            action="penalty.opened_from_case",
            obj=origin,
            before={"penalty_case_ref": ""},
            after={"penalty_case_ref": origin.penalty_case_ref, "penalty_case": penalty.pk},
        )
    return penalty


def _evidence_officers(case: PenaltyCase, officers: Iterable | None) -> list:
    """The officers who collected an item: named ones must be officers of the case, and at least two
    (行政处罚法 第四十二条); none named means the case's officers."""
    on_case = {u.pk: u for u in case.officers.all()}
    chosen = list(on_case.values()) if officers is None else list(officers)
    if len(chosen) < MIN_OFFICERS or any(getattr(u, "pk", None) not in on_case for u in chosen):
        if officers is None:
            raise Conflict("执法人员不得少于两人（行政处罚法 第四十二条）。", code=E.TOO_FEW_OFFICERS)
        message = "取证人员须为本案的执法人员，且不少于两人（行政处罚法 第四十二条）。"
        raise ValidationFailed(message, code=E.EVIDENCE_OFFICER_NOT_ON_CASE, fields={"officers": [message]})
    return chosen


def _evidence_kind(kind: str, file_kind: str) -> str:
    if not kind:
        # A photo, video or recording of the scene is 视听资料 unless the officer says otherwise.
        return (
            EvidenceKind.AUDIOVISUAL if file_kind in ("photo", "video", "audio") else EvidenceKind.ELECTRONIC
        )
    if kind not in EvidenceKind.values:
        raise ValidationFailed(
            "证据种类不正确（行政处罚法 第四十六条）。",
            code=E.BAD_EVIDENCE_KIND,
            fields={"kind": ["种类不正确。"]},
        )
    return kind


def penalty_evidence_add(
    *,
    actor,
    case: PenaltyCase,
    upload,
    description: str,
    kind: str = "",
    method: str = "",
    place: str = "",
    collected_at: dt.datetime | None = None,
    officers: Iterable | None = None,
) -> PenaltyEvidence:
    """证据清单: one item gathered by at least two of the case's officers (行政处罚法 第四十二条、
    第五十五条), of a kind the law lists (第四十六条), with how, where and when it was collected. Each
    collecting officer must hold a certificate in force on the day (the people app's registry). The
    file is stored under its SHA-256; the register row and the audit event (执法全过程记录, 第四十七条)
    are written together."""
    can_add_evidence.refuse(actor, case)
    _require({"description": description, "file": upload}, ["description", "file"])
    if method not in CollectionMethod.values:
        raise ValidationFailed(
            "取证方式不正确。", code=E.BAD_COLLECTION_METHOD, fields={"method": ["取证方式不正确。"]}
        )
    info = evidence.inspect_upload(upload)
    kind = _evidence_kind(kind, info.kind)
    now = clock.now()
    collected_at = collected_at or info.taken_at or now
    if collected_at > now:
        raise ValidationFailed(
            "取证时间不能晚于现在。",
            code=E.EVIDENCE_IN_FUTURE,
            fields={"collected_at": ["取证时间不能晚于现在。"]},
        )
    with transaction.atomic():
        case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
        if case.state not in EVIDENCE_STATES:
            raise Conflict(
                f"案件当前状态为“{case.get_state_display()}”，调查取证已结束，不能再补充证据。",
                code=E.INVALID_TRANSITION,
            )
        collectors = _evidence_officers(case, officers)
        records.require_certified(collectors, on=collected_at.astimezone(clock.SHANGHAI).date())
        name = f"penalty/evidence/{case.pk}/{info.sha256[:32]}.{info.extension}"
        stored = name if default_storage.exists(name) else default_storage.save(name, ContentFile(info.data))
        last = case.evidence_entries.order_by("-no").values_list("no", flat=True).first() or 0
        entry = PenaltyEvidence.objects.create(
            case=case,
            no=last + 1,
            title=description.strip(),
            kind=kind,
            method=method,
            place=place.strip(),
            collected_at=collected_at,
            file=stored,
            sha256=info.sha256,
            size=info.size,
            content_type=info.content_type,
            original_name=info.original_name[:200],
            recorded_by=actor,
            recorded_at=now,
        )
        entry.officers.set(collectors)
        audit.record(
            actor=actor,
            action="penalty.evidence_add",
            obj=case,
            after={
                "evidence": entry.pk,
                "no": entry.no,
                "path": stored,
                "sha256": info.sha256,
                "size": info.size,
                "kind": kind,
                "method": method,
                "place": entry.place,
                "collected_at": collected_at.isoformat(),
                "content_type": info.content_type,
                "original_name": info.original_name,
                "description": entry.title,
                "officers": sorted(u.get_username() for u in collectors),
            },
        )
    return entry

"""卷宗评查: legal staff score closed penalty case files against a checklist.

The checklist is data (`data/case_file_checklist.yaml`, or the file named by the setting
`PENALTY_EVALUATION_CHECKLIST`): items with the points each is worth and the article it checks, plus a
pass mark. An evaluation records the points taken off per item; the score is 100 minus those points. Items
marked `required` must also be present for the case to be closed at all (casefile.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from chengguan.core import audit, clock
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.enforcement.errors import EvaluationError
from chengguan.enforcement.models import (
    CaseFileEvaluation,
    DocumentType,
    EvaluationState,
    PenaltyCase,
    PenaltyState,
)
from chengguan.enforcement.permissions import can_correct_case_file, can_evaluate
from chengguan.people import selectors as people_selectors

DEFAULT_CHECKLIST = Path(__file__).resolve().parent / "data" / "case_file_checklist.yaml"


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    points: Decimal
    source: str
    required: bool = False  # the file is not closed without it (casefile.py)


@dataclass(frozen=True)
class Checklist:
    version: str
    pass_mark: Decimal
    items: tuple[ChecklistItem, ...]

    @property
    def total(self) -> Decimal:
        return sum((item.points for item in self.items), Decimal(0))

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.id == item_id), None)


@lru_cache(maxsize=4)
def _load(path: str) -> Checklist:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    items = tuple(
        ChecklistItem(
            id=str(e["id"]),
            title=e["title"],
            points=Decimal(str(e["points"])),
            source=e.get("source", ""),
            required=bool(e.get("required", False)),
        )
        for e in data["items"]
    )
    if len({i.id for i in items}) != len(items):
        raise ValueError(f"{path}: checklist item ids must be unique")
    from chengguan.enforcement.casefile import REQUIRED_CHECKS

    unchecked = sorted(i.id for i in items if i.required and i.id not in REQUIRED_CHECKS)
    if unchecked:
        raise ValueError(f"{path}: no check for the required items {unchecked}")
    return Checklist(version=str(data["version"]), pass_mark=Decimal(str(data["pass_mark"])), items=items)


def checklist() -> Checklist:
    """The checklist in force."""
    return _load(str(getattr(settings, "PENALTY_EVALUATION_CHECKLIST", "") or DEFAULT_CHECKLIST))


def _deduction(item: ChecklistItem, raw) -> Decimal:
    key = f"deductions.{item.id}"
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            "扣分须为数字。", code=EvaluationError.BAD_DEDUCTION, fields={key: ["扣分须为数字。"]}
        ) from None
    if not Decimal(0) <= value <= item.points:
        message = f"“{item.title}”的扣分应在0到{item.points}分之间。"
        raise ValidationFailed(message, code=EvaluationError.BAD_DEDUCTION, fields={key: [message]})
    return value


def _closed(case: PenaltyCase) -> None:
    if case.state != PenaltyState.CLOSED:
        raise Conflict("只能评查已结案的案卷。", code=EvaluationError.CASE_NOT_CLOSED)


def case_file_select(
    *, actor, cases: Iterable[PenaltyCase], selected_on: dt.date | None = None
) -> list[CaseFileEvaluation]:
    """抽取评查案卷: the legal office chooses closed files to evaluate (all or none are taken)."""
    cases = list(cases)
    for case in cases:
        can_evaluate.refuse(actor, case)
    day = selected_on or clock.today()
    chosen = []
    with transaction.atomic():
        for case in (
            PenaltyCase.objects.select_for_update().filter(pk__in=[c.pk for c in cases]).order_by("pk")
        ):
            _closed(case)
            if CaseFileEvaluation.objects.filter(case=case).exists():
                raise Conflict(f"案卷 {case} 已选入评查。", code=EvaluationError.ALREADY_SELECTED)
            evaluation = CaseFileEvaluation.objects.create(
                case=case, state=EvaluationState.SELECTED, selected_on=day, selected_by=actor
            )
            audit.record(
                actor=actor, action="penalty.case_file_select", obj=case, after={"evaluation": evaluation.pk}
            )
            chosen.append(evaluation)
    return chosen


def case_file_evaluate(
    *,
    actor,
    case: PenaltyCase,
    deductions: dict[str, object],
    notes: str = "",
    evaluated_on: dt.date | None = None,
) -> CaseFileEvaluation:
    """Score a closed case file: `deductions` maps checklist item ids to points taken off (items left
    out lose nothing). Only legal reviewers evaluate; a file is scored once, and again only after the
    correction it was sent back for. The reviewer is recorded by name as well as by account."""
    can_evaluate.refuse(actor, case)
    current = checklist()
    unknown = sorted(set(deductions) - {i.id for i in current.items})
    if unknown:
        raise ValidationFailed(
            "评查项目不存在。",
            code=EvaluationError.UNKNOWN_ITEM,
            fields={f"deductions.{k}": ["评查项目不存在。"] for k in unknown},
        )
    cleaned = {
        item.id: _deduction(item, deductions[item.id]) for item in current.items if item.id in deductions
    }
    score = current.total - sum(cleaned.values(), Decimal(0))
    with transaction.atomic():
        case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
        _closed(case)
        evaluation = CaseFileEvaluation.objects.select_for_update().filter(case=case).first()
        if evaluation is not None and evaluation.state == EvaluationState.SCORED:
            raise Conflict("该案卷已评查。", code=EvaluationError.ALREADY_EVALUATED)
        if evaluation is not None and evaluation.state == EvaluationState.RETURNED:
            raise Conflict("该案卷已退回整改，整改完成后才能复评。", code=EvaluationError.AWAITING_CORRECTION)
        before = None if evaluation is None else {"state": evaluation.state, "score": evaluation.score}
        evaluation = evaluation or CaseFileEvaluation(case=case)
        evaluation.state = EvaluationState.SCORED
        evaluation.evaluator = actor
        evaluation.evaluator_name = people_selectors.display_name(actor)
        evaluation.evaluated_on = evaluated_on or clock.today()
        evaluation.checklist_version = current.version
        evaluation.deductions = {k: str(v) for k, v in cleaned.items() if v}
        evaluation.score = score
        evaluation.pass_mark = current.pass_mark
        evaluation.passed = score >= current.pass_mark
        evaluation.notes = notes.strip()
        evaluation.save()
        audit.record(
            actor=actor,
            action="penalty.case_file_evaluate",
            obj=case,
            before=before,
            after={
                "evaluation": evaluation.pk,
                "score": score,
                "passed": evaluation.passed,
                "deductions": evaluation.deductions,
                "checklist": current.version,
                "evaluator": evaluation.evaluator_name,
            },
        )
    return evaluation


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(
            "请填写必填项。", code=EvaluationError.MISSING_FIELDS, fields={field: ["此项为必填项。"]}
        )
    return value


def case_file_return(*, actor, evaluation: CaseFileEvaluation, reason: str) -> CaseFileEvaluation:
    """退回整改: a scored file goes back to its officers with what to correct."""
    can_evaluate.refuse(actor, evaluation.case)
    reason = _required(reason, "reason")
    with transaction.atomic():
        evaluation = (
            CaseFileEvaluation.objects.select_for_update().select_related("case").get(pk=evaluation.pk)
        )
        if evaluation.state != EvaluationState.SCORED:
            raise Conflict("只能退回已评分的案卷。", code=EvaluationError.NOT_SCORED)
        evaluation.state = EvaluationState.RETURNED
        evaluation.returned_on = clock.today()
        evaluation.return_reason = reason
        evaluation.save(update_fields=["state", "returned_on", "return_reason"])
        audit.record(
            actor=actor,
            action="penalty.case_file_return",
            obj=evaluation.case,
            before={"state": EvaluationState.SCORED},
            after={"state": evaluation.state, "reason": reason},
        )
    return evaluation


def case_file_correct(*, actor, evaluation: CaseFileEvaluation, note: str) -> CaseFileEvaluation:
    """整改完成: the case's officers report what they corrected; the file waits to be scored again."""
    can_correct_case_file.refuse(actor, evaluation.case)
    note = _required(note, "note")
    with transaction.atomic():
        evaluation = (
            CaseFileEvaluation.objects.select_for_update().select_related("case").get(pk=evaluation.pk)
        )
        if evaluation.state != EvaluationState.RETURNED:
            raise Conflict("该案卷没有被退回整改。", code=EvaluationError.NOT_RETURNED)
        evaluation.state = EvaluationState.CORRECTED
        evaluation.corrected_on = clock.today()
        evaluation.correction_note = note
        evaluation.save(update_fields=["state", "corrected_on", "correction_note"])
        audit.record(
            actor=actor,
            action="penalty.case_file_correct",
            obj=evaluation.case,
            before={"state": EvaluationState.RETURNED},
            after={"state": evaluation.state, "note": note},
        )
    return evaluation


def file_findings(case: PenaltyCase) -> dict[str, str]:
    """What the file shows for the default checklist's items, read from the case, its documents and
    its evidence register: a hint beside each item, never a score (the reviewer decides)."""
    docs: dict[str, int] = {}
    for doc_type in case.documents.values_list("doc_type", flat=True):
        docs[doc_type] = docs.get(doc_type, 0) + 1
    evidence = list(case.evidence_entries.prefetch_related("officers"))
    two = sum(1 for e in evidence if len(e.officers.all()) >= 2)

    def has(doc_type: str) -> str:
        label = DocumentType(doc_type).label
        n = docs.get(doc_type, 0)
        return (
            gettext("有《%(doc)s》%(n)s份") % {"doc": label, "n": n}
            if n
            else gettext("无《%(doc)s》") % {"doc": label}
        )

    T = DocumentType
    return {
        "filing": has(T.FILING_APPROVAL),
        "officers": gettext("承办人员%(n)s人") % {"n": case.officers.count()},
        "evidence": gettext("证据清单%(n)s项，其中%(two)s项由两名以上执法人员取证")
        % {"n": len(evidence), "two": two},
        "notice": has(T.PRIOR_NOTICE) + gettext("；") + has(T.STATEMENT_RECORD),
        "hearing": has(T.HEARING_RECORD) if case.hearing_offered else gettext("未告知听证（不适用）"),
        "legal_review": (gettext("已通过") if case.legal_review_passed_on else gettext("未通过"))
        if case.legal_review_required
        else gettext("不属于第五十八条情形"),
        "decision": has(T.DECISION if case.procedure == "general" else T.SIMPLE_DECISION),
        "service": has(T.SERVICE_RECEIPT),
        "execution": gettext("已缴纳") if case.paid_on else gettext("未记录缴纳"),
        "archive": has(T.CLOSING_REPORT),
    }

"""卷宗评查: legal staff score closed penalty case files against a checklist.

The checklist is data (`data/case_file_checklist.yaml`, or the file named by the setting
`PENALTY_EVALUATION_CHECKLIST`): items with the points each is worth and the article it checks, plus a
pass mark. An evaluation records the points taken off per item; the score is 100 minus those points. Items
marked `required` must also be present for the case to be closed at all (casefile.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from chengguan.core import audit, clock
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.enforcement.errors import EvaluationError
from chengguan.enforcement.models import CaseFileEvaluation, PenaltyCase, PenaltyState
from chengguan.enforcement.permissions import can_evaluate

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


def case_file_evaluate(
    *,
    actor,
    case: PenaltyCase,
    deductions: dict[str, object],
    notes: str = "",
    evaluated_on: dt.date | None = None,
) -> CaseFileEvaluation:
    """Score a closed case file: `deductions` maps checklist item ids to points taken off (items left
    out lose nothing). Only legal reviewers evaluate; each file is evaluated once."""
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
        if case.state != PenaltyState.CLOSED:
            raise Conflict("只能评查已结案的案卷。", code=EvaluationError.CASE_NOT_CLOSED)
        if CaseFileEvaluation.objects.filter(case=case).exists():
            raise Conflict("该案卷已评查。", code=EvaluationError.ALREADY_EVALUATED)
        evaluation = CaseFileEvaluation.objects.create(
            case=case,
            evaluator=actor,
            evaluated_on=evaluated_on or clock.today(),
            checklist_version=current.version,
            deductions={k: str(v) for k, v in cleaned.items() if v},
            score=score,
            pass_mark=current.pass_mark,
            passed=score >= current.pass_mark,
            notes=notes.strip(),
        )
        audit.record(
            actor=actor,
            action="penalty.case_file_evaluate",
            obj=case,
            after={
                "evaluation": evaluation.pk,
                "score": score,
                "passed": evaluation.passed,
                "deductions": evaluation.deductions,
                "checklist": current.version,
            },
        )
    return evaluation

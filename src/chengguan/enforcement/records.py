"""What every write to a penalty case shares: its document numbers, its computed deadlines, amounts
of money and the snapshot its audit events carry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from chengguan.core import numbering
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.enforcement import periods
from chengguan.enforcement.errors import PenaltyError
from chengguan.enforcement.models import PenaltyCase, PenaltyDeadline
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation
from chengguan.people import selectors as people_selectors


def document_prefix(bureau: Organisation, kind: str) -> str:
    """`中原城管罚立字`: the bureau's abbreviation (from its short name, `中原城管局` → `中原城管`;
    a bureau without one takes the installation's `PENALTY_DOCUMENT_PREFIX`, else its full name's
    abbreviation) + 罚 + the document kind + 字. Each bureau of an installation numbers its own."""
    default = getattr(settings, "PENALTY_DOCUMENT_PREFIX", "")
    abbreviation = org_selectors.bureau_abbreviation(bureau) if bureau.short_name or not default else default
    return f"{abbreviation}罚{kind}字"


def issue_number(bureau: Organisation, kind: str, key: str, year: int) -> str:
    """The next gapless number of `key` in the bureau and year (taken inside the caller's transaction,
    so a failed write gives it back)."""
    n = numbering.next_number(f"penalty.{key}.{bureau.pk}", year)
    return numbering.format_document_number(document_prefix(bureau, kind), year, n)


def uncertified(officers: Iterable, on: dt.date) -> list:
    """The officers without an enforcement certificate in force on `on` (the people app's registry)."""
    return people_selectors.uncertified(officers, on=on)


def uncertified_message(officers: Iterable, on: dt.date) -> str:
    names = "、".join(people_selectors.display_name(u) for u in officers)
    return (
        f"执法人员{names}在{on:%Y-%m-%d}没有有效的行政执法证，不得参与执法"
        "（行政处罚法 第四十二条、第五十五条）。"
    )


def require_certified(officers: Iterable, *, on: dt.date) -> None:
    """行政处罚法 第四十二条: penalties are imposed by officers holding enforcement qualifications;
    第五十五条: they show their certificates. Every step an officer takes part in is refused (409)
    when one of them holds no certificate in force on the step's date."""
    missing = uncertified(officers, on)
    if missing:
        raise Conflict(uncertified_message(missing, on), code=PenaltyError.OFFICER_NOT_CERTIFIED)


def money(value: Any, field: str = "fine_amount") -> Decimal:
    """An amount in yuan, to the fen; refused when not a number or negative."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            "金额格式不正确。", code=PenaltyError.BAD_AMOUNT, fields={field: ["金额格式不正确。"]}
        ) from exc
    if amount < 0:
        raise ValidationFailed(
            "金额不能为负数。", code=PenaltyError.BAD_AMOUNT, fields={field: ["金额不能为负数。"]}
        )
    return amount


def snapshot(case: PenaltyCase) -> dict[str, Any]:
    """The state, number, fine and every date of the case (the before/after of its audit events)."""
    dates = {f.name: getattr(case, f.name) for f in case._meta.concrete_fields if f.name.endswith("_on")}
    return {"state": case.state, "number": case.number, "fine_amount": case.fine_amount, **dates}


def refresh_deadlines(case: PenaltyCase) -> None:
    """Rewrite the case's statutory periods from its recorded dates."""
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

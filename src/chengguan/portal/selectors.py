"""Reads of the public channel. Open311 answers are public, so they carry no personal data."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.states import FINAL_STATES, CaseState
from chengguan.core.masking import mask_phone
from chengguan.portal.models import Open311Client, Open311Submission
from chengguan.portal.services import hash_key
from chengguan.taxonomy.selectors import active_categories

# Mainland mobile numbers and landlines a citizen may type into a description.
PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")

_NOTES = {
    CaseState.REPORTED: "已收到，等待受理审核",
    CaseState.FILED: "已立案，等待派遣",
    CaseState.DISPATCHED: "已派遣至{unit}",
    CaseState.RETURNED: "处置单位退回，正在重新派遣",
    CaseState.IN_HANDLING: "{unit}正在处置",
    CaseState.HANDLED: "{unit}已处置，等待核查",
    CaseState.REWORK: "核查未通过，{unit}正在返工处置",
    CaseState.VERIFIED: "已核查，等待结案",
    CaseState.SUSPENDED: "暂缓办理",
    CaseState.CLOSED: "已办结",
    CaseState.NOT_FILED: "经审核不予立案",
    CaseState.CANCELLED: "已撤销",
    CaseState.MERGED: "已与同一问题的其他报告合并办理",
}


def client_for_key(raw_key: str | None) -> Open311Client | None:
    """The active client holding this key, or None."""
    if not raw_key:
        return None
    return Open311Client.objects.filter(key_hash=hash_key(raw_key.strip()), active=True).first()


def open311_services():
    """The services a client may request: the active taxonomy's categories."""
    return active_categories()


def open311_status(case: Case) -> str:
    """GeoReport v2 knows two states: a case is closed once it reached a final state."""
    return "closed" if case.state in FINAL_STATES else "open"


def status_notes(case: Case) -> str:
    """Our detailed state in plain words, naming units but never people."""
    unit = case.handling_unit.name if case.handling_unit_id else "处置单位"
    return _NOTES.get(case.state, case.get_state_display()).format(unit=unit)


def public_text(text: str) -> str:
    """Mask phone numbers a reporter typed into free text before it is shown to the public."""
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text or "")


def open311_requests() -> QuerySet[Case]:
    """Cases that came in through Open311: the only ones this public API shows."""
    return (
        Case.objects.filter(source=CaseSource.OPEN311)
        .select_related("category", "handling_unit", "open311")
        .order_by("-reported_at", "-id")
    )


def filter_requests(
    qs: QuerySet[Case],
    *,
    ids: list[str] | None = None,
    codes: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: list[str] | None = None,
) -> QuerySet[Case]:
    """The spec's filters: a list of ids overrides the others."""
    if ids:
        return qs.filter(number__in=ids)
    if codes:
        qs = qs.filter(category__code__in=codes)
    if start:
        qs = qs.filter(reported_at__gte=start)
    if end:
        qs = qs.filter(reported_at__lte=end)
    if statuses and set(statuses) != {"open", "closed"}:
        final = [str(s) for s in FINAL_STATES]
        qs = qs.exclude(state__in=final) if "open" in statuses else qs.filter(state__in=final)
    return qs


def submission_by_token(token: str) -> Open311Submission | None:
    return Open311Submission.objects.select_related("case").filter(token=token).first()

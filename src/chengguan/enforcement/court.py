"""非诉强制执行: the court's acceptance of the bureau's application and its ruling (行政强制法
第五十六条、第五十七条、第五十八条), with the court and the police station the officers coordinate with
picked from the organisation tree (协作单位 of type 法院 / 公安).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from chengguan.core import audit, legal_periods
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.enforcement.errors import PenaltyError as E
from chengguan.enforcement.models import CourtEnforcement, CourtRuling, PenaltyCase, PenaltyState
from chengguan.enforcement.permissions import can_record_court
from chengguan.org.models import Organisation, OrgKind, PartnerType


def _field_error(field: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def partner_contacts(*, bureau: Organisation, partner_type: str) -> QuerySet[Organisation]:
    """Active partner units of a type (法院, 公安…) in the bureau's tree, with contact person and phone."""
    return Organisation.objects.filter(
        kind=OrgKind.PARTNER, partner_type=partner_type, bureau=bureau, is_active=True
    ).order_by("sort_order", "name")


def _partner(
    bureau: Organisation, org: Organisation | None, partner_type: str, field: str
) -> Organisation | None:
    if org is None:
        return None
    if not partner_contacts(bureau=bureau, partner_type=partner_type).filter(pk=org.pk).exists():
        label = PartnerType(partner_type).label
        raise _field_error(field, f"请选择本局协作单位中的{label}。", E.BAD_PARTNER)
    return org


def court_acceptance_record(
    *,
    actor,
    case: PenaltyCase,
    court: Organisation,
    accepted_on: dt.date,
    court_case_number: str,
    police: Organisation | None = None,
) -> CourtEnforcement:
    """The court accepted the application (it has five working days to decide, 行政强制法 第五十六条)."""
    can_record_court.refuse(actor, case)
    court = _partner(case.bureau, court, PartnerType.COURT, "court")
    if court is None:
        raise _field_error("court", "请选择受理法院。", E.MISSING_FIELDS)
    police = _partner(case.bureau, police, PartnerType.POLICE, "police")
    number = (court_case_number or "").strip()
    if not number:
        raise _field_error("court_case_number", "请填写法院案号。", E.MISSING_FIELDS)
    with transaction.atomic():
        case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
        if case.state != PenaltyState.COURT_ENFORCEMENT:
            raise Conflict(
                f"案件当前状态为“{case.get_state_display()}”，尚未申请法院强制执行。",
                code=E.NOT_IN_COURT,
            )
        if accepted_on < case.court_applied_on:
            raise _field_error("accepted_on", "受理日期不能早于申请日期。", E.DATE_ORDER)
        if CourtEnforcement.objects.filter(case=case).exists():
            raise Conflict("已登记法院受理情况。", code=E.COURT_ALREADY_RECORDED)
        record = CourtEnforcement.objects.create(
            case=case, court=court, police=police, accepted_on=accepted_on, court_case_number=number
        )
        audit.record(
            actor=actor,
            action="penalty.court_accept",
            obj=case,
            after={
                "court": court.pk,
                "police": police.pk if police else None,
                "accepted_on": accepted_on,
                "court_case_number": number,
            },
        )
    return record


def court_ruling_record(
    *, actor, case: PenaltyCase, ruling: str, ruled_on: dt.date, note: str = ""
) -> CourtEnforcement:
    """The court's ruling to enforce or not (第五十七条: within seven working days of acceptance, or
    thirty days where it hears the parties, 第五十八条). A late ruling is still recorded; the due day is
    returned by `ruling_due_on` so the bureau can press the court."""
    can_record_court.refuse(actor, case)
    if ruling not in CourtRuling.values:
        raise _field_error("ruling", "请选择裁定结果。", E.BAD_RULING)
    with transaction.atomic():
        record = CourtEnforcement.objects.select_for_update().filter(case=case).first()
        if record is None:
            raise Conflict("请先登记法院受理情况。", code=E.COURT_NOT_ACCEPTED)
        if record.ruling:
            raise Conflict("已登记法院裁定。", code=E.COURT_ALREADY_RULED)
        if ruled_on < record.accepted_on:
            raise _field_error("ruled_on", "裁定日期不能早于受理日期。", E.DATE_ORDER)
        record.ruling, record.ruled_on, record.ruling_note = ruling, ruled_on, note.strip()
        record.save(update_fields=["ruling", "ruled_on", "ruling_note"])
        audit.record(
            actor=actor,
            action="penalty.court_ruling",
            obj=record.case,
            after={"ruling": ruling, "ruled_on": ruled_on, "note": record.ruling_note},
        )
    return record


def ruling_due_on(record: CourtEnforcement) -> dt.date:
    """When the court's written ruling is due after acceptance (行政强制法 第五十七条 + 第六十九条)."""
    return legal_periods.deadline("acl_court_ruling", record.accepted_on)

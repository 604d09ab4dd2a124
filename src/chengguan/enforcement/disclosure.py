"""行政执法公示: publishing penalty decisions and withdrawing them (行政处罚法 第四十八条).

A general-procedure decision is published when it has been served. The public text is a snapshot with
natural persons named only by surname (张某某), their identity numbers and phone numbers never shown,
organisations named in full. When reconsideration or litigation revokes, changes or confirms the
decision unlawful, the bureau must withdraw it within three working days (第四十八条第二款, 第八十五条)
and say why; the due day is stored and an overdue withdrawal is listed for the legal office.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from chengguan.core import audit, clock, legal_periods
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.core.masking import mask_personal_numbers
from chengguan.enforcement.errors import PenaltyError as E
from chengguan.enforcement.models import PartyKind, PenaltyCase, PenaltyDisclosure, PenaltyParty, Procedure
from chengguan.enforcement.permissions import can_publish, can_withdraw
from chengguan.org.models import Organisation

WITHDRAW_PERIOD = "apl_withdraw_published_decision"


def public_party_name(party: PenaltyParty) -> str:
    """`张三丰` → `张某某`, `张三` → `张某`; organisations keep their name (they have no privacy right
    in a penalty decision the law requires to be public)."""
    if party.kind != PartyKind.PERSON:
        return party.name
    name = party.name.strip()
    return name[:1] + ("某" if len(name) <= 2 else "某某")


def _scrub(text: str, parties: list[PenaltyParty]) -> str:
    """Remove what identifies a person from free text: their full names, ID and phone numbers
    (masked as everywhere the public reads, `core.masking`)."""
    for party in parties:
        if party.kind == PartyKind.PERSON and party.name.strip():
            text = text.replace(party.name.strip(), public_party_name(party))
    return mask_personal_numbers(text)


def _penalty_text(case: PenaltyCase) -> str:
    return f"罚款人民币{case.fine_amount:,.2f}元" if case.fine_amount else "警告"


def publish_served_decision(*, actor, case: PenaltyCase) -> PenaltyDisclosure | None:
    """Publish the decision of `case` (called inside the transaction that records its service, so the
    caller has already checked permission). Simple-procedure decisions are not published; publishing
    twice returns the first publication."""
    if case.procedure != Procedure.GENERAL or not case.decision_number:
        return None
    existing = PenaltyDisclosure.objects.filter(case=case).first()
    if existing is not None:
        return existing
    parties = list(case.parties.all())
    disclosure = PenaltyDisclosure.objects.create(
        case=case,
        decision_number=case.decision_number,
        bureau_name=case.bureau.name,
        party_display="、".join(public_party_name(p) for p in parties),
        facts=_scrub(case.facts, parties),
        legal_basis=case.legal_basis,
        penalty=_penalty_text(case),
        decision_on=case.decision_on,
        published_on=case.decision_served_on or clock.today(),
    )
    audit.record(
        actor=actor,
        action="penalty.disclosure_publish",
        obj=case,
        after={"disclosure": disclosure.pk, "party_display": disclosure.party_display},
    )
    return disclosure


def disclosure_publish(*, actor, case: PenaltyCase) -> PenaltyDisclosure:
    """Publish by hand a served decision that has not been published (e.g. one served before this
    feature existed)."""
    can_publish.refuse(actor, case)
    with transaction.atomic():
        case = PenaltyCase.objects.select_for_update().select_related("bureau").get(pk=case.pk)
        if case.procedure != Procedure.GENERAL or case.decision_served_on is None:
            raise Conflict(
                "只有已送达的普通程序处罚决定才能公示（行政处罚法 第四十八条）。",
                code=E.DISCLOSURE_NOT_ALLOWED,
            )
        return publish_served_decision(actor=actor, case=case)


def schedule_withdrawal(
    *, actor, case: PenaltyCase, decided_on: dt.date, reason: str
) -> PenaltyDisclosure | None:
    """The decision was revoked, changed or confirmed unlawful on `decided_on`: the publication must be
    withdrawn within three working days (第四十八条第二款 + 第八十五条). Called inside the caller's
    transaction; returns the disclosure with its due day, or None when nothing was published."""
    disclosure = PenaltyDisclosure.objects.select_for_update().filter(case=case).first()
    if disclosure is None or disclosure.is_withdrawn:
        return disclosure
    disclosure.withdrawal_due_on = legal_periods.deadline(WITHDRAW_PERIOD, decided_on)
    disclosure.withdrawal_reason = reason
    disclosure.save(update_fields=["withdrawal_due_on", "withdrawal_reason"])
    audit.record(
        actor=actor,
        action="penalty.disclosure_withdrawal_due",
        obj=case,
        after={"disclosure": disclosure.pk, "due_on": disclosure.withdrawal_due_on, "reason": reason},
    )
    return disclosure


def disclosure_withdraw(
    *, actor, disclosure: PenaltyDisclosure, reason: str = "", on: dt.date | None = None
) -> PenaltyDisclosure:
    """Take the decision off the public site and publish the reason instead (第四十八条第二款)."""
    can_withdraw.refuse(actor, disclosure.case)
    with transaction.atomic():
        disclosure = PenaltyDisclosure.objects.select_for_update().get(pk=disclosure.pk)
        reason = (reason or disclosure.withdrawal_reason).strip()
        if not reason:
            raise ValidationFailed(
                "请说明撤回理由（行政处罚法 第四十八条）。",
                code=E.MISSING_FIELDS,
                fields={"reason": ["此项为必填项。"]},
            )
        if disclosure.is_withdrawn:
            raise Conflict("该公示已撤回。", code=E.DISCLOSURE_WITHDRAWN)
        disclosure.withdrawn_on = on or clock.today()
        disclosure.withdrawal_reason = reason[:200]
        disclosure.save(update_fields=["withdrawn_on", "withdrawal_reason"])
        audit.record(
            actor=actor,
            action="penalty.disclosure_withdraw",
            obj=disclosure.case,
            after={"disclosure": disclosure.pk, "withdrawn_on": disclosure.withdrawn_on, "reason": reason},
        )
    return disclosure


# ---------------------------------------------------------------- reads


def public_disclosures() -> QuerySet[PenaltyDisclosure]:
    """Everything the public page lists: current publications and the notices of withdrawn ones."""
    return PenaltyDisclosure.objects.order_by("-published_on", "-id")


def overdue_withdrawals(*, bureau: Organisation | None = None, today: dt.date | None = None) -> QuerySet:
    """Publications whose withdrawal is due before today and still not done."""
    qs = PenaltyDisclosure.objects.filter(
        withdrawn_on__isnull=True, withdrawal_due_on__lt=today or clock.today()
    ).select_related("case")
    if bureau is not None:
        qs = qs.filter(case__bureau=bureau)
    return qs.order_by("withdrawal_due_on", "id")

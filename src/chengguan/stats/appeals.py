"""Appeals (申诉/核减) against a published report, on the workflow kernel.

A handling unit asks to take one case counted against it out of a report version, with its reason
(`file`). The evaluator — the bureau's leadership and office, who publish the reports — approves it
or rejects it with a note; the unit may withdraw it while it waits. Approving adds a version of the
report derived from the period's newest one without that case (`reports.derive_without`: the frozen
figures with the case's counts subtracted, nothing recomputed from the cases as they are now), and
the case stays out of every later version of the period. Rejecting or withdrawing changes no figure.
Every step is audited (the kernel's event; `stats.appeal_file` for the filing).
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from chengguan.core import audit, clock
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.core.workflow import FieldSpec, Guard, Machine, transition
from chengguan.org.models import Organisation
from chengguan.stats import reports
from chengguan.stats.errors import AppealError
from chengguan.stats.models import Appeal, AppealState, PublishedReport
from chengguan.stats.permissions import (
    appeal_in_bureau,
    decides_appeals,
    files_appeals,
    reads_reports,
    withdraws_appeals,
)

S = AppealState


class AppealActions(models.TextChoices):
    APPROVE = "approve", _("核减")
    REJECT = "reject", _("驳回申诉")
    WITHDRAW = "withdraw", _("撤回申诉")


A = AppealActions

FIELDS = {"note": FieldSpec("line", _("审核意见"), max_length=500)}


def _decided(ctx) -> None:
    ctx.obj.decided_by = ctx.actor
    ctx.obj.decided_at = ctx.now
    ctx.obj.decision_note = ctx.get("note", "")


def _approve(ctx) -> dict:
    _decided(ctx)
    appeal: Appeal = ctx.obj
    result = reports.derive_without(
        actor=ctx.actor,
        report=appeal.report,
        case_id=appeal.case_id,
        reason=f"核减申诉 #{appeal.pk}：{appeal.case.number}",
    )
    appeal.result = result
    return {"result": result.pk, "version": result.version, "case": appeal.case_id}


def _reject(ctx) -> None:
    _decided(ctx)


def snapshot(appeal: Appeal) -> dict:
    return {
        "state": appeal.state,
        "report": appeal.report_id,
        "case": appeal.case_id,
        "unit": appeal.unit_id,
        "decision_note": appeal.decision_note,
    }


def _not_self_decided(ctx) -> bool:
    return ctx.obj.filed_by_id != getattr(ctx.actor, "pk", None)


not_own_appeal = Guard(
    _not_self_decided, code=AppealError.DECIDE_FORBIDDEN, message=AppealError.DECIDE_FORBIDDEN.label
)

APPEAL_MACHINE = Machine(
    name="appeal",
    model=Appeal,
    states=AppealState,
    actions=AppealActions,
    fields=FIELDS,
    noun="申诉",
    error_prefix="appeal",  # codes: stats.errors.AppealError
    audit_prefix="stats.appeal",
    scope=appeal_in_bureau,
    snapshot=snapshot,
    lock_related=("report", "case"),
    transitions=[
        transition(
            A.APPROVE,
            {S.PENDING},
            S.APPROVED,
            decides_appeals,
            optional=("note",),
            guards=(not_own_appeal,),
            step=_approve,
        ),
        transition(
            A.REJECT,
            {S.PENDING},
            S.REJECTED,
            decides_appeals,
            required=("note",),
            guards=(not_own_appeal,),
            step=_reject,
        ),
        transition(A.WITHDRAW, {S.PENDING}, S.WITHDRAWN, withdraws_appeals),
    ],
)


class Counted:
    """A case as a version counted it, for the permission check of a filing: `unit` is the unit it
    was counted against."""

    def __init__(self, report: PublishedReport, case_id: int, unit: Organisation | None):
        self.report, self.case_id, self.unit = report, case_id, unit
        self.bureau_id = report.bureau_id


def counted_unit(report: PublishedReport, case_id: int) -> Organisation | None:
    member = reports.membership_of(report, case_id)
    if member is None or member[3] is None:
        return None
    return Organisation.objects.filter(pk=member[3]).first()


def may_file(actor, report: PublishedReport, case_id: int) -> bool:
    unit = counted_unit(report, case_id)
    return unit is not None and files_appeals(actor, Counted(report, case_id, unit))


def file(*, actor, report: PublishedReport, case_id: int, reason: str) -> Appeal:
    """A unit's appeal against one case the version counted against it (the newest version of the
    period only: an older one has been superseded). Audited."""
    reason = str(reason or "").strip()
    reads_reports.refuse(actor, report)
    newest = reports.versions_of(report).order_by("-version").first()
    unit = counted_unit(report, case_id)
    if unit is None:
        raise Conflict(str(AppealError.NOT_COUNTED.label), code=AppealError.NOT_COUNTED)
    files_appeals.refuse(actor, Counted(report, case_id, unit))
    if newest is not None and newest.pk != report.pk:
        raise Conflict(str(AppealError.SUPERSEDED.label), code=AppealError.SUPERSEDED)
    if not reason:
        message = str(AppealError.INVALID.label)
        raise ValidationFailed(message, code=AppealError.INVALID, fields={"reason": [message]})
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                bureau_id=report.bureau_id,
                report=report,
                case_id=case_id,
                unit=unit,
                reason=reason[:2000],
                filed_by=actor,
                filed_at=clock.now(),
            )
            audit.record(
                actor=actor,
                action="stats.appeal_file",
                obj=appeal,
                after={**snapshot(appeal), "reason": appeal.reason, "version": report.version},
            )
    except IntegrityError:
        raise Conflict(str(AppealError.DUPLICATE.label), code=AppealError.DUPLICATE) from None
    return appeal


def decide(*, actor, appeal: Appeal, action: str, **data) -> Appeal:
    """Approve, reject or withdraw an appeal (the table above)."""
    return APPEAL_MACHINE.apply(appeal, action, actor=actor, **data)


def appeals_visible_to(actor) -> models.QuerySet[Appeal]:
    """The evaluator's: every appeal of the bureau; a unit's: those filed for its unit (or below)."""
    from chengguan.org import selectors as org_selectors

    qs = Appeal.objects.select_related("report", "case", "unit", "filed_by", "decided_by", "result")
    if decides_appeals(actor) or org_selectors.sees_everything(actor):
        if org_selectors.sees_everything(actor):
            return qs
        own = org_selectors.bureau_of(actor)
        return qs.filter(bureau=own) if own else qs.none()
    profile = org_selectors.profile_of(actor)
    if profile is None:
        return qs.none()
    return qs.filter(unit__path__startswith=profile.organisation.path)


def may_file_unit(actor, report: PublishedReport, unit_id: int | None) -> bool:
    """Whether `actor` may appeal a case the newest version counted against unit `unit_id` (the
    drill-down list's button; `file` checks again)."""
    if unit_id is None or not reports.is_newest(report):
        return False
    unit = Organisation.objects.filter(pk=unit_id).first()
    return unit is not None and files_appeals(actor, Counted(report, 0, unit))

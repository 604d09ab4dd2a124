"""The enforcement certificate's lifecycle on the workflow kernel.

A valid certificate passes or fails its annual review (年审; failing suspends it), is suspended
(暂扣: transfer away from enforcement, retirement, discipline) and reinstated, withdrawn (注销收回),
or renewed (换证: a new certificate row takes over from the renewal date, this one is replaced).
Expiry is not a state: a certificate past `valid_to` is out of force by its dates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.core.workflow import STAY, Context, FieldSpec, Guard, Machine, transition
from chengguan.people.errors import CertificateError, PeopleError
from chengguan.people.models import (
    Certificate,
    CertificateReview,
    CertificateState,
    Deed,
    DeedState,
    Nomination,
    NominationState,
    ReviewOutcome,
    SuspensionReason,
    TrainingSession,
    TrainingState,
)
from chengguan.people.permissions import (
    can_approve_honours,
    can_keep_honours,
    can_manage_certificates,
    can_manage_training,
    can_record_deeds,
    can_withdraw_nomination,
    certificate_in_bureau,
    honour_in_bureau,
    training_in_bureau,
)

S = CertificateState


class CertificateActions(models.TextChoices):
    REVIEW_PASS = "review_pass", _("年审合格")
    REVIEW_FAIL = "review_fail", _("年审不合格")
    SUSPEND = "suspend", _("暂扣")
    REINSTATE = "reinstate", _("恢复使用")
    WITHDRAW = "withdraw", _("注销收回")
    RENEW = "renew", _("换证")


A = CertificateActions

FIELDS = {
    "year": FieldSpec("int", _("年度"), min_value=2000, max_value=2100),
    "on": FieldSpec("date", _("日期"), _("默认今天")),
    "note": FieldSpec("line", _("意见"), max_length=500),
    "reason": FieldSpec("choice", _("暂扣原因"), choices=SuspensionReason.choices),
    "number": FieldSpec("line", _("新证号"), _("留空则沿用原证号"), max_length=32),
    "valid_to": FieldSpec("date", _("有效期至")),
}


def _day(ctx: Context):
    return ctx.get("on") or ctx.today


def _review(ctx: Context, outcome: str) -> dict:
    year = ctx.get("year") or _day(ctx).year
    if not ctx.checking:
        CertificateReview.objects.create(
            certificate=ctx.obj,
            year=year,
            reviewed_on=_day(ctx),
            outcome=outcome,
            note=ctx.get("note", ""),
            reviewed_by=ctx.actor,
        )
    return {"year": year, "outcome": outcome}


def _review_pass(ctx: Context) -> dict:
    return _review(ctx, ReviewOutcome.PASSED)


def _review_fail(ctx: Context) -> dict:
    extra = _review(ctx, ReviewOutcome.FAILED)
    ctx.obj.ended_on = _day(ctx)
    ctx.obj.suspension_reason = SuspensionReason.REVIEW_FAILED
    return extra


def _suspend(ctx: Context) -> None:
    ctx.obj.ended_on = _day(ctx)
    ctx.obj.suspension_reason = ctx.data["reason"]
    ctx.obj.note = ctx.get("note", "")


def _reinstate(ctx: Context) -> None:
    ctx.obj.ended_on = None
    ctx.obj.suspension_reason = ""
    ctx.obj.note = ctx.get("note", "")


def _withdraw(ctx: Context) -> None:
    ctx.obj.ended_on = min(ctx.obj.ended_on or _day(ctx), _day(ctx))
    ctx.obj.note = ctx.data["note"]


def _renew(ctx: Context) -> dict:
    ctx.obj.ended_on = _day(ctx)
    return {"valid_from": _day(ctx), "valid_to": ctx.data["valid_to"], "number": ctx.get("number", "")}


def _after_save(ctx: Context) -> None:
    """The renewed certificate is written once this one is no longer current (its number is free)."""
    if ctx.action != A.RENEW:
        return
    old: Certificate = ctx.obj
    Certificate.objects.create(
        bureau_id=old.bureau_id,
        holder_id=old.holder_id,
        number=(ctx.get("number") or old.number).strip().upper(),
        issuing_authority=old.issuing_authority,
        territorial_scope=old.territorial_scope,
        subject_scope=old.subject_scope,
        valid_from=_day(ctx),
        valid_to=ctx.data["valid_to"],
        renewed_from=old,
    )


not_reviewed_this_year = Guard(
    lambda ctx: ctx.checking or not ctx.obj.reviews.filter(year=ctx.get("year") or _day(ctx).year).exists(),
    code=CertificateError.REVIEWED,
    message=_("该执法证本年度已年审。"),
)
renewal_after_start = Guard(
    lambda ctx: ctx.checking or ctx.data["valid_to"] >= _day(ctx),
    code=CertificateError.DATE_ORDER,
    message=_("有效期至不能早于有效期起。"),
    field="valid_to",
)


def _number_free(ctx: Context) -> bool:
    if ctx.checking or not ctx.get("number"):
        return True
    number = ctx.data["number"].strip().upper()
    taken = Certificate.objects.filter(number=number, state__in=[S.VALID, S.SUSPENDED])
    return not taken.exclude(pk=ctx.obj.pk).exists()


number_free = Guard(
    _number_free,
    code=CertificateError.NUMBER_TAKEN,
    message=_("执法证号已被其他在用的执法证使用，请核对。"),
    field="number",
)


def snapshot(cert: Certificate) -> dict:
    return {
        "state": cert.state,
        "number": cert.number,
        "valid_from": cert.valid_from,
        "valid_to": cert.valid_to,
        "ended_on": cert.ended_on,
        "suspension_reason": cert.suspension_reason,
    }


CERTIFICATE_MACHINE = Machine(
    name="certificate",
    model=Certificate,
    states=CertificateState,
    actions=CertificateActions,
    fields=FIELDS,
    noun="行政执法证",
    error_prefix="certificate",  # codes: people.errors.CertificateError
    scope=certificate_in_bureau,
    snapshot=snapshot,
    after_save=_after_save,
    transitions=[
        transition(
            A.REVIEW_PASS,
            {S.VALID},
            STAY,
            can_manage_certificates,
            optional=("year", "on", "note"),
            guards=(not_reviewed_this_year,),
            step=_review_pass,
        ),
        transition(
            A.REVIEW_FAIL,
            {S.VALID},
            S.SUSPENDED,
            can_manage_certificates,
            required=("note",),
            optional=("year", "on"),
            guards=(not_reviewed_this_year,),
            step=_review_fail,
        ),
        transition(
            A.SUSPEND,
            {S.VALID},
            S.SUSPENDED,
            can_manage_certificates,
            required=("reason",),
            optional=("on", "note"),
            step=_suspend,
        ),
        transition(
            A.REINSTATE, {S.SUSPENDED}, S.VALID, can_manage_certificates, optional=("note",), step=_reinstate
        ),
        transition(
            A.WITHDRAW,
            {S.VALID, S.SUSPENDED},
            S.WITHDRAWN,
            can_manage_certificates,
            required=("note",),
            optional=("on",),
            step=_withdraw,
        ),
        transition(
            A.RENEW,
            {S.VALID},
            S.REPLACED,
            can_manage_certificates,
            required=("valid_to",),
            optional=("on", "number"),
            guards=(renewal_after_start, number_free),
            step=_renew,
        ),
    ],
)


# -- training sessions ------------------------------------------------------------------------------

T = TrainingState


class TrainingActions(models.TextChoices):
    HOLD = "hold", _("确认已举办")
    CANCEL = "cancel", _("取消培训")


def _hold(ctx: Context) -> dict:
    """Held: the signed-in officers are credited the session's hours (their rows carry them)."""
    return {"attendances": ctx.hint("attendances", ctx.obj.attendances.count)}


def _cancel(ctx: Context) -> None:
    ctx.obj.note = ctx.data["note"]


held_after_start = Guard(
    lambda ctx: ctx.now >= ctx.obj.starts_at,
    code=PeopleError.TRAINING_NOT_STARTED,
    message=_("培训尚未开始，不能确认已举办。"),
)


TRAINING_MACHINE = Machine(
    name="training",
    model=TrainingSession,
    states=TrainingState,
    actions=TrainingActions,
    fields={"note": FieldSpec("line", _("取消原因"), max_length=500)},
    noun="培训",
    error_prefix="training",  # codes: people.errors.TrainingError
    scope=training_in_bureau,
    snapshot=lambda s: {"state": s.state, "hours": s.hours, "starts_at": s.starts_at},
    transitions=[
        transition(
            TrainingActions.HOLD,
            {T.PLANNED},
            T.HELD,
            can_manage_training,
            guards=(held_after_start,),
            step=_hold,
        ),
        transition(
            TrainingActions.CANCEL,
            {T.PLANNED},
            T.CANCELLED,
            can_manage_training,
            required=("note",),
            step=_cancel,
        ),
    ],
)


# -- nominations and deeds -------------------------------------------------------------------------

N = NominationState


class NominationActions(models.TextChoices):
    REVIEW = "review", _("审核通过")
    APPROVE = "approve", _("批准")
    PUBLISH = "publish", _("公布")
    REJECT = "reject", _("不予通过")
    WITHDRAW = "withdraw", _("撤回推荐")


def _note(ctx: Context) -> None:
    ctx.obj.decision_note = ctx.get("note", "")


def _publish_nomination(ctx: Context) -> None:
    ctx.obj.published_on = ctx.today


def _within_quota(ctx: Context) -> bool:
    taken = ctx.hint(
        "approved",
        lambda: ctx.obj.programme.nominations.filter(state__in=[N.APPROVED, N.PUBLISHED]).count(),
    )
    return taken < ctx.obj.programme.quota


within_quota = Guard(
    _within_quota,
    code=PeopleError.QUOTA_FULL,
    message=lambda ctx: _("该评选的名额（%(quota)s 名）已满。") % {"quota": ctx.obj.programme.quota},
)

NOMINATION_MACHINE = Machine(
    name="nomination",
    model=Nomination,
    states=NominationState,
    actions=NominationActions,
    fields={"note": FieldSpec("line", _("审批意见"), max_length=500)},
    noun="推荐",
    error_prefix="nomination",  # codes: people.errors.NominationError
    scope=honour_in_bureau,
    snapshot=lambda n: {"state": n.state, "decision_note": n.decision_note, "published_on": n.published_on},
    lock_related=("programme",),
    transitions=[
        transition(
            NominationActions.REVIEW,
            {N.SUBMITTED},
            N.REVIEWED,
            can_keep_honours,
            optional=("note",),
            step=_note,
        ),
        transition(
            NominationActions.APPROVE,
            {N.REVIEWED},
            N.APPROVED,
            can_approve_honours,
            optional=("note",),
            guards=(within_quota,),
            step=_note,
        ),
        transition(
            NominationActions.PUBLISH, {N.APPROVED}, N.PUBLISHED, can_keep_honours, step=_publish_nomination
        ),
        transition(
            NominationActions.REJECT,
            {N.SUBMITTED, N.REVIEWED},
            N.REJECTED,
            can_keep_honours | can_approve_honours,
            required=("note",),
            step=_note,
        ),
        transition(NominationActions.WITHDRAW, {N.SUBMITTED}, N.WITHDRAWN, can_withdraw_nomination),
    ],
)


DS = DeedState


class DeedActions(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    APPROVE = "approve", _("批准")
    PUBLISH = "publish", _("公开")
    REJECT = "reject", _("不予通过")
    UNPUBLISH = "unpublish", _("撤下")


def _publish_deed(ctx: Context) -> None:
    ctx.obj.published_on = ctx.today


def _unpublish(ctx: Context) -> None:
    ctx.obj.published_on = None
    ctx.obj.decision_note = ctx.data["note"]


consented = Guard(
    lambda ctx: ctx.obj.consent,
    code=PeopleError.NO_CONSENT,
    message=_("未记录当事人同意公开，不能公开。"),
)

DEED_MACHINE = Machine(
    name="deed",
    model=Deed,
    states=DeedState,
    actions=DeedActions,
    fields={"note": FieldSpec("line", _("审批意见"), max_length=500)},
    noun="先进事迹",
    error_prefix="deed",  # codes: people.errors.DeedError
    scope=honour_in_bureau,
    snapshot=lambda d: {"state": d.state, "consent": d.consent, "published_on": d.published_on},
    transitions=[
        transition(DeedActions.SUBMIT, {DS.DRAFT, DS.REJECTED}, DS.SUBMITTED, can_record_deeds),
        transition(
            DeedActions.APPROVE,
            {DS.SUBMITTED},
            DS.APPROVED,
            can_approve_honours,
            optional=("note",),
            step=_note,
        ),
        transition(
            DeedActions.REJECT,
            {DS.SUBMITTED},
            DS.REJECTED,
            can_approve_honours,
            required=("note",),
            step=_note,
        ),
        transition(
            DeedActions.PUBLISH,
            {DS.APPROVED},
            DS.PUBLISHED,
            can_keep_honours,
            guards=(consented,),
            step=_publish_deed,
        ),
        transition(
            DeedActions.UNPUBLISH,
            {DS.PUBLISHED},
            DS.APPROVED,
            can_keep_honours,
            required=("note",),
            step=_unpublish,
        ),
    ],
)

"""The closed loop (上报→立案→派遣→处置→反馈→核查→结案→评价) on the workflow kernel: (state, action) →
target, who may act (cases.permissions), what each action takes, the guards and the step. The same
table drives `services.case_transition`, the buttons and forms of the case page, the API's action
endpoints and `available_actions`, the bulk writer (cases/batch.py) and docs/workflows.md.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chengguan.cases import limits
from chengguan.cases.checks import category_of, check_location, distance_m
from chengguan.cases.effects import CaseEffects
from chengguan.cases.errors import CaseError
from chengguan.cases.models import (
    FINAL_STATES,
    HANDLING_STATES,
    OPEN_STATES,
    Case,
    CaseDelay,
    CaseEvidence,
    CaseExtension,
    CaseSource,
    CaseState,
    CheckFinding,
    Disposition,
    EvidenceStage,
    ExtensionStatus,
    IntakeCheckSetting,
)
from chengguan.cases.permissions import (
    can_cancel,
    can_check,
    can_close,
    can_decide_extension,
    can_dispatch,
    can_evaluate,
    can_file,
    can_handle,
    can_reopen,
    can_suspend,
    can_verify,
)
from chengguan.cases.signals import case_changed
from chengguan.core import deadlines, evidence
from chengguan.core.errors import ValidationFailed
from chengguan.core.workflow import RESUME, STAY, Context, FieldSpec, Guard, Machine, transition
from chengguan.org.models import Organisation, OrgKind
from chengguan.taxonomy.models import TimeUnit

__all__ = ["FINAL_STATES", "HANDLING_STATES", "OPEN_STATES", "Action", "CaseState", "Disposition"]


class Action(models.TextChoices):
    CHECK = "check", pgettext_lazy("case action", "核实")
    FILE = "file", pgettext_lazy("case action", "立案")
    NOT_FILE = "not_file", pgettext_lazy("case action", "不予立案")
    MERGE = "merge", pgettext_lazy("case action", "合并")
    DISPATCH = "dispatch", pgettext_lazy("case action", "派遣")
    REDISPATCH = "redispatch", pgettext_lazy("case action", "改派")
    RETURN = "return", pgettext_lazy("case action", "退回")
    ACCEPT = "accept", pgettext_lazy("case action", "签收")
    HANDLE = "handle", pgettext_lazy("case action", "处置反馈")
    REQUEST_EXTENSION = "request_extension", pgettext_lazy("case action", "申请延期")
    APPROVE_EXTENSION = "approve_extension", pgettext_lazy("case action", "批准延期")
    REFUSE_EXTENSION = "refuse_extension", pgettext_lazy("case action", "驳回延期")
    SUSPEND = "suspend", pgettext_lazy("case action", "缓办")
    RESUME = "resume", pgettext_lazy("case action", "恢复办理")
    VERIFY = "verify", pgettext_lazy("case action", "核查通过")
    REWORK = "rework", pgettext_lazy("case action", "核查不通过（返工）")
    CLOSE = "close", pgettext_lazy("case action", "结案")
    CANCEL = "cancel", pgettext_lazy("case action", "作废")
    EVALUATE = "evaluate", pgettext_lazy("case action", "评价")
    REOPEN = "reopen", pgettext_lazy("case action", "重新交办")


A = Action
S = CaseState
DISPATCH_KINDS = frozenset(
    {OrgKind.SQUAD, OrgKind.DEPARTMENT, OrgKind.SUBDISTRICT, OrgKind.COMMUNITY, OrgKind.PARTNER}
)
# Actions that finish the stage the case is waiting in; taking one late needs a reason.
STAGE_FINISHING = frozenset({A.FILE, A.NOT_FILE, A.DISPATCH, A.HANDLE, A.VERIFY, A.REWORK, A.CLOSE})

FIELDS = {
    "reason": FieldSpec("text", _("原因")),
    "result": FieldSpec("text", _("处置结果")),
    "category": FieldSpec("line", _("问题类别"), _("立案时改正的小类代码（六位）"), max_length=8),
    "target": FieldSpec("ref", _("合并到的案件"), _("仍在办理中的本辖区案件")),
    "unit": FieldSpec("ref", _("处置单位"), _("不填则用立案时派遣规则建议的单位")),
    "amount": FieldSpec("int", _("延期时长"), min_value=1, max_value=365),
    "note": FieldSpec("line", _("审批意见"), max_length=200),
    "photos": FieldSpec(
        "files", _("处置后照片"), _("可多张；返工后须重新上传"), content_types=evidence.CONTENT_TYPES
    ),
    "photo": FieldSpec("file", _("现场核查照片"), content_types=evidence.CONTENT_TYPES),
    "photo_lon": FieldSpec("float", _("拍摄位置经度（WGS-84）"), _("不填则取照片 EXIF")),
    "photo_lat": FieldSpec("float", _("拍摄位置纬度（WGS-84）")),
    # A plain line: the enum name `crs` belongs to the intake body; the step checks the value.
    "photo_crs": FieldSpec("line", _("拍摄位置坐标系"), _("wgs84（默认）、gcj02 或 bd09"), max_length=6),
    "photo_taken_at": FieldSpec("datetime", _("拍摄时间"), _("不填则取照片 EXIF")),
    "disposition": FieldSpec("choice", _("处置方式（721工作法）"), choices=Disposition.choices),
    "score": FieldSpec("int", _("评分"), min_value=1, max_value=5),
    "comment": FieldSpec("line", _("评语"), max_length=200),
    "delay_reason": FieldSpec("text", _("超时原因"), _("本环节已超过办理时限，请说明原因。")),
    "finding": FieldSpec("choice", _("核实结果"), choices=CheckFinding.choices),
    "check_note": FieldSpec("line", _("核实情况"), max_length=200),
}
# Public reports: where the bureau asks for it (IntakeCheckSetting), an inspector checks them on site
# (核实) before the intake desk may file them.
CHECKED_SOURCES = frozenset({CaseSource.CITIZEN, CaseSource.HOTLINE, CaseSource.OPEN311})
# The time unit of an extension (the `unit` of a dispatch is a unit of the organisation).
EXTENSION_UNIT = FieldSpec("choice", _("单位"), _("默认与该案处置时限相同"), choices=TimeUnit.choices)
DECISION_NOTE = FieldSpec("text", _("原因"), max_length=200)  # CaseExtension.decision_note
VERIFY_PHOTO = ("photo_lon", "photo_lat", "photo_crs", "photo_taken_at")


# -- guards ------------------------------------------------------------------------------------------


def is_late(ctx: Context) -> bool:
    """The stage the case waits in is past its due time."""
    due = ctx.obj.stage_due_at
    return due is not None and ctx.now > due


def pending_extension(case: Case) -> CaseExtension | None:
    return case.extensions.filter(status=ExtensionStatus.PENDING).first()


def _has_pending(ctx: Context) -> bool:
    # Lists pass `pending_extension` (annotated on the rows), so a page of cases costs no query per row.
    return ctx.hint("pending_extension", lambda: pending_extension(ctx.obj) is not None)


late_needs_reason = Guard(
    lambda ctx: not is_late(ctx) or bool(ctx.get("delay_reason")),
    code=CaseError.DELAY_REASON_REQUIRED,
    message=_("已超过办理时限，请填写超时原因。"),
    field="delay_reason",
)
nothing_pending = Guard(
    lambda ctx: not _has_pending(ctx), code=CaseError.EXTENSION_PENDING, message=_("已有待审批的延期申请。")
)
something_pending = Guard(
    _has_pending, code=CaseError.NO_PENDING_EXTENSION, message=_("没有待审批的延期申请。")
)
not_evaluated = Guard(
    lambda ctx: ctx.obj.evaluation_score is None,
    code=CaseError.ALREADY_EVALUATED,
    message=_("该案件已评价。"),
)
was_handled = Guard(
    lambda ctx: ctx.obj.handling_unit_id is not None and ctx.obj.disposition != "",
    code=CaseError.NOT_REOPENABLE,
    message=_("该案件未经派遣处置，不能重新交办。"),
)


def check_required(case: Case, checking_bureaus: set[int] | None = None) -> bool:
    """The case is a public report of a bureau that has them checked before filing (a list passes
    the ids of those bureaus, read once)."""
    if case.source not in CHECKED_SOURCES:
        return False
    if checking_bureaus is not None:
        return case.bureau_id in checking_bureaus
    return IntakeCheckSetting.objects.filter(bureau_id=case.bureau_id, check_public_reports=True).exists()


def _check_pending(ctx: Context) -> bool:
    return ctx.obj.checked_at is None and ctx.hint("check_required", lambda: check_required(ctx.obj))


check_wanted = Guard(_check_pending, code=CaseError.CHECK_NOT_WANTED, message=_("该案件无需核实或已经核实。"))
checked_first = Guard(
    lambda ctx: not _check_pending(ctx),
    code=CaseError.CHECK_REQUIRED,
    message=_("本局要求公众举报先经监督员现场核实，方可立案。"),
)


# -- steps -------------------------------------------------------------------------------------------


# The case's flag for a wait that ended late (the evaluation's on-time counts read it).
LATE_FLAG = {
    CaseState.REPORTED: "filed_late",
    CaseState.FILED: "dispatched_late",
    CaseState.RETURNED: "dispatched_late",
    CaseState.HANDLED: "verified_late",
}


def _finishing(step):
    """A step that finishes a stage: a late one leaves the reason on record (CaseDelay)."""

    def run(ctx: Context) -> dict:
        case = ctx.obj
        stage, due, late = case.state, case.stage_due_at, is_late(ctx)
        extra = step(ctx) or {}
        if late:
            reason = ctx.data["delay_reason"]
            CaseDelay.objects.create(
                case=case, stage=stage, due_at=due, acted_at=ctx.now, reason=reason, recorded_by=ctx.actor
            )
            if stage in LATE_FLAG:
                setattr(case, LATE_FLAG[stage], True)
            extra["delay_reason"] = reason
        return extra

    run.__name__ = step.__name__
    return run


def _enter(ctx: Context) -> None:
    """Start the clock of the stage the action leads to."""
    limits.start_stage(ctx.obj, ctx.transition.target, ctx.now)


def _close_with_reason(ctx: Context) -> dict:
    """不予立案 and 作废: the case ends with the reason on record."""
    ctx.obj.reason = ctx.data["reason"]
    ctx.obj.closed_at = ctx.now
    _enter(ctx)
    return {"reason": ctx.obj.reason}


def _file(ctx: Context) -> dict:
    case = ctx.obj
    if ctx.get("category"):
        case.category = category_of(ctx.data["category"])
    case.filed_at = ctx.now
    case.filed_by = ctx.actor
    case.proposed_unit = (
        ctx.effects.propose_handler(category=case.category, grid=case.grid) if case.grid_id else None
    )
    _enter(ctx)
    return {"proposed_unit": case.proposed_unit_id}


def _merge(ctx: Context) -> dict:
    case, wanted = ctx.obj, ctx.data["target"]
    target = Case.objects.filter(pk=getattr(wanted, "pk", wanted)).first()
    if target is None or target.pk == case.pk or target.state not in OPEN_STATES or target.merged_into_id:
        message = _("请选择一个仍在办理中的其他案件作为合并目标。")
        raise ValidationFailed(message, code=CaseError.BAD_MERGE_TARGET, fields={"target": [message]})
    if target.bureau_id != case.bureau_id:
        raise ValidationFailed(
            _("只能合并本辖区的案件。"), code=CaseError.BAD_MERGE_TARGET, fields={"target": [_("辖区不同。")]}
        )
    case.merged_into = target
    case.closed_at = ctx.now
    _enter(ctx)
    return {"merged_into": target.number}


def _dispatch_unit(case: Case, wanted) -> Organisation:
    unit = wanted or case.proposed_unit
    if unit is not None and not isinstance(unit, Organisation):
        unit = Organisation.objects.filter(pk=unit).first()
    if unit is None or unit.kind not in DISPATCH_KINDS or not unit.is_active:
        message = _("请选择有效的处置单位。")
        raise ValidationFailed(message, code=CaseError.BAD_UNIT, fields={"unit": [message]})
    if unit.kind != OrgKind.PARTNER and unit.bureau_id != case.bureau_id:
        message = _("处置单位不属于本局。")
        raise ValidationFailed(message, code=CaseError.BAD_UNIT, fields={"unit": [message]})
    return unit


def _dispatch(ctx: Context) -> dict:
    case = ctx.obj
    if ctx.action == A.REDISPATCH:
        case.reason = ctx.data["reason"]
        case.redispatch_count += 1
    elif case.first_dispatcher_id is None:
        case.first_dispatcher = ctx.actor
    case.handling_unit = _dispatch_unit(case, ctx.get("unit"))
    case.dispatched_at = ctx.now
    case.handler = None
    limits.start_handling_clock(case, ctx.now)
    return {"unit_name": case.handling_unit.name}


def _return(ctx: Context) -> dict:
    case = ctx.obj
    case.reason = ctx.data["reason"]
    case.return_count += 1
    previous = case.handling_unit.name
    case.handling_unit = None
    _enter(ctx)
    return {"reason": case.reason, "returned_by_unit": previous}


def _accept(ctx: Context) -> None:
    ctx.obj.accepted_at = ctx.now


def _handle(ctx: Context) -> dict:
    case = ctx.obj
    case.result = ctx.data["result"]
    photos = list(ctx.get("photos") or ())
    # "After" photos of this round: a rework needs new ones, not the ones that failed verification.
    since = case.handling_started_at or case.dispatched_at
    if not photos and not case.evidence.filter(stage=EvidenceStage.HANDLE, created_at__gte=since).exists():
        message = _("请上传处置后照片。")
        raise ValidationFailed(message, code=CaseError.AFTER_PHOTO_REQUIRED, fields={"photos": [message]})
    stored = [ctx.effects.add_evidence(case, p, EvidenceStage.HANDLE, ctx.actor, ctx.now) for p in photos]
    case.handled_late = bool(case.handling_due_at and ctx.now > case.handling_due_at)
    case.handler = ctx.actor
    case.handled_at = ctx.now
    _enter(ctx)
    return {"result": case.result, "evidence_sha256": [e.sha256 for e in stored], "late": case.handled_late}


def _request_extension(ctx: Context) -> dict:
    case = ctx.obj
    unit = ctx.get("unit") or case.handling_limit_unit or deadlines.WORKING_DAYS
    if unit not in TimeUnit.values:
        raise ValidationFailed(
            _("延期单位无效。"), code=CaseError.BAD_EXTENSION, fields={"unit": [_("须为工作时或工作日。")]}
        )
    ext = CaseExtension.objects.create(
        case=case,
        amount=ctx.data["amount"],
        unit=unit,
        reason=ctx.data["reason"],
        requested_by=ctx.actor,
        requested_at=ctx.now,
    )
    return {"extension": ext.pk, "amount": ext.amount, "unit": unit}


def _decide_extension(ctx: Context) -> dict:
    case, now = ctx.obj, ctx.now
    ext = pending_extension(case)
    ext.decided_by, ext.decided_at = ctx.actor, now
    if ctx.action == A.APPROVE_EXTENSION:
        ext.status = ExtensionStatus.APPROVED
        case.extension_count += 1
        ext.decision_note = ctx.get("note", "")
        # The due time moves by the approved amount; the warning keeps marking 80 % of the (now longer)
        # time allowed, so it moves by 80 % of the added office time.
        old_due = case.handling_due_at or now
        case.handling_due_at = deadlines.due_for_limit(old_due, ext.amount, ext.unit)
        case.stage_due_at = case.handling_due_at
        added = deadlines.working_seconds_between(old_due, case.handling_due_at)
        case.stage_warning_at = deadlines.add_working_hours(
            case.stage_warning_at or old_due, added * limits.WARNING_SHARE / 3600
        )
    else:
        ext.status = ExtensionStatus.REFUSED
        ext.decision_note = ctx.data["reason"]
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return {"extension": ext.pk, "decision": ext.status}


def _suspend(ctx: Context) -> dict:
    ctx.obj.reason = ctx.data["reason"]
    ctx.obj.suspended_at = ctx.now
    return {"reason": ctx.obj.reason}


def _resume(ctx: Context) -> dict:
    """The clock stops while a case is suspended: its due times move by the office time suspended."""
    case, now = ctx.obj, ctx.now
    case.state_before_suspension = case.state_before_suspension or CaseState.FILED
    paused = deadlines.working_seconds_between(case.suspended_at, now) / 3600 if case.suspended_at else 0
    if case.stage_due_at and paused > 0:
        case.stage_due_at = deadlines.add_working_hours(case.stage_due_at, paused)
        if case.stage_warning_at:
            case.stage_warning_at = deadlines.add_working_hours(case.stage_warning_at, paused)
    if case.handling_due_at and paused > 0 and case.state_before_suspension != CaseState.FILED:
        case.handling_due_at = deadlines.add_working_hours(case.handling_due_at, paused)
    case.suspended_at = None
    return {"paused_working_hours": round(paused, 2)}


def _verify_flags(case: Case, item: CaseEvidence, now) -> list[str]:
    """Check the verification photo's time and place against the case; flags are kept, not fatal."""
    flags = []
    max_distance = getattr(settings, "CASE_VERIFY_MAX_DISTANCE_M", 100)
    if item.lon is None or item.lat is None:
        flags.append("no_position")
    elif case.lon is not None and case.lat is not None:
        distance = distance_m(case.lon, case.lat, item.lon, item.lat)
        if distance > max_distance:
            flags.append(f"far:{round(distance)}m")
    if item.taken_at is None:
        flags.append("no_time")
    elif case.handled_at and item.taken_at < case.handled_at:
        flags.append("taken_before_handling")
    elif item.taken_at > now + dt.timedelta(minutes=10):
        flags.append("taken_in_future")
    return flags


def _on_site_photo(ctx: Context) -> CaseEvidence:
    """The on-site photo; a position sent by the phone app (any CRS) beats the one in its EXIF."""
    lon, lat = ctx.get("photo_lon"), ctx.get("photo_lat")
    if lon is not None and lat is not None:
        lon, lat = check_location(lon, lat, ctx.get("photo_crs") or "wgs84")
    return ctx.effects.add_evidence(
        ctx.obj,
        ctx.data["photo"],
        EvidenceStage.VERIFY,
        ctx.actor,
        ctx.now,
        lon=lon,
        lat=lat,
        taken_at=ctx.get("photo_taken_at"),
    )


def _check(ctx: Context) -> dict:
    """核实: what the inspector found on site, with an optional photo of the scene (a report photo)."""
    case = ctx.obj
    case.check_finding = ctx.data["finding"]
    case.checker = ctx.actor
    case.checked_at = ctx.now
    extra: dict = {"finding": case.check_finding, "check_note": ctx.get("check_note", "")}
    if ctx.get("photo"):
        lon, lat = ctx.get("photo_lon"), ctx.get("photo_lat")
        if lon is not None and lat is not None:
            lon, lat = check_location(lon, lat, ctx.get("photo_crs") or "wgs84")
        item = ctx.effects.add_evidence(
            case,
            ctx.data["photo"],
            EvidenceStage.REPORT,
            ctx.actor,
            ctx.now,
            lon=lon,
            lat=lat,
            taken_at=ctx.get("photo_taken_at"),
        )
        extra["evidence_sha256"] = item.sha256
    return extra


def _verify(ctx: Context) -> dict:
    case = ctx.obj
    item = _on_site_photo(ctx)
    case.verify_flags = _verify_flags(case, item, ctx.now)
    case.verifier = ctx.actor
    case.verified_at = ctx.now
    _enter(ctx)
    return {"verify_flags": case.verify_flags, "evidence_sha256": item.sha256}


def _rework(ctx: Context) -> dict:
    case = ctx.obj
    case.reason = ctx.data["reason"]
    extra: dict = {"reason": case.reason}
    if ctx.get("photo"):
        extra["evidence_sha256"] = _on_site_photo(ctx).sha256
    case.verifier = ctx.actor
    case.rework_count += 1
    limits.start_handling_clock(case, ctx.now)
    return extra


def _close(ctx: Context) -> dict:
    ctx.obj.disposition = ctx.data["disposition"]
    ctx.obj.closed_at = ctx.now
    _enter(ctx)
    return {"disposition": ctx.obj.disposition}


def _reopen(ctx: Context) -> dict:
    case = ctx.obj
    case.reason = ctx.data["reason"]
    case.dispatched_at = ctx.now
    case.closed_at = None
    case.disposition = ""
    case.handler = case.verifier = None
    case.accepted_at = case.handled_at = case.verified_at = None
    case.rework_count += 1
    limits.start_handling_clock(case, ctx.now)
    return {"reason": case.reason, "unit_name": case.handling_unit.name}


def _evaluate(ctx: Context) -> dict:
    ctx.obj.evaluation_score = ctx.data["score"]
    ctx.obj.evaluation_comment = ctx.get("comment", "")
    return {"score": ctx.obj.evaluation_score}


# -- the machine -------------------------------------------------------------------------------------


def snapshot(case: Case) -> dict:
    """What the audit event of a step keeps before and after."""
    return {
        "state": case.state,
        "category": case.category.code if case.category_id else None,
        "handling_unit": case.handling_unit_id,
        "stage_due_at": case.stage_due_at,
        "handling_due_at": case.handling_due_at,
        "disposition": case.disposition,
        "is_supervised": case.is_supervised,
    }


def announce(case: Case, action: str, actor) -> None:
    """Tell listeners (hand-off notifications) of a committed step; the kernel calls it on commit."""
    if case_changed.receivers:
        case_changed.send(sender=Case, case=case, action=action, actor=actor)


def _row(action, sources, target, permission, *, required=(), optional=(), guards=(), step=None, **kw):
    """A row; the actions that finish a stage also take (and, when late, require) `delay_reason`."""
    if action in STAGE_FINISHING:
        optional, guards, step = (*optional, "delay_reason"), (*guards, late_needs_reason), _finishing(step)
    return transition(
        action,
        sources,
        target,
        permission,
        required=required,
        optional=optional,
        guards=guards,
        step=step,
        **kw,
    )


UNIT_STEPS = {S.IN_HANDLING, S.REWORK}

CASE_MACHINE = Machine(
    name="case",
    model=Case,
    states=CaseState,
    actions=Action,
    fields=FIELDS,
    noun="案件",
    error_prefix="case",  # codes: cases.errors.CaseError
    memory_field="state_before_suspension",
    snapshot=snapshot,
    # The grid (with its polygon) loads only when filing asks the routing rules.
    lock_related=("category", "handling_unit", "bureau"),
    announce=announce,
    effects=CaseEffects,
    transitions=[
        # 核实 (optional, per bureau): an inspector confirms a public report on site before filing.
        _row(
            A.CHECK,
            {S.REPORTED},
            STAY,
            can_check,
            required=("finding",),
            optional=("check_note", "photo", *VERIFY_PHOTO),
            guards=(check_wanted,),
            step=_check,
        ),
        _row(
            A.FILE,
            {S.REPORTED},
            S.FILED,
            can_file,
            optional=("category",),
            guards=(checked_first,),
            step=_file,
        ),
        _row(A.NOT_FILE, {S.REPORTED}, S.NOT_FILED, can_file, required=("reason",), step=_close_with_reason),
        _row(A.MERGE, {S.REPORTED}, S.MERGED, can_file, required=("target",), step=_merge),
        # The unit defaults to the one the routing rules proposed at filing.
        _row(
            A.DISPATCH, {S.FILED, S.RETURNED}, S.DISPATCHED, can_dispatch, optional=("unit",), step=_dispatch
        ),
        _row(A.REDISPATCH, {S.DISPATCHED}, STAY, can_dispatch, required=("unit", "reason"), step=_dispatch),
        _row(A.RETURN, {S.DISPATCHED}, S.RETURNED, can_handle, required=("reason",), step=_return),
        _row(A.ACCEPT, {S.DISPATCHED}, S.IN_HANDLING, can_handle, step=_accept),
        _row(
            A.HANDLE,
            UNIT_STEPS,
            S.HANDLED,
            can_handle,
            required=("result",),
            optional=("photos",),
            step=_handle,
        ),
        _row(
            A.REQUEST_EXTENSION,
            UNIT_STEPS,
            STAY,
            can_handle,
            required=("amount", "reason"),
            optional=("unit",),
            guards=(nothing_pending,),
            step=_request_extension,
            specs={"unit": EXTENSION_UNIT},
        ),
        _row(
            A.APPROVE_EXTENSION,
            UNIT_STEPS,
            STAY,
            can_decide_extension,
            optional=("note",),
            guards=(something_pending,),
            step=_decide_extension,
        ),
        _row(
            A.REFUSE_EXTENSION,
            UNIT_STEPS,
            STAY,
            can_decide_extension,
            required=("reason",),
            guards=(something_pending,),
            step=_decide_extension,
            specs={"reason": DECISION_NOTE},
        ),
        _row(
            A.SUSPEND,
            {S.FILED, S.DISPATCHED, S.IN_HANDLING, S.REWORK},
            S.SUSPENDED,
            can_suspend,
            required=("reason",),
            step=_suspend,
            remember=True,
        ),
        _row(A.RESUME, {S.SUSPENDED}, RESUME, can_suspend, step=_resume),
        _row(
            A.VERIFY,
            {S.HANDLED},
            S.VERIFIED,
            can_verify,
            required=("photo",),
            optional=VERIFY_PHOTO,
            step=_verify,
        ),
        _row(
            A.REWORK,
            {S.HANDLED},
            S.REWORK,
            can_verify,
            required=("reason",),
            optional=("photo", *VERIFY_PHOTO),
            step=_rework,
        ),
        _row(A.CLOSE, {S.VERIFIED}, S.CLOSED, can_close, required=("disposition",), step=_close),
        _row(
            A.CANCEL,
            {S.REPORTED, S.FILED},
            S.CANCELLED,
            can_cancel,
            required=("reason",),
            step=_close_with_reason,
        ),
        _row(
            A.EVALUATE,
            {S.CLOSED},
            STAY,
            can_evaluate,
            required=("score",),
            optional=("comment",),
            guards=(not_evaluated,),
            step=_evaluate,
        ),
        # 回访复核: a leader sends a closed case back to its handling unit when the person who reported
        # it was not satisfied and the complaint stands.
        _row(
            A.REOPEN,
            {S.CLOSED},
            S.DISPATCHED,
            can_reopen,
            required=("reason",),
            guards=(was_handled,),
            step=_reopen,
        ),
    ],
)

"""Every write to a case: intake (`case_report`) and one `case_transition` for the whole lifecycle.

Each call runs in one transaction: the case row is locked, the transition table (states.py) decides
whether the action is legal and who may take it, the rule is applied, and the audit event is written
before the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from chengguan.cases import feedback_due, limits
from chengguan.cases.models import (
    Case,
    CaseDelay,
    CaseEvidence,
    CaseExtension,
    CaseSource,
    EvidenceStage,
    ExtensionStatus,
)
from chengguan.cases.signals import case_changed
from chengguan.cases.states import (
    BY_ACTION,
    FINAL_STATES,
    OPEN_STATES,
    Action,
    CaseState,
    Disposition,
    Transition,
)
from chengguan.core import audit, clock, coords, deadlines, evidence, inserts, numbering, phones
from chengguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from chengguan.grids import selectors as grid_selectors
from chengguan.grids.index import GridUnits
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation, OrgKind
from chengguan.org.roles import STAFF_ROLES, RoleCode
from chengguan.taxonomy import routing
from chengguan.taxonomy import selectors as taxonomy_selectors
from chengguan.taxonomy.models import Category

# Staff sources need a staff role; the public channels take anyone, including anonymous callers.
SOURCE_ROLES: dict[str, frozenset[str] | None] = {
    CaseSource.PATROL: frozenset({RoleCode.INSPECTOR}),
    CaseSource.HOTLINE: frozenset({RoleCode.OPERATOR, RoleCode.SHIFT_LEADER}),
    CaseSource.DEPUTY: frozenset({RoleCode.DEPUTY, RoleCode.OPERATOR, RoleCode.SHIFT_LEADER}),
    CaseSource.LEADER: frozenset({RoleCode.LEADER, RoleCode.OPERATOR, RoleCode.SHIFT_LEADER}),
    CaseSource.MEDIA: frozenset({RoleCode.OPERATOR, RoleCode.SHIFT_LEADER}),
    CaseSource.VIDEO: frozenset({RoleCode.OPERATOR, RoleCode.SHIFT_LEADER, RoleCode.INSPECTOR}),
    CaseSource.LIVE: frozenset({RoleCode.OPERATOR, RoleCode.SHIFT_LEADER, RoleCode.SQUAD_LEADER}),
    CaseSource.CITIZEN: None,
    CaseSource.OPEN311: None,
}
DISPATCH_KINDS = frozenset(
    {OrgKind.SQUAD, OrgKind.DEPARTMENT, OrgKind.SUBDISTRICT, OrgKind.COMMUNITY, OrgKind.PARTNER}
)
# Actions that finish the stage the case is waiting in; taking one late needs a reason.
STAGE_FINISHING = frozenset(
    {
        Action.FILE,
        Action.NOT_FILE,
        Action.DISPATCH,
        Action.HANDLE,
        Action.VERIFY,
        Action.REWORK,
        Action.CLOSE,
    }
)
MAX_DESCRIPTION = 2000
MAX_IDEMPOTENCY_KEY = 64


class InvalidTransition(Conflict):
    code = "case.invalid_transition"


@dataclass(frozen=True)
class ReportResult:
    case: Case
    created: bool


def _field_values(case: Case) -> dict[str, Any]:
    return {f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields}


def _save_changes(case: Case, before: dict[str, Any]) -> None:
    """Write only the columns an action changed (STYLE.md habit 2)."""
    changed = [name for name, value in _field_values(case).items() if before[name] != value]
    if changed:
        case.save(update_fields=[*changed, "updated_at"])


def _snapshot(case: Case) -> dict[str, Any]:
    return {
        "state": case.state,
        "category": case.category.code if case.category_id else None,
        "handling_unit": case.handling_unit_id,
        "stage_due_at": case.stage_due_at,
        "handling_due_at": case.handling_due_at,
        "disposition": case.disposition,
        "is_supervised": case.is_supervised,
    }


def _require(payload: dict, names: Iterable[str]) -> None:
    missing = {name: ["此项为必填项。"] for name in names if payload.get(name) in (None, "", [], ())}
    if missing:
        raise ValidationFailed("请填写必填项。", code="case.missing_fields", fields=missing)


def _check_phone(phone: str, field: str = "reporter_phone") -> str:
    number = phones.normalise(phone)
    if number is None:
        raise ValidationFailed(
            "电话号码格式不正确。", code="case.bad_phone", fields={field: ["电话号码格式不正确。"]}
        )
    return number


def _check_location(lon, lat, crs: str) -> tuple[float | None, float | None]:
    if lon in (None, "") and lat in (None, ""):
        return None, None
    errors: dict[str, list[str]] = {}
    try:
        lon_f = float(lon)
        if not -180 <= lon_f <= 180 or math.isnan(lon_f):
            raise ValueError
    except (TypeError, ValueError):
        errors["lon"] = ["经度须为 -180 到 180 之间的数字。"]
    try:
        lat_f = float(lat)
        if not -90 <= lat_f <= 90 or math.isnan(lat_f):
            raise ValueError
    except (TypeError, ValueError):
        errors["lat"] = ["纬度须为 -90 到 90 之间的数字。"]
    if crs not in coords.CRS_CHOICES:
        errors["crs"] = [f"坐标系须为 {'、'.join(coords.CRS_CHOICES)} 之一。"]
    if errors:
        raise ValidationFailed("位置信息有误。", code="case.bad_location", fields=errors)
    return coords.to_wgs84(lon_f, lat_f, crs)


def _category(code_or_obj: str | Category) -> Category:
    if isinstance(code_or_obj, Category):
        return code_or_obj
    try:
        return taxonomy_selectors.category_by_code(str(code_or_obj))
    except NotFound as exc:
        raise ValidationFailed(
            exc.message, code="case.unknown_category", fields={"category": [exc.message]}
        ) from exc


def case_number(bureau: Organisation, year: int, serial: int) -> str:
    """案件编号: the bureau's county code, the year and a gapless serial, e.g. 4101022026000123.

    Each bureau numbers its own cases; the code prefix keeps numbers unique on an installation that
    serves several bureaus."""
    prefix = bureau.code if bureau.code and bureau.code.isdigit() else f"{bureau.pk:06d}"
    return f"{prefix}{year}{serial:06d}"


def _start_stage(case: Case, now: dt.datetime) -> None:
    """Set the due and warning times of the stage the case has just entered."""
    limit = limits.stage_limit(case.state)
    if limit is None:
        if case.state not in (CaseState.DISPATCHED, CaseState.IN_HANDLING, CaseState.REWORK):
            case.stage_due_at = case.stage_warning_at = None
        return
    case.stage_due_at, case.stage_warning_at = limits.due_and_warning(now, limit.amount, limit.unit)


def _start_handling_clock(case: Case, now: dt.datetime) -> None:
    amount, unit = case.category.time_limit_amount, case.category.time_limit_unit
    case.handling_limit_amount, case.handling_limit_unit = amount, unit
    case.handling_due_at, case.stage_warning_at = limits.due_and_warning(now, amount, unit)
    case.stage_due_at = case.handling_due_at
    case.handling_started_at = now


def case_report(
    *,
    actor,
    source: str,
    category: str | Category,
    description: str,
    lon: float | str | None = None,
    lat: float | str | None = None,
    crs: str = "wgs84",
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    idempotency_key: str | None = None,
    photos: Iterable = (),
    bureau: Organisation | None = None,
) -> ReportResult:
    """上报: record a problem as a case in state `reported`, in its grid and units.

    A retry carrying the same idempotency key returns the first case instead of a second one.
    """
    intake = check_report(
        actor=actor,
        source=source,
        category=category,
        description=description,
        lon=lon,
        lat=lat,
        crs=crs,
        address=address,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        idempotency_key=idempotency_key,
        photos=photos,
        bureau=bureau,
    )
    now = clock.now()
    try:
        with transaction.atomic():
            case = new_report_case(actor, intake, now)
            inserts.insert(case)
            stored = [_store_evidence(case, info, EvidenceStage.REPORT, actor, now) for info in intake.photos]
            audit.record(
                actor=actor, action="case.report", obj=case, after=report_audit_after(case, intake, stored)
            )
            _announce(case, "report", actor)
    except IntegrityError:
        # On PostgreSQL a concurrent first attempt holds the key until it commits, so this insert
        # waited for it and failed; its case is now there to return.
        if intake.scoped_key:
            existing = Case.objects.filter(idempotency_key=intake.scoped_key).order_by().first()
            if existing:
                return ReportResult(existing, False)
        raise
    return ReportResult(case, True)


@dataclass(frozen=True)
class ReportIntake:
    """A report that passed every check of intake, ready to be numbered and stored."""

    source: str
    category: Category
    description: str
    lon: float | None
    lat: float | None
    crs: str
    address: str
    reporter_name: str
    reporter_phone: str
    scoped_key: str | None
    grid: GridUnits | None
    bureau: Organisation
    photos: list[evidence.EvidenceInfo]


def check_report(
    *,
    actor,
    source: str,
    category: str | Category,
    description: str,
    lon: float | str | None = None,
    lat: float | str | None = None,
    crs: str = "wgs84",
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    idempotency_key: str | None = None,
    photos: Iterable = (),
    bureau: Organisation | None = None,
) -> ReportIntake:
    """Every check of intake, before anything is written (shared with the bulk writer, cases/batch.py)."""
    idempotency_key = (idempotency_key or "").strip() or None
    if idempotency_key and len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        message = f"幂等键不能超过 {MAX_IDEMPOTENCY_KEY} 个字符。"
        raise ValidationFailed(
            message, code="case.bad_idempotency_key", fields={"idempotency_key": [message]}
        )
    # Keys are scoped by the caller, so two clients that happen to pick the same key never collide.
    scoped_key = f"{getattr(actor, 'pk', None) or 'anon'}:{idempotency_key}" if idempotency_key else None
    # A retry is not looked up first: the unique key makes its insert fail, the rollback gives the
    # number back, and the first case is returned below. New reports, the common case, pay nothing.

    if source not in CaseSource.values:
        raise ValidationFailed(
            "案件来源无效。", code="case.bad_source", fields={"source": ["案件来源无效。"]}
        )
    allowed = SOURCE_ROLES[source]
    if allowed is not None and not (org_selectors.role_codes(actor) & allowed):
        raise PermissionDenied("您的角色不能以该来源上报案件。", code="case.source_not_allowed")
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(
            "请描述问题。", code="case.missing_fields", fields={"description": ["此项为必填项。"]}
        )
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(
            f"问题描述不能超过 {MAX_DESCRIPTION} 字。",
            code="case.too_long",
            fields={"description": ["内容过长。"]},
        )
    cat = _category(category)
    w_lon, w_lat = _check_location(lon, lat, crs)
    address = (address or "").strip()
    if w_lon is None and not address:
        raise ValidationFailed(
            "请提供位置坐标或地址。", code="case.missing_location", fields={"lon": ["请提供位置坐标或地址。"]}
        )
    phone = _check_phone(reporter_phone)
    grid = None
    if w_lon is not None:
        grid = grid_selectors.locate_units(w_lon, w_lat)
        if grid is None:
            message = "该位置不在本辖区范围内。"
            raise ValidationFailed(message, code="case.outside_jurisdiction", fields={"lon": [message]})
    owner_bureau = _bureau_for(grid.bureau_id, actor) if grid else (bureau or org_selectors.bureau_of(actor))
    if owner_bureau is None:
        raise ValidationFailed(
            "无法确定案件所属辖区，请提供位置。",
            code="case.missing_location",
            fields={"lon": ["请提供位置坐标。"]},
        )
    # Every file is checked before anything is written, so one bad photo leaves no case behind.
    checked = [
        upload if isinstance(upload, evidence.EvidenceInfo) else evidence.inspect_upload(upload)
        for upload in photos
    ]
    return ReportIntake(
        source=source,
        category=cat,
        description=description,
        lon=w_lon,
        lat=w_lat,
        crs=crs,
        address=address,
        reporter_name=(reporter_name or "").strip()[:50],
        reporter_phone=phone,
        scoped_key=scoped_key,
        grid=grid,
        bureau=owner_bureau,
        photos=checked,
    )


def new_report_case(actor, intake: ReportIntake, now: dt.datetime) -> Case:
    """The case of a checked report, numbered (gapless, per bureau and year) and with its first due
    time; not saved yet. Call inside the transaction that saves it, so a rollback returns the number."""
    year = now.astimezone(clock.SHANGHAI).year
    serial = numbering.next_number(f"case:{intake.bureau.pk}", year)
    grid = intake.grid
    case = Case(
        number=case_number(intake.bureau, year, serial),
        source=intake.source,
        category=intake.category,
        description=intake.description,
        address=intake.address,
        lon=intake.lon,
        lat=intake.lat,
        input_crs=intake.crs,
        grid_id=grid.id if grid else None,
        community_id=grid.community_id if grid else None,
        subdistrict_id=grid.subdistrict_id if grid else None,
        squad_id=grid.squad_id if grid else None,
        bureau=intake.bureau,
        reporter=actor if getattr(actor, "pk", None) else None,
        reporter_name=intake.reporter_name,
        reporter_phone=intake.reporter_phone,
        idempotency_key=intake.scoped_key,
        reported_at=now,
        feedback_due_at=feedback_due.feedback_due_for(intake.source, now),
    )
    _start_stage(case, now)
    return case


def report_audit_after(case: Case, intake: ReportIntake, stored: list[CaseEvidence]) -> dict[str, Any]:
    """The `after` of a `case.report` audit event."""
    return {
        **_snapshot(case),
        "number": case.number,
        "source": intake.source,
        "grid": intake.grid.code if intake.grid else None,
        "evidence_sha256": [e.sha256 for e in stored],
    }


def _bureau_for(bureau_id: int, actor) -> Organisation:
    """The bureau that owns a located case: usually the reporter's own, already loaded."""
    own = org_selectors.bureau_of(actor)
    if own is not None and own.pk == bureau_id:
        return own
    return Organisation.objects.get(pk=bureau_id)


def _store_evidence(case: Case, upload, stage: str, actor, now: dt.datetime, **meta) -> CaseEvidence:
    """Store one file (an upload, or an `EvidenceInfo` already checked) as evidence of `case`."""
    info = upload if isinstance(upload, evidence.EvidenceInfo) else evidence.inspect_upload(upload)
    item = CaseEvidence(
        case=case,
        stage=stage,
        kind=info.kind,
        original_name=info.original_name,
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        taken_at=meta.get("taken_at") or info.taken_at,
        lon=meta.get("lon") if meta.get("lon") is not None else info.lon,
        lat=meta.get("lat") if meta.get("lat") is not None else info.lat,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    evidence_writer.get()(item, info)
    return item


def _write_evidence(item: CaseEvidence, info: evidence.EvidenceInfo) -> None:
    evidence.save_to(item, info)
    item.save(force_insert=True)


# How `_store_evidence` writes a file and its row. The bulk writer (cases/batch.py) swaps it for one
# that stores each content once and inserts the rows in bulk.
evidence_writer: ContextVar[Callable[[CaseEvidence, evidence.EvidenceInfo], None]] = ContextVar(
    "evidence_writer", default=_write_evidence
)


def case_add_evidence(
    *, actor, case: Case, stage: str, upload, lon=None, lat=None, taken_at=None
) -> CaseEvidence:
    """Attach a photo, video or audio file to an open case (its SHA-256 goes into the audit)."""
    if not org_selectors.role_codes(actor) & STAFF_ROLES:
        raise PermissionDenied("只有工作人员可以补充证据材料。", code="case.evidence_forbidden")
    if stage not in EvidenceStage.values:
        raise ValidationFailed("材料阶段无效。", code="case.bad_stage", fields={"stage": ["材料阶段无效。"]})
    info = evidence.inspect_upload(upload)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state in FINAL_STATES:
            raise InvalidTransition("案件已办结，不能再补充材料。")
        if not _in_bureau(actor, locked.bureau_id):
            raise PermissionDenied("该案件不在您的管辖范围内。", code="case.out_of_scope")
        item = _store_evidence(
            locked, info, stage, actor, clock.now(), lon=lon, lat=lat, taken_at=_datetime_or_none(taken_at)
        )
        audit.record(
            actor=actor,
            action="case.evidence_added",
            obj=locked,
            after={
                "evidence": item.pk,
                "stage": stage,
                "kind": item.kind,
                "sha256": item.sha256,
                "size": item.size,
            },
        )
    return item


# -- the lifecycle ---------------------------------------------------------------------------------


def available_actions(case: Case, actor, *, pending_extension: bool | None = None) -> list[str]:
    """The actions `actor` may take on `case` now: drives buttons and the API's `available_actions`.

    Lists pass `pending_extension` (annotated with the rows) so a page of cases costs no query per
    case; the caller's roles and unit are cached on the user object after the first row."""
    roles = org_selectors.role_codes(actor)
    if not roles or not _in_bureau(actor, case.bureau_id):
        return []
    if pending_extension is None:
        pending_extension = _pending_extension(case) is not None
    out = []
    for action, t in BY_ACTION.items():
        if case.state not in t.sources or not (roles & t.roles):
            continue
        if t.unit_bound and not _in_handling_unit(actor, case):
            continue
        if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION) and not pending_extension:
            continue
        if action == Action.REQUEST_EXTENSION and pending_extension:
            continue
        if action in (Action.VERIFY, Action.REWORK) and case.handler_id == getattr(actor, "pk", None):
            continue
        if action == Action.EVALUATE and case.evaluation_score is not None:
            continue
        out.append(action)
    return out


def _pending_extension(case: Case) -> CaseExtension | None:
    return case.extensions.filter(status=ExtensionStatus.PENDING).first()


def _in_handling_unit(actor, case: Case) -> bool:
    profile = org_selectors.profile_of(actor)
    if profile is None or case.handling_unit_id is None:
        return False
    return profile.organisation.path.startswith(case.handling_unit.path)


def case_transition(*, actor, case: Case | int, action: str, **payload: Any) -> Case:
    """Apply one action of the transition table to a case; the only way a case changes state."""
    t = BY_ACTION.get(action)
    if t is None:
        raise NotFound(f"未知的操作：{action}", code="case.unknown_action")
    case_id = case.pk if isinstance(case, Case) else case
    with transaction.atomic():
        # Lock the case row only: PostgreSQL cannot lock the nullable side of the outer joins. The
        # grid (with its polygon) loads only when filing asks for routing; no ordering is needed.
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "handling_unit", "bureau")
            .filter(pk=case_id)
            .order_by()
            .first()
        )
        if locked is None:
            raise NotFound("案件不存在。", code="case.not_found")
        before = _snapshot(locked)
        stored_before = _field_values(locked)
        extra = apply_transition(actor, locked, t, payload, clock.now())
        _save_changes(locked, stored_before)
        audit.record(
            actor=actor,
            action=f"case.{action}",
            obj=locked,
            before=before,
            after={**_snapshot(locked), **extra},
        )
        _announce(locked, action, actor)
    return locked


def apply_transition(actor, case: Case, t: Transition, payload: dict, now: dt.datetime) -> dict:
    """The rule of one action on a loaded case: authorise, check, change the case in memory (and write
    the rows that hang off it: delay, extension, evidence). Returns the extra values of the audit
    event. Shared by `case_transition` and the bulk writer (`cases/batch.py`), which save the case."""
    _authorise(actor, case, t)
    _require(payload, t.required)
    delay_reason = (payload.get("delay_reason") or "").strip()
    late_stage = case.state
    late_due = case.stage_due_at
    is_late = t.action in STAGE_FINISHING and late_due is not None and now > late_due
    if is_late and not delay_reason:
        message = "已超过办理时限，请填写超时原因。"
        raise ValidationFailed(message, code="case.delay_reason_required", fields={"delay_reason": [message]})
    extra = _APPLY[t.action](actor, case, payload, now, t)
    if is_late:
        CaseDelay.objects.create(
            case=case,
            stage=late_stage,
            due_at=late_due,
            acted_at=now,
            reason=delay_reason,
            recorded_by=actor,
        )
        extra["delay_reason"] = delay_reason
    return extra


def _announce(case: Case, action: str, actor) -> None:
    """Tell listeners once the change is committed (never about one that rolls back)."""
    if case_changed.receivers:
        transaction.on_commit(lambda: case_changed.send(sender=Case, case=case, action=action, actor=actor))


def _authorise(actor, case: Case, t: Transition) -> None:
    if case.state not in t.sources:
        raise InvalidTransition(
            f"案件当前状态为「{CaseState(case.state).label}」，不能执行「{Action(t.action).label}」。"
        )
    if actor is None or not (org_selectors.role_codes(actor) & t.roles):
        raise PermissionDenied(f"您的角色不能执行「{Action(t.action).label}」。", code="case.role_forbidden")
    if not _in_bureau(actor, case.bureau_id):
        raise PermissionDenied("该案件不在您的管辖范围内。", code="case.out_of_scope")
    if t.unit_bound and not _in_handling_unit(actor, case):
        raise PermissionDenied("该案件未派遣给您所在的单位。", code="case.not_your_unit")


def _in_bureau(actor, bureau_id: int) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    bureau = org_selectors.bureau_of(actor)
    return bureau is not None and bureau.pk == bureau_id


def _text(payload: dict, name: str, limit: int = 2000) -> str:
    value = (payload.get(name) or "").strip()
    if not value:
        raise ValidationFailed(
            "请填写必填项。", code="case.missing_fields", fields={name: ["此项为必填项。"]}
        )
    if len(value) > limit:
        raise ValidationFailed("内容过长。", code="case.too_long", fields={name: [f"不能超过 {limit} 字。"]})
    return value


def _apply_file(actor, case: Case, payload: dict, now, t) -> dict:
    if payload.get("category"):
        case.category = _category(payload["category"])
    case.state = CaseState.FILED
    case.filed_at = now
    case.proposed_unit = handler_proposer.get()(category=case.category, grid=case.grid) if case.grid else None
    _start_stage(case, now)
    return {"proposed_unit": case.proposed_unit_id}


# How filing asks the routing rules for a unit; the bulk writer (cases/batch.py) remembers the answers
# for the length of a run, as the rules do not change during it.
handler_proposer: ContextVar[Callable[..., Organisation | None]] = ContextVar(
    "handler_proposer", default=routing.propose_handler
)


def _apply_not_file(actor, case: Case, payload: dict, now, t) -> dict:
    case.reason = _text(payload, "reason")
    case.state = CaseState.NOT_FILED
    case.closed_at = now
    _start_stage(case, now)
    return {"reason": case.reason}


def _apply_merge(actor, case: Case, payload: dict, now, t) -> dict:
    target_id = payload.get("target")
    target = Case.objects.filter(pk=getattr(target_id, "pk", target_id)).first() if target_id else None
    if target is None or target.pk == case.pk or target.state not in OPEN_STATES or target.merged_into_id:
        message = "请选择一个仍在办理中的其他案件作为合并目标。"
        raise ValidationFailed(message, code="case.bad_merge_target", fields={"target": [message]})
    if target.bureau_id != case.bureau_id:
        raise ValidationFailed(
            "只能合并本辖区的案件。", code="case.bad_merge_target", fields={"target": ["辖区不同。"]}
        )
    case.merged_into = target
    case.state = CaseState.MERGED
    case.closed_at = now
    _start_stage(case, now)
    return {"merged_into": target.number}


def _dispatch_unit(case: Case, payload: dict) -> Organisation:
    unit = payload.get("unit") or case.proposed_unit
    if unit is not None and not isinstance(unit, Organisation):
        unit = Organisation.objects.filter(pk=unit).first()
    if unit is None or unit.kind not in DISPATCH_KINDS or not unit.is_active:
        message = "请选择有效的处置单位。"
        raise ValidationFailed(message, code="case.bad_unit", fields={"unit": [message]})
    if unit.kind != OrgKind.PARTNER and unit.bureau_id != case.bureau_id:
        message = "处置单位不属于本局。"
        raise ValidationFailed(message, code="case.bad_unit", fields={"unit": [message]})
    return unit


def _apply_dispatch(actor, case: Case, payload: dict, now, t) -> dict:
    if t.action == Action.REDISPATCH:
        case.reason = _text(payload, "reason")
    case.handling_unit = _dispatch_unit(case, payload)
    case.state = CaseState.DISPATCHED
    case.dispatched_at = now
    case.handler = None
    _start_handling_clock(case, now)
    return {"unit_name": case.handling_unit.name}


def _apply_return(actor, case: Case, payload: dict, now, t) -> dict:
    case.reason = _text(payload, "reason")
    case.return_count += 1
    previous = case.handling_unit.name
    case.handling_unit = None
    case.state = CaseState.RETURNED
    _start_stage(case, now)
    return {"reason": case.reason, "returned_by_unit": previous}


def _apply_accept(actor, case: Case, payload: dict, now, t) -> dict:
    case.state = CaseState.IN_HANDLING
    case.accepted_at = now
    return {}


def _apply_handle(actor, case: Case, payload: dict, now, t) -> dict:
    case.result = _text(payload, "result")
    photos = list(payload.get("photos") or ())
    # "After" photos of this round: a rework needs new ones, not the ones that failed verification.
    since = case.handling_started_at or case.dispatched_at
    if not photos and not case.evidence.filter(stage=EvidenceStage.HANDLE, created_at__gte=since).exists():
        message = "请上传处置后照片。"
        raise ValidationFailed(message, code="case.after_photo_required", fields={"photos": [message]})
    stored = [_store_evidence(case, p, EvidenceStage.HANDLE, actor, now) for p in photos]
    case.handled_late = bool(case.handling_due_at and now > case.handling_due_at)
    case.handler = actor
    case.handled_at = now
    case.state = CaseState.HANDLED
    _start_stage(case, now)
    return {"result": case.result, "evidence_sha256": [e.sha256 for e in stored], "late": case.handled_late}


def _apply_request_extension(actor, case: Case, payload: dict, now, t) -> dict:
    if _pending_extension(case):
        raise InvalidTransition("已有待审批的延期申请。")
    try:
        amount = int(payload.get("amount"))
        if amount <= 0:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationFailed(
            "延期时长须为正整数。", code="case.bad_extension", fields={"amount": ["须为正整数。"]}
        ) from None
    unit = payload.get("unit") or case.handling_limit_unit or deadlines.WORKING_DAYS
    if unit not in (deadlines.WORKING_HOURS, deadlines.WORKING_DAYS):
        raise ValidationFailed(
            "延期单位无效。", code="case.bad_extension", fields={"unit": ["须为工作时或工作日。"]}
        )
    ext = CaseExtension.objects.create(
        case=case,
        amount=amount,
        unit=unit,
        reason=_text(payload, "reason"),
        requested_by=actor,
        requested_at=now,
    )
    return {"extension": ext.pk, "amount": amount, "unit": unit}


def _apply_decide_extension(actor, case: Case, payload: dict, now, t) -> dict:
    ext = _pending_extension(case)
    if ext is None:
        raise InvalidTransition("没有待审批的延期申请。")
    ext.decided_by, ext.decided_at = actor, now
    if t.action == Action.APPROVE_EXTENSION:
        ext.status = ExtensionStatus.APPROVED
        ext.decision_note = (payload.get("note") or "").strip()[:200]
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
        ext.decision_note = _text(payload, "reason", 200)
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return {"extension": ext.pk, "decision": ext.status}


def _apply_suspend(actor, case: Case, payload: dict, now, t) -> dict:
    case.reason = _text(payload, "reason")
    case.state_before_suspension = case.state
    case.suspended_at = now
    case.state = CaseState.SUSPENDED
    return {"reason": case.reason}


def _apply_resume(actor, case: Case, payload: dict, now, t) -> dict:
    """The clock stops while a case is suspended: its due times move by the office time suspended."""
    paused = deadlines.working_seconds_between(case.suspended_at, now) / 3600 if case.suspended_at else 0
    if case.stage_due_at and paused > 0:
        case.stage_due_at = deadlines.add_working_hours(case.stage_due_at, paused)
        if case.stage_warning_at:
            case.stage_warning_at = deadlines.add_working_hours(case.stage_warning_at, paused)
    if case.handling_due_at and paused > 0 and case.state_before_suspension != CaseState.FILED:
        case.handling_due_at = deadlines.add_working_hours(case.handling_due_at, paused)
    case.state = case.state_before_suspension or CaseState.FILED
    case.state_before_suspension = ""
    case.suspended_at = None
    return {"paused_working_hours": round(paused, 2)}


def _verify_flags(case: Case, item: CaseEvidence, now: dt.datetime) -> list[str]:
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


def _store_verify_photo(actor, case: Case, payload: dict, now) -> CaseEvidence:
    """The on-site photo; a position sent by the phone app (any CRS) beats the one in its EXIF."""
    lon, lat = _float_or_none(payload.get("photo_lon")), _float_or_none(payload.get("photo_lat"))
    if lon is not None and lat is not None:
        lon, lat = _check_location(lon, lat, payload.get("photo_crs") or "wgs84")
    return _store_evidence(
        case,
        payload["photo"],
        EvidenceStage.VERIFY,
        actor,
        now,
        lon=lon,
        lat=lat,
        taken_at=_datetime_or_none(payload.get("photo_taken_at")),
    )


def _apply_verify(actor, case: Case, payload: dict, now, t) -> dict:
    if case.handler_id == getattr(actor, "pk", None):
        raise PermissionDenied("核查人不能是处置人本人。", code="case.verifier_is_handler")
    if not payload.get("photo"):
        message = "请上传现场核查照片。"
        raise ValidationFailed(message, code="case.verify_photo_required", fields={"photo": [message]})
    item = _store_verify_photo(actor, case, payload, now)
    flags = _verify_flags(case, item, now)
    case.verify_flags = flags
    case.verifier = actor
    if t.action == Action.VERIFY:
        case.state = CaseState.VERIFIED
        case.verified_at = now
        _start_stage(case, now)
    return {"verify_flags": flags, "evidence_sha256": item.sha256}


def _apply_rework(actor, case: Case, payload: dict, now, t) -> dict:
    if case.handler_id == getattr(actor, "pk", None):
        raise PermissionDenied("核查人不能是处置人本人。", code="case.verifier_is_handler")
    case.reason = _text(payload, "reason")
    extra: dict = {"reason": case.reason}
    if payload.get("photo"):
        item = _store_verify_photo(actor, case, payload, now)
        extra["evidence_sha256"] = item.sha256
    case.verifier = actor
    case.rework_count += 1
    case.state = CaseState.REWORK
    _start_handling_clock(case, now)
    return extra


def _apply_close(actor, case: Case, payload: dict, now, t) -> dict:
    disposition = payload.get("disposition")
    if disposition not in Disposition.values:
        message = "请选择处置方式：服务、管理或执法（721工作法）。"
        raise ValidationFailed(message, code="case.disposition_required", fields={"disposition": [message]})
    case.disposition = disposition
    case.state = CaseState.CLOSED
    case.closed_at = now
    _start_stage(case, now)
    return {"disposition": disposition}


def _apply_cancel(actor, case: Case, payload: dict, now, t) -> dict:
    case.reason = _text(payload, "reason")
    case.state = CaseState.CANCELLED
    case.closed_at = now
    _start_stage(case, now)
    return {"reason": case.reason}


def _apply_reopen(actor, case: Case, payload: dict, now, t) -> dict:
    if case.handling_unit is None or case.disposition == "":
        raise InvalidTransition("该案件未经派遣处置，不能重新交办。")
    case.reason = _text(payload, "reason")
    case.state = CaseState.DISPATCHED
    case.dispatched_at = now
    case.closed_at = None
    case.disposition = ""
    case.handler = case.verifier = None
    case.accepted_at = case.handled_at = case.verified_at = None
    case.rework_count += 1
    _start_handling_clock(case, now)
    return {"reason": case.reason, "unit_name": case.handling_unit.name}


def _apply_evaluate(actor, case: Case, payload: dict, now, t) -> dict:
    if case.evaluation_score is not None:
        raise InvalidTransition("该案件已评价。")
    try:
        score = int(payload.get("score"))
        if not 1 <= score <= 5:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationFailed(
            "评分须为 1 到 5 的整数。", code="case.bad_score", fields={"score": ["须为 1–5。"]}
        ) from None
    case.evaluation_score = score
    case.evaluation_comment = (payload.get("comment") or "").strip()[:200]
    return {"score": score}


_APPLY = {
    Action.FILE: _apply_file,
    Action.NOT_FILE: _apply_not_file,
    Action.MERGE: _apply_merge,
    Action.DISPATCH: _apply_dispatch,
    Action.REDISPATCH: _apply_dispatch,
    Action.RETURN: _apply_return,
    Action.ACCEPT: _apply_accept,
    Action.HANDLE: _apply_handle,
    Action.REQUEST_EXTENSION: _apply_request_extension,
    Action.APPROVE_EXTENSION: _apply_decide_extension,
    Action.REFUSE_EXTENSION: _apply_decide_extension,
    Action.SUSPEND: _apply_suspend,
    Action.RESUME: _apply_resume,
    Action.VERIFY: _apply_verify,
    Action.REWORK: _apply_rework,
    Action.CLOSE: _apply_close,
    Action.CANCEL: _apply_cancel,
    Action.EVALUATE: _apply_evaluate,
    Action.REOPEN: _apply_reopen,
}


def _datetime_or_none(value) -> dt.datetime | None:
    """An aware datetime from a datetime or an ISO string; a naive one is taken as Beijing time."""
    if value in (None, ""):
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is None:
        message = "时间格式不正确。"
        raise ValidationFailed(message, code="case.bad_datetime", fields={"photo_taken_at": [message]})
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.SHANGHAI)


def _float_or_none(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine), precise enough for the 50 m and 100 m checks."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))

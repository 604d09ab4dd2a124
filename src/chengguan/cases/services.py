"""Every write to a case: intake (`case_report`), evidence added later, and one `case_transition`
for the whole lifecycle, which is the case machine (`states.CASE_MACHINE`) on the workflow kernel:
one transaction that locks the row, authorises, checks, applies the step, saves and audits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chengguan.cases import feedback_due, limits
from chengguan.cases.checks import category_of, check_location, check_phone, distance_m
from chengguan.cases.effects import CaseEffects
from chengguan.cases.errors import CaseError
from chengguan.cases.models import (
    FINAL_STATES,
    INTAKE_ATTRIBUTES,
    BureauStageLimit,
    Case,
    CaseEvidence,
    CaseSource,
    EvidenceStage,
    IntakeCheckSetting,
    intake_attribute_fields,
)
from chengguan.cases.permissions import can_report_as, may_add_evidence, refuse_evidence
from chengguan.cases.states import CASE_MACHINE, FIELDS, announce, snapshot
from chengguan.core import audit, clock, evidence, inserts, numbering
from chengguan.core import limits as rate_limits
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.core.workflow import Invalid
from chengguan.grids import selectors as grid_selectors
from chengguan.grids.index import GridUnits
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation
from chengguan.org.permissions import can_administer, is_staff
from chengguan.org.system import is_system
from chengguan.taxonomy.models import Category, TimeUnit

# `distance_m` is read through this module by the selectors' callers and the tests.
__all__ = ["available_actions", "case_transition", "distance_m"]

MAX_DESCRIPTION = 2000
# What the public sends in itself (the limiter counts these; staff relaying them are not counted).
PUBLIC_INTAKE_SOURCES = (CaseSource.CITIZEN, CaseSource.OPEN311)
MAX_IDEMPOTENCY_KEY = 64


@dataclass(frozen=True)
class ReportResult:
    case: Case
    created: bool


def case_number(bureau: Organisation, year: int, serial: int) -> str:
    """案件编号: the bureau's county code, the year and a gapless serial, e.g. 4101022026000123.

    Each bureau numbers its own cases; the code prefix keeps numbers unique on an installation that
    serves several bureaus."""
    prefix = bureau.code if bureau.code and bureau.code.isdigit() else f"{bureau.pk:06d}"
    return f"{prefix}{year}{serial:06d}"


def case_report(*, actor, **report: Any) -> ReportResult:
    """上报: record a problem as a case in state `reported`, in its grid and units. `report` is
    `check_report`'s arguments (declared there once, so a new intake field is added in one place).

    A retry carrying the same idempotency key returns the first case instead of a second one; an
    anonymous caller's key counts only within `client_scope` (its session, device or address).
    Public reports are limited per phone number and per `client_address` (`core.limits`).
    """
    intake = check_report(actor=actor, **report)
    now = clock.now()
    try:
        with transaction.atomic():
            case = new_report_case(actor, intake, now)
            inserts.insert(case)
            effects = CaseEffects()
            stored = [
                effects.add_evidence(case, info, EvidenceStage.REPORT, actor, now) for info in intake.photos
            ]
            audit.record(
                actor=actor, action="case.report", obj=case, after=report_audit_after(case, intake, stored)
            )
            transaction.on_commit(lambda: announce(case, "report", actor))
    except IntegrityError:
        # On PostgreSQL a concurrent first attempt holds the key until it commits, so this insert
        # waited for it and failed; its case is now there to return.
        if intake.scoped_key:
            existing = Case.objects.filter(idempotency_key=intake.scoped_key).order_by().first()
            if existing:
                return ReportResult(existing, False)
        raise
    rate_limits.count(**intake.limited)
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
    attributes: dict[str, str]  # models.INTAKE_ATTRIBUTES, checked against their choices
    scoped_key: str | None
    grid: GridUnits | None
    bureau: Organisation
    photos: list[evidence.EvidenceInfo]
    # The limiter's counters this report uses up once stored (`core.limits` scope → subject).
    limited: dict[str, str]


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
    client_address: str = "",
    client_scope: str = "",
    **attributes: str,
) -> ReportIntake:
    """Every check of intake, before anything is written (shared with the bulk writer, cases/batch.py).
    `attributes` are the reporter's choices named in `models.INTAKE_ATTRIBUTES`."""
    idempotency_key = (idempotency_key or "").strip() or None
    if idempotency_key and len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        message = _("幂等键不能超过 %(limit)d 个字符。") % {"limit": MAX_IDEMPOTENCY_KEY}
        raise ValidationFailed(
            message, code=CaseError.BAD_IDEMPOTENCY_KEY, fields={"idempotency_key": [message]}
        )
    scoped_key = _scoped_key(actor, idempotency_key, client_scope)
    # A retry is not looked up first: the unique key makes its insert fail, the rollback gives the
    # number back, and the first case is returned below. New reports, the common case, pay nothing.

    if source not in CaseSource.values:
        raise ValidationFailed(
            _("案件来源无效。"), code=CaseError.BAD_SOURCE, fields={"source": [_("案件来源无效。")]}
        )
    can_report_as.refuse(actor, source)
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(
            _("请描述问题。"), code=CaseError.MISSING_FIELDS, fields={"description": [_("此项为必填项。")]}
        )
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(
            _("问题描述不能超过 %(limit)d 字。") % {"limit": MAX_DESCRIPTION},
            code=CaseError.TOO_LONG,
            fields={"description": [_("内容过长。")]},
        )
    cat = category_of(category)
    w_lon, w_lat = check_location(lon, lat, crs)
    address = (address or "").strip()
    if w_lon is None and not address:
        raise ValidationFailed(
            _("请提供位置坐标或地址。"),
            code=CaseError.MISSING_LOCATION,
            fields={"lon": [_("请提供位置坐标或地址。")]},
        )
    phone = check_phone(reporter_phone)
    limited = _public_limits(actor, source, phone, client_address)
    rate_limits.refuse_if_exhausted(**limited)
    chosen = _check_attributes(attributes)
    grid = None
    if w_lon is not None:
        grid = grid_selectors.locate_units(w_lon, w_lat)
        if grid is None:
            message = _("该位置不在本辖区范围内。")
            raise ValidationFailed(message, code=CaseError.OUTSIDE_JURISDICTION, fields={"lon": [message]})
    owner_bureau = _bureau_for(grid.bureau_id, actor) if grid else (bureau or org_selectors.bureau_of(actor))
    if owner_bureau is None:
        raise ValidationFailed(
            _("无法确定案件所属辖区，请提供位置。"),
            code=CaseError.MISSING_LOCATION,
            fields={"lon": [_("请提供位置坐标。")]},
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
        attributes=chosen,
        scoped_key=scoped_key,
        limited=limited,
        grid=grid,
        bureau=owner_bureau,
        photos=checked,
    )


def _check_attributes(given: dict[str, Any]) -> dict[str, str]:
    """Each intake attribute (`models.INTAKE_ATTRIBUTES`): one of its field's choices, its default when
    not given. An unknown name is a programming error, not the reporter's."""
    unknown = set(given) - set(INTAKE_ATTRIBUTES)
    if unknown:
        raise TypeError(f"check_report() got unexpected keyword arguments {sorted(unknown)}")
    chosen = {}
    for field in intake_attribute_fields():
        value = given.get(field.name) or field.default
        labels = dict(field.choices)
        if value not in labels:
            message = _("%(field)s只能是：%(choices)s。") % {
                "field": field.verbose_name,
                "choices": " / ".join(str(label) for label in labels.values()),
            }
            raise ValidationFailed(message, code=CaseError.INVALID_FIELDS, fields={field.name: [message]})
        chosen[field.name] = value
    return chosen


def _scoped_key(actor, key: str | None, client_scope: str) -> str | None:
    """The stored idempotency key: scoped by the caller, so two clients that happen to pick the same
    key never collide. An anonymous caller is told apart only by `client_scope` (session, device id
    or address); without one its key is not kept, so it can never be answered with another's case."""
    if not key:
        return None
    caller = getattr(actor, "pk", None) or "anon"
    if client_scope:  # a system account files for many clients (Open311): each its own scope
        return f"{caller}:{sha256(client_scope.encode()).hexdigest()[:16]}:{key}"
    return f"{caller}:{key}" if caller != "anon" else None


def _public_limits(actor, source: str, phone: str, client_address: str) -> dict[str, str]:
    """The limiter's scopes a report uses: a public source from someone who is not staff (the portal,
    a citizen's app, an Open311 client) counts per phone number and client address; staff relaying a
    call, and outside channels (limited where they come in, `channels.services`), do not. An Open311
    client's request is filed by its bureau's system account, but the public is behind it."""
    relayed = is_staff(actor) and not (is_system(actor) and source == CaseSource.OPEN311)
    if source not in PUBLIC_INTAKE_SOURCES or relayed:
        return {}
    return {name: value for name, value in (("report_phone", phone), ("report_ip", client_address)) if value}


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
        # A system account reports on a channel's behalf (Open311, imports); it is nobody's own report.
        reporter=actor if getattr(actor, "pk", None) and not is_system(actor) else None,
        reporter_name=intake.reporter_name,
        reporter_phone=intake.reporter_phone,
        idempotency_key=intake.scoped_key,
        reported_at=now,
        feedback_due_at=feedback_due.feedback_due_for(intake.source, now),
        **intake.attributes,
    )
    limits.start_stage(case, case.state, now)
    return case


def report_audit_after(case: Case, intake: ReportIntake, stored: list[CaseEvidence]) -> dict[str, Any]:
    """The `after` of a `case.report` audit event."""
    return {
        **snapshot(case),
        "number": case.number,
        "source": intake.source,
        **intake.attributes,
        "grid": intake.grid.code if intake.grid else None,
        "evidence_sha256": [e.sha256 for e in stored],
    }


def _bureau_for(bureau_id: int, actor) -> Organisation:
    """The bureau that owns a located case: usually the reporter's own, already loaded."""
    own = org_selectors.bureau_of(actor)
    if own is not None and own.pk == bureau_id:
        return own
    return Organisation.objects.get(pk=bureau_id)


def case_add_evidence(
    *, actor, case: Case, stage: str, upload, lon=None, lat=None, taken_at=None
) -> CaseEvidence:
    """Attach a photo, video or audio file to an open case (its SHA-256 goes into the audit)."""
    may_add_evidence.refuse(actor, case)
    if stage not in EvidenceStage.values:
        raise ValidationFailed(
            _("材料阶段无效。"), code=CaseError.BAD_STAGE, fields={"stage": [_("材料阶段无效。")]}
        )
    refuse_evidence(actor, case, stage)
    moment = _taken_at(taken_at)
    info = evidence.inspect_upload(upload)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state in FINAL_STATES:
            raise Conflict(_("案件已办结，不能再补充材料。"), code=CaseError.INVALID_TRANSITION)
        item = CaseEffects().add_evidence(
            locked, info, stage, actor, clock.now(), lon=lon, lat=lat, taken_at=moment
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


def _taken_at(value) -> dt.datetime | None:
    """When the file was taken, as the case machine reads a photo's time (Beijing time if naive)."""
    if value in (None, ""):
        return None
    try:
        return FIELDS["photo_taken_at"].clean(value)
    except Invalid as exc:
        raise ValidationFailed(
            str(exc), code=CaseError.INVALID_FIELDS, fields={"taken_at": [str(exc)]}
        ) from None


# -- the lifecycle: cases.states.CASE_MACHINE on the workflow kernel --------------------------------

available_actions = CASE_MACHINE.available_actions


def case_transition(*, actor, case: Case | int, action: str, **payload: Any) -> Case:
    """Take one action of the case machine (`states.CASE_MACHINE`); the only way a case changes state."""
    return CASE_MACHINE.apply(case, action, actor=actor, **payload)


def stage_limit_set(*, actor, bureau: Organisation, stage: str, amount: int, unit: str, source: str):
    """Set `bureau`'s own time limit for a desk stage (立案, 派遣, 核查, 结案; the installation's stays
    every other bureau's). Stages entered from now on get it; running clocks keep theirs."""
    can_administer.refuse(actor, bureau)
    errors: dict[str, list[str]] = {}
    if stage not in limits.DEFAULT_STAGE_LIMITS:
        errors["stage"] = [_("该环节没有时限（处置时限按问题类别设定）。")]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        errors["amount"] = [_("时限必须是正整数。")]
    if unit not in TimeUnit.values:
        errors["unit"] = [_("时限单位必须是工作时或工作日。")]
    if not (source or "").strip():
        errors["source"] = [_("请写明依据的文件。")]
    if errors:
        code = CaseError.INVALID_STAGE_LIMIT
        raise ValidationFailed(str(code.label), code=code, fields=errors)
    with transaction.atomic():
        row = BureauStageLimit.objects.select_for_update().filter(bureau=bureau, stage=stage).first()
        before = {"amount": row.amount, "unit": row.unit, "source": row.source} if row else {}
        if row is None:
            row = BureauStageLimit(bureau=bureau, stage=stage)
        row.amount, row.unit, row.source = amount, unit, source.strip()[:200]
        row.save()
        audit.record(
            actor=actor,
            action="case.stage_limit_set",
            obj=row,
            before=before,
            after={"bureau": bureau.pk, "stage": stage, "amount": amount, "unit": unit, "source": row.source},
        )
    return row


def intake_check_set(*, actor, bureau: Organisation, check_public_reports: bool, source: str = ""):
    """Turn on or off `bureau`'s 核实 of public reports before filing (the case machine's `check`
    row and the guard on `file`). Cases already filed are not touched; reported ones wait from now."""
    can_administer.refuse(actor, bureau)
    with transaction.atomic():
        row = IntakeCheckSetting.objects.select_for_update().filter(bureau=bureau).first()
        before = {"check_public_reports": row.check_public_reports, "source": row.source} if row else {}
        if row is None:
            row = IntakeCheckSetting(bureau=bureau)
        row.check_public_reports = bool(check_public_reports)
        row.source = (source or "").strip()[:200]
        row.save()
        audit.record(
            actor=actor,
            action="case.intake_check_set",
            obj=row,
            before=before,
            after={
                "bureau": bureau.pk,
                "check_public_reports": row.check_public_reports,
                "source": row.source,
            },
        )
    return row

"""Every write of the people app: issuing an enforcement certificate, one `certificate_transition`
for its lifecycle (states.CERTIFICATE_MACHINE), the expiry warnings, and the suspension that follows
an officer leaving the bureau or retiring."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from chengguan.core import audit, clock
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import same_bureau
from chengguan.people import selectors
from chengguan.people.errors import CertificateError, PeopleError, TrainingError
from chengguan.people.models import (
    Attendance,
    Certificate,
    CertificateState,
    Deed,
    DeedPhoto,
    DeedState,
    HonourLevel,
    HonourProgramme,
    Nomination,
    NominationState,
    PeopleSettings,
    SignInMethod,
    SuspensionReason,
    TrainingKind,
    TrainingMaterial,
    TrainingSession,
    TrainingState,
    TrainingTopic,
)
from chengguan.people.permissions import (
    PERSONNEL_OFFICE,
    can_keep_honours,
    can_manage_certificates,
    can_manage_training,
    can_nominate,
    can_record_deeds,
    honour_in_bureau,
    sees_the_whole_force,
    training_in_bureau,
)
from chengguan.people.states import (
    CERTIFICATE_MACHINE,
    DEED_MACHINE,
    NOMINATION_MACHINE,
    TRAINING_MACHINE,
    CertificateActions,
)

S = CertificateState


def _clean_number(number: str) -> str:
    return (number or "").strip().upper()


def certificate_issue(
    *,
    actor,
    holder,
    number: str,
    valid_from: dt.date,
    valid_to: dt.date,
    issuing_authority: str = "",
    territorial_scope: str = "",
    subject_scope: str = "",
) -> Certificate:
    """Enter an officer's enforcement certificate in the registry (行政执法证, issued by the
    government's legal-affairs office; the bureau records it). One current certificate per officer:
    a new one for an officer who has one is a renewal (`renew`)."""
    profile = org_selectors.profile_of(holder)
    bureau = profile.organisation.bureau if profile else None
    can_manage_certificates.refuse(actor, bureau)
    if bureau is None or not same_bureau(actor, bureau.pk):
        raise ValidationFailed(
            "只能为本局的工作人员登记执法证。",
            code=PeopleError.NOT_STAFF,
            fields={"holder": ["不是本局人员。"]},
        )
    number = _clean_number(number)
    errors: dict[str, list[str]] = {}
    if not number:
        errors["number"] = ["此项为必填项。"]
    if valid_from is None:
        errors["valid_from"] = ["此项为必填项。"]
    if valid_to is None:
        errors["valid_to"] = ["此项为必填项。"]
    elif valid_from is not None and valid_to < valid_from:
        errors["valid_to"] = ["有效期至不能早于有效期起。"]
    if errors:
        raise ValidationFailed(
            "提交的数据有误，请检查标出的字段。", code=CertificateError.INVALID_FIELDS, fields=errors
        )
    with transaction.atomic():
        if (
            Certificate.objects.select_for_update()
            .filter(holder=holder, state__in=selectors.CURRENT)
            .exists()
        ):
            raise Conflict(
                "该人员已有在用的执法证，请办理换证。", code=CertificateError.HOLDER_HAS_CERTIFICATE
            )
        if Certificate.objects.filter(number=number, state__in=selectors.CURRENT).exists():
            raise _number_taken(number)
        try:
            with transaction.atomic():
                cert = Certificate.objects.create(
                    bureau=bureau,
                    holder=holder,
                    number=number,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    issuing_authority=issuing_authority.strip(),
                    territorial_scope=territorial_scope.strip(),
                    subject_scope=subject_scope.strip(),
                )
        except IntegrityError as exc:  # a race lost to another transaction for the same number
            raise _number_taken(number) from exc
        audit.record(
            actor=actor,
            action="certificate.issue",
            obj=cert,
            after={"holder": holder.pk, "number": number, "valid_from": valid_from, "valid_to": valid_to},
        )
    return cert


def _number_taken(number: str) -> ValidationFailed:
    return ValidationFailed(
        f"执法证号 {number} 已被其他在用的执法证使用，请核对。",
        code=CertificateError.NUMBER_TAKEN,
        fields={"number": ["执法证号已被使用。"]},
    )


def certificate_transition(*, actor, certificate: Certificate, action: str, payload: dict | None = None):
    """Take one step of the certificate's lifecycle (`states.CERTIFICATE_MACHINE`)."""
    return CERTIFICATE_MACHINE.apply(certificate, action, actor=actor, **dict(payload or {}))


def certificate_actions(certificate: Certificate, actor) -> list[str]:
    return CERTIFICATE_MACHINE.available_actions(certificate, actor)


def certificates_suspend_holder(*, actor, holder, reason: str, on: dt.date | None = None) -> int:
    """Suspend the holder's valid certificates (an officer moved out of the bureau, or who left or
    retired): they no longer cover them from `on` (those who leave enforcement posts hand their
    certificates back). Returns how many were suspended."""
    done = 0
    for cert in Certificate.objects.filter(holder=holder, state=S.VALID).order_by("pk"):
        CERTIFICATE_MACHINE.apply(
            cert, CertificateActions.SUSPEND, actor=actor, reason=reason, on=on or clock.today()
        )
        done += 1
    return done


def certificates_warn_expiring(*, actor, bureau, today: dt.date | None = None) -> int:
    """Tell each holder whose certificate runs out within 30 days, and the bureau's personnel
    officers, once per certificate (the daily job and `chengguan certificates-expiring`; a second run
    sends nothing more). Returns how many certificates were warned about."""
    from chengguan.notifications.services import notify

    can_manage_certificates.refuse(actor, bureau)
    if not same_bureau(actor, bureau.pk):
        raise Conflict("该执法证不属于您所在单位。", code=CertificateError.OTHER_BUREAU)
    today = today or clock.today()
    personnel = org_selectors.staff_holding(*PERSONNEL_OFFICE, bureau_id=bureau.pk)
    done = 0
    for cert in (
        selectors.expiring(bureau, today=today).filter(expiry_warned_on__isnull=True).order_by("valid_to")
    ):
        with transaction.atomic():
            locked = Certificate.objects.select_for_update().get(pk=cert.pk)
            if locked.expiry_warned_on is not None:
                continue
            locked.expiry_warned_on = today
            locked.save(update_fields=["expiry_warned_on", "updated_at"])
            audit.record(
                actor=actor,
                action="certificate.expiry_warn",
                obj=locked,
                after={"valid_to": locked.valid_to, "warned_on": today},
            )
            params: dict[str, Any] = {
                "name": selectors.display_name(cert.holder),
                "number": locked.number,
                "due": locked.valid_to.isoformat(),
            }
            notify(
                recipients=[cert.holder, *personnel],
                message="people.certificate_expiring",
                key=f"people:certificate:{locked.pk}:expiring:{locked.valid_to.isoformat()}",
                params=params,
                url=reverse("people:certificates"),
                obj=locked,
                actor=actor,
            )
            done += 1
    return done


# org.signals.staff_leaving's reasons → the suspension they cause.
SUSPEND_ON_LEAVE = {"transfer": SuspensionReason.TRANSFER, "deactivated": SuspensionReason.LEFT}


# -- training -----------------------------------------------------------------------------------------

MATERIAL_TYPES = {
    b"%PDF-": "pdf",
    b"\xd0\xcf\x11\xe0": "doc",  # OLE2: .doc/.ppt
    b"PK\x03\x04": "zip",  # OOXML: .docx/.pptx
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
}
MATERIAL_MAX_BYTES = 20 * 1024 * 1024
SIGN_IN_OPENS = dt.timedelta(hours=1)  # before the start; it closes at the end of the session's day


def _training_error(fields: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(
        "提交的数据有误，请检查标出的字段。", code=TrainingError.INVALID_FIELDS, fields=fields
    )


def training_plan(
    *,
    actor,
    bureau,
    kind: str,
    topic: str,
    title: str,
    starts_at: dt.datetime,
    hours,
    lecturer: str = "",
    lecturer_org: str = "",
    place: str = "",
) -> TrainingSession:
    """Put a session on the bureau's plan (the monthly 法制培训: lectures by invited law experts or
    the legal-affairs office, seminars, 以会代训, exams)."""
    can_manage_training.refuse(actor, bureau)
    if not same_bureau(actor, bureau.pk):
        raise PermissionDenied("该培训不属于您所在单位。", code=PeopleError.OTHER_BUREAU)
    errors: dict[str, list[str]] = {}
    if kind not in TrainingKind.values:
        errors["kind"] = ["不是有效的选项。"]
    if topic not in TrainingTopic.values:
        errors["topic"] = ["不是有效的选项。"]
    if not (title or "").strip():
        errors["title"] = ["此项为必填项。"]
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
        if not Decimal("0") < hours <= Decimal("40"):
            errors["hours"] = ["学时须在 0.1 至 40 之间。"]
    except (InvalidOperation, ValueError):
        errors["hours"] = ["须为数字。"]
    if starts_at is None or starts_at.tzinfo is None:
        errors["starts_at"] = ["请填写开始时间。"]
    if errors:
        raise _training_error(errors)
    with transaction.atomic():
        session = TrainingSession.objects.create(
            bureau=bureau,
            kind=kind,
            topic=topic,
            title=title.strip(),
            lecturer=lecturer.strip(),
            lecturer_org=lecturer_org.strip(),
            place=place.strip(),
            starts_at=starts_at,
            hours=hours,
            sign_in_token=secrets.token_urlsafe(18),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="training.plan",
            obj=session,
            after={"title": session.title, "kind": kind, "starts_at": starts_at, "hours": hours},
        )
    return session


def training_transition(*, actor, session: TrainingSession, action: str, payload: dict | None = None):
    """Hold or cancel a planned session (`states.TRAINING_MACHINE`)."""
    return TRAINING_MACHINE.apply(session, action, actor=actor, **dict(payload or {}))


def _sign_in_open(session: TrainingSession, now: dt.datetime) -> bool:
    day = session.starts_at.astimezone(clock.SHANGHAI).date()
    return (
        session.state != TrainingState.CANCELLED
        and now >= session.starts_at - SIGN_IN_OPENS
        and now.astimezone(clock.SHANGHAI).date() <= day
    )


def training_sign_in(*, actor, session: TrainingSession, token: str) -> Attendance:
    """培训签到 by the officer's own phone: the QR code on the screen carries the session's token;
    the officer, signed in, confirms. Open from an hour before the start to the end of that day."""
    profile = org_selectors.profile_of(actor)
    if profile is None or not same_bureau(actor, session.bureau_id):
        raise PermissionDenied("该培训不属于您所在单位。", code=PeopleError.OTHER_BUREAU)
    if not secrets.compare_digest(str(token or ""), session.sign_in_token):
        raise Conflict("签到二维码无效或已过期。", code=PeopleError.BAD_SIGN_IN)
    now = clock.now()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if not _sign_in_open(locked, now):
            raise Conflict("该培训已取消或不在签到时间内。", code=PeopleError.SIGN_IN_CLOSED)
        if Attendance.objects.filter(session=locked, staff=actor).exists():
            raise Conflict("已经签到。", code=PeopleError.ALREADY_SIGNED_IN)
        row = Attendance.objects.create(
            session=locked,
            staff=actor,
            signed_at=now,
            method=SignInMethod.QR,
            hours=locked.hours,
            recorded_by=actor,
        )
        audit.record(
            actor=actor, action="training.sign_in", obj=locked, after={"staff": actor.pk, "method": "qr"}
        )
    return row


def training_attendance_record(*, actor, session: TrainingSession, staff: list) -> list[Attendance]:
    """The sign-in list (签到表) entered by the personnel office: each officer of the bureau not yet
    signed in is added; those already there are left as they are."""
    can_manage_training.refuse(actor, session)
    training_in_bureau.refuse(actor, session)
    foreign = [
        u for u in staff if not same_bureau(u, session.bureau_id) or org_selectors.profile_of(u) is None
    ]
    if foreign:
        raise ValidationFailed(
            "只能登记本局人员的签到。", code=PeopleError.NOT_STAFF, fields={"staff": ["不是本局人员。"]}
        )
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.state == TrainingState.CANCELLED:
            raise Conflict("该培训已取消或不在签到时间内。", code=PeopleError.SIGN_IN_CLOSED)
        have = set(Attendance.objects.filter(session=locked).values_list("staff_id", flat=True))
        now = clock.now()
        rows = [
            Attendance(
                session=locked,
                staff=u,
                signed_at=now,
                method=SignInMethod.LIST,
                hours=locked.hours,
                recorded_by=actor,
            )
            for u in dict.fromkeys(staff)
            if u.pk not in have
        ]
        Attendance.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="training.attendance_record",
            obj=locked,
            after={"staff": sorted(r.staff_id for r in rows), "method": "list"},
        )
    return rows


def training_scores_record(*, actor, session: TrainingSession, scores: dict[int, Any]) -> int:
    """Exam scores (0–100) by user id, for those signed in to an exam."""
    can_manage_training.refuse(actor, session)
    training_in_bureau.refuse(actor, session)
    if session.kind != TrainingKind.EXAM:
        raise Conflict("只有考试可以登记成绩。", code=PeopleError.NOT_AN_EXAM)
    cleaned: dict[int, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for uid, value in scores.items():
        try:
            score = Decimal(str(value)).quantize(Decimal("0.1"))
            if not Decimal(0) <= score <= Decimal(100):
                raise ValueError
            cleaned[int(uid)] = score
        except (InvalidOperation, ValueError):
            errors[f"score_{uid}"] = ["成绩须在 0 至 100 之间。"]
    if errors:
        raise _training_error(errors)
    with transaction.atomic():
        rows = {a.staff_id: a for a in Attendance.objects.select_for_update().filter(session=session)}
        unknown = sorted(set(cleaned) - set(rows))
        if unknown:
            raise _training_error({f"score_{uid}": ["该人员未签到。"] for uid in unknown})
        for uid, score in cleaned.items():
            rows[uid].score = score
        Attendance.objects.bulk_update([rows[uid] for uid in cleaned], ["score"])
        audit.record(
            actor=actor,
            action="training.scores_record",
            obj=session,
            after={"scores": {str(k): str(v) for k, v in sorted(cleaned.items())}},
        )
    return len(cleaned)


def training_material_add(*, actor, session: TrainingSession, upload, title: str = "") -> TrainingMaterial:
    """Attach a material (讲义, slides, the exam paper): PDF, Word, PowerPoint or an image, 20 MB at most;
    stored under its SHA-256."""
    can_manage_training.refuse(actor, session)
    training_in_bureau.refuse(actor, session)
    if upload is None:
        raise ValidationFailed(
            "请选择文件。", code=PeopleError.BAD_MATERIAL, fields={"file": ["此项为必填项。"]}
        )
    upload.seek(0)
    data = upload.read(MATERIAL_MAX_BYTES + 1)
    extension = next((ext for magic, ext in MATERIAL_TYPES.items() if data.startswith(magic)), None)
    if not data or extension is None or len(data) > MATERIAL_MAX_BYTES:
        message = "培训资料须为 PDF、Word、PPT 或图片文件，且不超过 20 MB。"
        raise ValidationFailed(message, code=PeopleError.BAD_MATERIAL, fields={"file": [message]})
    name = getattr(upload, "name", "") or "material"
    if extension in ("zip", "doc"):
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else extension
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        material = TrainingMaterial(
            session=session, title=(title or name).strip()[:200], sha256=digest, uploaded_by=actor
        )
        material.file.save(f"{session.pk}/{digest[:32]}.{extension}", ContentFile(data), save=False)
        material.save()
        audit.record(
            actor=actor,
            action="training.material_add",
            obj=session,
            after={"material": material.pk, "sha256": digest, "size": len(data)},
        )
    return material


def people_settings_update(*, actor, bureau, training_hours_required) -> PeopleSettings:
    """The bureau's yearly training-hours requirement (its own setting; see selectors.required_hours)."""
    can_manage_training.refuse(actor, bureau)
    if not same_bureau(actor, bureau.pk):
        raise PermissionDenied("该培训不属于您所在单位。", code=PeopleError.OTHER_BUREAU)
    try:
        hours = Decimal(str(training_hours_required)).quantize(Decimal("0.1"))
        if not Decimal(0) <= hours <= Decimal(1000):
            raise ValueError
    except (InvalidOperation, ValueError):
        raise _training_error({"training_hours_required": ["须为 0 至 1000 之间的数字。"]}) from None
    with transaction.atomic():
        row, _created = PeopleSettings.objects.select_for_update().get_or_create(
            bureau=bureau, defaults={"training_hours_required": hours}
        )
        before = {
            "training_hours_required": str(selectors.required_hours(bureau))
            if _created
            else str(row.training_hours_required)
        }
        row.training_hours_required = hours
        row.save(update_fields=["training_hours_required"])
        audit.record(
            actor=actor,
            action="people.settings_update",
            obj=row,
            before=before,
            after={"training_hours_required": str(hours)},
        )
    return row


# -- honours and deeds ----------------------------------------------------------------------------------

PHOTO_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def _bureau_of_actor(actor, bureau) -> None:
    if bureau is None or not same_bureau(actor, bureau.pk):
        raise PermissionDenied("该评选或事迹不属于您所在单位。", code=PeopleError.OTHER_BUREAU)


def programme_create(
    *,
    actor,
    bureau,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    quota: int,
    criteria: str = "",
    level="person",
) -> HonourProgramme:
    """A selection with its period, criteria and quota (党员示范岗, 文明执法标兵, 十佳中队, …)."""
    can_keep_honours.refuse(actor, bureau)
    _bureau_of_actor(actor, bureau)
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = ["此项为必填项。"]
    if level not in HonourLevel.values:
        errors["level"] = ["不是有效的选项。"]
    if period_start is None or period_end is None or period_end < period_start:
        errors["period_end"] = ["评选期间止不能早于评选期间起。"]
    if not isinstance(quota, int) or quota < 1:
        errors["quota"] = ["名额至少为 1。"]
    if errors:
        raise ValidationFailed("提交的数据有误，请检查标出的字段。", code=PeopleError.INVALID, fields=errors)
    with transaction.atomic():
        programme = HonourProgramme.objects.create(
            bureau=bureau,
            name=name.strip(),
            level=level,
            period_start=period_start,
            period_end=period_end,
            quota=quota,
            criteria=(criteria or "").strip(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="honour.programme_create",
            obj=programme,
            after={"name": programme.name, "quota": quota, "period": [period_start, period_end]},
        )
    return programme


# A nomination is decided once approved, published or rejected: from then on the programme's terms
# are those the decision was taken under and stay as they are.
DECIDED = (NominationState.APPROVED, NominationState.PUBLISHED, NominationState.REJECTED)
OPEN_NOMINATIONS = (NominationState.SUBMITTED, NominationState.REVIEWED)
PROGRAMME_EDITABLE = ("name", "period_start", "period_end", "criteria", "quota")


def programme_update(*, actor, programme: HonourProgramme, today: dt.date | None = None, **changes):
    """Change a programme's name, period, criteria or quota while none of its nominations is decided
    (`DECIDED`); its level (persons or units) stays, as its nominations are of that kind. A new period
    gathers the record of each open nomination again for that period (the record covers the period
    the reviewers judge), recorded in the same audit entry."""
    can_keep_honours.refuse(actor, programme)
    honour_in_bureau.refuse(actor, programme)
    unknown = sorted(set(changes) - set(PROGRAMME_EDITABLE))
    if unknown:
        raise ValidationFailed(
            "提交的数据有误，请检查标出的字段。",
            code=PeopleError.INVALID,
            fields={k: ["该项不能修改。"] for k in unknown},
        )
    today = today or clock.today()
    with transaction.atomic():
        locked = HonourProgramme.objects.select_for_update().get(pk=programme.pk)
        if locked.nominations.filter(state__in=DECIDED).exists():
            raise Conflict("该评选已有推荐作出决定，不能再修改。", code=PeopleError.PROGRAMME_DECIDED)
        before = {k: getattr(locked, k) for k in PROGRAMME_EDITABLE}
        after = {**before, **changes}
        errors: dict[str, list[str]] = {}
        after["name"] = (after["name"] or "").strip()
        after["criteria"] = (after["criteria"] or "").strip()
        if not after["name"]:
            errors["name"] = ["此项为必填项。"]
        if after["period_start"] is None or after["period_end"] is None:
            errors["period_end"] = ["此项为必填项。"]
        elif after["period_end"] < after["period_start"]:
            errors["period_end"] = ["评选期间止不能早于评选期间起。"]
        if not isinstance(after["quota"], int) or after["quota"] < 1:
            errors["quota"] = ["名额至少为 1。"]
        if errors:
            raise ValidationFailed(
                "提交的数据有误，请检查标出的字段。", code=PeopleError.INVALID, fields=errors
            )
        changed = [k for k in PROGRAMME_EDITABLE if after[k] != before[k]]
        if not changed:
            return locked
        for k in changed:
            setattr(locked, k, after[k])
        locked.save(update_fields=changed)
        regathered = []
        if {"period_start", "period_end"} & set(changed):
            for n in locked.nominations.select_for_update().filter(state__in=OPEN_NOMINATIONS):
                n.record = selectors.nominee_record(
                    user=n.nominee, unit=n.nominee_unit, programme=locked, today=today
                )
                n.save(update_fields=["record", "updated_at"])
                regathered.append(n.pk)
        audit.record(
            actor=actor,
            action="honour.programme_update",
            obj=locked,
            before={k: before[k] for k in changed},
            after={
                **{k: after[k] for k in changed},
                **({"records_regathered": regathered} if regathered else {}),
            },
        )
    return locked


def nomination_submit(
    *,
    actor,
    programme: HonourProgramme,
    reason: str,
    nominee=None,
    nominee_unit=None,
    today: dt.date | None = None,
) -> Nomination:
    """A unit nominates one of its people (or itself, or a unit below it): the nominee's record is
    gathered from the registry, training, cases and deeds (`selectors.nominee_record`). A squad leader
    nominates within the squad; the bureau office anyone of the bureau."""
    from chengguan.org.permissions import in_unit

    can_nominate.refuse(actor, programme)
    honour_in_bureau.refuse(actor, programme)
    today = today or clock.today()
    profile = org_selectors.profile_of(actor)
    if (nominee is None) == (nominee_unit is None):
        raise ValidationFailed(
            "请选择被推荐的人员或单位。", code=PeopleError.INVALID, fields={"nominee": ["请选择。"]}
        )
    if (nominee is not None and programme.level != HonourLevel.PERSON) or (
        nominee_unit is not None and programme.level != HonourLevel.UNIT
    ):
        raise ValidationFailed(
            "被推荐对象与评选对象不符。", code=PeopleError.INVALID, fields={"nominee": ["对象不符。"]}
        )
    if not (reason or "").strip():
        raise ValidationFailed(
            "请填写推荐理由。", code=PeopleError.INVALID, fields={"reason": ["此项为必填项。"]}
        )
    if not programme.period_start <= today <= programme.period_end + dt.timedelta(days=60):
        raise Conflict("不在评选期间内，不能推荐。", code=PeopleError.NOT_IN_PERIOD)
    target_unit = nominee_unit or getattr(org_selectors.profile_of(nominee), "organisation", None)
    if target_unit is None or (
        target_unit.bureau_id != programme.bureau_id and target_unit.pk != programme.bureau_id
    ):
        raise ValidationFailed(
            "只能推荐本局的人员或单位。", code=PeopleError.NOT_STAFF, fields={"nominee": ["不是本局。"]}
        )
    bureau_wide = sees_the_whole_force(actor)
    if (
        not bureau_wide and not in_unit(nominee, profile.organisation)
        if nominee is not None
        else not bureau_wide and not target_unit.path.startswith(profile.organisation.path)
    ):
        raise PermissionDenied("只能推荐本单位的人员或单位。", code=PeopleError.FORBIDDEN)
    with transaction.atomic():
        locked = HonourProgramme.objects.select_for_update().get(pk=programme.pk)
        taken = locked.nominations.exclude(state__in=[NominationState.WITHDRAWN, NominationState.REJECTED])
        if taken.filter(nominee=nominee, nominee_unit=nominee_unit).exists():
            raise Conflict("该人员或单位已被推荐参加本次评选。", code=PeopleError.ALREADY_NOMINATED)
        nomination = Nomination.objects.create(
            programme=locked,
            nominee=nominee,
            nominee_unit=nominee_unit,
            nominating_unit=profile.organisation if profile else locked.bureau,
            nominated_by=actor,
            reason=reason.strip(),
            record=selectors.nominee_record(user=nominee, unit=nominee_unit, programme=locked, today=today),
        )
        audit.record(
            actor=actor,
            action="nomination.submit",
            obj=nomination,
            after={
                "programme": locked.pk,
                "nominee": getattr(nominee, "pk", None),
                "unit": getattr(nominee_unit, "pk", None),
            },
        )
    return nomination


def nomination_transition(*, actor, nomination: Nomination, action: str, payload: dict | None = None):
    """Review, approve (within the quota), publish, reject or withdraw (`states.NOMINATION_MACHINE`)."""
    return NOMINATION_MACHINE.apply(nomination, action, actor=actor, **dict(payload or {}))


def _clean_reports(reports) -> list[dict]:
    """Media reports as (outlet, date, link); each must name the outlet and a valid date."""
    cleaned, errors = [], []
    for k, r in enumerate(reports or []):
        outlet = str(r.get("outlet", "")).strip()
        link = str(r.get("link", "")).strip()
        try:
            on = dt.date.fromisoformat(str(r.get("date", "")).strip())
        except ValueError:
            on = None
        if not outlet or on is None or (link and not link.startswith(("http://", "https://"))):
            errors.append(f"第 {k + 1} 条报道须有媒体名称、日期，链接须以 http(s):// 开头。")
            continue
        cleaned.append({"outlet": outlet[:100], "date": on.isoformat(), "link": link[:500]})
    if errors:
        raise ValidationFailed("媒体报道有误。", code=PeopleError.INVALID, fields={"media_reports": errors})
    return cleaned


def deed_record(
    *,
    actor,
    bureau,
    title: str,
    what: str,
    happened_on: dt.date,
    place: str,
    people: list,
    witnesses: str = "",
    media_reports: list | None = None,
    photos: list | None = None,
    consent: bool = False,
    consent_note: str = "",
) -> Deed:
    """Write down a deed (先进事迹) as a draft: what, when, where, who, witnesses, photos and media
    reports, and whether the people agreed to its publication (their consent is needed to publish)."""
    can_record_deeds.refuse(actor, bureau)
    _bureau_of_actor(actor, bureau)
    errors: dict[str, list[str]] = {}
    for name, value in (("title", title), ("what", what), ("place", place)):
        if not (value or "").strip():
            errors[name] = ["此项为必填项。"]
    if happened_on is None:
        errors["happened_on"] = ["此项为必填项。"]
    if not people:
        errors["people"] = ["请选择当事人员。"]
    elif any(not same_bureau(u, bureau.pk) or org_selectors.profile_of(u) is None for u in people):
        errors["people"] = ["只能选择本局人员。"]
    if errors:
        raise ValidationFailed("提交的数据有误，请检查标出的字段。", code=PeopleError.INVALID, fields=errors)
    reports = _clean_reports(media_reports)
    blobs = []
    for upload in photos or []:
        upload.seek(0)
        data = upload.read(PHOTO_MAX_BYTES + 1)
        ext = next((e for magic, e in PHOTO_TYPES.items() if data.startswith(magic)), None)
        if ext is None or len(data) > PHOTO_MAX_BYTES:
            message = "照片须为 JPEG 或 PNG 文件，且不超过 10 MB。"
            raise ValidationFailed(message, code=PeopleError.BAD_PHOTO, fields={"photos": [message]})
        blobs.append((data, ext))
    with transaction.atomic():
        deed = Deed.objects.create(
            bureau=bureau,
            title=title.strip(),
            what=what.strip(),
            happened_on=happened_on,
            place=place.strip(),
            witnesses=(witnesses or "").strip(),
            media_reports=reports,
            consent=bool(consent),
            consent_note=(consent_note or "").strip(),
            recorded_by=actor,
        )
        deed.people.set(people)
        for data, ext in blobs:
            digest = hashlib.sha256(data).hexdigest()
            photo = DeedPhoto(deed=deed, sha256=digest)
            photo.file.save(f"{deed.pk}/{digest[:32]}.{ext}", ContentFile(data), save=False)
            photo.save()
        audit.record(
            actor=actor,
            action="deed.record",
            obj=deed,
            after={
                "title": deed.title,
                "people": sorted(u.pk for u in people),
                "consent": deed.consent,
                "photos": len(blobs),
            },
        )
    return deed


DEED_EDITABLE = ("title", "what", "happened_on", "place", "people", "witnesses", "media_reports")
APPROVED_DEEDS = (DeedState.APPROVED, DeedState.PUBLISHED)


def deed_update(*, actor, deed: Deed, **changes) -> Deed:
    """Correct a deed. Before approval (a draft, one awaiting approval, one not approved) it is simply
    changed. An approval is of what was written: an approved or published deed that is changed goes
    back for approval (待审核) and off the public page until it is approved and published again —
    nothing unapproved reaches the portal. When the people change, the consent recorded was theirs,
    not the new people's: it is cleared until recorded again."""
    can_record_deeds.refuse(actor, deed)
    honour_in_bureau.refuse(actor, deed)
    unknown = sorted(set(changes) - set(DEED_EDITABLE))
    if unknown:
        raise ValidationFailed(
            "提交的数据有误，请检查标出的字段。",
            code=PeopleError.INVALID,
            fields={k: ["该项不能修改。"] for k in unknown},
        )
    errors: dict[str, list[str]] = {}
    for name in ("title", "what", "place"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
            if not changes[name]:
                errors[name] = ["此项为必填项。"]
    if "witnesses" in changes:
        changes["witnesses"] = (changes["witnesses"] or "").strip()
    if "happened_on" in changes and changes["happened_on"] is None:
        errors["happened_on"] = ["此项为必填项。"]
    if "people" in changes:
        people = list(changes["people"] or [])
        if not people:
            errors["people"] = ["请选择当事人员。"]
        elif any(not same_bureau(u, deed.bureau_id) or org_selectors.profile_of(u) is None for u in people):
            errors["people"] = ["只能选择本局人员。"]
        changes["people"] = people
    if errors:
        raise ValidationFailed("提交的数据有误，请检查标出的字段。", code=PeopleError.INVALID, fields=errors)
    if "media_reports" in changes:
        changes["media_reports"] = _clean_reports(changes["media_reports"])
    with transaction.atomic():
        locked = Deed.objects.select_for_update().get(pk=deed.pk)
        old_people = sorted(locked.people.values_list("pk", flat=True))
        before: dict[str, Any] = {k: getattr(locked, k) for k in DEED_EDITABLE if k != "people"}
        before["people"] = old_people
        after = dict(before)
        for k, v in changes.items():
            after[k] = sorted(u.pk for u in v) if k == "people" else v
        changed = [k for k in DEED_EDITABLE if after[k] != before[k]]
        if not changed:
            return locked
        fields = [k for k in changed if k != "people"]
        for k in fields:
            setattr(locked, k, after[k])
        state_before = locked.state
        if locked.state in APPROVED_DEEDS:
            locked.state, locked.published_on, locked.decision_note = DeedState.SUBMITTED, None, ""
            fields += ["state", "published_on", "decision_note"]
        if "people" in changed and locked.consent:
            locked.consent, locked.consent_note = False, ""
            fields += ["consent", "consent_note"]
        locked.save(update_fields=[*fields, "updated_at"])
        if "people" in changed:
            locked.people.set(changes["people"])
        audit.record(
            actor=actor,
            action="deed.update",
            obj=locked,
            before={**{k: before[k] for k in changed}, "state": state_before},
            after={**{k: after[k] for k in changed}, "state": locked.state, "consent": locked.consent},
        )
    return locked


def deed_consent_record(*, actor, deed: Deed, consent: bool, note: str = "") -> Deed:
    """Record whether the people of a deed agree to its publication; withdrawing consent takes a
    published deed off the public page at once (it goes back to approved)."""
    can_record_deeds.refuse(actor, deed)
    honour_in_bureau.refuse(actor, deed)
    with transaction.atomic():
        locked = Deed.objects.select_for_update().get(pk=deed.pk)
        before = {"consent": locked.consent, "state": locked.state}
        locked.consent, locked.consent_note = bool(consent), (note or "").strip()
        fields = ["consent", "consent_note", "updated_at"]
        if not consent and locked.state == DeedState.PUBLISHED:
            locked.state, locked.published_on = DeedState.APPROVED, None
            fields += ["state", "published_on"]
        locked.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="deed.consent",
            obj=locked,
            before=before,
            after={"consent": locked.consent, "state": locked.state},
        )
    return locked


def deed_transition(*, actor, deed: Deed, action: str, payload: dict | None = None):
    """Submit, approve, reject, publish (with consent) or take down (`states.DEED_MACHINE`)."""
    return DEED_MACHINE.apply(deed, action, actor=actor, **dict(payload or {}))

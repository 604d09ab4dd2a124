"""A report sent from the field app: the closed loop's intake (`cases.services.case_report`, with
its idempotency key, so a queue sent twice files one case), plus what only the phone knows.

The phone computes each photo's SHA-256 before it queues the report; the server recomputes it from
the bytes it received and refuses the report when they differ (a photo damaged on the way), before
anything is written. The phone's capture time, position and GPS accuracy are kept beside the
server's receive time (`FieldReport`), and each photo's EXIF time and place are compared with them,
as the 核查 photo is compared with the case: disagreements are flagged, not refused.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.cases import services as case_services
from chengguan.cases.checks import distance_m
from chengguan.cases.models import Case, CaseEvidence, CaseSource, EvidenceStage
from chengguan.cases.states import FIELDS as CASE_FIELDS
from chengguan.core import audit, clock, evidence
from chengguan.core.errors import Conflict, NotFound, ValidationFailed
from chengguan.core.workflow import Invalid
from chengguan.field.errors import FieldError
from chengguan.field.models import FieldAction, FieldReport
from chengguan.field.selectors import TASK_ACTIONS
from chengguan.org.models import DeviceToken
from chengguan.org.permissions import uses_field_app

# A photo's EXIF time further than this from the device's capture time is flagged.
MAX_CLOCK_GAP = dt.timedelta(hours=1)


@dataclass(frozen=True)
class FieldResult:
    case: Case
    created: bool
    report: FieldReport


# A photo's EXIF as the device read it from the original (before compressing it) further than this
# in time, or than CASE_VERIFY_MAX_DISTANCE_M in place, from the EXIF of the bytes received.
MAX_EXIF_GAP = dt.timedelta(minutes=1)


def _device_exif(raw) -> dict:
    """`{"taken_at", "lon", "lat"}` from the JSON text the device sent for one photo (bad parts dropped)."""
    try:
        value = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except (ValueError, TypeError):
        return {}
    if not isinstance(value, dict):
        return {}
    out: dict = {}
    try:
        if value.get("taken_at"):
            out["taken_at"] = CASE_FIELDS["photo_taken_at"].clean(str(value["taken_at"]))
    except Invalid:  # an unreadable time is no time
        pass
    try:
        lon, lat = float(value["lon"]), float(value["lat"])
        if -180 <= lon <= 180 and -90 <= lat <= 90:
            out["lon"], out["lat"] = lon, lat
    except (KeyError, TypeError, ValueError):
        pass
    return out


def with_device_exif(info: evidence.EvidenceInfo, raw) -> list[str]:
    """A photo compressed on the device has lost its EXIF: the time and place the device read from the
    original before compressing are kept instead (so the EXIF checks still mean something). Where
    the received bytes still carry EXIF, they win, and a disagreement with the device is flagged."""
    declared = _device_exif(raw)
    if not declared:
        return []
    if info.taken_at is None and info.lon is None:
        info.taken_at = declared.get("taken_at")
        info.lon, info.lat = declared.get("lon"), declared.get("lat")
        return ["exif_from_device"]
    flags = []
    said = declared.get("taken_at")
    if said and info.taken_at and abs(said - info.taken_at) > MAX_EXIF_GAP:
        flags.append("exif_mismatch:time")
    if "lon" in declared and info.lon is not None and info.lat is not None:
        limit = getattr(settings, "CASE_VERIFY_MAX_DISTANCE_M", 100)
        if distance_m(declared["lon"], declared["lat"], info.lon, info.lat) > limit:
            flags.append("exif_mismatch:place")
    return flags


def _checked_photos(
    photos: Sequence, hashes: Sequence[str], exif: Sequence = ()
) -> tuple[list[evidence.EvidenceInfo], list[list[str]]]:
    """Each upload inspected, its SHA-256 matched against the one the device computed (the hash of
    the bytes sent, after any compression), with the EXIF the device read from its original."""
    if len(hashes) != len(photos):
        message = _("每张照片须附设备计算的 SHA-256 校验值。")
        raise ValidationFailed(
            message, code=FieldError.PHOTO_HASH_MISSING, fields={"photo_sha256": [message]}
        )
    infos = []
    for upload, declared in zip(photos, hashes, strict=True):
        info = evidence.inspect_upload(upload, allowed_kinds=("photo",))
        if info.sha256 != declared.strip().lower():
            message = _("照片在传输中损坏（校验值不符），请重新发送。")
            raise ValidationFailed(message, code=FieldError.PHOTO_HASH_MISMATCH, fields={"photos": [message]})
        infos.append(info)
    notes = [with_device_exif(info, exif[n] if n < len(exif) else None) for n, info in enumerate(infos)]
    return infos, notes


def exif_flags(item: CaseEvidence, *, captured_at, lon, lat) -> list[str]:
    """Where a report photo's EXIF disagrees with the device (flags in the 核查 photo's words)."""
    flags = []
    max_distance = getattr(settings, "CASE_VERIFY_MAX_DISTANCE_M", 100)
    if item.lon is None or item.lat is None:
        flags.append("no_position")
    elif lon is not None and lat is not None:
        distance = distance_m(lon, lat, item.lon, item.lat)
        if distance > max_distance:
            flags.append(f"far:{round(distance)}m")
    if item.taken_at is None:
        flags.append("no_time")
    elif captured_at is not None and abs(item.taken_at - captured_at) > MAX_CLOCK_GAP:
        flags.append("clock_gap")
    return flags


def field_report(
    *,
    actor,
    idempotency_key: str,
    category: str,
    description: str,
    lon: float | None = None,
    lat: float | None = None,
    accuracy_m: float | None = None,
    captured_at: dt.datetime | None = None,
    address: str = "",
    photos: Sequence = (),
    photo_sha256: Sequence[str] = (),
    photo_exif: Sequence[str] = (),
    device: DeviceToken | None = None,
    client_address: str = "",
) -> FieldResult:
    """上报 from the field app; a retry with the same key returns the first case and its record."""
    uses_field_app.refuse(actor)
    key = (idempotency_key or "").strip()
    if not key:
        message = _("外勤应用的上报须带幂等键。")
        raise ValidationFailed(message, code=FieldError.KEY_REQUIRED, fields={"idempotency_key": [message]})
    infos, notes = _checked_photos(photos, photo_sha256, photo_exif)
    with transaction.atomic():
        result = case_services.case_report(
            actor=actor,
            source=CaseSource.PATROL,
            category=category,
            description=description,
            lon=lon,
            lat=lat,
            address=address,
            idempotency_key=key,
            photos=infos,
            client_address=client_address,
        )
        if not result.created:
            existing = FieldReport.objects.filter(case=result.case).first()
            if existing is not None:
                return FieldResult(result.case, False, existing)
        stored = CaseEvidence.objects.filter(case=result.case, stage=EvidenceStage.REPORT).order_by("id")
        flags = [
            f"{item.pk}:{flag}"
            for n, item in enumerate(stored)
            for flag in [
                *exif_flags(item, captured_at=captured_at, lon=lon, lat=lat),
                *(notes[n] if n < len(notes) else []),
            ]
        ]
        report = FieldReport.objects.create(
            case=result.case,
            device=device,
            idempotency_key=key,
            captured_at=captured_at,
            lon=lon,
            lat=lat,
            accuracy_m=accuracy_m,
            received_at=clock.now(),
            exif_flags=flags,
        )
        audit.record(
            actor=actor,
            action="field.report_received",
            obj=result.case,
            after={
                "captured_at": captured_at.isoformat() if captured_at else None,
                "accuracy_m": accuracy_m,
                "device": device.pk if device else None,
                "exif_flags": flags,
            },
        )
    return FieldResult(result.case, result.created, report)


@dataclass(frozen=True)
class ActionResult:
    record: FieldAction
    case: Case
    replayed: bool


def field_case_action(
    *,
    actor,
    case: Case,
    action: str,
    idempotency_key: str,
    photos: Sequence = (),
    photo_sha256: Sequence[str] = (),
    photo_exif: Sequence[str] = (),
    captured_at: dt.datetime | None = None,
    device: DeviceToken | None = None,
    **data,
) -> ActionResult:
    """A step on a case queued on the phone, taken through the case machine (`case_transition`: the
    same rule as on the workbench). A resend with the same key is answered with the first result and
    takes no second step; when the case moved on meanwhile the machine's 409 stands."""
    uses_field_app.refuse(actor)
    if action not in TASK_ACTIONS:
        raise NotFound(_("外勤应用不办理该操作。"), code=FieldError.NOT_A_TASK)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        message = _("外勤应用的上报须带幂等键。")
        raise ValidationFailed(message, code=FieldError.KEY_REQUIRED, fields={"idempotency_key": [message]})
    infos, notes = _checked_photos(photos, photo_sha256, photo_exif)
    with transaction.atomic():
        # One step at a time on this case: a resend racing its first attempt waits here, then finds it.
        Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).order_by().first()
        done = FieldAction.objects.filter(user=actor, idempotency_key=key).select_related("case").first()
        if done is not None:
            if done.case_id != case.pk or done.action != action:
                raise Conflict(_("该幂等键已用于另一项操作。"), code=FieldError.KEY_REUSED)
            return ActionResult(done, Case.objects.get(pk=case.pk), True)
        payload = dict(data)
        if action == "handle":
            payload["photos"] = infos
        elif infos:
            payload["photo"] = infos[0]
        saved = case_services.case_transition(actor=actor, case=case.pk, action=action, **payload)
        record = FieldAction.objects.create(
            user=actor,
            device=device,
            idempotency_key=key,
            case=saved,
            action=action,
            state_after=saved.state,
            captured_at=captured_at,
            received_at=clock.now(),
            exif_flags=[flag for photo in notes for flag in photo],
        )
    return ActionResult(record, saved, False)

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
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.cases import services as case_services
from chengguan.cases.checks import distance_m
from chengguan.cases.models import Case, CaseEvidence, CaseSource, EvidenceStage
from chengguan.core import audit, clock, evidence
from chengguan.core.errors import ValidationFailed
from chengguan.field.errors import FieldError
from chengguan.field.models import FieldReport
from chengguan.org.models import DeviceToken
from chengguan.org.permissions import uses_field_app

# A photo's EXIF time further than this from the device's capture time is flagged.
MAX_CLOCK_GAP = dt.timedelta(hours=1)


@dataclass(frozen=True)
class FieldResult:
    case: Case
    created: bool
    report: FieldReport


def _checked_photos(photos: Sequence, hashes: Sequence[str]) -> list[evidence.EvidenceInfo]:
    """Each upload inspected, its SHA-256 matched against the one the device computed."""
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
    return infos


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
    device: DeviceToken | None = None,
    client_address: str = "",
) -> FieldResult:
    """上报 from the field app; a retry with the same key returns the first case and its record."""
    uses_field_app.refuse(actor)
    key = (idempotency_key or "").strip()
    if not key:
        message = _("外勤应用的上报须带幂等键。")
        raise ValidationFailed(message, code=FieldError.KEY_REQUIRED, fields={"idempotency_key": [message]})
    infos = _checked_photos(photos, photo_sha256)
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
        stored = CaseEvidence.objects.filter(case=result.case, stage=EvidenceStage.REPORT)
        flags = [
            f"{item.pk}:{flag}"
            for item in stored
            for flag in exif_flags(item, captured_at=captured_at, lon=lon, lat=lat)
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

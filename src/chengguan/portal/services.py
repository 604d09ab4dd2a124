"""Writes of the public channel: Open311 client keys, requests posted by clients, feedback and
callback records. Each runs in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.services import case_report
from chengguan.cases.states import CaseState
from chengguan.core import audit, clock
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation
from chengguan.org.roles import STAFF_ROLES
from chengguan.portal.models import (
    Callback,
    Feedback,
    FeedbackMethod,
    Open311Client,
    Open311Submission,
    Rating,
)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    client: Open311Client
    key: str  # shown once; only its hash is stored


def open311_client_create(*, actor, name: str, bureau: Organisation | None = None) -> IssuedKey:
    """Issue a key to a client application. The key itself is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写应用名称。", code="open311.missing_name", fields={"name": ["必填"]})
    if Open311Client.objects.filter(name=name).exists():
        raise Conflict(f"应用“{name}”已存在。", code="open311.duplicate_client")
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = Open311Client.objects.create(
            name=name, key_prefix=key[:8], key_hash=hash_key(key), bureau=bureau, created_at=clock.now()
        )
        audit.record(actor=actor, action="open311.client_create", obj=client, after={"name": name})
    return IssuedKey(client, key)


def open311_client_revoke(*, actor, client: Open311Client) -> Open311Client:
    """Stop a client's key from working; the requests it sent stay."""
    with transaction.atomic():
        locked = Open311Client.objects.select_for_update().get(pk=client.pk)
        if locked.active:
            locked.active = False
            locked.save(update_fields=["active"])
            audit.record(
                actor=actor,
                action="open311.client_revoke",
                obj=locked,
                before={"active": True},
                after={"active": False},
            )
    return locked


def open311_request_create(
    *,
    client: Open311Client,
    service_code: str,
    description: str,
    lat=None,
    lon=None,
    address: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    email: str = "",
    device_id: str = "",
    account_id: str = "",
    media_url: str = "",
    media=None,
) -> Open311Submission:
    """A request from a client application becomes a case with source `open311` (reported by the
    system on the client's behalf). The client's extra fields are kept beside the case."""
    with transaction.atomic():
        result = case_report(
            actor=None,
            source=CaseSource.OPEN311,
            category=service_code,
            description=description,
            lon=lon,
            lat=lat,
            address=address,
            reporter_name=f"{last_name or ''}{first_name or ''}".strip(),
            reporter_phone=phone,
            photos=[media] if media else (),
            bureau=client.bureau,
        )
        submission = Open311Submission.objects.create(
            case=result.case,
            client=client,
            token=secrets.token_hex(16),
            email=(email or "").strip()[:200],
            device_id=(device_id or "").strip()[:100],
            account_id=(account_id or "").strip()[:100],
            media_url=(media_url or "").strip()[:500],
            created_at=clock.now(),
        )
        audit.record(
            actor=None,
            action="open311.request",
            obj=result.case,
            after={"client": client.name, "token": submission.token},
        )
    return submission


def _check_staff(actor, case: Case) -> None:
    if not org_selectors.role_codes(actor) & STAFF_ROLES:
        raise PermissionDenied("只有工作人员可以登记反馈和回访。", code="portal.staff_only")
    if not getattr(actor, "is_superuser", False):
        bureau = org_selectors.bureau_of(actor)
        if bureau is None or bureau.pk != case.bureau_id:
            raise PermissionDenied("该案件不在您的管辖范围内。", code="portal.out_of_scope")


def _moment(at: dt.datetime | None) -> dt.datetime:
    now = clock.now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise ValidationFailed("时间须带时区。", code="portal.naive_time", fields={"at": ["时间须带时区。"]})
    if at > now:
        raise ValidationFailed(
            "时间不能晚于现在。", code="portal.future_time", fields={"at": ["不能晚于现在"]}
        )
    return at


def feedback_record(
    *, actor, case: Case, method: str, content: str, at: dt.datetime | None = None
) -> Feedback:
    """反馈: record that the reporter was told the result, how and what they were told."""
    _check_staff(actor, case)
    if method not in FeedbackMethod.values:
        raise ValidationFailed("反馈方式无效。", code="portal.bad_method", fields={"method": ["无效"]})
    content = (content or "").strip()
    if not content:
        raise ValidationFailed("请填写反馈内容。", code="portal.missing_fields", fields={"content": ["必填"]})
    moment = _moment(at)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == CaseState.REPORTED:
            raise Conflict("案件尚未受理，不能反馈结果。", code="portal.not_yet_accepted")
        item = Feedback.objects.create(case=locked, method=method, content=content, at=moment, officer=actor)
        audit.record(
            actor=actor,
            action="case.feedback",
            obj=locked,
            after={"feedback": item.pk, "method": method, "at": moment},
        )
    return item


def callback_record(
    *, actor, case: Case, rating: str, comment: str = "", at: dt.datetime | None = None
) -> Callback:
    """回访: the reporter's rating of a closed case, asked by phone."""
    _check_staff(actor, case)
    if rating not in Rating.values:
        raise ValidationFailed("评价等级无效。", code="portal.bad_rating", fields={"rating": ["无效"]})
    moment = _moment(at)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != CaseState.CLOSED:
            raise Conflict("案件结案后才能回访。", code="portal.not_closed")
        item = Callback.objects.create(
            case=locked, rating=rating, comment=(comment or "").strip()[:500], at=moment, officer=actor
        )
        audit.record(
            actor=actor,
            action="case.callback",
            obj=locked,
            after={"callback": item.pk, "rating": rating, "at": moment},
        )
    return item

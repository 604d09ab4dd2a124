"""Writes of the public channel: Open311 client keys, requests posted by clients, feedback and
callback records. Each runs in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.services import case_report, case_transition
from chengguan.cases.states import Action, CaseState
from chengguan.core import audit, clock, coords, evidence, phones
from chengguan.core.errors import Conflict, EvidenceError, ValidationFailed
from chengguan.feedback.models import Callback, Feedback, FeedbackMethod, Rating
from chengguan.org.models import Organisation, OrgKind
from chengguan.org.system import system_actor
from chengguan.portal import public_categories
from chengguan.portal.errors import Open311ClientError, PortalError
from chengguan.portal.models import (
    CallbackReview,
    Open311Client,
    Open311Submission,
    PublicReport,
    ReviewDecision,
)
from chengguan.portal.permissions import can_manage_open311_clients, can_record_feedback, can_review_callback


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    client: Open311Client
    key: str  # shown once; only its hash is stored


def open311_client_create(*, actor, name: str, bureau: Organisation | None = None) -> IssuedKey:
    """Issue a key to a client application. The key itself is returned once and never stored."""
    can_manage_open311_clients.refuse(actor, bureau)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("请填写应用名称。"), code=Open311ClientError.MISSING_NAME, fields={"name": [_("必填")]}
        )
    if Open311Client.objects.filter(name=name).exists():
        raise Conflict(_("应用“%(name)s”已存在。") % {"name": name}, code=Open311ClientError.DUPLICATE_CLIENT)
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
        can_manage_open311_clients.refuse(actor, locked.bureau)
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
    attributes: Mapping[str, str] | None = None,
    client_address: str = "",
    idempotency_key: str | None = None,
) -> Open311Submission:
    """A request from a client application becomes a case with source `open311` (reported by the
    system on the client's behalf). The client's extra fields are kept beside the case; `attributes`
    are its service attributes, the case's intake attributes (`cases.models.INTAKE_ATTRIBUTES`). A
    retry with the same `Idempotency-Key` returns the first request, but only for the same client
    application and device (or address, without a device id): two reporters never get each other's."""
    actor = system_actor(client.bureau)
    with transaction.atomic():
        result = case_report(
            actor=actor,
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
            client_address=client_address,
            idempotency_key=idempotency_key,
            client_scope=f"open311:{client.pk}:{device_id or client_address}",
            **(attributes or {}),
        )
        if not result.created:
            return result.case.open311
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
            actor=actor,
            action="open311.request",
            obj=result.case,
            after={"client": client.name, "token": submission.token},
        )
    return submission


def _check_staff(actor, case: Case) -> None:
    can_record_feedback.refuse(actor, case)


def _moment(at: dt.datetime | None) -> dt.datetime:
    now = clock.now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise ValidationFailed(
            _("时间须带时区。"), code=PortalError.NAIVE_TIME, fields={"at": [_("时间须带时区。")]}
        )
    if at > now:
        raise ValidationFailed(
            _("时间不能晚于现在。"), code=PortalError.FUTURE_TIME, fields={"at": [_("不能晚于现在")]}
        )
    return at


def feedback_record(
    *, actor, case: Case, method: str, content: str, at: dt.datetime | None = None
) -> Feedback:
    """反馈: record that the reporter was told the result, how and what they were told."""
    _check_staff(actor, case)
    if method not in FeedbackMethod.values:
        raise ValidationFailed(
            _("反馈方式无效。"), code=PortalError.BAD_METHOD, fields={"method": [_("无效")]}
        )
    content = (content or "").strip()
    if not content:
        raise ValidationFailed(
            _("请填写反馈内容。"), code=PortalError.MISSING_FIELDS, fields={"content": [_("必填")]}
        )
    moment = _moment(at)
    return _record_on_case(
        actor,
        case,
        lambda state: state != CaseState.REPORTED,
        lambda: Conflict(_("案件尚未受理，不能反馈结果。"), code=PortalError.NOT_YET_ACCEPTED),
        lambda locked: Feedback.objects.create(
            case=locked, method=method, content=content, at=moment, officer=actor
        ),
        lambda item: ("case.feedback", {"feedback": item.pk, "method": method, "at": moment}),
    )


def callback_record(
    *, actor, case: Case, rating: str, comment: str = "", at: dt.datetime | None = None
) -> Callback:
    """回访: the reporter's rating of a closed case, asked by phone."""
    _check_staff(actor, case)
    if rating not in Rating.values:
        raise ValidationFailed(
            _("评价等级无效。"), code=PortalError.BAD_RATING, fields={"rating": [_("无效")]}
        )
    moment = _moment(at)
    return _record_on_case(
        actor,
        case,
        lambda state: state == CaseState.CLOSED,
        lambda: Conflict(_("案件结案后才能回访。"), code=PortalError.NOT_CLOSED),
        lambda locked: Callback.objects.create(
            case=locked, rating=rating, comment=(comment or "").strip()[:500], at=moment, officer=actor
        ),
        lambda item: ("case.callback", {"callback": item.pk, "rating": rating, "at": moment}),
    )


def _record_on_case(actor, case: Case, allowed, refusal, create, audited):
    """What the staff record on a case (反馈, 回访), in one transaction: lock the case, refuse unless
    `allowed(state)`, `create(locked)` the record and audit it as `audited(item)` says."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not allowed(locked.state):
            raise refusal()
        item = create(locked)
        action, after = audited(item)
        audit.record(actor=actor, action=action, obj=locked, after=after)
    return item


# -- the citizen's side: report, rate --------------------------------------------------------------

# No 0/O, 1/I/L: the code is read off a phone screen and typed back in.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 6
MAX_PUBLIC_PHOTOS = 3
MAX_PUBLIC_PHOTO_SIZE = 10 * evidence.MB
MAX_COMMENT = 500
PHONE_ERROR = gettext_lazy("请填写正确的手机号或固定电话，也可以不填。")


@dataclass(frozen=True)
class SubmittedReport:
    report: PublicReport
    query_code: str  # shown once to the reporter; only its keyed hash is stored


def query_code_hash(number: str, code: str, *, key: str | None = None) -> str:
    """Keyed with the portal's own key (PORTAL_QUERY_CODE_KEY), so a copy of the table alone does not
    let anyone try codes offline."""
    return salted_hmac(
        "chengguan.portal.query_code",
        f"{number}:{code.strip().upper()}",
        secret=key or settings.PORTAL_QUERY_CODE_KEY,
    ).hexdigest()


def query_code_matches(stored: str, number: str, code: str) -> bool:
    """Whether `code` is the query code of `stored`, under the current key or one it replaced. Every
    key is tried whatever the outcome, so the answer takes the same time."""
    keys = [settings.PORTAL_QUERY_CODE_KEY, *settings.PORTAL_QUERY_CODE_KEY_FALLBACKS]
    results = [constant_time_compare(stored, query_code_hash(number, code, key=key)) for key in keys]
    return any(results)


def _check_public_photos(photos) -> list:
    """Public uploads: photos only (no video or audio), at most three, at most 10 MB each; the
    pixel-size checks of `core.evidence` apply on top."""
    uploads = [p for p in photos if p]
    if len(uploads) > MAX_PUBLIC_PHOTOS:
        message = _("最多上传 %(n)s 张照片。") % {"n": MAX_PUBLIC_PHOTOS}
        raise ValidationFailed(message, code=PortalError.TOO_MANY_PHOTOS, fields={"photos": [message]})
    for upload in uploads:
        if (getattr(upload, "size", 0) or 0) > MAX_PUBLIC_PHOTO_SIZE:
            message = _("照片不能超过 10 MB。")
            raise ValidationFailed(message, code=EvidenceError.TOO_LARGE, fields={"photos": [message]})
        try:
            evidence.inspect_upload(upload, allowed_kinds=("photo",))
        except ValidationFailed as exc:
            message = (
                _("只能上传 JPEG、PNG 或 WebP 格式的照片。")
                if exc.code == EvidenceError.BAD_TYPE
                else exc.message
            )
            raise ValidationFailed(message, code=exc.code, fields={"photos": [message]}) from exc
        upload.seek(0)
    return uploads


def public_report_submit(
    *,
    public_category: str,
    description: str,
    lon=None,
    lat=None,
    crs: str = "wgs84",
    address: str = "",
    phone: str = "",
    photos=(),
    client_address: str = "",
) -> SubmittedReport:
    """市民上报 on the portal, anonymous or with a phone number: a case with source `citizen` and a
    query code for tracking it. The intake limiter (`core.limits`, in `case_report`) counts it per
    client address and phone number."""
    phone_number = phones.normalise(phone)
    if phone_number is None:
        raise ValidationFailed(PHONE_ERROR, code=PortalError.BAD_PHONE, fields={"phone": [PHONE_ERROR]})
    chosen = public_categories.by_key(public_category or "")
    if chosen is None:
        message = _("请选择问题类型。")
        raise ValidationFailed(message, code=PortalError.BAD_CATEGORY, fields={"public_category": [message]})
    if crs not in coords.CRS_CHOICES:
        raise ValidationFailed(
            _("坐标系无效。"), code=PortalError.BAD_CRS, fields={"crs": [_("坐标系无效。")]}
        )
    uploads = _check_public_photos(photos)
    entry, category = chosen
    # A report with only an address belongs to the installation's bureau when there is just one;
    # with several, the pin decides (case_report refuses a report it cannot place).
    bureaus = list(Organisation.objects.filter(kind=OrgKind.BUREAU)[:2])
    code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(QUERY_CODE_LENGTH))
    with transaction.atomic():
        result = case_report(
            actor=None,
            source=CaseSource.CITIZEN,
            category=category,
            description=description,
            lon=lon,
            lat=lat,
            crs=crs,
            address=address,
            reporter_phone=phone_number,
            photos=uploads,
            bureau=bureaus[0] if len(bureaus) == 1 else None,
            client_address=client_address,
        )
        report = PublicReport.objects.create(
            case=result.case,
            public_category=entry.key,
            query_code_hash=query_code_hash(result.case.number, code),
            created_at=clock.now(),
        )
        audit.record(
            actor=None,
            action="portal.report",
            obj=result.case,
            after={
                "public_category": entry.key,
                "crs": crs,
                "photos": len(uploads),
                "phone": bool(phone_number),
            },
            client_address=client_address or None,
        )
    return SubmittedReport(report, code)


def public_rating_submit(*, report: PublicReport, rating: str, comment: str = "") -> Callback:
    """The reporter rates a closed case on the portal (回访, method portal): once per case."""
    if rating not in Rating.values:
        raise ValidationFailed(
            _("请选择满意程度。"), code=PortalError.BAD_RATING, fields={"rating": [_("请选择满意程度。")]}
        )
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        message = _("评价内容不能超过 %(n)s 字。") % {"n": MAX_COMMENT}
        raise ValidationFailed(message, code=PortalError.TOO_LONG, fields={"comment": [message]})
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=report.case_id)
            if case.state != CaseState.CLOSED:
                raise Conflict(_("问题办结后才能评价。"), code=PortalError.NOT_CLOSED)
            if Callback.objects.filter(case=case, method=FeedbackMethod.PORTAL).exists():
                raise Conflict(_("您已评价过此问题，感谢您的反馈。"), code=PortalError.ALREADY_RATED)
            item = Callback.objects.create(
                case=case, rating=rating, comment=comment, method=FeedbackMethod.PORTAL, at=clock.now()
            )
            audit.record(
                actor=None,
                action="case.callback",
                obj=case,
                after={"callback": item.pk, "rating": rating, "method": FeedbackMethod.PORTAL, "at": item.at},
            )
    except IntegrityError as exc:  # two ratings sent at once: the unique constraint keeps one
        raise Conflict(_("您已评价过此问题，感谢您的反馈。"), code=PortalError.ALREADY_RATED) from exc
    return item


# -- 回访复核: leaders decide on "不满意" ratings ----------------------------------------------------


def callback_review_decide(*, actor, callback: Callback, decision: str, note: str) -> CallbackReview:
    """回访复核: a "不满意" rating is either sent back to the handling unit (the case's `reopen`
    transition, with the note as its reason) or answered with an explanation that the result stands."""
    can_review_callback.refuse(actor, callback)
    if decision not in ReviewDecision.values:
        raise ValidationFailed(
            _("请选择处理方式。"), code=PortalError.BAD_DECISION, fields={"decision": [_("请选择处理方式。")]}
        )
    note = (note or "").strip()
    if not note:
        message = _("请填写重新交办的原因或解释说明。")
        raise ValidationFailed(message, code=PortalError.MISSING_FIELDS, fields={"note": [message]})
    with transaction.atomic():
        locked = Callback.objects.select_for_update().select_related("case").get(pk=callback.pk)
        if locked.rating != Rating.DISSATISFIED:
            raise Conflict(_("只有不满意的评价需要复核。"), code=PortalError.NOT_DISSATISFIED)
        if CallbackReview.objects.filter(callback=locked).exists():
            raise Conflict(_("该评价已复核。"), code=PortalError.ALREADY_REVIEWED)
        if decision == ReviewDecision.REOPEN:
            case_transition(actor=actor, case=locked.case, action=Action.REOPEN, reason=note)
        review = CallbackReview.objects.create(
            callback=locked, decision=decision, note=note, decided_by=actor, decided_at=clock.now()
        )
        audit.record(
            actor=actor,
            action="callback.review",
            obj=locked.case,
            after={"callback": locked.pk, "decision": decision, "note": note},
        )
    return review

"""Every write of the outreach app: one function per use case, permission checked and audited in its
transaction. The public's registration has no account behind it: the project's one limiter
(`core.limits`), the activity's state, quota and closing time decide, and registering twice gives
back the first registration."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from chengguan.core import audit, clock, evidence, limits, phones
from chengguan.core.errors import Conflict, NotFound, ValidationFailed
from chengguan.core.filters import MAX_YEAR, MIN_YEAR
from chengguan.org.models import Organisation
from chengguan.outreach.errors import (
    ActivityError,
    BroadcastError,
    MediaError,
    RecordingError,
    VolunteerError,
)
from chengguan.outreach.models import (
    Activity,
    ActivityKind,
    ActivityPhoto,
    ActivityState,
    Broadcast,
    BroadcastCase,
    BroadcastOperation,
    CommentHighlight,
    MediaReport,
    Platform,
    Recording,
    RecordingState,
    Registration,
    ServiceCertificate,
    ServiceHours,
    Tone,
    ViewerSample,
    Volunteer,
)
from chengguan.outreach.permissions import can_organise_activities, can_run_broadcasts
from chengguan.outreach.states import ACTIVITY_MACHINE, BROADCAST_MACHINE

# 个人信息保护法 第三十一条: a child under fourteen is a minor whose data need the guardian's consent.
GUARDIAN_AGE = 14
CHUNK = 1024 * 1024  # how much of a recording is read at a time, hashing or copying
MAX_CHUNK = 64 * 1024 * 1024  # one uploaded part
MAX_RECORDING = 64 * 1024**3
# 直播录像 kept as evidence: at least as long as the case files it may support (two years by default).
DEFAULT_RETENTION_DAYS = 2 * 365


class _Errors:
    def __init__(self, code: str, message: str):
        self.code, self.message, self.fields = code, message, {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.message, code=self.code, fields=self.fields)


def _text(value, field: str, errors: _Errors, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.add(field, _("此项为必填项。"))
    elif len(value) > limit:
        errors.add(field, _("不超过 %(n)s 字。") % {"n": limit})
    return value[:limit]


def _plausible(moments: dict, errors: _Errors) -> None:
    """Times within the years the bureau's records are kept in (1990–2100): a time of the year 1276
    is a typing slip, and Beijing's local mean time of then has an offset no reader expects."""
    for field, moment in moments.items():
        if moment is not None and not (MIN_YEAR <= moment.astimezone(clock.SHANGHAI).year <= MAX_YEAR):
            errors.add(field, _("年度须为 1990 到 2100 之间的整数。"))


def _phone(value, field: str, errors: _Errors, *, required: bool = True) -> str:
    phone = phones.normalise(value)
    if phone is None or (required and not phone):
        errors.add(field, _("请填写有效的手机或固定电话号码。"))
        return ""
    return phone


# -- activities -------------------------------------------------------------------------------------


def activity_create(
    *,
    actor,
    bureau: Organisation,
    kind: str,
    title: str,
    plan: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    quota: int,
    registration_closes_at: dt.datetime,
) -> Activity:
    """An activity with its plan, planned until it is published for registration."""
    can_organise_activities.refuse(actor, Activity(bureau=bureau), action=_("组织开放活动"))
    errors = _Errors(ActivityError.INVALID, _("活动的数据有误（逐项说明）。"))
    if kind not in ActivityKind.values:
        errors.add("kind", _("请选择活动类型。"))
    title = _text(title, "title", errors, limit=100)
    plan = _text(plan, "plan", errors, limit=8000)
    place = _text(place, "place", errors, limit=100)
    if starts_at is None or ends_at is None or ends_at < starts_at:
        errors.add("ends_at", _("结束时间不能早于开始时间。"))
    if registration_closes_at is None or (starts_at is not None and registration_closes_at > starts_at):
        errors.add("registration_closes_at", _("报名须在活动开始前截止。"))
    if not isinstance(quota, int) or quota < 1 or quota > 10000:
        errors.add("quota", _("名额须为 1 到 10000 之间的整数。"))
    _plausible(
        {"starts_at": starts_at, "ends_at": ends_at, "registration_closes_at": registration_closes_at}, errors
    )
    errors.raise_if_any()
    with transaction.atomic():
        activity = Activity.objects.create(
            bureau=bureau,
            kind=kind,
            title=title,
            plan=plan,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            quota=quota,
            registration_closes_at=registration_closes_at,
            created_by=actor,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="activity.create",
            obj=activity,
            after={
                "title": title,
                "kind": kind,
                "quota": quota,
                "closes": registration_closes_at.isoformat(),
            },
        )
    return activity


def activity_transition(*, actor, activity: Activity, action: str, **data) -> Activity:
    return ACTIVITY_MACHINE.apply(activity, action, actor=actor, **data)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _person_key(activity: Activity, name: str, id_number: str, phone: str, birth: dt.date | None) -> str:
    who = f"id:{id_number}" if id_number else f"np:{name}:{phone}:{birth}"
    return hashlib.sha256(f"{activity.pk}:{who}".encode()).hexdigest()


def registration_submit(
    *,
    activity: Activity | int,
    name: str,
    phone: str,
    id_number: str = "",
    birth_date: dt.date | None = None,
    guardian_name: str = "",
    guardian_phone: str = "",
    guardian_consent: bool = False,
    client_address: str = "",
) -> tuple[Registration, bool]:
    """报名 from the portal: refused (nothing written) when the activity is not open, past its closing
    time or full; a child under 14 (age from the ID number, else the birth date, on the day of the
    activity) only through a guardian who consents (个人信息保护法 第三十一条). The same person again
    gets their registration back (`created` False), counting neither against the quota nor the limit."""
    limits.refuse_if_exhausted(signup_ip=client_address)
    errors = _Errors(ActivityError.BAD_PERSON, _("报名信息有误（逐项说明）。"))
    name = _text(name, "name", errors, limit=50)
    phone = _phone(phone, "phone", errors)
    id_number = (id_number or "").strip().upper()
    if id_number:
        try:
            id_number = ric.validate(id_number)
            birth_date = ric.get_birth_date(id_number)
        except StdnumError:
            errors.add("id_number", _("公民身份号码无效（GB 11643）。"))
    if birth_date is None and "id_number" not in errors.fields:
        errors.add("birth_date", _("请填写身份证号或出生日期。"))
    errors.raise_if_any()
    with transaction.atomic():
        pk = activity.pk if isinstance(activity, Activity) else activity
        locked = Activity.objects.select_for_update().filter(pk=pk).first()
        if locked is None or locked.state == ActivityState.PLANNED:
            raise NotFound(_("活动不存在或您无权查看。"), code=ActivityError.NOT_FOUND)
        key = _person_key(locked, name, id_number, phone, birth_date)
        existing = Registration.objects.filter(activity=locked, person_key=key).first()
        if existing is not None:
            return existing, False
        now = clock.now()
        if locked.state != ActivityState.OPEN:
            raise Conflict(_("该活动目前不接受报名。"), code=ActivityError.NOT_OPEN)
        if now > locked.registration_closes_at:
            raise Conflict(_("报名已截止，感谢关注。"), code=ActivityError.CLOSED)
        if birth_date > now.date():
            raise ValidationFailed(
                _("报名信息有误（逐项说明）。"),
                code=ActivityError.BAD_PERSON,
                fields={"birth_date": [_("出生日期不能晚于今天。")]},
            )
        minor = _age_on(birth_date, locked.starts_at.astimezone(clock.SHANGHAI).date()) < GUARDIAN_AGE
        if minor:
            guardian = _Errors(
                ActivityError.GUARDIAN_CONSENT,
                _(
                    "不满十四周岁的未成年人须由监护人代为报名并同意处理其个人信息（《个人信息保护法》第三十一条）。"
                ),
            )
            guardian_name = _text(guardian_name, "guardian_name", guardian, limit=50)
            guardian_phone = _phone(guardian_phone, "guardian_phone", guardian)
            if not guardian_consent:
                guardian.add("guardian_consent", _("须由监护人勾选同意。"))
            guardian.raise_if_any()
        if Registration.objects.filter(activity=locked).count() >= locked.quota:
            raise Conflict(_("报名人数已满，感谢关注。"), code=ActivityError.FULL)
        try:
            with transaction.atomic():
                row = Registration.objects.create(
                    activity=locked,
                    person_key=key,
                    name=name,
                    id_number=id_number,
                    birth_date=birth_date,
                    phone=phone,
                    guardian_name=guardian_name.strip() if minor else "",
                    guardian_phone=guardian_phone if minor else "",
                    guardian_consent_at=now if minor else None,
                    registered_at=now,
                )
        except IntegrityError:  # the same person, a moment earlier, on another worker
            return Registration.objects.get(activity=locked, person_key=key), False
        # Personal data stay out of the audit trail: the row's id says who it was.
        audit.record(
            actor=None,
            action="activity.register",
            obj=row,
            after={"activity": locked.pk, "minor": minor, "guardian_consent": minor},
            client_address=client_address,
        )
    limits.count(signup_ip=client_address)
    return row, True


def registration_check_in(*, actor, registration: Registration) -> Registration:
    """签到 at the door, once; checking in twice keeps the first time."""
    with transaction.atomic():
        row = Registration.objects.select_for_update().select_related("activity").get(pk=registration.pk)
        can_organise_activities.refuse(actor, row.activity, action=_("签到"))
        if row.activity.state not in (ActivityState.OPEN, ActivityState.CLOSED, ActivityState.HELD):
            raise Conflict(_("活动当前状态不允许该操作。"), code=ActivityError.INVALID_TRANSITION)
        if row.checked_in_at is None:
            row.checked_in_at = clock.now()
            row.save(update_fields=["checked_in_at"])
            audit.record(
                actor=actor, action="activity.check_in", obj=row, after={"activity": row.activity_id}
            )
    return row


def activity_photo_add(
    *, actor, activity: Activity, upload, caption: str = "", publishable: bool = False
) -> ActivityPhoto:
    """A photo of the activity; on the portal (once the activity was held) only if `publishable`."""
    can_organise_activities.refuse(actor, activity, action=_("上传活动照片"))
    info = evidence.inspect_upload(upload, allowed_kinds=("photo",))
    with transaction.atomic():
        photo = ActivityPhoto(
            activity=activity,
            sha256=info.sha256,
            caption=(caption or "").strip()[:100],
            publishable=bool(publishable),
            added_by=actor,
            added_at=clock.now(),
        )
        photo.file.save(f"{info.sha256[:32]}.{info.extension}", File(io.BytesIO(info.data)), save=False)
        photo.save()
        audit.record(
            actor=actor,
            action="activity.photo_add",
            obj=photo,
            after={"sha256": info.sha256, "publishable": photo.publishable},
        )
    return photo


def activity_photo_publish(*, actor, photo: ActivityPhoto, publishable: bool) -> ActivityPhoto:
    """Mark a photo publishable on the portal, or take it back off."""
    with transaction.atomic():
        photo = ActivityPhoto.objects.select_for_update().select_related("activity").get(pk=photo.pk)
        can_organise_activities.refuse(actor, photo.activity, action=_("公开活动照片"))
        before = photo.publishable
        if before != bool(publishable):
            photo.publishable = bool(publishable)
            photo.save(update_fields=["publishable"])
            audit.record(
                actor=actor,
                action="activity.photo_publish",
                obj=photo,
                before={"publishable": before},
                after={"publishable": photo.publishable},
            )
    return photo


# -- volunteers -------------------------------------------------------------------------------------


def volunteer_register(*, actor, bureau: Organisation, name: str, phone: str, skills: str = "") -> Volunteer:
    can_organise_activities.refuse(actor, Volunteer(bureau=bureau), action=_("登记志愿者"))
    errors = _Errors(VolunteerError.INVALID, _("志愿者的数据有误（逐项说明）。"))
    name = _text(name, "name", errors, limit=50)
    phone = _phone(phone, "phone", errors)
    skills = _text(skills, "skills", errors, limit=200, required=False)
    errors.raise_if_any()
    with transaction.atomic():
        if Volunteer.objects.filter(bureau=bureau, phone=phone).exists():
            raise Conflict(_("该志愿者已登记。"), code=VolunteerError.DUPLICATE)
        volunteer = Volunteer.objects.create(
            bureau=bureau,
            name=name,
            phone=phone,
            skills=skills,
            registered_at=clock.now(),
            registered_by=actor,
        )
        audit.record(actor=actor, action="volunteer.register", obj=volunteer, after={"skills": skills})
    return volunteer


def service_hours_record(*, actor, volunteer: Volunteer, activity: Activity, hours) -> ServiceHours:
    """The hours a volunteer served at one activity (entered again, the figure is corrected)."""
    can_organise_activities.refuse(actor, activity, action=_("登记服务时长"))
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        amount = Decimal(0)
    if not (Decimal(0) < amount <= 24) or volunteer.bureau_id != activity.bureau_id:
        message = _("服务时长须大于 0 且不超过 24 小时。")
        raise ValidationFailed(message, code=VolunteerError.BAD_HOURS, fields={"hours": [message]})
    with transaction.atomic():
        row, created = ServiceHours.objects.select_for_update().get_or_create(
            volunteer=volunteer,
            activity=activity,
            defaults={"hours": amount, "recorded_by": actor, "recorded_at": clock.now()},
        )
        before = None if created else {"hours": str(row.hours)}
        if not created:
            row.hours, row.recorded_by, row.recorded_at = amount, actor, clock.now()
            row.save(update_fields=["hours", "recorded_by", "recorded_at"])
        audit.record(
            actor=actor, action="volunteer.hours", obj=row, before=before, after={"hours": str(amount)}
        )
    return row


def certificate_issue(*, actor, volunteer: Volunteer) -> ServiceCertificate:
    """志愿服务时长证明: the hours so far, frozen, with a token for the verification link."""
    can_organise_activities.refuse(actor, volunteer, action=_("出具服务时长证明"))
    with transaction.atomic():
        rows = list(ServiceHours.objects.filter(volunteer=volunteer))
        if not rows:
            raise Conflict(_("该志愿者还没有服务时长，不能出具证明。"), code=VolunteerError.NO_HOURS)
        now = clock.now()
        year = now.astimezone(clock.SHANGHAI).year
        serial = ServiceCertificate.objects.filter(
            volunteer__bureau=volunteer.bureau, number__startswith=f"ZY{year}"
        ).count()
        cert = ServiceCertificate.objects.create(
            volunteer=volunteer,
            number=f"ZY{year}{volunteer.bureau_id:03d}{serial + 1:05d}",
            total_hours=sum((r.hours for r in rows), Decimal(0)),
            activities=len(rows),
            token=secrets.token_hex(16),
            issued_by=actor,
            issued_at=now,
        )
        audit.record(
            actor=actor,
            action="volunteer.certificate",
            obj=cert,
            after={"number": cert.number, "hours": str(cert.total_hours)},
        )
    return cert


# -- live-streamed enforcement ----------------------------------------------------------------------


def broadcast_schedule(
    *,
    actor,
    bureau: Organisation,
    title: str,
    platform: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    stream_url: str = "",
    officers: Iterable = (),
    operations: Iterable = (),
    cases: Iterable = (),
) -> Broadcast:
    """直播执法 on the schedule: platform, stream address, time, place, the officers on camera and
    the joint operations or cases it covers (each of this bureau)."""
    can_run_broadcasts.refuse(actor, Broadcast(bureau=bureau), action=_("安排直播执法"))
    errors = _Errors(BroadcastError.INVALID, _("直播的数据有误（逐项说明）。"))
    title = _text(title, "title", errors, limit=100)
    place = _text(place, "place", errors, limit=100)
    if platform not in Platform.values:
        errors.add("platform", _("请选择直播平台。"))
    stream_url = (stream_url or "").strip()
    if stream_url and not stream_url.startswith(("https://", "http://")):
        errors.add("stream_url", _("直播地址须以 https:// 开头。"))
    if starts_at is None or ends_at is None or ends_at < starts_at:
        errors.add("ends_at", _("结束时间不能早于开始时间。"))
    _plausible({"starts_at": starts_at, "ends_at": ends_at}, errors)
    officers, operations, cases = list(officers), list(operations), list(cases)
    from chengguan.org import selectors as org_selectors

    if any(org_selectors.bureau_of(o) != bureau for o in officers):
        errors.add("officers", _("出镜队员须为本局人员。"))
    if any(op.campaign.bureau_id != bureau.pk for op in operations):
        errors.add("operations", _("只能关联本局专项行动的联合行动。"))
    if any(c.bureau_id != bureau.pk for c in cases):
        errors.add("cases", _("只能关联本局的案件。"))
    errors.raise_if_any()
    with transaction.atomic():
        b = Broadcast.objects.create(
            bureau=bureau,
            title=title,
            platform=platform,
            stream_url=stream_url[:300],
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            created_by=actor,
            created_at=clock.now(),
        )
        b.officers.set(officers)
        BroadcastOperation.objects.bulk_create(
            BroadcastOperation(broadcast=b, operation=op) for op in operations
        )
        BroadcastCase.objects.bulk_create(BroadcastCase(broadcast=b, case=c) for c in cases)
        audit.record(
            actor=actor,
            action="broadcast.schedule",
            obj=b,
            after={
                "title": title,
                "platform": platform,
                "officers": [o.pk for o in officers],
                "operations": [op.pk for op in operations],
                "cases": [c.pk for c in cases],
            },
        )
    return b


def broadcast_transition(*, actor, broadcast: Broadcast, action: str, **data) -> Broadcast:
    return BROADCAST_MACHINE.apply(broadcast, action, actor=actor, **data)


def _refuse_unstarted(b: Broadcast) -> None:
    if b.state not in ("live", "ended"):
        raise Conflict(_("直播当前状态不允许该操作。"), code=BroadcastError.INVALID_TRANSITION)


def broadcast_viewers_record(*, actor, broadcast: Broadcast, peak: int, cumulative: int) -> Broadcast:
    """The audience figures typed in from the platform's back office."""
    can_run_broadcasts.refuse(actor, broadcast, action=_("登记观看人数"))
    errors = _Errors(BroadcastError.INVALID, _("直播的数据有误（逐项说明）。"))
    for field, value in (("peak_viewers", peak), ("cumulative_viewers", cumulative)):
        if not isinstance(value, int) or value < 0 or value > 2_000_000_000:
            errors.add(field, _("须为不小于 0 的整数。"))
    if not errors.fields and peak > cumulative:
        errors.add("peak_viewers", _("最高在线人数不能超过累计观看人数。"))
    errors.raise_if_any()
    with transaction.atomic():
        b = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        _refuse_unstarted(b)
        before = {"peak": b.peak_viewers, "cumulative": b.cumulative_viewers}
        b.peak_viewers, b.cumulative_viewers = peak, cumulative
        b.save(update_fields=["peak_viewers", "cumulative_viewers"])
        audit.record(
            actor=actor,
            action="broadcast.viewers",
            obj=b,
            before=before,
            after={"peak": peak, "cumulative": cumulative},
        )
    return b


_CSV_COLUMNS = {
    "at": ("时间", "time", "timestamp"),
    "online": ("在线人数", "online", "online_viewers"),
    "cumulative": ("累计观看", "累计观看人数", "cumulative", "total_viewers"),
}


def _samples(text: Iterable[str]) -> Iterator[tuple[dt.datetime, int, int]]:
    reader = csv.DictReader(text)
    header = {(h or "").strip().lstrip("\ufeff").lower(): h for h in reader.fieldnames or ()}
    columns = {}
    for key, names in _CSV_COLUMNS.items():
        found = next((header[n.lower()] for n in names if n.lower() in header), None)
        if found is None:
            raise ValueError(key)
        columns[key] = found
    for line in reader:
        at = dt.datetime.fromisoformat(line[columns["at"]].strip().replace("/", "-"))
        if at.tzinfo is None:
            at = at.replace(tzinfo=clock.SHANGHAI)
        online, cumulative = int(line[columns["online"]]), int(line[columns["cumulative"]])
        if online < 0 or cumulative < 0:
            raise ValueError("negative")
        yield at, online, cumulative


def broadcast_viewers_import(*, actor, broadcast: Broadcast, upload) -> Broadcast:
    """The platform's audience export (CSV: time, online viewers, cumulative viewers, UTF-8 or
    GB18030): the samples are kept, the peak is the most online at once, the cumulative the last
    count. A file that cannot be read is refused whole."""
    can_run_broadcasts.refuse(actor, broadcast, action=_("导入观看数据"))
    raw = upload.read(8 * 1024 * 1024 + 1)
    if len(raw) > 8 * 1024 * 1024:
        raw = b""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            text = ""
    try:
        rows = {at: (online, cumulative) for at, online, cumulative in _samples(io.StringIO(text))}
    except (ValueError, KeyError, TypeError, csv.Error):
        rows = {}
    if not rows:
        message = _("观看数据文件无法读取：须为平台导出的 CSV（时间、在线人数、累计观看）。")
        raise ValidationFailed(message, code=BroadcastError.BAD_VIEWERS_CSV, fields={"file": [message]})
    with transaction.atomic():
        b = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        _refuse_unstarted(b)
        ViewerSample.objects.filter(broadcast=b).delete()
        ViewerSample.objects.bulk_create(
            ViewerSample(broadcast=b, at=at, online=o, cumulative=c) for at, (o, c) in sorted(rows.items())
        )
        before = {"peak": b.peak_viewers, "cumulative": b.cumulative_viewers}
        b.peak_viewers = max(o for o, _c in rows.values())
        b.cumulative_viewers = max(c for _o, c in rows.values())
        b.save(update_fields=["peak_viewers", "cumulative_viewers"])
        audit.record(
            actor=actor,
            action="broadcast.viewers_import",
            obj=b,
            before=before,
            after={"peak": b.peak_viewers, "cumulative": b.cumulative_viewers, "samples": len(rows)},
        )
    return b


def highlight_add(
    *, actor, broadcast: Broadcast, nickname: str, text: str, said_at: dt.datetime, reply: str = ""
) -> CommentHighlight:
    """评论精选: a viewer's comment worth keeping, with the bureau's reply."""
    can_run_broadcasts.refuse(actor, broadcast, action=_("精选评论"))
    errors = _Errors(BroadcastError.INVALID, _("直播的数据有误（逐项说明）。"))
    nickname = _text(nickname, "nickname", errors, limit=50)
    text = _text(text, "text", errors, limit=500)
    reply = _text(reply, "reply", errors, limit=500, required=False)
    if said_at is None:
        errors.add("said_at", _("此项为必填项。"))
    _plausible({"said_at": said_at}, errors)
    errors.raise_if_any()
    with transaction.atomic():
        _refuse_unstarted(broadcast)
        row = CommentHighlight.objects.create(
            broadcast=broadcast, nickname=nickname, text=text, reply=reply, said_at=said_at
        )
        audit.record(actor=actor, action="broadcast.highlight", obj=row, after={"broadcast": broadcast.pk})
    return row


# -- recordings as evidence -------------------------------------------------------------------------


def _part_name(recording: Recording, number: int) -> str:
    return f"outreach/recordings/parts/{recording.pk}/{number:06d}.part"


def sha256_of_stored(name: str) -> str:
    """The SHA-256 of a file in storage, read a chunk at a time (recordings run to gigabytes)."""
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


class _Joined(io.RawIOBase):
    """The parts of an upload read one after the other as one stream, hashed on the way."""

    def __init__(self, names: list[str]):
        self._names, self._current, self.digest = list(names), None, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self._current is None:
                if not self._names:
                    return 0
                self._current = default_storage.open(self._names.pop(0), "rb")
            block = self._current.read(len(buffer))
            if block:
                buffer[: len(block)] = block
                self.digest.update(block)
                return len(block)
            self._current.close()
            self._current = None


def _retention(keep_until: dt.date | None, broadcast: Broadcast) -> dt.date:
    return keep_until or (
        broadcast.starts_at.astimezone(clock.SHANGHAI).date() + dt.timedelta(days=DEFAULT_RETENTION_DAYS)
    )


def _cases_of(broadcast: Broadcast, cases: Iterable | None) -> list:
    cases = (
        list(cases)
        if cases is not None
        else [link.case for link in broadcast.case_links.select_related("case")]
    )
    if any(c.bureau_id != broadcast.bureau_id for c in cases):
        raise ValidationFailed(
            _("录像的数据有误（逐项说明）。"),
            code=RecordingError.INVALID,
            fields={"cases": [_("只能关联本局的案件。")]},
        )
    return cases


def recording_start(
    *,
    actor,
    broadcast: Broadcast,
    name: str,
    size: int,
    keep_until: dt.date | None = None,
    cases: Iterable | None = None,
) -> Recording:
    """Open a resumable upload of `size` bytes: parts then follow in order (`recording_append`); the
    cases default to the session's."""
    can_run_broadcasts.refuse(actor, broadcast, action=_("上传直播录像"))
    errors = _Errors(RecordingError.INVALID, _("录像的数据有误（逐项说明）。"))
    name = _text(name, "name", errors, limit=200)
    if not isinstance(size, int) or size < 1 or size > MAX_RECORDING:
        errors.add("size", _("文件大小须大于 0 且不超过 64 GB。"))
    errors.raise_if_any()
    linked = _cases_of(broadcast, cases)
    with transaction.atomic():
        _refuse_unstarted(broadcast)
        rec = Recording.objects.create(
            broadcast=broadcast,
            original_name=name,
            size=size,
            keep_until=_retention(keep_until, broadcast),
            created_by=actor,
            created_at=clock.now(),
        )
        rec.cases.set(linked)
        audit.record(actor=actor, action="recording.start", obj=rec, after={"size": size, "name": name})
    return rec


def recording_append(*, actor, recording: Recording, offset: int, chunk) -> Recording:
    """One part of the upload, at `offset` (the bytes received so far, so a client that lost its
    connection asks for `received` and carries on). The part is written to storage as it streams in;
    after the last one the parts are joined into the recording, hashed on the way."""
    with transaction.atomic():
        rec = Recording.objects.select_for_update().select_related("broadcast").get(pk=recording.pk)
        can_run_broadcasts.refuse(actor, rec.broadcast, action=_("上传直播录像"))
        if rec.state != RecordingState.UPLOADING:
            raise Conflict(_("录像已上传完成，不能再追加。"), code=RecordingError.DONE)
        if offset != rec.received:
            raise Conflict(
                _("分片的起始位置与已上传的字节数不符。") + f" received={rec.received}",
                code=RecordingError.BAD_OFFSET,
            )
        length = chunk.size
        if length < 1 or length > MAX_CHUNK or rec.received + length > rec.size:
            raise ValidationFailed(
                _("分片超出了登记的文件大小。"),
                code=RecordingError.TOO_LARGE,
                fields={"chunk": [_("分片超出了登记的文件大小。")]},
            )
        name = _part_name(rec, rec.parts)
        if default_storage.exists(name):  # left by an attempt whose transaction did not commit
            default_storage.delete(name)
        stored = default_storage.save(name, chunk)
        rec.received += length
        rec.parts += 1
        fields = ["received", "parts"]
        if rec.received == rec.size:
            names = [_part_name(rec, n) for n in range(rec.parts - 1)] + [stored]
            # The parts go once the recording is committed; until then they are what it is made of.
            joined = _Joined(names)
            rec.file.save(
                f"{rec.pk:08d}-{secrets.token_hex(6)}.bin", File(joined, name=rec.original_name), save=False
            )
            rec.sha256 = joined.digest.hexdigest()
            rec.state, rec.stored_at = RecordingState.STORED, clock.now()
            fields += ["file", "sha256", "state", "stored_at"]
            transaction.on_commit(lambda: [default_storage.delete(n) for n in names])
        rec.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="recording.stored" if rec.state == RecordingState.STORED else "recording.part",
            obj=rec,
            after={"received": rec.received, "sha256": rec.sha256},
        )
    return rec


def recording_register(
    *,
    actor,
    broadcast: Broadcast,
    storage_name: str,
    keep_until: dt.date | None = None,
    cases: Iterable | None = None,
) -> Recording:
    """A recording already in the bureau's storage (copied there by the platform or the camera
    team), hashed where it lies."""
    can_run_broadcasts.refuse(actor, broadcast, action=_("登记直播录像"))
    name = (storage_name or "").strip().lstrip("/")
    if not name or ".." in name.split("/") or not default_storage.exists(name):
        message = _("存储中没有该文件。")
        raise ValidationFailed(
            message, code=RecordingError.NOT_IN_STORAGE, fields={"storage_name": [message]}
        )
    linked = _cases_of(broadcast, cases)
    digest, size = sha256_of_stored(name), default_storage.size(name)
    with transaction.atomic():
        _refuse_unstarted(broadcast)
        rec = Recording(
            broadcast=broadcast,
            original_name=name.rsplit("/", 1)[-1][:200],
            size=size,
            received=size,
            sha256=digest,
            state=RecordingState.STORED,
            keep_until=_retention(keep_until, broadcast),
            created_by=actor,
            created_at=clock.now(),
            stored_at=clock.now(),
        )
        rec.file.name = name
        rec.save()
        rec.cases.set(linked)
        audit.record(
            actor=actor, action="recording.register", obj=rec, after={"size": size, "sha256": digest}
        )
    return rec


def recording_open_checked(*, actor, recording: Recording):
    """The recording's file, opened for download after its SHA-256 is checked again. A file that no
    longer matches is not handed out: the finding is recorded (audit and `altered_at`) and refused."""
    can_run_broadcasts.refuse(actor, recording.broadcast, action=_("下载直播录像"))
    if recording.state != RecordingState.STORED:
        raise Conflict(_("录像尚未上传完整。"), code=RecordingError.INCOMPLETE)
    try:
        actual = sha256_of_stored(recording.file.name)
    except FileNotFoundError:
        actual = ""
    with transaction.atomic():
        rec = Recording.objects.select_for_update().get(pk=recording.pk)
        now = clock.now()
        rec.last_checked_at = now
        fields = ["last_checked_at"]
        if actual != rec.sha256:
            rec.altered_at = rec.altered_at or now
            fields.append("altered_at")
            audit.record(
                actor=actor,
                action="recording.altered",
                obj=rec,
                after={"expected": rec.sha256, "found": actual},
            )
        rec.save(update_fields=fields)
    if actual != recording.sha256:
        raise Conflict(
            _("录像文件与登记的 SHA-256 不符：文件已被改动或损坏。"), code=RecordingError.HASH_MISMATCH
        )
    return default_storage.open(recording.file.name, "rb")


# -- media coverage ---------------------------------------------------------------------------------


def media_report_record(
    *,
    actor,
    bureau: Organisation,
    outlet: str,
    headline: str,
    published_on: dt.date,
    tone: str,
    link: str = "",
    deeds: Iterable = (),
    activities: Iterable = (),
    broadcasts: Iterable = (),
) -> MediaReport:
    """媒体报道 about the bureau, linked to the deeds, activities and sessions it reports."""
    can_run_broadcasts.refuse(actor, Broadcast(bureau=bureau), action=_("登记媒体报道"))
    errors = _Errors(MediaError.INVALID, _("媒体报道的数据有误（逐项说明）。"))
    outlet = _text(outlet, "outlet", errors, limit=60)
    headline = _text(headline, "headline", errors, limit=150)
    link = (link or "").strip()
    if link and not link.startswith(("https://", "http://")):
        errors.add("link", _("链接须以 https:// 开头。"))
    if tone not in Tone.values:
        errors.add("tone", _("请选择报道倾向。"))
    if published_on is None:
        errors.add("published_on", _("此项为必填项。"))
    deeds, activities, broadcasts = list(deeds), list(activities), list(broadcasts)
    if any(o.bureau_id != bureau.pk for o in [*deeds, *activities, *broadcasts]):
        errors.add("links", _("只能关联本局的事迹、活动和直播。"))
    errors.raise_if_any()
    with transaction.atomic():
        report = MediaReport.objects.create(
            bureau=bureau,
            outlet=outlet,
            headline=headline,
            published_on=published_on,
            link=link[:300],
            tone=tone,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        report.deeds.set(deeds)
        report.activities.set(activities)
        report.broadcasts.set(broadcasts)
        audit.record(
            actor=actor,
            action="media_report.record",
            obj=report,
            after={"outlet": outlet, "tone": tone, "published_on": published_on.isoformat()},
        )
    return report

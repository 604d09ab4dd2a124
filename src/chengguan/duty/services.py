"""Every write of the duty app: one function per use case, permission checked and audited in its
transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.core import audit, clock
from chengguan.core import calendar as cn_calendar
from chengguan.core.coords import to_wgs84
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.duty import findings, rosters, selectors, tracks
from chengguan.duty.errors import DutyError, FindingError
from chengguan.duty.models import (
    ActionItem,
    AgendaItem,
    Assignment,
    AttendanceStatus,
    ChangeKind,
    ChangeState,
    DayKind,
    Decision,
    Discipline,
    EntryKind,
    Finding,
    FindingKind,
    FindingState,
    Handover,
    ItemState,
    LogEntry,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingState,
    Notice,
    NoticeKind,
    NoticeLevel,
    NoticeReceipt,
    Patrol,
    PatrolBatch,
    PatrolSource,
    Post,
    Roster,
    RosterChange,
    Shift,
    ShiftTemplate,
    StreetKind,
    StrictStreet,
)
from chengguan.duty.permissions import (
    FINDING_ESCALATION,
    FINDING_UNIT_LEADERS,
    FORCE_INSPECTION,
    MEETING_ATTENDEES,
    NOT_A_PERSON,
    NOTICE_ESCALATION,
    NOTICE_UNIT_READERS,
    UNIT_DUTY_LEADERS,
    can_clock,
    can_plan_rosters,
    can_record_track,
    can_request_change,
    can_work_patrol,
)
from chengguan.duty.states import CHANGE_MACHINE, FINDING_MACHINE
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import same_bureau

# Clocking in opens this long before the shift starts (so the handover can begin on time).
CLOCK_IN_WINDOW = dt.timedelta(minutes=30)


def template_add(
    *,
    actor,
    unit,
    day_kind: str,
    name: str,
    starts: dt.time,
    hours: int,
    leaders: int = 0,
    chiefs: int = 0,
    officers: int = 0,
) -> ShiftTemplate:
    """Add one shift to a unit's pattern for a kind of day."""
    can_plan_rosters.refuse(actor, unit, action=_("设置班次模板"))
    errors: dict[str, list[str]] = {}
    if day_kind not in DayKind.values:
        errors["day_kind"] = [_("未知的日期类型")]
    if not 1 <= int(hours) <= 24:
        errors["hours"] = [_("时长应在 1 到 24 小时之间")]
    if not str(name).strip():
        errors["name"] = [_("请填写班次名称")]
    if leaders + chiefs + officers <= 0:
        errors["officers"] = [_("班次至少需要一个岗位")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=DutyError.INVALID, fields=errors)
    with transaction.atomic():
        if ShiftTemplate.objects.filter(unit=unit, day_kind=day_kind, starts=starts).exists():
            raise Conflict(
                _("该日期类型在这个时间已有班次"), code=DutyError.INVALID, fields={"starts": [_("已存在")]}
            )
        t = ShiftTemplate.objects.create(
            unit=unit,
            day_kind=day_kind,
            name=str(name).strip(),
            starts=starts,
            hours=hours,
            leaders=leaders,
            chiefs=chiefs,
            officers=officers,
        )
        audit.record(
            actor=actor,
            action="duty.template_add",
            obj=t,
            after={
                "unit": unit.pk,
                "day_kind": day_kind,
                "name": t.name,
                "starts": starts,
                "hours": hours,
                "posts": {str(k): v for k, v in t.needs().items()},
            },
        )
    return t


def roster_generate(*, actor, unit, month: dt.date) -> Roster:
    """The unit's roster for a month: every day gets the shifts of its kind's pattern (statutory
    holidays and make-up working days their own, when the unit has one). Posts are filled after."""
    can_plan_rosters.refuse(actor, unit, action=_("生成值班表"))
    month = month.replace(day=1)
    templates: dict[str, list[ShiftTemplate]] = {}
    for t in ShiftTemplate.objects.filter(unit=unit).order_by("starts"):
        templates.setdefault(t.day_kind, []).append(t)
    if not templates:
        raise Conflict(_("该单位还没有班次模板，无法生成值班表。"), code=DutyError.NO_PATTERN)
    with transaction.atomic():
        if Roster.objects.select_for_update().filter(unit=unit, month=month).exists():
            raise Conflict(_("该单位该月的值班表已经生成。"), code=DutyError.ROSTER_EXISTS)
        now = clock.now()
        roster = Roster.objects.create(
            bureau_id=unit.bureau_id, unit=unit, month=month, created_at=now, created_by=actor
        )
        shifts = []
        with cn_calendar.for_bureau(unit.bureau_id):  # the bureau's own holidays get holiday shifts
            kinds = {day: rosters.day_kind(day) for day in rosters.month_days(month)}
        for day, kind in kinds.items():
            pattern = templates.get(kind) or templates.get(rosters.FALLBACK.get(kind, ""), [])
            for t in pattern:
                starts_at = dt.datetime.combine(day, t.starts, clock.SHANGHAI)
                shifts.append(
                    Shift(
                        roster=roster,
                        unit=unit,
                        date=day,
                        day_kind=kind,
                        name=t.name,
                        starts_at=starts_at,
                        ends_at=starts_at + dt.timedelta(hours=t.hours),
                        leaders=t.leaders,
                        chiefs=t.chiefs,
                        officers=t.officers,
                    )
                )
        Shift.objects.bulk_create(shifts)
        kinds: dict[str, int] = {}
        for s in shifts:
            kinds[s.day_kind] = kinds.get(s.day_kind, 0) + 1
        audit.record(
            actor=actor,
            action="duty.roster_generate",
            obj=roster,
            after={"unit": unit.pk, "month": month.isoformat(), "shifts": len(shifts), "by_day_kind": kinds},
        )
    return roster


def _lock_staff(staff_id: int):
    """Lock the person's row, so two planners cannot give them overlapping shifts at once."""
    return get_user_model().objects.select_for_update(of=("self",)).select_related("profile").get(pk=staff_id)


def shift_assign(*, actor, shift: Shift, staff, post: str) -> Assignment:
    """Put a member of staff on a post of a shift; an overlapping shift of theirs is refused."""
    can_plan_rosters.refuse(actor, shift, action=_("排班"))
    if post not in Post.values:
        raise ValidationFailed(_("未知的岗位"), code=DutyError.INVALID, fields={"post": [_("未知的岗位")]})
    bureau = org_selectors.bureau_of(staff)
    if bureau is None or bureau.pk != shift.unit.bureau_id or org_selectors.has_role(staff, "system"):
        raise ValidationFailed(
            _("只能安排本局的工作人员值班。"),
            code=DutyError.NOT_STAFF_OF_BUREAU,
            fields={"staff": [_("不是本局工作人员")]},
        )
    with transaction.atomic():
        person = _lock_staff(staff.pk)
        rosters.check_free(person, shift)
        a = Assignment.objects.create(shift=shift, staff=person, post=post)
        audit.record(
            actor=actor,
            action="duty.assign",
            obj=a,
            after={"shift": shift.pk, "staff": person.pk, "post": post},
        )
    return a


def _locked_assignment(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_for_update(of=("self",)).select_related("shift").get(pk=assignment.pk)


# A clock-in or -out sent later by a phone that was offline carries the moment the user tapped; the
# server takes that moment when it is no older than this (a shift lasts at most 24 hours) and not
# after the server's clock (with CLOCK_SKEW for a phone's fast clock), and keeps its receive time too.
DEVICE_TIME_MAX_AGE = dt.timedelta(hours=24)


def _clock_moment(at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When a clock-in or -out counts: now, or the device's time of the tap when within bounds."""
    if at is None:
        return now
    if at.tzinfo is None or at > now + CLOCK_SKEW or at < now - DEVICE_TIME_MAX_AGE:
        message = _(
            "设备时间与服务器时间相差过大（须在 24 小时之内且不晚于现在），请在值班页面签到或联系排班人员。"
        )
        raise ValidationFailed(message, code=DutyError.DEVICE_TIME, fields={"at": [message]})
    return min(at, now)


def _clock_key(key: str | None) -> str:
    return str(key or "").strip()[:64]


def clock_in(
    *, actor, assignment: Assignment, at: dt.datetime | None = None, key: str = "", device=None
) -> Assignment:
    """Sign in for one's own shift: from 30 minutes before it starts until it ends. `at` is the
    device's time of a tap queued offline (the rule is applied at that moment); `key` the phone's
    idempotency key: the same key again returns the first answer and changes nothing."""
    can_clock.refuse(actor, assignment)
    key = _clock_key(key)
    with transaction.atomic():
        a = _locked_assignment(assignment)
        now = clock.now()
        if key and a.clock_in_key == key:
            return a
        moment = _clock_moment(at, now)
        if a.clock_in_at is not None:
            raise Conflict(_("已经签到。"), code=DutyError.ALREADY_IN)
        if moment < a.shift.starts_at - CLOCK_IN_WINDOW:
            raise Conflict(_("班次开始前 30 分钟起才能签到。"), code=DutyError.TOO_EARLY)
        if moment >= a.shift.ends_at:
            raise Conflict(_("班次已经结束。"), code=DutyError.SHIFT_OVER)
        a.clock_in_at, a.clock_in_received_at, a.clock_in_key = moment, now, key
        a.save(update_fields=["clock_in_at", "clock_in_received_at", "clock_in_key"])
        audit.record(
            actor=actor,
            action="duty.clock_in",
            obj=a,
            after={"clock_in_at": moment, **_device_facts(at, now, device)},
        )
    return a


def _device_facts(at, now, device) -> dict:
    """What the audit event keeps of a tap sent by a phone (nothing for the web page)."""
    if at is None and device is None:
        return {}
    return {"device_time": at, "received_at": now, "device": getattr(device, "pk", None)}


def clock_out(
    *, actor, assignment: Assignment, at: dt.datetime | None = None, key: str = "", device=None
) -> Assignment:
    """Sign out of one's own shift (only after signing in); `at` and `key` as for `clock_in`. The
    field app's track of the shift (`track_upload`) ends with it."""
    can_clock.refuse(actor, assignment)
    key = _clock_key(key)
    with transaction.atomic():
        a = _locked_assignment(assignment)
        now = clock.now()
        if key and a.clock_out_key == key:
            return a
        moment = _clock_moment(at, now)
        if a.clock_in_at is None or a.clock_out_at is not None:
            raise Conflict(_("尚未签到。"), code=DutyError.NOT_IN)
        if moment < a.clock_in_at:
            raise Conflict(_("签退时间不能早于签到时间。"), code=DutyError.OUT_BEFORE_IN)
        a.clock_out_at, a.clock_out_received_at, a.clock_out_key = moment, now, key
        a.save(update_fields=["clock_out_at", "clock_out_received_at", "clock_out_key"])
        ended = []
        for patrol in Patrol.objects.select_for_update().filter(
            assignment=a, source=PatrolSource.FIELD, ended_at__isnull=True
        ):
            patrol.ended_at = max(moment, patrol.started_at)
            patrol.save(update_fields=["ended_at"])
            ended.append(patrol.pk)
        audit.record(
            actor=actor,
            action="duty.clock_out",
            obj=a,
            after={"clock_out_at": moment, "patrols_ended": ended, **_device_facts(at, now, device)},
        )
    return a


def change_request(
    *, actor, assignment: Assignment, kind: str, reason: str, replacement=None
) -> RosterChange:
    """Ask for a swap (with a named replacement) or leave, for the unit's leader to decide."""
    can_request_change.refuse(actor, assignment, action=_("申请换班或请假"))
    errors: dict[str, list[str]] = {}
    if kind not in ChangeKind.values:
        errors["kind"] = [_("未知的类型")]
    if not str(reason or "").strip():
        errors["reason"] = [_("请填写事由")]
    if kind == ChangeKind.SWAP and replacement is None:
        errors["replacement"] = [_("换班须指定接班人员")]
    if replacement is not None and replacement.pk == assignment.staff_id:
        errors["replacement"] = [_("接班人员不能是本人")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=DutyError.INVALID, fields=errors)
    with transaction.atomic():
        a = _locked_assignment(assignment)
        if a.changes.filter(state=ChangeState.PENDING).exists():
            raise Conflict(_("该排班已有待审批的换班或请假。"), code=DutyError.PENDING_CHANGE)
        if replacement is not None:
            rosters.check_free(replacement, a.shift)
        change = RosterChange.objects.create(
            bureau_id=a.shift.unit.bureau_id,
            unit=a.shift.unit,
            assignment=a,
            kind=kind,
            replacement=replacement,
            reason=str(reason).strip()[:200],
            requested_by=actor,
            requested_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="duty.change_request",
            obj=change,
            after={"kind": kind, "assignment": a.pk, "replacement": getattr(replacement, "pk", None)},
        )
    return change


def change_transition(*, actor, change: RosterChange, action: str, **data) -> RosterChange:
    """Approve, reject or withdraw a swap or leave (the table in duty.states)."""
    return CHANGE_MACHINE.apply(change, action, actor=actor, **data)


# A point may be stamped a little after the server's clock (a phone's clock runs fast).
CLOCK_SKEW = dt.timedelta(minutes=5)


def patrol_start(*, actor) -> Patrol:
    """Start a patrol now; only while on duty (clocked in during a rostered shift)."""
    now = clock.now()
    on_duty = selectors.is_on_duty(actor, now)
    if on_duty is None:
        raise Conflict(_("只有签到在岗时才能开始巡查（轨迹只在值班期间记录）。"), code=DutyError.NOT_ON_DUTY)
    unit = on_duty.shift.unit
    with transaction.atomic():
        patrol = Patrol.objects.create(
            bureau_id=unit.bureau_id, unit=unit, staff=actor, assignment=on_duty, started_at=now
        )
        audit.record(actor=actor, action="duty.patrol_start", obj=patrol, after={"assignment": on_duty.pk})
    return patrol


def _parse_points(raw, crs: str, not_before: dt.datetime | None = None) -> list[tuple]:
    """Points as sent by the field app: time (ISO 8601), lon, lat, accuracy (m), as (moment, lon, lat,
    accuracy) in WGS-84. Every bad point is named; a batch with one bad point is refused whole (bad
    input changes nothing)."""
    from django.utils.dateparse import parse_datetime

    out, errors = [], {}
    limit = clock.now() + CLOCK_SKEW
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            moment = (
                item["time"] if isinstance(item["time"], dt.datetime) else parse_datetime(str(item["time"]))
            )
            if moment is None or moment.tzinfo is None:
                raise ValueError("time")
            lon, lat = to_wgs84(float(item["lon"]), float(item["lat"]), crs)
            accuracy = round(float(item.get("accuracy", 0)))
            if not (-180 <= lon <= 180 and -90 <= lat <= 90) or accuracy < 0:
                raise ValueError("range")
            if (not_before is not None and moment < not_before) or moment > limit:
                raise ValueError("outside")
        except (KeyError, TypeError, ValueError):
            errors[f"points[{i}]"] = [_("时间、经纬度或精度有误，或不在本次巡查时段内")]
            continue
        out.append((moment, lon, lat, accuracy))
    if not isinstance(raw, list) or not raw:
        errors["points"] = [_("请上传至少一个轨迹点")]
    if errors:
        raise ValidationFailed(_("轨迹点有误（逐点说明）。"), code=DutyError.BAD_POINTS, fields=errors)
    return out


def _clean_points(patrol: Patrol, raw: list, crs: str) -> list[tracks.Point]:
    """The points of a batch for `patrol`, as seconds since it started (none before it started)."""
    return [
        tracks.Point(int((moment - patrol.started_at).total_seconds()), lon, lat, accuracy)
        for moment, lon, lat, accuracy in _parse_points(raw, crs, not_before=patrol.started_at)
    ]


def _merge_into(patrol: Patrol, kept: list[tracks.Point]) -> None:
    merged = tracks.merge(tracks.unpack(patrol.points), kept)
    patrol.points = tracks.pack(merged)
    patrol.point_count = len(merged)
    patrol.distance_m = round(tracks.length(merged), 1)


def patrol_upload(*, actor, patrol: Patrol, key: str, points: list, crs: str = "wgs84") -> PatrolBatch:
    """Add a batch of points to one's own patrol. The same key again returns the first answer and adds
    nothing (the field app retries). Points recorded while off duty are dropped, not kept (PIPL: tracks
    only for duty purposes)."""
    can_work_patrol.refuse(actor, patrol)
    key = str(key or "").strip()[:64]
    if not key:
        raise ValidationFailed(_("请提供批次标识"), code=DutyError.BAD_POINTS, fields={"key": [_("必填")]})
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
        done = PatrolBatch.objects.filter(patrol=locked, key=key).first()
        if done is not None:
            return done
        if locked.ended_at is not None:
            raise Conflict(_("该巡查已经结束。"), code=DutyError.PATROL_ENDED)
        fresh = _clean_points(locked, points, crs)
        first = min(p.at(locked.started_at) for p in fresh)
        last = max(p.at(locked.started_at) for p in fresh)
        windows = selectors.on_duty_windows(locked.staff_id, first, last)
        kept = [p for p in fresh if any(s <= p.at(locked.started_at) < e for s, e in windows)]
        _merge_into(locked, kept)
        locked.save(update_fields=["points", "point_count", "distance_m"])
        batch = PatrolBatch.objects.create(
            patrol=locked,
            key=key,
            received_at=clock.now(),
            accepted=len(kept),
            dropped=len(fresh) - len(kept),
        )
        audit.record(
            actor=actor,
            action="duty.patrol_upload",
            obj=locked,
            after={
                "batch": key,
                "accepted": batch.accepted,
                "dropped": batch.dropped,
                "points": locked.point_count,
                "distance_m": locked.distance_m,
            },
        )
    return batch


@dataclass(frozen=True)
class TrackBatch:
    """The answer to one batch of the field app's track: how many points were kept (recorded while
    on duty) and dropped, and the patrols they went to."""

    key: str
    accepted: int
    dropped: int
    patrols: list


def _field_patrol(actor, a: Assignment, start: dt.datetime) -> Patrol:
    """The patrol the field app records during one assignment: one per assignment, from the moment
    the person came on duty (so every on-duty point of it lies after its start)."""
    patrol = (
        Patrol.objects.select_for_update()
        .filter(assignment=a, staff=actor, source=PatrolSource.FIELD)
        .order_by("pk")
        .first()
    )
    if patrol is None:
        unit = a.shift.unit
        patrol = Patrol.objects.create(
            bureau_id=unit.bureau_id,
            unit=unit,
            staff=actor,
            assignment=a,
            started_at=start,
            source=PatrolSource.FIELD,
        )
        audit.record(
            actor=actor, action="duty.patrol_start", obj=patrol, after={"assignment": a.pk, "source": "field"}
        )
    return patrol


def track_upload(*, actor, key: str, points: list, crs: str = "wgs84", device=None) -> TrackBatch:
    """A batch of the field app's track points, recorded by the phone while its user was on duty. Each
    point goes to the patrol of the assignment the person was on duty in at its time (clocked in
    during a rostered shift, not on leave, not clocked out), made on its first point; points recorded
    off duty are dropped, never stored (PIPL: tracks only for duty purposes), and a batch with no
    on-duty point at all is refused. The same key again returns the first answer and adds nothing.
    Each batch is audited on each patrol it adds to."""
    can_record_track.refuse(actor)
    key = str(key or "").strip()[:64]
    if not key:
        raise ValidationFailed(_("请提供批次标识"), code=DutyError.BAD_POINTS, fields={"key": [_("必填")]})
    with transaction.atomic():
        _lock_staff(actor.pk)  # one batch of a person at a time: a retry racing its first send waits
        done = list(
            PatrolBatch.objects.filter(patrol__staff=actor, patrol__source=PatrolSource.FIELD, key=key)
            .select_related("patrol")
            .order_by("pk")
        )
        if done:
            return TrackBatch(
                key,
                sum(b.accepted for b in done),
                sum(b.dropped for b in done),
                [b.patrol for b in done],
            )
        parsed = sorted(_parse_points(points, crs))
        duty_spans = selectors.on_duty_spans(actor.pk, parsed[0][0], parsed[-1][0])
        by_assignment: dict[int, list] = {}
        for moment, lon, lat, accuracy in parsed:
            for a, start, end in duty_spans:
                if start <= moment < end:
                    by_assignment.setdefault(a.pk, []).append((moment, lon, lat, accuracy))
                    break
        kept = sum(len(rows) for rows in by_assignment.values())
        dropped = len(parsed) - kept
        if not kept:
            raise Conflict(
                _("这些轨迹点都不是在签到在岗期间记录的，未保存（轨迹只在值班期间记录）。"),
                code=DutyError.NOT_ON_DUTY,
            )
        now = clock.now()
        patrols = []
        for a, start, end in duty_spans:
            rows = by_assignment.get(a.pk)
            if not rows:
                continue
            patrol = _field_patrol(actor, a, start)
            fresh = [
                tracks.Point(int((m - patrol.started_at).total_seconds()), lon, lat, acc)
                for m, lon, lat, acc in rows
            ]
            _merge_into(patrol, fresh)
            if a.clock_out_at is not None and patrol.ended_at is None:
                patrol.ended_at = end
            patrol.save(update_fields=["points", "point_count", "distance_m", "ended_at"])
            first = not patrols
            PatrolBatch.objects.create(
                patrol=patrol, key=key, received_at=now, accepted=len(rows), dropped=dropped if first else 0
            )
            audit.record(
                actor=actor,
                action="duty.patrol_upload",
                obj=patrol,
                after={
                    "batch": key,
                    "accepted": len(rows),
                    "dropped": dropped if first else 0,
                    "points": patrol.point_count,
                    "distance_m": patrol.distance_m,
                    "device": getattr(device, "pk", None),
                },
            )
            patrols.append(patrol)
    return TrackBatch(key, kept, dropped, patrols)


def patrol_end(*, actor, patrol: Patrol) -> Patrol:
    """End one's own patrol."""
    can_work_patrol.refuse(actor, patrol)
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if locked.ended_at is not None:
            raise Conflict(_("该巡查已经结束。"), code=DutyError.PATROL_ENDED)
        locked.ended_at = clock.now()
        locked.save(update_fields=["ended_at"])
        audit.record(
            actor=actor,
            action="duty.patrol_end",
            obj=locked,
            after={
                "ended_at": locked.ended_at,
                "points": locked.point_count,
                "distance_m": locked.distance_m,
            },
        )
    return locked


def patrol_track(*, actor, patrol: Patrol) -> list[tracks.Point]:
    """The points of a patrol; looking at another person's track is audited (PIPL 第五十一条)."""
    from chengguan.duty.permissions import can_view_duty

    can_view_duty.refuse(actor, patrol, action=_("查看巡查轨迹"))
    points = tracks.unpack(patrol.points)
    if patrol.staff_id != actor.pk:
        with transaction.atomic():
            audit.record(actor=actor, action="duty.track_view", obj=patrol, after={"points": len(points)})
    return points


def finding_record(
    *,
    actor,
    unit,
    kind: str,
    description: str,
    place: str,
    observed_at: dt.datetime | None = None,
    discipline: str = "",
    person=None,
    lon: float | None = None,
    lat: float | None = None,
    photo=None,
) -> Finding:
    """A 督察 finding: it becomes a rectification task for the responsible unit, due in the working
    days its kind allows (`duty.findings`), counted from the day it was observed."""
    from chengguan.duty.permissions import can_inspect_force

    can_inspect_force.refuse(actor, unit)
    observed_at = observed_at or clock.now()
    errors: dict[str, list[str]] = {}
    if kind not in FindingKind.values:
        errors["kind"] = [_("未知的问题类型")]
    if kind == FindingKind.DISCIPLINE and discipline not in Discipline.values:
        errors["discipline"] = [_("请选择风纪事项")]
    if not str(description or "").strip():
        errors["description"] = [_("请描述发现的问题")]
    if not str(place or "").strip():
        errors["place"] = [_("请填写地点")]
    if observed_at > clock.now() + CLOCK_SKEW:
        errors["observed_at"] = [_("发现时间不能晚于现在")]
    if not same_bureau(actor, unit.bureau_id):
        errors["unit"] = [_("责任单位不在本局")]
    if person is not None and getattr(org_selectors.bureau_of(person), "pk", None) != unit.bureau_id:
        errors["person"] = [_("责任人不是本局工作人员")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=FindingError.INVALID, fields=errors)
    if lon is not None and lat is not None:
        lon, lat = to_wgs84(float(lon), float(lat), "wgs84")
    with cn_calendar.for_bureau(unit.bureau_id):
        due_on = findings.due_on(kind, observed_at.astimezone(clock.SHANGHAI).date())
    with transaction.atomic():
        f = Finding(
            bureau_id=unit.bureau_id,
            unit=unit,
            person=person,
            kind=kind,
            discipline=discipline if kind == FindingKind.DISCIPLINE else "",
            description=str(description).strip(),
            place=str(place).strip()[:200],
            lon=lon,
            lat=lat,
            observed_at=observed_at,
            found_by=actor,
            due_on=due_on,
        )
        f.save()
        if photo is not None:
            from django.core.files.base import ContentFile

            data = photo.read() if hasattr(photo, "read") else bytes(photo)
            f.photo.save(f"{f.pk}.jpg", ContentFile(data), save=True)
        audit.record(
            actor=actor,
            action="duty.finding_record",
            obj=f,
            after={
                "unit": unit.pk,
                "kind": kind,
                "discipline": f.discipline,
                "person": getattr(person, "pk", None),
                "due_on": f.due_on,
                "state": f.state,
            },
        )
        transaction.on_commit(lambda: _tell_unit(f, "duty.finding_recorded", actor))
    return f


def _unit_leaders(f: Finding) -> list:
    return org_selectors.staff_holding(*FINDING_UNIT_LEADERS, unit=f.unit)


def _tell_unit(f: Finding, message: str, actor) -> None:
    from django.urls import reverse

    from chengguan.notifications.services import notify

    if message == "duty.finding_reported":
        recipients = [f.found_by, *org_selectors.staff_holding(*FORCE_INSPECTION, bureau_id=f.bureau_id)]
    else:
        recipients = [*_unit_leaders(f), *([f.person] if f.person else [])]
    notify(
        recipients=recipients,
        message=message,
        key=f"duty:finding:{f.pk}:{message}:{f.sent_back}",
        params={"unit": f.unit.name, "kind": str(f.get_kind_display()), "due": f.due_on.isoformat()},
        url=reverse("duty:finding", args=[f.pk]),
        obj=f,
        actor=actor,
    )


def finding_transition(*, actor, finding: Finding, action: str, **data) -> Finding:
    """Report, send back, close, contest, uphold or revoke a finding (the table in duty.states)."""
    return FINDING_MACHINE.apply(finding, action, actor=actor, **data)


def finding_announce(f: Finding, action: str, actor) -> None:
    """Who is told of a committed step (the machine calls it on commit, for the pages and the API
    alike): the inspectors of a reported rectification, the unit of one sent back or upheld."""
    if action == "report":
        _tell_unit(f, "duty.finding_reported", actor)
    elif action in ("send_back", "uphold"):
        _tell_unit(f, "duty.finding_recorded", actor)


def findings_escalate(*, actor, bureau, today: dt.date | None = None) -> int:
    """Escalate the bureau's findings whose rectification is past its deadline: the bureau's leaders
    and the unit's leaders are told once per deadline (a new deadline after a send-back starts over).
    Run by the daily job and by `chengguan duty escalate`; running it twice changes nothing more."""
    from django.urls import reverse

    from chengguan.duty.permissions import can_inspect_force
    from chengguan.notifications.services import notify

    can_inspect_force.refuse(actor, bureau)
    if not same_bureau(actor, bureau.pk):
        raise PermissionDenied(_("该督察问题不属于您所在单位。"), code=FindingError.OTHER_BUREAU)
    today = today or clock.today()
    done = 0
    late = Finding.objects.filter(
        bureau=bureau, state=FindingState.RECTIFYING, due_on__lt=today, escalated_at__isnull=True
    ).select_related("unit")
    leaders = org_selectors.staff_holding(*FINDING_ESCALATION, bureau_id=bureau.pk)
    for f in late:
        with transaction.atomic():
            locked = Finding.objects.select_for_update().get(pk=f.pk)
            if locked.escalated_at is not None or locked.state != FindingState.RECTIFYING:
                continue
            locked.escalated_at = clock.now()
            locked.save(update_fields=["escalated_at"])
            audit.record(
                actor=actor,
                action="duty.finding_escalate",
                obj=locked,
                after={"due_on": locked.due_on, "escalated_at": locked.escalated_at},
            )
            notify(
                recipients=[*leaders, *_unit_leaders(locked)],
                message="duty.finding_overdue",
                key=f"duty:finding:{locked.pk}:overdue:{locked.due_on.isoformat()}",
                params={
                    "unit": f.unit.name,
                    "kind": str(locked.get_kind_display()),
                    "due": locked.due_on.isoformat(),
                },
                url=reverse("duty:finding", args=[locked.pk]),
                obj=locked,
                actor=actor,
            )
            done += 1
    return done


# -- Strict-control streets, GPX import, retention ----------------------------------------------------


def street_define(
    *, actor, bureau, name: str, kind: str, grids: list, starts: dt.time, ends: dt.time
) -> StrictStreet:
    """Name a strict-control (or model) street: its grids and the hours it must have staff on post."""
    from chengguan.duty.permissions import can_define_streets

    can_define_streets.refuse(actor, bureau, action=_("设置严管街"))
    errors: dict[str, list[str]] = {}
    name = str(name or "").strip()[:60]
    if not name:
        errors["name"] = [_("请填写街道名称")]
    if kind not in StreetKind.values:
        errors["kind"] = [_("未知的类别")]
    if not grids:
        errors["grids"] = [_("请至少选择一个网格")]
    if starts == ends:
        errors["ends"] = [_("在岗结束时间不能等于开始时间")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=DutyError.INVALID, fields=errors)
    with transaction.atomic():
        if StrictStreet.objects.filter(bureau=bureau, name=name).exists():
            raise Conflict(
                _("本局已有同名的严管街。"), code=DutyError.STREET_EXISTS, fields={"name": [_("已存在")]}
            )
        street = StrictStreet.objects.create(
            bureau=bureau, name=name, kind=kind, starts=starts, ends=ends, created_at=clock.now()
        )
        street.grids.set(grids)
        audit.record(
            actor=actor,
            action="duty.street_define",
            obj=street,
            after={
                "name": name,
                "kind": kind,
                "grids": sorted(g.code for g in grids),
                "starts": starts,
                "ends": ends,
            },
        )
    return street


def patrol_import_gpx(*, actor, staff, data: bytes, crs: str = "wgs84", filename: str = "") -> PatrolBatch:
    """Import a GPX track as a patrol of `staff` (their own, or entered by their unit's planner). Only
    the points recorded while the person was on duty are kept (PIPL: tracks for duty purposes only);
    the file is its own batch key, so importing it again adds nothing. Audited as an upload batch."""
    import hashlib

    from chengguan.duty import gpx
    from chengguan.duty.permissions import can_import_track

    can_import_track.refuse(actor, staff)
    data = bytes(data or b"")
    key = "gpx:" + hashlib.sha256(data).hexdigest()[:40]
    try:
        raw = gpx.parse(data)
        converted = [(p.time, *to_wgs84(p.lon, p.lat, crs), p.accuracy) for p in raw]
    except (gpx.GpxError, ValueError):
        raise ValidationFailed(
            _("GPX 文件无法读取或没有带时间的轨迹点。"),
            code=DutyError.BAD_GPX,
            fields={"file": [_("无法读取")]},
        ) from None
    limit = clock.now() + CLOCK_SKEW
    converted = [c for c in converted if c[0] <= limit]
    with transaction.atomic():
        _lock_staff(staff.pk)
        done = PatrolBatch.objects.filter(patrol__staff=staff, key=key).select_related("patrol").first()
        if done is not None:
            return done
        windows = selectors.on_duty_windows(staff.pk, converted[0][0], converted[-1][0]) if converted else []
        kept = [c for c in converted if any(s <= c[0] < e for s, e in windows)]
        if not kept:
            raise Conflict(
                _("只有签到在岗时才能开始巡查（轨迹只在值班期间记录）。"), code=DutyError.NOT_ON_DUTY
            )
        started, ended = kept[0][0], kept[-1][0]
        assignment = selectors.is_on_duty(staff, started)
        unit = assignment.shift.unit
        points = tracks.merge(
            [], [tracks.Point(int((t - started).total_seconds()), lon, lat, acc) for t, lon, lat, acc in kept]
        )
        patrol = Patrol.objects.create(
            bureau_id=unit.bureau_id,
            unit=unit,
            staff=staff,
            assignment=assignment,
            started_at=started,
            ended_at=ended,
            points=tracks.pack(points),
            point_count=len(points),
            distance_m=round(tracks.length(points), 1),
        )
        batch = PatrolBatch.objects.create(
            patrol=patrol,
            key=key,
            received_at=clock.now(),
            accepted=len(points),
            dropped=len(raw) - len(points),
        )
        audit.record(
            actor=actor,
            action="duty.patrol_import",
            obj=patrol,
            after={
                "batch": key,
                "file": str(filename)[:100],
                "crs": crs,
                "staff": staff.pk,
                "accepted": batch.accepted,
                "dropped": batch.dropped,
                "distance_m": patrol.distance_m,
            },
        )
    return batch


def track_retention_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "CHENGGUAN_DUTY_TRACK_RETENTION_DAYS", 180))


def tracks_purge(*, actor, bureau, now: dt.datetime | None = None) -> int:
    """Delete the points of the bureau's patrols that started before the retention period (PIPL 第十九条:
    kept no longer than the purpose needs); length, duration and counts stay. Idempotent."""
    from chengguan.duty.permissions import can_purge_tracks

    can_purge_tracks.refuse(actor, bureau, action=_("删除过期轨迹"))
    now = now or clock.now()
    cutoff = now - dt.timedelta(days=track_retention_days())
    with transaction.atomic():
        ids = list(
            Patrol.objects.select_for_update()
            .filter(bureau=bureau, started_at__lt=cutoff, purged_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Patrol.objects.filter(pk__in=ids).update(points=b"", purged_at=now)
        audit.record(
            actor=actor,
            action="duty.tracks_purge",
            obj=bureau,
            after={"before": cutoff, "patrols": len(ids), "first": ids[0], "last": ids[-1]},
        )
    return len(ids)


# -- Meetings (周一例会) -------------------------------------------------------------------------------

# The Monday meeting's usual time and room; a bureau changes a planned meeting on its page.
MONDAY_AT = dt.time(8, 30)
MONDAY_TITLE = "周一例会"


def _meeting_invalid(errors: dict) -> ValidationFailed:
    from chengguan.duty.errors import MeetingError

    return ValidationFailed(next(iter(errors.values()))[0], code=MeetingError.INVALID, fields=errors)


def _default_attendees(bureau) -> list:
    return org_selectors.staff_holding(*MEETING_ATTENDEES, bureau_id=bureau.pk)


def meeting_plan(
    *,
    actor,
    bureau,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    place: str = "",
    chair=None,
    agenda: list[str] | tuple = (),
    attendees: list | None = None,
    week_of: dt.date | None = None,
) -> Meeting:
    """Plan a meeting with its first agenda items and who is expected (by default the bureau's leaders
    and squad leaders)."""
    from chengguan.duty.permissions import can_organise_meetings

    can_organise_meetings.refuse(actor, bureau)
    errors: dict[str, list[str]] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = [_("未知的会议类型")]
    if not str(title or "").strip():
        errors["title"] = [_("请填写会议名称")]
    if starts_at is None or starts_at.tzinfo is None:
        errors["starts_at"] = [_("请填写会议时间")]
    if errors:
        raise _meeting_invalid(errors)
    people = _default_attendees(bureau) if attendees is None else list(attendees)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            bureau=bureau,
            kind=kind,
            title=str(title).strip()[:100],
            week_of=week_of,
            starts_at=starts_at,
            place=str(place).strip()[:100],
            chair=chair,
            created_at=clock.now(),
            created_by=actor,
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, order=i + 1, title=str(t).strip()[:200])
            for i, t in enumerate(a for a in agenda if str(a).strip())
        )
        MeetingAttendee.objects.bulk_create(MeetingAttendee(meeting=meeting, person=p) for p in people)
        audit.record(
            actor=actor,
            action="duty.meeting_plan",
            obj=meeting,
            after={
                "kind": kind,
                "title": meeting.title,
                "starts_at": starts_at,
                "week_of": week_of,
                "agenda": len(agenda),
                "attendees": [p.pk for p in people],
            },
        )
    return meeting


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def monday_meeting_day(week_of: dt.date) -> dt.date:
    """The Monday meeting is held on the first working day from the Monday of its week (a Monday in
    a statutory holiday moves it to the next working day; 周一例会制度)."""
    return cn_calendar.working_day_on_or_after(week_of)


def monday_meetings_schedule(*, actor, bureau, today: dt.date | None = None, weeks: int = 2) -> list[Meeting]:
    """Plan the Monday meetings of this week and the next `weeks - 1` that are not planned yet (the
    daily job runs it; idempotent by the week's Monday)."""
    today = today or clock.today()
    made = []
    for i in range(weeks):
        week_of = monday_of(today) + dt.timedelta(weeks=i)
        if Meeting.objects.filter(bureau=bureau, kind=MeetingKind.MONDAY, week_of=week_of).exists():
            continue
        day = monday_meeting_day(week_of)
        made.append(
            meeting_plan(
                actor=actor,
                bureau=bureau,
                kind=MeetingKind.MONDAY,
                title=MONDAY_TITLE,
                starts_at=dt.datetime.combine(day, MONDAY_AT, clock.SHANGHAI),
                place="局三楼会议室",
                agenda=["上周工作情况通报", "本周重点工作安排"],
                week_of=week_of,
            )
        )
    return made


def _planned(meeting: Meeting) -> Meeting:
    from chengguan.duty.errors import MeetingError

    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.state != MeetingState.PLANNED:
        raise Conflict(_("会议已经召开，不能再修改议题和纪要。"), code=MeetingError.HELD)
    return locked


def agenda_add(*, actor, meeting: Meeting, title: str, presenter: str = "") -> AgendaItem:
    from chengguan.duty.permissions import can_organise_meetings

    can_organise_meetings.refuse(actor, meeting)
    if not str(title or "").strip():
        raise _meeting_invalid({"title": [_("请填写议题")]})
    with transaction.atomic():
        locked = _planned(meeting)
        last = locked.agenda.order_by("-order").values_list("order", flat=True).first() or 0
        item = AgendaItem.objects.create(
            meeting=locked, order=last + 1, title=str(title).strip()[:200], presenter=str(presenter)[:60]
        )
        audit.record(actor=actor, action="duty.agenda_add", obj=locked, after={"title": item.title})
    return item


def attendance_record(*, actor, meeting: Meeting, marks: dict) -> Meeting:
    """Record who attended: `marks` maps a person's id to an attendance status."""
    from chengguan.duty.permissions import can_organise_meetings

    can_organise_meetings.refuse(actor, meeting)
    bad = {str(k): [_("未知的出席情况")] for k, v in marks.items() if v not in AttendanceStatus.values}
    if bad:
        raise _meeting_invalid(bad)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        rows = {a.person_id: a for a in locked.attendees.all()}
        changed = {}
        for person_id, status in marks.items():
            row = rows.get(int(person_id))
            if row is None:
                row = MeetingAttendee.objects.create(meeting=locked, person_id=int(person_id), status=status)
            elif row.status != status:
                row.status = status
                row.save(update_fields=["status"])
            changed[int(person_id)] = status
        audit.record(actor=actor, action="duty.meeting_attendance", obj=locked, after={"marks": changed})
    return locked


def meeting_hold(*, actor, meeting: Meeting, minutes: str, decisions: list[str] | tuple = ()) -> Meeting:
    """Record that the meeting was held: its minutes and decisions. The overdue action items on its
    agenda at that moment are kept on it."""
    from chengguan.duty.permissions import can_organise_meetings

    can_organise_meetings.refuse(actor, meeting)
    if not str(minutes or "").strip():
        raise _meeting_invalid({"minutes": [_("请填写会议纪要")]})
    with transaction.atomic():
        locked = _planned(meeting)
        carried = selectors.carried_items(locked)
        last = locked.agenda.order_by("-order").values_list("order", flat=True).first() or 0
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=locked, order=last + 1 + i, title=item.title, carried=item)
            for i, item in enumerate(carried)
        )
        Decision.objects.bulk_create(
            Decision(meeting=locked, order=i + 1, text=str(t).strip())
            for i, t in enumerate(d for d in decisions if str(d).strip())
        )
        locked.minutes = str(minutes).strip()
        locked.state = MeetingState.HELD
        locked.held_at = clock.now()
        locked.save(update_fields=["minutes", "state", "held_at"])
        audit.record(
            actor=actor,
            action="duty.meeting_hold",
            obj=locked,
            after={"decisions": len(decisions), "carried": [i.pk for i in carried], "state": locked.state},
        )
    return locked


def action_item_add(
    *, actor, meeting: Meeting, title: str, due_on: dt.date, unit=None, person=None, decision=None
) -> ActionItem:
    """Assign a task from a meeting to a unit or a person with a due date; they are told at once."""
    from chengguan.duty.permissions import can_organise_meetings

    can_organise_meetings.refuse(actor, meeting)
    errors: dict[str, list[str]] = {}
    if not str(title or "").strip():
        errors["title"] = [_("请填写督办事项")]
    if unit is None and person is None:
        errors["unit"] = [_("请指定承办单位或承办人")]
    if unit is not None and unit.bureau_id != meeting.bureau_id:
        errors["unit"] = [_("承办单位不在本局")]
    if person is not None and getattr(org_selectors.bureau_of(person), "pk", None) != meeting.bureau_id:
        errors["person"] = [_("承办人不是本局工作人员")]
    if due_on is None:
        errors["due_on"] = [_("请填写办结期限")]
    if errors:
        raise _meeting_invalid(errors)
    with transaction.atomic():
        item = ActionItem.objects.create(
            bureau_id=meeting.bureau_id,
            meeting=meeting,
            decision=decision,
            title=str(title).strip()[:200],
            unit=unit,
            person=person,
            due_on=due_on,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="duty.action_item_add",
            obj=item,
            after={
                "meeting": meeting.pk,
                "unit": getattr(unit, "pk", None),
                "person": getattr(person, "pk", None),
                "due_on": due_on,
            },
        )
        transaction.on_commit(lambda: _tell_item(item, "duty.action_item_assigned", actor))
    return item


def _item_recipients(item: ActionItem) -> list:

    if item.person_id:
        return [item.person]
    return org_selectors.staff_holding(*UNIT_DUTY_LEADERS, unit=item.unit)


def _tell_item(item: ActionItem, message: str, actor) -> None:
    from django.urls import reverse

    from chengguan.notifications.services import notify

    notify(
        recipients=_item_recipients(item),
        message=message,
        key=f"duty:item:{item.pk}:{message}:{item.due_on.isoformat()}",
        params={"title": item.title, "meeting": item.meeting.title, "due": item.due_on.isoformat()},
        url=reverse("duty:meeting", args=[item.meeting_id]) + f"#item-{item.pk}",
        obj=item,
        actor=actor,
    )


def action_item_transition(*, actor, item: ActionItem, action: str, **data) -> ActionItem:
    """Report done, reopen or cancel an action item (the table in duty.states)."""
    from chengguan.duty.states import ITEM_MACHINE

    return ITEM_MACHINE.apply(item, action, actor=actor, **data)


def action_items_remind(*, actor, bureau, today: dt.date | None = None) -> int:
    """Tell the assignees of the bureau's open action items past their due date, once per due date
    (the daily job and `chengguan duty remind`); the items also join the next meeting's agenda."""
    from chengguan.duty.permissions import can_organise_meetings

    can_organise_meetings.refuse(actor, bureau)
    today = today or clock.today()
    done = 0
    late = ActionItem.objects.filter(bureau=bureau, state=ItemState.OPEN, due_on__lt=today).select_related(
        "meeting", "unit", "person"
    )
    for item in late:
        if item.overdue_notified_on == item.due_on:
            continue
        with transaction.atomic():
            locked = ActionItem.objects.select_for_update().get(pk=item.pk)
            if locked.overdue_notified_on == locked.due_on or locked.state != ItemState.OPEN:
                continue
            locked.overdue_notified_on = locked.due_on
            locked.save(update_fields=["overdue_notified_on"])
            audit.record(
                actor=actor, action="duty.action_item_overdue", obj=locked, after={"due_on": item.due_on}
            )
            _tell_item(item, "duty.action_item_overdue", actor)
            done += 1
    return done


# -- Major-matter notices (重大事项通报) --------------------------------------------------------------


def _notice_readers(units, people) -> list[tuple]:
    """(person, unit) for everyone who must read: the named people, and each named unit's leaders
    (squad leader, shift leader, leader; its whole staff when it has none)."""
    from chengguan.org.models import StaffProfile

    out: dict[int, tuple] = {}
    for person in people:
        profile = org_selectors.profile_of(person)
        if profile is not None:
            out.setdefault(person.pk, (person, profile.organisation))
    for unit in units:
        staff = StaffProfile.objects.filter(organisation=unit, user__is_active=True).exclude(
            roles__code__in=NOT_A_PERSON
        )
        leaders = staff.filter(roles__code__in=NOTICE_UNIT_READERS).distinct()
        for profile in (leaders if leaders.exists() else staff.distinct()).select_related("user"):
            out.setdefault(profile.user_id, (profile.user, unit))
    return list(out.values())


def notice_issue(
    *,
    actor,
    bureau,
    kind: str,
    level: str,
    title: str,
    body: str,
    units: list | tuple = (),
    people: list | tuple = (),
    response_required: bool = False,
    respond_within: dt.timedelta | None = None,
) -> Notice:
    """Issue a major-matter notice to units and people: each gets a receipt and is told at once; it
    must be read within its level's time (`duty.notices`), and answered by `respond_within` when a
    response is asked for."""
    from chengguan.duty import notices
    from chengguan.duty.errors import NoticeError
    from chengguan.duty.permissions import can_issue_notices

    can_issue_notices.refuse(actor, bureau)
    errors: dict[str, list[str]] = {}
    if kind not in NoticeKind.values:
        errors["kind"] = [_("未知的事项类型")]
    if level not in NoticeLevel.values:
        errors["level"] = [_("未知的等级")]
    if not str(title or "").strip():
        errors["title"] = [_("请填写标题")]
    if not str(body or "").strip():
        errors["body"] = [_("请填写通报内容")]
    if any(u.bureau_id != bureau.pk for u in units):
        errors["units"] = [_("阅知单位不在本局")]
    if any(getattr(org_selectors.bureau_of(p), "pk", None) != bureau.pk for p in people):
        errors["people"] = [_("阅知人员不是本局工作人员")]
    readers = [] if errors else _notice_readers(units, people)
    if not errors and not readers:
        errors["units"] = [_("请指定阅知单位或人员")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=NoticeError.INVALID, fields=errors)
    now = clock.now()
    read_by = now + notices.read_within(level)
    with transaction.atomic():
        notice = Notice.objects.create(
            bureau=bureau,
            kind=kind,
            level=level,
            title=str(title).strip()[:120],
            body=str(body).strip(),
            issued_by=actor,
            issued_at=now,
            read_by=read_by,
            response_required=bool(response_required),
            respond_by=(now + (respond_within or dt.timedelta(hours=24))) if response_required else None,
        )
        NoticeReceipt.objects.bulk_create(NoticeReceipt(notice=notice, person=p, unit=u) for p, u in readers)
        audit.record(
            actor=actor,
            action="duty.notice_issue",
            obj=notice,
            after={
                "kind": kind,
                "level": level,
                "readers": sorted(p.pk for p, _u in readers),
                "read_by": read_by,
                "respond_by": notice.respond_by,
            },
        )
        transaction.on_commit(
            lambda: _tell_notice(notice, [p for p, _u in readers], "duty.notice_issued", actor, "issued")
        )
    return notice


def _tell_notice(notice: Notice, recipients, message: str, actor, step: str, who: str = "") -> None:
    from django.urls import reverse

    from chengguan.notifications.services import notify

    notify(
        recipients=recipients,
        message=message,
        key=f"duty:notice:{notice.pk}:{step}",
        params={
            "title": notice.title,
            "level": str(NoticeLevel(notice.level).label),
            "due": f"{notice.read_by.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}",
            "who": who,
        },
        url=reverse("duty:notice", args=[notice.pk]),
        obj=notice,
        actor=actor,
    )


def _own_receipt(actor, notice: Notice) -> NoticeReceipt:
    from chengguan.duty.errors import NoticeError
    from chengguan.duty.permissions import can_read_notice

    can_read_notice.refuse(actor, notice)
    receipt = (
        NoticeReceipt.objects.select_for_update().select_related("notice").get(notice=notice, person=actor)
    )
    if receipt.notice.closed_at is not None:
        raise Conflict(_("该通报已经办结。"), code=NoticeError.CLOSED)
    return receipt


def notice_read(*, actor, notice: Notice) -> NoticeReceipt:
    """Acknowledge a notice (the read receipt); acknowledging again changes nothing."""
    with transaction.atomic():
        receipt = _own_receipt(actor, notice)
        if receipt.read_at is None:
            receipt.read_at = clock.now()
            receipt.save(update_fields=["read_at"])
            audit.record(
                actor=actor, action="duty.notice_read", obj=notice, after={"read_at": receipt.read_at}
            )
    return receipt


def notice_respond(*, actor, notice: Notice, response: str) -> NoticeReceipt:
    """Answer a notice (reading it if not yet read)."""
    from chengguan.duty.errors import NoticeError

    if not str(response or "").strip():
        raise ValidationFailed(
            _("请填写回复"), code=NoticeError.INVALID, fields={"response": [_("请填写回复")]}
        )
    with transaction.atomic():
        receipt = _own_receipt(actor, notice)
        now = clock.now()
        receipt.read_at = receipt.read_at or now
        receipt.response = str(response).strip()
        receipt.responded_at = now
        receipt.save(update_fields=["read_at", "response", "responded_at"])
        audit.record(actor=actor, action="duty.notice_respond", obj=notice, after={"responded_at": now})
    return receipt


def notice_close(*, actor, notice: Notice) -> Notice:
    """Close a notice: the matter is dealt with; no more escalation."""
    from chengguan.duty.errors import NoticeError
    from chengguan.duty.permissions import can_issue_notices

    can_issue_notices.refuse(actor, notice)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.closed_at is not None:
            raise Conflict(_("该通报已经办结。"), code=NoticeError.CLOSED)
        locked.closed_at = clock.now()
        locked.save(update_fields=["closed_at"])
        audit.record(
            actor=actor, action="duty.notice_close", obj=locked, after={"closed_at": locked.closed_at}
        )
    return locked


def notices_escalate(*, actor, bureau, now: dt.datetime | None = None) -> int:
    """Escalate each receipt of the bureau's open notices that is unread after the deadline to read
    (or unanswered after the deadline to respond) to the next level: the reader's unit leaders first,
    the bureau's leaders one window later. Run by the job every 15 minutes and by
    `chengguan duty notices`; each step happens once."""
    from chengguan.duty import notices
    from chengguan.duty.permissions import can_issue_notices

    can_issue_notices.refuse(actor, bureau)
    now = now or clock.now()
    steps = 0
    receipts = (
        NoticeReceipt.objects.filter(notice__bureau=bureau, notice__closed_at__isnull=True)
        .filter(escalation__lt=notices.STEPS)
        .select_related("notice", "unit", "person__profile")
        .order_by("pk")
    )
    for r in receipts:
        target = notices.due_step(r.notice, r, now)
        if target <= r.escalation:
            continue
        with transaction.atomic():
            locked = NoticeReceipt.objects.select_for_update().get(pk=r.pk)
            target = notices.due_step(r.notice, locked, now)
            for step in range(locked.escalation + 1, target + 1):
                if step == 1:
                    to = org_selectors.staff_holding(*NOTICE_UNIT_READERS, unit=locked.unit)
                else:
                    to = org_selectors.staff_holding(*NOTICE_ESCALATION, bureau_id=bureau.pk)
                to = [u for u in to if u.pk != locked.person_id]
                audit.record(
                    actor=actor,
                    action="duty.notice_escalate",
                    obj=r.notice,
                    after={
                        "receipt": locked.pk,
                        "person": locked.person_id,
                        "step": step,
                        "to": [u.pk for u in to],
                    },
                )
                name = getattr(getattr(r.person, "profile", None), "full_name", "") or r.person.username
                _tell_notice(r.notice, to, "duty.notice_escalated", actor, f"{locked.pk}:{step}", who=name)
                steps += 1
            if target > locked.escalation:
                locked.escalation = target
                locked.escalated_at = now
                locked.save(update_fields=["escalation", "escalated_at"])
    return steps


# -- Duty log and handover (值班日志, 交接班) -------------------------------------------------------------


def log_add(*, actor, shift: Shift, kind: str, text: str, at: dt.datetime | None = None) -> LogEntry:
    """Record an event of the shift: a call, an incident, a leader's instruction."""
    from chengguan.duty.errors import HandoverError
    from chengguan.duty.permissions import can_keep_log

    can_keep_log.refuse(actor, shift, action=_("记录值班日志"))
    at = at or clock.now()
    errors: dict[str, list[str]] = {}
    if kind not in EntryKind.values:
        errors["kind"] = [_("未知的类型")]
    if not str(text or "").strip():
        errors["text"] = [_("请填写内容")]
    if not (shift.starts_at - CLOCK_IN_WINDOW <= at <= shift.ends_at + CLOCK_IN_WINDOW):
        errors["at"] = [_("时间不在本班时段内")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=HandoverError.INVALID, fields=errors)
    with transaction.atomic():
        entry = LogEntry.objects.create(
            shift=shift, kind=kind, at=at, text=str(text).strip(), recorded_by=actor
        )
        audit.record(
            actor=actor, action="duty.log_add", obj=entry, after={"shift": shift.pk, "kind": kind, "at": at}
        )
    return entry


def handover_give(*, actor, shift: Shift, notes: str, open_matters: str = "") -> Handover:
    """Hand the shift over to the next shift of its unit, which must accept it; its people are told."""
    from chengguan.duty.errors import HandoverError
    from chengguan.duty.permissions import can_keep_log

    can_keep_log.refuse(actor, shift, action=_("交班"))
    if not str(notes or "").strip():
        raise ValidationFailed(
            _("请填写交班情况"), code=HandoverError.INVALID, fields={"notes": [_("请填写交班情况")]}
        )
    following = selectors.next_shift(shift)
    if following is None:
        raise Conflict(_("该单位没有下一班，无法交班。"), code=HandoverError.NO_NEXT_SHIFT)
    with transaction.atomic():
        Shift.objects.select_for_update().get(pk=shift.pk)
        if Handover.objects.filter(shift=shift).exists():
            raise Conflict(_("本班已经交班。"), code=HandoverError.ALREADY)
        h = Handover.objects.create(
            bureau_id=shift.unit.bureau_id,
            shift=shift,
            next_shift=following,
            notes=str(notes).strip(),
            open_matters=str(open_matters or "").strip(),
            handed_by=actor,
            handed_at=clock.now(),
        )
        audit.record(
            actor=actor, action="duty.handover", obj=h, after={"shift": shift.pk, "next_shift": following.pk}
        )
        transaction.on_commit(lambda: _tell_handover(h, actor))
    return h


def _tell_handover(h: Handover, actor) -> None:
    from django.urls import reverse

    from chengguan.notifications.services import notify

    people = [a.staff for a in h.next_shift.assignments.filter(on_leave=False).select_related("staff")]
    notify(
        recipients=people,
        message="duty.handover_waiting",
        key=f"duty:handover:{h.pk}",
        params={"unit": h.shift.unit.name, "shift": h.shift.name, "date": h.shift.date.isoformat()},
        url=reverse("duty:log", args=[h.next_shift_id]),
        obj=h,
        actor=actor,
    )


def handover_transition(*, actor, handover: Handover, action: str, **data) -> Handover:
    """Accept a handover (the table in duty.states)."""
    from chengguan.duty.states import HANDOVER_MACHINE

    return HANDOVER_MACHINE.apply(handover, action, actor=actor, **data)

"""Demo duty: this month's rosters for the bureau (24-hour, with 带班领导 and 值班长) and every squad
(day and night shifts), a week of attendance, patrol tracks along the lattice's streets (the grid
edges) and 督察 findings in every state. Everything goes through the duty services as the bureau's
system account and the people concerned, with the clock pinned to when it happened, so the audit
trail reads like a month of real work.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import transaction

from chengguan.core import clock
from chengguan.duty import services
from chengguan.duty.models import Assignment, DayKind, FindingKind, FindingState, Post
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind, StaffProfile
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor

ATTENDANCE_DAYS = 7
FINDINGS = 60
PATROLS = 200
PLACES = ("人民路", "建设路", "中原路", "桐柏路", "嵩山路", "伏牛路", "淮河路", "华山路", "棉纺路", "秦岭路")
FINDING_TEXT = {
    FindingKind.NOT_ON_POST: "早高峰时段岗位无人，未见值班队员",
    FindingKind.DISCIPLINE: "执勤时未按规定着装",
    FindingKind.STREET: "店外经营问题持续两小时无人处置",
}


@dataclass
class DutyDemoSummary:
    shifts: int = 0
    assignments: int = 0
    patrols: int = 0
    findings: int = 0
    streets: int = 0
    meetings: int = 0
    notices: int = 0
    log_entries: int = 0
    handovers: int = 0
    action_items: int = 0
    seconds: float = 0.0


def _people(unit: Organisation, *roles: str) -> list:
    qs = StaffProfile.objects.filter(organisation=unit, roles__code__in=roles).select_related("user")
    return [p.user for p in qs.order_by("pk").distinct()]


def _pattern(actor, unit, *, day: dict, night: dict | None) -> None:
    for kind in DayKind.values:
        services.template_add(
            actor=actor, unit=unit, day_kind=kind, name="白班", starts=dt.time(8), hours=12, **day
        )
        if night:
            services.template_add(
                actor=actor, unit=unit, day_kind=kind, name="夜班", starts=dt.time(20), hours=12, **night
            )


def _fill(actor, rosters: list, people: list, posts_of, summary: DutyDemoSummary) -> None:
    """Assign the posts shift by shift across the rosters (in time order), rotating through `people`
    so nobody holds two at once."""
    k = 0
    shifts = [s for roster in rosters for s in roster.shifts.order_by("starts_at")]
    for shift in sorted(shifts, key=lambda s: (s.starts_at, s.pk)):
        summary.shifts += 1
        for post in posts_of(shift):
            services.shift_assign(actor=actor, shift=shift, staff=people[k % len(people)], post=post)
            summary.assignments += 1
            k += 1


def _posts(shift) -> list[str]:
    return [p for p, n in shift.needs().items() for _ in range(n)]


def _attend(today: dt.date, now: dt.datetime) -> None:
    """The last week's assignees clocked in ten minutes before their shift and out at its end."""
    start = today - dt.timedelta(days=ATTENDANCE_DAYS)
    rows = Assignment.objects.filter(shift__date__gte=start, shift__starts_at__lte=now).select_related(
        "shift", "staff"
    )
    for a in rows.order_by("shift__starts_at", "pk"):
        with clock.pinned(a.shift.starts_at - dt.timedelta(minutes=10)):
            services.clock_in(actor=a.staff, assignment=a)
        if a.shift.ends_at <= now:
            with clock.pinned(a.shift.ends_at):
                services.clock_out(actor=a.staff, assignment=a)


def _walk(rng: random.Random, grids: list[Grid], start: dt.datetime, minutes: int) -> list[dict]:
    """A walk along the grid edges (the lattice's streets), one fix a minute, 5–30 m accuracy."""
    g = rng.choice(grids)
    dlon, dlat = g.max_lon - g.min_lon, g.max_lat - g.min_lat
    lon, lat = g.min_lon, g.min_lat
    heading = rng.choice(((1, 0), (0, 1), (-1, 0), (0, -1)))
    points = []
    for m in range(minutes):
        if m % 2 == 0 and rng.random() < 0.3:
            heading = rng.choice(((1, 0), (0, 1), (-1, 0), (0, -1)))
        # About 70 m a minute: seven tenths of a cell edge.
        lon += heading[0] * dlon * 0.7
        lat += heading[1] * dlat * 0.7
        points.append(
            {"time": start + dt.timedelta(minutes=m), "lon": lon, "lat": lat, "accuracy": rng.randint(5, 30)}
        )
    return points


def _patrols(
    rng: random.Random, squads: list[Organisation], now: dt.datetime, summary: DutyDemoSummary
) -> None:
    grids = {
        s.pk: list(Grid.objects.filter(squad=s).only("min_lon", "min_lat", "max_lon", "max_lat")[:200])
        for s in squads
    }
    candidates = list(
        Assignment.objects.filter(
            shift__unit__in=squads, clock_in_at__isnull=False, post=Post.OFFICER, shift__ends_at__lte=now
        )
        .select_related("shift", "staff")
        .order_by("shift__starts_at", "pk")
    )
    rng.shuffle(candidates)
    for a in candidates[:PATROLS]:
        if not grids.get(a.shift.unit_id):
            continue
        begin = a.shift.starts_at + dt.timedelta(minutes=rng.randint(30, 240))
        minutes = rng.randint(40, 120)
        with clock.pinned(begin):
            patrol = services.patrol_start(actor=a.staff)
        points = _walk(rng, grids[a.shift.unit_id], begin, minutes)
        with clock.pinned(begin + dt.timedelta(minutes=minutes)):
            services.patrol_upload(actor=a.staff, patrol=patrol, key="demo-1", points=points)
            services.patrol_end(actor=a.staff, patrol=patrol)
        summary.patrols += 1


# Two strict-control streets along the first squads' busiest rows of grids, with their on-post hours.
STREETS = (
    ("人民路严管街", "strict", dt.time(8), dt.time(20)),
    ("中原路示范街", "model", dt.time(7), dt.time(22)),
)


def _streets(bureau, squads, now: dt.datetime, summary: DutyDemoSummary) -> None:
    from chengguan.duty import tracks
    from chengguan.duty.models import Patrol

    admin = (_people(bureau, R.ADMIN) or [system_actor(bureau)])[0]
    # Rows of grids (a squad's grids at one latitude), by how often the squads' patrols crossed them.
    rows: dict[tuple[int, float], list[Grid]] = {}
    for squad in squads:
        for g in Grid.objects.filter(squad=squad).order_by("min_lat", "min_lon"):
            rows.setdefault((squad.pk, g.min_lat), []).append(g)
    visits = dict.fromkeys(rows, 0)
    for p in Patrol.objects.filter(unit__in=squads).only("unit_id", "points", "started_at")[:100]:
        for point in tracks.unpack(p.points)[::5]:
            for (unit_id, _lat), grids in rows.items():
                if unit_id == p.unit_id and grids[0].min_lat <= point.lat < grids[0].max_lat:
                    visits[(unit_id, _lat)] += 1
    busiest = sorted(rows, key=lambda k: (-visits[k], k))
    for (name, kind, starts, ends), row in zip(STREETS, busiest, strict=False):
        with clock.pinned(now):
            services.street_define(
                actor=admin,
                bureau=bureau,
                name=name,
                kind=kind,
                grids=rows[row][:6],
                starts=starts,
                ends=ends,
            )
        summary.streets += 1


MEETING_ITEMS = (
    "清理辖区主干道占道经营",
    "报送节假日值班表",
    "整治夜市油烟扰民",
    "排查户外广告牌安全隐患",
    "落实门前三包责任书续签",
    "督促渣土车辆密闭运输",
)


def _meetings(rng: random.Random, bureau, squads, today: dt.date, summary: DutyDemoSummary) -> None:
    """Four Monday meetings: the last three held (minutes, decisions, attendance, action items, most
    done, one left open past its due date) and this week's planned, carrying the overdue item."""
    from chengguan.duty.models import AttendanceStatus

    admin = (_people(bureau, R.ADMIN) or [system_actor(bureau)])[0]
    now = clock.now()
    this_week = services.monday_of(today)
    k = 0
    for weeks_ago in (3, 2, 1, 0):
        week_of = this_week - dt.timedelta(weeks=weeks_ago)
        day = services.monday_meeting_day(week_of)
        with clock.pinned(dt.datetime.combine(week_of, dt.time(7), clock.SHANGHAI)):
            made = services.monday_meetings_schedule(actor=admin, bureau=bureau, today=week_of, weeks=1)
        if not made:
            continue
        meeting = made[0]
        summary.meetings += 1
        held_at = dt.datetime.combine(day, dt.time(10), clock.SHANGHAI)
        if held_at > now:
            continue
        with clock.pinned(held_at):
            marks = {
                a.person_id: rng.choice(
                    (AttendanceStatus.PRESENT,) * 8 + (AttendanceStatus.LATE, AttendanceStatus.EXCUSED)
                )
                for a in meeting.attendees.all()
            }
            services.attendance_record(actor=admin, meeting=meeting, marks=marks)
            services.meeting_hold(
                actor=admin,
                meeting=meeting,
                minutes="通报上周案件办理、督察整改和值班情况，部署本周重点工作。",
                decisions=["各中队本周内完成辖区主干道整治", "节假日期间严格落实24小时值班制度"],
            )
            for _ in range(2):
                squad = squads[k % len(squads)]
                item = services.action_item_add(
                    actor=admin,
                    meeting=meeting,
                    title=MEETING_ITEMS[k % len(MEETING_ITEMS)],
                    unit=squad,
                    due_on=day + dt.timedelta(days=4),
                )
                summary.action_items += 1
                k += 1
                # The first meeting's second item is left open past its due date (it is carried).
                if weeks_ago == 3 and k == 2:
                    continue
                done_at = held_at + dt.timedelta(days=rng.randint(1, 3))
                leader = (_people(squad, R.SQUAD_LEADER) or [admin])[0]
                if done_at <= now:
                    with clock.pinned(done_at):
                        services.action_item_transition(
                            actor=leader, item=item, action="complete", result="已按要求办结"
                        )


LOG_TEXT = (
    ("call", "市民来电反映夜市油烟扰民，已转指挥中心派遣"),
    ("incident", "建设路井盖缺失，已设置警示并通知权属单位"),
    ("instruction", "带班领导要求加强重点路段夜间巡查"),
    ("call", "12345转办：商户占道经营，已派中队核查"),
    ("other", "值班车辆检查完毕，执法记录仪电量充足"),
)


def _logs(rng: random.Random, bureau, now: dt.datetime, summary: DutyDemoSummary) -> None:
    """The bureau's 24-hour shifts of the last week: a few log entries each and a handover to the next
    shift, accepted at 08:30 — the latest one still waiting to be accepted."""
    from chengguan.duty.models import Shift

    shifts = list(
        Shift.objects.filter(
            unit=bureau, ends_at__lte=now, starts_at__gte=now - dt.timedelta(days=ATTENDANCE_DAYS)
        )
        .prefetch_related("assignments__staff")
        .order_by("starts_at")
    )
    for i, shift in enumerate(shifts):
        people = [a.staff for a in shift.assignments.all() if not a.on_leave]
        if not people:
            continue
        for k in range(rng.randint(2, 4)):
            kind, text = LOG_TEXT[(i + k) % len(LOG_TEXT)]
            moment = shift.starts_at + dt.timedelta(hours=rng.randint(1, 22), minutes=rng.randint(0, 59))
            with clock.pinned(moment):
                services.log_add(actor=people[-1], shift=shift, kind=kind, text=text, at=moment)
            summary.log_entries += 1
        with clock.pinned(shift.ends_at - dt.timedelta(minutes=10)):
            h = services.handover_give(
                actor=people[-1],
                shift=shift,
                notes="本班情况平稳，来电均已处理",
                open_matters="夜市油烟问题待回访",
            )
        summary.handovers += 1
        taker = [a.staff for a in h.next_shift.assignments.all() if not a.on_leave]
        if taker and i < len(shifts) - 1:
            with clock.pinned(h.next_shift.starts_at):
                services.handover_transition(actor=taker[-1], handover=h, action="accept", note="已接班")


NOTICES = (
    (
        "media",
        "major",
        "人民路夜市占道经营被本地媒体曝光",
        "请相关中队立即核查处置，当日报告处置情况。",
        True,
    ),
    ("superior", "serious", "市城管委督办：建设路渣土撒漏", "请于24小时内完成清理并回复整改情况。", True),
    ("emergency", "grave", "暴雨红色预警：全员在岗值守", "各单位立即落实防汛值守，带班领导在岗。", False),
)


def _notices(rng: random.Random, bureau, squads, now: dt.datetime, summary: DutyDemoSummary) -> None:
    """Three notices of the last days: most receipts read and answered, some left unread so the
    escalation job has taken them up a level."""
    from chengguan.duty.scheduled import notices_escalate

    leader = (_people(bureau, R.LEADER) or [system_actor(bureau)])[0]
    for i, (kind, level, title, body, respond) in enumerate(NOTICES):
        issued = now - dt.timedelta(days=3 - i, hours=rng.randint(1, 5))
        with clock.pinned(issued):
            notice = services.notice_issue(
                actor=leader,
                bureau=bureau,
                kind=kind,
                level=level,
                title=title,
                body=body,
                units=squads[:3],
                response_required=respond,
                respond_within=dt.timedelta(hours=24),
            )
        for k, receipt in enumerate(notice.receipts.select_related("person").order_by("pk")):
            if k % 3 == 2:
                continue  # left unread: escalated below
            with clock.pinned(issued + dt.timedelta(minutes=rng.randint(5, 50))):
                if respond:
                    services.notice_respond(
                        actor=receipt.person, notice=notice, response="已核查处置，情况已报告"
                    )
                else:
                    services.notice_read(actor=receipt.person, notice=notice)
        summary.notices += 1
    notices_escalate(now)


# The steps that take a finding to each state (the last state is where it stays).
PATHS = {
    FindingState.RECTIFYING: [],
    FindingState.REPORTED: ["report"],
    FindingState.CLOSED: ["report", "close"],
    FindingState.CONTESTED: ["contest"],
    FindingState.REVOKED: ["contest", "revoke"],
}


def _findings(rng: random.Random, bureau, squads, today: dt.date, summary: DutyDemoSummary) -> None:
    inspectors = [
        p.user
        for p in StaffProfile.objects.filter(organisation__bureau=bureau, roles__code=R.FORCE_INSPECTOR)
    ]
    inspector = inspectors[0] if inspectors else system_actor(bureau)
    leaders = _people(bureau, R.LEADER) or [system_actor(bureau)]
    states = list(PATHS)
    for i in range(FINDINGS):
        squad = squads[i % len(squads)]
        kind = list(FindingKind.values)[i % 3]
        observed = dt.datetime.combine(
            today - dt.timedelta(days=rng.randint(1, 30)), dt.time(rng.randint(8, 18)), clock.SHANGHAI
        )
        unit_leader = (_people(squad, R.SQUAD_LEADER) or [system_actor(bureau)])[0]
        with clock.pinned(observed):
            f = services.finding_record(
                actor=inspector,
                unit=squad,
                kind=kind,
                discipline="uniform" if kind == FindingKind.DISCIPLINE else "",
                description=FINDING_TEXT[kind],
                place=f"{rng.choice(PLACES)}{rng.randint(1, 300)}号附近",
            )
        steps = PATHS[states[i % len(states)]]
        if i % 10 == 2:
            steps = ["report", "send_back", "report", "close"]  # put right at the second attempt
        moment = observed
        for step in steps:
            moment += dt.timedelta(hours=rng.randint(2, 20))
            who = {
                "report": unit_leader,
                "contest": unit_leader,
                "send_back": inspector,
                "close": inspector,
                "revoke": leaders[0],
            }[step]
            data = {
                "report": {"rectification": "已整改到位，现场照片已上传"},
                "contest": {"reason": "当时正在处置案件，有记录可查"},
                "send_back": {"reason": "复查时问题仍然存在"},
                "close": {"note": "复查合格"},
                "revoke": {"note": "经核实确有处置任务，撤销认定"},
            }[step]
            with clock.pinned(moment):
                services.finding_transition(actor=who, finding=f, action=step, **data)
        summary.findings += 1


def seed_duty(bureau: Organisation, seed: int = 1, *, today: dt.date | None = None) -> DutyDemoSummary:
    began = time.monotonic()
    rng = random.Random(f"chengguan-demo:{seed}:duty")
    now = clock.now()
    today = today or clock.today()
    month = today.replace(day=1)
    # Early in a month the last week's attendance and patrols reach into the month before: its
    # rosters too, so the week's on-post rate has data whatever the day.
    months = [month]
    if (today - month).days < ATTENDANCE_DAYS:
        months.insert(0, (month - dt.timedelta(days=1)).replace(day=1))
    system = system_actor(bureau)
    summary = DutyDemoSummary()
    squads = list(Organisation.objects.filter(bureau=bureau, kind=OrgKind.SQUAD).order_by("path"))
    with (
        transaction.atomic(),
        clock.pinned(dt.datetime.combine(months[0], dt.time(0), clock.SHANGHAI) - dt.timedelta(days=3)),
    ):
        # The bureau's 24-hour duty: a leader on duty (带班领导) and a shift leader (值班长) of the
        # command centre, handing over at 08:30.
        leaders = _people(bureau, R.LEADER)
        chiefs = [
            p.user
            for p in StaffProfile.objects.filter(organisation__bureau=bureau, roles__code=R.SHIFT_LEADER)
        ]
        if leaders and chiefs:
            for kind in DayKind.values:
                services.template_add(
                    actor=system,
                    unit=bureau,
                    day_kind=kind,
                    name="24小时值班",
                    starts=dt.time(8, 30),
                    hours=24,
                    leaders=1,
                    chiefs=1,
                )
            shifts = [
                shift
                for m in months
                for shift in services.roster_generate(actor=system, unit=bureau, month=m).shifts.order_by(
                    "starts_at"
                )
            ]
            for k, shift in enumerate(shifts):
                services.shift_assign(
                    actor=system, shift=shift, staff=leaders[k % len(leaders)], post=Post.LEADER
                )
                services.shift_assign(
                    actor=system, shift=shift, staff=chiefs[k % len(chiefs)], post=Post.CHIEF
                )
                summary.shifts += 1
                summary.assignments += 2
        for squad in squads:
            people = _people(squad, R.SQUAD_LEADER) + _people(squad, R.HANDLER)
            if len(people) < 2:
                continue
            night = {"officers": 2} if len(people) >= 5 else None
            _pattern(system, squad, day={"chiefs": 1, "officers": min(2, len(people) - 1)}, night=night)
            rosters = [services.roster_generate(actor=system, unit=squad, month=m) for m in months]
            _fill(system, rosters, people, _posts, summary)
    with transaction.atomic():
        _attend(today, now)
        _patrols(rng, squads, now, summary)
        if squads:
            _findings(rng, bureau, squads, today, summary)
            _streets(bureau, squads, now, summary)
            _meetings(rng, bureau, squads, today, summary)
            _notices(rng, bureau, squads, now, summary)
        _logs(rng, bureau, now, summary)
    summary.seconds = round(time.monotonic() - began, 1)
    return summary

"""Reads of the duty app, scoped by the actor's bureau (and unit, for unit staff)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from chengguan.core import clock
from chengguan.duty import rosters
from chengguan.duty.models import Assignment, ChangeState, DayKind, RosterChange, Shift
from chengguan.duty.permissions import can_view_duty, leads_a_duty_unit
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation, OrgKind


def duty_units(actor) -> QuerySet[Organisation]:
    """The units whose rosters `actor` may see: the bureau and its squads and departments."""
    if not can_view_duty(actor):
        return Organisation.objects.none()
    qs = Organisation.objects.filter(kind__in=(OrgKind.BUREAU, OrgKind.SQUAD, OrgKind.DEPARTMENT))
    if org_selectors.sees_everything(actor):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau else qs.none()


def shifts_visible_to(actor) -> QuerySet[Shift]:
    return Shift.objects.filter(unit__in=duty_units(actor).values("pk")).select_related("unit")


@dataclass
class ShiftRow:
    shift: Shift
    assignments: list[Assignment]
    gaps: dict[str, int] = field(default_factory=dict)


@dataclass
class DayRow:
    day: dt.date
    kind: str
    kind_label: str
    shifts: list[ShiftRow]


def week(actor, unit: Organisation, start: dt.date) -> list[DayRow]:
    """The seven days from `start` of a unit's roster, with who holds each post and what is unfilled."""
    end = start + dt.timedelta(days=7)
    shifts = (
        shifts_visible_to(actor)
        .filter(unit=unit, date__gte=start, date__lt=end)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("staff__profile").order_by("post", "pk"),
            )
        )
        .order_by("date", "starts_at")
    )
    by_day: dict[dt.date, list[ShiftRow]] = {}
    for s in shifts:
        people = list(s.assignments.all())
        by_day.setdefault(s.date, []).append(ShiftRow(s, people, rosters.gaps(s, people)))
    days = []
    for i in range(7):
        day = start + dt.timedelta(days=i)
        kind = rosters.day_kind(day)
        days.append(DayRow(day, kind, str(DayKind(kind).label), by_day.get(day, [])))
    return days


def unfilled_shifts(actor, roster) -> list[ShiftRow]:
    """The shifts of a roster with a required post left unfilled (the roster is flagged)."""
    shifts = roster.shifts.prefetch_related("assignments").order_by("starts_at")
    rows = []
    for s in shifts:
        people = list(s.assignments.all())
        missing = rosters.gaps(s, people)
        if missing:
            rows.append(ShiftRow(s, people, missing))
    return rows


def on_duty_now(
    actor, *, at: dt.datetime | None = None, unit: Organisation | None = None
) -> QuerySet[Assignment]:
    """Who is on duty at `at`: clocked in during a rostered shift that is running, not clocked out."""
    moment = at or clock.now()
    qs = (
        Assignment.objects.filter(
            shift__unit__in=duty_units(actor).values("pk"),
            shift__starts_at__lte=moment,
            shift__ends_at__gt=moment,
            clock_in_at__isnull=False,
            clock_in_at__lte=moment,
            on_leave=False,
        )
        .filter(Q(clock_out_at__isnull=True) | Q(clock_out_at__gt=moment))
        .select_related("shift__unit", "staff__profile")
        .order_by("shift__unit__path", "post", "pk")
    )
    return qs.filter(shift__unit=unit) if unit is not None else qs


def is_on_duty(user, moment: dt.datetime) -> Assignment | None:
    """The assignment `user` is on duty in at `moment`, if any (tracks count only while on duty)."""
    return (
        Assignment.objects.filter(
            staff=user,
            shift__starts_at__lte=moment,
            shift__ends_at__gt=moment,
            clock_in_at__isnull=False,
            clock_in_at__lte=moment,
            on_leave=False,
        )
        .filter(Q(clock_out_at__isnull=True) | Q(clock_out_at__gt=moment))
        .select_related("shift__unit")
        .first()
    )


def my_assignments(actor, *, since: dt.datetime | None = None) -> QuerySet[Assignment]:
    """The actor's own shifts from `since` (default: those not yet over)."""
    moment = since or clock.now()
    return (
        Assignment.objects.filter(staff=actor, shift__ends_at__gt=moment)
        .select_related("shift__unit")
        .order_by("shift__starts_at")
    )


def changes_to_decide(actor) -> list[RosterChange]:
    """Pending swaps and leave of the units the actor leads."""
    from chengguan.duty.permissions import can_decide_change

    qs = RosterChange.objects.filter(
        state=ChangeState.PENDING, unit__in=duty_units(actor).values("pk")
    ).select_related("unit", "assignment__shift", "assignment__staff__profile", "replacement__profile")
    return [c for c in qs if can_decide_change(actor, c)]


def patrols_visible_to(actor) -> QuerySet:
    """Patrols of the actor's bureau (their tracks are read through `services.patrol_track`, audited)."""
    from chengguan.duty.models import Patrol

    if not can_view_duty(actor):
        return Patrol.objects.none()
    qs = Patrol.objects.select_related("unit", "staff__profile")
    if org_selectors.sees_everything(actor):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau else qs.none()


def patrol_grids(points) -> list[tuple]:
    """The grids a patrol's good fixes (`tracks.GOOD_ACCURACY_M`) fall in, by code, each with how
    many fixes it holds: the grids the patrol covered. Points are WGS-84, as the grids are."""
    from collections import Counter

    from chengguan.duty.tracks import GOOD_ACCURACY_M
    from chengguan.grids.index import OUTSIDE, get_index
    from chengguan.grids.models import Grid

    good = [p for p in points if p.accuracy <= GOOD_ACCURACY_M]
    if not good:
        return []
    ids = get_index().locate_many([p.lon for p in good], [p.lat for p in good])
    counts = Counter(int(i) for i in ids if i != OUTSIDE)
    return [(g, counts[g.pk]) for g in Grid.objects.filter(pk__in=counts).order_by("code")]


def findings_visible_to(actor) -> QuerySet:
    """督察 findings: the bureau's leaders, office and force inspectors see the bureau's; a unit sees
    the findings against it (and the units below it)."""
    from chengguan.duty.models import Finding
    from chengguan.duty.permissions import sees_bureau_findings

    qs = Finding.objects.select_related("unit", "person__profile", "found_by__profile")
    if not can_view_duty(actor):
        return qs.none()
    if org_selectors.sees_everything(actor):
        return qs
    bureau = org_selectors.bureau_of(actor)
    if bureau is None:
        return qs.none()
    qs = qs.filter(bureau=bureau)
    if sees_bureau_findings(actor):
        return qs
    profile = org_selectors.profile_of(actor)
    return qs.filter(unit__path__startswith=profile.organisation.path)


def on_duty_windows(
    staff_id: int, first: dt.datetime, last: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """When the person was on duty between two moments: clocked in during a rostered shift (not on
    leave), until clocking out or the shift's end."""
    windows = []
    for a in Assignment.objects.filter(
        staff_id=staff_id,
        on_leave=False,
        clock_in_at__isnull=False,
        shift__starts_at__lte=last,
        shift__ends_at__gt=first,
    ).select_related("shift"):
        start = max(a.shift.starts_at, a.clock_in_at)
        end = min(a.shift.ends_at, a.clock_out_at) if a.clock_out_at else a.shift.ends_at
        if end > start:
            windows.append((start, end))
    return windows


def on_duty_spans(staff_id: int, first: dt.datetime, last: dt.datetime) -> list[tuple]:
    """As `on_duty_windows`, with the assignment of each: `(assignment, start, end)` by start."""
    spans = []
    for a in Assignment.objects.filter(
        staff_id=staff_id,
        on_leave=False,
        clock_in_at__isnull=False,
        shift__starts_at__lte=last,
        shift__ends_at__gt=first,
    ).select_related("shift__unit"):
        start = max(a.shift.starts_at, a.clock_in_at)
        end = min(a.shift.ends_at, a.clock_out_at) if a.clock_out_at else a.shift.ends_at
        if end > start:
            spans.append((a, start, end))
    return sorted(spans, key=lambda span: span[1])


def field_assignments(actor, *, now: dt.datetime | None = None) -> QuerySet[Assignment]:
    """The actor's own shifts the field app shows: running or to come, and those of the last day
    still clocked in (to clock out of), earliest first."""
    from chengguan.duty.services import DEVICE_TIME_MAX_AGE

    moment = now or clock.now()
    return (
        Assignment.objects.filter(staff=actor)
        .filter(
            Q(shift__ends_at__gt=moment)
            | Q(
                shift__ends_at__gt=moment - DEVICE_TIME_MAX_AGE,
                clock_in_at__isnull=False,
                clock_out_at__isnull=True,
            )
        )
        .select_related("shift__unit")
        .order_by("shift__starts_at")
    )


def streets_visible_to(actor) -> QuerySet:
    """The strict-control streets of the actor's bureau."""
    from chengguan.duty.models import StrictStreet

    if not can_view_duty(actor):
        return StrictStreet.objects.none()
    qs = StrictStreet.objects.select_related("bureau").prefetch_related("grids")
    if org_selectors.sees_everything(actor):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau else qs.none()


@dataclass
class DayRate:
    day: dt.date
    required: int
    covered: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.required if self.required else None


@dataclass
class OnPostRate:
    street: object
    first: dt.date
    last: dt.date
    required: int
    covered: int
    days: list[DayRate]
    gaps: list[tuple[dt.datetime, dt.datetime]]

    @property
    def rate(self) -> float | None:
        return self.covered / self.required if self.required else None

    @property
    def required_hours(self) -> float:
        return self.required / 4

    @property
    def covered_hours(self) -> float:
        return self.covered / 4


def on_post_rate(actor, street, first: dt.date, last: dt.date) -> OnPostRate:
    """The street's on-post rate from day `first` to `last` (`duty.onpost`): every patrol of the bureau
    overlapping the required hours is read, and only its good points while on duty count."""
    from chengguan.duty import onpost, tracks

    slots = onpost.required_slots(street.starts, street.ends, first, last)
    hit: set[dt.datetime] = set()
    if slots:
        begin, end = slots[0], slots[-1] + onpost.SLOT
        grids = list(street.grids.all())
        if grids:
            area = onpost.area(g.geometry for g in grids)
            patrols = (
                patrols_visible_to(actor)
                .filter(bureau=street.bureau, started_at__lt=end, point_count__gt=0, purged_at__isnull=True)
                .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=begin))
                .order_by("pk")
            )
            windows: dict[int, list] = {}
            found = []
            for p in patrols:
                if p.staff_id not in windows:
                    windows[p.staff_id] = on_duty_windows(p.staff_id, begin, end)
                found.append(onpost.Track(p.started_at, tracks.unpack(p.points), windows[p.staff_id]))
            hit = onpost.covered(slots, area, found)
    days: dict[dt.date, DayRate] = {}
    for s in slots:
        # A slot belongs to the day its required hours began on (a night street's hours run on).
        day = s.astimezone(clock.SHANGHAI).date()
        if s.astimezone(clock.SHANGHAI).time() < street.starts:
            day -= dt.timedelta(days=1)
        row = days.setdefault(day, DayRate(day, 0, 0))
        row.required += 1
        row.covered += s in hit
    gaps: list[tuple[dt.datetime, dt.datetime]] = []
    for s in slots:
        if s in hit:
            continue
        if gaps and gaps[-1][1] == s:
            gaps[-1] = (gaps[-1][0], s + onpost.SLOT)
        else:
            gaps.append((s, s + onpost.SLOT))
    return OnPostRate(street, first, last, len(slots), len(hit), list(days.values()), gaps)


# -- Meetings ---------------------------------------------------------------------------------------


def meetings_visible_to(actor) -> QuerySet:
    """The meetings of the actor's bureau (every member of staff sees them and their minutes)."""
    from chengguan.duty.models import Meeting

    if not can_view_duty(actor):
        return Meeting.objects.none()
    qs = Meeting.objects.select_related("chair__profile")
    if org_selectors.sees_everything(actor):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau else qs.none()


def carried_items(meeting) -> list:
    """The bureau's open action items already overdue on the day of `meeting` and not from it: they go
    on its agenda by themselves (周一例会: unfinished matters are reported on again)."""
    from chengguan.duty.models import ActionItem, ItemState

    day = meeting.starts_at.astimezone(clock.SHANGHAI).date()
    already = meeting.agenda.filter(carried__isnull=False).values("carried_id")
    return list(
        ActionItem.objects.filter(bureau_id=meeting.bureau_id, state=ItemState.OPEN, due_on__lt=day)
        .exclude(meeting=meeting)
        .exclude(pk__in=already)
        .select_related("unit", "person__profile", "meeting")
        .order_by("due_on", "pk")
    )


@dataclass
class AgendaRow:
    title: str
    presenter: str = ""
    carried: object | None = None


def agenda(meeting) -> list[AgendaRow]:
    """The agenda as it stands: the items set for it, then (while it is planned) the overdue action
    items that join it; once held, the carried items are kept with it."""
    from chengguan.duty.models import MeetingState

    rows = [
        AgendaRow(a.title, a.presenter, a.carried)
        for a in meeting.agenda.select_related(
            "carried__unit", "carried__person__profile", "carried__meeting"
        )
    ]
    if meeting.state == MeetingState.PLANNED:
        rows += [AgendaRow(i.title, "", i) for i in carried_items(meeting)]
    return rows


def my_action_items(actor) -> QuerySet:
    """The open action items the actor must see to: their own, and their unit's when they lead it."""
    from chengguan.duty.models import ActionItem, ItemState

    qs = ActionItem.objects.filter(state=ItemState.OPEN).select_related("meeting", "unit", "person__profile")
    mine = Q(person=actor)
    profile = org_selectors.profile_of(actor)
    if profile is not None and leads_a_duty_unit(actor):
        mine |= Q(unit__path__startswith=profile.organisation.path)
    return qs.filter(mine).order_by("due_on", "pk")


# -- Notices ----------------------------------------------------------------------------------------


def notices_visible_to(actor) -> QuerySet:
    """Notices of the actor's bureau: the issuers (office, leaders, shift leaders) see all of them;
    everyone else the ones they must read."""
    from chengguan.duty.models import Notice
    from chengguan.duty.permissions import can_issue_notices

    if not can_view_duty(actor):
        return Notice.objects.none()
    qs = Notice.objects.select_related("issued_by__profile")
    if org_selectors.sees_everything(actor):
        return qs
    bureau = org_selectors.bureau_of(actor)
    if bureau is None:
        return qs.none()
    qs = qs.filter(bureau=bureau)
    if can_issue_notices(actor, bureau):
        return qs
    return qs.filter(receipts__person=actor).distinct()


def unread_notices(actor) -> QuerySet:
    from chengguan.duty.models import Notice

    return Notice.objects.filter(
        closed_at__isnull=True, receipts__person=actor, receipts__read_at__isnull=True
    ).order_by("read_by")


# -- Duty log and handover --------------------------------------------------------------------------


def next_shift(shift) -> Shift | None:
    """The unit's next shift: the first to start after this one starts."""
    return (
        Shift.objects.filter(unit_id=shift.unit_id, starts_at__gt=shift.starts_at)
        .order_by("starts_at", "pk")
        .first()
    )


def cases_during(actor, shift) -> QuerySet:
    """The cases reported during the shift in its unit (the whole bureau for the bureau's own duty),
    as the actor may see them: linked by time and unit, not stored."""
    from chengguan.cases.selectors import cases_visible_to
    from chengguan.org.models import OrgKind

    qs = cases_visible_to(actor).filter(reported_at__gte=shift.starts_at, reported_at__lt=shift.ends_at)
    if shift.unit.kind != OrgKind.BUREAU:
        qs = qs.filter(Q(squad_id=shift.unit_id) | Q(handling_unit_id=shift.unit_id))
    else:
        qs = qs.filter(bureau_id=shift.unit_id)
    return qs.order_by("reported_at")


def pending_handovers(actor) -> QuerySet:
    """Handovers waiting for a shift the actor is rostered on (their to-do)."""
    from chengguan.duty.models import Handover, HandoverState

    return (
        Handover.objects.filter(
            state=HandoverState.PENDING,
            next_shift__assignments__staff=actor,
            next_shift__assignments__on_leave=False,
        )
        .select_related("shift__unit", "next_shift")
        .distinct()
        .order_by("handed_at")
    )

"""Reads of the people app. `uncertified` and `certificate_numbers` are what the enforcement app
asks before an officer takes a step and when it prints the officers on a document (行政处罚法
第四十二条、第五十五条): the registry is the one source of an officer's certificate number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, QuerySet, Sum

from chengguan.core import clock
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import same_bureau
from chengguan.people.models import (
    Attendance,
    Certificate,
    CertificateState,
    Deed,
    DeedState,
    HonourProgramme,
    Nomination,
    NominationState,
    PeopleSettings,
    TrainingSession,
    TrainingState,
    in_force_on,
)

WARNING_DAYS = 30  # the registry warns this many days before a certificate runs out
CURRENT = (CertificateState.VALID, CertificateState.SUSPENDED)


def _ids(users: Iterable) -> list[int]:
    return [getattr(u, "pk", u) for u in users]


def certificate_numbers(users: Iterable, *, on: dt.date) -> dict[int, str]:
    """user id → the number of the certificate in force on `on` (users without one are absent)."""
    rows = (
        Certificate.objects.filter(in_force_on(on), holder_id__in=_ids(users))
        .order_by("holder_id", "-valid_from", "-id")
        .values_list("holder_id", "number")
    )
    numbers: dict[int, str] = {}
    for holder_id, number in rows:
        numbers.setdefault(holder_id, number)
    return numbers


def uncertified(users: Iterable, *, on: dt.date) -> list:
    """The users among `users` who hold no certificate in force on `on`, in the order given."""
    users = list(users)
    certified = certificate_numbers(users, on=on)
    return [u for u in users if getattr(u, "pk", u) not in certified]


def display_name(user) -> str:
    profile = org_selectors.profile_of(user)
    return profile.full_name if profile else user.get_username()


def current_certificate(user) -> Certificate | None:
    """The officer's certificate on file: the newest valid or suspended one."""
    return Certificate.objects.filter(holder=user, state__in=CURRENT).order_by("-valid_from", "-id").first()


def certificates_for(actor) -> QuerySet[Certificate]:
    """The certificates of the actor's bureau (every bureau for superusers and the installation)."""
    qs = Certificate.objects.select_related("holder", "holder__profile", "bureau")
    if org_selectors.sees_everything(actor) or getattr(actor, "is_superuser", False):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau is not None else qs.none()


def expiring(bureau, *, today: dt.date, days: int = WARNING_DAYS) -> QuerySet[Certificate]:
    """The bureau's valid certificates that run out within `days` of `today` (not yet run out)."""
    return Certificate.objects.filter(
        bureau=bureau,
        state=CertificateState.VALID,
        valid_to__gte=today,
        valid_to__lte=today + dt.timedelta(days=days),
    ).select_related("holder")


def expired(bureau, *, today: dt.date) -> QuerySet[Certificate]:
    """The bureau's certificates still on file as valid whose validity has run out (to renew)."""
    renewed = Certificate.objects.filter(in_force_on(today), bureau=bureau).values("holder_id")
    return Certificate.objects.filter(
        bureau=bureau, state=CertificateState.VALID, valid_to__lt=today
    ).exclude(holder_id__in=renewed)


def may_see(actor, certificate: Certificate) -> bool:
    return same_bureau(actor, certificate.bureau_id)


# -- training hours -----------------------------------------------------------------------------------


def required_hours(bureau) -> Decimal:
    """The yearly training hours each officer of `bureau` must reach: the bureau's own setting, else
    `settings.PEOPLE_TRAINING_HOURS_DEFAULT` (60). The default follows the national 《法治政府建设实施纲要
    （2021－2025年）》, which asks that each enforcement officer receive at least 60 hours of training
    in their work and in laws and regulations a year; no Henan provincial figure is built in, so a
    bureau whose province sets another enters it as its own setting."""
    row = PeopleSettings.objects.filter(bureau=bureau).first()
    if row is not None:
        return row.training_hours_required
    return Decimal(str(getattr(settings, "PEOPLE_TRAINING_HOURS_DEFAULT", 60)))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The calendar year on the Shanghai clock, half-open: a session at 23:30 on 31 December counts
    in that year, one at 00:10 on 1 January in the next."""
    return clock.period_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))


def hours_by_officer(bureau, year: int) -> dict[int, Decimal]:
    """user id → training hours credited in `year`: the hours of each held session of the bureau
    they signed in to, counted in the year the session started."""
    start, end = year_bounds(year)
    rows = (
        Attendance.objects.filter(
            session__bureau=bureau,
            session__state=TrainingState.HELD,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .values("staff_id")
        .annotate(total=Sum("hours"))
    )
    return {r["staff_id"]: r["total"] for r in rows}


def officers_of(actor, *, on: dt.date) -> QuerySet:
    """The enforcement officers (staff holding a certificate in force on `on`) the actor leads: a
    squad leader's unit and the units below it; the whole bureau for bureau-wide roles and the
    personnel office."""
    from chengguan.org.models import StaffProfile
    from chengguan.people.permissions import sees_the_whole_force

    bureau = org_selectors.bureau_of(actor)
    if bureau is None:
        return StaffProfile.objects.none()
    holders = Certificate.objects.filter(in_force_on(on), bureau=bureau).values("holder_id")
    qs = StaffProfile.objects.filter(
        organisation__bureau=bureau, user__is_active=True, user_id__in=holders
    ).select_related("organisation", "user")
    if not sees_the_whole_force(actor):
        profile = org_selectors.profile_of(actor)
        qs = qs.filter(organisation__path__startswith=profile.organisation.path) if profile else qs.none()
    return qs.order_by("organisation__path", "full_name")


@dataclass(frozen=True)
class HoursRow:
    profile: object
    hours: Decimal
    required: Decimal

    @property
    def short_by(self) -> Decimal:
        return max(self.required - self.hours, Decimal(0))


def _hours_text(hours: Decimal) -> str:
    """Hours as the record shows them, one decimal on every database (SQLite sums to `4`)."""
    return f"{Decimal(hours):.1f}"


def training_hours(actor, *, year: int, today: dt.date | None = None) -> list[HoursRow]:
    """Each officer the actor leads with their hours this year against the bureau's requirement."""
    today = today or clock.today()
    bureau = org_selectors.bureau_of(actor)
    if bureau is None:
        return []
    hours = hours_by_officer(bureau, year)
    required = required_hours(bureau)
    on = min(today, dt.date(year, 12, 31))
    return [HoursRow(p, hours.get(p.user_id, Decimal(0)), required) for p in officers_of(actor, on=on)]


def short_of_hours(actor, *, year: int, today: dt.date | None = None) -> list[HoursRow]:
    """The officers the actor leads who have not reached the year's required hours, most short first."""
    rows = [r for r in training_hours(actor, year=year, today=today) if r.hours < r.required]
    return sorted(rows, key=lambda r: (r.hours, r.profile.full_name))


def trainings_for(actor) -> QuerySet[TrainingSession]:
    qs = TrainingSession.objects.select_related("bureau").annotate(signed=Count("attendances"))
    if org_selectors.sees_everything(actor) or getattr(actor, "is_superuser", False):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau is not None else qs.none()


def monthly_plan(actor, *, month: dt.date, now: dt.datetime | None = None) -> dict:
    """The month's sessions, and those still to hold (planned, not yet started)."""
    now = now or clock.now()
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    start, end = clock.period_bounds(first, last)
    sessions = list(
        trainings_for(actor).filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at")
    )
    to_hold = [s for s in sessions if s.state == TrainingState.PLANNED and s.starts_at >= now]
    return {"month": first, "sessions": sessions, "to_hold": to_hold}


def attendances_for(actor) -> QuerySet[Attendance]:
    qs = Attendance.objects.select_related("session", "staff", "staff__profile")
    if org_selectors.sees_everything(actor) or getattr(actor, "is_superuser", False):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(session__bureau=bureau) if bureau is not None else qs.none()


# -- honours and deeds ----------------------------------------------------------------------------------


def closed_cases_handled(user, *, start: dt.date, end: dt.date) -> int:
    """Closed-loop cases the officer handled that were closed in the period (cases app, below)."""
    from chengguan.cases.models import Case
    from chengguan.cases.states import CaseState

    since, until = clock.period_bounds(start, end)
    return Case.objects.filter(
        handler=user, state=CaseState.CLOSED, closed_at__gte=since, closed_at__lt=until
    ).count()


# Parts of a nominee's record kept by the apps above this one (the 督察 findings of `duty`, the
# evaluation scores of `stats`): `people` may not import them, so the app that may (`web`) adds a
# gatherer for each when it starts. Each is called with the nominee (`user` or `unit`), the bureau
# and the days `[first, last]` of the programme's period up to the nomination, and returns what the
# nomination stores under its key (JSON).
RecordPart = Callable[..., object]
_RECORD_PARTS: dict[str, RecordPart] = {}


def add_record_part(key: str, gather: RecordPart) -> None:
    """Add (or replace) the part `key` of every nominee's record from now on."""
    _RECORD_PARTS[key] = gather


def record_parts() -> tuple[str, ...]:
    return tuple(_RECORD_PARTS)


def nominee_record(*, user=None, unit=None, programme, today: dt.date | None = None) -> dict:
    """What a nomination carries, gathered from the records (nothing retyped) and frozen in it: for a
    person the certificate, the training hours of each year of the programme's period, the closed-loop
    cases they handled in it and their approved deeds; for a unit its officers' totals. The parts kept
    by the apps above (`findings`, `scores`: `add_record_part`) cover the period up to `today`."""
    record = _own_record(user=user, unit=unit, programme=programme)
    today = today or clock.today()
    first = programme.period_start
    last = max(first, min(programme.period_end, today))
    for key, gather in _RECORD_PARTS.items():
        record[key] = gather(user=user, unit=unit, bureau=programme.bureau, first=first, last=last)
    return record


def _own_record(*, user=None, unit=None, programme) -> dict:
    start, end = programme.period_start, programme.period_end
    years = range(start.year, end.year + 1)
    if user is not None:
        cert = current_certificate(user)
        deeds = list(
            Deed.objects.filter(people=user, state__in=[DeedState.APPROVED, DeedState.PUBLISHED])
            .filter(happened_on__gte=start, happened_on__lte=end)
            .values_list("title", "happened_on")
        )
        hours = {
            str(y): _hours_text(hours_by_officer(programme.bureau, y).get(user.pk, Decimal(0))) for y in years
        }
        return {
            "kind": "person",
            "name": display_name(user),
            "certificate": cert.number if cert else "",
            "training_hours": hours,
            "cases_handled": closed_cases_handled(user, start=start, end=end),
            "deeds": [{"title": t, "on": d.isoformat()} for t, d in deeds],
        }
    from chengguan.org.models import StaffProfile

    members = list(
        StaffProfile.objects.filter(
            organisation__path__startswith=unit.path, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    hours = {
        str(y): _hours_text(
            sum((v for k, v in hours_by_officer(programme.bureau, y).items() if k in members), Decimal(0))
        )
        for y in years
    }
    from chengguan.cases.models import Case
    from chengguan.cases.states import CaseState

    since, until = clock.period_bounds(start, end)
    return {
        "kind": "unit",
        "name": unit.name,
        "members": len(members),
        "training_hours": hours,
        "cases_handled": Case.objects.filter(
            handling_unit__path__startswith=unit.path,
            state=CaseState.CLOSED,
            closed_at__gte=since,
            closed_at__lt=until,
        ).count(),
        "deeds": [
            {"title": t, "on": d.isoformat()}
            for t, d in Deed.objects.filter(
                people__in=members, state__in=[DeedState.APPROVED, DeedState.PUBLISHED]
            )
            .filter(happened_on__gte=start, happened_on__lte=end)
            .distinct()
            .values_list("title", "happened_on")
        ],
    }


def programmes_for(actor) -> QuerySet[HonourProgramme]:
    qs = (
        HonourProgramme.objects.select_related("bureau")
        .annotate(nominated=Count("nominations"))
        .order_by("-period_start", "-pk")  # the running programme first; a stable page order
    )
    if org_selectors.sees_everything(actor) or getattr(actor, "is_superuser", False):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau is not None else qs.none()


def nominations_for(actor) -> QuerySet[Nomination]:
    qs = Nomination.objects.select_related("programme", "nominee__profile", "nominee_unit", "nominating_unit")
    if org_selectors.sees_everything(actor) or getattr(actor, "is_superuser", False):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(programme__bureau=bureau) if bureau is not None else qs.none()


HONOURED = (NominationState.APPROVED, NominationState.PUBLISHED)


def honours_of(*, user=None, unit=None) -> QuerySet[Nomination]:
    """A person's or a unit's history of honours: the nominations approved or published."""
    qs = Nomination.objects.filter(state__in=HONOURED).select_related("programme")
    qs = qs.filter(nominee=user) if user is not None else qs.filter(nominee_unit=unit)
    return qs.order_by("-programme__period_end")


def honour_units(actor) -> list[tuple]:
    """The units of the actor's bureau that may win a unit's honour (十佳中队: squads and departments),
    each as (unit, honours it won, honours its present members won)."""
    from chengguan.org.models import Organisation, OrgKind, StaffProfile

    bureau = org_selectors.bureau_of(actor)
    if bureau is None:
        return []
    units = list(
        Organisation.objects.filter(bureau=bureau, kind__in=[OrgKind.SQUAD, OrgKind.DEPARTMENT]).order_by(
            "path"
        )
    )
    honoured = Nomination.objects.filter(state__in=HONOURED, programme__bureau=bureau)
    won = dict(
        honoured.filter(nominee_unit__isnull=False)
        .values("nominee_unit_id")
        .annotate(n=Count("pk"))
        .values_list("nominee_unit_id", "n")
    )
    unit_of = dict(
        StaffProfile.objects.filter(organisation__bureau=bureau).values_list("user_id", "organisation_id")
    )
    by_unit: dict[int, int] = {}
    for nominee_id in honoured.filter(nominee__isnull=False).values_list("nominee_id", flat=True):
        if nominee_id in unit_of:
            by_unit[unit_of[nominee_id]] = by_unit.get(unit_of[nominee_id], 0) + 1
    paths = dict(Organisation.objects.filter(bureau=bureau).values_list("pk", "path"))
    rows = []
    for u in units:
        below = [pk for pk, path in paths.items() if path.startswith(u.path)]
        rows.append((u, sum(won.get(pk, 0) for pk in below), sum(by_unit.get(pk, 0) for pk in below)))
    return rows


def unit_honours(unit) -> dict:
    """A unit's history of honours: those it won itself (and the units below it won), and those its
    present members won as persons, newest first."""
    from chengguan.org.models import StaffProfile

    own = (
        Nomination.objects.filter(state__in=HONOURED, nominee_unit__path__startswith=unit.path)
        .select_related("programme", "nominee_unit")
        .order_by("-programme__period_end", "-pk")
    )
    members = StaffProfile.objects.filter(organisation__path__startswith=unit.path).values("user_id")
    persons = (
        Nomination.objects.filter(state__in=HONOURED, nominee_id__in=members)
        .select_related("programme", "nominee__profile", "nominee__profile__organisation")
        .order_by("-programme__period_end", "-pk")
    )
    return {"won": list(own), "members": list(persons)}


def deeds_for(actor) -> QuerySet[Deed]:
    qs = Deed.objects.select_related("bureau").prefetch_related("people__profile", "photos")
    if org_selectors.sees_everything(actor) or getattr(actor, "is_superuser", False):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau is not None else qs.none()


def public_deeds() -> QuerySet[Deed]:
    """What the public page shows: deeds approved and published, with the people's consent recorded."""
    return (
        Deed.objects.filter(state=DeedState.PUBLISHED, consent=True)
        .select_related("bureau")
        .prefetch_related("people__profile", "photos")
        .order_by("-happened_on", "-id")
    )


# -- the staff profile and the force's register ------------------------------------------------------


def register_profiles(actor) -> QuerySet:
    """The staff the actor may see on the register: the whole bureau (system accounts left out)."""
    from chengguan.org.models import StaffProfile

    bureau = org_selectors.bureau_of(actor)
    qs = StaffProfile.objects.select_related("organisation", "user").prefetch_related("roles")
    if bureau is None:
        return qs.none() if not getattr(actor, "is_superuser", False) else qs.exclude(roles__code="system")
    return (
        qs.filter(organisation__bureau=bureau)
        .exclude(roles__code="system")
        .order_by("organisation__path", "full_name")
    )


def staff_record(profile, *, today: dt.date) -> dict:
    """What a leader reads on an officer's page: the certificate, this year's training hours, honours,
    deeds, closed-loop cases handled and the 督察 findings against them this year (the findings from
    the same gatherer as a nomination's record)."""
    user = profile.user
    bureau = profile.organisation.bureau or profile.organisation
    year_start = dt.date(today.year, 1, 1)
    gather = _RECORD_PARTS.get("findings")
    findings = gather(user=user, unit=None, bureau=bureau, first=year_start, last=today) if gather else []
    return {
        "findings": findings,
        "certificate": current_certificate(user),
        "certificates": list(Certificate.objects.filter(holder=user).order_by("-valid_from", "-id")),
        "in_force": not uncertified([user], on=today),
        "hours": hours_by_officer(bureau, today.year).get(user.pk, Decimal(0)),
        "required": required_hours(bureau),
        "attendances": list(
            Attendance.objects.filter(staff=user)
            .select_related("session")
            .order_by("-session__starts_at")[:20]
        ),
        "honours": list(honours_of(user=user)),
        "deeds": list(Deed.objects.filter(people=user).order_by("-happened_on")[:20]),
        "cases_handled": closed_cases_handled(user, start=year_start, end=today),
    }


def register_rows(actor, *, today: dt.date) -> Iterable[list]:
    """One row per member of staff for the Excel register of the force."""
    bureau = org_selectors.bureau_of(actor)
    profiles = list(register_profiles(actor))
    users = [p.user for p in profiles]
    certs: dict[int, Certificate] = {}
    for cert in Certificate.objects.filter(holder__in=users, state__in=CURRENT).order_by(
        "-valid_from", "-id"
    ):
        certs.setdefault(cert.holder_id, cert)
    hours = hours_by_officer(bureau, today.year) if bureau else {}
    honours: dict[int, list[str]] = {}
    for n in Nomination.objects.filter(
        nominee__in=users, state__in=[NominationState.APPROVED, NominationState.PUBLISHED]
    ).select_related("programme"):
        honours.setdefault(n.nominee_id, []).append(n.programme.name)
    deeds = dict(
        Deed.objects.filter(people__in=users)
        .values("people")
        .annotate(n=Count("id"))
        .values_list("people", "n")
    )
    for p in profiles:
        cert = certs.get(p.user_id)
        yield [
            p.full_name,
            p.user.username,
            p.organisation.name,
            p.title,
            "、".join(str(r.name) for r in p.roles.all()),
            "是" if p.party_member else "否",
            cert.number if cert else "",
            cert.issuing_authority if cert else "",
            cert.valid_to if cert else None,
            cert.status_label(today) if cert else "无",
            float(hours.get(p.user_id, 0)),
            "、".join(honours.get(p.user_id, [])),
            deeds.get(p.user_id, 0),
        ]


REGISTER_HEADERS = [
    "姓名",
    "用户名",
    "所属单位",
    "职务",
    "角色",
    "中共党员",
    "执法证号",
    "发证机关",
    "执法证有效期至",
    "执法证状态",
    "本年培训学时",
    "荣誉",
    "先进事迹",
]

"""A year of cases for the demo, played through the case services so the audit trail is real.

`generate_case_year()` plans the year (`case_plan.plan_year`), then executes every step of every
case in time order with the clock pinned at the step's moment, through the bulk case writer
(`cases.batch.CaseBatch`): the same checks, due times and audit events as `case_report` and
`case_transition`, written in bulk a few simulated days at a time; supervision (`supervision_create`,
`supervision_reply`) goes through its own services. The year ends at the moment the run started,
so the newest cases are still open, some in warning and some overdue.

Resumable: a transaction holds whole simulated days (`CHUNK_STEPS`). A run writes a
`demo.case_year_started` audit event with its parameters first and `demo.case_year_finished` last;
running it again after an interruption re-plans the same year (deterministic), finds each case by its
idempotency key, counts its audit events to know how many of its steps were done, and carries on
from there.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import io
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Max
from PIL import Image, ImageDraw

from chengguan.cases.batch import CaseBatch
from chengguan.cases.models import Case, Priority, Supervision
from chengguan.cases.states import OPEN_STATES, STAGE_FINISHING, CaseState
from chengguan.cases.supervision import supervision_create, supervision_reply
from chengguan.core import audit, clock, deadlines, evidence
from chengguan.core.errors import Conflict
from chengguan.core.models import AuditEvent
from chengguan.demo import case_plan as P
from chengguan.demo.errors import DemoError
from chengguan.grids.models import Grid
from chengguan.merchants.models import Merchant, MerchantCase, MerchantStatus
from chengguan.merchants.permissions import can_link_cases
from chengguan.org.models import Organisation, OrgKind, StaffProfile
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from chengguan.taxonomy.models import Category

User = get_user_model()
Progress = Callable[[str, int, int], object]
STAGE = "cases"
STARTED, FINISHED = "demo.case_year_started", "demo.case_year_finished"
# Named demo accounts take this share of the work they are eligible for, so their inboxes fill up.
NAMED_SHARE = 0.35
NAMED = frozenset({"inspector", "operator", "dispatcher", "handler", "shift_leader", "leader"})
# Default case counts per demo size: a district bureau handles about 50,000 cases a year. Through the
# bulk writer a case's 7–8 steps cost about 3 ms together (SQLite, 2-core machine, 2026-11), so the
# district's year takes about 2½ minutes; one service call per step (~70 ms a case) took an hour.
DEFAULT_COUNTS = {"small": 300, "district": 50_000, "city": 50_000}
# Steps per transaction: a fiftieth of the year, at most this many (about five days of a district).
# An interrupted run loses at most one transaction's work, which the next run plays again.
CHUNK_STEPS = 5_000


@dataclass
class CaseYearSummary:
    cases: int = 0
    events: int = 0  # audit events of all cases in the database
    steps: int = 0  # service calls this run made (each writes one audit event)
    resumed: bool = False
    seconds: float = 0.0
    states: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        states = "，".join(
            f"{CaseState(k).label} {v}" for k, v in sorted(self.states.items(), key=lambda i: -i[1])
        )
        return [
            f"  案件 {self.cases} 件（审计记录 {self.events} 条{'，续跑' if self.resumed else ''}），"
            f"用时 {self.seconds:.0f}s",
            f"  案件状态：{states}",
        ]


@dataclass(frozen=True)
class Run:
    seed: int
    size: str
    count: int
    end: dt.datetime
    finished: bool

    @property
    def key(self) -> str:
        return P.run_key(self.seed, self.count, self.end)


def latest_run() -> Run | None:
    """The last case-year run recorded in the audit trail, finished or not."""
    started = AuditEvent.objects.filter(action=STARTED).order_by("-id").first()
    if started is None:
        return None
    info = started.after
    finished = AuditEvent.objects.filter(action=FINISHED, object_id=started.object_id).exists()
    end = dt.datetime.fromisoformat(info["end"])
    return Run(info["seed"], info["size"], info["count"], end, finished)


def guess_size() -> str:
    """The size an existing demo was built with, from its bureaus and grids."""
    if Organisation.objects.filter(kind=OrgKind.BUREAU).count() > 1:
        return "city"
    return "small" if Grid.objects.count() <= 200 else "district"


# --- who does the work ---------------------------------------------------------------------------


class Staff:
    """The staff of each bureau by role, the inspectors of each grid and the handlers of each unit."""

    def __init__(self):
        self.by_role: dict[tuple[int, str], list] = defaultdict(list)
        self.by_grid: dict[int, list] = defaultdict(list)
        self.units: dict[int, Organisation] = {}
        self._unit_handlers: dict[int, list] = {}
        profiles = (
            StaffProfile.objects.filter(user__is_active=True)
            .select_related("user", "organisation__bureau")
            .prefetch_related("roles")
            .order_by("user__username")
        )
        self.handlers: list = []
        for profile in profiles:
            user = profile.user
            user.profile = profile  # profile_of/bureau_of read it from here: no query per call
            bureau = profile.organisation.bureau_id or profile.organisation_id
            for role in profile.roles.all():
                self.by_role[(bureau, role.code)].append(user)
                if role.code in (RoleCode.HANDLER, RoleCode.SQUAD_LEADER):
                    self.handlers.append(user)
        users = {u.pk: u for pool in self.by_role.values() for u in pool}
        for grid_id, user_id in Grid.inspectors.through.objects.values_list("grid_id", "user_id").order_by(
            "id"
        ):
            if user_id in users:
                self.by_grid[grid_id].append(users[user_id])
        for org in Organisation.objects.exclude(kind=OrgKind.BUREAU):
            self.units[org.pk] = org

    @staticmethod
    def pick(pool: list, pick: int, salt: int = 0):
        if not pool:
            return None
        named = [u for u in pool if u.username in NAMED]
        if named and (pick // 7 + salt * 13) % 100 < NAMED_SHARE * 100:
            return named[(pick + salt) % len(named)]
        return pool[(pick + salt * 31) % len(pool)]

    def role(self, bureau_id: int, role: str, pick: int, salt: int = 0):
        return self.pick(self.by_role.get((bureau_id, role), []), pick, salt)

    def handlers_of(self, unit_id: int | None) -> list:
        if unit_id is None:
            return []
        if unit_id not in self._unit_handlers:
            path = self.units[unit_id].path if unit_id in self.units else None
            self._unit_handlers[unit_id] = [
                u for u in self.handlers if path and u.profile.organisation.path.startswith(path)
            ]
        return self._unit_handlers[unit_id]


# --- photos --------------------------------------------------------------------------------------


def _photo(label: str, colour: tuple[int, int, int]) -> evidence.EvidenceInfo:
    """A small valid JPEG, checked once by the evidence module and reused for every case: the file
    content is the same, so its SHA-256 is too."""
    image = Image.new("RGB", (200, 150), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 188, 138), outline=(255, 255, 255), width=3)
    draw.text((24, 68), f"Chengguan demo: {label}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return evidence.inspect_upload(out.getvalue())


# Inspectors and camera operators always photograph what they report; most citizens attach one.
PHOTO_SOURCES = frozenset({"patrol", "video", "live"})


# Per mille of each source's reports marked 紧急 (a danger to people or traffic): more of what a
# leader passes on or the hotline hears, fewer of routine patrols; about 5 % over the year.
URGENT_PER_MILLE = {"leader": 200, "hotline": 90, "deputy": 80, "media": 80, "citizen": 50}
URGENT_OTHERWISE = 30


def _priority(plan: P.CasePlan) -> str:
    """Drawn from the plan's own pick (digits its other uses leave alone), so the plan, and every
    figure drawn from its random stream, stays as it was."""
    share = URGENT_PER_MILLE.get(plan.source, URGENT_OTHERWISE)
    return Priority.URGENT if (plan.pick // 1000) % 1000 < share else Priority.NORMAL


def _reported_with_photo(plan: P.CasePlan) -> bool:
    return plan.source in PHOTO_SOURCES or (plan.source in ("citizen", "open311") and plan.pick % 5 < 3)


# --- the run -------------------------------------------------------------------------------------


@dataclass
class _Live:
    """What the executor knows about a case while it plays it."""

    plan: P.CasePlan
    case: Case | None = None
    done: int = 0  # steps done, the report included (= the case's audit events)


class _Executor:
    def __init__(self, plan: P.YearPlan, grids: list[Grid], progress: Progress | None):
        self.plan = plan
        self.grids = grids
        self.progress = progress
        self.staff = Staff()
        self.categories = {c.code: c for c in Category.objects.filter(classification__is_active=True)}
        self.before_photo = _photo("before", (150, 90, 60))
        self.after_photo = _photo("after", (60, 120, 90))
        self.verify_photo = _photo("verify", (70, 90, 150))
        self.live: list[_Live] = [_Live(p) for p in sorted(plan.cases, key=lambda c: c.index)]
        self.heap: list[tuple[dt.datetime, int]] = []
        self.events = 0
        # No `case_changed` announcements: the demo's reporters are invented, so nobody gets an SMS.
        # Strict: a refused step is a bug in the plan, and stops the run.
        self.batch = CaseBatch(announce=False, strict=True)
        year_steps = sum(len(p.steps) + 1 for p in plan.cases)
        self.chunk_steps = max(1, min(CHUNK_STEPS, year_steps // 50))
        # The ledger's open shops by grid, and the day's merchant–case links waiting for the chunk.
        self.merchants: dict[int, list[int]] = defaultdict(list)
        for merchant_id, grid_id in (
            Merchant.objects.filter(status=MerchantStatus.OPEN, grid__isnull=False)
            .order_by("id")
            .values_list("id", "grid_id")
        ):
            self.merchants[grid_id].append(merchant_id)
        self.links: list[MerchantCase] = []

    # -- scheduling --

    def resume(self) -> bool:
        """Rebuild the queue from the database; True if some cases already existed."""
        prefix = f":{P.run_key(self.plan.seed, self.plan.count, self.plan.end)}:"
        existing = {
            int(key.rsplit(":", 1)[1]): case
            for key, case in (
                (c.idempotency_key, c) for c in Case.objects.filter(idempotency_key__contains=prefix)
            )
        }
        progress = {}
        if existing:
            ids = [str(c.pk) for c in existing.values()]
            for row in (
                AuditEvent.objects.filter(object_type="cases.case", object_id__in=ids)
                .values("object_id")
                .annotate(n=Count("id"), last=Max("created_at"))
            ):
                progress[int(row["object_id"])] = (row["n"], row["last"])
        for live in self.live:
            case = existing.get(live.plan.index)
            if case is None:
                heapq.heappush(self.heap, (live.plan.reported_at, live.plan.index))
                continue
            live.case = case
            live.done, last = progress.get(case.pk, (1, case.reported_at))
            self._schedule_next(live, last)
        return bool(existing)

    def _schedule_next(self, live: _Live, now: dt.datetime) -> None:
        k = live.done - 1
        if k >= len(live.plan.steps):
            return
        at = self._when(live, live.plan.steps[k], now)
        if at <= self.plan.end:
            heapq.heappush(self.heap, (at, live.plan.index))

    def _when(self, live: _Live, step: P.Step, now: dt.datetime) -> dt.datetime:
        case, u = live.case, step.u
        if step.lag == "desk":
            return now + dt.timedelta(minutes=P.desk_minutes(u))
        if step.lag == "days":
            return deadlines.add_working_hours(now, 4 + u * 80)
        due = case.stage_due_at
        if step.lag == "reply":
            sup = Supervision.objects.filter(case_id=case.pk).order_by("-id").first()
            due = sup.reply_due_at if sup else None
            if due and u > 1 - P.SUPERVISION_LATE_REPLY:
                return deadlines.add_working_hours(due, 0.5 + u * 6)
        if step.lag == "late":
            return deadlines.add_working_hours(max(due or now, now), 0.3 + u * 12)
        if due is None or due <= now:
            return now + dt.timedelta(minutes=5 + u * 40)
        share = u * (0.7 if step.action == "request_extension" else 0.97)
        seconds = deadlines.working_seconds_between(now, due) * share
        return deadlines.add_working_hours(now, max(seconds, 120) / 3600)

    # -- playing --

    def run(self) -> None:
        """Play the queue in time order, whole days at a time: a transaction takes the days up to at
        least `chunk_steps` steps (fewer commits: SQLite rewrites the pages of the audit trail's
        hash index at each), and the progress bar moves day by day."""
        total_days = 366
        start = self.plan.start.astimezone(clock.SHANGHAI).date()
        while self.heap:
            with self.batch.chunk():
                steps = 0
                while self.heap and steps < self.chunk_steps:
                    day = self.heap[0][0].astimezone(clock.SHANGHAI).date()
                    day_end = dt.datetime.combine(
                        day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.SHANGHAI
                    )
                    while self.heap and self.heap[0][0] < day_end:
                        at, index = heapq.heappop(self.heap)
                        self._play(self.live[index], at)
                        steps += 1
                    if self.progress:
                        self.progress(STAGE, min((day - start).days + 1, total_days), total_days)
                self._write_links()

    def _play(self, live: _Live, at: dt.datetime) -> None:
        with clock.pinned(at):
            if live.case is None:
                live.case = self._report(live.plan)
            else:
                self._step(live, live.plan.steps[live.done - 1], at)
        live.done += 1
        self.events += 1
        self._schedule_next(live, at)

    def _grid(self, plan: P.CasePlan) -> Grid:
        return self.grids[plan.grid]

    def _report(self, plan: P.CasePlan) -> Case:
        grid = self._grid(plan)
        bureau = grid.community.bureau_id
        staff = self.staff
        if plan.source == "patrol":
            actor = staff.pick(staff.by_grid.get(grid.pk, []), plan.pick) or staff.role(
                bureau, RoleCode.INSPECTOR, plan.pick
            )
        elif plan.source == "citizen":
            actor = staff.role(bureau, RoleCode.CITIZEN, plan.pick) if plan.pick % 5 == 0 else None
        elif (
            plan.source == "deputy" and plan.pick % 2 == 0 and staff.role(bureau, RoleCode.DEPUTY, plan.pick)
        ):
            actor = staff.role(bureau, RoleCode.DEPUTY, plan.pick)
        else:
            actor = staff.role(bureau, RoleCode.OPERATOR, plan.pick)
        lon = grid.min_lon + plan.fx * (grid.max_lon - grid.min_lon)
        lat = grid.min_lat + plan.fy * (grid.max_lat - grid.min_lat)
        return self.batch.report(
            actor=actor,
            source=plan.source,
            category=self.categories[plan.category],
            description=plan.description,
            lon=round(lon, 6),
            lat=round(lat, 6),
            address=plan.address,
            reporter_name=plan.reporter_name,
            reporter_phone=plan.reporter_phone,
            priority=_priority(plan),
            idempotency_key=plan.key,
            # Anonymous portal reports keep their keys within the demo's own client scope.
            client_scope="demo",
            photos=[self.before_photo] if _reported_with_photo(plan) else [],
        )

    def _actor(self, live: _Live, who: str, salt: int):
        plan, case = live.plan, live.case
        bureau = case.bureau_id
        if who == "handler":
            return self.staff.pick(self.staff.handlers_of(case.handling_unit_id), plan.pick)
        if who == "inspector":
            return self.staff.pick(
                self.staff.by_grid.get(case.grid_id, []), plan.pick, salt
            ) or self.staff.role(bureau, RoleCode.INSPECTOR, plan.pick, salt)
        role = {
            "operator": RoleCode.OPERATOR,
            "dispatcher": RoleCode.DISPATCHER,
            "shift_leader": RoleCode.SHIFT_LEADER,
            "leader": RoleCode.LEADER,
        }[who]
        return self.staff.role(bureau, role, plan.pick, salt)

    def _dispatch_unit(self, case: Case, redirect: bool) -> int:
        """The proposed unit, unless nobody there could take it: then the squad of the case's grid, or
        another squad. After a return (`redirect`) the next of these, as the dispatcher corrects it."""
        candidates = [case.proposed_unit_id, case.squad_id, *self._squads(case.bureau_id)]
        usable = list(dict.fromkeys(u for u in candidates if u and self.staff.handlers_of(u)))
        if not usable:
            raise Conflict("演示数据：找不到可派遣的处置单位。", code=DemoError.NO_UNIT)
        return usable[1] if redirect and len(usable) > 1 else usable[0]

    @functools.cache  # noqa: B019 - one executor per run
    def _squads(self, bureau_id: int) -> tuple[int, ...]:
        return tuple(
            o.pk
            for o in sorted(self.staff.units.values(), key=lambda o: o.pk)
            if o.kind == OrgKind.SQUAD and o.bureau_id == bureau_id and self.staff.handlers_of(o.pk)
        )

    def _step(self, live: _Live, step: P.Step, at: dt.datetime) -> None:
        case = live.case
        salt = live.done
        actor = self._actor(live, step.who, salt)
        payload = dict(step.payload)
        action = step.action
        if action == "supervise":
            self.batch.call(
                supervision_create,
                touches=case,
                case=case,
                actor=actor,
                level=payload["level"],
                instruction=P.supervise_text(step.u),
            )
            live.case = self.batch.get(case.pk)
            return
        if action == "supervision_reply":
            sup = Supervision.objects.filter(case_id=case.pk, replied_at__isnull=True).order_by("-id").first()
            self.batch.call(
                supervision_reply, touches=case, actor=actor, supervision=sup, reply=P.reply_text(step.u)
            )
            live.case = self.batch.get(case.pk)
            return
        if action == "merge":
            original = self.live[live.plan.duplicate_of].case if live.plan.duplicate_of is not None else None
            target = self.batch.get(original.pk) if original is not None else None
            if target is not None and target.state in OPEN_STATES and target.merged_into_id is None:
                payload["target"] = target.pk
            else:
                action, payload = "not_file", {"reason": "重复上报，原案件已办结"}
        elif action == "dispatch":
            payload = {
                "unit": self.staff.units[self._dispatch_unit(case, bool(payload.pop("redirect", False)))]
            }
        elif action == "handle":
            payload["photos"] = [self.after_photo]
        elif action in ("verify", "rework"):
            far = payload.pop("far", False)
            offset = 0.003 if far else 0.00008 * (step.u - 0.5)
            payload.update(
                photo=self.verify_photo,
                photo_lon=(case.lon or 0) + offset,
                photo_lat=(case.lat or 0) - offset / 2,
                photo_taken_at=at,
            )
        elif action == "request_extension":
            payload["amount"] = 1 + int(step.u * 3)
        if action in STAGE_FINISHING and case.stage_due_at and at > case.stage_due_at:
            payload["delay_reason"] = P.delay_reason(step.u)
        live.case = self.batch.transition(actor=actor, case=case.pk, action=action, **payload)
        if action == "file":
            self._link_merchant(live, actor, at)

    def _link_merchant(self, live: _Live, actor, at: dt.datetime) -> None:
        """Name the shop on a street-front case as `merchant_link_case` would (who may link; the shop is
        in the case's grid, so of its bureau); the rows are written with the day's chunk."""
        case = live.case
        share = P.MERCHANT_CATEGORIES.get(case.category.code, 0)
        shops = self.merchants.get(case.grid_id)
        if not shops or (live.plan.pick % 1000) / 1000 >= share:
            return
        can_link_cases.refuse(actor, action="关联案件与商户")
        merchant_id = shops[live.plan.pick % len(shops)]
        self.links.append(
            MerchantCase(merchant_id=merchant_id, case_id=case.pk, linked_by=actor, linked_at=at)
        )
        self.batch.add_event(
            audit.PendingEvent(
                actor,
                "merchant.link_case",
                ("merchants.merchant", merchant_id),
                None,
                {"case": case.number},
                at,
            )
        )

    def _write_links(self) -> None:
        if self.links:
            MerchantCase.objects.bulk_create(self.links, batch_size=500)
            self.links = []


def _grids() -> list[Grid]:
    return list(Grid.objects.select_related("community").order_by("code"))


def generate_case_year(
    *,
    seed: int = 1,
    size: str = "district",
    count: int | None = None,
    end: dt.datetime | None = None,
    progress: Progress | None = None,
) -> CaseYearSummary:
    """Play a year of cases through the services, or carry on with an interrupted run."""
    started = time.perf_counter()
    run = latest_run()
    if run is not None and run.finished:
        raise Conflict("演示案件已生成，不能重复生成。", code=DemoError.CASES_EXIST)
    if run is None:
        count = DEFAULT_COUNTS.get(size, 300) if count is None else count
        end = (end or clock.now()).astimezone(clock.SHANGHAI).replace(second=0, microsecond=0)
        run = Run(seed, size, count, end, False)
        with transaction.atomic():
            audit.record(
                actor=system_actor(),
                action=STARTED,
                obj=("demo.caseyear", run.key),
                after={"seed": seed, "size": size, "count": count, "end": end.isoformat()},
            )
    grids = _grids()
    plan = P.plan_year(seed=run.seed, size=run.size, count=run.count, end=run.end, grid_count=len(grids))
    executor = _Executor(plan, grids, progress)
    if connection.vendor == "sqlite":
        # A bigger page cache for this connection: the year's audit indexes outgrow the default 2 MB.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    resumed = executor.resume()
    executor.run()
    with transaction.atomic():
        audit.record(
            actor=system_actor(),
            action=FINISHED,
            obj=("demo.caseyear", run.key),
            after={"events": executor.events},
        )
    prefix = f":{run.key}:"
    demo_cases = Case.objects.filter(idempotency_key__contains=prefix)
    states = dict(demo_cases.values_list("state").annotate(n=Count("id")).order_by())
    return CaseYearSummary(
        cases=sum(states.values()),
        events=AuditEvent.objects.filter(object_type="cases.case").count(),
        steps=executor.events,
        resumed=resumed,
        seconds=time.perf_counter() - started,
        states=states,
    )

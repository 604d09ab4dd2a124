"""Every write endpoint refuses every role on an object outside its scope, and changes nothing
(issue 11 item 2). The endpoints come from the URL conf, so one added tomorrow is tried the day it
is added; only the objects to aim at are a hand list (`_aim`), and a URL whose parameters it cannot
fill fails the test until it is taught them.

The objects belong to one bureau (the closed-loop district of tests/cases, with a penalty case, a
merchant, a letter, a work order, a supervision, a job, a notification and a citizen's callback);
the callers hold every role in a second bureau, one is anonymous, and one is a city leader above
the first bureau, who reads its rows but writes none: a form may answer them (a 400 for the empty
body, a 409 for a step they may not take), and still nothing may change. A refusal is 401, 403, 404,
405 or a redirect away (login page, list, tracking form); nothing changed means the same rows in
every table, the same audit trail and the same fields on each aimed-at object.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from chengguan.campaigns.states import CAMPAIGN_MACHINE
from chengguan.cases.states import CASE_MACHINE, CaseState
from chengguan.cases.supervision import supervision_create
from chengguan.channels.services import work_order_receive
from chengguan.core import clock
from chengguan.core.models import AuditEvent, Job
from chengguan.duty.models import (
    ActionItem,
    Assignment,
    Finding,
    Handover,
    Meeting,
    Notice,
    NoticeReceipt,
    Patrol,
    Roster,
    RosterChange,
    Shift,
)
from chengguan.duty.states import CHANGE_MACHINE, FINDING_MACHINE, HANDOVER_MACHINE, ITEM_MACHINE
from chengguan.enforcement import services as penalty_services
from chengguan.enforcement.states import PENALTY_MACHINE
from chengguan.feedback.models import Callback, FeedbackMethod, Rating
from chengguan.merchants import services as merchant_services
from chengguan.notifications.models import Notification
from chengguan.org.models import OrgKind
from chengguan.org.roles import RoleCode as R
from chengguan.outreach.states import ACTIVITY_MACHINE, BROADCAST_MACHINE
from chengguan.people import services as people_services
from chengguan.people.models import Certificate
from chengguan.people.states import CERTIFICATE_MACHINE, DEED_MACHINE, NOMINATION_MACHINE, TRAINING_MACHINE
from chengguan.stats.appeals import APPEAL_MACHINE
from chengguan.welfare.states import DRAW_MACHINE
from tests import factories
from tests.cases import conftest as case_fixtures
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_bytes, jpeg_upload

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests

WRITES = ("post", "put", "patch", "delete")
CITY_READER = "city_leader_above_the_first_bureau"
REFUSED = {401, 403, 404, 405}
SKIPPED_PREFIXES = ("admin/",)  # Django's admin: superusers only, its own permission checks


@dataclass(frozen=True)
class Endpoint:
    route: str
    pattern: URLPattern
    methods: tuple[str, ...]


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def _methods(pattern: URLPattern) -> tuple[str, ...]:
    """The write methods a view answers: DRF and class-based views say so; a function view is tried
    with POST (the only write our function views take)."""
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return tuple(m for m in WRITES if m in actions)
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        return tuple(m for m in WRITES if hasattr(cls, m))
    return ("post",)


def write_endpoints() -> list[Endpoint]:
    """Every URL of the site that names an object and takes a write."""
    out = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or not pattern.pattern.regex.groupindex:
            continue
        methods = _methods(pattern)
        if methods:
            out.append(Endpoint(route, pattern, methods))
    return out


@dataclass
class World:
    """The objects aimed at (all in the first bureau) and the callers (all in the second)."""

    objects: dict[str, object]
    callers: dict[str, object]


def _build(d) -> World:
    with clock.pinned(case_fixtures.QUIET_MOMENT):
        case = report(d, role=R.OPERATOR, source="hotline", reporter_phone="13812345678")
        case = drive(d, CaseState.IN_HANDLING, case=case)
        closed = drive(d, CaseState.CLOSED)
        supervision = supervision_create(
            actor=d.users[R.LEADER], case=case, level="normal", instruction="尽快处置"
        )
        lon, lat = d.point(1)
        merchant = merchant_services.merchant_create(
            actor=d.users[R.ADMIN],
            name="老王餐馆",
            credit_code="91410102JURQ283FQM",
            operator_name="王五",
            phone="13700001111",
            business_type="catering",
            address="建设路1号",
            lon=lon,
            lat=lat,
            frontage_m="8",
            status="open",
        )
        letter = merchant_services.letter_prepare(actor=d.users[R.ADMIN], merchant=merchant, year=2026)
        second = factories.staff(d.squad, R.HANDLER).user
        penalty = penalty_services.penalty_case_propose(
            actor=d.users[R.HANDLER],
            bureau=d.bureau,
            facts="占道经营",
            parties=[{"kind": "person", "name": "张三", "id_number": "410102199003071230"}],
            officers=[d.users[R.HANDLER], second],
            proposed_on=dt.date(2026, 9, 14),
        )
        penalty_services.penalty_evidence_add(
            actor=d.users[R.HANDLER], case=penalty, upload=jpeg_upload(), description="现场照片"
        )
        order = work_order_receive(
            actor=d.users[R.OPERATOR],
            channel="hotline_12345",
            external_id="GD-SCOPE-1",
            content="噪声扰民",
            category=d.days_category.code,
            address="建设路2号",
        ).order
        job = Job.objects.create(kind="merchants.import", created_by=d.users[R.ADMIN], created_at=clock.now())
        notification = Notification.objects.create(
            recipient=d.users[R.HANDLER], kind="assigned", message="m", key="k1", created_at=clock.now()
        )
        callback = Callback.objects.create(
            case=closed, rating=Rating.DISSATISFIED, method=FeedbackMethod.PORTAL, at=clock.now()
        )
        duty = _duty_rows(d)
        people = _people_rows(d)
        campaign_rows = _campaign_rows(d)
        welfare_rows = _welfare_rows(d)
        outreach = _outreach_rows(d, campaign_rows["operation"], case)
        evaluation = _evaluation_rows(d, case)
    objects = {
        "case": case,
        "closed": closed,
        "supervision": supervision,
        "merchant": merchant,
        "letter": letter,
        "penalty": penalty,
        "order": order,
        "job": job,
        "notification": notification,
        "callback": callback,
        "bureau": d.bureau,
        **duty,
        **people,
        **campaign_rows,
        **welfare_rows,
        **outreach,
        **evaluation,
    }
    callers = _callers_of_another_bureau()
    # A city leader above the first bureau reads its rows and may write none of them.
    city = factories.city_above(d.bureau)
    callers[CITY_READER] = factories.staff(city, R.CITY_LEADER, username="city_reader").user
    return World(objects, callers)


def _evaluation_rows(d, case) -> dict[str, object]:
    """A published evaluation report of the first bureau and a pending appeal against it."""
    from chengguan.stats.models import Appeal, PublishedReport

    today = clock.today()
    report = PublishedReport.objects.create(
        bureau=d.bureau,
        kind="monthly",
        label=today.strftime("%Y-%m"),
        first=today.replace(day=1),
        last=today,
        version=1,
        rule_version="test",
        weights_version="test",
        as_of=clock.now(),
        published_by=d.users[R.LEADER],
        published_at=clock.now(),
    )
    appeal = Appeal.objects.create(
        bureau=d.bureau,
        report=report,
        case=case,
        unit=d.squad,
        reason="非本单位职责",
        filed_by=d.users[R.SQUAD_LEADER],
        filed_at=clock.now(),
    )
    return {"report": report, "appeal": appeal}


def _people_rows(d) -> dict[str, object]:
    """A training session, an honours programme with a nomination and a deed of the first bureau."""
    personnel = d.users[R.PERSONNEL]
    training = people_services.training_plan(
        actor=personnel,
        bureau=d.bureau,
        kind="lecture",
        topic="law",
        title="行政处罚法讲座",
        starts_at=clock.now(),
        hours=2,
    )
    programme = people_services.programme_create(
        actor=personnel,
        bureau=d.bureau,
        name="文明执法标兵",
        period_start=clock.today().replace(month=1, day=1),
        period_end=clock.today().replace(month=12, day=31),
        quota=3,
    )
    nomination = people_services.nomination_submit(
        actor=personnel, programme=programme, nominee=d.users[R.HANDLER], reason="执法规范"
    )
    deed = people_services.deed_record(
        actor=personnel,
        bureau=d.bureau,
        title="护送走失母女回家",
        what="队员护送走失的母女回家。",
        happened_on=clock.today(),
        place="建设路",
        people=[d.users[R.HANDLER]],
        consent=True,
    )
    return {
        "certificate": Certificate.objects.get(holder=d.users[R.HANDLER]),
        "training": training,
        "programme": programme,
        "nomination": nomination,
        "deed": deed,
        "staff": d.users[R.HANDLER].profile,
    }


def _campaign_rows(d) -> dict[str, object]:
    """A running special action of the first bureau with a task for its police partner and a joint
    operation (the campaigns tests drive them; here they are only aimed at)."""
    from chengguan.campaigns import services as campaign_services
    from tests.campaigns.conftest import build_world, started

    w = build_world(d)
    campaign = started(w)
    lead = d.users[R.SQUAD_LEADER]
    phase = campaign_services.task_add(actor=lead, campaign=campaign, kind="phase", title="集中整治")
    task = campaign_services.task_add(
        actor=lead, campaign=campaign, kind="task", title="清理摊点", parent=phase, assignee=w.police
    )
    operation = campaign_services.operation_record(
        actor=lead,
        campaign=campaign,
        kind="inspection",
        starts_at=clock.now(),
        ends_at=clock.now() + dt.timedelta(hours=2),
        place="建设路夜市",
    )
    return {"campaign": campaign, "campaign_task": task, "operation": operation}


def _welfare_rows(d) -> dict[str, object]:
    """A hardship vendor on the register, a vending spot and its open pitch draw."""
    from tests.welfare.conftest import draw, spot, vendor

    the_spot = spot(d)
    return {"vendor": vendor(d, hardship="dibao"), "spot": the_spot, "draw": draw(d, the_spot)}


def _outreach_rows(d, operation, case) -> dict[str, object]:
    """A planned activity (the portal does not show it, so its public page refuses the post), a
    volunteer, a live session on air with a recording being uploaded, and a media report."""
    from chengguan.outreach import services as outreach_services
    from tests.outreach.conftest import new_activity

    admin = d.users[R.ADMIN]
    activity = new_activity(d, state="planned")
    volunteer = outreach_services.volunteer_register(
        actor=admin, bureau=d.bureau, name="刘志愿", phone="13611112222"
    )
    broadcast = outreach_services.broadcast_schedule(
        actor=admin,
        bureau=d.bureau,
        title="直播执法",
        platform="douyin",
        starts_at=clock.now(),
        ends_at=clock.now() + dt.timedelta(hours=2),
        place="建设路夜市",
        operations=[operation],
        cases=[case],
    )
    broadcast = outreach_services.broadcast_transition(actor=admin, broadcast=broadcast, action="go_live")
    recording = outreach_services.recording_start(actor=admin, broadcast=broadcast, name="直播.mp4", size=10)
    media = outreach_services.media_report_record(
        actor=admin,
        bureau=d.bureau,
        outlet="河南日报",
        headline="直播执法",
        published_on=clock.today(),
        tone="positive",
    )
    return {
        "activity": activity,
        "volunteer": volunteer,
        "broadcast": broadcast,
        "recording": recording,
        "media_report": media,
    }


def _duty_rows(d) -> dict[str, object]:
    """A shift with its assignment, a swap request, a patrol, a 督察 finding, a meeting and its action
    item, a notice the handler must read and a handover, of the first bureau (rows only: the duty tests drive
    them; here they are only aimed at)."""
    handler, now = d.users[R.HANDLER], clock.now()
    roster = Roster.objects.create(
        bureau=d.bureau, unit=d.squad, month=now.date().replace(day=1), created_at=now, created_by=handler
    )
    shift = Shift.objects.create(
        roster=roster,
        unit=d.squad,
        date=now.date(),
        day_kind="workday",
        name="白班",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=8),
    )
    assignment = Assignment.objects.create(shift=shift, staff=handler, post="officer")
    change = RosterChange.objects.create(
        bureau=d.bureau,
        unit=d.squad,
        assignment=assignment,
        kind="leave",
        reason="病假",
        requested_by=handler,
        requested_at=now,
    )
    patrol = Patrol.objects.create(bureau=d.bureau, unit=d.squad, staff=handler, started_at=now)
    finding = Finding.objects.create(
        bureau=d.bureau,
        unit=d.squad,
        kind="discipline",
        description="上岗未着装",
        place="建设路",
        observed_at=now,
        found_by=d.users[R.LEADER],
        due_on=now.date(),
    )
    meeting = Meeting.objects.create(
        bureau=d.bureau, kind="monday", title="周一例会", starts_at=now, created_at=now, created_by=handler
    )
    item = ActionItem.objects.create(
        bureau=d.bureau, meeting=meeting, title="整治占道", unit=d.squad, due_on=now.date(), created_at=now
    )
    notice = Notice.objects.create(
        bureau=d.bureau,
        kind="media",
        level="major",
        title="媒体曝光",
        body="请核查",
        issued_by=d.users[R.LEADER],
        issued_at=now,
        read_by=now + dt.timedelta(hours=2),
        response_required=True,
        respond_by=now + dt.timedelta(hours=24),
    )
    NoticeReceipt.objects.create(notice=notice, person=handler, unit=d.squad)
    following = Shift.objects.create(
        roster=roster,
        unit=d.squad,
        date=now.date(),
        day_kind="workday",
        name="夜班",
        starts_at=now + dt.timedelta(hours=8),
        ends_at=now + dt.timedelta(hours=16),
    )
    handover = Handover.objects.create(
        bureau=d.bureau, shift=shift, next_shift=following, notes="平稳", handed_by=handler, handed_at=now
    )
    return {
        "shift": shift,
        "handover": handover,
        "notice": notice,
        "assignment": assignment,
        "change": change,
        "patrol": patrol,
        "finding": finding,
        "meeting": meeting,
        "action_item": item,
    }


def _callers_of_another_bureau() -> dict[str, object]:
    other = factories.bureau(code="410103", name="二七区城市管理局")
    sub = factories.subdistrict(other, code="002", name="淮河路街道")
    comm = factories.community(sub, code="002", name="大学路社区")
    centre = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=other, name="二七指挥中心")
    squad = factories.squad(other, name="淮河路中队")
    where = {R.INSPECTOR: centre, R.OPERATOR: centre, R.SHIFT_LEADER: centre, R.DISPATCHER: centre}
    where |= {R.HANDLER: squad, R.SQUAD_LEADER: squad, R.DEPUTY: comm, R.CITIZEN: comm, R.MERCHANT: comm}
    return {
        role: factories.staff(where.get(role, other), role, username=f"b2_{role}").user for role in R.values
    }


def _aim(route: str, names: list[str], objects: dict) -> list[dict[str, str]]:
    """The URL parameters that name an object of the first bureau, for one route (the hand list).
    Action parameters are tried with every action of their machine."""
    case, penalty = objects["case"], objects["penalty"]
    by_name = {
        "number": case.number,
        "case_id": case.pk,
        "merchant_id": objects["merchant"].pk,
        "vendor_id": objects["vendor"].pk,
        "review_pk": 1,
        "doc_pk": 1,
        "no": 1,
        "variant": "file",
        "fmt": "json",
        "token": "not-the-holders-token",  # a capability link: out of scope is not holding it
        "code": "200101",
        "request_id": case.number,
        "direction": "in",
        "registration": 1,
        "year": objects["report"].first.year,
    }
    pk_by_prefix = [
        (r"^(api/v1/)?welfare/vendors/", objects["vendor"].pk),
        (r"^(api/v1/)?welfare/spots/", objects["spot"].pk),
        (r"^welfare/draws/|^api/v1/welfare/allocations/|^vending-draws/", objects["draw"].pk),
        (r"campaigns/tasks/", objects["campaign_task"].pk),
        (r"campaigns/operations/", objects["operation"].pk),
        (r"^api/v1/campaigns/campaigns/|^campaigns/|^news/", objects["campaign"].pk),
        (r"^api/v1/supervisions/|^cases/supervision/", objects["supervision"].pk),
        (r"^api/v1/cases/|^cases/", case.pk),
        (r"merchants/letters/", objects["letter"].pk),
        (r"merchants/jobs/|^work-orders/jobs/", objects["job"].pk),
        (r"merchants/", objects["merchant"].pk),
        (r"penalty-cases/|^enforcement/", penalty.pk),
        (r"^work-orders/", objects["order"].pk),
        (r"^notifications/", objects["notification"].pk),
        (r"^review/", objects["callback"].pk),
        (r"^org/|^api/v1/organisations/", objects["bureau"].pk),
        (r"^publicity/", 1),
        (r"duty/changes/", objects["change"].pk),
        (r"duty/patrols/", objects["patrol"].pk),
        (r"^(api/v1/)?duty/assignments/", objects["assignment"].pk),
        (r"^(api/v1/)?duty/findings/", objects["finding"].pk),
        (r"^api/v1/field/tasks/", case.pk),
        (r"^(api/v1/)?stats/reports/", objects["report"].pk),
        (r"^(api/v1/)?stats/appeals/", objects["appeal"].pk),
        (r"^(api/v1/)?people/certificates/", objects["certificate"].pk),
        (r"^(api/v1/)?people/trainings/", objects["training"].pk),
        (r"^(api/v1/)?people/honours/", objects["programme"].pk),
        (r"^(api/v1/)?people/nominations/", objects["nomination"].pk),
        (r"^(api/v1/)?people/deeds/", objects["deed"].pk),
        (r"^people/staff/", objects["staff"].pk),
        (r"^our-people/", 1),
        (r"duty/meetings/", objects["meeting"].pk),
        (r"duty/action-items/", objects["action_item"].pk),
        (r"duty/notices/", objects["notice"].pk),
        (r"duty/shifts/|duty/logs/", objects["shift"].pk),
        (r"duty/handovers/", objects["handover"].pk),
        (r"^(api/v1/)?outreach/activities/|^events/", objects["activity"].pk),
        (r"^outreach/photos/|^outreach/certificates/", 1),
        (r"^(api/v1/)?outreach/volunteers/", objects["volunteer"].pk),
        (r"^(api/v1/)?outreach/broadcasts/", objects["broadcast"].pk),
        (r"^(api/v1/)?outreach/recordings/", objects["recording"].pk),
        (r"^(api/v1/)?outreach/media/", objects["media_report"].pk),
    ]
    # A router's routes read `api/v1/^cases/(?P<pk>…)/…$`: matched without the anchors.
    plain = route.replace("^", "").replace("$", "")
    values = {}
    for name in names:
        if name == "pk":
            values[name] = next((pk for prefix, pk in pk_by_prefix if re.search(prefix, plain)), None)
        elif name == "number" and route.startswith("^track/"):
            values[name] = objects["closed"].number
        elif name != "action":
            values[name] = by_name.get(name)
        missing = [n for n, v in values.items() if v is None]
        assert not missing, f"{route}: teach _aim which object {missing} names"
    if "action" not in names:
        return [values]
    machine = (
        DRAW_MACHINE
        if route.startswith("welfare/")
        else ACTIVITY_MACHINE
        if "outreach/activities/" in route
        else BROADCAST_MACHINE
        if "outreach/broadcasts/" in route
        else CAMPAIGN_MACHINE
        if route.startswith("campaigns/")
        else PENALTY_MACHINE
        if route.startswith("enforcement/")
        else CHANGE_MACHINE
        if route.startswith("duty/changes/")
        else FINDING_MACHINE
        if route.startswith("duty/findings/")
        else APPEAL_MACHINE
        if "stats/appeals/" in route
        else TRAINING_MACHINE
        if "people/trainings/" in route
        else NOMINATION_MACHINE
        if "people/nominations/" in route
        else DEED_MACHINE
        if "people/deeds/" in route
        else CERTIFICATE_MACHINE
        if "people/" in route
        else ITEM_MACHINE
        if route.startswith("duty/action-items/")
        else HANDOVER_MACHINE
        if route.startswith("duty/handovers/")
        else CASE_MACHINE
    )
    return [{**values, "action": t.action} for t in machine]


def _url(endpoint: Endpoint, kwargs: dict) -> str:
    """The path for `kwargs`, from the route itself (path converters and regex groups alike)."""
    route = re.sub(r"(?<!\(\?P)<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), endpoint.route)
    out, i = [], 0
    while i < len(route):
        if route.startswith("(?P<", i):
            name = route[i + 4 : route.index(">", i)]
            depth, j = 0, i
            while True:  # to the group's closing parenthesis
                depth += {"(": 1, ")": -1}.get(route[j], 0) if route[j - 1] != "\\" else 0
                if depth == 0:
                    break
                j += 1
            out.append(str(kwargs[name]))
            i = j + 1
        else:
            out.append(route[i])
            i += 1
    return "/" + "".join(out).replace("^", "").replace("$", "").replace("\\", "")


# Signing in writes these whatever the endpoint does; they are not the endpoint's writes.
SIGN_IN_TABLES = {"sessions.session", "org.staffsession", "axes.accesslog", "axes.accessattempt"}


def _state(world: World) -> tuple:
    counts = tuple(
        (m._meta.label_lower, m._default_manager.count())
        for m in apps.get_models()
        if m._meta.managed and m._meta.label_lower not in SIGN_IN_TABLES
    )
    rows = tuple(
        tuple(sorted(model_to_dict(type(o)._default_manager.get(pk=o.pk)).items(), key=lambda kv: kv[0]))
        for o in world.objects.values()
    )
    return counts, AuditEvent.objects.count(), repr(rows)


def _refused(response) -> bool:
    """An error status, or a redirect away (to the login page, a list, the tracking form): whether
    a redirect hid a write is what the unchanged tables tell."""
    return response.status_code in REFUSED or response.status_code == 302


PHOTO = jpeg_bytes()


def _try(client: Client, method: str, url: str):
    photo = SimpleUploadedFile("photo.jpg", PHOTO, content_type="image/jpeg")
    data = {"reason": "x", "note": "x", "reply": "x", "stage": "handle", "file": photo}
    if method == "post":
        return client.post(url, data)
    return getattr(client, method)(url, data={}, content_type="application/json")


def test_the_url_conf_has_the_write_endpoints_this_test_knows_about():
    routes = {e.route for e in write_endpoints()}
    # A sample across the apps: if these go missing the walk of the URL conf is broken, not the site.
    assert {"api/v1/^cases/(?P<pk>\\d+)/evidence/$", "cases/^(?P<number>\\d{6,20})/evidence/add/$"} <= routes
    assert any(r.startswith("api/v1/^penalty-cases/") for r in routes)
    assert any(r.startswith("merchants/letters/") for r in routes)
    assert len(routes) > 60


def test_every_write_endpoint_refuses_every_role_of_another_bureau_and_changes_nothing(district):
    world = _build(district)
    clients = {"anonymous": Client(REMOTE_ADDR="10.20.0.1")}
    for index, (name, user) in enumerate(world.callers.items(), start=2):
        clients[name] = Client(REMOTE_ADDR=f"10.20.0.{index}")
        clients[name].force_login(user)
    failures = []
    tried = 0
    for endpoint in write_endpoints():
        for kwargs in _aim(endpoint.route, list(endpoint.pattern.pattern.regex.groupindex), world.objects):
            url = _url(endpoint, kwargs)
            before = _state(world)
            for name, client in clients.items():
                for method in endpoint.methods:
                    tried += 1
                    response = _try(client, method, url)
                    if name == CITY_READER and response.status_code < 500:
                        continue  # sees the row, so a form may answer; that nothing changed is checked below
                    if not _refused(response):
                        failures.append(f"{method.upper()} {url} as {name}: {response.status_code}")
            after = _state(world)
            if after != before:
                changed = [a for a, b in zip(after[0], before[0], strict=True) if a != b]
                failures.append(f"{url}: changed {changed} audit {before[1]}→{after[1]}")
    assert tried > 1000
    assert not failures, "\n".join(failures)

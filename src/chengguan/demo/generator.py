"""Builds the demo district: organisations, staff, unit grids, categories and routing rules, then
(with `cases=`) a year of cases played through the case services (`cases_year.py`).

Deterministic for a seed: the same seed gives the same names, codes and geometry. Each stage runs in
one transaction and goes through the apps' services (so every row has its audit event), except two
bulk paths that write the same rows and audit events directly because the services would be too slow
for thousands of rows: generated colleagues (the service hashes a password for each, ~0.4 s apiece)
and the unit grids of the `district` and `city` sizes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from chengguan.cases.models import ReplyTemplate, TemplatePurpose
from chengguan.core import audit
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.demo import units as U
from chengguan.demo.campaigns import seed_campaigns
from chengguan.demo.cases_year import CaseYearSummary, generate_case_year
from chengguan.demo.certificates import seed_certificates
from chengguan.demo.duty import seed_duty
from chengguan.demo.errors import DemoError
from chengguan.demo.feedback import seed_feedback
from chengguan.demo.layout import DistrictPlan, Layout, plan_layout
from chengguan.demo.merchants import link_demo_merchant_account, seed_merchants
from chengguan.demo.names import People
from chengguan.demo.outreach import seed_outreach
from chengguan.demo.penalties import seed_penalty_cases
from chengguan.demo.people import seed_people
from chengguan.demo.staffing import StaffSpec, allocate, plan_staff
from chengguan.demo.streets import street_features
from chengguan.demo.welfare import seed_welfare
from chengguan.grids import codes
from chengguan.grids import services as grid_services
from chengguan.grids.geometry import geometry_digest, grid_fields_from_geometry, shape_from_geojson
from chengguan.grids.models import Grid, GridSetVersion
from chengguan.grids.streets import streets_load
from chengguan.org import services as org_services
from chengguan.org.models import Organisation, OrgKind, Role, StaffProfile
from chengguan.org.roles import STAFF_ROLES, RoleCode
from chengguan.org.system import system_actor
from chengguan.taxonomy import services as taxonomy_services
from chengguan.taxonomy.loader import load_taxonomy
from chengguan.taxonomy.models import Category, MajorCategory

User = get_user_model()

DEMO_PASSWORD = "Chengguan@2026"
# Progress callback: (stage, done, total).
Progress = Callable[[str, int, int], object]
# Grids per bureau above which the generator writes grid rows in bulk: grid_create takes ~15 ms a grid
# (40 s for a district), the bulk path about a tenth of that.
BULK_GRID_THRESHOLD = 500
# Grids the demo inspector patrols (in the first community of the first sub-district).
DEMO_INSPECTOR_GRIDS = 6


@dataclass(frozen=True)
class DemoAccount:
    """A named login for trying one role. `place` is a department name, "bureau", "squad" (the first
    sub-district's squad) or "community" (its first community)."""

    username: str
    role: str
    place: str
    # Enforcement officers carry a certificate number (执法证).
    certified: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("inspector", RoleCode.INSPECTOR, U.COMMAND_CENTRE),
    DemoAccount("operator", RoleCode.OPERATOR, U.COMMAND_CENTRE),
    DemoAccount("shift_leader", RoleCode.SHIFT_LEADER, U.COMMAND_CENTRE),
    DemoAccount("dispatcher", RoleCode.DISPATCHER, U.COMMAND_CENTRE),
    DemoAccount("handler", RoleCode.HANDLER, "squad", certified=True),
    DemoAccount("squad_leader", RoleCode.SQUAD_LEADER, "squad", certified=True),
    DemoAccount("legal_reviewer", RoleCode.LEGAL_REVIEWER, U.LEGAL, certified=True),
    DemoAccount("leader", RoleCode.LEADER, "bureau", certified=True),
    DemoAccount("admin", RoleCode.ADMIN, "bureau"),
    DemoAccount("force_inspector", RoleCode.FORCE_INSPECTOR, U.INSPECTION),
    DemoAccount("personnel", RoleCode.PERSONNEL, U.OFFICE),
    # A city leader sits in the city-level bureau above the district bureaus and reads them all.
    DemoAccount("city_leader", RoleCode.CITY_LEADER, "city"),
    # A partner department's contact sees only the campaign tasks of their department.
    DemoAccount("partner_contact", RoleCode.PARTNER_CONTACT, U.POLICE),
    # The public hold only their own role; a profile ties them to the bureau (a deputy of the
    # district's people's congress) or to the community they live or trade in.
    DemoAccount("deputy", RoleCode.DEPUTY, "bureau"),
    DemoAccount("citizen", RoleCode.CITIZEN, "community"),
    DemoAccount("merchant", RoleCode.MERCHANT, "community"),
)
DEMO_USERNAMES = tuple(a.username for a in DEMO_ACCOUNTS)


@dataclass
class DemoSummary:
    seed: int
    size: str
    bureaus: int = 0
    subdistricts: int = 0
    communities: int = 0
    organisations: int = 0
    staff: int = 0
    grids: int = 0
    categories: int = 0
    routing_rules: int = 0
    accounts: tuple[str, ...] = DEMO_USERNAMES
    seconds: dict[str, float] = field(default_factory=dict)
    case_year: CaseYearSummary | None = None

    def lines(self) -> list[str]:
        return [
            f"演示数据（seed={self.seed}, size={self.size}）已生成：",
            f"  城管局 {self.bureaus} 个，街道 {self.subdistricts} 个，社区 {self.communities} 个，"
            f"组织共 {self.organisations} 个",
            f"  人员 {self.staff} 名，单元网格 {self.grids} 个，事部件小类 {self.categories} 个，"
            f"派遣规则 {self.routing_rules} 条",
            *(self.case_year.lines() if self.case_year else []),
            "  用时：" + "，".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()),
        ]


@dataclass
class BureauUnits:
    """The organisations created for one bureau, looked up by the names the plan uses."""

    plan: DistrictPlan
    bureau: Organisation
    departments: dict[str, Organisation] = field(default_factory=dict)
    squads: dict[str, Organisation] = field(default_factory=dict)  # by name
    squad_of_sub: dict[str, Organisation] = field(default_factory=dict)  # by street code
    subdistricts: dict[str, Organisation] = field(default_factory=dict)  # by street code
    communities: dict[tuple[str, str], Organisation] = field(default_factory=dict)  # (street, community)
    partners: dict[str, Organisation] = field(default_factory=dict)  # by PartnerSpec.key

    def unit(self, name: str) -> Organisation:
        for table in (self.departments, self.squads, self.partners):
            if name in table:
                return table[name]
        raise KeyError(name)

    def first_community(self) -> Organisation:
        sub = self.plan.subdistricts[0]
        return self.communities[(sub.code, sub.communities[0].code)]

    def first_squad(self) -> Organisation:
        return self.squad_of_sub[self.plan.subdistricts[0].code]


class _Stages:
    """Times each stage and reports progress as (stage, done, total)."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._stage = ""
        self._done = 0
        self._total = 0

    @contextmanager
    def stage(self, name: str, total: int) -> Iterator[None]:
        self._stage, self._done, self._total = name, 0, total
        self._report()
        started = time.perf_counter()
        with transaction.atomic():
            yield
        self.seconds[name] = time.perf_counter() - started
        self._done = self._total
        self._report()

    def step(self, n: int = 1) -> None:
        self._done += n
        self._report()

    def reach(self, done: int) -> None:
        self._done = done
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self._stage, min(self._done, self._total), self._total)


def check_password(password: str) -> None:
    """Refuse a password the account rules would refuse, before anything is built."""
    try:
        password_validation.validate_password(password, user=User(username="demo"))
    except ValidationError as exc:
        raise ValidationFailed(
            "演示账号密码不符合密码规则：" + "；".join(exc.messages),
            code=DemoError.WEAK_PASSWORD,
            fields={"password": list(exc.messages)},
        ) from None


def build_demo(
    *,
    seed: int = 1,
    size: str = "district",
    password: str = DEMO_PASSWORD,
    progress: Progress | None = None,
    cases: int = 0,
    merchants: int = 0,
) -> DemoSummary:
    """Fill an empty database with the demo district (or city) and its named demo accounts, its
    street-front `merchants` with this year's letters, then play `cases` cases over the year before
    now through the case services (`cases_year`)."""
    if Organisation.objects.exists():
        raise Conflict("数据库中已有组织机构，演示数据只能装入空数据库。", code=DemoError.NOT_EMPTY)
    check_password(password)
    layout = plan_layout(seed, size)
    people = People(random.Random(f"chengguan-demo:{seed}:{size}:people"))
    assign_rng = random.Random(f"chengguan-demo:{seed}:{size}:assign")
    stages = _Stages(progress)

    # Each stage is its own atomic block inside one outer transaction: a build that fails half-way
    # leaves the database empty, so `chengguan demo --if-empty` simply tries again.
    with transaction.atomic():
        org_total = sum(_org_count(plan) for plan in layout.districts)
        with stages.stage("organisations", org_total + 1):
            city = _create_city(stages)
            bureaus = [_create_units(plan, people, stages, city) for plan in layout.districts]

        rosters = [plan_staff(units, people, size=size) for units in bureaus]
        with stages.stage("staff", sum(len(r) for r in rosters) + len(DEMO_ACCOUNTS)):
            accounts = _create_demo_accounts(bureaus[0], city, people, password, stages)
            generated = [
                _bulk_create_staff(roster, stages, system_actor(units.bureau))
                for units, roster in zip(bureaus, rosters, strict=True)
            ]

        with stages.stage("certificates", len(bureaus)):
            for k, units in enumerate(bureaus):
                holders = [(p.profile, p.role_codes, p.cert_no) for p in generated[k] if p.cert_no]
                if k == 0:
                    holders[:0] = [
                        (p, frozenset({a.role}), p.cert_no)
                        for a in DEMO_ACCOUNTS
                        if (p := accounts[a.username]) is not None and getattr(p, "cert_no", None)
                    ]
                seed_certificates(
                    actor=system_actor(units.bureau), bureau=units.bureau, holders=holders, seed=seed
                )
                stages.step()

        with stages.stage("grids", layout.cell_count):
            for k, units in enumerate(bureaus):
                inspectors = [p.user for p in generated[k] if RoleCode.INSPECTOR in p.role_codes]
                extra = accounts["inspector"].user if k == 0 else None
                _create_grids(layout, units, inspectors, extra, assign_rng, stages)

        with stages.stage("streets", 1):
            streets_load(actor=system_actor(), features=street_features(layout))  # the offline base map

        with stages.stage("taxonomy", 1):
            load_taxonomy(actor=system_actor())

        with stages.stage("routing", len(U.ROUTES) * len(bureaus)):
            for units in bureaus:
                _create_routes(units, stages=stages)

        with stages.stage("reply_templates", len(REPLY_TEMPLATES)):
            _create_reply_templates(stages)

        with stages.stage("duty", 1):
            seed_duty(bureaus[0].bureau, seed)  # this month's rosters, patrols and 督察 findings

        with stages.stage("people", 1):
            seed_people(bureaus[0].bureau, seed)  # this year's training, two honours programmes, six deeds

        if merchants:
            with stages.stage("merchants", merchants):
                seed_merchants(
                    bureaus[0].bureau, merchants, seed, progress=lambda done, _total: stages.reach(done)
                )

    summary = _summary(layout, stages.seconds)
    if cases:
        # After the build has committed: the year commits day by day so an interrupted run resumes.
        summary.case_year = generate_case_year(seed=seed, size=size, count=cases, progress=progress)
        summary.seconds["cases"] = summary.case_year.seconds
        summary.seconds["penalty_cases"] = seed_penalty_cases(bureaus[0].bureau, seed=seed, size=size).seconds
        seed_feedback(seed=seed)  # feedback, callbacks and 12345 work orders for the closed public cases
        # Three special actions of the year with their joint operations and the cases they filed.
        summary.seconds["campaigns"] = seed_campaigns(bureaus[0].bureau, seed=seed).seconds
        # 300 vendors, 12 vending spots with their pitch draws, a year of help, vendors on cases.
        summary.seconds["welfare"] = seed_welfare(bureaus[0].bureau, seed=seed).seconds
    # Activities, volunteers, live sessions and media reports (linked to the year's operations and
    # cases when there are any).
    summary.seconds["outreach"] = seed_outreach(bureaus[0].bureau, seed=seed).seconds
    if merchants:
        link_demo_merchant_account(bureaus[0].bureau)  # after the year named shops on its cases
    return summary


# --- reply templates (常用语) -----------------------------------------------------------------------

# (category code or None for every category, purpose, text)
REPLY_TEMPLATES: tuple[tuple[str | None, str, str], ...] = (
    (None, TemplatePurpose.INTAKE, "经核实，问题属实，符合立案标准，予以立案。"),
    (None, TemplatePurpose.NOT_FILE, "经核实，该问题不属于城市管理职责范围，不予立案，已告知反映人。"),
    (None, TemplatePurpose.NOT_FILE, "经现场核查，未发现所反映的问题，不予立案。"),
    (None, TemplatePurpose.RETURN, "该问题不属于本单位职责范围，请重新派遣。"),
    (None, TemplatePurpose.HANDLING, "已到达现场处置完毕，现场已恢复整洁有序。"),
    (None, TemplatePurpose.VERIFY, "经现场核查，问题已处置到位，同意结案。"),
    (None, TemplatePurpose.VERIFY, "经现场核查，问题未处置到位，需返工。"),
    ("200504", TemplatePurpose.HANDLING, "已劝导商户将店外经营物品收回店内，并告知门前三包责任。"),
    ("200501", TemplatePurpose.HANDLING, "已劝离流动摊贩，并引导其到就近便民疏导点经营。"),
    ("200507", TemplatePurpose.HANDLING, "已责令当事人清理乱堆物料，现场已清理完毕。"),
    ("200102", TemplatePurpose.HANDLING, "已通知环卫作业单位清运暴露垃圾，现场已清理干净。"),
    ("200201", TemplatePurpose.HANDLING, "已清除非法小广告，并对涉及号码登记上报。"),
)


def _create_reply_templates(stages: _Stages) -> None:
    by_code = dict(Category.objects.filter(classification__is_active=True).values_list("code", "pk"))
    rows = [
        ReplyTemplate(category_id=by_code.get(code) if code else None, purpose=purpose, text=text)
        for code, purpose, text in REPLY_TEMPLATES
        if code is None or code in by_code
    ]
    ReplyTemplate.objects.bulk_create(rows)
    audit.record(
        actor=system_actor(),
        action="demo.reply_templates",
        obj=("cases.replytemplate", "*"),
        after={"count": len(rows)},
    )
    stages.step(len(rows))


# --- organisations -------------------------------------------------------------------------------


def _org_count(plan: DistrictPlan) -> int:
    subs = len(plan.subdistricts)
    communities = sum(len(s.communities) for s in plan.subdistricts)
    return 1 + len(U.DEPARTMENTS) + subs + 2 + subs + communities + len(U.PARTNERS)


def _address(plan: DistrictPlan, rng: random.Random) -> str:
    return f"郑州市{plan.spec.name}{rng.choice(U.ROADS)}{rng.randrange(1, 300)}号"


def _landline(rng: random.Random) -> str:
    return f"0371-{rng.randrange(60_000_000, 69_999_999)}"


def _create_city(stages: _Stages) -> Organisation:
    """郑州市城市管理局, the city-level bureau above the demo's district bureaus (its city leader
    compares them); the installation creates it."""
    city = org_services.organisation_create(
        actor=system_actor(), kind=OrgKind.CITY, name="郑州市城市管理局", short_name="郑州市城管局"
    )
    stages.step()
    return city


def _create_units(plan: DistrictPlan, people: People, stages: _Stages, city: Organisation) -> BureauUnits:
    rng = people.rng
    d = plan.spec.short
    # The installation creates the bureau; the bureau's own system account creates its units.
    acting = [system_actor()]

    def create(kind: str, name: str, parent: Organisation | None, **fields) -> Organisation:
        org = org_services.organisation_create(
            actor=acting[0],
            kind=kind,
            name=name,
            parent=parent,
            address=_address(plan, rng),
            contact_phone=_landline(rng),
            sort_order=stages._done,
            **fields,
        )
        stages.step()
        return org

    bureau = create(
        OrgKind.BUREAU,
        f"郑州市{plan.spec.name}城市管理局",
        city,
        code=plan.spec.county_code,
        short_name=f"{d}城管局",
    )
    units = BureauUnits(plan=plan, bureau=bureau)
    acting[0] = system_actor(bureau)
    for name in U.DEPARTMENTS:
        units.departments[name] = create(OrgKind.DEPARTMENT, name, bureau)
    for sub in plan.subdistricts:
        squad = create(OrgKind.SQUAD, f"{sub.short}中队", bureau)
        units.squads[squad.name] = units.squad_of_sub[sub.code] = squad
    for name in (U.DIRECT_SQUAD, U.MUCK_SQUAD):
        units.squads[name] = create(OrgKind.SQUAD, name, bureau)
    for sub in plan.subdistricts:
        sub_org = create(OrgKind.SUBDISTRICT, sub.name, bureau, code=sub.code, short_name=f"{sub.short}街道")
        units.subdistricts[sub.code] = sub_org
        for comm in sub.communities:
            units.communities[(sub.code, comm.code)] = create(
                OrgKind.COMMUNITY, comm.name, sub_org, code=comm.code
            )
    for partner in U.PARTNERS:
        units.partners[partner.key] = create(
            OrgKind.PARTNER, partner.name.format(d=d), bureau, partner_type=partner.partner_type
        )
    return units


# --- staff ---------------------------------------------------------------------------------------


def _create_demo_accounts(
    units: BureauUnits, city: Organisation, people: People, password: str, stages: _Stages
) -> dict[str, StaffProfile]:
    """The named accounts, through `staff_create` so they are exactly like accounts an admin opens."""
    places = {"bureau": units.bureau, "squad": units.first_squad(), "community": units.first_community()}
    places["city"] = city
    places.update(units.departments)
    places.update(units.partners)
    created: dict[str, StaffProfile] = {}
    actor = system_actor(units.bureau)
    for account in DEMO_ACCOUNTS:
        role = RoleCode(account.role)
        is_staff_role = account.role in STAFF_ROLES
        created[account.username] = org_services.staff_create(
            actor=system_actor() if account.place == "city" else actor,  # the city is the installation's
            username=account.username,
            password=password,
            organisation=places[account.place],
            roles=[account.role],
            full_name=people.full_name(),
            phone=people.mobile(),
            party_member=is_staff_role and people.rng.random() < 0.4,
            title=f"{role.label}（演示账号）",
        )
        if account.certified:
            created[account.username].cert_no = people.cert_no(units.plan.spec.county_code)
        stages.step()
    admin = created["admin"].user
    User.objects.filter(pk=admin.pk).update(is_superuser=True, is_staff=True)
    audit.record(
        actor=system_actor(),  # superusers are the installation's, not a bureau's
        action="user.grant_superuser",
        obj=admin,
        after={"username": admin.username, "is_superuser": True, "is_staff": True},
    )
    return created


class _Created:
    """A generated profile with its role codes, as `_bulk_create_staff` returns it."""

    def __init__(self, profile: StaffProfile, role_codes: frozenset[str], cert_no: str | None):
        self.profile = profile
        self.user = profile.user
        self.role_codes = role_codes
        self.cert_no = cert_no  # the number of the certificate the demo enters for them (or None)


def _bulk_create_staff(roster: list[StaffSpec], stages: _Stages, actor) -> list[_Created]:
    """Generated colleagues, written in bulk with one `staff.create` audit event each.

    They get no usable password: they fill the lists and the grid assignments; an admin can set a
    password for any of them. Only the named demo accounts log in with the shared password.
    """
    users = []
    for spec in roster:
        user = User(username=spec.username)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    profiles = [
        StaffProfile(
            user=user,
            organisation=spec.organisation,
            full_name=spec.full_name,
            phone=spec.phone,
            party_member=spec.party_member,
            title=spec.title,
        )
        for user, spec in zip(users, roster, strict=True)
    ]
    StaffProfile.objects.bulk_create(profiles, batch_size=500)
    role_ids = dict(Role.objects.values_list("code", "pk"))
    through = StaffProfile.roles.through
    through.objects.bulk_create(
        [
            through(staffprofile_id=profile.pk, role_id=role_ids[code])
            for profile, spec in zip(profiles, roster, strict=True)
            for code in spec.roles
        ],
        batch_size=1000,
    )
    created = []
    for profile, spec in zip(profiles, roster, strict=True):
        audit.record(
            actor=actor,
            action="staff.create",
            obj=profile,
            after={
                "username": spec.username,
                "organisation": spec.organisation.pk,
                "roles": sorted(spec.roles),
                "full_name": spec.full_name,
                "phone": spec.phone,
                "party_member": spec.party_member,
                "title": spec.title,
                "is_active": True,
            },
        )
        created.append(_Created(profile, frozenset(spec.roles), spec.cert_no))
        stages.step()
    return created


# --- grids ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _GridSpec:
    code: str
    name: str
    community: Organisation
    squad: Organisation
    geometry: dict
    inspectors: tuple


def _grid_specs(
    layout: Layout, units: BureauUnits, inspectors: list, extra, rng: random.Random
) -> list[_GridSpec]:
    """Every grid of a bureau with its squad and one or two inspectors.

    Inspectors are shared out between sub-districts by size; within one, each patrols a run of
    consecutive grids (neighbouring communities), and about a third of the grids get a second
    inspector from the same sub-district. The demo inspector joins the first few grids.
    """
    plan = units.plan
    width = codes.sequence_digits()  # 2 (14-digit codes) or 3 (15-digit, settings.GRID_CODE_DIGITS)
    share = allocate([s.cell_count for s in plan.subdistricts], len(inspectors))
    specs: list[_GridSpec] = []
    start = 0
    for sub, count in zip(plan.subdistricts, share, strict=True):
        team = inspectors[start : start + count] or [inspectors[(start + len(specs)) % len(inspectors)]]
        start += count
        squad = units.squad_of_sub[sub.code]
        cells = [
            (comm, seq, cell) for comm in sub.communities for seq, cell in enumerate(comm.cells, start=1)
        ]
        for k, (comm, seq, cell) in enumerate(cells):
            primary = k * len(team) // len(cells)
            chosen = [team[primary]]
            if len(team) > 1 and rng.random() < 1 / 3:
                chosen.append(team[(primary + 1) % len(team)])
            community = units.communities[(sub.code, comm.code)]
            code = f"{plan.spec.county_code}{sub.code}{comm.code}{seq:0{width}d}"
            specs.append(
                _GridSpec(
                    code, f"{comm.name}{seq:02d}号网格", community, squad, layout.geojson(cell), tuple(chosen)
                )
            )
    if extra is not None:
        for k in range(min(DEMO_INSPECTOR_GRIDS, len(plan.subdistricts[0].communities[0].cells))):
            spec = specs[k]
            specs[k] = replace(spec, inspectors=(spec.inspectors[0], extra))
    return specs


def _create_grids(
    layout: Layout, units: BureauUnits, inspectors: list, extra, rng: random.Random, stages: _Stages
) -> None:
    specs = _grid_specs(layout, units, inspectors, extra, rng)
    actor = system_actor(units.bureau)
    if len(specs) <= BULK_GRID_THRESHOLD:
        for spec in specs:
            grid_services.grid_create(
                actor=actor,
                code=spec.code,
                community=spec.community,
                geometry=spec.geometry,
                squad=spec.squad,
                name=spec.name,
                inspectors=spec.inspectors,
            )
            stages.step()
    else:
        _bulk_create_grids(specs, stages, actor)


def _bulk_create_grids(specs: list[_GridSpec], stages: _Stages, actor, batch: int = 1000) -> None:
    """The same rows and audit events as `grid_create`, written a thousand at a time.

    Codes and geometry come from the lattice, so they are valid by construction; the geometry is
    still parsed and checked so a bug here cannot store a broken polygon.
    """
    for offset in range(0, len(specs), batch):
        chunk = specs[offset : offset + batch]
        grids = []
        for spec in chunk:
            derived = grid_fields_from_geometry(shape_from_geojson(spec.geometry))
            grids.append(
                Grid(
                    code=spec.code,
                    name=spec.name,
                    subdistrict=spec.community.parent,
                    community=spec.community,
                    squad=spec.squad,
                    geometry=spec.geometry,
                    **derived,
                )
            )
        Grid.objects.bulk_create(grids)
        through = Grid.inspectors.through
        through.objects.bulk_create(
            [
                through(grid_id=grid.pk, user_id=user.pk)
                for grid, spec in zip(grids, chunk, strict=True)
                for user in spec.inspectors
            ]
        )
        for grid, spec in zip(grids, chunk, strict=True):
            audit.record(
                actor=actor,
                action="grid.create",
                obj=grid,
                after={
                    "code": grid.code,
                    "name": grid.name,
                    "subdistrict_id": grid.subdistrict_id,
                    "community_id": grid.community_id,
                    "squad_id": grid.squad_id,
                    "inspectors": sorted(u.username for u in spec.inspectors),
                    "geometry_sha256": geometry_digest(grid.geometry),
                    "area_m2": grid.area_m2,
                },
            )
        stages.step(len(chunk))
    _bump_grid_version()


def _bump_grid_version() -> None:
    """Tell every process to rebuild its point→grid index, as the grid services do after a write."""
    if not GridSetVersion.objects.filter(pk=1).update(version=F("version") + 1):
        GridSetVersion.objects.create(pk=1, version=1)


# --- routing -------------------------------------------------------------------------------------


def _create_routes(units: BureauUnits, *, stages: _Stages) -> None:
    """One rule per `units.ROUTES` entry, the bureau's own (its system account adds them)."""
    majors = {(m.kind, m.code): m for m in MajorCategory.objects.filter(classification__is_active=True)}
    minors = {(c.kind, c.minor_code): c for c in Category.objects.filter(classification__is_active=True)}
    actor = system_actor(units.bureau)
    for route in U.ROUTES:
        major = majors.get((route.kind, route.major))
        category = minors.get((route.kind, route.minor)) if route.minor else None
        if major is None or (route.minor and category is None):
            stages.step()
            continue
        handler = units.partners[route.unit] if route.unit in units.partners else units.unit(route.unit)
        taxonomy_services.routing_rule_create(
            actor=actor,
            handler=handler,
            major=None if category else major,
            category=category,
            use_grid_squad=route.grid_squad,
            note="演示数据",
        )
        stages.step()


# --- summary and the CLI's helpers ---------------------------------------------------------------


def _summary(layout: Layout, seconds: dict[str, float]) -> DemoSummary:
    from chengguan.taxonomy.models import RoutingRule

    orgs = Organisation.objects
    return DemoSummary(
        seed=layout.seed,
        size=layout.size,
        bureaus=orgs.filter(kind=OrgKind.BUREAU).count(),
        subdistricts=orgs.filter(kind=OrgKind.SUBDISTRICT).count(),
        communities=orgs.filter(kind=OrgKind.COMMUNITY).count(),
        organisations=orgs.count(),
        staff=StaffProfile.objects.count(),
        grids=Grid.objects.count(),
        categories=Category.objects.filter(classification__is_active=True).count(),
        routing_rules=RoutingRule.objects.count(),
        seconds=seconds,
    )


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # Chinese label
    organisation: str
    full_name: str


def demo_logins() -> list[DemoLogin]:
    """The named demo accounts that exist, in role order."""
    profiles = {
        p.user.username: p
        for p in StaffProfile.objects.select_related("user", "organisation").filter(
            user__username__in=DEMO_USERNAMES
        )
    }
    return [
        DemoLogin(
            a.username,
            RoleCode(a.role).label,
            profiles[a.username].organisation.name,
            profiles[a.username].full_name,
        )
        for a in DEMO_ACCOUNTS
        if a.username in profiles
    ]


def demo_password_is(password: str) -> bool:
    """Whether the demo accounts still use `password` (checked on one account)."""
    user = User.objects.filter(username__in=DEMO_USERNAMES).order_by("pk").first()
    return user is not None and user.check_password(password)


def demo_set_password(*, password: str) -> int:
    """Give every named demo account `password`, through `staff_set_password`; returns how many."""
    check_password(password)
    users = list(User.objects.filter(username__in=DEMO_USERNAMES).order_by("pk"))
    with transaction.atomic():
        actor = system_actor()
        for user in users:
            org_services.staff_set_password(actor=actor, user=user, password=password)
    return len(users)

"""A year of penalty cases for the demo district, played through the services.

`seed_penalty_cases()` plans about 1,400 cases (a district bureau's yearly volume) over the year before
`end`: a quarter decided on the spot (简易程序), the rest through the general procedure with legal
review, hearings, reconsideration, written reminders and court applications. Every step is a service
call with the clock pinned at the step's day, so numbers, deadlines and the audit trail are exactly
what staff using the pages would produce. Steps that would fall after `end` are not taken, so the
newest cases wait at every stage of the procedure. Each simulated day is one transaction.

Dates are derived from the same `core.legal_periods` rules the services check, so the plan never asks
for an unlawful step; a step the services still refuse is counted in `refused` and ends that case.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import string
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw
from stdnum.cn import ric, uscc

from chengguan.cases.models import Case
from chengguan.cases.states import CaseState, Disposition
from chengguan.core import clock, deadlines, legal_periods
from chengguan.core.errors import DomainError, PermissionDenied
from chengguan.demo.errors import DemoError
from chengguan.demo.names import People
from chengguan.enforcement import periods, services
from chengguan.enforcement.documents.services import issuable_types, penalty_document_issue
from chengguan.enforcement.models import DocumentType as T
from chengguan.enforcement.models import PenaltyCase
from chengguan.enforcement.states import PenaltyAction as A
from chengguan.org.models import Organisation, OrgKind, StaffProfile
from chengguan.org.roles import RoleCode

Progress = Callable[[str, int, int], object]
STAGE = "penalty_cases"
# About 1,400 penalty cases a year in a district bureau (ARCHITECTURE.md).
DEFAULT_COUNTS = {"small": 120, "district": 1_400, "city": 1_400}
SIMPLE_SHARE = 0.25

# (facts, legal basis, fine range in yuan for a person, for an organisation); None: warnings only.
VIOLATIONS: tuple[tuple[str, str, tuple[int, int] | None, tuple[int, int] | None], ...] = (
    (
        "在人行道上摆摊设点经营，经责令改正拒不改正",
        "《城市市容和环境卫生管理条例》第十四条、第三十六条第一项",
        (50, 500),
        (200, 3000),
    ),
    (
        "超出门窗外墙经营，占用人行道",
        "《城市市容和环境卫生管理条例》第十四条、第三十六条",
        (50, 300),
        (200, 3000),
    ),
    (
        "未经批准擅自设置大型户外广告",
        "《城市市容和环境卫生管理条例》第十一条、第三十六条第二项",
        (500, 2000),
        (1000, 5000),
    ),
    (
        "随意倾倒建筑垃圾",
        "《城市建筑垃圾管理规定》第十五条、第二十六条",
        (200, 2000),
        (5000, 50000),
    ),
    (
        "运输建筑垃圾未密闭，沿途撒漏",
        "《城市建筑垃圾管理规定》第十四条、第二十三条",
        None,
        (5000, 30000),
    ),
    (
        "餐饮服务项目油烟未经处理直接排放",
        "《中华人民共和国大气污染防治法》第八十一条、第一百一十八条第一款",
        None,
        (5000, 50000),
    ),
    ("擅自占用城市绿地", "《城市绿化条例》第十九条、第二十七条", (500, 3000), (2000, 20000)),
    (
        "在建筑物上乱涂写、乱张贴",
        "《城市市容和环境卫生管理条例》第十七条、第三十四条",
        (20, 100),
        (100, 1000),
    ),
)
TRADES = ("餐饮", "建材", "商贸", "物流", "装饰工程", "广告", "便利店", "建筑工程")
PLACES = ("中原", "建设路", "棉纺", "绿城", "嵩山", "桐柏", "伏牛", "秦岭")
TRANSFER_BODIES = ("区自然资源局", "区生态环境分局", "区市场监督管理局")
OVERDUE_REASONS = ("当事人下落不明，经公告送达，延长办案期限已经负责人批准",)


@dataclass
class PenaltyDemoSummary:
    cases: int = 0
    simple: int = 0
    from_closed_loop: int = 0
    steps: int = 0
    refused: int = 0
    documents: int = 0
    seconds: float = 0.0
    states: dict[str, int] = field(default_factory=dict)


@dataclass
class _Staff:
    squads: list[tuple[list, object | None]]  # (handlers of a squad, its squad leader)
    legal: list
    leaders: list


@dataclass
class _Plan:
    """One case: how it starts and its steps as (day, action, actor, payload), in procedure order."""

    simple: bool
    party: dict
    facts: str
    legal_basis: str
    fine: Decimal
    officers: list
    start: dt.date
    origin: Case | None = None
    steps: list[tuple[dt.date, str, object, dict]] = field(default_factory=list)
    case: PenaltyCase | None = None

    @property
    def closes(self) -> bool:
        """A general-procedure case the demo takes to 结案."""
        return not self.simple and any(action == A.CLOSE for _day, action, _actor, _p in self.steps)


_BASIS = re.compile(r"(《[^》]+》)(第[^、]+?条)、(.+)")


def split_basis(text: str) -> tuple[str, str]:
    """`《条例》第十四条、第三十六条第一项` → 违法依据 `《条例》第十四条` and 处罚依据
    `《条例》第三十六条第一项`: the demo's violations cite the provision broken, then the penalty's."""
    match = _BASIS.fullmatch(text)
    if match is None:
        return text, text
    law, broken, punishing = match.groups()
    return law + broken, law + punishing


def _staff(bureau: Organisation) -> _Staff:
    profiles = (
        StaffProfile.objects.filter(organisation__bureau=bureau)
        .select_related("user", "organisation")
        .prefetch_related("roles")
        .order_by("pk")
    )
    handlers: dict[int, list] = defaultdict(list)
    chiefs: dict[int, object] = {}
    legal, leaders = [], []
    for p in profiles:
        codes = {r.code for r in p.roles.all()}
        if RoleCode.HANDLER in codes and p.organisation.kind == OrgKind.SQUAD:
            handlers[p.organisation_id].append(p.user)
        if RoleCode.SQUAD_LEADER in codes:
            chiefs.setdefault(p.organisation_id, p.user)
        if RoleCode.LEGAL_REVIEWER in codes:
            legal.append(p.user)
        if RoleCode.LEADER in codes:
            leaders.append(p.user)
    squads = [(users, chiefs.get(org)) for org, users in handlers.items() if len(users) >= 2]
    if not squads or not legal or not leaders:
        raise DomainError(
            "演示数据缺少执法中队人员、法制员或领导，无法生成行政处罚案件。", code=DemoError.NO_STAFF
        )
    return _Staff(squads, legal, leaders)


def _person(rng: random.Random, people: People, county: str) -> dict:
    while True:  # the region code must have existed on the birth date, which the check knows
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(40 * 365))
        body = f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            break
    return {"kind": "person", "name": people.full_name(), "id_number": number, "phone": people.mobile()}


_USCC_CHARS = "".join(c for c in string.digits + string.ascii_uppercase if c not in "IOSVZ")


def _organisation(rng: random.Random, people: People, county: str) -> dict:
    while True:
        body = f"91{county}" + "".join(rng.choice(_USCC_CHARS) for _ in range(9))
        code = body + uscc.calc_check_digit(body)
        if uscc.is_valid(code):
            break
    name = f"郑州{rng.choice(PLACES)}{rng.choice(TRADES)}有限公司"
    return {
        "kind": "organisation",
        "name": name,
        "credit_code": code,
        "legal_representative": people.full_name(),
    }


def _fine(rng: random.Random, span: tuple[int, int] | None) -> Decimal:
    if span is None:
        return Decimal("0")
    low, high = span
    return Decimal(rng.randrange(low // 10, high // 10 + 1) * 10)


def _later(day: dt.date, low: int, high: int, rng: random.Random) -> dt.date:
    return day + dt.timedelta(days=rng.randint(low, high))


def _general_steps(plan: _Plan, rng: random.Random, staff: _Staff, squad_chief, end: dt.date) -> None:
    """The steps of a general-procedure case from filing to closing (or to its other end)."""
    handler = plan.officers[0]
    chief = squad_chief or rng.choice(staff.leaders)
    leader = rng.choice(staff.leaders)
    legal = rng.choice(staff.legal)
    steps = plan.steps
    filed = _later(plan.start, 0, 1, rng)
    steps.append((filed, A.APPROVE_FILING, chief, {"filed_on": filed}))
    # The scene photographed by the two officers (行政处罚法 第四十二条、第五十五条): closing asks for it.
    steps.append((filed, EVIDENCE, handler, {"description": "现场照片：违法行为及现场情况"}))
    roll = rng.random()
    if roll < 0.05:  # ended before review: terminated (3 %) or transferred (2 %)
        day = _later(filed, 7, 40, rng)
        if roll < 0.03:
            steps.append((day, A.TERMINATE, leader, {"reason": "经调查，违法事实不能成立"}))
        else:
            body = rng.choice(TRANSFER_BODIES)
            steps.append((day, A.TRANSFER, leader, {"reason": "案件不属于本机关管辖", "to": body}))
        return
    review = plan.fine >= 10_000 or rng.random() < 0.15  # 第五十八条: major public interest etc.
    violated, basis = split_basis(plan.legal_basis)
    submitted = _later(filed, 5, 25, rng)
    steps.append(
        (
            submitted,
            A.SUBMIT_FOR_REVIEW,
            handler,
            {
                "violated_provisions": violated,
                "legal_basis": basis,
                "fine_amount": plan.fine,
                "legal_review_grounds": ["major_public_interest"] if review else [],
            },
        )
    )
    day = submitted
    if review:
        day = _later(day, 1, 4, rng)
        steps.append(
            (
                day,
                A.LEGAL_REVIEW_PASS,
                legal,
                {"opinion": "事实清楚，证据确凿，程序合法，同意处罚。", "on": day},
            )
        )
    if roll < 0.07:  # suspended while the party is in hospital; half of them resume and go on
        day = _later(day, 1, 5, rng)
        steps.append((day, A.SUSPEND, leader, {"reason": "当事人住院治疗，暂时无法接受调查"}))
        if rng.random() < 0.5:
            return
        day = _later(day, 10, 25, rng)
        steps.append((day, A.RESUME, leader, {}))
    # 第六十三条: a larger fine (here 10,000 yuan for an organisation, 2,000 for a person) may be heard.
    offered = plan.fine >= (10_000 if plan.party["kind"] == "organisation" else 2_000)
    notice = _later(day, 1, 3, rng)
    steps.append((notice, A.SERVE_NOTICE, handler, {"notice_served_on": notice, "hearing_offered": offered}))
    last_request = legal_periods.deadline("apl_hearing_request", notice)
    if offered and rng.random() < 0.4:
        asked = min(_later(notice, 1, 4, rng), last_request)
        steps.append((asked, A.REQUEST_HEARING, handler, {"hearing_requested_on": asked}))
        told = asked + dt.timedelta(days=1)
        hearing = deadlines.add_working_days(told, 8)  # notice at least 7 working days before (第六十四条)
        steps.append((told, A.SCHEDULE_HEARING, handler, {"hearing_on": hearing, "hearing_notice_on": told}))
        steps.append((hearing, A.HOLD_HEARING, handler, {}))
        day = _later(hearing, 1, 3, rng)
        steps.append(
            (day, A.LEGAL_REVIEW_PASS, legal, {"opinion": "经听证，事实清楚，同意处罚。", "on": day})
        )
    else:
        # The party states and defends (or says it will not) within days of the notice, which ends
        # the bureau's period early (第四十四条、第四十五条); a hearing offered but not asked for
        # waits out its period.
        stated = _later(notice, 0, 2, rng)
        kind = "stated" if rng.random() < 0.7 else "waived"
        summary = "当事人称已认识到错误，请求从轻处罚" if kind == "stated" else ""
        steps.append(
            (
                stated,
                A.RECORD_STATEMENT,
                handler,
                {"statement_kind": kind, "statement_on": stated, "statement": summary},
            )
        )
        day = _later(last_request if offered else stated, 1, 6, rng)
    limit = legal_periods.deadline("apl_decision_deadline", filed)
    decided = day if rng.random() > 0.01 else max(day, limit + dt.timedelta(days=rng.randint(1, 10)))
    decide = {"decision_on": decided}
    if decided > limit:
        decide["overdue_reason"] = rng.choice(OVERDUE_REASONS)
    steps.append((decided, A.DECIDE, leader, decide))
    served = min(_later(decided, 0, 4, rng), legal_periods.deadline("apl_service_of_decision", decided))
    steps.append((served, A.SERVE_DECISION, handler, {"decision_served_on": served}))
    _execution_steps(plan, rng, served, handler, chief, legal)


def _execution_steps(plan: _Plan, rng: random.Random, served: dt.date, handler, chief, legal) -> None:
    """Payment (most), payment after a reconsideration, or a reminder and the court (第六十七条, 行政强制法
    第五十三条、第五十四条)."""
    steps = plan.steps
    roll = rng.random()
    if roll < 0.08:
        applied = _later(served, 10, 50, rng)
        steps.append((applied, "review_record", legal, {"kind": "reconsideration", "applied_on": applied}))
        concluded = _later(applied, 30, 60, rng)
        steps.append((concluded, "review_conclude", legal, {"concluded_on": concluded, "outcome": "upheld"}))
        paid = _later(concluded, 1, 10, rng)
    elif roll < 0.22:
        _reminder_steps(plan, rng, served, handler, chief)
        return
    else:
        paid = _later(served, 1, 14, rng)
    steps.append((paid, A.RECORD_PAYMENT, handler, {"paid_on": paid}))
    steps.append((_later(paid, 1, 7, rng), A.CLOSE, chief, {}))


def _reminder_steps(plan: _Plan, rng: random.Random, served: dt.date, handler, chief) -> None:
    """Unpaid after the payment period: a written reminder, then payment or, once the reminder's ten
    working days and the party's review periods are over, the court (行政强制法 第五十三条、第五十四条)."""
    steps = plan.steps
    reminded = _later(legal_periods.deadline("apl_fine_payment", served), 3, 20, rng)
    steps.append((reminded, A.SERVE_REMINDER, handler, {"reminder_served_on": reminded}))
    wait_end = legal_periods.deadline("acl_reminder_before_court_application", reminded)
    if rng.random() < 0.3:
        paid = _later(wait_end, -5, 0, rng)
        steps.append((paid, A.RECORD_PAYMENT, handler, {"paid_on": paid}))
        steps.append((_later(paid, 1, 5, rng), A.CLOSE, chief, {}))
        return
    applied = _later(max(wait_end, periods.review_periods_end(served)), 1, 30, rng)
    steps.append((applied, A.APPLY_COURT, chief, {"court_applied_on": applied}))
    steps.append((_later(applied, 10, 40, rng), A.CLOSE, chief, {}))


def _simple_steps(plan: _Plan, rng: random.Random, chief) -> None:
    """An on-the-spot fine not collected there is paid at the bank within 15 days (第六十七条), then
    the case is closed."""
    day = plan.start
    if plan.fine == 0:
        return  # a warning is closed when decided
    if plan.fine > 100 and rng.random() < 0.95:
        day = _later(day, 1, 14, rng)
        plan.steps.append((day, A.RECORD_PAYMENT, plan.officers[0], {"paid_on": day}))
    elif plan.fine > 100:
        _reminder_steps(plan, rng, day, plan.officers[0], chief)
        return
    plan.steps.append((_later(day, 1, 3, rng), A.CLOSE, chief, {}))


def _enforcement_cases(bureau: Organisation) -> list[Case]:
    """Closed-loop cases closed with the enforcement disposition and no penalty case yet, oldest first."""
    return list(
        Case.objects.filter(
            bureau=bureau, state=CaseState.CLOSED, disposition=Disposition.ENFORCEMENT, penalty_case_ref=""
        ).order_by("closed_at")
    )


def plan_cases(bureau: Organisation, count: int, seed: int, end: dt.date) -> list[_Plan]:
    rng = random.Random(f"chengguan-demo:{seed}:penalty")
    people = People(random.Random(f"chengguan-demo:{seed}:penalty-people"))
    staff = _staff(bureau)
    county = bureau.code if len(bureau.code or "") == 6 and bureau.code.isdigit() else "410102"
    origins = _enforcement_cases(bureau)
    plans = []
    starts = sorted(end - dt.timedelta(days=rng.randrange(365)) for _ in range(count))
    for start in starts:
        facts, basis, person_span, org_span = rng.choice(VIOLATIONS)
        is_org = person_span is None or rng.random() < 0.35
        party = _organisation(rng, people, county) if is_org else _person(rng, people, county)
        span = org_span if is_org else person_span
        handlers, chief = rng.choice(staff.squads)
        officers = rng.sample(handlers, 2)
        simple_cap = 3000 if is_org else 200
        if rng.random() < SIMPLE_SHARE:
            fine = min(_fine(rng, span), Decimal(simple_cap)) if rng.random() < 0.8 else Decimal("0")
            plan = _Plan(True, party, facts, basis, fine, officers, start)
            _simple_steps(plan, rng, chief or rng.choice(staff.leaders))
            plans.append(plan)
            continue
        plan = _Plan(
            False, party, facts, basis, max(_fine(rng, span), Decimal(simple_cap + 100)), officers, start
        )
        if origins and origins[0].closed_at.astimezone(clock.SHANGHAI).date() <= start and rng.random() < 0.5:
            plan.origin = origins.pop(0)
        _general_steps(plan, rng, staff, chief, end)
        plans.append(plan)
    return plans


def _moment(day: dt.date, k: int) -> dt.datetime:
    minutes = 9 * 60 + (k * 3) % (8 * 60)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=clock.SHANGHAI)


def _start(plan: _Plan, bureau: Organisation) -> PenaltyCase:
    actor = plan.officers[0]
    if plan.simple:
        return services.penalty_simple_decide(
            actor=actor,
            bureau=bureau,
            facts=plan.facts,
            violated_provisions=split_basis(plan.legal_basis)[0],
            legal_basis=split_basis(plan.legal_basis)[1],
            party=plan.party,
            fine_amount=plan.fine,
            collected_on_spot=Decimal("0") < plan.fine <= 100,
            decided_on=plan.start,
            officers=plan.officers,
        )
    if plan.origin is not None:
        return services.penalty_case_open_from_case(
            actor=actor, case=plan.origin, parties=[plan.party], officers=plan.officers, facts=""
        )
    return services.penalty_case_propose(
        actor=actor,
        bureau=bureau,
        facts=plan.facts,
        parties=[plan.party],
        officers=plan.officers,
        proposed_on=plan.start,
    )


# The documents (文书) each step produces. The demo issues them for the cases of its last weeks only:
# rendering every PDF of a year (about 11,000) would take longer than the rest of the demo.
DOCUMENTS_AFTER: dict[str, tuple[str, ...]] = {
    "": (T.SIMPLE_DECISION,),  # the on-the-spot decision of a simple-procedure case
    A.APPROVE_FILING: (T.FILING_APPROVAL, T.INSPECTION_RECORD, T.INQUIRY_RECORD),
    A.SUBMIT_FOR_REVIEW: (T.PRIOR_NOTICE, T.HEARING_RIGHTS_NOTICE),
    A.SERVE_NOTICE: (T.SERVICE_RECEIPT,),
    A.SCHEDULE_HEARING: (T.HEARING_NOTICE, T.SERVICE_RECEIPT),
    A.DECIDE: (T.DECISION,),
    A.SERVE_DECISION: (T.SERVICE_RECEIPT,),
    A.SERVE_REMINDER: (T.REMINDER, T.SERVICE_RECEIPT),
    A.APPLY_COURT: (T.COURT_APPLICATION,),
    A.CLOSE: (T.CLOSING_REPORT,),
}
DOCUMENT_WEEKS = 6
# The documents a general-procedure case cannot be closed without (enforcement/casefile.py): issued
# for every case the demo closes, whatever its age.
FILE_DOCUMENTS = frozenset(
    {T.FILING_APPROVAL, T.PRIOR_NOTICE, T.HEARING_NOTICE, T.DECISION, T.REMINDER, T.COURT_APPLICATION}
)
EVIDENCE = "evidence_add"


@lru_cache(maxsize=1)
def _scene_photo_bytes() -> bytes:
    image = Image.new("RGB", (200, 150), (96, 112, 128))
    ImageDraw.Draw(image).text((24, 68), "Chengguan demo: scene", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _scene_photo() -> ContentFile:
    """The same small JPEG for every case (stored once per case under its SHA-256)."""
    return ContentFile(_scene_photo_bytes(), name="scene.jpg")


def _issue_documents(plan: _Plan, action: str, actor, *, only: frozenset | None = None) -> int:
    """Issue the documents of the step just taken (those the case's state and procedure allow;
    with `only`, those of its types)."""
    issued = 0
    for doc_type in DOCUMENTS_AFTER.get(action, ()):
        if only is not None and doc_type not in only:
            continue
        if doc_type == T.HEARING_RIGHTS_NOTICE and not plan.case.hearing_offered:
            continue
        if doc_type not in issuable_types(plan.case):
            continue
        for signer in (actor, plan.officers[0]):
            try:
                with transaction.atomic():
                    penalty_document_issue(actor=signer, case=plan.case, doc_type=doc_type)
            except PermissionDenied:
                continue  # not this signer's document: the case officer signs it
            issued += 1
            break
    return issued


def _take(plan: _Plan, action: str, actor, payload: dict) -> None:
    if action == EVIDENCE:
        services.penalty_evidence_add(actor=actor, case=plan.case, upload=_scene_photo(), **payload)
    elif action == "review_record":
        services.penalty_review_record(actor=actor, case=plan.case, **payload)
    elif action == "review_conclude":
        review = plan.case.reviews.latest("id")
        services.penalty_review_conclude(actor=actor, review=review, **payload)
    else:
        plan.case = services.penalty_transition(actor=actor, case=plan.case, action=action, payload=payload)


def seed_penalty_cases(
    bureau: Organisation,
    count: int | None = None,
    seed: int = 1,
    *,
    size: str = "district",
    end: dt.date | None = None,
    progress: Progress | None = None,
) -> PenaltyDemoSummary:
    """Play a year of penalty cases of `bureau` through the services (see the module docstring)."""
    began = time.monotonic()
    end = end or clock.today()
    count = DEFAULT_COUNTS.get(size, DEFAULT_COUNTS["district"]) if count is None else count
    plans = plan_cases(bureau, count, seed, end)
    documents_from = end - dt.timedelta(weeks=DOCUMENT_WEEKS)
    # Every case's first step, then its later steps, ordered by day; a case refused once stops.
    agenda: dict[dt.date, list[tuple[int, int, str, object, dict]]] = defaultdict(list)
    for i, plan in enumerate(plans):
        agenda[plan.start].append((i, -1, "", None, {}))
        for j, (day, action, actor, payload) in enumerate(plan.steps):
            if day > end:
                break
            agenda[day].append((i, j, action, actor, payload))
    summary = PenaltyDemoSummary(cases=len(plans), simple=sum(p.simple for p in plans))
    stopped: set[int] = set()
    done = 0
    for day in sorted(agenda):
        with transaction.atomic():
            for k, (i, j, action, actor, payload) in enumerate(
                sorted(agenda[day], key=lambda r: (r[0], r[1]))
            ):
                plan = plans[i]
                if i in stopped or (j >= 0 and plan.case is None):
                    continue
                try:
                    with transaction.atomic(), clock.pinned(_moment(day, k)):
                        if j < 0:
                            plan.case = _start(plan, bureau)
                            summary.from_closed_loop += plan.origin is not None
                        else:
                            _take(plan, action, actor, payload)
                        if plan.case is not None and (plan.start >= documents_from or plan.closes):
                            # An older case that is closed carries the documents closing asks for.
                            only = None if plan.start >= documents_from else FILE_DOCUMENTS
                            summary.documents += _issue_documents(
                                plan, action, actor or plan.officers[0], only=only
                            )
                except DomainError:
                    summary.refused += 1
                    stopped.add(i)
                    continue
                summary.steps += 1
        done += len(agenda[day])
        if progress:
            progress(STAGE, done, sum(len(v) for v in agenda.values()))
    summary.states = dict(
        Counter(PenaltyCase.objects.filter(bureau=bureau).values_list("state", flat=True)).most_common()
    )
    summary.seconds = time.monotonic() - began
    return summary

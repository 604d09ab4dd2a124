"""The English UI is complete: every page of the URL conf, rendered after the language switch to
English, shows no Chinese outside the data itself (issue #10, translated choices).

The pages come from the URL conf, so a new page is checked (or the test asks for its arguments). Each
page is opened by every viewer the district has: anonymous, and a user of each role; every answer that
is an HTML page (status 200, 400, 403, 404 or 409) is read, every other answer (a redirect, a refusal, a
download, a POST-only URL) is skipped, and each page must have been read by at least one viewer.

What is read: the text of the page, the attributes a reader sees (title, placeholder, alt, aria-label,
a confirmation prompt, button values) and the strings of the JSON configurations the page's scripts
use. Text inside an element marked `lang="zh-…"` is Chinese on purpose (the language switch's own name,
the brand mark) and is not read.

What is data, and may stay Chinese: what people and partners typed or the bureau named — names of
organisations, staff, grids, merchants and complainants (also masked, as `王**`), addresses,
descriptions, replies, comments, reasons, the classification's category names and criteria (the
national standard names them in Chinese; pages show `name_en` where it has one), numbers of letters,
and what the import file said. Everything else — headings, labels, buttons, table heads, help texts,
choice and state labels, messages, dates — must be English.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chengguan.cases import services as case_services
from chengguan.cases import spam, supervision
from chengguan.cases.models import Case, CaseEvidence, CaseExtension, ReplyTemplate, Supervision
from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.channels import services as channel_services
from chengguan.channels.jobs import IMPORT_KIND as ORDER_IMPORT
from chengguan.channels.models import WorkOrder
from chengguan.core import clock
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.masking import mask_name
from chengguan.core.models import Job, JobStatus
from chengguan.enforcement import disclosure as penalty_disclosure
from chengguan.enforcement import evaluation as penalty_evaluation
from chengguan.enforcement import services as penalty_services
from chengguan.enforcement.documents.services import penalty_document_issue
from chengguan.enforcement.models import (
    CaseFileEvaluation,
    PenaltyCase,
    PenaltyDisclosure,
    PenaltyDocument,
    PenaltyEvidence,
    PenaltyParty,
    PenaltyReview,
)
from chengguan.enforcement.services import origin_facts
from chengguan.feedback.models import Callback, Feedback
from chengguan.grids.models import Grid
from chengguan.merchants import services as merchant_services
from chengguan.merchants.jobs import IMPORT_KIND as LEDGER_IMPORT
from chengguan.merchants.jobs import LETTERS_KIND
from chengguan.merchants.models import Letter, LetterStatus, Merchant
from chengguan.org.models import Organisation, StaffProfile
from chengguan.org.roles import RoleCode as R
from chengguan.people import services as people_services
from chengguan.people.models import (
    Certificate,
    Deed,
    HonourProgramme,
    Nomination,
    TrainingMaterial,
    TrainingSession,
)
from chengguan.portal import services as portal_services
from chengguan.portal.models import CallbackReview
from chengguan.taxonomy.models import Category, Classification, MajorCategory
from tests import factories
from tests.cases import flow
from tests.cases.conftest import _fast_tests, district, jpeg  # noqa: F401  (fixtures)
from tests.cases.media import jpeg_upload
from tests.factories import DEMO_PASSWORD

# Every namespace is checked now that the three machines run on the kernel.
AWAITING_KERNEL_PORT: set[str] = set()
NOT_CHECKED = {
    "admin": "Django admin: the back office of the administrator, in Django's own words and the "
    "models' verbose names",
    "api": "JSON API; its messages are Chinese by the project's rule (code in English)",
    "api-schema": "the OpenAPI document (YAML), written in Chinese for integrators",
    "api-docs": "Swagger UI over the OpenAPI document, whose descriptions are Chinese",
    "open311": "Open311 GeoReport v2 answers (XML and JSON)",
    "set_language": "POST only: the language switch itself",
    "web:login-otp": "opens only between password and code: in English in tests/org/test_second_factor.py",
}
# Labels that the code being ported labels in plain Chinese and that show on the pages checked here:
# the buttons of a letter (merchants/states.py). They leave with the port, when the kernel's tables
# and the choices carry gettext_lazy labels.
AWAITING_KERNEL_LABELS = {"登记签订", "登记拒签", "作废", "发放"}
# Chinese terms an English sentence may quote in brackets, so a visitor can say them to staff.
GLOSSES = {"（门前三包）", "(门前三包)"}
# What the viewers type into search boxes (part of the URLs below) and forms: data too.
TYPED = ["没有这一类", "便利", "没有这家", "井盖缺失", "已清理", "误判", "迟了", "某条例"]

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
READ_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label", "hx-confirm", "data-confirm"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NOW = dt.datetime(2026, 9, 22, 10, 0, tzinfo=SHANGHAI)  # a working Tuesday


class _Reader(HTMLParser):
    """The strings a reader of the page sees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.stack: list[tuple[str, bool, str]] = []  # (tag, inside declared Chinese, script type)

    @property
    def _chinese(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        chinese = self._chinese or (attrs.get("lang") or "").startswith("zh")
        if not chinese:
            self.texts += [value for name, value in attrs.items() if name in READ_ATTRIBUTES and value]
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, chinese, attrs.get("type") or "" if tag == "script" else ""))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._chinese or not data.strip():
            return
        tag, _chinese, script_type = self.stack[-1] if self.stack else ("", False, "")
        if tag == "style":
            return
        if tag == "script":
            if script_type == "application/json":
                self.texts += list(_strings(json.loads(data)))
            return
        self.texts.append(data.strip())


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return "\n".join(reader.texts)


# -- the data ----------------------------------------------------------------------------------------

DATA_FIELDS = {
    Organisation: ["name", "short_name", "address", "contact_person"],
    StaffProfile: ["full_name", "title"],
    User: ["username", "first_name", "last_name"],
    Grid: ["name"],
    Classification: ["name"],
    MajorCategory: ["name_zh"],
    Category: ["name_zh", "filing_criteria", "closing_criteria"],
    Case: ["description", "address", "result", "reason", "spam_reason"],
    Supervision: ["instruction", "reply"],
    CaseExtension: ["reason"],
    CaseEvidence: ["original_name"],
    ReplyTemplate: ["text"],
    Feedback: ["content"],
    Callback: ["comment"],
    CallbackReview: ["note"],
    WorkOrder: ["content", "address", "complainant_name", "reply", "external_id"],
    Merchant: ["name", "operator_name", "address"],
    Letter: ["number", "signer_name", "refused_reason"],
    PenaltyCase: [
        "number",
        "decision_number",
        "facts",
        "violated_provisions",
        "legal_basis",
        "statement_summary",
        "legal_review_opinion",
        "reason",
    ],
    PenaltyParty: ["name", "address", "legal_representative"],
    PenaltyReview: ["body"],
    PenaltyDocument: ["number"],
    PenaltyEvidence: ["title", "place"],
    CaseFileEvaluation: ["evaluator_name", "notes", "return_reason", "correction_note"],
    Certificate: ["number", "issuing_authority", "territorial_scope", "subject_scope", "note"],
    TrainingSession: ["title", "lecturer", "lecturer_org", "place", "note"],
    TrainingMaterial: ["title"],
    HonourProgramme: ["name", "criteria"],
    Nomination: ["reason", "decision_note"],
    Deed: ["title", "what", "place", "witnesses", "consent_note", "decision_note"],
    PenaltyDisclosure: [
        "decision_number",
        "bureau_name",
        "party_display",
        "facts",
        "legal_basis",
        "penalty",
        "withdrawal_reason",
    ],
}
PERSON_FIELDS = {
    (WorkOrder, "complainant_name"),
    (Merchant, "operator_name"),
    (StaffProfile, "full_name"),
    (PenaltyParty, "name"),
}


def data_values() -> list[str]:
    """Every data value in the database (and the masked form of people's names), longest first."""
    values: set[str] = set()
    for model, fields in DATA_FIELDS.items():
        for row in model.objects.values_list(*fields):
            for name, value in zip(fields, row, strict=True):
                if value:
                    values.add(value)
                    if (model, name) in PERSON_FIELDS:
                        values.add(mask_name(value))
    for job in Job.objects.all():
        values.add(job.params.get("filename", ""))
        for bad in job.result.get("bad", []):
            values.update([*bad.get("reasons", []), bad.get("name", "")])
    # The facts a penalty case opened from a closed-loop case starts with: the text of the (Chinese)
    # case file, which the officer edits before submitting.
    for case in Case.objects.filter(disposition="enforcement"):
        values.update(origin_facts(case).splitlines())
    values.update(TYPED)
    # The bureau's case-file checklist (data/case_file_checklist.yaml or its own file): its items and
    # the articles they cite are the bureau's text, like category names.
    for item in penalty_evaluation.checklist().items:
        values.update([item.title, item.source])
    for reports in Deed.objects.values_list("media_reports", flat=True):
        values.update(r["outlet"] for r in reports)
    values.discard("")
    return sorted(values, key=len, reverse=True)


def untranslated(text: str, data: list[str]) -> list[str]:
    """The lines of `text` that still show Chinese once the data is taken out."""
    for value in data:
        text = text.replace(value, "·")
    for label in [*AWAITING_KERNEL_LABELS, *GLOSSES]:
        text = text.replace(label, "·")
    return [line.strip() for line in text.splitlines() if CJK.search(line)]


# -- the district ------------------------------------------------------------------------------------


def _job(user, kind: str, **fields) -> Job:
    return Job.objects.create(
        kind=kind, created_by=user, created_at=clock.now(), status=JobStatus.DONE, total=3, done=3, **fields
    )


@pytest.fixture
def busy_district(district):  # noqa: F811
    """The closed-loop district with something on every page: public reports in each stage with
    photos, replies and ratings, a reviewed and a pending complaint, work orders answered and late,
    merchants with letters and a linked case, and finished jobs with a problem row each."""
    d = district
    users = d.users
    d.name_en_category = d.days_category
    Category.objects.filter(pk=d.days_category.pk).update(name_en="Exposed waste")
    with pinned(NOW - dt.timedelta(days=6)):
        lon, lat = d.point(0)
        happy = portal_services.public_report_submit(
            public_category="garbage",
            description="路口垃圾堆了三天",
            lon=lon,
            lat=lat,
            photos=[jpeg_upload()],
        )
        unhappy = portal_services.public_report_submit(
            public_category="illegal_building",
            description="楼顶加盖铁皮房",
            address="建设路88号",
            lon=d.point(1)[0],
            lat=d.point(1)[1],
        )
        waiting = portal_services.public_report_submit(
            public_category="garbage", description="绿化带里有建筑垃圾", lon=lon, lat=lat
        )
        for submitted in (happy, unhappy):
            flow.drive(d, CaseState.CLOSED, case=submitted.report.case)
        flow.drive(d, CaseState.DISPATCHED, case=waiting.report.case)
        portal_services.feedback_record(
            actor=users[R.OPERATOR], case=happy.report.case, method="sms", content="垃圾已清运完毕"
        )
        portal_services.public_rating_submit(report=happy.report, rating="satisfied", comment="很快")
        complaint = portal_services.public_rating_submit(
            report=unhappy.report, rating="dissatisfied", comment="铁皮房还在"
        )
        phoned = flow.drive(d, CaseState.CLOSED, description="商铺门口堆放纸箱")
        reviewed = portal_services.callback_record(
            actor=users[R.OPERATOR], case=phoned, rating="dissatisfied", comment="纸箱又堆出来了"
        )
        portal_services.callback_review_decide(
            actor=users[R.LEADER], callback=reviewed, decision="explain", note="已向市民说明整改结果"
        )
        orders = [
            channel_services.work_order_receive(
                actor=users[R.OPERATOR],
                channel=channel,
                external_id=external_id,
                content=content,
                category=d.days_category.code,
                address="建设西路100号",
                complainant_name="王小红",
                complainant_phone="13812345678",
            ).order
            for channel, external_id, content in (
                ("hotline_12345", "GD20260914000001", "小区门口流动摊贩占道经营"),
                ("deputy", "RD2026-017", "背街小巷垃圾清运不及时"),
                ("mayor_mailbox", "SZ-0917", "夜间施工噪音扰民"),
            )
        ]
    channel_services.work_order_reply(actor=users[R.OPERATOR], order=orders[0], reply="已安排中队处置")
    with pinned(NOW):
        shops = [
            merchant_services.merchant_create(
                actor=users[R.ADMIN],
                name=name,
                credit_code=code,
                operator_name=person,
                phone="13912345678",
                business_type=kind,
                address=address,
                lon=d.point(i)[0],
                lat=d.point(i)[1],
                frontage_m="8.5",
                status="open",
            )
            for i, (name, code, person, kind, address) in enumerate(
                (
                    ("老王烩面馆", "92410102PBRNYTPLX6", "王建国", "catering", "建设路12号"),
                    ("百姓便利店", "91410102TEQY7L1W5K", "李秀英", "convenience", "建设路14号"),
                )
            )
        ]
        issued = merchant_services.letter_prepare(actor=users[R.ADMIN], merchant=shops[0], year=2026)
        signed = merchant_services.letter_prepare(actor=users[R.ADMIN], merchant=shops[1], year=2026)
        Letter.objects.filter(pk=issued.pk).update(status=LetterStatus.ISSUED, issued_at=NOW)
        Letter.objects.filter(pk=signed.pk).update(
            status=LetterStatus.SIGNED, signed_on=NOW.date(), signer_name="李秀英", sign_method="screen"
        )
        shop_case = flow.drive(d, CaseState.IN_HANDLING, description="店外摆放桌椅占道")
        merchant_services.merchant_link_case(actor=users[R.OPERATOR], merchant=shops[0], case=shop_case)
    admin = users[R.ADMIN]
    bad = [{"line": 3, "reasons": ["“诉求内容”不能为空"], "external_id": "GD-3", "name": "无名小店"}]
    d.jobs = {
        "orders": _job(
            users[R.OPERATOR],
            ORDER_IMPORT,
            params={"filename": "督办件.xlsx"},
            result={"total": 3, "created": 2, "unchanged": 0, "bad_count": 1, "bad": bad},
        ),
        "ledger": _job(
            admin,
            LEDGER_IMPORT,
            params={"filename": "台账.xlsx"},
            result={"total": 3, "created": 2, "updated": 0, "unchanged": 0, "bad_count": 1, "bad": bad},
        ),
        "letters": _job(
            admin,
            LETTERS_KIND,
            params={"year": 2026, "scope": {}, "format": "pdf"},
            result={"letters": 2, "prepared": 0, "issued": 2, "format": "pdf", "year": 2026},
        ),
    }
    d.happy, d.unhappy, d.complaint = happy, unhappy, complaint
    d.shops, d.letter, d.shop_case = shops, issued, shop_case
    d.orders = orders
    _cases_in_every_state(d)
    d.penalties = penalty_world(d)
    d.training = people_services.training_plan(
        actor=users[R.PERSONNEL],
        bureau=d.bureau,
        kind="exam",
        topic="law",
        title="行政处罚法考试",
        lecturer="王律师",
        lecturer_org="河南某律师事务所",
        starts_at=NOW - dt.timedelta(hours=1),
        hours=2,
    )
    people_services.training_attendance_record(
        actor=users[R.PERSONNEL], session=d.training, staff=[users[R.HANDLER]]
    )
    d.programme = people_services.programme_create(
        actor=users[R.PERSONNEL],
        bureau=d.bureau,
        name="文明执法标兵",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        quota=3,
        criteria="执法规范文明",
    )
    with pinned(NOW):
        d.nomination = people_services.nomination_submit(
            actor=users[R.PERSONNEL], programme=d.programme, nominee=users[R.HANDLER], reason="执法规范"
        )
    d.deed = people_services.deed_record(
        actor=users[R.PERSONNEL],
        bureau=d.bureau,
        title="护送走失母女回家",
        what="队员护送走失的母女回家。",
        happened_on=dt.date(2026, 9, 1),
        place="建设路",
        people=[users[R.HANDLER]],
        witnesses="商户王某",
        media_reports=[{"outlet": "郑州晚报", "date": "2026-09-03", "link": "https://example.org/a"}],
        consent=True,
        consent_note="本人书面同意",
    )
    for action, actor in (("submit", R.PERSONNEL), ("approve", R.LEADER), ("publish", R.PERSONNEL)):
        people_services.deed_transition(actor=users[actor], deed=d.deed, action=action)
    return d


def _cases_in_every_state(d) -> None:
    """A case in each state of the closed loop, a supervised one with a reply, a pending extension,
    a late file, a case marked as spam, a duplicate pair and a reply template."""
    users = d.users
    ReplyTemplate.objects.create(purpose="handling", text="已清理完毕，现场恢复整洁。")
    with pinned(NOW - dt.timedelta(days=3)):
        d.in_state = {
            state: flow.drive(d, state, description=f"案件状态{state}") for state in CaseState.values
        }
        handling = d.in_state[CaseState.IN_HANDLING]
        case_services.case_transition(
            actor=users[R.HANDLER],
            case=handling,
            action="request_extension",
            amount=2,
            unit="working_days",
            reason="需要协调产权单位",
        )
        item = supervision.supervision_create(
            actor=users[R.LEADER], case=handling, level="key", instruction="三日内办结并回复"
        )
        supervision.supervision_reply(actor=users[R.SQUAD_LEADER], supervision=item, reply="已安排人员处置")
        supervision.supervision_create(
            actor=users[R.LEADER],
            case=d.in_state[CaseState.DISPATCHED],
            level="listed",
            instruction="挂牌督办",
        )
        case_services.case_add_evidence(
            actor=users[R.OPERATOR], case=handling, stage="other", upload=jpeg_upload(name="现场录音.jpg")
        )
        d.spam_case = flow.drive(d, CaseState.FILED, description="与城市管理无关的内容")
        spam.case_mark_spam(actor=users[R.OPERATOR], case=d.spam_case, reason="内容与城市管理无关")
        d.duplicate = flow.drive(d, CaseState.REPORTED, description="同一处的建筑垃圾")
    # Reported a week ago: overdue at every stage, so the late forms ask for a delay reason.
    with pinned(NOW - dt.timedelta(days=7)):
        d.late = flow.drive(d, CaseState.HANDLED, description="超时的案件")


PARTY = {"kind": "person", "name": "赵大勇", "id_number": "410102199003071230", "address": "建设路20号"}
SHOP = {"kind": "organisation", "name": "中原餐饮有限公司", "credit_code": "91410102MA1234567F"}


def penalty_world(d) -> dict:
    """Penalty cases at several stages: one decided, served and published, with a document and a
    pending reconsideration; one revoked on review, its publication withdrawn; one proposed; one
    simple; and a closed-loop case closed for enforcement, from which a case can be opened."""
    users = d.users
    partner = factories.staff(d.squad, R.HANDLER, username="handler_partner").user
    officers = [users[R.HANDLER], partner]

    def decided(facts: str, parties: list[dict], start: dt.date) -> PenaltyCase:
        with pinned(dt.datetime.combine(start, dt.time(10), tzinfo=SHANGHAI)):
            case = penalty_services.penalty_case_propose(
                actor=users[R.HANDLER], bureau=d.bureau, facts=facts, parties=parties, officers=officers
            )

            def go(user, action, **payload):
                return penalty_services.penalty_transition(
                    actor=user, case=case, action=action, payload=payload
                )

            go(users[R.SQUAD_LEADER], "approve_filing", filed_on=start)
            penalty_document_issue(actor=users[R.HANDLER], case=case, doc_type="inquiry_record")
            penalty_services.penalty_evidence_add(
                actor=users[R.HANDLER],
                case=case,
                upload=jpeg_upload(),
                description="现场照片",
                method="photographed",
                place="建设路20号门前",
            )
            go(
                users[R.HANDLER],
                "submit_for_review",
                violated_provisions="《城市市容和环境卫生管理条例》第十四条",
                legal_basis="《城市市容和环境卫生管理条例》第三十六条",
            )
            go(users[R.HANDLER], "serve_notice", notice_served_on=start + dt.timedelta(days=2))
            go(users[R.LEADER], "decide", decision_on=start + dt.timedelta(days=10), fine_amount="500")
            return go(users[R.HANDLER], "serve_decision", decision_served_on=start + dt.timedelta(days=11))

    served = decided("占用人行道摆放桌椅经营", [PARTY, SHOP], dt.date(2026, 8, 3))
    revoked = decided("店外堆放杂物", [SHOP], dt.date(2026, 8, 5))
    legal = users[R.LEGAL_REVIEWER]
    with pinned(NOW - dt.timedelta(days=3)):
        penalty_services.penalty_review_record(
            actor=legal,
            case=served,
            kind="reconsideration",
            applied_on=dt.date(2026, 9, 10),
            body="区人民政府",
        )
        review = penalty_services.penalty_review_record(
            actor=legal, case=revoked, kind="litigation", applied_on=dt.date(2026, 9, 1), body="区人民法院"
        )
        penalty_services.penalty_review_conclude(
            actor=legal, review=review, concluded_on=dt.date(2026, 9, 15), outcome="revoked"
        )
        penalty_disclosure.disclosure_withdraw(actor=legal, disclosure=revoked.disclosure)
        proposed = penalty_services.penalty_case_propose(
            actor=users[R.HANDLER], bureau=d.bureau, facts="夜间占道烧烤", parties=[PARTY], officers=officers
        )
        simple = penalty_services.penalty_simple_decide(
            actor=users[R.HANDLER],
            bureau=d.bureau,
            facts="乱扔垃圾",
            legal_basis="《城市市容和环境卫生管理条例》第三十四条",
            party=PARTY,
            fine_amount="150",
            officers=officers,
        )
        warned = penalty_services.penalty_simple_decide(
            actor=users[R.HANDLER],
            bureau=d.bureau,
            facts="乱扔垃圾",
            legal_basis="《城市市容和环境卫生管理条例》第三十四条",
            party=PARTY,
            fine_amount="0",
            officers=officers,
        )
        penalty_evaluation.case_file_evaluate(
            actor=legal, case=warned, deductions={"evidence": 5}, notes="证据不足"
        )
        penalty_evaluation.case_file_return(actor=legal, evaluation=warned.evaluation, reason="补充证据")
        origin = flow.drive(d, CaseState.VERIFIED, description="商铺门前违规摆卖")
        case_transition(actor=users[R.OPERATOR], case=origin, action="close", disposition="enforcement")
    return {
        "served": served,
        "revoked": revoked,
        "proposed": proposed,
        "simple": simple,
        "warned": warned,
        "origin": origin,
    }


# Arguments of the pages that take some, and the query a page needs to show its rows.
def page_urls(d) -> dict[str, list[str]]:
    shop, job, penalties = d.shops[0], d.jobs, d.penalties
    return {
        "portal:track-detail": [
            reverse("portal:track-detail", args=[d.happy.report.case.number]),
            reverse("portal:track-detail", args=[d.unhappy.report.case.number]),
        ],
        "portal:rate": [reverse("portal:rate", args=[d.happy.report.case.number])],
        "portal:review-decide": [reverse("portal:review-decide", args=[d.complaint.pk])],
        "portal:photo": [],  # an image; its signed links are on the pages
        "notifications:open": [],  # marks a notification read and redirects to its object
        "notifications:read": [],  # a POST that marks one read
        # The duty app's POST-only writes (their pages are tests/duty/test_views.py's).
        "duty:clock": [],
        "duty:change": [],
        "duty:change-action": [],
        "duty:finding": [],  # pages with data: tests/duty/test_english.py
        "duty:finding-action": [],
        "duty:patrol": [],  # a patrol with its track: tests/duty/test_english.py
        "people:certificate": [
            reverse("people:certificate", args=[pk])
            for pk in Certificate.objects.order_by("pk")[:1].values_list("pk", flat=True)
        ],
        "people:certificate-action": [],  # POST-only; its forms are on the certificate's page
        "people:training": [reverse("people:training", args=[d.training.pk])],
        "people:training-sign-in": [
            reverse("people:training-sign-in", args=[d.training.pk, d.training.sign_in_token]),
            reverse("people:training-sign-in", args=[d.training.pk, "expired-code"]),
        ],
        "people:training-action": [],  # POST-only, as the three below
        "people:training-attendance": [],
        "people:training-scores": [],
        "people:training-material": [],
        "people:training-material-file": [],  # a download
        "people:programme": [reverse("people:programme", args=[d.programme.pk])],
        "people:programme-nominate": [],  # POST-only
        "people:programme-edit": [reverse("people:programme-edit", args=[d.programme.pk])],
        "people:unit": [reverse("people:unit", args=[d.squad.pk])],
        "people:deed-edit": [reverse("people:deed-edit", args=[d.deed.pk])],
        "people:nomination": [reverse("people:nomination", args=[d.nomination.pk])],
        "people:nomination-action": [],
        "people:deed": [reverse("people:deed", args=[d.deed.pk])],
        "people:deed-action": [],
        "people:deed-photo": [],  # an image
        "people-public:photo": [],  # an image
        "people:staff": [reverse("people:staff", args=[d.users[R.HANDLER].profile.pk])],
        # Published reports and appeals: pages with data in tests/stats/test_report_english.py.
        "stats:annual-summary": [reverse("stats:annual-summary", args=[2026])],
        "stats:report": [],
        "stats:report-summary": [],
        "stats:report-cases": [],
        "stats:report-xlsx": [],
        "stats:report-pdf": [],
        "stats:appeal-new": [],
        "stats:appeal": [],
        "stats:appeal-action": [],
        "duty:street-define": [],
        "duty:gpx-import": [],
        "duty:meeting-plan": [],
        "duty:meeting": [],  # pages with data: tests/duty/test_english.py
        "duty:meeting-agenda": [],
        "duty:meeting-attendance": [],
        "duty:meeting-hold": [],
        "duty:meeting-item-add": [],
        "duty:action-item-action": [],
        "duty:notice-issue": [],
        "duty:notice": [],  # pages with data: tests/duty/test_english.py
        "duty:notice-read": [],
        "duty:notice-respond": [],
        "duty:notice-close": [],
        "duty:log": [],  # pages with data: tests/duty/test_english.py
        "duty:log-add": [],
        "duty:handover": [],
        "duty:handover-action": [],
        # The campaigns app's pages with data are tests/campaigns/test_english.py's; these take POSTs
        # or are downloads.
        **{
            f"campaigns:{name}": []
            for name in (
                "detail",
                "action",
                "task-add",
                "operation-add",
                "attach",
                "publish",
                "weekly",
                "daily",
                "edit",  # tests/campaigns/test_english.py checks it with data
                "summary",
                "task",
                "task-report",
                "operation",
                "operation-problem",
                "operation-support",
                "operation-penalty",
            )
        },
        "news:detail": [],
        # The welfare app's pages with data are tests/welfare/test_english.py's; the rest take POSTs,
        # are HTMX fragments or an image.
        **{
            f"welfare:{name}": []
            for name in (
                "vendor",
                "vendor-photo",
                "vendor-hardship",
                "vendor-withdraw",
                "vendor-help",
                "vendor-apply",
                "spot",
                "draw",
                "draw-action",
                "case-vendors",
                "vendor-reveal",
                "case-vendor-pick",
                "case-vendor-link",
                "case-vendor-unlink",
                "case-vendor-apply",
            )
        },
        "welfare-public:draw": [],
        # The command-centre screen's JSON answers only a screen token (tests/stats/test_dashboard_screen.py).
        "stats:screen-data": [],
        "stats:screen-outlines": [],
        # The outreach app's pages with data are tests/outreach/test_english.py's; these take POSTs,
        # are files, or show one row.
        **{
            f"outreach:{name}": []
            for name in (
                "activity",
                "activity-photo",
                "photo-publish",
                "activity-hours",
                "activity-check-in",
                "activity-action",
                "photo",
                "volunteer",
                "volunteer-certificate",
                "certificate-pdf",
                "broadcast",
                "broadcast-action",
                "recording-download",
            )
        },
        "outreach-public:activity": [],
        "outreach-public:photo": [],
        "outreach-public:verify": [],
        "channels:reply": [reverse("channels:reply", args=[d.orders[1].pk])],
        "channels:job": [reverse("channels:job", args=[job["orders"].pk])],
        "channels:job-progress": [reverse("channels:job-progress", args=[job["orders"].pk])],
        "channels:job-report": [reverse("channels:job-report", args=[job["orders"].pk])],
        "channels:work-orders": [
            reverse("channels:work-orders"),
            reverse("channels:work-orders") + "?show=all",
        ],
        "merchants:detail": [reverse("merchants:detail", args=[shop.pk])],
        "merchants:edit": [reverse("merchants:edit", args=[shop.pk])],
        "merchants:letter-sign": [reverse("merchants:letter-sign", args=[d.letter.pk])],
        "merchants:letter-refuse": [reverse("merchants:letter-refuse", args=[d.letter.pk])],
        "merchants:case-merchants": [reverse("merchants:case-merchants", args=[d.shop_case.pk])],
        "merchants:case-merchant-pick": [
            reverse("merchants:case-merchant-pick", args=[d.shop_case.pk]) + "?q=便利",
            reverse("merchants:case-merchant-pick", args=[d.shop_case.pk]) + "?q=没有这家",
        ],
        "merchants:case-merchant-link": [reverse("merchants:case-merchant-link", args=[d.shop_case.pk])],
        "merchants:case-merchant-unlink": [
            reverse("merchants:case-merchant-unlink", args=[d.shop_case.pk, shop.pk])
        ],
        "merchants:job": [
            reverse("merchants:job", args=[job["ledger"].pk]),
            reverse("merchants:job", args=[job["letters"].pk]),
        ],
        "merchants:job-progress": [reverse("merchants:job-progress", args=[job["ledger"].pk])],
        "merchants:job-download": [reverse("merchants:job-download", args=[job["letters"].pk])],
        "letters-public:verify": [
            reverse("letters-public:verify", args=[d.letter.token]),
            reverse("letters-public:verify", args=["no-such-letter"]),
        ],
        "letters-public:self-service": [
            reverse("letters-public:self-service"),
            reverse("letters-public:self-service")
            + f"?credit_code={shop.credit_code}&number={d.letter.number}",
            reverse("letters-public:self-service") + f"?credit_code={shop.credit_code}&number=X",
        ],
        "web:organisation-staff": [reverse("web:organisation-staff", args=[d.squad.pk])],
        "cases:detail": [
            reverse("cases:detail", args=[case.number])
            for case in [
                *d.in_state.values(),
                d.spam_case,
                d.duplicate,
                d.late,
                d.shop_case,
                d.happy.report.case,
            ]
        ],
        "cases:act": [reverse("cases:act", args=[d.duplicate.number, "file"])],  # POST only
        "cases:supervise": [reverse("cases:supervise", args=[d.duplicate.number])],
        "cases:add-evidence": [reverse("cases:add-evidence", args=[d.duplicate.number])],
        "cases:reporter-phone": [reverse("cases:reporter-phone", args=[d.duplicate.number])],
        "cases:spam": [reverse("cases:spam", args=[d.duplicate.number])],
        "cases:unspam": [reverse("cases:unspam", args=[d.spam_case.number])],
        "cases:supervision-reply": [
            reverse("cases:supervision-reply", args=[Supervision.objects.first().pk])
        ],
        "cases:evidence": [],  # files; their links are on the case pages
        "cases:list": [
            reverse("cases:list"),
            reverse("cases:list") + "?open=true&urgency=overdue",
            reverse("cases:list") + "?state=nothing",
        ],
        "cases:map": [reverse("cases:map"), reverse("cases:map") + "?urgency=overdue"],
        "web:categories": [reverse("web:categories"), reverse("web:categories") + "?q=没有这一类"],
        "web:routing": [
            reverse("web:routing"),
            reverse("web:routing") + "?category=nope&lon=x&lat=34.75&crs=wgs84",
            reverse("web:routing")
            + f"?category={Case.objects.order_by('id').first().category.code}&lon=113.62&lat=34.75&crs=wgs84",
        ],
        "enforcement:detail": [
            reverse("enforcement:detail", args=[penalties[name].pk])
            for name in ("served", "revoked", "proposed", "simple", "warned")
        ],
        "enforcement:evaluations": [
            reverse("enforcement:evaluations") + "?date_from=2026-01-01&date_to=2026-12-31"
        ],
        "enforcement:evaluation-score": [
            reverse("enforcement:evaluation-score", args=[penalties[name].pk])
            for name in ("warned", "served")
        ],
        "enforcement:evaluation-return": [],  # POST only, as the four below
        "enforcement:evaluation-correct": [],
        "enforcement:review-record": [],
        "enforcement:review-conclude": [],
        "enforcement:from-case": [reverse("enforcement:from-case", args=[penalties["origin"].number])],
        "enforcement:act": [],  # POST only: the forms are on the case page
        "enforcement:evidence": [],  # POST only
        "enforcement:evidence-file": [],  # a download
        "enforcement:document-issue": [],  # POST only
        "enforcement:document-file": [],  # a download
        "publicity:detail": [
            reverse("publicity:detail", args=[penalties["served"].disclosure.pk]),
            reverse("publicity:detail", args=[penalties["revoked"].disclosure.pk]),
        ],
    }


def url_names(resolver=None, namespace: str = "", prefix: str = ""):
    """(name, top namespace, whole route, pattern) of every named URL of the URL conf."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern).lstrip("^")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry, inner, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", namespace.split(":")[0], route, entry.pattern


def pages_to_check(d) -> dict[str, list[str]]:
    urls = page_urls(d)
    pages: dict[str, list[str]] = {}
    for name, namespace, route, _pattern in url_names():
        top = route.split("/")[0]
        if namespace in AWAITING_KERNEL_PORT or {namespace, name, top} & set(NOT_CHECKED):
            continue
        if name in urls:
            pages[name] = urls[name]
        else:
            assert "<" not in route and "(?P" not in route, f"{name} takes arguments: add it to page_urls"
            pages[name] = [reverse(name)]
    return pages


def _english(client: Client) -> Client:
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    return client


@pytest.fixture
def viewers(busy_district) -> dict[str, Client]:
    d = busy_district
    anonymous = _english(Client())
    # The reporter tracks the report by its number and code: the session remembers the look-up.
    for submitted in (d.happy, d.unhappy):
        anonymous.post(
            reverse("portal:track"), {"number": submitted.report.case.number, "code": submitted.query_code}
        )
    lon, lat = d.point(2)
    report = {"public_category": "garbage", "description": "花坛边有一堆装修垃圾", "lon": lon, "lat": lat}
    assert anonymous.post(reverse("portal:report"), {**report, "crs": "wgs84"}).status_code == 302
    clients = {"anonymous": anonymous}
    for role in R.values:
        if role == R.SYSTEM:
            continue  # org.system's account has no password: nobody signs in as it
        client = Client()
        assert client.login(username=d.users[role].username, password=DEMO_PASSWORD)
        clients[role] = _english(client)
    return clients


# Pages reached by a form: (URL name or URL, viewer, POST data) — the errors and answers they show.
def posted_pages(d) -> list[tuple[str, str, dict]]:
    lon, lat = d.point(1)
    reported, handling = d.in_state[CaseState.REPORTED].number, d.in_state[CaseState.IN_HANDLING].number
    report = {
        "source": "patrol",
        "category": d.hours_category.code,
        "description": "井盖缺失",
        "idempotency_key": "english-pages",
    }
    return [
        ("cases:report", R.INSPECTOR, {}),
        ("cases:report", R.INSPECTOR, {**report, "lon": lon + 5, "lat": lat}),  # outside the district
        (reverse("cases:act", args=[reported, "not_file"]), R.OPERATOR, {}),  # the reason is missing
        (
            reverse("cases:act", args=[reported, "file"]),
            R.INSPECTOR,
            {"file-delay_reason": "迟了"},
        ),  # not the inspector's step
        (
            reverse("cases:act", args=[handling, "handle"]),
            R.HANDLER,
            {"handle-result": "已清理", "handle-delay_reason": "迟了"},
        ),  # no photo
        (reverse("cases:act", args=[d.late.number, "verify"]), R.INSPECTOR, {}),
        (
            reverse("cases:act", args=[d.late.number, "close"]),
            R.OPERATOR,
            {"close-disposition": "service", "close-delay_reason": "迟了"},
        ),
        (
            reverse("cases:act", args=[handling, "request_extension"]),
            R.HANDLER,
            {"request_extension-amount": "0"},
        ),
        (reverse("cases:supervise", args=[reported]), R.LEADER, {"level": "key"}),
        (reverse("cases:supervise", args=[reported]), R.INSPECTOR, {"level": "key", "instruction": "快办"}),
        (reverse("cases:add-evidence", args=[reported]), R.OPERATOR, {}),
        (reverse("cases:spam", args=[reported]), R.OPERATOR, {}),
        (reverse("cases:unspam", args=[reported]), R.OPERATOR, {"reason": "误判"}),
        (reverse("cases:reporter-phone", args=[reported]), R.OPERATOR, {}),
        (reverse("cases:supervision-reply", args=[Supervision.objects.first().pk]), R.SQUAD_LEADER, {}),
        ("portal:report", "anonymous", {}),
        (
            "portal:report",
            "anonymous",
            {"public_category": "garbage", "description": "x" * 3000, "phone": "12"},
        ),
        ("portal:track", "anonymous", {"number": d.happy.report.case.number, "code": "WRONG1"}),
        ("portal:track", "anonymous", {}),
        ("merchants:new", R.ADMIN, {}),
        (
            "merchants:new",
            R.ADMIN,
            {
                "name": "新店",
                "credit_code": "123",
                "business_type": "other",
                "address": "某路1号",
                "lon": lon,
                "lat": lat + 1,
                "crs": "wgs84",
                "frontage_m": "1",
                "status": "open",
            },
        ),
        ("merchants:import", R.ADMIN, {}),
        ("merchants:letters", R.ADMIN, {"year": "1900"}),
        ("channels:import", R.OPERATOR, {}),
        ("enforcement:propose", R.HANDLER, {}),
        (
            "enforcement:simple",
            R.HANDLER,
            {
                "fine_amount": "201",
                "facts": "乱扔垃圾",
                "violated_provisions": "某条例",
                "legal_basis": "某条例",
            },
        ),
        ("letters-public:self-service", "anonymous", {"credit_code": "92410102PBRNYTPLX6", "number": "X"}),
    ]


def read(client: Client, url: str, data: dict | None = None) -> str | None:
    """The page's HTML; "" for an answer that is no page (a download, a POST-only URL); None for a
    refusal or a redirect."""
    response = client.get(url) if data is None else client.post(url, data)
    if response.status_code == 405 or (
        response.status_code == 200 and not response.get("Content-Type", "").startswith("text/html")
    ):
        return ""
    if response.status_code not in (200, 400, 403, 404, 409, 429):
        return None
    html = response.content.decode()
    if "<html" in html:
        assert 'lang="en"' in html, f"{url}: the page is not in English"
    return html


def test_every_page_in_english_shows_no_chinese_outside_the_data(busy_district, viewers):
    d = busy_district
    problems: dict[str, set[str]] = {}
    unread: list[str] = []

    def check(where: str, html: str) -> None:
        for line in untranslated(visible_text(html), data):
            problems.setdefault(where, set()).add(line)

    with pinned(NOW):
        data = data_values()
        for name, role, form in posted_pages(d):
            url = name if name.startswith("/") else reverse(name)
            html = read(viewers[role], url, form)
            assert html, f"POST {url} as {role}: no page"
            check(f"POST {url} {sorted(form)} ({role})", html)
        check("/no-such-page/ (anonymous)", read(viewers["anonymous"], "/no-such-page/") or "")
        for name, urls in pages_to_check(d).items():
            for url in urls:
                answers = [(who, read(client, url)) for who, client in viewers.items()]
                if all(html is None for _who, html in answers):
                    unread.append(f"{name} {url}")
                for who, html in answers:
                    if html:
                        check(f"{url} ({who})", html)
    report = "\n".join(f"{page}: {sorted(lines)}" for page, lines in sorted(problems.items()))
    assert not problems, f"Chinese on English pages:\n{report}"
    assert not unread, f"no viewer could open: {unread}"


def test_the_rate_limited_page_is_english_too(district, settings):  # noqa: F811
    settings.CHENGGUAN_PORTAL_LIMITS = {"track_ip": (0, 3600)}
    client = _english(Client())
    html = read(client, reverse("portal:track"), {"number": "4101022026000001", "code": "ABCDEF"})
    assert 'data-testid="rate-limited"' in html
    assert untranslated(visible_text(html), data_values()) == []


def test_the_api_keeps_chinese_after_the_switch(district):  # noqa: F811
    """The switch changes the pages, not the API: an integration's messages stay Chinese."""
    client = Client()
    assert client.login(username=district.users[R.ADMIN].username, password=DEMO_PASSWORD)
    _english(client)
    bad = {"name": "老王烩面馆", "credit_code": "123", "address": "建设路12号", "lon": 113.62, "lat": 34.75}
    body = client.post("/api/v1/merchants/", bad, content_type="application/json").json()
    assert body["code"] == "merchant.invalid"
    assert body["message"] == "统一社会信用代码“123”校验位错误或格式不符"
    assert 'lang="en"' in client.get(reverse("web:home")).content.decode()

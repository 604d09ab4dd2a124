"""A bureau with one squad and the staff a penalty case needs, and helpers to walk a case forward."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from chengguan.enforcement import services
from chengguan.enforcement.models import DocumentType as T
from chengguan.enforcement.models import PenaltyCase, PenaltyDocument, PenaltyEvidence
from chengguan.org.models import Organisation
from chengguan.org.roles import RoleCode
from tests import factories
from tests.factories import DEMO_PASSWORD

VIOLATED = "《城市市容和环境卫生管理条例》第十四条"
PERSON = {"kind": "person", "name": "张三丰", "id_number": "410102199003071230", "address": "中原路1号"}
COMPANY = {"kind": "organisation", "name": "中原餐饮有限公司", "credit_code": "91410102MA1234567F"}


@dataclass
class Bureau:
    bureau: Organisation
    handler: User
    handler2: User
    squad_leader: User
    legal_reviewer: User
    leader: User
    inspector: User


@pytest.fixture
def as_user(client):
    """The test client signed in as a user (the factories' staff share the demo password)."""

    def _as(user):
        client.logout()
        assert client.login(username=user.username, password=DEMO_PASSWORD)
        return client

    return _as


@pytest.fixture
def office(db) -> Bureau:
    bureau = factories.bureau(short_name="中原城管")
    squad = factories.squad(bureau, name="一中队")

    def user(role: str, org: Organisation = squad) -> User:
        return factories.staff(org, role).user

    return Bureau(
        bureau=bureau,
        handler=user(RoleCode.HANDLER),
        handler2=user(RoleCode.HANDLER),
        squad_leader=user(RoleCode.SQUAD_LEADER),
        legal_reviewer=user(RoleCode.LEGAL_REVIEWER, bureau),
        leader=user(RoleCode.LEADER, bureau),
        inspector=user(RoleCode.INSPECTOR),
    )


def filed_case(office: Bureau, filed_on: dt.date, *, parties=(PERSON,)) -> PenaltyCase:
    """A general-procedure case proposed and approved on `filed_on`, two officers assigned."""
    case = services.penalty_case_propose(
        actor=office.handler,
        bureau=office.bureau,
        facts="占道经营，经责令改正拒不改正",
        parties=list(parties),
        officers=[office.handler, office.handler2],
        proposed_on=filed_on,
    )
    return services.penalty_transition(
        actor=office.squad_leader, case=case, action="approve_filing", payload={"filed_on": filed_on}
    )


def notified_case(
    office: Bureau, filed_on: dt.date, notice_on: dt.date, *, hearing_offered=False, review_required=False
) -> PenaltyCase:
    case = filed_case(office, filed_on)
    case = services.penalty_transition(
        actor=office.handler,
        case=case,
        action="submit_for_review",
        payload={
            "violated_provisions": VIOLATED,
            "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
            "fine_amount": "1000",
            "legal_review_grounds": ["major_public_interest"] if review_required else [],
        },
    )
    return services.penalty_transition(
        actor=office.handler,
        case=case,
        action="serve_notice",
        payload={"notice_served_on": notice_on, "hearing_offered": hearing_offered},
    )


def complete_file(office: Bureau, case: PenaltyCase) -> PenaltyCase:
    """Give a case the file its closing requires (casefile.py): the documents of its steps and evidence
    by its two officers, written directly (the services that make them are tested on their own)."""
    required = [T.FILING_APPROVAL, T.PRIOR_NOTICE, T.DECISION]
    required += [T.HEARING_NOTICE] if case.hearing_on else []
    required += [T.REMINDER] if case.reminder_served_on else []
    required += [T.COURT_APPLICATION] if case.court_applied_on else []
    for doc_type in required:
        PenaltyDocument.objects.get_or_create(
            case=case,
            doc_type=doc_type,
            defaults={
                "number": f"T{case.pk}-{doc_type}",
                "issued_on": case.notice_served_on or case.filed_on or dt.date.today(),
                "file": f"penalty/documents/{case.pk}-{doc_type}.pdf",
                "sha256": "0" * 64,
            },
        )
    if not case.evidence_entries.exists():
        entry = PenaltyEvidence.objects.create(
            case=case,
            no=1,
            title="现场照片",
            kind="audiovisual",
            method="photographed",
            collected_at=timezone.now(),
            file=f"penalty/evidence/{case.pk}/photo.jpg",
            sha256="0" * 64,
            size=1,
            content_type="image/jpeg",
            original_name="photo.jpg",
            recorded_by=office.handler,
            recorded_at=timezone.now(),
        )
        entry.officers.set(case.officers.all())
    return case

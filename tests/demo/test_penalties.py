"""The demo's year of penalty cases: played through the services without a single refusal, spread
over every stage of the procedure, with gapless numbers and an intact audit chain."""

from __future__ import annotations

import datetime as dt
import re

from chengguan.core import audit
from chengguan.core.models import AuditEvent
from chengguan.demo.generator import DEMO_PASSWORD, build_demo
from chengguan.demo.penalties import seed_penalty_cases
from chengguan.enforcement.models import DocumentType as T
from chengguan.enforcement.models import PenaltyCase, PenaltyDocument, PenaltyReview
from chengguan.enforcement.states import PenaltyState as S
from chengguan.org.models import Organisation, OrgKind

END = dt.date(2026, 11, 20)


def _serial(number: str) -> int:
    return int(re.search(r"第(\d+)号", number).group(1))


def test_a_year_of_penalty_cases_reaches_every_stage_through_the_services(db):
    build_demo(seed=1, size="small", password=DEMO_PASSWORD)
    bureau = Organisation.objects.get(kind=OrgKind.BUREAU)
    summary = seed_penalty_cases(bureau, 300, seed=1, end=END)

    assert summary.refused == 0
    assert PenaltyCase.objects.count() == summary.cases == 300
    assert 40 < summary.simple < 120
    states = set(PenaltyCase.objects.values_list("state", flat=True))
    assert {S.CLOSED, S.EXECUTING, S.INVESTIGATING, S.REMINDED, S.TERMINATED} <= states
    assert len(states) >= 9
    assert PenaltyCase.objects.filter(hearing_on__isnull=False).exists()
    assert PenaltyCase.objects.filter(court_applied_on__isnull=False).exists()
    assert PenaltyReview.objects.exists()
    assert PenaltyCase.objects.filter(procedure="simple", state=S.CLOSED).exists()

    # Every case came through a service: its first audit event is the proposal or the on-the-spot decision.
    first_events = {
        e.object_id: e.action
        for e in AuditEvent.objects.filter(object_type="enforcement.penaltycase").order_by("-id")
    }
    assert len(first_events) == 300
    assert set(first_events.values()) == {"penalty.propose", "penalty.simple_decide"}
    assert audit.verify_chain().ok

    # Decision numbers run without gaps within each year (the demo year spans two).
    for year in {c.decision_on.year for c in PenaltyCase.objects.exclude(decision_number="")}:
        serials = sorted(
            _serial(n)
            for n in PenaltyCase.objects.filter(procedure="general", decision_on__year=year)
            .exclude(decision_number="")
            .values_list("decision_number", flat=True)
        )
        assert serials == list(range(1, len(serials) + 1))
    # Nothing happens after the demo's last day.
    assert not PenaltyCase.objects.filter(decision_on__gt=END).exists()

    # The cases of the last weeks carry the documents of every step they went through.
    documents = PenaltyDocument.objects.select_related("case")
    assert summary.documents == documents.count() > 0
    kinds = set(documents.values_list("doc_type", flat=True))
    assert {T.FILING_APPROVAL, T.PRIOR_NOTICE, T.DECISION, T.SERVICE_RECEIPT, T.SIMPLE_DECISION} <= kinds
    for doc in documents.filter(doc_type__in=[T.DECISION, T.SIMPLE_DECISION]):
        assert doc.number == doc.case.decision_number
    receipts = sorted(
        _serial(n) for n in documents.filter(doc_type=T.SERVICE_RECEIPT).values_list("number", flat=True)
    )
    assert receipts == list(range(receipts[0], receipts[0] + len(receipts)))

"""Penalty documents: each type renders a PDF whose text names the case, the party and the legal
basis; numbers are gapless per type and year; a failed issue gives its number back; stages and roles
are enforced; signed scans are hashed and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.enforcement import services
from chengguan.enforcement.documents import (
    issuable_types,
    penalty_document_attach_scan,
    penalty_document_issue,
)
from chengguan.enforcement.models import DocumentType, PenaltyCase
from tests.enforcement.conftest import COMPANY, PERSON, VIOLATED, filed_case, notified_case

D = dt.date
T = DocumentType
BASIS = "《城市市容和环境卫生管理条例》第三十六条"


def pdf_text(path: str | Path) -> str:
    """The text a reader would copy out of the PDF (poppler's pdftotext), without line breaks."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return "".join(out.stdout.split())


def _go(office, case, action, actor=None, **payload) -> PenaltyCase:
    return services.penalty_transition(
        actor=actor or office.handler, case=case, action=action, payload=payload
    )


def case_in(office, state: str, *, hearing: bool = False) -> PenaltyCase:
    """A general-procedure case of 2026 walked through the services to `state`."""
    if state == "investigating":
        return filed_case(office, D(2026, 3, 2))
    if state == "case_review":
        case = filed_case(office, D(2026, 3, 2))
        return _go(
            office,
            case,
            "submit_for_review",
            violated_provisions=VIOLATED,
            legal_basis=BASIS,
            fine_amount="1000",
        )
    case = notified_case(office, D(2026, 3, 2), D(2026, 3, 3), hearing_offered=hearing)
    if state == "notified":
        return case
    if state == "hearing_scheduled":
        case = _go(office, case, "request_hearing", hearing_requested_on=D(2026, 3, 4))
        return _go(
            office, case, "schedule_hearing", hearing_on=D(2026, 3, 20), hearing_notice_on=D(2026, 3, 6)
        )
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 3, 11))
    if state == "decided":
        return case
    case = _go(office, case, "serve_decision", decision_served_on=D(2026, 3, 12))
    if state == "executing":
        return case
    if state == "paid":
        return _go(office, case, "record_payment", paid_on=D(2026, 3, 20))
    case = _go(office, case, "serve_reminder", reminder_served_on=D(2026, 4, 1))
    if state == "reminded":
        return case
    case = _go(office, case, "apply_court", actor=office.squad_leader, court_applied_on=D(2026, 10, 12))
    assert state == "court_enforcement"
    return case


def simple_case(office) -> PenaltyCase:
    return services.penalty_simple_decide(
        actor=office.handler,
        bureau=office.bureau,
        facts="在人行道上摆摊设点",
        legal_basis=BASIS,
        party=COMPANY,
        fine_amount="500",
        decided_on=D(2026, 3, 2),
        officers=[office.handler, office.handler2],
    )


# (type, the state it is issued in, issuer role)
CASES = [
    (T.FILING_APPROVAL, "case_review", "squad_leader"),
    (T.INSPECTION_RECORD, "case_review", "handler"),
    (T.INQUIRY_RECORD, "case_review", "handler"),
    (T.RECTIFICATION_ORDER, "case_review", "handler"),
    (T.PRIOR_NOTICE, "case_review", "handler"),
    (T.HEARING_RIGHTS_NOTICE, "notified", "handler"),
    (T.HEARING_NOTICE, "hearing_scheduled", "handler"),
    (T.DECISION, "decided", "leader"),
    (T.SERVICE_RECEIPT, "executing", "handler"),
    (T.REMINDER, "executing", "handler"),
    (T.COURT_APPLICATION, "court_enforcement", "legal_reviewer"),
    (T.CLOSING_REPORT, "paid", "handler"),
    (T.STATEMENT_RECORD, "notified", "handler"),
    (T.HEARING_RECORD, "hearing_scheduled", "legal_reviewer"),
    (T.PRESERVATION_NOTICE, "case_review", "handler"),
]


NAMES_VIOLATION = {
    T.FILING_APPROVAL,
    T.INSPECTION_RECORD,
    T.INQUIRY_RECORD,
    T.RECTIFICATION_ORDER,
    T.PRIOR_NOTICE,
    T.DECISION,
    T.CLOSING_REPORT,
}
NAMES_BASIS = set(DocumentType) - {
    T.INSPECTION_RECORD,
    T.INQUIRY_RECORD,
    T.RECTIFICATION_ORDER,
    T.HEARING_NOTICE,
}


@pytest.mark.parametrize(("doc_type", "state", "role"), CASES, ids=[c[0] for c in CASES])
def test_each_document_names_the_case_the_party_and_the_basis(
    office, settings, tmp_path, doc_type, state, role
):
    settings.MEDIA_ROOT = str(tmp_path)
    hearing = doc_type in (T.HEARING_RIGHTS_NOTICE, T.HEARING_NOTICE, T.HEARING_RECORD)
    case = case_in(office, state, hearing=hearing)
    document = penalty_document_issue(actor=getattr(office, role), case=case, doc_type=doc_type)
    text = pdf_text(document.file.path)
    assert case.number in text
    assert PERSON["name"] in text
    # The records of the investigation name the provisions broken; what imposes or states the
    # penalty names its basis too (违法依据, 处罚依据).
    if doc_type in NAMES_VIOLATION:
        assert VIOLATED in text
    if doc_type in NAMES_BASIS:
        assert BASIS in text
    assert "。。" not in text and "，。" not in text
    assert str(DocumentType(doc_type).label) in text
    assert document.number in text
    assert office.bureau.name in text
    assert AuditEvent.objects.filter(action="penalty.document_issue", object_id=str(case.pk)).count() == 1


def test_on_the_spot_decision_carries_the_case_number(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = simple_case(office)
    document = penalty_document_issue(actor=office.handler, case=case, doc_type=T.SIMPLE_DECISION)
    text = pdf_text(document.file.path)
    assert document.number == case.decision_number == "中原城管罚简字〔2026〕第0001号"
    assert COMPANY["name"] in text and BASIS in text and case.number in text
    assert "第五十一条" in text  # the simple procedure's own article


def test_decision_document_reuses_the_decision_number(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = case_in(office, "decided")
    document = penalty_document_issue(actor=office.leader, case=case, doc_type=T.DECISION)
    assert document.number == case.decision_number == "中原城管罚决字〔2026〕第0001号"
    text = pdf_text(document.file.path)
    # The party's remedies with the periods from the law data (行政复议法 第二十条, 行政诉讼法 第四十六条).
    assert "60日内依法申请行政复议" in text and "6个月内依法向人民法院提起行政诉讼" in text
    assert "15日内" in text  # payment (行政处罚法 第六十七条)
    with pytest.raises(Conflict) as twice:
        penalty_document_issue(actor=office.leader, case=case, doc_type=T.DECISION)
    assert twice.value.code == "penalty.document_exists"


def test_prior_notice_states_the_hearing_right_and_five_working_days(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = case_in(office, "notified", hearing=True)
    text = pdf_text(
        penalty_document_issue(actor=office.handler, case=case, doc_type=T.PRIOR_NOTICE).file.path
    )
    assert "有权要求听证" in text and "5个工作日内" in text and "第64条第1项" in text
    assert "罚款人民币1,000.00元" in text


def test_numbers_are_gapless_per_type_and_year_and_a_rollback_gives_the_number_back(
    office, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    case = case_in(office, "case_review")
    first = penalty_document_issue(actor=office.handler, case=case, doc_type=T.INQUIRY_RECORD)
    with pytest.raises(RuntimeError), transaction.atomic():
        penalty_document_issue(actor=office.handler, case=case, doc_type=T.INQUIRY_RECORD)
        raise RuntimeError("the surrounding request failed")
    second = penalty_document_issue(actor=office.handler, case=case, doc_type=T.INQUIRY_RECORD)
    other_type = penalty_document_issue(actor=office.handler, case=case, doc_type=T.INSPECTION_RECORD)
    next_year = penalty_document_issue(
        actor=office.handler, case=case, doc_type=T.INQUIRY_RECORD, issued_on=D(2027, 1, 4)
    )
    assert first.number == "中原城管罚询字〔2026〕第0001号"
    assert second.number == "中原城管罚询字〔2026〕第0002号"
    assert other_type.number == "中原城管罚勘字〔2026〕第0001号"
    assert next_year.number == "中原城管罚询字〔2027〕第0001号"
    assert case.documents.count() == 4


def test_a_type_is_refused_at_the_wrong_stage_and_by_the_wrong_role(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = case_in(office, "investigating")
    with pytest.raises(Conflict) as early:
        penalty_document_issue(actor=office.leader, case=case, doc_type=T.DECISION)
    assert early.value.status == 409 and early.value.code == "penalty.document_not_allowed"
    with pytest.raises(PermissionDenied):
        penalty_document_issue(actor=office.inspector, case=case, doc_type=T.INQUIRY_RECORD)
    with pytest.raises(ValidationFailed):
        penalty_document_issue(actor=office.handler, case=case, doc_type="letter")
    assert case.documents.count() == 0
    assert T.INQUIRY_RECORD in issuable_types(case) and T.DECISION not in issuable_types(case)


def test_service_receipt_names_the_document_it_serves(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = case_in(office, "executing")
    decision = penalty_document_issue(actor=office.leader, case=case, doc_type=T.DECISION)
    receipt = penalty_document_issue(actor=office.handler, case=case, doc_type=T.SERVICE_RECEIPT)
    assert decision.number in pdf_text(receipt.file.path)


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_signed_scan_is_hashed_and_audited_and_other_files_are_refused(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = case_in(office, "case_review")
    document = penalty_document_issue(actor=office.handler, case=case, doc_type=T.PRIOR_NOTICE)
    with pytest.raises(ValidationFailed) as bad:
        penalty_document_attach_scan(
            actor=office.handler, document=document, upload=SimpleUploadedFile("x.txt", b"hello")
        )
    assert bad.value.fields["file"] and bad.value.code == "penalty.bad_scan_type"
    document.refresh_from_db()
    assert not document.scan
    pdf = Path(document.file.path).read_bytes()
    scanned = penalty_document_attach_scan(
        actor=office.handler, document=document, upload=SimpleUploadedFile("signed.pdf", pdf)
    )
    assert scanned.scan_sha256 == hashlib.sha256(pdf).hexdigest()
    assert Path(scanned.scan.path).read_bytes() == pdf
    png = penalty_document_attach_scan(
        actor=office.handler, document=document, upload=SimpleUploadedFile("signed.png", PNG_1PX)
    )
    assert png.scan.name.endswith(".png")
    assert AuditEvent.objects.filter(action="penalty.document_scan", object_id=str(case.pk)).count() == 2


def test_a_long_statement_of_facts_runs_onto_a_second_page(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = case_in(office, "case_review")
    case.facts = "当事人在中原路与建设路交叉口东南角人行道上设置摊点经营烧烤，" * 40 + "经责令改正拒不改正"
    case.save(update_fields=["facts"])
    document = penalty_document_issue(actor=office.handler, case=case, doc_type=T.INSPECTION_RECORD)
    info = subprocess.run(["pdfinfo", document.file.path], capture_output=True, check=True, text=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M)
    text = pdf_text(document.file.path)
    assert "现场检查（勘验）笔录（续）" in text and "第2页" in text
    assert "经责令改正拒不改正" in text and "当事人签名" in text


def test_the_decision_states_both_bases_without_doubled_punctuation(office, settings, tmp_path):
    # What staff type often ends with its own full stop; the document's sentence ends it once.
    settings.MEDIA_ROOT = str(tmp_path)
    case = services.penalty_simple_decide(
        actor=office.handler,
        bureau=office.bureau,
        facts="在人行道上摆摊设点。",
        violated_provisions="《城市市容和环境卫生管理条例》第十四条。",
        legal_basis="《城市市容和环境卫生管理条例》第三十六条第一项。",
        party=COMPANY,
        fine_amount="500",
        decided_on=D(2026, 3, 2),
        officers=[office.handler, office.handler2],
    )
    document = penalty_document_issue(actor=office.handler, case=case, doc_type=T.SIMPLE_DECISION)
    text = pdf_text(document.file.path)
    assert "经查，在人行道上摆摊设点。" in text
    assert (
        "违反了《城市市容和环境卫生管理条例》第十四条的规定。"
        "依据《城市市容和环境卫生管理条例》第三十六条第一项的规定，本机关决定" in text
    )
    assert "。。" not in text and "条。的" not in text


def test_a_prior_notice_names_the_bureaus_statement_period_and_its_rule(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    services.penalty_settings_update(
        actor=office.leader,
        bureau=office.bureau,
        statement_days=5,
        statement_rule="《某省行政处罚程序规定》第三十条",
    )
    case = case_in(office, "case_review")
    document = penalty_document_issue(actor=office.handler, case=case, doc_type=T.PRIOR_NOTICE)
    text = pdf_text(document.file.path)
    assert "收到本告知书之日起5个工作日内向本机关提出（《某省行政处罚程序规定》第三十条）" in text

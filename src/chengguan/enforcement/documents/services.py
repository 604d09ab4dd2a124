"""Issuing penalty documents and attaching their signed scans.

Each document type may be issued only at the stages of the procedure where it is used (else 409), by the
roles that sign it (else 403). Numbers are gapless per type, bureau and year (`core.numbering`, taken
inside the transaction, so a failed issue gives its number back); the filing form, the decision and the
on-the-spot decision carry the number the case itself was given, never a second one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from chengguan.core import audit, clock
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.core.permissions import Rule
from chengguan.enforcement import records
from chengguan.enforcement.documents.content import DocumentContext, officer_names, render
from chengguan.enforcement.errors import PenaltyError as E
from chengguan.enforcement.models import DocumentType, PenaltyCase, PenaltyDocument, PenaltyState, Procedure
from chengguan.enforcement.permissions import (
    can_sign_court_documents,
    can_sign_decisions,
    can_sign_filing_documents,
    can_sign_officer_documents,
)

T = DocumentType
S = PenaltyState
INVESTIGATION = frozenset({S.INVESTIGATING, S.CASE_REVIEW})
# From the prior notice until the decision: the party states and defends (第四十四条、第四十五条).
STATEMENT_STAGES = frozenset({S.NOTIFIED, S.HEARING_REQUESTED, S.HEARING_SCHEDULED, S.HEARD})
AFTER_DECISION = frozenset({S.DECIDED, S.EXECUTING, S.REMINDED, S.COURT_ENFORCEMENT, S.PAID, S.CLOSED})
SCAN_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
SCAN_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DocumentRule:
    """Who signs a type, in which states, and how it is numbered.

    `kind` is the character(s) of the number (`中原城管罚告字`); `case_number` names the case field
    whose number the document carries instead; `repeatable` types (records, receipts) may be issued
    more than once per case."""

    signers: Rule
    states: frozenset[str]
    kind: str = ""
    case_number: str = ""
    repeatable: bool = False
    procedure: str = Procedure.GENERAL


RULES: dict[str, DocumentRule] = {
    T.FILING_APPROVAL: DocumentRule(
        can_sign_filing_documents, frozenset(S) - {S.PROPOSED}, case_number="number"
    ),
    T.INSPECTION_RECORD: DocumentRule(can_sign_officer_documents, INVESTIGATION, "勘", repeatable=True),
    T.INQUIRY_RECORD: DocumentRule(can_sign_officer_documents, INVESTIGATION, "询", repeatable=True),
    T.RECTIFICATION_ORDER: DocumentRule(can_sign_officer_documents, INVESTIGATION, "改"),
    T.PRIOR_NOTICE: DocumentRule(can_sign_officer_documents, frozenset({S.CASE_REVIEW, S.NOTIFIED}), "告"),
    T.HEARING_RIGHTS_NOTICE: DocumentRule(
        can_sign_officer_documents, frozenset({S.CASE_REVIEW, S.NOTIFIED}), "听告"
    ),
    T.HEARING_NOTICE: DocumentRule(can_sign_officer_documents, frozenset({S.HEARING_SCHEDULED}), "听通"),
    T.DECISION: DocumentRule(can_sign_decisions, AFTER_DECISION, case_number="decision_number"),
    T.SERVICE_RECEIPT: DocumentRule(
        can_sign_officer_documents,
        frozenset({S.CASE_REVIEW, S.NOTIFIED, S.HEARING_SCHEDULED, S.DECIDED, S.EXECUTING, S.REMINDED}),
        "送",
        repeatable=True,
    ),
    T.REMINDER: DocumentRule(can_sign_officer_documents, frozenset({S.EXECUTING, S.REMINDED}), "催"),
    T.COURT_APPLICATION: DocumentRule(
        can_sign_court_documents,
        frozenset({S.REMINDED, S.COURT_ENFORCEMENT}),
        "强申",
    ),
    T.CLOSING_REPORT: DocumentRule(
        can_sign_filing_documents, frozenset({S.PAID, S.COURT_ENFORCEMENT, S.CLOSED}), "结"
    ),
    T.SIMPLE_DECISION: DocumentRule(
        can_sign_officer_documents,
        frozenset({S.EXECUTING, S.PAID, S.CLOSED}),
        case_number="decision_number",
        procedure=Procedure.SIMPLE,
    ),
    # 陈述申辩笔录: the party's statement and defence after the prior notice (第四十五条).
    T.STATEMENT_RECORD: DocumentRule(can_sign_officer_documents, STATEMENT_STAGES, "陈", repeatable=True),
    # 听证笔录: made at the hearing, signed by the parties (第六十四条第八项); the record is taken by the
    # hearing's clerk, who need not be one of the case officers.
    T.HEARING_RECORD: DocumentRule(can_sign_decisions, frozenset({S.HEARING_SCHEDULED, S.HEARD}), "听录"),
    # 先行登记保存通知书: evidence likely to be lost, with the chief's approval (第五十六条).
    T.PRESERVATION_NOTICE: DocumentRule(can_sign_officer_documents, INVESTIGATION, "先保", repeatable=True),
}
# Records the officers make with the party (现场检查笔录, 询问笔录, 送达回证): each is refused when an
# officer holds no certificate in force on its date (行政处罚法 第四十二条、第五十五条).
OFFICER_RECORDS = frozenset(
    {T.INSPECTION_RECORD, T.INQUIRY_RECORD, T.SERVICE_RECEIPT, T.STATEMENT_RECORD, T.PRESERVATION_NOTICE}
)
# 送达回证: the document being served, by the stage the case is in.
SERVED_AT_STAGE = {
    S.CASE_REVIEW: T.PRIOR_NOTICE,
    S.NOTIFIED: T.PRIOR_NOTICE,
    S.HEARING_SCHEDULED: T.HEARING_NOTICE,
    S.DECIDED: T.DECISION,
    S.EXECUTING: T.DECISION,
    S.REMINDED: T.REMINDER,
}


class DocumentNotAllowed(Conflict):
    code = E.DOCUMENT_NOT_ALLOWED


def issuable_types(case: PenaltyCase) -> list[str]:
    """The document types that can be issued for the case now (for the buttons a page shows)."""
    taken = set(case.documents.values_list("doc_type", flat=True))
    return [
        t
        for t, rule in RULES.items()
        if case.procedure == rule.procedure
        and case.state in rule.states
        and (rule.repeatable or t not in taken)
    ]


@dataclass(frozen=True)
class Availability:
    doc_type: str
    label: str
    reason: str  # empty when the type can be issued now by this actor


def document_availability(case: PenaltyCase, actor) -> list[Availability]:
    """Every document type of the case's procedure, each with why it cannot be issued now (another
    stage, one per case and already made, or signed by other roles): the page offers the ones without
    a reason and explains the others."""
    taken = set(case.documents.values_list("doc_type", flat=True))
    rows = []
    for t, rule in RULES.items():
        if rule.procedure != case.procedure:
            continue
        label = str(DocumentType(t).label)
        if case.state not in rule.states:
            if len(rule.states) > len(S) / 2:
                stages = gettext("、").join(str(state.label) for state in S if state not in rule.states)
                reason = gettext("%(stages)s以外的各阶段使用") % {"stages": stages}
            else:
                stages = gettext("、").join(str(state.label) for state in S if state in rule.states)
                reason = gettext("用于：%(stages)s") % {"stages": stages}
        elif not rule.repeatable and t in taken:
            reason = gettext("本案已制作（每案一份）")
        elif not rule.signers(actor, case):
            reason = gettext("由其他岗位制作")
        else:
            reason = ""
        rows.append(Availability(t, label, reason))
    return rows


def _served_document(case: PenaltyCase) -> str:
    served_type = SERVED_AT_STAGE.get(case.state)
    if served_type is None:
        return ""
    latest = case.documents.filter(doc_type=served_type).order_by("-id").first()
    label = DocumentType(served_type).label
    return f"{label} {latest.number}" if latest else label


def penalty_document_issue(
    *, actor, case: PenaltyCase, doc_type: str, issued_on: dt.date | None = None
) -> PenaltyDocument:
    """Number, render and store one document of `doc_type` for `case`; returns the saved row.

    Raises ValidationFailed for an unknown type, PermissionDenied for a role that does not sign it and
    DocumentNotAllowed (409) at a stage where the type is not used or when a one-off type exists."""
    rule = RULES.get(doc_type)
    if rule is None:
        raise ValidationFailed(
            "文书类型不正确。", code=E.BAD_DOCUMENT_TYPE, fields={"doc_type": ["文书类型不正确。"]}
        )
    rule.signers.refuse(actor, case)
    label = DocumentType(doc_type).label
    with transaction.atomic():
        case = (
            PenaltyCase.objects.select_for_update(of=("self",))
            .select_related("bureau", "origin_case")
            .get(pk=case.pk)
        )
        if case.procedure != rule.procedure or case.state not in rule.states:
            raise DocumentNotAllowed(f"案件当前状态为“{case.get_state_display()}”，不能制作《{label}》。")
        if not rule.repeatable and case.documents.filter(doc_type=doc_type).exists():
            raise DocumentNotAllowed(f"本案已制作《{label}》，不能重复制作。", code=E.DOCUMENT_EXISTS)
        day = issued_on or clock.today()
        if doc_type in OFFICER_RECORDS:
            records.require_certified(case.officers.all(), on=day)
        if rule.case_number:
            number = getattr(case, rule.case_number)
        else:
            number = records.issue_number(case.bureau, rule.kind, f"doc.{doc_type}", day.year)
        ctx = DocumentContext(
            case=case,
            doc_type=doc_type,
            number=number,
            issued_on=day,
            parties=list(case.parties.all()),
            officers=officer_names(case, on=day),
            served_document=_served_document(case) if doc_type == T.SERVICE_RECEIPT else "",
            evidence=list(case.evidence_entries.prefetch_related("officers__profile")),
        )
        with translation.override(settings.LANGUAGE_CODE):  # official documents are in Chinese
            pdf = render(ctx)
        digest = hashlib.sha256(pdf).hexdigest()
        document = PenaltyDocument(
            case=case, doc_type=doc_type, number=number, issued_on=day, issued_by=actor, sha256=digest
        )
        document.file.save(f"{case.pk}/{digest[:32]}.pdf", ContentFile(pdf), save=False)
        document.save()
        audit.record(
            actor=actor,
            action="penalty.document_issue",
            obj=case,
            after={"document": document.pk, "type": doc_type, "number": number, "sha256": digest},
        )
    return document


def _sniff_scan(data: bytes) -> tuple[str, str]:
    for magic, kind in SCAN_TYPES.items():
        if data.startswith(magic):
            return kind
    message = "签收扫描件须为 PDF、JPEG 或 PNG 文件。"
    raise ValidationFailed(message, code=E.BAD_SCAN_TYPE, fields={"file": [message]})


def penalty_document_attach_scan(*, actor, document: PenaltyDocument, upload) -> PenaltyDocument:
    """Attach the signed paper (签收扫描件) to an issued document. The type is decided from the file's
    first bytes; a new scan replaces the previous one, and both hashes stay in the audit trail."""
    can_sign_decisions.refuse(actor, document.case)
    if upload is None:
        raise ValidationFailed("请选择文件。", code=E.MISSING_FIELDS, fields={"file": ["此项为必填项。"]})
    size = getattr(upload, "size", None)
    if size is not None and size > SCAN_MAX_BYTES:
        message = "扫描件不能超过 20 MB。"
        raise ValidationFailed(message, code=E.SCAN_TOO_LARGE, fields={"file": [message]})
    upload.seek(0)
    data = upload.read()
    if not data:
        raise ValidationFailed("文件为空。", code=E.SCAN_EMPTY, fields={"file": ["文件为空。"]})
    if len(data) > SCAN_MAX_BYTES:
        message = "扫描件不能超过 20 MB。"
        raise ValidationFailed(message, code=E.SCAN_TOO_LARGE, fields={"file": [message]})
    _, extension = _sniff_scan(data)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        document = PenaltyDocument.objects.select_for_update().get(pk=document.pk)
        before = {"scan_sha256": document.scan_sha256}
        document.scan.save(f"{document.case_id}/{digest[:32]}.{extension}", ContentFile(data), save=False)
        document.scan_sha256 = digest
        document.scan_uploaded_at = clock.now()
        document.save(update_fields=["scan", "scan_sha256", "scan_uploaded_at"])
        audit.record(
            actor=actor,
            action="penalty.document_scan",
            obj=document.case,
            before=before,
            after={"document": document.pk, "scan_sha256": digest, "size": len(data)},
        )
    return document

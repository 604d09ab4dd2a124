"""Penalty documents (行政处罚文书): what each says (`content`) and issuing them (`services`)."""

from chengguan.enforcement.documents.services import (
    RULES,
    document_availability,
    issuable_types,
    penalty_document_attach_scan,
    penalty_document_issue,
)

__all__ = [
    "RULES",
    "document_availability",
    "issuable_types",
    "penalty_document_attach_scan",
    "penalty_document_issue",
]

"""Is the case file complete enough to close? (行政处罚法 第四十七条: the whole procedure is recorded and
filed.)

The case-file checklist (`data/case_file_checklist.yaml`) marks some items `required`: a
general-procedure case is not closed while one of them is missing, and the refusal names what is
missing. The other items only lower the evaluation score (evaluation.py). Each required item is
checked by the function of the same id below; a checklist that marks an item without one is refused
when it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable

from chengguan.enforcement.models import DocumentType, PenaltyCase, Procedure

T = DocumentType
MIN_OFFICERS = 2  # 行政处罚法 第四十二条


def evidence_officers(case: PenaltyCase) -> list[list[int]]:
    """The officers (user ids) of each entry of the case's evidence register (证据清单), in its order."""
    entries = case.evidence_entries.order_by("no").prefetch_related("officers")
    return [[officer.pk for officer in entry.officers.all()] for entry in entries]


def _documents(case: PenaltyCase) -> set[str]:
    return set(case.documents.values_list("doc_type", flat=True))


def _document(doc_type: str) -> str:
    return str(T(doc_type).label)


def _filing(case: PenaltyCase) -> list[str]:
    return [] if T.FILING_APPROVAL in _documents(case) else [_document(T.FILING_APPROVAL)]


def _evidence(case: PenaltyCase) -> list[str]:
    ok = any(len(set(officers)) >= MIN_OFFICERS for officers in evidence_officers(case))
    return [] if ok else ["两名以上执法人员收集的证据（第四十二条、第五十五条）"]


def _notice(case: PenaltyCase) -> list[str]:
    missing = [] if case.notice_served_on else ["事先告知书的送达（第四十四条）"]
    if T.PRIOR_NOTICE not in _documents(case):
        missing.append(_document(T.PRIOR_NOTICE))
    return missing


def _hearing(case: PenaltyCase) -> list[str]:
    if case.hearing_on and T.HEARING_NOTICE not in _documents(case):
        return [_document(T.HEARING_NOTICE)]
    return []


def _legal_review(case: PenaltyCase) -> list[str]:
    if case.legal_review_required and not case.legal_review_passed_on:
        return ["法制审核（第五十八条）"]
    return []


def _decision(case: PenaltyCase) -> list[str]:
    return [] if T.DECISION in _documents(case) else [_document(T.DECISION)]


def _service(case: PenaltyCase) -> list[str]:
    return [] if case.decision_served_on else ["处罚决定书的送达（第六十一条）"]


def _execution(case: PenaltyCase) -> list[str]:
    taken = _documents(case)
    steps = ((case.reminder_served_on, T.REMINDER), (case.court_applied_on, T.COURT_APPLICATION))
    return [_document(doc_type) for done, doc_type in steps if done and doc_type not in taken]


# What each checklist item that can be marked `required` checks: the names of what is missing.
REQUIRED_CHECKS: dict[str, Callable[[PenaltyCase], list[str]]] = {
    "filing": _filing,
    "evidence": _evidence,
    "notice": _notice,
    "hearing": _hearing,
    "legal_review": _legal_review,
    "decision": _decision,
    "service": _service,
    "execution": _execution,
}


def missing_for_closing(case: PenaltyCase) -> list[str]:
    """What the file of a general-procedure case lacks by the checklist's required items (empty when
    it may be closed; a simple-procedure case's file is its on-the-spot decision)."""
    from chengguan.enforcement.evaluation import checklist

    if case.procedure != Procedure.GENERAL:
        return []
    return [name for item in checklist().items if item.required for name in REQUIRED_CHECKS[item.id](case)]

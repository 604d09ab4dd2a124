"""Who may work penalty cases (named permissions): the procedure's steps, evidence, documents,
reviews, the court's records, publication and the evaluation of case files.

Each permission is the roles that sign for the step in a district bureau (行政处罚法 第四十二条: the
case officers; 第五十七条: the leaders decide; 第五十八条: the legal reviewers) and the case's bureau.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.permissions import Rule, permission
from chengguan.enforcement.errors import PenaltyError
from chengguan.org.permissions import holds, in_bureau
from chengguan.org.roles import RoleCode as R

_FORBIDDEN = {"code": PenaltyError.FORBIDDEN, "message": _("您没有权限执行此操作。")}
# The case officers (承办人员) and their squad leader.
_OFFICERS = (R.HANDLER, R.SQUAD_LEADER)
# Who may be named as a case's officers (selectors.officer_candidates, 行政处罚法 第四十二条).
OFFICER_ROLES = _OFFICERS
# Who is told (scheduled): a review waiting, a disclosure withdrawn.
REVIEW_DESK = (R.LEGAL_REVIEWER,)
DISCLOSURE_WATCH = (R.LEGAL_REVIEWER, R.LEADER)
_CHIEFS = (R.SQUAD_LEADER, R.LEADER)
_WORKERS = (R.HANDLER, R.SQUAD_LEADER, R.LEGAL_REVIEWER, R.LEADER)


def _bureau_id(obj) -> int | None:
    """The bureau of a penalty case, or of a row hanging off one (a review, a disclosure)."""
    if hasattr(obj, "bureau_id"):
        return obj.bureau_id
    case = getattr(obj, "case", None)
    return None if case is None else case.bureau_id


penalty_in_bureau = in_bureau(
    _bureau_id, code=PenaltyError.OTHER_BUREAU, message=_("不能办理其他单位的案件。")
)


def _superuser(actor, obj=None) -> bool:
    return bool(getattr(actor, "is_superuser", False))


# The pages and the API of penalty cases: the roles that work on them (a superuser looks on).
can_view_penalties = permission(
    "enforcement.view",
    holds(*_WORKERS, **_FORBIDDEN) | Rule(_superuser, name="superuser", **_FORBIDDEN),
)
# 立案审批, the simple procedure and opening a case from the closed loop (asked of the bureau).
can_start_penalty = permission(
    "enforcement.start",
    holds(*_OFFICERS, **_FORBIDDEN)
    & in_bureau(
        lambda bureau: bureau.pk, code=PenaltyError.OTHER_BUREAU, message=_("不能办理其他单位的案件。")
    ),
)
# The steps of the procedure (states.PENALTY_MACHINE), by who signs them: the case officers
# investigate, serve and record; the chiefs approve filing, apply to the court and close; the legal
# reviewers review (第五十八条); the leader decides (第五十七条) and suspends, ends or transfers.
# The bureau's own procedural settings (the statement-and-defence period): its leader, for its bureau.
can_set_penalty_rules = permission(
    "enforcement.set_rules",
    holds(R.LEADER, **_FORBIDDEN)
    & in_bureau(
        lambda bureau: bureau.pk, code=PenaltyError.OTHER_BUREAU, message=_("不能办理其他单位的案件。")
    ),
)
can_conduct = permission("enforcement.conduct", holds(*_OFFICERS, **_FORBIDDEN))
can_approve = permission("enforcement.approve", holds(*_CHIEFS, **_FORBIDDEN))
can_legal_review = permission("enforcement.legal_review", holds(R.LEGAL_REVIEWER, **_FORBIDDEN))
can_decide = permission("enforcement.decide", holds(R.LEADER, **_FORBIDDEN))
can_direct = permission("enforcement.direct", holds(R.LEADER, **_FORBIDDEN))
# 证据: the officers gather it; a leader may add what came to the bureau.
can_add_evidence = permission(
    "enforcement.add_evidence", holds(R.HANDLER, R.SQUAD_LEADER, R.LEADER, **_FORBIDDEN) & penalty_in_bureau
)
# Reconsideration and litigation are followed by the legal office and the chiefs.
can_record_reviews = permission(
    "enforcement.record_reviews",
    holds(R.LEGAL_REVIEWER, R.SQUAD_LEADER, R.LEADER, **_FORBIDDEN) & penalty_in_bureau,
)
can_record_court = permission(
    "enforcement.record_court",
    holds(R.SQUAD_LEADER, R.LEGAL_REVIEWER, R.LEADER, **_FORBIDDEN) & penalty_in_bureau,
)
can_publish = permission("enforcement.publish", holds(*_WORKERS, **_FORBIDDEN) & penalty_in_bureau)
# Withdrawing a publication: the legal office, or the system when the withdrawal falls due.
can_withdraw = permission(
    "enforcement.withdraw", holds(R.LEGAL_REVIEWER, R.LEADER, R.SYSTEM, **_FORBIDDEN) & penalty_in_bureau
)
can_evaluate = permission(
    "enforcement.evaluate",
    holds(R.LEGAL_REVIEWER, code=PenaltyError.FORBIDDEN, message=_("只有法制员可以评查案卷。"))
    & penalty_in_bureau,
)
# The legal office's pages of case-file evaluation: the reviewers who score, the leaders who read the rates.
can_view_evaluations = permission(
    "enforcement.view_evaluations",
    holds(R.LEGAL_REVIEWER, R.LEADER, **_FORBIDDEN) | Rule(_superuser, name="superuser", **_FORBIDDEN),
)
# A file sent back for correction is corrected by the officers who worked the case.
can_correct_case_file = permission(
    "enforcement.correct_case_file", holds(*_OFFICERS, **_FORBIDDEN) & penalty_in_bureau
)
# Who may ask for documents at all; each type's signers are named in documents/services.RULES.
can_issue_documents = permission("enforcement.issue_documents", holds(*_WORKERS, **_FORBIDDEN))
can_sign_officer_documents = permission(
    "enforcement.sign_officer_documents", holds(*_OFFICERS, **_FORBIDDEN) & penalty_in_bureau
)
can_sign_filing_documents = permission(
    "enforcement.sign_filing_documents", holds(*_OFFICERS, R.LEADER, **_FORBIDDEN) & penalty_in_bureau
)
# The decision, and the signed scans of any document: everyone who works the case.
can_sign_decisions = permission(
    "enforcement.sign_decisions", holds(*_WORKERS, **_FORBIDDEN) & penalty_in_bureau
)
can_sign_court_documents = permission(
    "enforcement.sign_court_documents",
    holds(R.SQUAD_LEADER, R.LEGAL_REVIEWER, R.LEADER, **_FORBIDDEN) & penalty_in_bureau,
)

"""What a concluded reconsideration or lawsuit does to the case (行政复议法 第六十三条至第六十五条,
行政诉讼法 第七十条、第七十四条、第七十七条).

- upheld (维持): nothing changes.
- revoked (撤销): the decision no longer stands; a case still running is terminated (the machine's
  `end_revoked`) and nothing more is collected or enforced.
- changed (变更): the fine becomes the amount the reviewing body set.
- confirmed unlawful (确认违法): the decision stands but its unlawfulness is noted on the case.
Revoked, changed and unlawful decisions must leave the public site within three working days
(行政处罚法 第四十八条第二款), so each schedules the withdrawal of the publication.
"""

from __future__ import annotations

from decimal import Decimal

from chengguan.core import audit
from chengguan.core.errors import ValidationFailed
from chengguan.enforcement import disclosure, records
from chengguan.enforcement.errors import PenaltyError
from chengguan.enforcement.models import PenaltyCase, PenaltyReview, ReviewOutcome
from chengguan.enforcement.states import FINAL_STATES, PENALTY_MACHINE, PenaltyAction

Outcome = ReviewOutcome
LOST = frozenset(
    {Outcome.REVOKED, Outcome.CHANGED, Outcome.UNLAWFUL}
)  # what the bureau reports as a lost case


def check_changed_fine(outcome: str, fine_amount) -> Decimal | None:
    """The new fine of a 'changed' outcome, validated before anything is written."""
    if fine_amount in (None, ""):
        return None
    if outcome != Outcome.CHANGED:
        raise ValidationFailed(
            "只有“变更”的结果才能登记新的罚款金额。",
            code=PenaltyError.FINE_ONLY_WHEN_CHANGED,
            fields={"fine_amount": ["只有“变更”的结果才能登记新的罚款金额。"]},
        )
    return records.money(fine_amount)


def apply_review_outcome(*, actor, review: PenaltyReview, new_fine: Decimal | None = None) -> PenaltyCase:
    """Carry the outcome of `review` into its case; call inside the transaction that concludes it."""
    case = PenaltyCase.objects.select_for_update().select_related("bureau").get(pk=review.case_id)
    if review.outcome not in LOST:
        return case
    on = review.concluded_on
    said = f"处罚决定于{on.year}年{on.month}月{on.day}日被{review.get_kind_display()}"
    if review.outcome == Outcome.REVOKED and case.state not in FINAL_STATES:
        # The decision no longer stands: the case ends through its machine, which audits it.
        note = f"{said}撤销。"
        case = PENALTY_MACHINE.apply(case, PenaltyAction.END_REVOKED, actor=actor, reason=note)
    else:
        before = {"fine_amount": case.fine_amount, "reason": case.reason}
        if review.outcome == Outcome.REVOKED:
            note = f"{said}撤销。"
        elif review.outcome == Outcome.CHANGED:
            note = f"{said}变更"
            if new_fine is not None:
                note += f"，罚款由{case.fine_amount or 0:.2f}元变更为{new_fine:.2f}元"
                case.fine_amount = new_fine
            note += "。"
        else:
            note = f"{said}确认违法。"
        case.reason = note
        case.save(update_fields=["fine_amount", "reason", "updated_at"])
        audit.record(
            actor=actor,
            action="penalty.review_effect",
            obj=case,
            before=before,
            after={"fine_amount": case.fine_amount, "reason": note},
        )
    disclosure.schedule_withdrawal(actor=actor, case=case, decided_on=on, reason=note)
    return case

"""恶意/无效举报: an operator's mark that a report is malicious or invalid.

The case is kept (nothing acknowledged is ever lost) but leaves every published figure. A report that
has not been dispatched yet (reported or filed) is also cancelled (作废) through the normal `cancel`
transition when the person marking it may cancel; a case further on is only flagged, because work
already done on it stays on record.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.cases import services
from chengguan.cases.errors import CaseError
from chengguan.cases.models import Case
from chengguan.cases.permissions import can_mark_spam
from chengguan.cases.states import Action
from chengguan.core import audit
from chengguan.core.errors import Conflict, ValidationFailed

REASON_LIMIT = 200  # Case.spam_reason


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(
            _("请填写判定理由。"),
            code=CaseError.SPAM_REASON_REQUIRED,
            fields={"reason": [_("此项为必填项。")]},
        )
    if len(text) > REASON_LIMIT:
        message = _("理由最多 %(limit)d 字。") % {"limit": REASON_LIMIT}
        raise ValidationFailed(message, code=CaseError.SPAM_REASON_TOO_LONG, fields={"reason": [message]})
    return text


def case_mark_spam(*, actor, case: Case, reason: str) -> Case:
    """Flag a case as a malicious or invalid report, and cancel it when it has not been dispatched.

    Returns the case as stored afterwards. Two audit events when it is cancelled: `case.spam_marked`
    and the transition's own `case.cancel`, in one transaction."""
    text = _reason(reason)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        can_mark_spam.refuse(actor, locked)
        if locked.is_spam:
            raise Conflict(_("该案件已标记为恶意/无效举报。"), code=CaseError.ALREADY_SPAM)
        cancels = Action.CANCEL in services.available_actions(locked, actor)
        locked.is_spam = True
        locked.spam_reason = text
        locked.save(update_fields=["is_spam", "spam_reason", "updated_at"])
        audit.record(
            actor=actor,
            action="case.spam_marked",
            obj=locked,
            before={"is_spam": False},
            after={"is_spam": True, "reason": text, "state": locked.state, "cancels": cancels},
        )
        if cancels:
            locked = services.case_transition(
                actor=actor, case=locked.pk, action=Action.CANCEL, reason=f"恶意/无效举报：{text}"
            )
    return locked


def case_unmark_spam(*, actor, case: Case, reason: str) -> Case:
    """Take the spam mark off (a wrong judgement): the case counts in the figures again. A case that
    the mark cancelled stays cancelled; cancelling is final in the transition table."""
    text = _reason(reason)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        can_mark_spam.refuse(actor, locked)
        if not locked.is_spam:
            raise Conflict(_("该案件未被标记为恶意/无效举报。"), code=CaseError.NOT_SPAM)
        previous = locked.spam_reason
        locked.is_spam = False
        locked.spam_reason = ""
        locked.save(update_fields=["is_spam", "spam_reason", "updated_at"])
        audit.record(
            actor=actor,
            action="case.spam_unmarked",
            obj=locked,
            before={"is_spam": True, "reason": previous},
            after={"is_spam": False, "reason": text},
        )
    return locked

"""Hand-off notifications: a case dispatched to my unit, returned to the dispatch desk, waiting for my
verification or for my approval of an extension. Listens to `case_changed`, which is sent after the
case's transaction committed, so nobody is told of a change that rolled back; the person who acted
is not told of their own step. A failure here is logged and never undoes the step."""

from __future__ import annotations

import logging

from django.urls import reverse

from chengguan.cases import recipients
from chengguan.cases.models import Case, CaseExtension, ExtensionStatus
from chengguan.cases.permissions import DISPATCH_DESK
from chengguan.cases.signals import case_changed
from chengguan.cases.states import Action
from chengguan.notifications.services import notify
from chengguan.org.system import system_actor

log = logging.getLogger(__name__)


def _stamp(moment) -> str:
    return moment.isoformat() if moment else "-"


def _handoff(case: Case, action: str) -> tuple[list, str, str, dict] | None:
    """(recipients, message, key, extra params) for the step just taken, or None."""
    if action in (Action.DISPATCH, Action.REDISPATCH):
        stamp = _stamp(case.dispatched_at)
        return recipients.handling_staff(case), "case.dispatched", f"case:{case.pk}:dispatched:{stamp}", {}
    if action == Action.REOPEN:
        stamp = _stamp(case.handling_started_at)
        return recipients.handling_staff(case), "case.reopened", f"case:{case.pk}:reopened:{stamp}", {}
    if action == Action.RETURN:
        staff = recipients.in_bureau(case.bureau_id, *DISPATCH_DESK)
        return staff, "case.returned", f"case:{case.pk}:returned:{case.return_count}", {}
    if action == Action.HANDLE:
        stamp = _stamp(case.handled_at)
        return recipients.grid_inspectors(case), "case.handled", f"case:{case.pk}:handled:{stamp}", {}
    if action == Action.REQUEST_EXTENSION:
        pending = CaseExtension.objects.filter(case=case, status=ExtensionStatus.PENDING).first()
        if pending is None:
            return None
        staff = recipients.in_bureau(case.bureau_id, *DISPATCH_DESK)
        amount = f"{pending.amount} {pending.get_unit_display()}"
        return staff, "case.extension_requested", f"case:{case.pk}:extension:{pending.pk}", {"amount": amount}
    return None


def _on_case_changed(sender, *, case: Case, action: str, actor, **kwargs) -> None:
    try:
        found = _handoff(case, action)
        if found is None:
            return
        people, message, key, extra = found
        notify(
            recipients=[u for u in people if u.pk != getattr(actor, "pk", None)],  # not the one who acted
            message=message,
            key=key,
            params={
                "number": case.number,
                "category": case.category.name_zh if case.category_id else "",
                "unit": case.handling_unit.name if case.handling_unit_id else "",
                **extra,
            },
            url=reverse("cases:detail", args=[case.number]),
            obj=case,
            # A report from the public has no account behind it: the bureau's system account sends.
            actor=actor if getattr(actor, "pk", None) else system_actor(case.bureau),
        )
    except Exception:  # the step is committed; a lost notification must not turn it into an error
        log.exception("hand-off notification for case %s (%s) failed", case.pk, action)


case_changed.connect(_on_case_changed, dispatch_uid="cases.handoffs")

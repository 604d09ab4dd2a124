"""What the closed-loop case page shows about penalty cases (`enforcement/_from_case.html`)."""

from __future__ import annotations

from django import template

from chengguan.cases.states import CaseState, Disposition
from chengguan.enforcement.models import PenaltyCase
from chengguan.enforcement.permissions import can_start_penalty

register = template.Library()


@register.simple_tag
def penalty_origin(case, user) -> dict:
    """For a case closed with the enforcement disposition: the penalty cases opened from it, and
    whether this user may open one (the service checks again)."""
    if case.state != CaseState.CLOSED or case.disposition != Disposition.ENFORCEMENT:
        return {"applies": False}
    opened = list(PenaltyCase.objects.filter(origin_case=case))
    return {
        "applies": True,
        "opened": opened,
        "can_open": not opened and not case.penalty_case_ref and can_start_penalty(user, case.bureau),
    }

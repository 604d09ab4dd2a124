"""The reporter's phone number: masked for everyone, shown in full only to the intake staff who call
people back, and every full view is audited (ARCHITECTURE.md, Personal data; 个人信息保护法 第五十一条
第四项: the handler sets who may operate on personal information).

The roles match the API's `PHONE_ROLES` (cases/api.py), so the web page and the API show the number
to the same people.
"""

from __future__ import annotations

from django.db import transaction

from chengguan.cases.models import Case
from chengguan.core import audit
from chengguan.core.errors import NotFound, PermissionDenied
from chengguan.org import selectors as org_selectors
from chengguan.org.roles import RoleCode

CONTACT_ROLES = frozenset({RoleCode.OPERATOR, RoleCode.SHIFT_LEADER})


def may_view_reporter_phone(actor, case: Case) -> bool:
    """Whether the page should offer "show full number" to `actor` (the service checks again)."""
    if not case.reporter_phone:
        return False
    if getattr(actor, "is_superuser", False):
        return True
    bureau = org_selectors.bureau_of(actor)
    return (
        bool(org_selectors.role_codes(actor) & CONTACT_ROLES)
        and bureau is not None
        and bureau.pk == case.bureau_id
    )


def reporter_phone_reveal(*, actor, case: Case) -> str:
    """The full number, with an audit event `case.reporter_phone_viewed` that names who looked (the
    number itself is not written into the audit trail)."""
    if not case.reporter_phone:
        raise NotFound("该案件没有登记反映人电话。", code="case.no_reporter_phone")
    if not may_view_reporter_phone(actor, case):
        raise PermissionDenied("您的角色不能查看反映人的完整电话。", code="case.phone_forbidden")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="case.reporter_phone_viewed",
            obj=case,
            after={"field": "reporter_phone"},
        )
    return case.reporter_phone

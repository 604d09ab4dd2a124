"""The reporter's phone number: masked for everyone, shown in full only to the intake staff who call
people back, and every full view is audited (ARCHITECTURE.md, Personal data; 个人信息保护法 第五十一条
第四项: the handler sets who may operate on personal information).

Who may is `permissions.can_view_reporter_phone`, asked by the web page and the API alike.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.cases.errors import CaseError
from chengguan.cases.models import Case
from chengguan.cases.permissions import can_view_reporter_phone
from chengguan.core import audit
from chengguan.core.errors import NotFound


def may_view_reporter_phone(actor, case: Case) -> bool:
    """Whether the page should offer "show full number" to `actor` (the service checks again)."""
    return bool(case.reporter_phone) and can_view_reporter_phone(actor, case)


def reporter_phone_reveal(*, actor, case: Case) -> str:
    """The full number, with an audit event `case.reporter_phone_viewed` that names who looked (the
    number itself is not written into the audit trail)."""
    # Who may not look is refused before anything about the case is said (issue 11, defect 9).
    can_view_reporter_phone.refuse(actor, case)
    if not case.reporter_phone:
        raise NotFound(_("该案件没有登记反映人电话。"), code=CaseError.NO_REPORTER_PHONE)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="case.reporter_phone_viewed",
            obj=case,
            after={"field": "reporter_phone"},
        )
    return case.reporter_phone

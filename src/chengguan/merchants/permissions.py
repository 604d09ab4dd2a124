"""Who may keep the merchant ledger and work its responsibility letters (named permissions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.permissions import Rule, permission
from chengguan.merchants.errors import LetterError, MerchantError
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import holds, holds_or_superuser, in_bureau
from chengguan.org.roles import STAFF_ROLES
from chengguan.org.roles import RoleCode as R

# The squads and the bureau keep the ledger and take letters to the shops.
_LEDGER_KEEPERS = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.HANDLER, R.INSPECTOR, R.SYSTEM)
_OFFICE = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.SYSTEM)
_FORBIDDEN = {"code": MerchantError.FORBIDDEN, "message": _("您没有{action}的权限。")}

can_keep_ledger = permission("merchants.keep_ledger", holds(*_LEDGER_KEEPERS, **_FORBIDDEN))
# District-wide work: imports, 20,000 letters at once, the yearly renewal.
can_run_bulk_work = permission("merchants.run_bulk_work", holds(*_OFFICE, **_FORBIDDEN))
# The people told that the yearly renewal is due: those who may run it, less the system account.
RENEWAL_RECIPIENTS = tuple(role for role in _OFFICE if role != R.SYSTEM)
# Naming a merchant on a case: the ledger keepers and the command centre that files cases.
can_link_cases = permission(
    "merchants.link_cases",
    holds(*_LEDGER_KEEPERS, R.OPERATOR, R.DISPATCHER, R.SHIFT_LEADER, **_FORBIDDEN),
)

_LETTER_FORBIDDEN = {"code": LetterError.FORBIDDEN, "message": _("您没有执行该操作的权限。")}
letter_in_bureau = in_bureau(
    lambda letter: letter.bureau_id,
    code=LetterError.OTHER_BUREAU,
    message=_("该责任书不属于您所在单位的辖区。"),
)
can_work_letters = permission("merchants.work_letters", holds(*_LEDGER_KEEPERS, **_LETTER_FORBIDDEN))
can_expire_letters = permission("merchants.expire_letters", holds(*_OFFICE, **_LETTER_FORBIDDEN))
# The ledger's pages and lists: bureau staff (and the bureau's system account); the rows are scoped
# by `merchants_visible_to`.
sees_merchants = permission("merchants.see", holds_or_superuser(*STAFF_ROLES, R.SYSTEM))

# A merchant's own sign-in: their home page lists their shops (the ones the bureau linked to them).
keeps_a_shop = permission("merchants.keeps_a_shop", holds(R.MERCHANT))

# A background job (an import, a batch of letters) is its starter's, and an administrator's of the
# same bureau: never another bureau's (its report names shops and rows of that bureau's ledger).
started_it = Rule(
    lambda actor, job: job.created_by_id is not None and job.created_by_id == actor.pk, name="started_it"
)
can_see_job = permission(
    "merchants.see_job",
    started_it
    | (
        holds(R.ADMIN)
        & in_bureau(
            lambda job: (
                getattr(org_selectors.bureau_of(job.created_by), "pk", None) if job.created_by_id else None
            )
        )
    ),
)

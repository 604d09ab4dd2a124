"""Who may do what on the public channel's staff side (named permissions): record feedback and
callbacks, review a "不满意" rating (回访复核), register Open311 client applications. The public
side (reporting, tracking, rating one's own report) needs no role: the query code is the key."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.permissions import Rule, permission
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import holds, in_bureau, staff
from chengguan.org.roles import RoleCode as R
from chengguan.portal.errors import Open311ClientError, PortalError

_superuser = Rule(
    lambda actor, obj: bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)),
    name="superuser",
)

can_record_feedback = permission(
    "portal.record_feedback",
    staff(code=PortalError.STAFF_ONLY, message=_("只有工作人员可以登记反馈和回访。"))
    & in_bureau(
        lambda case: case.bureau_id, code=PortalError.OUT_OF_SCOPE, message=_("该案件不在您的管辖范围内。")
    ),
)
# The review list and its menu entry; `can_review_callback` adds the case's bureau.
can_review_callbacks = permission(
    "portal.review_callbacks",
    _superuser
    | holds(
        R.LEADER,
        R.SHIFT_LEADER,
        code=PortalError.REVIEW_NOT_ALLOWED,
        message=_("只有领导或值班长可以复核不满意评价。"),
    ),
)
can_review_callback = permission(
    "portal.review_callback",
    can_review_callbacks
    & in_bureau(
        lambda callback: callback.case.bureau_id,
        code=PortalError.OUT_OF_SCOPE,
        message=_("该案件不在您的管辖范围内。"),
    ),
)
_OPEN311_FORBIDDEN = _("只有管理员可以登记或停用 Open311 应用。")
# The object is the client's bureau (None: a client of the whole installation).
can_manage_open311_clients = permission(
    "portal.manage_open311_clients",
    Rule(lambda actor, obj: org_selectors.sees_everything(actor), name="sees_everything")
    | (
        holds(
            R.ADMIN,
            R.SYSTEM,
            code=Open311ClientError.FORBIDDEN,
            message=_("只有管理员可以登记或停用 Open311 应用。"),
        )
        & Rule(
            lambda actor, bureau: bureau is not None and org_selectors.bureau_of(actor) == bureau,
            code=Open311ClientError.FORBIDDEN,
            message=_OPEN311_FORBIDDEN,
            name="own_bureau",
        )
    ),
)

# Signed-in members of the public follow what they reported themselves on their own home page: a
# citizen their reports (with progress and ratings), a deputy the items they raised (人大代表督办件).
follows_own_reports = permission("portal.follows_own_reports", holds(R.CITIZEN, R.DEPUTY))
raises_deputy_items = permission("portal.raises_deputy_items", holds(R.DEPUTY))
reports_as_citizen = permission("portal.reports_as_citizen", holds(R.CITIZEN))

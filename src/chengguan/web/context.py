"""Template context shared by every page: who is signed in, their bureau and the navigation (the
apps' sections come from `core.navigation`, where each app registers its own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.cases.permissions import can_use_dispatch_board
from chengguan.core import navigation as menu
from chengguan.merchants.permissions import keeps_a_shop
from chengguan.notifications.selectors import unread_count
from chengguan.org.access import is_staff_user
from chengguan.org.permissions import compares_bureaus, uses_admin_pages
from chengguan.org.roles import ALL_ROLES, RoleCode
from chengguan.org.selectors import bureau_of, city_of, profile_of, role_codes
from chengguan.portal.permissions import follows_own_reports


def foundation_nav(user, roles: frozenset[str]) -> list[dict]:
    """The foundation pages every member of staff may open."""
    return [
        {"name": "grid-map", "label": _("网格地图"), "url": reverse("web:grid-map"), "icon": "map"},
        {"name": "organisation", "label": _("组织机构"), "url": reverse("web:organisation"), "icon": "org"},
        {"name": "categories", "label": _("部件事件分类"), "url": reverse("web:categories"), "icon": "list"},
    ]


def routing_nav(user, roles: frozenset[str]) -> list[dict]:
    """The routing rules and their tester, for the dispatch desk."""
    if not can_use_dispatch_board(user):
        return []
    return [{"name": "routing", "label": _("派遣规则"), "url": reverse("web:routing"), "icon": "send"}]


def comparison_nav(user, roles: frozenset[str]) -> list[dict]:
    """A city leader's comparison of the bureaus of their city."""
    if not compares_bureaus(user):
        return []
    url = reverse("web:bureau-comparison")
    return [{"name": "bureau-comparison", "label": _("各区对比"), "url": url, "icon": "list"}]


def reference_nav(user, roles: frozenset[str]) -> list[dict]:
    return [{"name": "api-docs", "label": _("接口文档"), "url": reverse("api-docs"), "icon": "api"}]


def _public_entries(user) -> list[dict]:
    """What a signed-in member of the public opens besides their home: the portal's report and
    tracking pages, and a merchant's letter self-service."""
    if not (follows_own_reports(user) or keeps_a_shop(user)):
        return []
    items = [
        {"name": "report", "label": _("我要反映问题"), "url": reverse("portal:report"), "icon": "flag"},
        {"name": "track", "label": _("查询办理进度"), "url": reverse("portal:track"), "icon": "list"},
    ]
    if keeps_a_shop(user):
        url = reverse("letters-public:self-service")
        items.append({"name": "self-service", "label": _("责任书自助查询"), "url": url, "icon": "list"})
    return items


def _nav(user, is_staff: bool) -> list[dict]:
    """Home, then the sections the apps registered (`core.navigation`), then the admin for admins."""
    items = [{"name": "home", "label": _("首页"), "url": reverse("web:home"), "icon": "home"}]
    if is_staff:
        # A badge's count is fetched after the page has loaded (web:nav-badges): the page marks
        # where it goes and counts nothing.
        entries = menu.staff_entries(user, role_codes(user))
        items += [{**item, "badge": bool(item.get("badge"))} for item in entries]
    else:
        items += _public_entries(user)
    if user.is_staff or uses_admin_pages(user):
        items.append({"name": "admin", "label": _("管理后台"), "url": reverse("admin:index"), "icon": "gear"})
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_profile": None, "nav_items": [], "is_staff_user": False, "notifications_unread": 0}
    is_staff = is_staff_user(user)
    profile = profile_of(user)
    bureau = bureau_of(user) or city_of(user)  # a city leader's masthead is their city's
    match = getattr(request, "resolver_match", None)
    return {
        "staff_profile": profile,
        "current_bureau": bureau,
        "is_staff_user": is_staff,
        "user_role_labels": [RoleCode(code).label for code in ALL_ROLES if code in role_codes(user)],
        "nav_items": _nav(user, is_staff),
        "current_view": match.url_name if match else "",
        "notifications_unread": unread_count(user),
    }

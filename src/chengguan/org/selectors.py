"""Reads about who someone is and what part of the organisation tree they may see.

Scope (ARCHITECTURE.md, Roles): a member of staff sees their own unit and the units below it; a
leader, admin or the bureau's system account sees the whole bureau; a city leader (市级领导) in the
city-level bureau sees every bureau below it, read-only; a superuser and the
installation's system account (org.system) see everything. Members of the
public (citizen, merchant, deputy) hold no staff role and see no organisation or staff lists.
"""

from __future__ import annotations

import re

from django.db.models import QuerySet

from chengguan.org.models import Organisation, OrgKind, StaffProfile
from chengguan.org.roles import BUREAU_WIDE_ROLES, STAFF_ROLES, RoleCode
from chengguan.org.system import is_installation_system, is_system

_ROLE_CACHE = "_chengguan_role_codes"


def profile_of(user) -> StaffProfile | None:
    """The staff profile of `user`, or None (anonymous, or an account without a profile)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except StaffProfile.DoesNotExist:
        return None


def role_codes(user) -> frozenset[str]:
    """The role codes `user` holds (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _ROLE_CACHE, None)
    if cached is not None:
        return cached
    profile = profile_of(user)
    if profile is not None:
        codes = frozenset(profile.roles.values_list("code", flat=True))
        if RoleCode.SYSTEM in codes and not is_system(user):
            # The system role is only ever an account of org.system's; given to a person it grants nothing.
            codes -= {RoleCode.SYSTEM}
    else:
        # The installation's system account has no unit; it acts as the system everywhere.
        codes = frozenset({RoleCode.SYSTEM}) if is_installation_system(user) else frozenset()
    setattr(user, _ROLE_CACHE, codes)
    return codes


def forget_roles(user) -> None:
    """Drop the cached role codes after the roles of `user` changed."""
    if user is not None and hasattr(user, _ROLE_CACHE):
        delattr(user, _ROLE_CACHE)


def has_role(user, *codes: str) -> bool:
    """True if `user` holds any of `codes`. An active superuser holds every role."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return not role_codes(user).isdisjoint(codes)


def sees_everything(actor) -> bool:
    """A superuser or the installation's system account: every bureau's rows."""
    return actor is not None and (getattr(actor, "is_superuser", False) or is_installation_system(actor))


def bureau_of(user) -> Organisation | None:
    """The bureau the user's unit belongs to."""
    profile = profile_of(user)
    if profile is None:
        return None
    return profile.organisation.bureau


def city_of(user) -> Organisation | None:
    """The city-level bureau a city leader (市级领导) sits in, above the district bureaus."""
    profile = profile_of(user)
    if profile is None or profile.organisation.kind != OrgKind.CITY:
        return None
    return profile.organisation if RoleCode.CITY_LEADER in role_codes(user) else None


def overseen_bureaus(actor) -> QuerySet[Organisation] | None:
    """The bureaus a city leader reads (all those below their city), or None for anyone else: a
    city leader reads every bureau's work and writes none of it."""
    city = city_of(actor)
    if city is None:
        return None
    return Organisation.objects.filter(kind=OrgKind.BUREAU, path__startswith=city.path)


def compared_bureaus(actor) -> QuerySet[Organisation]:
    """The bureaus a comparison shows `actor`: a superuser's every bureau, a city leader's those of
    their city, nobody else's any."""
    if getattr(actor, "is_superuser", False):
        return Organisation.objects.filter(kind=OrgKind.BUREAU)
    return overseen_bureaus(actor) or Organisation.objects.none()


def subtree(org: Organisation) -> QuerySet[Organisation]:
    """`org` and every unit below it (one LIKE on the materialised path)."""
    if not org.path:
        return Organisation.objects.filter(pk=org.pk)
    return Organisation.objects.filter(path__startswith=org.path)


def visible_organisations(actor) -> QuerySet[Organisation]:
    """The organisations `actor` may see; see the module docstring for the scope rules."""
    everything = Organisation.objects.select_related("parent", "bureau")
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return everything.none()
    if sees_everything(actor):
        return everything.all()
    codes = role_codes(actor)
    profile = profile_of(actor)
    if profile is None or (codes.isdisjoint(STAFF_ROLES) and RoleCode.SYSTEM not in codes):
        return everything.none()
    unit = profile.organisation
    if not codes.isdisjoint(BUREAU_WIDE_ROLES) and unit.bureau_id is not None:
        return everything.filter(bureau_id=unit.bureau_id)
    if not unit.path:
        return everything.filter(pk=unit.pk)
    return everything.filter(path__startswith=unit.path)


def visible_staff(actor) -> QuerySet[StaffProfile]:
    """Staff of the organisations `actor` may see, with user, unit and roles loaded."""
    return (
        StaffProfile.objects.filter(organisation__in=visible_organisations(actor).values("pk"))
        .exclude(roles__code=RoleCode.SYSTEM)
        .select_related("user", "organisation")
        .prefetch_related("roles")
    )


def staff_holding(*roles: str, bureau_id: int | None = None, unit: Organisation | None = None) -> list:
    """Active users holding any of `roles` in the bureau, or in `unit` and the units below it: who a
    notification about the bureau's or the unit's work goes to."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, profile__roles__code__in=roles)
    if unit is not None:
        users = users.filter(profile__organisation__path__startswith=unit.path)
    elif bureau_id is not None:
        users = users.filter(profile__organisation__bureau_id=bureau_id)
    return list(users.distinct().order_by("pk"))


# The name of a district bureau as its document numbers begin: `中原区城市管理局`, `中原城管局` and
# `中原城管` are all `中原城管` (the place, without 区/县/市, and 城管 once).
_BUREAU_NAME = re.compile(r"(.+?)[省市区县]?(?:城市管理|城管)(?:综合)?(?:行政)?(?:执法)?局?")


def bureau_abbreviation(bureau: Organisation) -> str:
    """The abbreviation a bureau's document numbers start with (中原城管罚决字, 中原城管三包字), from its
    short name, else its name; a name of another shape is used as it is."""
    name = (bureau.short_name or bureau.name).strip()
    match = _BUREAU_NAME.fullmatch(name)
    return f"{match.group(1)}城管" if match else name

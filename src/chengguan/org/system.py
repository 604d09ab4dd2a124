"""The system actor: imports, scheduled jobs, the CLI and the demo act as an account of their own,
one per bureau (and one for the installation, before any bureau exists), so that every write —
including those no person made — passes the same permission checks and names its author in the
audit trail. The accounts cannot log in (no usable password) and never appear in staff lists.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from chengguan.org.models import Organisation, Role, StaffProfile
from chengguan.org.roles import RoleCode

INSTALLATION_USERNAME = "system"
PREFIX = "system-"


def username_for(bureau: Organisation | None) -> str:
    return INSTALLATION_USERNAME if bureau is None else f"{PREFIX}{bureau.code or bureau.pk}"


def system_actor(bureau: Organisation | None = None):
    """The system account of `bureau` (created on first use), or the installation's when None."""
    User = get_user_model()
    username = username_for(bureau)
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": "系统", "is_active": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            if bureau is not None:
                profile = StaffProfile.objects.create(
                    user=user, organisation=bureau, full_name=f"{bureau.short_name or bureau.name}（系统）"
                )
                role, _ = Role.objects.get_or_create(code=RoleCode.SYSTEM, defaults={"name": "系统"})
                profile.roles.set([role])
    return user


def is_system(actor) -> bool:
    """True for a system account (a bureau's or the installation's)."""
    username = getattr(actor, "username", "") or ""
    return (
        bool(getattr(actor, "pk", None))
        and (username == INSTALLATION_USERNAME or username.startswith(PREFIX))
        and not actor.has_usable_password()
    )


def is_installation_system(actor) -> bool:
    return is_system(actor) and actor.username == INSTALLATION_USERNAME


class SystemActors(dict):
    """The system account of each bureau, looked up once (a scheduled job's run): `actors[bureau]`."""

    def __missing__(self, bureau: Organisation | None):
        self[bureau] = actor = system_actor(bureau)
        return actor

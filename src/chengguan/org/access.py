"""Who may open the operations pages: bureau staff; the public gets the login page, and a signed-in
member of the public (citizen, merchant) a 403. Every app's views use these, so they live in `org`
(the layer every app may import), not in `web`."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from chengguan.org.roles import STAFF_ROLES
from chengguan.org.selectors import role_codes


def is_staff_user(user) -> bool:
    """Bureau staff see the operations pages; the public roles (citizen, merchant, deputy) do not."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or role_codes(user) & STAFF_ROLES)


def staff_required(view):
    """Operations pages are for bureau staff; a signed-in member of the public gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_user(request.user):
            raise PermissionDenied("staff only")
        return view(request, *args, **kwargs)

    return wrapper

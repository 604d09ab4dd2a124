"""Who may open the operations pages: bureau staff; the public gets the login page, and a signed-in
member of the public (citizen, merchant) a 403."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from chengguan.web.selectors import is_staff_user


def staff_required(view):
    """Operations pages are for bureau staff; a signed-in member of the public gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_user(request.user):
            raise PermissionDenied("staff only")
        return view(request, *args, **kwargs)

    return wrapper

"""Template context shared by every page (navigation, the signed-in staff profile)."""

from __future__ import annotations


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return {"staff_profile": profile}

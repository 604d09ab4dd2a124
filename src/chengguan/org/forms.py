"""Forms of the org app: the login form that explains a locked account."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from chengguan.org.auth import locked_until, lockout_message


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form; when the account is locked it says so and until when, instead of the
    generic "wrong username or password" (which would invite the user to keep guessing)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            until = locked_until(self.cleaned_data.get("username") or "")
            if until is not None:
                raise ValidationError(lockout_message(until), code="account_locked") from None
            raise

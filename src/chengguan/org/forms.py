"""Forms of the org app: the login form that explains a blocked login."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from chengguan.org.auth import login_block


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form; when the login is blocked it says so and until when, instead of the
    generic "wrong username or password" (which would invite the user to keep guessing)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            block = login_block(self.cleaned_data.get("username") or "")
            if block is not None:
                error = block.error()
                raise ValidationError(error.message, code=error.code.split(".")[-1]) from None
            raise

    def blocked(self) -> bool:
        """Whether the answer is "too many attempts" (the page then answers 429)."""
        return any(e.code == "too_many_attempts" for e in self.non_field_errors().as_data())

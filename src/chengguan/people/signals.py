"""An officer who leaves the bureau (moved to another one) or whose account is closed (left, retired)
no longer holds a certificate in force: `org` announces it (`org.signals.staff_leaving`, since org
sits below people and cannot call it) and the certificates are suspended in the same transaction, by
the bureau's system account."""

from __future__ import annotations


def _on_staff_leaving(sender, *, profile, reason: str, bureau, **kwargs) -> None:
    from chengguan.org.system import system_actor
    from chengguan.people.services import SUSPEND_ON_LEAVE, certificates_suspend_holder

    certificates_suspend_holder(
        actor=system_actor(bureau), holder=profile.user, reason=SUSPEND_ON_LEAVE[reason]
    )


def connect() -> None:
    from chengguan.org.signals import staff_leaving

    staff_leaving.connect(_on_staff_leaving, dispatch_uid="people.suspend_certificates")

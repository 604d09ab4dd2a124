"""The staff notifications the people app sends, added to the notification centre's catalogue."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.notifications.kinds import MESSAGES, Kind, Message

PEOPLE_MESSAGES = {
    "people.certificate_expiring": Message(
        Kind.DEADLINE_SOON, _("%(name)s的行政执法证（%(number)s）将于 %(due)s 到期，请及时办理换证。")
    ),
}


def register() -> None:
    for name, message in PEOPLE_MESSAGES.items():
        MESSAGES.setdefault(name, message)

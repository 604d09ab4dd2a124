"""How an urgent notification reaches a phone: through the project's SMS sender and its outbox.

The sender lives in an app above this one (`messaging`, whose outbox refers to cases), so that app
registers it here when it starts: `set_sms_sender(func)` with `func(actor=, phone=, body=, key=)`,
which queues the message once per key and sends it after the transaction commits (failures are retried by the
`sms.retry` job). Without a registered sender no SMS is sent and the notification still shows.
"""

from __future__ import annotations

from collections.abc import Callable

SmsSender = Callable[..., object]
_sender: SmsSender | None = None


def set_sms_sender(func: SmsSender | None) -> None:
    global _sender
    _sender = func


def sms_sender() -> SmsSender | None:
    return _sender

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """The SMS outbox and its sender, below every app that texts someone (portal's citizen SMS,
    channels, the urgent staff notifications), so none of them imports another to send one."""

    name = "chengguan.messaging"
    label = "messaging"
    verbose_name = "短信"

    def ready(self) -> None:
        # The SMS retry job; urgent staff notifications go out through the same outbox.
        from chengguan.messaging import scheduled, sms  # noqa: F401
        from chengguan.notifications import delivery

        delivery.set_sms_sender(sms.sms_queue)

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "chengguan.portal"
    label = "portal"
    verbose_name = "公众服务"

    def ready(self) -> None:
        # Citizen SMS listen to `case_changed`; the SMS retry job; urgent staff notifications go out
        # through the same outbox.
        from chengguan.notifications import delivery
        from chengguan.portal import notify, scheduled, sms  # noqa: F401

        delivery.set_sms_sender(sms.sms_queue)

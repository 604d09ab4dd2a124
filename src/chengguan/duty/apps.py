from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "chengguan.duty"
    label = "duty"
    verbose_name = "值班与督察"

    def ready(self) -> None:
        # The side menu, the overdue-finding escalation job and the messages it sends.
        from chengguan.core import navigation
        from chengguan.duty import messages, scheduled, states  # noqa: F401
        from chengguan.duty.navigation import DUTY, duty_nav

        navigation.register(DUTY, duty_nav)
        messages.register()

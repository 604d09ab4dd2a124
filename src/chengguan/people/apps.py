from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chengguan.people"
    label = "people"
    verbose_name = "队伍建设"

    def ready(self) -> None:
        # The certificate lifecycle, the expiry warnings (job and messages) and the suspension of a
        # certificate when its holder leaves the bureau or retires (org's staff signal).
        from chengguan.core import navigation
        from chengguan.people import messages, scheduled, signals, states  # noqa: F401
        from chengguan.people.navigation import PEOPLE, people_nav

        navigation.register(PEOPLE, people_nav)
        messages.register()
        signals.connect()

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "chengguan.campaigns"
    label = "campaigns"
    verbose_name = "专项行动与联合执法"

    def ready(self) -> None:
        # The side menu, the campaign machine, the overdue-task job and the messages it sends.
        from chengguan.campaigns import messages, scheduled, states  # noqa: F401
        from chengguan.campaigns.navigation import CAMPAIGNS, campaigns_nav
        from chengguan.core import navigation

        navigation.register(CAMPAIGNS, campaigns_nav)
        messages.register()

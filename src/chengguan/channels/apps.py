from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "chengguan.channels"
    label = "channels"
    verbose_name = "外部渠道督办件"

    def ready(self) -> None:
        # The import job handler.
        from chengguan.channels import jobs  # noqa: F401
        from chengguan.channels.navigation import work_orders_nav
        from chengguan.core import navigation

        navigation.register(navigation.CHANNELS, work_orders_nav)

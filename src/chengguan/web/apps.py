from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chengguan.web"
    label = "web"

    def ready(self) -> None:
        from chengguan.core import navigation
        from chengguan.web import nominee_record
        from chengguan.web.context import comparison_nav, foundation_nav, reference_nav, routing_nav

        navigation.register(navigation.FOUNDATION, foundation_nav)
        navigation.register(navigation.FOUNDATION, routing_nav)
        navigation.register(navigation.FIGURES, comparison_nav)
        navigation.register(navigation.REFERENCE, reference_nav)
        # A nominee's 督察 findings and evaluation score (people sits below duty and stats).
        nominee_record.register()

from django.apps import AppConfig


class StatsConfig(AppConfig):
    """The figures the bureau reports, computed from every app below (cases, the public channel,
    the outside channels): the layer above the feature apps."""

    name = "chengguan.stats"
    label = "stats"
    verbose_name = "统计"

    def ready(self) -> None:
        # The grid-assignment history, and the 综合评价 entry of the side menu.
        from chengguan.core import navigation
        from chengguan.stats import appeals, scheduled, signals  # noqa: F401  (the appeal machine, the rollup job)
        from chengguan.stats.navigation import REPORTS, STATS, reports_nav, stats_nav

        navigation.register(STATS, stats_nav)
        navigation.register(REPORTS, reports_nav)

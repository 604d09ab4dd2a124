from django.apps import AppConfig


class StatsConfig(AppConfig):
    """The figures the bureau reports, computed from every app below (cases, the public channel,
    the outside channels): the layer above the feature apps."""

    name = "chengguan.stats"
    label = "stats"
    verbose_name = "统计"

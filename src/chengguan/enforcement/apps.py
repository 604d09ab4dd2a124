from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "chengguan.enforcement"
    label = "enforcement"
    verbose_name = "行政处罚办案"

from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "chengguan.field"
    label = "field"
    verbose_name = "外勤应用"

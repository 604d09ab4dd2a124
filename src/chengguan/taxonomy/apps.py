from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "chengguan.taxonomy"
    label = "taxonomy"
    verbose_name = "部件事件分类"

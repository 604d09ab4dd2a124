from django.contrib import admin

from chengguan.feedback.models import Callback, Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("case", "method", "at", "officer")
    list_filter = ("method",)
    raw_id_fields = ("case", "officer")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ("case", "rating", "at", "officer")
    list_filter = ("rating",)
    raw_id_fields = ("case", "officer")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

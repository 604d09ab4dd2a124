from django.contrib import admin

from chengguan.channels.models import WorkOrder


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-only: work orders change only through their services, which write the audit trail."""

    list_display = ("external_id", "channel", "received_at", "reply_due_at", "replied_at")
    list_filter = ("channel",)
    search_fields = ("external_id", "case__number")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

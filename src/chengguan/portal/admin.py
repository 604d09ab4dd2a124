from django.contrib import admin, messages

from chengguan.portal import services
from chengguan.portal.models import Open311Client


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Keys are issued on the command line (`chengguan open311-key create`); here they are revoked."""

    list_display = ("name", "key_prefix", "bureau", "active", "created_at")
    list_filter = ("active",)
    readonly_fields = ("name", "key_prefix", "key_hash", "bureau", "active", "created_at")
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="停用所选应用的密钥")
    def revoke(self, request, queryset):
        for client in queryset.filter(active=True):
            services.open311_client_revoke(actor=request.user, client=client)
        self.message_user(request, "已停用。", messages.SUCCESS)

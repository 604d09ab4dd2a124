"""The back office, read-only: campaign kinds and campaigns change through the services (which
audit); the bureau edits its list of kinds on the campaign list page."""

from django.contrib import admin

from chengguan.campaigns.models import Campaign, CampaignKind


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CampaignKind)
class CampaignKindAdmin(ReadOnly):
    list_display = ("name", "bureau", "is_active", "sort_order")
    list_filter = ("bureau", "is_active")


@admin.register(Campaign)
class CampaignAdmin(ReadOnly):
    list_display = ("name", "kind", "state", "starts_on", "ends_on", "lead_unit")
    list_filter = ("state", "kind")

"""Notifications and escalations in the admin: read-only, they are records of what was sent."""

from __future__ import annotations

from django.contrib import admin

from chengguan.notifications.models import Escalation, Notification


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("created_at", "recipient", "kind", "text", "read_at")
    list_filter = ("kind", "urgent")
    search_fields = ("key", "recipient__username")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"


@admin.register(Escalation)
class EscalationAdmin(ReadOnly):
    list_display = ("escalated_at", "object_type", "object_id", "level", "due_at", "note")
    list_filter = ("level", "object_type")

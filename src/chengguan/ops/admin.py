"""The runs of the scheduled jobs, read-only in the admin (start, end, result, error)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chengguan.ops.models import JobLease, ScheduledRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "slot", "trigger", "status", "attempts", "started_at", "finished_at", "seconds")
    list_filter = ("status", "job", "trigger")
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]

    @admin.display(description=_("用时（秒）"))
    def seconds(self, run: ScheduledRun):
        return None if run.duration is None else round(run.duration, 1)


@admin.register(JobLease)
class JobLeaseAdmin(ReadOnlyAdmin):
    list_display = ("job", "holder", "expires_at")

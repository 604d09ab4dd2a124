from django.contrib import admin

from chengguan.enforcement.models import PenaltyCase, PenaltyDeadline, PenaltyParty, PenaltyReview


class PartyInline(admin.TabularInline):
    model = PenaltyParty
    extra = 0
    fields = ("kind", "name", "credit_code", "address")


class DeadlineInline(admin.TabularInline):
    model = PenaltyDeadline
    extra = 0
    readonly_fields = ("period_id", "name", "article", "event", "start_on", "due_on", "met_on")
    can_delete = False


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(admin.ModelAdmin):
    """Read-mostly: changes go through the services so the audit trail stays complete."""

    list_display = ("number", "procedure", "state", "filed_on", "decision_on", "fine_amount")
    list_filter = ("procedure", "state")
    search_fields = ("number", "decision_number")
    readonly_fields = [f.name for f in PenaltyCase._meta.concrete_fields]
    inlines = [PartyInline, DeadlineInline]


@admin.register(PenaltyReview)
class PenaltyReviewAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "applied_on", "concluded_on", "outcome")
    readonly_fields = ("case", "kind", "body", "applied_on", "concluded_on", "outcome")

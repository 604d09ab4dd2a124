"""Back office for cases. Cases change only through the lifecycle services (and so through the audit
trail), so their pages here are read-only; reply templates (常用语) are the one thing edited here, and
their saves are audited too."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from chengguan.cases import limits, services
from chengguan.cases.models import (
    BureauStageLimit,
    Case,
    CaseDelay,
    CaseEvidence,
    CaseExtension,
    CaseState,
    IntakeCheckSetting,
    ReplyTemplate,
    Supervision,
)
from chengguan.cases.selectors import cases_visible_to
from chengguan.core import audit
from chengguan.org.admin import ServiceAdmin
from chengguan.org.permissions import can_administer, uses_admin_pages


def _is_admin(user) -> bool:
    return uses_admin_pages(user)


class _ReadOnly(admin.ModelAdmin):
    """Viewable by our admins (not only Django superusers); never added, changed or deleted here."""

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or _is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or _is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return True


class EvidenceInline(_ReadOnlyInline):
    model = CaseEvidence
    fields = (
        "stage",
        "kind",
        "file",
        "size",
        "sha256",
        "taken_at",
        "lon",
        "lat",
        "uploaded_by",
        "created_at",
    )
    readonly_fields = fields


class ExtensionInline(_ReadOnlyInline):
    model = CaseExtension
    fields = (
        "amount",
        "unit",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields


class DelayInline(_ReadOnlyInline):
    model = CaseDelay
    fields = ("stage", "due_at", "acted_at", "reason", "recorded_by")
    readonly_fields = fields


class SupervisionInline(_ReadOnlyInline):
    model = Supervision
    fields = ("level", "instruction", "reply_due_at", "created_by", "reply", "replied_at", "replied_by")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(_ReadOnly):
    list_display = (
        "number",
        "state",
        "source",
        "category",
        "grid",
        "handling_unit",
        "reported_at",
        "stage_due_at",
        "is_supervised",
    )
    list_filter = (
        "state",
        "source",
        "category__kind",
        "category__major",
        "disposition",
        "is_supervised",
        "handled_late",
        "subdistrict",
        "handling_unit",
        ("reported_at", admin.DateFieldListFilter),
    )
    search_fields = ("number", "description", "address", "grid__code")
    date_hierarchy = "reported_at"
    list_select_related = ("category", "grid", "handling_unit")
    show_full_result_count = False  # a year of cases: skip the second COUNT(*)
    inlines = (EvidenceInline, ExtensionInline, DelayInline, SupervisionInline)

    def get_queryset(self, request):
        """Staff see the cases their role may see anywhere else, no more."""
        if request.user.is_superuser:
            return super().get_queryset(request)
        return cases_visible_to(request.user)


@admin.register(Supervision)
class SupervisionAdmin(_ReadOnly):
    list_display = ("case", "level", "reply_due_at", "created_by", "replied_at")
    list_filter = ("level", ("replied_at", admin.EmptyFieldListFilter))
    search_fields = ("case__number", "instruction", "reply")
    list_select_related = ("case", "created_by")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(case__in=cases_visible_to(request.user).values("pk"))


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("text", "purpose", "category", "is_active")
    list_filter = ("purpose", "is_active")
    list_editable = ("is_active",)
    search_fields = ("text", "category__name_zh", "category__code")
    raw_id_fields = ("category",)

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or _is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or _is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) or _is_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or _is_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # switch a template off instead: `is_active`

    def save_model(self, request, obj, form, change) -> None:
        with transaction.atomic():
            obj.save()
            audit.record(
                actor=request.user,
                action="case.reply_template_changed" if change else "case.reply_template_added",
                obj=obj,
                after={
                    "purpose": obj.purpose,
                    "category": obj.category_id,
                    "text": obj.text,
                    "active": obj.is_active,
                },
            )


class StageLimitForm(forms.ModelForm):
    actor = None  # set per request

    class Meta:
        model = BureauStageLimit
        fields = ["bureau", "stage", "amount", "unit", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, CaseState(s).label) for s in limits.DEFAULT_STAGE_LIMITS]

    def clean(self):
        data = super().clean()
        if data.get("bureau") is not None and not can_administer(self.actor, data["bureau"]):
            self.add_error("bureau", _("只能为本局设置。"))
        return data


@admin.register(BureauStageLimit)
class BureauStageLimitAdmin(ServiceAdmin):
    """A bureau's own limits for the desk stages; saved through `cases.services.stage_limit_set`."""

    form = StageLimitForm
    list_display = ["bureau", "stage", "amount", "unit", "source"]
    actions = None

    def save_model(self, request, obj, form, change) -> None:
        saved = services.stage_limit_set(actor=request.user, **form.cleaned_data)
        obj.pk = saved.pk


class IntakeCheckForm(forms.ModelForm):
    actor = None  # set per request

    class Meta:
        model = IntakeCheckSetting
        fields = ["bureau", "check_public_reports", "source"]

    def clean(self):
        data = super().clean()
        if data.get("bureau") is not None and not can_administer(self.actor, data["bureau"]):
            self.add_error("bureau", _("只能为本局设置。"))
        return data


@admin.register(IntakeCheckSetting)
class IntakeCheckSettingAdmin(ServiceAdmin):
    """Whether a bureau's public reports wait for an inspector's 核实; saved through
    `cases.services.intake_check_set`."""

    form = IntakeCheckForm
    list_display = ["bureau", "check_public_reports", "source"]
    actions = None

    def save_model(self, request, obj, form, change) -> None:
        saved = services.intake_check_set(actor=request.user, **form.cleaned_data)
        obj.pk = saved.pk

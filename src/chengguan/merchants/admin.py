"""Back office for the ledger and the letters: search and look, never edit.

Every change to a merchant or a letter goes through the services (validation, grid assignment,
gapless numbers, the audit trail), so these pages are read-only and link to the ledger pages where
staff make changes.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from chengguan.merchants.models import Letter, Merchant
from chengguan.merchants.selectors import merchants_visible_to
from chengguan.org.permissions import uses_admin_pages


class _ReadOnly(admin.ModelAdmin):
    """Viewable by our admins (not only Django superusers); never added, changed or deleted here."""

    show_full_result_count = False  # 20,000 rows: skip the second COUNT(*)

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or uses_admin_pages(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or uses_admin_pages(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _ledger_link(merchant: Merchant) -> str:
    url = reverse("merchants:detail", args=[merchant.pk])
    return format_html('<a href="{}">{}</a>', url, "台账页面")


@admin.register(Merchant)
class MerchantAdmin(_ReadOnly):
    list_display = ("name", "credit_code", "business_type", "status", "grid", "subdistrict", "ledger_page")
    list_filter = (
        "status",
        "business_type",
        ("subdistrict", admin.RelatedOnlyFieldListFilter),
        ("community", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "credit_code", "address", "grid__code")
    list_select_related = ("grid", "subdistrict")
    # The full ID number and phone stay out of the admin: the ledger page masks them.
    exclude = ("id_number", "phone")

    def get_queryset(self, request):
        """Staff see the merchants their role may see on the ledger pages, no more."""
        if request.user.is_superuser:
            return super().get_queryset(request)
        return merchants_visible_to(request.user)

    def view_on_site(self, obj: Merchant) -> str:
        return reverse("merchants:detail", args=[obj.pk])

    @admin.display(description="台账")
    def ledger_page(self, obj: Merchant) -> str:
        return _ledger_link(obj)


@admin.register(Letter)
class LetterAdmin(_ReadOnly):
    list_display = ("number", "merchant_name", "credit_code", "year", "status", "signed_on", "ledger_page")
    list_filter = (
        "status",
        "year",
        "sign_method",
        ("merchant__subdistrict", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("number", "merchant__name", "merchant__credit_code")
    list_select_related = ("merchant",)
    exclude = ("token",)  # the key of the public verification page: shown on the printed letter only

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(merchant__in=merchants_visible_to(request.user).values("pk"))

    def view_on_site(self, obj: Letter) -> str:
        return reverse("merchants:detail", args=[obj.merchant_id])

    @admin.display(description="单位名称", ordering="merchant__name")
    def merchant_name(self, obj: Letter) -> str:
        return obj.merchant.name

    @admin.display(description="统一社会信用代码", ordering="merchant__credit_code")
    def credit_code(self, obj: Letter) -> str:
        return obj.merchant.credit_code

    @admin.display(description="台账")
    def ledger_page(self, obj: Letter) -> str:
        return _ledger_link(obj.merchant)

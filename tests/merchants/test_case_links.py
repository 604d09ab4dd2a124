"""Naming merchants on cases (涉及商户): services, the API, the picker and the pages."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.urls import resolve
from rest_framework.test import APIClient

from chengguan.cases.models import Case
from chengguan.cases.services import case_report
from chengguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.merchants import services
from chengguan.merchants.models import Merchant, MerchantCase
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from chengguan.taxonomy.models import Category, CategoryKind, Classification, MajorCategory
from tests import factories
from tests.merchants.conftest import District, merchant_fields


@dataclass
class Scene:
    district: District
    case: Case
    shops: list[Merchant]
    operator: User


def _category() -> Category:
    classification = Classification.objects.create(code="TEST-M", name="测试分类", is_active=True)
    major = MajorCategory.objects.create(
        classification=classification, kind=CategoryKind.EVENT, code="01", name_zh="市容环境"
    )
    return Category.objects.create(
        classification=classification,
        major=major,
        kind=CategoryKind.EVENT,
        code="200105",
        minor_code="0105",
        name_zh="店外经营",
        time_limit_amount=3,
        time_limit_unit="working_days",
    )


def _report(district: District, category: Category, actor: User, index: int = 0) -> Case:
    lon, lat = district.point(index)
    return case_report(
        actor=actor,
        source="hotline",
        category=category,
        description="门店占道经营，货物堆到人行道",
        lon=lon,
        lat=lat,
        bureau=district.bureau,
    ).case


@pytest.fixture
def scene(district) -> Scene:
    rng = random.Random(11)
    shops = [
        services.merchant_create(
            actor=system_actor(), **merchant_fields(rng, district, i, name=name, credit_code=code)
        )
        for i, (name, code) in enumerate(
            (("老王烩面馆", "91410102MA44A8WX4B"), ("百花便利店", "92410102MA9G0BWC2N"))
        )
    ]
    operator = factories.staff(district.bureau, RoleCode.OPERATOR, username="m_operator").user
    return Scene(district, _report(district, _category(), operator), shops, operator)


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def audit_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- services -------------------------------------------------------------------------------------


def test_link_and_unlink_each_write_one_audit_event(scene):
    shop = scene.shops[0]
    services.merchant_link_case(actor=scene.operator, merchant=shop, case=scene.case)
    services.merchant_link_case(actor=scene.operator, merchant=shop, case=scene.case)  # no change
    assert MerchantCase.objects.filter(case=scene.case).count() == 1
    assert audit_count("merchant.link_case") == 1
    services.merchant_unlink_case(actor=scene.operator, merchant=shop, case=scene.case)
    assert not MerchantCase.objects.exists()
    event = AuditEvent.objects.get(action="merchant.unlink_case")
    assert event.before["case"] == scene.case.number
    with pytest.raises(NotFound):
        services.merchant_unlink_case(actor=scene.operator, merchant=shop, case=scene.case)
    assert audit_count("merchant.unlink_case") == 1


@pytest.mark.parametrize("role", [RoleCode.CITIZEN])
def test_people_without_a_linking_role_change_nothing(scene, role):
    with pytest.raises(PermissionDenied):
        services.merchant_link_case(
            actor=scene.district.users[role], merchant=scene.shops[0], case=scene.case
        )
    assert not MerchantCase.objects.exists() and audit_count("merchant.link_case") == 0


def test_a_merchant_of_another_bureau_cannot_be_named(scene):
    other = factories.bureau(short_name="", name="另一个城管局")
    Merchant.objects.filter(pk=scene.shops[1].pk).update(bureau=other)
    scene.shops[1].refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        services.merchant_link_case(actor=scene.operator, merchant=scene.shops[1], case=scene.case)
    assert exc.value.code == "merchant.other_bureau"
    assert not MerchantCase.objects.exists()


# --- API ------------------------------------------------------------------------------------------


def test_the_case_merchant_routes_resolve_without_shadowing_case_routes(scene):
    assert resolve(f"/api/v1/cases/{scene.case.pk}/merchants/").url_name == "api-case-merchants"
    assert resolve(f"/api/v1/cases/{scene.case.pk}/merchants/7/").url_name == "api-case-merchant-unlink"
    assert resolve(f"/api/v1/cases/{scene.case.pk}/").url_name == "api-case-detail"
    assert resolve(f"/api/v1/cases/{scene.case.pk}/file/").url_name == "api-case-file"
    assert resolve("/api/v1/merchants/search/").url_name == "merchant-search"


def test_link_by_credit_code_or_id_list_and_unlink_through_the_api(scene):
    c = api(scene.operator)
    url = f"/api/v1/cases/{scene.case.pk}/merchants/"
    resp = c.post(url, {"credit_code": scene.shops[0].credit_code.lower()}, format="json")
    assert resp.status_code == 200, resp.json()
    assert [m["name"] for m in resp.json()] == ["老王烩面馆"]
    resp = c.post(url, {"merchant": scene.shops[1].pk}, format="json")
    assert {m["credit_code"] for m in resp.json()} == {s.credit_code for s in scene.shops}
    assert len(c.get(url).json()) == 2

    detail = c.get(f"/api/v1/merchants/{scene.shops[0].pk}/").json()
    assert detail["cases"] == [
        {
            "id": scene.case.pk,
            "number": scene.case.number,
            "state": "reported",
            "state_name": "已上报",
            "category": "店外经营",
            "reported_at": detail["cases"][0]["reported_at"],
        }
    ]
    assert detail["repeat_offender"] is False

    resp = c.delete(f"{url}{scene.shops[0].pk}/")
    assert resp.status_code == 204
    assert [m["name"] for m in c.get(url).json()] == ["百花便利店"]
    assert c.get(f"/api/v1/merchants/{scene.shops[0].pk}/").json()["cases"] == []
    resp = c.delete(f"{url}{scene.shops[0].pk}/")
    assert resp.status_code == 404 and resp.json()["code"] == "merchant.case_not_linked"


def test_bad_link_requests_get_field_errors_and_change_nothing(scene):
    c = api(scene.operator)
    url = f"/api/v1/cases/{scene.case.pk}/merchants/"
    resp = c.post(url, {}, format="json")
    assert resp.status_code == 400 and "merchant" in resp.json()["fields"]
    both = {"merchant": scene.shops[0].pk, "credit_code": scene.shops[0].credit_code}
    assert c.post(url, both, format="json").status_code == 400
    resp = c.post(url, {"credit_code": "91410102MA00000000"}, format="json")
    assert resp.status_code == 400
    assert resp.json()["code"] == "merchant.not_found" and "credit_code" in resp.json()["fields"]
    assert c.post("/api/v1/cases/999999/merchants/", {"merchant": 1}, format="json").status_code == 404
    resp = api(scene.district.users[RoleCode.CITIZEN]).post(
        url, {"merchant": scene.shops[0].pk}, format="json"
    )
    assert resp.status_code in (403, 404)
    assert not MerchantCase.objects.exists()


def test_the_picker_finds_by_name_or_credit_code_prefix_within_the_bureau(scene):
    c = api(scene.operator)
    by_name = c.get("/api/v1/merchants/search/", {"q": "烩面"}).json()
    assert [m["name"] for m in by_name] == ["老王烩面馆"]
    by_code = c.get("/api/v1/merchants/search/", {"q": "92410102"}).json()
    assert [m["name"] for m in by_code] == ["百花便利店"]
    assert c.get("/api/v1/merchants/search/", {"q": ""}).json() == []
    other = factories.bureau(short_name="", name="另一个城管局")
    Merchant.objects.filter(pk=scene.shops[0].pk).update(bureau=other)
    assert c.get("/api/v1/merchants/search/", {"q": "烩面"}).json() == []
    schema = c.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/cases/{id}/merchants/" in schema["paths"]
    assert "/api/v1/cases/{id}/merchants/{merchant_id}/" in schema["paths"]


# --- pages ----------------------------------------------------------------------------------------


def test_the_case_section_links_and_unlinks_with_htmx(scene, client):
    client.force_login(scene.operator)
    page = client.get(f"/cases/{scene.case.number}/")
    assert page.status_code == 200
    assert f'hx-get="/merchants/case/{scene.case.pk}/"' in page.content.decode()

    section = client.get(f"/merchants/case/{scene.case.pk}/").content.decode()
    assert "涉及商户" in section and "尚未关联商户" in section
    picks = client.get(f"/merchants/case/{scene.case.pk}/pick/", {"q": "便利"}).content.decode()
    assert "百花便利店" in picks and "老王烩面馆" not in picks

    hx = {"HTTP_HX_REQUEST": "true"}
    shop = scene.shops[1]
    section = client.post(f"/merchants/case/{scene.case.pk}/link/", {"merchant": shop.pk}, **hx)
    body = section.content.decode()
    assert "百花便利店" in body and shop.credit_code in body
    assert MerchantCase.objects.filter(case=scene.case, merchant=shop).exists()
    picks = client.get(f"/merchants/case/{scene.case.pk}/pick/", {"q": "便利"}).content.decode()
    assert "已关联" in picks

    body = client.post(f"/merchants/case/{scene.case.pk}/unlink/{shop.pk}/", **hx).content.decode()
    assert "尚未关联商户" in body and not MerchantCase.objects.exists()


def test_the_section_stays_empty_for_people_who_may_not_see_merchants(scene, client):
    client.force_login(scene.district.users[RoleCode.CITIZEN])
    assert client.get(f"/merchants/case/{scene.case.pk}/").content == b""


def test_the_merchant_page_lists_its_cases_and_flags_a_repeat_offender(scene, client):
    shop = scene.shops[0]
    category = scene.case.category
    for index in range(3):
        case = scene.case if index == 0 else _report(scene.district, category, scene.operator, index)
        services.merchant_link_case(actor=system_actor(), merchant=shop, case=case)
    client.force_login(scene.district.users[RoleCode.ADMIN])
    body = client.get(f"/merchants/{shop.pk}/").content.decode()
    assert 'data-testid="repeat-offender"' in body and "近一年关联案件 3 件" in body
    assert f'href="/cases/{scene.case.number}/"' in body and "state-reported" in body
    assert api(scene.operator).get(f"/api/v1/merchants/{shop.pk}/").json()["repeat_offender"] is True
    section = client.get(f"/merchants/case/{scene.case.pk}/").content.decode()
    assert 'data-testid="repeat-offender"' in section
    other = client.get(f"/merchants/{scene.shops[1].pk}/").content.decode()
    assert 'data-testid="repeat-offender"' not in other


# --- admin ----------------------------------------------------------------------------------------


def test_the_admin_searches_and_filters_but_never_edits(scene, client):
    letter = services.letter_prepare(actor=system_actor(), merchant=scene.shops[0], year=2026)
    services.letter_prepare(actor=system_actor(), merchant=scene.shops[1], year=2026)
    User.objects.create_superuser("root", "root@example.org", "Root-pass-2026")
    client.login(username="root", password="Root-pass-2026")
    found = client.get("/admin/merchants/merchant/", {"q": scene.shops[0].credit_code}).content.decode()
    assert "老王烩面馆" in found and "百花便利店" not in found
    assert f'href="/merchants/{scene.shops[0].pk}/"' in found  # to the ledger page
    assert (
        client.get("/admin/merchants/merchant/", {"status__exact": "closed"}).content.decode().count("烩面馆")
        == 0
    )
    letters = client.get("/admin/merchants/letter/", {"q": letter.number}).content.decode()
    assert letter.number in letters and "百花便利店" not in letters
    by_year = client.get("/admin/merchants/letter/", {"year": "2026", "status__exact": "not_issued"})
    assert by_year.status_code == 200 and "百花便利店" in by_year.content.decode()
    sub = scene.district.subdistrict
    by_sub = client.get("/admin/merchants/letter/", {"merchant__subdistrict__id__exact": sub.pk})
    assert by_sub.status_code == 200 and "老王烩面馆" in by_sub.content.decode()
    change = client.get(f"/admin/merchants/merchant/{scene.shops[0].pk}/change/").content.decode()
    assert 'name="name"' not in change and scene.shops[0].phone not in change
    assert client.get("/admin/merchants/merchant/add/").status_code == 403
    assert client.get(f"/admin/merchants/letter/{letter.pk}/delete/").status_code == 403


# --- browser --------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_names_a_merchant_on_a_case_in_the_browser(live_server, district):
    from playwright.sync_api import expect, sync_playwright

    from tests.cases.test_browser import CHROMIUM, CHROMIUM_ARGS, sign_in

    rng = random.Random(11)
    shop = services.merchant_create(
        actor=system_actor(),
        **merchant_fields(rng, district, 0, name="老王烩面馆", credit_code="91410102MA44A8WX4B"),
    )
    operator = factories.staff(district.bureau, RoleCode.OPERATOR, username="m_operator").user
    case = _report(district, _category(), operator)
    shots = os.environ.get("CHENGGUAN_SCREENSHOTS")  # a folder: save the pages to look at them
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1440, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            sign_in(page, live_server.url, "m_operator", f"/cases/{case.number}/")
            section = page.locator("[data-testid=case-merchants]")
            expect(section).to_contain_text("尚未关联商户")
            page.fill("[data-testid=merchant-q]", "烩面")
            expect(page.locator("[data-testid=merchant-picks]")).to_contain_text(shop.address, timeout=15_000)
            if shots:
                section.screenshot(path=f"{shots}/case-picker.png")
            page.click(f"[data-testid=link-{shop.credit_code}]")
            expect(section.locator("[data-testid=case-merchant-list]")).to_contain_text("老王烩面馆")
            expect(section).to_contain_text(shop.credit_code)
            if shots:
                section.screenshot(path=f"{shots}/case-merchants.png")
            page.click("[data-testid=case-merchant-list] a")
            expect(page.locator("[data-testid=cases]")).to_contain_text(case.number)
            if shots:
                page.screenshot(path=f"{shots}/merchant-page.png", full_page=True)
            assert errors == []
        finally:
            browser.close()
    assert MerchantCase.objects.filter(case=case, merchant=shop).exists()

"""The staff page of work orders: due and overdue items, the reply form, the import and export."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect, sync_playwright

from chengguan.channels import importer, services
from chengguan.channels.models import WorkOrder
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.models import Job
from chengguan.org.roles import RoleCode as R
from tests.cases.test_browser import CHROMIUM, CHROMIUM_ARGS, sign_in

RECEIVED = dt.datetime(2026, 9, 14, 9, 0, tzinfo=SHANGHAI)  # due Sunday 20 September (a make-up working day)
LATER = dt.datetime(2026, 9, 22, 9, 0, tzinfo=SHANGHAI)


def _orders(district) -> list[WorkOrder]:
    with pinned(RECEIVED):
        return [
            services.work_order_receive(
                actor=district.users[R.OPERATOR],
                channel=channel,
                external_id=external_id,
                content=content,
                category=district.days_category.code,
                address="建设西路100号",
                complainant_name="王小红",
                complainant_phone="13812345678",
            ).order
            for channel, external_id, content in (
                ("hotline_12345", "GD20260914000001", "小区门口流动摊贩占道经营"),
                ("deputy", "RD2026-017", "背街小巷垃圾清运不及时"),
            )
        ]


def test_the_list_shows_overdue_items_masked_and_a_citizen_is_refused(district, client):
    _orders(district)
    client.force_login(district.users[R.SHIFT_LEADER])
    with pinned(LATER):
        page = client.get("/work-orders/").content.decode()
    assert page.count('data-testid="order-overdue"') == 2
    assert "138****5678" in page and "13812345678" not in page and "王小红" not in page
    client.force_login(district.users[R.CITIZEN])
    assert client.get("/work-orders/").status_code == 403


def test_a_reply_from_the_page_goes_through_the_service(district, client):
    order = _orders(district)[0]
    client.force_login(district.users[R.OPERATOR])
    with pinned(LATER):
        client.post(f"/work-orders/{order.pk}/reply/", {"reply": ""})
        assert WorkOrder.objects.get(pk=order.pk).replied_at is None
        client.post(f"/work-orders/{order.pk}/reply/", {"reply": "已劝离摊贩"})
    order.refresh_from_db()
    assert order.reply == "已劝离摊贩" and order.replied_at == LATER


def test_the_import_page_starts_a_job_and_the_template_downloads(district, client, settings):
    settings.CELERY_BROKER_URL = ""
    client.force_login(district.users[R.OPERATOR])
    assert client.get("/work-orders/import/template.xlsx").content[:2] == b"PK"
    header = ",".join(label for _, label in importer.IN_COLUMNS)
    row = f"12345热线,GD1,2026-09-14 09:00,,,路灯不亮,建设西路1号,,,,{district.days_category.code}"
    upload = SimpleUploadedFile("orders.csv", f"{header}\n{row}\n".encode("utf-8-sig"))
    with pinned(LATER):
        response = client.post("/work-orders/import/", {"file": upload})
    job = Job.objects.get(kind="channels.import")
    assert response.status_code == 302 and response.url == f"/work-orders/jobs/{job.pk}/"
    handler = district.users[R.HANDLER]
    client.force_login(handler)
    upload.seek(0)
    refused = client.post("/work-orders/import/", {"file": upload})
    assert "只有受理员、值班长可以导入督办件" in refused.content.decode()
    assert Job.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_in_a_browser_flags_overdue_items_and_takes_a_reply(live_server, district):
    first = _orders(district)[0]
    shot = os.environ.get("CHENGGUAN_SCREENSHOT_DIR")
    with pinned(LATER), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        sign_in(page, live_server.url, "operator", "/work-orders/")
        expect(page.locator("[data-testid=overdue-count]")).to_have_text("2")
        if shot:
            page.screenshot(path=f"{shot}/work-orders.png", full_page=True)
        page.fill(f"form[action='/work-orders/{first.pk}/reply/'] textarea", "已劝离摊贩，现场恢复通行")
        page.click(f"[data-testid=reply-{first.pk}]")
        expect(page.locator("[data-testid=overdue-count]")).to_have_text("1")
        expect(page.locator(".alert-success")).to_contain_text("GD20260914000001 已答复")
        browser.close()
    assert WorkOrder.objects.get(pk=first.pk).reply == "已劝离摊贩，现场恢复通行"

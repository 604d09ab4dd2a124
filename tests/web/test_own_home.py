"""A deputy, a citizen and a merchant who sign in land on a page of their own (issue 19 item 11):
what they raised or reported with its progress, replies and ratings, a merchant's shops with their
letters and cases; never anyone else's."""

from __future__ import annotations

import os
import pathlib
import random
import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.cases.models import CaseSource
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.merchants import selectors as merchant_selectors
from chengguan.merchants import services as merchant_services
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from chengguan.portal import selectors as portal_selectors
from chengguan.portal import services as portal_services
from tests.cases.conftest import QUIET_MOMENT, _fast_tests, build_district  # noqa: F401  (fixture)
from tests.cases.flow import drive, report
from tests.merchants.conftest import merchant_fields


@pytest.fixture
def district(db):
    return build_district()


@pytest.fixture(autouse=True)
def _quiet():
    with clock.pinned(QUIET_MOMENT):
        yield


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("web:home"))
    assert page.status_code == 200
    return page.content.decode()


def _shop(district, index: int, **over):
    fields = merchant_fields(random.Random(index), _Points(district), 0, **over)
    return merchant_services.merchant_create(actor=system_actor(district.bureau), **fields)


class _Points:
    """The merchants fixtures place shops by grid and offset; here at the centre of grid 0."""

    def __init__(self, district):
        self.district = district

    def point(self, index, dx=0.5, dy=0.5):
        return self.district.point(index)


def test_a_citizen_sees_their_own_reports_with_progress_and_rating(district):
    citizen, other = district.users[R.CITIZEN], district.users["other_citizen"]
    mine = report(district, role=R.CITIZEN, source=CaseSource.CITIZEN, description="楼下垃圾桶满了")
    theirs = report(district, role="other_citizen", source=CaseSource.CITIZEN, description="别人的问题")
    closed = drive(
        district, CaseState.CLOSED, role=R.CITIZEN, source=CaseSource.CITIZEN, description="路灯不亮"
    )
    portal_services.callback_record(actor=district.users[R.OPERATOR], case=closed, rating="satisfied")
    html = _home(citizen)
    assert 'data-testid="my-reports"' in html
    assert mine.number in html and closed.number in html and theirs.number not in html
    assert "已收到，等待受理审核" in html  # the public progress of a new report
    assert "评价：满意" in html
    assert "公众服务门户" not in html  # not the public portal
    assert {r.case.pk for r in portal_selectors.own_reports(other, deputy_items=False)} == {theirs.pk}


def test_a_deputy_sees_the_items_they_raised_and_the_replies(district):
    deputy = district.users[R.DEPUTY]
    raised = report(district, role=R.DEPUTY, source=CaseSource.DEPUTY, description="建议整治占道经营")
    portal_services.feedback_record(
        actor=district.users[R.OPERATOR],
        case=drive(district, CaseState.FILED, case=raised),
        method="phone",
        content="已安排中队整治，一周内答复。",
    )
    hotline = report(district, role=R.OPERATOR, source=CaseSource.DEPUTY, description="他人代录的督办件")
    html = _home(deputy)
    assert 'data-testid="deputy-items"' in html
    assert raised.number in html and "已安排中队整治，一周内答复。" in html
    assert hotline.number not in html
    assert portal_selectors.own_reports(district.users[R.CITIZEN], deputy_items=True) == []


def test_a_merchant_sees_their_shop_its_letters_and_cases_and_reaches_self_service(district):
    merchant = district.users[R.MERCHANT]
    own, other = _shop(district, 1), _shop(district, 2)
    merchant_services.merchant_account_link(
        actor=system_actor(district.bureau), merchant=own, account=merchant
    )
    letter = merchant_services.letter_prepare(actor=system_actor(district.bureau), merchant=own, year=2026)
    other_letter = merchant_services.letter_prepare(
        actor=system_actor(district.bureau), merchant=other, year=2026
    )
    case = report(district, role=R.OPERATOR, description="店外经营")
    merchant_services.merchant_link_case(actor=district.users[R.OPERATOR], merchant=own, case=case)
    html = _home(merchant)
    assert own.name in html and letter.number in html and case.number in html
    assert other.name not in html and other_letter.number not in html
    assert reverse("letters-public:self-service") in html
    assert f"number={urllib.parse.quote(letter.number)}" in html
    assert [s.merchant for s in merchant_selectors.shops_of_account(district.users[R.CITIZEN])] == []


def test_only_a_merchant_account_can_be_linked_to_a_shop_and_nothing_changes_otherwise(district):
    shop = _shop(district, 3)
    with pytest.raises(ValidationFailed) as refused:
        merchant_services.merchant_account_link(
            actor=system_actor(district.bureau), merchant=shop, account=district.users[R.CITIZEN]
        )
    assert refused.value.code == "merchant.not_a_merchant_account"
    shop.refresh_from_db()
    assert shop.account is None


def test_the_own_home_menu_offers_the_portal_pages_and_a_merchant_the_self_service(district):
    html = _home(district.users[R.MERCHANT])
    nav = html[html.index("<nav") : html.index("</nav>")]
    for name in ("portal:report", "portal:track", "letters-public:self-service"):
        assert f'href="{reverse(name)}"' in nav
    assert reverse("letters-public:self-service") not in _home(district.users[R.CITIZEN]).split("</nav>")[0]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_outsider_lands_on_their_own_page_after_login(live_server, district, tmp_path):
    """Deputy, citizen and merchant sign in through the login form and land on their own page."""
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import DEMO_PASSWORD
    from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

    report(district, role=R.DEPUTY, source=CaseSource.DEPUTY, description="建议整治占道经营")
    report(district, role=R.CITIZEN, source=CaseSource.CITIZEN, description="楼下垃圾桶满了")
    shop = _shop(district, 1)
    merchant_services.merchant_account_link(
        actor=system_actor(district.bureau), merchant=shop, account=district.users[R.MERCHANT]
    )
    merchant_services.letter_prepare(actor=system_actor(district.bureau), merchant=shop, year=2026)
    shots = pathlib.Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    landing = {R.DEPUTY: "deputy-items", R.CITIZEN: "my-reports", R.MERCHANT: "my-shops"}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for role, section in landing.items():
                for locale in ("zh-CN", "en-US"):
                    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 860})
                    page = context.new_page()
                    page.goto(f"{live_server.url}/login/")
                    page.fill("input[name=username]", district.users[role].username)
                    page.fill("input[name=password]", DEMO_PASSWORD)
                    page.click(".login-card button[type=submit]")
                    expect(page).to_have_url(f"{live_server.url}/")
                    expect(page.locator("[data-testid=own-home]")).to_be_visible()
                    expect(page.locator(f"[data-testid={section}]")).to_be_visible()
                    if locale == "en-US":
                        page.click(".lang-switch button[value=en]")
                        expect(page.locator("html")).to_have_attribute("lang", "en")
                    if role == R.MERCHANT:
                        page.screenshot(path=str(shots / f"own-{role}-{locale}.png"), full_page=True)
                        page.click("[data-testid=self-service-link]")
                        expect(page).to_have_url(f"{live_server.url}/letters/self-service/")
                    else:
                        page.locator("details.own-report summary").first.click()
                        page.screenshot(path=str(shots / f"own-{role}-{locale}.png"), full_page=True)
                    context.close()
        finally:
            browser.close()

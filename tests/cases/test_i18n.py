"""The workbench speaks Chinese by default and English after the language switch the web app offers:
the inbox, the case page (states, actions, countdown, timeline) and the report form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chengguan.cases.states import CaseState
from chengguan.core.clock import pinned
from chengguan.org.roles import RoleCode as R
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive
from tests.factories import DEMO_PASSWORD


@pytest.fixture
def operator_client(district, client):
    assert client.login(username=district.users[R.OPERATOR].username, password=DEMO_PASSWORD)
    return client


def english(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("cases:inbox")})
    assert response.status_code == 302


def test_chinese_by_default(district, operator_client):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.VERIFIED)
        inbox = operator_client.get(reverse("cases:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        detail = operator_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'lang="zh-hans"' in inbox
    assert "我的待办" in inbox and "件预警" in inbox and "剩余" in inbox
    assert "已核查" in detail and "确认结案" in detail and "办理过程" in detail
    assert "My to-dos" not in inbox and "Timeline" not in detail


def test_english_after_the_switch(district, operator_client):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.VERIFIED)
        english(operator_client)
        inbox = operator_client.get(reverse("cases:inbox")).content.decode()
        detail = operator_client.get(reverse("cases:detail", args=[case.number])).content.decode()
        form = operator_client.get(reverse("cases:report")).content.decode()
    assert 'lang="en"' in inbox
    for text in ("My to-dos", "to do", "overdue", "Next step", " left", "Close"):
        assert text in inbox, text
    for text in ("Verified", "Confirm: Close", "Disposition (721 method)", "Timeline", "Actions", "Report"):
        assert text in detail, text
    # Steps of the timeline and the navigation are English too, not only the page's own words.
    assert "Accept" in detail and "Case map" in detail
    for text in ("Report a case", "Description", "Submit report", "12345 hotline", "Use my position"):
        assert text in form, text
    assert "提交上报" not in form and "办理过程" not in detail


def test_a_refusal_and_a_success_message_follow_the_language(district, operator_client):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.REPORTED)
        english(operator_client)
        done = operator_client.post(reverse("cases:act", args=[case.number, "file"]), follow=True)
    assert "Done: File." in done.content.decode()
    assert "Filed" in done.content.decode()

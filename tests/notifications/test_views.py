"""The notification centre: the bell's count on every page, my notifications only, opening one goes
to its case and marks it read, mark all read, preferences — in Chinese and in English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chengguan.core.clock import pinned
from chengguan.notifications import services
from chengguan.notifications.models import Notification, Preference
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from tests.cases.conftest import QUIET_MOMENT


def give(user, n: int = 1, message: str = "case.overdue"):
    with pinned(QUIET_MOMENT):
        for i in range(n):
            services.notify(
                recipients=[user],
                message=message,
                key=f"test:{message}:{i}",
                params={"number": f"41010220260000{i:02d}", "stage": "handle", "due": "2026-09-15 18:00"},
                url=reverse("cases:inbox"),
                actor=system_actor(),
            )


def test_the_bell_counts_my_unread_notifications_on_every_page(district, as_user):
    give(district.users[R.HANDLER], 3)
    give(district.users[R.LEADER], 5)
    page = as_user(district.users[R.HANDLER]).get(reverse("web:home")).content.decode()
    assert 'data-testid="bell"' in page and 'data-testid="bell-count">3<' in page
    page = as_user(district.users[R.DISPATCHER]).get(reverse("cases:inbox")).content.decode()
    assert 'data-testid="bell"' in page and "bell-count" not in page


def test_the_centre_lists_mine_only_and_opening_one_marks_it_read(district, as_user):
    give(district.users[R.HANDLER], 2)
    give(district.users[R.LEADER], 1)
    client = as_user(district.users[R.HANDLER])
    page = client.get(reverse("notifications:centre"))
    assert page.status_code == 200 and len(page.context["page"]) == 2
    mine = Notification.objects.filter(recipient=district.users[R.HANDLER]).first()
    assert mine.text in page.content.decode()
    opened = client.get(reverse("notifications:open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("cases:inbox")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert len(client.get(reverse("notifications:centre")).context["page"]) == 1
    assert len(client.get(reverse("notifications:centre"), {"show": "all"}).context["page"]) == 2
    theirs = Notification.objects.get(recipient=district.users[R.LEADER])
    assert client.get(reverse("notifications:open", args=[theirs.pk]))["Location"] == reverse(
        "notifications:centre"
    )
    client.post(reverse("notifications:read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_and_mark_all_read(district, as_user):
    give(district.users[R.HANDLER], 4)
    client = as_user(district.users[R.HANDLER])
    first = Notification.objects.filter(recipient=district.users[R.HANDLER]).first()
    assert client.post(reverse("notifications:read", args=[first.pk]), {"next": "https://evil.example/"})[
        "Location"
    ] == reverse("notifications:centre")
    assert Notification.objects.filter(read_at__isnull=True).count() == 3
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.get(reverse("notifications:read-all")).status_code == 405


def test_preferences_mute_a_kind_and_ask_for_sms(district, as_user):
    client = as_user(district.users[R.HANDLER])
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert (
        "通知设置" in page and 'data-testid="sms-overdue"' in page and 'data-testid="sms-handoff"' not in page
    )
    form = {
        f"in_app_{k}": "on"
        for k in ("review", "deadline_soon", "overdue", "disclosure", "letters", "job_failed")
    }
    form["sms_overdue"] = "on"
    saved = client.post(reverse("notifications:preferences"), form)
    assert saved.status_code == 302
    prefs = {p.kind: (p.in_app, p.sms) for p in Preference.objects.filter(user=district.users[R.HANDLER])}
    assert prefs["handoff"] == (False, False) and prefs["overdue"] == (True, True)
    assert prefs["escalated"] == (True, False)  # cannot be muted


def test_signed_out_users_are_sent_to_the_login(client):
    response = client.get(reverse("notifications:centre"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


@pytest.fixture
def english(client):
    def switch(c):
        assert c.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
        return c

    return switch


def test_the_centre_in_english(district, as_user, english):
    give(district.users[R.HANDLER], 1)
    give(district.users[R.HANDLER], 1, message="case.escalated_bureau")
    client = english(as_user(district.users[R.HANDLER]))
    page = client.get(reverse("notifications:centre")).content.decode()
    for text in ("Notifications", "Mark all read", "Unread", "Mark read", "Overdue", "handling is overdue"):
        assert text in page, text
    assert "消息通知" not in page and "标为已读" not in page
    prefs = client.get(reverse("notifications:preferences")).content.decode()
    for text in ("Notification settings", "Deadline approaching", "Send SMS", "Save settings"):
        assert text in prefs, text

"""The yearly reminder to renew the frontage letters: from 1 December, once a week, to the bureau's
letter managers, while open merchants have no letter for the coming year."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.merchants import scheduled, services
from chengguan.notifications.models import Notification
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from tests.merchants.conftest import merchant_fields


def on(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 8, 30, tzinfo=SHANGHAI)


def run(moment: dt.datetime) -> dict:
    with pinned(moment):
        return scheduled.renewal_reminder(moment)


@pytest.fixture
def shops(district):
    rng = random.Random(7)
    with pinned(on(3, 1)):
        return [
            services.merchant_create(actor=system_actor(), **merchant_fields(rng, district, i))
            for i in range(3)
        ]


def test_reminders_start_in_december_weekly_until_the_letters_are_made(district, shops):
    assert run(on(11, 30))["reminded"] == 0
    assert run(on(12, 1)) == {"reminded": 1, "year": 2027, "merchants_without_letter": 3}
    assert run(on(12, 2))["reminded"] == 0  # the same week
    told = Notification.objects.filter(message="letters.renewal")
    assert sorted(n.recipient.username for n in told) == ["m_admin", "m_leader", "m_squad_leader"]
    assert "2027 年度" in told.first().text and "3 户" in told.first().text
    assert told.first().url == "/merchants/letters/"
    assert run(on(12, 8))["reminded"] == 1  # a new week, still missing
    with pinned(on(12, 9)):
        services.letters_prepare(actor=system_actor(), merchants=shops, year=2027)
    assert run(on(12, 15)) == {"reminded": 0, "year": 2027, "merchants_without_letter": 0}
    assert not Notification.objects.filter(recipient=district.users[RoleCode.INSPECTOR]).exists()

"""The duty pages in English show no Chinese outside the data (names, places, what people typed, the
shift names a unit gave its pattern): the check of tests/web/test_english_pages.py on pages with data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.core import clock
from chengguan.duty import services
from chengguan.duty.models import Finding, Post, Shift
from tests.duty.conftest import at, pattern
from tests.factories import DEMO_PASSWORD
from tests.web.test_english_pages import data_values, untranslated, visible_text

pytestmark = pytest.mark.django_db


def _english(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=DEMO_PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_duty_pages_in_english(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    shift = roster.shifts.get(date=dt.date(2026, 10, 8))
    a = services.shift_assign(actor=force.system, shift=shift, staff=force.officers[0], post=Post.OFFICER)
    services.change_request(actor=force.officers[0], assignment=a, kind="leave", reason="病假")
    with clock.pinned(at(2026, 10, 8, 8)):
        services.clock_in(actor=force.officers[0], assignment=a)
        patrol = services.patrol_start(actor=force.officers[0])
        services.patrol_upload(
            actor=force.officers[0],
            patrol=patrol,
            key="k",
            points=[
                {"time": at(2026, 10, 8, 8, 1).isoformat(), "lon": 113.62, "lat": 34.7504, "accuracy": 8},
                {"time": at(2026, 10, 8, 8, 2).isoformat(), "lon": 113.621, "lat": 34.7504, "accuracy": 90},
            ],
        )
    f = services.finding_record(
        actor=force.users["force_inspector"],
        unit=force.squad,
        kind="discipline",
        discipline="uniform",
        description="未按规定着装",
        place="人民路",
        observed_at=at(2026, 10, 8, 10),
    )
    services.finding_transition(
        actor=force.users["squad_leader"], finding=f, action="contest", reason="已着装"
    )
    from tests.duty.test_onpost import _street

    _street(force)
    with clock.pinned(at(2026, 9, 28, 8)):
        sep28, oct8 = services.monday_meetings_schedule(
            actor=force.system, bureau=force.bureau, today=dt.date(2026, 9, 28)
        )
        services.action_item_add(
            actor=force.system, meeting=sep28, title="整治夜市", unit=force.squad, due_on=dt.date(2026, 9, 30)
        )
    with clock.pinned(at(2026, 10, 8, 7)):
        notice = services.notice_issue(
            actor=force.users["leader"],
            bureau=force.bureau,
            kind="media",
            level="major",
            title="媒体曝光占道经营",
            body="请核查处置",
            people=[force.officers[0]],
            units=[force.squad],
            response_required=True,
        )
    with clock.pinned(at(2026, 10, 8, 10)):
        services.log_add(actor=force.system, shift=shift, kind="call", text="市民来电")
    with clock.pinned(at(2026, 10, 9, 7, 50)):
        services.handover_give(actor=force.system, shift=shift, notes="夜间平稳", open_matters="待回访")
    data = [
        *data_values(),
        "市民来电",
        "夜间平稳",
        "待回访",
        "媒体曝光占道经营",
        "请核查处置",
        *Shift.objects.values_list("name", flat=True).distinct(),
        "病假",
        "未按规定着装",
        "人民路",
        "已着装",
        "整治夜市",
        "周一例会",
        "上周工作情况通报",
        "本周重点工作安排",
        "局三楼会议室",
        *(p for p in (force.squad.name, force.other_squad.name, force.bureau.name)),
    ]
    data += [f"队员{i}" for i in range(4)]
    data.sort(key=len, reverse=True)
    pages = [
        (force.users["squad_leader"], reverse("duty:roster") + f"?unit={force.squad.pk}&week=2026-10-05"),
        (force.officers[0], reverse("duty:mine")),
        (force.users["force_inspector"], reverse("duty:findings")),
        (force.users["admin"], reverse("duty:streets") + "?date_from=2026-10-08"),
        (force.users["admin"], reverse("duty:meetings")),
        (force.users["squad_leader"], reverse("duty:meetings")),
        (force.users["admin"], reverse("duty:meeting", args=[oct8.pk])),
        (force.users["squad_leader"], reverse("duty:meeting", args=[sep28.pk])),
        (force.users["leader"], reverse("duty:notices")),
        (force.officers[0], reverse("duty:notices")),
        (force.users["leader"], reverse("duty:notice", args=[notice.pk])),
        (force.officers[0], reverse("duty:notice", args=[notice.pk])),
        (force.officers[0], reverse("duty:log", args=[shift.pk])),
        (force.users["squad_leader"], reverse("duty:log", args=[shift.pk + 1])),
        (force.users["force_inspector"], reverse("duty:finding-new")),
        (force.users["squad_leader"], reverse("duty:patrols")),
        (force.users["squad_leader"], reverse("duty:patrol", args=[patrol.pk])),
        (force.users["leader"], reverse("duty:finding", args=[Finding.objects.get().pk])),
        (force.users["squad_leader"], reverse("duty:finding", args=[Finding.objects.get().pk])),
    ]
    problems = {}
    with clock.pinned(at(2026, 10, 8, 7, 50)):
        for user, url in pages:
            response = _english(user).get(url)
            assert response.status_code == 200, url
            lines = untranslated(visible_text(response.content.decode()), data)
            if lines:
                problems[url] = lines
    assert not problems, problems

"""The campaign pages in English show no Chinese outside the data (names, places, what people
typed): the check of tests/web/test_english_pages.py on pages with data."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from chengguan.campaigns import services
from chengguan.campaigns.models import CampaignGoal, CampaignKind, CampaignPartner, Participant
from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from tests.campaigns.conftest import started
from tests.cases import conftest as case_fixtures
from tests.factories import DEMO_PASSWORD
from tests.web.test_english_pages import data_values, untranslated, visible_text

AT = case_fixtures.QUIET_MOMENT


def _english(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=DEMO_PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_campaign_pages_in_english(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    w, d = world, world.d
    with clock.pinned(AT):
        campaign = started(w)
        phase = services.task_add(
            actor=w.users[R.SQUAD_LEADER], campaign=campaign, kind="phase", title="集中整治"
        )
        task = services.task_add(
            actor=w.users[R.SQUAD_LEADER],
            campaign=campaign,
            kind="task",
            title="清理摊点",
            parent=phase,
            assignee=w.police,
            due_on=dt.date(2026, 9, 14),
        )
        services.task_report(actor=w.police_contact, task=task, text="清理 5 处", figure=5)
        op = services.operation_record(
            actor=w.users[R.SQUAD_LEADER],
            campaign=campaign,
            kind="inspection",
            starts_at=dt.datetime(2026, 9, 15, 9, tzinfo=clock.SHANGHAI),
            ends_at=dt.datetime(2026, 9, 15, 10, tzinfo=clock.SHANGHAI),
            place="建设路夜市",
            participants=[{"name": "李四", "department": w.police, "cert_no": "J1"}],
            findings="占道 3 处",
            lon=d.point(0)[0],
            lat=d.point(0)[1],
        )
        services.operation_file_problem(
            actor=d.users[R.INSPECTOR],
            operation=op,
            source="patrol",
            category=d.hours_category,
            description="夜市摊点占道",
            lon=d.point(0)[0],
            lat=d.point(0)[1],
        )
        data = [
            *data_values(),
            campaign.name,
            phase.title,
            task.title,
            "清理 5 处",
            "建设路夜市",
            "占道 3 处",
            "夜市摊点占道",
            *CampaignKind.objects.values_list("name", flat=True),
            *CampaignGoal.objects.values_list("name", flat=True),
            *CampaignPartner.objects.values_list("contact_name", flat=True),
            *Participant.objects.values_list("name", flat=True),
        ]
        data.sort(key=len, reverse=True)
        pages = [
            (w.users[R.SQUAD_LEADER], reverse("campaigns:campaigns")),
            (w.users[R.SQUAD_LEADER], reverse("campaigns:detail", args=[campaign.pk])),
            (w.users[R.SQUAD_LEADER], reverse("campaigns:new")),
            (w.users[R.SQUAD_LEADER], reverse("campaigns:edit", args=[campaign.pk])),
            (w.users[R.SQUAD_LEADER], reverse("campaigns:operation", args=[op.pk])),
            (w.users[R.SQUAD_LEADER], reverse("campaigns:operation-add", args=[campaign.pk])),
            (w.police_contact, reverse("campaigns:campaign-tasks")),
            (w.police_contact, reverse("campaigns:task", args=[task.pk])),
            (w.users[R.HANDLER], reverse("campaigns:campaign-tasks")),
        ]
        problems = {}
        for user, url in pages:
            response = _english(user).get(url)
            assert response.status_code == 200, url
            lines = untranslated(visible_text(response.content.decode()), data)
            if lines:
                problems[url] = lines
    assert not problems, problems

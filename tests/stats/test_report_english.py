"""The report and appeal pages in English show no Chinese outside the data (names of units, what
people typed): the check of tests/web/test_english_pages.py on pages with data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.core.clock import pinned
from chengguan.org.roles import RoleCode as R
from chengguan.stats import appeals, reports
from tests.stats.evaluation import NOW, september
from tests.web.test_english_pages import data_values, untranslated, visible_text

pytestmark = pytest.mark.django_db


def _english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_report_and_appeal_pages_in_english(district):
    cases = september(district)
    with pinned(NOW):
        report = reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026-09")
        reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026")
        newest = reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026-09")
        appeal = appeals.file(
            actor=district.users[R.SQUAD_LEADER],
            report=newest,
            case_id=cases["holiday_late"].pk,
            reason="节后封路",
        )
        appeals.decide(actor=district.users[R.LEADER], appeal=appeal, action="approve", note="属实")
    data = [*data_values(), "节后封路", "属实"]  # what the unit and the evaluator typed
    cases_url = f"/stats/reports/{newest.pk}/cases/?level=unit&group={district.squad.pk}&key=filed"
    pages = {
        R.LEADER: [
            "/stats/reports/",
            f"/stats/reports/{report.pk}/",
            f"/stats/reports/{newest.pk + 1}/",
            f"/stats/reports/{report.pk}/summary/",
            "/stats/reports/annual/2026/",
            cases_url,
            "/stats/appeals/?state=all",
            f"/stats/appeals/{appeal.pk}/",
        ],
        R.SQUAD_LEADER: [
            cases_url.replace(str(newest.pk), str(newest.pk + 1)),
            f"/stats/reports/{newest.pk + 1}/cases/{cases['holiday_on_time'].pk}/appeal/",
            "/stats/appeals/",
            f"/stats/appeals/{appeal.pk}/",
        ],
    }
    problems = []
    for role, urls in pages.items():
        client = _english(district.users[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            problems += [
                f"{role} {url}: {line}"
                for line in untranslated(visible_text(response.content.decode()), data)
            ]
    assert not problems, "\n".join(problems)

"""Pages name the steps they list, never by their audit codes (issue 19 item 18)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.core import clock
from chengguan.core.models import Job, JobStatus
from chengguan.merchants.jobs import IMPORT_KIND, LETTERS_KIND
from chengguan.org.roles import RoleCode as R
from chengguan.portal import services


def _client(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


@pytest.mark.parametrize(
    "language,label", [("zh-hans", "公众网上举报"), ("en", "Reported on the public portal")]
)
def test_the_case_timeline_names_a_portal_report(district, language, label):
    case = services.public_report_submit(
        public_category="garbage", description="垃圾桶满了", address="建设路1号"
    )
    page = _client(district.users[R.OPERATOR], language).get(
        reverse("cases:detail", args=[case.report.case.number])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "portal.report" not in html
    assert label in html


RAW = ("merchants.import", "merchants.letters", "total", "created", "bad_count", "prepared", "issued")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_job_pages_label_their_kind_and_figures(district, language):
    admin = district.users[R.ADMIN]
    results = {
        IMPORT_KIND: {"total": 3, "created": 2, "updated": 0, "unchanged": 0, "bad_count": 1, "bad": []},
        LETTERS_KIND: {"letters": 2, "prepared": 0, "issued": 2, "format": "pdf", "year": 2026},
    }
    client = _client(admin, language)
    for kind, result in results.items():
        job = Job.objects.create(
            kind=kind,
            created_by=admin,
            params={},
            status=JobStatus.DONE,
            total=3,
            done=3,
            result=result,
            created_at=clock.now(),
        )
        html = client.get(reverse("merchants:job", args=[job.pk])).content.decode()
        body = html[html.index("<main") :]
        assert not [code for code in RAW if f">{code}<" in body or f"{code} ·" in body], kind

"""A nomination's record carries the 督察 findings against the nominee (duty) and their evaluation
score (stats) over the programme's period, as the evaluation page shows it, frozen when the
nomination is made; the page (Chinese and English) and the API show both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.duty.services import finding_record, finding_transition
from chengguan.org.roles import RoleCode as R
from chengguan.people import services
from chengguan.stats import selectors as stats_selectors
from tests.factories import DEMO_PASSWORD
from tests.stats.evaluation import MON, NOW, SEP, september

pytestmark = pytest.mark.django_db


def _finding(district, *, when=MON, person=None, unit=None, **kw):
    with pinned(when):
        return finding_record(
            actor=district.users[R.FORCE_INSPECTOR],
            unit=unit or district.centre,
            person=person,
            kind="discipline",
            discipline="uniform",
            description="未按规定着装",
            place="建设路",
            observed_at=when,
            **kw,
        )


def _programme(district, level="person", name="文明执法标兵"):
    return services.programme_create(
        actor=district.users[R.PERSONNEL],
        bureau=district.bureau,
        name=name,
        level=level,
        period_start=SEP[0],
        period_end=SEP[1],
        quota=2,
    )


def _evaluated(district, level: str, key: str) -> dict:
    """The row the evaluation page (stats) shows for `key` at `level` over September."""
    with pinned(NOW):
        result = stats_selectors.evaluation(
            district.users[R.LEADER], first=SEP[0], last=SEP[1], level=level, scored=True
        )
    return next(s for s in result["rows"] if s.row.key == key)


def test_a_person_s_record_carries_the_findings_and_the_score_frozen_at_nomination(district):
    september(district)
    inspector = district.users[R.INSPECTOR]
    _finding(district, person=inspector)
    _finding(district, person=inspector, when=dt.datetime(2026, 10, 2, 9, tzinfo=SHANGHAI))  # after
    _finding(district, person=district.users["other_inspector"])  # someone else's
    programme = _programme(district)
    with pinned(NOW):
        n = services.nomination_submit(
            actor=district.users[R.LEADER], programme=programme, nominee=inspector, reason="巡查发现问题多"
        )
    assert [(f["on"], f["kind"], f["kind_label"], f["discipline"]) for f in n.record["findings"]] == [
        ("2026-09-14", "discipline", "风纪问题", "着装不规范")
    ]
    scores = n.record["scores"]
    shown = _evaluated(district, "staff", inspector.username)
    assert (scores["score"], scores["rank"], scores["deducted"]) == (shown.score, shown.rank, shown.deducted)
    assert scores["deducted"] > 0  # the one discipline finding of September
    assert (scores["first"], scores["last"], scores["level"]) == ("2026-09-01", "2026-09-30", "staff")

    # Frozen: a finding entered afterwards for the same period does not change the nomination.
    _finding(district, person=inspector, when=MON + dt.timedelta(days=1))
    n.refresh_from_db()
    assert len(n.record["findings"]) == 1 and n.record["scores"] == scores

    c = Client()
    assert c.login(username=district.users[R.PERSONNEL].username, password=DEMO_PASSWORD)
    page = c.get(reverse("people:nomination", args=[n.pk])).content.decode()
    assert "风纪问题" in page and "着装不规范" in page and str(scores["score"]) in page
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = c.get(reverse("people:nomination", args=[n.pk])).content.decode()
    assert "Evaluation" in page and "督察问题" not in page
    body = c.get(f"/api/v1/people/nominations/{n.pk}/").json()
    assert body["record"]["findings"][0]["kind"] == "discipline"
    assert body["record"]["scores"]["score"] == scores["score"]


def test_a_unit_s_record_counts_the_findings_of_the_units_below_and_its_unit_score(district):
    september(district)
    _finding(district, unit=district.squad)
    revoked = _finding(district, unit=district.squad, when=MON + dt.timedelta(hours=1))
    _finding(district, unit=district.department)  # another unit
    with pinned(MON + dt.timedelta(hours=2)):
        finding_transition(actor=district.users[R.SQUAD_LEADER], finding=revoked, action="contest",
                           reason="当日着装已按规定更换")  # fmt: skip
        finding_transition(actor=district.users[R.LEADER], finding=revoked, action="revoke", note="申诉成立")
    programme = _programme(district, level="unit", name="十佳中队")
    with pinned(NOW):
        n = services.nomination_submit(
            actor=district.users[R.LEADER],
            programme=programme,
            nominee_unit=district.squad,
            reason="管理有序",
        )
    assert [f["unit"] for f in n.record["findings"]] == [district.squad.name]  # the revoked one left out
    shown = _evaluated(district, "unit", district.squad.code or str(district.squad.pk))
    assert n.record["scores"]["level"] == "unit"
    assert (n.record["scores"]["score"], n.record["scores"]["rank"]) == (shown.score, shown.rank)
    assert {i["key"] for i in n.record["scores"]["indicators"]} == set(shown.row.values)


def test_a_nominee_nothing_of_the_period_reaches_has_no_score_and_no_findings(district):
    programme = _programme(district)
    with pinned(NOW):
        n = services.nomination_submit(
            actor=district.users[R.LEADER],
            programme=programme,
            nominee=district.users[R.HANDLER],
            reason="热情服务",
        )
    assert n.record["findings"] == []
    assert n.record["scores"]["score"] is None and n.record["scores"]["indicators"] == []


def test_an_officer_s_page_lists_the_findings_against_them_this_year(district):
    inspector = district.users[R.INSPECTOR]
    _finding(district, person=inspector)
    _finding(district, person=district.users["other_inspector"])  # someone else's
    c = Client()
    assert c.login(username=district.users[R.PERSONNEL].username, password=DEMO_PASSWORD)
    with pinned(NOW):
        page = c.get(reverse("people:staff", args=[inspector.profile.pk])).content.decode()
        other = c.get(reverse("people:staff", args=[district.users[R.LEADER].profile.pk])).content.decode()
    assert page.count("未按规定着装") == 1 and "着装不规范" in page
    assert "本年无督察问题" in other

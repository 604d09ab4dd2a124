"""A year of demo cases played through the case services: what a user of the demo would notice."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from chengguan.cases import selectors
from chengguan.cases.models import Case, CaseDelay, CaseEvidence, Supervision
from chengguan.cases.states import CaseState
from chengguan.core.audit import verify_chain
from chengguan.core.clock import SHANGHAI
from chengguan.core.models import AuditEvent
from chengguan.demo.case_plan import MERCHANT_CATEGORIES
from chengguan.demo.cases_year import generate_case_year
from chengguan.demo.generator import DEMO_PASSWORD, build_demo
from chengguan.merchants.models import MerchantCase
from chengguan.org.models import Role
from chengguan.org.roles import RoleCode

# A Wednesday afternoon: the year runs from 2025-11-25 15:00 to here.
END = dt.datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
COUNT = 240
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STREET_ORDER = {"200504", "200501", "200507", "200102", "200201"}


def _year(count: int, **kwargs):
    return generate_case_year(seed=1, size="small", count=count, end=END, **kwargs)


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    """One demo year for the whole module, built inside a transaction that is rolled back at the end
    (each test runs in a savepoint inside it, as in Django's TestCase.setUpTestData)."""
    outer = transaction.atomic()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        outer.__enter__()
        try:
            for code, name in RoleCode.choices:
                Role.objects.get_or_create(code=code, defaults={"name": name})
            build_demo(seed=1, size="small", password=DEMO_PASSWORD, merchants=200)
            summary = _year(COUNT)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def test_the_year_spreads_cases_like_a_district_bureau_sees_them(year, db):
    cases = Case.objects.all()
    assert year.cases == cases.count() == COUNT
    first, last = cases.order_by("reported_at").first(), cases.order_by("reported_at").last()
    assert first.reported_at >= END - dt.timedelta(days=366)
    assert last.reported_at < END
    sources = Counter(cases.values_list("source", flat=True))
    assert sources.most_common(1)[0][0] == "patrol"
    assert 0.4 < sources["patrol"] / COUNT < 0.7
    assert sources["hotline"] > sources["video"]
    categories = Counter(cases.values_list("category__code", flat=True))
    assert sum(categories[c] for c in STREET_ORDER) > COUNT * 0.35
    assert sum(n for code, n in categories.items() if code.startswith("10")) < COUNT * 0.25
    by_grid = Counter(cases.values_list("grid_id", flat=True))
    assert max(by_grid.values()) >= 3 * (COUNT / len(by_grid))  # hot spots


def test_every_state_is_present_and_closed_cases_follow_721(year, db):
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(CaseState.values)
    dispositions = Counter(Case.objects.filter(state=CaseState.CLOSED).values_list("disposition", flat=True))
    total = sum(dispositions.values())
    assert "" not in dispositions
    assert 0.6 < dispositions["service"] / total < 0.8
    assert 0.12 < dispositions["management"] / total < 0.28
    assert 0.04 < dispositions["enforcement"] / total < 0.16
    closed = Case.objects.filter(state=CaseState.CLOSED)
    assert closed.filter(rework_count__gt=0).exists()
    assert closed.filter(return_count__gt=0).exists()
    assert closed.filter(handled_late=True).exists()
    assert closed.filter(evaluation_score__isnull=False).exists()
    assert CaseDelay.objects.exists()
    assert Supervision.objects.filter(replied_at__isnull=False).exists()
    assert Case.objects.filter(merged_into__isnull=False).exists()
    evidence = CaseEvidence.objects.filter(case__state=CaseState.CLOSED)
    assert set(evidence.values_list("stage", flat=True)) == {"report", "handle", "verify"}
    # Inspectors always photograph what they report, so the portal can show before and after.
    patrol = closed.filter(source="patrol")
    assert patrol.exists() and not patrol.exclude(evidence__stage="report").exists()


def test_the_workbench_has_overdue_and_warning_cases_at_the_end(year, db):
    open_cases = Case.objects.exclude(state__in=[CaseState.CLOSED, CaseState.NOT_FILED])
    assert selectors.with_urgency(open_cases, "overdue", now=END).exists()
    assert selectors.with_urgency(open_cases, "warning", now=END).exists()
    assert selectors.with_urgency(open_cases, "normal", now=END).exists()


def test_the_audit_trail_is_exactly_what_the_services_wrote(year, db):
    assert verify_chain().ok
    events = AuditEvent.objects.filter(object_type="cases.case")
    assert events.count() == year.steps == year.events
    per_case = dict(events.filter(action="case.report").values_list("object_id").annotate(n=Count("id")))
    assert len(per_case) == Case.objects.count() and set(per_case.values()) == {1}
    closed = {str(pk) for pk in Case.objects.filter(state=CaseState.CLOSED).values_list("pk", flat=True)}
    assert set(events.filter(action="case.close").values_list("object_id", flat=True)) == closed
    # Each case's timeline runs forward in time and ends in the state the case is in.
    case = Case.objects.filter(state=CaseState.CLOSED, rework_count__gt=0).first()
    timeline = list(selectors.timeline(case))
    assert [e.created_at for e in timeline] == sorted(e.created_at for e in timeline)
    assert [e.action for e in timeline].count("case.rework") == case.rework_count
    assert timeline[-1].action in ("case.close", "case.evaluate")


def test_street_front_cases_name_a_shop_of_their_grid(year, db):
    links = MerchantCase.objects.select_related("merchant", "case__category")
    assert links.exists()
    for link in links:
        assert link.merchant.grid_id == link.case.grid_id
        assert link.case.category.code in MERCHANT_CATEGORIES
        assert link.linked_at >= link.case.filed_at
    linked = {str(m) for m in links.values_list("merchant_id", flat=True)}
    events = AuditEvent.objects.filter(action="merchant.link_case")
    assert events.count() == links.count()
    assert set(events.values_list("object_id", flat=True)) == linked
    # Most shop-front cases whose grid has a shop are linked.
    shopfront = Case.objects.filter(category__code="200504", grid__merchants__isnull=False).distinct()
    assert links.filter(case__category__code="200504").count() > 0.7 * shopfront.count()


def test_the_demo_merchant_login_owns_a_shop_named_on_cases(year, db):
    """`make demo` links the merchant login to the shop named on most cases (issue 19 item 11)."""
    from chengguan.demo.merchants import link_demo_merchant_account
    from chengguan.merchants.models import Merchant
    from chengguan.merchants.selectors import shops_of_account

    shop = link_demo_merchant_account(Merchant.objects.first().bureau)  # as build_demo does last
    assert shop.account.username == "merchant"
    own = {s.merchant: s for s in shops_of_account(shop.account)}[shop]
    assert own.cases and own.letters

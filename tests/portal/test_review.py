"""回访复核: every "不满意" rating lands on the leaders' review list, where it is sent back to the unit
(the case's `reopen` transition) or answered with an explanation, each with an audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.states import CaseState
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.portal import selectors, services
from chengguan.portal.models import CallbackReview
from tests.cases import flow
from tests.cases.conftest import QUIET_MOMENT


@pytest.fixture(autouse=True)
def _quiet_time():
    with pinned(QUIET_MOMENT):
        yield


def rated(district, rating: str = "dissatisfied", comment: str = "摊贩第二天又回来了"):
    """A citizen's portal report, closed, and rated on the portal."""
    lon, lat = district.point(0)
    submitted = services.public_report_submit(
        public_category="garbage", description="路口垃圾堆了三天", lon=lon, lat=lat
    )
    flow.drive(district, CaseState.CLOSED, case=submitted.report.case)
    return services.public_rating_submit(report=submitted.report, rating=rating, comment=comment)


def test_only_dissatisfied_ratings_wait_for_review_phone_callbacks_included(district):
    unhappy = rated(district)
    rated(district, rating="satisfied")
    by_phone = flow.drive(district, CaseState.CLOSED, source=CaseSource.HOTLINE, role=R.OPERATOR)
    phone_cb = services.callback_record(
        actor=district.users[R.OPERATOR], case=by_phone, rating="dissatisfied"
    )
    assert list(selectors.reviews_pending(district.users[R.LEADER])) == [unhappy, phone_cb]


def test_a_leader_reopens_the_case_through_the_review(district):
    callback = rated(district)
    events = AuditEvent.objects.count()
    review = services.callback_review_decide(
        actor=district.users[R.LEADER],
        callback=callback,
        decision="reopen",
        note="市民反映摊贩复出，请再次处置",
    )
    case = Case.objects.get(pk=callback.case_id)
    assert case.state == CaseState.DISPATCHED and case.handling_unit == district.squad
    assert case.reason == "市民反映摊贩复出，请再次处置"
    actions = list(AuditEvent.objects.order_by("-id").values_list("action", flat=True)[:2])
    assert actions == ["callback.review", "case.reopen"] and AuditEvent.objects.count() == events + 2
    assert review.decided_by == district.users[R.LEADER]
    assert list(selectors.reviews_pending(district.users[R.LEADER])) == []


def test_a_shift_leader_records_an_explanation_and_the_case_stays_closed(district):
    callback = rated(district)
    services.callback_review_decide(
        actor=district.users[R.SHIFT_LEADER],
        callback=callback,
        decision="explain",
        note="已电话解释：属商户合法外摆区域",
    )
    assert Case.objects.get(pk=callback.case_id).state == CaseState.CLOSED
    assert AuditEvent.objects.order_by("-id").first().action == "callback.review"


@pytest.mark.parametrize("role", [R.OPERATOR, R.DISPATCHER, R.HANDLER, R.INSPECTOR, R.CITIZEN])
def test_other_roles_may_not_decide_and_nothing_changes(district, role):
    callback = rated(district)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.callback_review_decide(
            actor=district.users[role], callback=callback, decision="reopen", note="x"
        )
    assert CallbackReview.objects.count() == 0 and AuditEvent.objects.count() == events
    assert Case.objects.get(pk=callback.case_id).state == CaseState.CLOSED


def test_a_review_needs_a_note_and_happens_once(district):
    callback = rated(district)
    leader = district.users[R.LEADER]
    with pytest.raises(ValidationFailed) as caught:
        services.callback_review_decide(actor=leader, callback=callback, decision="explain", note="  ")
    assert "note" in caught.value.fields
    services.callback_review_decide(actor=leader, callback=callback, decision="explain", note="已解释")
    with pytest.raises(Conflict):
        services.callback_review_decide(actor=leader, callback=callback, decision="reopen", note="再议")
    assert CallbackReview.objects.count() == 1


def test_the_review_page_lists_and_decides(client, district):
    callback = rated(district)
    number = callback.case.number
    client.force_login(district.users[R.LEADER])
    page = client.get(reverse("portal:review")).content.decode()
    assert f'data-testid="review-{number}"' in page and "摊贩第二天又回来了" in page
    response = client.post(
        reverse("portal:review-decide", args=[callback.pk]), {"decision": "reopen", "note": "请再次处置"}
    )
    assert response.status_code == 302
    page = client.get(reverse("portal:review")).content.decode()
    assert f'data-testid="review-{number}"' not in page and f'data-testid="done-{number}"' in page
    assert "已重新交办" in page
    assert Case.objects.get(pk=callback.case_id).state == CaseState.DISPATCHED
    # The decision names the leader, not their login (issue 19 item 19).
    done = page[page.index(f'data-testid="done-{number}"') :].split("</tr>")[0]
    leader = district.users[R.LEADER]
    assert leader.profile.full_name in done and f">{leader.username}<" not in done


def test_the_review_page_is_for_leaders_only(client, district):
    rated(district)
    client.force_login(district.users[R.HANDLER])
    assert client.get(reverse("portal:review")).status_code == 403
    client.force_login(district.users[R.CITIZEN])
    assert client.get(reverse("portal:review")).status_code == 403
    client.logout()
    assert client.get(reverse("portal:review")).status_code == 302


def test_the_demo_has_answered_every_complaint_older_than_a_week(district):
    """The demo's leaders have reviewed old 不满意 ratings; last week's still wait on the list."""
    from chengguan.demo.feedback import seed_feedback

    old = rated(district)
    with pinned(QUIET_MOMENT + dt.timedelta(days=6)):
        recent = rated(district)
    with pinned(QUIET_MOMENT + dt.timedelta(days=10)):
        seed_feedback(seed=1)
        pending = list(selectors.reviews_pending(district.users[R.LEADER]))
    review = CallbackReview.objects.get(callback=old)
    assert review.decision == "explain" and review.decided_by == district.users[R.LEADER]
    assert 9 <= review.decided_at.astimezone(SHANGHAI).hour < 20
    assert pending == [recent]
    assert AuditEvent.objects.filter(action="callback.review").count() == 1

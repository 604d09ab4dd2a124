"""The workbench pages: who may open them, that every form goes through the services (state and audit
change), that a refused action shows the Chinese reason and changes nothing, countdown colours at
pinned times, and that list pages cost the same number of queries for 5 or 50 cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chengguan.cases.models import Case, CaseDelay, CaseEvidence, CaseExtension, Supervision
from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_upload
from tests.factories import DEMO_PASSWORD


@pytest.fixture
def as_user(client):
    """The test client signed in as one of the district's users."""

    def _as(user):
        client.logout()
        assert client.login(username=user.username, password=DEMO_PASSWORD)
        return client

    return _as


def audit_count(case: Case) -> int:
    return AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).count()


def detail_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def act_url(case: Case, action: str) -> str:
    return reverse("cases:act", args=[case.number, action])


# -- who may open what -----------------------------------------------------------------------------

PAGES = [
    ("cases:inbox", R.INSPECTOR, 200),
    ("cases:inbox", R.HANDLER, 200),
    ("cases:inbox", R.CITIZEN, 403),
    ("cases:report", R.INSPECTOR, 200),
    ("cases:report", R.OPERATOR, 200),
    ("cases:report", R.HANDLER, 403),
    ("cases:report", R.DEPUTY, 403),
    ("cases:list", R.OPERATOR, 200),
    ("cases:list", R.MERCHANT, 403),
    ("cases:dispatch", R.DISPATCHER, 200),
    ("cases:dispatch", R.SHIFT_LEADER, 200),
    ("cases:dispatch", R.HANDLER, 403),
    ("cases:dispatch", R.INSPECTOR, 403),
    ("cases:map", R.LEADER, 200),
    ("cases:map", R.CITIZEN, 403),
    ("cases:supervision", R.LEADER, 200),
    ("cases:supervision", R.HANDLER, 200),
    ("cases:supervision", R.INSPECTOR, 403),
]


@pytest.mark.parametrize(("name", "role", "status"), PAGES)
def test_pages_open_for_the_right_roles_only(district, as_user, name, role, status):
    with pinned(QUIET_MOMENT):
        report(district)
        response = as_user(district.users[role]).get(reverse(name))
    assert response.status_code == status


def test_anonymous_visitors_are_sent_to_the_login_page(district, client):
    response = client.get(reverse("cases:inbox"))
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


def test_a_case_outside_my_scope_is_not_found(district, as_user):
    with pinned(QUIET_MOMENT):
        case = report(district)
        response = as_user(district.users["other_handler"]).get(detail_url(case))
    assert response.status_code == 404


# -- report ----------------------------------------------------------------------------------------


def _report_form(client) -> dict:
    page = client.get(reverse("cases:report"))
    return {"key": page.context["form"].initial["idempotency_key"], "page": page}


def test_inspector_reports_a_case_with_photo_and_pin_and_lands_on_it(district, as_user):
    client = as_user(district.users[R.INSPECTOR])
    lon, lat = district.point(1)
    with pinned(QUIET_MOMENT):
        form = _report_form(client)
        sources = [value for value, _ in form["page"].context["form"].fields["source"].choices]
        assert sources == ["patrol", "video"]  # an inspector never takes hotline calls
        data = {
            "source": "patrol",
            "category": district.days_category.code,
            "description": "路口暴露垃圾约两立方米",
            "lon": lon,
            "lat": lat,
            "idempotency_key": form["key"],
            "photos": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")],
        }
        response = client.post(reverse("cases:report"), data)
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == detail_url(case)
        # A double submit of the same rendered form reports nothing new.
        again = client.post(reverse("cases:report"), {**data, "photos": [jpeg_upload()]})
    assert again["Location"] == detail_url(case)
    assert Case.objects.count() == 1
    assert case.grid == district.grids[1]
    assert case.evidence.filter(stage="report").count() == 2
    assert AuditEvent.objects.filter(action="case.report").count() == 1


def test_report_errors_come_back_in_chinese_and_nothing_is_stored(district, as_user):
    client = as_user(district.users[R.OPERATOR])
    with pinned(QUIET_MOMENT):
        form = _report_form(client)
        response = client.post(
            reverse("cases:report"),
            {
                "source": "hotline",
                "category": district.hours_category.code,
                "description": "占道经营",
                "lon": 100.0,  # far outside the district
                "lat": 30.0,
                "reporter_phone": "12345",
                "idempotency_key": form["key"],
            },
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "电话号码格式不正确" in html
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_report_outside_the_district_names_the_location(district, as_user):
    client = as_user(district.users[R.INSPECTOR])
    with pinned(QUIET_MOMENT):
        form = _report_form(client)
        response = client.post(
            reverse("cases:report"),
            {
                "source": "patrol",
                "category": district.hours_category.code,
                "description": "占道经营",
                "lon": 100.0,
                "lat": 30.0,
                "idempotency_key": form["key"],
            },
        )
    assert response.status_code == 400
    assert "该位置不在本辖区范围内" in response.content.decode()
    assert not Case.objects.exists()


# -- detail and actions ----------------------------------------------------------------------------


def test_detail_offers_only_the_actions_the_service_allows(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.FILED)
        dispatcher_page = as_user(district.users[R.DISPATCHER]).get(detail_url(case))
        operator_page = as_user(district.users[R.OPERATOR]).get(detail_url(case))
    offered = [a["action"] for a in dispatcher_page.context["action_forms"]]
    assert offered == ["dispatch"]
    dispatch_form = dispatcher_page.context["action_forms"][0]["form"]
    assert dispatch_form.initial["unit"] == district.squad.pk  # the routing proposal, pre-selected
    assert 'data-testid="action-dispatch"' in dispatcher_page.content.decode()
    assert 'data-testid="action-dispatch"' not in operator_page.content.decode()
    assert operator_page.context["action_forms"] == []


def test_detail_masks_the_reporter_phone_and_shows_the_timeline(district, as_user):
    with pinned(QUIET_MOMENT):
        case = report(district, role=R.OPERATOR, reporter_name="王大明", reporter_phone="13812345678")
        case_transition(actor=district.users[R.OPERATOR], case=case, action="file")
        html = as_user(district.users[R.LEADER]).get(detail_url(case)).content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html
    timeline = html[html.index('data-testid="timeline"') :]
    assert "上报" in timeline and "立案" in timeline


def _post_action(client, case, action, data=None, files=None):
    payload = {f"{action}-{k}": v for k, v in (data or {}).items()}
    payload.update({f"{action}-{k}": v for k, v in (files or {}).items()})
    return client.post(act_url(case, action), payload)


def test_the_whole_loop_through_the_forms_changes_state_and_writes_the_audit(district, as_user):
    u = district.users
    lon, lat = district.point(0)
    with pinned(QUIET_MOMENT):
        case = report(district)
        steps = [
            (u[R.OPERATOR], "file", {}, {}, CaseState.FILED),
            (u[R.DISPATCHER], "dispatch", {"unit": district.squad.pk}, {}, CaseState.DISPATCHED),
            (u[R.HANDLER], "accept", {}, {}, CaseState.IN_HANDLING),
            (u[R.HANDLER], "handle", {"result": "已清理完毕"}, {"photos": jpeg_upload()}, CaseState.HANDLED),
            (
                u[R.INSPECTOR],
                "verify",
                {"photo_lon": lon, "photo_lat": lat},
                {"photo": jpeg_upload()},
                CaseState.VERIFIED,
            ),
            (u[R.OPERATOR], "close", {"disposition": "service"}, {}, CaseState.CLOSED),
        ]
        for user, action, data, files, state in steps:
            before = audit_count(case)
            response = _post_action(as_user(user), case, action, data, files)
            assert response.status_code == 302, (action, response.content.decode()[:2000])
            case.refresh_from_db()
            assert case.state == state
            assert audit_count(case) == before + 1
    assert case.handling_unit == district.squad
    assert case.disposition == "service"
    assert case.evidence.filter(stage="handle").count() == 1
    assert case.evidence.filter(stage="verify").count() == 1
    follow = as_user(u[R.OPERATOR]).get(detail_url(case))
    assert "服务" in follow.content.decode()


def test_a_forbidden_action_shows_the_chinese_reason_and_changes_nothing(district, as_user):
    with pinned(QUIET_MOMENT):
        case = report(district)
        before = audit_count(case)
        response = _post_action(as_user(district.users[R.HANDLER]), case, "file")
    assert response.status_code == 403
    assert "您的角色不能执行「立案」" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED
    assert audit_count(case) == before


def test_an_action_in_the_wrong_state_answers_409_and_changes_nothing(district, as_user):
    with pinned(QUIET_MOMENT):
        case = report(district)
        before = audit_count(case)
        response = _post_action(
            as_user(district.users[R.OPERATOR]), case, "close", {"disposition": "service"}
        )
    assert response.status_code == 409
    assert "不能执行「结案」" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED and audit_count(case) == before


def test_missing_fields_are_marked_next_to_the_field(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        before = audit_count(case)
        response = _post_action(as_user(district.users[R.HANDLER]), case, "handle", {"result": "已处理"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-photos"' in html and "请上传处置后照片" in html
    case.refresh_from_db()
    assert case.state == CaseState.IN_HANDLING and audit_count(case) == before


def test_a_late_action_asks_for_the_delay_reason_and_keeps_it(district, as_user):
    with pinned(QUIET_MOMENT):
        case = report(district)
    late = QUIET_MOMENT + dt.timedelta(hours=3)  # the one working hour for filing is long gone
    client = as_user(district.users[R.OPERATOR])
    with pinned(late):
        page = client.get(detail_url(case))
        assert "超时原因" in page.content.decode()
        refused = _post_action(client, case, "file")
        assert refused.status_code == 400
        assert Case.objects.get(pk=case.pk).state == CaseState.REPORTED
        done = _post_action(client, case, "file", {"delay_reason": "系统升级，受理延误"})
    assert done.status_code == 302
    delay = CaseDelay.objects.get(case=case)
    assert delay.reason == "系统升级，受理延误" and delay.stage == CaseState.REPORTED


def test_verification_flags_show_as_warnings(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.HANDLED)
        far_lon = case.lon + 0.01  # about 900 m east
        _post_action(
            as_user(district.users[R.INSPECTOR]),
            case,
            "verify",
            {"photo_lon": far_lon, "photo_lat": case.lat},
            {"photo": jpeg_upload()},
        )
        html = as_user(district.users[R.OPERATOR]).get(detail_url(case)).content.decode()
    assert 'data-testid="verify-flag"' in html
    assert "超出允许范围" in html


def test_close_offers_721_and_says_where_a_penalty_case_is_opened(district, as_user):
    """The disabled "转行政处罚案件" box promised a module that now exists (issue 19 item 19)."""
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.VERIFIED)
        html = as_user(district.users[R.OPERATOR]).get(detail_url(case)).content.decode()
    form = html[html.index('data-testid="form-close"') :]
    for label in ("服务", "管理", "执法"):
        assert label in form
    assert "disabled" not in form[: form.index("</form>")] and "即将上线" not in html
    assert "转立行政处罚案件" in form[: form.index("</form>")]


def test_operator_merges_a_duplicate_from_the_detail_page(district, as_user):
    with pinned(QUIET_MOMENT):
        first = report(district)
        second = report(district, description="同一处垃圾")
        client = as_user(district.users[R.OPERATOR])
        page = client.get(detail_url(second))
        assert f'data-testid="merge-{first.number}"' in page.content.decode()
        response = client.post(act_url(second, "merge"), {"merge-target": first.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == CaseState.MERGED and second.merged_into == first


def test_evidence_is_served_only_to_those_who_see_the_case(district, as_user):
    with pinned(QUIET_MOMENT):
        case = report(district, photos=[jpeg_upload()])
    item = CaseEvidence.objects.get(case=case)
    thumb = reverse("cases:evidence", args=[case.number, item.pk, "thumb"])
    ok = as_user(district.users[R.OPERATOR]).get(thumb)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert b"".join(ok.streaming_content)[:3] == b"\xff\xd8\xff"
    assert as_user(district.users["other_handler"]).get(thumb).status_code == 404


# -- inbox -----------------------------------------------------------------------------------------


def _inbox_row(client, case) -> str:
    html = client.get(reverse("cases:inbox")).content.decode()
    start = html.index(f'data-number="{case.number}"')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_inbox_colours_countdowns_at_the_right_moments(district, as_user):
    with pinned(QUIET_MOMENT):
        case = report(district)  # filing is due within one working hour: 10:00
    client = as_user(district.users[R.OPERATOR])
    with pinned(QUIET_MOMENT + dt.timedelta(minutes=30)):
        row = _inbox_row(client, case)
        assert "due-normal" in row and "剩余 30分" in row and "立案审核" in row
    with pinned(QUIET_MOMENT + dt.timedelta(minutes=50)):  # past 80 % of the hour
        row = _inbox_row(client, case)
        assert "due-warning" in row and "剩余 10分" in row
    with pinned(QUIET_MOMENT + dt.timedelta(hours=2, minutes=15)):
        row = _inbox_row(client, case)
        assert "due-overdue" in row and "超时 1小时15分" in row


def test_inbox_counts_days_of_office_time_across_the_lunch_break(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.DISPATCHED, category=district.days_category)
    client = as_user(district.users[R.HANDLER])
    # Three working days from Tuesday 09:00 fall due on Friday 09:00; on Monday 11:00 it is overdue by
    # one working day (Friday 09:00 → Monday 09:00) and two office hours.
    with pinned(dt.datetime(2026, 9, 21, 11, 0, tzinfo=SHANGHAI)):
        row = _inbox_row(client, case)
    assert "due-overdue" in row and "超时 1天2小时" in row and "签收" in row


def test_inbox_shows_only_my_work(district, as_user):
    with pinned(QUIET_MOMENT):
        mine = drive(district, CaseState.HANDLED, grid=0, role=R.OPERATOR)
        theirs = drive(district, CaseState.HANDLED, grid=3, role=R.OPERATOR)
        html = as_user(district.users[R.INSPECTOR]).get(reverse("cases:inbox")).content.decode()
    assert mine.number in html and theirs.number not in html


def _many_cases(district, n: int) -> None:
    with pinned(QUIET_MOMENT):
        for i in range(n):
            report(district, grid=i % 3, role=R.OPERATOR, description=f"第{i}件")


@pytest.mark.parametrize("n", [5, 50])
def test_inbox_and_list_queries_do_not_grow_with_cases(district, as_user, django_assert_max_num_queries, n):
    _many_cases(district, n)
    client = as_user(district.users[R.OPERATOR])
    with pinned(QUIET_MOMENT), django_assert_max_num_queries(14):
        inbox = client.get(reverse("cases:inbox"))
    assert inbox.status_code == 200 and len(inbox.context["rows"]) == min(n, 25)
    with pinned(QUIET_MOMENT), django_assert_max_num_queries(16):
        listing = client.get(reverse("cases:list"), {"open": "true"})
    assert listing.status_code == 200 and listing.context["page"].paginator.count == n
    with pinned(QUIET_MOMENT):
        for case in Case.objects.all():
            case_transition(actor=district.users[R.OPERATOR], case=case, action="file")
    client = as_user(district.users[R.DISPATCHER])
    with pinned(QUIET_MOMENT), django_assert_max_num_queries(14):
        board = client.get(reverse("cases:dispatch"))
    assert board.status_code == 200 and len(board.context["rows"]) == min(n, 30)


# -- list, exports, map ----------------------------------------------------------------------------


def test_list_filters_through_the_shared_filterset(district, as_user):
    with pinned(QUIET_MOMENT):
        hours = report(district, category=district.hours_category)
        days = report(district, category=district.days_category, grid=2)
        client = as_user(district.users[R.OPERATOR])
        html = client.get(reverse("cases:list"), {"category": district.days_category.code}).content.decode()
    assert days.number in html and hours.number not in html


def test_exports_stream_the_filtered_cases(district, as_user):
    with pinned(QUIET_MOMENT):
        wanted = report(district, category=district.days_category)
        other = report(district, category=district.hours_category)
        client = as_user(district.users[R.OPERATOR])
        csv_response = client.get(reverse("cases:export-csv"), {"category": district.days_category.code})
        body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
        xlsx = client.get(reverse("cases:export-xlsx"))
    assert csv_response.streaming and wanted.number in body and other.number not in body
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_map_gets_open_cases_counted_per_grid(district, as_user):
    with pinned(QUIET_MOMENT):
        report(district, grid=0)
        report(district, grid=0)
        report(district, grid=2)
        response = as_user(district.users[R.LEADER]).get(reverse("cases:map"))
    points = {p["code"]: p["total"] for p in response.context["map_config"]["points"]}
    assert points == {district.grids[0].code: 2, district.grids[2].code: 1}


# -- dispatch board --------------------------------------------------------------------------------


def test_one_click_dispatch_from_the_board(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.FILED)
        client = as_user(district.users[R.DISPATCHER])
        board = client.get(reverse("cases:dispatch")).content.decode()
        assert f'data-testid="dispatch-{case.number}"' in board and district.squad.name in board
        response = client.post(
            act_url(case, "dispatch"), {"dispatch-unit": district.squad.pk}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert "已派遣" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.handling_unit == district.squad


def test_board_shows_why_a_dispatch_was_refused(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.FILED)
    with pinned(QUIET_MOMENT + dt.timedelta(hours=4)):
        response = as_user(district.users[R.DISPATCHER]).post(
            act_url(case, "dispatch"), {"dispatch-unit": district.squad.pk}, HTTP_HX_REQUEST="true"
        )
    assert response["HX-Retarget"] == f"#board-msg-{case.pk}"
    assert "超时原因：" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.FILED


def test_extension_requested_on_the_detail_page_is_approved_on_the_board(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        due = case.handling_due_at
        handler = as_user(district.users[R.HANDLER])
        asked = _post_action(
            handler, case, "request_extension", {"amount": 2, "unit": "working_hours", "reason": "需要吊车"}
        )
        assert asked.status_code == 302
        assert "处置反馈（延期待批）" in _inbox_row(handler, case)
        client = as_user(district.users[R.DISPATCHER])
        assert "审批延期" in _inbox_row(client, case)
        board = client.get(reverse("cases:dispatch")).content.decode()
        assert f'data-testid="approve-{case.number}"' in board and "需要吊车" in board
        response = client.post(act_url(case, "approve_extension"), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    case.refresh_from_db()
    assert CaseExtension.objects.get(case=case).status == "approved"
    assert case.handling_due_at > due


# -- supervision -----------------------------------------------------------------------------------


def test_leader_supervises_from_the_detail_page_and_the_unit_replies(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        leader = as_user(district.users[R.LEADER])
        assert 'data-testid="action-supervise"' in leader.get(detail_url(case)).content.decode()
        response = leader.post(
            reverse("cases:supervise", args=[case.number]), {"level": "key", "instruction": "三日内办结"}
        )
        assert response.status_code == 302
        item = Supervision.objects.get(case=case)
        handler = as_user(district.users[R.HANDLER])
        listing = handler.get(reverse("cases:supervision")).content.decode()
        assert "三日内办结" in listing and f'data-testid="reply-{item.pk}"' in listing
        replied = handler.post(
            reverse("cases:supervision-reply", args=[item.pk]), {f"s{item.pk}-reply": "已安排人员"}
        )
        assert replied.status_code == 302
        again = handler.post(
            reverse("cases:supervision-reply", args=[item.pk]), {f"s{item.pk}-reply": "再次"}
        )
        page = handler.get(reverse("cases:supervision"))
    assert again.status_code == 409 and "该督办已回复" in again.content.decode()
    item.refresh_from_db()
    assert item.reply == "已安排人员"
    assert page.context["rate"].on_time == 1 and page.context["rate"].due == 1
    assert "100%" in page.content.decode()


def test_supervision_overdue_reply_is_marked(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        as_user(district.users[R.LEADER]).post(
            reverse("cases:supervise", args=[case.number]), {"level": "listed", "instruction": "今日回复"}
        )
    with pinned(QUIET_MOMENT + dt.timedelta(days=7)):
        html = as_user(district.users[R.LEADER]).get(reverse("cases:supervision")).content.decode()
    assert 'data-testid="reply-overdue"' in html


def test_only_leaders_may_supervise(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        response = as_user(district.users[R.DISPATCHER]).post(
            reverse("cases:supervise", args=[case.number]), {"level": "key", "instruction": "三日内办结"}
        )
    assert response.status_code == 403
    assert "只有领导或值班长可以督办案件" in response.content.decode()
    assert not Supervision.objects.exists()


def test_navigation_shows_my_todo_count_on_every_page(district, as_user):
    """Every page marks the inbox badge's place; the menu fetches the count once the page is there."""
    with pinned(QUIET_MOMENT):
        report(district)
        report(district, grid=1)
        client = as_user(district.users[R.OPERATOR])
        home = client.get(reverse("web:home")).content.decode()
        listing = client.get(reverse("cases:list")).content.decode()
        counts = client.get(reverse("web:nav-badges"))
        handler = as_user(district.users[R.HANDLER]).get(reverse("web:nav-badges")).json()
    for html in (home, listing):
        assert 'data-badge="inbox"' in html and f'data-badges-url="{reverse("web:nav-badges")}"' in html
        assert 'href="/cases/report/"' in html and 'href="/cases/dispatch/"' not in html
    assert counts["Cache-Control"] == "no-store"
    assert counts.json()["badges"]["inbox"] == {"count": 2, "title": "2 件待办"}
    assert handler["badges"]["inbox"]["count"] == 0  # nothing waits for the handler: no badge shown


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.datetime(2026, 9, 15, 9, 0), dt.datetime(2026, 9, 15, 16, 30)),  # same day, over lunch
        (dt.datetime(2026, 9, 29, 17, 0), dt.datetime(2026, 10, 9, 10, 0)),  # across National Day
        (dt.datetime(2026, 1, 5, 12, 30), dt.datetime(2026, 11, 27, 8, 0)),  # most of a year
        (dt.datetime(2026, 10, 9, 10, 0), dt.datetime(2026, 9, 29, 17, 0)),  # backwards: negative
    ],
)
def test_countdown_office_time_matches_the_deadlines_module(start, end):
    """The countdown's day cache must give exactly what `core.deadlines` says."""
    from chengguan.cases.countdown import office_seconds_between
    from chengguan.core.deadlines import working_seconds_between

    a, b = start.replace(tzinfo=SHANGHAI), end.replace(tzinfo=SHANGHAI)
    assert office_seconds_between(a, b) == pytest.approx(working_seconds_between(a, b))


# -- evidence added after the fact -----------------------------------------------------------------

MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(200)


def test_staff_add_a_video_and_a_photo_to_an_open_case_later(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        client = as_user(district.users[R.HANDLER])
        page = client.get(detail_url(case)).content.decode()
        assert 'data-testid="form-add-evidence"' in page
        before = audit_count(case)
        url = reverse("cases:add-evidence", args=[case.number])
        video = SimpleUploadedFile("现场视频.mp4", MP4_BYTES, content_type="video/mp4")
        response = client.post(url, {"stage": "other", "file": video}, follow=True)
        assert "已补充材料。" in response.content.decode()
        client.post(url, {"stage": "handle", "file": jpeg_upload()})
    video_item = case.evidence.get(kind="video")
    assert video_item.stage == "other" and video_item.uploaded_by == district.users[R.HANDLER]
    assert case.evidence.filter(stage="handle", kind="photo").count() == 1
    assert audit_count(case) == before + 2
    page = client.get(detail_url(case)).content.decode()
    assert "现场视频.mp4" in page and "补充材料" in page


def test_a_bad_file_is_refused_next_to_the_field_and_nothing_is_stored(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.DISPATCHED)
        client = as_user(district.users[R.INSPECTOR])
        before = audit_count(case)
        text = SimpleUploadedFile("note.txt", b"just text", content_type="text/plain")
        response = client.post(
            reverse("cases:add-evidence", args=[case.number]), {"stage": "other", "file": text}
        )
    assert response.status_code == 400
    assert 'data-testid="error-file"' in response.content.decode()
    assert case.evidence.count() == 0 and audit_count(case) == before


def test_a_closed_case_takes_no_more_files(district, as_user):
    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.CLOSED)
        client = as_user(district.users[R.OPERATOR])
        assert 'data-testid="form-add-evidence"' not in client.get(detail_url(case)).content.decode()
        count = case.evidence.count()
        response = client.post(
            reverse("cases:add-evidence", args=[case.number]), {"stage": "other", "file": jpeg_upload()}
        )
    assert response.status_code == 409
    assert case.evidence.count() == count


@pytest.mark.parametrize(
    ("role", "offered"),
    [(R.HANDLER, {"other", "handle"}), (R.DISPATCHER, {"other"}), (R.INSPECTOR, {"other", "report"})],
)
def test_the_evidence_form_offers_only_the_stages_the_viewer_may_add_to(district, as_user, role, offered):
    """Issue #11: the page never offers a stage the service would refuse (a dispatcher adds no
    处置后 photos; the handling unit adds no 上报 ones)."""
    from chengguan.cases.models import EvidenceStage
    from chengguan.cases.permissions import can_add_evidence

    with pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        user = district.users[role]
        form = as_user(user).get(detail_url(case)).context["evidence_form"]
        shown = {value for value, _label in form.fields["stage"].choices}
        assert shown == offered
        assert shown == {s for s in EvidenceStage.values if can_add_evidence(user, case, s)} - {"verify"}

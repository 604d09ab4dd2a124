"""The citizen's side of the public channel, through the web pages: report, answer, track, rate, the
portal home; and what must never leak (another person's report, phone numbers)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chengguan.cases.models import Case, CaseEvidence, CaseSource
from chengguan.core import coords
from chengguan.core.clock import pinned
from chengguan.core.models import AuditEvent
from chengguan.feedback.models import Callback
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from chengguan.portal import public_categories, selectors, services
from chengguan.portal.models import PublicReport
from chengguan.portal.views import photo_url
from chengguan.taxonomy.loader import load_taxonomy
from tests.cases import flow, media
from tests.cases.conftest import QUIET_MOMENT

PHONE = "13912345678"
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(200)  # a video's first bytes


@pytest.fixture(autouse=True)
def _quiet_time_and_fresh_limits():
    """Rate-limit counters live in the cache, which outlives a test: start each test with none."""
    cache.clear()
    with pinned(QUIET_MOMENT):
        yield
    cache.clear()


def post_report(client, district, *, grid: int = 0, photos=None, address: str = "", ip="10.0.0.1", **fields):
    lon, lat = district.point(grid)
    data = {
        "public_category": "illegal_building",
        "description": "人行道上私搭雨棚，挡住了盲道",
        "lon": f"{lon:.6f}",
        "lat": f"{lat:.6f}",
        "crs": "wgs84",
        "address": address,
        "phone": PHONE,
        **fields,
    }
    if photos is not None:
        data["photos"] = photos
    return client.post(reverse("portal:report"), data, REMOTE_ADDR=ip)


def answer_of(client) -> tuple[str, str]:
    body = client.get(reverse("portal:report-done")).content.decode()
    number = re.search(r'data-testid="tracking-number">(\d+)<', body).group(1)
    code = re.search(r'data-testid="query-code">([A-Z0-9]+)<', body).group(1)
    return number, code


def test_every_public_problem_type_maps_to_a_category_of_the_real_taxonomy(db):
    load_taxonomy(actor=system_actor())
    entries = public_categories.all_public_categories()
    assert len(entries) >= 10
    assert [e.key for e, _category in public_categories.offered()] == [e.key for e in entries]
    assert len({e.key for e in entries}) == len(entries)


def test_the_report_page_offers_only_types_whose_category_exists(client, district):
    body = client.get(reverse("portal:report")).content.decode()
    assert "私搭乱建" in body and "乱扔垃圾、垃圾暴露" in body  # 200101 and 200102 exist here
    assert "井盖破损或丢失" not in body  # 100114 is not in the test taxonomy
    assert "WGS-84" in body  # the page says which coordinate system the pin sends


def test_an_anonymous_citizen_reports_with_a_photo_and_gets_a_number_and_a_query_code(client, district):
    response = post_report(client, district, photos=[media.jpeg_upload()], phone="")
    assert response.status_code == 302 and response["Location"] == reverse("portal:report-done")
    number, code = answer_of(client)
    case = Case.objects.get(number=number)
    assert case.source == CaseSource.CITIZEN and case.reporter is None and case.reporter_phone == ""
    assert case.category == district.hours_category and case.grid == district.grids[0]
    assert case.evidence.filter(stage="report", kind="photo").count() == 1
    report = PublicReport.objects.get(case=case)
    assert len(code) == 6 and code not in report.query_code_hash
    assert AuditEvent.objects.filter(action="portal.report", object_id=str(case.pk)).count() == 1


def test_a_gcj02_point_from_a_chinese_map_picker_is_converted_to_wgs84(client, district):
    lon, lat = district.point(1)
    g_lon, g_lat = coords.from_wgs84(lon, lat, "gcj02")
    post_report(client, district, lon=f"{g_lon:.7f}", lat=f"{g_lat:.7f}", crs="gcj02")
    case = Case.objects.get()
    assert case.input_crs == "gcj02" and case.grid == district.grids[1]
    assert abs(case.lon - lon) < 2e-6 and abs(case.lat - lat) < 2e-6


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "请填写正确的手机号"),
        ({"public_category": ""}, "public_category", "请选择问题类型"),
        ({"description": ""}, "description", "请描述您看到的问题"),
        ({"lon": "", "lat": ""}, "lon", "请提供位置坐标或地址"),
    ],
)
def test_bad_input_gets_a_field_error_in_chinese_and_creates_nothing(
    client, district, fields, field, message
):
    response = post_report(client, district, **fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'data-testid="error-{field}"' in body and message in body
    assert Case.objects.count() == 0 and PublicReport.objects.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: media.jpeg_upload(size=(40, 40)), "图片过小"),  # pixel dimensions
        (lambda: SimpleUploadedFile("v.mp4", MP4, "video/mp4"), "只能上传 JPEG、PNG 或 WebP 格式的照片"),
        (lambda: SimpleUploadedFile("a.jpg", b"not an image at all", "image/jpeg"), "只能上传 JPEG"),
    ],
)
def test_a_bad_photo_is_refused_and_nothing_is_kept(client, district, upload, message):
    response = post_report(client, district, photos=[upload()])
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Case.objects.count() == 0 and CaseEvidence.objects.count() == 0


def test_more_than_three_photos_are_refused(client, district):
    response = post_report(client, district, photos=[media.jpeg_upload() for _ in range(4)])
    assert response.status_code == 400 and "最多上传 3 张照片" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_photo_over_10_mb_is_refused(district):
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "image/jpeg")
    with pytest.raises(services.ValidationFailed) as caught:
        services.public_report_submit(
            public_category="garbage", description="垃圾", address="建设路", photos=[big]
        )
    assert caught.value.fields == {"photos": ["照片不能超过 10 MB。"]}
    assert Case.objects.count() == 0


def test_tracking_needs_the_number_and_its_code_and_a_wrong_code_reveals_nothing(client, district):
    post_report(client, district)
    number, code = answer_of(client)
    stranger = Client()
    # Without the code the details page sends the visitor to the form.
    assert stranger.get(reverse("portal:track-detail", args=[number])).status_code == 302
    wrong = stranger.post(reverse("portal:track"), {"number": number, "code": "ZZZZZZ"})
    unknown = stranger.post(reverse("portal:track"), {"number": "999999999999", "code": "ZZZZZZ"})
    assert wrong.status_code == unknown.status_code == 400
    for response in (wrong, unknown):
        assert "受理编号或查询码不正确" in response.content.decode()
        assert "人行道上私搭雨棚" not in response.content.decode()
    assert stranger.get(reverse("portal:track-detail", args=[number])).status_code == 302
    right = stranger.post(reverse("portal:track"), {"number": number, "code": code.lower()})
    assert right.status_code == 302 and right["Location"] == reverse("portal:track-detail", args=[number])
    assert "人行道上私搭雨棚" in stranger.get(right["Location"]).content.decode()


def _close_with_feedback(district, case: Case) -> Case:
    case = flow.drive(district, "closed", case=case)
    services.feedback_record(
        actor=district.users[R.OPERATOR],
        case=case,
        method="sms",
        content="雨棚已拆除，请致电13800001111了解详情",
    )
    return case


def test_the_tracked_page_shows_a_plain_timeline_the_reply_and_photos_but_no_staff_or_phone(client, district):
    post_report(client, district, photos=[media.jpeg_upload()])
    number, _code = answer_of(client)
    case = _close_with_feedback(district, Case.objects.get(number=number))
    body = client.get(reverse("portal:track-detail", args=[number])).content.decode()
    for step in (
        "已收到您反映的问题",
        "已受理立案",
        "已派遣给处置单位",
        "现场核查通过",
        "已办结",
        "已向您反馈处理结果",
    ):
        assert step in body
    assert "雨棚已拆除" in body and "138****1111" in body and "13800001111" not in body
    assert (
        body.count('data-testid="photo-before"') == 1 and body.count('data-testid="photo-after"') == 2
    )  # handled and verified
    staff_names = [u.get_full_name() or u.username for u in district.users.values()]
    profiles = [u.profile.full_name for u in district.users.values() if hasattr(u, "profile")]
    for name in [*staff_names, *profiles, PHONE, "139****5678"]:
        assert name not in body
    assert 'data-testid="rating-form"' in body
    assert case.state == "closed"


def test_the_citizen_rates_a_closed_case_once(client, district):
    post_report(client, district)
    number, _code = answer_of(client)
    detail = reverse("portal:track-detail", args=[number])
    assert 'data-testid="rating-form"' not in client.get(detail).content.decode()  # not closed yet
    _close_with_feedback(district, Case.objects.get(number=number))
    response = client.post(reverse("portal:rate", args=[number]), {"rating": "basically", "comment": "还行"})
    assert response.status_code == 302
    callback = Callback.objects.get()
    assert (callback.method, callback.rating, callback.officer) == ("portal", "basically", None)
    page = client.get(detail).content.decode()
    assert "您的评价：<strong>基本满意</strong>" in page
    assert page.count("感谢") == 1  # one thanks after a rating, not a flash message as well
    again = client.post(reverse("portal:rate", args=[number]), {"rating": "dissatisfied"})
    assert again.status_code == 409 and "您已评价过" in again.content.decode()
    assert Callback.objects.count() == 1


def test_a_rating_needs_the_tracked_session(client, district):
    post_report(client, district)
    number, _code = answer_of(client)
    _close_with_feedback(district, Case.objects.get(number=number))
    stranger = Client()
    response = stranger.post(reverse("portal:rate", args=[number]), {"rating": "dissatisfied"})
    assert response.status_code == 302 and Callback.objects.count() == 0


def test_reports_from_one_address_are_limited_with_a_chinese_429_page(client, district, settings):
    settings.CHENGGUAN_PORTAL_LIMITS = {"report_ip": (2, 3600)}
    for _ in range(2):
        assert post_report(client, district, phone="").status_code == 302
    refused = post_report(client, district, phone="")
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert Case.objects.count() == 2
    assert post_report(client, district, phone="", ip="10.0.0.2").status_code == 302  # another address


def test_reports_giving_one_phone_number_are_limited_across_addresses(client, district, settings):
    settings.CHENGGUAN_PORTAL_LIMITS = {"report_phone": (1, 86400)}
    assert post_report(client, district, ip="10.0.0.5").status_code == 302
    assert post_report(client, district, ip="10.0.0.6").status_code == 429
    assert post_report(client, district, ip="10.0.0.7", phone="13700000000").status_code == 302
    assert Case.objects.count() == 2


def test_guessing_query_codes_is_limited_the_same_way_for_known_and_unknown_numbers(
    client, district, settings
):
    settings.CHENGGUAN_PORTAL_LIMITS = {"track_number": (3, 3600)}
    post_report(client, district)
    number, code = answer_of(client)
    for target in (number, "888888888888"):
        guesser = Client()
        statuses = [
            guesser.post(reverse("portal:track"), {"number": target, "code": "AAAAAA"}).status_code
            for _ in range(4)
        ]
        assert statuses == [400, 400, 400, 429]
    assert Client().post(reverse("portal:track"), {"number": number, "code": code}).status_code == 429


def test_tracking_from_one_address_is_limited(client, district, settings):
    settings.CHENGGUAN_PORTAL_LIMITS = {"track_ip": (2, 3600)}
    statuses = [
        client.post(reverse("portal:track"), {"number": "1", "code": "A"}).status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_photo_links_are_signed_and_serve_only_public_channel_photos(client, district):
    post_report(client, district, photos=[media.jpeg_upload()])
    number, _code = answer_of(client)
    body = client.get(reverse("portal:track-detail", args=[number])).content.decode()
    link = re.search(r'src="(/portal/photo/[^"]+)"', body).group(1)
    assert Client().get(link).status_code == 200
    assert client.get(link.replace("/thumb/", "/file/")).get("Content-Type") == "image/jpeg"
    token = link.split("/")[3]
    assert client.get(link.replace(token, token[:-2] + "xx")).status_code == 404
    patrol = flow.report(district, photos=[media.jpeg_upload()])
    assert client.get(photo_url(patrol.evidence.get())).status_code == 404


def test_the_portal_home_shows_live_figures_and_links_for_anyone(client, district):
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    body = home.content.decode()
    assert 'data-testid="figure-reports">0<' in body
    for link in (reverse("portal:report"), reverse("portal:track"), "/publicity/"):
        assert f'href="{link}"' in body
    post_report(client, district, photos=[media.jpeg_upload()])
    number, _code = answer_of(client)
    case = _close_with_feedback(district, Case.objects.get(number=number))
    services.public_rating_submit(report=case.public_report, rating="satisfied")
    body = client.get(reverse("web:home")).content.decode()
    assert 'data-testid="figure-reports">1<' in body
    assert 'data-testid="figure-feedback_rate">100%<' in body
    assert 'data-testid="figure-satisfaction_rate">100%<' in body
    assert body.count('data-testid="solved"') == 1  # before and after photos
    assert PHONE not in body and "13800001111" not in body


def test_phone_numbers_never_appear_in_public_pages_or_the_public_api(client, district):
    post_report(client, district, photos=[media.jpeg_upload()], description=f"摊主电话{PHONE}，天天占道")
    number, _code = answer_of(client)
    _close_with_feedback(district, Case.objects.get(number=number))
    pages = [
        reverse("web:home"),
        reverse("portal:report-done"),
        reverse("portal:track-detail", args=[number]),
        "/open311/v2/requests.json",
        "/open311/v2/services.json",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert PHONE not in body and "13800001111" not in body, url
    assert "139****5678" in client.get(reverse("portal:track-detail", args=[number])).content.decode()


def test_staff_lists_never_show_the_query_code(client, district):
    post_report(client, district)
    number, code = answer_of(client)
    client.force_login(district.users[R.OPERATOR])
    for url in (reverse("cases:inbox"), reverse("cases:detail", args=[number]), reverse("cases:list")):
        assert code not in client.get(url).content.decode()


def test_selector_refuses_a_wrong_code_for_a_real_number(district):
    submitted = services.public_report_submit(
        public_category="garbage", description="垃圾桶满了", address="建设路1号"
    )
    number = submitted.report.case.number
    assert selectors.report_for_tracking(number, submitted.query_code) == submitted.report
    assert selectors.report_for_tracking(number, "") is None
    assert (
        selectors.report_for_tracking(number, "ABCDEF" if submitted.query_code != "ABCDEF" else "BCDEFG")
        is None
    )


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("web:home")).status_code == 200
    return len(ctx.captured_queries)


def test_the_home_page_costs_the_same_queries_however_many_problems_were_solved(client, district):
    post_report(client, district, photos=[media.jpeg_upload()], ip="10.3.0.1")
    _close_with_feedback(district, Case.objects.get())
    _home_queries(client)  # fills the per-process caches (the district's outline)
    one = _home_queries(client)
    for i in range(3):
        post_report(client, district, photos=[media.jpeg_upload()], ip=f"10.3.1.{i}")
    for case in Case.objects.exclude(state="closed"):
        _close_with_feedback(district, case)
    assert client.get(reverse("web:home")).content.decode().count('data-testid="solved"') == 4
    assert _home_queries(client) == one


def test_id_numbers_typed_into_a_report_are_masked_on_every_public_page(client, district):
    """Issue 11 item 7: ID numbers like phone numbers, on the portal's pages."""
    post_report(client, district, description="摊主身份证41010219900307123X，天天占道")
    number, _code = answer_of(client)
    _close_with_feedback(district, Case.objects.get(number=number))
    for url in (
        reverse("web:home"),
        reverse("portal:report-done"),
        reverse("portal:track-detail", args=[number]),
    ):
        body = client.get(url).content.decode()
        assert "41010219900307123X" not in body, url
    assert "410102********123X" in client.get(reverse("portal:track-detail", args=[number])).content.decode()

"""The web pages through Django's test client: who may open what, and what each page shows."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from chengguan.core import clock
from chengguan.org.models import LoginFailure
from chengguan.org.system import system_actor
from chengguan.taxonomy.loader import load_taxonomy
from tests.factories import UserFactory

from .conftest import PASSWORD

STAFF_PAGES = ["web:home", "web:grid-map", "web:organisation", "web:categories"]
STAFF_ONLY_PAGES = [
    *("web:grid-map", "web:organisation", "web:categories", "web:grid-outlines"),
    "web:nav-badges",
]
STAFF_USERS = ["inspector", "handler", "squad_leader", "leader", "admin"]


def page(client, name: str, **params):
    return client.get(reverse(name), params)


@pytest.mark.parametrize("name", [*STAFF_ONLY_PAGES])
def test_anonymous_visitors_are_sent_to_the_login_page(client, web_district, name):
    response = page(client, name)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("username", STAFF_USERS)
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_can_open_every_page(login, web_district, username, name):
    response = page(login(username), name)
    assert response.status_code == 200
    assert "退出登录" in response.content.decode()


@pytest.mark.parametrize("name", STAFF_ONLY_PAGES)
def test_a_citizen_cannot_open_staff_pages(login, web_district, name):
    response = page(login("citizen"), name)
    assert response.status_code == 403
    assert "张巡查" not in response.content.decode()


def test_a_citizen_without_a_profile_gets_the_public_home_page(client, web_district):
    UserFactory(username="walkin")
    client.login(username="walkin", password=PASSWORD)
    assert page(client, "web:grid-map").status_code == 403
    assert page(client, "web:home").status_code == 200


def test_the_public_home_page_shows_no_staff_data(login, web_district):
    # A signed-in citizen lands on their own page (issue 19 item 11), which leads to the portal.
    body = page(login("citizen"), "web:home").content.decode()
    assert 'data-testid="my-reports"' in body
    assert reverse("portal:report") in body
    for private in ("李处置", "王同事", "刘局长", "林山寨街道办事处", "41010200100101", "网格地图"):
        assert private not in body


def test_home_shows_the_inspectors_unit_chain_and_assigned_grids(login, web_district):
    body = page(login("inspector"), "web:home").content.decode()
    assert "第一执法中队" in body
    assert "中原区城市管理局" in body  # the parent chain
    assert "我负责的网格" in body
    assigned = [g.code for g in web_district.grids[:2]]
    others = [g.code for g in web_district.grids[2:]]
    for code in assigned:
        assert code in body
    for code in others:
        assert code not in body


def test_home_shows_a_communitys_grids_and_masked_colleague_phones(login, web_district):
    body = page(login("handler"), "web:home").content.decode()
    assert "百花社区" in body
    assert "林山寨街道办事处" in body
    assert "本单位网格" in body
    community_codes = {g.code for g in web_district.grids if g.community_id == web_district.com1.pk}
    assert len(community_codes) == 4
    for code in community_codes:
        assert code in body
    assert "41010200200101" not in body  # a grid of the other sub-district
    assert "王同事" in body
    assert "137****1111" in body
    assert "13700001111" not in body
    assert "张巡查" not in body  # not in the same unit


def test_leader_sees_the_bureau_overview(login, web_district):
    response = page(login("leader"), "web:home")
    body = response.content.decode()
    overview = response.context["overview"]
    assert (overview["subdistricts"], overview["communities"], overview["grids"], overview["squads"]) == (
        2,
        2,
        8,
        1,
    )
    assert "概况" in body
    assert "中原分局" in body  # partner agency
    assert dict(overview["staff_by_role"])["监督员"] == 1
    assert "市民" not in dict(overview["staff_by_role"])  # the public are not staff
    assert overview["staff"] == 6
    assert [(s.name, s.n_communities, s.n_grids) for s in overview["grids_by_subdistrict"]] == [
        ("林山寨街道办事处", 1, 4),
        ("建设路街道办事处", 1, 4),
    ]


def test_members_of_the_public_are_not_listed_as_colleagues(login, web_district):
    body = page(login("leader"), "web:home").content.decode()
    assert "陈管理" in body  # a colleague in the bureau
    assert "孙市民" not in body
    assert "孙市民" not in page(login("leader"), "web:organisation").content.decode()


def test_non_leaders_get_no_bureau_overview(login, web_district):
    response = page(login("handler"), "web:home")
    assert "overview" not in response.context


def test_top_bar_names_the_bureau_user_and_roles(login, web_district):
    body = page(login("squad_leader"), "web:home").content.decode()
    assert "中原区城市管理局" in body
    assert "赵中队" in body
    assert "中队长" in body


def test_admin_link_only_for_admins_and_api_docs_for_staff(login, web_district, client):
    admin_body = page(login("admin"), "web:home").content.decode()
    assert reverse("admin:index") in admin_body
    assert reverse("api-docs") in admin_body
    client.logout()
    handler_body = page(login("handler"), "web:home").content.decode()
    assert reverse("admin:index") not in handler_body
    assert reverse("api-docs") in handler_body


def test_logout_is_a_post_and_ends_the_session(login, web_district):
    client = login("handler")
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert "退出登录" not in page(client, "web:home").content.decode()  # the public portal


def test_login_form_signs_in_and_redirects_home(client, web_district):
    response = client.post(reverse("web:login"), {"username": "handler", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert "李处置" in page(client, "web:home").content.decode()


def test_login_page_explains_a_wrong_password_in_chinese(client, web_district):
    response = client.post(reverse("web:login"), {"username": "handler", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="login-error"' in body
    assert "用户名" in body and "密码" in body


def test_login_page_answers_429_with_the_blocked_message(client, web_district):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("web:login"), {"username": "handler", "password": "wrong"})
    assert LoginFailure.objects.get(username="handler", scope="pair").locked_until > clock.now()
    response = client.post(reverse("web:login"), {"username": "handler", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_an_expired_lock_lets_the_user_in_again(client, web_district):
    LoginFailure.objects.create(
        username="handler", failures=5, locked_until=clock.now() - dt.timedelta(minutes=1)
    )
    response = client.post(reverse("web:login"), {"username": "handler", "password": PASSWORD})
    assert response.status_code == 302


def test_map_page_carries_the_legend_extent_and_api_address(login, web_district):
    response = page(login("leader"), "web:grid-map")
    body = response.content.decode()
    config = response.context["map_config"]
    assert [row["name"] for row in config["legend"]] == ["林山寨街道办事处", "建设路街道办事处"]
    assert config["legend"][0]["colour"] != config["legend"][1]["colour"]
    assert config["extent"]["count"] == 8
    assert config["gridsApi"] == "/api/v1/grids/"
    assert config["tileUrl"] == ""
    assert "vendor/leaflet/leaflet.js" in body
    # No script, style or image from another host (a random token may well contain "cdn").
    assert not re.search(r"""(src|href)=["'](https?:)?//""", body)


def test_sub_district_colours_do_not_depend_on_who_looks(login, web_district, client):
    leader_legend = page(login("leader"), "web:grid-map").context["map_config"]["legend"]
    client.logout()
    handler_legend = page(login("handler"), "web:grid-map").context["map_config"]["legend"]
    assert [row["name"] for row in handler_legend] == ["林山寨街道办事处"]
    assert handler_legend[0]["colour"] == leader_legend[0]["colour"]


def test_map_search_code_from_the_query_string(login, web_district):
    code = web_district.grids[3].code
    response = page(login("leader"), "web:grid-map", code=code)
    assert response.context["map_config"]["initialCode"] == code


def test_outlines_cover_each_visible_sub_district(login, web_district):
    data = json.loads(page(login("handler"), "web:grid-outlines").content)
    assert [f["properties"]["name"] for f in data["features"]] == ["林山寨街道办事处"]
    assert data["features"][0]["geometry"]["type"] == "Polygon"  # four cells merged into one shape


def test_organisation_page_lists_units_partners_and_masked_staff(login, web_district):
    body = page(login("leader"), "web:organisation").content.decode()
    for name in ("中原区城市管理局", "林山寨街道办事处", "百花社区", "建设路街道办事处", "第一执法中队"):
        assert name in body
    partners = body.split('data-testid="partners"')[1]
    assert "中原分局" in partners
    assert "公安" in partners
    assert "136****2222" in body  # the leader's own unit staff
    assert "13600002222" not in body


def test_organisation_staff_fragment_masks_phones(login, web_district):
    client = login("leader")
    response = client.get(
        reverse("web:organisation-staff", args=[web_district.com1.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "李处置" in body and "139****4321" in body
    assert "13987654321" not in body
    assert "<html" not in body


def test_staff_cannot_open_units_outside_their_scope(login, web_district):
    client = login("handler")
    assert client.get(reverse("web:organisation-staff", args=[web_district.com2.pk])).status_code == 404
    assert page(client, "web:organisation", unit=web_district.com2.pk).status_code == 404
    body = page(client, "web:organisation").content.decode()
    assert "百花社区" in body
    assert "桐柏社区" not in body


@pytest.fixture
def taxonomy(db):
    load_taxonomy(actor=system_actor())


def test_categories_page_groups_by_major_class_with_limits_and_criteria(login, web_district, taxonomy):
    response = page(login("inspector"), "web:categories")
    body = response.content.decode()
    assert response.context["count"] > 50
    assert "公用设施" in body
    assert "上水井盖" in body
    assert "工作时" in body or "工作日" in body
    assert "立案标准" in body and "结案标准" in body


def test_categories_search_narrows_the_list(login, web_district, taxonomy):
    client = login("inspector")
    response = page(client, "web:categories", q="井盖")
    found = [c for g in response.context["groups"] for c in g["items"]]
    assert found
    assert all("井盖" in c.name_zh + c.filing_criteria + c.closing_criteria for c in found)
    assert "上水井盖" in [c.name_zh for c in found]
    assert "暴露垃圾" not in response.content.decode()
    events = page(client, "web:categories", kind="event")
    assert {c.kind for g in events.context["groups"] for c in g["items"]} == {"event"}


def test_categories_show_the_readers_language_without_editor_notes(login, web_district, taxonomy):
    """Issue 19 item 19: the Chinese page showed the English glosses, notes on sources and all."""
    client = login("inspector")
    chinese = page(client, "web:categories", q="井盖").content.decode()
    assert "Water-supply manhole cover" not in chinese and "S1:" not in chinese
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = page(client, "web:categories", q="井盖").content.decode()
    assert "Water-supply manhole cover" in english
    assert "Telecom manhole cover" in english and "S1:" not in english and "(also written" not in english
    assert '<small class="muted" lang="zh-Hans">上水井盖</small>' in english


def test_categories_htmx_search_returns_only_the_results(login, web_district, taxonomy):
    response = login("inspector").get(reverse("web:categories"), {"q": "100101"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "上水井盖" in body
    assert "<html" not in body


def test_english_is_available_through_the_language_switch(login, web_district):
    client = login("handler")
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("web:home")})
    assert response.status_code == 302
    body = page(client, "web:home").content.decode()
    assert "My unit" in body
    assert "Log out" in body
    assert "Handler" in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("web:home")})
    assert "我的单位" in page(client, "web:home").content.decode()


def test_pages_are_chinese_by_default(client, web_district):
    body = client.get(reverse("web:login")).content.decode()
    assert 'lang="zh-hans"' in body
    assert "账号登录" in body


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, web_district):
    body = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body
    assert "账号登录" in body
    client.post(reverse("set_language"), {"language": "en", "next": reverse("web:login")})
    body = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert 'lang="en"' in body

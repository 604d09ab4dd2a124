"""No list shows one bureau's rows to another bureau's staff (issue 12 item 6). The lists come from
the URL conf (every GET route without parameters, API and pages alike), so a list added tomorrow is
read the day it is added; what must not show is what only the first bureau's rows say: its case
numbers, merchant, party, work order, units and grid codes.

The world is the write walk's: everything belongs to the first bureau, the callers hold every role
in a second one. A list the public may read (the portal, Open311, the published figures) is public
by design and not this test's business; it is skipped when an anonymous caller gets the same page.
"""

from __future__ import annotations

from django.test import Client
from django.urls import get_resolver

from tests.cases import conftest as case_fixtures
from tests.security.test_every_write_is_authorised import CITY_READER, SKIPPED_PREFIXES, _build, _walk

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests

# Downloads and pages that are no lists of rows: the schema, the docs, sign-in and out, health.
NOT_LISTS = ("api/v1/schema", "api/v1/docs", "login/", "logout/", "healthz", "metrics", "i18n/", "jsi18n")


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")


def list_routes() -> list[str]:
    """Every GET route of the site that takes no parameter."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if pattern.pattern.regex.groupindex or route.startswith(SKIPPED_PREFIXES + NOT_LISTS):
            continue
        path = "/" + route.replace("^", "").replace("$", "").replace("\\", "")
        if "(" in path or "<" in path or "[" in path:
            continue  # a regex with unnamed parts (format suffixes): the plain route covers it
        routes.append(path)
    return sorted(set(routes))


def _markers(world) -> list[str]:
    """Strings only the first bureau's rows contain."""
    o = world.objects
    found = [o["case"].number, o["closed"].number, "老王餐馆", "91410102JURQ283FQM", "GD-SCOPE-1", "张三"]
    found += ["建设路中队", "棉纺社区", "数字化城管指挥中心", "410102001001"]
    return found


def test_no_list_shows_the_rows_of_another_bureau(district):
    world = _build(district)
    markers = _markers(world)
    anonymous = Client(REMOTE_ADDR="10.30.0.1")
    clients = {}
    for index, (name, user) in enumerate(world.callers.items(), start=2):
        if name == CITY_READER:
            continue  # reads the first bureau by right
        clients[name] = Client(REMOTE_ADDR=f"10.30.0.{index}")
        clients[name].force_login(user)
    leaks, read = [], 0
    for path in list_routes():
        public = anonymous.get(path)
        public_text = _text(public) if public.status_code == 200 else ""
        for name, client in clients.items():
            response = client.get(path)
            if response.status_code != 200 or response.get("Content-Type", "").startswith("application/pdf"):
                continue
            read += 1
            text = _text(response)
            shown = [m for m in markers if m in text and m not in public_text]
            if shown:
                leaks.append(f"GET {path} as {name}: {shown}")
    assert read > 200  # the walk really read the lists
    assert not leaks, "\n".join(leaks)


def test_the_first_bureaus_own_staff_and_the_city_leader_do_see_their_rows(district):
    """The markers are real: the same lists show them to the first bureau's leader and its city's."""
    world = _build(district)
    for user in (district.users["leader"], world.callers[CITY_READER]):
        client = Client()
        client.force_login(user)
        text = (
            client.get("/api/v1/cases/").content.decode() + client.get("/api/v1/merchants/").content.decode()
        )
        assert world.objects["case"].number in text and "老王餐馆" in text

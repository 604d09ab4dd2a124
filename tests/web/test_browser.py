"""The pages in a real browser: Debian's Chromium driven by Playwright against the live server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from .conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The grids are drawn on one canvas: the map reports how many it drew.
DRAWN_GRIDS = """() => Number(document.querySelector('#map').dataset.gridCount || 0)"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_log_in_see_home_find_a_grid_on_the_map_and_log_out(live_server, web_district):
    base = live_server.url
    wanted = web_district.grids[5]
    expected = {
        "code": wanted.code,
        "community": wanted.community.name,
        "subdistrict": wanted.subdistrict.name,
    }

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
            page.goto(f"{base}/grids/map/")
            expect(page).to_have_url(f"{base}/login/?next=/grids/map/")

            page.fill("input[name=username]", "leader")
            page.fill("input[name=password]", PASSWORD)
            page.click(".login-card button[type=submit]")
            expect(page.locator("#map")).to_be_visible()

            page.click("a.nav-link[href='/']")
            expect(page.locator("[data-testid=my-organisation]")).to_contain_text("中原区城市管理局")
            expect(page.locator(".whoami")).to_contain_text("领导")

            page.click("a.nav-link[href='/grids/map/']")
            # A function, not an expression string: the page's CSP forbids the eval Playwright would use.
            page.wait_for_function(f"() => ({DRAWN_GRIDS})() >= 8")
            assert page.locator("#map canvas").count() > 0
            # The first view's grids came with the page (its preload), in one request.
            asked = page.evaluate(
                """() => performance.getEntriesByType("resource")
                    .filter((r) => r.name.includes("/api/v1/grid-outlines/")).map((r) => r.initiatorType)"""
            )
            assert asked == ["link"]
            expect(page.locator("[data-testid=map-status]")).to_contain_text("8")

            # A click on a cell of the canvas opens that grid's details.
            x, y = page.evaluate(
                """([lat, lon]) => {
                  const p = document.getElementById("map").leafletMap.latLngToContainerPoint([lat, lon]);
                  return [p.x, p.y];
                }""",
                [wanted.centroid_lat, wanted.centroid_lon],
            )
            page.locator("#map").click(position={"x": x, "y": y})
            details = page.locator("[data-testid=grid-details]")
            expect(details.locator("[data-field=code]")).to_have_text(expected["code"])
            page.click("#close-details")

            page.fill("[data-testid=grid-search]", expected["code"])
            page.click("#grid-search button[type=submit]")
            details = page.locator("[data-testid=grid-details]")
            expect(details).to_be_visible()
            expect(details.locator("[data-field=code]")).to_have_text(expected["code"])
            expect(details.locator("[data-field=community]")).to_have_text(expected["community"])
            expect(details.locator("[data-field=subdistrict]")).to_have_text(expected["subdistrict"])
            expect(page.locator(".leaflet-highlight-pane path")).to_have_count(1)

            page.fill("[data-testid=grid-search]", "41010299999999")
            page.click("#grid-search button[type=submit]")
            expect(page.locator("#search-message")).to_contain_text("未找到网格编码 41010299999999")

            page.click("[data-testid=logout]")
            expect(page).to_have_url(f"{base}/login/")
            page.goto(f"{base}/grids/map/")
            expect(page).to_have_url(f"{base}/login/?next=/grids/map/")
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_maps_draw_the_offline_streets_under_the_grids(live_server, web_district, tmp_path):
    """No tile server: the grid map and the public report map draw the base map's streets, with the
    main roads' names when zoomed in."""
    from django.db.models import Max, Min

    from chengguan.grids.models import Grid
    from chengguan.grids.streets import streets_load
    from chengguan.org.system import system_actor

    box = Grid.objects.aggregate(w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), n=Max("max_lat"))
    mid_lat, mid_lon = (box["s"] + box["n"]) / 2, (box["w"] + box["e"]) / 2
    roads = [
        {
            "type": "Feature",
            "properties": {"name": "测试大道", "kind": "major"},
            "geometry": {
                "type": "LineString",
                "coordinates": [[box["w"] - 0.01, mid_lat], [box["e"] + 0.01, mid_lat]],
            },
        },
        {
            "type": "Feature",
            "properties": {"name": "", "kind": "minor"},
            "geometry": {
                "type": "LineString",
                "coordinates": [[mid_lon, box["s"] - 0.01], [mid_lon, box["n"] + 0.01]],
            },
        },
    ]
    streets_load(actor=system_actor(), features=roads)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
            page.goto(f"{base}/login/?next=/grids/map/")
            page.fill("input[name=username]", "leader")
            page.fill("input[name=password]", PASSWORD)
            page.click(".login-card button[type=submit]")
            page.wait_for_function("() => Number(document.querySelector('#map').dataset.streets || 0) >= 1")
            assert page.locator(".leaflet-streets-pane path").count() >= 1
            page.screenshot(path=str(tmp_path / "grid-map-streets.png"))

            page.goto(f"{base}/report/")
            page.wait_for_function(
                "() => Number(document.querySelector('#pin-map').dataset.streets || 0) >= 1"
            )
            assert page.locator("#pin-map .leaflet-streets-pane path").count() >= 1
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_gcj02_tiles_the_maps_shift_their_wgs84_data_onto_the_tiles(live_server, web_district, settings):
    """A bureau's tile server in GCJ-02 (CHENGGUAN_TILE_CRS=gcj02): the maps project WGS-84 through
    GCJ-02 as core/coords.py converts it, and a point read back from the map is WGS-84 again."""
    import math

    from chengguan.core.coords import wgs84_to_gcj02

    settings.CHENGGUAN_TILE_URL = "/static/no-such-tiles/{z}/{x}/{y}.png"
    settings.CHENGGUAN_TILE_CRS = "gcj02"
    lon, lat = 113.62, 34.75
    glon, glat = wgs84_to_gcj02(lon, lat)
    radius = 6378137.0
    expected = (
        radius * math.radians(glon),
        radius * math.log(math.tan(math.pi / 4 + math.radians(glat) / 2)),
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN").new_page()
            page.goto(f"{live_server.url}/report/")
            page.wait_for_function("() => document.getElementById('pin-map').dataset.ready === '1'")
            got = page.evaluate(
                """([lat, lon]) => {
                    const map = document.getElementById('pin-map').leafletMap;
                    const crs = map.options.crs;
                    const point = crs.projection.project(L.latLng(lat, lon));
                    const back = crs.projection.unproject(point);
                    return {code: crs.code, x: point.x, y: point.y, lat: back.lat, lon: back.lng,
                            tiles: document.querySelectorAll('#pin-map .leaflet-tile').length};
                }""",
                [lat, lon],
            )
        finally:
            browser.close()
    assert got["code"] == "GCJ02"
    assert abs(got["x"] - expected[0]) < 0.01 and abs(got["y"] - expected[1]) < 0.01
    assert abs(got["lat"] - lat) < 1e-8 and abs(got["lon"] - lon) < 1e-8
    assert got["tiles"] > 0  # the tile layer is drawn instead of the offline streets

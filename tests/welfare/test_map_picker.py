"""The map picker under a form's coordinates (grids/_map_picker.html), on the vending-spot form: a
click on the map fills longitude and latitude, names the grid, and the saved spot lies in it; a
click outside the jurisdiction says so before anything is sent."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.welfare.models import Spot
from tests.factories import DEMO_PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

SHOTS = os.environ.get("WELFARE_SHOTS", "")


def _click(page, lat: float, lon: float) -> None:
    """Click the picker's map at a WGS-84 position, as a user's click there would."""
    page.evaluate(
        """([lat, lon]) => {
          const map = document.querySelector("[data-testid=map-picker]").leafletMap;
          map.setView([lat, lon], 17, { animate: false });
          map.fire("click", { latlng: L.latLng(lat, lon) });
        }""",
        [lat, lon],
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_click_on_the_map_places_the_spot_in_its_grid(live_server, district):
    grid = district.grids[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000}).new_page()
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", "squad_leader")
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click(".login-card button[type=submit]")
            page.goto(f"{live_server.url}/welfare/spots/")
            note = page.locator("[data-testid=map-picker-grid]")
            expect(note).to_contain_text("尚未在地图上选择位置")

            _click(page, grid.centroid_lat + 5, grid.centroid_lon)
            expect(note).to_contain_text("不在本辖区")

            _click(page, grid.centroid_lat, grid.centroid_lon)
            expect(note).to_contain_text(grid.code)
            assert float(page.input_value("#id_lon")) == pytest.approx(grid.centroid_lon, abs=1e-6)
            assert float(page.input_value("#id_lat")) == pytest.approx(grid.centroid_lat, abs=1e-6)

            page.fill("#id_code", "BM-09")
            page.fill("#id_name", "文化路便民点")
            page.fill("#id_pitches", "4")
            page.fill("#id_capacity", "4")
            page.fill("#id_opening_hours", "07:00-10:00")
            page.select_option("#id_managing_unit", str(district.squad.pk))
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/map-picker.png", full_page=True)
            page.click("[data-testid=spot-form] button[type=submit], [data-testid=spot-form] button")
            page.wait_for_url("**/welfare/spots/*/")
        finally:
            browser.close()
    assert Spot.objects.get(code="BM-09").grid_id == grid.pk

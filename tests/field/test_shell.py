"""The field app's shell is installable (manifest, icons, a service worker scoped to /field/), speaks
Chinese and English, and its first load stays within 500 KB of compressed code and styles."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from chengguan.field.views import ASSETS

BUDGET = 500 * 1024


@pytest.mark.django_db
def test_the_shell_opens_without_signing_in_and_links_its_manifest():
    response = Client().get("/field/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'rel="manifest" href="/field/manifest.webmanifest"' in html
    assert "外勤登录" in html
    strings = json.loads(
        re.search(r'id="field-strings" type="application/json">(.*?)</script>', html).group(1)
    )
    assert strings["stateRefused"] == "被退回"


@pytest.mark.django_db
def test_the_shell_in_english():
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get("/field/").content.decode()
    assert "Field sign-in" in html
    strings = json.loads(
        re.search(r'id="field-strings" type="application/json">(.*?)</script>', html).group(1)
    )
    assert strings["stateRefused"] == "Refused"
    manifest = client.get("/field/manifest.webmanifest").json()
    assert manifest["lang"] == "en"


@pytest.mark.django_db
def test_the_manifest_makes_an_installable_app():
    response = Client().get("/field/manifest.webmanifest")
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["start_url"] == manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200


@pytest.mark.django_db
def test_the_service_worker_is_scoped_to_the_app_and_precaches_the_shell():
    response = Client().get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert precache[0] == "/field/"
    assert "/static/field/app.js" in precache and "/field/manifest.webmanifest" in precache


def test_first_load_code_and_styles_fit_in_500_kb_compressed():
    total = 0
    for name in ASSETS:
        path = finders.find(name)
        assert path, name
        with open(path, "rb") as f:
            total += len(gzip.compress(f.read(), compresslevel=9))
    assert total <= BUDGET, f"{total} bytes"
    print(f"field app first load: {total} bytes gzip")

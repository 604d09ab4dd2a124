"""No hard-coded secret: without SECRET_KEY the first start generates one into the data directory
and reuses it; production settings pass `check --deploy` without a warning; every page carries a
Content-Security-Policy that allows no inline script, and no template holds one; the portal's query
codes have a key of their own and codes issued under the old demo key keep working."""

from __future__ import annotations

import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from chengguan.portal import selectors, services
from tests.cases.conftest import _fast_tests, district  # noqa: F401  (fixtures)

CLI = [sys.executable, "-m", "chengguan"]
SRC = Path(__file__).resolve().parents[2] / "src" / "chengguan"
OLD_DEMO_KEY = "insecure-demo-key-set-SECRET_KEY-in-production"


def _run(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "CHENGGUAN_HTTPS")}
    environ.update({"CHENGGUAN_DATA_DIR": str(data), **env})
    return subprocess.run([*CLI, *args], env=environ, capture_output=True, text=True, timeout=120)


PRINT_KEY = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]


def test_without_a_secret_key_the_first_start_generates_one_and_reuses_it(tmp_path):
    first = _run(tmp_path, *PRINT_KEY).stdout.strip()
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first and len(first) >= 50
    assert first != OLD_DEMO_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _run(tmp_path, *PRINT_KEY).stdout.strip() == first
    other = tmp_path / "other"
    other.mkdir()
    assert _run(other, *PRINT_KEY).stdout.strip() != first  # each installation its own


def test_a_key_from_the_environment_wins_and_no_file_is_written(tmp_path):
    key = secrets.token_urlsafe(50)
    assert _run(tmp_path, *PRINT_KEY, SECRET_KEY=key).stdout.strip() == key
    assert not (tmp_path / "secret_key").exists()


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    done = _run(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        CHENGGUAN_HTTPS="1",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_pages_forbid_inline_scripts_by_content_security_policy(client):
    response = client.get(reverse("web:login"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_no_template_holds_an_inline_script_or_event_handler():
    """What the policy would block in the browser: a script body in a template or an on…= handler."""
    offenders = []
    for template in sorted(SRC.glob("*/templates/**/*.html")):
        text = template.read_text()
        for tag in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in tag.group(1) and "application/json" not in tag.group(1):
                offenders.append(f"{template.relative_to(SRC)}: {tag.group(0)}")
        for handler in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{template.relative_to(SRC)}: {handler.group(0)}")
    assert offenders == []


def test_the_api_documentation_loads_its_script_from_a_file(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x")
    client.force_login(user)
    body = client.get(reverse("api-docs")).content.decode()
    assert re.search(r"<script\b(?![^>]*src=)[^>]*>\s*\S", body) is None


@pytest.mark.django_db
def test_query_codes_have_their_own_key_and_old_codes_keep_working(settings, district):  # noqa: F811
    submitted = services.public_report_submit(
        public_category="garbage", description="垃圾桶满了", address="建设路1号"
    )
    report = submitted.report
    number, code = report.case.number, submitted.query_code
    under_secret_key = salted_hmac("chengguan.portal.query_code", f"{number}:{code}").hexdigest()
    assert report.query_code_hash != under_secret_key  # not keyed with SECRET_KEY any more
    assert selectors.report_for_tracking(number, code) == report
    # A code issued before, under the old built-in demo key, still finds its report.
    old_hash = salted_hmac("chengguan.portal.query_code", f"{number}:{code}", secret=OLD_DEMO_KEY).hexdigest()
    type(report).objects.filter(pk=report.pk).update(query_code_hash=old_hash)
    assert selectors.report_for_tracking(number, code) == report
    assert selectors.report_for_tracking(number, "WRONG1") is None

"""`chengguan demo`: build, --if-empty, --logins and --password."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from chengguan.demo.generator import DEMO_ACCOUNTS, DEMO_PASSWORD
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation


def _run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_builds_into_an_empty_database(db):
    out = _run("--size", "small", "--seed", "3", "--cases", "20")
    assert Grid.objects.count() > 0
    assert "演示数据" in out


def test_if_empty_does_nothing_on_a_database_with_organisations(small_demo):
    before = (Organisation.objects.count(), Grid.objects.count())
    out = _run("--size", "small", "--if-empty")
    assert "跳过" in out
    assert (Organisation.objects.count(), Grid.objects.count()) == before


def test_building_over_existing_data_is_an_error(small_demo):
    with pytest.raises(CommandError, match="已有组织机构"):
        _run("--size", "small")


def test_logins_lists_every_demo_account_with_the_password_and_url(small_demo):
    out = _run("--logins")
    for account in DEMO_ACCOUNTS:
        assert account.username in out
    assert "监督员" in out and "法制科" in out
    assert DEMO_PASSWORD in out
    assert "http://127.0.0.1:8000/" in out


def test_password_changes_every_demo_login(small_demo):
    new = "Zhongyuan#2027"
    out = _run("--password", new)
    assert new in out
    for account in DEMO_ACCOUNTS:
        assert authenticate(username=account.username, password=new) is not None, account.username
        assert authenticate(username=account.username, password=DEMO_PASSWORD) is None
    assert "已修改" in _run("--logins")


def test_a_weak_new_password_is_refused_and_the_old_one_kept(small_demo):
    with pytest.raises(CommandError, match=r"demo\.weak_password"):
        _run("--password", "abc")
    assert authenticate(username="admin", password=DEMO_PASSWORD) is not None

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
    assert "项，" in out and "秒" in out  # a line per stage: stderr is no terminal under pytest


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


def test_without_a_terminal_each_stage_is_a_line_with_its_count_and_time():
    """`make demo > demo.log` showed nothing of the build while tqdm hid its bars (issue 19 item 23)."""
    from chengguan.demo.management.commands.demo import STAGE_LABELS, _Bars

    out = StringIO()
    bars = _Bars(enabled=True, out=out, terminal=False)
    stages = list(STAGE_LABELS)[:2]
    for done in (0, 5, 10):
        bars(stages[0], done, 10)
    bars(stages[1], 3, 3)
    bars.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(STAGE_LABELS[stages[0]]) and "10/10 项" in lines[0] and "秒" in lines[0]
    assert lines[1].startswith(STAGE_LABELS[stages[1]]) and "3/3 项" in lines[1]

"""`chengguan taxonomy load` and `chengguan taxonomy list` as an operator sees them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chengguan.taxonomy.models import Category

from .conftest import plain_minor_codes


def _run(*args) -> str:
    out = StringIO()
    call_command("taxonomy", *args, stdout=out)
    return out.getvalue()


def test_load_prints_counts_and_skipped_entries(db):
    expected = len(plain_minor_codes())
    output = _run("load")
    assert "GB/T 30428.2-2013" in output and "启用" in output
    assert "大类 12（新增 12，更新 0）" in output
    assert f"小类 {expected}（新增 {expected}，更新 0，未变 0，停用 0）" in output
    assert "跳过 6 项" in output
    assert "06xx" in output and "0408" in output
    assert Category.objects.count() == expected


def test_second_load_says_nothing_changed(db):
    _run("load")
    output = _run("load")
    expected = len(plain_minor_codes())
    assert f"小类 {expected}（新增 0，更新 0，未变 {expected}，停用 0）" in output
    assert "已是最新，未作修改" in output


def test_load_from_a_missing_file_fails_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="找不到分类数据文件"):
        _run("load", "--file", str(tmp_path / "nope.yaml"))
    assert not Category.objects.exists()


def test_list_prints_codes_and_names(loaded):
    lines = _run("list", "--kind", "event").splitlines()
    expected = sorted(code for code in plain_minor_codes() if code.startswith("20"))
    assert [line.split()[0] for line in lines] == expected
    assert "200102  事件  市容环境 / 暴露垃圾  4 工作时" in lines
    everything = _run("list").splitlines()
    assert len(everything) == len(plain_minor_codes())
    assert any(line.startswith("100118  部件  公用设施 / 路灯  3 工作日") for line in everything)


def test_list_before_loading_explains_what_to_do(db):
    assert "chengguan taxonomy load" in _run("list")

"""The README's tour of the side menu uses the menu's own names (issue 19 item 23: it said 上报问题
and 全部案件 where the menu says 案件上报 and 案件查询)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
SOURCES = Path(__file__).resolve().parents[2] / "src" / "chengguan"


def _menu_labels() -> set[str]:
    files = [*SOURCES.glob("*/navigation.py"), SOURCES / "web" / "context.py"]
    return {label for f in files for label in re.findall(r'"label": _\("([^"]+)"\)', f.read_text())}


def test_every_menu_name_the_workbench_section_lists_is_in_the_menu():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The web workbench") :]
    paragraph = section[: section.index("The bell")]
    named = re.findall(r"([\u4e00-\u9fff]{2,})(?= \(|,| and|\))", paragraph.split("may open:", 1)[1])
    labels = _menu_labels()
    assert named and not [n for n in named if n not in labels], [n for n in named if n not in labels]

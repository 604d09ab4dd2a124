"""The English catalogs agree: Django merges every app's catalog into one, so a Chinese msgid that two
apps translate differently would read one way or the other depending on the order of INSTALLED_APPS.
The same words say the same thing on every page."""

from __future__ import annotations

import gettext
from pathlib import Path

import chengguan

CATALOGS = sorted(Path(chengguan.__file__).parent.glob("**/locale/en/LC_MESSAGES/django.mo"))


def _entries(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    return {str(key): value for key, value in catalog.items() if key}


def test_every_app_with_pages_has_an_english_catalog():
    apps = {path.parents[3].name for path in CATALOGS}
    assert {"web", "portal", "channels", "merchants", "org", "taxonomy", "core", "cases"} <= apps


def test_a_chinese_msgid_has_one_english_translation_across_the_apps():
    seen: dict[str, tuple[str, Path]] = {}
    clashes = []
    for path in CATALOGS:
        for msgid, english in _entries(path).items():
            first = seen.setdefault(msgid, (english, path))
            if first[0] != english:
                where = f"{first[1].parents[3].name} / {path.parents[3].name}"
                clashes.append(f"{msgid!r}: {first[0]!r} ≠ {english!r} ({where})")
    assert not clashes, "\n".join(clashes)

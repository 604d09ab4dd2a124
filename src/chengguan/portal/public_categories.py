"""The problem types offered to the public, from `data/public_categories.yaml`, each mapped to a
minor category of the active taxonomy. Citizens do not know GB/T 30428 codes; they know "小广告"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

from chengguan.taxonomy.models import Category
from chengguan.taxonomy.selectors import active_categories

DATA_FILE = Path(__file__).parent / "data" / "public_categories.yaml"


@dataclass(frozen=True)
class PublicCategory:
    key: str
    label: str
    hint: str
    code: str
    label_en: str
    hint_en: str

    @property
    def local_label(self) -> str:
        """The label in the reader's language (the data file carries Chinese and English)."""
        return self.label_en if _english() else self.label

    @property
    def local_hint(self) -> str:
        return self.hint_en if _english() else self.hint


def _english() -> bool:
    return (get_language() or "").startswith("en")


@cache
def all_public_categories() -> tuple[PublicCategory, ...]:
    """Every entry of the data file, in its order (read once per process)."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return tuple(PublicCategory(**{k: str(v) for k, v in row.items()}) for row in yaml.safe_load(fh))


def offered() -> list[tuple[PublicCategory, Category]]:
    """The types whose category exists in the active taxonomy, with that category."""
    entries = all_public_categories()
    found = {c.code: c for c in active_categories().filter(code__in=[e.code for e in entries])}
    return [(entry, found[entry.code]) for entry in entries if entry.code in found]


def by_key(key: str) -> tuple[PublicCategory, Category] | None:
    return next((pair for pair in offered() if pair[0].key == key), None)

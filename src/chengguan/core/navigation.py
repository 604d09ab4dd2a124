"""The staff side menu, assembled from what each app registers, so `web` draws the menu without
importing the apps and a new app adds its pages without editing `web`.

Each app registers, in its `AppConfig.ready()`, a function `entries(user, roles) -> list[dict]`
giving the items that user may open (`name`, `label`, `url`, `icon`, optional `badge`), and an
`order`: the menu lists the sections by order, then by the order they were registered.

A `badge` is a function of no arguments giving a count (my to-dos, ratings waiting): the page is
drawn without counting, and the menu fetches the counts after it has loaded (`badge_counts`), so
no page waits for them.

    navigation.register(200, review_nav)
"""

from __future__ import annotations

from collections.abc import Callable

Entries = Callable[[object, frozenset[str]], list[dict]]

# Where the apps of today sit, with gaps for new ones.
CASES, REVIEW, PENALTIES, FOUNDATION, MERCHANTS, CHANNELS, FIGURES, REFERENCE = (
    100,
    200,
    300,
    400,
    500,
    600,
    800,
    900,
)

_sections: list[tuple[int, int, Entries]] = []


def register(order: int, entries: Entries) -> None:
    """Add a section of the side menu; registering the same function again changes nothing."""
    if any(fn is entries for _, _, fn in _sections):
        return
    _sections.append((order, len(_sections), entries))
    _sections.sort(key=lambda section: section[:2])


def staff_entries(user, roles: frozenset[str]) -> list[dict]:
    """Every registered section's items for this member of staff, in menu order."""
    return [item for _, _, entries in _sections for item in entries(user, roles)]


def badge_counts(user, roles: frozenset[str]) -> dict[str, int]:
    """The count of each item of this member's menu that has a badge."""
    return {item["name"]: item["badge"]() for item in staff_entries(user, roles) if item.get("badge")}

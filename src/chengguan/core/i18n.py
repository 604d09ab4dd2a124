"""Chinese is the source language: every label is a `gettext_lazy` msgid in Chinese, English is a
translation chosen with the language switch.

A few outputs stay Chinese whatever the reader's language: the import templates and exports that
are exchanged with the bureau's partners (the 12345 platform parses our column names and values),
and the messages of the API (`{"code", "message"}`, the message in Chinese). They take the source
text of a label instead of its translation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils import translation


def source_text(text) -> str:
    """The Chinese source of a (lazily) translated string, whatever language is active."""
    with translation.override(None):
        return str(text)


def source_labels(labels: Iterable) -> list[str]:
    """`source_text` of each label, e.g. of `BusinessType.labels`."""
    with translation.override(None):
        return [str(label) for label in labels]


def source_choices(choices: type[models.Choices]) -> dict[str, str]:
    """Value → Chinese label of a choices class."""
    return dict(zip(choices.values, source_labels(choices.labels), strict=True))

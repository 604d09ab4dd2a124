"""What a migration needs when a model moves to another app with its rows (see
`messaging/migrations/` and `feedback/migrations/`): its content types follow it, so permissions
granted on the model and admin log entries stay attached. A fresh database has no content types yet
and nothing happens."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import migrations


def content_types_follow(models: Iterable[str], *, old_app: str, new_app: str) -> migrations.RunPython:
    """A reversible data operation that relabels the content types of `models` (lower-case names)."""
    names = tuple(models)

    def move(apps, source: str, target: str) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in names:
            if not content_type.objects.filter(app_label=target, model=model).exists():
                content_type.objects.filter(app_label=source, model=model).update(app_label=target)

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, old_app, new_app),
        lambda apps, schema_editor: move(apps, new_app, old_app),
    )

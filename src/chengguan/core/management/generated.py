"""A command that writes a page of docs/ generated from the code (`--check`: fail when it is stale),
so the page and the code cannot drift apart unnoticed (a test runs each with `--check`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class GeneratedDocCommand(BaseCommand):
    """Subclasses set `doc` (the page) and `command` (its name for the message) and give `render`."""

    doc: Path
    command: str

    def render(self) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool, **options):
        text = self.render()
        if check:
            if not self.doc.exists() or self.doc.read_text(encoding="utf-8") != text:
                raise CommandError(f"docs/{self.doc.name} is stale: run `chengguan {self.command}`")
            return
        self.doc.write_text(text, encoding="utf-8")
        self.stdout.write(f"{self.doc}: written")

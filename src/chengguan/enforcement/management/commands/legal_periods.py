"""`chengguan legal-periods`: the statutory deadlines of a case, or those an event starts, as JSON."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from chengguan.core.errors import DomainError
from chengguan.enforcement import periods, selectors


class Command(BaseCommand):
    help = (
        "Print statutory deadlines as JSON: of a penalty case (--case) or started by an event (--event --on)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case", help="penalty case number, e.g. 中原城管罚立字〔2026〕第0001号")
        parser.add_argument("--event", choices=periods.EVENTS)
        parser.add_argument("--on", help="the event's date, YYYY-MM-DD")

    def handle(self, *args, **opts):
        if bool(opts["case"]) == bool(opts["event"]):
            raise CommandError("give either --case NUMBER or --event EVENT --on YYYY-MM-DD")
        if opts["case"]:
            case = selectors.case_by_number(opts["case"])
            if case is None:
                raise CommandError(f"no penalty case numbered {opts['case']}")
            found = periods.case_deadlines(case)
            out = {"case": case.number, "deadlines": [d.as_json() for d in found]}
        else:
            if not opts["on"]:
                raise CommandError("--event needs --on YYYY-MM-DD")
            try:
                on = dt.date.fromisoformat(opts["on"])
                found = periods.deadlines_for_event(opts["event"], on)
            except (ValueError, DomainError) as exc:
                raise CommandError(str(exc)) from exc
            out = {"event": opts["event"], "on": on.isoformat(), "deadlines": [d.as_json() for d in found]}
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))

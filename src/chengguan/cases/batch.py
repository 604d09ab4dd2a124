"""Many case steps at once, by the rules of the single-case services (the demo year, bulk loads).

`CaseBatch` takes reports and actions with the same checks and changes as `case_report` and
`case_transition` — it calls the same code: `check_report`, `new_report_case` and the kernel's
in-memory `CASE_MACHINE.run` (the table, permissions, required fields, guards, steps, due times,
delays, extensions) — and writes the same audit events with the same before/after. Its steps write
evidence and ask for routing proposals through `BatchEffects`, the bulk form of `CaseEffects`.

What differs is how it writes: the cases it touches stay in memory, and at the end of each chunk
(one transaction, e.g. a simulated day) the changed columns go out in prepared bulk UPDATEs,
evidence rows in bulk, and the audit events in one append to the hash chain (`audit.record_many`).
A file with the same content is stored once and shared by all its evidence rows (same SHA-256).

A step that breaks a rule is refused: it is listed in `refused` with its error, changes nothing,
and the other steps go on (`strict=True` raises the error instead).

A batch owns the cases it has loaded until it is done, so run it where nobody else works on those
cases at the same moment (demo data, a migration, an import before opening the doors).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from chengguan.cases.effects import CaseEffects
from chengguan.cases.models import Case, CaseEvidence, EvidenceStage
from chengguan.cases.services import check_report, new_report_case, report_audit_after
from chengguan.cases.states import CASE_MACHINE, Action, announce, snapshot
from chengguan.core import audit, clock, evidence, inserts
from chengguan.core.errors import DomainError
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation
from chengguan.taxonomy.models import Category, RoutingRule

T = TypeVar("T")
REPORT = "report"
# Actions whose rule reads other cases from the database (the merge target): the cases changed in
# memory are written first so the rule sees them as they are.
READS_OTHER_CASES = frozenset({Action.MERGE})
_CASE_FIELDS = [f for f in Case._meta.concrete_fields if not f.primary_key]
_CASE_NAMES = [f.attname for f in _CASE_FIELDS]
_values = operator.attrgetter(*_CASE_NAMES)  # every column of a case, as one tuple
_DATETIME_NAMES = [f.attname for f in _CASE_FIELDS if f.get_internal_type() == "DateTimeField"]


@dataclass(frozen=True)
class Refusal:
    """A step the rules refused: nothing of it was written."""

    step: int  # position among the steps this batch was given, from 0
    action: str
    case: Case | None
    code: str
    message: str
    fields: dict = field(default_factory=dict)


class CaseBatch:
    """Reports and actions applied in memory and written in bulk, one transaction per `chunk()`."""

    def __init__(self, *, announce: bool = True, strict: bool = False):
        # `announce`: send `case_changed` after each chunk commits, once per step and in order, as the
        # single-case services do after each call.
        self.announce = announce
        self.strict = strict
        self.refused: list[Refusal] = []
        self.steps = 0
        self._cases: dict[int, Case] = {}
        self._saved: dict[int, tuple] = {}  # column values as last written, to find what changed
        self._dirty: dict[int, Case] = {}
        self._events: list[audit.PendingEvent] = []
        self._effects = BatchEffects()
        self._grids: dict[int, Grid] | None = None

    # -- transactions ------------------------------------------------------------------------------

    @contextmanager
    def chunk(self) -> Iterator[CaseBatch]:
        """One transaction: the steps taken inside are written when the block ends, or not at all."""
        try:
            with transaction.atomic():
                yield self
                self.flush()
        except BaseException:
            self._forget()  # what is in memory may describe rows that were rolled back
            raise

    def flush(self) -> None:
        """Write what the steps so far changed: case columns, evidence rows, then the audit events."""
        self._write_cases(self._dirty.values())
        self._dirty = {}
        self._effects.flush()
        if self._events:
            audit.record_many(self._events)
            self._events = []

    # -- steps -------------------------------------------------------------------------------------

    def report(self, *, actor, at: dt.datetime | None = None, **fields: Any) -> Case | None:
        """上报, as `case_report` (same arguments): the new case, the first case of a retried
        idempotency key, or None when refused."""
        step = self._next_step()
        now = at or clock.now()
        try:
            intake = check_report(actor=actor, **fields)
        except DomainError as exc:
            return self._refuse(step, REPORT, None, exc)
        try:
            # Inserted now, as the evidence, events and later steps point at its id. A retried key
            # fails on the unique index: the savepoint gives its number back, and the first case is
            # returned, as `case_report` does.
            with transaction.atomic() if intake.scoped_key else nullcontext():
                case = new_report_case(actor, intake, now)
                inserts.insert(case)
        except IntegrityError:
            first = intake.scoped_key and Case.objects.filter(idempotency_key=intake.scoped_key).first()
            if not first:
                raise
            return self.get(first)
        self._adopt(case)
        effects = self._effects
        stored = [
            effects.add_evidence(case, info, EvidenceStage.REPORT, actor, now) for info in intake.photos
        ]
        self._event(actor, "case.report", case, None, report_audit_after(case, intake, stored), now)
        _as_stored(case)
        if self.announce:
            _announce_on_commit(case, REPORT, actor)
        return case

    def transition(
        self, *, actor, case: Case | int, action: str, at: dt.datetime | None = None, **payload: Any
    ) -> Case | None:
        """One action of the case machine, as `case_transition`: the case, or None when refused."""
        step = self._next_step()
        try:
            CASE_MACHINE.get(action)
            current = self.get(case)
        except DomainError as exc:
            return self._refuse(step, action, None, exc)
        if action in READS_OTHER_CASES:
            self._write_cases(self._dirty.values())
            self._dirty = {}
        now = at or clock.now()
        before = snapshot(current)
        values = _values(current)
        evidence_mark = self._effects.mark()
        try:
            extra = CASE_MACHINE.run(
                current, action, actor=actor, data=payload, now=now, effects=self._effects
            )
        except DomainError as exc:
            # The rule may have changed the case in memory before it refused: put it back.
            for name, value, now_value in zip(_CASE_NAMES, values, _values(current), strict=True):
                if now_value != value:
                    setattr(current, name, value)
            self._effects.undo(evidence_mark)
            return self._refuse(step, action, current, exc)
        current.updated_at = timezone.now()
        self._dirty[current.pk] = current
        audit_action = f"{CASE_MACHINE.audit_prefix}.{action}"
        self._event(actor, audit_action, current, before, {**snapshot(current), **extra}, now)
        _as_stored(current)
        if self.announce:
            _announce_on_commit(current, action, actor)
        return current

    def call(
        self, service: Callable[..., T], *, touches: Case | int, at: dt.datetime | None = None, **kwargs
    ) -> T | None:
        """A single-case service with no bulk form (督办 and its reply), called with `kwargs`: the case
        it `touches` is written first, with its waiting audit events, so the service sees the case as
        it is and its event follows the case's own; the case is read again when next used. Returns
        the service's result, or None when refused."""
        step = self._next_step()
        pk = touches.pk if isinstance(touches, Case) else touches
        if pk in self._dirty:
            self._write_cases([self._dirty.pop(pk)])
        mine = [e for e in self._events if isinstance(e.obj, Case) and e.obj.pk == pk]
        if mine:
            self._events = [e for e in self._events if not (isinstance(e.obj, Case) and e.obj.pk == pk)]
            audit.record_many(mine)
        try:
            with clock.pinned(at) if at else nullcontext():
                result = service(**kwargs)
        except DomainError as exc:
            return self._refuse(step, getattr(service, "__name__", "service"), self._cases.get(pk), exc)
        self._drop(pk)
        return result

    def get(self, case: Case | int) -> Case:
        """The batch's copy of a case (loaded and locked on first use)."""
        pk = case.pk if isinstance(case, Case) else case
        if pk in self._cases:
            return self._cases[pk]
        loaded = CASE_MACHINE.lock(pk)
        self._adopt(loaded)
        return loaded

    def add_event(self, event: audit.PendingEvent) -> None:
        """Queue an audit event of a row the caller writes in this chunk, in time order with the rest."""
        self._events.append(event)

    # -- internals ---------------------------------------------------------------------------------

    def _next_step(self) -> int:
        self.steps += 1
        return self.steps - 1

    def _refuse(self, step: int, action: str, case: Case | None, exc: DomainError) -> None:
        if self.strict:
            raise exc
        self.refused.append(Refusal(step, action, case, exc.code, exc.message, dict(exc.fields or {})))
        return None

    def _event(self, actor, action: str, case: Case, before, after, now: dt.datetime) -> None:
        self._events.append(audit.PendingEvent(actor, action, case, before, after, created_at=now))

    def _adopt(self, case: Case) -> None:
        """Keep a case in memory, with its grid at hand for the routing rules at filing."""
        if case.grid_id is not None:
            if self._grids is None:
                grids = Grid.objects.select_related("squad").defer("geometry")
                self._grids = {grid.pk: grid for grid in grids}
            Case.grid.field.set_cached_value(case, self._grids[case.grid_id])
        self._cases[case.pk] = case
        self._saved[case.pk] = _values(case)

    def _drop(self, pk: int) -> None:
        self._cases.pop(pk, None)
        self._saved.pop(pk, None)
        self._dirty.pop(pk, None)

    def _forget(self) -> None:
        self._cases.clear()
        self._saved.clear()
        self._dirty.clear()
        self._events = []
        self._effects.forget()

    def _write_cases(self, dirty: Iterable[Case]) -> None:
        """The changed columns of these cases: one prepared UPDATE per set of changed columns."""
        groups: dict[tuple[int, ...], list[Case]] = defaultdict(list)
        for case in dirty:
            saved = self._saved[case.pk]
            changed = tuple(k for k, (a, b) in enumerate(zip(_values(case), saved, strict=True)) if a != b)
            if changed:
                groups[changed].append(case)
        table = connection.ops.quote_name(Case._meta.db_table)
        for columns, cases in groups.items():
            fields = [_CASE_FIELDS[k] for k in columns]
            assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
            rows = [
                [*(f.get_db_prep_save(getattr(case, f.attname), connection) for f in fields), case.pk]
                for case in cases
            ]
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)
            for case in cases:
                self._saved[case.pk] = _values(case)


class BatchEffects(CaseEffects):
    """`CaseEffects` for a batch: each content is stored once (or found among the files already
    stored) and its rows wait for the bulk insert at the end of the chunk; the routing rules' answer
    is remembered for the length of the batch, as the rules do not change during it."""

    def __init__(self):
        self.evidence: list[CaseEvidence] = []
        self._files: dict[str, tuple[str, str]] = {}  # sha256 -> stored file and thumbnail names
        self._proposals: dict[tuple, Organisation | None] = {}
        self._area_rules: tuple[bool, bool, bool] | None = None

    def propose_handler(self, *, category: Category, grid: Grid) -> Organisation | None:
        """Its rules read the category (and its major class), the grid's squad, and the grid, its
        community or its sub-district only where some rule names one of those: cases that share
        what is read share the answer."""
        if self._area_rules is None:
            rules = RoutingRule.objects.all()
            self._area_rules = tuple(
                rules.filter(**{f"{level}__isnull": False}).exists()
                for level in ("grid", "community", "subdistrict")
            )
        by_grid, by_community, by_subdistrict = self._area_rules
        key = (
            category.pk,
            grid.squad_id,
            grid.pk if by_grid else None,
            grid.community_id if by_community else None,
            grid.subdistrict_id if by_subdistrict else None,
        )
        if key not in self._proposals:
            self._proposals[key] = super().propose_handler(category=category, grid=grid)
        return self._proposals[key]

    def write_evidence(self, item: CaseEvidence, info: evidence.EvidenceInfo) -> None:
        names = self._files.get(info.sha256)
        if names is None:
            stored = (
                CaseEvidence.objects.filter(sha256=info.sha256)
                .exclude(file="")
                .values_list("file", "thumbnail")
                .first()
            )
            if stored is None:
                evidence.save_to(item, info)
                stored = (item.file.name, item.thumbnail.name or "")
            names = self._files[info.sha256] = stored
        item.file, item.thumbnail = names
        self.evidence.append(item)

    def mark(self) -> int:
        return len(self.evidence)

    def undo(self, mark: int) -> None:
        """Drop the rows of a step that was refused."""
        del self.evidence[mark:]

    def flush(self) -> None:
        if self.evidence:
            CaseEvidence.objects.bulk_create(self.evidence, batch_size=500)
            self.evidence = []

    def forget(self) -> None:
        self.evidence = []


def _announce_on_commit(case: Case, action: str, actor) -> None:
    transaction.on_commit(lambda: announce(case, action, actor))


def _as_stored(case: Case) -> None:
    """Times as the database gives them back (UTC), which is how the single-case services see a case
    at its next step, and so how its times appear in the `before` of that step's audit event."""
    for name in _DATETIME_NAMES:
        value = getattr(case, name)
        if value is not None and value.tzinfo is not dt.UTC:
            setattr(case, name, value.astimezone(dt.UTC))


# --- a plan of steps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One planned step. `action` "report" takes `case_report`'s arguments in `payload` and names the
    new case `label`; any other action applies to `case`: the label of a case reported earlier in
    the same plan, or a case id."""

    at: dt.datetime
    actor: Any
    action: str
    payload: dict = field(default_factory=dict)
    case: str | int | None = None
    label: str | None = None


@dataclass
class BatchResult:
    cases: dict[str, Case]  # by label
    refused: list[Refusal]


def apply_steps(steps: Iterable[Step], *, announce: bool = True) -> BatchResult:
    """Apply planned steps in time order, one transaction per calendar day (Beijing time).
    A step on a case whose report was refused is refused too."""
    batch = CaseBatch(announce=announce)
    labelled: dict[str, Case] = {}
    ordered = sorted(steps, key=lambda s: s.at)
    k = 0
    while k < len(ordered):
        day = ordered[k].at.astimezone(clock.SHANGHAI).date()
        with batch.chunk():
            while k < len(ordered) and ordered[k].at.astimezone(clock.SHANGHAI).date() == day:
                step = ordered[k]
                k += 1
                with clock.pinned(step.at):
                    if step.action == REPORT:
                        case = batch.report(actor=step.actor, at=step.at, **step.payload)
                        if case is not None and step.label:
                            labelled[step.label] = case
                        continue
                    target = labelled.get(step.case, -1) if isinstance(step.case, str) else step.case
                    batch.transition(
                        actor=step.actor, case=target, action=step.action, at=step.at, **step.payload
                    )
    return BatchResult(labelled, batch.refused)

"""One kernel for every lifecycle (case, penalty case, letter, and the apps of the second wave).

An app declares a `Machine`: its model, its states and actions (TextChoices with translated labels),
the fields its actions take (`FieldSpec`) and a table of `Transition` rows. Each row carries the
states it starts from, the target, the named permission that may take it, its required and optional
fields, its guards and its step function. Everything else is here, once:

- `available_actions(obj, actor)` — what the buttons, the API's `available_actions` and the matrix
  test read: the state, the permission and every guard, so nothing is offered that `apply` refuses.
- `apply(obj, action, actor, **data)` — lock the row, check the state (409), the permission (403),
  clean the fields (400), run the guards once (409, or 400 for a guard on an input field), run the
  step, set the target state from the table, `save(update_fields=…)` the changed columns, write the
  audit event and schedule the announcement for after the commit. One transaction.
- `run(...)` — the same rule on a row already loaded, without locking, saving or auditing, for bulk
  writers that save many rows at once (cases/batch.py) and must stay identical to `apply`.

A step function takes the `Context` and changes `ctx.obj` in memory (and may write rows that hang off
it); it returns extra values for the audit event, or None. It does not set the state: the table does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from chengguan.core import audit, calendar, clock
from chengguan.core.errors import Conflict, NotFound, ValidationFailed
from chengguan.core.permissions import ALWAYS, Rule
from chengguan.core.workflow.fields import EMPTY, FieldSpec, Invalid

STAY = "="  # target: the state does not change
RESUME = "<"  # target: back to the state remembered when the object was suspended

Step = Callable[["Context"], "dict | None"]


@dataclass(frozen=True)
class Guard:
    """A rule that must hold for a transition. Guards without `field` are preconditions on the object
    (and the date): `available_actions` checks them too. A guard on an input `field` (e.g. a reason
    that becomes required when a stage is late) is checked by `apply` only, and refuses with 400 on
    that field instead of 409."""

    test: Callable[[Context], bool]
    code: str
    message: Any  # a string, or a callable taking the Context (for messages that name dates)
    field: str | None = None

    def refusal(self, ctx: Context) -> Conflict | ValidationFailed | None:
        if self.test(ctx):
            return None
        message = str(self.message(ctx) if callable(self.message) else self.message)
        if self.field:
            return ValidationFailed(message, code=self.code, fields={self.field: [message]})
        return Conflict(message, code=self.code)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str  # a state, STAY or RESUME
    permission: Rule
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    step: Step | None = None
    remember: bool = False  # keep the current state in the machine's memory field (suspension)
    # Field specs of this row that differ from the machine's (a `unit` that is a time unit here).
    specs: Mapping[str, FieldSpec] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional


def transition(
    action: str,
    sources: Iterable[str],
    target: str,
    permission: Rule,
    *,
    required: Iterable[str] = (),
    optional: Iterable[str] = (),
    guards: Iterable[Guard] = (),
    step: Step | None = None,
    remember: bool = False,
    specs: Mapping[str, FieldSpec] | None = None,
) -> Transition:
    """A table row; sources and field names may be given as any iterable. `specs` overrides the
    machine's spec of a field for this row only."""
    return Transition(
        action=str(action),
        sources=frozenset(str(s) for s in sources),
        target=str(target),
        permission=permission,
        required=tuple(required),
        optional=tuple(optional),
        guards=tuple(guards),
        step=step,
        remember=remember,
        specs=dict(specs or {}),
    )


@dataclass
class Context:
    """What a guard or a step sees: the object, who acts, the cleaned input and the moment."""

    machine: Machine
    obj: Any
    actor: Any
    transition: Transition
    data: dict[str, Any]
    now: dt.datetime
    effects: Any = None
    checking: bool = False  # True when only asked which actions are available
    hints: dict[str, Any] = field(default_factory=dict)

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(clock.SHANGHAI).date()

    def get(self, name: str, default: Any = None) -> Any:
        value = self.data.get(name)
        return default if value in EMPTY else value

    def hint(self, name: str, compute: Callable[[], Any]) -> Any:
        """A value a list computed for many rows at once (e.g. an annotation), else computed now."""
        if name not in self.hints:
            self.hints[name] = compute()
        return self.hints[name]


class Machine:
    """A lifecycle declared as data. See the module docstring for what it does with the table."""

    def __init__(
        self,
        *,
        name: str,
        model: type[models.Model],
        states: type[models.TextChoices],
        actions: type[models.TextChoices],
        fields: Mapping[str, FieldSpec],
        transitions: Iterable[Transition],
        noun: str,
        error_prefix: str,
        audit_prefix: str | None = None,
        state_field: str = "state",
        memory_field: str | None = None,
        scope: Rule = ALWAYS,
        applies: Callable[[Any, Transition], bool] | None = None,
        snapshot: Callable[[Any], dict] | None = None,
        lock_related: tuple[str, ...] = (),
        after_save: Callable[[Context], None] | None = None,
        announce: Callable[[Any, str, Any], None] | None = None,
        effects: Callable[[], Any] | None = None,
    ):
        self.name = name
        self.model = model
        self.states = states
        self.actions = actions
        self.fields = dict(fields)
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.action in self.transitions:
                raise ValueError(f"{name}: action {t.action!r} is declared twice")
            unknown = set(t.fields) - set(self.fields) - set(t.specs)
            if unknown:
                raise ValueError(f"{name}.{t.action}: no FieldSpec for {sorted(unknown)}")
            self.transitions[t.action] = t
        self.noun = noun
        self.error_prefix = error_prefix
        self.audit_prefix = audit_prefix or error_prefix
        self.state_field = state_field
        self.memory_field = memory_field
        self.scope = scope
        self.applies = applies
        self.snapshot = snapshot or (lambda obj: {state_field: getattr(obj, state_field)})
        self.lock_related = lock_related
        self.after_save = after_save
        self.announce = announce
        self.make_effects = effects
        REGISTRY[name] = self

    # -- reading the table --------------------------------------------------------------------------

    def __iter__(self):
        return iter(self.transitions.values())

    def get(self, action: str) -> Transition:
        try:
            return self.transitions[str(action)]
        except KeyError:
            raise NotFound(f"未知的操作：{action}", code=f"{self.error_prefix}.unknown_action") from None

    def spec(self, t: Transition, name: str) -> FieldSpec:
        """The spec of field `name` in row `t` (the row's own, else the machine's)."""
        return t.specs.get(name) or self.fields[name]

    def label(self, action: str) -> str:
        return str(self.actions(action).label)

    def state_label(self, state: str) -> str:
        return str(self.states(state).label)

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def is_possible(self, obj, t: Transition) -> bool:
        """The table allows `t` from the object's state (and the object's kind, when `applies` says)."""
        return self.state_of(obj) in t.sources and (self.applies is None or self.applies(obj, t))

    # -- the rule -----------------------------------------------------------------------------------

    def available_actions(self, obj, actor, *, now: dt.datetime | None = None, **hints) -> list[str]:
        """The actions `actor` may take on `obj` now, in table order."""
        out = []
        moment = now or clock.now()
        with calendar.for_bureau(getattr(obj, "bureau_id", None)):
            for t in self.transitions.values():
                if not self.is_possible(obj, t) or not (self.scope(actor, obj) and t.permission(actor, obj)):
                    continue
                ctx = Context(self, obj, actor, t, {}, moment, checking=True, hints=hints)
                if all(g.field or g.refusal(ctx) is None for g in t.guards):
                    out.append(t.action)
        return out

    def run(
        self,
        obj,
        action: str,
        *,
        actor,
        data: Mapping[str, Any] | None = None,
        now: dt.datetime | None = None,
        effects: Any = None,
        hints: Mapping[str, Any] | None = None,
    ) -> dict:
        """The rule of one action on a loaded object, in memory: returns the audit event's extras."""
        with calendar.for_bureau(getattr(obj, "bureau_id", None)):
            return self._run(obj, action, actor=actor, data=data, now=now, effects=effects, hints=hints)[1]

    def _run(self, obj, action, *, actor, data, now, effects, hints=None) -> tuple[Context, dict]:
        t = self.get(action)
        if not self.is_possible(obj, t):
            raise self.invalid(obj, t)
        label = self.label(t.action)
        self.scope.refuse(actor, obj, action=label)
        t.permission.refuse(actor, obj, action=label)
        ctx = Context(
            self,
            obj,
            actor,
            t,
            self.clean(t, data or {}),
            now or clock.now(),
            effects=effects if effects is not None else (self.make_effects() if self.make_effects else None),
            hints=dict(hints or {}),
        )
        for guard in t.guards:
            refusal = guard.refusal(ctx)
            if refusal is not None:
                raise refusal
        if t.remember:
            setattr(obj, self.memory_field, self.state_of(obj))
        extra = (t.step(ctx) if t.step else None) or {}
        if t.target == RESUME:
            setattr(obj, self.state_field, getattr(obj, self.memory_field))
            setattr(obj, self.memory_field, "")
        elif t.target != STAY:
            setattr(obj, self.state_field, t.target)
        return ctx, extra

    def apply(self, obj, action: str, *, actor, now: dt.datetime | None = None, effects: Any = None, **data):
        """Take one action on `obj` (an instance or a primary key) in one transaction; returns the
        object as saved."""
        self.get(action)
        pk = obj.pk if isinstance(obj, models.Model) else obj
        with transaction.atomic():
            locked = self.lock(pk)
            before = self.snapshot(locked)
            stored = _column_values(locked)
            moment = now or clock.now()
            # Deadlines the step computes count the days of the object's own bureau.
            with calendar.for_bureau(getattr(locked, "bureau_id", None)):
                ctx, extra = self._run(locked, action, actor=actor, data=data, now=moment, effects=effects)
            save_changed(locked, stored)
            if self.after_save:
                self.after_save(ctx)
            audit.record(
                actor=actor,
                action=f"{self.audit_prefix}.{action}",
                obj=locked,
                before=before,
                after={**self.snapshot(locked), **extra},
            )
            if self.announce:
                announce = self.announce
                transaction.on_commit(lambda: announce(locked, action, actor))
        return locked

    def lock(self, pk):
        """The row, locked for the transaction (only its own table: PostgreSQL cannot lock the nullable
        side of an outer join)."""
        row = (
            self.model._default_manager.select_for_update(of=("self",))
            .select_related(*self.lock_related)
            .filter(pk=pk)
            .order_by()
            .first()
        )
        if row is None:
            raise NotFound(f"{self.noun}不存在。", code=f"{self.error_prefix}.not_found")
        return row

    def clean(self, t: Transition, data: Mapping[str, Any]) -> dict[str, Any]:
        """The action's fields cleaned by their specs; every missing or bad field reported at once."""
        cleaned: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for name in t.fields:
            value = data.get(name)
            spec = self.spec(t, name)
            if isinstance(value, str) and spec.kind != "data":
                value = value.strip()
            if value in EMPTY:
                if name in t.required:
                    errors[name] = ["此项为必填项。"]
                continue
            try:
                cleaned[name] = spec.clean(value)
            except Invalid as exc:
                errors[name] = [str(exc)]
        if errors:
            missing = all(messages == ["此项为必填项。"] for messages in errors.values())
            code = "missing_fields" if missing else "invalid_fields"
            message = "请填写必填项。" if missing else "提交的数据有误，请检查标出的字段。"
            raise ValidationFailed(message, code=f"{self.error_prefix}.{code}", fields=errors)
        return cleaned

    def invalid(self, obj, t: Transition) -> Conflict:
        state = self.state_label(self.state_of(obj))
        return Conflict(
            _("%(noun)s当前状态为「%(state)s」，不能执行「%(action)s」。")
            % {"noun": self.noun, "state": state, "action": self.label(t.action)},
            code=f"{self.error_prefix}.invalid_transition",
        )


REGISTRY: dict[str, Machine] = {}


def _column_values(obj) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def save_changed(obj, before: dict[str, Any]) -> list[str]:
    """Write only the columns that changed since `before` (and the `auto_now` ones with them)."""
    changed = [name for name, value in _column_values(obj).items() if before[name] != value]
    if changed:
        stamps = [f.attname for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=sorted({*changed, *stamps}))
    return changed

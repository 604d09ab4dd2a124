"""Named permissions: predicates over (actor, object) that services, selectors, views and templates
all call, so "who may do this" is answered in one place.

A `Rule` is one predicate with the refusal it gives (a stable English code and a Chinese message).
Rules combine with `&` (all must hold; the first that fails gives the refusal) and `|` (any may
hold; the refusal is the last one's). `permission(name, rule)` gives a combination a name, registers
it and returns it; templates ask by name with `{% can "cases.reveal_phone" case as may %}`.

The pattern is django-rules' (named predicates composed with operators), with one addition the
project needs: a refusal says why (`case.role_forbidden` differs from `case.not_your_unit`).
Superusers get no automatic pass here: scope rules decide what a superuser may do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chengguan.core.errors import PermissionDenied

Test = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Rule:
    """One predicate over (actor, obj). `message` may hold `{action}` (the label of what is tried)."""

    test: Test
    code: str = "permission_denied"
    message: str = "您没有执行该操作的权限。"
    name: str = ""

    def __call__(self, actor, obj=None) -> bool:
        return bool(self.test(actor, obj))

    def denial(self, actor, obj=None) -> Rule | None:
        """The rule that refuses `actor`, or None when allowed."""
        return None if self(actor, obj) else self

    def __and__(self, other: Rule) -> Rule:
        return AllOf((self, other))

    def __or__(self, other: Rule) -> Rule:
        return AnyOf((self, other))

    def refuse(self, actor, obj=None, **context) -> None:
        """Raise the refusal (HTTP 403) when `actor` may not; `context` fills the message."""
        failed = self.denial(actor, obj)
        if failed is not None:
            message = str(failed.message)
            raise PermissionDenied(message.format(**context) if context else message, code=failed.code)


class AllOf(Rule):
    """Every rule must hold; the first that fails gives the refusal."""

    rules: tuple[Rule, ...]

    def __init__(self, rules: tuple[Rule, ...], name: str = ""):
        flat: list[Rule] = []
        for rule in rules:
            flat.extend(rule.rules if isinstance(rule, AllOf) and not rule.name else (rule,))
        object.__setattr__(self, "rules", tuple(flat))
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "test", self._all)
        object.__setattr__(self, "code", flat[-1].code if flat else "permission_denied")
        object.__setattr__(self, "message", flat[-1].message if flat else "")

    def _all(self, actor, obj) -> bool:
        return all(rule(actor, obj) for rule in self.rules)

    def denial(self, actor, obj=None) -> Rule | None:
        for rule in self.rules:
            failed = rule.denial(actor, obj)
            if failed is not None:
                return failed
        return None


class AnyOf(Rule):
    """One rule must hold; when none does, the last one's refusal is given."""

    rules: tuple[Rule, ...]

    def __init__(self, rules: tuple[Rule, ...], name: str = ""):
        object.__setattr__(self, "rules", tuple(rules))
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "test", self._any)
        object.__setattr__(self, "code", rules[-1].code)
        object.__setattr__(self, "message", rules[-1].message)

    def _any(self, actor, obj) -> bool:
        return any(rule(actor, obj) for rule in self.rules)

    def denial(self, actor, obj=None) -> Rule | None:
        failed = None
        for rule in self.rules:
            failed = rule.denial(actor, obj)
            if failed is None:
                return None
        return failed


def describe(rule: Rule) -> str:
    """The rule as its parts' names (`holds:operator,shift_leader & in_bureau`), for the docs."""
    if isinstance(rule, (AllOf, AnyOf)):
        joiner = " & " if isinstance(rule, AllOf) else " | "
        parts = [describe(part) for part in rule.rules]
        text = joiner.join(p for p in parts if p)
        return f"({text})" if isinstance(rule, AnyOf) and len(parts) > 1 else text
    return rule.name


ALWAYS = Rule(lambda actor, obj: True, name="always")

REGISTRY: dict[str, Rule] = {}


def permission(name: str, rule: Rule) -> Rule:
    """Name and register a permission (`<app>.<what>`, e.g. `cases.reveal_phone`)."""
    if name in REGISTRY:
        raise ValueError(f"permission {name!r} is declared twice")
    named = AllOf((rule,), name=name)
    REGISTRY[name] = named
    return named


def get(name: str) -> Rule:
    """A registered permission by name; an unknown name is a programming error."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise LookupError(f"unknown permission {name!r}") from None


def allows(actor, name: str, obj=None) -> bool:
    return get(name)(actor, obj)

"""System work runs as an account of its own (org.system): no service takes `actor=None` to mean
"the system", a lock after failed logins names the installation's system account, and the system
role grants nothing to a person who is given it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import chengguan
from chengguan.core.errors import PermissionDenied
from chengguan.core.models import AuditEvent
from chengguan.org import services
from chengguan.org.models import OrgKind
from chengguan.org.roles import RoleCode
from chengguan.org.selectors import role_codes
from chengguan.org.system import system_actor
from tests import factories

SRC = Path(chengguan.__file__).resolve().parent


def _actor_defaults_to_none(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
            for arg, default in pairs:
                if arg.arg == "actor" and isinstance(default, ast.Constant) and default.value is None:
                    found.append(f"{node.name}:{node.lineno}")
    return found


def test_no_function_defaults_its_actor_to_none():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            hits = _actor_defaults_to_none(ast.parse(path.read_text(encoding="utf-8")))
            offenders += [f"{path.relative_to(SRC)}:{hit}" for hit in hits]
    assert offenders == []


def test_the_check_finds_an_actor_none_default():
    assert _actor_defaults_to_none(ast.parse("def f(*, actor=None): pass")) == ["f:1"]


@pytest.mark.django_db
def test_the_system_role_grants_a_person_nothing(tree):
    person = factories.staff(tree.bureau, RoleCode.SYSTEM, username="mallory").user
    assert RoleCode.SYSTEM not in role_codes(person)
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=person, kind=OrgKind.SQUAD, name="第九中队", parent=tree.bureau)
    bureau_system = system_actor(tree.bureau)
    squad = services.organisation_create(
        actor=bureau_system, kind=OrgKind.SQUAD, name="第九中队", parent=tree.bureau
    )
    assert (
        AuditEvent.objects.get(action="organisation.create", object_id=str(squad.pk)).actor == bureau_system
    )
    with pytest.raises(PermissionDenied):  # a bureau's account works in its own bureau only
        services.organisation_create(
            actor=bureau_system, kind=OrgKind.SQUAD, name="外区中队", parent=tree.other_bureau
        )

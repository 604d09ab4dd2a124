"""Who may do what is said once, in the apps' `permissions.py` (and the role list in `org/roles.py`):
no other module keeps a set of roles of its own at module level (`INTAKE_ROLES = {…}`), where it
would drift from the named permission the services check."""

from __future__ import annotations

import ast
from pathlib import Path

import chengguan

SRC = Path(chengguan.__file__).resolve().parent
ALLOWED = {"permissions.py", "roles.py"}


def _role_aliases(tree: ast.Module) -> set[str]:
    """The names `RoleCode` is imported as (`RoleCode`, `R`)."""
    names = {"RoleCode"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "chengguan.org.roles":
            names |= {a.asname or a.name for a in node.names if a.name == "RoleCode"}
    return names


def _names_roles(value: ast.AST, aliases: set[str]) -> bool:
    """`value` is a set, tuple or list literal (or a frozenset/set/tuple call) naming `RoleCode.X`."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id
        in {
            "frozenset",
            "set",
            "tuple",
            "list",
        }
    ):
        return any(_names_roles(arg, aliases) for arg in value.args)
    if isinstance(value, (ast.Set, ast.Tuple, ast.List)):
        return any(
            isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id in aliases
            for e in value.elts
        )
    return False


def offenders() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name in ALLOWED or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = _role_aliases(tree)
        for node in tree.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            value = getattr(node, "value", None)
            if targets and value is not None and _names_roles(value, aliases):
                names = ", ".join(ast.unparse(t) for t in targets)
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {names}")
    return found


def test_no_module_level_role_sets_outside_the_permissions_modules():
    assert offenders() == []


def test_the_check_finds_a_role_set():
    tree = ast.parse(
        "from chengguan.org.roles import RoleCode as R\nDESK = frozenset({R.OPERATOR, R.SHIFT_LEADER})"
    )
    assert _names_roles(tree.body[1].value, _role_aliases(tree))

"""A role is named in a decision only in the apps' `permissions.py` and in `org`'s definition of roles:
everywhere else code asks a named permission or predicate (`sees_unit_cases(actor)`,
`works_intake_desk(actor)`) or takes a role group a `permissions.py` declares (who a notification goes
to). An AST walk fails on `RoleCode.X` (or its alias `R.X`) anywhere else, so a new inbox rule or
recipient list cannot slip a role check past the permissions. Labels and choices (`RoleCode(code)
.label`, `RoleCode.choices`) name no role and are fine anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import chengguan
from chengguan.org.roles import RoleCode

SRC = Path(chengguan.__file__).resolve().parent
MEMBERS = set(RoleCode.__members__)

# Modules that must name roles, and why.
ALLOWED = {
    "org/roles.py": "declares the roles",
    "org/selectors.py": "what holding a role means: the system role counts only on org.system's accounts",
    "org/system.py": "creates the system account and gives it the system role",
}
# Folders whose modules name roles as data, not as checks.
ALLOWED_FOLDERS = {
    "demo": "the demo district's accounts are made with their roles (data, not decisions)",
    "migrations": "the role table's rows",
}


def _aliases(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "chengguan.org.roles":
            names |= {a.asname or a.name for a in node.names if a.name == "RoleCode"}
    return names


def role_checks() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if path.name == "permissions.py" or rel in ALLOWED or set(path.parts) & set(ALLOWED_FOLDERS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = _aliases(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr in MEMBERS
            ):
                found.append(f"{rel}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_roles_are_named_only_in_permissions_and_the_role_definitions():
    assert role_checks() == [], "ask a named permission of the app's permissions.py instead"


def test_the_walk_sees_a_role_check(tmp_path, monkeypatch):
    """The walk itself: a module comparing a role outside permissions.py is reported."""
    app = tmp_path / "chengguan" / "someapp"
    app.mkdir(parents=True)
    (app / "selectors.py").write_text(
        "from chengguan.org.roles import RoleCode as R\n\ndef f(roles):\n    return R.LEADER in roles\n"
    )
    (app / "permissions.py").write_text("from chengguan.org.roles import RoleCode\nX = (RoleCode.ADMIN,)\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", tmp_path / "chengguan")
    assert role_checks() == ["someapp/selectors.py:4 R.LEADER"]

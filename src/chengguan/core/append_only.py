"""The audit tables refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) in the database itself, so
"append-only" holds for a database administrator's SQL too, not only for the ORM.

Triggers installed by migration `core.0003` do the refusing. The one way past them is the maintenance
bypass, `audit_maintenance()`: a setting of the current database session
(`chengguan.audit_maintenance` on PostgreSQL, a per-connection SQL function on SQLite) that only
migrations, the test suite's database flush and the tests that prove tampering is detected use.
Anyone who turns it on by hand still leaves a chain that `verify-audit` finds broken against its
signed checkpoints (`core.checkpoints`). On SQLite the function exists only in the application's own
connections: in the `sqlite3` shell the statement fails either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.signals import connection_created

PROTECTED = {"core_auditevent": ("UPDATE", "DELETE"), "core_auditchainhead": ("DELETE",)}
SQLITE_FUNCTION = "chengguan_audit_maintenance"
PG_SETTING = "chengguan.audit_maintenance"
PG_FUNCTION = "chengguan_audit_append_only"
MESSAGE = "audit records are append-only: they are never updated or deleted"


def _trigger(table: str, operation: str) -> str:
    return f"{table}_no_{operation.lower()}"


def install_sql(vendor: str) -> list[str]:
    """The statements that install the triggers on `vendor` ("sqlite" or "postgresql")."""
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {_trigger(table, op)} BEFORE {op} ON {table} "
            f"WHEN NOT {SQLITE_FUNCTION}() BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for table, operations in PROTECTED.items()
            for op in operations
        ]
    if vendor == "postgresql":
        statements = [
            f"""CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('{PG_SETTING}', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '%: {MESSAGE}', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$"""
        ]
        for table, operations in PROTECTED.items():
            events = " OR ".join([*operations, "TRUNCATE"])
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE {events} ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
            )
        return statements
    return []


def uninstall_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {_trigger(table, op)}"
            for table, operations in PROTECTED.items()
            for op in operations
        ]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in PROTECTED] + [
            f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()"
        ]
    return []


@contextmanager
def audit_maintenance(using: str = "default") -> Iterator[None]:
    """Let this database session update and delete audit rows for the length of the block.

    For migrations, the test suite's flush and the tamper-detection tests only (see the module)."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [PG_SETTING])
        try:
            yield
        finally:
            if connection.connection is not None and not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, '', false)", [PG_SETTING])
        return
    previous = getattr(connection, "_audit_maintenance", False)
    connection._audit_maintenance = True
    try:
        yield
    finally:
        connection._audit_maintenance = previous


def _register_sqlite_function(sender, connection, **kwargs) -> None:
    """Each new SQLite connection of the application answers whether its bypass is on."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 0, lambda: int(getattr(connection, "_audit_maintenance", False))
        )


def connect_signals() -> None:
    connection_created.connect(_register_sqlite_function, dispatch_uid="chengguan-audit-maintenance")

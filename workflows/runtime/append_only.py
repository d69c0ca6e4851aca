"""The audit log is append-only in the database itself: triggers refuse UPDATE and DELETE on its rows.

The code has no update or delete path (workflows/runtime/audit.py only creates), but an administrator's
shell, a careless data migration or a compromised process could still rewrite history; the database refuses
them. Installed by migration runtime 0003 for PostgreSQL and SQLite; other databases get no trigger.

TRUNCATE fires no row trigger, so PostgreSQL's test flush (TRUNCATE) still empties the table between tests;
SQLite flushes with DELETE, so tests that flush (transactional ones) lift the triggers around it
(tests/conftest.py) and put them back.
"""

from __future__ import annotations

from workflows.runtime.db_triggers import Triggers

TABLE = "runtime_auditevent"
MESSAGE = "审计记录只可追加，不可修改或删除"

_POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (% on {TABLE})', TG_OP USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"""
    CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()
    """,
]
_POSTGRESQL_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]
_SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_no_{operation} BEFORE {operation.upper()} ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({operation.upper()} on {TABLE})'); END
    """
    for operation in ("update", "delete")
]
_SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {TABLE}_no_{operation}" for operation in ("update", "delete")]

INSTALL = {"postgresql": _POSTGRESQL_INSTALL, "sqlite": _SQLITE_INSTALL}
UNINSTALL = {"postgresql": _POSTGRESQL_UNINSTALL, "sqlite": _SQLITE_UNINSTALL}


TRIGGERS = Triggers(INSTALL, UNINSTALL)
install_triggers = TRIGGERS.install
uninstall_triggers = TRIGGERS.uninstall

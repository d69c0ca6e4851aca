"""The database keeps each candidate row's copy of its task's inbox state true: triggers, not code.

A candidate row (TaskCandidate) carries `open_unclaimed` (the task is open and nobody claimed it) and `due_at`, so
the claimable tab reads one range of a partial index. Two triggers keep the copy: a new candidate row takes the
values from its task, and a change of a task's state, assignee or due time is copied to its candidate rows inside
the same statement. So a claim, unclaim, completion, cancellation, re-assignment or calendar change costs no
extra SQL statement, and no write path (services, the sweep, an administrator's shell) can leave the copy stale.

Installed by migration runtime 0006 for PostgreSQL and SQLite; other databases get no trigger. On SQLite a
migration that rebuilds a table (e.g. adding a NOT NULL column) drops that table's triggers: such a migration
must call install_triggers again (tests/workflows/test_claimable_index.py fails until it does).
"""

from __future__ import annotations

from typing import Any

from workflows.runtime.db_triggers import Triggers, run_per_vendor

TASKS = "runtime_humantask"
CANDIDATES = "runtime_humantask_candidates"
# The one definition of "claimable", as SQL over a task row `t` (NEW in the task trigger).
_OPEN_UNCLAIMED = "({t}.state = 'open' AND {t}.assignee_id IS NULL)"

_POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION {CANDIDATES}_copy_task() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT {_OPEN_UNCLAIMED.format(t="t")}, t.due_at INTO NEW.open_unclaimed, NEW.due_at
        FROM {TASKS} t WHERE t.id = NEW.humantask_id;
        RETURN NEW;
    END;
    $$
    """,
    f"DROP TRIGGER IF EXISTS {CANDIDATES}_copy_task ON {CANDIDATES}",
    f"""
    CREATE TRIGGER {CANDIDATES}_copy_task BEFORE INSERT OR UPDATE OF humantask_id ON {CANDIDATES}
    FOR EACH ROW EXECUTE FUNCTION {CANDIDATES}_copy_task()
    """,
    f"""
    CREATE OR REPLACE FUNCTION {TASKS}_to_candidates() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {CANDIDATES} SET open_unclaimed = {_OPEN_UNCLAIMED.format(t="NEW")}, due_at = NEW.due_at
        WHERE humantask_id = NEW.id;
        RETURN NULL;
    END;
    $$
    """,
    f"DROP TRIGGER IF EXISTS {TASKS}_to_candidates ON {TASKS}",
    f"""
    CREATE TRIGGER {TASKS}_to_candidates AFTER UPDATE OF state, assignee_id, due_at ON {TASKS}
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
                       OR OLD.due_at IS DISTINCT FROM NEW.due_at)
    EXECUTE FUNCTION {TASKS}_to_candidates()
    """,
]
_POSTGRESQL_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TASKS}_to_candidates ON {TASKS}",
    f"DROP FUNCTION IF EXISTS {TASKS}_to_candidates()",
    f"DROP TRIGGER IF EXISTS {CANDIDATES}_copy_task ON {CANDIDATES}",
    f"DROP FUNCTION IF EXISTS {CANDIDATES}_copy_task()",
]
# SQLite triggers cannot assign NEW: the new candidate row is updated right after its insert.
_SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {CANDIDATES}_copy_task AFTER INSERT ON {CANDIDATES}
    BEGIN
        UPDATE {CANDIDATES}
        SET open_unclaimed = (SELECT {_OPEN_UNCLAIMED.format(t="t")} FROM {TASKS} t WHERE t.id = NEW.humantask_id),
            due_at = (SELECT t.due_at FROM {TASKS} t WHERE t.id = NEW.humantask_id)
        WHERE id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TASKS}_to_candidates AFTER UPDATE OF state, assignee_id, due_at ON {TASKS}
    BEGIN
        UPDATE {CANDIDATES} SET open_unclaimed = {_OPEN_UNCLAIMED.format(t="NEW")}, due_at = NEW.due_at
        WHERE humantask_id = NEW.id;
    END
    """,
]
_SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {CANDIDATES}_copy_task", f"DROP TRIGGER IF EXISTS {TASKS}_to_candidates"]

INSTALL = {"postgresql": _POSTGRESQL_INSTALL, "sqlite": _SQLITE_INSTALL}
UNINSTALL = {"postgresql": _POSTGRESQL_UNINSTALL, "sqlite": _SQLITE_UNINSTALL}
# Fills the copy on rows written without the triggers (the migration that adds the columns, a bulk load):
# PostgreSQL joins once, SQLite (no UPDATE ... FROM before 3.33) looks each task up.
BACKFILL = {
    "postgresql": [f"""
        UPDATE {CANDIDATES} c SET open_unclaimed = {_OPEN_UNCLAIMED.format(t="t")}, due_at = t.due_at
        FROM {TASKS} t WHERE t.id = c.humantask_id
    """],
    "sqlite": [f"""
        UPDATE {CANDIDATES}
        SET open_unclaimed = (SELECT {_OPEN_UNCLAIMED.format(t="t")} FROM {TASKS} t
                              WHERE t.id = {CANDIDATES}.humantask_id),
            due_at = (SELECT t.due_at FROM {TASKS} t WHERE t.id = {CANDIDATES}.humantask_id)
    """],
}


TRIGGERS = Triggers(INSTALL, UNINSTALL)
install_triggers = TRIGGERS.install
uninstall_triggers = TRIGGERS.uninstall


def backfill(connection: Any) -> None:
    """Set every candidate row's copy from its task in one statement (rows loaded while the triggers were off)."""
    run_per_vendor(BACKFILL, connection)

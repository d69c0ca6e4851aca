"""Database triggers written as SQL per database vendor, installed and removed one way for every set of them.

The audit log's append-only guard (append_only.py) and the candidate rows' copies of their task's state
(candidate_copy.py) are triggers so that no write path can get around them; both need the same PostgreSQL and
SQLite variants, installed by migrations and lifted by tests and the bench's bulk load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Triggers:
    """The statements that create and drop a set of triggers, per `connection.vendor`; other vendors get none."""

    install_sql: dict[str, list[str]]
    uninstall_sql: dict[str, list[str]]

    def install(self, connection: Any) -> None:
        """Create the triggers on `connection`'s database (PostgreSQL or SQLite; nothing elsewhere)."""
        run_per_vendor(self.install_sql, connection)

    def uninstall(self, connection: Any) -> None:
        run_per_vendor(self.uninstall_sql, connection)


def run_per_vendor(statements: dict[str, list[str]], connection: Any) -> None:
    """Run the statements written for `connection`'s database vendor, in order."""
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)

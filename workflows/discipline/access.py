"""Who handles discipline: the centre office and the efficiency group (诫勉教育和效能告诫办法 第四条)."""

from __future__ import annotations

from typing import Any

from workflows.discipline.selectors import SEE_ALL_ROLES
from workflows.org.models import Official


def handles_discipline(official: Official | None) -> bool:
    """The centre office and the efficiency group take complaints, see every case and keep the ledger (台帐)."""
    return official is not None and official.roles.filter(code__in=SEE_ALL_ROLES).exists()


def can_see_ledger(user: Any, official: Official | None) -> bool:
    """The ledger is also open to administrators."""
    return bool(user.is_staff or handles_discipline(official))

"""Who keeps the catalogue (the centre office: it publishes the 服务指南, 管理暂行办法 第十三条), who decides a
refusal beyond a window's authority (the centre leaders) and who reads the refusal register; superusers too."""

from __future__ import annotations

from typing import Any

from workflows.org.models import Official
from workflows.org.selectors import is_centre_office

# 否定报备制: a refusal beyond the handler's authority is decided by the centre director or a deputy director.
LEADER_ROLES = ("centre_director", "centre_deputy_director")


def is_centre_leader(official: Official) -> bool:
    return official.roles.filter(code__in=LEADER_ROLES).exists()


def can_edit_catalogue(user: Any, official: Official | None) -> bool:
    return bool(user.is_superuser or is_centre_office(official))


def can_see_refusal_register(user: Any, official: Official | None) -> bool:
    """The 否定报备登记表 is kept by the centre office and read by the centre's leaders (否定报备制)."""
    leader = official is not None and is_centre_leader(official)
    return bool(user.is_superuser or is_centre_office(official) or leader)


def can_return_materials(official: Official | None, department_id: int) -> bool:
    """The materials go back across the counter: by the item's department (its windows) or the centre office."""
    return official is not None and (official.department_id == department_id or is_centre_office(official))

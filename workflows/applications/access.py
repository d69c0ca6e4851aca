"""Who keeps the catalogue (the centre office: it publishes the 服务指南, 管理暂行办法 第十三条), who decides a
refusal beyond a window's authority (the centre leaders) and who reads the refusal register; superusers too."""

from __future__ import annotations

from typing import Any

from workflows.org.models import Official
from workflows.org.selectors import is_centre_leader, is_centre_office


def can_edit_catalogue(user: Any, official: Official | None) -> bool:
    return bool(user.is_superuser or is_centre_office(official))


def can_see_refusal_register(user: Any, official: Official | None) -> bool:
    """The 否定报备登记表 is kept by the centre office and read by the centre's leaders (否定报备制)."""
    return bool(user.is_superuser or is_centre_office(official) or is_centre_leader(official))


def can_return_materials(official: Official | None, department_id: int) -> bool:
    """The materials go back across the counter: by the item's department (its windows) or the centre office."""
    return official is not None and (official.department_id == department_id or is_centre_office(official))


def can_receive_applications(user: Any, official: Official | None) -> bool:
    """一门受理 (第九条): applications are received at a window, by its staff."""
    return official is not None and official.window_id is not None

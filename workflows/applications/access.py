"""Who keeps the catalogue (the centre office: it publishes the 服务指南, 管理暂行办法 第十三条), who decides a
refusal beyond a window's authority (the centre leaders), who reads the refusal register (superusers too), and who
sees which application."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from workflows.applications.models import Application, CoDepartmentReview
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


def sees_every_department(user: Any, official: Official | None) -> bool:
    """The centre office keeps the whole centre's work in view (一门受理, 限时办结制 监督) and the centre's leaders
    answer for it; superusers administer it."""
    return bool(user.is_superuser or is_centre_office(official) or is_centre_leader(official))


def can_see_board(user: Any, official: Official | None) -> bool:
    """Every official sees the board: what they may see of it is visible_applications."""
    return bool(user.is_superuser or official is not None)


def has_department(user: Any, official: Official | None) -> bool:
    """The department list is for officials of a department (a window's, a bureau's)."""
    return official is not None and official.department_id is not None


def visible_applications(user: Any, official: Official | None) -> QuerySet[Application]:
    """The one rule for who sees a case, used by the board, the department list, the receipt and the API.

    Everyone else sees the cases of their own department: as the lead department, as a co-department asked for
    its opinion (联办件), or received at their window (the receiving window prints the receipt even for another
    department's item). A case outside this set is answered as not found, never as forbidden, so its number
    tells an outsider nothing.
    """
    cases = Application.objects.all()
    if sees_every_department(user, official):
        return cases
    if official is None:
        return cases.none()
    mine = Q(pk__in=[])
    if official.department_id is not None:
        asked = CoDepartmentReview.objects.filter(application=OuterRef("pk"), department_id=official.department_id)
        mine |= Q(department_id=official.department_id) | Q(Exists(asked))
    if official.window_id is not None:
        mine |= Q(received_by__window_id=official.window_id)
    return cases.filter(mine)

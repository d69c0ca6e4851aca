"""A post changes hands: the org chart write and the re-resolution of open tasks, in one transaction.

Open tasks were resolved when they became ready; when an official gains or loses a role, or
moves to another window or department, the tasks assigned by the affected roles are resolved
again against the new org chart, and every move is audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from engine.assignment import DEFAULT_SCOPE
from workflows.org.models import Department, Official, Role, Window
from workflows.runtime import audit
from workflows.runtime.errors import InvalidInput
from workflows.runtime.task_sync import reassign_open_tasks_of_roles


def change_post(
    official: Official,
    *,
    roles: Iterable[str],
    department: Department | None,
    window: Window | None,
    actor: Official | None = None,
) -> int:
    """Give `official` these roles and this place; returns how many open tasks moved."""
    codes = set(roles)
    known = {r.code: r for r in Role.objects.filter(code__in=codes)}
    if codes - set(known):
        raise InvalidInput("未知角色：" + "、".join(f"“{code}”" for code in sorted(codes - set(known))))
    if window is not None and department is not None and window.department_id != department.pk:
        raise InvalidInput(f"{window}不属于{department}")
    with transaction.atomic():
        official = Official.objects.select_for_update().get(pk=official.pk)
        before = {"roles": sorted(official.roles.values_list("code", flat=True)),
                  "department": official.department_id, "window": official.window_id}
        moved_place = (before["department"], before["window"]) != (getattr(department, "pk", None),
                                                                   getattr(window, "pk", None))
        official.department = department
        official.window = window
        official.save(update_fields=["department", "window"])
        official.roles.set(known.values())
        after = {"roles": sorted(codes), "department": official.department_id, "window": official.window_id}
        # Moving changes which scoped posts the official holds; a role change, only that role's tasks.
        affected = (set(before["roles"]) | codes) if moved_place else (set(before["roles"]) ^ codes)
        audit.record("post_changed", actor=actor, message=official.name, before=before, after=after)
        scoped = {role for role in affected if role in DEFAULT_SCOPE}
        return reassign_open_tasks_of_roles(scoped, f"{official.name} 岗位变动", actor)

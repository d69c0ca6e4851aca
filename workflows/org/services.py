"""Changes made on the org chart pages: each one written, kept in the history (OrgChange), audited, and the open
tasks it affects re-routed, in one transaction.

Open tasks were resolved against the org chart when they became ready. When an official gains or loses a role,
moves to another window or department, leaves or returns to duty, or an A/B pair starts or ends, the tasks
assigned by the affected roles (and those the officials hold) are resolved again, and each moved task's timeline
says "岗位变动，按新组织架构重新分派". Departments and windows are added and renamed here too (a window may move to
another department once nobody works on it); those changes move no task, so they are only kept and audited.
Bad input is refused before anything is written, naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from engine.assignment import DEFAULT_SCOPE
from workflows.org.models import ABPair, Department, Official, OrgChange, Role, Window
from workflows.org.roles import ROLE_LABELS
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.task_sync import reassign_open_tasks, reassign_open_tasks_of_roles

REROUTED = "岗位变动，按新组织架构重新分派"


def change_official(
    official: Official,
    *,
    roles: Iterable[str],
    department: Department | None,
    window: Window | None,
    active: bool,
    reason: str = "",
    actor: Official | None = None,
) -> int:
    """Give `official` these roles, this place and this on-duty flag; returns how many open tasks were re-routed."""
    codes = set(roles)
    known = {r.code: r for r in Role.objects.filter(code__in=codes)}
    if codes - set(known):
        raise InvalidInput("角色：不存在的角色 " + "、".join(f"“{c}”" for c in sorted(codes - set(known))),
                           field="roles")
    if window is not None and department is None:
        department = window.department
    if window is not None and window.department_id != department.pk:
        raise InvalidInput(f"窗口：{window}不属于{department}", field="window")
    with transaction.atomic():
        official = Official.objects.select_for_update().get(pk=official.pk)
        before = _post_of(official)
        official.department, official.window, official.active = department, window, active
        official.save(update_fields=["department", "window", "active"])
        official.roles.set(known.values())
        after = _post_of(official)
        if before == after:
            return 0
        moved_place = (before["department"], before["window"], before["active"]) != (
            after["department"], after["window"], after["active"])
        old, new = set(before["roles"]), set(after["roles"])
        # Moving or leaving duty changes every post the official holds; a role change, only that role's tasks.
        affected = (old | new) if moved_place else (old ^ new)
        _record(official, actor, "official", f"{official.name}：{_describe(before, after)}", before, after, reason)
        message = f"{REROUTED}：{official.name}"
        moved = reassign_open_tasks_of_roles({r for r in affected if r in DEFAULT_SCOPE}, message, actor)
        if before["active"] != after["active"] or moved_place:  # tasks naming the official (signers, 转办 aside)
            moved += reassign_open_tasks([official.pk], message, actor)
        return moved


def add_ab_pair(
    a: Official,
    b: Official,
    *,
    kind: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    note: str = "",
    actor: Official | None = None,
) -> ABPair:
    """B acts for A while A is away: standing (no dates needed) or dated (temporary, from and to)."""
    if a.pk == b.pk:
        raise InvalidInput("B岗：不能与A岗是同一人", field="b")
    if not b.active:
        raise InvalidInput(f"B岗：{b.name}不在岗", field="b")
    if kind not in dict(ABPair.KINDS):
        raise InvalidInput("类型：只能是常设或临时", field="kind")
    if kind == ABPair.TEMPORARY and (valid_from is None or valid_to is None):
        raise InvalidInput("起止日期：临时AB岗须填写起始和截止日期", field="valid_from" if valid_from is None
                           else "valid_to")
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise InvalidInput("截止日期：不能早于起始日期", field="valid_to")
    with transaction.atomic():
        pair = ABPair.objects.create(a=a, b=b, kind=kind, valid_from=valid_from, valid_to=valid_to, note=note)
        after = _pair_of(pair)
        _record(a, actor, "ab_pair_added", f"新增AB岗：{pair.a.name}（A岗）→ {pair.b.name}（B岗）"
                f"{_period(pair)}", None, after, note)
        reassign_open_tasks([a.pk, b.pk], f"{REROUTED}：AB岗 {a.name} → {b.name}", actor)
        return pair


def end_ab_pair(pair: ABPair, *, last_day: date, reason: str = "", actor: Official | None = None) -> ABPair:
    """End a pair on `last_day` (its last valid day); the row stays, so the history shows when it held."""
    if pair.valid_from is not None and last_day < pair.valid_from:
        raise InvalidInput("截止日期：不能早于起始日期", field="last_day")
    if pair.valid_to is not None and pair.valid_to <= last_day:
        raise InvalidInput(f"截止日期：该AB岗已于{pair.valid_to.isoformat()}结束", field="last_day")
    with transaction.atomic():
        pair = ABPair.objects.select_for_update().select_related("a", "b").get(pk=pair.pk)
        before = _pair_of(pair)
        pair.valid_to = last_day
        pair.save(update_fields=["valid_to"])
        _record(pair.a, actor, "ab_pair_ended",
                f"结束AB岗：{pair.a.name} → {pair.b.name}，{last_day.isoformat()}起不再代岗", before,
                _pair_of(pair), reason)
        reassign_open_tasks([pair.a_id, pair.b_id], f"{REROUTED}：AB岗 {pair.a.name} → {pair.b.name}", actor)
        return pair


def add_department(name: str, *, reason: str = "", actor: Official | None = None) -> Department:
    """A new department stationed in the centre; its name is unique."""
    name = _name(name, "名称", Department._meta.get_field("name").max_length)
    with transaction.atomic():
        if Department.objects.filter(name=name).exists():
            raise InvalidInput(f"名称：已有进驻部门“{name}”", field="name")
        department = _create_unique(Department, "name", f"名称：已有进驻部门“{name}”", name=name)
        _record(None, actor, "department_added", f"新增进驻部门：{name}", None, _department_of(department), reason)
        return department


def rename_department(department: Department, name: str, *, reason: str = "",
                      actor: Official | None = None) -> Department:
    """Only the name changes: officials, windows and open tasks point at the department, not at its name."""
    name = _name(name, "名称", Department._meta.get_field("name").max_length)
    with transaction.atomic():
        department = _locked_department(department)
        if department.name == name:
            return department
        if Department.objects.filter(name=name).exclude(pk=department.pk).exists():
            raise InvalidInput(f"名称：已有进驻部门“{name}”", field="name")
        before = _department_of(department)
        department.name = name
        _save_unique(department, ["name"], f"名称：已有进驻部门“{name}”")
        _record(None, actor, "department_renamed", f"进驻部门更名：{before['name']} → {name}", before,
                _department_of(department), reason)
        return department


def add_window(department: Department, name: str, *, number: str = "", reason: str = "",
               actor: Official | None = None) -> Window:
    """A new window of `department`; its name is unique within the department."""
    name = _name(name, "名称", Window._meta.get_field("name").max_length)
    number = _number(number)
    with transaction.atomic():
        department = _locked_department(department)
        message = f"名称：{department.name}已有窗口“{name}”"
        if department.windows.filter(name=name).exists():
            raise InvalidInput(message, field="name")
        window = _create_unique(Window, "name", message, department=department, name=name, number=number)
        _record(None, actor, "window_added", f"新增窗口：{department.name} {_label(_window_of(window))}", None,
                _window_of(window), reason)
        return window


def change_window(window: Window, *, name: str, number: str, department: Department, reason: str = "",
                  actor: Official | None = None) -> Window:
    """Rename or renumber a window, or move it to another department. A window with officials on it is not moved:
    their department would no longer be the window's (change_official keeps the two together), so they are moved
    off it first on their own pages, where their open tasks are re-routed."""
    name = _name(name, "名称", Window._meta.get_field("name").max_length)
    number = _number(number)
    with transaction.atomic():
        department = _locked_department(department)
        window = Window.objects.select_for_update().select_related("department").get(pk=window.pk)
        before = _window_of(window)
        if department.pk != window.department_id:
            staff = list(window.officials.order_by("pk").values_list("name", flat=True))
            if staff:
                raise InvalidInput(f"进驻部门：窗口“{window.name}”还有工作人员（{'、'.join(staff)}），"
                                   "请先将其调离该窗口再迁移", field="department")
        message = f"名称：{department.name}已有窗口“{name}”"
        if department.windows.filter(name=name).exclude(pk=window.pk).exists():
            raise InvalidInput(message, field="name")
        window.name, window.number, window.department = name, number, department
        _save_unique(window, ["name", "number", "department"], message)
        after = _window_of(window)
        if before == after:
            return window
        _record(None, actor, "window_changed", f"窗口 {before['department_name']} {_label(before)}："
                f"{_describe_window(before, after)}", before, after, reason)
        return window


def _name(value: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{label}：不能为空", field="name")
    if len(value) > max_length:
        raise InvalidInput(f"{label}：不能超过{max_length}个字", field="name")
    return value


def _number(value: str) -> str:
    value = (value or "").strip()
    max_length = Window._meta.get_field("number").max_length
    if len(value) > max_length:
        raise InvalidInput(f"窗口号：不能超过{max_length}个字", field="number")
    return value


def _locked_department(department: Department) -> Department:
    """The department row, locked; an unsaved or since-deleted one is refused."""
    found = Department.objects.select_for_update().filter(pk=department.pk).first() if department.pk else None
    if found is None:
        raise InvalidInput("进驻部门：不存在的进驻部门", field="department")
    return found


def _create_unique(model: type, field: str, message: str, **values: Any) -> Any:
    """Create the row; a concurrent twin that slipped past the check is refused like a duplicate, not a 500."""
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except IntegrityError:
        raise InvalidInput(message, field=field) from None


def _save_unique(row: Any, fields: list[str], message: str) -> None:
    try:
        with transaction.atomic():
            row.save(update_fields=fields)
    except IntegrityError:
        raise InvalidInput(message, field="name") from None


def _department_of(department: Department) -> dict[str, Any]:
    return {"department": department.pk, "name": department.name}


def _window_of(window: Window) -> dict[str, Any]:
    return {"window": window.pk, "name": window.name, "number": window.number,
            "department": window.department_id, "department_name": window.department.name}


def _label(window: dict[str, Any]) -> str:
    return f"{window['number']}号 {window['name']}" if window["number"] else window["name"]


def _describe_window(before: dict[str, Any], after: dict[str, Any]) -> str:
    parts = []
    if before["name"] != after["name"]:
        parts.append(f"更名为{after['name']}")
    if before["number"] != after["number"]:
        parts.append(f"窗口号 {before['number'] or '无'} → {after['number'] or '无'}")
    if before["department"] != after["department"]:
        parts.append(f"迁至{after['department_name']}")
    return "；".join(parts)


def _record(official: Official | None, actor: Official | None, what: str, summary: str, before: Any, after: Any,
            reason: str) -> OrgChange:
    """The history row and the audit row of one change (the audit is the centre-wide log; the history, the org's)."""
    audit.record("org_changed", actor=actor, message=summary + (f"（原因：{reason}）" if reason else ""),
                 before=before, after=after)
    return OrgChange.objects.create(official=official, actor=actor, at=now(), what=what, summary=summary[:300],
                                    before=before, after=after, reason=reason)


def _post_of(official: Official) -> dict[str, Any]:
    return {"roles": sorted(official.roles.values_list("code", flat=True)),
            "department": official.department_id, "department_name": getattr(official.department, "name", ""),
            "window": official.window_id, "window_name": getattr(official.window, "name", ""),
            "active": official.active}


def _describe(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What changed, in the words an official uses (role names, not codes)."""
    parts = []
    gained = [ROLE_LABELS.get(r, r) for r in after["roles"] if r not in before["roles"]]
    lost = [ROLE_LABELS.get(r, r) for r in before["roles"] if r not in after["roles"]]
    if gained:
        parts.append("增加角色" + "、".join(gained))
    if lost:
        parts.append("取消角色" + "、".join(lost))
    if before["department"] != after["department"]:
        parts.append(f"部门 {before['department_name'] or '无'} → {after['department_name'] or '无'}")
    if before["window"] != after["window"]:
        parts.append(f"窗口 {before['window_name'] or '无'} → {after['window_name'] or '无'}")
    if before["active"] != after["active"]:
        parts.append("恢复在岗" if after["active"] else "离岗（停用）")
    return "；".join(parts)


def _pair_of(pair: ABPair) -> dict[str, Any]:
    return {"a": pair.a_id, "a_name": pair.a.name, "b": pair.b_id, "b_name": pair.b.name, "kind": pair.kind,
            "valid_from": pair.valid_from.isoformat() if pair.valid_from else None,
            "valid_to": pair.valid_to.isoformat() if pair.valid_to else None}


def _period(pair: ABPair) -> str:
    if pair.valid_from is None and pair.valid_to is None:
        return "，常设"
    return f"，{pair.valid_from.isoformat() if pair.valid_from else '即日'}至{pair.valid_to or '长期'}"

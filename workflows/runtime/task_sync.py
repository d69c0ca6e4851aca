"""Keeps HumanTask rows (the inbox index) in step with the engine, and re-resolves assignees.

Called inside the write transaction after every engine step: new READY user tasks get a
row with their resolved candidates, rows whose engine task went away are cancelled.
The row keeps the whole assignment (rule, next tier, earlier step whose performer continues)
so a re-resolution after a leave or post change applies the same rules again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db.models import QuerySet

from engine.assignment import (
    AssignmentError,
    AssignmentRule,
    CaseContext,
    OrgSnapshot,
    Resolution,
    assign,
    assign_named,
)
from engine.calendar import WorkingCalendar, centre_day
from engine.errors import ExecutionError
from engine.runtime import ProcessRunner, ReadyTask
from workflows.org.models import Official
from workflows.org.roles import ROLE_LABELS
from workflows.org.selectors import org_for, org_of_officials
from workflows.runtime import audit
from workflows.runtime.clock import now, today
from workflows.runtime.models import HumanTask, Notification, ProcessInstance
from workflows.runtime.services.notifications import notify_all


def case_context(instance: ProcessInstance, initiator_may_act: bool = False,
                 department_id: int | None = None) -> CaseContext:
    """The case in the org chart; its subject and (unless the step says otherwise) initiator are left out.

    `department_id`: the department a task's department scope reads when it is not the case's own (a task row
    keeps it: each co-department's review of a joint case is scoped to that department)."""
    own = frozenset(i for i in (instance.applicant_id, None if initiator_may_act else instance.started_by_id)
                    if i is not None)
    return CaseContext(applicant_id=instance.applicant_id,
                       department_id=department_id if department_id is not None else instance.department_id,
                       window_id=instance.window_id, excluded_ids=own)


def _names(ids: Iterable[int], org: OrgSnapshot) -> list[str]:
    """Names from the snapshot the resolution came from; anyone it does not hold is looked up (re-assignments)."""
    ids = list(ids)
    names = {i: org.officials[i].name for i in ids if i in org.officials}
    missing = [i for i in ids if i not in names]
    if missing:
        names.update(Official.objects.filter(pk__in=missing).values_list("pk", "name"))
    return [names.get(i, str(i)) for i in ids]


def _describe(resolution: Resolution, org: OrgSnapshot) -> dict:
    described = {
        "holders": _names(resolution.holders, org),
        "candidates": _names(resolution.candidates, org),
        "substitutions": [f"{a} → {b}" for a, b in zip(_names((x for x, _ in resolution.substitutions), org),
                                                     _names((y for _, y in resolution.substitutions), org),
                                                     strict=True)],
    }
    if resolution.excluded:
        described["excluded"] = _names(resolution.excluded, org)
    return described


def _fallback(task: HumanTask) -> AssignmentRule | None:
    return AssignmentRule(task.fallback_role, task.fallback_scope) if task.fallback_role else None


def _performer(instance: ProcessInstance, spec_name: str) -> int | None:
    """Who completed the latest `spec_name` task of this instance (a `performer_of` rule's official)."""
    if not spec_name:
        return None
    return (
        HumanTask.objects.filter(instance=instance, spec_name=spec_name, state=HumanTask.COMPLETED)
        .order_by("-completed_at", "-id").values_list("completed_by_id", flat=True).first()
    )


def _rules(task: HumanTask) -> list[AssignmentRule]:
    if not task.role:  # a signer the case names (`official_variable`): no rule
        return []
    return [AssignmentRule(task.role, task.scope), *filter(None, [_fallback(task)])]


def _resolve_named(task: HumanTask, instance: ProcessInstance, official_id: int) -> tuple[Resolution, OrgSnapshot]:
    """A signer the case names: that official, or their B post while they are on leave (engine.assignment)."""
    org = org_of_officials([official_id], today())
    try:
        return assign_named(official_id, case_context(instance, task.initiator_may_act), org, today()), org
    except AssignmentError as exc:
        raise ExecutionError(task.spec_name, str(exc)) from exc


def _resolve(task: HumanTask, instance: ProcessInstance, org: OrgSnapshot) -> Resolution:
    try:
        return assign(AssignmentRule(task.role, task.scope),
                      case_context(instance, task.initiator_may_act, task.department_id), org, today(),
                      fallback=_fallback(task), performer_id=_performer(instance, task.performer_of))
    except AssignmentError as exc:
        raise ExecutionError(task.spec_name, str(exc)) from exc


def _note(task: HumanTask, resolution: Resolution) -> str:
    """Why the task is not with its rule's holders, in words shown on the task page and in the inbox."""
    if resolution.vacant:
        posts = "、".join(f"{ROLE_LABELS.get(rule.role, rule.role)}" for rule in resolution.vacant)
        where = "中心办公室" if resolution.escalated else ROLE_LABELS.get(resolution.rule.role, resolution.rule.role)
        return f"岗位空缺（{posts}），已转{where}"
    if resolution.escalated:
        return "本案当事人或发起人须回避，且无其他人员可办理，已转中心办公室"
    if resolution.rule is not None and resolution.rule != AssignmentRule(task.role, task.scope):
        return f"本案当事人或发起人须回避，已转{ROLE_LABELS.get(resolution.rule.role, resolution.rule.role)}办理"
    return ""


def _flag(task: HumanTask, resolution: Resolution) -> None:
    if task.held_by == HumanTask.BY_TIMEOUT and not resolution.vacant:  # escalated by its timeout: stays flagged
        return
    task.escalated = resolution.escalated
    task.assignment_note = _note(task, resolution)


def _apply(task: HumanTask, resolution: Resolution) -> None:
    task.holders.set(resolution.holders)
    task.candidates.set(resolution.candidates)


def _insert_people(tasks: list[tuple[HumanTask, Resolution]]) -> None:
    """Holders and candidates of new rows: one INSERT per through table, whatever the number of tasks."""
    holders, candidates = HumanTask.holders.through, HumanTask.candidates.through
    holders.objects.bulk_create([holders(humantask_id=task.pk, official_id=official_id)
                                 for task, resolution in tasks for official_id in resolution.holders])
    candidates.objects.bulk_create([candidates(humantask_id=task.pk, official_id=official_id)
                                    for task, resolution in tasks for official_id in resolution.candidates])


def _due_at(ready: ReadyTask, runner: ProcessRunner) -> datetime | None:
    """The task's deadline: the time its `due_variable` holds, else `due_working_days` from now, else none."""
    if ready.meta.due_variable:
        value = ready.data.get(ready.meta.due_variable)
        if not value:
            raise ExecutionError(ready.meta.spec_name, f"期限变量 {ready.meta.due_variable} 为空")
        return datetime.fromisoformat(value)
    due = ready.meta.due_working_days
    return runner.env.calendar.deadline(now(), due) if due is not None else None


def _audit_detour(task: HumanTask, resolution: Resolution, org: OrgSnapshot, actor: Official | None = None) -> None:
    """A task that left its rule's holders (the case is theirs, or the post is vacant) is audited, never passed
    over silently."""
    if resolution.vacant:
        vacant = [f"{rule.role}（{rule.scope}）" for rule in resolution.vacant]
        audit.record("task_vacant_escalated", task=task, actor=actor, message=task.assignment_note,
                     after={**_describe(resolution, org), "vacant": vacant})
    elif task.assignment_note and task.held_by != HumanTask.BY_TIMEOUT:  # that one was audited when escalated
        audit.record("task_escalated" if resolution.escalated else "task_fallback", task=task, actor=actor,
                     message=task.assignment_note, after=_describe(resolution, org))


def _timeout_at(ready: ReadyTask, runner: ProcessRunner) -> datetime | None:
    """When the step's timeout rule acts: `timeout_working_days` from now by the one counting rule."""
    days = ready.meta.timeout_working_days
    return runner.env.calendar.deadline(now(), days) if days is not None else None


DUE_SOON_WORKING_DAYS = 2


def due_soon_at(due_at: datetime | None, created_at: datetime, calendar: WorkingCalendar) -> datetime | None:
    """When the holders are told only DUE_SOON_WORKING_DAYS working days are left; None for a task without a
    deadline or one for which that moment falls on the day it opened or earlier (its new-task notice said it)."""
    if due_at is None:
        return None
    warn = calendar.warning_from(due_at, DUE_SOON_WORKING_DAYS)
    return warn if centre_day(warn) > centre_day(created_at) else None


def _new_row(instance: ProcessInstance, ready: ReadyTask, runner: ProcessRunner) -> HumanTask:
    named = ready.meta.official_variable is not None
    rule = AssignmentRule("", "") if named else ready.assignment  # a named signer's row has no rule to re-apply
    fallback = ready.meta.fallback
    escalation = ready.meta.escalation
    due_at = _due_at(ready, runner)
    created_at = now()
    return HumanTask(
        instance=instance,
        engine_task_id=ready.id,
        spec_name=ready.meta.spec_name,
        title=ready.meta.title,
        form=ready.meta.form,
        role=rule.role,
        scope=rule.scope,
        fallback_role=fallback.role if fallback else "",
        fallback_scope=fallback.scope if fallback else "",
        performer_of=ready.meta.performer_of or "",
        initiator_may_act=ready.meta.initiator_may_act,
        opinion_required=ready.meta.opinion_required,
        bulk_approve=ready.meta.bulk_approve,
        due_at=due_at,
        due_working_days=ready.meta.due_working_days,
        deadline_notices=ready.meta.deadline_notices,
        due_soon_at=due_soon_at(due_at, created_at, runner.env.calendar) if ready.meta.deadline_notices else None,
        timeout_at=_timeout_at(ready, runner),
        timeout_working_days=ready.meta.timeout_working_days,
        timeout_action=ready.meta.timeout_action or "",
        escalate_role=escalation.role if escalation else "",
        escalate_scope=escalation.scope if escalation else "",
        created_at=created_at,
        applicant_id=instance.applicant_id,
        department_id=ready.department_id if ready.department_id is not None else instance.department_id,
        case_number=instance.business_key,
        process_key=instance.definition.key,
        approval_mode=ready.meta.approval_mode or "",
    )


def _create_rows(instance: ProcessInstance, ready: list[ReadyTask], runner: ProcessRunner) -> None:
    """Rows for the tasks a step made ready: one org query for all their rules (one per department when tasks are
    scoped to different departments, as the co-departments of a joint review are), then one INSERT per table."""
    tasks = [_new_row(instance, ready_task, runner) for ready_task in ready]
    orgs: dict[int | None, OrgSnapshot] = {}
    for department_id in dict.fromkeys(task.department_id for task in tasks):
        rules = [rule for task in tasks if task.department_id == department_id for rule in _rules(task)]
        orgs[department_id] = org_for(rules, case_context(instance, department_id=department_id), today())
    resolved: list[tuple[HumanTask, Resolution]] = []
    org_of: dict[int, OrgSnapshot] = {}  # per task: its department's, or a named signer's own
    for n, (task, ready_task) in enumerate(zip(tasks, ready, strict=True)):
        org = orgs[task.department_id]
        if ready_task.signer is not None:
            resolution = _added_signer(task, instance, ready_task)
        elif ready_task.meta.official_variable is not None:
            resolution, org = _resolve_named(task, instance, ready_task.named_official)
            task.assignee_id = resolution.candidates[0]
        else:
            resolution = _resolve(task, instance, org)
            task.assignee_id = resolution.candidates[0] if len(resolution.candidates) == 1 else None
        org_of[n] = org
        _flag(task, resolution)
        resolved.append((task, resolution))
    HumanTask.objects.bulk_create(tasks)
    _insert_people(resolved)
    notify_all([Notification(recipient_id=official_id, instance=instance, task=task, kind=Notification.TASK,
                             message=f"新待办：{task.title}（{task.case_number}）")
                for task, resolution in resolved for official_id in resolution.candidates])
    for n, (task, resolution) in enumerate(resolved):
        org = org_of[n]
        audit.record("task_created", task=task, message=task.title, after=_describe(resolution, org))
        if resolution.substitutions:
            audit.record("task_substituted", task=task, message="A岗请假，由B岗顶岗",
                         after=_describe(resolution, org))
        _audit_detour(task, resolution, org)


def _added_signer(task: HumanTask, instance: ProcessInstance, ready: ReadyTask) -> Resolution:
    """加签: the task is the official it was added for (checked when added), held as such, and its parent row is the
    task of the official who added them, so no re-resolution moves it and the timeline tells where it came from."""
    task.assignee_id = ready.signer
    task.held_by = HumanTask.BY_ADDED
    task.parent = (instance.tasks.filter(engine_task_id=ready.added_by).order_by("-id").first()
                   if ready.added_by else None)
    return Resolution((ready.signer,), (ready.signer,))


def sync_human_tasks(instance: ProcessInstance, runner: ProcessRunner, workflow, open_before: Collection[str]) -> None:
    """Close the rows whose engine task went away and create rows for new ones.

    `open_before` are the engine ids of the READY user tasks when the step began (what the instance's open rows
    are): the engine tells what changed, so no open row is read. A task a person completed in the step had its
    row closed by the transition; only the ones the engine withdrew are cancelled here, read (id and title, for
    their audit lines) and updated in one statement each. A step issues the same statements with 10 or 400
    open tasks.
    """
    ready = runner.ready_human_task_ids(workflow)
    gone = runner.withdrawn(workflow, [engine_id for engine_id in open_before if engine_id not in ready])
    if gone:
        _cancel_rows(instance, gone)
    new = ready.difference(open_before)
    if new:
        _create_rows(instance, runner.ready_human_tasks(workflow, only=new), runner)


def _cancel_rows(instance: ProcessInstance, engine_ids: Collection[str]) -> None:
    rows = list(instance.tasks.filter(state=HumanTask.OPEN, engine_task_id__in=list(engine_ids))
                .values_list("pk", "title"))
    if not rows:
        return
    HumanTask.objects.filter(pk__in=[pk for pk, _ in rows]).update(state=HumanTask.CANCELLED, completed_at=now())
    for pk, title in rows:
        audit.record("task_cancelled", task=HumanTask(pk=pk, instance_id=instance.pk), message=title)


def reassign_open_tasks(official_ids: Iterable[int], reason: str, actor: Official | None = None) -> int:
    """Re-resolve the open tasks these officials hold (e.g. their leave began or ended); returns how many moved."""
    return _reassign(HumanTask.objects.filter(state=HumanTask.OPEN, holders__in=list(official_ids)), reason, actor)


def reassign_open_tasks_of_roles(roles: Iterable[str], reason: str, actor: Official | None = None) -> int:
    """Re-resolve the open tasks assigned by these roles (a post changed hands); returns how many moved."""
    return _reassign(HumanTask.objects.filter(state=HumanTask.OPEN, role__in=list(roles)), reason, actor)


def _reassign(tasks: QuerySet[HumanTask], reason: str, actor: Official | None) -> int:
    """Re-resolve `tasks` by their rules; a task an official passed on by hand (转办, 委派) stays where they put it."""
    tasks = (tasks.exclude(held_by__in=HumanTask.MANUAL).distinct().select_related("instance")
             .prefetch_related("candidates"))
    moved = 0
    for task in tasks:
        before = sorted(o.pk for o in task.candidates.all())
        org = org_for(_rules(task), case_context(task.instance, department_id=task.department_id), today())
        try:
            if task.role:
                resolution = _resolve(task, task.instance, org)
            else:  # a signer the case names: the same official again, or the B post while they are away
                resolution, org = _resolve_named(task, task.instance, task.holders.values_list("pk", flat=True)[0])
        except ExecutionError as exc:  # the post is vacant now: the task stays where it is until it is filled
            audit.record("task_post_vacant", task=task, actor=actor, message=f"{reason}：{exc.message}")
            continue
        if sorted(resolution.candidates) == before:
            continue
        _apply(task, resolution)
        _flag(task, resolution)
        if task.assignee_id not in resolution.candidates:
            task.assignee_id = resolution.candidates[0] if len(resolution.candidates) == 1 else None
        task.save(update_fields=["assignee", "escalated", "assignment_note"])
        audit.record("task_reassigned", task=task, actor=actor, message=reason,
                     before={"candidates": _names(before, org)}, after=_describe(resolution, org))
        _audit_detour(task, resolution, org, actor)
        moved += 1
    return moved


def escalate_task(task: HumanTask) -> None:
    """A step's timeout rule escalates its open task to `escalate_role`: the row is now assigned by that rule
    (`held_by` timeout, flagged `escalated`), so a later re-resolution (a leave, a post change) applies the
    escalation's rule, not the step's. The new holders are told; the change is audited. The caller saves the row's
    own fields it changed besides those saved here. A vacant centre office as well leaves the task where it is,
    on record (`task_post_vacant`): an administrator must act."""
    rule = AssignmentRule(task.escalate_role, task.escalate_scope)
    instance = task.instance
    org = org_for([rule], case_context(instance, department_id=task.department_id), today())
    before = sorted(task.candidates.values_list("pk", flat=True))
    try:
        resolution = assign(rule, case_context(instance, task.initiator_may_act, task.department_id), org, today())
    except AssignmentError as exc:
        audit.record("task_post_vacant", task=task, message=f"超时升级：{exc}")
        return
    label = ROLE_LABELS.get(rule.role, rule.role)
    task.role, task.scope = rule.role, rule.scope
    task.fallback_role = task.fallback_scope = task.performer_of = ""
    task.held_by = HumanTask.BY_TIMEOUT
    task.delegator = None
    task.escalated = True
    task.assignment_note = f"超时未办理，已升级至{label}"
    if resolution.vacant or resolution.escalated:
        task.assignment_note = f"超时未办理，{_note(task, resolution)}"
    task.assignee_id = resolution.candidates[0] if len(resolution.candidates) == 1 else None
    _apply(task, resolution)
    task.save(update_fields=["role", "scope", "fallback_role", "fallback_scope", "performer_of", "held_by",
                             "delegator", "escalated", "assignment_note", "assignee"])
    audit.record("task_timeout_escalated", task=task, message=f"{task.title}：{task.assignment_note}",
                 before={"candidates": _names(before, org)}, after=_describe(resolution, org))
    notify_all([Notification(recipient_id=official_id, instance=instance, task=task, kind=Notification.TIMEOUT,
                             message=f"超时升级待办：{task.title}（{task.case_number}），请尽快办理")
                for official_id in resolution.candidates])

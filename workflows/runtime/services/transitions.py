"""A human task's transitions and the one rule of who may act on it.

Every move of a task row (claim, unclaim, complete, transfer, delegate and the delegate's return, 加签 / 减签 on a
multi-approver step, …) is a
function here, and every page, API view and service asks `allowed_operations` (or `may_complete` /
`may_claim`, read from it) rather than repeating the rule. A completion hands the actor and the time to
the process inside the task's result (`completed_by`, `completed_at`), so service tasks that follow in the
same engine step read them from the data instead of from a row closed early.

A transition that loses a race (someone else claimed or completed the task meanwhile) raises
`TaskTaken`, which says who did it and when, so the page can keep what the official typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from engine.errors import NotAllowed, Refusal
from engine.runtime import ProcessRunner
from engine.send_back import MoveRefused
from engine.signers import SignerRefused
from workflows.org.models import Absence, Official
from workflows.runtime import audit
from workflows.runtime.clock import now, today
from workflows.runtime.errors import Conflict, InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance, SendBack
from workflows.runtime.selectors import holders_of
from workflows.runtime.services.instances import instance_of_task, lock_instance, raise_if_busy, write_instance
from workflows.runtime.services.notifications import notify


class TaskTaken(Conflict):
    """The task was claimed or completed by someone else first; the message names them and the time."""

    def __init__(self, task: HumanTask, message: str) -> None:
        self.task_id = task.pk
        super().__init__(message)


class OperationRefused(NotAllowed):
    """A transition the rule forbids for this official, or towards that official; the message says why."""

    def __init__(self, actor_id: int, reason: str) -> None:
        self.actor_id = actor_id
        Refusal.__init__(self, reason)


@dataclass(frozen=True)
class Verdict:
    """Whether an operation is allowed; when not, the reason in words shown to the official (and in a 403)."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)
OPERATIONS = ("claim", "unclaim", "complete", "transfer", "delegate", "resolve", "add_signer", "remove_signer",
              "send_back", "take_back", "comment")


def _is_candidate(task: HumanTask, official: Official) -> bool:
    known = getattr(task, "actor_is_candidate", None)  # annotated by `_task_row` for this actor
    if known is not None:
        return bool(known)
    return task.candidates.filter(pk=official.pk).exists()


def _holder_name(task: HumanTask) -> str:
    return task.assignee.name if task.assignee_id else ""


def allowed_operations(task: HumanTask, official: Official, *, candidate: bool | None = None) -> dict[str, Verdict]:
    """The one may-act rule: which of OPERATIONS `official` may perform on `task` now, and why not.

    The handler is the assignee, or, while nobody holds the task, any of its candidates. The handler may complete,
    transfer (转办) or delegate (委派) it; a task delegated to someone is the delegate's to answer (`resolve`) and
    nobody's to complete until it is back with the delegator. Only a task taken from a role's pool (认领) can be
    put back into it (退回认领). On a multi-approver step the handler may also add a signer (加签) and, in 会签 / 或签,
    remove another signer who has not decided (减签). Comments and files (`comment`) are for whoever acts or acted on
    the task, open or closed. `candidate` spares the query when the caller knows it (`_task_row`).
    """
    if task.state != HumanTask.OPEN:
        return {**dict.fromkeys(OPERATIONS, _closed(task)), "take_back": take_back_verdict(task, official),
                "comment": _comment_verdict(task, official, candidate)}
    is_candidate = _is_candidate(task, official) if candidate is None else candidate
    holds = task.assignee_id == official.pk
    delegated = task.delegator_id is not None
    if not (is_candidate or holds or task.delegator_id == official.pk):  # told nothing about who holds it
        stranger = Verdict(False, _("You are not among the officials this task is offered to."))
        return {**dict.fromkeys(OPERATIONS, stranger), "comment": _comment_verdict(task, official, is_candidate)}
    if task.assignee_id is None:
        handle = ALLOWED if is_candidate else Verdict(False, _("You are not among the officials this task is "
                                                               "offered to."))
    elif holds:
        handle = ALLOWED
    else:
        handle = Verdict(False, _("This task is held by %(who)s.") % {"who": _holder_name(task)})
    if delegated:
        if holds:
            handle = Verdict(False, _("This task was delegated to you: give your opinion and return it to "
                                      "%(who)s.") % {"who": task.delegator.name})
        else:
            handle = Verdict(False, _("This task is delegated to %(who)s; it can be handled once they return it.")
                             % {"who": _holder_name(task)})
    if task.assignee_id is not None:
        claim = Verdict(False, _("You already hold this task.")) if holds else Verdict(
            False, _("This task is held by %(who)s.") % {"who": _holder_name(task)})
    else:
        claim = handle
    if not holds:
        unclaim = Verdict(False, _("This task is not yours."))
    elif task.held_by != HumanTask.BY_CLAIM or delegated:
        unclaim = Verdict(False, _("Only a task you claimed from a role's pool can be put back."))
    else:
        unclaim = ALLOWED
    resolve = ALLOWED if delegated and holds else Verdict(False, _("This task was not delegated to you."))
    if handle and not _send_back_spec_targets(task):
        send_back = Verdict(False, _("This step cannot be sent back."))
    else:
        send_back = handle
    add_signer, remove_signer = _signer_verdicts(task, handle)
    return {"claim": claim, "unclaim": unclaim, "complete": handle, "transfer": handle, "delegate": handle,
            "resolve": resolve, "add_signer": add_signer, "remove_signer": remove_signer, "send_back": send_back,
            "take_back": Verdict(False, _("Only a task you completed can be taken back.")), "comment": ALLOWED}


def _signer_verdicts(task: HumanTask, handle: Verdict) -> tuple[Verdict, Verdict]:
    """加签 / 减签: only on a step signed by several officials, only by the handler of one of its open tasks.

    In 依次 the signers after the current one have no task yet, so there is nobody else's task to remove."""
    if not task.approval_mode:
        single = Verdict(False, _("Signers can only be added or removed on a step signed by several officials."))
        return single, single
    if not handle:
        return handle, handle
    if task.approval_mode == "sequential":
        return ALLOWED, Verdict(False, _("In a step signed in turn only the current signer has a task: "
                                         "there is no other signer's task to remove."))
    return ALLOWED, ALLOWED


def _send_back_spec_targets(task: HumanTask) -> tuple[str, ...]:
    """The step's `send_back_to` (spec names) from the definition's cached bundle: no query, no workflow opened."""
    from workflows.runtime.engine_env import bundle_for

    meta = bundle_for(task.instance.definition).human_tasks.get(task.spec_name)
    return meta.send_back_to if meta else ()


def send_back_targets(task: HumanTask) -> list[tuple[str, str]]:
    """(spec name, title) of the earlier steps this task may be sent back to: those its definition lists that were
    done in this case, in the order the definition lists them."""
    specs = _send_back_spec_targets(task)
    done = dict(HumanTask.objects.filter(instance_id=task.instance_id, spec_name__in=specs,
                                         state=HumanTask.COMPLETED).order_by("completed_at", "id")
                .values_list("spec_name", "title"))
    return [(spec, done[spec]) for spec in specs if spec in done]


def sent_back_values(task: HumanTask) -> dict:
    """What the returned-to step's form held when it was last submitted, to fill it in again after a 退回: the
    completion's audit row keeps the form's data, so neither the workflow nor a copy of it is read."""
    if task.held_by != HumanTask.BY_SEND_BACK:
        return {}
    earlier = (AuditEvent.objects.filter(task__instance_id=task.instance_id, task__spec_name=task.spec_name,
                                         action="task_completed", task__pk__lt=task.pk)
               .order_by("-at", "-id").values_list("after", flat=True).first())
    return dict(earlier) if isinstance(earlier, dict) else {}


def take_back_verdict(task: HumanTask, official: Official) -> Verdict:
    """撤回 of one completed task (`take_back_verdicts` for one row)."""
    return take_back_verdicts([task], official)[task.pk]


def take_back_verdicts(tasks: list[HumanTask], official: Official) -> dict[int, Verdict]:
    """撤回 of completed tasks, read from the rows (two queries for a whole 已办 page): only its performer, while the
    case runs and no step opened after it has been completed. The engine checks again under the lock (a service
    that ran after it also refuses, naming it)."""
    mine = [t for t in tasks if t.state == HumanTask.COMPLETED and t.completed_by_id == official.pk]
    running = set(ProcessInstance.objects.filter(pk__in={t.instance_id for t in mine},
                                                 status=ProcessInstance.RUNNING).values_list("pk", flat=True)
                  ) if mine else set()
    later: dict[int, list[HumanTask]] = {}
    done = (HumanTask.objects.filter(instance_id__in=running, state=HumanTask.COMPLETED)
            .only("pk", "instance_id", "title", "created_at", "completed_at").order_by("completed_at", "id"))
    for row in done if running else []:
        later.setdefault(row.instance_id, []).append(row)
    verdicts: dict[int, Verdict] = {}
    for task in tasks:
        if task not in mine:
            verdicts[task.pk] = Verdict(False, _("Only a task you completed can be taken back."))
        elif task.instance_id not in running:
            verdicts[task.pk] = Verdict(False, _("The case is no longer running."))
        elif task.outcome == "sent_back":
            verdicts[task.pk] = Verdict(False, _("A step that was sent back cannot be taken back."))
        elif task.spec_name.endswith(" [child]"):
            verdicts[task.pk] = Verdict(False, _("One approval of a multi-person step cannot be taken back alone."))
        else:
            acted = next((row for row in later.get(task.instance_id, [])
                          if row.pk > task.pk and row.created_at >= task.completed_at), None)
            verdicts[task.pk] = ALLOWED if acted is None else Verdict(
                False, _("The next step “%(step)s” has already been handled; it cannot be taken back.")
                % {"step": acted.title})
    return verdicts


INSTANCE_OPERATIONS = ("withdraw",)


def allowed_instance_operations(instance: ProcessInstance, official: Official) -> dict[str, Verdict]:
    """The may-act rule of a case as a whole (next to `allowed_operations` for its tasks).

    撤回 (withdraw): only the initiator, only while the case runs and nobody but the initiator has completed a step
    of it ("not yet decided"), and only for a process whose family says how to close its record."""
    return {"withdraw": withdraw_verdicts([instance], official)[instance.pk]}


def withdraw_verdicts(instances: list[ProcessInstance], official: Official) -> dict[int, Verdict]:
    """`allowed_instance_operations`' withdraw rule for many cases (one query for a page of 我发起的)."""
    from workflows.runtime.registry import case_record_of

    own = [i.pk for i in instances if i.started_by_id == official.pk and i.status == ProcessInstance.RUNNING]
    decided: dict[int, HumanTask] = {}
    done_by_others = (HumanTask.objects.filter(instance_id__in=own, state=HumanTask.COMPLETED)
                      .exclude(completed_by_id=official.pk).select_related("completed_by")
                      .order_by("-completed_at", "-id"))
    for row in done_by_others if own else []:
        decided[row.instance_id] = row  # the earliest, as the rows come latest first
    verdicts: dict[int, Verdict] = {}
    for instance in instances:
        record = case_record_of(instance.definition.key)
        if instance.started_by_id != official.pk:
            verdicts[instance.pk] = Verdict(False, _("Only the one who started the case can withdraw it."))
        elif instance.status != ProcessInstance.RUNNING:
            verdicts[instance.pk] = Verdict(False, _("The case is no longer running."))
        elif record is None or record.on_withdrawn is None:
            verdicts[instance.pk] = Verdict(False, _("Cases of this process cannot be withdrawn."))
        elif instance.pk in decided:
            step = decided[instance.pk]
            verdicts[instance.pk] = Verdict(False, _("“%(step)s” has already been handled by %(who)s; the case can no "
                                                     "longer be withdrawn.") % {"step": step.title,
                                                                                 "who": step.completed_by.name})
        else:
            verdicts[instance.pk] = ALLOWED
    return verdicts


def _closed(task: HumanTask) -> Verdict:
    """Why nothing can be done on a closed task; a step withdrawn by a pending 退回 says where the case went, so an
    official who wants to add a signer or decide learns to wait for the resubmission (one query, closed rows only)."""
    if task.state == HumanTask.CANCELLED:
        pending = (SendBack.objects.filter(instance_id=task.instance_id, resubmitted_at__isnull=True,
                                           at__gte=task.created_at).select_related("returned_to").first())
        if pending is not None and pending.returned_to is not None:
            return Verdict(False, _("This step was sent back to “%(step)s”; it can be acted on again once that step "
                                    "is resubmitted.") % {"step": pending.returned_to.title})
    return Verdict(False, _("This task is closed."))


def _comment_verdict(task: HumanTask, official: Official, candidate: bool | None) -> Verdict:
    """备注与附件: whoever acts or acted on the task (offered it, holds it, delegated it, completed it), open or closed;
    seeing the case is checked by the caller."""
    if official.pk in (task.assignee_id, task.delegator_id, task.completed_by_id):
        return ALLOWED
    if _is_candidate(task, official) if candidate is None else candidate:
        return ALLOWED
    return Verdict(False, _("Only the officials who handle or handled this task may add comments or files to it."))


def may_complete(task: HumanTask, official: Official) -> bool:
    """Open, and either assigned to the official or unclaimed with the official among its candidates."""
    return allowed_operations(task, official)["complete"].allowed


def may_claim(task: HumanTask, official: Official) -> bool:
    return allowed_operations(task, official)["claim"].allowed


def _local(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _event_at(task: HumanTask, action: str) -> datetime | None:
    """When the task's latest `action` (claimed, transferred) was audited."""
    event = AuditEvent.objects.filter(task=task, action=action).order_by("-at", "-id").first()
    return event.at if event else None


def _refuse_if_taken(task: HumanTask, actor: Official) -> None:
    """NotAllowed for an official the task was never meant for; else TaskTaken when the task was closed, or
    claimed by another official, before this actor got to it. `task` as `_task_row` read it for `actor`."""
    if task.assignee_id != actor.pk and not task.actor_is_candidate:
        raise NotAllowed(actor.pk, task.title)
    if task.state == HumanTask.COMPLETED:
        who = task.completed_by.name if task.completed_by else _("another official")
        raise TaskTaken(task, _("This task was already handled by %(who)s at %(at)s.")
                        % {"who": who, "at": _local(task.completed_at)})
    if task.state != HumanTask.OPEN:
        raise TaskTaken(task, _("This task was withdrawn by the process at %(at)s.")
                        % {"at": _local(task.completed_at) if task.completed_at else "—"})
    if task.assignee_id is not None and task.assignee_id != actor.pk:
        if task.held_by == HumanTask.BY_TRANSFER:
            at = _event_at(task, "task_transferred")
            raise TaskTaken(task, _("This task was transferred to %(who)s at %(at)s.")
                            % {"who": task.assignee.name, "at": _local(at) if at else "—"})
        if task.held_by != HumanTask.BY_CLAIM:
            raise TaskTaken(task, _("This task is held by %(who)s.") % {"who": task.assignee.name})
        at = _event_at(task, "task_claimed")
        raise TaskTaken(task, _("This task was claimed by %(who)s at %(at)s.")
                        % {"who": task.assignee.name, "at": _local(at) if at else "—"})


def _task_row(task_id: int, actor: Official) -> HumanTask:
    """The task and whether `actor` is a candidate: one statement (who holds or closed it is read on a refusal)."""
    return _with_candidacy(HumanTask.objects.all(), actor).get(pk=task_id)


def _with_candidacy(tasks: QuerySet[HumanTask], actor: Official) -> QuerySet[HumanTask]:
    candidate = HumanTask.candidates.through.objects.filter(humantask_id=OuterRef("pk"), official_id=actor.pk)
    return tasks.annotate(actor_is_candidate=Exists(candidate))


def _locked_task_row(task_id: int, actor: Official, wait: bool) -> HumanTask | None:
    """The task row with its instance (and definition) locked.

    Without waiting, one statement: both rows locked NOWAIT, so that what it returns is their latest versions
    (a lock that waited could pair a fresh instance row with a stale task row); LockBusy if another write holds
    either. Waiting, the instance is locked first, as every other write does, then the task row is read.
    """
    if wait and connection.features.has_select_for_update:
        instance = lock_instance(instance_of_task(task_id))
        if instance is None:
            return None
        task = _task_row(task_id, actor)
        task.instance = instance
        return task
    tasks = _with_candidacy(HumanTask.objects.select_related("instance__definition")
                            .defer("instance__definition__sources"), actor)
    if connection.features.has_select_for_update:  # SQLite: the write's IMMEDIATE transaction is the lock
        tasks = tasks.select_for_update(nowait=True, of=("self", "instance"))
    try:
        return tasks.filter(pk=task_id).first()
    except OperationalError as exc:
        raise_if_busy(exc)
        raise


def _task_lock(task_id: int, actor: Official, rows: dict[str, Any]) -> Callable[[bool], ProcessInstance | None]:
    """The lock of a write on one task (write_instance's `lock`): the task row read with the actor's candidacy as the
    instance is locked (`_locked_task_row`), kept in rows["task"] for the write's work."""

    def lock(wait: bool) -> ProcessInstance | None:
        task = _locked_task_row(task_id, actor, wait)
        if task is None:
            return None
        rows["task"] = task
        return task.instance

    return lock


def claim_task(task_id: int, actor: Official) -> HumanTask:
    """Take an unclaimed task of one of the actor's roles; claiming one's own claimed task again is a no-op."""
    with transaction.atomic():
        lock_instance(instance_of_task(task_id))
        task = _task_row(task_id, actor)
        _refuse_if_taken(task, actor)
        if task.assignee_id == actor.pk:
            return task
        task.assignee = actor
        task.held_by = HumanTask.BY_CLAIM
        task.save(update_fields=["assignee", "held_by"])
        audit.record("task_claimed", task=task, actor=actor, message=task.title)
        return task


def _locked_for(task_id: int, actor: Official, operation: str) -> HumanTask:
    """The task row, its instance locked, once the rule allows `operation` to `actor` (else OperationRefused)."""
    lock_instance(instance_of_task(task_id))
    task = _task_row(task_id, actor)
    _require(task, actor, operation)
    return task


def _require(task: HumanTask, actor: Official, operation: str) -> None:
    """OperationRefused with the rule's reason unless `allowed_operations` lets `actor` do `operation` on `task` (a
    row read by `_task_row`, which knows whether the actor is a candidate)."""
    verdict = allowed_operations(task, actor, candidate=task.actor_is_candidate)[operation]
    if not verdict:
        raise OperationRefused(actor.pk, verdict.reason)


def unclaim_task(task_id: int, actor: Official) -> HumanTask:
    """退回认领: a task the actor claimed from a role's pool goes back to the pool, offered to its candidates again."""
    with transaction.atomic():
        task = _locked_for(task_id, actor, "unclaim")
        task.assignee = None
        task.held_by = HumanTask.BY_RULE
        task.save(update_fields=["assignee", "held_by"])
        audit.record("task_unclaimed", task=task, actor=actor, message=task.title)
        others = [pk for pk in task.candidates.values_list("pk", flat=True) if pk != actor.pk]
        notify(others, f"“{task.title}”（{task.case_number}）已退回岗位待认领", task=task)
        return task


def _target(task: HumanTask, actor: Official, to_official_id: int | None) -> Official:
    """The official a task is transferred or delegated to, checked (refused with the reason otherwise).

    Never the actor, the case's applicant or (unless the step lets them act) its initiator: nobody handles their
    own case. An official on approved leave today is refused rather than silently replaced by their B post: the
    actor chose a person, so they are told and choose again (the B post, named when there is one, or another).
    """
    to = Official.objects.filter(pk=to_official_id).first() if to_official_id else None
    if to is None or not to.active:
        raise InvalidInput(_("Choose an active official."), field="to")
    if to.pk == actor.pk:
        raise OperationRefused(actor.pk, _("You cannot pass a task to yourself."))
    instance = task.instance
    if to.pk == instance.applicant_id or (to.pk == instance.started_by_id and not task.initiator_may_act):
        raise OperationRefused(actor.pk, _("%(who)s is a party to this case and may not handle it.")
                               % {"who": to.name})
    away = Absence.objects.filter(official=to, first_day__lte=today(), last_day__gte=today()).order_by(
        "-last_day").first()
    if away is not None:
        raise OperationRefused(actor.pk, _("%(who)s is on leave until %(day)s; choose another official "
                                           "(for example their B post).") % {"who": to.name, "day": away.last_day})
    return to


def _reason(text: str, field: str, longest: int = 500) -> str:
    """The reason, note or opinion a transition needs, trimmed; empty or too long is refused naming the field."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Please give a reason or opinion."), field=field)
    if len(text) > longest:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": longest}, field=field)
    return text


def transfer_task(task_id: int, actor: Official, to_official_id: int | None, reason: str) -> HumanTask:
    """转办: `to_official_id` becomes the task's assignee for good and the actor loses it.

    The row keeps why (`held_by` = transfer), so a later re-resolution (a leave, a post change) never moves it
    back; the new holder is notified and may complete, transfer or delegate it like any handler. An official on
    approved leave today is refused with a message naming the way (their B post), never silently replaced.
    """
    with transaction.atomic():
        task = _locked_for(task_id, actor, "transfer")
        reason = _reason(reason, "reason")
        to = _target(task, actor, to_official_id)
        before = _holder_name(task) or actor.name
        task.assignee = to
        task.held_by = HumanTask.BY_TRANSFER
        task.save(update_fields=["assignee", "held_by"])
        audit.record("task_transferred", task=task, actor=actor, message=f"{task.title} → {to.name}：{reason}",
                     before={"assignee": before}, after={"assignee": to.name, "reason": reason})
        notify([to.pk], f"{actor.name}将“{task.title}”（{task.case_number}）转办给您：{reason}", task=task)
        return task


def delegate_task(task_id: int, actor: Official, to_official_id: int | None, note: str) -> HumanTask:
    """委派: `to_official_id` handles the task for the actor, gives an opinion (`resolve_task`) and it comes back.

    The process does not move while the task is delegated: nobody may complete it until the delegate returns it,
    and then only the delegator (the row's `delegator`) completes it, with the delegate's opinion shown.
    """
    with transaction.atomic():
        task = _locked_for(task_id, actor, "delegate")
        note = _reason(note, "note")
        to = _target(task, actor, to_official_id)
        task.delegator = actor
        task.assignee = to
        task.held_by = HumanTask.BY_DELEGATION
        task.delegation_note = note
        task.delegate_opinion = ""
        task.save(update_fields=["assignee", "delegator", "held_by", "delegation_note", "delegate_opinion"])
        audit.record("task_delegated", task=task, actor=actor, message=f"{task.title} → {to.name}：{note}",
                     after={"delegate": to.name, "note": note})
        notify([to.pk], f"{actor.name}委派您办理“{task.title}”（{task.case_number}）：{note}", task=task)
        return task


def resolve_task(task_id: int, actor: Official, opinion: str) -> HumanTask:
    """The delegate's answer: the opinion is kept on the task, which goes back to the delegator to complete."""
    with transaction.atomic():
        task = _locked_for(task_id, actor, "resolve")
        opinion = _reason(opinion, "opinion", longest=2000)
        delegator = task.delegator
        task.assignee = delegator
        task.delegator = None
        task.held_by = HumanTask.BY_RETURN
        task.delegate_opinion = opinion
        task.save(update_fields=["assignee", "delegator", "held_by", "delegate_opinion"])
        audit.record("task_delegation_returned", task=task, actor=actor,
                     message=f"{task.title} → {delegator.name}：{opinion}",
                     after={"opinion": opinion, "returned_to": delegator.name})
        notify([delegator.pk], f"{actor.name}已办理您委派的“{task.title}”（{task.case_number}）：{opinion}",
               task=task)
        return task


def _outcome(form_data: Mapping[str, Any]) -> str:
    return str(form_data.get("decision", form_data.get("confirmed", "done")))[:50]


def _signature_fields(task: HumanTask, actor: Official, form_data: Mapping[str, Any]) -> list[str]:
    """A decision (同意/不同意 …) is signed with the actor's signature image as it is now, when they have one: the
    row keeps the stored file (never overwritten) and its SHA-256."""
    if "decision" not in form_data or not actor.signature_file:
        return []
    task.signature_file, task.signature_sha256 = actor.signature_file, actor.signature_sha256
    return ["signature_file", "signature_sha256"]


def complete_task(task_id: int, actor: Official, form_data: Mapping[str, Any]) -> HumanTask:
    """Complete an open task as `actor`; whoever comes second gets TaskTaken naming the first.

    The row is closed before the engine runs, so the services the step calls see the task as done (a leave
    ending re-resolves the open tasks of the official, not the one being completed); a failure rolls it back.
    """
    rows: dict[str, Any] = {}
    lock = _task_lock(task_id, actor, rows)

    def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
        task = rows["task"]
        if task.delegator_id is not None and task.state == HumanTask.OPEN and actor.pk in (
                task.delegator_id, task.assignee_id):  # the delegate answers with `resolve_task`; the delegator waits
            raise OperationRefused(actor.pk, allowed_operations(task, actor, candidate=True)["complete"].reason)
        _refuse_if_taken(task, actor)
        at = now()
        task.state = HumanTask.COMPLETED
        task.outcome = _outcome(form_data)
        task.completed_by = actor
        task.completed_at = at
        signed = _signature_fields(task, actor, form_data)
        task.save(update_fields=["state", "outcome", "completed_by", "completed_at", *signed])
        runner.complete(workflow, task.engine_task_id, form_data, actor.pk, [actor.pk], completed_at=at)
        audit.record("task_completed", task=task, actor=actor, message=task.title, after=dict(form_data))
        if task.held_by == HumanTask.BY_SEND_BACK:  # the returned-to official resubmits: the case goes on from there
            SendBack.objects.filter(returned_to=task).update(resubmitted_at=at)
            audit.record("task_resubmitted", task=task, actor=actor, message=task.title)

    write_instance(instance_of_task(task_id), work, lock=lock)
    return rows["task"]


SIGNER_POSITIONS = ("before", "after")


def add_signer_task(task_id: int, actor: Official, to_official_id: int | None, position: str,
                    reason: str) -> HumanTask | None:
    """加签: `to_official_id` signs the multi-approver step `task_id` belongs to as well.

    依次: "before" lets the added signer act first (the actor's task comes back right after them, a new task),
    "after" puts them right after the actor. 会签 / 或签: one more signer in parallel, whatever the position (会签
    then counts its ratio over one more signer). The added signer's row is held as `added` with the actor's row as
    its parent, and they are told at once. Returns that row when the engine made their task now (None for 依次
    "after": it is created when their turn comes, by the same write that completes the actor's task).
    """
    rows: dict[str, Any] = {}
    lock = _task_lock(task_id, actor, rows)

    def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
        task = rows["task"]
        _require(task, actor, "add_signer")
        if position not in SIGNER_POSITIONS:
            raise InvalidInput(_("Choose before or after."), field="position")
        text = _reason(reason, "reason")
        to = _target(task, actor, to_official_id)
        if instance.tasks.filter(state=HumanTask.OPEN, spec_name=task.spec_name, assignee=to).exists():
            raise OperationRefused(actor.pk, _("%(who)s already signs this step.") % {"who": to.name})
        try:
            rows["added"] = runner.add_signer(workflow, task.engine_task_id, to.pk, position)
        except SignerRefused as exc:
            raise OperationRefused(actor.pk, str(exc)) from exc
        where = _("before me") if position == "before" else _("after me")
        audit.record("task_signer_added", task=task, actor=actor,
                     message=f"{task.title} + {to.name}（{where}）：{text}",
                     after={"signer": to.name, "position": position, "reason": text})
        rows["to"], rows["text"] = to, text

    write_instance(instance_of_task(task_id), work, lock=lock)
    task, to = rows["task"], rows["to"]
    added = HumanTask.objects.filter(instance_id=task.instance_id, engine_task_id=rows["added"]).first() if rows[
        "added"] else None
    notify([to.pk], f"{actor.name}在“{task.title}”（{task.case_number}）加签，请您审批：{rows['text']}",
           task=added, instance=task.instance)
    return added


def remove_signer_task(task_id: int, actor: Official, signer_task_id: int | None, reason: str) -> HumanTask:
    """减签: the signer of the open task `signer_task_id` (of the same step as the actor's `task_id`) no longer
    signs. Never one who has already decided, never the last signer left; 会签 then counts its ratio over the
    signers left, and the step ends at once if that decides it. The removed signer is told; returns their row."""
    rows: dict[str, Any] = {}
    lock = _task_lock(task_id, actor, rows)

    def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
        task = rows["task"]
        _require(task, actor, "remove_signer")
        other = instance.tasks.filter(pk=signer_task_id, spec_name=task.spec_name).select_related(
            "assignee").first() if isinstance(signer_task_id, int) else None
        if other is None:
            raise InvalidInput(_("Choose a signer of this step."), field="signer_task")
        if other.pk == task.pk:
            raise OperationRefused(actor.pk, _("You cannot remove yourself; handle or transfer your task instead."))
        if other.state != HumanTask.OPEN:
            raise OperationRefused(actor.pk, _("This signer has already decided or is no longer on this step."))
        text = _reason(reason, "reason")
        try:
            runner.remove_signer(workflow, other.engine_task_id)
        except SignerRefused as exc:
            raise OperationRefused(actor.pk, str(exc)) from exc
        who = other.assignee.name if other.assignee_id else "、".join(other.candidates.values_list("name", flat=True))
        audit.record("task_signer_removed", task=other, actor=actor, message=f"{task.title} − {who}：{text}",
                     after={"signer": who, "reason": text})
        notify(holders_of(other),
               f"{actor.name}在“{task.title}”（{task.case_number}）减签，您无需再审批：{text}", task=other)
        rows["other"] = other

    write_instance(instance_of_task(task_id), work, lock=lock)
    return HumanTask.objects.get(pk=rows["other"].pk)


def send_back_task(task_id: int, actor: Official, target: str, reason: str) -> HumanTask:
    """退回: the open task goes back to the earlier step `target` (one of `send_back_targets`), reopened for whoever
    did it last, with the reason they see; returns the reopened row.

    The sender's row is closed as sent back (it shows in the actor's 已办). Once the returned-to official resubmits,
    the steps in between run again with their earlier results and the sender's step opens as a new attempt (new
    due date, new reminders): engine.send_back.
    """
    reason = _reason(reason, "reason")
    with transaction.atomic():
        task = _locked_for(task_id, actor, "send_back")
        targets = dict(send_back_targets(task))
        if target not in targets:
            raise InvalidInput(_("Choose one of the earlier steps this task may be sent back to."), field="target")
        performer = (HumanTask.objects.filter(instance_id=task.instance_id, spec_name=target,
                                              state=HumanTask.COMPLETED)
                     .order_by("-completed_at", "-id").values_list("completed_by_id", flat=True).first())
        at = now()

        def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
            task.state = HumanTask.COMPLETED
            task.outcome = "sent_back"
            task.completed_by = actor
            task.completed_at = at
            task.save(update_fields=["state", "outcome", "completed_by", "completed_at"])
            runner.send_back(workflow, task.engine_task_id, target)

        write_instance(task.instance_id, work)
        returned = (HumanTask.objects.filter(instance_id=task.instance_id, spec_name=target, state=HumanTask.OPEN)
                    .order_by("-id").first())
        if returned is not None:
            to = Official.objects.filter(pk=performer, active=True).first() if performer else None
            away = to is not None and Absence.objects.filter(official=to, first_day__lte=today(),
                                                             last_day__gte=today()).exists()
            if to is not None and not away:  # else the step's rule (with its B post) already chose
                returned.assignee = to
            returned.held_by = HumanTask.BY_SEND_BACK
            returned.save(update_fields=["assignee", "held_by"])
        SendBack.objects.create(instance_id=task.instance_id, sender=task, target_spec=target, returned_to=returned,
                                reason=reason, actor=actor, at=at)
        audit.record("task_sent_back", task=task, actor=actor, message=f"{task.title} → {targets[target]}：{reason}",
                     after={"target": targets[target], "reason": reason})
        if returned is not None:
            notify(holders_of(returned),
                   f"{actor.name}将“{task.title}”（{task.case_number}）退回至“{returned.title}”：{reason}",
                   task=returned, kind=Notification.RETURN)
        return returned or task


def take_back_task(task_id: int, actor: Official) -> HumanTask:
    """撤回 an approval: the task the actor completed opens again for them while the next step has not been acted
    on; refused with the reason (naming the step that acted) once it has. Returns the reopened row."""
    with transaction.atomic():
        lock_instance(instance_of_task(task_id))
        task = HumanTask.objects.select_related("instance__definition").get(pk=task_id)
        verdict = take_back_verdict(task, actor)
        if not verdict:
            raise OperationRefused(actor.pk, verdict.reason)
        opened: list[str] = []

        def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
            try:
                opened.append(runner.take_back(workflow, task.engine_task_id))
            except MoveRefused as exc:
                raise OperationRefused(actor.pk, str(exc)) from exc

        write_instance(task.instance_id, work)
        row = HumanTask.objects.get(instance_id=task.instance_id, engine_task_id=opened[0])
        row.assignee = actor
        row.held_by = HumanTask.BY_TAKE_BACK
        row.save(update_fields=["assignee", "held_by"])
        audit.record("task_taken_back", task=row, actor=actor, message=task.title)
        return row


def withdraw_instance(instance_id: int, actor: Official, reason: str) -> ProcessInstance:
    """撤回 a case by its initiator before anyone decided on it: it ends as WITHDRAWN and its family closes the
    business record (`CaseRecord.on_withdrawn`); see `_end_without_engine`."""
    reason = _reason(reason, "reason")
    with transaction.atomic():
        instance = lock_instance(instance_id)
        if instance is None:
            raise InvalidInput(_("No such case."), field="instance")
        verdict = allowed_instance_operations(instance, actor)["withdraw"]
        if not verdict:
            raise OperationRefused(actor.pk, verdict.reason)
        return _end_without_engine(instance, actor, reason, ProcessInstance.WITHDRAWN, "instance_withdrawn",
                                   "on_withdrawn", "已撤回")


ADMINISTRATION_OPERATIONS = ("reassign", "cancel", "retry", "move")


def allowed_administration(instance: ProcessInstance, official: Official) -> dict[str, Verdict]:
    """The may-act rule of the centre administrator's bulk actions on a case (monitoring): 改派 (reassign its open
    tasks), 终止 (cancel with a reason), 重试 (retry an errored one) and 迁移 (move to another version). Only the
    centre office acts; each action only in the state it makes sense in."""
    from workflows.org.selectors import is_centre_office

    if not is_centre_office(official):
        nobody = Verdict(False, _("Only the centre office can administer cases."))
        return dict.fromkeys(ADMINISTRATION_OPERATIONS, nobody)
    not_running = Verdict(False, _("The case is no longer running."))
    running = ALLOWED if instance.status == ProcessInstance.RUNNING else not_running
    return {
        "reassign": running,
        "cancel": ALLOWED if instance.status in (ProcessInstance.RUNNING, ProcessInstance.ERRORED) else not_running,
        "retry": ALLOWED if instance.status == ProcessInstance.ERRORED else Verdict(
            False, _("Only a case in error can be retried.")),
        "move": running,
    }


def _administered(instance_id: int, actor: Official, operation: str) -> ProcessInstance:
    """The instance row, locked, once `allowed_administration` lets `actor` do `operation` on it."""
    instance = lock_instance(instance_id)
    if instance is None:
        raise InvalidInput(_("No such case."), field="instance")
    verdict = allowed_administration(instance, actor)[operation]
    if not verdict:
        raise OperationRefused(actor.pk, verdict.reason)
    return instance


def reassign_instance_tasks(instance_id: int, actor: Official, to_official_id: int | None,
                            reason: str) -> list[HumanTask]:
    """改派 by the centre administrator: every open task of the case goes to `to_official_id` for good (held as a
    transfer, so no re-resolution moves it back), each audited and the new holder told. The same checks as 转办
    (an active official, not a party to the case, not on leave) refuse the whole case, naming why."""
    reason = _reason(reason, "reason")
    with transaction.atomic():
        instance = _administered(instance_id, actor, "reassign")
        rows = list(instance.tasks.filter(state=HumanTask.OPEN).select_related("assignee", "instance"))
        if not rows:
            raise OperationRefused(actor.pk, _("The case has no open task."))
        for task in rows:
            to = _target(task, actor, to_official_id)
            before = _holder_name(task) or ""
            task.assignee, task.held_by, task.delegator = to, HumanTask.BY_TRANSFER, None
            task.save(update_fields=["assignee", "held_by", "delegator"])
            audit.record("task_reassigned", task=task, actor=actor, message=f"{task.title} → {to.name}：{reason}",
                         before={"assignee": before}, after={"assignee": to.name, "reason": reason})
            notify([to.pk], f"{actor.name}将“{task.title}”（{task.case_number}）改派给您：{reason}", task=task)
        return rows


def cancel_instance(instance_id: int, actor: Official, reason: str) -> ProcessInstance:
    """终止 by the centre administrator: the case ends as CANCELLED and its family closes the business record where
    it has a hook (`CaseRecord.on_cancelled`); see `_end_without_engine`."""
    reason = _reason(reason, "reason")
    with transaction.atomic():
        instance = _administered(instance_id, actor, "cancel")
        return _end_without_engine(instance, actor, reason, ProcessInstance.CANCELLED, "instance_cancelled",
                                   "on_cancelled", "已终止")


def _end_without_engine(instance: ProcessInstance, actor: Official, reason: str, status: str, action: str,
                        hook: str, verb: str) -> ProcessInstance:
    """End a locked case from outside its process (撤回, 终止): open tasks cancelled (their holders told), waits
    dropped, the status set, audited, the family's `hook` on its CaseRecord called where it has one. The engine is
    not run: the state stays as it was, and no timer or message reaches it again."""
    from workflows.runtime.event_models import WaitingEvent
    from workflows.runtime.registry import case_record_of

    at = now()
    open_rows = list(instance.tasks.filter(state=HumanTask.OPEN).prefetch_related("candidates"))
    told = {pk for row in open_rows for pk in ([row.assignee_id] if row.assignee_id else
                                               [c.pk for c in row.candidates.all()])}
    instance.tasks.filter(state=HumanTask.OPEN).update(state=HumanTask.CANCELLED, completed_at=at)
    WaitingEvent.objects.filter(instance=instance).delete()
    ProcessInstance.objects.filter(pk=instance.pk).update(status=status, next_timer_at=None, ended_at=at,
                                                          revision=F("revision") + 1)
    instance.refresh_from_db()
    for row in open_rows:
        audit.record("task_cancelled", task=row, actor=actor, message=row.title)
    audit.record(action, instance=instance, actor=actor, message=reason, after={"reason": reason})
    record = case_record_of(instance.definition.key)
    close = getattr(record, hook, None) if record is not None else None
    if close is not None:
        close(instance, actor, reason)
    told.discard(actor.pk)
    notify(sorted(told), f"{actor.name}{verb}“{instance.definition.name}”（{instance.business_key}）：{reason}",
           instance=instance, kind=Notification.RETURN)
    return instance

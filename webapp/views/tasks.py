"""One task: the case it belongs to and the form that completes it; claiming, 退回认领, 转办, 委派 and its return,
加签 / 减签 on a multi-approver step."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from engine.errors import EngineError
from webapp.access import official_required
from webapp.copy_forms import CaseCopyForm
from webapp.due import due_of
from webapp.task_forms import has_task_form, service_step, task_form
from webapp.views.cases import case_context
from workflows.runtime.models import HumanTask, SendBack
from workflows.runtime.selectors import (
    find_task,
    other_open_signers,
    task_attachments,
    task_comments,
    task_visible_to,
    transfer_targets,
)
from workflows.runtime.services.task_extras import allowed_kinds_text
from workflows.runtime.services.transitions import (
    TaskTaken,
    add_signer_task,
    allowed_operations,
    claim_task,
    complete_task,
    delegate_task,
    remove_signer_task,
    resolve_task,
    send_back_targets,
    send_back_task,
    sent_back_values,
    take_back_task,
    transfer_task,
    unclaim_task,
)
from workflows.runtime.services.urging import urgeable


def _task_or_404(task_id: int) -> HumanTask:
    task = find_task(task_id)
    if task is None:
        raise Http404
    return task


def visible_task(request: HttpRequest, task_id: int) -> HumanTask:
    """The task, 404 when there is none, 403 when the official may not see it (task_visible_to)."""
    task = _task_or_404(task_id)
    if not task_visible_to(task, request.official):
        raise PermissionDenied
    return task


@require_http_methods(["GET", "POST"])
@official_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    official = request.official
    task = visible_task(request, task_id)
    form = None
    kept = None  # what the official typed into a task someone else handled first
    if request.method == "POST":
        if not has_task_form(task):  # e.g. the written appeal, filed with its files on the case page
            raise PermissionDenied
        form = task_form(task, request.POST)
        if form.is_valid():
            try:
                complete_task(task.pk, official, form.payload())
            except TaskTaken as exc:
                messages.error(request, str(exc))
                kept, form = form, None
                task = _task_or_404(task_id)
            except EngineError as exc:  # not allowed, bad input, failure inside the definition
                messages.error(request, str(exc))
                task = _task_or_404(task_id)
            else:
                messages.success(request, _("“%(title)s” is done.") % {"title": task.title})
                return redirect("inbox")
    ops = allowed_operations(task, official)
    can_act = bool(ops["complete"]) and has_task_form(task)
    step = service_step(task)
    passes_on = bool(ops["transfer"]) and task.state == HumanTask.OPEN
    case = case_context(task.instance, official)
    if can_act and form is None:  # after a 退回 the form shows what was submitted before
        form = task_form(task)
        form.initial.update({k: v for k, v in sent_back_values(task).items() if k in form.fields})
    context = {
        "task": task,
        "due": due_of(task),
        "form": (form or task_form(task)) if can_act else None,
        "kept": kept,
        "ops": ops,
        "can_claim": bool(ops["claim"]),
        "targets": transfer_targets(task, official) if passes_on else [],
        "signers": other_open_signers(task) if ops["remove_signer"] else [],
        "send_back_targets": send_back_targets(task) if ops["send_back"] else [],
        "send_back": SendBack.objects.filter(returned_to=task).select_related("actor").first(),
        "service_step": step,
        "service_step_link": step.link(task.instance) if step else None,
        **case,
        "urgeable": urgeable(case["tasks"], official),  # 催办 buttons (webapp/views/copies.py takes the press)
        "copy_form": CaseCopyForm(),
        "comments": task_comments(task),
        "attachments": task_attachments(task),
        "attachment_kinds": allowed_kinds_text(),
        "attachment_max": settings.GOVFLOW_TASK_ATTACHMENT_MAX_BYTES,
        "attachment_count": settings.GOVFLOW_TASK_ATTACHMENT_MAX_COUNT,
    }
    return render(request, "tasks/detail.html", context)


@require_POST
@official_required
def claim(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(task_id)
    try:
        claim_task(task.pk, request.official)
    except EngineError as exc:
        messages.error(request, str(exc))
        return redirect("task", task_id=task.pk) if task_visible_to(task, request.official) else redirect("inbox")
    messages.success(request, _("You claimed “%(title)s”.") % {"title": task.title})
    return redirect("task", task_id=task.pk)


def _pass_on(request: HttpRequest, task_id: int, act, done: str, *, then: str = "inbox") -> HttpResponse:
    """Run one transition from a task page's form; a refusal is shown on the task page, never a 500. Afterwards the
    official goes to `then`: the inbox when the task left them, "task" when it stays theirs (加签, 减签)."""
    task = visible_task(request, task_id)
    try:
        act(task)
    except EngineError as exc:
        messages.error(request, str(exc))
        return redirect("task", task_id=task.pk)
    messages.success(request, done % {"title": task.title})
    return redirect("task", task_id=task.pk) if then == "task" else redirect(then)


def _official_id(request: HttpRequest) -> int | None:
    value = request.POST.get("to", "")
    return int(value) if value.isdigit() else None


@require_POST
@official_required
def unclaim(request: HttpRequest, task_id: int) -> HttpResponse:
    return _pass_on(request, task_id, lambda task: unclaim_task(task.pk, request.official),
                    _("“%(title)s” is back in its role's pool."))


@require_POST
@official_required
def transfer(request: HttpRequest, task_id: int) -> HttpResponse:
    return _pass_on(request, task_id, lambda task: transfer_task(task.pk, request.official, _official_id(request),
                                                                 request.POST.get("reason", "")),
                    _("“%(title)s” was transferred."))


@require_POST
@official_required
def delegate(request: HttpRequest, task_id: int) -> HttpResponse:
    return _pass_on(request, task_id, lambda task: delegate_task(task.pk, request.official, _official_id(request),
                                                                 request.POST.get("note", "")),
                    _("“%(title)s” was delegated."))


@require_POST
@official_required
def resolve(request: HttpRequest, task_id: int) -> HttpResponse:
    return _pass_on(request, task_id, lambda task: resolve_task(task.pk, request.official,
                                                                request.POST.get("opinion", "")),
                    _("“%(title)s” was returned to whoever delegated it."))


@require_POST
@official_required
def add_signer(request: HttpRequest, task_id: int) -> HttpResponse:
    """加签 from the task page; the official goes back to their task (still theirs unless the signer acts first)."""
    return _pass_on(request, task_id, lambda task: add_signer_task(task.pk, request.official, _official_id(request),
                                                                   request.POST.get("position", ""),
                                                                   request.POST.get("reason", "")),
                    _("A signer was added to “%(title)s”."), then="task")


@require_POST
@official_required
def remove_signer(request: HttpRequest, task_id: int) -> HttpResponse:
    """减签 from the task page."""
    value = request.POST.get("signer_task", "")
    return _pass_on(request, task_id, lambda task: remove_signer_task(task.pk, request.official,
                                                                      int(value) if value.isdigit() else None,
                                                                      request.POST.get("reason", "")),
                    _("A signer was removed from “%(title)s”."), then="task")


@require_POST
@official_required
def send_back(request: HttpRequest, task_id: int) -> HttpResponse:
    return _pass_on(request, task_id, lambda task: send_back_task(task.pk, request.official,
                                                                  request.POST.get("target", ""),
                                                                  request.POST.get("reason", "")),
                    _("“%(title)s” was sent back."))


@require_POST
@official_required
def take_back(request: HttpRequest, task_id: int) -> HttpResponse:
    """撤回 from the task page or the 已办 row: the reopened task's page, or the reason it cannot be taken back."""
    task = visible_task(request, task_id)
    try:
        reopened = take_back_task(task.pk, request.official)
    except EngineError as exc:
        messages.error(request, str(exc))
        return redirect("task", task_id=task.pk)
    messages.success(request, _("“%(title)s” was taken back.") % {"title": task.title})
    return redirect("task", task_id=reopened.pk)

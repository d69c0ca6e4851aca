"""What every page about one case shows (summary, tasks, history, the progress timeline and the diagram with its
position), the case page itself, and its printable approval sheet (审批单).

Who may open a case is webapp.access.visible_instances: a case outside it is not found (404)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.errors import EngineError
from webapp.access import official_required, visible_instances
from webapp.copy_forms import CaseCopyForm
from workflows.org.models import Official
from workflows.runtime.approval_sheet_pdf import approval_sheet_pdf as sheet_pdf
from workflows.runtime.clock import now
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.registry import case_record_of
from workflows.runtime.selectors import instance_history, instance_tasks
from workflows.runtime.services.copies import mark_copies_read
from workflows.runtime.services.transitions import allowed_instance_operations, withdraw_instance
from workflows.runtime.services.urging import urgeable
from workflows.runtime.timeline import approval_steps, case_timeline


def element_id(spec_name: str) -> str:
    """BPMN element id of a task spec; multi-instance children are named '<id> [child]'."""
    return spec_name.split(" [", 1)[0]


def case_record(instance: ProcessInstance, reader: Official) -> dict[str, Any]:
    """The family's record behind the instance as `reader` may see it, and the partial that summarises it;
    {} for a bare process or an instance without its record."""
    kind = case_record_of(instance.definition.key)
    if kind is None:
        return {}
    record = kind.find(instance)
    if record is None:  # started without its record (e.g. through the API): the generic summary
        return {}
    extra = kind.for_reader(record, reader) if kind.for_reader else {}
    return {kind.context_name: record, "summary_template": kind.summary_template, **extra}


def case_context(instance: ProcessInstance, reader: Official) -> dict[str, Any]:
    tasks = list(instance_tasks(instance))
    return {
        "instance": instance,
        **case_record(instance, reader),
        "tasks": tasks,
        "history": instance_history(instance),
        "timeline": case_timeline(instance),
        "diagram": {
            "definition_id": instance.definition_id,
            "current": sorted({element_id(t.spec_name) for t in tasks if t.state == HumanTask.OPEN}),
            "done": sorted({element_id(t.spec_name) for t in tasks if t.state == HumanTask.COMPLETED}),
            "errored": [instance.error_element] if instance.error_element else [],
        },
    }



def visible_case(request: HttpRequest, instance_id: int) -> ProcessInstance:
    """The case if the reader may see it (webapp.access.visible_instances), else 404: a case's number tells an
    outsider nothing."""
    instance = (visible_instances(request.user, request.official).select_related("started_by")
                .filter(pk=instance_id).first())
    if instance is None:
        raise Http404
    return instance


@require_GET
@official_required
def case_detail(request: HttpRequest, instance_id: int) -> HttpResponse:
    """One case: its summary, its progress timeline, its diagram, 催办 where allowed and 抄送; opening it reads the
    official's copies of it."""
    instance = visible_case(request, instance_id)
    mark_copies_read(instance, request.official)
    context = case_context(instance, request.official)
    return render(request, "cases/detail.html", {**context, "urgeable": urgeable(context["tasks"], request.official),
                                                 "copy_form": CaseCopyForm(),
                                                 "withdraw": allowed_instance_operations(instance,
                                                                                         request.official)["withdraw"]})


@require_POST
@official_required
def withdraw(request: HttpRequest, instance_id: int) -> HttpResponse:
    """撤回 by the initiator, from the case page (after the browser's confirmation); a refusal says why."""
    instance = visible_case(request, instance_id)
    try:
        withdraw_instance(instance.pk, request.official, request.POST.get("reason", ""))
    except EngineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The case was withdrawn."))
    return redirect("case", instance_id=instance.pk)


@require_GET
@official_required
def approval_sheet(request: HttpRequest, instance_id: int) -> HttpResponse:
    """审批单: the case and each of its steps with approver, time, outcome and opinion, laid out to print."""
    instance = visible_case(request, instance_id)
    return render(request, "cases/sheet.html", {
        "instance": instance, "steps": approval_steps(instance), "printed_at": now(),
        "centre_name": settings.GOVFLOW_CENTRE_NAME,
    })


@require_GET
@official_required
def approval_sheet_pdf(request: HttpRequest, instance_id: int) -> HttpResponse:
    """The 审批单 as a PDF, for filing or sending on."""
    instance = visible_case(request, instance_id)
    pdf = sheet_pdf(settings.GOVFLOW_CENTRE_NAME, instance, approval_steps(instance), now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="approval-sheet-{instance.pk}.pdf"'
    return response

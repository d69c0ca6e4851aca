"""Monitoring: overdue tasks (e.g. appeal decisions escalated to the director) and instances in error."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engine.errors import EngineError
from webapp.access import can_manage_definitions, can_monitor, official_required
from webapp.paging import numbered_page
from webapp.views.cases import element_id
from workflows.org.models import Official
from workflows.runtime.charts import monitoring_charts
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance
from workflows.runtime.selectors import (
    definition_versions,
    errored_instances,
    instance_tasks,
    monitored_instances,
    open_task_counts,
    overdue_tasks,
    process_names,
)
from workflows.runtime.services.bulk import bulk_administer
from workflows.runtime.services.instances import retry_instance
from workflows.runtime.services.moves import move_instances, plan_move


def _check(request: HttpRequest) -> None:
    if not can_monitor(request.user, request.official):
        raise PermissionDenied


@require_GET
@official_required
def monitoring(request: HttpRequest) -> HttpResponse:
    _check(request)
    names = process_names()
    return render(request, "monitoring.html", {
        "administer": can_manage_definitions(request.user, request.official),
        "overdue": overdue_tasks()[:200],
        "errored": errored_instances().order_by("-started_at")[:200],
        "counts": [{**row, "process": names.get(row["process_key"], row["process_key"])}
                   for row in open_task_counts()],
    })


@require_POST
@official_required
def retry(request: HttpRequest, instance_id: int) -> HttpResponse:
    _check(request)
    try:
        retry_instance(instance_id, request.official)
        messages.success(request, _("The instance runs again."))
    except EngineError as exc:
        messages.error(request, str(exc))
    return redirect("monitoring")


# --- charts, the instance list, bulk actions and 迁移 (moving instances to another version) --------------------


@require_GET
@official_required
def charts_json(request: HttpRequest) -> JsonResponse:
    """The monitoring charts as data (workflows.runtime.charts), for the page's ECharts."""
    _check(request)
    return JsonResponse({"charts": monitoring_charts()})


def _administer(request: HttpRequest) -> None:
    """Bulk actions and 迁移 are the centre administrator's (the centre office, or a staff account's official)."""
    if not can_manage_definitions(request.user, request.official):
        raise PermissionDenied


class InstanceFilter(forms.Form):
    process = forms.ChoiceField(label=_lazy("Process"), required=False)
    version = forms.IntegerField(label=_lazy("Version"), required=False, min_value=1)
    status = forms.ChoiceField(label=_lazy("State"), required=False,
                               choices=[("", "—"), *[(s, label) for s, label in ProcessInstance.STATUSES]])
    older_than = forms.IntegerField(label=_lazy("Started at least (days ago)"), required=False, min_value=0,
                                    max_value=36500)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", "—"), *sorted(process_names().items(), key=lambda kv: kv[1])]


@require_GET
@official_required
def instance_list(request: HttpRequest) -> HttpResponse:
    """Instances by process, version, state and age, newest first, a page at a time; bulk actions below."""
    _check(request)
    form = InstanceFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = monitored_instances(process=filters.get("process") or "", version=filters.get("version"),
                               status=filters.get("status") or "", older_than_days=filters.get("older_than"))
    return render(request, "monitoring/instances.html", {
        "form": form, **numbered_page(request, rows), "administer": can_manage_definitions(request.user,
                                                                                         request.official),
        "officials": Official.objects.filter(active=True).order_by("name").only("pk", "name"),
    })


@require_GET
@official_required
def instance_detail(request: HttpRequest, instance_id: int) -> HttpResponse:
    """One instance for monitoring: its tasks and its diagram with the current, done and errored elements."""
    _check(request)
    instance = monitored_instances().filter(pk=instance_id).first()
    if instance is None:
        raise Http404
    tasks = list(instance_tasks(instance))
    return render(request, "monitoring/instance.html", {
        "instance": instance, "tasks": tasks,
        "diagram": {
            "definition_id": instance.definition_id,
            "current": sorted({element_id(t.spec_name) for t in tasks if t.state == HumanTask.OPEN}),
            "done": sorted({element_id(t.spec_name) for t in tasks if t.state == HumanTask.COMPLETED}),
            "errored": [instance.error_element] if instance.error_element else [],
        },
    })


def _ids(request: HttpRequest) -> list[int]:
    try:
        return [int(v) for v in request.POST.getlist("instances")]
    except ValueError as exc:
        raise InvalidInput(_("Select at least one case."), field="instances") from exc


@require_POST
@official_required
def bulk(request: HttpRequest) -> HttpResponse:
    """改派 / 终止 / 重试 on the selected instances; one message per instance says what happened or why not."""
    _administer(request)
    back = request.POST.get("next") or ""
    if not back.startswith("/monitoring/"):
        back = reverse("monitoring_instances")
    try:
        to = request.POST.get("to") or None
        outcomes = bulk_administer(request.POST.get("action", ""), _ids(request), request.official,
                                   reason=request.POST.get("reason", ""),
                                   to_official_id=int(to) if to and to.isdigit() else None)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect(back)
    for outcome in outcomes:
        (messages.success if outcome.done else messages.error)(
            request, _("Case %(id)s: %(message)s") % {"id": outcome.instance_id, "message": outcome.message})
    return redirect(back)


class MoveForm(forms.Form):
    source = forms.ModelChoiceField(label=_lazy("From version"), queryset=ProcessDefinition.objects.none())
    target = forms.ModelChoiceField(label=_lazy("To version"), queryset=ProcessDefinition.objects.none())

    def __init__(self, key: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        versions = definition_versions(key)
        for name in ("source", "target"):
            self.fields[name].queryset = versions
            self.fields[name].label_from_instance = lambda d: _("Version %(v)s") % {"v": d.version}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            self.add_error("target", _("Choose another version than the source."))
        return data


@require_http_methods(["GET", "POST"])
@official_required
def moves(request: HttpRequest) -> HttpResponse:
    """迁移: pick a process and two versions, see the dry run (who can move, why the rest cannot), then move the
    selected movable instances once confirmed."""
    _administer(request)
    names = process_names()
    key = request.GET.get("process", "")
    if key not in names:
        key = ""
    form = MoveForm(key, request.GET if key and "source" in request.GET else None) if key else None
    plan = []
    if form is not None and form.is_valid():
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        if request.method == "POST":
            if request.POST.get("confirm") != "yes":
                messages.error(request, _("Tick the confirmation to move the instances."))
            else:
                try:
                    report = move_instances(_ids(request), target, request.official, request.POST.get("reason", ""))
                except InvalidInput as exc:
                    messages.error(request, str(exc))
                else:
                    if report.moved:
                        messages.success(request, _("%(count)d instance(s) moved to version %(v)s.")
                                         % {"count": len(report.moved), "v": target.version})
                    for instance_id, reasons in report.refused.items():
                        messages.error(request, _("Case %(id)s: %(message)s")
                                       % {"id": instance_id, "message": "；".join(reasons)})
            return redirect(request.get_full_path())
        plan = plan_move(source, target)
    return render(request, "monitoring/moves.html", {"processes": sorted(names.items(), key=lambda kv: kv[1]),
                                                     "process": key, "form": form, "plan": plan})

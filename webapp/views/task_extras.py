"""Beside a task: its comments and files (备注、附件), their downloads, 批量同意 from the inbox, 我的签名.

Files are served only through these views, which check that the reader may see the case (never a public media
URL); a refusal or bad file is shown on the page with its reason, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engine.errors import EngineError
from webapp.access import official_required, visible_instances
from webapp.views.tasks import visible_task
from workflows.runtime.models import HumanTask
from workflows.runtime.selectors import visible_attachment
from workflows.runtime.services.task_extras import (
    SIGNATURE_KINDS,
    add_attachment,
    add_comment,
    bulk_approve,
    set_signature,
)

_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


def _extras_anchor(task: HumanTask) -> HttpResponse:
    return redirect(reverse("task", args=[task.pk]) + "#task-extras")


@require_POST
@official_required
def comment(request: HttpRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    try:
        add_comment(task.pk, request.official, request.POST.get("text", ""))
    except EngineError as exc:
        messages.error(request, _("Comment: %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("Your comment was added."))
    return _extras_anchor(task)


@require_POST
@official_required
def attach(request: HttpRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    try:
        attachment = add_attachment(task.pk, request.official, request.FILES.get("file"))
    except EngineError as exc:
        messages.error(request, _("File: %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("“%(name)s” was attached.") % {"name": attachment.original_name})
    return _extras_anchor(task)


def _stored(name: str) -> FileResponse:
    try:
        return default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc


@require_GET
@official_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A task's file, to whoever may see its case (else 404, like the case itself)."""
    attachment = visible_attachment(attachment_id, visible_instances(request.user, request.official))
    if attachment is None:
        raise Http404
    return FileResponse(_stored(attachment.file.name), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


def _image(name: str) -> FileResponse:
    kind = name.rsplit(".", 1)[-1]
    return FileResponse(_stored(name), content_type=_IMAGE_TYPES.get(kind, "application/octet-stream"))


@require_GET
@official_required
def task_signature(request: HttpRequest, task_id: int) -> FileResponse:
    """The signature a step was completed with, as it was then, to whoever may see the case."""
    task = (HumanTask.objects.filter(pk=task_id, instance__in=visible_instances(request.user, request.official))
            .exclude(signature_file="").only("signature_file").first())
    if task is None:
        raise Http404
    return _image(task.signature_file)


@require_GET
@official_required
def my_signature_image(request: HttpRequest) -> FileResponse:
    if not request.official.signature_file:
        raise Http404
    return _image(request.official.signature_file)


@require_http_methods(["GET", "POST"])
@official_required
def my_signature(request: HttpRequest) -> HttpResponse:
    """我的签名: upload (or replace) the image shown beside one's approval opinions from now on."""
    if request.method == "POST":
        try:
            set_signature(request.official, request.FILES.get("signature"))
        except EngineError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your signature was saved. Approvals from now on show it."))
            return redirect("my_signature")
    return render(request, "signature.html", {"official": request.official,
                                              "kinds": "、".join(k.upper() for k in SIGNATURE_KINDS)})


@require_POST
@official_required
def bulk(request: HttpRequest) -> HttpResponse:
    """批量同意 from the inbox: each chosen task approved or refused, each with its reason, on one page."""
    ids = [int(value) for value in request.POST.getlist("task_ids") if value.isdigit() and len(value) < 19]
    try:
        outcomes = bulk_approve(ids, request.official, request.POST.get("opinion", ""))
    except EngineError as exc:
        messages.error(request, str(exc))
        return redirect("inbox")
    return render(request, "tasks/bulk_result.html", {"outcomes": outcomes,
                                                      "done": sum(1 for o in outcomes if o.done)})

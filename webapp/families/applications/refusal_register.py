"""否定报备登记表 pages: the centre office's list of registered refusals (filtered, paged), its CSV and Excel exports
each refusal's written notice as issued, and the return of its materials at the counter."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from webapp.access import official_required
from webapp.paging import numbered_page
from workflows.applications.access import can_return_materials, can_see_refusal_register
from workflows.applications.forms import RefusalRegisterFilterForm, ReturnMaterialsForm
from workflows.applications.models import Refusal
from workflows.applications.refusal_register import register_csv, register_xlsx, registered_refusals
from workflows.applications.refusals import RefusalRefused, return_materials

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest) -> tuple[RefusalRegisterFilterForm, dict]:
    if not can_see_refusal_register(request.user, request.official):
        raise PermissionDenied
    form = RefusalRegisterFilterForm(request.GET)
    return form, form.filters()


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@official_required
def refusal_register(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    return render(request, "applications/refusal_register.html",
                  {"form": form, **numbered_page(request, registered_refusals(**filters))})


@require_GET
@official_required
def refusal_register_csv(request: HttpRequest) -> HttpResponse:
    _, filters = _filters(request)
    return _download(register_csv(**filters), "text/csv; charset=utf-8", "refusal-register.csv")


@require_GET
@official_required
def refusal_register_xlsx(request: HttpRequest) -> HttpResponse:
    _, filters = _filters(request)
    return _download(register_xlsx(**filters), XLSX, "refusal-register.xlsx")


@require_GET
@official_required
def refusal_notice(request: HttpRequest, refusal_id: int) -> FileResponse:
    """The notice exactly as issued (the stored file, whose hash the register shows), never a new rendering."""
    _filters(request)
    refusal = get_object_or_404(Refusal, pk=refusal_id, status=Refusal.REGISTERED)
    return FileResponse(refusal.notice_file.open("rb"), content_type="application/pdf",
                        filename=f"refusal-{refusal.pk}.pdf")


@require_http_methods(["GET", "POST"])
@official_required
def refusal_return_materials(request: HttpRequest, refusal_id: int) -> HttpResponse:
    refusal = get_object_or_404(Refusal.objects.select_related("item__department"), pk=refusal_id,
                                status=Refusal.REGISTERED)
    if not can_return_materials(request.official, refusal.item.department_id):
        raise PermissionDenied
    form = ReturnMaterialsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return_materials(refusal, staff=request.official, **form.cleaned_data)
        except RefusalRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The return of the materials was recorded."))
            return redirect("refusal_return_materials", refusal_id=refusal.pk)
    return render(request, "applications/refusal_return_materials.html", {"refusal": refusal, "form": form})

"""收件受理: the window's intake screen (一门受理) and the stored notices of an application.

The item is chosen first (a GET with ?item=…), so its materials show as checkboxes with the main documents marked;
the submission goes to workflows.applications.intake.receive_application, whose refusals are shown on their fields.
A received application continues on its receipt page (application_receipt).
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from webapp.access import official_required
from workflows.applications.application_forms import IntakeForm
from workflows.applications.intake import ApplicationRefused, receive_application
from workflows.applications.models import ApplicationNotice, ServiceItem


def _item(value: str | None) -> ServiceItem | None:
    return ServiceItem.objects.filter(pk=value).first() if value and str(value).isdigit() else None


@require_http_methods(["GET", "POST"])
@official_required
def application_new(request: HttpRequest) -> HttpResponse:
    item = _item(request.POST.get("item") if request.method == "POST" else request.GET.get("item"))
    form = IntakeForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = receive_application(data["item"].pk, data["applicant"], data["phone"], data["matter"],
                                              data["materials"], request.official)
        except ApplicationRefused as exc:
            form.add_refusal(exc.field, str(exc))
        else:
            return redirect("application_receipt", number=application.number)
    return render(request, "applications/application_new.html", {"form": form, "item": item,
                                                                  "items": ServiceItem.objects.order_by("code")})


@require_GET
@official_required
def application_notice(request: HttpRequest, notice_id: int) -> FileResponse:
    """A notice exactly as issued (the stored file, whose SHA-256 the case page shows), never a new rendering."""
    notice = get_object_or_404(ApplicationNotice, pk=notice_id)
    return FileResponse(notice.file.open("rb"), content_type="application/pdf", filename=f"{notice.number}.pdf")

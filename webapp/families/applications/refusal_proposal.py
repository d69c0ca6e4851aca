"""提出否定意见: any official proposes a refusal, which starts the 否定报备 process (bpmn/rejection_report.bpmn)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from webapp.access import official_required
from workflows.applications.models import Refusal
from workflows.applications.refusal_forms import RefusalProposalForm
from workflows.applications.refusals import RefusalRefused
from workflows.applications.rejection_report import start_rejection_report


@require_http_methods(["GET", "POST"])
@official_required
def refusal_propose(request: HttpRequest) -> HttpResponse:
    form = RefusalProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            refusal = start_rejection_report(form.proposal(), handler=request.official)
        except RefusalRefused as exc:
            form.add_refusal(exc.field, str(exc))
        else:
            if refusal.status == Refusal.REGISTERED:
                messages.success(request, _("The refusal is registered: %(number)s.") % {
                    "number": refusal.notice_number})
            else:
                messages.success(request, _("The refusal is beyond your authority and went to a centre leader."))
            return redirect("inbox")
    return render(request, "applications/refusal_propose.html", {"form": form})

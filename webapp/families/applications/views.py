"""服务事项目录: the centre office keeps the catalogue; everyone else gets the 403 page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from webapp.access import official_required
from webapp.paging import numbered_page
from workflows.applications.access import can_edit_catalogue
from workflows.applications.forms import ServiceItemForm, ServiceItemSearchForm
from workflows.applications.models import ServiceItem
from workflows.applications.selectors import service_items
from workflows.applications.services import CatalogueRefused, create_service_item, update_service_item


def _require_catalogue_keeper(request: HttpRequest) -> None:
    if not can_edit_catalogue(request.user, request.official):
        raise PermissionDenied


@require_GET
@official_required
def service_item_list(request: HttpRequest) -> HttpResponse:
    _require_catalogue_keeper(request)
    search = ServiceItemSearchForm(request.GET)
    filters = search.cleaned_data if search.is_valid() else {}
    department = filters.get("department")
    items = service_items(search=filters.get("q", ""), department_id=department.pk if department else None,
                          kind=filters.get("kind", ""))
    return render(request, "applications/service_item_list.html",
                  {"search": search, **numbered_page(request, items)})


@require_http_methods(["GET", "POST"])
@official_required
def service_item_new(request: HttpRequest) -> HttpResponse:
    _require_catalogue_keeper(request)
    return _edit(request, item=None)


@require_http_methods(["GET", "POST"])
@official_required
def service_item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    _require_catalogue_keeper(request)
    return _edit(request, item=get_object_or_404(ServiceItem, pk=item_id))


def _edit(request: HttpRequest, item: ServiceItem | None) -> HttpResponse:
    initial = ServiceItemForm.initial_of(item) if item is not None else {}
    form = ServiceItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                saved = create_service_item(form.service_input(), actor=request.official)
            else:
                saved = update_service_item(item, form.service_input(), actor=request.official)
        except CatalogueRefused as exc:
            form.add_refusal(exc.field, str(exc))
        else:
            messages.success(request, _("Service item %(item)s was saved.") % {"item": saved})
            return redirect("service_item_list")
    return render(request, "applications/service_item_form.html", {"form": form, "item": item})

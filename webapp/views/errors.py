"""Django's own error answers, JSON under /api/ as the API's schema promises, pages elsewhere.

500 with DEBUG off: the request id instead of a traceback. Django has logged the traceback (django.request, with
the same request id) before calling this. The page does not extend base.html: it must render even when what
failed is the database its menus read. 404: a URL no API route matches (/api/tasks/abc/) is JSON too, and so is
a 400 Django gives before any view runs (a body too large).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from webapp.request_id import current_request_id


def server_error(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", None) or current_request_id()
    if request.path.startswith("/api/"):
        body = {"detail": _("Server error. Please quote the request id when reporting it."), "request_id": request_id}
        return JsonResponse(body, status=500, json_dumps_params={"ensure_ascii": False})
    page = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponse(page, status=500)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a forged Host: refused before any view runs."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("The request was refused: too large or malformed.")}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return defaults.bad_request(request, exception)

"""Test-only URLs: the real ones plus a page and an API view that raise, to see the 500 answers."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from webapp.urls import handler400, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


class Boom(Exception):
    """What a bug looks like from outside."""


def page_that_raises(request: HttpRequest) -> HttpResponse:
    import logging

    logging.getLogger("govflow.test").warning("about to fail")
    raise Boom("page broke")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_that_raises(request: Request) -> HttpResponse:
    raise Boom("api broke")


urlpatterns = [
    path("boom/", page_that_raises),
    path("api/boom/", api_that_raises),
    *urlpatterns,
]

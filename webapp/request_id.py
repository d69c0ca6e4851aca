"""One id per request, on the response (X-Request-ID), on every log line written while it runs, and on the
error page, so a person reporting "it broke" can quote the id and the administrator finds the traceback.

An X-Request-ID sent by a proxy in front of us is kept when it looks like an id (letters, digits, . _ : -,
at most 64); anything else is replaced, so a header cannot inject text into the logs.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
NO_REQUEST = "-"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_current: ContextVar[str] = ContextVar("govflow_request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request being handled in this thread or task, or "-" outside one."""
    return _current.get()


def _incoming_or_new(request: HttpRequest) -> str:
    incoming = request.headers.get(HEADER, "")
    return incoming if _VALID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so the id covers every other middleware and the error handlers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _incoming_or_new(request)
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute for the formatter (settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True

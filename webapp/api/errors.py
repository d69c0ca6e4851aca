"""Engine and service errors as HTTP answers: 409 for conflicts, 403 for not allowed, 400 otherwise."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from engine.errors import DefinitionError, EngineError, NotAllowed
from workflows.runtime.errors import Conflict, Forbidden, InvalidInput, TooSoon


def error_response(exc: Exception) -> Response | None:
    """The response for a govflow error, or None to leave `exc` to DRF."""
    if not isinstance(exc, EngineError):
        return None
    body: dict = {"detail": str(exc)}
    code = status.HTTP_400_BAD_REQUEST
    if isinstance(exc, Conflict):
        code = status.HTTP_409_CONFLICT
    elif isinstance(exc, TooSoon):
        code = status.HTTP_429_TOO_MANY_REQUESTS
    elif isinstance(exc, NotAllowed | Forbidden):
        code = status.HTTP_403_FORBIDDEN
    elif isinstance(exc, DefinitionError):
        problems = [{"file": p.filename, "element_id": p.element_id, "reason": p.reason} for p in exc.problems]
        body.update(file=exc.filename, element_id=exc.element_id, problems=problems)
    if isinstance(exc, InvalidInput) and exc.field:  # e.g. a leave refused for its first day
        body["field"] = exc.field
    return Response(body, status=code)


class EngineErrorsMixin:
    """Turns service errors raised inside a view into their HTTP answer."""

    def handle_exception(self, exc):
        response = error_response(exc)
        return response if response is not None else super().handle_exception(exc)

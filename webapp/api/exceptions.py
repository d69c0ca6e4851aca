"""DRF's exception handler with one promise added: every error body has a `detail` string.

Validation errors keep their per-field lists at the top level (clients read `body["first_day"]`) and gain a
`detail` naming the first problem, so the one error shape the OpenAPI schema declares (`Error`: detail) holds
for every 4xx the API gives.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler


def _first_message(errors: Any, path: str = "") -> str:
    """`first_day: 日期有误` for {"first_day": ["日期有误"]}; nested lists and dicts are walked depth-first."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = str(key) if key != "non_field_errors" else ""
            return _first_message(value, f"{path}.{name}" if path and name else name or path)
        return ""
    if isinstance(errors, list):
        return _first_message(errors[0], path) if errors else ""
    return f"{path}: {errors}" if path else str(errors)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None or (isinstance(response.data, dict) and "detail" in response.data):
        return response
    errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
    response.data = {"detail": _first_message(errors) or _("Invalid input."), **errors}
    return response

"""A JSON parser that refuses bodies nested deeper than MAX_JSON_DEPTH before decoding them.

No API input needs more than a handful of levels (a task form's fields, a definition's files); a body of
thousands of nested brackets would otherwise reach Python's recursion limit inside the decoder (a 500) or
cost time in every layer that walks it. The depth is counted on the raw text, so nothing deep is ever built.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


def json_nesting_depth(text: str) -> int:
    """The deepest nesting of [ and { in `text`, brackets inside strings not counted."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(_("The request body is not valid %(encoding)s text.") % {"encoding": encoding}) from exc
        if json_nesting_depth(text) > MAX_JSON_DEPTH:
            raise ParseError(_("The JSON body is nested deeper than %(limit)d levels.") % {"limit": MAX_JSON_DEPTH})
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except ParseError as exc:  # DRF's message is English; say where the JSON breaks, in the centre's language
            error = exc.__context__
            if not isinstance(error, json.JSONDecodeError):
                raise
            raise ParseError(_("The request body is not valid JSON (line %(line)d, column %(column)d).")
                             % {"line": error.lineno, "column": error.colno}) from error

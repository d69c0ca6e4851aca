"""drf-spectacular post-processing: the error answers every operation can give, declared once.

Views declare the answers of their own rules (a 409 on a conflicting completion, a 400 naming a deadline); the
answers DRF itself gives around any view are added here, so the schema does not under-promise them:
401/403 for a caller who is not an authenticated official, 400 for a query string or body that does not
validate, 404 for an unknown id, a page past the end, a cursor that is not one or an unknown `?format=`.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": ERROR_REF}}, "description": description}


def _is_paginated(operation: dict[str, Any]) -> bool:
    return any(p.get("name") in ("page", "cursor") and p.get("in") == "query" for p in operation.get("parameters", []))


def _chooses_format(operation: dict[str, Any]) -> bool:
    """`?format=` an unknown renderer is a 404 in DRF."""
    return any(p.get("name") == "format" and p.get("in") == "query" for p in operation.get("parameters", []))


def _takes_input(operation: dict[str, Any]) -> bool:
    parameters = [p for p in operation.get("parameters", []) if p.get("in") in ("query", "path")]
    return bool(parameters) or "requestBody" in operation


def declare_common_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the 400/401/403/404 answers DRF gives to operations that do not declare them already."""
    if "Error" not in result.get("components", {}).get("schemas", {}):
        return result
    for path, methods in result.get("paths", {}).items():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            wanted = {"401": "未登录", "403": "无权操作"}
            if _takes_input(operation):
                wanted["400"] = "输入有误"
            if "{" in path or _is_paginated(operation) or _chooses_format(operation):
                wanted["404"] = "未找到"
            for code, description in wanted.items():
                responses.setdefault(code, _error(description))
    return result
